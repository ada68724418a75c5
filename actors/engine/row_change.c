/*
 * row_change.c — DELETE FROM t [WHERE p] and UPDATE t SET c = v, ... [WHERE p]
 * on connectors that can rewrite a table (connector_ops.open_rewrite_sink).
 *
 * The statement is planned as the query
 *     SELECT c1, ..., cn, v1, ..., vk, p FROM t
 * (built as a syntax tree, so names, types, subqueries and errors are the
 * analyser's), then a projection turns it into the table's rows afterwards
 * plus a "matched" flag (p IS TRUE): UPDATE's columns become
 * IF(matched, CAST(v AS column type), c). The row_change_sink counts the
 * matched rows (Trino's update count), drops them for DELETE, and writes
 * the rest into the rewrite sink, which replaces the table at finish.
 */
#include <stdlib.h>
#include <string.h>

#include "actors/engine/query_internal.h"
#include "actors/engine/row_change_sink.h"
#include "sql/ast_build.h"

typedef struct row_change {
    query *q;
    const ast_node *node;
    bool is_delete;
    table_metadata *table;
    int *assigned;            /* per table column: index of its SET value, or -1 */
    int value_count;
} row_change;

/* The target: a table of a connector that can rewrite rows; views refused. */
static bool find_target(row_change *rc, connector *conn, const object_name *name)
{
    rc->table = query_target_table(rc->q, conn, name, rc->node->u.ddl.name,
                                   rc->is_delete ? "Deleting from views is not supported"
                                                 : "Updating views is not supported");
    return rc->table != NULL;
}

/* UPDATE's SET list: each target column once, and it must exist. */
static bool resolve_assignments(row_change *rc)
{
    int n = rc->table->column_count;
    rc->assigned = malloc(sizeof(int) * (size_t)(n + 1));
    if (!rc->assigned)
        return error_set(&rc->q->error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
    for (int i = 0; i < n; i++)
        rc->assigned[i] = -1;
    if (rc->is_delete)
        return true;
    const ast_list *set = &rc->node->u.ddl.elements;
    for (uint32_t k = 0; k < set->count; k++) {
        const ast_node *column = set->items[k]->u.binary.left;
        const char *name = column->u.identifier.value.ptr;
        int index = table_metadata_find_column(rc->table, name);
        if (index < 0)
            return query_fail_at(rc->q, column, ERR_COLUMN_NOT_FOUND, "The UPDATE SET target column %s doesn't exist", name);
        if (rc->assigned[index] >= 0)
            return query_fail_at(rc->q, column, ERR_DUPLICATE_COLUMN_NAME,
                           "Multiple assignments to the same UPDATE SET target column %s", name);
        rc->assigned[index] = (int)k;
    }
    rc->value_count = (int)set->count;
    return true;
}

/* SELECT c1..cn, v1..vk, p FROM t */
static const ast_node *build_select(row_change *rc, sql_arena *arena)
{
    const ast_node *node = rc->node;
    int n = rc->table->column_count;
    uint32_t items = (uint32_t)(n + rc->value_count + (node->u.ddl.where ? 1 : 0));
    ast_node *spec = NULL;
    ast_node *select = ast_build_query(arena, &spec, items, node->pos);
    ast_node *from = select ? ast_build_node(arena, AST_TABLE, node->u.ddl.name->pos) : NULL;
    if (!from)
        return NULL;
    from->u.unary.operand = node->u.ddl.name;
    spec->u.query_spec.from = from;
    uint32_t next = 0;
    for (int i = 0; i < n; i++) {
        ast_node *column = ast_build_identifier(arena, rc->table->columns[i].name, node->pos);
        if (!(spec->u.query_spec.select.items[next++] = ast_build_select_item(arena, column, NULL)))
            return NULL;
    }
    for (int k = 0; k < rc->value_count; k++) {
        ast_node *value = node->u.ddl.elements.items[k]->u.binary.right;
        if (!(spec->u.query_spec.select.items[next++] = ast_build_select_item(arena, value, NULL)))
            return NULL;
    }
    if (node->u.ddl.where &&
        !(spec->u.query_spec.select.items[next++] = ast_build_select_item(arena, node->u.ddl.where, NULL)))
        return NULL;
    return select;
}

static expr *matched_flag(row_change *rc, const plan_node *input)
{
    const ast_node *where = rc->node->u.ddl.where;
    if (!where)
        return expr_constant(value_boolean(true));
    int channel = input->column_count - 1;
    sql_type type = input->columns[channel].type;
    if (type.kind != TYPE_BOOLEAN && type.kind != TYPE_UNKNOWN) {
        char name[128];
        type_format(type, false, name, sizeof name);
        query_fail_at(rc->q, where, ERR_TYPE_MISMATCH, "WHERE clause must evaluate to a boolean: actual type %s", name);
        return NULL;
    }
    expr *args[2] = {expr_column(channel, type), expr_constant(value_boolean(false))};
    if (type.kind == TYPE_UNKNOWN) {
        expr_free(args[0]);
        return args[1];
    }
    return expr_special(EXPR_COALESCE, type_make(TYPE_BOOLEAN), 2, args);
}

/* The SET value for column i, cast to the column's type, chosen when matched. */
static expr *updated_column(row_change *rc, const plan_node *input, int i, const expr *matched)
{
    const column_metadata *column = &rc->table->columns[i];
    expr *old = expr_column(i, column->type);
    if (rc->assigned[i] < 0)
        return old;
    int channel = rc->table->column_count + rc->assigned[i];
    sql_type from = input->columns[channel].type;
    if (!type_equal(from, column->type) && !type_can_coerce(from, column->type) && from.kind != TYPE_UNKNOWN) {
        char want[128], got[128];
        type_format(column->type, false, want, sizeof want);
        type_format(from, false, got, sizeof got);
        const ast_node *value = rc->node->u.ddl.elements.items[rc->assigned[i]]->u.binary.right;
        query_fail_at(rc->q, value, ERR_TYPE_MISMATCH,
                      "UPDATE table column types don't match SET expressions: column %s is %s, the value is %s",
                      column->name, want, got);
        expr_free(old);
        return NULL;
    }
    expr *value = expr_column(channel, from);
    if (!type_equal(from, column->type)) {
        expr *cast_args[1] = {value};
        value = expr_special(EXPR_CAST, column->type, 1, cast_args);
    }
    expr *args[3] = {expr_copy(matched), value, old};
    return expr_special(EXPR_IF, column->type, 3, args);
}

/* output(project(rows afterwards..., matched)) over the planned select. */
static bool shape_rows(row_change *rc, plan_node *output)
{
    plan_node *input = output->inputs[0];
    int n = rc->table->column_count;
    expr *matched = matched_flag(rc, input);
    if (!matched)
        return false;
    plan_node *project = plan_node_new(PLAN_PROJECT, n + 1);
    project->u.project.exprs = calloc((size_t)n + 2, sizeof(expr *));
    bool ok = true;
    for (int i = 0; ok && i < n; i++) {
        project->u.project.exprs[i] = updated_column(rc, input, i, matched);
        ok = project->u.project.exprs[i] != NULL;
        plan_set_column(project, i, rc->table->columns[i].name, rc->table->columns[i].type);
    }
    project->u.project.exprs[n] = matched;
    plan_set_column(project, n, "$matched", type_make(TYPE_BOOLEAN));
    query_project_before_output(output, project);
    return ok;
}

static plan_node *plan_row_change(row_change *rc)
{
    sql_arena *arena = sql_arena_create();
    const ast_node *select = arena ? build_select(rc, arena) : NULL;
    plan_node *plan = NULL;
    if (!select) {
        error_set(&rc->q->error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
    } else {
        catalog_lookup lookup = {.q = rc->q};
        plan = query_plan_statement(rc->q, select, &lookup);
        query_lookup_release(&lookup);
    }
    sql_arena_destroy(arena);
    if (plan && !shape_rows(rc, plan)) {
        plan_free(plan);
        plan = NULL;
    }
    return plan;
}

static page_sink *open_sink(row_change *rc, connector *conn)
{
    query *q = rc->q;
    if (!conn->ops->open_rewrite_sink) {
        query_fail_at(q, rc->node, ERR_NOT_SUPPORTED, rc->is_delete ? "This connector does not support deletes"
                                                             : "This connector does not support updates");
        return NULL;
    }
    page_sink *inner = conn->ops->open_rewrite_sink(conn, rc->table, &q->error);
    return inner ? row_change_sink_new(inner, rc->is_delete, &q->error) : NULL;
}

bool query_run_row_change(query *q, const ast_node *node)
{
    row_change rc = {.q = q, .node = node, .is_delete = node->kind == AST_DELETE};
    object_name name;
    if (!query_resolve_name(q, node->u.ddl.name, 1, &name))
        return false;
    catalog *c = query_acquire_catalog(q, name.catalog, node->u.ddl.name);
    if (!c)
        return false;
    connector *conn = catalog_connector(c);
    plan_node *plan = NULL;
    page_sink *sink = NULL;
    if (find_target(&rc, conn, &name) && resolve_assignments(&rc) && (plan = plan_row_change(&rc)))
        sink = open_sink(&rc, conn);
    table_metadata_free(rc.table);
    free(rc.assigned);
    catalog_release(c);
    if (!sink) {
        plan_free(plan);
        return false;
    }
    return query_start_write(q, plan, sink, rc.is_delete ? "DELETE" : "UPDATE");
}
