/*
 * query_internal.h — what the statement files of the engine share: the
 * query's state and the helpers query.c gives its statements (names,
 * catalogs, planning a query, answering with rows or an update).
 * Statement families live in their own files (view_statements.c,
 * row_change.c) and are dispatched from query.c's run_statement.
 */
#ifndef SHOAL_ACTORS_QUERY_INTERNAL_H
#define SHOAL_ACTORS_QUERY_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "actors/engine/catalog_store.h"
#include "actors/engine/execution.h"
#include "actors/engine/query.h"
#include "actors/engine/result_builder.h"
#include "actors/engine/session.h"
#include "sql/ast.h"
#include "sql/plan.h"

struct query {
    engine *engine;
    session *session;
    query_state state;
    shoal_error error;
    int column_count;
    plan_column *columns;
    /* answered directly: pages handed out in order */
    page **pages;
    int page_count;
    int next_page;
    /* executed */
    execution *execution;
    page_sink *pending_sink;   /* finished when the execution is done */
    const char *update_type;
    bool has_update_count;
    int64_t update_count;
    const value *parameters;   /* EXECUTE ... USING values (prepared_statements.c) */
    int parameter_count;
    uint64_t created_ns;       /* for query.max-run-time / max-planning-time */
    sched_job *sched_job;      /* its pipelines' CPU share (reference held), or NULL */
};

typedef struct object_name {
    const char *catalog;
    const char *schema;
    const char *name;
} object_name;

typedef struct catalog_lookup {
    query *q;
    catalog *held[64];
    connector *wrapped[64];    /* held[i] behind its information_schema wrapper */
    int held_count;
} catalog_lookup;

/* ---- helpers (query.c) ---- */
void query_set_columns(query *q, int count, const char *const *names, const sql_type *types);
bool query_answer_with(query *q, result_builder *b, const char *const *names);
bool query_answer_update(query *q, const char *update_type);
/* catalog.schema.name with the session's defaults; errors at the name's position. */
bool query_resolve_name(query *q, const ast_node *name, int min_parts, object_name *out);
catalog *query_acquire_catalog(query *q, const char *name, const ast_node *where);
/* Sets the query's error at `where`'s position; returns false. */
bool query_fail_at(query *q, const ast_node *where, error_code code, const char *format, ...)
    __attribute__((format(printf, 4, 5)));
/* `conn`'s view catalog.schema.name (view_definition_free), or NULL: none,
 * or the connector has no views. */
view_definition *query_get_view(connector *conn, const object_name *name, shoal_error *error);
/* The table a statement writes to: a view there is refused as NOT_SUPPORTED
 * with `view_message`, a missing table is TABLE_NOT_FOUND, both at `where`.
 * NULL with the query's error set. */
table_metadata *query_target_table(query *q, connector *conn, const object_name *name, const ast_node *where,
                                   const char *view_message);
/* Analyses and optimises a QUERY node; catalogs stay held in `lookup` until
 * query_lookup_release. */
plan_node *query_plan_statement(query *q, const ast_node *query_node, catalog_lookup *lookup);
void query_lookup_release(catalog_lookup *lookup);
/* CREATE VIEW / INSERT / CREATE TABLE AS: resolves the statement's target
 * name into *name and plans its query (catalogs released). */
plan_node *query_plan_into(query *q, const ast_node *node, object_name *name);
/* Runs `plan` (taken over) into `sink` (taken over) as an update statement
 * answering one BIGINT column "rows". */
bool query_start_write(query *q, plan_node *plan, page_sink *sink, const char *update_type);
/* Puts `project` (an expression list over the OUTPUT node's input) between
 * the two; the output's columns become the project's. Renumbers the plan. */
void query_project_before_output(plan_node *output, plan_node *project);

/* ---- statement families ---- */
/* view_statements.c */
bool query_create_view(query *q, const ast_node *node);
bool query_drop_view(query *q, const ast_node *node);
bool query_show_create_view(query *q, const ast_node *node);
/* row_change.c: DELETE, UPDATE */
bool query_run_row_change(query *q, const ast_node *node);

#endif
