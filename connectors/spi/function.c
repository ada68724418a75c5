/*
 * function.c — the function registry: Trino's signatures for the scalar
 * functions, operators and aggregates Shoal runs, and resolution of a call
 * (exact match first, then the overload reachable with the fewest implicit
 * coercions, ties going to the most specific overload).
 *
 * A declaration is written as Trino displays it. Parameter tokens:
 *   a concrete type        "bigint", "date", "interval day to second"
 *   a parametric base      "varchar(x)", "char(x)", "decimal(p,s)",
 *                          "timestamp(p)" — any type of that base
 *   a type variable        "T", "E" — the common super type of every
 *                          argument in those positions
 * A trailing "..." repeats the last parameter (variadic). The return token is
 * a concrete type, a parameter token (the type bound to it), or is computed
 * by a rule (decimal arithmetic, sum/avg of decimals, concat).
 */
#include "function.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "connectors/spi/function_internal.h"

enum {
    F_NOT_NULL_ON_NULL = 1,  /* the function sees NULL arguments */
    F_NONDETERMINISTIC = 2,
    F_ORDERABLE = 4,         /* type variables must be orderable */
    F_COMPARABLE = 8,
};

typedef enum return_rule {
    R_TOKEN,                 /* the declared return token */
    R_DECIMAL_ADD,
    R_DECIMAL_MULTIPLY,
    R_DECIMAL_DIVIDE,
    R_DECIMAL_MODULUS,
    R_DECIMAL_ROUND,         /* floor/ceil/round/truncate(decimal(p,s)) -> decimal(p-s+min(s,1),0) */
    R_DECIMAL_ROUND_N,       /* round(decimal(p,s), n) -> decimal(min(38,p+1),s) */
    R_DECIMAL_TRUNCATE_N,    /* truncate(decimal(p,s), n) -> decimal(p,s) */
    R_DECIMAL_SUM,           /* decimal(38,s) */
    R_CONCAT,
} return_rule;

typedef struct function_decl {
    function_kind kind;
    const char *signature;
    int flags;
    return_rule rule;
    const char *intermediate;   /* aggregates: NULL = the return type */
    const char *description;
} function_decl;

#define SCALAR(sig, desc) {FUNCTION_SCALAR, sig, 0, R_TOKEN, NULL, desc}
#define SCALAR_R(sig, rule, desc) {FUNCTION_SCALAR, sig, 0, rule, NULL, desc}
#define SCALAR_F(sig, flags, desc) {FUNCTION_SCALAR, sig, flags, R_TOKEN, NULL, desc}
#define AGG(sig, inter, desc) {FUNCTION_AGGREGATE, sig, F_NOT_NULL_ON_NULL, R_TOKEN, inter, desc}
#define WINDOW(sig, desc) {FUNCTION_WINDOW, sig, 0, R_TOKEN, NULL, desc}
#define AGG_F(sig, flags, rule, inter, desc) \
    {FUNCTION_AGGREGATE, sig, F_NOT_NULL_ON_NULL | (flags), rule, inter, desc}

#define NUMERIC_BINARY(op, desc) \
    SCALAR("$" op "(tinyint, tinyint) -> tinyint", desc), \
    SCALAR("$" op "(smallint, smallint) -> smallint", desc), \
    SCALAR("$" op "(integer, integer) -> integer", desc), \
    SCALAR("$" op "(bigint, bigint) -> bigint", desc), \
    SCALAR("$" op "(real, real) -> real", desc), \
    SCALAR("$" op "(double, double) -> double", desc)

#define NUMERIC_UNARY(name, desc) \
    SCALAR(name "(tinyint) -> tinyint", desc), \
    SCALAR(name "(smallint) -> smallint", desc), \
    SCALAR(name "(integer) -> integer", desc), \
    SCALAR(name "(bigint) -> bigint", desc), \
    SCALAR(name "(real) -> real", desc), \
    SCALAR(name "(double) -> double", desc)

#define COMPARISON(op, flag, desc) \
    SCALAR_F("$" op "(T, T) -> boolean", flag, desc)

#define DATE_FIELD_TZ(name) \
    SCALAR(name "(timestamp(p) with time zone) -> bigint", "field of the timestamp in its zone")

#define DATE_FIELD(name, desc) \
    SCALAR(name "(date) -> bigint", desc), \
    SCALAR(name "(timestamp(p)) -> bigint", desc)

static const function_decl declarations[] = {
    /* window functions (aggregates may be used as window functions too) */
    WINDOW("row_number() -> bigint", "number of the current row within its partition, counting from 1"),
    WINDOW("rank() -> bigint", "rank of the current row with gaps"),
    WINDOW("dense_rank() -> bigint", "rank of the current row without gaps"),
    WINDOW("percent_rank() -> double", "percentage ranking of the current row: (rank - 1) / (rows - 1)"),
    WINDOW("cume_dist() -> double", "cumulative distribution: rows up to the current peer group / rows"),
    WINDOW("ntile(bigint) -> bigint", "bucket number from 1 to n of the current row"),
    WINDOW("first_value(T) -> T", "value at the first row of the window frame"),
    WINDOW("last_value(T) -> T", "value at the last row of the window frame"),
    WINDOW("nth_value(T, bigint) -> T", "value at the n-th row of the window frame"),
    WINDOW("lag(T) -> T", "value at the previous row"),
    WINDOW("lag(T, bigint) -> T", "value at the row offset rows before"),
    WINDOW("lag(T, bigint, T) -> T", "value at the row offset rows before, or the default"),
    WINDOW("lead(T) -> T", "value at the next row"),
    WINDOW("lead(T, bigint) -> T", "value at the row offset rows after"),
    WINDOW("lead(T, bigint, T) -> T", "value at the row offset rows after, or the default"),
    /* arithmetic operators */
    NUMERIC_BINARY("add", "addition"),
    SCALAR_R("$add(decimal(p1,s1), decimal(p2,s2)) -> decimal(p3,s3)", R_DECIMAL_ADD, "addition"),
    SCALAR("$add(date, interval day to second) -> date", "date plus interval"),
    SCALAR("$add(interval day to second, date) -> date", "date plus interval"),
    SCALAR("$add(date, interval year to month) -> date", "date plus interval"),
    SCALAR("$add(interval year to month, date) -> date", "date plus interval"),
    SCALAR("$add(timestamp(p), interval day to second) -> timestamp(p)", "timestamp plus interval"),
    SCALAR("$add(interval day to second, timestamp(p)) -> timestamp(p)", "timestamp plus interval"),
    SCALAR("$add(timestamp(p), interval year to month) -> timestamp(p)", "timestamp plus interval"),
    SCALAR("$add(interval year to month, timestamp(p)) -> timestamp(p)", "timestamp plus interval"),
    SCALAR("$add(interval day to second, interval day to second) -> interval day to second", "interval addition"),
    SCALAR("$add(interval year to month, interval year to month) -> interval year to month", "interval addition"),
    NUMERIC_BINARY("subtract", "subtraction"),
    SCALAR_R("$subtract(decimal(p1,s1), decimal(p2,s2)) -> decimal(p3,s3)", R_DECIMAL_ADD, "subtraction"),
    SCALAR("$subtract(date, interval day to second) -> date", "date minus interval"),
    SCALAR("$subtract(date, interval year to month) -> date", "date minus interval"),
    SCALAR("$subtract(timestamp(p), interval day to second) -> timestamp(p)", "timestamp minus interval"),
    SCALAR("$subtract(timestamp(p), interval year to month) -> timestamp(p)", "timestamp minus interval"),
    SCALAR("$subtract(interval day to second, interval day to second) -> interval day to second", "interval subtraction"),
    SCALAR("$subtract(interval year to month, interval year to month) -> interval year to month", "interval subtraction"),
    NUMERIC_BINARY("multiply", "multiplication"),
    SCALAR_R("$multiply(decimal(p1,s1), decimal(p2,s2)) -> decimal(p3,s3)", R_DECIMAL_MULTIPLY, "multiplication"),
    SCALAR("$multiply(interval day to second, bigint) -> interval day to second", "interval multiplication"),
    SCALAR("$multiply(bigint, interval day to second) -> interval day to second", "interval multiplication"),
    SCALAR("$multiply(interval year to month, bigint) -> interval year to month", "interval multiplication"),
    SCALAR("$multiply(bigint, interval year to month) -> interval year to month", "interval multiplication"),
    NUMERIC_BINARY("divide", "division"),
    SCALAR_R("$divide(decimal(p1,s1), decimal(p2,s2)) -> decimal(p3,s3)", R_DECIMAL_DIVIDE, "division"),
    NUMERIC_BINARY("modulus", "remainder"),
    SCALAR_R("$modulus(decimal(p1,s1), decimal(p2,s2)) -> decimal(p3,s3)", R_DECIMAL_MODULUS, "remainder"),
    NUMERIC_UNARY("$negate", "negation"),
    SCALAR("$negate(decimal(p,s)) -> decimal(p,s)", "negation"),
    SCALAR("$negate(interval day to second) -> interval day to second", "negation"),
    SCALAR("$negate(interval year to month) -> interval year to month", "negation"),

    /* comparison operators */
    COMPARISON("equal", F_COMPARABLE, "equality"),
    COMPARISON("not_equal", F_COMPARABLE, "inequality"),
    COMPARISON("less_than", F_ORDERABLE, "less than"),
    COMPARISON("less_than_or_equal", F_ORDERABLE, "less than or equal"),
    COMPARISON("greater_than", F_ORDERABLE, "greater than"),
    COMPARISON("greater_than_or_equal", F_ORDERABLE, "greater than or equal"),

    /* math */
    NUMERIC_UNARY("abs", "absolute value"),
    SCALAR("abs(decimal(p,s)) -> decimal(p,s)", "absolute value"),
    NUMERIC_UNARY("ceil", "round up to the nearest integer"),
    SCALAR_R("ceil(decimal(p,s)) -> decimal(rp,0)", R_DECIMAL_ROUND, "round up to the nearest integer"),
    NUMERIC_UNARY("ceiling", "round up to the nearest integer"),
    SCALAR_R("ceiling(decimal(p,s)) -> decimal(rp,0)", R_DECIMAL_ROUND, "round up to the nearest integer"),
    NUMERIC_UNARY("floor", "round down to the nearest integer"),
    SCALAR_R("floor(decimal(p,s)) -> decimal(rp,0)", R_DECIMAL_ROUND, "round down to the nearest integer"),
    NUMERIC_UNARY("round", "round to the nearest integer"),
    SCALAR_R("round(decimal(p,s)) -> decimal(rp,0)", R_DECIMAL_ROUND, "round to the nearest integer"),
    SCALAR("round(tinyint, integer) -> tinyint", "round to n decimal places"),
    SCALAR("round(smallint, integer) -> smallint", "round to n decimal places"),
    SCALAR("round(integer, integer) -> integer", "round to n decimal places"),
    SCALAR("round(bigint, integer) -> bigint", "round to n decimal places"),
    SCALAR("round(real, integer) -> real", "round to n decimal places"),
    SCALAR("round(double, integer) -> double", "round to n decimal places"),
    SCALAR_R("round(decimal(p,s), integer) -> decimal(rp,s)", R_DECIMAL_ROUND_N, "round to n decimal places"),
    SCALAR("truncate(double) -> double", "round toward zero"),
    SCALAR("truncate(real) -> real", "round toward zero"),
    SCALAR_R("truncate(decimal(p,s)) -> decimal(rp,0)", R_DECIMAL_ROUND, "round toward zero"),
    SCALAR("sign(bigint) -> bigint", "signum"),
    SCALAR("sign(integer) -> integer", "signum"),
    SCALAR("sign(double) -> double", "signum"),
    SCALAR("sign(decimal(p,s)) -> decimal(1,0)", "signum"),
    SCALAR("mod(tinyint, tinyint) -> tinyint", "remainder"),
    SCALAR("mod(smallint, smallint) -> smallint", "remainder"),
    SCALAR("mod(integer, integer) -> integer", "remainder"),
    SCALAR("mod(bigint, bigint) -> bigint", "remainder"),
    SCALAR("mod(real, real) -> real", "remainder"),
    SCALAR("mod(double, double) -> double", "remainder"),
    SCALAR_R("mod(decimal(p1,s1), decimal(p2,s2)) -> decimal(p3,s3)", R_DECIMAL_MODULUS, "remainder"),
    SCALAR("sqrt(double) -> double", "square root"),
    SCALAR("cbrt(double) -> double", "cube root"),
    SCALAR("exp(double) -> double", "Euler's number raised to the power"),
    SCALAR("ln(double) -> double", "natural logarithm"),
    SCALAR("log10(double) -> double", "logarithm to base 10"),
    SCALAR("log2(double) -> double", "logarithm to base 2"),
    SCALAR("power(double, double) -> double", "x raised to the power of p"),
    SCALAR("pow(double, double) -> double", "x raised to the power of p"),
    SCALAR_F("greatest(E...) -> E", F_ORDERABLE, "the largest of the values"),
    SCALAR_F("least(E...) -> E", F_ORDERABLE, "the smallest of the values"),

    /* strings */
    SCALAR("length(varchar(x)) -> bigint", "count of code points of the given string"),
    SCALAR("length(char(x)) -> bigint", "count of code points of the given string"),
    SCALAR("lower(varchar(x)) -> varchar(x)", "converts the string to lower case"),
    SCALAR("lower(char(x)) -> char(x)", "converts the string to lower case"),
    SCALAR("upper(varchar(x)) -> varchar(x)", "converts the string to upper case"),
    SCALAR("upper(char(x)) -> char(x)", "converts the string to upper case"),
    SCALAR("substr(varchar(x), bigint) -> varchar(x)", "suffix starting at the given index"),
    SCALAR("substr(varchar(x), bigint, bigint) -> varchar(x)", "substring of the given length starting at an index"),
    SCALAR("substring(varchar(x), bigint) -> varchar(x)", "suffix starting at the given index"),
    SCALAR("substring(varchar(x), bigint, bigint) -> varchar(x)", "substring of the given length starting at an index"),
    SCALAR_R("concat(varchar(x)...) -> varchar", R_CONCAT, "concatenates the given strings"),
    SCALAR("trim(varchar(x)) -> varchar(x)", "removes whitespace from the beginning and end of a string"),
    SCALAR("ltrim(varchar(x)) -> varchar(x)", "removes whitespace from the beginning of a string"),
    SCALAR("rtrim(varchar(x)) -> varchar(x)", "removes whitespace from the end of a string"),
    SCALAR("reverse(varchar(x)) -> varchar(x)", "reverse all code points in a given string"),
    SCALAR("replace(varchar(x), varchar(y)) -> varchar(x)", "removes all instances of search from string"),
    SCALAR("replace(varchar(x), varchar(y), varchar(z)) -> varchar", "replaces all instances of search with replace"),
    SCALAR("strpos(varchar(x), varchar(y)) -> bigint", "position of the first instance of substring"),
    SCALAR("starts_with(varchar(x), varchar(y)) -> boolean", "whether the string starts with the prefix"),
    SCALAR("lpad(varchar(x), bigint, varchar(y)) -> varchar", "pads a string on the left"),
    SCALAR("rpad(varchar(x), bigint, varchar(y)) -> varchar", "pads a string on the right"),

    /* dates */
    DATE_FIELD("year", "year of the given date"),
    DATE_FIELD("quarter", "quarter of the year of the given date"),
    DATE_FIELD("month", "month of the year of the given date"),
    DATE_FIELD("week", "week of the year of the given date"),
    DATE_FIELD("week_of_year", "week of the year of the given date"),
    DATE_FIELD("day", "day of the month of the given date"),
    DATE_FIELD("day_of_month", "day of the month of the given date"),
    DATE_FIELD("day_of_week", "day of the week of the given date"),
    DATE_FIELD("dow", "day of the week of the given date"),
    DATE_FIELD("day_of_year", "day of the year of the given date"),
    DATE_FIELD("doy", "day of the year of the given date"),
    DATE_FIELD("year_of_week", "year of the ISO week of the given date"),
    DATE_FIELD("yow", "year of the ISO week of the given date"),
    SCALAR("hour(timestamp(p)) -> bigint", "hour of the day of the given timestamp"),
    SCALAR("minute(timestamp(p)) -> bigint", "minute of the hour of the given timestamp"),
    SCALAR("second(timestamp(p)) -> bigint", "second of the minute of the given timestamp"),
    SCALAR("last_day_of_month(date) -> date", "last day of the month of the given date"),
    SCALAR("date_trunc(varchar(x), date) -> date", "truncate to the given unit"),
    SCALAR("date_add(varchar(x), bigint, date) -> date", "add the specified amount of units to a date"),
    SCALAR("date_diff(varchar(x), date, date) -> bigint", "difference of the given dates in the given unit"),

    /* math (more) */
    SCALAR("truncate(double, integer) -> double", "truncate to n decimal places"),
    SCALAR("truncate(real, integer) -> real", "truncate to n decimal places"),
    SCALAR_R("truncate(decimal(p,s), integer) -> decimal(rp,s)", R_DECIMAL_TRUNCATE_N, "truncate to n decimal places"),
    SCALAR("width_bucket(double, double, double, bigint) -> bigint", "the bucket number of x in an equi-width histogram"),
    SCALAR_F("random() -> double", F_NONDETERMINISTIC, "a pseudo-random value in [0.0, 1.0)"),
    SCALAR_F("rand() -> double", F_NONDETERMINISTIC, "a pseudo-random value in [0.0, 1.0)"),
    SCALAR_F("random(tinyint) -> tinyint", F_NONDETERMINISTIC, "a pseudo-random number in [0, n)"),
    SCALAR_F("random(smallint) -> smallint", F_NONDETERMINISTIC, "a pseudo-random number in [0, n)"),
    SCALAR_F("random(integer) -> integer", F_NONDETERMINISTIC, "a pseudo-random number in [0, n)"),
    SCALAR_F("random(bigint) -> bigint", F_NONDETERMINISTIC, "a pseudo-random number in [0, n)"),
    SCALAR_F("rand(bigint) -> bigint", F_NONDETERMINISTIC, "a pseudo-random number in [0, n)"),
    SCALAR_F("random(bigint, bigint) -> bigint", F_NONDETERMINISTIC, "a pseudo-random number in [m, n)"),
    SCALAR("e() -> double", "Euler's number"),
    SCALAR("pi() -> double", "the constant Pi"),
    SCALAR("infinity() -> double", "positive infinity"),
    SCALAR("nan() -> double", "the IEEE NaN value"),
    SCALAR("is_nan(double) -> boolean", "whether x is not-a-number"),
    SCALAR("is_finite(double) -> boolean", "whether x is finite"),
    SCALAR("is_infinite(double) -> boolean", "whether x is infinite"),
    SCALAR("degrees(double) -> double", "converts an angle in radians to degrees"),
    SCALAR("radians(double) -> double", "converts an angle in degrees to radians"),
    SCALAR("sin(double) -> double", "sine"),
    SCALAR("cos(double) -> double", "cosine"),
    SCALAR("tan(double) -> double", "tangent"),
    SCALAR("asin(double) -> double", "arc sine"),
    SCALAR("acos(double) -> double", "arc cosine"),
    SCALAR("atan(double) -> double", "arc tangent"),
    SCALAR("atan2(double, double) -> double", "arc tangent of y / x"),
    SCALAR("sinh(double) -> double", "hyperbolic sine"),
    SCALAR("cosh(double) -> double", "hyperbolic cosine"),
    SCALAR("tanh(double) -> double", "hyperbolic tangent"),
    SCALAR("log(double, double) -> double", "logarithm to the given base"),
    SCALAR("sign(real) -> real", "signum"),
    SCALAR("sign(tinyint) -> tinyint", "signum"),
    SCALAR("sign(smallint) -> smallint", "signum"),
    SCALAR("normal_cdf(double, double, double) -> double", "normal cumulative distribution function"),
    SCALAR("from_base(varchar(x), bigint) -> bigint", "convert a string in the given base to a number"),
    SCALAR("to_base(bigint, bigint) -> varchar(64)", "convert a number to a string in the given base"),
    SCALAR("bitwise_and(bigint, bigint) -> bigint", "bitwise AND in two's complement arithmetic"),
    SCALAR("bitwise_or(bigint, bigint) -> bigint", "bitwise OR in two's complement arithmetic"),
    SCALAR("bitwise_xor(bigint, bigint) -> bigint", "bitwise XOR in two's complement arithmetic"),
    SCALAR("bitwise_not(bigint) -> bigint", "bitwise NOT in two's complement arithmetic"),
    SCALAR("bit_count(bigint, bigint) -> bigint", "count number of set bits in 2's complement representation"),
    SCALAR("bitwise_left_shift(bigint, bigint) -> bigint", "shift left"),
    SCALAR("bitwise_right_shift(bigint, bigint) -> bigint", "logical shift right"),
    SCALAR("bitwise_right_shift_arithmetic(bigint, bigint) -> bigint", "arithmetic shift right"),

    /* strings (more) */
    SCALAR_F("concat_ws(varchar(x), varchar(y)...) -> varchar", F_NOT_NULL_ON_NULL,
             "concatenates the non-null strings with the separator"),
    SCALAR("split_part(varchar(x), varchar(y), bigint) -> varchar(x)", "the given field of the string split by the delimiter"),
    SCALAR("translate(varchar(x), varchar(y), varchar(z)) -> varchar", "translate characters from the source string"),
    SCALAR("strpos(varchar(x), varchar(y), bigint) -> bigint", "position of the n-th instance of substring"),
    SCALAR("ends_with(varchar(x), varchar(y)) -> boolean", "whether the string ends with the suffix"),
    SCALAR("chr(bigint) -> varchar(1)", "the Unicode code point as a single character string"),
    SCALAR("codepoint(varchar(1)) -> integer", "the Unicode code point of the only character of the string"),
    SCALAR("levenshtein_distance(varchar(x), varchar(y)) -> bigint", "Levenshtein edit distance of the strings"),
    SCALAR("hamming_distance(varchar(x), varchar(y)) -> bigint", "Hamming distance of the strings"),
    SCALAR("to_utf8(varchar(x)) -> varbinary", "encodes the string as UTF-8"),
    SCALAR("from_utf8(varbinary) -> varchar", "decodes UTF-8, invalid sequences become U+FFFD"),
    SCALAR("from_utf8(varbinary, bigint) -> varchar", "decodes UTF-8, invalid sequences become the code point"),
    SCALAR("from_utf8(varbinary, varchar(x)) -> varchar", "decodes UTF-8, invalid sequences become the string"),
    SCALAR("normalize(varchar(x)) -> varchar", "Unicode NFC normal form"),
    SCALAR("normalize(varchar(x), varchar(y)) -> varchar", "Unicode normal form (NFC, NFD, NFKC, NFKD)"),
    SCALAR("to_hex(varbinary) -> varchar", "encodes binary data as hex"),
    SCALAR("from_hex(varchar(x)) -> varbinary", "decodes hex to binary data"),
    SCALAR("length(varbinary) -> bigint", "length of the binary value in bytes"),
    SCALAR("luhn_check(varchar(x)) -> boolean", "whether the digits pass the Luhn check"),
    SCALAR("md5(varbinary) -> varbinary", "MD5 digest"),
    SCALAR("sha1(varbinary) -> varbinary", "SHA-1 digest"),
    SCALAR("sha256(varbinary) -> varbinary", "SHA-256 digest"),
    SCALAR("sha512(varbinary) -> varbinary", "SHA-512 digest"),
    SCALAR("hmac_md5(varbinary, varbinary) -> varbinary", "HMAC with MD5 of the binary with the key"),
    SCALAR("hmac_sha1(varbinary, varbinary) -> varbinary", "HMAC with SHA-1 of the binary with the key"),
    SCALAR("hmac_sha256(varbinary, varbinary) -> varbinary", "HMAC with SHA-256 of the binary with the key"),
    SCALAR("hmac_sha512(varbinary, varbinary) -> varbinary", "HMAC with SHA-512 of the binary with the key"),
    SCALAR("crc32(varbinary) -> bigint", "CRC-32 of the binary"),
    SCALAR("xxhash64(varbinary) -> varbinary", "XXH64 of the binary (seed 0, big-endian)"),
    SCALAR("to_base64(varbinary) -> varchar", "encodes binary data as base64"),
    SCALAR("from_base64(varchar(x)) -> varbinary", "decodes base64 to binary data"),
    SCALAR("from_base64(varbinary) -> varbinary", "decodes base64 to binary data"),
    SCALAR("to_base64url(varbinary) -> varchar", "encodes binary data as URL-safe base64"),
    SCALAR("from_base64url(varchar(x)) -> varbinary", "decodes URL-safe base64 to binary data"),
    SCALAR("from_base64url(varbinary) -> varbinary", "decodes URL-safe base64 to binary data"),
    SCALAR_F("typeof(T) -> varchar", F_NOT_NULL_ON_NULL, "the name of the type of the argument"),
    SCALAR("url_extract_protocol(varchar(x)) -> varchar", "the protocol of the URL"),
    SCALAR("url_extract_host(varchar(x)) -> varchar", "the host of the URL"),
    SCALAR("url_extract_port(varchar(x)) -> bigint", "the port of the URL"),
    SCALAR("url_extract_path(varchar(x)) -> varchar", "the path of the URL"),
    SCALAR("url_extract_query(varchar(x)) -> varchar", "the query string of the URL"),
    SCALAR("url_extract_fragment(varchar(x)) -> varchar", "the fragment of the URL"),
    SCALAR("url_extract_parameter(varchar(x), varchar(y)) -> varchar", "the value of the first query parameter with the name"),
    SCALAR("url_encode(varchar(x)) -> varchar", "escapes the value for a URL query parameter"),
    SCALAR("url_decode(varchar(x)) -> varchar", "unescapes a URL-encoded value"),
    SCALAR("human_readable_seconds(double) -> varchar", "the seconds as weeks, days, hours, minutes and seconds"),
    SCALAR("parse_duration(varchar(x)) -> interval day to second", "parses a duration such as 3.5m (units ns us ms s m h d)"),
    SCALAR("format_number(bigint) -> varchar", "formats a large number with a unit symbol (K, M, B, T, Q)"),
    SCALAR("format_number(double) -> varchar", "formats a large number with a unit symbol (K, M, B, T, Q)"),

    /* regular expressions (PCRE2, Java-compatible subset) */
    SCALAR("regexp_like(varchar(x), varchar(y)) -> boolean", "whether the pattern is contained within the string"),
    SCALAR("regexp_extract(varchar(x), varchar(y)) -> varchar(x)", "the first substring matched by the pattern"),
    SCALAR("regexp_extract(varchar(x), varchar(y), bigint) -> varchar(x)", "the group of the first match of the pattern"),
    SCALAR("regexp_replace(varchar(x), varchar(y)) -> varchar", "removes every instance of the pattern"),
    SCALAR("regexp_replace(varchar(x), varchar(y), varchar(z)) -> varchar", "replaces every instance of the pattern ($g references groups)"),
    SCALAR("regexp_count(varchar(x), varchar(y)) -> bigint", "number of occurrences of the pattern"),
    SCALAR("regexp_position(varchar(x), varchar(y)) -> integer", "position of the first match, -1 when none"),
    SCALAR("regexp_position(varchar(x), varchar(y), bigint) -> integer", "position of the first match from start, -1 when none"),
    SCALAR("regexp_position(varchar(x), varchar(y), bigint, bigint) -> integer", "position of the n-th match from start, -1 when none"),

    /* dates and timestamps (more) */
    SCALAR("millisecond(timestamp(p)) -> bigint", "millisecond of the second of the given timestamp"),
    SCALAR("last_day_of_month(timestamp(p)) -> date", "last day of the month of the given timestamp"),
    SCALAR("date_trunc(varchar(x), timestamp(p)) -> timestamp(p)", "truncate to the given unit"),
    SCALAR("date_add(varchar(x), bigint, timestamp(p)) -> timestamp(p)", "add the specified amount of units to a timestamp"),
    SCALAR("date_diff(varchar(x), timestamp(p), timestamp(p)) -> bigint", "difference of the given timestamps in the given unit"),
    SCALAR("format_datetime(timestamp(p), varchar(x)) -> varchar", "formats the timestamp with a Joda-Time pattern"),
    SCALAR("date_format(timestamp(p), varchar(x)) -> varchar", "formats the timestamp with a MySQL pattern"),
    SCALAR("date_parse(varchar(x), varchar(y)) -> timestamp(3)", "parses the string with a MySQL pattern"),
    SCALAR("from_unixtime(double) -> timestamp(3) with time zone", "the instant of the UNIX timestamp"),
    SCALAR("from_unixtime(double, varchar(x)) -> timestamp(3) with time zone", "the instant of the UNIX timestamp in the zone"),
    SCALAR("to_unixtime(timestamp(p) with time zone) -> double", "the UNIX timestamp of the instant"),
    SCALAR("to_unixtime(timestamp(p)) -> double", "the UNIX timestamp of the timestamp (session zone UTC)"),
    SCALAR("to_milliseconds(interval day to second) -> bigint", "the interval in milliseconds"),
    SCALAR("from_iso8601_date(varchar(x)) -> date", "parses an ISO 8601 date"),
    SCALAR("from_iso8601_timestamp(varchar(x)) -> timestamp(3) with time zone", "parses an ISO 8601 timestamp"),
    SCALAR("to_iso8601(date) -> varchar(16)", "ISO 8601 text of the date"),
    SCALAR("to_iso8601(timestamp(p)) -> varchar(32)", "ISO 8601 text of the timestamp"),
    SCALAR("to_iso8601(timestamp(p) with time zone) -> varchar(64)", "ISO 8601 text of the timestamp"),
    SCALAR("with_timezone(timestamp(p), varchar(x)) -> timestamp(p) with time zone", "the timestamp read in the zone"),
    SCALAR("at_timezone(timestamp(p) with time zone, varchar(x)) -> timestamp(p) with time zone", "the same instant in another zone (AT TIME ZONE)"),
    SCALAR("timezone(timestamp(p) with time zone) -> varchar", "the zone of the timestamp"),
    DATE_FIELD_TZ("year"), DATE_FIELD_TZ("quarter"), DATE_FIELD_TZ("month"), DATE_FIELD_TZ("week"),
    DATE_FIELD_TZ("day"), DATE_FIELD_TZ("day_of_month"), DATE_FIELD_TZ("day_of_week"), DATE_FIELD_TZ("dow"),
    DATE_FIELD_TZ("day_of_year"), DATE_FIELD_TZ("doy"), DATE_FIELD_TZ("hour"), DATE_FIELD_TZ("minute"),
    DATE_FIELD_TZ("second"), DATE_FIELD_TZ("millisecond"),
    SCALAR_F("now() -> timestamp(3) with time zone", F_NONDETERMINISTIC, "the current timestamp (start of evaluation)"),
    SCALAR("current_timezone() -> varchar", "the session time zone"),

    /* arrays and maps (operators/functions/array.c, lambda.c) */
    SCALAR("cardinality(array(E)) -> bigint", "number of elements in the array"),
    SCALAR("cardinality(map(K,V)) -> bigint", "number of entries in the map"),
    SCALAR("element_at(array(E), bigint) -> E", "element at the index (negative: from the end), NULL past the end"),
    SCALAR("element_at(map(K,V), K) -> V", "value for the key, NULL when absent"),
    SCALAR_F("contains(array(T), T) -> boolean", F_COMPARABLE, "whether the array contains the value"),
    SCALAR_F("array_position(array(T), T) -> bigint", F_COMPARABLE, "1-based position of the first occurrence, 0 if absent"),
    SCALAR("array_join(array(T), varchar) -> varchar", "elements joined with the delimiter, NULLs skipped"),
    SCALAR("array_join(array(T), varchar, varchar) -> varchar", "elements joined with the delimiter, NULLs replaced"),
    SCALAR_F("array_max(array(T)) -> T", F_ORDERABLE, "largest element (NULL if any is NULL)"),
    SCALAR_F("array_min(array(T)) -> T", F_ORDERABLE, "smallest element (NULL if any is NULL)"),
    SCALAR("slice(array(E), bigint, bigint) -> array(E)", "length elements from start (negative: from the end)"),
    SCALAR("concat(array(E), array(E)) -> array(E)", "the arrays one after the other"),
    SCALAR("sequence(bigint, bigint) -> array(bigint)", "integers from start to stop"),
    SCALAR("sequence(bigint, bigint, bigint) -> array(bigint)", "integers from start to stop by step"),
    SCALAR("map_keys(map(K,V)) -> array(K)", "the keys of the map"),
    SCALAR("map_values(map(K,V)) -> array(V)", "the values of the map"),
    SCALAR("map(array(K), array(V)) -> map(K,V)", "map built from arrays of keys and values"),
    SCALAR("map() -> map(unknown,unknown)", "the empty map"),
    SCALAR("transform(array(T), function(T,U)) -> array(U)", "the lambda applied to every element"),
    SCALAR("filter(array(T), function(T,boolean)) -> array(T)", "elements for which the lambda is true"),
    SCALAR("any_match(array(T), function(T,boolean)) -> boolean", "whether the lambda is true for some element"),
    SCALAR("all_match(array(T), function(T,boolean)) -> boolean", "whether the lambda is true for every element"),
    SCALAR("none_match(array(T), function(T,boolean)) -> boolean", "whether the lambda is true for no element"),
    SCALAR("reduce(array(T), S, function(S,T,S), function(S,R)) -> R", "folds the elements into a state, then finishes it"),

    /* json */
    SCALAR("json_parse(varchar(x)) -> json", "parses the string as JSON"),
    SCALAR("json_format(json) -> varchar", "serialises the JSON value"),
    SCALAR("json_extract_scalar(varchar(x), varchar(y)) -> varchar", "the scalar at the JSONPath, as a string"),
    SCALAR("json_extract_scalar(json, varchar(y)) -> varchar", "the scalar at the JSONPath, as a string"),
    SCALAR("json_extract(varchar(x), varchar(y)) -> json", "the JSON value at the JSONPath"),
    SCALAR("json_extract(json, varchar(y)) -> json", "the JSON value at the JSONPath"),
    SCALAR("json_array_length(varchar(x)) -> bigint", "the length of the JSON array"),
    SCALAR("json_array_length(json) -> bigint", "the length of the JSON array"),
    SCALAR("json_array_contains(json, bigint) -> boolean", "whether the JSON array contains the value"),
    SCALAR("json_array_contains(json, double) -> boolean", "whether the JSON array contains the value"),
    SCALAR("json_array_contains(json, boolean) -> boolean", "whether the JSON array contains the value"),
    SCALAR("json_array_contains(json, varchar(x)) -> boolean", "whether the JSON array contains the value"),
    SCALAR("json_array_get(json, bigint) -> json", "the element of the JSON array at the index"),
    SCALAR("json_size(json, varchar(y)) -> bigint", "the size of the value at the JSONPath"),
    SCALAR("json_size(varchar(x), varchar(y)) -> bigint", "the size of the value at the JSONPath"),
    SCALAR("is_json_scalar(json) -> boolean", "whether the JSON value is a scalar"),
    SCALAR("is_json_scalar(varchar(x)) -> boolean", "whether the JSON value is a scalar"),

    /* aggregates */
    AGG("count() -> bigint", "bigint", "counts the rows"),
    AGG("count(T) -> bigint", "bigint", "counts the non-null values"),
    AGG("count_if(boolean) -> bigint", "bigint", "counts the true values"),
    AGG("sum(tinyint) -> bigint", "bigint", "sum of the values"),
    AGG("sum(smallint) -> bigint", "bigint", "sum of the values"),
    AGG("sum(integer) -> bigint", "bigint", "sum of the values"),
    AGG("sum(bigint) -> bigint", "bigint", "sum of the values"),
    AGG("sum(real) -> real", "double", "sum of the values"),
    AGG("sum(double) -> double", "double", "sum of the values"),
    AGG_F("sum(decimal(p,s)) -> decimal(38,s)", 0, R_DECIMAL_SUM, NULL, "sum of the values"),
    AGG("sum(interval day to second) -> interval day to second", NULL, "sum of the values"),
    AGG("sum(interval year to month) -> interval year to month", NULL, "sum of the values"),
    AGG("avg(tinyint) -> double", "varbinary", "average of the values"),
    AGG("avg(smallint) -> double", "varbinary", "average of the values"),
    AGG("avg(integer) -> double", "varbinary", "average of the values"),
    AGG("avg(bigint) -> double", "varbinary", "average of the values"),
    AGG("avg(real) -> real", "varbinary", "average of the values"),
    AGG("avg(double) -> double", "varbinary", "average of the values"),
    AGG("avg(decimal(p,s)) -> decimal(p,s)", "varbinary", "average of the values"),
    AGG_F("min(E) -> E", F_ORDERABLE, R_TOKEN, NULL, "minimum of the values"),
    AGG_F("max(E) -> E", F_ORDERABLE, R_TOKEN, NULL, "maximum of the values"),
    AGG("arbitrary(T) -> T", NULL, "an arbitrary non-null value"),
    AGG("any_value(T) -> T", NULL, "an arbitrary non-null value"),
    AGG("bool_and(boolean) -> boolean", NULL, "whether all values are true"),
    AGG("every(boolean) -> boolean", NULL, "whether all values are true"),
    AGG("bool_or(boolean) -> boolean", NULL, "whether any value is true"),
    AGG("stddev(double) -> double", "varbinary", "sample standard deviation"),
    AGG("stddev_samp(double) -> double", "varbinary", "sample standard deviation"),
    AGG("stddev_pop(double) -> double", "varbinary", "population standard deviation"),
    AGG("variance(double) -> double", "varbinary", "sample variance"),
    AGG("var_samp(double) -> double", "varbinary", "sample variance"),
    AGG("var_pop(double) -> double", "varbinary", "population variance"),
    AGG("approx_distinct(T) -> bigint", "varbinary", "approximate number of distinct values (HyperLogLog, standard error 0.023)"),
    AGG("geometric_mean(double) -> double", "varbinary", "geometric mean of the values"),
    AGG("geometric_mean(bigint) -> double", "varbinary", "geometric mean of the values"),
    AGG("array_agg(T) -> array(T)", "array(T)", "the values (NULLs included) as an array"),
    AGG("map_agg(K, V) -> map(K,V)", "map(K,V)", "a map of the key/value pairs (first value of a repeated key; NULL keys skipped)"),
    AGG("checksum(T) -> varbinary", "varbinary", "order-insensitive checksum of the values"),
    AGG("bitwise_and_agg(bigint) -> bigint", "varbinary", "bitwise AND of the values"),
    AGG("bitwise_or_agg(bigint) -> bigint", "varbinary", "bitwise OR of the values"),
    AGG_F("min_by(V, K) -> V", F_ORDERABLE, R_TOKEN, "varbinary", "value of x at the row with the minimum y"),
    AGG_F("max_by(V, K) -> V", F_ORDERABLE, R_TOKEN, "varbinary", "value of x at the row with the maximum y"),
    AGG("corr(double, double) -> double", "varbinary", "correlation coefficient of y and x"),
    AGG("corr(real, real) -> real", "varbinary", "correlation coefficient of y and x"),
    AGG("covar_samp(double, double) -> double", "varbinary", "sample covariance of y and x"),
    AGG("covar_samp(real, real) -> real", "varbinary", "sample covariance of y and x"),
    AGG("covar_pop(double, double) -> double", "varbinary", "population covariance of y and x"),
    AGG("covar_pop(real, real) -> real", "varbinary", "population covariance of y and x"),
    AGG("regr_slope(double, double) -> double", "varbinary", "slope of the linear regression line of y on x"),
    AGG("regr_slope(real, real) -> real", "varbinary", "slope of the linear regression line of y on x"),
    AGG("regr_intercept(double, double) -> double", "varbinary", "y-intercept of the linear regression line of y on x"),
    AGG("regr_intercept(real, real) -> real", "varbinary", "y-intercept of the linear regression line of y on x"),
    AGG("skewness(double) -> double", "varbinary", "skewness of the values"),
    AGG("skewness(bigint) -> double", "varbinary", "skewness of the values"),
    AGG("kurtosis(double) -> double", "varbinary", "excess kurtosis of the values (unbiased estimate)"),
    AGG("kurtosis(bigint) -> double", "varbinary", "excess kurtosis of the values (unbiased estimate)"),
    AGG("listagg(varchar(v), varchar(s), boolean, varchar(f), boolean) -> varchar", "varbinary",
        "the values joined by the separator in the WITHIN GROUP order (ON OVERFLOW ERROR | TRUNCATE)"),
    AGG("approx_percentile(bigint, double) -> bigint", "varbinary", "approximate percentile of the values (T-Digest)"),
    AGG("approx_percentile(double, double) -> double", "varbinary", "approximate percentile of the values (T-Digest)"),
    AGG("approx_percentile(real, double) -> real", "varbinary", "approximate percentile of the values (T-Digest)"),
    AGG("approx_percentile(bigint, double, double) -> bigint", "varbinary", "approximate weighted percentile of the values (T-Digest)"),
    AGG("approx_percentile(double, double, double) -> double", "varbinary", "approximate weighted percentile of the values (T-Digest)"),
    AGG("approx_percentile(real, double, double) -> real", "varbinary", "approximate weighted percentile of the values (T-Digest)"),
    AGG("approx_percentile(bigint, double, double, double) -> bigint", "varbinary", "(deprecated) approximate weighted percentile with the given accuracy"),
    AGG("approx_percentile(double, double, double, double) -> double", "varbinary", "(deprecated) approximate weighted percentile with the given accuracy"),
    AGG("approx_percentile(real, double, double, double) -> real", "varbinary", "(deprecated) approximate weighted percentile with the given accuracy"),
};

enum { DECL_COUNT = sizeof declarations / sizeof declarations[0], MAX_PARAMS = 8, TOKEN_MAX = 48 };

typedef enum token_class {
    TOKEN_CONCRETE,
    TOKEN_BASE,       /* varchar(x), decimal(p,s): any type of `kind` */
    TOKEN_VARIABLE,   /* T, E */
    TOKEN_PATTERN,    /* array(E), map(K,V), function(T,U): built from variables */
} token_class;

typedef struct param_token {
    token_class cls;
    sql_type type;    /* concrete type, or the base kind in type.kind */
    char text[TOKEN_MAX];
} param_token;

typedef struct function_def {
    function_entry entry;
    const function_decl *decl;
    int param_count;
    bool variadic;
    param_token params[MAX_PARAMS];
    param_token ret;
    bool has_intermediate;
    sql_type intermediate;
    bool generic;     /* some token is a pattern: bound by bind_generic */
    char name[48];
} function_def;

static function_def definitions[DECL_COUNT];
static pthread_once_t registry_once = PTHREAD_ONCE_INIT;

static void parse_token(const char *text, size_t length, param_token *t)
{
    if (length >= TOKEN_MAX)
        length = TOKEN_MAX - 1;
    memcpy(t->text, text, length);
    t->text[length] = '\0';
    if (length <= 2 && text[0] >= 'A' && text[0] <= 'Z') {
        t->cls = TOKEN_VARIABLE;
        t->type = type_make(TYPE_UNKNOWN);
        return;
    }
    if (type_parse(t->text, &t->type)) {
        t->cls = TOKEN_CONCRETE;
        return;
    }
    if (strncmp(t->text, "array(", 6) == 0 || strncmp(t->text, "map(", 4) == 0 ||
        strncmp(t->text, "function(", 9) == 0) {
        t->cls = TOKEN_PATTERN;
        t->type = type_make(TYPE_UNKNOWN);
        return;
    }
    /* a parametric base with variables: "varchar(x)", "decimal(p,s)" */
    static const struct {
        const char *prefix;
        type_kind kind;
    } bases[] = {{"varchar(", TYPE_VARCHAR}, {"char(", TYPE_CHAR}, {"decimal(", TYPE_DECIMAL},
                 {"timestamp(", TYPE_TIMESTAMP}, {"time(", TYPE_TIME}};
    if (strncmp(t->text, "timestamp(", 10) == 0 && strstr(t->text, "with time zone")) {
        t->cls = TOKEN_BASE;
        t->type = type_make(TYPE_TIMESTAMP_TZ);
        return;
    }
    for (size_t i = 0; i < sizeof bases / sizeof bases[0]; i++) {
        if (strncmp(t->text, bases[i].prefix, strlen(bases[i].prefix)) == 0) {
            t->cls = TOKEN_BASE;
            t->type = type_make(bases[i].kind);
            return;
        }
    }
    t->cls = TOKEN_VARIABLE; /* unreachable with the table above */
}

/* Splits "name(a, b...) -> r" into its parts. Parameters are separated by
 * ", " at depth 0. */
static void parse_declaration(const function_decl *decl, function_def *def)
{
    const char *s = decl->signature;
    const char *open = strchr(s, '(');
    size_t name_length = (size_t)(open - s);
    memcpy(def->name, s, name_length);
    def->name[name_length] = '\0';
    const char *arrow = strstr(s, " -> ");
    const char *close = arrow - 1; /* the ')' before the arrow */
    const char *p = open + 1;
    int depth = 0;
    const char *start = p;
    for (; p <= close; p++) {
        if (p < close && *p == '(')
            depth++;
        else if (p < close && *p == ')')
            depth--;
        else if ((p == close || (*p == ',' && depth == 0)) && p > start) {
            const char *end = p;
            if (end - start > 3 && strncmp(end - 3, "...", 3) == 0) {
                def->variadic = true;
                end -= 3;
            }
            parse_token(start, (size_t)(end - start), &def->params[def->param_count++]);
            start = p + 1;
            while (*start == ' ')
                start++;
        }
    }
    parse_token(arrow + 4, strlen(arrow + 4), &def->ret);
    def->generic = def->ret.cls == TOKEN_PATTERN;
    for (int i = 0; i < def->param_count; i++)
        def->generic |= def->params[i].cls == TOKEN_PATTERN;
    if (decl->intermediate) {
        def->has_intermediate = type_parse(decl->intermediate, &def->intermediate);
        if (!def->has_intermediate) {
            param_token t;
            parse_token(decl->intermediate, strlen(decl->intermediate), &t);
            def->intermediate = type_make(TYPE_UNKNOWN);
        }
    }
}

static void registry_init(void)
{
    for (int i = 0; i < DECL_COUNT; i++) {
        function_def *def = &definitions[i];
        def->decl = &declarations[i];
        parse_declaration(def->decl, def);
        def->entry.id = i;
        def->entry.name = def->name;
        def->entry.kind = def->decl->kind;
        def->entry.signature = def->decl->signature;
        def->entry.description = def->decl->description;
        def->entry.deterministic = !(def->decl->flags & F_NONDETERMINISTIC);
        def->entry.null_on_null = !(def->decl->flags & F_NOT_NULL_ON_NULL);
    }
}

static void registry_ready(void)
{
    pthread_once(&registry_once, registry_init);
}

int function_count(void)
{
    return DECL_COUNT;
}

const function_entry *function_at(int id)
{
    registry_ready();
    if (id < 0 || id >= DECL_COUNT)
        return NULL;
    return &definitions[id].entry;
}

const function_entry *function_find(const char *name, function_kind kind)
{
    registry_ready();
    for (int i = 0; i < DECL_COUNT; i++)
        if (definitions[i].entry.kind == kind && strcmp(definitions[i].name, name) == 0)
            return &definitions[i].entry;
    return NULL;
}

void function_set_implementation(int id, const void *implementation)
{
    registry_ready();
    if (id >= 0 && id < DECL_COUNT)
        definitions[id].entry.implementation = implementation;
}

/* ---- binding ------------------------------------------------------------ */

static const param_token *param_at(const function_def *def, int i)
{
    return &def->params[i < def->param_count ? i : def->param_count - 1];
}

static int min_int(int a, int b) { return a < b ? a : b; }
static int max_int(int a, int b) { return a > b ? a : b; }

static bool apply_rule(const function_def *def, const sql_type *args, int n, sql_type *out)
{
    switch (def->decl->rule) {
    case R_TOKEN:
        return false;
    case R_DECIMAL_ADD: {
        int p1 = args[0].precision, s1 = args[0].scale, p2 = args[1].precision, s2 = args[1].scale;
        int s = max_int(s1, s2);
        *out = type_decimal(min_int(38, 1 + s + max_int(p1 - s1, p2 - s2)), s);
        return true;
    }
    case R_DECIMAL_MULTIPLY:
        *out = type_decimal(min_int(38, args[0].precision + args[1].precision),
                            args[0].scale + args[1].scale);
        return true;
    case R_DECIMAL_DIVIDE: {
        int p1 = args[0].precision, s1 = args[0].scale, s2 = args[1].scale;
        *out = type_decimal(min_int(38, p1 + s2 + max_int(0, s2 - s1)), max_int(s1, s2));
        return true;
    }
    case R_DECIMAL_MODULUS: {
        int p1 = args[0].precision, s1 = args[0].scale, p2 = args[1].precision, s2 = args[1].scale;
        *out = type_decimal(min_int(38, min_int(p2 - s2, p1 - s1) + max_int(s1, s2)), max_int(s1, s2));
        return true;
    }
    case R_DECIMAL_ROUND: {
        int p = args[0].precision, s = args[0].scale;
        *out = type_decimal(max_int(1, p - s + min_int(s, 1)), 0);
        return true;
    }
    case R_DECIMAL_ROUND_N:
        *out = type_decimal(min_int(38, args[0].precision + 1), args[0].scale);
        return true;
    case R_DECIMAL_TRUNCATE_N:
        *out = args[0];
        return true;
    case R_DECIMAL_SUM:
        *out = type_decimal(38, args[0].scale);
        return true;
    case R_CONCAT: {
        int64_t total = 0;
        for (int i = 0; i < n; i++) {
            if (args[i].length == VARCHAR_UNBOUNDED) {
                *out = type_varchar(VARCHAR_UNBOUNDED);
                return true;
            }
            total += args[i].length;
        }
        *out = total > 2147483646 ? type_varchar(VARCHAR_UNBOUNDED) : type_varchar((int32_t)total);
        return true;
    }
    }
    return false;
}

static bool bind_generic(const function_def *def, int n, const sql_type *args, sql_type *bound,
                         sql_type *ret, sql_type *intermediate, int *cost);

/* Binds `def` to the argument types: fills param types and counts the
 * coercions. False when the overload does not apply. */
static bool bind(const function_def *def, int n, const sql_type *args, sql_type *bound,
                 sql_type *ret, sql_type *intermediate, int *cost)
{
    if (n > 16 || (def->variadic ? n < def->param_count : n != def->param_count))
        return false;
    if (def->variadic && n < 1)
        return false;
    if (def->generic)
        return bind_generic(def, n, args, bound, ret, intermediate, cost);
    /* the type each argument binds to on its own */
    for (int i = 0; i < n; i++) {
        const param_token *t = param_at(def, i);
        switch (t->cls) {
        case TOKEN_CONCRETE:
            if (!type_can_coerce(args[i], t->type))
                return false;
            bound[i] = t->type;
            break;
        case TOKEN_BASE:
            if (!type_coerce_base(args[i], t->type.kind, &bound[i]))
                return false;
            break;
        case TOKEN_VARIABLE:
            bound[i] = args[i];
            break;
        case TOKEN_PATTERN: /* generic signatures bind in bind_generic */
            return false;
        }
    }
    /* unify positions that share a token (type variables; repeated
     * parametric tokens in a fixed parameter list) */
    for (int i = 0; i < n; i++) {
        const param_token *t = param_at(def, i);
        if (t->cls == TOKEN_CONCRETE)
            continue;
        bool shared = t->cls == TOKEN_VARIABLE;
        for (int j = 0; j < def->param_count && !shared; j++)
            shared = &def->params[j] != t && strcmp(def->params[j].text, t->text) == 0;
        if (!shared)
            continue;
        sql_type super = bound[i];
        for (int j = 0; j < n; j++) {
            if (j == i || strcmp(param_at(def, j)->text, t->text) != 0)
                continue;
            if (!type_common_super_type(super, bound[j], &super))
                return false;
        }
        bound[i] = super;
        if (t->cls == TOKEN_VARIABLE) {
            bool value_variable = strcmp(t->text, "V") == 0; /* min_by(V, K): only K is ordered */
            if ((def->decl->flags & F_ORDERABLE) && !value_variable && !type_is_orderable(super))
                return false;
            if ((def->decl->flags & F_COMPARABLE) && !type_is_comparable(super))
                return false;
        }
    }
    *cost = 0;
    for (int i = 0; i < n; i++)
        if (!type_equal(bound[i], args[i]))
            (*cost)++;
    /* the result type */
    if (!apply_rule(def, bound, n, ret)) {
        const param_token *r = &def->ret;
        bool found = false;
        if (r->cls != TOKEN_CONCRETE) {
            for (int i = 0; i < n && !found; i++) {
                if (strcmp(param_at(def, i)->text, r->text) == 0) {
                    *ret = bound[i];
                    found = true;
                }
            }
        } else {
            *ret = r->type;
            found = true;
        }
        if (!found)
            *ret = r->type;
    }
    if (def->entry.kind == FUNCTION_AGGREGATE)
        *intermediate = def->has_intermediate ? def->intermediate : *ret;
    return true;
}

/* ---- generic signatures: array(E), map(K,V), function(T,U) ----------------
 * Each variable is bound to the common super type of everything it meets;
 * parameters are then the patterns with the variables substituted. A
 * function(...) parameter meets the lambda's result type (the analyser has
 * typed the lambda's parameters already). */

enum { MAX_VARIABLES = 8 };

typedef struct variable_bindings {
    int count;
    char names[MAX_VARIABLES][4];
    sql_type types[MAX_VARIABLES];
} variable_bindings;

static bool is_variable_text(const char *text, size_t length)
{
    return length >= 1 && length <= 2 && text[0] >= 'A' && text[0] <= 'Z';
}

static sql_type *variable_slot(variable_bindings *b, const char *text, size_t length, bool create)
{
    for (int i = 0; i < b->count; i++)
        if (strlen(b->names[i]) == length && memcmp(b->names[i], text, length) == 0)
            return &b->types[i];
    if (!create || b->count == MAX_VARIABLES)
        return NULL;
    memcpy(b->names[b->count], text, length);
    b->names[b->count][length] = '\0';
    b->types[b->count] = type_make(TYPE_UNKNOWN);
    return &b->types[b->count++];
}

/* The parts of "name(a, b)" between the outer parentheses, split at depth 0. */
static int pattern_parts(const char *text, size_t length, const char **parts, size_t *lengths, int max)
{
    const char *open = memchr(text, '(', length);
    if (!open || text[length - 1] != ')')
        return -1;
    const char *p = open + 1, *end = text + length - 1, *start = p;
    int depth = 0, n = 0;
    for (; p <= end; p++) {
        if (p < end && *p == '(')
            depth++;
        else if (p < end && *p == ')')
            depth--;
        else if (p == end || (*p == ',' && depth == 0)) {
            while (start < p && *start == ' ')
                start++;
            if (n == max)
                return -1;
            parts[n] = start;
            lengths[n++] = (size_t)(p - start);
            start = p + 1;
        }
    }
    return n;
}

/* The element patterns of "array(E)" (one) or "map(K,V)" (two); 0 when
 * `text` is neither, -1 when it is malformed. */
static int collection_parts(const char *text, size_t length, const char **parts, size_t *lengths, bool *array)
{
    *array = strncmp(text, "array(", 6) == 0;
    if (!*array && strncmp(text, "map(", 4) != 0)
        return 0;
    int n = pattern_parts(text, length, parts, lengths, 8);
    return n == (*array ? 1 : 2) ? n : -1;
}

/* A concrete type named by `length` bytes of `text`. */
static bool parse_type_text(const char *text, size_t length, sql_type *out)
{
    char name[TOKEN_MAX];
    if (length >= sizeof name)
        return false;
    memcpy(name, text, length);
    name[length] = '\0';
    return type_parse(name, out);
}

static bool match_pattern(const char *text, size_t length, sql_type type, variable_bindings *b)
{
    const char *parts[8];
    size_t lengths[8];
    if (is_variable_text(text, length)) {
        sql_type *slot = variable_slot(b, text, length, true);
        if (!slot)
            return false;
        return type_common_super_type(*slot, type, slot);
    }
    if (strncmp(text, "function(", 9) == 0) {
        int n = pattern_parts(text, length, parts, lengths, 8);
        return n >= 1 && match_pattern(parts[n - 1], lengths[n - 1], type, b);
    }
    bool array;
    int n = collection_parts(text, length, parts, lengths, &array);
    if (n < 0)
        return false;
    if (n > 0) {
        if (type.kind == TYPE_UNKNOWN) {
            for (int i = 0; i < n; i++)
                if (!match_pattern(parts[i], lengths[i], type, b))
                    return false;
            return true;
        }
        if (type.kind != (array ? TYPE_ARRAY : TYPE_MAP))
            return false;
        for (int i = 0; i < n; i++)
            if (!match_pattern(parts[i], lengths[i], type.composite->field_types[i], b))
                return false;
        return true;
    }
    sql_type concrete;
    return parse_type_text(text, length, &concrete) && type_can_coerce(type, concrete);
}

static bool substitute_pattern(const char *text, size_t length, variable_bindings *b, sql_type *out)
{
    const char *parts[8];
    size_t lengths[8];
    if (is_variable_text(text, length)) {
        sql_type *slot = variable_slot(b, text, length, false);
        *out = slot ? *slot : type_make(TYPE_UNKNOWN);
        return true;
    }
    bool array;
    int n = collection_parts(text, length, parts, lengths, &array);
    if (n < 0)
        return false;
    if (n > 0) {
        sql_type inner[2];
        for (int i = 0; i < n; i++)
            if (!substitute_pattern(parts[i], lengths[i], b, &inner[i]))
                return false;
        *out = array ? type_array(inner[0]) : type_map(inner[0], inner[1]);
        return true;
    }
    return parse_type_text(text, length, out);
}

static bool bind_generic(const function_def *def, int n, const sql_type *args, sql_type *bound,
                         sql_type *ret, sql_type *intermediate, int *cost)
{
    variable_bindings b = {0};
    for (int i = 0; i < n; i++) {
        const param_token *t = param_at(def, i);
        if (t->cls == TOKEN_BASE) {
            if (!type_coerce_base(args[i], t->type.kind, &bound[i]))
                return false;
        } else if (!match_pattern(t->text, strlen(t->text), args[i], &b)) {
            return false;
        }
    }
    for (int v = 0; v < b.count; v++) {
        if ((def->decl->flags & F_ORDERABLE) && !type_is_orderable(b.types[v]))
            return false;
        if ((def->decl->flags & F_COMPARABLE) && !type_is_comparable(b.types[v]))
            return false;
    }
    *cost = 0;
    for (int i = 0; i < n; i++) {
        const param_token *t = param_at(def, i);
        if (strncmp(t->text, "function(", 9) == 0)
            bound[i] = args[i];
        else if (t->cls != TOKEN_BASE && !substitute_pattern(t->text, strlen(t->text), &b, &bound[i]))
            return false;
        if (!type_equal(bound[i], args[i]))
            (*cost)++;
    }
    if (!substitute_pattern(def->ret.text, strlen(def->ret.text), &b, ret))
        return false;
    if (def->entry.kind == FUNCTION_AGGREGATE) {
        *intermediate = *ret;
        if (def->has_intermediate)
            *intermediate = def->intermediate;
        else if (def->decl->intermediate &&
                 !substitute_pattern(def->decl->intermediate, strlen(def->decl->intermediate), &b, intermediate))
            return false;
    }
    return true;
}

static void format_types(const sql_type *types, int n, char *out, size_t size)
{
    size_t length = 0;
    out[0] = '\0';
    for (int i = 0; i < n && length < size; i++) {
        if (i > 0)
            length += (size_t)snprintf(out + length, size - length, ", ");
        if (length < size)
            length += type_format(types[i], false, out + length, size - length);
    }
}

static void set_not_found(const char *name, int n, const sql_type *args, shoal_error *error)
{
    char types[512];
    format_types(args, n, types, sizeof types);
    static const struct {
        const char *name, *symbol;
    } operators[] = {{"$add", "+"},          {"$subtract", "-"}, {"$multiply", "*"},
                     {"$divide", "/"},       {"$modulus", "%"},  {"$equal", "="},
                     {"$not_equal", "<>"},   {"$less_than", "<"}, {"$less_than_or_equal", "<="},
                     {"$greater_than", ">"}, {"$greater_than_or_equal", ">="}};
    for (size_t i = 0; i < sizeof operators / sizeof operators[0]; i++) {
        if (strcmp(operators[i].name, name) == 0 && n == 2) {
            char left[256], right[256];
            type_format(args[0], false, left, sizeof left);
            type_format(args[1], false, right, sizeof right);
            error_set(error, ERR_OPERATOR_NOT_FOUND, "Cannot apply operator: %s %s %s", left,
                      operators[i].symbol, right);
            return;
        }
    }
    if (strcmp(name, "$negate") == 0) {
        error_set(error, ERR_OPERATOR_NOT_FOUND, "Cannot negate %s", types);
        return;
    }
    /* "Expected: length(varchar(x)), length(char(x))" */
    char expected[ERROR_MESSAGE_MAX];
    size_t length = 0;
    expected[0] = '\0';
    for (int i = 0; i < DECL_COUNT; i++) {
        const function_def *def = &definitions[i];
        if (strcmp(def->name, name) != 0)
            continue;
        const char *arrow = strstr(def->decl->signature, " -> ");
        int sig_length = (int)(arrow - def->decl->signature);
        const char *constraint = "";
        if (def->decl->flags & F_ORDERABLE)
            constraint = def->params[0].text[0] == 'E'   ? " E:orderable"
                         : def->params[0].text[0] == 'V' ? " K:orderable"
                                                         : " T:orderable";
        else if (def->decl->flags & F_COMPARABLE)
            constraint = " T:comparable";
        if (length < sizeof expected)
            length += (size_t)snprintf(expected + length, sizeof expected - length, "%s%.*s%s",
                                       length ? ", " : "", sig_length, def->decl->signature,
                                       constraint);
    }
    error_set(error, ERR_FUNCTION_NOT_FOUND, "Unexpected parameters (%s) for function %s. Expected: %s",
              types, name, expected);
}

static bool more_specific(const sql_type *a, const sql_type *b, int n)
{
    for (int i = 0; i < n; i++)
        if (!type_can_coerce(a[i], b[i]))
            return false;
    return true;
}

static void fill_resolved(const function_def *def, int n, const sql_type *bound, sql_type ret,
                          sql_type intermediate, resolved_function *out)
{
    memset(out, 0, sizeof *out);
    out->function = &def->entry;
    out->arg_count = n;
    memcpy(out->arg_types, bound, sizeof(sql_type) * (size_t)n);
    out->return_type = ret;
    out->intermediate_type = def->entry.kind == FUNCTION_AGGREGATE ? intermediate : type_make(TYPE_UNKNOWN);
}

bool function_resolve(const char *name, int arg_count, const sql_type *arg_types,
                      resolved_function *out, shoal_error *error)
{
    registry_ready();
    const function_def *best = NULL;
    int best_cost = 1 << 30;
    sql_type best_bound[16], best_ret = {0}, best_intermediate = {0};
    bool known = false;
    for (int i = 0; i < DECL_COUNT; i++) {
        const function_def *def = &definitions[i];
        if (strcmp(def->name, name) != 0)
            continue;
        known = true;
        sql_type bound[16], ret, intermediate = type_make(TYPE_UNKNOWN);
        int cost;
        if (!bind(def, arg_count, arg_types, bound, &ret, &intermediate, &cost))
            continue;
        bool better = cost < best_cost;
        if (cost == best_cost && best && more_specific(bound, best_bound, arg_count) &&
            !more_specific(best_bound, bound, arg_count))
            better = true;
        if (better) {
            best = def;
            best_cost = cost;
            memcpy(best_bound, bound, sizeof(sql_type) * (size_t)arg_count);
            best_ret = ret;
            best_intermediate = intermediate;
        }
    }
    if (!known)
        return error_set(error, ERR_FUNCTION_NOT_FOUND, "Function '%s' not registered", name);
    if (!best) {
        set_not_found(name, arg_count, arg_types, error);
        return false;
    }
    fill_resolved(best, arg_count, best_bound, best_ret, best_intermediate, out);
    return true;
}

bool function_bind(const function_entry *function, int arg_count, const sql_type *arg_types,
                   resolved_function *out, shoal_error *error)
{
    registry_ready();
    if (!function || function->id < 0 || function->id >= DECL_COUNT ||
        &definitions[function->id].entry != function)
        return error_set(error, ERR_FUNCTION_NOT_FOUND, "Function not registered");
    const function_def *def = &definitions[function->id];
    sql_type bound[16], ret, intermediate = type_make(TYPE_UNKNOWN);
    int cost;
    if (!bind(def, arg_count, arg_types, bound, &ret, &intermediate, &cost)) {
        set_not_found(def->name, arg_count, arg_types, error);
        return false;
    }
    fill_resolved(def, arg_count, bound, ret, intermediate, out);
    return true;
}
