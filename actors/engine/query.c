/*
 * query.c — a statement from text to result: parse, then by statement kind
 * either answer from metadata (SHOW, DESCRIBE, USE, SET SESSION, DDL) or
 * analyse, optimise and execute a plan (queries, INSERT, CREATE TABLE AS).
 */
#include "query.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "actors/engine/catalog_store.h"
#include "actors/engine/execution.h"
#include "actors/engine/query_limits.h"
#include "actors/engine/prepared_statements.h"
#include "actors/engine/query_internal.h"
#include "actors/engine/result_builder.h"
#include "actors/engine/session_properties.h"
#include "connectors/information_schema/information_schema.h"
#include "connectors/spi/function.h"
#include "operators/expression_program.h"
#include "connectors/system/system_connector.h"
#include "sql/analyzer.h"
#include "sql/explain.h"
#include "sql/fragmenter.h"
#include "sql/optimizer.h"
#include "sql/parser.h"
#include "runtime/clock.h"


static const char *const state_names[] = {
    "QUEUED", "PLANNING", "STARTING", "RUNNING", "FINISHING", "FINISHED", "FAILED",
};

const char *query_state_name(query_state state) { return state_names[state]; }
query_state query_get_state(const query *q) { return q->state; }
int query_column_count(const query *q) { return q->column_count; }
const plan_column *query_columns(const query *q) { return q->columns; }
const char *query_update_type(const query *q) { return q->update_type; }
bool query_has_update_count(const query *q) { return q->has_update_count; }
int64_t query_update_count(const query *q) { return q->update_count; }
const shoal_error *query_error(const query *q) { return &q->error; }
uint64_t query_cpu_ns(query *q) { return q->execution ? execution_cpu_ns(q->execution) : 0; }

bool query_progress_get(query *q, query_progress *out)
{
    memset(out, 0, sizeof *out);
    if (!q->execution)
        return false;
    execution_progress_get(q->execution, out);
    return true;
}
int64_t query_memory_bytes(const query *q) { return q->execution ? execution_memory_bytes(q->execution) : 0; }
uint64_t query_spilled_bytes(const query *q) { return q->execution ? execution_spilled_bytes(q->execution) : 0; }

/* spill_enabled: the session's value, else the engine's spill-enabled. */
static bool spill_wanted(const query *q)
{
    bool by_default;
    if (!engine_spill(q->engine, &by_default))
        return false;
    const char *value = session_property(q->session, "spill_enabled");
    return value ? strcasecmp(value, "true") == 0 : by_default;
}

int64_t query_peak_memory_bytes(const query *q)
{
    return q->execution ? execution_peak_memory_bytes(q->execution) : 0;
}

void query_set_columns(query *q, int count, const char *const *names, const sql_type *types)
{
    q->columns = calloc((size_t)(count ? count : 1), sizeof *q->columns);
    q->column_count = count;
    for (int i = 0; i < count; i++) {
        q->columns[i].name = strdup(names[i]);
        q->columns[i].type = types[i];
    }
}

bool query_answer_with(query *q, result_builder *b, const char *const *names)
{
    query_set_columns(q, b->column_count, names, b->types);
    q->pages = result_builder_take(b, &q->page_count);
    q->state = QUERY_FINISHED;
    return true;
}

bool query_answer_update(query *q, const char *update_type)
{
    q->update_type = update_type;
    q->state = QUERY_FINISHED;
    return true;
}


static const char *like_pattern(const ast_node *node)
{
    return node->u.show.like ? node->u.show.like->u.literal.text.ptr : NULL;
}

/* ---- catalogs and names ---------------------------------------------------- */


bool query_resolve_name(query *q, const ast_node *name, int min_parts, object_name *out)
{
    const char *parts[3] = {NULL, NULL, NULL};
    int n = 0;
    if (name->kind == AST_IDENTIFIER) {
        parts[0] = name->u.identifier.value.ptr;
        n = 1;
    } else {
        n = (int)name->u.list.items.count;
        if (n > 3)
            return query_fail_at(q, name, ERR_SYNTAX_ERROR, "Too many dots in table name");
        for (int i = 0; i < n; i++)
            parts[i] = name->u.list.items.items[i]->u.identifier.value.ptr;
    }
    (void)min_parts;
    out->name = parts[n - 1];
    out->schema = n >= 2 ? parts[n - 2] : q->session->schema;
    out->catalog = n >= 3 ? parts[n - 3] : q->session->catalog;
    if (!out->catalog)
        return query_fail_at(q, name, ERR_MISSING_CATALOG_NAME,
                             "Catalog must be specified when session catalog is not set");
    if (!out->schema)
        return query_fail_at(q, name, ERR_MISSING_SCHEMA_NAME,
                             "Schema must be specified when session schema is not set");
    return true;
}

catalog *query_acquire_catalog(query *q, const char *name, const ast_node *where)
{
    catalog *c = catalog_acquire(engine_catalogs(q->engine), name, &q->error);
    if (!c && where) {
        q->error.line = (int)where->pos.line;
        q->error.column = (int)where->pos.column;
    }
    return c;
}

bool query_fail_at(query *q, const ast_node *where, error_code code, const char *format, ...)
{
    char message[1024];
    va_list args;
    va_start(args, format);
    vsnprintf(message, sizeof message, format, args);
    va_end(args);
    return error_set_at(&q->error, code, (int)where->pos.line, (int)where->pos.column, "%s", message);
}

view_definition *query_get_view(connector *conn, const object_name *name, shoal_error *error)
{
    return conn->ops->get_view ? conn->ops->get_view(conn, name->schema, name->name, error) : NULL;
}

table_metadata *query_target_table(query *q, connector *conn, const object_name *name, const ast_node *where,
                                   const char *view_message)
{
    table_metadata *table = conn->ops->get_table(conn, name->schema, name->name, &q->error);
    if (table || error_is_set(&q->error))
        return table;
    view_definition *view = query_get_view(conn, name, &q->error);
    view_definition_free(view);
    if (view)
        query_fail_at(q, where, ERR_NOT_SUPPORTED, "%s", view_message);
    else if (!error_is_set(&q->error))
        query_fail_at(q, where, ERR_TABLE_NOT_FOUND, "Table '%s.%s.%s' does not exist", name->catalog, name->schema,
                      name->name);
    return NULL;
}

plan_node *query_plan_into(query *q, const ast_node *node, object_name *name)
{
    if (!query_resolve_name(q, node->u.ddl.name, 1, name))
        return NULL;
    catalog_lookup lookup = {.q = q};
    plan_node *plan = query_plan_statement(q, node->u.ddl.query, &lookup);
    query_lookup_release(&lookup);
    return plan;
}

bool query_start_write(query *q, plan_node *plan, page_sink *sink, const char *update_type)
{
    const char *columns[1] = {"rows"};
    sql_type types[1] = {type_make(TYPE_BIGINT)};
    query_set_columns(q, 1, columns, types);
    q->update_type = update_type;
    execution_options options = {
        .sink = sink, .created_ns = q->created_ns, .sched_job = q->sched_job, .spill = spill_wanted(q)};
    q->state = QUERY_RUNNING;
    q->execution = execution_start(q->engine, plan, &options, &q->error);
    return q->execution != NULL;
}

/* ---- SHOW and DESCRIBE ------------------------------------------------------ */

static bool show_catalogs(query *q, const ast_node *node)
{
    string_list names = {0};
    if (!catalog_list(engine_catalogs(q->engine), &names, &q->error))
        return false;
    sql_type types[1] = {type_varchar(VARCHAR_UNBOUNDED)};
    result_builder b;
    result_builder_init(&b, 1, types);
    for (int i = 0; i < names.count; i++) {
        const char *row[1] = {names.items[i]};
        if (show_like_matches(like_pattern(node), names.items[i]))
            result_builder_add_strings(&b, row);
    }
    string_list_free(&names);
    const char *columns[1] = {"Catalog"};
    return query_answer_with(q, &b, columns);
}

static bool show_schemas(query *q, const ast_node *node)
{
    const char *catalog_name = node->u.show.target ? node->u.show.target->u.identifier.value.ptr
                                                   : q->session->catalog;
    if (!catalog_name)
        return error_set(&q->error, ERR_MISSING_CATALOG_NAME, "Catalog must be specified when session catalog is not set");
    catalog *c = query_acquire_catalog(q, catalog_name, node->u.show.target);
    if (!c)
        return false;
    connector *conn = catalog_connector(c);
    string_list names = {0};
    bool ok = conn->ops->list_schemas(conn, &names, &q->error);
    sql_type types[1] = {type_varchar(VARCHAR_UNBOUNDED)};
    result_builder b;
    result_builder_init(&b, 1, types);
    const char *info[1] = {"information_schema"};
    if (ok && show_like_matches(like_pattern(node), info[0]))
        result_builder_add_strings(&b, info);
    for (int i = 0; ok && i < names.count; i++) {
        const char *row[1] = {names.items[i]};
        if (show_like_matches(like_pattern(node), names.items[i]))
            result_builder_add_strings(&b, row);
    }
    string_list_free(&names);
    catalog_release(c);
    const char *columns[1] = {"Schema"};
    if (!ok) {
        result_builder_free(&b);
        return false;
    }
    return query_answer_with(q, &b, columns);
}

static bool show_tables(query *q, const ast_node *node)
{
    const char *catalog_name = q->session->catalog, *schema = q->session->schema;
    if (node->u.show.target) {
        const ast_node *t = node->u.show.target;
        int n = (int)t->u.list.items.count;
        schema = t->u.list.items.items[n - 1]->u.identifier.value.ptr;
        if (n >= 2)
            catalog_name = t->u.list.items.items[n - 2]->u.identifier.value.ptr;
    }
    if (!catalog_name || !schema)
        return error_set(&q->error, ERR_MISSING_SCHEMA_NAME, "Schema must be specified when session schema is not set");
    catalog *c = query_acquire_catalog(q, catalog_name, node->u.show.target);
    if (!c)
        return false;
    /* through the wrapper, so information_schema answers too */
    connector *conn = information_schema_wrap(catalog_name, catalog_connector(c), &q->error);
    if (!conn) {
        catalog_release(c);
        return false;
    }
    bool ok = true;
    if (conn->ops->schema_exists && !conn->ops->schema_exists(conn, schema))
        ok = error_set(&q->error, ERR_SCHEMA_NOT_FOUND, "Schema '%s' does not exist", schema);
    string_list names = {0};
    ok = ok && conn->ops->list_tables(conn, schema, &names, &q->error);
    if (ok && conn->ops->list_views) {  /* Trino lists views with the tables */
        ok = conn->ops->list_views(conn, schema, &names, &q->error);
        string_list_sort(&names);
    }
    sql_type types[1] = {type_varchar(VARCHAR_UNBOUNDED)};
    result_builder b;
    result_builder_init(&b, 1, types);
    for (int i = 0; ok && i < names.count; i++) {
        const char *row[1] = {names.items[i]};
        if (show_like_matches(like_pattern(node), names.items[i]))
            result_builder_add_strings(&b, row);
    }
    string_list_free(&names);
    information_schema_wrap_free(conn);
    catalog_release(c);
    if (!ok) {
        result_builder_free(&b);
        return false;
    }
    const char *columns[1] = {"Table"};
    return query_answer_with(q, &b, columns);
}

/* A view's stored columns as table metadata (DESCRIBE / SHOW COLUMNS of a view). */
static table_metadata *view_columns(connector *conn, const object_name *name, shoal_error *error)
{
    view_definition *v = query_get_view(conn, name, error);
    table_metadata *t = v ? table_metadata_new(name->schema, name->name, v->column_count) : NULL;
    for (int i = 0; t && i < v->column_count; i++)
        table_metadata_set_column(t, i, v->column_names[i], v->column_types[i]);
    view_definition_free(v);
    return t;
}

static bool show_columns(query *q, const ast_node *node)
{
    object_name name;
    if (!query_resolve_name(q, node->u.show.target, 1, &name))
        return false;
    catalog *c = query_acquire_catalog(q, name.catalog, node->u.show.target);
    if (!c)
        return false;
    connector *conn = information_schema_wrap(catalog_name(c), catalog_connector(c), &q->error);
    table_metadata *t = conn ? conn->ops->get_table(conn, name.schema, name.name, &q->error) : NULL;
    if (conn && !t && !error_is_set(&q->error))
        t = view_columns(conn, &name, &q->error);
    information_schema_wrap_free(conn);
    catalog_release(c);
    if (!t) {
        if (!error_is_set(&q->error))
            query_fail_at(q, node->u.show.target, ERR_TABLE_NOT_FOUND, "Table '%s.%s.%s' does not exist",
                          name.catalog, name.schema, name.name);
        return false;
    }
    sql_type types[4] = {type_varchar(VARCHAR_UNBOUNDED), type_varchar(VARCHAR_UNBOUNDED),
                         type_varchar(VARCHAR_UNBOUNDED), type_varchar(VARCHAR_UNBOUNDED)};
    result_builder b;
    result_builder_init(&b, 4, types);
    for (int i = 0; i < t->column_count; i++) {
        char type_name[256];
        type_format(t->columns[i].type, false, type_name, sizeof type_name);
        const char *row[4] = {t->columns[i].name, type_name, "", t->columns[i].comment ? t->columns[i].comment : ""};
        result_builder_add_strings(&b, row);
    }
    table_metadata_free(t);
    const char *columns[4] = {"Column", "Type", "Extra", "Comment"};
    return query_answer_with(q, &b, columns);
}

static bool show_functions(query *q, const ast_node *node)
{
    sql_type types[4] = {type_varchar(VARCHAR_UNBOUNDED), type_varchar(VARCHAR_UNBOUNDED),
                         type_varchar(VARCHAR_UNBOUNDED), type_varchar(VARCHAR_UNBOUNDED)};
    result_builder b;
    result_builder_init(&b, 4, types);
    static const char *const kinds[] = {"scalar", "aggregate", "window"};
    for (int i = 0; i < function_count(); i++) {
        const function_entry *f = function_at(i);
        if (f->name[0] == '$' || !show_like_matches(like_pattern(node), f->name))
            continue;
        const char *row[4] = {f->name, f->signature ? f->signature : "", kinds[f->kind],
                              f->description ? f->description : ""};
        result_builder_add_strings(&b, row);
    }
    const char *columns[4] = {"Function", "Signature", "Function Type", "Description"};
    return query_answer_with(q, &b, columns);
}

/* SHOW SESSION: every property with its value and default (session_properties.c) */
static bool show_session(query *q, const ast_node *node)
{
    result_builder b;
    const char *columns[5];
    session_properties_show(engine_catalogs(q->engine), q->session, like_pattern(node), &b, columns);
    return query_answer_with(q, &b, columns);
}

/* ---- session statements ------------------------------------------------------ */

static bool use_statement(query *q, const ast_node *node)
{
    const char *catalog_name = node->u.binary.left ? node->u.binary.left->u.identifier.value.ptr
                                                   : q->session->catalog;
    const char *schema = node->u.binary.right->u.identifier.value.ptr;
    if (!catalog_name)
        return query_fail_at(q, node, ERR_MISSING_CATALOG_NAME,
                             "Catalog must be specified when session catalog is not set");
    catalog *c = query_acquire_catalog(q, catalog_name, node);
    if (!c)
        return false;
    connector *conn = catalog_connector(c);
    bool exists = !conn->ops->schema_exists || conn->ops->schema_exists(conn, schema);
    catalog_release(c);
    if (!exists)
        return query_fail_at(q, node, ERR_SCHEMA_NOT_FOUND, "Schema does not exist: %s.%s", catalog_name, schema);
    session_set_catalog_schema(q->session, catalog_name, schema);
    return query_answer_update(q, "USE");
}

/* SET SESSION / RESET SESSION: typed and validated (session_properties.c) */
static bool set_session(query *q, const ast_node *node)
{
    return session_properties_set(engine_catalogs(q->engine), q->session, node->u.binary.left,
                                  node->u.binary.right, &q->error) &&
           query_answer_update(q, "SET SESSION");
}

static bool reset_session(query *q, const ast_node *node)
{
    return session_properties_reset(engine_catalogs(q->engine), q->session, node->u.unary.operand, &q->error) &&
           query_answer_update(q, "RESET SESSION");
}

/* ---- DDL --------------------------------------------------------------------- */

static bool schema_statement(query *q, const ast_node *node)
{
    const ast_node *name = node->u.ddl.name;
    int n = (int)name->u.list.items.count;
    const char *schema = name->u.list.items.items[n - 1]->u.identifier.value.ptr;
    const char *catalog_name = n >= 2 ? name->u.list.items.items[n - 2]->u.identifier.value.ptr
                                      : q->session->catalog;
    if (!catalog_name)
        return error_set(&q->error, ERR_MISSING_CATALOG_NAME, "Catalog must be specified when session catalog is not set");
    catalog *c = query_acquire_catalog(q, catalog_name, name);
    if (!c)
        return false;
    connector *conn = catalog_connector(c);
    bool ok;
    bool create = node->kind == AST_CREATE_SCHEMA;
    if ((create && !conn->ops->create_schema) || (!create && !conn->ops->drop_schema))
        ok = error_set(&q->error, ERR_NOT_SUPPORTED, "This connector does not support %s schemas",
                       create ? "creating" : "dropping");
    else if (create)
        ok = conn->ops->create_schema(conn, schema, node->u.ddl.if_not_exists, &q->error);
    else
        ok = conn->ops->drop_schema(conn, schema, node->u.ddl.if_exists, node->u.ddl.cascade, &q->error);
    catalog_release(c);
    return ok && query_answer_update(q, create ? "CREATE SCHEMA" : "DROP SCHEMA");
}


static bool create_table(query *q, const ast_node *node)
{
    object_name name;
    if (!query_resolve_name(q, node->u.ddl.name, 1, &name))
        return false;
    int count = (int)node->u.ddl.elements.count;
    const char **names = calloc((size_t)count + 1, sizeof *names);
    sql_type *types = calloc((size_t)count + 1, sizeof *types);
    bool ok = true;
    for (int i = 0; ok && i < count; i++) {
        const ast_node *column = node->u.ddl.elements.items[i];
        if (column->kind != AST_COLUMN_DEFINITION) {
            ok = error_set(&q->error, ERR_NOT_SUPPORTED, "CREATE TABLE ... LIKE is not supported yet");
            break;
        }
        names[i] = column->u.ddl.name->u.identifier.value.ptr;
        if (!sql_type_from_ast(column->u.ddl.type, &types[i]))
            ok = query_fail_at(q, column, ERR_TYPE_NOT_FOUND, "Unknown type for column '%s'", names[i]);
    }
    catalog *c = ok ? query_acquire_catalog(q, name.catalog, node->u.ddl.name) : NULL;
    if (c) {
        connector *conn = catalog_connector(c);
        table_definition def = {name.schema, name.name, count, names, types, {NULL, 0}, node->u.ddl.if_not_exists};
        if (!conn->ops->create_table)
            ok = error_set(&q->error, ERR_NOT_SUPPORTED, "This connector does not support creating tables");
        else
            ok = conn->ops->create_table(conn, &def, &q->error);
        catalog_release(c);
    } else {
        ok = false;
    }
    free(names);
    free(types);
    return ok && query_answer_update(q, "CREATE TABLE");
}

static bool drop_table(query *q, const ast_node *node)
{
    object_name name;
    if (!query_resolve_name(q, node->u.ddl.name, 1, &name))
        return false;
    catalog *c = query_acquire_catalog(q, name.catalog, node->u.ddl.name);
    if (!c)
        return false;
    connector *conn = catalog_connector(c);
    view_definition *view = query_get_view(conn, &name, &q->error);
    bool ok;
    if (view)
        ok = query_fail_at(q, node->u.ddl.name, ERR_GENERIC_USER_ERROR,
                           "Table '%s.%s.%s' does not exist, but a view with that name exists. Did you mean DROP VIEW "
                           "%s.%s.%s?", name.catalog, name.schema, name.name, name.catalog, name.schema, name.name);
    else
        ok = conn->ops->drop_table
                 ? conn->ops->drop_table(conn, name.schema, name.name, node->u.ddl.if_exists, &q->error)
                 : error_set(&q->error, ERR_NOT_SUPPORTED, "This connector does not support dropping tables");
    view_definition_free(view);
    catalog_release(c);
    return ok && query_answer_update(q, "DROP TABLE");
}

static bool create_catalog(query *q, const ast_node *node)
{
    const char *name = node->u.ddl.name->u.identifier.value.ptr;
    const char *connector_name = node->u.ddl.target->u.identifier.value.ptr;
    int count = (int)node->u.ddl.properties.count;
    connector_property *items = calloc((size_t)count + 1, sizeof *items);
    bool ok = true;
    for (int i = 0; i < count; i++) {
        const ast_node *p = node->u.ddl.properties.items[i];
        items[i].key = p->u.binary.left->u.identifier.value.ptr;
        if (!p->u.binary.right || p->u.binary.right->kind != AST_STRING_LITERAL) {
            ok = query_fail_at(q, p, ERR_INVALID_CATALOG_PROPERTY,
                               "Catalog property '%s' must be a string literal", items[i].key);
            break;
        }
        items[i].value = p->u.binary.right->u.literal.text.ptr;
    }
    connector_properties props = {items, count};
    /* catalog.management / catalog.store policy and persistence (catalog_store.c) */
    ok = ok && catalog_store_create(q->engine, name, connector_name, &props, node->u.ddl.if_not_exists, &q->error);
    free(items);
    return ok && query_answer_update(q, "CREATE CATALOG");
}

static bool drop_catalog(query *q, const ast_node *node)
{
    const char *name = node->u.ddl.name->u.identifier.value.ptr;
    return catalog_store_drop(q->engine, name, node->u.ddl.if_exists, &q->error) &&
           query_answer_update(q, "DROP CATALOG");
}

/* ---- queries ------------------------------------------------------------------- */


static connector *lookup_catalog(void *context, const char *name)
{
    catalog_lookup *lookup = context;
    catalog *c = catalog_acquire(engine_catalogs(lookup->q->engine), name, NULL);
    if (!c)
        return NULL;
    /* every catalog has information_schema: the wrapper answers it and passes
     * the rest to the catalog's connector (connectors/information_schema) */
    connector *wrapped = lookup->held_count < 64 ? information_schema_wrap(catalog_name(c), catalog_connector(c), NULL) : NULL;
    if (!wrapped) {
        catalog_release(c);
        return NULL;
    }
    lookup->held[lookup->held_count] = c;
    lookup->wrapped[lookup->held_count++] = wrapped;
    return wrapped;
}

void query_lookup_release(catalog_lookup *lookup)
{
    for (int i = 0; i < lookup->held_count; i++) {
        information_schema_wrap_free(lookup->wrapped[i]);
        catalog_release(lookup->held[i]);
    }
    lookup->held_count = 0;
}

/* The optimiser's constant folding: a constant expression evaluated once
 * by the expression compiler over a one-row page. */
static bool evaluate_constant(void *context, const expr *e, value *out, shoal_error *error)
{
    (void)context;
    expr_program *program = expr_program_compile(e, error);
    if (!program)
        return false;
    page *one_row = page_new_empty(0);
    one_row->row_count = 1;
    vector result;
    bool ok = expr_program_evaluate(program, one_row, NULL, 1, &result, error);
    if (ok) {
        value v = value_load(&result, 0);
        /* a value must outlive the vector: fixed-width values and strings
         * short enough to live inside their string_view fold */
        ok = type_physical(v.type) != PHYSICAL_STRING || v.is_null || v.u.string.length <= STRING_INLINE_MAX;
        if (ok)
            *out = v;
        vector_destroy(&result);
    }
    page_unref(one_row);
    expr_program_free(program);
    return ok;
}

plan_node *query_plan_statement(query *q, const ast_node *query_node, catalog_lookup *lookup)
{
    analyzer_context context = {
        .catalog = q->session->catalog,
        .schema = q->session->schema,
        .user = q->session->user,
        .find_catalog = lookup_catalog,
        .lookup_context = lookup,
        .parameters = q->parameters,           /* `?` values (sql/analyzer_parameters.c) */
        .parameter_count = q->parameter_count,
    };
    q->state = QUERY_PLANNING;
    plan_node *plan = analyze_query(query_node, &context, &q->error);
    if (!plan)
        return NULL;
    optimizer_context optimizer;
    optimizer_context_init(&optimizer);
    session_properties_apply_optimizer(q->session, &optimizer);   /* join_* / dynamic filtering */
    optimizer.node_count = 1;
    optimizer.evaluate = evaluate_constant;
    return optimizer_run(plan, &optimizer, &q->error);
}

static bool run_query(query *q, const ast_node *node)
{
    catalog_lookup lookup = {.q = q};
    plan_node *plan = query_plan_statement(q, node, &lookup);
    if (!plan) {
        query_lookup_release(&lookup);
        return false;
    }
    q->column_count = plan->column_count;
    q->columns = calloc((size_t)(plan->column_count ? plan->column_count : 1), sizeof *q->columns);
    for (int i = 0; i < plan->column_count; i++) {
        q->columns[i].name = strdup(plan->columns[i].name);
        q->columns[i].type = plan->columns[i].type;
    }
    if (!query_limits_check_planning(engine_query_limits(q->engine), q->created_ns, &q->error)) {
        plan_free(plan);
        query_lookup_release(&lookup);
        return false;
    }
    q->state = QUERY_STARTING;
    execution_options options = {.created_ns = q->created_ns, .sched_job = q->sched_job, .spill = spill_wanted(q)};
    q->execution = execution_start(q->engine, plan, &options, &q->error);
    query_lookup_release(&lookup);
    if (!q->execution)
        return false;
    q->state = QUERY_RUNNING;
    return true;
}

static void type_list(char *out, size_t size, int count, const sql_type *types)
{
    size_t n = (size_t)snprintf(out, size, "[");
    for (int i = 0; i < count && n < size; i++) {
        char name[128];
        type_format(types[i], false, name, sizeof name);
        n += (size_t)snprintf(out + n, size - n, "%s%s", i ? ", " : "", name);
    }
    if (n < size)
        snprintf(out + n, size - n, "]");
}

void query_project_before_output(plan_node *output, plan_node *project)
{
    plan_node *input = output->inputs[0];
    project->inputs[0] = input;
    project->estimate = input->estimate;
    output->inputs[0] = project;
    for (int i = 0; i < output->column_count; i++)
        free(output->columns[i].name);
    free(output->columns);
    output->columns = calloc((size_t)project->column_count + 1, sizeof *output->columns);
    output->column_count = project->column_count;
    plan_copy_columns(output, project);
    plan_number(output);
}

/* Makes the query's rows the table's rows: columns in table order (an
 * INSERT column list may name them in any order; the others get NULL), each
 * coerced to the column's type as Trino does, or TYPE_MISMATCH. */
static bool shape_insert(query *q, plan_node *output, const table_metadata *target, const ast_list *names)
{
    plan_node *input = output->inputs[0];
    int count = names && names->count > 0 ? (int)names->count : target->column_count;
    if (count != input->column_count)
        return error_set(&q->error, ERR_TYPE_MISMATCH, "Insert query has %d columns but table has %d",
                         input->column_count, count);
    int *source = malloc(sizeof(int) * (size_t)(target->column_count + 1));
    for (int i = 0; i < target->column_count; i++)
        source[i] = names && names->count > 0 ? -1 : i;
    for (int k = 0; names && k < (int)names->count; k++) {
        const ast_node *name = names->items[k];
        int column = table_metadata_find_column(target, name->u.identifier.value.ptr);
        if (column < 0 || source[column] >= 0) {
            free(source);
            return query_fail_at(q, name, column < 0 ? ERR_COLUMN_NOT_FOUND : ERR_DUPLICATE_COLUMN_NAME,
                                 column < 0 ? "Insert column name does not exist in target table: %s"
                                            : "Insert column name is specified more than once: %s",
                                 name->u.identifier.value.ptr);
        }
        source[column] = k;
    }
    bool ok = true;
    for (int i = 0; ok && i < target->column_count; i++) {
        if (source[i] < 0)
            continue;
        sql_type from = input->columns[source[i]].type, to = target->columns[i].type;
        if (!type_equal(from, to) && !type_can_coerce(from, to) && from.kind != TYPE_UNKNOWN) {
            sql_type table_types[256], query_types[256];
            int n = target->column_count < 256 ? target->column_count : 256;
            for (int c = 0; c < n; c++) {
                table_types[c] = target->columns[c].type;
                query_types[c] = c < input->column_count ? input->columns[c].type : type_make(TYPE_UNKNOWN);
            }
            char table_text[2048], query_text[2048];
            type_list(table_text, sizeof table_text, n, table_types);
            type_list(query_text, sizeof query_text, input->column_count < 256 ? input->column_count : 256, query_types);
            ok = error_set(&q->error, ERR_TYPE_MISMATCH,
                           "Insert query has mismatched column types: Table: %s, Query: %s", table_text, query_text);
        }
    }
    if (!ok) {
        free(source);
        return false;
    }
    plan_node *project = plan_node_new(PLAN_PROJECT, target->column_count);
    project->u.project.exprs = calloc((size_t)target->column_count + 1, sizeof(expr *));
    for (int i = 0; i < target->column_count; i++) {
        sql_type to = target->columns[i].type;
        expr *e;
        if (source[i] < 0) {
            e = expr_constant(value_null(to));
        } else {
            e = expr_column(source[i], input->columns[source[i]].type);
            if (!type_equal(e->type, to)) {
                expr *args[1] = {e};
                e = expr_special(EXPR_CAST, to, 1, args);
            }
        }
        project->u.project.exprs[i] = e;
        plan_set_column(project, i, target->columns[i].name, to);
    }
    free(source);
    query_project_before_output(output, project);
    return true;
}

/* INSERT INTO t query / CREATE TABLE t AS query: run the query into the table's page sink. */
static bool run_write(query *q, const ast_node *node, bool create)
{
    object_name name;
    plan_node *plan = query_plan_into(q, node, &name);
    if (!plan)
        return false;
    catalog *c = query_acquire_catalog(q, name.catalog, node->u.ddl.name);
    if (!c) {
        plan_free(plan);
        return false;
    }
    connector *conn = catalog_connector(c);
    bool ok = true;
    table_metadata *target = NULL;
    if (create) {
        const char **names = calloc((size_t)plan->column_count + 1, sizeof *names);
        sql_type *types = calloc((size_t)plan->column_count + 1, sizeof *types);
        for (int i = 0; i < plan->column_count; i++) {
            names[i] = plan->columns[i].name;
            types[i] = plan->columns[i].type;
            if (types[i].kind == TYPE_UNKNOWN)
                ok = error_set(&q->error, ERR_COLUMN_TYPE_UNKNOWN, "Column type is unknown: %s", names[i]);
        }
        table_definition def = {name.schema, name.name, plan->column_count, names, types, {NULL, 0},
                                node->u.ddl.if_not_exists};
        if (ok && !conn->ops->create_table)
            ok = error_set(&q->error, ERR_NOT_SUPPORTED, "This connector does not support creating tables");
        ok = ok && conn->ops->create_table(conn, &def, &q->error);
        free(names);
        free(types);
    }
    if (ok) {
        target = query_target_table(q, conn, &name, node->u.ddl.name, "Inserting into views is not supported");
        ok = target != NULL;
    }
    if (ok)
        ok = shape_insert(q, plan, target, create ? NULL : &node->u.ddl.elements);
    page_sink *sink = NULL;
    if (ok) {
        sink = conn->ops->open_page_sink ? conn->ops->open_page_sink(conn, target, false, &q->error) : NULL;
        if (!sink && !error_is_set(&q->error))
            error_set(&q->error, ERR_NOT_SUPPORTED, "This connector does not support inserts");
        ok = sink != NULL;
    }
    table_metadata_free(target);
    catalog_release(c);
    if (!ok) {
        plan_free(plan);
        return false;
    }
    return query_start_write(q, plan, sink, create ? "CREATE TABLE" : "INSERT");
}


/* EXPLAIN ANALYZE: runs the plan (taken over), discarding its rows, then
 * prints it with what each node's operators did. */
static char *explain_analyze(query *q, plan_node *plan, explain_options *options)
{
    execution_options run = {.sched_job = q->sched_job};
    execution *x = execution_start(q->engine, plan, &run, &q->error);
    if (!x)
        return NULL;
    query_fetch_status status;
    do {
        page *p = NULL;
        status = execution_fetch(x, &p, 1000, &q->error);
        page_unref(p);
    } while (status == QUERY_FETCH_PAGE || status == QUERY_FETCH_WAITING);
    char *text = NULL;
    if (status == QUERY_FETCH_DONE) {
        const execution_node_stats *stats;
        int count = execution_node_stats_get(x, &stats);
        explain_node_stats *shown = calloc((size_t)count + 1, sizeof *shown);
        for (int i = 0; shown && i < count; i++) {
            shown[i].present = stats[i].present;
            shown[i].input_rows = (double)stats[i].input_rows;
            shown[i].input_bytes = (double)stats[i].input_bytes;
            shown[i].output_rows = (double)stats[i].output_rows;
            shown[i].cpu_nanos = (double)stats[i].cpu_ns;
            shown[i].wall_nanos = (double)stats[i].wall_ns;
        }
        options->type = EXPLAIN_TYPE_LOGICAL;
        options->stats = shown;
        options->stats_count = count;
        text = shown ? explain_plan(execution_plan(x), options, &q->error) : NULL;
        free(shown);
    }
    execution_free(x);
    return text;
}

/* EXPLAIN [ANALYZE] [(TYPE LOGICAL|DISTRIBUTED, FORMAT TEXT|JSON|GRAPHVIZ)] query */
static bool explain_statement(query *q, const ast_node *node)
{
    const ast_node *statement = node->u.explain.statement;
    if (statement->kind != AST_QUERY)
        return query_fail_at(q, statement, ERR_NOT_SUPPORTED,
                             "EXPLAIN of %s is not supported yet", ast_kind_name(statement->kind));
    explain_options options = {.type = EXPLAIN_TYPE_LOGICAL, .format = EXPLAIN_FORMAT_TEXT,
                               .dynamic_filtering = true};
    for (uint32_t i = 0; i < node->u.explain.options.count; i++) {
        const ast_node *o = node->u.explain.options.items[i];
        if (o->u.option.kind == AST_EXPLAIN_TYPE)
            options.type = o->u.option.value == AST_EXPLAIN_TYPE_DISTRIBUTED ? EXPLAIN_TYPE_DISTRIBUTED
                                                                              : EXPLAIN_TYPE_LOGICAL;
        else
            options.format = o->u.option.value == AST_EXPLAIN_FORMAT_JSON ? EXPLAIN_FORMAT_JSON
                             : o->u.option.value == AST_EXPLAIN_FORMAT_GRAPHVIZ ? EXPLAIN_FORMAT_GRAPHVIZ
                                                                               : EXPLAIN_FORMAT_TEXT;
    }
    catalog_lookup lookup = {.q = q};
    plan_node *plan = query_plan_statement(q, statement, &lookup);
    query_lookup_release(&lookup);
    if (!plan)
        return false;
    char *text = NULL;
    if (node->u.explain.analyze) {
        text = explain_analyze(q, plan, &options);
    } else if (options.type == EXPLAIN_TYPE_DISTRIBUTED) {
        fragmenter_options fragmenting = {0};
        fragmented_plan *fragments = fragmenter_run(plan, &fragmenting, &q->error);
        if (fragments)
            text = explain_fragments(fragments, &options, &q->error);
        fragmented_plan_free(fragments);
    } else {
        text = explain_plan(plan, &options, &q->error);
        plan_free(plan);
    }
    if (!text)
        return false;
    sql_type types[1] = {type_varchar(VARCHAR_UNBOUNDED)};
    result_builder b;
    result_builder_init(&b, 1, types);
    const char *row[1] = {text};
    result_builder_add_strings(&b, row);
    free(text);
    const char *columns[1] = {"Query Plan"};
    return query_answer_with(q, &b, columns);
}

/* ---- CALL ------------------------------------------------------------------------ */

/* CALL catalog.schema.procedure(args): the system catalog's procedures
 * (connectors/system: runtime.kill_query); arguments are string literals or NULL. */
static bool call_statement(query *q, const ast_node *node)
{
    object_name name;
    if (!query_resolve_name(q, node->u.execute.name, 1, &name))
        return false;
    int count = (int)node->u.execute.args.count;
    system_call_argument *args = calloc((size_t)count + 1, sizeof *args);
    bool ok = args != NULL;
    for (int i = 0; ok && i < count; i++) {
        const ast_node *arg = node->u.execute.args.items[i], *v = arg->u.binary.right;
        args[i].name = arg->u.binary.left ? arg->u.binary.left->u.identifier.value.ptr : NULL;
        if (v->kind == AST_STRING_LITERAL)
            args[i].text = v->u.literal.text.ptr;
        else if (v->kind != AST_NULL_LITERAL)
            ok = query_fail_at(q, v, ERR_INVALID_PROCEDURE_ARGUMENT, "Procedure argument must be a string literal");
    }
    catalog *c = ok ? query_acquire_catalog(q, name.catalog, node->u.execute.name) : NULL;
    ok = c && (system_connector_is(catalog_connector(c))
                   ? system_connector_call(catalog_connector(c), name.schema, name.name, args, count, &q->error)
                   : error_set(&q->error, ERR_PROCEDURE_NOT_FOUND, "Procedure not registered: %s.%s.%s",
                               name.catalog, name.schema, name.name));
    if (c)
        catalog_release(c);
    free(args);
    return ok && query_answer_update(q, "CALL");
}

/* ---- prepared statements (actors/engine/prepared_statements.c) ----------------- */

static bool run_statement(query *q, const ast_node *node);

static bool execute_statement(query *q, const ast_node *node)
{
    prepared_bound bound;
    if (!prepared_bind(q->session, node->u.execute.name, &node->u.execute.args, &bound, &q->error))
        return false;
    q->parameters = bound.values;
    q->parameter_count = bound.parameter_count;
    bool ok = run_statement(q, bound.statement);
    q->parameters = NULL;
    q->parameter_count = 0;
    prepared_bound_free(&bound);
    return ok;
}

static bool describe_input(query *q, const ast_node *node)
{
    result_builder b;
    const char *columns[2];
    return prepared_describe_input(q->session, node, &b, columns, &q->error) && query_answer_with(q, &b, columns);
}

static int64_t type_size(sql_type type)
{
    switch (type.kind) {
    case TYPE_BOOLEAN: case TYPE_TINYINT: return 1;
    case TYPE_SMALLINT: return 2;
    case TYPE_INTEGER: case TYPE_REAL: case TYPE_DATE: return 4;
    case TYPE_BIGINT: case TYPE_DOUBLE: return 8;
    default: return 0;
    }
}

/* DESCRIBE OUTPUT name: the result columns of the prepared query (planned with NULL parameters). */
static bool describe_output(query *q, const ast_node *node)
{
    prepared_bound bound;
    if (!prepared_bind(q->session, node->u.unary.operand, NULL, &bound, &q->error))
        return false;
    sql_type types[7] = {type_varchar(VARCHAR_UNBOUNDED), type_varchar(VARCHAR_UNBOUNDED),
                         type_varchar(VARCHAR_UNBOUNDED), type_varchar(VARCHAR_UNBOUNDED),
                         type_varchar(VARCHAR_UNBOUNDED), type_make(TYPE_BIGINT), type_make(TYPE_BOOLEAN)};
    result_builder b;
    result_builder_init(&b, 7, types);
    plan_node *plan = NULL;
    if (bound.statement->kind == AST_QUERY) {
        q->parameters = bound.values;
        q->parameter_count = bound.parameter_count;
        catalog_lookup lookup = {.q = q};
        plan = query_plan_statement(q, bound.statement, &lookup);
        query_lookup_release(&lookup);
        q->parameters = NULL;
        q->parameter_count = 0;
        if (!plan) {
            prepared_bound_free(&bound);
            result_builder_free(&b);
            return false;
        }
    }
    for (int i = 0; plan && i < plan->column_count; i++) {
        char type_name[256];
        type_format(plan->columns[i].type, false, type_name, sizeof type_name);
        value row[7] = {value_varchar(plan->columns[i].name, (uint32_t)strlen(plan->columns[i].name)),
                        value_null(types[1]), value_null(types[2]), value_null(types[3]),
                        value_varchar(type_name, (uint32_t)strlen(type_name)),
                        value_bigint(type_size(plan->columns[i].type)), value_boolean(false)};
        result_builder_add_row(&b, row);
    }
    plan_free(plan);
    prepared_bound_free(&bound);
    const char *columns[7] = {"Column Name", "Catalog", "Schema", "Table", "Type", "Type Size", "Aliased"};
    return query_answer_with(q, &b, columns);
}

/* ---- dispatch --------------------------------------------------------------------- */

static bool run_statement(query *q, const ast_node *node)
{
    switch (node->kind) {
    case AST_QUERY: return run_query(q, node);
    case AST_EXPLAIN: return explain_statement(q, node);
    case AST_SHOW_CATALOGS: return show_catalogs(q, node);
    case AST_SHOW_SCHEMAS: return show_schemas(q, node);
    case AST_SHOW_TABLES: return show_tables(q, node);
    case AST_SHOW_COLUMNS: return show_columns(q, node);
    case AST_SHOW_FUNCTIONS: return show_functions(q, node);
    case AST_SHOW_SESSION: return show_session(q, node);
    case AST_USE: return use_statement(q, node);
    case AST_SET_SESSION: return set_session(q, node);
    case AST_RESET_SESSION: return reset_session(q, node);
    case AST_CREATE_SCHEMA:
    case AST_DROP_SCHEMA: return schema_statement(q, node);
    case AST_CREATE_TABLE: return create_table(q, node);
    case AST_CREATE_TABLE_AS_SELECT: return run_write(q, node, true);
    case AST_INSERT: return run_write(q, node, false);
    case AST_DROP_TABLE: return drop_table(q, node);
    case AST_CREATE_VIEW: return query_create_view(q, node);
    case AST_DROP_VIEW: return query_drop_view(q, node);
    case AST_DELETE:
    case AST_UPDATE: return query_run_row_change(q, node);
    case AST_CREATE_CATALOG: return create_catalog(q, node);
    case AST_DROP_CATALOG: return drop_catalog(q, node);
    case AST_START_TRANSACTION: return query_answer_update(q, "START TRANSACTION");
    case AST_COMMIT: return query_answer_update(q, "COMMIT");
    case AST_ROLLBACK: return query_answer_update(q, "ROLLBACK");
    case AST_CALL: return call_statement(q, node);
    case AST_PREPARE: return prepared_prepare(q->session, node, &q->error) && query_answer_update(q, "PREPARE");
    case AST_EXECUTE: return execute_statement(q, node);
    case AST_DEALLOCATE: return prepared_deallocate(q->session, node, &q->error) && query_answer_update(q, "DEALLOCATE");
    case AST_DESCRIBE_INPUT: return describe_input(q, node);
    case AST_DESCRIBE_OUTPUT: return describe_output(q, node);
    case AST_SHOW_CREATE:
        if (node->u.show.object == AST_OBJECT_VIEW)
            return query_show_create_view(q, node);
        return query_fail_at(q, node, ERR_NOT_SUPPORTED, "SHOW CREATE of this object is not supported yet");
    default:
        return query_fail_at(q, node, ERR_NOT_SUPPORTED, "%s is not supported yet", ast_kind_name(node->kind));
    }
}

static void fail_query(query *q)
{
    q->state = QUERY_FAILED;
    if (!error_is_set(&q->error))
        error_set(&q->error, ERR_GENERIC_INTERNAL_ERROR, "Query failed");
}

query *query_submit(engine *e, session *s, const char *sql)
{
    return query_submit_with(e, s, sql, NULL);
}

query *query_submit_with(engine *e, session *s, const char *sql, const query_submit_options *options)
{
    query *q = calloc(1, sizeof *q);
    if (!q)
        return NULL;
    if (options && options->sched_group) {
        q->sched_job = sched_job_create(options->sched_group);
        if (!q->sched_job) {
            free(q);
            return NULL;
        }
    }
    q->engine = e;
    q->session = s;
    q->state = QUERY_QUEUED;
    q->created_ns = clock_now_ns();
    error_clear(&q->error);
    sql_arena *arena = sql_arena_create();
    const ast_node *statement = NULL;
    sql_error parse_error;
    sql_error_clear(&parse_error);
    if (sql_parse_statement(arena, sql, strlen(sql), &statement, &parse_error) != 0) {
        error_code code = ERR_SYNTAX_ERROR;
        error_code_from_name(parse_error.name ? parse_error.name : "SYNTAX_ERROR", &code);
        error_set_at(&q->error, code, parse_error.line, parse_error.column, "%s", parse_error.message);
        fail_query(q);
    } else if (!session_properties_validate(engine_catalogs(e), s, &q->error) ||   /* X-Trino-Session values */
               !run_statement(q, statement)) {
        fail_query(q);
    }
    sql_arena_destroy(arena);
    return q;
}

query_fetch_status query_fetch(query *q, page **out, int timeout_ms, shoal_error *error)
{
    *out = NULL;
    if (q->state == QUERY_FAILED) {
        if (error)
            *error = q->error;
        return QUERY_FETCH_FAILED;
    }
    if (!q->execution) {
        if (q->next_page < q->page_count) {
            *out = page_ref(q->pages[q->next_page++]);
            return QUERY_FETCH_PAGE;
        }
        return QUERY_FETCH_DONE;
    }
    query_fetch_status status = execution_fetch(q->execution, out, timeout_ms, &q->error);
    if (status == QUERY_FETCH_FAILED) {
        fail_query(q);
        if (error)
            *error = q->error;
    } else if (status == QUERY_FETCH_DONE && q->state != QUERY_FINISHED) {
        if (q->update_type) {
            q->has_update_count = true;
            q->update_count = (int64_t)execution_rows_written(q->execution);
        }
        q->state = QUERY_FINISHED;
    }
    return status;
}

void query_cancel(query *q)
{
    if (q->execution && q->state != QUERY_FINISHED && q->state != QUERY_FAILED) {
        execution_cancel(q->execution, ERR_USER_CANCELED, "Query was canceled");
        error_set(&q->error, ERR_USER_CANCELED, "Query was canceled");
        q->state = QUERY_FAILED;
    }
}

void query_free(query *q)
{
    if (!q)
        return;
    if (q->execution)
        execution_free(q->execution);
    for (int i = 0; i < q->page_count; i++)
        page_unref(q->pages[i]);
    free(q->pages);
    for (int i = 0; i < q->column_count; i++)
        free(q->columns[i].name);
    free(q->columns);
    sched_job_unref(q->sched_job);
    free(q);
}
