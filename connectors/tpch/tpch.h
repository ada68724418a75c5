/*
 * tpch.h — public API of Shoal's TPC-H data generator.
 *
 * The generator produces exactly the data of the official TPC-H dbgen 2.14
 * (and of Trino's tpch connector), for any table and any range of rows, each
 * range independently of the others (so splits can run in parallel).
 *
 * Use:
 *   tpch_init();                                   once per process (builds the
 *                                                  300 MiB text pool, ~0.3 s)
 *   tpch_scale s; tpch_scale_init(&s, 1.0);
 *   tpch_cursor *c; tpch_cursor_open(&c, &s, TPCH_LINEITEM, start, end);
 *   tpch_batch b = {.capacity = 2048}; b.columns[i] = <typed array or NULL>;
 *   while ((n = tpch_cursor_next(c, &b)) > 0) ...   strings stay valid until the
 *                                                  next call on this cursor
 *   tpch_cursor_close(c);
 *
 * Ranges are 0-based, half-open, in "units" of the table: rows for every table
 * except lineitem, whose unit is the order (lineitem range [a,b) yields exactly
 * the lineitems of orders range [a,b)). Unit k is dbgen's row k+1.
 *
 * Column values in a batch (b.columns[i] points at an array of `capacity`):
 *   TPCH_TYPE_INT64   int64_t   keys, l_quantity
 *   TPCH_TYPE_INT32   int32_t   p_size, ps_availqty, o_shippriority, l_linenumber
 *   TPCH_TYPE_MONEY   int64_t   hundredths (cents); also l_discount, l_tax
 *   TPCH_TYPE_DATE    int32_t   days since 1970-01-01
 *   TPCH_TYPE_STRING  tpch_str  pointer + length, not NUL-terminated, into
 *                               memory the generator owns (text pool, constant
 *                               tables, or the cursor's arena)
 * A NULL column pointer means "not wanted": it is not written, and work only
 * it needs is skipped.
 */
#ifndef SHOAL_TPCH_H
#define SHOAL_TPCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum tpch_table {
  TPCH_PART = 0,
  TPCH_PARTSUPP,
  TPCH_SUPPLIER,
  TPCH_CUSTOMER,
  TPCH_ORDERS,
  TPCH_LINEITEM,
  TPCH_NATION,
  TPCH_REGION,
  TPCH_TABLE_COUNT
} tpch_table;

typedef enum tpch_type {
  TPCH_TYPE_INT64 = 0,
  TPCH_TYPE_INT32,
  TPCH_TYPE_MONEY,
  TPCH_TYPE_DATE,
  TPCH_TYPE_STRING
} tpch_type;

enum { TPCH_MAX_COLUMNS = 16 };

/* Status codes returned by the functions below (0 = ok). */
enum {
  TPCH_OK = 0,
  TPCH_ERR_ARG = -1,     /* bad argument: table, range, scale factor */
  TPCH_ERR_NOMEM = -2,   /* allocation failed */
  TPCH_ERR_DISTS = -3,   /* the embedded distributions did not parse */
  TPCH_ERR_NOINIT = -4   /* tpch_init() was not called or failed */
};
const char *tpch_strerror(int status);

typedef struct tpch_str {
  const char *ptr;
  int32_t len;
} tpch_str;

typedef struct tpch_column_info {
  const char *name;        /* TPC-H standard name, e.g. "l_orderkey" */
  const char *simple_name; /* Trino's SIMPLIFIED name, e.g. "orderkey" */
  tpch_type type;
  int32_t max_length;      /* strings: declared length n of varchar(n)/char(n) */
} tpch_column_info;

typedef struct tpch_table_info {
  const char *name;        /* "lineitem" */
  const char *prefix;      /* "l_" */
  int column_count;
  const tpch_column_info *columns;
} tpch_table_info;

/* Table metadata; NULL for an out-of-range table. */
const tpch_table_info *tpch_table_get(tpch_table table);
/* Looks a table up by name ("lineitem"); returns TPCH_OK or TPCH_ERR_ARG. */
int tpch_table_from_name(const char *name, tpch_table *out);

/*
 * Scale factor, with dbgen's rules: factor >= 1 is truncated to an integer
 * multiplier; factor < 1 scales each table's base row count by
 * (int)(1000 * factor) / 1000 (at least one row), with multiplier 1.
 */
typedef struct tpch_scale {
  double factor;
  int64_t multiplier;      /* dbgen's `scale` */
  int64_t part;            /* row counts */
  int64_t supplier;
  int64_t customer;
  int64_t orders;
} tpch_scale;

int tpch_scale_init(tpch_scale *scale, double factor);

/* Units of a table (see the top comment): rows, or orders for lineitem. */
int64_t tpch_unit_count(const tpch_scale *scale, tpch_table table);
/* Exact rows for every table but lineitem; lineitem: see below. */
int64_t tpch_row_count(const tpch_scale *scale, tpch_table table);
/* Exact number of lineitems of orders [start, end); costs one RNG step per
 * order (about 4 ns). */
int64_t tpch_lineitem_count(const tpch_scale *scale, int64_t start, int64_t end);
/*
 * The i-th (1-based) of n contiguous slices of a table, in units, as dbgen's
 * -C n -S i chunks: every slice has units/n, the last also the remainder.
 * partsupp is sliced by part (4 rows each), lineitem by order.
 */
int tpch_slice(const tpch_scale *scale, tpch_table table, int64_t i, int64_t n,
               int64_t *start, int64_t *end);

/* Loads the distributions and builds the text pool. Thread-safe; only the
 * first call does work. Returns TPCH_OK or an error status. */
int tpch_init(void);
/* True once tpch_init has finished (successfully or not); never blocks. */
bool tpch_init_ready(void);

typedef struct tpch_batch {
  int32_t capacity;                 /* rows each column array can hold (> 0) */
  int32_t count;                    /* rows written by the last call */
  void *columns[TPCH_MAX_COLUMNS];  /* typed arrays by column index, or NULL */
} tpch_batch;

typedef struct tpch_cursor tpch_cursor;

/* Opens a cursor over units [start, end) of a table. */
int tpch_cursor_open(tpch_cursor **out, const tpch_scale *scale, tpch_table table,
                     int64_t start, int64_t end);
/* Fills up to b->capacity rows; returns the number written (also in
 * b->count), 0 at the end, or a negative status. */
int32_t tpch_cursor_next(tpch_cursor *cursor, tpch_batch *batch);
/* Points an open cursor at units [start, end) of its table (cheap: a
 * skip-ahead per stream; no allocation). */
int tpch_cursor_reset(tpch_cursor *cursor, int64_t start, int64_t end);
void tpch_cursor_close(tpch_cursor *cursor);

/*
 * dbgen's flat-file text: every field followed by '|', one row per line.
 * tpch_text_row_max: bytes one row can take at most.
 * tpch_text_format: writes the batch's rows (all columns must be present)
 * into out, which must hold count * tpch_text_row_max(table) bytes; returns
 * the bytes written.
 */
size_t tpch_text_row_max(tpch_table table);
size_t tpch_text_format(tpch_table table, const tpch_batch *batch, char *out);

/* Convenience for text writers: the columns of a table bound to arrays the
 * caller owns (one malloc; free with tpch_batch_free_columns). */
int tpch_batch_alloc_columns(tpch_batch *batch, tpch_table table, int32_t capacity);
void tpch_batch_free_columns(tpch_batch *batch);

/* Date helpers: days since 1970-01-01 <-> "YYYY-MM-DD" (10 bytes written). */
void tpch_date_format(int32_t days, char out[10]);

#endif /* SHOAL_TPCH_H */
