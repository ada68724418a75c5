/*
 * coordinator.c — starts and stops the REST API: the query tracker, the
 * HTTP server and its routes.
 */
#include "coordinator.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actors/coordinator/coordinator_state.h"

coordinator_config coordinator_config_default(void)
{
    coordinator_config c = {
        .bind_host = "0.0.0.0",
        .port = 8080,
        .environment = "shoal",
        .node_id = "shoal-coordinator",
        .version = "476-shoal",
        .client_timeout_ms = 5 * 60 * 1000,
        .max_query_length = 1000000,
        .max_history = 100,
        .min_expire_age_ms = 15 * 60 * 1000,
        .max_worker_threads = 256,
    };
    return c;
}

bool coordinator_authenticate(coordinator *c, http_request *r, http_handler_fn resume, void *resume_context,
                              authentication_result *out)
{
    switch (authentication_check(&c->authentication, r, http_request_on_worker(r), out)) {
    case AUTHENTICATED:
        return true;
    case AUTHENTICATION_NEEDS_WORKER:
        http_request_defer(r, resume, resume_context);
        return false;
    case AUTHENTICATION_REFUSED:
        break;
    }
    authentication_respond_refused(r, out);
    return false;
}

bool coordinator_authenticate_resource(coordinator *c, http_request *r, http_handler_fn resume, void *resume_context)
{
    if (!c->authentication.passwords)
        return true;
    authentication_result auth;
    return coordinator_authenticate(c, r, resume, resume_context, &auth);
}

/* Resources every request of which needs an authenticated user. */
static void query_resource_authenticated(void *context, http_request *r)
{
    if (coordinator_authenticate_resource(context, r, query_resource_authenticated, context))
        query_resource_handle(context, r);
}

static void catalog_resource_authenticated(void *context, http_request *r)
{
    if (coordinator_authenticate_resource(context, r, catalog_resource_authenticated, context))
        catalog_resource_handle(context, r);
}

static void resource_group_resource_authenticated(void *context, http_request *r)
{
    if (coordinator_authenticate_resource(context, r, resource_group_resource_authenticated, context))
        resource_group_resource_handle(context, r);
}

static bool open_password_file(coordinator *c, char *message, size_t size)
{
    if (!c->config.password_file)
        return true;
    c->passwords = password_file_open(c->config.password_file, c->config.password_refresh_ns,
                                      c->config.password_cache, message, size);
    return c->passwords != NULL;
}

static void copy_or(char *out, size_t size, const char *value, const char *fallback)
{
    snprintf(out, size, "%s", value && *value ? value : fallback);
}

coordinator *coordinator_start(engine *e, const coordinator_config *config, shoal_error *error)
{
    coordinator *c = calloc(1, sizeof *c);
    if (!c) {
        error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
        return NULL;
    }
    coordinator_config defaults = coordinator_config_default();
    c->engine = e;
    c->config = *config;
    copy_or(c->environment, sizeof c->environment, config->environment, defaults.environment);
    copy_or(c->node_id, sizeof c->node_id, config->node_id, defaults.node_id);
    copy_or(c->version, sizeof c->version, config->version, defaults.version);
    copy_or(c->alternate_header_name, sizeof c->alternate_header_name, config->alternate_header_name, "");
    if (c->config.max_query_length <= 0)
        c->config.max_query_length = defaults.max_query_length;
    if (c->config.max_body_bytes == 0) {
        uint64_t bytes = (uint64_t)c->config.max_query_length * 4;
        c->config.max_body_bytes = bytes < (1u << 20) ? (1u << 20) : (size_t)bytes;
    }
    if (c->config.max_history < 0)
        c->config.max_history = defaults.max_history;
    c->started_ns = tracker_now_ns();
    query_tracker_config tc = {
        .client_timeout_ms = c->config.client_timeout_ms,
        .max_history = c->config.max_history,
        .min_expire_age_ms = c->config.min_expire_age_ms,
    };
    c->tracker = query_tracker_create(&tc);
    http_server_config hc = {
        .host = config->bind_host ? config->bind_host : "0.0.0.0",
        .port = config->port,
        .http_disabled = config->http_disabled,
        .https_enabled = config->https_enabled,
        .https_port = config->https_port,
        .keystore_path = config->keystore_path,
        .keystore_key = config->keystore_key,
        .max_body_bytes = c->config.max_body_bytes,
        .max_worker_threads = config->max_worker_threads,
    };
    char message[512] = "";
    bool have_passwords = open_password_file(c, message, sizeof message);
    c->authentication = (authentication_config){
        .passwords = c->passwords,
        .allow_insecure_over_http = config->allow_insecure_over_http,
        .alternate_header_name = c->alternate_header_name[0] ? c->alternate_header_name : NULL,
    };
    c->config.password_file = NULL; /* the caller's strings are not kept */
    c->config.keystore_path = NULL;
    c->config.keystore_key = NULL;
    if (c->tracker && have_passwords)
        c->http = http_server_create(&hc, message, sizeof message);
    bool ok = c->tracker && c->http &&
              http_server_route(c->http, "/v1/statement", HTTP_ROUTE_INLINE, statement_resource_handle, c) &&
              http_server_route(c->http, "/v1/query", HTTP_ROUTE_WORKER, query_resource_authenticated, c) &&
              http_server_route(c->http, "/v1/info", HTTP_ROUTE_INLINE, info_resource_handle, c) &&
              http_server_route(c->http, "/v1/status", HTTP_ROUTE_INLINE, info_resource_handle, c) &&
              http_server_route(c->http, "/v1/node", HTTP_ROUTE_INLINE, info_resource_handle, c) &&
              http_server_route(c->http, "/ui", HTTP_ROUTE_INLINE, info_resource_handle, c) &&
              /* Shoal's REST catalog API (catalog_resource.c) */
              http_server_route(c->http, "/v1/catalog", HTTP_ROUTE_WORKER, catalog_resource_authenticated, c) &&
              /* resource groups' live state (resource_group_resource.c) */
              http_server_route(c->http, "/v1/resourceGroupState", HTTP_ROUTE_INLINE,
                                resource_group_resource_authenticated, c);
    if (ok)
        ok = http_server_start(c->http, message, sizeof message);
    shoal_error system_error;
    error_clear(&system_error);
    if (ok && !coordinator_system_tables_attach(c, &system_error)) {
        snprintf(message, sizeof message, "%.480s", system_error.message);
        ok = false;
    }
    if (!ok) {
        error_set(error, ERR_GENERIC_INTERNAL_ERROR, "Cannot start the REST API: %s",
                  message[0] ? message : "out of memory");
        if (c->http) {
            http_server_stop(c->http);
            http_server_destroy(c->http);
        }
        query_tracker_destroy(c->tracker);
        password_file_close(c->passwords);
        free(c);
        return NULL;
    }
    return c;
}

int coordinator_port(const coordinator *c)
{
    return http_server_port(c->http);
}

int coordinator_https_port(const coordinator *c)
{
    return http_server_https_port(c->http);
}

void coordinator_stop(coordinator *c)
{
    if (!c)
        return;
    atomic_store(&c->shutting_down, true);
    coordinator_system_tables_detach(c);
    query_tracker_cancel_all(c->tracker, ERR_SERVER_SHUTTING_DOWN, "Server is shutting down");
    http_server_stop(c->http);
    http_server_destroy(c->http);
    query_tracker_destroy(c->tracker);
    password_file_close(c->passwords);
    free(c);
}
