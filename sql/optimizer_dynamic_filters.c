/*
 * optimizer_dynamic_filters.c — rule 9: dynamic filter assignment (Trino's
 * PredicatePushDown of DynamicFilters). For every INNER or RIGHT hash join
 * each probe key column is followed down the probe side through column
 * references (FILTER, PROJECT of a column, GROUP BY keys, the kept side of
 * an inner/outer join, a semi join's source, local exchanges) to the table
 * scan that produces it; the join key gets a plan-unique filter id and the
 * scan lists (id, channel). At run time the join's build publishes the
 * filter and the scan drops rows that cannot join.
 *
 * Rows may only be dropped where losing them cannot change the join's
 * output: below the probe side of an inner/right join, a row whose key has
 * no build match is dropped by the join anyway, and every operator on the
 * way keeps the key's value unchanged (a LEFT join's right side becomes
 * NULL-extended, which never matches either).
 */
#include <stdlib.h>

#include "optimizer.h"

typedef struct assigner {
    int next_id;
} assigner;

static bool add_scan_filter(plan_node *scan, int id, int column)
{
    plan_dynamic_filter *filters = realloc(scan->u.scan.dynamic_filters,
                                           sizeof *filters * (size_t)(scan->u.scan.dynamic_filter_count + 1));
    if (!filters)
        return false;
    scan->u.scan.dynamic_filters = filters;
    filters[scan->u.scan.dynamic_filter_count++] = (plan_dynamic_filter){.id = id, .column = column};
    return true;
}

/* The scan and its channel that output `channel` of `node` holds unchanged;
 * NULL when it is computed or comes through something rows cannot be
 * dropped below. */
static plan_node *trace_to_scan(plan_node *node, int channel, int *scan_channel)
{
    while (node && channel >= 0 && channel < node->column_count) {
        switch (node->kind) {
        case PLAN_TABLE_SCAN:
            *scan_channel = channel;
            return node;
        case PLAN_FILTER:
            node = node->inputs[0];
            break;
        case PLAN_EXCHANGE:
            if (node->u.exchange.scope != EXCHANGE_LOCAL)
                return NULL;
            node = node->inputs[0];
            break;
        case PLAN_PROJECT: {
            const expr *e = node->u.project.exprs[channel];
            if (!e || e->kind != EXPR_COLUMN)
                return NULL;
            channel = e->column;
            node = node->inputs[0];
            break;
        }
        case PLAN_AGGREGATE:
            if (node->u.aggregate.grouping_set_count > 0 || channel >= node->u.aggregate.key_count)
                return NULL;
            channel = node->u.aggregate.keys[channel];
            node = node->inputs[0];
            break;
        case PLAN_SEMI_JOIN:
            if (channel >= node->inputs[0]->column_count)
                return NULL;
            node = node->inputs[0];
            break;
        case PLAN_JOIN: {
            int left = node->inputs[0]->column_count;
            if (channel < left) {
                node = node->inputs[0];
            } else {
                channel -= left;
                node = node->inputs[1];
            }
            break;
        }
        default:
            return NULL;
        }
    }
    return NULL;
}

static bool assign(assigner *a, plan_node *node);

/* Gives each probe key that reaches a scan a filter id (ids[k], -1: none). */
static bool assign_keys(assigner *a, plan_node *probe, int key_count, const int *probe_keys, int **ids_out)
{
    free(*ids_out);
    int *ids = *ids_out = malloc(sizeof(int) * (size_t)key_count);
    if (!ids)
        return false;
    for (int k = 0; k < key_count; k++) {
        ids[k] = -1;
        int column = -1;
        plan_node *scan = trace_to_scan(probe, probe_keys[k], &column);
        if (!scan)
            continue;
        int id = a->next_id++;
        if (!add_scan_filter(scan, id, column))
            return false;
        ids[k] = id;
    }
    return true;
}

static bool assign_join(assigner *a, plan_node *join)
{
    if ((join->u.join.type != JOIN_INNER && join->u.join.type != JOIN_RIGHT) || join->u.join.key_count == 0 ||
        join->u.join.null_aware)
        return true;
    return assign_keys(a, join->inputs[0], join->u.join.key_count, join->u.join.left_keys,
                       &join->u.join.dynamic_filter_ids);
}

/* The predicate keeps only rows whose `channel` is TRUE (it is that
 * column, or a conjunct of an AND). */
static bool requires_true(const expr *predicate, int channel)
{
    if (!predicate)
        return false;
    if (predicate->kind == EXPR_COLUMN)
        return predicate->column == channel;
    if (predicate->kind != EXPR_AND)
        return false;
    for (int i = 0; i < predicate->arg_count; i++)
        if (requires_true(predicate->args[i], channel))
            return true;
    return false;
}

/* FILTER(match) over a SEMI_JOIN (x IN / EXISTS ...): rows without a
 * match are dropped above, so the semi join's build may filter its source. */
static bool assign_semi_join(assigner *a, plan_node *filter)
{
    plan_node *semi = filter->inputs[0];
    if (!semi || semi->kind != PLAN_SEMI_JOIN || semi->u.semi.key_count == 0 ||
        !requires_true(filter->u.filter.predicate, semi->column_count - 1))
        return true;
    return assign_keys(a, semi->inputs[0], semi->u.semi.key_count, semi->u.semi.source_keys,
                       &semi->u.semi.dynamic_filter_ids);
}

static bool assign(assigner *a, plan_node *node)
{
    if (!node)
        return true;
    if (node->kind == PLAN_JOIN && !assign_join(a, node))
        return false;
    if (node->kind == PLAN_FILTER && !assign_semi_join(a, node))
        return false;
    for (int i = 0; i < 2; i++)
        if (!assign(a, node->inputs[i]))
            return false;
    for (int i = 0; i < node->source_count; i++)
        if (!assign(a, node->sources[i]))
            return false;
    return true;
}

plan_node *optimizer_assign_dynamic_filters(plan_node *root, const optimizer_context *context,
                                            shoal_error *error)
{
    if (!context->enable_dynamic_filtering)
        return root;
    assigner a = {.next_id = 0};
    if (!assign(&a, root)) {
        error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory assigning dynamic filters");
        plan_free(root);
        return NULL;
    }
    return root;
}
