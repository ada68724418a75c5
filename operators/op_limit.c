/*
 * op_limit.c — LIMIT/OFFSET over pages: whole pages pass by reference, the
 * boundary pages become dictionary slices.
 */
#include "op_limit.h"

#include <stdlib.h>

#include "operators/page_builder.h"

typedef struct limit_operator {
    operator base;
    int64_t remaining;        /* rows still to pass; -1 unlimited */
    int64_t to_skip;
    page *pending;
    bool finishing;
    uint32_t slice[VECTOR_SIZE];
} limit_operator;

static bool limit_done(const limit_operator *l)
{
    return l->remaining == 0;
}

static bool limit_needs_input(operator *op)
{
    limit_operator *l = (limit_operator *)op;
    return !l->pending && !l->finishing && !limit_done(l);
}

static bool limit_add_input(operator *op, page *p, shoal_error *error)
{
    limit_operator *l = (limit_operator *)op;
    uint32_t start = 0, n = p->row_count;
    if (l->to_skip > 0) {
        uint32_t skip = l->to_skip >= n ? n : (uint32_t)l->to_skip;
        l->to_skip -= skip;
        start = skip;
        n -= skip;
    }
    if (l->remaining >= 0 && (int64_t)n > l->remaining)
        n = (uint32_t)l->remaining;
    if (l->remaining > 0)
        l->remaining -= n;
    if (n == 0) {
        page_unref(p);
        return true;
    }
    if (start == 0 && n == p->row_count) {
        l->pending = p;
        return true;
    }
    for (uint32_t i = 0; i < n; i++)
        l->slice[i] = start + i;
    l->pending = page_select(p, l->slice, n);
    page_unref(p);
    if (!l->pending)
        return error_set(error, ERR_EXCEEDED_LOCAL_MEMORY_LIMIT, "Out of memory in Limit");
    return true;
}

static bool limit_get_output(operator *op, page **out, shoal_error *error)
{
    (void)error;
    limit_operator *l = (limit_operator *)op;
    *out = l->pending;
    l->pending = NULL;
    return true;
}

static void limit_finish(operator *op)
{
    ((limit_operator *)op)->finishing = true;
}

static bool limit_is_finished(operator *op)
{
    limit_operator *l = (limit_operator *)op;
    return !l->pending && (l->finishing || limit_done(l));
}

static void limit_close(operator *op)
{
    limit_operator *l = (limit_operator *)op;
    page_unref(l->pending);
    free(l);
}

static const operator_ops limit_ops = {
    .name = "Limit",
    .needs_input = limit_needs_input,
    .add_input = limit_add_input,
    .get_output = limit_get_output,
    .finish = limit_finish,
    .is_finished = limit_is_finished,
    .close = limit_close,
};

operator *limit_create(int plan_node_id, int64_t limit, int64_t offset)
{
    limit_operator *l = calloc(1, sizeof *l);
    if (!l)
        return NULL;
    operator_init_header(&l->base, &limit_ops, plan_node_id);
    l->remaining = limit < 0 ? -1 : limit;
    l->to_skip = offset > 0 ? offset : 0;
    return &l->base;
}
