/*
 * ast_build.c — syntax tree nodes made outside the parser (ast_build.h).
 */
#include "sql/ast_build.h"

#include <string.h>

ast_node *ast_build_node(sql_arena *arena, ast_kind kind, ast_pos pos)
{
    ast_node *node = sql_arena_alloc(arena, sizeof *node);
    if (!node)
        return NULL;
    memset(node, 0, sizeof *node);
    node->kind = kind;
    node->pos = pos;
    return node;
}

ast_node *ast_build_identifier(sql_arena *arena, const char *name, ast_pos pos)
{
    ast_node *node = ast_build_node(arena, AST_IDENTIFIER, pos);
    size_t length = strlen(name);
    char *value = sql_arena_strndup(arena, name, length);
    if (!node || !value)
        return NULL;
    node->u.identifier.value = (sql_str){value, (uint32_t)length};
    node->u.identifier.text = node->u.identifier.value;
    node->u.identifier.quoted = true;
    return node;
}

bool ast_build_list(sql_arena *arena, ast_list *list, uint32_t count)
{
    list->count = 0;
    list->items = sql_arena_alloc(arena, sizeof(ast_node *) * (count ? count : 1));
    if (!list->items)
        return false;
    memset(list->items, 0, sizeof(ast_node *) * (count ? count : 1));
    list->count = count;
    return true;
}

ast_node *ast_build_select_item(sql_arena *arena, ast_node *expression, const char *alias)
{
    if (!expression)
        return NULL;
    ast_node *item = ast_build_node(arena, AST_SELECT_ITEM, expression->pos);
    if (!item)
        return NULL;
    item->u.binary.left = expression;
    if (alias && !(item->u.binary.right = ast_build_identifier(arena, alias, expression->pos)))
        return NULL;
    return item;
}

ast_node *ast_build_query(sql_arena *arena, ast_node **spec_out, uint32_t select_count, ast_pos pos)
{
    ast_node *query = ast_build_node(arena, AST_QUERY, pos);
    ast_node *spec = ast_build_node(arena, AST_QUERY_SPECIFICATION, pos);
    if (!query || !spec || !ast_build_list(arena, &spec->u.query_spec.select, select_count))
        return NULL;
    query->u.query.body = spec;
    *spec_out = spec;
    return query;
}

ast_node *ast_build_boolean(sql_arena *arena, bool value, ast_pos pos)
{
    ast_node *node = ast_build_node(arena, AST_BOOLEAN_LITERAL, pos);
    if (node) {
        node->u.literal.flag = value;
        node->u.literal.text = value ? (sql_str){"true", 4} : (sql_str){"false", 5};
    }
    return node;
}
