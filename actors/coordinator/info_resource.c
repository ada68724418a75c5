/*
 * info_resource.c — the endpoints around the statement protocol:
 *   GET /v1/info              {"nodeVersion":{"version"},"environment","coordinator","starting","uptime"}
 *   GET /v1/info/state        "ACTIVE" (or "SHUTTING_DOWN")
 *   GET /v1/info/coordinator  200 (this node is a coordinator)
 *   GET|HEAD /v1/status       NodeStatus
 *   GET /v1/node              per-node heartbeat statistics (this node only)
 *   GET /v1/query[?state=S]   BasicQueryInfo of every tracked query
 *   GET /v1/query/{id}        QueryInfo (410 when unknown or expired)
 *   DELETE /v1/query/{id}     cancel; 204 also for an unknown query
 *   (the /v1/query routes run on helper threads: a record's lock may be held
 *   by a long poll for up to a second)
 *   GET /ui/query.html?{id}   a small page (the infoUri target)
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "actors/coordinator/coordinator_state.h"
#include "actors/coordinator/json_text.h"
#include "actors/coordinator/query_stages.h"
#include "actors/coordinator/query_results_json.h"

static const char json_type[] = "application/json";

static void respond_json(http_request *r, text_builder *b)
{
    if (text_builder_ok(b))
        http_request_respond(r, 200, json_type, text_builder_cstr(b), b->length, NULL);
    else
        http_request_respond_text(r, 500, "Out of memory");
    text_builder_free(b);
}

/* airlift's Duration.toString: two decimals and the largest fitting unit. */
static void format_duration(int64_t ns, char *out, size_t size)
{
    static const struct { const char *unit; double ns; } units[] = {
        {"d", 86400e9}, {"h", 3600e9}, {"m", 60e9}, {"s", 1e9}, {"ms", 1e6}, {"us", 1e3}, {"ns", 1},
    };
    for (size_t i = 0; i < sizeof units / sizeof *units; i++) {
        if ((double)ns >= units[i].ns || i + 1 == sizeof units / sizeof *units) {
            snprintf(out, size, "%.2f%s", (double)ns / units[i].ns, units[i].unit);
            return;
        }
    }
}

static void write_iso_time(text_builder *b, int64_t epoch_ms)
{
    time_t seconds = (time_t)(epoch_ms / 1000);
    struct tm utc;
    gmtime_r(&seconds, &utc);
    char text[64];
    snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900, utc.tm_mon + 1,
             utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, (int)(epoch_ms % 1000));
    json_string(b, text);
}

static void uptime(const coordinator *c, char *out, size_t size)
{
    format_duration(tracker_now_ns() - c->started_ns, out, size);
}

/* ---- /v1/info, /v1/status, /v1/node -------------------------------------------------------- */

static void get_info(coordinator *c, http_request *r)
{
    text_builder b;
    text_builder_init(&b);
    json_out o;
    json_begin_object(&o, &b);
    json_key(&o, "nodeVersion");
    json_out v;
    json_begin_object(&v, &b);
    json_member_string(&v, "version", c->version);
    json_end_object(&v);
    json_member_string(&o, "environment", c->environment);
    json_member_bool(&o, "coordinator", true);
    json_member_bool(&o, "starting", false);
    char up[32];
    uptime(c, up, sizeof up);
    json_member_string(&o, "uptime", up);
    json_end_object(&o);
    respond_json(r, &b);
}

static void get_status(coordinator *c, http_request *r)
{
    text_builder b;
    text_builder_init(&b);
    json_out o;
    json_begin_object(&o, &b);
    json_member_string(&o, "nodeId", c->node_id);
    json_key(&o, "nodeVersion");
    json_out v;
    json_begin_object(&v, &b);
    json_member_string(&v, "version", c->version);
    json_end_object(&v);
    json_member_string(&o, "environment", c->environment);
    json_member_bool(&o, "coordinator", true);
    char up[32];
    uptime(c, up, sizeof up);
    json_member_string(&o, "uptime", up);
    const char *base = http_request_base_uri(r);
    const char *host = strncmp(base, "http://", 7) == 0 ? base + 7 : base;
    json_member_string(&o, "externalAddress", host);
    json_member_string(&o, "internalAddress", host);
    json_member_raw(&o, "memoryInfo", "{\"availableProcessors\":0,\"pool\":{}}");
    json_member_int(&o, "processors", sysconf(_SC_NPROCESSORS_ONLN));
    json_member_double(&o, "processCpuLoad", 0.0);
    json_member_double(&o, "systemCpuLoad", 0.0);
    json_member_int(&o, "heapUsed", 0);
    json_member_int(&o, "heapAvailable", 0);
    json_member_int(&o, "nonHeapUsed", 0);
    json_end_object(&o);
    respond_json(r, &b);
}

static void get_nodes(coordinator *c, http_request *r, bool failed_only)
{
    text_builder b;
    text_builder_init(&b);
    text_builder_putc(&b, '[');
    if (!failed_only) {
        json_out o;
        json_begin_object(&o, &b);
        char uri[400];
        snprintf(uri, sizeof uri, "%s", http_request_base_uri(r));
        json_member_string(&o, "uri", uri);
        json_member_double(&o, "recentRequests", 0.0);
        json_member_double(&o, "recentFailures", 0.0);
        json_member_double(&o, "recentSuccesses", 0.0);
        json_key(&o, "lastRequestTime");
        write_iso_time(&b, (int64_t)time(NULL) * 1000);
        json_key(&o, "lastResponseTime");
        write_iso_time(&b, (int64_t)time(NULL) * 1000);
        char up[32];
        uptime(c, up, sizeof up);
        json_member_string(&o, "age", up);
        json_member_double(&o, "recentFailureRatio", 0.0);
        json_member_raw(&o, "recentFailuresByType", "{}");
        json_end_object(&o);
    }
    text_builder_putc(&b, ']');
    respond_json(r, &b);
}

void info_resource_handle(void *context, http_request *r)
{
    coordinator *c = context;
    const char *path = http_request_path(r);
    const char *method = http_request_method(r);
    bool read = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
    if (strcmp(path, "/v1/info") == 0 && read) {
        get_info(c, r);
    } else if (strcmp(path, "/v1/info/state") == 0 && read) {
        const char *state = atomic_load(&c->shutting_down) ? "\"SHUTTING_DOWN\"" : "\"ACTIVE\"";
        http_request_respond(r, 200, json_type, state, strlen(state), NULL);
    } else if (strcmp(path, "/v1/info/coordinator") == 0 && read) {
        http_request_respond(r, 200, NULL, "", 0, NULL);
    } else if (strcmp(path, "/v1/status") == 0 && read) {
        get_status(c, r);
    } else if (strncmp(path, "/v1/node", 8) == 0 && !coordinator_authenticate_resource(c, r, info_resource_handle, c)) {
        return; /* answered, or resumed on a helper thread */
    } else if (strcmp(path, "/v1/node") == 0 && read) {
        get_nodes(c, r, false);
    } else if (strcmp(path, "/v1/node/failed") == 0 && read) {
        get_nodes(c, r, true);
    } else if (strcmp(path, "/ui/query.html") == 0 && read) {
        /* the id comes from the client: only [A-Za-z0-9_] survive into HTML */
        char id[65];
        snprintf(id, sizeof id, "%s", http_request_query(r));
        for (char *p = id; *p; p++)
            if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_'))
                *p = '_';
        char html[512];
        snprintf(html, sizeof html,
                 "<!DOCTYPE html><html><head><title>Shoal query</title></head>"
                 "<body><p>Query details: <a href=\"/v1/query/%s\">/v1/query/%s</a></p></body></html>",
                 id, id);
        http_request_respond(r, 200, "text/html; charset=utf-8", html, strlen(html), NULL);
    } else if (read) {
        http_request_respond_text(r, 404, "Not found");
    } else {
        http_request_respond_text(r, 405, "Method not allowed");
    }
}

/* ---- /v1/query ------------------------------------------------------------------------------- */

/* BasicQueryInfo (list) or the QueryInfo subset clients read (one query). */
static void write_query_info(coordinator *c, const http_request *r, tracked_query *tq, bool full, text_builder *b)
{
    pthread_mutex_lock(&tq->lock);
    const session *s = tq->client.session;
    json_out o;
    json_begin_object(&o, b);
    json_member_string(&o, "queryId", tq->id);
    json_member_string(&o, "state", tracked_query_state(tq));
    json_member_bool(&o, "scheduled", tq->phase != TRACKED_QUEUED);
    char self[512];
    snprintf(self, sizeof self, "%s/v1/query/%s", http_request_base_uri(r), tq->id);
    json_member_string(&o, "self", self);
    json_member_string(&o, "query", tq->sql);
    json_key(&o, "session");
    json_out so;
    json_begin_object(&so, b);
    json_member_string(&so, "queryId", tq->id);
    json_member_string(&so, "user", s ? s->user : NULL);
    json_member_string(&so, "source", s ? s->source : NULL);
    json_member_string(&so, "catalog", s ? s->catalog : NULL);
    json_member_string(&so, "schema", s ? s->schema : NULL);
    json_member_string(&so, "timeZoneKey", s ? s->time_zone : NULL);
    json_member_string(&so, "clientInfo", tq->client.client_info);
    json_member_string(&so, "traceToken", tq->client.trace_token);
    json_end_object(&so);
    json_key(&o, "queryStats");
    json_out qs;
    json_begin_object(&qs, b);
    json_key(&qs, "createTime");
    write_iso_time(b, tq->created_wall_ms);
    if (tq->ended_ns) {
        json_key(&qs, "endTime");
        write_iso_time(b, tq->created_wall_ms + (tq->ended_ns - tq->created_ns) / 1000000);
    }
    char d[32];
    int64_t end = tq->ended_ns ? tq->ended_ns : tracker_now_ns();
    format_duration(end - tq->created_ns, d, sizeof d);
    json_member_string(&qs, "elapsedTime", d);
    format_duration((tq->started_ns ? tq->started_ns : end) - tq->created_ns, d, sizeof d);
    json_member_string(&qs, "queuedTime", d);
    stage_stats stage;
    task_stats task;
    bool scheduled = tq->phase != TRACKED_QUEUED;
    if (scheduled) {
        query_progress p;
        tracked_query_progress(tq, &p);
        int64_t wall_ns = tq->started_ns ? end - tq->started_ns : 0;
        stage_counters times = {
            .cpu_time_ms = tracked_query_cpu_ns(tq) / 1000000,
            .wall_time_ms = wall_ns / 1000000,
            .output_rows = tq->rows_sent,
            .peak_memory_bytes = tracked_query_peak_memory(tq),
        };
        bool canceled = tq->failed && tq->error.code == ERR_USER_CANCELED;
        query_stages_single(&p, tracked_query_state(tq), canceled, &times, c->node_id, http_request_base_uri(r),
                            &stage, &task);
        query_stages_write_counters(&qs, &stage.counters);
        double percentage;
        if (query_stages_progress_percentage(&stage.counters, &percentage))
            json_member_double(&qs, "progressPercentage", percentage);
    } else {
        json_member_int(&qs, "outputPositions", tq->rows_sent);
    }
    json_end_object(&qs);
    if (full && scheduled) {
        json_key(&o, "outputStage");
        query_stages_write_output_stage(&stage, tq->id, http_request_base_uri(r), b);
    }
    if (tq->failed) {
        json_member_string(&o, "errorType", error_type_name(error_type_of(tq->error.code)));
        json_key(&o, "errorCode");
        json_out ec;
        json_begin_object(&ec, b);
        json_member_int(&ec, "code", error_number(tq->error.code));
        json_member_string(&ec, "name", error_name(tq->error.code));
        json_member_string(&ec, "type", error_type_name(error_type_of(tq->error.code)));
        json_end_object(&ec);
        if (full) {
            json_key(&o, "error");
            query_results_json_error(&tq->error, b);
        }
    }
    json_end_object(&o);
    pthread_mutex_unlock(&tq->lock);
}

static void list_queries(coordinator *c, http_request *r)
{
    char state_filter[32];
    const char *state = http_request_query_param(r, "state", state_filter, sizeof state_filter);
    tracked_query **list = NULL;
    int n = query_tracker_list(c->tracker, &list);
    text_builder b;
    text_builder_init(&b);
    text_builder_putc(&b, '[');
    bool first = true;
    for (int i = 0; i < n; i++) {
        if (!state || strcasecmp(state, tracked_query_state(list[i])) == 0) {
            if (!first)
                text_builder_putc(&b, ',');
            first = false;
            write_query_info(c, r, list[i], false, &b);
        }
        query_tracker_release(c->tracker, list[i]);
    }
    free(list);
    text_builder_putc(&b, ']');
    respond_json(r, &b);
}

static void cancel_query(void *context, http_request *r)
{
    coordinator *c = context;
    const char *id = http_request_path(r) + strlen("/v1/query/");
    tracked_query *tq = query_tracker_get(c->tracker, id);
    if (tq) {
        tracked_query_cancel(tq, ERR_USER_CANCELED, "Query was canceled");
        query_tracker_release(c->tracker, tq);
    }
    http_request_respond(r, 204, NULL, "", 0, NULL);
}

void query_resource_handle(void *context, http_request *r)
{
    coordinator *c = context;
    const char *path = http_request_path(r);
    const char *method = http_request_method(r);
    bool read = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
    if (strcmp(path, "/v1/query") == 0) {
        if (read)
            list_queries(c, r);
        else
            http_request_respond_text(r, 405, "Method not allowed");
        return;
    }
    const char *id = path + strlen("/v1/query/");
    if (strncmp(path, "/v1/query/", 10) != 0 || strchr(id, '/') || !*id) {
        http_request_respond_text(r, 404, "Not found");
        return;
    }
    if (strcmp(method, "DELETE") == 0) {
        cancel_query(c, r);
        return;
    }
    if (!read) {
        http_request_respond_text(r, 405, "Method not allowed");
        return;
    }
    tracked_query *tq = query_tracker_get(c->tracker, id);
    if (!tq) {
        http_request_respond(r, 410, NULL, "", 0, NULL);
        return;
    }
    text_builder b;
    text_builder_init(&b);
    write_query_info(c, r, tq, true, &b);
    query_tracker_release(c->tracker, tq);
    respond_json(r, &b);
}
