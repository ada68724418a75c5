/*
 * coordinator.h — the coordinator's client REST API: Trino's statement
 * protocol (POST /v1/statement, nextUri polling, DELETE) and the info
 * endpoints, served over HTTP on top of an engine. One call starts it, one
 * stops it; everything else happens on HTTP requests.
 */
#ifndef SHOAL_COORDINATOR_COORDINATOR_H
#define SHOAL_COORDINATOR_COORDINATOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "actors/engine/engine.h"
#include "actors/resource/resource_manager.h"
#include "connectors/spi/error.h"

typedef struct coordinator coordinator;

typedef struct coordinator_config {
    const char *bind_host;             /* "0.0.0.0" (default) or "127.0.0.1" */
    int port;                          /* http-server.http.port; 0: any free port */
    bool http_disabled;                /* http-server.http.enabled=false */
    bool https_enabled;                /* http-server.https.enabled */
    int https_port;                    /* http-server.https.port; 0: any free port */
    const char *keystore_path;         /* http-server.https.keystore.path (PEM key + certificates) */
    const char *keystore_key;          /* http-server.https.keystore.key */
    /* http-server.authentication.type=PASSWORD with the file authenticator
     * (etc/password-authenticator.properties); NULL: insecure only. */
    const char *password_file;         /* file.password-file */
    int64_t password_refresh_ns;       /* file.refresh-period */
    bool password_cache;               /* file.auth-token-cache.max-size > 0 */
    bool allow_insecure_over_http;     /* http-server.authentication.allow-insecure-over-http */
    const char *environment;           /* node.environment */
    const char *node_id;               /* node.id */
    const char *version;               /* reported as nodeVersion.version */
    const char *alternate_header_name; /* protocol.v1.alternate-header-name ("Presto") or NULL */
    int64_t client_timeout_ms;         /* query.client.timeout; 0: 5 minutes */
    int64_t max_query_length;          /* query.max-length (characters); 0: 1,000,000 */
    size_t max_body_bytes;             /* 0: 4 x max_query_length (UTF-8), at least 1 MB */
    int max_history;                   /* finished queries kept; <0: 100 */
    int64_t min_expire_age_ms;         /* 0: 15 minutes */
    int max_worker_threads;            /* helper threads for long polls; 0: 256 */
    /* Resource groups: each POSTed query is submitted here and stays QUEUED
     * until admitted (statement_resource.c). NULL: every query is admitted at
     * once. Owned by the caller; destroy it after coordinator_stop. */
    resource_manager *resource_manager;
} coordinator_config;

coordinator_config coordinator_config_default(void);

/* Starts serving; NULL with *error when the port cannot be bound. */
coordinator *coordinator_start(engine *e, const coordinator_config *config, shoal_error *error);
/* The bound ports; -1 for a listener that is off. */
int coordinator_port(const coordinator *c);
int coordinator_https_port(const coordinator *c);
/* Fails every unfinished query (SERVER_SHUTTING_DOWN), stops the HTTP
 * server, waits for requests in progress and frees everything. The engine
 * is left to the caller. */
void coordinator_stop(coordinator *c);

#endif
