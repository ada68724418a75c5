/*
 * op_group_id.h — GROUP BY GROUPING SETS / ROLLUP / CUBE, as Trino's
 * GroupIdOperator: every input row is emitted once per grouping set, with
 * the key columns that set does not group by replaced by NULL, plus a
 * bigint group-id column (the set's index). The aggregation above groups by
 * all keys and the group id. Nothing is copied: the key columns of each
 * output page reference the input's vectors or are constant NULLs.
 */
#ifndef SHOAL_OPERATORS_OP_GROUP_ID_H
#define SHOAL_OPERATORS_OP_GROUP_ID_H

#include <stdint.h>

#include "operators/operator.h"

/* `set_masks[s]` has bit k set when set s groups by key channel
 * key_channels[k]; channels that are not keys pass through unchanged. */
operator *group_id_create(int plan_node_id, int column_count, int key_count, const int *key_channels,
                          int set_count, const uint64_t *set_masks, shoal_error *error);

#endif
