/*
 * aggregates_extra.c — more aggregates: approx_distinct (HyperLogLog with
 * 2048 one-byte registers: standard error 1.04/sqrt(2048) = 0.023, Trino's
 * default; small cardinalities use linear counting), geometric_mean,
 * checksum (order-insensitive sum of 64-bit value hashes, as varbinary),
 * bitwise_and_agg/bitwise_or_agg. Intermediates: varbinary (the packed
 * state) except checksum (bigint).
 *
 * The update loops are typed per physical type and hash values without
 * allocating; states are fixed-size blocks owned by the operator.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "connectors/spi/string_view.h"
#include "operators/aggregate_function.h"
#include "operators/functions/aggregate_families.h"
#include "operators/functions/aggregates_extra.h"

enum { HLL_BITS = 11, HLL_REGISTERS = 1 << HLL_BITS };

typedef enum extra_kind { X_APPROX_DISTINCT, X_GEOMETRIC_MEAN, X_CHECKSUM, X_BIT_AND, X_BIT_OR } extra_kind;

typedef struct extra_data {
    extra_kind kind;
    sql_type arg_type;
} extra_data;

typedef struct hll_state { uint8_t registers[HLL_REGISTERS]; } hll_state;
typedef struct geo_state { double log_sum; int64_t count; } geo_state;
typedef struct checksum_state { uint64_t sum; int64_t has; } checksum_state;
typedef struct bits_state { int64_t bits; int64_t has; } bits_state;

static inline uint64_t mix64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

static uint64_t hash_bytes(const void *p, size_t n)
{
    /* FNV-1a over 8-byte words, then a final mix: fast and good enough for HLL */
    const unsigned char *d = p;
    uint64_t h = 0xcbf29ce484222325ULL ^ n;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, d + i, 8);
        h = (h ^ mix64(w)) * 0x100000001b3ULL;
    }
    uint64_t tail = 0;
    memcpy(&tail, d + i, n - i);
    h = (h ^ mix64(tail + n)) * 0x100000001b3ULL;
    return mix64(h);
}

uint64_t aggregate_hash_value(const vector_view *v, physical_type p, uint32_t i)
{
    switch (p) {
    case PHYSICAL_BOOL:
    case PHYSICAL_INT8: return mix64((uint64_t)((const int8_t *)v->data)[i] + 0x9E3779B97F4A7C15ULL);
    case PHYSICAL_INT16: return mix64((uint64_t)((const int16_t *)v->data)[i] + 0x9E3779B97F4A7C15ULL);
    case PHYSICAL_INT32: return mix64((uint64_t)((const int32_t *)v->data)[i] + 0x9E3779B97F4A7C15ULL);
    case PHYSICAL_INT64: return mix64((uint64_t)((const int64_t *)v->data)[i] + 0x9E3779B97F4A7C15ULL);
    case PHYSICAL_FLOAT: {
        float f = ((const float *)v->data)[i];
        if (f == 0)
            f = 0; /* -0.0 and 0.0 are one value */
        uint32_t b;
        memcpy(&b, &f, 4);
        return mix64(b + 0x9E3779B97F4A7C15ULL);
    }
    case PHYSICAL_DOUBLE: {
        double f = ((const double *)v->data)[i];
        if (f == 0)
            f = 0;
        uint64_t b;
        memcpy(&b, &f, 8);
        return mix64(b + 0x9E3779B97F4A7C15ULL);
    }
    case PHYSICAL_INT128: return hash_bytes((const __int128 *)v->data + i, 16);
    case PHYSICAL_TIMESTAMP_TZ: return mix64((uint64_t)((const timestamp_tz *)v->data)[i].micros_utc);
    case PHYSICAL_STRING: {
        const string_view *s = (const string_view *)v->data + i;
        return hash_bytes(string_view_data(s), s->length);
    }
    default: return 0;
    }
}

static inline void hll_add(hll_state *s, uint64_t h)
{
    uint32_t index = (uint32_t)(h >> (64 - HLL_BITS));
    uint64_t rest = h << HLL_BITS | (UINT64_C(1) << (HLL_BITS - 1));
    uint8_t rank = (uint8_t)(__builtin_clzll(rest) + 1);
    if (rank > s->registers[index])
        s->registers[index] = rank;
}

int64_t aggregate_hll_estimate(const uint8_t *registers, int count)
{
    double sum = 0;
    int zeros = 0;
    for (int i = 0; i < count; i++) {
        sum += ldexp(1.0, -registers[i]);
        zeros += registers[i] == 0;
    }
    double m = count, alpha = 0.7213 / (1 + 1.079 / m);
    double estimate = alpha * m * m / sum;
    if (estimate <= 2.5 * m && zeros > 0)
        estimate = m * log(m / zeros); /* linear counting */
    return (int64_t)llround(estimate);
}

static const extra_data *data_of(const aggregate_function *f)
{
    return f->data;
}

static void init(const aggregate_function *f, void *state)
{
    memset(state, 0, f->state_size);
    if (data_of(f)->kind == X_BIT_AND)
        ((bits_state *)state)->bits = -1;
}

static bool update(const aggregate_function *f, void *const *states, uint32_t count, const vector *const *args,
                   shoal_error *error)
{
    (void)error;
    const extra_data *d = data_of(f);
    vector_view v = vector_view_of(args[0]);
    physical_type p = type_physical(d->arg_type);
    switch (d->kind) {
    case X_APPROX_DISTINCT:
    case X_CHECKSUM:
        for (uint32_t r = 0; r < count; r++) {
            uint32_t i = vector_view_index(&v, r);
            if (!vector_view_valid(&v, i))
                continue;
            uint64_t h = aggregate_hash_value(&v, p, i);
            if (d->kind == X_APPROX_DISTINCT) {
                hll_add(states[r], h);
            } else {
                checksum_state *s = states[r];
                s->sum += h * 0x9E3779B97F4A7C15ULL;
                s->has = 1;
            }
        }
        return true;
    case X_GEOMETRIC_MEAN:
        for (uint32_t r = 0; r < count; r++) {
            uint32_t i = vector_view_index(&v, r);
            if (!vector_view_valid(&v, i))
                continue;
            double x = p == PHYSICAL_DOUBLE ? ((const double *)v.data)[i] : (double)((const int64_t *)v.data)[i];
            geo_state *s = states[r];
            s->log_sum += log(x);
            s->count++;
        }
        return true;
    case X_BIT_AND:
    case X_BIT_OR:
        for (uint32_t r = 0; r < count; r++) {
            uint32_t i = vector_view_index(&v, r);
            if (!vector_view_valid(&v, i))
                continue;
            bits_state *s = states[r];
            int64_t x = ((const int64_t *)v.data)[i];
            s->bits = d->kind == X_BIT_AND ? (s->bits & x) : (s->bits | x);
            s->has = 1;
        }
        return true;
    }
    return true;
}

static bool combine(const aggregate_function *f, void *target, const void *source, shoal_error *error)
{
    (void)error;
    switch (data_of(f)->kind) {
    case X_APPROX_DISTINCT: {
        hll_state *t = target;
        const hll_state *s = source;
        for (int i = 0; i < HLL_REGISTERS; i++)
            if (s->registers[i] > t->registers[i])
                t->registers[i] = s->registers[i];
        return true;
    }
    case X_GEOMETRIC_MEAN: {
        geo_state *t = target;
        const geo_state *s = source;
        t->log_sum += s->log_sum;
        t->count += s->count;
        return true;
    }
    case X_CHECKSUM: {
        checksum_state *t = target;
        const checksum_state *s = source;
        t->sum += s->sum;
        t->has |= s->has;
        return true;
    }
    case X_BIT_AND:
    case X_BIT_OR: {
        bits_state *t = target;
        const bits_state *s = source;
        if (s->has) {
            t->bits = t->has ? (data_of(f)->kind == X_BIT_AND ? t->bits & s->bits : t->bits | s->bits) : s->bits;
            t->has = 1;
        }
        return true;
    }
    }
    return true;
}

static size_t packed_size(extra_kind k)
{
    switch (k) {
    case X_APPROX_DISTINCT: return sizeof(hll_state);
    case X_GEOMETRIC_MEAN: return sizeof(geo_state);
    case X_CHECKSUM: return sizeof(checksum_state);
    default: return sizeof(bits_state);
    }
}

static bool write_intermediate(const aggregate_function *f, const void *state, vector *out, uint32_t row)
{
    return aggregate_write_bytes(out, row, state, packed_size(data_of(f)->kind));
}

static bool merge_intermediate(const aggregate_function *f, void *const *states, uint32_t count,
                               const vector *intermediate, shoal_error *error)
{
    vector_view v = vector_view_of(intermediate);
    size_t size = packed_size(data_of(f)->kind);
    _Alignas(16) unsigned char buffer[sizeof(hll_state)];
    for (uint32_t r = 0; r < count; r++) {
        const string_view *s = aggregate_intermediate_at(&v, r);
        if (!s)
            continue;
        if (!aggregate_unpack_state(f, s, size, buffer, error) || !combine(f, states[r], buffer, error))
            return false;
    }
    return true;
}

static bool finalize(const aggregate_function *f, const void *state, vector *out, uint32_t row, shoal_error *error)
{
    (void)error;
    switch (data_of(f)->kind) {
    case X_APPROX_DISTINCT:
        vector_set_valid(out, row);
        ((int64_t *)out->data)[row] = aggregate_hll_estimate(((const hll_state *)state)->registers, HLL_REGISTERS);
        return true;
    case X_GEOMETRIC_MEAN: {
        const geo_state *s = state;
        if (s->count == 0)
            return vector_set_null(out, row);
        vector_set_valid(out, row);
        ((double *)out->data)[row] = exp(s->log_sum / (double)s->count);
        return true;
    }
    case X_CHECKSUM: {
        const checksum_state *s = state;
        if (!s->has)
            return vector_set_null(out, row);
        unsigned char bytes[8];
        for (int i = 0; i < 8; i++) /* little-endian, as Trino's checksum varbinary */
            bytes[i] = (unsigned char)(s->sum >> (8 * i));
        return aggregate_write_bytes(out, row, bytes, 8);
    }
    case X_BIT_AND:
    case X_BIT_OR: {
        const bits_state *s = state;
        if (!s->has)
            return vector_set_null(out, row);
        vector_set_valid(out, row);
        ((int64_t *)out->data)[row] = s->bits;
        return true;
    }
    }
    return false;
}

const aggregate_function *aggregate_extra_family(const resolved_function *r, shoal_error *error)
{
    static const struct {
        const char *name;
        extra_kind kind;
    } names[] = {
        {"approx_distinct", X_APPROX_DISTINCT}, {"geometric_mean", X_GEOMETRIC_MEAN}, {"checksum", X_CHECKSUM},
        {"bitwise_and_agg", X_BIT_AND},         {"bitwise_or_agg", X_BIT_OR},
    };
    const char *name = r->function->name;
    int found = -1;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(names[i].name, name) == 0)
            found = (int)i;
    if (found < 0)
        return NULL;
    sql_type arg = r->arg_types[0];
    physical_type p = type_physical(arg);
    if (p == PHYSICAL_LIST || p == PHYSICAL_STRUCT) {
        error_set(error, ERR_NOT_SUPPORTED, "%s of nested types is not supported yet", name);
        return NULL;
    }
    extra_data d;
    memset(&d, 0, sizeof d);
    d.kind = names[found].kind;
    d.arg_type = arg;
    aggregate_function f = {
        .name = name,
        .state_size = packed_size(d.kind),
        .return_type = r->return_type,
        .intermediate_type = r->intermediate_type,
        .init = init,
        .update = update,
        .combine = combine,
        .write_intermediate = write_intermediate,
        .merge_intermediate = merge_intermediate,
        .finalize = finalize,
    };
    return aggregate_intern(&f, &d, sizeof d, error);
}
