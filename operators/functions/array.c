/*
 * array.c — Trino's array and map functions: cardinality, element_at,
 * contains, array_position, array_join, array_min/array_max, slice, concat
 * of arrays, sequence, map_keys, map_values, map(keys, values) and map().
 *
 * Arrays and maps are list_entry {offset, length} into child vectors
 * (connectors/spi/vector.h). Kernels walk the entries of the selected rows,
 * gather element indexes into one list and copy the elements with one
 * vector_copy_values call per child; only comparisons of elements
 * (contains, map keys) look at single values.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "connectors/spi/value_format.h"
#include "operators/expr_internal.h"

static bool out_of_memory(expr_node *n, eval_context *ctx)
{
    return node_error(n, ctx, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
}

static inline list_entry entry_at(const vector_view *v, uint32_t r)
{
    return ((const list_entry *)v->data)[v->selection ? v->selection[r] : r];
}

static bool element_is_null(const vector *elements, uint32_t i)
{
    vector_view v = vector_view_of(elements);
    return !vector_view_valid(&v, vector_view_index(&v, i));
}

static bool comparable_elements(sql_type t, shoal_error *error)
{
    physical_type p = type_physical(t);
    if (p == PHYSICAL_LIST || p == PHYSICAL_STRUCT)
        return error_set(error, ERR_NOT_SUPPORTED, "Comparing values of nested types is not supported yet");
    return true;
}

/* Writes list entries for rows[k] of lengths[k] and copies the elements
 * indexes[c][0..total) of sources[c] into the result's child c. */
static bool emit_lists(expr_node *n, eval_context *ctx, const uint32_t *rows, const uint32_t *lengths, uint32_t m,
                       const uint32_t *const *indexes, uint32_t total, const vector *const *sources)
{
    list_entry *out = n->out.data;
    uint32_t at = n->out.child_size;
    for (uint32_t k = 0; k < m; k++) {
        out[rows[k]] = (list_entry){at, lengths[k]};
        at += lengths[k];
    }
    if (!vector_list_reserve(&n->out, total))
        return out_of_memory(n, ctx);
    for (int c = 0; c < n->out.child_count; c++)
        if (!vector_copy_values(n->out.children[c], NULL, n->out.child_size, sources[c], indexes[c], 0, total))
            return out_of_memory(n, ctx);
    n->out.child_size += total;
    return true;
}

/* ---- cardinality, element_at, subscripts ---- */

static bool kernel_cardinality(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    (void)ctx;
    vector_view a = node_arg(n, 0);
    int64_t *out = n->out.data;
    ROW_LOOP(sel, count, r, out[r] = entry_at(&a, r).length;);
    return true;
}

static bool kernel_element_at(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    if (!node_ensure_validity(n, ctx->error))
        return false;
    vector_view a = node_arg(n, 0), key = node_arg(n, 1);
    bool is_map = n->children[0]->type.kind == TYPE_MAP;
    uint32_t *rows = n->sel_b, *sources = n->sel_c, m = 0;
    for (uint32_t k = 0; k < count; k++) {
        uint32_t r = sel ? sel[k] : k;
        list_entry e = entry_at(&a, r);
        int64_t element = -1;
        if (is_map) {
            element = map_find_key(n->children[1]->type, node_nested_child(n, 0, 0), e, &key, r);
        } else {
            int64_t i = VIEW_AT(int64_t, key, r);
            if (i == 0)
                return node_error(n, ctx, ERR_INVALID_FUNCTION_ARGUMENT, "SQL array indices start at 1");
            if (i > 0 && i <= (int64_t)e.length)
                element = e.offset + i - 1;
            else if (i < 0 && -i <= (int64_t)e.length)
                element = e.offset + (int64_t)e.length + i;
        }
        if (element < 0) {
            if (!vector_set_null(&n->out, r))
                return out_of_memory(n, ctx);
            continue;
        }
        rows[m] = r;
        sources[m++] = (uint32_t)element;
    }
    const vector *elements = node_nested_child(n, 0, is_map ? 1 : 0);
    return vector_copy_values(&n->out, rows, 0, elements, sources, 0, m) || out_of_memory(n, ctx);
}

static bool bind_cardinality(expr_node *n, const sql_type *args, int arg_count, sql_type ret, shoal_error *error)
{
    (void)args, (void)arg_count, (void)ret, (void)error;
    n->kernel = kernel_cardinality;
    return true;
}

static bool bind_element_at(expr_node *n, const sql_type *args, int arg_count, sql_type ret, shoal_error *error)
{
    (void)arg_count, (void)ret;
    if (args[0].kind == TYPE_MAP && !comparable_elements(args[1], error))
        return false;
    n->kernel = kernel_element_at;
    return true;
}

/* ---- contains, array_position ---- */

static bool kernel_contains(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    if (!node_ensure_validity(n, ctx->error))
        return false;
    vector_view a = node_arg(n, 0), x = node_arg(n, 1);
    const vector *elements = node_nested_child(n, 0, 0);
    vector_view ev = vector_view_of(elements);
    sql_type t = n->children[1]->type;
    bool position = n->k[0];
    for (uint32_t k = 0; k < count; k++) {
        uint32_t r = sel ? sel[k] : k;
        list_entry e = entry_at(&a, r);
        int64_t found = 0;
        bool saw_null = false;
        for (uint32_t i = 0; i < e.length && !found; i++) {
            uint32_t at = e.offset + i;
            if (!vector_view_valid(&ev, vector_view_index(&ev, at)))
                saw_null = true;
            else if (compare_values(t, &ev, at, &x, r) == 0)
                found = i + 1;
        }
        if (position)
            ((int64_t *)n->out.data)[r] = found;
        else if (!found && saw_null)
            node_set_null(n, r);
        else
            ((uint8_t *)n->out.data)[r] = found != 0;
    }
    return true;
}

static bool bind_contains(expr_node *n, const sql_type *args, int arg_count, sql_type ret, shoal_error *error)
{
    (void)arg_count, (void)ret;
    if (!comparable_elements(args[1], error))
        return false;
    n->kernel = kernel_contains;
    n->k[0] = strcmp(n->function_name, "array_position") == 0;
    return true;
}

/* ---- array_join ---- */

static bool kernel_array_join(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    vector_view a = node_arg(n, 0), delimiter = node_arg(n, 1);
    vector_view replacement = n->child_count > 2 ? node_arg(n, 2) : delimiter;
    const vector *elements = node_nested_child(n, 0, 0);
    text_builder b;
    text_builder_init(&b);
    bool ok = true;
    for (uint32_t k = 0; ok && k < count; k++) {
        uint32_t r = sel ? sel[k] : k;
        list_entry e = entry_at(&a, r);
        string_view d = VIEW_AT(string_view, delimiter, r);
        b.length = 0;
        bool first = true;
        for (uint32_t i = 0; ok && i < e.length; i++) {
            bool is_null = element_is_null(elements, e.offset + i);
            if (is_null && n->child_count < 3)
                continue;
            if (!first)
                text_builder_append(&b, string_view_data(&d), d.length);
            first = false;
            if (is_null) {
                string_view s = VIEW_AT(string_view, replacement, r);
                text_builder_append(&b, string_view_data(&s), s.length);
            } else {
                ok = value_format_text(elements, e.offset + i, &b);
            }
        }
        ok = ok && text_builder_ok(&b);
        if (ok && b.length == 0) {
            ((string_view *)n->out.data)[r] = string_view_make("", 0);
            continue;
        }
        char *p = ok ? node_string_reserve(n, (uint32_t)b.length, ctx->error) : NULL;
        if (!p) {
            text_builder_free(&b);
            return ok ? false : out_of_memory(n, ctx);
        }
        memcpy(p, text_builder_cstr(&b), b.length);
        ((string_view *)n->out.data)[r] = string_view_make(p, (uint32_t)b.length);
    }
    text_builder_free(&b);
    return ok || out_of_memory(n, ctx);
}

static bool bind_array_join(expr_node *n, const sql_type *args, int arg_count, sql_type ret, shoal_error *error)
{
    (void)arg_count, (void)ret;
    physical_type p = type_physical(args[0].composite->field_types[0]);
    if (p == PHYSICAL_LIST || p == PHYSICAL_STRUCT)
        return error_set(error, ERR_FUNCTION_NOT_FOUND, "Input type %s not supported",
                         "array of nested values");
    n->kernel = kernel_array_join;
    return true;
}

/* ---- array_min, array_max ---- */

static bool kernel_array_extreme(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    if (!node_ensure_validity(n, ctx->error))
        return false;
    vector_view a = node_arg(n, 0);
    const vector *elements = node_nested_child(n, 0, 0);
    vector_view ev = vector_view_of(elements);
    int sign = n->k[0] ? 1 : -1;
    uint32_t *rows = n->sel_b, *sources = n->sel_c, m = 0;
    for (uint32_t k = 0; k < count; k++) {
        uint32_t r = sel ? sel[k] : k;
        list_entry e = entry_at(&a, r);
        int64_t best = -1;
        for (uint32_t i = 0; i < e.length; i++) {
            uint32_t at = e.offset + i;
            if (!vector_view_valid(&ev, vector_view_index(&ev, at))) {
                best = -1;
                break;
            }
            if (best < 0 || sign * compare_values(n->type, &ev, at, &ev, (uint32_t)best) > 0)
                best = at;
        }
        if (best < 0) {
            node_set_null(n, r);
            continue;
        }
        rows[m] = r;
        sources[m++] = (uint32_t)best;
    }
    return vector_copy_values(&n->out, rows, 0, elements, sources, 0, m) || out_of_memory(n, ctx);
}

static bool bind_array_extreme(expr_node *n, const sql_type *args, int arg_count, sql_type ret, shoal_error *error)
{
    (void)arg_count, (void)ret;
    if (!comparable_elements(args[0].composite->field_types[0], error))
        return false;
    n->kernel = kernel_array_extreme;
    n->k[0] = strcmp(n->function_name, "array_max") == 0;
    return true;
}

/* ---- slice, concat, map_keys, map_values ---- */

/* An index list that grows (element counts are not bounded by the vector size). */
typedef struct index_list {
    uint32_t *items;
    uint32_t count, capacity;
} index_list;

static bool index_list_reserve(index_list *l, uint64_t extra)
{
    if ((uint64_t)l->count + extra <= l->capacity)
        return true;
    uint64_t want = l->capacity ? l->capacity : 1024;
    while (want < (uint64_t)l->count + extra)
        want *= 2;
    if (want > UINT32_MAX / 2)
        return false;
    uint32_t *items = realloc(l->items, sizeof(uint32_t) * want);
    if (!items)
        return false;
    l->items = items;
    l->capacity = (uint32_t)want;
    return true;
}

static bool index_list_add_range(index_list *l, uint32_t offset, uint32_t length)
{
    if (!index_list_reserve(l, length))
        return false;
    for (uint32_t i = 0; i < length; i++)
        l->items[l->count++] = offset + i;
    return true;
}

static bool kernel_slice(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    vector_view a = node_arg(n, 0), start = node_arg(n, 1), length = node_arg(n, 2);
    uint32_t *rows = n->sel_b, *lengths = n->sel_c, m = 0;
    index_list list = {0};
    for (uint32_t k = 0; k < count; k++) {
        uint32_t r = sel ? sel[k] : k;
        list_entry e = entry_at(&a, r);
        int64_t s = VIEW_AT(int64_t, start, r), l = VIEW_AT(int64_t, length, r);
        if (s == 0) {
            free(list.items);
            return node_error(n, ctx, ERR_INVALID_FUNCTION_ARGUMENT, "SQL array indices start at 1");
        }
        if (l < 0) {
            free(list.items);
            return node_error(n, ctx, ERR_INVALID_FUNCTION_ARGUMENT,
                              "length must be greater than or equal to 0");
        }
        int64_t from = s > 0 ? s - 1 : (int64_t)e.length + s;
        uint32_t take = 0;
        if (from >= 0 && from < (int64_t)e.length)
            take = (uint32_t)((int64_t)e.length - from < l ? (int64_t)e.length - from : l);
        rows[m] = r;
        lengths[m++] = take;
        if (take && !index_list_add_range(&list, e.offset + (uint32_t)from, take)) {
            free(list.items);
            return out_of_memory(n, ctx);
        }
    }
    const vector *sources[1] = {node_nested_child(n, 0, 0)};
    const uint32_t *indexes[1] = {list.items};
    bool ok = emit_lists(n, ctx, rows, lengths, m, indexes, list.count, sources);
    free(list.items);
    return ok;
}

static bool kernel_concat_arrays(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    /* children are copied one after the other: a first pass copies child
     * 0's elements, then child 1's, into separate halves, so each result
     * entry must be contiguous: copy per argument into a merged index space */
    vector_view a = node_arg(n, 0), b = node_arg(n, 1);
    const vector *ea = node_nested_child(n, 0, 0), *eb = node_nested_child(n, 1, 0);
    list_entry *out = n->out.data;
    uint64_t total = 0;
    ROW_LOOP(sel, count, r, total += (uint64_t)entry_at(&a, r).length + entry_at(&b, r).length;);
    if (total > UINT32_MAX / 2 || !vector_list_reserve(&n->out, (uint32_t)total))
        return out_of_memory(n, ctx);
    uint32_t *targets = malloc(sizeof(uint32_t) * (total ? total : 1));
    uint32_t *sources = malloc(sizeof(uint32_t) * (total ? total : 1));
    if (!targets || !sources) {
        free(targets);
        free(sources);
        return out_of_memory(n, ctx);
    }
    bool ok = true;
    for (int side = 0; side < 2 && ok; side++) {
        uint32_t at = n->out.child_size, m = 0;
        for (uint32_t k = 0; k < count; k++) {
            uint32_t r = sel ? sel[k] : k;
            list_entry x = entry_at(&a, r), y = entry_at(&b, r);
            if (side == 0)
                out[r] = (list_entry){at, x.length + y.length};
            list_entry e = side == 0 ? x : y;
            uint32_t base = at + (side == 0 ? 0 : x.length);
            for (uint32_t i = 0; i < e.length; i++) {
                targets[m] = base + i;
                sources[m++] = e.offset + i;
            }
            at += x.length + y.length;
        }
        ok = vector_copy_values(n->out.children[0], targets, 0, side == 0 ? ea : eb, sources, 0, m);
    }
    free(targets);
    free(sources);
    if (!ok)
        return out_of_memory(n, ctx);
    n->out.child_size += (uint32_t)total;
    return true;
}

static bool kernel_map_part(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    vector_view a = node_arg(n, 0);
    uint32_t *rows = n->sel_b, *lengths = n->sel_c, m = 0;
    index_list list = {0};
    for (uint32_t k = 0; k < count; k++) {
        uint32_t r = sel ? sel[k] : k;
        list_entry e = entry_at(&a, r);
        rows[m] = r;
        lengths[m++] = e.length;
        if (!index_list_add_range(&list, e.offset, e.length)) {
            free(list.items);
            return out_of_memory(n, ctx);
        }
    }
    const vector *sources[1] = {node_nested_child(n, 0, (int)n->k[0])};
    const uint32_t *indexes[1] = {list.items};
    bool ok = emit_lists(n, ctx, rows, lengths, m, indexes, list.count, sources);
    free(list.items);
    return ok;
}

static bool bind_slice(expr_node *n, const sql_type *args, int arg_count, sql_type ret, shoal_error *error)
{
    (void)args, (void)arg_count, (void)ret, (void)error;
    n->kernel = kernel_slice;
    return true;
}

static bool bind_concat(expr_node *n, const sql_type *args, int arg_count, sql_type ret, shoal_error *error)
{
    extern const scalar_impl array_impls[];
    if (args[0].kind != TYPE_ARRAY)
        return expr_functions_bind_next(&array_impls[0], n, args, arg_count, ret, error);
    n->kernel = kernel_concat_arrays;
    return true;
}

static bool bind_map_part(expr_node *n, const sql_type *args, int arg_count, sql_type ret, shoal_error *error)
{
    (void)args, (void)arg_count, (void)ret, (void)error;
    n->kernel = kernel_map_part;
    n->k[0] = strcmp(n->function_name, "map_values") == 0;
    return true;
}

/* ---- sequence ---- */

enum { SEQUENCE_MAX = 10000 };

static bool kernel_sequence(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    vector_view start = node_arg(n, 0), stop = node_arg(n, 1);
    vector_view step = n->child_count > 2 ? node_arg(n, 2) : start;
    list_entry *out = n->out.data;
    vector *elements = n->out.children[0];
    for (uint32_t k = 0; k < count; k++) {
        uint32_t r = sel ? sel[k] : k;
        int64_t a = VIEW_AT(int64_t, start, r), b = VIEW_AT(int64_t, stop, r);
        int64_t s = n->child_count > 2 ? VIEW_AT(int64_t, step, r) : (a <= b ? 1 : -1);
        if (s == 0)
            return node_error(n, ctx, ERR_INVALID_FUNCTION_ARGUMENT, "step must not be zero");
        if ((s > 0 && a > b) || (s < 0 && a < b))
            return node_error(n, ctx, ERR_INVALID_FUNCTION_ARGUMENT,
                              "sequence stop value should be greater than or equal to start value if step is "
                              "greater than zero otherwise stop should be less than or equal to start");
        __int128 span = ((__int128)b - a) / s;
        if (span + 1 > SEQUENCE_MAX)
            return node_error(n, ctx, ERR_INVALID_FUNCTION_ARGUMENT,
                              "result of sequence function must not have more than %d entries", SEQUENCE_MAX);
        uint32_t length = (uint32_t)(span + 1);
        if (!vector_list_reserve(&n->out, length))
            return out_of_memory(n, ctx);
        int64_t *values = elements->data;
        for (uint32_t i = 0; i < length; i++)
            values[n->out.child_size + i] = a + (int64_t)i * s;
        out[r] = (list_entry){n->out.child_size, length};
        n->out.child_size += length;
    }
    return true;
}

static bool bind_sequence(expr_node *n, const sql_type *args, int arg_count, sql_type ret, shoal_error *error)
{
    (void)args, (void)arg_count, (void)ret, (void)error;
    n->kernel = kernel_sequence;
    return true;
}

/* ---- map(keys, values), map() ---- */

static bool kernel_map_build(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    list_entry *out = n->out.data;
    if (n->child_count == 0) {
        ROW_LOOP(sel, count, r, out[r] = (list_entry){0, 0};);
        return true;
    }
    vector_view keys = node_arg(n, 0), values = node_arg(n, 1);
    const vector *key_elements = node_nested_child(n, 0, 0), *value_elements = node_nested_child(n, 1, 0);
    vector_view kv = vector_view_of(key_elements);
    sql_type key_type = n->type.composite->field_types[0];
    uint32_t *rows = n->sel_b, *lengths = n->sel_c, m = 0;
    index_list key_list = {0}, value_list = {0};
    bool ok = true;
    for (uint32_t k = 0; ok && k < count; k++) {
        uint32_t r = sel ? sel[k] : k;
        list_entry ke = entry_at(&keys, r), ve = entry_at(&values, r);
        if (ke.length != ve.length) {
            ok = node_error(n, ctx, ERR_INVALID_FUNCTION_ARGUMENT, "Key and value arrays must be the same length");
            break;
        }
        for (uint32_t i = 0; ok && i < ke.length; i++) {
            uint32_t at = ke.offset + i;
            if (!vector_view_valid(&kv, vector_view_index(&kv, at))) {
                ok = node_error(n, ctx, ERR_INVALID_FUNCTION_ARGUMENT, "map key cannot be null");
                break;
            }
            for (uint32_t j = 0; j < i; j++) {
                if (compare_values(key_type, &kv, ke.offset + j, &kv, at) == 0) {
                    text_builder b;
                    text_builder_init(&b);
                    value_format_text(key_elements, at, &b);
                    ok = node_error(n, ctx, ERR_INVALID_FUNCTION_ARGUMENT, "Duplicate map keys (%s) are not allowed",
                                    text_builder_ok(&b) ? text_builder_cstr(&b) : "?");
                    text_builder_free(&b);
                    break;
                }
            }
        }
        if (!ok)
            break;
        rows[m] = r;
        lengths[m++] = ke.length;
        if (!index_list_add_range(&key_list, ke.offset, ke.length) ||
            !index_list_add_range(&value_list, ve.offset, ve.length))
            ok = out_of_memory(n, ctx);
    }
    if (ok) {
        const vector *sources[2] = {key_elements, value_elements};
        const uint32_t *indexes[2] = {key_list.items, value_list.items};
        ok = emit_lists(n, ctx, rows, lengths, m, indexes, key_list.count, sources);
    }
    free(key_list.items);
    free(value_list.items);
    return ok;
}

static bool bind_map_build(expr_node *n, const sql_type *args, int arg_count, sql_type ret, shoal_error *error)
{
    (void)args, (void)arg_count;
    if (arg_count == 2 && !comparable_elements(ret.composite->field_types[0], error))
        return false;
    n->kernel = kernel_map_build;
    return true;
}

const scalar_impl array_impls[] = {
    {"concat", bind_concat},
    {"cardinality", bind_cardinality},
    {"element_at", bind_element_at},
    {"contains", bind_contains},
    {"array_position", bind_contains},
    {"array_join", bind_array_join},
    {"array_max", bind_array_extreme},
    {"array_min", bind_array_extreme},
    {"slice", bind_slice},
    {"map_keys", bind_map_part},
    {"map_values", bind_map_part},
    {"sequence", bind_sequence},
    {"map", bind_map_build},
};
const int array_impl_count = sizeof array_impls / sizeof array_impls[0];
