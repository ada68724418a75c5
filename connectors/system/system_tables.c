/*
 * system_tables.c — the system catalog's tables: descriptors (Trino's
 * columns and order) and the generators that fill them from the catalog
 * registry and the registered providers.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "system_internal.h"

#define V ((sql_type){.kind = TYPE_VARCHAR, .length = VARCHAR_UNBOUNDED})
#define B ((sql_type){.kind = TYPE_BIGINT, .length = VARCHAR_UNBOUNDED})
#define BOOL ((sql_type){.kind = TYPE_BOOLEAN, .length = VARCHAR_UNBOUNDED})
#define TS ((sql_type){.kind = TYPE_TIMESTAMP_TZ, .precision = 3, .length = VARCHAR_UNBOUNDED})

static bool generate_catalogs(system_connector *s, metadata_rows *b, shoal_error *error);
static bool generate_empty(system_connector *s, metadata_rows *b, shoal_error *error);
static bool generate_table_comments(system_connector *s, metadata_rows *b, shoal_error *error);
static bool generate_nodes(system_connector *s, metadata_rows *b, shoal_error *error);
static bool generate_queries(system_connector *s, metadata_rows *b, shoal_error *error);
static bool generate_tasks(system_connector *s, metadata_rows *b, shoal_error *error);

#define PROPERTY_COLUMNS \
    {{"catalog_name", V}, {"property_name", V}, {"default_value", V}, {"type", V}, {"description", V}}

enum { QUERIES_RESOURCE_GROUP_COLUMN = 5, TABLE_COUNT = 8 };

/* Not const: runtime.queries.resource_group_id is array(varchar), an
 * interned type set once at first use. */
static system_table tables[TABLE_COUNT] = {
    {"metadata", "catalogs", 3, {{"catalog_name", V}, {"connector_id", V}, {"connector_name", V}},
     generate_catalogs},
    {"metadata", "column_properties", 5, PROPERTY_COLUMNS, generate_empty},
    {"metadata", "schema_properties", 5, PROPERTY_COLUMNS, generate_empty},
    {"metadata", "table_comments", 4,
     {{"catalog_name", V}, {"schema_name", V}, {"table_name", V}, {"comment", V}},
     generate_table_comments},
    {"metadata", "table_properties", 5, PROPERTY_COLUMNS, generate_empty},
    {"runtime", "nodes", 5,
     {{"node_id", V}, {"http_uri", V}, {"node_version", V}, {"coordinator", BOOL}, {"state", V}},
     generate_nodes},
    {"runtime", "queries", 15,
     {{"query_id", V}, {"state", V}, {"user", V}, {"source", V}, {"query", V},
      {"resource_group_id", V}, {"queued_time_ms", B}, {"analysis_time_ms", B},
      {"planning_time_ms", B}, {"created", TS}, {"started", TS}, {"last_heartbeat", TS},
      {"end", TS}, {"error_type", V}, {"error_code", V}},
     generate_queries},
    {"runtime", "tasks", 24,
     {{"node_id", V}, {"task_id", V}, {"stage_id", V}, {"query_id", V}, {"state", V},
      {"splits", B}, {"queued_splits", B}, {"running_splits", B}, {"completed_splits", B},
      {"split_scheduled_time_ms", B}, {"split_cpu_time_ms", B}, {"split_blocked_time_ms", B},
      {"raw_input_bytes", B}, {"raw_input_rows", B}, {"processed_input_bytes", B},
      {"processed_input_rows", B}, {"output_bytes", B}, {"output_rows", B},
      {"physical_input_bytes", B}, {"physical_written_bytes", B}, {"created", TS}, {"start", TS},
      {"last_heartbeat", TS}, {"end", TS}},
     generate_tasks},
};

#undef V
#undef B
#undef BOOL
#undef TS

static pthread_once_t types_once = PTHREAD_ONCE_INIT;

static void init_types(void)
{
    tables[6].columns[QUERIES_RESOURCE_GROUP_COLUMN].type = type_array(type_varchar(VARCHAR_UNBOUNDED));
}

int system_table_count(void)
{
    return TABLE_COUNT;
}

const system_table *system_table_at(int index)
{
    pthread_once(&types_once, init_types);
    return &tables[index];
}

const system_table *system_find_table(const char *schema, const char *name)
{
    for (int i = 0; schema && name && i < TABLE_COUNT; i++)
        if (strcmp(tables[i].schema, schema) == 0 && strcmp(tables[i].name, name) == 0)
            return system_table_at(i);
    return NULL;
}

static bool oom(shoal_error *error)
{
    return error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
}

/* ---- metadata --------------------------------------------------------------------- */

enum { NAME_MAX_BYTES = 1024 };

/* Names the ranges on `column` allow: the pinned one (if listed) or the matching ones. */
static bool filter_names(const metadata_rows *b, int column, const string_list *all, string_list *out,
                         shoal_error *error)
{
    char pinned[NAME_MAX_BYTES];
    bool is_pinned = metadata_rows_pinned(b, column, pinned, sizeof pinned);
    for (int i = 0; i < all->count; i++) {
        const char *name = all->items[i];
        if (is_pinned ? strcmp(name, pinned) == 0 : metadata_rows_match(b, column, name))
            if (!string_list_add(out, name))
                return oom(error);
    }
    return true;
}

static bool list_catalogs(system_connector *s, const metadata_rows *b, string_list *out, shoal_error *error)
{
    if (!s->registry)
        return true;
    string_list all = {0};
    bool ok = catalog_list(s->registry, &all, error) && filter_names(b, 0, &all, out, error);
    string_list_free(&all);
    return ok;
}

static bool generate_catalogs(system_connector *s, metadata_rows *b, shoal_error *error)
{
    string_list names = {0};
    bool ok = list_catalogs(s, b, &names, error);
    for (int i = 0; ok && i < names.count; i++) {
        catalog *c = catalog_acquire(s->registry, names.items[i], NULL);
        if (!c)
            continue; /* dropped meanwhile */
        if (metadata_rows_begin(b)) {
            metadata_rows_set_varchar(b, 0, catalog_name(c));
            metadata_rows_set_varchar(b, 1, catalog_name(c));
            metadata_rows_set_varchar(b, 2, catalog_connector_name(c));
        }
        catalog_release(c);
    }
    string_list_free(&names);
    return ok && metadata_rows_finish(b, error);
}

static bool generate_empty(system_connector *s, metadata_rows *b, shoal_error *error)
{
    (void)s;
    (void)b;
    (void)error;
    return true;
}

/* The comments of one catalog's tables (schemas and tables pruned by the ranges). */
static bool catalog_table_comments(const char *catalog_name, connector *conn, metadata_rows *b,
                                   shoal_error *error)
{
    string_list all_schemas = {0}, schemas = {0};
    bool ok = conn->ops->list_schemas(conn, &all_schemas, error) &&
              filter_names(b, 1, &all_schemas, &schemas, error);
    for (int i = 0; ok && i < schemas.count && !metadata_rows_full(b); i++) {
        string_list all_tables = {0}, names = {0};
        ok = conn->ops->list_tables(conn, schemas.items[i], &all_tables, error) &&
             filter_names(b, 2, &all_tables, &names, error);
        for (int t = 0; ok && t < names.count; t++) {
            table_metadata *m = conn->ops->get_table(conn, schemas.items[i], names.items[t], error);
            if (!m) {
                ok = !error_is_set(error);
                continue;
            }
            if (metadata_rows_begin(b)) {
                metadata_rows_set_varchar(b, 0, catalog_name);
                metadata_rows_set_varchar(b, 1, schemas.items[i]);
                metadata_rows_set_varchar(b, 2, names.items[t]);
                metadata_rows_set_varchar(b, 3, m->comment);
            }
            table_metadata_free(m);
        }
        string_list_free(&all_tables);
        string_list_free(&names);
    }
    string_list_free(&all_schemas);
    string_list_free(&schemas);
    return ok;
}

static bool generate_table_comments(system_connector *s, metadata_rows *b, shoal_error *error)
{
    string_list names = {0};
    bool ok = list_catalogs(s, b, &names, error);
    for (int i = 0; ok && i < names.count && !metadata_rows_full(b); i++) {
        catalog *c = catalog_acquire(s->registry, names.items[i], NULL);
        if (!c)
            continue;
        ok = catalog_table_comments(catalog_name(c), catalog_connector(c), b, error);
        catalog_release(c);
    }
    string_list_free(&names);
    return ok && metadata_rows_finish(b, error);
}

/* ---- runtime: rows from providers ----------------------------------------------------- */

static bool from_provider(system_connector *s, system_provider_kind kind, metadata_rows *b,
                          shoal_error *error)
{
    system_row_sink sink = {.rows = b, .kind = kind};
    if (!s->providers[kind])
        return true;
    if (!s->providers[kind](s->provider_contexts[kind], &sink, error)) {
        if (!error_is_set(error))
            error_set(error, ERR_GENERIC_INTERNAL_ERROR, "System table provider failed");
        return false;
    }
    return metadata_rows_finish(b, error);
}

static void set_time(metadata_rows *b, int column, int64_t ms)
{
    if (ms >= 0)
        metadata_rows_set_timestamp_ms(b, column, ms);
}

static void set_count(metadata_rows *b, int column, int64_t v)
{
    if (v >= 0)
        metadata_rows_set_bigint(b, column, v);
}

bool system_add_node(system_row_sink *sink, const system_node_row *row)
{
    metadata_rows *b = sink->rows;
    if (sink->kind != SYSTEM_PROVIDER_NODES || !metadata_rows_begin(b))
        return false;
    metadata_rows_set_varchar(b, 0, row->node_id);
    metadata_rows_set_varchar(b, 1, row->http_uri);
    metadata_rows_set_varchar(b, 2, row->node_version);
    metadata_rows_set_boolean(b, 3, row->coordinator);
    metadata_rows_set_varchar(b, 4, row->state);
    return !b->failed;
}

bool system_add_query(system_row_sink *sink, const system_query_row *row)
{
    metadata_rows *b = sink->rows;
    if (sink->kind != SYSTEM_PROVIDER_QUERIES || !metadata_rows_begin(b))
        return false;
    metadata_rows_set_varchar(b, 0, row->query_id);
    metadata_rows_set_varchar(b, 1, row->state);
    metadata_rows_set_varchar(b, 2, row->user);
    metadata_rows_set_varchar(b, 3, row->source);
    metadata_rows_set_varchar(b, 4, row->query);
    metadata_rows_set_varchar_array(b, 5, row->resource_group_id, row->resource_group_id_length);
    set_count(b, 6, row->queued_time_ms);
    set_count(b, 7, row->analysis_time_ms);
    set_count(b, 8, row->planning_time_ms);
    set_time(b, 9, row->created);
    set_time(b, 10, row->started);
    set_time(b, 11, row->last_heartbeat);
    set_time(b, 12, row->end);
    metadata_rows_set_varchar(b, 13, row->error_type);
    metadata_rows_set_varchar(b, 14, row->error_code);
    return !b->failed;
}

bool system_add_task(system_row_sink *sink, const system_task_row *row)
{
    metadata_rows *b = sink->rows;
    if (sink->kind != SYSTEM_PROVIDER_TASKS || !metadata_rows_begin(b))
        return false;
    metadata_rows_set_varchar(b, 0, row->node_id);
    metadata_rows_set_varchar(b, 1, row->task_id);
    metadata_rows_set_varchar(b, 2, row->stage_id);
    metadata_rows_set_varchar(b, 3, row->query_id);
    metadata_rows_set_varchar(b, 4, row->state);
    const int64_t counts[] = {
        row->splits, row->queued_splits, row->running_splits, row->completed_splits,
        row->split_scheduled_time_ms, row->split_cpu_time_ms, row->split_blocked_time_ms,
        row->raw_input_bytes, row->raw_input_rows, row->processed_input_bytes,
        row->processed_input_rows, row->output_bytes, row->output_rows,
        row->physical_input_bytes, row->physical_written_bytes,
    };
    for (int i = 0; i < (int)(sizeof counts / sizeof counts[0]); i++)
        set_count(b, 5 + i, counts[i]);
    set_time(b, 20, row->created);
    set_time(b, 21, row->start);
    set_time(b, 22, row->last_heartbeat);
    set_time(b, 23, row->end);
    return !b->failed;
}

static bool generate_nodes(system_connector *s, metadata_rows *b, shoal_error *error)
{
    if (s->providers[SYSTEM_PROVIDER_NODES])
        return from_provider(s, SYSTEM_PROVIDER_NODES, b, error);
    system_row_sink sink = {.rows = b, .kind = SYSTEM_PROVIDER_NODES};
    system_node_row self = {s->node_id, s->http_uri, s->node_version, s->node_coordinator, s->node_state};
    system_add_node(&sink, &self);
    return metadata_rows_finish(b, error);
}

static bool generate_queries(system_connector *s, metadata_rows *b, shoal_error *error)
{
    return from_provider(s, SYSTEM_PROVIDER_QUERIES, b, error);
}

static bool generate_tasks(system_connector *s, metadata_rows *b, shoal_error *error)
{
    return from_provider(s, SYSTEM_PROVIDER_TASKS, b, error);
}
