/*
 * test_query_features.c — query constructs end to end through the engine,
 * with Trino's NULL semantics: quantified comparisons (= ANY / SOME / ALL
 * with every operator, empty subqueries, NULLs on either side), FETCH
 * FIRST ... WITH TIES, EXPLAIN ANALYZE's wall time per node, LATERAL.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "sql_harness.h"

TestSuite(query_features, .init = sql_harness_start_memory_default, .fini = sql_harness_stop, .timeout = 60);

static void exec_ok(const char *sql)
{
    test_result r = sql_harness_run_ok(sql);
    test_result_free(&r);
}

/* Every cell of the result, row by row, joined with ',' (NULL as "NULL"). */
static void expect_cells(const char *sql, const char *expected)
{
    test_result r = sql_harness_run_ok(sql);
    char text[4096] = "";
    for (int i = 0; i < r.row_count; i++)
        for (int c = 0; c < r.column_count; c++) {
            if (text[0])
                strcat(text, ",");
            strcat(text, r.rows[i][c] ? r.rows[i][c] : "NULL");
        }
    cr_assert_str_eq(text, expected, "%s", sql);
    test_result_free(&r);
}

static void expect_error(const char *sql, error_code code, const char *message_part)
{
    sql_harness_expect_error(sql, code, 0, 0, message_part);
}

static void make_tables(void)
{
    exec_ok("CREATE TABLE v (x integer)");
    exec_ok("INSERT INTO v VALUES (1), (2), (NULL)");
    exec_ok("CREATE TABLE w (x integer)");
    exec_ok("INSERT INTO w VALUES (1), (2)");
    exec_ok("CREATE TABLE e (x integer)");
}

Test(query_features, quantified_all)
{
    make_tables();
    expect_cells("SELECT 3 > ALL (SELECT x FROM w), 2 > ALL (SELECT x FROM w), 3 > ALL (SELECT x FROM v), "
                 "2 > ALL (SELECT x FROM v), 0 < ALL (SELECT x FROM e)",
                 "true,false,NULL,false,true");
    expect_cells("SELECT 1 <= ALL (SELECT x FROM w), 2 >= ALL (SELECT x FROM w), 1 < ALL (SELECT x FROM w)",
                 "true,true,false");
    expect_cells("SELECT 1 = ALL (SELECT 1 UNION ALL SELECT 1), 1 = ALL (SELECT x FROM w), "
                 "1 = ALL (SELECT x FROM v WHERE x IS NULL OR x = 1), 1 = ALL (SELECT x FROM e)",
                 "true,false,NULL,true");
    expect_cells("SELECT 5 <> ALL (SELECT x FROM w), 2 <> ALL (SELECT x FROM w), 5 <> ALL (SELECT x FROM v)",
                 "true,false,NULL");
    expect_cells("SELECT CAST(NULL AS integer) > ALL (SELECT x FROM w), CAST(NULL AS integer) > ALL (SELECT x FROM e)",
                 "NULL,true");
}

Test(query_features, quantified_any_and_some)
{
    make_tables();
    expect_cells("SELECT 1 < ANY (SELECT x FROM v), 5 < ANY (SELECT x FROM v), 5 < ANY (SELECT x FROM w), "
                 "5 < ANY (SELECT x FROM e), 2 >= SOME (SELECT x FROM w)",
                 "true,NULL,false,false,true");
    expect_cells("SELECT 2 = ANY (SELECT x FROM v), 5 = ANY (SELECT x FROM v), 5 = SOME (SELECT x FROM w), "
                 "5 = ANY (SELECT x FROM e)",
                 "true,NULL,false,false");
    expect_cells("SELECT 3 <> ANY (SELECT 3 UNION ALL SELECT 3), 3 <> ANY (SELECT x + 2 FROM w), "
                 "1 <> ANY (SELECT x FROM v WHERE x IS NULL OR x = 1), 3 <> ANY (SELECT x FROM e)",
                 "false,true,NULL,false");
}

Test(query_features, quantified_in_where_and_errors)
{
    make_tables();
    exec_ok("CREATE TABLE t (a integer, b integer)");
    exec_ok("INSERT INTO t VALUES (1, 2), (2, 3), (3, 3), (4, 5)");
    expect_cells("SELECT a FROM t WHERE a = ANY (SELECT b FROM t) ORDER BY a", "2,3");
    expect_cells("SELECT a FROM t WHERE a > ALL (SELECT b FROM t WHERE b < 4) ORDER BY a", "4");
    expect_cells("SELECT a FROM t WHERE a < SOME (SELECT b FROM t) ORDER BY a", "1,2,3,4");
    expect_cells("SELECT a FROM t WHERE NOT (a >= ALL (SELECT x FROM v)) ORDER BY a", "1");
    expect_cells("SELECT count(*) FROM t WHERE a <> ALL (SELECT x FROM w)", "2");
    expect_error("SELECT 1 = ANY (SELECT 'a')", ERR_TYPE_MISMATCH, "");
}

Test(query_features, fetch_first_with_ties)
{
    exec_ok("CREATE TABLE s (k integer, name varchar)");
    exec_ok("INSERT INTO s VALUES (1, 'a'), (2, 'b'), (2, 'c'), (3, 'd'), (NULL, 'n'), (3, 'e')");
    expect_cells("SELECT k FROM s ORDER BY k FETCH FIRST 2 ROWS WITH TIES", "1,2,2");
    expect_cells("SELECT k FROM s ORDER BY k FETCH FIRST 2 ROWS ONLY", "1,2");
    expect_cells("SELECT k FROM s ORDER BY k DESC FETCH FIRST ROW WITH TIES", "3,3");
    /* ordered by a column that is not selected; NULLS FIRST puts the NULL first */
    expect_cells("SELECT name FROM s ORDER BY k NULLS FIRST, name FETCH FIRST 3 ROWS WITH TIES", "n,a,b");
    expect_cells("SELECT count(*), min(name), max(name) FROM (SELECT name FROM s ORDER BY k NULLS FIRST "
                 "FETCH FIRST 3 ROWS WITH TIES)", "4,a,n");
    expect_cells("SELECT count(*) FROM (SELECT k FROM s ORDER BY k FETCH FIRST 100 ROWS WITH TIES)", "6");
    expect_error("SELECT k FROM s FETCH FIRST 2 ROWS WITH TIES", ERR_MISSING_ORDER_BY,
                 "FETCH FIRST WITH TIES clause requires ORDER BY");
}

Test(query_features, explain_analyze_shows_wall_time_per_node)
{
    exec_ok("CREATE TABLE big AS SELECT a.x * 10 + b.x AS x FROM (VALUES 0, 1, 2, 3, 4, 5, 6, 7, 8, 9) a(x) "
            "CROSS JOIN (VALUES 0, 1, 2, 3, 4, 5, 6, 7, 8, 9) b(x)");
    test_result r = sql_harness_run_ok("EXPLAIN ANALYZE SELECT x % 7, count(*) FROM big GROUP BY 1 ORDER BY 1");
    const char *text = r.rows[0][0];
    int nodes = 0;
    for (const char *p = strstr(text, "Wall: "); p; p = strstr(p + 1, "Wall: ")) {
        nodes++;
        cr_assert(strncmp(p, "Wall: 0.00ns", 12) != 0, "a node without wall time:\n%s", text);
    }
    cr_assert_geq(nodes, 3, "%s", text);
    test_result_free(&r);
}

Test(query_features, lateral_derived_tables)
{
    exec_ok("CREATE TABLE l (a integer, b integer)");
    exec_ok("INSERT INTO l VALUES (1, 2), (2, 3), (3, 3)");
    /* correlated WHERE and select items; inner names first (t2.a), then the left side's */
    expect_cells("SELECT l.a, x.c, x.d FROM l, LATERAL (SELECT t2.b AS c, t2.a + l.a AS d FROM l t2 "
                 "WHERE t2.a < l.a) x ORDER BY 1, 2, 3",
                 "2,2,3,3,2,4,3,3,5");
    expect_cells("SELECT a, y FROM l CROSS JOIN LATERAL (SELECT b * 10 AS y WHERE a > 1) ORDER BY a", "2,30,3,30");
    expect_cells("SELECT a, z.y FROM l JOIN LATERAL (SELECT b + a AS y) z ON z.y > 5", "3,6");
    expect_cells("SELECT a, q.v FROM l, LATERAL (SELECT * FROM (VALUES 7) t(v) WHERE v > a) q ORDER BY a",
                 "1,7,2,7,3,7");
    expect_cells("SELECT a, w FROM l, LATERAL (SELECT a * 2) AS q(w) WHERE a = 2", "2,4");
    /* uncorrelated: an ordinary derived table */
    expect_cells("SELECT count(*) FROM l, LATERAL (SELECT 5 AS y) q", "3");
    expect_error("SELECT a, m FROM l, LATERAL (SELECT max(b) AS m FROM l t2 WHERE t2.a <= l.a) x",
                 ERR_NOT_SUPPORTED, "Correlated LATERAL subqueries with aggregation");
    expect_error("SELECT a FROM l LEFT JOIN LATERAL (SELECT b AS y) z ON true", ERR_NOT_SUPPORTED,
                 "Only CROSS and INNER joins");
    expect_error("SELECT a FROM l, LATERAL (SELECT nope) z", ERR_COLUMN_NOT_FOUND, "nope");
}
