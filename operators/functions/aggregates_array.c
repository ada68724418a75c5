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
 * the result type itself: array(T) or map(K,V).
 */
#include <stdlib.h>
#include <string.h>

#include "operators/expr_internal.h"
#include "operators/functions/aggregate_families.h"

typedef struct collector {
    vector values[2];     /* array_agg: values[0]; map_agg: keys, values */
    uint32_t count;
} collector;

typedef struct collect_data {
    bool map;
    sql_type types[2];
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
    for (int i = 0; i < (data_of(f)->map ? 2 : 1); i++)
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
    for (int i = 0; ok && i < (d->map ? 2 : 1); i++)
        ok = vector_init_flat(&c->values[i], d->types[i], 8);
    if (!ok) {
        vector_destroy(&c->values[0]);
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
    int sides = d->map ? 2 : 1;
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
            return error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
    return true;
}

static bool collect_combine(const aggregate_function *f, void *target, const void *source, shoal_error *error)
{
    const collector *from = ((const collect_state *)source)->c;
    if (!from)
        return true;
    const vector *inputs[2] = {&from->values[0], &from->values[1]};
    for (uint32_t i = 0; i < from->count; i++)
        if (!append(f, target, inputs, i))
            return error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
    if (from->count == 0 && !collector_of(f, target))
        return error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
    return true;
}

/* The collected values as one array/map value in row `row` of `out`. */
static bool write_value(const aggregate_function *f, const void *state, vector *out, uint32_t row)
{
    const collector *c = ((const collect_state *)state)->c;
    if (!c)
        return vector_set_null(out, row);
    vector_set_valid(out, row);
    if (!vector_list_reserve(out, c->count))
        return false;
    for (int i = 0; i < (data_of(f)->map ? 2 : 1); i++)
        if (!vector_copy_values(out->children[i], NULL, out->child_size, &c->values[i], NULL, 0, c->count))
            return false;
    ((list_entry *)out->data)[row] = (list_entry){out->child_size, c->count};
    out->child_size += c->count;
    return true;
}

static bool collect_write_intermediate(const aggregate_function *f, const void *state, vector *out, uint32_t row)
{
    return write_value(f, state, out, row);
}

static bool collect_finalize(const aggregate_function *f, const void *state, vector *out, uint32_t row,
                             shoal_error *error)
{
    return write_value(f, state, out, row) || error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
}

static bool collect_merge_intermediate(const aggregate_function *f, void *const *states, uint32_t count,
                                       const vector *intermediate, shoal_error *error)
{
    vector_view view = vector_view_of(intermediate);
    const vector *base = vector_base(intermediate);
    const vector *inputs[2] = {base->children[0], base->child_count > 1 ? base->children[1] : NULL};
    for (uint32_t i = 0; i < count; i++) {
        uint32_t at = vector_view_index(&view, i);
        if (!vector_view_valid(&view, at))
            continue;
        list_entry e = ((const list_entry *)view.data)[at];
        if (!collector_of(f, states[i]))
            return error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
        for (uint32_t k = 0; k < e.length; k++)
            if (!append(f, states[i], inputs, e.offset + k))
                return error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
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
    d.types[0] = r->arg_types[0];
    d.types[1] = map ? r->arg_types[1] : type_make(TYPE_UNKNOWN);
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
