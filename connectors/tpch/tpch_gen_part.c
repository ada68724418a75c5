/*
 * tpch_gen_part.c — part and partsupp rows (dbgen mk_part).
 *
 * part: the name is the first five of a random permutation of the 92 colors
 * (dbgen permutes all 92; swaps past position 4 never touch the first five,
 * so only five are made); manufacturer 1..5; brand manufacturer*10 + 1..5;
 * type, size 1..50, container; the retail price formula; a comment (TEXT 14).
 * partsupp: each part has 4 suppliers spread over the supplier keys
 * (PART_SUPP_BRIDGE), an available quantity 1..9999, a cost 1.00..1000.00 and
 * a comment (TEXT 124). Each of them uses exactly one quarter of its part's
 * draws, so a partsupp row is a unit of its own.
 */
#include "connectors/tpch/tpch_internal.h"

static const char *const manufacturers[5] = {
  "Manufacturer#1", "Manufacturer#2", "Manufacturer#3", "Manufacturer#4", "Manufacturer#5"};

static tpch_str part_name(tpch_cursor *c, int64_t seed) {
  const tpch_dist *colors = &tpch_dists[TPCH_D_COLORS];
  uint8_t *perm = c->perm;
  int64_t touched[5];
  for (int i = 0; i < 5; i++) {
    int64_t j = tpch_rng_uniform(&seed, i, colors->count - 1);
    uint8_t t = perm[j];
    perm[j] = perm[i];
    perm[i] = t;
    touched[i] = j;
  }
  char *p = tpch_arena_take(c, 0);
  size_t len = 0;
  for (int i = 0; i < 5; i++) {
    int k = perm[i];
    memcpy(p + len, colors->text[k], (size_t)colors->len[k]);
    len += (size_t)colors->len[k];
    p[len++] = ' ';
  }
  len--;
  c->arena_used += len;
  for (int i = 0; i < 5; i++) {   /* back to the identity for the next row */
    perm[i] = (uint8_t)i;
    perm[touched[i]] = (uint8_t)touched[i];
  }
  return (tpch_str){p, (int32_t)len};
}

static const char *const brands[25] = {
  "Brand#11", "Brand#12", "Brand#13", "Brand#14", "Brand#15",
  "Brand#21", "Brand#22", "Brand#23", "Brand#24", "Brand#25",
  "Brand#31", "Brand#32", "Brand#33", "Brand#34", "Brand#35",
  "Brand#41", "Brand#42", "Brand#43", "Brand#44", "Brand#45",
  "Brand#51", "Brand#52", "Brand#53", "Brand#54", "Brand#55"};

int32_t tpch_gen_part(tpch_cursor *c, tpch_batch *b) {
  const tpch_len_range cmnt = tpch_len_range_of(14);
  const tpch_dist *types = &tpch_dists[TPCH_D_P_TYPES];
  const tpch_dist *containers = &tpch_dists[TPCH_D_P_CNTR];
  int32_t n = 0;
  for (; n < b->capacity && c->next < c->end; n++) {
    int64_t key = c->next + 1;
    const int64_t *rs = c->row_seed;
    TPCH_PUT_I64(b, 0, n, key);
    if (b->columns[1]) TPCH_PUT_STR(b, 1, n, part_name(c, rs[TPCH_S_P_NAME]));
    int64_t seed = rs[TPCH_S_P_MFG];
    int64_t mfgr = tpch_rng_uniform(&seed, 1, 5);
    seed = rs[TPCH_S_P_BRND];
    int64_t brand = tpch_rng_uniform(&seed, 1, 5);
    TPCH_PUT_STR(b, 2, n, ((tpch_str){manufacturers[mfgr - 1], 14}));
    TPCH_PUT_STR(b, 3, n, ((tpch_str){brands[(mfgr - 1) * 5 + brand - 1], 8}));
    seed = rs[TPCH_S_P_TYPE];
    TPCH_PUT_STR(b, 4, n, tpch_dist_str(types, tpch_pick(types, &seed)));
    seed = rs[TPCH_S_P_SIZE];
    TPCH_PUT_I32(b, 5, n, (int32_t)tpch_rng_uniform(&seed, 1, 50));
    seed = rs[TPCH_S_P_CNTR];
    TPCH_PUT_STR(b, 6, n, tpch_dist_str(containers, tpch_pick(containers, &seed)));
    TPCH_PUT_I64(b, 7, n, tpch_retail_price(key));
    seed = rs[TPCH_S_P_CMNT];
    TPCH_PUT_STR(b, 8, n, tpch_text(&seed, cmnt.min, cmnt.max));
    tpch_cursor_step(c);
    c->next++;
  }
  return n;
}

int32_t tpch_gen_partsupp(tpch_cursor *c, tpch_batch *b) {
  const tpch_len_range cmnt = tpch_len_range_of(124);
  const int64_t suppliers = c->scale.supplier;
  int32_t n = 0;
  for (; n < b->capacity && c->next < c->end; n++) {
    int64_t partkey = c->next / 4 + 1;
    int64_t which = c->next % 4;
    const int64_t *rs = c->row_seed;
    TPCH_PUT_I64(b, 0, n, partkey);
    TPCH_PUT_I64(b, 1, n, tpch_part_supplier(partkey, which, suppliers));
    int64_t seed = rs[TPCH_S_PS_QTY];
    TPCH_PUT_I32(b, 2, n, (int32_t)tpch_rng_uniform(&seed, 1, 9999));
    seed = rs[TPCH_S_PS_SCST];
    TPCH_PUT_I64(b, 3, n, tpch_rng_uniform(&seed, 100, 100000));
    seed = rs[TPCH_S_PS_CMNT];
    TPCH_PUT_STR(b, 4, n, tpch_text(&seed, cmnt.min, cmnt.max));
    tpch_cursor_step(c);
    c->next++;
  }
  return n;
}
