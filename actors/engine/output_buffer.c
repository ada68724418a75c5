/*
 * output_buffer.c — the bounded result page queue and its sink operator.
 */
#include "output_buffer.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "runtime/clock.h"

typedef struct queued_page {
    struct queued_page *next;
    page *page;
    size_t bytes;
} queued_page;

struct output_buffer {
    pthread_mutex_t lock;
    pthread_cond_t changed;
    queued_page *head, *tail;
    size_t bytes;
    size_t max_bytes;
    int producers_left;
    bool aborted;
    uint64_t rows;
    /* Producers wait on `space` while the buffer is full; it is set when
     * the consumer frees space and then retired (kept until the buffer is
     * freed, because a producer may still hold it). */
    operator_event *space;
    operator_event_pool retired;
    int refcount;             /* the execution and each sink */
};

output_buffer *output_buffer_create(size_t max_bytes, int producer_count)
{
    output_buffer *b = calloc(1, sizeof *b);
    if (!b)
        return NULL;
    pthread_mutex_init(&b->lock, NULL);
    pthread_cond_init(&b->changed, NULL);
    b->max_bytes = max_bytes;
    b->producers_left = producer_count;
    b->refcount = 1;
    return b;
}

static void output_buffer_release(output_buffer *b)
{
    pthread_mutex_lock(&b->lock);
    int left = --b->refcount;
    pthread_mutex_unlock(&b->lock);
    if (left > 0)
        return;
    while (b->head) {
        queued_page *q = b->head;
        b->head = q->next;
        page_unref(q->page);
        free(q);
    }
    operator_event_pool_destroy(&b->retired);
    pthread_cond_destroy(&b->changed);
    pthread_mutex_destroy(&b->lock);
    free(b);
}

void output_buffer_free(output_buffer *b)
{
    if (b)
        output_buffer_release(b);
}

/* Called with the lock held: the event producers wait on, to set once the
 * lock is released. */
static operator_event *take_space_event(output_buffer *b)
{
    operator_event *e = b->space;
    b->space = NULL;
    return e;
}

static void release_space_event(operator_event *e)
{
    if (e)
        operator_event_set(e);
}

output_poll_status output_buffer_poll(output_buffer *b, page **out, int timeout_ms)
{
    struct timespec deadline = clock_realtime_after_ms(timeout_ms);
    pthread_mutex_lock(&b->lock);
    for (;;) {
        if (b->aborted) {
            pthread_mutex_unlock(&b->lock);
            return OUTPUT_ABORTED;
        }
        if (b->head) {
            queued_page *q = b->head;
            b->head = q->next;
            if (!b->head)
                b->tail = NULL;
            b->bytes -= q->bytes;
            operator_event *space = take_space_event(b);
            pthread_mutex_unlock(&b->lock);
            release_space_event(space);
            *out = q->page;
            free(q);
            return OUTPUT_PAGE;
        }
        if (b->producers_left == 0) {
            pthread_mutex_unlock(&b->lock);
            return OUTPUT_FINISHED;
        }
        if (pthread_cond_timedwait(&b->changed, &b->lock, &deadline) == ETIMEDOUT) {
            pthread_mutex_unlock(&b->lock);
            return OUTPUT_EMPTY;
        }
    }
}

void output_buffer_abort(output_buffer *b)
{
    pthread_mutex_lock(&b->lock);
    b->aborted = true;
    operator_event *space = take_space_event(b);
    pthread_cond_broadcast(&b->changed);
    pthread_mutex_unlock(&b->lock);
    release_space_event(space);
}

uint64_t output_buffer_rows(output_buffer *b)
{
    pthread_mutex_lock(&b->lock);
    uint64_t rows = b->rows;
    pthread_mutex_unlock(&b->lock);
    return rows;
}

static bool output_buffer_add(output_buffer *b, page *p)
{
    queued_page *q = malloc(sizeof *q);
    if (!q) {
        page_unref(p);
        return false;
    }
    q->page = p;
    q->bytes = page_retained_bytes(p);
    q->next = NULL;
    pthread_mutex_lock(&b->lock);
    if (b->aborted) {
        pthread_mutex_unlock(&b->lock);
        page_unref(p);
        free(q);
        return true;
    }
    if (b->tail)
        b->tail->next = q;
    else
        b->head = q;
    b->tail = q;
    b->bytes += q->bytes;
    b->rows += p->row_count;
    pthread_cond_broadcast(&b->changed);
    pthread_mutex_unlock(&b->lock);
    return true;
}

/* The event a producer waits on while the buffer is full; NULL when not full. */
static operator_event *output_buffer_full_event(output_buffer *b)
{
    pthread_mutex_lock(&b->lock);
    operator_event *e = NULL;
    if (!b->aborted && b->bytes >= b->max_bytes)
        e = operator_event_pool_arm(&b->retired, &b->space);
    pthread_mutex_unlock(&b->lock);
    return e;
}

static void output_buffer_producer_done(output_buffer *b)
{
    pthread_mutex_lock(&b->lock);
    b->producers_left--;
    pthread_cond_broadcast(&b->changed);
    pthread_mutex_unlock(&b->lock);
}

/* ---- the sink operator ---------------------------------------------------- */

typedef struct output_sink {
    operator header;
    output_buffer *buffer;
    bool finished;
} output_sink;

static bool sink_needs_input(operator *op)
{
    output_sink *s = (output_sink *)op;
    return !s->finished;
}

static bool sink_add_input(operator *op, page *p, shoal_error *error)
{
    output_sink *s = (output_sink *)op;
    if (!output_buffer_add(s->buffer, p))
        return error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
    return true;
}

static bool sink_get_output(operator *op, page **out, shoal_error *error)
{
    (void)op;
    (void)error;
    *out = NULL;
    return true;
}

static void sink_finish(operator *op)
{
    output_sink *s = (output_sink *)op;
    if (!s->finished) {
        s->finished = true;
        output_buffer_producer_done(s->buffer);
    }
}

static bool sink_is_finished(operator *op)
{
    return ((output_sink *)op)->finished;
}

static bool sink_is_blocked(operator *op, operator_wait *wait)
{
    output_sink *s = (output_sink *)op;
    if (s->finished)
        return false;
    wait->event = output_buffer_full_event(s->buffer);
    return wait->event != NULL;
}

static void sink_close(operator *op)
{
    output_sink *s = (output_sink *)op;
    if (!s->finished)
        output_buffer_producer_done(s->buffer);
    output_buffer_release(s->buffer);
    free(s);
}

static const operator_ops output_sink_ops = {
    .name = "TaskOutput",
    .needs_input = sink_needs_input,
    .add_input = sink_add_input,
    .get_output = sink_get_output,
    .finish = sink_finish,
    .is_finished = sink_is_finished,
    .is_blocked = sink_is_blocked,
    .close = sink_close,
};

operator *output_sink_create(int plan_node_id, output_buffer *b)
{
    output_sink *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    operator_init_header(&s->header, &output_sink_ops, plan_node_id);
    pthread_mutex_lock(&b->lock);
    b->refcount++;
    pthread_mutex_unlock(&b->lock);
    s->buffer = b;
    return &s->header;
}
