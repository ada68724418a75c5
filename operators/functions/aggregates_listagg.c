/*
 * aggregates_listagg.c — listagg(x, separator, overflow_error, filler,
 * show_count) [WITHIN GROUP (ORDER BY k...)]: the non-NULL values of x
 * joined by the separator, in the order of the keys (the parser turns
 * Trino's ON OVERFLOW clause into the three trailing arguments; the
 * analyser appends the ORDER BY keys as arguments and their directions in
 * resolved_function.order_*).
 *
 * Output longer than 1048576 bytes fails with EXCEEDED_FUNCTION_MEMORY_LIMIT
 * ("Concatenated string has the length in bytes larger than the maximum
 * output length 1048576"), or with ON OVERFLOW TRUNCATE keeps the values
 * that fit whole, then separator, filler and optionally "(n)" for the
 * values left out — as Trino. NULL when no value.
 *
 * The state points to an entry buffer made on the group's first value:
 * each entry is [key length][value length][key][value] where the key is
 * the ORDER BY keys in a memcmp-ordered encoding (NULL marker byte; big-
 * endian sign-flipped integers; floats in op_sort_key's order, NaN largest;
 * strings with 0x00 escaped and a 0x00 0x00 terminator; DESC inverts the
 * bytes), so finalize sorts entries with one memcmp per comparison (stable
 * merge sort). The buffer grows by doubling (no per-row allocation). The
 * intermediate (varbinary) is the settings then the entries as stored.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "operators/functions/aggregate_families.h"
#include "operators/op_sort_key.h"

enum { MAX_OUTPUT_LENGTH = 1048576, MAX_FILLER_LENGTH = 65536, MAX_KEYS = 3 };

typedef struct listagg_data {
    int key_count;
    uint8_t descending, nulls_first;
    physical_type key_physical[MAX_KEYS];
    uint32_t key_size[MAX_KEYS];
} listagg_data;

typedef struct growable {
    unsigned char *bytes;
    size_t length, capacity;
} growable;

typedef struct listagg_entries {
    growable settings;  /* u32 separator length, separator, u8 error, u32 filler length, filler, u8 count */
    growable entries;
    uint64_t count;
} listagg_entries;

typedef struct listagg_state { listagg_entries *e; } listagg_state;

static const listagg_data *data_of(const aggregate_function *f) { return f->data; }

static bool grow(growable *g, size_t extra)
{
    if (g->length + extra <= g->capacity)
        return true;
    size_t capacity = g->capacity ? g->capacity : 256;
    while (capacity < g->length + extra)
        capacity *= 2;
    unsigned char *bytes = realloc(g->bytes, capacity);
    if (!bytes)
        return false;
    g->bytes = bytes;
    g->capacity = capacity;
    return true;
}

static bool put(growable *g, const void *data, size_t length)
{
    if (!grow(g, length))
        return false;
    if (length)
        memcpy(g->bytes + g->length, data, length);
    g->length += length;
    return true;
}

static bool put_u32(growable *g, uint32_t x) { return put(g, &x, 4); }

/* ---- key encoding ---- */

static void big_endian(unsigned char *out, uint64_t x, int bytes)
{
    for (int i = 0; i < bytes; i++)
        out[i] = (unsigned char)(x >> (8 * (bytes - 1 - i)));
}

/* Appends key value `bytes` of physical type p (NULL for SQL NULL). */
static bool encode_key(growable *g, physical_type p, const void *bytes, bool descending, bool nulls_first)
{
    size_t start = g->length;
    unsigned char head = bytes ? 1 : (nulls_first != descending ? 0 : 2); /* inverted below when DESC */
    if (!put(g, &head, 1))
        return false;
    if (bytes) {
        unsigned char buffer[16];
        int n = 0;
        switch (p) {
        case PHYSICAL_BOOL: buffer[0] = *(const uint8_t *)bytes != 0; n = 1; break;
        case PHYSICAL_INT8: buffer[0] = (unsigned char)(*(const int8_t *)bytes ^ 0x80); n = 1; break;
        case PHYSICAL_INT16: { int16_t x; memcpy(&x, bytes, 2); big_endian(buffer, (uint16_t)x ^ 0x8000u, 2); n = 2; break; }
        case PHYSICAL_INT32: { int32_t x; memcpy(&x, bytes, 4); big_endian(buffer, (uint32_t)x ^ 0x80000000u, 4); n = 4; break; }
        case PHYSICAL_INT64: { int64_t x; memcpy(&x, bytes, 8); big_endian(buffer, (uint64_t)x ^ (1ULL << 63), 8); n = 8; break; }
        case PHYSICAL_TIMESTAMP_TZ: {
            timestamp_tz t;
            memcpy(&t, bytes, sizeof t);
            big_endian(buffer, (uint64_t)t.micros_utc ^ (1ULL << 63), 8);
            n = 8;
            break;
        }
        case PHYSICAL_INT128: {
            __int128 x;
            memcpy(&x, bytes, 16);
            unsigned __int128 u = (unsigned __int128)x ^ ((unsigned __int128)1 << 127);
            big_endian(buffer, (uint64_t)(u >> 64), 8);
            big_endian(buffer + 8, (uint64_t)u, 8);
            n = 16;
            break;
        }
        case PHYSICAL_FLOAT: {
            float x;
            memcpy(&x, bytes, 4);
            big_endian(buffer, sort_float_bits(x), 4);
            n = 4;
            break;
        }
        case PHYSICAL_DOUBLE: {
            double x;
            memcpy(&x, bytes, 8);
            big_endian(buffer, sort_double_bits(x), 8);
            n = 8;
            break;
        }
        case PHYSICAL_STRING: {
            string_view s;
            memcpy(&s, bytes, sizeof s);
            const unsigned char *d = (const unsigned char *)string_view_data(&s);
            if (!grow(g, 2 * (size_t)s.length + 2))
                return false;
            for (uint32_t i = 0; i < s.length; i++) {
                g->bytes[g->length++] = d[i];
                if (d[i] == 0)
                    g->bytes[g->length++] = 0xFF;
            }
            g->bytes[g->length++] = 0;
            g->bytes[g->length++] = 0;
            break;
        }
        default: break;
        }
        if (n && !put(g, buffer, (size_t)n))
            return false;
    }
    if (descending)
        for (size_t i = start; i < g->length; i++)
            g->bytes[i] = (unsigned char)~g->bytes[i];
    return true;
}

/* ---- state ---- */

static void listagg_init(const aggregate_function *f, void *state)
{
    memset(state, 0, f->state_size);
}

static void entries_free(listagg_entries *e)
{
    if (e) {
        free(e->settings.bytes);
        free(e->entries.bytes);
        free(e);
    }
}

static bool set_up(listagg_state *s, const string_view *separator, bool error, const string_view *filler,
                   bool show_count, shoal_error *err)
{
    if (s->e && s->e->settings.length)
        return true;
    if (filler->length > MAX_FILLER_LENGTH)
        return error_set(err, ERR_INVALID_FUNCTION_ARGUMENT, "Overflow filler length %u exceeds maximum length %d",
                         filler->length, MAX_FILLER_LENGTH);
    if (!s->e && !(s->e = calloc(1, sizeof *s->e)))
        return aggregate_out_of_memory(err);
    growable *g = &s->e->settings;
    unsigned char e = error, c = show_count;
    bool ok = put_u32(g, separator->length) && put(g, string_view_data(separator), separator->length) &&
              put(g, &e, 1) && put_u32(g, filler->length) && put(g, string_view_data(filler), filler->length) &&
              put(g, &c, 1);
    return ok || aggregate_out_of_memory(err);
}

static bool listagg_update(const aggregate_function *f, void *const *states, uint32_t count,
                           const vector *const *args, shoal_error *error)
{
    const listagg_data *d = data_of(f);
    vector_view v[5 + MAX_KEYS];
    for (int k = 0; k < 5 + d->key_count; k++)
        v[k] = vector_view_of(args[k]);
    for (uint32_t r = 0; r < count; r++) {
        uint32_t i[5 + MAX_KEYS];
        for (int k = 0; k < 5 + d->key_count; k++)
            i[k] = vector_view_index(&v[k], r);
        if (!vector_view_valid(&v[0], i[0]) || !vector_view_valid(&v[1], i[1]) || !vector_view_valid(&v[2], i[2]) ||
            !vector_view_valid(&v[3], i[3]) || !vector_view_valid(&v[4], i[4]))
            continue;
        listagg_state *s = states[r];
        if (!set_up(s, (const string_view *)v[1].data + i[1], ((const uint8_t *)v[2].data)[i[2]] != 0,
                    (const string_view *)v[3].data + i[3], ((const uint8_t *)v[4].data)[i[4]] != 0, error))
            return false;
        growable *g = &s->e->entries;
        size_t start = g->length;
        const string_view *value = (const string_view *)v[0].data + i[0];
        if (!put_u32(g, 0) || !put_u32(g, value->length))
            return aggregate_out_of_memory(error);
        for (int k = 0; k < d->key_count; k++) {
            vector_view *kv = &v[5 + k];
            uint32_t at = i[5 + k];
            const void *bytes = vector_view_valid(kv, at)
                                    ? (const unsigned char *)kv->data + (size_t)d->key_size[k] * at
                                    : NULL;
            if (!encode_key(g, d->key_physical[k], bytes, d->descending >> k & 1, d->nulls_first >> k & 1))
                return aggregate_out_of_memory(error);
        }
        uint32_t key_length = (uint32_t)(g->length - start - 8);
        memcpy(g->bytes + start, &key_length, 4);
        if (!put(g, string_view_data(value), value->length))
            return aggregate_out_of_memory(error);
        s->e->count++;
    }
    return true;
}

/* Appends another state's settings (when this has none) and entries. */
static bool absorb(listagg_state *t, const unsigned char *settings, size_t settings_length,
                   const unsigned char *entries, size_t entries_length, uint64_t count, shoal_error *error)
{
    if (!t->e && !(t->e = calloc(1, sizeof *t->e)))
        return aggregate_out_of_memory(error);
    if (!t->e->settings.length && !put(&t->e->settings, settings, settings_length))
        return aggregate_out_of_memory(error);
    if (!put(&t->e->entries, entries, entries_length))
        return aggregate_out_of_memory(error);
    t->e->count += count;
    return true;
}

static bool listagg_combine(const aggregate_function *f, void *target, const void *source, shoal_error *error)
{
    (void)f;
    const listagg_state *s = source;
    if (!s->e || s->e->count == 0)
        return true;
    return absorb(target, s->e->settings.bytes, s->e->settings.length, s->e->entries.bytes, s->e->entries.length,
                  s->e->count, error);
}

/* intermediate: u64 count, u32 settings length, settings, entries */
static bool listagg_write_intermediate(const aggregate_function *f, const void *state, vector *out, uint32_t row)
{
    (void)f;
    const listagg_state *s = state;
    if (!s->e || s->e->count == 0)
        return vector_set_null(out, row);
    size_t length = 12 + s->e->settings.length + s->e->entries.length;
    if (length > UINT32_MAX)
        return false;
    growable g = {0};
    uint32_t settings_length = (uint32_t)s->e->settings.length;
    bool ok = put(&g, &s->e->count, 8) && put_u32(&g, settings_length) &&
              put(&g, s->e->settings.bytes, settings_length) && put(&g, s->e->entries.bytes, s->e->entries.length);
    ok = ok && aggregate_write_bytes(out, row, g.bytes, g.length);
    free(g.bytes);
    return ok;
}

static bool listagg_merge_intermediate(const aggregate_function *f, void *const *states, uint32_t count,
                                       const vector *intermediate, shoal_error *error)
{
    vector_view v = vector_view_of(intermediate);
    for (uint32_t r = 0; r < count; r++) {
        const string_view *sv = aggregate_intermediate_at(&v, r);
        if (!sv)
            continue;
        const unsigned char *bytes = (const unsigned char *)string_view_data(sv);
        uint64_t n;
        uint32_t settings_length;
        if (sv->length < 12)
            return aggregate_corrupt_state(f, error);
        memcpy(&n, bytes, 8);
        memcpy(&settings_length, bytes + 8, 4);
        if (settings_length > sv->length - 12)
            return aggregate_corrupt_state(f, error);
        if (!absorb(states[r], bytes + 12, settings_length, bytes + 12 + settings_length,
                    sv->length - 12 - settings_length, n, error))
            return false;
    }
    return true;
}

/* ---- finalize ---- */

typedef struct entry_ref { const unsigned char *key; uint32_t key_length, value_length; } entry_ref;

static int compare_refs(const entry_ref *a, const entry_ref *b)
{
    uint32_t n = a->key_length < b->key_length ? a->key_length : b->key_length;
    int c = memcmp(a->key, b->key, n);
    return c ? c : (a->key_length > b->key_length) - (a->key_length < b->key_length);
}

/* Stable bottom-up merge sort. */
static void sort_refs(entry_ref *refs, entry_ref *scratch, uint64_t n)
{
    for (uint64_t width = 1; width < n; width *= 2) {
        for (uint64_t lo = 0; lo < n; lo += 2 * width) {
            uint64_t mid = lo + width < n ? lo + width : n, hi = lo + 2 * width < n ? lo + 2 * width : n;
            uint64_t a = lo, b = mid, o = lo;
            while (a < mid && b < hi)
                scratch[o++] = compare_refs(&refs[b], &refs[a]) < 0 ? refs[b++] : refs[a++];
            while (a < mid)
                scratch[o++] = refs[a++];
            while (b < hi)
                scratch[o++] = refs[b++];
        }
        memcpy(refs, scratch, sizeof *refs * n);
    }
}

static bool write_output(const listagg_entries *e, const entry_ref *refs, growable *out, shoal_error *error)
{
    const unsigned char *s = e->settings.bytes;
    uint32_t separator_length, filler_length;
    memcpy(&separator_length, s, 4);
    const unsigned char *separator = s + 4;
    bool overflow_error = s[4 + separator_length] != 0;
    memcpy(&filler_length, s + 5 + separator_length, 4);
    const unsigned char *filler = s + 9 + separator_length;
    bool show_count = s[9 + separator_length + filler_length] != 0;
    for (uint64_t k = 0; k < e->count; k++) {
        size_t needed = refs[k].value_length + (k > 0 ? separator_length : 0);
        if (out->length + needed > MAX_OUTPUT_LENGTH) {
            if (overflow_error)
                return error_set(error, ERR_EXCEEDED_FUNCTION_MEMORY_LIMIT,
                                 "Concatenated string has the length in bytes larger than the maximum output length %d",
                                 MAX_OUTPUT_LENGTH);
            char left[32];
            int left_length = snprintf(left, sizeof left, "(%llu)", (unsigned long long)(e->count - k));
            bool ok = (k == 0 || put(out, separator, separator_length)) && put(out, filler, filler_length) &&
                      (!show_count || put(out, left, (size_t)left_length));
            return ok || aggregate_out_of_memory(error);
        }
        if ((k > 0 && !put(out, separator, separator_length)) ||
            !put(out, refs[k].key + refs[k].key_length, refs[k].value_length))
            return aggregate_out_of_memory(error);
    }
    return true;
}

static bool listagg_finalize(const aggregate_function *f, const void *state, vector *out, uint32_t row,
                             shoal_error *error)
{
    const listagg_state *s = state;
    const listagg_entries *e = s->e;
    if (!e || e->count == 0)
        return vector_set_null(out, row);
    entry_ref *refs = malloc(sizeof *refs * e->count * 2);
    if (!refs)
        return aggregate_out_of_memory(error);
    const unsigned char *at = e->entries.bytes;
    for (uint64_t k = 0; k < e->count; k++) {
        memcpy(&refs[k].key_length, at, 4);
        memcpy(&refs[k].value_length, at + 4, 4);
        refs[k].key = at + 8;
        at += 8 + refs[k].key_length + refs[k].value_length;
    }
    if (data_of(f)->key_count > 0)
        sort_refs(refs, refs + e->count, e->count);
    growable text = {0};
    bool ok = write_output(e, refs, &text, error);
    free(refs);
    ok = ok && (aggregate_write_bytes(out, row, text.bytes, text.length) || aggregate_out_of_memory(error));
    free(text.bytes);
    return ok;
}

static void listagg_destroy(const aggregate_function *f, void *state)
{
    (void)f;
    listagg_state *s = state;
    entries_free(s->e);
    s->e = NULL;
}

const aggregate_function *aggregate_listagg_family(const resolved_function *r, shoal_error *error)
{
    if (strcmp(r->function->name, "listagg") != 0)
        return NULL;
    listagg_data d;
    memset(&d, 0, sizeof d);
    d.key_count = r->order_count;
    if (d.key_count > MAX_KEYS || r->arg_count != 5 + d.key_count) {
        error_set(error, ERR_NOT_SUPPORTED, "listagg supports at most %d ORDER BY keys", MAX_KEYS);
        return NULL;
    }
    d.descending = r->order_descending;
    d.nulls_first = r->order_nulls_first;
    for (int k = 0; k < d.key_count; k++) {
        d.key_physical[k] = type_physical(r->arg_types[5 + k]);
        d.key_size[k] = (uint32_t)type_value_size(r->arg_types[5 + k]);
        if (d.key_physical[k] == PHYSICAL_LIST || d.key_physical[k] == PHYSICAL_STRUCT) {
            error_set(error, ERR_NOT_SUPPORTED, "listagg ordered by nested types is not supported yet");
            return NULL;
        }
    }
    aggregate_function f = {
        .name = r->function->name,
        .state_size = sizeof(listagg_state),
        .return_type = r->return_type,
        .intermediate_type = r->intermediate_type,
        .init = listagg_init,
        .update = listagg_update,
        .combine = listagg_combine,
        .write_intermediate = listagg_write_intermediate,
        .merge_intermediate = listagg_merge_intermediate,
        .finalize = listagg_finalize,
        .destroy = listagg_destroy,
    };
    return aggregate_intern(&f, &d, sizeof d, error);
}
