/*
 * test_tpch_random.c — the random number streams: the Park & Miller
 * generator's known values, skip-ahead equal to stepping, per-row stream
 * positions, and dbgen's UnifInt rounding.
 */
#include "connectors/tpch/tpch_internal.h"

#include <criterion/criterion.h>

Test(tpch_random, minimal_standard_known_values) {
  /* Park & Miller (CACM 1988): from seed 1, x_1 = 16807 and x_10000 = 1043618065. */
  int64_t x = 1;
  x = tpch_rng_next(x);
  cr_assert_eq(x, 16807);
  for (int i = 1; i < 10000; i++) x = tpch_rng_next(x);
  cr_assert_eq(x, 1043618065);
  cr_assert_eq(tpch_rng_skip(1, 10000), 1043618065);
}

Test(tpch_random, skip_ahead_equals_stepping) {
  const int64_t seeds[] = {1, 933588178, 2147483646, 709314158};
  for (size_t s = 0; s < 4; s++) {
    int64_t x = seeds[s];
    for (int64_t n = 0; n <= 3000; n++) {
      cr_assert_eq(tpch_rng_skip(seeds[s], n), x, "seed %lld n %lld", (long long)seeds[s],
                   (long long)n);
      x = tpch_rng_next(x);
    }
  }
  cr_assert_eq(tpch_rng_power(0), 1);
  /* The multiplier's order is 2^31-2: a full period returns to the start. */
  cr_assert_eq(tpch_rng_power(2147483646LL), 1);
  /* Skips compose. */
  int64_t a = tpch_rng_skip(tpch_rng_skip(12345, 1000000007LL), 999999999999LL);
  cr_assert_eq(a, tpch_rng_skip(12345, 1000000007LL + 999999999999LL));
}

Test(tpch_random, mulmod_matches_plain_modulo) {
  int64_t a = 1, b = 7;
  for (int i = 0; i < 100000; i++) {
    a = (a * 48271) % TPCH_RNG_MODULUS;
    b = (b * 69621) % TPCH_RNG_MODULUS;
    cr_assert_eq(tpch_rng_mulmod(a, b), (int64_t)(((__int128)a * b) % TPCH_RNG_MODULUS));
  }
  cr_assert_eq(tpch_rng_mulmod(TPCH_RNG_MODULUS - 1, TPCH_RNG_MODULUS - 1), 1);
}

Test(tpch_random, stream_row_positions) {
  /* Row r of a table starts its stream (r-1)*boundary steps in. */
  for (int s = 0; s < TPCH_STREAM_COUNT; s++) {
    const tpch_stream_def *d = &tpch_stream_defs[s];
    cr_assert_eq(tpch_stream_at_row(s, 1), d->seed);
    int64_t x = d->seed;
    for (int i = 0; i < 5 * d->boundary; i++) x = tpch_rng_next(x);
    cr_assert_eq(tpch_stream_at_row(s, 6), x);
  }
}

Test(tpch_random, uniform_is_dbgen_unifint) {
  int64_t seed = 1;
  /* x = 16807: 16807 / (2^31-1) * 50 = 0.000391..., truncated: 0, so lo. */
  cr_assert_eq(tpch_rng_uniform(&seed, 1, 50), 1);
  cr_assert_eq(seed, 16807);
  for (int i = 0; i < 100000; i++) {
    int64_t v = tpch_rng_uniform(&seed, -99999, 999999);
    cr_assert(v >= -99999 && v <= 999999);
  }
  /* The wrapped range of a_rnd gives values <= 0. */
  for (int i = 0; i < 1000; i++) cr_assert_leq(tpch_rng_uniform_wrapped(&seed), 0);
  tpch_len_range r = tpch_len_range_of(73);
  cr_assert_eq(r.min, 29);
  cr_assert_eq(r.max, 116);
  r = tpch_len_range_of(14);
  cr_assert_eq(r.min, 5);
  cr_assert_eq(r.max, 22);
}
