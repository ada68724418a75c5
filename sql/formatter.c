/*
 * formatter.c — AST to SQL text (see formatter.h). Expressions are printed
 * with parentheses only where precedence needs them; parenthesised queries
 * are nodes of their own (TABLE_SUBQUERY), so queries need none added.
 */
#include "sql/formatter.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sql/token.h"

typedef struct out {
  char *data;
  size_t length, capacity;
  bool failed;
} out;

static void put_bytes(out *o, const char *text, size_t n) {
  if (o->failed) return;
  if (o->length + n + 1 > o->capacity) {
    size_t cap = o->capacity ? o->capacity : 256;
    while (cap < o->length + n + 1) cap *= 2;
    char *grown = realloc(o->data, cap);
    if (!grown) {
      o->failed = true;
      return;
    }
    o->data = grown;
    o->capacity = cap;
  }
  memcpy(o->data + o->length, text, n);
  o->length += n;
  o->data[o->length] = '\0';
}

static void put(out *o, const char *text) { put_bytes(o, text, strlen(text)); }

static void putf(out *o, const char *format, ...) __attribute__((format(printf, 2, 3)));
static void putf(out *o, const char *format, ...) {
  char buf[128];
  va_list args;
  va_start(args, format);
  int n = vsnprintf(buf, sizeof buf, format, args);
  va_end(args);
  if (n > 0) put_bytes(o, buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
}

static void put_quoted(out *o, sql_str s, char quote) {
  put_bytes(o, &quote, 1);
  size_t start = 0;
  for (size_t i = 0; i < s.len; i++) {
    if (s.ptr[i] == quote) {
      put_bytes(o, s.ptr + start, i + 1 - start);
      put_bytes(o, &quote, 1);
      start = i + 1;
    }
  }
  put_bytes(o, s.ptr + start, s.len - start);
  put_bytes(o, &quote, 1);
}

static void format_node(out *o, const ast_node *node);
static void format_expr(out *o, const ast_node *node, int min_prec);

/* ---- names ------------------------------------------------------------------ */

static bool plain_identifier(sql_str s) {
  if (s.len == 0) return false;
  for (uint32_t i = 0; i < s.len; i++) {
    char c = s.ptr[i];
    bool ok = (c >= 'a' && c <= 'z') || c == '_' || (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return !sql_token_is_reserved(sql_keyword_lookup(s.ptr, s.len));
}

static void format_identifier(out *o, const ast_node *ident) {
  sql_str v = ident->u.identifier.value;
  if (!ident->u.identifier.quoted && plain_identifier(v)) put_bytes(o, v.ptr, v.len);
  else put_quoted(o, v, '"');
}

static void format_list(out *o, const ast_list *list, const char *sep, int min_prec) {
  for (uint32_t i = 0; i < list->count; i++) {
    if (i) put(o, sep);
    if (min_prec >= 0) format_expr(o, list->items[i], min_prec);
    else format_node(o, list->items[i]);
  }
}

static void format_qualified_name(out *o, const ast_node *name) {
  format_list(o, &name->u.list.items, ".", -1);
}

/* ---- expressions -------------------------------------------------------------- */

enum {
  PREC_LAMBDA = 0, PREC_OR = 1, PREC_AND = 2, PREC_NOT = 3, PREC_PREDICATE = 4,
  PREC_CONCAT = 5, PREC_ADDITIVE = 6, PREC_MULTIPLICATIVE = 7, PREC_UNARY = 8,
  PREC_AT_TIME_ZONE = 9, PREC_PRIMARY = 10
};

static bool is_numeric_literal(const ast_node *n) {
  return n->kind == AST_LONG_LITERAL || n->kind == AST_DECIMAL_LITERAL || n->kind == AST_DOUBLE_LITERAL;
}

static bool is_negative_literal(const ast_node *n) {
  if (n->kind == AST_LONG_LITERAL) return n->u.literal.int_value < 0;
  if (n->kind == AST_DECIMAL_LITERAL || n->kind == AST_DOUBLE_LITERAL)
    return n->u.literal.text.len > 0 && n->u.literal.text.ptr[0] == '-';
  return false;
}

static bool is_not_distinct(const ast_node *n) {
  return n->kind == AST_NOT && n->u.unary.operand->kind == AST_COMPARISON &&
         n->u.unary.operand->u.binary.op == AST_CMP_IS_DISTINCT_FROM;
}

static int precedence(const ast_node *n) {
  switch (n->kind) {
    case AST_LAMBDA: return PREC_LAMBDA;
    case AST_LOGICAL: return n->u.logical.op == AST_LOGICAL_OR ? PREC_OR : PREC_AND;
    case AST_NOT: return is_not_distinct(n) ? PREC_PREDICATE : PREC_NOT;
    case AST_COMPARISON: case AST_IS_NULL: case AST_BETWEEN: case AST_LIKE: case AST_IN_LIST:
    case AST_IN_SUBQUERY: case AST_QUANTIFIED_COMPARISON:
      return PREC_PREDICATE;
    case AST_ARITHMETIC_BINARY:
      switch (n->u.binary.op) {
        case AST_OP_CONCAT: return PREC_CONCAT;
        case AST_OP_ADD: case AST_OP_SUBTRACT: return PREC_ADDITIVE;
        default: return PREC_MULTIPLICATIVE;
      }
    case AST_ARITHMETIC_UNARY: return PREC_UNARY;
    case AST_AT_TIME_ZONE: return PREC_AT_TIME_ZONE;
    default: return is_negative_literal(n) ? PREC_UNARY : PREC_PRIMARY;
  }
}

static const char *comparison_text(int op) {
  static const char *const ops[] = {"=", "<>", "<", "<=", ">", ">=", "IS DISTINCT FROM"};
  return ops[op];
}

static const char *arith_text(int op) {
  static const char *const ops[] = {"+", "-", "*", "/", "%", "||"};
  return ops[op];
}

static const char *interval_field_text(int field) {
  static const char *const names[] = {"YEAR", "MONTH", "DAY", "HOUR", "MINUTE", "SECOND"};
  return field >= 0 && field < 6 ? names[field] : "?";
}

static void format_sort_items(out *o, const ast_list *items) {
  format_list(o, items, ", ", -1);
}

static void format_window_spec(out *o, const ast_node *spec) {
  bool space = false;
  if (spec->u.window.existing_name) {
    format_identifier(o, spec->u.window.existing_name);
    space = true;
  }
  if (spec->u.window.partition_by.count) {
    put(o, space ? " PARTITION BY " : "PARTITION BY ");
    format_list(o, &spec->u.window.partition_by, ", ", 0);
    space = true;
  }
  if (spec->u.window.order_by.count) {
    put(o, space ? " ORDER BY " : "ORDER BY ");
    format_sort_items(o, &spec->u.window.order_by);
    space = true;
  }
  if (spec->u.window.frame) {
    if (space) put(o, " ");
    format_node(o, spec->u.window.frame);
  }
}

/* Whether a call's name is the single unquoted word `word` (lower case). */
static bool is_bare_name(const ast_node *name, const char *word) {
  if (name->u.list.items.count != 1) return false;
  const ast_node *ident = name->u.list.items.items[0];
  sql_str v = ident->u.identifier.value;
  return !ident->u.identifier.quoted && v.len == strlen(word) && memcmp(v.ptr, word, v.len) == 0;
}

/* listagg(x, sep, error, filler, count) as Trino writes it:
 * listagg(x, sep [ON OVERFLOW TRUNCATE filler WITH|WITHOUT COUNT]) WITHIN
 * GROUP (ORDER BY ...); false when the call has another shape. */
static bool format_listagg(out *o, const ast_node *n) {
  if (n->u.call.args.count != 5 || !is_bare_name(n->u.call.name, "listagg")) return false;
  const ast_node *const *a = (const ast_node *const *)n->u.call.args.items;
  if (a[2]->kind != AST_BOOLEAN_LITERAL || a[3]->kind != AST_STRING_LITERAL || a[4]->kind != AST_BOOLEAN_LITERAL)
    return false;
  bool error = a[2]->u.literal.flag, count = a[4]->u.literal.flag;
  sql_str filler = a[3]->u.literal.text;
  if (error && (count || filler.len != 3 || memcmp(filler.ptr, "...", 3) != 0)) return false;
  put(o, "listagg(");
  if (n->u.call.distinct) put(o, "DISTINCT ");
  format_expr(o, a[0], 0);
  put(o, ", ");
  format_expr(o, a[1], 0);
  if (!error) {
    put(o, " ON OVERFLOW TRUNCATE ");
    format_expr(o, a[3], 0);
    put(o, count ? " WITH COUNT" : " WITHOUT COUNT");
  }
  put(o, ")");
  if (n->u.call.order_by.count) {
    put(o, " WITHIN GROUP (ORDER BY ");
    format_sort_items(o, &n->u.call.order_by);
    put(o, ")");
  }
  return true;
}

/* name(args [ORDER BY ...]) */
static void format_call_head(out *o, const ast_node *n) {
  const ast_node *name = n->u.call.name;
  /* trim/normalize are reserved words that parse as special forms (whose
   * arguments are value expressions) producing calls of those names */
  int arg_prec = is_bare_name(name, "trim") || is_bare_name(name, "normalize") ? PREC_CONCAT : 0;
  /* so is listagg, which parses as a call when written bare */
  bool bare = arg_prec != 0 || is_bare_name(name, "listagg");
  if (bare) put_bytes(o, name->u.list.items.items[0]->u.identifier.value.ptr,
                      name->u.list.items.items[0]->u.identifier.value.len);
  else format_qualified_name(o, name);
  put(o, "(");
  if (n->u.call.star) put(o, "*");
  if (n->u.call.distinct) put(o, "DISTINCT ");
  format_list(o, &n->u.call.args, ", ", arg_prec);
  if (n->u.call.order_by.count) {
    put(o, " ORDER BY ");
    format_sort_items(o, &n->u.call.order_by);
  }
  put(o, ")");
}

static void format_call(out *o, const ast_node *n) {
  if (!format_listagg(o, n)) format_call_head(o, n);
  if (n->u.call.filter) {
    put(o, " FILTER (WHERE ");
    format_expr(o, n->u.call.filter, 0);
    put(o, ")");
  }
  if (n->u.call.null_treatment == AST_NULLS_IGNORE) put(o, " IGNORE NULLS");
  if (n->u.call.null_treatment == AST_NULLS_RESPECT) put(o, " RESPECT NULLS");
  if (n->u.call.window) {
    put(o, " OVER ");
    if (n->u.call.window->kind == AST_IDENTIFIER) {
      format_identifier(o, n->u.call.window);
    } else {
      put(o, "(");
      format_window_spec(o, n->u.call.window);
      put(o, ")");
    }
  }
}

static void format_current(out *o, const ast_node *n) {
  static const char *const names[] = {
    "CURRENT_DATE", "CURRENT_TIME", "CURRENT_TIMESTAMP", "LOCALTIME", "LOCALTIMESTAMP",
    "CURRENT_USER", "CURRENT_CATALOG", "CURRENT_SCHEMA", "CURRENT_PATH"};
  put(o, names[n->u.current.what]);
  if (n->u.current.precision >= 0) putf(o, "(%d)", n->u.current.precision);
}

static void format_unary(out *o, const ast_node *n) {
  const ast_node *operand = n->u.unary.operand;
  put(o, n->u.unary.op == AST_OP_MINUS ? "-" : "+");
  bool wrap = operand->kind == AST_ARITHMETIC_UNARY || is_numeric_literal(operand) ||
              precedence(operand) < PREC_UNARY;
  if (wrap) put(o, "(");
  format_expr(o, operand, wrap ? 0 : PREC_UNARY);
  if (wrap) put(o, ")");
}

static void format_expr_inner(out *o, const ast_node *n) {
  switch (n->kind) {
    case AST_LOGICAL: {
      bool is_or = n->u.logical.op == AST_LOGICAL_OR;
      for (uint32_t i = 0; i < n->u.logical.terms.count; i++) {
        if (i) put(o, is_or ? " OR " : " AND ");
        format_expr(o, n->u.logical.terms.items[i], is_or ? PREC_AND : PREC_NOT);
      }
      return;
    }
    case AST_NOT:
      if (is_not_distinct(n)) {
        const ast_node *cmp = n->u.unary.operand;
        format_expr(o, cmp->u.binary.left, PREC_CONCAT);
        put(o, " IS NOT DISTINCT FROM ");
        format_expr(o, cmp->u.binary.right, PREC_CONCAT);
        return;
      }
      put(o, "NOT ");
      format_expr(o, n->u.unary.operand, PREC_NOT);
      return;
    case AST_COMPARISON:
      format_expr(o, n->u.binary.left, PREC_CONCAT);
      putf(o, " %s ", comparison_text(n->u.binary.op));
      format_expr(o, n->u.binary.right, PREC_CONCAT);
      return;
    case AST_QUANTIFIED_COMPARISON:
      format_expr(o, n->u.quantified.value, PREC_CONCAT);
      putf(o, " %s %s (", comparison_text(n->u.quantified.op),
           n->u.quantified.quantifier == AST_QUANT_ALL ? "ALL"
           : n->u.quantified.quantifier == AST_QUANT_SOME ? "SOME" : "ANY");
      format_node(o, n->u.quantified.query);
      put(o, ")");
      return;
    case AST_IS_NULL:
      format_expr(o, n->u.predicate.value, PREC_CONCAT);
      put(o, n->u.predicate.negated ? " IS NOT NULL" : " IS NULL");
      return;
    case AST_BETWEEN:
      format_expr(o, n->u.predicate.value, PREC_CONCAT);
      put(o, n->u.predicate.negated ? " NOT BETWEEN " : " BETWEEN ");
      format_expr(o, n->u.predicate.a, PREC_CONCAT);
      put(o, " AND ");
      format_expr(o, n->u.predicate.b, PREC_CONCAT);
      return;
    case AST_LIKE:
      format_expr(o, n->u.predicate.value, PREC_CONCAT);
      put(o, n->u.predicate.negated ? " NOT LIKE " : " LIKE ");
      format_expr(o, n->u.predicate.a, PREC_CONCAT);
      if (n->u.predicate.b) {
        put(o, " ESCAPE ");
        format_expr(o, n->u.predicate.b, PREC_CONCAT);
      }
      return;
    case AST_IN_LIST:
      format_expr(o, n->u.in_list.value, PREC_CONCAT);
      put(o, n->u.in_list.negated ? " NOT IN (" : " IN (");
      format_list(o, &n->u.in_list.items, ", ", 0);
      put(o, ")");
      return;
    case AST_IN_SUBQUERY:
      format_expr(o, n->u.predicate.value, PREC_CONCAT);
      put(o, n->u.predicate.negated ? " NOT IN (" : " IN (");
      format_node(o, n->u.predicate.a);
      put(o, ")");
      return;
    case AST_ARITHMETIC_BINARY: {
      int prec = precedence(n);
      format_expr(o, n->u.binary.left, prec);
      putf(o, " %s ", arith_text(n->u.binary.op));
      format_expr(o, n->u.binary.right, prec + 1);
      return;
    }
    case AST_ARITHMETIC_UNARY: format_unary(o, n); return;
    case AST_AT_TIME_ZONE:
      format_expr(o, n->u.binary.left, PREC_AT_TIME_ZONE);
      put(o, " AT TIME ZONE ");
      format_expr(o, n->u.binary.right, PREC_PRIMARY);
      return;
    case AST_SUBSCRIPT:
    case AST_DEREFERENCE: {
      const ast_node *base = n->u.binary.left;
      bool wrap = precedence(base) < PREC_PRIMARY || is_numeric_literal(base);
      if (wrap) put(o, "(");
      format_expr(o, base, wrap ? 0 : PREC_PRIMARY);
      if (wrap) put(o, ")");
      if (n->kind == AST_SUBSCRIPT) {
        put(o, "[");
        format_expr(o, n->u.binary.right, PREC_CONCAT);
        put(o, "]");
      } else {
        put(o, ".");
        format_identifier(o, n->u.binary.right);
      }
      return;
    }
    case AST_LAMBDA:
      put(o, "(");
      format_list(o, &n->u.lambda.params, ", ", -1);
      put(o, ") -> ");
      format_expr(o, n->u.lambda.body, 0);
      return;
    default:
      format_node(o, n);
      return;
  }
}

static void format_expr(out *o, const ast_node *node, int min_prec) {
  bool wrap = precedence(node) < min_prec;
  if (wrap) put(o, "(");
  format_expr_inner(o, node);
  if (wrap) put(o, ")");
}

/* ---- queries and relations ---------------------------------------------------- */

static int query_body_precedence(const ast_node *n) {
  if (n->kind != AST_SET_OPERATION) return 3;
  return n->u.set_operation.op == AST_SET_INTERSECT ? 2 : 1;
}

static void format_query_body(out *o, const ast_node *n, int min_prec) {
  bool wrap = query_body_precedence(n) < min_prec;
  if (wrap) put(o, "(");
  if (n->kind == AST_TABLE) put(o, "TABLE ");
  format_node(o, n);
  if (wrap) put(o, ")");
}

static bool is_join(const ast_node *n) { return n->kind == AST_JOIN; }

static void format_relation_operand(out *o, const ast_node *n) {
  if (is_join(n)) {
    put(o, "(");
    format_node(o, n);
    put(o, ")");
  } else {
    format_node(o, n);
  }
}

/* The relation under an alias or TABLESAMPLE: an aliased or sampled one there
 * came from parentheses and needs them again: (a x) y, (t TABLESAMPLE ...) */
static void format_relation_base(out *o, const ast_node *n, bool aliasing) {
  if (is_join(n) || n->kind == AST_SAMPLED_RELATION || (aliasing && n->kind == AST_ALIASED_RELATION)) {
    put(o, "(");
    format_node(o, n);
    put(o, ")");
  } else {
    format_node(o, n);
  }
}

static void format_join(out *o, const ast_node *n) {
  static const char *const names[] = {"CROSS JOIN", "JOIN", "LEFT JOIN", "RIGHT JOIN", "FULL JOIN", ","};
  const ast_node *left = n->u.join.left, *right = n->u.join.right;
  if (left->kind == AST_JOIN && left->u.join.type == AST_JOIN_IMPLICIT && n->u.join.type != AST_JOIN_IMPLICIT)
    format_relation_operand(o, left);
  else
    format_node(o, left);
  if (n->u.join.type == AST_JOIN_IMPLICIT) {
    put(o, ", ");
    if (right->kind == AST_JOIN && right->u.join.type == AST_JOIN_IMPLICIT) format_relation_operand(o, right);
    else format_node(o, right);
    return;
  }
  put(o, n->u.join.natural ? " NATURAL " : " ");
  put(o, names[n->u.join.type]);
  put(o, " ");
  format_relation_operand(o, right);
  if (n->u.join.on) {
    put(o, " ON ");
    format_expr(o, n->u.join.on, 0);
  } else if (n->u.join.using_columns.count) {
    put(o, " USING (");
    format_list(o, &n->u.join.using_columns, ", ", -1);
    put(o, ")");
  }
}

static void format_grouping_set(out *o, const ast_node *set) {
  const ast_list *exprs = &set->u.list.items;
  if (exprs->count == 1) {
    format_expr(o, exprs->items[0], 0);
    return;
  }
  put(o, "(");
  format_list(o, exprs, ", ", 0);
  put(o, ")");
}

static void format_grouping_element(out *o, const ast_node *n) {
  const ast_list *sets = &n->u.grouping_element.sets;
  switch (n->u.grouping_element.type) {
    case AST_GROUPING_SIMPLE:
      if (sets->count == 1) format_grouping_set(o, sets->items[0]);
      return;
    case AST_GROUPING_ROLLUP: put(o, "ROLLUP ("); break;
    case AST_GROUPING_CUBE: put(o, "CUBE ("); break;
    case AST_GROUPING_SETS: put(o, "GROUPING SETS ("); break;
  }
  for (uint32_t i = 0; i < sets->count; i++) {
    if (i) put(o, ", ");
    format_grouping_set(o, sets->items[i]);
  }
  put(o, ")");
}

static void format_query_spec(out *o, const ast_node *n) {
  put(o, n->u.query_spec.distinct ? "SELECT DISTINCT " : "SELECT ");
  format_list(o, &n->u.query_spec.select, ", ", -1);
  if (n->u.query_spec.from) {
    put(o, " FROM ");
    format_node(o, n->u.query_spec.from);
  }
  if (n->u.query_spec.where) {
    put(o, " WHERE ");
    format_expr(o, n->u.query_spec.where, 0);
  }
  if (n->u.query_spec.group_by) {
    const ast_node *g = n->u.query_spec.group_by;
    put(o, g->u.group_by.distinct ? " GROUP BY DISTINCT " : " GROUP BY ");
    format_list(o, &g->u.group_by.elements, ", ", -1);
  }
  if (n->u.query_spec.having) {
    put(o, " HAVING ");
    format_expr(o, n->u.query_spec.having, 0);
  }
  if (n->u.query_spec.windows.count) {
    put(o, " WINDOW ");
    format_list(o, &n->u.query_spec.windows, ", ", -1);
  }
}

static void format_query(out *o, const ast_node *n) {
  if (n->u.query.with) {
    format_node(o, n->u.query.with);
    put(o, " ");
  }
  format_query_body(o, n->u.query.body, 0);
  if (n->u.query.order_by.count) {
    put(o, " ORDER BY ");
    format_sort_items(o, &n->u.query.order_by);
  }
  if (n->u.query.offset) {
    put(o, " OFFSET ");
    format_node(o, n->u.query.offset);
  }
  if (n->u.query.limit) {
    put(o, " ");
    format_node(o, n->u.query.limit);
  }
}

/* ---- statements ------------------------------------------------------------------ */

static void format_properties(out *o, const ast_list *props) {
  if (!props->count) return;
  put(o, " WITH (");
  format_list(o, props, ", ", -1);
  put(o, ")");
}

static void format_comment_clause(out *o, const ast_node *comment) {
  if (!comment) return;
  put(o, " COMMENT ");
  format_node(o, comment);
}

static void format_like(out *o, const ast_node *n) {
  if (n->u.show.like) {
    put(o, " LIKE ");
    format_node(o, n->u.show.like);
  }
  if (n->u.show.escape) {
    put(o, " ESCAPE ");
    format_node(o, n->u.show.escape);
  }
}

static void format_show_from(out *o, const char *what, const ast_node *n) {
  put(o, what);
  if (n->u.show.target) {
    put(o, " FROM ");
    format_node(o, n->u.show.target);
  }
  format_like(o, n);
}

static void format_ddl(out *o, const ast_node *n) {
  switch (n->kind) {
    case AST_CREATE_SCHEMA:
      put(o, n->u.ddl.if_not_exists ? "CREATE SCHEMA IF NOT EXISTS " : "CREATE SCHEMA ");
      format_node(o, n->u.ddl.name);
      format_properties(o, &n->u.ddl.properties);
      return;
    case AST_DROP_SCHEMA:
      put(o, n->u.ddl.if_exists ? "DROP SCHEMA IF EXISTS " : "DROP SCHEMA ");
      format_node(o, n->u.ddl.name);
      if (n->u.ddl.cascade) put(o, " CASCADE");
      return;
    case AST_RENAME_SCHEMA:
    case AST_RENAME_VIEW:
      put(o, n->kind == AST_RENAME_SCHEMA ? "ALTER SCHEMA " : "ALTER VIEW ");
      format_node(o, n->u.ddl.name);
      put(o, " RENAME TO ");
      format_node(o, n->u.ddl.target);
      return;
    case AST_CREATE_TABLE:
    case AST_CREATE_TABLE_AS_SELECT:
      put(o, n->u.ddl.or_replace ? "CREATE OR REPLACE TABLE " : "CREATE TABLE ");
      if (n->u.ddl.if_not_exists) put(o, "IF NOT EXISTS ");
      format_node(o, n->u.ddl.name);
      if (n->u.ddl.elements.count) {
        put(o, " (");
        format_list(o, &n->u.ddl.elements, ", ", -1);
        put(o, ")");
      }
      format_comment_clause(o, n->u.ddl.comment);
      format_properties(o, &n->u.ddl.properties);
      if (n->kind == AST_CREATE_TABLE_AS_SELECT) {
        put(o, " AS ");
        format_node(o, n->u.ddl.query);
        if (n->u.ddl.option == AST_WITH_DATA) put(o, " WITH DATA");
        if (n->u.ddl.option == AST_WITH_NO_DATA) put(o, " WITH NO DATA");
      }
      return;
    case AST_COLUMN_DEFINITION:
      format_node(o, n->u.ddl.name);
      put(o, " ");
      format_node(o, n->u.ddl.type);
      if (n->u.ddl.not_null) put(o, " NOT NULL");
      format_comment_clause(o, n->u.ddl.comment);
      format_properties(o, &n->u.ddl.properties);
      return;
    case AST_LIKE_CLAUSE:
      put(o, "LIKE ");
      format_node(o, n->u.ddl.name);
      if (n->u.ddl.option == AST_LIKE_INCLUDING_PROPERTIES) put(o, " INCLUDING PROPERTIES");
      if (n->u.ddl.option == AST_LIKE_EXCLUDING_PROPERTIES) put(o, " EXCLUDING PROPERTIES");
      return;
    case AST_INSERT:
      put(o, "INSERT INTO ");
      format_node(o, n->u.ddl.name);
      if (n->u.ddl.elements.count) {
        put(o, " (");
        format_list(o, &n->u.ddl.elements, ", ", -1);
        put(o, ")");
      }
      put(o, " ");
      format_node(o, n->u.ddl.query);
      return;
    case AST_DELETE:
      put(o, "DELETE FROM ");
      format_node(o, n->u.ddl.name);
      if (n->u.ddl.where) {
        put(o, " WHERE ");
        format_expr(o, n->u.ddl.where, 0);
      }
      return;
    case AST_UPDATE:
      put(o, "UPDATE ");
      format_node(o, n->u.ddl.name);
      put(o, " SET ");
      format_list(o, &n->u.ddl.elements, ", ", -1);
      if (n->u.ddl.where) {
        put(o, " WHERE ");
        format_expr(o, n->u.ddl.where, 0);
      }
      return;
    case AST_DROP_TABLE:
    case AST_DROP_VIEW:
      put(o, n->kind == AST_DROP_TABLE ? "DROP TABLE " : "DROP VIEW ");
      if (n->u.ddl.if_exists) put(o, "IF EXISTS ");
      format_node(o, n->u.ddl.name);
      return;
    case AST_RENAME_TABLE: case AST_ADD_COLUMN: case AST_DROP_COLUMN: case AST_RENAME_COLUMN:
      put(o, n->u.ddl.if_exists ? "ALTER TABLE IF EXISTS " : "ALTER TABLE ");
      format_node(o, n->u.ddl.name);
      if (n->kind == AST_RENAME_TABLE) {
        put(o, " RENAME TO ");
        format_node(o, n->u.ddl.target);
      } else if (n->kind == AST_ADD_COLUMN) {
        put(o, n->u.ddl.column_if_exists ? " ADD COLUMN IF NOT EXISTS " : " ADD COLUMN ");
        format_node(o, n->u.ddl.column);
      } else if (n->kind == AST_DROP_COLUMN) {
        put(o, n->u.ddl.column_if_exists ? " DROP COLUMN IF EXISTS " : " DROP COLUMN ");
        format_node(o, n->u.ddl.column);
      } else {
        put(o, n->u.ddl.column_if_exists ? " RENAME COLUMN IF EXISTS " : " RENAME COLUMN ");
        format_node(o, n->u.ddl.column);
        put(o, " TO ");
        format_node(o, n->u.ddl.target);
      }
      return;
    case AST_TRUNCATE_TABLE:
      put(o, "TRUNCATE TABLE ");
      format_node(o, n->u.ddl.name);
      return;
    case AST_COMMENT:
      put(o, n->u.ddl.option == AST_OBJECT_VIEW ? "COMMENT ON VIEW "
             : n->u.ddl.option == AST_OBJECT_COLUMN ? "COMMENT ON COLUMN " : "COMMENT ON TABLE ");
      format_node(o, n->u.ddl.name);
      put(o, " IS ");
      if (n->u.ddl.comment) format_node(o, n->u.ddl.comment);
      else put(o, "NULL");
      return;
    case AST_CREATE_VIEW:
      put(o, n->u.ddl.or_replace ? "CREATE OR REPLACE VIEW " : "CREATE VIEW ");
      format_node(o, n->u.ddl.name);
      format_comment_clause(o, n->u.ddl.comment);
      if (n->u.ddl.option == AST_SECURITY_DEFINER) put(o, " SECURITY DEFINER");
      if (n->u.ddl.option == AST_SECURITY_INVOKER) put(o, " SECURITY INVOKER");
      put(o, " AS ");
      format_node(o, n->u.ddl.query);
      return;
    case AST_CREATE_CATALOG:
      put(o, n->u.ddl.if_not_exists ? "CREATE CATALOG IF NOT EXISTS " : "CREATE CATALOG ");
      format_node(o, n->u.ddl.name);
      put(o, " USING ");
      format_node(o, n->u.ddl.target);
      format_comment_clause(o, n->u.ddl.comment);
      format_properties(o, &n->u.ddl.properties);
      return;
    case AST_DROP_CATALOG:
      put(o, n->u.ddl.if_exists ? "DROP CATALOG IF EXISTS " : "DROP CATALOG ");
      format_node(o, n->u.ddl.name);
      if (n->u.ddl.cascade) put(o, " CASCADE");
      return;
    case AST_ANALYZE:
      put(o, "ANALYZE ");
      format_node(o, n->u.ddl.name);
      format_properties(o, &n->u.ddl.properties);
      return;
    default:
      put(o, "?");
      return;
  }
}

static void format_explain(out *o, const ast_node *n) {
  put(o, "EXPLAIN ");
  if (n->u.explain.analyze) put(o, n->u.explain.verbose ? "ANALYZE VERBOSE " : "ANALYZE ");
  if (n->u.explain.options.count) {
    put(o, "(");
    for (uint32_t i = 0; i < n->u.explain.options.count; i++) {
      const ast_node *opt = n->u.explain.options.items[i];
      static const char *const formats[] = {"TEXT", "GRAPHVIZ", "JSON"};
      static const char *const types[] = {"LOGICAL", "DISTRIBUTED", "VALIDATE", "IO"};
      if (i) put(o, ", ");
      if (opt->u.option.kind == AST_EXPLAIN_FORMAT) putf(o, "FORMAT %s", formats[opt->u.option.value]);
      else putf(o, "TYPE %s", types[opt->u.option.value]);
    }
    put(o, ") ");
  }
  format_node(o, n->u.explain.statement);
}

static void format_node(out *o, const ast_node *n) {
  switch (n->kind) {
    case AST_NULL_LITERAL: put(o, "NULL"); return;
    case AST_BOOLEAN_LITERAL: put(o, n->u.literal.flag ? "TRUE" : "FALSE"); return;
    case AST_LONG_LITERAL: putf(o, "%" PRId64, n->u.literal.int_value); return;
    case AST_DECIMAL_LITERAL:
    case AST_DOUBLE_LITERAL: put_bytes(o, n->u.literal.text.ptr, n->u.literal.text.len); return;
    case AST_STRING_LITERAL: put_quoted(o, n->u.literal.text, '\''); return;
    case AST_BINARY_LITERAL:
      put(o, "X'");
      for (uint32_t i = 0; i < n->u.literal.text.len; i++) putf(o, "%02X", (unsigned char)n->u.literal.text.ptr[i]);
      put(o, "'");
      return;
    case AST_TYPED_LITERAL:
      format_identifier(o, n->u.typed_literal.type_name);
      put(o, " ");
      put_quoted(o, n->u.typed_literal.value, '\'');
      return;
    case AST_INTERVAL_LITERAL:
      put(o, n->u.interval.sign < 0 ? "INTERVAL - " : "INTERVAL ");
      put_quoted(o, n->u.interval.value, '\'');
      putf(o, " %s", interval_field_text(n->u.interval.start));
      if (n->u.interval.end != AST_FIELD_NONE) putf(o, " TO %s", interval_field_text(n->u.interval.end));
      return;
    case AST_IDENTIFIER: format_identifier(o, n); return;
    case AST_QUALIFIED_NAME: format_qualified_name(o, n); return;
    case AST_PARAMETER: put(o, "?"); return;
    case AST_ARRAY_CONSTRUCTOR:
      put(o, "ARRAY[");
      format_list(o, &n->u.list.items, ", ", 0);
      put(o, "]");
      return;
    case AST_ROW_CONSTRUCTOR:
      put(o, "ROW(");
      format_list(o, &n->u.list.items, ", ", 0);
      put(o, ")");
      return;
    case AST_EXISTS:
      put(o, "EXISTS (");
      format_node(o, n->u.unary.operand);
      put(o, ")");
      return;
    case AST_SUBQUERY_EXPRESSION:
    case AST_TABLE_SUBQUERY:
      put(o, "(");
      format_node(o, n->u.unary.operand);
      put(o, ")");
      return;
    case AST_CASE:
      put(o, "CASE");
      if (n->u.case_expr.operand) {
        put(o, " ");
        format_expr(o, n->u.case_expr.operand, 0);
      }
      for (uint32_t i = 0; i < n->u.case_expr.whens.count; i++) {
        put(o, " ");
        format_node(o, n->u.case_expr.whens.items[i]);
      }
      if (n->u.case_expr.else_value) {
        put(o, " ELSE ");
        format_expr(o, n->u.case_expr.else_value, 0);
      }
      put(o, " END");
      return;
    case AST_WHEN_CLAUSE:
      put(o, "WHEN ");
      format_expr(o, n->u.binary.left, 0);
      put(o, " THEN ");
      format_expr(o, n->u.binary.right, 0);
      return;
    case AST_CAST:
      put(o, n->u.cast.safe ? "TRY_CAST(" : "CAST(");
      format_expr(o, n->u.cast.value, 0);
      put(o, " AS ");
      format_node(o, n->u.cast.type);
      put(o, ")");
      return;
    case AST_FUNCTION_CALL: format_call(o, n); return;
    case AST_EXTRACT:
      put(o, "EXTRACT(");
      format_identifier(o, n->u.binary.left);
      put(o, " FROM ");
      format_expr(o, n->u.binary.right, PREC_CONCAT);
      put(o, ")");
      return;
    case AST_CURRENT: format_current(o, n); return;
    case AST_GROUPING_OPERATION:
      put(o, "GROUPING(");
      format_list(o, &n->u.list.items, ", ", -1);
      put(o, ")");
      return;
    case AST_WINDOW_SPECIFICATION: format_window_spec(o, n); return;
    case AST_WINDOW_FRAME:
      put(o, n->u.frame.type == AST_FRAME_RANGE ? "RANGE " : n->u.frame.type == AST_FRAME_ROWS ? "ROWS " : "GROUPS ");
      if (n->u.frame.end) {
        put(o, "BETWEEN ");
        format_node(o, n->u.frame.start);
        put(o, " AND ");
        format_node(o, n->u.frame.end);
      } else {
        format_node(o, n->u.frame.start);
      }
      return;
    case AST_FRAME_BOUND:
      switch (n->u.unary.op) {
        case AST_BOUND_UNBOUNDED_PRECEDING: put(o, "UNBOUNDED PRECEDING"); return;
        case AST_BOUND_UNBOUNDED_FOLLOWING: put(o, "UNBOUNDED FOLLOWING"); return;
        case AST_BOUND_CURRENT_ROW: put(o, "CURRENT ROW"); return;
        default:
          format_expr(o, n->u.unary.operand, 0);
          put(o, n->u.unary.op == AST_BOUND_PRECEDING ? " PRECEDING" : " FOLLOWING");
          return;
      }
    case AST_SORT_ITEM:
      format_expr(o, n->u.sort_item.key, 0);
      if (n->u.sort_item.descending) put(o, " DESC");
      if (n->u.sort_item.null_ordering == AST_NULLS_FIRST) put(o, " NULLS FIRST");
      if (n->u.sort_item.null_ordering == AST_NULLS_LAST) put(o, " NULLS LAST");
      return;
    case AST_GENERIC_TYPE:
      format_identifier(o, n->u.generic_type.name);
      if (n->u.generic_type.params.count) {
        put(o, "(");
        format_list(o, &n->u.generic_type.params, ", ", -1);
        put(o, ")");
      }
      return;
    case AST_ROW_TYPE:
      put(o, "ROW(");
      format_list(o, &n->u.list.items, ", ", -1);
      put(o, ")");
      return;
    case AST_ROW_FIELD:
      if (n->u.binary.left) {
        format_identifier(o, n->u.binary.left);
        put(o, " ");
      }
      format_node(o, n->u.binary.right);
      return;
    case AST_INTERVAL_TYPE:
      putf(o, "INTERVAL %s", interval_field_text(n->u.interval.start));
      if (n->u.interval.end != AST_FIELD_NONE) putf(o, " TO %s", interval_field_text(n->u.interval.end));
      return;
    case AST_DATETIME_TYPE:
      put(o, n->u.datetime_type.timestamp ? "TIMESTAMP" : "TIME");
      if (n->u.datetime_type.precision) {
        put(o, "(");
        format_node(o, n->u.datetime_type.precision);
        put(o, ")");
      }
      if (n->u.datetime_type.with_time_zone) put(o, " WITH TIME ZONE");
      return;
    case AST_QUERY: format_query(o, n); return;
    case AST_WITH:
      put(o, n->u.with.recursive ? "WITH RECURSIVE " : "WITH ");
      format_list(o, &n->u.with.queries, ", ", -1);
      return;
    case AST_WITH_QUERY:
      format_identifier(o, n->u.with_query.name);
      if (n->u.with_query.columns.count) {
        put(o, " (");
        format_list(o, &n->u.with_query.columns, ", ", -1);
        put(o, ")");
      }
      put(o, " AS (");
      format_node(o, n->u.with_query.query);
      put(o, ")");
      return;
    case AST_QUERY_SPECIFICATION: format_query_spec(o, n); return;
    case AST_SELECT_ITEM:
      format_expr(o, n->u.binary.left, 0);
      if (n->u.binary.right) {
        put(o, " AS ");
        format_identifier(o, n->u.binary.right);
      }
      return;
    case AST_ALL_COLUMNS:
      if (n->u.all_columns.prefix) {
        format_expr(o, n->u.all_columns.prefix, PREC_PRIMARY);
        put(o, ".");
      }
      put(o, "*");
      if (n->u.all_columns.aliases.count) {
        put(o, " AS (");
        format_list(o, &n->u.all_columns.aliases, ", ", -1);
        put(o, ")");
      }
      return;
    case AST_GROUP_BY:
      put(o, n->u.group_by.distinct ? "GROUP BY DISTINCT " : "GROUP BY ");
      format_list(o, &n->u.group_by.elements, ", ", -1);
      return;
    case AST_GROUPING_ELEMENT: format_grouping_element(o, n); return;
    case AST_GROUPING_SET: format_grouping_set(o, n); return;
    case AST_WINDOW_DEFINITION:
      format_identifier(o, n->u.binary.left);
      put(o, " AS (");
      format_window_spec(o, n->u.binary.right);
      put(o, ")");
      return;
    case AST_SET_OPERATION: {
      int prec = query_body_precedence(n);
      static const char *const ops[] = {" UNION ", " INTERSECT ", " EXCEPT "};
      format_query_body(o, n->u.set_operation.left, prec);
      put(o, ops[n->u.set_operation.op]);
      if (n->u.set_operation.all) put(o, "ALL ");
      format_query_body(o, n->u.set_operation.right, prec + 1);
      return;
    }
    case AST_VALUES:
      put(o, "VALUES ");
      format_list(o, &n->u.list.items, ", ", 0);
      return;
    case AST_LIMIT:
      put(o, "LIMIT ");
      if (n->u.unary.operand) format_node(o, n->u.unary.operand);
      else put(o, "ALL");
      return;
    case AST_FETCH_FIRST:
      put(o, "FETCH FIRST ");
      if (n->u.unary.operand) {
        format_node(o, n->u.unary.operand);
        put(o, " ");
      }
      put(o, n->u.unary.op ? "ROWS WITH TIES" : "ROWS ONLY");
      return;
    case AST_TABLE:
      format_qualified_name(o, n->u.unary.operand);
      return;
    case AST_ALIASED_RELATION:
      format_relation_base(o, n->u.aliased.relation, true);
      put(o, " AS ");
      format_identifier(o, n->u.aliased.alias);
      if (n->u.aliased.columns.count) {
        put(o, " (");
        format_list(o, &n->u.aliased.columns, ", ", -1);
        put(o, ")");
      }
      return;
    case AST_LATERAL:
      put(o, "LATERAL (");
      format_node(o, n->u.unary.operand);
      put(o, ")");
      return;
    case AST_UNNEST:
      put(o, "UNNEST(");
      format_list(o, &n->u.unnest.exprs, ", ", 0);
      put(o, n->u.unnest.with_ordinality ? ") WITH ORDINALITY" : ")");
      return;
    case AST_JOIN: format_join(o, n); return;
    case AST_SAMPLED_RELATION:
      format_relation_base(o, n->u.sampled.relation, false);
      put(o, n->u.sampled.method == AST_SAMPLE_BERNOULLI ? " TABLESAMPLE BERNOULLI (" : " TABLESAMPLE SYSTEM (");
      format_expr(o, n->u.sampled.percentage, 0);
      put(o, ")");
      return;
    case AST_EXPLAIN: format_explain(o, n); return;
    case AST_SHOW_CATALOGS: put(o, "SHOW CATALOGS"); format_like(o, n); return;
    case AST_SHOW_SCHEMAS: format_show_from(o, "SHOW SCHEMAS", n); return;
    case AST_SHOW_TABLES: format_show_from(o, "SHOW TABLES", n); return;
    case AST_SHOW_COLUMNS: format_show_from(o, "SHOW COLUMNS", n); return;
    case AST_SHOW_FUNCTIONS: format_show_from(o, "SHOW FUNCTIONS", n); return;
    case AST_SHOW_SESSION: put(o, "SHOW SESSION"); format_like(o, n); return;
    case AST_SHOW_CREATE: {
      static const char *const objects[] = {"TABLE", "VIEW", "SCHEMA", "MATERIALIZED VIEW", "COLUMN"};
      putf(o, "SHOW CREATE %s ", objects[n->u.show.object]);
      format_node(o, n->u.show.target);
      return;
    }
    case AST_SHOW_STATS:
      put(o, "SHOW STATS FOR ");
      if (n->u.show.target->kind == AST_QUERY) {
        put(o, "(");
        format_node(o, n->u.show.target);
        put(o, ")");
      } else {
        format_node(o, n->u.show.target);
      }
      return;
    case AST_USE:
      put(o, "USE ");
      if (n->u.binary.left) {
        format_identifier(o, n->u.binary.left);
        put(o, ".");
      }
      format_identifier(o, n->u.binary.right);
      return;
    case AST_SET_SESSION:
      put(o, "SET SESSION ");
      format_node(o, n->u.binary.left);
      put(o, " = ");
      format_expr(o, n->u.binary.right, 0);
      return;
    case AST_RESET_SESSION: put(o, "RESET SESSION "); format_node(o, n->u.unary.operand); return;
    case AST_PREPARE:
      put(o, "PREPARE ");
      format_identifier(o, n->u.binary.left);
      put(o, " FROM ");
      format_node(o, n->u.binary.right);
      return;
    case AST_EXECUTE:
      put(o, "EXECUTE ");
      format_identifier(o, n->u.execute.name);
      if (n->u.execute.args.count) {
        put(o, " USING ");
        format_list(o, &n->u.execute.args, ", ", 0);
      }
      return;
    case AST_DEALLOCATE: put(o, "DEALLOCATE PREPARE "); format_node(o, n->u.unary.operand); return;
    case AST_DESCRIBE_INPUT: put(o, "DESCRIBE INPUT "); format_node(o, n->u.unary.operand); return;
    case AST_DESCRIBE_OUTPUT: put(o, "DESCRIBE OUTPUT "); format_node(o, n->u.unary.operand); return;
    case AST_PROPERTY:
      format_identifier(o, n->u.binary.left);
      put(o, " = ");
      if (n->u.binary.right) format_expr(o, n->u.binary.right, 0);
      else put(o, "DEFAULT");
      return;
    case AST_UPDATE_ASSIGNMENT:
      format_identifier(o, n->u.binary.left);
      put(o, " = ");
      format_expr(o, n->u.binary.right, 0);
      return;
    case AST_CALL:
      put(o, "CALL ");
      format_node(o, n->u.execute.name);
      put(o, "(");
      format_list(o, &n->u.execute.args, ", ", -1);
      put(o, ")");
      return;
    case AST_CALL_ARGUMENT:
      if (n->u.binary.left) {
        format_identifier(o, n->u.binary.left);
        put(o, " => ");
      }
      format_expr(o, n->u.binary.right, 0);
      return;
    case AST_START_TRANSACTION:
      put(o, "START TRANSACTION");
      for (uint32_t i = 0; i < n->u.list.items.count; i++) {
        put(o, i ? ", " : " ");
        format_node(o, n->u.list.items.items[i]);
      }
      return;
    case AST_ISOLATION_LEVEL: {
      static const char *const levels[] = {"READ UNCOMMITTED", "READ COMMITTED", "REPEATABLE READ", "SERIALIZABLE"};
      putf(o, "ISOLATION LEVEL %s", levels[n->u.option.value]);
      return;
    }
    case AST_TRANSACTION_ACCESS_MODE: put(o, n->u.option.value ? "READ ONLY" : "READ WRITE"); return;
    case AST_COMMIT: put(o, "COMMIT"); return;
    case AST_ROLLBACK: put(o, "ROLLBACK"); return;
    default:
      if (n->kind >= AST_CREATE_SCHEMA && n->kind <= AST_ANALYZE) {
        format_ddl(o, n);
        return;
      }
      switch (n->kind) {
        case AST_LOGICAL: case AST_NOT: case AST_COMPARISON: case AST_QUANTIFIED_COMPARISON:
        case AST_IS_NULL: case AST_BETWEEN: case AST_LIKE: case AST_IN_LIST: case AST_IN_SUBQUERY:
        case AST_ARITHMETIC_BINARY: case AST_ARITHMETIC_UNARY: case AST_AT_TIME_ZONE:
        case AST_SUBSCRIPT: case AST_DEREFERENCE: case AST_LAMBDA:
          format_expr(o, n, 0);
          return;
        default:
          put(o, "?");
          return;
      }
  }
}

char *sql_format(const ast_node *node, size_t *length) {
  out o = {0};
  put(&o, "");
  if (node) format_node(&o, node);
  if (o.failed) {
    free(o.data);
    return NULL;
  }
  if (length) *length = o.length;
  return o.data;
}
