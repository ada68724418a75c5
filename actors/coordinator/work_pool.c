/*
 * work_pool.c — a growable pool of helper pthreads with one FIFO queue
 * guarded by a mutex (requests are coarse: one item per HTTP request).
 */
#include "work_pool.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

enum { WORK_POOL_IDLE_EXIT_SECONDS = 30 };

struct work_pool {
    pthread_mutex_t lock;
    pthread_cond_t work_ready;
    pthread_cond_t thread_exited;
    work_item *head;
    work_item *tail;
    int min_threads;
    int max_threads;
    int threads;          /* alive (running or idle) */
    int idle;             /* waiting for work */
    bool stopping;
};

static work_item *take_locked(work_pool *pool)
{
    work_item *item = pool->head;
    if (item) {
        pool->head = item->next;
        if (!pool->head)
            pool->tail = NULL;
        item->next = NULL;
    }
    return item;
}

static void *work_pool_thread(void *arg)
{
    work_pool *pool = arg;
    pthread_mutex_lock(&pool->lock);
    for (;;) {
        work_item *item = take_locked(pool);
        if (item) {
            pthread_mutex_unlock(&pool->lock);
            item->run(item->arg);
            pthread_mutex_lock(&pool->lock);
            continue;
        }
        if (pool->stopping)
            break;
        struct timespec deadline;
        clock_gettime(CLOCK_REALTIME, &deadline);
        deadline.tv_sec += WORK_POOL_IDLE_EXIT_SECONDS;
        pool->idle++;
        int rc = pthread_cond_timedwait(&pool->work_ready, &pool->lock, &deadline);
        pool->idle--;
        if (rc == ETIMEDOUT && !pool->head && pool->threads > pool->min_threads)
            break;
    }
    pool->threads--;
    pthread_cond_broadcast(&pool->thread_exited);
    pthread_mutex_unlock(&pool->lock);
    return NULL;
}

/* Starts one detached thread; the caller holds the lock. */
static bool spawn_locked(work_pool *pool)
{
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&attr, 8u << 20); /* the parser and planner recurse */
    pthread_t thread;
    bool ok = pthread_create(&thread, &attr, work_pool_thread, pool) == 0;
    pthread_attr_destroy(&attr);
    if (ok)
        pool->threads++;
    return ok;
}

work_pool *work_pool_create(int min_threads, int max_threads)
{
    work_pool *pool = calloc(1, sizeof *pool);
    if (!pool)
        return NULL;
    if (max_threads < 1)
        max_threads = 1;
    if (min_threads > max_threads)
        min_threads = max_threads;
    pool->min_threads = min_threads;
    pool->max_threads = max_threads;
    pthread_mutex_init(&pool->lock, NULL);
    pthread_cond_init(&pool->work_ready, NULL);
    pthread_cond_init(&pool->thread_exited, NULL);
    pthread_mutex_lock(&pool->lock);
    for (int i = 0; i < min_threads; i++)
        spawn_locked(pool);
    pthread_mutex_unlock(&pool->lock);
    return pool;
}

bool work_pool_submit(work_pool *pool, work_item *item)
{
    item->next = NULL;
    pthread_mutex_lock(&pool->lock);
    if (pool->stopping) {
        pthread_mutex_unlock(&pool->lock);
        return false;
    }
    if (pool->tail)
        pool->tail->next = item;
    else
        pool->head = item;
    pool->tail = item;
    /* Every queued item beyond the idle threads wants a thread of its own:
     * items block for up to a second, so queueing behind them adds latency. */
    int queued = 0;
    for (work_item *i = pool->head; i; i = i->next)
        if (++queued > pool->idle)
            break;
    if (queued > pool->idle && pool->threads < pool->max_threads)
        spawn_locked(pool);
    pthread_cond_signal(&pool->work_ready);
    pthread_mutex_unlock(&pool->lock);
    return true;
}

int work_pool_thread_count(work_pool *pool)
{
    pthread_mutex_lock(&pool->lock);
    int n = pool->threads;
    pthread_mutex_unlock(&pool->lock);
    return n;
}

void work_pool_destroy(work_pool *pool)
{
    if (!pool)
        return;
    pthread_mutex_lock(&pool->lock);
    pool->stopping = true;
    if (pool->head && pool->threads == 0)
        spawn_locked(pool);
    pthread_cond_broadcast(&pool->work_ready);
    while (pool->threads > 0)
        pthread_cond_wait(&pool->thread_exited, &pool->lock);
    pthread_mutex_unlock(&pool->lock);
    pthread_cond_destroy(&pool->thread_exited);
    pthread_cond_destroy(&pool->work_ready);
    pthread_mutex_destroy(&pool->lock);
    free(pool);
}
