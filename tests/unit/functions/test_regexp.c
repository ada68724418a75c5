/*
 * test_regexp.c — regexp_like, regexp_extract, regexp_replace ($g, ${name},
 * escapes, empty matches), regexp_count, regexp_position; constant and
 * per-row patterns; Trino's error messages.
 */
#include "fn_test_util.h"

Test(regexp, like)
{
    CHECK(call("regexp_like", 2, str("abc123"), str("\\d+")), "true");
    CHECK(call("regexp_like", 2, str("abc"), str("^b")), "false");
    CHECK(call("regexp_like", 2, str("héllo"), str("h.llo")), "true");
    CHECK(call("regexp_like", 2, str("abc"), null_of("varchar")), "NULL");
    CHECK(call("regexp_like", 2, str("a"), str("(")),
          "ERROR INVALID_FUNCTION_ARGUMENT: Invalid regular expression '(': missing closing parenthesis at offset 1");
    CHECK(call("regexp_like", 2, str("\xff" "abc"), str("abc")), "true");
}

Test(regexp, extract)
{
    CHECK(call("regexp_extract", 2, str("abc123def456"), str("\\d+")), "123");
    CHECK(call("regexp_extract", 2, str("abc"), str("\\d+")), "NULL");
    CHECK(call("regexp_extract", 3, str("a1b22"), str("([a-z])(\\d+)"), big(2)), "1");
    CHECK(call("regexp_extract", 3, str("ab"), str("(a)|(x)"), big(2)), "NULL");
    CHECK(call("regexp_extract", 3, str("a"), str("(a)"), big(3)),
          "ERROR INVALID_FUNCTION_ARGUMENT: Pattern has 1 groups. Cannot access group 3");
}

Test(regexp, replace)
{
    CHECK(call("regexp_replace", 2, str("1a 2b 14m"), str("\\d+[ab] ")), "14m");
    CHECK(call("regexp_replace", 3, str("1a 2b 14m"), str("(\\d+)([ab]) "), str("3c$2 ")), "3ca 3cb 14m");
    CHECK(call("regexp_replace", 3, str("John Smith"), str("(\\w+) (\\w+)"), str("$2, $1")), "Smith, John");
    CHECK(call("regexp_replace", 3, str("John Smith"), str("(?<first>\\w+) (?<last>\\w+)"), str("${last}")), "Smith");
    CHECK(call("regexp_replace", 3, str("abc"), str(""), str("X")), "XaXbXcX");
    CHECK(call("regexp_replace", 3, str("baaa"), str("a*"), str("X")), "XbXX");
    CHECK(call("regexp_replace", 3, str("a.b"), str("\\."), str("\\$")), "a$b");
    CHECK(call("regexp_replace", 3, str("ab"), str("(a)"), str("$2")),
          "ERROR INVALID_FUNCTION_ARGUMENT: Illegal group reference: group 2 does not exist");
    CHECK(call("regexp_replace", 3, str("ab"), str("(a)"), str("${x}")),
          "ERROR INVALID_FUNCTION_ARGUMENT: No group with name {x}");
    CHECK(call("regexp_replace", 3, str("ab"), str("(a)"), str("$")),
          "ERROR INVALID_FUNCTION_ARGUMENT: Illegal replacement sequence: $");
}

Test(regexp, count_and_position)
{
    CHECK(call("regexp_count", 2, str("aaa"), str("a")), "3");
    CHECK(call("regexp_count", 2, str("abc"), str("")), "4");
    CHECK(call("regexp_count", 2, str("abc"), str("x")), "0");
    CHECK(call("regexp_position", 2, str("héllo wörld"), str("w")), "7");
    CHECK(call("regexp_position", 2, str("abc"), str("x")), "-1");
    CHECK(call("regexp_position", 3, str("abab"), str("b"), big(3)), "4");
    CHECK(call("regexp_position", 4, str("abab"), str("b"), big(1), big(2)), "4");
    CHECK(call("regexp_position", 4, str("abab"), str("b"), big(1), big(3)), "-1");
    CHECK(call("regexp_position", 3, str("abab"), str("b"), big(9)), "-1");
    CHECK(call("regexp_position", 3, str("ab"), str("b"), big(0)),
          "ERROR INVALID_FUNCTION_ARGUMENT: start position cannot be smaller than 1");
    CHECK(call("regexp_position", 4, str("ab"), str("b"), big(1), big(0)),
          "ERROR INVALID_FUNCTION_ARGUMENT: occurrence cannot be smaller than 1");
}
