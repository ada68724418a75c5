/*
 * http_server.c — routing and handler glue over nng 1.5.2's HTTP server.
 *
 * Design notes:
 * - One nng tree handler per route prefix, for every method, with nng's own
 *   body collection off: bodies are read by http_body.c (chunked, 413,
 *   100-continue), then the request is dispatched.
 * - nng calls a handler on one of its taskq threads (at most 16 of them for
 *   all I/O). A handler therefore never blocks there: HTTP_ROUTE_INLINE
 *   routes do bounded work, HTTP_ROUTE_WORKER routes are queued to the
 *   work pool. Completing the handler's aio (nng_aio_finish) is legal from
 *   any thread; that is how a helper thread answers.
 * - Every accepted request is counted in `in_flight` until answered, so
 *   destroy can wait for all of them before nng's server is released.
 */
#include "http_server.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <nng/nng.h>
#include <nng/supplemental/http/http.h>
#include <nng/supplemental/tls/tls.h>

#include "actors/coordinator/http_body.h"
#include "actors/coordinator/pem_keystore.h"
#include "actors/coordinator/ui/ui_assets.h"
#include "actors/coordinator/work_pool.h"

enum { HTTP_ROUTE_MAX = 16, BASE_URI_MAX = 300, LISTENER_HTTP = 0, LISTENER_HTTPS = 1, LISTENER_COUNT = 2 };

/* One nng HTTP server per port: plain HTTP and HTTPS share the routes. */
typedef struct http_listener {
    nng_http_server *nng;            /* NULL: this listener is off */
    bool secure;
    int port;
    char bound_base[BASE_URI_MAX];
} http_listener;

typedef struct http_route http_route;

/* A route on one listener: what nng's handler data points at. */
typedef struct http_route_binding {
    http_route *route;
    http_listener *listener;
} http_route_binding;

struct http_route {
    http_server *server;
    char prefix[64];
    http_route_mode mode;
    http_handler_fn fn;
    void *context;
    http_route_binding bindings[LISTENER_COUNT];
};

struct http_server {
    http_server_config config;
    char host[128];
    http_listener listeners[LISTENER_COUNT];
    http_route routes[HTTP_ROUTE_MAX];
    int route_count;
    work_pool *pool;
    pthread_mutex_t lock;
    pthread_cond_t drained;
    int in_flight;
    bool started;
    bool stopped;
};

struct http_request {
    http_server *server;
    http_route *route;
    http_listener *listener;
    bool on_worker;
    nng_aio *aio;
    nng_http_req *req;
    nng_http_conn *conn;
    http_body_reader *body_reader;
    char *body;
    size_t body_length;
    char *path;
    char *query;
    char base_uri[BASE_URI_MAX];
    bool close_after;
    work_item work;
    http_handler_fn deferred_fn;
    void *deferred_context;
};

/* ---- headers --------------------------------------------------------------- */

void http_headers_init(http_headers *h)
{
    memset(h, 0, sizeof *h);
}

bool http_headers_add(http_headers *h, const char *name, const char *value)
{
    if (h->count == h->capacity) {
        int capacity = h->capacity ? h->capacity * 2 : 4;
        char **names = realloc(h->names, (size_t)capacity * sizeof *names);
        if (!names)
            return false;
        h->names = names;
        char **values = realloc(h->values, (size_t)capacity * sizeof *values);
        if (!values)
            return false;
        h->values = values;
        h->capacity = capacity;
    }
    char *n = strdup(name), *v = strdup(value);
    if (!n || !v) {
        free(n);
        free(v);
        return false;
    }
    h->names[h->count] = n;
    h->values[h->count] = v;
    h->count++;
    return true;
}

bool http_headers_copy(http_headers *to, const http_headers *from)
{
    for (int i = 0; i < from->count; i++)
        if (!http_headers_add(to, from->names[i], from->values[i]))
            return false;
    return true;
}

void http_headers_free(http_headers *h)
{
    for (int i = 0; i < h->count; i++) {
        free(h->names[i]);
        free(h->values[i]);
    }
    free(h->names);
    free(h->values);
    http_headers_init(h);
}

/* ---- request parsing --------------------------------------------------------- */

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (char)tolower((unsigned char)c);
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* Percent-decodes in place ('+' as space when `plus`); "%00" stays encoded. */
static void percent_decode(char *s, bool plus)
{
    char *out = s;
    for (char *p = s; *p; p++) {
        if (*p == '%' && p[1] && p[2]) {
            int hi = hex_value(p[1]), lo = hex_value(p[2]);
            if (hi >= 0 && lo >= 0 && (hi || lo)) {
                *out++ = (char)(hi * 16 + lo);
                p += 2;
                continue;
            }
        }
        *out++ = plus && *p == '+' ? ' ' : *p;
    }
    *out = '\0';
}

/* Splits the request target into path and query; accepts absolute form. */
static bool parse_target(http_request *r, const char *uri)
{
    const char *p = uri;
    if (strncasecmp(p, "http://", 7) == 0 || strncasecmp(p, "https://", 8) == 0) {
        p = strstr(p, "://") + 3;
        p = strchr(p, '/');
        if (!p)
            p = "/";
    }
    const char *q = strchr(p, '?');
    size_t path_length = q ? (size_t)(q - p) : strlen(p);
    r->path = strndup(p, path_length);
    r->query = strdup(q ? q + 1 : "");
    if (!r->path || !r->query)
        return false;
    percent_decode(r->path, false);
    /* "/v1/statement/" is "/v1/statement" */
    size_t n = strlen(r->path);
    while (n > 1 && r->path[n - 1] == '/')
        r->path[--n] = '\0';
    return true;
}

static bool host_is_safe(const char *host)
{
    if (!host || !*host || strlen(host) > 255)
        return false;
    for (const char *p = host; *p; p++)
        if (!isalnum((unsigned char)*p) && !strchr(".-:[]_", *p))
            return false;
    return true;
}

static void set_base_uri(http_request *r)
{
    const char *host = nng_http_req_get_header(r->req, "Host");
    if (host_is_safe(host))
        snprintf(r->base_uri, sizeof r->base_uri, "%s://%s", r->listener->secure ? "https" : "http", host);
    else
        snprintf(r->base_uri, sizeof r->base_uri, "%s", r->listener->bound_base);
}

const char *http_request_method(const http_request *r) { return nng_http_req_get_method(r->req); }
const char *http_request_path(const http_request *r) { return r->path; }
const char *http_request_query(const http_request *r) { return r->query; }
const char *http_request_base_uri(const http_request *r) { return r->base_uri; }
bool http_request_is_secure(const http_request *r) { return r->listener->secure; }
bool http_request_on_worker(const http_request *r) { return r->on_worker; }

const char *http_request_header(const http_request *r, const char *name)
{
    return nng_http_req_get_header(r->req, name);
}

const char *http_request_body(const http_request *r, size_t *length)
{
    *length = r->body_length;
    return r->body ? r->body : "";
}

const char *http_request_query_param(const http_request *r, const char *name, char *buf, size_t size)
{
    size_t name_length = strlen(name);
    const char *p = r->query;
    while (*p) {
        const char *end = strchr(p, '&');
        size_t length = end ? (size_t)(end - p) : strlen(p);
        if (length > name_length && strncmp(p, name, name_length) == 0 && p[name_length] == '=') {
            size_t value_length = length - name_length - 1;
            if (value_length >= size)
                value_length = size - 1;
            memcpy(buf, p + name_length + 1, value_length);
            buf[value_length] = '\0';
            percent_decode(buf, true);
            return buf;
        }
        if (!end)
            break;
        p = end + 1;
    }
    return NULL;
}

/* ---- answering ------------------------------------------------------------------ */

static void request_free(http_request *r)
{
    http_body_reader_free(r->body_reader);
    free(r->body);
    free(r->path);
    free(r->query);
    free(r);
}

static void request_done(http_server *s)
{
    pthread_mutex_lock(&s->lock);
    if (--s->in_flight == 0)
        pthread_cond_broadcast(&s->drained);
    pthread_mutex_unlock(&s->lock);
}

void http_request_respond(http_request *r, int status, const char *content_type, const char *body,
                          size_t length, const http_headers *headers)
{
    http_server *s = r->server;
    nng_aio *aio = r->aio;
    nng_http_res *res = NULL;
    int rv = nng_http_res_alloc(&res);
    if (rv == 0)
        rv = nng_http_res_set_status(res, (uint16_t)status);
    if (rv == 0 && content_type)
        rv = nng_http_res_set_header(res, "Content-Type", content_type);
    for (int i = 0; rv == 0 && headers && i < headers->count; i++)
        rv = nng_http_res_add_header(res, headers->names[i], headers->values[i]);
    if (rv == 0 && (r->close_after || http_body_was_chunked(r->body_reader)))
        rv = nng_http_res_set_header(res, "Connection", "close");
    if (rv == 0 && status != 204)
        rv = length > 0 ? nng_http_res_copy_data(res, body, length) : nng_http_res_set_data(res, NULL, 0);
    request_free(r);
    if (rv != 0) {
        if (res)
            nng_http_res_free(res);
        nng_aio_finish(aio, rv); /* nng closes the connection */
    } else {
        nng_aio_set_output(aio, 0, res);
        nng_aio_finish(aio, 0);
    }
    request_done(s);
}

void http_request_respond_text(http_request *r, int status, const char *message)
{
    http_request_respond(r, status, "text/plain; charset=utf-8", message, strlen(message), NULL);
}

/* ---- dispatch ----------------------------------------------------------------------- */

static void run_on_worker(void *arg)
{
    http_request *r = arg;
    r->on_worker = true;
    r->deferred_fn(r->deferred_context, r);
}

void http_request_defer(http_request *r, http_handler_fn fn, void *context)
{
    r->deferred_fn = fn;
    r->deferred_context = context;
    r->work.run = run_on_worker;
    r->work.arg = r;
    http_server *s = r->server;
    pthread_mutex_lock(&s->lock);
    bool queued = !s->stopped && work_pool_submit(s->pool, &r->work);
    pthread_mutex_unlock(&s->lock);
    if (!queued) {
        r->close_after = true;
        http_request_respond_text(r, 503, "Server is shutting down");
    }
}

/* The web UI: GET/HEAD of a file embedded from actors/coordinator/ui/
 * (exact names only) is answered here, before the route's handler, so other
 * /ui paths (e.g. the fallback /ui/query.html in info_resource.c) still work
 * when no such file is embedded. */
static bool serve_ui_asset(http_request *r)
{
    const char *method = http_request_method(r);
    if (strncmp(r->path, "/ui", 3) != 0 || (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0))
        return false;
    const ui_asset *asset = ui_asset_find(r->path);
    if (!asset)
        return false;
    http_request_respond(r, 200, asset->content_type, (const char *)asset->data, asset->size, NULL);
    return true;
}

static void dispatch(http_request *r)
{
    if (serve_ui_asset(r))
        return;
    if (r->route->mode == HTTP_ROUTE_INLINE)
        r->route->fn(r->route->context, r);
    else
        http_request_defer(r, r->route->fn, r->route->context);
}

static void body_done(void *arg, int status, char *body, size_t length)
{
    http_request *r = arg;
    if (status == 0) {
        r->body = body;
        r->body_length = length;
        dispatch(r);
        return;
    }
    r->close_after = true;
    if (status == 413)
        http_request_respond_text(r, 413, "Request body is too large");
    else if (status == 400)
        http_request_respond_text(r, 400, "Malformed request body");
    else
        http_request_respond_text(r, 400, "Request body not received");
}

static void handle(nng_aio *aio)
{
    nng_http_req *req = nng_aio_get_input(aio, 0);
    nng_http_handler *handler = nng_aio_get_input(aio, 1);
    nng_http_conn *conn = nng_aio_get_input(aio, 2);
    http_route_binding *binding = nng_http_handler_get_data(handler);
    http_route *route = binding->route;
    http_server *s = route->server;
    http_request *r = calloc(1, sizeof *r);
    if (!r) {
        nng_aio_finish(aio, NNG_ENOMEM);
        return;
    }
    r->server = s;
    r->route = route;
    r->listener = binding->listener;
    r->aio = aio;
    r->req = req;
    r->conn = conn;
    pthread_mutex_lock(&s->lock);
    s->in_flight++;
    bool stopped = s->stopped;
    pthread_mutex_unlock(&s->lock);
    if (!parse_target(r, nng_http_req_get_uri(req))) {
        r->close_after = true;
        http_request_respond_text(r, 500, "Out of memory");
        return;
    }
    set_base_uri(r);
    if (stopped) {
        r->close_after = true;
        http_request_respond_text(r, 503, "Server is shutting down");
        return;
    }
    int rc = http_body_start(conn, req, s->config.max_body_bytes, body_done, r, &r->body_reader);
    if (rc == HTTP_BODY_STARTED)
        return;
    if (rc == HTTP_BODY_NONE) {
        dispatch(r);
        return;
    }
    r->close_after = true;
    http_request_respond_text(r, rc, rc == 413 ? "Request body is too large"
                                     : rc == 400 ? "Malformed request body" : "Internal error");
}

/* ---- server ----------------------------------------------------------------------- */

static const char *tls_error_text(int rv, bool have_config)
{
    if (!have_config)
        return rv == NNG_ENOTSUP ? "this libnng has no TLS support" : nng_strerror(rv);
    if (rv == NNG_ECRYPTO)
        return "cannot read the private key (wrong http-server.https.keystore.key?)";
    if (rv == NNG_ENOTSUP)
        return "the private key's encryption is not supported by mbedtls 2.28 (use PEM with AES "
               "(openssl rsa -aes256 -traditional) or PKCS#8 with -v2 des3 -v2prf hmacWithSHA1)";
    return nng_strerror(rv);
}

/* The TLS configuration from the PEM keystore (http-server.https.keystore.*). */
static int configure_tls(http_listener *l, const http_server_config *config, char *error, size_t error_size)
{
    pem_keystore keystore;
    if (!pem_keystore_load(config->keystore_path ? config->keystore_path : "", &keystore, error, error_size))
        return NNG_EINVAL;
    nng_tls_config *tls = NULL;
    int rv = nng_tls_config_alloc(&tls, NNG_TLS_MODE_SERVER);
    if (rv == 0)
        rv = nng_tls_config_own_cert(tls, keystore.certificates, keystore.private_key,
                                     config->keystore_key && *config->keystore_key ? config->keystore_key : NULL);
    if (rv == 0)
        rv = nng_http_server_set_tls(l->nng, tls);
    if (rv != 0)
        snprintf(error, error_size, "%s: %s", config->keystore_path, tls_error_text(rv, tls != NULL));
    if (tls)
        nng_tls_config_free(tls); /* the server keeps its own reference */
    pem_keystore_free(&keystore);
    return rv;
}

/* A free port on `host`, chosen by the kernel. nng 1.5.2 shares one server
 * between holders of the same host and port, port 0 included, so HTTP and
 * HTTPS cannot both ask for port 0: HTTPS asks for this one instead. */
static int free_port(const char *host)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return 0;
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = 0};
    if (inet_pton(AF_INET, host, &addr.sin_addr) != 1)
        addr.sin_addr.s_addr = htonl(INADDR_ANY);
    socklen_t length = sizeof addr;
    int port = 0;
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) == 0 &&
        getsockname(fd, (struct sockaddr *)&addr, &length) == 0)
        port = ntohs(addr.sin_port);
    close(fd);
    return port;
}

static int listener_create(http_listener *l, const http_server_config *config, const char *host, bool secure,
                           int port, char *error, size_t error_size)
{
    l->secure = secure;
    l->port = port;
    char url_text[200];
    snprintf(url_text, sizeof url_text, "%s://%s:%d", secure ? "https" : "http", host, port);
    nng_url *url = NULL;
    int rv = nng_url_parse(&url, url_text);
    if (rv == 0) {
        rv = nng_http_server_hold(&l->nng, url);
        nng_url_free(url);
    }
    if (rv != 0) {
        snprintf(error, error_size, "cannot create the HTTP server on %s: %s", url_text, nng_strerror(rv));
        l->nng = NULL;
        return rv;
    }
    if (secure && (rv = configure_tls(l, config, error, error_size)) != 0) {
        nng_http_server_release(l->nng);
        l->nng = NULL;
    }
    return rv;
}

static void listeners_release(http_server *s)
{
    for (int i = 0; i < LISTENER_COUNT; i++)
        if (s->listeners[i].nng) {
            nng_http_server_release(s->listeners[i].nng);
            s->listeners[i].nng = NULL;
        }
}

http_server *http_server_create(const http_server_config *config, char *error, size_t error_size)
{
    http_server *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(error, error_size, "out of memory");
        return NULL;
    }
    s->config = *config;
    snprintf(s->host, sizeof s->host, "%s", config->host ? config->host : "0.0.0.0");
    s->config.host = s->host;
    s->config.keystore_path = NULL; /* the caller's strings are only read here */
    s->config.keystore_key = NULL;
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->drained, NULL);
    int rv = 0;
    s->listeners[LISTENER_HTTP].port = -1;
    s->listeners[LISTENER_HTTPS].port = -1;
    if (!config->http_disabled)
        rv = listener_create(&s->listeners[LISTENER_HTTP], config, s->host, false, config->port, error, error_size);
    if (rv == 0 && config->https_enabled) {
        int https_port = config->https_port;
        if (https_port == 0 && s->listeners[LISTENER_HTTP].nng && config->port == 0)
            https_port = free_port(s->host);
        rv = listener_create(&s->listeners[LISTENER_HTTPS], config, s->host, true, https_port, error, error_size);
    }
    if (rv == 0 && !s->listeners[LISTENER_HTTP].nng && !s->listeners[LISTENER_HTTPS].nng) {
        snprintf(error, error_size, "neither HTTP nor HTTPS is enabled");
        rv = NNG_EINVAL;
    }
    if (rv != 0) {
        listeners_release(s);
        pthread_cond_destroy(&s->drained);
        pthread_mutex_destroy(&s->lock);
        free(s);
        return NULL;
    }
    s->pool = work_pool_create(4, config->max_worker_threads > 0 ? config->max_worker_threads : 256);
    return s;
}

static bool bind_route(http_route *route, http_listener *l, http_route_binding *binding)
{
    binding->route = route;
    binding->listener = l;
    nng_http_handler *h = NULL;
    if (nng_http_handler_alloc(&h, route->prefix, handle) != 0)
        return false;
    if (nng_http_handler_set_method(h, NULL) != 0 || nng_http_handler_set_tree(h) != 0 ||
        nng_http_handler_collect_body(h, false, 0) != 0 || nng_http_handler_set_data(h, binding, NULL) != 0 ||
        nng_http_server_add_handler(l->nng, h) != 0) {
        nng_http_handler_free(h);
        return false;
    }
    return true;
}

bool http_server_route(http_server *s, const char *prefix, http_route_mode mode, http_handler_fn fn,
                       void *context)
{
    if (s->route_count == HTTP_ROUTE_MAX || s->started)
        return false;
    http_route *route = &s->routes[s->route_count];
    route->server = s;
    snprintf(route->prefix, sizeof route->prefix, "%s", prefix);
    route->mode = mode;
    route->fn = fn;
    route->context = context;
    for (int i = 0; i < LISTENER_COUNT; i++)
        if (s->listeners[i].nng && !bind_route(route, &s->listeners[i], &route->bindings[i]))
            return false;
    s->route_count++;
    return true;
}

static bool listener_start(http_listener *l, const char *host, char *error, size_t error_size)
{
    int rv = nng_http_server_start(l->nng);
    if (rv != 0) {
        snprintf(error, error_size, "cannot listen on %s:%d: %s", host, l->port, nng_strerror(rv));
        return false;
    }
    nng_sockaddr sa;
    if (nng_http_server_get_addr(l->nng, &sa) == 0 && sa.s_family == NNG_AF_INET)
        l->port = ntohs(sa.s_in.sa_port);
    const char *visible = strcmp(host, "0.0.0.0") == 0 ? "127.0.0.1" : host;
    snprintf(l->bound_base, sizeof l->bound_base, "%s://%s:%d", l->secure ? "https" : "http", visible, l->port);
    return true;
}

bool http_server_start(http_server *s, char *error, size_t error_size)
{
    for (int i = 0; i < LISTENER_COUNT; i++) {
        if (s->listeners[i].nng && !listener_start(&s->listeners[i], s->host, error, error_size)) {
            for (int j = 0; j < i; j++)
                if (s->listeners[j].nng)
                    nng_http_server_stop(s->listeners[j].nng);
            return false;
        }
    }
    s->started = true;
    return true;
}

int http_server_port(const http_server *s)
{
    return s->listeners[LISTENER_HTTP].nng ? s->listeners[LISTENER_HTTP].port : -1;
}

int http_server_https_port(const http_server *s)
{
    return s->listeners[LISTENER_HTTPS].nng ? s->listeners[LISTENER_HTTPS].port : -1;
}

void http_server_stop(http_server *s)
{
    pthread_mutex_lock(&s->lock);
    bool was_stopped = s->stopped;
    s->stopped = true;
    pthread_mutex_unlock(&s->lock);
    if (!was_stopped && s->started)
        for (int i = 0; i < LISTENER_COUNT; i++)
            if (s->listeners[i].nng)
                nng_http_server_stop(s->listeners[i].nng);
}

void http_server_destroy(http_server *s)
{
    if (!s)
        return;
    http_server_stop(s);
    /* queued worker items run now (their queries were failed by the caller) */
    work_pool_destroy(s->pool);
    pthread_mutex_lock(&s->lock);
    while (s->in_flight > 0)
        pthread_cond_wait(&s->drained, &s->lock);
    pthread_mutex_unlock(&s->lock);
    listeners_release(s);
    pthread_cond_destroy(&s->drained);
    pthread_mutex_destroy(&s->lock);
    free(s);
}
