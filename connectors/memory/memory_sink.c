/*
 * memory_sink.c — the page sink for INSERT and CREATE TABLE AS. Appended
 * pages are compacted, counted against memory.max-data-per-node (a
 * reservation taken at append, as Trino's MemoryPagesStore.add does) and
 * kept private to the sink; finish publishes them in one new snapshot of the
 * table, abort gives the reservation back. A failed insert therefore never
 * changes the table. A rewrite sink (DELETE, UPDATE) truncates and
 * remembers the data version it replaces: if another write published a
 * version since, finish fails with TRANSACTION_CONFLICT.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memory_internal.h"

typedef struct memory_sink {
    page_sink base;
    memory_connector *connector;
    uint64_t table_id;
    char *table_name;           /* schema.table, for messages */
    bool truncate_first;
    memory_snapshot *expected;   /* rewrite: the data the rows replace (held, so its address stays unique) */
    int column_count;
    sql_type *types;
    page **pages;
    int page_count;
    int page_capacity;
    uint64_t rows;
    uint64_t reserved;
    memory_column_stats *stats;
} memory_sink;

static void sink_free(memory_sink *s)
{
    for (int i = 0; i < s->page_count; i++)
        page_unref(s->pages[i]);
    free(s->pages);
    if (s->expected)
        memory_snapshot_release(s->expected);
    for (int i = 0; s->stats && i < s->column_count; i++)
        memory_stats_destroy(&s->stats[i]);
    free(s->stats);
    free(s->types);
    free(s->table_name);
    free(s);
}

static void give_back_reservation(memory_sink *s)
{
    memory_connector *m = s->connector;
    pthread_mutex_lock(&m->lock);
    m->used_bytes -= s->reserved;
    pthread_mutex_unlock(&m->lock);
    s->reserved = 0;
}

static bool reserve(memory_sink *s, uint64_t bytes, shoal_error *error)
{
    memory_connector *m = s->connector;
    pthread_mutex_lock(&m->lock);
    uint64_t wanted = m->used_bytes + bytes;
    bool ok = wanted <= m->max_bytes;
    if (ok)
        m->used_bytes = wanted;
    pthread_mutex_unlock(&m->lock);
    if (!ok)
        return error_set(error, ERR_MEMORY_LIMIT_EXCEEDED, "Memory limit [%llu] for memory connector exceeded",
                         (unsigned long long)m->max_bytes);
    s->reserved += bytes;
    return true;
}

static bool check_shape(const memory_sink *s, const page *p, shoal_error *error)
{
    if (p->column_count != s->column_count)
        return error_set(error, ERR_GENERIC_INTERNAL_ERROR, "Page has %d columns but table %s has %d",
                         p->column_count, s->table_name, s->column_count);
    for (int i = 0; i < s->column_count; i++) {
        if (!type_equal(p->columns[i].type, s->types[i])) {
            char want[128], got[128];
            type_format(s->types[i], false, want, sizeof want);
            type_format(p->columns[i].type, false, got, sizeof got);
            return error_set(error, ERR_TYPE_MISMATCH, "Column %d of table %s is %s but the page holds %s",
                             i, s->table_name, want, got);
        }
    }
    return true;
}

static bool sink_append(page_sink *base, const page *p, shoal_error *error)
{
    memory_sink *s = (memory_sink *)base;
    if (!check_shape(s, p, error))
        return false;
    if (p->row_count == 0)
        return true;
    if (s->page_count == s->page_capacity) {
        int capacity = s->page_capacity ? s->page_capacity * 2 : 16;
        page **grown = realloc(s->pages, sizeof *grown * (size_t)capacity);
        if (!grown)
            return error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
        s->pages = grown;
        s->page_capacity = capacity;
    }
    page *compact = memory_compact_page(p, error);
    if (!compact)
        return false;
    if (!reserve(s, page_retained_bytes(compact), error)) {
        page_unref(compact);
        return false;
    }
    for (int i = 0; i < s->column_count; i++)
        memory_stats_add_vector(&s->stats[i], &compact->columns[i], compact->row_count);
    s->pages[s->page_count++] = compact;
    s->rows += compact->row_count;
    return true;
}

/* The new version: the old pages (unless truncating) followed by ours. */
static memory_snapshot *next_snapshot_locked(memory_sink *s, memory_snapshot *old)
{
    memory_connector *m = s->connector;
    uint64_t generation = s->truncate_first ? ++m->next_generation : old->generation;
    memory_snapshot *next = memory_snapshot_new(s->column_count, s->types, generation);
    if (!next)
        return NULL;
    int keep = s->truncate_first ? 0 : old->page_count;
    next->pages = malloc(sizeof *next->pages * (size_t)(keep + s->page_count + 1));
    if (!next->pages) {
        memory_snapshot_release(next);
        return NULL;
    }
    for (int i = 0; i < keep; i++)
        next->pages[next->page_count++] = page_ref(old->pages[i]);
    for (int i = 0; i < s->page_count; i++)
        next->pages[next->page_count++] = page_ref(s->pages[i]);
    next->row_count = (s->truncate_first ? 0 : old->row_count) + s->rows;
    next->bytes = (s->truncate_first ? 0 : old->bytes) + s->reserved;
    for (int i = 0; i < s->column_count; i++) {
        if (!s->truncate_first)
            memory_stats_merge(&next->stats[i], &old->stats[i], s->types[i]);
        memory_stats_merge(&next->stats[i], &s->stats[i], s->types[i]);
    }
    return next;
}

static bool sink_finish(page_sink *base, uint64_t *rows, shoal_error *error)
{
    memory_sink *s = (memory_sink *)base;
    memory_connector *m = s->connector;
    pthread_mutex_lock(&m->lock);
    memory_table *t = memory_find_table_by_id_locked(m, s->table_id);
    memory_snapshot *old = NULL, *next = NULL;
    bool conflict = t && s->expected && t->data != s->expected;
    if (t && !conflict) {
        old = t->data;
        next = next_snapshot_locked(s, old);
        if (next) {
            t->data = next;
            if (s->truncate_first)
                m->used_bytes -= old->bytes;
            s->reserved = 0; /* now owned by the table */
        }
    }
    pthread_mutex_unlock(&m->lock);
    bool ok = t && next;
    if (conflict)
        error_set(error, ERR_TRANSACTION_CONFLICT, "Table '%s.%s' was changed by another query while it was "
                  "being rewritten", m->catalog_name, s->table_name);
    else if (!t)
        error_set(error, ERR_TABLE_NOT_FOUND, "Table '%s.%s' does not exist", m->catalog_name, s->table_name);
    else if (!next)
        error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
    if (ok) {
        memory_snapshot_release(old); /* readers may still hold it */
        if (rows)
            *rows = s->rows;
    } else {
        give_back_reservation(s);
    }
    sink_free(s);
    return ok;
}

static void sink_abort(page_sink *base)
{
    memory_sink *s = (memory_sink *)base;
    give_back_reservation(s);
    sink_free(s);
}

static const page_sink_ops memory_sink_ops = {
    .append = sink_append,
    .finish = sink_finish,
    .abort = sink_abort,
};

static page_sink *open_sink(connector *c, const table_metadata *table, bool truncate_first, bool rewrite,
                            shoal_error *error)
{
    memory_connector *m = (memory_connector *)c;
    memory_sink *s = calloc(1, sizeof *s);
    if (!s) {
        error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
        return NULL;
    }
    s->base.ops = &memory_sink_ops;
    s->connector = m;
    s->truncate_first = truncate_first;
    pthread_mutex_lock(&m->lock);
    memory_table *t = memory_find_table_locked(m, table->schema, table->name);
    if (t) {
        s->table_id = t->id;
        s->expected = rewrite ? memory_snapshot_ref(t->data) : NULL;
        s->column_count = t->column_count;
        s->types = malloc(sizeof *s->types * (size_t)t->column_count);
        if (s->types)
            memcpy(s->types, t->column_types, sizeof *s->types * (size_t)t->column_count);
    }
    pthread_mutex_unlock(&m->lock);
    if (!t) {
        error_set(error, ERR_TABLE_NOT_FOUND, "Table '%s.%s.%s' does not exist", m->catalog_name,
                  table->schema, table->name);
        sink_free(s);
        return NULL;
    }
    size_t name_size = strlen(table->schema) + strlen(table->name) + 2;
    s->table_name = malloc(name_size);
    s->stats = calloc((size_t)s->column_count, sizeof *s->stats);
    bool ok = s->types && s->table_name && s->stats;
    if (ok)
        snprintf(s->table_name, name_size, "%s.%s", table->schema, table->name);
    for (int i = 0; ok && i < s->column_count; i++)
        ok = memory_stats_init(&s->stats[i], s->types[i]);
    if (!ok) {
        error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
        sink_free(s);
        return NULL;
    }
    return &s->base;
}

page_sink *memory_open_page_sink(connector *c, const table_metadata *table, bool truncate_first,
                                 shoal_error *error)
{
    return open_sink(c, table, truncate_first, false, error);
}

page_sink *memory_open_rewrite_sink(connector *c, const table_metadata *table, shoal_error *error)
{
    return open_sink(c, table, true, true, error);
}
