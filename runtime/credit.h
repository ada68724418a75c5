/*
 * credit.h - byte credits between a sender and a receiver (backpressure).
 *
 * A credit is a window of bytes the sender may have in flight. Sending takes
 * bytes; the receiver gives them back when it is done with the data - for a
 * message sent with actor_send_credited that happens automatically when the
 * message is freed (also if the receiver keeps it and frees it later, e.g. an
 * exchange buffer holding pages). A sender out of credit gets SHOAL_ENOCREDIT
 * (nothing is queued), or, in a task, waits:
 *
 *     CO_AWAIT(t, rc, credit_take_or_wait(&link->credit, bytes, t));  // BLOCKED(credit)
 *     actor_send_credited_taken(dst, msg, &link->credit, bytes);
 *
 * It is not resumed until credit returns. One message larger than the whole
 * window is still allowed when nothing else is in flight, so no size deadlocks.
 */
#ifndef SHOAL_RUNTIME_CREDIT_H
#define SHOAL_RUNTIME_CREDIT_H

#include "runtime/task.h"
#include "runtime/wait_list.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct message message;

struct credit {
    _Atomic int64_t available;
    int64_t window;
    wait_list waiters;
};
typedef struct credit credit;

void credit_init(credit *c, int64_t window_bytes);
/* Wakes remaining waiters and releases resources; no message may still hold it. */
void credit_fini(credit *c);

/* Takes `bytes` if the window allows; false leaves the credit unchanged. */
bool credit_try_take(credit *c, int64_t bytes);
/* 0 when taken; SHOAL_EAGAIN when the running actor was registered to be woken
 * as credit returns (return TASK_BLOCKED; CO_AWAIT does it). */
int credit_take_or_wait(credit *c, int64_t bytes, task *t);
/* Gives bytes back and wakes waiters. Any thread. */
void credit_return(credit *c, int64_t bytes);
int64_t credit_available(credit *c);

/* Takes `bytes` of credit and sends `m`, which returns them when freed.
 * SHOAL_ENOCREDIT (nothing taken, caller keeps m) or SHOAL_ESTOPPED. */
int actor_send_credited(actor *to, message *m, credit *c, uint32_t bytes);
/* Same when the bytes were already taken (credit_take_or_wait). On error the
 * bytes are given back and the caller keeps m. */
int actor_send_credited_taken(actor *to, message *m, credit *c, uint32_t bytes);

#endif
