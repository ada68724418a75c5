/*
 * aggregates_array.c — array_agg(x) and map_agg(k, v).
 *
 * The state points at a collector: flat vectors of the element (array_agg)
 * or key and value (map_agg) type that grow by doubling, so appending is
 * amortised O(1) with no allocation per row; strings are copied into the
 * collector's own blocks, so input pages can go. array_agg keeps NULL
 * elements (as Trino does) and is NULL over no rows; map_agg skips NULL
 * keys and keeps the first value of a repeated key (a linear look-up per
 * new key: fine for the small maps map_agg is used for). The intermediate is
 * the result type itself: array(T) or map(K,V); array_agg(x ORDER BY k...)
 * also collects its keys, travels as array(row(x, k...)) and sorts (stable,
 * Trino's NULL placement per key) when it finishes.
 */
#include <stdlib.h>
#include <string.h>

#include "operators/expr_internal.h"
#include "operators/functions/aggregate_families.h"
#include "operators/op_sort_key.h"

enum { MAX_SORT_KEYS = 7, MAX_SIDES = 1 + MAX_SORT_KEYS };

typedef struct collector {
    vector values[MAX_SIDES]; /* array_agg: value [, sort keys]; map_agg: keys, values */
    uint32_t count;
} collector;

typedef struct collect_data {
    bool map;
    int sides;                /* vectors per collector */
    int order_count;
    uint8_t descending, nulls_first;
    sql_type types[MAX_SIDES];
} collect_data;

typedef struct collect_state {
    collector *c;
} collect_state;

static const collect_data *data_of(const aggregate_function *f) { return f->data; }

static void collect_init(const aggregate_function *f, void *state)
{
    (void)f;
    ((collect_state *)state)->c = NULL;
}

static void collect_destroy(const aggregate_function *f, void *state)
{
    collector *c = ((collect_state *)state)->c;
    if (!c)
        return;
    for (int i = 0; i < data_of(f)->sides; i++)
        vector_destroy(&c->values[i]);
    free(c);
    ((collect_state *)state)->c = NULL;
}

static collector *collector_of(const aggregate_function *f, void *state)
{
    collect_state *s = state;
    if (s->c)
        return s->c;
    const collect_data *d = data_of(f);
    collector *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    bool ok = true;
    for (int i = 0; ok && i < d->sides; i++)
        ok = vector_init_flat(&c->values[i], d->types[i], 8);
    if (!ok) {
        for (int i = 0; i < d->sides; i++)
            vector_destroy(&c->values[i]);
        free(c);
        return NULL;
    }
    s->c = c;
    return c;
}

static bool reserve(collector *c, int sides, uint32_t extra)
{
    for (int i = 0; i < sides; i++)
        if (!vector_reserve(&c->values[i], c->count + extra))
            return false;
    return true;
}

/* Is the key at `row` of `keys` already in the collector? */
static bool has_key(const collect_data *d, const collector *c, const vector *keys, uint32_t row)
{
    vector_view have = vector_view_of(&c->values[0]), want = vector_view_of(keys);
    for (uint32_t i = 0; i < c->count; i++)
        if (compare_values(d->types[0], &have, i, &want, row) == 0)
            return true;
    return false;
}

/* Appends row `row` of the inputs (element, or key and value). */
static bool append(const aggregate_function *f, void *state, const vector *const *inputs, uint32_t row)
{
    const collect_data *d = data_of(f);
    if (d->map && (vector_is_null(inputs[0], row)))
        return true;
    collector *c = collector_of(f, state);
    if (!c)
        return false;
    if (d->map && has_key(d, c, inputs[0], row))
        return true;
    int sides = d->sides;
    if (!reserve(c, sides, 1))
        return false;
    for (int i = 0; i < sides; i++)
        if (!vector_copy_row(&c->values[i], c->count, inputs[i], row))
            return false;
    c->count++;
    return true;
}

static bool collect_update(const aggregate_function *f, void *const *states, uint32_t count,
                           const vector *const *args, shoal_error *error)
{
    for (uint32_t i = 0; i < count; i++)
        if (!append(f, states[i], args, i))
            return aggregate_out_of_memory(error);
    return true;
}

static bool collect_combine(const aggregate_function *f, void *target, const void *source, shoal_error *error)
{
    const collector *from = ((const collect_state *)source)->c;
    if (!from)
        return true;
    const vector *inputs[MAX_SIDES];
    for (int i = 0; i < data_of(f)->sides; i++)
        inputs[i] = &from->values[i];
    for (uint32_t i = 0; i < from->count; i++)
        if (!append(f, target, inputs, i))
            return aggregate_out_of_memory(error);
    if (from->count == 0 && !collector_of(f, target))
        return aggregate_out_of_memory(error);
    return true;
}

/* Elements a and b of one key column in ORDER BY's order: floating keys
 * as op_sort_key orders them (NaN largest), others as compare_values. */
static int compare_key(sql_type type, const vector_view *v, uint32_t a, uint32_t b)
{
    switch (type_physical(type)) {
    case PHYSICAL_DOUBLE: {
        uint64_t x = sort_double_bits(VIEW_AT(double, *v, a)), y = sort_double_bits(VIEW_AT(double, *v, b));
        return x < y ? -1 : x > y;
    }
    case PHYSICAL_FLOAT: {
        uint32_t x = sort_float_bits(VIEW_AT(float, *v, a)), y = sort_float_bits(VIEW_AT(float, *v, b));
        return x < y ? -1 : x > y;
    }
    default: return compare_values(type, v, a, v, b);
    }
}

/* Orders element a before b by the sort keys (ties keep the arrival order). */
static int compare_keyed(const collect_data *d, const collector *c, uint32_t a, uint32_t b)
{
    for (int k = 0; k < d->order_count; k++) {
        const vector *key = &c->values[1 + k];
        bool null_a = vector_is_null(key, a), null_b = vector_is_null(key, b);
        bool descending = d->descending >> k & 1, nulls_first = d->nulls_first >> k & 1;
        int r;
        if (null_a || null_b) {
            if (null_a && null_b)
                continue;
            r = null_a == nulls_first ? -1 : 1;
            return r;
        }
        vector_view v = vector_view_of(key);
        r = compare_key(d->types[1 + k], &v, a, b);
        if (r)
            return descending ? -r : r;
    }
    return a < b ? -1 : a > b;
}

/* Stable merge sort of element indexes by the keys. */
static void sort_indexes(const collect_data *d, const collector *c, uint32_t *items, uint32_t *scratch, uint32_t n)
{
    if (n < 2)
        return;
    uint32_t half = n / 2;
    sort_indexes(d, c, items, scratch, half);
    sort_indexes(d, c, items + half, scratch, n - half);
    uint32_t i = 0, j = half, k = 0;
    while (i < half && j < n)
        scratch[k++] = compare_keyed(d, c, items[j], items[i]) < 0 ? items[j++] : items[i++];
    while (i < half)
        scratch[k++] = items[i++];
    while (j < n)
        scratch[k++] = items[j++];
    memcpy(items, scratch, sizeof(uint32_t) * n);
}

/* The collected values as one array/map value in row `row` of `out`. The
 * intermediate of an ordered array_agg is array(row(value, keys...)). */
static bool write_value(const aggregate_function *f, const void *state, vector *out, uint32_t row, bool final)
{
    const collect_data *d = data_of(f);
    const collector *c = ((const collect_state *)state)->c;
    if (!c)
        return vector_set_null(out, row);
    vector_set_valid(out, row);
    if (!vector_list_reserve(out, c->count))
        return false;
    bool ok = true;
    if (d->order_count > 0 && !final) {
        vector *rows = out->children[0];
        if (!vector_reserve(rows, out->child_size + c->count))
            return false;
        for (int i = 0; ok && i < d->sides; i++)
            ok = vector_copy_values(rows->children[i], NULL, out->child_size, &c->values[i], NULL, 0, c->count);
        for (uint32_t i = 0; ok && i < c->count; i++)
            vector_set_valid(rows, out->child_size + i);
    } else if (d->order_count > 0) {
        uint32_t *items = malloc(sizeof(uint32_t) * (c->count ? c->count : 1));
        uint32_t *scratch = malloc(sizeof(uint32_t) * (c->count ? c->count : 1));
        ok = items && scratch;
        for (uint32_t i = 0; ok && i < c->count; i++)
            items[i] = i;
        if (ok)
            sort_indexes(d, c, items, scratch, c->count);
        ok = ok && vector_copy_values(out->children[0], NULL, out->child_size, &c->values[0], items, 0, c->count);
        free(items);
        free(scratch);
    } else {
        for (int i = 0; ok && i < (d->map ? 2 : 1); i++)
            ok = vector_copy_values(out->children[i], NULL, out->child_size, &c->values[i], NULL, 0, c->count);
    }
    if (!ok)
        return false;
    ((list_entry *)out->data)[row] = (list_entry){out->child_size, c->count};
    out->child_size += c->count;
    return true;
}

static bool collect_write_intermediate(const aggregate_function *f, const void *state, vector *out, uint32_t row)
{
    return write_value(f, state, out, row, false);
}

static bool collect_finalize(const aggregate_function *f, const void *state, vector *out, uint32_t row,
                             shoal_error *error)
{
    return write_value(f, state, out, row, true) ||
           aggregate_out_of_memory(error);
}

static bool collect_merge_intermediate(const aggregate_function *f, void *const *states, uint32_t count,
                                       const vector *intermediate, shoal_error *error)
{
    const collect_data *d = data_of(f);
    vector_view view = vector_view_of(intermediate);
    const vector *base = vector_base(intermediate);
    const vector *inputs[MAX_SIDES];
    for (int i = 0; i < d->sides; i++)
        inputs[i] = d->order_count > 0 ? vector_base(base->children[0])->children[i] : base->children[i];
    for (uint32_t i = 0; i < count; i++) {
        uint32_t at = vector_view_index(&view, i);
        if (!vector_view_valid(&view, at))
            continue;
        list_entry e = ((const list_entry *)view.data)[at];
        if (!collector_of(f, states[i]))
            return aggregate_out_of_memory(error);
        for (uint32_t k = 0; k < e.length; k++)
            if (!append(f, states[i], inputs, e.offset + k))
                return aggregate_out_of_memory(error);
    }
    return true;
}

const aggregate_function *aggregate_array_family(const resolved_function *r, shoal_error *error)
{
    const char *name = r->function->name;
    bool map = strcmp(name, "map_agg") == 0;
    if (!map && strcmp(name, "array_agg") != 0)
        return NULL;
    collect_data d;
    memset(&d, 0, sizeof d);
    d.map = map;
    d.order_count = map ? 0 : r->order_count;
    if (d.order_count > MAX_SORT_KEYS || r->arg_count != (map ? 2 : 1) + d.order_count) {
        error_set(error, ERR_NOT_SUPPORTED, "%s: unsupported arguments", name);
        return NULL;
    }
    d.sides = map ? 2 : 1 + d.order_count;
    d.descending = r->order_descending;
    d.nulls_first = r->order_nulls_first;
    for (int i = 0; i < d.sides; i++)
        d.types[i] = r->arg_types[i];
    physical_type key = type_physical(d.types[0]);
    if (map && (key == PHYSICAL_LIST || key == PHYSICAL_STRUCT)) {
        error_set(error, ERR_NOT_SUPPORTED, "map_agg with keys of nested types is not supported yet");
        return NULL;
    }
    aggregate_function f = {
        .name = name,
        .state_size = sizeof(collect_state),
        .return_type = r->return_type,
        .intermediate_type = r->intermediate_type,
        .init = collect_init,
        .update = collect_update,
        .combine = collect_combine,
        .write_intermediate = collect_write_intermediate,
        .merge_intermediate = collect_merge_intermediate,
        .finalize = collect_finalize,
        .destroy = collect_destroy,
    };
    return aggregate_intern(&f, &d, sizeof d, error);
}
