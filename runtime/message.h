/*
 * message.h - the message header every actor message starts with, and message
 * allocation.
 *
 * A message is a struct whose first member is `message`:
 *
 *     typedef struct add_msg { message header; int64_t value; } add_msg;
 *     add_msg *m = MESSAGE_NEW(add_msg, MSG_ADD);
 *     m->value = 42;
 *     actor_send(target, &m->header);
 *
 * The header doubles as the mailbox link (intrusive queue, no extra node).
 * Ownership moves with the message: after a successful send the sender must
 * not touch it; the receiving actor's turn frees it when `receive` returns,
 * unless the behaviour kept it (message_keep) or forwarded it (actor_send).
 *
 * Messages come from per-thread size-class free lists on scheduler threads
 * (jemalloc underneath; any thread may free any message). Under
 * AddressSanitizer the pool is off so use-after-free stays visible.
 *
 * A message may carry byte credit (see credit.h): freeing it returns the bytes.
 * It may name a reply target (message_set_reply_to): if it is refused or its
 * receiver stops, it comes back to that actor "bounced" with an error code.
 */
#ifndef SHOAL_RUNTIME_MESSAGE_H
#define SHOAL_RUNTIME_MESSAGE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct actor actor;
typedef struct credit credit;

/* Message types below MESSAGE_TYPE_USER belong to the runtime. */
enum {
    MESSAGE_TYPE_WAKE = 1, /* a wait handle fired (timer, fd, credit, ...) */
    MESSAGE_TYPE_DOWN = 2, /* a monitored or linked actor stopped: actor_down */
    MESSAGE_TYPE_USER = 256,
};

enum {
    MESSAGE_FLAG_BOUNCED = 1u << 0,  /* came back to its reply target; see .error */
    MESSAGE_FLAG_EMBEDDED = 1u << 1, /* memory owned by someone else; free is a no-op */
};

typedef struct message {
    _Atomic(struct message *) next; /* mailbox link */
    uint32_t type;
    uint16_t pool_class; /* allocation size class (internal) */
    uint16_t flags;
    int32_t error;       /* why it bounced (SHOAL_E...), else 0 */
    uint32_t credit_bytes;
    credit *credit;      /* credit returned when the message is freed */
    actor *reply_to;     /* bounce / reply target, holds a reference */
} message;

/* Allocates `size` bytes (>= sizeof(message)) with a zeroed header and body.
 * Returns NULL when memory is exhausted. */
message *message_alloc(size_t size, uint32_t type);
#define MESSAGE_NEW(T, type_id) ((T *)message_alloc(sizeof(T), (type_id)))

/* Returns credit, drops the reply-target reference and releases the memory. */
void message_free(message *m);

/* Prepares a message that lives inside another struct (a wake-up or an nng
 * completion slot). It may be in at most one mailbox at a time. */
void message_init_embedded(message *m, uint32_t type);

/* The receiving behaviour takes ownership of the message it is handling; the
 * turn will not free it. */
void message_keep(message *m);

/* Records where a refusal or a stopped receiver sends the message back. */
void message_set_reply_to(message *m, actor *reply_to);

static inline bool message_is_bounced(const message *m)
{
    return (m->flags & MESSAGE_FLAG_BOUNCED) != 0;
}

/* Flushes this thread's free lists back to the allocator. */
void message_pool_flush(void);
/* Turns the free lists on for this thread (scheduler threads do it). */
void message_pool_enable_thread(void);

#endif
