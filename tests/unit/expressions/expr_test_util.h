/*
 * expr_test_util.h — small builders for expression tests: typed columns in
 * a page, calls resolved through the registry, and evaluating to values.
 */
#ifndef SHOAL_TESTS_EXPR_TEST_UTIL_H
#define SHOAL_TESTS_EXPR_TEST_UTIL_H

#include <stdarg.h>
#include <string.h>

#include "connectors/spi/decimal.h"
#include "connectors/spi/expression.h"
#include "connectors/spi/function.h"
#include "connectors/spi/page.h"
#include "operators/expression_program.h"

static inline sql_type ty(const char *name)
{
    sql_type t;
    type_parse(name, &t);
    return t;
}

static inline expr *call(const char *name, int n, ...)
{
    expr *args[8];
    sql_type types[8];
    va_list ap;
    va_start(ap, n);
    for (int i = 0; i < n; i++) {
        args[i] = va_arg(ap, expr *);
        types[i] = args[i]->type;
    }
    va_end(ap);
    resolved_function r;
    shoal_error e;
    if (!function_resolve(name, n, types, &r, &e))
        return NULL;
    return expr_call(r.function, r.return_type, n, args);
}

static inline expr *special(expr_kind kind, sql_type type, int n, ...)
{
    expr *args[16];
    va_list ap;
    va_start(ap, n);
    for (int i = 0; i < n; i++)
        args[i] = va_arg(ap, expr *);
    va_end(ap);
    return expr_special(kind, type, n, args);
}

static inline expr *cast_to(expr *e, const char *type)
{
    return special(EXPR_CAST, ty(type), 1, e);
}

static inline expr *big(int64_t v) { return expr_constant(value_bigint(v)); }
static inline expr *num(int32_t v) { return expr_constant(value_integer(v)); }
static inline expr *dbl(double v) { return expr_constant(value_double(v)); }
static inline expr *str(const char *s) { return expr_constant(value_varchar(s, (uint32_t)strlen(s))); }
static inline expr *boolean(bool b) { return expr_constant(value_boolean(b)); }
static inline expr *null_of(const char *type) { return expr_constant(value_null(ty(type))); }
static inline expr *dec(const char *text)
{
    __int128 v;
    int p, s;
    decimal_parse_literal(text, strlen(text), &v, &p, &s);
    return expr_constant(value_decimal(p, s, v));
}
static inline expr *col(int c, const char *type) { return expr_column(c, ty(type)); }

/* Formats row r of a vector as text for comparisons ("NULL" for null). */
static inline void cell_text(const vector *v, uint32_t r, char *out, size_t size)
{
    value x = value_load(v, r);
    if (x.is_null) {
        snprintf(out, size, "NULL");
        return;
    }
    switch (v->type.kind) {
    case TYPE_BOOLEAN: snprintf(out, size, "%s", x.u.boolean ? "true" : "false"); break;
    case TYPE_REAL: snprintf(out, size, "%g", (double)x.u.f32); break;
    case TYPE_DOUBLE: snprintf(out, size, "%.17g", x.u.f64); break;
    case TYPE_DECIMAL:
        decimal_format(v->type.precision > 18 ? x.u.i128 : x.u.i64, v->type.scale, out, size);
        break;
    case TYPE_VARCHAR:
    case TYPE_CHAR: snprintf(out, size, "%.*s", (int)x.u.string.length, string_view_data(&x.u.string)); break;
    case TYPE_UNKNOWN: snprintf(out, size, "NULL"); break;
    default: snprintf(out, size, "%lld", (long long)x.u.i64); break;
    }
}

#endif
