/*
 * op_distinct_limit.h — SELECT DISTINCT ... LIMIT n (Trino's
 * DistinctLimitOperator): emits the key columns of each row whose key
 * combination is new, stops after n distinct rows. NULL is a value.
 */
#ifndef SHOAL_OPERATORS_OP_DISTINCT_LIMIT_H
#define SHOAL_OPERATORS_OP_DISTINCT_LIMIT_H

#include <stdint.h>

#include "operators/operator.h"

/* limit < 0: no limit (plain DISTINCT, streaming). */
operator *distinct_limit_create(int plan_node_id, int key_count, const int *key_channels,
                                const sql_type *key_types, int64_t limit, shoal_error *error);

#endif
