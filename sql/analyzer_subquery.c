/*
 * analyzer_subquery.c — subqueries inside expressions, decorrelated into
 * joins before the expression that uses them is translated:
 *
 *   x IN (SELECT y ...)           semi join on x = y (null-aware)     → match flag
 *   EXISTS (SELECT ... WHERE      semi join on the correlated
 *           inner = outer ...)    equalities, other correlated
 *                                 predicates as the residual filter    → match flag
 *   (SELECT agg(...) ... WHERE    aggregate grouped by the inner sides
 *    inner = outer)               of the correlated equalities, left
 *                                 joined on them                        → value
 *   (SELECT ...) uncorrelated     cross join with EnforceSingleRow      → value
 *
 * Each result is a new (hidden) channel of the outer relation; the
 * expression translator maps the subquery's AST node to that channel.
 */
#include "analyzer_internal.h"

#include <stdlib.h>
#include <string.h>

static plan_node *join_node(plan_kind kind, plan_node *left, plan_node *right, int extra_columns)
{
    int left_count = left->column_count;
    int count = kind == PLAN_SEMI_JOIN ? left_count + 1 : left_count + right->column_count;
    (void)extra_columns;
    plan_node *join = plan_node_new(kind, count);
    if (!join)
        return NULL;
    for (int i = 0; i < left_count; i++)
        plan_set_column(join, i, left->columns[i].name, left->columns[i].type);
    if (kind == PLAN_SEMI_JOIN) {
        plan_set_column(join, left_count, "match", type_make(TYPE_BOOLEAN));
    } else {
        for (int i = 0; i < right->column_count; i++)
            plan_set_column(join, left_count + i, right->columns[i].name, right->columns[i].type);
    }
    join->inputs[0] = left;
    join->inputs[1] = right;
    join->estimate = left->estimate;
    return join;
}

/* The channel of `e` in r: itself if it is a column, else a new projection. */
static int channel_of(analyzer *a, relation *r, expr *e)
{
    if (e->kind == EXPR_COLUMN) {
        int channel = e->column;
        expr_free(e);
        return channel;
    }
    return append_projection(a, r, e, NULL, true);
}

static bool add_result(subquery_result **results, int *count, const ast_node *node, int channel)
{
    subquery_result *grown = realloc(*results, sizeof **results * (size_t)(*count + 1));
    if (!grown)
        return false;
    grown[*count].node = node;
    grown[*count].channel = channel;
    *results = grown;
    (*count)++;
    return true;
}

static const ast_node *subquery_specification(const ast_node *query)
{
    if (query->kind != AST_QUERY || query->u.query.body->kind != AST_QUERY_SPECIFICATION)
        return NULL;
    return query->u.query.body;
}

static bool plan_in_subquery(analyzer *a, relation *r, const ast_node *node, int *channel)
{
    relation inner;
    if (!plan_query(a, node->u.predicate.a, NULL, &inner))
        return false;
    if (inner.plan->column_count != 1) {
        int columns = inner.plan->column_count;
        relation_free(&inner);
        return analyzer_fail(a, node->u.predicate.a, ERR_NOT_SUPPORTED,
                             "Multiple columns returned by subquery are not yet supported. Found %d", columns);
    }
    expr_scope es = {.a = a, .fields = &r->scope};
    expr *value = translate_expression(&es, node->u.predicate.value);
    if (!value) {
        relation_free(&inner);
        return false;
    }
    sql_type common;
    if (!type_common_super_type(value->type, inner.plan->columns[0].type, &common)) {
        char t1[64], t2[64];
        type_format(value->type, false, t1, sizeof t1);
        type_format(inner.plan->columns[0].type, false, t2, sizeof t2);
        expr_free(value);
        relation_free(&inner);
        return analyzer_fail(a, node, ERR_TYPE_MISMATCH, "Value expression and result of subquery must be of the same type: %s vs %s", t1, t2);
    }
    value = coerce_expression(a, value, common, node);
    int source_key = channel_of(a, r, value);
    int filtering_key = 0;
    if (!type_equal(inner.plan->columns[0].type, common)) {
        expr *cast = coerce_expression(a, expr_column(0, inner.plan->columns[0].type), common, node);
        filtering_key = channel_of(a, &inner, cast);
    }
    if (source_key < 0 || filtering_key < 0) {
        relation_free(&inner);
        return false;
    }
    plan_node *semi = join_node(PLAN_SEMI_JOIN, r->plan, inner.plan, 0);
    semi->u.semi.key_count = 1;
    semi->u.semi.source_keys = malloc(sizeof(int));
    semi->u.semi.filtering_keys = malloc(sizeof(int));
    semi->u.semi.source_keys[0] = source_key;
    semi->u.semi.filtering_keys[0] = filtering_key;
    semi->u.semi.null_aware = true;
    r->plan = semi;
    scope_free(&inner.scope);
    *channel = semi->column_count - 1;
    return scope_add(&r->scope, NULL, NULL, NULL, NULL, type_make(TYPE_BOOLEAN), true);
}

/* Translates the outer sides of correlated equalities into channels of r and
 * the inner sides into channels of `inner` (which the inner relation already
 * has as its trailing key outputs, or which are projected here). */
static bool correlated_keys(analyzer *a, relation *r, relation *inner, const correlation *c,
                            int inner_key_base, int *source_keys, int *filtering_keys, int *key_count,
                            expr **residual)
{
    *key_count = 0;
    *residual = NULL;
    scope combined = {0};
    for (int i = 0; i < c->count; i++) {
        if (c->inner_side[i]) {
            expr_scope outer_es = {.a = a, .fields = &r->scope};
            expr *outer = translate_expression(&outer_es, c->outer_side[i]);
            expr *inner_e;
            if (inner_key_base >= 0) {
                inner_e = expr_column(inner_key_base + *key_count, inner->plan->columns[inner_key_base + *key_count].type);
            } else {
                expr_scope inner_es = {.a = a, .fields = &inner->scope};
                inner_e = translate_expression(&inner_es, c->inner_side[i]);
            }
            if (!outer || !inner_e) {
                expr_free(outer);
                expr_free(inner_e);
                return false;
            }
            sql_type common;
            if (!type_common_super_type(outer->type, inner_e->type, &common)) {
                expr_free(outer);
                expr_free(inner_e);
                return analyzer_fail(a, c->conjuncts[i], ERR_TYPE_MISMATCH, "Cannot compare correlated values of different types");
            }
            outer = coerce_expression(a, outer, common, c->conjuncts[i]);
            inner_e = coerce_expression(a, inner_e, common, c->conjuncts[i]);
            source_keys[*key_count] = channel_of(a, r, outer);
            filtering_keys[*key_count] = channel_of(a, inner, inner_e);
            (*key_count)++;
            continue;
        }
        /* residual: over outer ++ inner; built after all projections */
    }
    for (int i = 0; i < c->count; i++) {
        if (c->inner_side[i])
            continue;
        if (combined.count == 0)
            scope_copy(&combined, &inner->scope);
        expr_scope es = {.a = a, .fields = &combined, .outer_fields = &r->scope};
        expr *e = translate_boolean(&es, c->conjuncts[i], "WHERE clause");
        if (!e) {
            scope_free(&combined);
            return false;
        }
        if (*residual) {
            expr *both[2] = {*residual, e};
            *residual = expr_special(EXPR_AND, type_make(TYPE_BOOLEAN), 2, both);
        } else {
            *residual = e;
        }
    }
    scope_free(&combined);
    return true;
}

/* ---- decorrelation by grouping ------------------------------------------------
 * For correlated predicates that are not equalities: number the outer rows,
 * left-join the subquery's rows on every correlated predicate, and aggregate
 * per outer row (count(*) counts a marker the join leaves NULL when nothing
 * matched). */

static bool add_row_id(analyzer *a, relation *r)
{
    resolved_function row_number;
    shoal_error error;
    error_clear(&error);
    if (!function_resolve("row_number", 0, NULL, &row_number, &error))
        return analyzer_fail(a, NULL, error.code, "%s", error.message);
    plan_node *node = plan_node_new(PLAN_WINDOW, r->plan->column_count + 1);
    if (!node)
        return analyzer_fail(a, NULL, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
    plan_copy_columns(node, r->plan);
    plan_set_column(node, r->plan->column_count, "row_id", row_number.return_type);
    node->u.window.function_count = 1;
    node->u.window.functions = calloc(1, sizeof(plan_window_function));
    node->u.window.functions[0].function = row_number;
    node->u.window.functions[0].argument_channel = -1;
    node->u.window.functions[0].default_channel = -1;
    node->inputs[0] = r->plan;
    node->estimate = r->plan->estimate;
    r->plan = node;
    return scope_add(&r->scope, NULL, NULL, NULL, NULL, row_number.return_type, true);
}

/* `value` is the subquery's select expression (scalar) or NULL (EXISTS:
 * count(*) > 0). The result lands in *channel. */
static bool plan_by_grouping(analyzer *a, relation *r, const ast_node *query, const ast_node *value,
                             const ast_node *where, int *channel)
{
    const ast_node *spec = subquery_specification(query);
    if (!spec || spec->u.query_spec.group_by || spec->u.query_spec.having || query->u.query.limit ||
        query->u.query.with)
        return analyzer_fail(a, where, ERR_NOT_SUPPORTED, "Given correlated subquery is not supported");
    if (!add_row_id(a, r))
        return false;
    correlation c = {.mode = SUBQUERY_EXISTS, .outer = &r->scope};
    relation inner;
    if (!plan_query(a, query, &c, &inner))
        return false;
    int marker = append_projection(a, &inner, expr_constant(value_boolean(true)), NULL, true);
    int source_keys[MAX_CORRELATED], filtering_keys[MAX_CORRELATED], key_count;
    expr *residual = NULL;
    if (marker < 0 || !correlated_keys(a, r, &inner, &c, -1, source_keys, filtering_keys, &key_count, &residual)) {
        relation_free(&inner);
        return false;
    }
    int outer_count = r->plan->column_count;
    plan_node *join = join_node(PLAN_JOIN, r->plan, inner.plan, 0);
    join->u.join.type = JOIN_LEFT;
    join->u.join.key_count = key_count;
    join->u.join.left_keys = malloc(sizeof(int) * (size_t)(key_count + 1));
    join->u.join.right_keys = malloc(sizeof(int) * (size_t)(key_count + 1));
    memcpy(join->u.join.left_keys, source_keys, sizeof(int) * (size_t)key_count);
    memcpy(join->u.join.right_keys, filtering_keys, sizeof(int) * (size_t)key_count);
    join->u.join.filter = residual;
    /* the joined relation: outer columns first, then the subquery's */
    scope outer_scope;
    scope_copy(&outer_scope, &r->scope);
    r->plan = join;
    scope_append(&r->scope, &inner.scope);
    expr_scope source = {.a = a, .fields = &inner.scope, .outer_fields = &outer_scope};
    ast_node count_call, count_name, count_identifier;
    ast_node *name_items[1] = {&count_identifier};
    if (!value) {
        /* EXISTS: count(*) over the matches, then > 0 */
        memset(&count_call, 0, sizeof count_call);
        memset(&count_name, 0, sizeof count_name);
        memset(&count_identifier, 0, sizeof count_identifier);
        count_identifier.kind = AST_IDENTIFIER;
        count_identifier.u.identifier.value = (sql_str){"count", 5};
        count_identifier.u.identifier.text = count_identifier.u.identifier.value;
        count_name.kind = AST_QUALIFIED_NAME;
        count_name.u.list.items = (ast_list){name_items, 1};
        count_call.kind = AST_FUNCTION_CALL;
        count_call.pos = where->pos;
        count_call.u.call.name = &count_name;
        count_call.u.call.star = true;
        value = &count_call;
    }
    bool ok = plan_grouped_value(a, r, outer_count, &source, value, outer_count + marker);
    scope_free(&outer_scope);
    scope_free(&inner.scope);
    if (!ok)
        return false;
    *channel = outer_count;
    if (value == &count_call) {
        expr *args[2] = {expr_column(outer_count, r->scope.fields[outer_count].type), expr_constant(value_bigint(0))};
        expr *positive = make_call(a, "$greater_than", 2, args, where);
        *channel = positive ? append_projection(a, r, positive, NULL, true) : -1;
    }
    return *channel >= 0;
}

static bool plan_exists(analyzer *a, relation *r, const ast_node *node, int *channel)
{
    const ast_node *query = node->u.unary.operand;
    correlation c = {.mode = SUBQUERY_EXISTS, .outer = &r->scope};
    relation inner;
    if (!subquery_specification(query) || query->u.query.limit || query->u.query.with)
        return analyzer_fail(a, node, ERR_NOT_SUPPORTED, "This form of EXISTS subquery is not supported yet");
    if (!plan_query(a, query, &c, &inner))
        return false;
    bool has_equality = false;
    for (int i = 0; i < c.count; i++)
        has_equality |= c.inner_side[i] != NULL;
    if (!has_equality) {
        /* no equality to join on (or no correlation at all): group per outer row */
        relation_free(&inner);
        return plan_by_grouping(a, r, query, NULL, node, channel);
    }
    int source_keys[MAX_CORRELATED], filtering_keys[MAX_CORRELATED], key_count;
    expr *residual = NULL;
    if (!correlated_keys(a, r, &inner, &c, -1, source_keys, filtering_keys, &key_count, &residual)) {
        relation_free(&inner);
        return false;
    }
    plan_node *semi = join_node(PLAN_SEMI_JOIN, r->plan, inner.plan, 0);
    semi->u.semi.key_count = key_count;
    semi->u.semi.source_keys = malloc(sizeof(int) * (size_t)(key_count ? key_count : 1));
    semi->u.semi.filtering_keys = malloc(sizeof(int) * (size_t)(key_count ? key_count : 1));
    memcpy(semi->u.semi.source_keys, source_keys, sizeof(int) * (size_t)key_count);
    memcpy(semi->u.semi.filtering_keys, filtering_keys, sizeof(int) * (size_t)key_count);
    semi->u.semi.filter = residual;
    r->plan = semi;
    scope_free(&inner.scope);
    *channel = semi->column_count - 1;
    return scope_add(&r->scope, NULL, NULL, NULL, NULL, type_make(TYPE_BOOLEAN), true);
}

static bool plan_scalar_subquery(analyzer *a, relation *r, const ast_node *node, int *channel)
{
    const ast_node *query = node->u.unary.operand;
    correlation c = {.mode = SUBQUERY_SCALAR, .outer = &r->scope};
    relation inner;
    bool specification = subquery_specification(query) != NULL;
    if (!plan_query(a, query, specification ? &c : NULL, &inner)) {
        if (!c.needs_grouping)
            return false;
        error_clear(a->error);
        const ast_node *spec = subquery_specification(query);
        if (spec->u.query_spec.select.count != 1 || spec->u.query_spec.select.items[0]->kind != AST_SELECT_ITEM)
            return analyzer_fail(a, node, ERR_NOT_SUPPORTED, "Given correlated subquery is not supported");
        return plan_by_grouping(a, r, query, spec->u.query_spec.select.items[0]->u.binary.left, node, channel);
    }
    int value_columns = inner.plan->column_count - c.extra_key_count;
    if (value_columns != 1) {
        relation_free(&inner);
        return analyzer_fail(a, node, ERR_NOT_SUPPORTED, "Multiple columns returned by subquery are not yet supported. Found %d", value_columns);
    }
    sql_type value_type = inner.plan->columns[0].type;
    int left_count = r->plan->column_count;
    if (c.count == 0) {
        plan_node *single = plan_node_new(PLAN_ENFORCE_SINGLE_ROW, 1);
        plan_copy_columns(single, inner.plan);
        single->inputs[0] = inner.plan;
        plan_node *join = join_node(PLAN_JOIN, r->plan, single, 0);
        join->u.join.type = JOIN_CROSS;
        r->plan = join;
    } else {
        int source_keys[MAX_CORRELATED], filtering_keys[MAX_CORRELATED], key_count;
        expr *residual = NULL;
        if (!correlated_keys(a, r, &inner, &c, 1, source_keys, filtering_keys, &key_count, &residual)) {
            relation_free(&inner);
            return false;
        }
        left_count = r->plan->column_count;
        plan_node *join = join_node(PLAN_JOIN, r->plan, inner.plan, 0);
        join->u.join.type = JOIN_LEFT;
        join->u.join.key_count = key_count;
        join->u.join.left_keys = malloc(sizeof(int) * (size_t)key_count);
        join->u.join.right_keys = malloc(sizeof(int) * (size_t)key_count);
        memcpy(join->u.join.left_keys, source_keys, sizeof(int) * (size_t)key_count);
        memcpy(join->u.join.right_keys, filtering_keys, sizeof(int) * (size_t)key_count);
        join->u.join.filter = residual;
        r->plan = join;
    }
    /* the outer scope grows by every inner column; only the value is named */
    for (int i = 0; i < inner.plan->column_count; i++)
        scope_add(&r->scope, NULL, NULL, NULL, NULL, inner.plan->columns[i].type, true);
    (void)value_type;
    scope_free(&inner.scope);
    *channel = left_count;
    return true;
}

typedef struct subquery_walk {
    analyzer *a;
    relation *r;
    subquery_result **results;
    int *count;
    bool failed;
} subquery_walk;

static bool subquery_visit(const ast_node *node, int depth, void *context)
{
    (void)depth;
    subquery_walk *w = context;
    if (w->failed)
        return false;
    int channel = -1;
    bool ok = true;
    switch (node->kind) {
    case AST_IN_SUBQUERY:
        ok = plan_in_subquery(w->a, w->r, node, &channel);
        break;
    case AST_EXISTS:
        ok = plan_exists(w->a, w->r, node, &channel);
        break;
    case AST_SUBQUERY_EXPRESSION:
        ok = plan_scalar_subquery(w->a, w->r, node, &channel);
        break;
    case AST_QUANTIFIED_COMPARISON:
        ok = plan_quantified_comparison(w->a, w->r, node, &channel);
        break;
    default:
        return true;
    }
    if (!ok || !add_result(w->results, w->count, node, channel))
        w->failed = true;
    return false;
}

bool plan_subqueries(analyzer *a, relation *r, const ast_node *node,
                     subquery_result **results, int *result_count)
{
    *results = NULL;
    *result_count = 0;
    subquery_walk w = {a, r, results, result_count, false};
    ast_walk(node, subquery_visit, &w);
    if (w.failed) {
        free(*results);
        *results = NULL;
        *result_count = 0;
    }
    return !w.failed;
}
