/*
 * query_limits.h — per-query memory and time limits (Trino's
 * query.max-memory-per-node, query.max-memory, query.max-total-memory,
 * query.max-execution-time, query.max-run-time, query.max-planning-time).
 *
 * Memory: every query gets memory contexts under the node's pool:
 *   node pool → query total (max-total-memory) → query user (max-memory)
 *             → query on this node (max-memory-per-node) → one per driver.
 * Operators report retained bytes through op_memory_set; the pipeline
 * points each operator's memory_hook at its driver's hook here, which
 * reserves the delta. A refused reservation fails the query once, through
 * the owner's callback, with EXCEEDED_LOCAL_MEMORY_LIMIT ("Query exceeded
 * per-node memory limit of 1MB [Allocated: ..., Delta: ..., Top Consumers:
 * {...}]") or EXCEEDED_GLOBAL_MEMORY_LIMIT ("Query exceeded distributed
 * user|total memory limit of ..."). Everything is given back when the
 * limits are freed. (Single node: the distributed limits apply to this
 * node's share, which is the whole query.)
 *
 * Node pool and low-memory killer: every query's contexts hang under the
 * process's node pool (query_limits_set_node_pool_limit: memory budget
 * minus memory.heap-headroom-per-node). A reservation the pool refuses
 * means the node is out of memory: with query.low-memory-killer.policy
 * `none` the asking query fails (EXCEEDED_LOCAL_MEMORY_LIMIT "Query
 * exceeded the node's memory pool of ..."); with `total-reservation` or
 * `total-reservation-on-blocked-nodes` the query that reserves the most on
 * this node (the only, hence the blocked, node of a local execution) fails
 * with CLUSTER_OUT_OF_MEMORY "Query killed because the cluster is out of
 * memory. Please try again in a few minutes." — and when that is not the
 * asking query, the asking one is granted its bytes as a short over-commit
 * (the victim's memory comes back as its drivers close).
 *
 * Time: a deadline actor fails the query with EXCEEDED_TIME_LIMIT when the
 * earlier of created + max-run-time ("Query exceeded maximum time limit of
 * 1.00s") and execution start + max-execution-time ("Query exceeded the
 * maximum execution time limit of ...") passes; planning is checked when
 * it ends ("Query exceeded the maximum planning time limit of ...").
 */
#ifndef SHOAL_ACTORS_QUERY_LIMITS_H
#define SHOAL_ACTORS_QUERY_LIMITS_H

#include <stdbool.h>
#include <stdint.h>

#include "config/server_config.h"
#include "connectors/spi/error.h"
#include "operators/op_memory.h"
#include "runtime/memory_context.h"
#include "runtime/runtime.h"

typedef struct query_limits_config {
    uint64_t max_memory_per_node;    /* bytes; 0: none */
    uint64_t max_memory;             /* user memory across the cluster; 0: none */
    uint64_t max_total_memory;       /* 0: none */
    int64_t max_execution_time_ns;   /* 0: none */
    int64_t max_run_time_ns;         /* 0: none */
    int64_t max_planning_time_ns;    /* 0: none */
    int low_memory_killer;           /* low_memory_killer_policy (0: none) */
} query_limits_config;

typedef struct query_limits query_limits;

/* Called at most once, from a pipeline or the deadline actor's thread. */
typedef void (*query_limits_fail_fn)(void *context, const shoal_error *error);

/* `created_ns` is when the query was created (clock_now_ns; 0: now). NULL
 * config: no limits (memory is still accounted). */
query_limits *query_limits_create(runtime *rt, const query_limits_config *config, uint64_t created_ns,
                                  query_limits_fail_fn fail, void *context);
/* Attaches a fresh driver hook to each operator of one driver. */
bool query_limits_attach(query_limits *limits, operator **operators, int count);
/* After every driver has closed: stops the deadline, gives back all memory. */
void query_limits_free(query_limits *limits);

int64_t query_limits_reserved(const query_limits *limits);
int64_t query_limits_peak(const query_limits *limits);

/* false with EXCEEDED_TIME_LIMIT when planning took longer than allowed. */
bool query_limits_check_planning(const query_limits_config *config, uint64_t created_ns, shoal_error *error);

/* The process's node pool (parent of every query's contexts). */
memory_context *query_limits_node_pool(void);
/* Sizes the node pool (0: unlimited, the default). */
void query_limits_set_node_pool_limit(int64_t bytes);
/* How many queries the low-memory killer has failed in this process. */
uint64_t query_limits_killed_count(void);

#endif
