/*
 * test_slt_dialect.c — the dialect rules fire on the SQLite construct plus
 * Trino's symptom, and not on engine failures that merely look similar.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "tools/slt/dialect.h"
#include "tools/slt/slt_report.h"

static const char *classify_error(const char *sql, const char *name, const char *message)
{
    dialect_case c = {.sql = sql, .is_query = true, .error_name = name, .error_message = message};
    return dialect_classify(&c);
}

static void expect_rule(const char *got, const char *rule)
{
    cr_assert(got && strcmp(got, rule) == 0, "expected rule %s, got %s", rule, got ? got : "(none)");
}

Test(slt_dialect, word_and_prefix_helpers)
{
    cr_assert(dialect_sql_has_word("select a FROM t", "from"));
    cr_assert_not(dialect_sql_has_word("select afrom FROM_x", "from"));
    cr_assert_not(dialect_sql_has_word("select 'from' x", "from"), "inside a string literal");
    const char *words[] = {"CREATE", "INDEX"};
    cr_assert(dialect_sql_starts_with("  create index i ON t(a)", words, 2));
    cr_assert_not(dialect_sql_starts_with("CREATE INDEXES", words, 2));
}

Test(slt_dialect, statements_trino_lacks)
{
    expect_rule(classify_error("CREATE INDEX t1i0 ON t1(a1,b1)", "SYNTAX_ERROR", "mismatched input 'INDEX'"),
                "index_ddl");
    expect_rule(classify_error("REINDEX t1i1", "SYNTAX_ERROR", "mismatched input"), "index_ddl");
    expect_rule(classify_error("CREATE TRIGGER t1r1 UPDATE ON t1 BEGIN SELECT 1; END;", "SYNTAX_ERROR", "x"),
                "sqlite_only_statement");
    expect_rule(classify_error("INSERT OR REPLACE INTO t1 VALUES(2, 'insert or replace')", "SYNTAX_ERROR", "x"),
                "sqlite_only_statement");
    expect_rule(classify_error("CREATE TABLE t1(x INTEGER PRIMARY KEY, y VARCHAR(16))", "SYNTAX_ERROR", "x"),
                "table_constraint");
    expect_rule(classify_error("CREATE TABLE t1( x INTEGER, y TEXT )", "TYPE_NOT_FOUND", "Unknown type 'text'"),
                "sqlite_type_name");
}

Test(slt_dialect, expression_rules)
{
    expect_rule(classify_error("SELECT col0 / 0 FROM tab0", "DIVISION_BY_ZERO", "Division by zero"),
                "division_by_zero");
    expect_rule(classify_error("SELECT col0 * 99999999 FROM tab0", "NUMERIC_VALUE_OUT_OF_RANGE",
                               "integer multiplication overflow: 2147483647 * 2"),
                "integer_overflow");
    expect_rule(classify_error("SELECT 1 || 2", "FUNCTION_NOT_FOUND", "Unexpected parameters (integer, integer)"),
                "concat_non_string");
    expect_rule(classify_error("SELECT * FROM t WHERE x = '1'", "TYPE_MISMATCH",
                               "Cannot apply operator: integer = varchar(1)"),
                "implicit_string_number");
    expect_rule(classify_error("SELECT * FROM tab0 WHERE col0", "TYPE_MISMATCH",
                               "WHERE clause must evaluate to a boolean: actual type integer"),
                "boolean_is_not_integer");
    expect_rule(classify_error("SELECT col0, COUNT(*) FROM tab0", "EXPRESSION_NOT_AGGREGATE",
                               "'col0' must be an aggregate expression or appear in GROUP BY clause"),
                "bare_column_in_aggregate");
    expect_rule(classify_error("SELECT (SELECT a FROM t)", "SUBQUERY_MULTIPLE_ROWS",
                               "Scalar sub-query has returned multiple rows"),
                "scalar_subquery_rows");
    dialect_case c = {.sql = "SELECT col0 / 3.0 FROM tab0", .is_query = true, .wrong_result = true};
    expect_rule(dialect_classify(&c), "decimal_literal_arithmetic");
    c.sql = "SELECT + COALESCE ( + 59, - AVG ( - 39 ) ) / - 51 - - + 43 AS col2";
    expect_rule(dialect_classify(&c), "static_result_type");
    c.sql = "SELECT CAST ( 82 / 42 + 96 / AVG ( DISTINCT 97 ) AS INTEGER )";
    expect_rule(dialect_classify(&c), "cast_to_integer_rounds");
    expect_rule(classify_error("SELECT 1 FROM t1 WHERE 1 IN ( )", "SYNTAX_ERROR", "mismatched input ')'"),
                "empty_in_list");
    expect_rule(classify_error("SELECT x'303132' IN (SELECT * FROM t1)", "TYPE_MISMATCH",
                               "Value expression and result of subquery must be of the same type: varbinary vs integer"),
                "blob_literal");
}

Test(slt_dialect, engine_failures_stay_failures)
{
    /* an error with no SQLite construct behind it */
    cr_assert_null(classify_error("SELECT col0 FROM tab0", "GENERIC_INTERNAL_ERROR", "boom"));
    cr_assert_null(classify_error("SELECT col0 + 1 FROM tab0", "DIVISION_BY_ZERO", "Division by zero"),
                   "no division in the SQL");
    cr_assert_null(classify_error("SELECT 'a' || 'b'", "NOT_SUPPORTED", "not yet"));
    cr_assert_null(classify_error("SELECT '/' FROM t", "DIVISION_BY_ZERO", "Division by zero"),
                   "a slash inside a literal is not a division");
    /* a wrong value without the decimal-literal shape */
    dialect_case c = {.sql = "SELECT col0 / 3 FROM tab0", .is_query = true, .wrong_result = true};
    cr_assert_null(dialect_classify(&c));
    /* a `statement error` record is never dialect because it failed */
    dialect_case e = {.sql = "CREATE INDEX i ON t(a)", .expect_error = true, .error_name = "SYNTAX_ERROR"};
    cr_assert_null(dialect_classify(&e));
    /* Trino accepts SELECT * when every column is grouped */
    cr_assert_null(classify_error("SELECT DISTINCT * FROM tab0 GROUP BY col1, col2, col0", "EXPRESSION_NOT_AGGREGATE",
                                  "SELECT * not allowed in queries with GROUP BY"));
    /* CAST to integer of integers only: no real source */
    dialect_case w = {.sql = "SELECT CAST ( col0 AS INTEGER ) / 2 FROM t", .is_query = true, .wrong_result = true};
    cr_assert_null(dialect_classify(&w));
    /* avg() in a CASE condition does not make the result real */
    w.sql = "SELECT CASE WHEN c>(SELECT avg(c) FROM t1) THEN a*2 ELSE b*10 END, a/2 FROM t1";
    cr_assert_null(dialect_classify(&w));
    w.sql = "SELECT CASE WHEN c>1 THEN a*2 ELSE avg(b) END / 2 FROM t1";
    expect_rule(dialect_classify(&w), "static_result_type");
    dialect_case ok = {.sql = NULL};
    cr_assert_null(dialect_classify(&ok));
}

Test(slt_dialect, every_rule_has_a_name_and_summary)
{
    int n;
    const dialect_rule *rules = dialect_rules(&n);
    cr_assert_gt(n, 10);
    for (int i = 0; i < n; i++) {
        cr_assert(rules[i].name && *rules[i].name);
        cr_assert(rules[i].summary && *rules[i].summary);
        cr_assert_not_null(rules[i].applies);
    }
}

Test(slt_report, error_causes_mask_literals)
{
    char *k = slt_error_cause("COLUMN_NOT_FOUND", "line 1:8: Column 'col9' cannot be resolved");
    cr_assert_str_eq(k, "COLUMN_NOT_FOUND: line N:N: Column '?' cannot be resolved");
    free(k);
    k = slt_error_cause("TYPE_MISMATCH", "Cannot apply operator: varchar(12) = integer");
    cr_assert_str_eq(k, "TYPE_MISMATCH: Cannot apply operator: varchar(N) = integer");
    free(k);
    k = slt_error_cause(NULL, "it's");
    cr_assert_str_eq(k, "ERROR: it'?'");
    free(k);
}

Test(slt_report, totals_and_rates)
{
    slt_report r;
    slt_report_init(&r);
    slt_file_stats *f = slt_report_add_file(&r, "a.test", ".");
    f->counts = (slt_counts){.run = 10, .passed = 8, .failed = 1, .dialect = 1, .skipped = 2};
    f = slt_report_add_file(&r, "b.test", ".");
    f->counts = (slt_counts){.run = 10, .passed = 10};
    slt_report_count_failure(&r, "X", "SELECT 1", "a.test", 3);
    slt_report_count_failure(&r, "X", "SELECT 2", "a.test", 9);
    slt_report_count_dialect(&r, "division_by_zero", "SELECT 1/0", "a.test", 5);
    slt_counts t = slt_report_totals(&r);
    cr_assert_eq(t.run, 20);
    cr_assert_eq(t.passed, 18);
    cr_assert_eq(t.skipped, 2);
    cr_assert_float_eq(slt_rate(t.passed, t.run), 90.0, 1e-9);
    cr_assert_float_eq(slt_rate(0, 0), 0.0, 1e-9);
    cr_assert_eq(r.causes.count, 1);
    cr_assert_eq(r.causes.items[0].count, 2);
    cr_assert_str_eq(r.causes.items[0].example_where, "a.test:3");
    char *buffer = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&buffer, &size);
    slt_report_print_json(&r, out, 10);
    fclose(out);
    cr_assert(strstr(buffer, "\"passed\": 18"), "%s", buffer);
    cr_assert(strstr(buffer, "\"division_by_zero\""), "%s", buffer);
    free(buffer);
    slt_report_free(&r);
}

Test(slt_dialect, portable_create_table)
{
    char *s = dialect_portable_create_table("CREATE TABLE t1(\n  a1 INTEGER PRIMARY KEY,\n  b1 INTEGER UNIQUE, c 'primary')");
    cr_assert_str_eq(s, "CREATE TABLE t1(\n  a1 INTEGER            ,\n  b1 INTEGER       , c 'primary')");
    free(s);
    s = dialect_portable_create_table("CREATE TABLE t7(a text UNIQUE, b BLOB, textual INTEGER, d 'TEXT')");
    cr_assert_str_eq(s, "CREATE TABLE t7(a VARCHAR       , b VARBINARY, textual INTEGER, d 'TEXT')");
    free(s);
    cr_assert_null(dialect_portable_create_table("CREATE TABLE t(a INTEGER, b VARCHAR(8))"));
}

Test(slt_dialect, update_assigning_a_column_twice)
{
    expect_rule(classify_error("UPDATE t1 SET x=3, x=4, x=5", "DUPLICATE_COLUMN_NAME", "x"), "update_assigns_twice");
    cr_assert_null(classify_error("UPDATE t1 SET z=3", "COLUMN_NOT_FOUND", "z"));
    char *s = dialect_portable_update("UPDATE t1 SET x=3, y=f(1,2), x=5 WHERE y='a,b'");
    cr_assert_str_eq(s, "UPDATE t1 SET y=f(1,2), x=5 WHERE y='a,b'");
    free(s);
    cr_assert_null(dialect_portable_update("UPDATE t1 SET x=3, y=4"));
    cr_assert_null(dialect_portable_update("SELECT 1"));
}

Test(slt_dialect, queries_after_a_sqlite_only_replace)
{
    char *t = dialect_sqlite_write_target("INSERT OR REPLACE INTO T1 VALUES(2, 'x')");
    cr_assert_str_eq(t, "t1");
    free(t);
    t = dialect_sqlite_write_target("REPLACE INTO t2 VALUES(4, 'replace (new)')");
    cr_assert_str_eq(t, "t2");
    free(t);
    cr_assert_null(dialect_sqlite_write_target("INSERT INTO t1 VALUES(1)"));
    const char *replaced[] = {"t1"};
    dialect_case c = {.sql = "SELECT x, y FROM t1 WHERE x=2", .is_query = true, .wrong_result = true,
                      .replaced_tables = replaced, .replaced_table_count = 1};
    expect_rule(dialect_classify(&c), "after_sqlite_only_write");
    c.sql = "SELECT x FROM t10";
    cr_assert_null(dialect_classify(&c), "another table");
    c.sql = "SELECT x FROM t1";
    c.wrong_result = false;
    c.error_name = "COLUMN_NOT_FOUND";
    cr_assert_null(dialect_classify(&c), "an error is no replaced row");
}
