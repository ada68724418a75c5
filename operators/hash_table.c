/*
 * hash_table.c — vectorised hashing, probing, key comparison and growth of
 * the shared open-addressing hash table (see hash_table.h for the layout).
 */
#include "hash_table.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { ROWS_PER_BLOCK = 1u << HASH_TABLE_BLOCK_SHIFT };

#define NULL_HASH UINT64_C(0x5bd1e9955bd1e995)
#define SALT_SHIFT 48
#define POINTER_MASK ((UINT64_C(1) << SALT_SHIFT) - 1)

static inline uint64_t mix64(uint64_t x)
{
    x ^= x >> 33;
    x *= UINT64_C(0xff51afd7ed558ccd);
    x ^= x >> 33;
    x *= UINT64_C(0xc4ceb9fe1a85ec53);
    x ^= x >> 33;
    return x;
}

static inline uint64_t combine_hash(uint64_t seed, uint64_t h)
{
    return mix64(seed * UINT64_C(0x9e3779b97f4a7c15) + h);
}

static inline uint64_t hash_bytes(const char *data, uint32_t length)
{
    uint64_t h = UINT64_C(0xcbf29ce484222325) ^ length;
    uint32_t i = 0;
    for (; i + 8 <= length; i += 8) {
        uint64_t w;
        memcpy(&w, data + i, 8);
        h = (h ^ mix64(w)) * UINT64_C(0x100000001b3);
    }
    if (i < length) {
        uint64_t w = 0;
        memcpy(&w, data + i, length - i);
        h = (h ^ mix64(w)) * UINT64_C(0x100000001b3);
    }
    return mix64(h);
}

static inline uint64_t hash_string(const string_view *s)
{
    if (s->length <= STRING_INLINE_MAX) {
        uint64_t a, b;
        memcpy(&a, s, 8);
        memcpy(&b, (const char *)s + 8, 8);
        return mix64(a ^ mix64(b));
    }
    return hash_bytes(s->u.pointer, s->length);
}

static inline double canonical_double(double d)
{
    if (d == 0)
        return 0.0;
    if (isnan(d))
        return NAN;
    return d;
}

static inline float canonical_float(float f)
{
    if (f == 0)
        return 0.0f;
    if (isnan(f))
        return NAN;
    return f;
}

hash_key_kind hash_key_kind_of(sql_type type)
{
    switch (type_physical(type)) {
    case PHYSICAL_BOOL:
    case PHYSICAL_INT8: return HASH_KEY_U8;
    case PHYSICAL_INT16: return HASH_KEY_I16;
    case PHYSICAL_INT32: return HASH_KEY_I32;
    case PHYSICAL_INT64: return HASH_KEY_I64;
    case PHYSICAL_INT128: return HASH_KEY_I128;
    case PHYSICAL_FLOAT: return HASH_KEY_F32;
    case PHYSICAL_DOUBLE: return HASH_KEY_F64;
    case PHYSICAL_STRING: return HASH_KEY_STRING;
    case PHYSICAL_TIMESTAMP_TZ: return HASH_KEY_TSTZ;
    default: return HASH_KEY_U8;
    }
}

/* ---- hashing ------------------------------------------------------------ */

#define HASH_LOOP(T, EXPR)                                                                  \
    do {                                                                                    \
        const T *d = (const T *)view.data;                                                  \
        for (uint32_t i = 0; i < count; i++) {                                              \
            uint32_t r = selection ? selection[i] : i;                                      \
            uint32_t x = view.selection ? view.selection[r] : r;                            \
            uint64_t h = vector_view_valid(&view, x) ? (EXPR) : NULL_HASH;                  \
            hashes[i] = combine ? combine_hash(hashes[i], h) : h;                           \
        }                                                                                   \
    } while (0)

static inline uint64_t hash_f64(double d)
{
    d = canonical_double(d);
    uint64_t bits;
    memcpy(&bits, &d, 8);
    return mix64(bits);
}

static inline uint64_t hash_f32(float f)
{
    f = canonical_float(f);
    uint32_t bits;
    memcpy(&bits, &f, 4);
    return mix64(bits);
}

static inline uint64_t hash_i128(__int128 v)
{
    return mix64((uint64_t)v ^ mix64((uint64_t)(v >> 64)));
}

void hash_vector(const vector *v, const uint32_t *selection, uint32_t count, uint64_t *hashes,
                 bool combine)
{
    vector_view view = vector_view_of(v);
    switch (hash_key_kind_of(v->type)) {
    case HASH_KEY_U8: HASH_LOOP(uint8_t, mix64(d[x])); break;
    case HASH_KEY_I16: HASH_LOOP(int16_t, mix64((uint64_t)d[x])); break;
    case HASH_KEY_I32: HASH_LOOP(int32_t, mix64((uint64_t)d[x])); break;
    case HASH_KEY_I64: HASH_LOOP(int64_t, mix64((uint64_t)d[x])); break;
    case HASH_KEY_I128: HASH_LOOP(__int128, hash_i128(d[x])); break;
    case HASH_KEY_F32: HASH_LOOP(float, hash_f32(d[x])); break;
    case HASH_KEY_F64: HASH_LOOP(double, hash_f64(d[x])); break;
    case HASH_KEY_STRING: HASH_LOOP(string_view, hash_string(&d[x])); break;
    case HASH_KEY_TSTZ: HASH_LOOP(timestamp_tz, mix64((uint64_t)d[x].micros_utc)); break;
    }
}

/* ---- creation ----------------------------------------------------------- */

static uint32_t align_up(uint32_t x, uint32_t a)
{
    return (x + a - 1) & ~(a - 1);
}

hash_table *hash_table_create(int key_count, const sql_type *key_types, uint32_t payload_size,
                              uint64_t expected_rows, shoal_error *error)
{
    hash_table *t = calloc(1, sizeof *t);
    if (!t) {
        error_set(error, ERR_EXCEEDED_LOCAL_MEMORY_LIMIT, "Out of memory creating a hash table");
        return NULL;
    }
    int n = key_count > 0 ? key_count : 1;
    t->key_count = key_count;
    t->key_types = calloc((size_t)n, sizeof *t->key_types);
    t->key_kinds = calloc((size_t)n, 1);
    t->key_offsets = calloc((size_t)n, sizeof *t->key_offsets);
    if (!t->key_types || !t->key_kinds || !t->key_offsets)
        goto oom;
    uint32_t offset = 8; /* the hash */
    t->nulls_offset = offset;
    offset += (uint32_t)key_count;
    for (int k = 0; k < key_count; k++) {
        if (!type_is_flat_scalar(key_types[k])) {
            error_set(error, ERR_NOT_SUPPORTED, "Grouping or joining on nested types is not supported yet");
            hash_table_free(t);
            return NULL;
        }
        t->key_types[k] = key_types[k];
        t->key_kinds[k] = (uint8_t)hash_key_kind_of(key_types[k]);
        uint32_t width = (uint32_t)type_value_size(key_types[k]);
        if (width == 0)
            width = 1;
        uint32_t alignment = width >= 8 ? 8 : width;
        offset = align_up(offset, alignment);
        t->key_offsets[k] = offset;
        offset += width;
    }
    t->payload_offset = payload_size ? align_up(offset, 16) : offset;
    t->row_size = align_up(t->payload_offset + payload_size, 8);
    uint64_t capacity = 1024;
    while (capacity < expected_rows * 2)
        capacity *= 2;
    t->entries = calloc(capacity, sizeof *t->entries);
    if (!t->entries)
        goto oom;
    t->capacity = capacity;
    t->mask = capacity - 1;
    string_arena_init(&t->strings);
    return t;
oom:
    hash_table_free(t);
    error_set(error, ERR_EXCEEDED_LOCAL_MEMORY_LIMIT, "Out of memory creating a hash table");
    return NULL;
}

void hash_table_free(hash_table *t)
{
    if (!t)
        return;
    for (uint64_t b = 0; b < t->block_count; b++)
        free(t->blocks[b]);
    free(t->blocks);
    free(t->entries);
    free(t->key_types);
    free(t->key_kinds);
    free(t->key_offsets);
    string_arena_free(&t->strings);
    free(t);
}

size_t hash_table_bytes(const hash_table *t)
{
    return sizeof *t + t->capacity * 8 + t->block_count * (size_t)ROWS_PER_BLOCK * t->row_size +
           t->block_capacity * sizeof(void *) + t->strings.total_bytes;
}

/* ---- growth ------------------------------------------------------------- */

static bool hash_table_resize(hash_table *t, uint64_t capacity)
{
    uint64_t *entries = calloc(capacity, sizeof *entries);
    if (!entries)
        return false;
    uint64_t mask = capacity - 1;
    for (uint64_t i = 0; i < t->row_count; i++) {
        unsigned char *row = hash_table_row(t, i);
        uint64_t hash;
        memcpy(&hash, row, 8);
        uint64_t slot = hash & mask;
        while (entries[slot])
            slot = (slot + 1) & mask;
        entries[slot] = (hash >> SALT_SHIFT << SALT_SHIFT) | (uint64_t)(uintptr_t)row;
    }
    free(t->entries);
    t->entries = entries;
    t->capacity = capacity;
    t->mask = mask;
    return true;
}

static bool hash_table_reserve_rows(hash_table *t, uint64_t rows)
{
    uint64_t need_blocks = (rows + ROWS_PER_BLOCK - 1) >> HASH_TABLE_BLOCK_SHIFT;
    if (need_blocks > t->block_capacity) {
        uint64_t capacity = t->block_capacity ? t->block_capacity * 2 : 16;
        while (capacity < need_blocks)
            capacity *= 2;
        unsigned char **blocks = realloc(t->blocks, sizeof *blocks * capacity);
        if (!blocks)
            return false;
        t->blocks = blocks;
        t->block_capacity = capacity;
    }
    while (t->block_count < need_blocks) {
        unsigned char *block = aligned_alloc(16, (size_t)ROWS_PER_BLOCK * t->row_size);
        if (!block)
            return false;
        t->blocks[t->block_count++] = block;
    }
    return true;
}

/* ---- key writes and compares --------------------------------------------- */

#define WRITE_LOOP(T, EXPR)                                                                 \
    do {                                                                                    \
        const T *d = (const T *)view.data;                                                  \
        for (uint32_t j = 0; j < n; j++) {                                                  \
            uint32_t i = list[j];                                                           \
            uint32_t r = selection ? selection[i] : i;                                      \
            uint32_t x = view.selection ? view.selection[r] : r;                            \
            unsigned char *row = rows[i];                                                   \
            bool valid = vector_view_valid(&view, x);                                       \
            row[t->nulls_offset + k] = !valid;                                              \
            T value = valid ? (EXPR) : (T){0};                                              \
            memcpy(row + offset, &value, sizeof(T));                                        \
        }                                                                                   \
    } while (0)

static bool write_keys(hash_table *t, const vector *const *keys, const uint32_t *selection,
                       const uint32_t *list, uint32_t n, unsigned char **rows)
{
    for (int k = 0; k < t->key_count; k++) {
        vector_view view = vector_view_of(keys[k]);
        uint32_t offset = t->key_offsets[k];
        switch ((hash_key_kind)t->key_kinds[k]) {
        case HASH_KEY_U8: WRITE_LOOP(uint8_t, d[x]); break;
        case HASH_KEY_I16: WRITE_LOOP(int16_t, d[x]); break;
        case HASH_KEY_I32: WRITE_LOOP(int32_t, d[x]); break;
        case HASH_KEY_I64: WRITE_LOOP(int64_t, d[x]); break;
        case HASH_KEY_I128: WRITE_LOOP(__int128, d[x]); break;
        case HASH_KEY_F32: WRITE_LOOP(float, canonical_float(d[x])); break;
        case HASH_KEY_F64: WRITE_LOOP(double, canonical_double(d[x])); break;
        case HASH_KEY_TSTZ: WRITE_LOOP(timestamp_tz, d[x]); break;
        case HASH_KEY_STRING:
            WRITE_LOOP(string_view, d[x]);
            for (uint32_t j = 0; j < n; j++) {
                string_view *s = (string_view *)(rows[list[j]] + offset);
                if (s->length > STRING_INLINE_MAX && !string_arena_own(&t->strings, s))
                    return false;
            }
            break;
        }
    }
    return true;
}

/* Keeps in list[] the rows whose key k equals their row's key; appends the
 * others to mismatches. */
#define COMPARE_LOOP(T, EQ)                                                                 \
    do {                                                                                    \
        const T *d = (const T *)view.data;                                                  \
        if (!view.validity && !view.selection && !selection) {                              \
            for (uint32_t j = 0; j < n; j++) {                                              \
                uint32_t i = list[j];                                                       \
                const unsigned char *row = rows[i];                                         \
                T a;                                                                        \
                memcpy(&a, row + offset, sizeof(T));                                        \
                const T b = d[i];                                                           \
                bool equal = !row[t->nulls_offset + k] && (EQ);                             \
                list[kept] = i;                                                             \
                mismatches[*mismatch_count] = i;                                            \
                kept += equal;                                                              \
                *mismatch_count += !equal;                                                  \
            }                                                                               \
            break;                                                                          \
        }                                                                                   \
        for (uint32_t j = 0; j < n; j++) {                                                  \
            uint32_t i = list[j];                                                           \
            uint32_t r = selection ? selection[i] : i;                                      \
            uint32_t x = view.selection ? view.selection[r] : r;                            \
            const unsigned char *row = rows[i];                                             \
            bool in_null = !vector_view_valid(&view, x);                                    \
            bool row_null = row[t->nulls_offset + k];                                       \
            T a;                                                                            \
            memcpy(&a, row + offset, sizeof(T));                                            \
            const T b = d[x];                                                               \
            bool equal = in_null == row_null && (in_null || (EQ));                          \
            (void)a;                                                                        \
            (void)b;                                                                        \
            if (equal)                                                                      \
                list[kept++] = i;                                                           \
            else                                                                            \
                mismatches[(*mismatch_count)++] = i;                                        \
        }                                                                                   \
    } while (0)

static uint32_t compare_keys(const hash_table *t, const vector *const *keys, const uint32_t *selection,
                             uint32_t *list, uint32_t n, unsigned char **rows,
                             uint32_t *mismatches, uint32_t *mismatch_count)
{
    for (int k = 0; k < t->key_count && n > 0; k++) {
        vector_view view = vector_view_of(keys[k]);
        uint32_t offset = t->key_offsets[k];
        uint32_t kept = 0;
        switch ((hash_key_kind)t->key_kinds[k]) {
        case HASH_KEY_U8: COMPARE_LOOP(uint8_t, a == b); break;
        case HASH_KEY_I16: COMPARE_LOOP(int16_t, a == b); break;
        case HASH_KEY_I32: COMPARE_LOOP(int32_t, a == b); break;
        case HASH_KEY_I64: COMPARE_LOOP(int64_t, a == b); break;
        case HASH_KEY_I128: COMPARE_LOOP(__int128, a == b); break;
        case HASH_KEY_F32:
            COMPARE_LOOP(float, (isnan(a) && isnan(b)) || a == canonical_float(b));
            break;
        case HASH_KEY_F64:
            COMPARE_LOOP(double, (isnan(a) && isnan(b)) || a == canonical_double(b));
            break;
        case HASH_KEY_STRING: COMPARE_LOOP(string_view, string_view_equal(&a, &b)); break;
        case HASH_KEY_TSTZ: COMPARE_LOOP(timestamp_tz, a.micros_utc == b.micros_utc); break;
        }
        n = kept;
    }
    return n;
}

/* ---- probe loops -------------------------------------------------------- */

bool hash_table_find_or_insert(hash_table *t, const vector *const *keys,
                               const uint32_t *selection, uint32_t count,
                               unsigned char **rows_out, uint32_t *new_out, uint32_t *new_count,
                               shoal_error *error)
{
    *new_count = 0;
    if (count == 0)
        return true;
    if ((t->row_count + count) * 2 > t->capacity) {
        uint64_t capacity = t->capacity * 2;
        while ((t->row_count + count) * 2 > capacity)
            capacity *= 2;
        if (!hash_table_resize(t, capacity))
            return error_set(error, ERR_EXCEEDED_LOCAL_MEMORY_LIMIT,
                             "Out of memory growing a hash table");
    }
    if (!hash_table_reserve_rows(t, t->row_count + count))
        return error_set(error, ERR_EXCEEDED_LOCAL_MEMORY_LIMIT,
                         "Out of memory growing a hash table");
    uint64_t *hashes = t->scratch.hashes;
    if (t->key_count == 0) {
        for (uint32_t i = 0; i < count; i++)
            hashes[i] = NULL_HASH;
    }
    for (int k = 0; k < t->key_count; k++)
        hash_vector(keys[k], selection, count, hashes, k > 0);
    uint64_t *slots = t->scratch.slots;
    uint32_t *remaining = t->scratch.remaining;
    for (uint32_t i = 0; i < count; i++) {
        slots[i] = hashes[i] & t->mask;
        remaining[i] = i;
        __builtin_prefetch(&t->entries[slots[i]]);
    }
    uint32_t remaining_count = count;
    while (remaining_count > 0) {
        uint32_t next_count = 0, candidate_count = 0, fresh_count = 0;
        for (uint32_t j = 0; j < remaining_count; j++) {
            uint32_t i = remaining[j];
            uint64_t entry = t->entries[slots[i]];
            uint64_t salt = hashes[i] >> SALT_SHIFT;
            if (entry == 0) {
                unsigned char *row = hash_table_row(t, t->row_count++);
                memcpy(row, &hashes[i], 8);
                t->entries[slots[i]] = (salt << SALT_SHIFT) | (uint64_t)(uintptr_t)row;
                rows_out[i] = row;
                t->fresh[fresh_count++] = i;
                new_out[(*new_count)++] = i;
            } else if ((entry >> SALT_SHIFT) == salt) {
                rows_out[i] = (unsigned char *)(uintptr_t)(entry & POINTER_MASK);
                t->scratch.candidates[candidate_count++] = i;
            } else {
                slots[i] = (slots[i] + 1) & t->mask;
                remaining[next_count++] = i;
            }
        }
        if (fresh_count && !write_keys(t, keys, selection, t->fresh, fresh_count, rows_out))
            return error_set(error, ERR_EXCEEDED_LOCAL_MEMORY_LIMIT,
                             "Out of memory storing hash keys");
        uint32_t mismatch_count = 0;
        compare_keys(t, keys, selection, t->scratch.candidates, candidate_count, rows_out,
                     t->scratch.mismatches, &mismatch_count);
        for (uint32_t j = 0; j < mismatch_count; j++) {
            uint32_t i = t->scratch.mismatches[j];
            slots[i] = (slots[i] + 1) & t->mask;
            remaining[next_count++] = i;
        }
        remaining_count = next_count;
    }
    return true;
}

/* ---- reading keys back -------------------------------------------------- */

#define READ_LOOP(T)                                                                        \
    do {                                                                                    \
        T *d = (T *)out->data + out_row;                                                    \
        for (uint32_t i = 0; i < count; i++)                                                \
            memcpy(&d[i], rows[i] + offset, sizeof(T));                                     \
    } while (0)

bool hash_table_gather_key(const hash_table *t, int key, unsigned char *const *rows,
                           uint32_t count, vector *out, uint32_t out_row)
{
    uint32_t offset = t->key_offsets[key];
    switch ((hash_key_kind)t->key_kinds[key]) {
    case HASH_KEY_U8: READ_LOOP(uint8_t); break;
    case HASH_KEY_I16: READ_LOOP(int16_t); break;
    case HASH_KEY_I32: READ_LOOP(int32_t); break;
    case HASH_KEY_I64: READ_LOOP(int64_t); break;
    case HASH_KEY_I128: READ_LOOP(__int128); break;
    case HASH_KEY_F32: READ_LOOP(float); break;
    case HASH_KEY_F64: READ_LOOP(double); break;
    case HASH_KEY_TSTZ: READ_LOOP(timestamp_tz); break;
    case HASH_KEY_STRING: {
        READ_LOOP(string_view);
        string_view *d = (string_view *)out->data + out_row;
        for (uint32_t i = 0; i < count; i++)
            if (d[i].length > STRING_INLINE_MAX &&
                !vector_add_string(out, d[i].u.pointer, d[i].length, &d[i]))
                return false;
        break;
    }
    }
    for (uint32_t i = 0; i < count; i++) {
        if (rows[i][t->nulls_offset + key]) {
            if (!vector_set_null(out, out_row + i))
                return false;
        } else {
            vector_set_valid(out, out_row + i);
        }
    }
    return true;
}
