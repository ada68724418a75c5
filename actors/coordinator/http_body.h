/*
 * http_body.h — reading a request body from an nng HTTP connection inside a
 * handler, asynchronously: Content-Length bodies, chunked bodies (decoded
 * here; nng 1.5.2's server cannot), `Expect: 100-continue`, a size limit
 * enforced before reading (413), and a timeout so a stalled sender cannot
 * hold a request forever. Internal to http_server.c.
 */
#ifndef SHOAL_COORDINATOR_HTTP_BODY_H
#define SHOAL_COORDINATOR_HTTP_BODY_H

#include <stdbool.h>
#include <stddef.h>

#include <nng/nng.h>
#include <nng/supplemental/http/http.h>

typedef struct http_body_reader http_body_reader;

/* status: 0 = body read (malloc'd, NUL-terminated, the callee owns it),
 * 400 = malformed framing, 413 = too large, -1 = connection failed/timed out.
 * Called once, on an nng thread. */
typedef void (*http_body_done_fn)(void *arg, int status, char *body, size_t length);

enum { HTTP_BODY_STARTED = 0, HTTP_BODY_NONE = 1 };

/* Starts reading. Returns HTTP_BODY_STARTED (done will be called),
 * HTTP_BODY_NONE (no body; done is not called), or 400 / 413 / 500 at once
 * (done is not called). *out receives the reader to free after done ran. */
int http_body_start(nng_http_conn *conn, nng_http_req *req, size_t max_bytes, http_body_done_fn done,
                    void *arg, http_body_reader **out);
/* True when the body used chunked framing (the connection is then closed
 * after the response: bytes past the body may have been consumed). */
bool http_body_was_chunked(const http_body_reader *reader);
/* Frees the reader; safe from any thread, also from inside `done`. */
void http_body_reader_free(http_body_reader *reader);

#endif
