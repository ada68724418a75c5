/*
 * admission.h - a mailbox admission policy: decides, for each incoming
 * message, whether the actor handles it now, holds it back, or refuses it.
 *
 * The policy runs inside the receiving actor's turn (no locks needed in its
 * state) before the behaviour sees the message:
 *   ADMISSION_ACCEPT  the behaviour's receive gets it now;
 *   ADMISSION_HOLD    it waits in the actor's held queue (FIFO); held messages
 *                     are offered again, oldest first, after the behaviour
 *                     calls actor_admission_reoffer(self) (capacity freed);
 *   ADMISSION_REJECT  it is bounced to its reply target with the error code
 *                     the policy chose (freed if it has none).
 * Runtime messages (wake-ups, actor_down) and bounces bypass the policy.
 * Resource groups are built on this; concurrency_limit below is the simple
 * case: at most N admitted at once, at most M waiting, the rest refused.
 *
 *     concurrency_limit *cl = concurrency_limit_create(MSG_QUERY, 10, 100);
 *     actor_set_admission(group, &(admission_policy){ &concurrency_limit_ops, cl });
 *     ... when a query finishes, in the group's receive:
 *     concurrency_limit_release(cl); actor_admission_reoffer(self);
 */
#ifndef SHOAL_RUNTIME_ADMISSION_H
#define SHOAL_RUNTIME_ADMISSION_H

#include "runtime/message.h"

#include <stddef.h>
#include <stdint.h>

typedef enum admission_decision {
    ADMISSION_ACCEPT = 0,
    ADMISSION_HOLD = 1,
    ADMISSION_REJECT = 2,
} admission_decision;

typedef struct admission_offer {
    actor *self;        /* the receiving actor */
    size_t held;        /* messages currently held */
    bool reoffer;       /* the message comes from the held queue */
    int reject_code;    /* out: the error for ADMISSION_REJECT (default SHOAL_EREJECTED) */
} admission_offer;

typedef struct admission_ops {
    admission_decision (*offer)(void *state, const message *m, admission_offer *ctx);
    /* Called when the actor stops or the policy is replaced. May be NULL. */
    void (*destroy)(void *state);
} admission_ops;

struct admission_policy {
    const admission_ops *ops;
    void *state;
};
typedef struct admission_policy admission_policy;

/* The concurrency-limit policy: counts messages of one type. */
typedef struct concurrency_limit {
    uint32_t counted_type; /* other types are always accepted */
    uint32_t max_running;
    uint32_t max_held;     /* beyond this, refuse with SHOAL_EBUSY */
    uint32_t running;
    uint64_t accepted, held_total, rejected;
} concurrency_limit;

extern const admission_ops concurrency_limit_ops;

concurrency_limit *concurrency_limit_create(uint32_t counted_type, uint32_t max_running,
                                            uint32_t max_held);
/* One admitted message's work finished; call actor_admission_reoffer next. */
void concurrency_limit_release(concurrency_limit *cl);

#endif
