/*
 * optimizer_pushdown.c — rule 2: predicate pushdown.
 *
 * Filters are split into conjuncts and each conjunct travels down as far as
 * its columns allow:
 *  - through PROJECT by substituting the projected expressions;
 *  - into the join side(s) it references: inner/cross joins take conjuncts
 *    from above and from their own filter; LEFT (RIGHT) joins take conjuncts
 *    from above only into the left (right) side, and ON-clause conjuncts on
 *    the inner side into that side. A conjunct from above that rejects NULLs
 *    of the inner side turns the outer join into an inner one (FULL into
 *    LEFT/RIGHT/INNER). Column equalities between the two sides become hash
 *    keys (CROSS → INNER); other two-sided conjuncts stay as the join filter;
 *    an inner join's two-sided OR also yields, for each side whose columns
 *    every disjunct constrains, the OR of those constraints (implied by it,
 *    so it moves to that side while the OR stays): TPC-H Q7's
 *    `(n1 = 'FRANCE' AND n2 = 'GERMANY') OR (n1 = 'GERMANY' AND n2 =
 *    'FRANCE')` filters each nation scan to two rows, as Trino's domain
 *    extraction and DuckDB's OR filter pushdown do;
 *  - into PLAN_SEMI_JOIN's source side (and the semi join's own filter
 *    conjuncts on the filtering side into that side; equalities → keys);
 *  - through AGGREGATE when they read only group keys;
 *  - through SORT, and into every input of UNION / INTERSECT / EXCEPT;
 *  - down to TABLE_SCAN, where `col <op> constant`, `constant <op> col` and
 *    `col BETWEEN constant AND constant` are also recorded as column_range
 *    constraints (the FILTER stays above the scan: ranges are hints).
 * Non-deterministic conjuncts are not moved.
 */
#include <stdlib.h>
#include <string.h>

#include "connectors/spi/function.h"
#include "optimizer_internal.h"

typedef struct pushdown {
    const optimizer_context *context;
    shoal_error *error;
    bool failed;
} pushdown;

static plan_node *push(pushdown *p, plan_node *node, expr_list *preds);

/* FILTER(node, preds) or node when there is nothing; consumes preds. */
static plan_node *place_above(pushdown *p, plan_node *node, expr_list *preds)
{
    if (!node) {
        expr_list_free(preds);
        return NULL;
    }
    bool failed = false;
    expr *predicate = optimizer_combine_conjuncts(preds, &failed);
    if (failed) {
        p->failed = true;
        return node;
    }
    if (!predicate)
        return node;
    plan_node *filter = optimizer_filter_new(node, predicate);
    if (!filter)
        p->failed = true;
    return filter;
}

static bool add(pushdown *p, expr_list *list, expr *e)
{
    if (!expr_list_add(list, e)) {
        p->failed = true;
        return false;
    }
    return true;
}

/* Recurses into every child with no predicates. */
static plan_node *push_children(pushdown *p, plan_node *node)
{
    for (int i = 0; i < 2; i++)
        if (node->inputs[i]) {
            expr_list none = {0};
            node->inputs[i] = push(p, node->inputs[i], &none);
        }
    for (int i = 0; i < node->source_count; i++) {
        expr_list none = {0};
        node->sources[i] = push(p, node->sources[i], &none);
    }
    return node;
}

/* ---- null rejection (outer-to-inner conversion) ------------------------------ */

/* True when e is NULL whenever every column in [lo, hi) is NULL. */
static bool null_when(const expr *e, int lo, int hi)
{
    switch (e->kind) {
    case EXPR_COLUMN:
        return e->column >= lo && e->column < hi;
    case EXPR_CALL:
        if (!e->function || !e->function->null_on_null)
            return false;
        for (int i = 0; i < e->arg_count; i++)
            if (null_when(e->args[i], lo, hi))
                return true;
        return false;
    case EXPR_CAST:
    case EXPR_TRY_CAST:
    case EXPR_NOT:
    case EXPR_BETWEEN:
    case EXPR_LIKE:
    case EXPR_IN:
        return e->arg_count > 0 && null_when(e->args[0], lo, hi);
    default:
        return false;
    }
}

/* True when the predicate is NULL or FALSE whenever every column in [lo, hi) is NULL. */
static bool rejects_nulls(const expr *e, int lo, int hi)
{
    switch (e->kind) {
    case EXPR_AND:
        for (int i = 0; i < e->arg_count; i++)
            if (rejects_nulls(e->args[i], lo, hi))
                return true;
        return false;
    case EXPR_OR:
        for (int i = 0; i < e->arg_count; i++)
            if (!rejects_nulls(e->args[i], lo, hi))
                return false;
        return e->arg_count > 0;
    case EXPR_IS_NULL:
    case EXPR_IS_DISTINCT_FROM:
    case EXPR_COALESCE:
        return false;
    default:
        return null_when(e, lo, hi);
    }
}

/* ---- joins ---------------------------------------------------------------------- */

/* If e is `left_col = right_col` across the split at nl, gives the two channels. */
static bool equi_pair(const expr *e, int nl, int *left, int *right)
{
    const char *name = optimizer_call_name(e);
    if (!name || strcmp(name, "$equal") != 0 || e->arg_count != 2)
        return false;
    const expr *a = e->args[0], *b = e->args[1];
    if (a->kind != EXPR_COLUMN || b->kind != EXPR_COLUMN || !type_equal(a->type, b->type))
        return false;
    if (a->column < nl && b->column >= nl) {
        *left = a->column;
        *right = b->column - nl;
        return true;
    }
    if (b->column < nl && a->column >= nl) {
        *left = b->column;
        *right = a->column - nl;
        return true;
    }
    return false;
}

static bool add_key(int **left_keys, int **right_keys, int *count, int left, int right)
{
    for (int i = 0; i < *count; i++)
        if ((*left_keys)[i] == left && (*right_keys)[i] == right)
            return true; /* already a key */
    int *l = realloc(*left_keys, sizeof *l * (size_t)(*count + 1));
    if (!l)
        return false;
    *left_keys = l;
    int *r = realloc(*right_keys, sizeof *r * (size_t)(*count + 1));
    if (!r)
        return false;
    *right_keys = r;
    l[*count] = left;
    r[*count] = right;
    (*count)++;
    return true;
}

static join_type convert_outer(join_type type, const expr_list *preds, int nl, int n)
{
    bool reject_left = false, reject_right = false;
    for (int i = 0; i < preds->count; i++) {
        if (!optimizer_is_deterministic(preds->items[i]))
            continue;
        reject_left = reject_left || rejects_nulls(preds->items[i], 0, nl);
        reject_right = reject_right || rejects_nulls(preds->items[i], nl, n);
    }
    switch (type) {
    case JOIN_LEFT:
        return reject_right ? JOIN_INNER : type;
    case JOIN_RIGHT:
        return reject_left ? JOIN_INNER : type;
    case JOIN_FULL:
        if (reject_left && reject_right)
            return JOIN_INNER;
        if (reject_right)
            return JOIN_RIGHT;
        if (reject_left)
            return JOIN_LEFT;
        return type;
    default:
        return type;
    }
}

typedef struct join_lists {
    expr_list left, right, residual, above;
} join_lists;

/* Routes one conjunct. from_above: it came from a filter over the join (else
 * from the join's own ON filter). */
static void route(pushdown *p, plan_node *join, join_lists *l, expr *e, bool from_above)
{
    int nl = join->inputs[0]->column_count;
    join_type type = join->u.join.type;
    bool inner = type == JOIN_INNER || type == JOIN_CROSS;
    int lo, hi;
    optimizer_column_span(e, &lo, &hi);
    bool deterministic = optimizer_is_deterministic(e);
    bool left_only = lo >= 0 && hi < nl;
    bool right_only = lo >= nl;
    /* which sides may receive it */
    bool to_left = deterministic && left_only &&
                   (inner || (from_above && type == JOIN_LEFT) || (!from_above && type == JOIN_RIGHT));
    bool to_right = deterministic && right_only &&
                    (inner || (from_above && type == JOIN_RIGHT) || (!from_above && type == JOIN_LEFT));
    if (to_left) {
        add(p, &l->left, e);
        return;
    }
    if (to_right) {
        expr *shifted = optimizer_shift(e, -nl);
        expr_free(e);
        add(p, &l->right, shifted);
        return;
    }
    bool join_level = deterministic && (inner || !from_above);
    int left_key, right_key;
    if (join_level && equi_pair(e, nl, &left_key, &right_key)) {
        if (!add_key(&join->u.join.left_keys, &join->u.join.right_keys, &join->u.join.key_count,
                     left_key, right_key))
            p->failed = true;
        expr_free(e);
        return;
    }
    if (from_above && !(inner && deterministic && lo >= 0)) {
        add(p, &l->above, e);
        return;
    }
    add(p, &l->residual, e);
}

/* The OR over e's disjuncts of their deterministic conjuncts that read
 * only channels [lo, hi); NULL when some disjunct has none (or on OOM). */
static expr *derive_side(const expr *e, int lo, int hi)
{
    expr_list disjuncts = {0};
    bool ok = true;
    for (int i = 0; i < e->arg_count && ok; i++) {
        expr_list conjuncts = {0}, kept = {0};
        ok = optimizer_split_conjuncts(e->args[i], &conjuncts);
        for (int j = 0; j < conjuncts.count && ok; j++) {
            int cl, ch;
            optimizer_column_span(conjuncts.items[j], &cl, &ch);
            if (cl >= lo && ch < hi && cl >= 0 && optimizer_is_deterministic(conjuncts.items[j]))
                ok = expr_list_add(&kept, expr_list_take(&conjuncts, j--));
        }
        expr_list_free(&conjuncts);
        bool failed = false;
        expr *side = ok && kept.count > 0 ? optimizer_combine_conjuncts(&kept, &failed) : NULL;
        expr_list_free(&kept);
        ok = side && !failed && expr_list_add(&disjuncts, side);
    }
    expr *result = NULL;
    if (ok && disjuncts.count > 0) {
        result = expr_special(EXPR_OR, type_make(TYPE_BOOLEAN), disjuncts.count, disjuncts.items);
        if (result) {
            free(disjuncts.items);
            memset(&disjuncts, 0, sizeof disjuncts);
        }
    }
    expr_list_free(&disjuncts);
    return result;
}

/* Appends to list the one-sided consequences (derive_side) of its ORs that
 * read both sides of a join with nl left channels out of n. */
static void derive_from_ors(pushdown *p, expr_list *list, int nl, int n)
{
    int count = list->count;
    for (int i = 0; i < count; i++) {
        const expr *e = list->items[i];
        int lo, hi;
        optimizer_column_span(e, &lo, &hi);
        if (e->kind != EXPR_OR || lo < 0 || lo >= nl || hi < nl || !optimizer_is_deterministic(e))
            continue;
        expr *left = derive_side(e, 0, nl);
        if (left)
            add(p, list, left);
        expr *right = derive_side(e, nl, n);
        if (right)
            add(p, list, right);
    }
}

static plan_node *push_join(pushdown *p, plan_node *node, expr_list *preds)
{
    int nl = node->inputs[0]->column_count;
    int n = node->column_count;
    if (node->u.join.null_aware) { /* leave NOT IN joins as they are */
        push_children(p, node);
        return place_above(p, node, preds);
    }
    node->u.join.type = convert_outer(node->u.join.type, preds, nl, n);

    expr_list on = {0};
    if (!optimizer_split_conjuncts(node->u.join.filter, &on))
        p->failed = true;
    expr_free(node->u.join.filter);
    node->u.join.filter = NULL;

    if (node->u.join.type == JOIN_INNER || node->u.join.type == JOIN_CROSS) {
        derive_from_ors(p, preds, nl, n);
        derive_from_ors(p, &on, nl, n);
    }
    join_lists l = {0};
    for (int i = 0; i < preds->count; i++)
        route(p, node, &l, preds->items[i], true);
    free(preds->items);
    memset(preds, 0, sizeof *preds);
    for (int i = 0; i < on.count; i++)
        route(p, node, &l, on.items[i], false);
    free(on.items);

    bool failed = false;
    node->u.join.filter = optimizer_combine_conjuncts(&l.residual, &failed);
    p->failed = p->failed || failed;
    if (node->u.join.type == JOIN_CROSS && (node->u.join.key_count > 0 || node->u.join.filter))
        node->u.join.type = JOIN_INNER;
    if (node->u.join.type == JOIN_INNER && node->u.join.key_count == 0 && !node->u.join.filter)
        node->u.join.type = JOIN_CROSS;

    node->inputs[0] = push(p, node->inputs[0], &l.left);
    node->inputs[1] = push(p, node->inputs[1], &l.right);
    return place_above(p, node, &l.above);
}

static plan_node *push_semi_join(pushdown *p, plan_node *node, expr_list *preds)
{
    int nl = node->inputs[0]->column_count;
    expr_list left = {0}, above = {0}, right = {0}, residual = {0}, on = {0};
    for (int i = 0; i < preds->count; i++) {
        expr *e = preds->items[i];
        int lo, hi;
        optimizer_column_span(e, &lo, &hi);
        if (lo >= 0 && hi < nl && optimizer_is_deterministic(e))
            add(p, &left, e);
        else
            add(p, &above, e);
    }
    free(preds->items);
    memset(preds, 0, sizeof *preds);

    if (!optimizer_split_conjuncts(node->u.semi.filter, &on))
        p->failed = true;
    expr_free(node->u.semi.filter);
    node->u.semi.filter = NULL;
    for (int i = 0; i < on.count; i++) {
        expr *e = on.items[i];
        int lo, hi, lk, rk;
        optimizer_column_span(e, &lo, &hi);
        if (lo >= nl && optimizer_is_deterministic(e)) {
            expr *shifted = optimizer_shift(e, -nl);
            expr_free(e);
            add(p, &right, shifted);
        } else if (!node->u.semi.null_aware && optimizer_is_deterministic(e) && equi_pair(e, nl, &lk, &rk)) {
            if (!add_key(&node->u.semi.source_keys, &node->u.semi.filtering_keys, &node->u.semi.key_count,
                         lk, rk))
                p->failed = true;
            expr_free(e);
        } else {
            add(p, &residual, e);
        }
    }
    free(on.items);
    bool failed = false;
    node->u.semi.filter = optimizer_combine_conjuncts(&residual, &failed);
    p->failed = p->failed || failed;
    node->inputs[0] = push(p, node->inputs[0], &left);
    node->inputs[1] = push(p, node->inputs[1], &right);
    return place_above(p, node, &above);
}

/* ---- other nodes ---------------------------------------------------------------- */

static plan_node *push_project(pushdown *p, plan_node *node, expr_list *preds)
{
    expr_list below = {0}, above = {0};
    for (int i = 0; i < preds->count; i++) {
        expr *e = preds->items[i];
        bool movable = optimizer_is_deterministic(e);
        if (movable) {
            bool *used = calloc((size_t)node->column_count + 1, sizeof *used);
            if (!used) {
                p->failed = true;
                movable = false;
            } else {
                optimizer_mark_columns(e, used, node->column_count);
                for (int c = 0; c < node->column_count; c++)
                    if (used[c] && !optimizer_is_deterministic(node->u.project.exprs[c]))
                        movable = false;
                free(used);
            }
        }
        expr *inlined = movable ? optimizer_inline(e, node->u.project.exprs, node->column_count) : NULL;
        if (inlined) {
            expr_free(e);
            add(p, &below, inlined);
        } else {
            add(p, &above, e);
        }
    }
    free(preds->items);
    memset(preds, 0, sizeof *preds);
    node->inputs[0] = push(p, node->inputs[0], &below);
    return place_above(p, node, &above);
}

static plan_node *push_aggregate(pushdown *p, plan_node *node, expr_list *preds)
{
    int keys = node->u.aggregate.key_count;
    expr_list below = {0}, above = {0};
    for (int i = 0; i < preds->count; i++) {
        expr *e = preds->items[i];
        int lo, hi;
        optimizer_column_span(e, &lo, &hi);
        expr *mapped = NULL;
        if (node->u.aggregate.grouping_set_count == 0 && lo >= 0 && hi < keys &&
            optimizer_is_deterministic(e))
            mapped = optimizer_remap(e, node->u.aggregate.keys, keys);
        if (mapped) {
            expr_free(e);
            add(p, &below, mapped);
        } else {
            add(p, &above, e);
        }
    }
    free(preds->items);
    memset(preds, 0, sizeof *preds);
    node->inputs[0] = push(p, node->inputs[0], &below);
    return place_above(p, node, &above);
}

/* Every source of a UNION / INTERSECT / EXCEPT gets a copy of each deterministic conjunct. */
static plan_node *push_set_operation(pushdown *p, plan_node *node, expr_list *preds)
{
    expr_list above = {0};
    expr_list *below = calloc((size_t)node->source_count + 1, sizeof *below);
    if (!below) {
        p->failed = true;
        return place_above(p, push_children(p, node), preds);
    }
    for (int i = 0; i < preds->count; i++) {
        expr *e = preds->items[i];
        if (!optimizer_is_deterministic(e)) {
            add(p, &above, e);
            continue;
        }
        for (int s = 0; s < node->source_count; s++)
            add(p, &below[s], expr_copy(e));
        expr_free(e);
    }
    free(preds->items);
    memset(preds, 0, sizeof *preds);
    for (int s = 0; s < node->source_count; s++)
        node->sources[s] = push(p, node->sources[s], &below[s]);
    free(below);
    return place_above(p, node, &above);
}

/* ---- table scan ranges ---------------------------------------------------------- */

/* Orders two non-null values of the same type: -1, 0, 1; false when not comparable. */
static bool compare_values(const value *a, const value *b, int *out)
{
    if (!type_equal(a->type, b->type) || a->is_null || b->is_null)
        return false;
    switch (type_physical(a->type)) {
    case PHYSICAL_INT8:
    case PHYSICAL_INT16:
    case PHYSICAL_INT32:
    case PHYSICAL_INT64:
        *out = (a->u.i64 > b->u.i64) - (a->u.i64 < b->u.i64);
        return true;
    case PHYSICAL_INT128:
        *out = (a->u.i128 > b->u.i128) - (a->u.i128 < b->u.i128);
        return true;
    case PHYSICAL_FLOAT:
        *out = (a->u.f32 > b->u.f32) - (a->u.f32 < b->u.f32);
        return true;
    case PHYSICAL_DOUBLE:
        *out = (a->u.f64 > b->u.f64) - (a->u.f64 < b->u.f64);
        return true;
    case PHYSICAL_STRING: {
        uint32_t la = a->u.string.length, lb = b->u.string.length;
        int c = memcmp(string_view_data(&a->u.string), string_view_data(&b->u.string), la < lb ? la : lb);
        *out = c != 0 ? (c > 0) - (c < 0) : (la > lb) - (la < lb);
        return true;
    }
    default:
        return false;
    }
}

static bool range_type_supported(sql_type type)
{
    switch (type_physical(type)) {
    case PHYSICAL_INT8:
    case PHYSICAL_INT16:
    case PHYSICAL_INT32:
    case PHYSICAL_INT64:
    case PHYSICAL_INT128:
    case PHYSICAL_FLOAT:
    case PHYSICAL_DOUBLE:
        return type.kind != TYPE_UUID;
    case PHYSICAL_STRING:
        /* long strings point into the expression; ranges outlive it only for
         * short (inline) strings */
        return type.kind == TYPE_VARCHAR;
    default:
        return false;
    }
}

static bool constant_usable(const expr *e, sql_type column_type)
{
    if (e->kind != EXPR_CONSTANT || e->constant.is_null || !type_equal(e->constant.type, column_type))
        return false;
    if (type_physical(column_type) == PHYSICAL_STRING && e->constant.u.string.length > STRING_INLINE_MAX)
        return false;
    return true;
}

/* Narrows r with a bound. */
static void tighten(column_range *r, bool is_low, value bound, bool inclusive)
{
    bool *has = is_low ? &r->has_low : &r->has_high;
    bool *incl = is_low ? &r->low_inclusive : &r->high_inclusive;
    value *current = is_low ? &r->low : &r->high;
    if (*has) {
        int c;
        if (!compare_values(&bound, current, &c))
            return;
        if (is_low ? c < 0 : c > 0)
            return; /* looser than what is there */
        if (c == 0) {
            *incl = *incl && inclusive;
            return;
        }
    }
    *has = true;
    *incl = inclusive;
    *current = bound;
}

static column_range *range_for(pushdown *p, plan_node *scan, int table_column)
{
    for (int i = 0; i < scan->u.scan.range_count; i++)
        if (scan->u.scan.ranges[i].column == table_column)
            return &scan->u.scan.ranges[i];
    column_range *ranges = realloc(scan->u.scan.ranges,
                                   sizeof *ranges * (size_t)(scan->u.scan.range_count + 1));
    if (!ranges) {
        p->failed = true;
        return NULL;
    }
    scan->u.scan.ranges = ranges;
    column_range *r = &ranges[scan->u.scan.range_count++];
    memset(r, 0, sizeof *r);
    r->column = table_column;
    return r;
}

static void extract_range(pushdown *p, plan_node *scan, const expr *e)
{
    const expr *column = NULL, *low = NULL, *high = NULL;
    bool low_inclusive = true, high_inclusive = true;
    const char *name = optimizer_call_name(e);
    if (e->kind == EXPR_BETWEEN && e->arg_count == 3 && e->args[0]->kind == EXPR_COLUMN) {
        column = e->args[0];
        low = e->args[1];
        high = e->args[2];
    } else if (name && optimizer_is_comparison(name) && e->arg_count == 2 && strcmp(name, "$not_equal") != 0) {
        const expr *constant;
        if (e->args[0]->kind == EXPR_COLUMN && e->args[1]->kind == EXPR_CONSTANT) {
            column = e->args[0];
            constant = e->args[1];
        } else if (e->args[1]->kind == EXPR_COLUMN && e->args[0]->kind == EXPR_CONSTANT) {
            column = e->args[1];
            constant = e->args[0];
            name = optimizer_flip_comparison(name);
        } else {
            return;
        }
        if (strcmp(name, "$equal") == 0) {
            low = high = constant;
        } else if (strcmp(name, "$less_than") == 0) {
            high = constant;
            high_inclusive = false;
        } else if (strcmp(name, "$less_than_or_equal") == 0) {
            high = constant;
        } else if (strcmp(name, "$greater_than") == 0) {
            low = constant;
            low_inclusive = false;
        } else {
            low = constant;
        }
    } else {
        return;
    }
    if (column->column < 0 || column->column >= scan->column_count)
        return;
    sql_type type = column->type;
    if (!range_type_supported(type) || (low && !constant_usable(low, type)) ||
        (high && !constant_usable(high, type)))
        return;
    column_range *r = range_for(p, scan, scan->u.scan.columns[column->column]);
    if (!r)
        return;
    if (low)
        tighten(r, true, low->constant, low_inclusive);
    if (high)
        tighten(r, false, high->constant, high_inclusive);
}

static plan_node *push_scan(pushdown *p, plan_node *node, expr_list *preds)
{
    for (int i = 0; i < preds->count; i++)
        extract_range(p, node, preds->items[i]);
    return place_above(p, node, preds);
}

/* ---- dispatch -------------------------------------------------------------------- */

static plan_node *push(pushdown *p, plan_node *node, expr_list *preds)
{
    if (!node) {
        expr_list_free(preds);
        return NULL;
    }
    switch (node->kind) {
    case PLAN_FILTER: {
        if (!optimizer_split_conjuncts(node->u.filter.predicate, preds))
            p->failed = true;
        plan_node *input = node->inputs[0];
        node->inputs[0] = NULL;
        plan_free(node);
        return push(p, input, preds);
    }
    case PLAN_PROJECT:
        return push_project(p, node, preds);
    case PLAN_JOIN:
        return push_join(p, node, preds);
    case PLAN_SEMI_JOIN:
        return push_semi_join(p, node, preds);
    case PLAN_AGGREGATE:
        return push_aggregate(p, node, preds);
    case PLAN_SORT:
        node->inputs[0] = push(p, node->inputs[0], preds);
        return node;
    case PLAN_UNION:
    case PLAN_INTERSECT:
    case PLAN_EXCEPT:
        return push_set_operation(p, node, preds);
    case PLAN_TABLE_SCAN:
        return push_scan(p, node, preds);
    default:
        return place_above(p, push_children(p, node), preds);
    }
}

plan_node *optimizer_pushdown(plan_node *root, const optimizer_context *context, shoal_error *error)
{
    if (!root)
        return NULL;
    pushdown p = {.context = context, .error = error};
    expr_list none = {0};
    root = push(&p, root, &none);
    if (p.failed || !root) {
        plan_free(root);
        optimizer_oom(error);
        return NULL;
    }
    return root;
}
