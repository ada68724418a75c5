/*
 * sql_harness.c — the shared engine + session fixture for SQL tests and the
 * checks on one statement's outcome (see sql_harness.h).
 */
#include "sql_harness.h"

#include <criterion/criterion.h>
#include <string.h>

static engine *harness_engine;
static session *harness_session;

static void harness_start(const char *catalog, const char *schema)
{
    static const char *const catalogs[] = {
        "tpch", "connector.name=tpch\n",
        "memory", "connector.name=memory\n",
        NULL,
    };
    harness_engine = test_engine_create(catalogs);
    cr_assert_not_null(harness_engine);
    harness_session = session_new("test", catalog, schema);
}

void sql_harness_start_tpch_tiny(void)
{
    harness_start("tpch", "tiny");
}

void sql_harness_start_memory_default(void)
{
    harness_start("memory", "default");
}

void sql_harness_stop(void)
{
    session_free(harness_session);
    test_engine_destroy(harness_engine);
    harness_session = NULL;
    harness_engine = NULL;
}

engine *sql_harness_engine(void)
{
    return harness_engine;
}

session *sql_harness_session(void)
{
    return harness_session;
}

test_result sql_harness_run(const char *sql)
{
    return test_run(harness_engine, harness_session, sql);
}

test_result sql_harness_run_ok(const char *sql)
{
    test_result r = sql_harness_run(sql);
    cr_assert(r.ok, "%s failed: %s (%s)", sql, r.error.message, error_name(r.error.code));
    return r;
}

void sql_harness_expect_error(const char *sql, error_code code, int line, int column, const char *message_part)
{
    test_result r = sql_harness_run(sql);
    cr_assert_not(r.ok, "%s should fail", sql);
    cr_assert_str_eq(error_name(r.error.code), error_name(code), "%s: %s", sql, r.error.message);
    if (line > 0) {
        cr_assert_eq(r.error.line, line, "%s: line %d", sql, r.error.line);
        cr_assert_eq(r.error.column, column, "%s: column %d", sql, r.error.column);
    }
    cr_assert(strstr(r.error.message, message_part), "%s: message '%s' lacks '%s'", sql, r.error.message,
              message_part);
    test_result_free(&r);
}
