/*
 * dynamic_filter.h — what a finished join build tells the probe side's
 * table scan about the keys that can match (Trino's dynamic filtering):
 * per key a min/max range (integer-like keys) and, for builds of at most
 * DYNAMIC_FILTER_BLOOM_MAX_ROWS rows, a blocked bloom filter over the join
 * hash of all keys (the same hash as join_hash_table, so a scan holding all
 * key columns tests rows exactly as the probe would find them).
 *
 * A filter is plain data: filters of the same join built on several nodes
 * merge (dynamic_filter_merge: ranges widen, blooms OR after folding to
 * the smaller size), which is what a coordinator collecting them needs.
 *
 * Scans apply it to pages (dynamic_filter_apply) and hand the ranges to
 * the connector for split/row pruning (dynamic_filter_range).
 */
#ifndef SHOAL_OPERATORS_DYNAMIC_FILTER_H
#define SHOAL_OPERATORS_DYNAMIC_FILTER_H

#include <stdbool.h>
#include <stdint.h>

#include "connectors/spi/connector.h"
#include "connectors/spi/vector.h"

enum { DYNAMIC_FILTER_BLOOM_MAX_ROWS = 1 << 20, DYNAMIC_FILTER_MAX_KEYS = 16 };

typedef struct dynamic_filter_key {
    sql_type type;
    bool has_range;          /* integer-like key with some non-NULL value */
    int64_t min, max;
} dynamic_filter_key;

typedef struct dynamic_filter {
    bool match_nothing;      /* no build row has a non-NULL key */
    int key_count;
    dynamic_filter_key keys[DYNAMIC_FILTER_MAX_KEYS];
    uint64_t *bloom;         /* NULL: no bloom (build too large) */
    uint64_t bloom_mask;     /* words - 1 */
} dynamic_filter;

/* An empty filter (matches nothing until keys are added) over key types;
 * with a bloom sized for `rows` keys when rows ≤ DYNAMIC_FILTER_BLOOM_MAX_ROWS. */
bool dynamic_filter_init(dynamic_filter *f, int key_count, const sql_type *types, uint64_t rows);
void dynamic_filter_free(dynamic_filter *f);

/* True when key range pruning applies to the type (integer-like values). */
bool dynamic_filter_type_has_range(sql_type type);

/* Widens key k's range by the non-NULL values of rows i < count of v. */
void dynamic_filter_add_range(dynamic_filter_key *key, const vector *v, uint32_t count);
/* Widens key's range to cover by's (nothing when by has none). */
void dynamic_filter_key_widen(dynamic_filter_key *key, const dynamic_filter_key *by);
/* Adds a key hash to the bloom (thread-safe: atomic OR). */
void dynamic_filter_add_hash(dynamic_filter *f, uint64_t hash);

/* dst ∪= src (same join, same key types). False on out of memory. */
bool dynamic_filter_merge(dynamic_filter *dst, const dynamic_filter *src);

/* Rows of a page that may join: keys[k] is the vector of join key k, or
 * NULL when the scan does not produce it (then neither its range nor the
 * bloom is tested). Writes the passing row indexes (of rows < count) to
 * selection and returns how many; rows with a NULL key never pass.
 * `hashes` is scratch of count entries. */
uint32_t dynamic_filter_apply(const dynamic_filter *f, const vector *const *keys, uint32_t count,
                              uint64_t *hashes, uint32_t *selection);

/* Key k's range as a connector constraint on table column `column`. */
bool dynamic_filter_range(const dynamic_filter *f, int k, int column, column_range *out);

#endif
