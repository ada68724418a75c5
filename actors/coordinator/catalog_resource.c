/*
 * catalog_resource.c — Shoal's own REST catalog API (upstream Trino has
 * none; it only has CREATE/DROP CATALOG, see protocol.md §7). Same rules as
 * the SQL statements, through actors/engine/catalog_store:
 *
 *   POST   /v1/catalog         {"catalogName": "...", "connectorName": "...",
 *                               "properties": {"key": "value", ...}}
 *                              201 + the catalog; 400 bad JSON / bad property
 *                              (named) / static management; 409 exists
 *   GET    /v1/catalog         200 [{"catalogName", "connectorName"}, ...]
 *   GET    /v1/catalog/{name}  200 {"catalogName", "connectorName", "properties"}
 *                              with secret values as "***"; 404 missing
 *   DELETE /v1/catalog/{name}  204; 404 missing
 *
 * Errors are Trino-style JSON: {"message", "errorCode", "errorName",
 * "errorType"}. Runs on the work pool (creating a catalog may do I/O).
 * JSON in and out through jansson (json_text.h's names collide with it).
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "actors/coordinator/coordinator_state.h"
#include "actors/engine/catalog_store.h"
#include <stdio.h>

#define CATALOG_PATH "/v1/catalog"

/* jansson's json_string() is shadowed at link time by json_text.c's function
 * of the same name (same library), so strings are made with json_stringn. */
static json_t *jstr(const char *s)
{
    return json_stringn(s, strlen(s));
}

static void respond_json(http_request *r, int status, json_t *doc)
{
    char *text = doc ? json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    if (text)
        http_request_respond(r, status, "application/json", text, strlen(text), NULL);
    else
        http_request_respond_text(r, 500, "Out of memory");
    free(text);
    json_decref(doc);
}

static void respond_error(http_request *r, int status, const shoal_error *error)
{
    json_t *doc = json_object();
    json_object_set_new(doc, "message", jstr(error->message[0] ? error->message : "Internal error"));
    json_object_set_new(doc, "errorCode", json_integer(error_number(error->code)));
    json_object_set_new(doc, "errorName", jstr(error_name(error->code)));
    json_object_set_new(doc, "errorType", jstr(error_type_name(error_type_of(error->code))));
    respond_json(r, status, doc);
}

static void fail(http_request *r, int status, error_code code, const char *message)
{
    shoal_error error;
    error_clear(&error);
    error_set(&error, code, "%s", message);
    respond_error(r, status, &error);
}

/* 409 exists, 404 missing, 500 internal, 400 any other user error. */
static int status_of(const shoal_error *error)
{
    if (error->code == ERR_ALREADY_EXISTS)
        return 409;
    if (error->code == ERR_CATALOG_NOT_FOUND)
        return 404;
    if (error_type_of(error->code) != ERROR_TYPE_USER)
        return 500;
    return 400;
}

static json_t *catalog_json(const catalog *c, bool with_properties)
{
    json_t *doc = json_object();
    json_object_set_new(doc, "catalogName", jstr(catalog_name(c)));
    json_object_set_new(doc, "connectorName", jstr(catalog_connector_name(c)));
    if (with_properties) {
        json_t *p = json_object();
        const connector_properties *props = catalog_properties(c);
        for (int i = 0; props && i < props->count; i++)
            json_object_set_new(p, props->items[i].key,
                                jstr(catalog_store_shown_value(props->items[i].key, props->items[i].value)));
        json_object_set_new(doc, "properties", p);
    }
    return doc;
}

static void get_catalog(coordinator *c, http_request *r, const char *name, int status)
{
    shoal_error error;
    error_clear(&error);
    catalog *held = catalog_acquire(engine_catalogs(c->engine), name, &error);
    if (!held) {
        respond_error(r, 404, &error);
        return;
    }
    json_t *doc = catalog_json(held, true);
    catalog_release(held);
    respond_json(r, status, doc);
}

static void list_catalogs(coordinator *c, http_request *r)
{
    shoal_error error;
    error_clear(&error);
    string_list names = {0};
    if (!catalog_list(engine_catalogs(c->engine), &names, &error)) {
        respond_error(r, 500, &error);
        return;
    }
    json_t *list = json_array();
    for (int i = 0; i < names.count; i++) {
        catalog *held = catalog_acquire(engine_catalogs(c->engine), names.items[i], NULL);
        if (!held)
            continue;   /* dropped meanwhile */
        json_array_append_new(list, catalog_json(held, false));
        catalog_release(held);
    }
    string_list_free(&names);
    respond_json(r, 200, list);
}

static void create_catalog(coordinator *c, http_request *r)
{
    size_t length = 0;
    const char *body = http_request_body(r, &length);
    json_error_t parse_error;
    json_t *doc = body && length ? json_loadb(body, length, JSON_REJECT_DUPLICATES, &parse_error) : NULL;
    if (!doc || !json_is_object(doc)) {
        char message[300];
        snprintf(message, sizeof message, "Invalid JSON body: %s", doc ? "expected an object" :
                 length ? parse_error.text : "empty");
        json_decref(doc);
        fail(r, 400, ERR_GENERIC_USER_ERROR, message);
        return;
    }
    const char *name = json_string_value(json_object_get(doc, "catalogName"));
    const char *connector_name = json_string_value(json_object_get(doc, "connectorName"));
    json_t *props = json_object_get(doc, "properties");
    const char *problem = !name || !*name                      ? "catalogName must be a non-empty string"
                          : !connector_name || !*connector_name ? "connectorName must be a non-empty string"
                          : props && !json_is_object(props)     ? "properties must be an object"
                                                                : NULL;
    if (problem) {
        json_decref(doc);
        fail(r, 400, ERR_INVALID_CATALOG_PROPERTY, problem);
        return;
    }
    size_t count = props ? json_object_size(props) : 0;
    connector_property *items = calloc(count + 1, sizeof *items);
    size_t n = 0;
    const char *key;
    json_t *v;
    shoal_error error;
    error_clear(&error);
    if (props) {
        json_object_foreach(props, key, v) {
            if (!json_is_string(v)) {
                /* as CREATE CATALOG: every value is a string */
                error_set(&error, ERR_INVALID_CATALOG_PROPERTY, "Catalog property '%s' must be a string", key);
                break;
            }
            items[n].key = key;
            items[n++].value = json_string_value(v);
        }
    }
    connector_properties cp = {items, (int)n};
    bool ok = !error_is_set(&error) && catalog_store_create(c->engine, name, connector_name, &cp, false, &error);
    free(items);
    if (ok)
        get_catalog(c, r, name, 201);
    else
        respond_error(r, status_of(&error), &error);
    json_decref(doc);
}

static void drop_catalog(coordinator *c, http_request *r, const char *name)
{
    shoal_error error;
    error_clear(&error);
    if (catalog_store_drop(c->engine, name, false, &error))
        http_request_respond(r, 204, NULL, NULL, 0, NULL);
    else
        respond_error(r, status_of(&error), &error);
}

void catalog_resource_handle(void *context, http_request *request)
{
    coordinator *c = context;
    const char *method = http_request_method(request);
    const char *path = http_request_path(request);
    size_t base = strlen(CATALOG_PATH);
    if (strncmp(path, CATALOG_PATH, base) != 0 || (path[base] != '\0' && path[base] != '/')) {
        fail(request, 404, ERR_NOT_FOUND, "Not found");
        return;
    }
    const char *name = path[base] == '/' ? path + base + 1 : "";
    if (*name == '\0') {
        if (strcmp(method, "GET") == 0)
            list_catalogs(c, request);
        else if (strcmp(method, "POST") == 0)
            create_catalog(c, request);
        else
            fail(request, 405, ERR_NOT_SUPPORTED, "Method not allowed");
        return;
    }
    if (strchr(name, '/')) {
        fail(request, 404, ERR_NOT_FOUND, "Not found");
        return;
    }
    if (strcmp(method, "GET") == 0)
        get_catalog(c, request, name, 200);
    else if (strcmp(method, "DELETE") == 0)
        drop_catalog(c, request, name);
    else
        fail(request, 405, ERR_NOT_SUPPORTED, "Method not allowed");
}
