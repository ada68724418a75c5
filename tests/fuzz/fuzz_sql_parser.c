/*
 * fuzz_sql_parser.c — libFuzzer target for the SQL parser. Any input must
 * give a tree or a clean error (no crash, leak or sanitizer report), and a
 * tree must survive format -> parse -> ast_equal.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sql/formatter.h"
#include "sql/parser.h"

static void check_round_trip(const ast_node *node) {
  size_t len;
  char *text = sql_format(node, &len);
  if (!text) abort();
  sql_arena *arena = sql_arena_create();
  const ast_node *again = NULL;
  sql_error error;
  if (sql_parse_statement(arena, text, len, &again, &error) != 0) {
    /* The formatter parenthesises nested operators (+(+(x))), so a tree just
     * under the parser's nesting limit may format to text just over it: that
     * is the resource limit speaking, not a grammar mismatch. */
    if (strstr(error.message, "statement is too large") != NULL) {
      sql_arena_destroy(arena);
      free(text);
      return;
    }
    fprintf(stderr, "formatted text does not parse: %s\n  text: %s\n", error.message, text);
    abort();
  }
  if (!ast_equal(node, again)) {
    fprintf(stderr, "round trip changed the tree: %s\n", text);
    abort();
  }
  sql_arena_destroy(arena);
  free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  sql_arena *arena = sql_arena_create();
  const ast_node *node = NULL;
  sql_error error;
  const char *sql = (const char *)data;
  if (sql_parse_statement(arena, sql, size, &node, &error) == 0) {
    check_round_trip(node);
  } else if (error.message[0] == '\0') {
    abort(); /* every failure carries a message */
  }
  sql_arena_reset(arena);
  ast_list list;
  if (sql_parse_statements(arena, sql, size, &list, &error) == 0) {
    for (uint32_t i = 0; i < list.count; i++) check_round_trip(list.items[i]);
  }
  sql_arena_reset(arena);
  (void)sql_parse_expression(arena, sql, size, &node, &error);
  sql_arena_reset(arena);
  (void)sql_parse_type(arena, sql, size, &node, &error);
  sql_arena_destroy(arena);
  return 0;
}
