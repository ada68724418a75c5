/*
 * op_order_by.c — buffer (column buffers + string arena + encoded key
 * records), sort once, emit by gathering the sorted row ids.
 *
 * Spill (operator.spill set): when the buffered rows pass the context's
 * revoke_bytes they are sorted and written as one sorted run to a spill
 * file (spiller.h) and the buffers are freed. At the end the rows still
 * buffered become a last run and the runs are merged k ways: each run's
 * current page is encoded into key records, the smallest head (memcmp of
 * the keys, full comparison when a string key was cut off, earlier run
 * first on ties) goes next, and output rows are gathered run segment by
 * run segment.
 */
#include "op_order_by.h"

#include <stdlib.h>
#include <string.h>

#include "operators/op_memory.h"
#include "operators/spiller.h"

/* One sorted run being merged: its file and the current page's rows. */
typedef struct merge_run {
    spill_file *file;
    page *page;                 /* current page; NULL when the run is done */
    column_buffer *columns;     /* the page's columns (views into the page) */
    unsigned char *records;     /* its rows' key records, in order */
    uint32_t rows, next;
} merge_run;

typedef struct order_by_operator {
    operator base;
    int column_count;
    sql_type *types;
    int output_count;
    int *output_channels;
    sort_layout layout;
    column_buffer *columns;
    string_arena strings;
    unsigned char *records;
    uint64_t record_count;
    uint64_t record_capacity;
    bool finishing;
    bool sorted;
    bool finished;
    uint64_t cursor;
    op_memory memory;
    uint32_t ids[VECTOR_SIZE];
    /* spill */
    merge_run *runs;
    int run_count, run_capacity;
    bool merging;
} order_by_operator;

static bool oom(shoal_error *error)
{
    return error_set(error, ERR_EXCEEDED_LOCAL_MEMORY_LIMIT, "Query exceeded memory in OrderBy");
}

static void account(order_by_operator *o)
{
    uint64_t bytes = o->record_capacity * o->layout.record_bytes + o->strings.total_bytes;
    for (int c = 0; c < o->column_count; c++)
        bytes += column_buffer_bytes(&o->columns[c]);
    op_memory_set(&o->base, &o->memory, bytes);
}

/* ---- spill: sorted runs ------------------------------------------------------- */

static void free_buffers(order_by_operator *o)
{
    for (int c = 0; c < o->column_count; c++)
        column_buffer_free(&o->columns[c]);
    string_arena_free(&o->strings);
    free(o->records);
    o->records = NULL;
    o->record_count = o->record_capacity = 0;
}

static bool reset_buffers(order_by_operator *o, shoal_error *error)
{
    free_buffers(o);
    string_arena_init(&o->strings);
    for (int c = 0; c < o->column_count; c++)
        if (!column_buffer_init(&o->columns[c], o->types[c], error))
            return false;
    return true;
}

static bool sort_buffered(order_by_operator *o)
{
    unsigned char *scratch = malloc(o->record_count * o->layout.record_bytes + 1);
    if (!scratch)
        return false;
    bool ok = sort_records(&o->layout, o->records, scratch, o->record_count, o->columns);
    free(scratch);
    return ok;
}

/* Sorts what is buffered, writes it (every column) as a new run, frees the buffers. */
static bool spill_run(order_by_operator *o, shoal_error *error)
{
    if (o->record_count == 0)
        return true;
    if (!sort_buffered(o))
        return oom(error);
    if (o->run_count == o->run_capacity) {
        int capacity = o->run_capacity ? o->run_capacity * 2 : 8;
        merge_run *runs = realloc(o->runs, (size_t)capacity * sizeof *runs);
        if (!runs)
            return oom(error);
        o->runs = runs;
        o->run_capacity = capacity;
    }
    merge_run *run = &o->runs[o->run_count];
    memset(run, 0, sizeof *run);
    run->file = spill_file_open(o->base.spill->spiller, error);
    if (!run->file)
        return false;
    o->run_count++;
    int all[256];
    for (int c = 0; c < o->column_count; c++)
        all[c] = c;
    for (uint64_t at = 0; at < o->record_count; at += VECTOR_SIZE) {
        uint64_t left = o->record_count - at;
        uint32_t n = left < VECTOR_SIZE ? (uint32_t)left : VECTOR_SIZE;
        page *p = sort_emit_page(&o->layout, o->records, at, n, o->columns, o->types, o->column_count, all, o->ids);
        if (!p)
            return oom(error);
        bool ok = spill_file_write(run->file, p, error);
        page_unref(p);
        if (!ok)
            return false;
    }
    if (!reset_buffers(o, error))
        return false;
    account(o);
    return true;
}

static bool over_revoke_limit(const order_by_operator *o)
{
    return o->base.spill && o->memory.bytes > o->base.spill->revoke_bytes && o->column_count <= 256;
}

static void run_drop_page(order_by_operator *o, merge_run *run)
{
    if (run->columns)
        for (int c = 0; c < o->column_count; c++)
            column_buffer_free(&run->columns[c]);
    free(run->columns);
    free(run->records);
    if (run->page)
        page_unref(run->page);
    run->columns = NULL;
    run->records = NULL;
    run->page = NULL;
    run->rows = run->next = 0;
}

/* Loads the run's next page (none left: run->page stays NULL). */
static bool run_next_page(order_by_operator *o, merge_run *run, shoal_error *error)
{
    run_drop_page(o, run);
    error_clear(error);
    page *p = spill_file_read(run->file, error);
    if (!p)
        return !error_is_set(error);
    run->page = p;
    run->rows = p->row_count;
    run->columns = calloc((size_t)o->column_count, sizeof *run->columns);
    run->records = malloc((size_t)p->row_count * o->layout.record_bytes + 1);
    if (!run->columns || !run->records)
        return oom(error);
    for (int c = 0; c < o->column_count; c++)
        if (!column_buffer_init(&run->columns[c], o->types[c], error) ||
            !column_buffer_append(&run->columns[c], &p->columns[c], NULL, p->row_count, NULL))
            return error_is_set(error) ? false : oom(error);
    sort_encode(&o->layout, p, p->row_count, run->records, 0);
    return true;
}

/* At the end of input with runs on disk: the rest becomes a run, every run
 * is rewound to its first page. */
static bool start_merge(order_by_operator *o, shoal_error *error)
{
    if (!spill_run(o, error))
        return false;
    for (int r = 0; r < o->run_count; r++)
        if (!spill_file_rewind(o->runs[r].file, error) || !run_next_page(o, &o->runs[r], error))
            return false;
    o->merging = true;
    return true;
}

/* <0 when run a's head goes before run b's. */
static int compare_heads(const order_by_operator *o, const merge_run *a, const merge_run *b)
{
    const unsigned char *x = a->records + (size_t)a->next * o->layout.record_bytes;
    const unsigned char *y = b->records + (size_t)b->next * o->layout.record_bytes;
    if (o->layout.has_strings) {
        /* a cut-off string key: rows equal up to it are ordered by full values */
        uint32_t px = sort_truncated_prefix(&o->layout, x), py = sort_truncated_prefix(&o->layout, y);
        uint32_t prefix = px > py ? px : py;
        if (prefix > 0 && memcmp(x, y, prefix) == 0)
            return sort_compare_full_between(&o->layout, a->columns, a->next, b->columns, b->next);
    }
    return memcmp(x, y, o->layout.key_bytes);
}

static int smallest_head(const order_by_operator *o)
{
    int best = -1;
    for (int r = 0; r < o->run_count; r++)
        if (o->runs[r].page && (best < 0 || compare_heads(o, &o->runs[r], &o->runs[best]) < 0))
            best = r;
    return best;
}

/* Gathers rows ids[0..n) of `run` into output rows [at, at + n). */
static bool flush_segment(order_by_operator *o, const merge_run *run, uint32_t n, page *out, uint32_t at)
{
    for (int c = 0; c < o->output_count; c++)
        if (!column_buffer_gather(&run->columns[o->output_channels[c]], o->ids, n, &out->columns[c], at))
            return false;
    return true;
}

/* The next merged page (NULL with no error: every run is done). */
static bool merge_next_page(order_by_operator *o, page **out, shoal_error *error)
{
    sql_type output_types[256];
    for (int c = 0; c < o->output_count; c++)
        output_types[c] = o->types[o->output_channels[c]];
    page *p = NULL;
    uint32_t rows = 0, segment = 0;
    int segment_run = -1;
    int r;
    while (rows < VECTOR_SIZE && (r = smallest_head(o)) >= 0) {
        if (!p && !(p = page_new(o->output_count, output_types, VECTOR_SIZE)))
            return oom(error);
        if (r != segment_run && segment > 0) {
            if (!flush_segment(o, &o->runs[segment_run], segment, p, rows - segment))
                goto fail;
            segment = 0;
        }
        segment_run = r;
        merge_run *run = &o->runs[r];
        o->ids[segment++] = sort_record_row(&o->layout, run->records + (size_t)run->next * o->layout.record_bytes);
        run->next++;
        rows++;
        if (run->next == run->rows) {
            if (!flush_segment(o, run, segment, p, rows - segment))
                goto fail;
            segment = 0;
            if (!run_next_page(o, run, error)) {
                page_unref(p);
                return false;
            }
        }
    }
    if (segment > 0 && !flush_segment(o, &o->runs[segment_run], segment, p, rows - segment))
        goto fail;
    if (p) {
        p->row_count = rows;
        o->base.stats.output_bytes += page_retained_bytes(p);
    } else {
        o->finished = true;
    }
    *out = p;
    return true;
fail:
    page_unref(p);
    return oom(error);
}

static bool ob_needs_input(operator *op)
{
    return !((order_by_operator *)op)->finishing;
}

static bool ob_add_input(operator *op, page *p, shoal_error *error)
{
    order_by_operator *o = (order_by_operator *)op;
    uint32_t n = p->row_count;
    op->stats.input_bytes += page_retained_bytes(p);
    if (o->record_count + n >= UINT32_MAX) {
        page_unref(p);
        return error_set(error, ERR_NOT_SUPPORTED, "OrderBy input too large");
    }
    if (o->record_count + n > o->record_capacity) {
        uint64_t capacity = o->record_capacity ? o->record_capacity * 2 : VECTOR_SIZE;
        while (capacity < o->record_count + n)
            capacity *= 2;
        unsigned char *records = realloc(o->records, capacity * o->layout.record_bytes);
        if (!records) {
            page_unref(p);
            return oom(error);
        }
        o->records = records;
        o->record_capacity = capacity;
    }
    sort_encode(&o->layout, p, n, o->records + o->record_count * o->layout.record_bytes,
                (uint32_t)o->record_count);
    for (int c = 0; c < o->column_count; c++) {
        if (!column_buffer_append(&o->columns[c], &p->columns[c], NULL, n, &o->strings)) {
            page_unref(p);
            return oom(error);
        }
    }
    o->record_count += n;
    page_unref(p);
    account(o);
    return over_revoke_limit(o) ? spill_run(o, error) : true;
}

static void ob_finish(operator *op)
{
    ((order_by_operator *)op)->finishing = true;
}

static bool ob_get_output(operator *op, page **out, shoal_error *error)
{
    order_by_operator *o = (order_by_operator *)op;
    *out = NULL;
    if (!o->finishing || o->finished)
        return true;
    if (o->run_count > 0 && !o->merging && !start_merge(o, error))
        return false;
    if (o->merging)
        return merge_next_page(o, out, error);
    if (!o->sorted) {
        if (!sort_buffered(o))
            return oom(error);
        o->sorted = true;
    }
    if (o->cursor >= o->record_count) {
        o->finished = true;
        return true;
    }
    uint64_t left = o->record_count - o->cursor;
    uint32_t n = left < VECTOR_SIZE ? (uint32_t)left : VECTOR_SIZE;
    page *p = sort_emit_page(&o->layout, o->records, o->cursor, n, o->columns, o->types, o->output_count,
                             o->output_channels, o->ids);
    if (!p)
        return oom(error);
    o->cursor += n;
    if (o->cursor >= o->record_count)
        o->finished = true;
    op->stats.output_bytes += page_retained_bytes(p);
    *out = p;
    return true;
}

static bool ob_is_finished(operator *op)
{
    return ((order_by_operator *)op)->finished;
}

static void ob_close(operator *op)
{
    order_by_operator *o = (order_by_operator *)op;
    for (int r = 0; r < o->run_count; r++) {
        run_drop_page(o, &o->runs[r]);
        spill_file_close(o->runs[r].file);   /* the file goes with its descriptor */
    }
    free(o->runs);
    if (o->columns)
        for (int c = 0; c < o->column_count; c++)
            column_buffer_free(&o->columns[c]);
    free(o->columns);
    string_arena_free(&o->strings);
    free(o->records);
    sort_layout_free(&o->layout);
    free(o->types);
    free(o->output_channels);
    free(o);
}

static const operator_ops order_by_ops = {
    .name = "OrderBy",
    .needs_input = ob_needs_input,
    .add_input = ob_add_input,
    .get_output = ob_get_output,
    .finish = ob_finish,
    .is_finished = ob_is_finished,
    .close = ob_close,
};

operator *order_by_create(int plan_node_id, int column_count, const sql_type *types,
                          int key_count, const sort_key *keys, int output_count,
                          const int *output_channels, shoal_error *error)
{
    if (output_count > 256 || column_count < 1) {
        error_set(error, ERR_NOT_SUPPORTED, "OrderBy: bad column count");
        return NULL;
    }
    order_by_operator *o = calloc(1, sizeof *o);
    if (!o) {
        oom(error);
        return NULL;
    }
    operator_init_header(&o->base, &order_by_ops, plan_node_id);
    string_arena_init(&o->strings);
    o->types = malloc(sizeof *types * (size_t)column_count);
    o->output_channels = malloc(sizeof(int) * (size_t)(output_count + 1));
    o->columns = calloc((size_t)column_count, sizeof *o->columns);
    if (!o->types || !o->output_channels || !o->columns) {
        oom(error);
        ob_close(&o->base);
        return NULL;
    }
    memcpy(o->types, types, sizeof *types * (size_t)column_count);
    if (output_count > 0)
        memcpy(o->output_channels, output_channels, sizeof(int) * (size_t)output_count);
    o->output_count = output_count;
    o->column_count = column_count;
    for (int c = 0; c < column_count; c++) {
        if (!column_buffer_init_any(&o->columns[c], types[c], error)) {
            ob_close(&o->base);
            return NULL;
        }
    }
    if (!sort_layout_init(&o->layout, key_count, keys, types, error)) {
        ob_close(&o->base);
        return NULL;
    }
    return &o->base;
}
