/*
 * ast_build.h — making syntax trees outside the parser, for statements the
 * engine plans as queries (DELETE, UPDATE) and for rewrites in the
 * analyser (quantified comparisons). Nodes come from a caller's sql_arena
 * and follow ast.h's shapes; NULL when the arena is out of memory.
 */
#ifndef SHOAL_SQL_AST_BUILD_H
#define SHOAL_SQL_AST_BUILD_H

#include "sql/arena.h"
#include "sql/ast.h"

/* A zeroed node of `kind` at `pos`. */
ast_node *ast_build_node(sql_arena *arena, ast_kind kind, ast_pos pos);
/* A quoted (case-kept) identifier naming `name` exactly. */
ast_node *ast_build_identifier(sql_arena *arena, const char *name, ast_pos pos);
/* A list with room for `count` items (all NULL); false when out of memory. */
bool ast_build_list(sql_arena *arena, ast_list *list, uint32_t count);
/* SELECT_ITEM (expression [AS alias]); alias may be NULL. */
ast_node *ast_build_select_item(sql_arena *arena, ast_node *expression, const char *alias);
/* QUERY of a bare QUERY_SPECIFICATION with room for `select_count` items. */
ast_node *ast_build_query(sql_arena *arena, ast_node **spec_out, uint32_t select_count, ast_pos pos);
/* A BOOLEAN_LITERAL. */
ast_node *ast_build_boolean(sql_arena *arena, bool value, ast_pos pos);

#endif
