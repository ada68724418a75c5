/*
 * query_limits.c — a query's memory contexts and deadline (query_limits.h).
 */
#include "actors/engine/query_limits.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config/units.h"
#include "runtime/actor.h"
#include "runtime/clock.h"
#include "runtime/task.h"
#include "runtime/timer.h"

enum { CONSUMER_SLOTS = 32 };

typedef struct driver_hook {
    op_memory_hook hook;          /* first: the operators see this */
    query_limits *limits;
    memory_context *context;
    struct driver_hook *next;
} driver_hook;

typedef struct consumer {
    const char *name;             /* operator_ops.name (static) */
    _Atomic int64_t bytes;
} consumer;

struct query_limits {
    query_limits_config config;
    bool has_config;
    memory_context *total, *user, *node;
    pthread_mutex_t lock;
    driver_hook *hooks;
    consumer consumers[CONSUMER_SLOTS];
    _Atomic int consumer_count;
    atomic_bool failed;
    query_limits_fail_fn fail;
    void *context;
    actor *deadline;
    bool deadline_stopped;
    pthread_cond_t stopped;
    struct query_limits *live_prev, *live_next;   /* the live list (live_lock) */
};

/* ---- node pool ------------------------------------------------------------ */

static memory_context *node_pool;
static pthread_once_t node_pool_once = PTHREAD_ONCE_INIT;

static void node_pool_create(void)
{
    node_pool = memory_context_create(NULL, "node", 0);
}

memory_context *query_limits_node_pool(void)
{
    pthread_once(&node_pool_once, node_pool_create);
    return node_pool;
}

void query_limits_set_node_pool_limit(int64_t bytes)
{
    memory_context_set_limit(query_limits_node_pool(), bytes);
}

/* ---- live queries (the low-memory killer's candidates) --------------------- */

static pthread_mutex_t live_lock = PTHREAD_MUTEX_INITIALIZER;
static query_limits *live_head;
static _Atomic uint64_t killed_count;

uint64_t query_limits_killed_count(void)
{
    return atomic_load(&killed_count);
}

static void live_add(query_limits *l)
{
    pthread_mutex_lock(&live_lock);
    l->live_next = live_head;
    if (live_head)
        live_head->live_prev = l;
    live_head = l;
    pthread_mutex_unlock(&live_lock);
}

static void live_remove(query_limits *l)
{
    pthread_mutex_lock(&live_lock);
    if (l->live_prev)
        l->live_prev->live_next = l->live_next;
    else if (live_head == l)
        live_head = l->live_next;
    if (l->live_next)
        l->live_next->live_prev = l->live_prev;
    l->live_prev = l->live_next = NULL;
    pthread_mutex_unlock(&live_lock);
}

/* ---- failing ------------------------------------------------------------------ */

static void fail_once(query_limits *l, const shoal_error *error)
{
    bool expected = false;
    if (atomic_compare_exchange_strong(&l->failed, &expected, true) && l->fail)
        l->fail(l->context, error);
}

static consumer *consumer_for(query_limits *l, const char *name)
{
    int n = atomic_load(&l->consumer_count);
    for (int i = 0; i < n; i++)
        if (l->consumers[i].name == name)
            return &l->consumers[i];
    pthread_mutex_lock(&l->lock);
    n = atomic_load(&l->consumer_count);
    consumer *c = NULL;
    for (int i = 0; i < n && !c; i++)
        if (l->consumers[i].name == name)
            c = &l->consumers[i];
    if (!c && n < CONSUMER_SLOTS) {
        c = &l->consumers[n];
        c->name = name;
        atomic_store(&l->consumer_count, n + 1);
    }
    pthread_mutex_unlock(&l->lock);
    return c;
}

/* "{HashBuilderOperator=1.20MB, ...}": the three largest consumers. */
static void top_consumers(query_limits *l, char *out, size_t size)
{
    int n = atomic_load(&l->consumer_count);
    int order[CONSUMER_SLOTS];
    for (int i = 0; i < n; i++)
        order[i] = i;
    for (int i = 1; i < n; i++)
        for (int k = i; k > 0 && atomic_load(&l->consumers[order[k]].bytes) >
                                     atomic_load(&l->consumers[order[k - 1]].bytes); k--) {
            int t = order[k];
            order[k] = order[k - 1];
            order[k - 1] = t;
        }
    size_t len = (size_t)snprintf(out, size, "{");
    for (int i = 0, shown = 0; i < n && shown < 3 && len < size; i++) {
        int64_t bytes = atomic_load(&l->consumers[order[i]].bytes);
        if (bytes <= 0)
            continue;
        char amount[32];
        config_format_data_size((uint64_t)bytes, amount, sizeof amount);
        len += (size_t)snprintf(out + len, size - len, "%s%s=%s", shown ? ", " : "", l->consumers[order[i]].name, amount);
        shown++;
    }
    if (len < size)
        snprintf(out + len, size - len, "}");
}

static void memory_exceeded(query_limits *l, const operator *op, int64_t delta)
{
    const memory_context *refused = memory_context_last_refusal();
    char limit[32], allocated[32], delta_text[32], top[256];
    shoal_error e;
    error_clear(&e);
    config_format_data_size((uint64_t)memory_context_limit(refused), limit, sizeof limit);
    if (refused == l->node) {
        config_format_data_size((uint64_t)memory_context_reserved(l->node), allocated, sizeof allocated);
        config_format_data_size((uint64_t)delta, delta_text, sizeof delta_text);
        consumer *c = consumer_for(l, op->ops->name);
        if (c)
            atomic_fetch_add(&c->bytes, delta); /* the request counts among the consumers */
        top_consumers(l, top, sizeof top);
        if (c)
            atomic_fetch_sub(&c->bytes, delta);
        error_set(&e, ERR_EXCEEDED_LOCAL_MEMORY_LIMIT,
                  "Query exceeded per-node memory limit of %s [Allocated: %s, Delta: %s, Top Consumers: %s]", limit,
                  allocated, delta_text, top);
    } else if (refused == l->user) {
        error_set(&e, ERR_EXCEEDED_GLOBAL_MEMORY_LIMIT, "Query exceeded distributed user memory limit of %s", limit);
    } else if (refused == l->total) {
        error_set(&e, ERR_EXCEEDED_GLOBAL_MEMORY_LIMIT, "Query exceeded distributed total memory limit of %s", limit);
    } else {
        error_set(&e, ERR_EXCEEDED_LOCAL_MEMORY_LIMIT, "Query exceeded the node's memory pool of %s", limit);
    }
    fail_once(l, &e);
}

/* The node pool refused `l`: kill the query reserving the most on this
 * node (live_lock keeps every candidate alive while it is failed). True
 * when the victim is another query: `l` may then over-commit. */
static bool kill_largest_query(query_limits *l)
{
    shoal_error e;
    error_clear(&e);
    error_set(&e, ERR_CLUSTER_OUT_OF_MEMORY,
              "Query killed because the cluster is out of memory. Please try again in a few minutes.");
    pthread_mutex_lock(&live_lock);
    query_limits *victim = NULL;
    int64_t largest = -1;
    bool releasing = false;   /* a query killed earlier is still giving memory back */
    for (query_limits *c = live_head; c; c = c->live_next) {
        int64_t bytes = memory_context_reserved(c->node);
        if (atomic_load(&c->failed)) {
            releasing = releasing || bytes > 0;
            continue;
        }
        if (bytes > largest || (bytes == largest && c == l)) {
            largest = bytes;
            victim = c;
        }
    }
    if (releasing)
        victim = NULL;        /* an earlier victim's memory is on its way back: kill nobody more */
    if (victim) {
        atomic_fetch_add(&killed_count, 1);
        fail_once(victim, &e);
    }
    pthread_mutex_unlock(&live_lock);
    return victim != l;
}

/* A reservation was refused: fail the query, or let the low-memory killer
 * make room. True when the reservation was granted after all. */
static bool reservation_refused(query_limits *l, const operator *op, int64_t delta)
{
    const memory_context *refused = memory_context_last_refusal();
    if (refused == query_limits_node_pool() && l->config.low_memory_killer != LOW_MEMORY_KILLER_NONE &&
        kill_largest_query(l))
        return true;
    memory_exceeded(l, op, delta);
    return false;
}

static void hook_changed(op_memory_hook *hook, const operator *op, int64_t delta)
{
    driver_hook *h = (driver_hook *)hook;
    query_limits *l = h->limits;
    if (atomic_load_explicit(&l->failed, memory_order_relaxed))
        return; /* failing: the contexts are dropped whole at the end */
    if (delta > 0) {
        if (memory_context_reserve(h->context, delta) != 0) {
            if (!reservation_refused(l, op, delta))
                return;
            memory_context_force_reserve(h->context, delta);
        }
    } else {
        memory_context_release(h->context, -delta);
    }
    consumer *c = consumer_for(l, op->ops->name);
    if (c)
        atomic_fetch_add(&c->bytes, delta);
}

/* ---- deadline actor ------------------------------------------------------------- */

typedef struct deadline_state {
    task task;                    /* first */
    query_limits *limits;
    timer timer;
    uint64_t at_ns;
    shoal_error error;
} deadline_state;

static task_status deadline_run(task *t)
{
    deadline_state *s = (deadline_state *)t;
    if (timer_wait(&s->timer, s->at_ns, t) == SHOAL_EAGAIN)
        return TASK_BLOCKED;
    fail_once(s->limits, &s->error);
    return TASK_DONE;
}

static int deadline_on_start(actor *self)
{
    deadline_state *s = actor_state(self);
    task_init(&s->task, deadline_run);
    timer_init(&s->timer);
    return actor_attach_task(self, &s->task);
}

static void deadline_on_stop(actor *self)
{
    deadline_state *s = actor_state(self);
    timer_cancel(&s->timer);
    query_limits *l = s->limits;
    pthread_mutex_lock(&l->lock);
    l->deadline_stopped = true;
    pthread_cond_broadcast(&l->stopped);
    pthread_mutex_unlock(&l->lock);
}

static const actor_behaviour deadline_behaviour = {
    .name = "query_deadline",
    .on_start = deadline_on_start,
    .on_stop = deadline_on_stop,
};

static void start_deadline(query_limits *l, runtime *rt, uint64_t created_ns)
{
    uint64_t now = clock_now_ns();
    deadline_state init;
    memset(&init, 0, sizeof init);
    init.limits = l;
    char text[32];
    if (l->config.max_run_time_ns > 0) {
        init.at_ns = created_ns + (uint64_t)l->config.max_run_time_ns;
        config_format_duration(l->config.max_run_time_ns, text, sizeof text);
        error_set(&init.error, ERR_EXCEEDED_TIME_LIMIT, "Query exceeded maximum time limit of %s", text);
    }
    if (l->config.max_execution_time_ns > 0 &&
        (init.at_ns == 0 || now + (uint64_t)l->config.max_execution_time_ns < init.at_ns)) {
        init.at_ns = now + (uint64_t)l->config.max_execution_time_ns;
        config_format_duration(l->config.max_execution_time_ns, text, sizeof text);
        error_set(&init.error, ERR_EXCEEDED_TIME_LIMIT, "Query exceeded the maximum execution time limit of %s", text);
    }
    if (init.at_ns == 0 || !rt)
        return;
    actor_options options = {.name = "query_deadline", .state_size = sizeof init, .init_state = &init};
    l->deadline = actor_spawn(rt, &deadline_behaviour, &options);
}

/* ---- lifecycle -------------------------------------------------------------------- */

static int64_t limit_of(uint64_t bytes)
{
    return bytes > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)bytes;
}

query_limits *query_limits_create(runtime *rt, const query_limits_config *config, uint64_t created_ns,
                                  query_limits_fail_fn fail, void *context)
{
    query_limits *l = calloc(1, sizeof *l);
    if (!l)
        return NULL;
    if (config) {
        l->config = *config;
        l->has_config = true;
    }
    l->fail = fail;
    l->context = context;
    pthread_mutex_init(&l->lock, NULL);
    pthread_cond_init(&l->stopped, NULL);
    l->total = memory_context_create(query_limits_node_pool(), "query total", limit_of(l->config.max_total_memory));
    l->user = l->total ? memory_context_create(l->total, "query user", limit_of(l->config.max_memory)) : NULL;
    l->node = l->user ? memory_context_create(l->user, "query on node", limit_of(l->config.max_memory_per_node)) : NULL;
    if (!l->node) {
        query_limits_free(l);
        return NULL;
    }
    live_add(l);
    start_deadline(l, rt, created_ns ? created_ns : clock_now_ns());
    return l;
}

bool query_limits_attach(query_limits *l, operator **operators, int count)
{
    driver_hook *h = calloc(1, sizeof *h);
    if (!h)
        return false;
    h->hook.changed = hook_changed;
    h->limits = l;
    h->context = memory_context_create(l->node, "driver", 0);
    if (!h->context) {
        free(h);
        return false;
    }
    pthread_mutex_lock(&l->lock);
    h->next = l->hooks;
    l->hooks = h;
    pthread_mutex_unlock(&l->lock);
    for (int i = 0; i < count; i++)
        operators[i]->memory_hook = &h->hook;
    return true;
}

void query_limits_free(query_limits *l)
{
    if (!l)
        return;
    live_remove(l);
    if (l->deadline) {
        actor_stop(l->deadline, 0);
        struct timespec deadline;
        clock_gettime(CLOCK_REALTIME, &deadline);
        deadline.tv_sec += 5;
        pthread_mutex_lock(&l->lock);
        while (!l->deadline_stopped)
            if (pthread_cond_timedwait(&l->stopped, &l->lock, &deadline) != 0)
                break;
        pthread_mutex_unlock(&l->lock);
        actor_unref(l->deadline);
    }
    while (l->hooks) {
        driver_hook *h = l->hooks;
        l->hooks = h->next;
        memory_context_destroy(h->context);
        free(h);
    }
    if (l->node)
        memory_context_destroy(l->node);
    if (l->user)
        memory_context_destroy(l->user);
    if (l->total)
        memory_context_destroy(l->total);
    pthread_cond_destroy(&l->stopped);
    pthread_mutex_destroy(&l->lock);
    free(l);
}

int64_t query_limits_reserved(const query_limits *l) { return memory_context_reserved(l->node); }
int64_t query_limits_peak(const query_limits *l) { return memory_context_peak(l->node); }

bool query_limits_check_planning(const query_limits_config *config, uint64_t created_ns, shoal_error *error)
{
    if (!config || config->max_planning_time_ns <= 0)
        return true;
    if (clock_now_ns() - created_ns <= (uint64_t)config->max_planning_time_ns)
        return true;
    char text[32];
    config_format_duration(config->max_planning_time_ns, text, sizeof text);
    return error_set(error, ERR_EXCEEDED_TIME_LIMIT, "Query exceeded the maximum planning time limit of %s", text);
}
