/*
 * bench_tpchgen.c — how fast shoal_tpch makes each TPC-H table: rows/s of
 * columnar generation (all columns, 2048-row batches, as a scan would ask)
 * and MB/s of dbgen text (generation + formatting, not written anywhere), on
 * 1 and 2 threads, each thread taking a contiguous slice. Prints a table with
 * the targets beside, or one JSON object with --json.
 *
 *   bench_tpchgen [--scale S] [--table T]... [--json]
 *
 * Also the tpch connector's page sources (all columns, Trino's DOUBLE
 * mapping, SPI pages of 2048 rows) on 1 and 2 threads: the scan speed the
 * engine sees.
 *
 * Target: every table at SF1 in under 1 s of columnar generation on 2
 * threads (lineitem, 6,001,215 rows, is the one that matters; dbgen takes
 * ~17 s single-threaded).
 */
#include "connectors/tpch/tpch.h"
#include "connectors/tpch/tpch_connector.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { BATCH = 2048, MAX_THREADS = 2 };
static const double TARGET_SECONDS_2T_AT_SF1 = 1.0;

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

typedef struct run {
  const tpch_scale *scale;
  tpch_table table;
  int64_t start, end;
  int text;
  int64_t rows;
  int64_t bytes;
  uint64_t checksum;   /* keeps the work from being optimised away */
} run;

static void *run_slice(void *arg) {
  run *r = arg;
  tpch_cursor *c;
  tpch_batch b;
  if (tpch_cursor_open(&c, r->scale, r->table, r->start, r->end) != TPCH_OK) return NULL;
  if (tpch_batch_alloc_columns(&b, r->table, BATCH) != TPCH_OK) {
    tpch_cursor_close(c);
    return NULL;
  }
  char *text = r->text ? malloc((size_t)BATCH * tpch_text_row_max(r->table)) : NULL;
  int32_t n;
  while ((n = tpch_cursor_next(c, &b)) > 0) {
    r->rows += n;
    r->checksum += (uint64_t)((int64_t *)b.columns[0])[n - 1];
    if (text) {
      size_t len = tpch_text_format(r->table, &b, text);
      r->bytes += (int64_t)len;
      r->checksum += (unsigned char)text[len - 2];
    }
  }
  free(text);
  tpch_batch_free_columns(&b);
  tpch_cursor_close(c);
  return NULL;
}

/* One page source per thread over splits [i] of the connector's splits. */
typedef struct scan_run {
  connector *c;
  table_metadata *m;
  const split *sp;
  const scan_request *req;
  int64_t rows;
} scan_run;

static void *scan_slice(void *arg) {
  scan_run *r = arg;
  shoal_error err = {0};
  page_source *src = r->c->ops->open_page_source(r->c, r->m, r->sp, r->req, &err);
  if (!src) return NULL;
  for (;;) {
    page *p;
    source_wait w;
    if (src->ops->next(src, &p, &w, &err) != SOURCE_PAGE) break;
    r->rows += p->row_count;
    page_unref(p);
  }
  src->ops->close(src);
  return NULL;
}

typedef struct result {
  int64_t rows, bytes;
  double seconds;
} result;

static result measure(const tpch_scale *s, tpch_table t, int threads, int text) {
  run runs[MAX_THREADS];
  pthread_t tids[MAX_THREADS];
  double t0 = now();
  for (int i = 0; i < threads; i++) {
    runs[i] = (run){.scale = s, .table = t, .text = text};
    tpch_slice(s, t, i + 1, threads, &runs[i].start, &runs[i].end);
    pthread_create(&tids[i], NULL, run_slice, &runs[i]);
  }
  result res = {0};
  uint64_t sum = 0;
  for (int i = 0; i < threads; i++) {
    pthread_join(tids[i], NULL);
    res.rows += runs[i].rows;
    res.bytes += runs[i].bytes;
    sum += runs[i].checksum;
  }
  res.seconds = now() - t0;
  if (sum == 42) fprintf(stderr, " ");
  return res;
}

static result measure_connector(connector *c, double sf, tpch_table t, int threads) {
  char schema[32];
  snprintf(schema, sizeof schema, "sf%g", sf);
  if (sf == 0.01) snprintf(schema, sizeof schema, "tiny");
  shoal_error err = {0};
  result res = {0};
  table_metadata *m = c->ops->get_table(c, schema, tpch_table_get(t)->name, &err);
  if (!m) return res;
  int cols[TPCH_MAX_COLUMNS];
  for (int i = 0; i < m->column_count; i++) cols[i] = i;
  scan_request req = {cols, m->column_count, NULL, 0, -1};
  split_list splits = {0};
  if (!c->ops->get_splits(c, m, &req, threads, &splits, &err)) {
    table_metadata_free(m);
    return res;
  }
  scan_run runs[MAX_THREADS];
  pthread_t tids[MAX_THREADS];
  int n = splits.count < MAX_THREADS ? splits.count : MAX_THREADS;
  double t0 = now();
  for (int i = 0; i < n; i++) {
    runs[i] = (scan_run){c, m, &splits.items[i], &req, 0};
    pthread_create(&tids[i], NULL, scan_slice, &runs[i]);
  }
  for (int i = 0; i < n; i++) {
    pthread_join(tids[i], NULL);
    res.rows += runs[i].rows;
  }
  res.seconds = now() - t0;
  split_list_free(&splits);
  table_metadata_free(m);
  return res;
}

int main(int argc, char **argv) {
  double sf = 1.0;
  int json = 0;
  int want[TPCH_TABLE_COUNT] = {0}, any = 0;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--json") == 0) {
      json = 1;
    } else if (strcmp(argv[i], "--scale") == 0 && i + 1 < argc) {
      sf = strtod(argv[++i], NULL);
    } else if (strcmp(argv[i], "--table") == 0 && i + 1 < argc) {
      tpch_table t;
      if (tpch_table_from_name(argv[++i], &t) != TPCH_OK) {
        fprintf(stderr, "bench_tpchgen: unknown table %s\n", argv[i]);
        return 2;
      }
      want[t] = any = 1;
    } else {
      fprintf(stderr, "usage: bench_tpchgen [--scale S] [--table T]... [--json]\n");
      return 2;
    }
  }
  tpch_scale s;
  if (tpch_scale_init(&s, sf) != TPCH_OK) {
    fprintf(stderr, "bench_tpchgen: bad scale %g\n", sf);
    return 2;
  }
  double t0 = now();
  int rc = tpch_init();
  double init_s = now() - t0;
  if (rc != TPCH_OK) {
    fprintf(stderr, "bench_tpchgen: %s\n", tpch_strerror(rc));
    return 1;
  }
  shoal_error err = {0};
  connector *conn = tpch_connector_factory.create("tpch", NULL, &err);
  if (!conn) {
    fprintf(stderr, "bench_tpchgen: %s\n", err.message);
    return 1;
  }
  const tpch_table order[] = {TPCH_LINEITEM, TPCH_ORDERS, TPCH_PARTSUPP, TPCH_PART,
                              TPCH_CUSTOMER, TPCH_SUPPLIER, TPCH_NATION, TPCH_REGION};
  /* The target scales with the data: 1 s per unit of scale factor. */
  double target_s = TARGET_SECONDS_2T_AT_SF1 * (sf < 1 ? 1 : sf);
  if (json)
    printf("{\"bench\":\"tpchgen\",\"scale\":%g,\"batch_rows\":%d,\"init_seconds\":%.3f,"
           "\"target_seconds_2_threads\":%.2f,\"tables\":{", sf, BATCH, init_s, target_s);
  else
    printf("tpchgen SF%g: init (dists + 300 MiB text pool) %.3f s; batches of %d rows\n"
           "%-9s %10s | %9s %11s | %9s %11s %6s | %9s %9s | %8s %8s | target(2t)\n",
           sf, init_s, BATCH, "table", "rows", "gen 1t s", "rows/s", "gen 2t s", "rows/s",
           "speedup", "text1 MB/s", "text2 MB/s", "conn 1t", "conn 2t");
  int first = 1, all_pass = 1;
  for (size_t k = 0; k < sizeof order / sizeof order[0]; k++) {
    tpch_table t = order[k];
    if (any && !want[t]) continue;
    result g1 = measure(&s, t, 1, 0), g2 = measure(&s, t, 2, 0);
    result x1 = measure(&s, t, 1, 1), x2 = measure(&s, t, 2, 1);
    result c1 = measure_connector(conn, sf, t, 1), c2 = measure_connector(conn, sf, t, 2);
    int pass = g2.seconds <= target_s;
    all_pass &= pass;
    const char *name = tpch_table_get(t)->name;
    if (json) {
      printf("%s\"%s\":{\"rows\":%lld,\"gen_1t_seconds\":%.4f,\"gen_1t_rows_per_s\":%.0f,"
             "\"gen_2t_seconds\":%.4f,\"gen_2t_rows_per_s\":%.0f,\"text_bytes\":%lld,"
             "\"text_1t_seconds\":%.4f,\"text_1t_mb_per_s\":%.1f,\"text_2t_seconds\":%.4f,"
             "\"text_2t_mb_per_s\":%.1f,\"connector_1t_seconds\":%.4f,"
             "\"connector_2t_seconds\":%.4f,\"connector_2t_rows_per_s\":%.0f,"
             "\"target_2t_seconds\":%.2f,\"pass\":%s}",
             first ? "" : ",", name, (long long)g1.rows, g1.seconds, g1.rows / g1.seconds,
             g2.seconds, g2.rows / g2.seconds, (long long)x1.bytes, x1.seconds,
             x1.bytes / x1.seconds / 1e6, x2.seconds, x2.bytes / x2.seconds / 1e6, c1.seconds,
             c2.seconds, c2.rows / c2.seconds, target_s, pass ? "true" : "false");
    } else {
      printf("%-9s %10lld | %9.3f %11.0f | %9.3f %11.0f %5.2fx | %9.0f %9.0f | %8.3f %8.3f | "
             "%.2f s %s\n",
             name, (long long)g1.rows, g1.seconds, g1.rows / g1.seconds, g2.seconds,
             g2.rows / g2.seconds, g1.seconds / g2.seconds, x1.bytes / x1.seconds / 1e6,
             x2.bytes / x2.seconds / 1e6, c1.seconds, c2.seconds, target_s,
             pass ? "ok" : "MISSED");
    }
    first = 0;
  }
  if (json) printf("},\"pass\":%s}\n", all_pass ? "true" : "false");
  conn->ops->destroy(conn);
  return 0;
}
