/*
 * cast_extra.c — casts involving timestamp(p) with time zone (to and from
 * varchar in Trino's text form "2020-05-11 11:15:05.123 America/New_York",
 * to and from timestamp/date with the session zone UTC, between
 * precisions) and the json casts (functions/json.c). Failures follow
 * Trino: "Value cannot be cast to timestamp with time zone: x"
 * (INVALID_CAST_ARGUMENT); TRY_CAST turns them into NULL.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "connectors/spi/date_util.h"
#include "connectors/spi/time_zone.h"
#include "operators/expr_internal.h"

static const int64_t MICROS_PER_DAY = 86400000000LL;

static inline int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

static inline int64_t local_of(timestamp_tz t)
{
    return t.micros_utc + (int64_t)time_zone_offset_at(t.zone_key, floor_div(t.micros_utc, 1000000)) * 1000000;
}

static inline int64_t utc_of(int16_t zone, int64_t local)
{
    int64_t seconds = floor_div(local, 1000000);
    return time_zone_local_to_utc(zone, seconds) * 1000000 + (local - seconds * 1000000);
}

static int64_t round_to_precision(int64_t micros, int precision)
{
    if (precision >= 6)
        return micros;
    int64_t unit = 1;
    for (int i = precision; i < 6; i++)
        unit *= 10;
    return floor_div(micros + unit / 2, unit) * unit;
}

static bool tz_to_varchar(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    vector_view v = node_arg(n, 0);
    int precision = n->children[0]->type.precision;
    ROW_LOOP(sel, count, r, {
        timestamp_tz t = VIEW_AT(timestamp_tz, v, r);
        int64_t local = local_of(t);
        int64_t day = floor_div(local, MICROS_PER_DAY), rest = local - day * MICROS_PER_DAY;
        char date[32], zone[TIME_ZONE_NAME_MAX], text[160];
        date_format((int32_t)day, date, sizeof date);
        time_zone_name(t.zone_key, zone, sizeof zone);
        int64_t seconds = rest / 1000000;
        int length = snprintf(text, sizeof text, "%s %02d:%02d:%02d", date, (int)(seconds / 3600),
                              (int)(seconds / 60 % 60), (int)(seconds % 60));
        if (precision > 0) {
            char f[8];
            snprintf(f, sizeof f, "%06lld", (long long)(rest % 1000000));
            length += snprintf(text + length, sizeof text - (size_t)length, ".%.*s", precision > 6 ? 6 : precision, f);
        }
        length += snprintf(text + length, sizeof text - (size_t)length, " %s", zone);
        if (n->type.length != VARCHAR_UNBOUNDED && length > n->type.length)
            return node_error(n, ctx, ERR_INVALID_CAST_ARGUMENT, "Value %s cannot be represented as varchar(%d)", text,
                              n->type.length);
        char *p = length <= STRING_INLINE_MAX ? text : node_string_reserve(n, (uint32_t)length, ctx->error);
        if (!p)
            return false;
        if (p != text)
            memcpy(p, text, (size_t)length);
        ((string_view *)n->out.data)[r] = string_view_make(p, (uint32_t)length);
    });
    return true;
}

/* "YYYY-MM-DD[ HH:MM[:SS[.fff]]][ zone]" */
static bool parse_tz(const char *s, uint32_t n, timestamp_tz *out)
{
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        n--;
    while (n > 0 && isspace((unsigned char)*s)) {
        s++;
        n--;
    }
    uint32_t i = 0;
    while (i < n && s[i] != ' ' && s[i] != 'T')
        i++;
    int32_t days;
    if (!date_parse(s, i, &days))
        return false;
    int64_t local = (int64_t)days * MICROS_PER_DAY;
    int16_t zone = TIME_ZONE_UTC;
    if (i < n) {
        i++;
        int h = 0, m = 0, sec = 0;
        int64_t frac = 0;
        int used = 0;
        if (sscanf(s + i, "%2d:%2d%n", &h, &m, &used) < 2)
            return false;
        i += (uint32_t)used;
        if (i < n && s[i] == ':') {
            i++;
            int digits = 0;
            while (i < n && isdigit((unsigned char)s[i]) && digits < 2)
                sec = sec * 10 + (s[i++] - '0'), digits++;
            if (digits != 2)
                return false;
            if (i < n && s[i] == '.') {
                i++;
                digits = 0;
                while (i < n && isdigit((unsigned char)s[i])) {
                    if (digits < 6)
                        frac = frac * 10 + (s[i] - '0');
                    digits++;
                    i++;
                }
                if (digits == 0 || digits > 12)
                    return false;
                for (; digits < 6; digits++)
                    frac *= 10;
            }
        }
        if (h > 23 || m > 59 || sec > 59)
            return false;
        local += ((int64_t)(h * 60 + m) * 60 + sec) * 1000000 + frac;
        while (i < n && s[i] == ' ')
            i++;
        if (i < n && !time_zone_lookup(s + i, n - i, &zone))
            return false;
    }
    out->micros_utc = utc_of(zone, local);
    out->zone_key = zone;
    return true;
}

static bool varchar_to_tz(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    vector_view v = node_arg(n, 0);
    timestamp_tz *out = n->out.data;
    int precision = n->type.precision;
    ROW_LOOP(sel, count, r, {
        string_view s = VIEW_AT(string_view, v, r);
        if (!parse_tz(string_view_data(&s), s.length, &out[r])) {
            if (n->try_mode) {
                if (!node_ensure_validity(n, ctx->error))
                    return false;
                node_set_null(n, r);
                continue;
            }
            return node_error(n, ctx, ERR_INVALID_CAST_ARGUMENT, "Value cannot be cast to timestamp with time zone: %.*s",
                              (int)s.length, string_view_data(&s));
        }
        out[r].micros_utc = round_to_precision(out[r].micros_utc, precision);
    });
    return true;
}

static bool tz_to_tz(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    (void)ctx;
    vector_view v = node_arg(n, 0);
    timestamp_tz *out = n->out.data;
    int precision = n->type.precision;
    UNARY_LOOP(timestamp_tz, v, sel, count, r, t, {
        out[r] = t;
        out[r].micros_utc = round_to_precision(t.micros_utc, precision);
    });
    return true;
}

static bool tz_to_timestamp(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    (void)ctx;
    vector_view v = node_arg(n, 0);
    int64_t *out = n->out.data;
    int precision = n->type.precision;
    UNARY_LOOP(timestamp_tz, v, sel, count, r, t, out[r] = round_to_precision(local_of(t), precision););
    return true;
}

static bool tz_to_date(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    (void)ctx;
    vector_view v = node_arg(n, 0);
    int32_t *out = n->out.data;
    UNARY_LOOP(timestamp_tz, v, sel, count, r, t, out[r] = (int32_t)floor_div(local_of(t), MICROS_PER_DAY););
    return true;
}

static bool timestamp_to_tz(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    (void)ctx;
    vector_view v = node_arg(n, 0);
    timestamp_tz *out = n->out.data;
    int precision = n->type.precision;
    UNARY_LOOP(int64_t, v, sel, count, r, t, {
        out[r].micros_utc = round_to_precision(t, precision); /* session zone UTC */
        out[r].zone_key = TIME_ZONE_UTC;
    });
    return true;
}

static bool date_to_tz(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    (void)ctx;
    vector_view v = node_arg(n, 0);
    timestamp_tz *out = n->out.data;
    UNARY_LOOP(int32_t, v, sel, count, r, d, {
        out[r].micros_utc = (int64_t)d * MICROS_PER_DAY;
        out[r].zone_key = TIME_ZONE_UTC;
    });
    return true;
}

scalar_kernel_fn cast_extra_kernel(sql_type from, sql_type to)
{
    type_kind f = from.kind, t = to.kind;
    if (f == TYPE_TIMESTAMP_TZ && (t == TYPE_VARCHAR))
        return tz_to_varchar;
    if (type_is_string(from) && t == TYPE_TIMESTAMP_TZ)
        return varchar_to_tz;
    if (f == TYPE_TIMESTAMP_TZ && t == TYPE_TIMESTAMP_TZ)
        return tz_to_tz;
    if (f == TYPE_TIMESTAMP_TZ && t == TYPE_TIMESTAMP)
        return tz_to_timestamp;
    if (f == TYPE_TIMESTAMP_TZ && t == TYPE_DATE)
        return tz_to_date;
    if (f == TYPE_TIMESTAMP && t == TYPE_TIMESTAMP_TZ)
        return timestamp_to_tz;
    if (f == TYPE_DATE && t == TYPE_TIMESTAMP_TZ)
        return date_to_tz;
    return json_cast_kernel(from, to);
}
