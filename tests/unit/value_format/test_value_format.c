/*
 * test_value_format.c — scalar text forms and JSON tokens: every scalar type,
 * nulls, and edge values (Java's double/float digit rules, INT64_MIN,
 * 38-digit and small negative decimals, dates before year 0 and after 9999).
 */
#include <criterion/criterion.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "connectors/spi/base64.h"
#include "connectors/spi/date_util.h"
#include "connectors/spi/time_zone.h"
#include "connectors/spi/value_format.h"

static char result[4096];

static const char *dbl(double d)
{
    text_builder b;
    text_builder_init(&b);
    cr_assert(value_format_double(d, &b));
    snprintf(result, sizeof result, "%s", text_builder_cstr(&b));
    text_builder_free(&b);
    return result;
}

static const char *flt(float f)
{
    text_builder b;
    text_builder_init(&b);
    cr_assert(value_format_real(f, &b));
    snprintf(result, sizeof result, "%s", text_builder_cstr(&b));
    text_builder_free(&b);
    return result;
}

Test(double_text, java_double_to_string)
{
    cr_assert_str_eq(dbl(1.0), "1.0");
    cr_assert_str_eq(dbl(0.0), "0.0");
    cr_assert_str_eq(dbl(-0.0), "-0.0");
    cr_assert_str_eq(dbl(0.1), "0.1");
    cr_assert_str_eq(dbl(0.1 + 0.2), "0.30000000000000004");
    cr_assert_str_eq(dbl(-1.5), "-1.5");
    cr_assert_str_eq(dbl(100.0), "100.0");
    cr_assert_str_eq(dbl(123.456), "123.456");
    cr_assert_str_eq(dbl(1234567.0), "1234567.0");
    cr_assert_str_eq(dbl(9999999.0), "9999999.0");
    cr_assert_str_eq(dbl(1e7), "1.0E7");
    cr_assert_str_eq(dbl(12345678.0), "1.2345678E7");
    cr_assert_str_eq(dbl(12345678.9), "1.23456789E7");
    cr_assert_str_eq(dbl(1e-3), "0.001");
    cr_assert_str_eq(dbl(0.002), "0.002");
    cr_assert_str_eq(dbl(0.0012345), "0.0012345");
    cr_assert_str_eq(dbl(9.99e-4), "9.99E-4");
    cr_assert_str_eq(dbl(1e-5), "1.0E-5");
    cr_assert_str_eq(dbl(1e16), "1.0E16");
    cr_assert_str_eq(dbl(1e21), "1.0E21");
    cr_assert_str_eq(dbl(9007199254740992.0), "9.007199254740992E15");
    cr_assert_str_eq(dbl(9223372036854775807.0), "9.223372036854776E18");
    cr_assert_str_eq(dbl(DBL_MAX), "1.7976931348623157E308");
    cr_assert_str_eq(dbl(DBL_MIN), "2.2250738585072014E-308");
    cr_assert_str_eq(dbl(5e-324), "4.9E-324");
    cr_assert_str_eq(dbl(-5e-324), "-4.9E-324");
    cr_assert_str_eq(dbl(2e-323), "2.0E-323");
    cr_assert_str_eq(dbl(1.0 / 3), "0.3333333333333333");
    cr_assert_str_eq(dbl(2.0 / 3), "0.6666666666666666");
    cr_assert_str_eq(dbl(NAN), "NaN");
    cr_assert_str_eq(dbl(INFINITY), "Infinity");
    cr_assert_str_eq(dbl(-INFINITY), "-Infinity");
}

Test(double_text, shortest_digits_round_trip)
{
    /* every printed value reads back as the same double */
    srand(7);
    for (int i = 0; i < 20000; i++) {
        uint64_t bits = ((uint64_t)rand() << 42) ^ ((uint64_t)rand() << 21) ^ (uint64_t)rand();
        double d;
        memcpy(&d, &bits, sizeof d);
        if (!isfinite(d))
            continue;
        const char *s = dbl(d);
        cr_assert_eq(strtod(s, NULL), d, "%s does not read back", s);
        cr_assert(strchr(s, '.'), "%s has no '.'", s);
    }
}

Test(real_text, java_float_to_string)
{
    cr_assert_str_eq(flt(1.0f), "1.0");
    cr_assert_str_eq(flt(0.1f), "0.1");
    cr_assert_str_eq(flt(0.3f), "0.3");
    cr_assert_str_eq(flt(3.14f), "3.14");
    cr_assert_str_eq(flt(-0.0f), "-0.0");
    cr_assert_str_eq(flt(1e10f), "1.0E10");
    cr_assert_str_eq(flt(1.0e-5f), "1.0E-5");
    cr_assert_str_eq(flt(16777216.0f), "1.6777216E7");
    cr_assert_str_eq(flt(1234567.0f), "1234567.0");
    cr_assert_str_eq(flt(FLT_MAX), "3.4028235E38");
    cr_assert_str_eq(flt(FLT_MIN), "1.1754944E-38"); /* JDK 19+ shortest digits */
    cr_assert_str_eq(flt(1.4e-45f), "1.4E-45");
    cr_assert_str_eq(flt(NAN), "NaN");
    cr_assert_str_eq(flt(-INFINITY), "-Infinity");
}

/* ---- scalar values through value_format_value_text / _json -------------------- */

static const char *text_of(value v)
{
    text_builder b;
    text_builder_init(&b);
    cr_assert(value_format_value_text(&v, &b), "format failed");
    snprintf(result, sizeof result, "%s", text_builder_cstr(&b));
    text_builder_free(&b);
    return result;
}

static char json_result[4096];
static const char *json_of(value v)
{
    text_builder b;
    text_builder_init(&b);
    cr_assert(value_format_value_json(&v, &b), "format failed");
    snprintf(json_result, sizeof json_result, "%s", text_builder_cstr(&b));
    text_builder_free(&b);
    return json_result;
}

static value make(sql_type t)
{
    value v;
    memset(&v, 0, sizeof v);
    v.type = t;
    return v;
}

Test(scalar_text, booleans_and_integers)
{
    cr_assert_str_eq(text_of(value_boolean(true)), "true");
    cr_assert_str_eq(json_of(value_boolean(false)), "false");
    value t = make(type_make(TYPE_TINYINT));
    t.u.i64 = -128;
    cr_assert_str_eq(text_of(t), "-128");
    value s = make(type_make(TYPE_SMALLINT));
    s.u.i64 = 32767;
    cr_assert_str_eq(json_of(s), "32767");
    cr_assert_str_eq(text_of(value_integer(INT32_MIN)), "-2147483648");
    cr_assert_str_eq(text_of(value_bigint(INT64_MIN)), "-9223372036854775808");
    cr_assert_str_eq(json_of(value_bigint(INT64_MAX)), "9223372036854775807");
    cr_assert_str_eq(text_of(value_bigint(0)), "0");
}

Test(scalar_text, nulls)
{
    cr_assert_str_eq(text_of(value_null(type_make(TYPE_BIGINT))), "NULL");
    cr_assert_str_eq(json_of(value_null(type_make(TYPE_BIGINT))), "null");
    cr_assert_str_eq(json_of(value_null(type_varchar(5))), "null");
    cr_assert_str_eq(text_of(value_null(type_make(TYPE_UNKNOWN))), "NULL");
    value u = make(type_make(TYPE_UNKNOWN));
    cr_assert_str_eq(json_of(u), "null");
}

Test(scalar_text, doubles_and_reals_in_json)
{
    cr_assert_str_eq(json_of(value_double(1.0)), "1.0");
    cr_assert_str_eq(json_of(value_double(12345678.0)), "1.2345678E7");
    cr_assert_str_eq(json_of(value_double(NAN)), "\"NaN\"");
    cr_assert_str_eq(json_of(value_double(INFINITY)), "\"Infinity\"");
    cr_assert_str_eq(json_of(value_double(-INFINITY)), "\"-Infinity\"");
    cr_assert_str_eq(json_of(value_double(-0.0)), "-0.0");
    value r = make(type_make(TYPE_REAL));
    r.u.f32 = 3.14f;
    cr_assert_str_eq(text_of(r), "3.14");
    cr_assert_str_eq(json_of(r), "3.14");
    r.u.f32 = 1e10f;
    cr_assert_str_eq(json_of(r), "1.0E10");
    r.u.f32 = NAN;
    cr_assert_str_eq(json_of(r), "\"NaN\"");
}

static __int128 pow10_128(int n)
{
    __int128 v = 1;
    while (n-- > 0)
        v *= 10;
    return v;
}

Test(scalar_text, decimals)
{
    cr_assert_str_eq(text_of(value_decimal(4, 2, 1050)), "10.50");
    cr_assert_str_eq(json_of(value_decimal(4, 2, 1050)), "\"10.50\"");
    cr_assert_str_eq(text_of(value_decimal(3, 2, -5)), "-0.05");
    cr_assert_str_eq(text_of(value_decimal(3, 2, 0)), "0.00");
    cr_assert_str_eq(text_of(value_decimal(5, 0, -7)), "-7");
    cr_assert_str_eq(text_of(value_decimal(18, 18, 1)), "0.000000000000000001");
    cr_assert_str_eq(text_of(value_decimal(18, 0, 999999999999999999LL)), "999999999999999999");
    __int128 max38 = pow10_128(38) - 1;
    cr_assert_str_eq(text_of(value_decimal(38, 0, max38)), "99999999999999999999999999999999999999");
    cr_assert_str_eq(text_of(value_decimal(38, 0, -max38)), "-99999999999999999999999999999999999999");
    cr_assert_str_eq(text_of(value_decimal(38, 38, max38)), "0.99999999999999999999999999999999999999");
    cr_assert_str_eq(text_of(value_decimal(38, 38, -1)), "-0.00000000000000000000000000000000000001");
    cr_assert_str_eq(text_of(value_decimal(38, 10, -pow10_128(9) * 5)), "-0.5000000000");
    cr_assert_str_eq(json_of(value_decimal(20, 2, -12345)), "\"-123.45\"");
}

Test(scalar_text, strings)
{
    cr_assert_str_eq(text_of(value_varchar("hello", 5)), "hello");
    cr_assert_str_eq(text_of(value_varchar("", 0)), "");
    cr_assert_str_eq(json_of(value_varchar("abc", 3)), "\"abc\"");
    const char *tricky = "q\"b\\n\nt\tc\x01\x1f\x7f/\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80";
    cr_assert_str_eq(json_of(value_varchar(tricky, (uint32_t)strlen(tricky))),
                     "\"q\\\"b\\\\n\\nt\\tc\\u0001\\u001F\x7f/\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\"");
    const char *bad = "a\xFF" "b\xC3" "c\xED\xA0\x80";
    cr_assert_str_eq(json_of(value_varchar(bad, (uint32_t)strlen(bad))),
                     "\"a\xEF\xBF\xBD" "b\xEF\xBF\xBD" "c\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"");
    const char *b8 = "\b\f\r";
    cr_assert_str_eq(json_of(value_varchar(b8, 3)), "\"\\b\\f\\r\"");

    value c = make(type_char(5));
    c.u.string = string_view_make("ab", 2);
    cr_assert_str_eq(text_of(c), "ab   ");
    cr_assert_str_eq(json_of(c), "\"ab   \"");
    c.u.string = string_view_make("\xC3\xA9t\xC3\xA9", 5); /* 3 code points */
    cr_assert_str_eq(text_of(c), "\xC3\xA9t\xC3\xA9  ");
    c.type = type_char(2);
    c.u.string = string_view_make("ab", 2);
    cr_assert_str_eq(text_of(c), "ab");

    value j = make(type_make(TYPE_JSON));
    j.u.string = string_view_make("{\"a\":1}", 7);
    cr_assert_str_eq(text_of(j), "{\"a\":1}");
    cr_assert_str_eq(json_of(j), "\"{\\\"a\\\":1}\"");
}

Test(scalar_text, varbinary)
{
    value v = make(type_make(TYPE_VARBINARY));
    v.u.string = string_view_make("\x00\x01\x02\xab\xff", 5);
    cr_assert_str_eq(text_of(v), "00 01 02 ab ff");
    cr_assert_str_eq(json_of(v), "\"AAECq/8=\"");
    v.u.string = string_view_make("", 0);
    cr_assert_str_eq(text_of(v), "");
    cr_assert_str_eq(json_of(v), "\"\"");
    const struct { const char *in; const char *out; } b64[] = {
        {"f", "Zg=="}, {"fo", "Zm8="}, {"foo", "Zm9v"}, {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"},
    };
    for (size_t i = 0; i < sizeof b64 / sizeof b64[0]; i++) {
        text_builder b;
        text_builder_init(&b);
        cr_assert(value_format_varbinary_base64((const uint8_t *)b64[i].in, strlen(b64[i].in), &b));
        cr_assert_str_eq(text_builder_cstr(&b), b64[i].out);
        text_builder_free(&b);
    }
}

/* The RFC 4648 vectors decode back; the URL-safe alphabet; a non-digit is refused at its index. */
Test(base64, decode)
{
    const struct { const char *in; const char *out; } b64[] = {
        {"", ""}, {"Zg", "f"}, {"Zm8", "fo"}, {"Zm9v", "foo"}, {"Zm9vYg", "foob"}, {"Zm9vYmE", "fooba"}, {"Zm9vYmFy", "foobar"},
    };
    for (size_t i = 0; i < sizeof b64 / sizeof b64[0]; i++) {
        uint8_t out[16];
        long n = base64_decode(b64[i].in, strlen(b64[i].in), false, out, NULL);
        cr_assert_eq(n, (long)strlen(b64[i].out), "%s", b64[i].in);
        cr_assert(memcmp(out, b64[i].out, (size_t)n) == 0, "%s", b64[i].in);
    }
    uint8_t out[8];
    cr_assert_eq(base64_decode("-_8", 3, true, out, NULL), 2);
    cr_assert_eq(out[0], 0xfb);
    cr_assert_eq(out[1], 0xff);
    size_t bad = 0;
    cr_assert_eq(base64_decode("-_8", 3, false, out, &bad), -1);
    cr_assert_eq(bad, 0);
    cr_assert_eq(base64_decode("AB+/C.", 6, false, out, &bad), -1);
    cr_assert_eq(bad, 5);
    cr_assert_eq(base64_digit('A', false), 0);
    cr_assert_eq(base64_digit('/', false), 63);
    cr_assert_eq(base64_digit('_', true), 63);
    cr_assert_eq(base64_digit('=', false), -1);
}

Test(scalar_text, dates)
{
    cr_assert_str_eq(text_of(value_date(0)), "1970-01-01");
    cr_assert_str_eq(json_of(value_date(19737)), "\"2024-01-15\"");
    cr_assert_str_eq(text_of(value_date(-1)), "1969-12-31");
    cr_assert_str_eq(text_of(value_date((int32_t)date_from_civil(2000, 2, 29))), "2000-02-29");
    cr_assert_str_eq(text_of(value_date((int32_t)date_from_civil(1582, 10, 4))), "1582-10-04");
    cr_assert_str_eq(text_of(value_date((int32_t)date_from_civil(1, 1, 1))), "0001-01-01");
    cr_assert_str_eq(text_of(value_date((int32_t)date_from_civil(0, 12, 31))), "0000-12-31");
    cr_assert_str_eq(text_of(value_date((int32_t)date_from_civil(-1, 1, 1))), "-0001-01-01");
    cr_assert_str_eq(text_of(value_date((int32_t)date_from_civil(-4712, 1, 1))), "-4712-01-01");
    cr_assert_str_eq(text_of(value_date((int32_t)date_from_civil(9999, 12, 31))), "9999-12-31");
    cr_assert_str_eq(text_of(value_date((int32_t)date_from_civil(10000, 1, 1))), "+10000-01-01");
}

static const int64_t PICOS = 1000000000000LL;

Test(scalar_text, times)
{
    int64_t t = (1 * 3600 + 2 * 60 + 3) * PICOS + 456789012345LL;
    value v = make(type_time(3));
    v.u.i64 = t;
    cr_assert_str_eq(text_of(v), "01:02:03.456");
    cr_assert_str_eq(json_of(v), "\"01:02:03.456\"");
    v.type = type_time(0);
    cr_assert_str_eq(text_of(v), "01:02:03");
    v.type = type_time(6);
    cr_assert_str_eq(text_of(v), "01:02:03.456789");
    v.type = type_time(12);
    cr_assert_str_eq(text_of(v), "01:02:03.456789012345");
    v.type = type_time(3);
    v.u.i64 = (23 * 3600 + 59 * 60 + 59) * PICOS + 999000000000LL;
    cr_assert_str_eq(text_of(v), "23:59:59.999");
    v.u.i64 = 0;
    cr_assert_str_eq(text_of(v), "00:00:00.000");
}

Test(scalar_text, timestamps)
{
    int64_t day = (int64_t)date_from_civil(2024, 1, 15);
    int64_t micros = day * 86400000000LL + (10 * 3600 + 11 * 60 + 12) * 1000000LL + 123456;
    value v = make(type_timestamp(3));
    v.u.i64 = micros;
    cr_assert_str_eq(text_of(v), "2024-01-15 10:11:12.123");
    cr_assert_str_eq(json_of(v), "\"2024-01-15 10:11:12.123\"");
    v.type = type_timestamp(0);
    cr_assert_str_eq(text_of(v), "2024-01-15 10:11:12");
    v.type = type_timestamp(6);
    cr_assert_str_eq(text_of(v), "2024-01-15 10:11:12.123456");
    v.type = type_timestamp(1);
    cr_assert_str_eq(text_of(v), "2024-01-15 10:11:12.1");
    v.type = type_timestamp(3);
    v.u.i64 = -1000; /* one millisecond before the epoch */
    cr_assert_str_eq(text_of(v), "1969-12-31 23:59:59.999");
    v.u.i64 = (int64_t)date_from_civil(-1, 6, 1) * 86400000000LL;
    cr_assert_str_eq(text_of(v), "-0001-06-01 00:00:00.000");

    value z = make(type_timestamp_tz(3));
    z.u.tstz.micros_utc = micros;
    z.u.tstz.zone_key = 0;
    cr_assert_str_eq(text_of(z), "2024-01-15 10:11:12.123 UTC");
    cr_assert_str_eq(json_of(z), "\"2024-01-15 10:11:12.123 UTC\"");
    /* other zones print in their local time with their name or offset */
    cr_assert(time_zone_lookup("America/New_York", 16, &z.u.tstz.zone_key));
    cr_assert_str_eq(text_of(z), "2024-01-15 05:11:12.123 America/New_York");
    cr_assert(time_zone_lookup("+05:30", 6, &z.u.tstz.zone_key));
    cr_assert_str_eq(text_of(z), "2024-01-15 15:41:12.123 +05:30");
}

Test(scalar_text, intervals)
{
    value d = make(type_make(TYPE_INTERVAL_DAY_TIME));
    d.u.i64 = ((1 * 24 + 2) * 3600 + 3 * 60 + 4) * 1000LL;
    cr_assert_str_eq(text_of(d), "1 02:03:04.000");
    cr_assert_str_eq(json_of(d), "\"1 02:03:04.000\"");
    d.u.i64 = -d.u.i64 - 5;
    cr_assert_str_eq(text_of(d), "-1 02:03:04.005");
    d.u.i64 = 0;
    cr_assert_str_eq(text_of(d), "0 00:00:00.000");
    d.u.i64 = INT64_MIN;
    cr_assert_str_eq(text_of(d), "-106751991167 07:12:55.808");
    d.u.i64 = INT64_MAX;
    cr_assert_str_eq(text_of(d), "106751991167 07:12:55.807");

    value m = make(type_make(TYPE_INTERVAL_YEAR_MONTH));
    m.u.i64 = 14;
    cr_assert_str_eq(text_of(m), "1-2");
    cr_assert_str_eq(json_of(m), "\"1-2\"");
    m.u.i64 = -14;
    cr_assert_str_eq(text_of(m), "-1-2");
    m.u.i64 = 0;
    cr_assert_str_eq(text_of(m), "0-0");
    m.u.i64 = INT32_MIN;
    cr_assert_str_eq(text_of(m), "-178956970-8");
}

Test(scalar_text, uuid)
{
    value u = make(type_make(TYPE_UUID));
    u.u.i128 = (__int128)(((unsigned __int128)0x12151fd2758611e9ULL << 64) | 0x8f9e2a86e4085a59ULL);
    cr_assert_str_eq(text_of(u), "12151fd2-7586-11e9-8f9e-2a86e4085a59");
    cr_assert_str_eq(json_of(u), "\"12151fd2-7586-11e9-8f9e-2a86e4085a59\"");
    u.u.i128 = 0;
    cr_assert_str_eq(text_of(u), "00000000-0000-0000-0000-000000000000");
    u.u.i128 = -1;
    cr_assert_str_eq(text_of(u), "ffffffff-ffff-ffff-ffff-ffffffffffff");
}
