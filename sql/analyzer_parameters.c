/*
 * analyzer_parameters.c — `?` parameters of prepared statements: the
 * analyser's hook for AST_PARAMETER (the value EXECUTE ... USING bound, from
 * analyzer_context.parameters, as a constant), the conversion of USING
 * literals into values, and counting the parameters of a statement text.
 */
#include <stdlib.h>
#include <string.h>

#include "connectors/spi/decimal.h"
#include "sql/analyzer.h"
#include "sql/analyzer_internal.h"
#include "sql/arena.h"
#include "sql/lexer.h"

expr *analyzer_translate_parameter(const expr_scope *es, const ast_node *node)
{
    analyzer *a = es->a;
    int64_t index = node->u.literal.int_value;
    if (!a->context->parameters || index < 0 || index >= a->context->parameter_count) {
        analyzer_fail(a, node, ERR_INVALID_PARAMETER_USAGE,
                      a->context->parameter_count == 0 ? "Query takes no parameters"
                                                       : "Invalid parameter index %lld, max value is %d",
                      (long long)index + 1, a->context->parameter_count);
        return NULL;
    }
    expr *e = expr_constant(a->context->parameters[index]);   /* copies strings */
    if (!e)
        analyzer_fail(a, node, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
    return e;
}

static int32_t characters(const char *text, uint32_t bytes)
{
    int32_t n = 0;
    for (uint32_t i = 0; i < bytes; i++)
        n += ((unsigned char)text[i] & 0xC0) != 0x80;
    return n;
}

bool analyzer_parameter_value(const ast_node *node, value *out, shoal_error *error)
{
    bool negative = false;
    const ast_node *v = node;
    if (v->kind == AST_ARITHMETIC_UNARY && v->u.unary.operand &&
        (v->u.unary.operand->kind == AST_LONG_LITERAL || v->u.unary.operand->kind == AST_DOUBLE_LITERAL ||
         v->u.unary.operand->kind == AST_DECIMAL_LITERAL)) {
        negative = v->u.unary.op == AST_OP_MINUS;
        v = v->u.unary.operand;
    }
    switch (v->kind) {
    case AST_NULL_LITERAL:
        *out = value_null(type_make(TYPE_UNKNOWN));
        return true;
    case AST_BOOLEAN_LITERAL:
        *out = value_boolean(v->u.literal.flag);
        return true;
    case AST_LONG_LITERAL: {
        int64_t n = negative ? -v->u.literal.int_value : v->u.literal.int_value;
        *out = n >= INT32_MIN && n <= INT32_MAX ? value_integer((int32_t)n) : value_bigint(n);
        return true;
    }
    case AST_DOUBLE_LITERAL:
        *out = value_double(negative ? -v->u.literal.double_value : v->u.literal.double_value);
        return true;
    case AST_DECIMAL_LITERAL: {
        __int128 unscaled;
        int precision, scale;
        const char *text = v->u.literal.text.ptr;
        if (!decimal_parse_literal(text, strlen(text), &unscaled, &precision, &scale))
            return error_set_at(error, ERR_INVALID_LITERAL, (int)v->pos.line, (int)v->pos.column,
                                "'%s' is not a valid DECIMAL literal", text);
        *out = value_decimal(precision, scale, negative ? -unscaled : unscaled);
        return true;
    }
    case AST_STRING_LITERAL:
        *out = value_varchar(v->u.literal.text.ptr, v->u.literal.text.len);
        out->type = type_varchar(characters(v->u.literal.text.ptr, v->u.literal.text.len));
        return true;
    default:
        return error_set_at(error, ERR_NOT_SUPPORTED, (int)node->pos.line, (int)node->pos.column,
                            "EXECUTE parameters must be literals");
    }
}

int analyzer_count_parameters(const char *sql, size_t length)
{
    sql_arena *arena = sql_arena_create();
    if (!arena)
        return -1;
    sql_token_list tokens;
    sql_error error;
    sql_error_clear(&error);
    int count = -1;
    if (sql_lex(arena, sql, length, &tokens, &error) == 0) {
        count = 0;
        for (uint32_t i = 0; i < tokens.count; i++)
            count += tokens.tokens[i].type == TOK_QUESTION;
    }
    sql_arena_destroy(arena);
    return count;
}
