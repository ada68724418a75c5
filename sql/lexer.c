/*
 * lexer.c — hand-written tokenizer for Trino's SQL dialect plus the keyword
 * table (see token.h) and token display names used in error messages.
 */
#include "sql/lexer.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* ---- keyword table ---------------------------------------------------- */

typedef struct keyword_entry {
  const char *text;
  uint16_t type;
  bool reserved;
} keyword_entry;

#define KW_R_(name) {#name, KW_##name, true},
#define KW_N_(name) {#name, KW_##name, false},
static const keyword_entry keyword_table[] = {SQL_KEYWORDS(KW_R_, KW_N_)};
#undef KW_R_
#undef KW_N_
enum { KEYWORD_COUNT = sizeof keyword_table / sizeof keyword_table[0] };

static const char *keyword_spelling(const keyword_entry *entry) {
  return entry->type == KW_STRING_KW ? "STRING" : entry->text;
}

bool sql_token_is_keyword(sql_token_type type) {
  return type >= SQL_TOKEN_FIRST_KEYWORD && type <= SQL_TOKEN_LAST_KEYWORD;
}

bool sql_token_is_reserved(sql_token_type type) {
  return sql_token_is_keyword(type) && keyword_table[type - SQL_TOKEN_FIRST_KEYWORD].reserved;
}

const char *sql_keyword_text(sql_token_type type) {
  if (!sql_token_is_keyword(type)) return NULL;
  return keyword_spelling(&keyword_table[type - SQL_TOKEN_FIRST_KEYWORD]);
}

sql_token_type sql_keyword_lookup(const char *word, uint32_t length) {
  char upper[24];
  if (length == 0 || length >= sizeof upper) return TOK_IDENT;
  for (uint32_t i = 0; i < length; i++) {
    char c = word[i];
    upper[i] = (c >= 'a' && c <= 'z') ? (char)(c - 32) : c;
  }
  upper[length] = '\0';
  int lo = 0, hi = KEYWORD_COUNT - 1;
  while (lo <= hi) {
    int mid = (lo + hi) / 2;
    int cmp = strcmp(upper, keyword_spelling(&keyword_table[mid]));
    if (cmp == 0) return (sql_token_type)keyword_table[mid].type;
    if (cmp < 0) hi = mid - 1;
    else lo = mid + 1;
  }
  return TOK_IDENT;
}

/* Display names: keywords get 'WORD'; the rest are listed here. */
static const char *const fixed_names[] = {
  [TOK_EOF] = "<EOF>",
  [TOK_IDENT] = "IDENTIFIER",
  [TOK_QUOTED_IDENT] = "QUOTED_IDENTIFIER",
  [TOK_BACKQUOTED_IDENT] = "BACKQUOTED_IDENTIFIER",
  [TOK_DIGIT_IDENT] = "DIGIT_IDENTIFIER",
  [TOK_STRING] = "STRING",
  [TOK_UNICODE_STRING] = "UNICODE_STRING",
  [TOK_BINARY] = "BINARY_LITERAL",
  [TOK_INTEGER] = "<integer>",
  [TOK_DECIMAL] = "DECIMAL_VALUE",
  [TOK_DOUBLE] = "DOUBLE_VALUE",
  [TOK_EQ] = "'='", [TOK_NEQ] = "'<>'", [TOK_LT] = "'<'", [TOK_LTE] = "'<='",
  [TOK_GT] = "'>'", [TOK_GTE] = "'>='", [TOK_PLUS] = "'+'", [TOK_MINUS] = "'-'",
  [TOK_STAR] = "'*'", [TOK_SLASH] = "'/'", [TOK_PERCENT] = "'%'",
  [TOK_CONCAT] = "'||'", [TOK_QUESTION] = "'?'", [TOK_SEMICOLON] = "';'",
  [TOK_COMMA] = "','", [TOK_DOT] = "'.'", [TOK_LPAREN] = "'('", [TOK_RPAREN] = "')'",
  [TOK_LBRACKET] = "'['", [TOK_RBRACKET] = "']'", [TOK_ARROW] = "'->'",
  [TOK_FAT_ARROW] = "'=>'", [TOK_COLON] = "':'", [TOK_UNRECOGNIZED] = "UNRECOGNIZED",
  [TOK_LABEL_EXPRESSION] = "<expression>", [TOK_LABEL_IDENTIFIER] = "<identifier>",
  [TOK_LABEL_STRING] = "<string>", [TOK_LABEL_QUERY] = "<query>",
  [TOK_LABEL_TYPE] = "<type>",
};

#define KW_DISPLAY_(name) [KW_##name] = "'" #name "'",
static const char *const keyword_display_names[TOK__COUNT] = {
  SQL_KEYWORDS(KW_DISPLAY_, KW_DISPLAY_)
};
#undef KW_DISPLAY_

const char *sql_token_display_name(sql_token_type type) {
  if (type == KW_STRING_KW) return "'STRING'";
  if (sql_token_is_keyword(type)) return keyword_display_names[type];
  if ((size_t)type < sizeof fixed_names / sizeof fixed_names[0] && fixed_names[type])
    return fixed_names[type];
  return "?";
}

/* ---- scanner ----------------------------------------------------------- */

typedef struct lexer {
  const char *text;
  size_t length;
  size_t pos;
  uint32_t line, column;
  sql_arena *arena;
  sql_token *tokens;
  uint32_t count, capacity;
} lexer;

static inline bool is_digit(char c) { return c >= '0' && c <= '9'; }
static inline bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static inline bool is_ident_char(char c) { return is_letter(c) || is_digit(c) || c == '_'; }
static inline bool is_hex(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static inline char at(const lexer *lx, size_t i) { return i < lx->length ? lx->text[i] : '\0'; }

/* Moves pos forward by n bytes, keeping line and column. */
static void advance(lexer *lx, size_t n) {
  size_t end = lx->pos + n;
  for (size_t i = lx->pos; i < end; i++) {
    unsigned char c = (unsigned char)lx->text[i];
    if (c == '\n') {
      lx->line++;
      lx->column = 1;
    } else if ((c & 0xC0) != 0x80) {
      lx->column++;
    }
  }
  lx->pos = end;
}

static int emit(lexer *lx, sql_token_type type, size_t length) {
  if (lx->count == lx->capacity) {
    uint32_t cap = lx->capacity ? lx->capacity * 2 : 64;
    sql_token *grown = sql_arena_alloc(lx->arena, sizeof(sql_token) * cap);
    if (!grown) return -1;
    if (lx->count) memcpy(grown, lx->tokens, sizeof(sql_token) * lx->count);
    lx->tokens = grown;
    lx->capacity = cap;
  }
  sql_token *tok = &lx->tokens[lx->count++];
  tok->type = (uint16_t)type;
  tok->offset = (uint32_t)lx->pos;
  tok->length = (uint32_t)length;
  tok->line = lx->line;
  tok->column = lx->column;
  advance(lx, length);
  return 0;
}

/* Length of a quoted run starting at pos (the opening quote) closed by the same
 * quote, where a doubled quote is an escape (if doubled_escapes). 0 if unterminated. */
static size_t quoted_length(const lexer *lx, size_t start, char quote, bool doubled_escapes) {
  size_t i = start + 1;
  while (i < lx->length) {
    if (lx->text[i] == quote) {
      if (doubled_escapes && at(lx, i + 1) == quote) {
        i += 2;
        continue;
      }
      return i + 1 - start;
    }
    i++;
  }
  return 0;
}

/* Nested block comment starting at pos; 0 if unterminated. */
static size_t block_comment_length(const lexer *lx) {
  size_t i = lx->pos + 2;
  int depth = 1;
  while (i < lx->length) {
    if (lx->text[i] == '*' && at(lx, i + 1) == '/') {
      i += 2;
      if (--depth == 0) return i - lx->pos;
    } else if (lx->text[i] == '/' && at(lx, i + 1) == '*') {
      i += 2;
      depth++;
    } else {
      i++;
    }
  }
  return 0;
}

/* DIGIT ('_'? DIGIT)* from i; returns end index (== i when no digit). */
static size_t scan_decimal_integer(const lexer *lx, size_t i) {
  if (!is_digit(at(lx, i))) return i;
  i++;
  for (;;) {
    if (is_digit(at(lx, i))) i++;
    else if (at(lx, i) == '_' && is_digit(at(lx, i + 1))) i += 2;
    else return i;
  }
}

static size_t scan_digits(const lexer *lx, size_t i) {
  while (is_digit(at(lx, i))) i++;
  return i;
}

/* 'E' [+-]? DIGIT+ from i; returns end or 0 when absent. */
static size_t scan_exponent(const lexer *lx, size_t i) {
  if (at(lx, i) != 'e' && at(lx, i) != 'E') return 0;
  i++;
  if (at(lx, i) == '+' || at(lx, i) == '-') i++;
  if (!is_digit(at(lx, i))) return 0;
  return scan_digits(lx, i);
}

static size_t scan_radix_integer(const lexer *lx, size_t start) {
  if (at(lx, start) != '0') return start;
  char kind = at(lx, start + 1);
  size_t i = start + 2;
  size_t digits = 0;
  for (;;) {
    size_t j = i;
    if (at(lx, j) == '_') j++;
    char c = at(lx, j);
    bool ok = (kind == 'x' || kind == 'X') ? is_hex(c)
            : (kind == 'o' || kind == 'O') ? (c >= '0' && c <= '7')
            : (kind == 'b' || kind == 'B') ? (c == '0' || c == '1')
            : false;
    if (!ok) break;
    i = j + 1;
    digits++;
  }
  return digits ? i : start;
}

/* A token starting with a digit or '.': the longest of the numeric forms and
 * DIGIT_IDENTIFIER; on a tie the earlier grammar rule (numbers) wins. */
static int lex_number(lexer *lx) {
  size_t start = lx->pos;
  sql_token_type best_type = TOK_UNRECOGNIZED;
  size_t best_end = start;
#define CONSIDER(type, end) \
  do { if ((end) > best_end) { best_end = (end); best_type = (type); } } while (0)
  if (is_digit(at(lx, start))) {
    size_t int_end = scan_decimal_integer(lx, start);
    CONSIDER(TOK_INTEGER, int_end);
    CONSIDER(TOK_INTEGER, scan_radix_integer(lx, start));
    if (at(lx, int_end) == '.') CONSIDER(TOK_DECIMAL, scan_decimal_integer(lx, int_end + 1));
    size_t digits_end = scan_digits(lx, start);
    size_t mantissa_end = digits_end;
    if (at(lx, digits_end) == '.') mantissa_end = scan_digits(lx, digits_end + 1);
    size_t exp = scan_exponent(lx, mantissa_end);
    if (exp) CONSIDER(TOK_DOUBLE, exp);
    size_t exp2 = scan_exponent(lx, digits_end);
    if (exp2) CONSIDER(TOK_DOUBLE, exp2);
    size_t ident_end = start + 1;
    while (is_ident_char(at(lx, ident_end))) ident_end++;
    if (ident_end - start >= 2) CONSIDER(TOK_DIGIT_IDENT, ident_end);
  } else { /* '.' DIGIT */
    size_t frac_end = scan_decimal_integer(lx, start + 1);
    CONSIDER(TOK_DECIMAL, frac_end);
    size_t exp = scan_exponent(lx, scan_digits(lx, start + 1));
    if (exp) CONSIDER(TOK_DOUBLE, exp);
  }
#undef CONSIDER
  return emit(lx, best_type, best_end - start);
}

static size_t utf8_char_length(const lexer *lx) {
  unsigned char c = (unsigned char)lx->text[lx->pos];
  size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
  size_t i = 1;
  while (i < n && lx->pos + i < lx->length &&
         ((unsigned char)lx->text[lx->pos + i] & 0xC0) == 0x80)
    i++;
  return i;
}

static int lex_one(lexer *lx) {
  char c = lx->text[lx->pos];
  char next = at(lx, lx->pos + 1);
  switch (c) {
    case ' ': case '\t': case '\r': case '\n':
      advance(lx, 1);
      return 0;
    case '-':
      if (next == '-') {
        size_t i = lx->pos;
        while (i < lx->length && lx->text[i] != '\n') i++;
        advance(lx, i - lx->pos);
        return 0;
      }
      return emit(lx, next == '>' ? TOK_ARROW : TOK_MINUS, next == '>' ? 2 : 1);
    case '/':
      if (next == '*') {
        size_t n = block_comment_length(lx);
        if (n) {
          advance(lx, n);
          return 0;
        }
      }
      return emit(lx, TOK_SLASH, 1);
    case '\'': {
      size_t n = quoted_length(lx, lx->pos, '\'', true);
      return n ? emit(lx, TOK_STRING, n) : emit(lx, TOK_UNRECOGNIZED, 1);
    }
    case '"': {
      size_t n = quoted_length(lx, lx->pos, '"', true);
      return n ? emit(lx, TOK_QUOTED_IDENT, n) : emit(lx, TOK_UNRECOGNIZED, 1);
    }
    case '`': {
      size_t n = quoted_length(lx, lx->pos, '`', true);
      return n ? emit(lx, TOK_BACKQUOTED_IDENT, n) : emit(lx, TOK_UNRECOGNIZED, 1);
    }
    case '=': return emit(lx, next == '>' ? TOK_FAT_ARROW : TOK_EQ, next == '>' ? 2 : 1);
    case '<':
      if (next == '>') return emit(lx, TOK_NEQ, 2);
      if (next == '=') return emit(lx, TOK_LTE, 2);
      return emit(lx, TOK_LT, 1);
    case '>': return next == '=' ? emit(lx, TOK_GTE, 2) : emit(lx, TOK_GT, 1);
    case '!': return next == '=' ? emit(lx, TOK_NEQ, 2) : emit(lx, TOK_UNRECOGNIZED, 1);
    case '|': return next == '|' ? emit(lx, TOK_CONCAT, 2) : emit(lx, TOK_UNRECOGNIZED, 1);
    case '+': return emit(lx, TOK_PLUS, 1);
    case '*': return emit(lx, TOK_STAR, 1);
    case '%': return emit(lx, TOK_PERCENT, 1);
    case '?': return emit(lx, TOK_QUESTION, 1);
    case ';': return emit(lx, TOK_SEMICOLON, 1);
    case ',': return emit(lx, TOK_COMMA, 1);
    case '(': return emit(lx, TOK_LPAREN, 1);
    case ')': return emit(lx, TOK_RPAREN, 1);
    case '[': return emit(lx, TOK_LBRACKET, 1);
    case ']': return emit(lx, TOK_RBRACKET, 1);
    case ':': return emit(lx, TOK_COLON, 1);
    case '.':
      if (is_digit(next)) return lex_number(lx);
      return emit(lx, TOK_DOT, 1);
    default: break;
  }
  if (is_digit(c)) return lex_number(lx);
  if ((c == 'u' || c == 'U') && next == '&' && at(lx, lx->pos + 2) == '\'') {
    size_t n = quoted_length(lx, lx->pos + 2, '\'', true);
    if (n) return emit(lx, TOK_UNICODE_STRING, n + 2);
  }
  if ((c == 'x' || c == 'X') && next == '\'') {
    size_t n = quoted_length(lx, lx->pos + 1, '\'', false);
    if (n) return emit(lx, TOK_BINARY, n + 1);
  }
  if (is_letter(c) || c == '_') {
    size_t i = lx->pos + 1;
    while (i < lx->length && is_ident_char(lx->text[i])) i++;
    size_t n = i - lx->pos;
    return emit(lx, sql_keyword_lookup(lx->text + lx->pos, (uint32_t)n), n);
  }
  return emit(lx, TOK_UNRECOGNIZED, utf8_char_length(lx));
}

int sql_lex(sql_arena *arena, const char *text, size_t length, sql_token_list *out,
            sql_error *error) {
  if (length >= UINT32_MAX) {
    sql_error_set(error, SQL_ERROR_SYNTAX, 0, 0, "statement is too large");
    return -1;
  }
  lexer lx = {.text = text, .length = length, .line = 1, .column = 1, .arena = arena};
  while (lx.pos < length) {
    if (lex_one(&lx) != 0) goto oom;
  }
  if (emit(&lx, TOK_EOF, 0) != 0) goto oom;
  out->tokens = lx.tokens;
  out->count = lx.count;
  return 0;
oom:
  sql_error_set(error, SQL_ERROR_OUT_OF_MEMORY, 0, 0, "out of memory while parsing");
  return -1;
}
