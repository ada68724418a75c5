/*
 * test_fragmenter.c — the stages the fragmenter cuts from optimised plans:
 * partial/final aggregation across a REPARTITION, broadcast and
 * partitioned joins, TopN in two steps, and the remote-source references
 * between fragments.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "sql/fragmenter.h"
#include "sql/optimizer.h"
#include "tpch_fixture.h"

static fragmented_plan *fragment(plan_node *plan, optimizer_context *c)
{
    shoal_error error;
    error_clear(&error);
    optimizer_context defaults;
    optimizer_context_init(&defaults);
    plan = optimizer_run(plan, c ? c : &defaults, &error);
    cr_assert_not_null(plan, "%s", error.message);
    fragmented_plan *f = fragmenter_run(plan, NULL, &error);
    cr_assert_not_null(f, "%s", error.message);
    return f;
}

static const plan_node *find_id(const plan_node *node, int id)
{
    if (!node)
        return NULL;
    if (node->id == id)
        return node;
    const plan_node *found = find_id(node->inputs[0], id);
    if (!found)
        found = find_id(node->inputs[1], id);
    for (int i = 0; !found && i < node->source_count; i++)
        found = find_id(node->sources[i], id);
    return found;
}

/* Every non-root fragment is referenced by exactly one remote source of its consumer. */
static void check_references(const fragmented_plan *p)
{
    cr_assert_eq(p->fragments[0].consumer_fragment_id, -1);
    for (int i = 0; i < p->fragment_count; i++) {
        const plan_fragment *f = &p->fragments[i];
        cr_assert_eq(f->id, i);
        for (int s = 0; s < f->remote_source_count; s++) {
            const plan_node *node = find_id(f->root, f->remote_sources[s].node_id);
            cr_assert_not_null(node);
            cr_assert_eq(node->kind, PLAN_EXCHANGE);
            cr_assert_null(node->inputs[0]);
            int child = f->remote_sources[s].fragment_id;
            cr_assert_eq(p->fragments[child].consumer_fragment_id, i);
            cr_assert_eq(p->fragments[child].output_kind, f->remote_sources[s].kind);
        }
        if (i > 0) {
            const plan_fragment *consumer = &p->fragments[f->consumer_fragment_id];
            int refs = 0;
            for (int s = 0; s < consumer->remote_source_count; s++)
                refs += consumer->remote_sources[s].fragment_id == i;
            cr_assert_eq(refs, 1);
        }
    }
}

Test(fragmenter, grouped_aggregation_is_partial_in_source_and_final_in_hash_stage)
{
    int keys[1] = {fx_col("lineitem", "l_returnflag")};
    const function_entry *fns[1] = {&FX_SUM};
    int args[1] = {fx_col("lineitem", "l_quantity")};
    fragmented_plan *p = fragment(fx_output(fx_aggregate(fx_scan("lineitem"), 1, keys, 1, fns, args)), NULL);
    cr_assert_eq(p->fragment_count, 3);
    cr_assert_eq(p->fragments[0].partitioning, FRAGMENT_SINGLE);
    cr_assert_eq(p->fragments[0].root->kind, PLAN_OUTPUT);
    cr_assert_eq(p->fragments[1].partitioning, FRAGMENT_FIXED_HASH);
    cr_assert_eq(p->fragments[1].root->kind, PLAN_AGGREGATE);
    cr_assert_eq(p->fragments[1].root->u.aggregate.step, AGGREGATION_FINAL);
    cr_assert_eq(p->fragments[1].output_kind, EXCHANGE_GATHER);
    cr_assert_eq(p->fragments[2].partitioning, FRAGMENT_SOURCE);
    cr_assert_eq(p->fragments[2].root->u.aggregate.step, AGGREGATION_PARTIAL);
    cr_assert_eq(p->fragments[2].output_kind, EXCHANGE_REPARTITION);
    cr_assert_eq(p->fragments[2].output_key_count, 1);
    cr_assert_eq(p->fragments[2].output_keys[0], 0);
    check_references(p);
    fragmented_plan_free(p);
}

Test(fragmenter, global_aggregation_gathers_between_partial_and_final)
{
    const function_entry *fns[1] = {&FX_COUNT};
    int args[1] = {-1};
    fragmented_plan *p = fragment(fx_output(fx_aggregate(fx_scan("orders"), 0, NULL, 1, fns, args)), NULL);
    cr_assert_eq(p->fragment_count, 2);
    cr_assert_eq(p->fragments[0].root->inputs[0]->u.aggregate.step, AGGREGATION_FINAL);
    cr_assert_eq(p->fragments[1].output_kind, EXCHANGE_GATHER);
    cr_assert_eq(p->fragments[1].root->u.aggregate.step, AGGREGATION_PARTIAL);
    check_references(p);
    fragmented_plan_free(p);
}

static plan_node *nation_lineitem(void)
{
    plan_node *j = fx_equi_join(JOIN_INNER, fx_scan("lineitem"), fx_scan("nation"), fx_col("lineitem", "l_suppkey"), 0);
    return fx_output(fx_project(j, 2, 16 + 1, fx_col("lineitem", "l_quantity")));
}

Test(fragmenter, broadcast_join_replicates_the_build_into_the_probe_stage)
{
    fragmented_plan *p = fragment(nation_lineitem(), NULL);
    cr_assert_eq(p->fragment_count, 3);
    const plan_fragment *probe = &p->fragments[1];
    cr_assert_eq(probe->partitioning, FRAGMENT_SOURCE);
    cr_assert_not_null(fx_find(probe->root, PLAN_JOIN));
    cr_assert_not_null(fx_find_scan(probe->root, "lineitem"));
    cr_assert_eq(probe->remote_source_count, 1);
    cr_assert_eq(probe->remote_sources[0].kind, EXCHANGE_BROADCAST);
    cr_assert_eq(p->fragments[2].output_kind, EXCHANGE_BROADCAST);
    cr_assert_not_null(fx_find_scan(p->fragments[2].root, "nation"));
    check_references(p);
    fragmented_plan_free(p);
}

Test(fragmenter, partitioned_join_repartitions_both_sides_on_the_keys)
{
    optimizer_context c;
    optimizer_context_init(&c);
    c.join_distribution_type = JOIN_DISTRIBUTION_TYPE_PARTITIONED;
    plan_node *j = fx_equi_join(JOIN_INNER, fx_scan("lineitem"), fx_scan("orders"), 0, 0);
    fragmented_plan *p = fragment(fx_output(fx_project(j, 2, 4, 16 + 3)), &c);
    cr_assert_eq(p->fragment_count, 4);
    cr_assert_eq(p->fragments[1].partitioning, FRAGMENT_FIXED_HASH);
    cr_assert_eq(p->fragments[1].remote_source_count, 2);
    for (int i = 2; i < 4; i++) {
        cr_assert_eq(p->fragments[i].partitioning, FRAGMENT_SOURCE);
        cr_assert_eq(p->fragments[i].output_kind, EXCHANGE_REPARTITION);
        cr_assert_eq(p->fragments[i].output_key_count, 1);
    }
    check_references(p);
    fragmented_plan_free(p);
}

Test(fragmenter, top_n_runs_partially_below_the_gather)
{
    plan_node *plan = fx_output(fx_limit(fx_sort(fx_scan("orders"), 3, true), 10));
    fragmented_plan *p = fragment(plan, NULL);
    cr_assert_eq(p->fragment_count, 2);
    cr_assert_eq(p->fragments[0].root->inputs[0]->kind, PLAN_TOP_N);
    cr_assert_eq(p->fragments[1].root->kind, PLAN_TOP_N);
    cr_assert_eq(p->fragments[1].root->u.sort.count, 10);
    check_references(p);
    fragmented_plan_free(p);
}

Test(fragmenter, single_node_values_plan_is_one_fragment)
{
    plan_node *values = plan_node_new(PLAN_VALUES, 1);
    plan_set_column(values, 0, "x", type_make(TYPE_BIGINT));
    values->u.values.row_count = 1;
    values->u.values.cells = calloc(1, sizeof(expr *));
    values->u.values.cells[0] = fx_bigint(1);
    fragmented_plan *p = fragment(fx_output(values), NULL);
    cr_assert_eq(p->fragment_count, 1);
    cr_assert_eq(p->fragments[0].partitioning, FRAGMENT_SINGLE);
    cr_assert_eq(p->fragments[0].remote_source_count, 0);
    fragmented_plan_free(p);
}

Test(fragmenter, null_plan_is_an_error_free_null)
{
    shoal_error error;
    error_clear(&error);
    cr_assert_null(fragmenter_run(NULL, NULL, &error));
    fragmented_plan_free(NULL);
}

Test(fragmenter, names)
{
    cr_assert_str_eq(fragment_partitioning_name(FRAGMENT_FIXED_HASH), "HASH");
    cr_assert_str_eq(fragment_partitioning_name(FRAGMENT_SOURCE), "SOURCE");
    cr_assert_str_eq(exchange_kind_name(EXCHANGE_BROADCAST), "REPLICATE");
}
