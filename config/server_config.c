/*
 * server_config.c — the schema of etc/config.properties and the rules that
 * tie its keys together.
 */
#include "server_config.h"

#include <stddef.h>
#include <string.h>
#include <strings.h>

#define F(field) offsetof(server_config, field)

static const char *const catalog_management_values[] = {"static", "dynamic", NULL};
static const char *const catalog_store_values[] = {"file", "memory", NULL};
static const char *const codec_values[] = {"NONE", "LZ4", "ZSTD", NULL};
static const char *const killer_values[] = {"none", "total-reservation", "total-reservation-on-blocked-nodes", NULL};
static const char *const retry_values[] = {"NONE", "QUERY", "TASK", NULL};

static const config_key server_keys[] = {
    {.name = "coordinator", .type = CONFIG_TYPE_BOOL, .offset = F(coordinator), .default_value = "true",
     .description = "This node accepts queries and schedules them (a worker sets false)."},
    {.name = "node-scheduler.include-coordinator", .type = CONFIG_TYPE_BOOL, .offset = F(include_coordinator),
     .default_value = "true", .description = "The coordinator also runs tasks."},
    {.name = "http-server.http.enabled", .type = CONFIG_TYPE_BOOL, .offset = F(http_enabled),
     .default_value = "true", .description = "Serve the REST API over plain HTTP."},
    {.name = "http-server.http.port", .type = CONFIG_TYPE_INT, .offset = F(http_port), .default_value = "8080",
     .min = 0, .max = 65535, .description = "Port of the REST API (0: any free port)."},
    {.name = "http-server.https.enabled", .type = CONFIG_TYPE_BOOL, .offset = F(https_enabled),
     .default_value = "false", .description = "Also serve the REST API over HTTPS (TLS by nng with mbedtls)."},
    {.name = "http-server.https.port", .type = CONFIG_TYPE_INT, .offset = F(https_port), .default_value = "8443",
     .min = 0, .max = 65535, .description = "Port of the HTTPS REST API (0: any free port)."},
    {.name = "http-server.https.keystore.path", .type = CONFIG_TYPE_STRING, .offset = F(https_keystore_path),
     .description = "PEM file with the private key and the certificate chain; required with HTTPS."},
    {.name = "http-server.https.keystore.key", .type = CONFIG_TYPE_STRING, .offset = F(https_keystore_key),
     .description = "Password of an encrypted private key in the keystore."},
    {.name = "discovery.uri", .type = CONFIG_TYPE_STRING, .offset = F(discovery_uri),
     .description = "URI of the coordinator that nodes announce themselves to; required on a worker."},
    {.name = "internal-communication.shared-secret", .type = CONFIG_TYPE_STRING, .offset = F(shared_secret),
     .description = "Secret that authenticates messages between nodes."},
    {.name = "http-server.authentication.type", .type = CONFIG_TYPE_STRING, .offset = F(authentication_type),
     .description = "Comma list of authenticators (PASSWORD, ...); none means insecure."},
    {.name = "http-server.authentication.allow-insecure-over-http", .type = CONFIG_TYPE_BOOL,
     .offset = F(allow_insecure_over_http), .default_value = "true",
     .description = "Over plain HTTP accept a user name without password (else 403) when authenticators are set."},
    {.name = "protocol.v1.alternate-header-name", .type = CONFIG_TYPE_STRING, .offset = F(alternate_header_name),
     .description = "Also accept client headers with this prefix (e.g. Presto for X-Presto-*)."},
    {.name = "query.max-memory", .type = CONFIG_TYPE_DATA_SIZE, .offset = F(query_max_memory),
     .default_value = "20GB", .description = "Max user memory of one query across the cluster."},
    {.name = "query.max-memory-per-node", .type = CONFIG_TYPE_DATA_SIZE, .offset = F(query_max_memory_per_node),
     .description = "Max user memory of one query on one node; absent: 30% of the process memory budget."},
    {.name = "query.max-total-memory", .type = CONFIG_TYPE_DATA_SIZE, .offset = F(query_max_total_memory),
     .description = "Max user + revocable memory of one query across the cluster; absent: 2 x query.max-memory."},
    {.name = "memory.heap-headroom-per-node", .type = CONFIG_TYPE_DATA_SIZE, .offset = F(heap_headroom_per_node),
     .description = "Memory kept for untracked allocations; absent: 30% of the process memory budget."},
    {.name = "query.low-memory-killer.policy", .type = CONFIG_TYPE_ENUM, .offset = F(low_memory_killer_policy),
     .enum_values = killer_values, .default_value = "total-reservation-on-blocked-nodes",
     .description = "Which query dies when the cluster is out of memory."},
    {.name = "query.max-concurrent-queries", .type = CONFIG_TYPE_INT, .offset = F(query_max_concurrent_queries),
     .default_value = "1000", .min = 0, .max = INT32_MAX,
     .description = "Deprecated: running limit of the single group used without resource-groups.properties."},
    {.name = "query.max-queued-queries", .type = CONFIG_TYPE_INT, .offset = F(query_max_queued_queries),
     .default_value = "5000", .min = 0, .max = INT32_MAX,
     .description = "Deprecated: queue limit of the single group used without resource-groups.properties."},
    {.name = "query.client.timeout", .type = CONFIG_TYPE_DURATION, .offset = F(query_client_timeout),
     .default_value = "5m", .description = "A query whose client stops polling this long is abandoned."},
    {.name = "query.max-execution-time", .type = CONFIG_TYPE_DURATION, .offset = F(query_max_execution_time),
     .default_value = "100d", .description = "Max execution time, not counting queueing and planning."},
    {.name = "query.max-run-time", .type = CONFIG_TYPE_DURATION, .offset = F(query_max_run_time),
     .default_value = "100d", .description = "Max time from creation to the end, queueing included."},
    {.name = "query.max-planning-time", .type = CONFIG_TYPE_DURATION, .offset = F(query_max_planning_time),
     .default_value = "10m", .description = "Max planning time of one query."},
    {.name = "query.max-cpu-time", .type = CONFIG_TYPE_DURATION, .offset = F(query_max_cpu_time),
     .default_value = "1000000000d", .description = "Max CPU time of one query across the cluster."},
    {.name = "query.max-length", .type = CONFIG_TYPE_INT, .offset = F(query_max_length),
     .default_value = "1000000", .min = 0, .max = 1000000000, .description = "Max characters of query text."},
    {.name = "query.max-stage-count", .type = CONFIG_TYPE_INT, .offset = F(query_max_stage_count),
     .default_value = "150", .min = 1, .max = INT32_MAX, .description = "Max stages of one query."},
    {.name = "spill-enabled", .type = CONFIG_TYPE_BOOL, .offset = F(spill_enabled), .default_value = "false",
     .description = "Operators may spill to disk under memory pressure."},
    {.name = "spiller-spill-path", .type = CONFIG_TYPE_STRING, .offset = F(spiller_spill_path),
     .description = "Comma list of spill directories; required when spill-enabled=true."},
    {.name = "spill-compression-codec", .type = CONFIG_TYPE_ENUM, .offset = F(spill_compression_codec),
     .enum_values = codec_values, .default_value = "NONE", .description = "Compression of spill files."},
    {.name = "max-spill-per-node", .type = CONFIG_TYPE_DATA_SIZE, .offset = F(max_spill_per_node),
     .default_value = "100GB", .description = "Spill space of all queries on one node."},
    {.name = "query-max-spill-per-node", .type = CONFIG_TYPE_DATA_SIZE, .offset = F(query_max_spill_per_node),
     .default_value = "100GB", .description = "Spill space of one query on one node."},
    {.name = "catalog.management", .type = CONFIG_TYPE_ENUM, .offset = F(catalog_management),
     .enum_values = catalog_management_values, .default_value = "static",
     .description = "dynamic allows CREATE CATALOG and DROP CATALOG."},
    {.name = "catalog.store", .type = CONFIG_TYPE_ENUM, .offset = F(catalog_store),
     .enum_values = catalog_store_values, .default_value = "file",
     .description = "Where dynamic catalogs are kept: property files or memory only."},
    {.name = "catalog.config-dir", .type = CONFIG_TYPE_STRING, .offset = F(catalog_config_dir),
     .default_value = "etc/catalog", .description = "Directory of the catalog property files."},
    {.name = "retry-policy", .type = CONFIG_TYPE_ENUM, .offset = F(retry_policy), .enum_values = retry_values,
     .default_value = "NONE", .description = "Fault-tolerant execution: retry nothing, whole queries, or tasks."},
    {.name = "task.concurrency", .type = CONFIG_TYPE_INT, .offset = F(task_concurrency), .default_value = "0",
     .min = 0, .max = 1024, .description = "Local parallelism of joins and aggregations; 0: from the core count."},
    {.name = "shoal.control.port", .type = CONFIG_TYPE_INT, .offset = F(control_port), .default_value = "8081",
     .min = 0, .max = 65535, .description = "Shoal: nng port for control messages between nodes (0: any free port)."},
    {.name = "exchange.compression-enabled", .type = CONFIG_TYPE_BOOL, .offset = F(exchange_compression_enabled),
     .default_value = "true",
     .description = "Exchange pages between nodes zstd-compressed (per column, when it saves an eighth)."},
    {.name = "shoal.exchange.port", .type = CONFIG_TYPE_INT, .offset = F(exchange_port), .default_value = "8082",
     .min = 0, .max = 65535, .description = "Shoal: nng port for page exchange between nodes (0: any free port)."},
    {.name = "shoal.worker-threads", .type = CONFIG_TYPE_INT, .offset = F(worker_threads), .default_value = "0",
     .min = 0, .max = 4096, .description = "Shoal: scheduler threads; 0: one per core."},
    {.name = "shoal.memory-budget", .type = CONFIG_TYPE_DATA_SIZE, .offset = F(memory_budget),
     .description = "Shoal: the process memory budget (Trino's JVM max heap); absent: the machine's memory or the "
                    "cgroup limit, whichever is lower."},
};

const config_schema server_config_schema = CONFIG_SCHEMA("config.properties", server_keys);

static int line_of(const config_properties *props, const char *key)
{
    const config_property *p = config_properties_find(props, key);
    return p ? p->line : 0;
}

/* http-server.authentication.type: a comma list; Shoal implements PASSWORD
 * (and Trino's implicit `insecure`). */
static bool check_authentication_types(const config_properties *props, const server_config *c, const char *file,
                                       config_error *error)
{
    const char *p = c->authentication_type;
    while (p && *p) {
        while (*p == ' ' || *p == ',')
            p++;
        size_t n = strcspn(p, ",");
        size_t length = n;
        while (length > 0 && p[length - 1] == ' ')
            length--;
        if (length > 0 && !(length == 8 && strncasecmp(p, "PASSWORD", 8) == 0) &&
            !(length == 8 && strncasecmp(p, "insecure", 8) == 0))
            return config_error_set(error, file, line_of(props, "http-server.authentication.type"),
                                    "http-server.authentication.type",
                                    "authentication type %.*s is not supported (Shoal has PASSWORD)", (int)length, p);
        p += n;
    }
    return true;
}

static bool check_rules(const config_properties *props, server_config *c, config_error *error)
{
    const char *file = props->file && *props->file ? props->file : "config.properties";
    if (c->spill_enabled && (!c->spiller_spill_path || !*c->spiller_spill_path))
        return config_error_set(error, file, line_of(props, "spill-enabled"), "spiller-spill-path",
                                "spiller-spill-path must be configured when spill-enabled is set to true");
    if (c->query_max_total_memory == 0)
        c->query_max_total_memory = c->query_max_memory * 2;
    else if (c->query_max_total_memory < c->query_max_memory)
        return config_error_set(error, file, line_of(props, "query.max-total-memory"), "query.max-total-memory",
                                "query.max-total-memory must be greater than or equal to query.max-memory");
    if (!c->coordinator && (!c->discovery_uri || !*c->discovery_uri))
        return config_error_set(error, file, line_of(props, "coordinator"), "discovery.uri",
                                "discovery.uri is required on a worker (coordinator=false)");
    if (c->https_enabled && (!c->https_keystore_path || !*c->https_keystore_path))
        return config_error_set(error, file, line_of(props, "http-server.https.enabled"),
                                "http-server.https.keystore.path",
                                "http-server.https.keystore.path must be set when http-server.https.enabled is true");
    if (c->coordinator && !c->http_enabled && !c->https_enabled)
        return config_error_set(error, file, line_of(props, "http-server.http.enabled"), "http-server.http.enabled",
                                "either HTTP or HTTPS must be enabled");
    if (!check_authentication_types(props, c, file, error))
        return false;
    int64_t ports[4] = {c->http_port, c->control_port, c->exchange_port, c->https_enabled ? c->https_port : 0};
    const char *names[4] = {"http-server.http.port", "shoal.control.port", "shoal.exchange.port",
                            "http-server.https.port"};
    for (int i = 0; i < 4; i++)
        for (int j = i + 1; j < 4; j++)
            if (ports[i] != 0 && ports[i] == ports[j])
                return config_error_set(error, file, line_of(props, names[j]), names[j],
                                        "port %lld is also used by %s", (long long)ports[j], names[i]);
    return true;
}

bool server_config_from_properties(const config_properties *props, server_config *out, config_error *error)
{
    if (!config_schema_apply(&server_config_schema, props, out, error))
        return false;
    if (!check_rules(props, out, error)) {
        server_config_free(out);
        return false;
    }
    return true;
}

bool server_config_load(const char *path, server_config *out, config_error *error)
{
    config_properties props;
    if (!config_properties_load(path, &props, error))
        return false;
    bool ok = config_properties_resolve_env(&props, error) && server_config_from_properties(&props, out, error);
    config_properties_free(&props);
    return ok;
}

bool server_config_parse(const char *text, const char *file, server_config *out, config_error *error)
{
    config_properties props;
    if (!config_properties_parse(text, strlen(text), file, &props, error))
        return false;
    bool ok = config_properties_resolve_env(&props, error) && server_config_from_properties(&props, out, error);
    config_properties_free(&props);
    return ok;
}

void server_config_free(server_config *config)
{
    config_schema_free(&server_config_schema, config);
}
