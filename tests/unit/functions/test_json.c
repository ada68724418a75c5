/*
 * test_json.c — json_parse (canonical text), json_format, json_extract,
 * json_extract_scalar, json_array_length/contains/get, json_size,
 * is_json_scalar, JSON casts and TRY_CAST; invalid documents and paths.
 */
#include "fn_test_util.h"

static expr *js(const char *text)
{
    return call("json_parse", 1, str(text));
}

Test(json, parse_and_format)
{
    CHECK(js("{\"b\": [1, 2.5, \"x\"], \"a\": true}"), "{\"a\":true,\"b\":[1,2.5,\"x\"]}");
    CHECK(js("null"), "null");
    CHECK(call("json_format", 1, js("[1, 2]")), "[1,2]");
    CHECK(js("{bad"), "ERROR INVALID_FUNCTION_ARGUMENT: Cannot convert value to JSON: '{bad'");
}

Test(json, extract)
{
    CHECK(call("json_extract_scalar", 2, str("{\"a\":{\"b\":[10,\"z\"]}}"), str("$.a.b[1]")), "z");
    CHECK(call("json_extract_scalar", 2, str("{\"a\":{\"b\":[10,\"z\"]}}"), str("$.a.b[0]")), "10");
    CHECK(call("json_extract_scalar", 2, str("{\"a\":{\"b\":[10]}}"), str("$.a.b")), "NULL");
    CHECK(call("json_extract_scalar", 2, str("{\"a b\":1}"), str("$[\"a b\"]")), "1");
    CHECK(call("json_extract_scalar", 2, str("not json"), str("$.a")), "NULL");
    CHECK(call("json_extract", 2, str("{\"a\":{\"b\":[10,20]}}"), str("$.a.b")), "[10,20]");
    CHECK(call("json_extract", 2, js("{\"a\":{\"c\":1}}"), str("$.a")), "{\"c\":1}");
    CHECK(call("json_extract", 2, str("{}"), str("$.missing")), "NULL");
    CHECK(call("json_extract", 2, str("{}"), str("a")), "ERROR INVALID_FUNCTION_ARGUMENT: Invalid JSON path: 'a'");
}

Test(json, arrays_and_sizes)
{
    CHECK(call("json_array_length", 1, str("[1,2,3]")), "3");
    CHECK(call("json_array_length", 1, str("{}")), "NULL");
    CHECK(call("json_array_contains", 2, js("[1,2]"), big(2)), "true");
    CHECK(call("json_array_contains", 2, js("[1,2]"), big(3)), "false");
    CHECK(call("json_array_contains", 2, js("[\"a\"]"), str("a")), "true");
    CHECK(call("json_array_contains", 2, js("[true]"), boolean(true)), "true");
    CHECK(call("json_array_get", 2, js("[1,2,3]"), big(-1)), "3");
    CHECK(call("json_array_get", 2, js("[1,2,3]"), big(5)), "NULL");
    CHECK(call("json_size", 2, str("{\"a\":{\"x\":1,\"y\":2}}"), str("$.a")), "2");
    CHECK(call("json_size", 2, str("{\"a\":1}"), str("$.a")), "0");
    CHECK(call("is_json_scalar", 1, js("1")), "true");
    CHECK(call("is_json_scalar", 1, js("[1]")), "false");
    CHECK(call("is_json_scalar", 1, str("{x")), "ERROR INVALID_FUNCTION_ARGUMENT: Invalid JSON value: {x");
}

Test(json, casts)
{
    CHECK(cast_to(js("\"abc\""), "varchar"), "abc");
    CHECK(cast_to(js("12"), "bigint"), "12");
    CHECK(cast_to(js("1.5"), "double"), "1.5");
    CHECK(cast_to(js("true"), "boolean"), "true");
    CHECK(cast_to(js("null"), "bigint"), "NULL");
    CHECK(cast_to(str("x"), "json"), "\"x\"");
    CHECK(cast_to(big(7), "json"), "7");
    CHECK(cast_to(js("[1]"), "bigint"), "ERROR INVALID_CAST_ARGUMENT: Cannot cast to BIGINT. Expected a json scalar: [1]");
    CHECK(special(EXPR_TRY_CAST, ty("bigint"), 1, js("[1]")), "NULL");
    CHECK(special(EXPR_TRY_CAST, ty("bigint"), 1, str("abc")), "NULL");
    CHECK(cast_to(str("abc"), "integer"), "ERROR INVALID_CAST_ARGUMENT: Cannot cast 'abc' to INT");
}
