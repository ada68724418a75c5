/*
 * date_util.c — civil-calendar arithmetic on day numbers (see date_util.h),
 * after Howard Hinnant's days_from_civil / civil_from_days algorithms.
 */
#include "date_util.h"

#include <stdio.h>
#include <string.h>

int64_t date_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void date_to_civil(int64_t z, int64_t *year, int *month, int *day)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = yoe + era * 400;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int d = (int)(doy - (153 * mp + 2) / 5 + 1);
    int m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *year = y + (m <= 2);
    *month = m;
    *day = d;
}

bool date_is_leap_year(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int date_days_in_month(int64_t year, int month)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month == 2 && date_is_leap_year(year))
        return 29;
    return days[month - 1];
}

static bool read_number(const char *s, size_t n, size_t *i, int min_digits, int max_digits,
                        int64_t *out)
{
    int digits = 0;
    int64_t v = 0;
    while (*i < n && s[*i] >= '0' && s[*i] <= '9' && digits < max_digits) {
        v = v * 10 + (s[*i] - '0');
        (*i)++;
        digits++;
    }
    *out = v;
    return digits >= min_digits;
}

bool date_parse(const char *s, size_t n, int32_t *days)
{
    size_t i = 0;
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    bool negative = false;
    if (i < n && (s[i] == '-' || s[i] == '+'))
        negative = s[i++] == '-';
    int64_t y, m, d;
    if (!read_number(s, n, &i, 1, 9, &y) || i >= n || s[i++] != '-')
        return false;
    if (!read_number(s, n, &i, 1, 2, &m) || i >= n || s[i++] != '-')
        return false;
    if (!read_number(s, n, &i, 1, 2, &d) || i != n)
        return false;
    if (negative)
        y = -y;
    if (m < 1 || m > 12 || d < 1 || d > date_days_in_month(y, (int)m))
        return false;
    int64_t v = date_from_civil(y, (int)m, (int)d);
    if (v < INT32_MIN || v > INT32_MAX)
        return false;
    *days = (int32_t)v;
    return true;
}

int date_format(int32_t days, char *out, size_t size)
{
    int64_t y;
    int m, d;
    date_to_civil(days, &y, &m, &d);
    if (y > 9999)
        return snprintf(out, size, "+%lld-%02d-%02d", (long long)y, m, d);
    if (y < 0)
        return snprintf(out, size, "-%04lld-%02d-%02d", (long long)-y, m, d);
    return snprintf(out, size, "%04lld-%02d-%02d", (long long)y, m, d);
}

bool date_add_months(int64_t days, int64_t months, int64_t *out)
{
    int64_t y;
    int m, d;
    date_to_civil(days, &y, &m, &d);
    if (months > 12 * 100000000LL || months < -12 * 100000000LL)
        return false;
    int64_t total = y * 12 + (m - 1) + months;
    int64_t ny = total >= 0 ? total / 12 : -((-total + 11) / 12);
    int nm = (int)(total - ny * 12) + 1;
    int last = date_days_in_month(ny, nm);
    *out = date_from_civil(ny, nm, d > last ? last : d);
    return true;
}

int date_day_of_week(int64_t days)
{
    /* 1970-01-01 was a Thursday (4) */
    int64_t r = (days + 3) % 7;
    if (r < 0)
        r += 7;
    return (int)r + 1;
}

int date_day_of_year(int64_t days)
{
    int64_t y;
    int m, d;
    date_to_civil(days, &y, &m, &d);
    return (int)(days - date_from_civil(y, 1, 1)) + 1;
}

static int64_t iso_week_start(int64_t year)
{
    /* the Monday of the week holding January 4th */
    int64_t jan4 = date_from_civil(year, 1, 4);
    return jan4 - (date_day_of_week(jan4) - 1);
}

int64_t date_year_of_week(int64_t days)
{
    int64_t y;
    int m, d;
    date_to_civil(days, &y, &m, &d);
    if (days >= iso_week_start(y + 1))
        return y + 1;
    if (days < iso_week_start(y))
        return y - 1;
    return y;
}

int date_week_of_year(int64_t days)
{
    return (int)((days - iso_week_start(date_year_of_week(days))) / 7) + 1;
}
