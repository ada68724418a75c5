/*
 * system_internal.h — the system connector's state and table descriptors,
 * shared by its files.
 *
 * Locking: one rwlock guards the registry pointer, the providers, the kill
 * callback and the local node row. Scans and CALL read under it (and keep
 * it while a callback runs); setters write.
 */
#ifndef SHOAL_SYSTEM_INTERNAL_H
#define SHOAL_SYSTEM_INTERNAL_H

#include <pthread.h>

#include "connectors/information_schema/metadata_rows.h"
#include "connectors/system/system_connector.h"

typedef struct system_connector {
    connector base;
    char *catalog_name;
    pthread_rwlock_t lock;
    catalog_registry *registry;   /* NULL: no catalogs to show */
    system_rows_fn providers[SYSTEM_PROVIDER_COUNT];
    void *provider_contexts[SYSTEM_PROVIDER_COUNT];
    system_kill_fn killer;
    void *killer_context;
    char *node_id;
    char *http_uri;
    char *node_version;
    char *node_state;
    bool node_coordinator;
} system_connector;

typedef bool (*system_generator)(system_connector *s, metadata_rows *rows, shoal_error *error);

typedef struct system_table {
    const char *schema;
    const char *name;
    int column_count;
    metadata_column columns[24];
    system_generator generate;
} system_table;

/* The tables (system_tables.c); the descriptors are static. */
int system_table_count(void);
const system_table *system_table_at(int index);
const system_table *system_find_table(const char *schema, const char *name);

struct system_row_sink {
    metadata_rows *rows;
    system_provider_kind kind;
};

#endif
