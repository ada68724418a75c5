/*
 * row_change_sink.c — the engine's side of DELETE and UPDATE. The plan
 * produces every row of the table as it should be afterwards, plus a last
 * boolean channel saying whether the statement's WHERE matched the row.
 * This sink counts the matched rows (Trino's update count), drops them for
 * DELETE, and hands the table's columns to the connector's rewrite sink.
 * Its finish reports the matched count as the rows written.
 */
#include "row_change_sink.h"

#include <stdint.h>
#include <stdlib.h>

typedef struct row_change_sink {
    page_sink base;
    page_sink *inner;
    bool delete_matched;
    uint64_t matched;
    uint32_t selection[VECTOR_SIZE];
} row_change_sink;

/* Rows whose flag is true (matched) or false/NULL (kept), as a selection. */
static uint32_t select_rows(const vector *flag, uint32_t rows, bool want_matched, uint32_t *selection)
{
    vector_view view = vector_view_of(flag);
    const uint8_t *values = view.data;
    uint32_t n = 0;
    for (uint32_t i = 0; i < rows; i++) {
        uint32_t at = vector_view_index(&view, i);
        bool matched = vector_view_valid(&view, at) && values[at] != 0;
        selection[n] = i;
        n += matched == want_matched;
    }
    return n;
}

static page *table_columns(const page *p, const uint32_t *selection, uint32_t count, shoal_error *error)
{
    int columns = p->column_count - 1;
    page *out = page_new_empty(columns);
    if (!out) {
        error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
        return NULL;
    }
    out->row_count = selection ? count : p->row_count;
    bool ok = true;
    for (int c = 0; c < columns; c++) {
        const vector *source = &p->columns[c];
        if (ok)
            ok = selection && source->kind != VECTOR_CONSTANT
                     ? vector_init_dictionary(&out->columns[c], source, selection, count)
                     : vector_init_reference(&out->columns[c], source);
        if (!ok) {
            /* the rest stay uninitialised: give page_unref valid empty vectors */
            for (int k = c; k < columns; k++)
                vector_init_constant_null(&out->columns[k], p->columns[k].type);
        }
    }
    if (!ok) {
        page_unref(out);
        error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
        return NULL;
    }
    return out;
}

static bool change_append(page_sink *base, const page *p, shoal_error *error)
{
    row_change_sink *s = (row_change_sink *)base;
    const vector *flag = &p->columns[p->column_count - 1];
    uint32_t matched = select_rows(flag, p->row_count, true, s->selection);
    s->matched += matched;
    page *rows;
    if (s->delete_matched) {
        uint32_t kept = select_rows(flag, p->row_count, false, s->selection);
        if (kept == 0)
            return true;
        rows = table_columns(p, kept == p->row_count ? NULL : s->selection, kept, error);
    } else {
        rows = table_columns(p, NULL, 0, error);
    }
    if (!rows)
        return false;
    bool ok = s->inner->ops->append(s->inner, rows, error);
    page_unref(rows);
    return ok;
}

static bool change_finish(page_sink *base, uint64_t *rows, shoal_error *error)
{
    row_change_sink *s = (row_change_sink *)base;
    bool ok = s->inner->ops->finish(s->inner, NULL, error);
    if (ok && rows)
        *rows = s->matched;
    free(s);
    return ok;
}

static void change_abort(page_sink *base)
{
    row_change_sink *s = (row_change_sink *)base;
    s->inner->ops->abort(s->inner);
    free(s);
}

static const page_sink_ops row_change_ops = {
    .append = change_append,
    .finish = change_finish,
    .abort = change_abort,
};

page_sink *row_change_sink_new(page_sink *inner, bool delete_matched, shoal_error *error)
{
    row_change_sink *s = calloc(1, sizeof *s);
    if (!s) {
        inner->ops->abort(inner);
        error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
        return NULL;
    }
    s->base.ops = &row_change_ops;
    s->inner = inner;
    s->delete_matched = delete_matched;
    return &s->base;
}
