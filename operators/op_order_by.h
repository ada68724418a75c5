/*
 * op_order_by.h — ORDER BY without a limit (Trino's OrderByOperator):
 * buffers all input, sorts on finish by normalised keys (op_sort_key.h:
 * multiple keys, ASC/DESC, NULLS FIRST/LAST, typed encodings chosen once
 * per column, stable), then emits the output channels in order.
 */
#ifndef SHOAL_OPERATORS_OP_ORDER_BY_H
#define SHOAL_OPERATORS_OP_ORDER_BY_H

#include "operators/op_sort_key.h"
#include "operators/operator.h"

/* Input has column_count columns of `types`; output is output_channels. */
operator *order_by_create(int plan_node_id, int column_count, const sql_type *types,
                          int key_count, const sort_key *keys, int output_count,
                          const int *output_channels, shoal_error *error);

#endif
