/*
 * test_optimizer_reductions.c — rules that shrink what a subquery's plan
 * reads: semi joins sinking below inner joins only where the join does not
 * already shrink their side (optimizer_semi_join.c), and the semi-join
 * prefilter of aggregations joined on their group keys
 * (optimizer_prefilter.c), on hand-built TPC-H shapes with SF1 statistics.
 */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "sql/optimizer.h"
#include "tpch_fixture.h"

static optimizer_context context(void)
{
    optimizer_context c;
    optimizer_context_init(&c);
    return c;
}

/* FILTER(match) over SEMI(source channel `key` IN lineitem.l_orderkey). */
static plan_node *in_lineitem_orderkeys(plan_node *source, int key)
{
    plan_node *semi = fx_semi_join(source, fx_scan("lineitem"), key, fx_col("lineitem", "l_orderkey"));
    return fx_filter(semi, fx_column(semi, semi->column_count - 1));
}

/* ---- semi join sinking ------------------------------------------------------ */

Test(sink_semi_join, moves_to_the_side_a_join_does_not_shrink)
{
    /* orders ⋈ lineitem keeps ~6M rows, more than orders has: the IN filter moves to orders */
    optimizer_context c = context();
    shoal_error error;
    plan_node *join = fx_equi_join(JOIN_INNER, fx_scan("orders"), fx_scan("lineitem"),
                                   fx_col("orders", "o_orderkey"),
                                   fx_col("lineitem", "l_orderkey"));
    plan_node *plan = optimizer_sink_semi_joins(in_lineitem_orderkeys(join, 0), &c, &error);
    cr_assert_eq(plan->kind, PLAN_PROJECT); /* restores the channel order */
    const plan_node *moved = plan->inputs[0];
    cr_assert_eq(moved->kind, PLAN_JOIN);
    cr_assert_eq(moved->inputs[0]->kind, PLAN_FILTER);
    cr_assert_eq(moved->inputs[0]->inputs[0]->kind, PLAN_SEMI_JOIN);
    cr_assert_eq(moved->inputs[0]->inputs[0]->inputs[0]->kind, PLAN_TABLE_SCAN);
    plan_free(plan);
}

Test(sink_semi_join, stays_above_a_join_that_shrinks_its_side)
{
    /* lineitem ⋈ one nation's suppliers keeps ~1/25 of lineitem (TPC-H Q21):
     * the semi join on l_orderkey probes fewer rows above the join */
    optimizer_context c = context();
    shoal_error error;
    plan_node *supplier = fx_scan("supplier");
    plan_node *one_nation = fx_filter(supplier, fx_call(&FX_EQ, fx_column(supplier, fx_col("supplier", "s_nationkey")),
                                                        fx_bigint(20)));
    plan_node *join = fx_equi_join(JOIN_INNER, fx_scan("lineitem"), one_nation,
                                   fx_col("lineitem", "l_suppkey"), fx_col("supplier", "s_suppkey"));
    plan_node *plan = optimizer_sink_semi_joins(in_lineitem_orderkeys(join, fx_col("lineitem", "l_orderkey")), &c, &error);
    cr_assert_eq(plan->kind, PLAN_FILTER);
    cr_assert_eq(plan->inputs[0]->kind, PLAN_SEMI_JOIN);
    cr_assert_eq(plan->inputs[0]->inputs[0]->kind, PLAN_JOIN);
    plan_free(plan);
}

/* ---- aggregation prefilter ---------------------------------------------------- */

/* PROJECT(l_partkey, avg) over AGGREGATE(avg(l_quantity) GROUP BY l_partkey)(lineitem). */
static plan_node *quantity_by_part(void)
{
    int keys[1] = {fx_col("lineitem", "l_partkey")};
    int args[1] = {fx_col("lineitem", "l_quantity")};
    const function_entry *functions[1] = {&FX_SUM};
    plan_node *agg = fx_aggregate(fx_scan("lineitem"), 1, keys, 1, functions, args);
    return fx_project(agg, 2, 1, 0); /* value, key */
}

/* part filtered on brand and container (~200 of 200K rows at SF1). */
static plan_node *few_parts(void)
{
    plan_node *part = fx_scan("part");
    expr *p = fx_and(2, fx_call(&FX_EQ, fx_column(part, fx_col("part", "p_brand")), fx_varchar("Brand#23")),
                     fx_call(&FX_EQ, fx_column(part, fx_col("part", "p_container")), fx_varchar("MED BOX")));
    return fx_filter(part, p);
}

static const plan_node *aggregate_input(const plan_node *root)
{
    const plan_node *agg = fx_find(root, PLAN_AGGREGATE);
    cr_assert_not_null(agg);
    return agg->inputs[0];
}

Test(prefilter, q17_aggregation_sees_only_the_filtered_parts)
{
    /* (lineitem ⋈ few parts) ⋈ avg by partkey: the aggregation's input is
     * semi-joined with a copy of the filtered part scan, not of the big join */
    optimizer_context c = context();
    shoal_error error;
    plan_node *outer = fx_equi_join(JOIN_INNER, fx_scan("lineitem"), few_parts(), fx_col("lineitem", "l_partkey"),
                                    fx_col("part", "p_partkey"));
    plan_node *join = fx_equi_join(JOIN_INNER, quantity_by_part(), outer, 1,
                                   fx_width("lineitem") + fx_col("part", "p_partkey"));
    plan_node *plan = optimizer_prefilter_aggregations(join, &c, &error);
    cr_assert_not_null(plan);
    const plan_node *input = aggregate_input(plan);
    cr_assert_eq(input->kind, PLAN_PROJECT);
    cr_assert_eq(input->column_count, fx_width("lineitem"));
    const plan_node *filter = input->inputs[0];
    cr_assert_eq(filter->kind, PLAN_FILTER);
    const plan_node *semi = filter->inputs[0];
    cr_assert_eq(semi->kind, PLAN_SEMI_JOIN);
    cr_assert_eq(semi->u.semi.null_aware, false);
    cr_assert_eq(semi->u.semi.source_keys[0], fx_col("lineitem", "l_partkey"));
    cr_assert_eq(semi->u.semi.filtering_keys[0], fx_col("part", "p_partkey"));
    cr_assert_eq(semi->inputs[0]->kind, PLAN_TABLE_SCAN);
    cr_assert_eq(semi->inputs[1]->kind, PLAN_FILTER); /* the copy of the filtered part scan */
    cr_assert_eq(semi->inputs[1]->inputs[0]->kind, PLAN_TABLE_SCAN);
    cr_assert_str_eq(semi->inputs[1]->inputs[0]->u.scan.table->name, "part");
    /* the join keeps its own part scan: two now */
    cr_assert_eq(fx_count(plan, PLAN_TABLE_SCAN), 4);
    cr_assert_eq(fx_count(plan, PLAN_SEMI_JOIN), 1);
    plan_free(plan);
}

Test(prefilter, works_through_the_inner_side_of_a_left_join)
{
    optimizer_context c = context();
    shoal_error error;
    plan_node *join = fx_equi_join(JOIN_LEFT, few_parts(), quantity_by_part(), fx_col("part", "p_partkey"), 1);
    plan_node *plan = optimizer_prefilter_aggregations(join, &c, &error);
    cr_assert_eq(aggregate_input(plan)->kind, PLAN_PROJECT);
    cr_assert_eq(fx_count(plan, PLAN_SEMI_JOIN), 1);
    plan_free(plan);
}

Test(prefilter, never_on_the_preserved_side_of_an_outer_join)
{
    optimizer_context c = context();
    shoal_error error;
    plan_node *join = fx_equi_join(JOIN_LEFT, quantity_by_part(), few_parts(), 1, fx_col("part", "p_partkey"));
    plan_node *plan = optimizer_prefilter_aggregations(join, &c, &error);
    cr_assert_eq(aggregate_input(plan)->kind, PLAN_TABLE_SCAN);
    cr_assert_eq(fx_count(plan, PLAN_SEMI_JOIN), 0);
    plan_free(plan);
}

Test(prefilter, not_when_the_join_key_is_an_aggregate_value)
{
    optimizer_context c = context();
    shoal_error error;
    /* channel 0 of quantity_by_part is the sum, not the group key */
    plan_node *join = fx_equi_join(JOIN_INNER, quantity_by_part(), few_parts(), 0, fx_col("part", "p_partkey"));
    plan_node *plan = optimizer_prefilter_aggregations(join, &c, &error);
    cr_assert_eq(aggregate_input(plan)->kind, PLAN_TABLE_SCAN);
    plan_free(plan);
}

Test(prefilter, not_when_the_other_side_holds_as_many_keys)
{
    /* every part: the semi join would keep every group */
    optimizer_context c = context();
    shoal_error error;
    plan_node *join = fx_equi_join(JOIN_INNER, quantity_by_part(), fx_scan("part"), 1, fx_col("part", "p_partkey"));
    plan_node *plan = optimizer_prefilter_aggregations(join, &c, &error);
    cr_assert_eq(aggregate_input(plan)->kind, PLAN_TABLE_SCAN);
    plan_free(plan);
}

Test(prefilter, a_whole_optimised_plan_keeps_the_rewrite)
{
    /* through every rule (pruning trims the copy to the key column) */
    optimizer_context c = context();
    shoal_error error;
    plan_node *outer = fx_equi_join(JOIN_INNER, fx_scan("lineitem"), few_parts(), fx_col("lineitem", "l_partkey"),
                                    fx_col("part", "p_partkey"));
    plan_node *join = fx_equi_join(JOIN_INNER, quantity_by_part(), outer, 1,
                                   fx_width("lineitem") + fx_col("part", "p_partkey"));
    plan_node *plan = optimizer_run(fx_output(fx_project(join, 1, 0)), &c, &error);
    cr_assert_not_null(plan);
    const plan_node *semi = fx_find(plan, PLAN_SEMI_JOIN);
    cr_assert_not_null(semi);
    cr_assert_leq(semi->inputs[1]->column_count, 3);
    plan_free(plan);
}

/* ---- semi join filtering side ----------------------------------------------- */

/* orders of one quarter EXISTS in lineitem (Q4): FILTER(match) over SEMI. */
static plan_node *quarter_orders_in_lineitem(bool null_aware)
{
    plan_node *orders = fx_scan("orders");
    int date = fx_col("orders", "o_orderdate");
    plan_node *quarter = fx_filter(orders, fx_and(2, fx_call(&FX_GE, fx_column(orders, date), fx_date("1993-07-01")),
                                                  fx_call(&FX_LT, fx_column(orders, date), fx_date("1993-10-01"))));
    plan_node *semi = fx_semi_join(quarter, fx_scan("lineitem"), fx_col("orders", "o_orderkey"),
                                   fx_col("lineitem", "l_orderkey"));
    semi->u.semi.null_aware = null_aware;
    return fx_filter(semi, fx_column(semi, semi->column_count - 1));
}

Test(prefilter, a_semi_joins_big_filtering_side_keeps_only_the_sources_keys)
{
    optimizer_context c = context();
    shoal_error error;
    plan_node *plan = optimizer_prefilter_aggregations(quarter_orders_in_lineitem(false), &c, &error);
    const plan_node *semi = plan->inputs[0];
    cr_assert_eq(semi->kind, PLAN_SEMI_JOIN);
    const plan_node *build = semi->inputs[1];
    cr_assert_eq(build->kind, PLAN_PROJECT);          /* drops the inner flag */
    cr_assert_eq(build->column_count, fx_width("lineitem"));
    const plan_node *inner = build->inputs[0]->inputs[0];
    cr_assert_eq(inner->kind, PLAN_SEMI_JOIN);
    cr_assert_eq(inner->u.semi.source_keys[0], fx_col("lineitem", "l_orderkey"));
    cr_assert_eq(inner->u.semi.filtering_keys[0], fx_col("orders", "o_orderkey"));
    cr_assert_eq(inner->inputs[1]->kind, PLAN_FILTER); /* a copy of the quarter's orders */
    cr_assert_str_eq(inner->inputs[1]->inputs[0]->u.scan.table->name, "orders");
    plan_free(plan);
}

Test(prefilter, never_for_null_aware_in)
{
    optimizer_context c = context();
    shoal_error error;
    plan_node *plan = optimizer_prefilter_aggregations(quarter_orders_in_lineitem(true), &c, &error);
    cr_assert_eq(plan->inputs[0]->inputs[1]->kind, PLAN_TABLE_SCAN);
    cr_assert_eq(fx_count(plan, PLAN_SEMI_JOIN), 1);
    plan_free(plan);
}

Test(prefilter, copies_a_key_producer_holding_one_plain_semi_join)
{
    /* Q20: sum by (l_partkey, l_suppkey) joined with partsupp IN (forest parts) on both keys */
    optimizer_context c = context();
    shoal_error error;
    int keys[2] = {fx_col("lineitem", "l_partkey"), fx_col("lineitem", "l_suppkey")};
    int args[1] = {fx_col("lineitem", "l_quantity")};
    const function_entry *functions[1] = {&FX_SUM};
    plan_node *agg = fx_aggregate(fx_scan("lineitem"), 2, keys, 1, functions, args);
    plan_node *semi = fx_semi_join(fx_scan("partsupp"), few_parts(), fx_col("partsupp", "ps_partkey"),
                                   fx_col("part", "p_partkey"));
    plan_node *forest = fx_filter(semi, fx_column(semi, semi->column_count - 1));
    plan_node *join = fx_equi_join(JOIN_INNER, agg, forest, 0, fx_col("partsupp", "ps_partkey"));
    join->u.join.key_count = 2;
    join->u.join.left_keys = realloc(join->u.join.left_keys, 2 * sizeof(int));
    join->u.join.right_keys = realloc(join->u.join.right_keys, 2 * sizeof(int));
    join->u.join.left_keys[1] = 1;
    join->u.join.right_keys[1] = fx_col("partsupp", "ps_suppkey");
    plan_node *plan = optimizer_prefilter_aggregations(join, &c, &error);
    const plan_node *input = aggregate_input(plan);
    cr_assert_eq(input->kind, PLAN_PROJECT);
    const plan_node *reduction = input->inputs[0]->inputs[0];
    cr_assert_eq(reduction->kind, PLAN_SEMI_JOIN);
    cr_assert_eq(reduction->u.semi.key_count, 2);
    cr_assert_eq(reduction->inputs[1]->kind, PLAN_FILTER);       /* the copy keeps the IN filter */
    cr_assert_eq(reduction->inputs[1]->inputs[0]->kind, PLAN_SEMI_JOIN);
    cr_assert_eq(fx_count(plan, PLAN_SEMI_JOIN), 3);
    plan_free(plan);
}
