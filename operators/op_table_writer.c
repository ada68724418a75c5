/*
 * op_table_writer.c — appending pages to a page sink.
 */
#include "op_table_writer.h"

#include <stdlib.h>

typedef struct table_writer {
    operator header;
    page_sink *sink;
    _Atomic uint64_t *rows_written;
    bool finished;
} table_writer;

static bool writer_needs_input(operator *op)
{
    return !((table_writer *)op)->finished;
}

static bool writer_add_input(operator *op, page *p, shoal_error *error)
{
    table_writer *w = (table_writer *)op;
    bool ok = w->sink->ops->append(w->sink, p, error);
    if (ok)
        atomic_fetch_add(w->rows_written, p->row_count);
    page_unref(p);
    return ok;
}

static bool writer_get_output(operator *op, page **out, shoal_error *error)
{
    (void)op;
    (void)error;
    *out = NULL;
    return true;
}

static void writer_finish(operator *op)
{
    ((table_writer *)op)->finished = true;
}

static bool writer_is_finished(operator *op)
{
    return ((table_writer *)op)->finished;
}

static void writer_close(operator *op)
{
    free(op);
}

static const operator_ops table_writer_ops = {
    .name = "TableWriter",
    .needs_input = writer_needs_input,
    .add_input = writer_add_input,
    .get_output = writer_get_output,
    .finish = writer_finish,
    .is_finished = writer_is_finished,
    .close = writer_close,
};

operator *table_writer_create(int plan_node_id, page_sink *sink, _Atomic uint64_t *rows_written)
{
    table_writer *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    operator_init_header(&w->header, &table_writer_ops, plan_node_id);
    w->sink = sink;
    w->rows_written = rows_written;
    return &w->header;
}
