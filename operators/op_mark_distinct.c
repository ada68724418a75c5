/*
 * op_mark_distinct.c — one hash table of the keys seen; rows that inserted
 * a new key get TRUE. Input columns pass through by reference.
 */
#include "op_mark_distinct.h"

#include <stdlib.h>
#include <string.h>

#include "operators/hash_table.h"
#include "operators/op_memory.h"

typedef struct mark_distinct_operator {
    operator base;
    int key_count;
    int *key_channels;
    hash_table *table;
    page *pending;
    bool finishing;
    op_memory memory;
    unsigned char *rows[VECTOR_SIZE];
    uint32_t fresh[VECTOR_SIZE];
} mark_distinct_operator;

static bool md_needs_input(operator *op)
{
    mark_distinct_operator *m = (mark_distinct_operator *)op;
    return !m->pending && !m->finishing;
}

static bool md_add_input(operator *op, page *p, shoal_error *error)
{
    mark_distinct_operator *m = (mark_distinct_operator *)op;
    const vector *keys[64];
    for (int k = 0; k < m->key_count; k++)
        keys[k] = &p->columns[m->key_channels[k]];
    uint32_t fresh_count = 0;
    if (!hash_table_find_or_insert(m->table, keys, NULL, p->row_count, m->rows, m->fresh,
                                   &fresh_count, error)) {
        page_unref(p);
        return false;
    }
    page *out = page_new_empty(p->column_count + 1);
    bool ok = out != NULL;
    int c = 0;
    if (ok) {
        out->row_count = p->row_count;
        for (; ok && c < p->column_count; c++)
            ok = vector_init_reference(&out->columns[c], &p->columns[c]);
        if (ok) {
            ok = vector_init_flat(&out->columns[c], type_make(TYPE_BOOLEAN),
                                  p->row_count ? p->row_count : 1);
            if (ok) {
                uint8_t *flags = out->columns[c].data;
                memset(flags, 0, p->row_count);
                for (uint32_t i = 0; i < fresh_count; i++)
                    flags[m->fresh[i]] = 1;
            }
            c++;
        }
    }
    page_unref(p);
    if (!ok) {
        if (out) {
            out->column_count = c;
            page_unref(out);
        }
        return error_set(error, ERR_EXCEEDED_LOCAL_MEMORY_LIMIT, "Out of memory in MarkDistinct");
    }
    m->pending = out;
    op_memory_set(op, &m->memory, hash_table_bytes(m->table));
    return true;
}

static bool md_get_output(operator *op, page **out, shoal_error *error)
{
    (void)error;
    mark_distinct_operator *m = (mark_distinct_operator *)op;
    *out = m->pending;
    m->pending = NULL;
    return true;
}

static void md_finish(operator *op)
{
    ((mark_distinct_operator *)op)->finishing = true;
}

static bool md_is_finished(operator *op)
{
    mark_distinct_operator *m = (mark_distinct_operator *)op;
    return m->finishing && !m->pending;
}

static void md_close(operator *op)
{
    mark_distinct_operator *m = (mark_distinct_operator *)op;
    page_unref(m->pending);
    hash_table_free(m->table);
    free(m->key_channels);
    free(m);
}

static const operator_ops mark_distinct_ops = {
    .name = "MarkDistinct",
    .needs_input = md_needs_input,
    .add_input = md_add_input,
    .get_output = md_get_output,
    .finish = md_finish,
    .is_finished = md_is_finished,
    .close = md_close,
};

operator *mark_distinct_create(int plan_node_id, int key_count, const int *key_channels,
                               const sql_type *key_types, shoal_error *error)
{
    if (key_count < 1 || key_count > 64) {
        error_set(error, ERR_GENERIC_INTERNAL_ERROR, "MarkDistinct needs 1..64 keys");
        return NULL;
    }
    mark_distinct_operator *m = calloc(1, sizeof *m);
    if (!m) {
        error_set(error, ERR_EXCEEDED_LOCAL_MEMORY_LIMIT, "Out of memory");
        return NULL;
    }
    operator_init_header(&m->base, &mark_distinct_ops, plan_node_id);
    m->key_count = key_count;
    m->key_channels = malloc(sizeof(int) * (size_t)key_count);
    m->table = hash_table_create(key_count, key_types, 0, 0, error);
    if (!m->key_channels || !m->table) {
        if (!m->key_channels)
            error_set(error, ERR_EXCEEDED_LOCAL_MEMORY_LIMIT, "Out of memory");
        md_close(&m->base);
        return NULL;
    }
    memcpy(m->key_channels, key_channels, sizeof(int) * (size_t)key_count);
    return &m->base;
}
