/*
 * test_plan_serde.c — plan fragments to bytes and back. Every fragment of
 * the optimised plans of the 22 TPC-H queries (planned as the engine does,
 * for a 3-node cluster so that remote exchanges appear) must survive a round
 * trip: re-encoding the decoded fragment gives the same bytes and EXPLAIN
 * prints the same text. Truncated, bit-flipped and wrong-version input is
 * refused with ERR_SERIALIZATION_ERROR and never crashes.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "connectors/registry/builtin_connectors.h"
#include "connectors/spi/catalog.h"
#include "operators/expression_program.h"
#include "sql/analyzer.h"
#include "sql/explain.h"
#include "sql/fragmenter.h"
#include "sql/optimizer.h"
#include "sql/parser.h"
#include "sql/plan_serde.h"

static catalog_registry *registry;
static catalog *tpch;

static void setup(void)
{
    shoal_error error;
    error_clear(&error);
    expr_functions_install();
    cr_assert(builtin_connectors_register(&error), "%s", error.message);
    registry = catalog_registry_new();
    connector_property props[] = {{"tpch.column-naming", "STANDARD"}, {"tpch.double-type-mapping", "DECIMAL"}};
    connector_properties p = {props, 2};
    cr_assert(catalog_add(registry, "tpch", "tpch", &p, false, &error), "%s", error.message);
    tpch = catalog_acquire(registry, "tpch", &error);
    cr_assert_not_null(tpch);
}

static void teardown(void)
{
    catalog_release(tpch);
    catalog_registry_free(registry);
}

static connector *find_catalog(void *context, const char *name)
{
    (void)context;
    return strcmp(name, "tpch") == 0 ? catalog_connector(tpch) : NULL;
}

static table_metadata *resolve_table(void *context, const char *catalog_name, const char *schema,
                                     const char *table, shoal_error *error)
{
    (void)context;
    if (strcmp(catalog_name, "tpch") != 0) {
        error_set(error, ERR_CATALOG_NOT_FOUND, "no catalog %s", catalog_name);
        return NULL;
    }
    connector *c = catalog_connector(tpch);
    table_metadata *t = c->ops->get_table(c, schema, table, error);
    if (!t && !error_is_set(error))
        error_set(error, ERR_TABLE_NOT_FOUND, "no table %s.%s", schema, table);
    return t;
}

static char *read_query(int number)
{
    char path[512];
    snprintf(path, sizeof path, "%s/testdata/tpch/queries/q%02d.sql", SHOAL_SHARED_DIR, number);
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f, "%s", path);
    static char text[16384];
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == ';' || text[n - 1] == ' '))
        text[--n] = '\0';
    return strdup(text);
}

static fragmented_plan *plan_query(const char *sql, join_distribution_type distribution)
{
    sql_arena *arena = sql_arena_create();
    const ast_node *statement = NULL;
    sql_error parse_error;
    sql_error_clear(&parse_error);
    cr_assert_eq(sql_parse_statement(arena, sql, strlen(sql), &statement, &parse_error), 0, "%s",
                 parse_error.message);
    analyzer_context context = {.catalog = "tpch", .schema = "tiny", .user = "test", .find_catalog = find_catalog};
    shoal_error error;
    error_clear(&error);
    plan_node *plan = analyze_query(statement, &context, &error);
    cr_assert_not_null(plan, "%s", error.message);
    optimizer_context optimizer;
    optimizer_context_init(&optimizer);
    optimizer.node_count = 3;
    optimizer.join_distribution_type = distribution;
    plan = optimizer_run(plan, &optimizer, &error);
    cr_assert_not_null(plan, "%s", error.message);
    fragmenter_options options = {0};
    fragmented_plan *fragments = fragmenter_run(plan, &options, &error);
    cr_assert_not_null(fragments, "%s", error.message);
    sql_arena_destroy(arena);
    return fragments;
}

static char *explain(const plan_node *root)
{
    explain_options options;
    memset(&options, 0, sizeof options);
    shoal_error error;
    error_clear(&error);
    char *text = explain_plan(root, &options, &error);
    cr_assert_not_null(text, "%s", error.message);
    return text;
}

static void round_trip_fragment(const plan_fragment *f, int query)
{
    shoal_error error;
    error_clear(&error);
    unsigned char *bytes = NULL, *again = NULL;
    size_t size = 0, again_size = 0;
    cr_assert(plan_fragment_serialize(f, &bytes, &size, &error), "q%02d fragment %d: %s", query, f->id,
              error.message);
    plan_serde_options options = {resolve_table, NULL};
    plan_fragment decoded;
    cr_assert(plan_fragment_deserialize(bytes, size, &options, &decoded, &error), "q%02d fragment %d: %s", query,
              f->id, error.message);
    cr_assert_eq(decoded.id, f->id);
    cr_assert_eq(decoded.partitioning, f->partitioning);
    cr_assert_eq(decoded.output_kind, f->output_kind);
    cr_assert_eq(decoded.remote_source_count, f->remote_source_count);
    cr_assert(plan_fragment_serialize(&decoded, &again, &again_size, &error), "%s", error.message);
    cr_assert_eq(again_size, size, "q%02d fragment %d: re-encoded size differs", query, f->id);
    cr_assert(memcmp(again, bytes, size) == 0, "q%02d fragment %d: re-encoded bytes differ", query, f->id);
    char *a = explain(f->root), *b = explain(decoded.root);
    cr_assert_str_eq(b, a, "q%02d fragment %d", query, f->id);
    /* The scans resolved by the "worker" carry the connector's handle. */
    free(a);
    free(b);
    free(bytes);
    free(again);
    plan_fragment_clear(&decoded);
}

static int fragments_seen;

static void round_trip_query(int number, join_distribution_type distribution)
{
    char *sql = read_query(number);
    fragmented_plan *fragments = plan_query(sql, distribution);
    fragments_seen += fragments->fragment_count;
    for (int i = 0; i < fragments->fragment_count; i++)
        round_trip_fragment(&fragments->fragments[i], number);
    /* the whole tree too (the fragments' roots, without a resolver) */
    shoal_error error;
    error_clear(&error);
    unsigned char *bytes;
    size_t size;
    cr_assert(plan_serialize(fragments->fragments[0].root, &bytes, &size, &error), "%s", error.message);
    plan_node *decoded = plan_deserialize(bytes, size, NULL, &error);
    cr_assert_not_null(decoded, "%s", error.message);
    plan_free(decoded);
    free(bytes);
    fragmented_plan_free(fragments);
    free(sql);
}

TestSuite(plan_serde, .init = setup, .fini = teardown, .timeout = 120);

Test(plan_serde, tpch_round_trips_automatic)
{
    fragments_seen = 0;
    for (int q = 1; q <= 22; q++)
        round_trip_query(q, JOIN_DISTRIBUTION_TYPE_AUTOMATIC);
    cr_assert_gt(fragments_seen, 3 * 22, "%d fragments: the plans were not cut", fragments_seen);
}

Test(plan_serde, tpch_round_trips_broadcast)
{
    fragments_seen = 0;
    for (int q = 1; q <= 22; q++)
        round_trip_query(q, JOIN_DISTRIBUTION_TYPE_BROADCAST);
    cr_assert_gt(fragments_seen, 3 * 22, "%d fragments: the plans were not cut", fragments_seen);
}

Test(plan_serde, tpch_round_trips_partitioned)
{
    fragments_seen = 0;
    for (int q = 1; q <= 22; q++)
        round_trip_query(q, JOIN_DISTRIBUTION_TYPE_PARTITIONED);
    cr_assert_gt(fragments_seen, 3 * 22, "%d fragments: the plans were not cut", fragments_seen);
}

/* The largest fragment of q2 (subquery, joins, strings) as a hostile-input sample. */
static unsigned char *sample(size_t *size)
{
    char *sql = read_query(2);
    fragmented_plan *fragments = plan_query(sql, JOIN_DISTRIBUTION_TYPE_AUTOMATIC);
    unsigned char *best = NULL;
    *size = 0;
    for (int i = 0; i < fragments->fragment_count; i++) {
        unsigned char *bytes;
        size_t n;
        shoal_error error;
        error_clear(&error);
        cr_assert(plan_fragment_serialize(&fragments->fragments[i], &bytes, &n, &error));
        if (n > *size) {
            free(best);
            best = bytes;
            *size = n;
        } else {
            free(bytes);
        }
    }
    fragmented_plan_free(fragments);
    free(sql);
    return best;
}

Test(plan_serde, truncated_input_is_refused)
{
    size_t size;
    unsigned char *bytes = sample(&size);
    for (size_t n = 0; n < size; n++) {
        shoal_error error;
        error_clear(&error);
        plan_fragment f;
        cr_assert_not(plan_fragment_deserialize(bytes, n, NULL, &f, &error), "prefix %zu accepted", n);
        cr_assert(error.code == ERR_SERIALIZATION_ERROR || error.code == ERR_FUNCTION_NOT_FOUND);
    }
    free(bytes);
}

Test(plan_serde, bit_flips_never_crash)
{
    size_t size;
    unsigned char *bytes = sample(&size);
    unsigned char *copy = malloc(size);
    unsigned seed = 12345;
    for (int round = 0; round < 4000; round++) {
        memcpy(copy, bytes, size);
        int flips = 1 + round % 4;
        for (int k = 0; k < flips; k++) {
            seed = seed * 1103515245u + 12345u;
            copy[(seed >> 8) % size] ^= (unsigned char)(1u << ((seed >> 4) & 7));
        }
        shoal_error error;
        error_clear(&error);
        plan_fragment f;
        plan_serde_options options = {resolve_table, NULL};
        if (plan_fragment_deserialize(copy, size, round % 2 ? &options : NULL, &f, &error))
            plan_fragment_clear(&f);
    }
    free(copy);
    free(bytes);
}

Test(plan_serde, unknown_version_and_garbage_are_refused)
{
    size_t size;
    unsigned char *bytes = sample(&size);
    /* [ "shoal-plan", version, ...]: the version is the byte after the 11-byte magic str */
    cr_assert_eq(bytes[12], PLAN_SERDE_VERSION);
    bytes[12] = PLAN_SERDE_VERSION + 1;
    shoal_error error;
    error_clear(&error);
    plan_fragment f;
    cr_assert_not(plan_fragment_deserialize(bytes, size, NULL, &f, &error));
    cr_assert_eq(error.code, ERR_SERIALIZATION_ERROR);
    cr_assert(strstr(error.message, "version"), "%s", error.message);
    free(bytes);
    static const unsigned char garbage[] = {0x93, 0xaa, 's', 'h', 'o', 'a', 'l', '-', 'p', 'l', 'a', 'n', 0x01,
                                            0xdd, 0x7f, 0xff, 0xff, 0xff};
    error_clear(&error);
    cr_assert_not(plan_fragment_deserialize(garbage, sizeof garbage, NULL, &f, &error));
    error_clear(&error);
    cr_assert_null(plan_deserialize("", 0, NULL, &error));
    /* a deep chain of nested arrays is refused, not recursed into forever */
    unsigned char deep[4096];
    size_t n = 0;
    memcpy(deep, garbage, 13);
    n = 13;
    while (n < sizeof deep - 16) {
        /* node: [kind FILTER, id 0, [], 0.0?...]: simplest is a FILTER whose input is again a node */
        deep[n++] = 0x99; /* array(9) */
        deep[n++] = PLAN_FILTER;
        deep[n++] = 0x00;
        deep[n++] = 0x90;
        deep[n++] = 0xca; deep[n++] = 0; deep[n++] = 0; deep[n++] = 0; deep[n++] = 0;
        deep[n++] = 0xca; deep[n++] = 0; deep[n++] = 0; deep[n++] = 0; deep[n++] = 0;
    }
    error_clear(&error);
    cr_assert_null(plan_deserialize(deep, n, NULL, &error));
    cr_assert_eq(error.code, ERR_SERIALIZATION_ERROR);
}

/* The first aggregate call named `name` in the tree, or NULL. */
static const plan_aggregate *find_aggregate(const plan_node *n, const char *name)
{
    if (!n)
        return NULL;
    if (n->kind == PLAN_AGGREGATE)
        for (int a = 0; a < n->u.aggregate.aggregate_count; a++)
            if (strcmp(n->u.aggregate.aggregates[a].function.function->name, name) == 0)
                return &n->u.aggregate.aggregates[a];
    for (int i = 0; i < 2; i++) {
        const plan_aggregate *found = find_aggregate(n->inputs[i], name);
        if (found)
            return found;
    }
    for (int i = 0; i < n->source_count; i++) {
        const plan_aggregate *found = find_aggregate(n->sources[i], name);
        if (found)
            return found;
    }
    return NULL;
}

/* listagg's WITHIN GROUP keys travel as arguments; their directions must
 * cross the wire too (the partial step encodes the sort keys). */
Test(plan_serde, listagg_ordering_round_trips)
{
    fragmented_plan *fragments = plan_query("SELECT o_orderstatus, listagg(o_clerk, ',') WITHIN GROUP (ORDER BY o_orderdate "
                                            "DESC NULLS FIRST, o_clerk) FROM orders GROUP BY o_orderstatus",
                                            JOIN_DISTRIBUTION_TYPE_PARTITIONED);
    int checked = 0;
    for (int i = 0; i < fragments->fragment_count; i++) {
        const plan_fragment *f = &fragments->fragments[i];
        round_trip_fragment(f, 0);
        const plan_aggregate *before = find_aggregate(f->root, "listagg");
        if (!before || before->function.order_count == 0)
            continue;
        shoal_error error;
        error_clear(&error);
        unsigned char *bytes = NULL;
        size_t size = 0;
        cr_assert(plan_fragment_serialize(f, &bytes, &size, &error), "%s", error.message);
        plan_serde_options options = {resolve_table, NULL};
        plan_fragment decoded;
        cr_assert(plan_fragment_deserialize(bytes, size, &options, &decoded, &error), "%s", error.message);
        const plan_aggregate *after = find_aggregate(decoded.root, "listagg");
        cr_assert_not_null(after);
        cr_expect_eq(after->function.order_count, 2);
        cr_expect_eq(after->function.order_descending, 1);
        cr_expect_eq(after->function.order_nulls_first, 1);
        cr_expect_eq(after->function.arg_count, 7);
        checked++;
        plan_fragment_clear(&decoded);
        free(bytes);
    }
    cr_expect_gt(checked, 0, "no fragment held the partial listagg");
    fragmented_plan_free(fragments);
}

/* Unnest nodes, nested types, lambdas and subscripts cross to workers intact. */
Test(plan_serde, unnest_and_lambdas_round_trip)
{
    static const char *const queries[] = {
        "SELECT o_orderkey, x, o FROM orders CROSS JOIN UNNEST(transform(ARRAY[o_custkey, o_orderkey], "
        "v -> v * 2 + o_shippriority)) WITH ORDINALITY u(x, o) WHERE x > 10",
        "SELECT o_orderstatus, k, count(*) FROM orders LEFT JOIN UNNEST(map(ARRAY['a'], ARRAY[o_custkey])) u(k, v) "
        "ON true GROUP BY o_orderstatus, k",
        "SELECT ROW(o_orderkey, o_clerk)[2], ARRAY[o_totalprice][1], filter(ARRAY[1, 2], x -> x > 1) FROM orders",
    };
    for (size_t q = 0; q < sizeof queries / sizeof queries[0]; q++) {
        fragmented_plan *fragments = plan_query(queries[q], JOIN_DISTRIBUTION_TYPE_PARTITIONED);
        for (int i = 0; i < fragments->fragment_count; i++)
            round_trip_fragment(&fragments->fragments[i], (int)q);
        fragmented_plan_free(fragments);
    }
}
