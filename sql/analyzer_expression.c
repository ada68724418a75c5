/*
 * analyzer_expression.c — translating AST expressions into typed IR
 * (connectors/spi/expression.h): name resolution, literals, operators and
 * function calls resolved through the function registry, implicit coercions.
 */
#include "analyzer_internal.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "connectors/spi/date_util.h"
#include "connectors/spi/decimal.h"

enum { MAX_NAME_PARTS = 8, MAX_CALL_ARGS = 16 };

bool analyzer_fail(analyzer *a, const ast_node *where, error_code code, const char *format, ...)
{
    if (error_is_set(a->error))
        return false;
    va_list args;
    va_start(args, format);
    a->error->code = code;
    a->error->line = where ? (int)where->pos.line : 0;
    a->error->column = where ? (int)where->pos.column : 0;
    vsnprintf(a->error->message, sizeof a->error->message, format, args);
    va_end(args);
    return false;
}

int ast_name_parts(const ast_node *node, const char **parts, int max_parts)
{
    if (!node)
        return 0;
    switch (node->kind) {
    case AST_IDENTIFIER:
        if (max_parts < 1)
            return -1;
        parts[0] = node->u.identifier.value.ptr;
        return 1;
    case AST_QUALIFIED_NAME: {
        int n = (int)node->u.list.items.count;
        if (n > max_parts)
            return -1;
        for (int i = 0; i < n; i++)
            parts[i] = node->u.list.items.items[i]->u.identifier.value.ptr;
        return n;
    }
    case AST_DEREFERENCE: {
        int n = ast_name_parts(node->u.binary.left, parts, max_parts - 1);
        if (n <= 0)
            return -1;
        parts[n] = node->u.binary.right->u.identifier.value.ptr;
        return n + 1;
    }
    default:
        return -1;
    }
}

char *ast_name_text(const ast_node *node)
{
    const char *parts[MAX_NAME_PARTS];
    int n = ast_name_parts(node, parts, MAX_NAME_PARTS);
    size_t length = 1;
    for (int i = 0; i < n; i++)
        length += strlen(parts[i]) + 1;
    char *text = calloc(1, length);
    if (!text)
        return NULL;
    for (int i = 0; i < n; i++) {
        if (i)
            strcat(text, ".");
        strcat(text, parts[i]);
    }
    return text;
}

/* ---- literals ------------------------------------------------------------- */

static uint32_t utf8_length(const char *text, uint32_t bytes)
{
    uint32_t characters = 0;
    for (uint32_t i = 0; i < bytes; i++)
        characters += ((unsigned char)text[i] & 0xC0) != 0x80;
    return characters;
}

static expr *constant_or_fail(analyzer *a, value v, const ast_node *where)
{
    expr *e = expr_constant(v);
    if (!e)
        analyzer_fail(a, where, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
    return e;
}

static expr *translate_decimal_literal(analyzer *a, const ast_node *node, const char *text)
{
    __int128 unscaled;
    int precision, scale;
    if (!decimal_parse_literal(text, strlen(text), &unscaled, &precision, &scale)) {
        analyzer_fail(a, node, ERR_INVALID_LITERAL, "'%s' is not a valid DECIMAL literal", text);
        return NULL;
    }
    return constant_or_fail(a, value_decimal(precision, scale, unscaled), node);
}

static expr *translate_string_literal(analyzer *a, const ast_node *node)
{
    value v = value_varchar(node->u.literal.text.ptr, node->u.literal.text.len);
    v.type = type_varchar((int32_t)utf8_length(node->u.literal.text.ptr, node->u.literal.text.len));
    return constant_or_fail(a, v, node);
}

static expr *translate_typed_literal(analyzer *a, const ast_node *node)
{
    const char *type_name = node->u.typed_literal.type_name->u.identifier.value.ptr;
    const char *text = node->u.typed_literal.value.ptr;
    if (strcmp(type_name, "date") == 0) {
        int32_t days;
        if (!date_parse(text, strlen(text), &days)) {
            analyzer_fail(a, node, ERR_INVALID_LITERAL, "'%s' is not a valid DATE literal", text);
            return NULL;
        }
        return constant_or_fail(a, value_date(days), node);
    }
    if (strcmp(type_name, "decimal") == 0)
        return translate_decimal_literal(a, node, text);
    if (strcmp(type_name, "json") == 0) { /* JSON '[1, 2]' is the parsed document, as in Trino */
        expr *args[1] = {constant_or_fail(a, value_varchar(text, (uint32_t)strlen(text)), node)};
        return args[0] ? make_call(a, "json_parse", 1, args, node) : NULL;
    }
    /* Everything else: a cast of the string to the named type */
    sql_type target;
    if (!type_parse(type_name, &target)) {
        analyzer_fail(a, node, ERR_TYPE_NOT_FOUND, "Unknown type: %s", type_name);
        return NULL;
    }
    value v = value_varchar(text, (uint32_t)strlen(text));
    expr *s = constant_or_fail(a, v, node);
    if (!s)
        return NULL;
    expr *args[1] = {s};
    expr *cast = expr_special(EXPR_CAST, target, 1, args);
    return cast;
}

static int64_t interval_field_millis(ast_interval_field field)
{
    switch (field) {
    case AST_FIELD_DAY: return 86400000LL;
    case AST_FIELD_HOUR: return 3600000LL;
    case AST_FIELD_MINUTE: return 60000LL;
    case AST_FIELD_SECOND: return 1000LL;
    default: return 0;
    }
}

static expr *translate_interval_literal(analyzer *a, const ast_node *node)
{
    const char *text = node->u.interval.value.ptr;
    ast_interval_field start = node->u.interval.start;
    ast_interval_field end = node->u.interval.end;
    int sign = node->u.interval.sign;
    char *stop;
    errno = 0;
    if (start == AST_FIELD_YEAR || start == AST_FIELD_MONTH) {
        long long years = 0, months = 0;
        if (end == AST_FIELD_MONTH && start == AST_FIELD_YEAR) {
            if (sscanf(text, "%lld-%lld", &years, &months) != 2)
                goto bad;
        } else if (start == AST_FIELD_YEAR) {
            years = strtoll(text, &stop, 10);
            if (*stop || errno)
                goto bad;
        } else {
            months = strtoll(text, &stop, 10);
            if (*stop || errno)
                goto bad;
        }
        value v = value_integer((int32_t)(sign * (years * 12 + months)));
        v.type = type_make(TYPE_INTERVAL_YEAR_MONTH);
        return constant_or_fail(a, v, node);
    }
    if (end == AST_FIELD_NONE || end == start) {
        double amount = strtod(text, &stop);
        if (*stop || errno)
            goto bad;
        value v = value_bigint((int64_t)llround(sign * amount * (double)interval_field_millis(start)));
        v.type = type_make(TYPE_INTERVAL_DAY_TIME);
        return constant_or_fail(a, v, node);
    }
    {
        /* 'D HH:MM:SS.fff' style, starting at `start` */
        long long day = 0, hour = 0, minute = 0;
        double second = 0;
        int n = 0;
        if (start == AST_FIELD_DAY)
            n = sscanf(text, "%lld %lld:%lld:%lf", &day, &hour, &minute, &second);
        else if (start == AST_FIELD_HOUR)
            n = sscanf(text, "%lld:%lld:%lf", &hour, &minute, &second);
        else if (start == AST_FIELD_MINUTE)
            n = sscanf(text, "%lld:%lf", &minute, &second);
        if (n < 2)
            goto bad;
        double millis = (double)day * 86400000.0 + (double)hour * 3600000.0 +
                        (double)minute * 60000.0 + second * 1000.0;
        value v = value_bigint((int64_t)llround(sign * millis));
        v.type = type_make(TYPE_INTERVAL_DAY_TIME);
        return constant_or_fail(a, v, node);
    }
bad:
    analyzer_fail(a, node, ERR_INVALID_LITERAL, "Invalid INTERVAL literal '%s'", text);
    return NULL;
}

static expr *translate_literal(analyzer *a, const ast_node *node)
{
    switch (node->kind) {
    case AST_NULL_LITERAL:
        return constant_or_fail(a, value_null(type_make(TYPE_UNKNOWN)), node);
    case AST_BOOLEAN_LITERAL:
        return constant_or_fail(a, value_boolean(node->u.literal.flag), node);
    case AST_LONG_LITERAL: {
        int64_t v = node->u.literal.int_value;
        if (v >= INT32_MIN && v <= INT32_MAX)
            return constant_or_fail(a, value_integer((int32_t)v), node);
        return constant_or_fail(a, value_bigint(v), node);
    }
    case AST_DECIMAL_LITERAL:
        return translate_decimal_literal(a, node, node->u.literal.text.ptr);
    case AST_DOUBLE_LITERAL:
        return constant_or_fail(a, value_double(node->u.literal.double_value), node);
    case AST_STRING_LITERAL:
        return translate_string_literal(a, node);
    case AST_BINARY_LITERAL: {
        value v = value_varchar(node->u.literal.text.ptr, node->u.literal.text.len);
        v.type = type_make(TYPE_VARBINARY);
        return constant_or_fail(a, v, node);
    }
    case AST_TYPED_LITERAL:
        return translate_typed_literal(a, node);
    case AST_INTERVAL_LITERAL:
        return translate_interval_literal(a, node);
    default:
        analyzer_fail(a, node, ERR_NOT_SUPPORTED, "Unsupported literal");
        return NULL;
    }
}

/* ---- names ------------------------------------------------------------------ */

static expr *translate_name(const expr_scope *es, const ast_node *node)
{
    analyzer *a = es->a;
    const char *parts[MAX_NAME_PARTS];
    expr *result = analyzer_translate_lambda_variable(es, node);
    if (result || error_is_set(a->error))
        return result;
    int n = ast_name_parts(node, parts, MAX_NAME_PARTS);
    if (n <= 0 && node->kind == AST_DEREFERENCE)
        return analyzer_translate_field(es, node);
    char *text = ast_name_text(node);
    if (n > 0) {
        int found = scope_resolve(es->fields, parts, n);
        int offset = es->outer_fields ? es->outer_fields->count : 0;
        if (found == -2) {
            analyzer_fail(a, node, ERR_AMBIGUOUS_NAME, "Column '%s' is ambiguous", text);
        } else if (found >= 0) {
            result = expr_column(offset + found, es->fields->fields[found].type);
        } else if (es->outer_fields) {
            found = scope_resolve(es->outer_fields, parts, n);
            if (found == -2)
                analyzer_fail(a, node, ERR_AMBIGUOUS_NAME, "Column '%s' is ambiguous", text);
            else if (found >= 0)
                result = expr_column(found, es->outer_fields->fields[found].type);
        }
    }
    if (!result && !error_is_set(a->error) && node->kind == AST_DEREFERENCE) {
        free(text);
        return analyzer_translate_field(es, node);
    }
    if (!result && !error_is_set(a->error))
        analyzer_fail(a, node, ERR_COLUMN_NOT_FOUND, "Column '%s' cannot be resolved", text ? text : "?");
    free(text);
    return result;
}

/* ---- coercion and calls ---------------------------------------------------- */

expr *coerce_expression(analyzer *a, expr *e, sql_type target, const ast_node *where)
{
    if (!e || type_equal(e->type, target))
        return e;
    if (e->kind == EXPR_CONSTANT && e->constant.is_null) {
        e->type = target;
        e->constant.type = target;
        return e;
    }
    expr *args[1] = {e};
    expr *cast = expr_special(EXPR_CAST, target, 1, args);
    if (!cast) {
        expr_free(e);
        analyzer_fail(a, where, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
    }
    return cast;
}

static void free_all(expr **args, int count)
{
    for (int i = 0; i < count; i++)
        expr_free(args[i]);
}

expr *make_call(analyzer *a, const char *name, int arg_count, expr **args, const ast_node *where)
{
    sql_type types[MAX_CALL_ARGS];
    if (arg_count > MAX_CALL_ARGS) {
        free_all(args, arg_count);
        analyzer_fail(a, where, ERR_TOO_MANY_ARGUMENTS, "Too many arguments for function call %s()", name);
        return NULL;
    }
    for (int i = 0; i < arg_count; i++)
        types[i] = args[i]->type;
    resolved_function resolved;
    shoal_error error;
    error_clear(&error);
    if (!function_resolve(name, arg_count, types, &resolved, &error)) {
        free_all(args, arg_count);
        analyzer_fail(a, where, error.code, "%s", error.message);
        return NULL;
    }
    for (int i = 0; i < arg_count; i++) {
        args[i] = coerce_expression(a, args[i], resolved.arg_types[i], where);
        if (!args[i]) {
            free_all(args, i);
            free_all(args + i + 1, arg_count - i - 1);
            return NULL;
        }
    }
    expr *call = expr_call(resolved.function, resolved.return_type, arg_count, args);
    if (call) {
        call->line = (int)where->pos.line;
        call->position = (int)where->pos.column;
    }
    return call;
}

static expr *make_special(analyzer *a, expr_kind kind, sql_type type, int count, expr **args,
                          const ast_node *where)
{
    expr *e = expr_special(kind, type, count, args);
    if (!e) {
        free_all(args, count);
        analyzer_fail(a, where, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
        return NULL;
    }
    e->line = (int)where->pos.line;
    e->position = (int)where->pos.column;
    return e;
}

/* Coerces every expression to the common super type; false on a mismatch. */
static bool coerce_to_common(analyzer *a, expr **items, int count, const ast_node *where,
                             const char *what, sql_type *common_out)
{
    sql_type common = items[0]->type;
    for (int i = 1; i < count; i++) {
        sql_type next;
        if (!type_common_super_type(common, items[i]->type, &next)) {
            char t1[128], t2[128];
            type_format(common, false, t1, sizeof t1);
            type_format(items[i]->type, false, t2, sizeof t2);
            return analyzer_fail(a, where, ERR_TYPE_MISMATCH, "%s must be the same type or coercible to a common type. Cannot find common type between %s and %s, all types (without duplicates): [%s, %s]", what, t1, t2, t1, t2);
        }
        common = next;
    }
    for (int i = 0; i < count; i++) {
        items[i] = coerce_expression(a, items[i], common, where);
        if (!items[i])
            return false;
    }
    if (common_out)
        *common_out = common;
    return true;
}

/* Translates the children in order into args; false (args freed) on error. */
static bool translate_all(const expr_scope *es, const ast_node *const *nodes, int count, expr **args)
{
    for (int i = 0; i < count; i++) {
        args[i] = translate_expression(es, nodes[i]);
        if (!args[i]) {
            free_all(args, i);
            return false;
        }
    }
    return true;
}

static const char *arith_function(int op)
{
    switch (op) {
    case AST_OP_ADD: return "$add";
    case AST_OP_SUBTRACT: return "$subtract";
    case AST_OP_MULTIPLY: return "$multiply";
    case AST_OP_DIVIDE: return "$divide";
    case AST_OP_MODULUS: return "$modulus";
    case AST_OP_CONCAT: return "concat";
    }
    return "$add";
}

static const char *comparison_function(int op)
{
    switch (op) {
    case AST_CMP_EQ: return "$equal";
    case AST_CMP_NE: return "$not_equal";
    case AST_CMP_LT: return "$less_than";
    case AST_CMP_LE: return "$less_than_or_equal";
    case AST_CMP_GT: return "$greater_than";
    case AST_CMP_GE: return "$greater_than_or_equal";
    }
    return "$equal";
}

static expr *translate_binary_call(const expr_scope *es, const ast_node *node, const char *name)
{
    const ast_node *children[2] = {node->u.binary.left, node->u.binary.right};
    expr *args[2];
    if (!translate_all(es, children, 2, args))
        return NULL;
    return make_call(es->a, name, 2, args, node);
}

expr *translate_boolean(const expr_scope *es, const ast_node *node, const char *clause)
{
    expr *e = translate_expression(es, node);
    if (!e)
        return NULL;
    if (e->type.kind == TYPE_UNKNOWN)
        return coerce_expression(es->a, e, type_make(TYPE_BOOLEAN), node);
    if (e->type.kind != TYPE_BOOLEAN) {
        char t[128];
        type_format(e->type, false, t, sizeof t);
        expr_free(e);
        analyzer_fail(es->a, node, ERR_TYPE_MISMATCH, "%s must evaluate to a boolean: actual type %s", clause, t);
        return NULL;
    }
    return e;
}

static expr *translate_logical(const expr_scope *es, const ast_node *node)
{
    int count = (int)node->u.logical.terms.count;
    expr **args = calloc((size_t)count, sizeof *args);
    if (!args)
        return NULL;
    for (int i = 0; i < count; i++) {
        args[i] = translate_boolean(es, node->u.logical.terms.items[i],
                                    node->u.logical.op == AST_LOGICAL_AND ? "AND" : "OR");
        if (!args[i]) {
            free_all(args, i);
            free(args);
            return NULL;
        }
    }
    expr *e = make_special(es->a, node->u.logical.op == AST_LOGICAL_AND ? EXPR_AND : EXPR_OR,
                           type_make(TYPE_BOOLEAN), count, args, node);
    free(args);
    return e;
}

static expr *negate(analyzer *a, expr *e, const ast_node *where)
{
    if (!e)
        return NULL;
    expr *args[1] = {e};
    return make_special(a, EXPR_NOT, type_make(TYPE_BOOLEAN), 1, args, where);
}

static expr *translate_comparison(const expr_scope *es, const ast_node *node)
{
    if (node->u.binary.op == AST_CMP_IS_DISTINCT_FROM) {
        const ast_node *children[2] = {node->u.binary.left, node->u.binary.right};
        expr *args[2];
        if (!translate_all(es, children, 2, args))
            return NULL;
        if (!coerce_to_common(es->a, args, 2, node, "IS DISTINCT FROM operands", NULL)) {
            free_all(args, 2);
            return NULL;
        }
        return make_special(es->a, EXPR_IS_DISTINCT_FROM, type_make(TYPE_BOOLEAN), 2, args, node);
    }
    return translate_binary_call(es, node, comparison_function(node->u.binary.op));
}

static expr *translate_predicate(const expr_scope *es, const ast_node *node)
{
    analyzer *a = es->a;
    bool negated = node->u.predicate.negated;
    expr *result = NULL;
    if (node->kind == AST_IS_NULL) {
        expr *args[1];
        args[0] = translate_expression(es, node->u.predicate.value);
        if (!args[0])
            return NULL;
        result = make_special(a, EXPR_IS_NULL, type_make(TYPE_BOOLEAN), 1, args, node);
    } else if (node->kind == AST_BETWEEN) {
        const ast_node *children[3] = {node->u.predicate.value, node->u.predicate.a, node->u.predicate.b};
        expr *args[3];
        if (!translate_all(es, children, 3, args))
            return NULL;
        if (!coerce_to_common(a, args, 3, node, "BETWEEN operands", NULL)) {
            free_all(args, 3);
            return NULL;
        }
        result = make_special(a, EXPR_BETWEEN, type_make(TYPE_BOOLEAN), 3, args, node);
    } else if (node->kind == AST_LIKE) {
        int count = node->u.predicate.b ? 3 : 2;
        const ast_node *children[3] = {node->u.predicate.value, node->u.predicate.a, node->u.predicate.b};
        expr *args[3];
        if (!translate_all(es, children, count, args))
            return NULL;
        for (int i = 0; i < count; i++) {
            if (args[i]->type.kind == TYPE_UNKNOWN) {
                args[i] = coerce_expression(a, args[i], type_varchar(VARCHAR_UNBOUNDED), node);
            } else if (!type_is_string(args[i]->type)) {
                char t[64];
                type_format(args[i]->type, false, t, sizeof t);
                free_all(args, count);
                analyzer_fail(a, node, ERR_TYPE_MISMATCH, "Left side of LIKE expression must evaluate to a varchar (actual: %s)", t);
                return NULL;
            }
        }
        result = make_special(a, EXPR_LIKE, type_make(TYPE_BOOLEAN), count, args, node);
    }
    return negated ? negate(a, result, node) : result;
}

static expr *translate_in_list(const expr_scope *es, const ast_node *node)
{
    int count = 1 + (int)node->u.in_list.items.count;
    expr **args = calloc((size_t)count, sizeof *args);
    if (!args)
        return NULL;
    args[0] = translate_expression(es, node->u.in_list.value);
    bool ok = args[0] && translate_all(es, (const ast_node *const *)node->u.in_list.items.items,
                                        count - 1, args + 1);
    if (!ok) {
        expr_free(args[0]);
        free(args);
        return NULL;
    }
    if (!coerce_to_common(es->a, args, count, node, "IN value and list items", NULL)) {
        free_all(args, count);
        free(args);
        return NULL;
    }
    expr *e = make_special(es->a, EXPR_IN, type_make(TYPE_BOOLEAN), count, args, node);
    free(args);
    return node->u.in_list.negated ? negate(es->a, e, node) : e;
}

static expr *translate_case(const expr_scope *es, const ast_node *node)
{
    analyzer *a = es->a;
    int whens = (int)node->u.case_expr.whens.count;
    bool has_else = node->u.case_expr.else_value != NULL;
    int count = whens * 2 + (has_else ? 1 : 0);
    expr **args = calloc((size_t)count + 1, sizeof *args);
    expr *operand = NULL;
    if (!args)
        return NULL;
    if (node->u.case_expr.operand) {
        operand = translate_expression(es, node->u.case_expr.operand);
        if (!operand)
            goto fail;
    }
    for (int i = 0; i < whens; i++) {
        const ast_node *when = node->u.case_expr.whens.items[i];
        if (operand) {
            expr *pair[2];
            pair[0] = expr_copy(operand);
            pair[1] = translate_expression(es, when->u.binary.left);
            if (!pair[1]) {
                expr_free(pair[0]);
                goto fail;
            }
            args[2 * i] = make_call(a, "$equal", 2, pair, when);
        } else {
            args[2 * i] = translate_boolean(es, when->u.binary.left, "WHEN clause");
        }
        if (!args[2 * i])
            goto fail;
        args[2 * i + 1] = translate_expression(es, when->u.binary.right);
        if (!args[2 * i + 1])
            goto fail;
    }
    if (has_else) {
        args[count - 1] = translate_expression(es, node->u.case_expr.else_value);
        if (!args[count - 1])
            goto fail;
    }
    /* results share one type */
    expr *results[64];
    int result_count = 0;
    for (int i = 0; i < whens && result_count < 63; i++)
        results[result_count++] = args[2 * i + 1];
    if (has_else)
        results[result_count++] = args[count - 1];
    sql_type common;
    if (!coerce_to_common(a, results, result_count, node, "All CASE results", &common))
        goto fail;
    for (int i = 0; i < whens; i++)
        args[2 * i + 1] = results[i];
    if (has_else)
        args[count - 1] = results[result_count - 1];
    expr_free(operand);
    expr *e = make_special(a, EXPR_CASE, common, count, args, node);
    free(args);
    return e;
fail:
    expr_free(operand);
    for (int i = 0; i < count; i++)
        expr_free(args[i]);
    free(args);
    return NULL;
}

/* Types print back to text as Trino spells them, which the spi's type
 * parser reads. */
static bool type_text(const ast_node *node, char *text, size_t size)
{
    if (node->kind == AST_GENERIC_TYPE) {
        int n = snprintf(text, size, "%s", node->u.generic_type.name->u.identifier.value.ptr);
        if (node->u.generic_type.params.count > 0) {
            n += snprintf(text + n, size - (size_t)n, "(");
            for (uint32_t i = 0; i < node->u.generic_type.params.count && (size_t)n < size; i++) {
                const ast_node *p = node->u.generic_type.params.items[i];
                if (i)
                    n += snprintf(text + n, size - (size_t)n, ",");
                if (p->kind == AST_LONG_LITERAL) {
                    n += snprintf(text + n, size - (size_t)n, "%lld", (long long)p->u.literal.int_value);
                } else {
                    char inner[256];
                    if (!type_text(p, inner, sizeof inner))
                        return false;
                    n += snprintf(text + n, size - (size_t)n, "%s", inner);
                }
            }
            if ((size_t)n < size)
                snprintf(text + n, size - (size_t)n, ")");
        }
        return (size_t)n < size;
    }
    if (node->kind == AST_ROW_TYPE) {
        size_t n = (size_t)snprintf(text, size, "row(");
        for (uint32_t i = 0; i < node->u.list.items.count && n < size; i++) {
            const ast_node *field = node->u.list.items.items[i];
            char inner[256];
            if (!type_text(field->u.binary.right, inner, sizeof inner))
                return false;
            if (field->u.binary.left)
                n += (size_t)snprintf(text + n, size - n, "%s%s %s", i ? ", " : "",
                                      field->u.binary.left->u.identifier.value.ptr, inner);
            else
                n += (size_t)snprintf(text + n, size - n, "%s%s", i ? ", " : "", inner);
        }
        if (n < size)
            n += (size_t)snprintf(text + n, size - n, ")");
        return n < size;
    }
    if (node->kind == AST_DATETIME_TYPE) {
        int precision = node->u.datetime_type.precision ? (int)node->u.datetime_type.precision->u.literal.int_value : 3;
        snprintf(text, size, "%s(%d)%s", node->u.datetime_type.timestamp ? "timestamp" : "time",
                 precision, node->u.datetime_type.with_time_zone ? " with time zone" : "");
        return true;
    }
    if (node->kind == AST_INTERVAL_TYPE) {
        snprintf(text, size, "%s", node->u.interval.start <= AST_FIELD_MONTH ? "interval year to month"
                                                                             : "interval day to second");
        return true;
    }
    if (node->kind == AST_IDENTIFIER) {
        snprintf(text, size, "%s", node->u.identifier.value.ptr);
        return true;
    }
    return false;
}

bool sql_type_from_ast(const ast_node *node, sql_type *out)
{
    char text[512];
    return type_text(node, text, sizeof text) && type_parse(text, out);
}

static bool ast_type_to_sql(analyzer *a, const ast_node *node, sql_type *out)
{
    if (sql_type_from_ast(node, out))
        return true;
    char text[512] = "";
    type_text(node, text, sizeof text);
    return analyzer_fail(a, node, ERR_TYPE_NOT_FOUND, "Unknown type: %s", text);
}

static expr *translate_cast(const expr_scope *es, const ast_node *node)
{
    sql_type target;
    if (!ast_type_to_sql(es->a, node->u.cast.type, &target))
        return NULL;
    expr *args[1];
    args[0] = translate_expression(es, node->u.cast.value);
    if (!args[0])
        return NULL;
    if (type_equal(args[0]->type, target) && !node->u.cast.safe)
        return args[0];
    return make_special(es->a, node->u.cast.safe ? EXPR_TRY_CAST : EXPR_CAST, target, 1, args, node);
}

static const char *extract_function(const char *field)
{
    static const char *const fields[][2] = {
        {"millisecond", "millisecond"},
        {"year", "year"}, {"quarter", "quarter"}, {"month", "month"}, {"week", "week"},
        {"day", "day"}, {"day_of_month", "day"}, {"day_of_week", "day_of_week"}, {"dow", "day_of_week"},
        {"day_of_year", "day_of_year"}, {"doy", "day_of_year"}, {"year_of_week", "year_of_week"},
        {"yow", "year_of_week"}, {"hour", "hour"}, {"minute", "minute"}, {"second", "second"},
        {"timezone_hour", "timezone_hour"}, {"timezone_minute", "timezone_minute"},
    };
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        if (strcmp(fields[i][0], field) == 0)
            return fields[i][1];
    return NULL;
}

static expr *translate_extract(const expr_scope *es, const ast_node *node)
{
    const char *field = node->u.binary.left->u.identifier.value.ptr;
    const char *function = extract_function(field);
    if (!function) {
        analyzer_fail(es->a, node, ERR_INVALID_FUNCTION_ARGUMENT, "Invalid EXTRACT field: %s", field);
        return NULL;
    }
    expr *args[1];
    args[0] = translate_expression(es, node->u.binary.right);
    if (!args[0])
        return NULL;
    return make_call(es->a, function, 1, args, node);
}

/* x AT TIME ZONE zone: a timestamp without a zone is first read in the
 * session's zone (UTC), then shown in `zone`, as Trino does. */
static expr *translate_at_time_zone(const expr_scope *es, const ast_node *node)
{
    expr *args[2];
    args[0] = translate_expression(es, node->u.binary.left);
    if (!args[0])
        return NULL;
    args[1] = translate_expression(es, node->u.binary.right);
    if (!args[1]) {
        expr_free(args[0]);
        return NULL;
    }
    if (args[0]->type.kind == TYPE_TIMESTAMP)
        args[0] = coerce_expression(es->a, args[0], type_timestamp_tz(args[0]->type.precision), node);
    return make_call(es->a, "at_timezone", 2, args, node);
}

static expr *translate_function_call(const expr_scope *es, const ast_node *node)
{
    analyzer *a = es->a;
    char *name = ast_name_text(node->u.call.name);
    if (!name)
        return NULL;
    const function_entry *aggregate = function_find(name, FUNCTION_AGGREGATE);
    if (aggregate) {
        analyzer_fail(a, node, ERR_EXPRESSION_NOT_AGGREGATE,
                      "Aggregate function '%s' is not allowed here", name);
        free(name);
        return NULL;
    }
    if (analyzer_call_has_lambda(node)) {
        expr *e = analyzer_translate_lambda_call(es, node, name);
        free(name);
        return e;
    }
    int count = (int)node->u.call.args.count;
    expr *args[MAX_CALL_ARGS];
    if (count > MAX_CALL_ARGS) {
        analyzer_fail(a, node, ERR_TOO_MANY_ARGUMENTS, "Too many arguments for function call %s()", name);
        free(name);
        return NULL;
    }
    expr *result = NULL;
    if (translate_all(es, (const ast_node *const *)node->u.call.args.items, count, args)) {
        if (strcmp(name, "coalesce") == 0 && count > 0) {
            sql_type common;
            if (coerce_to_common(a, args, count, node, "All COALESCE operands", &common))
                result = make_special(a, EXPR_COALESCE, common, count, args, node);
            else
                free_all(args, count);
        } else if (strcmp(name, "if") == 0 && (count == 2 || count == 3)) {
            args[0] = coerce_expression(a, args[0], type_make(TYPE_BOOLEAN), node);
            if (count == 2)
                args[count++] = expr_constant(value_null(args[1]->type));
            sql_type common;
            if (coerce_to_common(a, args + 1, 2, node, "IF branches", &common))
                result = make_special(a, EXPR_IF, common, 3, args, node);
            else
                free_all(args, count);
        } else if (strcmp(name, "nullif") == 0 && count == 2) {
            result = make_special(a, EXPR_NULLIF, args[0]->type, 2, args, node);
        } else if (strcmp(name, "try") == 0 && count == 1) {
            result = make_special(a, EXPR_TRY, args[0]->type, 1, args, node);
        } else {
            result = make_call(a, name, count, args, node);
        }
    }
    free(name);
    return result;
}

static expr *translate_current(const expr_scope *es, const ast_node *node)
{
    time_t now = time(NULL);
    switch (node->u.current.what) {
    case AST_CURRENT_DATE:
        return constant_or_fail(es->a, value_date((int32_t)(now / 86400)), node);
    case AST_CURRENT_USER: {
        const char *user = es->a->context->user ? es->a->context->user : "";
        return constant_or_fail(es->a, value_varchar(user, (uint32_t)strlen(user)), node);
    }
    case AST_CURRENT_CATALOG:
    case AST_CURRENT_SCHEMA: {
        const char *name = node->u.current.what == AST_CURRENT_CATALOG ? es->a->context->catalog
                                                                        : es->a->context->schema;
        if (!name)
            return constant_or_fail(es->a, value_null(type_varchar(VARCHAR_UNBOUNDED)), node);
        return constant_or_fail(es->a, value_varchar(name, (uint32_t)strlen(name)), node);
    }
    default: {
        value v = value_bigint((int64_t)now * 1000000);
        v.type = type_timestamp(node->u.current.precision >= 0 ? node->u.current.precision : 3);
        return constant_or_fail(es->a, v, node);
    }
    }
}

static expr *translate_row_or_array(const expr_scope *es, const ast_node *node)
{
    int count = (int)node->u.list.items.count;
    if (count > MAX_CALL_ARGS * 4) {
        analyzer_fail(es->a, node, ERR_NOT_SUPPORTED, "Too many elements");
        return NULL;
    }
    expr *args[MAX_CALL_ARGS * 4];
    if (!translate_all(es, (const ast_node *const *)node->u.list.items.items, count, args))
        return NULL;
    if (node->kind == AST_ARRAY_CONSTRUCTOR) {
        sql_type element = type_make(TYPE_UNKNOWN);
        if (count > 0 && !coerce_to_common(es->a, args, count, node, "All ARRAY elements", &element)) {
            free_all(args, count);
            return NULL;
        }
        return make_special(es->a, EXPR_ARRAY, type_array(element), count, args, node);
    }
    sql_type types[MAX_CALL_ARGS * 4];
    for (int i = 0; i < count; i++)
        types[i] = args[i]->type;
    return make_special(es->a, EXPR_ROW, type_row(count, types, NULL), count, args, node);
}

static const subquery_result *find_subquery(const expr_scope *es, const ast_node *node)
{
    for (int i = 0; i < es->subquery_count; i++)
        if (es->subqueries[i].node == node)
            return &es->subqueries[i];
    return NULL;
}

bool is_subquery_node(const ast_node *node)
{
    return node->kind == AST_SUBQUERY_EXPRESSION || node->kind == AST_EXISTS ||
           node->kind == AST_IN_SUBQUERY || node->kind == AST_QUANTIFIED_COMPARISON;
}

static expr *translate_subquery_reference(const expr_scope *es, const ast_node *node)
{
    const subquery_result *r = find_subquery(es, node);
    if (!r) {
        analyzer_fail(es->a, node, ERR_NOT_SUPPORTED, "Subqueries are not supported in this context");
        return NULL;
    }
    int offset = es->outer_fields ? es->outer_fields->count : 0;
    expr *result = expr_column(offset + r->channel, es->fields->fields[r->channel].type);
    if (node->kind == AST_IN_SUBQUERY && node->u.predicate.negated)
        result = negate(es->a, result, node);
    return result;
}

expr *translate_node(const expr_scope *es, const ast_node *node)
{
    analyzer *a = es->a;
    if (is_subquery_node(node))
        return translate_subquery_reference(es, node);
    switch (node->kind) {
    case AST_NULL_LITERAL: case AST_BOOLEAN_LITERAL: case AST_LONG_LITERAL:
    case AST_DECIMAL_LITERAL: case AST_DOUBLE_LITERAL: case AST_STRING_LITERAL:
    case AST_BINARY_LITERAL: case AST_TYPED_LITERAL: case AST_INTERVAL_LITERAL:
        return translate_literal(a, node);
    case AST_IDENTIFIER:
    case AST_QUALIFIED_NAME:
    case AST_DEREFERENCE:
        return translate_name(es, node);
    case AST_ARITHMETIC_UNARY: {
        expr *args[1];
        args[0] = translate_expression(es, node->u.unary.operand);
        if (args[0] && node->u.unary.op == AST_OP_MINUS)
            return make_call(a, "$negate", 1, args, node);
        return args[0];
    }
    case AST_ARITHMETIC_BINARY:
        return translate_binary_call(es, node, arith_function(node->u.binary.op));
    case AST_COMPARISON:
        return translate_comparison(es, node);
    case AST_LOGICAL:
        return translate_logical(es, node);
    case AST_NOT:
        return negate(a, translate_boolean(es, node->u.unary.operand, "NOT"), node);
    case AST_IS_NULL:
    case AST_BETWEEN:
    case AST_LIKE:
        return translate_predicate(es, node);
    case AST_IN_LIST:
        return translate_in_list(es, node);
    case AST_CASE:
        return translate_case(es, node);
    case AST_CAST:
        return translate_cast(es, node);
    case AST_EXTRACT:
        return translate_extract(es, node);
    case AST_AT_TIME_ZONE:
        return translate_at_time_zone(es, node);
    case AST_FUNCTION_CALL:
        return translate_function_call(es, node);
    case AST_CURRENT:
        return translate_current(es, node);
    case AST_ARRAY_CONSTRUCTOR:
    case AST_ROW_CONSTRUCTOR:
        return translate_row_or_array(es, node);
    case AST_PARAMETER:   /* EXECUTE ... USING values: sql/analyzer_parameters.c */
        return analyzer_translate_parameter(es, node);
    case AST_SUBSCRIPT:
        return analyzer_translate_subscript(es, node);
    default:
        analyzer_fail(a, node, ERR_NOT_SUPPORTED, "Unsupported expression: %s", ast_kind_name(node->kind));
        return NULL;
    }
}

expr *translate_expression(const expr_scope *es, const ast_node *node)
{
    analyzer *a = es->a;
    if (error_is_set(a->error))
        return NULL;
    if (++a->depth > 500) {
        a->depth--;
        analyzer_fail(a, node, ERR_STACK_OVERFLOW, "Expression is too deeply nested");
        return NULL;
    }
    expr *result;
    if (node->kind == AST_FUNCTION_CALL && node->u.call.window) {
        /* window calls were planned as WINDOW nodes before the select list */
        const subquery_result *r = find_subquery(es, node);
        int offset = es->outer_fields ? es->outer_fields->count : 0;
        result = r ? expr_column(offset + r->channel, es->fields->fields[r->channel].type) : NULL;
        if (!r)
            analyzer_fail(a, node, ERR_NOT_SUPPORTED, "Window functions are not allowed here");
    } else {
        result = es->aggregation ? translate_aggregated(es, node) : translate_node(es, node);
    }
    a->depth--;
    return result;
}

/* ---- aggregate detection -------------------------------------------------- */

bool ast_is_aggregate_call(const ast_node *node)
{
    if (node->kind != AST_FUNCTION_CALL || node->u.call.window)
        return false;
    char *name = ast_name_text(node->u.call.name);
    bool aggregate = name && function_find(name, FUNCTION_AGGREGATE) != NULL;
    free(name);
    return aggregate;
}

static bool find_aggregate(const ast_node *node, int depth, void *context)
{
    (void)depth;
    bool *found = context;
    if (*found || is_subquery_node(node))
        return false;
    if (ast_is_aggregate_call(node)) {
        *found = true;
        return false;
    }
    return true;
}

bool ast_contains_aggregate(const ast_node *node)
{
    bool found = false;
    if (node)
        ast_walk(node, find_aggregate, &found);
    return found;
}
