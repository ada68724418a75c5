/*
 * datetime_extra.c — timestamp and time-zone functions beyond the date
 * ones in datetime.c: date_trunc/date_add/date_diff on timestamps,
 * millisecond, last_day_of_month(timestamp), calendar fields of
 * timestamp(p) with time zone (in the value's zone), format_datetime (Joda
 * patterns), date_format/date_parse (MySQL patterns), from_unixtime/
 * to_unixtime, to_milliseconds, from_iso8601_date/timestamp, to_iso8601,
 * with_timezone, at_timezone (AT TIME ZONE), timezone(), now(),
 * current_timezone(). Zones come from connectors/spi/time_zone.h; the
 * session zone is UTC (the session does not carry one yet).
 *
 * Timestamps are int64 microseconds since the epoch; timestamp(p) with time
 * zone is {micros UTC, zone key}.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "connectors/spi/date_util.h"
#include "connectors/spi/time_zone.h"
#include "operators/expr_internal.h"

static const int64_t MICROS_PER_DAY = 86400000000LL;
static const int64_t MICROS_PER_SECOND = 1000000LL;

static inline int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

/* local wall-clock micros of a timestamp with time zone */
static inline int64_t tz_local(timestamp_tz t)
{
    return t.micros_utc + (int64_t)time_zone_offset_at(t.zone_key, floor_div(t.micros_utc, MICROS_PER_SECOND)) * MICROS_PER_SECOND;
}

static inline int64_t tz_from_local(int16_t zone, int64_t local_micros)
{
    int64_t seconds = floor_div(local_micros, MICROS_PER_SECOND);
    int64_t fraction = local_micros - seconds * MICROS_PER_SECOND;
    return time_zone_local_to_utc(zone, seconds) * MICROS_PER_SECOND + fraction;
}

typedef struct civil {
    int64_t year;
    int month, day, hour, minute, second;
    int64_t micros;   /* of the second */
    int64_t days;     /* since epoch */
} civil;

static civil civil_of(int64_t micros)
{
    civil c;
    c.days = floor_div(micros, MICROS_PER_DAY);
    int64_t rest = micros - c.days * MICROS_PER_DAY;
    date_to_civil(c.days, &c.year, &c.month, &c.day);
    c.hour = (int)(rest / 3600000000LL);
    c.minute = (int)(rest / 60000000LL % 60);
    c.second = (int)(rest / MICROS_PER_SECOND % 60);
    c.micros = rest % MICROS_PER_SECOND;
    return c;
}

/* ---- units ---- */

typedef enum unit { U_MILLISECOND, U_SECOND, U_MINUTE, U_HOUR, U_DAY, U_WEEK, U_MONTH, U_QUARTER, U_YEAR, U_BAD } unit;

static unit parse_unit(string_view s)
{
    static const char *const names[] = {"millisecond", "second", "minute", "hour", "day", "week", "month", "quarter", "year"};
    const char *d = string_view_data(&s);
    for (int u = 0; u < U_BAD; u++) {
        size_t l = strlen(names[u]);
        if (s.length == l && strncasecmp(d, names[u], l) == 0)
            return (unit)u;
    }
    return U_BAD;
}

static bool bad_unit(expr_node *n, eval_context *ctx, string_view s)
{
    return node_error(n, ctx, ERR_INVALID_FUNCTION_ARGUMENT, "'%.*s' is not a valid Timestamp field", (int)s.length,
                      string_view_data(&s));
}

static const int64_t unit_micros[] = {1000LL, 1000000LL, 60000000LL, 3600000000LL, 86400000000LL, 7 * 86400000000LL};

static int64_t trunc_micros(int64_t t, unit u)
{
    switch (u) {
    case U_MILLISECOND:
    case U_SECOND:
    case U_MINUTE:
    case U_HOUR:
    case U_DAY: return floor_div(t, unit_micros[u]) * unit_micros[u];
    case U_WEEK: {
        int64_t day = floor_div(t, MICROS_PER_DAY);
        return (day - (date_day_of_week(day) - 1)) * MICROS_PER_DAY;
    }
    default: {
        civil c = civil_of(t);
        int month = u == U_MONTH ? c.month : u == U_QUARTER ? (c.month - 1) / 3 * 3 + 1 : 1;
        return date_from_civil(c.year, month, 1) * MICROS_PER_DAY;
    }
    }
}

static bool add_micros(int64_t t, unit u, int64_t amount, int64_t *out)
{
    if (u <= U_WEEK) {
        int64_t delta;
        return !__builtin_mul_overflow(amount, unit_micros[u], &delta) && !__builtin_add_overflow(t, delta, out);
    }
    int64_t months;
    if (__builtin_mul_overflow(amount, u == U_MONTH ? 1 : u == U_QUARTER ? 3 : 12, &months))
        return false;
    int64_t day = floor_div(t, MICROS_PER_DAY), rest = t - day * MICROS_PER_DAY, moved;
    if (!date_add_months(day, months, &moved))
        return false;
    return !__builtin_mul_overflow(moved, MICROS_PER_DAY, out) && !__builtin_add_overflow(*out, rest, out);
}

/* whole months from a to b (Joda's monthsBetween: the day and time of day decide) */
static int64_t months_between(int64_t a, int64_t b)
{
    civil x = civil_of(a), y = civil_of(b);
    int64_t months = (y.year - x.year) * 12 + (y.month - x.month);
    int64_t xr = a - x.days * MICROS_PER_DAY, yr = b - y.days * MICROS_PER_DAY;
    /* compare the day-of-month + time of day of b with a's, clamped to b's month end */
    int last_y = date_days_in_month(y.year, y.month), last_x = date_days_in_month(x.year, x.month);
    int xd = x.day > last_y ? last_y : x.day, yd = y.day > last_x ? last_x : y.day;
    if (months > 0 && (y.day < xd || (y.day == xd && yr < xr)))
        months--;
    else if (months < 0 && (yd > x.day || (yd == x.day && yr > xr)))
        months++;
    return months;
}

static int64_t diff_micros(int64_t a, int64_t b, unit u)
{
    switch (u) {
    case U_MONTH: return months_between(a, b);
    case U_QUARTER: return months_between(a, b) / 3;
    case U_YEAR: return months_between(a, b) / 12;
    default: return (b - a) / unit_micros[u];
    }
}

static bool ts_trunc_kernel(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    vector_view vu = node_arg(n, 0), vt = node_arg(n, 1);
    int64_t *out = n->out.data;
    if (view_is_constant(&vu)) { /* the common case: one unit for the vector */
        string_view us = VIEW_AT(string_view, vu, 0);
        unit u = parse_unit(us);
        if (u == U_BAD)
            return bad_unit(n, ctx, us);
        if (u <= U_DAY) {
            int64_t m = unit_micros[u];
            UNARY_LOOP(int64_t, vt, sel, count, r, t, out[r] = floor_div(t, m) * m;);
        } else {
            UNARY_LOOP(int64_t, vt, sel, count, r, t, out[r] = trunc_micros(t, u););
        }
        return true;
    }
    ROW_LOOP(sel, count, r, {
        string_view us = VIEW_AT(string_view, vu, r);
        unit u = parse_unit(us);
        if (u == U_BAD)
            return bad_unit(n, ctx, us);
        out[r] = trunc_micros(VIEW_AT(int64_t, vt, r), u);
    });
    return true;
}

static bool ts_add_kernel(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    vector_view vu = node_arg(n, 0), va = node_arg(n, 1), vt = node_arg(n, 2);
    int64_t *out = n->out.data;
    ROW_LOOP(sel, count, r, {
        string_view us = VIEW_AT(string_view, vu, r);
        unit u = parse_unit(us);
        if (u == U_BAD)
            return bad_unit(n, ctx, us);
        if (!add_micros(VIEW_AT(int64_t, vt, r), u, VIEW_AT(int64_t, va, r), &out[r]))
            return node_error(n, ctx, ERR_NUMERIC_VALUE_OUT_OF_RANGE, "Timestamp is out of range");
    });
    return true;
}

static bool ts_diff_kernel(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    vector_view vu = node_arg(n, 0), va = node_arg(n, 1), vb = node_arg(n, 2);
    int64_t *out = n->out.data;
    ROW_LOOP(sel, count, r, {
        string_view us = VIEW_AT(string_view, vu, r);
        unit u = parse_unit(us);
        if (u == U_BAD)
            return bad_unit(n, ctx, us);
        out[r] = diff_micros(VIEW_AT(int64_t, va, r), VIEW_AT(int64_t, vb, r), u);
    });
    return true;
}

static bool millisecond_kernel(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    (void)ctx;
    vector_view vt = node_arg(n, 0);
    int64_t *out = n->out.data;
    UNARY_LOOP(int64_t, vt, sel, count, r, t, out[r] = (t - floor_div(t, MICROS_PER_SECOND) * MICROS_PER_SECOND) / 1000;);
    return true;
}

static bool ts_last_day_kernel(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    (void)ctx;
    vector_view vt = node_arg(n, 0);
    int32_t *out = n->out.data;
    UNARY_LOOP(int64_t, vt, sel, count, r, t, {
        civil c = civil_of(t);
        out[r] = (int32_t)date_from_civil(c.year, c.month, date_days_in_month(c.year, c.month));
    });
    return true;
}

/* ---- fields of timestamp with time zone ---- */

typedef enum tz_field { TF_YEAR, TF_QUARTER, TF_MONTH, TF_WEEK, TF_DAY, TF_DOW, TF_DOY, TF_HOUR, TF_MINUTE, TF_SECOND, TF_MILLI } tz_field;

static bool tz_field_kernel(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    (void)ctx;
    vector_view vt = node_arg(n, 0);
    int64_t *out = n->out.data;
    tz_field f = (tz_field)n->k[0];
    UNARY_LOOP(timestamp_tz, vt, sel, count, r, t, {
        civil c = civil_of(tz_local(t));
        int64_t v = 0;
        switch (f) {
        case TF_YEAR: v = c.year; break;
        case TF_QUARTER: v = (c.month - 1) / 3 + 1; break;
        case TF_MONTH: v = c.month; break;
        case TF_WEEK: v = date_week_of_year(c.days); break;
        case TF_DAY: v = c.day; break;
        case TF_DOW: v = date_day_of_week(c.days); break;
        case TF_DOY: v = date_day_of_year(c.days); break;
        case TF_HOUR: v = c.hour; break;
        case TF_MINUTE: v = c.minute; break;
        case TF_SECOND: v = c.second; break;
        case TF_MILLI: v = c.micros / 1000; break;
        }
        out[r] = v;
    });
    return true;
}

/* ---- formatting ---- */

static const char *const month_names[] = {"January", "February", "March", "April", "May", "June", "July",
                                          "August", "September", "October", "November", "December"};
static const char *const day_names[] = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};

typedef struct text {
    char data[512];
    size_t length;
    bool overflow;
} text;

static void put_text(text *t, const char *s, size_t n)
{
    if (t->length + n > sizeof t->data) {
        t->overflow = true;
        return;
    }
    memcpy(t->data + t->length, s, n);
    t->length += n;
}

static void put_number(text *t, int64_t v, int width)
{
    char buf[32];
    int n = v < 0 ? snprintf(buf, sizeof buf, "-%0*lld", width, (long long)-v) : snprintf(buf, sizeof buf, "%0*lld", width, (long long)v);
    put_text(t, buf, (size_t)n);
}

static void put_offset(text *t, int32_t seconds, bool colon)
{
    char buf[16];
    int a = seconds < 0 ? -seconds : seconds;
    int n = snprintf(buf, sizeof buf, colon ? "%c%02d:%02d" : "%c%02d%02d", seconds < 0 ? '-' : '+', a / 3600, a / 60 % 60);
    put_text(t, buf, (size_t)n);
}

/* Joda-Time DateTimeFormat patterns. */
static bool format_joda(const char *p, uint32_t n, int64_t local, int16_t zone, int32_t offset, text *t, char *bad)
{
    civil c = civil_of(local);
    for (uint32_t i = 0; i < n;) {
        char ch = p[i];
        uint32_t j = i;
        while (j < n && p[j] == ch)
            j++;
        int count = (int)(j - i);
        if (ch == '\'') {
            /* quoted literal; '' is a quote */
            if (count >= 2) {
                for (int k = 0; k < count / 2; k++)
                    put_text(t, "'", 1);
                if (count % 2 == 0) {
                    i = j;
                    continue;
                }
            }
            uint32_t k = (count >= 2 ? j : i + 1);
            while (k < n) {
                if (p[k] == '\'') {
                    if (k + 1 < n && p[k + 1] == '\'') {
                        put_text(t, "'", 1);
                        k += 2;
                        continue;
                    }
                    break;
                }
                put_text(t, p + k, 1);
                k++;
            }
            i = k + 1;
            continue;
        }
        if (!isalpha((unsigned char)ch)) {
            put_text(t, p + i, (size_t)count);
            i = j;
            continue;
        }
        switch (ch) {
        case 'y':
        case 'Y':
        case 'x':
            if (count == 2)
                put_number(t, ((c.year % 100) + 100) % 100, 2);
            else
                put_number(t, ch == 'x' ? date_year_of_week(c.days) : c.year, count);
            break;
        case 'M':
            if (count >= 4)
                put_text(t, month_names[c.month - 1], strlen(month_names[c.month - 1]));
            else if (count == 3)
                put_text(t, month_names[c.month - 1], 3);
            else
                put_number(t, c.month, count);
            break;
        case 'd': put_number(t, c.day, count); break;
        case 'D': put_number(t, date_day_of_year(c.days), count); break;
        case 'w': put_number(t, date_week_of_year(c.days), count); break;
        case 'e': put_number(t, date_day_of_week(c.days), count); break;
        case 'E': {
            const char *name = day_names[date_day_of_week(c.days) - 1];
            put_text(t, name, count >= 4 ? strlen(name) : 3);
            break;
        }
        case 'H': put_number(t, c.hour, count); break;
        case 'k': put_number(t, c.hour == 0 ? 24 : c.hour, count); break;
        case 'h': put_number(t, c.hour % 12 == 0 ? 12 : c.hour % 12, count); break;
        case 'K': put_number(t, c.hour % 12, count); break;
        case 'm': put_number(t, c.minute, count); break;
        case 's': put_number(t, c.second, count); break;
        case 'S': {
            char digits[16];
            snprintf(digits, sizeof digits, "%06lld", (long long)c.micros);
            for (int k = 0; k < count; k++)
                put_text(t, k < 6 ? digits + k : "0", 1);
            break;
        }
        case 'a': put_text(t, c.hour < 12 ? "AM" : "PM", 2); break;
        case 'G': put_text(t, c.year > 0 ? "AD" : "BC", 2); break;
        case 'C': put_number(t, c.year / 100, count); break;
        case 'Z':
            if (count == 1)
                put_offset(t, offset, false);
            else if (count == 2)
                put_offset(t, offset, true);
            else {
                char name[TIME_ZONE_NAME_MAX];
                int l = time_zone_name(zone, name, sizeof name);
                put_text(t, name, (size_t)l);
            }
            break;
        case 'z': {
            char name[TIME_ZONE_NAME_MAX];
            int l = time_zone_name(zone, name, sizeof name);
            put_text(t, name, (size_t)l);
            break;
        }
        default:
            *bad = ch;
            return false;
        }
        i = j;
    }
    return !t->overflow;
}

/* MySQL date_format patterns (Trino's subset). */
static bool format_mysql(const char *p, uint32_t n, int64_t local, text *t, char *bad)
{
    civil c = civil_of(local);
    for (uint32_t i = 0; i < n; i++) {
        if (p[i] != '%' || i + 1 == n) {
            put_text(t, p + i, 1);
            continue;
        }
        char ch = p[++i];
        int h12 = c.hour % 12 == 0 ? 12 : c.hour % 12;
        switch (ch) {
        case 'a': put_text(t, day_names[date_day_of_week(c.days) - 1], 3); break;
        case 'b': put_text(t, month_names[c.month - 1], 3); break;
        case 'c': put_number(t, c.month, 1); break;
        case 'd': put_number(t, c.day, 2); break;
        case 'e': put_number(t, c.day, 1); break;
        case 'f': put_number(t, c.micros, 6); break;
        case 'H': put_number(t, c.hour, 2); break;
        case 'h':
        case 'I': put_number(t, h12, 2); break;
        case 'i': put_number(t, c.minute, 2); break;
        case 'j': put_number(t, date_day_of_year(c.days), 3); break;
        case 'k': put_number(t, c.hour, 1); break;
        case 'l': put_number(t, h12, 1); break;
        case 'M': put_text(t, month_names[c.month - 1], strlen(month_names[c.month - 1])); break;
        case 'm': put_number(t, c.month, 2); break;
        case 'p': put_text(t, c.hour < 12 ? "AM" : "PM", 2); break;
        case 'r':
            put_number(t, h12, 2), put_text(t, ":", 1), put_number(t, c.minute, 2), put_text(t, ":", 1);
            put_number(t, c.second, 2), put_text(t, c.hour < 12 ? " AM" : " PM", 3);
            break;
        case 'S':
        case 's': put_number(t, c.second, 2); break;
        case 'T':
            put_number(t, c.hour, 2), put_text(t, ":", 1), put_number(t, c.minute, 2), put_text(t, ":", 1);
            put_number(t, c.second, 2);
            break;
        case 'v': put_number(t, date_week_of_year(c.days), 2); break;
        case 'W': put_text(t, day_names[date_day_of_week(c.days) - 1], strlen(day_names[date_day_of_week(c.days) - 1])); break;
        case 'x': put_number(t, date_year_of_week(c.days), 4); break;
        case 'Y': put_number(t, c.year, 4); break;
        case 'y': put_number(t, ((c.year % 100) + 100) % 100, 2); break;
        case '%': put_text(t, "%", 1); break;
        case 'D':
        case 'U':
        case 'u':
        case 'V':
        case 'w':
        case 'X': *bad = ch; return false;
        default: put_text(t, &ch, 1); break;
        }
    }
    return !t->overflow;
}

static bool store_text(expr_node *n, eval_context *ctx, uint32_t r, const text *t)
{
    char *p = t->length <= STRING_INLINE_MAX ? (char *)t->data : node_string_reserve(n, (uint32_t)t->length, ctx->error);
    if (!p)
        return false;
    if (p != t->data)
        memcpy(p, t->data, t->length);
    ((string_view *)n->out.data)[r] = string_view_make(p, (uint32_t)t->length);
    return true;
}

static bool format_kernel(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    vector_view vt = node_arg(n, 0), vp = node_arg(n, 1);
    bool joda = n->k[0] == 1, with_zone = n->children[0]->type.kind == TYPE_TIMESTAMP_TZ;
    ROW_LOOP(sel, count, r, {
        int64_t local;
        int16_t zone = TIME_ZONE_UTC;
        int32_t offset = 0;
        if (with_zone) {
            timestamp_tz t = VIEW_AT(timestamp_tz, vt, r);
            zone = t.zone_key;
            offset = time_zone_offset_at(zone, floor_div(t.micros_utc, MICROS_PER_SECOND));
            local = t.micros_utc + (int64_t)offset * MICROS_PER_SECOND;
        } else {
            local = VIEW_AT(int64_t, vt, r);
        }
        string_view ps = VIEW_AT(string_view, vp, r);
        text t = {.length = 0};
        char bad = 0;
        bool ok = joda ? format_joda(string_view_data(&ps), ps.length, local, zone, offset, &t, &bad)
                       : format_mysql(string_view_data(&ps), ps.length, local, &t, &bad);
        if (!ok) {
            if (bad && joda)
                return node_error(n, ctx, ERR_INVALID_FUNCTION_ARGUMENT, "Illegal pattern component: %c", bad);
            if (bad)
                return node_error(n, ctx, ERR_INVALID_FUNCTION_ARGUMENT, "%%%c not supported in date format string", bad);
            return node_error(n, ctx, ERR_INVALID_FUNCTION_ARGUMENT, "Formatted date is too long");
        }
        if (!store_text(n, ctx, r, &t))
            return false;
    });
    return true;
}

/* ---- date_parse (MySQL patterns) ---- */

static bool read_int(const char *s, uint32_t n, uint32_t *i, int max_digits, int64_t *out)
{
    int digits = 0;
    int64_t v = 0;
    bool negative = false;
    if (*i < n && s[*i] == '-' && max_digits > 4) {
        negative = true;
        (*i)++;
    }
    while (*i < n && digits < max_digits && isdigit((unsigned char)s[*i])) {
        v = v * 10 + (s[(*i)++] - '0');
        digits++;
    }
    *out = negative ? -v : v;
    return digits > 0;
}

static bool read_name(const char *s, uint32_t n, uint32_t *i, const char *const *names, int count, bool abbreviated, int *out)
{
    for (int k = 0; k < count; k++) {
        size_t l = abbreviated ? 3 : strlen(names[k]);
        if (*i + l <= n && strncasecmp(s + *i, names[k], l) == 0) {
            *i += (uint32_t)l;
            *out = k;
            return true;
        }
    }
    return false;
}

static bool parse_mysql(const char *s, uint32_t n, const char *p, uint32_t pn, int64_t *out, uint32_t *fail_at, char *bad)
{
    int64_t year = 1970, month = 1, day = 1, hour = 0, minute = 0, second = 0, micros = 0, doy = -1;
    bool pm = false, has_ampm = false;
    uint32_t i = 0;
    for (uint32_t k = 0; k < pn; k++) {
        if (p[k] != '%' || k + 1 == pn) {
            if (i >= n || s[i] != p[k]) {
                *fail_at = i;
                return false;
            }
            i++;
            continue;
        }
        char ch = p[++k];
        bool ok = true;
        int name;
        int64_t v;
        switch (ch) {
        case 'Y': ok = read_int(s, n, &i, 9, &year); break;
        case 'y': ok = read_int(s, n, &i, 2, &v); year = v < 70 ? 2000 + v : 1900 + v; break;
        case 'm':
        case 'c': ok = read_int(s, n, &i, 2, &month); break;
        case 'd':
        case 'e': ok = read_int(s, n, &i, 2, &day); break;
        case 'H':
        case 'k': ok = read_int(s, n, &i, 2, &hour); break;
        case 'h':
        case 'I':
        case 'l': ok = read_int(s, n, &i, 2, &hour); has_ampm = true; break;
        case 'i': ok = read_int(s, n, &i, 2, &minute); break;
        case 'S':
        case 's': ok = read_int(s, n, &i, 2, &second); break;
        case 'f': {
            uint32_t start = i;
            ok = read_int(s, n, &i, 6, &micros);
            for (uint32_t d = i - start; ok && d < 6; d++)
                micros *= 10;
            break;
        }
        case 'j': ok = read_int(s, n, &i, 3, &doy); break;
        case 'p':
            ok = i + 2 <= n && (strncasecmp(s + i, "AM", 2) == 0 || strncasecmp(s + i, "PM", 2) == 0);
            if (ok) {
                pm = toupper((unsigned char)s[i]) == 'P';
                has_ampm = true;
                i += 2;
            }
            break;
        case 'b': ok = read_name(s, n, &i, month_names, 12, true, &name); month = name + 1; break;
        case 'M': ok = read_name(s, n, &i, month_names, 12, false, &name); month = name + 1; break;
        case 'a': ok = read_name(s, n, &i, day_names, 7, true, &name); break;
        case 'W': ok = read_name(s, n, &i, day_names, 7, false, &name); break;
        case 'T':
            ok = read_int(s, n, &i, 2, &hour) && i < n && s[i++] == ':' && read_int(s, n, &i, 2, &minute) && i < n &&
                 s[i++] == ':' && read_int(s, n, &i, 2, &second);
            break;
        case '%': ok = i < n && s[i++] == '%'; break;
        case 'D':
        case 'U':
        case 'u':
        case 'V':
        case 'w':
        case 'X':
        case 'x':
        case 'v':
        case 'r': *bad = ch; return false;
        default: ok = i < n && s[i++] == ch; break;
        }
        if (!ok) {
            *fail_at = i;
            return false;
        }
    }
    if (i < n) {
        *fail_at = i;
        return false;
    }
    if (has_ampm) {
        if (hour < 1 || hour > 12) {
            *fail_at = 0;
            return false;
        }
        hour = hour % 12 + (pm ? 12 : 0);
    }
    if (month < 1 || month > 12 || day < 1 || day > date_days_in_month(year, (int)month) || hour > 23 || minute > 59 ||
        second > 59) {
        *fail_at = 0;
        return false;
    }
    int64_t days = doy > 0 ? date_from_civil(year, 1, 1) + doy - 1 : date_from_civil(year, (int)month, (int)day);
    *out = days * MICROS_PER_DAY + ((hour * 60 + minute) * 60 + second) * MICROS_PER_SECOND + micros;
    return true;
}

static bool date_parse_kernel(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    vector_view vs = node_arg(n, 0), vp = node_arg(n, 1);
    int64_t *out = n->out.data;
    ROW_LOOP(sel, count, r, {
        string_view s = VIEW_AT(string_view, vs, r), p = VIEW_AT(string_view, vp, r);
        uint32_t at = 0;
        char bad = 0;
        const char *sd = string_view_data(&s);
        if (!parse_mysql(sd, s.length, string_view_data(&p), p.length, &out[r], &at, &bad)) {
            if (bad)
                return node_error(n, ctx, ERR_INVALID_FUNCTION_ARGUMENT, "%%%c not supported in date format string", bad);
            if (at == 0)
                return node_error(n, ctx, ERR_INVALID_FUNCTION_ARGUMENT, "Invalid format: \"%.*s\"", (int)s.length, sd);
            return node_error(n, ctx, ERR_INVALID_FUNCTION_ARGUMENT, "Invalid format: \"%.*s\" is malformed at \"%.*s\"",
                              (int)s.length, sd, (int)(s.length - at), sd + at);
        }
        if (n->type.precision < 6) { /* timestamp(3) */
            out[r] = floor_div(out[r], 1000) * 1000;
        }
    });
    return true;
}

/* ---- unix time ---- */

static bool zone_arg(expr_node *n, eval_context *ctx, string_view z, int16_t *key)
{
    if (!time_zone_lookup(string_view_data(&z), z.length, key))
        return node_error(n, ctx, ERR_INVALID_FUNCTION_ARGUMENT, "Time zone not supported: %.*s", (int)z.length,
                          string_view_data(&z));
    return true;
}

static bool from_unixtime_kernel(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    vector_view vt = node_arg(n, 0);
    vector_view vz = n->child_count > 1 ? node_arg(n, 1) : vt;
    timestamp_tz *out = n->out.data;
    ROW_LOOP(sel, count, r, {
        double seconds = VIEW_AT(double, vt, r);
        int16_t zone = TIME_ZONE_UTC;
        if (n->child_count > 1 && !zone_arg(n, ctx, VIEW_AT(string_view, vz, r), &zone))
            return false;
        double millis = round(seconds * 1000.0);
        if (!(fabs(millis) < 9.2e15))
            return node_error(n, ctx, ERR_INVALID_FUNCTION_ARGUMENT, "Value cannot be represented as a timestamp: %g", seconds);
        out[r].micros_utc = (int64_t)millis * 1000;
        out[r].zone_key = zone;
    });
    return true;
}

static bool to_unixtime_kernel(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    (void)ctx;
    vector_view vt = node_arg(n, 0);
    double *out = n->out.data;
    if (n->children[0]->type.kind == TYPE_TIMESTAMP_TZ) {
        UNARY_LOOP(timestamp_tz, vt, sel, count, r, t, out[r] = (double)t.micros_utc / 1e6;);
    } else {
        UNARY_LOOP(int64_t, vt, sel, count, r, t, out[r] = (double)t / 1e6;);
    }
    return true;
}

static bool to_milliseconds_kernel(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    (void)ctx;
    vector_view va = node_arg(n, 0);
    int64_t *out = n->out.data;
    UNARY_LOOP(int64_t, va, sel, count, r, a, out[r] = a;);
    return true;
}

/* ---- ISO 8601 ---- */

static bool parse_iso_date(const char *s, uint32_t n, uint32_t *i, int64_t *days)
{
    int64_t y, m = 1, d = 1;
    uint32_t start = *i;
    if (!read_int(s, n, i, 9, &y) || *i - start < 4)
        return false;
    if (*i < n && s[*i] == '-') {
        (*i)++;
        if (!read_int(s, n, i, 2, &m))
            return false;
        if (*i < n && s[*i] == '-') {
            (*i)++;
            if (!read_int(s, n, i, 2, &d))
                return false;
        }
    }
    if (m < 1 || m > 12 || d < 1 || d > date_days_in_month(y, (int)m))
        return false;
    *days = date_from_civil(y, (int)m, (int)d);
    return true;
}

static bool from_iso_date_kernel(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    vector_view vs = node_arg(n, 0);
    int32_t *out = n->out.data;
    ROW_LOOP(sel, count, r, {
        string_view s = VIEW_AT(string_view, vs, r);
        const char *d = string_view_data(&s);
        uint32_t i = 0;
        int64_t days;
        if (!parse_iso_date(d, s.length, &i, &days) || i != s.length)
            return node_error(n, ctx, ERR_INVALID_FUNCTION_ARGUMENT, "Invalid format: \"%.*s\"", (int)s.length, d);
        out[r] = (int32_t)days;
    });
    return true;
}

static bool from_iso_timestamp_kernel(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    vector_view vs = node_arg(n, 0);
    timestamp_tz *out = n->out.data;
    ROW_LOOP(sel, count, r, {
        string_view s = VIEW_AT(string_view, vs, r);
        const char *d = string_view_data(&s);
        uint32_t i = 0;
        int64_t days, h = 0, mi = 0, sec = 0, frac = 0;
        bool ok = parse_iso_date(d, s.length, &i, &days);
        if (ok && i < s.length && s.length > i && d[i] == 'T') {
            i++;
            ok = read_int(d, s.length, &i, 2, &h);
            if (ok && i < s.length && d[i] == ':') {
                i++;
                ok = read_int(d, s.length, &i, 2, &mi);
                if (ok && i < s.length && d[i] == ':') {
                    i++;
                    ok = read_int(d, s.length, &i, 2, &sec);
                    if (ok && i < s.length && (d[i] == '.' || d[i] == ',')) {
                        i++;
                        int digits = 0;
                        while (i < s.length && isdigit((unsigned char)d[i])) {
                            if (digits < 6)
                                frac = frac * 10 + (d[i] - '0');
                            digits++;
                            i++;
                        }
                        for (; digits < 6; digits++)
                            frac *= 10;
                    }
                }
            }
            ok = ok && h <= 24 && mi < 60 && sec < 60;
        }
        int16_t zone = TIME_ZONE_UTC;
        if (ok && i < s.length) {
            ok = (d[i] == 'Z' && i + 1 == s.length) || time_zone_lookup(d + i, s.length - i, &zone);
            i = s.length;
        }
        if (!ok)
            return node_error(n, ctx, ERR_INVALID_FUNCTION_ARGUMENT, "Invalid format: \"%.*s\"", (int)s.length, d);
        int64_t local = days * MICROS_PER_DAY + ((h * 60 + mi) * 60 + sec) * MICROS_PER_SECOND + frac;
        local = floor_div(local, 1000) * 1000; /* timestamp(3) */
        out[r].micros_utc = tz_from_local(zone, local);
        out[r].zone_key = zone;
    });
    return true;
}

static void put_iso(text *t, int64_t local, int precision)
{
    civil c = civil_of(local);
    char buf[64];
    int l = snprintf(buf, sizeof buf, "%04lld-%02d-%02dT%02d:%02d:%02d", (long long)c.year, c.month, c.day, c.hour,
                     c.minute, c.second);
    put_text(t, buf, (size_t)l);
    if (precision > 0) {
        char digits[8];
        snprintf(digits, sizeof digits, "%06lld", (long long)c.micros);
        put_text(t, ".", 1);
        put_text(t, digits, (size_t)(precision > 6 ? 6 : precision));
    }
}

static bool to_iso_kernel(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    vector_view va = node_arg(n, 0);
    sql_type in = n->children[0]->type;
    ROW_LOOP(sel, count, r, {
        text t = {.length = 0};
        if (in.kind == TYPE_DATE) {
            char buf[32];
            int l = date_format(VIEW_AT(int32_t, va, r), buf, sizeof buf);
            put_text(&t, buf, (size_t)l);
        } else if (in.kind == TYPE_TIMESTAMP) {
            put_iso(&t, VIEW_AT(int64_t, va, r), in.precision);
        } else {
            timestamp_tz v = VIEW_AT(timestamp_tz, va, r);
            int32_t offset = time_zone_offset_at(v.zone_key, floor_div(v.micros_utc, MICROS_PER_SECOND));
            put_iso(&t, v.micros_utc + (int64_t)offset * MICROS_PER_SECOND, in.precision);
            if (v.zone_key == TIME_ZONE_UTC)
                put_text(&t, "Z", 1);
            else
                put_offset(&t, offset, true);
        }
        if (!store_text(n, ctx, r, &t))
            return false;
    });
    return true;
}

/* ---- zones ---- */

static bool with_timezone_kernel(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    vector_view vt = node_arg(n, 0), vz = node_arg(n, 1);
    timestamp_tz *out = n->out.data;
    ROW_LOOP(sel, count, r, {
        int16_t zone;
        if (!zone_arg(n, ctx, VIEW_AT(string_view, vz, r), &zone))
            return false;
        out[r].micros_utc = tz_from_local(zone, VIEW_AT(int64_t, vt, r));
        out[r].zone_key = zone;
    });
    return true;
}

static bool at_timezone_kernel(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    vector_view vt = node_arg(n, 0), vz = node_arg(n, 1);
    timestamp_tz *out = n->out.data;
    ROW_LOOP(sel, count, r, {
        int16_t zone;
        if (!zone_arg(n, ctx, VIEW_AT(string_view, vz, r), &zone))
            return false;
        out[r].micros_utc = VIEW_AT(timestamp_tz, vt, r).micros_utc;
        out[r].zone_key = zone;
    });
    return true;
}

static bool timezone_kernel(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    vector_view vt = node_arg(n, 0);
    ROW_LOOP(sel, count, r, {
        text t = {.length = 0};
        char name[TIME_ZONE_NAME_MAX];
        int l = time_zone_name(VIEW_AT(timestamp_tz, vt, r).zone_key, name, sizeof name);
        put_text(&t, name, (size_t)l);
        if (!store_text(n, ctx, r, &t))
            return false;
    });
    return true;
}

static bool now_kernel(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    (void)ctx;
    if (n->k[1] == 0) { /* fixed at the first evaluation of this program */
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        n->k[0] = (int64_t)ts.tv_sec * MICROS_PER_SECOND + ts.tv_nsec / 1000000 * 1000;
        n->k[1] = 1;
    }
    timestamp_tz *out = n->out.data;
    timestamp_tz v = {n->k[0], TIME_ZONE_UTC};
    ROW_LOOP(sel, count, r, out[r] = v;);
    return true;
}

static bool current_timezone_kernel(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    (void)ctx;
    ROW_LOOP(sel, count, r, ((string_view *)n->out.data)[r] = string_view_make("UTC", 3););
    return true;
}

/* ---- binding ---- */

static const struct {
    const char *name;
    tz_field f;
} tz_fields[] = {
    {"year", TF_YEAR}, {"quarter", TF_QUARTER}, {"month", TF_MONTH}, {"week", TF_WEEK}, {"day", TF_DAY},
    {"day_of_month", TF_DAY}, {"day_of_week", TF_DOW}, {"dow", TF_DOW}, {"day_of_year", TF_DOY}, {"doy", TF_DOY},
    {"hour", TF_HOUR}, {"minute", TF_MINUTE}, {"second", TF_SECOND}, {"millisecond", TF_MILLI},
};

static bool bind_datetime_extra(expr_node *n, const sql_type *args, int arg_count, sql_type ret,
                                shoal_error *error);

#define IMPL(name) {name, bind_datetime_extra}
const scalar_impl datetime_extra_impls[] = {
    IMPL("year"), IMPL("quarter"), IMPL("month"), IMPL("week"), IMPL("day"), IMPL("day_of_month"),
    IMPL("day_of_week"), IMPL("dow"), IMPL("day_of_year"), IMPL("doy"), IMPL("hour"), IMPL("minute"),
    IMPL("second"), IMPL("millisecond"), IMPL("last_day_of_month"), IMPL("date_trunc"), IMPL("date_add"),
    IMPL("date_diff"), IMPL("format_datetime"), IMPL("date_format"), IMPL("date_parse"), IMPL("from_unixtime"),
    IMPL("to_unixtime"), IMPL("to_milliseconds"), IMPL("from_iso8601_date"), IMPL("from_iso8601_timestamp"),
    IMPL("to_iso8601"), IMPL("with_timezone"), IMPL("at_timezone"), IMPL("timezone"), IMPL("now"),
    IMPL("current_timezone"),
};
const int datetime_extra_impl_count = sizeof datetime_extra_impls / sizeof datetime_extra_impls[0];

static bool bind_datetime_extra(expr_node *n, const sql_type *args, int arg_count, sql_type ret,
                                shoal_error *error)
{
    const char *name = n->function_name;
    type_kind first = arg_count > 0 ? args[0].kind : TYPE_UNKNOWN;
    if (arg_count == 1 && first == TYPE_TIMESTAMP_TZ) {
        for (size_t i = 0; i < sizeof tz_fields / sizeof tz_fields[0]; i++) {
            if (strcmp(tz_fields[i].name, name) == 0) {
                n->k[0] = tz_fields[i].f;
                n->kernel = tz_field_kernel;
                return true;
            }
        }
    }
    scalar_kernel_fn k = NULL;
    if (strcmp(name, "millisecond") == 0 && first == TYPE_TIMESTAMP)
        k = millisecond_kernel;
    else if (strcmp(name, "last_day_of_month") == 0 && first == TYPE_TIMESTAMP)
        k = ts_last_day_kernel;
    else if (strcmp(name, "date_trunc") == 0 && args[1].kind == TYPE_TIMESTAMP)
        k = ts_trunc_kernel;
    else if (strcmp(name, "date_add") == 0 && arg_count == 3 && args[2].kind == TYPE_TIMESTAMP)
        k = ts_add_kernel;
    else if (strcmp(name, "date_diff") == 0 && arg_count == 3 && args[1].kind == TYPE_TIMESTAMP)
        k = ts_diff_kernel;
    else if (strcmp(name, "format_datetime") == 0 || strcmp(name, "date_format") == 0) {
        k = format_kernel;
        n->k[0] = name[0] == 'f';
    } else if (strcmp(name, "date_parse") == 0)
        k = date_parse_kernel;
    else if (strcmp(name, "from_unixtime") == 0)
        k = from_unixtime_kernel;
    else if (strcmp(name, "to_unixtime") == 0)
        k = to_unixtime_kernel;
    else if (strcmp(name, "to_milliseconds") == 0)
        k = to_milliseconds_kernel;
    else if (strcmp(name, "from_iso8601_date") == 0)
        k = from_iso_date_kernel;
    else if (strcmp(name, "from_iso8601_timestamp") == 0)
        k = from_iso_timestamp_kernel;
    else if (strcmp(name, "to_iso8601") == 0)
        k = to_iso_kernel;
    else if (strcmp(name, "with_timezone") == 0)
        k = with_timezone_kernel;
    else if (strcmp(name, "at_timezone") == 0)
        k = at_timezone_kernel;
    else if (strcmp(name, "timezone") == 0)
        k = timezone_kernel;
    else if (strcmp(name, "now") == 0)
        k = now_kernel;
    else if (strcmp(name, "current_timezone") == 0)
        k = current_timezone_kernel;
    if (k) {
        n->kernel = k;
        return true;
    }
    for (int i = 0; i < datetime_extra_impl_count; i++)
        if (strcmp(datetime_extra_impls[i].name, name) == 0)
            return expr_functions_bind_next(&datetime_extra_impls[i], n, args, arg_count, ret, error);
    return error_set(error, ERR_FUNCTION_IMPLEMENTATION_MISSING, "No kernel for %s", name);
}
