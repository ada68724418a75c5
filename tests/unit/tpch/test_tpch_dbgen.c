/*
 * test_tpch_dbgen.c — the generator's text equals dbgen 2.14's .tbl files at
 * scale factor 0.01 byte for byte, for all eight tables, whole and as slices;
 * random access (reset to any range, any batch size, some columns only)
 * gives the same rows; bad arguments are refused.
 */
#include "connectors/tpch/tpch.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const table_names[TPCH_TABLE_COUNT] = {
  "part", "partsupp", "supplier", "customer", "orders", "lineitem", "nation", "region"};

typedef struct bytes {
  char *p;
  size_t len, cap;
} bytes;

static void bytes_reserve(bytes *b, size_t more) {
  if (b->len + more <= b->cap) return;
  size_t cap = b->cap ? b->cap : 1 << 16;
  while (cap < b->len + more) cap *= 2;
  b->p = realloc(b->p, cap);
  cr_assert_not_null(b->p);
  b->cap = cap;
}

static bytes read_expected(tpch_table t) {
  char path[512];
  snprintf(path, sizeof path, "%s/testdata/tpch/dbgen-sf0.01/%s.tbl", SHOAL_SHARED_DIR,
           table_names[t]);
  FILE *f = fopen(path, "rb");
  cr_assert_not_null(f, "cannot open %s", path);
  bytes b = {0};
  char buf[1 << 16];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
    bytes_reserve(&b, n);
    memcpy(b.p + b.len, buf, n);
    b.len += n;
  }
  fclose(f);
  return b;
}

static tpch_scale scale_001(void) {
  cr_assert_eq(tpch_init(), TPCH_OK);
  tpch_scale s;
  cr_assert_eq(tpch_scale_init(&s, 0.01), TPCH_OK);
  return s;
}

/* Appends the text of units [start, end) using batches of `capacity` rows. */
static void generate_text(const tpch_scale *s, tpch_table t, int64_t start, int64_t end,
                          int32_t capacity, bytes *out) {
  tpch_cursor *c;
  cr_assert_eq(tpch_cursor_open(&c, s, t, start, end), TPCH_OK);
  tpch_batch b;
  cr_assert_eq(tpch_batch_alloc_columns(&b, t, capacity), TPCH_OK);
  int32_t n;
  while ((n = tpch_cursor_next(c, &b)) > 0) {
    bytes_reserve(out, (size_t)n * tpch_text_row_max(t));
    out->len += tpch_text_format(t, &b, out->p + out->len);
  }
  cr_assert_eq(n, 0);
  tpch_batch_free_columns(&b);
  tpch_cursor_close(c);
}

static void assert_same_bytes(const bytes *got, const bytes *want, const char *what) {
  size_t n = got->len < want->len ? got->len : want->len;
  size_t i = 0;
  while (i < n && got->p[i] == want->p[i]) i++;
  if (i == n && got->len == want->len) return;
  size_t line = 1;
  for (size_t k = 0; k < i; k++) line += want->p[k] == '\n';
  cr_assert_fail("%s: first difference at byte %zu (line %zu); sizes %zu vs %zu", what, i,
                 line, got->len, want->len);
}

static void check_whole_table(tpch_table t) {
  tpch_scale s = scale_001();
  bytes want = read_expected(t), got = {0};
  generate_text(&s, t, 0, tpch_unit_count(&s, t), 1000, &got);
  assert_same_bytes(&got, &want, table_names[t]);
  free(want.p);
  free(got.p);
}

Test(tpch_dbgen, part_equals_dbgen) { check_whole_table(TPCH_PART); }
Test(tpch_dbgen, partsupp_equals_dbgen) { check_whole_table(TPCH_PARTSUPP); }
Test(tpch_dbgen, supplier_equals_dbgen) { check_whole_table(TPCH_SUPPLIER); }
Test(tpch_dbgen, customer_equals_dbgen) { check_whole_table(TPCH_CUSTOMER); }
Test(tpch_dbgen, orders_equals_dbgen) { check_whole_table(TPCH_ORDERS); }
Test(tpch_dbgen, lineitem_equals_dbgen) { check_whole_table(TPCH_LINEITEM); }
Test(tpch_dbgen, nation_equals_dbgen) { check_whole_table(TPCH_NATION); }
Test(tpch_dbgen, region_equals_dbgen) { check_whole_table(TPCH_REGION); }

/* Slices 1..n of every table, n = 1..7, concatenate to the dbgen file. */
Test(tpch_dbgen, slices_concatenate_to_table) {
  tpch_scale s = scale_001();
  for (int t = 0; t < TPCH_TABLE_COUNT; t++) {
    bytes want = read_expected((tpch_table)t);
    for (int64_t n = 1; n <= 7; n++) {
      bytes got = {0};
      int64_t prev_end = 0;
      for (int64_t i = 1; i <= n; i++) {
        int64_t a, e;
        cr_assert_eq(tpch_slice(&s, (tpch_table)t, i, n, &a, &e), TPCH_OK);
        cr_assert_eq(a, prev_end, "slices must be contiguous");
        prev_end = e;
        generate_text(&s, (tpch_table)t, a, e, 777, &got);
      }
      cr_assert_eq(prev_end, tpch_unit_count(&s, (tpch_table)t));
      char what[64];
      snprintf(what, sizeof what, "%s in %lld slices", table_names[t], (long long)n);
      assert_same_bytes(&got, &want, what);
      free(got.p);
    }
    free(want.p);
  }
}

/* Lineitem slice i holds exactly the lines of orders slice i. */
Test(tpch_dbgen, lineitem_slice_matches_orders_slice) {
  tpch_scale s = scale_001();
  for (int64_t n = 1; n <= 7; n++) {
    for (int64_t i = 1; i <= n; i++) {
      int64_t oa, oe, la, le;
      tpch_slice(&s, TPCH_ORDERS, i, n, &oa, &oe);
      tpch_slice(&s, TPCH_LINEITEM, i, n, &la, &le);
      cr_assert_eq(oa, la);
      cr_assert_eq(oe, le);
      int64_t okeys[2048];
      int32_t lines = 0;
      tpch_cursor *c;
      tpch_batch b = {.capacity = 2048};
      b.columns[0] = okeys;
      cr_assert_eq(tpch_cursor_open(&c, &s, TPCH_ORDERS, oa, oe), TPCH_OK);
      int64_t first = -1, last = -1;
      int32_t got;
      while ((got = tpch_cursor_next(c, &b)) > 0) {
        if (first < 0) first = okeys[0];
        last = okeys[got - 1];
      }
      tpch_cursor_close(c);
      cr_assert_eq(tpch_cursor_open(&c, &s, TPCH_LINEITEM, la, le), TPCH_OK);
      int64_t lfirst = -1, llast = -1;
      while ((got = tpch_cursor_next(c, &b)) > 0) {
        if (lfirst < 0) lfirst = okeys[0];
        llast = okeys[got - 1];
        lines += got;
      }
      tpch_cursor_close(c);
      cr_assert_eq(lfirst, first);
      cr_assert_eq(llast, last);
      cr_assert_eq(lines, tpch_lineitem_count(&s, la, le));
    }
  }
}

/* Any batch size, and resetting a cursor to ranges in any order, gives the
 * same rows as one pass. */
Test(tpch_dbgen, batch_sizes_and_reset_give_same_rows) {
  tpch_scale s = scale_001();
  const tpch_table tables[] = {TPCH_LINEITEM, TPCH_PARTSUPP, TPCH_SUPPLIER, TPCH_PART};
  for (size_t k = 0; k < sizeof tables / sizeof tables[0]; k++) {
    tpch_table t = tables[k];
    bytes want = read_expected(t);
    const int32_t sizes[] = {1, 2, 3, 7, 4096};
    for (size_t z = 0; z < 5; z++) {
      bytes got = {0};
      generate_text(&s, t, 0, tpch_unit_count(&s, t), sizes[z], &got);
      assert_same_bytes(&got, &want, table_names[t]);
      free(got.p);
    }
    /* Backwards, in ranges of 97 units, through one reused cursor. */
    int64_t units = tpch_unit_count(&s, t);
    int64_t nchunks = (units + 96) / 97;
    bytes *parts = calloc((size_t)nchunks, sizeof *parts);
    tpch_cursor *c;
    tpch_batch b;
    cr_assert_eq(tpch_cursor_open(&c, &s, t, 0, 0), TPCH_OK);
    cr_assert_eq(tpch_batch_alloc_columns(&b, t, 64), TPCH_OK);
    for (int64_t q = nchunks - 1; q >= 0; q--) {
      int64_t a = q * 97, e = a + 97 < units ? a + 97 : units;
      cr_assert_eq(tpch_cursor_reset(c, a, e), TPCH_OK);
      int32_t n;
      while ((n = tpch_cursor_next(c, &b)) > 0) {
        bytes_reserve(&parts[q], (size_t)n * tpch_text_row_max(t));
        parts[q].len += tpch_text_format(t, &b, parts[q].p + parts[q].len);
      }
    }
    bytes all = {0};
    for (int64_t q = 0; q < nchunks; q++) {
      bytes_reserve(&all, parts[q].len);
      if (parts[q].len) memcpy(all.p + all.len, parts[q].p, parts[q].len);
      all.len += parts[q].len;
      free(parts[q].p);
    }
    assert_same_bytes(&all, &want, "reset ranges");
    free(all.p);
    free(parts);
    tpch_batch_free_columns(&b);
    tpch_cursor_close(c);
    free(want.p);
  }
}

/* Asking for some columns only gives the same values in those columns. */
Test(tpch_dbgen, projected_columns_match_full_rows) {
  tpch_scale s = scale_001();
  for (int t = 0; t < TPCH_TABLE_COUNT; t++) {
    const tpch_table_info *info = tpch_table_get((tpch_table)t);
    tpch_batch full, one;
    cr_assert_eq(tpch_batch_alloc_columns(&full, (tpch_table)t, 500), TPCH_OK);
    for (int k = 0; k < info->column_count; k++) {
      cr_assert_eq(tpch_batch_alloc_columns(&one, (tpch_table)t, 500), TPCH_OK);
      void *keep = one.columns[k];
      void *block = one.columns[0];
      memset(one.columns, 0, sizeof one.columns);
      one.columns[k] = keep;
      tpch_cursor *cf, *co;
      int64_t units = tpch_unit_count(&s, (tpch_table)t);
      int64_t a = units / 3, e = units / 3 + 90 < units ? units / 3 + 90 : units;
      cr_assert_eq(tpch_cursor_open(&cf, &s, (tpch_table)t, a, e), TPCH_OK);
      cr_assert_eq(tpch_cursor_open(&co, &s, (tpch_table)t, a, e), TPCH_OK);
      int32_t nf = tpch_cursor_next(cf, &full), no = tpch_cursor_next(co, &one);
      cr_assert_eq(nf, no);
      cr_assert_gt(nf, 0);
      for (int32_t r = 0; r < nf; r++) {
        switch (info->columns[k].type) {
        case TPCH_TYPE_INT64:
        case TPCH_TYPE_MONEY:
          cr_assert_eq(((int64_t *)full.columns[k])[r], ((int64_t *)one.columns[k])[r]);
          break;
        case TPCH_TYPE_INT32:
        case TPCH_TYPE_DATE:
          cr_assert_eq(((int32_t *)full.columns[k])[r], ((int32_t *)one.columns[k])[r]);
          break;
        case TPCH_TYPE_STRING: {
          tpch_str x = ((tpch_str *)full.columns[k])[r], y = ((tpch_str *)one.columns[k])[r];
          cr_assert_eq(x.len, y.len, "%s.%s row %d", info->name, info->columns[k].name, r);
          cr_assert(memcmp(x.ptr, y.ptr, (size_t)x.len) == 0);
          break;
        }
        }
      }
      tpch_cursor_close(cf);
      tpch_cursor_close(co);
      free(block);
    }
    tpch_batch_free_columns(&full);
  }
}

Test(tpch_dbgen, row_counts_follow_dbgen_scaling) {
  tpch_scale s = scale_001();
  cr_assert_eq(tpch_row_count(&s, TPCH_PART), 2000);
  cr_assert_eq(tpch_row_count(&s, TPCH_PARTSUPP), 8000);
  cr_assert_eq(tpch_row_count(&s, TPCH_SUPPLIER), 100);
  cr_assert_eq(tpch_row_count(&s, TPCH_CUSTOMER), 1500);
  cr_assert_eq(tpch_row_count(&s, TPCH_ORDERS), 15000);
  cr_assert_eq(tpch_row_count(&s, TPCH_LINEITEM), 60175);
  cr_assert_eq(tpch_row_count(&s, TPCH_NATION), 25);
  cr_assert_eq(tpch_row_count(&s, TPCH_REGION), 5);
  tpch_scale one;
  cr_assert_eq(tpch_scale_init(&one, 1), TPCH_OK);
  cr_assert_eq(tpch_row_count(&one, TPCH_LINEITEM), 6001215);
  cr_assert_eq(tpch_row_count(&one, TPCH_ORDERS), 1500000);
  tpch_scale ten;
  cr_assert_eq(tpch_scale_init(&ten, 10), TPCH_OK);
  cr_assert_eq(tpch_row_count(&ten, TPCH_PARTSUPP), 8000000);
  cr_assert_eq(ten.multiplier, 10);
  /* dbgen truncates factors >= 1 and scales bases by thousandths below 1. */
  tpch_scale odd;
  cr_assert_eq(tpch_scale_init(&odd, 1.7), TPCH_OK);
  cr_assert_eq(odd.orders, 1500000);
  cr_assert_eq(tpch_scale_init(&odd, 0.0001), TPCH_OK);
  cr_assert_eq(odd.supplier, 1);
  cr_assert_eq(odd.part, 1);
}

Test(tpch_dbgen, bad_arguments_are_refused) {
  tpch_scale s = scale_001();
  tpch_scale bad;
  cr_assert_eq(tpch_scale_init(&bad, 0), TPCH_ERR_ARG);
  cr_assert_eq(tpch_scale_init(&bad, -1), TPCH_ERR_ARG);
  cr_assert_eq(tpch_scale_init(NULL, 1), TPCH_ERR_ARG);
  tpch_cursor *c = (tpch_cursor *)1;
  cr_assert_eq(tpch_cursor_open(&c, &s, TPCH_ORDERS, 0, 15001), TPCH_ERR_ARG);
  cr_assert_null(c);
  cr_assert_eq(tpch_cursor_open(&c, &s, TPCH_ORDERS, 10, 5), TPCH_ERR_ARG);
  cr_assert_eq(tpch_cursor_open(&c, &s, TPCH_ORDERS, -1, 5), TPCH_ERR_ARG);
  cr_assert_eq(tpch_cursor_open(&c, &s, TPCH_TABLE_COUNT, 0, 1), TPCH_ERR_ARG);
  cr_assert_eq(tpch_cursor_open(&c, &s, TPCH_NATION, 0, 25), TPCH_OK);
  cr_assert_eq(tpch_cursor_reset(c, 0, 26), TPCH_ERR_ARG);
  tpch_batch b = {.capacity = 0};
  cr_assert_eq(tpch_cursor_next(c, &b), TPCH_ERR_ARG);
  tpch_cursor_close(c);
  int64_t a, e;
  cr_assert_eq(tpch_slice(&s, TPCH_PART, 0, 3, &a, &e), TPCH_ERR_ARG);
  cr_assert_eq(tpch_slice(&s, TPCH_PART, 4, 3, &a, &e), TPCH_ERR_ARG);
  cr_assert_eq(tpch_slice(&s, TPCH_PART, 1, 0, &a, &e), TPCH_ERR_ARG);
  tpch_table t;
  cr_assert_eq(tpch_table_from_name("lineitems", &t), TPCH_ERR_ARG);
  cr_assert_eq(tpch_table_from_name("lineitem", &t), TPCH_OK);
  cr_assert_eq(t, TPCH_LINEITEM);
  cr_assert_null(tpch_table_get(TPCH_TABLE_COUNT));
}

Test(tpch_dbgen, typed_values_of_first_lineitem) {
  tpch_scale s = scale_001();
  tpch_cursor *c;
  tpch_batch b;
  cr_assert_eq(tpch_cursor_open(&c, &s, TPCH_LINEITEM, 0, 1), TPCH_OK);
  cr_assert_eq(tpch_batch_alloc_columns(&b, TPCH_LINEITEM, 16), TPCH_OK);
  /* dbgen: 1|1552|93|1|17|24710.35|0.04|0.02|N|O|1996-03-13|1996-02-12|1996-03-22|
   *        DELIVER IN PERSON|TRUCK|egular courts above the| ... 6 lines */
  cr_assert_eq(tpch_cursor_next(c, &b), 6);
  cr_assert_eq(((int64_t *)b.columns[1])[0], 1552);
  cr_assert_eq(((int64_t *)b.columns[5])[0], 2471035);
  cr_assert_eq(((int64_t *)b.columns[6])[0], 4);
  cr_assert_eq(((int32_t *)b.columns[10])[0], 9568);  /* 1996-03-13 */
  tpch_str mode = ((tpch_str *)b.columns[14])[0];
  cr_assert(mode.len == 5 && memcmp(mode.ptr, "TRUCK", 5) == 0);
  char d[10];
  tpch_date_format(9568, d);
  cr_assert(memcmp(d, "1996-03-13", 10) == 0);
  tpch_batch_free_columns(&b);
  tpch_cursor_close(c);
}
