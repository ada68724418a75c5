/*
 * optimizer_copy.c — deep copies of plan subtrees, for rules that compute a
 * relation twice (optimizer_prefilter.c reads a join side again as a key
 * filter). Only the relational kinds such a side is made of are copied:
 * scans, values, filters, projections, joins, semi joins and plain
 * aggregations; anything else (windows, sorts, exchanges, set operations,
 * grouping sets) makes the copy fail, and the caller leaves the plan alone.
 * Dynamic filter assignments are not copied (each node gets its own later).
 */
#include "optimizer_internal.h"

#include <stdlib.h>
#include <string.h>

static int *copy_ints(const int *from, int count)
{
    int *to = malloc(sizeof(int) * (size_t)(count > 0 ? count : 1));
    if (to && count > 0)
        memcpy(to, from, sizeof(int) * (size_t)count);
    return to;
}

static expr *copy_expr(const expr *e, bool *failed)
{
    if (!e)
        return NULL;
    expr *c = expr_copy(e);
    if (!c)
        *failed = true;
    return c;
}

static expr **copy_exprs(expr *const *from, int count, bool *failed)
{
    expr **to = calloc((size_t)(count > 0 ? count : 1), sizeof *to);
    if (!to) {
        *failed = true;
        return NULL;
    }
    for (int i = 0; i < count; i++)
        to[i] = copy_expr(from[i], failed);
    return to;
}

static table_metadata *copy_table(const table_metadata *t)
{
    table_metadata *c = table_metadata_new(t->schema, t->name, t->column_count);
    if (!c)
        return NULL;
    for (int i = 0; i < t->column_count; i++) {
        table_metadata_set_column(c, i, t->columns[i].name, t->columns[i].type);
        c->columns[i].nullable = t->columns[i].nullable;
        c->columns[i].stats = t->columns[i].stats; /* plain values */
    }
    c->row_count = t->row_count;
    c->connector_data = t->connector_data; /* the connector's handle, not owned by the plan */
    return c;
}

bool optimizer_copy_supports(const plan_node *node)
{
    if (node->source_count > 0)
        return false;
    switch (node->kind) {
    case PLAN_TABLE_SCAN:
    case PLAN_VALUES:
    case PLAN_FILTER:
    case PLAN_PROJECT:
    case PLAN_JOIN:
    case PLAN_SEMI_JOIN:
        return true;
    case PLAN_AGGREGATE:
        return node->u.aggregate.grouping_set_count == 0;
    default:
        return false;
    }
}

/* Copies the payload of `from` into `to` (a kind optimizer_copy_supports
 * accepts); false when memory ran out (`to` is then freed by the caller). */
static bool copy_payload(plan_node *to, const plan_node *from)
{
    bool failed = false;
    switch (from->kind) {
    case PLAN_TABLE_SCAN: {
        to->u.scan = from->u.scan;
        to->u.scan.catalog = from->u.scan.catalog ? strdup(from->u.scan.catalog) : NULL;
        to->u.scan.table = copy_table(from->u.scan.table);
        to->u.scan.columns = copy_ints(from->u.scan.columns, from->column_count);
        to->u.scan.dynamic_filters = NULL; /* assigned later, per node (optimizer_dynamic_filters.c) */
        to->u.scan.dynamic_filter_count = 0;
        int ranges = from->u.scan.range_count;
        to->u.scan.ranges = malloc(sizeof(column_range) * (size_t)(ranges > 0 ? ranges : 1));
        if (to->u.scan.ranges && ranges > 0)
            memcpy(to->u.scan.ranges, from->u.scan.ranges, sizeof(column_range) * (size_t)ranges);
        return (to->u.scan.catalog || !from->u.scan.catalog) && to->u.scan.table &&
               to->u.scan.columns && to->u.scan.ranges;
    }
    case PLAN_VALUES:
        to->u.values.row_count = from->u.values.row_count;
        to->u.values.cells = copy_exprs(from->u.values.cells,
                                        from->u.values.row_count * from->column_count, &failed);
        return !failed;
    case PLAN_FILTER:
        to->u.filter.predicate = copy_expr(from->u.filter.predicate, &failed);
        return !failed;
    case PLAN_PROJECT:
        to->u.project.exprs = copy_exprs(from->u.project.exprs, from->column_count, &failed);
        return !failed;
    case PLAN_AGGREGATE:
        to->u.aggregate = from->u.aggregate;
        to->u.aggregate.keys = copy_ints(from->u.aggregate.keys, from->u.aggregate.key_count);
        to->u.aggregate.aggregates = malloc(sizeof(plan_aggregate) *
                                            (size_t)(from->u.aggregate.aggregate_count + 1));
        if (to->u.aggregate.aggregates)
            memcpy(to->u.aggregate.aggregates, from->u.aggregate.aggregates,
                   sizeof(plan_aggregate) * (size_t)from->u.aggregate.aggregate_count);
        return to->u.aggregate.keys && to->u.aggregate.aggregates;
    case PLAN_JOIN:
        to->u.join = from->u.join;
        to->u.join.left_keys = copy_ints(from->u.join.left_keys, from->u.join.key_count);
        to->u.join.right_keys = copy_ints(from->u.join.right_keys, from->u.join.key_count);
        to->u.join.filter = copy_expr(from->u.join.filter, &failed);
        to->u.join.dynamic_filter_ids = NULL;
        return !failed && to->u.join.left_keys && to->u.join.right_keys;
    case PLAN_SEMI_JOIN:
        to->u.semi = from->u.semi;
        to->u.semi.source_keys = copy_ints(from->u.semi.source_keys, from->u.semi.key_count);
        to->u.semi.filtering_keys = copy_ints(from->u.semi.filtering_keys, from->u.semi.key_count);
        to->u.semi.filter = copy_expr(from->u.semi.filter, &failed);
        to->u.semi.dynamic_filter_ids = NULL;
        return !failed && to->u.semi.source_keys && to->u.semi.filtering_keys;
    default:
        return false;
    }
}

plan_node *optimizer_copy_plan(const plan_node *node)
{
    if (!node || !optimizer_copy_supports(node))
        return NULL;
    plan_node *copy = plan_node_new(node->kind, node->column_count);
    if (!copy)
        return NULL;
    copy->estimate = node->estimate;
    bool ok = plan_copy_columns(copy, node) && copy_payload(copy, node);
    for (int i = 0; ok && i < 2; i++) {
        if (node->inputs[i]) {
            copy->inputs[i] = optimizer_copy_plan(node->inputs[i]);
            ok = copy->inputs[i] != NULL;
        }
    }
    if (!ok) {
        plan_free(copy);
        return NULL;
    }
    return copy;
}
