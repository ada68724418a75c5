/*
 * tpchgen_main.c — shoal-tpchgen: prints a TPC-H table to stdout exactly as
 * dbgen 2.14 writes its .tbl files ('|' after every field).
 *
 *   shoal-tpchgen --scale S --table T [--part i/n] [--threads k]
 *
 * --part i/n prints the i-th of n contiguous slices (orders and lineitem are
 * sliced by order, partsupp by part); the slices concatenate to the table.
 * --threads k generates with k threads; the output is the same bytes.
 */
#include "connectors/tpch/tpch.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { BATCH_ROWS = 4096, CHUNK_UNITS_MAX = 1 << 16, MAX_THREADS = 64 };

typedef struct options {
  double scale;
  tpch_table table;
  int64_t part_i, part_n;
  int threads;
} options;

static void usage(FILE *f) {
  fprintf(f,
          "usage: shoal-tpchgen --scale S --table T [--part i/n] [--threads k]\n"
          "  T: part partsupp supplier customer orders lineitem nation region\n");
}

static int parse_options(int argc, char **argv, options *o) {
  o->scale = -1;
  o->table = TPCH_TABLE_COUNT;
  o->part_i = o->part_n = 1;
  o->threads = 1;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
      usage(stdout);
      exit(0);
    }
    if (!v) {
      fprintf(stderr, "shoal-tpchgen: %s needs a value\n", a);
      return -1;
    }
    char *end;
    if (strcmp(a, "--scale") == 0) {
      errno = 0;
      o->scale = strtod(v, &end);
      if (errno || *end || !(o->scale > 0)) {
        fprintf(stderr, "shoal-tpchgen: bad --scale '%s'\n", v);
        return -1;
      }
    } else if (strcmp(a, "--table") == 0) {
      if (tpch_table_from_name(v, &o->table) != TPCH_OK) {
        fprintf(stderr, "shoal-tpchgen: unknown table '%s'\n", v);
        return -1;
      }
    } else if (strcmp(a, "--part") == 0) {
      long long pi, pn;
      char tail;
      if (sscanf(v, "%lld/%lld%c", &pi, &pn, &tail) != 2 || pn < 1 || pi < 1 || pi > pn) {
        fprintf(stderr, "shoal-tpchgen: bad --part '%s' (want i/n, 1 <= i <= n)\n", v);
        return -1;
      }
      o->part_i = pi;
      o->part_n = pn;
    } else if (strcmp(a, "--threads") == 0) {
      long t = strtol(v, &end, 10);
      if (*end || t < 1 || t > MAX_THREADS) {
        fprintf(stderr, "shoal-tpchgen: bad --threads '%s' (1..%d)\n", v, MAX_THREADS);
        return -1;
      }
      o->threads = (int)t;
    } else {
      fprintf(stderr, "shoal-tpchgen: unknown option '%s'\n", a);
      return -1;
    }
    i++;
  }
  if (o->scale < 0 || o->table == TPCH_TABLE_COUNT) {
    usage(stderr);
    return -1;
  }
  return 0;
}

static int write_all(const char *p, size_t n) {
  while (n > 0) {
    ssize_t w = write(STDOUT_FILENO, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    p += w;
    n -= (size_t)w;
  }
  return 0;
}

/* A text buffer that grows by doubling (never per row). */
typedef struct text_buf {
  char *p;
  size_t len, cap;
} text_buf;

/* Renders units [start, end) of a table as text into buf (replacing it). */
static int render(tpch_cursor *cur, tpch_table table, tpch_batch *b, int64_t start,
                  int64_t end, text_buf *buf) {
  int rc = tpch_cursor_reset(cur, start, end);
  if (rc != TPCH_OK) return rc;
  buf->len = 0;
  size_t row_max = tpch_text_row_max(table);
  int32_t n;
  while ((n = tpch_cursor_next(cur, b)) > 0) {
    size_t need = buf->len + (size_t)n * row_max;
    if (need > buf->cap) {
      size_t nc = buf->cap ? buf->cap : (size_t)1 << 20;
      while (nc < need) nc *= 2;
      char *p = realloc(buf->p, nc);
      if (!p) return TPCH_ERR_NOMEM;
      buf->p = p;
      buf->cap = nc;
    }
    buf->len += tpch_text_format(table, b, buf->p + buf->len);
  }
  return n < 0 ? n : TPCH_OK;
}

/* Output in chunks of units. Chunk k is made by thread k % threads into slot
 * k % slots (two per thread) and written by the main thread in order. */
typedef struct slot {
  text_buf buf;
  int64_t filled;     /* chunk index held, or -1 */
  int64_t free_for;   /* chunk index the slot may take next */
  int status;
} slot;

typedef struct job {
  const tpch_scale *scale;
  tpch_table table;
  int64_t start, end, chunk_units, chunk_count;
  int threads, slot_count;
  slot *slots;
  pthread_mutex_t mu;
  pthread_cond_t cv;
  int failed;
} job;

typedef struct worker {
  job *job;
  int index;
} worker;

static void chunk_range(const job *j, int64_t k, int64_t *a, int64_t *b) {
  *a = j->start + k * j->chunk_units;
  *b = *a + j->chunk_units < j->end ? *a + j->chunk_units : j->end;
}

static void *worker_main(void *arg) {
  worker *w = arg;
  job *j = w->job;
  tpch_cursor *cur = NULL;
  tpch_batch b;
  int rc = tpch_cursor_open(&cur, j->scale, j->table, j->start, j->start);
  if (rc == TPCH_OK) rc = tpch_batch_alloc_columns(&b, j->table, BATCH_ROWS);
  for (int64_t k = w->index; k < j->chunk_count; k += j->threads) {
    slot *s = &j->slots[k % j->slot_count];
    pthread_mutex_lock(&j->mu);
    while (s->free_for != k && !j->failed) pthread_cond_wait(&j->cv, &j->mu);
    int stop = j->failed;
    pthread_mutex_unlock(&j->mu);
    if (stop) break;
    int64_t a, e;
    chunk_range(j, k, &a, &e);
    int st = rc == TPCH_OK ? render(cur, j->table, &b, a, e, &s->buf) : rc;
    pthread_mutex_lock(&j->mu);
    s->status = st;
    s->filled = k;
    pthread_cond_broadcast(&j->cv);
    pthread_mutex_unlock(&j->mu);
  }
  if (rc == TPCH_OK) tpch_batch_free_columns(&b);
  tpch_cursor_close(cur);
  return NULL;
}

static int run_threads(job *j) {
  pthread_t tids[MAX_THREADS];
  worker ws[MAX_THREADS];
  int started = 0, status = TPCH_OK;
  for (int i = 0; i < j->threads; i++) {
    ws[i] = (worker){j, i};
    if (pthread_create(&tids[i], NULL, worker_main, &ws[i]) != 0) {
      status = TPCH_ERR_NOMEM;
      break;
    }
    started++;
  }
  for (int64_t k = 0; status == TPCH_OK && k < j->chunk_count; k++) {
    slot *s = &j->slots[k % j->slot_count];
    pthread_mutex_lock(&j->mu);
    while (s->filled != k) pthread_cond_wait(&j->cv, &j->mu);
    pthread_mutex_unlock(&j->mu);
    status = s->status;
    if (status == TPCH_OK && write_all(s->buf.p, s->buf.len) != 0) status = -100;
    pthread_mutex_lock(&j->mu);
    s->filled = -1;
    s->free_for = k + j->slot_count;
    pthread_cond_broadcast(&j->cv);
    pthread_mutex_unlock(&j->mu);
  }
  if (status != TPCH_OK) {
    pthread_mutex_lock(&j->mu);
    j->failed = 1;
    pthread_cond_broadcast(&j->cv);
    pthread_mutex_unlock(&j->mu);
  }
  for (int i = 0; i < started; i++) pthread_join(tids[i], NULL);
  return status;
}

int main(int argc, char **argv) {
  options o;
  if (parse_options(argc, argv, &o) != 0) return 2;
  tpch_scale scale;
  int rc = tpch_scale_init(&scale, o.scale);
  if (rc != TPCH_OK) {
    fprintf(stderr, "shoal-tpchgen: bad scale factor %g\n", o.scale);
    return 2;
  }
  rc = tpch_init();
  if (rc != TPCH_OK) {
    fprintf(stderr, "shoal-tpchgen: %s\n", tpch_strerror(rc));
    return 1;
  }
  job j = {.scale = &scale, .table = o.table, .threads = o.threads};
  tpch_slice(&scale, o.table, o.part_i, o.part_n, &j.start, &j.end);
  int64_t units = j.end - j.start;
  j.chunk_units = CHUNK_UNITS_MAX;
  if (o.table == TPCH_PARTSUPP) j.chunk_units = CHUNK_UNITS_MAX / 4 * 4;
  j.chunk_count = units == 0 ? 0 : (units + j.chunk_units - 1) / j.chunk_units;
  j.slot_count = 2 * o.threads;
  j.slots = calloc((size_t)j.slot_count, sizeof *j.slots);
  if (!j.slots) return 1;
  for (int i = 0; i < j.slot_count; i++) {
    j.slots[i].filled = -1;
    j.slots[i].free_for = i;
  }
  pthread_mutex_init(&j.mu, NULL);
  pthread_cond_init(&j.cv, NULL);
  rc = run_threads(&j);
  for (int i = 0; i < j.slot_count; i++) free(j.slots[i].buf.p);
  free(j.slots);
  if (rc == -100) {
    fprintf(stderr, "shoal-tpchgen: write error: %s\n", strerror(errno));
    return 1;
  }
  if (rc != TPCH_OK) {
    fprintf(stderr, "shoal-tpchgen: %s\n", tpch_strerror(rc));
    return 1;
  }
  return 0;
}
