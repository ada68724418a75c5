/*
 * expression.c — building, copying, comparing and printing the expression IR
 * (see expression.h). A node and its constant's string bytes share one heap
 * block, so expr_free is one free per node.
 */
#include "expression.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "connectors/spi/date_util.h"
#include "connectors/spi/decimal.h"
#include "connectors/spi/function.h"

static expr *expr_alloc(expr_kind kind, sql_type type, size_t extra)
{
    expr *e = calloc(1, sizeof *e + extra);
    if (!e)
        return NULL;
    e->kind = kind;
    e->type = type;
    e->constant.is_null = true;
    e->constant.type = type;
    return e;
}

static bool expr_set_args(expr *e, int arg_count, expr **args)
{
    e->arg_count = arg_count;
    if (arg_count == 0)
        return true;
    e->args = malloc(sizeof *e->args * (size_t)arg_count);
    if (!e->args)
        return false;
    memcpy(e->args, args, sizeof *e->args * (size_t)arg_count);
    return true;
}

expr *expr_column(int column, sql_type type)
{
    expr *e = expr_alloc(EXPR_COLUMN, type, 0);
    if (e)
        e->column = column;
    return e;
}

expr *expr_constant(value v)
{
    bool has_string = !v.is_null && type_physical(v.type) == PHYSICAL_STRING &&
                      v.u.string.length > STRING_INLINE_MAX;
    size_t extra = has_string ? v.u.string.length : 0;
    expr *e = expr_alloc(EXPR_CONSTANT, v.type, extra);
    if (!e)
        return NULL;
    e->constant = v;
    if (has_string) {
        char *bytes = (char *)(e + 1);
        memcpy(bytes, string_view_data(&v.u.string), v.u.string.length);
        e->constant.u.string = string_view_make(bytes, v.u.string.length);
    }
    return e;
}

expr *expr_call(const function_entry *function, sql_type type, int arg_count, expr **args)
{
    expr *e = expr_alloc(EXPR_CALL, type, 0);
    if (!e)
        return NULL;
    e->function = function;
    if (!expr_set_args(e, arg_count, args)) {
        free(e);
        return NULL;
    }
    return e;
}

expr *expr_special(expr_kind kind, sql_type type, int arg_count, expr **args)
{
    expr *e = expr_alloc(kind, type, 0);
    if (!e)
        return NULL;
    if (!expr_set_args(e, arg_count, args)) {
        free(e);
        return NULL;
    }
    return e;
}

expr *expr_copy(const expr *e)
{
    if (!e)
        return NULL;
    expr *c = e->kind == EXPR_CONSTANT ? expr_constant(e->constant) : expr_alloc(e->kind, e->type, 0);
    if (!c)
        return NULL;
    value constant = c->constant;
    *c = *e;
    c->constant = e->kind == EXPR_CONSTANT ? constant : e->constant;
    c->args = NULL;
    c->arg_count = 0;
    if (e->arg_count > 0) {
        c->args = calloc((size_t)e->arg_count, sizeof *c->args);
        if (!c->args) {
            free(c);
            return NULL;
        }
        c->arg_count = e->arg_count;
        for (int i = 0; i < e->arg_count; i++) {
            c->args[i] = expr_copy(e->args[i]);
            if (!c->args[i] && e->args[i]) {
                expr_free(c);
                return NULL;
            }
        }
    }
    return c;
}

void expr_free(expr *e)
{
    if (!e)
        return;
    for (int i = 0; i < e->arg_count; i++)
        expr_free(e->args[i]);
    free(e->args);
    free(e);
}

static bool values_equal(const value *a, const value *b)
{
    if (!type_equal(a->type, b->type) || a->is_null != b->is_null)
        return false;
    if (a->is_null)
        return true;
    switch (type_physical(a->type)) {
    case PHYSICAL_BOOL: return a->u.boolean == b->u.boolean;
    case PHYSICAL_INT8:
    case PHYSICAL_INT16:
    case PHYSICAL_INT32:
    case PHYSICAL_INT64: return a->u.i64 == b->u.i64;
    case PHYSICAL_INT128: return a->u.i128 == b->u.i128;
    case PHYSICAL_FLOAT: return memcmp(&a->u.f32, &b->u.f32, sizeof(float)) == 0;
    case PHYSICAL_DOUBLE: return memcmp(&a->u.f64, &b->u.f64, sizeof(double)) == 0;
    case PHYSICAL_STRING: return string_view_equal(&a->u.string, &b->u.string);
    case PHYSICAL_TIMESTAMP_TZ:
        return a->u.tstz.micros_utc == b->u.tstz.micros_utc && a->u.tstz.zone_key == b->u.tstz.zone_key;
    case PHYSICAL_LIST:
    case PHYSICAL_STRUCT: return false;
    }
    return false;
}

bool expr_equal(const expr *a, const expr *b)
{
    if (a == b)
        return true;
    if (!a || !b)
        return false;
    if (a->kind != b->kind || !type_equal(a->type, b->type) || a->arg_count != b->arg_count)
        return false;
    switch (a->kind) {
    case EXPR_COLUMN:
    case EXPR_LAMBDA_VARIABLE:
        if (a->column != b->column)
            return false;
        break;
    case EXPR_CONSTANT:
        if (!values_equal(&a->constant, &b->constant))
            return false;
        break;
    case EXPR_CALL:
        if (a->function != b->function)
            return false;
        break;
    case EXPR_DEREFERENCE:
        if (a->field_index != b->field_index)
            return false;
        break;
    case EXPR_LAMBDA:
        if (a->lambda_parameter_count != b->lambda_parameter_count)
            return false;
        break;
    default:
        break;
    }
    for (int i = 0; i < a->arg_count; i++)
        if (!expr_equal(a->args[i], b->args[i]))
            return false;
    return true;
}

bool expr_is_constant(const expr *e)
{
    if (e->kind == EXPR_COLUMN || e->kind == EXPR_LAMBDA_VARIABLE || e->kind == EXPR_LAMBDA)
        return false;
    if (e->kind == EXPR_CALL && (!e->function || !e->function->deterministic))
        return false;
    for (int i = 0; i < e->arg_count; i++)
        if (!expr_is_constant(e->args[i]))
            return false;
    return true;
}

/* ---- printing ---------------------------------------------------------- */

typedef struct printer {
    char *out;
    int size;
    int length;
} printer;

static void emit(printer *p, const char *format, ...) __attribute__((format(printf, 2, 3)));

static void emit(printer *p, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    int room = p->length < p->size ? p->size - p->length : 0;
    int n = vsnprintf(room > 0 ? p->out + p->length : NULL, (size_t)room, format, args);
    va_end(args);
    if (n > 0)
        p->length += n;
}

static void emit_constant(printer *p, const value *v)
{
    if (v->is_null) {
        emit(p, "NULL");
        return;
    }
    char text[64];
    switch (v->type.kind) {
    case TYPE_BOOLEAN: emit(p, v->u.boolean ? "true" : "false"); return;
    case TYPE_TINYINT:
    case TYPE_SMALLINT:
    case TYPE_INTEGER:
    case TYPE_BIGINT: emit(p, "%lld", (long long)v->u.i64); return;
    case TYPE_REAL: emit(p, "REAL '%g'", (double)v->u.f32); return;
    case TYPE_DOUBLE: emit(p, "%.17g", v->u.f64); return;
    case TYPE_DECIMAL:
        decimal_format(v->type.precision <= DECIMAL_MAX_SHORT_PRECISION ? v->u.i64 : v->u.i128,
                       v->type.scale, text, sizeof text);
        emit(p, "%s", text);
        return;
    case TYPE_VARCHAR:
    case TYPE_CHAR: {
        const char *data = string_view_data(&v->u.string);
        emit(p, "'");
        for (uint32_t i = 0; i < v->u.string.length; i++)
            emit(p, data[i] == '\'' ? "''" : "%c", data[i]);
        emit(p, "'");
        return;
    }
    case TYPE_DATE:
        date_format((int32_t)v->u.i64, text, sizeof text);
        emit(p, "DATE '%s'", text);
        return;
    case TYPE_INTERVAL_DAY_TIME: emit(p, "INTERVAL '%lld' MILLISECOND", (long long)v->u.i64); return;
    case TYPE_INTERVAL_YEAR_MONTH: emit(p, "INTERVAL '%lld' MONTH", (long long)v->u.i64); return;
    default: {
        char type_name[128];
        type_format(v->type, false, type_name, sizeof type_name);
        emit(p, "<%s constant>", type_name);
        return;
    }
    }
}

static const char *operator_symbol(const char *name)
{
    static const char *const table[][2] = {
        {"$add", "+"},        {"$subtract", "-"},         {"$multiply", "*"},
        {"$divide", "/"},     {"$modulus", "%"},          {"$equal", "="},
        {"$not_equal", "<>"}, {"$less_than", "<"},        {"$less_than_or_equal", "<="},
        {"$greater_than", ">"}, {"$greater_than_or_equal", ">="},
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (strcmp(table[i][0], name) == 0)
            return table[i][1];
    return NULL;
}

static void emit_expr(printer *p, const expr *e);

static void emit_list(printer *p, const expr *e, int from, const char *separator)
{
    for (int i = from; i < e->arg_count; i++) {
        if (i > from)
            emit(p, "%s", separator);
        emit_expr(p, e->args[i]);
    }
}

static void emit_named(printer *p, const char *name, const expr *e)
{
    emit(p, "%s(", name);
    emit_list(p, e, 0, ", ");
    emit(p, ")");
}

static void emit_cast(printer *p, const char *name, const expr *e)
{
    char type_name[TYPE_NAME_MAX];
    type_format(e->type, false, type_name, sizeof type_name);
    emit(p, "%s(", name);
    if (e->arg_count > 0)
        emit_expr(p, e->args[0]);
    emit(p, " AS %s)", type_name);
}

static void emit_expr(printer *p, const expr *e)
{
    if (!e) {
        emit(p, "?");
        return;
    }
    switch (e->kind) {
    case EXPR_COLUMN: emit(p, "#%d", e->column); return;
    case EXPR_LAMBDA_VARIABLE: emit(p, "$%d", e->column); return;
    case EXPR_CONSTANT: emit_constant(p, &e->constant); return;
    case EXPR_CALL: {
        const char *name = e->function ? e->function->name : "?";
        const char *symbol = operator_symbol(name);
        if (symbol && e->arg_count == 2) {
            emit(p, "(");
            emit_expr(p, e->args[0]);
            emit(p, " %s ", symbol);
            emit_expr(p, e->args[1]);
            emit(p, ")");
        } else if (strcmp(name, "$negate") == 0 && e->arg_count == 1) {
            emit(p, "(-");
            emit_expr(p, e->args[0]);
            emit(p, ")");
        } else {
            emit_named(p, name, e);
        }
        return;
    }
    case EXPR_CAST: emit_cast(p, "CAST", e); return;
    case EXPR_TRY_CAST: emit_cast(p, "TRY_CAST", e); return;
    case EXPR_TRY: emit_named(p, "TRY", e); return;
    case EXPR_AND:
    case EXPR_OR:
        emit(p, "(");
        emit_list(p, e, 0, e->kind == EXPR_AND ? " AND " : " OR ");
        emit(p, ")");
        return;
    case EXPR_NOT:
        emit(p, "(NOT ");
        emit_list(p, e, 0, "");
        emit(p, ")");
        return;
    case EXPR_IS_NULL:
        emit(p, "(");
        emit_list(p, e, 0, "");
        emit(p, " IS NULL)");
        return;
    case EXPR_IF: emit_named(p, "IF", e); return;
    case EXPR_CASE:
        emit(p, "CASE");
        for (int i = 0; i + 1 < e->arg_count; i += 2) {
            emit(p, " WHEN ");
            emit_expr(p, e->args[i]);
            emit(p, " THEN ");
            emit_expr(p, e->args[i + 1]);
        }
        if (e->arg_count % 2 == 1) {
            emit(p, " ELSE ");
            emit_expr(p, e->args[e->arg_count - 1]);
        }
        emit(p, " END");
        return;
    case EXPR_COALESCE: emit_named(p, "COALESCE", e); return;
    case EXPR_NULLIF: emit_named(p, "NULLIF", e); return;
    case EXPR_IN:
        emit(p, "(");
        if (e->arg_count > 0)
            emit_expr(p, e->args[0]);
        emit(p, " IN (");
        emit_list(p, e, 1, ", ");
        emit(p, "))");
        return;
    case EXPR_BETWEEN:
        emit(p, "(");
        emit_expr(p, e->arg_count > 0 ? e->args[0] : NULL);
        emit(p, " BETWEEN ");
        emit_expr(p, e->arg_count > 1 ? e->args[1] : NULL);
        emit(p, " AND ");
        emit_expr(p, e->arg_count > 2 ? e->args[2] : NULL);
        emit(p, ")");
        return;
    case EXPR_IS_DISTINCT_FROM:
        emit(p, "(");
        emit_list(p, e, 0, " IS DISTINCT FROM ");
        emit(p, ")");
        return;
    case EXPR_LIKE:
        emit(p, "(");
        emit_expr(p, e->arg_count > 0 ? e->args[0] : NULL);
        emit(p, " LIKE ");
        emit_expr(p, e->arg_count > 1 ? e->args[1] : NULL);
        if (e->arg_count > 2) {
            emit(p, " ESCAPE ");
            emit_expr(p, e->args[2]);
        }
        emit(p, ")");
        return;
    case EXPR_ROW: emit_named(p, "ROW", e); return;
    case EXPR_ARRAY:
        emit(p, "ARRAY[");
        emit_list(p, e, 0, ", ");
        emit(p, "]");
        return;
    case EXPR_DEREFERENCE:
        emit_expr(p, e->arg_count > 0 ? e->args[0] : NULL);
        emit(p, ".field%d", e->field_index);
        return;
    case EXPR_SUBSCRIPT:
        emit_expr(p, e->arg_count > 0 ? e->args[0] : NULL);
        emit(p, "[");
        emit_expr(p, e->arg_count > 1 ? e->args[1] : NULL);
        emit(p, "]");
        return;
    case EXPR_LAMBDA:
        emit(p, "(");
        for (int i = 0; i < e->lambda_parameter_count; i++)
            emit(p, i ? ", $%d" : "$%d", i);
        emit(p, ") -> ");
        emit_expr(p, e->arg_count > 0 ? e->args[0] : NULL);
        return;
    }
}

int expr_format(const expr *e, char *out, int size)
{
    printer p = {out, size, 0};
    if (size > 0)
        out[0] = '\0';
    emit_expr(&p, e);
    return p.length;
}
