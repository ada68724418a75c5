/*
 * information_schema.c — the wrapper connector: answers schema
 * "information_schema" from the table descriptors and passes everything
 * else to the catalog's own connector.
 */
#include "information_schema_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define V INFO_VARCHAR
#define B INFO_BIGINT

/* Trino's InformationSchemaTable: names, columns and order. Trino hides
 * columns.comment / columns.extra_info / tables.table_comment from SELECT *;
 * the SPI has no hidden columns, so here they are ordinary last columns. */
static const info_table tables[INFO_TABLE_COUNT] = {
    {"applicable_roles", 4,
     {{"grantee", V}, {"grantee_type", V}, {"role_name", V}, {"is_grantable", V}},
     info_generate_empty},
    {"columns", 10,
     {{"table_catalog", V}, {"table_schema", V}, {"table_name", V}, {"column_name", V},
      {"ordinal_position", B}, {"column_default", V}, {"is_nullable", V}, {"data_type", V},
      {"comment", V}, {"extra_info", V}},
     info_generate_columns},
    {"enabled_roles", 1, {{"role_name", V}}, info_generate_empty},
    {"roles", 1, {{"role_name", V}}, info_generate_empty},
    {"schemata", 2, {{"catalog_name", V}, {"schema_name", V}}, info_generate_schemata},
    {"table_privileges", 10,
     {{"grantor", V}, {"grantor_type", V}, {"grantee", V}, {"grantee_type", V}, {"table_catalog", V},
      {"table_schema", V}, {"table_name", V}, {"privilege_type", V}, {"is_grantable", V},
      {"with_hierarchy", V}},
     info_generate_empty},
    {"tables", 5,
     {{"table_catalog", V}, {"table_schema", V}, {"table_name", V}, {"table_type", V},
      {"table_comment", V}},
     info_generate_tables},
    {"views", 4,
     {{"table_catalog", V}, {"table_schema", V}, {"table_name", V}, {"view_definition", V}},
     info_generate_views},
};

#undef V
#undef B

const info_table *info_tables(void) { return tables; }

const info_table *info_find_table(const char *name)
{
    for (int i = 0; name && i < INFO_TABLE_COUNT; i++)
        if (strcmp(tables[i].name, name) == 0)
            return &tables[i];
    return NULL;
}

bool information_schema_is_table(const table_metadata *table)
{
    for (int i = 0; table && i < INFO_TABLE_COUNT; i++)
        if (table->connector_data == &tables[i])
            return true;
    return false;
}

static bool is_info_schema(const char *schema)
{
    return schema && strcmp(schema, INFORMATION_SCHEMA_NAME) == 0;
}

static bool oom(shoal_error *error)
{
    return error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
}

/* ---- metadata ------------------------------------------------------------------- */

table_metadata *info_get_table(info_wrapper *w, const char *schema, const char *name, shoal_error *error)
{
    if (!is_info_schema(schema))
        return w->inner->ops->get_table(w->inner, schema, name, error);
    const info_table *t = info_find_table(name);
    if (!t)
        return NULL;
    table_metadata *m = table_metadata_new(schema, name, t->column_count);
    if (!m) {
        oom(error);
        return NULL;
    }
    for (int i = 0; i < t->column_count; i++) {
        table_metadata_set_column(m, i, t->columns[i].name, t->columns[i].type);
        if (!m->columns[i].name) {
            table_metadata_free(m);
            oom(error);
            return NULL;
        }
    }
    m->connector_data = (void *)t;
    return m;
}

static table_metadata *wrap_get_table(connector *c, const char *schema, const char *name, shoal_error *error)
{
    return info_get_table((info_wrapper *)c, schema, name, error);
}

static bool wrap_list_schemas(connector *c, string_list *out, shoal_error *error)
{
    info_wrapper *w = (info_wrapper *)c;
    if (!string_list_add(out, INFORMATION_SCHEMA_NAME))
        return oom(error);
    return w->inner->ops->list_schemas(w->inner, out, error);
}

static bool wrap_list_tables(connector *c, const char *schema, string_list *out, shoal_error *error)
{
    info_wrapper *w = (info_wrapper *)c;
    if (!is_info_schema(schema))
        return w->inner->ops->list_tables(w->inner, schema, out, error);
    for (int i = 0; i < INFO_TABLE_COUNT; i++)
        if (!string_list_add(out, tables[i].name))
            return oom(error);
    return true;
}

static bool wrap_schema_exists(connector *c, const char *schema)
{
    info_wrapper *w = (info_wrapper *)c;
    if (is_info_schema(schema))
        return true;
    return !w->inner->ops->schema_exists || w->inner->ops->schema_exists(w->inner, schema);
}

static bool wrap_list_views(connector *c, const char *schema, string_list *out, shoal_error *error)
{
    info_wrapper *w = (info_wrapper *)c;
    if (is_info_schema(schema) || !w->inner->ops->list_views)
        return true;
    return w->inner->ops->list_views(w->inner, schema, out, error);
}

static view_definition *wrap_get_view(connector *c, const char *schema, const char *name, shoal_error *error)
{
    info_wrapper *w = (info_wrapper *)c;
    if (is_info_schema(schema) || !w->inner->ops->get_view)
        return NULL;
    return w->inner->ops->get_view(w->inner, schema, name, error);
}

/* ---- scans ------------------------------------------------------------------------ */

static bool wrap_get_splits(connector *c, const table_metadata *table, const scan_request *request,
                            int desired_splits, split_list *out, shoal_error *error)
{
    info_wrapper *w = (info_wrapper *)c;
    if (!information_schema_is_table(table))
        return w->inner->ops->get_splits(w->inner, table, request, desired_splits, out, error);
    char description[256];
    snprintf(description, sizeof description, "%s.information_schema.%s", w->catalog_name, table->name);
    return metadata_single_split(description, out, error);
}

static page_source *wrap_open_page_source(connector *c, const table_metadata *table, const split *s,
                                          const scan_request *request, shoal_error *error)
{
    info_wrapper *w = (info_wrapper *)c;
    if (!information_schema_is_table(table))
        return w->inner->ops->open_page_source(w->inner, table, s, request, error);
    const info_table *t = table->connector_data;
    metadata_rows rows;
    if (!metadata_rows_init(&rows, t->column_count, t->columns, request, error))
        return NULL;
    page_source *source = NULL;
    if (t->generate(w, &rows, error))
        source = metadata_rows_source(&rows, error);
    metadata_rows_destroy(&rows);
    return source;
}

/* ---- the wrapper ---------------------------------------------------------------- */

static void wrap_destroy(connector *c)
{
    info_wrapper *w = (info_wrapper *)c;
    free(w->catalog_name);
    free(w);
}

/* The wrapper's own table: read callbacks only, each forwarding to the inner
 * connector with the inner as `self`. Writes and DDL are NULL (the engine
 * writes through the catalog's own connector), and so is any callback added
 * to connector_ops later until it is forwarded here: the wrapper never hands
 * itself to a callback written for the inner connector's struct. */
static const connector_ops wrapper_ops = {
    .destroy = wrap_destroy,
    .list_schemas = wrap_list_schemas,
    .list_tables = wrap_list_tables,
    .schema_exists = wrap_schema_exists,
    .get_table = wrap_get_table,
    .get_splits = wrap_get_splits,
    .open_page_source = wrap_open_page_source,
    .list_views = wrap_list_views,
    .get_view = wrap_get_view,
};

connector *information_schema_wrap(const char *catalog_name, connector *inner, shoal_error *error)
{
    info_wrapper *w = calloc(1, sizeof *w);
    if (!w || !(w->catalog_name = strdup(catalog_name ? catalog_name : ""))) {
        free(w);
        oom(error);
        return NULL;
    }
    w->inner = inner;
    w->base.ops = &wrapper_ops;
    w->base.connector_name = inner->connector_name;
    return &w->base;
}

void information_schema_wrap_free(void *wrapper)
{
    if (wrapper)
        wrap_destroy(wrapper);
}

connector *information_schema_inner(connector *c)
{
    return c && c->ops == &wrapper_ops ? ((info_wrapper *)c)->inner : c;
}
