/*
 * test_views_dml.c — views and row changes end to end through the engine:
 * CREATE [OR REPLACE] VIEW / DROP VIEW / SHOW CREATE VIEW, views expanded
 * with their own catalog and schema, information_schema.views, stale and
 * recursive views; DELETE and UPDATE on memory tables with Trino's update
 * counts, and their errors (views, unknown columns, connectors that cannot).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "sql_harness.h"

TestSuite(views_dml, .init = sql_harness_start_memory_default, .fini = sql_harness_stop, .timeout = 60);

static void exec_ok(const char *sql)
{
    test_result r = sql_harness_run_ok(sql);
    test_result_free(&r);
}

static long long update_count(const char *sql, const char *update_type)
{
    test_result r = sql_harness_run_ok(sql);
    cr_assert_str_eq(r.update_type, update_type, "%s", sql);
    long long count = r.update_count;
    test_result_free(&r);
    return count;
}

/* The single column of every row, joined with ',' (NULL as "NULL"). */
static void expect_column(const char *sql, const char *expected)
{
    test_result r = sql_harness_run_ok(sql);
    char text[4096] = "";
    for (int i = 0; i < r.row_count; i++) {
        if (i)
            strcat(text, ",");
        strcat(text, r.rows[i][0] ? r.rows[i][0] : "NULL");
    }
    cr_assert_str_eq(text, expected, "%s", sql);
    test_result_free(&r);
}

Test(views_dml, view_is_expanded_where_used)
{
    exec_ok("CREATE TABLE t1 (x integer, y varchar(8))");
    exec_ok("INSERT INTO t1 VALUES (1, 'true'), (0, 'false'), (NULL, 'NULL')");
    test_result r = sql_harness_run_ok("CREATE VIEW v1 AS SELECT x, y FROM t1 WHERE x > 0");
    cr_assert_str_eq(r.update_type, "CREATE VIEW");
    test_result_free(&r);
    expect_column("SELECT y FROM v1", "true");
    expect_column("SELECT v1.y FROM memory.default.v1 JOIN t1 ON v1.x = t1.x", "true");
    /* the view sees later rows: it is a query, not a copy */
    exec_ok("INSERT INTO t1 VALUES (5, 'five')");
    expect_column("SELECT x FROM v1 ORDER BY x", "1,5");
    expect_column("SHOW TABLES", "t1,v1");
    expect_column("DESCRIBE v1", "x,y");
}

Test(views_dml, view_names_resolve_in_the_view_schema)
{
    exec_ok("CREATE SCHEMA memory.other");
    exec_ok("CREATE TABLE memory.other.t (a bigint)");
    exec_ok("INSERT INTO memory.other.t VALUES (7)");
    exec_ok("USE memory.other");
    exec_ok("CREATE VIEW memory.other.v AS SELECT a FROM t");
    exec_ok("USE tpch.tiny");
    /* `t` means memory.other.t inside the view, whatever the session says */
    expect_column("SELECT a FROM memory.other.v", "7");
    /* the outer query's WITH names do not leak into the view */
    expect_column("WITH t AS (SELECT 1 AS a) SELECT a FROM memory.other.v", "7");
}

Test(views_dml, create_or_replace_and_drop)
{
    exec_ok("CREATE TABLE t2 (x integer)");
    exec_ok("INSERT INTO t2 VALUES (1), (2)");
    exec_ok("CREATE VIEW v2 AS SELECT x FROM t2 WHERE x = 1");
    sql_harness_expect_error("CREATE VIEW v2 AS SELECT x FROM t2", ERR_ALREADY_EXISTS, 1, 1, "View already exists");
    sql_harness_expect_error("CREATE VIEW t2 AS SELECT 1 AS x", ERR_TABLE_ALREADY_EXISTS, 1, 1, "already exists");
    exec_ok("CREATE OR REPLACE VIEW v2 AS SELECT x FROM t2 WHERE x = 2");
    expect_column("SELECT x FROM v2", "2");
    sql_harness_expect_error("CREATE TABLE v2 (a integer)", ERR_TABLE_ALREADY_EXISTS, 0, 0, "already exists");
    sql_harness_expect_error("DROP TABLE v2", ERR_GENERIC_USER_ERROR, 1, 12, "Did you mean DROP VIEW");
    sql_harness_expect_error("DROP VIEW t2", ERR_GENERIC_USER_ERROR, 1, 11, "Did you mean DROP TABLE");
    test_result r = sql_harness_run_ok("DROP VIEW v2");
    cr_assert_str_eq(r.update_type, "DROP VIEW");
    test_result_free(&r);
    sql_harness_expect_error("DROP VIEW v2", ERR_TABLE_NOT_FOUND, 1, 11, "View 'memory.default.v2' does not exist");
    exec_ok("DROP VIEW IF EXISTS v2");
    sql_harness_expect_error("SELECT * FROM v2", ERR_TABLE_NOT_FOUND, 1, 15, "does not exist");
    sql_harness_expect_error("CREATE VIEW tpch.tiny.v AS SELECT 1 AS a", ERR_NOT_SUPPORTED, 0, 0, "does not support creating views");
}

Test(views_dml, show_create_view_and_information_schema)
{
    exec_ok("CREATE TABLE t3 (x integer)");
    exec_ok("CREATE VIEW v3 COMMENT 'it''s mine' AS SELECT x * 2 AS doubled FROM t3");
    test_result r = sql_harness_run_ok("SHOW CREATE VIEW v3");
    cr_assert_str_eq(r.column_names[0], "Create View");
    cr_assert(strstr(r.rows[0][0], "CREATE VIEW memory.default.v3 COMMENT 'it''s mine' SECURITY DEFINER AS\nSELECT"),
              "%s", r.rows[0][0]);
    cr_assert(strstr(r.rows[0][0], "doubled"), "%s", r.rows[0][0]);
    test_result_free(&r);
    sql_harness_expect_error("SHOW CREATE VIEW t3", ERR_NOT_SUPPORTED, 1, 18, "is a table, not a view");
    sql_harness_expect_error("SHOW CREATE VIEW nope", ERR_TABLE_NOT_FOUND, 1, 18, "does not exist");
    expect_column("SELECT table_name FROM information_schema.views WHERE table_schema = 'default'", "v3");
    expect_column("SELECT view_definition LIKE 'SELECT%doubled%' FROM information_schema.views "
                  "WHERE table_name = 'v3'", "true");
    expect_column("SELECT table_type FROM information_schema.tables WHERE table_name IN ('t3', 'v3') "
                  "ORDER BY table_name", "BASE TABLE,VIEW");
}

Test(views_dml, stale_invalid_and_recursive_views)
{
    exec_ok("CREATE TABLE t4 (x integer, y varchar)");
    exec_ok("INSERT INTO t4 VALUES (1, 'a')");
    exec_ok("CREATE VIEW v4 AS SELECT x FROM t4");
    /* the column becomes varchar: not coercible to the stored integer */
    exec_ok("DROP TABLE t4");
    exec_ok("CREATE TABLE t4 (x varchar, y varchar)");
    sql_harness_expect_error("SELECT * FROM v4", ERR_VIEW_IS_STALE, 1, 15, "View 'memory.default.v4' is stale or in invalid state");
    exec_ok("DROP TABLE t4");
    sql_harness_expect_error("SELECT * FROM v4", ERR_INVALID_VIEW, 1, 15, "Failed analyzing stored view 'memory.default.v4'");
    /* a narrower type that coerces to the stored one is cast back */
    exec_ok("CREATE TABLE t4 (x smallint)");
    exec_ok("INSERT INTO t4 VALUES (SMALLINT '3')");
    test_result r = sql_harness_run_ok("SELECT x FROM v4");
    cr_assert_str_eq(r.rows[0][0], "3");
    test_result_free(&r);
    r = sql_harness_run_ok("DESCRIBE v4");
    cr_assert_str_eq(r.rows[0][1], "integer");
    test_result_free(&r);
    /* a view that reaches itself */
    exec_ok("CREATE VIEW r1 AS SELECT 1 AS a");
    exec_ok("CREATE VIEW r2 AS SELECT a FROM r1");
    exec_ok("CREATE OR REPLACE VIEW r1 AS SELECT a FROM r2");
    sql_harness_expect_error("SELECT * FROM r1", ERR_VIEW_IS_RECURSIVE, 1, 15, "View is recursive");
}

Test(views_dml, views_refuse_writes)
{
    exec_ok("CREATE TABLE t5 (x integer)");
    exec_ok("CREATE VIEW v5 AS SELECT x FROM t5");
    sql_harness_expect_error("INSERT INTO v5 VALUES (1)", ERR_NOT_SUPPORTED, 1, 13, "Inserting into views is not supported");
    sql_harness_expect_error("DELETE FROM v5", ERR_NOT_SUPPORTED, 1, 13, "Deleting from views is not supported");
    sql_harness_expect_error("UPDATE v5 SET x = 1", ERR_NOT_SUPPORTED, 1, 8, "Updating views is not supported");
}

Test(views_dml, delete_counts_and_removes_rows)
{
    exec_ok("CREATE TABLE d (x integer, y varchar)");
    exec_ok("INSERT INTO d VALUES (1, 'a'), (2, 'b'), (3, 'c'), (NULL, 'n')");
    cr_assert_eq(update_count("DELETE FROM d WHERE x > 1", "DELETE"), 2);
    expect_column("SELECT y FROM d ORDER BY y", "a,n");
    /* NULL predicate: the row stays */
    cr_assert_eq(update_count("DELETE FROM d WHERE x <> 1", "DELETE"), 0);
    cr_assert_eq(update_count("DELETE FROM d WHERE x IN (SELECT 1)", "DELETE"), 1);
    expect_column("SELECT y FROM d", "n");
    cr_assert_eq(update_count("DELETE FROM d", "DELETE"), 1);
    expect_column("SELECT count(*) FROM d", "0");
    cr_assert_eq(update_count("DELETE FROM d", "DELETE"), 0);
    sql_harness_expect_error("DELETE FROM d WHERE x", ERR_TYPE_MISMATCH, 1, 21, "WHERE clause must evaluate to a boolean");
    sql_harness_expect_error("DELETE FROM d WHERE z = 1", ERR_COLUMN_NOT_FOUND, 0, 0, "z");
    sql_harness_expect_error("DELETE FROM nope", ERR_TABLE_NOT_FOUND, 1, 13, "Table 'memory.default.nope' does not exist");
    sql_harness_expect_error("DELETE FROM tpch.tiny.nation", ERR_NOT_SUPPORTED, 1, 1, "does not support deletes");
}

Test(views_dml, update_counts_and_changes_rows)
{
    exec_ok("CREATE TABLE u (x integer, y varchar(8), z double)");
    exec_ok("INSERT INTO u VALUES (1, 'true', 1.5), (0, 'false', 2.5), (NULL, 'NULL', 3.5)");
    cr_assert_eq(update_count("UPDATE u SET x = 1 WHERE x > 0", "UPDATE"), 1);
    cr_assert_eq(update_count("UPDATE u SET y = 'unknown' WHERE x > 0", "UPDATE"), 1);
    cr_assert_eq(update_count("UPDATE u SET x = 3", "UPDATE"), 3);
    expect_column("SELECT count(*) FROM u WHERE x = 3", "3");
    /* values are computed from the old row, all assignments at once; coerced to the column type */
    cr_assert_eq(update_count("UPDATE u SET x = x + 1, z = x WHERE y <> 'NULL'", "UPDATE"), 2);
    expect_column("SELECT x FROM u ORDER BY y", "3,4,4");
    expect_column("SELECT z = 3.0 FROM u ORDER BY y", "false,true,true");
    cr_assert_eq(update_count("UPDATE u SET y = NULL WHERE y = 'false'", "UPDATE"), 1);
    expect_column("SELECT count(*) FROM u WHERE y IS NULL", "1");
    cr_assert_eq(update_count("UPDATE u SET x = (SELECT max(x) FROM u) WHERE x IN (SELECT 3)", "UPDATE"), 1);
    expect_column("SELECT x FROM u ORDER BY x", "4,4,4");
    sql_harness_expect_error("UPDATE u SET w = 'foo'", ERR_COLUMN_NOT_FOUND, 1, 14, "The UPDATE SET target column w doesn't exist");
    sql_harness_expect_error("UPDATE u SET x = 1, x = 2", ERR_DUPLICATE_COLUMN_NAME, 1, 21, "x");
    sql_harness_expect_error("UPDATE u SET x = 'a'", ERR_TYPE_MISMATCH, 1, 18, "UPDATE table column types don't match");
    sql_harness_expect_error("UPDATE tpch.tiny.nation SET name = 'x'", ERR_NOT_SUPPORTED, 1, 1, "does not support updates");
}

Test(views_dml, show_create_view_of_a_long_name)
{
    char name[1201];
    memset(name, 'w', sizeof name - 1);
    name[sizeof name - 1] = '\0';
    char sql[1400];
    snprintf(sql, sizeof sql, "CREATE VIEW %s AS SELECT 1 AS a", name);
    exec_ok(sql);
    snprintf(sql, sizeof sql, "SHOW CREATE VIEW %s", name);
    test_result r = sql_harness_run_ok(sql);
    char expected[1400];
    snprintf(expected, sizeof expected, "CREATE VIEW memory.default.%s SECURITY DEFINER AS\nSELECT", name);
    cr_assert(strncmp(r.rows[0][0], expected, strlen(expected)) == 0, "%s", r.rows[0][0]);
    test_result_free(&r);
}
