/*
 * vector_nested.c — growing flat vectors and copying values between vectors
 * of any type, nested ones included (array/map elements live in child
 * vectors addressed by list_entry {offset, length}; a row's fields are child
 * vectors indexed like the row vector itself).
 *
 * Copies take whole index lists: the type switch happens once per call and
 * the element ranges of all copied arrays are gathered into one index list
 * before the children are copied, so nesting costs one call per level, not
 * one per row.
 */
#include "vector.h"

#include <stdlib.h>
#include <string.h>

const vector *vector_base(const vector *v)
{
    return v->kind == VECTOR_DICTIONARY ? v->dictionary : v;
}

static size_t validity_bytes(uint32_t capacity)
{
    return ((capacity + 63) / 64) * sizeof(uint64_t);
}

static bool grow_buffer(buffer **b, void **data, size_t old_size, size_t new_size, bool zero)
{
    buffer *grown = zero ? buffer_new_zeroed(new_size) : buffer_new(new_size);
    if (!grown)
        return false;
    if (*b && old_size)
        memcpy(grown->data, (*b)->data, old_size);
    buffer_unref(*b);
    *b = grown;
    *data = grown->data;
    return true;
}

bool vector_reserve(vector *v, uint32_t capacity)
{
    if (v->kind != VECTOR_FLAT)
        return false;
    if (capacity <= v->capacity)
        return true;
    uint32_t target = v->capacity ? v->capacity : 16;
    while (target < capacity)
        target = target > UINT32_MAX / 2 ? capacity : target * 2;
    size_t size = type_value_size(v->type);
    physical_type physical = type_physical(v->type);
    bool zero = physical == PHYSICAL_STRING || physical == PHYSICAL_LIST;
    void *data = v->data;
    if (size && !grow_buffer(&v->data_buffer, &data, size * v->capacity, size * target, zero))
        return false;
    v->data = data;
    if (v->validity) {
        void *bits = v->validity;
        size_t old_bytes = validity_bytes(v->capacity), new_bytes = validity_bytes(target);
        if (!grow_buffer(&v->validity_buffer, &bits, old_bytes, new_bytes, false))
            return false;
        memset((char *)bits + old_bytes, 0xff, new_bytes - old_bytes);
        v->validity = bits;
    }
    if (physical == PHYSICAL_STRUCT)
        for (int i = 0; i < v->child_count; i++)
            if (!vector_reserve(v->children[i], target))
                return false;
    v->capacity = target;
    return true;
}

bool vector_list_reserve(vector *v, uint32_t extra)
{
    if (v->child_size > UINT32_MAX - extra)
        return false;
    for (int i = 0; i < v->child_count; i++)
        if (!vector_reserve(v->children[i], v->child_size + extra))
            return false;
    return true;
}

static inline uint32_t row_at(const uint32_t *rows, uint32_t start, uint32_t i)
{
    return rows ? rows[i] : start + i;
}

static bool copy_validity(vector *dst, const uint32_t *dst_rows, uint32_t dst_start, const vector_view *view,
                          const uint32_t *src_rows, uint32_t src_start, uint32_t count)
{
    if (!view->validity) {
        if (dst->validity)
            for (uint32_t i = 0; i < count; i++)
                vector_set_valid(dst, row_at(dst_rows, dst_start, i));
        return true;
    }
    for (uint32_t i = 0; i < count; i++) {
        uint32_t s = vector_view_index(view, row_at(src_rows, src_start, i));
        uint32_t d = row_at(dst_rows, dst_start, i);
        if (vector_view_valid(view, s))
            vector_set_valid(dst, d);
        else if (!vector_set_null(dst, d))
            return false;
    }
    return true;
}

static void copy_fixed(vector *dst, const uint32_t *dst_rows, uint32_t dst_start, const vector_view *view,
                       const uint32_t *src_rows, uint32_t src_start, uint32_t count, size_t size)
{
    unsigned char *d = dst->data;
    const unsigned char *s = view->data;
    switch (size) {
#define COPY_CASE(SIZE, T) \
    case SIZE: \
        for (uint32_t i = 0; i < count; i++) \
            ((T *)d)[row_at(dst_rows, dst_start, i)] = \
                ((const T *)s)[vector_view_index(view, row_at(src_rows, src_start, i))]; \
        break;
        COPY_CASE(1, uint8_t)
        COPY_CASE(2, uint16_t)
        COPY_CASE(4, uint32_t)
        COPY_CASE(8, uint64_t)
        COPY_CASE(16, string_view)
#undef COPY_CASE
    default:
        for (uint32_t i = 0; i < count; i++)
            memcpy(d + size * row_at(dst_rows, dst_start, i),
                   s + size * vector_view_index(view, row_at(src_rows, src_start, i)), size);
    }
}

/* Arrays and maps: the entries get new offsets in dst's children, then the
 * elements of every copied (non-NULL) entry are copied in one call per child. */
static bool copy_lists(vector *dst, const uint32_t *dst_rows, uint32_t dst_start, const vector *src,
                       const vector_view *view, const uint32_t *src_rows, uint32_t src_start, uint32_t count)
{
    const vector *base = vector_base(src);
    if (base->child_count != dst->child_count)
        return false;
    const list_entry *entries = view->data;
    list_entry *out = dst->data;
    uint64_t total = 0;
    for (uint32_t i = 0; i < count; i++) {
        uint32_t s = vector_view_index(view, row_at(src_rows, src_start, i));
        if (vector_view_valid(view, s))
            total += entries[s].length;
    }
    if (total > UINT32_MAX / 2 || !vector_list_reserve(dst, (uint32_t)total))
        return false;
    uint32_t *elements = malloc(sizeof(uint32_t) * (total ? total : 1));
    if (!elements)
        return false;
    uint32_t at = 0;
    for (uint32_t i = 0; i < count; i++) {
        uint32_t s = vector_view_index(view, row_at(src_rows, src_start, i));
        uint32_t d = row_at(dst_rows, dst_start, i);
        if (!vector_view_valid(view, s)) {
            out[d] = (list_entry){dst->child_size + at, 0};
            continue;
        }
        list_entry e = entries[s];
        out[d] = (list_entry){dst->child_size + at, e.length};
        for (uint32_t k = 0; k < e.length; k++)
            elements[at++] = e.offset + k;
    }
    bool ok = true;
    for (int c = 0; ok && c < dst->child_count; c++)
        ok = vector_copy_values(dst->children[c], NULL, dst->child_size, base->children[c], elements, 0, at);
    free(elements);
    if (ok)
        dst->child_size += at;
    return ok;
}

/* Rows: each field child is indexed like the row vector, through the view. */
static bool copy_structs(vector *dst, const uint32_t *dst_rows, uint32_t dst_start, const vector *src,
                         const vector_view *view, const uint32_t *src_rows, uint32_t src_start, uint32_t count)
{
    const vector *base = vector_base(src);
    if (base->child_count != dst->child_count)
        return false;
    uint32_t *indexes = NULL;
    if (view->selection || !src_rows) {
        indexes = malloc(sizeof(uint32_t) * (count ? count : 1));
        if (!indexes)
            return false;
        for (uint32_t i = 0; i < count; i++)
            indexes[i] = vector_view_index(view, row_at(src_rows, src_start, i));
    }
    bool ok = true;
    for (int c = 0; ok && c < dst->child_count; c++)
        ok = vector_copy_values(dst->children[c], dst_rows, dst_start, base->children[c],
                                indexes ? indexes : src_rows, 0, count);
    free(indexes);
    return ok;
}

bool vector_copy_values(vector *dst, const uint32_t *dst_rows, uint32_t dst_start, const vector *src,
                        const uint32_t *src_rows, uint32_t src_start, uint32_t count)
{
    if (count == 0)
        return true;
    if (dst->kind != VECTOR_FLAT)
        return false;
    vector_view view = vector_view_of(src);
    physical_type physical = type_physical(dst->type);
    bool ok = true;
    switch (physical) {
    case PHYSICAL_LIST:
        ok = copy_lists(dst, dst_rows, dst_start, src, &view, src_rows, src_start, count);
        break;
    case PHYSICAL_STRUCT:
        ok = copy_structs(dst, dst_rows, dst_start, src, &view, src_rows, src_start, count);
        break;
    case PHYSICAL_STRING:
        if (!vector_keep_buffers_of(dst, src))
            return false;
        copy_fixed(dst, dst_rows, dst_start, &view, src_rows, src_start, count, type_value_size(dst->type));
        break;
    default:
        copy_fixed(dst, dst_rows, dst_start, &view, src_rows, src_start, count, type_value_size(dst->type));
        break;
    }
    return ok && copy_validity(dst, dst_rows, dst_start, &view, src_rows, src_start, count);
}
