/*
 * split_scan.c — the shared split queue and the operator that drains it.
 * A queue is either complete at creation (single node) or open: a worker's
 * task gets its splits from the coordinator in batches, and drivers that find
 * it empty wait on an event until more arrive or no more will.
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
    bool no_more;              /* false: the coordinator may still add splits */
    operator_event *arrived;   /* armed while a driver waits on an empty open queue */
    operator_event_pool events; /* every event made, freed with the queue */
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
    q->no_more = true;
    return q;
}

split_queue *split_queue_create_open(connector *c, const table_metadata *table, const scan_request *request)
{
    split_list none = {0};
    split_queue *q = split_queue_create(c, table, request, &none);
    if (q)
        q->no_more = false;
    return q;
}

/* Called with the lock held: the event to set once it is released. */
static operator_event *take_arrived(split_queue *q)
{
    operator_event *e = q->arrived;
    q->arrived = NULL;
    return e;
}

bool split_queue_add(split_queue *q, const void *bytes, size_t size, const char *description)
{
    pthread_mutex_lock(&q->lock);
    bool ok = !q->no_more && split_list_add(&q->splits, bytes, size, description);
    operator_event *wake = ok ? take_arrived(q) : NULL;
    pthread_mutex_unlock(&q->lock);
    if (wake)
        operator_event_set(wake);
    return ok;
}

void split_queue_no_more(split_queue *q)
{
    pthread_mutex_lock(&q->lock);
    q->no_more = true;
    operator_event *wake = take_arrived(q);
    pthread_mutex_unlock(&q->lock);
    if (wake)
        operator_event_set(wake);
}

int split_queue_pending(split_queue *q)
{
    pthread_mutex_lock(&q->lock);
    int n = q->splits.count - q->next;
    pthread_mutex_unlock(&q->lock);
    return n;
}

void split_queue_free(split_queue *q)
{
    if (!q)
        return;
    operator_event_pool_destroy(&q->events);
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

/* The next split, or NULL; *wait is set when the queue is empty but open.
 * The split is copied: an open queue's array grows (and moves). */
static bool split_queue_take(split_queue *q, split *out, bool *wait)
{
    pthread_mutex_lock(&q->lock);
    bool got = q->next < q->splits.count;
    if (got)
        *out = q->splits.items[q->next++];
    *wait = !got && !q->no_more;
    pthread_mutex_unlock(&q->lock);
    return got;
}

/* The event a driver waits on while the open queue is empty; NULL when
 * there is no need to wait (a split arrived or no more will). */
static operator_event *split_queue_wait_event(split_queue *q)
{
    pthread_mutex_lock(&q->lock);
    operator_event *e = NULL;
    if (q->next >= q->splits.count && !q->no_more)
        e = operator_event_pool_arm(&q->events, &q->arrived);
    pthread_mutex_unlock(&q->lock);
    return e;
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
            split next;
            bool wait;
            if (!split_queue_take(s->queue, &next, &wait)) {
                s->finished = !wait;
                return true;
            }
            split_queue *q = s->queue;
            const scan_request *request = s->filters ? scan_dynamic_filters_request(s->filters, q->request) : q->request;
            page_source *source = q->connector->ops->open_page_source(q->connector, q->table, &next, request, error);
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
    if (s->current)
        return s->current->ops->is_blocked(s->current, wait);
    if (s->finished)
        return false;
    wait->event = split_queue_wait_event(s->queue);
    return wait->event != NULL;
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
