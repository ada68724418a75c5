/*
 * expr_internal.h — the inside of a compiled expression program, shared by
 * the compiler (expr_program.c) and the kernel families (functions/).
 *
 * Layout: every node evaluates over a selection of row *positions* of the
 * input page and leaves its result in a vector whose view holds row r's value
 * at position r (data[map ? map[r] : r]); a column node's result is the page's
 * own vector, a constant node's a constant vector, a computed node's its
 * scratch flat vector. Because results stay at their row positions, branches
 * evaluated over narrowed selections (CASE, AND, COALESCE) merge trivially.
 *
 * One kernel call per node per vector; the typed loops are in the kernels
 * (ROW_LOOP / UNARY_LOOP / BINARY_LOOP specialise flat, constant and general
 * inputs and dense or selected rows).
 */
#ifndef SHOAL_OPERATORS_EXPR_INTERNAL_H
#define SHOAL_OPERATORS_EXPR_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "connectors/spi/error.h"
#include "connectors/spi/expression.h"
#include "connectors/spi/function.h"
#include "connectors/spi/page.h"
#include "operators/expression_program.h"

typedef struct expr_node expr_node;

typedef struct eval_context {
    const page *input;
    shoal_error *error;
} eval_context;

/* Evaluates the node for rows sel[0..count) (sel NULL: 0..count). */
typedef bool (*node_eval_fn)(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count);
/* Writes the positions among sel for which the node is TRUE. */
typedef bool (*node_select_fn)(expr_node *n, eval_context *ctx, const uint32_t *sel,
                               uint32_t count, uint32_t *out, uint32_t *out_count);
/* A scalar kernel: children are evaluated, rows with a NULL argument removed
 * (null_on_null); writes n->out at the positions in sel. */
typedef bool (*scalar_kernel_fn)(expr_node *n, eval_context *ctx, const uint32_t *sel,
                                 uint32_t count);
/* Filter form of a kernel (comparisons, LIKE): positions that are TRUE. */
typedef uint32_t (*scalar_select_fn)(expr_node *n, const uint32_t *sel, uint32_t count,
                                     uint32_t *out);

struct expr_node {
    expr_kind kind;
    sql_type type;
    node_eval_fn eval;
    node_select_fn select;
    int child_count;
    expr_node **children;
    const vector *result;        /* set by eval */
    vector out;                  /* scratch (computed nodes) */
    vector constant;             /* constant nodes */
    int column;
    int field_index;
    /* calls and casts */
    scalar_kernel_fn kernel;
    scalar_select_fn select_kernel; /* may be NULL */
    bool null_on_null;
    bool try_mode;               /* TRY_CAST: errors become NULL */
    const char *function_name;
    void *data;                  /* kernel data (owned) */
    void (*free_data)(void *);   /* frees data; NULL: free() */
    int64_t k[4];                /* kernel constants (scales, factors) */
    __int128 k128[2];
    /* scratch selections */
    uint32_t *sel_a;
    uint32_t *sel_b;
    uint32_t *sel_c;
    /* string output arena */
    char *arena;
    uint32_t arena_room;
    int line, position;
};

/* ---- loops ---- */

#define ROW_LOOP(sel, count, r, ...) \
    do { \
        if (sel) { \
            for (uint32_t k_ = 0; k_ < (count); k_++) { \
                uint32_t r = (sel)[k_]; \
                __VA_ARGS__ \
            } \
        } else { \
            for (uint32_t r = 0; r < (count); r++) { \
                __VA_ARGS__ \
            } \
        } \
    } while (0)

static inline bool view_is_constant(const vector_view *v)
{
    return v->selection == vector_zero_selection;
}

/* a (type TA) from view VA at row r; general path */
#define VIEW_AT(T, v, r) (((const T *)(v).data)[(v).selection ? (v).selection[r] : (r)])

#define UNARY_LOOP(TA, va, sel, count, r, a, ...) \
    do { \
        const TA *A_ = (const TA *)(va).data; \
        const uint32_t *MA_ = (va).selection; \
        if (!MA_) { \
            ROW_LOOP(sel, count, r, TA a = A_[r]; __VA_ARGS__); \
        } else { \
            ROW_LOOP(sel, count, r, TA a = A_[MA_[r]]; __VA_ARGS__); \
        } \
    } while (0)

#define BINARY_LOOP(TA, TB, va, vb, sel, count, r, a, b, ...) \
    do { \
        const TA *A_ = (const TA *)(va).data; \
        const TB *B_ = (const TB *)(vb).data; \
        const uint32_t *MA_ = (va).selection, *MB_ = (vb).selection; \
        if (!MA_ && !MB_) { \
            ROW_LOOP(sel, count, r, TA a = A_[r]; TB b = B_[r]; __VA_ARGS__); \
        } else if (!MA_ && MB_ == vector_zero_selection) { \
            const TB b = B_[0]; \
            ROW_LOOP(sel, count, r, TA a = A_[r]; __VA_ARGS__); \
        } else if (MA_ == vector_zero_selection && !MB_) { \
            const TA a = A_[0]; \
            ROW_LOOP(sel, count, r, TB b = B_[r]; __VA_ARGS__); \
        } else { \
            ROW_LOOP(sel, count, r, TA a = A_[MA_ ? MA_[r] : r]; TB b = B_[MB_ ? MB_[r] : r]; \
                     __VA_ARGS__); \
        } \
    } while (0)

static inline vector_view node_arg(const expr_node *n, int i)
{
    return vector_view_of(n->children[i]->result);
}

static inline bool view_valid_at(const vector_view *v, uint32_t r)
{
    if (!v->validity)
        return true;
    uint32_t i = v->selection ? v->selection[r] : r;
    return (v->validity[i >> 6] >> (i & 63)) & 1;
}

/* ---- node output helpers (expr_program.c) ---- */

/* Makes n->out writable for this evaluation (copy-on-write when a caller
 * still holds the previous result), without NULLs; sets n->result. */
bool node_prepare_output(expr_node *n, shoal_error *error);
/* Gives n->out a validity bitmap (all valid) if it has none. */
bool node_ensure_validity(expr_node *n, shoal_error *error);
static inline void node_set_null(expr_node *n, uint32_t r)
{
    n->out.validity[r >> 6] &= ~(UINT64_C(1) << (r & 63));
}
static inline void node_set_valid(expr_node *n, uint32_t r)
{
    n->out.validity[r >> 6] |= UINT64_C(1) << (r & 63);
}
/* Room for `length` bytes of string output in n->out (kept alive by it). */
char *node_string_reserve(expr_node *n, uint32_t length, shoal_error *error);
/* Row r of n->out := a copy of `text` (inline when short, else in n's arena). */
bool node_put_string(expr_node *n, uint32_t r, const char *text, uint32_t length, shoal_error *error);
/* Keeps the buffers behind child i's strings alive in n->out. */
bool node_keep_child_strings(expr_node *n, int i, shoal_error *error);
/* Sets a runtime error (TRY-able codes come from kernels). */
bool node_error(expr_node *n, eval_context *ctx, error_code code, const char *format, ...)
    __attribute__((format(printf, 4, 5)));

/* Builds a cast node over `child` (compiler helper, used by kernels' binds too). */
expr_node *node_make_cast(expr_node *child, sql_type to, bool try_mode, shoal_error *error);

/* Node allocation (expr_program.c). */
expr_node *node_new(expr_kind kind, sql_type type, int child_count, shoal_error *error);
void node_free(expr_node *n);
/* A lambda argument: its body compiled once into an element program
 * (n->data); evaluating the node itself yields a non-NULL placeholder so the
 * calling function's NULL handling looks only at its other arguments. */
expr_node *lambda_node_compile(const expr *e, shoal_error *error);
/* Evaluates every child over the rows (expr_program.c). */
bool node_eval_children(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count);

/* ---- nested types (expr_nested.c) ---- */

/* ARRAY[...], ROW(...), x[i] (array or map), r.field */
bool eval_array_constructor(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count);
bool eval_row_constructor(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count);
bool eval_subscript(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count);
bool eval_dereference(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count);
/* Checks and coerces a subscript's children (index to bigint, map key to the key type). */
bool subscript_bind(expr_node *n, shoal_error *error);
/* The child vector (elements, keys or values, fields) of child `i`'s nested result. */
static inline const vector *node_nested_child(const expr_node *n, int i, int field)
{
    return vector_base(n->children[i]->result)->children[field];
}
/* Finds `key` (row `key_row` of key view) among map entry `e`'s keys;
 * returns the element index or -1. */
int64_t map_find_key(sql_type key_type, const vector *keys, list_entry e, const vector_view *key,
                     uint32_t key_row);
/* Array subscript errors in Trino's words; false when idx is out of range. */
bool array_index_check(expr_node *n, eval_context *ctx, int64_t index, uint32_t length);

/* ---- programs over the elements of nested values (expr_elements.c) ---- */

typedef struct element_program element_program;
/* Compiles `body` (a lambda body: EXPR_LAMBDA_VARIABLE 0..input_count-1 are
 * the element inputs, EXPR_COLUMN c reads the enclosing page's column c). */
element_program *element_program_compile(const expr *body, int input_count, shoal_error *error);
void element_program_free(element_program *p);
sql_type element_program_type(const element_program *p);
/* Evaluates for `count` elements: input j's row k is inputs[j] row
 * input_rows[j][k]; captured columns come from `outer` row parent_rows[k].
 * Result k goes to flat dst row dst_start + k (dst must have the room). */
bool element_program_evaluate(element_program *p, const page *outer, const vector *const *inputs,
                              const uint32_t *const *input_rows, const uint32_t *parent_rows, uint32_t count,
                              vector *dst, uint32_t dst_start, shoal_error *error);
/* Splits each selected row's JSON text (vector `json`) into `parts`, a
 * nested value of json texts shaped for `target` (array: array(json); map:
 * map(varchar, json); row: row(json, ...) from a JSON array by position or
 * an object by field name). JSON null gives a NULL row in `out`, and
 * `parts` a NULL there too. Errors: INVALID_CAST_ARGUMENT. */
bool json_split_nested(sql_type target, const vector *json, const uint32_t *sel, uint32_t count, bool try_mode,
                       vector *parts, vector *out, shoal_error *error);
/* Casts between array/map/row types, element by element, and from json. */
bool cast_nested_bind(expr_node *n, sql_type from, sql_type to, shoal_error *error);
/* CAST(array/map/row AS json) (functions/json.c form: value_format_json) */
scalar_kernel_fn cast_nested_to_json_kernel(sql_type from, sql_type to);

/* ---- function implementations ---- */

/* Chooses the kernel for the bound argument types; sets n->kernel (and
 * n->select_kernel, n->k..., n->data, n->null_on_null). */
typedef bool (*scalar_bind_fn)(expr_node *n, const sql_type *args, int arg_count, sql_type ret,
                               shoal_error *error);

typedef struct scalar_impl {
    const char *name;
    scalar_bind_fn bind;
} scalar_impl;

#define SCALAR_IMPLS(family) \
    extern const scalar_impl family##_impls[]; \
    extern const int family##_impl_count

SCALAR_IMPLS(arithmetic);
SCALAR_IMPLS(comparison);
SCALAR_IMPLS(decimal_ops);
SCALAR_IMPLS(string_functions);
SCALAR_IMPLS(datetime);
SCALAR_IMPLS(math);
SCALAR_IMPLS(math_extra);
SCALAR_IMPLS(string_extra);
SCALAR_IMPLS(binary);
SCALAR_IMPLS(units);
SCALAR_IMPLS(url);
SCALAR_IMPLS(type_of);
SCALAR_IMPLS(regexp);
SCALAR_IMPLS(datetime_extra);
SCALAR_IMPLS(json);
SCALAR_IMPLS(array);
SCALAR_IMPLS(lambda);

/* The next family's implementation of the same function name after `impl`
 * (families are searched in install order); lets a newer family handle some
 * overloads of a name and hand the rest to the older one. NULL when none. */
const scalar_impl *expr_functions_next(const scalar_impl *impl);
/* Binds with the next family's implementation of n->function_name. */
bool expr_functions_bind_next(const scalar_impl *impl, expr_node *n, const sql_type *args,
                              int arg_count, sql_type ret, shoal_error *error);

/* decimal overloads (functions/decimal_ops.c): $add.. $modulus, $negate,
 * abs, ceil/ceiling/floor/round/truncate, sign, mod on decimal(p,s) */
bool decimal_bind(expr_node *n, const sql_type *args, int arg_count, sql_type ret,
                  shoal_error *error);
/* date/time/interval overloads of the arithmetic operators (functions/datetime.c) */
bool datetime_bind_arithmetic(expr_node *n, const sql_type *args, int arg_count, sql_type ret,
                              shoal_error *error);

/* casts (functions/cast.c) */
bool cast_bind(expr_node *n, sql_type from, sql_type to, shoal_error *error);
/* casts cast.c does not know: timestamp with time zone, json, varbinary
 * (functions/cast_extra.c); NULL when none */
scalar_kernel_fn cast_extra_kernel(sql_type from, sql_type to);
/* json casts (functions/json.c); NULL when none */
scalar_kernel_fn json_cast_kernel(sql_type from, sql_type to);
/* comparisons for special forms (functions/comparison.c): binds n->kernel to
 * compare children 0 and 1 of the same type with $equal..$greater_than_or_equal. */
bool comparison_bind_named(expr_node *n, const char *name, sql_type type, shoal_error *error);
/* three-way compare of two values of `type` at given views/rows; used by IN
 * and greatest/least slow paths */
int compare_values(sql_type type, const vector_view *a, uint32_t ra, const vector_view *b,
                   uint32_t rb);
/* LIKE (functions/like.c) */
bool like_bind(expr_node *n, shoal_error *error);

/* Uppercase Trino-style type name for messages ("INTEGER", "DECIMAL(10, 2)"). */
void type_upper_name(sql_type t, char *out, size_t size);

#endif
