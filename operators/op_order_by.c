/*
 * op_order_by.c — buffer (column buffers + string arena + encoded key
 * records), sort once, emit by gathering the sorted row ids.
 */
#include "op_order_by.h"

#include <stdlib.h>
#include <string.h>

#include "operators/op_memory.h"

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
    return true;
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
    if (!o->sorted) {
        unsigned char *scratch = malloc(o->record_count * o->layout.record_bytes + 1);
        if (!scratch)
            return oom(error);
        bool ok = sort_records(&o->layout, o->records, scratch, o->record_count, o->columns);
        free(scratch);
        if (!ok)
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
