/*
 * plan.c — making and freeing plan nodes.
 */
#include "plan.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

plan_node *plan_node_new(plan_kind kind, int column_count)
{
    plan_node *node = calloc(1, sizeof *node);
    if (!node)
        return NULL;
    node->kind = kind;
    node->column_count = column_count;
    node->columns = calloc((size_t)(column_count > 0 ? column_count : 1), sizeof *node->columns);
    node->estimate.rows = NAN;
    node->estimate.bytes = NAN;
    if (!node->columns) {
        free(node);
        return NULL;
    }
    if (kind == PLAN_AGGREGATE)
        node->u.aggregate.group_id_channel = -1;
    if (kind == PLAN_TABLE_SCAN)
        node->u.scan.limit = -1;
    return node;
}

void plan_set_column(plan_node *node, int index, const char *name, sql_type type)
{
    free(node->columns[index].name);
    node->columns[index].name = strdup(name ? name : "");
    node->columns[index].type = type;
}

bool plan_copy_columns(plan_node *node, const plan_node *input)
{
    for (int i = 0; i < node->column_count && i < input->column_count; i++) {
        plan_set_column(node, i, input->columns[i].name, input->columns[i].type);
        if (!node->columns[i].name)
            return false;
    }
    return true;
}

static void free_exprs(expr **exprs, int count)
{
    if (!exprs)
        return;
    for (int i = 0; i < count; i++)
        expr_free(exprs[i]);
    free(exprs);
}

static void plan_free_payload(plan_node *node)
{
    switch (node->kind) {
    case PLAN_TABLE_SCAN:
        free(node->u.scan.catalog);
        table_metadata_free(node->u.scan.table);
        free(node->u.scan.columns);
        free(node->u.scan.ranges);
        free(node->u.scan.dynamic_filters);
        break;
    case PLAN_VALUES:
        free_exprs(node->u.values.cells, node->u.values.row_count * node->column_count);
        break;
    case PLAN_FILTER:
        expr_free(node->u.filter.predicate);
        break;
    case PLAN_PROJECT:
        free_exprs(node->u.project.exprs, node->column_count);
        break;
    case PLAN_AGGREGATE:
        free(node->u.aggregate.keys);
        free(node->u.aggregate.aggregates);
        break;
    case PLAN_JOIN:
        free(node->u.join.left_keys);
        free(node->u.join.right_keys);
        expr_free(node->u.join.filter);
        free(node->u.join.dynamic_filter_ids);
        break;
    case PLAN_SEMI_JOIN:
        free(node->u.semi.source_keys);
        free(node->u.semi.filtering_keys);
        expr_free(node->u.semi.filter);
        free(node->u.semi.dynamic_filter_ids);
        break;
    case PLAN_SORT:
    case PLAN_TOP_N:
        free(node->u.sort.keys);
        break;
    case PLAN_EXCHANGE:
        free(node->u.exchange.keys);
        break;
    case PLAN_GROUP_ID:
        free(node->u.group_id.key_channels);
        free(node->u.group_id.set_masks);
        break;
    case PLAN_WINDOW:
        free(node->u.window.partition_channels);
        free(node->u.window.order_keys);
        free(node->u.window.functions);
        break;
    default:
        break;
    }
}

void plan_free(plan_node *node)
{
    if (!node)
        return;
    plan_free(node->inputs[0]);
    plan_free(node->inputs[1]);
    for (int i = 0; i < node->source_count; i++)
        plan_free(node->sources[i]);
    free(node->sources);
    plan_free_payload(node);
    for (int i = 0; i < node->column_count; i++)
        free(node->columns[i].name);
    free(node->columns);
    free(node);
}

const char *plan_kind_name(plan_kind kind)
{
    static const char *const names[] = {
        [PLAN_TABLE_SCAN] = "TableScan",       [PLAN_VALUES] = "Values",
        [PLAN_FILTER] = "Filter",              [PLAN_PROJECT] = "Project",
        [PLAN_AGGREGATE] = "Aggregate",        [PLAN_JOIN] = "Join",
        [PLAN_SEMI_JOIN] = "SemiJoin",         [PLAN_SORT] = "Sort",
        [PLAN_TOP_N] = "TopN",                 [PLAN_LIMIT] = "Limit",
        [PLAN_DISTINCT_LIMIT] = "DistinctLimit", [PLAN_ENFORCE_SINGLE_ROW] = "EnforceSingleRow",
        [PLAN_UNION] = "Union",                [PLAN_INTERSECT] = "Intersect",
        [PLAN_EXCEPT] = "Except",              [PLAN_WINDOW] = "Window",
        [PLAN_EXCHANGE] = "Exchange",          [PLAN_OUTPUT] = "Output",
        [PLAN_GROUP_ID] = "GroupId",           [PLAN_UNNEST] = "Unnest",
    };
    if ((int)kind < 0 || kind > PLAN_UNNEST)
        return "Unknown";
    return names[kind];
}

static int plan_number_from(plan_node *node, int next)
{
    if (!node)
        return next;
    node->id = next++;
    next = plan_number_from(node->inputs[0], next);
    next = plan_number_from(node->inputs[1], next);
    for (int i = 0; i < node->source_count; i++)
        next = plan_number_from(node->sources[i], next);
    return next;
}

void plan_number(plan_node *root)
{
    plan_number_from(root, 0);
}
