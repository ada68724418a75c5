/*
 * mailbox.h - an actor's mailbox: Vyukov's intrusive lock-free MPSC queue
 * with a tagged head, as in Pony's messageq.
 *
 * Any thread may push; only the thread running the actor pops. The low bit of
 * `head` means "empty and not scheduled": the one push that clears it returns
 * true and must schedule the actor, so an actor is queued exactly once however
 * many senders race. The consumer sets the bit again with mailbox_mark_empty(),
 * a CAS that fails if anything arrived meanwhile, so no wake-up is ever lost.
 * FIFO order holds per sender (a single producer's pushes are linearised by its
 * own exchanges on head).
 */
#ifndef SHOAL_RUNTIME_MAILBOX_H
#define SHOAL_RUNTIME_MAILBOX_H

#include "runtime/message.h"

#include <stdbool.h>

typedef struct mailbox {
    _Atomic(message *) head; /* newest message; producers exchange here */
    char pad[64 - sizeof(void *)];
    message *tail;           /* oldest message; consumer only */
    message stub;            /* keeps the list non-empty */
} mailbox;

/* Starts empty but *scheduled* (a new actor runs its first turn at once). */
void mailbox_init(mailbox *mb);

/* Appends `m`. Returns true when the mailbox was empty and unscheduled: the
 * caller must then schedule the owner. */
bool mailbox_push(mailbox *mb, message *m);

/* Consumer: the oldest message, or NULL if none is (yet) visible. */
message *mailbox_pop(mailbox *mb);

/* Consumer: marks the mailbox empty and unscheduled. Returns false (and changes
 * nothing) if a message is present or a push is in progress. */
bool mailbox_mark_empty(mailbox *mb);

/* Consumer: the newest message now, to bound a turn to what was present. */
message *mailbox_newest(mailbox *mb);

#endif
