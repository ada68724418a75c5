/*
 * op_filter_project.c — filter to a selection vector, then project:
 * column references by reference/dictionary, other expressions through
 * their compiled programs over the selected rows only.
 */
#include "op_filter_project.h"

#include <stdlib.h>

#include "operators/expression_program.h"

typedef struct filter_project_operator {
    operator base;
    expr_program *filter;
    int projection_count;
    expr_program **programs;           /* NULL entry: a column reference */
    int *columns;                      /* the referenced channel, or -1 */
    page *pending;
    bool finishing;
    uint32_t selection[VECTOR_SIZE];
} filter_project_operator;

static bool fp_needs_input(operator *op)
{
    filter_project_operator *f = (filter_project_operator *)op;
    return !f->pending && !f->finishing;
}

static bool fp_add_input(operator *op, page *p, shoal_error *error)
{
    filter_project_operator *f = (filter_project_operator *)op;
    uint32_t count = p->row_count;
    const uint32_t *selection = NULL;
    if (f->filter) {
        uint32_t passed = 0;
        if (!expr_program_filter(f->filter, p, NULL, count, f->selection, &passed, error)) {
            page_unref(p);
            return false;
        }
        if (passed == 0) {
            page_unref(p);
            return true;
        }
        if (passed < count)
            selection = f->selection;
        count = passed;
    }
    page *out = page_new_empty(f->projection_count);
    if (!out) {
        page_unref(p);
        return error_set(error, ERR_EXCEEDED_LOCAL_MEMORY_LIMIT, "Out of memory in FilterAndProject");
    }
    out->row_count = count;
    bool ok = true;
    int c = 0;
    for (; c < f->projection_count; c++) {
        if (f->columns[c] >= 0) {
            const vector *source = &p->columns[f->columns[c]];
            ok = selection ? vector_init_dictionary(&out->columns[c], source, selection, count)
                           : vector_init_reference(&out->columns[c], source);
            if (!ok)
                error_set(error, ERR_EXCEEDED_LOCAL_MEMORY_LIMIT, "Out of memory in FilterAndProject");
        } else {
            ok = expr_program_evaluate(f->programs[c], p, selection, count, &out->columns[c], error);
        }
        if (!ok)
            break;
    }
    page_unref(p);
    if (!ok) {
        out->column_count = c;
        page_unref(out);
        return false;
    }
    f->pending = out;
    return true;
}

static bool fp_get_output(operator *op, page **out, shoal_error *error)
{
    (void)error;
    filter_project_operator *f = (filter_project_operator *)op;
    *out = f->pending;
    f->pending = NULL;
    return true;
}

static void fp_finish(operator *op)
{
    ((filter_project_operator *)op)->finishing = true;
}

static bool fp_is_finished(operator *op)
{
    filter_project_operator *f = (filter_project_operator *)op;
    return f->finishing && !f->pending;
}

static void fp_close(operator *op)
{
    filter_project_operator *f = (filter_project_operator *)op;
    page_unref(f->pending);
    if (f->filter)
        expr_program_free(f->filter);
    if (f->programs)
        for (int c = 0; c < f->projection_count; c++)
            if (f->programs[c])
                expr_program_free(f->programs[c]);
    free(f->programs);
    free(f->columns);
    free(f);
}

static const operator_ops filter_project_ops = {
    .name = "FilterAndProject",
    .needs_input = fp_needs_input,
    .add_input = fp_add_input,
    .get_output = fp_get_output,
    .finish = fp_finish,
    .is_finished = fp_is_finished,
    .close = fp_close,
};

operator *filter_project_create(int plan_node_id, const expr *filter, int projection_count,
                                const expr *const *projections, shoal_error *error)
{
    filter_project_operator *f = calloc(1, sizeof *f);
    if (!f) {
        error_set(error, ERR_EXCEEDED_LOCAL_MEMORY_LIMIT, "Out of memory");
        return NULL;
    }
    operator_init_header(&f->base, &filter_project_ops, plan_node_id);
    f->projection_count = projection_count;
    f->programs = calloc((size_t)(projection_count + 1), sizeof *f->programs);
    f->columns = calloc((size_t)(projection_count + 1), sizeof *f->columns);
    if (!f->programs || !f->columns) {
        error_set(error, ERR_EXCEEDED_LOCAL_MEMORY_LIMIT, "Out of memory");
        fp_close(&f->base);
        return NULL;
    }
    if (filter && !(f->filter = expr_program_compile(filter, error))) {
        fp_close(&f->base);
        return NULL;
    }
    for (int c = 0; c < projection_count; c++) {
        if (projections[c]->kind == EXPR_COLUMN) {
            f->columns[c] = projections[c]->column;
            continue;
        }
        f->columns[c] = -1;
        if (!(f->programs[c] = expr_program_compile(projections[c], error))) {
            fp_close(&f->base);
            return NULL;
        }
    }
    return &f->base;
}
