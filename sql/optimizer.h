/*
 * optimizer.h — rewrites a logical plan (plan.h) into a better equivalent
 * one. The optimiser is a fixed sequence of small rules, one per file
 * (sql/optimizer_<rule>.c), each a function plan → plan:
 *
 *   1. simplify        expression simplification and constant folding
 *                      (TRUE AND x → x, FILTER TRUE removed, FILTER FALSE →
 *                      empty VALUES, constant sub-expressions evaluated
 *                      through context->evaluate when given)
 *   2. pushdown        predicate pushdown: conjuncts through PROJECT, into
 *                      join sides, outer-to-inner conversion, equalities
 *                      between join sides → hash keys (CROSS → INNER), into
 *                      SEMI_JOIN sources, through AGGREGATE on group keys,
 *                      `col <op> constant` / BETWEEN → TABLE_SCAN ranges
 *                      (the FILTER stays: ranges are hints); an inner
 *                      join's two-sided OR also yields the one-sided OR it
 *                      implies for each side
 *   3. reorder         join reordering of inner-join trees: with statistics
 *                      and at most 10 connected relations, the cheapest
 *                      bushy tree by dynamic programming over connected
 *                      subsets; otherwise greedy left-deep from the largest
 *                      relation, never a cross join while a connected
 *                      relation exists
 *   4. join_choice     build side (smaller estimate on the right) and
 *                      distribution (BROADCAST / PARTITIONED)
 *   4b. prefilter      a grouped aggregation joined on its group keys is
 *                      first semi-joined with the keys of the other side
 *                      (a copy of the part of it that yields them)
 *   5. prune           projection pruning down to TABLE_SCAN columns
 *   6. limit           LIMIT pushdown, SORT + LIMIT → TOP_N, limits into scans
 *   7. aggregation     AGGREGATE → FINAL(PARTIAL(...)) when every aggregate
 *                      has an intermediate type
 *   8. estimate        cardinality estimates (plan_node.estimate) on every node
 *   9. dynamic filters join keys → the probe-side scan columns they filter
 *
 * Rules 3 and 4 compute the estimates they need themselves (optimizer_estimate).
 */
#ifndef SHOAL_SQL_OPTIMIZER_H
#define SHOAL_SQL_OPTIMIZER_H

#include <stdbool.h>

#include "connectors/spi/error.h"
#include "connectors/spi/expression.h"
#include "connectors/spi/value.h"
#include "sql/plan.h"

typedef enum join_distribution_type {
    JOIN_DISTRIBUTION_TYPE_AUTOMATIC,
    JOIN_DISTRIBUTION_TYPE_BROADCAST,
    JOIN_DISTRIBUTION_TYPE_PARTITIONED
} join_distribution_type;

typedef enum join_reordering_strategy {
    JOIN_REORDERING_AUTOMATIC,
    JOIN_REORDERING_ELIMINATE_CROSS_JOINS,
    JOIN_REORDERING_NONE
} join_reordering_strategy;

/* Evaluates a constant expression (expr_is_constant is true) into *out.
 * Strings in *out must stay valid until the next call (the optimiser copies
 * them into the plan). Returns false when evaluation fails (e.g. division by
 * zero): the optimiser then keeps the expression so the error surfaces at
 * run time, as Trino does. The operators layer provides this; sql/ cannot
 * link the expression compiler. */
typedef bool (*optimizer_evaluate_fn)(void *evaluate_context, const expr *e, value *out,
                                      shoal_error *error);

typedef struct optimizer_context {
    join_distribution_type join_distribution_type;   /* session join_distribution_type */
    join_reordering_strategy join_reordering_strategy; /* session join_reordering_strategy */
    double join_max_broadcast_table_size;            /* bytes; <= 0 means 100MB (Trino's default) */
    int node_count;                                  /* worker nodes; <= 0 means 1 */
    bool enable_dynamic_filtering;                   /* shown by EXPLAIN on inner joins */
    optimizer_evaluate_fn evaluate;                  /* may be NULL: no constant folding */
    void *evaluate_context;
} optimizer_context;

/* The session defaults (AUTOMATIC, AUTOMATIC, 100MB, 1 node, dynamic filtering on). */
void optimizer_context_init(optimizer_context *context);

/* Runs every rule in order. Takes ownership of root; returns the optimised
 * plan (numbered with plan_number), or NULL with *error set (root is freed). */
plan_node *optimizer_run(plan_node *root, const optimizer_context *context, shoal_error *error);

/* The rules, for tests and tools. Each takes ownership of its input and
 * returns the rewritten plan, or NULL with *error set (the input is freed). */
plan_node *optimizer_simplify(plan_node *root, const optimizer_context *context, shoal_error *error);
plan_node *optimizer_pushdown(plan_node *root, const optimizer_context *context, shoal_error *error);
plan_node *optimizer_sink_semi_joins(plan_node *root, const optimizer_context *context, shoal_error *error);
plan_node *optimizer_reorder_joins(plan_node *root, const optimizer_context *context, shoal_error *error);
plan_node *optimizer_choose_joins(plan_node *root, const optimizer_context *context, shoal_error *error);
plan_node *optimizer_prefilter_aggregations(plan_node *root, const optimizer_context *context,
                                            shoal_error *error);
plan_node *optimizer_prune(plan_node *root, const optimizer_context *context, shoal_error *error);
plan_node *optimizer_push_limits(plan_node *root, const optimizer_context *context, shoal_error *error);
plan_node *optimizer_split_aggregations(plan_node *root, const optimizer_context *context,
                                        shoal_error *error);

/* Rule 9 (after 8, when enable_dynamic_filtering): dynamic filter
 * assignment — join keys to the probe-side scan columns they filter
 * (plan_node.u.join.dynamic_filter_ids, u.scan.dynamic_filters). */
plan_node *optimizer_assign_dynamic_filters(plan_node *root, const optimizer_context *context,
                                            shoal_error *error);

/* Rule 8: sets plan_node.estimate (rows and bytes; NAN when unknown) on
 * every node of the tree. Never fails. */
void optimizer_estimate(plan_node *root, const optimizer_context *context);

/* Selectivity of a predicate over a node's output (0..1), as used by the estimates. */
double optimizer_selectivity(const plan_node *input, const expr *predicate);

#endif
