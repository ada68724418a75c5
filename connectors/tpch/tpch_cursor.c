/*
 * tpch_cursor.c — library entry points: one-time initialisation, cursors
 * over a range of a table (seek by skip-ahead, then step row by row), and
 * batch column allocation for text writers.
 */
#include "connectors/tpch/tpch_internal.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static int init_status = TPCH_ERR_NOINIT;

static atomic_bool init_done;

static void init_run(void) {
  tpch_calendar_init();
  int rc = tpch_dists_load();
  if (rc == TPCH_OK) rc = tpch_text_pool_build();
  init_status = rc;
  atomic_store_explicit(&init_done, true, memory_order_release);
}

bool tpch_init_ready(void) {
  return atomic_load_explicit(&init_done, memory_order_acquire);
}

int tpch_init(void) {
  pthread_once(&init_once, init_run);
  return init_status;
}

const char *tpch_strerror(int status) {
  switch (status) {
  case TPCH_OK: return "ok";
  case TPCH_ERR_ARG: return "invalid argument";
  case TPCH_ERR_NOMEM: return "out of memory";
  case TPCH_ERR_DISTS: return "the embedded dists.dss did not parse";
  case TPCH_ERR_NOINIT: return "tpch_init() was not called or failed";
  default: return "unknown error";
  }
}

/* Draws per unit of a stream: dbgen's boundary, except partsupp rows, which
 * take a quarter of their part's budget each (every supplier uses exactly its
 * share). */
static int64_t unit_boundary(tpch_table t, int stream) {
  int64_t b = tpch_stream_defs[stream].boundary;
  return t == TPCH_PARTSUPP ? b / 4 : b;
}

int tpch_cursor_reset(tpch_cursor *c, int64_t start, int64_t end) {
  if (!c || start < 0 || end < start || end > tpch_unit_count(&c->scale, c->table))
    return TPCH_ERR_ARG;
  c->next = start;
  c->end = end;
  c->pending_next_line = -1;
  for (int i = 0; i < c->stream_count; i++) {
    int s = c->streams[i];
    c->row_seed[s] = tpch_rng_skip(tpch_stream_defs[s].seed, start * unit_boundary(c->table, s));
  }
  return TPCH_OK;
}

int tpch_cursor_open(tpch_cursor **out, const tpch_scale *scale, tpch_table table,
                     int64_t start, int64_t end) {
  if (!out || !scale || (int)table < 0 || table >= TPCH_TABLE_COUNT) return TPCH_ERR_ARG;
  *out = NULL;
  if (!tpch_text_pool) return TPCH_ERR_NOINIT;
  if (start < 0 || end < start || end > tpch_unit_count(scale, table)) return TPCH_ERR_ARG;
  tpch_cursor *c = calloc(1, sizeof *c);
  if (!c) return TPCH_ERR_NOMEM;
  c->scale = *scale;
  c->table = table;
  c->streams = tpch_table_streams(table, &c->stream_count);
  for (int i = 0; i < c->stream_count; i++) {
    int s = c->streams[i];
    c->step[s] = tpch_rng_power(unit_boundary(table, s));
  }
  for (int i = 0; i < 92; i++) c->perm[i] = (uint8_t)i;
  tpch_cursor_reset(c, start, end);
  *out = c;
  return TPCH_OK;
}

void tpch_cursor_close(tpch_cursor *c) {
  if (!c) return;
  free(c->arena);
  free(c);
}

static int ensure_arena(tpch_cursor *c, int32_t rows) {
  size_t need = tpch_arena_bytes_per_row(c->table) * (size_t)rows;
  if (need > c->arena_cap) {
    char *p = realloc(c->arena, need);
    if (!p) return TPCH_ERR_NOMEM;
    c->arena = p;
    c->arena_cap = need;
  }
  c->arena_used = 0;
  return TPCH_OK;
}

int32_t tpch_cursor_next(tpch_cursor *c, tpch_batch *b) {
  if (!c || !b || b->capacity <= 0) return TPCH_ERR_ARG;
  b->count = 0;
  int rc = ensure_arena(c, b->capacity);
  if (rc != TPCH_OK) return rc;
  int32_t n = 0;
  switch (c->table) {
  case TPCH_PART: n = tpch_gen_part(c, b); break;
  case TPCH_PARTSUPP: n = tpch_gen_partsupp(c, b); break;
  case TPCH_SUPPLIER: n = tpch_gen_supplier(c, b); break;
  case TPCH_CUSTOMER: n = tpch_gen_customer(c, b); break;
  case TPCH_ORDERS: n = tpch_gen_orders(c, b); break;
  case TPCH_LINEITEM: n = tpch_gen_lineitem(c, b); break;
  case TPCH_NATION: n = tpch_gen_nation(c, b); break;
  case TPCH_REGION: n = tpch_gen_region(c, b); break;
  default: return TPCH_ERR_ARG;
  }
  b->count = n;
  return n;
}

static size_t type_size(tpch_type t) {
  switch (t) {
  case TPCH_TYPE_INT32:
  case TPCH_TYPE_DATE: return sizeof(int32_t);
  case TPCH_TYPE_STRING: return sizeof(tpch_str);
  default: return sizeof(int64_t);
  }
}

/* Column arrays are kept 16-byte aligned inside the one block. */
static size_t column_bytes(tpch_type t, int32_t capacity) {
  return (type_size(t) * (size_t)capacity + 15) & ~(size_t)15;
}

int tpch_batch_alloc_columns(tpch_batch *b, tpch_table table, int32_t capacity) {
  const tpch_table_info *info = tpch_table_get(table);
  if (!b || !info || capacity <= 0) return TPCH_ERR_ARG;
  memset(b, 0, sizeof *b);
  size_t total = 0;
  for (int i = 0; i < info->column_count; i++)
    total += column_bytes(info->columns[i].type, capacity);
  char *block = malloc(total);
  if (!block) return TPCH_ERR_NOMEM;
  size_t off = 0;
  for (int i = 0; i < info->column_count; i++) {
    b->columns[i] = block + off;
    off += column_bytes(info->columns[i].type, capacity);
  }
  b->capacity = capacity;
  return TPCH_OK;
}

void tpch_batch_free_columns(tpch_batch *b) {
  if (!b) return;
  free(b->columns[0]);  /* the block starts at column 0 */
  memset(b->columns, 0, sizeof b->columns);
}
