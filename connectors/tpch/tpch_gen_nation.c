/*
 * tpch_gen_nation.c — nation and region: fixed names from dists.dss (a
 * nation's region is its cumulative weight there) and a comment from the text
 * pool (dbgen TEXT with average length 72).
 */
#include "connectors/tpch/tpch_internal.h"

int32_t tpch_gen_nation(tpch_cursor *c, tpch_batch *b) {
  const tpch_dist *nations = &tpch_dists[TPCH_D_NATIONS];
  const tpch_len_range len = tpch_len_range_of(72);
  int32_t n = 0;
  for (; n < b->capacity && c->next < c->end; n++) {
    int64_t k = c->next;
    int64_t seed = c->row_seed[TPCH_S_N_CMNT];
    TPCH_PUT_I64(b, 0, n, k);
    TPCH_PUT_STR(b, 1, n, tpch_dist_str(nations, (int)k));
    TPCH_PUT_I64(b, 2, n, nations->weight[k]);
    TPCH_PUT_STR(b, 3, n, tpch_text(&seed, len.min, len.max));
    tpch_cursor_step(c);
    c->next++;
  }
  return n;
}

int32_t tpch_gen_region(tpch_cursor *c, tpch_batch *b) {
  const tpch_dist *regions = &tpch_dists[TPCH_D_REGIONS];
  const tpch_len_range len = tpch_len_range_of(72);
  int32_t n = 0;
  for (; n < b->capacity && c->next < c->end; n++) {
    int64_t k = c->next;
    int64_t seed = c->row_seed[TPCH_S_R_CMNT];
    TPCH_PUT_I64(b, 0, n, k);
    TPCH_PUT_STR(b, 1, n, tpch_dist_str(regions, (int)k));
    TPCH_PUT_STR(b, 2, n, tpch_text(&seed, len.min, len.max));
    tpch_cursor_step(c);
    c->next++;
  }
  return n;
}
