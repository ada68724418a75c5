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
 * The same reduction shrinks the filtering (build) side of an EXISTS semi
 * join by the keys of a much smaller source (reduce_filtering_side).
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

static bool has_semi_join(const plan_node *node)
{
    return node && (node->kind == PLAN_SEMI_JOIN || has_semi_join(node->inputs[0]) ||
                    has_semi_join(node->inputs[1]));
}

/* Whether a subtree may be copied as a key filter: only what
 * optimizer_copy_plan copies; a semi join only when its filtering side holds
 * no semi join (a reduced semi join carries a copy already, and copies of
 * copies multiply the work, TPC-H Q21). */
static bool copyable(const plan_node *node)
{
    if (!node)
        return true;
    if (!optimizer_copy_supports(node) || (node->kind == PLAN_SEMI_JOIN && has_semi_join(node->inputs[1])))
        return false;
    return copyable(node->inputs[0]) && copyable(node->inputs[1]);
}

/* The part of `node` that yields the key channels[] (a superset of their
 * values) with the fewest estimated rows: inner joins whose keys come from
 * one input lead into it, filters and a semi join's source side hold a
 * superset of its rows, column-only projections are looked through; the
 * deepest of equally small candidates wins (it is cheaper to compute).
 * Only copyable subtrees qualify; NULL when none does. */
static const plan_node *key_source(const plan_node *node, int *channels, int count)
{
    const plan_node *best = node;
    int best_channels[PREFILTER_MAX_KEYS];
    memcpy(best_channels, channels, sizeof(int) * (size_t)count);
    for (;;) {
        if (node->kind == PLAN_JOIN && node->u.join.type == JOIN_INNER) {
            int nl = node->inputs[0]->column_count;
            bool left = true, right = true;
            for (int k = 0; k < count; k++) {
                left &= channels[k] < nl;
                right &= channels[k] >= nl;
            }
            if (!left && !right)
                break;
            if (right)
                for (int k = 0; k < count; k++)
                    channels[k] -= nl;
            node = node->inputs[left ? 0 : 1];
        } else if (node->kind == PLAN_PROJECT) {
            bool columns = true;
            for (int k = 0; k < count; k++)
                columns &= node->u.project.exprs[channels[k]]->kind == EXPR_COLUMN;
            if (!columns)
                break;
            for (int k = 0; k < count; k++)
                channels[k] = node->u.project.exprs[channels[k]]->column;
            node = node->inputs[0];
        } else if (node->kind == PLAN_FILTER) {
            node = node->inputs[0]; /* a superset of the rows, same channels */
        } else if (node->kind == PLAN_SEMI_JOIN) {
            bool source = true;
            for (int k = 0; k < count; k++)
                source &= channels[k] < node->inputs[0]->column_count;
            if (!source)
                break;
            node = node->inputs[0];
        } else {
            break;
        }
        double rows = node->estimate.rows, best_rows = best->estimate.rows;
        if ((!isnan(rows) && !(rows > best_rows)) || !copyable(best)) {
            best = node;
            memcpy(best_channels, channels, sizeof(int) * (size_t)count);
        }
    }
    memcpy(channels, best_channels, sizeof(int) * (size_t)count);
    return !copyable(best) ? NULL : best;
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
    if (!source)
        return true;
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

/* A semi join's filtering side (its build) reduced to the keys its source
 * holds, when the source's key producer is estimated at most a quarter of
 * it: probing the big side against the few keys replaces building a hash
 * table of all of it (TPC-H Q4: 57K orders against 3.8M lineitem rows).
 * Not for IN (null-aware): a NULL among the filtering keys must stay. */
static bool reduce_filtering_side(plan_node *semi)
{
    int count = semi->u.semi.key_count;
    if (semi->u.semi.null_aware || count == 0 || count > PREFILTER_MAX_KEYS)
        return true;
    int source_keys[PREFILTER_MAX_KEYS];
    memcpy(source_keys, semi->u.semi.source_keys, sizeof(int) * (size_t)count);
    const plan_node *source = key_source(semi->inputs[0], source_keys, count);
    if (!source)
        return true;
    plan_node *filtering = semi->inputs[1];
    double keys = source->estimate.rows, rows = filtering->estimate.rows;
    if (isnan(keys) || isnan(rows) || keys * 4 > rows)
        return true;
    plan_node *copy = optimizer_copy_plan(source);
    if (!copy)
        return true;
    semi->inputs[1] = semi_filter(filtering, copy, semi->u.semi.filtering_keys, source_keys, count);
    return semi->inputs[1] != NULL;
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
    if (node->kind == PLAN_SEMI_JOIN)
        return reduce_filtering_side(node);
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
