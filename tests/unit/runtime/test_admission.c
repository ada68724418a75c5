/*
 * test_admission.c - mailbox admission with the concurrency-limit policy:
 * accept up to the limit, hold the next ones, reject beyond the held
 * capacity (bounced to the sender with SHOAL_EBUSY), re-offer held messages
 * in order when capacity frees, and bypass for other message types.
 */
#include "runtime/admission.h"
#include "test_util.h"

enum { MSG_QUERY = MESSAGE_TYPE_USER + 1, MSG_FINISHED, MSG_OTHER };

typedef struct query_msg {
    message header;
    int id;
} query_msg;

typedef struct group_state {
    concurrency_limit *limit;
    int running[64];
    int nrunning;
    int order[64];
    int norder;
    int others;
} group_state;

static _Atomic long group_events;

static int group_start(actor *self)
{
    group_state *st = actor_state(self);
    st->limit = concurrency_limit_create(MSG_QUERY, 2, 3);
    return actor_set_admission(self, &(admission_policy){&concurrency_limit_ops, st->limit});
}

static int group_receive(actor *self, message *m)
{
    group_state *st = actor_state(self);
    if (m->type == MSG_QUERY) {
        st->order[st->norder++] = ((query_msg *)m)->id;
        st->nrunning++;
    } else if (m->type == MSG_FINISHED) {
        st->nrunning--;
        concurrency_limit_release(st->limit);
        actor_admission_reoffer(self);
    } else {
        st->others++;
    }
    atomic_fetch_add(&group_events, 1);
    return 0;
}

static const actor_behaviour group_behaviour = {
    .name = "group", .on_start = group_start, .receive = group_receive};

static _Atomic long rejected;
static _Atomic int reject_code;
static int rejected_ids[16];

static int client_receive(actor *self, message *m)
{
    (void)self;
    if (message_is_bounced(m)) {
        long n = atomic_fetch_add(&rejected, 1);
        rejected_ids[n] = ((query_msg *)m)->id;
        atomic_store(&reject_code, m->error);
    }
    return 0;
}

static const actor_behaviour client_behaviour = {.name = "client", .receive = client_receive};

static void submit(actor *group, actor *client, int id)
{
    query_msg *q = MESSAGE_NEW(query_msg, MSG_QUERY);
    q->id = id;
    cr_assert_eq(actor_request(group, &q->header, client), 0);
}

Test(admission, accept_hold_reject_and_reoffer)
{
    runtime *rt = test_runtime(2);
    actor *group = actor_spawn(rt, &group_behaviour, &(actor_options){.state_size = sizeof(group_state)});
    actor *client = actor_spawn(rt, &client_behaviour, NULL);
    for (int id = 1; id <= 7; id++)
        submit(group, client, id);
    actor_send(group, message_alloc(sizeof(message), MSG_OTHER));
    cr_assert_eq(runtime_wait_idle(rt, 5000), 0);
    group_state *st = actor_state(group);
    cr_expect_eq(st->nrunning, 2, "2 admitted (limit)");
    cr_expect_eq(st->order[0], 1);
    cr_expect_eq(st->order[1], 2);
    cr_expect_eq(st->others, 1, "other message types bypass the limit");
    cr_expect_eq(atomic_load(&rejected), 2, "3 held, the last 2 refused");
    cr_expect_eq(atomic_load(&reject_code), SHOAL_EBUSY);
    cr_expect_eq(rejected_ids[0], 6);
    cr_expect_eq(rejected_ids[1], 7);
    cr_expect_eq(st->limit->rejected, 2);
    /* finish one: the oldest held (3) is admitted */
    actor_send(group, message_alloc(sizeof(message), MSG_FINISHED));
    cr_assert_eq(runtime_wait_idle(rt, 5000), 0);
    cr_expect_eq(st->norder, 3);
    cr_expect_eq(st->order[2], 3);
    cr_expect_eq(st->nrunning, 2);
    /* finish two more: 4 and 5 in order, nothing left held */
    actor_send(group, message_alloc(sizeof(message), MSG_FINISHED));
    actor_send(group, message_alloc(sizeof(message), MSG_FINISHED));
    cr_assert_eq(runtime_wait_idle(rt, 5000), 0);
    cr_expect_eq(st->norder, 5);
    cr_expect_eq(st->order[3], 4);
    cr_expect_eq(st->order[4], 5);
    /* held capacity is free again: a new query is held, not refused */
    actor_send(group, message_alloc(sizeof(message), MSG_FINISHED));
    submit(group, client, 8);
    submit(group, client, 9);
    cr_assert_eq(runtime_wait_idle(rt, 5000), 0);
    cr_expect_eq(st->order[5], 8);
    cr_expect_eq(atomic_load(&rejected), 2);
    actor_unref(group);
    actor_unref(client);
    runtime_destroy(rt); /* the held query 9 is freed at shutdown */
}

Test(admission, held_messages_bounce_when_actor_stops)
{
    atomic_store(&rejected, 0);
    runtime *rt = test_runtime(1);
    actor *group = actor_spawn(rt, &group_behaviour, &(actor_options){.state_size = sizeof(group_state)});
    actor *client = actor_spawn(rt, &client_behaviour, NULL);
    for (int id = 1; id <= 4; id++)
        submit(group, client, id);
    cr_assert_eq(runtime_wait_idle(rt, 5000), 0);
    cr_expect_eq(actor_admission_held(group), 2);
    actor_stop(group, 0);
    cr_assert_eq(runtime_wait_idle(rt, 5000), 0);
    cr_expect_eq(atomic_load(&rejected), 2);
    cr_expect_eq(atomic_load(&reject_code), SHOAL_ESTOPPED);
    actor_unref(group);
    actor_unref(client);
    runtime_destroy(rt);
}
