/*
 * bench_runtime.c - micro and macro benchmarks of the actor runtime.
 *
 *   task resume         a task that yields; ns per resume (one core)
 *   grouped resume      the same task in a scheduling group (sched_group.h):
 *                       each resume is a timed turn through the group queue
 *   message same core   ping-pong between two actors on one scheduler; ns/msg
 *   message cross core  ping-pong between actors pinned to cores 0 and 1; ns/msg
 *   fan-in 2 producers  two credit-limited producer tasks into one actor; msgs/s
 *   skynet 1M           actor tree down to 1,000,000 leaves summing numbers,
 *                       2 schedulers; total ms
 *   peak RSS            of the whole run; MiB
 *
 * Usage: bench_runtime [--json] [--quick] [--skynet (only)]
 */
#include "runtime/actor.h"
#include "runtime/clock.h"
#include "runtime/credit.h"
#include "runtime/runtime.h"
#include "runtime/sched_group.h"
#include "runtime/task.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static bool quick;
static bool only_skynet;

static void sleep_ms(unsigned ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static runtime *bench_runtime_start(int threads)
{
    runtime_config cfg = runtime_config_default();
    cfg.threads = threads;
    cfg.stall_ms = 0;
    int err;
    runtime *rt = runtime_create(&cfg, &err);
    if (rt == NULL || runtime_start(rt) != 0) {
        fprintf(stderr, "cannot start runtime: %s\n", shoal_strerror(err));
        exit(1);
    }
    return rt;
}

static void wait_flag(_Atomic int *flag)
{
    while (!atomic_load(flag))
        sleep_ms(1);
}

/* ---- task resume ---- */

typedef struct yielder {
    task t;
    uint64_t n, count;
    uint64_t start, end;
} yielder;

static _Atomic int yield_done;

static task_status yielder_run(task *t)
{
    yielder *y = (yielder *)t;
    CO_BEGIN(t);
    y->start = clock_now_ns();
    for (y->n = 0; y->n < y->count; y->n++)
        CO_YIELD(t);
    y->end = clock_now_ns();
    atomic_store(&yield_done, 1);
    CO_END(t);
}

static int yielder_start(actor *self)
{
    yielder *y = actor_state(self);
    task_init(&y->t, yielder_run);
    return actor_attach_task(self, &y->t);
}

static const actor_behaviour yielder_behaviour = {.name = "yielder", .on_start = yielder_start};

/* `job` NULL: an ungrouped actor. */
static double bench_task_resume(sched_job *job)
{
    atomic_store(&yield_done, 0);
    runtime *rt = bench_runtime_start(1);
    yielder init = {.count = quick ? 2000000 : 20000000};
    actor *a = actor_spawn(rt, &yielder_behaviour,
                           &(actor_options){.state_size = sizeof init, .init_state = &init, .sched_job = job});
    wait_flag(&yield_done);
    yielder *y = actor_state(a);
    double ns = (double)(y->end - y->start) / (double)y->count;
    actor_unref(a);
    runtime_destroy(rt);
    return ns;
}

/* ---- ping-pong ---- */

enum { MSG_PING = MESSAGE_TYPE_USER + 1, MSG_RESULT };

typedef struct pinger {
    actor *peer;
    uint64_t left;
    uint64_t start, end;
    bool initiator;
} pinger;

static _Atomic int pingpong_done;

static int pinger_receive(actor *self, message *m)
{
    pinger *p = actor_state(self);
    if (p->left == 0 || --p->left == 0) {
        p->end = clock_now_ns();
        atomic_store(&pingpong_done, 1);
        return 0;
    }
    message_keep(m); /* bounce the same message back: no allocation */
    return actor_send(p->peer, m);
}

static const actor_behaviour pinger_behaviour = {.name = "pinger", .receive = pinger_receive};

static double bench_pingpong(int threads, bool pinned)
{
    atomic_store(&pingpong_done, 0);
    runtime *rt = bench_runtime_start(threads);
    uint64_t round_trips = quick ? 200000 : (pinned ? 2000000 : 10000000);
    pinger pa = {.left = round_trips + 1}, pb = {.left = round_trips + 1};
    actor *a = actor_spawn(rt, &pinger_behaviour,
                           &(actor_options){.state_size = sizeof pa, .init_state = &pa,
                                            .pinned = pinned, .pin = 0});
    actor *b = actor_spawn(rt, &pinger_behaviour,
                           &(actor_options){.state_size = sizeof pb, .init_state = &pb,
                                            .pinned = pinned, .pin = threads > 1 ? 1 : 0});
    ((pinger *)actor_state(a))->peer = b;
    ((pinger *)actor_state(b))->peer = a;
    runtime_wait_idle(rt, 5000);
    uint64_t start = clock_now_ns();
    actor_send(a, message_alloc(sizeof(message), MSG_PING));
    wait_flag(&pingpong_done);
    uint64_t end = ((pinger *)actor_state(a))->end;
    uint64_t end_b = ((pinger *)actor_state(b))->end;
    if (end_b > end)
        end = end_b;
    double ns = (double)(end - start) / (double)(2 * round_trips);
    actor_unref(a);
    actor_unref(b);
    runtime_destroy(rt);
    return ns;
}

/* ---- fan-in ---- */

typedef struct fan_producer {
    task t;
    actor *sink;
    credit credit;
    uint64_t i, count;
} fan_producer;

static _Atomic int fan_done;
static long fan_target;

static task_status fan_producer_run(task *t)
{
    fan_producer *p = (fan_producer *)t;
    int rc;
    CO_BEGIN(t);
    for (p->i = 0; p->i < p->count; p->i++) {
        CO_AWAIT(t, rc, credit_take_or_wait(&p->credit, 64, t));
        {
            message *m = message_alloc(64, MSG_PING);
            actor_send_credited_taken(p->sink, m, &p->credit, 64);
        }
        if ((p->i & 1023) == 0)
            CO_MAYBE_YIELD(t);
    }
    CO_END(t);
}

static int fan_producer_start(actor *self)
{
    fan_producer *p = actor_state(self);
    task_init(&p->t, fan_producer_run);
    credit_init(&p->credit, 64 * 8192);
    return actor_attach_task(self, &p->t);
}

static void fan_producer_stop(actor *self)
{
    fan_producer *p = actor_state(self);
    credit_fini(&p->credit);
}

static const actor_behaviour fan_producer_behaviour = {
    .name = "fan-producer", .on_start = fan_producer_start, .on_stop = fan_producer_stop};

typedef struct fan_sink {
    long received;
} fan_sink;

static int fan_sink_receive(actor *self, message *m)
{
    (void)m;
    fan_sink *s = actor_state(self);
    if (++s->received == fan_target)
        atomic_store(&fan_done, 1);
    return 0;
}

static const actor_behaviour fan_sink_behaviour = {.name = "fan-sink", .receive = fan_sink_receive};

static double bench_fan_in(void)
{
    runtime *rt = bench_runtime_start(2);
    uint64_t per = quick ? 500000 : 5000000;
    fan_target = (long)(2 * per);
    actor *sink = actor_spawn(rt, &fan_sink_behaviour, &(actor_options){.state_size = sizeof(fan_sink)});
    runtime_wait_idle(rt, 5000);
    uint64_t start = clock_now_ns();
    actor *p[2];
    for (int i = 0; i < 2; i++) {
        fan_producer init = {.sink = sink, .count = per};
        p[i] = actor_spawn(rt, &fan_producer_behaviour,
                           &(actor_options){.state_size = sizeof init, .init_state = &init});
    }
    wait_flag(&fan_done);
    double secs = (double)(clock_now_ns() - start) / 1e9;
    runtime_wait_idle(rt, 5000);
    for (int i = 0; i < 2; i++)
        actor_unref(p[i]);
    actor_unref(sink);
    runtime_destroy(rt);
    return (double)fan_target / secs;
}

/* ---- skynet ---- */

typedef struct result_msg {
    message header;
    int64_t value;
} result_msg;

typedef struct skynet_node {
    actor *parent; /* reference held; NULL for the root */
    int64_t num, size, sum;
    int pending;
} skynet_node;

static _Atomic int64_t skynet_result = -1;

static void skynet_report(actor *self, skynet_node *n, int64_t value)
{
    if (n->parent == NULL) {
        atomic_store(&skynet_result, value);
    } else {
        result_msg *r = MESSAGE_NEW(result_msg, MSG_RESULT);
        r->value = value;
        if (actor_send(n->parent, &r->header) != 0)
            message_free(&r->header);
    }
    actor_exit(self, 0, NULL);
}

static const actor_behaviour skynet_behaviour;

static int skynet_start(actor *self)
{
    skynet_node *n = actor_state(self);
    if (n->size == 1) {
        skynet_report(self, n, n->num);
        return 0;
    }
    int64_t step = n->size / 10;
    n->pending = 10;
    for (int i = 0; i < 10; i++) {
        skynet_node child = {.parent = self, .num = n->num + i * step, .size = step};
        actor_ref(self);
        actor *c = actor_spawn(actor_runtime(self), &skynet_behaviour,
                               &(actor_options){.state_size = sizeof child, .init_state = &child});
        if (c == NULL)
            return SHOAL_ENOMEM;
        actor_unref(c);
    }
    return 0;
}

static int skynet_receive(actor *self, message *m)
{
    skynet_node *n = actor_state(self);
    n->sum += ((result_msg *)m)->value;
    if (--n->pending == 0)
        skynet_report(self, n, n->sum);
    return 0;
}

static void skynet_stop(actor *self)
{
    skynet_node *n = actor_state(self);
    if (n->parent)
        actor_unref(n->parent);
}

static const actor_behaviour skynet_behaviour = {
    .name = "skynet", .on_start = skynet_start, .receive = skynet_receive, .on_stop = skynet_stop};

static double bench_skynet(int64_t *result)
{
    runtime *rt = bench_runtime_start(2);
    atomic_store(&skynet_result, -1);
    uint64_t start = clock_now_ns();
    skynet_node root = {.parent = NULL, .num = 0, .size = 1000000};
    actor *a = actor_spawn(rt, &skynet_behaviour,
                           &(actor_options){.state_size = sizeof root, .init_state = &root});
    while (atomic_load(&skynet_result) < 0)
        sleep_ms(1);
    double ms = (double)(clock_now_ns() - start) / 1e6;
    *result = atomic_load(&skynet_result);
    actor_unref(a);
    runtime_shutdown(rt, RUNTIME_DRAIN, 10000);
    runtime_destroy(rt);
    return ms;
}

static double peak_rss_mib(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_maxrss / 1024.0;
}

int main(int argc, char **argv)
{
    bool json = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0)
            json = true;
        else if (strcmp(argv[i], "--quick") == 0)
            quick = true;
        else if (strcmp(argv[i], "--skynet") == 0)
            only_skynet = true;
        else {
            fprintf(stderr, "usage: %s [--json] [--quick] [--skynet]\n", argv[0]);
            return 2;
        }
    }
    if (only_skynet) {
        int64_t r;
        double ms = bench_skynet(&r);
        printf("skynet %.1f ms result %lld rss %.1f MiB\n", ms, (long long)r, peak_rss_mib());
        return 0;
    }
    double resume_ns = bench_task_resume(NULL);
    sched_group *group = sched_group_create("bench", 1);
    sched_job *job = sched_job_create(group);
    double grouped_ns = bench_task_resume(job);
    sched_job_unref(job);
    sched_group_unref(group);
    double same_ns = bench_pingpong(1, false);
    double cross_ns = bench_pingpong(2, true);
    double fan = bench_fan_in();
    int64_t sky_result = 0;
    double sky_ms = bench_skynet(&sky_result);
    double rss = peak_rss_mib();
    bool sky_ok = sky_result == 499999500000LL;
    if (json) {
        printf("{\"task_resume_ns\":%.1f,\"grouped_resume_ns\":%.1f,\"message_same_core_ns\":%.1f,"
               "\"message_cross_core_ns\":%.1f,\"fan_in_2_msgs_per_sec\":%.0f,"
               "\"skynet_1m_ms\":%.1f,\"skynet_result_ok\":%s,\"peak_rss_mib\":%.1f}\n",
               resume_ns, grouped_ns, same_ns, cross_ns, fan, sky_ms, sky_ok ? "true" : "false", rss);
        return sky_ok ? 0 : 1;
    }
    printf("%-28s %14s %14s\n", "benchmark", "result", "target");
    printf("%-28s %11.1f ns %11s\n", "task resume", resume_ns, "<= 20 ns");
    printf("%-28s %11.1f ns %14s\n", "grouped resume", grouped_ns, "-");
    printf("%-28s %11.1f ns %11s\n", "message same core", same_ns, "<= 50 ns");
    printf("%-28s %11.1f ns %14s\n", "message cross core", cross_ns, "-");
    printf("%-28s %9.2f M/s %14s\n", "fan-in 2 producers", fan / 1e6, "-");
    printf("%-28s %11.1f ms %11s\n", "skynet 1M (2 cores)", sky_ms, "<= 300 ms");
    printf("%-28s %10.1f MiB %11s\n", "peak RSS", rss, "<= 1024 MiB");
    if (!sky_ok)
        printf("skynet result WRONG: %lld\n", (long long)sky_result);
    return sky_ok ? 0 : 1;
}
