/*
 * op_enforce_single_row.c — at most one row, exactly one row out.
 */
#include "op_enforce_single_row.h"

#include <stdlib.h>
#include <string.h>

typedef struct enforce_single_row_operator {
    operator base;
    int column_count;
    sql_type *types;
    page *row;                /* the one row seen */
    bool finishing;
    bool emitted;
} enforce_single_row_operator;

static bool esr_needs_input(operator *op)
{
    enforce_single_row_operator *e = (enforce_single_row_operator *)op;
    return !e->finishing;
}

static bool esr_add_input(operator *op, page *p, shoal_error *error)
{
    enforce_single_row_operator *e = (enforce_single_row_operator *)op;
    if (p->row_count == 0) {
        page_unref(p);
        return true;
    }
    if (e->row || p->row_count > 1) {
        page_unref(p);
        return error_set(error, ERR_SUBQUERY_MULTIPLE_ROWS,
                         "Scalar sub-query has returned multiple rows");
    }
    e->row = p;
    return true;
}

static bool esr_get_output(operator *op, page **out, shoal_error *error)
{
    enforce_single_row_operator *e = (enforce_single_row_operator *)op;
    *out = NULL;
    if (!e->finishing || e->emitted)
        return true;
    e->emitted = true;
    if (e->row) {
        *out = e->row;
        e->row = NULL;
        return true;
    }
    page *p = page_new_empty(e->column_count);
    if (!p)
        return error_set(error, ERR_EXCEEDED_LOCAL_MEMORY_LIMIT, "Out of memory");
    p->row_count = 1;
    for (int c = 0; c < e->column_count; c++) {
        if (!vector_init_constant_null(&p->columns[c], e->types[c])) {
            p->column_count = c;
            page_unref(p);
            return error_set(error, ERR_EXCEEDED_LOCAL_MEMORY_LIMIT, "Out of memory");
        }
    }
    *out = p;
    return true;
}

static void esr_finish(operator *op)
{
    ((enforce_single_row_operator *)op)->finishing = true;
}

static bool esr_is_finished(operator *op)
{
    enforce_single_row_operator *e = (enforce_single_row_operator *)op;
    return e->finishing && e->emitted;
}

static void esr_close(operator *op)
{
    enforce_single_row_operator *e = (enforce_single_row_operator *)op;
    page_unref(e->row);
    free(e->types);
    free(e);
}

static const operator_ops esr_ops = {
    .name = "EnforceSingleRow",
    .needs_input = esr_needs_input,
    .add_input = esr_add_input,
    .get_output = esr_get_output,
    .finish = esr_finish,
    .is_finished = esr_is_finished,
    .close = esr_close,
};

operator *enforce_single_row_create(int plan_node_id, int column_count, const sql_type *types)
{
    enforce_single_row_operator *e = calloc(1, sizeof *e);
    if (!e)
        return NULL;
    e->types = malloc(sizeof *types * (size_t)(column_count > 0 ? column_count : 1));
    if (!e->types) {
        free(e);
        return NULL;
    }
    if (column_count > 0)
        memcpy(e->types, types, sizeof *types * (size_t)column_count);
    e->column_count = column_count;
    operator_init_header(&e->base, &esr_ops, plan_node_id);
    return &e->base;
}
