/*
 * test_lifecycle.c - spawn, stop, monitor, link, failure propagation,
 * bounces, and shutdown (drain and cancel) with pending messages.
 */
#include "runtime/data_signal.h"
#include "runtime/task.h"
#include "test_util.h"

#include <string.h>

enum { MSG_WORK = MESSAGE_TYPE_USER + 1, MSG_FAIL, MSG_SPAWN_CHILD };

/* ---- a child that fails; its parent monitors it ---- */

typedef struct parent_state {
    actor *child;
    int down_code;
    char down_reason[112];
    _Atomic int downs;
} parent_state;

static _Atomic long parent_downs;
static _Atomic int parent_down_code;
static char parent_down_reason[112];

static int child_receive(actor *self, message *m)
{
    (void)self;
    if (m->type == MSG_FAIL) {
        actor_exit(self, SHOAL_EFAILED, "child gave up on input %u", m->credit_bytes);
        return 0;
    }
    return m->type == MSG_WORK ? 0 : SHOAL_EINVAL; /* an unknown message fails it */
}

static const actor_behaviour child_behaviour = {.name = "child", .receive = child_receive};

static int parent_receive(actor *self, message *m)
{
    parent_state *st = actor_state(self);
    if (m->type == MSG_SPAWN_CHILD) {
        st->child = actor_spawn(actor_runtime(self), &child_behaviour,
                                &(actor_options){.monitor = self});
        return st->child ? 0 : SHOAL_ENOMEM;
    }
    if (m->type == MESSAGE_TYPE_DOWN) {
        actor_down *d = (actor_down *)m;
        if (st->child != NULL)
            cr_expect_eq(d->actor, st->child);
        strcpy(parent_down_reason, d->reason);
        atomic_store(&parent_down_code, d->code);
        atomic_fetch_add(&parent_downs, 1);
        return 0;
    }
    if (m->type == MSG_FAIL) { /* forward to the child */
        message_keep(m);
        return actor_send(st->child, m);
    }
    return 0;
}

static void parent_stop(actor *self)
{
    parent_state *st = actor_state(self);
    if (st->child)
        actor_unref(st->child);
}

static const actor_behaviour parent_behaviour = {
    .name = "parent", .receive = parent_receive, .on_stop = parent_stop};

Test(lifecycle, child_failure_reaches_monitor_with_code_and_reason)
{
    runtime *rt = test_runtime(2);
    actor *p = actor_spawn(rt, &parent_behaviour, &(actor_options){.state_size = sizeof(parent_state)});
    actor_send(p, message_alloc(sizeof(message), MSG_SPAWN_CHILD));
    message *f = message_alloc(sizeof(message), MSG_FAIL);
    f->credit_bytes = 7;
    actor_send(p, f);
    cr_assert_eq(test_wait_at_least(&parent_downs, 1, 5000), 1);
    cr_expect_eq(atomic_load(&parent_down_code), SHOAL_EFAILED);
    cr_expect_str_eq(parent_down_reason, "child gave up on input 7");
    cr_expect_not(actor_is_stopped(p), "a monitor is told, not killed");
    actor_unref(p);
    runtime_destroy(rt);
}

Test(lifecycle, behaviour_error_code_fails_actor)
{
    atomic_store(&parent_downs, 0);
    runtime *rt = test_runtime(1);
    actor *p = actor_spawn(rt, &parent_behaviour, &(actor_options){.state_size = sizeof(parent_state)});
    actor_send(p, message_alloc(sizeof(message), MSG_SPAWN_CHILD));
    cr_assert_eq(runtime_wait_idle(rt, 5000), 0);
    parent_state *st = actor_state(p);
    actor_send(st->child, message_alloc(sizeof(message), MESSAGE_TYPE_USER + 99));
    cr_assert_eq(test_wait_at_least(&parent_downs, 1, 5000), 1);
    cr_expect_eq(atomic_load(&parent_down_code), SHOAL_EINVAL);
    cr_expect(strstr(parent_down_reason, "invalid argument") != NULL, "%s", parent_down_reason);
    actor_unref(p);
    runtime_destroy(rt);
}

/* ---- links ---- */

static _Atomic long linked_stopped;

static void count_stop(actor *self)
{
    (void)self;
    atomic_fetch_add(&linked_stopped, 1);
}

static const actor_behaviour linked_behaviour = {
    .name = "linked", .receive = child_receive, .on_stop = count_stop};

Test(lifecycle, link_propagates_failure_and_monitor_sees_it)
{
    atomic_store(&parent_downs, 0);
    runtime *rt = test_runtime(2);
    actor *a = actor_spawn(rt, &linked_behaviour, NULL);
    actor *b = actor_spawn(rt, &linked_behaviour, NULL);
    actor *watcher = actor_spawn(rt, &parent_behaviour,
                                 &(actor_options){.state_size = sizeof(parent_state)});
    cr_assert_eq(actor_link(a, b), 0);
    ((parent_state *)actor_state(watcher))->child = NULL;
    cr_assert_eq(actor_monitor(watcher, b), 0);
    actor_send(a, message_alloc(sizeof(message), MSG_FAIL));
    cr_assert_eq(test_wait_at_least(&linked_stopped, 2, 5000), 2, "both linked actors stop");
    cr_assert_eq(test_wait_at_least(&parent_downs, 1, 5000), 1);
    cr_expect_eq(atomic_load(&parent_down_code), SHOAL_ELINKED);
    cr_expect(strstr(parent_down_reason, "linked actor linked#") != NULL, "%s", parent_down_reason);
    cr_expect(actor_is_stopped(a) && actor_is_stopped(b));
    /* monitoring a stopped actor reports at once */
    atomic_store(&parent_downs, 0);
    cr_assert_eq(actor_monitor(watcher, a), 0);
    cr_expect_eq(test_wait_at_least(&parent_downs, 1, 5000), 1);
    actor_unref(a);
    actor_unref(b);
    actor_unref(watcher);
    runtime_destroy(rt);
}

/* ---- bounces: a request to an actor that stops comes back ---- */

static _Atomic long bounced;
static _Atomic int bounce_code;

static int requester_receive(actor *self, message *m)
{
    (void)self;
    if (message_is_bounced(m)) {
        atomic_store(&bounce_code, m->error);
        atomic_fetch_add(&bounced, 1);
    }
    return 0;
}

static const actor_behaviour requester_behaviour = {.name = "requester",
                                                    .receive = requester_receive};

static int quitter_receive(actor *self, message *m)
{
    (void)m;
    uint64_t until = clock_now_ns() + 50 * CLOCK_NS_PER_MS;
    while (clock_now_ns() < until) /* busy: the requests queue up meanwhile */
        ;
    actor_exit(self, 0, NULL); /* stops after this message; the queued ones bounce */
    return 0;
}

static const actor_behaviour quitter_behaviour = {.name = "quitter", .receive = quitter_receive};

Test(lifecycle, pending_requests_bounce_when_receiver_stops)
{
    runtime *rt = test_runtime(1);
    actor *req = actor_spawn(rt, &requester_behaviour, NULL);
    actor *q = actor_spawn(rt, &quitter_behaviour, NULL);
    cr_assert_eq(runtime_wait_idle(rt, 5000), 0);
    /* the first message keeps q busy for 50 ms, then stops it */
    actor_send(q, message_alloc(sizeof(message), MSG_WORK));
    test_sleep_ms(5);
    int sent = 0;
    for (int i = 0; i < 10; i++)
        if (actor_request(q, message_alloc(sizeof(message), MSG_WORK), req) == 0)
            sent++;
    cr_assert_eq(runtime_wait_idle(rt, 5000), 0);
    cr_expect_eq(sent, 10);
    cr_expect_eq(atomic_load(&bounced), sent, "every queued request bounced");
    cr_expect_eq(atomic_load(&bounce_code), SHOAL_ESTOPPED);
    actor_unref(req);
    actor_unref(q);
    runtime_destroy(rt);
}

/* ---- shutdown ---- */

static _Atomic long slow_handled;
static _Atomic long slow_stopped;

static int slow_receive(actor *self, message *m)
{
    (void)self;
    (void)m;
    atomic_fetch_add(&slow_handled, 1);
    return 0;
}

static void slow_stop(actor *self)
{
    (void)self;
    atomic_fetch_add(&slow_stopped, 1);
}

static const actor_behaviour slow_behaviour = {
    .name = "slow", .receive = slow_receive, .on_stop = slow_stop};

typedef struct blocked_state {
    task t;
    data_signal never;
} blocked_state;

static task_status blocked_run(task *t)
{
    blocked_state *b = (blocked_state *)t;
    int rc;
    CO_BEGIN(t);
    CO_AWAIT(t, rc, data_signal_wait(&b->never, 0, t)); /* nobody ever notifies */
    (void)rc;
    CO_END(t);
}

static int blocked_start(actor *self)
{
    blocked_state *b = actor_state(self);
    task_init(&b->t, blocked_run);
    data_signal_init(&b->never);
    return actor_attach_task(self, &b->t);
}

static void blocked_stop(actor *self)
{
    blocked_state *b = actor_state(self);
    data_signal_fini(&b->never);
    atomic_fetch_add(&slow_stopped, 1);
}

static const actor_behaviour blocked_behaviour = {
    .name = "blocked", .on_start = blocked_start, .on_stop = blocked_stop};

Test(lifecycle, cancel_shutdown_frees_pending_messages)
{
    atomic_store(&slow_stopped, 0);
    runtime *rt = test_runtime(2);
    actor *as[8];
    for (int i = 0; i < 8; i++)
        as[i] = actor_spawn(rt, &slow_behaviour, NULL);
    actor *req = actor_spawn(rt, &requester_behaviour, NULL);
    for (int n = 0; n < TEST_SCALE(20000); n++)
        actor_request(as[n % 8], message_alloc(96, MSG_WORK), req);
    for (int i = 0; i < 8; i++)
        actor_unref(as[i]);
    actor_unref(req);
    cr_expect_eq(runtime_shutdown(rt, RUNTIME_CANCEL, 0), 0);
    cr_expect_eq(atomic_load(&slow_stopped), 8, "on_stop ran for every actor");
    runtime_destroy(rt); /* ASan/valgrind: nothing leaks */
}

Test(lifecycle, drain_shutdown_handles_everything_then_stops)
{
    atomic_store(&slow_stopped, 0);
    atomic_store(&slow_handled, 0);
    runtime *rt = test_runtime(2);
    actor *a = actor_spawn(rt, &slow_behaviour, NULL);
    actor *blk = actor_spawn(rt, &blocked_behaviour, &(actor_options){.state_size = sizeof(blocked_state)});
    for (int n = 0; n < 5000; n++)
        actor_send(a, message_alloc(64, MSG_WORK));
    actor_unref(a);
    actor_unref(blk);
    cr_expect_eq(runtime_shutdown(rt, RUNTIME_DRAIN, 10000), 0);
    cr_expect_eq(atomic_load(&slow_handled), 5000, "drain handled every message");
    cr_expect_eq(atomic_load(&slow_stopped), 2, "then every actor, the blocked one too, stopped");
    runtime_destroy(rt);
}
