/*
 * analyzer_with_ties.c — ORDER BY ... FETCH FIRST n ROWS WITH TIES, planned
 * as Trino does: rank() over the ORDER BY keys, keep rank <= n, sort again.
 * The query's SORT node (under the projection that drops hidden ORDER BY
 * columns, if any) becomes
 *     SORT(PROJECT-drop-rank(FILTER rank <= n (WINDOW rank() ORDER BY keys)))
 * so ties with the n-th row are all kept and the order stays the query's.
 */
#include "analyzer_internal.h"

#include <stdlib.h>
#include <string.h>

/* WINDOW rank() ORDER BY keys over `input`; the rank is the last channel. */
static plan_node *rank_window(analyzer *a, plan_node *input, const plan_node *sort)
{
    plan_window_function f;
    memset(&f, 0, sizeof f);
    shoal_error error;
    error_clear(&error);
    if (!function_resolve("rank", 0, NULL, &f.function, &error)) {
        analyzer_fail(a, NULL, error.code, "%s", error.message);
        return NULL;
    }
    f.argument_channel = f.default_channel = -1;
    int n = input->column_count;
    plan_node *window = plan_node_new(PLAN_WINDOW, n + 1);
    sort_key *keys = malloc(sizeof(sort_key) * (size_t)(sort->u.sort.key_count + 1));
    plan_window_function *functions = malloc(sizeof f);
    if (!window || !keys || !functions) {
        free(window);
        free(keys);
        free(functions);
        analyzer_fail(a, NULL, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
        return NULL;
    }
    memcpy(keys, sort->u.sort.keys, sizeof(sort_key) * (size_t)sort->u.sort.key_count);
    for (int i = 0; i < n; i++)
        plan_set_column(window, i, input->columns[i].name, input->columns[i].type);
    plan_set_column(window, n, "rank", f.function.return_type);
    window->u.window.order_count = sort->u.sort.key_count;
    window->u.window.order_keys = keys;
    window->u.window.function_count = 1;
    functions[0] = f;
    window->u.window.functions = functions;
    window->inputs[0] = input;
    window->estimate = input->estimate;
    return window;
}

/* FILTER rank <= count, then the input's columns without the rank. */
static plan_node *keep_ranks(analyzer *a, const ast_node *limit, plan_node *window, int64_t count)
{
    int n = window->column_count - 1;
    sql_type rank_type = window->columns[n].type;
    expr *args[2] = {expr_column(n, rank_type), expr_constant(value_bigint(count))};
    expr *predicate = make_call(a, "$less_than_or_equal", 2, args, limit);
    plan_node *filter = predicate ? plan_node_new(PLAN_FILTER, n + 1) : NULL;
    plan_node *project = filter ? plan_node_new(PLAN_PROJECT, n) : NULL;
    if (!project || !(project->u.project.exprs = calloc((size_t)n + 1, sizeof(expr *)))) {
        expr_free(predicate);
        free(filter);
        free(project);
        analyzer_fail(a, NULL, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
        return NULL;
    }
    plan_copy_columns(filter, window);
    filter->u.filter.predicate = predicate;
    filter->inputs[0] = window;
    filter->estimate = window->estimate;
    for (int i = 0; i < n; i++) {
        project->u.project.exprs[i] = expr_column(i, window->columns[i].type);
        plan_set_column(project, i, window->columns[i].name, window->columns[i].type);
    }
    project->inputs[0] = filter;
    project->estimate = window->estimate;
    return project;
}

bool plan_fetch_with_ties(analyzer *a, const ast_node *limit, int64_t offset, int64_t count, relation *r)
{
    plan_node **slot = &r->plan;
    while ((*slot)->kind == PLAN_PROJECT)
        slot = &(*slot)->inputs[0];
    if ((*slot)->kind != PLAN_SORT)
        return analyzer_fail(a, limit, ERR_MISSING_ORDER_BY, "FETCH FIRST WITH TIES clause requires ORDER BY");
    if (offset > 0)
        return analyzer_fail(a, limit, ERR_NOT_SUPPORTED, "OFFSET with FETCH FIRST WITH TIES is not supported yet");
    plan_node *sort = *slot;
    plan_node *window = rank_window(a, sort->inputs[0], sort);
    if (!window)
        return false;
    plan_node *kept = keep_ranks(a, limit, window, count);
    if (!kept) {
        window->inputs[0] = NULL;
        plan_free(window);
        return false;
    }
    sort->inputs[0] = kept;
    return true;
}
