/*
 * test_sql_parser.c — table-driven tests of the SQL parser: statements that
 * must parse (and survive format -> parse -> ast_equal), statements that must
 * fail with Trino's message and position, AST shape checks for precedence and
 * identifiers, lexer corner cases, and bounded nesting.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sql/formatter.h"
#include "sql/lexer.h"
#include "sql/parser.h"

/* ---- helpers ---------------------------------------------------------------- */

static const ast_node *parse_ok(sql_arena *arena, const char *sql) {
  const ast_node *node = NULL;
  sql_error error;
  if (sql_parse_statement(arena, sql, strlen(sql), &node, &error) != 0) {
    char buf[SQL_ERROR_MESSAGE_MAX + 64];
    sql_error_format(&error, buf, sizeof buf);
    cr_assert_fail("expected to parse: %s\n  got: %s", sql, buf);
  }
  cr_assert_not_null(node);
  return node;
}

static void check_round_trip(const char *sql) {
  sql_arena *a = sql_arena_create(), *b = sql_arena_create();
  const ast_node *first = parse_ok(a, sql);
  size_t len;
  char *text = sql_format(first, &len);
  cr_assert_not_null(text);
  const ast_node *second = NULL;
  sql_error error;
  int rc = sql_parse_statement(b, text, len, &second, &error);
  char buf[SQL_ERROR_MESSAGE_MAX + 64];
  sql_error_format(&error, buf, sizeof buf);
  cr_assert_eq(rc, 0, "formatted text does not parse: %s\n  from: %s\n  error: %s", text, sql, buf);
  cr_assert(ast_equal(first, second), "round trip changed the tree:\n  in:  %s\n  out: %s", sql, text);
  char *again = sql_format(second, NULL);
  cr_assert_str_eq(again, text, "formatting is not idempotent");
  free(again);
  free(text);
  sql_arena_destroy(a);
  sql_arena_destroy(b);
}

static void check_error(const char *sql, const char *expected) {
  sql_arena *arena = sql_arena_create();
  const ast_node *node = NULL;
  sql_error error;
  int rc = sql_parse_statement(arena, sql, strlen(sql), &node, &error);
  cr_assert_neq(rc, 0, "expected a syntax error for: %s", sql);
  cr_assert_null(node);
  cr_assert_str_eq(error.name, "SYNTAX_ERROR");
  cr_assert_eq(error.trino_code, 1);
  char buf[SQL_ERROR_MESSAGE_MAX + 64];
  sql_error_format(&error, buf, sizeof buf);
  cr_expect_str_eq(buf, expected, "for: %s\n  got:  %s\n  want: %s", sql, buf, expected);
  sql_arena_destroy(arena);
}

/* ---- valid statements ------------------------------------------------------------- */

static const char *const valid_statements[] = {
  /* queries */
  "SELECT 1",
  "select a, b from t",
  "SELECT DISTINCT a FROM t",
  "SELECT ALL a FROM t",
  "SELECT * FROM t",
  "SELECT t.*, s.x.* AS (p, q) FROM t, s",
  "SELECT a AS x, b y, c \"Z\" FROM t AS u (a, b, c)",
  "WITH x AS (SELECT 1 a), y (b) AS (SELECT 2) SELECT * FROM x, y",
  "WITH RECURSIVE t (n) AS (VALUES (1) UNION ALL SELECT n + 1 FROM t WHERE n < 10) SELECT sum(n) FROM t",
  "SELECT * FROM a JOIN b ON a.x = b.x",
  "SELECT * FROM a INNER JOIN b USING (x, y)",
  "SELECT * FROM a LEFT JOIN b ON true RIGHT OUTER JOIN c ON false FULL OUTER JOIN d ON a.x = d.x",
  "SELECT * FROM a CROSS JOIN b NATURAL JOIN c NATURAL LEFT JOIN d",
  "SELECT * FROM a JOIN b JOIN c ON b.x = c.x ON a.y = b.y",
  "SELECT * FROM (a JOIN b ON a.x = b.x) j",
  "SELECT * FROM a, LATERAL (SELECT * FROM b WHERE b.x = a.x) l",
  "SELECT * FROM t CROSS JOIN UNNEST(t.arr) AS u (v)",
  "SELECT * FROM t CROSS JOIN UNNEST(a, b) WITH ORDINALITY AS u (x, y, n)",
  "SELECT * FROM UNNEST(ARRAY[1, 2]) t (x)",
  "SELECT * FROM (SELECT 1) AS s",
  "SELECT * FROM ((SELECT 1) UNION (SELECT 2)) s",
  "SELECT * FROM t TABLESAMPLE BERNOULLI (10)",
  "SELECT * FROM t AS x TABLESAMPLE SYSTEM (2.5)",
  "SELECT * FROM (a x) y, (t TABLESAMPLE BERNOULLI (1)) TABLESAMPLE SYSTEM (2), (b TABLESAMPLE SYSTEM (3)) z",
  "VALUES 1, 2, 3",
  "VALUES (1, 'a'), (2, 'b')",
  "SELECT * FROM (VALUES (1, 2)) AS v (a, b)",
  "TABLE nation",
  "SELECT 1 UNION SELECT 2",
  "SELECT 1 UNION ALL SELECT 2 UNION DISTINCT SELECT 3",
  "SELECT 1 INTERSECT SELECT 2 EXCEPT SELECT 3",
  "SELECT 1 EXCEPT ALL SELECT 2 INTERSECT ALL SELECT 3",
  "(SELECT 1 UNION SELECT 2) INTERSECT (SELECT 2)",
  "SELECT a FROM t ORDER BY a ASC NULLS FIRST, b DESC NULLS LAST",
  "SELECT a FROM t ORDER BY 1 OFFSET 10 ROWS LIMIT 5",
  "SELECT a FROM t LIMIT ALL",
  "SELECT a FROM t OFFSET 1 ROW FETCH NEXT ROW ONLY",
  "SELECT a FROM t ORDER BY a FETCH FIRST 3 ROWS WITH TIES",
  "SELECT a FROM t LIMIT ?",
  "SELECT a, count(*) FROM t GROUP BY a HAVING count(*) > 1",
  "SELECT a FROM t GROUP BY ALL a",
  "SELECT a FROM t GROUP BY DISTINCT ROLLUP (a, b), CUBE (c, (d, e))",
  "SELECT a FROM t GROUP BY GROUPING SETS ((a, b), (a), ())",
  "SELECT a, GROUPING(a, b) FROM t GROUP BY ROLLUP (a, b)",
  "SELECT a FROM t GROUP BY (a + b) * c, (a)",
  "SELECT rank() OVER w FROM t WINDOW w AS (PARTITION BY a ORDER BY b)",
  "SELECT sum(x) OVER (w ROWS BETWEEN 1 PRECEDING AND 2 FOLLOWING) FROM t WINDOW w AS (ORDER BY y)",
  "SELECT sum(x) OVER (ORDER BY y RANGE UNBOUNDED PRECEDING) FROM t",
  "SELECT sum(x) OVER (ORDER BY y GROUPS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) FROM t",
  "SELECT lag(x, 1) IGNORE NULLS OVER (ORDER BY y), first_value(x) RESPECT NULLS OVER () FROM t",
  "SELECT count(*) FILTER (WHERE x > 0), count(DISTINCT y), array_agg(x ORDER BY y DESC) FROM t",
  "SELECT listagg(x, ',') WITHIN GROUP (ORDER BY y DESC), listagg(x) WITHIN GROUP (ORDER BY x) FROM t",
  "SELECT listagg(x, '; ' ON OVERFLOW TRUNCATE '..' WITH COUNT) WITHIN GROUP (ORDER BY y) FILTER (WHERE y > 0) FROM t",
  "SELECT listagg(DISTINCT x, ',' ON OVERFLOW ERROR) WITHIN GROUP (ORDER BY x) FROM t",
  "SELECT listagg(x, ',') WITHIN GROUP (ORDER BY x) OVER (PARTITION BY y) FROM t",
  "SELECT listagg(x, ',') WITHIN GROUP (ORDER BY y DESC), listaggg(x) AS within FROM t",
  "SELECT listagg(xDESC), listagg() xHINt, listagg(*), listagg(a, b, c) FROM t",
  "SELECT max(x) FILTER (WHERE y) OVER (PARTITION BY z) FROM t",
  /* expressions */
  "SELECT a OR b AND c OR NOT d",
  "SELECT (a OR b) AND c",
  "SELECT NOT a = b, NOT NOT c",
  "SELECT a = b, a <> b, a != b, a < b, a <= b, a > b, a >= b",
  "SELECT a IS NULL, a IS NOT NULL, a IS DISTINCT FROM b, a IS NOT DISTINCT FROM b",
  "SELECT a BETWEEN 1 AND 2, a NOT BETWEEN b - 1 AND b + 1",
  "SELECT a IN (1, 2, 3), a NOT IN (SELECT b FROM t), (a, b) IN (VALUES (1, 2))",
  "SELECT a LIKE 'x%', a NOT LIKE 'y' ESCAPE '!'",
  "SELECT a = ANY (SELECT b FROM t), a > ALL (SELECT b FROM t), a < SOME (SELECT 1)",
  "SELECT EXISTS (SELECT 1), NOT EXISTS (SELECT * FROM t)",
  "SELECT 1 + 2 * 3 - 4 / 5 % 6, (1 + 2) * 3, 1 - (2 - 3), a || b || c",
  "SELECT -a, +a, - -a, -(-1), -1, 1 - -1, -2147483648, -9223372036854775808",
  "SELECT CASE WHEN a THEN 1 WHEN b THEN 2 ELSE 3 END, CASE x WHEN 1 THEN 'a' END",
  "SELECT CAST(a AS varchar(25)), CAST(b AS decimal(12, 2)), TRY_CAST(c AS bigint)",
  "SELECT CAST(a AS array(integer)), CAST(b AS map(varchar, bigint)), CAST(c AS ROW(x integer, y varchar))",
  "SELECT CAST(a AS timestamp(3) with time zone), CAST(b AS time), CAST(c AS timestamp without time zone)",
  "SELECT CAST(a AS interval day to second), CAST(b AS interval year to month), CAST(c AS double precision)",
  "SELECT CAST(a AS ARRAY<bigint>), CAST(b AS MAP<varchar, ARRAY<int>>), CAST(c AS bigint ARRAY)",
  "SELECT CAST(r AS ROW(double precision, interval day to second, ROW(a int)))",
  "SELECT DATE '2020-01-01', TIME '01:02:03', TIMESTAMP '2020-01-01 00:00:00 UTC', DECIMAL '1.5'",
  "SELECT INTERVAL '3' DAY, INTERVAL -'1' YEAR, INTERVAL + '1-2' YEAR TO MONTH, INTERVAL '1 02:03:04' DAY TO SECOND",
  "SELECT 1, 1.5, .5, 1., 1e3, 1.5E-2, 0x1F, 0b101, 0o17, 1_000_000",
  "SELECT 'a', 'it''s', '', U&'\\0041', U&'#0041' UESCAPE '#', U&'\\+01F600', X'0aFF', X''",
  "SELECT ARRAY[1, 2, 3], ARRAY[], ROW(1, 'a'), (1, 2), a[1], m['k'], r.f, r.f.g, a[1][2], f(x).y",
  "SELECT transform(arr, x -> x + 1), zip_with(a, b, (x, y) -> x * y), reduce(a, 0, (s, x) -> s + x, s -> s)",
  "SELECT ts AT TIME ZONE 'America/Los_Angeles', ts AT TIME ZONE INTERVAL '1' HOUR",
  "SELECT EXTRACT(YEAR FROM d), extract(day_of_week FROM d)",
  "SELECT CURRENT_DATE, CURRENT_TIME, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP(3), LOCALTIME, LOCALTIMESTAMP(6), CURRENT_USER",
  "SELECT CURRENT_CATALOG, CURRENT_SCHEMA, CURRENT_PATH",
  "SELECT position('a' IN s), substring(s FROM 2), substring(s FROM 2 FOR 3), substring(s, 1, 2)",
  "SELECT trim(s), trim(BOTH FROM s), trim(LEADING 'x' FROM s), trim(TRAILING FROM s), trim('x' FROM s), trim(s, 'x')",
  "SELECT normalize(s), normalize(s, NFKC)",
  "SELECT ?, ? + ?",
  "SELECT a.b.c, \"A\".\"b\"\"c\", catalog.schema.tbl.col FROM catalog.schema.tbl",
  "SELECT if(a, b, c), coalesce(a, b), nullif(a, b), map(ARRAY[1], ARRAY[2]), row_number() OVER ()",
  "SELECT count(*), approx_percentile(x, 0.5), system.builtin.abs(-1)",
  "SELECT (SELECT max(a) FROM t) + 1, ((SELECT 1)), (x)",
  "SELECT a FROM t WHERE a IN ((SELECT 1), 2)",
  "SELECT x -- trailing comment\nFROM /* a /* nested */ comment */ t",
  "SELECT year, month, day, hour, minute, second, date, time, timestamp, interval, row, array, map, filter, over, window, limit FROM t",
  "SELECT current, data, first, last, position, rows, range, groups, count, replace, zone FROM t",
  "SELECT 1 AS limit, 2 AS offset, 3 window",
  "SELECT * FROM t limit 1",
  "SELECT * FROM t offset",
  /* statements */
  "EXPLAIN SELECT 1",
  "EXPLAIN ANALYZE SELECT 1",
  "EXPLAIN ANALYZE VERBOSE SELECT 1",
  "EXPLAIN (TYPE LOGICAL) SELECT 1",
  "EXPLAIN (TYPE DISTRIBUTED, FORMAT TEXT) SELECT 1",
  "EXPLAIN (FORMAT JSON, TYPE IO) SELECT 1",
  "EXPLAIN (TYPE VALIDATE) SELECT 1",
  "EXPLAIN (FORMAT GRAPHVIZ) SELECT 1",
  "EXPLAIN (SELECT 1)",
  "SHOW CATALOGS",
  "SHOW CATALOGS LIKE 't%'",
  "SHOW SCHEMAS",
  "SHOW SCHEMAS FROM tpch LIKE 's%' ESCAPE '\\'",
  "SHOW SCHEMAS IN tpch",
  "SHOW TABLES",
  "SHOW TABLES FROM tpch.tiny LIKE 'n%'",
  "SHOW COLUMNS FROM nation",
  "SHOW COLUMNS IN tpch.tiny.nation LIKE 'n%'",
  "SHOW FUNCTIONS",
  "SHOW FUNCTIONS LIKE 'array%'",
  "SHOW SESSION",
  "SHOW SESSION LIKE 'join%'",
  "SHOW CREATE TABLE t",
  "SHOW CREATE VIEW v",
  "SHOW CREATE SCHEMA s",
  "SHOW STATS FOR nation",
  "SHOW STATS FOR (SELECT * FROM nation WHERE n_regionkey = 1)",
  "DESCRIBE nation",
  "DESC tpch.tiny.nation",
  "DESCRIBE INPUT q",
  "DESCRIBE OUTPUT q",
  "DESCRIBE input",
  "USE tiny",
  "USE tpch.tiny",
  "SET SESSION join_distribution_type = 'BROADCAST'",
  "SET SESSION tpch.splits_per_node = 4",
  "RESET SESSION query_max_memory",
  "RESET SESSION tpch.splits_per_node",
  "PREPARE q FROM SELECT * FROM t WHERE a = ?",
  "PREPARE q2 FROM INSERT INTO t VALUES (?, ?)",
  "EXECUTE q",
  "EXECUTE q USING 1, 'a', DATE '2020-01-01'",
  "DEALLOCATE PREPARE q",
  "CREATE SCHEMA s",
  "CREATE SCHEMA IF NOT EXISTS c.s WITH (location = '/tmp')",
  "DROP SCHEMA s",
  "DROP SCHEMA IF EXISTS c.s CASCADE",
  "DROP SCHEMA s RESTRICT",
  "ALTER SCHEMA s RENAME TO s2",
  "CREATE TABLE t (a bigint, b varchar(10))",
  "CREATE TABLE IF NOT EXISTS c.s.t (a bigint NOT NULL COMMENT 'key' WITH (x = 1), b double) COMMENT 'tbl' WITH (format = 'ORC', partitioned_by = ARRAY['b'])",
  "CREATE OR REPLACE TABLE t (a int, LIKE other INCLUDING PROPERTIES, LIKE o2 EXCLUDING PROPERTIES, LIKE o3)",
  "CREATE TABLE t AS SELECT * FROM nation",
  "CREATE TABLE t (x, y) COMMENT 'c' WITH (p = DEFAULT) AS SELECT 1, 2 WITH DATA",
  "CREATE TABLE IF NOT EXISTS t AS (WITH x AS (SELECT 1) SELECT * FROM x) WITH NO DATA",
  "CREATE OR REPLACE TABLE t AS WITH x AS (SELECT 1) SELECT * FROM x",
  "INSERT INTO t SELECT * FROM s",
  "INSERT INTO t (a, b) VALUES (1, 2), (3, 4)",
  "INSERT INTO c.s.t (SELECT 1)",
  "INSERT INTO t WITH x AS (SELECT 1) SELECT * FROM x",
  "DELETE FROM t",
  "DELETE FROM t WHERE a = 1 AND b IN (SELECT c FROM u)",
  "UPDATE t SET a = 1",
  "UPDATE t SET a = a + 1, b = DEFAULT_VALUE(b) WHERE c IS NULL",
  "DROP TABLE t",
  "DROP TABLE IF EXISTS c.s.t",
  "ALTER TABLE t RENAME TO u",
  "ALTER TABLE IF EXISTS t RENAME TO s.u",
  "ALTER TABLE t ADD COLUMN c bigint",
  "ALTER TABLE t ADD COLUMN IF NOT EXISTS c varchar NOT NULL COMMENT 'x'",
  "ALTER TABLE t DROP COLUMN c",
  "ALTER TABLE IF EXISTS t DROP COLUMN IF EXISTS c",
  "ALTER TABLE t RENAME COLUMN a TO b",
  "ALTER TABLE t RENAME COLUMN IF EXISTS a TO b",
  "ALTER VIEW v RENAME TO w",
  "TRUNCATE TABLE t",
  "COMMENT ON TABLE t IS 'hello'",
  "COMMENT ON COLUMN t.c IS NULL",
  "CREATE VIEW v AS SELECT 1",
  "CREATE OR REPLACE VIEW c.s.v COMMENT 'x' SECURITY INVOKER AS SELECT * FROM t",
  "CREATE VIEW v SECURITY DEFINER AS WITH x AS (SELECT 1) SELECT * FROM x",
  "DROP VIEW v",
  "DROP VIEW IF EXISTS c.s.v",
  "CREATE CATALOG mem USING memory",
  "CREATE CATALOG IF NOT EXISTS pg USING postgresql WITH (\"connection-url\" = 'jdbc:postgresql://h/db', \"connection-user\" = 'u')",
  "DROP CATALOG mem",
  "DROP CATALOG IF EXISTS mem CASCADE",
  "ANALYZE t",
  "ANALYZE c.s.t WITH (partitions = ARRAY[ARRAY['1992']])",
  "CALL system.runtime.kill_query(query_id => '20151207_215727_00146_tx3nr', message => 'bye')",
  "CALL p()",
  "CALL c.s.p(1, 'a', x => 2)",
  "START TRANSACTION",
  "START TRANSACTION ISOLATION LEVEL READ UNCOMMITTED",
  "START TRANSACTION ISOLATION LEVEL SERIALIZABLE, READ WRITE",
  "START TRANSACTION READ ONLY, ISOLATION LEVEL REPEATABLE READ",
  "START TRANSACTION ISOLATION LEVEL READ COMMITTED",
  "COMMIT",
  "COMMIT WORK",
  "ROLLBACK",
  "ROLLBACK WORK",
};

Test(sql_parser, valid_statements_round_trip) {
  size_t n = sizeof valid_statements / sizeof valid_statements[0];
  for (size_t i = 0; i < n; i++) check_round_trip(valid_statements[i]);
  cr_log_info("%zu valid statements round-tripped", n);
}

/* ---- invalid statements ------------------------------------------------------------- */

typedef struct error_case {
  const char *sql;
  const char *expected;
} error_case;

static const error_case error_cases[] = {
  {"SELECT * FORM t",
   "line 1:10: mismatched input 'FORM'. Expecting: ',', 'EXCEPT', 'FETCH', 'FROM', 'GROUP', 'HAVING', "
   "'INTERSECT', 'LIMIT', 'OFFSET', 'ORDER', 'UNION', 'WHERE', 'WINDOW', <EOF>"},
  {"SELECT * FROM t WHERE", "line 1:22: mismatched input '<EOF>'. Expecting: <expression>"},
  {"SELECT 1 +", "line 1:11: mismatched input '<EOF>'. Expecting: <expression>"},
  {"SELECT FROM t", "line 1:8: mismatched input 'FROM'. Expecting: '*', 'ALL', 'DISTINCT', <expression>"},
  {"", "line 1:1: mismatched input '<EOF>'. Expecting: 'ALTER', 'ANALYZE', 'CALL', 'COMMENT', 'COMMIT', "
       "'CREATE', 'DEALLOCATE', 'DELETE', 'DESC', 'DESCRIBE', 'DROP', 'EXECUTE', 'EXPLAIN', 'INSERT', "
       "'PREPARE', 'RESET', 'ROLLBACK', 'SET', 'SHOW', 'START', 'TRUNCATE', 'UPDATE', 'USE', 'WITH', <query>"},
  {"SELEC 1", "line 1:1: mismatched input 'SELEC'. Expecting: 'ALTER', 'ANALYZE', 'CALL', 'COMMENT', 'COMMIT', "
              "'CREATE', 'DEALLOCATE', 'DELETE', 'DESC', 'DESCRIBE', 'DROP', 'EXECUTE', 'EXPLAIN', 'INSERT', "
              "'PREPARE', 'RESET', 'ROLLBACK', 'SET', 'SHOW', 'START', 'TRUNCATE', 'UPDATE', 'USE', 'WITH', <query>"},
  {"SELECT a FROM t WHERE a = 1 1",
   "line 1:29: mismatched input '1'. Expecting: '%', '*', '+', '-', '.', '/', 'AND', 'AT', 'EXCEPT', "
   "'FETCH', 'GROUP', 'HAVING', 'INTERSECT', 'LIMIT', 'OFFSET', 'OR', 'ORDER', 'UNION', 'WINDOW', '[', '||', <EOF>"},
  {"SELECT a = b = c FROM t",
   "line 1:14: mismatched input '='. Expecting: '%', '*', '+', ',', '-', '.', '/', 'AND', 'AS', 'AT', 'EXCEPT', "
   "'FETCH', 'FROM', 'GROUP', 'HAVING', 'INTERSECT', 'LIMIT', 'OFFSET', 'OR', 'ORDER', 'UNION', 'WHERE', "
   "'WINDOW', '[', '||', <EOF>, <identifier>"},
  {"SELECT * FROM", "line 1:14: mismatched input '<EOF>'. Expecting: '(', 'LATERAL', 'UNNEST', <identifier>"},
  {"SELECT a FROM t GROUP a", "line 1:23: mismatched input 'a'. Expecting: 'BY'"},
  {"SELECT CAST(a AS) FROM t", "line 1:17: mismatched input ')'. Expecting: <type>"},
  {"SELECT a NOT FROM t", "line 1:14: mismatched input 'FROM'. Expecting: 'BETWEEN', 'IN', 'LIKE'"},
  {"SELECT `a` FROM t",
   "line 1:8: backquoted identifiers are not supported; use double quotes to quote identifiers"},
  {"SELECT 1abc FROM t",
   "line 1:8: identifiers must not start with a digit; surround the identifier with double quotes"},
  {"SELECT \"\" FROM t", "line 1:8: Zero-length delimited identifier not allowed"},
  {"SELECT 9223372036854775808", "line 1:8: Invalid numeric literal: 9223372036854775808"},
  {"SELECT -9223372036854775809", "line 1:8: Invalid numeric literal: -9223372036854775809"},
  {"SELECT X'abc'", "line 1:8: Binary literal must contain an even number of digits"},
  {"SELECT X'zz'", "line 1:8: Binary literal can only contain hexadecimal digits"},
  {"SELECT U&'\\00G1'", "line 1:8: Invalid hexadecimal digit: G"},
  {"SELECT 'abc", "line 1:8: mismatched input '''. Expecting: '*', 'ALL', 'DISTINCT', <expression>"},
  {"SELECT 1;", "line 1:9: mismatched input ';'. Expecting: '%', '*', '+', ',', '-', '.', '/', '<', '<=', '<>', "
                "'=', '>', '>=', 'AND', 'AS', 'AT', 'BETWEEN', 'EXCEPT', 'FETCH', 'FROM', 'GROUP', 'HAVING', "
                "'IN', 'INTERSECT', 'IS', 'LIKE', 'LIMIT', 'NOT', 'OFFSET', 'OR', 'ORDER', 'UNION', 'WHERE', "
                "'WINDOW', '[', '||', <EOF>, <identifier>"},
  {"SELECT a,\n  b\nFROM t\nWHERE (a", "line 4:9: mismatched input '<EOF>'. Expecting: '%', ')', '*', '+', ',', "
   "'-', '.', '/', '<', '<=', '<>', '=', '>', '>=', 'AND', 'AT', 'BETWEEN', 'IN', 'IS', 'LIKE', 'NOT', 'OR', '[', '||'"},
  {"SELECT ñ", "line 1:8: mismatched input 'ñ'. Expecting: '*', 'ALL', 'DISTINCT', <expression>"},
  {"SELECT 1 FROM t ORDER a", "line 1:23: mismatched input 'a'. Expecting: 'BY'"},
  {"CREATE TABLE t (a)", "line 1:18: mismatched input ')'. Expecting: <type>"},
  {"CREATE TABLE", "line 1:13: mismatched input '<EOF>'. Expecting: 'IF', <identifier>"},
  {"DROP t", "line 1:6: mismatched input 't'. Expecting: 'CATALOG', 'SCHEMA', 'TABLE', 'VIEW'"},
  {"INSERT t VALUES 1", "line 1:8: mismatched input 't'. Expecting: 'INTO'"},
  {"SHOW", "line 1:5: mismatched input '<EOF>'. Expecting: 'CATALOGS', 'COLUMNS', 'CREATE', 'FUNCTIONS', "
           "'SCHEMAS', 'SESSION', 'STATS', 'TABLES'"},
  {"EXPLAIN (TYPE FOO) SELECT 1", "line 1:15: mismatched input 'FOO'. Expecting: 'DISTRIBUTED', 'IO', 'LOGICAL', 'VALIDATE'"},
  {"START TRANSACTION ISOLATION LEVEL READ", "line 1:39: mismatched input '<EOF>'. Expecting: 'COMMITTED', 'UNCOMMITTED'"},
  {"SELECT * FROM a JOIN b", "line 1:23: mismatched input '<EOF>'. Expecting: 'AS', 'CROSS', 'FULL', 'INNER', "
   "'JOIN', 'LEFT', 'NATURAL', 'ON', 'RIGHT', 'TABLESAMPLE', 'USING', <identifier>"},
  {"SELECT CASE WHEN a THEN 1", "line 1:26: mismatched input '<EOF>'. Expecting: '%', '*', '+', '-', '.', '/', "
   "'<', '<=', '<>', '=', '>', '>=', 'AND', 'AT', 'BETWEEN', 'ELSE', 'END', 'IN', 'IS', 'LIKE', 'NOT', 'OR', "
   "'WHEN', '[', '||'"},
  {"SELECT 1 UNION", "line 1:15: mismatched input '<EOF>'. Expecting: '(', 'ALL', 'DISTINCT', 'SELECT', 'TABLE', 'VALUES'"},
};

Test(sql_parser, invalid_statements_have_trino_errors) {
  for (size_t i = 0; i < sizeof error_cases / sizeof error_cases[0]; i++)
    check_error(error_cases[i].sql, error_cases[i].expected);
}

/* ---- tree shapes ------------------------------------------------------------------ */

static const ast_node *select_item(sql_arena *arena, const char *sql, uint32_t index) {
  const ast_node *q = parse_ok(arena, sql);
  cr_assert_eq(q->kind, AST_QUERY);
  const ast_node *spec = q->u.query.body;
  cr_assert_eq(spec->kind, AST_QUERY_SPECIFICATION);
  cr_assert_lt(index, spec->u.query_spec.select.count);
  return spec->u.query_spec.select.items[index]->u.binary.left;
}

Test(sql_parser, expression_precedence) {
  sql_arena *arena = sql_arena_create();
  const ast_node *e = select_item(arena, "SELECT a OR b AND NOT c = d", 0);
  cr_assert_eq(e->kind, AST_LOGICAL);
  cr_assert_eq(e->u.logical.op, AST_LOGICAL_OR);
  const ast_node *and = e->u.logical.terms.items[1];
  cr_assert_eq(and->kind, AST_LOGICAL);
  cr_assert_eq(and->u.logical.op, AST_LOGICAL_AND);
  const ast_node *not = and->u.logical.terms.items[1];
  cr_assert_eq(not->kind, AST_NOT);
  cr_assert_eq(not->u.unary.operand->kind, AST_COMPARISON);

  e = select_item(arena, "SELECT a || b + c * -d", 0);
  cr_assert_eq(e->kind, AST_ARITHMETIC_BINARY);
  cr_assert_eq(e->u.binary.op, AST_OP_CONCAT);
  const ast_node *add = e->u.binary.right;
  cr_assert_eq(add->u.binary.op, AST_OP_ADD);
  const ast_node *mul = add->u.binary.right;
  cr_assert_eq(mul->u.binary.op, AST_OP_MULTIPLY);
  cr_assert_eq(mul->u.binary.right->kind, AST_ARITHMETIC_UNARY);

  e = select_item(arena, "SELECT 1 - 2 - 3", 0); /* left associative */
  cr_assert_eq(e->u.binary.left->kind, AST_ARITHMETIC_BINARY);
  cr_assert_eq(e->u.binary.right->kind, AST_LONG_LITERAL);

  e = select_item(arena, "SELECT -x AT TIME ZONE 'UTC'", 0); /* unary < AT TIME ZONE */
  cr_assert_eq(e->kind, AST_ARITHMETIC_UNARY);
  cr_assert_eq(e->u.unary.operand->kind, AST_AT_TIME_ZONE);

  e = select_item(arena, "SELECT a.b[1].c", 0);
  cr_assert_eq(e->kind, AST_DEREFERENCE);
  cr_assert_eq(e->u.binary.left->kind, AST_SUBSCRIPT);
  cr_assert_eq(e->u.binary.left->u.binary.left->kind, AST_DEREFERENCE);

  e = select_item(arena, "SELECT -9223372036854775808", 0);
  cr_assert_eq(e->kind, AST_LONG_LITERAL);
  cr_assert_eq(e->u.literal.int_value, INT64_MIN);

  e = select_item(arena, "SELECT a NOT BETWEEN 1 AND 2 AND b", 0);
  cr_assert_eq(e->kind, AST_LOGICAL);
  cr_assert_eq(e->u.logical.terms.items[0]->kind, AST_BETWEEN);
  cr_assert(e->u.logical.terms.items[0]->u.predicate.negated);
  sql_arena_destroy(arena);
}

Test(sql_parser, set_operation_precedence) {
  sql_arena *arena = sql_arena_create();
  const ast_node *q = parse_ok(arena, "SELECT 1 UNION SELECT 2 INTERSECT SELECT 3 EXCEPT SELECT 4");
  const ast_node *except = q->u.query.body;
  cr_assert_eq(except->kind, AST_SET_OPERATION);
  cr_assert_eq(except->u.set_operation.op, AST_SET_EXCEPT);
  const ast_node *uni = except->u.set_operation.left;
  cr_assert_eq(uni->u.set_operation.op, AST_SET_UNION);
  cr_assert_eq(uni->u.set_operation.right->u.set_operation.op, AST_SET_INTERSECT);
  cr_assert_not(uni->u.set_operation.all);
  q = parse_ok(arena, "SELECT 1 UNION ALL SELECT 2 ORDER BY 1 LIMIT 3");
  cr_assert(q->u.query.body->u.set_operation.all);
  cr_assert_eq(q->u.query.order_by.count, 1);
  cr_assert_eq(q->u.query.limit->kind, AST_LIMIT);
  sql_arena_destroy(arena);
}

Test(sql_parser, identifiers_and_positions) {
  sql_arena *arena = sql_arena_create();
  const ast_node *q = parse_ok(arena, "SELECT\n  MyCol, \"MyCol\", \"a\"\"b\"\nFROM Tab");
  const ast_node *spec = q->u.query.body;
  const ast_node *a = spec->u.query_spec.select.items[0]->u.binary.left;
  cr_assert_str_eq(a->u.identifier.value.ptr, "mycol");
  cr_assert_str_eq(a->u.identifier.text.ptr, "MyCol");
  cr_assert_not(a->u.identifier.quoted);
  cr_assert_eq(a->pos.line, 2);
  cr_assert_eq(a->pos.column, 3);
  const ast_node *b = spec->u.query_spec.select.items[1]->u.binary.left;
  cr_assert_str_eq(b->u.identifier.value.ptr, "MyCol");
  cr_assert(b->u.identifier.quoted);
  cr_assert_not(ast_equal(a, b));
  const ast_node *c = spec->u.query_spec.select.items[2]->u.binary.left;
  cr_assert_str_eq(c->u.identifier.value.ptr, "a\"b");
  cr_assert_eq(c->pos.column, 19);
  const ast_node *from = spec->u.query_spec.from;
  cr_assert_eq(from->kind, AST_TABLE);
  cr_assert_eq(from->pos.line, 3);
  cr_assert_eq(from->pos.column, 6);
  /* positions are ignored by ast_equal, spelling of unquoted names too */
  const ast_node *x = parse_ok(arena, "select mycol, \"MyCol\", \"a\"\"b\" from TAB");
  cr_assert(ast_equal(q, x));
  sql_arena_destroy(arena);
}

Test(sql_parser, literals) {
  sql_arena *arena = sql_arena_create();
  const ast_node *e = select_item(arena, "SELECT 0x1F", 0);
  cr_assert_eq(e->u.literal.int_value, 31);
  e = select_item(arena, "SELECT 1_000", 0);
  cr_assert_eq(e->u.literal.int_value, 1000);
  e = select_item(arena, "SELECT 'it''s'", 0);
  cr_assert_str_eq(e->u.literal.text.ptr, "it's");
  e = select_item(arena, "SELECT U&'a\\00e9#'", 0);
  cr_assert_str_eq(e->u.literal.text.ptr, "a\xc3\xa9#");
  e = select_item(arena, "SELECT U&'x#0041' UESCAPE '#'", 0);
  cr_assert_str_eq(e->u.literal.text.ptr, "xA");
  e = select_item(arena, "SELECT X'0aff'", 0);
  cr_assert_eq(e->u.literal.text.len, 2);
  cr_assert_eq((unsigned char)e->u.literal.text.ptr[1], 0xff);
  e = select_item(arena, "SELECT 1.5e3", 0);
  cr_assert_eq(e->kind, AST_DOUBLE_LITERAL);
  cr_assert_float_eq(e->u.literal.double_value, 1500.0, 1e-9);
  e = select_item(arena, "SELECT 1.50", 0);
  cr_assert_eq(e->kind, AST_DECIMAL_LITERAL);
  cr_assert_str_eq(e->u.literal.text.ptr, "1.50");
  e = select_item(arena, "SELECT DATE '2020-01-02'", 0);
  cr_assert_eq(e->kind, AST_TYPED_LITERAL);
  cr_assert_str_eq(e->u.typed_literal.type_name->u.identifier.value.ptr, "date");
  e = select_item(arena, "SELECT INTERVAL -'2' DAY TO SECOND", 0);
  cr_assert_eq(e->u.interval.sign, -1);
  cr_assert_eq(e->u.interval.start, AST_FIELD_DAY);
  cr_assert_eq(e->u.interval.end, AST_FIELD_SECOND);
  e = select_item(arena, "SELECT ?, ?", 1);
  cr_assert_eq(e->kind, AST_PARAMETER);
  cr_assert_eq(e->u.literal.int_value, 1);
  sql_arena_destroy(arena);
}

Test(sql_parser, types) {
  sql_arena *arena = sql_arena_create();
  const ast_node *t;
  sql_error error;
  const char *text = "ROW(a integer, b ARRAY(varchar(25)), c timestamp(3) with time zone, d double precision)";
  cr_assert_eq(sql_parse_type(arena, text, strlen(text), &t, &error), 0);
  cr_assert_eq(t->kind, AST_ROW_TYPE);
  cr_assert_eq(t->u.list.items.count, 4);
  const ast_node *c = t->u.list.items.items[2]->u.binary.right;
  cr_assert_eq(c->kind, AST_DATETIME_TYPE);
  cr_assert(c->u.datetime_type.with_time_zone);
  cr_assert(c->u.datetime_type.timestamp);
  const ast_node *d = t->u.list.items.items[3]->u.binary.right;
  cr_assert_str_eq(d->u.generic_type.name->u.identifier.value.ptr, "double");
  text = "decimal(12, 2)";
  cr_assert_eq(sql_parse_type(arena, text, strlen(text), &t, &error), 0);
  cr_assert_eq(t->u.generic_type.params.count, 2);
  text = "map(varchar, bigint";
  cr_assert_neq(sql_parse_type(arena, text, strlen(text), &t, &error), 0);
  cr_assert_str_eq(error.message, "mismatched input '<EOF>'. Expecting: '(', ')', ',', 'ARRAY'");
  sql_arena_destroy(arena);
}

Test(sql_parser, expressions_and_scripts) {
  sql_arena *arena = sql_arena_create();
  const ast_node *e;
  sql_error error;
  const char *text = "a + 1 > ALL (SELECT b FROM t)";
  cr_assert_eq(sql_parse_expression(arena, text, strlen(text), &e, &error), 0);
  cr_assert_eq(e->kind, AST_QUANTIFIED_COMPARISON);
  ast_list list;
  text = ";SELECT 1; SELECT 'a;b';; CREATE VIEW v AS SELECT 2;";
  cr_assert_eq(sql_parse_statements(arena, text, strlen(text), &list, &error), 0);
  cr_assert_eq(list.count, 3);
  text = "SELECT 1 SELECT 2";
  cr_assert_neq(sql_parse_statements(arena, text, strlen(text), &list, &error), 0);
  cr_assert_eq(error.column, 10);
  sql_arena_destroy(arena);
}

/* ---- robustness ------------------------------------------------------------------- */

static char *repeat(const char *prefix, const char *unit, int n, const char *middle, const char *tail_unit) {
  size_t pl = strlen(prefix), ul = strlen(unit), ml = strlen(middle), tl = strlen(tail_unit);
  char *s = malloc(pl + (ul + tl) * (size_t)n + ml + 1);
  char *w = s;
  memcpy(w, prefix, pl), w += pl;
  for (int i = 0; i < n; i++) memcpy(w, unit, ul), w += ul;
  memcpy(w, middle, ml), w += ml;
  for (int i = 0; i < n; i++) memcpy(w, tail_unit, tl), w += tl;
  *w = '\0';
  return s;
}

static void check_too_large(const char *sql) {
  sql_arena *arena = sql_arena_create();
  const ast_node *node;
  sql_error error;
  cr_assert_neq(sql_parse_statement(arena, sql, strlen(sql), &node, &error), 0);
  cr_assert_str_eq(error.message, "statement is too large (stack overflow while parsing)");
  cr_assert_eq(error.line, 1);
  cr_assert_eq(error.column, 1);
  sql_arena_destroy(arena);
}

Test(sql_parser, deep_nesting_is_a_clean_error) {
  char *s = repeat("SELECT ", "(", 100000, "1", ")");
  check_too_large(s);
  free(s);
  s = repeat("SELECT ", "- ", 100000, "1", "");
  check_too_large(s);
  free(s);
  s = repeat("SELECT 1", " + 1", 5000, "", "");
  check_too_large(s);
  free(s);
  s = repeat("SELECT * FROM ", "(SELECT * FROM ", 5000, "t", ")");
  check_too_large(s);
  free(s);
  s = repeat("SELECT ", "ARRAY[", 5000, "1", "]");
  check_too_large(s);
  free(s);
  s = repeat("SELECT CAST(x AS ", "array(", 5000, "int", ")");
  check_too_large(s);
  free(s);
  s = repeat("SELECT ", "NOT ", 100000, "a", "");
  check_too_large(s);
  free(s);
  /* moderately deep input still parses and round-trips */
  s = repeat("SELECT ", "(", 100, "1", ")");
  check_round_trip(s);
  free(s);
  s = repeat("SELECT 1", " + 1", 500, "", "");
  check_round_trip(s);
  free(s);
  /* long flat lists are not nesting */
  s = repeat("SELECT 1", " OR a", 20000, "", "");
  check_round_trip(s);
  free(s);
}

Test(sql_parser, random_bytes_never_crash) {
  sql_arena *arena = sql_arena_create();
  static const char *const pieces[] = {
    "SELECT", " ", "(", ")", "'", "\"", "`", ",", "FROM", "t", "1", "1e", ".", "--", "/*", "*/",
    "\n", "U&'", "X'", "CASE", "WHEN", "END", "->", "[", "]", "?", "\xff", "\xc3", "ROW", "ARRAY",
    "INTERVAL", "WITH", "AS", "JOIN", "ON", "NOT", "IN", "=", "+", "-", "OVER", "BY", "ORDER"};
  unsigned seed = 12345;
  char buf[512];
  for (int iter = 0; iter < 20000; iter++) {
    size_t len = 0;
    int parts = (int)(seed % 24);
    for (int k = 0; k < parts; k++) {
      seed = seed * 1103515245u + 12345u;
      const char *piece = pieces[(seed >> 16) % (sizeof pieces / sizeof pieces[0])];
      size_t pl = strlen(piece);
      if (len + pl >= sizeof buf) break;
      memcpy(buf + len, piece, pl);
      len += pl;
    }
    seed = seed * 1103515245u + 12345u;
    sql_arena_reset(arena);
    const ast_node *node;
    sql_error error;
    if (sql_parse_statement(arena, buf, len, &node, &error) == 0) {
      char *text = sql_format(node, NULL);
      cr_assert_not_null(text);
      free(text);
    } else {
      cr_assert_neq(error.message[0], '\0');
      cr_assert_geq(error.line, 1);
    }
  }
  sql_arena_destroy(arena);
}

/* ---- lexer -------------------------------------------------------------------------- */

Test(sql_lexer, keyword_table_is_sorted_and_complete) {
  for (int t = SQL_TOKEN_FIRST_KEYWORD; t < SQL_TOKEN_LAST_KEYWORD; t++)
    cr_assert_lt(strcmp(sql_keyword_text((sql_token_type)t), sql_keyword_text((sql_token_type)(t + 1))), 0,
                 "%s", sql_keyword_text((sql_token_type)t));
  for (int t = SQL_TOKEN_FIRST_KEYWORD; t <= SQL_TOKEN_LAST_KEYWORD; t++) {
    const char *word = sql_keyword_text((sql_token_type)t);
    cr_assert_eq(sql_keyword_lookup(word, (uint32_t)strlen(word)), t);
  }
  cr_assert_eq(sql_keyword_lookup("select", 6), KW_SELECT);
  cr_assert_eq(sql_keyword_lookup("SeLeCt", 6), KW_SELECT);
  cr_assert_eq(sql_keyword_lookup("selects", 7), TOK_IDENT);
  cr_assert(sql_token_is_reserved(KW_SELECT));
  cr_assert_not(sql_token_is_reserved(KW_YEAR));
  cr_assert_str_eq(sql_token_display_name(KW_STRING_KW), "'STRING'");
  cr_assert_str_eq(sql_token_display_name(TOK_EOF), "<EOF>");
}

static void check_tokens(const char *sql, const sql_token_type *expected, uint32_t n) {
  sql_arena *arena = sql_arena_create();
  sql_token_list list;
  sql_error error;
  cr_assert_eq(sql_lex(arena, sql, strlen(sql), &list, &error), 0);
  cr_assert_eq(list.count, n + 1, "token count for %s: %u", sql, list.count);
  for (uint32_t i = 0; i < n; i++)
    cr_assert_eq(list.tokens[i].type, expected[i], "token %u of %s", i, sql);
  cr_assert_eq(list.tokens[n].type, TOK_EOF);
  sql_arena_destroy(arena);
}

Test(sql_lexer, token_forms) {
  check_tokens("1 1.5 .5 1. 1e3 1.5E-2 0x1F 1_000 12abc 1e5x", (sql_token_type[]){
    TOK_INTEGER, TOK_DECIMAL, TOK_DECIMAL, TOK_DECIMAL, TOK_DOUBLE, TOK_DOUBLE, TOK_INTEGER,
    TOK_INTEGER, TOK_DIGIT_IDENT, TOK_DIGIT_IDENT}, 10);
  check_tokens("a -> b => c || d <> e != f <= g >= h", (sql_token_type[]){
    TOK_IDENT, TOK_ARROW, TOK_IDENT, TOK_FAT_ARROW, TOK_IDENT, TOK_CONCAT, TOK_IDENT, TOK_NEQ,
    TOK_IDENT, TOK_NEQ, TOK_IDENT, TOK_LTE, TOK_IDENT, TOK_GTE, TOK_IDENT}, 15);
  check_tokens("'a''b' U&'x' X'00' \"q\"\"q\" `b` u&'y' x", (sql_token_type[]){
    TOK_STRING, TOK_UNICODE_STRING, TOK_BINARY, TOK_QUOTED_IDENT, TOK_BACKQUOTED_IDENT,
    TOK_UNICODE_STRING, TOK_IDENT}, 7);
  check_tokens("a /* x /* nested */ y */ b -- c\n d", (sql_token_type[]){TOK_IDENT, TOK_IDENT, TOK_IDENT}, 3);
  check_tokens("a /* unterminated", (sql_token_type[]){TOK_IDENT, TOK_SLASH, TOK_STAR, TOK_IDENT}, 4);
  check_tokens("'open", (sql_token_type[]){TOK_UNRECOGNIZED, TOK_IDENT}, 2);
  check_tokens("\xc3\xa9 $ !", (sql_token_type[]){TOK_UNRECOGNIZED, TOK_UNRECOGNIZED, TOK_UNRECOGNIZED}, 3);
}

/* Found by the fuzzer: after IGNORE NULLS, OVER starts a window and is never
 * an alias (the formatter printed `... IGNORE NULLS AS over`, which does not parse). */
Test(sql_parser, null_treatment_requires_a_window) {
  sql_arena *arena = sql_arena_create();
  const ast_node *out = NULL;
  sql_error error;
  const char *bad = "SELECT lag(x, 1) IGNORE NULLS OVER";
  cr_assert_neq(sql_parse_statement(arena, bad, strlen(bad), &out, &error), 0);
  cr_assert_eq(error.line, 1);
  cr_assert_eq(error.column, 35);
  const char *good = "SELECT lag(x, 1) IGNORE NULLS OVER (ORDER BY y)";
  cr_assert_eq(sql_parse_statement(arena, good, strlen(good), &out, &error), 0, "%s", error.message);
  sql_arena_destroy(arena);
}
