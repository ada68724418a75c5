/*
 * resource_internal.h — the private structures of actors/resource/: the
 * configuration the manager runs with (group templates + compiled
 * selectors), the group instances with their counters and queues, and
 * tickets. Everything under a manager is guarded by its tree lock.
 */
#ifndef SHOAL_ACTORS_RESOURCE_INTERNAL_H
#define SHOAL_ACTORS_RESOURCE_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "actors/resource/resource_manager.h"
#include "runtime/actor.h"
#include "runtime/sched_group.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

/* ---- configuration (immutable once built; replaced whole on reload) ---- */

typedef struct rg_limits {
    int64_t hard_concurrency;
    int64_t soft_concurrency;
    int64_t max_queued;
    bool memory_is_fraction;
    double memory_fraction;
    int64_t memory_bytes;           /* INT64_MAX: none */
    int64_t soft_cpu_ms;            /* INT64_MAX: none */
    int64_t hard_cpu_ms;            /* INT64_MAX: none */
    int64_t cpu_regen_ms_per_s;     /* quota generated per second */
    resource_group_policy policy;
    int64_t weight;
} rg_limits;

typedef struct rg_template {
    char *name;                     /* "adhoc_${USER}" */
    rg_limits limits;
    struct rg_template *children;
    size_t child_count;
} rg_template;

typedef struct rg_regex {
    pcre2_code *code;               /* NULL: criterion absent */
    uint32_t name_count;            /* named groups */
} rg_regex;

typedef struct rg_selector {
    rg_regex user, user_group, original_user, authenticated_user, source;
    char *query_type;               /* NULL: any */
    char **client_tags;
    size_t client_tag_count;
    resource_estimate_range execution_time, cpu_time, peak_memory;
    char **segments;                /* group id templates, one per level */
    const rg_template **templates;  /* the configured group at each level */
    size_t segment_count;
} rg_selector;

typedef struct rg_config {
    rg_template *roots;
    size_t root_count;
    rg_selector *selectors;
    size_t selector_count;
} rg_config;

/* spec NULL: the legacy `global` group. */
rg_config *rg_config_build(const resource_groups_spec *spec, int64_t max_running, int64_t max_queued,
                           shoal_error *error);
void rg_config_free(rg_config *config);

/* The first matching selector: expanded segment names (malloc'd, caller
 * frees each and the array) and their templates. false: no match. */
bool rg_select(const rg_config *config, const query_identity *who, char ***segments,
               const rg_template ***templates, size_t *count);

/* ---- runtime structures ---- */

typedef struct rg_group rg_group;
typedef struct rg_manager_core rg_manager_core;

typedef enum ticket_state {
    TICKET_SUBMITTED,               /* message on its way to the leaf actor */
    TICKET_QUEUED,
    TICKET_RUNNING,                 /* admitted (callback sent or run) */
    TICKET_REJECTED
} ticket_state;

struct resource_ticket {
    rg_group *group;                /* leaf */
    ticket_state state;
    int64_t priority;
    uint64_t seq;                   /* submission order: FIFO tie-break */
    size_t heap_index;              /* in the group's queue while QUEUED */
    int64_t cpu_ms;                 /* last reported, charged to the groups */
    int64_t memory_bytes;
    int64_t submitted_ns, admitted_ns;
    resource_admit_fn admit;
    resource_reject_fn reject;
    void *context;
    shoal_error error;              /* why it was rejected */
    resource_ticket *all_prev, *all_next; /* manager's list of live tickets */
};

struct rg_group {
    rg_group *parent;
    char *name;
    char *template_name;            /* the configured name template it is an instance of */
    char *id;                       /* dotted */
    rg_limits limits;
    bool leaf;                      /* its template has no sub-groups */
    bool configured;                /* still in the configuration */
    rg_group **children;
    size_t child_count, child_cap;

    int64_t running_own;
    int64_t running;                /* including descendants */
    int64_t queued;                 /* including descendants */
    int64_t memory_bytes;           /* sum over running queries in the subtree */
    int64_t cpu_ms;                 /* subtree usage, regenerating */

    resource_ticket **queue;        /* own queued queries: a heap by (priority desc, seq) */
    size_t queue_count, queue_cap;

    /* eligible sub-groups (can run more and have something queued), in the
     * order they became eligible */
    rg_group *eligible_head, *eligible_tail;
    rg_group *eligible_prev, *eligible_next;
    bool in_eligible;
    __int128 wrr_current;           /* weighted: smooth round-robin credit */

    actor *actor;
    resource_manager *rm;
    sched_group *sched;             /* CPU share of its running queries (weight: rg_sched_weight) */
};

/* ---- the group algorithms (resource_group.c); all under the tree lock ---- */
int64_t rg_soft_memory_limit(const rg_group *g, uint64_t cluster_memory);
bool rg_can_run_more(const rg_group *g, uint64_t cluster_memory);
bool rg_can_queue_more(const rg_group *g);
void rg_update_eligibility(rg_group *g, uint64_t cluster_memory);
void rg_recompute_eligibility(rg_group *g, uint64_t cluster_memory);   /* whole subtree */
/* Marks a ticket running and charges the path. */
void rg_start(resource_ticket *t, uint64_t cluster_memory);
bool rg_enqueue(resource_ticket *t, uint64_t cluster_memory);
void rg_dequeue(resource_ticket *t, uint64_t cluster_memory);
/* Trino's internalStartNext: the next queued query under `g` by its policy. */
resource_ticket *rg_start_next(rg_group *g, uint64_t cluster_memory);
void rg_charge_usage(rg_group *leaf, int64_t cpu_ms_delta, int64_t memory_delta);
void rg_generate_quota(rg_group *g, int64_t elapsed_seconds);
void rg_set_policy(rg_group *g, resource_group_policy policy);
int64_t rg_queue_priority(const rg_group *g, const resource_ticket *t);

#endif
