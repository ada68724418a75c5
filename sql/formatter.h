/*
 * formatter.h — prints an AST as canonical, single-line SQL text: keywords in
 * upper case, unquoted identifiers lower-cased, minimal parentheses. For any
 * tree the parser produced, parsing the output gives an equal tree
 * (ast_equal), which the tests check over TPC-H and sqllogictest queries.
 */
#ifndef SHOAL_SQL_FORMATTER_H
#define SHOAL_SQL_FORMATTER_H

#include <stddef.h>

#include "sql/ast.h"

/* malloc'd NUL-terminated text (free with free()); length excludes the NUL
 * (the text may contain NUL bytes from string literals). NULL on out of memory. */
char *sql_format(const ast_node *node, size_t *length);

#endif
