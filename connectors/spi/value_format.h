/*
 * value_format.h — Trino's text forms of SQL values: what the CLI prints
 * (value_format_text) and the JSON token the REST protocol sends
 * (value_format_json, per reference/protocol.md "Value encoding in data").
 * Used by the CLI, the REST layer and the sqllogictest runner.
 *
 * Text forms (CLI):
 *   boolean true/false; integers in decimal; double as Java Double.toString
 *   (1.0, 1.2345678E7, 1.0E-5, NaN, Infinity, -0.0), real as Float.toString;
 *   decimal plain with exactly `scale` fraction digits (-0.05); varchar and
 *   json as is; char padded with spaces to its length; varbinary as hex bytes
 *   separated by spaces ("00 ab ff"); date YYYY-MM-DD (proleptic Gregorian,
 *   "-0001-01-01", "+10000-01-01"); time(p) HH:MM:SS[.p digits];
 *   timestamp(p) YYYY-MM-DD HH:MM:SS[.p digits]; timestamp(p) with time zone
 *   adds " UTC" (zone key 0 only, see below); interval day to second
 *   "D HH:MM:SS.mmm"; interval year to month "Y-M" (both '-' first when
 *   negative); uuid 8-4-4-4-12 lowercase hex; array [1, 2]; map {k=v, k2=v2};
 *   row {name=value, ...} ({value, ...} for anonymous fields); NULL as "NULL"
 *   at any depth.
 *
 * JSON tokens: NULL null; boolean/integers as JSON literals; double/real as
 * JSON numbers in the Java form above, non-finite as strings "NaN",
 * "Infinity", "-Infinity"; decimal as a string; varchar/char/json/date/time/
 * timestamp/interval/uuid as strings of their text form; varbinary as a
 * base64 string; array as a JSON array; map as a JSON object keyed by the
 * key's text form; row as a JSON array by position.
 *
 * Every function appends to `out` and returns false when memory ran out or
 * the value cannot be formatted (a timestamp with a zone other than UTC:
 * there is no zone table yet).
 */
#ifndef SHOAL_SPI_VALUE_FORMAT_H
#define SHOAL_SPI_VALUE_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "connectors/spi/text_builder.h"
#include "connectors/spi/types.h"
#include "connectors/spi/value.h"
#include "connectors/spi/vector.h"

/* Row `row` of any vector (flat, constant, dictionary; nested types too). */
bool value_format_text(const vector *v, uint32_t row, text_builder *out);
bool value_format_json(const vector *v, uint32_t row, text_builder *out);

/* A scalar `value` (nested types cannot be held in a value). */
bool value_format_value_text(const value *val, text_builder *out);
bool value_format_value_json(const value *val, text_builder *out);

/* The pieces, for callers that hold raw values. */
bool value_format_double(double d, text_builder *out);          /* Java Double.toString */
bool value_format_real(float f, text_builder *out);             /* Java Float.toString */
bool value_format_decimal(__int128 unscaled, int scale, text_builder *out);
bool value_format_date(int32_t days, text_builder *out);
bool value_format_time(int64_t picos, int precision, text_builder *out);
bool value_format_timestamp(int64_t micros, int precision, text_builder *out);
bool value_format_interval_day_time(int64_t millis, text_builder *out);
bool value_format_interval_year_month(int64_t months, text_builder *out);
bool value_format_uuid(__int128 uuid, text_builder *out);
bool value_format_char(const char *data, size_t length, int32_t char_length, text_builder *out);
bool value_format_varbinary_hex(const uint8_t *data, size_t length, text_builder *out);
bool value_format_varbinary_base64(const uint8_t *data, size_t length, text_builder *out);
/* A JSON string literal with Jackson's escapes; invalid UTF-8 becomes U+FFFD. */
bool value_format_json_string(const char *data, size_t length, text_builder *out);

#endif
