/*
 * datetime.c — date/timestamp/interval arithmetic (date ± interval day to
 * second in whole days, ± interval year to month with end-of-month
 * clamping, interval + - * and negation) and the calendar functions: year,
 * quarter, month, week, day, day_of_week, day_of_year, year_of_week, hour,
 * minute, second, last_day_of_month, date_trunc, date_add, date_diff.
 * Dates are int32 days, timestamps int64 microseconds, interval day to
 * second int64 milliseconds, interval year to month int32 months.
 */
#include <string.h>
#include <strings.h>

#include "connectors/spi/date_util.h"
#include "operators/expr_internal.h"

enum { MILLIS_PER_DAY = 86400000 };
static const int64_t MICROS_PER_DAY = 86400000000LL;

static inline int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

enum { K_SWAP, K_SIGN };

/* argument i of a binary node honouring K_SWAP (interval first) */
#define DT_ARGS() \
    vector_view vd = node_arg(n, n->k[K_SWAP] ? 1 : 0), vi = node_arg(n, n->k[K_SWAP] ? 0 : 1); \
    int64_t sign = n->k[K_SIGN]

static bool date_plus_days(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    DT_ARGS();
    int32_t *out = n->out.data;
    BINARY_LOOP(int32_t, int64_t, vd, vi, sel, count, r, d, ms, {
        if (ms % MILLIS_PER_DAY != 0)
            return node_error(n, ctx, ERR_INVALID_FUNCTION_ARGUMENT, "Cannot add hour, minute or second to a date");
        int64_t v = d + sign * (ms / MILLIS_PER_DAY);
        if (v < INT32_MIN || v > INT32_MAX)
            return node_error(n, ctx, ERR_NUMERIC_VALUE_OUT_OF_RANGE, "Date is out of range");
        out[r] = (int32_t)v;
    });
    return true;
}

static bool date_plus_months(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    DT_ARGS();
    int32_t *out = n->out.data;
    BINARY_LOOP(int32_t, int32_t, vd, vi, sel, count, r, d, months, {
        int64_t v;
        if (!date_add_months(d, sign * months, &v) || v < INT32_MIN || v > INT32_MAX)
            return node_error(n, ctx, ERR_NUMERIC_VALUE_OUT_OF_RANGE, "Date is out of range");
        out[r] = (int32_t)v;
    });
    return true;
}

static bool timestamp_plus_millis(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    DT_ARGS();
    int64_t *out = n->out.data;
    BINARY_LOOP(int64_t, int64_t, vd, vi, sel, count, r, t, ms, {
        int64_t delta;
        if (__builtin_mul_overflow(ms, 1000 * sign, &delta) || __builtin_add_overflow(t, delta, &out[r]))
            return node_error(n, ctx, ERR_NUMERIC_VALUE_OUT_OF_RANGE, "Timestamp is out of range");
    });
    return true;
}

static bool timestamp_plus_months(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    DT_ARGS();
    int64_t *out = n->out.data;
    BINARY_LOOP(int64_t, int32_t, vd, vi, sel, count, r, t, months, {
        int64_t day = floor_div(t, MICROS_PER_DAY), time = t - day * MICROS_PER_DAY, v;
        if (!date_add_months(day, sign * months, &v))
            return node_error(n, ctx, ERR_NUMERIC_VALUE_OUT_OF_RANGE, "Timestamp is out of range");
        out[r] = v * MICROS_PER_DAY + time;
    });
    return true;
}

#define DEFINE_INTERVAL_OP(NAME, T, BUILTIN, WORD) \
    static bool NAME(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count) \
    { \
        vector_view va = node_arg(n, 0), vb = node_arg(n, 1); \
        T *out = n->out.data; \
        BINARY_LOOP(T, T, va, vb, sel, count, r, a, b, \
                    if (BUILTIN(a, b, &out[r])) return node_error(n, ctx, ERR_NUMERIC_VALUE_OUT_OF_RANGE, \
                                                                  "Interval " WORD " overflow");); \
        return true; \
    }

DEFINE_INTERVAL_OP(ds_add, int64_t, __builtin_add_overflow, "addition")
DEFINE_INTERVAL_OP(ds_sub, int64_t, __builtin_sub_overflow, "subtraction")
DEFINE_INTERVAL_OP(ym_add, int32_t, __builtin_add_overflow, "addition")
DEFINE_INTERVAL_OP(ym_sub, int32_t, __builtin_sub_overflow, "subtraction")

static bool ds_times(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    DT_ARGS();
    (void)sign;
    int64_t *out = n->out.data;
    BINARY_LOOP(int64_t, int64_t, vd, vi, sel, count, r, a, b,
                if (__builtin_mul_overflow(a, b, &out[r])) return node_error(n, ctx, ERR_NUMERIC_VALUE_OUT_OF_RANGE,
                                                                             "Interval multiplication overflow"););
    return true;
}

static bool ym_times(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    DT_ARGS();
    (void)sign;
    int32_t *out = n->out.data;
    BINARY_LOOP(int32_t, int64_t, vd, vi, sel, count, r, a, b, {
        int64_t v;
        if (__builtin_mul_overflow((int64_t)a, b, &v) || v < INT32_MIN || v > INT32_MAX)
            return node_error(n, ctx, ERR_NUMERIC_VALUE_OUT_OF_RANGE, "Interval multiplication overflow");
        out[r] = (int32_t)v;
    });
    return true;
}

static bool ds_negate(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    vector_view va = node_arg(n, 0);
    int64_t *out = n->out.data;
    UNARY_LOOP(int64_t, va, sel, count, r, a,
               if (__builtin_sub_overflow((int64_t)0, a, &out[r])) return node_error(n, ctx, ERR_NUMERIC_VALUE_OUT_OF_RANGE,
                                                                                     "Interval negation overflow"););
    return true;
}

static bool ym_negate(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    vector_view va = node_arg(n, 0);
    int32_t *out = n->out.data;
    UNARY_LOOP(int32_t, va, sel, count, r, a,
               if (__builtin_sub_overflow((int32_t)0, a, &out[r])) return node_error(n, ctx, ERR_NUMERIC_VALUE_OUT_OF_RANGE,
                                                                                     "Interval negation overflow"););
    return true;
}

bool datetime_bind_arithmetic(expr_node *n, const sql_type *args, int arg_count, sql_type ret,
                              shoal_error *error)
{
    const char *name = n->function_name;
    bool add = strcmp(name, "$add") == 0, subtract = strcmp(name, "$subtract") == 0;
    if (strcmp(name, "$negate") == 0 && arg_count == 1) {
        n->kernel = args[0].kind == TYPE_INTERVAL_DAY_TIME ? ds_negate : ym_negate;
        return true;
    }
    if (arg_count != 2)
        return error_set(error, ERR_FUNCTION_IMPLEMENTATION_MISSING, "No kernel for %s", name);
    type_kind a = args[0].kind, b = args[1].kind;
    bool swap = a == TYPE_INTERVAL_DAY_TIME || a == TYPE_INTERVAL_YEAR_MONTH;
    if ((a == TYPE_INTERVAL_DAY_TIME || a == TYPE_INTERVAL_YEAR_MONTH) && a == b) {
        if (!add && !subtract)
            return error_set(error, ERR_FUNCTION_IMPLEMENTATION_MISSING, "No kernel for %s", name);
        n->kernel = a == TYPE_INTERVAL_DAY_TIME ? (add ? ds_add : ds_sub) : (add ? ym_add : ym_sub);
        return true;
    }
    n->k[K_SWAP] = swap;
    n->k[K_SIGN] = subtract ? -1 : 1;
    type_kind value = swap ? b : a, interval = swap ? a : b;
    if (strcmp(name, "$multiply") == 0) {
        bool interval_first = a == TYPE_INTERVAL_DAY_TIME || a == TYPE_INTERVAL_YEAR_MONTH;
        n->k[K_SWAP] = !interval_first; /* the interval is the "date" slot */
        n->kernel = ret.kind == TYPE_INTERVAL_DAY_TIME ? ds_times : ym_times;
        return true;
    }
    if (!add && !subtract)
        return error_set(error, ERR_FUNCTION_IMPLEMENTATION_MISSING, "No kernel for %s", name);
    if (value == TYPE_DATE)
        n->kernel = interval == TYPE_INTERVAL_DAY_TIME ? date_plus_days : date_plus_months;
    else
        n->kernel = interval == TYPE_INTERVAL_DAY_TIME ? timestamp_plus_millis : timestamp_plus_months;
    return true;
}

/* ---- calendar fields ---- */

typedef enum field { F_YEAR, F_QUARTER, F_MONTH, F_WEEK, F_DAY, F_DOW, F_DOY, F_YOW, F_HOUR, F_MINUTE, F_SECOND } field;

static int64_t field_of_day(int64_t day, field f)
{
    int64_t y;
    int m, d;
    switch (f) {
    case F_YEAR: date_to_civil(day, &y, &m, &d); return y;
    case F_QUARTER: date_to_civil(day, &y, &m, &d); return (m - 1) / 3 + 1;
    case F_MONTH: date_to_civil(day, &y, &m, &d); return m;
    case F_DAY: date_to_civil(day, &y, &m, &d); return d;
    case F_WEEK: return date_week_of_year(day);
    case F_DOW: return date_day_of_week(day);
    case F_DOY: return date_day_of_year(day);
    case F_YOW: return date_year_of_week(day);
    default: return 0;
    }
}

static bool date_field_kernel(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    (void)ctx;
    vector_view va = node_arg(n, 0);
    int64_t *out = n->out.data;
    field f = (field)n->k[0];
    if (f == F_YEAR) {
        UNARY_LOOP(int32_t, va, sel, count, r, a, {
            int64_t y;
            int m, d;
            date_to_civil(a, &y, &m, &d);
            out[r] = y;
        });
    } else {
        UNARY_LOOP(int32_t, va, sel, count, r, a, out[r] = field_of_day(a, f););
    }
    return true;
}

static bool timestamp_field_kernel(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    (void)ctx;
    vector_view va = node_arg(n, 0);
    int64_t *out = n->out.data;
    field f = (field)n->k[0];
    UNARY_LOOP(int64_t, va, sel, count, r, t, {
        int64_t day = floor_div(t, MICROS_PER_DAY), micros = t - day * MICROS_PER_DAY;
        switch (f) {
        case F_HOUR: out[r] = micros / 3600000000LL; break;
        case F_MINUTE: out[r] = micros / 60000000LL % 60; break;
        case F_SECOND: out[r] = micros / 1000000 % 60; break;
        default: out[r] = field_of_day(day, f); break;
        }
    });
    return true;
}

static bool last_day_kernel(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    (void)ctx;
    vector_view va = node_arg(n, 0);
    int32_t *out = n->out.data;
    UNARY_LOOP(int32_t, va, sel, count, r, a, {
        int64_t y;
        int m, d;
        date_to_civil(a, &y, &m, &d);
        out[r] = (int32_t)date_from_civil(y, m, date_days_in_month(y, m));
    });
    return true;
}

typedef enum unit { U_DAY, U_WEEK, U_MONTH, U_QUARTER, U_YEAR, U_BAD } unit;

static unit parse_unit(string_view s)
{
    static const char *const names[] = {"day", "week", "month", "quarter", "year"};
    const char *d = string_view_data(&s);
    for (int u = 0; u < U_BAD; u++) {
        size_t l = strlen(names[u]);
        if (s.length == l && strncasecmp(d, names[u], l) == 0)
            return (unit)u;
    }
    return U_BAD;
}

static bool bad_unit(expr_node *n, eval_context *ctx, string_view s)
{
    return node_error(n, ctx, ERR_INVALID_FUNCTION_ARGUMENT, "'%.*s' is not a valid DATE field", (int)s.length,
                      string_view_data(&s));
}

static bool date_trunc_kernel(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    vector_view vu = node_arg(n, 0), vd = node_arg(n, 1);
    int32_t *out = n->out.data;
    ROW_LOOP(sel, count, r, {
        string_view us = VIEW_AT(string_view, vu, r);
        int32_t d = VIEW_AT(int32_t, vd, r);
        int64_t y;
        int m, day;
        date_to_civil(d, &y, &m, &day);
        switch (parse_unit(us)) {
        case U_DAY: out[r] = d; break;
        case U_WEEK: out[r] = d - (date_day_of_week(d) - 1); break;
        case U_MONTH: out[r] = (int32_t)date_from_civil(y, m, 1); break;
        case U_QUARTER: out[r] = (int32_t)date_from_civil(y, (m - 1) / 3 * 3 + 1, 1); break;
        case U_YEAR: out[r] = (int32_t)date_from_civil(y, 1, 1); break;
        case U_BAD: return bad_unit(n, ctx, us);
        }
    });
    return true;
}

static bool date_add_kernel(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    vector_view vu = node_arg(n, 0), vv = node_arg(n, 1), vd = node_arg(n, 2);
    int32_t *out = n->out.data;
    ROW_LOOP(sel, count, r, {
        string_view us = VIEW_AT(string_view, vu, r);
        int64_t amount = VIEW_AT(int64_t, vv, r), v;
        int32_t d = VIEW_AT(int32_t, vd, r);
        bool ok = true;
        switch (parse_unit(us)) {
        case U_DAY: ok = !__builtin_add_overflow((int64_t)d, amount, &v); break;
        case U_WEEK: ok = amount < INT64_MAX / 8 && amount > INT64_MIN / 8 && !__builtin_add_overflow((int64_t)d, amount * 7, &v); break;
        case U_MONTH: ok = date_add_months(d, amount, &v); break;
        case U_QUARTER: ok = amount < INT64_MAX / 4 && amount > INT64_MIN / 4 && date_add_months(d, amount * 3, &v); break;
        case U_YEAR: ok = amount < INT64_MAX / 13 && amount > INT64_MIN / 13 && date_add_months(d, amount * 12, &v); break;
        case U_BAD: return bad_unit(n, ctx, us);
        }
        if (!ok || v < INT32_MIN || v > INT32_MAX)
            return node_error(n, ctx, ERR_NUMERIC_VALUE_OUT_OF_RANGE, "Date is out of range");
        out[r] = (int32_t)v;
    });
    return true;
}

static int64_t months_between(int64_t a, int64_t b)
{
    int64_t ya, yb;
    int ma, mb, da, db;
    date_to_civil(a, &ya, &ma, &da);
    date_to_civil(b, &yb, &mb, &db);
    int64_t months = (yb - ya) * 12 + (mb - ma);
    /* whole months only, as java.time's until() */
    if (months > 0 && db < da)
        months--;
    else if (months < 0 && db > da)
        months++;
    return months;
}

static bool date_diff_kernel(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    vector_view vu = node_arg(n, 0), va = node_arg(n, 1), vb = node_arg(n, 2);
    int64_t *out = n->out.data;
    ROW_LOOP(sel, count, r, {
        string_view us = VIEW_AT(string_view, vu, r);
        int64_t a = VIEW_AT(int32_t, va, r), b = VIEW_AT(int32_t, vb, r);
        switch (parse_unit(us)) {
        case U_DAY: out[r] = b - a; break;
        case U_WEEK: out[r] = (b - a) / 7; break;
        case U_MONTH: out[r] = months_between(a, b); break;
        case U_QUARTER: out[r] = months_between(a, b) / 3; break;
        case U_YEAR: out[r] = months_between(a, b) / 12; break;
        case U_BAD: return bad_unit(n, ctx, us);
        }
    });
    return true;
}

static const struct {
    const char *name;
    field f;
} fields[] = {
    {"year", F_YEAR}, {"quarter", F_QUARTER}, {"month", F_MONTH}, {"week", F_WEEK},
    {"week_of_year", F_WEEK}, {"day", F_DAY}, {"day_of_month", F_DAY}, {"day_of_week", F_DOW},
    {"dow", F_DOW}, {"day_of_year", F_DOY}, {"doy", F_DOY}, {"year_of_week", F_YOW},
    {"yow", F_YOW}, {"hour", F_HOUR}, {"minute", F_MINUTE}, {"second", F_SECOND},
};

static bool bind_datetime(expr_node *n, const sql_type *args, int arg_count, sql_type ret,
                          shoal_error *error)
{
    (void)ret;
    const char *name = n->function_name;
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        if (strcmp(fields[i].name, name) == 0 && arg_count == 1) {
            n->k[0] = fields[i].f;
            n->kernel = args[0].kind == TYPE_DATE ? date_field_kernel : timestamp_field_kernel;
            return true;
        }
    }
    if (strcmp(name, "last_day_of_month") == 0)
        n->kernel = last_day_kernel;
    else if (strcmp(name, "date_trunc") == 0 && args[1].kind == TYPE_DATE)
        n->kernel = date_trunc_kernel;
    else if (strcmp(name, "date_add") == 0 && args[2].kind == TYPE_DATE)
        n->kernel = date_add_kernel;
    else if (strcmp(name, "date_diff") == 0 && args[1].kind == TYPE_DATE)
        n->kernel = date_diff_kernel;
    else
        return error_set(error, ERR_FUNCTION_IMPLEMENTATION_MISSING, "No kernel for %s", name);
    return true;
}

const scalar_impl datetime_impls[] = {
    {"year", bind_datetime},   {"quarter", bind_datetime},     {"month", bind_datetime},
    {"week", bind_datetime},   {"week_of_year", bind_datetime}, {"day", bind_datetime},
    {"day_of_month", bind_datetime}, {"day_of_week", bind_datetime}, {"dow", bind_datetime},
    {"day_of_year", bind_datetime}, {"doy", bind_datetime},    {"year_of_week", bind_datetime},
    {"yow", bind_datetime},    {"hour", bind_datetime},        {"minute", bind_datetime},
    {"second", bind_datetime}, {"last_day_of_month", bind_datetime}, {"date_trunc", bind_datetime},
    {"date_add", bind_datetime}, {"date_diff", bind_datetime},
};
const int datetime_impl_count = sizeof datetime_impls / sizeof datetime_impls[0];
