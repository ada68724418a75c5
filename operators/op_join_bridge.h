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
 * over when it finishes; the last one builds (column buffers + hash table)
 * and sets `built`. After that the bridge is read-only except for the
 * match flags (relaxed atomic byte stores) and the probe counter.
 *
 * Build layout: every build column in a column_buffer (concatenated in
 * arrival order; string views point into the build pages, which the bridge
 * keeps). The hash table (hash_table.h) holds one row per distinct key with
 * the head and length of a chain of build row ids (uint32) through `next`; rows with a
 * NULL key are not in the table (they never match) but are still build rows
 * (RIGHT/FULL emit them unmatched) and set has_null_key.
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
#include "connectors/spi/value.h"
#include "operators/hash_table.h"
#include "operators/operator_event.h"
#include "operators/page_builder.h"

enum { JOIN_NO_ROW = UINT32_MAX, JOIN_DYNAMIC_FILTER_MAX_VALUES = 1024 };

/* What the scan side may use to skip rows that cannot join (published once
 * the build is done). One entry per join key, in key order. */
typedef struct join_dynamic_filter_column {
    sql_type type;
    bool has_range;           /* min/max are set (orderable type, some non-NULL key) */
    value min, max;
    bool has_values;          /* the build had at most JOIN_DYNAMIC_FILTER_MAX_VALUES
                                 distinct keys: they are all in values[] */
    uint32_t value_count;
    value *values;            /* strings point into bridge memory */
} join_dynamic_filter_column;

typedef struct join_dynamic_filter {
    bool build_empty;         /* no build row with a non-NULL key: an inner join matches nothing */
    int column_count;
    join_dynamic_filter_column *columns;
} join_dynamic_filter;

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
    operator_event built;

    int column_count;
    sql_type *types;
    int key_count;
    int *key_channels;
    bool track_matches;

    /* collection (under lock) */
    page **pages;
    int page_count;
    int page_capacity;
    int builders_pending;
    atomic_int probes_pending;

    /* the build (read-only once built) */
    bool failed;
    shoal_error error;
    uint64_t row_count;
    column_buffer *columns;
    hash_table *table;                 /* payload: uint32_t chain head */
    uint32_t *next;
    uint8_t *matched;
    bool has_null_key;
    join_dynamic_filter filter;
    uint64_t memory_bytes;
} join_bridge;

join_bridge *join_bridge_create(const join_bridge_config *config, shoal_error *error);
join_bridge *join_bridge_ref(join_bridge *b);
void join_bridge_unref(join_bridge *b);

/* Build side: hands over a driver's pages (the bridge takes the references)
 * and reports that driver done; the last one builds. Returns true when this
 * call built the table. */
bool join_bridge_builder_done(join_bridge *b, page **pages, int page_count);

static inline bool join_bridge_is_built(join_bridge *b)
{
    return operator_event_is_set(&b->built);
}

/* Probe side: reports one probe driver done; true for the last one. */
bool join_bridge_probe_done(join_bridge *b);

/* NULL until built. */
const join_dynamic_filter *join_bridge_dynamic_filter(join_bridge *b);
/* The dynamic filter of key `key` as a column_range on `table_column` (the
 * scan's column index); false when there is no range. */
bool join_dynamic_filter_range(const join_dynamic_filter *f, int key, int table_column,
                               column_range *out);

/* Build row ids: a table row's payload is {chain head, chain length}; the
 * chain continues through next[]. */
static inline uint32_t join_bridge_chain_head(const join_bridge *b, unsigned char *table_row)
{
    uint32_t head;
    memcpy(&head, table_row + b->table->payload_offset, 4);
    return head;
}
static inline uint32_t join_bridge_chain_length(const join_bridge *b, unsigned char *table_row)
{
    uint32_t length;
    memcpy(&length, table_row + b->table->payload_offset + 4, 4);
    return length;
}

#endif
