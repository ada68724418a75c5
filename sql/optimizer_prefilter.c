/*
 * optimizer_prefilter.c — semi-join reduction of a grouped aggregation that
 * feeds a join on its group keys: groups whose keys the other side of the
 * join does not hold are computed for nothing, so the aggregation's input
 * is first filtered by a semi join against those keys (DuckDB's delim join,
 * the static form of Trino's dynamic filter through an aggregation).
 *
 *   JOIN(k = r) of  [PROJECT|FILTER]* -> AGGREGATE(group by g ⊇ k)(I)  and  R
 *   →  ... AGGREGATE(PROJECT(drop flag) -> FILTER(flag) -> SEMI(I.g_k = R'.r)(I, R'))
 *
 * Valid because the filter is on group keys: a group is kept or dropped
 * whole, so kept groups aggregate exactly the rows they did; a dropped group
 * had no partner in R (NULL keys never match an equi-join). The reduced side
 * is either side of an INNER join, the inner side of a LEFT/RIGHT join.
 *
 * R' is a copy of R, or of the part of R that produces the keys: through an
 * inner join whose keys all come from one input, that input holds a
 * superset of the keys (TPC-H Q17: `lineitem ⋈ part` narrows to the 204
 * filtered parts, and lineitem's aggregation by partkey shrinks from 6M rows
 * to 6K). It is applied when R' is estimated to hold at most half as many
 * rows as the aggregation has groups; the copy is computed twice.
 * Runs after join choice (the sides are settled) and before pruning (which
 * trims the copy's columns).
 */
#include "optimizer_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { PREFILTER_MAX_KEYS = 16 };

/* Follows channels[] of `node` down to a SINGLE-step grouped AGGREGATE
 * through column-only PROJECTs and FILTERs; on success *agg is the
 * aggregate and channels[] hold its input channels. */
static bool trace_to_aggregate(plan_node *node, int *channels, int count, plan_node **agg)
{
    for (;;) {
        switch (node->kind) {
        case PLAN_FILTER:
            node = node->inputs[0];
            continue;
        case PLAN_PROJECT:
            for (int k = 0; k < count; k++) {
                const expr *e = node->u.project.exprs[channels[k]];
                if (e->kind != EXPR_COLUMN)
                    return false;
                channels[k] = e->column;
            }
            node = node->inputs[0];
            continue;
        case PLAN_AGGREGATE:
            if (node->u.aggregate.step != AGGREGATION_SINGLE || node->u.aggregate.key_count == 0 ||
                node->u.aggregate.grouping_set_count > 0)
                return false;
            for (int k = 0; k < count; k++) {
                if (channels[k] >= node->u.aggregate.key_count)
                    return false; /* an aggregate value, not a group key */
                channels[k] = node->u.aggregate.keys[channels[k]];
            }
            *agg = node;
            return true;
        default:
            return false;
        }
    }
}

/* The smallest part of `node` that yields the key channels[] (a superset of
 * their values): inner joins whose keys come from one input descend into
 * it, column-only projections are looked through. */
static const plan_node *key_source(const plan_node *node, int *channels, int count)
{
    for (;;) {
        if (node->kind == PLAN_JOIN && node->u.join.type == JOIN_INNER) {
            int nl = node->inputs[0]->column_count;
            bool left = true, right = true;
            for (int k = 0; k < count; k++) {
                left &= channels[k] < nl;
                right &= channels[k] >= nl;
            }
            if (!left && !right)
                return node;
            if (right)
                for (int k = 0; k < count; k++)
                    channels[k] -= nl;
            node = node->inputs[left ? 0 : 1];
            continue;
        }
        if (node->kind == PLAN_PROJECT) {
            for (int k = 0; k < count; k++)
                if (node->u.project.exprs[channels[k]]->kind != EXPR_COLUMN)
                    return node;
            for (int k = 0; k < count; k++)
                channels[k] = node->u.project.exprs[channels[k]]->column;
            node = node->inputs[0];
            continue;
        }
        return node;
    }
}

/* Estimated groups of the aggregate (NAN when unknown). */
static double group_estimate(const plan_node *agg)
{
    double rows = agg->estimate.rows;
    if (!isnan(rows))
        return rows;
    return agg->inputs[0]->estimate.rows;
}

/* SEMI(input.keys = filter.keys) with FILTER(flag) and a PROJECT dropping the
 * flag; takes ownership of both inputs. NULL on out-of-memory. */
static plan_node *semi_filter(plan_node *input, plan_node *filter, const int *source_keys,
                              const int *filtering_keys, int count)
{
    int width = input->column_count;
    plan_node *semi = plan_node_new(PLAN_SEMI_JOIN, width + 1);
    int *sk = malloc(sizeof(int) * (size_t)count), *fk = malloc(sizeof(int) * (size_t)count);
    int *keep = malloc(sizeof(int) * (size_t)(width > 0 ? width : 1));
    if (!semi || !sk || !fk || !keep || !optimizer_copy_columns_at(semi, 0, input)) {
        plan_free(semi);
        plan_free(input);
        plan_free(filter);
        free(sk);
        free(fk);
        free(keep);
        return NULL;
    }
    memcpy(sk, source_keys, sizeof(int) * (size_t)count);
    memcpy(fk, filtering_keys, sizeof(int) * (size_t)count);
    plan_set_column(semi, width, "match", type_make(TYPE_BOOLEAN));
    semi->inputs[0] = input;
    semi->inputs[1] = filter;
    semi->u.semi.key_count = count;
    semi->u.semi.source_keys = sk;
    semi->u.semi.filtering_keys = fk;
    semi->u.semi.null_aware = false;
    semi->estimate = input->estimate;
    plan_node *filtered = optimizer_filter_new(semi, expr_column(width, type_make(TYPE_BOOLEAN)));
    for (int i = 0; i < width; i++)
        keep[i] = i;
    plan_node *result = optimizer_select_new(filtered, keep, width);
    free(keep);
    return result;
}

/* Reduces the aggregation under join side `side` by the other side's keys
 * when the shape and the estimates allow; false only on out-of-memory. */
static bool reduce_side(plan_node *join, int side)
{
    int count = join->u.join.key_count;
    if (count == 0 || count > PREFILTER_MAX_KEYS)
        return true;
    int agg_keys[PREFILTER_MAX_KEYS], other_keys[PREFILTER_MAX_KEYS];
    memcpy(agg_keys, side == 0 ? join->u.join.left_keys : join->u.join.right_keys,
           sizeof(int) * (size_t)count);
    memcpy(other_keys, side == 0 ? join->u.join.right_keys : join->u.join.left_keys,
           sizeof(int) * (size_t)count);
    plan_node *agg = NULL;
    if (!trace_to_aggregate(join->inputs[side], agg_keys, count, &agg))
        return true;
    const plan_node *source = key_source(join->inputs[1 - side], other_keys, count);
    double keys = source->estimate.rows, groups = group_estimate(agg);
    if (isnan(keys) || isnan(groups) || keys * 2 > groups)
        return true;
    plan_node *copy = optimizer_copy_plan(source);
    if (!copy)
        return true; /* a kind that is not copied: leave the plan as it is */
    plan_node *reduced = semi_filter(agg->inputs[0], copy, agg_keys, other_keys, count);
    if (!reduced) {
        agg->inputs[0] = NULL;
        return false;
    }
    agg->inputs[0] = reduced;
    return true;
}

static bool walk(plan_node *node)
{
    if (!node)
        return true;
    for (int i = 0; i < 2; i++)
        if (!walk(node->inputs[i]))
            return false;
    for (int i = 0; i < node->source_count; i++)
        if (!walk(node->sources[i]))
            return false;
    if (node->kind != PLAN_JOIN)
        return true;
    join_type type = node->u.join.type;
    bool ok = true;
    if (type == JOIN_INNER || type == JOIN_RIGHT)
        ok = reduce_side(node, 0);
    if (ok && (type == JOIN_INNER || type == JOIN_LEFT))
        ok = reduce_side(node, 1);
    return ok;
}

plan_node *optimizer_prefilter_aggregations(plan_node *root, const optimizer_context *context,
                                            shoal_error *error)
{
    if (!root)
        return NULL;
    optimizer_estimate(root, context);
    if (!walk(root)) {
        plan_free(root);
        optimizer_oom(error);
        return NULL;
    }
    return root;
}
