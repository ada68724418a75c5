/*
 * aggregates_by.c — min_by(x, y) and max_by(x, y): the value of x on the row
 * with the smallest (largest) y. Rows whose y is NULL are skipped; x may be
 * NULL and is then the result. Ties keep the first row seen. Floating keys
 * order as Trino orders them (NaN above everything).
 *
 * The state keeps the best key and its value; strings are copied into
 * buffers the state owns, grown only when a longer string is kept (never
 * per row). The intermediate (varbinary) packs "value is NULL" byte, key,
 * value; strings as 4-byte length + bytes.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "operators/functions/aggregate_families.h"

typedef struct by_data {
    bool max;
    physical_type key_physical, value_physical;
    uint32_t key_size, value_size;
} by_data;

/* One kept value: fixed-width bytes, or a string_view over `owned`. */
typedef struct kept_value {
    _Alignas(16) unsigned char bytes[16];
    char *owned;
    uint32_t capacity;
} kept_value;

typedef struct by_state {
    kept_value key, value;
    int32_t has;         /* a row with a non-NULL key was seen */
    int32_t value_null;
} by_state;

static const by_data *data_of(const aggregate_function *f) { return f->data; }

static bool keep(kept_value *k, physical_type p, uint32_t size, const void *bytes)
{
    if (p != PHYSICAL_STRING) {
        memcpy(k->bytes, bytes, size);
        return true;
    }
    string_view s;
    memcpy(&s, bytes, sizeof s);
    if (s.length > k->capacity) {
        uint32_t capacity = s.length < 32 ? 32 : s.length;
        char *p2 = realloc(k->owned, capacity);
        if (!p2)
            return false;
        k->owned = p2;
        k->capacity = capacity;
    }
    if (s.length > 0)
        memcpy(k->owned, string_view_data(&s), s.length);
    string_view copy = string_view_make(k->owned, s.length);
    memcpy(k->bytes, &copy, sizeof copy);
    return true;
}

/* Trino's order for floating values: NaN is the largest. */
#define FLOAT_ORDER(a, b) ((a) < (b) ? -1 : (a) > (b) ? 1 : (a) == (b) ? 0 : isnan(a) ? (isnan(b) ? 0 : 1) : -1)

static int compare(physical_type p, const void *x, const void *y)
{
    switch (p) {
#define CMP(T) { T a, b; memcpy(&a, x, sizeof a); memcpy(&b, y, sizeof b); return a < b ? -1 : a > b; }
    case PHYSICAL_BOOL: CMP(uint8_t)
    case PHYSICAL_INT8: CMP(int8_t)
    case PHYSICAL_INT16: CMP(int16_t)
    case PHYSICAL_INT32: CMP(int32_t)
    case PHYSICAL_INT64: CMP(int64_t)
    case PHYSICAL_INT128: CMP(__int128)
#undef CMP
    case PHYSICAL_FLOAT: {
        float a, b;
        memcpy(&a, x, sizeof a);
        memcpy(&b, y, sizeof b);
        return FLOAT_ORDER(a, b);
    }
    case PHYSICAL_DOUBLE: {
        double a, b;
        memcpy(&a, x, sizeof a);
        memcpy(&b, y, sizeof b);
        return FLOAT_ORDER(a, b);
    }
    case PHYSICAL_STRING: {
        string_view a, b;
        memcpy(&a, x, sizeof a);
        memcpy(&b, y, sizeof b);
        int c = string_view_compare(&a, &b);
        return (c > 0) - (c < 0);
    }
    case PHYSICAL_TIMESTAMP_TZ: {
        timestamp_tz a, b;
        memcpy(&a, x, sizeof a);
        memcpy(&b, y, sizeof b);
        return a.micros_utc < b.micros_utc ? -1 : a.micros_utc > b.micros_utc;
    }
    default: return 0;
    }
}

/* Offers (key, value) to the state; `value` NULL means SQL NULL. */
static bool offer(const by_data *d, by_state *s, const void *key, const void *value)
{
    if (s->has) {
        int c = compare(d->key_physical, key, s->key.bytes);
        if (d->max ? c <= 0 : c >= 0)
            return true;
    }
    if (!keep(&s->key, d->key_physical, d->key_size, key))
        return false;
    s->value_null = value == NULL;
    if (value && !keep(&s->value, d->value_physical, d->value_size, value))
        return false;
    s->has = 1;
    return true;
}

static void by_init(const aggregate_function *f, void *state)
{
    memset(state, 0, f->state_size);
}

static bool by_update(const aggregate_function *f, void *const *states, uint32_t count,
                      const vector *const *args, shoal_error *error)
{
    const by_data *d = data_of(f);
    vector_view x = vector_view_of(args[0]), y = vector_view_of(args[1]);
    const unsigned char *xs = x.data, *ys = y.data;
    for (uint32_t r = 0; r < count; r++) {
        uint32_t j = vector_view_index(&y, r);
        if (!vector_view_valid(&y, j))
            continue;
        uint32_t i = vector_view_index(&x, r);
        const void *value = vector_view_valid(&x, i) ? xs + (size_t)d->value_size * i : NULL;
        if (!offer(d, states[r], ys + (size_t)d->key_size * j, value))
            return aggregate_out_of_memory(error);
    }
    return true;
}

static bool by_combine(const aggregate_function *f, void *target, const void *source, shoal_error *error)
{
    const by_state *s = source;
    if (!s->has)
        return true;
    if (!offer(data_of(f), target, s->key.bytes, s->value_null ? NULL : s->value.bytes))
        return aggregate_out_of_memory(error);
    return true;
}

/* ---- intermediate: [value is NULL][key][value] ---- */

static size_t packed_length(physical_type p, uint32_t size, const void *bytes)
{
    if (p != PHYSICAL_STRING)
        return size;
    string_view s;
    memcpy(&s, bytes, sizeof s);
    return 4 + (size_t)s.length;
}

static unsigned char *pack(unsigned char *at, physical_type p, uint32_t size, const void *bytes)
{
    if (p != PHYSICAL_STRING) {
        memcpy(at, bytes, size);
        return at + size;
    }
    string_view s;
    memcpy(&s, bytes, sizeof s);
    memcpy(at, &s.length, 4);
    memcpy(at + 4, string_view_data(&s), s.length);
    return at + 4 + s.length;
}

/* Reads one packed value into `out` (a string_view points into the packed
 * bytes); NULL when the bytes are short. */
static const unsigned char *unpack(const unsigned char *at, const unsigned char *end, physical_type p,
                                   uint32_t size, unsigned char *out)
{
    if (p != PHYSICAL_STRING) {
        if ((size_t)(end - at) < size)
            return NULL;
        memcpy(out, at, size);
        return at + size;
    }
    uint32_t length;
    if (end - at < 4)
        return NULL;
    memcpy(&length, at, 4);
    if ((size_t)(end - at - 4) < length)
        return NULL;
    string_view s = string_view_make((const char *)at + 4, length);
    memcpy(out, &s, sizeof s);
    return at + 4 + length;
}

static bool by_write_intermediate(const aggregate_function *f, const void *state, vector *out, uint32_t row)
{
    const by_data *d = data_of(f);
    const by_state *s = state;
    if (!s->has)
        return vector_set_null(out, row);
    size_t length = 1 + packed_length(d->key_physical, d->key_size, s->key.bytes) +
                    (s->value_null ? 0 : packed_length(d->value_physical, d->value_size, s->value.bytes));
    unsigned char small[64], *bytes = length <= sizeof small ? small : malloc(length);
    if (!bytes)
        return false;
    bytes[0] = (unsigned char)s->value_null;
    unsigned char *at = pack(bytes + 1, d->key_physical, d->key_size, s->key.bytes);
    if (!s->value_null)
        pack(at, d->value_physical, d->value_size, s->value.bytes);
    bool ok = aggregate_write_bytes(out, row, bytes, length);
    if (bytes != small)
        free(bytes);
    return ok;
}

static bool by_merge_intermediate(const aggregate_function *f, void *const *states, uint32_t count,
                                  const vector *intermediate, shoal_error *error)
{
    const by_data *d = data_of(f);
    vector_view v = vector_view_of(intermediate);
    for (uint32_t r = 0; r < count; r++) {
        const string_view *sv = aggregate_intermediate_at(&v, r);
        if (!sv)
            continue;
        const unsigned char *at = (const unsigned char *)string_view_data(sv), *end = at + sv->length;
        _Alignas(16) unsigned char key[16], value[16];
        bool value_null = sv->length > 0 && at[0] != 0;
        const unsigned char *next = sv->length > 0 ? unpack(at + 1, end, d->key_physical, d->key_size, key) : NULL;
        if (next && !value_null)
            next = unpack(next, end, d->value_physical, d->value_size, value);
        if (!next || next != end)
            return aggregate_corrupt_state(f, error);
        if (!offer(d, states[r], key, value_null ? NULL : value))
            return aggregate_out_of_memory(error);
    }
    return true;
}

static bool by_finalize(const aggregate_function *f, const void *state, vector *out, uint32_t row,
                        shoal_error *error)
{
    (void)error;
    const by_data *d = data_of(f);
    const by_state *s = state;
    if (!s->has || s->value_null)
        return vector_set_null(out, row);
    vector_set_valid(out, row);
    if (d->value_physical == PHYSICAL_STRING) {
        string_view sv;
        memcpy(&sv, s->value.bytes, sizeof sv);
        return vector_add_string(out, string_view_data(&sv), sv.length, (string_view *)out->data + row);
    }
    memcpy((unsigned char *)out->data + (size_t)d->value_size * row, s->value.bytes, d->value_size);
    return true;
}

static void by_destroy(const aggregate_function *f, void *state)
{
    (void)f;
    by_state *s = state;
    free(s->key.owned);
    free(s->value.owned);
    memset(s, 0, sizeof *s);
}

const aggregate_function *aggregate_by_family(const resolved_function *r, shoal_error *error)
{
    const char *name = r->function->name;
    bool max = strcmp(name, "max_by") == 0;
    if (!max && strcmp(name, "min_by") != 0)
        return NULL;
    by_data d;
    memset(&d, 0, sizeof d);
    d.max = max;
    d.value_physical = type_physical(r->arg_types[0]);
    d.key_physical = type_physical(r->arg_types[1]);
    if (d.value_physical == PHYSICAL_LIST || d.value_physical == PHYSICAL_STRUCT ||
        d.key_physical == PHYSICAL_LIST || d.key_physical == PHYSICAL_STRUCT) {
        error_set(error, ERR_NOT_SUPPORTED, "%s of nested types is not supported yet", name);
        return NULL;
    }
    d.value_size = (uint32_t)type_value_size(r->arg_types[0]);
    d.key_size = (uint32_t)type_value_size(r->arg_types[1]);
    aggregate_function f = {
        .name = name,
        .state_size = sizeof(by_state),
        .return_type = r->return_type,
        .intermediate_type = r->intermediate_type,
        .init = by_init,
        .update = by_update,
        .combine = by_combine,
        .write_intermediate = by_write_intermediate,
        .merge_intermediate = by_merge_intermediate,
        .finalize = by_finalize,
        .destroy = by_destroy,
    };
    return aggregate_intern(&f, &d, sizeof d, error);
}
