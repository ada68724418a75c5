/*
 * op_join_bridge.c — collecting build pages from several drivers, building
 * the shared hash table once, publishing the dynamic filter, and counting
 * probe drivers out.
 */
#include "op_join_bridge.h"

#include <stdlib.h>
#include <string.h>

join_bridge *join_bridge_create(const join_bridge_config *config, shoal_error *error)
{
    join_bridge *b = calloc(1, sizeof *b);
    if (!b)
        goto oom;
    atomic_init(&b->refcount, 1);
    pthread_mutex_init(&b->lock, NULL);
    operator_event_init(&b->built);
    b->column_count = config->build_column_count;
    b->key_count = config->key_count;
    b->track_matches = config->track_matches;
    b->builders_pending = config->build_driver_count > 0 ? config->build_driver_count : 1;
    atomic_init(&b->probes_pending, config->probe_driver_count > 0 ? config->probe_driver_count : 1);
    b->types = malloc(sizeof(sql_type) * (size_t)(b->column_count + 1));
    b->key_channels = malloc(sizeof(int) * (size_t)(b->key_count + 1));
    b->columns = calloc((size_t)(b->column_count + 1), sizeof *b->columns);
    if (!b->types || !b->key_channels || !b->columns)
        goto oom;
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
        sql_type key_types[64];
        if (b->key_count > 64) {
            error_set(error, ERR_NOT_SUPPORTED, "Too many join keys");
            join_bridge_unref(b);
            return NULL;
        }
        for (int k = 0; k < b->key_count; k++)
            key_types[k] = b->types[b->key_channels[k]];
        b->table = hash_table_create(b->key_count, key_types, 2 * sizeof(uint32_t), 0, error);
        if (!b->table) {
            join_bridge_unref(b);
            return NULL;
        }
    }
    return b;
oom:
    if (b)
        join_bridge_unref(b);
    error_set(error, ERR_EXCEEDED_LOCAL_MEMORY_LIMIT, "Out of memory creating a join");
    return NULL;
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
    if (b->columns)
        for (int c = 0; c < b->column_count; c++)
            column_buffer_free(&b->columns[c]);
    free(b->columns);
    hash_table_free(b->table);
    free(b->next);
    free(b->matched);
    for (int k = 0; k < b->filter.column_count; k++)
        free(b->filter.columns[k].values);
    free(b->filter.columns);
    free(b->types);
    free(b->key_channels);
    operator_event_destroy(&b->built);
    pthread_mutex_destroy(&b->lock);
    free(b);
}

/* ---- dynamic filter -------------------------------------------------------- */

static value value_from_row(sql_type type, const unsigned char *bytes)
{
    value v;
    memset(&v, 0, sizeof v);
    v.type = type;
    switch (type_physical(type)) {
    case PHYSICAL_BOOL: v.u.boolean = bytes[0] != 0; break;
    case PHYSICAL_INT8: v.u.i64 = *(const int8_t *)bytes; break;
    case PHYSICAL_INT16: { int16_t x; memcpy(&x, bytes, 2); v.u.i64 = x; break; }
    case PHYSICAL_INT32: { int32_t x; memcpy(&x, bytes, 4); v.u.i64 = x; break; }
    case PHYSICAL_INT64: memcpy(&v.u.i64, bytes, 8); break;
    case PHYSICAL_INT128: memcpy(&v.u.i128, bytes, 16); break;
    case PHYSICAL_FLOAT: memcpy(&v.u.f32, bytes, 4); break;
    case PHYSICAL_DOUBLE: memcpy(&v.u.f64, bytes, 8); break;
    case PHYSICAL_STRING: memcpy(&v.u.string, bytes, 16); break;
    case PHYSICAL_TIMESTAMP_TZ: memcpy(&v.u.tstz, bytes, sizeof(timestamp_tz)); break;
    default: v.is_null = true; break;
    }
    return v;
}

/* <0, 0, >0; only for orderable scalar values of one type */
static int value_order(const value *a, const value *b)
{
    switch (type_physical(a->type)) {
    case PHYSICAL_BOOL: return (int)a->u.boolean - (int)b->u.boolean;
    case PHYSICAL_INT8:
    case PHYSICAL_INT16:
    case PHYSICAL_INT32:
    case PHYSICAL_INT64: return a->u.i64 < b->u.i64 ? -1 : a->u.i64 > b->u.i64;
    case PHYSICAL_INT128: return a->u.i128 < b->u.i128 ? -1 : a->u.i128 > b->u.i128;
    case PHYSICAL_FLOAT: return a->u.f32 < b->u.f32 ? -1 : a->u.f32 > b->u.f32;
    case PHYSICAL_DOUBLE: return a->u.f64 < b->u.f64 ? -1 : a->u.f64 > b->u.f64;
    case PHYSICAL_STRING: return string_view_compare(&a->u.string, &b->u.string);
    case PHYSICAL_TIMESTAMP_TZ:
        return a->u.tstz.micros_utc < b->u.tstz.micros_utc ? -1
                                                           : a->u.tstz.micros_utc > b->u.tstz.micros_utc;
    default: return 0;
    }
}

static bool range_type_ok(sql_type type)
{
    physical_type p = type_physical(type);
    if (p == PHYSICAL_FLOAT || p == PHYSICAL_DOUBLE)
        return false; /* NaN makes ranges unsafe */
    return type_is_orderable(type) && type.kind != TYPE_UUID && p != PHYSICAL_LIST &&
           p != PHYSICAL_STRUCT;
}

static bool build_dynamic_filter(join_bridge *b)
{
    join_dynamic_filter *f = &b->filter;
    hash_table *t = b->table;
    f->column_count = b->key_count;
    f->columns = calloc((size_t)b->key_count, sizeof *f->columns);
    if (!f->columns)
        return false;
    f->build_empty = t->row_count == 0;
    bool small = t->row_count <= JOIN_DYNAMIC_FILTER_MAX_VALUES;
    for (int k = 0; k < b->key_count; k++) {
        join_dynamic_filter_column *c = &f->columns[k];
        c->type = t->key_types[k];
        bool ranged = range_type_ok(c->type);
        if (small) {
            c->values = calloc(t->row_count + 1, sizeof *c->values);
            if (!c->values)
                return false;
            c->has_values = true;
        }
        for (uint64_t r = 0; r < t->row_count; r++) {
            unsigned char *row = hash_table_row(t, r);
            value v = value_from_row(c->type, row + t->key_offsets[k]);
            if (small)
                c->values[c->value_count++] = v;
            if (!ranged)
                continue;
            if (!c->has_range) {
                c->min = c->max = v;
                c->has_range = true;
            } else {
                if (value_order(&v, &c->min) < 0)
                    c->min = v;
                if (value_order(&v, &c->max) > 0)
                    c->max = v;
            }
        }
    }
    return true;
}

const join_dynamic_filter *join_bridge_dynamic_filter(join_bridge *b)
{
    if (!join_bridge_is_built(b) || b->failed || b->key_count == 0)
        return NULL;
    return &b->filter;
}

bool join_dynamic_filter_range(const join_dynamic_filter *f, int key, int table_column,
                               column_range *out)
{
    if (!f || key < 0 || key >= f->column_count || !f->columns[key].has_range)
        return false;
    memset(out, 0, sizeof *out);
    out->column = table_column;
    out->has_low = out->low_inclusive = true;
    out->has_high = out->high_inclusive = true;
    out->low = f->columns[key].min;
    out->high = f->columns[key].max;
    return true;
}

/* ---- building ------------------------------------------------------------------ */

static bool build_page(join_bridge *b, const page *p, uint64_t base, unsigned char **rows,
                       uint32_t *selection, uint32_t *fresh)
{
    uint32_t n = 0;
    /* rows with a NULL in any key never match */
    for (uint32_t i = 0; i < p->row_count; i++)
        selection[i] = i;
    n = p->row_count;
    const vector *keys[64];
    for (int k = 0; k < b->key_count; k++) {
        keys[k] = &p->columns[b->key_channels[k]];
        vector_view view = vector_view_of(keys[k]);
        if (!view.validity)
            continue;
        uint32_t kept = 0;
        for (uint32_t j = 0; j < n; j++) {
            uint32_t x = vector_view_index(&view, selection[j]);
            selection[kept] = selection[j];
            kept += vector_view_valid(&view, x);
        }
        n = kept;
    }
    if (n < p->row_count)
        b->has_null_key = true;
    uint32_t fresh_count = 0;
    if (!hash_table_find_or_insert(b->table, keys, n == p->row_count ? NULL : selection, n, rows,
                                   fresh, &fresh_count, &b->error))
        return false;
    uint32_t empty_chain[2] = {JOIN_NO_ROW, 0};
    for (uint32_t j = 0; j < fresh_count; j++)
        memcpy(rows[fresh[j]] + b->table->payload_offset, empty_chain, 8);
    for (uint32_t j = 0; j < n; j++) {
        uint32_t id = (uint32_t)(base + selection[j]);
        unsigned char *payload = rows[j] + b->table->payload_offset;
        uint32_t chain[2];
        memcpy(chain, payload, 8);
        b->next[id] = chain[0];
        chain[0] = id;
        chain[1]++;
        memcpy(payload, chain, 8);
    }
    return true;
}

static bool join_bridge_build(join_bridge *b)
{
    uint64_t rows = 0;
    uint64_t page_bytes = 0;
    for (int i = 0; i < b->page_count; i++) {
        rows += b->pages[i]->row_count;
        page_bytes += page_retained_bytes(b->pages[i]);
    }
    if (rows >= JOIN_NO_ROW)
        return error_set(&b->error, ERR_NOT_SUPPORTED, "Join build side has too many rows");
    b->row_count = rows;
    for (int c = 0; c < b->column_count; c++)
        if (!column_buffer_reserve(&b->columns[c], rows))
            goto oom;
    for (int i = 0; i < b->page_count; i++)
        for (int c = 0; c < b->column_count; c++)
            if (!column_buffer_append(&b->columns[c], &b->pages[i]->columns[c], NULL,
                                      b->pages[i]->row_count, NULL))
                goto oom;
    if (b->track_matches) {
        b->matched = calloc(rows + 1, 1);
        if (!b->matched)
            goto oom;
    }
    uint64_t bytes = page_bytes + (b->matched ? rows : 0);
    for (int c = 0; c < b->column_count; c++)
        bytes += column_buffer_bytes(&b->columns[c]);
    if (b->key_count > 0) {
        b->next = malloc(sizeof(uint32_t) * (rows + 1));
        unsigned char **row_scratch = malloc(sizeof(unsigned char *) * VECTOR_SIZE);
        uint32_t *selection = malloc(sizeof(uint32_t) * VECTOR_SIZE * 2);
        bool ok = b->next && row_scratch && selection && hash_table_reserve(b->table, rows);
        uint64_t base = 0;
        for (int i = 0; ok && i < b->page_count; i++) {
            ok = build_page(b, b->pages[i], base, row_scratch, selection, selection + VECTOR_SIZE);
            base += b->pages[i]->row_count;
        }
        free(row_scratch);
        free(selection);
        if (!ok)
            goto oom;
        if (!build_dynamic_filter(b))
            goto oom;
        bytes += hash_table_bytes(b->table) + sizeof(uint32_t) * rows;
    }
    b->memory_bytes = bytes;
    return true;
oom:
    if (!error_is_set(&b->error))
        error_set(&b->error, ERR_EXCEEDED_LOCAL_MEMORY_LIMIT, "Query exceeded memory building a join");
    return false;
}

bool join_bridge_builder_done(join_bridge *b, page **pages, int page_count)
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
        b->failed = true;
        error_set(&b->error, ERR_EXCEEDED_LOCAL_MEMORY_LIMIT, "Out of memory collecting a join build");
    }
    bool last = --b->builders_pending == 0;
    pthread_mutex_unlock(&b->lock);
    if (!last)
        return false;
    if (!b->failed && !join_bridge_build(b))
        b->failed = true;
    operator_event_set(&b->built);
    return true;
}

bool join_bridge_probe_done(join_bridge *b)
{
    return atomic_fetch_sub_explicit(&b->probes_pending, 1, memory_order_acq_rel) == 1;
}
