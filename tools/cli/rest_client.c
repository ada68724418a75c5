/*
 * rest_client.c — libcurl calls with the body and the final response's
 * headers collected; interruption through the transfer-progress callback.
 */
#include "rest_client.h"

#include <ctype.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct rest_client {
    CURL *curl;
    const volatile sig_atomic_t *interrupt;
    bool interruptible;
    char *user;                  /* Basic authentication when password is set */
    char *password;
    char *truststore_path;
    bool insecure;
};

rest_client *rest_client_new(const volatile sig_atomic_t *interrupt)
{
    static bool initialized;
    if (!initialized) {
        curl_global_init(CURL_GLOBAL_DEFAULT);
        initialized = true;
    }
    rest_client *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->curl = curl_easy_init();
    if (!c->curl) {
        free(c);
        return NULL;
    }
    c->interrupt = interrupt;
    return c;
}

void rest_client_free(rest_client *c)
{
    if (!c)
        return;
    curl_easy_cleanup(c->curl);
    free(c->user);
    free(c->password);
    free(c->truststore_path);
    free(c);
}

static bool copy_or_null(char **to, const char *from)
{
    free(*to);
    *to = from ? strdup(from) : NULL;
    return !from || *to;
}

bool rest_client_set_security(rest_client *c, const rest_client_security *security)
{
    c->insecure = security->insecure;
    return copy_or_null(&c->user, security->user) && copy_or_null(&c->password, security->password) &&
           copy_or_null(&c->truststore_path, security->truststore_path);
}

/* Options curl_easy_reset cleared: TLS trust and Basic credentials. */
static void apply_security(const rest_client *c)
{
    if (c->password) {
        curl_easy_setopt(c->curl, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
        curl_easy_setopt(c->curl, CURLOPT_USERNAME, c->user ? c->user : "");
        curl_easy_setopt(c->curl, CURLOPT_PASSWORD, c->password);
    }
    if (c->truststore_path)
        curl_easy_setopt(c->curl, CURLOPT_CAINFO, c->truststore_path);
    if (c->insecure) {
        curl_easy_setopt(c->curl, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(c->curl, CURLOPT_SSL_VERIFYHOST, 0L);
    }
}

static size_t collect_body(char *data, size_t size, size_t n, void *arg)
{
    rest_reply *r = arg;
    size_t bytes = size * n;
    char *grown = realloc(r->body, r->length + bytes + 1);
    if (!grown)
        return 0;
    memcpy(grown + r->length, data, bytes);
    r->body = grown;
    r->length += bytes;
    r->body[r->length] = '\0';
    return bytes;
}

static void clear_headers(rest_reply *r)
{
    for (size_t i = 0; i < r->header_count; i++) {
        free(r->header_names[i]);
        free(r->header_values[i]);
    }
    free(r->header_names);
    free(r->header_values);
    r->header_names = r->header_values = NULL;
    r->header_count = 0;
}

/* One header line; a status line starts a new response (after 100 Continue). */
static size_t collect_header(char *data, size_t size, size_t n, void *arg)
{
    rest_reply *r = arg;
    size_t bytes = size * n;
    if (bytes >= 5 && strncmp(data, "HTTP/", 5) == 0) {
        clear_headers(r);
        return bytes;
    }
    const char *colon = memchr(data, ':', bytes);
    if (!colon)
        return bytes;
    const char *value = colon + 1, *end = data + bytes;
    while (value < end && (*value == ' ' || *value == '\t'))
        value++;
    while (end > value && isspace((unsigned char)end[-1]))
        end--;
    char **names = realloc(r->header_names, (r->header_count + 1) * sizeof *names);
    if (!names)
        return 0;
    r->header_names = names;
    char **values = realloc(r->header_values, (r->header_count + 1) * sizeof *values);
    if (!values)
        return 0;
    r->header_values = values;
    names[r->header_count] = strndup(data, (size_t)(colon - data));
    values[r->header_count] = strndup(value, (size_t)(end - value));
    if (!names[r->header_count] || !values[r->header_count]) {
        free(names[r->header_count]);
        free(values[r->header_count]);
        return 0;
    }
    r->header_count++;
    return bytes;
}

static int progress(void *arg, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow)
{
    (void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
    const rest_client *c = arg;
    return c->interruptible && c->interrupt && *c->interrupt ? 1 : 0;
}

rest_outcome rest_client_request(rest_client *c, const char *method, const char *url, const char *body,
                                 char *const *headers, bool interruptible, rest_reply *out, char *error,
                                 size_t error_size)
{
    memset(out, 0, sizeof *out);
    CURL *curl = c->curl;
    curl_easy_reset(curl);
    struct curl_slist *list = NULL;
    for (char *const *h = headers; h && *h; h++)
        list = curl_slist_append(list, *h);
    list = curl_slist_append(list, "Expect:"); /* no 100-continue round trip */
    char curl_error[CURL_ERROR_SIZE] = "";
    c->interruptible = interruptible;
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
    if (body) {
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
    } else if (strcmp(method, "GET") == 0) {
        curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
    } else {
        curl_easy_setopt(curl, CURLOPT_NOBODY, strcmp(method, "HEAD") == 0 ? 1L : 0L);
    }
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
    curl_easy_setopt(curl, CURLOPT_USERAGENT, "shoal-cli");
    apply_security(c);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, out);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, collect_header);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, out);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, curl_error);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
    curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, progress);
    curl_easy_setopt(curl, CURLOPT_XFERINFODATA, c);
    CURLcode rc = curl_easy_perform(curl);
    curl_slist_free_all(list);
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &out->status);
    if (rc == CURLE_ABORTED_BY_CALLBACK)
        return REST_INTERRUPTED;
    if (rc != CURLE_OK) {
        snprintf(error, error_size, "%s", curl_error[0] ? curl_error : curl_easy_strerror(rc));
        return REST_TRANSPORT_ERROR;
    }
    if (!out->body) {
        out->body = calloc(1, 1);
        if (!out->body) {
            snprintf(error, error_size, "out of memory");
            return REST_TRANSPORT_ERROR;
        }
    }
    return REST_OK;
}

void rest_reply_free(rest_reply *r)
{
    free(r->body);
    clear_headers(r);
    memset(r, 0, sizeof *r);
}
