/*
 * op_enforce_single_row.h — the guard under a scalar sub-query: passes its
 * single input row through, produces one all-NULL row when the input is
 * empty, and fails with SUBQUERY_MULTIPLE_ROWS on a second row.
 */
#ifndef SHOAL_OPERATORS_OP_ENFORCE_SINGLE_ROW_H
#define SHOAL_OPERATORS_OP_ENFORCE_SINGLE_ROW_H

#include "operators/operator.h"

operator *enforce_single_row_create(int plan_node_id, int column_count, const sql_type *types);

#endif
