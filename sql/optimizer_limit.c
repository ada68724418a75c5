/*
 * optimizer_limit.c — rule 6: limit pushdown.
 *
 *  - LIMIT 0 → empty VALUES;
 *  - LIMIT n over SORT → TOP_N n (with OFFSET o: TOP_N n+o under the LIMIT);
 *  - LIMIT through a PROJECT (the projection then runs on fewer rows);
 *  - LIMIT over LIMIT merged when neither has an OFFSET;
 *  - LIMIT n+o into a TABLE_SCAN (scan.limit) and into each input of a
 *    UNION ALL and the preserved side of a LEFT/RIGHT join, keeping the
 *    LIMIT above (these are partial limits).
 */
#include <stdint.h>

#include "optimizer_internal.h"

static int64_t total(const plan_node *limit)
{
    int64_t offset = limit->u.limit.offset > 0 ? limit->u.limit.offset : 0;
    return limit->u.limit.count + offset;
}

static plan_node *limit_new(plan_node *input, int64_t count)
{
    plan_node *limit = plan_node_new(PLAN_LIMIT, input->column_count);
    if (!limit || !plan_copy_columns(limit, input)) {
        plan_free(limit);
        return NULL;
    }
    limit->inputs[0] = input;
    limit->u.limit.count = count;
    return limit;
}

static bool already_limited(const plan_node *node, int64_t count)
{
    return (node->kind == PLAN_LIMIT && node->u.limit.count >= 0 && node->u.limit.count <= count &&
            node->u.limit.offset <= 0) ||
           (node->kind == PLAN_TOP_N && node->u.sort.count <= count) ||
           (node->kind == PLAN_VALUES && node->u.values.row_count <= count);
}

/* Adds a partial LIMIT count over *slot unless it is already limited. */
static bool limit_slot(plan_node **slot, int64_t count)
{
    if (already_limited(*slot, count))
        return true;
    plan_node *limit = limit_new(*slot, count);
    if (!limit)
        return false;
    *slot = limit;
    return true;
}

static plan_node *sort_to_top_n(plan_node *sort, int64_t count)
{
    sort->kind = PLAN_TOP_N;
    sort->u.sort.count = count;
    return sort;
}

/* Rewrites a LIMIT node whose subtree is already processed. */
static plan_node *push_limit_here(plan_node *node, bool *failed)
{
    if (node->kind != PLAN_LIMIT || node->u.limit.count < 0 || *failed)
        return node;

    int64_t count = total(node);
    bool no_offset = node->u.limit.offset <= 0;
    plan_node *in = node->inputs[0];

    if (node->u.limit.count == 0) {
        plan_node *empty = optimizer_empty_values(node);
        if (!empty) {
            *failed = true;
            return node;
        }
        plan_free(node);
        return empty;
    }
    /* LIMIT over PROJECT: the projection runs on the limited rows */
    if (in->kind == PLAN_PROJECT) {
        plan_node *below = limit_new(in->inputs[0], node->u.limit.count);
        if (!below) {
            *failed = true;
            return node;
        }
        below->u.limit.offset = node->u.limit.offset;
        in->inputs[0] = push_limit_here(below, failed);
        node->inputs[0] = NULL;
        plan_free(node);
        return in;
    }
    if (in->kind == PLAN_SORT) {
        sort_to_top_n(in, count);
        if (no_offset) {
            node->inputs[0] = NULL;
            plan_free(node);
            return in;
        }
        return node;
    }
    if (in->kind == PLAN_LIMIT && no_offset && in->u.limit.offset <= 0 && in->u.limit.count >= 0) {
        if (in->u.limit.count > node->u.limit.count)
            in->u.limit.count = node->u.limit.count;
        node->inputs[0] = NULL;
        plan_free(node);
        return in;
    }
    if (in->kind == PLAN_TABLE_SCAN) {
        if (in->u.scan.limit < 0 || in->u.scan.limit > count)
            in->u.scan.limit = count;
        return node;
    }
    if (in->kind == PLAN_UNION && !in->u.set.distinct) {
        for (int i = 0; i < in->source_count; i++)
            if (!limit_slot(&in->sources[i], count))
                *failed = true;
        return node;
    }
    if (in->kind == PLAN_JOIN && (in->u.join.type == JOIN_LEFT || in->u.join.type == JOIN_RIGHT)) {
        int side = in->u.join.type == JOIN_LEFT ? 0 : 1;
        if (!limit_slot(&in->inputs[side], count))
            *failed = true;
        return node;
    }
    return node;
}

static plan_node *push_limit(plan_node *node, bool *failed)
{
    for (int i = 0; i < 2; i++)
        if (node->inputs[i])
            node->inputs[i] = push_limit(node->inputs[i], failed);
    for (int i = 0; i < node->source_count; i++)
        node->sources[i] = push_limit(node->sources[i], failed);
    return push_limit_here(node, failed);
}

plan_node *optimizer_push_limits(plan_node *root, const optimizer_context *context, shoal_error *error)
{
    (void)context;
    if (!root)
        return NULL;
    bool failed = false;
    root = push_limit(root, &failed);
    if (failed) {
        plan_free(root);
        optimizer_oom(error);
        return NULL;
    }
    return root;
}
