/*
 * bench_weighted.c — resource groups' schedulingWeight as CPU shares of
 * running queries (runtime/sched_group.h), on the real engine.
 *
 *   weighted_share    groups `a` (schedulingWeight 3) and `b` (1) each run
 *                     two CPU-bound queries (count(*) over tpch.sf100
 *                     lineitem) for --seconds; the CPU their pipelines got
 *                     should be 3:1 (target: within 10%).
 *   interactive_p99   a short query (an aggregation over tpch.tiny lineitem)
 *                     run one at a time in group `interactive` (weight 10):
 *                     p99 latency with the engine idle, then while group
 *                     `etl` (weight 1) runs four CPU-bound queries that
 *                     saturate every core (target: loaded p99 <= 2x idle).
 *
 *   bench_weighted [--json] [--seconds N] [--threads N] [--runs N]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "actors/engine/engine.h"
#include "actors/engine/query.h"
#include "actors/engine/session.h"
#include "actors/resource/resource_manager.h"
#include "config/resource_groups.h"
#include "runtime/clock.h"
#include "runtime/sched_group.h"

static const char GROUPS_JSON[] =
    "{\"rootGroups\": ["
    " {\"name\": \"a\", \"schedulingWeight\": 3, \"softMemoryLimit\": \"100%\", \"hardConcurrencyLimit\": 100,"
    "  \"maxQueued\": 100},"
    " {\"name\": \"b\", \"schedulingWeight\": 1, \"softMemoryLimit\": \"100%\", \"hardConcurrencyLimit\": 100,"
    "  \"maxQueued\": 100},"
    " {\"name\": \"interactive\", \"schedulingWeight\": 10, \"softMemoryLimit\": \"100%\","
    "  \"hardConcurrencyLimit\": 100, \"maxQueued\": 100},"
    " {\"name\": \"etl\", \"schedulingWeight\": 1, \"softMemoryLimit\": \"100%\", \"hardConcurrencyLimit\": 100,"
    "  \"maxQueued\": 100}],"
    " \"selectors\": [{\"user\": \"a\", \"group\": \"a\"}, {\"user\": \"b\", \"group\": \"b\"},"
    "  {\"user\": \"interactive\", \"group\": \"interactive\"}, {\"user\": \"etl\", \"group\": \"etl\"}]}";

static const char CPU_QUERY[] = "SELECT count(*), sum(quantity) FROM tpch.sf100.lineitem";
static const char SHORT_QUERY[] = "SELECT returnflag, count(*), sum(extendedprice) FROM tpch.tiny.lineitem GROUP BY 1";

typedef struct bench {
    engine *engine;
    resource_manager *rm;
    session *session;
} bench;

static void on_admit(resource_ticket *t, void *ctx)
{
    (void)t;
    atomic_store((_Atomic int *)ctx, 1);
}

static void on_reject(resource_ticket *t, const shoal_error *e, void *ctx)
{
    (void)t;
    (void)ctx;
    fprintf(stderr, "rejected: %s\n", e->message);
    exit(1);
}

/* Admits a query of `user`'s group and returns its ticket. */
static resource_ticket *admit(bench *b, const char *user)
{
    static _Atomic int admitted[64];
    static int next;
    _Atomic int *flag = &admitted[next++ % 64];
    atomic_store(flag, 0);
    query_identity who = {.user = user, .source = "bench", .query_type = "SELECT"};
    shoal_error e;
    error_clear(&e);
    resource_ticket *t = resource_manager_submit(b->rm, &who, on_admit, on_reject, flag, &e);
    if (!t) {
        fprintf(stderr, "submit: %s\n", e.message);
        exit(1);
    }
    while (!atomic_load(flag)) {
        struct timespec pause = {0, 100000};
        nanosleep(&pause, NULL);
    }
    return t;
}

static query *start(bench *b, resource_ticket *t, const char *sql)
{
    query_submit_options options = {.sched_group = resource_ticket_sched_group(t)};
    query *q = query_submit_with(b->engine, b->session, sql, &options);
    if (!q || query_get_state(q) == QUERY_FAILED) {
        fprintf(stderr, "query failed: %s\n", q ? query_error(q)->message : "out of memory");
        exit(1);
    }
    return q;
}

static void run_to_end(query *q)
{
    shoal_error e;
    error_clear(&e);
    for (;;) {
        page *p = NULL;
        query_fetch_status st = query_fetch(q, &p, 1000, &e);
        if (p)
            page_unref(p);
        if (st == QUERY_FETCH_DONE)
            return;
        if (st == QUERY_FETCH_FAILED) {
            fprintf(stderr, "query failed: %s\n", e.message);
            exit(1);
        }
    }
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Starts `count` CPU-bound queries in `user`'s group. */
static void start_load(bench *b, const char *user, int count, query **queries, resource_ticket **tickets)
{
    for (int i = 0; i < count; i++) {
        tickets[i] = admit(b, user);
        queries[i] = start(b, tickets[i], CPU_QUERY);
    }
}

static void stop_load(bench *b, int count, query **queries, resource_ticket **tickets)
{
    for (int i = 0; i < count; i++) {
        query_cancel(queries[i]);
        query_free(queries[i]);
        resource_manager_query_finished(b->rm, tickets[i], 0, 0);
    }
}

/* CPU of group a over group b while both run two CPU-bound queries. */
static double weighted_share(bench *b, int seconds, double *cpu_a_s, double *cpu_b_s)
{
    query *queries[4];
    resource_ticket *tickets[4];
    start_load(b, "a", 2, queries, tickets);
    start_load(b, "b", 2, queries + 2, tickets + 2);
    sched_group *ga = resource_ticket_sched_group(tickets[0]), *gb = resource_ticket_sched_group(tickets[2]);
    sleep_ms(300); /* both groups busy */
    uint64_t a0 = sched_group_cpu_ns(ga), b0 = sched_group_cpu_ns(gb);
    sleep_ms(seconds * 1000);
    uint64_t a = sched_group_cpu_ns(ga) - a0, bb = sched_group_cpu_ns(gb) - b0;
    stop_load(b, 4, queries, tickets);
    *cpu_a_s = (double)a / 1e9;
    *cpu_b_s = (double)bb / 1e9;
    return bb ? (double)a / (double)bb : 0;
}

static int compare_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return a < b ? -1 : a > b;
}

/* p99 (ms) of `runs` short queries run one after another in `interactive`. */
static double short_query_p99(bench *b, int runs, double *p50)
{
    double *ms = calloc((size_t)runs, sizeof *ms);
    for (int i = 0; i < runs; i++) {
        uint64_t t0 = clock_now_ns();
        resource_ticket *t = admit(b, "interactive");
        query *q = start(b, t, SHORT_QUERY);
        run_to_end(q);
        query_free(q);
        resource_manager_query_finished(b->rm, t, 0, 0);
        ms[i] = (double)(clock_now_ns() - t0) / 1e6;
    }
    qsort(ms, (size_t)runs, sizeof *ms, compare_double);
    *p50 = ms[runs / 2];
    int at = (int)(0.99 * (runs - 1) + 0.5);
    double p99 = ms[at];
    free(ms);
    return p99;
}

int main(int argc, char **argv)
{
    bool json = false;
    int seconds = 3, threads = 0, runs = 50;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0)
            json = true;
        else if (strcmp(argv[i], "--seconds") == 0 && i + 1 < argc)
            seconds = atoi(argv[++i]);
        else if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc)
            threads = atoi(argv[++i]);
        else if (strcmp(argv[i], "--runs") == 0 && i + 1 < argc)
            runs = atoi(argv[++i]);
    }
    if (runs < 2)
        runs = 2;
    shoal_error e;
    error_clear(&e);
    bench b = {0};
    b.engine = engine_create(&(engine_config){.threads = threads}, &e);
    if (!b.engine) {
        fprintf(stderr, "engine: %s\n", e.message);
        return 1;
    }
    resource_groups_spec spec;
    config_error ce;
    config_error_clear(&ce);
    if (!resource_groups_parse(GROUPS_JSON, "bench.json", &spec, &ce)) {
        fprintf(stderr, "%s\n", ce.message);
        return 1;
    }
    b.rm = resource_manager_create(engine_runtime(b.engine),
                                   &(resource_manager_options){.spec = &spec, .cluster_memory_bytes = 1ull << 40}, &e);
    resource_groups_free(&spec);
    if (!b.rm) {
        fprintf(stderr, "%s\n", e.message);
        return 1;
    }
    b.session = session_new("bench", "tpch", "tiny");

    double cpu_a, cpu_b;
    double share = weighted_share(&b, seconds, &cpu_a, &cpu_b);
    double idle_p50, idle_p99 = short_query_p99(&b, runs, &idle_p50);
    query *load[4];
    resource_ticket *load_tickets[4];
    start_load(&b, "etl", 4, load, load_tickets);
    sleep_ms(300);
    double loaded_p50, loaded_p99 = short_query_p99(&b, runs, &loaded_p50);
    stop_load(&b, 4, load, load_tickets);
    double slowdown = idle_p99 > 0 ? loaded_p99 / idle_p99 : 0;
    bool share_ok = share >= 2.7 && share <= 3.3, p99_ok = slowdown <= 2.0;

    if (json) {
        printf("{\"weighted_share\":{\"weights\":\"3:1\",\"seconds\":%d,\"cpu_a_s\":%.3f,\"cpu_b_s\":%.3f,"
               "\"ratio\":%.3f,\"target\":\"2.7..3.3\",\"ok\":%s},"
               "\"interactive_p99\":{\"runs\":%d,\"idle_p50_ms\":%.2f,\"idle_p99_ms\":%.2f,\"loaded_p50_ms\":%.2f,"
               "\"loaded_p99_ms\":%.2f,\"slowdown\":%.2f,\"target\":\"<= 2.0\",\"ok\":%s}}\n",
               seconds, cpu_a, cpu_b, share, share_ok ? "true" : "false", runs, idle_p50, idle_p99, loaded_p50,
               loaded_p99, slowdown, p99_ok ? "true" : "false");
    } else {
        printf("| figure | measured | target | ok |\n|---|---|---|---|\n");
        printf("| CPU a:b, weights 3:1, %d s (%.2f s : %.2f s) | %.2f | 2.7..3.3 | %s |\n", seconds, cpu_a, cpu_b,
               share, share_ok ? "yes" : "NO");
        printf("| short query p50 / p99 idle (ms) | %.1f / %.1f | | |\n", idle_p50, idle_p99);
        printf("| short query p50 / p99 with etl saturating (ms) | %.1f / %.1f | | |\n", loaded_p50, loaded_p99);
        printf("| p99 loaded / idle | %.2f | <= 2.0 | %s |\n", slowdown, p99_ok ? "yes" : "NO");
    }
    session_free(b.session);
    resource_manager_destroy(b.rm);
    engine_destroy(b.engine);
    return share_ok && p99_ok ? 0 : 2;
}
