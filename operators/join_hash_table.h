/*
 * join_hash_table.h — the hash join's lookup structure over the build rows
 * of a join bridge (op_join_bridge.h), built by several threads at once and
 * probed a vector at a time.
 *
 * Layout: a power-of-two directory of 16-byte entries, at most half full,
 * linear probing: {full 64-bit hash, head build row, number of build rows}
 * per distinct key; the rows of one key form a chain through the bridge's
 * next[] array. Keys are not copied: they stay in the bridge's column
 * buffers. For a single integer-like key (boolean, tinyint .. bigint, date,
 * timestamp with time zone) the hash is a bijection of the value, so equal
 * hashes are equal keys and a probe never reads a build row ("exact"
 * tables); other keys compare the probe's values with the head row's in
 * typed loops over the candidates of a vector.
 *
 * Parallel build: the directory is cut into `partition_count` contiguous
 * slot ranges, a key's range chosen by the top bits of its hash, and
 * linear probing wraps inside the range, so one thread fills one range
 * with plain stores. The directory is sized after hashing, from a
 * HyperLogLog count of the distinct keys.
 * A builder first hashes its rows (join_hash_table_hash_page, any thread,
 * any page), then each partition is filled by one thread
 * (join_hash_table_insert_partition). A partition that fills up (badly
 * skewed hashes) reports it; the caller then rebuilds with one partition.
 */
#ifndef SHOAL_OPERATORS_JOIN_HASH_TABLE_H
#define SHOAL_OPERATORS_JOIN_HASH_TABLE_H

#include <stdbool.h>
#include <stdint.h>

#include "operators/hash_table.h"
#include "operators/page_builder.h"

enum {
    JOIN_TABLE_NO_ROW = UINT32_MAX,
    JOIN_TABLE_MAX_PARTITIONS = 64,
    JOIN_TABLE_SKETCH_BITS = 12,
    JOIN_TABLE_SKETCH_SIZE = 1 << JOIN_TABLE_SKETCH_BITS
};

typedef struct join_table_entry {
    uint64_t hash;
    uint32_t head;           /* first build row of the chain */
    uint32_t count;          /* 0: empty slot */
} join_table_entry;

typedef struct join_hash_table {
    int key_count;
    uint8_t *key_kinds;                /* hash_key_kind per key */
    const column_buffer **key_columns; /* the bridge's key columns */
    bool exact;

    join_table_entry *entries;
    size_t entries_mapped;             /* bytes when mmapped (huge pages), else 0 */
    uint64_t capacity;                 /* power of two */
    uint64_t mask;
    int partition_count;               /* power of two */
    int partition_bits;                /* log2(partition_count) */
    int partition_shift;               /* a partition's slots start at p << shift */
    uint64_t range_mask;               /* slots per partition - 1 */
    uint8_t sketch[JOIN_TABLE_SKETCH_SIZE]; /* HyperLogLog of the hashed keys */

    uint64_t row_count;                /* build rows hashed */
    uint64_t *row_hashes;              /* per build row, while building */
    uint8_t *row_partitions;           /* per build row; JOIN_TABLE_SKIP: NULL key */
    uint64_t distinct_count;           /* keys in the directory, once built */
} join_hash_table;

enum { JOIN_TABLE_SKIP = 0xff };

/* A table over `key_count` key columns (the bridge's column buffers, read
 * by key compares once filled). NOT_SUPPORTED for nested types. */
bool join_hash_table_init(join_hash_table *t, int key_count, const column_buffer **key_columns,
                          shoal_error *error);
void join_hash_table_free(join_hash_table *t);

/* Sizes the per-row arrays for `rows` build rows cut into `partitions` (a
 * power of two ≤ JOIN_TABLE_MAX_PARTITIONS) partitions. */
bool join_hash_table_prepare(join_hash_table *t, uint64_t rows, int partitions);

/* After every row is hashed: allocates the directory for the distinct keys
 * the hashing counted (a HyperLogLog sketch; duplicates do not inflate the
 * directory), zeroed lazily by the allocator. */
bool join_hash_table_size_directory(join_hash_table *t);

/* A key's partition: the top bits of its hash (so it is known before the
 * directory is sized); its home slot: the low bits inside that
 * partition's slot range. */
static inline uint64_t join_table_partition_of(const join_hash_table *t, uint64_t hash)
{
    return t->partition_bits ? hash >> (64 - t->partition_bits) : 0;
}
static inline uint64_t join_table_home_slot(const join_hash_table *t, uint64_t hash)
{
    return (join_table_partition_of(t, hash) << t->partition_shift) | (hash & t->range_mask);
}

/* Hashes the keys of a build page's rows, which are build rows [first,
 * first + count) (count ≤ VECTOR_SIZE), and records their partitions; rows
 * with a NULL key are skipped (they never match). Returns how many had a
 * NULL key. Different pages may be hashed by different threads at once. */
uint32_t join_hash_table_hash_page(join_hash_table *t, const vector *const *keys, uint32_t count,
                                   uint64_t first);

/* Inserts every hashed row of partition p, chaining rows of equal keys
 * through next[] (indexed by build row). One thread per partition; false
 * when the partition's slot range is full (the caller rebuilds with
 * join_hash_table_rebuild_single). */
bool join_hash_table_insert_partition(join_hash_table *t, int p, uint32_t *next);

/* Rebuilds the directory as one partition sized for every row (after a
 * full partition). False on out of memory. */
bool join_hash_table_rebuild_single(join_hash_table *t, uint32_t *next);

/* Frees the per-row build arrays (after the build). */
void join_hash_table_finish_build(join_hash_table *t);

/* Hashes probe keys (selection ? selection[i] : i, i < count) the way the
 * build rows were hashed; keys must be non-NULL. */
void join_hash_table_hash_vectors(const join_hash_table *t, const vector *const *keys,
                                  const uint32_t *selection, uint32_t count, uint64_t *hashes);

/* Looks up the non-NULL keys of rows (selection ? selection[i] : i), i <
 * count: heads[i]/counts[i] are the chain of matching build rows
 * (JOIN_TABLE_NO_ROW/0 when none). Read-only: concurrent probes are safe,
 * each with its own scratch. */
void join_hash_table_find(const join_hash_table *t, hash_table_scratch *scratch,
                          const vector *const *keys, const uint32_t *selection, uint32_t count,
                          uint32_t *heads, uint32_t *counts);

size_t join_hash_table_bytes(const join_hash_table *t);

#endif
