/*
 * parser.h — the SQL parser's public entry points. Each parses text into an
 * immutable AST (see ast.h) allocated from the caller's arena, or fills a
 * Trino-style syntax error. Any byte string is accepted as input: the result
 * is a tree or a clean error, never a crash; nesting is bounded.
 */
#ifndef SHOAL_SQL_PARSER_H
#define SHOAL_SQL_PARSER_H

#include <stddef.h>

#include "sql/arena.h"
#include "sql/ast.h"
#include "sql/sql_error.h"

/* One statement (a trailing ';' is not allowed, as in Trino). 0 on success. */
int sql_parse_statement(sql_arena *arena, const char *sql, size_t length,
                        const ast_node **out, sql_error *error);

/* A script: statements separated by ';' (empty statements skipped). */
int sql_parse_statements(sql_arena *arena, const char *sql, size_t length,
                         ast_list *out, sql_error *error);

/* A standalone expression or type, e.g. for session property values. */
int sql_parse_expression(sql_arena *arena, const char *sql, size_t length,
                         const ast_node **out, sql_error *error);
int sql_parse_type(sql_arena *arena, const char *sql, size_t length,
                   const ast_node **out, sql_error *error);

/* Nesting budget: one unit per nested expression/query/relation level and
 * per element of a left-deep operator chain. Beyond it the parse fails with
 * "statement is too large (stack overflow while parsing)". */
enum { SQL_PARSER_MAX_DEPTH = 1000 };

#endif
