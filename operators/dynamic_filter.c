/*
 * dynamic_filter.c — building, merging and applying join dynamic filters
 * (see dynamic_filter.h).
 */
#include "dynamic_filter.h"

#include <stdlib.h>
#include <string.h>

#include "operators/hash_table.h"

bool dynamic_filter_type_has_range(sql_type type)
{
    switch (type_physical(type)) {
    case PHYSICAL_INT8:
    case PHYSICAL_INT16:
    case PHYSICAL_INT32:
    case PHYSICAL_INT64: return true;
    default: return false;
    }
}

bool dynamic_filter_init(dynamic_filter *f, int key_count, const sql_type *types, uint64_t rows)
{
    memset(f, 0, sizeof *f);
    bool all_keys = key_count <= DYNAMIC_FILTER_MAX_KEYS;
    if (!all_keys)
        key_count = DYNAMIC_FILTER_MAX_KEYS; /* later keys are simply not filtered on */
    f->key_count = key_count;
    f->match_nothing = true;
    for (int k = 0; k < key_count; k++) {
        f->keys[k].type = types[k];
        f->keys[k].min = INT64_MAX;
        f->keys[k].max = INT64_MIN;
    }
    if (rows > DYNAMIC_FILTER_BLOOM_MAX_ROWS || !all_keys)
        return true; /* the bloom hashes every key, so it needs them all */
    uint64_t words = 64; /* 16 bits per key, at least 512 bytes */
    while (words * 4 < rows)
        words *= 2;
    f->bloom = calloc(words, sizeof *f->bloom);
    if (!f->bloom)
        return false;
    f->bloom_mask = words - 1;
    return true;
}

void dynamic_filter_free(dynamic_filter *f)
{
    free(f->bloom);
    f->bloom = NULL;
}

/* ---- building -------------------------------------------------------------- */

#define RANGE_LOOP(T)                                                                       \
    do {                                                                                    \
        const T *d = (const T *)view.data;                                                  \
        for (uint32_t i = 0; i < count; i++) {                                              \
            uint32_t x = vector_view_index(&view, i);                                       \
            if (!vector_view_valid(&view, x))                                               \
                continue;                                                                   \
            int64_t value = d[x];                                                           \
            lo = value < lo ? value : lo;                                                   \
            hi = value > hi ? value : hi;                                                   \
        }                                                                                   \
    } while (0)

void dynamic_filter_add_range(dynamic_filter_key *key, const vector *v, uint32_t count)
{
    vector_view view = vector_view_of(v);
    int64_t lo = INT64_MAX, hi = INT64_MIN;
    switch (type_physical(key->type)) {
    case PHYSICAL_INT8: RANGE_LOOP(int8_t); break;
    case PHYSICAL_INT16: RANGE_LOOP(int16_t); break;
    case PHYSICAL_INT32: RANGE_LOOP(int32_t); break;
    case PHYSICAL_INT64: RANGE_LOOP(int64_t); break;
    default: return;
    }
    if (lo > hi)
        return;
    key->has_range = true;
    key->min = lo < key->min ? lo : key->min;
    key->max = hi > key->max ? hi : key->max;
}

void dynamic_filter_key_widen(dynamic_filter_key *key, const dynamic_filter_key *by)
{
    if (!by->has_range)
        return;
    key->min = key->has_range && key->min < by->min ? key->min : by->min;
    key->max = key->has_range && key->max > by->max ? key->max : by->max;
    key->has_range = true;
}

/* A word of the bloom and three bits in it, from bits of the hash that the
 * join directory's slot does not use first. */
static inline uint64_t bloom_bits(uint64_t hash)
{
    return (UINT64_C(1) << ((hash >> 8) & 63)) | (UINT64_C(1) << ((hash >> 14) & 63)) |
           (UINT64_C(1) << ((hash >> 20) & 63));
}

static inline uint64_t bloom_word(const dynamic_filter *f, uint64_t hash)
{
    return (hash >> 32) & f->bloom_mask;
}

void dynamic_filter_add_hash(dynamic_filter *f, uint64_t hash)
{
    if (f->bloom)
        __atomic_fetch_or(&f->bloom[bloom_word(f, hash)], bloom_bits(hash), __ATOMIC_RELAXED);
}

bool dynamic_filter_merge(dynamic_filter *dst, const dynamic_filter *src)
{
    dst->match_nothing &= src->match_nothing;
    for (int k = 0; k < dst->key_count && k < src->key_count; k++)
        dynamic_filter_key_widen(&dst->keys[k], &src->keys[k]);
    if (!dst->bloom || !src->bloom) {
        /* a side without a bloom may hold any key */
        if (!src->match_nothing) {
            free(dst->bloom);
            dst->bloom = NULL;
        }
        return true;
    }
    if (src->bloom_mask < dst->bloom_mask) {
        /* fold dst down to src's size: word w of the smaller one ORs the words w + i·size */
        for (uint64_t w = src->bloom_mask + 1; w <= dst->bloom_mask; w++)
            dst->bloom[w & src->bloom_mask] |= dst->bloom[w];
        dst->bloom_mask = src->bloom_mask;
    }
    for (uint64_t w = 0; w <= src->bloom_mask; w++)
        dst->bloom[w & dst->bloom_mask] |= src->bloom[w];
    return true;
}

/* ---- applying -------------------------------------------------------------- */

#define KEEP_IN_RANGE(T)                                                                    \
    do {                                                                                    \
        const T *d = (const T *)view.data;                                                  \
        for (uint32_t j = 0; j < n; j++) {                                                  \
            uint32_t i = selection[j];                                                      \
            uint32_t x = vector_view_index(&view, i);                                       \
            int64_t value = d[x];                                                           \
            selection[kept] = i;                                                            \
            kept += vector_view_valid(&view, x) & (value >= key->min) & (value <= key->max); \
        }                                                                                   \
    } while (0)

static uint32_t keep_in_range(const dynamic_filter_key *key, const vector *v, uint32_t *selection,
                              uint32_t n)
{
    vector_view view = vector_view_of(v);
    uint32_t kept = 0;
    switch (type_physical(key->type)) {
    case PHYSICAL_INT8: KEEP_IN_RANGE(int8_t); break;
    case PHYSICAL_INT16: KEEP_IN_RANGE(int16_t); break;
    case PHYSICAL_INT32: KEEP_IN_RANGE(int32_t); break;
    case PHYSICAL_INT64: KEEP_IN_RANGE(int64_t); break;
    default: return n;
    }
    return kept;
}

static uint32_t keep_not_null(const vector *v, uint32_t *selection, uint32_t n)
{
    vector_view view = vector_view_of(v);
    if (!view.validity)
        return n;
    uint32_t kept = 0;
    for (uint32_t j = 0; j < n; j++) {
        uint32_t i = selection[j];
        selection[kept] = i;
        kept += vector_view_valid(&view, vector_view_index(&view, i));
    }
    return kept;
}

uint32_t dynamic_filter_apply(const dynamic_filter *f, const vector *const *keys, uint32_t count,
                              uint64_t *hashes, uint32_t *selection)
{
    if (f->match_nothing)
        return 0;
    uint32_t n = count;
    for (uint32_t i = 0; i < count; i++)
        selection[i] = i;
    bool all_keys = true;
    for (int k = 0; k < f->key_count && n > 0; k++) {
        if (!keys[k]) {
            all_keys = false;
            continue;
        }
        n = f->keys[k].has_range ? keep_in_range(&f->keys[k], keys[k], selection, n)
                                 : keep_not_null(keys[k], selection, n);
    }
    if (!f->bloom || !all_keys || n == 0)
        return n;
    for (int k = 0; k < f->key_count; k++)
        hash_vector(keys[k], selection, n, hashes, k > 0);
    uint32_t kept = 0;
    for (uint32_t j = 0; j < n; j++) {
        uint64_t bits = bloom_bits(hashes[j]);
        selection[kept] = selection[j];
        kept += (f->bloom[bloom_word(f, hashes[j])] & bits) == bits;
    }
    return kept;
}

bool dynamic_filter_range(const dynamic_filter *f, int k, int column, column_range *out)
{
    if (!f || k < 0 || k >= f->key_count || !f->keys[k].has_range)
        return false;
    memset(out, 0, sizeof *out);
    out->column = column;
    out->has_low = out->low_inclusive = true;
    out->has_high = out->high_inclusive = true;
    out->low.type = out->high.type = f->keys[k].type;
    out->low.u.i64 = f->keys[k].min;
    out->high.u.i64 = f->keys[k].max;
    return true;
}
