/*
 * memory_connector.c — the memory connector's factory (catalog properties),
 * its metadata (schemas, tables, statistics) and DDL.
 */
#include "memory_connector.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "connectors/spi/catalog.h"
#include "memory_internal.h"

/* ---- property values --------------------------------------------------- */

bool memory_parse_data_size(const char *text, uint64_t *bytes)
{
    static const struct { const char *unit; int shift; } units[] = {
        {"B", 0}, {"kB", 10}, {"MB", 20}, {"GB", 30}, {"TB", 40}, {"PB", 50},
    };
    const char *p = text;
    while (isspace((unsigned char)*p))
        p++;
    if (!isdigit((unsigned char)*p))
        return false;
    char *end;
    errno = 0;
    double number = strtod(p, &end);
    if (errno || end == p || end[-1] == '.')
        return false;
    for (const char *q = p; q < end; q++)
        if (!isdigit((unsigned char)*q) && *q != '.')
            return false; /* no exponents, hex or signs */
    while (isspace((unsigned char)*end))
        end++;
    size_t unit_length = 0;
    while (isalpha((unsigned char)end[unit_length]))
        unit_length++;
    for (const char *q = end + unit_length; *q; q++)
        if (!isspace((unsigned char)*q))
            return false;
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        if (strlen(units[i].unit) == unit_length && strncmp(units[i].unit, end, unit_length) == 0) {
            double value = ldexp(number, units[i].shift);
            if (!(value < 18446744073709551616.0))
                return false;
            *bytes = (uint64_t)value;
            return true;
        }
    }
    return false;
}

static bool parse_positive_int(const char *text, int *out)
{
    char *end;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (errno || end == text || *end || v <= 0 || v > 1 << 20)
        return false;
    *out = (int)v;
    return true;
}

static bool parse_boolean(const char *text)
{
    return strcasecmp(text, "true") == 0 || strcasecmp(text, "false") == 0;
}

/* ---- lookups ----------------------------------------------------------- */

memory_table *memory_find_table_locked(memory_connector *m, const char *schema, const char *name)
{
    for (int i = 0; i < m->table_count; i++)
        if (strcmp(m->tables[i]->schema, schema) == 0 && strcmp(m->tables[i]->name, name) == 0)
            return m->tables[i];
    return NULL;
}

memory_table *memory_find_table_by_id_locked(memory_connector *m, uint64_t id)
{
    for (int i = 0; i < m->table_count; i++)
        if (m->tables[i]->id == id)
            return m->tables[i];
    return NULL;
}

int memory_find_schema_locked(memory_connector *m, const char *schema)
{
    for (int i = 0; i < m->schemas.count; i++)
        if (strcmp(m->schemas.items[i], schema) == 0)
            return i;
    return -1;
}

static void table_free(memory_table *t)
{
    if (!t)
        return;
    memory_snapshot_release(t->data);
    for (int i = 0; i < t->column_count && t->column_names; i++)
        free(t->column_names[i]);
    free(t->column_names);
    free(t->column_types);
    free(t->schema);
    free(t->name);
    free(t);
}

/* Unlinks table `index` and gives back its bytes; caller holds the lock and
 * frees the table after unlocking. */
static memory_table *remove_table_locked(memory_connector *m, int index)
{
    memory_table *t = m->tables[index];
    m->tables[index] = m->tables[--m->table_count];
    m->used_bytes -= t->data->bytes;
    return t;
}

/* ---- metadata ---------------------------------------------------------- */

static bool oom(shoal_error *error)
{
    return error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
}

static bool memory_list_schemas(connector *c, string_list *out, shoal_error *error)
{
    memory_connector *m = (memory_connector *)c;
    pthread_mutex_lock(&m->lock);
    bool ok = true;
    for (int i = 0; ok && i < m->schemas.count; i++)
        ok = string_list_add(out, m->schemas.items[i]);
    pthread_mutex_unlock(&m->lock);
    if (!ok)
        return oom(error);
    string_list_sort(out);
    return true;
}

static bool memory_list_tables(connector *c, const char *schema, string_list *out, shoal_error *error)
{
    memory_connector *m = (memory_connector *)c;
    pthread_mutex_lock(&m->lock);
    bool ok = true;
    for (int i = 0; ok && i < m->table_count; i++)
        if (!schema || strcmp(m->tables[i]->schema, schema) == 0)
            ok = string_list_add(out, m->tables[i]->name);
    pthread_mutex_unlock(&m->lock);
    if (!ok)
        return oom(error);
    string_list_sort(out);
    return true;
}

static bool memory_schema_exists(connector *c, const char *schema)
{
    memory_connector *m = (memory_connector *)c;
    pthread_mutex_lock(&m->lock);
    bool found = memory_find_schema_locked(m, schema) >= 0;
    pthread_mutex_unlock(&m->lock);
    return found;
}

static table_metadata *memory_get_table(connector *c, const char *schema, const char *name,
                                        shoal_error *error)
{
    memory_connector *m = (memory_connector *)c;
    pthread_mutex_lock(&m->lock);
    memory_table *t = memory_find_table_locked(m, schema, name);
    if (!t) {
        pthread_mutex_unlock(&m->lock);
        return NULL;
    }
    memory_snapshot *data = memory_snapshot_ref(t->data);
    table_metadata *meta = table_metadata_new(t->schema, t->name, t->column_count);
    if (meta) {
        for (int i = 0; i < t->column_count; i++)
            table_metadata_set_column(meta, i, t->column_names[i], t->column_types[i]);
        meta->connector_data = (void *)(uintptr_t)t->id;
    }
    pthread_mutex_unlock(&m->lock);
    if (!meta) {
        memory_snapshot_release(data);
        oom(error);
        return NULL;
    }
    meta->row_count = (double)data->row_count;
    for (int i = 0; i < meta->column_count; i++)
        memory_stats_export(&data->stats[i], data->row_count, meta->columns[i].type,
                            &meta->columns[i].stats);
    memory_snapshot_release(data);
    return meta;
}

/* ---- DDL --------------------------------------------------------------- */

static bool memory_create_schema(connector *c, const char *schema, bool if_not_exists,
                                 shoal_error *error)
{
    memory_connector *m = (memory_connector *)c;
    pthread_mutex_lock(&m->lock);
    bool ok;
    if (memory_find_schema_locked(m, schema) >= 0)
        ok = if_not_exists || error_set(error, ERR_SCHEMA_ALREADY_EXISTS, "Schema '%s.%s' already exists",
                                        m->catalog_name, schema);
    else
        ok = string_list_add(&m->schemas, schema) || oom(error);
    pthread_mutex_unlock(&m->lock);
    return ok;
}

static bool memory_drop_schema(connector *c, const char *schema, bool if_exists, bool cascade,
                               shoal_error *error)
{
    memory_connector *m = (memory_connector *)c;
    pthread_mutex_lock(&m->lock);
    int index = memory_find_schema_locked(m, schema);
    if (index < 0) {
        pthread_mutex_unlock(&m->lock);
        return if_exists || error_set(error, ERR_SCHEMA_NOT_FOUND, "Schema '%s.%s' does not exist",
                                      m->catalog_name, schema);
    }
    int tables = 0, views = 0;
    for (int i = 0; i < m->table_count; i++)
        tables += strcmp(m->tables[i]->schema, schema) == 0;
    for (int i = 0; i < m->view_count; i++)
        views += strcmp(m->views[i]->schema, schema) == 0;
    if ((tables > 0 || views > 0) && !cascade) {
        pthread_mutex_unlock(&m->lock);
        return error_set(error, ERR_SCHEMA_NOT_EMPTY, "Cannot drop non-empty schema '%s'", schema);
    }
    memory_table **dropped = calloc((size_t)(tables > 0 ? tables : 1), sizeof *dropped);
    view_definition **dropped_views = calloc((size_t)(views > 0 ? views : 1), sizeof *dropped_views);
    if (!dropped || !dropped_views) {
        pthread_mutex_unlock(&m->lock);
        free(dropped);
        free(dropped_views);
        return oom(error);
    }
    int n = 0, v = 0;
    for (int i = m->table_count - 1; i >= 0; i--)
        if (strcmp(m->tables[i]->schema, schema) == 0)
            dropped[n++] = remove_table_locked(m, i);
    for (int i = m->view_count - 1; i >= 0; i--)
        if (strcmp(m->views[i]->schema, schema) == 0)
            dropped_views[v++] = memory_remove_view_locked(m, i);
    free(m->schemas.items[index]);
    m->schemas.items[index] = m->schemas.items[--m->schemas.count];
    pthread_mutex_unlock(&m->lock);
    for (int i = 0; i < n; i++)
        table_free(dropped[i]);
    for (int i = 0; i < v; i++)
        view_definition_free(dropped_views[i]);
    free(dropped);
    free(dropped_views);
    return true;
}

static bool validate_definition(memory_connector *m, const table_definition *d, shoal_error *error)
{
    if (d->properties.count > 0)
        return error_set(error, ERR_INVALID_TABLE_PROPERTY, "Catalog '%s' table property '%s' does not exist",
                         m->catalog_name, d->properties.items[0].key);
    if (d->column_count < 1)
        return error_set(error, ERR_TABLE_HAS_NO_COLUMNS, "Table has no columns");
    for (int i = 0; i < d->column_count; i++)
        for (int j = 0; j < i; j++)
            if (strcmp(d->column_names[i], d->column_names[j]) == 0)
                return error_set(error, ERR_DUPLICATE_COLUMN_NAME, "Column name '%s' specified more than once",
                                 d->column_names[i]);
    return true;
}

static memory_table *table_new(memory_connector *m, const table_definition *d)
{
    memory_table *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->schema = strdup(d->schema);
    t->name = strdup(d->name);
    t->column_names = calloc((size_t)d->column_count, sizeof *t->column_names);
    t->column_types = calloc((size_t)d->column_count, sizeof *t->column_types);
    if (!t->schema || !t->name || !t->column_names || !t->column_types) {
        table_free(t);
        return NULL;
    }
    t->column_count = d->column_count;
    for (int i = 0; i < d->column_count; i++) {
        t->column_types[i] = d->column_types[i];
        if (!(t->column_names[i] = strdup(d->column_names[i]))) {
            table_free(t);
            return NULL;
        }
    }
    pthread_mutex_lock(&m->lock);
    uint64_t generation = ++m->next_generation;
    pthread_mutex_unlock(&m->lock);
    t->data = memory_snapshot_new(t->column_count, t->column_types, generation);
    if (!t->data) {
        table_free(t);
        return NULL;
    }
    return t;
}

static bool grow_tables_locked(memory_connector *m)
{
    if (m->table_count < m->table_capacity)
        return true;
    int capacity = m->table_capacity ? m->table_capacity * 2 : 8;
    memory_table **grown = realloc(m->tables, sizeof *grown * (size_t)capacity);
    if (!grown)
        return false;
    m->tables = grown;
    m->table_capacity = capacity;
    return true;
}

static bool memory_create_table(connector *c, const table_definition *d, shoal_error *error)
{
    memory_connector *m = (memory_connector *)c;
    if (!validate_definition(m, d, error))
        return false;
    memory_table *t = table_new(m, d);
    if (!t)
        return oom(error);
    pthread_mutex_lock(&m->lock);
    bool ok = false;
    if (memory_find_schema_locked(m, d->schema) < 0) {
        error_set(error, ERR_SCHEMA_NOT_FOUND, "Schema '%s' does not exist", d->schema);
    } else if (memory_find_table_locked(m, d->schema, d->name) || memory_find_view_locked(m, d->schema, d->name) >= 0) {
        ok = d->if_not_exists || error_set(error, ERR_TABLE_ALREADY_EXISTS, "Table '%s.%s.%s' already exists",
                                           m->catalog_name, d->schema, d->name);
    } else if (!grow_tables_locked(m)) {
        oom(error);
    } else {
        t->id = ++m->next_table_id;
        m->tables[m->table_count++] = t;
        t = NULL;
        ok = true;
    }
    pthread_mutex_unlock(&m->lock);
    table_free(t);
    return ok;
}

static bool memory_drop_table(connector *c, const char *schema, const char *name, bool if_exists,
                              shoal_error *error)
{
    memory_connector *m = (memory_connector *)c;
    pthread_mutex_lock(&m->lock);
    memory_table *dropped = NULL;
    for (int i = 0; i < m->table_count; i++)
        if (strcmp(m->tables[i]->schema, schema) == 0 && strcmp(m->tables[i]->name, name) == 0)
            dropped = remove_table_locked(m, i);
    pthread_mutex_unlock(&m->lock);
    if (!dropped)
        return if_exists || error_set(error, ERR_TABLE_NOT_FOUND, "Table '%s.%s.%s' does not exist",
                                      m->catalog_name, schema, name);
    table_free(dropped);
    return true;
}

uint64_t memory_connector_used_bytes(connector *c)
{
    memory_connector *m = (memory_connector *)c;
    pthread_mutex_lock(&m->lock);
    uint64_t used = m->used_bytes;
    pthread_mutex_unlock(&m->lock);
    return used;
}

/* ---- the instance ------------------------------------------------------ */

static void memory_destroy(connector *c)
{
    memory_connector *m = (memory_connector *)c;
    for (int i = 0; i < m->table_count; i++)
        table_free(m->tables[i]);
    free(m->tables);
    for (int i = 0; i < m->view_count; i++)
        view_definition_free(m->views[i]);
    free(m->views);
    string_list_free(&m->schemas);
    pthread_mutex_destroy(&m->lock);
    free(m->catalog_name);
    free(m);
}

static const connector_ops memory_ops = {
    .destroy = memory_destroy,
    .list_schemas = memory_list_schemas,
    .list_tables = memory_list_tables,
    .schema_exists = memory_schema_exists,
    .get_table = memory_get_table,
    .get_splits = memory_get_splits,
    .open_page_source = memory_open_page_source,
    .create_schema = memory_create_schema,
    .drop_schema = memory_drop_schema,
    .create_table = memory_create_table,
    .drop_table = memory_drop_table,
    .open_page_sink = memory_open_page_sink,
    .open_rewrite_sink = memory_open_rewrite_sink,
    .list_views = memory_list_views,
    .get_view = memory_get_view,
    .create_view = memory_create_view,
    .drop_view = memory_drop_view,
};

static bool apply_property(memory_connector *m, const connector_property *p, shoal_error *error)
{
    if (strcmp(p->key, "memory.max-data-per-node") == 0) {
        if (!memory_parse_data_size(p->value, &m->max_bytes))
            return error_set(error, ERR_INVALID_CATALOG_PROPERTY,
                             "Invalid value '%s' for type DataSize (property '%s')", p->value, p->key);
        return true;
    }
    if (strcmp(p->key, "memory.splits-per-node") == 0) {
        if (!parse_positive_int(p->value, &m->splits_per_node))
            return error_set(error, ERR_INVALID_CATALOG_PROPERTY,
                             "Invalid value '%s' for type int (property '%s')", p->value, p->key);
        return true;
    }
    if (strcmp(p->key, "memory.enable-lazy-dynamic-filtering") == 0) {
        if (!parse_boolean(p->value))
            return error_set(error, ERR_INVALID_CATALOG_PROPERTY,
                             "Invalid value '%s' for type boolean (property '%s')", p->value, p->key);
        return true;
    }
    return error_set(error, ERR_INVALID_CATALOG_PROPERTY, "Configuration property '%s' was not used", p->key);
}

static connector *memory_create(const char *catalog_name, const connector_properties *props,
                                shoal_error *error)
{
    memory_connector *m = calloc(1, sizeof *m);
    if (!m) {
        oom(error);
        return NULL;
    }
    pthread_mutex_init(&m->lock, NULL);
    m->base.ops = &memory_ops;
    m->base.connector_name = MEMORY_CONNECTOR_NAME;
    m->max_bytes = MEMORY_DEFAULT_MAX_DATA_PER_NODE;
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    m->splits_per_node = cpus > 0 ? (int)cpus : 1;
    m->catalog_name = strdup(catalog_name ? catalog_name : MEMORY_CONNECTOR_NAME);
    if (!m->catalog_name || !string_list_add(&m->schemas, MEMORY_DEFAULT_SCHEMA)) {
        memory_destroy(&m->base);
        oom(error);
        return NULL;
    }
    for (int i = 0; props && i < props->count; i++) {
        if (!apply_property(m, &props->items[i], error)) {
            memory_destroy(&m->base);
            return NULL;
        }
    }
    return &m->base;
}

const connector_factory memory_connector_factory = {
    .name = MEMORY_CONNECTOR_NAME,
    .create = memory_create,
};

bool memory_connector_register(shoal_error *error)
{
    return catalog_register_factory(&memory_connector_factory, error);
}
