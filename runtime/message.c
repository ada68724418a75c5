/*
 * message.c - message allocation with per-thread size-class free lists, and
 * the ownership helpers of message.h.
 *
 * Size classes are powers of two from 64 B to 2 KiB. Each scheduler thread
 * keeps a bounded LIFO list per class; a message freed on another thread goes
 * to that thread's list (or to the allocator), so no list is ever shared.
 * Larger messages and non-scheduler threads go straight to malloc/free.
 */
#include "runtime/message.h"

#include "runtime/actor.h"
#include "runtime/credit.h"
#include "runtime/internal.h"

#include <stdlib.h>
#include <string.h>

#define MESSAGE_CLASS_COUNT 6
#define MESSAGE_CLASS_MIN_SHIFT 6 /* 64 bytes */
#define MESSAGE_CLASS_MALLOC 0xfffe
#define MESSAGE_CLASS_NONE 0xffff
#define MESSAGE_POOL_CAP 2048

#if defined(__SANITIZE_ADDRESS__)
#define MESSAGE_POOL_ENABLED 0
#else
#define MESSAGE_POOL_ENABLED 1
#endif

typedef struct message_free_list {
    message *head;
    uint32_t count;
} message_free_list;

static __thread message_free_list message_pool[MESSAGE_CLASS_COUNT];
static __thread bool message_pool_on;

static int message_size_class(size_t size)
{
    size_t cap = (size_t)1 << MESSAGE_CLASS_MIN_SHIFT;
    for (int c = 0; c < MESSAGE_CLASS_COUNT; c++, cap <<= 1)
        if (size <= cap)
            return c;
    return -1;
}

void message_pool_enable_thread(void)
{
    message_pool_on = MESSAGE_POOL_ENABLED;
}

message *message_alloc(size_t size, uint32_t type)
{
    if (size < sizeof(message))
        return NULL;
    int c = message_size_class(size);
    message *m = NULL;
    if (c >= 0 && message_pool_on && message_pool[c].head != NULL) {
        message_free_list *fl = &message_pool[c];
        m = fl->head;
        fl->head = atomic_load_explicit(&m->next, memory_order_relaxed);
        fl->count--;
    } else {
        m = malloc(c >= 0 ? (size_t)1 << (c + MESSAGE_CLASS_MIN_SHIFT) : size);
        if (m == NULL)
            return NULL;
    }
    memset(m, 0, size);
    m->type = type;
    m->pool_class = c >= 0 ? (uint16_t)c : MESSAGE_CLASS_MALLOC;
    return m;
}

void message_init_embedded(message *m, uint32_t type)
{
    memset(m, 0, sizeof *m);
    m->type = type;
    m->pool_class = MESSAGE_CLASS_NONE;
    m->flags = MESSAGE_FLAG_EMBEDDED;
}

static void message_release_memory(message *m)
{
    if (m->flags & MESSAGE_FLAG_EMBEDDED)
        return;
    uint16_t c = m->pool_class;
    if (c < MESSAGE_CLASS_COUNT && message_pool_on && message_pool[c].count < MESSAGE_POOL_CAP) {
        message_free_list *fl = &message_pool[c];
        atomic_store_explicit(&m->next, fl->head, memory_order_relaxed);
        fl->head = m;
        fl->count++;
        return;
    }
    free(m);
}

void message_free(message *m)
{
    if (m == NULL)
        return;
    runtime_forget_current_message(m);
    if (m->credit != NULL) {
        credit *c = m->credit;
        m->credit = NULL;
        credit_return(c, m->credit_bytes);
    }
    if (m->reply_to != NULL) {
        actor *r = m->reply_to;
        m->reply_to = NULL;
        actor_unref(r);
    }
    message_release_memory(m);
}

void message_keep(message *m)
{
    runtime_forget_current_message(m);
}

void message_set_reply_to(message *m, actor *reply_to)
{
    if (m->reply_to != NULL)
        actor_unref(m->reply_to);
    m->reply_to = reply_to;
    if (reply_to != NULL)
        actor_ref(reply_to);
}

void message_pool_flush(void)
{
    for (int c = 0; c < MESSAGE_CLASS_COUNT; c++) {
        message *m = message_pool[c].head;
        while (m != NULL) {
            message *next = atomic_load_explicit(&m->next, memory_order_relaxed);
            free(m);
            m = next;
        }
        message_pool[c].head = NULL;
        message_pool[c].count = 0;
    }
    message_pool_on = false;
}
