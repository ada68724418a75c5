/*
 * op_top_n.h — ORDER BY ... LIMIT n (Trino's TopNOperator): keeps the best
 * n rows seen so far in a binary max-heap keyed by normalised sort keys
 * (op_sort_key.h), so a row that cannot enter costs one memcmp against the
 * heap's root; on finish the survivors are sorted and emitted. Ties keep
 * the earlier row (deterministic).
 */
#ifndef SHOAL_OPERATORS_OP_TOP_N_H
#define SHOAL_OPERATORS_OP_TOP_N_H

#include "operators/op_sort_key.h"
#include "operators/operator.h"

operator *top_n_create(int plan_node_id, int column_count, const sql_type *types,
                       int key_count, const sort_key *keys, uint64_t n, int output_count,
                       const int *output_channels, shoal_error *error);

#endif
