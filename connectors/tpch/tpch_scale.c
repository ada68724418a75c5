/*
 * tpch_scale.c — row counts for a scale factor, slices, and the exact
 * lineitem count, following dbgen's rules (driver.c): base rows per unit of
 * scale are part 200,000, supplier 10,000, customer 150,000, orders 1,500,000;
 * partsupp has 4 rows per part, nation 25, region 5. A factor below 1 scales
 * the bases by (int)(1000 * factor) / 1000 (at least 1) with multiplier 1; a
 * factor of 1 or more is truncated to an integer multiplier.
 */
#include "connectors/tpch/tpch_internal.h"

#include <math.h>

enum { BASE_PART = 200000, BASE_SUPPLIER = 10000, BASE_CUSTOMER = 150000,
       BASE_ORDERS = 1500000 };

int tpch_scale_init(tpch_scale *s, double factor) {
  if (!s || !(factor > 0) || !isfinite(factor) || factor > 1e6) return TPCH_ERR_ARG;
  s->factor = factor;
  if (factor < 1.0) {
    int64_t thousandths = (int64_t)(int)(1000 * factor);
    int64_t base[4] = {BASE_PART, BASE_SUPPLIER, BASE_CUSTOMER, BASE_ORDERS};
    for (int i = 0; i < 4; i++) {
      base[i] = thousandths * base[i] / 1000;
      if (base[i] < 1) base[i] = 1;
    }
    s->multiplier = 1;
    s->part = base[0];
    s->supplier = base[1];
    s->customer = base[2];
    s->orders = base[3];
  } else {
    s->multiplier = (int64_t)factor;
    s->part = BASE_PART * s->multiplier;
    s->supplier = BASE_SUPPLIER * s->multiplier;
    s->customer = BASE_CUSTOMER * s->multiplier;
    s->orders = BASE_ORDERS * s->multiplier;
  }
  return TPCH_OK;
}

int64_t tpch_unit_count(const tpch_scale *s, tpch_table t) {
  switch (t) {
  case TPCH_PART: return s->part;
  case TPCH_PARTSUPP: return s->part * 4;
  case TPCH_SUPPLIER: return s->supplier;
  case TPCH_CUSTOMER: return s->customer;
  case TPCH_ORDERS:
  case TPCH_LINEITEM: return s->orders;
  case TPCH_NATION: return 25;
  case TPCH_REGION: return 5;
  default: return 0;
  }
}

int64_t tpch_row_count(const tpch_scale *s, tpch_table t) {
  if (t == TPCH_LINEITEM) return tpch_lineitem_count(s, 0, s->orders);
  return tpch_unit_count(s, t);
}

int64_t tpch_lineitem_count(const tpch_scale *s, int64_t start, int64_t end) {
  if (start < 0) start = 0;
  if (end > s->orders) end = s->orders;
  if (start >= end) return 0;
  int64_t seed = tpch_stream_at_row(TPCH_S_O_LCNT, start + 1);
  int64_t total = 0;
  for (int64_t o = start; o < end; o++) {
    int64_t v = seed;
    total += tpch_rng_uniform(&v, 1, 7);
    seed = tpch_rng_next(seed); /* boundary 1 */
  }
  return total;
}

int tpch_slice(const tpch_scale *s, tpch_table t, int64_t i, int64_t n, int64_t *start,
               int64_t *end) {
  if (!s || (int)t < 0 || t >= TPCH_TABLE_COUNT || n < 1 || i < 1 || i > n) return TPCH_ERR_ARG;
  int64_t units = tpch_unit_count(s, t);
  int64_t mult = 1;
  if (t == TPCH_PARTSUPP) {
    units = s->part;
    mult = 4;
  }
  int64_t per = units / n;
  int64_t a = per * (i - 1);
  int64_t b = (i == n) ? units : a + per;
  *start = a * mult;
  *end = b * mult;
  return TPCH_OK;
}
