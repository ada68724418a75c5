/*
 * test_catalog_rest.c — Shoal's REST catalog API against a live in-process
 * server on a free 127.0.0.1 port (libcurl): create, list, show with masked
 * secrets, drop, 400 naming a bad property with nothing left behind, 409,
 * 404, static management, file persistence across a server restart, and the
 * SQL path seeing what REST made.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../rest/rest_test_support.h"
#include "actors/engine/catalog_store.h"

static char url[256];

static const char *catalog_url(const rest_server *s, const char *name)
{
    snprintf(url, sizeof url, "%s/v1/catalog%s%s", s->base, name ? "/" : "", name ? name : "");
    return url;
}

static void start(rest_server *s, int management, int store, const char *dir)
{
    rest_server_start(s, NULL);
    shoal_error error;
    error_clear(&error);
    catalog_store_options o = {.management = management, .store = store, .config_dir = dir};
    cr_assert(catalog_store_attach(s->engine, &o, &error), "%s", error.message);
}

static void stop(rest_server *s)
{
    catalog_store_detach(s->engine);
    rest_server_stop(s);
}

static rest_response post(const rest_server *s, const char *body)
{
    rest_response r;
    const char *headers[] = {"Content-Type: application/json", NULL};
    cr_assert(rest_call("POST", catalog_url(s, NULL), body, strlen(body), headers, &r));
    return r;
}

static rest_response call(const char *method, const char *u)
{
    rest_response r;
    cr_assert(rest_call(method, u, NULL, 0, NULL, &r));
    return r;
}

static const char *str(const json_t *doc, const char *key)
{
    return json_string_value(json_object_get(doc, key));
}

static bool listed(const rest_server *s, const char *name)
{
    rest_response r = call("GET", catalog_url(s, NULL));
    cr_assert_eq(r.status, 200);
    cr_assert(json_is_array(r.json), "%s", r.body);
    bool found = false;
    size_t i;
    json_t *item;
    json_array_foreach(r.json, i, item)
        if (strcmp(str(item, "catalogName"), name) == 0)
            found = true;
    rest_response_free(&r);
    return found;
}

Test(catalog_rest, create_show_list_drop)
{
    rest_server s;
    start(&s, CATALOG_MANAGEMENT_DYNAMIC, CATALOG_STORE_MEMORY, NULL);
    rest_response r = post(&s, "{\"catalogName\":\"extra\",\"connectorName\":\"tpch\","
                               "\"properties\":{\"tpch.splits-per-node\":\"2\"}}");
    cr_assert_eq(r.status, 201, "%ld %s", r.status, r.body);
    cr_assert_str_eq(str(r.json, "catalogName"), "extra");
    cr_assert_str_eq(str(r.json, "connectorName"), "tpch");
    cr_assert_str_eq(str(json_object_get(r.json, "properties"), "tpch.splits-per-node"), "2");
    rest_response_free(&r);
    cr_assert(listed(&s, "extra"));
    cr_assert(listed(&s, "system"));

    r = call("GET", catalog_url(&s, "extra"));
    cr_assert_eq(r.status, 200);
    cr_assert_str_eq(str(r.json, "connectorName"), "tpch");
    rest_response_free(&r);

    /* SQL sees it */
    rest_result q;
    cr_assert(rest_run(&s, "SELECT count(*) FROM extra.tiny.region", NULL, &q));
    cr_assert_null(q.error);
    cr_assert_eq(json_integer_value(json_array_get(json_array_get(q.rows, 0), 0)), 5);
    rest_result_free(&q);

    r = call("DELETE", catalog_url(&s, "extra"));
    cr_assert_eq(r.status, 204);
    rest_response_free(&r);
    cr_assert_not(listed(&s, "extra"));
    r = call("GET", catalog_url(&s, "extra"));
    cr_assert_eq(r.status, 404);
    cr_assert_str_eq(str(r.json, "errorName"), "CATALOG_NOT_FOUND");
    rest_response_free(&r);
    r = call("DELETE", catalog_url(&s, "extra"));
    cr_assert_eq(r.status, 404);
    rest_response_free(&r);
    stop(&s);
}

/* A connector that accepts any property (a memory connector underneath),
 * so secret-looking keys can be stored and shown. */
static connector *permissive_create(const char *catalog_name, const connector_properties *properties,
                                    shoal_error *error)
{
    (void)properties;
    connector_properties none = {NULL, 0};
    return catalog_find_factory("memory")->create(catalog_name, &none, error);
}

static const connector_factory permissive_factory = {"permissive", permissive_create};

Test(catalog_rest, secrets_are_masked)
{
    rest_server s;
    start(&s, CATALOG_MANAGEMENT_DYNAMIC, CATALOG_STORE_MEMORY, NULL);
    shoal_error error;
    error_clear(&error);
    cr_assert(catalog_register_factory(&permissive_factory, &error), "%s", error.message);
    rest_response r = post(&s, "{\"catalogName\":\"db\",\"connectorName\":\"permissive\",\"properties\":{"
                               "\"connection-url\":\"jdbc:x://h\",\"connection-password\":\"hunter2\","
                               "\"s3.aws-secret-key\":\"abc\",\"auth.TOKEN\":\"t\",\"api-key\":\"k\"}}");
    cr_assert_eq(r.status, 201, "%s", r.body);
    cr_assert_null(strstr(r.body, "hunter2"), "%s", r.body);
    rest_response_free(&r);
    r = call("GET", catalog_url(&s, "db"));
    json_t *p = json_object_get(r.json, "properties");
    cr_assert_str_eq(str(p, "connection-url"), "jdbc:x://h");
    cr_assert_str_eq(str(p, "connection-password"), "***");
    cr_assert_str_eq(str(p, "s3.aws-secret-key"), "***");
    cr_assert_str_eq(str(p, "auth.TOKEN"), "***");
    cr_assert_str_eq(str(p, "api-key"), "***");
    cr_assert_null(strstr(r.body, "hunter2"));
    rest_response_free(&r);
    stop(&s);
}

Test(catalog_rest, bad_property_is_400_naming_it_and_leaves_nothing)
{
    char tmpl[] = "/tmp/shoal-catalog-rest-XXXXXX";
    char *dir = mkdtemp(tmpl);
    rest_server s;
    start(&s, CATALOG_MANAGEMENT_DYNAMIC, CATALOG_STORE_FILE, dir);
    rest_response r = post(&s, "{\"catalogName\":\"bad\",\"connectorName\":\"tpch\","
                               "\"properties\":{\"tpch.no-such-thing\":\"1\"}}");
    cr_assert_eq(r.status, 400, "%ld %s", r.status, r.body);
    cr_assert(strstr(str(r.json, "message"), "tpch.no-such-thing"), "%s", r.body);
    cr_assert_not_null(str(r.json, "errorName"));
    cr_assert(json_is_integer(json_object_get(r.json, "errorCode")));
    rest_response_free(&r);
    cr_assert_not(listed(&s, "bad"));

    r = post(&s, "{\"catalogName\":\"bad\",\"connectorName\":\"nope\"}");
    cr_assert_eq(r.status, 400, "%s", r.body);
    cr_assert(strstr(str(r.json, "message"), "nope"), "%s", r.body);
    rest_response_free(&r);

    r = post(&s, "{\"catalogName\":\"bad\",\"connectorName\":\"memory\",\"properties\":{\"x\":1}}");
    cr_assert_eq(r.status, 400);
    cr_assert(strstr(str(r.json, "message"), "'x'"), "%s", r.body);
    rest_response_free(&r);

    r = post(&s, "{not json");
    cr_assert_eq(r.status, 400);
    cr_assert_str_eq(str(r.json, "errorName"), "GENERIC_USER_ERROR");
    rest_response_free(&r);
    r = post(&s, "{\"connectorName\":\"memory\"}");
    cr_assert_eq(r.status, 400);
    cr_assert(strstr(str(r.json, "message"), "catalogName"));
    rest_response_free(&r);
    r = post(&s, "{\"catalogName\":\"../x\",\"connectorName\":\"memory\"}");
    cr_assert_eq(r.status, 400, "%s", r.body);
    rest_response_free(&r);

    DIR *d = opendir(dir);
    int files = 0;
    struct dirent *entry;
    while (d && (entry = readdir(d)))
        files += entry->d_name[0] != '.';
    if (d)
        closedir(d);
    cr_assert_eq(files, 0);
    stop(&s);
    rmdir(dir);
}

Test(catalog_rest, conflict_and_method_errors)
{
    rest_server s;
    start(&s, CATALOG_MANAGEMENT_DYNAMIC, CATALOG_STORE_MEMORY, NULL);
    rest_response r = post(&s, "{\"catalogName\":\"tpch\",\"connectorName\":\"tpch\"}");
    cr_assert_eq(r.status, 409, "%s", r.body);
    cr_assert_str_eq(str(r.json, "errorName"), "ALREADY_EXISTS");
    rest_response_free(&r);
    r = call("PUT", catalog_url(&s, "tpch"));
    cr_assert_eq(r.status, 405);
    rest_response_free(&r);
    r = call("GET", catalog_url(&s, "tpch/x"));
    cr_assert_eq(r.status, 404);
    rest_response_free(&r);
    stop(&s);
}

Test(catalog_rest, static_management_refuses)
{
    rest_server s;
    start(&s, CATALOG_MANAGEMENT_STATIC, CATALOG_STORE_FILE, "/nonexistent");
    rest_response r = post(&s, "{\"catalogName\":\"x\",\"connectorName\":\"tpch\"}");
    cr_assert_eq(r.status, 400);
    cr_assert_str_eq(str(r.json, "message"), "CREATE CATALOG is not supported by the static catalog store");
    cr_assert_str_eq(str(r.json, "errorName"), "NOT_SUPPORTED");
    rest_response_free(&r);
    r = call("DELETE", catalog_url(&s, "tpch"));
    cr_assert_eq(r.status, 400);
    rest_response_free(&r);
    cr_assert(listed(&s, "tpch"));
    stop(&s);
}

Test(catalog_rest, file_store_survives_restart)
{
    char tmpl[] = "/tmp/shoal-catalog-rest-XXXXXX";
    char *dir = mkdtemp(tmpl);
    rest_server s;
    start(&s, CATALOG_MANAGEMENT_DYNAMIC, CATALOG_STORE_FILE, dir);
    rest_response r = post(&s, "{\"catalogName\":\"kept\",\"connectorName\":\"memory\"}");
    cr_assert_eq(r.status, 201, "%s", r.body);
    rest_response_free(&r);
    stop(&s);

    start(&s, CATALOG_MANAGEMENT_DYNAMIC, CATALOG_STORE_FILE, dir);
    cr_assert(listed(&s, "kept"));
    r = call("DELETE", catalog_url(&s, "kept"));
    cr_assert_eq(r.status, 204);
    rest_response_free(&r);
    stop(&s);
    char path[512];
    snprintf(path, sizeof path, "%s/kept.properties", dir);
    cr_assert_neq(access(path, F_OK), 0);
    rmdir(dir);
}
