/*
 * local_exchange.c — per-consumer page queues under one mutex, byte
 * accounting, one-shot events for "not full" and "not empty", and the sink
 * and source operators.
 */
#include "local_exchange.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "operators/hash_table.h"
#include "operators/op_memory.h"
#include "operators/page_builder.h"

enum { DEFAULT_MAX_BYTES = 32 << 20 };

typedef struct queued_page {
    struct queued_page *next;
    page *page;
    uint64_t bytes;
} queued_page;

typedef struct consumer_queue {
    queued_page *head, *tail;
    operator_event *not_empty;         /* armed while someone may wait */
} consumer_queue;

struct local_exchange {
    atomic_int refcount;
    pthread_mutex_t lock;
    local_exchange_mode mode;
    int consumer_count;
    int key_count;
    int *key_channels;
    uint64_t max_bytes;
    uint64_t buffered_bytes;
    int producers_left;
    uint64_t next_consumer;            /* round robin */
    consumer_queue *queues;
    operator_event *not_full;          /* armed while some sink may wait */
    operator_event_pool events;        /* every event made, freed at destroy */
    op_memory reported;                /* buffered bytes as last reported by any sink: the
                                          sinks share it, so the query counts them once */
};

/* ---- the exchange -------------------------------------------------------------- */

local_exchange *local_exchange_create(const local_exchange_config *config, shoal_error *error)
{
    if (config->consumer_count < 1 || config->producer_count < 1 ||
        (config->mode == LOCAL_EXCHANGE_GATHER && config->consumer_count != 1) ||
        (config->mode == LOCAL_EXCHANGE_REPARTITION && (config->key_count < 1 || config->key_count > 64))) {
        error_set(error, ERR_GENERIC_INTERNAL_ERROR, "Bad local exchange configuration");
        return NULL;
    }
    local_exchange *x = calloc(1, sizeof *x);
    if (!x)
        goto oom;
    atomic_init(&x->refcount, 1);
    pthread_mutex_init(&x->lock, NULL);
    x->mode = config->mode;
    x->consumer_count = config->consumer_count;
    x->producers_left = config->producer_count;
    x->max_bytes = config->max_buffered_bytes ? config->max_buffered_bytes : DEFAULT_MAX_BYTES;
    x->queues = calloc((size_t)x->consumer_count, sizeof *x->queues);
    x->key_count = config->mode == LOCAL_EXCHANGE_REPARTITION ? config->key_count : 0;
    x->key_channels = malloc(sizeof(int) * (size_t)(x->key_count + 1));
    if (!x->queues || !x->key_channels) {
        local_exchange_unref(x);
        goto oom;
    }
    if (x->key_count > 0)
        memcpy(x->key_channels, config->key_channels, sizeof(int) * (size_t)x->key_count);
    return x;
oom:
    error_set(error, ERR_EXCEEDED_LOCAL_MEMORY_LIMIT, "Out of memory creating a local exchange");
    return NULL;
}

local_exchange *local_exchange_ref(local_exchange *x)
{
    atomic_fetch_add_explicit(&x->refcount, 1, memory_order_relaxed);
    return x;
}

void local_exchange_unref(local_exchange *x)
{
    if (!x || atomic_fetch_sub_explicit(&x->refcount, 1, memory_order_acq_rel) != 1)
        return;
    if (x->queues) {
        for (int c = 0; c < x->consumer_count; c++) {
            queued_page *q = x->queues[c].head;
            while (q) {
                queued_page *next = q->next;
                page_unref(q->page);
                free(q);
                q = next;
            }
        }
    }
    operator_event_pool_destroy(&x->events);
    free(x->queues);
    free(x->key_channels);
    pthread_mutex_destroy(&x->lock);
    free(x);
}

uint64_t local_exchange_buffered_bytes(local_exchange *x)
{
    pthread_mutex_lock(&x->lock);
    uint64_t bytes = x->buffered_bytes;
    pthread_mutex_unlock(&x->lock);
    return bytes;
}

/* Under the lock; returns the event to set after unlocking (or NULL). */
static operator_event *enqueue(local_exchange *x, int consumer, page *p, bool *ok)
{
    queued_page *q = malloc(sizeof *q);
    if (!q) {
        page_unref(p);
        *ok = false;
        return NULL;
    }
    q->next = NULL;
    q->page = p;
    q->bytes = page_retained_bytes(p);
    consumer_queue *queue = &x->queues[consumer];
    if (queue->tail)
        queue->tail->next = q;
    else
        queue->head = q;
    queue->tail = q;
    x->buffered_bytes += q->bytes;
    operator_event *wake = queue->not_empty;
    queue->not_empty = NULL;
    return wake;
}

static bool exchange_add(local_exchange *x, page *p, uint32_t *partition_rows, uint64_t *hashes,
                         shoal_error *error)
{
    operator_event *wake[64];
    int wake_count = 0;
    operator_event **wake_list = wake;
    operator_event **heap_list = NULL;
    if (x->consumer_count > 64) {
        heap_list = calloc((size_t)x->consumer_count, sizeof *heap_list);
        if (!heap_list) {
            page_unref(p);
            return error_set(error, ERR_EXCEEDED_LOCAL_MEMORY_LIMIT, "Out of memory in LocalExchange");
        }
        wake_list = heap_list;
    }
    page **parts = NULL;
    if (x->mode == LOCAL_EXCHANGE_REPARTITION) {
        /* partition outside the lock */
        parts = calloc((size_t)x->consumer_count, sizeof *parts);
        uint32_t *counts = calloc((size_t)x->consumer_count + 1, sizeof *counts);
        bool ok = parts && counts;
        if (ok) {
            for (int k = 0; k < x->key_count; k++)
                hash_vector(&p->columns[x->key_channels[k]], NULL, p->row_count, hashes, k > 0);
            uint32_t *partition = partition_rows + VECTOR_SIZE;
            for (uint32_t i = 0; i < p->row_count; i++) {
                partition[i] = (uint32_t)((((hashes[i] >> 16) & 0xffffffffu) *
                                           (uint64_t)x->consumer_count) >> 32);
                counts[partition[i] + 1]++;
            }
            for (int c = 0; c < x->consumer_count; c++)
                counts[c + 1] += counts[c];
            uint32_t *offsets = calloc((size_t)x->consumer_count, sizeof *offsets);
            ok = offsets != NULL;
            if (ok) {
                memcpy(offsets, counts, sizeof *offsets * (size_t)x->consumer_count);
                for (uint32_t i = 0; i < p->row_count; i++)
                    partition_rows[offsets[partition[i]]++] = i;
                for (int c = 0; ok && c < x->consumer_count; c++) {
                    uint32_t n = counts[c + 1] - counts[c];
                    if (n == p->row_count)
                        parts[c] = page_ref(p);
                    else if (n > 0)
                        ok = (parts[c] = page_select(p, partition_rows + counts[c], n)) != NULL;
                }
            }
            free(offsets);
        }
        free(counts);
        page_unref(p);
        if (!ok) {
            if (parts)
                for (int c = 0; c < x->consumer_count; c++)
                    page_unref(parts[c]);
            free(parts);
            free(heap_list);
            return error_set(error, ERR_EXCEEDED_LOCAL_MEMORY_LIMIT, "Out of memory in LocalExchange");
        }
    }
    bool ok = true;
    pthread_mutex_lock(&x->lock);
    switch (x->mode) {
    case LOCAL_EXCHANGE_GATHER:
        wake_list[wake_count] = enqueue(x, 0, p, &ok);
        wake_count += wake_list[wake_count] != NULL;
        break;
    case LOCAL_EXCHANGE_ROUND_ROBIN: {
        int c = (int)(x->next_consumer++ % (uint64_t)x->consumer_count);
        wake_list[wake_count] = enqueue(x, c, p, &ok);
        wake_count += wake_list[wake_count] != NULL;
        break;
    }
    case LOCAL_EXCHANGE_BROADCAST:
        for (int c = 0; c < x->consumer_count; c++) {
            wake_list[wake_count] = enqueue(x, c, c + 1 < x->consumer_count ? page_ref(p) : p, &ok);
            wake_count += wake_list[wake_count] != NULL;
        }
        break;
    case LOCAL_EXCHANGE_REPARTITION:
        for (int c = 0; c < x->consumer_count; c++) {
            if (!parts[c])
                continue;
            wake_list[wake_count] = enqueue(x, c, parts[c], &ok);
            wake_count += wake_list[wake_count] != NULL;
        }
        break;
    }
    pthread_mutex_unlock(&x->lock);
    for (int i = 0; i < wake_count; i++)
        operator_event_set(wake_list[i]);
    free(parts);
    free(heap_list);
    if (!ok)
        return error_set(error, ERR_EXCEEDED_LOCAL_MEMORY_LIMIT, "Out of memory in LocalExchange");
    return true;
}

static void exchange_producer_done(local_exchange *x)
{
    operator_event *wake[64];
    operator_event **list = wake;
    operator_event **heap_list = NULL;
    if (x->consumer_count > 64) {
        heap_list = calloc((size_t)x->consumer_count, sizeof *heap_list);
        list = heap_list;
    }
    int count = 0;
    pthread_mutex_lock(&x->lock);
    if (--x->producers_left == 0) {
        for (int c = 0; c < x->consumer_count; c++) {
            operator_event *e = x->queues[c].not_empty;
            x->queues[c].not_empty = NULL;
            if (e && list)
                list[count++] = e;
        }
    }
    pthread_mutex_unlock(&x->lock);
    for (int i = 0; i < count; i++)
        operator_event_set(list[i]);
    free(heap_list);
}

/* ---- the sink --------------------------------------------------------------------- */

typedef struct exchange_sink_operator {
    operator base;
    local_exchange *exchange;
    bool finished;
    uint64_t hashes[VECTOR_SIZE];
    uint32_t partition_rows[VECTOR_SIZE * 2];
} exchange_sink_operator;

static bool sink_needs_input(operator *op)
{
    return !((exchange_sink_operator *)op)->finished;
}

static bool sink_add_input(operator *op, page *p, shoal_error *error)
{
    exchange_sink_operator *s = (exchange_sink_operator *)op;
    op->stats.input_bytes += page_retained_bytes(p);
    bool ok = exchange_add(s->exchange, p, s->partition_rows, s->hashes, error);
    local_exchange *x = s->exchange;
    pthread_mutex_lock(&x->lock);
    op_memory_set(op, &x->reported, x->buffered_bytes);
    pthread_mutex_unlock(&x->lock);
    return ok;
}

static bool sink_get_output(operator *op, page **out, shoal_error *error)
{
    (void)op, (void)error;
    *out = NULL;
    return true;
}

static void sink_finish(operator *op)
{
    exchange_sink_operator *s = (exchange_sink_operator *)op;
    if (s->finished)
        return;
    s->finished = true;
    exchange_producer_done(s->exchange);
}

static bool sink_is_finished(operator *op)
{
    return ((exchange_sink_operator *)op)->finished;
}

static bool sink_is_blocked(operator *op, operator_wait *wait)
{
    exchange_sink_operator *s = (exchange_sink_operator *)op;
    local_exchange *x = s->exchange;
    if (s->finished)
        return false;
    bool blocked = false;
    pthread_mutex_lock(&x->lock);
    if (x->buffered_bytes >= x->max_bytes) {
        wait->event = operator_event_pool_arm(&x->events, &x->not_full);
        blocked = wait->event != NULL;
    }
    pthread_mutex_unlock(&x->lock);
    return blocked;
}

static void sink_close(operator *op)
{
    exchange_sink_operator *s = (exchange_sink_operator *)op;
    sink_finish(op);
    local_exchange_unref(s->exchange);
    free(s);
}

static const operator_ops sink_ops = {
    .name = "LocalExchangeSink",
    .needs_input = sink_needs_input,
    .add_input = sink_add_input,
    .get_output = sink_get_output,
    .finish = sink_finish,
    .is_finished = sink_is_finished,
    .is_blocked = sink_is_blocked,
    .close = sink_close,
};

operator *local_exchange_sink_create(int plan_node_id, local_exchange *x)
{
    exchange_sink_operator *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    operator_init_header(&s->base, &sink_ops, plan_node_id);
    s->exchange = local_exchange_ref(x);
    return &s->base;
}

/* ---- the source -------------------------------------------------------------------- */

typedef struct exchange_source_operator {
    operator base;
    local_exchange *exchange;
    int consumer;
    bool finished;
} exchange_source_operator;

static bool source_needs_input(operator *op)
{
    (void)op;
    return false;
}

static bool source_add_input(operator *op, page *p, shoal_error *error)
{
    (void)op;
    page_unref(p);
    return error_set(error, ERR_GENERIC_INTERNAL_ERROR, "LocalExchangeSource takes no input");
}

static bool source_get_output(operator *op, page **out, shoal_error *error)
{
    (void)error;
    exchange_source_operator *s = (exchange_source_operator *)op;
    local_exchange *x = s->exchange;
    *out = NULL;
    operator_event *wake = NULL;
    pthread_mutex_lock(&x->lock);
    consumer_queue *queue = &x->queues[s->consumer];
    queued_page *q = queue->head;
    if (q) {
        queue->head = q->next;
        if (!queue->head)
            queue->tail = NULL;
        x->buffered_bytes -= q->bytes;
        if (x->buffered_bytes < x->max_bytes && x->not_full) {
            wake = x->not_full;
            x->not_full = NULL;
        }
    } else if (x->producers_left == 0) {
        s->finished = true;
    }
    pthread_mutex_unlock(&x->lock);
    if (wake)
        operator_event_set(wake);
    if (q) {
        *out = q->page;
        op->stats.input_rows += q->page->row_count;
        op->stats.input_bytes += q->bytes;
        free(q);
    }
    return true;
}

static void source_finish(operator *op)
{
    ((exchange_source_operator *)op)->finished = true;
}

static bool source_is_finished(operator *op)
{
    exchange_source_operator *s = (exchange_source_operator *)op;
    if (s->finished)
        return true;
    local_exchange *x = s->exchange;
    pthread_mutex_lock(&x->lock);
    bool done = x->producers_left == 0 && !x->queues[s->consumer].head;
    pthread_mutex_unlock(&x->lock);
    if (done)
        s->finished = true;
    return done;
}

static bool source_is_blocked(operator *op, operator_wait *wait)
{
    exchange_source_operator *s = (exchange_source_operator *)op;
    local_exchange *x = s->exchange;
    if (s->finished)
        return false;
    bool blocked = false;
    pthread_mutex_lock(&x->lock);
    consumer_queue *queue = &x->queues[s->consumer];
    if (!queue->head && x->producers_left > 0) {
        wait->event = operator_event_pool_arm(&x->events, &queue->not_empty);
        blocked = wait->event != NULL;
    }
    pthread_mutex_unlock(&x->lock);
    return blocked;
}

static void source_close(operator *op)
{
    exchange_source_operator *s = (exchange_source_operator *)op;
    local_exchange_unref(s->exchange);
    free(s);
}

static const operator_ops source_ops = {
    .name = "LocalExchangeSource",
    .needs_input = source_needs_input,
    .add_input = source_add_input,
    .get_output = source_get_output,
    .finish = source_finish,
    .is_finished = source_is_finished,
    .is_blocked = source_is_blocked,
    .close = source_close,
};

operator *local_exchange_source_create(int plan_node_id, local_exchange *x, int consumer)
{
    if (consumer < 0 || consumer >= x->consumer_count)
        return NULL;
    exchange_source_operator *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    operator_init_header(&s->base, &source_ops, plan_node_id);
    s->exchange = local_exchange_ref(x);
    s->consumer = consumer;
    return &s->base;
}
