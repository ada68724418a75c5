/*
 * resource_test_support.h — helpers for the resource-group tests: a runtime,
 * specs from JSON text, callbacks that record admissions and rejections in
 * order, and waits on those records and on group counts.
 */
#ifndef SHOAL_TESTS_RESOURCE_SUPPORT_H
#define SHOAL_TESTS_RESOURCE_SUPPORT_H

#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "actors/resource/resource_manager.h"
#include "runtime/runtime.h"

enum { RECORD_MAX = 4096 };

typedef struct recorder {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int admits, rejects;
    char order[RECORD_MAX][32];    /* tags of admitted queries, in admission order */
    int order_count;
    shoal_error last_error;
} recorder;

typedef struct probe {
    recorder *r;
    char tag[32];
    resource_ticket *ticket;
    bool admitted, rejected;
} probe;

static inline void recorder_init(recorder *r)
{
    memset(r, 0, sizeof *r);
    pthread_mutex_init(&r->mu, NULL);
    pthread_cond_init(&r->cv, NULL);
}

static inline void on_admit(resource_ticket *t, void *ctx)
{
    (void)t;
    probe *p = ctx;
    recorder *r = p->r;
    pthread_mutex_lock(&r->mu);
    p->admitted = true;
    if (r->order_count < RECORD_MAX)
        snprintf(r->order[r->order_count++], 32, "%s", p->tag);
    r->admits++;
    pthread_cond_broadcast(&r->cv);
    pthread_mutex_unlock(&r->mu);
}

static inline void on_reject(resource_ticket *t, const shoal_error *e, void *ctx)
{
    (void)t;
    probe *p = ctx;
    recorder *r = p->r;
    pthread_mutex_lock(&r->mu);
    p->rejected = true;
    r->rejects++;
    r->last_error = *e;
    pthread_cond_broadcast(&r->cv);
    pthread_mutex_unlock(&r->mu);
}

/* Waits until admits >= a and rejects >= j (5 s at most). */
static inline bool recorder_wait(recorder *r, int a, int j)
{
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += 5;
    pthread_mutex_lock(&r->mu);
    while (r->admits < a || r->rejects < j)
        if (pthread_cond_timedwait(&r->cv, &r->mu, &deadline) != 0)
            break;
    bool ok = r->admits >= a && r->rejects >= j;
    pthread_mutex_unlock(&r->mu);
    return ok;
}

static inline runtime *test_runtime(void)
{
    runtime_config rc = runtime_config_default();
    rc.threads = 4;
    int err = 0;
    runtime *rt = runtime_create(&rc, &err);
    cr_assert(rt && runtime_start(rt) == 0);
    return rt;
}

static inline void test_runtime_free(runtime *rt)
{
    runtime_shutdown(rt, RUNTIME_CANCEL, 5000);
    runtime_destroy(rt);
}

static inline resource_manager *test_manager(runtime *rt, const char *json, uint64_t cluster_memory)
{
    resource_groups_spec spec;
    config_error ce;
    config_error_clear(&ce);
    if (json)
        cr_assert(resource_groups_parse(json, "resource-groups.json", &spec, &ce), "%s", ce.message);
    shoal_error e;
    error_clear(&e);
    resource_manager *rm = resource_manager_create(rt, &(resource_manager_options){
        .spec = json ? &spec : NULL, .cluster_memory_bytes = cluster_memory, .manual_refresh = true,
        .max_concurrent_queries = 2, .max_queued_queries = 1}, &e);
    if (json)
        resource_groups_free(&spec);
    cr_assert(rm, "%s", e.message);
    return rm;
}

static inline void submit_as(resource_manager *rm, probe *p, recorder *r, const char *tag, const char *user,
                             const char *source, int64_t priority)
{
    memset(p, 0, sizeof *p);
    p->r = r;
    snprintf(p->tag, sizeof p->tag, "%s", tag);
    query_identity who = {.user = user, .source = source, .query_priority = priority, .query_type = "SELECT"};
    shoal_error e;
    error_clear(&e);
    p->ticket = resource_manager_submit(rm, &who, on_admit, on_reject, p, &e);
    cr_assert(p->ticket, "submit %s: %s", tag, e.message);
}

/* Polls the live state until group `id` has these running / queued counts. */
static inline bool wait_group(resource_manager *rm, const char *id, int64_t running, int64_t queued)
{
    for (int i = 0; i < 5000; i++) {
        resource_manager_state s;
        cr_assert(resource_manager_state_get(rm, &s));
        const resource_group_state *g = resource_manager_state_find(&s, id);
        bool ok = g && g->running_queries == running && g->queued_queries == queued;
        resource_manager_state_free(&s);
        if (ok)
            return true;
        struct timespec ms = {0, 1000000};
        nanosleep(&ms, NULL);
    }
    return false;
}

#endif
