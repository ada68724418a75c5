/*
 * test_catalog_store.c — CREATE/DROP CATALOG under catalog.management and
 * catalog.store: static refusal, memory store, file store (atomic files,
 * reload after a restart, removal on DROP, nothing left by a bad property),
 * and a running query that outlives the DROP of its catalog.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "actors/engine/catalog_store.h"
#include "connectors/spi/text_builder.h"
#include "connectors/spi/value_format.h"
#include "../engine/engine_test_support.h"

static engine *new_engine(void)
{
    shoal_error error;
    error_clear(&error);
    engine_config config = {.threads = 2, .etc_dir = NULL};
    engine *e = engine_create(&config, &error);
    cr_assert_not_null(e, "%s", error.message);
    return e;
}

static void attach(engine *e, int management, int store, const char *dir)
{
    shoal_error error;
    error_clear(&error);
    catalog_store_options o = {.management = management, .store = store, .config_dir = dir};
    cr_assert(catalog_store_attach(e, &o, &error), "%s", error.message);
}

static void stop(engine *e)
{
    catalog_store_detach(e);
    engine_destroy(e);
}

static void expect_ok(engine *e, session *s, const char *sql)
{
    test_result r = test_run(e, s, sql);
    cr_assert(r.ok, "%s: %s", sql, r.error.message);
    test_result_free(&r);
}

static test_result expect_fail(engine *e, session *s, const char *sql, error_code code, const char *message)
{
    test_result r = test_run(e, s, sql);
    cr_assert_not(r.ok, "%s should fail", sql);
    cr_assert_eq(r.error.code, code, "%s: %s (%s)", sql, r.error.message, error_name(r.error.code));
    if (message)
        cr_assert(strstr(r.error.message, message), "%s: got '%s'", sql, r.error.message);
    return r;
}

static char *make_dir(void)
{
    char tmpl[] = "/tmp/shoal-catalog-store-XXXXXX";
    char *d = mkdtemp(tmpl);
    cr_assert_not_null(d);
    return strdup(d);
}

static void remove_dir(char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *entry;
    char path[4096];
    while (d && (entry = readdir(d))) {
        if (entry->d_name[0] == '.' && (entry->d_name[1] == '\0' || strcmp(entry->d_name, "..") == 0))
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, entry->d_name);
        unlink(path);
    }
    if (d)
        closedir(d);
    rmdir(dir);
    free(dir);
}

static int count_files(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *entry;
    while (d && (entry = readdir(d)))
        if (strcmp(entry->d_name, ".") != 0 && strcmp(entry->d_name, "..") != 0)
            n++;
    if (d)
        closedir(d);
    return n;
}

static char *read_text(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    static char text[8192];
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = '\0';
    fclose(f);
    return text;
}

static bool has_catalog(engine *e, session *s, const char *name)
{
    test_result r = test_run(e, s, "SHOW CATALOGS");
    cr_assert(r.ok, "%s", r.error.message);
    bool found = false;
    for (int i = 0; i < r.row_count; i++)
        if (strcmp(r.rows[i][0], name) == 0)
            found = true;
    test_result_free(&r);
    return found;
}

Test(catalog_store, static_management_refuses_create_and_drop)
{
    engine *e = new_engine();
    attach(e, CATALOG_MANAGEMENT_STATIC, CATALOG_STORE_FILE, "/nonexistent");
    session *s = session_new("test", NULL, NULL);
    test_result r = expect_fail(e, s, "CREATE CATALOG x USING tpch", ERR_NOT_SUPPORTED,
                                "CREATE CATALOG is not supported by the static catalog store");
    test_result_free(&r);
    r = expect_fail(e, s, "DROP CATALOG tpch", ERR_NOT_SUPPORTED,
                    "DROP CATALOG is not supported by the static catalog store");
    test_result_free(&r);
    cr_assert(has_catalog(e, s, "tpch"));
    cr_assert_not(has_catalog(e, s, "x"));
    session_free(s);
    stop(e);
}

Test(catalog_store, memory_store_creates_and_drops_without_files)
{
    char *dir = make_dir();
    engine *e = new_engine();
    attach(e, CATALOG_MANAGEMENT_DYNAMIC, CATALOG_STORE_MEMORY, dir);
    session *s = session_new("test", NULL, NULL);
    expect_ok(e, s, "CREATE CATALOG m2 USING memory");
    cr_assert(has_catalog(e, s, "m2"));
    expect_ok(e, s, "CREATE TABLE m2.default.t AS SELECT 1 AS x");
    test_result r = test_run(e, s, "SELECT x FROM m2.default.t");
    cr_assert(r.ok, "%s", r.error.message);
    cr_assert_str_eq(r.rows[0][0], "1");
    test_result_free(&r);
    cr_assert_eq(count_files(dir), 0);
    expect_ok(e, s, "DROP CATALOG m2");
    cr_assert_not(has_catalog(e, s, "m2"));
    r = expect_fail(e, s, "DROP CATALOG m2", ERR_CATALOG_NOT_FOUND, "m2");
    test_result_free(&r);
    expect_ok(e, s, "DROP CATALOG IF EXISTS m2");
    session_free(s);
    stop(e);
    remove_dir(dir);
}

Test(catalog_store, file_store_persists_and_reloads_after_restart)
{
    char *dir = make_dir();
    engine *e = new_engine();
    attach(e, CATALOG_MANAGEMENT_DYNAMIC, CATALOG_STORE_FILE, dir);
    session *s = session_new("test", NULL, NULL);
    expect_ok(e, s, "CREATE CATALOG Persisted USING tpch WITH (\"tpch.splits-per-node\" = '2')");
    expect_ok(e, s, "CREATE CATALOG gone USING memory");
    char path[4096];
    snprintf(path, sizeof path, "%s/persisted.properties", dir);
    const char *text = read_text(path);
    cr_assert_not_null(text, "no %s", path);
    cr_assert(strstr(text, "connector.name=tpch\n"), "%s", text);
    cr_assert(strstr(text, "tpch.splits-per-node=2\n"), "%s", text);
    cr_assert_eq(count_files(dir), 2, "only the two catalog files, no temporary ones");
    expect_ok(e, s, "DROP CATALOG gone");
    cr_assert_eq(count_files(dir), 1);
    session_free(s);
    stop(e);

    /* restart: a fresh engine attached to the same directory */
    e = new_engine();
    attach(e, CATALOG_MANAGEMENT_DYNAMIC, CATALOG_STORE_FILE, dir);
    s = session_new("test", NULL, NULL);
    cr_assert(has_catalog(e, s, "persisted"));
    cr_assert_not(has_catalog(e, s, "gone"));
    test_result r = test_run(e, s, "SELECT count(*) FROM persisted.tiny.nation");
    cr_assert(r.ok, "%s", r.error.message);
    cr_assert_str_eq(r.rows[0][0], "25");
    test_result_free(&r);
    expect_ok(e, s, "DROP CATALOG persisted");
    cr_assert_eq(count_files(dir), 0);
    session_free(s);
    stop(e);
    remove_dir(dir);
}

Test(catalog_store, file_store_escapes_values_and_reads_them_back)
{
    char *dir = make_dir();
    engine *e = new_engine();
    attach(e, CATALOG_MANAGEMENT_DYNAMIC, CATALOG_STORE_FILE, dir);
    session *s = session_new("test", NULL, NULL);
    /* the memory connector accepts memory.max-data-per-node; a value with
     * a leading space and '=' must survive the round trip as a bad value */
    expect_ok(e, s, "CREATE CATALOG mm USING memory WITH (\"memory.max-data-per-node\" = '64MB')");
    session_free(s);
    stop(e);
    e = new_engine();
    attach(e, CATALOG_MANAGEMENT_DYNAMIC, CATALOG_STORE_FILE, dir);
    s = session_new("test", NULL, NULL);
    cr_assert(has_catalog(e, s, "mm"));
    session_free(s);
    stop(e);
    remove_dir(dir);
}

Test(catalog_store, bad_property_leaves_nothing)
{
    char *dir = make_dir();
    engine *e = new_engine();
    attach(e, CATALOG_MANAGEMENT_DYNAMIC, CATALOG_STORE_FILE, dir);
    session *s = session_new("test", NULL, NULL);
    test_result r = test_run(e, s, "CREATE CATALOG bad USING tpch WITH (\"no.such-property\" = 'x')");
    cr_assert_not(r.ok);
    cr_assert(strstr(r.error.message, "no.such-property"), "%s", r.error.message);
    test_result_free(&r);
    r = expect_fail(e, s, "CREATE CATALOG bad2 USING nosuchconnector", ERR_NOT_FOUND, "nosuchconnector");
    test_result_free(&r);
    cr_assert_not(has_catalog(e, s, "bad"));
    cr_assert_not(has_catalog(e, s, "bad2"));
    cr_assert_eq(count_files(dir), 0);
    /* a name that cannot be a file name */
    r = test_run(e, s, "CREATE CATALOG \"../evil\" USING memory");
    cr_assert_not(r.ok);
    test_result_free(&r);
    cr_assert_eq(count_files(dir), 0);
    session_free(s);
    stop(e);
    remove_dir(dir);
}

Test(catalog_store, create_existing_and_if_not_exists)
{
    engine *e = new_engine();
    attach(e, CATALOG_MANAGEMENT_DYNAMIC, CATALOG_STORE_MEMORY, NULL);
    session *s = session_new("test", NULL, NULL);
    test_result r = expect_fail(e, s, "CREATE CATALOG tpch USING tpch", ERR_ALREADY_EXISTS, "already exists");
    test_result_free(&r);
    expect_ok(e, s, "CREATE CATALOG IF NOT EXISTS tpch USING tpch");
    r = expect_fail(e, s, "DROP CATALOG system", ERR_NOT_SUPPORTED, NULL);
    test_result_free(&r);
    session_free(s);
    stop(e);
}

Test(catalog_store, running_query_survives_drop_of_its_catalog)
{
    engine *e = new_engine();
    attach(e, CATALOG_MANAGEMENT_DYNAMIC, CATALOG_STORE_MEMORY, NULL);
    session *s = session_new("test", NULL, NULL);
    expect_ok(e, s, "CREATE CATALOG doomed USING tpch");
    query *q = query_submit(e, s, "SELECT count(*), sum(totalprice) > 0 FROM doomed.sf1.orders");
    cr_assert_neq(query_get_state(q), QUERY_FAILED, "%s", query_error(q)->message);
    session *other = session_new("test", NULL, NULL);
    expect_ok(e, other, "DROP CATALOG doomed");
    cr_assert_not(has_catalog(e, other, "doomed"));
    /* new queries cannot use it */
    test_result r = test_run(e, other, "SELECT count(*) FROM doomed.tiny.nation");
    cr_assert_not(r.ok);
    cr_assert_eq(r.error.code, ERR_CATALOG_NOT_FOUND, "%s", r.error.message);
    test_result_free(&r);
    /* the running one finishes with every row */
    char count[64] = "";
    for (;;) {
        page *p = NULL;
        shoal_error error;
        error_clear(&error);
        query_fetch_status status = query_fetch(q, &p, 1000, &error);
        if (status == QUERY_FETCH_WAITING)
            continue;
        cr_assert_neq(status, QUERY_FETCH_FAILED, "%s", error.message);
        if (status == QUERY_FETCH_DONE)
            break;
        if (p->row_count > 0) {
            text_builder t;
            text_builder_init(&t);
            value_format_text(&p->columns[0], 0, &t);
            snprintf(count, sizeof count, "%s", text_builder_cstr(&t));
            text_builder_free(&t);
        }
        page_unref(p);
    }
    cr_assert_str_eq(count, "1500000");
    query_free(q);
    session_free(other);
    session_free(s);
    stop(e);
}

Test(catalog_store, secrets_are_masked)
{
    cr_assert(catalog_store_is_secret("connection-password"));
    cr_assert(catalog_store_is_secret("s3.aws-secret-key"));
    cr_assert(catalog_store_is_secret("ACCESS_TOKEN"));
    cr_assert(catalog_store_is_secret("api.key"));
    cr_assert_not(catalog_store_is_secret("connection-url"));
    cr_assert_str_eq(catalog_store_shown_value("password", "hunter2"), "***");
    cr_assert_str_eq(catalog_store_shown_value("connection-user", "bob"), "bob");
}
