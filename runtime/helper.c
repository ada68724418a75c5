/*
 * helper.c - helper threads for blocking library calls (helper.h).
 *
 * A plain mutex + condition variable FIFO: helper jobs are rare and slow by
 * nature, so simplicity wins. The job's answer travels back as a message to
 * the requesting actor, which keeps scheduler threads free of blocking calls.
 */
#include "runtime/helper.h"

#include "runtime/actor.h"
#include "runtime/errors.h"
#include "runtime/internal.h"

#include <pthread.h>
#include <stdlib.h>

typedef struct helper_job {
    helper_fn fn;
    message *msg;
    actor *reply_to; /* reference held */
    struct helper_job *next;
} helper_job;

struct helper_pool {
    runtime *rt;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    helper_job *head, *tail;
    int threads, busy;
    bool stopping;
    pthread_t *tids;
};

static void helper_finish(helper_job *j)
{
    if (actor_send(j->reply_to, j->msg) != 0)
        message_free(j->msg); /* the requester stopped meanwhile */
    actor_unref(j->reply_to);
    free(j);
}

static void *helper_main(void *arg)
{
    helper_pool *p = arg;
    pthread_mutex_lock(&p->lock);
    for (;;) {
        while (p->head == NULL && !p->stopping)
            pthread_cond_wait(&p->cond, &p->lock);
        if (p->head == NULL)
            break;
        helper_job *j = p->head;
        p->head = j->next;
        if (p->head == NULL)
            p->tail = NULL;
        p->busy++;
        pthread_mutex_unlock(&p->lock);
        j->fn(j->msg);
        helper_finish(j);
        pthread_mutex_lock(&p->lock);
        p->busy--;
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

int helper_pool_create(runtime *rt, int threads, helper_pool **out)
{
    helper_pool *p = calloc(1, sizeof *p);
    if (p == NULL)
        return SHOAL_ENOMEM;
    p->tids = calloc((size_t)threads, sizeof *p->tids);
    if (p->tids == NULL) {
        free(p);
        return SHOAL_ENOMEM;
    }
    p->rt = rt;
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->cond, NULL);
    for (; p->threads < threads; p->threads++) {
        if (pthread_create(&p->tids[p->threads], NULL, helper_main, p) != 0) {
            helper_pool_stop(p);
            helper_pool_destroy(p);
            return SHOAL_ESYSTEM;
        }
    }
    *out = p;
    return 0;
}

void helper_pool_stop(helper_pool *p)
{
    pthread_mutex_lock(&p->lock);
    p->stopping = true;
    helper_job *j = p->head;
    p->head = p->tail = NULL;
    pthread_cond_broadcast(&p->cond);
    pthread_mutex_unlock(&p->lock);
    for (int i = 0; i < p->threads; i++)
        pthread_join(p->tids[i], NULL);
    p->threads = 0;
    while (j != NULL) { /* never started: drop */
        helper_job *next = j->next;
        message_free(j->msg);
        actor_unref(j->reply_to);
        free(j);
        j = next;
    }
}

void helper_pool_destroy(helper_pool *p)
{
    pthread_mutex_destroy(&p->lock);
    pthread_cond_destroy(&p->cond);
    free(p->tids);
    free(p);
}

bool helper_pool_idle(helper_pool *p)
{
    pthread_mutex_lock(&p->lock);
    bool idle = p->head == NULL && p->busy == 0;
    pthread_mutex_unlock(&p->lock);
    return idle;
}

int helper_submit(runtime *rt, helper_fn fn, message *job, actor *reply_to)
{
    helper_pool *p = rt->helpers;
    if (p == NULL)
        return SHOAL_ESTATE;
    if (fn == NULL || job == NULL || reply_to == NULL)
        return SHOAL_EINVAL;
    helper_job *j = malloc(sizeof *j);
    if (j == NULL)
        return SHOAL_ENOMEM;
    j->fn = fn;
    j->msg = job;
    j->reply_to = reply_to;
    j->next = NULL;
    pthread_mutex_lock(&p->lock);
    if (p->stopping) {
        pthread_mutex_unlock(&p->lock);
        free(j);
        return SHOAL_ESHUTDOWN;
    }
    runtime_forget_current_message(job);
    actor_ref(reply_to);
    if (p->tail)
        p->tail->next = j;
    else
        p->head = j;
    p->tail = j;
    pthread_cond_signal(&p->cond);
    pthread_mutex_unlock(&p->lock);
    return 0;
}
