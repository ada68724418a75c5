/*
 * analyzer_lateral.c — `left, LATERAL (subquery) [alias]` and
 * `left [CROSS | INNER] JOIN LATERAL (subquery) alias [ON ...]`.
 *
 * An uncorrelated LATERAL subquery is an ordinary derived table. A
 * correlated one is decorrelated when it is a plain query specification
 * (no aggregation, DISTINCT, window, ORDER BY, LIMIT, WITH): its FROM and
 * its uncorrelated WHERE conjuncts are planned on their own, joined to the
 * left relation with the correlated conjuncts as the join filter, and its
 * select items are computed over the joined rows (inner names first, then
 * the left side's). Other correlated forms are NOT_SUPPORTED for now.
 */
#include "analyzer_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The subquery of a LATERAL relation (maybe aliased) and its alias node. */
static const ast_node *lateral_query(const ast_node *node, const ast_node **aliased)
{
    *aliased = NULL;
    if (node->kind == AST_ALIASED_RELATION) {
        *aliased = node;
        node = node->u.aliased.relation;
    }
    return node->kind == AST_LATERAL ? node->u.unary.operand : NULL;
}

bool is_lateral_relation(const ast_node *node)
{
    const ast_node *aliased;
    return lateral_query(node, &aliased) != NULL;
}

static bool is_plain_specification(const ast_node *query)
{
    const ast_node *spec = query->u.query.body;
    if (query->u.query.with || spec->kind != AST_QUERY_SPECIFICATION || query->u.query.order_by.count > 0 ||
        query->u.query.limit || query->u.query.offset)
        return false;
    if (spec->u.query_spec.distinct || spec->u.query_spec.group_by || spec->u.query_spec.having ||
        spec->u.query_spec.windows.count > 0)
        return false;
    for (uint32_t i = 0; i < spec->u.query_spec.select.count; i++) {
        const ast_node *item = spec->u.query_spec.select.items[i];
        if (item->kind == AST_SELECT_ITEM && ast_contains_aggregate(item->u.binary.left))
            return false;
    }
    return true;
}

/* Output channels of the lateral side: one per select item (`*` expanded). */
typedef struct lateral_items {
    int count;
    int channels[256];
    char *names[256];
} lateral_items;

static void items_free(lateral_items *items)
{
    for (int i = 0; i < items->count; i++)
        free(items->names[i]);
}

static bool add_item(analyzer *a, lateral_items *items, int channel, const char *name, const ast_node *where)
{
    if (items->count >= 256)
        return analyzer_fail(a, where, ERR_NOT_SUPPORTED, "Too many columns in a LATERAL subquery");
    items->channels[items->count] = channel;
    items->names[items->count++] = name ? strdup(name) : NULL;
    return true;
}

static bool expand_star(analyzer *a, const ast_node *item, const scope *inner, int offset, lateral_items *items)
{
    const char *parts[8];
    int n = item->u.all_columns.prefix ? ast_name_parts(item->u.all_columns.prefix, parts, 8) : 0;
    for (int i = 0; i < inner->count; i++) {
        const scope_field *f = &inner->fields[i];
        if (f->hidden || (n > 0 && !(f->table && strcmp(f->table, parts[n - 1]) == 0)))
            continue;
        if (!add_item(a, items, offset + i, f->name, item))
            return false;
    }
    return true;
}

/* The select items over the joined relation (left ++ inner). */
static bool plan_items(analyzer *a, const ast_node *spec, relation *joined, const scope *left, const scope *inner,
                       lateral_items *items)
{
    expr_scope es = {.a = a, .fields = inner, .outer_fields = left};
    for (uint32_t i = 0; i < spec->u.query_spec.select.count; i++) {
        const ast_node *item = spec->u.query_spec.select.items[i];
        if (item->kind == AST_ALL_COLUMNS) {
            if (!expand_star(a, item, inner, left->count, items))
                return false;
            continue;
        }
        const ast_node *value = item->u.binary.left, *alias = item->u.binary.right;
        expr *e = translate_expression(&es, value);
        int channel = e ? append_projection(a, joined, e, NULL, true) : -1;
        if (channel < 0)
            return false;
        const char *name = alias ? alias->u.identifier.value.ptr
                           : value->kind == AST_IDENTIFIER ? value->u.identifier.value.ptr
                           : value->kind == AST_DEREFERENCE ? value->u.binary.right->u.identifier.value.ptr
                                                            : NULL;
        if (!add_item(a, items, channel, name, item))
            return false;
    }
    return true;
}

/* left's channels then the items, named as the alias says. */
static bool shape_output(analyzer *a, const ast_node *aliased, relation *joined, const scope *left,
                         const lateral_items *items, relation *out)
{
    const ast_list *columns = aliased ? &aliased->u.aliased.columns : NULL;
    if (columns && columns->count > 0 && columns->count != (uint32_t)items->count)
        return analyzer_fail(a, aliased, ERR_MISMATCHED_COLUMN_ALIASES,
                             "Column alias list has %u entries but subquery has %d columns", columns->count,
                             items->count);
    const char *table = aliased ? aliased->u.aliased.alias->u.identifier.value.ptr : NULL;
    int n = left->count + items->count;
    plan_node *project = plan_node_new(PLAN_PROJECT, n);
    if (!project || !(project->u.project.exprs = calloc((size_t)n + 1, sizeof(expr *)))) {
        free(project);
        return analyzer_fail(a, NULL, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
    }
    memset(out, 0, sizeof *out);
    bool ok = scope_copy(&out->scope, left);
    for (int i = 0; i < n; i++) {
        int channel = i < left->count ? i : items->channels[i - left->count];
        const plan_column *c = &joined->plan->columns[channel];
        project->u.project.exprs[i] = expr_column(channel, c->type);
        const char *name = i < left->count ? c->name
                           : columns && columns->count > 0 ? columns->items[i - left->count]->u.identifier.value.ptr
                                                           : items->names[i - left->count];
        char anonymous[32];
        snprintf(anonymous, sizeof anonymous, "_col%d", i - left->count);
        plan_set_column(project, i, name ? name : anonymous, c->type);
        if (i >= left->count)
            ok = ok && scope_add(&out->scope, NULL, NULL, table, name, c->type, false);
    }
    project->inputs[0] = joined->plan;
    project->estimate = joined->plan->estimate;
    out->plan = project;
    joined->plan = NULL;
    return ok || analyzer_fail(a, NULL, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
}

/* The correlated conjuncts, over left ++ inner. */
static expr *correlation_filter(analyzer *a, const correlation *c, const scope *left, const scope *inner)
{
    expr_scope es = {.a = a, .fields = inner, .outer_fields = left};
    expr *filter = NULL;
    for (int i = 0; i < c->count; i++) {
        expr *term = translate_boolean(&es, c->conjuncts[i], "WHERE clause");
        if (!term) {
            expr_free(filter);
            return NULL;
        }
        if (filter) {
            expr *both[2] = {filter, term};
            term = expr_special(EXPR_AND, type_make(TYPE_BOOLEAN), 2, both);
        }
        filter = term;
    }
    return filter;
}

static bool plan_correlated(analyzer *a, const ast_node *query, const ast_node *aliased, relation *left,
                            relation *out)
{
    correlation c = {.mode = SUBQUERY_EXISTS, .outer = &left->scope};
    relation inner;
    if (!plan_query(a, query, &c, &inner))
        return false;
    relation joined = {0};
    bool ok = scope_copy(&joined.scope, &left->scope) && scope_append(&joined.scope, &inner.scope);
    expr *filter = ok ? correlation_filter(a, &c, &left->scope, &inner.scope) : NULL;
    if (c.count > 0 && !filter) {
        relation_free(&inner);
        scope_free(&joined.scope);
        return false;
    }
    joined.plan = make_join(left->plan, inner.plan, filter ? JOIN_INNER : JOIN_CROSS);
    joined.plan->u.join.filter = filter;
    left->plan = NULL;
    lateral_items items = {0};
    ok = plan_items(a, query->u.query.body, &joined, &left->scope, &inner.scope, &items) &&
         shape_output(a, aliased, &joined, &left->scope, &items, out);
    items_free(&items);
    scope_free(&inner.scope);
    relation_free(&joined);
    return ok;
}

bool plan_lateral_join(analyzer *a, const ast_node *join, relation *left, relation *out)
{
    const ast_node *aliased;
    const ast_node *query = lateral_query(join->u.join.right, &aliased);
    if (join->u.join.type != AST_JOIN_IMPLICIT && join->u.join.type != AST_JOIN_CROSS &&
        join->u.join.type != AST_JOIN_INNER)
        return analyzer_fail(a, join->u.join.right, ERR_NOT_SUPPORTED,
                             "Only CROSS and INNER joins with a correlated LATERAL subquery are supported yet");
    if (!is_plain_specification(query))
        return analyzer_fail(a, join->u.join.right, ERR_NOT_SUPPORTED,
                             "Correlated LATERAL subqueries with aggregation, DISTINCT, windows, ORDER BY or "
                             "LIMIT are not supported yet");
    if (!plan_correlated(a, query, aliased, left, out))
        return false;
    if (!join->u.join.on)
        return true;
    expr_scope es = {.a = a, .fields = &out->scope};
    expr *condition = translate_boolean(&es, join->u.join.on, "JOIN ON clause");
    return condition && add_filter(out, condition);
}
