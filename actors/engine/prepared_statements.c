/*
 * prepared_statements.c — prepared statements in the session: store the
 * canonical text, parse it again with its parameters bound, describe inputs.
 */
#include "prepared_statements.h"

#include <stdlib.h>
#include <string.h>

#include "sql/analyzer.h"
#include "sql/formatter.h"
#include "sql/parser.h"

static const char *name_of(const ast_node *identifier)
{
    return identifier->u.identifier.value.ptr;
}

bool prepared_prepare(session *s, const ast_node *node, shoal_error *error)
{
    const ast_node *statement = node->u.binary.right;
    switch (statement->kind) {
    case AST_PREPARE:
    case AST_EXECUTE:
    case AST_DEALLOCATE:
        return error_set_at(error, ERR_NOT_SUPPORTED, (int)statement->pos.line, (int)statement->pos.column,
                            "Invalid statement type for prepared statement: %s", ast_kind_name(statement->kind));
    default:
        break;
    }
    size_t length = 0;
    char *sql = sql_format(statement, &length);
    if (!sql)
        return error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
    bool ok = session_set_prepared(s, name_of(node->u.binary.left), sql);
    free(sql);
    return ok || error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
}

bool prepared_deallocate(session *s, const ast_node *node, shoal_error *error)
{
    const char *name = name_of(node->u.unary.operand);
    if (!session_remove_prepared(s, name))
        return error_set(error, ERR_NOT_FOUND, "Prepared statement not found: %s", name);
    return true;
}

static const char *lookup(const session *s, const ast_node *name, shoal_error *error)
{
    const char *sql = session_prepared(s, name_of(name));
    if (!sql)
        error_set(error, ERR_NOT_FOUND, "Prepared statement not found: %s", name_of(name));
    return sql;
}

bool prepared_bind(const session *s, const ast_node *name, const ast_list *args, prepared_bound *out,
                   shoal_error *error)
{
    memset(out, 0, sizeof *out);
    const char *sql = lookup(s, name, error);
    if (!sql)
        return false;
    int expected = analyzer_count_parameters(sql, strlen(sql));
    int found = args ? (int)args->count : expected;
    if (expected < 0)
        return error_set(error, ERR_GENERIC_INTERNAL_ERROR, "Cannot read prepared statement %s", name_of(name));
    if (found != expected)
        return error_set(error, ERR_INVALID_PARAMETER_USAGE, "Incorrect number of parameters: expected %d but found %d",
                         expected, found);
    out->arena = sql_arena_create();
    out->values = calloc((size_t)expected + 1, sizeof *out->values);
    if (!out->arena || !out->values) {
        prepared_bound_free(out);
        return error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
    }
    out->parameter_count = expected;
    for (int i = 0; i < expected; i++) {
        if (!args)
            out->values[i] = value_null(type_make(TYPE_UNKNOWN));
        else if (!analyzer_parameter_value(args->items[i], &out->values[i], error)) {
            prepared_bound_free(out);
            return false;
        }
    }
    sql_error parse_error;
    sql_error_clear(&parse_error);
    if (sql_parse_statement(out->arena, sql, strlen(sql), &out->statement, &parse_error) != 0) {
        error_set(error, ERR_SYNTAX_ERROR, "%s", parse_error.message);
        prepared_bound_free(out);
        return false;
    }
    return true;
}

void prepared_bound_free(prepared_bound *b)
{
    if (b->arena)
        sql_arena_destroy(b->arena);
    free(b->values);
    memset(b, 0, sizeof *b);
}

bool prepared_describe_input(const session *s, const ast_node *node, result_builder *b,
                             const char *column_names[2], shoal_error *error)
{
    const char *sql = lookup(s, node->u.unary.operand, error);
    if (!sql)
        return false;
    int count = analyzer_count_parameters(sql, strlen(sql));
    sql_type types[2] = {type_make(TYPE_BIGINT), type_varchar(VARCHAR_UNBOUNDED)};
    result_builder_init(b, 2, types);
    /* parameter types are not inferred yet: Trino says "unknown" when it cannot tell */
    for (int i = 0; i < count; i++) {
        value row[2] = {value_bigint(i), value_varchar("unknown", 7)};
        result_builder_add_row(b, row);
    }
    column_names[0] = "Position";
    column_names[1] = "Type";
    return true;
}
