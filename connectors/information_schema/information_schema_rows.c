/*
 * information_schema_rows.c — the rows of information_schema's tables, made
 * from the inner connector's live metadata when a scan opens its split.
 * Pushed-down ranges on the schema and table name columns prune the walk:
 * a pinned name (col = 'x') is looked up directly instead of listed.
 */
#include <stdlib.h>
#include <string.h>

#include "information_schema_internal.h"

enum { NAME_MAX_BYTES = 1024 };

static bool oom(shoal_error *error)
{
    return error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
}

static bool is_info_schema(const char *schema)
{
    return strcmp(schema, INFORMATION_SCHEMA_NAME) == 0;
}

static bool list_contains(const string_list *list, const char *item)
{
    for (int i = 0; i < list->count; i++)
        if (strcmp(list->items[i], item) == 0)
            return true;
    return false;
}

/* The schemas of the catalog (information_schema first) that the ranges on
 * table column `column` allow. */
static bool collect_schemas(info_wrapper *w, const metadata_rows *b, int column, string_list *out,
                            shoal_error *error)
{
    connector *inner = w->inner;
    char pinned[NAME_MAX_BYTES];
    bool is_pinned = metadata_rows_pinned(b, column, pinned, sizeof pinned);
    if (is_pinned && (is_info_schema(pinned) || inner->ops->schema_exists))
        return !(is_info_schema(pinned) || inner->ops->schema_exists(inner, pinned)) ||
               string_list_add(out, pinned) || oom(error);
    string_list all = {0};
    bool ok = string_list_add(&all, INFORMATION_SCHEMA_NAME) || oom(error);
    ok = ok && inner->ops->list_schemas(inner, &all, error);
    for (int i = 0; ok && i < all.count; i++) {
        const char *schema = all.items[i];
        if (is_pinned ? strcmp(schema, pinned) != 0 : !metadata_rows_match(b, column, schema))
            continue;
        if (!list_contains(out, schema))
            ok = string_list_add(out, schema) || oom(error);
    }
    string_list_free(&all);
    return ok;
}

static bool table_exists(info_wrapper *w, const char *schema, const char *table, bool *exists,
                         shoal_error *error)
{
    if (is_info_schema(schema)) {
        *exists = info_find_table(table) != NULL;
        return true;
    }
    table_metadata *m = w->inner->ops->get_table(w->inner, schema, table, error);
    *exists = m != NULL;
    table_metadata_free(m);
    return m || !error_is_set(error);
}

/* The tables of `schema` that the ranges on table column `column` allow. */
static bool collect_tables(info_wrapper *w, const metadata_rows *b, const char *schema, int column,
                           string_list *out, shoal_error *error)
{
    char pinned[NAME_MAX_BYTES];
    if (metadata_rows_pinned(b, column, pinned, sizeof pinned)) {
        bool exists = false;
        if (!table_exists(w, schema, pinned, &exists, error))
            return false;
        return !exists || string_list_add(out, pinned) || oom(error);
    }
    string_list all = {0};
    bool ok = true;
    if (is_info_schema(schema)) {
        for (int i = 0; ok && i < INFO_TABLE_COUNT; i++)
            ok = string_list_add(&all, info_tables()[i].name) || oom(error);
    } else {
        ok = w->inner->ops->list_tables(w->inner, schema, &all, error);
    }
    for (int i = 0; ok && i < all.count; i++)
        if (metadata_rows_match(b, column, all.items[i]))
            ok = string_list_add(out, all.items[i]) || oom(error);
    string_list_free(&all);
    return ok;
}

/* ---- schemata: catalog_name, schema_name ---------------------------------------- */

bool info_generate_schemata(info_wrapper *w, metadata_rows *b, shoal_error *error)
{
    if (!metadata_rows_match(b, 0, w->catalog_name))
        return true;
    string_list schemas = {0};
    bool ok = collect_schemas(w, b, 1, &schemas, error);
    for (int i = 0; ok && i < schemas.count && metadata_rows_begin(b); i++) {
        metadata_rows_set_varchar(b, 0, w->catalog_name);
        metadata_rows_set_varchar(b, 1, schemas.items[i]);
    }
    string_list_free(&schemas);
    return ok && metadata_rows_finish(b, error);
}

/* ---- tables: table_catalog, table_schema, table_name, table_type, table_comment -- */

/* The views of `schema` as rows of `tables` (table_type VIEW). */
static bool view_table_rows(info_wrapper *w, metadata_rows *b, const char *schema, shoal_error *error)
{
    if (is_info_schema(schema) || !w->inner->ops->list_views)
        return true;
    string_list views = {0};
    bool ok = w->inner->ops->list_views(w->inner, schema, &views, error);
    for (int v = 0; ok && v < views.count; v++) {
        if (!metadata_rows_match(b, 2, views.items[v]) || !metadata_rows_begin(b))
            continue;
        metadata_rows_set_varchar(b, 0, w->catalog_name);
        metadata_rows_set_varchar(b, 1, schema);
        metadata_rows_set_varchar(b, 2, views.items[v]);
        metadata_rows_set_varchar(b, 3, "VIEW");
        metadata_rows_set_varchar(b, 4, NULL);
    }
    string_list_free(&views);
    return ok;
}

bool info_generate_tables(info_wrapper *w, metadata_rows *b, shoal_error *error)
{
    if (!metadata_rows_match(b, 0, w->catalog_name))
        return true;
    bool want_comment = metadata_rows_wants(b, 4);
    string_list schemas = {0};
    bool ok = collect_schemas(w, b, 1, &schemas, error);
    for (int s = 0; ok && s < schemas.count && !metadata_rows_full(b); s++) {
        string_list names = {0};
        ok = collect_tables(w, b, schemas.items[s], 2, &names, error);
        for (int t = 0; ok && t < names.count; t++) {
            table_metadata *m = NULL;
            if (want_comment) {
                m = info_get_table(w, schemas.items[s], names.items[t], error);
                if (!m) {
                    ok = !error_is_set(error);
                    continue; /* dropped since it was listed */
                }
            }
            if (!metadata_rows_begin(b)) {
                table_metadata_free(m);
                break;
            }
            metadata_rows_set_varchar(b, 0, w->catalog_name);
            metadata_rows_set_varchar(b, 1, schemas.items[s]);
            metadata_rows_set_varchar(b, 2, names.items[t]);
            metadata_rows_set_varchar(b, 3, "BASE TABLE");
            metadata_rows_set_varchar(b, 4, m ? m->comment : NULL);
            table_metadata_free(m);
        }
        string_list_free(&names);
        ok = ok && view_table_rows(w, b, schemas.items[s], error);
    }
    string_list_free(&schemas);
    return ok && metadata_rows_finish(b, error);
}

/* ---- columns -------------------------------------------------------------------- */

static void column_rows(info_wrapper *w, metadata_rows *b, const table_metadata *m)
{
    for (int c = 0; c < m->column_count; c++) {
        const column_metadata *col = &m->columns[c];
        if (!metadata_rows_match(b, 3, col->name) || !metadata_rows_begin(b))
            continue;
        char type_name[TYPE_NAME_MAX];
        type_format(col->type, false, type_name, sizeof type_name);
        metadata_rows_set_varchar(b, 0, w->catalog_name);
        metadata_rows_set_varchar(b, 1, m->schema);
        metadata_rows_set_varchar(b, 2, m->name);
        metadata_rows_set_varchar(b, 3, col->name);
        metadata_rows_set_bigint(b, 4, c + 1);
        metadata_rows_set_varchar(b, 6, col->nullable ? "YES" : "NO");
        metadata_rows_set_varchar(b, 7, type_name);
        metadata_rows_set_varchar(b, 8, col->comment);
    }
}

bool info_generate_columns(info_wrapper *w, metadata_rows *b, shoal_error *error)
{
    if (!metadata_rows_match(b, 0, w->catalog_name))
        return true;
    string_list schemas = {0};
    bool ok = collect_schemas(w, b, 1, &schemas, error);
    for (int s = 0; ok && s < schemas.count && !metadata_rows_full(b); s++) {
        string_list names = {0};
        ok = collect_tables(w, b, schemas.items[s], 2, &names, error);
        for (int t = 0; ok && t < names.count && !metadata_rows_full(b); t++) {
            table_metadata *m = info_get_table(w, schemas.items[s], names.items[t], error);
            if (!m) {
                ok = !error_is_set(error);
                continue;
            }
            column_rows(w, b, m);
            table_metadata_free(m);
        }
        string_list_free(&names);
    }
    string_list_free(&schemas);
    return ok && metadata_rows_finish(b, error);
}

/* ---- views: table_catalog, table_schema, table_name, view_definition ------------- */

bool info_generate_views(info_wrapper *w, metadata_rows *b, shoal_error *error)
{
    if (!metadata_rows_match(b, 0, w->catalog_name) || !w->inner->ops->list_views)
        return true;
    string_list schemas = {0};
    bool ok = collect_schemas(w, b, 1, &schemas, error);
    for (int s = 0; ok && s < schemas.count && !metadata_rows_full(b); s++) {
        string_list names = {0};
        ok = is_info_schema(schemas.items[s]) || w->inner->ops->list_views(w->inner, schemas.items[s], &names, error);
        for (int t = 0; ok && t < names.count && !metadata_rows_full(b); t++) {
            if (!metadata_rows_match(b, 2, names.items[t]))
                continue;
            view_definition *v = w->inner->ops->get_view(w->inner, schemas.items[s], names.items[t], error);
            if (!v) {
                ok = !error_is_set(error);
                continue; /* dropped since it was listed */
            }
            if (metadata_rows_begin(b)) {
                metadata_rows_set_varchar(b, 0, w->catalog_name);
                metadata_rows_set_varchar(b, 1, schemas.items[s]);
                metadata_rows_set_varchar(b, 2, names.items[t]);
                metadata_rows_set_varchar(b, 3, v->sql);
            }
            view_definition_free(v);
        }
        string_list_free(&names);
    }
    string_list_free(&schemas);
    return ok && metadata_rows_finish(b, error);
}

/* ---- privileges, roles: nothing to list yet ------------------------------------------ */

bool info_generate_empty(info_wrapper *w, metadata_rows *b, shoal_error *error)
{
    (void)w;
    (void)b;
    (void)error;
    return true;
}
