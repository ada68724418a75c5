/*
 * analyzer_unnest.c — UNNEST in FROM: `FROM UNNEST(...)`, `t CROSS JOIN
 * UNNEST(t.a) [WITH ORDINALITY] [AS u(x, ...)]`, the implicit `t, UNNEST(...)`
 * and `LEFT JOIN UNNEST(...) ON true`.
 *
 * The plan is a PROJECT that appends the unnested expressions (evaluated
 * over the left relation's columns, so they may reference them) under an
 * UNNEST node that repeats the left columns per element. A bare UNNEST reads
 * a one-row VALUES.
 */
#include "analyzer_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_UNNEST = 32 };

const ast_node *analyzer_unnest_of(const ast_node *relation, const ast_node **alias)
{
    *alias = NULL;
    if (relation->kind == AST_ALIASED_RELATION && relation->u.aliased.relation->kind == AST_UNNEST) {
        *alias = relation;
        return relation->u.aliased.relation;
    }
    return relation->kind == AST_UNNEST ? relation : NULL;
}

static plan_node *one_row(void)
{
    plan_node *values = plan_node_new(PLAN_VALUES, 0);
    if (!values)
        return NULL;
    values->u.values.row_count = 1;
    values->u.values.cells = calloc(1, sizeof(expr *));
    if (!values->u.values.cells) {
        plan_free(values);
        return NULL;
    }
    return values;
}

/* Names and types of the columns an unnested value of type `t` produces. */
static int element_columns(sql_type t, sql_type *types, const char **names, int room)
{
    if (t.kind == TYPE_MAP) {
        if (room < 2)
            return -1;
        types[0] = t.composite->field_types[0];
        types[1] = t.composite->field_types[1];
        names[0] = names[1] = NULL;
        return 2;
    }
    sql_type element = t.composite->field_types[0];
    if (element.kind != TYPE_ROW) {
        if (room < 1)
            return -1;
        types[0] = element;
        names[0] = NULL;
        return 1;
    }
    const composite_type *c = element.composite;
    if (room < c->field_count)
        return -1;
    for (int f = 0; f < c->field_count; f++) {
        types[f] = c->field_types[f];
        names[f] = c->field_names ? c->field_names[f] : NULL;
    }
    return c->field_count;
}

static bool fail_oom(analyzer *a, const ast_node *where)
{
    return analyzer_fail(a, where, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
}

bool analyzer_plan_unnest(analyzer *a, relation *left, const ast_node *unnest, const ast_node *alias, bool outer,
                          relation *out)
{
    relation base = {0};
    if (!left) {
        base.plan = one_row();
        if (!base.plan)
            return fail_oom(a, unnest);
        left = &base;
    }
    int k = (int)unnest->u.unnest.exprs.count;
    int n = left->plan->column_count;
    if (k < 1 || k > MAX_UNNEST) {
        relation_free(&base);
        return analyzer_fail(a, unnest, ERR_NOT_SUPPORTED, "UNNEST takes 1 to %d arguments", MAX_UNNEST);
    }
    plan_node *project = plan_node_new(PLAN_PROJECT, n + k);
    if (project) {
        project->u.project.exprs = calloc((size_t)(n + k), sizeof(expr *));
        if (!project->u.project.exprs) {
            plan_free(project);
            project = NULL;
        }
    }
    if (!project) {
        relation_free(&base);
        return fail_oom(a, unnest);
    }
    project->inputs[0] = left->plan;
    left->plan = NULL;
    for (int i = 0; i < n; i++) {
        project->u.project.exprs[i] = expr_column(i, project->inputs[0]->columns[i].type);
        plan_set_column(project, i, project->inputs[0]->columns[i].name, project->inputs[0]->columns[i].type);
    }
    expr_scope es = {.a = a, .fields = &left->scope};
    sql_type produced[256];
    const char *names[256];
    int produced_count = 0;
    bool ok = true;
    for (int j = 0; ok && j < k; j++) {
        const ast_node *item = unnest->u.unnest.exprs.items[j];
        expr *e = translate_expression(&es, item);
        if (!e) {
            ok = false;
            break;
        }
        project->u.project.exprs[n + j] = e;
        char name[32];
        snprintf(name, sizeof name, "_unnest%d", j);
        plan_set_column(project, n + j, name, e->type);
        if (e->type.kind != TYPE_ARRAY && e->type.kind != TYPE_MAP) {
            char type[128];
            type_format(e->type, false, type, sizeof type);
            ok = analyzer_fail(a, item, ERR_TYPE_MISMATCH, "Cannot unnest type: %s", type);
            break;
        }
        int c = element_columns(e->type, produced + produced_count, names + produced_count, 255 - produced_count);
        if (c < 0)
            ok = analyzer_fail(a, item, ERR_NOT_SUPPORTED, "UNNEST produces too many columns");
        else
            produced_count += c;
    }
    if (ok && unnest->u.unnest.with_ordinality) {
        produced[produced_count] = type_make(TYPE_BIGINT);
        names[produced_count++] = NULL;
    }
    const char *table = alias ? alias->u.aliased.alias->u.identifier.value.ptr : NULL;
    uint32_t aliases = alias ? alias->u.aliased.columns.count : 0;
    if (ok && aliases > 0 && aliases != (uint32_t)produced_count)
        ok = analyzer_fail(a, alias, ERR_MISMATCHED_COLUMN_ALIASES,
                           "Column alias list has %u entries but '%s' has %d columns available", aliases, table,
                           produced_count);
    plan_node *node = ok ? plan_node_new(PLAN_UNNEST, n + produced_count) : NULL;
    if (!node) {
        plan_free(project);
        relation_free(&base);
        return ok ? fail_oom(a, unnest) : false;
    }
    node->inputs[0] = project;
    node->u.unnest.replicate_count = n;
    node->u.unnest.unnest_count = k;
    node->u.unnest.ordinality = unnest->u.unnest.with_ordinality;
    node->u.unnest.outer = outer;
    out->plan = node;
    memset(&out->scope, 0, sizeof out->scope);
    ok = scope_copy(&out->scope, &left->scope);
    for (int i = 0; i < n; i++)
        plan_set_column(node, i, project->columns[i].name, project->columns[i].type);
    for (int i = 0; ok && i < produced_count; i++) {
        char fallback[32];
        snprintf(fallback, sizeof fallback, "_col%d", i);
        const char *name = aliases ? alias->u.aliased.columns.items[i]->u.identifier.value.ptr
                                   : names[i] ? names[i] : fallback;
        plan_set_column(node, n + i, name, produced[i]);
        ok = scope_add(&out->scope, NULL, NULL, table, name, produced[i], false);
    }
    relation_free(&base);
    return ok || fail_oom(a, unnest);
}
