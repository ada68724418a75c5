/*
 * prepared_statements.h — PREPARE / EXECUTE ... USING / DEALLOCATE PREPARE /
 * DESCRIBE INPUT as Trino does them. PREPARE stores the statement's
 * canonical SQL text (sql_format, as Trino's SqlFormatter) in the session
 * under its name; EXECUTE parses it again and binds the USING values to its
 * `?` parameters, which the analyser reads from analyzer_context.parameters
 * (sql/analyzer_parameters.c). query.c runs the bound statement.
 *
 * Errors (Trino's): NOT_FOUND "Prepared statement not found: x";
 * INVALID_PARAMETER_USAGE "Incorrect number of parameters: expected 2 but
 * found 1"; NOT_SUPPORTED "Invalid statement type for prepared statement: X".
 */
#ifndef SHOAL_ACTORS_ENGINE_PREPARED_STATEMENTS_H
#define SHOAL_ACTORS_ENGINE_PREPARED_STATEMENTS_H

#include <stdbool.h>

#include "actors/engine/result_builder.h"
#include "actors/engine/session.h"
#include "connectors/spi/error.h"
#include "connectors/spi/value.h"
#include "sql/arena.h"
#include "sql/ast.h"

/* A prepared statement parsed again, with its parameter values. */
typedef struct prepared_bound {
    sql_arena *arena;             /* owns `statement` */
    const ast_node *statement;
    value *values;                /* parameter_count entries (strings point into the EXECUTE's AST) */
    int parameter_count;
} prepared_bound;

/* PREPARE name FROM statement. */
bool prepared_prepare(session *s, const ast_node *node, shoal_error *error);
/* DEALLOCATE PREPARE name. */
bool prepared_deallocate(session *s, const ast_node *node, shoal_error *error);
/* EXECUTE name [USING args] (args NULL for DESCRIBE: every parameter is a
 * NULL of unknown type and the count is not checked). */
bool prepared_bind(const session *s, const ast_node *name, const ast_list *args, prepared_bound *out,
                   shoal_error *error);
void prepared_bound_free(prepared_bound *b);
/* DESCRIBE INPUT name: Position (bigint), Type (varchar) per parameter. */
bool prepared_describe_input(const session *s, const ast_node *node, result_builder *b,
                             const char *column_names[2], shoal_error *error);

#endif
