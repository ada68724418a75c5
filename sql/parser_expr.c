/*
 * parser_expr.c — expressions (Trino precedence: OR < AND < NOT < predicates <
 * || < + - < * / % < unary < AT TIME ZONE < subscript/field access), literals
 * and their decoding, function calls with FILTER/OVER, window specifications,
 * and data types.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sql/parser_internal.h"

static ast_node *parse_or(parser *p);
static ast_node *parse_not(parser *p);
static ast_node *parse_unary(parser *p);

/* ---- literals -------------------------------------------------------------- */

static int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* Value of an INTEGER token, negated when `negative`. */
static ast_node *make_integer(parser *p, const sql_token *tok, const sql_token *at, bool negative) {
  const char *text = p->text + tok->offset;
  uint32_t len = tok->length;
  unsigned base = 10;
  uint32_t i = 0;
  if (len > 2 && text[0] == '0') {
    char k = text[1];
    if (k == 'x' || k == 'X') base = 16, i = 2;
    else if (k == 'o' || k == 'O') base = 8, i = 2;
    else if (k == 'b' || k == 'B') base = 2, i = 2;
  }
  uint64_t value = 0;
  bool overflow = false;
  for (; i < len; i++) {
    if (text[i] == '_') continue;
    unsigned d = (unsigned)hex_value(text[i]);
    if (value > (UINT64_MAX - d) / base) overflow = true;
    value = value * base + d;
  }
  uint64_t limit = negative ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
  if (overflow || value > limit)
    p_fail_at(p, at, "Invalid numeric literal: %s%.*s", negative ? "-" : "", (int)len, text);
  ast_node *node = p_node(p, AST_LONG_LITERAL, at);
  node->u.literal.int_value = negative ? (int64_t)(0 - value) : (int64_t)value;
  size_t text_len = (size_t)(p->text + tok->offset + tok->length - (p->text + at->offset));
  node->u.literal.text = p_str(p, p->text + at->offset, text_len);
  return node;
}

/* Numeric literal token at the current position, with an optional leading minus
 * token already consumed (`at` is then the minus token). */
static ast_node *parse_number(parser *p, const sql_token *at, bool negative) {
  const sql_token *tok = p_tok(p);
  ast_node *node;
  if (tok->type == TOK_INTEGER) {
    node = make_integer(p, tok, at, negative);
  } else {
    node = p_node(p, tok->type == TOK_DECIMAL ? AST_DECIMAL_LITERAL : AST_DOUBLE_LITERAL, at);
    char *buf = p_alloc(p, tok->length + 2);
    uint32_t n = 0;
    if (negative) buf[n++] = '-';
    for (uint32_t i = 0; i < tok->length; i++) {
      char c = p->text[tok->offset + i];
      if (c != '_') buf[n++] = c;
    }
    buf[n] = '\0';
    node->u.literal.text = (sql_str){buf, n};
    if (tok->type == TOK_DOUBLE) node->u.literal.double_value = strtod(buf, NULL);
  }
  p_advance(p);
  return node;
}

ast_node *p_integer_literal(parser *p) {
  const sql_token *tok = p_tok(p);
  if (!p_check(p, TOK_INTEGER)) p_fail_syntax(p);
  ast_node *node = make_integer(p, tok, tok, false);
  p_advance(p);
  return node;
}

/* '...' with '' escapes -> value */
static sql_str decode_quoted(parser *p, const char *body, uint32_t len) {
  char *out = p_alloc(p, len + 1);
  uint32_t n = 0;
  for (uint32_t i = 0; i < len; i++) {
    out[n++] = body[i];
    if (body[i] == '\'' && i + 1 < len && body[i + 1] == '\'') i++;
  }
  out[n] = '\0';
  return (sql_str){out, n};
}

static uint32_t encode_utf8(uint32_t cp, char *out) {
  if (cp < 0x80) { out[0] = (char)cp; return 1; }
  if (cp < 0x800) { out[0] = (char)(0xC0 | (cp >> 6)); out[1] = (char)(0x80 | (cp & 0x3F)); return 2; }
  if (cp < 0x10000) {
    out[0] = (char)(0xE0 | (cp >> 12)); out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
  }
  out[0] = (char)(0xF0 | (cp >> 18)); out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
  out[2] = (char)(0x80 | ((cp >> 6) & 0x3F)); out[3] = (char)(0x80 | (cp & 0x3F));
  return 4;
}

static sql_str decode_unicode(parser *p, const sql_token *tok, sql_str raw, char escape) {
  char *out = p_alloc(p, raw.len * 4 + 1);
  uint32_t n = 0;
  for (uint32_t i = 0; i < raw.len; i++) {
    char c = raw.ptr[i];
    if (c != escape) {
      out[n++] = c;
      continue;
    }
    if (i + 1 < raw.len && raw.ptr[i + 1] == escape) {
      out[n++] = escape;
      i++;
      continue;
    }
    uint32_t digits = 4;
    uint32_t start = i + 1;
    if (start < raw.len && raw.ptr[start] == '+') {
      digits = 6;
      start++;
    }
    if (start + digits > raw.len)
      p_fail_at(p, tok, "Incomplete escape sequence: %.*s", (int)(raw.len - i), raw.ptr + i);
    uint32_t cp = 0;
    for (uint32_t k = 0; k < digits; k++) {
      int h = hex_value(raw.ptr[start + k]);
      if (h < 0) p_fail_at(p, tok, "Invalid hexadecimal digit: %c", raw.ptr[start + k]);
      cp = cp * 16 + (uint32_t)h;
    }
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
      p_fail_at(p, tok, "Invalid escaped character: %.*s", (int)(start + digits - i), raw.ptr + i);
    n += encode_utf8(cp, out + n);
    i = start + digits - 1;
  }
  out[n] = '\0';
  return (sql_str){out, n};
}

/* STRING | UNICODE_STRING [UESCAPE STRING] at the current token -> value. */
static sql_str parse_string_value(parser *p) {
  const sql_token *tok = p_tok(p);
  const char *text = p->text + tok->offset;
  if (tok->type == TOK_STRING) {
    p_advance(p);
    return decode_quoted(p, text + 1, tok->length - 2);
  }
  /* U&'...' */
  sql_str raw = decode_quoted(p, text + 3, tok->length - 4);
  p_advance(p);
  char escape = '\\';
  if (p_accept(p, KW_UESCAPE)) {
    const sql_token *esc_tok = p_tok(p);
    if (!p_check(p, TOK_STRING)) p_fail_syntax(p);
    sql_str esc = parse_string_value(p);
    char e = esc.len == 1 ? esc.ptr[0] : 0;
    if (esc.len != 1 || hex_value(e) >= 0 || e == '+' || e == '\'' || e == '"' || e == ' ' ||
        e == '\t' || e == '\n' || e == '\r')
      p_fail_at(p, esc_tok, "Invalid Unicode escape character: %.*s", (int)esc.len, esc.ptr);
    escape = e;
  } else {
    p_record(p, KW_UESCAPE);
  }
  return decode_unicode(p, tok, raw, escape);
}

ast_node *p_string_literal(parser *p) {
  const sql_token *tok = p_tok(p);
  p_label(p, TOK_LABEL_STRING);
  if (tok->type != TOK_STRING && tok->type != TOK_UNICODE_STRING) p_fail_syntax(p);
  ast_node *node = p_node(p, AST_STRING_LITERAL, tok);
  node->u.literal.text = parse_string_value(p);
  return node;
}

static ast_node *parse_binary_literal(parser *p) {
  const sql_token *tok = p_tok(p);
  const char *body = p->text + tok->offset + 2;
  uint32_t len = tok->length - 3;
  char *out = p_alloc(p, len / 2 + 1);
  uint32_t digits = 0, n = 0;
  int high = 0;
  for (uint32_t i = 0; i < len; i++) {
    char c = body[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') continue;
    int h = hex_value(c);
    if (h < 0) p_fail_at(p, tok, "Binary literal can only contain hexadecimal digits");
    if (digits++ % 2 == 0) high = h;
    else out[n++] = (char)(high * 16 + h);
  }
  if (digits % 2) p_fail_at(p, tok, "Binary literal must contain an even number of digits");
  ast_node *node = p_node(p, AST_BINARY_LITERAL, tok);
  node->u.literal.text = (sql_str){out, n};
  p_advance(p);
  return node;
}

static bool parse_interval_field(parser *p, ast_interval_field *field) {
  static const sql_token_type fields[] = {KW_YEAR, KW_MONTH, KW_DAY, KW_HOUR, KW_MINUTE, KW_SECOND};
  for (int i = 0; i < 6; i++) {
    if (p_accept(p, fields[i])) {
      *field = (ast_interval_field)i;
      return true;
    }
  }
  return false;
}

static bool is_interval_field(sql_token_type t) {
  return t == KW_YEAR || t == KW_MONTH || t == KW_DAY || t == KW_HOUR || t == KW_MINUTE ||
         t == KW_SECOND;
}

static ast_node *parse_interval_literal(parser *p) {
  const sql_token *at = p_expect(p, KW_INTERVAL);
  ast_node *node = p_node(p, AST_INTERVAL_LITERAL, at);
  node->u.interval.sign = 1;
  if (p_accept(p, TOK_MINUS)) node->u.interval.sign = -1;
  else p_accept(p, TOK_PLUS);
  node->u.interval.value = p_string_literal(p)->u.literal.text;
  if (!parse_interval_field(p, &node->u.interval.start)) p_fail_syntax(p);
  node->u.interval.end = AST_FIELD_NONE;
  if (p_accept(p, KW_TO) && !parse_interval_field(p, &node->u.interval.end)) p_fail_syntax(p);
  return node;
}

/* ---- names and calls --------------------------------------------------------- */

static ast_node *make_name(parser *p, const char *name, const sql_token *at) {
  ast_node *ident = p_node(p, AST_IDENTIFIER, at);
  ident->u.identifier.value = p_str(p, name, strlen(name));
  ident->u.identifier.text = ident->u.identifier.value;
  ast_node *qname = p_node(p, AST_QUALIFIED_NAME, at);
  qname->u.list.items = p_list1(p, ident);
  return qname;
}

static ast_node *make_call(parser *p, const char *name, const sql_token *at, int argc, ast_node **args) {
  ast_node *call = p_node(p, AST_FUNCTION_CALL, at);
  call->u.call.name = make_name(p, name, at);
  list_builder list = {0};
  for (int i = 0; i < argc; i++)
    if (args[i]) p_push(p, &list, args[i]);
  call->u.call.args = p_list(&list);
  return call;
}

static bool is_window_name(parser *p) {
  sql_token_type t = p_type(p), next = p_peek(p, 1);
  if (!p_is_identifier_token(t)) return false;
  if (t == KW_PARTITION && next == KW_BY) return false;
  if ((t == KW_ROWS || t == KW_RANGE || t == KW_GROUPS) && next != TOK_RPAREN) return false;
  return next == TOK_RPAREN || next == KW_PARTITION || next == KW_ORDER || next == KW_ROWS ||
         next == KW_RANGE || next == KW_GROUPS;
}

static ast_node *parse_frame_bound(parser *p) {
  const sql_token *at = p_tok(p);
  ast_node *bound = p_node(p, AST_FRAME_BOUND, at);
  if (p_check(p, KW_UNBOUNDED) && (p_peek(p, 1) == KW_PRECEDING || p_peek(p, 1) == KW_FOLLOWING)) {
    p_advance(p);
    bound->u.unary.op = p_type(p) == KW_PRECEDING ? AST_BOUND_UNBOUNDED_PRECEDING
                                                   : AST_BOUND_UNBOUNDED_FOLLOWING;
    p_advance(p);
    return bound;
  }
  if (p_check(p, KW_CURRENT) && p_peek(p, 1) == KW_ROW) {
    p_advance(p);
    p_advance(p);
    bound->u.unary.op = AST_BOUND_CURRENT_ROW;
    return bound;
  }
  bound->u.unary.operand = parse_expression(p);
  if (p_accept(p, KW_PRECEDING)) bound->u.unary.op = AST_BOUND_PRECEDING;
  else if (p_accept(p, KW_FOLLOWING)) bound->u.unary.op = AST_BOUND_FOLLOWING;
  else p_fail_syntax(p);
  return bound;
}

ast_node *parse_window_specification(parser *p, const sql_token *at) {
  ast_node *spec = p_node(p, AST_WINDOW_SPECIFICATION, at);
  p_record(p, TOK_LABEL_IDENTIFIER);
  if (is_window_name(p)) spec->u.window.existing_name = p_identifier(p);
  if (p_check(p, KW_PARTITION) && p_peek(p, 1) == KW_BY) {
    p_advance(p);
    p_advance(p);
    list_builder parts = {0};
    do p_push(p, &parts, parse_expression(p));
    while (p_accept(p, TOK_COMMA));
    spec->u.window.partition_by = p_list(&parts);
  }
  if (p_accept(p, KW_ORDER)) {
    p_expect(p, KW_BY);
    spec->u.window.order_by = parse_sort_items(p);
  }
  const sql_token *frame_at = p_tok(p);
  ast_frame_type type;
  bool has_frame = true;
  if (p_accept(p, KW_RANGE)) type = AST_FRAME_RANGE;
  else if (p_accept(p, KW_ROWS)) type = AST_FRAME_ROWS;
  else if (p_accept(p, KW_GROUPS)) type = AST_FRAME_GROUPS;
  else has_frame = false;
  if (has_frame) {
    ast_node *frame = p_node(p, AST_WINDOW_FRAME, frame_at);
    frame->u.frame.type = type;
    if (p_accept(p, KW_BETWEEN)) {
      frame->u.frame.start = parse_frame_bound(p);
      p_expect(p, KW_AND);
      frame->u.frame.end = parse_frame_bound(p);
    } else {
      frame->u.frame.start = parse_frame_bound(p);
    }
    spec->u.window.frame = frame;
  }
  return spec;
}

static void parse_call_suffix(parser *p, ast_node *call) {
  if (p_check(p, KW_FILTER) && p_peek(p, 1) == TOK_LPAREN && p_peek(p, 2) == KW_WHERE) {
    p_advance(p);
    p_advance(p);
    p_advance(p);
    call->u.call.filter = parse_expression(p);
    p_expect(p, TOK_RPAREN);
  }
  bool ignore = p_check(p, KW_IGNORE), respect = p_check(p, KW_RESPECT);
  bool treated = false;
  if ((ignore || respect) && p_peek(p, 1) == KW_NULLS && p_peek(p, 2) == KW_OVER) {
    p_advance(p);
    p_advance(p);
    call->u.call.null_treatment = ignore ? AST_NULLS_IGNORE : AST_NULLS_RESPECT;
    treated = true;
  }
  /* after IGNORE/RESPECT NULLS, OVER must start a window (Trino's grammar:
   * nullTreatment only before over), never be an alias */
  if (treated || (p_check(p, KW_OVER) && (p_peek(p, 1) == TOK_LPAREN || p_is_identifier_token(p_peek(p, 1))))) {
    p_advance(p);
    const sql_token *open = p_tok(p);
    if (p_accept(p, TOK_LPAREN)) {
      call->u.call.window = parse_window_specification(p, open);
      p_expect(p, TOK_RPAREN);
    } else {
      call->u.call.window = p_identifier(p);
    }
  }
}

static bool is_listagg(const ast_node *name) {
  if (name->u.list.items.count != 1) return false;
  const ast_node *id = name->u.list.items.items[0];
  return !id->u.identifier.quoted && id->u.identifier.value.len == 7 &&
         memcmp(id->u.identifier.value.ptr, "listagg", 7) == 0;
}

static ast_node *literal_node(parser *p, ast_kind kind, const sql_token *at) {
  return p_node(p, kind, at);
}

/* listagg(x [, separator] [ON OVERFLOW ERROR | TRUNCATE [filler] WITH|WITHOUT
 * COUNT]) becomes listagg(x, separator, overflow_error, filler, show_count)
 * as Trino's parser does (defaults '', true, '...', false); a call already
 * written with five arguments is left as it is. */
static void complete_listagg(parser *p, ast_node *call, list_builder *args, const sql_token *at) {
  if (call->u.call.args.count > 2) return;
  if (call->u.call.args.count == 1) {
    ast_node *separator = literal_node(p, AST_STRING_LITERAL, at);
    separator->u.literal.text = p_str(p, "", 0);
    p_push(p, args, separator);
  }
  ast_node *error = literal_node(p, AST_BOOLEAN_LITERAL, at);
  ast_node *filler = literal_node(p, AST_STRING_LITERAL, at);
  ast_node *count = literal_node(p, AST_BOOLEAN_LITERAL, at);
  error->u.literal.flag = true;
  filler->u.literal.text = p_str(p, "...", 3);
  count->u.literal.flag = false;
  if (p_check(p, KW_ON) && p_peek(p, 1) == KW_OVERFLOW) {
    p_advance(p);
    p_advance(p);
    if (!p_accept(p, KW_ERROR)) {
      p_expect(p, KW_TRUNCATE);
      error->u.literal.flag = false;
      if (p_check(p, TOK_STRING) || p_check(p, TOK_UNICODE_STRING)) filler = p_string_literal(p);
      if (!p_accept(p, KW_WITHOUT)) {
        p_expect(p, KW_WITH);
        count->u.literal.flag = true;
      }
      p_expect(p, KW_COUNT);
    }
  }
  p_push(p, args, error);
  p_push(p, args, filler);
  p_push(p, args, count);
}

static ast_node *parse_function_call(parser *p, ast_node *name, const sql_token *at) {
  ast_node *call = p_node(p, AST_FUNCTION_CALL, at);
  call->u.call.name = name;
  p_expect(p, TOK_LPAREN);
  if (p_check(p, TOK_STAR)) {
    p_advance(p);
    call->u.call.star = true;
  } else if (!p_check(p, TOK_RPAREN)) {
    if (p_accept(p, KW_DISTINCT)) call->u.call.distinct = true;
    else p_accept(p, KW_ALL);
    list_builder args = {0};
    do p_push(p, &args, parse_expression(p));
    while (p_accept(p, TOK_COMMA));
    call->u.call.args = p_list(&args);
    if (is_listagg(name)) {
      complete_listagg(p, call, &args, at);
      call->u.call.args = p_list(&args);
    }
    if (p_accept(p, KW_ORDER)) {
      p_expect(p, KW_BY);
      call->u.call.order_by = parse_sort_items(p);
    }
  }
  p_expect(p, TOK_RPAREN);
  /* listagg(...) WITHIN GROUP (ORDER BY ...) */
  if (is_listagg(name) && call->u.call.args.count && !call->u.call.order_by.count && p_check(p, KW_WITHIN) &&
      p_peek(p, 1) == KW_GROUP) {
    p_advance(p);
    p_advance(p);
    p_expect(p, TOK_LPAREN);
    p_expect(p, KW_ORDER);
    p_expect(p, KW_BY);
    call->u.call.order_by = parse_sort_items(p);
    p_expect(p, TOK_RPAREN);
  }
  parse_call_suffix(p, call);
  return call;
}

/* Is `kind` at depth 0 inside the parentheses opened at index open? */
static bool top_level_in_parens(const parser *p, uint32_t open, sql_token_type kind) {
  uint32_t close = p_match(p, open);
  if (close == UINT32_MAX) return false;
  int depth = 0;
  for (uint32_t i = open + 1; i < close; i++) {
    sql_token_type t = p_type_at(p, i);
    if (t == TOK_LPAREN || t == TOK_LBRACKET) depth++;
    else if (t == TOK_RPAREN || t == TOK_RBRACKET) depth--;
    else if (depth == 0 && t == kind) return true;
  }
  return false;
}

/* ---- special forms ----------------------------------------------------------- */

static ast_node *parse_case(parser *p, const sql_token *at) {
  ast_node *node = p_node(p, AST_CASE, at);
  if (!p_check(p, KW_WHEN)) node->u.case_expr.operand = parse_expression(p);
  list_builder whens = {0};
  do {
    const sql_token *when_at = p_expect(p, KW_WHEN);
    ast_node *when = p_node(p, AST_WHEN_CLAUSE, when_at);
    when->u.binary.left = parse_expression(p);
    p_expect(p, KW_THEN);
    when->u.binary.right = parse_expression(p);
    p_push(p, &whens, when);
  } while (p_check(p, KW_WHEN));
  node->u.case_expr.whens = p_list(&whens);
  if (p_accept(p, KW_ELSE)) node->u.case_expr.else_value = parse_expression(p);
  p_expect(p, KW_END);
  return node;
}

static ast_node *parse_cast(parser *p, const sql_token *at, bool safe) {
  ast_node *node = p_node(p, AST_CAST, at);
  node->u.cast.safe = safe;
  p_expect(p, TOK_LPAREN);
  node->u.cast.value = parse_expression(p);
  p_expect(p, KW_AS);
  node->u.cast.type = parse_type(p);
  p_expect(p, TOK_RPAREN);
  return node;
}

static ast_node *parse_current(parser *p, const sql_token *at) {
  ast_node *node = p_node(p, AST_CURRENT, at);
  node->u.current.precision = -1;
  sql_token_type t = (sql_token_type)at->type;
  switch (t) {
    case KW_CURRENT_DATE: node->u.current.what = AST_CURRENT_DATE; return node;
    case KW_CURRENT_USER: node->u.current.what = AST_CURRENT_USER; return node;
    case KW_CURRENT_CATALOG: node->u.current.what = AST_CURRENT_CATALOG; return node;
    case KW_CURRENT_SCHEMA: node->u.current.what = AST_CURRENT_SCHEMA; return node;
    case KW_CURRENT_PATH: node->u.current.what = AST_CURRENT_PATH; return node;
    case KW_CURRENT_TIME: node->u.current.what = AST_CURRENT_TIME; break;
    case KW_CURRENT_TIMESTAMP: node->u.current.what = AST_CURRENT_TIMESTAMP; break;
    case KW_LOCALTIME: node->u.current.what = AST_LOCALTIME; break;
    default: node->u.current.what = AST_LOCALTIMESTAMP; break;
  }
  if (p_check(p, TOK_LPAREN)) {
    p_advance(p);
    const sql_token *prec_tok = p_tok(p);
    ast_node *prec = p_integer_literal(p);
    if (prec->u.literal.int_value > 1000000) p_fail_at(p, prec_tok, "Invalid precision: %s", prec->u.literal.text.ptr);
    node->u.current.precision = (int)prec->u.literal.int_value;
    p_expect(p, TOK_RPAREN);
  }
  return node;
}

static ast_node *parse_trim(parser *p, const sql_token *at) {
  p_expect(p, TOK_LPAREN);
  const char *name = "trim";
  bool has_spec = true;
  if (p_accept(p, KW_BOTH)) name = "trim";
  else if (p_accept(p, KW_LEADING)) name = "ltrim";
  else if (p_accept(p, KW_TRAILING)) name = "rtrim";
  else has_spec = false;
  ast_node *chars = NULL, *source;
  if (has_spec && p_accept(p, KW_FROM)) {
    source = parse_value_expression(p);
  } else {
    ast_node *first = parse_value_expression(p);
    if (p_accept(p, KW_FROM)) {
      chars = first;
      source = parse_value_expression(p);
    } else if (!has_spec && p_accept(p, TOK_COMMA)) {
      source = first;
      chars = parse_value_expression(p);
    } else {
      if (has_spec) p_expect(p, KW_FROM);
      source = first;
    }
  }
  p_expect(p, TOK_RPAREN);
  ast_node *args[2] = {source, chars};
  return make_call(p, name, at, 2, args);
}

static ast_node *parse_special_call(parser *p, const sql_token *at) {
  sql_token_type t = (sql_token_type)at->type;
  if (t == KW_POSITION) {
    p_expect(p, TOK_LPAREN);
    ast_node *needle = parse_value_expression(p);
    p_expect(p, KW_IN);
    ast_node *haystack = parse_value_expression(p);
    p_expect(p, TOK_RPAREN);
    ast_node *args[2] = {haystack, needle};
    return make_call(p, "strpos", at, 2, args);
  }
  if (t == KW_SUBSTRING) {
    p_expect(p, TOK_LPAREN);
    ast_node *args[3] = {parse_value_expression(p), NULL, NULL};
    p_expect(p, KW_FROM);
    args[1] = parse_value_expression(p);
    if (p_accept(p, KW_FOR)) args[2] = parse_value_expression(p);
    p_expect(p, TOK_RPAREN);
    return make_call(p, "substring", at, 3, args);
  }
  if (t == KW_NORMALIZE) {
    p_expect(p, TOK_LPAREN);
    ast_node *args[2] = {parse_value_expression(p), NULL};
    if (p_accept(p, TOK_COMMA)) {
      const sql_token *form = p_tok(p);
      if (!p_check(p, KW_NFD) && !p_check(p, KW_NFC) && !p_check(p, KW_NFKD) && !p_check(p, KW_NFKC))
        p_fail_syntax(p);
      args[1] = p_identifier(p);
      (void)form;
    }
    p_expect(p, TOK_RPAREN);
    return make_call(p, "normalize", at, 2, args);
  }
  return parse_trim(p, at);
}

static bool is_lambda_params_at(const parser *p, uint32_t open) {
  uint32_t close = p_match(p, open);
  if (close == UINT32_MAX || p_type_at(p, close + 1) != TOK_ARROW) return false;
  for (uint32_t i = open + 1; i < close; i++) {
    bool want_ident = ((i - open) % 2) == 1;
    sql_token_type t = p_type_at(p, i);
    if (want_ident ? !p_is_identifier_token(t) : t != TOK_COMMA) return false;
  }
  return close == open + 1 || ((close - open) % 2) == 0;
}

static ast_node *parse_lambda(parser *p, const sql_token *at) {
  ast_node *node = p_node(p, AST_LAMBDA, at);
  list_builder params = {0};
  if (p_accept(p, TOK_LPAREN)) {
    if (!p_check(p, TOK_RPAREN)) {
      do p_push(p, &params, p_identifier(p));
      while (p_accept(p, TOK_COMMA));
    }
    p_expect(p, TOK_RPAREN);
  } else {
    p_push(p, &params, p_identifier(p));
  }
  node->u.lambda.params = p_list(&params);
  p_expect(p, TOK_ARROW);
  node->u.lambda.body = parse_expression(p);
  return node;
}

static ast_node *parse_parenthesized(parser *p, const sql_token *at) {
  if (is_lambda_params_at(p, p->pos)) return parse_lambda(p, at);
  if (p_paren_is_query(p, p->pos)) {
    p_advance(p);
    ast_node *node = p_node(p, AST_SUBQUERY_EXPRESSION, at);
    node->u.unary.operand = parse_query(p);
    p_expect(p, TOK_RPAREN);
    return node;
  }
  p_advance(p);
  ast_node *first = parse_expression(p);
  if (!p_check(p, TOK_COMMA)) {
    p_expect(p, TOK_RPAREN);
    return first;
  }
  list_builder items = {0};
  p_push(p, &items, first);
  while (p_accept(p, TOK_COMMA)) p_push(p, &items, parse_expression(p));
  p_expect(p, TOK_RPAREN);
  ast_node *row = p_node(p, AST_ROW_CONSTRUCTOR, at);
  row->u.list.items = p_list(&items);
  return row;
}

static ast_node *parse_expression_list_node(parser *p, ast_kind kind, const sql_token *at,
                                            sql_token_type open, sql_token_type close) {
  ast_node *node = p_node(p, kind, at);
  p_expect(p, open);
  list_builder items = {0};
  if (kind != AST_ARRAY_CONSTRUCTOR || !p_check(p, close)) {
    do p_push(p, &items, parse_expression(p));
    while (p_accept(p, TOK_COMMA));
  }
  p_expect(p, close);
  node->u.list.items = p_list(&items);
  return node;
}

static ast_node *parse_identifier_primary(parser *p, const sql_token *at) {
  sql_token_type next = p_peek(p, 1);
  if (next == TOK_ARROW) return parse_lambda(p, at);
  if (next == TOK_STRING || next == TOK_UNICODE_STRING) {
    ast_node *node = p_node(p, AST_TYPED_LITERAL, at);
    node->u.typed_literal.type_name = p_identifier(p);
    node->u.typed_literal.value = parse_string_value(p);
    return node;
  }
  uint32_t i = p->pos;
  while (p_type_at(p, i + 1) == TOK_DOT && p_is_identifier_token(p_type_at(p, i + 2))) i += 2;
  if (p_type_at(p, i + 1) == TOK_LPAREN) return parse_function_call(p, p_qualified_name(p), at);
  return p_identifier(p);
}

ast_node *parse_primary_expression(parser *p) {
  const sql_token *at = p_tok(p);
  sql_token_type t = p_type(p);
  sql_token_type next = p_peek(p, 1);
  switch (t) {
    case TOK_INTEGER: case TOK_DECIMAL: case TOK_DOUBLE:
      return parse_number(p, at, false);
    case TOK_STRING: case TOK_UNICODE_STRING: {
      ast_node *node = p_node(p, AST_STRING_LITERAL, at);
      node->u.literal.text = parse_string_value(p);
      return node;
    }
    case TOK_BINARY: return parse_binary_literal(p);
    case TOK_QUESTION: {
      p_advance(p);
      ast_node *node = p_node(p, AST_PARAMETER, at);
      node->u.literal.int_value = p->parameter_count++;
      return node;
    }
    case KW_NULL: p_advance(p); return p_node(p, AST_NULL_LITERAL, at);
    case KW_TRUE: case KW_FALSE: {
      p_advance(p);
      ast_node *node = p_node(p, AST_BOOLEAN_LITERAL, at);
      node->u.literal.flag = t == KW_TRUE;
      return node;
    }
    case TOK_LPAREN: return parse_parenthesized(p, at);
    case KW_LISTAGG:
      if (next == TOK_LPAREN) {
        /* a reserved word in Trino's grammar, spelled like a function */
        ast_node *id = p_node(p, AST_IDENTIFIER, at);
        id->u.identifier.text = p_token_text(p, at);
        id->u.identifier.value = p_str(p, "listagg", 7);
        ast_node *name = p_node(p, AST_QUALIFIED_NAME, at);
        name->u.list.items = p_list1(p, id);
        p_advance(p);
        return parse_function_call(p, name, at);
      }
      break;
    case KW_CASE: p_advance(p); return parse_case(p, at);
    case KW_CAST: p_advance(p); return parse_cast(p, at, false);
    case KW_EXISTS: {
      p_advance(p);
      ast_node *node = p_node(p, AST_EXISTS, at);
      p_expect(p, TOK_LPAREN);
      node->u.unary.operand = parse_query(p);
      p_expect(p, TOK_RPAREN);
      return node;
    }
    case KW_EXTRACT: {
      p_advance(p);
      ast_node *node = p_node(p, AST_EXTRACT, at);
      p_expect(p, TOK_LPAREN);
      node->u.binary.left = p_identifier(p);
      p_expect(p, KW_FROM);
      node->u.binary.right = parse_value_expression(p);
      p_expect(p, TOK_RPAREN);
      return node;
    }
    case KW_CURRENT_DATE: case KW_CURRENT_TIME: case KW_CURRENT_TIMESTAMP: case KW_LOCALTIME:
    case KW_LOCALTIMESTAMP: case KW_CURRENT_USER: case KW_CURRENT_CATALOG:
    case KW_CURRENT_SCHEMA: case KW_CURRENT_PATH:
      p_advance(p);
      return parse_current(p, at);
    case KW_GROUPING: {
      p_advance(p);
      ast_node *node = p_node(p, AST_GROUPING_OPERATION, at);
      p_expect(p, TOK_LPAREN);
      list_builder names = {0};
      if (!p_check(p, TOK_RPAREN)) {
        do p_push(p, &names, p_qualified_name(p));
        while (p_accept(p, TOK_COMMA));
      }
      p_expect(p, TOK_RPAREN);
      node->u.list.items = p_list(&names);
      return node;
    }
    case KW_TRIM: case KW_NORMALIZE:
      p_advance(p);
      return parse_special_call(p, at);
    default: break;
  }
  /* non-reserved words with a special meaning in front of certain tokens */
  if (t == KW_TRY_CAST && next == TOK_LPAREN) {
    p_advance(p);
    return parse_cast(p, at, true);
  }
  if (t == KW_ARRAY && next == TOK_LBRACKET) {
    p_advance(p);
    return parse_expression_list_node(p, AST_ARRAY_CONSTRUCTOR, at, TOK_LBRACKET, TOK_RBRACKET);
  }
  if (t == KW_ROW && next == TOK_LPAREN) {
    p_advance(p);
    return parse_expression_list_node(p, AST_ROW_CONSTRUCTOR, at, TOK_LPAREN, TOK_RPAREN);
  }
  if (t == KW_INTERVAL &&
      (next == TOK_STRING || next == TOK_UNICODE_STRING ||
       ((next == TOK_PLUS || next == TOK_MINUS) &&
        (p_peek(p, 2) == TOK_STRING || p_peek(p, 2) == TOK_UNICODE_STRING))))
    return parse_interval_literal(p);
  if (t == KW_POSITION && next == TOK_LPAREN) {
    p_advance(p);
    return parse_special_call(p, at);
  }
  if (t == KW_SUBSTRING && next == TOK_LPAREN && top_level_in_parens(p, p->pos + 1, KW_FROM)) {
    p_advance(p);
    return parse_special_call(p, at);
  }
  if (t == KW_DOUBLE && next == KW_PRECISION &&
      (p_peek(p, 2) == TOK_STRING || p_peek(p, 2) == TOK_UNICODE_STRING)) {
    ast_node *node = p_node(p, AST_TYPED_LITERAL, at);
    node->u.typed_literal.type_name = p_identifier(p);
    p_advance(p);
    node->u.typed_literal.value = parse_string_value(p);
    return node;
  }
  if (p_is_identifier_token(t)) return parse_identifier_primary(p, at);
  p_fail_syntax(p);
}

/* ---- operator levels ------------------------------------------------------------ */

static ast_node *parse_postfix(parser *p) {
  ast_node *base = parse_primary_expression(p);
  int chain = 0;
  for (;;) {
    const sql_token *at = p_tok(p);
    if (p_check(p, TOK_LBRACKET)) {
      p_advance(p);
      ast_node *node = p_node(p, AST_SUBSCRIPT, at);
      node->pos = base->pos;
      node->u.binary.left = base;
      node->u.binary.right = parse_value_expression(p);
      p_expect(p, TOK_RBRACKET);
      base = node;
    } else if (p_check(p, TOK_DOT) && p_peek(p, 1) != TOK_STAR) {
      p_advance(p);
      ast_node *node = p_node(p, AST_DEREFERENCE, at);
      node->pos = base->pos;
      node->u.binary.left = base;
      node->u.binary.right = p_identifier(p);
      base = node;
    } else {
      break;
    }
    p_enter(p, 1);
    chain++;
  }
  p_leave(p, chain);
  return base;
}

static ast_node *parse_at_time_zone(parser *p) {
  ast_node *value = parse_postfix(p);
  int chain = 0;
  while (p_check(p, KW_AT) && p_peek(p, 1) == KW_TIME) {
    const sql_token *at = p_tok(p);
    p_advance(p);
    p_advance(p);
    p_expect(p, KW_ZONE);
    ast_node *node = p_node(p, AST_AT_TIME_ZONE, at);
    node->pos = value->pos;
    node->u.binary.left = value;
    if (p_check(p, KW_INTERVAL)) node->u.binary.right = parse_interval_literal(p);
    else node->u.binary.right = p_string_literal(p);
    value = node;
    p_enter(p, 1);
    chain++;
  }
  p_leave(p, chain);
  return value;
}

static bool is_number_token(sql_token_type t) {
  return t == TOK_INTEGER || t == TOK_DECIMAL || t == TOK_DOUBLE;
}

static ast_node *parse_unary(parser *p) {
  p_label(p, TOK_LABEL_EXPRESSION);
  const sql_token *at = p_tok(p);
  sql_token_type t = p_type(p);
  if (t == TOK_MINUS && is_number_token(p_peek(p, 1))) {
    sql_token_type after = p_peek(p, 2);
    if (after != TOK_LBRACKET && after != TOK_DOT && after != KW_AT) {
      p_advance(p);
      return parse_number(p, at, true);
    }
  }
  if (t == TOK_MINUS || t == TOK_PLUS) {
    p_advance(p);
    p_enter(p, 1);
    ast_node *node = p_node(p, AST_ARITHMETIC_UNARY, at);
    node->u.unary.op = t == TOK_MINUS ? AST_OP_MINUS : AST_OP_PLUS;
    node->u.unary.operand = parse_unary(p);
    p_leave(p, 1);
    return node;
  }
  return parse_at_time_zone(p);
}

typedef struct binary_level {
  ast_node *(*operand)(parser *p);
  sql_token_type tokens[3];
  ast_arith_op ops[3];
  int count;
} binary_level;

static ast_node *parse_binary_level(parser *p, const binary_level *level) {
  ast_node *left = level->operand(p);
  int chain = 0;
  for (;;) {
    int found = -1;
    for (int i = 0; i < level->count; i++)
      if (p_check(p, level->tokens[i])) found = i;
    if (found < 0) break;
    const sql_token *at = p_tok(p);
    p_advance(p);
    ast_node *node = p_node(p, AST_ARITHMETIC_BINARY, at);
    node->pos = left->pos;
    node->u.binary.op = level->ops[found];
    node->u.binary.left = left;
    node->u.binary.right = level->operand(p);
    left = node;
    p_enter(p, 1);
    chain++;
  }
  p_leave(p, chain);
  return left;
}

static ast_node *parse_multiplicative(parser *p) {
  static const binary_level level = {parse_unary, {TOK_STAR, TOK_SLASH, TOK_PERCENT},
                                     {AST_OP_MULTIPLY, AST_OP_DIVIDE, AST_OP_MODULUS}, 3};
  return parse_binary_level(p, &level);
}

static ast_node *parse_additive(parser *p) {
  static const binary_level level = {parse_multiplicative, {TOK_PLUS, TOK_MINUS},
                                     {AST_OP_ADD, AST_OP_SUBTRACT}, 2};
  return parse_binary_level(p, &level);
}

ast_node *parse_value_expression(parser *p) {
  static const binary_level level = {parse_additive, {TOK_CONCAT}, {AST_OP_CONCAT}, 1};
  return parse_binary_level(p, &level);
}

static bool comparison_op(sql_token_type t, ast_comparison_op *op) {
  switch (t) {
    case TOK_EQ: *op = AST_CMP_EQ; return true;
    case TOK_NEQ: *op = AST_CMP_NE; return true;
    case TOK_LT: *op = AST_CMP_LT; return true;
    case TOK_LTE: *op = AST_CMP_LE; return true;
    case TOK_GT: *op = AST_CMP_GT; return true;
    case TOK_GTE: *op = AST_CMP_GE; return true;
    default: return false;
  }
}

static ast_node *parse_comparison_rest(parser *p, ast_node *left, const sql_token *at,
                                       ast_comparison_op op) {
  p_record(p, KW_ALL);
  p_record(p, KW_SOME);
  p_record(p, KW_ANY);
  sql_token_type q = p_type(p);
  if ((q == KW_ALL || q == KW_SOME || q == KW_ANY) && p_peek(p, 1) == TOK_LPAREN &&
      p_paren_is_query(p, p->pos + 1)) {
    p_advance(p);
    p_advance(p);
    ast_node *node = p_node(p, AST_QUANTIFIED_COMPARISON, at);
    node->pos = left->pos;
    node->u.quantified.op = op;
    node->u.quantified.quantifier = q == KW_ALL ? AST_QUANT_ALL : q == KW_SOME ? AST_QUANT_SOME : AST_QUANT_ANY;
    node->u.quantified.value = left;
    node->u.quantified.query = parse_query(p);
    p_expect(p, TOK_RPAREN);
    return node;
  }
  ast_node *node = p_node(p, AST_COMPARISON, at);
  node->pos = left->pos;
  node->u.binary.op = op;
  node->u.binary.left = left;
  node->u.binary.right = parse_value_expression(p);
  return node;
}

static ast_node *parse_predicate(parser *p) {
  ast_node *value = parse_value_expression(p);
  const sql_token *at = p_tok(p);
  static const sql_token_type cmp_tokens[] = {TOK_EQ, TOK_NEQ, TOK_LT, TOK_LTE, TOK_GT, TOK_GTE};
  for (int i = 0; i < 6; i++) p_record(p, cmp_tokens[i]);
  ast_comparison_op op;
  if (comparison_op(p_type(p), &op)) {
    p_advance(p);
    return parse_comparison_rest(p, value, at, op);
  }
  p_record(p, KW_IS);
  if (p_accept(p, KW_IS)) {
    bool negated = p_accept(p, KW_NOT);
    if (p_accept(p, KW_NULL)) {
      ast_node *node = p_node(p, AST_IS_NULL, at);
      node->pos = value->pos;
      node->u.predicate.value = value;
      node->u.predicate.negated = negated;
      return node;
    }
    p_expect(p, KW_DISTINCT);
    p_expect(p, KW_FROM);
    ast_node *node = p_node(p, AST_COMPARISON, at);
    node->pos = value->pos;
    node->u.binary.op = AST_CMP_IS_DISTINCT_FROM;
    node->u.binary.left = value;
    node->u.binary.right = parse_value_expression(p);
    if (!negated) return node;
    ast_node *not = p_node(p, AST_NOT, at);
    not->pos = value->pos;
    not->u.unary.operand = node;
    return not;
  }
  bool negated = false;
  if (p_check(p, KW_NOT)) {
    sql_token_type next = p_peek(p, 1);
    if (next != KW_BETWEEN && next != KW_IN && next != KW_LIKE) {
      p_advance(p);
      p_record(p, KW_BETWEEN);
      p_record(p, KW_IN);
      p_record(p, KW_LIKE);
      p_fail_syntax(p);
    }
    p_advance(p);
    negated = true;
  }
  if (p_accept(p, KW_BETWEEN)) {
    ast_node *node = p_node(p, AST_BETWEEN, at);
    node->pos = value->pos;
    node->u.predicate.value = value;
    node->u.predicate.negated = negated;
    node->u.predicate.a = parse_value_expression(p);
    p_expect(p, KW_AND);
    node->u.predicate.b = parse_value_expression(p);
    return node;
  }
  if (p_accept(p, KW_LIKE)) {
    ast_node *node = p_node(p, AST_LIKE, at);
    node->pos = value->pos;
    node->u.predicate.value = value;
    node->u.predicate.negated = negated;
    node->u.predicate.a = parse_value_expression(p);
    if (p_accept(p, KW_ESCAPE)) node->u.predicate.b = parse_value_expression(p);
    return node;
  }
  if (p_accept(p, KW_IN)) {
    if (p_type(p) == TOK_LPAREN && p_paren_is_query(p, p->pos)) {
      p_advance(p);
      ast_node *node = p_node(p, AST_IN_SUBQUERY, at);
      node->pos = value->pos;
      node->u.predicate.value = value;
      node->u.predicate.negated = negated;
      node->u.predicate.a = parse_query(p);
      p_expect(p, TOK_RPAREN);
      return node;
    }
    ast_node *node = p_node(p, AST_IN_LIST, at);
    node->pos = value->pos;
    node->u.in_list.value = value;
    node->u.in_list.negated = negated;
    p_expect(p, TOK_LPAREN);
    list_builder items = {0};
    do p_push(p, &items, parse_expression(p));
    while (p_accept(p, TOK_COMMA));
    p_expect(p, TOK_RPAREN);
    node->u.in_list.items = p_list(&items);
    return node;
  }
  return value;
}

static ast_node *parse_not(parser *p) {
  p_label(p, TOK_LABEL_EXPRESSION);
  const sql_token *at = p_tok(p);
  if (p_accept(p, KW_NOT)) {
    p_enter(p, 1);
    ast_node *node = p_node(p, AST_NOT, at);
    node->u.unary.operand = parse_not(p);
    p_leave(p, 1);
    return node;
  }
  return parse_predicate(p);
}

static ast_node *parse_logical(parser *p, ast_logical_op op) {
  sql_token_type keyword = op == AST_LOGICAL_OR ? KW_OR : KW_AND;
  ast_node *first = op == AST_LOGICAL_OR ? parse_logical(p, AST_LOGICAL_AND) : parse_not(p);
  if (!p_check(p, keyword)) return first;
  ast_node *node = p_node(p, AST_LOGICAL, p_tok(p));
  node->pos = first->pos;
  node->u.logical.op = op;
  list_builder terms = {0};
  ast_node *term = first;
  for (;;) {
    /* flatten (a AND b) AND c written with parentheses */
    if (term->kind == AST_LOGICAL && term->u.logical.op == op) {
      for (uint32_t i = 0; i < term->u.logical.terms.count; i++)
        p_push(p, &terms, term->u.logical.terms.items[i]);
    } else {
      p_push(p, &terms, term);
    }
    if (!p_accept(p, keyword)) break;
    term = op == AST_LOGICAL_OR ? parse_logical(p, AST_LOGICAL_AND) : parse_not(p);
  }
  node->u.logical.terms = p_list(&terms);
  return node;
}

static ast_node *parse_or(parser *p) { return parse_logical(p, AST_LOGICAL_OR); }

ast_node *parse_expression(parser *p) {
  p_label(p, TOK_LABEL_EXPRESSION);
  p_enter(p, 4);
  ast_node *node = parse_or(p);
  p_leave(p, 4);
  return node;
}

/* ---- types --------------------------------------------------------------------- */

static ast_node *parse_type_parameter(parser *p) {
  if (p_type(p) == TOK_INTEGER) return p_integer_literal(p);
  p_record(p, TOK_INTEGER);
  return parse_type(p);
}

static bool starts_type(sql_token_type t) {
  return p_is_identifier_token(t);
}

static ast_node *parse_row_type(parser *p, const sql_token *at) {
  ast_node *node = p_node(p, AST_ROW_TYPE, at);
  p_expect(p, TOK_LPAREN);
  list_builder fields = {0};
  do {
    ast_node *field = p_node(p, AST_ROW_FIELD, p_tok(p));
    sql_token_type t = p_type(p), next = p_peek(p, 1);
    bool type_only = (t == KW_DOUBLE && next == KW_PRECISION) ||
                     (t == KW_INTERVAL && is_interval_field(next)) ||
                     !p_is_identifier_token(t) || !starts_type(next);
    if (!type_only) field->u.binary.left = p_identifier(p);
    field->u.binary.right = parse_type(p);
    p_push(p, &fields, field);
  } while (p_accept(p, TOK_COMMA));
  p_expect(p, TOK_RPAREN);
  node->u.list.items = p_list(&fields);
  return node;
}

static ast_node *make_generic(parser *p, const char *name, const sql_token *at, int argc, ast_node **args) {
  ast_node *node = p_node(p, AST_GENERIC_TYPE, at);
  ast_node *ident = p_node(p, AST_IDENTIFIER, at);
  ident->u.identifier.value = p_str(p, name, strlen(name));
  ident->u.identifier.text = ident->u.identifier.value;
  node->u.generic_type.name = ident;
  list_builder params = {0};
  for (int i = 0; i < argc; i++) p_push(p, &params, args[i]);
  node->u.generic_type.params = p_list(&params);
  return node;
}

static ast_node *parse_base_type(parser *p) {
  const sql_token *at = p_tok(p);
  sql_token_type t = p_type(p), next = p_peek(p, 1);
  if (t == KW_ROW && next == TOK_LPAREN) {
    p_advance(p);
    return parse_row_type(p, at);
  }
  if (t == KW_INTERVAL && is_interval_field(next)) {
    p_advance(p);
    ast_node *node = p_node(p, AST_INTERVAL_TYPE, at);
    node->u.interval.sign = 1;
    parse_interval_field(p, &node->u.interval.start);
    node->u.interval.end = AST_FIELD_NONE;
    if (p_accept(p, KW_TO) && !parse_interval_field(p, &node->u.interval.end)) p_fail_syntax(p);
    return node;
  }
  if (t == KW_TIMESTAMP || t == KW_TIME) {
    p_advance(p);
    ast_node *node = p_node(p, AST_DATETIME_TYPE, at);
    node->u.datetime_type.timestamp = t == KW_TIMESTAMP;
    if (p_accept(p, TOK_LPAREN)) {
      node->u.datetime_type.precision = parse_type_parameter(p);
      p_expect(p, TOK_RPAREN);
    }
    if (p_accept(p, KW_WITH)) {
      p_expect(p, KW_TIME);
      p_expect(p, KW_ZONE);
      node->u.datetime_type.with_time_zone = true;
    } else if (p_accept(p, KW_WITHOUT)) {
      p_expect(p, KW_TIME);
      p_expect(p, KW_ZONE);
    }
    return node;
  }
  if (t == KW_DOUBLE && next == KW_PRECISION) {
    p_advance(p);
    p_advance(p);
    return make_generic(p, "double", at, 0, NULL);
  }
  if ((t == KW_ARRAY || t == KW_MAP) && next == TOK_LT) {
    p_advance(p);
    p_advance(p);
    ast_node *args[2] = {parse_type(p), NULL};
    if (t == KW_MAP) {
      p_expect(p, TOK_COMMA);
      args[1] = parse_type(p);
    }
    p_expect(p, TOK_GT);
    return make_generic(p, t == KW_MAP ? "map" : "array", at, t == KW_MAP ? 2 : 1, args);
  }
  ast_node *node = p_node(p, AST_GENERIC_TYPE, at);
  node->u.generic_type.name = p_identifier(p);
  if (p_accept(p, TOK_LPAREN)) {
    list_builder params = {0};
    do p_push(p, &params, parse_type_parameter(p));
    while (p_accept(p, TOK_COMMA));
    p_expect(p, TOK_RPAREN);
    node->u.generic_type.params = p_list(&params);
  }
  return node;
}

ast_node *parse_type(parser *p) {
  p_label(p, TOK_LABEL_TYPE);
  p_enter(p, 3);
  ast_node *type = parse_base_type(p);
  int chain = 0;
  while (p_check(p, KW_ARRAY)) {
    const sql_token *at = p_tok(p);
    p_advance(p);
    if (p_accept(p, TOK_LBRACKET)) {
      p_integer_literal(p);
      p_expect(p, TOK_RBRACKET);
    }
    type = make_generic(p, "array", at, 1, &type);
    p_enter(p, 1);
    chain++;
  }
  p_leave(p, 3 + chain);
  return type;
}
