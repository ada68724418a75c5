/*
 * actor.h - actors: spawn, send, stop, monitor and link.
 *
 * An actor is a behaviour (a vtable) plus state, with a mailbox. The runtime
 * runs one *turn* at a time on some scheduler: at most `batch` of the messages
 * present when the turn began, then (if attached) one resume of its task. An
 * actor never runs on two schedulers at once; between turns it may migrate
 * (work stealing) unless pinned.
 *
 *     static int counter_receive(actor *self, message *m) {
 *         counter_state *st = actor_state(self);
 *         if (m->type == MSG_ADD) st->sum += ((add_msg *)m)->value;
 *         return 0;                        // non-zero: the actor fails with that code
 *     }
 *     static const actor_behaviour counter = { .name = "counter", .receive = counter_receive };
 *     actor *a = actor_spawn(rt, &counter, &(actor_options){ .state_size = sizeof(counter_state) });
 *
 * References: actor_spawn returns a reference owned by the caller; whoever
 * sends to an actor must hold one (actor_ref / actor_unref). The memory stays
 * valid while a reference exists, even after the actor stops; sends to a
 * stopped actor return SHOAL_ESTOPPED.
 *
 * Lifecycle: an actor stops when its behaviour returns an error, calls
 * actor_exit, is asked with actor_stop, or a linked actor fails. Stopping
 * runs on_stop, bounces pending messages that have a reply target (error
 * SHOAL_ESTOPPED; the rest are freed) and sends an actor_down message to each
 * monitor with the exit code and reason.
 */
#ifndef SHOAL_RUNTIME_ACTOR_H
#define SHOAL_RUNTIME_ACTOR_H

#include "runtime/errors.h"
#include "runtime/message.h"
#include "runtime/runtime.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct task task;
typedef struct sched_job sched_job;
typedef struct admission_policy admission_policy;

typedef struct actor_behaviour {
    const char *name;
    /* Called in the first turn, before any message. Non-zero fails the actor. */
    int (*on_start)(actor *self);
    /* Handles one message. The runtime frees `m` afterwards unless kept or
     * forwarded. Non-zero fails the actor with that code. */
    int (*receive)(actor *self, message *m);
    /* The attached task finished (DONE); optional. Non-zero fails the actor. */
    int (*on_task_done)(actor *self, task *t);
    /* Called once when the actor stops (also at runtime shutdown): release
     * resources held in the state. Must not block. */
    void (*on_stop)(actor *self);
} actor_behaviour;

typedef struct actor_options {
    const char *name;        /* for logs and the stall detector (static string) */
    size_t state_size;       /* zeroed bytes allocated with the actor: actor_state() */
    const void *init_state;  /* if set, copied into the state */
    actor *monitor;          /* gets an actor_down when this actor stops */
    bool link;               /* link with `monitor` (failures propagate both ways) */
    bool trap_exits;         /* a linked failure arrives as actor_down instead of killing us */
    bool pinned;             /* true: always run on scheduler `pin` (fd owners) */
    int pin;                 /* scheduler index used when `pinned` */
    sched_job *sched_job;    /* share CPU by its group's weight (sched_group.h); the
                                actor holds a reference. NULL: ungrouped */
} actor_options;

/* Sent to monitors (and linked actors) when an actor stops. */
typedef struct actor_down {
    message header;          /* type MESSAGE_TYPE_DOWN */
    actor *actor;            /* the stopped actor (reference held by the message) */
    uint64_t actor_id;
    int code;                /* 0: normal stop; else a SHOAL_E... or behaviour code */
    bool linked;
    char reason[112];
} actor_down;

/* Spawns an actor; its first turn (on_start) is scheduled at once. From inside
 * an actor it lands on the current scheduler. Returns NULL (and *err) on error. */
actor *actor_spawn(runtime *rt, const actor_behaviour *b, const actor_options *opts);
actor *actor_spawn_err(runtime *rt, const actor_behaviour *b, const actor_options *opts, int *err);

void actor_ref(actor *a);
void actor_unref(actor *a);

/* Sends `m` (ownership moves on success). SHOAL_ESTOPPED if `to` has stopped:
 * the caller keeps `m`. Safe from any thread holding a reference to `to`. */
int actor_send(actor *to, message *m);
/* Same, with `reply_to` recorded so a refusal or stop bounces `m` back. */
int actor_request(actor *to, message *m, actor *reply_to);

/* Asks `a` to stop (code 0 = normal). Pending messages are handled as above. */
void actor_stop(actor *a, int code);
/* From inside a behaviour: stop after this message. */
void actor_exit(actor *self, int code, const char *reason_fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* `watcher` gets an actor_down when `target` stops (at once if it already has). */
int actor_monitor(actor *watcher, actor *target);
/* Monitors both ways; a failure (code != 0) of one stops the other with
 * SHOAL_ELINKED unless it traps exits. */
int actor_link(actor *a, actor *b);

/* Attaches a coroutine task, resumed after the messages of each turn while it
 * is runnable. At most one task per actor. From inside the actor. */
int actor_attach_task(actor *self, task *t);

/* Installs an admission policy (see admission.h). The actor owns it. */
int actor_set_admission(actor *a, const admission_policy *policy);
/* Re-offers held messages at the next opportunity (capacity freed). */
void actor_admission_reoffer(actor *self);
/* Number of messages held back by the policy. */
size_t actor_admission_held(actor *self);

/* Pins the calling actor to the scheduler it runs on (fd owners do it). */
void actor_pin_here(actor *self);

/* Wakes the actor: it gets a MESSAGE_TYPE_WAKE (handled by the runtime for
 * its task, or passed to receive when there is no task). Any thread. */
void actor_wake(actor *a);

void *actor_state(actor *a);
actor *actor_self(void); /* the actor whose turn is running, or NULL */
uint64_t actor_id(const actor *a);
const char *actor_name(const actor *a);
runtime *actor_runtime(const actor *a);
bool actor_is_stopped(const actor *a);
/* The scheduler index that ran the current turn, or -1 outside turns. */
int actor_current_scheduler(void);

#endif
