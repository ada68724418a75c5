/*
 * date_util.h — civil-calendar arithmetic for SQL dates held as int32 days
 * since 1970-01-01 (proleptic Gregorian, as Trino's LocalDate): conversion
 * to and from year/month/day, 'YYYY-MM-DD' parsing and printing, month
 * arithmetic with end-of-month clamping, and the calendar fields extract()
 * needs.
 */
#ifndef SHOAL_SPI_DATE_UTIL_H
#define SHOAL_SPI_DATE_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

int64_t date_from_civil(int64_t year, int month, int day);
void date_to_civil(int64_t days, int64_t *year, int *month, int *day);
bool date_is_leap_year(int64_t year);
int date_days_in_month(int64_t year, int month);

/* Parses "[+-]YYYY-MM-DD" (1 to 2 digit month/day allowed, surrounding
 * blanks allowed) and validates the day. */
bool date_parse(const char *text, size_t length, int32_t *days);
/* "YYYY-MM-DD" (years beyond 9999 get a '+', before 0 a '-'); returns length. */
int date_format(int32_t days, char *out, size_t size);

/* Adds months keeping the day of month, clamped to the month's last day. */
bool date_add_months(int64_t days, int64_t months, int64_t *out);

int date_day_of_week(int64_t days);   /* ISO: 1 = Monday .. 7 = Sunday */
int date_day_of_year(int64_t days);   /* 1 .. 366 */
int date_week_of_year(int64_t days);  /* ISO week 1 .. 53 */
int64_t date_year_of_week(int64_t days); /* ISO week-numbering year */

#endif
