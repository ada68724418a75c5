/*
 * test_memory.c - memory contexts (hierarchical limits, peaks, refusals,
 * concurrent reservations, BLOCKED(memory) until a release) and byte credits
 * (a task without credit blocks and resumes when credit returns).
 */
#include "runtime/credit.h"
#include "runtime/memory_context.h"
#include "runtime/task.h"
#include "test_util.h"

#include <pthread.h>

Test(memory_context, limits_along_the_tree)
{
    memory_context *node = memory_context_create(NULL, "node", 1000);
    memory_context *query = memory_context_create(node, "query", 600);
    memory_context *task_ctx = memory_context_create(query, "task", 0);
    memory_context *op = memory_context_create(task_ctx, "op", 0);
    cr_assert_eq(memory_context_reserve(op, 500), 0);
    cr_expect_eq(memory_context_reserved(node), 500);
    cr_expect_eq(memory_context_reserve(op, 200), SHOAL_EMEMLIMIT, "query limit 600");
    cr_expect_str_eq(memory_context_name(memory_context_last_refusal()), "query");
    cr_expect_eq(memory_context_reserved(op), 500, "a refusal charges nothing");
    cr_expect_eq(memory_context_reserved(node), 500);
    memory_context *other = memory_context_create(node, "other query", 0);
    cr_expect_eq(memory_context_reserve(other, 600), SHOAL_EMEMLIMIT, "node limit 1000");
    cr_expect_str_eq(memory_context_name(memory_context_last_refusal()), "node");
    cr_expect_eq(memory_context_reserve(other, 500), 0);
    cr_expect_eq(memory_context_reserve(op, -1), SHOAL_EINVAL);
    memory_context_release(op, 300);
    cr_expect_eq(memory_context_reserved(query), 200);
    cr_expect_eq(memory_context_peak(query), 500);
    cr_expect_eq(memory_context_destroy(query), SHOAL_EBUSY, "has children");
    cr_expect_eq(memory_context_destroy(op), 0);
    cr_expect_eq(memory_context_reserved(node), 500, "destroy released op's 200");
    memory_context_destroy(task_ctx);
    memory_context_destroy(query);
    memory_context_destroy(other);
    cr_expect_eq(memory_context_reserved(node), 0);
    memory_context_destroy(node);
}

typedef struct hammer_arg {
    memory_context *ctx;
    long granted;
} hammer_arg;

static void *hammer(void *p)
{
    hammer_arg *h = p;
    for (int i = 0; i < 100000; i++) {
        if (memory_context_reserve(h->ctx, 100) == 0) {
            h->granted++;
            memory_context_release(h->ctx, 100);
        }
    }
    return NULL;
}

Test(memory_context, concurrent_reservations_stay_balanced)
{
    memory_context *root = memory_context_create(NULL, "node", 100 * 3);
    memory_context *q = memory_context_create(root, "q", 0);
    pthread_t th[4];
    hammer_arg args[4];
    for (int i = 0; i < 4; i++) {
        args[i] = (hammer_arg){.ctx = q};
        pthread_create(&th[i], NULL, hammer, &args[i]);
    }
    for (int i = 0; i < 4; i++)
        pthread_join(th[i], NULL);
    cr_expect_eq(memory_context_reserved(root), 0);
    cr_expect_leq(memory_context_peak(root), 300, "the limit held under contention");
    cr_expect_gt(args[0].granted + args[1].granted, 0);
    memory_context_destroy(q);
    memory_context_destroy(root);
}

/* ---- BLOCKED(memory) ---- */

typedef struct grant_state {
    task t;
    memory_context *ctx;
    int result;
    int blocked_times;
} grant_state;

static _Atomic long granted;

static task_status grant_run(task *t)
{
    grant_state *g = (grant_state *)t;
    int rc;
    CO_BEGIN(t);
    g->result = memory_context_reserve_or_wait(g->ctx, 2000, t);
    if (g->result == SHOAL_EAGAIN) {
        g->blocked_times++;
        CO_AWAIT(t, rc, memory_context_reserve_or_wait(g->ctx, 2000, t));
        g->result = rc;
    }
    if (g->result == 0)
        atomic_fetch_add(&granted, 1);
    CO_END(t);
}

static int grant_start(actor *self)
{
    grant_state *g = actor_state(self);
    task_init(&g->t, grant_run);
    return actor_attach_task(self, &g->t);
}

static const actor_behaviour grant_behaviour = {.name = "grant", .on_start = grant_start};

Test(memory_context, task_blocks_until_memory_is_released)
{
    memory_context *node = memory_context_create(NULL, "node", 4096);
    memory_context *big = memory_context_create(node, "big", 0);
    cr_assert_eq(memory_context_reserve(big, 3000), 0);
    runtime *rt = test_runtime(2);
    grant_state init = {.ctx = node};
    actor *a = actor_spawn(rt, &grant_behaviour,
                           &(actor_options){.state_size = sizeof init, .init_state = &init});
    cr_assert_eq(runtime_wait_idle(rt, 5000), 0);
    cr_expect_eq(atomic_load(&granted), 0, "blocked: only 1096 bytes free");
    memory_context_release(big, 3000);
    cr_expect_eq(test_wait_at_least(&granted, 1, 5000), 1);
    grant_state *g = actor_state(a);
    cr_expect_eq(g->blocked_times, 1);
    cr_expect_eq(memory_context_reserved(node), 2000);
    /* a request above the limit fails at once, cleanly */
    cr_expect_eq(memory_context_reserve_or_wait(node, 5000, &g->t), SHOAL_EMEMLIMIT);
    actor_unref(a);
    runtime_destroy(rt);
    memory_context_release(node, 2000);
    memory_context_destroy(big);
    memory_context_destroy(node);
}

/* ---- BLOCKED(credit) ---- */

typedef struct credit_sender {
    task t;
    credit *c;
    actor *dst;
    int sent;
    int blocked;
} credit_sender;

static _Atomic long credit_sent;
static _Atomic long credit_blocked;

static task_status credit_sender_run(task *t)
{
    credit_sender *s = (credit_sender *)t;
    int rc;
    CO_BEGIN(t);
    for (s->sent = 0; s->sent < 10; s->sent++) {
        if (!credit_try_take(s->c, 100)) {
            atomic_fetch_add(&credit_blocked, 1);
            CO_AWAIT(t, rc, credit_take_or_wait(s->c, 100, t)); /* BLOCKED(credit) */
        }
        {
            message *m = message_alloc(64, MESSAGE_TYPE_USER);
            cr_assert_eq(actor_send_credited_taken(s->dst, m, s->c, 100), 0);
        }
        atomic_fetch_add(&credit_sent, 1);
    }
    CO_END(t);
}

static int credit_sender_start(actor *self)
{
    credit_sender *s = actor_state(self);
    task_init(&s->t, credit_sender_run);
    return actor_attach_task(self, &s->t);
}

static const actor_behaviour credit_sender_behaviour = {.name = "credit-sender",
                                                        .on_start = credit_sender_start};

typedef struct holder_state {
    message *held[16];
    int n;
} holder_state;

enum { MSG_RELEASE_ONE = MESSAGE_TYPE_USER + 5 };

static int holder_receive(actor *self, message *m)
{
    holder_state *h = actor_state(self);
    if (m->type == MSG_RELEASE_ONE) {
        if (h->n > 0)
            message_free(h->held[--h->n]); /* gives 100 bytes of credit back */
        return 0;
    }
    message_keep(m);
    h->held[h->n++] = m;
    return 0;
}

static void holder_stop(actor *self)
{
    holder_state *h = actor_state(self);
    while (h->n > 0)
        message_free(h->held[--h->n]);
}

static const actor_behaviour holder_behaviour = {
    .name = "holder", .receive = holder_receive, .on_stop = holder_stop};

Test(credit, sender_blocks_without_credit_and_resumes)
{
    credit c;
    credit_init(&c, 300);
    runtime *rt = test_runtime(2);
    actor *holder = actor_spawn(rt, &holder_behaviour, &(actor_options){.state_size = sizeof(holder_state)});
    credit_sender init = {.c = &c, .dst = holder};
    actor *sender = actor_spawn(rt, &credit_sender_behaviour,
                                &(actor_options){.state_size = sizeof init, .init_state = &init});
    cr_assert_eq(runtime_wait_idle(rt, 5000), 0);
    cr_expect_eq(atomic_load(&credit_sent), 3, "window of 300 = 3 messages");
    cr_expect_eq(atomic_load(&credit_blocked), 1);
    cr_expect_eq(credit_available(&c), 0);
    for (int i = 0; i < 7; i++) {
        actor_send(holder, message_alloc(sizeof(message), MSG_RELEASE_ONE));
        cr_assert_eq(test_wait_at_least(&credit_sent, 4 + i, 5000), 4 + i);
        cr_assert_eq(runtime_wait_idle(rt, 5000), 0);
        cr_expect_eq(atomic_load(&credit_sent), 4 + i, "one release, one more send");
    }
    actor_unref(holder);
    actor_unref(sender);
    runtime_destroy(rt);
    cr_expect_eq(credit_available(&c), 300, "all credit back after shutdown");
    credit_fini(&c);
}
