/*
 * lambda.c — the array functions that take lambdas: transform, filter,
 * any_match, all_match, none_match and reduce.
 *
 * A lambda is compiled once, with its call, into an element program
 * (operators/expr_elements.c). A call evaluates the body over all elements
 * of the selected rows at once (chunks of VECTOR_SIZE), never per row;
 * reduce evaluates its step once per element position across all rows that
 * still have elements.
 */
#include <stdlib.h>
#include <string.h>

#include "operators/expr_internal.h"

/* ---- the lambda argument node ---- */

static bool eval_lambda_placeholder(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    (void)ctx, (void)sel, (void)count;
    n->result = &n->constant;
    return true;
}

static void free_element_program(void *p)
{
    element_program_free(p);
}

expr_node *lambda_node_compile(const expr *e, shoal_error *error)
{
    if (e->arg_count != 1)
        return error_set(error, ERR_GENERIC_INTERNAL_ERROR, "Lambda without a body"), NULL;
    expr_node *n = node_new(EXPR_LAMBDA, e->type, 0, error);
    if (!n)
        return NULL;
    uint8_t placeholder = 1;
    if (!vector_init_constant(&n->constant, type_make(TYPE_BOOLEAN), &placeholder)) {
        node_free(n);
        return error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory"), NULL;
    }
    n->eval = eval_lambda_placeholder;
    n->data = element_program_compile(e->args[0], e->lambda_parameter_count, error);
    n->free_data = free_element_program;
    if (!n->data) {
        node_free(n);
        return NULL;
    }
    return n;
}

static element_program *lambda_of(const expr_node *n, int child)
{
    return n->children[child]->kind == EXPR_LAMBDA ? n->children[child]->data : NULL;
}

/* ---- elements of the selected rows ---- */

typedef struct element_list {
    uint32_t *elements;   /* index in the element child */
    uint32_t *parents;    /* row position the element belongs to */
    uint32_t count;
} element_list;

static void element_list_free(element_list *l)
{
    free(l->elements);
    free(l->parents);
}

static bool gather(expr_node *n, const uint32_t *sel, uint32_t count, element_list *out)
{
    vector_view a = node_arg(n, 0);
    const list_entry *entries = a.data;
    uint64_t total = 0;
    ROW_LOOP(sel, count, r, total += entries[a.selection ? a.selection[r] : r].length;);
    memset(out, 0, sizeof *out);
    if (total > UINT32_MAX / 2)
        return false;
    out->elements = malloc(sizeof(uint32_t) * (total ? total : 1));
    out->parents = malloc(sizeof(uint32_t) * (total ? total : 1));
    if (!out->elements || !out->parents) {
        element_list_free(out);
        return false;
    }
    ROW_LOOP(sel, count, r, {
        list_entry e = entries[a.selection ? a.selection[r] : r];
        for (uint32_t i = 0; i < e.length; i++) {
            out->elements[out->count] = e.offset + i;
            out->parents[out->count++] = r;
        }
    });
    return true;
}

/* Evaluates the lambda of child 1 over every element into a fresh flat
 * vector `values` (row k = element k of the list). */
static bool apply(expr_node *n, eval_context *ctx, const element_list *l, vector *values)
{
    element_program *p = lambda_of(n, 1);
    if (!vector_init_flat(values, element_program_type(p), l->count ? l->count : 1))
        return node_error(n, ctx, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
    const vector *inputs[1] = {node_nested_child(n, 0, 0)};
    const uint32_t *rows[1] = {l->elements};
    if (!element_program_evaluate(p, ctx->input, inputs, rows, l->parents, l->count, values, 0, ctx->error)) {
        vector_destroy(values);
        return false;
    }
    return true;
}

/* ---- transform ---- */

static bool kernel_transform(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    element_list l;
    if (!gather(n, sel, count, &l))
        return node_error(n, ctx, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
    vector_view a = node_arg(n, 0);
    const list_entry *in = a.data;
    list_entry *out = n->out.data;
    bool ok = vector_list_reserve(&n->out, l.count);
    uint32_t at = n->out.child_size;
    ROW_LOOP(sel, count, r, {
        uint32_t length = in[a.selection ? a.selection[r] : r].length;
        out[r] = (list_entry){at, length};
        at += length;
    });
    if (!ok) {
        element_list_free(&l);
        return node_error(n, ctx, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
    }
    const vector *inputs[1] = {node_nested_child(n, 0, 0)};
    const uint32_t *rows[1] = {l.elements};
    ok = element_program_evaluate(lambda_of(n, 1), ctx->input, inputs, rows, l.parents, l.count,
                                  n->out.children[0], n->out.child_size, ctx->error);
    if (ok)
        n->out.child_size += l.count;
    element_list_free(&l);
    return ok;
}

/* ---- filter ---- */

static bool kernel_filter(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    element_list l;
    if (!gather(n, sel, count, &l))
        return node_error(n, ctx, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
    vector keep;
    if (!apply(n, ctx, &l, &keep)) {
        element_list_free(&l);
        return false;
    }
    vector_view kv = vector_view_of(&keep);
    const uint8_t *flags = kv.data;
    list_entry *out = n->out.data;
    uint32_t m = 0, at = n->out.child_size, k = 0;
    /* l is in row order: walk rows and their elements together */
    vector_view a = node_arg(n, 0);
    const list_entry *in = a.data;
    ROW_LOOP(sel, count, r, {
        uint32_t length = in[a.selection ? a.selection[r] : r].length;
        uint32_t start = m;
        for (uint32_t i = 0; i < length; i++, k++)
            if (vector_view_valid(&kv, k) && flags[k])
                l.elements[m++] = l.elements[k];
        out[r] = (list_entry){at, m - start};
        at += m - start;
    });
    bool ok = vector_list_reserve(&n->out, m) &&
              vector_copy_values(n->out.children[0], NULL, n->out.child_size, node_nested_child(n, 0, 0),
                                 l.elements, 0, m);
    if (ok)
        n->out.child_size += m;
    vector_destroy(&keep);
    element_list_free(&l);
    return ok || node_error(n, ctx, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
}

/* ---- any_match, all_match, none_match ---- */

enum { MATCH_ANY, MATCH_ALL, MATCH_NONE };

static bool kernel_match(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    if (!node_ensure_validity(n, ctx->error))
        return false;
    element_list l;
    if (!gather(n, sel, count, &l))
        return node_error(n, ctx, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
    vector flags_vector;
    if (!apply(n, ctx, &l, &flags_vector)) {
        element_list_free(&l);
        return false;
    }
    vector_view fv = vector_view_of(&flags_vector);
    const uint8_t *flags = fv.data;
    vector_view a = node_arg(n, 0);
    const list_entry *in = a.data;
    uint8_t *out = n->out.data;
    int mode = (int)n->k[0];
    uint32_t k = 0;
    ROW_LOOP(sel, count, r, {
        uint32_t length = in[a.selection ? a.selection[r] : r].length;
        bool any_true = false, any_false = false, any_null = false;
        for (uint32_t i = 0; i < length; i++, k++) {
            if (!vector_view_valid(&fv, k))
                any_null = true;
            else if (flags[k])
                any_true = true;
            else
                any_false = true;
        }
        /* decided by a TRUE (any/none) or a FALSE (all); else NULL if any NULL */
        bool decided = mode == MATCH_ALL ? any_false : any_true;
        if (!decided && any_null) {
            node_set_null(n, r);
        } else {
            bool value = mode == MATCH_ANY ? decided : !decided;
            out[r] = value;
        }
    });
    vector_destroy(&flags_vector);
    element_list_free(&l);
    return true;
}

/* ---- reduce ---- */

static bool kernel_reduce(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    element_program *step = lambda_of(n, 2), *finish = lambda_of(n, 3);
    sql_type state_type = n->children[1]->type;
    vector state, next;
    uint32_t *rows = NULL, *positions = NULL, *elements = NULL, *active = NULL;
    bool ok = vector_init_flat(&state, state_type, count) && vector_init_flat(&next, state_type, count);
    rows = malloc(sizeof(uint32_t) * count);
    positions = malloc(sizeof(uint32_t) * count);
    elements = malloc(sizeof(uint32_t) * count);
    active = malloc(sizeof(uint32_t) * count);
    if (!ok || !rows || !positions || !elements || !active) {
        ok = node_error(n, ctx, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
        goto done;
    }
    /* state row k belongs to input row rows[k] */
    for (uint32_t k = 0; k < count; k++) {
        rows[k] = sel ? sel[k] : k;
        positions[k] = k;
    }
    ok = vector_copy_values(&state, NULL, 0, n->children[1]->result, rows, 0, count);
    vector_view a = node_arg(n, 0);
    const list_entry *in = a.data;
    const vector *element_child = node_nested_child(n, 0, 0);
    for (uint32_t i = 0; ok; i++) {
        uint32_t m = 0;
        for (uint32_t k = 0; k < count; k++) {
            list_entry e = in[a.selection ? a.selection[rows[k]] : rows[k]];
            if (e.length > i) {
                active[m] = k;
                elements[m] = e.offset + i;
                m++;
            }
        }
        if (m == 0)
            break;
        const vector *inputs[2] = {&state, element_child};
        const uint32_t *input_rows[2] = {active, elements};
        uint32_t *parents = positions; /* reuse: parents of active states */
        for (uint32_t j = 0; j < m; j++)
            parents[j] = rows[active[j]];
        ok = element_program_evaluate(step, ctx->input, inputs, input_rows, parents, m, &next, 0, ctx->error) &&
             vector_copy_values(&state, active, 0, &next, NULL, 0, m);
    }
    if (ok) {
        const vector *inputs[1] = {&state};
        for (uint32_t k = 0; k < count; k++)
            positions[k] = k;
        const uint32_t *input_rows[1] = {positions};
        vector result;
        ok = vector_init_flat(&result, n->type, count);
        ok = ok && element_program_evaluate(finish, ctx->input, inputs, input_rows, rows, count, &result, 0, ctx->error);
        if (ok && !vector_copy_values(&n->out, rows, 0, &result, NULL, 0, count))
            ok = node_error(n, ctx, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
        vector_destroy(&result);
    }
done:
    vector_destroy(&state);
    vector_destroy(&next);
    free(rows);
    free(positions);
    free(elements);
    free(active);
    return ok;
}

/* ---- binding ---- */

static bool check_lambdas(expr_node *n, int first, shoal_error *error)
{
    for (int i = first; i < n->child_count; i++)
        if (!lambda_of(n, i))
            return error_set(error, ERR_INVALID_FUNCTION_ARGUMENT, "%s expects a lambda expression", n->function_name);
    return true;
}

static bool bind_transform(expr_node *n, const sql_type *args, int arg_count, sql_type ret, shoal_error *error)
{
    (void)args, (void)arg_count, (void)ret;
    n->kernel = kernel_transform;
    return check_lambdas(n, 1, error);
}

static bool bind_filter(expr_node *n, const sql_type *args, int arg_count, sql_type ret, shoal_error *error)
{
    (void)args, (void)arg_count, (void)ret;
    n->kernel = kernel_filter;
    return check_lambdas(n, 1, error);
}

static bool bind_match(expr_node *n, const sql_type *args, int arg_count, sql_type ret, shoal_error *error)
{
    (void)args, (void)arg_count, (void)ret;
    n->kernel = kernel_match;
    n->k[0] = strcmp(n->function_name, "any_match") == 0 ? MATCH_ANY
              : strcmp(n->function_name, "all_match") == 0 ? MATCH_ALL : MATCH_NONE;
    return check_lambdas(n, 1, error);
}

static bool bind_reduce(expr_node *n, const sql_type *args, int arg_count, sql_type ret, shoal_error *error)
{
    (void)args, (void)arg_count, (void)ret;
    n->kernel = kernel_reduce;
    if (!check_lambdas(n, 2, error))
        return false;
    if (!type_equal(element_program_type(lambda_of(n, 2)), n->children[1]->type))
        return error_set(error, ERR_TYPE_MISMATCH, "reduce: the lambda's result type must be the state type");
    return true;
}

const scalar_impl lambda_impls[] = {
    {"transform", bind_transform},
    {"filter", bind_filter},
    {"any_match", bind_match},
    {"all_match", bind_match},
    {"none_match", bind_match},
    {"reduce", bind_reduce},
};
const int lambda_impl_count = sizeof lambda_impls / sizeof lambda_impls[0];
