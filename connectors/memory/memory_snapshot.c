/*
 * memory_snapshot.c — immutable, reference-counted versions of a table's
 * page list, and the compaction that turns an incoming page into the flat,
 * exactly sized page the table keeps.
 */
#include <stdlib.h>
#include <string.h>

#include "memory_internal.h"

memory_snapshot *memory_snapshot_new(int column_count, const sql_type *types, uint64_t generation)
{
    memory_snapshot *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    atomic_init(&s->refcount, 1);
    s->generation = generation;
    s->column_count = column_count;
    s->stats = calloc((size_t)(column_count > 0 ? column_count : 1), sizeof *s->stats);
    if (!s->stats) {
        free(s);
        return NULL;
    }
    for (int i = 0; i < column_count; i++) {
        if (!memory_stats_init(&s->stats[i], types[i])) {
            memory_snapshot_release(s);
            return NULL;
        }
    }
    return s;
}

memory_snapshot *memory_snapshot_ref(memory_snapshot *s)
{
    if (s)
        atomic_fetch_add_explicit(&s->refcount, 1, memory_order_relaxed);
    return s;
}

void memory_snapshot_release(memory_snapshot *s)
{
    if (!s || atomic_fetch_sub_explicit(&s->refcount, 1, memory_order_acq_rel) != 1)
        return;
    for (int i = 0; i < s->page_count; i++)
        page_unref(s->pages[i]);
    free(s->pages);
    for (int i = 0; i < s->column_count; i++)
        memory_stats_destroy(&s->stats[i]);
    free(s->stats);
    free(s);
}

/* Strings: one buffer holding every long string of the column. */
static bool compact_strings(vector *dst, const vector *src, uint32_t rows)
{
    vector_view view = vector_view_of(src);
    const string_view *values = view.data;
    size_t total = 0;
    for (uint32_t i = 0; i < rows; i++) {
        uint32_t index = vector_view_index(&view, i);
        if (vector_view_valid(&view, index) && values[index].length > STRING_INLINE_MAX)
            total += values[index].length;
    }
    buffer *blob = NULL;
    if (total > 0) {
        blob = buffer_new(total);
        if (!blob || !vector_keep_buffer(dst, blob)) {
            buffer_unref(blob);
            return false;
        }
        buffer_unref(blob); /* dst holds it */
    }
    string_view *out = dst->data;
    for (uint32_t i = 0; i < rows; i++) {
        uint32_t index = vector_view_index(&view, i);
        if (!vector_view_valid(&view, index)) {
            if (!vector_set_null(dst, i))
                return false;
            continue;
        }
        const string_view *s = &values[index];
        if (s->length <= STRING_INLINE_MAX) {
            out[i] = *s;
            continue;
        }
        char *target = (char *)blob->data + blob->used;
        memcpy(target, s->u.pointer, s->length);
        blob->used += s->length;
        out[i] = string_view_make(target, s->length);
    }
    return true;
}

static bool compact_fixed(vector *dst, const vector *src, uint32_t rows)
{
    vector_view view = vector_view_of(src);
    size_t size = type_value_size(src->type);
    if (!view.selection) {
        memcpy(dst->data, view.data, size * rows);
        if (view.validity)
            for (uint32_t i = 0; i < rows; i++)
                if (!vector_view_valid(&view, i) && !vector_set_null(dst, i))
                    return false;
        return true;
    }
    const unsigned char *from = view.data;
    unsigned char *to = dst->data;
    for (uint32_t i = 0; i < rows; i++) {
        uint32_t index = view.selection[i];
        if (!vector_view_valid(&view, index)) {
            if (!vector_set_null(dst, i))
                return false;
            continue;
        }
        memcpy(to + size * i, from + size * index, size);
    }
    return true;
}

static bool compact_vector(vector *dst, const vector *src, uint32_t rows)
{
    physical_type physical = type_physical(src->type);
    if (physical == PHYSICAL_LIST || physical == PHYSICAL_STRUCT)
        return vector_init_reference(dst, src); /* nested: kept by reference */
    if (!vector_init_flat(dst, src->type, rows > 0 ? rows : 1))
        return false;
    bool ok = physical == PHYSICAL_STRING ? compact_strings(dst, src, rows)
                                          : compact_fixed(dst, src, rows);
    if (!ok)
        vector_destroy(dst);
    return ok;
}

page *memory_compact_page(const page *p, shoal_error *error)
{
    page *out = page_new_empty(p->column_count);
    if (!out)
        goto oom;
    out->column_count = 0;
    for (int i = 0; i < p->column_count; i++) {
        if (!compact_vector(&out->columns[i], &p->columns[i], p->row_count))
            goto oom;
        out->column_count = i + 1;
    }
    out->row_count = p->row_count;
    return out;
oom:
    page_unref(out);
    error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory while storing a page");
    return NULL;
}
