/*
 * aggregate_families.h — how aggregates.c finds the aggregate families kept
 * in their own files, and the one place their implementation objects are
 * interned (made once per distinct name/types/data, kept for the process).
 *
 * Each family's *_for returns NULL without setting an error when the name is
 * not one of its own, so aggregate_function_for can ask them in turn.
 */
#ifndef SHOAL_OPERATORS_AGGREGATE_FAMILIES_H
#define SHOAL_OPERATORS_AGGREGATE_FAMILIES_H

#include <stddef.h>

#include "operators/aggregate_function.h"

/* A process-lifetime copy of `function` whose `data` points at a copy of
 * `data` (`data_size` bytes, padding zeroed by the caller). Requests equal
 * in name, return and intermediate types and data bytes get the same
 * object. NULL with an error on out of memory. */
const aggregate_function *aggregate_intern(const aggregate_function *function, const void *data,
                                           size_t data_size, shoal_error *error);

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
