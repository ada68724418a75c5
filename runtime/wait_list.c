/*
 * wait_list.c - registration and wake-up of waiting actors (see wait_list.h).
 *
 * Each registration holds a reference on its actor, dropped when it is woken
 * or removed, so a waker never touches freed memory. The node itself lives
 * in the task and is only touched under the list lock.
 */
#include "runtime/wait_list.h"

#include "runtime/actor.h"
#include "runtime/errors.h"

#include <stddef.h>

void wait_list_init(wait_list *l)
{
    pthread_mutex_init(&l->lock, NULL);
    l->head = l->tail = NULL;
    atomic_store_explicit(&l->count, 0, memory_order_relaxed);
}

void wait_list_fini(wait_list *l)
{
    wait_list_wake_all(l);
    pthread_mutex_destroy(&l->lock);
}

int wait_list_add(wait_list *l, task *t, wait_kind kind, void *object)
{
    actor *self = actor_self();
    if (self == NULL)
        return SHOAL_ESTATE;
    wait_node *n = &t->waiter;
    pthread_mutex_lock(&l->lock);
    if (n->list == l) { /* already registered here: keep the one reference */
        pthread_mutex_unlock(&l->lock);
        t->waiting_on = kind;
        t->wait_object = object;
        return 0;
    }
    actor_ref(self);
    n->actor = self;
    n->list = l;
    n->next = NULL;
    n->prev = l->tail;
    if (l->tail)
        l->tail->next = n;
    else
        l->head = n;
    l->tail = n;
    atomic_fetch_add_explicit(&l->count, 1, memory_order_seq_cst);
    pthread_mutex_unlock(&l->lock);
    t->waiting_on = kind;
    t->wait_object = object;
    return 0;
}

static void wait_list_unlink_locked(wait_list *l, wait_node *n)
{
    if (n->prev)
        n->prev->next = n->next;
    else
        l->head = n->next;
    if (n->next)
        n->next->prev = n->prev;
    else
        l->tail = n->prev;
    n->prev = n->next = NULL;
    n->list = NULL;
    atomic_fetch_sub_explicit(&l->count, 1, memory_order_seq_cst);
}

bool wait_list_remove(wait_list *l, wait_node *n)
{
    actor *a = NULL;
    pthread_mutex_lock(&l->lock);
    if (n->list == l) {
        a = n->actor;
        n->actor = NULL;
        wait_list_unlink_locked(l, n);
    }
    pthread_mutex_unlock(&l->lock);
    if (a != NULL)
        actor_unref(a);
    return a != NULL;
}

int wait_list_wake_all(wait_list *l)
{
    if (!wait_list_has_waiters(l))
        return 0;
    int woken = 0;
    for (;;) {
        pthread_mutex_lock(&l->lock);
        wait_node *n = l->head;
        actor *a = NULL;
        if (n != NULL) {
            a = n->actor;
            n->actor = NULL;
            wait_list_unlink_locked(l, n);
        }
        pthread_mutex_unlock(&l->lock);
        if (a == NULL)
            return woken;
        actor_wake(a);
        actor_unref(a);
        woken++;
    }
}
