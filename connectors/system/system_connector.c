/*
 * system_connector.c — the system connector's factory, metadata, scans and
 * provider registration.
 */
#include "system_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static bool oom(shoal_error *error)
{
    return error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
}

/* ---- metadata ---------------------------------------------------------------- */

static const char *const schemas[] = {"metadata", "runtime"};

static bool system_list_schemas(connector *c, string_list *out, shoal_error *error)
{
    (void)c;
    for (size_t i = 0; i < sizeof schemas / sizeof schemas[0]; i++)
        if (!string_list_add(out, schemas[i]))
            return oom(error);
    return true;
}

static bool system_schema_exists(connector *c, const char *schema)
{
    (void)c;
    for (size_t i = 0; schema && i < sizeof schemas / sizeof schemas[0]; i++)
        if (strcmp(schemas[i], schema) == 0)
            return true;
    return false;
}

static bool system_list_tables(connector *c, const char *schema, string_list *out, shoal_error *error)
{
    (void)c;
    for (int i = 0; i < system_table_count(); i++) {
        const system_table *t = system_table_at(i);
        if ((!schema || strcmp(t->schema, schema) == 0) && !string_list_add(out, t->name))
            return oom(error);
    }
    return true;
}

static table_metadata *system_get_table(connector *c, const char *schema, const char *name,
                                        shoal_error *error)
{
    (void)c;
    const system_table *t = system_find_table(schema, name);
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

/* ---- scans --------------------------------------------------------------------- */

static const system_table *table_of(const table_metadata *table, shoal_error *error)
{
    for (int i = 0; table && i < system_table_count(); i++)
        if (table->connector_data == system_table_at(i))
            return system_table_at(i);
    error_set(error, ERR_GENERIC_INTERNAL_ERROR, "Not a system table: %s.%s",
              table ? table->schema : "?", table ? table->name : "?");
    return NULL;
}

static bool system_get_splits(connector *c, const table_metadata *table, const scan_request *request,
                              int desired_splits, split_list *out, shoal_error *error)
{
    (void)request;
    (void)desired_splits;
    system_connector *s = (system_connector *)c;
    const system_table *t = table_of(table, error);
    if (!t)
        return false;
    char description[256];
    snprintf(description, sizeof description, "%s.%s.%s", s->catalog_name, t->schema, t->name);
    return metadata_single_split(description, out, error);
}

static page_source *system_open_page_source(connector *c, const table_metadata *table, const split *sp,
                                            const scan_request *request, shoal_error *error)
{
    (void)sp;
    system_connector *s = (system_connector *)c;
    const system_table *t = table_of(table, error);
    if (!t)
        return NULL;
    metadata_rows rows;
    if (!metadata_rows_init(&rows, t->column_count, t->columns, request, error))
        return NULL;
    page_source *source = NULL;
    pthread_rwlock_rdlock(&s->lock);
    bool ok = t->generate(s, &rows, error);
    pthread_rwlock_unlock(&s->lock);
    if (ok)
        source = metadata_rows_source(&rows, error);
    metadata_rows_destroy(&rows);
    return source;
}

/* ---- the instance ---------------------------------------------------------------- */

static void system_destroy(connector *c)
{
    system_connector *s = (system_connector *)c;
    pthread_rwlock_destroy(&s->lock);
    free(s->catalog_name);
    free(s->node_id);
    free(s->http_uri);
    free(s->node_version);
    free(s->node_state);
    free(s);
}

static const connector_ops system_ops = {
    .destroy = system_destroy,
    .list_schemas = system_list_schemas,
    .list_tables = system_list_tables,
    .schema_exists = system_schema_exists,
    .get_table = system_get_table,
    .get_splits = system_get_splits,
    .open_page_source = system_open_page_source,
};

bool system_connector_is(const connector *c)
{
    return c && c->ops == &system_ops;
}

static bool replace_string(char **slot, const char *text)
{
    char *copy = NULL;
    if (text && !(copy = strdup(text)))
        return false;
    free(*slot);
    *slot = copy;
    return true;
}

static connector *system_create(const char *catalog_name, const connector_properties *props,
                                shoal_error *error)
{
    if (props && props->count > 0) {
        error_set(error, ERR_INVALID_CATALOG_PROPERTY, "Configuration property '%s' was not used",
                  props->items[0].key);
        return NULL;
    }
    system_connector *s = calloc(1, sizeof *s);
    if (!s) {
        oom(error);
        return NULL;
    }
    pthread_rwlock_init(&s->lock, NULL);
    s->base.ops = &system_ops;
    s->base.connector_name = SYSTEM_CONNECTOR_NAME;
    char host[256] = "localhost";
    if (gethostname(host, sizeof host - 1) != 0)
        snprintf(host, sizeof host, "localhost");
    host[sizeof host - 1] = '\0';
    s->node_coordinator = true;
    if (!replace_string(&s->catalog_name, catalog_name ? catalog_name : SYSTEM_CATALOG_NAME) ||
        !replace_string(&s->node_id, host) || !replace_string(&s->node_version, "shoal") ||
        !replace_string(&s->node_state, "active")) {
        system_destroy(&s->base);
        oom(error);
        return NULL;
    }
    return &s->base;
}

const connector_factory system_connector_factory = {
    .name = SYSTEM_CONNECTOR_NAME,
    .create = system_create,
};

bool system_connector_register(shoal_error *error)
{
    return catalog_register_factory(&system_connector_factory, error);
}

/* ---- providers ------------------------------------------------------------------- */

static system_connector *as_system(connector *c, shoal_error *error)
{
    if (!system_connector_is(c)) {
        error_set(error, ERR_GENERIC_INTERNAL_ERROR, "Not a system connector");
        return NULL;
    }
    return (system_connector *)c;
}

bool system_connector_set_provider(connector *c, system_provider_kind kind, system_rows_fn fn,
                                   void *context, shoal_error *error)
{
    system_connector *s = as_system(c, error);
    if (!s)
        return false;
    if ((int)kind < 0 || kind >= SYSTEM_PROVIDER_COUNT)
        return error_set(error, ERR_GENERIC_INTERNAL_ERROR, "Unknown system provider %d", (int)kind);
    pthread_rwlock_wrlock(&s->lock);
    s->providers[kind] = fn;
    s->provider_contexts[kind] = fn ? context : NULL;
    pthread_rwlock_unlock(&s->lock);
    return true;
}

bool system_connector_set_query_killer(connector *c, system_kill_fn fn, void *context, shoal_error *error)
{
    system_connector *s = as_system(c, error);
    if (!s)
        return false;
    pthread_rwlock_wrlock(&s->lock);
    s->killer = fn;
    s->killer_context = fn ? context : NULL;
    pthread_rwlock_unlock(&s->lock);
    return true;
}

bool system_connector_set_local_node(connector *c, const system_node_row *row, shoal_error *error)
{
    system_connector *s = as_system(c, error);
    if (!s)
        return false;
    pthread_rwlock_wrlock(&s->lock);
    bool ok = replace_string(&s->node_id, row->node_id) && replace_string(&s->http_uri, row->http_uri) &&
              replace_string(&s->node_version, row->node_version) &&
              replace_string(&s->node_state, row->state);
    s->node_coordinator = row->coordinator;
    pthread_rwlock_unlock(&s->lock);
    return ok || oom(error);
}

/* ---- through the registry ----------------------------------------------------------- */

static catalog *acquire_system(catalog_registry *registry, shoal_error *error)
{
    catalog *c = catalog_acquire(registry, SYSTEM_CATALOG_NAME, error);
    if (c && !system_connector_is(catalog_connector(c))) {
        catalog_release(c);
        error_set(error, ERR_CATALOG_NOT_FOUND, "Catalog '%s' is not the system catalog", SYSTEM_CATALOG_NAME);
        return NULL;
    }
    return c;
}

bool system_catalog_add(catalog_registry *registry, shoal_error *error)
{
    connector_properties none = {NULL, 0};
    if (!catalog_add(registry, SYSTEM_CATALOG_NAME, SYSTEM_CONNECTOR_NAME, &none, false, error))
        return false;
    catalog *c = acquire_system(registry, error);
    if (!c)
        return false;
    system_connector *s = (system_connector *)catalog_connector(c);
    pthread_rwlock_wrlock(&s->lock);
    s->registry = registry;
    pthread_rwlock_unlock(&s->lock);
    catalog_release(c);
    return true;
}

bool system_catalog_set_provider(catalog_registry *registry, system_provider_kind kind,
                                 system_rows_fn fn, void *context, shoal_error *error)
{
    catalog *c = acquire_system(registry, error);
    if (!c)
        return false;
    bool ok = system_connector_set_provider(catalog_connector(c), kind, fn, context, error);
    catalog_release(c);
    return ok;
}

bool system_catalog_set_query_killer(catalog_registry *registry, system_kill_fn fn, void *context,
                                     shoal_error *error)
{
    catalog *c = acquire_system(registry, error);
    if (!c)
        return false;
    bool ok = system_connector_set_query_killer(catalog_connector(c), fn, context, error);
    catalog_release(c);
    return ok;
}

bool system_catalog_set_local_node(catalog_registry *registry, const system_node_row *row,
                                   shoal_error *error)
{
    catalog *c = acquire_system(registry, error);
    if (!c)
        return false;
    bool ok = system_connector_set_local_node(catalog_connector(c), row, error);
    catalog_release(c);
    return ok;
}
