/*
 * units.h — Trino's value syntaxes for configuration: data sizes (airlift
 * DataSize), durations (airlift Duration), percentages, booleans, integers
 * and doubles. Each parser returns false and writes a reason (Trino's wording
 * where known) into `why`; none of them accepts trailing garbage.
 */
#ifndef SHOAL_CONFIG_UNITS_H
#define SHOAL_CONFIG_UNITS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* `<number><unit>` with units B, kB, MB, GB, TB, PB (binary multiples,
 * case-sensitive, blanks allowed around and between); the number may have a
 * fraction ("1.5kB" = 1536). Fractional bytes are truncated as airlift's
 * toBytes() does. */
bool config_parse_data_size(const char *text, uint64_t *bytes, char *why, size_t why_size);

/* `<number><unit>` with units ns, us, ms, s, m, h, d. Stored in nanoseconds,
 * saturating at INT64_MAX (~292 years: "forever" for every limit). */
bool config_parse_duration(const char *text, int64_t *nanos, char *why, size_t why_size);

/* `80%` or `12.5%` (1-3 integer digits, optional fraction, then `%`, as
 * Trino's resource-group pattern); `fraction` gets 0.8 / 0.125. Values above
 * 100% are rejected. */
bool config_parse_percent(const char *text, double *fraction, char *why, size_t why_size);

/* `true` / `false`, case-insensitive. */
bool config_parse_bool(const char *text, bool *value, char *why, size_t why_size);

/* A decimal integer with optional sign that fits int64_t. */
bool config_parse_int(const char *text, int64_t *value, char *why, size_t why_size);

/* A finite decimal number ("0.9", "1e3"). */
bool config_parse_double(const char *text, double *value, char *why, size_t why_size);

/* airlift's succinct forms for messages: "20GB", "1.50kB"; "5.00m", "100.00d". */
void config_format_data_size(uint64_t bytes, char *out, size_t size);
void config_format_duration(int64_t nanos, char *out, size_t size);

enum {
    CONFIG_NANOS_PER_MILLI = 1000000,
};
static inline int64_t config_nanos_to_millis(int64_t nanos)
{
    return nanos / CONFIG_NANOS_PER_MILLI;
}

#endif
