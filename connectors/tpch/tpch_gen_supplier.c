/*
 * tpch_gen_supplier.c — supplier rows (dbgen mk_supp): like customer, plus
 * the "Better Business Bureau" comments: about 1 in 1000 suppliers gets
 * "Customer " + noise + "Complaints" or "Recommends" written into its comment
 * at a random offset (Q16 looks for them).
 */
#include "connectors/tpch/tpch_internal.h"

enum { BBB_CMNT_LEN = 19, BBB_BASE_LEN = 9, BBB_TYPE_LEN = 10 };

/* The supplier comment, with its BBB remark when it has one. */
static tpch_str supplier_comment(tpch_cursor *c, tpch_str text) {
  const int64_t *rs = c->row_seed;
  int64_t press = rs[TPCH_S_BBB_CMNT], type = rs[TPCH_S_BBB_TYPE];
  int64_t junk = rs[TPCH_S_BBB_JNK], offset_seed = rs[TPCH_S_BBB_OFFSET];
  int64_t bad_press = tpch_rng_uniform(&press, 1, 10000);
  int64_t kind = tpch_rng_uniform(&type, 0, 100);
  int64_t noise = tpch_rng_uniform(&junk, 0, text.len - BBB_CMNT_LEN);
  int64_t offset = tpch_rng_uniform(&offset_seed, 0, text.len - (BBB_CMNT_LEN + noise));
  if (bad_press > 10) return text;
  char *p = tpch_arena_take(c, (size_t)text.len);
  memcpy(p, text.ptr, (size_t)text.len);
  memcpy(p + offset, "Customer ", BBB_BASE_LEN);
  memcpy(p + offset + BBB_BASE_LEN + noise, kind < 50 ? "Complaints" : "Recommends",
         BBB_TYPE_LEN);
  return (tpch_str){p, text.len};
}

int32_t tpch_gen_supplier(tpch_cursor *c, tpch_batch *b) {
  const tpch_len_range addr = tpch_len_range_of(25);
  const tpch_len_range cmnt = tpch_len_range_of(63);
  int32_t n = 0;
  for (; n < b->capacity && c->next < c->end; n++) {
    int64_t key = c->next + 1;
    int64_t *rs = c->row_seed;
    TPCH_PUT_I64(b, 0, n, key);
    if (b->columns[1]) TPCH_PUT_STR(b, 1, n, tpch_tagged_key(c, "Supplier#", 9, key, 9));
    if (b->columns[2]) {
      int64_t seed = rs[TPCH_S_S_ADDR];
      char *p = tpch_arena_take(c, 40);
      int32_t len = tpch_random_string(&seed, addr.min, addr.max, p);
      c->arena_used -= (size_t)(40 - len);
      TPCH_PUT_STR(b, 2, n, ((tpch_str){p, len}));
    }
    int64_t seed = rs[TPCH_S_S_NTRG];
    int64_t nation = tpch_rng_uniform(&seed, 0, tpch_dists[TPCH_D_NATIONS].count - 1);
    TPCH_PUT_I64(b, 3, n, nation);
    if (b->columns[4]) {
      seed = rs[TPCH_S_S_PHNE];
      char *p = tpch_arena_take(c, 15);
      tpch_phone(&seed, nation, p);
      TPCH_PUT_STR(b, 4, n, ((tpch_str){p, 15}));
    }
    seed = rs[TPCH_S_S_ABAL];
    TPCH_PUT_I64(b, 5, n, tpch_rng_uniform(&seed, -99999, 999999));
    if (b->columns[6]) {
      seed = rs[TPCH_S_S_CMNT];
      tpch_str text = tpch_text(&seed, cmnt.min, cmnt.max);
      TPCH_PUT_STR(b, 6, n, supplier_comment(c, text));
    }
    tpch_cursor_step(c);
    c->next++;
  }
  return n;
}
