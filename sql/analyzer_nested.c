/*
 * analyzer_nested.c — typed analysis of the nested-type expression forms:
 * subscripts (array index, map key, row position), row field access
 * (r.x when r is not a qualifier), and calls that take lambdas
 * (transform, filter, reduce, any_match, ...).
 *
 * A lambda's parameters get their types from the other arguments before its
 * body is analysed (Trino's order); inside the body a parameter is an
 * EXPR_LAMBDA_VARIABLE, other names resolve in the enclosing scope (the
 * lambda captures them as columns).
 */
#include "analyzer_internal.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum { MAX_LAMBDA_ARGS = 8 };

static expr *special(analyzer *a, expr_kind kind, sql_type type, int count, expr **args, const ast_node *where)
{
    expr *e = expr_special(kind, type, count, args);
    if (!e) {
        for (int i = 0; i < count; i++)
            expr_free(args[i]);
        analyzer_fail(a, where, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
        return NULL;
    }
    e->line = (int)where->pos.line;
    e->position = (int)where->pos.column;
    return e;
}

static expr *field_access(analyzer *a, expr *base, int field, const ast_node *where)
{
    expr *args[1] = {base};
    expr *e = special(a, EXPR_DEREFERENCE, base->type.composite->field_types[field], 1, args, where);
    if (e)
        e->field_index = field;
    return e;
}

expr *analyzer_translate_subscript(const expr_scope *es, const ast_node *node)
{
    analyzer *a = es->a;
    expr *base = translate_expression(es, node->u.binary.left);
    if (!base)
        return NULL;
    expr *index = translate_expression(es, node->u.binary.right);
    if (!index) {
        expr_free(base);
        return NULL;
    }
    sql_type t = base->type;
    if (t.kind == TYPE_ROW) {
        int64_t i = index->kind == EXPR_CONSTANT && !index->constant.is_null && type_is_integral(index->type)
                        ? index->constant.u.i64 : 0;
        expr_free(index);
        if (i < 1 || i > t.composite->field_count) {
            expr_free(base);
            analyzer_fail(a, node, ERR_INVALID_FUNCTION_ARGUMENT,
                          "Invalid subscript index: %lld, ROW type has %d fields", (long long)i,
                          t.composite->field_count);
            return NULL;
        }
        return field_access(a, base, (int)i - 1, node);
    }
    if (t.kind != TYPE_ARRAY && t.kind != TYPE_MAP) {
        char name[128];
        type_format(t, false, name, sizeof name);
        expr_free(base);
        expr_free(index);
        analyzer_fail(a, node, ERR_TYPE_MISMATCH, "Cannot use subscript on a value of type %s", name);
        return NULL;
    }
    sql_type index_type = t.kind == TYPE_ARRAY ? type_make(TYPE_BIGINT) : t.composite->field_types[0];
    if (!type_can_coerce(index->type, index_type)) {
        char want[128], got[128];
        type_format(index_type, false, want, sizeof want);
        type_format(index->type, false, got, sizeof got);
        expr_free(base);
        expr_free(index);
        analyzer_fail(a, node->u.binary.right, ERR_TYPE_MISMATCH, "Subscript index must be %s, but was %s", want, got);
        return NULL;
    }
    index = coerce_expression(a, index, index_type, node);
    if (!index) {
        expr_free(base);
        return NULL;
    }
    expr *args[2] = {base, index};
    sql_type result = t.kind == TYPE_ARRAY ? t.composite->field_types[0] : t.composite->field_types[1];
    return special(a, EXPR_SUBSCRIPT, result, 2, args, node);
}

expr *analyzer_translate_field(const expr_scope *es, const ast_node *node)
{
    analyzer *a = es->a;
    expr *base = translate_expression(es, node->u.binary.left);
    if (!base)
        return NULL;
    const char *name = node->u.binary.right->u.identifier.value.ptr;
    if (base->type.kind == TYPE_ROW) {
        const composite_type *c = base->type.composite;
        for (int i = 0; i < c->field_count; i++)
            if (c->field_names && c->field_names[i] && strcasecmp(c->field_names[i], name) == 0)
                return field_access(a, base, i, node);
    }
    expr_free(base);
    char *text = ast_name_text(node);
    analyzer_fail(a, node, ERR_COLUMN_NOT_FOUND, "Column '%s' cannot be resolved", text ? text : name);
    free(text);
    return NULL;
}

/* ---- lambdas ---- */

/* The types a function gives its lambda's parameters, from the analysed
 * arguments before it: Trino's signatures, written out. */
static bool lambda_parameter_types(const char *function, int lambda_index, expr **args, sql_type *types,
                                   int *count)
{
    sql_type first = args[0] ? args[0]->type : type_make(TYPE_UNKNOWN);
    sql_type element = first.kind == TYPE_ARRAY ? first.composite->field_types[0] : type_make(TYPE_UNKNOWN);
    if (first.kind != TYPE_ARRAY && first.kind != TYPE_UNKNOWN)
        return false;
    if (strcmp(function, "reduce") == 0) {
        sql_type state = args[1] ? args[1]->type : type_make(TYPE_UNKNOWN);
        if (lambda_index == 2) {
            types[0] = state;
            types[1] = element;
            *count = 2;
        } else {
            types[0] = state;
            *count = 1;
        }
        return true;
    }
    types[0] = element;
    *count = 1;
    return true;
}

static expr *translate_lambda(const expr_scope *es, const ast_node *node, const sql_type *types, int count)
{
    analyzer *a = es->a;
    if ((int)node->u.lambda.params.count != count) {
        analyzer_fail(a, node, ERR_INVALID_PARAMETER_USAGE, "Expected a lambda that takes %d argument(s) but got %u",
                      count, node->u.lambda.params.count);
        return NULL;
    }
    if (es->lambda) {
        analyzer_fail(a, node, ERR_NOT_SUPPORTED, "Lambdas inside lambdas are not supported yet");
        return NULL;
    }
    lambda_scope ls = {.count = count};
    for (int i = 0; i < count; i++) {
        ls.names[i] = node->u.lambda.params.items[i]->u.identifier.value.ptr;
        ls.types[i] = types[i];
    }
    expr_scope inner = *es;
    inner.lambda = &ls;
    expr *body = translate_expression(&inner, node->u.lambda.body);
    if (!body)
        return NULL;
    expr *args[1] = {body};
    expr *e = special(a, EXPR_LAMBDA, body->type, 1, args, node);
    if (e)
        e->lambda_parameter_count = count;
    return e;
}

expr *analyzer_translate_lambda_variable(const expr_scope *es, const ast_node *node)
{
    if (!es->lambda || node->kind != AST_IDENTIFIER)
        return NULL;
    const char *name = node->u.identifier.value.ptr;
    for (int i = 0; i < es->lambda->count; i++) {
        if (strcmp(es->lambda->names[i], name) == 0) {
            expr *e = expr_special(EXPR_LAMBDA_VARIABLE, es->lambda->types[i], 0, NULL);
            if (!e) {
                analyzer_fail(es->a, node, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
                return NULL;
            }
            e->column = i;
            return e;
        }
    }
    return NULL;
}

bool analyzer_call_has_lambda(const ast_node *call)
{
    for (uint32_t i = 0; i < call->u.call.args.count; i++)
        if (call->u.call.args.items[i]->kind == AST_LAMBDA)
            return true;
    return false;
}

expr *analyzer_translate_lambda_call(const expr_scope *es, const ast_node *node, const char *name)
{
    analyzer *a = es->a;
    int count = (int)node->u.call.args.count;
    if (count > MAX_LAMBDA_ARGS) {
        analyzer_fail(a, node, ERR_TOO_MANY_ARGUMENTS, "Too many arguments for function call %s()", name);
        return NULL;
    }
    expr *args[MAX_LAMBDA_ARGS] = {0};
    for (int i = 0; i < count; i++) {
        const ast_node *arg = node->u.call.args.items[i];
        if (arg->kind == AST_LAMBDA)
            continue;
        args[i] = translate_expression(es, arg);
        if (!args[i])
            goto fail;
    }
    for (int i = 0; i < count; i++) {
        const ast_node *arg = node->u.call.args.items[i];
        if (arg->kind != AST_LAMBDA)
            continue;
        sql_type types[MAX_LAMBDA_PARAMETERS];
        int n = 0;
        if (!lambda_parameter_types(name, i, args, types, &n)) {
            analyzer_fail(a, node, ERR_FUNCTION_NOT_FOUND, "Function '%s' does not take a lambda here", name);
            goto fail;
        }
        args[i] = translate_lambda(es, arg, types, n);
        if (!args[i])
            goto fail;
        /* reduce: the state takes the common type of the initial state and
         * the step's result; the step is analysed again with it */
        if (strcmp(name, "reduce") == 0 && i == 2 && args[1] && !type_equal(args[2]->type, args[1]->type)) {
            sql_type state;
            if (!type_common_super_type(args[1]->type, args[2]->type, &state)) {
                analyzer_fail(a, arg, ERR_TYPE_MISMATCH, "reduce: the lambda's result does not match the state type");
                goto fail;
            }
            args[1] = coerce_expression(a, args[1], state, node);
            expr_free(args[2]);
            args[2] = args[1] && lambda_parameter_types(name, i, args, types, &n) ? translate_lambda(es, arg, types, n)
                                                                                  : NULL;
            if (!args[2])
                goto fail;
            if (!type_equal(args[2]->type, state)) {
                if (!type_can_coerce(args[2]->type, state)) {
                    analyzer_fail(a, arg, ERR_TYPE_MISMATCH, "reduce: the lambda's result does not match the state type");
                    goto fail;
                }
                args[2]->args[0] = coerce_expression(a, args[2]->args[0], state, arg);
                args[2]->type = state;
                if (!args[2]->args[0])
                    goto fail;
            }
        }
    }
    return make_call(a, name, count, args, node);
fail:
    for (int i = 0; i < count; i++)
        expr_free(args[i]);
    return NULL;
}
