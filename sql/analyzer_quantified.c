/*
 * analyzer_quantified.c — quantified comparisons `x op ANY|SOME|ALL (q)`,
 * rewritten as Trino's TransformQuantifiedComparisonApply does:
 *
 *   x = ANY q   ->  x IN (q)              x <> ALL q  ->  NOT (x IN (q))
 *   x < ALL q   ->  CASE WHEN n = 0 THEN true  WHEN NOT (x < min) THEN false
 *                        WHEN nn <> n THEN NULL ELSE x < min END
 *   x < ANY q   ->  CASE WHEN n = 0 THEN false WHEN x < max THEN true
 *                        WHEN nn <> n THEN NULL ELSE x < max END
 *   x = ALL q   ->  as `< ALL` with (x = min AND x = max)
 *   x <> ANY q  ->  NOT (x = ALL q)
 *
 * (> and >= swap min and max; n = count(*), nn = count(v) over q.) The
 * aggregates are uncorrelated scalar subqueries over q. The rewritten
 * expression is planned like any other into the relation, and its value
 * becomes the channel the comparison reads.
 */
#include "analyzer_internal.h"

#include <stdlib.h>
#include <string.h>

#include "sql/ast_build.h"

typedef struct rewrite {
    sql_arena *arena;
    const ast_node *node;     /* the QUANTIFIED_COMPARISON */
    bool failed;
} rewrite;

static ast_node *make(rewrite *w, ast_kind kind)
{
    ast_node *n = ast_build_node(w->arena, kind, w->node->pos);
    w->failed = w->failed || !n;
    return n;
}

static ast_node *binary(rewrite *w, ast_kind kind, int op, ast_node *left, ast_node *right)
{
    ast_node *n = make(w, kind);
    if (n) {
        n->u.binary.op = op;
        n->u.binary.left = left;
        n->u.binary.right = right;
    }
    return n;
}

static ast_node *not_of(rewrite *w, ast_node *operand)
{
    ast_node *n = make(w, AST_NOT);
    if (n)
        n->u.unary.operand = operand;
    return n;
}

static ast_node *and_of(rewrite *w, ast_node *left, ast_node *right)
{
    ast_node *n = make(w, AST_LOGICAL);
    if (n && ast_build_list(w->arena, &n->u.logical.terms, 2)) {
        n->u.logical.op = AST_LOGICAL_AND;
        n->u.logical.terms.items[0] = left;
        n->u.logical.terms.items[1] = right;
    } else {
        w->failed = true;
    }
    return n;
}

static ast_node *literal(rewrite *w, ast_kind kind, int64_t value)
{
    ast_node *n = make(w, kind);
    if (n) {
        n->u.literal.flag = value != 0;
        n->u.literal.int_value = value;
        n->u.literal.text = kind == AST_BOOLEAN_LITERAL ? (value ? (sql_str){"true", 4} : (sql_str){"false", 5})
                            : kind == AST_LONG_LITERAL ? (sql_str){"0", 1} : (sql_str){"null", 4};
    }
    return n;
}

/* (SELECT f(v) FROM (q) "$quantified"("$v")), or count(*) when f is NULL. */
static ast_node *aggregate_of_query(rewrite *w, const char *function)
{
    ast_node *spec = NULL;
    ast_node *query = ast_build_query(w->arena, &spec, 1, w->node->pos);
    ast_node *call = make(w, AST_FUNCTION_CALL), *name = make(w, AST_QUALIFIED_NAME);
    ast_node *subquery = make(w, AST_TABLE_SUBQUERY), *aliased = make(w, AST_ALIASED_RELATION);
    ast_node *result = make(w, AST_SUBQUERY_EXPRESSION);
    if (w->failed || !query || !ast_build_list(w->arena, &name->u.list.items, 1) ||
        !ast_build_list(w->arena, &call->u.call.args, function ? 1 : 0) ||
        !ast_build_list(w->arena, &aliased->u.aliased.columns, 1)) {
        w->failed = true;
        return NULL;
    }
    name->u.list.items.items[0] = ast_build_identifier(w->arena, function ? function : "count", w->node->pos);
    call->u.call.name = name;
    call->u.call.star = function == NULL;
    if (function)
        call->u.call.args.items[0] = ast_build_identifier(w->arena, "$v", w->node->pos);
    else
        call->u.call.args.count = 0;
    subquery->u.unary.operand = w->node->u.quantified.query;
    aliased->u.aliased.relation = subquery;
    aliased->u.aliased.alias = ast_build_identifier(w->arena, "$quantified", w->node->pos);
    aliased->u.aliased.columns.items[0] = ast_build_identifier(w->arena, "$v", w->node->pos);
    spec->u.query_spec.select.items[0] = ast_build_select_item(w->arena, call, NULL);
    spec->u.query_spec.from = aliased;
    result->u.unary.operand = query;
    return result;
}

static ast_node *when(rewrite *w, ast_node *condition, ast_node *value)
{
    return binary(w, AST_WHEN_CLAUSE, 0, condition, value);
}

/* CASE WHEN n = 0 THEN empty WHEN decided THEN decided_value WHEN nn <> n THEN NULL ELSE test END */
static ast_node *three_valued(rewrite *w, bool empty, ast_node *decided, bool decided_value, ast_node *test)
{
    ast_node *count_all = aggregate_of_query(w, NULL);
    ast_node *count_values = aggregate_of_query(w, "count");
    ast_node *n = make(w, AST_CASE);
    if (w->failed || !ast_build_list(w->arena, &n->u.case_expr.whens, 3)) {
        w->failed = true;
        return NULL;
    }
    n->u.case_expr.whens.items[0] =
        when(w, binary(w, AST_COMPARISON, AST_CMP_EQ, count_all, literal(w, AST_LONG_LITERAL, 0)),
             literal(w, AST_BOOLEAN_LITERAL, empty));
    n->u.case_expr.whens.items[1] = when(w, decided, literal(w, AST_BOOLEAN_LITERAL, decided_value));
    n->u.case_expr.whens.items[2] =
        when(w, binary(w, AST_COMPARISON, AST_CMP_NE, count_values, aggregate_of_query(w, NULL)),
             literal(w, AST_NULL_LITERAL, 0));
    n->u.case_expr.else_value = test;
    return n;
}

static ast_node *compare(rewrite *w, const char *aggregate)
{
    return binary(w, AST_COMPARISON, (int)w->node->u.quantified.op, w->node->u.quantified.value,
                  aggregate_of_query(w, aggregate));
}

/* x = ALL q */
static ast_node *equals_all(rewrite *w)
{
    ast_node *x = w->node->u.quantified.value;
    ast_node *test = and_of(w, binary(w, AST_COMPARISON, AST_CMP_EQ, x, aggregate_of_query(w, "min")),
                            binary(w, AST_COMPARISON, AST_CMP_EQ, x, aggregate_of_query(w, "max")));
    ast_node *again = and_of(w, binary(w, AST_COMPARISON, AST_CMP_EQ, x, aggregate_of_query(w, "min")),
                             binary(w, AST_COMPARISON, AST_CMP_EQ, x, aggregate_of_query(w, "max")));
    return three_valued(w, true, not_of(w, again), false, test);
}

static ast_node *rewritten(rewrite *w)
{
    const ast_node *node = w->node;
    ast_comparison_op op = node->u.quantified.op;
    bool all = node->u.quantified.quantifier == AST_QUANT_ALL;
    if ((op == AST_CMP_EQ && !all) || (op == AST_CMP_NE && all)) {
        ast_node *in = make(w, AST_IN_SUBQUERY);
        if (in) {
            in->u.predicate.value = node->u.quantified.value;
            in->u.predicate.a = node->u.quantified.query;
        }
        return op == AST_CMP_EQ ? in : not_of(w, in);
    }
    if (op == AST_CMP_EQ)
        return equals_all(w);
    if (op == AST_CMP_NE)
        return not_of(w, equals_all(w));
    bool less = op == AST_CMP_LT || op == AST_CMP_LE;
    /* ALL: the bound every value must pass; ANY: the one most likely to */
    const char *bound = all == less ? "min" : "max";
    if (all)
        return three_valued(w, true, not_of(w, compare(w, bound)), false, compare(w, bound));
    return three_valued(w, false, compare(w, bound), true, compare(w, bound));
}

bool plan_quantified_comparison(analyzer *a, relation *r, const ast_node *node, int *channel)
{
    if (node->u.quantified.op == AST_CMP_IS_DISTINCT_FROM)
        return analyzer_fail(a, node, ERR_NOT_SUPPORTED, "Quantified comparison with IS DISTINCT FROM");
    rewrite w = {.arena = sql_arena_create(), .node = node};
    ast_node *expression = w.arena ? rewritten(&w) : NULL;
    bool ok = false;
    if (!expression || w.failed) {
        analyzer_fail(a, node, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
    } else {
        subquery_result *results = NULL;
        int count = 0;
        if (plan_subqueries(a, r, expression, &results, &count)) {
            expr_scope es = {.a = a, .fields = &r->scope, .subqueries = results, .subquery_count = count};
            expr *e = translate_expression(&es, expression);
            *channel = e ? append_projection(a, r, e, NULL, true) : -1;
            ok = *channel >= 0;
        }
        free(results);
    }
    sql_arena_destroy(w.arena);
    return ok;
}
