/*
 * test_slt_parser.c — the sqllogictest record parser: record kinds, guards,
 * multi-line SQL, expected lines, CRLF, comments, hash lines, bad input.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "tools/slt/slt_record.h"

static const char example[] =
    "# a comment\n"
    "hash-threshold 8\n"
    "\n"
    "statement ok\n"
    "CREATE TABLE t(a INTEGER,\n"
    "  b VARCHAR(10))\n"
    "\n"
    "statement error\n"
    "SELECT nope\n"
    "\n"
    "skipif mysql # reason text\n"
    "onlyif postgresql\n"
    "query IT rowsort label-7\n"
    "SELECT a, b\n"
    "FROM t\n"
    "----\n"
    "1\n"
    "x\n"
    "\n"
    "query R\n"
    "SELECT 1.5\n"
    "----\n"
    "1.500\n"
    "\n"
    "query I valuesort\n"
    "SELECT 1\n"
    "\n"
    "frobnicate now\n"
    "more\n"
    "\n"
    "halt\n";

Test(slt_parser, reads_every_record_kind)
{
    slt_parser p;
    slt_parser_init(&p, example, strlen(example));
    slt_record r;

    cr_assert_eq(slt_parser_next(&p, &r), 1);
    cr_assert_eq(r.kind, SLT_RECORD_HASH_THRESHOLD);
    cr_assert_eq(r.hash_threshold, 8);
    cr_assert_eq(r.line, 2);
    slt_record_free(&r);

    cr_assert_eq(slt_parser_next(&p, &r), 1);
    cr_assert_eq(r.kind, SLT_RECORD_STATEMENT);
    cr_assert_not(r.expect_error);
    cr_assert_str_eq(r.sql, "CREATE TABLE t(a INTEGER,\n  b VARCHAR(10))");
    cr_assert_eq(r.line, 4);
    slt_record_free(&r);

    cr_assert_eq(slt_parser_next(&p, &r), 1);
    cr_assert_eq(r.kind, SLT_RECORD_STATEMENT);
    cr_assert(r.expect_error);
    cr_assert_str_eq(r.sql, "SELECT nope");
    slt_record_free(&r);

    cr_assert_eq(slt_parser_next(&p, &r), 1);
    cr_assert_eq(r.kind, SLT_RECORD_QUERY);
    cr_assert_eq(r.line, 13);
    cr_assert_eq(r.guard_count, 2);
    cr_assert_not(r.guards[0].only);
    cr_assert_str_eq(r.guards[0].engine, "mysql");
    cr_assert(r.guards[1].only);
    cr_assert_str_eq(r.guards[1].engine, "postgresql");
    cr_assert_str_eq(r.types, "IT");
    cr_assert_eq(r.sort, SLT_SORT_ROWS);
    cr_assert_str_eq(r.label, "label-7");
    cr_assert_str_eq(r.sql, "SELECT a, b\nFROM t");
    cr_assert(r.has_separator);
    cr_assert_eq(r.expected_count, 2);
    cr_assert_str_eq(r.expected[0], "1");
    cr_assert_str_eq(r.expected[1], "x");
    cr_assert(slt_record_applies(&r, "postgresql"));
    cr_assert_not(slt_record_applies(&r, "mysql"));
    cr_assert_not(slt_record_applies(&r, "sqlite"));
    slt_record_free(&r);

    cr_assert_eq(slt_parser_next(&p, &r), 1);
    cr_assert_eq(r.kind, SLT_RECORD_QUERY);
    cr_assert_eq(r.sort, SLT_SORT_NONE);
    cr_assert_null(r.label);
    cr_assert_eq(r.expected_count, 1);
    cr_assert(slt_record_applies(&r, "anything"));
    slt_record_free(&r);

    cr_assert_eq(slt_parser_next(&p, &r), 1);
    cr_assert_eq(r.kind, SLT_RECORD_QUERY);
    cr_assert_eq(r.sort, SLT_SORT_VALUES);
    cr_assert_not(r.has_separator, "a query without ---- has no expected block");
    cr_assert_eq(r.expected_count, 0);
    slt_record_free(&r);

    cr_assert_eq(slt_parser_next(&p, &r), 1);
    cr_assert_eq(r.kind, SLT_RECORD_UNKNOWN);
    cr_assert_str_eq(r.unknown_line, "frobnicate now");
    slt_record_free(&r);

    cr_assert_eq(slt_parser_next(&p, &r), 1);
    cr_assert_eq(r.kind, SLT_RECORD_HALT);
    slt_record_free(&r);

    cr_assert_eq(slt_parser_next(&p, &r), 0);
}

Test(slt_parser, strips_crlf_and_keeps_line_numbers)
{
    const char text[] = "\r\nstatement ok\r\nINSERT INTO t VALUES(1)\r\n\r\nquery I nosort\r\nSELECT 1\r\n----\r\n1\r\n";
    slt_parser p;
    slt_parser_init(&p, text, strlen(text));
    slt_record r;
    cr_assert_eq(slt_parser_next(&p, &r), 1);
    cr_assert_str_eq(r.sql, "INSERT INTO t VALUES(1)");
    cr_assert_eq(r.line, 2);
    slt_record_free(&r);
    cr_assert_eq(slt_parser_next(&p, &r), 1);
    cr_assert_str_eq(r.sql, "SELECT 1");
    cr_assert_eq(r.sort, SLT_SORT_NONE);
    cr_assert_eq(r.expected_count, 1);
    cr_assert_str_eq(r.expected[0], "1");
    cr_assert_eq(r.line, 5);
    slt_record_free(&r);
    cr_assert_eq(slt_parser_next(&p, &r), 0);
}

Test(slt_parser, guard_before_halt_and_dangling_guard)
{
    const char text[] = "onlyif mssql\nhalt\n\nskipif sqlite\n\nstatement ok\nSELECT 1";
    slt_parser p;
    slt_parser_init(&p, text, strlen(text));
    slt_record r;
    cr_assert_eq(slt_parser_next(&p, &r), 1);
    cr_assert_eq(r.kind, SLT_RECORD_HALT);
    cr_assert_not(slt_record_applies(&r, "postgresql"));
    cr_assert(slt_record_applies(&r, "mssql"));
    slt_record_free(&r);
    /* a guard followed by a blank line guards nothing; no final newline */
    cr_assert_eq(slt_parser_next(&p, &r), 1);
    cr_assert_eq(r.kind, SLT_RECORD_STATEMENT);
    cr_assert_eq(r.guard_count, 0);
    cr_assert_str_eq(r.sql, "SELECT 1");
    slt_record_free(&r);
    cr_assert_eq(slt_parser_next(&p, &r), 0);
}

Test(slt_parser, empty_and_comment_only_input)
{
    slt_parser p;
    slt_record r;
    slt_parser_init(&p, "", 0);
    cr_assert_eq(slt_parser_next(&p, &r), 0);
    const char text[] = "# only\n# comments\n\n\n";
    slt_parser_init(&p, text, strlen(text));
    cr_assert_eq(slt_parser_next(&p, &r), 0);
}

Test(slt_parser, hash_lines)
{
    long count;
    char hash[33];
    cr_assert(slt_parse_hash_line("9 values hashing to 38a1673e2e09d694c8cec45c797034a7", &count, hash));
    cr_assert_eq(count, 9);
    cr_assert_str_eq(hash, "38a1673e2e09d694c8cec45c797034a7");
    cr_assert_not(slt_parse_hash_line("9 values hashing to 38a1673e", &count, hash));
    cr_assert_not(slt_parse_hash_line("values hashing to 38a1673e2e09d694c8cec45c797034a7", &count, hash));
    cr_assert_not(slt_parse_hash_line("9 values hashing to 38a1673e2e09d694c8cec45c797034a7x", &count, hash));
    cr_assert_not(slt_parse_hash_line("42", &count, hash));
}
