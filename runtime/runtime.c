/*
 * runtime.c - creating, starting and shutting down the runtime, the ticker
 * thread (quantum preemption flag and stall detector), quiescence and stats.
 *
 * Shutdown order: wait for quiescence (drain mode), stop the schedulers and
 * join them, stop the helpers, then - single-threaded - drop every queued
 * message, run on_stop of every actor still alive, free every actor, and
 * finally free the schedulers (pollers, timer heaps). References that user
 * code still holds are invalid after runtime_destroy.
 */
#define _GNU_SOURCE
#include "runtime/internal.h"

#include "runtime/clock.h"
#include "runtime/errors.h"
#include "runtime/log.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static log_subsystem runtime_log = LOG_SUBSYSTEM_INIT("runtime");

runtime_config runtime_config_default(void)
{
    runtime_config cfg = {0};
    cfg.batch = 64;
    cfg.quantum_us = 1000;
    cfg.stall_ms = 50;
    cfg.helper_threads = 1;
    return cfg;
}

static int runtime_default_threads(void)
{
    const char *env = getenv("SHOAL_THREADS");
    if (env != NULL && *env != '\0') {
        long n = strtol(env, NULL, 10);
        if (n > 0 && n <= 1024)
            return (int)n;
        log_warn(&runtime_log, "ignoring SHOAL_THREADS=%s", env);
    }
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

static void runtime_normalise_config(runtime_config *cfg)
{
    if (cfg->threads <= 0)
        cfg->threads = runtime_default_threads();
    if (cfg->batch == 0)
        cfg->batch = 64;
    if (cfg->quantum_us == 0)
        cfg->quantum_us = 1000;
    if (cfg->helper_threads < 0)
        cfg->helper_threads = 0;
    const char *fy = getenv("SHOAL_FORCE_YIELD");
    if (fy != NULL && *fy != '\0' && *fy != '0')
        cfg->force_yield = true;
}

uint64_t runtime_det_next(runtime *rt)
{
    uint64_t z = (rt->det_rng += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static void runtime_free_schedulers(runtime *rt)
{
    for (int i = 0; i < rt->nsched; i++) {
        if (rt->scheds[i] != NULL) {
            scheduler_fini(rt->scheds[i]);
            free(rt->scheds[i]);
        }
    }
    free(rt->scheds);
}

runtime *runtime_create(const runtime_config *cfg_in, int *err)
{
    int dummy;
    if (err == NULL)
        err = &dummy;
    runtime *rt = calloc(1, sizeof *rt);
    if (rt == NULL) {
        *err = SHOAL_ENOMEM;
        return NULL;
    }
    rt->cfg = cfg_in ? *cfg_in : runtime_config_default();
    runtime_normalise_config(&rt->cfg);
    rt->nsched = rt->cfg.threads;
    rt->det_rng = rt->cfg.seed;
    pthread_mutex_init(&rt->ticker_lock, NULL);
    pthread_mutex_init(&rt->foreign_lock, NULL);
    group_queue_init(&rt->groups);
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&rt->ticker_cond, &attr);
    pthread_condattr_destroy(&attr);
    rt->scheds = calloc((size_t)rt->nsched, sizeof *rt->scheds);
    *err = rt->scheds ? 0 : SHOAL_ENOMEM;
    for (int i = 0; *err == 0 && i < rt->nsched; i++) {
        scheduler *s = aligned_alloc(64, (sizeof(scheduler) + 63) & ~(size_t)63);
        if (s == NULL) {
            *err = SHOAL_ENOMEM;
            break;
        }
        memset(s, 0, sizeof *s);
        *err = scheduler_init(s, rt, i);
        if (*err != 0) {
            free(s);
            break;
        }
        rt->scheds[i] = s;
    }
    if (*err == 0 && rt->cfg.helper_threads > 0)
        *err = helper_pool_create(rt, rt->cfg.helper_threads, &rt->helpers);
    if (*err != 0) {
        if (rt->scheds)
            runtime_free_schedulers(rt);
        pthread_mutex_destroy(&rt->ticker_lock);
        pthread_cond_destroy(&rt->ticker_cond);
        group_queue_fini(&rt->groups);
        free(rt);
        return NULL;
    }
    log_debug(&runtime_log, "runtime created: %d schedulers%s", rt->nsched,
              rt->cfg.deterministic ? " (deterministic)" : "");
    return rt;
}

/* ---- ticker: need_preempt and the stall detector ---- */

static void runtime_tick_scheduler(runtime *rt, scheduler *s, uint64_t now)
{
    uint64_t id = atomic_load_explicit(&s->running_id, memory_order_relaxed);
    uint64_t turns = atomic_load_explicit(&s->turns, memory_order_relaxed);
    if (id == 0 || turns != s->tick_turns) {
        s->tick_turns = turns;
        s->tick_since_ns = now;
        s->stall_reported = false;
        return;
    }
    uint64_t held = now - s->tick_since_ns;
    if (held >= (uint64_t)rt->cfg.quantum_us * CLOCK_NS_PER_US)
        atomic_store_explicit(&s->preempt, true, memory_order_relaxed);
    if (rt->cfg.stall_ms && !s->stall_reported &&
        held >= (uint64_t)rt->cfg.stall_ms * CLOCK_NS_PER_MS) {
        const char *name = atomic_load_explicit(&s->running_name, memory_order_relaxed);
        s->stall_reported = true;
        atomic_fetch_add_explicit(&s->stalls, 1, memory_order_relaxed);
        log_warn(&runtime_log, "stall: actor %s#%llu has held scheduler %d for %llu ms",
                 name ? name : "?", (unsigned long long)id, s->index,
                 (unsigned long long)(held / CLOCK_NS_PER_MS));
    }
}

static void *runtime_ticker_main(void *arg)
{
    runtime *rt = arg;
    uint64_t period_ns = (uint64_t)rt->cfg.quantum_us * CLOCK_NS_PER_US / 2;
    if (period_ns < 100 * CLOCK_NS_PER_US)
        period_ns = 100 * CLOCK_NS_PER_US;
    uint64_t start = clock_now_ns();
    for (int i = 0; i < rt->nsched; i++) {
        rt->scheds[i]->tick_turns = UINT64_MAX;
        rt->scheds[i]->tick_since_ns = start;
    }
    pthread_mutex_lock(&rt->ticker_lock);
    while (!atomic_load_explicit(&rt->stopping, memory_order_acquire)) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        uint64_t when = (uint64_t)ts.tv_sec * CLOCK_NS_PER_SEC + (uint64_t)ts.tv_nsec + period_ns;
        ts.tv_sec = (time_t)(when / CLOCK_NS_PER_SEC);
        ts.tv_nsec = (long)(when % CLOCK_NS_PER_SEC);
        pthread_cond_timedwait(&rt->ticker_cond, &rt->ticker_lock, &ts);
        uint64_t now = clock_now_ns();
        for (int i = 0; i < rt->nsched; i++)
            runtime_tick_scheduler(rt, rt->scheds[i], now);
    }
    pthread_mutex_unlock(&rt->ticker_lock);
    return NULL;
}

static int runtime_start_threads(runtime *rt)
{
    if (rt->cfg.deterministic) {
        if (pthread_create(&rt->det_thread, NULL, scheduler_deterministic_main, rt) != 0)
            return SHOAL_ESYSTEM;
        rt->scheds[0]->thread_started = true;
        return 0;
    }
    for (int i = 0; i < rt->nsched; i++) {
        scheduler *s = rt->scheds[i];
        if (pthread_create(&s->thread, NULL, scheduler_thread_main, s) != 0)
            return SHOAL_ESYSTEM;
        s->thread_started = true;
    }
    if (pthread_create(&rt->ticker, NULL, runtime_ticker_main, rt) != 0)
        return SHOAL_ESYSTEM;
    rt->ticker_started = true;
    return 0;
}

static void runtime_join_threads(runtime *rt)
{
    atomic_store_explicit(&rt->stopping, true, memory_order_seq_cst);
    if (rt->ticker_started) {
        pthread_mutex_lock(&rt->ticker_lock);
        pthread_cond_broadcast(&rt->ticker_cond);
        pthread_mutex_unlock(&rt->ticker_lock);
        pthread_join(rt->ticker, NULL);
        rt->ticker_started = false;
    }
    for (int i = 0; i < rt->nsched; i++) {
        scheduler *s = rt->scheds[i];
        atomic_store_explicit(&s->parked, 1, memory_order_seq_cst);
        scheduler_wake(s);
    }
    if (rt->cfg.deterministic) {
        if (rt->scheds[0]->thread_started)
            pthread_join(rt->det_thread, NULL);
        rt->scheds[0]->thread_started = false;
        return;
    }
    for (int i = 0; i < rt->nsched; i++) {
        scheduler *s = rt->scheds[i];
        if (s->thread_started)
            pthread_join(s->thread, NULL);
        s->thread_started = false;
    }
}

int runtime_start(runtime *rt)
{
    if (rt->started)
        return SHOAL_ESTATE;
    rt->started = true;
    int rc = runtime_start_threads(rt);
    if (rc != 0) {
        log_error(&runtime_log, "cannot start scheduler threads: %s", strerror(errno));
        runtime_join_threads(rt);
    }
    return rc;
}

/* ---- quiescence ---- */

static uint64_t runtime_total_turns(runtime *rt)
{
    uint64_t t = 0;
    for (int i = 0; i < rt->nsched; i++)
        t += atomic_load_explicit(&rt->scheds[i]->turns, memory_order_relaxed);
    return t;
}

static bool runtime_looks_idle(runtime *rt)
{
    for (int i = 0; i < rt->nsched; i++) {
        scheduler *s = rt->scheds[i];
        bool asleep = rt->cfg.deterministic
                          ? atomic_load_explicit(&rt->det_idle, memory_order_seq_cst)
                          : atomic_load_explicit(&s->sleeping, memory_order_seq_cst);
        if (!asleep || scheduler_has_work(s) ||
            atomic_load_explicit(&s->timers.armed, memory_order_relaxed) > 0)
            return false;
    }
    return rt->helpers == NULL || helper_pool_idle(rt->helpers);
}

int runtime_wait_idle(runtime *rt, uint32_t timeout_ms)
{
    uint64_t deadline = clock_deadline_after_ms(timeout_ms);
    uint64_t last_turns = UINT64_MAX;
    int stable = 0;
    while (clock_now_ns() < deadline) {
        if (runtime_looks_idle(rt)) {
            uint64_t turns = runtime_total_turns(rt);
            stable = turns == last_turns ? stable + 1 : 0;
            last_turns = turns;
            if (stable >= 2)
                return 0;
        } else {
            stable = 0;
            last_turns = UINT64_MAX;
        }
        struct timespec ts = {0, 1000000};
        nanosleep(&ts, NULL);
    }
    return SHOAL_ETIMEDOUT;
}

/* ---- teardown ---- */

static void runtime_for_each_in(actor *a, void (*fn)(actor *))
{
    while (a != NULL) {
        actor *next = a->reg_next;
        fn(a);
        a = next;
    }
}

static void runtime_for_each_actor(runtime *rt, void (*fn)(actor *))
{
    for (int i = 0; i < rt->nsched; i++)
        runtime_for_each_in(rt->scheds[i]->registry, fn);
    runtime_for_each_in(rt->foreign_registry, fn);
}

static void runtime_teardown_actors(runtime *rt)
{
    for (int i = 0; i < rt->nsched; i++)
        actor_collect_garbage(rt->scheds[i]);
    atomic_store_explicit(&rt->tearing_down, true, memory_order_seq_cst);
    runtime_for_each_actor(rt, actor_teardown_drop_messages);
    runtime_for_each_actor(rt, actor_teardown_stop);
    runtime_for_each_actor(rt, actor_teardown_drop_messages);
    runtime_for_each_actor(rt, actor_teardown_free);
    for (int i = 0; i < rt->nsched; i++)
        rt->scheds[i]->registry = NULL;
    rt->foreign_registry = NULL;
}

int runtime_shutdown(runtime *rt, runtime_shutdown_mode mode, uint32_t timeout_ms)
{
    if (rt->shut_down)
        return 0;
    int rc = 0;
    if (mode == RUNTIME_DRAIN && rt->started)
        rc = runtime_wait_idle(rt, timeout_ms);
    if (rc != 0)
        log_warn(&runtime_log, "drain timed out after %u ms; cancelling", timeout_ms);
    runtime_join_threads(rt);
    if (rt->helpers)
        helper_pool_stop(rt->helpers);
    /* Actors still alive are stopped on this thread: make it look like a
     * scheduler-less thread; sends during on_stop are dropped by teardown. */
    runtime_teardown_actors(rt);
    rt->shut_down = true;
    return rc;
}

void runtime_destroy(runtime *rt)
{
    if (rt == NULL)
        return;
    runtime_shutdown(rt, RUNTIME_CANCEL, 0);
    if (rt->helpers)
        helper_pool_destroy(rt->helpers);
    runtime_free_schedulers(rt);
    pthread_mutex_destroy(&rt->ticker_lock);
    pthread_mutex_destroy(&rt->foreign_lock);
    pthread_cond_destroy(&rt->ticker_cond);
    group_queue_fini(&rt->groups);
    free(rt);
}

int runtime_thread_count(const runtime *rt)
{
    return rt->nsched;
}

void runtime_get_stats(runtime *rt, runtime_stats *out)
{
    memset(out, 0, sizeof *out);
    for (int i = 0; i < rt->nsched; i++) {
        scheduler *s = rt->scheds[i];
        out->turns += atomic_load_explicit(&s->turns, memory_order_relaxed);
        out->steals += atomic_load_explicit(&s->steals, memory_order_relaxed);
        out->parks += atomic_load_explicit(&s->parks, memory_order_relaxed);
        out->live_actors += (int64_t)atomic_load_explicit(&s->spawned, memory_order_relaxed) -
                            (int64_t)atomic_load_explicit(&s->stopped, memory_order_relaxed);
    }
}
