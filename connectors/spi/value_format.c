/*
 * value_format.c — text and JSON forms of SQL values, Trino's way: Java's
 * Double.toString/Float.toString digit rules, Trino CLI nesting syntax, and
 * the REST protocol's JSON encoding.
 */
#include "value_format.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "connectors/spi/date_util.h"
#include "connectors/spi/decimal.h"
#include "connectors/spi/string_view.h"
#include "connectors/spi/time_zone.h"

/* ---- Java Double.toString / Float.toString ----------------------------- */

/* The decimal Java picks for finite x > 0: the shortest digits that read
 * back as x (as float when `single`); when one digit suffices, the closest
 * decimal of one or two digits (so 4.9E-324, not 5E-324). Writes the digits
 * without trailing zeros and returns their count; x = d.ddd x 10^exponent. */
static int java_digits(double x, bool single, char digits[32], int *exponent)
{
    char buf[48];
    int max_digits = single ? 9 : 17;
    for (int p = 1; p <= max_digits; p++) {
        snprintf(buf, sizeof buf, "%.*e", p - 1, x);
        bool round_trips = single ? strtof(buf, NULL) == (float)x : strtod(buf, NULL) == x;
        if (round_trips) {
            if (p == 1)
                snprintf(buf, sizeof buf, "%.1e", x);
            break;
        }
    }
    int n = 0;
    const char *s = buf;
    for (; *s && *s != 'e'; s++)
        if (*s >= '0' && *s <= '9')
            digits[n++] = *s;
    *exponent = *s == 'e' ? atoi(s + 1) : 0;
    while (n > 1 && digits[n - 1] == '0')
        n--;
    digits[n] = '\0';
    return n;
}

static bool java_floating(double x, bool single, text_builder *out)
{
    if (isnan(x))
        return text_builder_append_cstr(out, "NaN");
    if (isinf(x))
        return text_builder_append_cstr(out, x > 0 ? "Infinity" : "-Infinity");
    if (signbit(x))
        text_builder_putc(out, '-');
    x = fabs(x);
    if (x == 0.0)
        return text_builder_append_cstr(out, "0.0");
    char digits[32];
    int exponent;
    int n = java_digits(x, single, digits, &exponent);
    if (exponent >= -3 && exponent < 7) {
        if (exponent >= 0) {
            for (int i = 0; i <= exponent; i++)
                text_builder_putc(out, i < n ? digits[i] : '0');
            text_builder_putc(out, '.');
            if (n > exponent + 1)
                text_builder_append(out, digits + exponent + 1, (size_t)(n - exponent - 1));
            else
                text_builder_putc(out, '0');
        } else {
            text_builder_append_cstr(out, "0.");
            for (int i = 0; i < -exponent - 1; i++)
                text_builder_putc(out, '0');
            text_builder_append(out, digits, (size_t)n);
        }
    } else {
        text_builder_putc(out, digits[0]);
        text_builder_putc(out, '.');
        if (n > 1)
            text_builder_append(out, digits + 1, (size_t)(n - 1));
        else
            text_builder_putc(out, '0');
        text_builder_printf(out, "E%d", exponent);
    }
    return text_builder_ok(out);
}

bool value_format_double(double d, text_builder *out)
{
    return java_floating(d, false, out);
}

bool value_format_real(float f, text_builder *out)
{
    return java_floating((double)f, true, out);
}

/* ---- numbers, dates, times ------------------------------------------------ */

bool value_format_decimal(__int128 unscaled, int scale, text_builder *out)
{
    char buf[64];
    int n = decimal_format(unscaled, scale, buf, sizeof buf);
    return text_builder_append(out, buf, (size_t)n);
}

static void append_year(int64_t year, text_builder *out)
{
    if (year > 9999)
        text_builder_printf(out, "+%" PRId64, year);
    else if (year < 0)
        text_builder_printf(out, "-%04" PRId64, -year);
    else
        text_builder_printf(out, "%04" PRId64, year);
}

static void append_civil_date(int64_t days, text_builder *out)
{
    int64_t year;
    int month, day;
    date_to_civil(days, &year, &month, &day);
    append_year(year, out);
    text_builder_printf(out, "-%02d-%02d", month, day);
}

bool value_format_date(int32_t days, text_builder *out)
{
    append_civil_date(days, out);
    return text_builder_ok(out);
}

/* `count` digits of a fraction given as `value` out of 10^`digits`. */
static void append_fraction(uint64_t value, int digits, int count, text_builder *out)
{
    if (count <= 0)
        return;
    char buf[32];
    snprintf(buf, sizeof buf, "%0*" PRIu64, digits, value);
    text_builder_putc(out, '.');
    for (int i = 0; i < count; i++)
        text_builder_putc(out, i < digits ? buf[i] : '0');
}

bool value_format_time(int64_t picos, int precision, text_builder *out)
{
    const int64_t per_second = 1000000000000LL;
    const int64_t per_day = 86400 * per_second;
    picos %= per_day;
    if (picos < 0)
        picos += per_day;
    int64_t seconds = picos / per_second;
    text_builder_printf(out, "%02d:%02d:%02d", (int)(seconds / 3600), (int)(seconds / 60 % 60), (int)(seconds % 60));
    append_fraction((uint64_t)(picos % per_second), 12, precision, out);
    return text_builder_ok(out);
}

bool value_format_timestamp(int64_t micros, int precision, text_builder *out)
{
    const int64_t per_day = 86400000000LL;
    int64_t days = micros / per_day;
    int64_t rest = micros % per_day;
    if (rest < 0) {
        rest += per_day;
        days--;
    }
    append_civil_date(days, out);
    int64_t seconds = rest / 1000000;
    text_builder_printf(out, " %02d:%02d:%02d", (int)(seconds / 3600), (int)(seconds / 60 % 60), (int)(seconds % 60));
    append_fraction((uint64_t)(rest % 1000000), 6, precision, out);
    return text_builder_ok(out);
}

static bool format_timestamp_tz(const timestamp_tz *t, int precision, text_builder *out)
{
    /* the wall-clock time in the value's zone, then the zone's name */
    char zone[TIME_ZONE_NAME_MAX];
    if (time_zone_name(t->zone_key, zone, sizeof zone) == 0)
        return false;
    int64_t offset = time_zone_offset_at(t->zone_key, t->micros_utc >= 0 ? t->micros_utc / 1000000
                                                                          : -((-t->micros_utc + 999999) / 1000000));
    value_format_timestamp(t->micros_utc + offset * 1000000, precision, out);
    text_builder_append_cstr(out, " ");
    return text_builder_append_cstr(out, zone);
}

bool value_format_interval_day_time(int64_t millis, text_builder *out)
{
    /* as Trino's IntervalDayTime.formatMillis; unsigned so INT64_MIN works */
    uint64_t m = millis < 0 ? (uint64_t)0 - (uint64_t)millis : (uint64_t)millis;
    uint64_t day = m / 86400000ULL;
    m %= 86400000ULL;
    text_builder_printf(out, "%s%" PRIu64 " %02d:%02d:%02d.%03d", millis < 0 ? "-" : "", day, (int)(m / 3600000),
                        (int)(m / 60000 % 60), (int)(m / 1000 % 60), (int)(m % 1000));
    return text_builder_ok(out);
}

bool value_format_interval_year_month(int64_t months, text_builder *out)
{
    uint64_t m = months < 0 ? (uint64_t)0 - (uint64_t)months : (uint64_t)months;
    return text_builder_printf(out, "%s%" PRIu64 "-%" PRIu64, months < 0 ? "-" : "", m / 12, m % 12);
}

bool value_format_uuid(__int128 uuid, text_builder *out)
{
    unsigned __int128 u = (unsigned __int128)uuid;
    uint64_t high = (uint64_t)(u >> 64);
    uint64_t low = (uint64_t)u;
    return text_builder_printf(out, "%08" PRIx64 "-%04" PRIx64 "-%04" PRIx64 "-%04" PRIx64 "-%012" PRIx64, high >> 32,
                               (high >> 16) & 0xFFFF, high & 0xFFFF, low >> 48, low & (uint64_t)0xFFFFFFFFFFFF);
}

/* ---- strings and bytes ------------------------------------------------------ */

bool value_format_char(const char *data, size_t length, int32_t char_length, text_builder *out)
{
    text_builder_append(out, data, length);
    int64_t code_points = 0;
    for (size_t i = 0; i < length; i++)
        code_points += ((unsigned char)data[i] & 0xC0) != 0x80;
    for (int64_t i = code_points; i < char_length; i++)
        text_builder_putc(out, ' ');
    return text_builder_ok(out);
}

bool value_format_varbinary_hex(const uint8_t *data, size_t length, text_builder *out)
{
    static const char hex[] = "0123456789abcdef";
    if (!text_builder_reserve(out, length * 3))
        return false;
    for (size_t i = 0; i < length; i++) {
        if (i > 0)
            text_builder_putc(out, ' ');
        text_builder_putc(out, hex[data[i] >> 4]);
        text_builder_putc(out, hex[data[i] & 15]);
    }
    return text_builder_ok(out);
}

bool value_format_varbinary_base64(const uint8_t *data, size_t length, text_builder *out)
{
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    if (!text_builder_reserve(out, (length + 2) / 3 * 4))
        return false;
    size_t i = 0;
    for (; i + 3 <= length; i += 3) {
        uint32_t v = (uint32_t)data[i] << 16 | (uint32_t)data[i + 1] << 8 | data[i + 2];
        char quad[4] = {alphabet[v >> 18], alphabet[(v >> 12) & 63], alphabet[(v >> 6) & 63], alphabet[v & 63]};
        text_builder_append(out, quad, 4);
    }
    if (length - i == 1) {
        uint32_t v = (uint32_t)data[i] << 16;
        char quad[4] = {alphabet[v >> 18], alphabet[(v >> 12) & 63], '=', '='};
        text_builder_append(out, quad, 4);
    } else if (length - i == 2) {
        uint32_t v = (uint32_t)data[i] << 16 | (uint32_t)data[i + 1] << 8;
        char quad[4] = {alphabet[v >> 18], alphabet[(v >> 12) & 63], alphabet[(v >> 6) & 63], '='};
        text_builder_append(out, quad, 4);
    }
    return text_builder_ok(out);
}

/* Length of the valid UTF-8 sequence at s (0 when invalid). */
static size_t utf8_sequence(const unsigned char *s, size_t left)
{
    unsigned char c = s[0];
    size_t n;
    uint32_t cp;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if (n > left)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = cp << 6 | (s[i] & 0x3F);
    }
    if ((n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
        return 0;
    return n;
}

bool value_format_json_string(const char *data, size_t length, text_builder *out)
{
    const unsigned char *s = (const unsigned char *)data;
    text_builder_reserve(out, length + 2);
    text_builder_putc(out, '"');
    size_t run = 0; /* start of the bytes copied as they are */
    size_t i = 0;
    while (i < length) {
        unsigned char c = s[i];
        const char *escape = NULL;
        char unicode[8];
        size_t n = 1;
        switch (c) {
        case '"': escape = "\\\""; break;
        case '\\': escape = "\\\\"; break;
        case '\b': escape = "\\b"; break;
        case '\f': escape = "\\f"; break;
        case '\n': escape = "\\n"; break;
        case '\r': escape = "\\r"; break;
        case '\t': escape = "\\t"; break;
        default:
            if (c < 0x20) {
                snprintf(unicode, sizeof unicode, "\\u%04X", c);
                escape = unicode;
            } else if (c >= 0x80) {
                n = utf8_sequence(s + i, length - i);
                if (n == 0) {
                    escape = "\xEF\xBF\xBD"; /* U+FFFD for a byte that is not UTF-8 */
                    n = 1;
                }
            }
        }
        if (escape) {
            text_builder_append(out, data + run, i - run);
            text_builder_append_cstr(out, escape);
            run = i + n;
        }
        i += n;
    }
    text_builder_append(out, data + run, length - run);
    text_builder_putc(out, '"');
    return text_builder_ok(out);
}

/* ---- one scalar at `p` (the vector's physical layout) ------------------------ */

static bool format_scalar(sql_type type, const void *p, bool json, text_builder *out)
{
    switch (type.kind) {
    case TYPE_UNKNOWN:
        return text_builder_append_cstr(out, json ? "null" : "NULL");
    case TYPE_BOOLEAN:
        return text_builder_append_cstr(out, *(const uint8_t *)p ? "true" : "false");
    case TYPE_TINYINT:
        return text_builder_printf(out, "%d", *(const int8_t *)p);
    case TYPE_SMALLINT:
        return text_builder_printf(out, "%d", *(const int16_t *)p);
    case TYPE_INTEGER:
        return text_builder_printf(out, "%" PRId32, *(const int32_t *)p);
    case TYPE_BIGINT:
        return text_builder_printf(out, "%" PRId64, *(const int64_t *)p);
    case TYPE_REAL:
    case TYPE_DOUBLE: {
        double d = type.kind == TYPE_REAL ? (double)*(const float *)p : *(const double *)p;
        bool quote = json && !isfinite(d);
        if (quote)
            text_builder_putc(out, '"');
        if (type.kind == TYPE_REAL)
            value_format_real(*(const float *)p, out);
        else
            value_format_double(d, out);
        if (quote)
            text_builder_putc(out, '"');
        return text_builder_ok(out);
    }
    case TYPE_VARCHAR:
    case TYPE_JSON:
    case TYPE_CHAR:
    case TYPE_VARBINARY: {
        const string_view *s = p;
        const char *data = string_view_data(s);
        if (type.kind == TYPE_VARBINARY) {
            if (!json)
                return value_format_varbinary_hex((const uint8_t *)data, s->length, out);
            text_builder_putc(out, '"');
            value_format_varbinary_base64((const uint8_t *)data, s->length, out);
            return text_builder_putc(out, '"');
        }
        if (type.kind == TYPE_CHAR) {
            if (!json)
                return value_format_char(data, s->length, type.length, out);
            text_builder t;
            text_builder_init(&t);
            bool ok = value_format_char(data, s->length, type.length, &t) &&
                      value_format_json_string(text_builder_cstr(&t), t.length, out);
            text_builder_free(&t);
            return ok;
        }
        if (json)
            return value_format_json_string(data, s->length, out);
        return text_builder_append(out, data, s->length);
    }
    default:
        break;
    }

    /* the rest are strings in JSON, their text form otherwise */
    if (json)
        text_builder_putc(out, '"');
    bool ok = false;
    switch (type.kind) {
    case TYPE_DECIMAL:
        if (type.precision <= DECIMAL_MAX_SHORT_PRECISION) {
            ok = value_format_decimal(*(const int64_t *)p, type.scale, out);
        } else {
            __int128 v;
            memcpy(&v, p, sizeof v);
            ok = value_format_decimal(v, type.scale, out);
        }
        break;
    case TYPE_DATE:
        ok = value_format_date(*(const int32_t *)p, out);
        break;
    case TYPE_TIME:
        ok = value_format_time(*(const int64_t *)p, type.precision, out);
        break;
    case TYPE_TIMESTAMP:
        ok = value_format_timestamp(*(const int64_t *)p, type.precision, out);
        break;
    case TYPE_TIMESTAMP_TZ:
        ok = format_timestamp_tz(p, type.precision, out);
        break;
    case TYPE_INTERVAL_DAY_TIME:
        ok = value_format_interval_day_time(*(const int64_t *)p, out);
        break;
    case TYPE_INTERVAL_YEAR_MONTH:
        ok = value_format_interval_year_month(*(const int32_t *)p, out);
        break;
    case TYPE_UUID: {
        __int128 v;
        memcpy(&v, p, sizeof v);
        ok = value_format_uuid(v, out);
        break;
    }
    default:
        return false;
    }
    if (json && ok)
        text_builder_putc(out, '"');
    return ok && text_builder_ok(out);
}

/* ---- vectors, nested types included ---------------------------------------------- */

static bool format_vector_row(const vector *v, uint32_t row, bool json, int depth, text_builder *out);

static bool format_map_key_json(const vector *keys, uint32_t row, int depth, text_builder *out)
{
    text_builder key;
    text_builder_init(&key);
    bool ok = format_vector_row(keys, row, false, depth, &key) &&
              value_format_json_string(text_builder_cstr(&key), key.length, out);
    text_builder_free(&key);
    return ok;
}

static bool format_vector_row(const vector *v, uint32_t row, bool json, int depth, text_builder *out)
{
    if (depth > 64)
        return false;
    vector_view view = vector_view_of(v);
    uint32_t index = vector_view_index(&view, row);
    if (!vector_view_valid(&view, index))
        return text_builder_append_cstr(out, json ? "null" : "NULL");
    const vector *base = v->kind == VECTOR_DICTIONARY ? v->dictionary : v;
    const unsigned char *p = (const unsigned char *)view.data + type_value_size(v->type) * index;
    const char *separator = json ? "," : ", ";
    bool ok = true;
    switch (v->type.kind) {
    case TYPE_ARRAY: {
        if (base->child_count < 1)
            return false;
        list_entry e;
        memcpy(&e, p, sizeof e);
        text_builder_putc(out, '[');
        for (uint32_t i = 0; ok && i < e.length; i++) {
            if (i > 0)
                text_builder_append_cstr(out, separator);
            ok = format_vector_row(base->children[0], e.offset + i, json, depth + 1, out);
        }
        text_builder_putc(out, ']');
        break;
    }
    case TYPE_MAP: {
        if (base->child_count < 2)
            return false;
        list_entry e;
        memcpy(&e, p, sizeof e);
        text_builder_putc(out, '{');
        for (uint32_t i = 0; ok && i < e.length; i++) {
            if (i > 0)
                text_builder_append_cstr(out, separator);
            if (json) {
                ok = format_map_key_json(base->children[0], e.offset + i, depth + 1, out);
                text_builder_putc(out, ':');
            } else {
                ok = format_vector_row(base->children[0], e.offset + i, false, depth + 1, out);
                text_builder_putc(out, '=');
            }
            ok = ok && format_vector_row(base->children[1], e.offset + i, json, depth + 1, out);
        }
        text_builder_putc(out, '}');
        break;
    }
    case TYPE_ROW: {
        const composite_type *c = v->type.composite;
        if (base->child_count < c->field_count)
            return false;
        text_builder_putc(out, json ? '[' : '{');
        for (int i = 0; ok && i < c->field_count; i++) {
            if (i > 0)
                text_builder_append_cstr(out, separator);
            if (!json && c->field_names && c->field_names[i]) {
                text_builder_append_cstr(out, c->field_names[i]);
                text_builder_putc(out, '=');
            }
            ok = format_vector_row(base->children[i], index, json, depth + 1, out);
        }
        text_builder_putc(out, json ? ']' : '}');
        break;
    }
    default:
        ok = format_scalar(v->type, p, json, out);
        break;
    }
    return ok && text_builder_ok(out);
}

bool value_format_text(const vector *v, uint32_t row, text_builder *out)
{
    return format_vector_row(v, row, false, 0, out);
}

bool value_format_json(const vector *v, uint32_t row, text_builder *out)
{
    return format_vector_row(v, row, true, 0, out);
}

/* ---- single values -------------------------------------------------------------- */

static bool format_value(const value *val, bool json, text_builder *out)
{
    if (val->is_null)
        return text_builder_append_cstr(out, json ? "null" : "NULL");
    union {
        uint8_t u8;
        int8_t i8;
        int16_t i16;
        int32_t i32;
        int64_t i64;
        __int128 i128;
        float f32;
        double f64;
        string_view s;
        timestamp_tz tstz;
    } raw;
    memset(&raw, 0, sizeof raw);
    switch (type_physical(val->type)) {
    case PHYSICAL_BOOL: raw.u8 = val->u.boolean ? 1 : 0; break;
    case PHYSICAL_INT8: raw.i8 = (int8_t)val->u.i64; break;
    case PHYSICAL_INT16: raw.i16 = (int16_t)val->u.i64; break;
    case PHYSICAL_INT32: raw.i32 = (int32_t)val->u.i64; break;
    case PHYSICAL_INT64: raw.i64 = val->u.i64; break;
    case PHYSICAL_INT128: raw.i128 = val->u.i128; break;
    case PHYSICAL_FLOAT: raw.f32 = val->u.f32; break;
    case PHYSICAL_DOUBLE: raw.f64 = val->u.f64; break;
    case PHYSICAL_STRING: raw.s = val->u.string; break;
    case PHYSICAL_TIMESTAMP_TZ: raw.tstz = val->u.tstz; break;
    default: return false; /* arrays, maps and rows are not held in a value */
    }
    return format_scalar(val->type, &raw, json, out);
}

bool value_format_value_text(const value *val, text_builder *out)
{
    return format_value(val, false, out);
}

bool value_format_value_json(const value *val, text_builder *out)
{
    return format_value(val, true, out);
}
