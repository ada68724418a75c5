/*
 * parser_internal.h — state and helpers shared by the parser's files
 * (parser.c: machinery and statements, parser_query.c: queries and
 * relations, parser_expr.c: expressions, literals and types).
 *
 * Errors unwind with longjmp to the entry point; every allocation is in the
 * arena, so nothing leaks. "Expecting:" lists are built the way Trino's
 * ErrorHandler does: every token (or rule label such as <expression>) the
 * parser tests at the current position is recorded; when it fails, the
 * recorded set for that position is the list. Entering a labelled rule
 * (<expression>, <query>, <type>, ...) records the label and suppresses the
 * individual tokens that rule would test at the same position.
 */
#ifndef SHOAL_SQL_PARSER_INTERNAL_H
#define SHOAL_SQL_PARSER_INTERNAL_H

#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>

#include "sql/arena.h"
#include "sql/ast.h"
#include "sql/lexer.h"
#include "sql/sql_error.h"

enum { EXPECTED_WORDS = (TOK__COUNT + 63) / 64 };

typedef struct expected_state {
  uint64_t bits[EXPECTED_WORDS];
  uint32_t pos;          /* token index the set belongs to */
  int64_t suppress_pos;  /* recording suppressed at this index (-1: none) */
} expected_state;

typedef struct parser {
  sql_arena *arena;
  const char *text;
  const sql_token *tokens;
  uint32_t count;            /* tokens including EOF */
  uint32_t *paren_match;     /* for '(' tokens: index of the matching ')' or UINT32_MAX */
  uint32_t pos;
  expected_state expected;
  int depth;
  int64_t parameter_count;
  const char *root_name;     /* "statement", "expression", "type" */
  sql_error *error;
  jmp_buf *escape;
} parser;

/* tokens */
static inline const sql_token *p_tok(const parser *p) { return &p->tokens[p->pos]; }
static inline sql_token_type p_type(const parser *p) { return (sql_token_type)p->tokens[p->pos].type; }
static inline sql_token_type p_peek(const parser *p, uint32_t k) {
  uint32_t i = p->pos + k;
  return (sql_token_type)(i < p->count ? p->tokens[i].type : TOK_EOF);
}
static inline sql_token_type p_type_at(const parser *p, uint32_t i) {
  return (sql_token_type)(i < p->count ? p->tokens[i].type : TOK_EOF);
}

void p_record(parser *p, sql_token_type type);
void p_label(parser *p, sql_token_type label);   /* record + suppress */
bool p_check(parser *p, sql_token_type type);
bool p_accept(parser *p, sql_token_type type);
const sql_token *p_expect(parser *p, sql_token_type type);
void p_advance(parser *p);

_Noreturn void p_fail_syntax(parser *p);
_Noreturn void p_fail_at(parser *p, const sql_token *tok, const char *format, ...)
    __attribute__((format(printf, 3, 4)));
_Noreturn void p_fail_oom(parser *p);

void p_enter(parser *p, int units);
static inline void p_leave(parser *p, int units) { p->depth -= units; }

/* nodes and lists */
ast_node *p_node(parser *p, ast_kind kind, const sql_token *at);
void *p_alloc(parser *p, size_t size);
sql_str p_str(parser *p, const char *text, size_t length);
sql_str p_token_text(parser *p, const sql_token *tok);

typedef struct list_builder {
  ast_node **items;
  uint32_t count, capacity;
} list_builder;
void p_push(parser *p, list_builder *list, ast_node *node);
ast_list p_list(list_builder *list);
ast_list p_list1(parser *p, ast_node *node);

/* identifiers and names */
bool p_is_identifier_token(sql_token_type type);
bool p_check_identifier(parser *p);           /* records <identifier> */
ast_node *p_identifier(parser *p);            /* records <identifier>, fails if absent */
ast_node *p_qualified_name(parser *p);
ast_node *p_string_literal(parser *p);        /* <string> */
ast_node *p_integer_literal(parser *p);

/* backtracking */
typedef struct p_mark {
  uint32_t pos;
  expected_state expected;
  int depth;
  int64_t parameter_count;
} p_mark;
p_mark p_save(const parser *p);
void p_restore(parser *p, const p_mark *mark);

/* index of the ')' matching the '(' at index i, or UINT32_MAX */
uint32_t p_match(const parser *p, uint32_t i);
bool p_paren_is_query(const parser *p, uint32_t i);

/* grammar entry points across files */
ast_node *parse_statement(parser *p);
ast_node *parse_query(parser *p);          /* with? queryNoWith, label <query> */
ast_node *parse_query_no_with(parser *p);
ast_node *parse_expression(parser *p);     /* label <expression> */
ast_node *parse_value_expression(parser *p);
ast_node *parse_primary_expression(parser *p);
ast_node *parse_type(parser *p);           /* label <type> */
ast_node *parse_sort_item(parser *p);
ast_list parse_sort_items(parser *p);      /* after ORDER BY */
ast_node *parse_window_specification(parser *p, const sql_token *at);
ast_list parse_properties(parser *p);      /* '(' a = b, ... ')' */
ast_list parse_column_aliases(parser *p);  /* '(' a, b ')' */
bool p_is_alias_start(parser *p);          /* identifier that may be an alias here */

#endif
