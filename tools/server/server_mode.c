/*
 * server_mode.c — `shoal-server --etc DIR`: reads DIR/config.properties and
 * DIR/node.properties, starts the engine (catalogs from DIR/catalog/) and the
 * REST API on http-server.http.port, prints one line when ready
 * ("======== SERVER STARTED ======== http://HOST:PORT", as Trino logs it),
 * and on SIGTERM/SIGINT fails the running queries (SERVER_SHUTTING_DOWN),
 * stops and frees everything, and exits 0.
 *
 * Bind address: 0.0.0.0 like Trino, unless node.internal-address is a
 * loopback address (127.0.0.1, localhost): a node only reachable locally
 * then listens only locally (what the tests use).
 */
#include "server_mode.h"

#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "actors/coordinator/coordinator.h"
#include "actors/engine/catalog_store.h"
#include "actors/engine/engine.h"
#include "actors/resource/resource_watch.h"
#include "config/node_config.h"
#include "config/password_authenticator_config.h"
#include "config/resource_groups.h"
#include "config/resource_groups_config.h"
#include "config/server_config.h"
#include "worker_mode.h"

static bool is_loopback(const char *address)
{
    return address && (strcmp(address, "127.0.0.1") == 0 || strcmp(address, "localhost") == 0);
}

/* Where the resource-groups.json in force lives, for the reload watcher
 * (path[0] == 0: the legacy group, nothing to watch). */
typedef struct groups_file {
    char path[4096];
    int64_t refresh_ms;
} groups_file;

/* Resource groups: etc/resource-groups.properties (the `file` manager and its
 * resource-groups.config-file, a relative path tried as given, then under
 * etc/) when present, else Trino's legacy `global` group from
 * query.max-concurrent-queries / query.max-queued-queries. */
static resource_manager *create_resource_manager(const server_mode_options *o, const server_config *sc, engine *e,
                                                 uint64_t cluster_memory, groups_file *watched)
{
    watched->path[0] = '\0';
    char path[4096];
    snprintf(path, sizeof path, "%s/resource-groups.properties", o->etc);
    resource_manager_options options = {
        .max_concurrent_queries = sc->query_max_concurrent_queries,
        .max_queued_queries = sc->query_max_queued_queries,
        .cluster_memory_bytes = cluster_memory,   /* base of "N%" softMemoryLimits (one node) */
    };
    resource_groups_spec spec;
    bool have_spec = false;
    config_error config_err;
    if (access(path, F_OK) == 0) {
        resource_groups_config rgc;
        if (!resource_groups_config_load(path, &rgc, &config_err)) {
            fprintf(stderr, "shoal-server: %s\n", config_err.message);
            return NULL;
        }
        if (rgc.manager != RESOURCE_GROUPS_MANAGER_FILE || !rgc.config_file) {
            fprintf(stderr, "shoal-server: %s: only resource-groups.configuration-manager=file is supported\n", path);
            resource_groups_config_free(&rgc);
            return NULL;
        }
        char file[4096];
        snprintf(file, sizeof file, "%s", rgc.config_file);
        if (file[0] != '/' && access(file, F_OK) != 0)
            snprintf(file, sizeof file, "%s/%s", o->etc, rgc.config_file);
        watched->refresh_ms = rgc.refresh_interval / 1000000;
        resource_groups_config_free(&rgc);
        snprintf(watched->path, sizeof watched->path, "%s", file);
        if (!resource_groups_load(file, &spec, &config_err)) {
            fprintf(stderr, "shoal-server: %s\n", config_err.message);
            return NULL;
        }
        have_spec = true;
        options.spec = &spec;
    }
    shoal_error error;
    error_clear(&error);
    resource_manager *rm = resource_manager_create(engine_runtime(e), &options, &error);
    if (have_spec)
        resource_groups_free(&spec);
    if (!rm)
        fprintf(stderr, "shoal-server: resource groups: %s (%s)\n", error.message, error_name(error.code));
    return rm;
}

/* The process memory budget (Trino's JVM max heap): shoal.memory-budget,
 * else the machine's memory or the cgroup v2 limit, whichever is lower. */
static uint64_t memory_budget(const server_config *sc)
{
    if (sc->memory_budget)
        return sc->memory_budget;
    long pages = sysconf(_SC_PHYS_PAGES), page_size = sysconf(_SC_PAGESIZE);
    uint64_t bytes = pages > 0 && page_size > 0 ? (uint64_t)pages * (uint64_t)page_size : 0;
    FILE *f = fopen("/sys/fs/cgroup/memory.max", "r");
    unsigned long long limit = 0;
    if (f) {
        if (fscanf(f, "%llu", &limit) == 1 && limit > 0 && (bytes == 0 || limit < bytes))
            bytes = limit;
        fclose(f);
    }
    return bytes;
}

static bool has_password_authentication(const server_config *sc)
{
    const char *p = sc->authentication_type;
    while (p && *p) {
        p += strspn(p, ", ");
        size_t n = strcspn(p, ", ");
        if (n == 8 && strncasecmp(p, "PASSWORD", 8) == 0)
            return true;
        p += n;
    }
    return false;
}

/* http-server.authentication.type=PASSWORD: etc/password-authenticator.properties
 * (Trino's `file` authenticator; a relative password file is tried as
 * given, then under etc/). */
static bool configure_password_authentication(const server_mode_options *o, const server_config *sc,
                                              password_authenticator_config *pac, char *file, size_t file_size,
                                              coordinator_config *cc)
{
    memset(pac, 0, sizeof *pac);
    if (!has_password_authentication(sc))
        return true;
    char path[4096];
    snprintf(path, sizeof path, "%s/password-authenticator.properties", o->etc);
    config_error err;
    if (!password_authenticator_config_load(path, pac, &err)) {
        fprintf(stderr, "shoal-server: %s\n", err.message);
        return false;
    }
    snprintf(file, file_size, "%s", pac->password_file);
    if (file[0] != '/' && access(file, F_OK) != 0)
        snprintf(file, file_size, "%s/%s", o->etc, pac->password_file);
    cc->password_file = file;
    cc->password_refresh_ns = pac->refresh_period;
    cc->password_cache = pac->cache_max_size > 0;
    return true;
}

static int serve(const server_mode_options *o, const server_config *sc, const node_config *nc)
{
    shoal_error error;
    error_clear(&error);
    /* Memory, as Trino sizes it from the heap: the node pool is the budget
     * less memory.heap-headroom-per-node, query.max-memory-per-node defaults
     * to 30% of the budget (both 30% when absent). */
    uint64_t budget = memory_budget(sc);
    uint64_t headroom = sc->heap_headroom_per_node ? sc->heap_headroom_per_node : budget / 10 * 3;
    uint64_t node_pool = budget > headroom ? budget - headroom : 0;
    query_limits_set_node_pool_limit(node_pool > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)node_pool);
    /* per-query memory and time limits from config.properties (0: none) */
    query_limits_config limits = {
        .max_memory_per_node = sc->query_max_memory_per_node ? sc->query_max_memory_per_node : budget / 10 * 3,
        .low_memory_killer = sc->low_memory_killer_policy,
        .max_memory = sc->query_max_memory,
        .max_total_memory = sc->query_max_total_memory,
        .max_execution_time_ns = sc->query_max_execution_time,
        .max_run_time_ns = sc->query_max_run_time,
        .max_planning_time_ns = sc->query_max_planning_time,
    };
    /* spill-enabled, spiller-spill-path, spill-compression-codec, max-spill-per-node,
     * query-max-spill-per-node (operators/spiller.h) */
    spiller_config spill = {
        .path = sc->spiller_spill_path,
        .compress = sc->spill_compression_codec == COMPRESSION_ZSTD,
        .max_query_bytes = sc->query_max_spill_per_node,
        .max_node_bytes = sc->max_spill_per_node,
    };
    engine_config ec = {
        .threads = o->threads ? o->threads : (int)sc->worker_threads,
        .etc_dir = o->etc,
        .limits = &limits,
        .spill_enabled = sc->spill_enabled,
        .spill = sc->spiller_spill_path ? &spill : NULL,
    };
    engine *e = engine_create(&ec, &error);
    if (!e) {
        fprintf(stderr, "shoal-server: %s (%s)\n", error.message, error_name(error.code));
        return 1;
    }
    /* catalog.management / catalog.store / catalog.config-dir (actors/engine/catalog_store.h) */
    char catalog_dir[4096];
    catalog_store_options store = catalog_store_options_from_config(sc, o->etc, catalog_dir, sizeof catalog_dir);
    if (!catalog_store_attach(e, &store, &error)) {
        fprintf(stderr, "shoal-server: %s (%s)\n", error.message, error_name(error.code));
        engine_destroy(e);
        return 1;
    }
    groups_file groups;
    resource_manager *rm = create_resource_manager(o, sc, e, node_pool, &groups);
    if (!rm) {
        catalog_store_detach(e);
        engine_destroy(e);
        return 1;
    }
    /* resource-groups.json is reloaded when it changes (resource_watch.h) */
    resource_watch *watch = groups.path[0] ? resource_watch_start(rm, groups.path, groups.refresh_ms) : NULL;
    if (groups.path[0] && !watch)
        fprintf(stderr, "shoal-server: %s will not be reloaded (cannot start the watcher)\n", groups.path);
    coordinator_config cc = coordinator_config_default();
    cc.resource_manager = rm;
    cc.bind_host = is_loopback(nc->internal_address) ? "127.0.0.1" : "0.0.0.0";
    cc.port = (int)sc->http_port;
    cc.http_disabled = !sc->http_enabled;
    cc.https_enabled = sc->https_enabled;
    cc.https_port = (int)sc->https_port;
    cc.keystore_path = sc->https_keystore_path;
    cc.keystore_key = sc->https_keystore_key;
    cc.allow_insecure_over_http = sc->allow_insecure_over_http;
    password_authenticator_config pac;
    char password_file[4096];
    if (!configure_password_authentication(o, sc, &pac, password_file, sizeof password_file, &cc)) {
        resource_manager_destroy(rm);
        catalog_store_detach(e);
        engine_destroy(e);
        return 1;
    }
    cc.environment = nc->environment;
    cc.node_id = nc->id;
    cc.alternate_header_name = sc->alternate_header_name;
    cc.client_timeout_ms = sc->query_client_timeout / 1000000;
    cc.max_query_length = sc->query_max_length;
    coordinator *c = coordinator_start(e, &cc, &error);
    password_authenticator_config_free(&pac);
    if (!c) {
        fprintf(stderr, "shoal-server: %s (%s)\n", error.message, error_name(error.code));
        resource_watch_stop(watch);
        resource_manager_destroy(rm);
        catalog_store_detach(e);
        engine_destroy(e);
        return 1;
    }
    /* Cluster: the node manager (coordinator) or the announcer (worker); see worker_mode.c. */
    cluster_services *cluster = cluster_services_start(e, sc, nc, &error);
    if (!cluster)
        fprintf(stderr, "shoal-server: cluster services not started: %s\n", error.message);
    const char *host = strcmp(cc.bind_host, "0.0.0.0") == 0 ? "127.0.0.1" : cc.bind_host;
    printf("======== SERVER STARTED ========");
    if (coordinator_port(c) >= 0)
        printf(" http://%s:%d", host, coordinator_port(c));
    if (coordinator_https_port(c) >= 0)
        printf(" https://%s:%d", host, coordinator_https_port(c));
    printf("\n");
    fflush(stdout);

    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGTERM);
    sigaddset(&stop_signals, SIGINT);
    int signal_number = 0;
    sigwait(&stop_signals, &signal_number);
    fprintf(stderr, "shoal-server: %s received, shutting down\n", signal_number == SIGINT ? "SIGINT" : "SIGTERM");
    cluster_services_stop(cluster);
    coordinator_stop(c);
    resource_watch_stop(watch);
    resource_manager_destroy(rm); /* after the coordinator ended every ticket */
    catalog_store_detach(e);
    engine_destroy(e);
    fprintf(stderr, "shoal-server: stopped\n");
    return 0;
}

int run_server(const server_mode_options *o)
{
    if (!o->etc) {
        fprintf(stderr, "shoal-server: server mode needs --etc DIR\n");
        return 2;
    }
    /* Block the stop signals before any thread starts, so every thread
     * inherits the mask and only sigwait() below receives them. */
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGTERM);
    sigaddset(&stop_signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);
    signal(SIGPIPE, SIG_IGN);

    char path[4096];
    config_error error;
    server_config sc;
    snprintf(path, sizeof path, "%s/config.properties", o->etc);
    if (!server_config_load(path, &sc, &error)) {
        fprintf(stderr, "shoal-server: %s\n", error.message);
        return 1;
    }
    node_config nc;
    snprintf(path, sizeof path, "%s/node.properties", o->etc);
    if (!node_config_load(path, &nc, &error)) {
        fprintf(stderr, "shoal-server: %s\n", error.message);
        server_config_free(&sc);
        return 1;
    }
    int status = serve(o, &sc, &nc);
    node_config_free(&nc);
    server_config_free(&sc);
    return status;
}
