/*
 * split_scan.c — the shared split queue and the operator that drains it.
 */
#include "split_scan.h"

#include <pthread.h>
#include <stdlib.h>

#include "operators/op_table_scan.h"

struct split_queue {
    pthread_mutex_t lock;
    connector *connector;
    const table_metadata *table;
    const scan_request *request;
    split_list splits;
    int next;
    int completed;             /* splits read to the end (or closed), under lock */
    int64_t rows;              /* read by completed splits, under lock */
    int64_t bytes;
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

void split_queue_add_progress(split_queue *q, split_progress *out)
{
    pthread_mutex_lock(&q->lock);
    out->total += q->splits.count;
    out->queued += q->splits.count - q->next;
    out->running += q->next - q->completed;
    out->completed += q->completed;
    out->rows += q->rows;
    out->bytes += q->bytes;
    pthread_mutex_unlock(&q->lock);
}

static void split_queue_completed(split_queue *q, const operator *scan)
{
    pthread_mutex_lock(&q->lock);
    q->completed++;
    q->rows += (int64_t)scan->stats.input_rows;
    q->bytes += (int64_t)scan->stats.input_bytes;
    pthread_mutex_unlock(&q->lock);
}

static const split *split_queue_take(split_queue *q)
{
    pthread_mutex_lock(&q->lock);
    const split *s = q->next < q->splits.count ? &q->splits.items[q->next++] : NULL;
    pthread_mutex_unlock(&q->lock);
    return s;
}

/* Drains the queue one split at a time: each split is read by the
 * operators' table scan over that split's page source. */
typedef struct split_scan {
    operator header;
    split_queue *queue;
    operator *current;         /* the table scan of the split being read */
    scan_dynamic_filters *filters;
    bool finished;
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

static void close_current(split_scan *s)
{
    if (!s->current)
        return;
    s->header.stats.input_rows += s->current->stats.input_rows;
    s->header.stats.input_bytes += s->current->stats.input_bytes;
    split_queue_completed(s->queue, s->current);
    s->current->ops->close(s->current);
    s->current = NULL;
}

static bool scan_get_output(operator *op, page **out, shoal_error *error)
{
    split_scan *s = (split_scan *)op;
    *out = NULL;
    while (!s->finished) {
        if (!s->current) {
            const split *next = split_queue_take(s->queue);
            if (!next) {
                s->finished = true;
                return true;
            }
            split_queue *q = s->queue;
            const scan_request *request = s->filters ? scan_dynamic_filters_request(s->filters, q->request) : q->request;
            page_source *source = q->connector->ops->open_page_source(q->connector, q->table, next, request, error);
            if (!source)
                return false;
            s->current = table_scan_create(op->plan_node_id, source);
            if (!s->current) {
                source->ops->close(source);
                return error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
            }
        }
        if (!s->current->ops->get_output(s->current, out, error))
            return false;
        if (*out && s->filters) {
            *out = scan_dynamic_filters_apply(s->filters, *out, error);
            if (!*out && error_is_set(error))
                return false;
            if (!*out)
                continue; /* no row of the page can join */
        }
        if (*out || !s->current->ops->is_finished(s->current))
            return true; /* a page, or the source is blocked */
        close_current(s);
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
    return s->current && s->current->ops->is_blocked(s->current, wait);
}

static void scan_close(operator *op)
{
    split_scan *s = (split_scan *)op;
    close_current(s);
    scan_dynamic_filters_free(s->filters);
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

bool split_scan_is(const operator *op)
{
    return op->ops == &split_scan_ops;
}

operator *split_scan_create(int plan_node_id, split_queue *q, scan_dynamic_filters *filters)
{
    split_scan *s = calloc(1, sizeof *s);
    if (!s) {
        scan_dynamic_filters_free(filters);
        return NULL;
    }
    operator_init_header(&s->header, &split_scan_ops, plan_node_id);
    s->queue = q;
    s->filters = filters;
    return &s->header;
}
