/*
 * actor.c - actor lifecycle, sending, turns, monitors and links.
 *
 * Design notes
 *  - References: spawn sets refs = 2, one for the caller and one the runtime
 *    holds while the actor is alive. The runtime's is dropped by the first
 *    turn of the stopped actor that finds its mailbox empty. A push that
 *    schedules an already-stopped actor takes one more reference, dropped by
 *    that (draining) turn, so a scheduled actor is never freed.
 *  - The status flips to STOPPED only inside the actor's own turn, while its
 *    mailbox is not marked empty; a sender that sees the EMPTY edge therefore
 *    sees a stable status (the mark_empty CAS releases it).
 *  - A turn: on_start (first turn), stop request, held messages to re-offer,
 *    then at most `batch` messages present when the turn began, then one
 *    resume of the attached task if runnable. Then: stop if asked; reschedule
 *    if the task yielded, else mark the mailbox empty (fails if mail arrived).
 *  - Wake-ups (timers, fds, credit, data, memory) are one embedded message
 *    per actor guarded by wake_pending, so they cost no allocation, can not
 *    fail, and coalesce.
 */
#include "runtime/actor.h"

#include "runtime/admission.h"
#include "runtime/errors.h"
#include "runtime/internal.h"
#include "runtime/log.h"
#include "runtime/message.h"
#include "runtime/task.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static log_subsystem actor_log = LOG_SUBSYSTEM_INIT("actor");

static __thread actor *tls_actor;
__thread message *runtime_current_message;

/* ---- small accessors ---- */

void *actor_state(actor *a) { return a->state; }
actor *actor_self(void) { return tls_actor; }
uint64_t actor_id(const actor *a) { return a->id; }
const char *actor_name(const actor *a) { return a->name; }
runtime *actor_runtime(const actor *a) { return a->rt; }
int actor_current_scheduler(void) { return runtime_current_scheduler(); }

bool actor_is_stopped(const actor *a)
{
    return atomic_load_explicit(&((actor *)a)->status, memory_order_acquire) == ACTOR_STOPPED;
}

static void monitor_lock(actor *a)
{
    while (atomic_flag_test_and_set_explicit(&a->monitor_lock, memory_order_acquire))
        __builtin_ia32_pause();
}

static void monitor_unlock(actor *a)
{
    atomic_flag_clear_explicit(&a->monitor_lock, memory_order_release);
}

/* ---- references and registry ---- */

void actor_ref(actor *a)
{
    atomic_fetch_add_explicit(&a->refs, 1, memory_order_relaxed);
}

static void actor_list_insert(actor **head, actor *a)
{
    a->reg_prev = NULL;
    a->reg_next = *head;
    if (*head)
        (*head)->reg_prev = a;
    *head = a;
}

static void actor_list_remove(actor **head, actor *a)
{
    if (a->reg_prev)
        a->reg_prev->reg_next = a->reg_next;
    else
        *head = a->reg_next;
    if (a->reg_next)
        a->reg_next->reg_prev = a->reg_prev;
}

/* The registry lets shutdown find every actor. Actors spawned on a scheduler
 * thread join that scheduler's list, touched only by its thread (no lock on
 * the spawn path); the rest join a mutex-guarded runtime list. */
static void actor_registry_add(actor *a, scheduler *s)
{
    a->reg_sched = s;
    if (s != NULL) {
        actor_list_insert(&s->registry, a);
        return;
    }
    pthread_mutex_lock(&a->rt->foreign_lock);
    actor_list_insert(&a->rt->foreign_registry, a);
    pthread_mutex_unlock(&a->rt->foreign_lock);
}

static void actor_free_now(actor *a)
{
    sched_job_unref(a->sched_job);
    free(a->exit_reason);
    free(a);
}

/* Last reference gone: unlink and free, on the registry owner's thread. */
static void actor_free(actor *a)
{
    scheduler *owner = a->reg_sched;
    if (owner == NULL) {
        pthread_mutex_lock(&a->rt->foreign_lock);
        actor_list_remove(&a->rt->foreign_registry, a);
        pthread_mutex_unlock(&a->rt->foreign_lock);
        actor_free_now(a);
    } else if (owner == scheduler_current()) {
        actor_list_remove(&owner->registry, a);
        actor_free_now(a);
    } else {
        /* run_link is free: an actor with no reference is in no run queue. */
        inject_queue_push(&owner->garbage, &a->run_link);
    }
}

void actor_collect_garbage(scheduler *s)
{
    run_link *l;
    while ((l = inject_queue_pop(&s->garbage)) != NULL) {
        actor *a = (actor *)((char *)l - offsetof(actor, run_link));
        actor_list_remove(&s->registry, a);
        actor_free_now(a);
    }
}

void actor_unref(actor *a)
{
    if (runtime_is_tearing_down(a->rt))
        return; /* the teardown frees every actor itself */
    if (atomic_fetch_sub_explicit(&a->refs, 1, memory_order_acq_rel) == 1)
        actor_free(a);
}

/* ---- spawning ---- */

static int actor_add_monitor(actor *watcher, actor *target, bool linked);

static uint64_t actor_next_id(runtime *rt, scheduler *s)
{
    if (s != NULL && s->rt == rt)
        return (++s->id_seq << 10) | (uint64_t)s->index;
    return (atomic_fetch_add_explicit(&rt->foreign_id_seq, 1, memory_order_relaxed) + 1) << 10 |
           1023u;
}

static actor *actor_allocate(const actor_options *o)
{
    size_t size = (sizeof(actor) + o->state_size + 63) & ~(size_t)63;
    actor *a = aligned_alloc(64, size);
    if (a == NULL)
        return NULL;
    memset(a, 0, sizeof(actor) + o->state_size);
    if (o->init_state != NULL && o->state_size > 0)
        memcpy(a->state, o->init_state, o->state_size);
    return a;
}

static int actor_check_options(runtime *rt, const actor_behaviour *b, const actor_options *o)
{
    if (rt == NULL || b == NULL || (o->pinned && (o->pin < 0 || o->pin >= rt->nsched)))
        return SHOAL_EINVAL;
    if (atomic_load_explicit(&rt->stopping, memory_order_relaxed))
        return SHOAL_ESHUTDOWN;
    return 0;
}

actor *actor_spawn_err(runtime *rt, const actor_behaviour *b, const actor_options *opts, int *err)
{
    static const actor_options defaults = {0};
    const actor_options *o = opts ? opts : &defaults;
    int dummy;
    err = err ? err : &dummy;
    if ((*err = actor_check_options(rt, b, o)) != 0)
        return NULL;
    actor *a = actor_allocate(o);
    if (a == NULL) {
        *err = SHOAL_ENOMEM;
        return NULL;
    }
    scheduler *s = scheduler_current();
    if (s != NULL && s->rt != rt)
        s = NULL;
    mailbox_init(&a->mailbox);
    message_init_embedded(&a->wake_msg, MESSAGE_TYPE_WAKE);
    a->rt = rt;
    a->behaviour = b;
    a->name = o->name ? o->name : (b->name ? b->name : "actor");
    a->pinned = o->pinned ? o->pin : -1;
    a->pin_count = o->pinned ? 1 : 0;
    a->trap_exits = o->trap_exits;
    a->state_size = o->state_size;
    a->sched_job = o->sched_job;
    if (a->sched_job)
        sched_job_ref(a->sched_job);
    a->id = actor_next_id(rt, scheduler_current());
    atomic_store_explicit(&a->refs, 2, memory_order_relaxed);
    actor_registry_add(a, s);
    atomic_fetch_add_explicit(&(s ? s : rt->scheds[0])->spawned, 1, memory_order_relaxed);
    if (o->monitor != NULL) {
        actor_add_monitor(o->monitor, a, o->link);
        if (o->link)
            actor_add_monitor(a, o->monitor, true);
    }
    /* The mailbox starts "scheduled": this is the one schedule for turn one. */
    scheduler_schedule(a);
    return a;
}

actor *actor_spawn(runtime *rt, const actor_behaviour *b, const actor_options *opts)
{
    return actor_spawn_err(rt, b, opts, NULL);
}

/* ---- sending ---- */

/* The push found the mailbox empty and unscheduled: schedule the actor. */
static void actor_schedule_edge(actor *a)
{
    if (atomic_load_explicit(&a->status, memory_order_relaxed) == ACTOR_STOPPED)
        actor_ref(a); /* the draining turn drops it */
    scheduler_schedule(a);
}

/* Pushes regardless of status (wake-ups, bounces, downs). */
static void actor_push(actor *a, message *m)
{
    if (runtime_is_tearing_down(a->rt)) {
        if (!(m->flags & MESSAGE_FLAG_EMBEDDED))
            message_free(m);
        return;
    }
    if (mailbox_push(&a->mailbox, m))
        actor_schedule_edge(a);
}

int actor_send(actor *to, message *m)
{
    if (atomic_load_explicit(&to->status, memory_order_acquire) == ACTOR_STOPPED)
        return SHOAL_ESTOPPED;
    runtime_forget_current_message(m);
    actor_push(to, m);
    return 0;
}

int actor_request(actor *to, message *m, actor *reply_to)
{
    message_set_reply_to(m, reply_to);
    int rc = actor_send(to, m);
    if (rc != 0)
        message_set_reply_to(m, NULL);
    return rc;
}

void actor_wake(actor *a)
{
    if (atomic_exchange_explicit(&a->wake_pending, 1, memory_order_acq_rel) == 0)
        actor_push(a, &a->wake_msg);
}

/* Sends `m` back to its reply target with `code`, or frees it. */
static void actor_bounce(message *m, int code)
{
    actor *to = m->reply_to;
    if (to == NULL) {
        message_free(m);
        return;
    }
    m->reply_to = NULL; /* the reference is ours until the push is done */
    m->flags |= MESSAGE_FLAG_BOUNCED;
    m->error = code;
    runtime_forget_current_message(m);
    actor_push(to, m);
    actor_unref(to);
}

/* ---- stopping and failing ---- */

static void actor_set_reason(actor *a, const char *fmt, va_list ap)
{
    char buf[112];
    vsnprintf(buf, sizeof buf, fmt, ap);
    free(a->exit_reason);
    a->exit_reason = strdup(buf);
}

static void actor_begin_exit(actor *a, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void actor_begin_exit(actor *a, int code, const char *fmt, ...)
{
    if (a->exiting)
        return;
    a->exiting = true;
    a->exit_code = code;
    if (fmt != NULL) {
        va_list ap;
        va_start(ap, fmt);
        actor_set_reason(a, fmt, ap);
        va_end(ap);
    }
}

void actor_exit(actor *self, int code, const char *reason_fmt, ...)
{
    if (self->exiting)
        return;
    self->exiting = true;
    self->exit_code = code;
    if (reason_fmt != NULL) {
        va_list ap;
        va_start(ap, reason_fmt);
        actor_set_reason(self, reason_fmt, ap);
        va_end(ap);
    }
}

void actor_stop(actor *a, int code)
{
    atomic_store_explicit(&a->stop_code, code, memory_order_relaxed);
    atomic_store_explicit(&a->stop_requested, true, memory_order_release);
    actor_wake(a);
}

static void actor_fail(actor *a, int code)
{
    actor_begin_exit(a, code, "%s failed: %s", a->name, shoal_strerror(code));
}

/* ---- monitors and links ---- */

int actor_monitor(actor *watcher, actor *target)
{
    return actor_add_monitor(watcher, target, false);
}

int actor_link(actor *a, actor *b)
{
    int rc = actor_add_monitor(a, b, true);
    return rc != 0 ? rc : actor_add_monitor(b, a, true);
}

static void actor_send_down(actor *watcher, actor *target, bool linked)
{
    actor_down *d = MESSAGE_NEW(actor_down, MESSAGE_TYPE_DOWN);
    if (d == NULL) {
        log_error(&actor_log, "out of memory: %s#%llu not told that %s#%llu stopped",
                  watcher->name, (unsigned long long)watcher->id, target->name,
                  (unsigned long long)target->id);
        return;
    }
    actor_ref(target);
    d->actor = target;
    d->actor_id = target->id;
    d->code = target->exit_code;
    d->linked = linked;
    snprintf(d->reason, sizeof d->reason, "%s",
             target->exit_reason ? target->exit_reason
                                 : (target->exit_code ? shoal_strerror(target->exit_code) : "normal"));
    actor_push(watcher, &d->header);
}

static int actor_add_monitor(actor *watcher, actor *target, bool linked)
{
    monitor_entry *e = malloc(sizeof *e);
    if (e == NULL)
        return SHOAL_ENOMEM;
    actor_ref(watcher);
    e->watcher = watcher;
    e->linked = linked;
    monitor_lock(target);
    bool closed = target->monitors_closed;
    if (!closed) {
        e->next = target->monitors;
        target->monitors = e;
    }
    monitor_unlock(target);
    if (closed) { /* already stopped: exit fields are final */
        actor_send_down(watcher, target, linked);
        actor_unref(watcher);
        free(e);
    }
    return 0;
}

static void actor_notify_monitors(actor *a)
{
    monitor_lock(a);
    a->monitors_closed = true;
    monitor_entry *e = a->monitors;
    a->monitors = NULL;
    monitor_unlock(a);
    while (e != NULL) {
        monitor_entry *next = e->next;
        actor_send_down(e->watcher, a, e->linked);
        actor_unref(e->watcher);
        free(e);
        e = next;
    }
}

/* ---- admission ---- */

int actor_set_admission(actor *a, const admission_policy *policy)
{
    if (a->admission.ops && a->admission.ops->destroy)
        a->admission.ops->destroy(a->admission.state);
    a->admission = policy ? *policy : (admission_policy){0};
    return 0;
}

void actor_admission_reoffer(actor *self)
{
    self->reoffer_pending = true;
}

size_t actor_admission_held(actor *self)
{
    return self->held_count;
}

static void actor_hold(actor *a, message *m)
{
    runtime_forget_current_message(m);
    atomic_store_explicit(&m->next, NULL, memory_order_relaxed);
    if (a->held_tail)
        atomic_store_explicit(&a->held_tail->next, m, memory_order_relaxed);
    else
        a->held_head = m;
    a->held_tail = m;
    a->held_count++;
}

static message *actor_unhold(actor *a)
{
    message *m = a->held_head;
    if (m == NULL)
        return NULL;
    a->held_head = atomic_load_explicit(&m->next, memory_order_relaxed);
    if (a->held_head == NULL)
        a->held_tail = NULL;
    a->held_count--;
    return m;
}

static admission_decision actor_offer(actor *a, message *m, bool reoffer, int *code)
{
    admission_offer ctx = {.self = a, .held = a->held_count, .reoffer = reoffer,
                           .reject_code = SHOAL_EREJECTED};
    admission_decision d = a->admission.ops->offer(a->admission.state, m, &ctx);
    *code = ctx.reject_code;
    return d;
}

/* ---- dispatch ---- */

static void actor_deliver(actor *a, message *m)
{
    runtime_current_message = m;
    int rc = a->behaviour->receive ? a->behaviour->receive(a, m) : 0;
    if (runtime_current_message == m) {
        runtime_current_message = NULL;
        message_free(m);
    }
    if (rc != 0)
        actor_fail(a, rc);
}

static void actor_handle_down(actor *a, actor_down *d)
{
    if (d->linked && d->code != 0 && !a->trap_exits) {
        actor_begin_exit(a, SHOAL_ELINKED, "linked actor %s#%llu failed: %s", d->actor->name,
                         (unsigned long long)d->actor_id, d->reason);
        actor *who = d->actor;
        message_free(&d->header);
        actor_unref(who);
        return;
    }
    actor *who = d->actor;
    actor_deliver(a, &d->header);
    actor_unref(who);
}

static void actor_handle_wake(actor *a, message *m)
{
    atomic_store_explicit(&a->wake_pending, 0, memory_order_release);
    if (a->task != NULL) {
        a->task_runnable = true;
        return;
    }
    if (a->behaviour->receive) {
        int rc = a->behaviour->receive(a, m);
        if (rc != 0)
            actor_fail(a, rc);
    }
}

static void actor_dispatch(actor *a, message *m)
{
    if (m->type < MESSAGE_TYPE_USER && !message_is_bounced(m)) {
        if (m->type == MESSAGE_TYPE_WAKE && (m->flags & MESSAGE_FLAG_EMBEDDED) && m == &a->wake_msg)
            actor_handle_wake(a, m);
        else if (m->type == MESSAGE_TYPE_DOWN)
            actor_handle_down(a, (actor_down *)m);
        else
            actor_deliver(a, m);
        return;
    }
    if (a->admission.ops == NULL || message_is_bounced(m)) {
        actor_deliver(a, m);
        return;
    }
    int code;
    switch (actor_offer(a, m, false, &code)) {
    case ADMISSION_ACCEPT: actor_deliver(a, m); break;
    case ADMISSION_HOLD: actor_hold(a, m); break;
    case ADMISSION_REJECT: actor_bounce(m, code); break;
    }
}

static void actor_reoffer_held(actor *a)
{
    a->reoffer_pending = false;
    while (a->held_head != NULL && !a->exiting && a->admission.ops != NULL) {
        int code;
        message *m = a->held_head;
        admission_decision d = actor_offer(a, m, true, &code);
        if (d == ADMISSION_HOLD)
            return;
        actor_unhold(a);
        if (d == ADMISSION_ACCEPT)
            actor_deliver(a, m);
        else
            actor_bounce(m, code);
    }
}

/* ---- tasks ---- */

int actor_attach_task(actor *self, task *t)
{
    if (self->task != NULL && self->task != t)
        return SHOAL_EBUSY;
    self->task = t;
    self->task_runnable = true;
    return 0;
}

static void actor_resume_task(actor *a)
{
    task *t = a->task;
    t->waiting_on = WAIT_NONE;
    t->resumes++;
    task_status st = t->resume(t);
    if (st == TASK_YIELD)
        return;
    a->task_runnable = false;
    if (st == TASK_BLOCKED)
        return;
    a->task = NULL;
    int rc = a->behaviour->on_task_done ? a->behaviour->on_task_done(a, t) : t->error;
    if (rc != 0)
        actor_fail(a, rc);
}

/* ---- turns ---- */

/* Drops a message that reached a stopped actor. */
static void actor_drop(actor *a, message *m)
{
    if (m == &a->wake_msg) {
        atomic_store_explicit(&a->wake_pending, 0, memory_order_release);
        return;
    }
    if (m->type == MESSAGE_TYPE_DOWN && !message_is_bounced(m)) {
        actor *who = ((actor_down *)m)->actor;
        message_free(m);
        actor_unref(who);
        return;
    }
    if (message_is_bounced(m))
        message_free(m);
    else
        actor_bounce(m, SHOAL_ESTOPPED);
}

/* A turn of a stopped actor: drain, and drop one reference once unscheduled. */
static bool actor_turn_stopped(actor *a)
{
    message *m;
    while ((m = mailbox_pop(&a->mailbox)) != NULL)
        actor_drop(a, m);
    if (!mailbox_mark_empty(&a->mailbox))
        return true;
    actor_unref(a); /* may free `a` */
    return false;
}

static void actor_do_stop(scheduler *s, actor *a)
{
    atomic_store_explicit(&a->status, ACTOR_STOPPED, memory_order_release);
    if (a->task != NULL) {
        task_cancel_wait(a->task);
        a->task = NULL;
    }
    if (!a->on_stop_done) {
        a->on_stop_done = true;
        if (a->behaviour->on_stop)
            a->behaviour->on_stop(a);
    }
    message *m;
    while ((m = actor_unhold(a)) != NULL)
        actor_bounce(m, SHOAL_ESTOPPED);
    actor_set_admission(a, NULL);
    if (a->exit_code != 0)
        log_debug(&actor_log, "%s#%llu failed: %d %s", a->name, (unsigned long long)a->id,
                  a->exit_code, a->exit_reason ? a->exit_reason : "");
    actor_notify_monitors(a);
    atomic_fetch_add_explicit(&s->stopped, 1, memory_order_relaxed);
}

static void actor_turn_messages(actor *a, uint32_t batch)
{
    message *end = mailbox_newest(&a->mailbox);
    for (uint32_t n = 0; n < batch && !a->exiting; n++) {
        message *m = mailbox_pop(&a->mailbox);
        if (m == NULL)
            return;
        bool last = m == end;
        actor_dispatch(a, m);
        if (last)
            return;
    }
}

static void actor_turn_start(actor *a)
{
    a->started = true;
    if (a->behaviour->on_start) {
        int rc = a->behaviour->on_start(a);
        if (rc != 0)
            actor_fail(a, rc);
    }
}

static bool actor_turn_running(scheduler *s, actor *a)
{
    if (!a->started)
        actor_turn_start(a);
    if (atomic_load_explicit(&a->stop_requested, memory_order_acquire))
        actor_begin_exit(a, atomic_load_explicit(&a->stop_code, memory_order_relaxed), NULL);
    if (a->reoffer_pending && !a->exiting)
        actor_reoffer_held(a);
    if (!a->exiting)
        actor_turn_messages(a, s->rt->cfg.batch);
    if (a->reoffer_pending && !a->exiting)
        actor_reoffer_held(a);
    if (!a->exiting && a->task != NULL && a->task_runnable)
        actor_resume_task(a);
    if (a->exiting) {
        actor_do_stop(s, a);
        return actor_turn_stopped(a);
    }
    if (a->task != NULL && a->task_runnable)
        return true;
    return !mailbox_mark_empty(&a->mailbox);
}

bool actor_run_turn(scheduler *s, actor *a)
{
    tls_actor = a;
    bool again = atomic_load_explicit(&a->status, memory_order_acquire) == ACTOR_STOPPED
                     ? actor_turn_stopped(a)
                     : actor_turn_running(s, a);
    tls_actor = NULL;
    return again;
}

void actor_pin_here(actor *self)
{
    scheduler *s = scheduler_current();
    if (s == NULL)
        return;
    if (self->pin_count++ == 0)
        self->pinned = s->index;
}

/* Used by fd_watch_close: drops one pin. */
void actor_unpin(actor *self);
void actor_unpin(actor *self)
{
    if (self->pin_count > 0 && --self->pin_count == 0)
        self->pinned = -1;
}

/* ---- shutdown (single-threaded, after the schedulers are joined) ---- */

void actor_teardown_drop_messages(actor *a)
{
    message *m;
    while ((m = mailbox_pop(&a->mailbox)) != NULL)
        if (!(m->flags & MESSAGE_FLAG_EMBEDDED))
            message_free(m);
    while ((m = actor_unhold(a)) != NULL)
        message_free(m);
}

void actor_teardown_stop(actor *a)
{
    atomic_store_explicit(&a->status, ACTOR_STOPPED, memory_order_relaxed);
    tls_actor = a;
    if (a->task != NULL) {
        task_cancel_wait(a->task);
        a->task = NULL;
    }
    if (!a->on_stop_done) {
        a->on_stop_done = true;
        if (a->behaviour->on_stop)
            a->behaviour->on_stop(a);
    }
    tls_actor = NULL;
    actor_set_admission(a, NULL);
    monitor_entry *e = a->monitors;
    a->monitors = NULL;
    while (e != NULL) {
        monitor_entry *next = e->next;
        free(e);
        e = next;
    }
}

void actor_teardown_free(actor *a)
{
    actor_free_now(a);
}
