/*
 * optimizer_aggregation.c — rule 7: splits an aggregation into a PARTIAL
 * step (run where the rows are, emitting one intermediate state per group)
 * and a FINAL step (after the rows of a group meet; it combines states).
 * The fragmenter later puts a REPARTITION exchange on the group keys (or a
 * GATHER without keys) between them.
 *
 * Only SINGLE-step aggregations without grouping sets whose aggregates are
 * all non-DISTINCT and have an intermediate type
 * (resolved_function.intermediate_type set) are split. The PARTIAL node
 * outputs keys then one intermediate column per aggregate; the FINAL node
 * reads keys 0..k-1 and aggregate i's state from channel k+i, and produces
 * the original output columns.
 */
#include <stdlib.h>
#include <string.h>

#include "optimizer_internal.h"

static bool splittable(const plan_node *node)
{
    if (node->kind != PLAN_AGGREGATE || node->u.aggregate.step != AGGREGATION_SINGLE ||
        node->u.aggregate.grouping_set_count > 0)
        return false;
    for (int a = 0; a < node->u.aggregate.aggregate_count; a++) {
        const plan_aggregate *agg = &node->u.aggregate.aggregates[a];
        if (agg->distinct || !agg->function.function ||
            agg->function.intermediate_type.kind == TYPE_UNKNOWN)
            return false;
    }
    return true;
}

static plan_node *split_aggregation(plan_node *node)
{
    int keys = node->u.aggregate.key_count, count = node->u.aggregate.aggregate_count;
    plan_node *partial = plan_node_new(PLAN_AGGREGATE, keys + count);
    if (!partial)
        return NULL;
    partial->u.aggregate.step = AGGREGATION_PARTIAL;
    partial->u.aggregate.key_count = keys;
    partial->u.aggregate.aggregate_count = count;
    partial->u.aggregate.keys = malloc(sizeof(int) * (size_t)(keys > 0 ? keys : 1));
    partial->u.aggregate.aggregates = malloc(sizeof(plan_aggregate) * (size_t)(count > 0 ? count : 1));
    int *final_keys = malloc(sizeof(int) * (size_t)(keys > 0 ? keys : 1));
    if (!partial->u.aggregate.keys || !partial->u.aggregate.aggregates || !final_keys) {
        free(final_keys);
        plan_free(partial);
        return NULL;
    }
    for (int k = 0; k < keys; k++) {
        partial->u.aggregate.keys[k] = node->u.aggregate.keys[k];
        final_keys[k] = k;
        plan_set_column(partial, k, node->columns[k].name, node->columns[k].type);
    }
    for (int a = 0; a < count; a++) {
        plan_aggregate *agg = &node->u.aggregate.aggregates[a];
        partial->u.aggregate.aggregates[a] = *agg;
        plan_set_column(partial, keys + a, node->columns[keys + a].name,
                        agg->function.intermediate_type);
        memset(agg->args, 0, sizeof agg->args);
        agg->arg_count = 1;
        agg->args[0] = keys + a;
        agg->filter_channel = -1;
    }
    partial->inputs[0] = node->inputs[0];
    node->inputs[0] = partial;
    free(node->u.aggregate.keys);
    node->u.aggregate.keys = final_keys;
    node->u.aggregate.step = AGGREGATION_FINAL;
    return node;
}

static plan_node *split_all(plan_node *node, bool *failed)
{
    for (int i = 0; i < 2; i++)
        if (node->inputs[i])
            node->inputs[i] = split_all(node->inputs[i], failed);
    for (int i = 0; i < node->source_count; i++)
        node->sources[i] = split_all(node->sources[i], failed);
    if (!*failed && splittable(node) && !split_aggregation(node))
        *failed = true;
    return node;
}

plan_node *optimizer_split_aggregations(plan_node *root, const optimizer_context *context,
                                        shoal_error *error)
{
    (void)context;
    if (!root)
        return NULL;
    bool failed = false;
    root = split_all(root, &failed);
    if (failed) {
        plan_free(root);
        optimizer_oom(error);
        return NULL;
    }
    return root;
}
