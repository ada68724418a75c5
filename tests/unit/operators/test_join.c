/*
 * test_join.c — hash join and nested-loop join through the driver: build
 * and probe pipelines sharing a bridge, the probe blocked until the build
 * is done, every join type with duplicate and NULL keys, string and
 * multi-column keys, RIGHT/FULL unmatched rows emitted once by the last of
 * several probe drivers, semi-join match flags with IN's NULL rules,
 * null-aware anti join (NOT IN), the dynamic filter.
 */
#include "op_test_util.h"

#include "operators/op_hash_build.h"
#include "operators/op_join_bridge.h"
#include "operators/op_lookup_join.h"
#include "operators/op_nested_loop_join.h"

/* build: (key, payload); probe: (key, payload) */
static join_bridge *make_bridge(int probe_drivers, bool track, int key_count)
{
    sql_type types[] = {T_BIGINT, T_BIGINT};
    int keys[] = {0, 1};
    join_bridge_config config = {.build_column_count = 2, .build_types = types,
                                 .key_count = key_count, .build_key_channels = keys,
                                 .build_driver_count = 1, .probe_driver_count = probe_drivers,
                                 .track_matches = track};
    shoal_error error = {0};
    join_bridge *b = join_bridge_create(&config, &error);
    cr_assert(b, "%s", error.message);
    return b;
}

static void run_build(join_bridge *bridge, page **pages, int count)
{
    collector *unused = NULL;
    (void)unused;
    operator *ops[] = {tp_values(pages, count), hash_build_create(2, bridge)};
    driver *d = driver_create(ops, 2);
    operator_wait wait;
    shoal_error error = {0};
    driver_status s;
    while ((s = driver_process(d, 0, NULL, &wait, &error)) == DRIVER_YIELD) {
    }
    cr_assert_eq(s, DRIVER_FINISHED, "%s", error.message);
    driver_close(d);
    cr_assert(join_bridge_is_built(bridge));
}

static collector *run_probe(join_bridge *bridge, page **pages, int count,
                            const lookup_join_config *config)
{
    shoal_error error = {0};
    operator *j = lookup_join_create(3, bridge, config, &error);
    cr_assert(j, "%s", error.message);
    collector *c = collector_new();
    operator *ops[] = {tp_values(pages, count), j, &c->base};
    cr_assert_eq(tp_run(ops, 3, &error), DRIVER_FINISHED, "%s", error.message);
    return c;
}

static const sql_type two_bigints[] = {{TYPE_BIGINT, 0, 0, 0, NULL}, {TYPE_BIGINT, 0, 0, 0, NULL}};
static const int probe_key[] = {0};
static const int both[] = {0, 1};

static lookup_join_config config_of(op_join_type type)
{
    lookup_join_config c = {.type = type, .probe_column_count = 2, .probe_types = two_bigints,
                            .key_count = 1, .probe_key_channels = probe_key,
                            .probe_output_count = 2, .probe_output_channels = both,
                            .build_output_count = 2, .build_output_channels = both};
    return c;
}

/* build keys: 1 (x2), 2, NULL, 4; probe keys: 1, 2, 3, NULL, 1 */
static const int64_t build_rows[] = {1, 100, 1, 101, 2, 200, TNULL, 300, 4, 400};
static const int64_t probe_rows[] = {1, 10, 2, 20, 3, 30, TNULL, 40, 1, 50};

static collector *join_of(op_join_type type, bool track)
{
    join_bridge *bridge = make_bridge(1, track, 1);
    page *b = tp_bigints(2, 5, build_rows);
    run_build(bridge, &b, 1);
    page *p = tp_bigints(2, 5, probe_rows);
    lookup_join_config config = config_of(type);
    collector *c = run_probe(bridge, &p, 1, &config);
    join_bridge_unref(bridge);
    return c;
}

Test(join, inner_with_duplicates_and_nulls)
{
    collector *c = join_of(OP_JOIN_INNER, false);
    int64_t expected[] = {1, 10, 1, 100,  1, 10, 1, 101,  2, 20, 2, 200,
                          1, 50, 1, 100,  1, 50, 1, 101};
    tp_expect_rows(c, 4, expected, 5, true);
    collector_close(&c->base);
}

Test(join, left_outer)
{
    collector *c = join_of(OP_JOIN_LEFT, false);
    int64_t expected[] = {1, 10, 1, 100,  1, 10, 1, 101,  2, 20, 2, 200,  1, 50, 1, 100,
                          1, 50, 1, 101,  3, 30, TNULL, TNULL,  TNULL, 40, TNULL, TNULL};
    tp_expect_rows(c, 4, expected, 7, true);
    collector_close(&c->base);
}

Test(join, right_outer)
{
    collector *c = join_of(OP_JOIN_RIGHT, true);
    int64_t expected[] = {1, 10, 1, 100,  1, 10, 1, 101,  2, 20, 2, 200,  1, 50, 1, 100,
                          1, 50, 1, 101,  TNULL, TNULL, TNULL, 300,  TNULL, TNULL, 4, 400};
    tp_expect_rows(c, 4, expected, 7, true);
    collector_close(&c->base);
}

Test(join, full_outer)
{
    collector *c = join_of(OP_JOIN_FULL, true);
    int64_t expected[] = {1, 10, 1, 100,  1, 10, 1, 101,  2, 20, 2, 200,  1, 50, 1, 100,
                          1, 50, 1, 101,  3, 30, TNULL, TNULL,  TNULL, 40, TNULL, TNULL,
                          TNULL, TNULL, TNULL, 300,  TNULL, TNULL, 4, 400};
    tp_expect_rows(c, 4, expected, 9, true);
    collector_close(&c->base);
}

Test(join, semi_and_anti)
{
    collector *c = join_of(OP_JOIN_SEMI, false);
    int64_t semi[] = {1, 10, 2, 20, 1, 50};
    tp_expect_rows(c, 2, semi, 3, true);
    collector_close(&c->base);

    c = join_of(OP_JOIN_ANTI, false);
    int64_t anti[] = {3, 30, TNULL, 40};
    tp_expect_rows(c, 2, anti, 2, true);
    collector_close(&c->base);
}

Test(join, semi_match_flag_follows_in_null_rules)
{
    /* build has a NULL key: non-matches are NULL, matches TRUE */
    join_bridge *bridge = make_bridge(1, false, 1);
    page *b = tp_bigints(2, 5, build_rows);
    run_build(bridge, &b, 1);
    page *p = tp_bigints(2, 5, probe_rows);
    lookup_join_config config = config_of(OP_JOIN_SEMI);
    config.emit_match_flag = true;
    collector *c = run_probe(bridge, &p, 1, &config);
    int64_t expected[] = {1, 10, 1,  2, 20, 1,  3, 30, TNULL,  TNULL, 40, TNULL,  1, 50, 1};
    tp_expect_rows(c, 3, expected, 5, false);
    collector_close(&c->base);
    join_bridge_unref(bridge);

    /* build without NULLs: a non-match is FALSE, a NULL probe key NULL */
    bridge = make_bridge(1, false, 1);
    int64_t clean[] = {1, 0, 2, 0};
    b = tp_bigints(2, 2, clean);
    run_build(bridge, &b, 1);
    p = tp_bigints(2, 5, probe_rows);
    c = run_probe(bridge, &p, 1, &config);
    int64_t expected2[] = {1, 10, 1,  2, 20, 1,  3, 30, 0,  TNULL, 40, TNULL,  1, 50, 1};
    tp_expect_rows(c, 3, expected2, 5, false);
    collector_close(&c->base);
    join_bridge_unref(bridge);

    /* empty build: everything FALSE, even NULL keys */
    bridge = make_bridge(1, false, 1);
    run_build(bridge, NULL, 0);
    p = tp_bigints(2, 5, probe_rows);
    c = run_probe(bridge, &p, 1, &config);
    int64_t expected3[] = {1, 10, 0,  2, 20, 0,  3, 30, 0,  TNULL, 40, 0,  1, 50, 0};
    tp_expect_rows(c, 3, expected3, 5, false);
    collector_close(&c->base);
    join_bridge_unref(bridge);
}

Test(join, null_aware_anti_join)
{
    lookup_join_config config = config_of(OP_JOIN_ANTI);
    config.null_aware = true;
    /* NULL on the build side: no rows at all */
    join_bridge *bridge = make_bridge(1, false, 1);
    page *b = tp_bigints(2, 5, build_rows);
    run_build(bridge, &b, 1);
    page *p = tp_bigints(2, 5, probe_rows);
    collector *c = run_probe(bridge, &p, 1, &config);
    cr_assert_eq(c->rows, 0);
    collector_close(&c->base);
    join_bridge_unref(bridge);

    /* no NULL on the build side: a NULL probe key gives no row */
    bridge = make_bridge(1, false, 1);
    int64_t clean[] = {1, 0, 2, 0};
    b = tp_bigints(2, 2, clean);
    run_build(bridge, &b, 1);
    p = tp_bigints(2, 5, probe_rows);
    c = run_probe(bridge, &p, 1, &config);
    int64_t expected[] = {3, 30};
    tp_expect_rows(c, 2, expected, 1, false);
    collector_close(&c->base);
    join_bridge_unref(bridge);

    /* empty build: every probe row, NULL keys too */
    bridge = make_bridge(1, false, 1);
    run_build(bridge, NULL, 0);
    p = tp_bigints(2, 5, probe_rows);
    c = run_probe(bridge, &p, 1, &config);
    cr_assert_eq(c->rows, 5);
    collector_close(&c->base);
    join_bridge_unref(bridge);
}

Test(join, probe_blocks_until_built)
{
    join_bridge *bridge = make_bridge(1, false, 1);
    shoal_error error = {0};
    lookup_join_config config = config_of(OP_JOIN_INNER);
    operator *j = lookup_join_create(3, bridge, &config, &error);
    collector *c = collector_new();
    page *p = tp_bigints(2, 5, probe_rows);
    operator *ops[] = {tp_values(&p, 1), j, &c->base};
    driver *d = driver_create(ops, 3);
    operator_wait wait;
    cr_assert_eq(driver_process(d, 0, NULL, &wait, &error), DRIVER_BLOCKED);
    cr_assert_eq(wait.event, &bridge->built);
    page *b = tp_bigints(2, 5, build_rows);
    run_build(bridge, &b, 1);
    driver_status s;
    while ((s = driver_process(d, 0, NULL, &wait, &error)) == DRIVER_YIELD) {
    }
    cr_assert_eq(s, DRIVER_FINISHED);
    cr_assert_eq(c->rows, 5);
    d->operators[2] = NULL;
    driver_close(d);
    collector_close(&c->base);
    join_bridge_unref(bridge);
}

Test(join, several_build_and_probe_drivers_right_join)
{
    sql_type types[] = {T_BIGINT, T_BIGINT};
    int keys[] = {0};
    join_bridge_config bc = {.build_column_count = 2, .build_types = types, .key_count = 1,
                             .build_key_channels = keys, .build_driver_count = 2,
                             .probe_driver_count = 2, .track_matches = true};
    shoal_error error = {0};
    join_bridge *bridge = join_bridge_create(&bc, &error);
    int64_t b1[] = {1, 1, 2, 2};
    int64_t b2[] = {3, 3, 4, 4};
    page *p1 = tp_bigints(2, 2, b1), *p2 = tp_bigints(2, 2, b2);
    {
        operator *ops1[] = {tp_values(&p1, 1), hash_build_create(2, bridge)};
        operator *ops2[] = {tp_values(&p2, 1), hash_build_create(2, bridge)};
        driver *d1 = driver_create(ops1, 2), *d2 = driver_create(ops2, 2);
        operator_wait wait;
        while (driver_process(d1, 0, NULL, &wait, &error) == DRIVER_YIELD) {
        }
        cr_assert_not(join_bridge_is_built(bridge));
        while (driver_process(d2, 0, NULL, &wait, &error) == DRIVER_YIELD) {
        }
        cr_assert(join_bridge_is_built(bridge));
        driver_close(d1);
        driver_close(d2);
    }
    lookup_join_config config = config_of(OP_JOIN_RIGHT);
    int64_t q1[] = {1, 10}, q2[] = {3, 30, 9, 90};
    page *pp1 = tp_bigints(2, 1, q1), *pp2 = tp_bigints(2, 2, q2);
    collector *c1 = run_probe(bridge, &pp1, 1, &config);
    cr_assert_eq(c1->rows, 1); /* not last: no unmatched rows yet */
    collector *c2 = run_probe(bridge, &pp2, 1, &config);
    int64_t expected[] = {3, 30, 3, 3,  TNULL, TNULL, 2, 2,  TNULL, TNULL, 4, 4};
    tp_expect_rows(c2, 4, expected, 3, true);
    collector_close(&c1->base);
    collector_close(&c2->base);
    join_bridge_unref(bridge);
}

Test(join, string_and_multi_column_keys_many_rows)
{
    sql_type types[] = {T_VARCHAR, T_BIGINT, T_BIGINT};
    int keys[] = {0, 1};
    join_bridge_config bc = {.build_column_count = 3, .build_types = types, .key_count = 2,
                             .build_key_channels = keys, .build_driver_count = 1,
                             .probe_driver_count = 1};
    shoal_error error = {0};
    join_bridge *bridge = join_bridge_create(&bc, &error);
    enum { N = 5000 };
    page *build[3];
    int pages = 0;
    for (uint32_t start = 0; start < N; start += VECTOR_SIZE, pages++) {
        uint32_t n = N - start < VECTOR_SIZE ? N - start : VECTOR_SIZE;
        build[pages] = tp_new(3, types, n);
        for (uint32_t i = 0; i < n; i++) {
            char name[64];
            snprintf(name, sizeof name, "customer name number %u", (start + i) % 1000);
            tp_set_str(build[pages], 0, i, name);
            tp_set_i64(build[pages], 1, i, (start + i) % 7);
            tp_set_i64(build[pages], 2, i, start + i);
        }
    }
    run_build(bridge, build, pages);
    /* probe: name i%1000 with key i%7 for i < 1000: matches rows r with
     * r%1000 == i and r%7 == i%7, i.e. r = i + 7000k... only r = i */
    page *probe = tp_new(3, types, 1000);
    for (uint32_t i = 0; i < 1000; i++) {
        char name[64];
        snprintf(name, sizeof name, "customer name number %u", i);
        tp_set_str(probe, 0, i, name);
        tp_set_i64(probe, 1, i, i % 7);
        tp_set_i64(probe, 2, i, i);
    }
    int pk[] = {0, 1}, out_probe[] = {2}, out_build[] = {2, 0};
    lookup_join_config config = {.type = OP_JOIN_INNER, .probe_column_count = 3,
                                 .probe_types = types, .key_count = 2, .probe_key_channels = pk,
                                 .probe_output_count = 1, .probe_output_channels = out_probe,
                                 .build_output_count = 2, .build_output_channels = out_build};
    collector *c = run_probe(bridge, &probe, 1, &config);
    /* rows r in [0,5000) with r%1000 == i and r%7 == i%7: r - i divisible by 7000 -> only r = i */
    cr_assert_eq(c->rows, 1000);
    for (uint64_t r = 0; r < c->rows; r++) {
        cr_assert_eq(collector_i64(c, r, 0), collector_i64(c, r, 1));
        value name = collector_value(c, r, 2);
        char want[64];
        int len = snprintf(want, sizeof want, "customer name number %lld",
                           (long long)collector_i64(c, r, 0));
        cr_assert_eq(name.u.string.length, (uint32_t)len);
        cr_assert(memcmp(string_view_data(&name.u.string), want, (size_t)len) == 0);
    }
    const dynamic_filter *f = join_bridge_dynamic_filter(bridge);
    cr_assert(f);
    cr_assert_eq(f->key_count, 2);
    cr_assert(f->keys[1].has_range);
    cr_assert_eq(f->keys[1].min, 0);
    cr_assert_eq(f->keys[1].max, 6);
    cr_assert(f->bloom); /* 5000 rows: small enough for a bloom filter */
    collector_close(&c->base);
    join_bridge_unref(bridge);
}

Test(join, dynamic_filter_small_build)
{
    join_bridge *bridge = make_bridge(1, false, 1);
    cr_assert_null(join_bridge_dynamic_filter(bridge));
    page *b = tp_bigints(2, 5, build_rows);
    run_build(bridge, &b, 1);
    const dynamic_filter *f = join_bridge_dynamic_filter(bridge);
    cr_assert(f);
    cr_assert_not(f->match_nothing);
    column_range range;
    cr_assert(dynamic_filter_range(f, 0, 5, &range));
    cr_assert_eq(range.column, 5);
    cr_assert_eq(range.low.u.i64, 1);
    cr_assert_eq(range.high.u.i64, 4);
    join_bridge_unref(bridge);
}

Test(join, large_build_and_probe)
{
    enum { BUILD = 100000, PROBE = 300000 };
    join_bridge *bridge = make_bridge(1, false, 1);
    int bp = (BUILD + VECTOR_SIZE - 1) / VECTOR_SIZE;
    page **pages = malloc(sizeof(page *) * (size_t)bp);
    for (int i = 0; i < bp; i++) {
        uint32_t n = (uint32_t)(BUILD - i * VECTOR_SIZE < VECTOR_SIZE ? BUILD - i * VECTOR_SIZE : VECTOR_SIZE);
        pages[i] = tp_new(2, two_bigints, n);
        for (uint32_t r = 0; r < n; r++) {
            int64_t k = (int64_t)i * VECTOR_SIZE + r;
            tp_set_i64(pages[i], 0, r, k * 2);
            tp_set_i64(pages[i], 1, r, k);
        }
    }
    run_build(bridge, pages, bp);
    int pp = (PROBE + VECTOR_SIZE - 1) / VECTOR_SIZE;
    page **probe = realloc(pages, sizeof(page *) * (size_t)pp);
    for (int i = 0; i < pp; i++) {
        uint32_t n = (uint32_t)(PROBE - i * VECTOR_SIZE < VECTOR_SIZE ? PROBE - i * VECTOR_SIZE : VECTOR_SIZE);
        probe[i] = tp_new(2, two_bigints, n);
        for (uint32_t r = 0; r < n; r++) {
            int64_t k = (int64_t)i * VECTOR_SIZE + r;
            tp_set_i64(probe[i], 0, r, k);
            tp_set_i64(probe[i], 1, r, k);
        }
    }
    lookup_join_config config = config_of(OP_JOIN_INNER);
    collector *c = run_probe(bridge, probe, pp, &config);
    free(probe);
    cr_assert_eq(c->rows, BUILD); /* even keys below 2*BUILD */
    for (int i = 0; i < c->page_count; i++) {
        const page *p = c->pages[i];
        for (uint32_t r = 0; r < p->row_count; r++) {
            value probe_key = value_load(&p->columns[0], r);
            value build_payload = value_load(&p->columns[3], r);
            cr_assert_eq(probe_key.u.i64, build_payload.u.i64 * 2);
        }
    }
    collector_close(&c->base);
    join_bridge_unref(bridge);
}

Test(join, nested_loop_cross_join)
{
    join_bridge *bridge = make_bridge(1, false, 0);
    int64_t b[] = {1, 2, 3, 4, 5, 6};
    page *bp = tp_bigints(2, 3, b);
    run_build(bridge, &bp, 1);
    int64_t p[] = {10, 20, 30, 40};
    page *pp = tp_bigints(2, 2, p);
    int out_probe[] = {0}, out_build[] = {1};
    nested_loop_join_config config = {.type = OP_JOIN_INNER, .probe_column_count = 2,
                                      .probe_types = two_bigints, .probe_output_count = 1,
                                      .probe_output_channels = out_probe,
                                      .build_output_count = 1, .build_output_channels = out_build};
    shoal_error error = {0};
    operator *j = nested_loop_join_create(3, bridge, &config, &error);
    cr_assert(j, "%s", error.message);
    cr_assert_str_eq(j->ops->name, "NestedLoopJoin");
    collector *c = collector_new();
    operator *ops[] = {tp_values(&pp, 1), j, &c->base};
    cr_assert_eq(tp_run(ops, 3, &error), DRIVER_FINISHED);
    int64_t expected[] = {10, 2, 10, 4, 10, 6, 30, 2, 30, 4, 30, 6};
    tp_expect_rows(c, 2, expected, 6, true);
    collector_close(&c->base);

    /* empty build side, LEFT: probe rows padded */
    join_bridge *empty = make_bridge(1, false, 0);
    run_build(empty, NULL, 0);
    pp = tp_bigints(2, 2, p);
    config.type = OP_JOIN_LEFT;
    j = nested_loop_join_create(3, empty, &config, &error);
    c = collector_new();
    operator *ops2[] = {tp_values(&pp, 1), j, &c->base};
    cr_assert_eq(tp_run(ops2, 3, &error), DRIVER_FINISHED);
    int64_t padded[] = {10, TNULL, 30, TNULL};
    tp_expect_rows(c, 2, padded, 2, true);
    collector_close(&c->base);
    join_bridge_unref(empty);
    join_bridge_unref(bridge);
}

Test(join, bad_configuration_is_an_error)
{
    join_bridge *bridge = make_bridge(1, false, 1);
    lookup_join_config config = config_of(OP_JOIN_FULL);
    shoal_error error = {0};
    cr_assert_null(lookup_join_create(3, bridge, &config, &error));
    cr_assert_eq(error.code, ERR_GENERIC_INTERNAL_ERROR);
    join_bridge_unref(bridge);
}

#include "connectors/spi/function.h"

Test(join, residual_filter_on_probe_and_build_columns)
{
    /* probe (key, p), build (key, b): join on key AND b < p */
    join_bridge *bridge = make_bridge(1, true, 1);
    int64_t build[] = {1, 5, 1, 50, 2, 7};
    page *bp = tp_bigints(2, 3, build);
    run_build(bridge, &bp, 1);
    int64_t probe[] = {1, 10, 2, 3, 3, 100};
    resolved_function r;
    shoal_error error = {0};
    sql_type args[] = {T_BIGINT, T_BIGINT};
    cr_assert(function_resolve("$less_than", 2, args, &r, &error), "%s", error.message);
    expr *operands[2] = {
        expr_column(3, T_BIGINT), /* build.b: after the 2 probe columns */
        expr_column(1, T_BIGINT), /* probe.p */
    }; /* expr_call copies the array */
    expr *filter = expr_call(r.function, r.return_type, 2, operands);
    lookup_join_config config = config_of(OP_JOIN_FULL);
    config.residual_filter = filter;
    page *pp = tp_bigints(2, 3, probe);
    collector *c = run_probe(bridge, &pp, 1, &config);
    int64_t expected[] = {1, 10, 1, 5,  2, 3, TNULL, TNULL,  3, 100, TNULL, TNULL,
                          TNULL, TNULL, 1, 50,  TNULL, TNULL, 2, 7};
    tp_expect_rows(c, 4, expected, 5, true);
    collector_close(&c->base);
    expr_free(filter);
    join_bridge_unref(bridge);
}
