/*
 * op_distinct_limit.c — streaming distinct over the shared hash table; the
 * new rows of each page leave as dictionary slices of its key columns.
 */
#include "op_distinct_limit.h"

#include <stdlib.h>
#include <string.h>

#include "operators/hash_table.h"
#include "operators/op_memory.h"

typedef struct distinct_limit_operator {
    operator base;
    int key_count;
    int *key_channels;
    int64_t remaining;                 /* -1: unlimited */
    hash_table *table;
    page *pending;
    bool finishing;
    op_memory memory;
    unsigned char *rows[VECTOR_SIZE];
    uint32_t fresh[VECTOR_SIZE];
} distinct_limit_operator;

static bool dl_needs_input(operator *op)
{
    distinct_limit_operator *d = (distinct_limit_operator *)op;
    return !d->pending && !d->finishing && d->remaining != 0;
}

static bool dl_add_input(operator *op, page *p, shoal_error *error)
{
    distinct_limit_operator *d = (distinct_limit_operator *)op;
    const vector *keys[64];
    for (int k = 0; k < d->key_count; k++)
        keys[k] = &p->columns[d->key_channels[k]];
    uint32_t fresh_count = 0;
    if (!hash_table_find_or_insert(d->table, keys, NULL, p->row_count, d->rows, d->fresh,
                                   &fresh_count, error)) {
        page_unref(p);
        return false;
    }
    if (d->remaining >= 0 && fresh_count > d->remaining)
        fresh_count = (uint32_t)d->remaining;
    if (d->remaining > 0)
        d->remaining -= fresh_count;
    if (fresh_count > 0) {
        page *out = page_new_empty(d->key_count);
        bool ok = out != NULL;
        int c = 0;
        if (ok) {
            out->row_count = fresh_count;
            for (; ok && c < d->key_count; c++)
                ok = vector_init_dictionary(&out->columns[c], keys[c], d->fresh, fresh_count);
        }
        if (!ok) {
            if (out) {
                out->column_count = c;
                page_unref(out);
            }
            page_unref(p);
            return error_set(error, ERR_EXCEEDED_LOCAL_MEMORY_LIMIT, "Out of memory in DistinctLimit");
        }
        d->pending = out;
    }
    page_unref(p);
    op_memory_set(op, &d->memory, hash_table_bytes(d->table));
    return true;
}

static bool dl_get_output(operator *op, page **out, shoal_error *error)
{
    (void)error;
    distinct_limit_operator *d = (distinct_limit_operator *)op;
    *out = d->pending;
    d->pending = NULL;
    return true;
}

static void dl_finish(operator *op)
{
    ((distinct_limit_operator *)op)->finishing = true;
}

static bool dl_is_finished(operator *op)
{
    distinct_limit_operator *d = (distinct_limit_operator *)op;
    return !d->pending && (d->finishing || d->remaining == 0);
}

static void dl_close(operator *op)
{
    distinct_limit_operator *d = (distinct_limit_operator *)op;
    page_unref(d->pending);
    hash_table_free(d->table);
    free(d->key_channels);
    free(d);
}

static const operator_ops distinct_limit_ops = {
    .name = "DistinctLimit",
    .needs_input = dl_needs_input,
    .add_input = dl_add_input,
    .get_output = dl_get_output,
    .finish = dl_finish,
    .is_finished = dl_is_finished,
    .close = dl_close,
};

operator *distinct_limit_create(int plan_node_id, int key_count, const int *key_channels,
                                const sql_type *key_types, int64_t limit, shoal_error *error)
{
    if (key_count < 1 || key_count > 64) {
        error_set(error, ERR_GENERIC_INTERNAL_ERROR, "DistinctLimit needs 1..64 keys");
        return NULL;
    }
    distinct_limit_operator *d = calloc(1, sizeof *d);
    if (!d) {
        error_set(error, ERR_EXCEEDED_LOCAL_MEMORY_LIMIT, "Out of memory");
        return NULL;
    }
    operator_init_header(&d->base, &distinct_limit_ops, plan_node_id);
    d->key_count = key_count;
    d->remaining = limit < 0 ? -1 : limit;
    d->key_channels = malloc(sizeof(int) * (size_t)key_count);
    if (!d->key_channels) {
        error_set(error, ERR_EXCEEDED_LOCAL_MEMORY_LIMIT, "Out of memory");
        dl_close(&d->base);
        return NULL;
    }
    memcpy(d->key_channels, key_channels, sizeof(int) * (size_t)key_count);
    d->table = hash_table_create(key_count, key_types, 0, limit > 0 ? (uint64_t)limit : 0, error);
    if (!d->table) {
        dl_close(&d->base);
        return NULL;
    }
    return &d->base;
}
