/*
 * analyzer_aggregation.c — translating expressions that are evaluated after
 * GROUP BY: each sub-expression is either an aggregate call (its output
 * channel), a GROUP BY key (its key channel), a constant, or built from those;
 * a column that is neither is Trino's EXPRESSION_NOT_AGGREGATE.
 */
#include "analyzer_internal.h"

#include <stdlib.h>
#include <string.h>

/* Translates `node` against the pre-aggregation scope without leaving an
 * error behind; NULL when it does not translate there. */
static expr *translate_quietly(const expr_scope *source, const ast_node *node)
{
    analyzer *a = source->a;
    shoal_error saved = *a->error;
    expr *e = translate_expression(source, node);
    *a->error = saved;
    return e;
}

static int matching_key(const aggregation_binding *b, const expr *e)
{
    for (int i = 0; i < b->key_count; i++)
        if (expr_equal(b->keys[i], e))
            return i;
    return -1;
}

static bool is_name(const ast_node *node)
{
    return node->kind == AST_IDENTIFIER || node->kind == AST_DEREFERENCE ||
           node->kind == AST_QUALIFIED_NAME;
}

/* grouping(a, b, ...): bit i (from the left, most significant first) is 1
 * when the current grouping set does not group by argument i. */
static expr *translate_grouping(const expr_scope *es, const ast_node *node)
{
    const aggregation_binding *b = es->aggregation;
    int n = (int)node->u.list.items.count;
    int keys[64];
    if (n > 62) {
        analyzer_fail(es->a, node, ERR_TOO_MANY_ARGUMENTS, "Too many arguments for grouping()");
        return NULL;
    }
    for (int i = 0; i < n; i++) {
        expr *e = translate_quietly(b->source, node->u.list.items.items[i]);
        keys[i] = e ? matching_key(b, e) : -1;
        expr_free(e);
        if (keys[i] < 0) {
            analyzer_fail(es->a, node->u.list.items.items[i], ERR_INVALID_ARGUMENTS,
                          "The arguments to GROUPING() must be expressions referenced by the GROUP BY at the associated query level");
            return NULL;
        }
    }
    if (b->set_count == 0)
        return expr_constant(value_bigint(0));
    expr **args = calloc((size_t)b->set_count * 2 + 1, sizeof(expr *));
    for (int s = 0; s < b->set_count; s++) {
        int64_t bits = 0;
        for (int i = 0; i < n; i++)
            if (!(b->sets[s] >> keys[i] & 1))
                bits |= INT64_C(1) << (n - 1 - i);
        expr *pair[2] = {expr_column(b->group_id_channel, type_make(TYPE_BIGINT)), expr_constant(value_bigint(s))};
        args[2 * s] = make_call(es->a, "$equal", 2, pair, node);
        args[2 * s + 1] = expr_constant(value_bigint(bits));
    }
    expr *e = expr_special(EXPR_CASE, type_make(TYPE_BIGINT), b->set_count * 2, args);
    free(args);
    return e;
}

expr *translate_aggregated(const expr_scope *es, const ast_node *node)
{
    const aggregation_binding *b = es->aggregation;
    if (node->kind == AST_GROUPING_OPERATION)
        return translate_grouping(es, node);
    for (int i = 0; i < b->aggregate_count; i++) {
        if (b->aggregate_nodes[i] == node || ast_equal(b->aggregate_nodes[i], node)) {
            int channel = b->first_aggregate_channel + i;
            return expr_column(channel, es->fields->fields[channel].type);
        }
    }
    if (is_subquery_node(node))
        return translate_node(es, node);
    if (!ast_contains_aggregate(node)) {
        expr *e = translate_quietly(b->source, node);
        if (e) {
            int key = matching_key(b, e);
            bool constant = expr_is_constant(e);
            if (key >= 0) {
                expr_free(e);
                return expr_column(key, es->fields->fields[key].type);
            }
            if (constant)
                return e;
            expr_free(e);
        }
        if (is_name(node)) {
            char *text = ast_name_text(node);
            analyzer_fail(es->a, node, ERR_EXPRESSION_NOT_AGGREGATE,
                          "'%s' must be an aggregate expression or appear in GROUP BY clause",
                          text ? text : "?");
            free(text);
            return NULL;
        }
    }
    return translate_node(es, node);
}
