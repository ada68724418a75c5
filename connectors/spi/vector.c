/*
 * vector.c — making, sharing, flattening and writing vectors.
 */
#include "vector.h"

#include <stdlib.h>
#include <string.h>

const uint32_t vector_zero_selection[VECTOR_SIZE];

enum { STRING_BLOCK_SIZE = 64 * 1024 };

static size_t validity_bytes(uint32_t capacity)
{
    return ((capacity + 63) / 64) * sizeof(uint64_t);
}

static void vector_clear(vector *v, sql_type type, vector_kind kind)
{
    memset(v, 0, sizeof *v);
    v->type = type;
    v->kind = kind;
}

static bool vector_init_children(vector *v, uint32_t capacity)
{
    physical_type physical = type_physical(v->type);
    if (physical != PHYSICAL_LIST && physical != PHYSICAL_STRUCT)
        return true;
    const composite_type *c = v->type.composite;
    v->child_count = c->field_count;
    v->children = calloc((size_t)c->field_count, sizeof *v->children);
    if (!v->children)
        return false;
    for (int i = 0; i < c->field_count; i++) {
        v->children[i] = malloc(sizeof(vector));
        if (!v->children[i])
            return false;
        uint32_t child_capacity = physical == PHYSICAL_STRUCT ? capacity : capacity * 4;
        if (!vector_init_flat(v->children[i], c->field_types[i], child_capacity))
            return false;
    }
    return true;
}

bool vector_init_flat(vector *v, sql_type type, uint32_t capacity)
{
    vector_clear(v, type, VECTOR_FLAT);
    v->capacity = capacity;
    size_t size = type_value_size(type) * (size_t)capacity;
    /* Fixed-width values need no zeroing (every slot is written before it is
     * read; a NULL slot's bytes are never interpreted). Strings and lists are
     * zeroed so an unwritten slot is an empty value, never a wild pointer. */
    physical_type physical = type_physical(type);
    bool zero = physical == PHYSICAL_STRING || physical == PHYSICAL_LIST;
    v->data_buffer = zero ? buffer_new_zeroed(size ? size : 1) : buffer_new(size ? size : 1);
    if (!v->data_buffer)
        return false;
    v->data = v->data_buffer->data;
    if (!vector_init_children(v, capacity)) {
        vector_destroy(v);
        return false;
    }
    return true;
}

static bool vector_make_validity(vector *v)
{
    size_t bytes = validity_bytes(v->capacity);
    v->validity_buffer = buffer_new(bytes);
    if (!v->validity_buffer)
        return false;
    memset(v->validity_buffer->data, 0xff, bytes);
    v->validity = (uint64_t *)v->validity_buffer->data;
    return true;
}

bool vector_init_constant_null(vector *v, sql_type type)
{
    if (!vector_init_flat(v, type, 1))
        return false;
    v->kind = VECTOR_CONSTANT;
    return vector_set_null(v, 0);
}

bool vector_init_constant(vector *v, sql_type type, const void *value_bytes)
{
    if (!vector_init_flat(v, type, 1))
        return false;
    v->kind = VECTOR_CONSTANT;
    if (type_physical(type) == PHYSICAL_STRING) {
        const string_view *s = value_bytes;
        return vector_add_string(v, string_view_data(s), s->length, (string_view *)v->data);
    }
    memcpy(v->data, value_bytes, type_value_size(type));
    return true;
}

bool vector_init_reference(vector *dst, const vector *src)
{
    *dst = *src;
    dst->kept = NULL;
    dst->kept_count = dst->kept_capacity = 0;
    dst->children = NULL;
    dst->child_count = 0;
    dst->dictionary = NULL;
    buffer_ref(dst->data_buffer);
    buffer_ref(dst->validity_buffer);
    buffer_ref(dst->selection_buffer);
    if (src->dictionary) {
        dst->dictionary = malloc(sizeof(vector));
        if (!dst->dictionary || !vector_init_reference(dst->dictionary, src->dictionary))
            goto fail;
    }
    for (int i = 0; i < src->kept_count; i++)
        if (!vector_keep_buffer(dst, src->kept[i]))
            goto fail;
    if (src->child_count > 0) {
        dst->children = calloc((size_t)src->child_count, sizeof *dst->children);
        if (!dst->children)
            goto fail;
        dst->child_count = src->child_count;
        for (int i = 0; i < src->child_count; i++) {
            dst->children[i] = malloc(sizeof(vector));
            if (!dst->children[i] || !vector_init_reference(dst->children[i], src->children[i]))
                goto fail;
        }
    }
    return true;
fail:
    vector_destroy(dst);
    return false;
}

bool vector_init_dictionary(vector *v, const vector *source, const uint32_t *selection, uint32_t count)
{
    vector_clear(v, source->type, VECTOR_DICTIONARY);
    v->capacity = count;
    v->selection_buffer = buffer_new(sizeof(uint32_t) * (count ? count : 1));
    v->dictionary = malloc(sizeof(vector));
    if (!v->selection_buffer || !v->dictionary) {
        free(v->dictionary);
        v->dictionary = NULL;
        vector_destroy(v);
        return false;
    }
    if (source->kind == VECTOR_DICTIONARY) {
        /* compose selections so dictionaries never nest */
        uint32_t *composed = (uint32_t *)v->selection_buffer->data;
        for (uint32_t i = 0; i < count; i++)
            composed[i] = source->selection[selection[i]];
        if (!vector_init_reference(v->dictionary, source->dictionary))
            goto fail;
    } else {
        memcpy(v->selection_buffer->data, selection, sizeof(uint32_t) * count);
        if (!vector_init_reference(v->dictionary, source))
            goto fail;
    }
    v->selection = (const uint32_t *)v->selection_buffer->data;
    return true;
fail:
    free(v->dictionary);
    v->dictionary = NULL;
    vector_destroy(v);
    return false;
}

void vector_destroy(vector *v)
{
    buffer_unref(v->data_buffer);
    buffer_unref(v->validity_buffer);
    buffer_unref(v->selection_buffer);
    if (v->dictionary) {
        vector_destroy(v->dictionary);
        free(v->dictionary);
    }
    for (int i = 0; i < v->kept_count; i++)
        buffer_unref(v->kept[i]);
    free(v->kept);
    for (int i = 0; i < v->child_count; i++) {
        if (v->children[i]) {
            vector_destroy(v->children[i]);
            free(v->children[i]);
        }
    }
    free(v->children);
    memset(v, 0, sizeof *v);
}

vector_view vector_view_of(const vector *v)
{
    vector_view view;
    switch (v->kind) {
    case VECTOR_CONSTANT:
        view.data = v->data;
        view.validity = v->validity;
        view.selection = vector_zero_selection;
        break;
    case VECTOR_DICTIONARY:
        view.data = v->dictionary->data;
        view.validity = v->dictionary->validity;
        view.selection = v->selection;
        break;
    default:
        view.data = v->data;
        view.validity = v->validity;
        view.selection = NULL;
        break;
    }
    return view;
}

bool vector_set_null(vector *v, uint32_t row)
{
    if (!v->validity && !vector_make_validity(v))
        return false;
    v->validity[row >> 6] &= ~(UINT64_C(1) << (row & 63));
    return true;
}

void vector_set_valid(vector *v, uint32_t row)
{
    if (v->validity)
        v->validity[row >> 6] |= UINT64_C(1) << (row & 63);
}

bool vector_is_null(const vector *v, uint32_t row)
{
    vector_view view = vector_view_of(v);
    return !vector_view_valid(&view, vector_view_index(&view, row));
}

bool vector_has_nulls(const vector *v, uint32_t count)
{
    vector_view view = vector_view_of(v);
    if (!view.validity)
        return false;
    for (uint32_t i = 0; i < count; i++)
        if (!vector_view_valid(&view, vector_view_index(&view, i)))
            return true;
    return false;
}

bool vector_keep_buffer(vector *v, buffer *b)
{
    if (!b)
        return true;
    if (v->kept_count == v->kept_capacity) {
        int capacity = v->kept_capacity ? v->kept_capacity * 2 : 4;
        buffer **kept = realloc(v->kept, sizeof *kept * (size_t)capacity);
        if (!kept)
            return false;
        v->kept = kept;
        v->kept_capacity = capacity;
    }
    v->kept[v->kept_count++] = buffer_ref(b);
    return true;
}

bool vector_keep_buffers_of(vector *v, const vector *source)
{
    const vector *s = source->kind == VECTOR_DICTIONARY ? source->dictionary : source;
    for (int i = 0; i < s->kept_count; i++)
        if (!vector_keep_buffer(v, s->kept[i]))
            return false;
    return true;
}

bool vector_add_string(vector *v, const char *data, uint32_t length, string_view *out)
{
    if (length <= STRING_INLINE_MAX) {
        *out = string_view_make(data, length);
        return true;
    }
    buffer *last = v->kept_count ? v->kept[v->kept_count - 1] : NULL;
    bool last_is_ours = last && atomic_load_explicit(&last->refcount, memory_order_relaxed) == 1;
    if (!last_is_ours || last->capacity - last->used < length) {
        size_t size = length > STRING_BLOCK_SIZE ? length : STRING_BLOCK_SIZE;
        buffer *block = buffer_new(size);
        if (!block)
            return false;
        if (!vector_keep_buffer(v, block)) {
            buffer_unref(block);
            return false;
        }
        buffer_unref(block); /* the vector's reference is the only one */
        last = block;
    }
    char *target = (char *)last->data + last->used;
    memcpy(target, data, length);
    last->used += length;
    *out = string_view_make(target, length);
    return true;
}

static void copy_value_bytes(void *dst, const void *src, size_t size)
{
    switch (size) {
    case 1: *(uint8_t *)dst = *(const uint8_t *)src; break;
    case 2: memcpy(dst, src, 2); break;
    case 4: memcpy(dst, src, 4); break;
    case 8: memcpy(dst, src, 8); break;
    default: memcpy(dst, src, size); break;
    }
}

bool vector_copy_row(vector *dst, uint32_t to_row, const vector *src, uint32_t from_row)
{
    vector_view view = vector_view_of(src);
    uint32_t index = vector_view_index(&view, from_row);
    if (!vector_view_valid(&view, index))
        return vector_set_null(dst, to_row);
    vector_set_valid(dst, to_row);
    size_t size = type_value_size(dst->type);
    const unsigned char *value = (const unsigned char *)view.data + size * index;
    if (type_physical(dst->type) == PHYSICAL_STRING) {
        const string_view *s = (const string_view *)value;
        return vector_add_string(dst, string_view_data(s), s->length, (string_view *)dst->data + to_row);
    }
    if (src->child_count > 0 || type_physical(dst->type) == PHYSICAL_STRUCT)
        return vector_copy_values(dst, NULL, to_row, src, NULL, from_row, 1);
    copy_value_bytes((unsigned char *)dst->data + size * to_row, value, size);
    return true;
}

bool vector_flatten(vector *v, uint32_t count)
{
    if (v->kind == VECTOR_FLAT)
        return true;
    vector flat;
    if (!vector_init_flat(&flat, v->type, count > 0 ? count : 1))
        return false;
    physical_type physical = type_physical(v->type);
    if (physical == PHYSICAL_LIST || physical == PHYSICAL_STRUCT) {
        if (!vector_copy_values(&flat, NULL, 0, v, NULL, 0, count)) {
            vector_destroy(&flat);
            return false;
        }
        vector_destroy(v);
        *v = flat;
        return true;
    }
    const vector *source = v->kind == VECTOR_DICTIONARY ? v->dictionary : v;
    if (!vector_keep_buffers_of(&flat, source)) {
        vector_destroy(&flat);
        return false;
    }
    vector_view view = vector_view_of(v);
    size_t size = type_value_size(v->type);
    for (uint32_t i = 0; i < count; i++) {
        uint32_t index = vector_view_index(&view, i);
        if (!vector_view_valid(&view, index)) {
            if (!vector_set_null(&flat, i)) {
                vector_destroy(&flat);
                return false;
            }
            continue;
        }
        copy_value_bytes((unsigned char *)flat.data + size * i,
                         (const unsigned char *)view.data + size * index, size);
    }
    /* string views still point into the source's buffers, which flat keeps */
    vector_destroy(v);
    *v = flat;
    return true;
}
