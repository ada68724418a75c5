/*
 * op_limit.h — LIMIT n with an optional OFFSET m: skips the first `offset`
 * rows, then passes at most `limit` rows (as slices of the input pages, no
 * copies) and finishes.
 */
#ifndef SHOAL_OPERATORS_OP_LIMIT_H
#define SHOAL_OPERATORS_OP_LIMIT_H

#include <stdint.h>

#include "operators/operator.h"

/* limit < 0: no limit (OFFSET only). offset >= 0. */
operator *limit_create(int plan_node_id, int64_t limit, int64_t offset);

#endif
