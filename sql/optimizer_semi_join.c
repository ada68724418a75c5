/*
 * optimizer_semi_join.c — moves a semi join (IN / EXISTS with its filter on
 * the match flag) below an inner join, to the side that holds every column
 * it reads. The analyser plans a WHERE subquery over the whole FROM
 * relation; TPC-H Q18's `o_orderkey IN (...)` keeps 57 of 1.5M orders, so
 * filtering orders before joining lineitem and customer saves nearly all
 * of the work. Runs after predicate pushdown, before join reordering (which
 * then sees the filtered side as one smaller relation).
 *
 * It moves only while the join is not estimated to shrink that side: when
 * the join keeps fewer rows than the side has (TPC-H Q21: lineitem joined
 * to one nation's suppliers keeps 1/25 of it), the semi join probes fewer
 * rows where it is. Unknown estimates do not stop the move.
 *
 *   FILTER(p) -> SEMI(keys, f) -> JOIN(L, R)
 *     L side:  PROJECT(restore order) -> JOIN(FILTER(p) -> SEMI(L), R)
 *     R side:  JOIN(L, FILTER(p) -> SEMI(R))            (same channel order)
 */
#include "optimizer_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct semi_usage {
    bool left;
    bool right;
    bool other;               /* a channel outside the join's (match, or none) */
} semi_usage;

static void use_channel(semi_usage *u, int c, int nl, int nj)
{
    if (c < nl)
        u->left = true;
    else if (c < nj)
        u->right = true;
    else
        u->other = true;
}

/* Which sides of the join the semi join and the filter above it read. */
static semi_usage usage_of(const plan_node *filter, const plan_node *semi, int nl, int nj)
{
    semi_usage u = {false, false, false};
    for (int k = 0; k < semi->u.semi.key_count; k++)
        use_channel(&u, semi->u.semi.source_keys[k], nl, nj);
    int width = nj + semi->inputs[1]->column_count + 1;
    bool *used = calloc((size_t)width, sizeof *used);
    if (semi->u.semi.filter)
        optimizer_mark_columns(semi->u.semi.filter, used, nj); /* probe-side columns only */
    optimizer_mark_columns(filter->u.filter.predicate, used, nj + 1);
    for (int c = 0; c < nj; c++)
        if (used[c])
            use_channel(&u, c, nl, nj);
    free(used);
    return u;
}

static int *identity_map(int size)
{
    int *map = malloc(sizeof(int) * (size_t)(size + 1));
    for (int i = 0; map && i < size; i++)
        map[i] = i;
    return map;
}

/* Rewrites the semi join's residual filter (probe ++ filtering channels)
 * for a probe side that keeps channels [from, from + width) of the join. */
static bool remap_semi_filter(plan_node *semi, int from, int width, int nj)
{
    if (!semi->u.semi.filter)
        return true;
    int nf = semi->inputs[1]->column_count;
    int *map = malloc(sizeof(int) * (size_t)(nj + nf + 1));
    if (!map)
        return false;
    for (int c = 0; c < nj; c++)
        map[c] = c >= from && c < from + width ? c - from : -1;
    for (int j = 0; j < nf; j++)
        map[nj + j] = width + j;
    expr *e = optimizer_remap(semi->u.semi.filter, map, nj + nf);
    free(map);
    if (!e)
        return false;
    expr_free(semi->u.semi.filter);
    semi->u.semi.filter = e;
    return true;
}

/* True when the join is estimated to keep fewer rows than `side` has. */
static bool join_shrinks(const plan_node *join, const plan_node *side)
{
    double joined = join->estimate.rows, rows = side->estimate.rows;
    return !isnan(joined) && !isnan(rows) && joined < rows;
}

/* FILTER -> SEMI -> JOIN, rewritten; NULL when the shape does not allow it
 * (the input is then untouched). */
static plan_node *sink(plan_node *filter)
{
    plan_node *semi = filter->inputs[0];
    if (!semi || semi->kind != PLAN_SEMI_JOIN)
        return NULL;
    plan_node *join = semi->inputs[0];
    if (!join || join->kind != PLAN_JOIN || (join->u.join.type != JOIN_INNER && join->u.join.type != JOIN_CROSS))
        return NULL;
    int nl = join->inputs[0]->column_count, nj = join->column_count, nr = nj - nl;
    semi_usage u = usage_of(filter, semi, nl, nj);
    if (u.left == u.right)
        return NULL; /* both sides (or neither): it stays */
    bool left = u.left;
    if (join_shrinks(join, join->inputs[left ? 0 : 1]))
        return NULL;
    int from = left ? 0 : nl, width = left ? nl : nr;
    /* the predicate above: probe columns and the match flag */
    int *map = malloc(sizeof(int) * (size_t)(nj + 2));
    for (int c = 0; c < nj; c++)
        map[c] = c >= from && c < from + width ? c - from : -1;
    map[nj] = width;
    expr *predicate = optimizer_remap(filter->u.filter.predicate, map, nj + 1);
    free(map);
    if (!predicate || !remap_semi_filter(semi, from, width, nj)) {
        expr_free(predicate);
        return NULL;
    }
    for (int k = 0; k < semi->u.semi.key_count; k++)
        semi->u.semi.source_keys[k] -= from;
    plan_node *side = join->inputs[left ? 0 : 1];
    /* the semi join's columns: the side's, then the match flag */
    plan_node *moved = plan_node_new(PLAN_SEMI_JOIN, width + 1);
    moved->u = semi->u;
    moved->inputs[0] = side;
    moved->inputs[1] = semi->inputs[1];
    moved->estimate = side->estimate;
    optimizer_copy_columns_at(moved, 0, side);
    plan_set_column(moved, width, semi->columns[nj].name, semi->columns[nj].type);
    memset(&semi->u, 0, sizeof semi->u);
    semi->inputs[0] = semi->inputs[1] = NULL;
    plan_node *filtered = optimizer_filter_new(moved, predicate);
    join->inputs[left ? 0 : 1] = filtered;
    /* the join now has the flag after the moved side's columns */
    plan_node *new_join = plan_node_new(PLAN_JOIN, nj + 1);
    new_join->u = join->u;
    new_join->inputs[0] = join->inputs[0];
    new_join->inputs[1] = join->inputs[1];
    new_join->estimate = join->estimate;
    optimizer_copy_columns_at(new_join, 0, new_join->inputs[0]);
    optimizer_copy_columns_at(new_join, new_join->inputs[0]->column_count, new_join->inputs[1]);
    if (left && new_join->u.join.filter) {
        /* right channels move one place up */
        expr *shifted_filter = NULL;
        int *shift = identity_map(nj);
        for (int c = nl; c < nj; c++)
            shift[c] = c + 1;
        shifted_filter = optimizer_remap(new_join->u.join.filter, shift, nj);
        free(shift);
        expr_free(new_join->u.join.filter);
        new_join->u.join.filter = shifted_filter;
    }
    memset(&join->u, 0, sizeof join->u);
    join->inputs[0] = join->inputs[1] = NULL;
    plan_node *result = new_join;
    if (left) {
        /* restore L, R, match */
        int *order = malloc(sizeof(int) * (size_t)(nj + 1));
        for (int c = 0; c < nl; c++)
            order[c] = c;
        for (int c = nl; c < nj; c++)
            order[c] = c + 1;
        order[nj] = nl;
        result = optimizer_select_new(new_join, order, nj + 1);
        free(order);
    }
    /* the old FILTER, SEMI and JOIN nodes are empty shells now */
    plan_free(join);
    semi->inputs[0] = NULL;
    plan_free(semi);
    filter->inputs[0] = NULL;
    plan_free(filter);
    return result;
}

static plan_node *walk(plan_node *node)
{
    if (!node)
        return NULL;
    while (node->kind == PLAN_FILTER) {
        plan_node *rewritten = sink(node);
        if (!rewritten)
            break;
        node = rewritten;
    }
    node->inputs[0] = walk(node->inputs[0]);
    node->inputs[1] = walk(node->inputs[1]);
    for (int i = 0; i < node->source_count; i++)
        node->sources[i] = walk(node->sources[i]);
    return node;
}

plan_node *optimizer_sink_semi_joins(plan_node *root, const optimizer_context *context, shoal_error *error)
{
    (void)error;
    if (root)
        optimizer_estimate(root, context);
    return walk(root);
}
