/*
 * arithmetic.c — + - * / % and negation on tinyint..bigint (overflow checked,
 * Trino's messages: "bigint addition overflow: 9223372036854775807 + 1"),
 * real and double (IEEE: x/0 is Infinity), and the math functions on those
 * types (abs, ceil, floor, round, truncate, sign, mod, sqrt, cbrt, exp, ln,
 * log2, log10, power, greatest, least). Decimal and date/interval overloads
 * are dispatched to decimal_ops.c and datetime.c.
 */
#include <math.h>
#include <string.h>

#include "operators/expr_internal.h"

/* ---- integer arithmetic ---- */

#define OVERFLOW_ERROR(TNAME, WORD, SYM, a, b) \
    node_error(n, ctx, ERR_NUMERIC_VALUE_OUT_OF_RANGE, TNAME " " WORD " overflow: %lld " SYM " %lld", \
               (long long)(a), (long long)(b))

#define DEFINE_INT_OPS(T, TNAME) \
    static bool T##_add(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count) \
    { \
        vector_view va = node_arg(n, 0), vb = node_arg(n, 1); \
        T *out = n->out.data; \
        BINARY_LOOP(T, T, va, vb, sel, count, r, a, b, \
                    if (__builtin_add_overflow(a, b, &out[r])) return OVERFLOW_ERROR(TNAME, "addition", "+", a, b);); \
        return true; \
    } \
    static bool T##_subtract(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count) \
    { \
        vector_view va = node_arg(n, 0), vb = node_arg(n, 1); \
        T *out = n->out.data; \
        BINARY_LOOP(T, T, va, vb, sel, count, r, a, b, \
                    if (__builtin_sub_overflow(a, b, &out[r])) return OVERFLOW_ERROR(TNAME, "subtraction", "-", a, b);); \
        return true; \
    } \
    static bool T##_multiply(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count) \
    { \
        vector_view va = node_arg(n, 0), vb = node_arg(n, 1); \
        T *out = n->out.data; \
        BINARY_LOOP(T, T, va, vb, sel, count, r, a, b, \
                    if (__builtin_mul_overflow(a, b, &out[r])) return OVERFLOW_ERROR(TNAME, "multiplication", "*", a, b);); \
        return true; \
    } \
    static bool T##_divide(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count) \
    { \
        vector_view va = node_arg(n, 0), vb = node_arg(n, 1); \
        T *out = n->out.data; \
        BINARY_LOOP(T, T, va, vb, sel, count, r, a, b, { \
            if (b == 0) \
                return node_error(n, ctx, ERR_DIVISION_BY_ZERO, "Division by zero"); \
            if (b == -1) { \
                if (__builtin_sub_overflow((T)0, a, &out[r])) \
                    return OVERFLOW_ERROR(TNAME, "division", "/", a, b); \
            } else { \
                out[r] = (T)(a / b); \
            } \
        }); \
        return true; \
    } \
    static bool T##_modulus(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count) \
    { \
        vector_view va = node_arg(n, 0), vb = node_arg(n, 1); \
        T *out = n->out.data; \
        BINARY_LOOP(T, T, va, vb, sel, count, r, a, b, { \
            if (b == 0) \
                return node_error(n, ctx, ERR_DIVISION_BY_ZERO, "Division by zero"); \
            out[r] = b == -1 ? 0 : (T)(a % b); \
        }); \
        return true; \
    } \
    static bool T##_negate(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count) \
    { \
        vector_view va = node_arg(n, 0); \
        T *out = n->out.data; \
        UNARY_LOOP(T, va, sel, count, r, a, { \
            if (__builtin_sub_overflow((T)0, a, &out[r])) \
                return node_error(n, ctx, ERR_NUMERIC_VALUE_OUT_OF_RANGE, TNAME " negation overflow: %lld", (long long)a); \
        }); \
        return true; \
    } \
    static bool T##_abs(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count) \
    { \
        vector_view va = node_arg(n, 0); \
        T *out = n->out.data; \
        UNARY_LOOP(T, va, sel, count, r, a, { \
            if (a < 0 && __builtin_sub_overflow((T)0, a, &out[r])) \
                return node_error(n, ctx, ERR_NUMERIC_VALUE_OUT_OF_RANGE, "Value %lld is out of range for abs(" TNAME ")", (long long)a); \
            if (a >= 0) \
                out[r] = a; \
        }); \
        return true; \
    } \
    static bool T##_identity(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count) \
    { \
        (void)ctx; \
        vector_view va = node_arg(n, 0); \
        T *out = n->out.data; \
        UNARY_LOOP(T, va, sel, count, r, a, out[r] = a;); \
        return true; \
    } \
    static bool T##_sign(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count) \
    { \
        (void)ctx; \
        vector_view va = node_arg(n, 0); \
        T *out = n->out.data; \
        UNARY_LOOP(T, va, sel, count, r, a, out[r] = (T)((a > 0) - (a < 0));); \
        return true; \
    } \
    static bool T##_round_n(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count) \
    { \
        vector_view va = node_arg(n, 0), vb = node_arg(n, 1); \
        T *out = n->out.data; \
        BINARY_LOOP(T, int32_t, va, vb, sel, count, r, a, b, { \
            if (b >= 0) { \
                out[r] = a; \
            } else { \
                __int128 p = 1; \
                for (int i = 0; i < -b && i < 39; i++) \
                    p *= 10; \
                __int128 q = (__int128)a / p, rem = (__int128)a % p; \
                if ((rem < 0 ? -rem : rem) * 2 >= p) \
                    q += a < 0 ? -1 : 1; \
                __int128 v = q * p; \
                if (v != (T)v) \
                    return node_error(n, ctx, ERR_NUMERIC_VALUE_OUT_OF_RANGE, TNAME " overflow in round: %lld", (long long)a); \
                out[r] = (T)v; \
            } \
        }); \
        return true; \
    }

DEFINE_INT_OPS(int8_t, "tinyint")
DEFINE_INT_OPS(int16_t, "smallint")
DEFINE_INT_OPS(int32_t, "integer")
DEFINE_INT_OPS(int64_t, "bigint")

/* ---- floating point ---- */

#define DEFINE_FLOAT_BINARY(NAME, T, EXPR) \
    static bool NAME(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count) \
    { \
        (void)ctx; \
        vector_view va = node_arg(n, 0), vb = node_arg(n, 1); \
        T *out = n->out.data; \
        BINARY_LOOP(T, T, va, vb, sel, count, r, a, b, out[r] = (T)(EXPR);); \
        return true; \
    }
#define DEFINE_FLOAT_UNARY(NAME, T, EXPR) \
    static bool NAME(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count) \
    { \
        (void)ctx; \
        vector_view va = node_arg(n, 0); \
        T *out = n->out.data; \
        UNARY_LOOP(T, va, sel, count, r, a, out[r] = (T)(EXPR);); \
        return true; \
    }

DEFINE_FLOAT_BINARY(double_add, double, a + b)
DEFINE_FLOAT_BINARY(double_subtract, double, a - b)
DEFINE_FLOAT_BINARY(double_multiply, double, a * b)
DEFINE_FLOAT_BINARY(double_divide, double, a / b)
DEFINE_FLOAT_BINARY(double_modulus, double, fmod(a, b))
DEFINE_FLOAT_BINARY(double_power, double, pow(a, b))
DEFINE_FLOAT_UNARY(double_negate, double, -a)
DEFINE_FLOAT_UNARY(double_abs, double, fabs(a))
DEFINE_FLOAT_UNARY(double_ceil, double, ceil(a))
DEFINE_FLOAT_UNARY(double_floor, double, floor(a))
DEFINE_FLOAT_UNARY(double_round, double, round(a))
DEFINE_FLOAT_UNARY(double_truncate, double, trunc(a))
DEFINE_FLOAT_UNARY(double_sign, double, isnan(a) ? a : (double)((a > 0) - (a < 0)))
DEFINE_FLOAT_UNARY(double_sqrt, double, sqrt(a))
DEFINE_FLOAT_UNARY(double_cbrt, double, cbrt(a))
DEFINE_FLOAT_UNARY(double_exp, double, exp(a))
DEFINE_FLOAT_UNARY(double_ln, double, log(a))
DEFINE_FLOAT_UNARY(double_log10, double, log10(a))
DEFINE_FLOAT_UNARY(double_log2, double, log2(a))
DEFINE_FLOAT_BINARY(real_add, float, a + b)
DEFINE_FLOAT_BINARY(real_subtract, float, a - b)
DEFINE_FLOAT_BINARY(real_multiply, float, a * b)
DEFINE_FLOAT_BINARY(real_divide, float, a / b)
DEFINE_FLOAT_BINARY(real_modulus, float, fmodf(a, b))
DEFINE_FLOAT_UNARY(real_negate, float, -a)
DEFINE_FLOAT_UNARY(real_abs, float, fabsf(a))
DEFINE_FLOAT_UNARY(real_ceil, float, ceilf(a))
DEFINE_FLOAT_UNARY(real_floor, float, floorf(a))
DEFINE_FLOAT_UNARY(real_round, float, roundf(a))
DEFINE_FLOAT_UNARY(real_truncate, float, truncf(a))

static double round_to(double a, int32_t digits)
{
    if (isnan(a) || isinf(a))
        return a;
    if (digits > 300 || digits < -300)
        return digits > 0 ? a : 0.0;
    double factor = pow(10.0, digits);
    double scaled = a * factor;
    if (isinf(scaled))
        return a;
    return round(scaled) / factor;
}

static bool double_round_n(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    (void)ctx;
    vector_view va = node_arg(n, 0), vb = node_arg(n, 1);
    double *out = n->out.data;
    BINARY_LOOP(double, int32_t, va, vb, sel, count, r, a, b, out[r] = round_to(a, b););
    return true;
}

static bool real_round_n(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    (void)ctx;
    vector_view va = node_arg(n, 0), vb = node_arg(n, 1);
    float *out = n->out.data;
    BINARY_LOOP(float, int32_t, va, vb, sel, count, r, a, b, out[r] = (float)round_to(a, b););
    return true;
}

/* ---- greatest / least (any orderable type, NULL if any argument is NULL) ---- */

static bool extreme(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count, int sign)
{
    vector_view views[16];
    for (int i = 0; i < n->child_count; i++)
        views[i] = node_arg(n, i);
    size_t size = type_value_size(n->type);
    unsigned char *out = n->out.data;
    bool is_double = n->type.kind == TYPE_DOUBLE || n->type.kind == TYPE_REAL;
    if (type_physical(n->type) == PHYSICAL_STRING)
        for (int i = 0; i < n->child_count; i++)
            if (!node_keep_child_strings(n, i, ctx->error))
                return false;
    ROW_LOOP(sel, count, r, {
        int best = 0;
        for (int i = 1; i < n->child_count; i++)
            if (compare_values(n->type, &views[i], r, &views[best], r) * sign > 0)
                best = i;
        if (is_double) {
            for (int i = 0; i < n->child_count; i++) {
                double d = n->type.kind == TYPE_DOUBLE ? VIEW_AT(double, views[i], r) : VIEW_AT(float, views[i], r);
                if (isnan(d))
                    return node_error(n, ctx, ERR_INVALID_FUNCTION_ARGUMENT, "Invalid argument to %s(): NaN",
                                      sign > 0 ? "greatest" : "least");
            }
        }
        uint32_t idx = views[best].selection ? views[best].selection[r] : r;
        memcpy(out + size * r, (const unsigned char *)views[best].data + size * idx, size);
    });
    return true;
}

static bool greatest_kernel(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    return extreme(n, ctx, sel, count, 1);
}

static bool least_kernel(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    return extreme(n, ctx, sel, count, -1);
}

/* ---- binding ---- */

typedef struct kernel_row {
    const char *name;
    scalar_kernel_fn i8, i16, i32, i64, f32, f64;
} kernel_row;

#define INT_ROW(NAME, OP) {NAME, int8_t_##OP, int16_t_##OP, int32_t_##OP, int64_t_##OP
static const kernel_row rows[] = {
    INT_ROW("$add", add), real_add, double_add},
    INT_ROW("$subtract", subtract), real_subtract, double_subtract},
    INT_ROW("$multiply", multiply), real_multiply, double_multiply},
    INT_ROW("$divide", divide), real_divide, double_divide},
    INT_ROW("$modulus", modulus), real_modulus, double_modulus},
    INT_ROW("mod", modulus), real_modulus, double_modulus},
    INT_ROW("$negate", negate), real_negate, double_negate},
    INT_ROW("abs", abs), real_abs, double_abs},
    INT_ROW("ceil", identity), real_ceil, double_ceil},
    INT_ROW("ceiling", identity), real_ceil, double_ceil},
    INT_ROW("floor", identity), real_floor, double_floor},
    INT_ROW("round", identity), real_round, double_round},
    {"truncate", NULL, NULL, NULL, NULL, real_truncate, double_truncate},
    INT_ROW("sign", sign), NULL, double_sign},
    {"sqrt", NULL, NULL, NULL, NULL, NULL, double_sqrt},
    {"cbrt", NULL, NULL, NULL, NULL, NULL, double_cbrt},
    {"exp", NULL, NULL, NULL, NULL, NULL, double_exp},
    {"ln", NULL, NULL, NULL, NULL, NULL, double_ln},
    {"log10", NULL, NULL, NULL, NULL, NULL, double_log10},
    {"log2", NULL, NULL, NULL, NULL, NULL, double_log2},
    {"power", NULL, NULL, NULL, NULL, NULL, double_power},
    {"pow", NULL, NULL, NULL, NULL, NULL, double_power},
};
static const kernel_row round_n_row = INT_ROW("round", round_n), real_round_n, double_round_n};

static bool bind_numeric(expr_node *n, const sql_type *args, int arg_count, sql_type ret,
                         shoal_error *error)
{
    const char *name = n->function_name;
    for (int i = 0; i < arg_count; i++) {
        if (args[i].kind == TYPE_DECIMAL)
            return decimal_bind(n, args, arg_count, ret, error);
        if (args[i].kind == TYPE_DATE || args[i].kind == TYPE_TIMESTAMP ||
            args[i].kind == TYPE_INTERVAL_DAY_TIME || args[i].kind == TYPE_INTERVAL_YEAR_MONTH)
            return datetime_bind_arithmetic(n, args, arg_count, ret, error);
    }
    const kernel_row *row = NULL;
    if (strcmp(name, "round") == 0 && arg_count == 2)
        row = &round_n_row;
    for (size_t i = 0; !row && i < sizeof rows / sizeof rows[0]; i++)
        if (strcmp(rows[i].name, name) == 0)
            row = &rows[i];
    scalar_kernel_fn k = NULL;
    if (row) {
        switch (args[0].kind) {
        case TYPE_TINYINT: k = row->i8; break;
        case TYPE_SMALLINT: k = row->i16; break;
        case TYPE_INTEGER: k = row->i32; break;
        case TYPE_BIGINT: k = row->i64; break;
        case TYPE_REAL: k = row->f32; break;
        case TYPE_DOUBLE: k = row->f64; break;
        default: break;
        }
    }
    if (!k)
        return error_set(error, ERR_FUNCTION_IMPLEMENTATION_MISSING, "No kernel for %s", name);
    n->kernel = k;
    return true;
}

static bool bind_extreme(expr_node *n, const sql_type *args, int arg_count, sql_type ret,
                         shoal_error *error)
{
    (void)args;
    (void)ret;
    if (arg_count > 16)
        return error_set(error, ERR_TOO_MANY_ARGUMENTS, "Too many arguments");
    n->kernel = strcmp(n->function_name, "greatest") == 0 ? greatest_kernel : least_kernel;
    return true;
}

const scalar_impl arithmetic_impls[] = {
    {"$add", bind_numeric},      {"$subtract", bind_numeric}, {"$multiply", bind_numeric},
    {"$divide", bind_numeric},   {"$modulus", bind_numeric},  {"$negate", bind_numeric},
};
const int arithmetic_impl_count = sizeof arithmetic_impls / sizeof arithmetic_impls[0];

const scalar_impl math_impls[] = {
    {"abs", bind_numeric},   {"ceil", bind_numeric},     {"ceiling", bind_numeric},
    {"floor", bind_numeric}, {"round", bind_numeric},    {"truncate", bind_numeric},
    {"sign", bind_numeric},  {"mod", bind_numeric},      {"sqrt", bind_numeric},
    {"cbrt", bind_numeric},  {"exp", bind_numeric},      {"ln", bind_numeric},
    {"log10", bind_numeric}, {"log2", bind_numeric},     {"power", bind_numeric},
    {"pow", bind_numeric},   {"greatest", bind_extreme}, {"least", bind_extreme},
};
const int math_impl_count = sizeof math_impls / sizeof math_impls[0];
