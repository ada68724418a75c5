/*
 * tpch_connector.c — the `tpch` connector: metadata as Trino's TpchMetadata
 * (schemas, tables, column names and types, statistics), splits as
 * contiguous unit ranges (dbgen's -C/-S chunks), and page sources that fill
 * SPI vectors straight from the generator (keys, integers, dates and decimal
 * money are written in place; double money is converted; comments point into
 * the immortal text pool without copying).
 */
#include "connectors/tpch/tpch_connector.h"

#include "connectors/spi/catalog.h"
#include "connectors/tpch/tpch.h"

#include <ctype.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

enum { SPLIT_MAGIC = 0x48435054 /* "TPCH" */, SPLIT_VERSION = 1 };

typedef struct tpch_connector {
  connector base;
  bool standard_names;       /* tpch.column-naming=STANDARD */
  bool decimal_money;        /* tpch.double-type-mapping=DECIMAL */
  int splits_per_node;       /* 0: not set */
  int max_rows_per_page;
  bool pushdown;
  pthread_mutex_t mu;        /* guards the lineitem count cache */
  double cached_lineitem_sf;
  int64_t cached_lineitem_rows;
} tpch_connector;

/* ---- names, types ---------------------------------------------------------- */

double tpch_schema_scale_factor(const char *schema) {
  if (!schema) return -1;
  if (strcmp(schema, "tiny") == 0) return 0.01;
  if (strncmp(schema, "sf", 2) != 0 || schema[2] == '\0' || isspace((unsigned char)schema[2]))
    return -1;
  char *end;
  double sf = strtod(schema + 2, &end);
  if (*end != '\0' || !isfinite(sf) || sf <= 0) return -1;
  tpch_scale s;
  if (tpch_scale_init(&s, sf) != TPCH_OK) return -1;
  return sf;
}

/* Trino lists these; any other sf<N> works too. */
static const char *const listed_schemas[] = {
  "tiny", "sf1", "sf100", "sf300", "sf1000", "sf3000", "sf10000", "sf30000", "sf100000"};
/* Trino's table order (TpchTable.getTables()). */
static const tpch_table listed_tables[] = {
  TPCH_CUSTOMER, TPCH_ORDERS, TPCH_LINEITEM, TPCH_PART, TPCH_PARTSUPP, TPCH_SUPPLIER,
  TPCH_NATION, TPCH_REGION};

static bool is_quantity(tpch_table t, int column) {
  return t == TPCH_LINEITEM && column == 4;
}

/* Trino's type of a column: keys bigint, integers integer, dates date,
 * money and quantity double or decimal(12,2), text varchar(n). */
static sql_type column_sql_type(const tpch_connector *c, tpch_table t, int column) {
  const tpch_column_info *ci = &tpch_table_get(t)->columns[column];
  switch (ci->type) {
  case TPCH_TYPE_INT64:
    if (is_quantity(t, column))
      return c->decimal_money ? type_decimal(12, 2) : type_make(TYPE_DOUBLE);
    return type_make(TYPE_BIGINT);
  case TPCH_TYPE_INT32: return type_make(TYPE_INTEGER);
  case TPCH_TYPE_DATE: return type_make(TYPE_DATE);
  case TPCH_TYPE_MONEY: return c->decimal_money ? type_decimal(12, 2) : type_make(TYPE_DOUBLE);
  case TPCH_TYPE_STRING: return type_varchar(ci->max_length);
  }
  return type_make(TYPE_UNKNOWN);
}

static const char *column_name(const tpch_connector *c, tpch_table t, int column) {
  const tpch_column_info *ci = &tpch_table_get(t)->columns[column];
  return c->standard_names ? ci->name : ci->simple_name;
}

/* ---- statistics ----------------------------------------------------------- */

static int64_t sparse_orderkey(int64_t index) {
  return ((index >> 3) << 5) | (index & 7);
}

static int64_t lineitem_rows(tpch_connector *c, const tpch_scale *s) {
  /* Exact (one RNG step per order) up to SF 10, then the expectation: 4 lines
   * per order. */
  if (s->orders > 15000000) return s->orders * 4;
  pthread_mutex_lock(&c->mu);
  bool hit = c->cached_lineitem_sf == s->factor;
  int64_t rows = c->cached_lineitem_rows;
  pthread_mutex_unlock(&c->mu);
  if (hit) return rows;
  rows = tpch_lineitem_count(s, 0, s->orders);
  pthread_mutex_lock(&c->mu);
  c->cached_lineitem_sf = s->factor;
  c->cached_lineitem_rows = rows;
  pthread_mutex_unlock(&c->mu);
  return rows;
}

typedef struct stat_spec {
  double ndv;            /* 0: unknown */
  bool range;
  double lo, hi;         /* in the column's natural unit: keys, cents, days */
} stat_spec;

/* Distinct counts and ranges that follow from the generator's definition. */
static stat_spec column_stats(const tpch_scale *s, tpch_table t, int col, double rows) {
  const double P = (double)s->part, S = (double)s->supplier, C = (double)s->customer,
               O = (double)s->orders;
  const double day0 = 8035; /* 1992-01-01 */
  stat_spec z = {0};
#define R(n, a, b) (stat_spec){(n), true, (a), (b)}
#define N(n) (stat_spec){(n), false, 0, 0}
  switch (t) {
  case TPCH_PART:
    switch (col) {
    case 0: return R(P, 1, P);
    case 2: return N(5);
    case 3: return N(25);
    case 4: return N(150);
    case 5: return R(50, 1, 50);
    case 6: return N(40);
    case 7: return R(0, 90100, 209900);
    }
    break;
  case TPCH_PARTSUPP:
    switch (col) {
    case 0: return R(P, 1, P);
    case 1: return R(S, 1, S);
    case 2: return R(fmin(9999, rows), 1, 9999);
    case 3: return R(fmin(99901, rows), 100, 100000);
    }
    break;
  case TPCH_SUPPLIER:
    switch (col) {
    case 0: return R(S, 1, S);
    case 1: return N(S);
    case 3: return R(fmin(25, S), 0, 24);
    case 5: return R(0, -99999, 999999);
    }
    break;
  case TPCH_CUSTOMER:
    switch (col) {
    case 0: return R(C, 1, C);
    case 1: return N(C);
    case 3: return R(fmin(25, C), 0, 24);
    case 5: return R(0, -99999, 999999);
    case 6: return N(5);
    }
    break;
  case TPCH_ORDERS:
    switch (col) {
    case 0: return R(O, 1, (double)sparse_orderkey(s->orders));
    case 1: return R(fmin(ceil(C * 2 / 3), O), 1, C);
    case 2: return N(3);
    case 4: return R(fmin(2406, O), day0, day0 + 2405);
    case 5: return N(5);
    case 6: return N(fmin(fmax(1000.0 * (double)s->multiplier, 1000), O));
    case 7: return R(1, 0, 0);
    }
    break;
  case TPCH_LINEITEM:
    switch (col) {
    case 0: return R(O, 1, (double)sparse_orderkey(s->orders));
    case 1: return R(fmin(P, rows), 1, P);
    case 2: return R(fmin(S, rows), 1, S);
    case 3: return R(7, 1, 7);
    case 4: return R(50, 1, 50);
    case 6: return R(11, 0, 10);
    case 7: return R(9, 0, 8);
    case 8: return N(3);
    case 9: return N(2);
    case 10: return R(fmin(2526, rows), day0 + 1, day0 + 2405 + 121);
    case 11: return R(fmin(2466, rows), day0 + 30, day0 + 2405 + 90);
    case 12: return R(fmin(2555, rows), day0 + 2, day0 + 2405 + 151);
    case 13: return N(4);
    case 14: return N(7);
    }
    break;
  case TPCH_NATION:
    switch (col) {
    case 0: return R(25, 0, 24);
    case 1: return N(25);
    case 2: return R(5, 0, 4);
    }
    break;
  case TPCH_REGION:
    switch (col) {
    case 0: return R(5, 0, 4);
    case 1: return N(5);
    }
    break;
  default: break;
  }
#undef R
#undef N
  return z;
}

/* A statistics bound as a value of the column's type. */
static value stat_value(const tpch_connector *c, tpch_table t, int col, double v) {
  sql_type type = column_sql_type(c, t, col);
  const tpch_column_info *ci = &tpch_table_get(t)->columns[col];
  bool cents = ci->type == TPCH_TYPE_MONEY;
  switch (type.kind) {
  case TYPE_BIGINT: return value_bigint((int64_t)v);
  case TYPE_INTEGER: return value_integer((int32_t)v);
  case TYPE_DATE: return value_date((int32_t)v);
  case TYPE_DOUBLE: return value_double(cents ? v / 100.0 : v);
  case TYPE_DECIMAL: return value_decimal(12, 2, (__int128)(cents ? v : v * 100));
  default: return value_null(type);
  }
}

/* ---- metadata --------------------------------------------------------------- */

static bool tpch_list_schemas(connector *base, string_list *out, shoal_error *error) {
  (void)base;
  for (size_t i = 0; i < sizeof listed_schemas / sizeof listed_schemas[0]; i++)
    if (!string_list_add(out, listed_schemas[i]))
      return error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "out of memory");
  return true;
}

static bool tpch_schema_exists(connector *base, const char *schema) {
  (void)base;
  return tpch_schema_scale_factor(schema) > 0;
}

static bool tpch_list_tables(connector *base, const char *schema, string_list *out,
                             shoal_error *error) {
  if (!tpch_schema_exists(base, schema)) return true;
  for (size_t i = 0; i < sizeof listed_tables / sizeof listed_tables[0]; i++)
    if (!string_list_add(out, tpch_table_get(listed_tables[i])->name))
      return error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "out of memory");
  return true;
}

static table_metadata *tpch_get_table(connector *base, const char *schema, const char *name,
                                      shoal_error *error) {
  tpch_connector *c = (tpch_connector *)base;
  double sf = tpch_schema_scale_factor(schema);
  tpch_table t;
  if (sf <= 0 || tpch_table_from_name(name, &t) != TPCH_OK) return NULL;
  tpch_scale s;
  tpch_scale_init(&s, sf);
  const tpch_table_info *info = tpch_table_get(t);
  table_metadata *m = table_metadata_new(schema, name, info->column_count);
  if (!m) {
    error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "out of memory");
    return NULL;
  }
  double rows = t == TPCH_LINEITEM ? (double)lineitem_rows(c, &s) : (double)tpch_row_count(&s, t);
  m->row_count = rows;
  m->connector_data = (void *)info;   /* static: nothing to free */
  for (int k = 0; k < info->column_count; k++) {
    table_metadata_set_column(m, k, column_name(c, t, k), column_sql_type(c, t, k));
    if (!m->columns[k].name) {
      table_metadata_free(m);
      error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "out of memory");
      return NULL;
    }
    column_metadata *col = &m->columns[k];
    col->nullable = false;
    col->stats.null_fraction = 0;
    stat_spec st = column_stats(&s, t, k, rows);
    if (st.ndv > 0) col->stats.distinct_count = fmin(st.ndv, rows);
    if (st.range) {
      col->stats.has_range = true;
      col->stats.min = stat_value(c, t, k, st.lo);
      col->stats.max = stat_value(c, t, k, st.hi);
    }
  }
  return m;
}

/* ---- splits ----------------------------------------------------------------- */

typedef struct split_payload {
  uint32_t magic;
  uint8_t version;
  uint8_t table;
  uint8_t pad[2];
  int64_t start, end;        /* units */
} split_payload;

static bool table_of(const table_metadata *m, tpch_table *t, tpch_scale *s, shoal_error *error) {
  double sf = m ? tpch_schema_scale_factor(m->schema) : -1;
  if (sf <= 0 || tpch_table_from_name(m->name, t) != TPCH_OK || tpch_scale_init(s, sf) != TPCH_OK)
    return error_set(error, ERR_TABLE_NOT_FOUND, "not a tpch table: %s.%s",
                     m ? m->schema : "?", m ? m->name : "?");
  return true;
}

/* Unit index (1-based order number) bounds of an orderkey range. */
static int64_t order_index_at_least(int64_t key) {
  if (key <= 1) return 1;
  int64_t q = key >> 5, r = key & 31;
  if (r == 0) return q == 0 ? 1 : q * 8;
  return r <= 7 ? q * 8 + r : (q + 1) * 8;
}
static int64_t order_index_at_most(int64_t key) {
  if (key < 1) return 0;
  int64_t q = key >> 5, r = key & 31;
  return r <= 7 ? q * 8 + r : q * 8 + 7;
}

/* Narrows [*start, *end) by the ranges offered on the table's key (column 0,
 * whose value grows with the unit). The engine still applies the filter. */
static void prune_by_key(tpch_table t, const scan_request *req, int64_t *start, int64_t *end) {
  for (int i = 0; req && i < req->range_count; i++) {
    const column_range *r = &req->ranges[i];
    if (r->column != 0) continue;
    if ((r->has_low && (r->low.is_null || r->low.type.kind != TYPE_BIGINT)) ||
        (r->has_high && (r->high.is_null || r->high.type.kind != TYPE_BIGINT)))
      continue;
    int64_t lo = INT64_MIN, hi = INT64_MAX;
    if (r->has_low) lo = r->low_inclusive ? r->low.u.i64 : (r->low.u.i64 == INT64_MAX ? INT64_MAX : r->low.u.i64 + 1);
    if (r->has_high) hi = r->high_inclusive ? r->high.u.i64 : (r->high.u.i64 == INT64_MIN ? INT64_MIN : r->high.u.i64 - 1);
    int64_t a, b;   /* units [a, b) */
    switch (t) {
    case TPCH_ORDERS:
    case TPCH_LINEITEM:
      a = order_index_at_least(lo) - 1;
      b = order_index_at_most(hi);
      break;
    case TPCH_PARTSUPP:
      a = lo <= 1 ? 0 : (lo > INT64_MAX / 8 ? INT64_MAX / 2 : (lo - 1) * 4);
      b = hi < 1 ? 0 : (hi > INT64_MAX / 8 ? INT64_MAX / 2 : hi * 4);
      break;
    case TPCH_NATION:
    case TPCH_REGION:
      a = lo < 0 ? 0 : lo;
      b = hi < 0 ? 0 : (hi == INT64_MAX ? hi : hi + 1);
      break;
    default:   /* part, supplier, customer: key = unit + 1 */
      a = lo <= 1 ? 0 : lo - 1;
      b = hi < 1 ? 0 : hi;
      break;
    }
    if (a > *start) *start = a;
    if (b < *end) *end = b;
  }
  if (*end < *start) *end = *start;
}

static bool tpch_get_splits(connector *base, const table_metadata *m, const scan_request *req,
                            int desired, split_list *out, shoal_error *error) {
  tpch_connector *c = (tpch_connector *)base;
  tpch_table t;
  tpch_scale s;
  if (!table_of(m, &t, &s, error)) return false;
  int64_t start = 0, end = tpch_unit_count(&s, t);
  if (c->pushdown) prune_by_key(t, req, &start, &end);
  int64_t units = end - start;
  int64_t n = c->splits_per_node > 0 ? c->splits_per_node : desired;
  if (n <= 0) {
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    n = cpus > 0 ? cpus : 1;
  }
  if (units < 1000 || t == TPCH_NATION || t == TPCH_REGION) n = 1;  /* not worth cutting */
  if (n > units && units > 0) n = units;
  int64_t step = t == TPCH_PARTSUPP ? 4 : 1;   /* partsupp: whole parts, as dbgen */
  int64_t parents = units / step;
  for (int64_t i = 0; i < n; i++) {
    int64_t per = parents / n;
    int64_t a = start + per * i * step;
    int64_t b = i == n - 1 ? end : a + per * step;
    split_payload p = {SPLIT_MAGIC, SPLIT_VERSION, (uint8_t)t, {0, 0}, a, b};
    char desc[160];
    snprintf(desc, sizeof desc, "tpch %s.%s units [%lld, %lld) part %lld/%lld", m->schema,
             m->name, (long long)a, (long long)b, (long long)i + 1, (long long)n);
    if (!split_list_add(out, &p, sizeof p, desc))
      return error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "out of memory");
  }
  return true;
}

/* ---- page source ----------------------------------------------------------- */

typedef enum convert_kind {
  CONVERT_NONE,          /* generated straight into the vector */
  CONVERT_CENTS_TO_DOUBLE,
  CONVERT_UNITS_TO_DOUBLE,
  CONVERT_UNITS_TO_DECIMAL,
  CONVERT_STRING,        /* immortal bytes (pool, constants): no copy */
  CONVERT_STRING_COPY    /* bytes in the cursor's arena: copied */
} convert_kind;

typedef struct tpch_source {
  page_source base;
  tpch_table table;
  tpch_cursor *cursor;
  int column_count;
  int columns[TPCH_MAX_COLUMNS];          /* table column of each output */
  sql_type types[TPCH_MAX_COLUMNS];
  convert_kind convert[TPCH_MAX_COLUMNS];
  void *staging[TPCH_MAX_COLUMNS];        /* by table column, when converted */
  int64_t limit;                          /* rows still allowed; -1: none */
  int32_t page_rows;
  uint64_t bytes;
  /* The cursor opens at the first next() once the generator is ready, so a
   * scan started during the warm-up waits on a timer, not on a core. */
  tpch_scale scale;
  int64_t start, end;
} tpch_source;

/* Strings the generator builds per batch (names, addresses, phones, clerks,
 * supplier comments with a BBB remark) live in the cursor's arena. */
static bool string_is_transient(tpch_table t, int col) {
  switch (t) {
  case TPCH_PART: return col == 1;
  case TPCH_SUPPLIER: return col == 1 || col == 2 || col == 4 || col == 6;
  case TPCH_CUSTOMER: return col == 1 || col == 2 || col == 4;
  case TPCH_ORDERS: return col == 6;
  default: return false;
  }
}

static convert_kind convert_for(const tpch_connector *c, tpch_table t, int col) {
  const tpch_column_info *ci = &tpch_table_get(t)->columns[col];
  switch (ci->type) {
  case TPCH_TYPE_INT64:
    if (is_quantity(t, col)) return c->decimal_money ? CONVERT_UNITS_TO_DECIMAL : CONVERT_UNITS_TO_DOUBLE;
    return CONVERT_NONE;
  case TPCH_TYPE_MONEY: return c->decimal_money ? CONVERT_NONE : CONVERT_CENTS_TO_DOUBLE;
  case TPCH_TYPE_STRING: return string_is_transient(t, col) ? CONVERT_STRING_COPY : CONVERT_STRING;
  default: return CONVERT_NONE;
  }
}

static size_t staging_bytes(const tpch_column_info *ci) {
  return ci->type == TPCH_TYPE_STRING ? sizeof(tpch_str)
         : (ci->type == TPCH_TYPE_INT32 || ci->type == TPCH_TYPE_DATE) ? sizeof(int32_t)
                                                                        : sizeof(int64_t);
}

static bool convert_column(tpch_source *src, vector *v, int j, const void *from, int32_t n) {
  switch (src->convert[j]) {
  case CONVERT_NONE:
    if (from != v->data) memcpy(v->data, from, type_value_size(v->type) * (size_t)n);
    return true;
  case CONVERT_CENTS_TO_DOUBLE: {
    const int64_t *in = from;
    double *out = v->data;
    for (int32_t r = 0; r < n; r++) out[r] = (double)in[r] / 100.0;
    return true;
  }
  case CONVERT_UNITS_TO_DOUBLE: {
    const int64_t *in = from;
    double *out = v->data;
    for (int32_t r = 0; r < n; r++) out[r] = (double)in[r];
    return true;
  }
  case CONVERT_UNITS_TO_DECIMAL: {
    const int64_t *in = from;
    int64_t *out = v->data;
    for (int32_t r = 0; r < n; r++) out[r] = in[r] * 100;
    return true;
  }
  case CONVERT_STRING: {
    const tpch_str *in = from;
    string_view *out = v->data;
    for (int32_t r = 0; r < n; r++) out[r] = string_view_make(in[r].ptr, (uint32_t)in[r].len);
    return true;
  }
  case CONVERT_STRING_COPY: {
    const tpch_str *in = from;
    string_view *out = v->data;
    for (int32_t r = 0; r < n; r++)
      if (!vector_add_string(v, in[r].ptr, (uint32_t)in[r].len, &out[r])) return false;
    return true;
  }
  }
  return false;
}

static source_status tpch_source_next(page_source *base, page **out, source_wait *wait,
                                      shoal_error *error) {
  tpch_source *src = (tpch_source *)base;
  wait->kind = SOURCE_WAIT_NONE;
  *out = NULL;
  if (src->limit == 0) return SOURCE_FINISHED;
  if (!src->cursor) {
    if (!tpch_init_ready()) {
      struct timespec now;
      clock_gettime(CLOCK_MONOTONIC, &now);
      wait->kind = SOURCE_WAIT_UNTIL;
      wait->deadline_ns = (uint64_t)now.tv_sec * 1000000000ull + (uint64_t)now.tv_nsec + 5000000ull;
      return SOURCE_BLOCKED;
    }
    int rc = tpch_init();
    if (rc == TPCH_OK)
      rc = tpch_cursor_open(&src->cursor, &src->scale, src->table, src->start, src->end);
    if (rc != TPCH_OK) {
      error_set(error, ERR_GENERIC_INTERNAL_ERROR, "tpch: %s", tpch_strerror(rc));
      return SOURCE_FAILED;
    }
  }
  int32_t rows = src->page_rows;
  if (src->limit > 0 && src->limit < rows) rows = (int32_t)src->limit;
  page *p = page_new(src->column_count, src->types, (uint32_t)src->page_rows);
  if (!p) {
    error_set(error, ERR_EXCEEDED_LOCAL_MEMORY_LIMIT, "tpch: out of memory for a page");
    return SOURCE_FAILED;
  }
  tpch_batch b = {.capacity = rows};
  for (int j = 0; j < src->column_count; j++) {
    int k = src->columns[j];
    if (b.columns[k]) continue;   /* a column asked for twice: converted below */
    b.columns[k] = src->convert[j] == CONVERT_NONE ? p->columns[j].data : src->staging[k];
  }
  int32_t n = tpch_cursor_next(src->cursor, &b);
  if (n < 0) {
    page_unref(p);
    error_set(error, ERR_GENERIC_INTERNAL_ERROR, "tpch: %s", tpch_strerror(n));
    return SOURCE_FAILED;
  }
  if (n == 0) {
    page_unref(p);
    return SOURCE_FINISHED;
  }
  for (int j = 0; j < src->column_count; j++) {
    if (!convert_column(src, &p->columns[j], j, b.columns[src->columns[j]], n)) {
      page_unref(p);
      error_set(error, ERR_EXCEEDED_LOCAL_MEMORY_LIMIT, "tpch: out of memory for strings");
      return SOURCE_FAILED;
    }
  }
  p->row_count = (uint32_t)n;
  if (src->limit > 0) src->limit -= n;
  src->bytes += page_retained_bytes(p);
  *out = p;
  return SOURCE_PAGE;
}

static uint64_t tpch_source_bytes(page_source *base) {
  return ((tpch_source *)base)->bytes;
}

static void tpch_source_close(page_source *base) {
  tpch_source *src = (tpch_source *)base;
  if (!src) return;
  tpch_cursor_close(src->cursor);
  for (int k = 0; k < TPCH_MAX_COLUMNS; k++) free(src->staging[k]);
  free(src);
}

static const page_source_ops tpch_source_ops = {
  .next = tpch_source_next,
  .completed_bytes = tpch_source_bytes,
  .close = tpch_source_close,
};

static page_source *tpch_open_page_source(connector *base, const table_metadata *m,
                                          const split *sp, const scan_request *req,
                                          shoal_error *error) {
  tpch_connector *c = (tpch_connector *)base;
  tpch_table t;
  tpch_scale s;
  if (!table_of(m, &t, &s, error)) return NULL;
  split_payload p;
  if (!sp || sp->size != sizeof p) {
    error_set(error, ERR_GENERIC_INTERNAL_ERROR, "tpch: malformed split (%zu bytes)",
              sp ? sp->size : (size_t)0);
    return NULL;
  }
  memcpy(&p, sp->bytes, sizeof p);
  int64_t units = tpch_unit_count(&s, t);
  if (p.magic != SPLIT_MAGIC || p.version != SPLIT_VERSION || p.table != (uint8_t)t ||
      p.start < 0 || p.end < p.start || p.end > units) {
    error_set(error, ERR_GENERIC_INTERNAL_ERROR, "tpch: split does not belong to %s.%s",
              m->schema, m->name);
    return NULL;
  }
  const tpch_table_info *info = tpch_table_get(t);
  if (!req || req->column_count < 0 || req->column_count > TPCH_MAX_COLUMNS) {
    error_set(error, ERR_GENERIC_INTERNAL_ERROR, "tpch: bad column list");
    return NULL;
  }
  tpch_source *src = calloc(1, sizeof *src);
  if (!src) {
    error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "out of memory");
    return NULL;
  }
  src->base.ops = &tpch_source_ops;
  src->table = t;
  src->column_count = req->column_count;
  src->limit = req->limit >= 0 ? req->limit : -1;
  src->page_rows = VECTOR_SIZE;
  if (c->max_rows_per_page > 0 && c->max_rows_per_page < src->page_rows)
    src->page_rows = c->max_rows_per_page;
  for (int j = 0; j < req->column_count; j++) {
    int k = req->columns[j];
    if (k < 0 || k >= info->column_count) {
      error_set(error, ERR_COLUMN_NOT_FOUND, "tpch: no column %d in %s", k, m->name);
      tpch_source_close(&src->base);
      return NULL;
    }
    src->columns[j] = k;
    src->types[j] = column_sql_type(c, t, k);
    src->convert[j] = convert_for(c, t, k);
    if (src->convert[j] != CONVERT_NONE && !src->staging[k]) {
      src->staging[k] = malloc(staging_bytes(&info->columns[k]) * (size_t)src->page_rows);
      if (!src->staging[k]) {
        error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "out of memory");
        tpch_source_close(&src->base);
        return NULL;
      }
    }
  }
  /* A column asked for twice is generated once; next() copies the rest. */
  int64_t start = p.start, end = p.end;
  if (c->pushdown) prune_by_key(t, req, &start, &end);
  src->scale = s;
  src->start = start;
  src->end = end;
  return &src->base;
}

/* ---- instance and factory ---------------------------------------------------- */

static void tpch_destroy(connector *base) {
  tpch_connector *c = (tpch_connector *)base;
  if (!c) return;
  pthread_mutex_destroy(&c->mu);
  free(c);
}

static const connector_ops tpch_ops = {
  .destroy = tpch_destroy,
  .list_schemas = tpch_list_schemas,
  .list_tables = tpch_list_tables,
  .schema_exists = tpch_schema_exists,
  .get_table = tpch_get_table,
  .get_splits = tpch_get_splits,
  .open_page_source = tpch_open_page_source,
};

static bool parse_bool(const char *v, bool *out) {
  if (strcasecmp(v, "true") == 0) { *out = true; return true; }
  if (strcasecmp(v, "false") == 0) { *out = false; return true; }
  return false;
}

static bool parse_positive_int(const char *v, int *out) {
  char *end;
  long n = strtol(v, &end, 10);
  if (end == v || *end != '\0' || n < 1 || n > 1000000000) return false;
  *out = (int)n;
  return true;
}

static bool apply_property(tpch_connector *c, const char *catalog, const connector_property *p,
                           shoal_error *error) {
  const char *k = p->key, *v = p->value ? p->value : "";
  bool ok = true, flag;
  if (strcmp(k, "tpch.column-naming") == 0) {
    if (strcasecmp(v, "SIMPLIFIED") == 0) c->standard_names = false;
    else if (strcasecmp(v, "STANDARD") == 0) c->standard_names = true;
    else ok = false;
  } else if (strcmp(k, "tpch.double-type-mapping") == 0) {
    if (strcasecmp(v, "DOUBLE") == 0) c->decimal_money = false;
    else if (strcasecmp(v, "DECIMAL") == 0) c->decimal_money = true;
    else ok = false;
  } else if (strcmp(k, "tpch.splits-per-node") == 0) {
    ok = parse_positive_int(v, &c->splits_per_node);
  } else if (strcmp(k, "tpch.max-rows-per-page") == 0) {
    ok = parse_positive_int(v, &c->max_rows_per_page);
  } else if (strcmp(k, "tpch.predicate-pushdown-enabled") == 0) {
    ok = parse_bool(v, &flag);
    if (ok) c->pushdown = flag;
  } else if (strcmp(k, "tpch.partitioning-enabled") == 0) {
    ok = parse_bool(v, &flag);   /* accepted; no table partitioning is exposed yet */
  } else {
    return error_set(error, ERR_INVALID_CATALOG_PROPERTY,
                     "Catalog '%s': unknown or unsupported tpch property '%s'", catalog, k);
  }
  if (!ok)
    return error_set(error, ERR_INVALID_CATALOG_PROPERTY,
                     "Catalog '%s': invalid value '%s' for property '%s'", catalog, v, k);
  return true;
}


static void *tpch_warm_up(void *unused)
{
  (void)unused;
  tpch_init();
  return NULL;
}

static connector *tpch_create(const char *catalog_name, const connector_properties *props,
                              shoal_error *error) {
  tpch_connector *c = calloc(1, sizeof *c);
  if (!c) {
    error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "out of memory");
    return NULL;
  }
  c->base.ops = &tpch_ops;
  c->base.connector_name = "tpch";
  c->pushdown = true;
  c->cached_lineitem_sf = -1;
  pthread_mutex_init(&c->mu, NULL);
  const char *name = catalog_name ? catalog_name : "tpch";
  for (int i = 0; props && i < props->count; i++) {
    if (!apply_property(c, name, &props->items[i], error)) {
      tpch_destroy(&c->base);
      return NULL;
    }
  }
  /* The dists and the 300 MiB text pool (~0.6 s) are made once per process
   * on a thread of their own, started here: the catalog is ready at once,
   * and a scan opened before the pool is done waits for it there
   * (tpch_init is a pthread_once). */
  pthread_t warmup;
  if (pthread_create(&warmup, NULL, tpch_warm_up, NULL) == 0)
    pthread_detach(warmup);
  return &c->base;
}

const connector_factory tpch_connector_factory = {.name = "tpch", .create = tpch_create};

bool tpch_connector_register(shoal_error *error) {
  return catalog_register_factory(&tpch_connector_factory, error);
}
