/*
 * aggregate_families.h — how aggregates.c finds the aggregate families kept
 * in their own files, and the one place their implementation objects are
 * interned (made once per distinct name/types/data, kept for the process).
 *
 * Each family's *_for returns NULL without setting an error when the name is
 * not one of its own, so aggregate_function_for can ask them in turn.
 *
 * Also the small pieces every family's varbinary intermediate uses: write a
 * row's bytes, read them back, and the two errors a merge can give.
 */
#ifndef SHOAL_OPERATORS_AGGREGATE_FAMILIES_H
#define SHOAL_OPERATORS_AGGREGATE_FAMILIES_H

#include <stddef.h>
#include <string.h>

#include "operators/aggregate_function.h"

/* A process-lifetime copy of `function` whose `data` points at a copy of
 * `data` (`data_size` bytes, padding zeroed by the caller). Requests equal
 * in name, return and intermediate types and data bytes get the same
 * object. NULL with an error on out of memory. */
const aggregate_function *aggregate_intern(const aggregate_function *function, const void *data,
                                           size_t data_size, shoal_error *error);

/* Row `row` of the varbinary `out` := a copy of `length` bytes; false on
 * out of memory. */
static inline bool aggregate_write_bytes(vector *out, uint32_t row, const void *bytes, size_t length)
{
    vector_set_valid(out, row);
    return vector_add_string(out, bytes, (uint32_t)length, (string_view *)out->data + row);
}

/* The bytes of row r of an intermediate (varbinary) view; NULL for SQL NULL. */
static inline const string_view *aggregate_intermediate_at(const vector_view *v, uint32_t r)
{
    uint32_t i = vector_view_index(v, r);
    return vector_view_valid(v, i) ? (const string_view *)v->data + i : NULL;
}

/* The errors of the families (both return false). */
static inline bool aggregate_out_of_memory(shoal_error *error)
{
    return error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
}

static inline bool aggregate_corrupt_state(const aggregate_function *f, shoal_error *error)
{
    return error_set(error, ERR_GENERIC_INTERNAL_ERROR, "Corrupt intermediate state for %s", f->name);
}

/* For a state that is its own intermediate (`size` plain bytes): copies
 * intermediate `s` into `state`; a corrupt-state error when the length is
 * not `size`. */
static inline bool aggregate_unpack_state(const aggregate_function *f, const string_view *s, size_t size, void *state,
                                          shoal_error *error)
{
    if (s->length != size)
        return aggregate_corrupt_state(f, error);
    memcpy(state, string_view_data(s), size);
    return true;
}

/* approx_distinct, geometric_mean, checksum, bitwise_and_agg/or_agg */
const aggregate_function *aggregate_extra_family(const resolved_function *resolved, shoal_error *error);
/* corr, covar_samp/pop, regr_slope/intercept, skewness, kurtosis */
const aggregate_function *aggregate_statistics_family(const resolved_function *resolved, shoal_error *error);
/* min_by, max_by */
const aggregate_function *aggregate_by_family(const resolved_function *resolved, shoal_error *error);
/* approx_percentile */
const aggregate_function *aggregate_percentile_family(const resolved_function *resolved, shoal_error *error);
/* array_agg, map_agg (aggregates_array.c) */
const aggregate_function *aggregate_array_family(const resolved_function *resolved, shoal_error *error);
/* listagg */
const aggregate_function *aggregate_listagg_family(const resolved_function *resolved, shoal_error *error);

#endif
