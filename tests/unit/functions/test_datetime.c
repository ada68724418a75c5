/*
 * test_datetime.c — timestamp functions (date_trunc/date_add/date_diff,
 * millisecond), Joda and MySQL formatting, date_parse, unix time, ISO 8601,
 * time zones (with_timezone, at_timezone, fields in the zone, DST gaps) and
 * the zone table itself.
 */
#include "connectors/spi/time_zone.h"
#include "fn_test_util.h"

static expr *ts(const char *text)
{
    return cast_to(str(text), "timestamp(3)");
}

static expr *fmt(expr *e)
{
    return cast_to(e, "varchar");
}

Test(datetime, trunc_add_diff)
{
    CHECK(fmt(call("date_trunc", 2, str("hour"), ts("2020-05-11 11:15:05.123"))), "2020-05-11 11:00:00.000");
    CHECK(fmt(call("date_trunc", 2, str("week"), ts("2020-05-14 11:15:05"))), "2020-05-11 00:00:00.000");
    CHECK(fmt(call("date_trunc", 2, str("quarter"), ts("2020-05-14 11:15:05"))), "2020-04-01 00:00:00.000");
    CHECK(fmt(call("date_trunc", 2, str("second"), ts("1969-12-31 23:59:59.500"))), "1969-12-31 23:59:59.000");
    CHECK(fmt(call("date_add", 3, str("hour"), big(5), ts("2020-05-11 22:00:00"))), "2020-05-12 03:00:00.000");
    CHECK(fmt(call("date_add", 3, str("month"), big(1), ts("2020-01-31 10:00:00"))), "2020-02-29 10:00:00.000");
    CHECK(call("date_diff", 3, str("month"), ts("2020-01-31 10:00:00"), ts("2020-02-29 11:00:00")), "1");
    CHECK(call("date_diff", 3, str("day"), ts("2020-01-01 10:00:00"), ts("2020-01-03 09:00:00")), "1");
    CHECK(call("date_diff", 3, str("millisecond"), ts("2020-01-01 00:00:00"), ts("2020-01-01 00:00:01.5")), "1500");
    CHECK(call("millisecond", 1, ts("2020-05-11 11:15:05.123")), "123");
    CHECK(call("date_trunc", 2, str("bogus"), ts("2020-01-01 00:00:00")),
          "ERROR INVALID_FUNCTION_ARGUMENT: 'bogus' is not a valid Timestamp field");
}

Test(datetime, formatting_and_parsing)
{
    CHECK(call("format_datetime", 2, ts("2020-05-11 13:15:05.123"), str("yyyy-MM-dd HH:mm:ss.SSS EEE MMM a")),
          "2020-05-11 13:15:05.123 Mon May PM");
    CHECK(call("format_datetime", 2, ts("2020-05-11 13:15:05"), str("'week' ww, ''yy")), "week 20, '20");
    CHECK(call("date_format", 2, ts("2020-05-11 13:15:05.123"), str("%Y-%m-%d %H:%i:%s %W %b %r %f")),
          "2020-05-11 13:15:05 Monday May 01:15:05 PM 123000");
    CHECK(call("date_format", 2, ts("2020-05-11 13:15:05"), str("%D")),
          "ERROR INVALID_FUNCTION_ARGUMENT: %D not supported in date format string");
    CHECK(fmt(call("date_parse", 2, str("2020/05/11 01:15 PM"), str("%Y/%m/%d %h:%i %p"))), "2020-05-11 13:15:00.000");
    CHECK(call("date_parse", 2, str("2020-13-01"), str("%Y-%m-%d")),
          "ERROR INVALID_FUNCTION_ARGUMENT: Invalid format: \"2020-13-01\"");
    CHECK(call("date_parse", 2, str("2020-01-01x"), str("%Y-%m-%d")),
          "ERROR INVALID_FUNCTION_ARGUMENT: Invalid format: \"2020-01-01x\" is malformed at \"x\"");
}

Test(datetime, unix_and_iso)
{
    CHECK(fmt(call("from_unixtime", 1, dbl(1589195705.5))), "2020-05-11 11:15:05.500 UTC");
    CHECK(fmt(call("from_unixtime", 2, dbl(1589195705), str("America/New_York"))),
          "2020-05-11 07:15:05.000 America/New_York");
    CHECK(call("to_unixtime", 1, call("from_unixtime", 1, dbl(1589195705.5))), "1589195705.5");
    CHECK(call("to_unixtime", 1, ts("1970-01-01 00:00:01")), "1");
    CHECK(fmt(call("from_iso8601_timestamp", 1, str("2020-05-11T11:15:05.055+01:00"))), "2020-05-11 11:15:05.055 +01:00");
    CHECK(fmt(call("from_iso8601_timestamp", 1, str("2020-05-11T11:15:05Z"))), "2020-05-11 11:15:05.000 UTC");
    CHECK(call("from_iso8601_timestamp", 1, str("2020-05-11X")),
          "ERROR INVALID_FUNCTION_ARGUMENT: Invalid format: \"2020-05-11X\"");
    CHECK(fmt(call("from_iso8601_date", 1, str("2020-05-11"))), "2020-05-11");
    CHECK(call("to_iso8601", 1, ts("2020-05-11 11:15:05.055")), "2020-05-11T11:15:05.055");
    CHECK(call("to_iso8601", 1, call("at_timezone", 2, call("from_unixtime", 1, dbl(0)), str("Europe/Paris"))),
          "1970-01-01T01:00:00.000+01:00");
    CHECK(call("to_iso8601", 1, call("from_unixtime", 1, dbl(0))), "1970-01-01T00:00:00.000Z");
    CHECK(call("from_unixtime", 2, dbl(0), str("Mars/Base")),
          "ERROR INVALID_FUNCTION_ARGUMENT: Time zone not supported: Mars/Base");
}

Test(datetime, zones)
{
    /* 02:30 does not exist on 2020-03-08 in New York: Java moves it to 03:30 EDT */
    CHECK(fmt(call("with_timezone", 2, ts("2020-03-08 02:30:00"), str("America/New_York"))),
          "2020-03-08 03:30:00.000 America/New_York");
    CHECK(call("hour", 1, call("at_timezone", 2, call("from_unixtime", 1, dbl(0)), str("Asia/Kolkata"))), "5");
    CHECK(call("minute", 1, call("at_timezone", 2, call("from_unixtime", 1, dbl(0)), str("Asia/Kolkata"))), "30");
    CHECK(call("day_of_week", 1, call("from_unixtime", 2, dbl(0), str("America/Los_Angeles"))), "3");
    CHECK(call("timezone", 1, call("from_unixtime", 2, dbl(0), str("+05:30"))), "+05:30");
    int16_t key;
    cr_assert(time_zone_lookup("america/new_york", 16, &key));
    char name[64];
    time_zone_name(key, name, sizeof name);
    cr_expect_str_eq(name, "America/New_York");
    cr_expect_eq(time_zone_offset_at(key, 1594000000), -4 * 3600); /* July 2020: EDT */
    cr_expect_eq(time_zone_offset_at(key, 1579000000), -5 * 3600); /* January 2020: EST */
    cr_assert(time_zone_lookup("UTC", 3, &key));
    cr_expect_eq(key, TIME_ZONE_UTC);
    cr_assert(time_zone_lookup("-08:00", 6, &key));
    cr_expect_eq(time_zone_offset_at(key, 0), -8 * 3600);
    cr_expect(!time_zone_lookup("Nowhere/City", 12, &key));
}
