/*
 * optimizer.c — runs the optimiser rules in their fixed order (see
 * optimizer.h for the list and what each does) and holds the session
 * defaults.
 */
#include "optimizer.h"

#include <stddef.h>

void optimizer_context_init(optimizer_context *context)
{
    context->join_distribution_type = JOIN_DISTRIBUTION_TYPE_AUTOMATIC;
    context->join_reordering_strategy = JOIN_REORDERING_AUTOMATIC;
    context->join_max_broadcast_table_size = 100.0 * 1024 * 1024;
    context->node_count = 1;
    context->enable_dynamic_filtering = true;
    context->evaluate = NULL;
    context->evaluate_context = NULL;
}

typedef plan_node *(*optimizer_rule)(plan_node *root, const optimizer_context *context,
                                     shoal_error *error);

plan_node *optimizer_run(plan_node *root, const optimizer_context *context, shoal_error *error)
{
    static const optimizer_rule rules[] = {
        optimizer_simplify,          /* 1 */
        optimizer_pushdown,          /* 2 */
        optimizer_simplify,          /*   pushdown can leave constant conjuncts together */
        optimizer_sink_semi_joins,   /*   IN/EXISTS filters move to the join side they read */
        optimizer_reorder_joins,     /* 3 */
        optimizer_choose_joins,      /* 4 */
        optimizer_prefilter_aggregations, /* aggregations joined on their keys see only those keys */
        optimizer_prune,             /* 5 */
        optimizer_push_limits,       /* 6 */
        optimizer_split_aggregations /* 7 */
    };
    optimizer_context defaults;
    if (!context) {
        optimizer_context_init(&defaults);
        context = &defaults;
    }
    for (size_t i = 0; i < sizeof rules / sizeof rules[0] && root; i++)
        root = rules[i](root, context, error);
    if (!root)
        return NULL;
    optimizer_estimate(root, context); /* 8 */
    root = optimizer_assign_dynamic_filters(root, context, error); /* 9 */
    if (root)
        plan_number(root);
    return root;
}
