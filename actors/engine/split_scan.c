/*
 * split_scan.c — the shared split queue and the operator that drains it.
 */
#include "split_scan.h"

#include <pthread.h>
#include <stdlib.h>

struct split_queue {
    pthread_mutex_t lock;
    connector *connector;
    const table_metadata *table;
    const scan_request *request;
    split_list splits;
    int next;
};

split_queue *split_queue_create(connector *c, const table_metadata *table,
                                const scan_request *request, split_list *splits)
{
    split_queue *q = calloc(1, sizeof *q);
    if (!q)
        return NULL;
    pthread_mutex_init(&q->lock, NULL);
    q->connector = c;
    q->table = table;
    q->request = request;
    q->splits = *splits;
    splits->items = NULL;
    splits->count = splits->capacity = 0;
    return q;
}

void split_queue_free(split_queue *q)
{
    if (!q)
        return;
    split_list_free(&q->splits);
    pthread_mutex_destroy(&q->lock);
    free(q);
}

static const split *split_queue_take(split_queue *q)
{
    pthread_mutex_lock(&q->lock);
    const split *s = q->next < q->splits.count ? &q->splits.items[q->next++] : NULL;
    pthread_mutex_unlock(&q->lock);
    return s;
}

typedef struct split_scan {
    operator header;
    split_queue *queue;
    page_source *source;
    bool finished;
    source_wait wait;
    bool blocked;
} split_scan;

static bool scan_needs_input(operator *op)
{
    (void)op;
    return false;
}

static bool scan_add_input(operator *op, page *p, shoal_error *error)
{
    (void)op;
    page_unref(p);
    return error_set(error, ERR_GENERIC_INTERNAL_ERROR, "A table scan takes no input");
}

static void close_source(split_scan *s)
{
    if (s->source) {
        s->header.stats.input_bytes += s->source->ops->completed_bytes
                                           ? s->source->ops->completed_bytes(s->source) : 0;
        s->source->ops->close(s->source);
        s->source = NULL;
    }
}

static bool scan_get_output(operator *op, page **out, shoal_error *error)
{
    split_scan *s = (split_scan *)op;
    *out = NULL;
    s->blocked = false;
    while (!s->finished) {
        if (!s->source) {
            const split *next = split_queue_take(s->queue);
            if (!next) {
                s->finished = true;
                return true;
            }
            split_queue *q = s->queue;
            s->source = q->connector->ops->open_page_source(q->connector, q->table, next, q->request, error);
            if (!s->source)
                return false;
        }
        switch (s->source->ops->next(s->source, out, &s->wait, error)) {
        case SOURCE_PAGE:
            s->header.stats.input_rows += (*out)->row_count;
            return true;
        case SOURCE_BLOCKED:
            s->blocked = true;
            return true;
        case SOURCE_FINISHED:
            close_source(s);
            break;
        case SOURCE_FAILED:
            return false;
        }
    }
    return true;
}

static void scan_finish(operator *op)
{
    (void)op;
}

static bool scan_is_finished(operator *op)
{
    return ((split_scan *)op)->finished;
}

static bool scan_is_blocked(operator *op, operator_wait *wait)
{
    split_scan *s = (split_scan *)op;
    if (!s->blocked)
        return false;
    /* reported once: after the wake-up, get_output asks the source again */
    s->blocked = false;
    wait->source = s->wait;
    return true;
}

static void scan_close(operator *op)
{
    split_scan *s = (split_scan *)op;
    close_source(s);
    free(s);
}

static const operator_ops split_scan_ops = {
    .name = "TableScan",
    .needs_input = scan_needs_input,
    .add_input = scan_add_input,
    .get_output = scan_get_output,
    .finish = scan_finish,
    .is_finished = scan_is_finished,
    .is_blocked = scan_is_blocked,
    .close = scan_close,
};

operator *split_scan_create(int plan_node_id, split_queue *q)
{
    split_scan *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    operator_init_header(&s->header, &split_scan_ops, plan_node_id);
    s->queue = q;
    return &s->header;
}
