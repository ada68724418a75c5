/*
 * op_set_operation.c — one hash table over all data columns with two
 * counters per row; the marker column picks which counter each input row
 * bumps (per-vector loops, no per-row calls).
 */
#include "op_set_operation.h"

#include <stdlib.h>
#include <string.h>

#include "operators/hash_table.h"
#include "operators/op_memory.h"

typedef struct set_counts {
    uint64_t left;
    uint64_t right;
} set_counts;

typedef struct set_operation_operator {
    operator base;
    set_operation_kind kind;
    bool all;
    int column_count;
    sql_type *types;
    hash_table *table;
    bool finishing;
    bool finished;
    uint64_t cursor;                   /* next table row */
    uint64_t repeat_done;              /* copies of the cursor row already emitted */
    op_memory memory;
    unsigned char *rows[VECTOR_SIZE];
    uint32_t fresh[VECTOR_SIZE];
} set_operation_operator;

static bool so_needs_input(operator *op)
{
    return !((set_operation_operator *)op)->finishing;
}

static bool so_add_input(operator *op, page *p, shoal_error *error)
{
    set_operation_operator *s = (set_operation_operator *)op;
    const vector *keys[64];
    for (int k = 0; k < s->column_count; k++)
        keys[k] = &p->columns[k];
    uint32_t fresh_count = 0;
    if (!hash_table_find_or_insert(s->table, keys, NULL, p->row_count, s->rows, s->fresh,
                                   &fresh_count, error)) {
        page_unref(p);
        return false;
    }
    for (uint32_t i = 0; i < fresh_count; i++)
        memset(s->rows[s->fresh[i]] + s->table->payload_offset, 0, sizeof(set_counts));
    const vector *m = &p->columns[s->column_count];
    vector_view view = vector_view_of(m);
    size_t width = type_value_size(m->type);
    for (uint32_t i = 0; i < p->row_count; i++) {
        uint32_t x = vector_view_index(&view, i);
        int64_t side = 0;
        switch (width) {
        case 1: side = ((const int8_t *)view.data)[x]; break;
        case 2: side = ((const int16_t *)view.data)[x]; break;
        case 4: side = ((const int32_t *)view.data)[x]; break;
        default: side = ((const int64_t *)view.data)[x]; break;
        }
        set_counts *c = (set_counts *)(s->rows[i] + s->table->payload_offset);
        if (side == 0)
            c->left++;
        else
            c->right++;
    }
    page_unref(p);
    op_memory_set(op, &s->memory, hash_table_bytes(s->table));
    return true;
}

static uint64_t copies(const set_operation_operator *s, const set_counts *c)
{
    if (s->kind == SET_OPERATION_INTERSECT) {
        uint64_t both = c->left < c->right ? c->left : c->right;
        return s->all ? both : both > 0;
    }
    if (s->all)
        return c->left > c->right ? c->left - c->right : 0;
    return c->left > 0 && c->right == 0;
}

static bool so_get_output(operator *op, page **out, shoal_error *error)
{
    set_operation_operator *s = (set_operation_operator *)op;
    *out = NULL;
    if (!s->finishing || s->finished)
        return true;
    uint32_t n = 0;
    while (n < VECTOR_SIZE && s->cursor < s->table->row_count) {
        unsigned char *row = hash_table_row(s->table, s->cursor);
        uint64_t want = copies(s, (const set_counts *)(row + s->table->payload_offset));
        while (s->repeat_done < want && n < VECTOR_SIZE) {
            s->rows[n++] = row;
            s->repeat_done++;
        }
        if (s->repeat_done >= want) {
            s->cursor++;
            s->repeat_done = 0;
        }
    }
    if (s->cursor >= s->table->row_count)
        s->finished = true;
    if (n == 0)
        return true;
    page *p = page_new(s->column_count, s->types, n);
    if (!p)
        return error_set(error, ERR_EXCEEDED_LOCAL_MEMORY_LIMIT, "Out of memory in SetOperation");
    for (int k = 0; k < s->column_count; k++) {
        if (!hash_table_gather_key(s->table, k, s->rows, n, &p->columns[k], 0)) {
            page_unref(p);
            return error_set(error, ERR_EXCEEDED_LOCAL_MEMORY_LIMIT, "Out of memory in SetOperation");
        }
    }
    p->row_count = n;
    *out = p;
    return true;
}

static void so_finish(operator *op)
{
    ((set_operation_operator *)op)->finishing = true;
}

static bool so_is_finished(operator *op)
{
    return ((set_operation_operator *)op)->finished;
}

static void so_close(operator *op)
{
    set_operation_operator *s = (set_operation_operator *)op;
    hash_table_free(s->table);
    free(s->types);
    free(s);
}

static const operator_ops set_operation_ops = {
    .name = "SetOperation",
    .needs_input = so_needs_input,
    .add_input = so_add_input,
    .get_output = so_get_output,
    .finish = so_finish,
    .is_finished = so_is_finished,
    .close = so_close,
};

operator *set_operation_create(int plan_node_id, set_operation_kind kind, bool all,
                               int column_count, const sql_type *types, shoal_error *error)
{
    if (column_count < 1 || column_count > 64) {
        error_set(error, ERR_NOT_SUPPORTED, "Set operation needs 1..64 columns");
        return NULL;
    }
    set_operation_operator *s = calloc(1, sizeof *s);
    if (!s) {
        error_set(error, ERR_EXCEEDED_LOCAL_MEMORY_LIMIT, "Out of memory");
        return NULL;
    }
    operator_init_header(&s->base, &set_operation_ops, plan_node_id);
    s->kind = kind;
    s->all = all;
    s->column_count = column_count;
    s->types = malloc(sizeof *types * (size_t)column_count);
    if (!s->types) {
        error_set(error, ERR_EXCEEDED_LOCAL_MEMORY_LIMIT, "Out of memory");
        so_close(&s->base);
        return NULL;
    }
    memcpy(s->types, types, sizeof *types * (size_t)column_count);
    s->table = hash_table_create(column_count, types, sizeof(set_counts), 0, error);
    if (!s->table) {
        so_close(&s->base);
        return NULL;
    }
    return &s->base;
}
