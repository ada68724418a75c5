/*
 * test_rest_protocol.c — Trino's statement protocol over real HTTP: the
 * POST answer, the queued → executing hand-off, token rules (same token →
 * identical page, older → 410, unknown → 404), paging of a large result,
 * cancellation (DELETE nextUri, DELETE /v1/query/{id}), session headers
 * (USE, SET SESSION, X-Presto-*), query errors as FAILED documents, request
 * header errors as 400/401, the info endpoints, abandoned queries.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rest_test_support.h"

static rest_server server;

static void setup(void) { rest_server_start(&server, NULL); }
static void teardown(void) { rest_server_stop(&server); }

TestSuite(rest, .init = setup, .fini = teardown, .timeout = 120);

static const char *str(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

static rest_result run_ok(const char *sql, const char *const *headers)
{
    rest_result r;
    cr_assert(rest_run(&server, sql, headers, &r), "%s: protocol failure", sql);
    cr_assert_str_eq(rest_state(r.last), "FINISHED", "%s: %s", sql,
                     r.error ? str(r.error, "message") : "(no error)");
    return r;
}

/* GET with checks that the answer is a 200 JSON document. */
static json_t *get_doc(const char *uri, rest_response *response)
{
    cr_assert(rest_call("GET", uri, NULL, 0, NULL, response));
    cr_assert_eq(response->status, 200, "GET %s: %ld %s", uri, response->status, response->body);
    cr_assert_not_null(response->json);
    return response->json;
}

Test(rest, post_answers_queued_at_once)
{
    rest_response r;
    cr_assert(rest_post(&server, "SELECT 1", NULL, &r));
    cr_assert_eq(r.status, 200);
    cr_assert_not_null(r.json, "%s", r.body);
    const char *id = str(r.json, "id");
    cr_assert_not_null(id);
    cr_assert_not_null(str(r.json, "infoUri"));
    cr_assert(strstr(str(r.json, "infoUri"), id));
    const char *next = rest_next_uri(r.json);
    cr_assert_not_null(next);
    cr_assert(strstr(next, "/v1/statement/queued/"), "%s", next);
    cr_assert(strstr(next, id));
    cr_assert_eq(next[strlen(next) - 1], '1');
    cr_assert(strncmp(next, server.base, strlen(server.base)) == 0, "absolute: %s", next);
    cr_assert_str_eq(rest_state(r.json), "QUEUED");
    cr_assert(json_is_true(json_object_get(json_object_get(r.json, "stats"), "queued")));
    cr_assert_null(json_object_get(r.json, "columns"));
    cr_assert_null(json_object_get(r.json, "data"));
    cr_assert(json_is_array(json_object_get(r.json, "warnings")));
    char *type = rest_header(&r, "Content-Type");
    cr_assert(type && strstr(type, "application/json"));
    free(type);
    rest_response_free(&r);
}

Test(rest, select_one_end_to_end)
{
    rest_result r = run_ok("SELECT 1", NULL);
    cr_assert_eq(json_array_size(r.rows), 1);
    cr_assert_eq(json_integer_value(json_array_get(json_array_get(r.rows, 0), 0)), 1);
    json_t *column = json_array_get(r.columns, 0);
    cr_assert_str_eq(str(column, "type"), "integer");
    cr_assert_str_eq(str(json_object_get(column, "typeSignature"), "rawType"), "integer");
    cr_assert_null(json_object_get(r.last, "nextUri"));
    /* no rows in QUEUED documents (presto-client drops them) */
    for (size_t i = 0; i < json_array_size(r.pages); i++) {
        json_t *page = json_array_get(r.pages, i);
        if (strcmp(rest_state(page), "QUEUED") == 0)
            cr_assert_null(json_object_get(page, "data"));
        /* data never [] */
        json_t *data = json_object_get(page, "data");
        cr_assert(!data || json_array_size(data) > 0);
        cr_assert_not_null(json_object_get(page, "stats"));
        cr_assert_not_null(json_object_get(page, "infoUri"));
    }
    rest_result_free(&r);
}

Test(rest, metadata_statements_and_types)
{
    rest_result r = run_ok("SHOW CATALOGS", NULL);
    cr_assert_eq(json_array_size(r.rows), 3); /* memory, system, tpch */
    cr_assert_str_eq(str(json_array_get(r.columns, 0), "name"), "Catalog");
    rest_result_free(&r);
    r = run_ok("DESCRIBE tpch.tiny.nation", NULL);
    cr_assert_eq(json_array_size(r.rows), 4);
    rest_result_free(&r);
    r = run_ok("SELECT CAST(10.5 AS decimal(12, 2)) AS price, 'x' AS s, DATE '2024-01-15' AS d, 1.5e0 AS f", NULL);
    json_t *row = json_array_get(r.rows, 0);
    cr_assert_str_eq(json_string_value(json_array_get(row, 0)), "10.50");
    cr_assert_str_eq(json_string_value(json_array_get(row, 2)), "2024-01-15");
    cr_assert(json_is_real(json_array_get(row, 3)));
    json_t *price = json_array_get(r.columns, 0);
    cr_assert_str_eq(str(price, "type"), "decimal(12, 2)");
    json_t *args = json_object_get(json_object_get(price, "typeSignature"), "arguments");
    cr_assert_eq(json_array_size(args), 2);
    cr_assert_str_eq(str(json_array_get(args, 0), "kind"), "LONG");
    cr_assert_eq(json_integer_value(json_object_get(json_array_get(args, 0), "value")), 12);
    rest_result_free(&r);
}

Test(rest, tokens_same_older_unknown)
{
    rest_response post, queued, page0, again, response;
    cr_assert(rest_post(&server, "SELECT name FROM tpch.tiny.nation", NULL, &post));
    const char *queued_uri = rest_next_uri(post.json);
    get_doc(queued_uri, &queued);
    /* queued: the same token again is fine, anything else 410 */
    get_doc(queued_uri, &again);
    rest_response_free(&again);
    char uri[512];
    snprintf(uri, sizeof uri, "%.*s3", (int)strlen(queued_uri) - 1, queued_uri);
    cr_assert(rest_call("GET", uri, NULL, 0, NULL, &response));
    cr_assert_eq(response.status, 410, "queued token 3: %ld", response.status);
    rest_response_free(&response);

    const char *exec0 = rest_next_uri(queued.json);
    cr_assert(strstr(exec0, "/v1/statement/executing/"));
    cr_assert_eq(exec0[strlen(exec0) - 1], '0');
    get_doc(exec0, &page0);
    /* the same token: the identical page */
    get_doc(exec0, &again);
    cr_assert_eq(again.length, page0.length);
    cr_assert(memcmp(again.body, page0.body, page0.length) == 0);
    rest_response_free(&again);
    /* a token past the next one: 404 */
    snprintf(uri, sizeof uri, "%.*s7", (int)strlen(exec0) - 1, exec0);
    cr_assert(rest_call("GET", uri, NULL, 0, NULL, &response));
    cr_assert_eq(response.status, 404);
    rest_response_free(&response);
    /* a wrong slug or an unknown query: 404 */
    char bad[512];
    snprintf(bad, sizeof bad, "%s", exec0);
    char *slug = strstr(bad, "/y");
    cr_assert_not_null(slug);
    slug[2] = slug[2] == 'a' ? 'b' : 'a';
    cr_assert(rest_call("GET", bad, NULL, 0, NULL, &response));
    cr_assert_eq(response.status, 404);
    rest_response_free(&response);
    snprintf(bad, sizeof bad, "%s/v1/statement/executing/20200101_000000_00000_zzzzz/yabc/0", server.base);
    cr_assert(rest_call("GET", bad, NULL, 0, NULL, &response));
    cr_assert_eq(response.status, 404);
    rest_response_free(&response);
    /* the final page can be fetched again; older tokens are gone */
    const char *next = rest_next_uri(page0.json);
    json_t *doc = page0.json;
    rest_response last = {0};
    char last_uri[512];
    snprintf(last_uri, sizeof last_uri, "%s", exec0);
    while (next) {
        snprintf(last_uri, sizeof last_uri, "%s", next);
        rest_response_free(&last);
        doc = get_doc(last_uri, &last);
        next = rest_next_uri(doc);
    }
    cr_assert_str_eq(rest_state(doc), "FINISHED");
    if (strcmp(last_uri, exec0) != 0) {
        cr_assert(rest_call("GET", exec0, NULL, 0, NULL, &response));
        cr_assert_eq(response.status, 410, "older token: %ld", response.status);
        rest_response_free(&response);
        get_doc(last_uri, &again);
        cr_assert_eq(again.length, last.length);
        rest_response_free(&again);
    }
    rest_response_free(&last);
    rest_response_free(&page0);
    rest_response_free(&queued);
    rest_response_free(&post);
}

Test(rest, large_result_over_many_pages)
{
    rest_response post, response;
    cr_assert(rest_post(&server, "SELECT orderkey, partkey, comment FROM tpch.tiny.lineitem", NULL, &post));
    char uri[600];
    snprintf(uri, sizeof uri, "%s", rest_next_uri(post.json));
    rest_response_free(&post);
    size_t rows = 0;
    int pages = 0, data_pages = 0;
    long previous_token = -1;
    for (;;) {
        char with_size[700];
        snprintf(with_size, sizeof with_size, "%s?targetResultSize=64kB&maxWait=900ms", uri);
        cr_assert(rest_call("GET", with_size, NULL, 0, NULL, &response));
        cr_assert_eq(response.status, 200, "%s: %ld", with_size, response.status);
        json_t *data = json_object_get(response.json, "data");
        if (data) {
            rows += json_array_size(data);
            data_pages++;
            /* targetResultSize is honoured (one row may go past it) */
            cr_assert_lt(response.length, 64 * 1024 + 4096, "page of %zu bytes", response.length);
            cr_assert_not_null(json_object_get(response.json, "columns"));
        }
        pages++;
        const char *next = rest_next_uri(response.json);
        if (!next) {
            cr_assert_str_eq(rest_state(response.json), "FINISHED");
            rest_response_free(&response);
            break;
        }
        if (strstr(next, "/executing/")) {
            long token = atol(strrchr(next, '/') + 1);
            cr_assert_eq(token, previous_token + 1, "tokens go up by one");
            previous_token = token;
        }
        snprintf(uri, sizeof uri, "%s", next);
        rest_response_free(&response);
    }
    cr_assert_eq(rows, 60175);
    cr_assert_gt(data_pages, 20, "%d data pages", data_pages);

    /* the default page is about 1 MB */
    rest_result r = run_ok("SELECT orderkey, partkey, comment FROM tpch.tiny.lineitem", NULL);
    cr_assert_eq(json_array_size(r.rows), 60175);
    cr_assert_lt(r.page_count, 20);
    rest_result_free(&r);
}

Test(rest, delete_next_uri_cancels)
{
    rest_response post, queued, response;
    cr_assert(rest_post(&server, "SELECT count(*) FROM tpch.sf1000.lineitem", NULL, &post));
    get_doc(rest_next_uri(post.json), &queued);
    const char *exec0 = rest_next_uri(queued.json);
    cr_assert(rest_call("DELETE", exec0, NULL, 0, NULL, &response));
    cr_assert_eq(response.status, 204);
    rest_response_free(&response);
    json_t *doc = get_doc(exec0, &response);
    cr_assert_str_eq(rest_state(doc), "FAILED");
    json_t *error = json_object_get(doc, "error");
    cr_assert_str_eq(str(error, "errorName"), "USER_CANCELED");
    cr_assert_eq(json_integer_value(json_object_get(error, "errorCode")), 3);
    cr_assert_str_eq(str(error, "errorType"), "USER_ERROR");
    cr_assert_null(rest_next_uri(doc));
    rest_response_free(&response);
    rest_response_free(&queued);
    rest_response_free(&post);
}

Test(rest, delete_query_resource_cancels)
{
    rest_response post, queued, response;
    cr_assert(rest_post(&server, "SELECT count(*) FROM tpch.sf1000.lineitem", NULL, &post));
    const char *id = str(post.json, "id");
    get_doc(rest_next_uri(post.json), &queued);
    char uri[256];
    snprintf(uri, sizeof uri, "%s/v1/query/%s", server.base, id);
    cr_assert(rest_call("DELETE", uri, NULL, 0, NULL, &response));
    cr_assert_eq(response.status, 204);
    rest_response_free(&response);
    json_t *doc = get_doc(rest_next_uri(queued.json), &response);
    cr_assert_str_eq(rest_state(doc), "FAILED");
    cr_assert_str_eq(str(json_object_get(doc, "error"), "errorName"), "USER_CANCELED");
    rest_response_free(&response);
    /* the record says so too */
    doc = get_doc(uri, &response);
    cr_assert_str_eq(str(doc, "queryId"), id);
    cr_assert_str_eq(str(doc, "state"), "FAILED");
    rest_response_free(&response);
    /* unknown ids: DELETE is still 204, GET is 410 */
    snprintf(uri, sizeof uri, "%s/v1/query/20200101_000000_00000_zzzzz", server.base);
    cr_assert(rest_call("DELETE", uri, NULL, 0, NULL, &response));
    cr_assert_eq(response.status, 204);
    rest_response_free(&response);
    cr_assert(rest_call("GET", uri, NULL, 0, NULL, &response));
    cr_assert_eq(response.status, 410);
    rest_response_free(&response);
    rest_response_free(&queued);
    rest_response_free(&post);
}

Test(rest, delete_before_start)
{
    rest_response post, response;
    cr_assert(rest_post(&server, "SELECT 1", NULL, &post));
    const char *queued = rest_next_uri(post.json);
    cr_assert(rest_call("DELETE", queued, NULL, 0, NULL, &response));
    cr_assert_eq(response.status, 204);
    rest_response_free(&response);
    json_t *doc = get_doc(queued, &response);
    cr_assert_str_eq(rest_state(doc), "FAILED");
    cr_assert_str_eq(str(json_object_get(doc, "error"), "errorName"), "USER_CANCELED");
    cr_assert_null(rest_next_uri(doc));
    rest_response_free(&response);
    rest_response_free(&post);
}

Test(rest, query_errors_are_failed_documents)
{
    rest_result r;
    cr_assert(rest_run(&server, "SELECT * FROM", NULL, &r));
    cr_assert_str_eq(rest_state(r.last), "FAILED");
    cr_assert_not_null(r.error);
    cr_assert_str_eq(str(r.error, "errorName"), "SYNTAX_ERROR");
    cr_assert_eq(json_integer_value(json_object_get(r.error, "errorCode")), 1);
    cr_assert_str_eq(str(r.error, "errorType"), "USER_ERROR");
    cr_assert(strncmp(str(r.error, "message"), "line 1:", 7) == 0, "%s", str(r.error, "message"));
    json_t *location = json_object_get(r.error, "errorLocation");
    cr_assert_eq(json_integer_value(json_object_get(location, "lineNumber")), 1);
    json_t *failure = json_object_get(r.error, "failureInfo");
    cr_assert_str_eq(str(failure, "type"), "io.trino.sql.parser.ParsingException");
    cr_assert(json_is_array(json_object_get(failure, "stack")));
    cr_assert(json_is_array(json_object_get(failure, "suppressed")));
    cr_assert_null(json_object_get(r.last, "nextUri"));
    rest_result_free(&r);

    cr_assert(rest_run(&server, "SELECT * FROM tpch.tiny.nowhere", NULL, &r));
    cr_assert_str_eq(rest_state(r.last), "FAILED");
    cr_assert_str_eq(str(r.error, "errorName"), "TABLE_NOT_FOUND");
    cr_assert_eq(json_integer_value(json_object_get(r.error, "errorCode")), 46);
    rest_result_free(&r);

    cr_assert(rest_run(&server, "SELECT 1 / 0", NULL, &r));
    cr_assert_str_eq(rest_state(r.last), "FAILED");
    cr_assert_str_eq(str(r.error, "errorName"), "DIVISION_BY_ZERO");
    rest_result_free(&r);
}

Test(rest, use_and_set_session_headers)
{
    rest_result r = run_ok("USE tpch.tiny", NULL);
    cr_assert_not_null(r.set_headers);
    cr_assert(strstr(r.set_headers, "X-Trino-Set-Catalog: tpch"), "%s", r.set_headers);
    cr_assert(strstr(r.set_headers, "X-Trino-Set-Schema: tiny"), "%s", r.set_headers);
    cr_assert_str_eq(str(r.last, "updateType"), "USE");
    rest_result_free(&r);

    r = run_ok("SET SESSION query_max_run_time = '2h'", NULL);
    cr_assert(r.set_headers && strstr(r.set_headers, "X-Trino-Set-Session: query_max_run_time=2h"), "%s",
              r.set_headers ? r.set_headers : "(none)");
    cr_assert_str_eq(str(r.last, "updateType"), "SET SESSION");
    rest_result_free(&r);

    /* the client sends them back: catalog/schema and session properties apply */
    const char *headers[] = {"X-Trino-Catalog: tpch", "X-Trino-Schema: tiny",
                             "X-Trino-Session: query_max_run_time=2h,query_max_memory=2%20GB", NULL};
    r = run_ok("SELECT count(*) FROM nation", headers);
    cr_assert_eq(json_integer_value(json_array_get(json_array_get(r.rows, 0), 0)), 25);
    cr_assert_null(r.set_headers);
    rest_result_free(&r);
    r = run_ok("SHOW SESSION", headers);
    bool found = false;
    for (size_t i = 0; i < json_array_size(r.rows); i++) {
        json_t *row = json_array_get(r.rows, i);
        if (strcmp(json_string_value(json_array_get(row, 0)), "query_max_memory") == 0) {
            cr_assert_str_eq(json_string_value(json_array_get(row, 1)), "2 GB");
            found = true;
        }
    }
    cr_assert(found);
    rest_result_free(&r);
    /* values are URL-decoded after the split on ',' and validated as SET SESSION values are */
    const char *bad[] = {"X-Trino-Session: join_distribution_type=a%2Cb", NULL};
    cr_assert(rest_run(&server, "SELECT 1", bad, &r));
    cr_assert_str_eq(json_string_value(json_object_get(r.error, "message")), "join_distribution_type is invalid: a,b");
    rest_result_free(&r);
}

Test(rest, ddl_and_write_statements)
{
    rest_result r = run_ok("CREATE SCHEMA memory.rest_s", NULL);
    cr_assert_str_eq(str(r.last, "updateType"), "CREATE SCHEMA");
    /* columns: [] once, on the first executing page */
    bool empty_columns = false;
    for (size_t i = 0; i < json_array_size(r.pages); i++) {
        json_t *columns = json_object_get(json_array_get(r.pages, i), "columns");
        if (columns) {
            cr_assert_eq(json_array_size(columns), 0);
            empty_columns = true;
        }
    }
    cr_assert(empty_columns);
    rest_result_free(&r);

    r = run_ok("CREATE TABLE memory.rest_s.t AS SELECT nationkey, name FROM tpch.tiny.nation", NULL);
    cr_assert_str_eq(str(r.last, "updateType"), "CREATE TABLE");
    cr_assert_eq(json_integer_value(json_object_get(r.last, "updateCount")), 25);
    cr_assert_eq(json_integer_value(json_array_get(json_array_get(r.rows, 0), 0)), 25);
    cr_assert_str_eq(str(json_array_get(r.columns, 0), "name"), "rows");
    rest_result_free(&r);

    r = run_ok("INSERT INTO memory.rest_s.t SELECT nationkey, name FROM tpch.tiny.nation WHERE nationkey < 3", NULL);
    cr_assert_str_eq(str(r.last, "updateType"), "INSERT");
    cr_assert_eq(json_integer_value(json_object_get(r.last, "updateCount")), 3);
    rest_result_free(&r);

    r = run_ok("SELECT count(*) FROM memory.rest_s.t", NULL);
    cr_assert_eq(json_integer_value(json_array_get(json_array_get(r.rows, 0), 0)), 28);
    rest_result_free(&r);
}

Test(rest, request_header_errors)
{
    rest_response r;
    char url[128];
    snprintf(url, sizeof url, "%s/v1/statement", server.base);
    /* empty SQL */
    cr_assert(rest_post(&server, "", NULL, &r));
    cr_assert_eq(r.status, 400);
    cr_assert(strstr(r.body, "SQL statement is empty"));
    rest_response_free(&r);
    /* no user */
    cr_assert(rest_call("POST", url, "SELECT 1", 8, NULL, &r));
    cr_assert_eq(r.status, 401);
    char *auth = rest_header(&r, "WWW-Authenticate");
    cr_assert(auth && strstr(auth, "Basic"));
    free(auth);
    rest_response_free(&r);
    /* Basic with only a user name is accepted; with a password it is not (plain HTTP) */
    const char *user_only[] = {"Authorization: Basic YWxpY2U6", NULL}; /* alice: */
    cr_assert(rest_call("POST", url, "SELECT 1", 8, user_only, &r));
    cr_assert_eq(r.status, 200);
    rest_response_free(&r);
    const char *with_password[] = {"Authorization: Basic YWxpY2U6c2VjcmV0", NULL}; /* alice:secret */
    cr_assert(rest_call("POST", url, "SELECT 1", 8, with_password, &r));
    cr_assert_eq(r.status, 401);
    cr_assert(strstr(r.body, "Password not allowed"));
    rest_response_free(&r);
    /* schema without catalog */
    const char *schema_only[] = {"X-Trino-Schema: tiny", NULL};
    cr_assert(rest_post(&server, "SELECT 1", schema_only, &r));
    cr_assert_eq(r.status, 400);
    cr_assert(strstr(r.body, "Schema is set but catalog is not"));
    rest_response_free(&r);
    /* malformed session header */
    const char *bad_session[] = {"X-Trino-Session: a.b.c=1", NULL};
    cr_assert(rest_post(&server, "SELECT 1", bad_session, &r));
    cr_assert_eq(r.status, 400);
    cr_assert(strstr(r.body, "Invalid X-Trino-Session header"), "%s", r.body);
    rest_response_free(&r);
    const char *no_equals[] = {"X-Trino-Session: novalue", NULL};
    cr_assert(rest_post(&server, "SELECT 1", no_equals, &r));
    cr_assert_eq(r.status, 400);
    rest_response_free(&r);
    const char *bad_prepared[] = {"X-Trino-Prepared-Statement: q1=SELECT+FROM+WHERE", NULL};
    cr_assert(rest_post(&server, "SELECT 1", bad_prepared, &r));
    cr_assert_eq(r.status, 400);
    rest_response_free(&r);
    const char *bad_estimate[] = {"X-Trino-Resource-Estimate: SPEED=1s", NULL};
    cr_assert(rest_post(&server, "SELECT 1", bad_estimate, &r));
    cr_assert_eq(r.status, 400);
    rest_response_free(&r);
    /* without the alternate header name, X-Presto-User is not a user */
    const char *presto_user[] = {"X-Presto-User: p", NULL};
    cr_assert(rest_call("POST", url, "SELECT 1", 8, presto_user, &r));
    cr_assert_eq(r.status, 401);
    rest_response_free(&r);
}

Test(rest, info_endpoints)
{
    rest_response r;
    char url[256];
    snprintf(url, sizeof url, "%s/v1/info", server.base);
    json_t *info = get_doc(url, &r);
    cr_assert_not_null(str(json_object_get(info, "nodeVersion"), "version"));
    cr_assert_str_eq(str(info, "environment"), "test");
    cr_assert(json_is_true(json_object_get(info, "coordinator")));
    cr_assert(json_is_false(json_object_get(info, "starting")));
    cr_assert_not_null(str(info, "uptime"));
    rest_response_free(&r);
    snprintf(url, sizeof url, "%s/v1/info/state", server.base);
    json_t *state = get_doc(url, &r);
    cr_assert_str_eq(json_string_value(state), "ACTIVE");
    rest_response_free(&r);
    snprintf(url, sizeof url, "%s/v1/status", server.base);
    json_t *status = get_doc(url, &r);
    cr_assert_not_null(str(status, "nodeId"));
    rest_response_free(&r);
    cr_assert(rest_call("HEAD", url, NULL, 0, NULL, &r));
    cr_assert_eq(r.status, 200);
    rest_response_free(&r);
    snprintf(url, sizeof url, "%s/v1/node", server.base);
    json_t *nodes = get_doc(url, &r);
    cr_assert(json_is_array(nodes));
    rest_response_free(&r);

    rest_result q = run_ok("SELECT 1", NULL);
    const char *id = str(q.last, "id");
    snprintf(url, sizeof url, "%s/v1/query", server.base);
    json_t *list = get_doc(url, &r);
    cr_assert_geq(json_array_size(list), 1);
    rest_response_free(&r);
    snprintf(url, sizeof url, "%s/v1/query?state=FINISHED", server.base);
    list = get_doc(url, &r);
    bool found = false;
    for (size_t i = 0; i < json_array_size(list); i++)
        found |= strcmp(str(json_array_get(list, i), "queryId"), id) == 0;
    cr_assert(found);
    rest_response_free(&r);
    snprintf(url, sizeof url, "%s/v1/query/%s", server.base, id);
    json_t *one = get_doc(url, &r);
    cr_assert_str_eq(str(one, "query"), "SELECT 1");
    cr_assert_str_eq(str(one, "state"), "FINISHED");
    rest_response_free(&r);
    /* the infoUri answers */
    cr_assert(rest_call("GET", str(q.last, "infoUri"), NULL, 0, NULL, &r));
    cr_assert_eq(r.status, 200);
    rest_response_free(&r);
    rest_result_free(&q);
    /* unknown paths */
    snprintf(url, sizeof url, "%s/v1/nothing", server.base);
    cr_assert(rest_call("GET", url, NULL, 0, NULL, &r));
    cr_assert_eq(r.status, 404);
    rest_response_free(&r);
}

/* ---- configured variants ------------------------------------------------------------ */

static void presto_setup(void)
{
    coordinator_config c = coordinator_config_default();
    c.alternate_header_name = "Presto";
    rest_server_start(&server, &c);
}

Test(rest_presto, presto_headers_with_alternate_name, .init = presto_setup, .fini = teardown, .timeout = 60)
{
    const char *headers[] = {"X-Presto-User: p", NULL};
    rest_result r = run_ok("USE tpch.tiny", headers);
    cr_assert(r.set_headers && strstr(r.set_headers, "X-Presto-Set-Catalog: tpch"), "%s",
              r.set_headers ? r.set_headers : "(none)");
    cr_assert_null(strstr(r.set_headers, "X-Trino-"));
    rest_result_free(&r);
    const char *both[] = {"X-Presto-User: p", "X-Trino-Source: s", NULL};
    rest_response response;
    cr_assert(rest_post(&server, "SELECT 1", both, &response));
    cr_assert_eq(response.status, 400);
    cr_assert(strstr(response.body, "Both Trino and Presto headers detected"), "%s", response.body);
    rest_response_free(&response);
}

static void short_timeout_setup(void)
{
    coordinator_config c = coordinator_config_default();
    c.client_timeout_ms = 300;
    rest_server_start(&server, &c);
}

Test(rest_abandoned, unpolled_queries_are_abandoned, .init = short_timeout_setup, .fini = teardown, .timeout = 60)
{
    rest_response post, queued, response;
    cr_assert(rest_post(&server, "SELECT count(*) FROM tpch.sf1000.lineitem", NULL, &post));
    const char *id = str(post.json, "id");
    get_doc(rest_next_uri(post.json), &queued);
    usleep(2000 * 1000);
    char url[256];
    snprintf(url, sizeof url, "%s/v1/query/%s", server.base, id);
    json_t *info = get_doc(url, &response);
    cr_assert_str_eq(str(info, "state"), "FAILED");
    cr_assert_str_eq(str(json_object_get(info, "errorCode"), "name"), "ABANDONED_QUERY");
    rest_response_free(&response);
    json_t *doc = get_doc(rest_next_uri(queued.json), &response);
    cr_assert_str_eq(rest_state(doc), "FAILED");
    cr_assert_str_eq(str(json_object_get(doc, "error"), "errorName"), "ABANDONED_QUERY");
    rest_response_free(&response);
    rest_response_free(&queued);
    rest_response_free(&post);
}

/* Splits (drivers), raw input, rootStage and /v1/query/{id}'s stage and
 * task stats after a table scan. */
Test(rest, stage_and_split_stats)
{
    const char *headers[] = {"X-Trino-Catalog: tpch", "X-Trino-Schema: tiny", NULL};
    rest_result r = run_ok("SELECT count(*) FROM lineitem", headers);
    json_t *stats = json_object_get(r.last, "stats");
    json_int_t total = json_integer_value(json_object_get(stats, "totalSplits"));
    cr_assert_gt(total, 1, "one split per table split plus the final pipeline's driver");
    cr_assert_eq(json_integer_value(json_object_get(stats, "completedSplits")), total);
    cr_assert_eq(json_integer_value(json_object_get(stats, "runningSplits")), 0);
    cr_assert_eq(json_integer_value(json_object_get(stats, "queuedSplits")), 0);
    cr_assert_float_eq(json_number_value(json_object_get(stats, "progressPercentage")), 100.0, 1e-9);
    cr_assert_eq(json_integer_value(json_object_get(stats, "processedRows")), 60175, "raw input rows");
    cr_assert_gt(json_integer_value(json_object_get(stats, "processedBytes")), 0);
    json_t *root = json_object_get(stats, "rootStage");
    cr_assert_not_null(root);
    cr_assert_str_eq(str(root, "stageId"), "0");
    cr_assert_str_eq(str(root, "state"), "FINISHED");
    cr_assert(json_is_true(json_object_get(root, "done")));
    cr_assert_eq(json_integer_value(json_object_get(root, "totalSplits")), total);
    cr_assert_eq(json_integer_value(json_object_get(root, "processedRows")), 60175);
    cr_assert_eq(json_integer_value(json_object_get(root, "failedTasks")), 0);
    cr_assert(json_is_array(json_object_get(root, "subStages")));
    /* queued documents carry times only (Trino's QueuedStatementResource) */
    for (size_t i = 0; i < json_array_size(r.pages); i++) {
        json_t *page = json_array_get(r.pages, i);
        if (strcmp(rest_state(page), "QUEUED") == 0) {
            cr_assert_null(json_object_get(json_object_get(page, "stats"), "rootStage"));
            cr_assert_eq(json_integer_value(json_object_get(json_object_get(page, "stats"), "totalSplits")), 0);
        }
    }
    /* GET /v1/query/{id}: queryStats counters and outputStage with its task */
    const char *id = str(r.last, "id");
    char url[512], task_id[256];
    snprintf(url, sizeof url, "%s/v1/query/%s", server.base, id);
    snprintf(task_id, sizeof task_id, "%s.0.0.0", id);
    rest_response info;
    json_t *doc = get_doc(url, &info);
    json_t *qs = json_object_get(doc, "queryStats");
    cr_assert_eq(json_integer_value(json_object_get(qs, "totalDrivers")), total);
    cr_assert_eq(json_integer_value(json_object_get(qs, "completedDrivers")), total);
    cr_assert_eq(json_integer_value(json_object_get(qs, "rawInputPositions")), 60175);
    cr_assert_eq(json_integer_value(json_object_get(qs, "outputPositions")), 1);
    json_t *stage = json_object_get(doc, "outputStage");
    cr_assert_not_null(stage);
    cr_assert_str_eq(str(stage, "state"), "FINISHED");
    json_t *task = json_array_get(json_object_get(stage, "tasks"), 0);
    cr_assert_not_null(task);
    cr_assert_str_eq(str(json_object_get(task, "taskStatus"), "taskId"), task_id);
    cr_assert_str_eq(str(json_object_get(task, "taskStatus"), "state"), "FINISHED");
    cr_assert_eq(json_integer_value(json_object_get(json_object_get(task, "stats"), "rawInputPositions")), 60175);
    cr_assert(json_is_array(json_object_get(stage, "subStages")));
    rest_response_free(&info);
    rest_result_free(&r);

    /* a failing query's stage failed, with its task */
    rest_result f;
    cr_assert(rest_run(&server, "SELECT 1 / (orderkey - orderkey) FROM lineitem", headers, &f));
    cr_assert_str_eq(rest_state(f.last), "FAILED");
    json_t *failed = json_object_get(json_object_get(f.last, "stats"), "rootStage");
    cr_assert_not_null(failed);
    cr_assert_str_eq(str(failed, "state"), "FAILED");
    cr_assert_eq(json_integer_value(json_object_get(failed, "failedTasks")), 1);
    rest_result_free(&f);
}
