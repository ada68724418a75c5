/*
 * coordinator_state.h — the coordinator's shared state, seen by its
 * resources (statement_resource.c, info_resource.c); not a public header.
 */
#ifndef SHOAL_COORDINATOR_COORDINATOR_STATE_H
#define SHOAL_COORDINATOR_COORDINATOR_STATE_H

#include <stdatomic.h>

#include "actors/coordinator/authentication.h"
#include "actors/coordinator/coordinator.h"
#include "actors/coordinator/http_server.h"
#include "actors/coordinator/query_tracker.h"

struct coordinator {
    engine *engine;
    coordinator_config config;
    char environment[128];
    char node_id[128];
    char version[64];
    char alternate_header_name[32];
    http_server *http;
    password_file *passwords;
    authentication_config authentication;
    query_tracker *tracker;
    int64_t started_ns;
    _Atomic bool shutting_down;
};

/* system.runtime.queries and kill_query over this coordinator's queries
 * (system_tables.c); attached once the server listens, detached at stop. */
bool coordinator_system_tables_attach(coordinator *c, shoal_error *error);
void coordinator_system_tables_detach(coordinator *c);

/* Authenticates a POST /v1/statement (authentication.h). True with the
 * principal in *out: go on. False: the request was answered (401/403), or
 * moved to a helper thread to hash a password, where
 * resume(resume_context, request) runs the handler again. */
bool coordinator_authenticate(coordinator *c, http_request *r, http_handler_fn resume, void *resume_context,
                              authentication_result *out);
/* The same for the management resources (/v1/query, /v1/node, /v1/catalog,
 * /v1/resourceGroupState) once an authenticator is configured. Without one
 * they stay open, as before, so the web UI's plain fetches work (Trino
 * would ask for X-Trino-User there too). */
bool coordinator_authenticate_resource(coordinator *c, http_request *r, http_handler_fn resume,
                                       void *resume_context);

/* Route handlers. */
void statement_resource_handle(void *context, http_request *request);
void info_resource_handle(void *context, http_request *request);
void query_resource_handle(void *context, http_request *request);
void catalog_resource_handle(void *context, http_request *request);   /* /v1/catalog */
void resource_group_resource_handle(void *context, http_request *request);   /* /v1/resourceGroupState */

#endif
