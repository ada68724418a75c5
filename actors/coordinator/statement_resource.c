/*
 * statement_resource.c — Trino's statement protocol (reference/protocol.md
 * §1): POST /v1/statement registers a query and answers at once (QUEUED,
 * nextUri /v1/statement/queued/{id}/{slug}/1); the first GET of a queued URI
 * starts it (query_submit) and points at /v1/statement/executing/{id}/{slug}/0;
 * each executing GET waits up to maxWait (at most 1 s) for rows and sends
 * about targetResultSize (1 MB) of them; the same token again gets the
 * identical page, an older one 410, anything else 404; DELETE on either URI
 * cancels (FAILED, USER_CANCELED).
 *
 * Threads: POST runs inline on nng's thread (it only registers); GET and
 * DELETE are deferred to the helper threads because they may block (the
 * planner in query_submit, query_fetch's wait, a record's lock).
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "actors/coordinator/coordinator_state.h"
#include "actors/coordinator/query_results_json.h"

enum {
    MAX_WAIT_MS = 1000,
    FETCH_SLICE_MS = 50,            /* how often a waiting poll looks for a cancel */
    DEFAULT_TARGET_RESULT_SIZE = 1 << 20,
    MAX_TARGET_RESULT_SIZE = 128 << 20,
};

typedef enum statement_uri_kind { URI_QUEUED, URI_EXECUTING, URI_PARTIAL_CANCEL } statement_uri_kind;

typedef struct statement_uri {
    statement_uri_kind kind;
    char id[64];
    char slug[64];
    int64_t token;
} statement_uri;

static const char json_type[] = "application/json";

/* ---- small parsers -------------------------------------------------------------------- */

static bool parse_token(const char *text, int64_t *out)
{
    if (!*text || strlen(text) > 18)
        return false;
    int64_t n = 0;
    for (const char *p = text; *p; p++) {
        if (!isdigit((unsigned char)*p))
            return false;
        n = n * 10 + (*p - '0');
    }
    *out = n;
    return true;
}

/* Splits "a/b/c" after `prefix` into at most `max` segments. */
static int split_segments(const char *path, char segments[][64], int max)
{
    int n = 0;
    const char *p = path;
    while (*p && n < max) {
        const char *slash = strchr(p, '/');
        size_t length = slash ? (size_t)(slash - p) : strlen(p);
        if (length == 0 || length >= 64)
            return -1;
        memcpy(segments[n], p, length);
        segments[n][length] = '\0';
        n++;
        if (!slash)
            return n;
        p = slash + 1;
    }
    return *p ? -1 : n;
}

static bool parse_statement_uri(const char *path, statement_uri *out)
{
    const char *rest;
    if (strncmp(path, "/v1/statement/queued/", 21) == 0) {
        out->kind = URI_QUEUED;
        rest = path + 21;
    } else if (strncmp(path, "/v1/statement/executing/partialCancel/", 38) == 0) {
        out->kind = URI_PARTIAL_CANCEL;
        rest = path + 38;
    } else if (strncmp(path, "/v1/statement/executing/", 24) == 0) {
        out->kind = URI_EXECUTING;
        rest = path + 24;
    } else {
        return false;
    }
    char segments[4][64];
    int n = split_segments(rest, segments, 4);
    int expected = out->kind == URI_PARTIAL_CANCEL ? 4 : 3;
    if (n != expected)
        return false;
    snprintf(out->id, sizeof out->id, "%s", segments[0]);
    snprintf(out->slug, sizeof out->slug, "%s", segments[n - 2]);
    return parse_token(segments[n - 1], &out->token);
}

/* airlift Duration: "1s", "500ms", "1.50s", "2m", "100us", "10ns" → ms. */
static bool parse_duration_ms(const char *text, int64_t *out)
{
    char *end = NULL;
    double value = strtod(text, &end);
    if (end == text || value < 0)
        return false;
    while (*end == ' ')
        end++;
    static const struct { const char *unit; double ms; } units[] = {
        {"ns", 1e-6}, {"us", 1e-3}, {"ms", 1}, {"s", 1000}, {"m", 60000}, {"h", 3600000}, {"d", 86400000},
    };
    for (size_t i = 0; i < sizeof units / sizeof *units; i++) {
        if (strcmp(end, units[i].unit) == 0) {
            double ms = value * units[i].ms;
            *out = ms > 1e12 ? (int64_t)1e12 : (int64_t)ms;
            return true;
        }
    }
    return false;
}

/* airlift DataSize: "1MB", "16MB", "512kB", "1000B", "1.5GB" → bytes. */
static bool parse_data_size(const char *text, int64_t *out)
{
    char *end = NULL;
    double value = strtod(text, &end);
    if (end == text || value < 0)
        return false;
    while (*end == ' ')
        end++;
    static const struct { const char *unit; double bytes; } units[] = {
        {"B", 1}, {"kB", 1024.0}, {"MB", 1048576.0}, {"GB", 1073741824.0}, {"TB", 1099511627776.0},
    };
    for (size_t i = 0; i < sizeof units / sizeof *units; i++) {
        if (strcmp(end, units[i].unit) == 0) {
            double bytes = value * units[i].bytes;
            *out = bytes > 1e15 ? (int64_t)1e15 : (int64_t)bytes;
            return true;
        }
    }
    return false;
}

static int64_t ns_to_ms(int64_t ns) { return ns / 1000000; }

/* ---- documents ----------------------------------------------------------------------------- */

static void info_uri(const http_request *r, const tracked_query *tq, char *out, size_t size)
{
    snprintf(out, size, "%s/ui/query.html?%s", http_request_base_uri(r), tq->id);
}

/* The document's stats; once the query runs, its stage tree too (in
 * `stages`, which must outlive the document). */
typedef struct stage_storage {
    stage_stats stage;
    task_stats task;
} stage_storage;

static void fill_stats(const tracked_query *tq, const char *state, statement_stats *s, stage_storage *stages,
                       const char *node_uri)
{
    int64_t now = tracker_now_ns();
    int64_t end = tq->ended_ns ? tq->ended_ns : now;
    memset(s, 0, sizeof *s);
    s->state = state;
    s->queued = strcmp(state, "QUEUED") == 0;
    s->scheduled = tq->phase != TRACKED_QUEUED;
    s->nodes = tq->phase != TRACKED_QUEUED ? 1 : 0;
    int64_t queued_until = tq->started_ns ? tq->started_ns : end;
    s->queued_time_ms = ns_to_ms(queued_until - tq->created_ns);
    s->elapsed_time_ms = ns_to_ms(end - tq->created_ns);
    s->wall_time_ms = tq->started_ns ? ns_to_ms(end - tq->started_ns) : 0;
    s->cpu_time_ms = ns_to_ms(tracked_query_cpu_ns(tq));
    s->peak_memory_bytes = tracked_query_peak_memory(tq);
    query_progress p;
    tracked_query_progress(tq, &p);
    s->total_splits = p.total_splits;
    s->queued_splits = p.queued_splits;
    s->running_splits = p.running_splits;
    s->completed_splits = p.completed_splits;
    /* processed = raw input: what table scans read; statements without one
     * (VALUES, SHOW, DDL) count the rows they produced */
    s->processed_rows = p.has_table_scans ? p.processed_rows : tq->rows_sent;
    s->processed_bytes = p.has_table_scans ? p.processed_bytes : tq->bytes_sent;
    if (!s->scheduled)
        return;
    stage_counters times = {
        .cpu_time_ms = s->cpu_time_ms,
        .wall_time_ms = s->wall_time_ms,
        .output_rows = tq->rows_sent,
        .peak_memory_bytes = s->peak_memory_bytes,
    };
    bool canceled = tq->failed && tq->error.code == ERR_USER_CANCELED;
    query_stages_single(&p, state, canceled, &times, NULL, node_uri, &stages->stage, &stages->task);
    stages->stage.counters.processed_rows = s->processed_rows;
    stages->stage.counters.processed_bytes = s->processed_bytes;
    stages->task.counters = stages->stage.counters;
    s->root_stage = &stages->stage;
}

static void respond_document(http_request *r, text_builder *body, const http_headers *headers)
{
    if (!text_builder_ok(body)) {
        text_builder_free(body);
        http_request_respond_text(r, 500, "Out of memory");
        return;
    }
    http_request_respond(r, 200, json_type, text_builder_cstr(body), body->length, headers);
    text_builder_free(body);
}

static void write_queued_document(http_request *r, const tracked_query *tq, const char *next_uri,
                                  text_builder *out)
{
    char info[512];
    info_uri(r, tq, info, sizeof info);
    query_results doc = {.id = tq->id, .info_uri = info, .next_uri = next_uri};
    stage_storage stages;
    fill_stats(tq, tq->failed ? "FAILED" : "QUEUED", &doc.stats, &stages, NULL);
    doc.stats.queued = !tq->failed;
    doc.stats.scheduled = false;
    doc.stats.nodes = 0;
    doc.stats.root_stage = NULL; /* queued documents: times only, as Trino's */
    doc.stats.total_splits = doc.stats.queued_splits = doc.stats.running_splits = doc.stats.completed_splits = 0;
    if (tq->failed)
        doc.error = &tq->error;
    query_results_json_write(&doc, out);
}

/* ---- resource groups (actors/resource/resource_manager.h) ---------------------------------- */

/* The callbacks run on the group actor's thread with the manager's lock
 * held: they only publish the outcome on the record (no record lock). */
static void on_admitted(resource_ticket *ticket, void *context)
{
    (void)ticket;
    tracked_query *tq = context;
    atomic_store(&tq->admission, TRACKED_ADMITTED);
}

static void on_rejected(resource_ticket *ticket, const shoal_error *error, void *context)
{
    (void)ticket;
    tracked_query *tq = context;
    tq->admission_error = *error;
    atomic_store(&tq->admission, TRACKED_ADMISSION_REJECTED);
}

/* Trino's query type (what queryType selectors match) from the first
 * keyword; NULL (unknown) when it takes more than a keyword to tell. */
static const char *statement_query_type(const char *sql)
{
    const char *p = sql;
    for (;;) {
        while (isspace((unsigned char)*p) || *p == '(')
            p++;
        if (p[0] == '-' && p[1] == '-') {
            while (*p && *p != '\n')
                p++;
        } else if (p[0] == '/' && p[1] == '*') {
            const char *end = strstr(p + 2, "*/");
            p = end ? end + 2 : p + strlen(p);
        } else {
            break;
        }
    }
    char word[16];
    size_t n = 0;
    while (n + 1 < sizeof word && isalpha((unsigned char)p[n])) {
        word[n] = (char)toupper((unsigned char)p[n]);
        n++;
    }
    word[n] = '\0';
    static const struct { const char *keyword; const char *type; } types[] = {
        {"SELECT", "SELECT"}, {"WITH", "SELECT"}, {"VALUES", "SELECT"}, {"TABLE", "SELECT"},
        {"SHOW", "DESCRIBE"}, {"DESCRIBE", "DESCRIBE"}, {"EXPLAIN", "EXPLAIN"}, {"INSERT", "INSERT"},
        {"UPDATE", "UPDATE"}, {"DELETE", "DELETE"}, {"MERGE", "MERGE"}, {"ANALYZE", "ANALYZE"},
        {"DROP", "DATA_DEFINITION"}, {"USE", "DATA_DEFINITION"}, {"SET", "DATA_DEFINITION"},
        {"RESET", "DATA_DEFINITION"}, {"GRANT", "DATA_DEFINITION"}, {"REVOKE", "DATA_DEFINITION"},
        {"COMMENT", "DATA_DEFINITION"}, {"START", "DATA_DEFINITION"}, {"COMMIT", "DATA_DEFINITION"},
        {"ROLLBACK", "DATA_DEFINITION"}, {"PREPARE", "DATA_DEFINITION"}, {"DEALLOCATE", "DATA_DEFINITION"},
    };
    for (size_t i = 0; i < sizeof types / sizeof *types; i++)
        if (strcmp(word, types[i].keyword) == 0)
            return types[i].type;
    /* CREATE [TABLE ... AS] and ALTER [TABLE ... EXECUTE] need more than a keyword */
    return NULL;
}

/* Submits a registered query (tq->lock held) with who runs it from the
 * request's session; false with *error when no group takes it. */
static bool submit_to_resource_group(coordinator *c, tracked_query *tq, shoal_error *error)
{
    const session *s = tq->client.session;
    char *tags_copy = tq->client.client_tags ? strdup(tq->client.client_tags) : NULL;
    const char *tags[64];
    size_t tag_count = 0;
    char *save = NULL;
    for (char *tag = tags_copy ? strtok_r(tags_copy, ",", &save) : NULL; tag && tag_count < 64;
         tag = strtok_r(NULL, ",", &save)) {
        while (isspace((unsigned char)*tag))
            tag++;
        if (*tag)
            tags[tag_count++] = tag;
    }
    const char *priority = session_property(s, "query_priority");
    query_identity who = {
        .user = s->user,
        .source = s->source,
        .client_tags = tags,
        .client_tag_count = tag_count,
        .query_type = statement_query_type(tq->sql),
        .query_priority = priority ? strtoll(priority, NULL, 10) : 0,
    };
    atomic_store(&tq->admission, TRACKED_ADMISSION_PENDING);
    atomic_fetch_add(&tq->refs, 1); /* the callbacks' reference, dropped when the ticket ends */
    resource_ticket *ticket =
        resource_manager_submit(c->config.resource_manager, &who, on_admitted, on_rejected, tq, error);
    free(tags_copy);
    if (!ticket) {
        atomic_fetch_sub(&tq->refs, 1);
        return false;
    }
    tq->rm = c->config.resource_manager;
    tq->ticket = ticket;
    return true;
}

/* A queued GET while the query waits for its group: wait up to maxWait (at
 * most 1 s, as Trino's queued resource) for the admission (tq->lock held,
 * the record busy). A reject fails the query with the group's error. */
static void wait_for_admission_locked(const http_request *r, tracked_query *tq)
{
    int64_t wait_ms = MAX_WAIT_MS, value;
    char text[64];
    if (http_request_query_param(r, "maxWait", text, sizeof text) && parse_duration_ms(text, &value) &&
        value < wait_ms)
        wait_ms = value;
    int64_t deadline = tracker_now_ns() + wait_ms * 1000000;
    while (atomic_load(&tq->admission) == TRACKED_ADMISSION_PENDING && !tq->failed &&
           !atomic_load(&tq->cancel_requested) && tracker_now_ns() < deadline) {
        pthread_mutex_unlock(&tq->lock);
        struct timespec slice = {0, 5 * 1000000};
        nanosleep(&slice, NULL);
        pthread_mutex_lock(&tq->lock);
    }
    if (atomic_load(&tq->admission) == TRACKED_ADMISSION_REJECTED && !tq->failed) {
        tq->error = tq->admission_error;
        tq->failed = true;
    }
}

/* ---- POST ------------------------------------------------------------------------------------ */

static size_t utf8_length(const char *s, size_t bytes)
{
    size_t n = 0;
    for (size_t i = 0; i < bytes; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            n++;
    return n;
}

static void post_statement(coordinator *c, http_request *r, const char *principal)
{
    if (atomic_load(&c->shutting_down)) {
        http_request_respond_text(r, 503, "Server is shutting down");
        return;
    }
    size_t length = 0;
    const char *body = http_request_body(r, &length);
    if (length == 0) {
        http_request_respond_text(r, 400, "SQL statement is empty");
        return;
    }
    client_session client;
    session_header_error header_error = {0};
    const char *alternate = c->alternate_header_name[0] ? c->alternate_header_name : NULL;
    if (!session_headers_parse(r, alternate, principal, &client, &header_error)) {
        http_request_respond_text(r, header_error.status, header_error.message);
        return;
    }
    /* Trino's default access control denies impersonation */
    bool impersonating = client.impersonating;
    char denied[600] = "";
    if (impersonating)
        snprintf(denied, sizeof denied, "Access Denied: User %s cannot impersonate user %s", client.principal,
                 client.session->user);
    char *sql = strndup(body, length);
    if (!sql) {
        client_session_free(&client);
        http_request_respond_text(r, 500, "Out of memory");
        return;
    }
    size_t characters = utf8_length(body, length);
    tracked_query *tq = query_tracker_register(c->tracker, sql, &client);
    if (!tq) {
        http_request_respond_text(r, 500, "Out of memory");
        return;
    }
    if (impersonating) {
        pthread_mutex_lock(&tq->lock);
        error_set(&tq->error, ERR_PERMISSION_DENIED, "%s", denied);
        tq->failed = true;
        pthread_mutex_unlock(&tq->lock);
    } else if ((int64_t)characters > c->config.max_query_length) {
        pthread_mutex_lock(&tq->lock);
        error_set(&tq->error, ERR_QUERY_TEXT_TOO_LARGE, "Query text length (%zu) exceeds the maximum length (%" PRId64 ")",
                  characters, c->config.max_query_length);
        tq->failed = true;
        pthread_mutex_unlock(&tq->lock);
    }
    /* resource groups: the query stays QUEUED until its group admits it */
    if (c->config.resource_manager) {
        pthread_mutex_lock(&tq->lock);
        shoal_error error;
        error_clear(&error);
        if (!tq->failed && !submit_to_resource_group(c, tq, &error)) {
            tq->error = error;
            tq->failed = true;
        }
        pthread_mutex_unlock(&tq->lock);
    }
    char next[512];
    snprintf(next, sizeof next, "%s/v1/statement/queued/%s/%s/1", http_request_base_uri(r), tq->id, tq->slug);
    text_builder out;
    text_builder_init(&out);
    pthread_mutex_lock(&tq->lock);
    bool failed = tq->failed;
    tq->failed = false; /* the POST answer is always QUEUED; the failure shows on the next page */
    write_queued_document(r, tq, next, &out);
    tq->failed = failed;
    pthread_mutex_unlock(&tq->lock);
    query_tracker_release(c->tracker, tq);
    respond_document(r, &out, NULL);
}

/* ---- queued GET --------------------------------------------------------------------------------- */

static void start_query_locked(coordinator *c, tracked_query *tq)
{
    session *s = tq->client.session;
    session *before = session_headers_snapshot(s);
    tq->started_ns = tracker_now_ns();
    /* its pipelines share CPU by the resource group's schedulingWeight */
    query_submit_options options = {.sched_group = tq->ticket ? resource_ticket_sched_group(tq->ticket) : NULL};
    tq->q = query_submit_with(c->engine, s, tq->sql, &options);
    tq->phase = TRACKED_STARTED;
    if (!tq->q) {
        error_set(&tq->error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
        tq->failed = true;
    } else if (query_get_state(tq->q) != QUERY_FAILED && before) {
        session_headers_changes(before, s, query_update_type(tq->q), &tq->client.family, &tq->set_headers);
    }
    session_free(before);
    if (atomic_load(&tq->cancel_requested)) {
        tq->busy = false; /* we are the driver: let the cancel reach the engine */
        tracked_query_apply_cancel_locked(tq);
        tq->busy = true;
    }
}

static void get_queued(coordinator *c, http_request *r, tracked_query *tq, const statement_uri *uri)
{
    pthread_mutex_lock(&tq->lock);
    if (uri->token != tq->queued_token && uri->token != tq->queued_token + 1) {
        pthread_mutex_unlock(&tq->lock);
        http_request_respond(r, 410, NULL, "", 0, NULL);
        return;
    }
    tq->queued_token = uri->token;
    tracked_query_acquire_locked(tq);
    if (tq->phase == TRACKED_QUEUED && !tq->failed)
        wait_for_admission_locked(r, tq); /* resource groups; returns at once when admitted */
    if (tq->phase == TRACKED_QUEUED && !tq->failed && !atomic_load(&c->shutting_down) &&
        atomic_load(&tq->admission) == TRACKED_ADMITTED)
        start_query_locked(c, tq);
    text_builder out;
    text_builder_init(&out);
    if (tq->phase != TRACKED_STARTED && tq->failed) {
        /* failed before it started (canceled, text too large): final here */
        write_queued_document(r, tq, NULL, &out);
        tracked_query_finish_locked(c->tracker, tq, true);
    } else if (tq->phase == TRACKED_QUEUED) {
        char next[512];
        snprintf(next, sizeof next, "%s/v1/statement/queued/%s/%s/%" PRId64, http_request_base_uri(r), tq->id,
                 tq->slug, uri->token + 1);
        write_queued_document(r, tq, next, &out);
    } else {
        char next[512];
        snprintf(next, sizeof next, "%s/v1/statement/executing/%s/%s/0", http_request_base_uri(r), tq->id,
                 tq->slug);
        bool failed = tq->failed;
        tq->failed = false;
        write_queued_document(r, tq, next, &out);
        tq->failed = failed;
    }
    tracked_query_release_locked(tq);
    pthread_mutex_unlock(&tq->lock);
    respond_document(r, &out, NULL);
}

/* ---- executing GET -------------------------------------------------------------------------------- */

typedef struct page_request {
    int64_t wait_ms;
    int64_t target_bytes;
} page_request;

static void read_page_request(const http_request *r, page_request *out)
{
    char text[64];
    out->wait_ms = MAX_WAIT_MS;
    out->target_bytes = DEFAULT_TARGET_RESULT_SIZE;
    int64_t value;
    if (http_request_query_param(r, "maxWait", text, sizeof text) && parse_duration_ms(text, &value) &&
        value < out->wait_ms)
        out->wait_ms = value;
    if (http_request_query_param(r, "targetResultSize", text, sizeof text) && parse_data_size(text, &value))
        out->target_bytes = value < 1 ? 1 : value > MAX_TARGET_RESULT_SIZE ? MAX_TARGET_RESULT_SIZE : value;
}

/* Moves rows from the pending page into `rows` until the target is reached. */
static void take_pending_rows(tracked_query *tq, text_builder *rows, int64_t target, int64_t *row_count)
{
    page *p = tq->pending;
    while (tq->pending_row < p->row_count && (int64_t)rows->length < target) {
        query_results_json_rows(p, tq->pending_row, tq->pending_row + 1, *row_count == 0, rows);
        tq->pending_row++;
        (*row_count)++;
    }
    if (tq->pending_row >= p->row_count) {
        page_unref(p);
        tq->pending = NULL;
    }
}

/* The driver (busy) cancels the engine query itself: nobody else may touch
 * it while we are allowed to be inside query_fetch. */
static void cancel_as_driver(tracked_query *tq)
{
    if (tq->q && !tq->engine_canceled && atomic_load(&tq->cancel_requested)) {
        tq->engine_canceled = true;
        if (query_get_state(tq->q) != QUERY_FAILED && query_get_state(tq->q) != QUERY_FINISHED)
            query_cancel(tq->q);
    }
    if (tq->pending) {
        page_unref(tq->pending);
        tq->pending = NULL;
    }
    tq->busy = false; /* apply the error with the usual rules, then take the role back */
    tracked_query_apply_cancel_locked(tq);
    tq->busy = true;
}

/* Fetches rows until there are about target bytes, the query ends, or the
 * wait is over with nothing to send. */
static int64_t collect_rows(tracked_query *tq, const page_request *pr, text_builder *rows)
{
    int64_t row_count = 0;
    int64_t deadline = tracker_now_ns() + pr->wait_ms * 1000000;
    while (tq->q) {
        if (atomic_load(&tq->cancel_requested) || tq->failed) {
            cancel_as_driver(tq);
            break;
        }
        if (tq->pending) {
            take_pending_rows(tq, rows, pr->target_bytes, &row_count);
            if ((int64_t)rows->length >= pr->target_bytes || !text_builder_ok(rows))
                break;
            continue;
        }
        if (tq->fetch_done)
            break;
        int64_t left_ms = (deadline - tracker_now_ns()) / 1000000;
        int timeout = row_count > 0 || left_ms <= 0 ? 0 : (int)(left_ms < FETCH_SLICE_MS ? left_ms : FETCH_SLICE_MS);
        page *p = NULL;
        shoal_error error;
        error_clear(&error);
        /* busy keeps other drivers out; the lock is free for readers while we wait */
        if (timeout > 0)
            pthread_mutex_unlock(&tq->lock);
        query_fetch_status status = query_fetch(tq->q, &p, timeout, &error);
        if (timeout > 0)
            pthread_mutex_lock(&tq->lock);
        switch (status) {
        case QUERY_FETCH_PAGE:
            if (p && p->row_count > 0) {
                tq->pending = p;
                tq->pending_row = 0;
            } else if (p) {
                page_unref(p);
            }
            continue;
        case QUERY_FETCH_WAITING:
            if (row_count > 0 || tracker_now_ns() >= deadline)
                return row_count;
            continue;
        case QUERY_FETCH_DONE:
            tq->fetch_done = true;
            continue;
        case QUERY_FETCH_FAILED:
            if (!tq->failed) {
                tq->error = error_is_set(&error) ? error : *query_error(tq->q);
                tq->failed = true;
            }
            return row_count;
        }
    }
    return row_count;
}

static void build_executing_page(coordinator *c, http_request *r, tracked_query *tq, int64_t token,
                                 const page_request *pr, text_builder *out)
{
    text_builder rows;
    text_builder_init(&rows);
    int64_t row_count = collect_rows(tq, pr, &rows);
    bool final = tq->failed || tq->phase == TRACKED_DONE || (tq->fetch_done && !tq->pending);
    const char *state = tq->failed ? "FAILED" : tq->phase == TRACKED_DONE ? tq->final_state
                                   : final ? "FINISHED" : "RUNNING";
    char info[512], next[512];
    info_uri(r, tq, info, sizeof info);
    snprintf(next, sizeof next, "%s/v1/statement/executing/%s/%s/%" PRId64, http_request_base_uri(r), tq->id,
             tq->slug, token + 1);
    query_results doc = {.id = tq->id, .info_uri = info, .next_uri = final ? NULL : next};
    doc.parametric_datetime = tq->client.parametric_datetime;
    const char *update_type = tq->q ? query_update_type(tq->q) : NULL;
    int column_count = tq->q ? query_column_count(tq->q) : 0;
    if (tq->q && !(tq->failed && column_count == 0)) {
        doc.columns = query_columns(tq->q);
        doc.column_count = column_count;
        /* statements without output send `columns: []` once */
        doc.has_columns = column_count > 0 || !update_type ? true : !tq->columns_sent;
        tq->columns_sent = true;
    }
    doc.update_type = update_type;
    char count_row[48];
    if (final && !tq->failed && tq->q && query_has_update_count(tq->q)) {
        doc.has_update_count = true;
        doc.update_count = query_update_count(tq->q);
        snprintf(count_row, sizeof count_row, "[%" PRId64 "]", doc.update_count);
        text_builder_clear(&rows);
        text_builder_append_cstr(&rows, count_row);
        row_count = 1;
    }
    if (!tq->failed) {
        doc.rows_json = row_count > 0 ? text_builder_cstr(&rows) : NULL;
        tq->rows_sent += row_count;
        tq->bytes_sent += (int64_t)rows.length;
    }
    if (tq->failed)
        doc.error = &tq->error;
    if (final && tq->phase != TRACKED_DONE) {
        tq->ended_ns = tracker_now_ns();
    }
    stage_storage stages;
    fill_stats(tq, state, &doc.stats, &stages, http_request_base_uri(r));
    query_results_json_write(&doc, out);
    text_builder_free(&rows);
    if (final)
        tracked_query_finish_locked(c->tracker, tq, tq->failed);
}

static void get_executing(coordinator *c, http_request *r, tracked_query *tq, const statement_uri *uri)
{
    page_request pr;
    read_page_request(r, &pr);
    pthread_mutex_lock(&tq->lock);
    if (tq->phase == TRACKED_QUEUED) {
        pthread_mutex_unlock(&tq->lock);
        http_request_respond_text(r, 404, "Query not found");
        return;
    }
    tracked_query_acquire_locked(tq);
    http_headers headers;
    http_headers_init(&headers);
    if (!tq->failed)
        http_headers_copy(&headers, &tq->set_headers);
    if (uri->token == tq->exec_token && tq->cached_body) {
        char *body = strndup(tq->cached_body, tq->cached_length);
        size_t length = tq->cached_length;
        tracked_query_release_locked(tq);
        pthread_mutex_unlock(&tq->lock);
        if (body)
            http_request_respond(r, 200, json_type, body, length, &headers);
        else
            http_request_respond_text(r, 500, "Out of memory");
        free(body);
        http_headers_free(&headers);
        return;
    }
    if (uri->token < tq->exec_token) {
        tracked_query_release_locked(tq);
        pthread_mutex_unlock(&tq->lock);
        http_headers_free(&headers);
        http_request_respond(r, 410, NULL, "", 0, NULL);
        return;
    }
    if (uri->token != tq->exec_token + 1 || tq->cached_final) {
        tracked_query_release_locked(tq);
        pthread_mutex_unlock(&tq->lock);
        http_headers_free(&headers);
        http_request_respond_text(r, 404, "Query not found");
        return;
    }
    text_builder out;
    text_builder_init(&out);
    build_executing_page(c, r, tq, uri->token, &pr, &out);
    if (tq->failed) {
        http_headers_free(&headers); /* a failed statement changed nothing */
        http_headers_init(&headers);
    }
    if (text_builder_ok(&out)) {
        free(tq->cached_body);
        tq->cached_length = out.length;
        tq->cached_body = strndup(text_builder_cstr(&out), out.length);
        tq->exec_token = uri->token;
        tq->cached_final = tq->phase == TRACKED_DONE;
    }
    tracked_query_release_locked(tq);
    pthread_mutex_unlock(&tq->lock);
    if (text_builder_ok(&out))
        http_request_respond(r, 200, json_type, text_builder_cstr(&out), out.length, &headers);
    else
        http_request_respond_text(r, 500, "Out of memory");
    text_builder_free(&out);
    http_headers_free(&headers);
}

/* ---- dispatch ------------------------------------------------------------------------------------------ */

static void handle_statement_uri(void *context, http_request *r)
{
    coordinator *c = context;
    statement_uri uri;
    const char *method = http_request_method(r);
    if (!parse_statement_uri(http_request_path(r), &uri)) {
        http_request_respond_text(r, 404, "Query not found");
        return;
    }
    bool is_delete = strcmp(method, "DELETE") == 0;
    if (uri.kind == URI_PARTIAL_CANCEL) {
        /* no stages to cancel separately: a partial cancel changes nothing */
        http_request_respond(r, is_delete ? 204 : 405, NULL, "", 0, NULL);
        return;
    }
    if (!is_delete && strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
        http_request_respond_text(r, 405, "Method not allowed");
        return;
    }
    tracked_query *tq = query_tracker_get(c->tracker, uri.id);
    if (!tq || strcmp(tq->slug, uri.slug) != 0) {
        query_tracker_release(c->tracker, tq);
        http_request_respond_text(r, 404, "Query not found");
        return;
    }
    tracked_query_touch(tq);
    if (is_delete) {
        tracked_query_cancel(tq, ERR_USER_CANCELED, "Query was canceled");
        http_request_respond(r, 204, NULL, "", 0, NULL);
    } else if (uri.kind == URI_QUEUED) {
        get_queued(c, r, tq, &uri);
    } else {
        get_executing(c, r, tq, &uri);
    }
    query_tracker_release(c->tracker, tq);
}

void statement_resource_handle(void *context, http_request *r)
{
    coordinator *c = context;
    const char *path = http_request_path(r);
    if (strcmp(path, "/v1/statement") == 0) {
        authentication_result auth;
        if (strcmp(http_request_method(r), "POST") != 0)
            http_request_respond_text(r, 405, "Method not allowed");
        else if (coordinator_authenticate(c, r, statement_resource_handle, c, &auth))
            post_statement(c, r, auth.principal);
        return;
    }
    http_request_defer(r, handle_statement_uri, c);
}
