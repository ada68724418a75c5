/*
 * test_filter_project.c — filter + projections with the real expression
 * programs: selections instead of copies, free pass-through of column
 * references, pages with no surviving row dropped, errors from projections.
 */
#include "op_test_util.h"

#include "connectors/spi/function.h"
#include "operators/op_filter_project.h"

static expr *call2(const char *name, expr *a, expr *b)
{
    resolved_function r;
    shoal_error error = {0};
    sql_type types[] = {a->type, b->type};
    cr_assert(function_resolve(name, 2, types, &r, &error), "%s", error.message);
    expr *args[2] = {a, b}; /* expr_call copies the array */
    return expr_call(r.function, r.return_type, 2, args);
}

static collector *run_fp(page *p, const expr *filter, int n, const expr *const *projections,
                         driver_status expect, shoal_error *error)
{
    operator *fp = filter_project_create(1, filter, n, projections, error);
    cr_assert(fp, "%s", error->message);
    collector *c = collector_new();
    operator *ops[] = {tp_values(&p, 1), fp, &c->base};
    cr_assert_eq(tp_run(ops, 3, error), expect, "%s", error->message);
    return c;
}

Test(filter_project, filter_selects_and_references_pass_through)
{
    int64_t rows[] = {1, 5, 2, 15, 3, TNULL, 4, 20};
    page *p = tp_bigints(2, 4, rows);
    expr *filter = call2("$greater_than", expr_column(1, T_BIGINT), expr_constant(value_bigint(10)));
    expr *plus = call2("$add", expr_column(1, T_BIGINT), expr_constant(value_bigint(1)));
    expr *col = expr_column(0, T_BIGINT);
    const expr *projections[] = {col, plus};
    shoal_error error = {0};
    collector *c = run_fp(p, filter, 2, projections, DRIVER_FINISHED, &error);
    int64_t expected[] = {2, 16, 4, 21};
    tp_expect_rows(c, 2, expected, 2, false);
    /* the pass-through column is a dictionary over the input, not a copy */
    cr_assert_eq(c->pages[0]->columns[0].kind, VECTOR_DICTIONARY);
    collector_close(&c->base);
    expr_free(filter);
    expr_free(plus);
    expr_free(col);
}

Test(filter_project, no_filter_and_nothing_passes)
{
    int64_t rows[] = {1, 5, 2, 6};
    expr *col = expr_column(1, T_BIGINT);
    const expr *projections[] = {col};
    shoal_error error = {0};
    collector *c = run_fp(tp_bigints(2, 2, rows), NULL, 1, projections, DRIVER_FINISHED, &error);
    int64_t expected[] = {5, 6};
    tp_expect_rows(c, 1, expected, 2, false);
    cr_assert_eq(c->pages[0]->columns[0].kind, VECTOR_FLAT); /* a plain reference */
    collector_close(&c->base);

    expr *filter = call2("$greater_than", expr_column(1, T_BIGINT), expr_constant(value_bigint(100)));
    c = run_fp(tp_bigints(2, 2, rows), filter, 1, projections, DRIVER_FINISHED, &error);
    cr_assert_eq(c->rows, 0);
    collector_close(&c->base);
    expr_free(filter);
    expr_free(col);
}

Test(filter_project, projection_error_fails_the_pipeline)
{
    int64_t rows[] = {1, 0};
    expr *divide = call2("$divide", expr_column(0, T_BIGINT), expr_column(1, T_BIGINT));
    const expr *projections[] = {divide};
    shoal_error error = {0};
    collector *c = run_fp(tp_bigints(2, 1, rows), NULL, 1, projections, DRIVER_FAILED, &error);
    cr_assert_eq(error.code, ERR_DIVISION_BY_ZERO);
    collector_close(&c->base);
    expr_free(divide);
}
