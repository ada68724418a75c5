/*
 * test_statements.c — statements through the engine: metadata (SHOW,
 * DESCRIBE, USE), DDL and writes into the memory catalog, simple queries,
 * and errors in Trino's form (name, message, position).
 */
#include <criterion/criterion.h>
#include <string.h>

#include "sql_harness.h"

TestSuite(statements, .init = sql_harness_start_tpch_tiny, .fini = sql_harness_stop, .timeout = 60);

Test(statements, show_catalogs_schemas_tables)
{
    test_result r = sql_harness_run_ok("SHOW CATALOGS");
    cr_assert_eq(r.row_count, 3);
    cr_assert_str_eq(r.rows[0][0], "memory");
    cr_assert_str_eq(r.rows[1][0], "system"); /* always present, as in Trino */
    cr_assert_str_eq(r.rows[2][0], "tpch");
    cr_assert_str_eq(r.column_names[0], "Catalog");
    test_result_free(&r);

    r = sql_harness_run_ok("SHOW SCHEMAS FROM tpch LIKE 'sf1%'");
    cr_assert_geq(r.row_count, 1);
    for (int i = 0; i < r.row_count; i++)
        cr_assert(strncmp(r.rows[i][0], "sf1", 3) == 0);
    test_result_free(&r);

    r = sql_harness_run_ok("SHOW TABLES");
    cr_assert_eq(r.row_count, 8);
    test_result_free(&r);

    r = sql_harness_run_ok("DESCRIBE nation");
    cr_assert_eq(r.row_count, 4);
    cr_assert_str_eq(r.rows[0][0], "nationkey");
    cr_assert_str_eq(r.rows[0][1], "bigint");
    test_result_free(&r);
}

Test(statements, use_changes_the_session)
{
    test_result r = sql_harness_run_ok("USE memory.default");
    test_result_free(&r);
    cr_assert_str_eq(sql_harness_session()->catalog, "memory");
    cr_assert_str_eq(sql_harness_session()->schema, "default");
    sql_harness_expect_error("USE memory.nowhere", ERR_SCHEMA_NOT_FOUND, 1, 1, "nowhere");
}

Test(statements, simple_queries)
{
    test_result r = sql_harness_run_ok("SELECT count(*) FROM nation");
    cr_assert_str_eq(r.rows[0][0], "25");
    test_result_free(&r);

    r = sql_harness_run_ok("SELECT name, regionkey FROM nation WHERE nationkey IN (1, 3) ORDER BY name DESC");
    cr_assert_eq(r.row_count, 2);
    cr_assert_str_eq(r.rows[0][0], "CANADA");
    cr_assert_str_eq(r.rows[1][0], "ARGENTINA");
    test_result_free(&r);

    r = sql_harness_run_ok("SELECT r.name, count(*) AS n FROM nation n JOIN region r ON n.regionkey = r.regionkey "
               "GROUP BY r.name ORDER BY n DESC, r.name LIMIT 2");
    cr_assert_eq(r.row_count, 2);
    cr_assert_str_eq(r.rows[0][1], "5");
    cr_assert_str_eq(r.column_names[1], "n");
    test_result_free(&r);

    r = sql_harness_run_ok("SELECT 1 + 2, 'x' || 'y'");
    cr_assert_str_eq(r.rows[0][0], "3");
    cr_assert_str_eq(r.rows[0][1], "xy");
    cr_assert_str_eq(r.column_names[0], "_col0");
    test_result_free(&r);
}

Test(statements, memory_tables_round_trip)
{
    test_result r = sql_harness_run_ok("CREATE TABLE memory.default.nations AS SELECT nationkey, name FROM nation");
    cr_assert_eq(r.update_count, 25);
    test_result_free(&r);
    r = sql_harness_run_ok("INSERT INTO memory.default.nations SELECT nationkey + 100, name FROM nation WHERE nationkey < 5");
    cr_assert_eq(r.update_count, 5);
    test_result_free(&r);
    r = sql_harness_run_ok("SELECT count(*), max(nationkey) FROM memory.default.nations");
    cr_assert_str_eq(r.rows[0][0], "30");
    cr_assert_str_eq(r.rows[0][1], "104");
    test_result_free(&r);
    r = sql_harness_run_ok("DROP TABLE memory.default.nations");
    test_result_free(&r);
    sql_harness_expect_error("SELECT * FROM memory.default.nations", ERR_TABLE_NOT_FOUND, 1, 15, "does not exist");
}

Test(statements, errors_name_and_position)
{
    sql_harness_expect_error("SELECT * FORM nation", ERR_SYNTAX_ERROR, 1, 10, "FORM");
    sql_harness_expect_error("SELECT nosuch FROM nation", ERR_COLUMN_NOT_FOUND, 1, 8, "Column 'nosuch' cannot be resolved");
    sql_harness_expect_error("SELECT * FROM nosuch", ERR_TABLE_NOT_FOUND, 1, 15, "does not exist");
    sql_harness_expect_error("SELECT * FROM nocatalog.x.y", ERR_CATALOG_NOT_FOUND, 1, 15, "nocatalog");
    sql_harness_expect_error("SELECT name, count(*) FROM nation", ERR_EXPRESSION_NOT_AGGREGATE, 1, 8, "GROUP BY");
    sql_harness_expect_error("SELECT nosuchfunction(1)", ERR_FUNCTION_NOT_FOUND, 1, 8, "nosuchfunction");
    sql_harness_expect_error("SELECT 1 / 0", ERR_DIVISION_BY_ZERO, 0, 0, "Division by zero");
}

Test(statements, window_functions)
{
    test_result r = sql_harness_run_ok("SELECT name, row_number() OVER (PARTITION BY regionkey ORDER BY name) AS rn, "
                           "rank() OVER (ORDER BY regionkey) AS rk, "
                           "sum(nationkey) OVER (PARTITION BY regionkey) AS s, "
                           "lag(name) OVER (PARTITION BY regionkey ORDER BY name) AS prev "
                           "FROM nation ORDER BY regionkey, rn LIMIT 6");
    cr_assert_eq(r.row_count, 6);
    cr_assert_str_eq(r.rows[0][0], "ALGERIA");
    cr_assert_str_eq(r.rows[0][1], "1");
    cr_assert_null(r.rows[0][4], "lag of the first row is NULL");
    cr_assert_str_eq(r.rows[1][4], "ALGERIA");
    cr_assert_str_eq(r.rows[4][3], "50");
    cr_assert_str_eq(r.rows[5][0], "ARGENTINA");
    cr_assert_str_eq(r.rows[5][2], "6", "rank with ties");
    test_result_free(&r);

    r = sql_harness_run_ok("SELECT regionkey, count(*) AS n, sum(count(*)) OVER (ORDER BY regionkey "
               "ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS running "
               "FROM nation GROUP BY regionkey ORDER BY regionkey");
    cr_assert_eq(r.row_count, 5);
    cr_assert_str_eq(r.rows[4][2], "25", "a running total over aggregated rows");
    test_result_free(&r);

    sql_harness_expect_error("SELECT name FROM nation WHERE row_number() OVER () > 1", ERR_NOT_SUPPORTED, 1, 31, "Window");
}

Test(statements, set_operations_and_insert_columns)
{
    test_result r = sql_harness_run_ok("CREATE TABLE memory.default.t3 (a integer, b varchar(8), c integer)");
    test_result_free(&r);
    r = sql_harness_run_ok("INSERT INTO memory.default.t3 (c, a, b) VALUES (3, 1, 'x'), (6, 4, NULL)");
    cr_assert_eq(r.update_count, 2);
    test_result_free(&r);
    r = sql_harness_run_ok("SELECT a, b, c FROM memory.default.t3 ORDER BY a");
    cr_assert_str_eq(r.rows[0][0], "1");
    cr_assert_str_eq(r.rows[0][1], "x");
    cr_assert_str_eq(r.rows[0][2], "3");
    cr_assert_null(r.rows[1][1]);
    test_result_free(&r);
    sql_harness_expect_error("INSERT INTO memory.default.t3 VALUES (1, 2, 3)", ERR_TYPE_MISMATCH, 0, 0,
                 "Insert query has mismatched column types: Table: [integer, varchar(8), integer], Query: [integer, integer, integer]");
    r = sql_harness_run_ok("SELECT a FROM memory.default.t3 INTERSECT SELECT 4");
    cr_assert_eq(r.row_count, 1);
    cr_assert_str_eq(r.rows[0][0], "4");
    test_result_free(&r);
    r = sql_harness_run_ok("SELECT a FROM memory.default.t3 EXCEPT SELECT 4");
    cr_assert_eq(r.row_count, 1);
    cr_assert_str_eq(r.rows[0][0], "1");
    test_result_free(&r);
    r = sql_harness_run_ok("SELECT count(*) FROM (SELECT a FROM memory.default.t3 UNION ALL SELECT a FROM memory.default.t3 "
               "UNION SELECT 99)");
    cr_assert_str_eq(r.rows[0][0], "3", "UNION DISTINCT over UNION ALL");
    test_result_free(&r);
    r = sql_harness_run_ok("SELECT * FROM memory.default.t3 GROUP BY a, b, c ORDER BY a");
    cr_assert_eq(r.row_count, 2);
    test_result_free(&r);
}

Test(statements, grouping_sets_rollup_cube)
{
    test_result r = sql_harness_run_ok("SELECT regionkey, name, count(*) AS n, grouping(regionkey, name) AS g FROM nation "
                           "WHERE regionkey < 2 AND nationkey < 4 GROUP BY ROLLUP (regionkey, name) "
                           "ORDER BY g, regionkey, name");
    cr_assert_eq(r.row_count, 7);
    cr_assert_str_eq(r.rows[4][0], "0");
    cr_assert_null(r.rows[4][1]);
    cr_assert_str_eq(r.rows[4][3], "1");
    cr_assert_null(r.rows[6][0]);
    cr_assert_str_eq(r.rows[6][2], "4", "the grand total");
    cr_assert_str_eq(r.rows[6][3], "3");
    test_result_free(&r);

    r = sql_harness_run_ok("SELECT regionkey, count(*) FROM nation GROUP BY CUBE (regionkey) ORDER BY 1");
    cr_assert_eq(r.row_count, 6);
    cr_assert_null(r.rows[5][0]);
    cr_assert_str_eq(r.rows[5][1], "25");
    test_result_free(&r);

    r = sql_harness_run_ok("SELECT regionkey, count(*) FROM nation WHERE nationkey < 0 GROUP BY GROUPING SETS ((regionkey), ())");
    cr_assert_eq(r.row_count, 1, "an empty input still has the global set's row");
    cr_assert_str_eq(r.rows[0][1], "0");
    test_result_free(&r);
}

Test(statements, at_time_zone)
{
    test_result r = sql_harness_run_ok("SELECT TIMESTAMP '2020-05-11 11:15:05' AT TIME ZONE 'America/New_York', "
                           "extract(millisecond FROM TIMESTAMP '2020-01-01 00:00:00.123')");
    cr_assert_str_eq(r.rows[0][0], "2020-05-11 07:15:05.000 America/New_York");
    cr_assert_str_eq(r.rows[0][1], "123");
    test_result_free(&r);
}

Test(statements, correlated_subqueries_without_equalities)
{
    test_result r = sql_harness_run_ok("CREATE TABLE memory.default.c1 (a integer, b integer, c integer, d integer)");
    test_result_free(&r);
    r = sql_harness_run_ok("INSERT INTO memory.default.c1 VALUES (104,100,102,101), (107,105,106,108), (111,112,113,114), "
               "(115,118,119,116)");
    test_result_free(&r);
    r = sql_harness_run_ok("SELECT a, (SELECT max(x.b) FROM memory.default.c1 AS x WHERE x.a < t.a) FROM memory.default.c1 t "
               "ORDER BY 1");
    cr_assert_null(r.rows[0][1], "no row before the first");
    cr_assert_str_eq(r.rows[1][1], "100");
    cr_assert_str_eq(r.rows[3][1], "112");
    test_result_free(&r);
    r = sql_harness_run_ok("SELECT a, (SELECT count(*) FROM memory.default.c1 AS x WHERE x.a < t.a AND x.d > 101) "
               "FROM memory.default.c1 t ORDER BY 1");
    cr_assert_str_eq(r.rows[0][1], "0", "count(*) of no match is 0, not NULL");
    cr_assert_str_eq(r.rows[3][1], "2");
    test_result_free(&r);
    r = sql_harness_run_ok("SELECT a FROM memory.default.c1 t WHERE EXISTS (SELECT 1 FROM memory.default.c1 x WHERE x.a > t.a + 5) "
               "ORDER BY 1");
    cr_assert_eq(r.row_count, 2);
    cr_assert_str_eq(r.rows[1][0], "107");
    test_result_free(&r);
    r = sql_harness_run_ok("SELECT a FROM memory.default.c1 t WHERE NOT EXISTS (SELECT 1 FROM memory.default.c1 x WHERE x.a > t.a)");
    cr_assert_eq(r.row_count, 1);
    cr_assert_str_eq(r.rows[0][0], "115");
    test_result_free(&r);
}

Test(statements, or_branches_share_their_join_key)
{
    /* TPC-H Q19's shape: the join key repeated in every OR branch is pulled out,
     * so the plan is a hash join and not a cross join */
    test_result r = sql_harness_run_ok("EXPLAIN SELECT count(*) FROM nation n, region r WHERE "
                           "(n.regionkey = r.regionkey AND n.name = 'CHINA') OR "
                           "(n.regionkey = r.regionkey AND r.name = 'EUROPE')");
    cr_assert(strstr(r.rows[0][0], "criteria = (regionkey = regionkey)") != NULL, "%s", r.rows[0][0]);
    test_result_free(&r);
    r = sql_harness_run_ok("SELECT count(*) FROM nation n, region r WHERE "
               "(n.regionkey = r.regionkey AND n.name = 'CHINA') OR (n.regionkey = r.regionkey AND r.name = 'EUROPE')");
    cr_assert_str_eq(r.rows[0][0], "6");
    test_result_free(&r);
}

Test(statements, information_schema_through_show_and_describe)
{
    test_result r = sql_harness_run_ok("SHOW TABLES FROM tpch.information_schema LIKE 'sch%'");
    cr_assert_eq(r.row_count, 1);
    cr_assert_str_eq(r.rows[0][0], "schemata");
    test_result_free(&r);
    r = sql_harness_run_ok("DESCRIBE tpch.information_schema.schemata");
    cr_assert_eq(r.row_count, 2);
    cr_assert_str_eq(r.rows[1][0], "schema_name");
    test_result_free(&r);
    r = sql_harness_run_ok("EXPLAIN SELECT table_name FROM tpch.information_schema.tables WHERE table_schema = 'tiny'");
    cr_assert(strstr(r.rows[0][0], "constraints = [table_schema = 'tiny']") != NULL,
              "a short string constant folds, so the name filter reaches the connector: %s", r.rows[0][0]);
    test_result_free(&r);
}

Test(statements, explain_analyze_shows_what_ran)
{
    test_result r = sql_harness_run_ok("EXPLAIN ANALYZE SELECT regionkey, count(*) FROM nation WHERE nationkey > 3 GROUP BY regionkey");
    cr_assert_eq(r.row_count, 1);
    const char *text = r.rows[0][0];
    cr_assert(strstr(text, "Aggregate[type = FINAL") != NULL, "%s", text);
    cr_assert(strstr(text, "CPU: ") != NULL, "actual statistics are shown: %s", text);
    cr_assert(strstr(text, "Output: 5 rows") != NULL, "the final aggregate produced 5 groups: %s", text);
    cr_assert(strstr(text, "Output: 21 rows") != NULL, "the scan kept 21 nations: %s", text);
    test_result_free(&r);
    sql_harness_expect_error("EXPLAIN ANALYZE SELECT 1 / 0", ERR_DIVISION_BY_ZERO, 0, 0, "Division by zero");
}
