/*
 * expr_program.c — compiles the expression IR into a tree of vector kernels
 * and evaluates it (see expression_program.h and expr_internal.h).
 *
 * Compile: each IR node becomes an expr_node with an eval function; calls
 * are bound to their kernel through the registry (arguments the analyser
 * left uncoerced get casts); BETWEEN becomes two comparisons under AND;
 * constant subtrees are evaluated once and replaced by constants (a subtree
 * that fails, e.g. 1/0, is kept so it only fails if a row reaches it).
 *
 * Evaluate: special forms narrow the selection (AND/OR drop decided rows,
 * IF/CASE/COALESCE evaluate a branch only for the rows that take it) and
 * merge results at row positions. Filters use the select form: AND chains
 * its conjuncts' selections; comparisons and LIKE emit positions directly.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "operators/expr_internal.h"

struct expr_program {
    expr *source;
    expr_node *root;
    page *empty_page;
};

/* ---- nodes ---- */

void node_free(expr_node *n)
{
    if (!n)
        return;
    for (int i = 0; i < n->child_count; i++)
        node_free(n->children[i]);
    free(n->children);
    vector_destroy(&n->out);
    vector_destroy(&n->constant);
    if (n->free_data)
        n->free_data(n->data);
    else
        free(n->data);
    free(n->sel_a);
    free(n->sel_b);
    free(n->sel_c);
    free(n);
}

expr_node *node_new(expr_kind kind, sql_type type, int child_count, shoal_error *error)
{
    expr_node *n = calloc(1, sizeof *n);
    if (n && child_count > 0)
        n->children = calloc((size_t)child_count, sizeof *n->children);
    if (n) {
        n->sel_a = malloc(sizeof(uint32_t) * VECTOR_SIZE);
        n->sel_b = malloc(sizeof(uint32_t) * VECTOR_SIZE);
        n->sel_c = malloc(sizeof(uint32_t) * VECTOR_SIZE);
    }
    if (!n || (child_count > 0 && !n->children) || !n->sel_a || !n->sel_b || !n->sel_c) {
        node_free(n);
        error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory compiling an expression");
        return NULL;
    }
    n->kind = kind;
    n->type = type;
    n->child_count = child_count;
    return n;
}

bool node_prepare_output(expr_node *n, shoal_error *error)
{
    vector *v = &n->out;
    physical_type physical = type_physical(n->type);
    if (physical == PHYSICAL_LIST || physical == PHYSICAL_STRUCT) {
        /* nested results start afresh: their children grow with the data */
        vector_destroy(v);
        if (!vector_init_flat(v, n->type, VECTOR_SIZE))
            return error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
        n->result = v;
        return true;
    }
    if (!v->data_buffer) {
        if (!vector_init_flat(v, n->type, VECTOR_SIZE))
            return error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
    } else if (atomic_load(&v->data_buffer->refcount) > 1) {
        size_t size = type_value_size(n->type) * VECTOR_SIZE;
        buffer *b = buffer_new(size ? size : 1);
        if (!b)
            return error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
        buffer_unref(v->data_buffer);
        v->data_buffer = b;
        v->data = b->data;
    }
    if (v->validity_buffer && atomic_load(&v->validity_buffer->refcount) > 1) {
        buffer_unref(v->validity_buffer);
        v->validity_buffer = NULL;
    }
    v->validity = NULL;
    for (int i = 0; i < v->kept_count; i++)
        buffer_unref(v->kept[i]);
    v->kept_count = 0;
    n->arena = NULL;
    n->arena_room = 0;
    n->result = v;
    return true;
}

bool node_ensure_validity(expr_node *n, shoal_error *error)
{
    vector *v = &n->out;
    if (v->validity)
        return true;
    if (!v->validity_buffer) {
        v->validity_buffer = buffer_new(VECTOR_SIZE / 8);
        if (!v->validity_buffer)
            return error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
    }
    memset(v->validity_buffer->data, 0xff, VECTOR_SIZE / 8);
    v->validity = (uint64_t *)v->validity_buffer->data;
    return true;
}

char *node_string_reserve(expr_node *n, uint32_t length, shoal_error *error)
{
    if (length > n->arena_room) {
        size_t size = length > 65536 ? length : 65536;
        buffer *b = buffer_new(size);
        if (!b || !vector_keep_buffer(&n->out, b)) {
            buffer_unref(b);
            error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
            return NULL;
        }
        buffer_unref(b);
        n->arena = (char *)b->data;
        n->arena_room = (uint32_t)size;
    }
    char *p = n->arena;
    n->arena += length;
    n->arena_room -= length;
    return p;
}

bool node_put_string(expr_node *n, uint32_t r, const char *text, uint32_t length, shoal_error *error)
{
    char *p = length <= STRING_INLINE_MAX ? NULL : node_string_reserve(n, length, error);
    if (length > STRING_INLINE_MAX && !p)
        return false;
    if (p)
        memcpy(p, text, length);
    ((string_view *)n->out.data)[r] = string_view_make(p ? p : text, length);
    return true;
}

bool node_keep_child_strings(expr_node *n, int i, shoal_error *error)
{
    const vector *src = n->children[i]->result;
    if (src == &n->out)
        return true;
    if (!vector_keep_buffers_of(&n->out, src))
        return error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
    return true;
}

bool node_error(expr_node *n, eval_context *ctx, error_code code, const char *format, ...)
{
    (void)n;
    if (!ctx->error)
        return false;
    va_list args;
    va_start(args, format);
    error_clear(ctx->error);
    ctx->error->code = code;
    vsnprintf(ctx->error->message, sizeof ctx->error->message, format, args);
    va_end(args);
    return false;
}

static bool sel_is_identity_prefix(const uint32_t *sel)
{
    return sel == NULL;
}

/* Copies rows `sel` of vector src (by view) into n->out at the same positions. */
static bool copy_rows(expr_node *n, eval_context *ctx, const vector *src, const uint32_t *sel,
                      uint32_t count)
{
    physical_type physical = type_physical(n->type);
    if (physical == PHYSICAL_LIST || physical == PHYSICAL_STRUCT) {
        if (!vector_copy_values(&n->out, sel, 0, src, sel, 0, count))
            return node_error(n, ctx, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
        return true;
    }
    vector_view v = vector_view_of(src);
    size_t size = type_value_size(n->type);
    unsigned char *dst = n->out.data;
    const unsigned char *s = v.data;
    if (type_physical(n->type) == PHYSICAL_STRING && src != &n->out &&
        !vector_keep_buffers_of(&n->out, src))
        return node_error(n, ctx, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
    if (v.validity && !node_ensure_validity(n, ctx->error))
        return false;
    switch (size) {
#define COPY_CASE(SIZE, T) \
    case SIZE: \
        ROW_LOOP(sel, count, r, { \
            uint32_t i = v.selection ? v.selection[r] : r; \
            ((T *)dst)[r] = ((const T *)s)[i]; \
        }); \
        break;
        COPY_CASE(1, uint8_t)
        COPY_CASE(2, uint16_t)
        COPY_CASE(4, uint32_t)
        COPY_CASE(8, uint64_t)
        COPY_CASE(16, string_view)
#undef COPY_CASE
    default:
        ROW_LOOP(sel, count, r, {
            uint32_t i = v.selection ? v.selection[r] : r;
            memcpy(dst + size * r, s + size * i, size);
        });
    }
    if (v.validity) {
        ROW_LOOP(sel, count, r, {
            if (view_valid_at(&v, r))
                node_set_valid(n, r);
            else
                node_set_null(n, r);
        });
    } else if (n->out.validity) {
        ROW_LOOP(sel, count, r, node_set_valid(n, r););
    }
    return true;
}

static bool set_rows_null(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    if (count == 0)
        return true;
    if (!node_ensure_validity(n, ctx->error))
        return false;
    ROW_LOOP(sel, count, r, node_set_null(n, r););
    return true;
}

/* ---- leaves ---- */

static bool eval_column(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    (void)sel;
    (void)count;
    if (n->column < 0 || n->column >= ctx->input->column_count)
        return node_error(n, ctx, ERR_GENERIC_INTERNAL_ERROR, "Expression reads column %d of a page with %d columns",
                          n->column, ctx->input->column_count);
    n->result = &ctx->input->columns[n->column];
    return true;
}

static bool eval_constant(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    (void)ctx;
    (void)sel;
    (void)count;
    n->result = &n->constant;
    return true;
}

/* ---- calls ---- */

bool node_eval_children(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    for (int i = 0; i < n->child_count; i++)
        if (!n->children[i]->eval(n->children[i], ctx, sel, count))
            return false;
    return true;
}

/* Removes rows with a NULL argument: marks them NULL in the output and
 * returns the remaining selection in ksel and kcount. */
static bool narrow_to_non_null(expr_node *n, eval_context *ctx, const uint32_t *sel,
                               uint32_t count, const uint32_t **ksel, uint32_t *kcount,
                               bool mark_nulls)
{
    *ksel = sel;
    *kcount = count;
    vector_view views[16];
    int nullable = 0;
    for (int i = 0; i < n->child_count && nullable < 16; i++) {
        vector_view v = node_arg(n, i);
        if (v.validity)
            views[nullable++] = v;
    }
    if (nullable == 0)
        return true;
    if (mark_nulls && !node_ensure_validity(n, ctx->error))
        return false;
    uint32_t m = 0;
    uint32_t *out = n->sel_a;
    ROW_LOOP(sel, count, r, {
        bool valid = true;
        for (int j = 0; j < nullable; j++)
            valid &= view_valid_at(&views[j], r);
        if (valid)
            out[m++] = r;
        else if (mark_nulls)
            node_set_null(n, r);
    });
    *ksel = out;
    *kcount = m;
    return true;
}

static bool eval_call(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    if (!node_eval_children(n, ctx, sel, count) || !node_prepare_output(n, ctx->error))
        return false;
    const uint32_t *ksel = sel;
    uint32_t kcount = count;
    if (n->null_on_null && !narrow_to_non_null(n, ctx, sel, count, &ksel, &kcount, true))
        return false;
    if (kcount == 0)
        return true;
    return n->kernel(n, ctx, ksel, kcount);
}

static bool select_call(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count,
                        uint32_t *out, uint32_t *out_count)
{
    if (!node_eval_children(n, ctx, sel, count))
        return false;
    const uint32_t *ksel;
    uint32_t kcount;
    if (!narrow_to_non_null(n, ctx, sel, count, &ksel, &kcount, false))
        return false;
    *out_count = kcount ? n->select_kernel(n, ksel, kcount, out) : 0;
    return true;
}

static bool select_generic(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count,
                           uint32_t *out, uint32_t *out_count)
{
    if (!n->eval(n, ctx, sel, count))
        return false;
    vector_view v = vector_view_of(n->result);
    const uint8_t *data = v.data;
    uint32_t m = 0;
    if (n->type.kind == TYPE_UNKNOWN) {
        *out_count = 0;
        return true;
    }
    ROW_LOOP(sel, count, r, {
        uint32_t i = v.selection ? v.selection[r] : r;
        out[m] = r;
        m += (data[i] != 0) & view_valid_at(&v, r);
    });
    *out_count = m;
    return true;
}

static bool node_select(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count,
                        uint32_t *out, uint32_t *out_count)
{
    if (n->select)
        return n->select(n, ctx, sel, count, out, out_count);
    return select_generic(n, ctx, sel, count, out, out_count);
}

/* ---- AND / OR / NOT / IS NULL ---- */

static bool eval_logical(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    bool is_and = n->kind == EXPR_AND;
    if (!node_prepare_output(n, ctx->error))
        return false;
    uint8_t *out = n->out.data;
    uint8_t initial = is_and ? 1 : 0;
    ROW_LOOP(sel, count, r, out[r] = initial;);
    const uint32_t *cur = sel;
    uint32_t cur_count = count;
    for (int i = 0; i < n->child_count && cur_count > 0; i++) {
        expr_node *c = n->children[i];
        if (!c->eval(c, ctx, cur, cur_count))
            return false;
        vector_view v = vector_view_of(c->result);
        const uint8_t *data = v.data;
        uint32_t *next = cur == n->sel_a ? n->sel_b : n->sel_a;
        uint32_t m = 0;
        bool unknown = c->type.kind == TYPE_UNKNOWN;
        if (v.validity || unknown) {
            if (!node_ensure_validity(n, ctx->error))
                return false;
        }
        ROW_LOOP(cur, cur_count, r, {
            if (unknown || !view_valid_at(&v, r)) {
                node_set_null(n, r);
                next[m++] = r;
            } else {
                uint32_t idx = v.selection ? v.selection[r] : r;
                bool value = data[idx] != 0;
                if (value == is_and) {
                    next[m++] = r;
                } else {
                    out[r] = !initial;
                    if (n->out.validity)
                        node_set_valid(n, r);
                }
            }
        });
        cur = next;
        cur_count = m;
    }
    return true;
}

static bool select_and(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count,
                       uint32_t *out, uint32_t *out_count)
{
    const uint32_t *cur = sel;
    uint32_t cur_count = count;
    for (int i = 0; i < n->child_count; i++) {
        uint32_t *dst = i == n->child_count - 1 ? out : (cur == n->sel_a ? n->sel_b : n->sel_a);
        if (!node_select(n->children[i], ctx, cur, cur_count, dst, &cur_count))
            return false;
        cur = dst;
        if (cur_count == 0)
            break;
    }
    if (cur != out && cur_count > 0)
        memcpy(out, cur, sizeof(uint32_t) * cur_count);
    *out_count = cur_count;
    return true;
}

static bool eval_not(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    expr_node *c = n->children[0];
    if (!c->eval(c, ctx, sel, count) || !node_prepare_output(n, ctx->error))
        return false;
    vector_view v = vector_view_of(c->result);
    uint8_t *out = n->out.data;
    if (c->type.kind == TYPE_UNKNOWN)
        return set_rows_null(n, ctx, sel, count);
    UNARY_LOOP(uint8_t, v, sel, count, r, a, out[r] = !a;);
    if (v.validity) {
        if (!node_ensure_validity(n, ctx->error))
            return false;
        ROW_LOOP(sel, count, r, if (!view_valid_at(&v, r)) node_set_null(n, r););
    }
    return true;
}

static bool eval_is_null(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    expr_node *c = n->children[0];
    if (!c->eval(c, ctx, sel, count) || !node_prepare_output(n, ctx->error))
        return false;
    vector_view v = vector_view_of(c->result);
    uint8_t *out = n->out.data;
    bool unknown = c->type.kind == TYPE_UNKNOWN;
    ROW_LOOP(sel, count, r, out[r] = unknown || !view_valid_at(&v, r););
    return true;
}

/* ---- IF / CASE / COALESCE / NULLIF ---- */

/* Splits sel into rows where boolean child c is TRUE (into *t) and the rest. */
static void split_true(const expr_node *c, const uint32_t *sel, uint32_t count, uint32_t *t,
                       uint32_t *t_count, uint32_t *f, uint32_t *f_count)
{
    vector_view v = vector_view_of(c->result);
    const uint8_t *data = v.data;
    uint32_t nt = 0, nf = 0;
    bool unknown = c->type.kind == TYPE_UNKNOWN;
    ROW_LOOP(sel, count, r, {
        uint32_t idx = v.selection ? v.selection[r] : r;
        if (!unknown && data[idx] && view_valid_at(&v, r))
            t[nt++] = r;
        else
            f[nf++] = r;
    });
    *t_count = nt;
    *f_count = nf;
}

static bool eval_branch(expr_node *n, eval_context *ctx, expr_node *branch, const uint32_t *sel,
                        uint32_t count)
{
    if (count == 0)
        return true;
    if (!branch->eval(branch, ctx, sel, count))
        return false;
    if (branch->type.kind == TYPE_UNKNOWN && n->type.kind != TYPE_UNKNOWN)
        return set_rows_null(n, ctx, sel, count);
    return copy_rows(n, ctx, branch->result, sel, count);
}

/* CASE: children when0, then0, ..., [else]; IF is CASE with one WHEN. The
 * remaining rows live in sel_c (copied, since children reuse their own). */
static bool eval_case(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    if (!node_prepare_output(n, ctx->error))
        return false;
    const uint32_t *rest = sel;
    uint32_t rest_count = count;
    int pairs = n->child_count / 2;
    for (int i = 0; i < pairs && rest_count > 0; i++) {
        expr_node *when = n->children[2 * i];
        if (!when->eval(when, ctx, rest, rest_count))
            return false;
        uint32_t t_count, f_count;
        uint32_t *f = rest == n->sel_c ? n->sel_b : n->sel_c;
        split_true(when, rest, rest_count, n->sel_a, &t_count, f, &f_count);
        if (f == n->sel_b) {
            memcpy(n->sel_c, n->sel_b, sizeof(uint32_t) * f_count);
            f = n->sel_c;
        }
        /* sel_a holds the true rows; branches use their own buffers */
        if (!eval_branch(n, ctx, n->children[2 * i + 1], n->sel_a, t_count))
            return false;
        rest = f;
        rest_count = f_count;
    }
    if (rest_count == 0)
        return true;
    if (n->child_count % 2 == 1)
        return eval_branch(n, ctx, n->children[n->child_count - 1], rest, rest_count);
    return set_rows_null(n, ctx, rest, rest_count);
}

static bool eval_coalesce(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    expr_node *first = n->children[0];
    if (!first->eval(first, ctx, sel, count))
        return false;
    vector_view v = vector_view_of(first->result);
    if (!v.validity && first->type.kind != TYPE_UNKNOWN) {
        n->result = first->result; /* nothing to fill in */
        return true;
    }
    if (!node_prepare_output(n, ctx->error))
        return false;
    const uint32_t *cur = sel;
    uint32_t cur_count = count;
    for (int i = 0; i < n->child_count && cur_count > 0; i++) {
        expr_node *c = n->children[i];
        if (i > 0 && !c->eval(c, ctx, cur, cur_count))
            return false;
        if (c->type.kind == TYPE_UNKNOWN)
            continue;
        vector_view cv = vector_view_of(c->result);
        uint32_t *valid_rows = n->sel_a, *null_rows = cur == n->sel_b ? n->sel_c : n->sel_b;
        uint32_t nv = 0, nn = 0;
        ROW_LOOP(cur, cur_count, r, {
            if (view_valid_at(&cv, r))
                valid_rows[nv++] = r;
            else
                null_rows[nn++] = r;
        });
        if (nv > 0 && !copy_rows(n, ctx, c->result, valid_rows, nv))
            return false;
        cur = null_rows;
        cur_count = nn;
    }
    return set_rows_null(n, ctx, cur, cur_count);
}

/* NULLIF(a, b): children a, then the comparison node ($equal over a', b'). */
static bool eval_nullif(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    expr_node *value = n->children[0], *equal = n->children[1];
    if (!value->eval(value, ctx, sel, count) || !equal->eval(equal, ctx, sel, count) ||
        !node_prepare_output(n, ctx->error))
        return false;
    if (!copy_rows(n, ctx, value->result, sel, count))
        return false;
    vector_view e = vector_view_of(equal->result);
    if (equal->type.kind == TYPE_UNKNOWN)
        return true;
    const uint8_t *eq = e.data;
    bool any = false;
    ROW_LOOP(sel, count, r, {
        uint32_t idx = e.selection ? e.selection[r] : r;
        any |= view_valid_at(&e, r) && eq[idx];
    });
    if (!any)
        return true;
    if (!node_ensure_validity(n, ctx->error))
        return false;
    ROW_LOOP(sel, count, r, {
        uint32_t idx = e.selection ? e.selection[r] : r;
        if (view_valid_at(&e, r) && eq[idx])
            node_set_null(n, r);
    });
    return true;
}

/* ---- IN / IS DISTINCT FROM ---- */

static bool eval_in(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    if (!node_eval_children(n, ctx, sel, count) || !node_prepare_output(n, ctx->error))
        return false;
    uint8_t *out = n->out.data;
    vector_view x = node_arg(n, 0);
    sql_type t = n->children[0]->type;
    int items = n->child_count - 1;
    vector_view views[64];
    vector_view *iv = items <= 64 ? views : malloc(sizeof(vector_view) * (size_t)items);
    if (!iv)
        return node_error(n, ctx, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
    bool any_null_item = false;
    for (int j = 0; j < items; j++) {
        iv[j] = node_arg(n, j + 1);
        any_null_item |= iv[j].validity != NULL || n->children[j + 1]->type.kind == TYPE_UNKNOWN;
    }
    if ((x.validity || any_null_item || t.kind == TYPE_UNKNOWN) && !node_ensure_validity(n, ctx->error)) {
        if (iv != views)
            free(iv);
        return false;
    }
    physical_type p = type_physical(t);
    bool done = false;
    if (!any_null_item && t.kind != TYPE_UNKNOWN && (p == PHYSICAL_INT32 || p == PHYSICAL_INT64)) {
        int64_t consts[64];
        bool all_const = items <= 64;
        for (int j = 0; j < items && all_const; j++) {
            all_const = view_is_constant(&iv[j]);
            if (all_const)
                consts[j] = p == PHYSICAL_INT32 ? ((const int32_t *)iv[j].data)[0] : ((const int64_t *)iv[j].data)[0];
        }
        if (all_const) {
            if (p == PHYSICAL_INT32) {
                UNARY_LOOP(int32_t, x, sel, count, r, a, {
                    bool found = false;
                    for (int j = 0; j < items; j++)
                        found |= a == consts[j];
                    out[r] = found;
                });
            } else {
                UNARY_LOOP(int64_t, x, sel, count, r, a, {
                    bool found = false;
                    for (int j = 0; j < items; j++)
                        found |= a == consts[j];
                    out[r] = found;
                });
            }
            if (x.validity)
                ROW_LOOP(sel, count, r, if (!view_valid_at(&x, r)) node_set_null(n, r););
            done = true;
        }
    }
    if (!done) {
        ROW_LOOP(sel, count, r, {
            if (t.kind == TYPE_UNKNOWN || !view_valid_at(&x, r)) {
                node_set_null(n, r);
                continue;
            }
            bool found = false, saw_null = false;
            for (int j = 0; j < items && !found; j++) {
                if (n->children[j + 1]->type.kind == TYPE_UNKNOWN || !view_valid_at(&iv[j], r)) {
                    saw_null = true;
                    continue;
                }
                found = compare_values(t, &x, r, &iv[j], r) == 0;
            }
            out[r] = found;
            if (!found && saw_null)
                node_set_null(n, r);
        });
    }
    if (iv != views)
        free(iv);
    return true;
}

static bool eval_distinct(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    if (!node_eval_children(n, ctx, sel, count) || !node_prepare_output(n, ctx->error))
        return false;
    uint8_t *out = n->out.data;
    vector_view a = node_arg(n, 0), b = node_arg(n, 1);
    bool a_unknown = n->children[0]->type.kind == TYPE_UNKNOWN;
    bool b_unknown = n->children[1]->type.kind == TYPE_UNKNOWN;
    sql_type t = a_unknown ? n->children[1]->type : n->children[0]->type;
    ROW_LOOP(sel, count, r, {
        bool va = !a_unknown && view_valid_at(&a, r), vb = !b_unknown && view_valid_at(&b, r);
        if (!va || !vb)
            out[r] = va != vb;
        else
            out[r] = compare_values(t, &a, r, &b, r) != 0;
    });
    return true;
}

/* ---- TRY ---- */

static bool error_is_catchable(error_code code)
{
    return code == ERR_DIVISION_BY_ZERO || code == ERR_INVALID_CAST_ARGUMENT ||
           code == ERR_INVALID_FUNCTION_ARGUMENT || code == ERR_NUMERIC_VALUE_OUT_OF_RANGE;
}

static bool eval_try(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    expr_node *c = n->children[0];
    shoal_error local;
    error_clear(&local);
    eval_context inner = {ctx->input, &local};
    if (c->eval(c, &inner, sel, count)) {
        n->result = c->result;
        return true;
    }
    if (!error_is_catchable(local.code)) {
        if (ctx->error)
            *ctx->error = local;
        return false;
    }
    /* slow path: row by row, failing rows become NULL */
    if (!node_prepare_output(n, ctx->error) || !node_ensure_validity(n, ctx->error))
        return false;
    ROW_LOOP(sel, count, r, {
        uint32_t one = r;
        error_clear(&local);
        if (!c->eval(c, &inner, &one, 1)) {
            if (!error_is_catchable(local.code)) {
                if (ctx->error)
                    *ctx->error = local;
                return false;
            }
            node_set_null(n, r);
        } else if (c->type.kind == TYPE_UNKNOWN) {
            node_set_null(n, r);
        } else if (!copy_rows(n, ctx, c->result, &one, 1)) {
            return false;
        }
    });
    return true;
}

/* ---- compiling ---- */

static expr_node *compile(const expr *e, shoal_error *error);
static expr_node *fold(expr_node *n, shoal_error *error);

static bool value_bytes(const value *v, unsigned char *out)
{
    switch (type_physical(v->type)) {
    case PHYSICAL_BOOL: out[0] = v->u.boolean; return true;
    case PHYSICAL_INT8: *(int8_t *)out = (int8_t)v->u.i64; return true;
    case PHYSICAL_INT16: { int16_t x = (int16_t)v->u.i64; memcpy(out, &x, 2); return true; }
    case PHYSICAL_INT32: { int32_t x = (int32_t)v->u.i64; memcpy(out, &x, 4); return true; }
    case PHYSICAL_INT64: memcpy(out, &v->u.i64, 8); return true;
    case PHYSICAL_INT128: memcpy(out, &v->u.i128, 16); return true;
    case PHYSICAL_FLOAT: memcpy(out, &v->u.f32, 4); return true;
    case PHYSICAL_DOUBLE: memcpy(out, &v->u.f64, 8); return true;
    case PHYSICAL_STRING: memcpy(out, &v->u.string, sizeof(string_view)); return true;
    case PHYSICAL_TIMESTAMP_TZ: memcpy(out, &v->u.tstz, sizeof(timestamp_tz)); return true;
    default: return false;
    }
}

static expr_node *constant_node(const value *v, shoal_error *error)
{
    expr_node *n = node_new(EXPR_CONSTANT, v->type, 0, error);
    if (!n)
        return NULL;
    n->eval = eval_constant;
    _Alignas(16) unsigned char bytes[32] = {0};
    bool ok;
    if (v->is_null || v->type.kind == TYPE_UNKNOWN)
        ok = vector_init_constant_null(&n->constant, v->type);
    else if (!value_bytes(v, bytes)) {
        node_free(n);
        error_set(error, ERR_NOT_SUPPORTED, "Constants of nested types are not supported yet");
        return NULL;
    } else
        ok = vector_init_constant(&n->constant, v->type, bytes);
    if (!ok) {
        node_free(n);
        error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
        return NULL;
    }
    return n;
}

static const scalar_impl *implementation_of(const function_entry *f)
{
    if (!f->implementation)
        expr_functions_install();
    return f->implementation;
}

expr_node *node_make_cast(expr_node *child, sql_type to, bool try_mode, shoal_error *error)
{
    if (type_equal(child->type, to))
        return child;
    expr_node *n = node_new(try_mode ? EXPR_TRY_CAST : EXPR_CAST, to, 1, error);
    if (!n) {
        node_free(child);
        return NULL;
    }
    n->children[0] = child;
    n->eval = eval_call;
    n->null_on_null = true;
    n->try_mode = try_mode;
    if (!cast_bind(n, child->type, to, error)) {
        node_free(n);
        return NULL;
    }
    /* a coercion of a constant is itself a constant */
    return child->kind == EXPR_CONSTANT ? fold(n, error) : n;
}

static expr_node *compile_call(const expr *e, shoal_error *error)
{
    const function_entry *f = e->function;
    if (!f)
        return error_set(error, ERR_GENERIC_INTERNAL_ERROR, "Call without a function"), NULL;
    if (f->kind != FUNCTION_SCALAR) {
        error_set(error, ERR_FUNCTION_NOT_AGGREGATE, "'%s' is not a scalar function", f->name);
        return NULL;
    }
    const scalar_impl *impl = implementation_of(f);
    if (!impl) {
        error_set(error, ERR_FUNCTION_IMPLEMENTATION_MISSING, "Function %s has no implementation", f->signature);
        return NULL;
    }
    if (e->arg_count > 16)
        return error_set(error, ERR_TOO_MANY_ARGUMENTS, "Too many arguments for function %s", f->name), NULL;
    expr_node *n = node_new(EXPR_CALL, e->type, e->arg_count, error);
    if (!n)
        return NULL;
    sql_type arg_types[16];
    for (int i = 0; i < e->arg_count; i++) {
        /* a lambda is only ever a function argument */
        n->children[i] = e->args[i]->kind == EXPR_LAMBDA ? lambda_node_compile(e->args[i], error)
                                                          : compile(e->args[i], error);
        if (!n->children[i]) {
            node_free(n);
            return NULL;
        }
        arg_types[i] = n->children[i]->type;
    }
    resolved_function r;
    if (!function_bind(f, e->arg_count, arg_types, &r, error)) {
        node_free(n);
        return NULL;
    }
    for (int i = 0; i < e->arg_count; i++) {
        if (!type_equal(arg_types[i], r.arg_types[i])) {
            n->children[i] = node_make_cast(n->children[i], r.arg_types[i], false, error);
            if (!n->children[i]) {
                node_free(n);
                return NULL;
            }
        }
    }
    n->type = r.return_type;
    n->eval = eval_call;
    n->null_on_null = f->null_on_null;
    n->function_name = f->name;
    if (!impl->bind(n, r.arg_types, e->arg_count, r.return_type, error)) {
        node_free(n);
        return NULL;
    }
    if (n->select_kernel)
        n->select = select_call;
    if (!type_equal(r.return_type, e->type) && e->type.kind != TYPE_UNKNOWN)
        return node_make_cast(n, e->type, false, error);
    return n;
}

/* A comparison node over two compiled children of possibly different types. */
static expr_node *comparison_node(const char *name, expr_node *a, expr_node *b, shoal_error *error)
{
    sql_type super;
    if (!type_common_super_type(a->type, b->type, &super)) {
        node_free(a);
        node_free(b);
        error_set(error, ERR_TYPE_MISMATCH, "Cannot compare values of different types");
        return NULL;
    }
    a = node_make_cast(a, super, false, error);
    if (!a) {
        node_free(b);
        return NULL;
    }
    b = node_make_cast(b, super, false, error);
    if (!b) {
        node_free(a);
        return NULL;
    }
    expr_node *n = node_new(EXPR_CALL, type_make(TYPE_BOOLEAN), 2, error);
    if (!n) {
        node_free(a);
        node_free(b);
        return NULL;
    }
    n->children[0] = a;
    n->children[1] = b;
    n->eval = eval_call;
    n->null_on_null = true;
    if (!comparison_bind_named(n, name, super, error)) {
        node_free(n);
        return NULL;
    }
    if (n->select_kernel)
        n->select = select_call;
    return n;
}

static expr_node *compile_children(const expr *e, expr_kind kind, node_eval_fn eval, sql_type type,
                                   shoal_error *error)
{
    expr_node *n = node_new(kind, type, e->arg_count, error);
    if (!n)
        return NULL;
    n->eval = eval;
    for (int i = 0; i < e->arg_count; i++) {
        n->children[i] = compile(e->args[i], error);
        if (!n->children[i]) {
            node_free(n);
            return NULL;
        }
    }
    return n;
}

/* Casts branch results to the node's type (CASE/IF/COALESCE arms). */
static bool coerce_children(expr_node *n, int from, int step, shoal_error *error)
{
    for (int i = from; i < n->child_count; i += step) {
        if (n->children[i]->type.kind == TYPE_UNKNOWN)
            continue;
        n->children[i] = node_make_cast(n->children[i], n->type, false, error);
        if (!n->children[i])
            return false;
    }
    return true;
}

static expr_node *compile_special(const expr *e, shoal_error *error)
{
    sql_type boolean = type_make(TYPE_BOOLEAN);
    expr_node *n = NULL;
    switch (e->kind) {
    case EXPR_AND:
    case EXPR_OR:
        n = compile_children(e, e->kind, eval_logical, boolean, error);
        if (n && e->kind == EXPR_AND)
            n->select = select_and;
        return n;
    case EXPR_NOT: return compile_children(e, e->kind, eval_not, boolean, error);
    case EXPR_IS_NULL: return compile_children(e, e->kind, eval_is_null, boolean, error);
    case EXPR_IF:
    case EXPR_CASE:
        n = compile_children(e, e->kind, eval_case, e->type, error);
        if (n && !coerce_children(n, 1, 2, error)) {
            node_free(n);
            return NULL;
        }
        if (n && n->child_count % 2 == 1 && n->children[n->child_count - 1]->type.kind != TYPE_UNKNOWN) {
            int last = n->child_count - 1;
            n->children[last] = node_make_cast(n->children[last], n->type, false, error);
            if (!n->children[last]) {
                node_free(n);
                return NULL;
            }
        }
        return n;
    case EXPR_COALESCE:
        n = compile_children(e, e->kind, eval_coalesce, e->type, error);
        if (n && !coerce_children(n, 0, 1, error)) {
            node_free(n);
            return NULL;
        }
        return n;
    case EXPR_NULLIF: {
        if (e->arg_count != 2)
            return error_set(error, ERR_INVALID_ARGUMENTS, "NULLIF takes two arguments"), NULL;
        n = node_new(EXPR_NULLIF, e->args[0]->type, 2, error);
        if (!n)
            return NULL;
        n->eval = eval_nullif;
        expr_node *a = compile(e->args[0], error), *a2 = a ? compile(e->args[0], error) : NULL;
        expr_node *b = a2 ? compile(e->args[1], error) : NULL;
        if (!b) {
            node_free(a);
            node_free(a2);
            node_free(n);
            return NULL;
        }
        n->children[0] = a;
        n->children[1] = comparison_node("$equal", a2, b, error);
        if (!n->children[1]) {
            node_free(n);
            return NULL;
        }
        return n;
    }
    case EXPR_IN:
        n = compile_children(e, e->kind, eval_in, boolean, error);
        if (n) {
            sql_type t = n->children[0]->type;
            for (int i = 1; i < n->child_count; i++)
                if (!type_common_super_type(t, n->children[i]->type, &t)) {
                    node_free(n);
                    return error_set(error, ERR_TYPE_MISMATCH, "IN value and list items must be the same type"), NULL;
                }
            for (int i = 0; i < n->child_count; i++) {
                if (n->children[i]->type.kind == TYPE_UNKNOWN)
                    continue;
                n->children[i] = node_make_cast(n->children[i], t, false, error);
                if (!n->children[i]) {
                    node_free(n);
                    return NULL;
                }
            }
        }
        return n;
    case EXPR_IS_DISTINCT_FROM:
        n = compile_children(e, e->kind, eval_distinct, boolean, error);
        if (n && n->children[0]->type.kind != TYPE_UNKNOWN && n->children[1]->type.kind != TYPE_UNKNOWN) {
            sql_type t;
            if (!type_common_super_type(n->children[0]->type, n->children[1]->type, &t)) {
                node_free(n);
                return error_set(error, ERR_TYPE_MISMATCH, "Cannot compare values of different types"), NULL;
            }
            for (int i = 0; i < 2; i++) {
                n->children[i] = node_make_cast(n->children[i], t, false, error);
                if (!n->children[i]) {
                    node_free(n);
                    return NULL;
                }
            }
        }
        return n;
    case EXPR_BETWEEN: {
        if (e->arg_count != 3)
            return error_set(error, ERR_INVALID_ARGUMENTS, "BETWEEN takes three arguments"), NULL;
        n = node_new(EXPR_AND, boolean, 2, error);
        if (!n)
            return NULL;
        n->eval = eval_logical;
        n->select = select_and;
        for (int i = 0; i < 2; i++) {
            expr_node *x = compile(e->args[0], error);
            expr_node *bound = x ? compile(e->args[1 + i], error) : NULL;
            if (!bound) {
                node_free(x);
                node_free(n);
                return NULL;
            }
            n->children[i] = comparison_node(i == 0 ? "$greater_than_or_equal" : "$less_than_or_equal",
                                             x, bound, error);
            if (!n->children[i]) {
                node_free(n);
                return NULL;
            }
        }
        return n;
    }
    case EXPR_LIKE:
        n = compile_children(e, e->kind, eval_call, boolean, error);
        if (!n)
            return NULL;
        n->null_on_null = true;
        for (int i = 0; i < n->child_count; i++) {
            if (n->children[i]->type.kind == TYPE_CHAR || n->children[i]->type.kind == TYPE_UNKNOWN) {
                n->children[i] = node_make_cast(n->children[i], type_varchar(VARCHAR_UNBOUNDED), false, error);
                if (!n->children[i]) {
                    node_free(n);
                    return NULL;
                }
            }
        }
        if (!like_bind(n, error)) {
            node_free(n);
            return NULL;
        }
        if (n->select_kernel)
            n->select = select_call;
        return n;
    case EXPR_TRY:
        return compile_children(e, e->kind, eval_try, e->args[0]->type, error);
    case EXPR_ARRAY:
        n = compile_children(e, e->kind, eval_array_constructor, e->type, error);
        for (int i = 0; n && i < n->child_count; i++) {
            if (n->children[i]->type.kind == TYPE_UNKNOWN)
                continue;
            n->children[i] = node_make_cast(n->children[i], n->type.composite->field_types[0], false, error);
            if (!n->children[i]) {
                node_free(n);
                return NULL;
            }
        }
        return n;
    case EXPR_ROW:
        return compile_children(e, e->kind, eval_row_constructor, e->type, error);
    case EXPR_SUBSCRIPT:
        n = compile_children(e, e->kind, eval_subscript, e->type, error);
        if (n && !subscript_bind(n, error)) {
            node_free(n);
            return NULL;
        }
        return n;
    case EXPR_DEREFERENCE:
        n = compile_children(e, e->kind, eval_dereference, e->type, error);
        if (n)
            n->field_index = e->field_index;
        return n;
    default:
        error_set(error, ERR_NOT_SUPPORTED, "Expression form %d is not supported yet", (int)e->kind);
        return NULL;
    }
}

/* Evaluates a constant subtree once; returns a constant node, or the
 * subtree itself when it fails (the error then happens at run time). */
static expr_node *fold(expr_node *n, shoal_error *error)
{
    physical_type p = type_physical(n->type);
    if (n->kind == EXPR_CONSTANT || p == PHYSICAL_LIST || p == PHYSICAL_STRUCT)
        return n;
    page *one = page_new_empty(0);
    if (!one)
        return n;
    one->row_count = 1;
    shoal_error local;
    error_clear(&local);
    eval_context ctx = {one, &local};
    expr_node *result = n;
    if (n->eval(n, &ctx, NULL, 1)) {
        value v = value_load(n->result, 0);
        v.type = n->type;
        expr_node *c = constant_node(&v, error);
        if (c) {
            c->type = n->type;
            node_free(n);
            result = c;
        } else {
            error_clear(error);
        }
    }
    page_unref(one);
    return result;
}

static expr_node *compile(const expr *e, shoal_error *error)
{
    if (!e)
        return error_set(error, ERR_GENERIC_INTERNAL_ERROR, "Missing expression"), NULL;
    expr_node *n;
    switch (e->kind) {
    case EXPR_COLUMN:
        n = node_new(EXPR_COLUMN, e->type, 0, error);
        if (n) {
            n->column = e->column;
            n->eval = eval_column;
        }
        return n;
    case EXPR_CONSTANT: {
        value v = e->constant;
        v.type = e->type;
        return constant_node(&v, error);
    }
    case EXPR_CALL: n = compile_call(e, error); break;
    case EXPR_CAST:
    case EXPR_TRY_CAST: {
        expr_node *child = compile(e->args[0], error);
        if (!child)
            return NULL;
        n = node_make_cast(child, e->type, e->kind == EXPR_TRY_CAST, error);
        break;
    }
    default: n = compile_special(e, error); break;
    }
    if (n && n->line == 0) {
        n->line = e->line;
        n->position = e->position;
    }
    if (n && expr_is_constant(e))
        n = fold(n, error);
    return n;
}

expr_program *expr_program_compile(const expr *e, shoal_error *error)
{
    expr_functions_install();
    expr_program *p = calloc(1, sizeof *p);
    if (!p)
        return error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory"), NULL;
    p->source = expr_copy(e);
    p->root = p->source ? compile(p->source, error) : NULL;
    if (!p->root) {
        if (!p->source)
            error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
        expr_program_free(p);
        return NULL;
    }
    return p;
}

expr_program *expr_program_clone(const expr_program *p, shoal_error *error)
{
    return expr_program_compile(p->source, error);
}

void expr_program_free(expr_program *p)
{
    if (!p)
        return;
    node_free(p->root);
    expr_free(p->source);
    free(p);
}

sql_type expr_program_type(const expr_program *p)
{
    return p->root->type;
}

bool expr_program_evaluate(expr_program *p, const page *input, const uint32_t *selection,
                           uint32_t count, vector *out, shoal_error *error)
{
    eval_context ctx = {input, error};
    if (count > VECTOR_SIZE)
        return error_set(error, ERR_GENERIC_INTERNAL_ERROR, "Evaluating %u rows; at most %d per call",
                         count, VECTOR_SIZE);
    if (count == 0) {
        if (!vector_init_flat(out, p->root->type, 1))
            return error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
        return true;
    }
    if (!p->root->eval(p->root, &ctx, selection, count))
        return false;
    const vector *r = p->root->result;
    bool ok;
    if (r->kind == VECTOR_CONSTANT || sel_is_identity_prefix(selection))
        ok = vector_init_reference(out, r);
    else
        ok = vector_init_dictionary(out, r, selection, count);
    if (ok && r->kind != VECTOR_CONSTANT && !type_equal(out->type, p->root->type))
        out->type = p->root->type;
    if (!ok)
        return error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
    return true;
}

bool expr_program_filter(expr_program *p, const page *input, const uint32_t *selection,
                         uint32_t count, uint32_t *out_selection, uint32_t *out_count,
                         shoal_error *error)
{
    eval_context ctx = {input, error};
    *out_count = 0;
    if (count == 0)
        return true;
    if (count > VECTOR_SIZE)
        return error_set(error, ERR_GENERIC_INTERNAL_ERROR, "Filtering %u rows; at most %d per call",
                         count, VECTOR_SIZE);
    if (p->root->type.kind != TYPE_BOOLEAN && p->root->type.kind != TYPE_UNKNOWN)
        return error_set(error, ERR_TYPE_MISMATCH, "Filter expression must be boolean");
    return node_select(p->root, &ctx, selection, count, out_selection, out_count);
}
