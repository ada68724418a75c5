/*
 * op_join_bridge.c — collecting build pages from several drivers, building
 * the shared join table with all of them (page tasks, then partition
 * tasks), publishing the dynamic filter, and counting probe drivers out.
 */
#include "op_join_bridge.h"

#include <stdlib.h>
#include <string.h>

enum { PARALLEL_BUILD_MIN_ROWS = 1 << 16 };

static bool bridge_oom(join_bridge *b, shoal_error *error)
{
    if (b)
        join_bridge_unref(b);
    return error_set(error, ERR_EXCEEDED_LOCAL_MEMORY_LIMIT, "Out of memory creating a join");
}

join_bridge *join_bridge_create(const join_bridge_config *config, shoal_error *error)
{
    join_bridge *b = calloc(1, sizeof *b);
    if (!b) {
        bridge_oom(NULL, error);
        return NULL;
    }
    atomic_init(&b->refcount, 1);
    pthread_mutex_init(&b->lock, NULL);
    operator_event_init(&b->collected);
    operator_event_init(&b->hashed);
    operator_event_init(&b->built);
    b->column_count = config->build_column_count;
    b->key_count = config->key_count;
    b->track_matches = config->track_matches;
    b->build_driver_count = config->build_driver_count > 0 ? config->build_driver_count : 1;
    b->builders_pending = b->build_driver_count;
    atomic_init(&b->probes_pending, config->probe_driver_count > 0 ? config->probe_driver_count : 1);
    b->types = malloc(sizeof(sql_type) * (size_t)(b->column_count + 1));
    b->key_channels = malloc(sizeof(int) * (size_t)(b->key_count + 1));
    b->columns = calloc((size_t)(b->column_count + 1), sizeof *b->columns);
    b->column_has_nulls = calloc((size_t)(b->column_count + 1), sizeof *b->column_has_nulls);
    if (!b->types || !b->key_channels || !b->columns || !b->column_has_nulls) {
        bridge_oom(b, error);
        return NULL;
    }
    if (b->column_count > 0)
        memcpy(b->types, config->build_types, sizeof(sql_type) * (size_t)b->column_count);
    if (b->key_count > 0)
        memcpy(b->key_channels, config->build_key_channels, sizeof(int) * (size_t)b->key_count);
    for (int c = 0; c < b->column_count; c++) {
        if (!column_buffer_init(&b->columns[c], b->types[c], error)) {
            b->column_count = c;
            join_bridge_unref(b);
            return NULL;
        }
    }
    if (b->key_count > 0) {
        const column_buffer *keys[64];
        if (b->key_count > 64) {
            error_set(error, ERR_NOT_SUPPORTED, "Too many join keys");
            join_bridge_unref(b);
            return NULL;
        }
        for (int k = 0; k < b->key_count; k++)
            keys[k] = &b->columns[b->key_channels[k]];
        if (!join_hash_table_init(&b->table, b->key_count, keys, error)) {
            join_bridge_unref(b);
            return NULL;
        }
    }
    return b;
}

join_bridge *join_bridge_ref(join_bridge *b)
{
    atomic_fetch_add_explicit(&b->refcount, 1, memory_order_relaxed);
    return b;
}

void join_bridge_unref(join_bridge *b)
{
    if (!b || atomic_fetch_sub_explicit(&b->refcount, 1, memory_order_acq_rel) != 1)
        return;
    for (int i = 0; i < b->page_count; i++)
        page_unref(b->pages[i]);
    free(b->pages);
    free(b->page_first_row);
    if (b->columns)
        for (int c = 0; c < b->column_count; c++)
            column_buffer_free(&b->columns[c]);
    free(b->columns);
    free(b->column_has_nulls);
    join_hash_table_free(&b->table);
    free(b->next);
    free(b->matched);
    dynamic_filter_free(&b->filter);
    free(b->types);
    free(b->key_channels);
    operator_event_destroy(&b->collected);
    operator_event_destroy(&b->hashed);
    operator_event_destroy(&b->built);
    pthread_mutex_destroy(&b->lock);
    free(b);
}

const dynamic_filter *join_bridge_dynamic_filter(join_bridge *b)
{
    if (!join_bridge_is_built(b) || b->failed || b->key_count == 0)
        return NULL;
    return &b->filter;
}

/* ---- failure -------------------------------------------------------------------- */

/* Records the first error and opens every phase so no driver waits forever. */
static void build_failed(join_bridge *b, error_code code, const char *message)
{
    pthread_mutex_lock(&b->lock);
    if (!b->failed) {
        b->failed = true;
        if (!error_is_set(&b->error))
            error_set(&b->error, code, "%s", message);
    }
    pthread_mutex_unlock(&b->lock);
    operator_event_set(&b->collected);
    operator_event_set(&b->hashed);
    operator_event_set(&b->built);
}

static void build_oom(join_bridge *b)
{
    build_failed(b, ERR_EXCEEDED_LOCAL_MEMORY_LIMIT, "Query exceeded memory building a join");
}

/* ---- phase 1: sizing (the last driver to hand over, O(pages)) ---------------------- */

static int partition_count_for(const join_bridge *b, uint64_t rows)
{
    if (b->build_driver_count < 2 || rows < PARALLEL_BUILD_MIN_ROWS)
        return 1;
    int partitions = 1;
    while (partitions < b->build_driver_count * 2 && partitions < JOIN_TABLE_MAX_PARTITIONS)
        partitions *= 2;
    return partitions;
}

static bool column_may_hold_nulls(const join_bridge *b, int c)
{
    for (int i = 0; i < b->page_count; i++)
        if (vector_view_of(&b->pages[i]->columns[c]).validity)
            return true;
    return false;
}

static bool size_build(join_bridge *b)
{
    uint64_t rows = 0;
    b->page_first_row = malloc(sizeof *b->page_first_row * (size_t)(b->page_count + 1));
    if (!b->page_first_row)
        return false;
    for (int i = 0; i < b->page_count; i++) {
        b->page_first_row[i] = rows;
        rows += b->pages[i]->row_count;
    }
    if (rows >= JOIN_NO_ROW) {
        build_failed(b, ERR_NOT_SUPPORTED, "Join build side has too many rows");
        return true;
    }
    b->row_count = rows;
    for (int c = 0; c < b->column_count; c++) {
        if (!column_buffer_reserve(&b->columns[c], rows + 1))
            return false;
        if (column_may_hold_nulls(b, c) && !column_buffer_make_nulls(&b->columns[c]))
            return false;
    }
    if (b->track_matches && !(b->matched = calloc(rows + 1, 1)))
        return false;
    if (b->key_count == 0)
        return true;
    sql_type key_types[64];
    for (int k = 0; k < b->key_count; k++)
        key_types[k] = b->types[b->key_channels[k]];
    b->next = malloc(sizeof(uint32_t) * (rows + 1));
    return b->next && join_hash_table_prepare(&b->table, rows, partition_count_for(b, rows)) &&
           dynamic_filter_init(&b->filter, b->key_count, key_types, rows);
}

void join_bridge_builder_done(join_bridge *b, page **pages, int page_count)
{
    pthread_mutex_lock(&b->lock);
    bool ok = true;
    if (b->page_count + page_count > b->page_capacity) {
        int capacity = b->page_capacity ? b->page_capacity : 16;
        while (capacity < b->page_count + page_count)
            capacity *= 2;
        page **grown = realloc(b->pages, sizeof *grown * (size_t)capacity);
        if (grown) {
            b->pages = grown;
            b->page_capacity = capacity;
        } else {
            ok = false;
        }
    }
    if (ok) {
        if (page_count > 0)
            memcpy(b->pages + b->page_count, pages, sizeof *pages * (size_t)page_count);
        b->page_count += page_count;
    } else {
        for (int i = 0; i < page_count; i++)
            page_unref(pages[i]);
    }
    bool last = --b->builders_pending == 0;
    pthread_mutex_unlock(&b->lock);
    if (!ok) {
        build_oom(b);
        return;
    }
    if (!last || b->failed)
        return;
    if (!size_build(b)) {
        build_oom(b);
        return;
    }
    operator_event_set(&b->collected);
}

/* ---- phase 2: page tasks ----------------------------------------------------------- */

static bool run_page_task(join_bridge *b, int i)
{
    const page *p = b->pages[i];
    uint64_t first = b->page_first_row[i];
    bool nulls[64] = {0};
    for (int c = 0; c < b->column_count; c++) {
        bool has_nulls = false;
        if (!column_buffer_write_at(&b->columns[c], first, &p->columns[c], p->row_count, &has_nulls))
            return false;
        nulls[c < 64 ? c : 63] |= has_nulls;
    }
    if (b->key_count > 0) {
        const vector *keys[64];
        dynamic_filter_key ranges[DYNAMIC_FILTER_MAX_KEYS];
        for (int k = 0; k < b->key_count; k++)
            keys[k] = &p->columns[b->key_channels[k]];
        if (join_hash_table_hash_page(&b->table, keys, p->row_count, first) > 0)
            atomic_store_explicit(&b->has_null_key_flag, true, memory_order_relaxed);
        for (int k = 0; k < b->filter.key_count; k++) {
            ranges[k] = b->filter.keys[k];
            ranges[k].has_range = false;
            ranges[k].min = INT64_MAX;
            ranges[k].max = INT64_MIN;
            if (dynamic_filter_type_has_range(ranges[k].type))
                dynamic_filter_add_range(&ranges[k], keys[k], p->row_count);
        }
        pthread_mutex_lock(&b->lock);
        for (int k = 0; k < b->filter.key_count; k++)
            dynamic_filter_key_widen(&b->filter.keys[k], &ranges[k]);
        pthread_mutex_unlock(&b->lock);
    }
    if (b->column_count > 0) {
        pthread_mutex_lock(&b->lock);
        for (int c = 0; c < b->column_count; c++)
            b->column_has_nulls[c] |= nulls[c < 64 ? c : 63];
        pthread_mutex_unlock(&b->lock);
    }
    return true;
}

static void publish(join_bridge *b);

/* The columns are complete: open the partition tasks (or finish a key-less build). */
static void pages_finished(join_bridge *b)
{
    for (int c = 0; c < b->column_count; c++) {
        b->columns[c].count = b->row_count;
        b->columns[c].has_nulls = b->column_has_nulls[c];
    }
    if (b->key_count == 0) {
        publish(b);
        return;
    }
    if (!join_hash_table_size_directory(&b->table)) {
        build_oom(b);
        return;
    }
    operator_event_set(&b->hashed);
}

/* ---- phase 3: partition tasks -------------------------------------------------------- */

/* Adds the keys in slots [from, to) to the bloom filter. */
static void add_to_bloom(join_bridge *b, uint64_t from, uint64_t to)
{
    if (!b->filter.bloom)
        return;
    const join_table_entry *entries = b->table.entries;
    for (uint64_t s = from; s < to; s++)
        if (entries[s].count)
            dynamic_filter_add_hash(&b->filter, entries[s].hash);
}

static void run_partition_task(join_bridge *b, int p)
{
    if (!join_hash_table_insert_partition(&b->table, p, b->next)) {
        atomic_store(&b->partition_full, true);
        return;
    }
    uint64_t first = (uint64_t)p << b->table.partition_shift;
    add_to_bloom(b, first, first + b->table.range_mask + 1);
}

static void publish(join_bridge *b)
{
    if (b->key_count > 0) {
        if (atomic_load(&b->partition_full)) {
            if (!join_hash_table_rebuild_single(&b->table, b->next)) {
                build_oom(b);
                return;
            }
            if (b->filter.bloom)
                memset(b->filter.bloom, 0, (b->filter.bloom_mask + 1) * sizeof(uint64_t));
            add_to_bloom(b, 0, b->table.capacity);
        }
        join_hash_table_finish_build(&b->table);
        b->has_null_key = atomic_load(&b->has_null_key_flag);
        b->filter.match_nothing = b->table.distinct_count == 0;
    }
    uint64_t bytes = (b->matched ? b->row_count : 0) + join_hash_table_bytes(&b->table) +
                     (b->next ? sizeof(uint32_t) * b->row_count : 0);
    for (int i = 0; i < b->page_count; i++)
        bytes += page_retained_bytes(b->pages[i]);
    for (int c = 0; c < b->column_count; c++)
        bytes += column_buffer_bytes(&b->columns[c]);
    if (b->filter.bloom)
        bytes += (b->filter.bloom_mask + 1) * sizeof(uint64_t);
    b->memory_bytes = bytes;
    operator_event_set(&b->built);
}

/* ---- the step every build driver runs --------------------------------------------- */

join_build_status join_bridge_build_step(join_bridge *b, operator_event **wait)
{
    if (operator_event_is_set(&b->built))
        return JOIN_BUILD_DONE;
    if (!operator_event_is_set(&b->collected)) {
        *wait = &b->collected;
        return JOIN_BUILD_WAIT;
    }
    int i = atomic_fetch_add(&b->next_page_task, 1);
    if (i < b->page_count) {
        if (!run_page_task(b, i))
            build_oom(b);
        if (atomic_fetch_add(&b->pages_done, 1) + 1 == b->page_count && !b->failed)
            pages_finished(b);
        return JOIN_BUILD_WORKED;
    }
    if (b->page_count == 0 && atomic_fetch_add(&b->pages_done, 1) == 0) {
        pages_finished(b);
        return JOIN_BUILD_WORKED;
    }
    if (!operator_event_is_set(&b->hashed)) {
        *wait = &b->hashed;
        return JOIN_BUILD_WAIT;
    }
    int p = b->key_count > 0 ? atomic_fetch_add(&b->next_partition_task, 1) : b->table.partition_count;
    if (p < b->table.partition_count) {
        run_partition_task(b, p);
        if (atomic_fetch_add(&b->partitions_done, 1) + 1 == b->table.partition_count && !b->failed)
            publish(b);
        return JOIN_BUILD_WORKED;
    }
    if (operator_event_is_set(&b->built))
        return JOIN_BUILD_DONE;
    *wait = &b->built;
    return JOIN_BUILD_WAIT;
}

void join_bridge_set_probe_drivers(join_bridge *b, int count)
{
    atomic_store(&b->probes_pending, count > 0 ? count : 1);
}

bool join_bridge_probe_done(join_bridge *b)
{
    return atomic_fetch_sub_explicit(&b->probes_pending, 1, memory_order_acq_rel) == 1;
}
