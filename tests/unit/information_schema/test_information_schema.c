/*
 * test_information_schema.c — information_schema in every catalog, through
 * SQL on a real engine: TPC-H tables and columns, the memory catalog
 * reflecting DDL at once, information_schema describing itself, the empty
 * tables, LIMIT, and the errors for what does not exist.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "../engine/sql_harness.h"

TestSuite(information_schema, .init = sql_harness_start_tpch_tiny, .fini = sql_harness_stop, .timeout = 60);

static void expect_error(const char *sql, error_code code, const char *message_part)
{
    sql_harness_expect_error(sql, code, 0, 0, message_part);
}

/* The first column of every row, joined with ',' (NULL as "NULL"). */
static void expect_column(const char *sql, int column, const char *expected)
{
    test_result r = sql_harness_run_ok(sql);
    char text[4096] = "";
    for (int i = 0; i < r.row_count; i++) {
        if (i)
            strncat(text, ",", sizeof text - strlen(text) - 1);
        strncat(text, r.rows[i][column] ? r.rows[i][column] : "NULL", sizeof text - strlen(text) - 1);
    }
    cr_assert_str_eq(text, expected, "%s", sql);
    test_result_free(&r);
}

Test(information_schema, tpch_tables)
{
    expect_column("SELECT table_name FROM tpch.information_schema.tables WHERE table_schema = 'tiny' ORDER BY 1", 0,
                  "customer,lineitem,nation,orders,part,partsupp,region,supplier");
    test_result r = sql_harness_run_ok("SELECT * FROM tpch.information_schema.tables WHERE table_schema = 'sf1' AND table_name = 'nation'");
    cr_assert_eq(r.row_count, 1);
    cr_assert_eq(r.column_count, 5);
    const char *names[] = {"table_catalog", "table_schema", "table_name", "table_type", "table_comment"};
    for (int i = 0; i < 5; i++)
        cr_assert_str_eq(r.column_names[i], names[i]);
    cr_assert_str_eq(r.rows[0][0], "tpch");
    cr_assert_str_eq(r.rows[0][1], "sf1");
    cr_assert_str_eq(r.rows[0][2], "nation");
    cr_assert_str_eq(r.rows[0][3], "BASE TABLE");
    cr_assert_null(r.rows[0][4]);
    test_result_free(&r);
}

Test(information_schema, tpch_columns)
{
    test_result r = sql_harness_run_ok("SELECT column_name, data_type FROM tpch.information_schema.columns "
                           "WHERE table_schema = 'tiny' AND table_name = 'nation' ORDER BY ordinal_position");
    cr_assert_eq(r.row_count, 4);
    const char *expected[4][2] = {
        {"nationkey", "bigint"}, {"name", "varchar(25)"}, {"regionkey", "bigint"}, {"comment", "varchar(152)"}};
    for (int i = 0; i < 4; i++) {
        cr_assert_str_eq(r.rows[i][0], expected[i][0]);
        cr_assert_str_eq(r.rows[i][1], expected[i][1]);
    }
    test_result_free(&r);

    r = sql_harness_run_ok("SELECT * FROM tpch.information_schema.columns WHERE table_schema = 'tiny' AND table_name = 'region' "
               "ORDER BY ordinal_position");
    const char *names[] = {"table_catalog", "table_schema", "table_name", "column_name", "ordinal_position",
                           "column_default", "is_nullable", "data_type", "comment", "extra_info"};
    cr_assert_eq(r.column_count, 10);
    for (int i = 0; i < 10; i++)
        cr_assert_str_eq(r.column_names[i], names[i]);
    cr_assert_eq(r.row_count, 3);
    cr_assert_str_eq(r.rows[0][0], "tpch");
    cr_assert_str_eq(r.rows[0][3], "regionkey");
    cr_assert_str_eq(r.rows[2][4], "3");
    cr_assert_null(r.rows[0][5]);
    cr_assert(strcmp(r.rows[0][6], "YES") == 0 || strcmp(r.rows[0][6], "NO") == 0);
    test_result_free(&r);

    expect_column("SELECT count(*) FROM tpch.information_schema.columns WHERE table_schema = 'tiny'", 0, "61");
    expect_column("SELECT count(*) FROM tpch.information_schema.columns WHERE table_schema = 'tiny' "
                  "AND column_name = 'comment'", 0, "8");
}

Test(information_schema, schemata)
{
    test_result r = sql_harness_run_ok("SELECT catalog_name, schema_name FROM tpch.information_schema.schemata ORDER BY 2");
    cr_assert_geq(r.row_count, 3);
    cr_assert_str_eq(r.rows[0][0], "tpch");
    cr_assert_str_eq(r.rows[0][1], "information_schema");
    bool tiny = false;
    for (int i = 0; i < r.row_count; i++)
        tiny = tiny || strcmp(r.rows[i][1], "tiny") == 0;
    cr_assert(tiny);
    test_result_free(&r);
    expect_column("SELECT schema_name FROM memory.information_schema.schemata ORDER BY 1", 0,
                  "default,information_schema");
    expect_column("SELECT schema_name FROM tpch.information_schema.schemata WHERE schema_name = 'nosuch'", 0, "");
}

Test(information_schema, memory_reflects_ddl)
{
    test_result r = sql_harness_run_ok("CREATE TABLE memory.default.pets (id bigint, name varchar(20), born date)");
    test_result_free(&r);
    expect_column("SELECT table_name FROM memory.information_schema.tables WHERE table_schema = 'default'", 0, "pets");
    expect_column("SELECT column_name || ':' || data_type FROM memory.information_schema.columns "
                  "WHERE table_name = 'pets' ORDER BY ordinal_position", 0, "id:bigint,name:varchar(20),born:date");
    r = sql_harness_run_ok("CREATE SCHEMA memory.zoo");
    test_result_free(&r);
    r = sql_harness_run_ok("CREATE TABLE memory.zoo.keepers AS SELECT 1 AS k");
    test_result_free(&r);
    expect_column("SELECT table_schema || '.' || table_name FROM memory.information_schema.tables "
                  "WHERE table_schema <> 'information_schema' ORDER BY 1", 0, "default.pets,zoo.keepers");
    r = sql_harness_run_ok("DROP TABLE memory.default.pets");
    test_result_free(&r);
    expect_column("SELECT table_name FROM memory.information_schema.tables WHERE table_schema = 'default'", 0, "");
    expect_column("SELECT count(*) FROM memory.information_schema.columns WHERE table_name = 'pets'", 0, "0");
}

Test(information_schema, describes_itself)
{
    expect_column("SELECT table_name FROM tpch.information_schema.tables WHERE table_schema = 'information_schema' "
                  "ORDER BY 1", 0,
                  "applicable_roles,columns,enabled_roles,roles,schemata,table_privileges,tables,views");
    expect_column("SELECT column_name FROM memory.information_schema.columns WHERE table_schema = 'information_schema' "
                  "AND table_name = 'tables' ORDER BY ordinal_position", 0,
                  "table_catalog,table_schema,table_name,table_type,table_comment");
    expect_column("SELECT data_type FROM memory.information_schema.columns WHERE table_schema = 'information_schema' "
                  "AND table_name = 'columns' AND column_name = 'ordinal_position'", 0, "bigint");
}

Test(information_schema, empty_tables_exist)
{
    const char *queries[] = {
        "SELECT * FROM tpch.information_schema.views",
        "SELECT * FROM tpch.information_schema.table_privileges",
        "SELECT * FROM tpch.information_schema.roles",
        "SELECT * FROM tpch.information_schema.applicable_roles",
        "SELECT * FROM tpch.information_schema.enabled_roles",
    };
    const int columns[] = {4, 10, 1, 4, 1};
    for (int i = 0; i < 5; i++) {
        test_result r = sql_harness_run_ok(queries[i]);
        cr_assert_eq(r.row_count, 0, "%s", queries[i]);
        cr_assert_eq(r.column_count, columns[i], "%s", queries[i]);
        test_result_free(&r);
    }
    expect_column("SELECT view_definition FROM memory.information_schema.views", 0, "");
}

Test(information_schema, session_catalog_and_limit)
{
    expect_column("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'tiny'", 0, "8");
    test_result r = sql_harness_run_ok("SELECT * FROM information_schema.columns LIMIT 5");
    cr_assert_eq(r.row_count, 5);
    test_result_free(&r);
    expect_column("SELECT table_name FROM information_schema.tables WHERE table_schema = 'tiny' "
                  "AND table_name BETWEEN 'n' AND 'p' ORDER BY 1", 0, "nation,orders");
    expect_column("SELECT count(*) FROM tpch.information_schema.tables t JOIN memory.information_schema.schemata s "
                  "ON t.table_schema = s.schema_name", 0, "8");
}

Test(information_schema, errors)
{
    expect_error("SELECT * FROM tpch.information_schema.nosuch", ERR_TABLE_NOT_FOUND,
                 "Table 'tpch.information_schema.nosuch' does not exist");
    expect_error("SELECT * FROM nosuch.information_schema.tables", ERR_CATALOG_NOT_FOUND, "nosuch");
    expect_error("SELECT nosuch FROM tpch.information_schema.tables", ERR_COLUMN_NOT_FOUND, "nosuch");
    expect_error("INSERT INTO memory.information_schema.tables VALUES ('a', 'b', 'c', 'd', 'e')", ERR_TABLE_NOT_FOUND,
                 "information_schema");
}
