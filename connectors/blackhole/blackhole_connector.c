/*
 * blackhole_connector.c — the blackhole connector's factory, schemas,
 * tables (with their generation properties), statistics and the sink that
 * counts and discards.
 */
#include "blackhole_connector.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "blackhole_internal.h"
#include "connectors/spi/catalog.h"

static bool oom(shoal_error *error)
{
    return error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
}

/* ---- property values --------------------------------------------------- */

bool blackhole_parse_duration(const char *text, uint64_t *nanos)
{
    static const struct { const char *unit; double ns; } units[] = {
        {"ns", 1}, {"us", 1e3}, {"ms", 1e6}, {"s", 1e9}, {"m", 60e9}, {"h", 3600e9}, {"d", 86400e9},
    };
    const char *p = text;
    while (isspace((unsigned char)*p))
        p++;
    const char *number_start = p;
    while (isdigit((unsigned char)*p) || *p == '.')
        p++;
    if (p == number_start || !isdigit((unsigned char)*number_start) || p[-1] == '.')
        return false;
    char *end;
    errno = 0;
    double number = strtod(number_start, &end);
    if (errno || end != p)
        return false;
    while (isspace((unsigned char)*p))
        p++;
    size_t unit_length = 0;
    while (isalpha((unsigned char)p[unit_length]))
        unit_length++;
    for (const char *q = p + unit_length; *q; q++)
        if (!isspace((unsigned char)*q))
            return false;
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        if (strlen(units[i].unit) == unit_length && strncmp(units[i].unit, p, unit_length) == 0) {
            double ns = number * units[i].ns;
            if (!(ns < 1.8e19))
                return false;
            *nanos = (uint64_t)llround(ns);
            return true;
        }
    }
    return false;
}

static bool parse_int(const char *text, int32_t *out)
{
    char *end;
    errno = 0;
    long v = strtol(text, &end, 10);
    while (isspace((unsigned char)*end))
        end++;
    if (errno || end == text || *end || v < INT32_MIN || v > INT32_MAX)
        return false;
    *out = (int32_t)v;
    return true;
}

static bool bad_value(blackhole_connector *b, const connector_property *p, const char *type,
                      shoal_error *error)
{
    return error_set(error, ERR_INVALID_TABLE_PROPERTY,
                     "Invalid value for catalog '%s' table property '%s': Cannot convert ['%s'] to %s",
                     b->catalog_name, p->key, p->value, type);
}

static bool apply_table_property(blackhole_connector *b, blackhole_table *t, const connector_property *p,
                                 shoal_error *error)
{
    static const struct { const char *key; size_t offset; } ints[] = {
        {"split_count", offsetof(blackhole_table, split_count)},
        {"pages_per_split", offsetof(blackhole_table, pages_per_split)},
        {"rows_per_page", offsetof(blackhole_table, rows_per_page)},
        {"field_length", offsetof(blackhole_table, field_length)},
    };
    for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
        if (strcmp(p->key, ints[i].key) != 0)
            continue;
        int32_t *slot = (int32_t *)((char *)t + ints[i].offset);
        if (!parse_int(p->value, slot))
            return bad_value(b, p, "integer", error);
        if (*slot < 0)
            return error_set(error, ERR_INVALID_TABLE_PROPERTY, "%s property is negative", p->key);
        return true;
    }
    if (strcmp(p->key, "page_processing_delay") == 0) {
        if (!blackhole_parse_duration(p->value, &t->page_processing_delay_ns))
            return bad_value(b, p, "interval day to second", error);
        return true;
    }
    return error_set(error, ERR_INVALID_TABLE_PROPERTY, "Catalog '%s' table property '%s' does not exist",
                     b->catalog_name, p->key);
}

/* ---- tables ------------------------------------------------------------ */

static void table_free(blackhole_table *t)
{
    if (!t)
        return;
    for (int i = 0; i < t->column_count && t->column_names; i++)
        free(t->column_names[i]);
    free(t->column_names);
    free(t->column_types);
    free(t->schema);
    free(t->name);
    free(t);
}

static int find_table_locked(blackhole_connector *b, const char *schema, const char *name)
{
    for (int i = 0; i < b->table_count; i++)
        if (strcmp(b->tables[i]->schema, schema) == 0 && strcmp(b->tables[i]->name, name) == 0)
            return i;
    return -1;
}

static int find_schema_locked(blackhole_connector *b, const char *schema)
{
    for (int i = 0; i < b->schemas.count; i++)
        if (strcmp(b->schemas.items[i], schema) == 0)
            return i;
    return -1;
}

bool blackhole_table_settings(blackhole_connector *b, const char *schema, const char *name,
                              blackhole_table *out)
{
    pthread_mutex_lock(&b->lock);
    int index = find_table_locked(b, schema, name);
    if (index >= 0) {
        *out = *b->tables[index];
        out->schema = out->name = NULL;
        out->column_names = NULL;
        out->column_types = NULL;
    }
    pthread_mutex_unlock(&b->lock);
    return index >= 0;
}

static blackhole_table *table_new(blackhole_connector *b, const table_definition *d, shoal_error *error)
{
    blackhole_table *t = calloc(1, sizeof *t);
    if (!t) {
        oom(error);
        return NULL;
    }
    t->field_length = 16;
    for (int i = 0; i < d->properties.count; i++) {
        if (!apply_table_property(b, t, &d->properties.items[i], error)) {
            table_free(t);
            return NULL;
        }
    }
    bool any = t->split_count > 0 || t->pages_per_split > 0 || t->rows_per_page > 0;
    bool all = t->split_count > 0 && t->pages_per_split > 0 && t->rows_per_page > 0;
    if (any && !all) {
        error_set(error, ERR_INVALID_TABLE_PROPERTY,
                  "All properties [split_count, pages_per_split, rows_per_page] must be set if any are set");
        table_free(t);
        return NULL;
    }
    t->schema = strdup(d->schema);
    t->name = strdup(d->name);
    t->column_names = calloc((size_t)(d->column_count > 0 ? d->column_count : 1), sizeof *t->column_names);
    t->column_types = calloc((size_t)(d->column_count > 0 ? d->column_count : 1), sizeof *t->column_types);
    if (!t->schema || !t->name || !t->column_names || !t->column_types) {
        table_free(t);
        oom(error);
        return NULL;
    }
    t->column_count = d->column_count;
    for (int i = 0; i < d->column_count; i++) {
        t->column_types[i] = d->column_types[i];
        if (!(t->column_names[i] = strdup(d->column_names[i]))) {
            table_free(t);
            oom(error);
            return NULL;
        }
    }
    return t;
}

/* ---- metadata ---------------------------------------------------------- */

static bool blackhole_list_schemas(connector *c, string_list *out, shoal_error *error)
{
    blackhole_connector *b = (blackhole_connector *)c;
    pthread_mutex_lock(&b->lock);
    bool ok = true;
    for (int i = 0; ok && i < b->schemas.count; i++)
        ok = string_list_add(out, b->schemas.items[i]);
    pthread_mutex_unlock(&b->lock);
    if (!ok)
        return oom(error);
    string_list_sort(out);
    return true;
}

static bool blackhole_list_tables(connector *c, const char *schema, string_list *out, shoal_error *error)
{
    blackhole_connector *b = (blackhole_connector *)c;
    pthread_mutex_lock(&b->lock);
    bool ok = true;
    for (int i = 0; ok && i < b->table_count; i++)
        if (!schema || strcmp(b->tables[i]->schema, schema) == 0)
            ok = string_list_add(out, b->tables[i]->name);
    pthread_mutex_unlock(&b->lock);
    if (!ok)
        return oom(error);
    string_list_sort(out);
    return true;
}

static bool blackhole_schema_exists(connector *c, const char *schema)
{
    blackhole_connector *b = (blackhole_connector *)c;
    pthread_mutex_lock(&b->lock);
    bool found = find_schema_locked(b, schema) >= 0;
    pthread_mutex_unlock(&b->lock);
    return found;
}

static bool is_numeric(sql_type type)
{
    switch (type.kind) {
    case TYPE_TINYINT: case TYPE_SMALLINT: case TYPE_INTEGER: case TYPE_BIGINT:
    case TYPE_REAL: case TYPE_DOUBLE: case TYPE_DECIMAL:
        return true;
    default:
        return false;
    }
}

/* Statistics as Trino's blackhole reports them: every column one distinct
 * value, no NULLs, numeric ranges [0, 0]. */
static void set_statistics(table_metadata *meta, const blackhole_table *t)
{
    meta->row_count = (double)t->split_count * t->pages_per_split * t->rows_per_page;
    for (int i = 0; i < meta->column_count; i++) {
        column_statistics *s = &meta->columns[i].stats;
        s->distinct_count = 1;
        s->null_fraction = 0;
        sql_type type = meta->columns[i].type;
        if (is_numeric(type)) {
            value zero = value_null(type);
            zero.is_null = false;
            if (type.kind == TYPE_REAL)
                zero.u.f32 = 0;
            s->has_range = true;
            s->min = s->max = zero;
        }
    }
}

static table_metadata *blackhole_get_table(connector *c, const char *schema, const char *name,
                                           shoal_error *error)
{
    blackhole_connector *b = (blackhole_connector *)c;
    pthread_mutex_lock(&b->lock);
    int index = find_table_locked(b, schema, name);
    table_metadata *meta = NULL;
    if (index >= 0) {
        blackhole_table *t = b->tables[index];
        meta = table_metadata_new(t->schema, t->name, t->column_count);
        if (meta) {
            for (int i = 0; i < t->column_count; i++)
                table_metadata_set_column(meta, i, t->column_names[i], t->column_types[i]);
            set_statistics(meta, t);
        }
    }
    pthread_mutex_unlock(&b->lock);
    if (index >= 0 && !meta)
        oom(error);
    return meta;
}

/* ---- DDL --------------------------------------------------------------- */

static bool blackhole_create_schema(connector *c, const char *schema, bool if_not_exists, shoal_error *error)
{
    blackhole_connector *b = (blackhole_connector *)c;
    pthread_mutex_lock(&b->lock);
    bool ok;
    if (find_schema_locked(b, schema) >= 0)
        ok = if_not_exists || error_set(error, ERR_SCHEMA_ALREADY_EXISTS, "Schema '%s.%s' already exists",
                                        b->catalog_name, schema);
    else
        ok = string_list_add(&b->schemas, schema) || oom(error);
    pthread_mutex_unlock(&b->lock);
    return ok;
}

static bool blackhole_drop_schema(connector *c, const char *schema, bool if_exists, bool cascade,
                                  shoal_error *error)
{
    blackhole_connector *b = (blackhole_connector *)c;
    pthread_mutex_lock(&b->lock);
    int index = find_schema_locked(b, schema);
    bool has_tables = false;
    for (int i = 0; i < b->table_count; i++)
        has_tables = has_tables || strcmp(b->tables[i]->schema, schema) == 0;
    bool ok = true;
    if (index < 0) {
        ok = if_exists || error_set(error, ERR_SCHEMA_NOT_FOUND, "Schema '%s.%s' does not exist",
                                    b->catalog_name, schema);
    } else if (has_tables && !cascade) {
        ok = error_set(error, ERR_SCHEMA_NOT_EMPTY, "Cannot drop non-empty schema '%s'", schema);
    } else {
        for (int i = b->table_count - 1; i >= 0; i--) {
            if (strcmp(b->tables[i]->schema, schema) == 0) {
                table_free(b->tables[i]);
                b->tables[i] = b->tables[--b->table_count];
            }
        }
        free(b->schemas.items[index]);
        b->schemas.items[index] = b->schemas.items[--b->schemas.count];
    }
    pthread_mutex_unlock(&b->lock);
    return ok;
}

static bool grow_tables_locked(blackhole_connector *b)
{
    if (b->table_count < b->table_capacity)
        return true;
    int capacity = b->table_capacity ? b->table_capacity * 2 : 8;
    blackhole_table **grown = realloc(b->tables, sizeof *grown * (size_t)capacity);
    if (!grown)
        return false;
    b->tables = grown;
    b->table_capacity = capacity;
    return true;
}

static bool blackhole_create_table(connector *c, const table_definition *d, shoal_error *error)
{
    blackhole_connector *b = (blackhole_connector *)c;
    blackhole_table *t = table_new(b, d, error);
    if (!t)
        return false;
    pthread_mutex_lock(&b->lock);
    bool ok = false;
    if (find_schema_locked(b, d->schema) < 0) {
        error_set(error, ERR_SCHEMA_NOT_FOUND, "Schema '%s' does not exist", d->schema);
    } else if (find_table_locked(b, d->schema, d->name) >= 0) {
        ok = d->if_not_exists || error_set(error, ERR_TABLE_ALREADY_EXISTS, "Table '%s.%s.%s' already exists",
                                           b->catalog_name, d->schema, d->name);
    } else if (!grow_tables_locked(b)) {
        oom(error);
    } else {
        b->tables[b->table_count++] = t;
        t = NULL;
        ok = true;
    }
    pthread_mutex_unlock(&b->lock);
    table_free(t);
    return ok;
}

static bool blackhole_drop_table(connector *c, const char *schema, const char *name, bool if_exists,
                                 shoal_error *error)
{
    blackhole_connector *b = (blackhole_connector *)c;
    pthread_mutex_lock(&b->lock);
    int index = find_table_locked(b, schema, name);
    if (index >= 0) {
        table_free(b->tables[index]);
        b->tables[index] = b->tables[--b->table_count];
    }
    pthread_mutex_unlock(&b->lock);
    if (index < 0)
        return if_exists || error_set(error, ERR_TABLE_NOT_FOUND, "Table '%s.%s.%s' does not exist",
                                      b->catalog_name, schema, name);
    return true;
}

/* ---- the sink: count and forget ---------------------------------------- */

typedef struct blackhole_sink {
    page_sink base;
    blackhole_connector *connector;
    uint64_t rows;
} blackhole_sink;

static bool sink_append(page_sink *base, const page *p, shoal_error *error)
{
    (void)error;
    ((blackhole_sink *)base)->rows += p->row_count;
    return true;
}

static bool sink_finish(page_sink *base, uint64_t *rows, shoal_error *error)
{
    (void)error;
    blackhole_sink *s = (blackhole_sink *)base;
    atomic_fetch_add(&s->connector->rows_written, s->rows);
    if (rows)
        *rows = s->rows;
    free(s);
    return true;
}

static void sink_abort(page_sink *base)
{
    free(base);
}

static const page_sink_ops blackhole_sink_ops = {
    .append = sink_append,
    .finish = sink_finish,
    .abort = sink_abort,
};

static page_sink *blackhole_open_page_sink(connector *c, const table_metadata *table, bool truncate_first,
                                           shoal_error *error)
{
    (void)truncate_first;
    blackhole_connector *b = (blackhole_connector *)c;
    blackhole_table settings;
    if (!blackhole_table_settings(b, table->schema, table->name, &settings)) {
        error_set(error, ERR_TABLE_NOT_FOUND, "Table '%s.%s.%s' does not exist", b->catalog_name,
                  table->schema, table->name);
        return NULL;
    }
    blackhole_sink *s = calloc(1, sizeof *s);
    if (!s) {
        oom(error);
        return NULL;
    }
    s->base.ops = &blackhole_sink_ops;
    s->connector = b;
    return &s->base;
}

uint64_t blackhole_connector_rows_written(connector *c)
{
    return atomic_load(&((blackhole_connector *)c)->rows_written);
}

/* ---- the instance ------------------------------------------------------ */

static void blackhole_destroy(connector *c)
{
    blackhole_connector *b = (blackhole_connector *)c;
    for (int i = 0; i < b->table_count; i++)
        table_free(b->tables[i]);
    free(b->tables);
    string_list_free(&b->schemas);
    pthread_mutex_destroy(&b->lock);
    free(b->catalog_name);
    free(b);
}

static const connector_ops blackhole_ops = {
    .destroy = blackhole_destroy,
    .list_schemas = blackhole_list_schemas,
    .list_tables = blackhole_list_tables,
    .schema_exists = blackhole_schema_exists,
    .get_table = blackhole_get_table,
    .get_splits = blackhole_get_splits,
    .open_page_source = blackhole_open_page_source,
    .create_schema = blackhole_create_schema,
    .drop_schema = blackhole_drop_schema,
    .create_table = blackhole_create_table,
    .drop_table = blackhole_drop_table,
    .open_page_sink = blackhole_open_page_sink,
};

static connector *blackhole_create(const char *catalog_name, const connector_properties *props,
                                   shoal_error *error)
{
    if (props && props->count > 0) {
        error_set(error, ERR_INVALID_CATALOG_PROPERTY, "Configuration property '%s' was not used",
                  props->items[0].key);
        return NULL;
    }
    blackhole_connector *b = calloc(1, sizeof *b);
    if (!b) {
        oom(error);
        return NULL;
    }
    pthread_mutex_init(&b->lock, NULL);
    b->base.ops = &blackhole_ops;
    b->base.connector_name = BLACKHOLE_CONNECTOR_NAME;
    b->catalog_name = strdup(catalog_name ? catalog_name : BLACKHOLE_CONNECTOR_NAME);
    if (!b->catalog_name || !string_list_add(&b->schemas, BLACKHOLE_DEFAULT_SCHEMA)) {
        blackhole_destroy(&b->base);
        oom(error);
        return NULL;
    }
    return &b->base;
}

const connector_factory blackhole_connector_factory = {
    .name = BLACKHOLE_CONNECTOR_NAME,
    .create = blackhole_create,
};

bool blackhole_connector_register(shoal_error *error)
{
    return catalog_register_factory(&blackhole_connector_factory, error);
}
