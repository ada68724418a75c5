/*
 * optimizer_simplify.c — rule 1: expression simplification and constant
 * folding at the plan level.
 *
 * Expressions: AND/OR flattened, TRUE/FALSE absorbed and duplicates removed
 * (TRUE AND x → x, FALSE AND x → FALSE), NOT of a constant or of NOT,
 * IS NULL of a constant, IF with a constant condition, COALESCE dropping
 * NULL arguments, a null-on-null call with a NULL constant argument → NULL,
 * and any other constant sub-expression evaluated through
 * context->evaluate (kept as is when evaluation fails, so the error
 * surfaces at run time).
 *
 * Plan: FILTER TRUE is removed, FILTER FALSE/NULL becomes an empty VALUES;
 * a join filter TRUE is dropped; an inner/cross join with an empty side,
 * and filters, projections, sorts and limits over an empty VALUES, become
 * empty VALUES.
 */
#include <stdlib.h>
#include <string.h>

#include "connectors/spi/function.h"
#include "optimizer_internal.h"

static expr *simplify_expr(expr *e, const optimizer_context *context);

static bool is_foldable_type(sql_type type)
{
    return type.kind != TYPE_ARRAY && type.kind != TYPE_MAP && type.kind != TYPE_ROW &&
           type.kind != TYPE_UNKNOWN;
}

static bool contains_lambda(const expr *e)
{
    if (e->kind == EXPR_LAMBDA || e->kind == EXPR_LAMBDA_VARIABLE)
        return true;
    for (int i = 0; i < e->arg_count; i++)
        if (contains_lambda(e->args[i]))
            return true;
    return false;
}

/* Replaces e by `with` (freeing e), keeping e's type. */
static expr *replace(expr *e, expr *with)
{
    if (!with)
        return e; /* out of memory: keep the unsimplified expression */
    expr_free(e);
    return with;
}

/* Takes argument i out of e (so freeing e does not free it). */
static expr *steal_arg(expr *e, int i)
{
    expr *arg = e->args[i];
    e->args[i] = NULL;
    return arg;
}

/* AND / OR: flatten, absorb constants, drop duplicates. */
static expr *simplify_logical(expr *e)
{
    bool is_and = e->kind == EXPR_AND;
    expr_list items = {0};
    bool has_null = false;
    for (int i = 0; i < e->arg_count; i++) {
        expr *arg = e->args[i];
        if (arg->kind == e->kind) { /* nested: already simplified, splice its args */
            for (int j = 0; j < arg->arg_count; j++)
                if (!expr_list_add(&items, steal_arg(arg, j)))
                    goto oom;
            continue;
        }
        if (!expr_list_add(&items, steal_arg(e, i)))
            goto oom;
    }
    expr_list kept = {0};
    for (int i = 0; i < items.count; i++) {
        expr *arg = items.items[i];
        if (arg->kind == EXPR_CONSTANT) {
            if (arg->constant.is_null) {
                has_null = true;
                continue;
            }
            bool b = arg->constant.u.boolean;
            if (b != is_and) { /* FALSE in AND, TRUE in OR decides */
                expr_list_free(&kept);
                expr_list_free(&items);
                expr *result = optimizer_boolean(b);
                return replace(e, result);
            }
            continue; /* TRUE in AND, FALSE in OR: neutral */
        }
        bool duplicate = false;
        for (int j = 0; j < kept.count && !duplicate; j++)
            duplicate = optimizer_is_deterministic(arg) && expr_equal(kept.items[j], arg);
        if (duplicate)
            continue;
        if (!expr_list_add(&kept, expr_copy(arg))) {
            expr_list_free(&kept);
            goto oom;
        }
    }
    expr_list_free(&items);
    if (has_null && !expr_list_add(&kept, expr_constant(value_null(type_make(TYPE_BOOLEAN))))) {
        expr_list_free(&kept);
        return e;
    }
    if (kept.count == 0) {
        expr_list_free(&kept);
        return replace(e, optimizer_boolean(is_and));
    }
    expr *result;
    if (kept.count == 1) {
        result = kept.items[0];
        free(kept.items);
    } else {
        result = expr_special(e->kind, e->type, kept.count, kept.items);
        if (result)
            free(kept.items);
        else
            expr_list_free(&kept);
    }
    return replace(e, result);
oom:
    expr_list_free(&items);
    return e;
}

static bool conjunct_in(const expr *needle, expr *haystack)
{
    if (haystack->kind != EXPR_AND)
        return expr_equal(needle, haystack);
    for (int i = 0; i < haystack->arg_count; i++)
        if (expr_equal(needle, haystack->args[i]))
            return true;
    return false;
}

/* (A AND B) OR (A AND C)  ->  A AND (B OR C): conditions every branch of an
 * OR repeats are pulled out (the distributive law holds in SQL's
 * three-valued logic), so a join key or a scan filter written in each
 * branch (TPC-H Q19) becomes a plain conjunct that pushdown can use. */
static expr *factor_or(expr *e)
{
    if (e->kind != EXPR_OR || e->arg_count < 2 || !optimizer_is_deterministic(e))
        return e;
    expr *first = e->args[0];
    bool first_is_and = first->kind == EXPR_AND;
    expr **candidates = first_is_and ? first->args : &e->args[0];
    int candidate_count = first_is_and ? first->arg_count : 1;
    expr_list common = {0};
    for (int c = 0; c < candidate_count; c++) {
        bool everywhere = true;
        for (int d = 1; d < e->arg_count && everywhere; d++)
            everywhere = conjunct_in(candidates[c], e->args[d]);
        if (everywhere && !expr_list_add(&common, expr_copy(candidates[c]))) {
            expr_list_free(&common);
            return e;
        }
    }
    if (common.count == 0)
        return e;
    /* each branch without the common conjuncts; an emptied branch makes the OR true */
    expr_list branches = {0};
    bool always = false;
    for (int d = 0; d < e->arg_count && !always; d++) {
        expr *branch = e->args[d];
        expr_list rest = {0};
        int n = branch->kind == EXPR_AND ? branch->arg_count : 1;
        for (int i = 0; i < n; i++) {
            expr *item = branch->kind == EXPR_AND ? branch->args[i] : branch;
            bool shared = false;
            for (int k = 0; k < common.count && !shared; k++)
                shared = expr_equal(item, common.items[k]);
            if (!shared)
                expr_list_add(&rest, expr_copy(item));
        }
        if (rest.count == 0) {
            always = true;
        } else if (rest.count == 1) {
            expr_list_add(&branches, rest.items[0]);
            free(rest.items);
        } else {
            expr *and = expr_special(EXPR_AND, e->type, rest.count, rest.items);
            free(rest.items);
            expr_list_add(&branches, and);
        }
    }
    if (always) {
        for (int i = 0; i < branches.count; i++)
            expr_free(branches.items[i]);
    } else {
        expr_list_add(&common, expr_special(EXPR_OR, e->type, branches.count, branches.items));
    }
    free(branches.items); /* expr_special copies its argument array */
    expr *result = common.count == 1 ? common.items[0] : expr_special(EXPR_AND, e->type, common.count, common.items);
    free(common.items);
    return replace(e, result);
}

static expr *fold_constant(expr *e, const optimizer_context *context)
{
    if (!context || !context->evaluate || e->kind == EXPR_CONSTANT || !is_foldable_type(e->type) ||
        !expr_is_constant(e) || contains_lambda(e))
        return e;
    value v;
    shoal_error ignored;
    error_clear(&ignored);
    if (!context->evaluate(context->evaluate_context, e, &v, &ignored))
        return e;
    v.type = e->type;
    return replace(e, expr_constant(v));
}

static bool arg_is_null_constant(const expr *e)
{
    for (int i = 0; i < e->arg_count; i++)
        if (e->args[i]->kind == EXPR_CONSTANT && e->args[i]->constant.is_null)
            return true;
    return false;
}

static expr *simplify_expr(expr *e, const optimizer_context *context)
{
    if (!e || e->kind == EXPR_LAMBDA)
        return e;
    for (int i = 0; i < e->arg_count; i++)
        e->args[i] = simplify_expr(e->args[i], context);

    switch (e->kind) {
    case EXPR_AND:
    case EXPR_OR:
        e = simplify_logical(e);
        if (e->kind == EXPR_OR)
            e = factor_or(e);
        break;
    case EXPR_NOT: {
        expr *arg = e->args[0];
        if (arg->kind == EXPR_CONSTANT) {
            expr *c = arg->constant.is_null ? expr_constant(value_null(e->type))
                                            : optimizer_boolean(!arg->constant.u.boolean);
            return replace(e, c);
        }
        if (arg->kind == EXPR_NOT) {
            expr *inner = steal_arg(arg, 0);
            expr_free(e);
            return inner;
        }
        break;
    }
    case EXPR_IS_NULL:
        if (e->args[0]->kind == EXPR_CONSTANT)
            return replace(e, optimizer_boolean(e->args[0]->constant.is_null));
        break;
    case EXPR_IF: {
        expr *cond = e->args[0];
        if (cond->kind == EXPR_CONSTANT) {
            bool take_then = !cond->constant.is_null && cond->constant.u.boolean;
            if (take_then || e->arg_count > 2) {
                int keep = take_then ? 1 : 2;
                expr *result = steal_arg(e, keep);
                expr_free(e);
                return result;
            }
            return replace(e, expr_constant(value_null(e->type)));
        }
        break;
    }
    case EXPR_COALESCE: {
        int out = 0;
        bool stopped = false;
        for (int i = 0; i < e->arg_count; i++) {
            expr *arg = e->args[i];
            e->args[i] = NULL;
            if (stopped || (arg->kind == EXPR_CONSTANT && arg->constant.is_null)) {
                expr_free(arg);
                continue;
            }
            e->args[out++] = arg;
            stopped = arg->kind == EXPR_CONSTANT; /* later arguments are never reached */
        }
        e->arg_count = out;
        if (out == 0)
            return replace(e, expr_constant(value_null(e->type)));
        if (out == 1) {
            expr *only = steal_arg(e, 0);
            expr_free(e);
            return only;
        }
        break;
    }
    case EXPR_CALL:
        if (e->function && e->function->null_on_null && arg_is_null_constant(e))
            return replace(e, expr_constant(value_null(e->type)));
        break;
    default:
        break;
    }
    return fold_constant(e, context);
}

/* ---- plan walk ---------------------------------------------------------------- */

static bool is_empty_values(const plan_node *node)
{
    return node && node->kind == PLAN_VALUES && node->u.values.row_count == 0;
}

/* Replaces node by an empty VALUES with its columns. */
static plan_node *to_empty(plan_node *node, shoal_error *error)
{
    plan_node *empty = optimizer_empty_values(node);
    plan_free(node);
    if (!empty)
        optimizer_oom(error);
    return empty;
}

static void simplify_slot(expr **slot, const optimizer_context *context)
{
    if (*slot)
        *slot = simplify_expr(*slot, context);
}

static plan_node *simplify_node(plan_node *node, const optimizer_context *context, shoal_error *error)
{
    for (int i = 0; i < 2; i++)
        if (node->inputs[i]) {
            node->inputs[i] = simplify_node(node->inputs[i], context, error);
            if (!node->inputs[i]) {
                plan_free(node);
                return NULL;
            }
        }
    for (int i = 0; i < node->source_count; i++) {
        node->sources[i] = simplify_node(node->sources[i], context, error);
        if (!node->sources[i]) {
            plan_free(node);
            return NULL;
        }
    }

    switch (node->kind) {
    case PLAN_FILTER: {
        simplify_slot(&node->u.filter.predicate, context);
        expr *p = node->u.filter.predicate;
        if (optimizer_is_true(p)) {
            plan_node *input = node->inputs[0];
            node->inputs[0] = NULL;
            plan_free(node);
            return input;
        }
        if (optimizer_is_false_or_null(p) || is_empty_values(node->inputs[0]))
            return to_empty(node, error);
        break;
    }
    case PLAN_PROJECT:
        for (int i = 0; i < node->column_count; i++)
            simplify_slot(&node->u.project.exprs[i], context);
        if (is_empty_values(node->inputs[0]))
            return to_empty(node, error);
        break;
    case PLAN_VALUES:
        for (int i = 0; i < node->u.values.row_count * node->column_count; i++)
            simplify_slot(&node->u.values.cells[i], context);
        break;
    case PLAN_JOIN: {
        simplify_slot(&node->u.join.filter, context);
        if (optimizer_is_true(node->u.join.filter)) {
            expr_free(node->u.join.filter);
            node->u.join.filter = NULL;
        }
        bool inner = node->u.join.type == JOIN_INNER || node->u.join.type == JOIN_CROSS;
        if (inner && (optimizer_is_false_or_null(node->u.join.filter) ||
                      is_empty_values(node->inputs[0]) || is_empty_values(node->inputs[1])))
            return to_empty(node, error);
        if (node->u.join.type == JOIN_LEFT && is_empty_values(node->inputs[0]))
            return to_empty(node, error);
        if (node->u.join.type == JOIN_RIGHT && is_empty_values(node->inputs[1]))
            return to_empty(node, error);
        break;
    }
    case PLAN_SEMI_JOIN:
        simplify_slot(&node->u.semi.filter, context);
        if (optimizer_is_true(node->u.semi.filter)) {
            expr_free(node->u.semi.filter);
            node->u.semi.filter = NULL;
        }
        if (is_empty_values(node->inputs[0]))
            return to_empty(node, error);
        break;
    case PLAN_SORT:
    case PLAN_TOP_N:
    case PLAN_LIMIT:
    case PLAN_DISTINCT_LIMIT:
        if (is_empty_values(node->inputs[0]))
            return to_empty(node, error);
        break;
    case PLAN_AGGREGATE:
        if (node->u.aggregate.key_count > 0 && node->u.aggregate.grouping_set_count == 0 &&
            is_empty_values(node->inputs[0]))
            return to_empty(node, error);
        break;
    default:
        break;
    }
    return node;
}

plan_node *optimizer_simplify(plan_node *root, const optimizer_context *context, shoal_error *error)
{
    if (!root)
        return NULL;
    return simplify_node(root, context, error);
}
