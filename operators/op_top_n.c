/*
 * op_top_n.c — a heap of n slots (+1 spare for the candidate). Each slot's
 * row lives in column buffers at the slot index (long strings in an arena
 * that is compacted when garbage dominates) with its encoded key and its
 * arrival sequence number.
 */
#define _GNU_SOURCE
#include "op_top_n.h"

#include <stdlib.h>
#include <string.h>

#include "operators/op_memory.h"

typedef struct top_n_operator {
    operator base;
    int column_count;
    sql_type *types;
    int output_count;
    int *output_channels;
    sort_layout layout;
    uint64_t n;
    column_buffer *columns;          /* n + 1 slots */
    string_arena strings;
    uint64_t live_string_bytes;
    unsigned char *slot_keys;        /* (n + 1) * key_bytes */
    uint64_t *slot_seq;
    uint32_t *heap;                  /* slot ids, worst at the root */
    uint64_t size;
    uint32_t spare;
    uint64_t seq;
    bool finishing;
    bool sorted;
    bool finished;
    unsigned char *sorted_records;
    uint64_t cursor;
    op_memory memory;
    unsigned char *scratch;          /* VECTOR_SIZE encoded records */
    uint32_t ids[VECTOR_SIZE];
} top_n_operator;

static bool oom(shoal_error *error)
{
    return error_set(error, ERR_EXCEEDED_LOCAL_MEMORY_LIMIT, "Query exceeded memory in TopN");
}

static const unsigned char *slot_key(const top_n_operator *t, uint32_t slot)
{
    return t->slot_keys + (size_t)slot * t->layout.key_bytes;
}

/* >0 when slot a sorts after slot b */
static int compare_slots(const top_n_operator *t, uint32_t a, uint32_t b)
{
    uint32_t prefix = t->layout.has_strings ? sort_truncated_prefix(&t->layout, slot_key(t, a)) : 0;
    int c;
    if (prefix && memcmp(slot_key(t, a), slot_key(t, b), prefix) == 0)
        c = sort_compare_full(&t->layout, t->columns, a, b);
    else
        c = memcmp(slot_key(t, a), slot_key(t, b), t->layout.key_bytes);
    if (c == 0)
        c = t->slot_seq[a] < t->slot_seq[b] ? -1 : t->slot_seq[a] > t->slot_seq[b];
    return c;
}

static void sift_up(top_n_operator *t, uint64_t i)
{
    while (i > 0) {
        uint64_t parent = (i - 1) / 2;
        if (compare_slots(t, t->heap[i], t->heap[parent]) <= 0)
            break;
        uint32_t tmp = t->heap[i];
        t->heap[i] = t->heap[parent];
        t->heap[parent] = tmp;
        i = parent;
    }
}

static void sift_down(top_n_operator *t, uint64_t i)
{
    for (;;) {
        uint64_t l = 2 * i + 1, r = l + 1, worst = i;
        if (l < t->size && compare_slots(t, t->heap[l], t->heap[worst]) > 0)
            worst = l;
        if (r < t->size && compare_slots(t, t->heap[r], t->heap[worst]) > 0)
            worst = r;
        if (worst == i)
            return;
        uint32_t tmp = t->heap[i];
        t->heap[i] = t->heap[worst];
        t->heap[worst] = tmp;
        i = worst;
    }
}

static bool compact_strings(top_n_operator *t)
{
    string_arena fresh;
    string_arena_init(&fresh);
    for (int c = 0; c < t->column_count; c++) {
        if (type_physical(t->types[c]) != PHYSICAL_STRING)
            continue;
        string_view *values = (string_view *)t->columns[c].values;
        for (uint64_t s = 0; s <= t->n; s++)
            if (!column_buffer_is_null(&t->columns[c], s) && !string_arena_own(&fresh, &values[s])) {
                string_arena_free(&fresh);
                return false;
            }
    }
    string_arena_free(&t->strings);
    t->strings = fresh;
    return true;
}

/* Writes row x of the input (through each column's view) into `slot`. */
static bool write_slot(top_n_operator *t, const page *p, uint32_t row, uint32_t slot,
                       const unsigned char *record)
{
    for (int c = 0; c < t->column_count; c++) {
        column_buffer *col = &t->columns[c];
        vector_view view = vector_view_of(&p->columns[c]);
        uint32_t x = vector_view_index(&view, row);
        bool is_null = !vector_view_valid(&view, x);
        if (is_null && !col->nulls) {
            col->nulls = calloc(t->n + 1, 1);
            if (!col->nulls)
                return false;
        }
        if (col->nulls)
            col->nulls[slot] = is_null;
        unsigned char *dst = col->values + (size_t)slot * col->width;
        if (type_physical(col->type) == PHYSICAL_STRING) {
            string_view *old = (string_view *)dst;
            if (old->length > STRING_INLINE_MAX)
                t->live_string_bytes -= old->length;
        }
        if (is_null) {
            memset(dst, 0, col->width);
            continue;
        }
        memcpy(dst, (const unsigned char *)view.data + (size_t)x * col->width, col->width);
        if (type_physical(col->type) == PHYSICAL_STRING) {
            string_view *s = (string_view *)dst;
            if (s->length > STRING_INLINE_MAX) {
                if (!string_arena_own(&t->strings, s))
                    return false;
                t->live_string_bytes += s->length;
            }
        }
    }
    memcpy(t->slot_keys + (size_t)slot * t->layout.key_bytes, record, t->layout.key_bytes);
    t->slot_seq[slot] = t->seq;
    return true;
}

static bool tn_needs_input(operator *op)
{
    return !((top_n_operator *)op)->finishing;
}

static bool tn_add_input(operator *op, page *p, shoal_error *error)
{
    top_n_operator *t = (top_n_operator *)op;
    op->stats.input_bytes += page_retained_bytes(p);
    if (t->n == 0) {
        page_unref(p);
        return true;
    }
    uint32_t stride = t->layout.record_bytes;
    sort_encode(&t->layout, p, p->row_count, t->scratch, 0);
    bool ok = true;
    for (uint32_t i = 0; i < p->row_count && ok; i++, t->seq++) {
        const unsigned char *record = t->scratch + (size_t)i * stride;
        if (t->size < t->n) {
            uint32_t slot = (uint32_t)t->size;
            ok = write_slot(t, p, i, slot, record);
            t->heap[t->size++] = slot;
            sift_up(t, t->size - 1);
            continue;
        }
        uint32_t root = t->heap[0];
        uint32_t prefix = t->layout.has_strings ? sort_truncated_prefix(&t->layout, record) : 0;
        int c = memcmp(record, slot_key(t, root), t->layout.key_bytes);
        if (prefix && memcmp(record, slot_key(t, root), prefix) == 0)
            c = 0; /* a cut-off string decides: compare full values */
        if (c > 0)
            continue;
        if (c == 0) {
            if (!prefix)
                continue; /* a tie loses to the earlier row */
            ok = write_slot(t, p, i, t->spare, record);
            if (!ok || compare_slots(t, t->spare, root) >= 0)
                continue;
        } else {
            ok = write_slot(t, p, i, t->spare, record);
            if (!ok)
                break;
        }
        t->heap[0] = t->spare;
        t->spare = root;
        sift_down(t, 0);
    }
    page_unref(p);
    if (ok && t->strings.total_bytes > (1u << 20) + 2 * t->live_string_bytes)
        ok = compact_strings(t);
    if (!ok)
        return oom(error);
    uint64_t bytes = (t->n + 1) * (t->layout.key_bytes + 8 + 4) + t->strings.total_bytes;
    for (int c = 0; c < t->column_count; c++)
        bytes += column_buffer_bytes(&t->columns[c]);
    op_memory_set(op, &t->memory, bytes);
    return true;
}

static void tn_finish(operator *op)
{
    ((top_n_operator *)op)->finishing = true;
}

static int compare_seq(const void *a, const void *b, void *context)
{
    const uint64_t *seq = context;
    uint64_t x = seq[*(const uint32_t *)a], y = seq[*(const uint32_t *)b];
    return x < y ? -1 : x > y;
}

static bool sort_survivors(top_n_operator *t)
{
    uint32_t stride = t->layout.record_bytes;
    qsort_r(t->heap, t->size, sizeof *t->heap, compare_seq, t->slot_seq);
    t->sorted_records = malloc(t->size * stride * 2 + 1);
    if (!t->sorted_records)
        return false;
    for (uint64_t i = 0; i < t->size; i++) {
        unsigned char *r = t->sorted_records + i * stride;
        memcpy(r, slot_key(t, t->heap[i]), t->layout.key_bytes);
        memcpy(r + t->layout.key_bytes, &t->heap[i], 4);
    }
    return sort_records(&t->layout, t->sorted_records, t->sorted_records + t->size * stride,
                        t->size, t->columns);
}

static bool tn_get_output(operator *op, page **out, shoal_error *error)
{
    top_n_operator *t = (top_n_operator *)op;
    *out = NULL;
    if (!t->finishing || t->finished)
        return true;
    if (!t->sorted) {
        if (!sort_survivors(t))
            return oom(error);
        t->sorted = true;
    }
    if (t->cursor >= t->size) {
        t->finished = true;
        return true;
    }
    uint64_t left = t->size - t->cursor;
    uint32_t n = left < VECTOR_SIZE ? (uint32_t)left : VECTOR_SIZE;
    page *p = sort_emit_page(&t->layout, t->sorted_records, t->cursor, n, t->columns, t->types,
                             t->output_count, t->output_channels, t->ids);
    if (!p)
        return oom(error);
    t->cursor += n;
    if (t->cursor >= t->size)
        t->finished = true;
    *out = p;
    return true;
}

static bool tn_is_finished(operator *op)
{
    top_n_operator *t = (top_n_operator *)op;
    return t->finished || (t->finishing && t->n == 0);
}

static void tn_close(operator *op)
{
    top_n_operator *t = (top_n_operator *)op;
    if (t->columns)
        for (int c = 0; c < t->column_count; c++)
            column_buffer_free(&t->columns[c]);
    free(t->columns);
    string_arena_free(&t->strings);
    free(t->slot_keys);
    free(t->slot_seq);
    free(t->heap);
    free(t->sorted_records);
    free(t->scratch);
    sort_layout_free(&t->layout);
    free(t->types);
    free(t->output_channels);
    free(t);
}

static const operator_ops top_n_ops = {
    .name = "TopN",
    .needs_input = tn_needs_input,
    .add_input = tn_add_input,
    .get_output = tn_get_output,
    .finish = tn_finish,
    .is_finished = tn_is_finished,
    .close = tn_close,
};

operator *top_n_create(int plan_node_id, int column_count, const sql_type *types,
                       int key_count, const sort_key *keys, uint64_t n, int output_count,
                       const int *output_channels, shoal_error *error)
{
    if (output_count > 256 || column_count < 1 || n >= UINT32_MAX) {
        error_set(error, ERR_NOT_SUPPORTED, "TopN: bad arguments");
        return NULL;
    }
    top_n_operator *t = calloc(1, sizeof *t);
    if (!t) {
        oom(error);
        return NULL;
    }
    operator_init_header(&t->base, &top_n_ops, plan_node_id);
    string_arena_init(&t->strings);
    t->n = n;
    t->column_count = column_count;
    t->output_count = output_count;
    t->types = malloc(sizeof *types * (size_t)column_count);
    t->output_channels = malloc(sizeof(int) * (size_t)(output_count + 1));
    t->columns = calloc((size_t)column_count, sizeof *t->columns);
    if (!t->types || !t->output_channels || !t->columns) {
        oom(error);
        tn_close(&t->base);
        return NULL;
    }
    memcpy(t->types, types, sizeof *types * (size_t)column_count);
    if (output_count > 0)
        memcpy(t->output_channels, output_channels, sizeof(int) * (size_t)output_count);
    if (!sort_layout_init(&t->layout, key_count, keys, types, error)) {
        tn_close(&t->base);
        return NULL;
    }
    for (int c = 0; c < column_count; c++) {
        if (!column_buffer_init(&t->columns[c], types[c], error)) {
            tn_close(&t->base);
            return NULL;
        }
        if (!column_buffer_reserve(&t->columns[c], n + 1)) {
            oom(error);
            tn_close(&t->base);
            return NULL;
        }
        memset(t->columns[c].values, 0, (n + 1) * t->columns[c].width);
        t->columns[c].count = n + 1;
    }
    t->slot_keys = calloc(n + 1, t->layout.key_bytes ? t->layout.key_bytes : 1);
    t->slot_seq = calloc(n + 1, sizeof *t->slot_seq);
    t->heap = calloc(n + 1, sizeof *t->heap);
    t->scratch = malloc((size_t)VECTOR_SIZE * t->layout.record_bytes);
    if (!t->slot_keys || !t->slot_seq || !t->heap || !t->scratch) {
        oom(error);
        tn_close(&t->base);
        return NULL;
    }
    t->spare = (uint32_t)n;
    return &t->base;
}
