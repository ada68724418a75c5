/*
 * ast.c — kind names, structural equality and a generic child walker. Both are
 * driven by one table that lists, for every payload shape, its fields.
 */
#include "sql/ast.h"

#include <string.h>

typedef enum field_type { F_NODE, F_LIST, F_STR, F_I64, F_DBL, F_INT, F_BOOL, F_SKIP } field_type;

typedef struct field_desc {
  field_type type;
  uint16_t offset;
} field_desc;

enum { MAX_FIELDS = 16 };

typedef struct shape_desc {
  field_desc fields[MAX_FIELDS];
  int count;
} shape_desc;

#define OFF(shape, field) ((uint16_t)offsetof(ast_node, u.shape.field))
#define FN(shape, field) {F_NODE, OFF(shape, field)}
#define FL(shape, field) {F_LIST, OFF(shape, field)}
#define FS(shape, field) {F_STR, OFF(shape, field)}
#define FI(shape, field) {F_INT, OFF(shape, field)}
#define FB(shape, field) {F_BOOL, OFF(shape, field)}

#define SHAPE(...) {{__VA_ARGS__}, sizeof((field_desc[]){__VA_ARGS__}) / sizeof(field_desc)}

typedef enum shape_id {
  SH_none, SH_literal, SH_typed_literal, SH_interval, SH_identifier, SH_list, SH_unary,
  SH_binary, SH_logical, SH_predicate, SH_in_list, SH_quantified, SH_case_expr, SH_cast,
  SH_call, SH_lambda, SH_current, SH_window, SH_frame, SH_sort_item, SH_generic_type,
  SH_datetime_type, SH_query, SH_with, SH_with_query, SH_query_spec, SH_all_columns,
  SH_group_by, SH_grouping_element, SH_set_operation, SH_aliased, SH_unnest, SH_join,
  SH_sampled, SH_explain, SH_option, SH_show, SH_execute, SH_ddl, SH__COUNT
} shape_id;

static const shape_desc shapes[SH__COUNT] = {
  [SH_none] = {{{0, 0}}, 0},
  /* literals are compared specially (see literal_equal); no children */
  [SH_literal] = {{{0, 0}}, 0},
  [SH_typed_literal] = SHAPE(FN(typed_literal, type_name), FS(typed_literal, value)),
  [SH_interval] = SHAPE(FS(interval, value), FI(interval, sign), FI(interval, start),
                        FI(interval, end)),
  [SH_identifier] = SHAPE(FS(identifier, value), FB(identifier, quoted)),
  [SH_list] = SHAPE(FL(list, items)),
  [SH_unary] = SHAPE(FI(unary, op), FN(unary, operand)),
  [SH_binary] = SHAPE(FI(binary, op), FN(binary, left), FN(binary, right)),
  [SH_logical] = SHAPE(FI(logical, op), FL(logical, terms)),
  [SH_predicate] = SHAPE(FN(predicate, value), FN(predicate, a), FN(predicate, b),
                         FB(predicate, negated)),
  [SH_in_list] = SHAPE(FN(in_list, value), FL(in_list, items), FB(in_list, negated)),
  [SH_quantified] = SHAPE(FI(quantified, op), FI(quantified, quantifier),
                          FN(quantified, value), FN(quantified, query)),
  [SH_case_expr] = SHAPE(FN(case_expr, operand), FL(case_expr, whens),
                         FN(case_expr, else_value)),
  [SH_cast] = SHAPE(FN(cast, value), FN(cast, type), FB(cast, safe)),
  [SH_call] = SHAPE(FN(call, name), FL(call, args), FL(call, order_by), FN(call, filter),
                    FN(call, window), FB(call, distinct), FB(call, star),
                    FI(call, null_treatment), FI(call, processing_mode)),
  [SH_lambda] = SHAPE(FL(lambda, params), FN(lambda, body)),
  [SH_current] = SHAPE(FI(current, what), FI(current, precision)),
  [SH_window] = SHAPE(FN(window, existing_name), FL(window, partition_by),
                      FL(window, order_by), FN(window, frame)),
  [SH_frame] = SHAPE(FI(frame, type), FN(frame, start), FN(frame, end)),
  [SH_sort_item] = SHAPE(FN(sort_item, key), FB(sort_item, descending),
                         FI(sort_item, null_ordering)),
  [SH_generic_type] = SHAPE(FN(generic_type, name), FL(generic_type, params)),
  [SH_datetime_type] = SHAPE(FB(datetime_type, timestamp), FB(datetime_type, with_time_zone),
                             FN(datetime_type, precision)),
  [SH_query] = SHAPE(FN(query, with), FN(query, body), FL(query, order_by),
                     FN(query, offset), FN(query, limit)),
  [SH_with] = SHAPE(FB(with, recursive), FL(with, queries)),
  [SH_with_query] = SHAPE(FN(with_query, name), FL(with_query, columns),
                          FN(with_query, query)),
  [SH_query_spec] = SHAPE(FB(query_spec, distinct), FL(query_spec, select),
                          FN(query_spec, from), FN(query_spec, where),
                          FN(query_spec, group_by), FN(query_spec, having),
                          FL(query_spec, windows)),
  [SH_all_columns] = SHAPE(FN(all_columns, prefix), FL(all_columns, aliases)),
  [SH_group_by] = SHAPE(FB(group_by, distinct), FL(group_by, elements)),
  [SH_grouping_element] = SHAPE(FI(grouping_element, type), FL(grouping_element, sets)),
  [SH_set_operation] = SHAPE(FI(set_operation, op), FB(set_operation, all),
                             FN(set_operation, left), FN(set_operation, right)),
  [SH_aliased] = SHAPE(FN(aliased, relation), FN(aliased, alias), FL(aliased, columns)),
  [SH_unnest] = SHAPE(FL(unnest, exprs), FB(unnest, with_ordinality)),
  [SH_join] = SHAPE(FI(join, type), FB(join, natural), FN(join, left), FN(join, right),
                    FN(join, on), FL(join, using_columns)),
  [SH_sampled] = SHAPE(FN(sampled, relation), FI(sampled, method), FN(sampled, percentage)),
  [SH_explain] = SHAPE(FN(explain, statement), FL(explain, options), FB(explain, analyze),
                       FB(explain, verbose)),
  [SH_option] = SHAPE(FI(option, kind), FI(option, value)),
  [SH_show] = SHAPE(FN(show, target), FN(show, like), FN(show, escape), FI(show, object)),
  [SH_execute] = SHAPE(FN(execute, name), FL(execute, args)),
  [SH_ddl] = SHAPE(FN(ddl, name), FN(ddl, target), FN(ddl, column), FN(ddl, type),
                   FN(ddl, comment), FN(ddl, query), FN(ddl, where), FL(ddl, elements),
                   FL(ddl, properties), FI(ddl, option), FB(ddl, or_replace),
                   FB(ddl, if_not_exists), FB(ddl, if_exists), FB(ddl, column_if_exists),
                   FB(ddl, cascade), FB(ddl, not_null)),
};

static const uint8_t kind_shape[AST__KIND_COUNT] = {
#define KIND_SHAPE_(kind, shape) [AST_##kind] = SH_##shape,
  AST_KINDS(KIND_SHAPE_)
#undef KIND_SHAPE_
};

static const char *const kind_names[AST__KIND_COUNT] = {
#define KIND_NAME_(kind, shape) [AST_##kind] = #kind,
  AST_KINDS(KIND_NAME_)
#undef KIND_NAME_
};

const char *ast_kind_name(ast_kind kind) {
  if ((unsigned)kind >= AST__KIND_COUNT) return "?";
  return kind_names[kind];
}

static const shape_desc *shape_of(const ast_node *node) {
  return &shapes[kind_shape[node->kind]];
}

#define FIELD_PTR(node, desc) ((const char *)(node) + (desc)->offset)

static bool str_equal(sql_str a, sql_str b) {
  return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

static bool literal_equal(const ast_node *a, const ast_node *b) {
  switch (a->kind) {
    case AST_NULL_LITERAL: return true;
    case AST_BOOLEAN_LITERAL: return a->u.literal.flag == b->u.literal.flag;
    case AST_LONG_LITERAL:
    case AST_PARAMETER: return a->u.literal.int_value == b->u.literal.int_value;
    case AST_DOUBLE_LITERAL: return a->u.literal.double_value == b->u.literal.double_value ||
                                    str_equal(a->u.literal.text, b->u.literal.text);
    default: return str_equal(a->u.literal.text, b->u.literal.text);
  }
}

static bool list_equal(const ast_list *a, const ast_list *b) {
  if (a->count != b->count) return false;
  for (uint32_t i = 0; i < a->count; i++)
    if (!ast_equal(a->items[i], b->items[i])) return false;
  return true;
}

bool ast_equal(const ast_node *a, const ast_node *b) {
  if (a == b) return true;
  if (!a || !b) return false;
  if (a->kind != b->kind) return false;
  if (kind_shape[a->kind] == SH_literal) return literal_equal(a, b);
  const shape_desc *shape = shape_of(a);
  for (int i = 0; i < shape->count; i++) {
    const field_desc *f = &shape->fields[i];
    const char *pa = FIELD_PTR(a, f), *pb = FIELD_PTR(b, f);
    switch (f->type) {
      case F_NODE:
        if (!ast_equal(*(ast_node *const *)pa, *(ast_node *const *)pb)) return false;
        break;
      case F_LIST:
        if (!list_equal((const ast_list *)pa, (const ast_list *)pb)) return false;
        break;
      case F_STR:
        if (!str_equal(*(const sql_str *)pa, *(const sql_str *)pb)) return false;
        break;
      case F_I64:
        if (*(const int64_t *)pa != *(const int64_t *)pb) return false;
        break;
      case F_DBL:
        if (*(const double *)pa != *(const double *)pb) return false;
        break;
      case F_INT:
        if (*(const int *)pa != *(const int *)pb) return false;
        break;
      case F_BOOL:
        if (*(const bool *)pa != *(const bool *)pb) return false;
        break;
      case F_SKIP: break;
    }
  }
  return true;
}

uint32_t ast_child_count(const ast_node *node) {
  const shape_desc *shape = shape_of(node);
  uint32_t n = 0;
  for (int i = 0; i < shape->count; i++) {
    const field_desc *f = &shape->fields[i];
    if (f->type == F_NODE) n += *(ast_node *const *)FIELD_PTR(node, f) != NULL;
    else if (f->type == F_LIST) n += ((const ast_list *)FIELD_PTR(node, f))->count;
  }
  return n;
}

const ast_node *ast_child_at(const ast_node *node, uint32_t index) {
  const shape_desc *shape = shape_of(node);
  for (int i = 0; i < shape->count; i++) {
    const field_desc *f = &shape->fields[i];
    if (f->type == F_NODE) {
      const ast_node *child = *(ast_node *const *)FIELD_PTR(node, f);
      if (!child) continue;
      if (index == 0) return child;
      index--;
    } else if (f->type == F_LIST) {
      const ast_list *list = (const ast_list *)FIELD_PTR(node, f);
      if (index < list->count) return list->items[index];
      index -= list->count;
    }
  }
  return NULL;
}

static void walk(const ast_node *node, int depth, ast_visit_fn visit, void *context) {
  if (!visit(node, depth, context)) return;
  const shape_desc *shape = shape_of(node);
  for (int i = 0; i < shape->count; i++) {
    const field_desc *f = &shape->fields[i];
    if (f->type == F_NODE) {
      const ast_node *child = *(ast_node *const *)FIELD_PTR(node, f);
      if (child) walk(child, depth + 1, visit, context);
    } else if (f->type == F_LIST) {
      const ast_list *list = (const ast_list *)FIELD_PTR(node, f);
      for (uint32_t j = 0; j < list->count; j++) walk(list->items[j], depth + 1, visit, context);
    }
  }
}

void ast_walk(const ast_node *root, ast_visit_fn visit, void *context) {
  if (root) walk(root, 0, visit, context);
}

static bool count_visit(const ast_node *node, int depth, void *context) {
  (void)node;
  (void)depth;
  (*(size_t *)context)++;
  return true;
}

size_t ast_count_nodes(const ast_node *root) {
  size_t n = 0;
  ast_walk(root, count_visit, &n);
  return n;
}
