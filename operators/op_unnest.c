/*
 * op_unnest.c — UNNEST, as Trino's UnnestOperator: each input row is
 * repeated once per element of its arrays/maps (several are zipped: the
 * longest decides, shorter ones give NULLs), with the elements as new
 * columns (an array of rows gives one column per field, a map its keys and
 * values), optionally an ordinality column, and for LEFT JOIN UNNEST one row
 * of NULLs when every array is empty or NULL.
 *
 * Output pages hold at most VECTOR_SIZE rows; a long array continues on the
 * next page. Replicated columns are dictionaries over the input (no copy);
 * element columns are gathered with one vector_copy_values per column.
 */
#include "op_unnest.h"

#include <stdlib.h>
#include <string.h>

enum { NO_ELEMENT = UINT32_MAX };

typedef struct unnest_operator {
    operator base;
    int replicate_count;
    int unnest_count;
    bool ordinality;
    bool outer;
    int output_count;
    page *input;
    uint32_t row;             /* next input row */
    uint32_t position;        /* next element position in that row */
    bool finishing;
    uint32_t *parents;        /* per output row: input row */
    uint32_t *positions;      /* per output row: element position, NO_ELEMENT for an outer NULL row */
    uint32_t *targets;
    uint32_t *sources;
} unnest_operator;

static bool un_needs_input(operator *op)
{
    unnest_operator *u = (unnest_operator *)op;
    return !u->input && !u->finishing;
}

static bool un_add_input(operator *op, page *p, shoal_error *error)
{
    (void)error;
    unnest_operator *u = (unnest_operator *)op;
    u->input = p;
    u->row = 0;
    u->position = 0;
    op->stats.input_rows += p->row_count;
    return true;
}

static list_entry entry_of(const vector_view *v, uint32_t row, bool *valid)
{
    uint32_t i = vector_view_index(v, row);
    *valid = vector_view_valid(v, i);
    return *valid ? ((const list_entry *)v->data)[i] : (list_entry){0, 0};
}

static uint32_t row_length(const unnest_operator *u, const vector_view *views, uint32_t row)
{
    uint32_t length = 0;
    for (int j = 0; j < u->unnest_count; j++) {
        bool valid;
        list_entry e = entry_of(&views[j], row, &valid);
        if (e.length > length)
            length = e.length;
    }
    return length;
}

/* Fills parents/positions for the next output page; returns its row count. */
static uint32_t plan_batch(unnest_operator *u, const vector_view *views)
{
    uint32_t m = 0;
    while (m < VECTOR_SIZE && u->row < u->input->row_count) {
        uint32_t length = row_length(u, views, u->row);
        if (length == 0) {
            if (u->outer) {
                u->parents[m] = u->row;
                u->positions[m++] = NO_ELEMENT;
            }
            u->row++;
            continue;
        }
        while (m < VECTOR_SIZE && u->position < length) {
            u->parents[m] = u->row;
            u->positions[m++] = u->position++;
        }
        if (u->position == length) {
            u->row++;
            u->position = 0;
        }
    }
    return m;
}

/* Copies the element (or NULL) of each output row from `child` into dst. */
static bool gather_elements(unnest_operator *u, const vector_view *view, const vector *child, vector *dst,
                            uint32_t m)
{
    uint32_t n = 0;
    for (uint32_t k = 0; k < m; k++) {
        bool valid;
        list_entry e = entry_of(view, u->parents[k], &valid);
        if (u->positions[k] != NO_ELEMENT && u->positions[k] < e.length) {
            u->targets[n] = k;
            u->sources[n++] = e.offset + u->positions[k];
        } else if (!vector_set_null(dst, k)) {
            return false;
        }
    }
    return vector_copy_values(dst, u->targets, 0, child, u->sources, 0, n);
}

/* Output columns for unnest column j starting at *column. */
static bool unnest_column(unnest_operator *u, page *out, int *column, int j, const vector_view *view, uint32_t m)
{
    const vector *nested = &u->input->columns[u->replicate_count + j];
    const vector *base = vector_base(nested);
    sql_type type = nested->type;
    if (type.kind == TYPE_MAP) {
        for (int side = 0; side < 2; side++) {
            vector *dst = &out->columns[(*column)++];
            if (!vector_init_flat(dst, type.composite->field_types[side], m ? m : 1))
                return false;
            if (!gather_elements(u, view, base->children[side], dst, m))
                return false;
        }
        return true;
    }
    sql_type element = type.composite->field_types[0];
    if (element.kind != TYPE_ROW) {
        vector *dst = &out->columns[(*column)++];
        return vector_init_flat(dst, element, m ? m : 1) && gather_elements(u, view, base->children[0], dst, m);
    }
    /* an array of rows: one column per field, NULL where the row is NULL */
    vector rows;
    if (!vector_init_flat(&rows, element, m ? m : 1))
        return false;
    bool ok = gather_elements(u, view, base->children[0], &rows, m);
    for (int f = 0; ok && f < element.composite->field_count; f++) {
        vector *dst = &out->columns[(*column)++];
        ok = vector_init_reference(dst, rows.children[f]);
        for (uint32_t k = 0; ok && k < m; k++)
            if (vector_is_null(&rows, k))
                ok = vector_set_null(dst, k);
    }
    vector_destroy(&rows);
    return ok;
}

static bool build_page(unnest_operator *u, const vector_view *views, uint32_t m, page **result)
{
    page *out = page_new_empty(u->output_count);
    if (!out)
        return false;
    int column = 0;
    bool ok = true;
    for (int c = 0; ok && c < u->replicate_count; c++, column++)
        ok = vector_init_dictionary(&out->columns[c], &u->input->columns[c], u->parents, m);
    for (int j = 0; ok && j < u->unnest_count; j++) {
        int before = column;
        ok = unnest_column(u, out, &column, j, &views[j], m);
        if (!ok && column == before)
            break;
    }
    if (ok && u->ordinality) {
        vector *dst = &out->columns[column++];
        ok = vector_init_flat(dst, type_make(TYPE_BIGINT), m ? m : 1);
        for (uint32_t k = 0; ok && k < m; k++) {
            if (u->positions[k] == NO_ELEMENT)
                ok = vector_set_null(dst, k);
            else
                ((int64_t *)dst->data)[k] = (int64_t)u->positions[k] + 1;
        }
    }
    if (!ok || column != u->output_count) {
        out->column_count = column;
        page_unref(out);
        return false;
    }
    out->row_count = m;
    *result = out;
    return true;
}

static bool un_get_output(operator *op, page **result, shoal_error *error)
{
    unnest_operator *u = (unnest_operator *)op;
    *result = NULL;
    while (u->input && !*result) {
        vector_view views[UNNEST_MAX_COLUMNS];
        for (int j = 0; j < u->unnest_count; j++)
            views[j] = vector_view_of(&u->input->columns[u->replicate_count + j]);
        uint32_t m = plan_batch(u, views);
        if (m > 0 && !build_page(u, views, m, result))
            return error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
        if (u->row >= u->input->row_count) {
            page_unref(u->input);
            u->input = NULL;
        }
    }
    if (*result)
        op->stats.output_rows += (*result)->row_count;
    return true;
}

static void un_finish(operator *op)
{
    ((unnest_operator *)op)->finishing = true;
}

static bool un_is_finished(operator *op)
{
    unnest_operator *u = (unnest_operator *)op;
    return u->finishing && !u->input;
}

static void un_close(operator *op)
{
    unnest_operator *u = (unnest_operator *)op;
    page_unref(u->input);
    free(u->parents);
    free(u->positions);
    free(u->targets);
    free(u->sources);
    free(u);
}

static const operator_ops unnest_ops = {
    .name = "Unnest",
    .needs_input = un_needs_input,
    .add_input = un_add_input,
    .get_output = un_get_output,
    .finish = un_finish,
    .is_finished = un_is_finished,
    .close = un_close,
};

int unnest_output_columns(const sql_type *unnest_types, int unnest_count)
{
    int count = 0;
    for (int j = 0; j < unnest_count; j++) {
        sql_type t = unnest_types[j];
        if (t.kind == TYPE_MAP)
            count += 2;
        else if (t.kind == TYPE_ARRAY && t.composite->field_types[0].kind == TYPE_ROW)
            count += t.composite->field_types[0].composite->field_count;
        else
            count += 1;
    }
    return count;
}

operator *unnest_create(int plan_node_id, int replicate_count, int unnest_count, const sql_type *unnest_types,
                        bool ordinality, bool outer, shoal_error *error)
{
    if (unnest_count < 1 || unnest_count > UNNEST_MAX_COLUMNS) {
        error_set(error, ERR_NOT_SUPPORTED, "UNNEST takes 1 to %d arguments", UNNEST_MAX_COLUMNS);
        return NULL;
    }
    for (int j = 0; j < unnest_count; j++) {
        if (unnest_types[j].kind != TYPE_ARRAY && unnest_types[j].kind != TYPE_MAP) {
            error_set(error, ERR_TYPE_MISMATCH, "Cannot unnest type: not an array or map");
            return NULL;
        }
    }
    unnest_operator *u = calloc(1, sizeof *u);
    if (u) {
        u->parents = malloc(sizeof(uint32_t) * VECTOR_SIZE);
        u->positions = malloc(sizeof(uint32_t) * VECTOR_SIZE);
        u->targets = malloc(sizeof(uint32_t) * VECTOR_SIZE);
        u->sources = malloc(sizeof(uint32_t) * VECTOR_SIZE);
    }
    if (!u || !u->parents || !u->positions || !u->targets || !u->sources) {
        if (u)
            un_close(&u->base);
        error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
        return NULL;
    }
    operator_init_header(&u->base, &unnest_ops, plan_node_id);
    u->replicate_count = replicate_count;
    u->unnest_count = unnest_count;
    u->ordinality = ordinality;
    u->outer = outer;
    u->output_count = replicate_count + unnest_output_columns(unnest_types, unnest_count) + (ordinality ? 1 : 0);
    return &u->base;
}
