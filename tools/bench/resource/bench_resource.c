/*
 * bench_resource.c — resource-group admission on the real group actors.
 *
 *   deep_tree_admit   µs from the end of a running query (query_finished)
 *                     to the admit callback of the next queued one, with
 *                     10,000 queued queries spread over 100 leaves of a
 *                     6-level tree (weighted_fair root, fair below, ${USER}
 *                     leaves); the queue is kept full. Includes waking the
 *                     leaf actor on a parked scheduler; decide_mean is the
 *                     part inside query_finished (lock, pick, send).
 *   submit_admit      µs from submit to the admit callback in an idle group.
 *   throughput        submissions admitted per second: 4 threads submit
 *                     100,000 queries into an unbounded group.
 *
 *   bench_resource [--json]
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actors/resource/resource_manager.h"
#include "runtime/clock.h"

enum { QUEUED = 10000, CYCLES = 10000, USERS = 100, THROUGHPUT_THREADS = 4, THROUGHPUT_PER_THREAD = 25000 };

typedef struct bench_state {
    _Atomic uint64_t admits;
    resource_ticket *_Atomic last;
    resource_ticket **admitted;   /* ring of admitted tickets for throughput */
    _Atomic uint64_t admitted_count;
} bench_state;

static bench_state state;

static void on_admit(resource_ticket *t, void *ctx)
{
    (void)ctx;
    /* `last` before the count: the main thread reads it once it sees the count */
    atomic_store(&state.last, t);
    uint64_t n = atomic_fetch_add(&state.admitted_count, 1);
    if (state.admitted)
        state.admitted[n] = t;
    atomic_fetch_add_explicit(&state.admits, 1, memory_order_release);
}

static void on_reject(resource_ticket *t, const shoal_error *e, void *ctx)
{
    (void)t;
    (void)ctx;
    fprintf(stderr, "rejected: %s\n", e->message);
    exit(1);
}

static void wait_admits(uint64_t n)
{
    while (atomic_load_explicit(&state.admits, memory_order_acquire) < n)
        __builtin_ia32_pause();
}

static resource_manager *manager(runtime *rt, const char *json)
{
    resource_groups_spec spec;
    config_error ce;
    config_error_clear(&ce);
    if (json && !resource_groups_parse(json, "bench.json", &spec, &ce)) {
        fprintf(stderr, "%s\n", ce.message);
        exit(1);
    }
    shoal_error e;
    error_clear(&e);
    resource_manager *rm = resource_manager_create(rt, &(resource_manager_options){
        .spec = json ? &spec : NULL, .manual_refresh = true,
        .max_concurrent_queries = 1000000000, .max_queued_queries = 1000000000}, &e);
    if (json)
        resource_groups_free(&spec);
    if (!rm) {
        fprintf(stderr, "%s\n", e.message);
        exit(1);
    }
    return rm;
}

static resource_ticket *submit(resource_manager *rm, int user)
{
    char name[16];
    snprintf(name, sizeof name, "u%d", user);
    query_identity who = {.user = name, .source = "bench", .query_type = "SELECT"};
    shoal_error e;
    resource_ticket *t = resource_manager_submit(rm, &who, on_admit, on_reject, NULL, &e);
    if (!t) {
        fprintf(stderr, "submit: %s\n", e.message);
        exit(1);
    }
    return t;
}

static int compare_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

#define LEVEL(name, policy, sub) \
    "{\"name\":\"" name "\",\"softMemoryLimit\":\"100%\",\"hardConcurrencyLimit\":1000,\"maxQueued\":100000" \
    ",\"schedulingPolicy\":\"" policy "\",\"subGroups\":[" sub "]}"

static const char *DEEP_TREE =
    "{\"rootGroups\":[{\"name\":\"root\",\"softMemoryLimit\":\"100%\",\"hardConcurrencyLimit\":1,\"maxQueued\":100000,"
    "\"schedulingPolicy\":\"weighted_fair\",\"subGroups\":["
    "{\"name\":\"l1\",\"softMemoryLimit\":\"100%\",\"hardConcurrencyLimit\":1000,\"maxQueued\":100000,\"schedulingWeight\":3,"
    "\"subGroups\":[" LEVEL("l2", "fair", LEVEL("l3", "fair", LEVEL("l4", "fair",
        "{\"name\":\"leaf_${USER}\",\"softMemoryLimit\":\"100%\",\"hardConcurrencyLimit\":1000,\"maxQueued\":1000}"))) "]},"
    "{\"name\":\"other\",\"softMemoryLimit\":\"100%\",\"hardConcurrencyLimit\":1000,\"maxQueued\":100,\"schedulingWeight\":1}]}],"
    "\"selectors\":[{\"group\":\"root.l1.l2.l3.l4.leaf_${USER}\"}]}";

static double decide_us; /* time inside query_finished: lock, pick the next query, send ADMIT */

static void deep_tree(runtime *rt, double *p50, double *p99, double *mean)
{
    resource_manager *rm = manager(rt, DEEP_TREE);
    memset(&state, 0, sizeof state);
    resource_ticket *running = submit(rm, 0);
    wait_admits(1);
    for (int i = 0; i < QUEUED; i++)
        submit(rm, i % USERS);
    /* wait until all are queued */
    for (;;) {
        resource_manager_state s;
        resource_manager_state_get(rm, &s);
        int64_t queued = s.root_groups[0].queued_queries;
        resource_manager_state_free(&s);
        if (queued == QUEUED)
            break;
    }
    uint64_t *lat = calloc(CYCLES, sizeof *lat);
    uint64_t total = 0, decide = 0;
    for (int i = 0; i < CYCLES; i++) {
        uint64_t before = atomic_load(&state.admits);
        uint64_t t0 = clock_now_ns();
        resource_manager_query_finished(rm, running, 0, 0);
        decide += clock_now_ns() - t0;
        wait_admits(before + 1);
        lat[i] = clock_now_ns() - t0;
        total += lat[i];
        running = atomic_load(&state.last);
        submit(rm, i % USERS);          /* keep the queue at 10,000 (outside the timing) */
    }
    qsort(lat, CYCLES, sizeof *lat, compare_u64);
    *p50 = (double)lat[CYCLES / 2] / 1000.0;
    *p99 = (double)lat[CYCLES * 99 / 100] / 1000.0;
    *mean = (double)total / CYCLES / 1000.0;
    decide_us = (double)decide / CYCLES / 1000.0;
    free(lat);
    resource_manager_destroy(rm);
}

static double submit_admit(runtime *rt)
{
    resource_manager *rm = manager(rt, NULL);
    memset(&state, 0, sizeof state);
    uint64_t total = 0;
    for (int i = 0; i < CYCLES; i++) {
        uint64_t t0 = clock_now_ns();
        submit(rm, 0);
        wait_admits((uint64_t)i + 1);
        total += clock_now_ns() - t0;
        resource_manager_query_finished(rm, atomic_load(&state.last), 0, 0);
    }
    resource_manager_destroy(rm);
    return (double)total / CYCLES / 1000.0;
}

static void *throughput_thread(void *arg)
{
    resource_manager *rm = arg;
    for (int i = 0; i < THROUGHPUT_PER_THREAD; i++)
        submit(rm, i % USERS);
    return NULL;
}

static double throughput(runtime *rt)
{
    resource_manager *rm = manager(rt,
        "{\"rootGroups\":[{\"name\":\"root\",\"softMemoryLimit\":\"100%\",\"hardConcurrencyLimit\":1000000,"
        "\"maxQueued\":1000000,\"subGroups\":[{\"name\":\"${USER}\",\"softMemoryLimit\":\"100%\","
        "\"hardConcurrencyLimit\":1000000,\"maxQueued\":1000000}]}],\"selectors\":[{\"group\":\"root.${USER}\"}]}");
    memset(&state, 0, sizeof state);
    uint64_t n = THROUGHPUT_THREADS * THROUGHPUT_PER_THREAD;
    state.admitted = calloc(n, sizeof *state.admitted);
    pthread_t threads[THROUGHPUT_THREADS];
    uint64_t t0 = clock_now_ns();
    for (int i = 0; i < THROUGHPUT_THREADS; i++)
        pthread_create(&threads[i], NULL, throughput_thread, rm);
    for (int i = 0; i < THROUGHPUT_THREADS; i++)
        pthread_join(threads[i], NULL);
    wait_admits(n);
    double seconds = (double)(clock_now_ns() - t0) / 1e9;
    for (uint64_t i = 0; i < n; i++)
        resource_manager_query_finished(rm, state.admitted[i], 0, 0);
    free(state.admitted);
    state.admitted = NULL;
    resource_manager_destroy(rm);
    return (double)n / seconds;
}

int main(int argc, char **argv)
{
    bool json = argc > 1 && strcmp(argv[1], "--json") == 0;
    runtime_config rc = runtime_config_default();
    int err = 0;
    runtime *rt = runtime_create(&rc, &err);
    if (!rt || runtime_start(rt) != 0)
        return 1;
    double p50, p99, mean;
    deep_tree(rt, &p50, &p99, &mean);
    double idle = submit_admit(rt);
    double qps = throughput(rt);
    if (json)
        printf("{\"deep_tree_admit_us\":{\"queued\":%d,\"mean\":%.2f,\"p50\":%.2f,\"p99\":%.2f,\"decide_mean\":%.2f},"
               "\"submit_admit_us\":%.2f,\"throughput_per_s\":%.0f}\n", QUEUED, mean, p50, p99, decide_us, idle, qps);
    else
        printf("deep tree, %d queued: finish→next admit mean %.2f µs, p50 %.2f µs, p99 %.2f µs"
               " (decision inside query_finished %.2f µs)\n"
               "idle group: submit→admit %.2f µs\n"
               "throughput: %.0f admissions/s (%d threads submitting)\n",
               QUEUED, mean, p50, p99, decide_us, idle, qps, THROUGHPUT_THREADS);
    runtime_shutdown(rt, RUNTIME_CANCEL, 5000);
    runtime_destroy(rt);
    return 0;
}
