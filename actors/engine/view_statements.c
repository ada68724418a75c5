/*
 * view_statements.c — CREATE [OR REPLACE] VIEW, DROP VIEW [IF EXISTS] and
 * SHOW CREATE VIEW, as Trino's CreateViewTask / DropViewTask /
 * ShowQueriesRewrite. The view's query is analysed when it is created (so a
 * broken view is refused then) and stored through the connector's view
 * callbacks as canonical SQL text with the session's catalog and schema and
 * the columns it produced; the analyser expands it where it is used
 * (sql/analyzer_view.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actors/engine/query_internal.h"
#include "sql/formatter.h"

/* The stored definition for CREATE VIEW: columns from the analysed plan. */
static view_definition *definition_of(query *q, const ast_node *node, const object_name *name,
                                      const plan_node *plan)
{
    view_definition v = {
        .schema = (char *)name->schema,
        .name = (char *)name->name,
        .catalog_context = (char *)q->session->catalog,
        .schema_context = (char *)q->session->schema,
        .owner = (char *)q->session->user,
        .run_as_invoker = node->u.ddl.option == AST_SECURITY_INVOKER,
        .comment = node->u.ddl.comment ? (char *)node->u.ddl.comment->u.literal.text.ptr : NULL,
    };
    size_t length = 0;
    v.sql = sql_format(node->u.ddl.query, &length);
    v.column_count = plan->column_count;
    v.column_names = calloc((size_t)plan->column_count + 1, sizeof *v.column_names);
    v.column_types = calloc((size_t)plan->column_count + 1, sizeof *v.column_types);
    view_definition *copy = NULL;
    if (v.sql && v.column_names && v.column_types) {
        for (int i = 0; i < plan->column_count; i++) {
            v.column_names[i] = plan->columns[i].name;
            v.column_types[i] = plan->columns[i].type;
        }
        copy = view_definition_copy(&v);
    }
    free(v.sql);
    free(v.column_names);
    free(v.column_types);
    if (!copy)
        error_set(&q->error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
    return copy;
}

static bool check_columns(query *q, const ast_node *node, const plan_node *plan)
{
    for (int i = 0; i < plan->column_count; i++) {
        if (plan->columns[i].type.kind == TYPE_UNKNOWN)
            return query_fail_at(q, node, ERR_COLUMN_TYPE_UNKNOWN, "Column type is unknown at position ");
        for (int j = 0; j < i; j++)
            if (strcmp(plan->columns[i].name, plan->columns[j].name) == 0)
                return query_fail_at(q, node, ERR_DUPLICATE_COLUMN_NAME, "Column name '%s' specified more than once",
                          plan->columns[i].name);
    }
    return true;
}

bool query_create_view(query *q, const ast_node *node)
{
    object_name name;
    plan_node *plan = query_plan_into(q, node, &name);
    if (!plan)
        return false;
    view_definition *view = check_columns(q, node, plan) ? definition_of(q, node, &name, plan) : NULL;
    plan_free(plan);
    catalog *c = view ? query_acquire_catalog(q, name.catalog, node->u.ddl.name) : NULL;
    bool ok = c != NULL;
    if (c) {
        connector *conn = catalog_connector(c);
        if (!conn->ops->create_view)
            ok = query_fail_at(q, node, ERR_NOT_SUPPORTED, "This connector does not support creating views");
        else if (!conn->ops->create_view(conn, view, node->u.ddl.or_replace, &q->error))
            ok = query_fail_at(q, node, q->error.code, "%s", q->error.message);
        catalog_release(c);
    }
    view_definition_free(view);
    return ok && query_answer_update(q, "CREATE VIEW");
}

/* Whether catalog.schema.name is a view / a table of `conn`. */
static bool has_view(connector *conn, const object_name *name, shoal_error *error)
{
    view_definition *v = query_get_view(conn, name, error);
    view_definition_free(v);
    return v != NULL;
}

static bool has_table(connector *conn, const object_name *name, shoal_error *error)
{
    table_metadata *t = conn->ops->get_table(conn, name->schema, name->name, error);
    table_metadata_free(t);
    return t != NULL;
}

bool query_drop_view(query *q, const ast_node *node)
{
    object_name name;
    if (!query_resolve_name(q, node->u.ddl.name, 1, &name))
        return false;
    catalog *c = query_acquire_catalog(q, name.catalog, node->u.ddl.name);
    if (!c)
        return false;
    connector *conn = catalog_connector(c);
    const ast_node *where = node->u.ddl.name;
    char full[1024];
    snprintf(full, sizeof full, "%s.%s.%s", name.catalog, name.schema, name.name);
    bool ok = true;
    if (!has_view(conn, &name, &q->error)) {
        if (error_is_set(&q->error))
            ok = false;
        else if (has_table(conn, &name, &q->error))
            ok = query_fail_at(q, where, ERR_GENERIC_USER_ERROR,
                    "View '%s' does not exist, but a table with that name exists. Did you mean DROP TABLE %s?",
                    full, full);
        else if (!node->u.ddl.if_exists)
            ok = query_fail_at(q, where, ERR_TABLE_NOT_FOUND, "View '%s' does not exist", full);
    } else if (!conn->ops->drop_view) {
        ok = query_fail_at(q, node, ERR_NOT_SUPPORTED, "This connector does not support dropping views");
    } else {
        ok = conn->ops->drop_view(conn, name.schema, name.name, &q->error);
    }
    catalog_release(c);
    return ok && query_answer_update(q, "DROP VIEW");
}

/* SHOW CREATE VIEW's text; the comment's quotes doubled. */
static char *create_view_text(const object_name *name, const view_definition *v)
{
    size_t comment = v->comment ? strlen(v->comment) : 0;
    size_t size = strlen("CREATE VIEW ..") + strlen(name->catalog) + strlen(name->schema) + strlen(name->name) +
                  strlen(" COMMENT ''") + 2 * comment + strlen(" SECURITY INVOKER AS\n") + strlen(v->sql) + 1;
    char *text = malloc(size);
    if (!text)
        return NULL;
    size_t n = (size_t)snprintf(text, size, "CREATE VIEW %s.%s.%s", name->catalog, name->schema, name->name);
    if (v->comment) {
        n += (size_t)snprintf(text + n, size - n, " COMMENT '");
        for (const char *p = v->comment; *p; p++) {
            if (*p == '\'')
                text[n++] = '\'';
            text[n++] = *p;
        }
        text[n++] = '\'';
    }
    snprintf(text + n, size - n, " SECURITY %s AS\n%s", v->run_as_invoker ? "INVOKER" : "DEFINER", v->sql);
    return text;
}

bool query_show_create_view(query *q, const ast_node *node)
{
    object_name name;
    const ast_node *where = node->u.show.target;
    if (!query_resolve_name(q, where, 1, &name))
        return false;
    catalog *c = query_acquire_catalog(q, name.catalog, where);
    if (!c)
        return false;
    connector *conn = catalog_connector(c);
    view_definition *v = query_get_view(conn, &name, &q->error);
    char full[1024];
    snprintf(full, sizeof full, "%s.%s.%s", name.catalog, name.schema, name.name);
    bool ok = v != NULL;
    if (!v && !error_is_set(&q->error)) {
        if (has_table(conn, &name, &q->error))
            query_fail_at(q, where, ERR_NOT_SUPPORTED, "Relation '%s' is a table, not a view", full);
        else if (!error_is_set(&q->error))
            query_fail_at(q, where, ERR_TABLE_NOT_FOUND, "View '%s' does not exist", full);
    }
    catalog_release(c);
    char *text = v ? create_view_text(&name, v) : NULL;
    view_definition_free(v);
    if (!ok)
        return false;
    if (!text)
        return error_set(&q->error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
    sql_type types[1] = {type_varchar(VARCHAR_UNBOUNDED)};
    result_builder b;
    result_builder_init(&b, 1, types);
    const char *row[1] = {text};
    result_builder_add_strings(&b, row);
    free(text);
    const char *columns[1] = {"Create View"};
    return query_answer_with(q, &b, columns);
}
