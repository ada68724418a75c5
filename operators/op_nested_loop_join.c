/*
 * op_nested_loop_join.c — the nested-loop join is the lookup join's pair
 * walk over a key-less bridge (op_lookup_join.c), so outer/semi/anti
 * handling and the filter batching are shared.
 */
#include "op_nested_loop_join.h"

operator *nested_loop_join_create(int plan_node_id, join_bridge *bridge,
                                  const nested_loop_join_config *config, shoal_error *error)
{
    lookup_join_config c = {
        .type = config->type,
        .probe_column_count = config->probe_column_count,
        .probe_types = config->probe_types,
        .probe_output_count = config->probe_output_count,
        .probe_output_channels = config->probe_output_channels,
        .build_output_count = config->build_output_count,
        .build_output_channels = config->build_output_channels,
        .residual_filter = config->filter,
    };
    return lookup_join_create_nested_loop(plan_node_id, bridge, &c, error);
}
