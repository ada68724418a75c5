/*
 * page_builder.h — the columnar building blocks the operators share, so no
 * operator copies rows one value at a time through a generic call:
 *
 *   string_arena   append-only storage for string bytes an operator must own
 *                  (group keys, top-N rows) after the input page is gone.
 *   column_buffer  a growable column of one scalar type of any length (a join
 *                  build side, a sort run): values + one null byte per row.
 *                  Appends take whole vectors (with an optional selection);
 *                  gathers write an index list into a flat output vector.
 *                  The type switch happens once per call, never per row.
 *   page_builder   appends selected rows of input pages into output pages of
 *                  at most VECTOR_SIZE rows.
 *
 * Strings in a column_buffer are string_views: either pointing into memory
 * the caller keeps alive (input pages it holds) or, when an arena is given,
 * into the arena. Gathers copy long string bytes into the output vector, so
 * output pages never pin operator state.
 *
 * Nested types (array, map, row): column_buffer_init fails with
 * NOT_SUPPORTED for them; column_buffer_init_any keeps them in a growing
 * flat vector instead (append and gather only — callers that read values
 * with column_buffer_at or write_at must use column_buffer_init).
 */
#ifndef SHOAL_OPERATORS_PAGE_BUILDER_H
#define SHOAL_OPERATORS_PAGE_BUILDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "connectors/spi/error.h"
#include "connectors/spi/page.h"
#include "connectors/spi/vector.h"

/* ---- string arena ------------------------------------------------------- */

typedef struct string_arena {
    char **blocks;
    int block_count;
    int block_capacity;
    size_t used;            /* in the last block */
    size_t block_size;      /* of the last block */
    size_t total_bytes;     /* all blocks, for accounting */
} string_arena;

void string_arena_init(string_arena *a);
void string_arena_free(string_arena *a);
/* Copies the string's bytes into the arena when it is not inline; on out of
 * memory returns false. */
bool string_arena_own(string_arena *a, string_view *s);

/* ---- column buffer ------------------------------------------------------ */

typedef struct column_buffer {
    sql_type type;
    uint32_t width;          /* bytes per value */
    uint64_t count;
    uint64_t capacity;
    unsigned char *values;
    uint8_t *nulls;          /* 1 = NULL, one byte per row; NULL until needed */
    bool has_nulls;
    vector *nested;          /* nested types (column_buffer_init_any): the values */
} column_buffer;

/* Fails with NOT_SUPPORTED for nested types. */
bool column_buffer_init(column_buffer *c, sql_type type, shoal_error *error);
/* As column_buffer_init, nested types included (for append + gather users). */
bool column_buffer_init_any(column_buffer *c, sql_type type, shoal_error *error);
void column_buffer_free(column_buffer *c);
bool column_buffer_reserve(column_buffer *c, uint64_t capacity);
/* Appends rows (selection ? selection[i] : i), i < count, of `v`. With an
 * arena, long strings are copied into it; without, the views are kept as
 * they are (the caller keeps the source memory alive). */
bool column_buffer_append(column_buffer *c, const vector *v, const uint32_t *selection,
                          uint32_t count, string_arena *arena);
/* Makes the per-row NULL bytes (all valid) up to the capacity. */
bool column_buffer_make_nulls(column_buffer *c);
/* Writes the rows of `v` into rows [at, at + count) of a buffer reserved past
 * them, touching nothing else, so threads may fill disjoint ranges of one
 * buffer at once (the caller sets count). *has_nulls: some row was NULL;
 * false when one was and the NULL bytes were not made beforehand. */
bool column_buffer_write_at(column_buffer *c, uint64_t at, const vector *v, uint32_t count,
                            bool *has_nulls);
/* Writes rows[i] (UINT32_MAX: NULL) into out rows [out_row, out_row+count)
 * of a flat vector of the same type. */
bool column_buffer_gather(const column_buffer *c, const uint32_t *rows, uint32_t count,
                          vector *out, uint32_t out_row);
static inline bool column_buffer_is_null(const column_buffer *c, uint64_t row)
{
    return c->nulls && c->nulls[row];
}
static inline const void *column_buffer_at(const column_buffer *c, uint64_t row)
{
    return c->values + row * c->width;
}
size_t column_buffer_bytes(const column_buffer *c);

/* ---- vector kernels ----------------------------------------------------- */

/* True when the type can live in a column_buffer / hash table row. */
bool type_is_flat_scalar(sql_type type);

/* Copies rows (selection ? selection[i] : i) of `src` into rows
 * [out_row, out_row+count) of flat `out`; strings are referenced (out keeps
 * src's string buffers). */
bool vector_append_selected(vector *out, uint32_t out_row, const vector *src,
                            const uint32_t *selection, uint32_t count);

/* A new page holding the same vectors as `p` (references), restricted to
 * `count` rows: dictionary vectors when selection is given, else a plain
 * reference of the first `count` rows. */
page *page_select(const page *p, const uint32_t *selection, uint32_t count);
/* A new page holding columns `channels` of `p` (references, no copy). */
page *page_project(const page *p, const int *channels, int channel_count);

/* ---- page builder ------------------------------------------------------- */

typedef struct page_builder {
    int column_count;
    sql_type *types;
    page *current;
} page_builder;

bool page_builder_init(page_builder *b, int column_count, const sql_type *types);
void page_builder_free(page_builder *b);
/* Appends rows of `src` (all its columns, in order) by selection; at most
 * the room left in the current page — returns how many rows were taken. */
uint32_t page_builder_append(page_builder *b, const page *src, const uint32_t *selection,
                             uint32_t count, bool *ok);
static inline uint32_t page_builder_room(const page_builder *b)
{
    return b->current ? VECTOR_SIZE - b->current->row_count : VECTOR_SIZE;
}
static inline uint32_t page_builder_rows(const page_builder *b)
{
    return b->current ? b->current->row_count : 0;
}
/* Hands over the current page (NULL when empty). */
page *page_builder_take(page_builder *b);

#endif
