/*
 * decimal_ops.c — decimal arithmetic with Trino's result types (computed by
 * the registry) and HALF_UP rounding: + - * / %, negation, abs, ceil/floor/
 * round/truncate, round(x, n), sign. Short decimals are int64, long ones
 * __int128; + - * have loops specialised per (short|long)^3 combination, and
 * results at precision 38 are checked ("Decimal overflow").
 */
#include <string.h>

#include "connectors/spi/decimal.h"
#include "operators/expr_internal.h"

typedef __int128 i128;

static inline bool fits38(i128 v)
{
    static const i128 limit = (i128)10000000000000000000ULL * (i128)10000000000000000000ULL; /* 10^38 */
    return v < limit && v > -limit;
}

#define DECIMAL_OVERFLOW() node_error(n, ctx, ERR_NUMERIC_VALUE_OUT_OF_RANGE, "Decimal overflow")

/* a * fa  OP  b * fb with fa, fb the rescale factors (one of them is 1) */
#define DEFINE_ADD_SUB(NAME, TA, TB, OPNAME) \
    static bool NAME(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count) \
    { \
        vector_view va = node_arg(n, 0), vb = node_arg(n, 1); \
        i128 fa = n->k128[0], fb = n->k128[1]; \
        i128 *out = n->out.data; \
        BINARY_LOOP(TA, TB, va, vb, sel, count, r, a, b, { \
            i128 x, y, z; \
            if (__builtin_mul_overflow((i128)a, fa, &x) || __builtin_mul_overflow((i128)b, fb, &y) || \
                __builtin_##OPNAME##_overflow(x, y, &z) || !fits38(z)) \
                return DECIMAL_OVERFLOW(); \
            out[r] = z; \
        }); \
        return true; \
    }

DEFINE_ADD_SUB(add_ssl, int64_t, int64_t, add)
DEFINE_ADD_SUB(add_sll, int64_t, i128, add)
DEFINE_ADD_SUB(add_lsl, i128, int64_t, add)
DEFINE_ADD_SUB(add_lll, i128, i128, add)
DEFINE_ADD_SUB(sub_ssl, int64_t, int64_t, sub)
DEFINE_ADD_SUB(sub_sll, int64_t, i128, sub)
DEFINE_ADD_SUB(sub_lsl, i128, int64_t, sub)
DEFINE_ADD_SUB(sub_lll, i128, i128, sub)

/* short + short -> short: cannot overflow (18 digits fit int64) */
static bool add_sss(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    (void)ctx;
    vector_view va = node_arg(n, 0), vb = node_arg(n, 1);
    int64_t fa = (int64_t)n->k128[0], fb = (int64_t)n->k128[1];
    int64_t *out = n->out.data;
    if (fa == 1 && fb == 1)
        BINARY_LOOP(int64_t, int64_t, va, vb, sel, count, r, a, b, out[r] = a + b;);
    else
        BINARY_LOOP(int64_t, int64_t, va, vb, sel, count, r, a, b, out[r] = a * fa + b * fb;);
    return true;
}

static bool sub_sss(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    (void)ctx;
    vector_view va = node_arg(n, 0), vb = node_arg(n, 1);
    int64_t fa = (int64_t)n->k128[0], fb = (int64_t)n->k128[1];
    int64_t *out = n->out.data;
    if (fa == 1 && fb == 1)
        BINARY_LOOP(int64_t, int64_t, va, vb, sel, count, r, a, b, out[r] = a - b;);
    else
        BINARY_LOOP(int64_t, int64_t, va, vb, sel, count, r, a, b, out[r] = a * fa - b * fb;);
    return true;
}

static bool mul_sss(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    (void)ctx;
    vector_view va = node_arg(n, 0), vb = node_arg(n, 1);
    int64_t *out = n->out.data;
    BINARY_LOOP(int64_t, int64_t, va, vb, sel, count, r, a, b, out[r] = a * b;);
    return true;
}

static bool mul_ssl(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    (void)ctx;
    vector_view va = node_arg(n, 0), vb = node_arg(n, 1);
    i128 *out = n->out.data;
    BINARY_LOOP(int64_t, int64_t, va, vb, sel, count, r, a, b, out[r] = (i128)a * b;);
    return true;
}

#define DEFINE_MUL(NAME, TA, TB) \
    static bool NAME(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count) \
    { \
        vector_view va = node_arg(n, 0), vb = node_arg(n, 1); \
        i128 *out = n->out.data; \
        BINARY_LOOP(TA, TB, va, vb, sel, count, r, a, b, { \
            i128 z; \
            if (__builtin_mul_overflow((i128)a, (i128)b, &z) || !fits38(z)) \
                return DECIMAL_OVERFLOW(); \
            out[r] = z; \
        }); \
        return true; \
    }

DEFINE_MUL(mul_sll, int64_t, i128)
DEFINE_MUL(mul_lsl, i128, int64_t)
DEFINE_MUL(mul_lll, i128, i128)

/* ---- the general (per-row load) kernels ---- */

static inline i128 load(const vector_view *v, bool is_long, uint32_t r)
{
    return is_long ? VIEW_AT(i128, *v, r) : (i128)VIEW_AT(int64_t, *v, r);
}

static inline void store(expr_node *n, uint32_t r, i128 value)
{
    if (type_physical(n->type) == PHYSICAL_INT128)
        ((i128 *)n->out.data)[r] = value;
    else
        ((int64_t *)n->out.data)[r] = (int64_t)value;
}

enum { K_A_LONG, K_B_LONG, K_SHIFT, K_EXTRA };

static bool divide_kernel(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    vector_view va = node_arg(n, 0), vb = node_arg(n, 1);
    bool al = n->k[K_A_LONG], bl = n->k[K_B_LONG];
    int shift = (int)n->k[K_SHIFT];
    int precision = n->type.precision;
    ROW_LOOP(sel, count, r, {
        i128 a = load(&va, al, r), b = load(&vb, bl, r), q;
        if (b == 0)
            return node_error(n, ctx, ERR_DIVISION_BY_ZERO, "Division by zero");
        if (!decimal_divide(a, shift, b, &q) || !decimal_fits(q, precision))
            return DECIMAL_OVERFLOW();
        store(n, r, q);
    });
    return true;
}

static bool modulus_kernel(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    vector_view va = node_arg(n, 0), vb = node_arg(n, 1);
    bool al = n->k[K_A_LONG], bl = n->k[K_B_LONG];
    int s1 = n->children[0]->type.scale, s2 = n->children[1]->type.scale;
    int s = n->type.scale;
    ROW_LOOP(sel, count, r, {
        i128 a = load(&va, al, r), b = load(&vb, bl, r), x, y;
        if (b == 0)
            return node_error(n, ctx, ERR_DIVISION_BY_ZERO, "Division by zero");
        if (!decimal_rescale(a, s1, s, &x) || !decimal_rescale(b, s2, s, &y))
            return DECIMAL_OVERFLOW();
        store(n, r, x % y);
    });
    return true;
}

static bool negate_kernel(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    (void)ctx;
    vector_view va = node_arg(n, 0);
    bool al = n->k[K_A_LONG];
    ROW_LOOP(sel, count, r, store(n, r, -load(&va, al, r)););
    return true;
}

static bool abs_kernel(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    (void)ctx;
    vector_view va = node_arg(n, 0);
    bool al = n->k[K_A_LONG];
    ROW_LOOP(sel, count, r, {
        i128 a = load(&va, al, r);
        store(n, r, a < 0 ? -a : a);
    });
    return true;
}

static bool sign_kernel(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    (void)ctx;
    vector_view va = node_arg(n, 0);
    bool al = n->k[K_A_LONG];
    ROW_LOOP(sel, count, r, {
        i128 a = load(&va, al, r);
        store(n, r, (a > 0) - (a < 0));
    });
    return true;
}

typedef enum round_mode { ROUND_HALF_UP, ROUND_FLOOR, ROUND_CEIL, ROUND_DOWN } round_mode;

static i128 divide_pow10(i128 a, int digits, round_mode mode)
{
    if (digits <= 0)
        return a;
    if (digits > 38)
        return 0;
    i128 p = decimal_pow10(digits), q = a / p, rem = a % p;
    switch (mode) {
    case ROUND_HALF_UP: return decimal_div_pow10_round(a, digits);
    case ROUND_FLOOR: return rem < 0 ? q - 1 : q;
    case ROUND_CEIL: return rem > 0 ? q + 1 : q;
    case ROUND_DOWN: return q;
    }
    return q;
}

/* floor/ceil/round/truncate(decimal(p,s)) -> decimal(rp, 0) */
static bool round_kernel(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    (void)ctx;
    vector_view va = node_arg(n, 0);
    bool al = n->k[K_A_LONG];
    int s = n->children[0]->type.scale;
    round_mode mode = (round_mode)n->k[K_EXTRA];
    ROW_LOOP(sel, count, r, store(n, r, divide_pow10(load(&va, al, r), s, mode)););
    return true;
}

/* round(decimal(p,s), d) -> decimal(p+1, s) */
static bool round_n_kernel(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    vector_view va = node_arg(n, 0), vd = node_arg(n, 1);
    bool al = n->k[K_A_LONG];
    int s = n->children[0]->type.scale;
    ROW_LOOP(sel, count, r, {
        i128 a = load(&va, al, r);
        int32_t d = VIEW_AT(int32_t, vd, r);
        i128 v = a;
        if (d < s) {
            int drop = s - d;
            if (drop > 38) {
                v = 0;
            } else {
                i128 q = decimal_div_pow10_round(a, drop);
                if (__builtin_mul_overflow(q, decimal_pow10(drop), &v) || !decimal_fits(v, n->type.precision))
                    return DECIMAL_OVERFLOW();
            }
        }
        store(n, r, v);
    });
    return true;
}

/* ---- binding ---- */

static bool is_long(sql_type t)
{
    return t.precision > DECIMAL_MAX_SHORT_PRECISION;
}

static scalar_kernel_fn pick3(bool al, bool bl, bool rl, scalar_kernel_fn sss, scalar_kernel_fn ssl,
                              scalar_kernel_fn sll, scalar_kernel_fn lsl, scalar_kernel_fn lll)
{
    if (!rl)
        return sss;
    if (!al && !bl)
        return ssl;
    if (!al)
        return sll;
    if (!bl)
        return lsl;
    return lll;
}

bool decimal_bind(expr_node *n, const sql_type *args, int arg_count, sql_type ret,
                  shoal_error *error)
{
    const char *name = n->function_name;
    bool al = is_long(args[0]), bl = arg_count > 1 && args[1].kind == TYPE_DECIMAL && is_long(args[1]);
    bool rl = ret.kind == TYPE_DECIMAL && is_long(ret);
    n->k[K_A_LONG] = al;
    n->k[K_B_LONG] = bl;
    if (strcmp(name, "$add") == 0 || strcmp(name, "$subtract") == 0) {
        int s = ret.scale;
        n->k128[0] = decimal_pow10(s - args[0].scale);
        n->k128[1] = decimal_pow10(s - args[1].scale);
        bool add = name[1] == 'a';
        n->kernel = add ? pick3(al, bl, rl, add_sss, add_ssl, add_sll, add_lsl, add_lll)
                        : pick3(al, bl, rl, sub_sss, sub_ssl, sub_sll, sub_lsl, sub_lll);
        return true;
    }
    if (strcmp(name, "$multiply") == 0) {
        if (args[0].scale + args[1].scale > DECIMAL_MAX_PRECISION)
            return error_set(error, ERR_NUMERIC_VALUE_OUT_OF_RANGE,
                             "DECIMAL scale must be in range [0, precision (38)]: %d",
                             args[0].scale + args[1].scale);
        n->kernel = pick3(al, bl, rl, mul_sss, mul_ssl, mul_sll, mul_lsl, mul_lll);
        return true;
    }
    if (strcmp(name, "$divide") == 0) {
        n->k[K_SHIFT] = ret.scale - args[0].scale + args[1].scale;
        n->kernel = divide_kernel;
        return true;
    }
    if (strcmp(name, "$modulus") == 0 || strcmp(name, "mod") == 0) {
        n->kernel = modulus_kernel;
        return true;
    }
    if (strcmp(name, "$negate") == 0) {
        n->kernel = negate_kernel;
        return true;
    }
    if (strcmp(name, "abs") == 0) {
        n->kernel = abs_kernel;
        return true;
    }
    if (strcmp(name, "sign") == 0) {
        n->kernel = sign_kernel;
        return true;
    }
    if (strcmp(name, "round") == 0 && arg_count == 2) {
        n->kernel = round_n_kernel;
        return true;
    }
    static const struct {
        const char *name;
        round_mode mode;
    } rounding[] = {{"round", ROUND_HALF_UP}, {"floor", ROUND_FLOOR}, {"ceil", ROUND_CEIL},
                    {"ceiling", ROUND_CEIL},  {"truncate", ROUND_DOWN}};
    for (size_t i = 0; i < sizeof rounding / sizeof rounding[0]; i++) {
        if (strcmp(rounding[i].name, name) == 0) {
            n->k[K_EXTRA] = rounding[i].mode;
            n->kernel = round_kernel;
            return true;
        }
    }
    return error_set(error, ERR_FUNCTION_IMPLEMENTATION_MISSING, "No decimal kernel for %s", name);
}

const scalar_impl decimal_ops_impls[] = {{"$add", decimal_bind}};
const int decimal_ops_impl_count = 0; /* reached through arithmetic/math dispatch */
