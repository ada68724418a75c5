/*
 * test_string.c — string functions: concat_ws, split_part, translate,
 * strpos with instance, ends_with, chr, codepoint, distances, UTF-8 and hex
 * conversions, normalize, Unicode upper/lower, lpad/rpad edge cases, LIKE
 * with ESCAPE.
 */
#include "fn_test_util.h"

static expr *bin(const char *bytes, uint32_t n)
{
    value v = value_varchar(bytes, n);
    v.type = type_make(TYPE_VARBINARY);
    return expr_constant(v);
}

Test(string, concat_ws_and_split_part)
{
    CHECK(call("concat_ws", 4, str(","), str("a"), null_of("varchar"), str("b")), "a,b");
    CHECK(call("concat_ws", 2, str(","), str("a")), "a");
    CHECK(call("concat_ws", 3, null_of("varchar"), str("a"), str("b")), "NULL");
    CHECK(call("concat_ws", 3, str(""), str("a"), str("b")), "ab");
    CHECK(call("concat_ws", 3, str("--"), str("a long string value"), str("another long one")),
          "a long string value--another long one");
    CHECK(call("split_part", 3, str("a,b,c"), str(","), big(2)), "b");
    CHECK(call("split_part", 3, str("a,b,c"), str(","), big(3)), "c");
    CHECK(call("split_part", 3, str("a,b"), str(","), big(5)), "NULL");
    CHECK(call("split_part", 3, str("abc"), str(""), big(2)), "b");
    CHECK(call("split_part", 3, str("a::b"), str("::"), big(2)), "b");
    CHECK(call("split_part", 3, str("a,b"), str(","), big(0)),
          "ERROR INVALID_FUNCTION_ARGUMENT: Index must be greater than zero");
}

Test(string, translate_strpos_ends_with)
{
    CHECK(call("translate", 3, str("abcd"), str("bd"), str("x")), "axc");
    CHECK(call("translate", 3, str("héllo"), str("é"), str("e")), "hello");
    CHECK(call("translate", 3, str("abc"), str(""), str("x")), "abc");
    CHECK(call("strpos", 3, str("abcabc"), str("b"), big(2)), "5");
    CHECK(call("strpos", 3, str("abcabc"), str("b"), big(-1)), "5");
    CHECK(call("strpos", 3, str("abcabc"), str("b"), big(-2)), "2");
    CHECK(call("strpos", 3, str("abcabc"), str("b"), big(3)), "0");
    CHECK(call("strpos", 3, str("aaa"), str("aa"), big(2)), "2");
    CHECK(call("strpos", 3, str("abc"), str("b"), big(0)),
          "ERROR INVALID_FUNCTION_ARGUMENT: 'instance' must be a positive or negative number.");
    CHECK(call("strpos", 2, str("héllo"), str("l")), "3");
    CHECK(call("ends_with", 2, str("hello"), str("llo")), "true");
    CHECK(call("ends_with", 2, str("lo"), str("hello")), "false");
}

Test(string, code_points)
{
    CHECK(call("chr", 1, big(65)), "A");
    CHECK(call("chr", 1, big(233)), "é");
    CHECK(call("chr", 1, big(0x110000)), "ERROR INVALID_FUNCTION_ARGUMENT: Not a valid Unicode code point: 1114112");
    CHECK(call("codepoint", 1, cast_to(str("é"), "varchar(1)")), "233");
    CHECK(call("codepoint", 1, cast_to(str("A"), "varchar(1)")), "65");
    const char *types[] = {"varchar(2)"};
    cr_expect_str_eq(resolve_error("codepoint", 1, types),
                     "ERROR FUNCTION_NOT_FOUND: Unexpected parameters (varchar(2)) for function codepoint. "
                     "Expected: codepoint(varchar(1))");
}

Test(string, distances)
{
    CHECK(call("levenshtein_distance", 2, str("kitten"), str("sitting")), "3");
    CHECK(call("levenshtein_distance", 2, str(""), str("abc")), "3");
    CHECK(call("levenshtein_distance", 2, str("héllo"), str("hello")), "1");
    CHECK(call("hamming_distance", 2, str("abc"), str("abd")), "1");
    CHECK(call("hamming_distance", 2, str("é"), str("e")), "1");
    CHECK(call("hamming_distance", 2, str("ab"), str("abc")),
          "ERROR INVALID_FUNCTION_ARGUMENT: The input strings to hamming_distance function must have the same length");
}

Test(string, utf8_and_hex)
{
    CHECK(call("to_utf8", 1, str("aé")), "61c3a9");
    CHECK(call("from_utf8", 1, bin("a\xff" "b", 3)), "a\xEF\xBF\xBD" "b");
    CHECK(call("from_utf8", 2, bin("a\xff" "b", 3), big(35)), "a#b");
    CHECK(call("from_utf8", 2, bin("a\xff" "b", 3), str("")), "ab");
    CHECK(call("to_hex", 1, bin("\x01\xab", 2)), "01AB");
    CHECK(call("from_hex", 1, str("01ab")), "01ab");
    CHECK(call("from_hex", 1, str("0g")), "ERROR INVALID_FUNCTION_ARGUMENT: invalid hex character: g");
    CHECK(call("length", 1, bin("abc", 3)), "3");
    CHECK(call("luhn_check", 1, str("79927398713")), "true");
    CHECK(call("luhn_check", 1, str("79927398710")), "false");
}

Test(string, unicode_case_and_normalize)
{
    CHECK(call("upper", 1, str("straße ünïcode")), "STRAßE ÜNÏCODE");
    CHECK(call("lower", 1, str("ÀÉÎ ΣΑΣ")), "àéî σασ");
    CHECK(call("upper", 1, str("abc")), "ABC");
    CHECK(call("normalize", 1, str("e\xCC\x81")), "\xC3\xA9");
    CHECK(call("normalize", 2, str("\xC3\xA9"), str("NFD")), "e\xCC\x81");
    CHECK(call("normalize", 2, str("\xEF\xAC\x81"), str("NFKC")), "fi");
    CHECK(call("normalize", 2, str("x"), str("XYZ")),
          "ERROR INVALID_FUNCTION_ARGUMENT: Normalization form must be one of [NFD, NFC, NFKD, NFKC]");
}

Test(string, pad_edge_cases)
{
    CHECK(call("lpad", 3, str("abc"), big(5), str("xy")), "xyabc");
    CHECK(call("rpad", 3, str("ab"), big(5), str("xy")), "abxyx");
    CHECK(call("lpad", 3, str("abc"), big(2), str("")), "ab");
    CHECK(call("lpad", 3, str("abc"), big(3), str("")), "abc");
    CHECK(call("lpad", 3, str("a"), big(3), str("")), "ERROR INVALID_FUNCTION_ARGUMENT: Padding string must not be empty");
    CHECK(call("rpad", 3, str("a"), big(-1), str("x")),
          "ERROR INVALID_FUNCTION_ARGUMENT: Target length must be in the range [0..2147483647]");
    CHECK(call("lpad", 3, str("é"), big(3), str("ü")), "üüé");
    CHECK(call("lpad", 3, str("a"), big(20), str("0")), "0000000000000000000a");
}

Test(string, like_escape)
{
    CHECK(special(EXPR_LIKE, ty("boolean"), 3, str("a_c"), str("a\\_c"), str("\\")), "true");
    CHECK(special(EXPR_LIKE, ty("boolean"), 3, str("abc"), str("a\\_c"), str("\\")), "false");
    CHECK(special(EXPR_LIKE, ty("boolean"), 3, str("50%"), str("50!%"), str("!")), "true");
    CHECK(special(EXPR_LIKE, ty("boolean"), 2, str("abc"), str("a%")), "true");
    CHECK(special(EXPR_LIKE, ty("boolean"), 2, null_of("varchar"), str("a%")), "NULL");
}
