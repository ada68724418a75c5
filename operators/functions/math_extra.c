/*
 * math_extra.c — the rest of Trino's math functions: truncate(x, n),
 * width_bucket, random/rand (non-deterministic), e, pi, infinity, nan,
 * is_nan/is_finite/is_infinite, degrees/radians, the trigonometric and
 * hyperbolic functions, log(b, x), normal_cdf, sign on small types,
 * from_base/to_base and the bitwise functions. Each is a typed loop over
 * the argument views; messages follow Trino's MathFunctions/BitwiseFunctions.
 * Overloads this file does not know (e.g. truncate(double)) go to the older
 * family (arithmetic.c / decimal_ops.c).
 */
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "operators/expr_internal.h"

typedef __int128 i128;

#define UNARY_DOUBLE(NAME, EXPR) \
    static bool NAME(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count) \
    { \
        (void)ctx; \
        vector_view va = node_arg(n, 0); \
        double *out = n->out.data; \
        UNARY_LOOP(double, va, sel, count, r, a, out[r] = (EXPR);); \
        return true; \
    }

#define UNARY_BOOL(NAME, EXPR) \
    static bool NAME(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count) \
    { \
        (void)ctx; \
        vector_view va = node_arg(n, 0); \
        uint8_t *out = n->out.data; \
        UNARY_LOOP(double, va, sel, count, r, a, out[r] = (EXPR);); \
        return true; \
    }

#define BINARY_DOUBLE(NAME, EXPR) \
    static bool NAME(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count) \
    { \
        (void)ctx; \
        vector_view va = node_arg(n, 0), vb = node_arg(n, 1); \
        double *out = n->out.data; \
        BINARY_LOOP(double, double, va, vb, sel, count, r, a, b, out[r] = (EXPR);); \
        return true; \
    }

#define BINARY_BIGINT(NAME, EXPR) \
    static bool NAME(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count) \
    { \
        (void)ctx; \
        vector_view va = node_arg(n, 0), vb = node_arg(n, 1); \
        int64_t *out = n->out.data; \
        BINARY_LOOP(int64_t, int64_t, va, vb, sel, count, r, a, b, out[r] = (EXPR);); \
        return true; \
    }

UNARY_DOUBLE(degrees_kernel, a * (180.0 / M_PI))
UNARY_DOUBLE(radians_kernel, a * (M_PI / 180.0))
UNARY_DOUBLE(sin_kernel, sin(a))
UNARY_DOUBLE(cos_kernel, cos(a))
UNARY_DOUBLE(tan_kernel, tan(a))
UNARY_DOUBLE(asin_kernel, asin(a))
UNARY_DOUBLE(acos_kernel, acos(a))
UNARY_DOUBLE(atan_kernel, atan(a))
UNARY_DOUBLE(sinh_kernel, sinh(a))
UNARY_DOUBLE(cosh_kernel, cosh(a))
UNARY_DOUBLE(tanh_kernel, tanh(a))
UNARY_BOOL(is_nan_kernel, isnan(a))
UNARY_BOOL(is_finite_kernel, isfinite(a))
UNARY_BOOL(is_infinite_kernel, isinf(a))
BINARY_DOUBLE(atan2_kernel, atan2(a, b))
BINARY_DOUBLE(log_kernel, log(b) / log(a))
BINARY_BIGINT(bitwise_and_kernel, a & b)
BINARY_BIGINT(bitwise_or_kernel, a | b)
BINARY_BIGINT(bitwise_xor_kernel, a ^ b)
/* Trino: a shift of 64 or more gives 0 (arithmetic: the sign) */
BINARY_BIGINT(shift_left_kernel, (b < 0 || b >= 64) ? 0 : (int64_t)((uint64_t)a << b))
BINARY_BIGINT(shift_right_kernel, (b < 0 || b >= 64) ? 0 : (int64_t)((uint64_t)a >> b))
BINARY_BIGINT(shift_right_arith_kernel, (b < 0 || b >= 64) ? (a < 0 ? -1 : 0) : a >> b)

static bool bitwise_not_kernel(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    (void)ctx;
    vector_view va = node_arg(n, 0);
    int64_t *out = n->out.data;
    UNARY_LOOP(int64_t, va, sel, count, r, a, out[r] = ~a;);
    return true;
}

static bool bit_count_kernel(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    vector_view va = node_arg(n, 0), vb = node_arg(n, 1);
    int64_t *out = n->out.data;
    BINARY_LOOP(int64_t, int64_t, va, vb, sel, count, r, a, bits, {
        if (bits < 2 || bits > 64)
            return node_error(n, ctx, ERR_INVALID_FUNCTION_ARGUMENT, "Bits specified in bit_count must be between 2 and 64, got %lld",
                              (long long)bits);
        int64_t low = bits == 64 ? INT64_MIN : -(INT64_C(1) << (bits - 1));
        int64_t high = bits == 64 ? INT64_MAX : (INT64_C(1) << (bits - 1)) - 1;
        if (a < low || a > high)
            return node_error(n, ctx, ERR_INVALID_FUNCTION_ARGUMENT, "Number must be representable with the bits specified. %lld can not be represented with %lld bits",
                              (long long)a, (long long)bits);
        uint64_t mask = bits == 64 ? UINT64_MAX : (UINT64_C(1) << bits) - 1;
        out[r] = __builtin_popcountll((uint64_t)a & mask);
    });
    return true;
}

/* ---- constants ---- */

static bool constant_kernel(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    (void)ctx;
    double *out = n->out.data;
    double v;
    memcpy(&v, &n->k[0], sizeof v);
    ROW_LOOP(sel, count, r, out[r] = v;);
    return true;
}

/* ---- random: a per-node xoshiro256** stream seeded from the clock ---- */

typedef struct rng {
    uint64_t s[4];
} rng;

static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static inline uint64_t rng_next(rng *g)
{
    uint64_t *s = g->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

static rng *rng_of(expr_node *n)
{
    if (!n->data) {
        static _Atomic uint64_t sequence;
        rng *g = malloc(sizeof *g);
        if (!g)
            return NULL;
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        uint64_t x = (uint64_t)ts.tv_nsec * 0x9E3779B97F4A7C15ULL ^ (uint64_t)ts.tv_sec ^
                     (atomic_fetch_add(&sequence, 1) + 1) * 0xBF58476D1CE4E5B9ULL ^ (uint64_t)(uintptr_t)n;
        for (int i = 0; i < 4; i++) { /* splitmix64 */
            x += 0x9E3779B97F4A7C15ULL;
            uint64_t z = x;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
            g->s[i] = z ^ (z >> 31);
        }
        n->data = g;
    }
    return n->data;
}

static bool random_double_kernel(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    rng *g = rng_of(n);
    if (!g)
        return node_error(n, ctx, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
    double *out = n->out.data;
    ROW_LOOP(sel, count, r, out[r] = (double)(rng_next(g) >> 11) * 0x1.0p-53;);
    return true;
}

static inline uint64_t bounded(rng *g, uint64_t range)
{
    return (uint64_t)(((unsigned __int128)rng_next(g) * range) >> 64);
}

static bool random_bounded_kernel(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    rng *g = rng_of(n);
    if (!g)
        return node_error(n, ctx, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
    vector_view va = node_arg(n, 0);
    physical_type p = type_physical(n->type);
    ROW_LOOP(sel, count, r, {
        uint32_t i = va.selection ? va.selection[r] : r;
        int64_t bound = p == PHYSICAL_INT8 ? ((const int8_t *)va.data)[i]
                        : p == PHYSICAL_INT16 ? ((const int16_t *)va.data)[i]
                        : p == PHYSICAL_INT32 ? ((const int32_t *)va.data)[i]
                                              : ((const int64_t *)va.data)[i];
        if (bound <= 0)
            return node_error(n, ctx, ERR_INVALID_FUNCTION_ARGUMENT, "bound must be positive");
        int64_t v = (int64_t)bounded(g, (uint64_t)bound);
        switch (p) {
        case PHYSICAL_INT8: ((int8_t *)n->out.data)[r] = (int8_t)v; break;
        case PHYSICAL_INT16: ((int16_t *)n->out.data)[r] = (int16_t)v; break;
        case PHYSICAL_INT32: ((int32_t *)n->out.data)[r] = (int32_t)v; break;
        default: ((int64_t *)n->out.data)[r] = v; break;
        }
    });
    return true;
}

static bool random_range_kernel(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    rng *g = rng_of(n);
    if (!g)
        return node_error(n, ctx, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
    vector_view va = node_arg(n, 0), vb = node_arg(n, 1);
    int64_t *out = n->out.data;
    BINARY_LOOP(int64_t, int64_t, va, vb, sel, count, r, lo, hi, {
        if (lo >= hi)
            return node_error(n, ctx, ERR_INVALID_FUNCTION_ARGUMENT, "start value must be less than stop value");
        out[r] = (int64_t)((uint64_t)lo + bounded(g, (uint64_t)hi - (uint64_t)lo));
    });
    return true;
}

/* ---- truncate(x, n) ---- */

static double truncate_to(double a, int64_t digits)
{
    if (isnan(a) || isinf(a))
        return a;
    if (digits >= 0) {
        if (digits > 300)
            return a;
        double factor = pow(10.0, (double)digits), scaled = a * factor;
        if (isinf(scaled))
            return a;
        return trunc(scaled) / factor;
    }
    if (digits < -308)
        return 0.0 * a;
    double factor = pow(10.0, (double)-digits);
    return trunc(a / factor) * factor;
}

static bool truncate_n_double(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    (void)ctx;
    vector_view va = node_arg(n, 0), vb = node_arg(n, 1);
    double *out = n->out.data;
    BINARY_LOOP(double, int32_t, va, vb, sel, count, r, a, b, out[r] = truncate_to(a, b););
    return true;
}

static bool truncate_n_real(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    (void)ctx;
    vector_view va = node_arg(n, 0), vb = node_arg(n, 1);
    float *out = n->out.data;
    BINARY_LOOP(float, int32_t, va, vb, sel, count, r, a, b, out[r] = (float)truncate_to(a, b););
    return true;
}

/* truncate(decimal(p,s), n): drops digits below 10^-n, keeps the type */
static bool truncate_n_decimal(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    (void)ctx;
    vector_view va = node_arg(n, 0), vb = node_arg(n, 1);
    int scale = n->type.scale;
    bool is_long = n->type.precision > DECIMAL_MAX_SHORT_PRECISION;
    ROW_LOOP(sel, count, r, {
        uint32_t ia = va.selection ? va.selection[r] : r;
        i128 a = is_long ? ((const i128 *)va.data)[ia] : ((const int64_t *)va.data)[ia];
        int32_t digits = VIEW_AT(int32_t, vb, r);
        int drop = scale - digits;
        if (drop > 0) {
            if (drop > 38) {
                a = 0;
            } else {
                i128 p = 1;
                for (int i = 0; i < drop; i++)
                    p *= 10;
                a = a / p * p;
            }
        }
        if (is_long)
            ((i128 *)n->out.data)[r] = a;
        else
            ((int64_t *)n->out.data)[r] = (int64_t)a;
    });
    return true;
}

/* ---- width_bucket ---- */

static bool width_bucket_kernel(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    vector_view vx = node_arg(n, 0), v1 = node_arg(n, 1), v2 = node_arg(n, 2), vc = node_arg(n, 3);
    int64_t *out = n->out.data;
    ROW_LOOP(sel, count, r, {
        double x = VIEW_AT(double, vx, r), b1 = VIEW_AT(double, v1, r), b2 = VIEW_AT(double, v2, r);
        int64_t buckets = VIEW_AT(int64_t, vc, r);
        if (buckets <= 0)
            return node_error(n, ctx, ERR_INVALID_FUNCTION_ARGUMENT, "bucketCount must be greater than 0");
        if (isnan(x))
            return node_error(n, ctx, ERR_INVALID_FUNCTION_ARGUMENT, "operand must not be NaN");
        if (!isfinite(b1))
            return node_error(n, ctx, ERR_INVALID_FUNCTION_ARGUMENT, "first bound must be finite");
        if (!isfinite(b2))
            return node_error(n, ctx, ERR_INVALID_FUNCTION_ARGUMENT, "second bound must be finite");
        if (b1 == b2)
            return node_error(n, ctx, ERR_INVALID_FUNCTION_ARGUMENT, "bounds cannot equal each other");
        int64_t result;
        bool ascending = b1 < b2;
        if (ascending ? x < b1 : x > b1) {
            result = 0;
        } else if (ascending ? x >= b2 : x <= b2) {
            if (buckets == INT64_MAX)
                return node_error(n, ctx, ERR_NUMERIC_VALUE_OUT_OF_RANGE, "Bucket for value %g is out of range", x);
            result = buckets + 1;
        } else {
            result = (int64_t)((double)buckets * (ascending ? x - b1 : b1 - x) / (ascending ? b2 - b1 : b1 - b2) + 1);
        }
        out[r] = result;
    });
    return true;
}

static bool normal_cdf_kernel(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    vector_view vm = node_arg(n, 0), vs = node_arg(n, 1), vv = node_arg(n, 2);
    double *out = n->out.data;
    ROW_LOOP(sel, count, r, {
        double mean = VIEW_AT(double, vm, r), sd = VIEW_AT(double, vs, r), v = VIEW_AT(double, vv, r);
        if (!(sd > 0))
            return node_error(n, ctx, ERR_INVALID_FUNCTION_ARGUMENT, "standardDeviation must be > 0");
        out[r] = 0.5 * erfc(-(v - mean) / (sd * M_SQRT2));
    });
    return true;
}

#define SIGN_KERNEL(NAME, T) \
    static bool NAME(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count) \
    { \
        (void)ctx; \
        vector_view va = node_arg(n, 0); \
        T *out = n->out.data; \
        UNARY_LOOP(T, va, sel, count, r, a, out[r] = isnan((double)a) ? a : (T)((a > 0) - (a < 0));); \
        return true; \
    }
SIGN_KERNEL(sign_real, float)
SIGN_KERNEL(sign_i8, int8_t)
SIGN_KERNEL(sign_i16, int16_t)

/* ---- from_base / to_base ---- */

static bool check_radix(expr_node *n, eval_context *ctx, int64_t radix)
{
    if (radix < 2 || radix > 36)
        return node_error(n, ctx, ERR_INVALID_FUNCTION_ARGUMENT, "Radix must be between 2 and 36");
    return true;
}

static bool from_base_kernel(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    vector_view vs = node_arg(n, 0), vr = node_arg(n, 1);
    int64_t *out = n->out.data;
    ROW_LOOP(sel, count, r, {
        string_view s = VIEW_AT(string_view, vs, r);
        int64_t radix = VIEW_AT(int64_t, vr, r);
        if (!check_radix(n, ctx, radix))
            return false;
        const char *d = string_view_data(&s);
        uint32_t i = 0;
        bool negative = false;
        if (i < s.length && (d[i] == '-' || d[i] == '+'))
            negative = d[i++] == '-';
        bool ok = i < s.length;
        unsigned __int128 v = 0;
        for (; ok && i < s.length; i++) {
            int c = (unsigned char)d[i], digit;
            if (c >= '0' && c <= '9')
                digit = c - '0';
            else if (c >= 'a' && c <= 'z')
                digit = c - 'a' + 10;
            else if (c >= 'A' && c <= 'Z')
                digit = c - 'A' + 10;
            else
                digit = 99;
            ok = digit < radix;
            v = v * (unsigned)radix + (unsigned)digit;
            ok = ok && v <= (unsigned __int128)INT64_MAX + (negative ? 1 : 0);
        }
        if (!ok)
            return node_error(n, ctx, ERR_INVALID_FUNCTION_ARGUMENT, "Not a valid base-%lld number: %.*s", (long long)radix,
                              (int)s.length, d);
        out[r] = negative ? (int64_t)(0 - (uint64_t)v) : (int64_t)v;
    });
    return true;
}

static bool to_base_kernel(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    vector_view vv = node_arg(n, 0), vr = node_arg(n, 1);
    ROW_LOOP(sel, count, r, {
        int64_t value = VIEW_AT(int64_t, vv, r), radix = VIEW_AT(int64_t, vr, r);
        if (!check_radix(n, ctx, radix))
            return false;
        char digits[72];
        int at = (int)sizeof digits;
        uint64_t mag = value < 0 ? 0 - (uint64_t)value : (uint64_t)value;
        do {
            digits[--at] = "0123456789abcdefghijklmnopqrstuvwxyz"[mag % (uint64_t)radix];
            mag /= (uint64_t)radix;
        } while (mag);
        if (value < 0)
            digits[--at] = '-';
        uint32_t length = (uint32_t)(sizeof digits - (size_t)at);
        char *p = length <= STRING_INLINE_MAX ? digits + at : node_string_reserve(n, length, ctx->error);
        if (!p)
            return false;
        if (p != digits + at)
            memcpy(p, digits + at, length);
        ((string_view *)n->out.data)[r] = string_view_make(p, length);
    });
    return true;
}

/* ---- binding ---- */

typedef struct math_kernel {
    const char *name;
    int arg_count;
    type_kind first;      /* TYPE_UNKNOWN: any */
    scalar_kernel_fn kernel;
} math_kernel;

static const math_kernel kernels[] = {
    {"truncate", 2, TYPE_DOUBLE, truncate_n_double},
    {"truncate", 2, TYPE_REAL, truncate_n_real},
    {"truncate", 2, TYPE_DECIMAL, truncate_n_decimal},
    {"width_bucket", 4, TYPE_UNKNOWN, width_bucket_kernel},
    {"random", 0, TYPE_UNKNOWN, random_double_kernel},
    {"rand", 0, TYPE_UNKNOWN, random_double_kernel},
    {"random", 1, TYPE_UNKNOWN, random_bounded_kernel},
    {"rand", 1, TYPE_UNKNOWN, random_bounded_kernel},
    {"random", 2, TYPE_UNKNOWN, random_range_kernel},
    {"e", 0, TYPE_UNKNOWN, constant_kernel},
    {"pi", 0, TYPE_UNKNOWN, constant_kernel},
    {"infinity", 0, TYPE_UNKNOWN, constant_kernel},
    {"nan", 0, TYPE_UNKNOWN, constant_kernel},
    {"is_nan", 1, TYPE_UNKNOWN, is_nan_kernel},
    {"is_finite", 1, TYPE_UNKNOWN, is_finite_kernel},
    {"is_infinite", 1, TYPE_UNKNOWN, is_infinite_kernel},
    {"degrees", 1, TYPE_UNKNOWN, degrees_kernel},
    {"radians", 1, TYPE_UNKNOWN, radians_kernel},
    {"sin", 1, TYPE_UNKNOWN, sin_kernel},
    {"cos", 1, TYPE_UNKNOWN, cos_kernel},
    {"tan", 1, TYPE_UNKNOWN, tan_kernel},
    {"asin", 1, TYPE_UNKNOWN, asin_kernel},
    {"acos", 1, TYPE_UNKNOWN, acos_kernel},
    {"atan", 1, TYPE_UNKNOWN, atan_kernel},
    {"atan2", 2, TYPE_UNKNOWN, atan2_kernel},
    {"sinh", 1, TYPE_UNKNOWN, sinh_kernel},
    {"cosh", 1, TYPE_UNKNOWN, cosh_kernel},
    {"tanh", 1, TYPE_UNKNOWN, tanh_kernel},
    {"log", 2, TYPE_UNKNOWN, log_kernel},
    {"sign", 1, TYPE_REAL, sign_real},
    {"sign", 1, TYPE_TINYINT, sign_i8},
    {"sign", 1, TYPE_SMALLINT, sign_i16},
    {"normal_cdf", 3, TYPE_UNKNOWN, normal_cdf_kernel},
    {"from_base", 2, TYPE_UNKNOWN, from_base_kernel},
    {"to_base", 2, TYPE_UNKNOWN, to_base_kernel},
    {"bitwise_and", 2, TYPE_UNKNOWN, bitwise_and_kernel},
    {"bitwise_or", 2, TYPE_UNKNOWN, bitwise_or_kernel},
    {"bitwise_xor", 2, TYPE_UNKNOWN, bitwise_xor_kernel},
    {"bitwise_not", 1, TYPE_UNKNOWN, bitwise_not_kernel},
    {"bit_count", 2, TYPE_UNKNOWN, bit_count_kernel},
    {"bitwise_left_shift", 2, TYPE_UNKNOWN, shift_left_kernel},
    {"bitwise_right_shift", 2, TYPE_UNKNOWN, shift_right_kernel},
    {"bitwise_right_shift_arithmetic", 2, TYPE_UNKNOWN, shift_right_arith_kernel},
};

static bool bind_math_extra(expr_node *n, const sql_type *args, int arg_count, sql_type ret,
                            shoal_error *error);

#define IMPL(name) {name, bind_math_extra}
const scalar_impl math_extra_impls[] = {
    IMPL("truncate"), IMPL("width_bucket"), IMPL("random"), IMPL("rand"), IMPL("e"), IMPL("pi"),
    IMPL("infinity"), IMPL("nan"), IMPL("is_nan"), IMPL("is_finite"), IMPL("is_infinite"),
    IMPL("degrees"), IMPL("radians"), IMPL("sin"), IMPL("cos"), IMPL("tan"), IMPL("asin"),
    IMPL("acos"), IMPL("atan"), IMPL("atan2"), IMPL("sinh"), IMPL("cosh"), IMPL("tanh"),
    IMPL("log"), IMPL("sign"), IMPL("normal_cdf"), IMPL("from_base"), IMPL("to_base"),
    IMPL("bitwise_and"), IMPL("bitwise_or"), IMPL("bitwise_xor"), IMPL("bitwise_not"),
    IMPL("bit_count"), IMPL("bitwise_left_shift"), IMPL("bitwise_right_shift"),
    IMPL("bitwise_right_shift_arithmetic"),
};
const int math_extra_impl_count = sizeof math_extra_impls / sizeof math_extra_impls[0];

static bool bind_math_extra(expr_node *n, const sql_type *args, int arg_count, sql_type ret,
                            shoal_error *error)
{
    const char *name = n->function_name;
    for (size_t i = 0; i < sizeof kernels / sizeof kernels[0]; i++) {
        const math_kernel *k = &kernels[i];
        if (strcmp(k->name, name) != 0 || k->arg_count != arg_count ||
            (k->first != TYPE_UNKNOWN && args[0].kind != k->first))
            continue;
        n->kernel = k->kernel;
        if (k->kernel == constant_kernel) {
            double v = strcmp(name, "e") == 0 ? M_E : strcmp(name, "pi") == 0 ? M_PI
                       : strcmp(name, "infinity") == 0 ? INFINITY : NAN;
            memcpy(&n->k[0], &v, sizeof v);
        }
        return true;
    }
    for (int i = 0; i < math_extra_impl_count; i++)
        if (strcmp(math_extra_impls[i].name, name) == 0)
            return expr_functions_bind_next(&math_extra_impls[i], n, args, arg_count, ret, error);
    return error_set(error, ERR_FUNCTION_IMPLEMENTATION_MISSING, "No kernel for %s", name);
}
