/*
 * op_hash_aggregation.h — GROUP BY (and global) aggregation, as Trino's
 * HashAggregationOperator / AggregationOperator.
 *
 * Steps: SINGLE (raw rows in, final values out), PARTIAL (raw rows in,
 * intermediate states out, for a remote/local exchange) and FINAL
 * (intermediate states in, final values out). Output columns are the group
 * keys in order, then one column per aggregate (its intermediate type for
 * PARTIAL, its return type otherwise).
 *
 * With no keys this is a global aggregation: exactly one output row, even
 * on empty input. DISTINCT aggregates and FILTER clauses use a mask
 * channel (a boolean column; only TRUE rows are aggregated): the planner
 * puts a mark_distinct (op_mark_distinct.h) below for DISTINCT. GROUPING
 * SETS arrive with the planner's group-id column as one of the keys; the
 * ids of the global grouping sets (those with no columns, e.g. the () in
 * ROLLUP) get their one default row on empty input, as SQL says.
 */
#ifndef SHOAL_OPERATORS_OP_HASH_AGGREGATION_H
#define SHOAL_OPERATORS_OP_HASH_AGGREGATION_H

#include <stdint.h>

#include "operators/aggregate_function.h"
#include "operators/operator.h"

/* aggregation_step comes from connectors/spi/function.h (shared with the planner). */
enum { AGGREGATE_MAX_ARGS = 8 };

typedef struct aggregate_spec {
    const aggregate_function *function;
    /* SINGLE/PARTIAL: the raw argument channels (count(*): none);
     * FINAL: arg_channels[0] is the intermediate-state channel. */
    int arg_count;
    int arg_channels[AGGREGATE_MAX_ARGS];
    int mask_channel;                  /* boolean channel or -1 */
} aggregate_spec;

typedef struct hash_aggregation_config {
    aggregation_step step;
    int key_count;                     /* 0: global aggregation */
    const int *key_channels;
    const sql_type *key_types;
    int aggregate_count;
    const aggregate_spec *aggregates;
    /* grouping sets: which key is the group id (-1: none) and the ids of
     * the global grouping sets */
    int group_id_key;
    int global_group_id_count;
    const int64_t *global_group_ids;
    uint64_t expected_groups;          /* sizing hint; 0 is fine */
} hash_aggregation_config;

operator *hash_aggregation_create(int plan_node_id, const hash_aggregation_config *config,
                                  shoal_error *error);

#endif
