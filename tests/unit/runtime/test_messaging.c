/*
 * test_messaging.c - mailbox and send path: the queue itself, per-sender
 * FIFO with several producers (actors and foreign threads) and millions of
 * messages, no loss or duplication, one scheduler at a time per actor, and a
 * flood past the credit window getting SHOAL_ENOCREDIT.
 */
#include "runtime/credit.h"
#include "runtime/mailbox.h"
#include "runtime/task.h"
#include "test_util.h"

#include <pthread.h>
#include <sched.h>
#include <stdlib.h>

/* ---- the mailbox on its own ---- */

Test(mailbox, fifo_and_empty_edge)
{
    mailbox mb;
    mailbox_init(&mb);
    cr_assert(mailbox_mark_empty(&mb), "a fresh, drained mailbox can be marked empty");
    message m[3];
    for (int i = 0; i < 3; i++)
        message_init_embedded(&m[i], MESSAGE_TYPE_USER + (uint32_t)i);
    cr_assert(mailbox_push(&mb, &m[0]), "first push after mark_empty is the edge");
    cr_assert_not(mailbox_push(&mb, &m[1]), "second push is not an edge");
    cr_assert_not(mailbox_mark_empty(&mb), "cannot mark a non-empty mailbox empty");
    cr_assert_eq(mailbox_pop(&mb), &m[0]);
    cr_assert_not(mailbox_push(&mb, &m[2]), "still scheduled: no edge");
    cr_assert_eq(mailbox_pop(&mb), &m[1]);
    cr_assert_eq(mailbox_pop(&mb), &m[2]);
    cr_assert_null(mailbox_pop(&mb));
    cr_assert(mailbox_mark_empty(&mb));
    cr_assert(mailbox_push(&mb, &m[1]), "edge again after mark_empty");
    cr_assert_eq(mailbox_pop(&mb), &m[1]);
}

/* ---- many producers, one consumer ---- */

enum { MSG_SEQ = MESSAGE_TYPE_USER + 1 };
#define PRODUCERS 4 /* 2 actors with tasks + 2 foreign threads */

typedef struct seq_msg {
    message header;
    uint32_t producer;
    uint64_t seq;
} seq_msg;

typedef struct consumer_state {
    uint64_t next[PRODUCERS];
    _Atomic int in_turn;
} consumer_state;

static _Atomic long consumed;
static _Atomic long order_errors;
static _Atomic long overlap_errors;
static _Atomic long refused_no_credit;

static int consumer_receive(actor *self, message *m)
{
    consumer_state *st = actor_state(self);
    if (atomic_exchange(&st->in_turn, 1) != 0)
        atomic_fetch_add(&overlap_errors, 1);
    seq_msg *s = (seq_msg *)m;
    if (m->type != MSG_SEQ || s->producer >= PRODUCERS || s->seq != st->next[s->producer])
        atomic_fetch_add(&order_errors, 1);
    else
        st->next[s->producer]++;
    atomic_store(&st->in_turn, 0);
    atomic_fetch_add_explicit(&consumed, 1, memory_order_relaxed);
    return 0;
}

static const actor_behaviour consumer_behaviour = {.name = "consumer", .receive = consumer_receive};

typedef struct producer_state {
    task t;
    actor *target;
    credit credit;
    uint32_t id;
    uint64_t i, count;
} producer_state;

static task_status producer_run(task *t)
{
    producer_state *p = (producer_state *)t;
    int rc;
    CO_BEGIN(t);
    for (p->i = 0; p->i < p->count; p->i++) {
        CO_AWAIT(t, rc, credit_take_or_wait(&p->credit, sizeof(seq_msg), t));
        {
            seq_msg *m = MESSAGE_NEW(seq_msg, MSG_SEQ);
            m->producer = p->id;
            m->seq = p->i;
            if (actor_send_credited_taken(p->target, &m->header, &p->credit, sizeof(seq_msg)) != 0)
                message_free(&m->header);
        }
        if ((p->i & 255) == 0)
            CO_MAYBE_YIELD(t);
    }
    CO_END(t);
}

static int producer_start(actor *self)
{
    producer_state *p = actor_state(self);
    task_init(&p->t, producer_run);
    credit_init(&p->credit, 64 * 1024);
    return actor_attach_task(self, &p->t);
}

static void producer_stop(actor *self)
{
    producer_state *p = actor_state(self);
    actor_unref(p->target);
}

static const actor_behaviour producer_behaviour = {
    .name = "producer", .on_start = producer_start, .on_stop = producer_stop};

typedef struct foreign_producer {
    actor *target;
    credit credit;
    uint32_t id;
    uint64_t count;
} foreign_producer;

static void *foreign_producer_main(void *arg)
{
    foreign_producer *f = arg;
    for (uint64_t i = 0; i < f->count;) {
        seq_msg *m = MESSAGE_NEW(seq_msg, MSG_SEQ);
        m->producer = f->id;
        m->seq = i;
        int rc = actor_send_credited(f->target, &m->header, &f->credit, sizeof(seq_msg));
        if (rc == SHOAL_ENOCREDIT) {
            atomic_fetch_add(&refused_no_credit, 1);
            message_free(&m->header);
            sched_yield();
            continue;
        }
        cr_assert_eq(rc, 0);
        i++;
    }
    return NULL;
}

Test(messaging, per_sender_fifo_no_loss_many_producers, .timeout = 60)
{
    const uint64_t per_producer = TEST_SCALE(1000000);
    runtime *rt = test_runtime(2);
    actor *consumer = actor_spawn(rt, &consumer_behaviour,
                                  &(actor_options){.state_size = sizeof(consumer_state)});
    cr_assert_not_null(consumer);
    for (uint32_t id = 0; id < 2; id++) {
        producer_state init = {.target = consumer, .id = id, .count = per_producer};
        actor_ref(consumer);
        actor *p = actor_spawn(rt, &producer_behaviour,
                               &(actor_options){.state_size = sizeof init, .init_state = &init});
        actor_unref(p);
    }
    foreign_producer f[2];
    pthread_t th[2];
    for (uint32_t k = 0; k < 2; k++) {
        f[k] = (foreign_producer){.target = consumer, .id = 2 + k, .count = per_producer};
        credit_init(&f[k].credit, 16 * 1024);
        pthread_create(&th[k], NULL, foreign_producer_main, &f[k]);
    }
    long want = (long)(PRODUCERS * per_producer);
    long got = test_wait_at_least(&consumed, want, 55000);
    for (int k = 0; k < 2; k++)
        pthread_join(th[k], NULL);
    cr_assert_eq(runtime_wait_idle(rt, 5000), 0);
    cr_expect_eq(got, want, "consumed %ld of %ld", got, want);
    cr_expect_eq(atomic_load(&order_errors), 0, "per-sender order broken");
    cr_expect_eq(atomic_load(&overlap_errors), 0, "actor ran on two schedulers at once");
    consumer_state *st = actor_state(consumer);
    for (int p = 0; p < PRODUCERS; p++)
        cr_expect_eq(st->next[p], per_producer, "producer %d: %lu", p, (unsigned long)st->next[p]);
    for (int k = 0; k < 2; k++)
        cr_expect_eq(credit_available(&f[k].credit), 16 * 1024, "all credit returned");
    actor_unref(consumer);
    runtime_destroy(rt);
    for (int k = 0; k < 2; k++)
        credit_fini(&f[k].credit);
}

/* ---- flooding past the credit window ---- */

static int sink_receive(actor *self, message *m)
{
    (void)self;
    message_keep(m); /* hold on to everything: credit never returns */
    atomic_fetch_add(&consumed, 1);
    /* freed by the test after shutdown via the kept list */
    static _Thread_local message *kept;
    atomic_store_explicit(&m->next, kept, memory_order_relaxed);
    kept = m;
    return 0;
}

static void sink_free_kept(message *m)
{
    while (m) {
        message *n = atomic_load_explicit(&m->next, memory_order_relaxed);
        message_free(m);
        m = n;
    }
}

typedef struct hoarder_state {
    message *kept;
} hoarder_state;

static int hoarder_receive(actor *self, message *m)
{
    hoarder_state *st = actor_state(self);
    message_keep(m);
    atomic_store_explicit(&m->next, st->kept, memory_order_relaxed);
    st->kept = m;
    atomic_fetch_add(&consumed, 1);
    return 0;
}

static void hoarder_stop(actor *self)
{
    hoarder_state *st = actor_state(self);
    sink_free_kept(st->kept);
    st->kept = NULL;
}

static const actor_behaviour hoarder_behaviour = {
    .name = "hoarder", .receive = hoarder_receive, .on_stop = hoarder_stop};

Test(messaging, flood_past_credit_gets_enocredit)
{
    (void)sink_receive;
    atomic_store(&consumed, 0);
    runtime *rt = test_runtime(2);
    actor *hoarder = actor_spawn(rt, &hoarder_behaviour,
                                 &(actor_options){.state_size = sizeof(hoarder_state)});
    credit c;
    credit_init(&c, 100 * 64);
    int sent = 0, refused = 0;
    for (int i = 0; i < 10000; i++) {
        message *m = message_alloc(64, MSG_SEQ);
        int rc = actor_send_credited(hoarder, m, &c, 64);
        if (rc == 0) {
            sent++;
        } else {
            cr_assert_eq(rc, SHOAL_ENOCREDIT);
            message_free(m);
            refused++;
        }
    }
    cr_expect_eq(sent, 100, "exactly the window got through");
    cr_expect_eq(refused, 9900);
    cr_expect_eq(test_wait_at_least(&consumed, 100, 5000), 100);
    actor_unref(hoarder);
    runtime_destroy(rt); /* on_stop frees the kept messages: credit comes back */
    cr_expect_eq(credit_available(&c), 100 * 64);
    credit_fini(&c);
}

Test(messaging, send_to_stopped_actor_is_refused)
{
    runtime *rt = test_runtime(1);
    actor *a = actor_spawn(rt, &hoarder_behaviour,
                           &(actor_options){.state_size = sizeof(hoarder_state)});
    actor_stop(a, 0);
    uint64_t deadline = clock_deadline_after_ms(5000);
    while (!actor_is_stopped(a) && clock_now_ns() < deadline)
        test_sleep_ms(1);
    cr_assert(actor_is_stopped(a));
    message *m = message_alloc(64, MSG_SEQ);
    cr_expect_eq(actor_send(a, m), SHOAL_ESTOPPED);
    message_free(m);
    actor_unref(a);
    runtime_destroy(rt);
}
