/*
 * test_nested.c — array, map and row values end to end through the engine:
 * constructors, subscripts, field access, the array/map function families,
 * lambdas, nested casts, UNNEST and array_agg/map_agg; values, NULLs, nested
 * NULLs, empty arrays and errors in Trino's words. Each family runs on
 * constants (folded) and on column values from VALUES (vector kernels).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "sql_harness.h"

TestSuite(nested, .init = sql_harness_start_tpch_tiny, .fini = sql_harness_stop, .timeout = 60);

/* The rows of the result, cells separated by " | ", rows by "\n". */
static void result_text(const test_result *r, char *out, size_t size)
{
    size_t n = 0;
    out[0] = '\0';
    for (int i = 0; i < r->row_count && n < size; i++) {
        for (int j = 0; j < r->column_count && n < size; j++)
            n += (size_t)snprintf(out + n, size - n, "%s%s", j ? " | " : "",
                                  r->rows[i][j] ? r->rows[i][j] : "NULL");
        if (i + 1 < r->row_count && n < size)
            n += (size_t)snprintf(out + n, size - n, "\n");
    }
}

static void check(const char *sql, const char *expected)
{
    test_result r = sql_harness_run(sql);
    cr_assert(r.ok, "%s failed: %s (%s)", sql, r.error.message, error_name(r.error.code));
    char text[4096];
    result_text(&r, text, sizeof text);
    cr_expect_str_eq(text, expected, "%s", sql);
    test_result_free(&r);
}

static void check_error(const char *sql, error_code code, const char *message)
{
    test_result r = sql_harness_run(sql);
    cr_assert_not(r.ok, "%s should fail", sql);
    cr_expect_str_eq(error_name(r.error.code), error_name(code), "%s: %s", sql, r.error.message);
    cr_expect(strstr(r.error.message, message), "%s: message '%s' lacks '%s'", sql, r.error.message, message);
    test_result_free(&r);
}

Test(nested, constructors_and_text_forms)
{
    check("SELECT ARRAY[1, 2], ARRAY[], ARRAY[NULL, 3]", "[1, 2] | [] | [NULL, 3]");
    check("SELECT ROW(1, 'a'), CAST(ROW(1, 'x') AS ROW(a integer, b varchar))", "{1, a} | {a=1, b=x}");
    check("SELECT ARRAY[ARRAY[1], NULL, ARRAY[]]", "[[1], NULL, []]");
    check("SELECT map(ARRAY['a', 'b'], ARRAY[1, NULL])", "{a=1, b=NULL}");
    check("SELECT x, ARRAY[x, x * 2] FROM (VALUES 1, 2, NULL) t(x) WHERE x IS NULL OR x > 1",
          "2 | [2, 4]\nNULL | [NULL, NULL]");
    check("SELECT ARRAY[1, 2.5]", "[1.0, 2.5]");
}

Test(nested, subscripts_and_fields)
{
    check("SELECT ARRAY[10, 20, 30][2], ARRAY['a'][1]", "20 | a");
    check("SELECT a[i] FROM (VALUES (ARRAY[1, 2, 3], 3), (ARRAY[4], 1), (NULL, 1), (ARRAY[5], NULL)) t(a, i)",
          "3\n4\nNULL\nNULL");
    check("SELECT map(ARRAY[1, 2], ARRAY['x', 'y'])[2]", "y");
    check("SELECT r.b, r.a FROM (SELECT CAST(ROW(1, 'x') AS ROW(a integer, b varchar)) r) t", "x | 1");
    check("SELECT CAST(ROW(1, 2) AS ROW(a integer, b integer)).b, ROW(7, 8)[2]", "2 | 8");
    check_error("SELECT ARRAY[1, 2][3]", ERR_INVALID_FUNCTION_ARGUMENT,
                "Array subscript must be less than or equal to array length: 3 > 2");
    check_error("SELECT ARRAY[1, 2][0]", ERR_INVALID_FUNCTION_ARGUMENT, "SQL array indices start at 1");
    check_error("SELECT ARRAY[1, 2][-1]", ERR_INVALID_FUNCTION_ARGUMENT, "Array subscript is negative: -1");
    check_error("SELECT map(ARRAY[1], ARRAY[2])[5]", ERR_INVALID_FUNCTION_ARGUMENT, "Key not present in map: 5");
    check_error("SELECT CAST(ROW(1) AS ROW(a integer)).z", ERR_COLUMN_NOT_FOUND, "cannot be resolved");
    check_error("SELECT (1)[1]", ERR_TYPE_MISMATCH, "Cannot use subscript");
}

Test(nested, array_functions)
{
    check("SELECT cardinality(ARRAY[1, 2]), cardinality(ARRAY[]), cardinality(NULL)", "2 | 0 | NULL");
    check("SELECT element_at(ARRAY[1, 2, 3], -1), element_at(ARRAY[1], 5), element_at(ARRAY[NULL], 1)",
          "3 | NULL | NULL");
    check_error("SELECT element_at(ARRAY[1], 0)", ERR_INVALID_FUNCTION_ARGUMENT, "SQL array indices start at 1");
    check("SELECT contains(ARRAY[1, NULL], 2), contains(ARRAY[1, 2], 2), contains(ARRAY[1, NULL], 1), "
          "contains(ARRAY[], 1)", "NULL | true | true | false");
    check("SELECT array_position(ARRAY[5, 6], 6), array_position(ARRAY[5], 7)", "2 | 0");
    check("SELECT array_join(ARRAY['a', NULL, 'b'], ','), array_join(ARRAY[1, NULL], '-', 'x'), "
          "array_join(ARRAY[], ',')", "a,b | 1-x | ");
    check("SELECT array_max(ARRAY[3, 1]), array_min(ARRAY['b', 'a']), array_max(ARRAY[1, NULL]), "
          "array_max(ARRAY[])", "3 | a | NULL | NULL");
    check("SELECT slice(ARRAY[1, 2, 3, 4], 2, 2), slice(ARRAY[1, 2, 3], -2, 5), slice(ARRAY[1], 3, 1)",
          "[2, 3] | [2, 3] | []");
    check("SELECT ARRAY[1] || ARRAY[2, 3], concat(ARRAY['a'], ARRAY[])", "[1, 2, 3] | [a]");
    check("SELECT sequence(1, 5), sequence(5, 1), sequence(0, 10, 5)", "[1, 2, 3, 4, 5] | [5, 4, 3, 2, 1] | [0, 5, 10]");
    check_error("SELECT sequence(1, 5, 0)", ERR_INVALID_FUNCTION_ARGUMENT, "step must not be zero");
    check("SELECT cardinality(a), contains(a, 2) FROM (VALUES ARRAY[1, 2], ARRAY[], NULL) t(a)",
          "2 | true\n0 | false\nNULL | NULL");
}

Test(nested, map_functions)
{
    check("SELECT map_keys(map(ARRAY[1, 2], ARRAY['a', 'b'])), map_values(map(ARRAY[1, 2], ARRAY['a', 'b']))",
          "[1, 2] | [a, b]");
    check("SELECT cardinality(map(ARRAY[1], ARRAY[2])), element_at(map(ARRAY[1], ARRAY[2]), 3), map()",
          "1 | NULL | {}");
    check_error("SELECT map(ARRAY[1, 1], ARRAY[2, 3])", ERR_INVALID_FUNCTION_ARGUMENT,
                "Duplicate map keys (1) are not allowed");
    check_error("SELECT map(ARRAY[1], ARRAY[2, 3])", ERR_INVALID_FUNCTION_ARGUMENT,
                "Key and value arrays must be the same length");
    check_error("SELECT map(ARRAY[NULL], ARRAY[2])", ERR_INVALID_FUNCTION_ARGUMENT, "map key cannot be null");
}

Test(nested, lambdas)
{
    check("SELECT transform(ARRAY[1, 2, NULL], x -> x + 1), transform(ARRAY[], x -> x), transform(NULL, x -> 1)",
          "[2, 3, NULL] | [] | NULL");
    check("SELECT filter(ARRAY[1, 2, 3, NULL], x -> x > 1), filter(ARRAY['a', 'bb'], s -> length(s) = 2)",
          "[2, 3] | [bb]");
    check("SELECT any_match(ARRAY[1, 2], x -> x > 1), any_match(ARRAY[NULL, 1], x -> x > 1), "
          "all_match(ARRAY[1, NULL], x -> x > 0), all_match(ARRAY[1, NULL], x -> x > 1), none_match(ARRAY[], x -> true)",
          "true | NULL | NULL | false | true");
    check("SELECT reduce(ARRAY[1, 2, 3], 0, (s, x) -> s + x, s -> s * 10), "
          "reduce(ARRAY[CAST(5 AS bigint)], 0, (s, x) -> s + x, s -> s), reduce(ARRAY[], 7, (s, x) -> s, s -> s)",
          "60 | 5 | 7");
    /* captured columns, and many rows through the vector kernels */
    check("SELECT y, transform(a, x -> x * y), filter(a, x -> x < y) FROM "
          "(VALUES (ARRAY[1, 2], 2), (ARRAY[3], 100), (NULL, 1)) t(a, y)",
          "2 | [2, 4] | [1]\n100 | [300] | [3]\n1 | NULL | NULL");
    check("SELECT sum(cardinality(filter(sequence(1, n), x -> x % 2 = 0))) = sum(n / 2), count(*) FROM "
          "(SELECT orderkey % 50 AS n FROM tpch.tiny.orders WHERE orderkey % 50 > 0)", "true | 14700");
    check("SELECT transform(ARRAY['a', 'b'], x -> upper(x) || x)", "[Aa, Bb]");
}

Test(nested, casts)
{
    check("SELECT CAST(ARRAY[1, 2] AS array(double)), CAST(ARRAY['1', NULL] AS array(integer))",
          "[1.0, 2.0] | [1, NULL]");
    check("SELECT CAST(map(ARRAY['a'], ARRAY[1]) AS map(varchar, bigint)), CAST(ROW(1, 2.5) AS ROW(x bigint, y double))",
          "{a=1} | {x=1, y=2.5}");
    check("SELECT CAST(ARRAY[1, NULL] AS json), CAST(map(ARRAY['k'], ARRAY[ARRAY[1]]) AS json), "
          "CAST(ROW(1, 'a') AS json)", "[1,null] | {\"k\":[1]} | [1,\"a\"]");
    check("SELECT TRY_CAST(ARRAY['x', '2'] AS array(integer))", "[NULL, 2]");
    /* from json: arrays, maps (keys cast from their text), rows by position or by name */
    check("SELECT CAST(JSON '[1, 2, null]' AS array(bigint)), "
          "CAST(json_parse('{\"a\": [1], \"b\": null}') AS map(varchar, array(integer)))",
          "[1, 2, NULL] | {a=[1], b=NULL}");
    check("SELECT CAST(JSON '{\"x\": 1, \"y\": \"s\"}' AS row(x bigint, y varchar)), "
          "CAST(JSON '[2, \"t\"]' AS row(x bigint, y varchar)), CAST(JSON 'null' AS array(bigint)), "
          "CAST(JSON '{\"1\": true}' AS map(bigint, boolean))", "{x=1, y=s} | {x=2, y=t} | NULL | {1=true}");
    check("SELECT CAST(CAST(ARRAY[1, 2] AS json) AS array(double)), TRY_CAST(JSON '{}' AS array(bigint))",
          "[1.0, 2.0] | NULL");
    check("SELECT cardinality(CAST(j AS array(varchar))) FROM (VALUES JSON '[\"a\"]', JSON '[]', NULL) t(j)",
          "1\n0\nNULL");
    check_error("SELECT CAST(JSON '{\"a\":1}' AS array(bigint))", ERR_INVALID_CAST_ARGUMENT,
                "Cannot cast to ARRAY(BIGINT). Expected a json array, but got {\"a\":1}");
    check_error("SELECT CAST(ARRAY['x'] AS array(integer))", ERR_INVALID_CAST_ARGUMENT, "Cannot cast 'x' to INT");
}

Test(nested, unnest)
{
    check("SELECT * FROM UNNEST(ARRAY[1, 2]) t(x)", "1\n2");
    check("SELECT * FROM UNNEST(ARRAY[1, 2], ARRAY['a', 'b', 'c']) WITH ORDINALITY t(x, y, o)",
          "1 | a | 1\n2 | b | 2\nNULL | c | 3");
    check("SELECT n, x FROM (VALUES (1, ARRAY[10, 20]), (2, ARRAY[]), (3, NULL)) v(n, a) CROSS JOIN UNNEST(a) AS u(x)",
          "1 | 10\n1 | 20");
    check("SELECT n, x FROM (VALUES (1, ARRAY[10, 20]), (2, ARRAY[]), (3, NULL)) v(n, a) "
          "LEFT JOIN UNNEST(a) AS u(x) ON true", "1 | 10\n1 | 20\n2 | NULL\n3 | NULL");
    check("SELECT n, x, o FROM (VALUES (1, ARRAY[NULL, 5])) v(n, a), UNNEST(a) WITH ORDINALITY u(x, o)",
          "1 | NULL | 1\n1 | 5 | 2");
    check("SELECT k, v FROM UNNEST(map(ARRAY['a', 'b'], ARRAY[1, NULL])) t(k, v)", "a | 1\nb | NULL");
    check("SELECT * FROM UNNEST(ARRAY[ROW(1, 'a'), NULL, ROW(2, 'b')]) t(i, s)", "1 | a\nNULL | NULL\n2 | b");
    /* many rows per input row (output pages split inside one array) and many input rows */
    check("SELECT count(*), sum(x), max(o) FROM UNNEST(sequence(1, 5000)) WITH ORDINALITY t(x, o)",
          "5000 | 12502500 | 5000");
    /* k = orderkey % 5 in 1..4 gives k rows summing k(k+1)/2 (30000 and 60000 over tiny's orders);
     * sequence(1, 0) is [1, 0] */
    check("SELECT count(*), sum(x) FROM tpch.tiny.orders, UNNEST(sequence(1, orderkey % 5)) t(x) "
          "WHERE orderkey % 5 > 0", "30000 | 60000");
    check("SELECT count(*), sum(x) FROM tpch.tiny.orders CROSS JOIN UNNEST(sequence(1, orderkey % 5)) t(x) "
          "WHERE orderkey % 5 = 0", "6000 | 3000");
    check("SELECT x FROM UNNEST(ARRAY[3, 1, 2]) t(x) ORDER BY x", "1\n2\n3");
    check_error("SELECT * FROM UNNEST(5) t(x)", ERR_TYPE_MISMATCH, "Cannot unnest type: integer");
    check_error("SELECT * FROM UNNEST(ARRAY[1]) t(x, y)", ERR_MISMATCHED_COLUMN_ALIASES, "has 1 columns available");
    check_error("SELECT * FROM (VALUES ARRAY[1]) v(a) LEFT JOIN UNNEST(a) u(x) ON x > 1", ERR_NOT_SUPPORTED,
                "ON true");
}

Test(nested, array_agg_and_map_agg)
{
    check("SELECT array_agg(x) FROM (VALUES 1, NULL, 3) t(x)", "[1, NULL, 3]");
    check("SELECT array_agg(x), map_agg(x, 1) FROM (VALUES 1) t(x) WHERE x > 5", "NULL | NULL");
    check("SELECT k, array_agg(v), map_agg(v, k) FROM (VALUES (1, 'a'), (2, 'b'), (1, 'c')) t(k, v) "
          "GROUP BY k ORDER BY k", "1 | [a, c] | {a=1, c=1}\n2 | [b] | {b=2}");
    check("SELECT map_agg(k, v) FROM (VALUES (1, 'x'), (NULL, 'y'), (1, 'z')) t(k, v)", "{1=x}");
    check("SELECT array_agg(ARRAY[x]) FROM (VALUES 1, 2) t(x)", "[[1], [2]]");
    /* many groups, partial and final steps, long strings */
    check("SELECT count(*), sum(cardinality(a)), sum(cardinality(m)), bool_and(cardinality(m) = n), "
          "bool_and(contains(a, c)) FROM (SELECT custkey, array_agg(comment) a, map_agg(orderkey, totalprice) m, "
          "count(*) n, max(comment) c FROM tpch.tiny.orders GROUP BY custkey)", "1000 | 15000 | 15000 | true | true");
    /* ORDER BY inside the call: keys travel with partial states; NULLs last unless asked */
    check("SELECT array_agg(x ORDER BY x DESC), array_agg(x ORDER BY x NULLS FIRST) FROM (VALUES 1, 3, NULL, 2) t(x)",
          "[3, 2, 1, NULL] | [NULL, 1, 2, 3]");
    check("SELECT k, array_agg(v ORDER BY w DESC, v) FROM (VALUES (1, 'a', 1), (1, 'b', 2), (2, 'c', 0), (1, 'd', 2)) "
          "t(k, v, w) GROUP BY k ORDER BY k", "1 | [b, d, a]\n2 | [c]");
    check("SELECT bool_and(element_at(a, 1) = m) FROM (SELECT orderstatus, array_agg(orderkey ORDER BY totalprice DESC) a, "
          "max_by(orderkey, totalprice) m FROM tpch.tiny.orders GROUP BY orderstatus)", "true");
    check_error("SELECT max(x ORDER BY x) FROM (VALUES 1) t(x)", ERR_NOT_SUPPORTED, "ORDER BY inside an aggregate call");
}

Test(nested, sorted_nested_columns)
{
    check("SELECT a FROM (VALUES ARRAY[1], ARRAY[2, 3], NULL) t(a) ORDER BY cardinality(a) DESC NULLS LAST",
          "[2, 3]\n[1]\nNULL");
    check("SELECT k, r FROM (VALUES (2, ROW('b', ARRAY[2])), (1, ROW('a', NULL))) t(k, r) ORDER BY k",
          "1 | {a, NULL}\n2 | {b, [2]}");
}
