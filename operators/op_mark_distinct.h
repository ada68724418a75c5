/*
 * op_mark_distinct.h — appends a boolean column that is TRUE on the first
 * row of each distinct combination of the key columns (NULL counts as a
 * value), FALSE on repeats (Trino's MarkDistinctOperator). The planner
 * uses it under DISTINCT aggregates: the marker is the aggregate's mask.
 */
#ifndef SHOAL_OPERATORS_OP_MARK_DISTINCT_H
#define SHOAL_OPERATORS_OP_MARK_DISTINCT_H

#include "operators/operator.h"

operator *mark_distinct_create(int plan_node_id, int key_count, const int *key_channels,
                               const sql_type *key_types, shoal_error *error);

#endif
