/*
 * rest_test_support.c — in-process REST server and libcurl / raw-socket
 * client helpers for the protocol tests.
 */
#include "rest_test_support.h"

#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

void rest_server_start(rest_server *s, const coordinator_config *config)
{
    memset(s, 0, sizeof *s);
    shoal_error error;
    error_clear(&error);
    engine_config ec = {.threads = 2, .etc_dir = NULL};
    s->engine = engine_create(&ec, &error);
    cr_assert_not_null(s->engine, "engine: %s", error.message);
    coordinator_config cc = config ? *config : coordinator_config_default();
    cc.bind_host = "127.0.0.1";
    cc.port = 0;
    cc.environment = "test";
    s->coordinator = coordinator_start(s->engine, &cc, &error);
    cr_assert_not_null(s->coordinator, "coordinator: %s", error.message);
    s->port = coordinator_port(s->coordinator);
    snprintf(s->base, sizeof s->base, "http://127.0.0.1:%d", s->port);
    curl_global_init(CURL_GLOBAL_ALL);
}

void rest_server_stop(rest_server *s)
{
    coordinator_stop(s->coordinator);
    engine_destroy(s->engine);
    memset(s, 0, sizeof *s);
}

/* ---- libcurl ------------------------------------------------------------------------ */

typedef struct http_bytes {
    char *data;
    size_t length;
} http_bytes;

static size_t collect(char *data, size_t size, size_t n, void *arg)
{
    http_bytes *b = arg;
    size_t bytes = size * n;
    char *grown = realloc(b->data, b->length + bytes + 1);
    if (!grown)
        return 0;
    memcpy(grown + b->length, data, bytes);
    b->data = grown;
    b->length += bytes;
    b->data[b->length] = '\0';
    return bytes;
}

/* Keeps only the last response's header block (after a 100 Continue). */
static size_t collect_header(char *data, size_t size, size_t n, void *arg)
{
    http_bytes *b = arg;
    if (size * n > 5 && strncmp(data, "HTTP/", 5) == 0)
        b->length = 0;
    return collect(data, size, n, arg);
}

bool rest_call(const char *method, const char *url, const char *body, size_t body_length,
               const char *const *headers, rest_response *out)
{
    memset(out, 0, sizeof *out);
    CURL *curl = curl_easy_init();
    if (!curl)
        return false;
    http_bytes content = {0}, head = {0};
    struct curl_slist *list = NULL;
    for (int i = 0; headers && headers[i]; i++)
        list = curl_slist_append(list, headers[i]);
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
    if (strcmp(method, "HEAD") == 0)
        curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
    if (body) {
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_length);
    }
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &content);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, collect_header);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &head);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 30L);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    CURLcode rc = curl_easy_perform(curl);
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &out->status);
    curl_slist_free_all(list);
    curl_easy_cleanup(curl);
    out->body = content.data ? content.data : strdup("");
    out->length = content.length;
    out->headers = head.data ? head.data : strdup("");
    if (out->length > 0 && (out->body[0] == '{' || out->body[0] == '[' || out->body[0] == '"'))
        out->json = json_loadb(out->body, out->length, JSON_DECODE_ANY, NULL);
    return rc == CURLE_OK;
}

void rest_response_free(rest_response *r)
{
    free(r->body);
    free(r->headers);
    if (r->json)
        json_decref(r->json);
    memset(r, 0, sizeof *r);
}

char *rest_header(const rest_response *r, const char *name)
{
    size_t n = strlen(name);
    for (const char *line = r->headers; line && *line;) {
        const char *end = strstr(line, "\r\n");
        size_t length = end ? (size_t)(end - line) : strlen(line);
        if (length > n && strncasecmp(line, name, n) == 0 && line[n] == ':') {
            const char *v = line + n + 1;
            while (*v == ' ')
                v++;
            return strndup(v, length - (size_t)(v - line));
        }
        if (!end)
            break;
        line = end + 2;
    }
    return NULL;
}

bool rest_post(const rest_server *s, const char *sql, const char *const *headers, rest_response *out)
{
    const char *all[32];
    int n = 0;
    bool has_user = false;
    for (int i = 0; headers && headers[i] && n < 30; i++) {
        all[n++] = headers[i];
        if (strncasecmp(headers[i], "X-Trino-User:", 13) == 0 || strncasecmp(headers[i], "X-Presto-User:", 14) == 0)
            has_user = true;
    }
    if (!has_user)
        all[n++] = "X-Trino-User: test";
    all[n] = NULL;
    char url[128];
    snprintf(url, sizeof url, "%s/v1/statement", s->base);
    return rest_call("POST", url, sql, strlen(sql), all, out);
}

const char *rest_state(const json_t *doc)
{
    return json_string_value(json_object_get(json_object_get(doc, "stats"), "state"));
}

const char *rest_next_uri(const json_t *doc)
{
    return json_string_value(json_object_get(doc, "nextUri"));
}

static void append_set_headers(rest_result *r, const char *headers)
{
    for (const char *line = headers; *line;) {
        const char *end = strstr(line, "\r\n");
        size_t length = end ? (size_t)(end - line) : strlen(line);
        if (strncasecmp(line, "X-Trino-", 8) == 0 || strncasecmp(line, "X-Presto-", 9) == 0) {
            size_t old = r->set_headers ? strlen(r->set_headers) : 0;
            r->set_headers = realloc(r->set_headers, old + length + 2);
            memcpy(r->set_headers + old, line, length);
            r->set_headers[old + length] = '\n';
            r->set_headers[old + length + 1] = '\0';
        }
        if (!end)
            break;
        line = end + 2;
    }
}

bool rest_run(const rest_server *s, const char *sql, const char *const *headers, rest_result *out)
{
    memset(out, 0, sizeof *out);
    out->rows = json_array();
    out->pages = json_array();
    rest_response response;
    if (!rest_post(s, sql, headers, &response) || response.status != 200 || !response.json) {
        rest_response_free(&response);
        return false;
    }
    json_t *doc = json_incref(response.json);
    rest_response_free(&response);
    for (;;) {
        json_array_append_new(out->pages, doc);
        out->page_count++;
        if (json_object_get(doc, "columns"))
            out->columns = json_object_get(doc, "columns");
        json_t *data = json_object_get(doc, "data");
        if (data)
            json_array_extend(out->rows, data);
        const char *next = rest_next_uri(doc);
        if (!next)
            break;
        if (!rest_call("GET", next, NULL, 0, NULL, &response) || response.status != 200 || !response.json) {
            rest_response_free(&response);
            return false;
        }
        append_set_headers(out, response.headers);
        doc = json_incref(response.json);
        rest_response_free(&response);
    }
    out->last = doc;
    out->error = json_object_get(doc, "error");
    return true;
}

void rest_result_free(rest_result *r)
{
    json_decref(r->rows);
    json_decref(r->pages);
    free(r->set_headers);
    memset(r, 0, sizeof *r);
}

/* ---- raw sockets --------------------------------------------------------------------- */

int rest_raw_open(int port, const char *partial)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    size_t length = strlen(partial);
    if (length && send(fd, partial, length, MSG_NOSIGNAL) != (ssize_t)length) {
        close(fd);
        return -1;
    }
    return fd;
}

char *rest_raw(int port, const char *request, size_t length, int timeout_ms)
{
    int fd = rest_raw_open(port, "");
    if (fd < 0)
        return NULL;
    size_t sent = 0;
    while (sent < length) {
        ssize_t n = send(fd, request + sent, length - sent, MSG_NOSIGNAL);
        if (n <= 0)
            break;
        sent += (size_t)n;
    }
    http_bytes b = {0};
    char chunk[65536];
    for (;;) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, timeout_ms) <= 0)
            break;
        ssize_t n = recv(fd, chunk, sizeof chunk, 0);
        if (n <= 0)
            break;
        collect(chunk, 1, (size_t)n, &b);
    }
    close(fd);
    return b.data ? b.data : strdup("");
}
