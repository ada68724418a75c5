/*
 * units.c — numbers and durations as people write them, as Trino does:
 * human_readable_seconds(double) ("1 hour, 2 minutes, 42 seconds"),
 * parse_duration(varchar) -> interval day to second ("3.5m", units ns us
 * ms s m h d; rounded to milliseconds half up) and format_number(bigint |
 * double) ("123K", "1.23M": unit K M B T Q, three significant digits,
 * rounding half up; a double is truncated to bigint first).
 *
 * Errors: "Invalid argument found: NaN" and "duration is not a valid data
 * duration string: x" (INVALID_FUNCTION_ARGUMENT).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "operators/expr_internal.h"

/* ---- human_readable_seconds ---- */

static int add_period(char *out, int at, int64_t value, const char *unit)
{
    if (value <= 0)
        return at;
    return at + sprintf(out + at, "%s%lld %s%s", at ? ", " : "", (long long)value, unit, value == 1 ? "" : "s");
}

static bool human_readable_seconds_kernel(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    vector_view v0 = node_arg(n, 0);
    ROW_LOOP(sel, count, r, {
        double x = VIEW_AT(double, v0, r);
        if (!isfinite(x))
            return node_error(n, ctx, ERR_INVALID_FUNCTION_ARGUMENT, "Invalid argument found: %s",
                              isnan(x) ? "NaN" : x > 0 ? "Infinity" : "-Infinity");
        double rounded = floor(fabs(x) + 0.5); /* Math.round of a non-negative value */
        int64_t seconds = rounded >= 9.2e18 ? INT64_MAX : (int64_t)rounded;
        int64_t weeks = seconds / 604800, days = seconds % 604800 / 86400, hours = seconds % 86400 / 3600,
                minutes = seconds % 3600 / 60, rest = seconds % 60;
        char text[160];
        int at = add_period(text, 0, weeks, "week");
        at = add_period(text, at, days, "day");
        at = add_period(text, at, hours, "hour");
        at = add_period(text, at, minutes, "minute");
        at = add_period(text, at, rest, "second");
        if (at == 0)
            at = sprintf(text, "0 seconds");
        if (!node_put_string(n, r, text, (uint32_t)at, ctx->error))
            return false;
    });
    return true;
}

/* ---- parse_duration ---- */

/* airlift Duration's grammar: digits[.digits] [spaces] unit, trimmed. */
static bool parse_duration_text(const char *s, uint32_t length, int64_t *millis)
{
    uint32_t i = 0, end = length;
    while (i < end && (s[i] == ' ' || s[i] == '\t'))
        i++;
    while (end > i && (s[end - 1] == ' ' || s[end - 1] == '\t'))
        end--;
    uint32_t number_start = i;
    while (i < end && s[i] >= '0' && s[i] <= '9')
        i++;
    if (i == number_start)
        return false;
    if (i < end && s[i] == '.') {
        uint32_t fraction = ++i;
        while (i < end && s[i] >= '0' && s[i] <= '9')
            i++;
        if (i == fraction)
            return false;
    }
    char number[64];
    if (i - number_start >= sizeof number)
        return false;
    memcpy(number, s + number_start, i - number_start);
    number[i - number_start] = '\0';
    while (i < end && (s[i] == ' ' || s[i] == '\t'))
        i++;
    static const struct {
        const char *unit;
        double millis;
    } units[] = {{"ns", 1e-6}, {"us", 1e-3}, {"ms", 1}, {"s", 1e3}, {"m", 6e4}, {"h", 3.6e6}, {"d", 8.64e7}};
    for (size_t k = 0; k < sizeof units / sizeof units[0]; k++) {
        size_t unit_length = strlen(units[k].unit);
        if (end - i == unit_length && memcmp(s + i, units[k].unit, unit_length) == 0) {
            double value = floor(strtod(number, NULL) * units[k].millis + 0.5);
            if (!(value < 9.2e18))
                return false;
            *millis = (int64_t)value;
            return true;
        }
    }
    return false;
}

static bool parse_duration_kernel(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    vector_view v0 = node_arg(n, 0);
    int64_t *out = n->out.data;
    ROW_LOOP(sel, count, r, {
        string_view s = VIEW_AT(string_view, v0, r);
        if (!parse_duration_text(string_view_data(&s), s.length, &out[r]))
            return node_error(n, ctx, ERR_INVALID_FUNCTION_ARGUMENT, "duration is not a valid data duration string: %.*s",
                              (int)s.length, string_view_data(&s));
    });
    return true;
}

/* ---- format_number ---- */

/* Trino's DecimalFormat("#.##" / "#.#" / "#", HALF_UP) of x. */
static int format_decimal(char *out, double x, int decimals)
{
    double scale = decimals == 2 ? 100 : decimals == 1 ? 10 : 1;
    double rounded = round(x * scale) / scale; /* half away from zero = HALF_UP */
    int at = sprintf(out, "%.*f", decimals, rounded);
    if (decimals > 0) {
        while (out[at - 1] == '0')
            at--;
        if (out[at - 1] == '.')
            at--;
    }
    out[at] = '\0';
    if (strcmp(out, "-0") == 0)
        at = sprintf(out, "-0");
    return at;
}

static int format_number_text(char *out, int64_t value)
{
    double x = (double)value;
    static const char units[] = "KMBTQ";
    int unit = -1;
    while (unit < 4 && (x >= 1000 || x <= -1000)) {
        x /= 1000;
        unit++;
    }
    int at = format_decimal(out, x, x < 10 ? 2 : x < 100 ? 1 : 0);
    if (unit >= 0)
        out[at++] = units[unit];
    out[at] = '\0';
    return at;
}

static bool format_number_kernel(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    vector_view v0 = node_arg(n, 0);
    bool floating = n->k[0] != 0;
    ROW_LOOP(sel, count, r, {
        int64_t value;
        if (floating) {
            double d = VIEW_AT(double, v0, r); /* Java's (long) cast: saturating, NaN -> 0 */
            value = isnan(d) ? 0 : d >= 9.223372036854775807e18 ? INT64_MAX : d <= -9.223372036854775808e18 ? INT64_MIN
                                                                                                      : (int64_t)d;
        } else {
            value = VIEW_AT(int64_t, v0, r);
        }
        char text[64];
        int length = format_number_text(text, value);
        if (!node_put_string(n, r, text, (uint32_t)length, ctx->error))
            return false;
    });
    return true;
}

static bool bind_units(expr_node *n, const sql_type *args, int arg_count, sql_type ret, shoal_error *error)
{
    (void)arg_count, (void)ret, (void)error;
    const char *name = n->function_name;
    if (strcmp(name, "human_readable_seconds") == 0) {
        n->kernel = human_readable_seconds_kernel;
    } else if (strcmp(name, "parse_duration") == 0) {
        n->kernel = parse_duration_kernel;
    } else {
        n->kernel = format_number_kernel;
        n->k[0] = args[0].kind == TYPE_DOUBLE;
    }
    return true;
}

#define IMPL(name) {name, bind_units}
const scalar_impl units_impls[] = {IMPL("human_readable_seconds"), IMPL("parse_duration"), IMPL("format_number")};
const int units_impl_count = sizeof units_impls / sizeof units_impls[0];
