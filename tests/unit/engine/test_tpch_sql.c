/*
 * test_tpch_sql.c — the tpch connector through SQL: row counts of all eight
 * tables on tpch.tiny, sample values under both column namings and both
 * money mappings, and the same rows whatever the number of splits (1..7).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "engine_test_support.h"

static engine *tpch_engine;
static session *tpch_session;

static void setup(void)
{
    static const char *const catalogs[] = {
        "tpch", "connector.name=tpch\n",
        "standard", "connector.name=tpch\ntpch.column-naming=STANDARD\ntpch.double-type-mapping=DECIMAL\n",
        "split1", "connector.name=tpch\ntpch.splits-per-node=1\n",
        "split2", "connector.name=tpch\ntpch.splits-per-node=2\n",
        "split3", "connector.name=tpch\ntpch.splits-per-node=3\n",
        "split4", "connector.name=tpch\ntpch.splits-per-node=4\n",
        "split5", "connector.name=tpch\ntpch.splits-per-node=5\n",
        "split6", "connector.name=tpch\ntpch.splits-per-node=6\n",
        "split7", "connector.name=tpch\ntpch.splits-per-node=7\n",
        NULL,
    };
    tpch_engine = test_engine_create(catalogs);
    cr_assert_not_null(tpch_engine);
    tpch_session = session_new("test", "tpch", "tiny");
}

static void teardown(void)
{
    session_free(tpch_session);
    test_engine_destroy(tpch_engine);
}

TestSuite(tpch_sql, .init = setup, .fini = teardown, .timeout = 120);

static test_result run_ok(const char *sql)
{
    test_result r = test_run(tpch_engine, tpch_session, sql);
    cr_assert(r.ok, "%s failed: %s (%s)", sql, r.error.message, error_name(r.error.code));
    return r;
}

static void expect_value(const char *sql, const char *expected)
{
    test_result r = run_ok(sql);
    cr_assert_eq(r.row_count, 1, "%s", sql);
    cr_assert_str_eq(r.rows[0][0], expected, "%s", sql);
    test_result_free(&r);
}

Test(tpch_sql, row_counts_of_every_table)
{
    static const char *const tables[][2] = {
        {"region", "5"}, {"nation", "25"}, {"supplier", "100"}, {"customer", "1500"},
        {"part", "2000"}, {"partsupp", "8000"}, {"orders", "15000"}, {"lineitem", "60175"},
    };
    for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++) {
        char sql[128];
        snprintf(sql, sizeof sql, "SELECT count(*) FROM tpch.tiny.%s", tables[i][0]);
        expect_value(sql, tables[i][1]);
        snprintf(sql, sizeof sql, "SELECT count(*) FROM standard.tiny.%s", tables[i][0]);
        expect_value(sql, tables[i][1]);
    }
}

Test(tpch_sql, sample_values_under_both_namings_and_mappings)
{
    /* the rows of dbgen's nation.tbl and orders.tbl */
    expect_value("SELECT name FROM tpch.tiny.nation WHERE nationkey = 7", "GERMANY");
    expect_value("SELECT n_name FROM standard.tiny.nation WHERE n_nationkey = 7", "GERMANY");
    expect_value("SELECT clerk FROM tpch.tiny.orders WHERE orderkey = 1", "Clerk#000000951");
    /* money: DOUBLE by default, decimal(12,2) with tpch.double-type-mapping=DECIMAL */
    expect_value("SELECT totalprice FROM tpch.tiny.orders WHERE orderkey = 1", "172799.49");
    expect_value("SELECT o_totalprice FROM standard.tiny.orders WHERE o_orderkey = 1", "172799.49");
    test_result r = run_ok("DESCRIBE tpch.tiny.lineitem");
    cr_assert_str_eq(r.rows[0][0], "orderkey");
    cr_assert_str_eq(r.rows[4][1], "double", "quantity is a double by default");
    test_result_free(&r);
    r = run_ok("DESCRIBE standard.tiny.lineitem");
    cr_assert_str_eq(r.rows[0][0], "l_orderkey");
    cr_assert_str_eq(r.rows[4][1], "decimal(12,2)");
    test_result_free(&r);
}

Test(tpch_sql, every_split_count_gives_the_same_rows)
{
    const char *expected = NULL;
    test_result first = {0};
    for (int n = 1; n <= 7; n++) {
        char sql[256];
        snprintf(sql, sizeof sql,
                 "SELECT count(*), sum(orderkey), sum(linenumber), count(DISTINCT comment) FROM split%d.tiny.lineitem", n);
        test_result r = run_ok(sql);
        char line[256];
        snprintf(line, sizeof line, "%s|%s|%s|%s", r.rows[0][0], r.rows[0][1], r.rows[0][2], r.rows[0][3]);
        if (!expected) {
            first = r;
            expected = strdup(line);
        } else {
            cr_assert_str_eq(line, expected, "%d splits", n);
            test_result_free(&r);
        }
    }
    cr_assert_str_eq(first.rows[0][0], "60175");
    test_result_free(&first);
    free((void *)expected);
}
