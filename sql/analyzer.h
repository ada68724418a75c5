/*
 * analyzer.h — from a parsed query to a logical plan (plan.h): names are
 * resolved against the catalogs, types are checked and coerced, functions
 * resolved, aggregates and GROUP BY checked, and subqueries (scalar, IN,
 * EXISTS, correlated or not) decorrelated into joins and semi-joins.
 *
 * Errors carry Trino's names and the position of the offending SQL
 * (COLUMN_NOT_FOUND, TABLE_NOT_FOUND, TYPE_MISMATCH, FUNCTION_NOT_FOUND,
 * EXPRESSION_NOT_AGGREGATE, ...).
 *
 * The analyser reaches catalogs through a callback, so this layer needs only
 * the connector contract (connectors/spi), not the catalog registry.
 */
#ifndef SHOAL_SQL_ANALYZER_H
#define SHOAL_SQL_ANALYZER_H

#include "connectors/spi/connector.h"
#include "connectors/spi/error.h"
#include "sql/ast.h"
#include "sql/plan.h"

typedef struct analyzer_context {
    const char *catalog;      /* session catalog, or NULL */
    const char *schema;       /* session schema, or NULL */
    const char *user;
    /* The connector behind a catalog name, or NULL when there is no such catalog. */
    connector *(*find_catalog)(void *lookup_context, const char *catalog_name);
    void *lookup_context;
    /* EXECUTE ... USING: the values of the `?` parameters by index (0-based,
     * the parser's AST_PARAMETER order); NULL when the statement has none.
     * Translated by sql/analyzer_parameters.c. */
    const value *parameters;
    int parameter_count;
} analyzer_context;

/* ---- parameters (sql/analyzer_parameters.c) ---- */
struct expr_scope;
/* translate_node's hook for AST_PARAMETER: the context's value as a constant,
 * or INVALID_PARAMETER_USAGE when there is none for its index. */
expr *analyzer_translate_parameter(const struct expr_scope *es, const ast_node *node);
/* An EXECUTE ... USING argument (a literal, optionally negated) as a value;
 * strings point into the AST. False with NOT_SUPPORTED for anything else. */
bool analyzer_parameter_value(const ast_node *node, value *out, shoal_error *error);
/* How many `?` parameters the statement text has (-1 when it cannot be lexed). */
int analyzer_count_parameters(const char *sql, size_t length);

/* Plans a QUERY node. The root is a PLAN_OUTPUT whose columns carry the
 * names the client sees. NULL with *error set on failure. */
plan_node *analyze_query(const ast_node *query, const analyzer_context *context,
                         shoal_error *error);

/* A type as written in SQL (varchar(25), decimal(12,2), array(bigint), ...). */
bool sql_type_from_ast(const ast_node *node, sql_type *out);

#endif
