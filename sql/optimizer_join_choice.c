/*
 * optimizer_join_choice.c — rule 4: which side of a join is the build
 * side and how the join is distributed.
 *
 * Build side: the right input is the hash table (build) side, so when the
 * left input is estimated smaller (bytes, else rows) the sides are swapped
 * (LEFT ↔ RIGHT for outer joins) and a PROJECT restores the channel order.
 * NOT IN (null-aware) joins are never swapped.
 *
 * Distribution (Trino's join_distribution_type):
 *  - joins without equality keys are always BROADCAST (nothing to
 *    partition on); RIGHT and FULL joins are always PARTITIONED (a
 *    replicated build side cannot tell which of its rows matched nowhere);
 *  - BROADCAST / PARTITIONED sessions force the choice otherwise;
 *  - AUTOMATIC: BROADCAST when the build side's estimated size is at most
 *    join_max_broadcast_table_size, else PARTITIONED (also when unknown).
 */
#include <math.h>

#include "optimizer_internal.h"

static double size_of(const plan_node *node, bool bytes)
{
    return bytes ? node->estimate.bytes : node->estimate.rows;
}

static bool should_swap(const plan_node *join)
{
    if (join->u.join.null_aware)
        return false;
    const plan_node *l = join->inputs[0], *r = join->inputs[1];
    bool bytes = !isnan(l->estimate.bytes) && !isnan(r->estimate.bytes);
    double ls = size_of(l, bytes), rs = size_of(r, bytes);
    if (isnan(ls) || isnan(rs))
        return false;
    return ls < rs;
}

static join_distribution choose_distribution(const plan_node *join, const optimizer_context *context)
{
    join_type type = join->u.join.type;
    if (join->u.join.key_count == 0)
        return JOIN_DISTRIBUTION_BROADCAST;
    if (type == JOIN_RIGHT || type == JOIN_FULL)
        return JOIN_DISTRIBUTION_PARTITIONED;
    join_distribution_type session = context ? context->join_distribution_type
                                             : JOIN_DISTRIBUTION_TYPE_AUTOMATIC;
    if (session == JOIN_DISTRIBUTION_TYPE_BROADCAST)
        return JOIN_DISTRIBUTION_BROADCAST;
    if (session == JOIN_DISTRIBUTION_TYPE_PARTITIONED)
        return JOIN_DISTRIBUTION_PARTITIONED;
    double threshold = context && context->join_max_broadcast_table_size > 0
                           ? context->join_max_broadcast_table_size
                           : 100.0 * 1024 * 1024;
    double build = join->inputs[1]->estimate.bytes;
    if (!isnan(build) && build <= threshold)
        return JOIN_DISTRIBUTION_BROADCAST;
    return JOIN_DISTRIBUTION_PARTITIONED;
}

static plan_node *choose(plan_node *node, const optimizer_context *context, bool *failed)
{
    for (int i = 0; i < 2; i++)
        if (node->inputs[i])
            node->inputs[i] = choose(node->inputs[i], context, failed);
    for (int i = 0; i < node->source_count; i++)
        node->sources[i] = choose(node->sources[i], context, failed);
    if (*failed || node->kind != PLAN_JOIN)
        return node;
    plan_node *result = node;
    if (should_swap(node)) {
        plan_estimate estimate = node->estimate;
        result = optimizer_swap_join(node); /* frees node when it fails */
        if (!result) {
            *failed = true;
            return NULL;
        }
        result->estimate = estimate;
    }
    node->u.join.distribution = choose_distribution(node, context);
    return result;
}

plan_node *optimizer_choose_joins(plan_node *root, const optimizer_context *context, shoal_error *error)
{
    if (!root)
        return NULL;
    optimizer_estimate(root, context);
    bool failed = false;
    root = choose(root, context, &failed);
    if (failed) {
        plan_free(root);
        optimizer_oom(error);
        return NULL;
    }
    return root;
}
