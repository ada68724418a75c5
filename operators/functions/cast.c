/*
 * cast.c — CAST and TRY_CAST between boolean, the integers, real, double,
 * decimal, varchar/char, date and timestamp, with Trino's text forms and
 * error messages ("Cannot cast 'abc' to INT", "Out of range for integer:
 * 3000000000", "Cannot cast DECIMAL(10, 2) '123.45' to DECIMAL(3, 1)").
 * In TRY_CAST mode a failing row becomes NULL instead.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "connectors/spi/date_util.h"
#include "connectors/spi/decimal.h"
#include "operators/expr_internal.h"

typedef __int128 i128;

void type_upper_name(sql_type t, char *out, size_t size)
{
    if (t.kind == TYPE_INTEGER) {
        snprintf(out, size, "INTEGER");
        return;
    }
    if (t.kind == TYPE_DECIMAL) {
        snprintf(out, size, "DECIMAL(%d, %d)", t.precision, t.scale);
        return;
    }
    type_format(t, false, out, size);
    for (char *p = out; *p; p++)
        if (*p >= 'a' && *p <= 'z')
            *p = (char)(*p - 32);
}

/* In TRY_CAST mode the row becomes NULL; otherwise the cast fails. */
/* A block, not do/while(0): its `continue` must reach the row loop (inside
 * do/while(0) it only left the macro and the row went on being converted). */
#define CAST_FAIL(code, ...) \
    { \
        if (n->try_mode) { \
            if (!node_ensure_validity(n, ctx->error)) \
                return false; \
            node_set_null(n, r); \
            continue; \
        } \
        return node_error(n, ctx, code, __VA_ARGS__); \
    }

static inline int64_t load_int(const vector_view *v, physical_type p, uint32_t r)
{
    switch (p) {
    case PHYSICAL_BOOL: return VIEW_AT(uint8_t, *v, r);
    case PHYSICAL_INT8: return VIEW_AT(int8_t, *v, r);
    case PHYSICAL_INT16: return VIEW_AT(int16_t, *v, r);
    case PHYSICAL_INT32: return VIEW_AT(int32_t, *v, r);
    default: return VIEW_AT(int64_t, *v, r);
    }
}

static inline void store_int(void *out, physical_type p, uint32_t r, int64_t v)
{
    switch (p) {
    case PHYSICAL_BOOL: ((uint8_t *)out)[r] = v != 0; break;
    case PHYSICAL_INT8: ((int8_t *)out)[r] = (int8_t)v; break;
    case PHYSICAL_INT16: ((int16_t *)out)[r] = (int16_t)v; break;
    case PHYSICAL_INT32: ((int32_t *)out)[r] = (int32_t)v; break;
    default: ((int64_t *)out)[r] = v; break;
    }
}

static inline i128 load_decimal(const vector_view *v, sql_type t, uint32_t r)
{
    return t.precision > DECIMAL_MAX_SHORT_PRECISION ? VIEW_AT(i128, *v, r) : VIEW_AT(int64_t, *v, r);
}

static inline void store_decimal(expr_node *n, uint32_t r, i128 v)
{
    if (n->type.precision > DECIMAL_MAX_SHORT_PRECISION)
        ((i128 *)n->out.data)[r] = v;
    else
        ((int64_t *)n->out.data)[r] = (int64_t)v;
}

static bool int_range(type_kind k, int64_t v)
{
    switch (k) {
    case TYPE_TINYINT: return v >= INT8_MIN && v <= INT8_MAX;
    case TYPE_SMALLINT: return v >= INT16_MIN && v <= INT16_MAX;
    case TYPE_INTEGER: return v >= INT32_MIN && v <= INT32_MAX;
    default: return true;
    }
}

static const char *lower_name(type_kind k)
{
    switch (k) {
    case TYPE_TINYINT: return "tinyint";
    case TYPE_SMALLINT: return "smallint";
    case TYPE_INTEGER: return "integer";
    default: return "bigint";
    }
}

/* Trino's double text: "1.0E0", "1.234E-5", "NaN", "Infinity" */
static int format_double(double d, bool is_real, char *out, size_t size)
{
    if (isnan(d))
        return snprintf(out, size, "NaN");
    if (isinf(d))
        return snprintf(out, size, d > 0 ? "Infinity" : "-Infinity");
    char digits[32];
    int exponent, n;
    if (is_real) {
        char text[32];
        float f = (float)fabs(d);
        for (int p = 1; p <= 9; p++) {
            snprintf(text, sizeof text, "%.*e", p - 1, (double)f);
            if (strtof(text, NULL) == f)
                break;
        }
        n = 0;
        const char *q = text;
        for (; *q && *q != 'e'; q++)
            if (*q != '.')
                digits[n++] = *q;
        while (n > 1 && digits[n - 1] == '0')
            n--;
        exponent = atoi(q + 1);
    } else {
        n = decimal_shortest_digits(fabs(d), digits, &exponent);
    }
    if (d == 0)
        exponent = 0;
    return snprintf(out, size, "%s%c.%.*sE%d", signbit(d) ? "-" : "", digits[0], n > 1 ? n - 1 : 1,
                    n > 1 ? digits + 1 : "0", exponent);
}

static int format_timestamp(int64_t micros, int precision, char *out, size_t size)
{
    int64_t day = micros / 86400000000LL;
    int64_t rest = micros % 86400000000LL;
    if (rest < 0) {
        rest += 86400000000LL;
        day--;
    }
    char date[32];
    date_format((int32_t)day, date, sizeof date);
    int64_t seconds = rest / 1000000, fraction = rest % 1000000;
    int length = snprintf(out, size, "%s %02d:%02d:%02d", date, (int)(seconds / 3600), (int)(seconds / 60 % 60),
                          (int)(seconds % 60));
    if (precision > 0) {
        char f[8];
        snprintf(f, sizeof f, "%06lld", (long long)fraction);
        length += snprintf(out + length, size - (size_t)length, ".%.*s", precision > 6 ? 6 : precision, f);
    }
    return length;
}

/* ---- numeric kernels ---- */

static bool int_to_int(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    vector_view v = node_arg(n, 0);
    physical_type from = type_physical(n->children[0]->type), to = type_physical(n->type);
    type_kind k = n->type.kind;
    if (from == PHYSICAL_INT32 && to == PHYSICAL_INT64) {
        int64_t *out = n->out.data;
        UNARY_LOOP(int32_t, v, sel, count, r, a, out[r] = a;);
        return true;
    }
    ROW_LOOP(sel, count, r, {
        int64_t a = load_int(&v, from, r);
        if (k != TYPE_BOOLEAN && !int_range(k, a))
            CAST_FAIL(ERR_NUMERIC_VALUE_OUT_OF_RANGE, "Out of range for %s: %lld", lower_name(k), (long long)a);
        store_int(n->out.data, to, r, a);
    });
    return true;
}

static bool int_to_float(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    (void)ctx;
    vector_view v = node_arg(n, 0);
    physical_type from = type_physical(n->children[0]->type);
    if (n->type.kind == TYPE_DOUBLE) {
        double *out = n->out.data;
        ROW_LOOP(sel, count, r, out[r] = (double)load_int(&v, from, r););
    } else {
        float *out = n->out.data;
        ROW_LOOP(sel, count, r, out[r] = (float)load_int(&v, from, r););
    }
    return true;
}

static bool float_to_float(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    (void)ctx;
    vector_view v = node_arg(n, 0);
    if (n->type.kind == TYPE_DOUBLE) {
        double *out = n->out.data;
        UNARY_LOOP(float, v, sel, count, r, a, out[r] = a;);
    } else {
        float *out = n->out.data;
        UNARY_LOOP(double, v, sel, count, r, a, out[r] = (float)a;);
    }
    return true;
}

static bool float_to_int(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    vector_view v = node_arg(n, 0);
    bool is_real = n->children[0]->type.kind == TYPE_REAL;
    type_kind k = n->type.kind;
    physical_type to = type_physical(n->type);
    ROW_LOOP(sel, count, r, {
        double a = is_real ? VIEW_AT(float, v, r) : VIEW_AT(double, v, r);
        if (k == TYPE_BOOLEAN) {
            store_int(n->out.data, to, r, a != 0);
            continue;
        }
        char text[64];
        if (isnan(a))
            CAST_FAIL(ERR_INVALID_CAST_ARGUMENT, "Cannot cast %s NaN to %s", is_real ? "real" : "double", lower_name(k));
        double rounded = round(a);
        if (!(rounded >= -9223372036854775808.0 && rounded < 9223372036854775808.0) || !int_range(k, (int64_t)rounded)) {
            format_double(a, is_real, text, sizeof text);
            CAST_FAIL(ERR_NUMERIC_VALUE_OUT_OF_RANGE, "Out of range for %s: %s", lower_name(k), text);
        }
        store_int(n->out.data, to, r, (int64_t)rounded);
    });
    return true;
}

static bool int_to_decimal(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    vector_view v = node_arg(n, 0);
    sql_type from = n->children[0]->type;
    physical_type p = type_physical(from);
    i128 factor = decimal_pow10(n->type.scale);
    int precision = n->type.precision;
    if (p == PHYSICAL_INT32 && precision <= DECIMAL_MAX_SHORT_PRECISION && precision - n->type.scale >= 10) {
        int64_t *out = n->out.data, f = (int64_t)factor;
        UNARY_LOOP(int32_t, v, sel, count, r, a, out[r] = a * f;);
        return true;
    }
    ROW_LOOP(sel, count, r, {
        int64_t a = load_int(&v, p, r);
        i128 x = (i128)a * factor;
        if (!decimal_fits(x, precision)) {
            char name[32];
            type_upper_name(from, name, sizeof name);
            CAST_FAIL(ERR_INVALID_CAST_ARGUMENT, "Cannot cast %s '%lld' to DECIMAL(%d, %d)", name, (long long)a,
                      precision, n->type.scale);
        }
        store_decimal(n, r, x);
    });
    return true;
}

static bool decimal_to_decimal(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    vector_view v = node_arg(n, 0);
    sql_type from = n->children[0]->type, to = n->type;
    ROW_LOOP(sel, count, r, {
        i128 a = load_decimal(&v, from, r), x;
        if (!decimal_rescale(a, from.scale, to.scale, &x) || !decimal_fits(x, to.precision)) {
            char text[64];
            decimal_format(a, from.scale, text, sizeof text);
            CAST_FAIL(ERR_INVALID_CAST_ARGUMENT, "Cannot cast DECIMAL(%d, %d) '%s' to DECIMAL(%d, %d)", from.precision,
                      from.scale, text, to.precision, to.scale);
        }
        store_decimal(n, r, x);
    });
    return true;
}

static bool decimal_to_int(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    vector_view v = node_arg(n, 0);
    sql_type from = n->children[0]->type;
    type_kind k = n->type.kind;
    physical_type to = type_physical(n->type);
    ROW_LOOP(sel, count, r, {
        i128 a = load_decimal(&v, from, r);
        if (k == TYPE_BOOLEAN) {
            store_int(n->out.data, to, r, a != 0);
            continue;
        }
        i128 x = decimal_div_pow10_round(a, from.scale);
        if (x < INT64_MIN || x > INT64_MAX || !int_range(k, (int64_t)x)) {
            char text[64], name[32];
            decimal_format(a, from.scale, text, sizeof text);
            type_upper_name(n->type, name, sizeof name);
            CAST_FAIL(ERR_INVALID_CAST_ARGUMENT, "Cannot cast '%s' to %s", text, name);
        }
        store_int(n->out.data, to, r, (int64_t)x);
    });
    return true;
}

static bool decimal_to_float(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    (void)ctx;
    vector_view v = node_arg(n, 0);
    sql_type from = n->children[0]->type;
    ROW_LOOP(sel, count, r, {
        double d = decimal_to_double(load_decimal(&v, from, r), from.scale);
        if (n->type.kind == TYPE_DOUBLE)
            ((double *)n->out.data)[r] = d;
        else
            ((float *)n->out.data)[r] = (float)d;
    });
    return true;
}

static bool float_to_decimal(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    vector_view v = node_arg(n, 0);
    bool is_real = n->children[0]->type.kind == TYPE_REAL;
    ROW_LOOP(sel, count, r, {
        double a = is_real ? VIEW_AT(float, v, r) : VIEW_AT(double, v, r);
        i128 x;
        if (!decimal_from_double(a, n->type.precision, n->type.scale, &x)) {
            char text[64];
            format_double(a, is_real, text, sizeof text);
            CAST_FAIL(ERR_INVALID_CAST_ARGUMENT, "Cannot cast %s '%s' to DECIMAL(%d, %d)", is_real ? "REAL" : "DOUBLE",
                      text, n->type.precision, n->type.scale);
        }
        store_decimal(n, r, x);
    });
    return true;
}

static bool bool_to_float(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    return int_to_float(n, ctx, sel, count);
}

static bool date_to_timestamp(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    (void)ctx;
    vector_view v = node_arg(n, 0);
    int64_t *out = n->out.data;
    UNARY_LOOP(int32_t, v, sel, count, r, a, out[r] = (int64_t)a * 86400000000LL;);
    return true;
}

static bool timestamp_to_date(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    (void)ctx;
    vector_view v = node_arg(n, 0);
    int32_t *out = n->out.data;
    UNARY_LOOP(int64_t, v, sel, count, r, a, {
        int64_t day = a / 86400000000LL;
        if (a % 86400000000LL < 0)
            day--;
        out[r] = (int32_t)day;
    });
    return true;
}

static bool timestamp_to_timestamp(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    (void)ctx;
    vector_view v = node_arg(n, 0);
    int64_t *out = n->out.data;
    int precision = n->type.precision > 6 ? 6 : n->type.precision;
    int64_t unit = 1;
    for (int i = precision; i < 6; i++)
        unit *= 10;
    UNARY_LOOP(int64_t, v, sel, count, r, a, {
        int64_t q = a / unit, rem = a % unit;
        if (rem < 0) {
            rem += unit;
            q--;
        }
        out[r] = (q + (rem * 2 >= unit)) * unit;
    });
    return true;
}

/* ---- to text ---- */

static uint32_t code_point_prefix(const char *s, uint32_t length, int32_t points)
{
    uint32_t i = 0;
    int32_t k = 0;
    while (i < length) {
        if (((unsigned char)s[i] & 0xC0) != 0x80) {
            if (k == points)
                return i;
            k++;
        }
        i++;
    }
    return length;
}

static bool to_varchar(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    vector_view v = node_arg(n, 0);
    sql_type from = n->children[0]->type;
    physical_type p = type_physical(from);
    int32_t limit = n->type.length;
    bool is_char = n->type.kind == TYPE_CHAR;
    if (type_is_string(from) && !node_keep_child_strings(n, 0, ctx->error))
        return false;
    ROW_LOOP(sel, count, r, {
        char text[128];
        int length = 0;
        switch (from.kind) {
        case TYPE_BOOLEAN: length = snprintf(text, sizeof text, "%s", VIEW_AT(uint8_t, v, r) ? "true" : "false"); break;
        case TYPE_TINYINT:
        case TYPE_SMALLINT:
        case TYPE_INTEGER:
        case TYPE_BIGINT: length = snprintf(text, sizeof text, "%lld", (long long)load_int(&v, p, r)); break;
        case TYPE_REAL: length = format_double(VIEW_AT(float, v, r), true, text, sizeof text); break;
        case TYPE_DOUBLE: length = format_double(VIEW_AT(double, v, r), false, text, sizeof text); break;
        case TYPE_DECIMAL: length = decimal_format(load_decimal(&v, from, r), from.scale, text, sizeof text); break;
        case TYPE_DATE: length = date_format(VIEW_AT(int32_t, v, r), text, sizeof text); break;
        case TYPE_TIMESTAMP: length = format_timestamp(VIEW_AT(int64_t, v, r), from.precision, text, sizeof text); break;
        case TYPE_VARCHAR:
        case TYPE_CHAR: {
            string_view s = VIEW_AT(string_view, v, r);
            const char *d = string_view_data(&s);
            uint32_t keep = limit == VARCHAR_UNBOUNDED ? s.length : code_point_prefix(d, s.length, limit);
            if (is_char)
                while (keep > 0 && d[keep - 1] == ' ')
                    keep--;
            ((string_view *)n->out.data)[r] = string_view_make(d, keep);
            continue;
        }
        default: break;
        }
        if (limit != VARCHAR_UNBOUNDED && length > limit) {
            if (is_char)
                CAST_FAIL(ERR_INVALID_CAST_ARGUMENT, "Value %s cannot be represented as char(%d)", text, limit);
            CAST_FAIL(ERR_INVALID_CAST_ARGUMENT, "Value %s cannot be represented as varchar(%d)", text, limit);
        }
        if (!node_put_string(n, r, text, (uint32_t)length, ctx->error))
            return false;
    });
    return true;
}

/* ---- from text ---- */

static void trim_blanks(const char **s, uint32_t *n)
{
    while (*n > 0 && ((*s)[0] == ' ' || (*s)[0] == '\t' || (*s)[0] == '\n' || (*s)[0] == '\r')) {
        (*s)++;
        (*n)--;
    }
    while (*n > 0 && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t' || (*s)[*n - 1] == '\n' || (*s)[*n - 1] == '\r'))
        (*n)--;
}

static bool parse_int64(const char *s, uint32_t n, int64_t *out)
{
    trim_blanks(&s, &n);
    uint32_t i = 0;
    bool negative = false;
    if (i < n && (s[i] == '-' || s[i] == '+'))
        negative = s[i++] == '-';
    if (i == n)
        return false;
    uint64_t v = 0;
    for (; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        if (v > (UINT64_MAX - 9) / 10)
            return false;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    if (negative ? v > (uint64_t)INT64_MAX + 1 : v > (uint64_t)INT64_MAX)
        return false;
    *out = negative ? (int64_t)(0 - v) : (int64_t)v;
    return true;
}

static bool parse_double(const char *s, uint32_t n, double *out)
{
    trim_blanks(&s, &n);
    if (n == 0 || n > 300)
        return false;
    char text[320];
    memcpy(text, s, n);
    text[n] = '\0';
    if (strcmp(text, "NaN") == 0) {
        *out = NAN;
        return true;
    }
    if (strcmp(text, "Infinity") == 0 || strcmp(text, "+Infinity") == 0) {
        *out = INFINITY;
        return true;
    }
    if (strcmp(text, "-Infinity") == 0) {
        *out = -INFINITY;
        return true;
    }
    for (uint32_t i = 0; i < n; i++) /* no hex, no "inf"/"nan" spellings */
        if (!((text[i] >= '0' && text[i] <= '9') || text[i] == '.' || text[i] == 'e' || text[i] == 'E' ||
              text[i] == '+' || text[i] == '-'))
            return false;
    char *end;
    *out = strtod(text, &end);
    return *end == '\0';
}

static bool parse_timestamp(const char *s, uint32_t n, int64_t *out)
{
    trim_blanks(&s, &n);
    uint32_t date_end = 0;
    while (date_end < n && s[date_end] != ' ' && s[date_end] != 'T')
        date_end++;
    int32_t day;
    if (!date_parse(s, date_end, &day))
        return false;
    int64_t micros = 0;
    if (date_end < n) {
        int h = 0, m = 0, sec = 0, used = 0;
        char text[64];
        uint32_t rest = n - date_end - 1;
        if (rest >= sizeof text)
            return false;
        memcpy(text, s + date_end + 1, rest);
        text[rest] = '\0';
        if (sscanf(text, "%2d:%2d%n", &h, &m, &used) < 2)
            return false;
        if (text[used] == ':') {
            int more = 0;
            if (sscanf(text + used + 1, "%2d%n", &sec, &more) < 1)
                return false;
            used += 1 + more;
        }
        int64_t fraction = 0, scale = 100000;
        if (text[used] == '.') {
            used++;
            while (text[used] >= '0' && text[used] <= '9') {
                fraction += (text[used] - '0') * scale;
                scale /= 10;
                used++;
            }
        }
        if (text[used] != '\0' || h > 23 || m > 59 || sec > 59)
            return false;
        micros = ((int64_t)h * 3600 + m * 60 + sec) * 1000000 + fraction;
    }
    *out = (int64_t)day * 86400000000LL + micros;
    return true;
}

static bool from_varchar(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    vector_view v = node_arg(n, 0);
    sql_type to = n->type;
    physical_type p = type_physical(to);
    ROW_LOOP(sel, count, r, {
        string_view sv = VIEW_AT(string_view, v, r);
        const char *s = string_view_data(&sv);
        uint32_t len = sv.length;
        int shown = len > 200 ? 200 : (int)len;
        switch (to.kind) {
        case TYPE_BOOLEAN: {
            const char *t = s;
            uint32_t tl = len;
            trim_blanks(&t, &tl);
            bool value = false;
            if ((tl == 4 && strncasecmp(t, "true", 4) == 0) || (tl == 1 && (t[0] == 't' || t[0] == 'T' || t[0] == '1')))
                value = true;
            else if ((tl == 5 && strncasecmp(t, "false", 5) == 0) || (tl == 1 && (t[0] == 'f' || t[0] == 'F' || t[0] == '0')))
                value = false;
            else
                CAST_FAIL(ERR_INVALID_CAST_ARGUMENT, "Cannot cast '%.*s' to BOOLEAN", shown, s);
            ((uint8_t *)n->out.data)[r] = value;
            break;
        }
        case TYPE_TINYINT:
        case TYPE_SMALLINT:
        case TYPE_INTEGER:
        case TYPE_BIGINT: {
            int64_t x;
            if (!parse_int64(s, len, &x) || !int_range(to.kind, x)) {
                static const char *const names[] = {[TYPE_TINYINT] = "TINYINT", [TYPE_SMALLINT] = "SMALLINT",
                                                    [TYPE_INTEGER] = "INT", [TYPE_BIGINT] = "BIGINT"};
                CAST_FAIL(ERR_INVALID_CAST_ARGUMENT, "Cannot cast '%.*s' to %s", shown, s, names[to.kind]);
            }
            store_int(n->out.data, p, r, x);
            break;
        }
        case TYPE_REAL:
        case TYPE_DOUBLE: {
            double d;
            if (!parse_double(s, len, &d))
                CAST_FAIL(ERR_INVALID_CAST_ARGUMENT, "Cannot cast '%.*s' to %s", shown, s,
                          to.kind == TYPE_REAL ? "REAL" : "DOUBLE");
            if (to.kind == TYPE_REAL)
                ((float *)n->out.data)[r] = (float)d;
            else
                ((double *)n->out.data)[r] = d;
            break;
        }
        case TYPE_DECIMAL: {
            i128 x;
            bool bad;
            if (!decimal_parse(s, len, to.precision, to.scale, &x, &bad)) {
                if (bad)
                    CAST_FAIL(ERR_INVALID_CAST_ARGUMENT, "Cannot cast VARCHAR '%.*s' to DECIMAL(%d, %d). Value is not a number.",
                              shown, s, to.precision, to.scale);
                CAST_FAIL(ERR_INVALID_CAST_ARGUMENT, "Cannot cast VARCHAR '%.*s' to DECIMAL(%d, %d). Value too large.",
                          shown, s, to.precision, to.scale);
            }
            store_decimal(n, r, x);
            break;
        }
        case TYPE_DATE: {
            int32_t d;
            if (!date_parse(s, len, &d))
                CAST_FAIL(ERR_INVALID_CAST_ARGUMENT, "Value cannot be cast to date: %.*s", shown, s);
            ((int32_t *)n->out.data)[r] = d;
            break;
        }
        case TYPE_TIMESTAMP: {
            int64_t t;
            if (!parse_timestamp(s, len, &t))
                CAST_FAIL(ERR_INVALID_CAST_ARGUMENT, "Value cannot be cast to timestamp: %.*s", shown, s);
            ((int64_t *)n->out.data)[r] = t;
            break;
        }
        default: break;
        }
    });
    return true;
}

static bool cast_nothing(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    (void)n;
    (void)ctx;
    (void)sel;
    (void)count;
    return true;
}

bool cast_bind(expr_node *n, sql_type from, sql_type to, shoal_error *error)
{
    type_kind f = from.kind, t = to.kind;
    bool f_int = type_is_integral(from) || f == TYPE_BOOLEAN;
    bool t_int = type_is_integral(to) || t == TYPE_BOOLEAN;
    bool f_float = f == TYPE_REAL || f == TYPE_DOUBLE, t_float = t == TYPE_REAL || t == TYPE_DOUBLE;
    scalar_kernel_fn k = NULL;
    if (f == TYPE_UNKNOWN)
        k = cast_nothing;
    else if (f_int && t_int)
        k = int_to_int;
    else if (f_int && t_float)
        k = f == TYPE_BOOLEAN ? bool_to_float : int_to_float;
    else if (f_float && t_float)
        k = float_to_float;
    else if (f_float && t_int)
        k = float_to_int;
    else if (f_int && f != TYPE_BOOLEAN && t == TYPE_DECIMAL)
        k = int_to_decimal;
    else if (f == TYPE_DECIMAL && t == TYPE_DECIMAL)
        k = decimal_to_decimal;
    else if (f == TYPE_DECIMAL && t_int)
        k = decimal_to_int;
    else if (f == TYPE_DECIMAL && t_float)
        k = decimal_to_float;
    else if (f_float && t == TYPE_DECIMAL)
        k = float_to_decimal;
    else if ((t == TYPE_VARCHAR || t == TYPE_CHAR) &&
             (f_int || f_float || f == TYPE_DECIMAL || f == TYPE_DATE || f == TYPE_TIMESTAMP || type_is_string(from)))
        k = to_varchar;
    else if (type_is_string(from) &&
             (t_int || t_float || t == TYPE_DECIMAL || t == TYPE_DATE || t == TYPE_TIMESTAMP))
        k = from_varchar;
    else if (f == TYPE_DATE && t == TYPE_TIMESTAMP)
        k = date_to_timestamp;
    else if (f == TYPE_TIMESTAMP && t == TYPE_DATE)
        k = timestamp_to_date;
    else if (f == TYPE_TIMESTAMP && t == TYPE_TIMESTAMP)
        k = timestamp_to_timestamp;
    if (!k)
        k = cast_extra_kernel(from, to);
    if (!k)
        k = cast_nested_to_json_kernel(from, to);
    bool nested_from = f == TYPE_ARRAY || f == TYPE_MAP || f == TYPE_ROW;
    bool nested_to = t == TYPE_ARRAY || t == TYPE_MAP || t == TYPE_ROW;
    if (!k && (nested_from || f == TYPE_JSON) && nested_to)
        return cast_nested_bind(n, from, to, error);
    if (!k) {
        char a[128], b[128];
        type_format(from, false, a, sizeof a);
        type_format(to, false, b, sizeof b);
        return error_set(error, ERR_TYPE_MISMATCH, "Cannot cast %s to %s", a, b);
    }
    n->kernel = k;
    return true;
}
