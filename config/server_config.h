/*
 * server_config.h — etc/config.properties: the Trino keys Shoal understands
 * and Shoal's own (nng endpoints, worker threads). Every key is listed, with
 * type, default and meaning, in config/README.md (generated from the schema
 * by config_schema_print_markdown).
 */
#ifndef SHOAL_CONFIG_SERVER_CONFIG_H
#define SHOAL_CONFIG_SERVER_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include "config/config_error.h"
#include "config/properties.h"
#include "config/schema.h"

typedef enum catalog_management { CATALOG_MANAGEMENT_STATIC, CATALOG_MANAGEMENT_DYNAMIC } catalog_management;
typedef enum catalog_store { CATALOG_STORE_FILE, CATALOG_STORE_MEMORY } catalog_store;
typedef enum compression_codec { COMPRESSION_NONE, COMPRESSION_LZ4, COMPRESSION_ZSTD } compression_codec;
typedef enum low_memory_killer_policy {
    LOW_MEMORY_KILLER_NONE,
    LOW_MEMORY_KILLER_TOTAL_RESERVATION,
    LOW_MEMORY_KILLER_TOTAL_RESERVATION_ON_BLOCKED_NODES
} low_memory_killer_policy;
typedef enum retry_policy { RETRY_POLICY_NONE, RETRY_POLICY_QUERY, RETRY_POLICY_TASK } retry_policy;

typedef struct server_config {
    /* node role and endpoints */
    bool coordinator;
    bool include_coordinator;          /* node-scheduler.include-coordinator */
    bool http_enabled;                 /* http-server.http.enabled */
    int64_t http_port;                 /* http-server.http.port */
    bool https_enabled;                /* http-server.https.enabled */
    int64_t https_port;                /* http-server.https.port */
    char *https_keystore_path;         /* http-server.https.keystore.path: PEM key + certificates */
    char *https_keystore_key;          /* http-server.https.keystore.key: the key's password */
    char *discovery_uri;               /* NULL when absent */
    char *shared_secret;               /* internal-communication.shared-secret */
    char *authentication_type;         /* http-server.authentication.type */
    bool allow_insecure_over_http;     /* http-server.authentication.allow-insecure-over-http */
    char *alternate_header_name;       /* protocol.v1.alternate-header-name */

    /* memory (bytes; 0 = derived, see README) */
    uint64_t query_max_memory;
    uint64_t query_max_memory_per_node;
    uint64_t query_max_total_memory;
    uint64_t heap_headroom_per_node;   /* memory.heap-headroom-per-node */
    int low_memory_killer_policy;      /* low_memory_killer_policy */

    /* admission (legacy single resource group) */
    int64_t query_max_concurrent_queries;
    int64_t query_max_queued_queries;

    /* time limits (nanoseconds) */
    int64_t query_client_timeout;
    int64_t query_max_execution_time;
    int64_t query_max_run_time;
    int64_t query_max_planning_time;
    int64_t query_max_cpu_time;
    int64_t query_max_length;
    int64_t query_max_stage_count;

    /* spill */
    bool spill_enabled;
    char *spiller_spill_path;          /* comma-separated directories */
    int spill_compression_codec;       /* compression_codec */
    uint64_t max_spill_per_node;
    uint64_t query_max_spill_per_node;

    /* catalogs */
    int catalog_management;            /* catalog_management */
    int catalog_store;                 /* catalog_store */
    char *catalog_config_dir;

    int retry_policy;                  /* retry_policy */
    int64_t task_concurrency;          /* 0 = from the core count */

    /* Shoal's own */
    int64_t control_port;              /* shoal.control.port: nng control RPC */
    int64_t exchange_port;             /* shoal.exchange.port: nng page exchange */
    bool exchange_compression_enabled; /* exchange.compression-enabled (default true) */
    int64_t worker_threads;            /* shoal.worker-threads; 0 = one per core */
    uint64_t memory_budget;            /* shoal.memory-budget; 0 = physical memory / cgroup limit */
} server_config;

extern const config_schema server_config_schema;

/* Applies the schema, then the rules between keys (spill path when spill is
 * on, total memory >= memory, discovery.uri on a worker, distinct ports) and
 * fills derived values (query.max-total-memory = 2 x query.max-memory when
 * absent). */
bool server_config_from_properties(const config_properties *props, server_config *out, config_error *error);
bool server_config_load(const char *path, server_config *out, config_error *error);
bool server_config_parse(const char *text, const char *file, server_config *out, config_error *error);
void server_config_free(server_config *config);

#endif
