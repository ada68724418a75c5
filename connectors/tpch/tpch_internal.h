/*
 * tpch_internal.h — what the generator's files share and nobody else sees:
 * the random number streams, the distributions, the text pool, the calendar,
 * and the cursor's layout.
 *
 * Facts (constants, seeds, formulas) are those of TPC-H dbgen 2.14; see
 * README.md for where each comes from.
 */
#ifndef SHOAL_TPCH_INTERNAL_H
#define SHOAL_TPCH_INTERNAL_H

#include "connectors/tpch/tpch.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* ---- random number streams: Park & Miller "minimum standard" LCG ---- */

#define TPCH_RNG_MODULUS 2147483647LL
#define TPCH_RNG_MULTIPLIER 16807LL
#define TPCH_STREAM_COUNT 48

/* Stream ids, numbered as dbgen numbers them. */
enum {
  TPCH_S_P_MFG = 0, TPCH_S_P_BRND = 1, TPCH_S_P_TYPE = 2, TPCH_S_P_SIZE = 3,
  TPCH_S_P_CNTR = 4, TPCH_S_TEXT_POOL = 5, TPCH_S_P_CMNT = 6, TPCH_S_PS_QTY = 7,
  TPCH_S_PS_SCST = 8, TPCH_S_PS_CMNT = 9, TPCH_S_O_SUPP = 10, TPCH_S_O_CLRK = 11,
  TPCH_S_O_CMNT = 12, TPCH_S_O_ODATE = 13, TPCH_S_L_QTY = 14, TPCH_S_L_DCNT = 15,
  TPCH_S_L_TAX = 16, TPCH_S_L_SHIP = 17, TPCH_S_L_SMODE = 18, TPCH_S_L_PKEY = 19,
  TPCH_S_L_SKEY = 20, TPCH_S_L_SDTE = 21, TPCH_S_L_CDTE = 22, TPCH_S_L_RDTE = 23,
  TPCH_S_L_RFLG = 24, TPCH_S_L_CMNT = 25, TPCH_S_C_ADDR = 26, TPCH_S_C_NTRG = 27,
  TPCH_S_C_PHNE = 28, TPCH_S_C_ABAL = 29, TPCH_S_C_MSEG = 30, TPCH_S_C_CMNT = 31,
  TPCH_S_S_ADDR = 32, TPCH_S_S_NTRG = 33, TPCH_S_S_PHNE = 34, TPCH_S_S_ABAL = 35,
  TPCH_S_S_CMNT = 36, TPCH_S_P_NAME = 37, TPCH_S_O_PRIO = 38, TPCH_S_HVAR = 39,
  TPCH_S_O_CKEY = 40, TPCH_S_N_CMNT = 41, TPCH_S_R_CMNT = 42, TPCH_S_O_LCNT = 43,
  TPCH_S_BBB_JNK = 44, TPCH_S_BBB_TYPE = 45, TPCH_S_BBB_CMNT = 46, TPCH_S_BBB_OFFSET = 47
};

typedef struct tpch_stream_def {
  int64_t seed;      /* value before the first row */
  int32_t boundary;  /* draws reserved per row (per parent row for children) */
} tpch_stream_def;

extern const tpch_stream_def tpch_stream_defs[TPCH_STREAM_COUNT];

/* (a * b) mod 2^31-1 for a, b in [0, 2^31-1). */
static inline int64_t tpch_rng_mulmod(int64_t a, int64_t b) {
  uint64_t p = (uint64_t)a * (uint64_t)b;
  uint64_t r = (p & (uint64_t)TPCH_RNG_MODULUS) + (p >> 31);
  if (r >= (uint64_t)TPCH_RNG_MODULUS) r -= (uint64_t)TPCH_RNG_MODULUS;
  if (r >= (uint64_t)TPCH_RNG_MODULUS) r -= (uint64_t)TPCH_RNG_MODULUS;
  return (int64_t)r;
}

/* One step of the generator. */
static inline int64_t tpch_rng_next(int64_t x) {
  return tpch_rng_mulmod(x, TPCH_RNG_MULTIPLIER);
}

/* 16807^n mod 2^31-1 (n >= 0). */
int64_t tpch_rng_power(int64_t n);
/* The value of a stream after n more steps. */
int64_t tpch_rng_skip(int64_t value, int64_t n);
/* A stream's value at the start of dbgen row `row` (1-based) of its table,
 * where each row consumes `boundary` steps. */
int64_t tpch_stream_at_row(int stream, int64_t row);

/* dbgen's UnifInt: an integer in [lo, hi], computed in double as dbgen does. */
static inline int64_t tpch_rng_uniform(int64_t *seed, int64_t lo, int64_t hi) {
  *seed = tpch_rng_next(*seed);
  double range = (double)(hi - lo + 1);
  return lo + (int64_t)(((double)*seed / 2147483647.0) * range);
}

/* UnifInt(0, MAX_LONG) as dbgen computes it for random strings: the range
 * wraps to -2^31 in 32-bit arithmetic, giving a non-positive value whose low
 * 30 bits are used six at a time. */
static inline int64_t tpch_rng_uniform_wrapped(int64_t *seed) {
  *seed = tpch_rng_next(*seed);
  return (int64_t)(((double)*seed / 2147483647.0) * -2147483648.0);
}

/* ---- distributions (parsed from the embedded dists.dss) ---- */

enum {
  TPCH_D_P_CNTR = 0, TPCH_D_COLORS, TPCH_D_P_TYPES, TPCH_D_NATIONS, TPCH_D_REGIONS,
  TPCH_D_O_OPRIO, TPCH_D_INSTRUCT, TPCH_D_SMODE, TPCH_D_RFLAG, TPCH_D_MSEGMNT,
  TPCH_D_NOUNS, TPCH_D_VERBS, TPCH_D_ADJECTIVES, TPCH_D_ADVERBS, TPCH_D_AUXILLARIES,
  TPCH_D_TERMINATORS, TPCH_D_ARTICLES, TPCH_D_PREPOSITIONS, TPCH_D_GRAMMAR,
  TPCH_D_NP, TPCH_D_VP, TPCH_D_COUNT
};

typedef struct tpch_dist {
  int32_t count;
  int32_t max;          /* sum of weights (the last cumulative weight) */
  const char **text;    /* member strings, NUL-terminated */
  int32_t *len;
  int32_t *weight;      /* cumulative weights, as dbgen keeps them */
  uint16_t *pick;       /* pick[j-1] = first member whose weight >= j */
} tpch_dist;

extern tpch_dist tpch_dists[TPCH_D_COUNT];

/* dbgen's pick_str: the index of a member drawn by weight. */
static inline int tpch_pick(const tpch_dist *d, int64_t *seed) {
  int64_t j = tpch_rng_uniform(seed, 1, d->max);
  return d->pick[j - 1];
}

static inline tpch_str tpch_dist_str(const tpch_dist *d, int i) {
  return (tpch_str){d->text[i], d->len[i]};
}

int tpch_dists_load(void);

/* ---- text pool ---- */

#define TPCH_TEXT_POOL_SIZE (300 * 1024 * 1024)
extern const char *tpch_text_pool;

int tpch_text_pool_build(void);

/* dbgen's dbg_text: a random slice of the pool, offset drawn first. */
static inline tpch_str tpch_text(int64_t *seed, int32_t min, int32_t max) {
  int64_t offset = tpch_rng_uniform(seed, 0, TPCH_TEXT_POOL_SIZE - max);
  int64_t len = tpch_rng_uniform(seed, min, max);
  return (tpch_str){tpch_text_pool + offset, (int32_t)len};
}

/* Comment length bounds: dbgen's TEXT(avg) gives [(int)(avg*0.4), (int)(avg*1.6)]. */
typedef struct tpch_len_range {
  int32_t min, max;
} tpch_len_range;
tpch_len_range tpch_len_range_of(int32_t average);

/* ---- calendar ---- */

#define TPCH_DAY_1992_01_01 8035      /* days since 1970-01-01 */
#define TPCH_TOTAL_DATES 2557         /* 1992-01-01 .. 1998-12-31 */
#define TPCH_CURRENT_OFFSET 1263      /* 1995-06-17, dbgen's CURRENTDATE */
/* "YYYY-MM-DD" of each day of the TPC-H calendar (offset from 1992-01-01). */
extern char tpch_date_text[TPCH_TOTAL_DATES][10];
void tpch_calendar_init(void);

/* ---- cursor ---- */

typedef struct tpch_line {
  int64_t partkey, suppkey, quantity, eprice, discount, tax;
  int32_t sdate, cdate, rdate;       /* offsets from 1992-01-01 */
  int8_t rflag;                      /* index in rflag, or -1 for N */
  char lstatus;
  uint8_t instruct, smode;
  tpch_str comment;
} tpch_line;

typedef struct tpch_order {
  int64_t orderkey, custkey, totalprice, clerk;
  int32_t odate;                     /* offset from 1992-01-01 */
  int32_t lines;
  char status;
  uint8_t priority;
  tpch_str comment;
  tpch_line line[7];
} tpch_order;

struct tpch_cursor {
  tpch_scale scale;
  tpch_table table;
  int64_t next;                      /* next unit to generate */
  int64_t end;
  const uint8_t *streams;            /* streams this table draws from */
  int stream_count;
  int64_t row_seed[TPCH_STREAM_COUNT];  /* values at the start of unit `next` */
  int64_t step[TPCH_STREAM_COUNT];      /* 16807^boundary: one unit forward */
  char *arena;                       /* bytes of strings made for one batch */
  size_t arena_cap;
  size_t arena_used;
  int32_t arena_rows;                /* batch capacity the arena is sized for */
  /* lineitem: an order whose lines did not all fit in the last batch */
  tpch_order pending;
  int pending_next_line;             /* -1: none */
  uint8_t perm[92];                  /* part names: identity between rows */
};

/* Advances every stream of the table by one unit. */
static inline void tpch_cursor_step(tpch_cursor *c) {
  for (int i = 0; i < c->stream_count; i++) {
    int s = c->streams[i];
    c->row_seed[s] = tpch_rng_mulmod(c->row_seed[s], c->step[s]);
  }
}

/* Arena space for one string of at most n bytes (never fails: sized at
 * cursor_next for the batch). */
static inline char *tpch_arena_take(tpch_cursor *c, size_t n) {
  char *p = c->arena + c->arena_used;
  c->arena_used += n;
  return p;
}

/* Per-table generators: fill up to b->capacity rows from c->next on. */
int32_t tpch_gen_part(tpch_cursor *c, tpch_batch *b);
int32_t tpch_gen_partsupp(tpch_cursor *c, tpch_batch *b);
int32_t tpch_gen_supplier(tpch_cursor *c, tpch_batch *b);
int32_t tpch_gen_customer(tpch_cursor *c, tpch_batch *b);
int32_t tpch_gen_orders(tpch_cursor *c, tpch_batch *b);
int32_t tpch_gen_lineitem(tpch_cursor *c, tpch_batch *b);
int32_t tpch_gen_nation(tpch_cursor *c, tpch_batch *b);
int32_t tpch_gen_region(tpch_cursor *c, tpch_batch *b);

/* Streams each table draws from (for seeking and stepping). */
const uint8_t *tpch_table_streams(tpch_table t, int *count);
/* Arena bytes one row of a table can need. */
size_t tpch_arena_bytes_per_row(tpch_table t);

/* Writes the decimal digits of v zero-padded to at least `width` digits;
 * returns bytes written (at most 20, or width). */
static inline int tpch_put_uint(char *out, uint64_t v, int width) {
  int n = 1;
  for (uint64_t t = v; t >= 10; t /= 10) n++;
  if (n < width) n = width;
  for (int i = n - 1; i >= 0; i--) {
    out[i] = (char)('0' + v % 10);
    v /= 10;
  }
  return n;
}

/* Writes exactly `width` digits: v mod 10^width, zero-padded. */
static inline void tpch_put_fixed(char *out, uint64_t v, int width) {
  for (int i = width - 1; i >= 0; i--) {
    out[i] = (char)('0' + v % 10);
    v /= 10;
  }
}

/* Writing one value into a batch column, if the caller wants that column. */
#define TPCH_PUT(b, col, row, ctype, value)                         \
  do {                                                              \
    if ((b)->columns[col]) ((ctype *)(b)->columns[col])[row] = (value); \
  } while (0)
#define TPCH_PUT_I64(b, col, row, v) TPCH_PUT(b, col, row, int64_t, v)
#define TPCH_PUT_I32(b, col, row, v) TPCH_PUT(b, col, row, int32_t, v)
#define TPCH_PUT_STR(b, col, row, v) TPCH_PUT(b, col, row, tpch_str, v)

/* dbgen's a_rnd: a random string of length [min, max] over 64 characters,
 * one draw per five characters. */
static inline int32_t tpch_random_string(int64_t *seed, int32_t min, int32_t max, char *dst) {
  static const char alphabet[65] =
      "0123456789abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ,";
  int32_t len = (int32_t)tpch_rng_uniform(seed, min, max);
  uint64_t bits = 0;
  for (int32_t i = 0; i < len; i++) {
    if (i % 5 == 0) bits = (uint64_t)tpch_rng_uniform_wrapped(seed);
    dst[i] = alphabet[bits & 63];
    bits >>= 6;
  }
  return len;
}

/* dbgen's gen_phone: "CC-AAA-EEE-NNNN", CC = 10 + nation, three draws. */
static inline void tpch_phone(int64_t *seed, int64_t nation, char out[15]) {
  int64_t area = tpch_rng_uniform(seed, 100, 999);
  int64_t exchange = tpch_rng_uniform(seed, 100, 999);
  int64_t number = tpch_rng_uniform(seed, 1000, 9999);
  tpch_put_fixed(out, (uint64_t)(10 + nation % 90), 2);
  out[2] = '-';
  tpch_put_fixed(out + 3, (uint64_t)area, 3);
  out[6] = '-';
  tpch_put_fixed(out + 7, (uint64_t)exchange, 3);
  out[10] = '-';
  tpch_put_fixed(out + 11, (uint64_t)number, 4);
}

/* "Prefix#000000042": a tag and a key zero-padded to `width` digits. */
static inline tpch_str tpch_tagged_key(tpch_cursor *c, const char *tag, int tag_len,
                                       int64_t key, int width) {
  char *p = tpch_arena_take(c, (size_t)tag_len + 20);
  memcpy(p, tag, (size_t)tag_len);
  int n = tpch_put_uint(p + tag_len, (uint64_t)key, width);
  c->arena_used -= 20 - (size_t)n;
  return (tpch_str){p, tag_len + n};
}

/* dbgen's retail price of a part, in cents. */
static inline int64_t tpch_retail_price(int64_t partkey) {
  return 90000 + (partkey / 10) % 20001 + (partkey % 1000) * 100;
}

/* dbgen's PART_SUPP_BRIDGE: the i-th (0..3) supplier of a part. */
static inline int64_t tpch_part_supplier(int64_t partkey, int64_t i, int64_t suppliers) {
  return (partkey + i * (suppliers / 4 + (partkey - 1) / suppliers)) % suppliers + 1;
}

#endif /* SHOAL_TPCH_INTERNAL_H */
