/*
 * test_optimizer_joins.c — join reordering, build side and distribution
 * on TPC-H comma joins (Q5, Q8 and Q9 shapes) as the analyser builds them:
 * left-deep CROSS joins in FROM order under one FILTER with every WHERE
 * conjunct.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "sql/optimizer.h"
#include "tpch_fixture.h"

typedef struct query {
    int count;
    const char *const *tables;
    plan_node *join;
} query;

static expr *eq(query *q, int a, const char *ca, int b, const char *cb)
{
    int x = fx_channel(q->count, q->tables, a, ca), y = fx_channel(q->count, q->tables, b, cb);
    return fx_call(&FX_EQ, fx_column(q->join, x), fx_column(q->join, y));
}

static int ch(query *q, int table, const char *column)
{
    return fx_channel(q->count, q->tables, table, column);
}

static optimizer_context context(void)
{
    optimizer_context c;
    optimizer_context_init(&c);
    return c;
}

/* Every join has keys; returns false on a cross join or a keyless join. */
static bool all_joins_keyed(const plan_node *node)
{
    if (!node)
        return true;
    if (node->kind == PLAN_JOIN && (node->u.join.type == JOIN_CROSS || node->u.join.key_count == 0))
        return false;
    return all_joins_keyed(node->inputs[0]) && all_joins_keyed(node->inputs[1]);
}

/* The scan of `table` seen through filters and projections. */
static bool is_scan_of(const plan_node *node, const char *table)
{
    while (node && (node->kind == PLAN_FILTER || node->kind == PLAN_PROJECT))
        node = node->inputs[0];
    return node && node->kind == PLAN_TABLE_SCAN && strcmp(node->u.scan.table->name, table) == 0;
}

/* The side (0 probe, 1 build) on which `table` enters its join, or -1. */
static int join_side_of(const plan_node *node, const char *table)
{
    if (!node)
        return -1;
    if (node->kind == PLAN_JOIN)
        for (int i = 0; i < 2; i++)
            if (is_scan_of(node->inputs[i], table))
                return i;
    int side = join_side_of(node->inputs[0], table);
    return side >= 0 ? side : join_side_of(node->inputs[1], table);
}

static const char *const Q5[] = {"customer", "orders", "lineitem", "supplier", "nation", "region"};

static plan_node *q5(void)
{
    query q = {6, Q5, fx_comma_join(6, Q5)};
    expr *p = fx_and(9, eq(&q, 0, "c_custkey", 1, "o_custkey"), eq(&q, 2, "l_orderkey", 1, "o_orderkey"),
                     eq(&q, 2, "l_suppkey", 3, "s_suppkey"), eq(&q, 0, "c_nationkey", 3, "s_nationkey"),
                     eq(&q, 3, "s_nationkey", 4, "n_nationkey"), eq(&q, 4, "n_regionkey", 5, "r_regionkey"),
                     fx_call(&FX_EQ, fx_column(q.join, ch(&q, 5, "r_name")), fx_varchar("ASIA")),
                     fx_call(&FX_GE, fx_column(q.join, ch(&q, 1, "o_orderdate")), fx_date("1994-01-01")),
                     fx_call(&FX_LT, fx_column(q.join, ch(&q, 1, "o_orderdate")), fx_date("1995-01-01")));
    plan_node *f = fx_filter(q.join, p);
    return fx_output(fx_project(f, 3, ch(&q, 4, "n_name"), ch(&q, 2, "l_extendedprice"), ch(&q, 2, "l_discount")));
}

Test(reorder, q5_has_no_cross_join_and_lineitem_is_the_probe_side)
{
    optimizer_context c = context();
    shoal_error error;
    plan_node *plan = optimizer_run(q5(), &c, &error);
    cr_assert_not_null(plan, "%s", error.message);
    cr_assert_eq(fx_count_joins(plan, JOIN_CROSS), 0);
    cr_assert_eq(fx_count(plan, PLAN_JOIN), 5);
    cr_assert(all_joins_keyed(plan));
    cr_assert_eq(join_side_of(plan, "lineitem"), 0); /* lineitem is a probe side */
    cr_assert_eq(plan->column_count, 3);
    cr_assert_str_eq(plan->columns[0].name, "n_name");
    cr_assert_str_eq(plan->columns[1].name, "l_extendedprice");
    /* the join with region's filter made it to the scan side */
    const plan_node *orders = fx_find_scan(plan, "orders");
    cr_assert_eq(orders->u.scan.range_count, 1);
    cr_assert_eq(orders->column_count, 3); /* o_orderkey, o_custkey, o_orderdate */
    plan_free(plan);
}

static int partsupp_keys(const plan_node *node)
{
    if (!node)
        return 0;
    if (node->kind == PLAN_JOIN && (is_scan_of(node->inputs[0], "partsupp") || is_scan_of(node->inputs[1], "partsupp")))
        return node->u.join.key_count;
    int k = partsupp_keys(node->inputs[0]);
    return k ? k : partsupp_keys(node->inputs[1]);
}

static const char *const Q9[] = {"part", "supplier", "lineitem", "partsupp", "orders", "nation"};

static plan_node *q9(void)
{
    query q = {6, Q9, fx_comma_join(6, Q9)};
    expr *like_args[2] = {fx_column(q.join, ch(&q, 0, "p_name")), fx_varchar("%green%")};
    expr *like = expr_special(EXPR_LIKE, type_make(TYPE_BOOLEAN), 2, like_args);
    expr *p = fx_and(7, eq(&q, 1, "s_suppkey", 2, "l_suppkey"), eq(&q, 3, "ps_suppkey", 2, "l_suppkey"),
                     eq(&q, 3, "ps_partkey", 2, "l_partkey"), eq(&q, 0, "p_partkey", 2, "l_partkey"),
                     eq(&q, 4, "o_orderkey", 2, "l_orderkey"), eq(&q, 1, "s_nationkey", 5, "n_nationkey"), like);
    plan_node *f = fx_filter(q.join, p);
    return fx_output(fx_project(f, 3, ch(&q, 5, "n_name"), ch(&q, 4, "o_orderdate"), ch(&q, 2, "l_quantity")));
}

Test(reorder, q9_part_supplier_is_not_a_cross_join)
{
    optimizer_context c = context();
    shoal_error error;
    plan_node *plan = optimizer_run(q9(), &c, &error);
    cr_assert_not_null(plan, "%s", error.message);
    cr_assert_eq(fx_count_joins(plan, JOIN_CROSS), 0);
    cr_assert(all_joins_keyed(plan));
    cr_assert_eq(fx_count(plan, PLAN_JOIN), 5);
    cr_assert_eq(join_side_of(plan, "lineitem"), 0); /* lineitem is a probe side */
    /* partsupp joins on both of its keys */
    bool found = partsupp_keys(plan) == 2;
    cr_assert(found);
    plan_free(plan);
}

static const char *const Q8[] = {"part", "supplier", "lineitem", "orders", "customer", "nation", "nation", "region"};

static plan_node *q8(void)
{
    query q = {8, Q8, fx_comma_join(8, Q8)};
    expr *p = fx_and(10, eq(&q, 0, "p_partkey", 2, "l_partkey"), eq(&q, 1, "s_suppkey", 2, "l_suppkey"),
                     eq(&q, 2, "l_orderkey", 3, "o_orderkey"), eq(&q, 3, "o_custkey", 4, "c_custkey"),
                     eq(&q, 4, "c_nationkey", 5, "n_nationkey"), eq(&q, 5, "n_regionkey", 7, "r_regionkey"),
                     fx_call(&FX_EQ, fx_column(q.join, ch(&q, 7, "r_name")), fx_varchar("AMERICA")),
                     eq(&q, 1, "s_nationkey", 6, "n_nationkey"),
                     fx_between(fx_column(q.join, ch(&q, 3, "o_orderdate")), fx_date("1995-01-01"),
                                fx_date("1996-12-31")),
                     fx_call(&FX_EQ, fx_column(q.join, ch(&q, 0, "p_type")), fx_varchar("ECONOMY ANODIZED STEEL")));
    plan_node *f = fx_filter(q.join, p);
    return fx_output(fx_project(f, 2, ch(&q, 3, "o_orderdate"), ch(&q, 6, "n_name")));
}

Test(reorder, q8_eight_relations_no_cross_join)
{
    optimizer_context c = context();
    shoal_error error;
    plan_node *plan = optimizer_run(q8(), &c, &error);
    cr_assert_not_null(plan, "%s", error.message);
    cr_assert_eq(fx_count_joins(plan, JOIN_CROSS), 0);
    cr_assert(all_joins_keyed(plan));
    cr_assert_eq(fx_count(plan, PLAN_JOIN), 7);
    cr_assert_eq(join_side_of(plan, "lineitem"), 0); /* lineitem is a probe side */
    cr_assert_str_eq(plan->columns[1].name, "n_name");
    plan_free(plan);
}

static const char *const Q7[] = {"supplier", "lineitem", "orders", "customer", "nation", "nation"};

/* Q7: two nations, each restricted only by the two-sided OR. */
static plan_node *q7(void)
{
    query q = {6, Q7, fx_comma_join(6, Q7)};
    int n1 = ch(&q, 4, "n_name"), n2 = fx_width("supplier") + fx_width("lineitem") + fx_width("orders") +
                                             fx_width("customer") + fx_width("nation") + fx_col("nation", "n_name");
    expr *france_germany = fx_and(2, fx_call(&FX_EQ, fx_column(q.join, n1), fx_varchar("FRANCE")),
                                  fx_call(&FX_EQ, fx_column(q.join, n2), fx_varchar("GERMANY")));
    expr *germany_france = fx_and(2, fx_call(&FX_EQ, fx_column(q.join, n1), fx_varchar("GERMANY")),
                                  fx_call(&FX_EQ, fx_column(q.join, n2), fx_varchar("FRANCE")));
    int n2_key = n2 - fx_col("nation", "n_name") + fx_col("nation", "n_nationkey");
    expr *p = fx_and(6, eq(&q, 0, "s_suppkey", 1, "l_suppkey"), eq(&q, 2, "o_orderkey", 1, "l_orderkey"),
                     eq(&q, 3, "c_custkey", 2, "o_custkey"), eq(&q, 0, "s_nationkey", 4, "n_nationkey"),
                     fx_call(&FX_EQ, fx_column(q.join, ch(&q, 3, "c_nationkey")), fx_column(q.join, n2_key)),
                     fx_or(france_germany, germany_france));
    plan_node *f = fx_filter(q.join, p);
    return fx_output(fx_project(f, 3, n1, n2, ch(&q, 1, "l_extendedprice")));
}

/* The join whose two inputs are scans of a and b (through filters/projections). */
static const plan_node *join_of(const plan_node *node, const char *a, const char *b)
{
    if (!node)
        return NULL;
    if (node->kind == PLAN_JOIN &&
        ((is_scan_of(node->inputs[0], a) && is_scan_of(node->inputs[1], b)) ||
         (is_scan_of(node->inputs[0], b) && is_scan_of(node->inputs[1], a))))
        return node;
    const plan_node *found = join_of(node->inputs[0], a, b);
    return found ? found : join_of(node->inputs[1], a, b);
}

Test(reorder, q7_or_filters_each_nation_and_the_small_joins_come_first)
{
    optimizer_context c = context();
    shoal_error error;
    plan_node *plan = optimizer_run(q7(), &c, &error);
    cr_assert_not_null(plan, "%s", error.message);
    cr_assert(all_joins_keyed(plan));
    /* both nation scans carry the derived (n_name = 'FRANCE' OR n_name = 'GERMANY') */
    int filtered_nations = 0;
    for (const plan_node *j = join_of(plan, "supplier", "nation"); j; j = NULL)
        for (int i = 0; i < 2; i++)
            filtered_nations += is_scan_of(j->inputs[i], "nation") && j->inputs[i]->kind == PLAN_FILTER;
    for (const plan_node *j = join_of(plan, "customer", "nation"); j; j = NULL)
        for (int i = 0; i < 2; i++)
            filtered_nations += is_scan_of(j->inputs[i], "nation") && j->inputs[i]->kind == PLAN_FILTER;
    cr_assert_eq(filtered_nations, 2);
    /* bushy: supplier ⋈ nation and customer ⋈ nation are joined as units, not
     * one relation at a time onto lineitem */
    cr_assert_not_null(join_of(plan, "supplier", "nation"));
    cr_assert_not_null(join_of(plan, "customer", "nation"));
    /* the two-sided OR stays as a join filter */
    cr_assert_eq(fx_count(plan, PLAN_JOIN), 5);
    plan_free(plan);
}

Test(reorder, eliminate_cross_joins_keeps_from_order_otherwise)
{
    optimizer_context c = context();
    c.join_reordering_strategy = JOIN_REORDERING_ELIMINATE_CROSS_JOINS;
    shoal_error error;
    plan_node *plan = optimizer_run(q9(), &c, &error);
    cr_assert_eq(fx_count_joins(plan, JOIN_CROSS), 0);
    cr_assert(all_joins_keyed(plan));
    plan_free(plan);
}

Test(reorder, none_leaves_the_cross_join)
{
    optimizer_context c = context();
    c.join_reordering_strategy = JOIN_REORDERING_NONE;
    shoal_error error;
    plan_node *plan = optimizer_run(q9(), &c, &error);
    cr_assert_eq(fx_count_joins(plan, JOIN_CROSS), 1);
    plan_free(plan);
}

Test(reorder, without_statistics_cross_joins_are_still_eliminated)
{
    optimizer_context c = context();
    shoal_error error;
    plan_node *root = q9();
    for (const char *const *t = Q9; t < Q9 + 6; t++)
        ((plan_node *)fx_find_scan(root, *t))->u.scan.table->row_count = NAN;
    plan_node *plan = optimizer_run(root, &c, &error);
    cr_assert_eq(fx_count_joins(plan, JOIN_CROSS), 0);
    cr_assert_str_eq(fx_leftmost_scan(plan)->u.scan.table->name, "part"); /* FROM order kept */
    plan_free(plan);
}

/* ---- 4. build side and distribution ------------------------------------------------- */

static plan_node *nation_lineitem(void)
{
    plan_node *n = fx_scan("nation"), *l = fx_scan("lineitem");
    plan_node *j = fx_equi_join(JOIN_INNER, n, l, 0, fx_col("lineitem", "l_suppkey"));
    return fx_output(fx_project(j, 2, 1, 4 + fx_col("lineitem", "l_quantity")));
}

Test(join_choice, the_smaller_side_becomes_the_build_side)
{
    optimizer_context c = context();
    c.join_reordering_strategy = JOIN_REORDERING_NONE;
    shoal_error error;
    plan_node *plan = optimizer_run(nation_lineitem(), &c, &error);
    const plan_node *j = fx_find(plan, PLAN_JOIN);
    cr_assert_str_eq(fx_leftmost_scan(j->inputs[0])->u.scan.table->name, "lineitem");
    cr_assert_str_eq(fx_leftmost_scan(j->inputs[1])->u.scan.table->name, "nation");
    cr_assert_eq(j->u.join.distribution, JOIN_DISTRIBUTION_BROADCAST);
    cr_assert_str_eq(plan->columns[0].name, "n_name");
    cr_assert_str_eq(plan->columns[1].name, "l_quantity");
    plan_free(plan);
}

Test(join_choice, left_join_with_a_bigger_inner_side_becomes_a_right_join)
{
    optimizer_context c = context();
    shoal_error error;
    plan_node *j = fx_equi_join(JOIN_LEFT, fx_scan("nation"), fx_scan("supplier"), 0, 3);
    plan_node *plan = optimizer_choose_joins(fx_output(j), &c, &error);
    const plan_node *join = fx_find(plan, PLAN_JOIN);
    cr_assert_eq(join->u.join.type, JOIN_RIGHT);
    cr_assert_str_eq(join->inputs[1]->u.scan.table->name, "nation");
    cr_assert_eq(join->u.join.distribution, JOIN_DISTRIBUTION_PARTITIONED);
    cr_assert_eq(join->u.join.left_keys[0], 3);
    cr_assert_eq(join->u.join.right_keys[0], 0);
    plan_free(plan);
}

Test(join_choice, distribution_follows_session_and_threshold)
{
    optimizer_context c = context();
    shoal_error error;
    c.join_distribution_type = JOIN_DISTRIBUTION_TYPE_PARTITIONED;
    plan_node *plan = optimizer_run(nation_lineitem(), &c, &error);
    cr_assert_eq(fx_find(plan, PLAN_JOIN)->u.join.distribution, JOIN_DISTRIBUTION_PARTITIONED);
    plan_free(plan);

    c.join_distribution_type = JOIN_DISTRIBUTION_TYPE_AUTOMATIC;
    plan_node *big = fx_output(fx_equi_join(JOIN_INNER, fx_scan("lineitem"), fx_scan("orders"), 0, 0));
    plan = optimizer_run(big, &c, &error);
    cr_assert_eq(fx_find(plan, PLAN_JOIN)->u.join.distribution, JOIN_DISTRIBUTION_PARTITIONED);
    plan_free(plan);

    c.join_max_broadcast_table_size = 1e12;
    big = fx_output(fx_equi_join(JOIN_INNER, fx_scan("lineitem"), fx_scan("orders"), 0, 0));
    plan = optimizer_run(big, &c, &error);
    cr_assert_eq(fx_find(plan, PLAN_JOIN)->u.join.distribution, JOIN_DISTRIBUTION_BROADCAST);
    plan_free(plan);
}
