/*
 * comparison.c — $equal, $not_equal, $less_than, $less_than_or_equal,
 * $greater_than, $greater_than_or_equal over every scalar physical type
 * (both arguments bound to one type by the registry). Each has a value
 * kernel (boolean vector) and a select kernel (positions that are TRUE) for
 * filters; loops are specialised for flat/flat and column-vs-constant.
 */
#include <string.h>

#include "operators/expr_internal.h"

typedef enum compare_op { OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE, OP_COUNT } compare_op;

#define NUM_EQ(a, b) ((a) == (b))
#define NUM_NE(a, b) ((a) != (b))
#define NUM_LT(a, b) ((a) < (b))
#define NUM_LE(a, b) ((a) <= (b))
#define NUM_GT(a, b) ((a) > (b))
#define NUM_GE(a, b) ((a) >= (b))
#define STR_EQ(a, b) string_view_equal(&(a), &(b))
#define STR_NE(a, b) (!string_view_equal(&(a), &(b)))
#define STR_LT(a, b) (string_view_compare(&(a), &(b)) < 0)
#define STR_LE(a, b) (string_view_compare(&(a), &(b)) <= 0)
#define STR_GT(a, b) (string_view_compare(&(a), &(b)) > 0)
#define STR_GE(a, b) (string_view_compare(&(a), &(b)) >= 0)
#define TZ_EQ(a, b) ((a).micros_utc == (b).micros_utc)
#define TZ_NE(a, b) ((a).micros_utc != (b).micros_utc)
#define TZ_LT(a, b) ((a).micros_utc < (b).micros_utc)
#define TZ_LE(a, b) ((a).micros_utc <= (b).micros_utc)
#define TZ_GT(a, b) ((a).micros_utc > (b).micros_utc)
#define TZ_GE(a, b) ((a).micros_utc >= (b).micros_utc)

#define DEFINE_COMPARE(NAME, T, CMP) \
    static bool NAME##_eval(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count) \
    { \
        (void)ctx; \
        vector_view va = node_arg(n, 0), vb = node_arg(n, 1); \
        uint8_t *out = n->out.data; \
        BINARY_LOOP(T, T, va, vb, sel, count, r, a, b, out[r] = CMP(a, b);); \
        return true; \
    } \
    static uint32_t NAME##_select(expr_node *n, const uint32_t *sel, uint32_t count, uint32_t *out) \
    { \
        vector_view va = node_arg(n, 0), vb = node_arg(n, 1); \
        uint32_t m = 0; \
        BINARY_LOOP(T, T, va, vb, sel, count, r, a, b, out[m] = r; m += CMP(a, b) ? 1 : 0;); \
        return m; \
    }

#define DEFINE_ALL_OPS(PREFIX, T, KIND) \
    DEFINE_COMPARE(PREFIX##_eq, T, KIND##_EQ) \
    DEFINE_COMPARE(PREFIX##_ne, T, KIND##_NE) \
    DEFINE_COMPARE(PREFIX##_lt, T, KIND##_LT) \
    DEFINE_COMPARE(PREFIX##_le, T, KIND##_LE) \
    DEFINE_COMPARE(PREFIX##_gt, T, KIND##_GT) \
    DEFINE_COMPARE(PREFIX##_ge, T, KIND##_GE)

DEFINE_ALL_OPS(cmp_u8, uint8_t, NUM)
DEFINE_ALL_OPS(cmp_i8, int8_t, NUM)
DEFINE_ALL_OPS(cmp_i16, int16_t, NUM)
DEFINE_ALL_OPS(cmp_i32, int32_t, NUM)
DEFINE_ALL_OPS(cmp_i64, int64_t, NUM)
DEFINE_ALL_OPS(cmp_i128, __int128, NUM)
DEFINE_ALL_OPS(cmp_f32, float, NUM)
DEFINE_ALL_OPS(cmp_f64, double, NUM)
DEFINE_ALL_OPS(cmp_str, string_view, STR)
DEFINE_ALL_OPS(cmp_tz, timestamp_tz, TZ)

typedef struct compare_kernels {
    scalar_kernel_fn eval;
    scalar_select_fn select;
} compare_kernels;

#define KERNEL_ROW(PREFIX) \
    { \
        {PREFIX##_eq_eval, PREFIX##_eq_select}, {PREFIX##_ne_eval, PREFIX##_ne_select}, \
        {PREFIX##_lt_eval, PREFIX##_lt_select}, {PREFIX##_le_eval, PREFIX##_le_select}, \
        {PREFIX##_gt_eval, PREFIX##_gt_select}, {PREFIX##_ge_eval, PREFIX##_ge_select}, \
    }

static const compare_kernels kernels[][OP_COUNT] = {
    [PHYSICAL_BOOL] = KERNEL_ROW(cmp_u8),     [PHYSICAL_INT8] = KERNEL_ROW(cmp_i8),
    [PHYSICAL_INT16] = KERNEL_ROW(cmp_i16),   [PHYSICAL_INT32] = KERNEL_ROW(cmp_i32),
    [PHYSICAL_INT64] = KERNEL_ROW(cmp_i64),   [PHYSICAL_INT128] = KERNEL_ROW(cmp_i128),
    [PHYSICAL_FLOAT] = KERNEL_ROW(cmp_f32),   [PHYSICAL_DOUBLE] = KERNEL_ROW(cmp_f64),
    [PHYSICAL_STRING] = KERNEL_ROW(cmp_str),  [PHYSICAL_TIMESTAMP_TZ] = KERNEL_ROW(cmp_tz),
};

static bool op_from_name(const char *name, compare_op *op)
{
    static const char *const names[OP_COUNT] = {"$equal", "$not_equal", "$less_than",
                                                "$less_than_or_equal", "$greater_than",
                                                "$greater_than_or_equal"};
    for (int i = 0; i < OP_COUNT; i++)
        if (strcmp(names[i], name) == 0) {
            *op = (compare_op)i;
            return true;
        }
    return false;
}

static bool unknown_compare(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    if (!node_ensure_validity(n, ctx->error))
        return false;
    ROW_LOOP(sel, count, r, node_set_null(n, r););
    return true;
}

bool comparison_bind_named(expr_node *n, const char *name, sql_type type, shoal_error *error)
{
    compare_op op;
    if (!op_from_name(name, &op))
        return error_set(error, ERR_FUNCTION_IMPLEMENTATION_MISSING, "No comparison %s", name);
    if (type.kind == TYPE_UNKNOWN) {
        n->kernel = unknown_compare;
        n->null_on_null = false;
        return true;
    }
    physical_type p = type_physical(type);
    if (p == PHYSICAL_LIST || p == PHYSICAL_STRUCT)
        return error_set(error, ERR_NOT_SUPPORTED, "Comparing values of nested types is not supported yet");
    n->kernel = kernels[p][op].eval;
    n->select_kernel = kernels[p][op].select;
    return true;
}

static bool bind_comparison(expr_node *n, const sql_type *args, int arg_count, sql_type ret,
                            shoal_error *error)
{
    (void)arg_count;
    (void)ret;
    return comparison_bind_named(n, n->function_name, args[0], error);
}

int compare_values(sql_type type, const vector_view *a, uint32_t ra, const vector_view *b,
                   uint32_t rb)
{
#define CMP3(T) \
    do { \
        T x = VIEW_AT(T, *a, ra), y = VIEW_AT(T, *b, rb); \
        return x < y ? -1 : x > y; \
    } while (0)
    switch (type_physical(type)) {
    case PHYSICAL_BOOL: CMP3(uint8_t);
    case PHYSICAL_INT8: CMP3(int8_t);
    case PHYSICAL_INT16: CMP3(int16_t);
    case PHYSICAL_INT32: CMP3(int32_t);
    case PHYSICAL_INT64: CMP3(int64_t);
    case PHYSICAL_INT128: CMP3(__int128);
    case PHYSICAL_FLOAT: CMP3(float);
    case PHYSICAL_DOUBLE: CMP3(double);
    case PHYSICAL_STRING: {
        string_view x = VIEW_AT(string_view, *a, ra), y = VIEW_AT(string_view, *b, rb);
        int c = string_view_compare(&x, &y);
        return (c > 0) - (c < 0);
    }
    case PHYSICAL_TIMESTAMP_TZ: {
        timestamp_tz x = VIEW_AT(timestamp_tz, *a, ra), y = VIEW_AT(timestamp_tz, *b, rb);
        return x.micros_utc < y.micros_utc ? -1 : x.micros_utc > y.micros_utc;
    }
    default: return 0;
    }
#undef CMP3
}

const scalar_impl comparison_impls[] = {
    {"$equal", bind_comparison},        {"$not_equal", bind_comparison},
    {"$less_than", bind_comparison},    {"$less_than_or_equal", bind_comparison},
    {"$greater_than", bind_comparison}, {"$greater_than_or_equal", bind_comparison},
};
const int comparison_impl_count = sizeof comparison_impls / sizeof comparison_impls[0];
