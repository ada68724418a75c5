/*
 * units.c — data sizes, durations, percentages and plain scalars as Trino
 * spells them in configuration.
 */
#include "units.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static void say(char *why, size_t why_size, const char *format, const char *arg)
{
    if (why && why_size)
        snprintf(why, why_size, format, arg);
}

/* Matches airlift's `^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]+)\s*$`. */
static bool split_number_unit(const char *text, double *number, char *unit, size_t unit_size)
{
    const char *p = text;
    while (isspace((unsigned char)*p))
        p++;
    const char *number_start = p;
    if (!isdigit((unsigned char)*p))
        return false;
    while (isdigit((unsigned char)*p))
        p++;
    if (*p == '.') {
        p++;
        if (!isdigit((unsigned char)*p))
            return false;
        while (isdigit((unsigned char)*p))
            p++;
    }
    const char *number_end = p;
    while (isspace((unsigned char)*p))
        p++;
    size_t n = 0;
    while (isalpha((unsigned char)*p)) {
        if (n + 1 >= unit_size)
            return false;
        unit[n++] = *p++;
    }
    unit[n] = '\0';
    if (n == 0)
        return false;
    while (isspace((unsigned char)*p))
        p++;
    if (*p != '\0')
        return false;
    char digits[64];
    size_t len = (size_t)(number_end - number_start);
    if (len >= sizeof digits)
        return false;
    memcpy(digits, number_start, len);
    digits[len] = '\0';
    *number = strtod(digits, NULL);
    return true;
}

static const struct {
    const char *unit;
    double factor;
} size_units[] = {
    {"B", 1.0},
    {"kB", 1024.0},
    {"MB", 1048576.0},
    {"GB", 1073741824.0},
    {"TB", 1099511627776.0},
    {"PB", 1125899906842624.0},
};

bool config_parse_data_size(const char *text, uint64_t *bytes, char *why, size_t why_size)
{
    if (!text || !*text) {
        say(why, why_size, "size is empty%s", "");
        return false;
    }
    double number;
    char unit[16];
    if (!split_number_unit(text, &number, unit, sizeof unit)) {
        say(why, why_size, "size is not a valid data size string: %s", text);
        return false;
    }
    for (size_t i = 0; i < sizeof size_units / sizeof size_units[0]; i++) {
        if (strcmp(unit, size_units[i].unit) == 0) {
            double b = number * size_units[i].factor;
            if (!(b < 18446744073709551616.0)) {
                say(why, why_size, "size is too large to be represented in bytes: %s", text);
                return false;
            }
            *bytes = (uint64_t)b;
            return true;
        }
    }
    say(why, why_size, "Unknown unit: %s", unit);
    return false;
}

static const struct {
    const char *unit;
    double nanos;
} time_units[] = {
    {"ns", 1.0},
    {"us", 1e3},
    {"ms", 1e6},
    {"s", 1e9},
    {"m", 60e9},
    {"h", 3600e9},
    {"d", 86400e9},
};

bool config_parse_duration(const char *text, int64_t *nanos, char *why, size_t why_size)
{
    if (!text || !*text) {
        say(why, why_size, "duration is empty%s", "");
        return false;
    }
    double number;
    char unit[16];
    if (!split_number_unit(text, &number, unit, sizeof unit)) {
        say(why, why_size, "duration is not a valid data duration string: %s", text);
        return false;
    }
    for (size_t i = 0; i < sizeof time_units / sizeof time_units[0]; i++) {
        if (strcmp(unit, time_units[i].unit) == 0) {
            double n = number * time_units[i].nanos;
            *nanos = n >= 9.2e18 ? INT64_MAX : (int64_t)llround(n);
            return true;
        }
    }
    say(why, why_size, "Unknown time unit: %s", unit);
    return false;
}

bool config_parse_percent(const char *text, double *fraction, char *why, size_t why_size)
{
    const char *p = text;
    int digits = 0;
    while (isdigit((unsigned char)p[digits]))
        digits++;
    bool ok = digits >= 1 && digits <= 3;
    const char *q = p + digits;
    if (ok && *q == '.') {
        q++;
        if (!isdigit((unsigned char)*q))
            ok = false;
        while (isdigit((unsigned char)*q))
            q++;
    }
    ok = ok && q[0] == '%' && q[1] == '\0';
    if (!ok) {
        say(why, why_size, "not a valid percentage (expected like 80%% or 12.5%%): %s", text);
        return false;
    }
    double v = strtod(p, NULL);
    if (v > 100.0) {
        say(why, why_size, "percentage is above 100%%: %s", text);
        return false;
    }
    *fraction = v / 100.0;
    return true;
}

bool config_parse_bool(const char *text, bool *value, char *why, size_t why_size)
{
    if (strcasecmp(text, "true") == 0) {
        *value = true;
        return true;
    }
    if (strcasecmp(text, "false") == 0) {
        *value = false;
        return true;
    }
    say(why, why_size, "Invalid value '%s' for type boolean (expected true or false)", text);
    return false;
}

bool config_parse_int(const char *text, int64_t *value, char *why, size_t why_size)
{
    const char *p = text;
    if (*p == '+' || *p == '-')
        p++;
    bool digits = isdigit((unsigned char)*p);
    while (isdigit((unsigned char)*p))
        p++;
    if (!digits || *p != '\0') {
        say(why, why_size, "Invalid value '%s' for type integer", text);
        return false;
    }
    errno = 0;
    long long v = strtoll(text, NULL, 10);
    if (errno == ERANGE) {
        say(why, why_size, "Integer out of range: %s", text);
        return false;
    }
    *value = v;
    return true;
}

bool config_parse_double(const char *text, double *value, char *why, size_t why_size)
{
    char *end = NULL;
    errno = 0;
    double v = strtod(text, &end);
    /* strtod accepts "inf", "nan" and hex floats; Trino's config does not */
    bool plain = *text != '\0' && end && *end == '\0' && errno == 0 && isfinite(v);
    for (const char *p = text; plain && *p; p++)
        if (!(isdigit((unsigned char)*p) || *p == '.' || *p == '-' || *p == '+' || *p == 'e' || *p == 'E'))
            plain = false;
    if (!plain) {
        say(why, why_size, "Invalid value '%s' for type double", text);
        return false;
    }
    *value = v;
    return true;
}

void config_format_data_size(uint64_t bytes, char *out, size_t size)
{
    size_t unit = 0;
    double value = (double)bytes;
    for (size_t i = 0; i < sizeof size_units / sizeof size_units[0]; i++)
        if ((double)bytes / size_units[i].factor >= 1.0)
            unit = i;
    value = (double)bytes / size_units[unit].factor;
    if (floor(value) == value)
        snprintf(out, size, "%.0f%s", value, size_units[unit].unit);
    else
        snprintf(out, size, "%.2f%s", value, size_units[unit].unit);
}

void config_format_duration(int64_t nanos, char *out, size_t size)
{
    /* airlift Duration.convertToMostSuccinctTimeUnit + toString ("%.2f%s") */
    size_t unit = 0;
    for (size_t i = 0; i < sizeof time_units / sizeof time_units[0]; i++)
        if ((double)nanos / time_units[i].nanos > 1.0 - 1e-12)
            unit = i;
    snprintf(out, size, "%.2f%s", (double)nanos / time_units[unit].nanos, time_units[unit].unit);
}
