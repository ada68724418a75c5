/*
 * work_pool.h — the coordinator's helper threads: plain pthreads that run
 * the HTTP work which may block (long-polling a query with query_fetch,
 * starting a statement, waiting for a query's lock to cancel it). They are
 * not runtime scheduler threads and not nng's taskq threads, so blocking
 * here stalls neither the engine nor nng's I/O.
 *
 * The pool grows on demand: a submitted item that finds no idle thread
 * starts a new one, up to max_threads; after that items wait in FIFO order.
 * Threads that stay idle for a while exit (down to min_threads).
 */
#ifndef SHOAL_COORDINATOR_WORK_POOL_H
#define SHOAL_COORDINATOR_WORK_POOL_H

#include <stdbool.h>

typedef struct work_pool work_pool;

/* An item is owned by the caller (usually embedded in a request) and must
 * stay valid until its function has started. */
typedef struct work_item {
    struct work_item *next;
    void (*run)(void *arg);
    void *arg;
} work_item;

work_pool *work_pool_create(int min_threads, int max_threads);
/* Queues `item`; false once the pool is shutting down (item not run). */
bool work_pool_submit(work_pool *pool, work_item *item);
int work_pool_thread_count(work_pool *pool);
/* Runs the items already queued, refuses new ones, joins every thread and
 * frees the pool. */
void work_pool_destroy(work_pool *pool);

#endif
