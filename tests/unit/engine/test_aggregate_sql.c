/*
 * test_aggregate_sql.c — the aggregate function library through SQL:
 * min_by/max_by, corr/covar/regr, skewness/kurtosis, approx_percentile,
 * listagg ... WITHIN GROUP, checksum, geometric_mean, bitwise_*_agg. Values, NULLs, empty input,
 * grouped runs (partial and final steps), and Trino's error messages.
 * Each case is (SQL, expected first-row cells joined by '|').
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "sql_harness.h"

TestSuite(aggregate_sql, .init = sql_harness_start_tpch_tiny, .fini = sql_harness_stop, .timeout = 120);

/* All rows, cells joined by '|' and rows by ';' (NULL cells as "NULL"). */
static void result_text(const test_result *r, char *out, size_t size)
{
    size_t at = 0;
    out[0] = '\0';
    for (int i = 0; i < r->row_count && at < size; i++)
        for (int j = 0; j < r->column_count && at < size; j++)
            at += (size_t)snprintf(out + at, size - at, "%s%s", j ? "|" : i ? ";" : "",
                                   r->rows[i][j] ? r->rows[i][j] : "NULL");
}

typedef struct sql_case {
    const char *sql;
    const char *expected; /* rows, or "ERROR <NAME>: <message part>" */
} sql_case;

static void check(const sql_case *c)
{
    test_result r = sql_harness_run(c->sql);
    char text[4096];
    if (strncmp(c->expected, "ERROR ", 6) == 0) {
        cr_assert_not(r.ok, "%s should fail", c->sql);
        snprintf(text, sizeof text, "ERROR %s: %s", error_name(r.error.code), r.error.message);
        cr_assert(strncmp(text, c->expected, strlen(c->expected)) == 0, "%s: got '%s', want '%s'", c->sql, text,
                  c->expected);
    } else {
        cr_assert(r.ok, "%s failed: %s (%s)", c->sql, r.error.message, error_name(r.error.code));
        result_text(&r, text, sizeof text);
        cr_assert_str_eq(text, c->expected, "%s: got '%s', want '%s'", c->sql, text, c->expected);
    }
    test_result_free(&r);
}

static void check_all(const sql_case *cases, size_t n)
{
    for (size_t i = 0; i < n; i++)
        check(&cases[i]);
}

#define T(x, y) "(VALUES " x ") AS t(" y ")"

Test(aggregate_sql, min_by_max_by)
{
    static const sql_case cases[] = {
        {"SELECT min_by(x, y), max_by(x, y) FROM " T("('a', 3), ('b', 1), ('c', 5), ('d', NULL)", "x, y"), "b|c"},
        /* the value may be NULL; NULL keys are skipped; ties keep the first row */
        {"SELECT min_by(x, y) FROM " T("(NULL, 1), (2, 3)", "x, y"), "NULL"},
        {"SELECT min_by(x, y) FROM " T("(1, CAST(NULL AS bigint)), (2, NULL)", "x, y"), "NULL"},
        {"SELECT max_by(x, y) FROM " T("(1, 'k'), (2, 'z'), (3, 'z')", "x, y"), "2"},
        {"SELECT min_by(x, y) FROM " T("(1.5e0, DATE '2020-01-02'), (2.5e0, DATE '2019-05-01')", "x, y"), "2.5"},
        {"SELECT max_by(x, y) FROM " T("('long string value one', 1e0), ('another long string', nan())", "x, y"),
         "another long string"},
        /* grouped over tpch: the cheapest part per brand, through partial/final steps */
        {"SELECT max_by(name, nationkey), min_by(name, nationkey), max_by(nationkey, name) FROM nation",
         "UNITED STATES|ALGERIA|21"},
        {"SELECT regionkey, min_by(name, nationkey) FROM nation GROUP BY regionkey ORDER BY 1",
         "0|ALGERIA;1|ARGENTINA;2|INDIA;3|FRANCE;4|EGYPT"},
        {"SELECT min_by(x, y) FROM " T("(1, 2)", "x, y") " WHERE x > 5", "NULL"},
        {"SELECT min_by(x) FROM " T("(1)", "x"),
         "ERROR FUNCTION_NOT_FOUND: Unexpected parameters (integer) for function min_by. Expected: min_by(V, K) K:orderable"},
    };
    check_all(cases, sizeof cases / sizeof cases[0]);
}

Test(aggregate_sql, correlation_covariance_regression)
{
    static const sql_case cases[] = {
        {"SELECT corr(y, x), covar_samp(y, x), covar_pop(y, x), regr_slope(y, x), regr_intercept(y, x) FROM "
         T("(1e0, 2e0), (2e0, 4e0), (3e0, 6e0), (4e0, 8e0)", "x, y"),
         "1.0|3.3333333333333335|2.5|2.0|0.0"},
        {"SELECT covar_samp(y, x), covar_pop(y, x), corr(y, x) FROM " T("(1e0, 5e0)", "x, y"), "NULL|0.0|NULL"},
        /* constant x: slope and intercept are not finite, so NULL */
        {"SELECT regr_slope(y, x), regr_intercept(y, x), corr(y, x) FROM " T("(1e0, 1e0), (1e0, 2e0)", "x, y"),
         "NULL|NULL|NULL"},
        /* rows with a NULL in either argument are skipped */
        {"SELECT covar_pop(y, x), regr_slope(y, x) FROM " T("(1e0, 1e0), (2e0, NULL), (NULL, 7e0), (3e0, 3e0)", "x, y"),
         "1.0|1.0"},
        {"SELECT corr(y, x) FROM " T("(REAL '1', REAL '2'), (REAL '2', REAL '1')", "x, y"), "-1.0"},
        {"SELECT covar_pop(y, x) FROM " T("(1e0, 1e0)", "x, y") " WHERE x > 2", "NULL"},
        /* partial/final over tpch, against the textbook formulas */
        {"SELECT abs(covar_samp(totalprice, custkey) - (sum(totalprice * custkey) - sum(totalprice) * sum(custkey) / "
         "count(*)) / (count(*) - 1)) < 1e-3 * abs(covar_samp(totalprice, custkey)) FROM orders",
         "true"},
        {"SELECT round(corr(extendedprice, quantity), 6) > 0.9 FROM lineitem", "true"},
        {"SELECT corr(x) FROM " T("(1e0)", "x"),
         "ERROR FUNCTION_NOT_FOUND: Unexpected parameters (double) for function corr. Expected: corr(double, double), corr(real, real)"},
    };
    check_all(cases, sizeof cases / sizeof cases[0]);
}

Test(aggregate_sql, skewness_kurtosis)
{
    static const sql_case cases[] = {
        {"SELECT skewness(x), kurtosis(x) FROM " T("(1e0), (2e0), (3e0), (10e0)", "x"),
         "1.0182337649086284|3.2280000000000015"},
        {"SELECT skewness(x), kurtosis(x) FROM " T("(1), (2), (3)", "x"), "0.0|NULL"},
        {"SELECT skewness(x), kurtosis(x) FROM " T("(1e0), (2e0)", "x"), "NULL|NULL"},
        {"SELECT skewness(x) FROM " T("(1e0), (NULL), (2e0), (6e0)", "x"), "0.5951700641394974"},
        /* grouped and merged: the same as over one group */
        {"SELECT round(skewness(quantity), 9) = (SELECT round(skewness(quantity), 9) FROM lineitem) FROM lineitem",
         "true"},
    };
    check_all(cases, sizeof cases / sizeof cases[0]);
}

Test(aggregate_sql, approx_percentile)
{
    static const sql_case cases[] = {
        /* small inputs are exact */
        {"SELECT approx_percentile(x, 0.5), approx_percentile(x, 0), approx_percentile(x, 1) FROM "
         T("(1), (2), (3), (4), (5)", "x"),
         "3|1|5"},
        {"SELECT approx_percentile(x, 0.5) FROM " T("(1e0), (NULL), (2e0), (30e0)", "x"), "2.0"},
        {"SELECT approx_percentile(x, 0.9) FROM " T("(REAL '1.5'), (REAL '2.5')", "x"), "2.5"},
        {"SELECT approx_percentile(x, 0.5) FROM " T("(1)", "x") " WHERE x > 1", "NULL"},
        /* weights repeat values */
        {"SELECT approx_percentile(x, w, 0.5) FROM " T("(1, 1e0), (2, 1e0), (3, 10e0)", "x, w"), "3"},
        {"SELECT approx_percentile(x, w, 0.5, 0.01) FROM " T("(1, 1e0), (2, 1e0), (3, 10e0)", "x, w"), "3"},
        /* tpch: within the documented rank error of the exact median */
        {"SELECT approx_percentile(quantity, 0.5) BETWEEN 24 AND 27 FROM lineitem", "true"},
        {"SELECT approx_percentile(orderkey, 0.99) BETWEEN 58000 AND 60000 FROM orders", "true"},
        {"SELECT count(*) FROM (SELECT orderpriority, approx_percentile(totalprice, 0.5) p, min(totalprice) lo, "
         "max(totalprice) hi FROM orders GROUP BY orderpriority) WHERE p > lo AND p < hi",
         "5"},
        {"SELECT approx_percentile(x, 1.5) FROM " T("(1)", "x"),
         "ERROR INVALID_FUNCTION_ARGUMENT: Percentile must be between 0 and 1"},
        {"SELECT approx_percentile(x, w, 0.5) FROM " T("(1, 0.5e0)", "x, w"),
         "ERROR INVALID_FUNCTION_ARGUMENT: weight must be >= 1, was 0.5"},
        {"SELECT approx_percentile(x, 1, 0.5, 1.5) FROM " T("(1)", "x"),
         "ERROR INVALID_FUNCTION_ARGUMENT: Percentile accuracy must be strictly between 0 and 1"},
        {"SELECT approx_percentile(x, 5e-1) FROM " T("('a')", "x"),
         "ERROR FUNCTION_NOT_FOUND: Unexpected parameters (varchar(1), double) for function approx_percentile. "
         "Expected: approx_percentile(bigint, double), approx_percentile(double, double)"},
    };
    check_all(cases, sizeof cases / sizeof cases[0]);
}

Test(aggregate_sql, checksum_geometric_mean_bitwise)
{
    static const sql_case cases[] = {
        /* checksum is order-insensitive and survives the partial/final split */
        {"SELECT checksum(x) = (SELECT checksum(x) FROM " T("(3), (2), (1)", "x") ") FROM " T("(1), (2), (3)", "x"),
         "true"},
        {"SELECT checksum(name) = (SELECT checksum(name) FROM (SELECT name FROM nation ORDER BY name DESC)) FROM nation",
         "true"},
        {"SELECT count(DISTINCT c) FROM (SELECT regionkey, checksum(nationkey) c FROM nation GROUP BY regionkey)", "5"},
        {"SELECT checksum(x) FROM " T("(CAST(NULL AS bigint))", "x"), "NULL"},
        {"SELECT geometric_mean(x), bitwise_and_agg(x), bitwise_or_agg(x) FROM " T("(1), (4), (16)", "x"),
         "4.0|0|21"},
        {"SELECT regionkey, bitwise_or_agg(nationkey) FROM nation GROUP BY regionkey ORDER BY 1 LIMIT 1", "0|31"},
    };
    check_all(cases, sizeof cases / sizeof cases[0]);
}

Test(aggregate_sql, listagg)
{
    static const sql_case cases[] = {
        {"SELECT listagg(x, ', ') WITHIN GROUP (ORDER BY x) FROM " T("('b'), ('a'), (NULL), ('c')", "x"), "a, b, c"},
        {"SELECT listagg(x, '-') WITHIN GROUP (ORDER BY y DESC) FROM " T("('b', 2), ('a', 1), ('c', 3)", "x, y"),
         "c-b-a"},
        /* no separator: '' ; NULL keys last by default, NULLS FIRST on request */
        {"SELECT listagg(x) WITHIN GROUP (ORDER BY y) FROM " T("('b', 2), ('n', NULL), ('a', 1)", "x, y"), "abn"},
        {"SELECT listagg(x) WITHIN GROUP (ORDER BY y NULLS FIRST) FROM " T("('b', 2), ('n', NULL), ('a', 1)", "x, y"),
         "nab"},
        {"SELECT listagg(x) WITHIN GROUP (ORDER BY y DESC NULLS LAST, x DESC) FROM "
         T("('b', 2), ('n', NULL), ('a', 2), ('z', 0)", "x, y"),
         "bazn"},
        {"SELECT listagg(x, ',') WITHIN GROUP (ORDER BY x) FROM " T("(CAST(NULL AS varchar))", "x"), "NULL"},
        {"SELECT listagg(x, ',') WITHIN GROUP (ORDER BY x) FROM " T("('a')", "x") " WHERE x = 'q'", "NULL"},
        /* grouped across partial/final steps, ordered by another column */
        {"SELECT regionkey, listagg(name, ',') WITHIN GROUP (ORDER BY nationkey DESC) FROM nation "
         "WHERE regionkey < 2 GROUP BY regionkey ORDER BY 1",
         "0|MOZAMBIQUE,MOROCCO,KENYA,ETHIOPIA,ALGERIA;1|UNITED STATES,PERU,CANADA,BRAZIL,ARGENTINA"},
        {"SELECT length(listagg(comment, '') WITHIN GROUP (ORDER BY orderkey)) = sum(length(comment)) FROM orders "
         "WHERE orderkey < 1000",
         "true"},
        /* a sort key must be orderable; the second key is checked too */
        {"SELECT listagg(x) WITHIN GROUP (ORDER BY x, m) FROM " T("('a', MAP(ARRAY[1], ARRAY[2]))", "x, m"),
         "ERROR TYPE_MISMATCH: ORDER BY can only be applied to orderable types (actual: map(integer"},
        /* overflow: 1 MB of output */
        {"SELECT listagg(comment, ',') WITHIN GROUP (ORDER BY orderkey) FROM lineitem",
         "ERROR EXCEEDED_FUNCTION_MEMORY_LIMIT: Concatenated string has the length in bytes larger than the maximum "
         "output length 1048576"},
        {"SELECT length(v) <= 1048576 + 6, substr(v, length(v) - 1) FROM (SELECT listagg(comment, ',' ON OVERFLOW "
         "TRUNCATE '~' WITHOUT COUNT) WITHIN GROUP (ORDER BY orderkey) v FROM lineitem)",
         "true|,~"},
        {"SELECT regexp_like(listagg(comment, ',' ON OVERFLOW TRUNCATE WITH COUNT) WITHIN GROUP (ORDER BY orderkey), "
         "',\\.\\.\\.\\([0-9]+\\)$') FROM lineitem",
         "true"},
        {"SELECT listagg(x, ',' ON OVERFLOW ERROR) WITHIN GROUP (ORDER BY x) FROM " T("('a'), ('b')", "x"), "a,b"},
        {"SELECT listagg(x, ',') WITHIN GROUP (ORDER BY x) FROM " T("(1)", "x"),
         "ERROR FUNCTION_NOT_FOUND: Unexpected parameters (integer, varchar(1), boolean, varchar(3), boolean) for "
         "function listagg."},
    };
    check_all(cases, sizeof cases / sizeof cases[0]);
}

Test(aggregate_sql, typeof_and_show_functions)
{
    static const sql_case cases[] = {
        {"SELECT typeof('abc'), typeof(1.25), typeof(NULL), typeof(corr(x, x)), typeof(approx_percentile(x, 0.5)) "
         "FROM " T("(REAL '1')", "x"),
         "varchar(3)|decimal(3,2)|unknown|real|real"},
        {"SHOW FUNCTIONS LIKE 'max_by'", "max_by|max_by(V, K) -> V|aggregate|value of x at the row with the maximum y"},
        {"SHOW FUNCTIONS LIKE 'listagg'",
         "listagg|listagg(varchar(v), varchar(s), boolean, varchar(f), boolean) -> varchar|aggregate|"
         "the values joined by the separator in the WITHIN GROUP order (ON OVERFLOW ERROR | TRUNCATE)"},
    };
    check_all(cases, sizeof cases / sizeof cases[0]);
}
