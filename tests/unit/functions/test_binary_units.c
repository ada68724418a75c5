/*
 * test_binary_units.c — the binary functions (md5, sha1, sha256, sha512,
 * hmac_*, crc32, xxhash64, base64 codecs) against published test vectors,
 * and human_readable_seconds, parse_duration, format_number against
 * Trino's documented results, the URL functions, typeof; NULLs and errors.
 * Each case runs folded and over columns (fn_test_util.h).
 */
#include "fn_test_util.h"

static expr *bin(const char *text) { return call("to_utf8", 1, str(text)); }

Test(fn_binary, digests)
{
    CHECK(call("md5", 1, bin("")), "d41d8cd98f00b204e9800998ecf8427e");
    CHECK(call("md5", 1, bin("abc")), "900150983cd24fb0d6963f7d28e17f72");
    CHECK(call("sha1", 1, bin("abc")), "a9993e364706816aba3e25717850c26c9cd0d89d");
    CHECK(call("sha256", 1, bin("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(call("sha512", 1, bin("abc")),
          "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d"
          "4423643ce80e2a9ac94fa54ca49f");
    CHECK(call("hmac_sha256", 2, bin("The quick brown fox jumps over the lazy dog"), bin("key")),
          "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8");
    CHECK(call("hmac_md5", 2, bin("The quick brown fox jumps over the lazy dog"), bin("key")),
          "80070713463e7749b90c2dc24911e275");
    CHECK(call("md5", 1, null_of("varbinary")), "NULL");
    CHECK(call("hmac_sha1", 2, bin("x"), null_of("varbinary")), "NULL");
}

Test(fn_binary, checksums)
{
    CHECK(call("crc32", 1, bin("")), "0");
    CHECK(call("crc32", 1, bin("abc")), "891568578");
    CHECK(call("crc32", 1, bin("The quick brown fox jumps over the lazy dog")), "1095738169");
    CHECK(call("xxhash64", 1, bin("")), "ef46db3751d8e999");
    CHECK(call("xxhash64", 1, bin("abc")), "44bc2cf5ad770999");
    CHECK(call("xxhash64", 1, bin("Nobody inspects the spammish repetition")), "fbcea83c8a378bf1");
    CHECK(call("crc32", 1, null_of("varbinary")), "NULL");
}

Test(fn_binary, base64)
{
    CHECK(call("to_base64", 1, bin("abc")), "YWJj");
    CHECK(call("to_base64", 1, bin("ab")), "YWI=");
    CHECK(call("to_base64", 1, bin("a")), "YQ==");
    CHECK(call("to_base64", 1, bin("")), "");
    CHECK(call("to_base64", 1, call("from_hex", 1, str("FBFF"))), "+/8=");
    CHECK(call("to_base64url", 1, call("from_hex", 1, str("FBFF"))), "-_8=");
    CHECK(call("from_base64", 1, str("YWI=")), "6162");
    CHECK(call("from_base64", 1, str("YWJjZGVmZ2hpamtsbW5vcA==")), "6162636465666768696a6b6c6d6e6f70");
    CHECK(call("from_base64", 1, str("YWI")), "6162");
    CHECK(call("from_base64url", 1, str("-_8=")), "fbff");
    CHECK(call("from_base64", 1, str("-_8=")), "ERROR INVALID_FUNCTION_ARGUMENT: Illegal base64 character '-' at 0");
    CHECK(call("from_base64", 1, str("Y")),
          "ERROR INVALID_FUNCTION_ARGUMENT: Input length is not a valid base64 length: 1");
    CHECK(call("from_base64", 1, null_of("varchar")), "NULL");
}

Test(fn_units, human_readable_seconds)
{
    CHECK(call("human_readable_seconds", 1, dbl(96)), "1 minute, 36 seconds");
    CHECK(call("human_readable_seconds", 1, dbl(3762)), "1 hour, 2 minutes, 42 seconds");
    CHECK(call("human_readable_seconds", 1, dbl(56363463)), "93 weeks, 1 day, 8 hours, 31 minutes, 3 seconds");
    CHECK(call("human_readable_seconds", 1, dbl(0)), "0 seconds");
    CHECK(call("human_readable_seconds", 1, dbl(1.4)), "1 second");
    CHECK(call("human_readable_seconds", 1, dbl(-3600)), "1 hour");
    CHECK(call("human_readable_seconds", 1, call("nan", 0)), "ERROR INVALID_FUNCTION_ARGUMENT: Invalid argument found: NaN");
    CHECK(call("human_readable_seconds", 1, null_of("double")), "NULL");
}

/* intervals show as milliseconds here (0 00:00:00.043 in SQL results) */
Test(fn_units, parse_duration)
{
    CHECK(call("parse_duration", 1, str("42.8ms")), "43");
    CHECK(call("parse_duration", 1, str("3.81 d")), "329184000");
    CHECK(call("parse_duration", 1, str("5m")), "300000");
    CHECK(call("parse_duration", 1, str(" 1h ")), "3600000");
    CHECK(call("parse_duration", 1, str("1500us")), "2");
    CHECK(call("parse_duration", 1, str("5 mins")),
          "ERROR INVALID_FUNCTION_ARGUMENT: duration is not a valid data duration string: 5 mins");
    CHECK(call("parse_duration", 1, str(".5s")),
          "ERROR INVALID_FUNCTION_ARGUMENT: duration is not a valid data duration string: .5s");
    CHECK(call("parse_duration", 1, null_of("varchar")), "NULL");
}

Test(fn_units, format_number)
{
    CHECK(call("format_number", 1, big(123456)), "123K");
    CHECK(call("format_number", 1, big(1000000)), "1M");
    CHECK(call("format_number", 1, big(1234)), "1.23K");
    CHECK(call("format_number", 1, big(12345)), "12.3K");
    CHECK(call("format_number", 1, big(999)), "999");
    CHECK(call("format_number", 1, big(-1234)), "-1.23K");
    CHECK(call("format_number", 1, big(0)), "0");
    CHECK(call("format_number", 1, big(5000000000000000000LL)), "5000Q");
    CHECK(call("format_number", 1, dbl(1999.9)), "2K");
    CHECK(call("format_number", 1, dbl(1.5)), "1");
    CHECK(call("format_number", 1, null_of("bigint")), "NULL");
}

Test(fn_binary, wrong_types_name_the_overloads)
{
    static const char *const varchar_arg[1] = {"varchar"};
    cr_expect_str_eq(resolve_error("md5", 1, varchar_arg),
                     "ERROR FUNCTION_NOT_FOUND: Unexpected parameters (varchar) for function md5. Expected: md5(varbinary)");
}

Test(fn_url, extract)
{
    const char *u = "http://user@example.com:8080/a%20b/c.html?x=1&y=&z&x=2#frag%21";
    CHECK(call("url_extract_protocol", 1, str(u)), "http");
    CHECK(call("url_extract_host", 1, str(u)), "example.com");
    CHECK(call("url_extract_port", 1, str(u)), "8080");
    CHECK(call("url_extract_path", 1, str(u)), "/a b/c.html");
    CHECK(call("url_extract_query", 1, str(u)), "x=1&y=&z&x=2");
    CHECK(call("url_extract_fragment", 1, str(u)), "frag!");
    CHECK(call("url_extract_parameter", 2, str(u), str("x")), "1");
    CHECK(call("url_extract_parameter", 2, str(u), str("y")), "");
    CHECK(call("url_extract_parameter", 2, str(u), str("z")), "");
    CHECK(call("url_extract_parameter", 2, str(u), str("w")), "NULL");
    CHECK(call("url_extract_port", 1, str("https://example.com/")), "NULL");
    CHECK(call("url_extract_host", 1, str("https://[::1]:443/x")), "[::1]");
    CHECK(call("url_extract_query", 1, str("https://example.com/")), "NULL");
    CHECK(call("url_extract_path", 1, str("/relative/path?q")), "/relative/path");
    CHECK(call("url_extract_path", 1, str("http://h/%41%42%43%44%45%46%47%48%49%4A%4B%4C%4D%4E%4F%50/end")),
          "/ABCDEFGHIJKLMNOP/end");
    CHECK(call("url_extract_fragment", 1, str("http://h/#a%20long%20fragment%20of%20text")), "a long fragment of text");
    CHECK(call("url_extract_protocol", 1, str("/relative/path")), "NULL");
    CHECK(call("url_extract_path", 1, str("mailto:someone@example.com")), "NULL");
    /* what java.net.URI refuses gives NULL */
    CHECK(call("url_extract_host", 1, str("http://exa mple.com/")), "NULL");
    CHECK(call("url_extract_host", 1, str("http://example.com/%zz")), "NULL");
    CHECK(call("url_extract_host", 1, str("http://example.com:80a/")), "NULL");
    CHECK(call("url_extract_host", 1, null_of("varchar")), "NULL");
}

Test(fn_url, encode_decode)
{
    CHECK(call("url_encode", 1, str("a b&c=d/é.-*_~")), "a+b%26c%3Dd%2F%C3%A9.-*_%7E");
    CHECK(call("url_decode", 1, str("a+b%26c%3Dd%2F%C3%A9")), "a b&c=d/é");
    CHECK(call("url_decode", 1, str("100%")),
          "ERROR INVALID_FUNCTION_ARGUMENT: URLDecoder: Incomplete trailing escape (%) pattern");
    CHECK(call("url_decode", 1, str("%zz")),
          "ERROR INVALID_FUNCTION_ARGUMENT: URLDecoder: Illegal hex characters in escape (%) pattern");
    CHECK(call("url_encode", 1, null_of("varchar")), "NULL");
}

Test(fn_type_of, names)
{
    CHECK(call("typeof", 1, str("abc")), "varchar");
    CHECK(call("typeof", 1, big(1)), "bigint");
    CHECK(call("typeof", 1, null_of("double")), "double");
    CHECK(call("typeof", 1, expr_constant(value_null(type_make(TYPE_UNKNOWN)))), "unknown");
    CHECK(call("typeof", 1, call("md5", 1, bin("x"))), "varbinary");
}
