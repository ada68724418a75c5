/*
 * sched_group.c - scheduling groups and jobs (sched_group.h) and the
 * per-core group queue the schedulers pick grouped actors from.
 *
 * Virtual time: a turn of `ns` adds ns / weight to its group's vtime and
 * ns << level to the group's time of the job's level. A core picks the
 * group with the smallest vtime among those it has actors of, then the
 * level with the smallest level time. `group_floor` is the largest vtime
 * ever picked (process wide, monotonic): a group that shows up on a core
 * with a vtime below floor - SLACK is raised to it, so idleness is not
 * saved up (as CFS places a waking task). Levels do the same per group.
 */
#include "runtime/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GROUP_SLACK_NS 20000000ull    /* how much virtual time a waking group may be behind */
#define LEVEL_SLACK_NS 20000000ull

struct sched_group {
    _Atomic uint32_t weight;
    _Atomic int refs;
    _Atomic uint64_t vtime;
    _Atomic uint64_t cpu_ns;
    _Atomic uint64_t level_time[SCHED_LEVELS];
    _Atomic uint64_t level_floor;
    char name[48];
};

struct sched_job {
    sched_group *group;
    _Atomic int refs;
    _Atomic uint64_t cpu_ns;
};

/* Trino's MultilevelSplitQueue thresholds: 0, 1 s, 10 s, 60 s, 300 s. */
static const uint64_t level_threshold_ns[SCHED_LEVELS] = {
    0, 1000000000ull, 10000000000ull, 60000000000ull, 300000000000ull};

static _Atomic uint64_t group_floor;

static void atomic_max_u64(_Atomic uint64_t *v, uint64_t value)
{
    uint64_t now = atomic_load_explicit(v, memory_order_relaxed);
    while (now < value && !atomic_compare_exchange_weak_explicit(v, &now, value, memory_order_relaxed,
                                                                 memory_order_relaxed))
        ;
}

/* ---- groups and jobs ---- */

sched_group *sched_group_create(const char *name, uint32_t weight)
{
    sched_group *g = calloc(1, sizeof *g);
    if (!g)
        return NULL;
    atomic_store(&g->weight, weight ? weight : 1);
    atomic_store(&g->refs, 1);
    atomic_store(&g->vtime, atomic_load(&group_floor));
    snprintf(g->name, sizeof g->name, "%s", name ? name : "group");
    return g;
}

void sched_group_ref(sched_group *g)
{
    atomic_fetch_add_explicit(&g->refs, 1, memory_order_relaxed);
}

void sched_group_unref(sched_group *g)
{
    if (g && atomic_fetch_sub_explicit(&g->refs, 1, memory_order_acq_rel) == 1)
        free(g);
}

void sched_group_set_weight(sched_group *g, uint32_t weight)
{
    atomic_store_explicit(&g->weight, weight ? weight : 1, memory_order_relaxed);
}

uint32_t sched_group_weight(const sched_group *g)
{
    return atomic_load_explicit(&((sched_group *)g)->weight, memory_order_relaxed);
}

uint64_t sched_group_vtime(const sched_group *g)
{
    return atomic_load_explicit(&((sched_group *)g)->vtime, memory_order_relaxed);
}

uint64_t sched_group_cpu_ns(const sched_group *g)
{
    return atomic_load_explicit(&((sched_group *)g)->cpu_ns, memory_order_relaxed);
}

const char *sched_group_name(const sched_group *g)
{
    return g->name;
}

sched_job *sched_job_create(sched_group *g)
{
    sched_job *j = calloc(1, sizeof *j);
    if (!j)
        return NULL;
    sched_group_ref(g);
    j->group = g;
    atomic_store(&j->refs, 1);
    return j;
}

void sched_job_ref(sched_job *j)
{
    atomic_fetch_add_explicit(&j->refs, 1, memory_order_relaxed);
}

void sched_job_unref(sched_job *j)
{
    if (j && atomic_fetch_sub_explicit(&j->refs, 1, memory_order_acq_rel) == 1) {
        sched_group_unref(j->group);
        free(j);
    }
}

sched_group *sched_job_group(const sched_job *j)
{
    return j->group;
}

uint64_t sched_job_cpu_ns(const sched_job *j)
{
    return atomic_load_explicit(&((sched_job *)j)->cpu_ns, memory_order_relaxed);
}

int sched_job_level(const sched_job *j)
{
    uint64_t cpu = sched_job_cpu_ns(j);
    int level = 0;
    while (level + 1 < SCHED_LEVELS && cpu >= level_threshold_ns[level + 1])
        level++;
    return level;
}

void sched_job_charge(sched_job *j, uint64_t ns)
{
    int level = sched_job_level(j);
    sched_group *g = j->group;
    atomic_fetch_add_explicit(&j->cpu_ns, ns, memory_order_relaxed);
    atomic_fetch_add_explicit(&g->cpu_ns, ns, memory_order_relaxed);
    atomic_fetch_add_explicit(&g->vtime, ns / atomic_load_explicit(&g->weight, memory_order_relaxed),
                              memory_order_relaxed);
    atomic_fetch_add_explicit(&g->level_time[level], ns << level, memory_order_relaxed);
}

/* ---- the group queue ---- */

void group_queue_init(group_queue *q)
{
    pthread_mutex_init(&q->lock, NULL);
    q->entries = NULL;
    q->count = q->capacity = 0;
    atomic_store(&q->length, 0);
}

void group_queue_fini(group_queue *q)
{
    free(q->entries);
    q->entries = NULL;
    pthread_mutex_destroy(&q->lock);
}

/* The entry of `g`, created (its vtime brought up to the floor) if absent. */
static group_entry *entry_for(group_queue *q, sched_group *g)
{
    for (uint32_t i = 0; i < q->count; i++)
        if (q->entries[i].group == g)
            return &q->entries[i];
    if (q->count == q->capacity) {
        uint32_t capacity = q->capacity ? q->capacity * 2 : 8;
        group_entry *entries = realloc(q->entries, capacity * sizeof *entries);
        if (!entries)
            return NULL;
        q->entries = entries;
        q->capacity = capacity;
    }
    uint64_t floor = atomic_load_explicit(&group_floor, memory_order_relaxed);
    if (floor > GROUP_SLACK_NS)
        atomic_max_u64(&g->vtime, floor - GROUP_SLACK_NS);
    group_entry *e = &q->entries[q->count++];
    memset(e, 0, sizeof *e);
    e->group = g;
    return e;
}

bool group_queue_push(group_queue *q, actor *a)
{
    sched_group *g = a->sched_job->group;
    int level = sched_job_level(a->sched_job);
    atomic_store_explicit(&a->run_link.next, NULL, memory_order_relaxed);
    pthread_mutex_lock(&q->lock);
    group_entry *e = entry_for(q, g);
    if (!e) {
        pthread_mutex_unlock(&q->lock);
        return false;
    }
    if (e->head[level] == NULL) {
        uint64_t floor = atomic_load_explicit(&g->level_floor, memory_order_relaxed);
        if (floor > LEVEL_SLACK_NS)
            atomic_max_u64(&g->level_time[level], floor - LEVEL_SLACK_NS);
        e->head[level] = &a->run_link;
    } else {
        atomic_store_explicit(&e->tail[level]->next, &a->run_link, memory_order_relaxed);
    }
    e->tail[level] = &a->run_link;
    e->length++;
    atomic_fetch_add_explicit(&q->length, 1, memory_order_relaxed);
    pthread_mutex_unlock(&q->lock);
    return true;
}

static int pick_level(const group_entry *e)
{
    int best = -1;
    uint64_t best_time = 0;
    for (int l = 0; l < SCHED_LEVELS; l++) {
        if (!e->head[l])
            continue;
        uint64_t t = atomic_load_explicit(&e->group->level_time[l], memory_order_relaxed);
        if (best < 0 || t < best_time) {
            best = l;
            best_time = t;
        }
    }
    return best;
}

actor *group_queue_pop(group_queue *q)
{
    if (group_queue_length(q) == 0)
        return NULL;
    pthread_mutex_lock(&q->lock);
    group_entry *e = NULL;
    uint64_t best = 0;
    for (uint32_t i = 0; i < q->count; i++) {
        uint64_t v = atomic_load_explicit(&q->entries[i].group->vtime, memory_order_relaxed);
        if (!e || v < best) {
            e = &q->entries[i];
            best = v;
        }
    }
    actor *a = NULL;
    if (e) {
        int level = pick_level(e);
        run_link *l = e->head[level];
        e->head[level] = atomic_load_explicit(&l->next, memory_order_relaxed);
        if (!e->head[level])
            e->tail[level] = NULL;
        atomic_max_u64(&group_floor, best);
        atomic_max_u64(&e->group->level_floor,
                       atomic_load_explicit(&e->group->level_time[level], memory_order_relaxed));
        if (--e->length == 0)
            *e = q->entries[--q->count];
        atomic_fetch_sub_explicit(&q->length, 1, memory_order_relaxed);
        a = (actor *)((char *)l - offsetof(actor, run_link));
    }
    pthread_mutex_unlock(&q->lock);
    return a;
}
