/*
 * tpch_gen_customer.c — customer rows (dbgen mk_cust): name "Customer#" and
 * the key in 9 digits, a random address of 10..40 characters, a nation in
 * 0..24, a phone whose country code is 10 + nation, a balance of -999.99 ..
 * 9999.99, a market segment, and a comment (TEXT average 73).
 */
#include "connectors/tpch/tpch_internal.h"

int32_t tpch_gen_customer(tpch_cursor *c, tpch_batch *b) {
  const tpch_len_range addr = tpch_len_range_of(25);
  const tpch_len_range cmnt = tpch_len_range_of(73);
  const tpch_dist *segments = &tpch_dists[TPCH_D_MSEGMNT];
  int32_t n = 0;
  for (; n < b->capacity && c->next < c->end; n++) {
    int64_t key = c->next + 1;
    int64_t *rs = c->row_seed;
    TPCH_PUT_I64(b, 0, n, key);
    if (b->columns[1]) TPCH_PUT_STR(b, 1, n, tpch_tagged_key(c, "Customer#", 9, key, 9));
    if (b->columns[2]) {
      int64_t seed = rs[TPCH_S_C_ADDR];
      char *p = tpch_arena_take(c, 40);
      int32_t len = tpch_random_string(&seed, addr.min, addr.max, p);
      c->arena_used -= (size_t)(40 - len);
      TPCH_PUT_STR(b, 2, n, ((tpch_str){p, len}));
    }
    int64_t seed = rs[TPCH_S_C_NTRG];
    int64_t nation = tpch_rng_uniform(&seed, 0, tpch_dists[TPCH_D_NATIONS].count - 1);
    TPCH_PUT_I64(b, 3, n, nation);
    if (b->columns[4]) {
      seed = rs[TPCH_S_C_PHNE];
      char *p = tpch_arena_take(c, 15);
      tpch_phone(&seed, nation, p);
      TPCH_PUT_STR(b, 4, n, ((tpch_str){p, 15}));
    }
    seed = rs[TPCH_S_C_ABAL];
    TPCH_PUT_I64(b, 5, n, tpch_rng_uniform(&seed, -99999, 999999));
    seed = rs[TPCH_S_C_MSEG];
    TPCH_PUT_STR(b, 6, n, tpch_dist_str(segments, tpch_pick(segments, &seed)));
    seed = rs[TPCH_S_C_CMNT];
    TPCH_PUT_STR(b, 7, n, tpch_text(&seed, cmnt.min, cmnt.max));
    tpch_cursor_step(c);
    c->next++;
  }
  return n;
}
