/*
 * test_rest_hostile.c — input no well-behaved client sends, and the server
 * staying up through it: huge headers, bad UTF-8 in SQL, a 100 MB body
 * (413), a slowloris connection that never finishes its request, chunked
 * and absolute-form requests (what presto-client really sends), garbage
 * request lines, and thousands of polls of a finished query.
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

TestSuite(hostile, .init = setup, .fini = teardown, .timeout = 120);

static void assert_alive(void)
{
    rest_response r;
    char url[128];
    snprintf(url, sizeof url, "%s/v1/info", server.base);
    cr_assert(rest_call("GET", url, NULL, 0, NULL, &r), "server is down");
    cr_assert_eq(r.status, 200);
    rest_response_free(&r);
    rest_result q;
    cr_assert(rest_run(&server, "SELECT 1", NULL, &q));
    cr_assert_str_eq(rest_state(q.last), "FINISHED");
    rest_result_free(&q);
}

Test(hostile, huge_headers)
{
    size_t n = 200 * 1024;
    char *value = malloc(n + 32);
    memcpy(value, "X-Trino-Client-Info: ", 21);
    memset(value + 21, 'a', n);
    value[21 + n] = '\0';
    const char *headers[] = {value, NULL};
    rest_response r;
    rest_post(&server, "SELECT 1", headers, &r); /* refused or answered; either way no crash */
    cr_assert(r.status == 0 || r.status == 200 || (r.status >= 400 && r.status < 500), "status %ld", r.status);
    rest_response_free(&r);
    /* many header lines */
    char *raw = malloc(4 * 1024 * 1024);
    size_t length = (size_t)sprintf(raw, "POST /v1/statement HTTP/1.1\r\nHost: x\r\nX-Trino-User: u\r\n");
    for (int i = 0; i < 20000; i++)
        length += (size_t)sprintf(raw + length, "X-Junk-%d: %d\r\n", i, i);
    length += (size_t)sprintf(raw + length, "Content-Length: 8\r\n\r\nSELECT 1");
    char *answer = rest_raw(server.port, raw, length, 2000);
    free(answer);
    free(raw);
    free(value);
    assert_alive();
}

Test(hostile, bad_utf8_in_sql)
{
    const char sql[] = "SELECT '\xff\xfe\xc3\x28' AS x, \"\xe2\x82\" FROM nowhere";
    rest_result r;
    cr_assert(rest_run(&server, sql, NULL, &r));
    cr_assert_not_null(r.last, "every page is valid JSON");
    /* an error or a value, but valid JSON with U+FFFD replacements */
    cr_assert_str_eq(rest_state(r.last), "FAILED");
    rest_result_free(&r);
    const char sql2[] = "SELECT '\xff\xfe ok'";
    cr_assert(rest_run(&server, sql2, NULL, &r));
    cr_assert_not_null(r.last);
    rest_result_free(&r);
    /* NUL bytes inside the body */
    rest_response post;
    char url[128];
    snprintf(url, sizeof url, "%s/v1/statement", server.base);
    const char *headers[] = {"X-Trino-User: u", NULL};
    cr_assert(rest_call("POST", url, "SELECT 1\0garbage", 16, headers, &post));
    cr_assert_eq(post.status, 200);
    rest_response_free(&post);
    assert_alive();
}

Test(hostile, body_of_100_mb_is_413)
{
    size_t n = 100u * 1024 * 1024;
    char *body = malloc(n);
    memset(body, ' ', n);
    memcpy(body, "SELECT 1", 8);
    char url[128];
    snprintf(url, sizeof url, "%s/v1/statement", server.base);
    const char *headers[] = {"X-Trino-User: u", NULL};
    rest_response r;
    rest_call("POST", url, body, n, headers, &r);
    cr_assert_eq(r.status, 413, "status %ld", r.status);
    rest_response_free(&r);
    /* also when the client does not wait for 100-continue */
    const char *no_expect[] = {"X-Trino-User: u", "Expect:", NULL};
    rest_call("POST", url, body, n, no_expect, &r);
    cr_assert(r.status == 413 || r.status == 0, "status %ld", r.status);
    rest_response_free(&r);
    free(body);
    /* a chunked body that grows past the limit */
    char *raw = malloc(6 * 1024 * 1024);
    size_t length = (size_t)sprintf(raw, "POST /v1/statement HTTP/1.1\r\nHost: x\r\nX-Trino-User: u\r\n"
                                         "Transfer-Encoding: chunked\r\n\r\n");
    for (int i = 0; i < 5; i++) {
        length += (size_t)sprintf(raw + length, "100000\r\n");
        memset(raw + length, ' ', 0x100000);
        length += 0x100000;
        length += (size_t)sprintf(raw + length, "\r\n");
    }
    length += (size_t)sprintf(raw + length, "0\r\n\r\n");
    char *answer = rest_raw(server.port, raw, length, 3000);
    cr_assert(strstr(answer, " 413 "), "%.200s", answer);
    free(answer);
    free(raw);
    assert_alive();
}

Test(hostile, slowloris_does_not_block_others)
{
    int fds[50];
    for (int i = 0; i < 50; i++) {
        fds[i] = rest_raw_open(server.port, "POST /v1/statement HTTP/1.1\r\nHost: x\r\nX-Trino-");
        cr_assert_geq(fds[i], 0);
    }
    int body_fd = rest_raw_open(server.port, "POST /v1/statement HTTP/1.1\r\nHost: x\r\nX-Trino-User: u\r\n"
                                             "Content-Length: 100\r\n\r\nSELECT");
    cr_assert_geq(body_fd, 0);
    assert_alive();
    assert_alive();
    for (int i = 0; i < 50; i++)
        close(fds[i]);
    close(body_fd);
    assert_alive();
}

Test(hostile, chunked_post_and_absolute_form_delete)
{
    char request[512];
    int length = snprintf(request, sizeof request,
                          "POST /v1/statement HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nX-Trino-User: u\r\n"
                          "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                          "7\r\nSELECT \r\n1\r\n1\r\n0\r\n\r\n",
                          server.port);
    char *answer = rest_raw(server.port, request, (size_t)length, 3000);
    cr_assert(strstr(answer, "HTTP/1.1 200"), "%.300s", answer);
    char *body = strstr(answer, "\r\n\r\n");
    cr_assert_not_null(body);
    json_t *doc = json_loads(body + 4, 0, NULL);
    cr_assert_not_null(doc, "%s", body + 4);
    const char *next = rest_next_uri(doc);
    cr_assert_not_null(next);
    /* presto-client's cancel: DELETE with the absolute URL as request target */
    char del[1024];
    int n = snprintf(del, sizeof del, "DELETE %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nConnection: close\r\n\r\n", next,
                     server.port);
    char *deleted = rest_raw(server.port, del, (size_t)n, 3000);
    cr_assert(strstr(deleted, "HTTP/1.1 204"), "%.300s", deleted);
    free(deleted);
    rest_response r;
    cr_assert(rest_call("GET", next, NULL, 0, NULL, &r));
    cr_assert_str_eq(rest_state(r.json), "FAILED");
    rest_response_free(&r);
    json_decref(doc);
    free(answer);
    /* a malformed chunk size */
    const char bad[] = "POST /v1/statement HTTP/1.1\r\nHost: x\r\nX-Trino-User: u\r\n"
                       "Transfer-Encoding: chunked\r\n\r\nzz\r\nSELECT 1\r\n0\r\n\r\n";
    answer = rest_raw(server.port, bad, sizeof bad - 1, 2000);
    cr_assert(strstr(answer, " 400 "), "%.300s", answer);
    free(answer);
    assert_alive();
}

Test(hostile, garbage_requests)
{
    static const char *const garbage[] = {
        "\r\n\r\n",
        "GARBAGE\r\n\r\n",
        "GET /v1/info HTTP/9.9\r\n\r\n",
        "GET /v1/statement/executing/../../etc/passwd/x/1 HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /v1/statement/executing/%00/%ff/-1 HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /v1/statement/executing/a/b/99999999999999999999999 HTTP/1.1\r\nHost: x\r\n\r\n",
        "POST /v1/statement HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n",
        "POST /v1/statement HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999999\r\n\r\n",
        "POST /v1/statement HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n",
        "DELETE /v1/query/ HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /ui/query.html?<script>alert(1)</script> HTTP/1.1\r\nHost: x\r\n\r\n",
    };
    for (size_t i = 0; i < sizeof garbage / sizeof *garbage; i++) {
        char *answer = rest_raw(server.port, garbage[i], strlen(garbage[i]), 1000);
        cr_assert_null(strstr(answer, "<script>"), "reflected: %s", answer);
        free(answer);
    }
    assert_alive();
}

Test(hostile, thousands_of_polls_of_a_finished_query)
{
    rest_response post, queued, page, again;
    cr_assert(rest_post(&server, "SELECT 1", NULL, &post));
    cr_assert(rest_call("GET", rest_next_uri(post.json), NULL, 0, NULL, &queued));
    const char *exec0 = rest_next_uri(queued.json);
    cr_assert(rest_call("GET", exec0, NULL, 0, NULL, &page));
    cr_assert_null(rest_next_uri(page.json));
    for (int i = 0; i < 3000; i++) {
        cr_assert(rest_call("GET", exec0, NULL, 0, NULL, &again));
        cr_assert_eq(again.status, 200);
        cr_assert_eq(again.length, page.length);
        rest_response_free(&again);
    }
    char next[600];
    snprintf(next, sizeof next, "%.*s1", (int)strlen(exec0) - 1, exec0);
    for (int i = 0; i < 500; i++) {
        cr_assert(rest_call("GET", next, NULL, 0, NULL, &again));
        cr_assert_eq(again.status, 404);
        rest_response_free(&again);
    }
    rest_response_free(&page);
    rest_response_free(&queued);
    rest_response_free(&post);
    assert_alive();
}
