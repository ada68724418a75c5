/*
 * op_values.c — emits the given pages in order, then finishes.
 */
#include "op_values.h"

#include <stdlib.h>

#include "operators/op_memory.h"

typedef struct values_operator {
    operator base;
    page **pages;
    int page_count;
    int next;
    op_memory memory;
} values_operator;

static bool values_needs_input(operator *op)
{
    (void)op;
    return false;
}

static bool values_add_input(operator *op, page *p, shoal_error *error)
{
    (void)op;
    page_unref(p);
    return error_set(error, ERR_GENERIC_INTERNAL_ERROR, "Values takes no input");
}

static bool values_get_output(operator *op, page **out, shoal_error *error)
{
    (void)error;
    values_operator *v = (values_operator *)op;
    *out = NULL;
    if (v->next < v->page_count) {
        *out = v->pages[v->next];
        v->pages[v->next++] = NULL;
        op->stats.output_bytes += page_retained_bytes(*out);
    }
    return true;
}

static void values_finish(operator *op)
{
    values_operator *v = (values_operator *)op;
    for (; v->next < v->page_count; v->next++) {
        page_unref(v->pages[v->next]);
        v->pages[v->next] = NULL;
    }
}

static bool values_is_finished(operator *op)
{
    values_operator *v = (values_operator *)op;
    return v->next >= v->page_count;
}

static void values_close(operator *op)
{
    values_operator *v = (values_operator *)op;
    values_finish(op);
    free(v->pages);
    free(v);
}

static const operator_ops values_ops = {
    .name = "Values",
    .needs_input = values_needs_input,
    .add_input = values_add_input,
    .get_output = values_get_output,
    .finish = values_finish,
    .is_finished = values_is_finished,
    .is_blocked = NULL,
    .close = values_close,
};

operator *values_create(int plan_node_id, page *const *pages, int page_count)
{
    values_operator *v = calloc(1, sizeof *v);
    if (!v)
        return NULL;
    v->pages = calloc((size_t)(page_count > 0 ? page_count : 1), sizeof *v->pages);
    if (!v->pages) {
        free(v);
        return NULL;
    }
    operator_init_header(&v->base, &values_ops, plan_node_id);
    uint64_t bytes = 0;
    for (int i = 0; i < page_count; i++) {
        v->pages[i] = page_ref(pages[i]);
        bytes += page_retained_bytes(pages[i]);
    }
    v->page_count = page_count;
    op_memory_set(&v->base, &v->memory, bytes);
    return &v->base;
}
