/*
 * test_explain.c — EXPLAIN text snapshots (LOGICAL and DISTRIBUTED), the
 * JSON and GRAPHVIZ shapes, and EXPLAIN ANALYZE statistics lines.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "sql/explain.h"
#include "sql/fragmenter.h"
#include "sql/optimizer.h"
#include "tpch_fixture.h"

/* SELECT n_name, r_name FROM nation JOIN region ON n_regionkey = r_regionkey WHERE r_name = 'ASIA' */
static plan_node *nation_region(void)
{
    plan_node *n = fx_scan("nation"), *r = fx_scan("region");
    plan_node *j = fx_join(JOIN_INNER, n, r, NULL);
    j->u.join.filter = fx_call(&FX_EQ, fx_column(j, 2), fx_column(j, 4));
    plan_node *f = fx_filter(j, fx_call(&FX_EQ, fx_column(j, 5), fx_varchar("ASIA")));
    return fx_output(fx_project(f, 2, 1, 5));
}

static plan_node *optimized(plan_node *plan)
{
    optimizer_context c;
    optimizer_context_init(&c);
    shoal_error error;
    plan = optimizer_run(plan, &c, &error);
    cr_assert_not_null(plan, "%s", error.message);
    return plan;
}

static const char LOGICAL[] =
    "- Output[columnNames = [n_name, r_name]]\n"
    "        Layout: [n_name:varchar(25), r_name:varchar(25)]\n"
    "        Estimates: {rows: 5 (198B), cpu: 395B, memory: 0B, network: 0B}\n"
    "    - Project\n"
    "            Layout: [n_name:varchar(25), r_name:varchar(25)]\n"
    "            Estimates: {rows: 5 (198B), cpu: 475B, memory: 0B, network: 0B}\n"
    "        - InnerJoin[criteria = (n_regionkey = r_regionkey), distribution = REPLICATED]\n"
    "                Layout: [n_name:varchar(25), n_regionkey:bigint, r_regionkey:bigint, r_name:varchar(25)]\n"
    "                Estimates: {rows: 5 (278B), cpu: 999B, memory: 28B, network: 0B}\n"
    "            - TableScan[table = tpch:tiny:nation]\n"
    "                    Layout: [n_name:varchar(25), n_regionkey:bigint]\n"
    "                    Estimates: {rows: 25 (694B), cpu: 1.35kB, memory: 0B, network: 0B}\n"
    "                    n_name := tpch:n_name\n"
    "                    n_regionkey := tpch:n_regionkey\n"
    "            - ScanFilter[table = tpch:tiny:region, filterPredicate = (r_name = 'ASIA')]\n"
    "                    Layout: [r_regionkey:bigint, r_name:varchar(25)]\n"
    "                    Estimates: {rows: 1 (28B), cpu: 166B, memory: 0B, network: 0B}\n"
    "                    r_regionkey := tpch:r_regionkey\n"
    "                    r_name := tpch:r_name\n"
;

Test(explain, logical_text_snapshot)
{
    plan_node *plan = optimized(nation_region());
    explain_options o = {.type = EXPLAIN_TYPE_LOGICAL, .format = EXPLAIN_FORMAT_TEXT};
    shoal_error error;
    char *text = explain_plan(plan, &o, &error);
    cr_assert_not_null(text);
    cr_assert_str_eq(text, LOGICAL);
    free(text);
    plan_free(plan);
}

static const char DISTRIBUTED[] =
    "Fragment 0 [SINGLE]\n"
    "    Output layout: [n_name, r_name]\n"
    "    Output partitioning: SINGLE []\n"
    "    - Output[columnNames = [n_name, r_name]]\n"
    "            Layout: [n_name:varchar(25), r_name:varchar(25)]\n"
    "            Estimates: {rows: 5 (198B), cpu: 395B, memory: 0B, network: 0B}\n"
    "        - RemoteSource[sourceFragmentIds = [1]]\n"
    "                Layout: [n_name:varchar(25), r_name:varchar(25)]\n"
    "                Estimates: {rows: 5 (198B), cpu: 198B, memory: 0B, network: 198B}\n"
    "\n"
    "Fragment 1 [SOURCE]\n"
    "    Output layout: [n_name, r_name]\n"
    "    Output partitioning: SINGLE []\n"
    "    - Project\n"
    "            Layout: [n_name:varchar(25), r_name:varchar(25)]\n"
    "            Estimates: {rows: 5 (198B), cpu: 475B, memory: 0B, network: 0B}\n"
    "        - InnerJoin[criteria = (n_regionkey = r_regionkey), distribution = REPLICATED]\n"
    "                Layout: [n_name:varchar(25), n_regionkey:bigint, r_regionkey:bigint, r_name:varchar(25)]\n"
    "                Estimates: {rows: 5 (278B), cpu: 999B, memory: 28B, network: 0B}\n"
    "            - TableScan[table = tpch:tiny:nation]\n"
    "                    Layout: [n_name:varchar(25), n_regionkey:bigint]\n"
    "                    Estimates: {rows: 25 (694B), cpu: 1.35kB, memory: 0B, network: 0B}\n"
    "                    n_name := tpch:n_name\n"
    "                    n_regionkey := tpch:n_regionkey\n"
    "            - RemoteSource[sourceFragmentIds = [2]]\n"
    "                    Layout: [r_regionkey:bigint, r_name:varchar(25)]\n"
    "                    Estimates: {rows: 1 (28B), cpu: 28B, memory: 0B, network: 28B}\n"
    "\n"
    "Fragment 2 [SOURCE]\n"
    "    Output layout: [r_regionkey, r_name]\n"
    "    Output partitioning: BROADCAST []\n"
    "    - ScanFilter[table = tpch:tiny:region, filterPredicate = (r_name = 'ASIA')]\n"
    "            Layout: [r_regionkey:bigint, r_name:varchar(25)]\n"
    "            Estimates: {rows: 1 (28B), cpu: 166B, memory: 0B, network: 0B}\n"
    "            r_regionkey := tpch:r_regionkey\n"
    "            r_name := tpch:r_name\n"
;

Test(explain, distributed_text_snapshot)
{
    shoal_error error;
    fragmented_plan *p = fragmenter_run(optimized(nation_region()), NULL, &error);
    explain_options o = {.type = EXPLAIN_TYPE_DISTRIBUTED, .format = EXPLAIN_FORMAT_TEXT};
    char *text = explain_fragments(p, &o, &error);
    cr_assert_not_null(text);
    cr_assert_str_eq(text, DISTRIBUTED);
    free(text);
    fragmented_plan_free(p);
}

static int count(const char *haystack, const char *needle)
{
    int n = 0;
    for (const char *p = strstr(haystack, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

Test(explain, json_has_trino_plan_fields_and_balanced_brackets)
{
    shoal_error error;
    fragmented_plan *p = fragmenter_run(optimized(nation_region()), NULL, &error);
    explain_options o = {.type = EXPLAIN_TYPE_DISTRIBUTED, .format = EXPLAIN_FORMAT_JSON};
    char *json = explain_fragments(p, &o, &error);
    cr_assert_not_null(json);
    cr_assert(strncmp(json, "{\n  \"0\" : {", 11) == 0, "%s", json);
    cr_assert_eq(count(json, "{"), count(json, "}"));
    cr_assert_eq(count(json, "["), count(json, "]"));
    cr_assert_not_null(strstr(json, "\"name\" : \"InnerJoin\""));
    cr_assert_not_null(strstr(json, "\"criteria\" : \"(n_regionkey = r_regionkey)\""));
    cr_assert_not_null(strstr(json, "\"outputs\" : [ { \"symbol\" : \"n_name\", \"type\" : \"varchar(25)\" }"));
    cr_assert_not_null(strstr(json, "\"outputRowCount\" : 5.0"));
    cr_assert_eq(count(json, "\"children\""), count(json, "\"id\""));
    free(json);
    fragmented_plan_free(p);

    plan_node *plan = optimized(nation_region());
    o.type = EXPLAIN_TYPE_LOGICAL;
    json = explain_plan(plan, &o, &error);
    cr_assert(strncmp(json, "{\n  \"id\" : \"0\",\n  \"name\" : \"Output\"", 35) == 0, "%s", json);
    free(json);
    plan_free(plan);
}

Test(explain, graphviz_has_one_cluster_per_fragment)
{
    shoal_error error;
    fragmented_plan *p = fragmenter_run(optimized(nation_region()), NULL, &error);
    explain_options o = {.type = EXPLAIN_TYPE_DISTRIBUTED, .format = EXPLAIN_FORMAT_GRAPHVIZ};
    char *dot = explain_fragments(p, &o, &error);
    cr_assert(strncmp(dot, "digraph distributed_plan {", 26) == 0);
    cr_assert_eq(count(dot, "subgraph cluster_"), 3);
    cr_assert_not_null(strstr(dot, "label = \"SINGLE\""));
    cr_assert_not_null(strstr(dot, "plannode_5 -> fragment_2;"));
    cr_assert_eq(count(dot, "{"), count(dot, "}"));
    free(dot);
    fragmented_plan_free(p);
}

Test(explain, analyze_prints_actual_statistics_per_node)
{
    plan_node *plan = optimized(nation_region());
    explain_node_stats stats[16] = {0};
    stats[0] = (explain_node_stats){.present = true, .output_rows = 5, .output_bytes = 120, .cpu_nanos = 1e6,
                                    .wall_nanos = 2e6, .input_rows = 5, .input_bytes = 120};
    const plan_node *scan = fx_find_scan(plan, "nation");
    stats[scan->id] = (explain_node_stats){.present = true, .output_rows = 25, .output_bytes = 2048,
                                           .cpu_nanos = 3e6, .wall_nanos = 3e6, .input_rows = 25,
                                           .input_bytes = 2048};
    explain_options o = {.format = EXPLAIN_FORMAT_TEXT, .stats = stats, .stats_count = 16};
    shoal_error error;
    char *text = explain_plan(plan, &o, &error);
    cr_assert_not_null(strstr(text, "CPU: 1.00ms (25.00%), Wall: 2.00ms, Output: 5 rows (120B)\n"), "%s", text);
    cr_assert_not_null(strstr(text, "CPU: 3.00ms (75.00%), Wall: 3.00ms, Output: 25 rows (2kB)\n"), "%s", text);
    cr_assert_not_null(strstr(text, "Input: 25 rows (2kB), Filtered: 0.00%\n"), "%s", text);
    free(text);
    plan_free(plan);
}

Test(explain, q5_shows_inner_joins_with_criteria_and_scan_ranges)
{
    /* FROM orders, lineitem WHERE l_orderkey = o_orderkey AND o_orderdate >= DATE '1994-01-01' */
    const char *const tables[] = {"orders", "lineitem"};
    plan_node *j = fx_comma_join(2, tables);
    int od = fx_channel(2, tables, 0, "o_orderdate"), lk = fx_channel(2, tables, 1, "l_orderkey");
    expr *p = fx_and(2, fx_call(&FX_EQ, fx_column(j, lk), fx_column(j, 0)),
                     fx_call(&FX_GE, fx_column(j, od), fx_date("1994-01-01")));
    plan_node *plan = optimized(fx_output(fx_project(fx_filter(j, p), 1, lk)));
    explain_options o = {.format = EXPLAIN_FORMAT_TEXT, .dynamic_filtering = true};
    shoal_error error;
    char *text = explain_plan(plan, &o, &error);
    cr_assert_null(strstr(text, "CrossJoin"), "%s", text);
    cr_assert_not_null(strstr(text, "InnerJoin[criteria = (l_orderkey = o_orderkey), distribution = REPLICATED, "
                                    "dynamicFilterAssignments = {o_orderkey -> #df_0}"),
                       "%s", text);
    /* the probe side's scan takes the filter */
    cr_assert_not_null(strstr(text, "TableScan[table = tpch:tiny:lineitem, dynamicFilters = {l_orderkey = #df_0}]"),
                       "%s", text);
    cr_assert_eq(count(text, "#df_"), 2, "%s", text);
    cr_assert_not_null(strstr(text, "constraints = [DATE '1994-01-01' <= o_orderdate]"), "%s", text);
    free(text);
    plan_free(plan);
}

Test(explain, bytes_and_bad_input)
{
    char out[32];
    explain_format_bytes(45, out, sizeof out);
    cr_assert_str_eq(out, "45B");
    explain_format_bytes(4608, out, sizeof out);
    cr_assert_str_eq(out, "4.50kB");
    explain_format_bytes(1024.0 * 1024 * 3, out, sizeof out);
    cr_assert_str_eq(out, "3MB");
    shoal_error error;
    error_clear(&error);
    cr_assert_null(explain_plan(NULL, NULL, &error));
    cr_assert_eq(error.code, ERR_INVALID_PLAN);
    cr_assert_null(explain_fragments(NULL, NULL, &error));
}
