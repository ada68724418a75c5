/*
 * test_rest_resource.c — resource groups through the REST protocol, against
 * a live `shoal-server --etc DIR` (scratch etc/ in a mktemp dir, port 0 on
 * 127.0.0.1): the legacy `global` group from query.max-concurrent-queries /
 * query.max-queued-queries (run, queue, QUERY_QUEUE_FULL, a cancel admits
 * the queued one), a resource-groups.json whose selectors match nobody
 * (QUERY_REJECTED) and /v1/resourceGroupState/{id}.
 */
#include <criterion/criterion.h>
#include <curl/curl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../rest/rest_test_support.h"

typedef struct live_server {
    pid_t pid;
    char dir[256];
    rest_server rest;       /* only base/port are used (rest_post) */
} live_server;

/* The server of the running test, until live_stop: the suite's fini kills it
 * when an assertion ended the test first (a copy: the test's frame is gone). */
static live_server started;

static void live_kill_leftover(void)
{
    if (started.pid <= 0)
        return;
    kill(started.pid, SIGKILL);
    waitpid(started.pid, NULL, 0);
    fprintf(stderr, "killed the shoal-server of a failed test (log in %s)\n", started.dir);
    started.pid = 0;
}

TestSuite(rest_resource, .fini = live_kill_leftover);

static void write_file(const char *dir, const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "%s", path);
    fputs(text, f);
    fclose(f);
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Writes etc/ (config.properties gets `extra_config`; files: NULL-terminated
 * name/text pairs) and starts the server; waits for its STARTED line. */
static void live_start(live_server *s, const char *extra_config, const char *const *files)
{
    memset(s, 0, sizeof *s);
    snprintf(s->dir, sizeof s->dir, "/tmp/shoal-rest-resource-XXXXXX");
    cr_assert_not_null(mkdtemp(s->dir));
    char etc[300], path[400];
    snprintf(etc, sizeof etc, "%s/etc", s->dir);
    mkdir(etc, 0700);
    snprintf(path, sizeof path, "%s/catalog", etc);
    mkdir(path, 0700);
    char config[2048];
    snprintf(config, sizeof config,
             "coordinator=true\nhttp-server.http.port=0\nshoal.control.port=0\nshoal.exchange.port=0\n%s",
             extra_config ? extra_config : "");
    write_file(etc, "config.properties", config);
    write_file(etc, "node.properties", "node.environment=test\nnode.internal-address=127.0.0.1\n");
    write_file(etc, "catalog/tpch.properties", "connector.name=tpch\n");
    for (int i = 0; files && files[i]; i += 2)
        write_file(etc, files[i], files[i + 1]);
    char log[400];
    snprintf(log, sizeof log, "%s/server.log", s->dir);
    s->pid = fork();
    cr_assert(s->pid >= 0);
    if (s->pid > 0)
        started = *s;
    if (s->pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL); /* a test killed by its timeout takes the server along */
        FILE *out = freopen(log, "w", stdout);
        (void)out;
        dup2(STDOUT_FILENO, STDERR_FILENO);
        execl(SHOAL_SERVER_PATH, SHOAL_SERVER_PATH, "--etc", etc, (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 600; i++) {
        FILE *f = fopen(log, "r");
        char line[512];
        while (f && fgets(line, sizeof line, f)) {
            const char *url = strstr(line, "SERVER STARTED");
            url = url ? strstr(url, "http://") : NULL;
            if (url) {
                snprintf(s->rest.base, sizeof s->rest.base, "%.*s", (int)strcspn(url, " \r\n"), url);
                s->rest.port = atoi(strrchr(s->rest.base, ':') + 1);
            }
        }
        if (f)
            fclose(f);
        if (s->rest.base[0])
            break;
        int status;
        cr_assert_eq(waitpid(s->pid, &status, WNOHANG), 0, "shoal-server exited early (log %s)", log);
        sleep_ms(50);
    }
    cr_assert(s->rest.base[0], "shoal-server did not start (log %s)", log);
    curl_global_init(CURL_GLOBAL_ALL);
}

static void live_stop(live_server *s)
{
    kill(s->pid, SIGTERM);
    int status = 0;
    waitpid(s->pid, &status, 0);
    started.pid = 0;
    cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 0, "shoal-server did not exit cleanly (%s)", s->dir);
    char command[600];
    snprintf(command, sizeof command, "rm -rf '%s'", s->dir);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        cr_expect_eq(system(command), 0);
}

/* POSTs, checks QUEUED, returns the first queued nextUri (malloc'd). */
static char *post_queued(live_server *s, const char *sql, const char *user)
{
    char header[128];
    snprintf(header, sizeof header, "X-Trino-User: %s", user);
    const char *headers[] = {header, NULL};
    rest_response r;
    cr_assert(rest_post(&s->rest, sql, headers, &r));
    cr_assert_eq(r.status, 200);
    cr_assert_str_eq(rest_state(r.json), "QUEUED");
    char *next = strdup(rest_next_uri(r.json));
    rest_response_free(&r);
    return next;
}

static json_t *get_json(const char *url, long *status)
{
    rest_response r;
    cr_assert(rest_call("GET", url, NULL, 0, NULL, &r));
    *status = r.status;
    json_t *doc = r.json ? json_incref(r.json) : NULL;
    rest_response_free(&r);
    return doc;
}

/* Follows a queued query's nextUri (each answer 200, never FAILED) until it
 * points at /executing/; `*next` is replaced as it goes. False after `tries`. */
static bool follow_until_executing(char **next, int tries)
{
    for (int i = 0; i < tries; i++) {
        long status;
        json_t *doc = get_json(*next, &status);
        cr_assert_eq(status, 200);
        cr_assert_neq(strcmp(rest_state(doc), "FAILED"), 0);
        free(*next);
        *next = strdup(rest_next_uri(doc));
        json_decref(doc);
        if (strstr(*next, "/executing/"))
            return true;
    }
    return false;
}

static json_t *group_state(live_server *s, const char *path, long *status)
{
    char url[256];
    snprintf(url, sizeof url, "%s/v1/resourceGroupState/%s", s->rest.base, path);
    return get_json(url, status);
}

static int64_t member_int(const json_t *doc, const char *key)
{
    const json_t *v = json_object_get(doc, key);
    cr_assert(json_is_integer(v), "%s missing", key);
    return json_integer_value(v);
}

static void expect_error(const json_t *doc, const char *name, const char *type, const char *message)
{
    cr_assert_str_eq(rest_state(doc), "FAILED");
    cr_expect_null(rest_next_uri(doc));
    const json_t *error = json_object_get(doc, "error");
    cr_assert_not_null(error);
    cr_expect_str_eq(json_string_value(json_object_get(error, "errorName")), name);
    cr_expect_str_eq(json_string_value(json_object_get(error, "errorType")), type);
    cr_expect_str_eq(json_string_value(json_object_get(error, "message")), message);
}

static const char long_query[] = "SELECT count(*) FROM tpch.sf100.lineitem";

Test(rest_resource, global_group_runs_queues_and_rejects)
{
    live_server s;
    live_start(&s, "query.max-concurrent-queries=1\nquery.max-queued-queries=1\n", NULL);

    /* A: admitted; its first queued GET starts it */
    char *a = post_queued(&s, long_query, "test");
    long status;
    json_t *doc = get_json(a, &status);
    cr_assert_eq(status, 200);
    cr_assert_not_null(strstr(rest_next_uri(doc), "/executing/"), "A is not running: %s", rest_next_uri(doc));
    char *a_exec = strdup(rest_next_uri(doc));
    json_decref(doc);

    /* B: queued behind A; its queued GETs stay QUEUED on the queued URI */
    char *b = post_queued(&s, long_query, "test");
    doc = get_json(b, &status);
    cr_assert_eq(status, 200);
    cr_assert_str_eq(rest_state(doc), "QUEUED");
    cr_assert_not_null(strstr(rest_next_uri(doc), "/queued/"));
    cr_expect(json_is_true(json_object_get(json_object_get(doc, "stats"), "queued")));
    char *b_next = strdup(rest_next_uri(doc));
    json_decref(doc);

    /* C: the queue is full */
    char *c = post_queued(&s, long_query, "test");
    doc = get_json(c, &status);
    cr_assert_eq(status, 200);
    expect_error(doc, "QUERY_QUEUE_FULL", "INSUFFICIENT_RESOURCES", "Too many queued queries for \"global\"");
    json_decref(doc);

    /* the group's state */
    doc = group_state(&s, "global", &status);
    cr_assert_eq(status, 200);
    cr_assert_not_null(doc);
    const json_t *id = json_object_get(doc, "id");
    cr_assert(json_is_array(id) && json_array_size(id) == 1);
    cr_expect_str_eq(json_string_value(json_array_get(id, 0)), "global");
    cr_expect_eq(member_int(doc, "numRunningQueries"), 1);
    cr_expect_eq(member_int(doc, "numQueuedQueries"), 1);
    cr_expect_eq(member_int(doc, "hardConcurrencyLimit"), 1);
    cr_expect_eq(member_int(doc, "maxQueuedQueries"), 1);
    cr_expect_str_eq(json_string_value(json_object_get(doc, "state")), "FULL");
    cr_expect_not_null(json_object_get(doc, "schedulingPolicy"));
    cr_expect_not_null(json_object_get(doc, "softMemoryLimit"));
    cr_expect(json_is_array(json_object_get(doc, "subGroups")));
    json_decref(doc);
    doc = group_state(&s, "nope", &status);
    cr_expect_eq(status, 404);
    json_decref(doc);
    doc = group_state(&s, "global/nope", &status);
    cr_expect_eq(status, 404);
    json_decref(doc);

    /* cancel A → B is admitted and starts at its next queued GET */
    rest_response r;
    cr_assert(rest_call("DELETE", a_exec, NULL, 0, NULL, &r));
    cr_expect_eq(r.status, 204);
    rest_response_free(&r);
    cr_assert(follow_until_executing(&b_next, 20), "B was not admitted after A was canceled");
    doc = group_state(&s, "global", &status);
    cr_expect_eq(member_int(doc, "numRunningQueries"), 1);
    cr_expect_eq(member_int(doc, "numQueuedQueries"), 0);
    cr_expect_str_eq(json_string_value(json_object_get(doc, "state")), "CAN_QUEUE");
    json_decref(doc);

    /* cancel B → the group is empty */
    cr_assert(rest_call("DELETE", b_next, NULL, 0, NULL, &r));
    cr_expect_eq(r.status, 204);
    rest_response_free(&r);
    doc = group_state(&s, "global", &status);
    cr_expect_eq(member_int(doc, "numRunningQueries"), 0);
    cr_expect_eq(member_int(doc, "numQueuedQueries"), 0);
    cr_expect_str_eq(json_string_value(json_object_get(doc, "state")), "CAN_RUN");
    json_decref(doc);

    /* a short query runs to the end and leaves the group */
    rest_result result;
    cr_assert(rest_run(&s.rest, "SELECT 1", NULL, &result));
    cr_expect_str_eq(rest_state(result.last), "FINISHED");
    rest_result_free(&result);
    doc = group_state(&s, "global", &status);
    cr_expect_eq(member_int(doc, "numRunningQueries"), 0);
    json_decref(doc);

    free(a);
    free(a_exec);
    free(b);
    free(b_next);
    free(c);
    live_stop(&s);
}

static const char groups_json[] =
    "{\"rootGroups\": [{\"name\": \"admin\", \"softMemoryLimit\": \"100%\", \"hardConcurrencyLimit\": 10,"
    " \"maxQueued\": 10, \"schedulingPolicy\": \"weighted\","
    " \"subGroups\": [{\"name\": \"adhoc\", \"softMemoryLimit\": \"50%\", \"hardConcurrencyLimit\": 2,"
    " \"maxQueued\": 5, \"schedulingWeight\": 3}]}],"
    " \"selectors\": [{\"user\": \"alice\", \"group\": \"admin.adhoc\"}]}\n";

Test(rest_resource, file_groups_reject_unmatched_and_show_state)
{
    live_server s;
    const char *files[] = {
        "resource-groups.properties",
        "resource-groups.configuration-manager=file\nresource-groups.config-file=resource-groups.json\n",
        "resource-groups.json", groups_json, NULL};
    live_start(&s, NULL, files);

    /* no selector matches user `test` */
    char *next = post_queued(&s, "SELECT 1", "test");
    long status;
    json_t *doc = get_json(next, &status);
    cr_assert_eq(status, 200);
    expect_error(doc, "QUERY_REJECTED", "USER_ERROR", "Query did not match any selection rule");
    json_decref(doc);
    free(next);

    /* alice's queries run in admin.adhoc */
    const char *alice[] = {"X-Trino-User: alice", NULL};
    rest_result result;
    cr_assert(rest_run(&s.rest, "SELECT 1", alice, &result));
    cr_expect_str_eq(rest_state(result.last), "FINISHED");
    rest_result_free(&result);

    doc = group_state(&s, "admin/adhoc", &status);
    cr_assert_eq(status, 200);
    const json_t *id = json_object_get(doc, "id");
    cr_assert(json_is_array(id) && json_array_size(id) == 2);
    cr_expect_str_eq(json_string_value(json_array_get(id, 0)), "admin");
    cr_expect_str_eq(json_string_value(json_array_get(id, 1)), "adhoc");
    cr_expect_eq(member_int(doc, "hardConcurrencyLimit"), 2);
    cr_expect_eq(member_int(doc, "maxQueuedQueries"), 5);
    cr_expect_eq(member_int(doc, "schedulingWeight"), 3);
    cr_expect_eq(member_int(doc, "numRunningQueries"), 0);
    cr_expect_str_eq(json_string_value(json_object_get(doc, "state")), "CAN_RUN");
    json_decref(doc);

    doc = group_state(&s, "admin", &status);
    cr_assert_eq(status, 200);
    cr_expect_str_eq(json_string_value(json_object_get(doc, "schedulingPolicy")), "WEIGHTED");
    const json_t *subs = json_object_get(doc, "subGroups");
    cr_assert(json_is_array(subs) && json_array_size(subs) == 1);
    json_decref(doc);

    doc = group_state(&s, "global", &status);
    cr_expect_eq(status, 404);
    json_decref(doc);
    live_stop(&s);
}

/* Follows nextUri from `url` to the final document (returned); *rows gets
 * the number of data rows seen on the way. */
static json_t *follow_to_end(const char *url, int64_t *rows)
{
    char *next = strdup(url);
    json_t *doc = NULL;
    *rows = 0;
    for (int i = 0; i < 100000 && next; i++) {
        long status;
        if (doc)
            json_decref(doc);
        doc = get_json(next, &status);
        cr_assert_eq(status, 200, "GET %s", next);
        const json_t *data = json_object_get(doc, "data");
        if (json_is_array(data))
            *rows += (int64_t)json_array_size(data);
        free(next);
        next = rest_next_uri(doc) ? strdup(rest_next_uri(doc)) : NULL;
    }
    free(next);
    return doc;
}

/* "1234B" (the live state's data sizes) → 1234. */
static int64_t size_member(const json_t *doc, const char *key)
{
    const char *text = json_string_value(json_object_get(doc, key));
    cr_assert_not_null(text, "%s missing", key);
    return strtoll(text, NULL, 10);
}

static const char soft_memory_json[] =
    "{\"rootGroups\": [{\"name\": \"etl\", \"softMemoryLimit\": \"100kB\", \"hardConcurrencyLimit\": 10,"
    " \"maxQueued\": 10}],"
    " \"selectors\": [{\"user\": \"alice\", \"group\": \"etl\"}]}\n";

/* Holds its cross-join build side (tiny.orders' comments, ~0.5 MB) while
 * its output waits for a client that does not read: memory stays charged. */
static const char holding_query[] =
    "SELECT o.comment, l.orderkey FROM tpch.sf100.lineitem l CROSS JOIN tpch.tiny.orders o";

/* A running query's memory is charged to its group; once the group is over
 * its softMemoryLimit a new query queues (it is not rejected, the running
 * one is not killed) and runs when the memory is given back. */
Test(rest_resource, group_over_soft_memory_limit_queues_and_does_not_kill, .timeout = 120)
{
    live_server s;
    const char *files[] = {
        "resource-groups.properties",
        "resource-groups.configuration-manager=file\nresource-groups.config-file=resource-groups.json\n",
        "resource-groups.json", soft_memory_json, NULL};
    live_start(&s, NULL, files);

    /* A starts and holds memory */
    char *a = post_queued(&s, holding_query, "alice");
    long status;
    json_t *doc = get_json(a, &status);
    cr_assert_eq(status, 200);
    cr_assert_not_null(strstr(rest_next_uri(doc), "/executing/"));
    char *a_exec = strdup(rest_next_uri(doc));
    json_decref(doc);
    int64_t usage = 0;
    for (int i = 0; i < 200 && usage <= 100000; i++) {
        sleep_ms(100);
        doc = group_state(&s, "etl", &status);
        cr_assert_eq(status, 200);
        usage = size_member(doc, "memoryUsage");
        json_decref(doc);
    }
    cr_assert_gt(usage, 100000, "the group's memory never passed its soft limit");

    /* B queues: the group is over its soft memory limit */
    char *b = post_queued(&s, "SELECT 1", "alice");
    doc = get_json(b, &status);
    cr_assert_eq(status, 200);
    cr_assert_str_eq(rest_state(doc), "QUEUED");
    char *b_next = strdup(rest_next_uri(doc));
    cr_assert_not_null(strstr(b_next, "/queued/"));
    json_decref(doc);
    doc = get_json(b_next, &status);
    cr_assert_str_eq(rest_state(doc), "QUEUED");
    free(b_next);
    b_next = strdup(rest_next_uri(doc));
    json_decref(doc);
    doc = group_state(&s, "etl", &status);
    cr_expect_eq(member_int(doc, "numRunningQueries"), 1);
    cr_expect_eq(member_int(doc, "numQueuedQueries"), 1);
    cr_expect_str_eq(json_string_value(json_object_get(doc, "state")), "CAN_QUEUE");
    json_decref(doc);

    /* A was not killed: it still runs and reports its memory */
    doc = get_json(a_exec, &status);
    cr_assert_eq(status, 200);
    cr_assert_str_eq(rest_state(doc), "RUNNING");
    const json_t *stats = json_object_get(doc, "stats");
    cr_expect_gt(member_int(stats, "peakMemoryBytes"), 100000);
    free(a_exec);
    a_exec = strdup(rest_next_uri(doc));
    json_decref(doc);

    /* A ends (canceled by its client): the memory is back, B runs */
    rest_response r;
    cr_assert(rest_call("DELETE", a_exec, NULL, 0, NULL, &r));
    cr_expect_eq(r.status, 204);
    rest_response_free(&r);
    int64_t rows = 0;
    doc = follow_to_end(b_next, &rows);
    cr_assert_str_eq(rest_state(doc), "FINISHED");
    cr_expect_eq(rows, 1);
    json_decref(doc);
    doc = group_state(&s, "etl", &status);
    cr_expect_eq(member_int(doc, "numRunningQueries"), 0);
    cr_expect_eq(size_member(doc, "memoryUsage"), 0);
    json_decref(doc);

    free(a);
    free(a_exec);
    free(b);
    free(b_next);
    live_stop(&s);
}

static const char reload_before_json[] =
    "{\"rootGroups\": [{\"name\": \"etl\", \"softMemoryLimit\": \"100%\", \"hardConcurrencyLimit\": 1,"
    " \"maxQueued\": 5}],"
    " \"selectors\": [{\"user\": \"alice\", \"group\": \"etl\"}]}\n";
static const char reload_after_json[] =
    "{\"rootGroups\": [{\"name\": \"etl\", \"softMemoryLimit\": \"100%\", \"hardConcurrencyLimit\": 2,"
    " \"maxQueued\": 5}],"
    " \"selectors\": [{\"user\": \"alice\", \"group\": \"etl\"}]}\n";

/* Replaces etc/resource-groups.json the way an operator's tool would:
 * a new file renamed over the old one. */
static void replace_groups_file(live_server *s, const char *text)
{
    char etc[300], from[400], to[400];
    snprintf(etc, sizeof etc, "%s/etc", s->dir);
    write_file(etc, "resource-groups.json.new", text);
    snprintf(from, sizeof from, "%s/resource-groups.json.new", etc);
    snprintf(to, sizeof to, "%s/resource-groups.json", etc);
    cr_assert_eq(rename(from, to), 0);
}

/* resource-groups.json changed on disk: the new limits apply without a
 * restart (the queued query is admitted by the raised concurrency limit),
 * the running query keeps its group, and a broken file keeps the
 * configuration in force. */
Test(rest_resource, groups_file_reloads_without_restart, .timeout = 120)
{
    live_server s;
    const char *files[] = {
        "resource-groups.properties",
        "resource-groups.configuration-manager=file\nresource-groups.config-file=resource-groups.json\n"
        "resource-groups.refresh-interval=100ms\n",
        "resource-groups.json", reload_before_json, NULL};
    live_start(&s, NULL, files);

    char *a = post_queued(&s, long_query, "alice");
    long status;
    json_t *doc = get_json(a, &status);
    cr_assert_not_null(strstr(rest_next_uri(doc), "/executing/"));
    char *a_exec = strdup(rest_next_uri(doc));
    json_decref(doc);
    char *b = post_queued(&s, long_query, "alice");
    doc = get_json(b, &status);
    cr_assert_str_eq(rest_state(doc), "QUEUED");
    char *b_next = strdup(rest_next_uri(doc));
    json_decref(doc);

    /* a broken file: nothing changes */
    replace_groups_file(&s, "{\"rootGroups\": [");
    sleep_ms(500);
    doc = group_state(&s, "etl", &status);
    cr_assert_eq(status, 200);
    cr_expect_eq(member_int(doc, "hardConcurrencyLimit"), 1);
    cr_expect_eq(member_int(doc, "numQueuedQueries"), 1);
    json_decref(doc);

    /* the limit is raised on disk: B is admitted, A still runs in the group */
    replace_groups_file(&s, reload_after_json);
    cr_assert(follow_until_executing(&b_next, 100), "B was not admitted after the limit was raised on disk");
    doc = group_state(&s, "etl", &status);
    cr_expect_eq(member_int(doc, "hardConcurrencyLimit"), 2);
    cr_expect_eq(member_int(doc, "numRunningQueries"), 2);
    cr_expect_eq(member_int(doc, "numQueuedQueries"), 0);
    json_decref(doc);
    doc = get_json(a_exec, &status);
    cr_expect_str_eq(rest_state(doc), "RUNNING");
    free(a_exec);
    a_exec = strdup(rest_next_uri(doc));
    json_decref(doc);

    rest_response r;
    cr_assert(rest_call("DELETE", a_exec, NULL, 0, NULL, &r));
    rest_response_free(&r);
    cr_assert(rest_call("DELETE", b_next, NULL, 0, NULL, &r));
    rest_response_free(&r);
    doc = group_state(&s, "etl", &status);
    cr_expect_eq(member_int(doc, "numRunningQueries"), 0);
    json_decref(doc);
    free(a);
    free(a_exec);
    free(b);
    free(b_next);
    live_stop(&s);
}
