/*
 * lexer.h — turns statement text into tokens, as Trino's SqlBase lexer does:
 * case-insensitive keywords, comments and whitespace skipped, any byte it
 * cannot place becomes a TOK_UNRECOGNIZED token so the parser reports it.
 */
#ifndef SHOAL_SQL_LEXER_H
#define SHOAL_SQL_LEXER_H

#include <stddef.h>
#include <stdint.h>

#include "sql/arena.h"
#include "sql/sql_error.h"
#include "sql/token.h"

typedef struct sql_token_list {
  const sql_token *tokens;  /* last one is TOK_EOF */
  uint32_t count;           /* including the TOK_EOF token */
} sql_token_list;

/* Tokenizes text into arena memory. Fails only when out of memory or when the
 * text is larger than 4 GiB. Nested block comments are accepted; an
 * unterminated one is not a comment (its '/' becomes a token, as in Trino). */
int sql_lex(sql_arena *arena, const char *text, size_t length, sql_token_list *out,
            sql_error *error);

#endif
