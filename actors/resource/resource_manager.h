/*
 * resource_manager.h — Trino's resource groups as actors with mailbox
 * admission policies (DESIGN.md, Actors → resource/).
 *
 * A query is submitted with who runs it (user, source, client tags, query
 * type, priority). The selectors (resource-groups.json, in file order, first
 * match wins) name its leaf group, created on demand from the name templates
 * (${USER}, ${SOURCE}, named regex groups). The submission is a message to
 * the leaf group's actor, whose admission policy checks the group and all its
 * ancestors under the tree lock and decides:
 *   run now   → admit(ticket, ctx) runs on the group actor's thread;
 *   queue     → the ticket waits in the group's queue; capacity freed later
 *               (a query finished, CPU quota regenerated, memory dropped)
 *               admits the next one chosen by each level's scheduling policy,
 *               again through admit() on the leaf group actor's thread;
 *   reject    → reject(ticket, QUERY_QUEUE_FULL "Too many queued queries for
 *               "<group>"", ctx) on the group actor's thread.
 * Callbacks run with the manager's lock held: they must only enqueue work
 * (signal a condition, send a message) and never call the manager.
 *
 * The caller owns the ticket from submit until it ends it, exactly once,
 * with resource_manager_query_finished — after the query ran, after a
 * reject, or to withdraw it (queued or still on its way). Once that returns
 * no callback for the ticket runs.
 *
 * Without a resource-groups file the manager has Trino's legacy setup: one
 * group `global` limited by query.max-concurrent-queries and
 * query.max-queued-queries.
 *
 *     resource_manager *rm = resource_manager_create(rt, &(resource_manager_options){
 *         .spec = &spec, .cluster_memory_bytes = pool}, &error);
 *     resource_ticket *t = resource_manager_submit(rm, &who, on_admit, on_reject, ctx, &error);
 *     ... on_admit: start the query; on the query's end:
 *     resource_manager_query_finished(rm, t, cpu_ns, peak_memory);
 */
#ifndef SHOAL_ACTORS_RESOURCE_MANAGER_H
#define SHOAL_ACTORS_RESOURCE_MANAGER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/resource_groups.h"
#include "connectors/spi/error.h"
#include "runtime/runtime.h"
#include "runtime/sched_group.h"

typedef struct resource_manager resource_manager;
typedef struct resource_ticket resource_ticket;

/* Who submits a query: what the selectors look at. Strings are copied. */
typedef struct query_identity {
    const char *user;                 /* session user (required) */
    const char *original_user;        /* NULL: same as user */
    const char *authenticated_user;   /* NULL: none (authenticatedUser selectors do not match) */
    const char *source;               /* NULL: none (source selectors do not match; ${SOURCE} is "") */
    const char *const *user_groups;   /* from the group provider */
    size_t user_group_count;
    const char *const *client_tags;
    size_t client_tag_count;
    const char *query_type;           /* SELECT, EXPLAIN, DESCRIBE, INSERT, UPDATE, MERGE, DELETE,
                                         ANALYZE, DATA_DEFINITION, ALTER_TABLE_EXECUTE; NULL: unknown */
    int64_t query_priority;           /* session property query_priority; 0 means the default 1 */
    /* client resource estimates (selectorResourceEstimate); absent when has_* is false */
    bool has_execution_time, has_cpu_time, has_peak_memory;
    int64_t execution_time_ns, cpu_time_ns, peak_memory_bytes;
} query_identity;

/* Called on the leaf group actor's thread. */
typedef void (*resource_admit_fn)(resource_ticket *ticket, void *context);
typedef void (*resource_reject_fn)(resource_ticket *ticket, const shoal_error *error, void *context);

typedef struct resource_manager_options {
    const resource_groups_spec *spec;   /* NULL: the legacy single `global` group */
    int64_t max_concurrent_queries;     /* legacy group: query.max-concurrent-queries (0 → 1000) */
    int64_t max_queued_queries;         /* legacy group: query.max-queued-queries (0 → 5000) */
    uint64_t cluster_memory_bytes;      /* base of "N%" softMemoryLimits; 0: percentages are not enforced */
    /* CPU quotas regenerate and queues are re-examined every refresh interval
     * by a ticker actor (Trino: every second). 0 → 1000 ms. */
    int64_t refresh_interval_ms;
    bool manual_refresh;                /* no ticker: the caller drives resource_manager_refresh */
} resource_manager_options;

/* NULL with *error (CONFIGURATION_INVALID / GENERIC_INSUFFICIENT_RESOURCES).
 * The spec is copied; the caller may free it afterwards. */
resource_manager *resource_manager_create(runtime *rt, const resource_manager_options *options,
                                          shoal_error *error);
/* Stops the group actors and frees every ticket still held. Callbacks that
 * have not run by then never run. Call after the queries are gone. */
void resource_manager_destroy(resource_manager *rm);

/* Routes and submits a query. NULL with *error when no selector matches
 * (QUERY_REJECTED "Query did not match any selection rule"), the selected
 * group is not a leaf (INVALID_RESOURCE_GROUP) or memory runs out; then no
 * callback runs. Otherwise exactly one of admit / reject runs later. */
resource_ticket *resource_manager_submit(resource_manager *rm, const query_identity *who,
                                         resource_admit_fn admit, resource_reject_fn reject,
                                         void *context, shoal_error *error);

/* Ends a ticket: an admitted query ended (its cumulative CPU time and peak
 * memory are charged; freed capacity admits queued ones), or a rejected
 * one is acknowledged, or a queued / in-flight one is withdrawn. Exactly
 * once per ticket; the ticket is invalid afterwards. */
void resource_manager_query_finished(resource_manager *rm, resource_ticket *ticket, int64_t cpu_ns,
                                     int64_t peak_memory_bytes);
/* A running query's cumulative CPU time and current total memory
 * reservation; the group's usage follows at once (Trino refreshes it
 * periodically). A group over its softMemoryLimit queues new queries;
 * running ones continue. */
void resource_manager_update_usage(resource_manager *rm, resource_ticket *ticket, int64_t cpu_ns,
                                   int64_t memory_bytes);

/* Regenerates CPU quota for the whole seconds elapsed since the last refresh
 * (at `now_ns`, a clock_now_ns() value or a test's own clock) and admits
 * what the freed capacity allows. The ticker calls it unless manual_refresh. */
void resource_manager_refresh(resource_manager *rm, int64_t now_ns);
/* The cluster's general memory pool changed: "N%" limits follow. */
void resource_manager_set_cluster_memory(resource_manager *rm, uint64_t bytes);

/* Replaces selectors and limits without a restart. Existing groups keep
 * their queries (running and queued) and take the new limits of the spec at
 * their place; groups no longer configured keep their last limits and only
 * drain. NULL spec: the legacy group. false with *error leaves all as it was. */
bool resource_manager_reload(resource_manager *rm, const resource_groups_spec *spec,
                             shoal_error *error);

/* ---- tickets ---- */
const char *resource_ticket_group(const resource_ticket *ticket);   /* "global.adhoc.bob" */
int64_t resource_ticket_priority(const resource_ticket *ticket);
/* The runtime scheduling group of the ticket's leaf group (valid while the
 * ticket lives; a sched_job made from it keeps it alive): its pipelines
 * share CPU with other groups' by schedulingWeight (runtime/sched_group.h). */
sched_group *resource_ticket_sched_group(const resource_ticket *ticket);
/* Nanoseconds between submit and admit (0 while not admitted). */
int64_t resource_ticket_queued_ns(const resource_ticket *ticket);

/* ---- live state (for /v1/resourceGroupState and system tables) ---- */
typedef struct resource_group_state {
    char *id;                          /* dotted: "global.adhoc.bob" */
    char *name;                        /* last segment */
    const char *scheduling_policy;     /* "fair", ... (static string) */
    int64_t scheduling_weight;
    int64_t running_queries;           /* including descendants */
    int64_t queued_queries;            /* including descendants */
    int64_t hard_concurrency_limit;
    int64_t soft_concurrency_limit;
    int64_t max_queued_queries;
    int64_t soft_memory_limit_bytes;   /* INT64_MAX: none */
    int64_t memory_usage_bytes;
    int64_t cpu_usage_ms;              /* after quota regeneration */
    int64_t soft_cpu_limit_ms;         /* INT64_MAX: none */
    int64_t hard_cpu_limit_ms;         /* INT64_MAX: none */
    bool can_run_more;                 /* this group's own limits allow another query */
    bool configured;                   /* false: dropped by a reload, draining */
    struct resource_group_state *sub_groups;
    size_t sub_group_count;
} resource_group_state;

typedef struct resource_manager_state {
    resource_group_state *root_groups;
    size_t root_group_count;
    uint64_t submitted, admitted, queued, rejected;   /* totals since create */
} resource_manager_state;

bool resource_manager_state_get(resource_manager *rm, resource_manager_state *out);
void resource_manager_state_free(resource_manager_state *state);
/* The group with this dotted id in a state tree, or NULL. */
const resource_group_state *resource_manager_state_find(const resource_manager_state *state,
                                                        const char *id);

#endif
