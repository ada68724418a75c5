/*
 * engine.h — one node's query engine in a process: the actor runtime, the
 * catalogs, and statement execution. `shoal-server --execute` drives it
 * directly; the REST coordinator drives it through the same calls.
 */
#ifndef SHOAL_ACTORS_ENGINE_H
#define SHOAL_ACTORS_ENGINE_H

#include <stdbool.h>

#include "connectors/spi/catalog.h"
#include "actors/engine/query_limits.h"
#include "connectors/spi/error.h"
#include "operators/spiller.h"
#include "runtime/runtime.h"

typedef struct engine engine;

typedef struct engine_config {
    int threads;                 /* 0: one per core */
    const char *etc_dir;         /* NULL: a default `tpch` catalog only */
    const query_limits_config *limits; /* per-query memory/time limits; NULL: none */
    bool spill_enabled;          /* spill-enabled (session spill_enabled overrides) */
    const spiller_config *spill; /* spiller-spill-path, codec, limits; NULL: spill impossible */
} engine_config;

engine *engine_create(const engine_config *config, shoal_error *error);
void engine_destroy(engine *e);

catalog_registry *engine_catalogs(engine *e);
runtime *engine_runtime(engine *e);
int engine_threads(const engine *e);
/* The per-query limits every statement runs with (NULL: none). */
const query_limits_config *engine_query_limits(const engine *e);
/* Where queries spill (NULL: nowhere) and whether they do by default. */
const spiller_config *engine_spill(const engine *e, bool *enabled_by_default);

/* The coordinator's node table (actors/cluster/node_manager.h): with active
 * workers, queries over connectors run distributed (distributed_execution.h).
 * NULL (the default): everything runs on this node. */
typedef struct node_manager node_manager;
void engine_set_cluster(engine *e, node_manager *nodes);
node_manager *engine_cluster(const engine *e);

/* Loads every etc/catalog/NAME.properties as catalog NAME. */
bool engine_load_catalogs(engine *e, const char *catalog_dir, shoal_error *error);

#endif
