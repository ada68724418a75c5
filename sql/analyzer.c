/*
 * analyzer.c — queries: WITH, query specifications (FROM, WHERE, GROUP BY,
 * aggregates, HAVING, SELECT, DISTINCT, ORDER BY), set operations, OFFSET
 * and LIMIT, and the output node. FROM is in analyzer_relation.c,
 * expressions in analyzer_expression.c, subqueries in analyzer_subquery.c.
 */
#include "analyzer_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_AGGREGATES = 256, MAX_SELECT = 1024 };

/* ---- small plan builders -------------------------------------------------- */

int append_projection(analyzer *a, relation *r, expr *e, const char *name, bool hidden)
{
    int n = r->plan->column_count;
    plan_node *project = plan_node_new(PLAN_PROJECT, n + 1);
    if (!project || !(project->u.project.exprs = calloc((size_t)n + 1, sizeof(expr *)))) {
        free(project);
        expr_free(e);
        analyzer_fail(a, NULL, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
        return -1;
    }
    for (int i = 0; i < n; i++) {
        project->u.project.exprs[i] = expr_column(i, r->plan->columns[i].type);
        plan_set_column(project, i, r->plan->columns[i].name, r->plan->columns[i].type);
    }
    project->u.project.exprs[n] = e;
    plan_set_column(project, n, name ? name : "expr", e->type);
    project->inputs[0] = r->plan;
    project->estimate = r->plan->estimate;
    r->plan = project;
    scope_add(&r->scope, NULL, NULL, NULL, hidden ? NULL : name, e->type, hidden);
    return n;
}

bool add_filter(relation *r, expr *predicate)
{
    plan_node *filter = plan_node_new(PLAN_FILTER, r->plan->column_count);
    if (!filter) {
        expr_free(predicate);
        return false;
    }
    plan_copy_columns(filter, r->plan);
    filter->u.filter.predicate = predicate;
    filter->inputs[0] = r->plan;
    r->plan = filter;
    return true;
}

/* A PROJECT of `count` expressions over r's plan, replacing r's scope by `names`. */
static bool project_relation(analyzer *a, relation *r, expr **exprs, char **names, int count)
{
    plan_node *project = plan_node_new(PLAN_PROJECT, count);
    if (!project)
        return analyzer_fail(a, NULL, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
    project->u.project.exprs = exprs;
    for (int i = 0; i < count; i++)
        plan_set_column(project, i, names[i], exprs[i]->type);
    project->inputs[0] = r->plan;
    project->estimate = r->plan->estimate;
    r->plan = project;
    scope_free(&r->scope);
    for (int i = 0; i < count; i++)
        scope_add(&r->scope, NULL, NULL, NULL, names[i], exprs[i]->type, false);
    return true;
}

static char *column_name_for(const ast_node *expression, const ast_node *alias, int position)
{
    if (alias)
        return strdup(alias->u.identifier.value.ptr);
    if (expression->kind == AST_IDENTIFIER)
        return strdup(expression->u.identifier.value.ptr);
    if (expression->kind == AST_DEREFERENCE)
        return strdup(expression->u.binary.right->u.identifier.value.ptr);
    char name[32];
    snprintf(name, sizeof name, "_col%d", position);
    return strdup(name);
}

/* ---- conjuncts and correlation ------------------------------------------- */

static int collect_conjuncts(const ast_node *node, const ast_node **out, int max)
{
    if (!node)
        return 0;
    if (node->kind == AST_LOGICAL && node->u.logical.op == AST_LOGICAL_AND) {
        int n = 0;
        for (uint32_t i = 0; i < node->u.logical.terms.count && n < max; i++)
            n += collect_conjuncts(node->u.logical.terms.items[i], out + n, max - n);
        return n;
    }
    if (max < 1)
        return 0;
    out[0] = node;
    return 1;
}

typedef struct reference_walk {
    const scope *inner;
    const scope *outer;
    bool uses_inner;
    bool uses_outer;
} reference_walk;

static void references_of(const ast_node *node, reference_walk *w);

static bool reference_visit(const ast_node *node, int depth, void *context)
{
    (void)depth;
    reference_walk *w = context;
    if (node->kind == AST_IDENTIFIER || node->kind == AST_DEREFERENCE) {
        const char *parts[8];
        int n = ast_name_parts(node, parts, 8);
        if (n > 0) {
            if (scope_resolve(w->inner, parts, n) != -1)
                w->uses_inner = true;
            else if (w->outer && scope_resolve(w->outer, parts, n) != -1)
                w->uses_outer = true;
        }
        return false;
    }
    switch (node->kind) {
    case AST_FUNCTION_CALL:
        for (uint32_t i = 0; i < node->u.call.args.count; i++)
            references_of(node->u.call.args.items[i], w);
        if (node->u.call.filter)
            references_of(node->u.call.filter, w);
        return false;
    case AST_EXTRACT:
        references_of(node->u.binary.right, w);
        return false;
    case AST_CAST:
        references_of(node->u.cast.value, w);
        return false;
    case AST_SUBQUERY_EXPRESSION: case AST_EXISTS: case AST_IN_SUBQUERY:
    case AST_QUANTIFIED_COMPARISON: case AST_TYPED_LITERAL: case AST_GENERIC_TYPE:
        return false;
    default:
        return true;
    }
}

static void references_of(const ast_node *node, reference_walk *w)
{
    ast_walk(node, reference_visit, w);
}

void ast_references(const ast_node *node, const scope *inner, const scope *outer,
                    bool *uses_inner, bool *uses_outer)
{
    reference_walk w = {inner, outer, false, false};
    references_of(node, &w);
    *uses_inner = w.uses_inner;
    *uses_outer = w.uses_outer;
}

/* Plans WHERE: local conjuncts become a filter; with a correlation, the
 * conjuncts that reach the outer query are set aside. */
static bool plan_where(analyzer *a, relation *r, const ast_node *where, correlation *correlated)
{
    if (!where)
        return true;
    const ast_node *conjuncts[256];
    int count = collect_conjuncts(where, conjuncts, 256);
    const ast_node *local[256];
    int local_count = 0;
    for (int i = 0; i < count; i++) {
        bool inner = false, outer = false;
        if (correlated)
            ast_references(conjuncts[i], &r->scope, correlated->outer, &inner, &outer);
        if (!outer) {
            local[local_count++] = conjuncts[i];
            continue;
        }
        if (correlated->count >= MAX_CORRELATED)
            return analyzer_fail(a, conjuncts[i], ERR_NOT_SUPPORTED, "Too many correlated predicates");
        int k = correlated->count++;
        correlated->conjuncts[k] = conjuncts[i];
        correlated->inner_side[k] = correlated->outer_side[k] = NULL;
        const ast_node *c = conjuncts[i];
        if (c->kind == AST_COMPARISON && c->u.binary.op == AST_CMP_EQ) {
            bool li, lo, ri, ro;
            ast_references(c->u.binary.left, &r->scope, correlated->outer, &li, &lo);
            ast_references(c->u.binary.right, &r->scope, correlated->outer, &ri, &ro);
            if (li && !lo && ro && !ri) {
                correlated->inner_side[k] = c->u.binary.left;
                correlated->outer_side[k] = c->u.binary.right;
            } else if (ri && !ro && lo && !li) {
                correlated->inner_side[k] = c->u.binary.right;
                correlated->outer_side[k] = c->u.binary.left;
            }
        }
    }
    for (int i = 0; i < local_count; i++) {
        subquery_result *subqueries = NULL;
        int subquery_count = 0;
        if (!plan_subqueries(a, r, local[i], &subqueries, &subquery_count))
            return false;
        expr_scope es = {.a = a, .fields = &r->scope, .subqueries = subqueries,
                         .subquery_count = subquery_count};
        expr *predicate = translate_boolean(&es, local[i], "WHERE clause");
        free(subqueries);
        if (!predicate || !add_filter(r, predicate))
            return false;
    }
    return true;
}

/* ---- aggregation ----------------------------------------------------------- */

enum { MAX_GROUPING_SETS = 4096 };

typedef struct aggregation_plan {
    int key_count;
    const ast_node *key_nodes[256];
    int aggregate_count;
    const ast_node *aggregate_nodes[MAX_AGGREGATES];
    /* GROUPING SETS / ROLLUP / CUBE: bit k of a mask = the set groups by key k */
    int set_count;
    uint64_t sets[MAX_GROUPING_SETS];
    /* decorrelation: the first channel_key_count keys are the input's first
     * channels (no AST); count(*) counts channel count_star_channel */
    int channel_key_count;
    int count_star_channel;
} aggregation_plan;

static bool collect_aggregate_visit(const ast_node *node, int depth, void *context)
{
    (void)depth;
    aggregation_plan *p = context;
    if (is_subquery_node(node))
        return false;
    if (!ast_is_aggregate_call(node))
        return true;
    for (int i = 0; i < p->aggregate_count; i++)
        if (ast_equal(p->aggregate_nodes[i], node))
            return false;
    if (p->aggregate_count < MAX_AGGREGATES)
        p->aggregate_nodes[p->aggregate_count++] = node;
    return false;
}

static const ast_node *select_item_expression(const ast_node *spec, int64_t ordinal)
{
    if (ordinal < 1 || ordinal > (int64_t)spec->u.query_spec.select.count)
        return NULL;
    const ast_node *item = spec->u.query_spec.select.items[ordinal - 1];
    return item->kind == AST_SELECT_ITEM ? item->u.binary.left : NULL;
}

static const ast_node *select_alias_expression(const ast_node *spec, const char *alias)
{
    for (uint32_t i = 0; i < spec->u.query_spec.select.count; i++) {
        const ast_node *item = spec->u.query_spec.select.items[i];
        if (item->kind == AST_SELECT_ITEM && item->u.binary.right &&
            strcmp(item->u.binary.right->u.identifier.value.ptr, alias) == 0)
            return item->u.binary.left;
    }
    return NULL;
}

/* The index of `key` among the keys so far, adding it when new. */
static int key_index(analyzer *a, aggregation_plan *p, const ast_node *key)
{
    for (int i = 0; i < p->key_count; i++)
        if (ast_equal(p->key_nodes[i], key))
            return i;
    if (p->key_count >= 64) {
        analyzer_fail(a, key, ERR_TOO_MANY_GROUPING_SETS, "Too many grouping columns");
        return -1;
    }
    p->key_nodes[p->key_count] = key;
    return p->key_count++;
}

/* A GROUP BY item as written: an ordinal names a select item; a name that is
 * no input column may name a select item's alias (beyond Trino, as
 * PostgreSQL and DuckDB do). */
static const ast_node *group_key_expression(analyzer *a, const ast_node *spec, const scope *source,
                                            const ast_node *key)
{
    if (key->kind == AST_LONG_LITERAL) {
        const ast_node *target = select_item_expression(spec, key->u.literal.int_value);
        if (!target)
            analyzer_fail(a, key, ERR_INVALID_COLUMN_REFERENCE, "GROUP BY position %lld is not in select list",
                          (long long)key->u.literal.int_value);
        return target;
    }
    if (key->kind == AST_IDENTIFIER && scope_resolve(source, &key->u.identifier.value.ptr, 1) == -1) {
        const ast_node *target = select_alias_expression(spec, key->u.identifier.value.ptr);
        if (target)
            return target;
    }
    return key;
}

/* The mask of one GROUPING_SET's expressions. */
static bool set_mask(analyzer *a, const ast_node *spec, const scope *source, aggregation_plan *p,
                     const ast_node *set, uint64_t *mask)
{
    *mask = 0;
    for (uint32_t j = 0; j < set->u.list.items.count; j++) {
        const ast_node *key = group_key_expression(a, spec, source, set->u.list.items.items[j]);
        int k = key ? key_index(a, p, key) : -1;
        if (k < 0)
            return false;
        *mask |= UINT64_C(1) << k;
    }
    return true;
}

/* The sets one GROUP BY element stands for: a plain list is one set; ROLLUP
 * (a, b) is {a,b}, {a}, {}; CUBE every subset; GROUPING SETS as listed. */
static int element_sets(analyzer *a, const ast_node *spec, const scope *source, aggregation_plan *p,
                        const ast_node *element, uint64_t *out, int max)
{
    const ast_list *sets = &element->u.grouping_element.sets;
    uint64_t masks[64];
    int n = (int)sets->count;
    if (n > 64) {
        analyzer_fail(a, element, ERR_TOO_MANY_GROUPING_SETS, "Too many grouping sets");
        return -1;
    }
    for (int i = 0; i < n; i++)
        if (!set_mask(a, spec, source, p, sets->items[i], &masks[i]))
            return -1;
    int count = 0;
    switch (element->u.grouping_element.type) {
    case AST_GROUPING_SIMPLE:
    case AST_GROUPING_SETS:
        for (int i = 0; i < n && count < max; i++)
            out[count++] = masks[i];
        return count;
    case AST_GROUPING_ROLLUP:
        for (int i = n; i >= 0 && count < max; i--) {
            uint64_t m = 0;
            for (int j = 0; j < i; j++)
                m |= masks[j];
            out[count++] = m;
        }
        return count;
    case AST_GROUPING_CUBE:
        if (n > 12) {
            analyzer_fail(a, element, ERR_TOO_MANY_GROUPING_SETS, "GROUP BY CUBE has too many columns");
            return -1;
        }
        for (int bits = (1 << n) - 1; bits >= 0 && count < max; bits--) {
            uint64_t m = 0;
            for (int j = 0; j < n; j++)
                if (bits >> j & 1)
                    m |= masks[j];
            out[count++] = m;
        }
        return count;
    }
    return -1;
}

/* GROUP BY: the keys, and when the clause has ROLLUP, CUBE or GROUPING SETS,
 * the cross product of every element's sets. */
static bool collect_group_keys(analyzer *a, const ast_node *spec, const scope *source,
                               aggregation_plan *p)
{
    const ast_node *group_by = spec->u.query_spec.group_by;
    if (!group_by)
        return true;
    bool has_sets = false;
    uint64_t product[MAX_GROUPING_SETS] = {0};
    int product_count = 1;
    for (uint32_t i = 0; i < group_by->u.group_by.elements.count; i++) {
        const ast_node *element = group_by->u.group_by.elements.items[i];
        has_sets |= element->u.grouping_element.type != AST_GROUPING_SIMPLE;
        uint64_t sets[MAX_GROUPING_SETS];
        int n = element_sets(a, spec, source, p, element, sets, MAX_GROUPING_SETS);
        if (n < 0)
            return false;
        if ((long)product_count * n > MAX_GROUPING_SETS)
            return analyzer_fail(a, element, ERR_TOO_MANY_GROUPING_SETS, "GROUP BY has more than %d grouping sets",
                                 MAX_GROUPING_SETS);
        uint64_t next[MAX_GROUPING_SETS];
        int count = 0;
        for (int x = 0; x < product_count; x++)
            for (int y = 0; y < n; y++)
                next[count++] = product[x] | sets[y];
        memcpy(product, next, sizeof(uint64_t) * (size_t)count);
        product_count = count;
    }
    if (has_sets) {
        /* GROUP BY DISTINCT drops repeated sets */
        p->set_count = 0;
        for (int i = 0; i < product_count; i++) {
            bool seen = false;
            for (int j = 0; group_by->u.group_by.distinct && j < p->set_count; j++)
                seen |= p->sets[j] == product[i];
            if (!seen)
                p->sets[p->set_count++] = product[i];
        }
    }
    return true;
}

/* The first `count` ORDER BY keys of an ordered aggregate (listagg WITHIN
 * GROUP, array_agg(x ORDER BY ...)) as its trailing arguments: translated
 * into keys[0..count), their types after the `first` value arguments
 * in function->arg_types and their directions in the order bit masks. On
 * failure nothing is left in keys. */
static bool resolve_order_keys(analyzer *a, const expr_scope *source, const ast_list *order_by, int count,
                               resolved_function *function, int first, expr **keys)
{
    for (int k = 0; k < count; k++) {
        const ast_node *item = order_by->items[k];
        keys[k] = translate_expression(source, item->u.sort_item.key);
        bool ok = keys[k] != NULL;
        if (ok && !type_is_orderable(keys[k]->type)) {
            char type_text[128];
            type_format(keys[k]->type, false, type_text, sizeof type_text);
            ok = analyzer_fail(a, item, ERR_TYPE_MISMATCH,
                               "ORDER BY can only be applied to orderable types (actual: %s)", type_text);
        }
        if (!ok) {
            for (int j = 0; j <= k; j++)
                expr_free(keys[j]);
            return false;
        }
        function->arg_types[first + k] = keys[k]->type;
        if (item->u.sort_item.descending)
            function->order_descending |= (uint8_t)(1u << k);
        /* NULLS LAST is the default for both directions */
        if (item->u.sort_item.null_ordering == AST_NULLS_FIRST)
            function->order_nulls_first |= (uint8_t)(1u << k);
    }
    return true;
}

/* count_star_channel >= 0: count(*) counts that (non-null marker) column,
 * so rows an outer join added without a match are not counted. */
static bool resolve_aggregate(analyzer *a, const expr_scope *source, const ast_node *call,
                              int count_star_channel, plan_aggregate *out, expr **arg_exprs, int *arg_count)
{
    char *name = ast_name_text(call->u.call.name);
    int n = call->u.call.star ? 0 : (int)call->u.call.args.count;
    if (call->u.call.star && count_star_channel >= 0) {
        sql_type marker = type_make(TYPE_BOOLEAN);
        shoal_error error;
        error_clear(&error);
        bool ok = function_resolve(name, 1, &marker, &out->function, &error);
        free(name);
        if (!ok)
            return analyzer_fail(a, call, error.code, "%s", error.message);
        arg_exprs[0] = expr_column(count_star_channel, marker);
        out->arg_count = 1;
        out->distinct = false;
        out->filter_channel = -1;
        *arg_count = 1;
        return true;
    }
    /* listagg orders its values: WITHIN GROUP keys become trailing arguments */
    bool ordered = strcmp(name, "listagg") == 0 || strcmp(name, "array_agg") == 0;
    int order_count = ordered ? (int)call->u.call.order_by.count : 0;
    if (n > 5 || n + order_count > 8) {
        free(name);
        return analyzer_fail(a, call, ERR_NOT_SUPPORTED, "Too many arguments for aggregate");
    }
    if (call->u.call.order_by.count > 0 && !ordered) { /* never ignore an ordering silently */
        free(name);
        return analyzer_fail(a, call->u.call.order_by.items[0], ERR_NOT_SUPPORTED,
                             "ORDER BY inside an aggregate call is not supported yet");
    }
    sql_type types[8];
    for (int i = 0; i < n; i++) {
        arg_exprs[i] = translate_expression(source, call->u.call.args.items[i]);
        if (!arg_exprs[i]) {
            for (int j = 0; j < i; j++)
                expr_free(arg_exprs[j]);
            free(name);
            return false;
        }
        types[i] = arg_exprs[i]->type;
    }
    shoal_error error;
    error_clear(&error);
    bool ok = function_resolve(name, n, types, &out->function, &error);
    free(name);
    if (!ok) {
        for (int j = 0; j < n; j++)
            expr_free(arg_exprs[j]);
        return analyzer_fail(a, call, error.code, "%s", error.message);
    }
    for (int i = 0; i < n; i++) {
        arg_exprs[i] = coerce_expression(a, arg_exprs[i], out->function.arg_types[i], call);
        if (!arg_exprs[i])
            return false;
    }
    if (!resolve_order_keys(a, source, &call->u.call.order_by, order_count, &out->function, n, arg_exprs + n)) {
        for (int j = 0; j < n; j++)
            expr_free(arg_exprs[j]);
        return false;
    }
    out->function.arg_count = n + order_count;
    out->function.order_count = order_count;
    if (order_count > 0 && strcmp(out->function.function->name, "array_agg") == 0) {
        /* ordered array_agg: partial states carry their sort keys: array(row(value, keys...)) */
        sql_type fields[9];
        for (int i = 0; i < n + order_count; i++)
            fields[i] = out->function.arg_types[i];
        out->function.intermediate_type = type_array(type_row(n + order_count, fields, NULL));
    }
    out->arg_count = n + order_count;
    out->distinct = call->u.call.distinct;
    out->filter_channel = -1;
    *arg_count = n + order_count;
    return true;
}

/* Plans GROUP BY and the aggregates: pre-projection, AGGREGATE; fills the
 * binding used to translate expressions after aggregation. */
static bool plan_aggregation(analyzer *a, relation *r, const aggregation_plan *p,
                             const expr_scope *source, aggregation_binding *binding)
{
    expr *pre[1024];
    char *names[1024];
    int pre_count = 0;
    plan_aggregate aggregates[MAX_AGGREGATES];
    memset(binding, 0, sizeof *binding);
    binding->keys = calloc((size_t)p->key_count + 1, sizeof(expr *));
    for (int i = 0; i < p->key_count; i++) {
        expr *key = i < p->channel_key_count
                        ? expr_column(i, r->scope.fields[i].type)
                        : translate_expression(source, p->key_nodes[i]);
        if (!key)
            goto fail;
        binding->keys[binding->key_count++] = key;
        pre[pre_count] = expr_copy(key);
        names[pre_count++] = i < p->channel_key_count ? strdup(r->plan->columns[i].name)
                                                       : column_name_for(p->key_nodes[i], NULL, i);
    }
    for (int i = 0; i < p->aggregate_count; i++) {
        expr *args[8];
        int n = 0;
        if (!resolve_aggregate(a, source, p->aggregate_nodes[i], p->count_star_channel, &aggregates[i], args, &n))
            goto fail;
        if (pre_count + n >= 1024) {
            analyzer_fail(a, p->aggregate_nodes[i], ERR_NOT_SUPPORTED, "Too many aggregate arguments");
            goto fail;
        }
        for (int j = 0; j < n; j++) {
            aggregates[i].args[j] = pre_count;
            pre[pre_count] = args[j];
            names[pre_count++] = strdup("arg");
        }
        if (p->aggregate_nodes[i]->u.call.filter) {
            expr *filter = translate_boolean(source, p->aggregate_nodes[i]->u.call.filter, "FILTER clause");
            if (!filter)
                goto fail;
            aggregates[i].filter_channel = pre_count;
            pre[pre_count] = filter;
            names[pre_count++] = strdup("filter");
        }
    }
    expr **pre_exprs = malloc(sizeof(expr *) * (size_t)(pre_count ? pre_count : 1));
    memcpy(pre_exprs, pre, sizeof(expr *) * (size_t)pre_count);
    bool projected = project_relation(a, r, pre_exprs, names, pre_count);
    for (int i = 0; i < pre_count; i++)
        free(names[i]);
    if (!projected)
        return false;

    /* GROUPING SETS: every row once per set; the group id becomes a key */
    int group_id_channel = -1;
    if (p->set_count > 0) {
        plan_node *group_id = plan_node_new(PLAN_GROUP_ID, r->plan->column_count + 1);
        plan_copy_columns(group_id, r->plan);
        group_id_channel = r->plan->column_count;
        plan_set_column(group_id, group_id_channel, "groupid", type_make(TYPE_BIGINT));
        group_id->u.group_id.key_count = p->key_count;
        group_id->u.group_id.key_channels = malloc(sizeof(int) * (size_t)(p->key_count + 1));
        for (int i = 0; i < p->key_count; i++)
            group_id->u.group_id.key_channels[i] = i;
        group_id->u.group_id.set_count = p->set_count;
        group_id->u.group_id.set_masks = malloc(sizeof(uint64_t) * (size_t)p->set_count);
        memcpy(group_id->u.group_id.set_masks, p->sets, sizeof(uint64_t) * (size_t)p->set_count);
        group_id->inputs[0] = r->plan;
        group_id->estimate = r->plan->estimate;
        r->plan = group_id;
    }
    int agg_keys = p->key_count + (group_id_channel >= 0);
    int out_count = agg_keys + p->aggregate_count;
    plan_node *agg = plan_node_new(PLAN_AGGREGATE, out_count);
    agg->u.aggregate.step = AGGREGATION_SINGLE;
    agg->u.aggregate.key_count = agg_keys;
    agg->u.aggregate.grouping_set_count = p->set_count;
    agg->u.aggregate.group_id_channel = group_id_channel >= 0 ? p->key_count : -1;
    agg->u.aggregate.keys = malloc(sizeof(int) * (size_t)(agg_keys ? agg_keys : 1));
    agg->u.aggregate.aggregate_count = p->aggregate_count;
    agg->u.aggregate.aggregates = malloc(sizeof(plan_aggregate) * (size_t)(p->aggregate_count ? p->aggregate_count : 1));
    memcpy(agg->u.aggregate.aggregates, aggregates, sizeof(plan_aggregate) * (size_t)p->aggregate_count);
    scope aggregated = {0};
    for (int i = 0; i < p->key_count; i++) {
        agg->u.aggregate.keys[i] = i;
        plan_set_column(agg, i, r->plan->columns[i].name, r->plan->columns[i].type);
        scope_add(&aggregated, NULL, NULL, NULL, NULL, r->plan->columns[i].type, true);
    }
    if (group_id_channel >= 0) {
        agg->u.aggregate.keys[p->key_count] = group_id_channel;
        plan_set_column(agg, p->key_count, "groupid", type_make(TYPE_BIGINT));
        scope_add(&aggregated, NULL, NULL, NULL, NULL, type_make(TYPE_BIGINT), true);
    }
    for (int i = 0; i < p->aggregate_count; i++) {
        char name[32];
        snprintf(name, sizeof name, "agg%d", i);
        plan_set_column(agg, agg_keys + i, name, aggregates[i].function.return_type);
        scope_add(&aggregated, NULL, NULL, NULL, NULL, aggregates[i].function.return_type, true);
    }
    agg->inputs[0] = r->plan;
    r->plan = agg;
    scope_free(&r->scope);
    r->scope = aggregated;
    binding->source = source;
    binding->aggregate_count = p->aggregate_count;
    binding->aggregate_nodes = malloc(sizeof(ast_node *) * (size_t)(p->aggregate_count ? p->aggregate_count : 1));
    memcpy(binding->aggregate_nodes, p->aggregate_nodes, sizeof(ast_node *) * (size_t)p->aggregate_count);
    binding->first_aggregate_channel = agg_keys;
    binding->group_id_channel = group_id_channel >= 0 ? p->key_count : -1;
    binding->set_count = p->set_count;
    binding->sets = p->set_count ? malloc(sizeof(uint64_t) * (size_t)p->set_count) : NULL;
    if (binding->sets)
        memcpy(binding->sets, p->sets, sizeof(uint64_t) * (size_t)p->set_count);
    return true;
fail:
    for (int i = 0; i < pre_count; i++) {
        expr_free(pre[i]);
        free(names[i]);
    }
    return false;
}

static void aggregation_binding_free(aggregation_binding *b)
{
    for (int i = 0; i < b->key_count; i++)
        expr_free(b->keys[i]);
    free(b->keys);
    free(b->aggregate_nodes);
    free(b->sets);
    memset(b, 0, sizeof *b);
}

/* Aggregates `value` (an expression with aggregate calls over `source`)
 * over r grouped by r's first key_channels channels; r becomes those
 * channels plus the value, which lands in channel key_channels. */
bool plan_grouped_value(analyzer *a, relation *r, int key_channels, const expr_scope *source,
                        const ast_node *value, int count_star_channel)
{
    aggregation_plan *p = calloc(1, sizeof *p);
    if (!p || key_channels > 256) {
        free(p);
        return analyzer_fail(a, value, ERR_NOT_SUPPORTED, "Correlated subquery over too many columns");
    }
    p->channel_key_count = p->key_count = key_channels;
    p->count_star_channel = count_star_channel;
    ast_walk(value, collect_aggregate_visit, p);
    if (p->aggregate_count == 0) {
        free(p);
        return analyzer_fail(a, value, ERR_NOT_SUPPORTED, "Given correlated subquery is not supported");
    }
    /* the key channels keep their names (they are the outer query's columns) */
    scope outer = {0};
    for (int i = 0; i < key_channels; i++) {
        const scope_field *f = &r->scope.fields[i];
        scope_add(&outer, f->catalog, f->schema, f->table, f->name, f->type, f->hidden);
    }
    aggregation_binding binding;
    bool ok = plan_aggregation(a, r, p, source, &binding);
    free(p);
    if (!ok) {
        scope_free(&outer);
        return false;
    }
    expr_scope es = {.a = a, .fields = &r->scope, .aggregation = &binding};
    expr *e = translate_expression(&es, value);
    if (e) {
        expr **exprs = malloc(sizeof(expr *) * (size_t)(key_channels + 1));
        char **names = malloc(sizeof(char *) * (size_t)(key_channels + 1));
        for (int i = 0; i < key_channels; i++) {
            exprs[i] = expr_column(i, r->scope.fields[i].type);
            names[i] = r->plan->columns[i].name;
        }
        exprs[key_channels] = e;
        names[key_channels] = "value";
        sql_type value_type = e->type;
        ok = project_relation(a, r, exprs, names, key_channels + 1);
        free(names);
        scope_free(&r->scope);
        r->scope = outer;
        memset(&outer, 0, sizeof outer);
        ok = ok && scope_add(&r->scope, NULL, NULL, NULL, NULL, value_type, true);
    } else {
        ok = false;
    }
    scope_free(&outer);
    aggregation_binding_free(&binding);
    return ok;
}

/* ---- the query specification ------------------------------------------------ */

typedef struct select_output {
    int count;                 /* visible select outputs */
    expr **exprs;              /* count + extra (ORDER BY helpers) */
    char **names;
    const ast_node **nodes;    /* the select item expression (NULL for * expansions) */
    int capacity;
} select_output;

static bool select_output_add(select_output *o, expr *e, char *name, const ast_node *node)
{
    if (o->count == o->capacity) {
        int capacity = o->capacity ? o->capacity * 2 : 16;
        o->exprs = realloc(o->exprs, sizeof(expr *) * (size_t)capacity);
        o->names = realloc(o->names, sizeof(char *) * (size_t)capacity);
        o->nodes = realloc(o->nodes, sizeof(ast_node *) * (size_t)capacity);
        o->capacity = capacity;
    }
    o->exprs[o->count] = e;
    o->names[o->count] = name;
    o->nodes[o->count] = node;
    o->count++;
    return true;
}

static void select_output_free(select_output *o, bool free_exprs)
{
    for (int i = 0; i < o->count; i++) {
        if (free_exprs)
            expr_free(o->exprs[i]);
        free(o->names[i]);
    }
    if (free_exprs)
        free(o->exprs);
    free(o->names);
    free(o->nodes);
    memset(o, 0, sizeof *o);
}

static bool expand_all_columns(analyzer *a, const ast_node *item, const relation *source,
                               const expr_scope *es, select_output *out)
{
    const char *parts[8];
    int n = item->u.all_columns.prefix ? ast_name_parts(item->u.all_columns.prefix, parts, 8) : 0;
    /* After GROUP BY, * names the source's columns: each must be a key. */
    const scope *fields = es->aggregation ? es->aggregation->source->fields : &source->scope;
    int matched = 0;
    for (int i = 0; i < fields->count; i++) {
        const scope_field *f = &fields->fields[i];
        if (f->hidden)
            continue;
        if (n > 0) {
            bool ok = f->table && strcmp(f->table, parts[n - 1]) == 0 &&
                      (n < 2 || (f->schema && strcmp(f->schema, parts[n - 2]) == 0));
            if (!ok)
                continue;
        }
        matched++;
        expr *e = expr_column(i, f->type);
        if (es->aggregation) {
            int key = -1;
            for (int k = 0; k < es->aggregation->key_count && key < 0; k++)
                if (expr_equal(es->aggregation->keys[k], e))
                    key = k;
            expr_free(e);
            if (key < 0)
                return analyzer_fail(a, item, ERR_EXPRESSION_NOT_AGGREGATE,
                                     "'%s' must be an aggregate expression or appear in GROUP BY clause",
                                     f->name ? f->name : "*");
            e = expr_column(key, es->fields->fields[key].type);
        }
        select_output_add(out, e, strdup(f->name ? f->name : "_col"), NULL);
    }
    if (n > 0 && matched == 0) {
        char *text = ast_name_text(item->u.all_columns.prefix);
        analyzer_fail(a, item, ERR_TABLE_NOT_FOUND, "Table '%s' not found", text);
        free(text);
        return false;
    }
    return true;
}

static bool plan_select_items(analyzer *a, const ast_node *spec, relation *r, const expr_scope *es,
                              select_output *out)
{
    uint32_t count = spec->u.query_spec.select.count;
    for (uint32_t i = 0; i < count; i++) {
        const ast_node *item = spec->u.query_spec.select.items[i];
        if (item->kind == AST_ALL_COLUMNS) {
            if (!expand_all_columns(a, item, r, es, out))
                return false;
            continue;
        }
        expr *e = translate_expression(es, item->u.binary.left);
        if (!e)
            return false;
        select_output_add(out, e, column_name_for(item->u.binary.left, item->u.binary.right, (int)i),
                          item->u.binary.left);
    }
    return true;
}

/* Finds an ORDER BY key among the select outputs: an ordinal, or a name
 * that is an output alias. -1 when it is not one; -2 on error. */
static int order_key_output(analyzer *a, const ast_node *key, const select_output *o, int visible)
{
    if (key->kind == AST_LONG_LITERAL) {
        int64_t ordinal = key->u.literal.int_value;
        if (ordinal < 1 || ordinal > visible) {
            analyzer_fail(a, key, ERR_INVALID_COLUMN_REFERENCE, "ORDER BY position %lld is not in select list", (long long)ordinal);
            return -2;
        }
        return (int)ordinal - 1;
    }
    if (key->kind == AST_IDENTIFIER) {
        int found = -1;
        for (int i = 0; i < visible; i++) {
            if (o->names[i] && strcmp(o->names[i], key->u.identifier.value.ptr) == 0) {
                if (found >= 0 && !expr_equal(o->exprs[found], o->exprs[i])) {
                    analyzer_fail(a, key, ERR_AMBIGUOUS_NAME, "'%s' in ORDER BY is ambiguous", key->u.identifier.value.ptr);
                    return -2;
                }
                if (found < 0)
                    found = i;
            }
        }
        if (found >= 0)
            return found;
    }
    for (int i = 0; i < visible; i++)
        if (o->nodes[i] && ast_equal(o->nodes[i], key))
            return i;
    return -1;
}

static bool add_sort(analyzer *a, relation *r, sort_key *keys, int key_count)
{
    plan_node *sort = plan_node_new(PLAN_SORT, r->plan->column_count);
    if (!sort) {
        free(keys);
        return analyzer_fail(a, NULL, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
    }
    plan_copy_columns(sort, r->plan);
    sort->u.sort.keys = keys;
    sort->u.sort.key_count = key_count;
    sort->u.sort.count = -1;
    sort->inputs[0] = r->plan;
    sort->estimate = r->plan->estimate;
    r->plan = sort;
    return true;
}

static sort_key sort_key_of(const ast_node *item, int channel)
{
    sort_key k;
    k.channel = channel;
    k.descending = item->u.sort_item.descending;
    /* Trino: NULLS LAST unless asked otherwise, for both directions */
    k.nulls_first = item->u.sort_item.null_ordering == AST_NULLS_FIRST;
    return k;
}

/* Plans ORDER BY over a select output: keys naming outputs use them; other
 * expressions become hidden extra outputs. */
static bool plan_order_by_keys(analyzer *a, const ast_list *order_by, const expr_scope *es,
                               select_output *o, int visible, sort_key *keys)
{
    for (uint32_t i = 0; i < order_by->count; i++) {
        const ast_node *item = order_by->items[i];
        int channel = order_key_output(a, item->u.sort_item.key, o, visible);
        if (channel == -2)
            return false;
        if (channel == -1) {
            expr *e = translate_expression(es, item->u.sort_item.key);
            if (!e)
                return false;
            channel = o->count;
            select_output_add(o, e, strdup("order_key"), item->u.sort_item.key);
        }
        keys[i] = sort_key_of(item, channel);
    }
    return true;
}

static bool plan_distinct(analyzer *a, relation *r)
{
    int n = r->plan->column_count;
    plan_node *agg = plan_node_new(PLAN_AGGREGATE, n);
    if (!agg)
        return analyzer_fail(a, NULL, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
    plan_copy_columns(agg, r->plan);
    agg->u.aggregate.step = AGGREGATION_SINGLE;
    agg->u.aggregate.key_count = n;
    agg->u.aggregate.keys = malloc(sizeof(int) * (size_t)(n ? n : 1));
    for (int i = 0; i < n; i++)
        agg->u.aggregate.keys[i] = i;
    agg->inputs[0] = r->plan;
    r->plan = agg;
    return true;
}

/* Drops trailing helper channels, keeping the first `visible`. */
static bool trim_outputs(analyzer *a, relation *r, int visible)
{
    if (r->plan->column_count == visible)
        return true;
    expr **exprs = malloc(sizeof(expr *) * (size_t)(visible ? visible : 1));
    char **names = malloc(sizeof(char *) * (size_t)(visible ? visible : 1));
    for (int i = 0; i < visible; i++) {
        exprs[i] = expr_column(i, r->plan->columns[i].type);
        names[i] = r->plan->columns[i].name;
    }
    bool ok = project_relation(a, r, exprs, names, visible);
    free(names);
    return ok;
}

static bool plan_query_specification(analyzer *a, const ast_node *spec, const ast_list *order_by,
                                     correlation *correlated, relation *r)
{
    if (spec->u.query_spec.from) {
        if (!plan_relation(a, spec->u.query_spec.from, r))
            return false;
    } else {
        plan_node *one_row = plan_node_new(PLAN_VALUES, 0);
        one_row->u.values.row_count = 1;
        r->plan = one_row;
        memset(&r->scope, 0, sizeof r->scope);
    }
    if (!plan_where(a, r, spec->u.query_spec.where, correlated))
        return false;
    if (correlated && correlated->mode == SUBQUERY_EXISTS)
        return true;

    /* aggregates and keys */
    aggregation_plan *p = calloc(1, sizeof *p);
    p->count_star_channel = -1;
    if (!collect_group_keys(a, spec, &r->scope, p)) {
        free(p);
        return false;
    }
    int extra_keys = 0;
    if (correlated) {
        for (int i = 0; i < correlated->count; i++) {
            if (!correlated->inner_side[i]) {
                /* not an equality: the caller decorrelates by grouping instead */
                free(p);
                correlated->needs_grouping = true;
                return analyzer_fail(a, correlated->conjuncts[i], ERR_NOT_SUPPORTED,
                                     "Given correlated subquery is not supported");
            }
            p->key_nodes[p->key_count++] = correlated->inner_side[i];
            extra_keys++;
        }
        correlated->extra_key_count = extra_keys;
    }
    for (uint32_t i = 0; i < spec->u.query_spec.select.count; i++)
        ast_walk(spec->u.query_spec.select.items[i], collect_aggregate_visit, p);
    if (spec->u.query_spec.having)
        ast_walk(spec->u.query_spec.having, collect_aggregate_visit, p);
    for (uint32_t i = 0; order_by && i < order_by->count; i++)
        ast_walk(order_by->items[i], collect_aggregate_visit, p);

    bool aggregated = p->key_count > 0 || p->aggregate_count > 0 || spec->u.query_spec.group_by;
    scope source_scope = {0};
    scope_copy(&source_scope, &r->scope);
    expr_scope source = {.a = a, .fields = &source_scope};
    aggregation_binding binding = {0};
    bool ok = true;
    if (aggregated)
        ok = plan_aggregation(a, r, p, &source, &binding);
    free(p);
    expr_scope es = {.a = a, .fields = &r->scope, .aggregation = aggregated ? &binding : NULL};
    subquery_result *subqueries = NULL;
    int subquery_count = 0;

    if (ok && spec->u.query_spec.having) {
        ok = plan_subqueries(a, r, spec->u.query_spec.having, &subqueries, &subquery_count);
        es.fields = &r->scope;
        es.subqueries = subqueries;
        es.subquery_count = subquery_count;
        expr *having = ok ? translate_boolean(&es, spec->u.query_spec.having, "HAVING clause") : NULL;
        ok = having && add_filter(r, having);
    }
    for (uint32_t i = 0; ok && i < spec->u.query_spec.select.count; i++) {
        const ast_node *item = spec->u.query_spec.select.items[i];
        if (item->kind == AST_SELECT_ITEM) {
            subquery_result *more = NULL;
            int more_count = 0;
            ok = plan_subqueries(a, r, item->u.binary.left, &more, &more_count);
            if (more_count > 0) {
                subqueries = realloc(subqueries, sizeof *subqueries * (size_t)(subquery_count + more_count));
                memcpy(subqueries + subquery_count, more, sizeof *more * (size_t)more_count);
                subquery_count += more_count;
            }
            free(more);
        }
    }
    es.fields = &r->scope;
    es.subqueries = subqueries;
    es.subquery_count = subquery_count;
    if (ok) {
        ok = plan_window_functions(a, spec, order_by, r, &es, &subqueries, &subquery_count);
        es.fields = &r->scope;
        es.subqueries = subqueries;
        es.subquery_count = subquery_count;
    }

    select_output out = {0};
    if (ok)
        ok = plan_select_items(a, spec, r, &es, &out);
    int visible = out.count;
    if (ok && correlated) {
        for (int i = 0; i < extra_keys; i++) {
            int key = binding.key_count - extra_keys + i;
            select_output_add(&out, expr_column(key, r->scope.fields[key].type), strdup("correlation_key"), NULL);
        }
        visible = out.count;
    }
    sort_key *keys = NULL;
    uint32_t key_count = order_by ? order_by->count : 0;
    if (ok && key_count > 0) {
        keys = malloc(sizeof(sort_key) * key_count);
        ok = plan_order_by_keys(a, order_by, &es, &out, visible, keys);
        if (ok && spec->u.query_spec.distinct) {
            for (uint32_t i = 0; i < key_count; i++)
                if (keys[i].channel >= visible)
                    ok = analyzer_fail(a, order_by->items[i], ERR_EXPRESSION_NOT_IN_DISTINCT,
                                       "For SELECT DISTINCT, ORDER BY expressions must appear in select list");
        }
    }
    if (ok) {
        expr **exprs = out.exprs;
        out.exprs = NULL;
        ok = project_relation(a, r, exprs, out.names, out.count);
        if (!ok)
            out.exprs = exprs;
    }
    if (ok && spec->u.query_spec.distinct)
        ok = plan_distinct(a, r);
    if (ok && keys) {
        ok = add_sort(a, r, keys, (int)key_count);
        keys = NULL;
    }
    if (ok)
        ok = trim_outputs(a, r, visible);
    free(keys);
    select_output_free(&out, out.exprs != NULL);
    free(subqueries);
    if (aggregated)
        aggregation_binding_free(&binding);
    scope_free(&source_scope);
    return ok;
}

/* ---- set operations, VALUES, TABLE ------------------------------------------ */

static bool plan_query_body(analyzer *a, const ast_node *body, relation *out);

static bool plan_set_operation(analyzer *a, const ast_node *node, relation *out)
{
    relation left = {0}, right = {0};
    if (!plan_query_body(a, node->u.set_operation.left, &left))
        return false;
    if (!plan_query_body(a, node->u.set_operation.right, &right)) {
        relation_free(&left);
        return false;
    }
    if (left.plan->column_count != right.plan->column_count) {
        relation_free(&left);
        relation_free(&right);
        return analyzer_fail(a, node, ERR_TYPE_MISMATCH, "%s query has different number of fields: %d, %d",
                             node->u.set_operation.op == AST_SET_UNION ? "UNION" :
                             node->u.set_operation.op == AST_SET_INTERSECT ? "INTERSECT" : "EXCEPT",
                             left.plan->column_count, right.plan->column_count);
    }
    int n = left.plan->column_count;
    relation *sides[2] = {&left, &right};
    sql_type types[1024];
    for (int c = 0; c < n && c < 1024; c++) {
        if (!type_common_super_type(left.plan->columns[c].type, right.plan->columns[c].type, &types[c])) {
            relation_free(&left);
            relation_free(&right);
            return analyzer_fail(a, node, ERR_TYPE_MISMATCH, "column %d in set operation query has incompatible types", c + 1);
        }
    }
    for (int s = 0; s < 2; s++) {
        bool needs_cast = false;
        for (int c = 0; c < n; c++)
            needs_cast |= !type_equal(sides[s]->plan->columns[c].type, types[c]);
        if (!needs_cast)
            continue;
        expr **exprs = malloc(sizeof(expr *) * (size_t)n);
        char **names = malloc(sizeof(char *) * (size_t)n);
        for (int c = 0; c < n; c++) {
            exprs[c] = coerce_expression(a, expr_column(c, sides[s]->plan->columns[c].type), types[c], node);
            names[c] = sides[s]->plan->columns[c].name;
        }
        project_relation(a, sides[s], exprs, names, n);
        free(names);
    }
    plan_kind kind = node->u.set_operation.op == AST_SET_UNION ? PLAN_UNION
                     : node->u.set_operation.op == AST_SET_INTERSECT ? PLAN_INTERSECT : PLAN_EXCEPT;
    plan_node *set = plan_node_new(kind, n);
    plan_copy_columns(set, left.plan);
    set->u.set.distinct = !node->u.set_operation.all;
    set->sources = malloc(sizeof(plan_node *) * 2);
    set->sources[0] = left.plan;
    set->sources[1] = right.plan;
    set->source_count = 2;
    out->plan = set;
    out->scope = left.scope;
    scope_free(&right.scope);
    for (int i = 0; i < out->scope.count; i++) {
        scope_field *f = &out->scope.fields[i];
        free(f->catalog), free(f->schema), free(f->table);
        f->catalog = f->schema = f->table = NULL;
        f->type = types[i];
    }
    if (set->u.set.distinct && kind == PLAN_UNION) {
        /* UNION DISTINCT = UNION ALL + DISTINCT */
        set->u.set.distinct = false;
        return plan_distinct(a, out);
    }
    return true;
}

static bool plan_query_body(analyzer *a, const ast_node *body, relation *out)
{
    memset(out, 0, sizeof *out);
    bool ok;
    switch (body->kind) {
    case AST_QUERY_SPECIFICATION:
        ok = plan_query_specification(a, body, NULL, NULL, out);
        break;
    case AST_SET_OPERATION:
        ok = plan_set_operation(a, body, out);
        break;
    default:
        ok = plan_relation(a, body, out);
        break;
    }
    if (!ok)
        relation_free(out);
    return ok;
}

/* ---- the query --------------------------------------------------------------- */

static bool literal_count(analyzer *a, const ast_node *node, int64_t *out)
{
    if (!node) {
        *out = -1;
        return true;
    }
    if (node->kind != AST_LONG_LITERAL || node->u.literal.int_value < 0)
        return analyzer_fail(a, node, ERR_INVALID_LIMIT_CLAUSE, "LIMIT/OFFSET count must be a non-negative integer literal");
    *out = node->u.literal.int_value;
    return true;
}

static bool plan_limit(analyzer *a, const ast_node *query, relation *r)
{
    int64_t offset = 0, count = -1;
    if (query->u.query.offset && !literal_count(a, query->u.query.offset, &offset))
        return false;
    const ast_node *limit = query->u.query.limit;
    if (limit) {
        if (limit->u.unary.operand && !literal_count(a, limit->u.unary.operand, &count))
            return false;
        if (limit->kind == AST_FETCH_FIRST && !limit->u.unary.operand)
            count = 1;
        if (limit->kind == AST_FETCH_FIRST && limit->u.unary.op == 1)   /* WITH TIES */
            return plan_fetch_with_ties(a, limit, offset, count, r);
    }
    if (count < 0 && offset == 0)
        return true;
    plan_node *node = plan_node_new(PLAN_LIMIT, r->plan->column_count);
    plan_copy_columns(node, r->plan);
    node->u.limit.count = count;
    node->u.limit.offset = offset;
    node->inputs[0] = r->plan;
    r->plan = node;
    return true;
}

static bool push_with_queries(analyzer *a, const ast_node *with, named_query **saved)
{
    *saved = a->with_queries;
    if (!with)
        return true;
    if (with->u.with.recursive)
        return analyzer_fail(a, with, ERR_NOT_SUPPORTED, "WITH RECURSIVE is not supported yet");
    for (uint32_t i = 0; i < with->u.with.queries.count; i++) {
        const ast_node *wq = with->u.with.queries.items[i];
        named_query *q = calloc(1, sizeof *q);
        q->name = wq->u.with_query.name->u.identifier.value.ptr;
        q->query = wq;
        q->next = a->with_queries;
        a->with_queries = q;
    }
    return true;
}

static void pop_with_queries(analyzer *a, named_query *saved)
{
    while (a->with_queries != saved) {
        named_query *q = a->with_queries;
        a->with_queries = q->next;
        free(q);
    }
}

bool plan_query(analyzer *a, const ast_node *query, correlation *correlated, relation *out)
{
    memset(out, 0, sizeof *out);
    if (++a->depth > 200) {
        a->depth--;
        return analyzer_fail(a, query, ERR_STACK_OVERFLOW, "Query is too deeply nested");
    }
    named_query *saved;
    bool ok = push_with_queries(a, query->u.query.with, &saved);
    const ast_node *body = query->u.query.body;
    const ast_list *order_by = &query->u.query.order_by;
    if (ok && body->kind == AST_QUERY_SPECIFICATION) {
        ok = plan_query_specification(a, body, order_by, correlated, out);
    } else if (ok) {
        if (correlated) {
            ok = analyzer_fail(a, body, ERR_NOT_SUPPORTED, "Given correlated subquery is not supported");
        } else {
            ok = plan_query_body(a, body, out);
            if (ok && order_by->count > 0) {
                select_output o = {0};
                for (int i = 0; i < out->plan->column_count; i++)
                    select_output_add(&o, expr_column(i, out->plan->columns[i].type),
                                      strdup(out->plan->columns[i].name), NULL);
                expr_scope es = {.a = a, .fields = &out->scope};
                sort_key *keys = malloc(sizeof(sort_key) * order_by->count);
                int visible = o.count;
                ok = plan_order_by_keys(a, order_by, &es, &o, visible, keys);
                if (ok && o.count > visible)
                    ok = analyzer_fail(a, order_by->items[0], ERR_NOT_SUPPORTED, "ORDER BY on a set operation must name output columns");
                if (ok)
                    ok = add_sort(a, out, keys, (int)order_by->count);
                else
                    free(keys);
                select_output_free(&o, true);
            }
        }
    }
    if (ok)
        ok = plan_limit(a, query, out);
    pop_with_queries(a, saved);
    a->depth--;
    if (!ok)
        relation_free(out);
    return ok;
}

plan_node *analyze_query(const ast_node *query, const analyzer_context *context, shoal_error *error)
{
    analyzer a = {.context = context, .error = error};
    error_clear(error);
    relation r;
    if (query->kind != AST_QUERY) {
        analyzer_fail(&a, query, ERR_NOT_SUPPORTED, "Not a query: %s", ast_kind_name(query->kind));
        return NULL;
    }
    if (!plan_query(&a, query, NULL, &r))
        return NULL;
    plan_node *output = plan_node_new(PLAN_OUTPUT, r.plan->column_count);
    plan_copy_columns(output, r.plan);
    output->inputs[0] = r.plan;
    output->estimate = r.plan->estimate;
    scope_free(&r.scope);
    plan_number(output);
    return output;
}
