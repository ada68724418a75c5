/*
 * tpch_random.c — dbgen's random number streams: the per-column seeds and
 * per-row draw budgets (boundaries), and skip-ahead.
 *
 * Every column draws from its own Park & Miller stream (x' = 16807 x mod
 * 2^31-1). dbgen reserves a fixed number of draws per row for each stream and
 * skips the unused ones when a row ends, so the value at the start of row r is
 * seed * 16807^((r-1) * boundary): any row can be made without the ones
 * before it.
 */
#include "connectors/tpch/tpch_internal.h"

/* Seeds and boundaries of dbgen 2.14's Seed[] table (rnd.h), by stream id. */
const tpch_stream_def tpch_stream_defs[TPCH_STREAM_COUNT] = {
  {1, 1},            /*  0 P_MFG */
  {46831694, 1},     /*  1 P_BRND */
  {1841581359, 1},   /*  2 P_TYPE */
  {1193163244, 1},   /*  3 P_SIZE */
  {727633698, 1},    /*  4 P_CNTR */
  {933588178, 1},    /*  5 text pool */
  {804159733, 2},    /*  6 P_CMNT */
  {1671059989, 4},   /*  7 PS_QTY (4 suppliers per part) */
  {1051288424, 4},   /*  8 PS_SCST */
  {1961692154, 8},   /*  9 PS_CMNT */
  {1227283347, 1},   /* 10 O_SUPP (unused) */
  {1171034773, 1},   /* 11 O_CLRK */
  {276090261, 2},    /* 12 O_CMNT */
  {1066728069, 1},   /* 13 O_ODATE */
  {209208115, 7},    /* 14 L_QTY (7 lines at most per order) */
  {554590007, 7},    /* 15 L_DCNT */
  {721958466, 7},    /* 16 L_TAX */
  {1371272478, 7},   /* 17 L_SHIP */
  {675466456, 7},    /* 18 L_SMODE */
  {1808217256, 7},   /* 19 L_PKEY */
  {2095021727, 7},   /* 20 L_SKEY */
  {1769349045, 7},   /* 21 L_SDTE */
  {904914315, 7},    /* 22 L_CDTE */
  {373135028, 7},    /* 23 L_RDTE */
  {717419739, 7},    /* 24 L_RFLG */
  {1095462486, 14},  /* 25 L_CMNT */
  {881155353, 9},    /* 26 C_ADDR */
  {1489529863, 1},   /* 27 C_NTRG */
  {1521138112, 3},   /* 28 C_PHNE */
  {298370230, 1},    /* 29 C_ABAL */
  {1140279430, 1},   /* 30 C_MSEG */
  {1335826707, 2},   /* 31 C_CMNT */
  {706178559, 9},    /* 32 S_ADDR */
  {110356601, 1},    /* 33 S_NTRG */
  {884434366, 3},    /* 34 S_PHNE */
  {962338209, 1},    /* 35 S_ABAL */
  {1341315363, 2},   /* 36 S_CMNT */
  {709314158, 92},   /* 37 P_NAME (a permutation of the 92 colors) */
  {591449447, 1},    /* 38 O_PRIO */
  {431918286, 1},    /* 39 HVAR (unused) */
  {851767375, 1},    /* 40 O_CKEY */
  {606179079, 2},    /* 41 N_CMNT */
  {1500869201, 2},   /* 42 R_CMNT */
  {1434868289, 1},   /* 43 O_LCNT */
  {263032577, 1},    /* 44 BBB_JNK */
  {753643799, 1},    /* 45 BBB_TYPE */
  {202794285, 1},    /* 46 BBB_CMNT */
  {715851524, 1},    /* 47 BBB_OFFSET */
};

int64_t tpch_rng_power(int64_t n) {
  int64_t result = 1;
  int64_t base = TPCH_RNG_MULTIPLIER;
  while (n > 0) {
    if (n & 1) result = tpch_rng_mulmod(result, base);
    base = tpch_rng_mulmod(base, base);
    n >>= 1;
  }
  return result;
}

int64_t tpch_rng_skip(int64_t value, int64_t n) {
  return tpch_rng_mulmod(value, tpch_rng_power(n));
}

int64_t tpch_stream_at_row(int stream, int64_t row) {
  const tpch_stream_def *d = &tpch_stream_defs[stream];
  return tpch_rng_skip(d->seed, (row - 1) * (int64_t)d->boundary);
}

tpch_len_range tpch_len_range_of(int32_t average) {
  /* The same double arithmetic as dbgen's V_STR_LOW / V_STR_HGH macros. */
  double low = 0.4, high = 1.6;
  return (tpch_len_range){(int32_t)(average * low), (int32_t)(average * high)};
}
