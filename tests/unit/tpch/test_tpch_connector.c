/*
 * test_tpch_connector.c — the `tpch` connector on the SPI: Trino's schemas,
 * tables, names and types under both namings and money mappings; bad catalog
 * properties; scans through splits give exactly the generator's rows, with
 * the right conversions; projection, count-only scans, limits, key-range
 * pruning; malformed splits are refused.
 */
#include "connectors/tpch/tpch_connector.h"
#include "connectors/tpch/tpch.h"

#include <criterion/criterion.h>
#include <unistd.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static connector *make(int n, const char *const *kv) {
  connector_property items[8];
  for (int i = 0; i < n; i++) items[i] = (connector_property){kv[2 * i], kv[2 * i + 1]};
  connector_properties props = {items, n};
  shoal_error err = {0};
  connector *c = tpch_connector_factory.create("tpch", &props, &err);
  cr_assert_not_null(c, "create failed: %s", err.message);
  return c;
}

static bool has(const string_list *l, const char *s) {
  for (int i = 0; i < l->count; i++)
    if (strcmp(l->items[i], s) == 0) return true;
  return false;
}

Test(tpch_connector, schemas_and_tables) {
  connector *c = make(0, NULL);
  shoal_error err = {0};
  string_list l = {0};
  cr_assert(c->ops->list_schemas(c, &l, &err));
  cr_assert(has(&l, "tiny") && has(&l, "sf1") && has(&l, "sf1000") && has(&l, "sf100000"));
  string_list_free(&l);
  cr_assert(c->ops->schema_exists(c, "tiny"));
  cr_assert(c->ops->schema_exists(c, "sf10"));
  cr_assert(c->ops->schema_exists(c, "sf0.5"));
  cr_assert_not(c->ops->schema_exists(c, "sf"));
  cr_assert_not(c->ops->schema_exists(c, "sf-1"));
  cr_assert_not(c->ops->schema_exists(c, "sf1x"));
  cr_assert_not(c->ops->schema_exists(c, "default"));
  cr_assert(c->ops->list_tables(c, "tiny", &l, &err));
  cr_assert_eq(l.count, 8);
  cr_assert_str_eq(l.items[0], "customer");
  cr_assert_str_eq(l.items[2], "lineitem");
  string_list_free(&l);
  cr_assert(c->ops->list_tables(c, "nope", &l, &err));
  cr_assert_eq(l.count, 0);
  cr_assert_null(c->ops->get_table(c, "tiny", "lineitems", &err));
  cr_assert_null(c->ops->get_table(c, "nope", "lineitem", &err));
  cr_assert_not(error_is_set(&err));
  c->ops->destroy(c);
}

static void assert_type(sql_type t, const char *name) {
  char buf[64];
  type_format(t, false, buf, sizeof buf);
  cr_assert_str_eq(buf, name);
}

Test(tpch_connector, simplified_names_and_double_types) {
  connector *c = make(0, NULL);
  shoal_error err = {0};
  table_metadata *m = c->ops->get_table(c, "tiny", "lineitem", &err);
  cr_assert_not_null(m);
  cr_assert_eq(m->column_count, 16);
  cr_assert_str_eq(m->columns[0].name, "orderkey");
  assert_type(m->columns[0].type, "bigint");
  assert_type(m->columns[3].type, "integer");
  assert_type(m->columns[4].type, "double");
  assert_type(m->columns[5].type, "double");
  assert_type(m->columns[8].type, "varchar(1)");
  assert_type(m->columns[10].type, "date");
  assert_type(m->columns[15].type, "varchar(44)");
  cr_assert_not(m->columns[0].nullable);
  cr_assert_eq(m->row_count, 60175);
  cr_assert_eq(m->columns[0].stats.distinct_count, 15000);
  cr_assert(m->columns[0].stats.has_range);
  cr_assert_eq(m->columns[0].stats.max.u.i64, 60000);
  cr_assert_eq(m->columns[6].stats.max.u.f64, 0.10);
  table_metadata_free(m);
  m = c->ops->get_table(c, "sf1", "orders", &err);
  cr_assert_eq(m->row_count, 1500000);
  assert_type(m->columns[3].type, "double");
  assert_type(m->columns[6].type, "varchar(15)");
  table_metadata_free(m);
  m = c->ops->get_table(c, "sf1", "lineitem", &err);
  cr_assert_eq(m->row_count, 6001215);
  table_metadata_free(m);
  c->ops->destroy(c);
}

Test(tpch_connector, standard_names_and_decimal_types) {
  const char *kv[] = {"tpch.column-naming", "STANDARD", "tpch.double-type-mapping", "decimal"};
  connector *c = make(2, kv);
  shoal_error err = {0};
  table_metadata *m = c->ops->get_table(c, "tiny", "lineitem", &err);
  cr_assert_str_eq(m->columns[0].name, "l_orderkey");
  cr_assert_str_eq(m->columns[15].name, "l_comment");
  assert_type(m->columns[4].type, "decimal(12,2)");
  assert_type(m->columns[5].type, "decimal(12,2)");
  assert_type(m->columns[6].type, "decimal(12,2)");
  table_metadata_free(m);
  m = c->ops->get_table(c, "tiny", "part", &err);
  cr_assert_str_eq(m->columns[7].name, "p_retailprice");
  assert_type(m->columns[7].type, "decimal(12,2)");
  assert_type(m->columns[5].type, "integer");
  table_metadata_free(m);
  c->ops->destroy(c);
}

Test(tpch_connector, bad_properties_are_refused) {
  const char *cases[][2] = {
    {"tpch.column-naming", "FANCY"},      {"tpch.double-type-mapping", "REAL"},
    {"tpch.splits-per-node", "0"},        {"tpch.splits-per-node", "two"},
    {"tpch.predicate-pushdown-enabled", "yes"}, {"tpch.no-such-thing", "1"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    connector_property p = {cases[i][0], cases[i][1]};
    connector_properties props = {&p, 1};
    shoal_error err = {0};
    cr_assert_null(tpch_connector_factory.create("mycat", &props, &err));
    cr_assert_eq(err.code, ERR_INVALID_CATALOG_PROPERTY);
    cr_assert(strstr(err.message, cases[i][0]) != NULL, "message names the key: %s", err.message);
  }
}

/* Scans a table through its splits, in split order, collecting pages. */
typedef struct scan {
  page **pages;
  int count;
  int64_t rows;
} scan;

static scan run_scan(connector *c, const char *schema, const char *table, const int *cols,
                     int ncols, const column_range *ranges, int nranges, int64_t limit,
                     int desired) {
  shoal_error err = {0};
  table_metadata *m = c->ops->get_table(c, schema, table, &err);
  cr_assert_not_null(m);
  scan_request req = {cols, ncols, ranges, nranges, limit};
  split_list splits = {0};
  cr_assert(c->ops->get_splits(c, m, &req, desired, &splits, &err), "%s", err.message);
  scan s = {0};
  for (int i = 0; i < splits.count; i++) {
    page_source *src = c->ops->open_page_source(c, m, &splits.items[i], &req, &err);
    cr_assert_not_null(src, "%s", err.message);
    for (;;) {
      page *p;
      source_wait w;
      source_status st = src->ops->next(src, &p, &w, &err);
      cr_assert_neq(st, SOURCE_FAILED, "%s", err.message);
      if (st == SOURCE_BLOCKED) {
        /* only while the generator warms up, and only on a timer */
        cr_assert_eq(w.kind, SOURCE_WAIT_UNTIL);
        usleep(1000);
        continue;
      }
      if (st == SOURCE_FINISHED) break;
      s.pages = realloc(s.pages, sizeof *s.pages * (size_t)(s.count + 1));
      s.pages[s.count++] = p;
      s.rows += p->row_count;
    }
    src->ops->close(src);
  }
  split_list_free(&splits);
  table_metadata_free(m);
  return s;
}

static void scan_free(scan *s) {
  for (int i = 0; i < s->count; i++) page_unref(s->pages[i]);
  free(s->pages);
}

/* Every value of a lineitem scan equals the generator's, converted. */
static void check_lineitem_scan(bool decimal) {
  const char *kv[] = {"tpch.double-type-mapping", decimal ? "DECIMAL" : "DOUBLE"};
  connector *c = make(1, kv);
  int cols[16];
  for (int i = 0; i < 16; i++) cols[i] = i;
  scan s = run_scan(c, "tiny", "lineitem", cols, 16, NULL, 0, -1, 3);
  cr_assert_eq(s.rows, 60175);
  tpch_scale sc;
  tpch_scale_init(&sc, 0.01);
  tpch_cursor *cur;
  tpch_batch b;
  cr_assert_eq(tpch_cursor_open(&cur, &sc, TPCH_LINEITEM, 0, sc.orders), TPCH_OK);
  cr_assert_eq(tpch_batch_alloc_columns(&b, TPCH_LINEITEM, 1), TPCH_OK);
  for (int pi = 0; pi < s.count; pi++) {
    page *p = s.pages[pi];
    for (uint32_t r = 0; r < p->row_count; r++) {
      cr_assert_eq(tpch_cursor_next(cur, &b), 1);
      cr_assert_eq(((int64_t *)p->columns[0].data)[r], ((int64_t *)b.columns[0])[0]);
      cr_assert_eq(((int32_t *)p->columns[3].data)[r], ((int32_t *)b.columns[3])[0]);
      int64_t qty = ((int64_t *)b.columns[4])[0], price = ((int64_t *)b.columns[5])[0];
      if (decimal) {
        cr_assert_eq(((int64_t *)p->columns[4].data)[r], qty * 100);
        cr_assert_eq(((int64_t *)p->columns[5].data)[r], price);
      } else {
        cr_assert_eq(((double *)p->columns[4].data)[r], (double)qty);
        cr_assert_eq(((double *)p->columns[5].data)[r], price / 100.0);
      }
      cr_assert_eq(((int32_t *)p->columns[10].data)[r], ((int32_t *)b.columns[10])[0]);
      string_view sv = ((string_view *)p->columns[15].data)[r];
      tpch_str want = ((tpch_str *)b.columns[15])[0];
      cr_assert_eq(sv.length, (uint32_t)want.len);
      cr_assert(memcmp(string_view_data(&sv), want.ptr, sv.length) == 0);
    }
  }
  cr_assert_eq(tpch_cursor_next(cur, &b), 0);
  tpch_batch_free_columns(&b);
  tpch_cursor_close(cur);
  scan_free(&s);
  c->ops->destroy(c);
}

Test(tpch_connector, lineitem_scan_equals_generator_double) { check_lineitem_scan(false); }
Test(tpch_connector, lineitem_scan_equals_generator_decimal) { check_lineitem_scan(true); }

Test(tpch_connector, split_counts_and_row_totals) {
  const char *kv[] = {"tpch.splits-per-node", "5"};
  connector *c = make(1, kv);
  const char *tables[] = {"part", "partsupp", "supplier", "customer", "orders", "nation", "region"};
  const int64_t rows[] = {2000, 8000, 100, 1500, 15000, 25, 5};
  for (int t = 0; t < 7; t++) {
    int col = 0;
    scan s = run_scan(c, "tiny", tables[t], &col, 1, NULL, 0, -1, 0);
    cr_assert_eq(s.rows, rows[t], "%s", tables[t]);
    scan_free(&s);
  }
  c->ops->destroy(c);
}

Test(tpch_connector, count_only_duplicates_and_limit) {
  connector *c = make(0, NULL);
  scan s = run_scan(c, "tiny", "orders", NULL, 0, NULL, 0, -1, 2);
  cr_assert_eq(s.rows, 15000);
  cr_assert_eq(s.pages[0]->column_count, 0);
  scan_free(&s);
  int dup[] = {8, 0, 8, 3};
  s = run_scan(c, "tiny", "orders", dup, 4, NULL, 0, -1, 1);
  page *p = s.pages[0];
  string_view a = ((string_view *)p->columns[0].data)[5], b = ((string_view *)p->columns[2].data)[5];
  cr_assert(string_view_equal(&a, &b));
  cr_assert_eq(((int64_t *)p->columns[1].data)[5], 6);
  cr_assert_eq(((double *)p->columns[3].data)[0], 172799.49);
  scan_free(&s);
  s = run_scan(c, "tiny", "lineitem", dup + 1, 1, NULL, 0, 10, 1);
  cr_assert_eq(s.rows, 10);
  scan_free(&s);
  c->ops->destroy(c);
}

Test(tpch_connector, orderkey_range_prunes_scan) {
  connector *c = make(0, NULL);
  column_range r = {.column = 0, .has_low = true, .low_inclusive = true, .has_high = true,
                    .high_inclusive = false, .low = value_bigint(100), .high = value_bigint(200)};
  int col = 0;
  scan s = run_scan(c, "tiny", "lineitem", &col, 1, &r, 1, -1, 4);
  int64_t in_range = 0;
  for (int i = 0; i < s.count; i++)
    for (uint32_t k = 0; k < s.pages[i]->row_count; k++) {
      int64_t key = ((int64_t *)s.pages[i]->columns[0].data)[k];
      in_range += key >= 100 && key < 200;
    }
  /* Keys 100..199 are orders 28..55 (8 of every 32 keys): units [27, 55). */
  cr_assert_gt(in_range, 0);
  cr_assert_eq(in_range, s.rows, "pruning kept only matching orders");
  tpch_scale sc;
  tpch_scale_init(&sc, 0.01);
  cr_assert_eq(s.rows, tpch_lineitem_count(&sc, 27, 55));
  scan_free(&s);
  c->ops->destroy(c);
}

Test(tpch_connector, transient_strings_survive_later_pages) {
  const char *kv[] = {"tpch.max-rows-per-page", "100"};
  connector *c = make(1, kv);
  int cols[] = {1, 2, 4};
  scan s = run_scan(c, "tiny", "customer", cols, 3, NULL, 0, -1, 1);
  cr_assert_eq(s.count, 15);
  string_view name = ((string_view *)s.pages[0]->columns[0].data)[0];
  cr_assert_eq(name.length, 18);
  cr_assert(memcmp(string_view_data(&name), "Customer#000000001", 18) == 0);
  string_view phone = ((string_view *)s.pages[0]->columns[2].data)[0];
  cr_assert(memcmp(string_view_data(&phone), "25-989-741-2988", 15) == 0);
  string_view addr = ((string_view *)s.pages[0]->columns[1].data)[1];
  cr_assert(memcmp(string_view_data(&addr), "XSTf4,NCwDVaWNe6tEgvwfmRchLXak", 30) == 0);
  scan_free(&s);
  c->ops->destroy(c);
}

Test(tpch_connector, malformed_splits_are_refused) {
  connector *c = make(0, NULL);
  shoal_error err = {0};
  table_metadata *m = c->ops->get_table(c, "tiny", "orders", &err);
  table_metadata *other = c->ops->get_table(c, "tiny", "part", &err);
  int col = 0;
  scan_request req = {&col, 1, NULL, 0, -1};
  split_list splits = {0};
  cr_assert(c->ops->get_splits(c, m, &req, 2, &splits, &err));
  split bad = splits.items[0];
  bad.size = 3;
  cr_assert_null(c->ops->open_page_source(c, m, &bad, &req, &err));
  cr_assert(error_is_set(&err));
  error_clear(&err);
  cr_assert_null(c->ops->open_page_source(c, other, &splits.items[0], &req, &err));
  cr_assert(error_is_set(&err));
  error_clear(&err);
  unsigned char garbage[64];
  memset(garbage, 0xAB, sizeof garbage);
  split g = {garbage, splits.items[0].size, NULL};
  cr_assert_null(c->ops->open_page_source(c, m, &g, &req, &err));
  error_clear(&err);
  int badcol = 99;
  scan_request req2 = {&badcol, 1, NULL, 0, -1};
  cr_assert_null(c->ops->open_page_source(c, m, &splits.items[0], &req2, &err));
  cr_assert_eq(err.code, ERR_COLUMN_NOT_FOUND);
  split_list_free(&splits);
  table_metadata_free(m);
  table_metadata_free(other);
  c->ops->destroy(c);
}
