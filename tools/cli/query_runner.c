/*
 * query_runner.c — one statement from POST to the final document.
 *
 * Update statements (updateType) are reported on stderr as Trino's CLI does
 * ("USE", "CREATE TABLE", "INSERT: 5 rows"); their rows are only printed
 * when there are columns and no update count. Rows of ordinary queries are
 * given to the printer page by page.
 */
#include "query_runner.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "json_values.h"
#include "progress.h"

typedef struct run_state {
    rest_client *client;
    client_session *session;
    const query_runner_options *o;
    const char *sql;
    char *query_id;
    json_t *columns;          /* the columns array (own reference) */
    json_t *held_rows;        /* rows of an update statement, printed at the end if at all */
    char *update_type;
    json_t *update_count;
    result_printer *printer;
    json_t *last;             /* the last document */
    progress_line progress;
} run_state;

static void error_line(run_state *r, const char *format, const char *a, const char *b)
{
    progress_clear(&r->progress);
    fprintf(r->o->err, "Error running command: ");
    fprintf(r->o->err, format, a, b);
    fputc('\n', r->o->err);
}

static bool make_printer(run_state *r)
{
    size_t n = json_array_size(r->columns);
    output_column *columns = calloc(n + 1, sizeof *columns);
    if (!columns)
        return false;
    for (size_t c = 0; c < n; c++) {
        const json_t *column = json_array_get(r->columns, c);
        columns[c].name = json_string_value(json_object_get(column, "name"));
        columns[c].numeric = json_signature_is_numeric(json_object_get(column, "typeSignature"));
    }
    r->printer = result_printer_new_rows(r->o->out, r->o->format, (int)n, columns);
    free(columns);
    return r->printer != NULL;
}

static bool print_rows(run_state *r, const json_t *rows)
{
    size_t n = json_array_size(r->columns);
    bool json = r->o->format == OUTPUT_JSON;
    text_builder *cells = calloc(n + 1, sizeof *cells);
    const char **texts = calloc(n + 1, sizeof *texts);
    bool ok = cells && texts;
    for (size_t c = 0; ok && c < n; c++)
        text_builder_init(&cells[c]);
    for (size_t i = 0; ok && i < json_array_size(rows); i++) {
        const json_t *row = json_array_get(rows, i);
        for (size_t c = 0; c < n; c++) {
            const json_t *value = json_array_get(row, c);
            const json_t *signature = json_object_get(json_array_get(r->columns, c), "typeSignature");
            text_builder_clear(&cells[c]);
            bool null = !value || json_is_null(value);
            if (json)
                ok = ok && json_value_token(value ? value : json_null(), signature, &cells[c]);
            else if (!null)
                ok = ok && json_value_text(value, signature, &cells[c]);
            texts[c] = null && !json ? NULL : text_builder_cstr(&cells[c]);
        }
        ok = ok && result_printer_add_row(r->printer, json ? NULL : texts, json ? texts : NULL);
    }
    for (size_t c = 0; cells && c < n; c++)
        text_builder_free(&cells[c]);
    free(cells);
    free(texts);
    return ok;
}

/* Takes what a document brings: columns, rows, update type/count. */
static bool take_document(run_state *r, json_t *doc)
{
    json_decref(r->last);
    r->last = doc;
    const char *id = json_string_value(json_object_get(doc, "id"));
    if (id && !r->query_id)
        r->query_id = strdup(id);
    const char *update_type = json_string_value(json_object_get(doc, "updateType"));
    if (update_type && !r->update_type)
        r->update_type = strdup(update_type);
    json_t *count = json_object_get(doc, "updateCount");
    if (count) {
        json_decref(r->update_count);
        r->update_count = json_incref(count);
    }
    json_t *columns = json_object_get(doc, "columns");
    if (columns && !r->columns)
        r->columns = json_incref(columns);
    json_t *data = json_object_get(doc, "data");
    if (!r->columns || !json_array_size(data))
        return true;
    if (r->update_type) {
        if (!r->held_rows)
            r->held_rows = json_array();
        return json_array_extend(r->held_rows, data) == 0;
    }
    progress_clear(&r->progress);
    if (!r->printer && !make_printer(r))
        return false;
    return print_rows(r, data);
}

static void apply_headers(run_state *r, const rest_reply *reply)
{
    for (size_t i = 0; i < reply->header_count; i++)
        client_session_apply_header(r->session, reply->header_names[i], reply->header_values[i]);
}

static json_t *parse_reply(run_state *r, const rest_reply *reply, const char *url)
{
    json_error_t error;
    json_t *doc = json_loadb(reply->body, reply->length, 0, &error);
    if (!json_is_object(doc)) {
        json_decref(doc);
        char detail[400];
        snprintf(detail, sizeof detail, "%.150s (%.200s)", error.text, reply->body);
        error_line(r, "Invalid response from %s: %s", url, detail);
        return NULL;
    }
    return doc;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Cancels the query at its current nextUri (the slug authorises it). */
static void cancel(run_state *r, const char *next_uri)
{
    rest_reply reply;
    char error[256];
    rest_client_request(r->client, "DELETE", next_uri, NULL, NULL, false, &reply, error, sizeof error);
    rest_reply_free(&reply);
    progress_clear(&r->progress);
    fprintf(r->o->err, "Query aborted by user\n");
}

/* GETs `url` until a 200 (502/503/504 are retried for up to 30 s, as the Java client does). */
static rest_outcome fetch(run_state *r, const char *url, rest_reply *reply)
{
    char error[512];
    for (int attempt = 1;; attempt++) {
        rest_outcome outcome = rest_client_request(r->client, "GET", url, NULL, NULL, true, reply, error, sizeof error);
        if (outcome == REST_TRANSPORT_ERROR) {
            error_line(r, "Error fetching next at %s: %s", url, error);
            rest_reply_free(reply);
            return outcome;
        }
        if (outcome == REST_INTERRUPTED || reply->status == 200)
            return outcome;
        bool retry = (reply->status == 502 || reply->status == 503 || reply->status == 504) && attempt < 300;
        if (!retry) {
            char status[300];
            snprintf(status, sizeof status, "HTTP %ld %.200s", reply->status, reply->body ? reply->body : "");
            error_line(r, "Error fetching next at %s returned %s", url, status);
            rest_reply_free(reply);
            return REST_TRANSPORT_ERROR;
        }
        rest_reply_free(reply);
        sleep_ms(100);
    }
}

static bool submit(run_state *r)
{
    char url[2048], error[512];
    snprintf(url, sizeof url, "%s/v1/statement", r->session->server);
    char **headers = client_session_headers(r->session);
    if (!headers) {
        error_line(r, "%s%s", "out of memory", "");
        return false;
    }
    rest_reply reply;
    rest_outcome outcome = rest_client_request(r->client, "POST", url, r->sql, headers, false, &reply, error,
                                               sizeof error);
    client_session_free_headers(headers);
    if (outcome != REST_OK) {
        error_line(r, "Failed to connect to %s: %s", r->session->server, error);
        rest_reply_free(&reply);
        return false;
    }
    if (reply.status != 200) {
        char status[600];
        snprintf(status, sizeof status, "HTTP %ld: %.500s", reply.status, reply.body);
        error_line(r, "Error starting query at %s returned %s", url, status);
        rest_reply_free(&reply);
        return false;
    }
    json_t *doc = parse_reply(r, &reply, url);
    rest_reply_free(&reply);
    return doc && take_document(r, doc);
}

/* Follows nextUri to the final document; false on a transport failure or an abort. */
static bool follow(run_state *r)
{
    for (;;) {
        const char *next = json_string_value(json_object_get(r->last, "nextUri"));
        if (!next)
            return true;
        char *url = strdup(next);
        if (!url)
            return false;
        if (r->o->interrupted && *r->o->interrupted) {
            cancel(r, url);
            free(url);
            return false;
        }
        rest_reply reply;
        rest_outcome outcome = fetch(r, url, &reply);
        if (outcome == REST_INTERRUPTED) {
            rest_reply_free(&reply);
            cancel(r, url);
            free(url);
            return false;
        }
        if (outcome != REST_OK) {
            free(url);
            return false;
        }
        apply_headers(r, &reply);
        json_t *doc = parse_reply(r, &reply, url);
        rest_reply_free(&reply);
        free(url);
        if (!doc || !take_document(r, doc))
            return false;
        progress_update(&r->progress, r->query_id, json_object_get(r->last, "stats"));
    }
}

void query_render_failure(FILE *err, const char *query_id, const char *sql, const json_t *error)
{
    const char *message = json_string_value(json_object_get(error, "message"));
    fprintf(err, "Query %s failed: %s\n", query_id ? query_id : "?", message ? message : "Internal error");
    const json_t *location = json_object_get(error, "errorLocation");
    long line = (long)json_integer_value(json_object_get(location, "lineNumber"));
    long column = (long)json_integer_value(json_object_get(location, "columnNumber"));
    if (!location || line < 1 || column < 1)
        return;
    const char *start = sql;
    for (long i = 1; i < line && start; i++) {
        start = strchr(start, '\n');
        if (start)
            start++;
    }
    if (!start)
        return;
    const char *end = strchr(start, '\n');
    int length = end ? (int)(end - start) : (int)strlen(start);
    int prefix = fprintf(err, "LINE %ld: ", line);
    fprintf(err, "%.*s\n", length, start);
    /* the column counts characters: one space each, as Trino's padding */
    fprintf(err, "%*s^\n", prefix + (int)(column - 1), "");
}

/* Trino's renderUpdate: the update type (with the count) on stderr. */
static bool finish_update(run_state *r)
{
    if (r->update_count) {
        long long n = (long long)json_integer_value(r->update_count);
        fprintf(r->o->err, "%s: %lld row%s\n", r->update_type, n, n == 1 ? "" : "s");
        return true;
    }
    fprintf(r->o->err, "%s\n", r->update_type);
    if (json_array_size(r->columns) == 0)
        return true;
    if (!make_printer(r) || (r->held_rows && !print_rows(r, r->held_rows)))
        return false;
    return true;
}

static bool finish(run_state *r)
{
    progress_clear(&r->progress);
    const json_t *error = json_object_get(r->last, "error");
    if (error) {
        query_render_failure(r->o->err, r->query_id, r->sql, error);
        fputc('\n', r->o->err);
        return false;
    }
    bool ok = true;
    if (r->update_type) {
        ok = finish_update(r);
    } else if (!r->columns) {
        fprintf(r->o->err, "Query %s has no columns\n", r->query_id ? r->query_id : "?");
        return false;
    } else if (!r->printer) {
        ok = make_printer(r);
    }
    if (r->printer)
        result_printer_finish(r->printer);
    if (r->o->summary)
        progress_print_summary(r->o->err, r->query_id, json_object_get(r->last, "stats"));
    return ok;
}

bool query_run(rest_client *client, client_session *session, const char *sql, const query_runner_options *o)
{
    run_state r = {.client = client, .session = session, .o = o, .sql = sql};
    if (o->interrupted)
        *o->interrupted = 0;
    progress_begin(&r.progress, o->err, o->progress);
    bool ok = submit(&r) && follow(&r) && finish(&r);
    fflush(o->out);
    if (o->interrupted)
        *o->interrupted = 0;
    result_printer_free(r.printer);
    json_decref(r.columns);
    json_decref(r.held_rows);
    json_decref(r.update_count);
    json_decref(r.last);
    free(r.update_type);
    free(r.query_id);
    return ok;
}
