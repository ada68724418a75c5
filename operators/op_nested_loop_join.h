/*
 * op_nested_loop_join.h — cross joins and joins on non-equality conditions:
 * the build side is collected into a key-less join bridge (op_join_bridge.h
 * with key_count 0, fed by hash_build operators and shared by the probe
 * drivers as for a hash join); every probe row is paired with every build
 * row in batches of VECTOR_SIZE pairs and the optional filter (over probe
 * columns then build columns) decides which pairs join. Join types INNER
 * (cross join without a filter), LEFT, RIGHT, FULL, SEMI, ANTI.
 */
#ifndef SHOAL_OPERATORS_OP_NESTED_LOOP_JOIN_H
#define SHOAL_OPERATORS_OP_NESTED_LOOP_JOIN_H

#include "operators/op_lookup_join.h"

typedef struct nested_loop_join_config {
    op_join_type type;
    int probe_column_count;
    const sql_type *probe_types;
    int probe_output_count;
    const int *probe_output_channels;
    int build_output_count;
    const int *build_output_channels;
    const expr *filter;                /* NULL: cross join */
} nested_loop_join_config;

operator *nested_loop_join_create(int plan_node_id, join_bridge *bridge,
                                  const nested_loop_join_config *config, shoal_error *error);

#endif
