/*
 * parser.c — parser machinery (token tests, expected-token bookkeeping,
 * errors, node allocation, identifiers) and the statement grammar.
 */
#include "sql/parser.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sql/parser_internal.h"

/* ---- expected-token bookkeeping ---------------------------------------- */

static void expected_reset_to(parser *p) {
  if (p->expected.pos != p->pos) {
    memset(p->expected.bits, 0, sizeof p->expected.bits);
    p->expected.pos = p->pos;
  }
}

void p_record(parser *p, sql_token_type type) {
  expected_reset_to(p);
  if (p->expected.suppress_pos == (int64_t)p->pos) return;
  p->expected.bits[type / 64] |= (uint64_t)1 << (type % 64);
}

void p_label(parser *p, sql_token_type label) {
  p_record(p, label);
  p->expected.suppress_pos = p->pos;
}

bool p_check(parser *p, sql_token_type type) {
  p_record(p, type);
  return p_type(p) == type;
}

void p_advance(parser *p) {
  if (p->pos + 1 < p->count) p->pos++;
}

bool p_accept(parser *p, sql_token_type type) {
  if (!p_check(p, type)) return false;
  p_advance(p);
  return true;
}

const sql_token *p_expect(parser *p, sql_token_type type) {
  const sql_token *tok = p_tok(p);
  if (!p_accept(p, type)) p_fail_syntax(p);
  return tok;
}

/* ---- errors ------------------------------------------------------------- */

static int compare_names(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

_Noreturn void p_fail_syntax(parser *p) {
  expected_reset_to(p);
  const sql_token *tok = p_tok(p);
  const char *names[TOK__COUNT];
  int n = 0;
  for (int t = 0; t < TOK__COUNT; t++)
    if (p->expected.bits[t / 64] & ((uint64_t)1 << (t % 64)))
      names[n++] = sql_token_display_name((sql_token_type)t);
  qsort(names, (size_t)n, sizeof names[0], compare_names);
  char list[SQL_ERROR_MESSAGE_MAX];
  size_t used = 0;
  list[0] = '\0';
  for (int i = 0; i < n && used < sizeof list; i++)
    used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", names[i]);
  const char *text = tok->type == TOK_EOF ? "<EOF>" : p->text + tok->offset;
  int text_len = tok->type == TOK_EOF ? 5 : (int)(tok->length > 200 ? 200 : tok->length);
  if (n)
    sql_error_set(p->error, SQL_ERROR_SYNTAX, (int)tok->line, (int)tok->column,
                  "mismatched input '%.*s'. Expecting: %s", text_len, text, list);
  else
    sql_error_set(p->error, SQL_ERROR_SYNTAX, (int)tok->line, (int)tok->column,
                  "extraneous input '%.*s'", text_len, text);
  longjmp(*p->escape, 1);
}

_Noreturn void p_fail_at(parser *p, const sql_token *tok, const char *format, ...) {
  char message[SQL_ERROR_MESSAGE_MAX];
  va_list args;
  va_start(args, format);
  vsnprintf(message, sizeof message, format, args);
  va_end(args);
  sql_error_set(p->error, SQL_ERROR_SYNTAX, tok ? (int)tok->line : 1, tok ? (int)tok->column : 1,
                "%s", message);
  longjmp(*p->escape, 1);
}

_Noreturn void p_fail_oom(parser *p) {
  sql_error_set(p->error, SQL_ERROR_OUT_OF_MEMORY, 0, 0, "out of memory while parsing");
  longjmp(*p->escape, 1);
}

void p_enter(parser *p, int units) {
  p->depth += units;
  if (p->depth > SQL_PARSER_MAX_DEPTH) {
    sql_error_set(p->error, SQL_ERROR_SYNTAX, 1, 1,
                  "%s is too large (stack overflow while parsing)", p->root_name);
    longjmp(*p->escape, 1);
  }
}

/* ---- nodes and lists ---------------------------------------------------- */

void *p_alloc(parser *p, size_t size) {
  void *out = sql_arena_alloc(p->arena, size);
  if (!out) p_fail_oom(p);
  return out;
}

ast_node *p_node(parser *p, ast_kind kind, const sql_token *at) {
  ast_node *node = p_alloc(p, sizeof(ast_node));
  node->kind = kind;
  node->pos.line = at->line;
  node->pos.column = at->column;
  node->pos.offset = at->offset;
  return node;
}

sql_str p_str(parser *p, const char *text, size_t length) {
  char *copy = sql_arena_strndup(p->arena, text, length);
  if (!copy) p_fail_oom(p);
  return (sql_str){copy, (uint32_t)length};
}

sql_str p_token_text(parser *p, const sql_token *tok) {
  return p_str(p, p->text + tok->offset, tok->length);
}

void p_push(parser *p, list_builder *list, ast_node *node) {
  if (list->count == list->capacity) {
    uint32_t cap = list->capacity ? list->capacity * 2 : 4;
    ast_node **grown = p_alloc(p, sizeof(ast_node *) * cap);
    if (list->count) memcpy(grown, list->items, sizeof(ast_node *) * list->count);
    list->items = grown;
    list->capacity = cap;
  }
  list->items[list->count++] = node;
}

ast_list p_list(list_builder *list) { return (ast_list){list->items, list->count}; }

ast_list p_list1(parser *p, ast_node *node) {
  list_builder b = {0};
  p_push(p, &b, node);
  return p_list(&b);
}

p_mark p_save(const parser *p) {
  return (p_mark){p->pos, p->expected, p->depth, p->parameter_count};
}

void p_restore(parser *p, const p_mark *mark) {
  p->pos = mark->pos;
  p->expected = mark->expected;
  p->depth = mark->depth;
  p->parameter_count = mark->parameter_count;
}

uint32_t p_match(const parser *p, uint32_t i) {
  if (i >= p->count || p->tokens[i].type != TOK_LPAREN) return UINT32_MAX;
  return p->paren_match[i];
}

static bool is_query_start(sql_token_type t) {
  return t == KW_SELECT || t == KW_WITH || t == KW_VALUES || t == KW_TABLE;
}

static bool ends_query_primary(sql_token_type t) {
  switch (t) {
    case TOK_RPAREN: case KW_UNION: case KW_INTERSECT: case KW_EXCEPT: case KW_ORDER:
    case KW_LIMIT: case KW_OFFSET: case KW_FETCH:
      return true;
    default:
      return false;
  }
}

/* Is the parenthesis at index i the start of "( query )"? Looks through nested
 * parentheses: ((SELECT 1) UNION (SELECT 2)) is a query, ((SELECT 1) + 1) not. */
bool p_paren_is_query(const parser *p, uint32_t i) {
  for (int guard = 0; guard < SQL_PARSER_MAX_DEPTH; guard++) {
    sql_token_type next = p_type_at(p, i + 1);
    if (is_query_start(next)) return true;
    if (next != TOK_LPAREN) return false;
    uint32_t close = p_match(p, i + 1);
    if (close == UINT32_MAX || !ends_query_primary(p_type_at(p, close + 1))) return false;
    i = i + 1;
  }
  return false;
}

/* ---- identifiers ---------------------------------------------------------- */

bool p_is_identifier_token(sql_token_type type) {
  switch (type) {
    case TOK_IDENT: case TOK_QUOTED_IDENT: case TOK_BACKQUOTED_IDENT: case TOK_DIGIT_IDENT:
      return true;
    default:
      return sql_token_is_keyword(type) && !sql_token_is_reserved(type);
  }
}

bool p_check_identifier(parser *p) {
  p_record(p, TOK_LABEL_IDENTIFIER);
  return p_is_identifier_token(p_type(p));
}

ast_node *p_identifier(parser *p) {
  const sql_token *tok = p_tok(p);
  if (!p_check_identifier(p)) p_fail_syntax(p);
  const char *text = p->text + tok->offset;
  if (tok->type == TOK_BACKQUOTED_IDENT)
    p_fail_at(p, tok, "backquoted identifiers are not supported; use double quotes to quote identifiers");
  if (tok->type == TOK_DIGIT_IDENT)
    p_fail_at(p, tok, "identifiers must not start with a digit; surround the identifier with double quotes");
  ast_node *node = p_node(p, AST_IDENTIFIER, tok);
  node->u.identifier.text = p_token_text(p, tok);
  if (tok->type == TOK_QUOTED_IDENT) {
    if (tok->length == 2) p_fail_at(p, tok, "Zero-length delimited identifier not allowed");
    char *value = p_alloc(p, tok->length);
    uint32_t n = 0;
    for (uint32_t i = 1; i + 1 < tok->length; i++) {
      value[n++] = text[i];
      if (text[i] == '"') i++; /* "" -> " */
    }
    value[n] = '\0';
    node->u.identifier.value = (sql_str){value, n};
    node->u.identifier.quoted = true;
  } else {
    char *value = p_alloc(p, tok->length + 1);
    for (uint32_t i = 0; i < tok->length; i++) {
      char c = text[i];
      value[i] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
    }
    node->u.identifier.value = (sql_str){value, tok->length};
  }
  p_advance(p);
  return node;
}

ast_node *p_qualified_name(parser *p) {
  const sql_token *start = p_tok(p);
  list_builder parts = {0};
  p_push(p, &parts, p_identifier(p));
  while (p_type(p) == TOK_DOT) {
    p_accept(p, TOK_DOT);
    p_push(p, &parts, p_identifier(p));
  }
  ast_node *node = p_node(p, AST_QUALIFIED_NAME, start);
  node->u.list.items = p_list(&parts);
  return node;
}

/* ---- small shared clauses ----------------------------------------------- */

ast_list parse_column_aliases(parser *p) {
  list_builder cols = {0};
  p_expect(p, TOK_LPAREN);
  do p_push(p, &cols, p_identifier(p));
  while (p_accept(p, TOK_COMMA));
  p_expect(p, TOK_RPAREN);
  return p_list(&cols);
}

ast_list parse_properties(parser *p) {
  list_builder props = {0};
  p_expect(p, TOK_LPAREN);
  do {
    const sql_token *at = p_tok(p);
    ast_node *prop = p_node(p, AST_PROPERTY, at);
    prop->u.binary.left = p_identifier(p);
    p_expect(p, TOK_EQ);
    if (p_check(p, KW_DEFAULT) && p_peek(p, 1) != TOK_DOT && p_peek(p, 1) != TOK_LPAREN) {
      p_advance(p);
      prop->u.binary.right = NULL;
    } else {
      prop->u.binary.right = parse_expression(p);
    }
    p_push(p, &props, prop);
  } while (p_accept(p, TOK_COMMA));
  p_expect(p, TOK_RPAREN);
  return p_list(&props);
}

static bool accept_if_not_exists(parser *p) {
  if (!p_accept(p, KW_IF)) return false;
  p_expect(p, KW_NOT);
  p_expect(p, KW_EXISTS);
  return true;
}

static bool accept_if_exists(parser *p) {
  if (!p_accept(p, KW_IF)) return false;
  p_expect(p, KW_EXISTS);
  return true;
}

/* LIKE pattern [ESCAPE escape] for SHOW statements */
static void parse_show_like(parser *p, ast_node *node) {
  if (p_accept(p, KW_LIKE)) {
    node->u.show.like = p_string_literal(p);
    if (p_accept(p, KW_ESCAPE)) node->u.show.escape = p_string_literal(p);
  }
}

/* ---- statements ------------------------------------------------------------ */

static ast_node *parse_root_query(parser *p) {
  p_record(p, KW_WITH);
  return parse_query(p);
}

static ast_node *parse_explain(parser *p, const sql_token *at) {
  ast_node *node = p_node(p, AST_EXPLAIN, at);
  if (p_accept(p, KW_ANALYZE)) {
    node->u.explain.analyze = true;
    node->u.explain.verbose = p_accept(p, KW_VERBOSE);
  }
  if (p_type(p) == TOK_LPAREN && (p_peek(p, 1) == KW_FORMAT || p_peek(p, 1) == KW_TYPE)) {
    list_builder options = {0};
    p_accept(p, TOK_LPAREN);
    do {
      const sql_token *opt_at = p_tok(p);
      ast_node *opt = p_node(p, AST_EXPLAIN_OPTION, opt_at);
      if (p_accept(p, KW_FORMAT)) {
        opt->u.option.kind = AST_EXPLAIN_FORMAT;
        if (p_accept(p, KW_TEXT)) opt->u.option.value = AST_EXPLAIN_FORMAT_TEXT;
        else if (p_accept(p, KW_GRAPHVIZ)) opt->u.option.value = AST_EXPLAIN_FORMAT_GRAPHVIZ;
        else if (p_accept(p, KW_JSON)) opt->u.option.value = AST_EXPLAIN_FORMAT_JSON;
        else p_fail_syntax(p);
      } else if (p_accept(p, KW_TYPE)) {
        opt->u.option.kind = AST_EXPLAIN_TYPE;
        if (p_accept(p, KW_LOGICAL)) opt->u.option.value = AST_EXPLAIN_TYPE_LOGICAL;
        else if (p_accept(p, KW_DISTRIBUTED)) opt->u.option.value = AST_EXPLAIN_TYPE_DISTRIBUTED;
        else if (p_accept(p, KW_VALIDATE)) opt->u.option.value = AST_EXPLAIN_TYPE_VALIDATE;
        else if (p_accept(p, KW_IO)) opt->u.option.value = AST_EXPLAIN_TYPE_IO;
        else p_fail_syntax(p);
      } else {
        p_fail_syntax(p);
      }
      p_push(p, &options, opt);
    } while (p_accept(p, TOK_COMMA));
    p_expect(p, TOK_RPAREN);
    node->u.explain.options = p_list(&options);
  }
  p_enter(p, 1);
  node->u.explain.statement = parse_statement(p);
  p_leave(p, 1);
  return node;
}

static ast_node *parse_show(parser *p, const sql_token *at) {
  ast_node *node;
  if (p_accept(p, KW_CATALOGS)) {
    node = p_node(p, AST_SHOW_CATALOGS, at);
  } else if (p_accept(p, KW_SCHEMAS)) {
    node = p_node(p, AST_SHOW_SCHEMAS, at);
    if (p_accept(p, KW_FROM) || p_accept(p, KW_IN)) node->u.show.target = p_identifier(p);
  } else if (p_accept(p, KW_TABLES)) {
    node = p_node(p, AST_SHOW_TABLES, at);
    if (p_accept(p, KW_FROM) || p_accept(p, KW_IN)) node->u.show.target = p_qualified_name(p);
  } else if (p_accept(p, KW_COLUMNS)) {
    node = p_node(p, AST_SHOW_COLUMNS, at);
    if (!p_accept(p, KW_FROM) && !p_accept(p, KW_IN)) p_fail_syntax(p);
    node->u.show.target = p_qualified_name(p);
  } else if (p_accept(p, KW_FUNCTIONS)) {
    node = p_node(p, AST_SHOW_FUNCTIONS, at);
    if (p_accept(p, KW_FROM) || p_accept(p, KW_IN)) node->u.show.target = p_qualified_name(p);
  } else if (p_accept(p, KW_SESSION)) {
    node = p_node(p, AST_SHOW_SESSION, at);
  } else if (p_accept(p, KW_CREATE)) {
    node = p_node(p, AST_SHOW_CREATE, at);
    if (p_accept(p, KW_TABLE)) node->u.show.object = AST_OBJECT_TABLE;
    else if (p_accept(p, KW_VIEW)) node->u.show.object = AST_OBJECT_VIEW;
    else if (p_accept(p, KW_SCHEMA)) node->u.show.object = AST_OBJECT_SCHEMA;
    else if (p_accept(p, KW_MATERIALIZED)) {
      p_expect(p, KW_VIEW);
      node->u.show.object = AST_OBJECT_MATERIALIZED_VIEW;
    } else p_fail_syntax(p);
    node->u.show.target = p_qualified_name(p);
    return node;
  } else if (p_accept(p, KW_STATS)) {
    node = p_node(p, AST_SHOW_STATS, at);
    p_expect(p, KW_FOR);
    if (p_check(p, TOK_LPAREN)) {
      p_advance(p);
      node->u.show.target = parse_root_query(p);
      p_expect(p, TOK_RPAREN);
    } else {
      node->u.show.target = p_qualified_name(p);
    }
    return node;
  } else {
    p_fail_syntax(p);
  }
  parse_show_like(p, node);
  return node;
}

static ast_node *parse_column_definition(parser *p) {
  ast_node *col = p_node(p, AST_COLUMN_DEFINITION, p_tok(p));
  col->u.ddl.name = p_identifier(p);
  col->u.ddl.type = parse_type(p);
  if (p_accept(p, KW_NOT)) {
    p_expect(p, KW_NULL);
    col->u.ddl.not_null = true;
  }
  if (p_accept(p, KW_COMMENT)) col->u.ddl.comment = p_string_literal(p);
  if (p_accept(p, KW_WITH)) col->u.ddl.properties = parse_properties(p);
  return col;
}

/* "(a, b) AS|COMMENT|WITH": column aliases of CREATE TABLE AS rather than elements */
static bool at_ctas_column_aliases(parser *p) {
  uint32_t close = p_match(p, p->pos);
  if (close == UINT32_MAX) return false;
  for (uint32_t i = p->pos + 1; i < close; i++) {
    bool want_ident = ((i - p->pos) % 2) == 1;
    sql_token_type t = p_type_at(p, i);
    if (want_ident ? !p_is_identifier_token(t) : t != TOK_COMMA) return false;
  }
  sql_token_type after = p_type_at(p, close + 1);
  return after == KW_AS || after == KW_COMMENT || after == KW_WITH;
}

static ast_node *parse_ctas_query(parser *p) {
  if (p_type(p) == TOK_LPAREN && p_peek(p, 1) == KW_WITH) {
    p_advance(p);
    ast_node *q = parse_root_query(p);
    p_expect(p, TOK_RPAREN);
    return q;
  }
  return parse_root_query(p);
}

static ast_node *parse_create_table(parser *p, const sql_token *at, bool or_replace) {
  bool if_not_exists = accept_if_not_exists(p);
  ast_node *name = p_qualified_name(p);
  if (p_type(p) == TOK_LPAREN && !at_ctas_column_aliases(p)) {
    ast_node *node = p_node(p, AST_CREATE_TABLE, at);
    node->u.ddl.name = name;
    node->u.ddl.or_replace = or_replace;
    node->u.ddl.if_not_exists = if_not_exists;
    list_builder elements = {0};
    p_expect(p, TOK_LPAREN);
    do {
      if (p_check(p, KW_LIKE)) {
        ast_node *like = p_node(p, AST_LIKE_CLAUSE, p_tok(p));
        p_advance(p);
        like->u.ddl.name = p_qualified_name(p);
        if (p_accept(p, KW_INCLUDING)) {
          p_expect(p, KW_PROPERTIES);
          like->u.ddl.option = AST_LIKE_INCLUDING_PROPERTIES;
        } else if (p_accept(p, KW_EXCLUDING)) {
          p_expect(p, KW_PROPERTIES);
          like->u.ddl.option = AST_LIKE_EXCLUDING_PROPERTIES;
        }
        p_push(p, &elements, like);
      } else {
        p_push(p, &elements, parse_column_definition(p));
      }
    } while (p_accept(p, TOK_COMMA));
    p_expect(p, TOK_RPAREN);
    node->u.ddl.elements = p_list(&elements);
    if (p_accept(p, KW_COMMENT)) node->u.ddl.comment = p_string_literal(p);
    if (p_accept(p, KW_WITH)) node->u.ddl.properties = parse_properties(p);
    return node;
  }
  ast_node *node = p_node(p, AST_CREATE_TABLE_AS_SELECT, at);
  node->u.ddl.name = name;
  node->u.ddl.or_replace = or_replace;
  node->u.ddl.if_not_exists = if_not_exists;
  if (p_type(p) == TOK_LPAREN) node->u.ddl.elements = parse_column_aliases(p);
  else p_record(p, TOK_LPAREN);
  if (p_accept(p, KW_COMMENT)) node->u.ddl.comment = p_string_literal(p);
  if (p_accept(p, KW_WITH)) node->u.ddl.properties = parse_properties(p);
  p_expect(p, KW_AS);
  node->u.ddl.query = parse_ctas_query(p);
  if (p_accept(p, KW_WITH)) {
    node->u.ddl.option = p_accept(p, KW_NO) ? AST_WITH_NO_DATA : AST_WITH_DATA;
    p_expect(p, KW_DATA);
  }
  return node;
}

static ast_node *parse_create(parser *p, const sql_token *at) {
  bool or_replace = false;
  if (p_accept(p, KW_OR)) {
    p_expect(p, KW_REPLACE);
    or_replace = true;
  }
  if (p_accept(p, KW_TABLE)) return parse_create_table(p, at, or_replace);
  if (p_accept(p, KW_VIEW)) {
    ast_node *node = p_node(p, AST_CREATE_VIEW, at);
    node->u.ddl.or_replace = or_replace;
    node->u.ddl.name = p_qualified_name(p);
    if (p_accept(p, KW_COMMENT)) node->u.ddl.comment = p_string_literal(p);
    if (p_accept(p, KW_SECURITY)) {
      if (p_accept(p, KW_DEFINER)) node->u.ddl.option = AST_SECURITY_DEFINER;
      else if (p_accept(p, KW_INVOKER)) node->u.ddl.option = AST_SECURITY_INVOKER;
      else p_fail_syntax(p);
    }
    p_expect(p, KW_AS);
    node->u.ddl.query = parse_root_query(p);
    return node;
  }
  if (!or_replace && p_accept(p, KW_SCHEMA)) {
    ast_node *node = p_node(p, AST_CREATE_SCHEMA, at);
    node->u.ddl.if_not_exists = accept_if_not_exists(p);
    node->u.ddl.name = p_qualified_name(p);
    if (p_accept(p, KW_WITH)) node->u.ddl.properties = parse_properties(p);
    return node;
  }
  if (!or_replace && p_accept(p, KW_CATALOG)) {
    ast_node *node = p_node(p, AST_CREATE_CATALOG, at);
    node->u.ddl.if_not_exists = accept_if_not_exists(p);
    node->u.ddl.name = p_identifier(p);
    p_expect(p, KW_USING);
    node->u.ddl.target = p_identifier(p);
    if (p_accept(p, KW_COMMENT)) node->u.ddl.comment = p_string_literal(p);
    if (p_accept(p, KW_WITH)) node->u.ddl.properties = parse_properties(p);
    return node;
  }
  p_fail_syntax(p);
}

static bool accept_cascade(parser *p) {
  if (p_accept(p, KW_CASCADE)) return true;
  p_accept(p, KW_RESTRICT);
  return false;
}

static ast_node *parse_drop(parser *p, const sql_token *at) {
  ast_node *node;
  if (p_accept(p, KW_TABLE)) {
    node = p_node(p, AST_DROP_TABLE, at);
    node->u.ddl.if_exists = accept_if_exists(p);
    node->u.ddl.name = p_qualified_name(p);
  } else if (p_accept(p, KW_VIEW)) {
    node = p_node(p, AST_DROP_VIEW, at);
    node->u.ddl.if_exists = accept_if_exists(p);
    node->u.ddl.name = p_qualified_name(p);
  } else if (p_accept(p, KW_SCHEMA)) {
    node = p_node(p, AST_DROP_SCHEMA, at);
    node->u.ddl.if_exists = accept_if_exists(p);
    node->u.ddl.name = p_qualified_name(p);
    node->u.ddl.cascade = accept_cascade(p);
  } else if (p_accept(p, KW_CATALOG)) {
    node = p_node(p, AST_DROP_CATALOG, at);
    node->u.ddl.if_exists = accept_if_exists(p);
    node->u.ddl.name = p_identifier(p);
    node->u.ddl.cascade = accept_cascade(p);
  } else {
    p_fail_syntax(p);
  }
  return node;
}

static ast_node *parse_alter_table(parser *p, const sql_token *at) {
  bool if_exists = accept_if_exists(p);
  ast_node *name = p_qualified_name(p);
  ast_node *node;
  if (p_accept(p, KW_RENAME)) {
    if (p_accept(p, KW_TO)) {
      node = p_node(p, AST_RENAME_TABLE, at);
      node->u.ddl.target = p_qualified_name(p);
    } else if (p_accept(p, KW_COLUMN)) {
      node = p_node(p, AST_RENAME_COLUMN, at);
      node->u.ddl.column_if_exists = accept_if_exists(p);
      node->u.ddl.column = p_qualified_name(p);
      p_expect(p, KW_TO);
      node->u.ddl.target = p_identifier(p);
    } else {
      p_fail_syntax(p);
    }
  } else if (p_accept(p, KW_ADD)) {
    p_expect(p, KW_COLUMN);
    node = p_node(p, AST_ADD_COLUMN, at);
    node->u.ddl.column_if_exists = accept_if_not_exists(p);
    node->u.ddl.column = parse_column_definition(p);
  } else if (p_accept(p, KW_DROP)) {
    p_expect(p, KW_COLUMN);
    node = p_node(p, AST_DROP_COLUMN, at);
    node->u.ddl.column_if_exists = accept_if_exists(p);
    node->u.ddl.column = p_qualified_name(p);
  } else {
    p_fail_syntax(p);
  }
  node->u.ddl.name = name;
  node->u.ddl.if_exists = if_exists;
  return node;
}

static ast_node *parse_alter(parser *p, const sql_token *at) {
  if (p_accept(p, KW_TABLE)) return parse_alter_table(p, at);
  ast_kind kind;
  if (p_accept(p, KW_SCHEMA)) kind = AST_RENAME_SCHEMA;
  else if (p_accept(p, KW_VIEW)) kind = AST_RENAME_VIEW;
  else p_fail_syntax(p);
  ast_node *node = p_node(p, kind, at);
  node->u.ddl.name = p_qualified_name(p);
  p_expect(p, KW_RENAME);
  p_expect(p, KW_TO);
  node->u.ddl.target = kind == AST_RENAME_SCHEMA ? p_identifier(p) : p_qualified_name(p);
  return node;
}

static ast_node *parse_insert(parser *p, const sql_token *at) {
  ast_node *node = p_node(p, AST_INSERT, at);
  p_expect(p, KW_INTO);
  node->u.ddl.name = p_qualified_name(p);
  if (p_type(p) == TOK_LPAREN && !p_paren_is_query(p, p->pos)) {
    p_record(p, TOK_LPAREN);
    node->u.ddl.elements = parse_column_aliases(p);
  } else {
    p_record(p, TOK_LPAREN);
  }
  node->u.ddl.query = parse_root_query(p);
  return node;
}

static ast_node *parse_update(parser *p, const sql_token *at) {
  ast_node *node = p_node(p, AST_UPDATE, at);
  node->u.ddl.name = p_qualified_name(p);
  p_expect(p, KW_SET);
  list_builder sets = {0};
  do {
    ast_node *assign = p_node(p, AST_UPDATE_ASSIGNMENT, p_tok(p));
    assign->u.binary.left = p_identifier(p);
    p_expect(p, TOK_EQ);
    assign->u.binary.right = parse_expression(p);
    p_push(p, &sets, assign);
  } while (p_accept(p, TOK_COMMA));
  node->u.ddl.elements = p_list(&sets);
  if (p_accept(p, KW_WHERE)) node->u.ddl.where = parse_expression(p);
  return node;
}

static ast_node *parse_call(parser *p, const sql_token *at) {
  ast_node *node = p_node(p, AST_CALL, at);
  node->u.execute.name = p_qualified_name(p);
  p_expect(p, TOK_LPAREN);
  list_builder args = {0};
  if (!p_check(p, TOK_RPAREN)) {
    do {
      ast_node *arg = p_node(p, AST_CALL_ARGUMENT, p_tok(p));
      if (p_is_identifier_token(p_type(p)) && p_peek(p, 1) == TOK_FAT_ARROW) {
        arg->u.binary.left = p_identifier(p);
        p_expect(p, TOK_FAT_ARROW);
      }
      arg->u.binary.right = parse_expression(p);
      p_push(p, &args, arg);
    } while (p_accept(p, TOK_COMMA));
  }
  p_expect(p, TOK_RPAREN);
  node->u.execute.args = p_list(&args);
  return node;
}

static ast_node *parse_start_transaction(parser *p, const sql_token *at) {
  p_expect(p, KW_TRANSACTION);
  ast_node *node = p_node(p, AST_START_TRANSACTION, at);
  list_builder modes = {0};
  if (p_check(p, KW_ISOLATION) || p_check(p, KW_READ)) {
    do {
      const sql_token *mode_at = p_tok(p);
      if (p_accept(p, KW_ISOLATION)) {
        p_expect(p, KW_LEVEL);
        ast_node *mode = p_node(p, AST_ISOLATION_LEVEL, mode_at);
        if (p_accept(p, KW_READ)) {
          if (p_accept(p, KW_UNCOMMITTED)) mode->u.option.value = AST_ISOLATION_READ_UNCOMMITTED;
          else if (p_accept(p, KW_COMMITTED)) mode->u.option.value = AST_ISOLATION_READ_COMMITTED;
          else p_fail_syntax(p);
        } else if (p_accept(p, KW_REPEATABLE)) {
          p_expect(p, KW_READ);
          mode->u.option.value = AST_ISOLATION_REPEATABLE_READ;
        } else if (p_accept(p, KW_SERIALIZABLE)) {
          mode->u.option.value = AST_ISOLATION_SERIALIZABLE;
        } else {
          p_fail_syntax(p);
        }
        p_push(p, &modes, mode);
      } else if (p_accept(p, KW_READ)) {
        ast_node *mode = p_node(p, AST_TRANSACTION_ACCESS_MODE, mode_at);
        if (p_accept(p, KW_ONLY)) mode->u.option.value = 1;
        else if (p_accept(p, KW_WRITE)) mode->u.option.value = 0;
        else p_fail_syntax(p);
        p_push(p, &modes, mode);
      } else {
        p_fail_syntax(p);
      }
    } while (p_accept(p, TOK_COMMA));
  }
  node->u.list.items = p_list(&modes);
  return node;
}

static ast_node *parse_comment(parser *p, const sql_token *at) {
  ast_node *node = p_node(p, AST_COMMENT, at);
  p_expect(p, KW_ON);
  if (p_accept(p, KW_TABLE)) node->u.ddl.option = AST_OBJECT_TABLE;
  else if (p_accept(p, KW_VIEW)) node->u.ddl.option = AST_OBJECT_VIEW;
  else if (p_accept(p, KW_COLUMN)) node->u.ddl.option = AST_OBJECT_COLUMN;
  else p_fail_syntax(p);
  node->u.ddl.name = p_qualified_name(p);
  p_expect(p, KW_IS);
  if (!p_accept(p, KW_NULL)) node->u.ddl.comment = p_string_literal(p);
  return node;
}

static const sql_token_type statement_starts[] = {
  KW_ALTER, KW_ANALYZE, KW_CALL, KW_COMMENT, KW_COMMIT, KW_CREATE, KW_DEALLOCATE,
  KW_DELETE, KW_DESC, KW_DESCRIBE, KW_DROP, KW_EXECUTE, KW_EXPLAIN, KW_INSERT,
  KW_PREPARE, KW_RESET, KW_ROLLBACK, KW_SET, KW_SHOW, KW_START, KW_TRUNCATE,
  KW_UPDATE, KW_USE, KW_WITH,
};

ast_node *parse_statement(parser *p) {
  for (size_t i = 0; i < sizeof statement_starts / sizeof statement_starts[0]; i++)
    p_record(p, statement_starts[i]);
  const sql_token *at = p_tok(p);
  switch (p_type(p)) {
    case KW_SELECT: case KW_WITH: case KW_VALUES: case KW_TABLE: case TOK_LPAREN:
      return parse_root_query(p);
    default: break;
  }
  sql_token_type first = p_type(p);
  switch (first) {
    case KW_EXPLAIN: p_advance(p); return parse_explain(p, at);
    case KW_SHOW: p_advance(p); return parse_show(p, at);
    case KW_DESC:
    case KW_DESCRIBE: {
      p_advance(p);
      if ((p_type(p) == KW_INPUT || p_type(p) == KW_OUTPUT) && first == KW_DESCRIBE &&
          p_is_identifier_token(p_peek(p, 1))) {
        ast_node *node = p_node(p, p_type(p) == KW_INPUT ? AST_DESCRIBE_INPUT : AST_DESCRIBE_OUTPUT, at);
        p_advance(p);
        node->u.unary.operand = p_identifier(p);
        return node;
      }
      if (first == KW_DESCRIBE) {
        p_record(p, KW_INPUT);
        p_record(p, KW_OUTPUT);
      }
      ast_node *node = p_node(p, AST_SHOW_COLUMNS, at);
      node->u.show.target = p_qualified_name(p);
      return node;
    }
    case KW_USE: {
      p_advance(p);
      ast_node *node = p_node(p, AST_USE, at);
      ast_node *first_name = p_identifier(p);
      if (p_accept(p, TOK_DOT)) {
        node->u.binary.left = first_name;
        node->u.binary.right = p_identifier(p);
      } else {
        node->u.binary.right = first_name;
      }
      return node;
    }
    case KW_SET: {
      p_advance(p);
      p_expect(p, KW_SESSION);
      ast_node *node = p_node(p, AST_SET_SESSION, at);
      node->u.binary.left = p_qualified_name(p);
      p_expect(p, TOK_EQ);
      node->u.binary.right = parse_expression(p);
      return node;
    }
    case KW_RESET: {
      p_advance(p);
      p_expect(p, KW_SESSION);
      ast_node *node = p_node(p, AST_RESET_SESSION, at);
      node->u.unary.operand = p_qualified_name(p);
      return node;
    }
    case KW_PREPARE: {
      p_advance(p);
      ast_node *node = p_node(p, AST_PREPARE, at);
      node->u.binary.left = p_identifier(p);
      p_expect(p, KW_FROM);
      p_enter(p, 1);
      node->u.binary.right = parse_statement(p);
      p_leave(p, 1);
      return node;
    }
    case KW_EXECUTE: {
      p_advance(p);
      ast_node *node = p_node(p, AST_EXECUTE, at);
      node->u.execute.name = p_identifier(p);
      if (p_accept(p, KW_USING)) {
        list_builder args = {0};
        do p_push(p, &args, parse_expression(p));
        while (p_accept(p, TOK_COMMA));
        node->u.execute.args = p_list(&args);
      }
      return node;
    }
    case KW_DEALLOCATE: {
      p_advance(p);
      p_expect(p, KW_PREPARE);
      ast_node *node = p_node(p, AST_DEALLOCATE, at);
      node->u.unary.operand = p_identifier(p);
      return node;
    }
    case KW_CREATE: p_advance(p); return parse_create(p, at);
    case KW_DROP: p_advance(p); return parse_drop(p, at);
    case KW_ALTER: p_advance(p); return parse_alter(p, at);
    case KW_INSERT: p_advance(p); return parse_insert(p, at);
    case KW_DELETE: {
      p_advance(p);
      p_expect(p, KW_FROM);
      ast_node *node = p_node(p, AST_DELETE, at);
      node->u.ddl.name = p_qualified_name(p);
      if (p_accept(p, KW_WHERE)) node->u.ddl.where = parse_expression(p);
      return node;
    }
    case KW_UPDATE: p_advance(p); return parse_update(p, at);
    case KW_ANALYZE: {
      p_advance(p);
      ast_node *node = p_node(p, AST_ANALYZE, at);
      node->u.ddl.name = p_qualified_name(p);
      if (p_accept(p, KW_WITH)) node->u.ddl.properties = parse_properties(p);
      return node;
    }
    case KW_CALL: p_advance(p); return parse_call(p, at);
    case KW_START: p_advance(p); return parse_start_transaction(p, at);
    case KW_COMMIT:
    case KW_ROLLBACK: {
      p_advance(p);
      p_accept(p, KW_WORK);
      return p_node(p, first == KW_COMMIT ? AST_COMMIT : AST_ROLLBACK, at);
    }
    case KW_TRUNCATE: {
      p_advance(p);
      p_expect(p, KW_TABLE);
      ast_node *node = p_node(p, AST_TRUNCATE_TABLE, at);
      node->u.ddl.name = p_qualified_name(p);
      return node;
    }
    case KW_COMMENT: p_advance(p); return parse_comment(p, at);
    default:
      p_label(p, TOK_LABEL_QUERY);
      p_fail_syntax(p);
  }
}

/* ---- entry points ----------------------------------------------------------- */

typedef enum parse_goal { GOAL_STATEMENT, GOAL_SCRIPT, GOAL_EXPRESSION, GOAL_TYPE } parse_goal;

static int compute_paren_matches(parser *p) {
  p->paren_match = sql_arena_alloc(p->arena, sizeof(uint32_t) * p->count);
  if (!p->paren_match) return -1;
  uint32_t *stack = malloc(sizeof(uint32_t) * p->count);
  if (!stack) return -1;
  uint32_t top = 0;
  for (uint32_t i = 0; i < p->count; i++) {
    p->paren_match[i] = UINT32_MAX;
    if (p->tokens[i].type == TOK_LPAREN) stack[top++] = i;
    else if (p->tokens[i].type == TOK_RPAREN && top) p->paren_match[stack[--top]] = i;
  }
  free(stack);
  return 0;
}

static void run_goal(parser *p, parse_goal goal, const ast_node **node_out, ast_list *list_out) {
  switch (goal) {
    case GOAL_STATEMENT:
      *node_out = parse_statement(p);
      p_expect(p, TOK_EOF);
      break;
    case GOAL_EXPRESSION:
      *node_out = parse_expression(p);
      p_expect(p, TOK_EOF);
      break;
    case GOAL_TYPE:
      *node_out = parse_type(p);
      p_expect(p, TOK_EOF);
      break;
    case GOAL_SCRIPT: {
      list_builder statements = {0};
      for (;;) {
        while (p_accept(p, TOK_SEMICOLON)) {}
        if (p_type(p) == TOK_EOF) break;
        p_push(p, &statements, parse_statement(p));
        p->depth = 0;
        if (p_type(p) == TOK_EOF) break;
        p_expect(p, TOK_SEMICOLON);
      }
      *list_out = p_list(&statements);
      break;
    }
  }
}

static int parse_goal_run(sql_arena *arena, const char *sql, size_t length, parse_goal goal,
                          const ast_node **node_out, ast_list *list_out, sql_error *error) {
  sql_error_clear(error);
  sql_token_list tokens;
  if (sql_lex(arena, sql, length, &tokens, error) != 0) return -1;
  jmp_buf escape;
  parser p = {
    .arena = arena, .text = sql, .tokens = tokens.tokens, .count = tokens.count,
    .error = error, .escape = &escape,
    .root_name = goal == GOAL_EXPRESSION ? "expression" : goal == GOAL_TYPE ? "type" : "statement",
  };
  p.expected.suppress_pos = -1;
  if (compute_paren_matches(&p) != 0) {
    sql_error_set(error, SQL_ERROR_OUT_OF_MEMORY, 0, 0, "out of memory while parsing");
    return -1;
  }
  if (setjmp(escape) != 0) {
    if (node_out) *node_out = NULL;
    if (list_out) *list_out = (ast_list){0};
    return -1;
  }
  run_goal(&p, goal, node_out, list_out);
  return 0;
}

int sql_parse_statement(sql_arena *arena, const char *sql, size_t length,
                        const ast_node **out, sql_error *error) {
  *out = NULL;
  return parse_goal_run(arena, sql, length, GOAL_STATEMENT, out, NULL, error);
}

int sql_parse_statements(sql_arena *arena, const char *sql, size_t length, ast_list *out,
                         sql_error *error) {
  *out = (ast_list){0};
  const ast_node *unused = NULL;
  return parse_goal_run(arena, sql, length, GOAL_SCRIPT, &unused, out, error);
}

int sql_parse_expression(sql_arena *arena, const char *sql, size_t length,
                         const ast_node **out, sql_error *error) {
  *out = NULL;
  return parse_goal_run(arena, sql, length, GOAL_EXPRESSION, out, NULL, error);
}

int sql_parse_type(sql_arena *arena, const char *sql, size_t length, const ast_node **out,
                   sql_error *error) {
  *out = NULL;
  return parse_goal_run(arena, sql, length, GOAL_TYPE, out, NULL, error);
}
