/*
 * test_rest_system.c — the system catalog over the coordinator's live
 * state: system.runtime.queries lists the queries clients sent, and
 * CALL system.runtime.kill_query fails a running one with
 * ADMINISTRATIVELY_KILLED and the given message.
 */
#include <criterion/criterion.h>
#include <string.h>
#include <unistd.h>

#include "rest_test_support.h"

static rest_server server;

static void setup(void) { rest_server_start(&server, NULL); }
static void teardown(void) { rest_server_stop(&server); }

TestSuite(rest_system, .init = setup, .fini = teardown, .timeout = 120);

Test(rest_system, runtime_queries_lists_live_queries)
{
    rest_result r;
    cr_assert(rest_run(&server, "SELECT 42", NULL, &r));
    rest_result_free(&r);
    cr_assert(rest_run(&server, "SELECT state, \"user\", query FROM system.runtime.queries ORDER BY created", NULL, &r));
    cr_assert_null(r.error);
    cr_assert_eq(json_array_size(r.rows), 2);
    json_t *first = json_array_get(r.rows, 0);
    cr_assert_str_eq(json_string_value(json_array_get(first, 0)), "FINISHED");
    cr_assert_str_eq(json_string_value(json_array_get(first, 1)), "test");
    cr_assert_str_eq(json_string_value(json_array_get(first, 2)), "SELECT 42");
    json_t *self = json_array_get(r.rows, 1);
    cr_assert_str_eq(json_string_value(json_array_get(self, 0)), "RUNNING", "the query reading the table is running");
    rest_result_free(&r);
}

Test(rest_system, kill_query_fails_a_running_query)
{
    rest_response post;
    cr_assert(rest_post(&server, "SELECT count(*) FROM tpch.sf100.lineitem", NULL, &post));
    const char *id = json_string_value(json_object_get(post.json, "id"));
    char *query_id = strdup(id);
    char *next = strdup(rest_next_uri(post.json));
    rest_response_free(&post);
    /* the first GET starts it */
    rest_response page;
    const char *headers[] = {"X-Trino-User: test", NULL};
    cr_assert(rest_call("GET", next, NULL, 0, headers, &page));
    free(next);
    next = rest_next_uri(page.json) ? strdup(rest_next_uri(page.json)) : NULL;
    rest_response_free(&page);

    char call[256];
    snprintf(call, sizeof call, "CALL system.runtime.kill_query(query_id => '%s', message => 'too big')", query_id);
    rest_result r;
    cr_assert(rest_run(&server, call, NULL, &r));
    cr_assert_null(r.error, "CALL failed");
    rest_result_free(&r);

    /* the killed query ends FAILED with Trino's name and message */
    const char *state = "RUNNING";
    json_t *error = NULL;
    for (int polls = 0; next && polls < 100; polls++) {
        cr_assert(rest_call("GET", next, NULL, 0, headers, &page));
        free(next);
        state = rest_state(page.json);
        next = rest_next_uri(page.json) ? strdup(rest_next_uri(page.json)) : NULL;
        if (strcmp(state, "FAILED") == 0) {
            error = json_incref(json_object_get(page.json, "error"));
            rest_response_free(&page);
            break;
        }
        rest_response_free(&page);
    }
    free(next);
    cr_assert_not_null(error, "the killed query did not fail (last state %s)", state);
    cr_assert_str_eq(json_string_value(json_object_get(error, "errorName")), "ADMINISTRATIVELY_KILLED");
    cr_assert(strstr(json_string_value(json_object_get(error, "message")), "too big") != NULL);
    json_decref(error);

    snprintf(call, sizeof call, "CALL system.runtime.kill_query('%s')", "20200101_000000_00000_xxxxx");
    cr_assert(rest_run(&server, call, NULL, &r));
    cr_assert_not_null(r.error);
    cr_assert_str_eq(json_string_value(json_object_get(r.error, "errorName")), "NOT_FOUND");
    rest_result_free(&r);
    free(query_id);
}
