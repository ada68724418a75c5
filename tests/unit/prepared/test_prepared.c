/*
 * test_prepared.c — prepared statements through the engine: parameters bound
 * in WHERE and SELECT, every literal kind, Trino's errors (unknown name,
 * wrong parameter count, bad statement type), DEALLOCATE, DESCRIBE INPUT and
 * DESCRIBE OUTPUT, an INSERT executed with parameters.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "../engine/engine_test_support.h"

static engine *e;

static void setup(void)
{
    const char *catalogs[] = {"tpch", "connector.name=tpch\n", "memory", "connector.name=memory\n", NULL};
    e = test_engine_create(catalogs);
    cr_assert_not_null(e);
}

static void teardown(void)
{
    test_engine_destroy(e);
}

TestSuite(prepared, .init = setup, .fini = teardown, .timeout = 120);

static test_result ok(session *s, const char *sql)
{
    test_result r = test_run(e, s, sql);
    cr_assert(r.ok, "%s: %s", sql, r.error.message);
    return r;
}

static void fails(session *s, const char *sql, error_code code, const char *message)
{
    test_result r = test_run(e, s, sql);
    cr_assert_not(r.ok, "%s should fail", sql);
    cr_assert_eq(r.error.code, code, "%s: %s (%s)", sql, r.error.message, error_name(r.error.code));
    cr_assert_str_eq(r.error.message, message);
    test_result_free(&r);
}

Test(prepared, prepare_execute_with_parameters)
{
    session *s = session_new("test", "tpch", "tiny");
    test_result r = ok(s, "PREPARE q FROM SELECT name FROM nation WHERE nationkey = ? OR name = ? ORDER BY name");
    cr_assert_str_eq(r.update_type, "PREPARE");
    test_result_free(&r);
    cr_assert_not_null(session_prepared(s, "q"));
    r = ok(s, "EXECUTE q USING 3, 'PERU'");
    cr_assert_eq(r.row_count, 2);
    cr_assert_str_eq(r.rows[0][0], "CANADA");
    cr_assert_str_eq(r.rows[1][0], "PERU");
    test_result_free(&r);
    /* executed again with other values */
    r = ok(s, "EXECUTE q USING 0, 'x'");
    cr_assert_eq(r.row_count, 1);
    cr_assert_str_eq(r.rows[0][0], "ALGERIA");
    test_result_free(&r);
    session_free(s);
}

Test(prepared, literal_kinds)
{
    session *s = session_new("test", "tpch", "tiny");
    test_result r = ok(s, "PREPARE p FROM SELECT ?, ? + 1, ?, ?, ?, ? IS NULL");
    test_result_free(&r);
    r = ok(s, "EXECUTE p USING 'héllo', -5, 2.5, 1e3, true, NULL");
    cr_assert_eq(r.row_count, 1);
    cr_assert_str_eq(r.rows[0][0], "héllo");
    cr_assert_str_eq(r.rows[0][1], "-4");
    cr_assert_str_eq(r.rows[0][2], "2.5");
    cr_assert_str_eq(r.rows[0][3], "1000.0");
    cr_assert_str_eq(r.rows[0][4], "true");
    cr_assert_str_eq(r.rows[0][5], "true");
    test_result_free(&r);
    session_free(s);
}

Test(prepared, trino_errors)
{
    session *s = session_new("test", "tpch", "tiny");
    fails(s, "EXECUTE nope", ERR_NOT_FOUND, "Prepared statement not found: nope");
    fails(s, "DEALLOCATE PREPARE nope", ERR_NOT_FOUND, "Prepared statement not found: nope");
    fails(s, "DESCRIBE INPUT nope", ERR_NOT_FOUND, "Prepared statement not found: nope");
    test_result r = ok(s, "PREPARE two FROM SELECT * FROM nation WHERE nationkey = ? AND regionkey = ?");
    test_result_free(&r);
    fails(s, "EXECUTE two USING 1", ERR_INVALID_PARAMETER_USAGE, "Incorrect number of parameters: expected 2 but found 1");
    fails(s, "EXECUTE two", ERR_INVALID_PARAMETER_USAGE, "Incorrect number of parameters: expected 2 but found 0");
    fails(s, "EXECUTE two USING 1, 2, 3", ERR_INVALID_PARAMETER_USAGE,
          "Incorrect number of parameters: expected 2 but found 3");
    r = test_run(e, s, "SELECT ?");
    cr_assert_not(r.ok);
    cr_assert_eq(r.error.code, ERR_INVALID_PARAMETER_USAGE, "%s", r.error.message);
    test_result_free(&r);
    r = test_run(e, s, "PREPARE x FROM EXECUTE two");
    cr_assert_not(r.ok);
    test_result_free(&r);
    r = test_run(e, s, "EXECUTE two USING 1, abs(2)");
    cr_assert_not(r.ok);
    cr_assert_eq(r.error.code, ERR_NOT_SUPPORTED, "%s", r.error.message);
    test_result_free(&r);
    session_free(s);
}

Test(prepared, deallocate)
{
    session *s = session_new("test", "tpch", "tiny");
    test_result r = ok(s, "PREPARE d FROM SELECT 1");
    test_result_free(&r);
    r = ok(s, "DEALLOCATE PREPARE d");
    cr_assert_str_eq(r.update_type, "DEALLOCATE");
    test_result_free(&r);
    cr_assert_null(session_prepared(s, "d"));
    fails(s, "EXECUTE d", ERR_NOT_FOUND, "Prepared statement not found: d");
    session_free(s);
}

Test(prepared, describe_input_and_output)
{
    session *s = session_new("test", "tpch", "tiny");
    test_result r = ok(s, "PREPARE q FROM SELECT nationkey, name AS n FROM nation WHERE regionkey = ? AND name <> ?");
    test_result_free(&r);
    r = ok(s, "DESCRIBE INPUT q");
    cr_assert_eq(r.column_count, 2);
    cr_assert_str_eq(r.column_names[0], "Position");
    cr_assert_str_eq(r.column_names[1], "Type");
    cr_assert_eq(r.row_count, 2);
    cr_assert_str_eq(r.rows[0][0], "0");
    cr_assert_str_eq(r.rows[1][0], "1");
    test_result_free(&r);
    r = ok(s, "DESCRIBE OUTPUT q");
    cr_assert_eq(r.column_count, 7);
    cr_assert_str_eq(r.column_names[0], "Column Name");
    cr_assert_str_eq(r.column_names[4], "Type");
    cr_assert_str_eq(r.column_names[5], "Type Size");
    cr_assert_eq(r.row_count, 2);
    cr_assert_str_eq(r.rows[0][0], "nationkey");
    cr_assert_str_eq(r.rows[0][4], "bigint");
    cr_assert_str_eq(r.rows[0][5], "8");
    cr_assert_str_eq(r.rows[1][0], "n");
    cr_assert_str_eq(r.rows[1][4], "varchar(25)");
    test_result_free(&r);
    session_free(s);
}

Test(prepared, insert_with_parameters)
{
    session *s = session_new("test", "memory", "default");
    test_result r = ok(s, "CREATE TABLE pt (id bigint, label varchar)");
    test_result_free(&r);
    r = ok(s, "PREPARE ins FROM INSERT INTO pt VALUES (?, ?)");
    test_result_free(&r);
    r = ok(s, "EXECUTE ins USING 7, 'seven'");
    cr_assert_eq(r.update_count, 1);
    test_result_free(&r);
    r = ok(s, "SELECT id, label FROM pt");
    cr_assert_eq(r.row_count, 1);
    cr_assert_str_eq(r.rows[0][0], "7");
    cr_assert_str_eq(r.rows[0][1], "seven");
    test_result_free(&r);
    session_free(s);
}
