/*
 * memory_source.c — splits and page sources of the memory connector.
 *
 * A split names a table, the generation of its data and a range of page
 * indexes [begin, end) of the snapshot current when the splits were made.
 * Within a generation a table only grows at the end, so any later snapshot
 * of the same generation holds the same pages at those indexes: every split
 * of one scan reads one consistent version even if an INSERT commits in the
 * meantime. A TRUNCATE-style rewrite starts a new generation; a split of an
 * older one then fails with MISSING_DATA rather than read different data.
 *
 * The source holds its snapshot for its whole life and hands out the stored
 * pages by reference (zero copy): the page itself when every column is asked
 * for in table order, otherwise a new page whose vectors share the stored
 * vectors' memory.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memory_internal.h"

enum { MEMORY_SPLIT_MAGIC = 0x4d454d31 }; /* "MEM1" */

typedef struct memory_split {
    uint32_t magic;
    uint32_t begin, end;        /* page indexes */
    uint32_t reserved;
    uint64_t table_id;
    uint64_t generation;
    uint64_t page_count;        /* pages in the snapshot the split was cut from */
} memory_split;

typedef struct memory_source {
    page_source base;
    memory_snapshot *data;
    uint32_t next, end;
    int column_count;
    int *columns;
    bool identity;
    int64_t rows_left;          /* limit; -1 = none */
    uint64_t bytes;
} memory_source;

bool memory_get_splits(connector *c, const table_metadata *table, const scan_request *request,
                       int desired_splits, split_list *out, shoal_error *error)
{
    (void)request;
    memory_connector *m = (memory_connector *)c;
    pthread_mutex_lock(&m->lock);
    memory_table *t = memory_find_table_locked(m, table->schema, table->name);
    memory_split base = {.magic = MEMORY_SPLIT_MAGIC};
    if (t) {
        base.table_id = t->id;
        base.generation = t->data->generation;
        base.page_count = (uint64_t)t->data->page_count;
    }
    int splits_per_node = m->splits_per_node;
    pthread_mutex_unlock(&m->lock);
    if (!t)
        return error_set(error, ERR_TABLE_NOT_FOUND, "Table '%s.%s.%s' does not exist", m->catalog_name,
                         table->schema, table->name);
    uint64_t n = desired_splits > 0 ? (uint64_t)desired_splits : (uint64_t)splits_per_node;
    if (n > base.page_count)
        n = base.page_count;
    if (n == 0)
        n = 1;
    for (uint64_t k = 0; k < n; k++) {
        memory_split s = base;
        s.begin = (uint32_t)(base.page_count * k / n);
        s.end = (uint32_t)(base.page_count * (k + 1) / n);
        char description[256];
        snprintf(description, sizeof description, "memory %s.%s pages [%u, %u)", table->schema,
                 table->name, s.begin, s.end);
        if (!split_list_add(out, &s, sizeof s, description))
            return error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
    }
    return true;
}

static page *project(memory_source *s, page *stored)
{
    if (s->identity)
        return page_ref(stored);
    page *out = page_new_empty(s->column_count);
    if (!out)
        return NULL;
    out->column_count = 0;
    for (int i = 0; i < s->column_count; i++) {
        if (!vector_init_reference(&out->columns[i], &stored->columns[s->columns[i]])) {
            page_unref(out);
            return NULL;
        }
        out->column_count = i + 1;
    }
    out->row_count = stored->row_count;
    return out;
}

static source_status source_next(page_source *base, page **out, source_wait *wait, shoal_error *error)
{
    memory_source *s = (memory_source *)base;
    (void)wait;
    if (s->next >= s->end || s->rows_left == 0)
        return SOURCE_FINISHED;
    page *stored = s->data->pages[s->next++];
    page *p = project(s, stored);
    if (!p) {
        error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
        return SOURCE_FAILED;
    }
    s->bytes += page_retained_bytes(stored);
    if (s->rows_left > 0)
        s->rows_left = s->rows_left > (int64_t)p->row_count ? s->rows_left - p->row_count : 0;
    *out = p;
    return SOURCE_PAGE;
}

static uint64_t source_completed_bytes(page_source *base)
{
    return ((memory_source *)base)->bytes;
}

static void source_close(page_source *base)
{
    memory_source *s = (memory_source *)base;
    memory_snapshot_release(s->data);
    free(s->columns);
    free(s);
}

static const page_source_ops memory_source_ops = {
    .next = source_next,
    .completed_bytes = source_completed_bytes,
    .close = source_close,
};

static bool parse_split(const split *sp, memory_split *out, shoal_error *error)
{
    if (!sp || sp->size != sizeof *out)
        return error_set(error, ERR_GENERIC_INTERNAL_ERROR, "Invalid memory connector split");
    memcpy(out, sp->bytes, sizeof *out);
    if (out->magic != MEMORY_SPLIT_MAGIC || out->begin > out->end || out->end > out->page_count)
        return error_set(error, ERR_GENERIC_INTERNAL_ERROR, "Invalid memory connector split");
    return true;
}

static bool set_projection(memory_source *s, int table_columns, const scan_request *request,
                           shoal_error *error)
{
    bool all = !request || !request->columns;
    s->column_count = all ? table_columns : request->column_count;
    s->columns = malloc(sizeof *s->columns * (size_t)(s->column_count > 0 ? s->column_count : 1));
    if (!s->columns)
        return error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
    s->identity = s->column_count == table_columns;
    for (int i = 0; i < s->column_count; i++) {
        int column = all ? i : request->columns[i];
        if (column < 0 || column >= table_columns)
            return error_set(error, ERR_GENERIC_INTERNAL_ERROR, "Column index %d out of range", column);
        s->columns[i] = column;
        s->identity = s->identity && column == i;
    }
    return true;
}

page_source *memory_open_page_source(connector *c, const table_metadata *table, const split *sp,
                                     const scan_request *request, shoal_error *error)
{
    memory_connector *m = (memory_connector *)c;
    memory_split split_data;
    if (!parse_split(sp, &split_data, error))
        return NULL;
    memory_source *s = calloc(1, sizeof *s);
    if (!s) {
        error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
        return NULL;
    }
    s->base.ops = &memory_source_ops;
    s->rows_left = request && request->limit >= 0 ? request->limit : -1;
    pthread_mutex_lock(&m->lock);
    memory_table *t = memory_find_table_by_id_locked(m, split_data.table_id);
    int table_columns = t ? t->column_count : 0;
    if (t && t->data->generation == split_data.generation &&
        (uint64_t)t->data->page_count >= split_data.page_count)
        s->data = memory_snapshot_ref(t->data);
    pthread_mutex_unlock(&m->lock);
    if (!s->data) {
        error_set(error, ERR_MISSING_DATA, t ? "Data of table %s.%s changed since the scan was planned"
                                             : "Failed to find table %s.%s on a worker.",
                  table->schema, table->name);
        source_close(&s->base);
        return NULL;
    }
    if (!set_projection(s, table_columns, request, error)) {
        source_close(&s->base);
        return NULL;
    }
    s->next = split_data.begin;
    s->end = split_data.end;
    return &s->base;
}
