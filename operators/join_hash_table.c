/*
 * join_hash_table.c — partitioned parallel build and vectorised probe of
 * the join directory (see join_hash_table.h).
 */
#include "join_hash_table.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* rows a loop looks ahead: enough misses in flight, few enough to be kept */
enum { INSERT_BATCH = 256, PREFETCH_DISTANCE = 16 };

#define HUGE_PAGE ((size_t)2 << 20)

/* A zeroed directory. Large ones are mapped on their own and asked for
 * transparent huge pages: probes and inserts jump around the whole
 * directory, and with 4 KiB pages nearly every access is a TLB miss (and
 * every 4 KiB a page fault while building). */
static join_table_entry *directory_alloc(uint64_t capacity, size_t *mapped)
{
    size_t bytes = capacity * sizeof(join_table_entry);
    *mapped = 0;
    if (bytes < 2 * HUGE_PAGE)
        return calloc(capacity, sizeof(join_table_entry));
    bytes = (bytes + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
    void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return NULL;
    madvise(p, bytes, MADV_HUGEPAGE); /* a hint: without THP it is 4 KiB pages */
    *mapped = bytes;
    return p;
}

static void directory_free(join_hash_table *t)
{
    if (t->entries_mapped)
        munmap(t->entries, t->entries_mapped);
    else
        free(t->entries);
    t->entries = NULL;
    t->entries_mapped = 0;
}

bool join_hash_table_init(join_hash_table *t, int key_count, const column_buffer **key_columns,
                          shoal_error *error)
{
    memset(t, 0, sizeof *t);
    t->key_count = key_count;
    t->key_kinds = calloc((size_t)(key_count > 0 ? key_count : 1), 1);
    t->key_columns = calloc((size_t)(key_count > 0 ? key_count : 1), sizeof *t->key_columns);
    if (!t->key_kinds || !t->key_columns) {
        join_hash_table_free(t);
        return error_set(error, ERR_EXCEEDED_LOCAL_MEMORY_LIMIT, "Out of memory creating a join");
    }
    for (int k = 0; k < key_count; k++) {
        if (!type_is_flat_scalar(key_columns[k]->type)) {
            join_hash_table_free(t);
            return error_set(error, ERR_NOT_SUPPORTED, "Joining on nested types is not supported yet");
        }
        t->key_columns[k] = key_columns[k];
        t->key_kinds[k] = (uint8_t)hash_key_kind_of(key_columns[k]->type);
    }
    hash_key_kind kind = key_count == 1 ? (hash_key_kind)t->key_kinds[0] : HASH_KEY_STRING;
    t->exact = kind == HASH_KEY_U8 || kind == HASH_KEY_I16 || kind == HASH_KEY_I32 ||
               kind == HASH_KEY_I64 || kind == HASH_KEY_TSTZ;
    t->partition_count = 1;
    return true;
}

void join_hash_table_free(join_hash_table *t)
{
    join_hash_table_finish_build(t);
    directory_free(t);
    free(t->key_kinds);
    free(t->key_columns);
    memset(t, 0, sizeof *t);
}

void join_hash_table_finish_build(join_hash_table *t)
{
    free(t->row_hashes);
    free(t->row_partitions);
    t->row_hashes = NULL;
    t->row_partitions = NULL;
}

size_t join_hash_table_bytes(const join_hash_table *t)
{
    size_t bytes = t->capacity * sizeof(join_table_entry);
    if (t->row_hashes)
        bytes += t->row_count * (sizeof(uint64_t) + 1);
    return bytes;
}

static int log2_of(uint64_t x)
{
    return 63 - __builtin_clzll(x);
}

/* Sets capacity and masks for the current partition count. */
static void set_geometry(join_hash_table *t, uint64_t capacity)
{
    t->capacity = capacity;
    t->mask = capacity - 1;
    t->partition_shift = log2_of(capacity) - t->partition_bits;
    t->range_mask = (capacity >> t->partition_bits) - 1;
}

static uint64_t capacity_for(uint64_t keys, int partitions)
{
    uint64_t capacity = 1024;
    while (capacity < keys * 2 || capacity < (uint64_t)partitions * 64)
        capacity *= 2;
    return capacity;
}

bool join_hash_table_prepare(join_hash_table *t, uint64_t rows, int partitions)
{
    if (partitions < 1)
        partitions = 1;
    directory_free(t);
    join_hash_table_finish_build(t);
    t->row_hashes = malloc(sizeof *t->row_hashes * (rows ? rows : 1));
    t->row_partitions = malloc(rows ? rows : 1);
    if (!t->row_hashes || !t->row_partitions)
        return false;
    t->partition_count = partitions;
    t->partition_bits = log2_of((uint64_t)partitions);
    memset(t->sketch, 0, sizeof t->sketch);
    t->row_count = rows;
    t->distinct_count = 0;
    return true;
}

/* HyperLogLog estimate of the distinct keys hashed so far. */
static uint64_t estimate_distinct(const join_hash_table *t)
{
    double m = JOIN_TABLE_SKETCH_SIZE, sum = 0;
    int zeros = 0;
    for (int j = 0; j < JOIN_TABLE_SKETCH_SIZE; j++) {
        sum += ldexp(1.0, -t->sketch[j]);
        zeros += t->sketch[j] == 0;
    }
    double estimate = 0.7213 / (1 + 1.079 / m) * m * m / sum;
    if (estimate < 2.5 * m && zeros > 0)
        estimate = m * log(m / zeros);
    return (uint64_t)estimate;
}

bool join_hash_table_size_directory(join_hash_table *t)
{
    uint64_t keys = estimate_distinct(t);
    keys += keys / 4; /* the sketch's error is ~1.6 %: room to spare */
    if (keys > t->row_count)
        keys = t->row_count;
    /* fresh zero pages: the builders fault them in while inserting, each in
     * its own range */
    uint64_t capacity = capacity_for(keys, t->partition_count);
    t->entries = directory_alloc(capacity, &t->entries_mapped);
    if (!t->entries)
        return false;
    set_geometry(t, capacity);
    return true;
}

/* ---- hashing ------------------------------------------------------------- */

void join_hash_table_hash_vectors(const join_hash_table *t, const vector *const *keys,
                                  const uint32_t *selection, uint32_t count, uint64_t *hashes)
{
    for (int k = 0; k < t->key_count; k++)
        hash_vector(keys[k], selection, count, hashes, k > 0);
}

/* HyperLogLog registers: the top bits pick one, the rank of the rest is
 * kept when larger (atomically: pages are hashed on several threads; after
 * the first pages almost no row raises a register). */
static void add_to_sketch(join_hash_table *t, const uint64_t *hashes, uint32_t count)
{
    for (uint32_t i = 0; i < count; i++) {
        uint64_t h = hashes[i] * UINT64_C(0x9e3779b97f4a7c15); /* decorrelate from the slot bits */
        uint32_t j = (uint32_t)(h >> (64 - JOIN_TABLE_SKETCH_BITS));
        uint64_t rest = h << JOIN_TABLE_SKETCH_BITS;
        uint8_t rank = (uint8_t)(rest ? __builtin_clzll(rest) + 1 : 64 - JOIN_TABLE_SKETCH_BITS + 1);
        uint8_t seen = __atomic_load_n(&t->sketch[j], __ATOMIC_RELAXED);
        while (rank > seen &&
               !__atomic_compare_exchange_n(&t->sketch[j], &seen, rank, true, __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
        }
    }
}

uint32_t join_hash_table_hash_page(join_hash_table *t, const vector *const *keys, uint32_t count,
                                   uint64_t first)
{
    uint64_t *hashes = t->row_hashes + first;
    uint8_t *partitions = t->row_partitions + first;
    join_hash_table_hash_vectors(t, keys, NULL, count, hashes);
    for (uint32_t i = 0; i < count; i++)
        partitions[i] = (uint8_t)join_table_partition_of(t, hashes[i]);
    add_to_sketch(t, hashes, count);
    uint32_t nulls = 0;
    for (int k = 0; k < t->key_count; k++) {
        vector_view view = vector_view_of(keys[k]);
        if (!view.validity)
            continue;
        for (uint32_t i = 0; i < count; i++) {
            bool is_null = !vector_view_valid(&view, vector_view_index(&view, i));
            nulls += is_null && partitions[i] != JOIN_TABLE_SKIP;
            partitions[i] = is_null ? JOIN_TABLE_SKIP : partitions[i];
        }
    }
    return nulls;
}

/* ---- key compares ------------------------------------------------------------ */

static bool values_equal(hash_key_kind kind, const unsigned char *a, const unsigned char *b)
{
    switch (kind) {
    case HASH_KEY_U8: return *a == *b;
    case HASH_KEY_I16: return memcmp(a, b, 2) == 0;
    case HASH_KEY_I32: return memcmp(a, b, 4) == 0;
    case HASH_KEY_I64: return memcmp(a, b, 8) == 0;
    case HASH_KEY_I128: return memcmp(a, b, 16) == 0;
    case HASH_KEY_F32: {
        float x, y;
        memcpy(&x, a, 4);
        memcpy(&y, b, 4);
        return x == y || (isnan(x) && isnan(y));
    }
    case HASH_KEY_F64: {
        double x, y;
        memcpy(&x, a, 8);
        memcpy(&y, b, 8);
        return x == y || (isnan(x) && isnan(y));
    }
    case HASH_KEY_STRING: {
        string_view x, y;
        memcpy(&x, a, sizeof x);
        memcpy(&y, b, sizeof y);
        return string_view_equal(&x, &y);
    }
    case HASH_KEY_TSTZ: {
        timestamp_tz x, y;
        memcpy(&x, a, sizeof x);
        memcpy(&y, b, sizeof y);
        return x.micros_utc == y.micros_utc;
    }
    }
    return false;
}

/* Build rows a and b hold equal keys (both non-NULL). */
static bool rows_equal(const join_hash_table *t, uint32_t a, uint32_t b)
{
    for (int k = 0; k < t->key_count; k++) {
        const column_buffer *c = t->key_columns[k];
        if (!values_equal((hash_key_kind)t->key_kinds[k], column_buffer_at(c, a), column_buffer_at(c, b)))
            return false;
    }
    return true;
}

/* ---- building ---------------------------------------------------------------- */

static inline uint64_t next_slot(const join_hash_table *t, uint64_t slot)
{
    return (slot & ~t->range_mask) | ((slot + 1) & t->range_mask);
}

/* Inserts rows[0..n) of one partition; false when its range is full. */
static bool insert_rows(join_hash_table *t, const uint32_t *rows, uint32_t n, uint32_t *next,
                        uint64_t *fill)
{
    for (uint32_t j = 0; j < n && j < PREFETCH_DISTANCE; j++)
        __builtin_prefetch(&t->entries[join_table_home_slot(t, t->row_hashes[rows[j]])], 1);
    for (uint32_t j = 0; j < n; j++) {
        if (j + PREFETCH_DISTANCE < n)
            __builtin_prefetch(&t->entries[join_table_home_slot(t, t->row_hashes[rows[j + PREFETCH_DISTANCE]])], 1);
        uint32_t r = rows[j];
        uint64_t hash = t->row_hashes[r];
        uint64_t slot = join_table_home_slot(t, hash);
        for (;;) {
            join_table_entry *e = &t->entries[slot];
            if (e->count == 0) {
                if (*fill >= t->range_mask)
                    return false; /* keep one slot free so probes end */
                (*fill)++;
                e->hash = hash;
                e->head = r;
                e->count = 1;
                next[r] = JOIN_TABLE_NO_ROW;
                break;
            }
            if (e->hash == hash && (t->exact || rows_equal(t, e->head, r))) {
                next[r] = e->head;
                e->head = r;
                e->count++;
                break;
            }
            slot = next_slot(t, slot);
        }
    }
    return true;
}

/* Inserts the rows of partition p (any, when p < 0). */
static bool insert_matching(join_hash_table *t, int p, uint32_t *next, uint64_t *fill)
{
    uint32_t batch[INSERT_BATCH];
    uint32_t n = 0;
    const uint8_t *partitions = t->row_partitions;
    for (uint64_t r = 0; r < t->row_count; r++) {
        batch[n] = (uint32_t)r;
        n += p < 0 ? partitions[r] != JOIN_TABLE_SKIP : partitions[r] == p;
        if (n == INSERT_BATCH) {
            if (!insert_rows(t, batch, n, next, fill))
                return false;
            n = 0;
        }
    }
    return insert_rows(t, batch, n, next, fill);
}

bool join_hash_table_insert_partition(join_hash_table *t, int p, uint32_t *next)
{
    uint64_t fill = 0;
    bool ok = insert_matching(t, p, next, &fill);
    __atomic_fetch_add(&t->distinct_count, fill, __ATOMIC_RELAXED);
    return ok;
}

bool join_hash_table_rebuild_single(join_hash_table *t, uint32_t *next)
{
    /* the sketch may have been far off: size for every row being distinct */
    uint64_t capacity = capacity_for(t->row_count, 1);
    if (capacity > t->capacity) {
        size_t mapped;
        join_table_entry *entries = directory_alloc(capacity, &mapped);
        if (!entries)
            return false;
        directory_free(t);
        t->entries = entries;
        t->entries_mapped = mapped;
    } else {
        capacity = t->capacity;
        memset(t->entries, 0, capacity * sizeof *t->entries);
    }
    t->partition_count = 1;
    t->partition_bits = 0;
    set_geometry(t, capacity);
    uint64_t fill = 0;
    insert_matching(t, -1, next, &fill); /* capacity ≥ 2 × rows: cannot fill */
    t->distinct_count = fill;
    return true;
}

/* ---- probing ----------------------------------------------------------------- */

/* Keeps in list[] the candidates whose key k equals their entry's head row
 * key; appends the others to mismatches. */
#define PROBE_COMPARE_LOOP(T, EQ)                                                           \
    do {                                                                                    \
        const T *d = (const T *)view.data;                                                  \
        const T *built = (const T *)(const void *)c->values;                                \
        for (uint32_t j = 0; j < n; j++) {                                                  \
            uint32_t i = list[j];                                                           \
            uint32_t r = selection ? selection[i] : i;                                      \
            const T b = d[view.selection ? view.selection[r] : r];                          \
            const T a = built[heads[i]];                                                    \
            bool equal = (EQ);                                                              \
            list[kept] = i;                                                                 \
            mismatches[*mismatch_count] = i;                                                \
            kept += equal;                                                                  \
            *mismatch_count += !equal;                                                      \
        }                                                                                   \
    } while (0)

static void compare_candidates(const join_hash_table *t, const vector *const *keys,
                               const uint32_t *selection, uint32_t *list, uint32_t n,
                               const uint32_t *heads, uint32_t *mismatches,
                               uint32_t *mismatch_count)
{
    for (int k = 0; k < t->key_count && n > 0; k++) {
        vector_view view = vector_view_of(keys[k]);
        const column_buffer *c = t->key_columns[k];
        uint32_t kept = 0;
        switch ((hash_key_kind)t->key_kinds[k]) {
        case HASH_KEY_U8: PROBE_COMPARE_LOOP(uint8_t, a == b); break;
        case HASH_KEY_I16: PROBE_COMPARE_LOOP(int16_t, a == b); break;
        case HASH_KEY_I32: PROBE_COMPARE_LOOP(int32_t, a == b); break;
        case HASH_KEY_I64: PROBE_COMPARE_LOOP(int64_t, a == b); break;
        case HASH_KEY_I128: PROBE_COMPARE_LOOP(__int128, a == b); break;
        case HASH_KEY_F32: PROBE_COMPARE_LOOP(float, a == b || (isnan(a) && isnan(b))); break;
        case HASH_KEY_F64: PROBE_COMPARE_LOOP(double, a == b || (isnan(a) && isnan(b))); break;
        case HASH_KEY_STRING: PROBE_COMPARE_LOOP(string_view, string_view_equal(&a, &b)); break;
        case HASH_KEY_TSTZ:
            PROBE_COMPARE_LOOP(timestamp_tz, a.micros_utc == b.micros_utc);
            break;
        }
        n = kept;
    }
}

void join_hash_table_find(const join_hash_table *t, hash_table_scratch *scratch,
                          const vector *const *keys, const uint32_t *selection, uint32_t count,
                          uint32_t *heads, uint32_t *counts)
{
    if (count == 0)
        return;
    uint64_t *hashes = scratch->hashes;
    uint64_t *slots = scratch->slots;
    uint32_t *remaining = scratch->remaining;
    join_hash_table_hash_vectors(t, keys, selection, count, hashes);
    for (uint32_t i = 0; i < count; i++) {
        slots[i] = join_table_home_slot(t, hashes[i]);
        remaining[i] = i;
    }
    for (uint32_t i = 0; i < count && i < PREFETCH_DISTANCE; i++)
        __builtin_prefetch(&t->entries[slots[i]]);
    uint32_t remaining_count = count;
    while (remaining_count > 0) {
        uint32_t next_count = 0, candidate_count = 0;
        for (uint32_t j = 0; j < remaining_count; j++) {
            if (j + PREFETCH_DISTANCE < remaining_count)
                __builtin_prefetch(&t->entries[slots[remaining[j + PREFETCH_DISTANCE]]]);
            uint32_t i = remaining[j];
            const join_table_entry *e = &t->entries[slots[i]];
            if (e->count == 0) {
                heads[i] = JOIN_TABLE_NO_ROW;
                counts[i] = 0;
            } else if (e->hash == hashes[i]) {
                heads[i] = e->head;
                counts[i] = e->count;
                scratch->candidates[candidate_count++] = i;
            } else {
                slots[i] = next_slot(t, slots[i]);
                remaining[next_count++] = i;
            }
        }
        if (t->exact || candidate_count == 0) {
            remaining_count = next_count;
            continue;
        }
        uint32_t mismatch_count = 0;
        compare_candidates(t, keys, selection, scratch->candidates, candidate_count, heads,
                           scratch->mismatches, &mismatch_count);
        for (uint32_t j = 0; j < mismatch_count; j++) {
            uint32_t i = scratch->mismatches[j];
            slots[i] = next_slot(t, slots[i]);
            remaining[next_count++] = i;
        }
        remaining_count = next_count;
    }
}
