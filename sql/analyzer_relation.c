/*
 * analyzer_relation.c — the FROM clause: tables (resolved through the
 * catalogs), WITH queries, subqueries, VALUES, aliases with column lists,
 * and joins of every kind. Each relation becomes a plan plus a scope.
 */
#include "analyzer_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_NAME_PARTS = 8 };

typedef struct table_name {
    const char *catalog;
    const char *schema;
    const char *table;
} table_name;

static bool resolve_table_name(analyzer *a, const ast_node *name, table_name *out)
{
    const char *parts[MAX_NAME_PARTS];
    int n = ast_name_parts(name, parts, MAX_NAME_PARTS);
    if (n < 1 || n > 3)
        return analyzer_fail(a, name, ERR_SYNTAX_ERROR, "Too many dots in table name");
    out->table = parts[n - 1];
    out->schema = n >= 2 ? parts[n - 2] : a->context->schema;
    out->catalog = n >= 3 ? parts[n - 3] : a->context->catalog;
    if (!out->catalog)
        return analyzer_fail(a, name, ERR_MISSING_CATALOG_NAME, "Catalog must be specified when session catalog is not set");
    if (!out->schema)
        return analyzer_fail(a, name, ERR_MISSING_SCHEMA_NAME, "Schema must be specified when session schema is not set");
    return true;
}

static const named_query *find_with_query(analyzer *a, const ast_node *name)
{
    if (name->kind != AST_QUALIFIED_NAME || name->u.list.items.count != 1)
        return NULL;
    const char *wanted = name->u.list.items.items[0]->u.identifier.value.ptr;
    for (const named_query *q = a->with_queries; q; q = q->next)
        if (strcmp(q->name, wanted) == 0)
            return q;
    return NULL;
}

static bool plan_with_query(analyzer *a, const named_query *q, relation *out)
{
    const ast_node *wq = q->query;
    if (!plan_query(a, wq->u.with_query.query, NULL, out))
        return false;
    uint32_t aliases = wq->u.with_query.columns.count;
    if (aliases > 0 && aliases != (uint32_t)out->scope.count)
        return analyzer_fail(a, wq, ERR_MISMATCHED_COLUMN_ALIASES, "WITH column alias list has %u entries but WITH query has %d columns", aliases, out->scope.count);
    for (int i = 0; i < out->scope.count; i++) {
        scope_field *f = &out->scope.fields[i];
        free(f->catalog), free(f->schema), free(f->table);
        f->catalog = f->schema = NULL;
        f->table = strdup(q->name);
        if (aliases > 0) {
            free(f->name);
            f->name = strdup(wq->u.with_query.columns.items[i]->u.identifier.value.ptr);
        }
    }
    return true;
}

static bool plan_table(analyzer *a, const ast_node *node, relation *out)
{
    const ast_node *name = node->u.unary.operand;
    const named_query *with = find_with_query(a, name);
    if (with)
        return plan_with_query(a, with, out);
    table_name tn = {0};
    if (!resolve_table_name(a, name, &tn))
        return false;
    connector *c = a->context->find_catalog(a->context->lookup_context, tn.catalog);
    if (!c)
        return analyzer_fail(a, name, ERR_CATALOG_NOT_FOUND, "Catalog '%s' not found", tn.catalog);
    if (c->ops->schema_exists && !c->ops->schema_exists(c, tn.schema))
        return analyzer_fail(a, name, ERR_SCHEMA_NOT_FOUND, "Schema '%s' does not exist", tn.schema);
    shoal_error error;
    error_clear(&error);
    table_metadata *table = c->ops->get_table(c, tn.schema, tn.table, &error);
    if (!table) {
        if (error_is_set(&error))
            return analyzer_fail(a, name, error.code, "%s", error.message);
        view_definition *view = c->ops->get_view ? c->ops->get_view(c, tn.schema, tn.table, &error) : NULL;
        if (view) {
            bool ok = plan_view(a, name, tn.catalog, tn.schema, tn.table, view, out);
            view_definition_free(view);
            return ok;
        }
        if (error_is_set(&error))
            return analyzer_fail(a, name, error.code, "%s", error.message);
        return analyzer_fail(a, name, ERR_TABLE_NOT_FOUND, "Table '%s.%s.%s' does not exist",
                             tn.catalog, tn.schema, tn.table);
    }
    plan_node *scan = plan_node_new(PLAN_TABLE_SCAN, table->column_count);
    if (!scan) {
        table_metadata_free(table);
        return analyzer_fail(a, node, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
    }
    scan->u.scan.catalog = strdup(tn.catalog);
    scan->u.scan.table = table;
    scan->u.scan.columns = malloc(sizeof(int) * (size_t)(table->column_count ? table->column_count : 1));
    scan->estimate.rows = table->row_count;
    memset(&out->scope, 0, sizeof out->scope);
    out->plan = scan;
    for (int i = 0; i < table->column_count; i++) {
        scan->u.scan.columns[i] = i;
        plan_set_column(scan, i, table->columns[i].name, table->columns[i].type);
        if (!scope_add(&out->scope, tn.catalog, tn.schema, tn.table, table->columns[i].name,
                       table->columns[i].type, false))
            return analyzer_fail(a, node, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
    }
    return true;
}

static bool plan_aliased(analyzer *a, const ast_node *node, relation *out)
{
    if (node->u.aliased.relation->kind == AST_UNNEST)
        return analyzer_plan_unnest(a, NULL, node->u.aliased.relation, node, false, out);
    if (!plan_relation(a, node->u.aliased.relation, out))
        return false;
    const char *alias = node->u.aliased.alias->u.identifier.value.ptr;
    uint32_t columns = node->u.aliased.columns.count;
    int visible = 0;
    for (int i = 0; i < out->scope.count; i++)
        visible += !out->scope.fields[i].hidden;
    if (columns > 0 && columns != (uint32_t)visible)
        return analyzer_fail(a, node, ERR_MISMATCHED_COLUMN_ALIASES,
                             "Column alias list has %u entries but '%s' has %d columns available",
                             columns, alias, visible);
    int next_alias = 0;
    for (int i = 0; i < out->scope.count; i++) {
        scope_field *f = &out->scope.fields[i];
        free(f->catalog), free(f->schema), free(f->table);
        f->catalog = f->schema = NULL;
        f->table = strdup(alias);
        if (columns > 0 && !f->hidden) {
            free(f->name);
            f->name = strdup(node->u.aliased.columns.items[next_alias++]->u.identifier.value.ptr);
        }
    }
    return true;
}

static bool plan_values(analyzer *a, const ast_node *node, relation *out)
{
    uint32_t row_count = node->u.list.items.count;
    const ast_node *first = node->u.list.items.items[0];
    int column_count = first->kind == AST_ROW_CONSTRUCTOR ? (int)first->u.list.items.count : 1;
    plan_node *values = plan_node_new(PLAN_VALUES, column_count);
    if (!values)
        return analyzer_fail(a, node, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
    values->u.values.row_count = (int)row_count;
    values->u.values.cells = calloc((size_t)row_count * (size_t)column_count, sizeof(expr *));
    out->plan = values;
    memset(&out->scope, 0, sizeof out->scope);
    scope empty = {0};
    expr_scope es = {.a = a, .fields = &empty};
    for (uint32_t r = 0; r < row_count; r++) {
        const ast_node *row = node->u.list.items.items[r];
        int n = row->kind == AST_ROW_CONSTRUCTOR ? (int)row->u.list.items.count : 1;
        if (n != column_count)
            return analyzer_fail(a, row, ERR_TYPE_MISMATCH, "Values rows have mismatched sizes: %d vs %d", column_count, n);
        for (int c = 0; c < n; c++) {
            const ast_node *cell = row->kind == AST_ROW_CONSTRUCTOR ? row->u.list.items.items[c] : row;
            expr *e = translate_expression(&es, cell);
            if (!e)
                return false;
            values->u.values.cells[r * (uint32_t)column_count + (uint32_t)c] = e;
        }
    }
    /* every column takes the common type of its cells */
    for (int c = 0; c < column_count; c++) {
        sql_type common = values->u.values.cells[c]->type;
        for (uint32_t r = 1; r < row_count; r++) {
            sql_type t = values->u.values.cells[r * (uint32_t)column_count + (uint32_t)c]->type;
            if (!type_common_super_type(common, t, &common))
                return analyzer_fail(a, node, ERR_TYPE_MISMATCH, "Values rows have mismatched types");
        }
        for (uint32_t r = 0; r < row_count; r++) {
            expr **cell = &values->u.values.cells[r * (uint32_t)column_count + (uint32_t)c];
            *cell = coerce_expression(a, *cell, common, node);
            if (!*cell)
                return false;
        }
        char name[32];
        snprintf(name, sizeof name, "_col%d", c);
        plan_set_column(values, c, name, common);
        if (!scope_add(&out->scope, NULL, NULL, NULL, name, common, false))
            return false;
    }
    return true;
}

/* Joins two relations into one plan: output = left channels ++ right channels. */
plan_node *make_join(plan_node *left, plan_node *right, join_type type)
{
    plan_node *join = plan_node_new(PLAN_JOIN, left->column_count + right->column_count);
    if (!join)
        return NULL;
    join->u.join.type = type;
    join->inputs[0] = left;
    join->inputs[1] = right;
    for (int i = 0; i < left->column_count; i++)
        plan_set_column(join, i, left->columns[i].name, left->columns[i].type);
    for (int i = 0; i < right->column_count; i++)
        plan_set_column(join, left->column_count + i, right->columns[i].name, right->columns[i].type);
    return join;
}

static join_type join_type_of(ast_join_type t)
{
    switch (t) {
    case AST_JOIN_LEFT: return JOIN_LEFT;
    case AST_JOIN_RIGHT: return JOIN_RIGHT;
    case AST_JOIN_FULL: return JOIN_FULL;
    case AST_JOIN_INNER: return JOIN_INNER;
    default: return JOIN_CROSS;
    }
}

static bool plan_using_condition(analyzer *a, const ast_node *node, relation *left, relation *right,
                                 const scope *combined, expr **out)
{
    *out = NULL;
    int left_count = left->scope.count;
    for (uint32_t i = 0; i < node->u.join.using_columns.count; i++) {
        const ast_node *column = node->u.join.using_columns.items[i];
        const char *parts[1] = {column->u.identifier.value.ptr};
        int l = scope_resolve(&left->scope, parts, 1);
        int r = scope_resolve(&right->scope, parts, 1);
        if (l < 0 || r < 0)
            return analyzer_fail(a, column, ERR_COLUMN_NOT_FOUND, "Column '%s' is missing from %s side of join",
                                 parts[0], l < 0 ? "left" : "right");
        expr *args[2] = {expr_column(l, combined->fields[l].type),
                         expr_column(left_count + r, combined->fields[left_count + r].type)};
        expr *eq = make_call(a, "$equal", 2, args, column);
        if (!eq)
            return false;
        if (*out) {
            expr *both[2] = {*out, eq};
            *out = expr_special(EXPR_AND, type_make(TYPE_BOOLEAN), 2, both);
        } else {
            *out = eq;
        }
    }
    return true;
}

/* t JOIN UNNEST(...): CROSS, implicit, INNER ... ON true, LEFT ... ON true. */
static bool plan_join_unnest(analyzer *a, const ast_node *node, relation *left, const ast_node *unnest,
                             const ast_node *alias, relation *out)
{
    const ast_node *on = node->u.join.on;
    bool on_true = on && on->kind == AST_BOOLEAN_LITERAL && on->u.literal.flag;
    ast_join_type t = node->u.join.type;
    bool ok = false;
    if ((on && !on_true) || node->u.join.using_columns.count > 0 || node->u.join.natural)
        analyzer_fail(a, on ? on : node, ERR_NOT_SUPPORTED, "UNNEST in a join supports only ON true");
    else if (t == AST_JOIN_RIGHT || t == AST_JOIN_FULL)
        analyzer_fail(a, node, ERR_NOT_SUPPORTED, "RIGHT and FULL joins with UNNEST are not supported");
    else
        ok = analyzer_plan_unnest(a, left, unnest, alias, t == AST_JOIN_LEFT, out);
    relation_free(left);
    return ok;
}

static bool plan_join(analyzer *a, const ast_node *node, relation *out)
{
    relation left = {0}, right = {0};
    if (!plan_relation(a, node->u.join.left, &left))
        goto fail;
    const ast_node *unnest_alias;
    const ast_node *unnest = analyzer_unnest_of(node->u.join.right, &unnest_alias);
    if (unnest)
        return plan_join_unnest(a, node, &left, unnest, unnest_alias, out);
    if (!plan_relation(a, node->u.join.right, &right)) {
        /* a LATERAL subquery naming the left side's columns */
        if (!is_lateral_relation(node->u.join.right) || a->error->code != ERR_COLUMN_NOT_FOUND)
            goto fail;
        error_clear(a->error);
        if (!plan_lateral_join(a, node, &left, out))
            goto fail;
        relation_free(&left);
        return true;
    }
    scope combined = {0};
    if (!scope_copy(&combined, &left.scope) || !scope_append(&combined, &right.scope)) {
        scope_free(&combined);
        goto fail;
    }
    expr *condition = NULL;
    if (node->u.join.on) {
        expr_scope es = {.a = a, .fields = &combined};
        condition = translate_boolean(&es, node->u.join.on, "JOIN ON clause");
        if (!condition) {
            scope_free(&combined);
            goto fail;
        }
    } else if (node->u.join.using_columns.count > 0) {
        if (!plan_using_condition(a, node, &left, &right, &combined, &condition)) {
            scope_free(&combined);
            goto fail;
        }
    } else if (node->u.join.natural) {
        scope_free(&combined);
        analyzer_fail(a, node, ERR_NOT_SUPPORTED, "Natural join is not supported");
        goto fail;
    }
    join_type type = join_type_of(node->u.join.type);
    plan_node *join = make_join(left.plan, right.plan, condition && type == JOIN_CROSS ? JOIN_INNER : type);
    if (!join) {
        expr_free(condition);
        scope_free(&combined);
        goto fail;
    }
    join->u.join.filter = condition;
    out->plan = join;
    out->scope = combined;
    scope_free(&left.scope);
    scope_free(&right.scope);
    return true;
fail:
    relation_free(&left);
    relation_free(&right);
    return false;
}

static bool plan_subquery_relation(analyzer *a, const ast_node *node, relation *out)
{
    if (!plan_query(a, node->u.unary.operand, NULL, out))
        return false;
    for (int i = 0; i < out->scope.count; i++) {
        scope_field *f = &out->scope.fields[i];
        free(f->catalog), free(f->schema), free(f->table);
        f->catalog = f->schema = f->table = NULL;
    }
    return true;
}

static bool plan_relation_kind(analyzer *a, const ast_node *node, relation *out)
{
    switch (node->kind) {
    case AST_TABLE:
        return plan_table(a, node, out);
    case AST_ALIASED_RELATION:
        return plan_aliased(a, node, out);
    case AST_JOIN:
        return plan_join(a, node, out);
    case AST_TABLE_SUBQUERY:
    case AST_LATERAL:   /* uncorrelated, or the first relation: a derived table */
        return plan_subquery_relation(a, node, out);
    case AST_VALUES:
        return plan_values(a, node, out);
    case AST_QUERY:
        return plan_query(a, node, NULL, out);
    case AST_UNNEST:
        return analyzer_plan_unnest(a, NULL, node, NULL, false, out);
    default:
        return analyzer_fail(a, node, ERR_NOT_SUPPORTED, "Unsupported relation: %s", ast_kind_name(node->kind));
    }
}

/* On failure nothing stays in *out. */
bool plan_relation(analyzer *a, const ast_node *node, relation *out)
{
    memset(out, 0, sizeof *out);
    if (plan_relation_kind(a, node, out))
        return true;
    relation_free(out);
    return false;
}
