/*
 * op_join_bridge.h — what the build side of a join shares with its probe
 * side (Trino's JoinBridge / LookupSourceFactory): the build rows, one
 * hash table over their keys, the "built" event the probe drivers wait on,
 * per-row match flags for RIGHT/FULL joins, the counter that tells the last
 * probe driver to emit unmatched build rows, and the dynamic filter.
 *
 * Life cycle: the planner makes one bridge per join and hands a reference
 * to each hash_build (op_hash_build.h) and lookup_join / nested_loop_join
 * operator. Each build driver collects its pages locally and hands them
 * over when its input ends; then every build driver works on the build
 * until it is done (join_bridge_build_step), so the build runs on all of
 * them:
 *   1. collected: the last driver to hand over sizes everything (O(pages));
 *   2. page tasks: each page is copied into the column buffers at its row
 *      offset, its keys hashed and partitioned, its key ranges noted;
 *   3. partition tasks: each directory partition is filled by one driver
 *      (join_hash_table.h), which also adds its keys to the bloom filter;
 *   4. the driver finishing the last task publishes the dynamic filter and
 *      sets `built`.
 * After that the bridge is read-only except for the match flags (relaxed
 * atomic byte stores) and the probe counter.
 *
 * Build layout: every build column in a column_buffer (in hand-over order;
 * string views point into the build pages, which the bridge keeps). The
 * directory holds one entry per distinct key with the head and length of
 * the chain of its build rows (uint32 ids) through `next`; rows with a NULL
 * key are not in it (they never match) but are still build rows (RIGHT/FULL
 * emit them unmatched) and set has_null_key.
 *
 * A bridge made with key_count 0 only collects rows (nested-loop joins).
 */
#ifndef SHOAL_OPERATORS_OP_JOIN_BRIDGE_H
#define SHOAL_OPERATORS_OP_JOIN_BRIDGE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "connectors/spi/connector.h"
#include "operators/dynamic_filter.h"
#include "operators/join_hash_table.h"
#include "operators/operator_event.h"
#include "operators/page_builder.h"

enum { JOIN_NO_ROW = UINT32_MAX };

typedef struct join_bridge_config {
    int build_column_count;
    const sql_type *build_types;
    int key_count;                     /* 0: collect only (nested loop) */
    const int *build_key_channels;
    int build_driver_count;            /* hash_build operators feeding it */
    int probe_driver_count;            /* probe operators reading it */
    bool track_matches;                /* RIGHT/FULL: per build row match flags */
} join_bridge_config;

typedef struct join_bridge {
    atomic_int refcount;
    pthread_mutex_t lock;
    operator_event collected;          /* all pages handed over: page tasks open */
    operator_event hashed;             /* page tasks done: partition tasks open */
    operator_event built;

    int column_count;
    sql_type *types;
    int key_count;
    int *key_channels;
    bool track_matches;
    int build_driver_count;

    /* collection (under lock) */
    page **pages;
    int page_count;
    int page_capacity;
    int builders_pending;
    atomic_int probes_pending;

    /* build tasks, handed out by counters */
    uint64_t *page_first_row;
    atomic_int next_page_task;
    atomic_int pages_done;
    atomic_int next_partition_task;
    atomic_int partitions_done;
    atomic_bool partition_full;
    atomic_bool has_null_key_flag;
    bool *column_has_nulls;            /* per column, set under lock */
    atomic_bool memory_reported;       /* one build operator reports the bridge's bytes */

    /* the build (read-only once built) */
    bool failed;
    shoal_error error;
    uint64_t row_count;
    column_buffer *columns;
    join_hash_table table;
    uint32_t *next;
    uint8_t *matched;
    bool has_null_key;
    dynamic_filter filter;
    uint64_t memory_bytes;
} join_bridge;

join_bridge *join_bridge_create(const join_bridge_config *config, shoal_error *error);
join_bridge *join_bridge_ref(join_bridge *b);
void join_bridge_unref(join_bridge *b);

/* Build side: hands over a driver's pages (the bridge takes the
 * references) and reports that driver's input done. */
void join_bridge_builder_done(join_bridge *b, page **pages, int page_count);

typedef enum join_build_status {
    JOIN_BUILD_WORKED,                 /* did one task; call again */
    JOIN_BUILD_WAIT,                   /* nothing to do until *wait is set */
    JOIN_BUILD_DONE                    /* built (or failed: see failed/error) */
} join_build_status;

/* Does one build task (any build driver, after its own builder_done). */
join_build_status join_bridge_build_step(join_bridge *b, operator_event **wait);

static inline bool join_bridge_is_built(join_bridge *b)
{
    return operator_event_is_set(&b->built);
}

/* Sets how many probe drivers will report done (before any probes). */
void join_bridge_set_probe_drivers(join_bridge *b, int count);

/* Probe side: reports one probe driver done; true for the last one. */
bool join_bridge_probe_done(join_bridge *b);

/* NULL until built (or when the build failed or has no keys). */
const dynamic_filter *join_bridge_dynamic_filter(join_bridge *b);

#endif
