/*
 * http_server.h — the coordinator's HTTP mechanics behind a small,
 * runtime-independent interface (nng 1.5.2's HTTP server underneath; its
 * 2.0 API differs, so nothing outside http_server.c / http_body.c names nng).
 *
 * Routes are path prefixes. A route's handler runs either inline on nng's
 * I/O thread (HTTP_ROUTE_INLINE: must not block — registry look-ups, JSON
 * building) or on the coordinator's helper threads (HTTP_ROUTE_WORKER: may
 * block, e.g. a long-poll on query_fetch). Every handler must answer each
 * request exactly once with http_request_respond(), from any thread.
 *
 * Request bodies are read here, whatever the Content-Type: Content-Length or
 * `Transfer-Encoding: chunked` (nng's server cannot decode chunked bodies, and
 * presto-client sends them), `Expect: 100-continue` answered, and a body
 * larger than max_body_bytes refused with 413 before it is read.
 * Absolute-form request targets (`DELETE http://host/v1/...`) are accepted.
 */
#ifndef SHOAL_COORDINATOR_HTTP_SERVER_H
#define SHOAL_COORDINATOR_HTTP_SERVER_H

#include <stdbool.h>
#include <stddef.h>

typedef struct http_server http_server;
typedef struct http_request http_request;

typedef enum http_route_mode { HTTP_ROUTE_INLINE, HTTP_ROUTE_WORKER } http_route_mode;
typedef void (*http_handler_fn)(void *context, http_request *request);

typedef struct http_server_config {
    const char *host;            /* bind address, e.g. "0.0.0.0" or "127.0.0.1" */
    int port;                    /* 0: any free port */
    bool http_disabled;          /* http-server.http.enabled=false: no plain HTTP listener */
    bool https_enabled;          /* also (or only) serve HTTPS, with nng's TLS (mbedtls) */
    int https_port;              /* 0: any free port */
    const char *keystore_path;   /* PEM: private key + certificate chain (pem_keystore.h) */
    const char *keystore_key;    /* password of an encrypted private key, or NULL */
    size_t max_body_bytes;       /* larger bodies get 413 */
    int max_worker_threads;      /* helper threads for HTTP_ROUTE_WORKER */
} http_server_config;

/* Response headers: an ordered list of name/value lines (owned copies). */
typedef struct http_headers {
    int count;
    int capacity;
    char **names;
    char **values;
} http_headers;

void http_headers_init(http_headers *h);
bool http_headers_add(http_headers *h, const char *name, const char *value);
bool http_headers_copy(http_headers *to, const http_headers *from);
void http_headers_free(http_headers *h);

http_server *http_server_create(const http_server_config *config, char *error, size_t error_size);
/* Adds a route for every method on `prefix` and everything below it. */
bool http_server_route(http_server *s, const char *prefix, http_route_mode mode, http_handler_fn fn,
                       void *context);
bool http_server_start(http_server *s, char *error, size_t error_size);
/* The bound ports (-1 when that listener is off). */
int http_server_port(const http_server *s);
int http_server_https_port(const http_server *s);
/* Stops accepting and closes connections; requests in progress still get
 * their http_request_respond() (which then goes nowhere). */
void http_server_stop(http_server *s);
/* After stop: waits until every request was answered, then frees. */
void http_server_destroy(http_server *s);

const char *http_request_method(const http_request *r);
/* Percent-decoded path without the query string ("/v1/statement"). */
const char *http_request_path(const http_request *r);
/* The raw query string after '?', "" when none. */
const char *http_request_query(const http_request *r);
/* Copies the decoded value of query parameter `name` into buf; NULL if absent. */
const char *http_request_query_param(const http_request *r, const char *name, char *buf, size_t size);
/* A header's value (repeated lines joined with ", "); NULL if absent. */
const char *http_request_header(const http_request *r, const char *name);
/* The body (NUL-terminated; may contain NUL bytes). */
const char *http_request_body(const http_request *r, size_t *length);
/* "http://host:port" (https:// on the TLS listener) for absolute URIs: the
 * Host header, else the bound address. */
const char *http_request_base_uri(const http_request *r);
/* The request came over TLS. */
bool http_request_is_secure(const http_request *r);
/* The handler runs on a helper thread (where it may block). */
bool http_request_on_worker(const http_request *r);

/* Moves the rest of the handling to a helper thread (it may block there):
 * fn(context, request) runs on the work pool. */
void http_request_defer(http_request *r, http_handler_fn fn, void *context);

/* Answers the request and frees it. `body` is copied; `headers` may be NULL.
 * content_type NULL means no Content-Type header (e.g. 204). */
void http_request_respond(http_request *r, int status, const char *content_type, const char *body,
                          size_t length, const http_headers *headers);
/* The same with a text/plain message body. */
void http_request_respond_text(http_request *r, int status, const char *message);

#endif
