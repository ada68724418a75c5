/*
 * op_hash_build.h — the sink at the end of a join's build pipeline: collects
 * its driver's pages and hands them to the join bridge (op_join_bridge.h)
 * when its input ends; the last build driver builds the shared hash table
 * and wakes the probe drivers.
 */
#ifndef SHOAL_OPERATORS_OP_HASH_BUILD_H
#define SHOAL_OPERATORS_OP_HASH_BUILD_H

#include "operators/op_join_bridge.h"
#include "operators/operator.h"

/* Takes its own reference to the bridge. */
operator *hash_build_create(int plan_node_id, join_bridge *bridge);

#endif
