/*
 * aggregates_extra.h — the aggregates in aggregates_extra.c, reached from
 * aggregate_function_for when aggregates.c does not know the name; the HLL
 * pieces are shared with the benchmark.
 */
#ifndef SHOAL_OPERATORS_AGGREGATES_EXTRA_H
#define SHOAL_OPERATORS_AGGREGATES_EXTRA_H

#include <stdint.h>

#include "connectors/spi/vector.h"
#include "operators/aggregate_function.h"

const aggregate_function *aggregate_extra_for(const resolved_function *resolved, shoal_error *error);
/* The 64-bit hash approx_distinct/checksum use for value i of a view. */
uint64_t aggregate_hash_value(const vector_view *v, physical_type p, uint32_t i);
/* HyperLogLog estimate from `count` one-byte registers. */
int64_t aggregate_hll_estimate(const uint8_t *registers, int count);

#endif
