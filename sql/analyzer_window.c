/*
 * analyzer_window.c — window functions (`f(...) OVER (PARTITION BY ...
 * ORDER BY ... frame)`) in the select list and ORDER BY. Each call becomes a
 * WINDOW plan node over the relation, after aggregation and HAVING, whose
 * extra output channel holds the function's value; the expression
 * translator maps the call to that channel (as it does subquery results).
 */
#include "analyzer_internal.h"

#include <stdlib.h>
#include <string.h>

typedef struct window_walk {
    const ast_node *calls[256];
    int count;
} window_walk;

static bool collect_window_call(const ast_node *node, int depth, void *context)
{
    (void)depth;
    window_walk *w = context;
    if (is_subquery_node(node))
        return false;
    if (node->kind != AST_FUNCTION_CALL || !node->u.call.window)
        return true;
    for (int i = 0; i < w->count; i++)
        if (ast_equal(w->calls[i], node))
            return false;
    if (w->count < 256)
        w->calls[w->count++] = node;
    return false;
}

/* The channel holding `e`'s value in r (a column costs nothing). */
static int channel_of(analyzer *a, relation *r, expr *e)
{
    if (!e)
        return -1;
    if (e->kind == EXPR_COLUMN) {
        int c = e->column;
        expr_free(e);
        return c;
    }
    return append_projection(a, r, e, NULL, true);
}

static const ast_node *window_specification(analyzer *a, const ast_node *spec, const ast_node *call)
{
    const ast_node *w = call->u.call.window;
    if (w->kind == AST_WINDOW_SPECIFICATION && !w->u.window.existing_name)
        return w;
    const ast_node *name = w->kind == AST_IDENTIFIER ? w : w->u.window.existing_name;
    for (uint32_t i = 0; i < spec->u.query_spec.windows.count; i++) {
        const ast_node *definition = spec->u.query_spec.windows.items[i];
        if (strcmp(definition->u.binary.left->u.identifier.value.ptr, name->u.identifier.value.ptr) == 0)
            return definition->u.binary.right;
    }
    analyzer_fail(a, name, ERR_INVALID_WINDOW_REFERENCE, "Cannot resolve WINDOW name %s", name->u.identifier.value.ptr);
    return NULL;
}

static bool constant_integer(analyzer *a, const ast_node *node, const char *what, int64_t *out)
{
    if (node->kind == AST_LONG_LITERAL && node->u.literal.int_value >= 0) {
        *out = node->u.literal.int_value;
        return true;
    }
    return analyzer_fail(a, node, ERR_NOT_SUPPORTED, "%s must be a non-negative integer literal", what);
}

static plan_frame_bound bound_of(int ast_bound)
{
    switch (ast_bound) {
    case AST_BOUND_UNBOUNDED_PRECEDING: return PLAN_BOUND_UNBOUNDED_PRECEDING;
    case AST_BOUND_PRECEDING: return PLAN_BOUND_PRECEDING;
    case AST_BOUND_CURRENT_ROW: return PLAN_BOUND_CURRENT_ROW;
    case AST_BOUND_FOLLOWING: return PLAN_BOUND_FOLLOWING;
    default: return PLAN_BOUND_UNBOUNDED_FOLLOWING;
    }
}

static bool plan_frame(analyzer *a, const ast_node *frame, plan_window_function *f)
{
    if (!frame)
        return true;
    f->has_frame = true;
    f->frame_unit = frame->u.frame.type == AST_FRAME_ROWS ? PLAN_FRAME_ROWS
                    : frame->u.frame.type == AST_FRAME_GROUPS ? PLAN_FRAME_GROUPS : PLAN_FRAME_RANGE;
    const ast_node *start = frame->u.frame.start, *end = frame->u.frame.end;
    f->frame_start = bound_of(start->u.unary.op);
    f->frame_end = end ? bound_of(end->u.unary.op) : PLAN_BOUND_CURRENT_ROW;
    if (start->u.unary.operand && !constant_integer(a, start->u.unary.operand, "Window frame offset", &f->frame_start_offset))
        return false;
    if (end && end->u.unary.operand && !constant_integer(a, end->u.unary.operand, "Window frame offset", &f->frame_end_offset))
        return false;
    if (f->frame_start == PLAN_BOUND_UNBOUNDED_FOLLOWING)
        return analyzer_fail(a, start, ERR_INVALID_WINDOW_FRAME, "Window frame start cannot be UNBOUNDED FOLLOWING");
    if (f->frame_end == PLAN_BOUND_UNBOUNDED_PRECEDING)
        return analyzer_fail(a, end, ERR_INVALID_WINDOW_FRAME, "Window frame end cannot be UNBOUNDED PRECEDING");
    return true;
}

/* The function and its arguments: value channel, constant offset, default. */
static bool plan_function(analyzer *a, relation *r, const expr_scope *es, const ast_node *call,
                          plan_window_function *f)
{
    char *name = ast_name_text(call->u.call.name);
    int n = call->u.call.star ? 0 : (int)call->u.call.args.count;
    expr *args[3] = {NULL, NULL, NULL};
    sql_type types[3];
    bool ok = n <= 3;
    if (!ok)
        analyzer_fail(a, call, ERR_TOO_MANY_ARGUMENTS, "Too many arguments for window function %s", name);
    for (int i = 0; ok && i < n; i++) {
        args[i] = translate_expression(es, call->u.call.args.items[i]);
        ok = args[i] != NULL;
        if (ok)
            types[i] = args[i]->type;
    }
    shoal_error error;
    error_clear(&error);
    if (ok && !function_resolve(name, n, types, &f->function, &error))
        ok = analyzer_fail(a, call, error.code, "%s", error.message);
    if (ok && f->function.function->kind == FUNCTION_SCALAR)
        ok = analyzer_fail(a, call, ERR_FUNCTION_NOT_WINDOW, "Not a window function: %s", name);
    /* the window operator feeds aggregates one argument column */
    if (ok && f->function.function->kind == FUNCTION_AGGREGATE && n > 1)
        ok = analyzer_fail(a, call, ERR_NOT_SUPPORTED, "Aggregate %s with %d arguments is not supported as a window function yet", name, n);
    bool offset_argument = ok && (strcmp(name, "lag") == 0 || strcmp(name, "lead") == 0 ||
                                  strcmp(name, "nth_value") == 0);
    f->argument_channel = f->default_channel = -1;
    f->offset = strcmp(name, "lag") == 0 || strcmp(name, "lead") == 0 ? 1 : 0;
    if (ok && strcmp(name, "ntile") == 0) {
        ok = constant_integer(a, call->u.call.args.items[0], "ntile bucket count", &f->offset);
    } else if (ok && n > 0) {
        args[0] = coerce_expression(a, args[0], f->function.arg_types[0], call);
        f->argument_channel = channel_of(a, r, args[0]);
        args[0] = NULL;
        if (offset_argument && n >= 2)
            ok = constant_integer(a, call->u.call.args.items[1], "Window function offset", &f->offset);
        if (ok && n == 3) {
            args[2] = coerce_expression(a, args[2], f->function.arg_types[2], call);
            f->default_channel = channel_of(a, r, args[2]);
            args[2] = NULL;
        }
    }
    for (int i = 0; i < 3; i++)
        expr_free(args[i]);
    free(name);
    return ok && !error_is_set(a->error);
}

/* Plans one window call as a WINDOW node on r; returns its result channel. */
static int plan_window_call(analyzer *a, const ast_node *spec, relation *r, const expr_scope *es,
                            const ast_node *call)
{
    const ast_node *window = window_specification(a, spec, call);
    if (!window)
        return -1;
    plan_window_function f;
    memset(&f, 0, sizeof f);
    if (!plan_function(a, r, es, call, &f) || !plan_frame(a, window->u.window.frame, &f))
        return -1;
    int partition_count = (int)window->u.window.partition_by.count;
    int order_count = (int)window->u.window.order_by.count;
    int *partitions = malloc(sizeof(int) * (size_t)(partition_count + 1));
    sort_key *orders = malloc(sizeof(sort_key) * (size_t)(order_count + 1));
    bool ok = partitions && orders;
    for (int i = 0; ok && i < partition_count; i++) {
        partitions[i] = channel_of(a, r, translate_expression(es, window->u.window.partition_by.items[i]));
        ok = partitions[i] >= 0;
    }
    for (int i = 0; ok && i < order_count; i++) {
        const ast_node *item = window->u.window.order_by.items[i];
        orders[i].channel = channel_of(a, r, translate_expression(es, item->u.sort_item.key));
        orders[i].descending = item->u.sort_item.descending;
        orders[i].nulls_first = item->u.sort_item.null_ordering == AST_NULLS_FIRST;
        ok = orders[i].channel >= 0;
    }
    plan_node *node = ok ? plan_node_new(PLAN_WINDOW, r->plan->column_count + 1) : NULL;
    if (!node) {
        free(partitions);
        free(orders);
        return -1;
    }
    for (int i = 0; i < r->plan->column_count; i++)
        plan_set_column(node, i, r->plan->columns[i].name, r->plan->columns[i].type);
    plan_set_column(node, r->plan->column_count, "window", f.function.return_type);
    node->u.window.partition_count = partition_count;
    node->u.window.partition_channels = partitions;
    node->u.window.order_count = order_count;
    node->u.window.order_keys = orders;
    node->u.window.function_count = 1;
    node->u.window.functions = malloc(sizeof f);
    node->u.window.functions[0] = f;
    node->inputs[0] = r->plan;
    node->estimate = r->plan->estimate;
    r->plan = node;
    scope_add(&r->scope, NULL, NULL, NULL, NULL, f.function.return_type, true);
    return node->column_count - 1;
}

bool plan_window_functions(analyzer *a, const ast_node *spec, const ast_list *order_by, relation *r,
                           const expr_scope *es, subquery_result **results, int *result_count)
{
    window_walk w = {.count = 0};
    for (uint32_t i = 0; i < spec->u.query_spec.select.count; i++)
        ast_walk(spec->u.query_spec.select.items[i], collect_window_call, &w);
    for (uint32_t i = 0; order_by && i < order_by->count; i++)
        ast_walk(order_by->items[i], collect_window_call, &w);
    for (int i = 0; i < w.count; i++) {
        expr_scope scope = *es;
        scope.fields = &r->scope;
        int channel = plan_window_call(a, spec, r, &scope, w.calls[i]);
        if (channel < 0)
            return false;
        subquery_result *grown = realloc(*results, sizeof **results * (size_t)(*result_count + 1));
        if (!grown)
            return analyzer_fail(a, w.calls[i], ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
        grown[*result_count].node = w.calls[i];
        grown[*result_count].channel = channel;
        *results = grown;
        (*result_count)++;
    }
    return true;
}
