/*
 * test_optimizer_rules.c — each optimiser rule's before/after on
 * hand-built plans: simplification, predicate pushdown (scan ranges,
 * through projections and aggregates, outer-to-inner), pruning, limits,
 * aggregation split and estimates.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "connectors/spi/date_util.h"
#include "sql/optimizer.h"
#include "tpch_fixture.h"

static optimizer_context context(void)
{
    optimizer_context c;
    optimizer_context_init(&c);
    return c;
}

static int32_t date(const char *iso)
{
    int32_t d = 0;
    date_parse(iso, strlen(iso), &d);
    return d;
}

/* ---- 1. simplification ------------------------------------------------------- */

Test(simplify, true_and_x_is_x_and_filter_true_is_removed)
{
    optimizer_context c = context();
    shoal_error error;
    plan_node *scan = fx_scan("nation");
    expr *p = fx_and(2, expr_constant(value_boolean(true)),
                     fx_call(&FX_EQ, fx_column(scan, 2), fx_bigint(1)));
    plan_node *plan = optimizer_simplify(fx_filter(scan, p), &c, &error);
    cr_assert_eq(plan->kind, PLAN_FILTER);
    cr_assert_eq(plan->u.filter.predicate->kind, EXPR_CALL);
    plan_free(plan);

    plan = optimizer_simplify(fx_filter(fx_scan("nation"), expr_constant(value_boolean(true))), &c, &error);
    cr_assert_eq(plan->kind, PLAN_TABLE_SCAN);
    plan_free(plan);
}

Test(simplify, filter_false_becomes_empty_values_and_propagates)
{
    optimizer_context c = context();
    shoal_error error;
    plan_node *scan = fx_scan("nation");
    expr *p = fx_and(2, fx_call(&FX_EQ, fx_column(scan, 2), fx_bigint(1)), expr_constant(value_boolean(false)));
    plan_node *plan = optimizer_simplify(fx_output(fx_project(fx_filter(scan, p), 1, 1)), &c, &error);
    cr_assert_eq(plan->kind, PLAN_OUTPUT);
    cr_assert_eq(plan->inputs[0]->kind, PLAN_VALUES);
    cr_assert_eq(plan->inputs[0]->u.values.row_count, 0);
    cr_assert_eq(plan->inputs[0]->column_count, 1);
    cr_assert_str_eq(plan->inputs[0]->columns[0].name, "n_name");
    plan_free(plan);
}

Test(simplify, or_true_not_not_and_null_comparison)
{
    optimizer_context c = context();
    shoal_error error;
    plan_node *scan = fx_scan("nation");
    expr *inner = fx_call(&FX_EQ, fx_column(scan, 0), fx_bigint(3));
    expr *nn_args[1] = {inner};
    expr *not1 = expr_special(EXPR_NOT, type_make(TYPE_BOOLEAN), 1, nn_args);
    expr *not2 = expr_special(EXPR_NOT, type_make(TYPE_BOOLEAN), 1, &not1);
    plan_node *plan = optimizer_simplify(fx_filter(scan, not2), &c, &error);
    cr_assert_eq(plan->u.filter.predicate->kind, EXPR_CALL); /* NOT NOT x → x */
    plan_free(plan);

    scan = fx_scan("nation");
    plan = optimizer_simplify(
        fx_filter(scan, fx_or(fx_call(&FX_EQ, fx_column(scan, 0), fx_bigint(3)), expr_constant(value_boolean(true)))),
        &c, &error);
    cr_assert_eq(plan->kind, PLAN_TABLE_SCAN); /* x OR TRUE → TRUE → no filter */
    plan_free(plan);

    scan = fx_scan("nation");
    plan = optimizer_simplify(
        fx_filter(scan, fx_call(&FX_EQ, fx_column(scan, 0), expr_constant(value_null(type_make(TYPE_BIGINT))))),
        &c, &error);
    cr_assert_eq(plan->kind, PLAN_VALUES); /* x = NULL → NULL → nothing passes */
    plan_free(plan);
}

static bool fold_add(void *ctx, const expr *e, value *out, shoal_error *error)
{
    (void)ctx;
    (void)error;
    if (e->kind != EXPR_CALL || strcmp(e->function->name, "$add") != 0)
        return false;
    *out = value_bigint(e->args[0]->constant.u.i64 + e->args[1]->constant.u.i64);
    return true;
}

Test(simplify, constant_folding_goes_through_the_evaluate_callback)
{
    optimizer_context c = context();
    c.evaluate = fold_add;
    shoal_error error;
    plan_node *scan = fx_scan("nation");
    expr *p = fx_call(&FX_EQ, fx_column(scan, 0), fx_call(&FX_ADD, fx_bigint(1), fx_bigint(2)));
    plan_node *plan = optimizer_simplify(fx_filter(scan, p), &c, &error);
    const expr *rhs = plan->u.filter.predicate->args[1];
    cr_assert_eq(rhs->kind, EXPR_CONSTANT);
    cr_assert_eq(rhs->constant.u.i64, 3);
    plan_free(plan);

    /* no callback: the expression stays */
    c.evaluate = NULL;
    scan = fx_scan("nation");
    p = fx_call(&FX_EQ, fx_column(scan, 0), fx_call(&FX_ADD, fx_bigint(1), fx_bigint(2)));
    plan = optimizer_simplify(fx_filter(scan, p), &c, &error);
    cr_assert_eq(plan->u.filter.predicate->args[1]->kind, EXPR_CALL);
    plan_free(plan);
}

/* ---- 2. predicate pushdown --------------------------------------------------- */

Test(pushdown, shipdate_comparison_becomes_a_scan_range_and_the_filter_stays)
{
    optimizer_context c = context();
    shoal_error error;
    plan_node *scan = fx_scan("lineitem");
    int shipdate = fx_col("lineitem", "l_shipdate");
    expr *p = fx_call(&FX_LE, fx_column(scan, shipdate), fx_date("1998-09-02"));
    plan_node *plan = optimizer_pushdown(fx_output(fx_project(fx_filter(scan, p), 1, 4)), &c, &error);
    const plan_node *s = fx_find(plan, PLAN_TABLE_SCAN);
    cr_assert_eq(s->u.scan.range_count, 1);
    const column_range *r = &s->u.scan.ranges[0];
    cr_assert_eq(r->column, shipdate);
    cr_assert(r->has_high && r->high_inclusive && !r->has_low);
    cr_assert_eq(r->high.u.i64, date("1998-09-02"));
    cr_assert_eq(fx_count(plan, PLAN_FILTER), 1);
    cr_assert_eq(fx_find(plan, PLAN_FILTER)->inputs[0], s);
    plan_free(plan);
}

Test(pushdown, ranges_are_intersected_and_between_and_flipped_constants_work)
{
    optimizer_context c = context();
    shoal_error error;
    plan_node *scan = fx_scan("orders");
    int od = fx_col("orders", "o_orderdate");
    expr *p = fx_and(3, fx_call(&FX_GE, fx_column(scan, od), fx_date("1994-01-01")),
                     fx_call(&FX_GT, fx_date("1995-01-01"), fx_column(scan, od)),
                     fx_between(fx_column(scan, 0), fx_bigint(10), fx_bigint(20)));
    plan_node *plan = optimizer_pushdown(fx_filter(scan, p), &c, &error);
    const plan_node *s = fx_find(plan, PLAN_TABLE_SCAN);
    cr_assert_eq(s->u.scan.range_count, 2);
    const column_range *r = &s->u.scan.ranges[0];
    cr_assert_eq(r->column, od);
    cr_assert(r->has_low && r->low_inclusive && r->low.u.i64 == date("1994-01-01"));
    cr_assert(r->has_high && !r->high_inclusive && r->high.u.i64 == date("1995-01-01"));
    cr_assert_eq(s->u.scan.ranges[1].column, 0);
    cr_assert_eq(s->u.scan.ranges[1].low.u.i64, 10);
    cr_assert_eq(s->u.scan.ranges[1].high.u.i64, 20);
    plan_free(plan);
}

Test(pushdown, through_project_by_substitution)
{
    optimizer_context c = context();
    shoal_error error;
    plan_node *scan = fx_scan("nation");
    plan_node *project = fx_project(scan, 2, 1, 2); /* n_name, n_regionkey */
    expr *p = fx_call(&FX_EQ, fx_column(project, 1), fx_bigint(2));
    plan_node *plan = optimizer_pushdown(fx_filter(project, p), &c, &error);
    cr_assert_eq(plan->kind, PLAN_PROJECT);
    cr_assert_eq(plan->inputs[0]->kind, PLAN_FILTER);
    cr_assert_eq(plan->inputs[0]->u.filter.predicate->args[0]->column, 2); /* n_regionkey in the scan */
    cr_assert_eq(plan->inputs[0]->inputs[0]->u.scan.range_count, 1);
    plan_free(plan);
}

Test(pushdown, cross_join_equality_becomes_keys_and_sides_get_their_conjuncts)
{
    optimizer_context c = context();
    shoal_error error;
    plan_node *n = fx_scan("nation"), *r = fx_scan("region");
    plan_node *join = fx_join(JOIN_CROSS, n, r, NULL);
    expr *p = fx_and(3, fx_call(&FX_EQ, fx_column(join, 2), fx_column(join, 4)),
                     fx_call(&FX_EQ, fx_column(join, 5), fx_varchar("ASIA")),
                     fx_call(&FX_LT, fx_column(join, 0), fx_bigint(20)));
    plan_node *plan = optimizer_pushdown(fx_filter(join, p), &c, &error);
    cr_assert_eq(plan->kind, PLAN_JOIN);
    cr_assert_eq(plan->u.join.type, JOIN_INNER);
    cr_assert_eq(plan->u.join.key_count, 1);
    cr_assert_eq(plan->u.join.left_keys[0], 2);
    cr_assert_eq(plan->u.join.right_keys[0], 0);
    cr_assert_null(plan->u.join.filter);
    cr_assert_eq(plan->inputs[0]->kind, PLAN_FILTER);
    cr_assert_eq(plan->inputs[1]->kind, PLAN_FILTER);
    cr_assert_eq(plan->inputs[1]->u.filter.predicate->args[0]->column, 1); /* r_name, right-local */
    plan_free(plan);
}

Test(pushdown, null_rejecting_predicate_on_inner_side_turns_left_join_into_inner)
{
    optimizer_context c = context();
    shoal_error error;
    plan_node *cust = fx_scan("customer"), *ord = fx_scan("orders");
    plan_node *join = fx_equi_join(JOIN_LEFT, cust, ord, 0, 1);
    int total = 8 + fx_col("orders", "o_totalprice");
    expr *p = fx_call(&FX_GT, fx_column(join, total), fx_column(join, total));
    plan_node *plan = optimizer_pushdown(fx_filter(join, p), &c, &error);
    cr_assert_eq(plan->kind, PLAN_JOIN);
    cr_assert_eq(plan->u.join.type, JOIN_INNER);
    cr_assert_eq(plan->inputs[1]->kind, PLAN_FILTER); /* pushed into orders */
    plan_free(plan);
}

Test(pushdown, left_join_keeps_inner_side_predicates_that_accept_nulls_above)
{
    optimizer_context c = context();
    shoal_error error;
    plan_node *cust = fx_scan("customer"), *ord = fx_scan("orders");
    plan_node *join = fx_equi_join(JOIN_LEFT, cust, ord, 0, 1);
    expr *isnull_args[1] = {fx_column(join, 8)};
    expr *is_null = expr_special(EXPR_IS_NULL, type_make(TYPE_BOOLEAN), 1, isnull_args);
    expr *p = fx_and(2, is_null, fx_call(&FX_EQ, fx_column(join, 3), fx_bigint(7)));
    plan_node *plan = optimizer_pushdown(fx_filter(join, p), &c, &error);
    cr_assert_eq(plan->kind, PLAN_FILTER);                 /* IS NULL stays above */
    cr_assert_eq(plan->u.filter.predicate->kind, EXPR_IS_NULL);
    cr_assert_eq(plan->inputs[0]->u.join.type, JOIN_LEFT);
    cr_assert_eq(plan->inputs[0]->inputs[0]->kind, PLAN_FILTER); /* c_nationkey = 7 into the left side */
    cr_assert_eq(plan->inputs[0]->inputs[1]->kind, PLAN_TABLE_SCAN);
    plan_free(plan);
}

Test(pushdown, left_join_on_clause_inner_side_conjunct_goes_into_the_inner_side)
{
    optimizer_context c = context();
    shoal_error error;
    plan_node *cust = fx_scan("customer"), *ord = fx_scan("orders");
    plan_node *join = fx_join(JOIN_LEFT, cust, ord, NULL);
    join->u.join.filter = fx_and(3, fx_call(&FX_EQ, fx_column(join, 0), fx_column(join, 9)),
                                 fx_call(&FX_EQ, fx_column(join, 10), fx_varchar("F")),
                                 fx_call(&FX_EQ, fx_column(join, 3), fx_bigint(1)));
    plan_node *plan = optimizer_pushdown(join, &c, &error);
    cr_assert_eq(plan->u.join.type, JOIN_LEFT);
    cr_assert_eq(plan->u.join.key_count, 1);
    cr_assert_eq(plan->inputs[1]->kind, PLAN_FILTER);       /* o_orderstatus = 'F' */
    cr_assert_eq(plan->inputs[0]->kind, PLAN_TABLE_SCAN);   /* left-side ON conjunct is not a filter */
    cr_assert_not_null(plan->u.join.filter);               /* c_nationkey = 1 stays in the join */
    plan_free(plan);
}

Test(pushdown, through_aggregate_on_group_keys_only)
{
    optimizer_context c = context();
    shoal_error error;
    plan_node *scan = fx_scan("lineitem");
    int keys[1] = {fx_col("lineitem", "l_returnflag")};
    const function_entry *fns[1] = {&FX_SUM};
    int args[1] = {fx_col("lineitem", "l_quantity")};
    plan_node *agg = fx_aggregate(scan, 1, keys, 1, fns, args);
    expr *p = fx_and(2, fx_call(&FX_EQ, fx_column(agg, 0), fx_varchar("R")),
                     fx_call(&FX_GT, fx_column(agg, 1), fx_column(agg, 1)));
    plan_node *plan = optimizer_pushdown(fx_filter(agg, p), &c, &error);
    cr_assert_eq(plan->kind, PLAN_FILTER);            /* the sum predicate stays */
    cr_assert_eq(plan->inputs[0]->kind, PLAN_AGGREGATE);
    cr_assert_eq(plan->inputs[0]->inputs[0]->kind, PLAN_FILTER);
    cr_assert_eq(plan->inputs[0]->inputs[0]->u.filter.predicate->args[0]->column, keys[0]);
    plan_free(plan);
}

Test(pushdown, into_semi_join_source_and_not_the_match_flag)
{
    optimizer_context c = context();
    shoal_error error;
    plan_node *semi = fx_semi_join(fx_scan("orders"), fx_scan("lineitem"), 0, 0);
    int flag = semi->column_count - 1;
    expr *p = fx_and(2, fx_column(semi, flag), fx_call(&FX_EQ, fx_column(semi, 2), fx_varchar("F")));
    plan_node *plan = optimizer_pushdown(fx_filter(semi, p), &c, &error);
    cr_assert_eq(plan->kind, PLAN_FILTER);
    cr_assert_eq(plan->u.filter.predicate->kind, EXPR_COLUMN);
    cr_assert_eq(plan->inputs[0]->kind, PLAN_SEMI_JOIN);
    cr_assert_eq(plan->inputs[0]->inputs[0]->kind, PLAN_FILTER);
    plan_free(plan);
}

Test(pushdown, non_deterministic_conjuncts_stay_put)
{
    optimizer_context c = context();
    shoal_error error;
    plan_node *scan = fx_scan("nation");
    plan_node *project = fx_project(scan, 1, 0);
    expr *rnd = expr_call(&FX_RANDOM, type_make(TYPE_BIGINT), 0, NULL);
    plan_node *plan = optimizer_pushdown(fx_filter(project, fx_call(&FX_LT, rnd, fx_column(project, 0))), &c, &error);
    cr_assert_eq(plan->kind, PLAN_FILTER);
    cr_assert_eq(plan->inputs[0]->kind, PLAN_PROJECT);
    plan_free(plan);
}

/* ---- 5. pruning --------------------------------------------------------------- */

Test(prune, scans_read_only_the_columns_used)
{
    optimizer_context c = context();
    shoal_error error;
    plan_node *scan = fx_scan("lineitem");
    int shipdate = fx_col("lineitem", "l_shipdate"), price = fx_col("lineitem", "l_extendedprice");
    int flag = fx_col("lineitem", "l_returnflag");
    plan_node *f = fx_filter(scan, fx_call(&FX_LE, fx_column(scan, shipdate), fx_date("1998-09-02")));
    int keys[1] = {flag};
    const function_entry *fns[2] = {&FX_SUM, &FX_COUNT};
    int args[2] = {price, -1};
    plan_node *agg = fx_aggregate(f, 1, keys, 2, fns, args);
    plan_node *plan = fx_output(fx_project(agg, 2, 0, 1)); /* the count is not read */
    plan = optimizer_prune(plan, &c, &error);
    const plan_node *s = fx_find(plan, PLAN_TABLE_SCAN);
    cr_assert_eq(s->column_count, 3);
    cr_assert_eq(s->u.scan.columns[0], price);
    cr_assert_eq(s->u.scan.columns[1], flag);
    cr_assert_eq(s->u.scan.columns[2], shipdate);
    const plan_node *a = fx_find(plan, PLAN_AGGREGATE);
    cr_assert_eq(a->u.aggregate.aggregate_count, 1);
    cr_assert_eq(a->u.aggregate.keys[0], 1);
    cr_assert_eq(a->u.aggregate.aggregates[0].args[0], 0);
    cr_assert_eq(fx_find(plan, PLAN_FILTER)->u.filter.predicate->args[0]->column, 2);
    cr_assert_eq(fx_count(plan, PLAN_PROJECT), 0); /* the identity projection went away */
    plan_free(plan);
}

Test(prune, count_star_keeps_one_narrow_column_and_joins_keep_keys)
{
    optimizer_context c = context();
    shoal_error error;
    plan_node *join = fx_equi_join(JOIN_INNER, fx_scan("nation"), fx_scan("region"), 2, 0);
    const function_entry *fns[1] = {&FX_COUNT};
    int args[1] = {-1};
    plan_node *plan = fx_output(fx_aggregate(join, 0, NULL, 1, fns, args));
    plan = optimizer_prune(plan, &c, &error);
    const plan_node *j = fx_find(plan, PLAN_JOIN);
    cr_assert_eq(j->inputs[0]->column_count, 1);
    cr_assert_eq(j->inputs[0]->u.scan.columns[0], 2);
    cr_assert_eq(j->inputs[1]->column_count, 1);
    cr_assert_eq(j->u.join.left_keys[0], 0);
    cr_assert_eq(j->u.join.right_keys[0], 0);
    plan_free(plan);
}

/* ---- 6. limits ------------------------------------------------------------------ */

Test(limit, sort_then_limit_becomes_top_n)
{
    optimizer_context c = context();
    shoal_error error;
    plan_node *plan = fx_output(fx_limit(fx_project(fx_sort(fx_scan("orders"), 3, true), 2, 0, 3), 10));
    plan = optimizer_push_limits(plan, &c, &error);
    cr_assert_eq(fx_count(plan, PLAN_SORT), 0);
    cr_assert_eq(fx_count(plan, PLAN_LIMIT), 0);
    const plan_node *top = fx_find(plan, PLAN_TOP_N);
    cr_assert_not_null(top);
    cr_assert_eq(top->u.sort.count, 10);
    cr_assert(top->u.sort.keys[0].descending);
    cr_assert_eq(plan->inputs[0]->kind, PLAN_PROJECT);
    plan_free(plan);
}

Test(limit, limit_reaches_the_scan_and_limit_zero_is_empty)
{
    optimizer_context c = context();
    shoal_error error;
    plan_node *plan = optimizer_push_limits(fx_output(fx_limit(fx_scan("orders"), 5)), &c, &error);
    cr_assert_eq(plan->inputs[0]->kind, PLAN_LIMIT);
    cr_assert_eq(plan->inputs[0]->inputs[0]->u.scan.limit, 5);
    plan_free(plan);

    plan = optimizer_push_limits(fx_output(fx_limit(fx_scan("orders"), 0)), &c, &error);
    cr_assert_eq(plan->inputs[0]->kind, PLAN_VALUES);
    plan_free(plan);
}

/* ---- 7. aggregation split -------------------------------------------------------- */

Test(aggregation, splits_into_partial_and_final)
{
    optimizer_context c = context();
    shoal_error error;
    int keys[1] = {fx_col("lineitem", "l_returnflag")};
    const function_entry *fns[2] = {&FX_SUM, &FX_COUNT};
    int args[2] = {fx_col("lineitem", "l_quantity"), -1};
    plan_node *plan = fx_output(fx_aggregate(fx_scan("lineitem"), 1, keys, 2, fns, args));
    plan = optimizer_split_aggregations(plan, &c, &error);
    const plan_node *final = plan->inputs[0];
    cr_assert_eq(final->kind, PLAN_AGGREGATE);
    cr_assert_eq(final->u.aggregate.step, AGGREGATION_FINAL);
    cr_assert_eq(final->u.aggregate.keys[0], 0);
    cr_assert_eq(final->u.aggregate.aggregates[0].args[0], 1);
    cr_assert_eq(final->u.aggregate.aggregates[1].args[0], 2);
    cr_assert_eq(final->u.aggregate.aggregates[1].arg_count, 1);
    const plan_node *partial = final->inputs[0];
    cr_assert_eq(partial->u.aggregate.step, AGGREGATION_PARTIAL);
    cr_assert_eq(partial->u.aggregate.keys[0], keys[0]);
    cr_assert_eq(partial->columns[1].type.kind, TYPE_VARBINARY);
    cr_assert_eq(partial->u.aggregate.aggregates[1].arg_count, 0);
    plan_free(plan);
}

Test(aggregation, distinct_or_missing_intermediate_type_is_not_split)
{
    optimizer_context c = context();
    shoal_error error;
    int keys[1] = {0};
    const function_entry *fns[1] = {&FX_SUM};
    int args[1] = {2};
    plan_node *agg = fx_aggregate(fx_scan("nation"), 1, keys, 1, fns, args);
    agg->u.aggregate.aggregates[0].distinct = true;
    plan_node *plan = optimizer_split_aggregations(fx_output(agg), &c, &error);
    cr_assert_eq(fx_count(plan, PLAN_AGGREGATE), 1);
    plan_free(plan);

    agg = fx_aggregate(fx_scan("nation"), 1, keys, 1, fns, args);
    agg->u.aggregate.aggregates[0].function.intermediate_type = type_make(TYPE_UNKNOWN);
    plan = optimizer_split_aggregations(fx_output(agg), &c, &error);
    cr_assert_eq(fx_count(plan, PLAN_AGGREGATE), 1);
    plan_free(plan);
}

/* ---- 8. estimates ------------------------------------------------------------------ */

Test(estimate, scan_filter_join_and_aggregate)
{
    optimizer_context c = context();
    plan_node *orders = fx_scan("orders");
    int od = fx_col("orders", "o_orderdate");
    plan_node *f = fx_filter(orders, fx_and(2, fx_call(&FX_GE, fx_column(orders, od), fx_date("1994-01-01")),
                                            fx_call(&FX_LT, fx_column(orders, od), fx_date("1995-01-01"))));
    plan_node *join = fx_equi_join(JOIN_INNER, fx_scan("lineitem"), f, 0, 0);
    int keys[1] = {fx_col("lineitem", "l_returnflag")};
    const function_entry *fns[1] = {&FX_COUNT};
    int args[1] = {-1};
    plan_node *plan = fx_output(fx_aggregate(join, 1, keys, 1, fns, args));
    optimizer_estimate(plan, &c);
    cr_assert_float_eq(fx_find_scan(plan, "orders")->estimate.rows, 1500000, 0.5);
    double filtered = f->estimate.rows;
    cr_assert(filtered > 150000 && filtered < 300000, "filtered orders %f", filtered);
    cr_assert(join->estimate.rows > 800000 && join->estimate.rows < 1300000, "join %f", join->estimate.rows);
    cr_assert_float_eq(plan->estimate.rows, 3, 0.01);
    cr_assert(plan->estimate.bytes > 0);
    plan_free(plan);
}

Test(optimizer, run_rejects_nothing_and_handles_null)
{
    shoal_error error;
    error_clear(&error);
    cr_assert_null(optimizer_run(NULL, NULL, &error));
    plan_node *plan = optimizer_run(fx_output(fx_scan("region")), NULL, &error);
    cr_assert_not_null(plan);
    cr_assert_eq(plan->id, 0);
    cr_assert_eq(plan->inputs[0]->id, 1);
    cr_assert_float_eq(plan->estimate.rows, 5, 0.01);
    plan_free(plan);
}

Test(pushdown, a_two_sided_or_moves_its_one_sided_consequences_only_when_every_disjunct_has_one)
{
    optimizer_context c = context();
    shoal_error error;
    /* supplier ⋈ nation on (s_nationkey = 1 AND n_name = 'A') OR (s_nationkey = 2 AND n_name = 'B'):
     * supplier gets (s_nationkey = 1 OR s_nationkey = 2), nation (n_name = 'A' OR n_name = 'B') */
    int sw = fx_width("supplier");
    plan_node *join = fx_join(JOIN_CROSS, fx_scan("supplier"), fx_scan("nation"), NULL);
    int sn = fx_col("supplier", "s_nationkey"), nn = sw + fx_col("nation", "n_name");
    expr *p = fx_or(fx_and(2, fx_call(&FX_EQ, fx_column(join, sn), fx_bigint(1)),
                           fx_call(&FX_EQ, fx_column(join, nn), fx_varchar("A"))),
                    fx_and(2, fx_call(&FX_EQ, fx_column(join, sn), fx_bigint(2)),
                           fx_call(&FX_EQ, fx_column(join, nn), fx_varchar("B"))));
    plan_node *plan = optimizer_pushdown(fx_filter(join, p), &c, &error);
    cr_assert_eq(plan->kind, PLAN_JOIN);
    cr_assert_not_null(plan->u.join.filter);            /* the OR itself stays */
    cr_assert_eq(plan->u.join.filter->kind, EXPR_OR);
    for (int i = 0; i < 2; i++) {
        cr_assert_eq(plan->inputs[i]->kind, PLAN_FILTER);
        cr_assert_eq(plan->inputs[i]->u.filter.predicate->kind, EXPR_OR);
        cr_assert_eq(plan->inputs[i]->u.filter.predicate->arg_count, 2);
    }
    plan_free(plan);

    /* the second disjunct says nothing about nation: nation gets nothing */
    join = fx_join(JOIN_CROSS, fx_scan("supplier"), fx_scan("nation"), NULL);
    p = fx_or(fx_and(2, fx_call(&FX_EQ, fx_column(join, sn), fx_bigint(1)),
                     fx_call(&FX_EQ, fx_column(join, nn), fx_varchar("A"))),
              fx_call(&FX_EQ, fx_column(join, sn), fx_bigint(2)));
    plan = optimizer_pushdown(fx_filter(join, p), &c, &error);
    cr_assert_eq(plan->kind, PLAN_JOIN);
    cr_assert_eq(plan->inputs[0]->kind, PLAN_FILTER);
    cr_assert_eq(plan->inputs[1]->kind, PLAN_TABLE_SCAN);
    plan_free(plan);
}
