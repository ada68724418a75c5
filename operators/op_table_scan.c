/*
 * op_table_scan.c — a page source as an operator. A BLOCKED answer from the
 * source is reported once through is_blocked (edge-triggered): the pipeline
 * parks on the fd/timer and the next turn asks the source again.
 */
#include "op_table_scan.h"

#include <stdlib.h>
#include <time.h>

typedef struct table_scan_operator {
    operator base;
    page_source *source;
    bool finished;
    bool blocked;
    source_wait wait;
} table_scan_operator;

static uint64_t scan_clock_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static bool scan_needs_input(operator *op)
{
    (void)op;
    return false;
}

static bool scan_add_input(operator *op, page *p, shoal_error *error)
{
    (void)op;
    page_unref(p);
    return error_set(error, ERR_GENERIC_INTERNAL_ERROR, "TableScan takes no input");
}

static bool scan_get_output(operator *op, page **out, shoal_error *error)
{
    table_scan_operator *s = (table_scan_operator *)op;
    *out = NULL;
    if (s->finished)
        return true;
    page *p = NULL;
    source_wait wait = {0};
    switch (s->source->ops->next(s->source, &p, &wait, error)) {
    case SOURCE_PAGE:
        op->stats.input_rows += p->row_count;
        if (s->source->ops->completed_bytes)
            op->stats.input_bytes = s->source->ops->completed_bytes(s->source);
        else
            op->stats.input_bytes += page_retained_bytes(p);
        *out = p;
        return true;
    case SOURCE_BLOCKED:
        s->blocked = true;
        s->wait = wait;
        return true;
    case SOURCE_FINISHED:
        s->finished = true;
        if (s->source->ops->completed_bytes)
            op->stats.input_bytes = s->source->ops->completed_bytes(s->source);
        return true;
    case SOURCE_FAILED:
    default:
        if (!error_is_set(error))
            error_set(error, ERR_CONNECTOR_ERROR, "Page source failed");
        return false;
    }
}

static void scan_finish(operator *op)
{
    ((table_scan_operator *)op)->finished = true;
}

static bool scan_is_finished(operator *op)
{
    return ((table_scan_operator *)op)->finished;
}

static bool scan_is_blocked(operator *op, operator_wait *wait)
{
    table_scan_operator *s = (table_scan_operator *)op;
    if (!s->blocked)
        return false;
    s->blocked = false; /* reported once; the next turn asks the source again */
    if (s->wait.kind == SOURCE_WAIT_UNTIL && scan_clock_ns() >= s->wait.deadline_ns)
        return false;
    if (s->wait.kind == SOURCE_WAIT_NONE)
        return false;
    wait->source = s->wait;
    wait->event = NULL;
    return true;
}

static void scan_close(operator *op)
{
    table_scan_operator *s = (table_scan_operator *)op;
    if (s->source && s->source->ops->close)
        s->source->ops->close(s->source);
    free(s);
}

static const operator_ops scan_ops = {
    .name = "TableScan",
    .needs_input = scan_needs_input,
    .add_input = scan_add_input,
    .get_output = scan_get_output,
    .finish = scan_finish,
    .is_finished = scan_is_finished,
    .is_blocked = scan_is_blocked,
    .close = scan_close,
};

operator *table_scan_create(int plan_node_id, page_source *source)
{
    table_scan_operator *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    operator_init_header(&s->base, &scan_ops, plan_node_id);
    s->source = source;
    return &s->base;
}
