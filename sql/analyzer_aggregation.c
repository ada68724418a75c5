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

expr *translate_aggregated(const expr_scope *es, const ast_node *node)
{
    const aggregation_binding *b = es->aggregation;
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
