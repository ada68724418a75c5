/*
 * op_window.c — sort once by (partition keys, order keys), find partition
 * and peer-group boundaries on the encoded keys, compute every function
 * into one result vector per function (in sorted order), emit pages.
 * Aggregates over frames that start at UNBOUNDED PRECEDING accumulate
 * incrementally; other frames are recomputed per row over the frame.
 */
#include "op_window.h"

#include <stdlib.h>
#include <string.h>

#include "operators/op_memory.h"

typedef struct window_operator {
    operator base;
    int column_count;
    sql_type *types;
    int function_count;
    window_function_spec *functions;
    sql_type *result_types;
    sort_layout layout;                /* partition keys, then order keys */
    sort_layout partition_layout;
    sort_layout order_layout;
    uint32_t partition_bytes;
    column_buffer *columns;
    string_arena strings;
    unsigned char *records;
    uint64_t count;
    uint64_t capacity;
    bool finishing;
    bool computed;
    bool finished;
    uint32_t *ids;                     /* sorted position -> input row id */
    uint32_t *peer_start;
    uint32_t *peer_end;                /* exclusive */
    vector *results;
    uint64_t cursor;
    op_memory memory;
    uint32_t positions[VECTOR_SIZE];
} window_operator;

static bool oom(shoal_error *error)
{
    return error_set(error, ERR_EXCEEDED_LOCAL_MEMORY_LIMIT, "Query exceeded memory in Window");
}

static const unsigned char *record_at(const window_operator *w, uint64_t position)
{
    return w->records + position * w->layout.record_bytes;
}

static bool same_keys(const window_operator *w, const sort_layout *l, uint32_t from, uint32_t bytes,
                      uint64_t a, uint64_t b)
{
    if (bytes == 0)
        return true;
    const unsigned char *x = record_at(w, a) + from, *y = record_at(w, b) + from;
    if (memcmp(x, y, bytes) != 0)
        return false;
    if (l->has_strings && sort_key_truncated(l, x))
        return sort_compare_full(l, w->columns, w->ids[a], w->ids[b]) == 0;
    return true;
}

/* ---- input ------------------------------------------------------------------ */

static bool win_needs_input(operator *op)
{
    return !((window_operator *)op)->finishing;
}

static bool win_add_input(operator *op, page *p, shoal_error *error)
{
    window_operator *w = (window_operator *)op;
    uint32_t n = p->row_count;
    op->stats.input_bytes += page_retained_bytes(p);
    if (w->count + n >= UINT32_MAX) {
        page_unref(p);
        return error_set(error, ERR_NOT_SUPPORTED, "Window input too large");
    }
    if (w->count + n > w->capacity) {
        uint64_t capacity = w->capacity ? w->capacity * 2 : VECTOR_SIZE;
        while (capacity < w->count + n)
            capacity *= 2;
        unsigned char *records = realloc(w->records, capacity * w->layout.record_bytes);
        if (!records) {
            page_unref(p);
            return oom(error);
        }
        w->records = records;
        w->capacity = capacity;
    }
    sort_encode(&w->layout, p, n, w->records + w->count * w->layout.record_bytes,
                (uint32_t)w->count);
    for (int c = 0; c < w->column_count; c++) {
        if (!column_buffer_append(&w->columns[c], &p->columns[c], NULL, n, &w->strings)) {
            page_unref(p);
            return oom(error);
        }
    }
    w->count += n;
    page_unref(p);
    uint64_t bytes = w->capacity * w->layout.record_bytes + w->strings.total_bytes;
    for (int c = 0; c < w->column_count; c++)
        bytes += column_buffer_bytes(&w->columns[c]);
    op_memory_set(op, &w->memory, bytes);
    return true;
}

static void win_finish(operator *op)
{
    ((window_operator *)op)->finishing = true;
}

/* ---- functions ---------------------------------------------------------------- */

static bool write_value(vector *out, uint64_t position, const column_buffer *c, int64_t row)
{
    if (row < 0 || column_buffer_is_null(c, (uint64_t)row))
        return vector_set_null(out, (uint32_t)position);
    unsigned char *dst = (unsigned char *)out->data + position * c->width;
    memcpy(dst, column_buffer_at(c, (uint64_t)row), c->width);
    if (type_physical(c->type) == PHYSICAL_STRING) {
        string_view *s = (string_view *)dst;
        if (s->length > STRING_INLINE_MAX)
            return vector_add_string(out, s->u.pointer, s->length, s);
    }
    return true;
}

static void frame_bounds(const window_function_spec *f, int64_t i, int64_t ps, int64_t pe,
                         int64_t gs, int64_t ge, int64_t *fs, int64_t *fe)
{
    window_frame frame = f->frame;
    if (!f->has_frame) {
        frame.unit = WINDOW_FRAME_RANGE;
        frame.start = WINDOW_UNBOUNDED_PRECEDING;
        frame.end = WINDOW_CURRENT_ROW;
    }
    bool rows = frame.unit == WINDOW_FRAME_ROWS;
    switch (frame.start) {
    case WINDOW_UNBOUNDED_PRECEDING: *fs = ps; break;
    case WINDOW_PRECEDING: *fs = i - frame.start_offset; break;
    case WINDOW_CURRENT_ROW: *fs = rows ? i : gs; break;
    case WINDOW_FOLLOWING: *fs = i + frame.start_offset; break;
    case WINDOW_UNBOUNDED_FOLLOWING: *fs = pe; break;
    }
    switch (frame.end) {
    case WINDOW_UNBOUNDED_PRECEDING: *fe = ps - 1; break;
    case WINDOW_PRECEDING: *fe = i - frame.end_offset; break;
    case WINDOW_CURRENT_ROW: *fe = rows ? i : ge - 1; break;
    case WINDOW_FOLLOWING: *fe = i + frame.end_offset; break;
    case WINDOW_UNBOUNDED_FOLLOWING: *fe = pe - 1; break;
    }
    if (*fs < ps)
        *fs = ps;
    if (*fe > pe - 1)
        *fe = pe - 1;
}

/* Feeds sorted positions [from, to] into `state`. */
static bool feed(window_operator *w, const window_function_spec *f, void *state, int64_t from,
                 int64_t to, shoal_error *error)
{
    void *states[VECTOR_SIZE];
    for (int64_t start = from; start <= to; start += VECTOR_SIZE) {
        uint32_t n = (uint32_t)(to - start + 1 < VECTOR_SIZE ? to - start + 1 : VECTOR_SIZE);
        for (uint32_t k = 0; k < n; k++)
            states[k] = state;
        vector arg;
        const vector *args[1] = {&arg};
        bool ok;
        if (f->argument_channel >= 0) {
            const column_buffer *c = &w->columns[f->argument_channel];
            if (!vector_init_flat(&arg, c->type, n))
                return oom(error);
            ok = column_buffer_gather(c, w->ids + start, n, &arg, 0);
            if (ok)
                ok = f->aggregate->update(f->aggregate, states, n, args, error);
            vector_destroy(&arg);
        } else {
            ok = f->aggregate->update(f->aggregate, states, n, NULL, error);
        }
        if (!ok)
            return error_is_set(error) ? false : oom(error);
    }
    return true;
}

static bool compute_aggregate(window_operator *w, const window_function_spec *f, vector *out,
                              int64_t ps, int64_t pe, unsigned char *state, shoal_error *error)
{
    const aggregate_function *a = f->aggregate;
    bool running = !f->has_frame || f->frame.start == WINDOW_UNBOUNDED_PRECEDING;
    a->init(a, state);
    int64_t added = ps - 1;
    for (int64_t i = ps; i < pe; i++) {
        int64_t fs, fe;
        frame_bounds(f, i, ps, pe, w->peer_start[i], w->peer_end[i], &fs, &fe);
        if (running) {
            if (fe > added) {
                if (!feed(w, f, state, added + 1, fe, error))
                    return false;
                added = fe;
            }
        } else {
            if (a->destroy)
                a->destroy(a, state);
            a->init(a, state);
            if (fs <= fe && !feed(w, f, state, fs, fe, error))
                return false;
        }
        if (!a->finalize(a, state, out, (uint32_t)i, error))
            return error_is_set(error) ? false : oom(error);
    }
    if (a->destroy)
        a->destroy(a, state);
    return true;
}

static bool compute_partition(window_operator *w, int64_t ps, int64_t pe, unsigned char *state,
                              shoal_error *error)
{
    /* peer groups by the order keys */
    int64_t gs = ps;
    for (int64_t i = ps; i < pe; i++) {
        if (i > ps && !same_keys(w, &w->order_layout, w->partition_bytes,
                                 w->layout.key_bytes - w->partition_bytes, i - 1, i))
            gs = i;
        w->peer_start[i] = (uint32_t)gs;
    }
    int64_t ge = pe;
    for (int64_t i = pe - 1; i >= ps; i--) {
        if (i < pe - 1 && w->peer_start[i + 1] != w->peer_start[i])
            ge = i + 1;
        w->peer_end[i] = (uint32_t)ge;
    }
    int64_t rows = pe - ps;
    for (int fi = 0; fi < w->function_count; fi++) {
        const window_function_spec *f = &w->functions[fi];
        vector *out = &w->results[fi];
        int64_t *i64 = out->data;
        double *f64 = out->data;
        const column_buffer *arg = f->argument_channel >= 0 ? &w->columns[f->argument_channel] : NULL;
        int64_t dense = 0;
        bool ok = true;
        for (int64_t i = ps; i < pe && ok; i++) {
            int64_t r = i - ps;
            switch (f->kind) {
            case WINDOW_ROW_NUMBER: i64[i] = r + 1; break;
            case WINDOW_RANK: i64[i] = w->peer_start[i] - ps + 1; break;
            case WINDOW_DENSE_RANK:
                dense += w->peer_start[i] == i;
                i64[i] = dense;
                break;
            case WINDOW_NTILE: {
                int64_t buckets = f->offset, q = rows / buckets, rem = rows % buckets;
                i64[i] = r < rem * (q + 1) ? r / (q + 1) + 1 : (r - rem * (q + 1)) / q + rem + 1;
                break;
            }
            case WINDOW_PERCENT_RANK:
                f64[i] = rows == 1 ? 0.0 : (double)(w->peer_start[i] - ps) / (double)(rows - 1);
                break;
            case WINDOW_CUME_DIST: f64[i] = (double)(w->peer_end[i] - ps) / (double)rows; break;
            case WINDOW_LAG:
            case WINDOW_LEAD: {
                int64_t target = f->kind == WINDOW_LAG ? i - f->offset : i + f->offset;
                if (target >= ps && target < pe)
                    ok = write_value(out, (uint64_t)i, arg, w->ids[target]);
                else if (f->default_channel >= 0)
                    ok = write_value(out, (uint64_t)i, &w->columns[f->default_channel], w->ids[i]);
                else
                    ok = vector_set_null(out, (uint32_t)i);
                break;
            }
            case WINDOW_FIRST_VALUE:
            case WINDOW_LAST_VALUE:
            case WINDOW_NTH_VALUE: {
                int64_t fs, fe;
                frame_bounds(f, i, ps, pe, w->peer_start[i], w->peer_end[i], &fs, &fe);
                int64_t target = f->kind == WINDOW_FIRST_VALUE ? fs
                                 : f->kind == WINDOW_LAST_VALUE ? fe
                                                                : fs + f->offset - 1;
                ok = write_value(out, (uint64_t)i, arg,
                                 fs <= fe && target >= fs && target <= fe ? (int64_t)w->ids[target] : -1);
                break;
            }
            case WINDOW_AGGREGATE: break;
            }
        }
        if (!ok)
            return oom(error);
        if (f->kind == WINDOW_AGGREGATE && !compute_aggregate(w, f, out, ps, pe, state, error))
            return false;
    }
    return true;
}

static bool compute(window_operator *w, shoal_error *error)
{
    uint64_t n = w->count;
    unsigned char *scratch = malloc(n * w->layout.record_bytes + 1);
    w->ids = malloc(sizeof(uint32_t) * (n + 1));
    w->peer_start = malloc(sizeof(uint32_t) * (n + 1));
    w->peer_end = malloc(sizeof(uint32_t) * (n + 1));
    if (!scratch || !w->ids || !w->peer_start || !w->peer_end) {
        free(scratch);
        return oom(error);
    }
    bool ok = sort_records(&w->layout, w->records, scratch, n, w->columns);
    free(scratch);
    if (!ok)
        return oom(error);
    for (uint64_t i = 0; i < n; i++)
        w->ids[i] = sort_record_row(&w->layout, record_at(w, i));
    size_t state_size = 16;
    for (int f = 0; f < w->function_count; f++) {
        if (!vector_init_flat(&w->results[f], w->result_types[f], n ? (uint32_t)n : 1))
            return oom(error);
        if (w->functions[f].aggregate && w->functions[f].aggregate->state_size > state_size)
            state_size = w->functions[f].aggregate->state_size;
    }
    unsigned char *state = aligned_alloc(16, (state_size + 15) & ~(size_t)15);
    if (!state)
        return oom(error);
    uint64_t ps = 0;
    while (ok && ps < n) {
        uint64_t pe = ps + 1;
        while (pe < n && same_keys(w, &w->partition_layout, 0, w->partition_bytes, ps, pe))
            pe++;
        ok = compute_partition(w, (int64_t)ps, (int64_t)pe, state, error);
        ps = pe;
    }
    free(state);
    return ok;
}

/* ---- output -------------------------------------------------------------------- */

static bool win_get_output(operator *op, page **out, shoal_error *error)
{
    window_operator *w = (window_operator *)op;
    *out = NULL;
    if (!w->finishing || w->finished)
        return true;
    if (!w->computed) {
        if (!compute(w, error))
            return false;
        w->computed = true;
    }
    if (w->cursor >= w->count) {
        w->finished = true;
        return true;
    }
    uint32_t n = w->count - w->cursor < VECTOR_SIZE ? (uint32_t)(w->count - w->cursor) : VECTOR_SIZE;
    for (uint32_t i = 0; i < n; i++)
        w->positions[i] = (uint32_t)(w->cursor + i);
    page *p = page_new_empty(w->column_count + w->function_count);
    if (!p)
        return oom(error);
    p->row_count = n;
    bool ok = true;
    int c = 0;
    for (; ok && c < w->column_count; c++) {
        ok = vector_init_flat(&p->columns[c], w->types[c], n);
        if (ok)
            ok = column_buffer_gather(&w->columns[c], w->ids + w->cursor, n, &p->columns[c], 0);
        else
            break;
    }
    for (int f = 0; ok && f < w->function_count; f++, c++)
        ok = vector_init_dictionary(&p->columns[c], &w->results[f], w->positions, n);
    if (!ok) {
        p->column_count = c;
        page_unref(p);
        return oom(error);
    }
    w->cursor += n;
    if (w->cursor >= w->count)
        w->finished = true;
    *out = p;
    return true;
}

static bool win_is_finished(operator *op)
{
    return ((window_operator *)op)->finished;
}

static void win_close(operator *op)
{
    window_operator *w = (window_operator *)op;
    if (w->columns)
        for (int c = 0; c < w->column_count; c++)
            column_buffer_free(&w->columns[c]);
    if (w->results)
        for (int f = 0; f < w->function_count; f++)
            vector_destroy(&w->results[f]);
    free(w->results);
    free(w->columns);
    string_arena_free(&w->strings);
    free(w->records);
    free(w->ids);
    free(w->peer_start);
    free(w->peer_end);
    sort_layout_free(&w->layout);
    sort_layout_free(&w->partition_layout);
    sort_layout_free(&w->order_layout);
    free(w->functions);
    free(w->result_types);
    free(w->types);
    free(w);
}

static const operator_ops window_ops = {
    .name = "Window",
    .needs_input = win_needs_input,
    .add_input = win_add_input,
    .get_output = win_get_output,
    .finish = win_finish,
    .is_finished = win_is_finished,
    .close = win_close,
};

static bool check_function(const window_function_spec *f, int column_count, const sql_type *types,
                           sql_type *result, shoal_error *error)
{
    bool needs_argument = f->kind >= WINDOW_LAG && f->kind <= WINDOW_NTH_VALUE;
    if ((needs_argument && (f->argument_channel < 0 || f->argument_channel >= column_count)) ||
        f->argument_channel >= column_count || f->default_channel >= column_count)
        return error_set(error, ERR_GENERIC_INTERNAL_ERROR, "Window function argument out of range");
    if ((f->kind == WINDOW_NTILE || f->kind == WINDOW_NTH_VALUE) && f->offset < 1)
        return error_set(error, ERR_INVALID_FUNCTION_ARGUMENT,
                         f->kind == WINDOW_NTILE ? "Buckets must be greater than 0"
                                                 : "Offset must be at least 1");
    if ((f->kind == WINDOW_LAG || f->kind == WINDOW_LEAD) && f->offset < 0)
        return error_set(error, ERR_INVALID_FUNCTION_ARGUMENT, "Offset must be at least 0");
    if (f->has_frame && f->frame.unit == WINDOW_FRAME_RANGE &&
        (f->frame.start == WINDOW_PRECEDING || f->frame.start == WINDOW_FOLLOWING ||
         f->frame.end == WINDOW_PRECEDING || f->frame.end == WINDOW_FOLLOWING))
        return error_set(error, ERR_NOT_SUPPORTED, "RANGE frames with offsets are not supported yet");
    if (f->has_frame && (f->frame.start == WINDOW_UNBOUNDED_FOLLOWING ||
                         f->frame.end == WINDOW_UNBOUNDED_PRECEDING))
        return error_set(error, ERR_INVALID_WINDOW_FRAME, "Window frame has an invalid bound");
    switch (f->kind) {
    case WINDOW_PERCENT_RANK:
    case WINDOW_CUME_DIST: *result = type_make(TYPE_DOUBLE); break;
    case WINDOW_LAG:
    case WINDOW_LEAD:
    case WINDOW_FIRST_VALUE:
    case WINDOW_LAST_VALUE:
    case WINDOW_NTH_VALUE: *result = types[f->argument_channel]; break;
    case WINDOW_AGGREGATE:
        if (!f->aggregate)
            return error_set(error, ERR_GENERIC_INTERNAL_ERROR, "Window aggregate missing");
        *result = f->aggregate->return_type;
        break;
    default: *result = type_make(TYPE_BIGINT); break;
    }
    return true;
}

operator *window_create(int plan_node_id, int column_count, const sql_type *types,
                        int partition_count, const int *partition_channels, int order_count,
                        const sort_key *order_keys, int function_count,
                        const window_function_spec *functions, shoal_error *error)
{
    if (column_count < 1 || partition_count + order_count > 64 || function_count < 0) {
        error_set(error, ERR_NOT_SUPPORTED, "Window: bad arguments");
        return NULL;
    }
    window_operator *w = calloc(1, sizeof *w);
    if (!w) {
        oom(error);
        return NULL;
    }
    operator_init_header(&w->base, &window_ops, plan_node_id);
    string_arena_init(&w->strings);
    w->column_count = column_count;
    w->types = malloc(sizeof *types * (size_t)column_count);
    w->columns = calloc((size_t)column_count, sizeof *w->columns);
    w->functions = calloc((size_t)function_count + 1, sizeof *w->functions);
    w->result_types = calloc((size_t)function_count + 1, sizeof *w->result_types);
    w->results = calloc((size_t)function_count + 1, sizeof *w->results);
    if (!w->types || !w->columns || !w->functions || !w->result_types || !w->results) {
        oom(error);
        win_close(&w->base);
        return NULL;
    }
    memcpy(w->types, types, sizeof *types * (size_t)column_count);
    if (function_count > 0)
        memcpy(w->functions, functions, sizeof *functions * (size_t)function_count);
    w->function_count = function_count;
    for (int f = 0; f < function_count; f++) {
        if (!check_function(&functions[f], column_count, types, &w->result_types[f], error)) {
            w->function_count = 0;
            win_close(&w->base);
            return NULL;
        }
    }
    sort_key keys[64];
    for (int k = 0; k < partition_count; k++)
        keys[k] = (sort_key){partition_channels[k], false, false};
    for (int k = 0; k < order_count; k++)
        keys[partition_count + k] = order_keys[k];
    bool ok = sort_layout_init(&w->layout, partition_count + order_count, keys, types, error) &&
              sort_layout_init(&w->partition_layout, partition_count, keys, types, error) &&
              sort_layout_init(&w->order_layout, order_count, keys + partition_count, types, error);
    for (int c = 0; ok && c < column_count; c++)
        ok = column_buffer_init(&w->columns[c], types[c], error);
    if (!ok) {
        w->function_count = 0;
        win_close(&w->base);
        return NULL;
    }
    w->partition_bytes = w->partition_layout.key_bytes;
    return &w->base;
}
