/*
 * test_io.c - waiting for fds and timers from coroutine tasks, timers for
 * plain behaviours, the nng aio bridge, and helper threads for blocking calls.
 */
#define _GNU_SOURCE
#include "runtime/helper.h"
#include "runtime/nng_bridge.h"
#include "runtime/poller.h"
#include "runtime/task.h"
#include "runtime/timer.h"
#include "test_util.h"

#include <fcntl.h>
#include <nng/protocol/pair0/pair.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* ---- fd readiness: a task reads a pipe as data arrives ---- */

typedef struct reader_state {
    task t;
    int fd;
    fd_watch watch;
    char buf[64];
    size_t got;
    int waits;
} reader_state;

static _Atomic long reader_bytes;

static task_status reader_run(task *t)
{
    reader_state *r = (reader_state *)t;
    int rc;
    CO_BEGIN(t);
    while (r->got < 10) {
        CO_AWAIT(t, rc, fd_wait(&r->watch, FD_READABLE, t));
        cr_assert_eq(rc, 0);
        r->waits++;
        {
            ssize_t n = read(r->fd, r->buf + r->got, sizeof r->buf - r->got);
            if (n > 0) {
                r->got += (size_t)n;
                atomic_store(&reader_bytes, (long)r->got);
            }
        }
    }
    CO_END(t);
}

static int reader_start(actor *self)
{
    reader_state *r = actor_state(self);
    task_init(&r->t, reader_run);
    int rc = fd_watch_open(&r->watch, r->fd);
    return rc ? rc : actor_attach_task(self, &r->t);
}

static void reader_stop(actor *self)
{
    reader_state *r = actor_state(self);
    fd_watch_close(&r->watch);
}

static const actor_behaviour reader_behaviour = {
    .name = "reader", .on_start = reader_start, .on_stop = reader_stop};

Test(io, task_waits_for_fd_readable, .timeout = 30)
{
    int p[2];
    cr_assert_eq(pipe2(p, O_NONBLOCK), 0);
    runtime *rt = test_runtime(2);
    reader_state init = {.fd = p[0]};
    actor *a = actor_spawn(rt, &reader_behaviour,
                           &(actor_options){.state_size = sizeof init, .init_state = &init});
    cr_assert_eq(runtime_wait_idle(rt, 5000), 0, "reader blocked on the fd: runtime idle");
    cr_expect_eq(atomic_load(&reader_bytes), 0);
    for (int i = 0; i < 10; i++) {
        cr_assert_eq(write(p[1], "x", 1), 1);
        test_sleep_ms(2);
    }
    cr_expect_eq(test_wait_at_least(&reader_bytes, 10, 5000), 10);
    cr_assert_eq(runtime_wait_idle(rt, 5000), 0);
    reader_state *r = actor_state(a);
    cr_expect_geq(r->waits, 2, "woken more than once");
    cr_expect_eq(memcmp(r->buf, "xxxxxxxxxx", 10), 0);
    actor_unref(a);
    runtime_destroy(rt);
    close(p[0]);
    close(p[1]);
}

/* ---- timers ---- */

typedef struct sleeper_state {
    task t;
    timer tm;
    uint64_t started, deadline, woke;
    int rounds;
} sleeper_state;

static _Atomic long sleepers_done;

static task_status sleeper_run(task *t)
{
    sleeper_state *s = (sleeper_state *)t;
    int rc;
    CO_BEGIN(t);
    for (s->rounds = 0; s->rounds < 3; s->rounds++) {
        s->deadline = clock_now_ns() + 20 * CLOCK_NS_PER_MS;
        CO_AWAIT(t, rc, timer_wait(&s->tm, s->deadline, t));
        cr_assert_eq(rc, 0);
        cr_assert_geq(clock_now_ns(), s->deadline, "woke before the deadline");
    }
    s->woke = clock_now_ns();
    atomic_fetch_add(&sleepers_done, 1);
    CO_END(t);
}

static int sleeper_start(actor *self)
{
    sleeper_state *s = actor_state(self);
    task_init(&s->t, sleeper_run);
    timer_init(&s->tm);
    s->started = clock_now_ns();
    return actor_attach_task(self, &s->t);
}

static const actor_behaviour sleeper_behaviour = {.name = "sleeper", .on_start = sleeper_start};

Test(io, task_sleeps_on_timers, .timeout = 30)
{
    runtime *rt = test_runtime(2);
    actor *s[4];
    for (int i = 0; i < 4; i++)
        s[i] = actor_spawn(rt, &sleeper_behaviour, &(actor_options){.state_size = sizeof(sleeper_state)});
    cr_assert_eq(test_wait_at_least(&sleepers_done, 4, 5000), 4);
    for (int i = 0; i < 4; i++) {
        sleeper_state *st = actor_state(s[i]);
        uint64_t ms = (st->woke - st->started) / CLOCK_NS_PER_MS;
        cr_expect(ms >= 60 && ms < 1000, "3 x 20 ms took %lu ms", (unsigned long)ms);
        actor_unref(s[i]);
    }
    runtime_destroy(rt);
}

/* A plain behaviour: timer wake-ups arrive as MESSAGE_TYPE_WAKE; a cancelled
 * timer never fires. */
typedef struct ticker_state {
    timer fire, cancelled;
    int wakes;
} ticker_state;

static _Atomic long ticker_wakes;

static int ticker_start(actor *self)
{
    ticker_state *st = actor_state(self);
    timer_init(&st->fire);
    timer_init(&st->cancelled);
    timer_arm(&st->cancelled, clock_now_ns() + 5 * CLOCK_NS_PER_MS);
    timer_arm(&st->fire, clock_now_ns() + 10 * CLOCK_NS_PER_MS);
    cr_expect(timer_cancel(&st->cancelled));
    cr_expect_not(timer_cancel(&st->cancelled), "second cancel is a no-op");
    return 0;
}

static int ticker_receive(actor *self, message *m)
{
    ticker_state *st = actor_state(self);
    if (m->type == MESSAGE_TYPE_WAKE) {
        st->wakes++;
        cr_expect(timer_fired(&st->fire));
        cr_expect_not(timer_fired(&st->cancelled));
        atomic_fetch_add(&ticker_wakes, 1);
    }
    return 0;
}

static const actor_behaviour ticker_behaviour = {
    .name = "ticker", .on_start = ticker_start, .receive = ticker_receive};

Test(io, behaviour_timer_and_cancel)
{
    runtime *rt = test_runtime(1);
    actor *a = actor_spawn(rt, &ticker_behaviour, &(actor_options){.state_size = sizeof(ticker_state)});
    cr_assert_eq(test_wait_at_least(&ticker_wakes, 1, 5000), 1);
    cr_assert_eq(runtime_wait_idle(rt, 5000), 0);
    cr_expect_eq(atomic_load(&ticker_wakes), 1, "the cancelled timer did not fire");
    actor_unref(a);
    runtime_destroy(rt);
}

/* ---- nng bridge: pair sockets over inproc ---- */

enum { MSG_NNG_RX = MESSAGE_TYPE_USER + 10, MSG_NNG_TX };

typedef struct nng_actor_state {
    nng_socket sock;
    nng_bridge rx, tx;
    int received;
    bool keep_last;      /* keep the first message and stop receiving */
    nng_msg *kept;
    char last[32];
} nng_actor_state;

static _Atomic long nng_received;

static int nng_actor_start(actor *self)
{
    nng_actor_state *st = actor_state(self);
    int rc = nng_bridge_init(&st->rx, self, MSG_NNG_RX);
    if (rc == 0)
        rc = nng_bridge_init(&st->tx, self, MSG_NNG_TX);
    if (rc == 0)
        rc = nng_bridge_recv(&st->rx, st->sock);
    return rc;
}

static int nng_actor_receive(actor *self, message *m)
{
    nng_actor_state *st = actor_state(self);
    if (m->type == MSG_NNG_RX) {
        nng_bridge_event *ev = nng_bridge_take(m);
        if (ev->result != 0)
            return 0; /* cancelled at shutdown */
        snprintf(st->last, sizeof st->last, "%.*s", (int)nng_msg_len(ev->msg),
                 (char *)nng_msg_body(ev->msg));
        st->received++;
        atomic_fetch_add(&nng_received, 1);
        if (st->keep_last) {
            st->kept = ev->msg; /* ours: no next receive, the bridge idles with the taken event */
            return 0;
        }
        nng_msg_free(ev->msg);
        return nng_bridge_recv(&st->rx, st->sock);
    }
    if (m->type == MSG_NNG_TX)
        nng_bridge_take(m);
    return 0;
}

static void nng_actor_stop(actor *self)
{
    nng_actor_state *st = actor_state(self);
    nng_bridge_fini(&st->rx);
    nng_bridge_fini(&st->tx);
}

static const actor_behaviour nng_actor_behaviour = {
    .name = "nng", .on_start = nng_actor_start, .receive = nng_actor_receive,
    .on_stop = nng_actor_stop};

Test(io, nng_aio_completions_arrive_as_messages, .timeout = 30)
{
    nng_socket a, b;
    cr_assert_eq(nng_pair0_open(&a), 0);
    cr_assert_eq(nng_pair0_open(&b), 0);
    cr_assert_eq(nng_listen(a, "inproc://shoal-bridge-test", NULL, 0), 0);
    cr_assert_eq(nng_dial(b, "inproc://shoal-bridge-test", NULL, 0), 0);
    runtime *rt = test_runtime(2);
    nng_actor_state init = {.sock = a};
    actor *act = actor_spawn(rt, &nng_actor_behaviour,
                             &(actor_options){.state_size = sizeof init, .init_state = &init});
    for (int i = 0; i < 20; i++) {
        char text[16];
        int n = snprintf(text, sizeof text, "hello %d", i);
        cr_assert_eq(nng_send(b, text, (size_t)n, 0), 0);
    }
    cr_expect_eq(test_wait_at_least(&nng_received, 20, 5000), 20);
    cr_assert_eq(runtime_wait_idle(rt, 5000), 0);
    nng_actor_state *st = actor_state(act);
    cr_expect_str_eq(st->last, "hello 19");
    actor_unref(act);
    runtime_destroy(rt); /* on_stop frees the bridges: the pending recv is cancelled */
    nng_close(a);
    nng_close(b);
}

/* The actor keeps a message it took and starts no other receive (as it
 * does while waiting for credit): stopping it (nng_bridge_fini) must leave
 * that message alone (ASan reports a use after free otherwise). */
Test(io, nng_bridge_fini_leaves_a_taken_message_to_the_actor, .timeout = 30)
{
    nng_socket a, b;
    cr_assert_eq(nng_pair0_open(&a), 0);
    cr_assert_eq(nng_pair0_open(&b), 0);
    cr_assert_eq(nng_listen(a, "inproc://shoal-bridge-taken", NULL, 0), 0);
    cr_assert_eq(nng_dial(b, "inproc://shoal-bridge-taken", NULL, 0), 0);
    atomic_store(&nng_received, 0);
    runtime *rt = test_runtime(1);
    nng_actor_state init = {.sock = a, .keep_last = true};
    actor *act = actor_spawn(rt, &nng_actor_behaviour,
                             &(actor_options){.state_size = sizeof init, .init_state = &init});
    cr_assert_eq(nng_send(b, "only", 4, 0), 0);
    cr_expect_eq(test_wait_at_least(&nng_received, 1, 5000), 1);
    cr_assert_eq(runtime_wait_idle(rt, 5000), 0);
    nng_msg *kept = ((nng_actor_state *)actor_state(act))->kept;
    cr_assert_not_null(kept);
    actor_unref(act);
    runtime_destroy(rt); /* on_stop: nng_bridge_fini with the taken event */
    cr_expect_eq(nng_msg_len(kept), 4);
    cr_expect_eq(memcmp(nng_msg_body(kept), "only", 4), 0);
    nng_msg_free(kept);
    nng_close(a);
    nng_close(b);
}

/* ---- helper threads ---- */

typedef struct blocking_job {
    message header;
    int input, output;
} blocking_job;

static void blocking_work(message *m)
{
    blocking_job *j = (blocking_job *)m;
    usleep(20000); /* a blocking call, off the scheduler threads */
    j->output = j->input * 2;
}

static _Atomic long helper_answers;
static _Atomic long helper_sum;

static int asker_start(actor *self)
{
    for (int i = 1; i <= 5; i++) {
        blocking_job *j = MESSAGE_NEW(blocking_job, MESSAGE_TYPE_USER);
        j->input = i;
        int rc = helper_submit(actor_runtime(self), blocking_work, &j->header, self);
        if (rc != 0)
            return rc;
    }
    return 0;
}

static int asker_receive(actor *self, message *m)
{
    (void)self;
    atomic_fetch_add(&helper_sum, ((blocking_job *)m)->output);
    atomic_fetch_add(&helper_answers, 1);
    return 0;
}

static const actor_behaviour asker_behaviour = {
    .name = "asker", .on_start = asker_start, .receive = asker_receive};

Test(io, helper_threads_answer_by_message)
{
    runtime *rt = test_runtime(1);
    actor *a = actor_spawn(rt, &asker_behaviour, NULL);
    cr_assert_eq(test_wait_at_least(&helper_answers, 5, 5000), 5);
    cr_expect_eq(atomic_load(&helper_sum), 30);
    actor_unref(a);
    runtime_destroy(rt);
}
