/*
 * page_builder.c — string arenas, column buffers, selected-row copies and
 * output page building. Every loop is specialised by value width once per
 * call.
 */
#include "page_builder.h"

#include <stdlib.h>
#include <string.h>

enum { ARENA_FIRST_BLOCK = 64 * 1024, ARENA_MAX_BLOCK = 4 * 1024 * 1024 };

/* ---- string arena ------------------------------------------------------- */

void string_arena_init(string_arena *a)
{
    memset(a, 0, sizeof *a);
}

void string_arena_free(string_arena *a)
{
    for (int i = 0; i < a->block_count; i++)
        free(a->blocks[i]);
    free(a->blocks);
    memset(a, 0, sizeof *a);
}

static bool string_arena_grow(string_arena *a, size_t need)
{
    size_t size = a->block_size ? a->block_size * 2 : ARENA_FIRST_BLOCK;
    if (size > ARENA_MAX_BLOCK)
        size = ARENA_MAX_BLOCK;
    if (size < need)
        size = need;
    if (a->block_count == a->block_capacity) {
        int capacity = a->block_capacity ? a->block_capacity * 2 : 8;
        char **blocks = realloc(a->blocks, sizeof *blocks * (size_t)capacity);
        if (!blocks)
            return false;
        a->blocks = blocks;
        a->block_capacity = capacity;
    }
    char *block = malloc(size);
    if (!block)
        return false;
    a->blocks[a->block_count++] = block;
    a->block_size = size;
    a->used = 0;
    a->total_bytes += size;
    return true;
}

bool string_arena_own(string_arena *a, string_view *s)
{
    if (s->length <= STRING_INLINE_MAX)
        return true;
    if (a->block_count == 0 || a->block_size - a->used < s->length)
        if (!string_arena_grow(a, s->length))
            return false;
    char *target = a->blocks[a->block_count - 1] + a->used;
    memcpy(target, s->u.pointer, s->length);
    a->used += s->length;
    s->u.pointer = target;
    return true;
}

/* ---- helpers ------------------------------------------------------------ */

bool type_is_flat_scalar(sql_type type)
{
    physical_type p = type_physical(type);
    return p != PHYSICAL_LIST && p != PHYSICAL_STRUCT;
}

/* Copies count values of `width` bytes: dst[i] = src[index(i)]. */
#define GATHER_LOOP(T)                                                                      \
    do {                                                                                    \
        T *d = (T *)dst;                                                                    \
        const T *s = (const T *)src;                                                        \
        if (selection)                                                                      \
            for (uint32_t i = 0; i < count; i++)                                            \
                d[i] = s[selection[i]];                                                     \
        else                                                                                \
            memcpy(d, s, sizeof(T) * count);                                                \
    } while (0)

typedef struct value16 {
    uint64_t a, b;
} value16;

static void gather_values(void *dst, const void *src, const uint32_t *selection, uint32_t count,
                          uint32_t width)
{
    switch (width) {
    case 1: GATHER_LOOP(uint8_t); break;
    case 2: GATHER_LOOP(uint16_t); break;
    case 4: GATHER_LOOP(uint32_t); break;
    case 8: GATHER_LOOP(uint64_t); break;
    case 16: GATHER_LOOP(value16); break;
    default:
        for (uint32_t i = 0; i < count; i++)
            memcpy((char *)dst + (size_t)i * width,
                   (const char *)src + (size_t)(selection ? selection[i] : i) * width, width);
        break;
    }
}

/* Composes a vector_view selection with an outer selection into `scratch`. */
static const uint32_t *compose_selection(const vector_view *view, const uint32_t *selection,
                                         uint32_t count, uint32_t *scratch)
{
    if (!view->selection)
        return selection;
    if (!selection)
        return view->selection;
    for (uint32_t i = 0; i < count; i++)
        scratch[i] = view->selection[selection[i]];
    return scratch;
}

/* ---- column buffer ------------------------------------------------------ */

bool column_buffer_init(column_buffer *c, sql_type type, shoal_error *error)
{
    memset(c, 0, sizeof *c);
    if (!type_is_flat_scalar(type))
        return error_set(error, ERR_NOT_SUPPORTED,
                         "Operator does not support nested type columns here yet");
    c->type = type;
    c->width = (uint32_t)type_value_size(type);
    if (c->width == 0)
        c->width = 1;
    return true;
}

bool column_buffer_init_any(column_buffer *c, sql_type type, shoal_error *error)
{
    if (type_is_flat_scalar(type))
        return column_buffer_init(c, type, error);
    memset(c, 0, sizeof *c);
    c->type = type;
    c->width = 1;
    c->nested = malloc(sizeof *c->nested);
    if (!c->nested || !vector_init_flat(c->nested, type, 1024)) {
        free(c->nested);
        c->nested = NULL;
        return error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
    }
    return true;
}

void column_buffer_free(column_buffer *c)
{
    if (c->nested) {
        vector_destroy(c->nested);
        free(c->nested);
    }
    free(c->values);
    free(c->nulls);
    memset(c, 0, sizeof *c);
}

bool column_buffer_reserve(column_buffer *c, uint64_t capacity)
{
    if (capacity <= c->capacity)
        return true;
    if (c->nested) {
        if (capacity > UINT32_MAX || !vector_reserve(c->nested, (uint32_t)capacity))
            return false;
        c->capacity = c->nested->capacity;
        return true;
    }
    uint64_t n = c->capacity ? c->capacity : 1024;
    while (n < capacity)
        n *= 2;
    unsigned char *values = realloc(c->values, n * c->width);
    if (!values)
        return false;
    c->values = values;
    if (c->nulls) {
        uint8_t *nulls = realloc(c->nulls, n);
        if (!nulls)
            return false;
        memset(nulls + c->capacity, 0, n - c->capacity);
        c->nulls = nulls;
    }
    c->capacity = n;
    return true;
}

bool column_buffer_make_nulls(column_buffer *c)
{
    if (c->nulls)
        return true;
    c->nulls = calloc(c->capacity ? c->capacity : 1, 1);
    return c->nulls != NULL;
}

bool column_buffer_write_at(column_buffer *c, uint64_t at, const vector *v, uint32_t count,
                            bool *has_nulls)
{
    *has_nulls = false;
    if (count == 0)
        return true;
    if (c->nested)
        return false; /* nested columns are appended, never written at an offset */
    vector_view view = vector_view_of(v);
    unsigned char *dst = c->values + at * c->width;
    gather_values(dst, view.data, view.selection, count, c->width);
    if (view.validity) {
        bool any = false;
        if (c->nulls) {
            for (uint32_t i = 0; i < count; i++) {
                bool null = !vector_view_valid(&view, vector_view_index(&view, i));
                c->nulls[at + i] = null;
                any |= null;
            }
        } else {
            for (uint32_t i = 0; i < count; i++)
                any |= !vector_view_valid(&view, vector_view_index(&view, i));
            if (any)
                return false;
        }
        *has_nulls = any;
    } else if (c->nulls) {
        memset(c->nulls + at, 0, count);
    }
    return true;
}

bool column_buffer_append(column_buffer *c, const vector *v, const uint32_t *selection,
                          uint32_t count, string_arena *arena)
{
    if (count == 0)
        return true;
    if (!column_buffer_reserve(c, c->count + count))
        return false;
    if (c->nested) {
        if (!vector_copy_values(c->nested, NULL, (uint32_t)c->count, v, selection, 0, count))
            return false;
        c->count += count;
        return true;
    }
    vector_view view = vector_view_of(v);
    uint32_t scratch[VECTOR_SIZE];
    const uint32_t *sel = compose_selection(&view, selection, count, scratch);
    unsigned char *dst = c->values + c->count * c->width;
    gather_values(dst, view.data, sel, count, c->width);
    if (view.validity) {
        bool any = false;
        for (uint32_t i = 0; i < count; i++) {
            uint32_t index = sel ? sel[i] : i;
            any |= !vector_view_valid(&view, index);
        }
        if (any || c->nulls) {
            if (!column_buffer_make_nulls(c))
                return false;
            uint8_t *nulls = c->nulls + c->count;
            for (uint32_t i = 0; i < count; i++) {
                uint32_t index = sel ? sel[i] : i;
                nulls[i] = !vector_view_valid(&view, index);
            }
            c->has_nulls |= any;
        }
    } else if (c->nulls) {
        memset(c->nulls + c->count, 0, count);
    }
    if (arena && type_physical(c->type) == PHYSICAL_STRING) {
        string_view *s = (string_view *)dst;
        for (uint32_t i = 0; i < count; i++)
            if (s[i].length > STRING_INLINE_MAX && !string_arena_own(arena, &s[i]))
                return false;
    }
    c->count += count;
    return true;
}

/* Nested values: one copy of the present rows, NULL for missing ones. */
static bool gather_nested(const column_buffer *c, const uint32_t *rows, uint32_t count, vector *out,
                          uint32_t out_row)
{
    uint32_t *targets = malloc(sizeof(uint32_t) * (count ? count : 1));
    uint32_t *sources = malloc(sizeof(uint32_t) * (count ? count : 1));
    bool ok = targets && sources;
    uint32_t m = 0;
    for (uint32_t i = 0; ok && i < count; i++) {
        if (rows[i] == UINT32_MAX) {
            ok = vector_set_null(out, out_row + i);
        } else {
            targets[m] = out_row + i;
            sources[m++] = rows[i];
        }
    }
    ok = ok && vector_copy_values(out, targets, 0, c->nested, sources, 0, m);
    free(targets);
    free(sources);
    return ok;
}

bool column_buffer_gather(const column_buffer *c, const uint32_t *rows, uint32_t count,
                          vector *out, uint32_t out_row)
{
    if (c->nested)
        return gather_nested(c, rows, count, out, out_row);
    unsigned char *dst = (unsigned char *)out->data + (size_t)out_row * c->width;
    bool has_missing = false;
    for (uint32_t i = 0; i < count; i++)
        has_missing |= rows[i] == UINT32_MAX;
    if (!has_missing) {
        gather_values(dst, c->values, rows, count, c->width);
    } else {
        for (uint32_t i = 0; i < count; i++) {
            if (rows[i] == UINT32_MAX)
                memset(dst + (size_t)i * c->width, 0, c->width);
            else
                memcpy(dst + (size_t)i * c->width, c->values + (size_t)rows[i] * c->width,
                       c->width);
        }
    }
    if (c->nulls || has_missing) {
        for (uint32_t i = 0; i < count; i++) {
            bool is_null = rows[i] == UINT32_MAX || (c->nulls && c->nulls[rows[i]]);
            if (is_null) {
                if (!vector_set_null(out, out_row + i))
                    return false;
            } else {
                vector_set_valid(out, out_row + i);
            }
        }
    } else if (out->validity) {
        for (uint32_t i = 0; i < count; i++)
            vector_set_valid(out, out_row + i);
    }
    if (type_physical(c->type) == PHYSICAL_STRING) {
        string_view *s = (string_view *)dst;
        for (uint32_t i = 0; i < count; i++)
            if (s[i].length > STRING_INLINE_MAX &&
                !vector_add_string(out, s[i].u.pointer, s[i].length, &s[i]))
                return false;
    }
    return true;
}

size_t column_buffer_bytes(const column_buffer *c)
{
    if (c->nested)
        return (size_t)c->capacity * 16 + (size_t)c->nested->child_size * 16;
    return c->capacity * c->width + (c->nulls ? c->capacity : 0);
}

/* ---- vector kernels ----------------------------------------------------- */

bool vector_append_selected(vector *out, uint32_t out_row, const vector *src,
                            const uint32_t *selection, uint32_t count)
{
    if (count == 0)
        return true;
    uint32_t width = (uint32_t)type_value_size(out->type);
    if (width == 0)
        width = 1;
    vector_view view = vector_view_of(src);
    uint32_t scratch[VECTOR_SIZE];
    const uint32_t *sel = compose_selection(&view, selection, count, scratch);
    gather_values((unsigned char *)out->data + (size_t)out_row * width, view.data, sel, count,
                  width);
    if (view.validity) {
        for (uint32_t i = 0; i < count; i++) {
            uint32_t index = sel ? sel[i] : i;
            if (!vector_view_valid(&view, index)) {
                if (!vector_set_null(out, out_row + i))
                    return false;
            } else {
                vector_set_valid(out, out_row + i);
            }
        }
    } else if (out->validity) {
        for (uint32_t i = 0; i < count; i++)
            vector_set_valid(out, out_row + i);
    }
    if (type_physical(out->type) == PHYSICAL_STRING) {
        const vector *owner = src->kind == VECTOR_DICTIONARY ? src->dictionary : src;
        /* keep the source's string memory (dedup the last few) */
        for (int k = 0; k < owner->kept_count; k++) {
            bool have = false;
            for (int j = 0; j < out->kept_count && !have; j++)
                have = out->kept[j] == owner->kept[k];
            if (!have && !vector_keep_buffer(out, owner->kept[k]))
                return false;
        }
        if (owner->data_buffer && !vector_keep_buffer(out, owner->data_buffer))
            return false;
    }
    return true;
}

page *page_select(const page *p, const uint32_t *selection, uint32_t count)
{
    page *out = page_new_empty(p->column_count);
    if (!out)
        return NULL;
    out->row_count = count;
    for (int c = 0; c < p->column_count; c++) {
        bool ok = selection ? vector_init_dictionary(&out->columns[c], &p->columns[c], selection,
                                                     count)
                            : vector_init_reference(&out->columns[c], &p->columns[c]);
        if (!ok) {
            out->column_count = c;
            page_unref(out);
            return NULL;
        }
    }
    return out;
}

page *page_project(const page *p, const int *channels, int channel_count)
{
    page *out = page_new_empty(channel_count);
    if (!out)
        return NULL;
    out->row_count = p->row_count;
    for (int c = 0; c < channel_count; c++) {
        if (!vector_init_reference(&out->columns[c], &p->columns[channels[c]])) {
            out->column_count = c;
            page_unref(out);
            return NULL;
        }
    }
    return out;
}

/* ---- page builder ------------------------------------------------------- */

bool page_builder_init(page_builder *b, int column_count, const sql_type *types)
{
    memset(b, 0, sizeof *b);
    b->column_count = column_count;
    b->types = malloc(sizeof *types * (size_t)(column_count ? column_count : 1));
    if (!b->types)
        return false;
    if (column_count > 0)
        memcpy(b->types, types, sizeof *types * (size_t)column_count);
    return true;
}

void page_builder_free(page_builder *b)
{
    page_unref(b->current);
    free(b->types);
    memset(b, 0, sizeof *b);
}

uint32_t page_builder_append(page_builder *b, const page *src, const uint32_t *selection,
                             uint32_t count, bool *ok)
{
    *ok = true;
    if (!b->current) {
        b->current = page_new(b->column_count, b->types, VECTOR_SIZE);
        if (!b->current) {
            *ok = false;
            return 0;
        }
    }
    uint32_t room = VECTOR_SIZE - b->current->row_count;
    uint32_t take = count < room ? count : room;
    for (int c = 0; c < b->column_count; c++) {
        if (!vector_append_selected(&b->current->columns[c], b->current->row_count,
                                    &src->columns[c], selection, take)) {
            *ok = false;
            return 0;
        }
    }
    b->current->row_count += take;
    return take;
}

page *page_builder_take(page_builder *b)
{
    page *p = b->current;
    b->current = NULL;
    if (p && p->row_count == 0) {
        page_unref(p);
        return NULL;
    }
    return p;
}
