/*
 * aggregates_extra.h — the hashing and HyperLogLog pieces of
 * aggregates_extra.c, shared with the benchmark (the family itself is
 * reached through aggregate_families.h).
 */
#ifndef SHOAL_OPERATORS_AGGREGATES_EXTRA_H
#define SHOAL_OPERATORS_AGGREGATES_EXTRA_H

#include <stdint.h>

#include "connectors/spi/vector.h"
#include "operators/aggregate_function.h"

/* The 64-bit hash approx_distinct/checksum use for value i of a view. */
uint64_t aggregate_hash_value(const vector_view *v, physical_type p, uint32_t i);
/* HyperLogLog estimate from `count` one-byte registers. */
int64_t aggregate_hll_estimate(const uint8_t *registers, int count);

#endif
