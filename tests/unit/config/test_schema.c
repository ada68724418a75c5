/*
 * test_schema.c — the typed layer: units, every key type, defaults, unknown
 * keys, malformed values, required keys, and what the messages name.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stddef.h>
#include <string.h>

#include "config/schema.h"
#include "config/units.h"

/* ---- units ---------------------------------------------------------------- */

static uint64_t size_of(const char *s)
{
    uint64_t b = 0;
    char why[256];
    cr_assert(config_parse_data_size(s, &b, why, sizeof why), "%s: %s", s, why);
    return b;
}

Test(units, data_sizes)
{
    cr_assert_eq(size_of("0B"), 0);
    cr_assert_eq(size_of("17B"), 17);
    cr_assert_eq(size_of("1kB"), 1024);
    cr_assert_eq(size_of("1.5kB"), 1536);
    cr_assert_eq(size_of("512MB"), 512ull << 20);
    cr_assert_eq(size_of("2GB"), 2ull << 30);
    cr_assert_eq(size_of(" 3 TB "), 3ull << 40);
    cr_assert_eq(size_of("1PB"), 1ull << 50);
    cr_assert_eq(size_of("0.1kB"), 102); /* truncated like airlift's toBytes() */
}

Test(units, bad_data_sizes)
{
    const char *bad[] = {"", "GB", "1", "1gb", "1 K", "1KB", "-1MB", "1.MB", ".5MB", "1MB x", "1e3MB", "1 0MB", "99999999PB"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        uint64_t b;
        char why[256] = "";
        cr_assert(!config_parse_data_size(bad[i], &b, why, sizeof why), "accepted '%s'", bad[i]);
        cr_assert(why[0], "no reason for '%s'", bad[i]);
    }
    char why[256];
    uint64_t b;
    config_parse_data_size("1KB", &b, why, sizeof why);
    cr_assert_str_eq(why, "Unknown unit: KB");
    config_parse_data_size("lots", &b, why, sizeof why);
    cr_assert_str_eq(why, "size is not a valid data size string: lots");
}

static int64_t duration_of(const char *s)
{
    int64_t n = 0;
    char why[256];
    cr_assert(config_parse_duration(s, &n, why, sizeof why), "%s: %s", s, why);
    return n;
}

Test(units, durations)
{
    cr_assert_eq(duration_of("10ns"), 10);
    cr_assert_eq(duration_of("10us"), 10000);
    cr_assert_eq(duration_of("250ms"), 250000000);
    cr_assert_eq(duration_of("10s"), 10000000000LL);
    cr_assert_eq(duration_of("5m"), 300000000000LL);
    cr_assert_eq(duration_of("1.5h"), 5400000000000LL);
    cr_assert_eq(duration_of("100d"), 8640000000000000LL);
    cr_assert_eq(duration_of("1000000000d"), INT64_MAX);
    cr_assert_eq(config_nanos_to_millis(duration_of("2s")), 2000);
}

Test(units, bad_durations)
{
    const char *bad[] = {"", "10", "s", "10 sec", "10S", "1.5.h", "-1s", "10x"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int64_t n;
        char why[256] = "";
        cr_assert(!config_parse_duration(bad[i], &n, why, sizeof why), "accepted '%s'", bad[i]);
        cr_assert(why[0]);
    }
    int64_t n;
    char why[256];
    config_parse_duration("10x", &n, why, sizeof why);
    cr_assert_str_eq(why, "Unknown time unit: x");
}

Test(units, percent_bool_int_double)
{
    double f;
    char why[256];
    cr_assert(config_parse_percent("80%", &f, why, sizeof why));
    cr_assert_float_eq(f, 0.8, 1e-12);
    cr_assert(config_parse_percent("12.5%", &f, why, sizeof why));
    cr_assert_float_eq(f, 0.125, 1e-12);
    cr_assert(config_parse_percent("100%", &f, why, sizeof why));
    cr_assert_float_eq(f, 1.0, 1e-12);
    cr_assert(!config_parse_percent("80", &f, why, sizeof why));
    cr_assert(!config_parse_percent("1000%", &f, why, sizeof why));
    cr_assert(!config_parse_percent("101%", &f, why, sizeof why));
    cr_assert(!config_parse_percent("-5%", &f, why, sizeof why));
    cr_assert(!config_parse_percent("5.%", &f, why, sizeof why));

    bool b;
    cr_assert(config_parse_bool("TRUE", &b, why, sizeof why) && b);
    cr_assert(config_parse_bool("false", &b, why, sizeof why) && !b);
    cr_assert(!config_parse_bool("yes", &b, why, sizeof why));
    cr_assert(!config_parse_bool("1", &b, why, sizeof why));

    int64_t i;
    cr_assert(config_parse_int("-42", &i, why, sizeof why) && i == -42);
    cr_assert(config_parse_int("9223372036854775807", &i, why, sizeof why) && i == INT64_MAX);
    cr_assert(!config_parse_int("9223372036854775808", &i, why, sizeof why));
    cr_assert(!config_parse_int("12a", &i, why, sizeof why));
    cr_assert(!config_parse_int("", &i, why, sizeof why));
    cr_assert(!config_parse_int("1.0", &i, why, sizeof why));

    double d;
    cr_assert(config_parse_double("0.9", &d, why, sizeof why) && d == 0.9);
    cr_assert(config_parse_double("1e3", &d, why, sizeof why) && d == 1000.0);
    cr_assert(!config_parse_double("nan", &d, why, sizeof why));
    cr_assert(!config_parse_double("inf", &d, why, sizeof why));
    cr_assert(!config_parse_double("0x10", &d, why, sizeof why));
    cr_assert(!config_parse_double("", &d, why, sizeof why));
}

Test(units, formatting)
{
    char out[32];
    config_format_data_size(20ull << 30, out, sizeof out);
    cr_assert_str_eq(out, "20GB");
    config_format_data_size(1536, out, sizeof out);
    cr_assert_str_eq(out, "1.50kB");
    config_format_data_size(0, out, sizeof out);
    cr_assert_str_eq(out, "0B");
    config_format_duration(300000000000LL, out, sizeof out);
    cr_assert_str_eq(out, "5.00m");
    config_format_duration(1500000LL, out, sizeof out);
    cr_assert_str_eq(out, "1.50ms");
}

/* ---- schema ------------------------------------------------------------- */

typedef struct sample {
    char *name;
    int64_t threads;
    bool enabled;
    uint64_t buffer;
    int64_t timeout;
    double ratio;
    double share;
    int mode;
    char *required_dir;
} sample;

static const char *const modes[] = {"fast", "safe-mode", "OTHER", NULL};

static bool check_not_tmp(const void *field, char *why, size_t n)
{
    if (strcmp(*(char *const *)field, "/tmp") == 0) {
        snprintf(why, n, "must not be /tmp");
        return false;
    }
    return true;
}

static const config_key sample_keys[] = {
    {.name = "s.name", .type = CONFIG_TYPE_STRING, .offset = offsetof(sample, name), .default_value = "anon",
     .description = "A name."},
    {.name = "s.threads", .type = CONFIG_TYPE_INT, .offset = offsetof(sample, threads), .default_value = "4",
     .min = 1, .max = 64, .description = "Threads."},
    {.name = "s.enabled", .type = CONFIG_TYPE_BOOL, .offset = offsetof(sample, enabled), .default_value = "true",
     .description = "On?"},
    {.name = "s.buffer", .type = CONFIG_TYPE_DATA_SIZE, .offset = offsetof(sample, buffer),
     .default_value = "32MB", .description = "Buffer."},
    {.name = "s.timeout", .type = CONFIG_TYPE_DURATION, .offset = offsetof(sample, timeout),
     .default_value = "10s", .description = "Timeout."},
    {.name = "s.ratio", .type = CONFIG_TYPE_DOUBLE, .offset = offsetof(sample, ratio), .default_value = "0.9",
     .description = "Ratio."},
    {.name = "s.share", .type = CONFIG_TYPE_PERCENT, .offset = offsetof(sample, share), .default_value = "50%",
     .description = "Share."},
    {.name = "s.mode", .type = CONFIG_TYPE_ENUM, .offset = offsetof(sample, mode), .enum_values = modes,
     .default_value = "safe-mode", .description = "Mode."},
    {.name = "s.dir", .type = CONFIG_TYPE_STRING, .offset = offsetof(sample, required_dir), .required = true,
     .check = check_not_tmp, .description = "Dir."},
};
static const config_schema sample_schema = CONFIG_SCHEMA("sample.properties", sample_keys);

Test(schema, defaults_apply_to_absent_keys)
{
    sample s;
    config_error e;
    cr_assert(config_schema_parse(&sample_schema, "s.dir=/data\n", "etc/s.properties", &s, &e), "%s", e.message);
    cr_assert_str_eq(s.name, "anon");
    cr_assert_eq(s.threads, 4);
    cr_assert(s.enabled);
    cr_assert_eq(s.buffer, 32ull << 20);
    cr_assert_eq(s.timeout, 10000000000LL);
    cr_assert_float_eq(s.ratio, 0.9, 1e-12);
    cr_assert_float_eq(s.share, 0.5, 1e-12);
    cr_assert_eq(s.mode, 1);
    cr_assert_str_eq(s.required_dir, "/data");
    config_schema_free(&sample_schema, &s);
    cr_assert_null(s.name);
}

Test(schema, every_type_parses)
{
    sample s;
    config_error e;
    const char *text = "s.name=shoal\ns.threads=16\ns.enabled=FALSE\ns.buffer=1.5kB\ns.timeout=1.5h\n"
                       "s.ratio=0.25\ns.share=12.5%\ns.mode=SAFE_MODE\ns.dir=/var/x\n";
    cr_assert(config_schema_parse(&sample_schema, text, "s.properties", &s, &e), "%s", e.message);
    cr_assert_str_eq(s.name, "shoal");
    cr_assert_eq(s.threads, 16);
    cr_assert(!s.enabled);
    cr_assert_eq(s.buffer, 1536);
    cr_assert_eq(s.timeout, 5400000000000LL);
    cr_assert_float_eq(s.ratio, 0.25, 1e-12);
    cr_assert_float_eq(s.share, 0.125, 1e-12);
    cr_assert_eq(s.mode, 1);
    config_schema_free(&sample_schema, &s);
}

static config_error apply_fail(const char *text)
{
    sample s;
    config_error e;
    config_error_clear(&e);
    cr_assert(!config_schema_parse(&sample_schema, text, "etc/s.properties", &s, &e), "accepted: %s", text);
    return e;
}

Test(schema, unknown_key_names_file_line_key)
{
    config_error e = apply_fail("s.dir=/d\n\ns.thredas=4\n");
    cr_assert_str_eq(e.file, "etc/s.properties");
    cr_assert_eq(e.line, 3);
    cr_assert_str_eq(e.key, "s.thredas");
    cr_assert_str_eq(e.message, "etc/s.properties:3: s.thredas: Configuration property 's.thredas' was not used (unknown key)");
}

Test(schema, malformed_values_are_errors)
{
    config_error e = apply_fail("s.dir=/d\ns.buffer=32 megabytes\n");
    cr_assert_eq(e.line, 2);
    cr_assert_str_eq(e.key, "s.buffer");
    cr_assert(strstr(e.message, "etc/s.properties:2: s.buffer: "), "%s", e.message);

    e = apply_fail("s.threads=100\ns.dir=/d\n");
    cr_assert_eq(e.line, 1);
    cr_assert(strstr(e.message, "100 is out of range [1, 64]"), "%s", e.message);

    e = apply_fail("s.dir=/d\ns.enabled=yes\n");
    cr_assert_str_eq(e.key, "s.enabled");

    e = apply_fail("s.dir=/d\ns.timeout=10\n");
    cr_assert_str_eq(e.key, "s.timeout");

    e = apply_fail("s.dir=/d\ns.share=50\n");
    cr_assert_str_eq(e.key, "s.share");

    e = apply_fail("s.dir=/d\ns.ratio=abc\n");
    cr_assert_str_eq(e.key, "s.ratio");

    e = apply_fail("s.dir=/d\ns.mode=turbo\n");
    cr_assert(strstr(e.message, "Invalid value 'turbo' (expected one of: fast, safe-mode, OTHER)"), "%s", e.message);

    e = apply_fail("s.dir=/tmp\n");
    cr_assert(strstr(e.message, "s.dir: must not be /tmp"), "%s", e.message);

    e = apply_fail("s.dir=/d\ns.threads=\n");
    cr_assert_str_eq(e.key, "s.threads");
}

Test(schema, missing_required_key)
{
    config_error e = apply_fail("s.threads=2\n");
    cr_assert_str_eq(e.key, "s.dir");
    cr_assert_eq(e.line, 0);
    cr_assert_str_eq(e.message, "etc/s.properties: s.dir: Invalid configuration property s.dir: must not be null");
}

Test(schema, failed_apply_leaves_nothing_to_free)
{
    sample s;
    config_error e;
    /* s.name is set before the bad key; ASan would catch a leak */
    cr_assert(!config_schema_parse(&sample_schema, "s.name=x\ns.dir=/d\ns.bad=1\n", "f", &s, &e));
    cr_assert_null(s.name);
    cr_assert_null(s.required_dir);
}

Test(schema, markdown_lists_every_key)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    config_schema_print_markdown(&sample_schema, f);
    fclose(f);
    for (size_t i = 0; i < sample_schema.key_count; i++)
        cr_assert(strstr(buf, sample_keys[i].name), "%s missing", sample_keys[i].name);
    cr_assert(strstr(buf, "| `s.dir` | string | **required** | Dir. |"), "%s", buf);
    free(buf);
}
