/*
 * op_sort_key.h — normalised sort keys shared by ORDER BY, TOP-N and
 * window partitioning: each row's sort keys are encoded into one byte
 * string whose memcmp order is the SQL order (DuckDB/Umbra style), so a
 * sort compares bytes instead of calling per-type comparators per row.
 *
 * Per key: one NULL byte (placed first or last as NULLS FIRST/LAST says),
 * then the value big-endian with the sign bit flipped (integers, decimals,
 * dates, timestamps), IEEE total order for floating point (NaN largest,
 * -0.0 = 0.0, as Trino orders them), and for strings the first
 * SORT_STRING_PREFIX bytes zero padded plus a length byte capped at
 * SORT_STRING_PREFIX + 1. DESC inverts the value bytes. Two rows whose
 * encodings differ are ordered by them; equal encodings are equal rows
 * unless a string key was cut off (sort_key_truncated), when the full
 * comparison (sort_compare_full) decides.
 *
 * Sorting uses a stable LSD radix sort over the key bytes (skipping bytes
 * that are the same in every row) for short keys and a stable merge sort
 * on memcmp for long ones; ties keep arrival order, so output is
 * deterministic.
 */
#ifndef SHOAL_OPERATORS_OP_SORT_KEY_H
#define SHOAL_OPERATORS_OP_SORT_KEY_H

#include "connectors/spi/sort_key.h"
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "connectors/spi/error.h"
#include "connectors/spi/page.h"
#include "operators/page_builder.h"

enum { SORT_STRING_PREFIX = 15 };

/* A floating value as an unsigned integer in Trino's order (NaN largest,
 * whatever its sign bit; -0.0 = 0.0); write it big-endian for memcmp. */
static inline uint64_t sort_double_bits(double d)
{
    uint64_t bits;
    if (d == 0)
        d = 0.0;
    if (isnan(d))
        d = NAN;
    memcpy(&bits, &d, 8);
    return (bits >> 63) ? ~bits : bits ^ (UINT64_C(1) << 63);
}

static inline uint32_t sort_float_bits(float f)
{
    uint32_t bits;
    if (f == 0)
        f = 0.0f;
    if (isnan(f))
        f = NAN;
    memcpy(&bits, &f, 4);
    return (bits >> 31) ? ~bits : bits ^ (UINT32_C(1) << 31);
}

/* sort_key comes from connectors/spi/sort_key.h (shared with the planner). */

typedef struct sort_layout {
    int key_count;
    sort_key *keys;
    sql_type *types;
    uint32_t *offsets;         /* where each key's bytes start */
    uint32_t key_bytes;        /* the encoded width */
    uint32_t record_bytes;     /* key bytes + 4-byte row id, 4-byte aligned */
    bool has_strings;
} sort_layout;

/* NOT_SUPPORTED for keys of non-orderable or nested types. */
bool sort_layout_init(sort_layout *l, int key_count, const sort_key *keys,
                      const sql_type *column_types, shoal_error *error);
void sort_layout_free(sort_layout *l);

/* Encodes rows [0, count) of `p` into records (record_bytes apart): key
 * bytes then the row id first_row_id + i. */
void sort_encode(const sort_layout *l, const page *p, uint32_t count, unsigned char *records,
                 uint32_t first_row_id);

static inline uint32_t sort_record_row(const sort_layout *l, const unsigned char *record)
{
    uint32_t id;
    memcpy(&id, record + l->key_bytes, 4);
    return id;
}

/* True when some string key of this encoding was cut off. */
bool sort_key_truncated(const sort_layout *l, const unsigned char *record);
/* Bytes up to the end of the first string key cut off in `record` (0: none).
 * Two records equal on these bytes must be compared by full values. */
uint32_t sort_truncated_prefix(const sort_layout *l, const unsigned char *record);

/* A page of sorted output: the rows of records[first .. first + n)
 * (n <= VECTOR_SIZE), output channel c gathered from
 * columns[output_channels[c]]. `ids` is scratch for n row ids. NULL on out
 * of memory. ORDER BY and TOP N both emit through it. */
page *sort_emit_page(const sort_layout *l, const unsigned char *records, uint64_t first, uint32_t n,
                     const column_buffer *columns, const sql_type *types, int output_count,
                     const int *output_channels, uint32_t *ids);

/* Full comparison of rows a and b whose key columns live in `columns`
 * (indexed by channel): <0, 0, >0 in sort order. */
int sort_compare_full(const sort_layout *l, const column_buffer *columns, uint32_t a, uint32_t b);
/* The same for rows held in two column sets (an external merge's runs). */
int sort_compare_full_between(const sort_layout *l, const column_buffer *columns_a, uint32_t a,
                              const column_buffer *columns_b, uint32_t b);

/* Sorts `count` records in place (scratch: the same size). Then fixes the
 * order of runs of equal encodings that hide cut-off strings using
 * sort_compare_full (columns may be NULL when there are no strings). */
bool sort_records(const sort_layout *l, unsigned char *records, unsigned char *scratch,
                  uint64_t count, const column_buffer *columns);

#endif
