/*
 * op_set_operation.h — INTERSECT and EXCEPT, [ALL | DISTINCT], by counting
 * each distinct row per side. The two inputs arrive as one stream (a local
 * exchange unions them) with a marker column saying which side a row comes
 * from (0 = left, 1 = right). On finish each distinct row is emitted
 *   INTERSECT DISTINCT  once if both counts > 0
 *   INTERSECT ALL       min(left, right) times
 *   EXCEPT DISTINCT     once if left > 0 and right = 0
 *   EXCEPT ALL          max(left - right, 0) times
 * Rows compare with NULL equal to NULL, as set operations do.
 */
#ifndef SHOAL_OPERATORS_OP_SET_OPERATION_H
#define SHOAL_OPERATORS_OP_SET_OPERATION_H

#include "operators/operator.h"

typedef enum set_operation_kind {
    SET_OPERATION_INTERSECT,
    SET_OPERATION_EXCEPT
} set_operation_kind;

/* Input: data columns 0..column_count-1 of `types`, then the marker at
 * channel column_count (any integer type). Output: the data columns. */
operator *set_operation_create(int plan_node_id, set_operation_kind kind, bool all,
                               int column_count, const sql_type *types, shoal_error *error);

#endif
