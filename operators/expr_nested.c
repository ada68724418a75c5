/*
 * expr_nested.c — the nested-type expression forms: ARRAY[...] and ROW(...)
 * constructors, subscripts (array index, map key) and row field access.
 *
 * Each works on the whole selection at once: the constructors copy every
 * argument column into the result's children with one vector_copy_values
 * call per argument; a subscript gathers the (result row, element) pairs of
 * all rows and copies them in one call.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "connectors/spi/value_format.h"
#include "operators/expr_internal.h"

static bool out_of_memory(expr_node *n, eval_context *ctx)
{
    return node_error(n, ctx, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
}

bool eval_array_constructor(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    if (!node_eval_children(n, ctx, sel, count) || !node_prepare_output(n, ctx->error))
        return false;
    uint32_t width = (uint32_t)n->child_count;
    list_entry *entries = n->out.data;
    for (uint32_t k = 0; k < count; k++)
        entries[sel ? sel[k] : k] = (list_entry){k * width, width};
    if (width == 0)
        return true;
    vector *elements = n->out.children[0];
    if (!vector_reserve(elements, count * width))
        return out_of_memory(n, ctx);
    uint32_t *targets = n->sel_b;
    for (uint32_t j = 0; j < width; j++) {
        for (uint32_t k = 0; k < count; k++)
            targets[k] = k * width + j;
        if (!vector_copy_values(elements, targets, 0, n->children[j]->result, sel, 0, count))
            return out_of_memory(n, ctx);
    }
    n->out.child_size = count * width;
    return true;
}

bool eval_row_constructor(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    if (!node_eval_children(n, ctx, sel, count) || !node_prepare_output(n, ctx->error))
        return false;
    for (int j = 0; j < n->child_count; j++)
        if (!vector_copy_values(n->out.children[j], sel, 0, n->children[j]->result, sel, 0, count))
            return out_of_memory(n, ctx);
    return true;
}

bool array_index_check(expr_node *n, eval_context *ctx, int64_t index, uint32_t length)
{
    if (index == 0)
        return node_error(n, ctx, ERR_INVALID_FUNCTION_ARGUMENT, "SQL array indices start at 1");
    if (index < 0)
        return node_error(n, ctx, ERR_INVALID_FUNCTION_ARGUMENT, "Array subscript is negative: %" PRId64, index);
    if (index > (int64_t)length)
        return node_error(n, ctx, ERR_INVALID_FUNCTION_ARGUMENT,
                          "Array subscript must be less than or equal to array length: %" PRId64 " > %u",
                          index, length);
    return true;
}

int64_t map_find_key(sql_type key_type, const vector *keys, list_entry e, const vector_view *key,
                     uint32_t key_row)
{
    vector_view kv = vector_view_of(keys);
    for (uint32_t i = 0; i < e.length; i++)
        if (compare_values(key_type, &kv, e.offset + i, key, key_row) == 0)
            return e.offset + i;
    return -1;
}

bool subscript_bind(expr_node *n, shoal_error *error)
{
    sql_type container = n->children[0]->type;
    sql_type index_type;
    if (container.kind == TYPE_ARRAY)
        index_type = type_make(TYPE_BIGINT);
    else if (container.kind == TYPE_MAP)
        index_type = container.composite->field_types[0];
    else
        return error_set(error, ERR_TYPE_MISMATCH, "Cannot use subscript on a value that is not an array or map");
    if (n->children[1]->type.kind != TYPE_UNKNOWN) {
        n->children[1] = node_make_cast(n->children[1], index_type, false, error);
        if (!n->children[1])
            return false;
    }
    return true;
}

/* Copies the gathered (row, element) pairs into the result. */
static bool copy_gathered(expr_node *n, eval_context *ctx, const vector *elements, const uint32_t *rows,
                          const uint32_t *sources, uint32_t m)
{
    if (!vector_copy_values(&n->out, rows, 0, elements, sources, 0, m))
        return out_of_memory(n, ctx);
    return true;
}

static bool format_key(const vector *v, uint32_t row, char *out, size_t size)
{
    text_builder b;
    text_builder_init(&b);
    bool ok = value_format_text(v, row, &b);
    snprintf(out, size, "%s", ok ? text_builder_cstr(&b) : "?");
    text_builder_free(&b);
    return ok;
}

bool eval_subscript(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    if (!node_eval_children(n, ctx, sel, count) || !node_prepare_output(n, ctx->error))
        return false;
    physical_type physical = type_physical(n->type);
    if (physical != PHYSICAL_LIST && physical != PHYSICAL_STRUCT && !node_ensure_validity(n, ctx->error))
        return false;
    vector_view container = node_arg(n, 0), index = node_arg(n, 1);
    const list_entry *entries = container.data;
    bool is_map = n->children[0]->type.kind == TYPE_MAP;
    uint32_t *rows = n->sel_b, *sources = n->sel_c;
    uint32_t m = 0;
    bool unknown_index = n->children[1]->type.kind == TYPE_UNKNOWN;
    for (uint32_t k = 0; k < count; k++) {
        uint32_t r = sel ? sel[k] : k;
        if (!view_valid_at(&container, r) || unknown_index || !view_valid_at(&index, r)) {
            if (!vector_set_null(&n->out, r))
                return out_of_memory(n, ctx);
            continue;
        }
        list_entry e = entries[container.selection ? container.selection[r] : r];
        int64_t element;
        if (is_map) {
            element = map_find_key(n->children[1]->type, node_nested_child(n, 0, 0), e, &index, r);
            if (element < 0) {
                char key[256];
                format_key(n->children[1]->result, r, key, sizeof key);
                return node_error(n, ctx, ERR_INVALID_FUNCTION_ARGUMENT, "Key not present in map: %s", key);
            }
        } else {
            int64_t i = VIEW_AT(int64_t, index, r);
            if (!array_index_check(n, ctx, i, e.length))
                return false;
            element = e.offset + i - 1;
        }
        rows[m] = r;
        sources[m++] = (uint32_t)element;
    }
    return copy_gathered(n, ctx, node_nested_child(n, 0, is_map ? 1 : 0), rows, sources, m);
}

bool eval_dereference(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    if (!node_eval_children(n, ctx, sel, count) || !node_prepare_output(n, ctx->error))
        return false;
    physical_type physical = type_physical(n->type);
    if (physical != PHYSICAL_LIST && physical != PHYSICAL_STRUCT && !node_ensure_validity(n, ctx->error))
        return false;
    vector_view row = node_arg(n, 0);
    uint32_t *rows = n->sel_b, *sources = n->sel_c;
    uint32_t m = 0;
    for (uint32_t k = 0; k < count; k++) {
        uint32_t r = sel ? sel[k] : k;
        if (!view_valid_at(&row, r)) {
            if (!vector_set_null(&n->out, r))
                return out_of_memory(n, ctx);
            continue;
        }
        rows[m] = r;
        sources[m++] = row.selection ? row.selection[r] : r;
    }
    return copy_gathered(n, ctx, node_nested_child(n, 0, n->field_index), rows, sources, m);
}
