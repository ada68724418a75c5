/*
 * hash_table.h — the open-addressing hash table of grouping (hash
 * aggregation, mark distinct, distinct limit, set operations), and the
 * hashing (hash_vector) that joins, dynamic filters and exchanges share.
 * The join's own directory is join_hash_table.h.
 *
 * Layout (cache-aware, as DuckDB's and Umbra's):
 *   - a directory of 8-byte entries, power-of-two sized, linear probing,
 *     kept at most half full; an entry packs the top 16 bits of the hash (a
 *     "salt" that rejects most mismatches without touching the row) with a
 *     48-bit row pointer; 0 is empty.
 *   - rows in fixed blocks (stable addresses), each row holding
 *     [hash u64][one null byte per key][keys, naturally aligned][payload,
 *     16-byte aligned]: the keys and the caller's payload (aggregate
 *     states, counters) sit together, one cache line for
 *     typical keys. The stored hash makes growth a rehash without touching
 *     keys.
 *
 * Work is vectorised: a batch hashes whole key columns first (one typed
 * loop per column), then probes all rows; rows whose salt matches are
 * compared column by column in typed loops; mismatches move to the next
 * slot and go round again. No per-row indirect calls, no per-row allocation
 * (rows come from blocks, long strings from the table's arena).
 *
 * Keys: any flat scalar type. Grouping treats NULL as a value (NULL = NULL)
 * and normalises -0.0/0.0 and NaNs; timestamp with time zone compares the
 * instant.
 */
#ifndef SHOAL_OPERATORS_HASH_TABLE_H
#define SHOAL_OPERATORS_HASH_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "connectors/spi/error.h"
#include "connectors/spi/vector.h"
#include "operators/page_builder.h"

typedef enum hash_key_kind {
    HASH_KEY_U8,
    HASH_KEY_I16,
    HASH_KEY_I32,
    HASH_KEY_I64,
    HASH_KEY_I128,
    HASH_KEY_F32,
    HASH_KEY_F64,
    HASH_KEY_STRING,
    HASH_KEY_TSTZ
} hash_key_kind;

/* The key kind (physical layout class) of a flat scalar type. */
hash_key_kind hash_key_kind_of(sql_type type);

enum { HASH_TABLE_BLOCK_SHIFT = 12 };   /* 4096 rows per block */

/* Per-batch working memory of a probe: the table's own inserts use the
 * one inside it; a join table (join_hash_table_find) is read by several
 * probe drivers at once, so each brings its own. */
typedef struct hash_table_scratch {
    uint64_t hashes[VECTOR_SIZE];
    uint64_t slots[VECTOR_SIZE];
    uint32_t remaining[VECTOR_SIZE];
    uint32_t candidates[VECTOR_SIZE];
    uint32_t mismatches[VECTOR_SIZE];
} hash_table_scratch;

typedef struct hash_table {
    int key_count;
    sql_type *key_types;
    uint8_t *key_kinds;
    uint32_t *key_offsets;
    uint32_t nulls_offset;
    uint32_t payload_offset;
    uint32_t row_size;

    uint64_t *entries;
    uint64_t capacity;       /* entries; power of two */
    uint64_t mask;

    unsigned char **blocks;
    uint64_t block_count;
    uint64_t block_capacity;
    uint64_t row_count;

    string_arena strings;

    /* per-batch scratch of the owner's inserts */
    hash_table_scratch scratch;
    uint32_t fresh[VECTOR_SIZE];
} hash_table;

/* A table over keys of the given types with `payload_size` bytes per row
 * for the caller. NOT_SUPPORTED for nested key types. */
hash_table *hash_table_create(int key_count, const sql_type *key_types, uint32_t payload_size,
                              uint64_t expected_rows, shoal_error *error);
void hash_table_free(hash_table *t);

/* Finds or inserts the key of each row (selection ? selection[i] : i),
 * i < count, of the key vectors. rows_out[i] is its row. The indexes i of
 * rows that were inserted by this call are written to new_out (their
 * payload is uninitialised) and their number to *new_count. */
bool hash_table_find_or_insert(hash_table *t, const vector *const *keys,
                               const uint32_t *selection, uint32_t count,
                               unsigned char **rows_out, uint32_t *new_out, uint32_t *new_count,
                               shoal_error *error);

static inline unsigned char *hash_table_row(const hash_table *t, uint64_t index)
{
    return t->blocks[index >> HASH_TABLE_BLOCK_SHIFT] +
           (index & ((1u << HASH_TABLE_BLOCK_SHIFT) - 1)) * t->row_size;
}

/* Writes key `key` of rows[i], i < count, into rows [out_row, ...) of flat
 * `out` (long strings are copied into out). */
bool hash_table_gather_key(const hash_table *t, int key, unsigned char *const *rows,
                           uint32_t count, vector *out, uint32_t out_row);

size_t hash_table_bytes(const hash_table *t);

/* Vectorised hashing: hashes[i] = hash of row (selection ? selection[i] :
 * i) of `v`, combined into hashes[i] when `combine`. */
void hash_vector(const vector *v, const uint32_t *selection, uint32_t count, uint64_t *hashes,
                 bool combine);

#endif
