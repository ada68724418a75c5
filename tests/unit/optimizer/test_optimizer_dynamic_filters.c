/*
 * test_optimizer_dynamic_filters.c — rule 9 (optimizer_dynamic_filters.c):
 * which scan columns take which join's dynamic filter, on hand-built TPC-H
 * shapes: through projections and group keys, semi joins kept by a
 * FILTER(match), and the joins that must not filter (LEFT, no FILTER above
 * a semi join, computed keys, the session property off).
 */
#include <criterion/criterion.h>

#include "sql/optimizer.h"
#include "tpch_fixture.h"

static plan_node *assigned(plan_node *plan, bool enabled)
{
    optimizer_context c;
    optimizer_context_init(&c);
    c.enable_dynamic_filtering = enabled;
    shoal_error error;
    plan = optimizer_assign_dynamic_filters(plan, &c, &error);
    cr_assert_not_null(plan, "%s", error.message);
    return plan;
}

Test(dynamic_filters, inner_join_key_reaches_the_probe_scan_through_project_and_group_keys)
{
    /* SELECT ... FROM (SELECT l_orderkey FROM lineitem GROUP BY l_orderkey) l JOIN orders */
    plan_node *lineitem = fx_scan("lineitem");
    int lk = fx_col("lineitem", "l_orderkey");
    plan_node *keys = fx_project(lineitem, 1, lk);
    int key0 = 0;
    plan_node *grouped = fx_aggregate(keys, 1, &key0, 0, NULL, NULL);
    plan_node *orders = fx_scan("orders");
    plan_node *join = fx_equi_join(JOIN_INNER, grouped, orders, 0, fx_col("orders", "o_orderkey"));
    plan_node *plan = assigned(join, true);
    cr_assert_not_null(plan->u.join.dynamic_filter_ids);
    int id = plan->u.join.dynamic_filter_ids[0];
    cr_assert_geq(id, 0);
    cr_assert_eq(lineitem->u.scan.dynamic_filter_count, 1);
    cr_assert_eq(lineitem->u.scan.dynamic_filters[0].id, id);
    cr_assert_eq(lineitem->u.scan.dynamic_filters[0].column, lk);
    cr_assert_eq(orders->u.scan.dynamic_filter_count, 0, "the build side is not filtered");
    plan_free(plan);
}

Test(dynamic_filters, left_join_and_disabled_assign_nothing)
{
    plan_node *lineitem = fx_scan("lineitem");
    plan_node *join = fx_equi_join(JOIN_LEFT, lineitem, fx_scan("orders"), fx_col("lineitem", "l_orderkey"),
                                   fx_col("orders", "o_orderkey"));
    plan_node *plan = assigned(join, true);
    cr_assert_null(plan->u.join.dynamic_filter_ids);
    cr_assert_eq(lineitem->u.scan.dynamic_filter_count, 0);
    plan_free(plan);

    lineitem = fx_scan("lineitem");
    join = fx_equi_join(JOIN_INNER, lineitem, fx_scan("orders"), fx_col("lineitem", "l_orderkey"),
                        fx_col("orders", "o_orderkey"));
    plan = assigned(join, false);
    cr_assert_null(plan->u.join.dynamic_filter_ids);
    cr_assert_eq(lineitem->u.scan.dynamic_filter_count, 0);
    plan_free(plan);
}

Test(dynamic_filters, semi_join_filters_its_source_only_under_filter_match)
{
    /* orders WHERE o_orderkey IN (SELECT l_orderkey FROM lineitem) */
    plan_node *orders = fx_scan("orders");
    int ok = fx_col("orders", "o_orderkey");
    plan_node *semi = fx_semi_join(orders, fx_scan("lineitem"), ok, fx_col("lineitem", "l_orderkey"));
    plan_node *plan = assigned(fx_filter(semi, fx_column(semi, semi->column_count - 1)), true);
    cr_assert_not_null(semi->u.semi.dynamic_filter_ids);
    cr_assert_eq(orders->u.scan.dynamic_filter_count, 1);
    cr_assert_eq(orders->u.scan.dynamic_filters[0].id, semi->u.semi.dynamic_filter_ids[0]);
    cr_assert_eq(orders->u.scan.dynamic_filters[0].column, ok);
    plan_free(plan);

    /* the match flag as a value (SELECT o_orderkey IN (...)): every row stays */
    orders = fx_scan("orders");
    semi = fx_semi_join(orders, fx_scan("lineitem"), ok, fx_col("lineitem", "l_orderkey"));
    plan = assigned(fx_project(semi, 2, ok, semi->column_count - 1), true);
    cr_assert_null(semi->u.semi.dynamic_filter_ids);
    cr_assert_eq(orders->u.scan.dynamic_filter_count, 0);
    plan_free(plan);
}
