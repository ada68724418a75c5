/*
 * test_cli_units.c — the CLI's pure pieces without a server: REST JSON values
 * back to CLI text and JSON tokens (nested types the engine cannot produce
 * yet included), the statement splitter, and the session headers in both
 * directions.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <string.h>

#include "client_session.h"
#include "json_values.h"
#include "statement_splitter.h"

static char *convert(const char *value_json, const char *signature_json, bool token)
{
    json_error_t error;
    json_t *value = json_loads(value_json, JSON_DECODE_ANY, &error);
    json_t *signature = json_loads(signature_json, 0, &error);
    cr_assert_not_null(value, "%s", value_json);
    cr_assert_not_null(signature, "%s", signature_json);
    text_builder out;
    text_builder_init(&out);
    cr_assert(token ? json_value_token(value, signature, &out) : json_value_text(value, signature, &out));
    char *text = strdup(text_builder_cstr(&out));
    text_builder_free(&out);
    json_decref(value);
    json_decref(signature);
    return text;
}

#define SIG(raw, args) "{\"rawType\":\"" raw "\",\"arguments\":[" args "]}"
#define TYPE(sig) "{\"kind\":\"TYPE\",\"value\":" sig "}"
#define NAMED(name, sig) "{\"kind\":\"NAMED_TYPE\",\"value\":{\"fieldName\":{\"name\":\"" name "\"},\"typeSignature\":" sig "}}"

static void expect(const char *value, const char *signature, const char *text, const char *token)
{
    char *t = convert(value, signature, false), *j = convert(value, signature, true);
    cr_expect_str_eq(t, text, "text of %s", value);
    cr_expect_str_eq(j, token, "token of %s", value);
    free(t);
    free(j);
}

Test(json_values, scalars_in_trino_cli_text_forms)
{
    expect("1.0E10", SIG("double", ""), "1.0E10", "1.0E10");
    expect("0.30000000000000004", SIG("double", ""), "0.30000000000000004", "0.30000000000000004");
    expect("\"NaN\"", SIG("double", ""), "NaN", "\"NaN\"");
    expect("1.5", SIG("real", ""), "1.5", "1.5");
    expect("9007199254740993", SIG("bigint", ""), "9007199254740993", "9007199254740993");
    expect("\"AP8=\"", SIG("varbinary", ""), "00 ff", "\"AP8=\"");
    expect("\"12.50\"", SIG("decimal", "{\"kind\":\"LONG\",\"value\":4},{\"kind\":\"LONG\",\"value\":2}"), "12.50",
           "\"12.50\"");
    expect("\"a\\\"b\"", SIG("varchar", ""), "a\"b", "\"a\\\"b\"");
    expect("true", SIG("boolean", ""), "true", "true");
}

Test(json_values, nested_types)
{
    expect("[1,null,3]", SIG("array", TYPE(SIG("integer", ""))), "[1, NULL, 3]", "[1,null,3]");
    expect("{\"k\":1.5,\"z\":null}", SIG("map", TYPE(SIG("varchar", "")) "," TYPE(SIG("double", ""))),
           "{k=1.5, z=NULL}", "{\"k\":1.5,\"z\":null}");
    expect("[1,\"x\"]", SIG("row", NAMED("a", SIG("integer", "")) "," NAMED("b", SIG("varchar", ""))),
           "{a=1, b=x}", "[1,\"x\"]");
    expect("[[\"AP8=\"]]", SIG("array", TYPE(SIG("array", TYPE(SIG("varbinary", ""))))), "[[00 ff]]",
           "[[\"AP8=\"]]");
    expect("[1,2]", SIG("row", "{\"kind\":\"NAMED_TYPE\",\"value\":{\"typeSignature\":" SIG("integer", "") "}},"
                               "{\"kind\":\"NAMED_TYPE\",\"value\":{\"typeSignature\":" SIG("integer", "") "}}"),
           "{1, 2}", "[1,2]");
}

Test(json_values, numeric_columns_are_right_aligned)
{
    json_t *decimal = json_loads(SIG("decimal", ""), 0, NULL), *varchar = json_loads(SIG("varchar", ""), 0, NULL);
    cr_expect(json_signature_is_numeric(decimal));
    cr_expect(!json_signature_is_numeric(varchar));
    cr_expect(!json_signature_is_numeric(NULL));
    json_decref(decimal);
    json_decref(varchar);
}

Test(statement_splitter, quotes_comments_and_remainder)
{
    statement_list list;
    cr_assert(statement_split("SELECT 'a;b'; SELECT \"x;\" -- c;\n; /* ; */ SELECT 3;;  SELECT 4", &list));
    cr_assert_eq(list.count, 3);
    cr_expect_str_eq(list.items[0], "SELECT 'a;b'");
    cr_expect_str_eq(list.items[1], "SELECT \"x;\" -- c;");
    cr_expect_str_eq(list.items[2], "/* ; */ SELECT 3");
    cr_expect_str_eq(list.remainder, "SELECT 4");
    statement_list_free(&list);
    cr_assert(statement_split("SELECT 'it''s;'", &list));
    cr_expect_eq(list.count, 0);
    cr_expect_str_eq(list.remainder, "SELECT 'it''s;'");
    statement_list_free(&list);
    cr_expect(statement_is_blank("  -- only a comment\n /* and this */ "));
    cr_expect(!statement_is_blank(" -- c\n x"));
}

static bool has_line(char **lines, const char *line)
{
    for (char **p = lines; p && *p; p++)
        if (strcmp(*p, line) == 0)
            return true;
    return false;
}

Test(client_session, headers_out_and_in)
{
    client_session s;
    char error[200];
    cr_assert(client_session_init(&s, "localhost:8080/", "alice", "shoal-cli"));
    cr_expect_str_eq(s.server, "http://localhost:8080");
    cr_assert(client_session_add_property(&s, "query_max_run_time=7m", error, sizeof error));
    cr_assert(client_session_add_property(&s, "tpch.x=a b,c", error, sizeof error));
    cr_expect(!client_session_add_property(&s, "novalue", error, sizeof error));
    char **headers = client_session_headers(&s);
    cr_expect(has_line(headers, "X-Trino-User: alice"));
    cr_expect(has_line(headers, "X-Trino-Session: query_max_run_time=7m,tpch.x=a+b%2Cc"));
    cr_expect(!has_line(headers, "X-Trino-Catalog: "));
    client_session_free_headers(headers);

    cr_expect(client_session_apply_header(&s, "x-trino-set-catalog", "tpch"));
    cr_expect(client_session_apply_header(&s, "X-Trino-Set-Schema", "tiny"));
    cr_expect(client_session_apply_header(&s, "X-Trino-Set-Session", "a=1, b=x%2Cy"));
    cr_expect(client_session_apply_header(&s, "X-Trino-Clear-Session", "query_max_run_time"));
    cr_expect(client_session_apply_header(&s, "X-Trino-Added-Prepare", "q1=SELECT+%3F"));
    cr_expect(!client_session_apply_header(&s, "Content-Type", "application/json"));
    cr_expect_str_eq(s.catalog, "tpch");
    cr_expect_str_eq(s.schema, "tiny");
    cr_expect_str_eq(string_map_get(&s.properties, "b"), "x,y");
    cr_expect_null(string_map_get(&s.properties, "query_max_run_time"));
    cr_expect_str_eq(string_map_get(&s.prepared, "q1"), "SELECT ?");
    headers = client_session_headers(&s);
    cr_expect(has_line(headers, "X-Trino-Catalog: tpch"));
    cr_expect(has_line(headers, "X-Trino-Schema: tiny"));
    cr_expect(has_line(headers, "X-Trino-Prepared-Statement: q1=SELECT+%3F"));
    client_session_free_headers(headers);
    client_session_free(&s);
}
