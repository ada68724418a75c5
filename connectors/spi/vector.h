/*
 * vector.h — a column of up to VECTOR_SIZE values of one SQL type, shaped as
 * DuckDB's vectors:
 *
 *   FLAT        values[i] for row i, with an optional validity bitmap
 *   CONSTANT    one value (or NULL) standing for every row
 *   DICTIONARY  row i is dictionary[selection[i]]; filters and joins produce
 *               these instead of copying
 *
 * Kernels do not branch on the kind: vector_view() gives a uniform
 * (data, validity, selection) triple where a constant vector uses the
 * all-zero selection and a flat vector the identity (NULL selection).
 *
 * Variable-width values (string_view) point into string buffers that the
 * vector keeps referenced (vector_keep_buffer), so a vector stays valid
 * wherever it travels. Nested types keep child vectors: array/map values are
 * list_entry {offset, length} into children[0] (and children[1] for map
 * values); row vectors have one child per field.
 */
#ifndef SHOAL_SPI_VECTOR_H
#define SHOAL_SPI_VECTOR_H

#include <stdbool.h>
#include <stdint.h>

#include "connectors/spi/buffer.h"
#include "connectors/spi/string_view.h"
#include "connectors/spi/types.h"

enum { VECTOR_SIZE = 2048 };

typedef enum vector_kind {
    VECTOR_FLAT,
    VECTOR_CONSTANT,
    VECTOR_DICTIONARY
} vector_kind;

typedef struct vector {
    sql_type type;
    vector_kind kind;
    uint32_t capacity;            /* FLAT: slots in data; CONSTANT: 1 */
    void *data;                   /* physical values, see types.h */
    uint64_t *validity;           /* NULL: no NULLs; bit set = valid */
    buffer *data_buffer;
    buffer *validity_buffer;

    /* DICTIONARY: row i is dictionary->values[selection[i]] */
    const uint32_t *selection;
    buffer *selection_buffer;
    struct vector *dictionary;    /* owned by this vector */

    /* string bytes and other memory the values point into */
    buffer **kept;
    int kept_count;
    int kept_capacity;

    /* nested types */
    struct vector **children;     /* owned */
    int child_count;
    uint32_t child_size;          /* array/map: element slots used in the children */
} vector;

/* The uniform read view of a vector. Row i's value is at
 * data[selection ? selection[i] : i]; its validity at the same index. */
typedef struct vector_view {
    const void *data;
    const uint64_t *validity;
    const uint32_t *selection;
} vector_view;

/* A selection of all zeros, long enough for any vector; constant vectors use it. */
extern const uint32_t vector_zero_selection[VECTOR_SIZE];

/* Initialise as a writable flat vector of `capacity` rows (usually
 * VECTOR_SIZE). All values start valid. Returns false on out of memory. */
bool vector_init_flat(vector *v, sql_type type, uint32_t capacity);
/* Initialise as a constant vector holding NULL. */
bool vector_init_constant_null(vector *v, sql_type type);
/* Initialise as a constant vector holding the value at `*value_bytes`
 * (type_value_size bytes; strings are copied into the vector). */
bool vector_init_constant(vector *v, sql_type type, const void *value_bytes);
/* Make `v` a dictionary view over `source` (referenced, not copied). */
bool vector_init_dictionary(vector *v, const vector *source, const uint32_t *selection,
                            uint32_t count);
/* Make `dst` share `src`'s memory (reference counts go up). */
bool vector_init_reference(vector *dst, const vector *src);
void vector_destroy(vector *v);

vector_view vector_view_of(const vector *v);

static inline bool vector_view_valid(const vector_view *view, uint32_t index)
{
    return !view->validity || (view->validity[index >> 6] >> (index & 63)) & 1;
}

static inline uint32_t vector_view_index(const vector_view *view, uint32_t row)
{
    return view->selection ? view->selection[row] : row;
}

/* Write access (flat vectors only). */
bool vector_set_null(vector *v, uint32_t row);  /* creates the bitmap on first use */
void vector_set_valid(vector *v, uint32_t row);
bool vector_is_null(const vector *v, uint32_t row);
bool vector_has_nulls(const vector *v, uint32_t count);

/* Copies `length` bytes into the vector's string storage and returns a view
 * of them; on out of memory returns false. */
bool vector_add_string(vector *v, const char *data, uint32_t length, string_view *out);
/* Keeps `b` alive as long as the vector (used when string views point into
 * memory the vector did not allocate). */
bool vector_keep_buffer(vector *v, buffer *b);
/* Keeps every buffer `source` keeps (and its data buffer) alive too. */
bool vector_keep_buffers_of(vector *v, const vector *source);

/* Turns any vector into a flat one holding rows [0, count). */
bool vector_flatten(vector *v, uint32_t count);

/* Copies row `from_row` of `src` into row `to_row` of flat `dst` (values,
 * nulls, and string bytes). Slow path for rare cases; kernels use views. */
bool vector_copy_row(vector *dst, uint32_t to_row, const vector *src, uint32_t from_row);

/* ---- nested types (vector_nested.c) ---- */

/* The vector whose children hold a nested vector's elements (a dictionary's
 * dictionary, otherwise the vector itself). */
const vector *vector_base(const vector *v);
/* Grows a flat vector to hold `capacity` rows (data and validity; a row
 * vector's children too). Existing rows keep their values. */
bool vector_reserve(vector *v, uint32_t capacity);
/* Copies `count` values of `src` (any kind, any type, read through its view)
 * into flat `dst` of the same type. Row i comes from src row
 * (src_rows ? src_rows[i] : src_start + i) and goes to dst row
 * (dst_rows ? dst_rows[i] : dst_start + i); dst must have room for those
 * rows. NULLs are copied as NULLs; array and map elements are appended to
 * dst's children (grown as needed, child_size advances); string bytes stay
 * where they are and dst keeps their buffers. One type switch per call. */
bool vector_copy_values(vector *dst, const uint32_t *dst_rows, uint32_t dst_start, const vector *src,
                        const uint32_t *src_rows, uint32_t src_start, uint32_t count);
/* Makes room for `extra` more elements in an array/map vector's children. */
bool vector_list_reserve(vector *v, uint32_t extra);

#endif
