/*
 * bench_rest.c — `SELECT 1` end to end over Trino's REST protocol: POST
 * /v1/statement, then follow nextUri until the query is FINISHED, as a
 * client does. Reports p50/p99 latency and queries/s with 1, 16 and 64
 * concurrent clients (one thread and one keep-alive libcurl handle each).
 * Targets: p50 <= 2 ms, >= 2,000 queries/s.
 *
 *   bench_rest [--url http://host:port] [--seconds S] [--sql TEXT] [--json]
 *
 * Without --url it starts an engine and the coordinator in this process on
 * a free 127.0.0.1 port.
 */
#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "actors/coordinator/coordinator.h"

typedef struct bench_options {
    const char *url;
    const char *sql;
    double seconds;
    bool json;
} bench_options;

typedef struct client_state {
    const bench_options *options;
    char base[256];
    double stop_at;
    double *latencies;
    size_t count;
    size_t capacity;
    size_t failures;
} client_state;

typedef struct body {
    char *data;
    size_t length;
} body;

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static size_t collect(char *data, size_t size, size_t n, void *arg)
{
    body *b = arg;
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

/* The value of "nextUri" in a QueryResults document (no JSON parser needed
 * for the one field a polling client follows). */
static bool next_uri(const char *doc, char *out, size_t size)
{
    const char *p = strstr(doc, "\"nextUri\":\"");
    if (!p)
        return false;
    p += 11;
    const char *end = strchr(p, '"');
    if (!end || (size_t)(end - p) >= size)
        return false;
    memcpy(out, p, (size_t)(end - p));
    out[end - p] = '\0';
    return true;
}

static bool run_query(CURL *curl, struct curl_slist *headers, const client_state *s)
{
    body b = {0};
    char url[1024];
    snprintf(url, sizeof url, "%s/v1/statement", s->base);
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, s->options->sql);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &b);
    bool ok = curl_easy_perform(curl) == CURLE_OK;
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, NULL);
    while (ok && next_uri(b.data, url, sizeof url)) {
        b.length = 0;
        curl_easy_setopt(curl, CURLOPT_URL, url);
        ok = curl_easy_perform(curl) == CURLE_OK;
        long status = 0;
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
        ok = ok && status == 200;
    }
    ok = ok && b.data && strstr(b.data, "\"state\":\"FINISHED\"");
    free(b.data);
    return ok;
}

static void *client_thread(void *arg)
{
    client_state *s = arg;
    CURL *curl = curl_easy_init();
    struct curl_slist *headers = curl_slist_append(NULL, "X-Trino-User: bench");
    headers = curl_slist_append(headers, "Content-Type: text/plain");
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 30L);
    while (now_seconds() < s->stop_at) {
        double start = now_seconds();
        bool ok = run_query(curl, headers, s);
        double elapsed = now_seconds() - start;
        if (!ok) {
            s->failures++;
            continue;
        }
        if (s->count == s->capacity) {
            s->capacity = s->capacity ? s->capacity * 2 : 4096;
            s->latencies = realloc(s->latencies, s->capacity * sizeof *s->latencies);
        }
        s->latencies[s->count++] = elapsed;
    }
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    return NULL;
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

typedef struct level_result {
    int clients;
    size_t queries;
    size_t failures;
    double qps;
    double p50_ms;
    double p99_ms;
} level_result;

static level_result run_level(const bench_options *o, const char *base, int clients)
{
    client_state *states = calloc((size_t)clients, sizeof *states);
    pthread_t *threads = calloc((size_t)clients, sizeof *threads);
    double start = now_seconds();
    for (int i = 0; i < clients; i++) {
        states[i].options = o;
        snprintf(states[i].base, sizeof states[i].base, "%s", base);
        states[i].stop_at = start + o->seconds;
        pthread_create(&threads[i], NULL, client_thread, &states[i]);
    }
    size_t total = 0, failures = 0;
    for (int i = 0; i < clients; i++) {
        pthread_join(threads[i], NULL);
        total += states[i].count;
        failures += states[i].failures;
    }
    double elapsed = now_seconds() - start;
    double *all = malloc((total ? total : 1) * sizeof *all);
    size_t n = 0;
    for (int i = 0; i < clients; i++) {
        memcpy(all + n, states[i].latencies, states[i].count * sizeof *all);
        n += states[i].count;
        free(states[i].latencies);
    }
    qsort(all, n, sizeof *all, compare_doubles);
    level_result r = {
        .clients = clients,
        .queries = n,
        .failures = failures,
        .qps = (double)n / elapsed,
        .p50_ms = n ? all[n / 2] * 1000 : 0,
        .p99_ms = n ? all[(size_t)((double)(n - 1) * 0.99)] * 1000 : 0,
    };
    free(all);
    free(states);
    free(threads);
    return r;
}

static void usage(void)
{
    fprintf(stderr, "usage: bench_rest [--url http://host:port] [--seconds S] [--sql TEXT] [--json]\n");
}

int main(int argc, char **argv)
{
    bench_options o = {.sql = "SELECT 1", .seconds = 3.0};
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--url") == 0 && i + 1 < argc)
            o.url = argv[++i];
        else if (strcmp(argv[i], "--seconds") == 0 && i + 1 < argc)
            o.seconds = atof(argv[++i]);
        else if (strcmp(argv[i], "--sql") == 0 && i + 1 < argc)
            o.sql = argv[++i];
        else if (strcmp(argv[i], "--json") == 0)
            o.json = true;
        else {
            usage();
            return 2;
        }
    }
    curl_global_init(CURL_GLOBAL_ALL);
    engine *e = NULL;
    coordinator *c = NULL;
    char base[256];
    if (o.url) {
        snprintf(base, sizeof base, "%s", o.url);
    } else {
        shoal_error error;
        error_clear(&error);
        engine_config ec = {0};
        e = engine_create(&ec, &error);
        coordinator_config cc = coordinator_config_default();
        cc.bind_host = "127.0.0.1";
        cc.port = 0;
        c = e ? coordinator_start(e, &cc, &error) : NULL;
        if (!c) {
            fprintf(stderr, "bench_rest: %s\n", error.message);
            engine_destroy(e);
            return 1;
        }
        snprintf(base, sizeof base, "http://127.0.0.1:%d", coordinator_port(c));
    }
    static const int levels[] = {1, 16, 64};
    level_result results[3];
    /* warm-up: connections, threads, the first plans */
    bench_options warm = o;
    warm.seconds = 0.5;
    run_level(&warm, base, 4);
    for (int i = 0; i < 3; i++)
        results[i] = run_level(&o, base, levels[i]);
    if (o.json) {
        printf("{\"benchmark\":\"rest_select_1\",\"sql\":\"%s\",\"seconds\":%.1f,\"levels\":[", o.sql, o.seconds);
        for (int i = 0; i < 3; i++)
            printf("%s{\"clients\":%d,\"queries\":%zu,\"failures\":%zu,\"qps\":%.1f,\"p50_ms\":%.3f,\"p99_ms\":%.3f}",
                   i ? "," : "", results[i].clients, results[i].queries, results[i].failures, results[i].qps,
                   results[i].p50_ms, results[i].p99_ms);
        printf("]}\n");
    } else {
        printf("REST end to end: %s (POST + nextUri polls to FINISHED), %.1f s per level\n", o.sql, o.seconds);
        printf("%8s %10s %9s %12s %10s %10s\n", "clients", "queries", "failed", "queries/s", "p50 ms", "p99 ms");
        for (int i = 0; i < 3; i++)
            printf("%8d %10zu %9zu %12.1f %10.3f %10.3f\n", results[i].clients, results[i].queries,
                   results[i].failures, results[i].qps, results[i].p50_ms, results[i].p99_ms);
        printf("targets: p50 <= 2 ms, >= 2000 queries/s\n");
    }
    coordinator_stop(c);
    engine_destroy(e);
    curl_global_cleanup();
    return 0;
}
