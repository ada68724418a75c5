/*
 * tpch_calendar.c — dates. dbgen counts days from 1992-01-01 (its STARTDATE)
 * over 2557 days to 1998-12-31 and prints them as YYYY-MM-DD; the API speaks
 * days since 1970-01-01 (1992-01-01 is day 8035).
 */
#include "connectors/tpch/tpch_internal.h"

char tpch_date_text[TPCH_TOTAL_DATES][10];

/* Proleptic Gregorian calendar: days since 1970-01-01 to year, month, day. */
static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d) {
  z += 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  unsigned doe = (unsigned)(z - era * 146097);
  unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

void tpch_date_format(int32_t days, char out[10]) {
  int64_t y;
  unsigned m, d;
  civil_from_days(days, &y, &m, &d);
  if (y < 0 || y > 9999) y = 0;
  tpch_put_fixed(out, (uint64_t)y, 4);
  out[4] = '-';
  tpch_put_fixed(out + 5, m, 2);
  out[7] = '-';
  tpch_put_fixed(out + 8, d, 2);
}

void tpch_calendar_init(void) {
  for (int i = 0; i < TPCH_TOTAL_DATES; i++)
    tpch_date_format(TPCH_DAY_1992_01_01 + i, tpch_date_text[i]);
}
