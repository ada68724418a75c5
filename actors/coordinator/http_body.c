/*
 * http_body.c — asynchronous request-body reader over nng_http_conn:
 * Content-Length bodies in one read_all, chunked bodies through a small
 * incremental decoder fed with whatever bytes arrive.
 *
 * Design notes: one nng_aio does every step (100-continue write, reads); its
 * callback runs on an nng thread and never blocks. The reader is freed with
 * nng_aio_reap, so freeing from inside the done callback is safe.
 */
#include "http_body.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum {
    BODY_TIMEOUT_MS = 30000,
    CHUNK_READ_SIZE = 16384,
    CHUNK_LINE_MAX = 1024,
};

typedef enum body_step { STEP_CONTINUE, STEP_LENGTH, STEP_CHUNKS } body_step;

typedef enum chunk_state {
    CHUNK_SIZE_LINE,    /* hex size [;extensions] CRLF */
    CHUNK_DATA,
    CHUNK_DATA_END,     /* CRLF after the data */
    CHUNK_TRAILER,      /* header lines until an empty one */
    CHUNK_DONE
} chunk_state;

struct http_body_reader {
    nng_http_conn *conn;
    nng_aio *aio;
    http_body_done_fn done;
    void *arg;
    size_t max_bytes;
    body_step step;
    bool chunked;
    /* the body */
    char *data;
    size_t length;
    size_t capacity;
    /* chunk decoder */
    chunk_state state;
    uint64_t chunk_left;
    char line[CHUNK_LINE_MAX];
    size_t line_length;
    char scratch[CHUNK_READ_SIZE];
};

static const char continue_response[] = "HTTP/1.1 100 Continue\r\n\r\n";

static void finish(http_body_reader *r, int status)
{
    char *data = NULL;
    size_t length = 0;
    if (status == 0) {
        data = r->data;
        length = r->length;
        r->data = NULL;
    }
    r->done(r->arg, status, data, length);
}

static bool grow(http_body_reader *r, size_t extra)
{
    if (r->length + extra > r->max_bytes)
        return false;
    if (r->length + extra + 1 <= r->capacity)
        return true;
    size_t capacity = r->capacity ? r->capacity : 4096;
    while (capacity < r->length + extra + 1)
        capacity *= 2;
    if (capacity > r->max_bytes + 1)
        capacity = r->max_bytes + 1;
    char *data = realloc(r->data, capacity);
    if (!data)
        return false;
    r->data = data;
    r->capacity = capacity;
    return true;
}

/* Ends a line of the size/trailer sections; returns 0, 400 or 413. */
static int chunk_line_done(http_body_reader *r)
{
    r->line[r->line_length] = '\0';
    r->line_length = 0;
    if (r->state == CHUNK_TRAILER) {
        if (r->line[0] == '\0')
            r->state = CHUNK_DONE;
        return 0;
    }
    if (r->state == CHUNK_DATA_END) {
        if (r->line[0] != '\0')
            return 400;
        r->state = CHUNK_SIZE_LINE;
        return 0;
    }
    /* size line */
    const char *p = r->line;
    while (*p == ' ' || *p == '\t')
        p++;
    if (!isxdigit((unsigned char)*p))
        return 400;
    uint64_t size = 0;
    for (; isxdigit((unsigned char)*p); p++) {
        if (size > (UINT64_MAX >> 4))
            return 413;
        int digit = isdigit((unsigned char)*p) ? *p - '0' : (tolower((unsigned char)*p) - 'a' + 10);
        size = size * 16 + (uint64_t)digit;
    }
    while (*p == ' ' || *p == '\t')
        p++;
    if (*p != '\0' && *p != ';')
        return 400;
    if (size > r->max_bytes - r->length)
        return 413;
    r->chunk_left = size;
    r->state = size == 0 ? CHUNK_TRAILER : CHUNK_DATA;
    return 0;
}

/* Feeds received bytes to the decoder; returns 0, 400 or 413. */
static int chunk_feed(http_body_reader *r, const char *bytes, size_t n)
{
    size_t i = 0;
    while (i < n && r->state != CHUNK_DONE) {
        if (r->state == CHUNK_DATA) {
            size_t take = n - i;
            if (take > r->chunk_left)
                take = (size_t)r->chunk_left;
            if (!grow(r, take))
                return 413;
            memcpy(r->data + r->length, bytes + i, take);
            r->length += take;
            r->chunk_left -= take;
            i += take;
            if (r->chunk_left == 0)
                r->state = CHUNK_DATA_END;
            continue;
        }
        char c = bytes[i++];
        if (c == '\n') {
            if (r->line_length > 0 && r->line[r->line_length - 1] == '\r')
                r->line_length--;
            int rc = chunk_line_done(r);
            if (rc)
                return rc;
            continue;
        }
        if (r->line_length + 1 >= sizeof r->line)
            return 400;
        r->line[r->line_length++] = c;
    }
    return 0;
}

static void read_more(http_body_reader *r)
{
    nng_iov iov = {.iov_buf = r->scratch, .iov_len = sizeof r->scratch};
    nng_aio_set_iov(r->aio, 1, &iov);
    nng_aio_set_timeout(r->aio, BODY_TIMEOUT_MS);
    nng_http_conn_read(r->conn, r->aio);
}

static void read_length(http_body_reader *r)
{
    nng_iov iov = {.iov_buf = r->data, .iov_len = r->length};
    nng_aio_set_iov(r->aio, 1, &iov);
    nng_aio_set_timeout(r->aio, BODY_TIMEOUT_MS);
    nng_http_conn_read_all(r->conn, r->aio);
}

static void start_reading(http_body_reader *r)
{
    if (r->chunked) {
        r->step = STEP_CHUNKS;
        read_more(r);
    } else {
        r->step = STEP_LENGTH;
        read_length(r);
    }
}

static void body_callback(void *arg)
{
    http_body_reader *r = arg;
    if (nng_aio_result(r->aio) != 0) {
        finish(r, -1);
        return;
    }
    switch (r->step) {
    case STEP_CONTINUE:
        start_reading(r);
        return;
    case STEP_LENGTH:
        r->data[r->length] = '\0';
        finish(r, 0);
        return;
    case STEP_CHUNKS: {
        size_t n = nng_aio_count(r->aio);
        if (n == 0) {
            finish(r, -1);
            return;
        }
        int rc = chunk_feed(r, r->scratch, n);
        if (rc) {
            finish(r, rc);
            return;
        }
        if (r->state == CHUNK_DONE) {
            if (!grow(r, 0)) {
                finish(r, 413);
                return;
            }
            if (!r->data) {
                r->data = calloc(1, 1);
                if (!r->data) {
                    finish(r, -1);
                    return;
                }
            }
            r->data[r->length] = '\0';
            finish(r, 0);
            return;
        }
        read_more(r);
        return;
    }
    }
}

static bool parse_length(const char *text, uint64_t *out)
{
    while (*text == ' ' || *text == '\t')
        text++;
    if (!isdigit((unsigned char)*text))
        return false;
    uint64_t n = 0;
    for (; isdigit((unsigned char)*text); text++) {
        if (n > (UINT64_MAX - 9) / 10)
            return false;
        n = n * 10 + (uint64_t)(*text - '0');
    }
    while (*text == ' ' || *text == '\t')
        text++;
    *out = n;
    return *text == '\0';
}

int http_body_start(nng_http_conn *conn, nng_http_req *req, size_t max_bytes, http_body_done_fn done,
                    void *arg, http_body_reader **out)
{
    *out = NULL;
    const char *encoding = nng_http_req_get_header(req, "Transfer-Encoding");
    const char *length_text = nng_http_req_get_header(req, "Content-Length");
    bool chunked = false;
    uint64_t length = 0;
    if (encoding) {
        /* chunked must be the final coding; other codings are not supported */
        if (strcasecmp(encoding, "chunked") != 0)
            return 400;
        chunked = true;
    } else if (length_text) {
        if (!parse_length(length_text, &length))
            return 400;
        if (length > max_bytes)
            return 413;
        if (length == 0)
            return HTTP_BODY_NONE;
    } else {
        return HTTP_BODY_NONE;
    }
    http_body_reader *r = calloc(1, sizeof *r);
    if (!r)
        return 500;
    r->conn = conn;
    r->done = done;
    r->arg = arg;
    r->max_bytes = max_bytes;
    r->chunked = chunked;
    r->state = CHUNK_SIZE_LINE;
    if (!chunked) {
        r->data = malloc((size_t)length + 1);
        r->length = (size_t)length;
        r->capacity = (size_t)length + 1;
    }
    if ((!chunked && !r->data) || nng_aio_alloc(&r->aio, body_callback, r) != 0) {
        free(r->data);
        free(r);
        return 500;
    }
    *out = r;
    const char *expect = nng_http_req_get_header(req, "Expect");
    if (expect && strcasecmp(expect, "100-continue") == 0) {
        r->step = STEP_CONTINUE;
        nng_iov iov = {.iov_buf = (void *)continue_response, .iov_len = sizeof continue_response - 1};
        nng_aio_set_iov(r->aio, 1, &iov);
        nng_aio_set_timeout(r->aio, BODY_TIMEOUT_MS);
        nng_http_conn_write_all(conn, r->aio);
    } else {
        start_reading(r);
    }
    return HTTP_BODY_STARTED;
}

bool http_body_was_chunked(const http_body_reader *reader)
{
    return reader && reader->chunked;
}

void http_body_reader_free(http_body_reader *reader)
{
    if (!reader)
        return;
    /* Only called once `done` ran, after which the callback touches nothing.
     * nng_aio_reap frees the aio on nng's reaper thread (after its callback
     * returned), so this is safe from inside `done` too. */
    if (reader->aio)
        nng_aio_reap(reader->aio);
    free(reader->data);
    free(reader);
}
