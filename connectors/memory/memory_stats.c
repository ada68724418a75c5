/*
 * memory_stats.c — column statistics the memory connector computes as pages
 * are written: null count, HyperLogLog NDV sketch (2^11 one-byte registers,
 * mergeable across inserts), min/max of ordered fixed-width types, and the
 * byte size of strings.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "memory_internal.h"

/* ---- hashing ---------------------------------------------------------- */

static inline uint64_t mix64(uint64_t x)
{
    x ^= x >> 33;
    x *= UINT64_C(0xff51afd7ed558ccd);
    x ^= x >> 33;
    x *= UINT64_C(0xc4ceb9fe1a85ec53);
    x ^= x >> 33;
    return x;
}

static uint64_t hash_bytes(const char *data, uint32_t length)
{
    uint64_t h = UINT64_C(0x9e3779b97f4a7c15) ^ length;
    uint32_t i = 0;
    for (; i + 8 <= length; i += 8) {
        uint64_t w;
        memcpy(&w, data + i, 8);
        h = mix64(h ^ w) * UINT64_C(0x100000001b3);
    }
    uint64_t tail = 0;
    memcpy(&tail, data + i, length - i);
    return mix64(h ^ tail ^ ((uint64_t)(length - i) << 56));
}

static inline void hll_add(uint8_t *registers, uint64_t hash)
{
    uint32_t index = (uint32_t)(hash >> (64 - MEMORY_HLL_BITS));
    uint64_t rest = hash << MEMORY_HLL_BITS;
    uint8_t rank = rest ? (uint8_t)(__builtin_clzll(rest) + 1) : (uint8_t)(64 - MEMORY_HLL_BITS + 1);
    if (rank > registers[index])
        registers[index] = rank;
}

double memory_hll_estimate(const uint8_t *registers)
{
    const double m = MEMORY_HLL_REGISTERS;
    double sum = 0;
    int zeros = 0;
    for (int i = 0; i < MEMORY_HLL_REGISTERS; i++) {
        sum += ldexp(1.0, -registers[i]);
        zeros += registers[i] == 0;
    }
    double alpha = 0.7213 / (1 + 1.079 / m);
    double estimate = alpha * m * m / sum;
    if (estimate <= 2.5 * m && zeros > 0)
        estimate = m * log(m / zeros); /* linear counting for small sets */
    return estimate;
}

/* ---- accumulators ------------------------------------------------------ */

static bool tracks_range(sql_type type)
{
    switch (type.kind) {
    case TYPE_TINYINT: case TYPE_SMALLINT: case TYPE_INTEGER: case TYPE_BIGINT:
    case TYPE_REAL: case TYPE_DOUBLE: case TYPE_DECIMAL: case TYPE_DATE: case TYPE_TIME:
    case TYPE_TIMESTAMP: case TYPE_TIMESTAMP_TZ: case TYPE_INTERVAL_DAY_TIME:
    case TYPE_INTERVAL_YEAR_MONTH:
        return true;
    default:
        return false;
    }
}

bool memory_stats_init(memory_column_stats *s, sql_type type)
{
    memset(s, 0, sizeof *s);
    s->min = value_null(type);
    s->max = value_null(type);
    physical_type physical = type_physical(type);
    if (physical == PHYSICAL_LIST || physical == PHYSICAL_STRUCT)
        return true;
    s->hll = calloc(MEMORY_HLL_REGISTERS, 1);
    return s->hll != NULL;
}

void memory_stats_destroy(memory_column_stats *s)
{
    free(s->hll);
    s->hll = NULL;
}

/* Compares two non-null range values of `type`. */
static int compare_values(const value *a, const value *b, sql_type type)
{
    switch (type_physical(type)) {
    case PHYSICAL_FLOAT: return (a->u.f32 > b->u.f32) - (a->u.f32 < b->u.f32);
    case PHYSICAL_DOUBLE: return (a->u.f64 > b->u.f64) - (a->u.f64 < b->u.f64);
    case PHYSICAL_INT128: return (a->u.i128 > b->u.i128) - (a->u.i128 < b->u.i128);
    case PHYSICAL_TIMESTAMP_TZ:
        return (a->u.tstz.micros_utc > b->u.tstz.micros_utc) - (a->u.tstz.micros_utc < b->u.tstz.micros_utc);
    default: return (a->u.i64 > b->u.i64) - (a->u.i64 < b->u.i64);
    }
}

static void widen_range(memory_column_stats *s, const value *low, const value *high, sql_type type)
{
    if (!s->has_range) {
        s->min = *low;
        s->max = *high;
        s->has_range = true;
        return;
    }
    if (compare_values(low, &s->min, type) < 0)
        s->min = *low;
    if (compare_values(high, &s->max, type) > 0)
        s->max = *high;
}

/* Per-type loops: hash every valid value, track min/max in native form. */
#define STATS_LOOP(ctype, to_hash, is_nan)                                              \
    do {                                                                                \
        const ctype *data = v->data;                                                    \
        bool any = false;                                                               \
        ctype lo = 0, hi = 0;                                                           \
        for (uint32_t i = 0; i < rows; i++) {                                           \
            if (v->validity && !((v->validity[i >> 6] >> (i & 63)) & 1))                \
                continue;                                                               \
            ctype x = data[i];                                                          \
            hll_add(s->hll, mix64(to_hash));                                            \
            if (is_nan)                                                                 \
                continue;                                                               \
            if (!any || x < lo)                                                         \
                lo = x;                                                                 \
            if (!any || x > hi)                                                         \
                hi = x;                                                                 \
            any = true;                                                                 \
        }                                                                               \
        if (any && range) {                                                             \
            value a = value_null(type), b = a;                                          \
            a.is_null = b.is_null = false;                                              \
            store_native(&a, type, &lo);                                                \
            store_native(&b, type, &hi);                                                \
            widen_range(s, &a, &b, type);                                               \
        }                                                                               \
    } while (0)

static void store_native(value *out, sql_type type, const void *native)
{
    switch (type_physical(type)) {
    case PHYSICAL_INT8: out->u.i64 = *(const int8_t *)native; break;
    case PHYSICAL_INT16: out->u.i64 = *(const int16_t *)native; break;
    case PHYSICAL_INT32: out->u.i64 = *(const int32_t *)native; break;
    case PHYSICAL_INT64: out->u.i64 = *(const int64_t *)native; break;
    case PHYSICAL_INT128: memcpy(&out->u.i128, native, 16); break;
    case PHYSICAL_FLOAT: out->u.f32 = *(const float *)native; break;
    case PHYSICAL_DOUBLE: out->u.f64 = *(const double *)native; break;
    default: break;
    }
}

static uint64_t double_bits(double d)
{
    if (d == 0)
        d = 0; /* -0.0 and 0.0 are one value */
    if (isnan(d))
        d = NAN;
    uint64_t bits;
    memcpy(&bits, &d, 8);
    return bits;
}

static uint64_t float_bits(float f)
{
    return double_bits((double)f);
}

static void stats_strings(memory_column_stats *s, const vector *v, uint32_t rows)
{
    const string_view *data = v->data;
    for (uint32_t i = 0; i < rows; i++) {
        if (v->validity && !((v->validity[i >> 6] >> (i & 63)) & 1))
            continue;
        s->data_size += data[i].length;
        hll_add(s->hll, hash_bytes(string_view_data(&data[i]), data[i].length));
    }
}

static void stats_tstz(memory_column_stats *s, const vector *v, uint32_t rows)
{
    const timestamp_tz *data = v->data;
    for (uint32_t i = 0; i < rows; i++) {
        if (v->validity && !((v->validity[i >> 6] >> (i & 63)) & 1))
            continue;
        hll_add(s->hll, mix64((uint64_t)data[i].micros_utc));
        value x = value_null(v->type);
        x.is_null = false;
        x.u.tstz = data[i];
        widen_range(s, &x, &x, v->type);
    }
}

void memory_stats_add_vector(memory_column_stats *s, const vector *v, uint32_t rows)
{
    uint32_t nulls = 0;
    if (v->validity)
        for (uint32_t i = 0; i < rows; i++)
            nulls += !((v->validity[i >> 6] >> (i & 63)) & 1);
    s->null_count += nulls;
    s->value_count += rows - nulls;
    if (!s->hll || v->kind != VECTOR_FLAT)
        return;
    sql_type type = v->type;
    bool range = tracks_range(type);
    switch (type_physical(type)) {
    case PHYSICAL_BOOL: STATS_LOOP(uint8_t, (uint64_t)x, false); break;
    case PHYSICAL_INT8: STATS_LOOP(int8_t, (uint64_t)(int64_t)x, false); break;
    case PHYSICAL_INT16: STATS_LOOP(int16_t, (uint64_t)(int64_t)x, false); break;
    case PHYSICAL_INT32: STATS_LOOP(int32_t, (uint64_t)(int64_t)x, false); break;
    case PHYSICAL_INT64: STATS_LOOP(int64_t, (uint64_t)x, false); break;
    case PHYSICAL_INT128:
        STATS_LOOP(__int128, (uint64_t)x ^ mix64((uint64_t)((unsigned __int128)x >> 64)), false);
        break;
    case PHYSICAL_FLOAT: STATS_LOOP(float, float_bits(x), isnan(x)); break;
    case PHYSICAL_DOUBLE: STATS_LOOP(double, double_bits(x), isnan(x)); break;
    case PHYSICAL_STRING: stats_strings(s, v, rows); break;
    case PHYSICAL_TIMESTAMP_TZ: stats_tstz(s, v, rows); break;
    default: break;
    }
}

void memory_stats_merge(memory_column_stats *dst, const memory_column_stats *src, sql_type type)
{
    dst->null_count += src->null_count;
    dst->value_count += src->value_count;
    dst->data_size += src->data_size;
    if (src->has_range)
        widen_range(dst, &src->min, &src->max, type);
    if (dst->hll && src->hll)
        for (int i = 0; i < MEMORY_HLL_REGISTERS; i++)
            if (src->hll[i] > dst->hll[i])
                dst->hll[i] = src->hll[i];
}

bool memory_stats_copy(memory_column_stats *dst, const memory_column_stats *src, sql_type type)
{
    if (!memory_stats_init(dst, type))
        return false;
    memory_stats_merge(dst, src, type);
    return true;
}

void memory_stats_export(const memory_column_stats *s, uint64_t rows, sql_type type,
                         column_statistics *out)
{
    out->null_fraction = rows ? (double)s->null_count / (double)rows : 0.0;
    if (s->hll) {
        double ndv = s->value_count ? round(memory_hll_estimate(s->hll)) : 0;
        if (ndv > (double)s->value_count)
            ndv = (double)s->value_count;
        if (s->value_count && ndv < 1)
            ndv = 1;
        out->distinct_count = ndv;
    } else {
        out->distinct_count = NAN;
    }
    out->data_size = type_physical(type) == PHYSICAL_STRING ? s->data_size : NAN;
    out->has_range = s->has_range;
    out->min = s->has_range ? s->min : value_null(type);
    out->max = s->has_range ? s->max : value_null(type);
}
