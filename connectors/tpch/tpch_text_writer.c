/*
 * tpch_text_writer.c — dbgen's flat-file format: each field followed by '|',
 * a newline per row; integers in decimal, money as [-]dollars.cents (dbgen's
 * "%d.%02d" after taking the sign off), dates as YYYY-MM-DD. No printf: this
 * is the hot path of shoal-tpchgen.
 */
#include "connectors/tpch/tpch_internal.h"

static inline char *put_int(char *p, int64_t v) {
  if (v < 0) {
    *p++ = '-';
    return p + tpch_put_uint(p, (uint64_t)0 - (uint64_t)v, 1);
  }
  return p + tpch_put_uint(p, (uint64_t)v, 1);
}

static inline char *put_money(char *p, int64_t v) {
  int cents = (int)v;   /* dbgen prints money through an int */
  if (cents < 0) {
    *p++ = '-';
    cents = -cents;
  }
  p += tpch_put_uint(p, (uint64_t)(cents / 100), 1);
  *p++ = '.';
  p[0] = (char)('0' + (cents % 100) / 10);
  p[1] = (char)('0' + cents % 10);
  return p + 2;
}

static inline char *put_date(char *p, int32_t days) {
  int32_t off = days - TPCH_DAY_1992_01_01;
  if (off >= 0 && off < TPCH_TOTAL_DATES)
    memcpy(p, tpch_date_text[off], 10);
  else
    tpch_date_format(days, p);
  return p + 10;
}

size_t tpch_text_row_max(tpch_table table) {
  const tpch_table_info *info = tpch_table_get(table);
  if (!info) return 0;
  size_t n = 1;
  for (int i = 0; i < info->column_count; i++)
    n += (size_t)info->columns[i].max_length + 24;
  return n;
}

size_t tpch_text_format(tpch_table table, const tpch_batch *b, char *out) {
  const tpch_table_info *info = tpch_table_get(table);
  if (!info || !out) return 0;
  for (int k = 0; k < info->column_count; k++)
    if (!b->columns[k]) return 0;
  char *p = out;
  for (int32_t r = 0; r < b->count; r++) {
    for (int k = 0; k < info->column_count; k++) {
      const void *col = b->columns[k];
      switch (info->columns[k].type) {
      case TPCH_TYPE_INT64: p = put_int(p, ((const int64_t *)col)[r]); break;
      case TPCH_TYPE_INT32: p = put_int(p, ((const int32_t *)col)[r]); break;
      case TPCH_TYPE_MONEY: p = put_money(p, ((const int64_t *)col)[r]); break;
      case TPCH_TYPE_DATE: p = put_date(p, ((const int32_t *)col)[r]); break;
      case TPCH_TYPE_STRING: {
        tpch_str s = ((const tpch_str *)col)[r];
        memcpy(p, s.ptr, (size_t)s.len);
        p += s.len;
        break;
      }
      }
      *p++ = '|';
    }
    *p++ = '\n';
  }
  return (size_t)(p - out);
}
