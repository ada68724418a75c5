/*
 * engine.c — the engine of one node: starts the actor runtime, registers the
 * built-in connectors, and creates the catalogs (from etc/catalog/, or a
 * default `tpch` catalog when no etc directory is given).
 */
#include "engine.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/catalog_config.h"
#include "connectors/registry/builtin_connectors.h"
#include "connectors/system/system_connector.h"
#include "operators/expression_program.h"

struct engine {
    runtime *rt;
    catalog_registry *catalogs;
    int threads;
    bool has_limits;
    query_limits_config limits;
    node_manager *cluster;
    bool spill_enabled;
    bool has_spill;
    spiller_config spill;        /* path owned */
};

static bool add_default_catalogs(engine *e, shoal_error *error)
{
    connector_properties none = {NULL, 0};
    return catalog_add(e->catalogs, "tpch", "tpch", &none, false, error) &&
           catalog_add(e->catalogs, "memory", "memory", &none, false, error);
}

bool engine_load_catalogs(engine *e, const char *catalog_dir, shoal_error *error)
{
    catalog_config_list list;
    config_error config_error;
    config_error_clear(&config_error);
    if (!catalog_config_load_dir(catalog_dir, &list, &config_error))
        return error_set(error, ERR_CONFIGURATION_INVALID, "%s", config_error.message);
    bool ok = true;
    for (size_t i = 0; ok && i < list.count; i++) {
        catalog_config *c = &list.catalogs[i];
        connector_property *items = calloc(c->properties.count + 1, sizeof *items);
        for (size_t k = 0; k < c->properties.count; k++) {
            items[k].key = c->properties.items[k].key;
            items[k].value = c->properties.items[k].value;
        }
        connector_properties props = {items, (int)c->properties.count};
        ok = catalog_add(e->catalogs, c->name, c->connector_name, &props, false, error);
        free(items);
    }
    catalog_config_list_free(&list);
    return ok;
}

engine *engine_create(const engine_config *config, shoal_error *error)
{
    engine *e = calloc(1, sizeof *e);
    if (!e) {
        error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
        return NULL;
    }
    expr_functions_install();
    if (!builtin_connectors_register(error))
        goto fail;
    e->catalogs = catalog_registry_new();
    runtime_config rc = runtime_config_default();
    rc.threads = config->threads;
    /* A pipeline step that holds a core for a second is worth a log line;
     * shorter holds (a hash build, a sort) are expected under load. */
    rc.stall_ms = 1000;
    int rt_error = 0;
    e->rt = runtime_create(&rc, &rt_error);
    if (!e->rt || runtime_start(e->rt) != 0) {
        error_set(error, ERR_GENERIC_INTERNAL_ERROR, "Cannot start the runtime (%d)", rt_error);
        goto fail;
    }
    e->threads = runtime_thread_count(e->rt);
    if (config->limits) {
        e->has_limits = true;
        e->limits = *config->limits;
    }
    if (config->spill) {
        e->has_spill = true;
        e->spill = *config->spill;
        e->spill.path = strdup(config->spill->path ? config->spill->path : "/tmp");
        e->spill_enabled = config->spill_enabled;
    }
    if (config->etc_dir) {
        char path[4096];
        snprintf(path, sizeof path, "%s/catalog", config->etc_dir);
        if (!engine_load_catalogs(e, path, error))
            goto fail;
    } else if (!add_default_catalogs(e, error)) {
        goto fail;
    }
    /* Trino's `system` catalog, always present (connectors/system) */
    if (!system_catalog_add(e->catalogs, error))
        goto fail;
    return e;
fail:
    engine_destroy(e);
    return NULL;
}

void engine_destroy(engine *e)
{
    if (!e)
        return;
    if (e->rt) {
        runtime_shutdown(e->rt, RUNTIME_CANCEL, 5000);
        runtime_destroy(e->rt);
    }
    catalog_registry_free(e->catalogs);
    free((char *)e->spill.path);
    free(e);
}

catalog_registry *engine_catalogs(engine *e) { return e->catalogs; }
runtime *engine_runtime(engine *e) { return e->rt; }
int engine_threads(const engine *e) { return e->threads; }
const query_limits_config *engine_query_limits(const engine *e) { return e->has_limits ? &e->limits : NULL; }

void engine_set_cluster(engine *e, node_manager *nodes)
{
    e->cluster = nodes;
}

node_manager *engine_cluster(const engine *e)
{
    return e->cluster;
}

const spiller_config *engine_spill(const engine *e, bool *enabled_by_default)
{
    *enabled_by_default = e->has_spill && e->spill_enabled;
    return e->has_spill && e->spill.path ? &e->spill : NULL;
}
