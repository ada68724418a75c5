/*
 * parser_query.c — queries: WITH, set operations (INTERSECT binds tighter than
 * UNION/EXCEPT), SELECT, FROM with joins/UNNEST/LATERAL/TABLESAMPLE, GROUP BY
 * with grouping sets, HAVING, WINDOW, ORDER BY, OFFSET, LIMIT and FETCH.
 */
#include "sql/parser_internal.h"

/* ---- small helpers ------------------------------------------------------ */

static ast_node *parse_row_count(parser *p) {
  const sql_token *at = p_tok(p);
  if (p_check(p, TOK_QUESTION)) {
    p_advance(p);
    ast_node *node = p_node(p, AST_PARAMETER, at);
    node->u.literal.int_value = p->parameter_count++;
    return node;
  }
  return p_integer_literal(p);
}

/* Non-reserved words that start a clause where an alias could stand. */
bool p_is_alias_start(parser *p) {
  if (!p_check_identifier(p)) return false;
  sql_token_type next = p_peek(p, 1);
  switch (p_type(p)) {
    case KW_LIMIT: return !(next == TOK_INTEGER || next == TOK_QUESTION || next == KW_ALL);
    case KW_OFFSET: return !(next == TOK_INTEGER || next == TOK_QUESTION);
    case KW_FETCH: return !(next == KW_FIRST || next == KW_NEXT);
    case KW_WINDOW: return !(p_is_identifier_token(next) && p_peek(p, 2) == KW_AS);
    case KW_TABLESAMPLE: return !(next == KW_BERNOULLI || next == KW_SYSTEM);
    default: return true;
  }
}

ast_node *parse_sort_item(parser *p) {
  ast_node *node = p_node(p, AST_SORT_ITEM, p_tok(p));
  node->u.sort_item.key = parse_expression(p);
  if (p_accept(p, KW_DESC)) node->u.sort_item.descending = true;
  else p_accept(p, KW_ASC);
  if (p_accept(p, KW_NULLS)) {
    if (p_accept(p, KW_FIRST)) node->u.sort_item.null_ordering = AST_NULLS_FIRST;
    else if (p_accept(p, KW_LAST)) node->u.sort_item.null_ordering = AST_NULLS_LAST;
    else p_fail_syntax(p);
  }
  return node;
}

ast_list parse_sort_items(parser *p) {
  list_builder items = {0};
  do p_push(p, &items, parse_sort_item(p));
  while (p_accept(p, TOK_COMMA));
  return p_list(&items);
}

/* ---- relations ------------------------------------------------------------- */

static ast_node *parse_relation(parser *p);

static ast_node *parse_relation_primary(parser *p) {
  const sql_token *at = p_tok(p);
  if (p_check(p, TOK_LPAREN)) {
    if (p_paren_is_query(p, p->pos)) {
      p_advance(p);
      ast_node *node = p_node(p, AST_TABLE_SUBQUERY, at);
      node->u.unary.operand = parse_query(p);
      p_expect(p, TOK_RPAREN);
      return node;
    }
    p_advance(p);
    ast_node *inner = parse_relation(p);
    p_expect(p, TOK_RPAREN);
    return inner;
  }
  if (p_check(p, KW_UNNEST)) {
    p_advance(p);
    ast_node *node = p_node(p, AST_UNNEST, at);
    p_expect(p, TOK_LPAREN);
    list_builder exprs = {0};
    do p_push(p, &exprs, parse_expression(p));
    while (p_accept(p, TOK_COMMA));
    p_expect(p, TOK_RPAREN);
    node->u.unnest.exprs = p_list(&exprs);
    if (p_type(p) == KW_WITH && p_peek(p, 1) == KW_ORDINALITY) {
      p_advance(p);
      p_advance(p);
      node->u.unnest.with_ordinality = true;
    } else {
      p_record(p, KW_WITH);
    }
    return node;
  }
  if (p_check(p, KW_LATERAL) && p_peek(p, 1) == TOK_LPAREN) {
    p_advance(p);
    ast_node *node = p_node(p, AST_LATERAL, at);
    p_expect(p, TOK_LPAREN);
    node->u.unary.operand = parse_query(p);
    p_expect(p, TOK_RPAREN);
    return node;
  }
  ast_node *node = p_node(p, AST_TABLE, at);
  node->u.unary.operand = p_qualified_name(p);
  return node;
}

static ast_node *parse_aliased_relation(parser *p) {
  ast_node *relation = parse_relation_primary(p);
  const sql_token *at = p_tok(p);
  bool has_as = p_accept(p, KW_AS);
  if (!has_as && !p_is_alias_start(p)) return relation;
  ast_node *node = p_node(p, AST_ALIASED_RELATION, at);
  node->pos = relation->pos;
  node->u.aliased.relation = relation;
  node->u.aliased.alias = p_identifier(p);
  if (p_check(p, TOK_LPAREN)) node->u.aliased.columns = parse_column_aliases(p);
  return node;
}

static ast_node *parse_sampled_relation(parser *p) {
  ast_node *relation = parse_aliased_relation(p);
  if (p_check(p, KW_TABLESAMPLE) &&
      (p_peek(p, 1) == KW_BERNOULLI || p_peek(p, 1) == KW_SYSTEM)) {
    p_advance(p);
    ast_node *node = p_node(p, AST_SAMPLED_RELATION, p_tok(p));
    node->pos = relation->pos;
    node->u.sampled.relation = relation;
    node->u.sampled.method = p_type(p) == KW_BERNOULLI ? AST_SAMPLE_BERNOULLI : AST_SAMPLE_SYSTEM;
    p_advance(p);
    p_expect(p, TOK_LPAREN);
    node->u.sampled.percentage = parse_expression(p);
    p_expect(p, TOK_RPAREN);
    return node;
  }
  return relation;
}

static bool parse_join_type(parser *p, ast_join_type *type) {
  if (p_accept(p, KW_INNER)) *type = AST_JOIN_INNER;
  else if (p_accept(p, KW_LEFT)) *type = AST_JOIN_LEFT;
  else if (p_accept(p, KW_RIGHT)) *type = AST_JOIN_RIGHT;
  else if (p_accept(p, KW_FULL)) *type = AST_JOIN_FULL;
  else {
    *type = AST_JOIN_INNER;
    return p_check(p, KW_JOIN);
  }
  if (*type != AST_JOIN_INNER) p_accept(p, KW_OUTER);
  return true;
}

static ast_node *parse_relation(parser *p) {
  p_enter(p, 2);
  int chain = 0;
  ast_node *left = parse_sampled_relation(p);
  for (;;) {
    const sql_token *at = p_tok(p);
    ast_join_type type;
    if (p_accept(p, KW_CROSS)) {
      p_expect(p, KW_JOIN);
      ast_node *join = p_node(p, AST_JOIN, at);
      join->pos = left->pos;
      join->u.join.type = AST_JOIN_CROSS;
      join->u.join.left = left;
      join->u.join.right = parse_sampled_relation(p);
      left = join;
    } else if (p_accept(p, KW_NATURAL)) {
      parse_join_type(p, &type);
      p_expect(p, KW_JOIN);
      ast_node *join = p_node(p, AST_JOIN, at);
      join->pos = left->pos;
      join->u.join.type = type;
      join->u.join.natural = true;
      join->u.join.left = left;
      join->u.join.right = parse_sampled_relation(p);
      left = join;
    } else if (parse_join_type(p, &type)) {
      p_expect(p, KW_JOIN);
      ast_node *join = p_node(p, AST_JOIN, at);
      join->pos = left->pos;
      join->u.join.type = type;
      join->u.join.left = left;
      join->u.join.right = parse_relation(p);
      if (p_accept(p, KW_ON)) {
        join->u.join.on = parse_expression(p);
      } else if (p_accept(p, KW_USING)) {
        join->u.join.using_columns = parse_column_aliases(p);
      } else {
        p_fail_syntax(p);
      }
      left = join;
    } else {
      break;
    }
    p_enter(p, 1);
    chain++;
  }
  p_leave(p, 2 + chain);
  return left;
}

/* ---- GROUP BY ---------------------------------------------------------------- */

static bool continues_expression(sql_token_type t) {
  switch (t) {
    case TOK_PLUS: case TOK_MINUS: case TOK_STAR: case TOK_SLASH: case TOK_PERCENT:
    case TOK_CONCAT: case TOK_EQ: case TOK_NEQ: case TOK_LT: case TOK_LTE: case TOK_GT:
    case TOK_GTE: case TOK_DOT: case TOK_LBRACKET: case KW_AND: case KW_OR: case KW_IS:
    case KW_IN: case KW_NOT: case KW_BETWEEN: case KW_LIKE: case KW_AT:
      return true;
    default:
      return false;
  }
}

static ast_node *parse_grouping_set(parser *p) {
  const sql_token *at = p_tok(p);
  ast_node *set = p_node(p, AST_GROUPING_SET, at);
  if (p_check(p, TOK_LPAREN) && !p_paren_is_query(p, p->pos)) {
    uint32_t close = p_match(p, p->pos);
    if (close != UINT32_MAX && !continues_expression(p_type_at(p, close + 1))) {
      p_advance(p);
      list_builder exprs = {0};
      if (!p_check(p, TOK_RPAREN)) {
        do p_push(p, &exprs, parse_expression(p));
        while (p_accept(p, TOK_COMMA));
      }
      p_expect(p, TOK_RPAREN);
      set->u.list.items = p_list(&exprs);
      return set;
    }
  }
  set->u.list.items = p_list1(p, parse_expression(p));
  return set;
}

static ast_node *parse_grouping_element(parser *p) {
  const sql_token *at = p_tok(p);
  ast_node *element = p_node(p, AST_GROUPING_ELEMENT, at);
  list_builder sets = {0};
  if (p_accept(p, KW_ROLLUP) || p_accept(p, KW_CUBE)) {
    element->u.grouping_element.type = at->type == KW_ROLLUP ? AST_GROUPING_ROLLUP : AST_GROUPING_CUBE;
    p_expect(p, TOK_LPAREN);
    if (!p_check(p, TOK_RPAREN)) {
      do p_push(p, &sets, parse_grouping_set(p));
      while (p_accept(p, TOK_COMMA));
    }
    p_expect(p, TOK_RPAREN);
  } else if (p_check(p, KW_GROUPING) && p_peek(p, 1) == KW_SETS) {
    p_advance(p);
    p_advance(p);
    element->u.grouping_element.type = AST_GROUPING_SETS;
    p_expect(p, TOK_LPAREN);
    do p_push(p, &sets, parse_grouping_set(p));
    while (p_accept(p, TOK_COMMA));
    p_expect(p, TOK_RPAREN);
  } else {
    element->u.grouping_element.type = AST_GROUPING_SIMPLE;
    p_push(p, &sets, parse_grouping_set(p));
  }
  element->u.grouping_element.sets = p_list(&sets);
  return element;
}

static ast_node *parse_group_by(parser *p, const sql_token *at) {
  ast_node *node = p_node(p, AST_GROUP_BY, at);
  if (p_accept(p, KW_DISTINCT)) node->u.group_by.distinct = true;
  else p_accept(p, KW_ALL);
  list_builder elements = {0};
  do p_push(p, &elements, parse_grouping_element(p));
  while (p_accept(p, TOK_COMMA));
  node->u.group_by.elements = p_list(&elements);
  return node;
}

/* ---- SELECT ------------------------------------------------------------------ */

/* ident ('.' ident)* '.' '*' starting at the current token */
static bool at_qualified_all_columns(parser *p) {
  uint32_t i = p->pos;
  if (!p_is_identifier_token(p_type_at(p, i))) return false;
  for (;;) {
    if (p_type_at(p, i + 1) != TOK_DOT) return false;
    if (p_type_at(p, i + 2) == TOK_STAR) return true;
    if (!p_is_identifier_token(p_type_at(p, i + 2))) return false;
    i += 2;
  }
}

static ast_node *parse_select_item(parser *p) {
  const sql_token *at = p_tok(p);
  if (p_check(p, TOK_STAR)) {
    p_advance(p);
    return p_node(p, AST_ALL_COLUMNS, at);
  }
  if (at_qualified_all_columns(p)) {
    ast_node *node = p_node(p, AST_ALL_COLUMNS, at);
    ast_node *prefix = p_identifier(p);
    while (p_type(p) == TOK_DOT && p_peek(p, 1) != TOK_STAR) {
      const sql_token *dot = p_tok(p);
      p_advance(p);
      ast_node *deref = p_node(p, AST_DEREFERENCE, dot);
      deref->pos = prefix->pos;
      deref->u.binary.left = prefix;
      deref->u.binary.right = p_identifier(p);
      prefix = deref;
    }
    p_expect(p, TOK_DOT);
    p_expect(p, TOK_STAR);
    node->u.all_columns.prefix = prefix;
    if (p_accept(p, KW_AS)) node->u.all_columns.aliases = parse_column_aliases(p);
    return node;
  }
  ast_node *node = p_node(p, AST_SELECT_ITEM, at);
  node->u.binary.left = parse_expression(p);
  if (p_accept(p, KW_AS) || p_is_alias_start(p)) node->u.binary.right = p_identifier(p);
  return node;
}

static ast_node *fold_implicit_join(parser *p, ast_node *left, ast_node *right, const sql_token *at) {
  ast_node *join = p_node(p, AST_JOIN, at);
  join->pos = left->pos;
  join->u.join.type = AST_JOIN_IMPLICIT;
  join->u.join.left = left;
  join->u.join.right = right;
  return join;
}

static ast_node *parse_query_specification(parser *p) {
  const sql_token *at = p_expect(p, KW_SELECT);
  ast_node *node = p_node(p, AST_QUERY_SPECIFICATION, at);
  if (p_accept(p, KW_DISTINCT)) node->u.query_spec.distinct = true;
  else p_accept(p, KW_ALL);
  list_builder items = {0};
  do p_push(p, &items, parse_select_item(p));
  while (p_accept(p, TOK_COMMA));
  node->u.query_spec.select = p_list(&items);
  if (p_accept(p, KW_FROM)) {
    ast_node *from = parse_relation(p);
    int chain = 0;
    while (p_check(p, TOK_COMMA)) {
      const sql_token *comma = p_tok(p);
      p_advance(p);
      from = fold_implicit_join(p, from, parse_relation(p), comma);
      p_enter(p, 1);
      chain++;
    }
    p_leave(p, chain);
    node->u.query_spec.from = from;
  }
  if (p_accept(p, KW_WHERE)) node->u.query_spec.where = parse_expression(p);
  const sql_token *group_at = p_tok(p);
  if (p_accept(p, KW_GROUP)) {
    p_expect(p, KW_BY);
    node->u.query_spec.group_by = parse_group_by(p, group_at);
  }
  if (p_accept(p, KW_HAVING)) node->u.query_spec.having = parse_expression(p);
  if (p_check(p, KW_WINDOW) && p_is_identifier_token(p_peek(p, 1))) {
    p_advance(p);
    list_builder windows = {0};
    do {
      ast_node *def = p_node(p, AST_WINDOW_DEFINITION, p_tok(p));
      def->u.binary.left = p_identifier(p);
      p_expect(p, KW_AS);
      const sql_token *open = p_expect(p, TOK_LPAREN);
      def->u.binary.right = parse_window_specification(p, open);
      p_expect(p, TOK_RPAREN);
      p_push(p, &windows, def);
    } while (p_accept(p, TOK_COMMA));
    node->u.query_spec.windows = p_list(&windows);
  }
  return node;
}

/* ---- query terms ------------------------------------------------------------- */

static ast_node *parse_query_primary(parser *p) {
  const sql_token *at = p_tok(p);
  if (p_check(p, KW_SELECT)) return parse_query_specification(p);
  if (p_accept(p, KW_VALUES)) {
    ast_node *node = p_node(p, AST_VALUES, at);
    list_builder rows = {0};
    do p_push(p, &rows, parse_expression(p));
    while (p_accept(p, TOK_COMMA));
    node->u.list.items = p_list(&rows);
    return node;
  }
  if (p_accept(p, KW_TABLE)) {
    ast_node *node = p_node(p, AST_TABLE, at);
    node->u.unary.operand = p_qualified_name(p);
    return node;
  }
  if (p_accept(p, TOK_LPAREN)) {
    ast_node *node = p_node(p, AST_TABLE_SUBQUERY, at);
    p_enter(p, 2);
    node->u.unary.operand = parse_query_no_with(p);
    p_leave(p, 2);
    p_expect(p, TOK_RPAREN);
    return node;
  }
  p_fail_syntax(p);
}

static int set_op_precedence(sql_token_type t) {
  return t == KW_INTERSECT ? 2 : (t == KW_UNION || t == KW_EXCEPT) ? 1 : 0;
}

static ast_node *parse_query_term(parser *p, int min_precedence) {
  ast_node *left = parse_query_primary(p);
  int chain = 0;
  for (;;) {
    p_record(p, KW_INTERSECT);
    p_record(p, KW_UNION);
    p_record(p, KW_EXCEPT);
    sql_token_type t = p_type(p);
    int prec = set_op_precedence(t);
    if (prec == 0 || prec < min_precedence) break;
    const sql_token *at = p_tok(p);
    p_advance(p);
    ast_node *node = p_node(p, AST_SET_OPERATION, at);
    node->pos = left->pos;
    node->u.set_operation.op = t == KW_INTERSECT ? AST_SET_INTERSECT
                             : t == KW_UNION ? AST_SET_UNION : AST_SET_EXCEPT;
    if (p_accept(p, KW_ALL)) node->u.set_operation.all = true;
    else p_accept(p, KW_DISTINCT);
    node->u.set_operation.left = left;
    p_enter(p, 1);
    chain++;
    node->u.set_operation.right = parse_query_term(p, prec + 1);
    left = node;
  }
  p_leave(p, chain);
  return left;
}

ast_node *parse_query_no_with(parser *p) {
  const sql_token *at = p_tok(p);
  ast_node *node = p_node(p, AST_QUERY, at);
  node->u.query.body = parse_query_term(p, 1);
  if (p_accept(p, KW_ORDER)) {
    p_expect(p, KW_BY);
    node->u.query.order_by = parse_sort_items(p);
  }
  if (p_check(p, KW_OFFSET) && (p_peek(p, 1) == TOK_INTEGER || p_peek(p, 1) == TOK_QUESTION)) {
    p_advance(p);
    node->u.query.offset = parse_row_count(p);
    if (!p_accept(p, KW_ROW)) p_accept(p, KW_ROWS);
  }
  const sql_token *limit_at = p_tok(p);
  if (p_check(p, KW_LIMIT) && (p_peek(p, 1) == TOK_INTEGER || p_peek(p, 1) == TOK_QUESTION ||
                               p_peek(p, 1) == KW_ALL)) {
    p_advance(p);
    ast_node *limit = p_node(p, AST_LIMIT, limit_at);
    if (!p_accept(p, KW_ALL)) limit->u.unary.operand = parse_row_count(p);
    node->u.query.limit = limit;
  } else if (p_check(p, KW_FETCH) && (p_peek(p, 1) == KW_FIRST || p_peek(p, 1) == KW_NEXT)) {
    p_advance(p);
    p_advance(p);
    ast_node *fetch = p_node(p, AST_FETCH_FIRST, limit_at);
    if (p_type(p) == TOK_INTEGER || p_type(p) == TOK_QUESTION) fetch->u.unary.operand = parse_row_count(p);
    else p_record(p, TOK_INTEGER);
    if (!p_accept(p, KW_ROW) && !p_accept(p, KW_ROWS)) p_fail_syntax(p);
    if (p_accept(p, KW_WITH)) {
      p_expect(p, KW_TIES);
      fetch->u.unary.op = 1;
    } else {
      p_expect(p, KW_ONLY);
    }
    node->u.query.limit = fetch;
  }
  return node;
}

ast_node *parse_query(parser *p) {
  p_label(p, TOK_LABEL_QUERY);
  p_enter(p, 2);
  const sql_token *at = p_tok(p);
  ast_node *with = NULL;
  if (p_accept(p, KW_WITH)) {
    with = p_node(p, AST_WITH, at);
    with->u.with.recursive = p_accept(p, KW_RECURSIVE);
    list_builder queries = {0};
    do {
      ast_node *wq = p_node(p, AST_WITH_QUERY, p_tok(p));
      wq->u.with_query.name = p_identifier(p);
      if (p_check(p, TOK_LPAREN)) wq->u.with_query.columns = parse_column_aliases(p);
      p_expect(p, KW_AS);
      p_expect(p, TOK_LPAREN);
      wq->u.with_query.query = parse_query(p);
      p_expect(p, TOK_RPAREN);
      p_push(p, &queries, wq);
    } while (p_accept(p, TOK_COMMA));
    with->u.with.queries = p_list(&queries);
  }
  ast_node *query = parse_query_no_with(p);
  if (with) {
    query->u.query.with = with;
    query->pos = with->pos;
  }
  p_leave(p, 2);
  return query;
}
