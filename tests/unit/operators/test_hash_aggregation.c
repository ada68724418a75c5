/*
 * test_hash_aggregation.c — GROUP BY and global aggregation through the
 * driver: NULL keys, string and multi-column keys, PARTIAL→FINAL,
 * masks (DISTINCT/FILTER), grouping-set global rows, hash table growth past
 * 1M groups, float key normalisation, errors.
 */
#include "op_test_util.h"

#include <math.h>

#include "operators/hash_table.h"
#include "operators/op_hash_aggregation.h"

static aggregate_spec agg(const aggregate_function *f, int arg)
{
    aggregate_spec s = {.function = f, .arg_count = arg >= 0 ? 1 : 0, .mask_channel = -1};
    s.arg_channels[0] = arg;
    return s;
}

static collector *run_agg(page **pages, int page_count, const hash_aggregation_config *config)
{
    shoal_error error = {0};
    operator *a = hash_aggregation_create(1, config, &error);
    cr_assert(a, "%s", error.message);
    collector *c = collector_new();
    operator *ops[] = {tp_values(pages, page_count), a, &c->base};
    cr_assert_eq(tp_run(ops, 3, &error), DRIVER_FINISHED, "%s", error.message);
    return c;
}

Test(hash_aggregation, group_by_bigint_with_null_keys)
{
    int64_t rows[] = {1, 10, 2, 20, 1, 5, TNULL, 7, 2, TNULL, TNULL, 1, 3, 3};
    page *p = tp_bigints(2, 7, rows);
    int keys[] = {0};
    sql_type key_types[] = {T_BIGINT};
    aggregate_spec aggs[] = {agg(&tp_sum, 1), agg(&tp_count_star, -1), agg(&tp_count, 1)};
    hash_aggregation_config config = {.step = AGGREGATION_SINGLE, .key_count = 1,
                                      .key_channels = keys, .key_types = key_types,
                                      .aggregate_count = 3, .aggregates = aggs,
                                      .group_id_key = -1};
    collector *c = run_agg(&p, 1, &config);
    int64_t expected[] = {1, 15, 2, 2,  2, 20, 2, 1,  TNULL, 8, 2, 2,  3, 3, 1, 1};
    tp_expect_rows(c, 4, expected, 4, true);
    cr_assert_gt(c->base.stats.input_rows, 0);
    collector_close(&c->base);
}

Test(hash_aggregation, string_keys_short_and_long)
{
    sql_type types[] = {T_VARCHAR, T_BIGINT};
    const char *names[] = {"a", "long string key number one", "b", "long string key number one",
                           NULL, "a", "long string key number two", NULL};
    page *p = tp_new(2, types, 8);
    for (uint32_t i = 0; i < 8; i++) {
        tp_set_str(p, 0, i, names[i]);
        tp_set_i64(p, 1, i, (int64_t)i + 1);
    }
    int keys[] = {0};
    aggregate_spec aggs[] = {agg(&tp_sum, 1)};
    hash_aggregation_config config = {.step = AGGREGATION_SINGLE, .key_count = 1,
                                      .key_channels = keys, .key_types = types,
                                      .aggregate_count = 1, .aggregates = aggs,
                                      .group_id_key = -1};
    collector *c = run_agg(&p, 1, &config);
    cr_assert_eq(c->rows, 5);
    int found = 0;
    for (uint64_t r = 0; r < c->rows; r++) {
        value k = collector_value(c, r, 0);
        int64_t s = collector_i64(c, r, 1);
        if (k.is_null) {
            cr_assert_eq(s, 5 + 8);
            found++;
            continue;
        }
        const char *text = string_view_data(&k.u.string);
        if (k.u.string.length == 1 && text[0] == 'a')
            { cr_assert_eq(s, 1 + 6); found++; }
        else if (k.u.string.length == 1 && text[0] == 'b')
            { cr_assert_eq(s, 3); found++; }
        else if (memcmp(text, "long string key number one", 26) == 0)
            { cr_assert_eq(s, 2 + 4); found++; }
        else if (memcmp(text, "long string key number two", 26) == 0)
            { cr_assert_eq(s, 7); found++; }
    }
    cr_assert_eq(found, 5);
    collector_close(&c->base);
}

Test(hash_aggregation, multi_column_keys_across_pages)
{
    sql_type types[] = {T_BIGINT, T_VARCHAR, T_BIGINT};
    page *pages[3];
    for (int pg = 0; pg < 3; pg++) {
        pages[pg] = tp_new(3, types, 1000);
        for (uint32_t i = 0; i < 1000; i++) {
            tp_set_i64(pages[pg], 0, i, i % 10);
            tp_set_str(pages[pg], 1, i, (i % 3) == 0 ? "x" : (i % 3) == 1 ? "yyyyyyyyyyyyyyyyyy" : NULL);
            tp_set_i64(pages[pg], 2, i, 1);
        }
    }
    int keys[] = {0, 1};
    sql_type key_types[] = {T_BIGINT, T_VARCHAR};
    aggregate_spec aggs[] = {agg(&tp_sum, 2)};
    hash_aggregation_config config = {.step = AGGREGATION_SINGLE, .key_count = 2,
                                      .key_channels = keys, .key_types = key_types,
                                      .aggregate_count = 1, .aggregates = aggs,
                                      .group_id_key = -1};
    collector *c = run_agg(pages, 3, &config);
    cr_assert_eq(c->rows, 30);
    int64_t total = 0;
    for (uint64_t r = 0; r < c->rows; r++)
        total += collector_i64(c, r, 2);
    cr_assert_eq(total, 3000);
    collector_close(&c->base);
}

Test(hash_aggregation, global_on_empty_input_gives_one_row)
{
    aggregate_spec aggs[] = {agg(&tp_count_star, -1), agg(&tp_sum, 0)};
    hash_aggregation_config config = {.step = AGGREGATION_SINGLE, .aggregate_count = 2,
                                      .aggregates = aggs, .group_id_key = -1};
    collector *c = run_agg(NULL, 0, &config);
    int64_t expected[] = {0, TNULL};
    tp_expect_rows(c, 2, expected, 1, false);
    collector_close(&c->base);
}

Test(hash_aggregation, grouped_on_empty_input_gives_no_rows)
{
    int keys[] = {0};
    sql_type key_types[] = {T_BIGINT};
    aggregate_spec aggs[] = {agg(&tp_count_star, -1)};
    hash_aggregation_config config = {.step = AGGREGATION_SINGLE, .key_count = 1,
                                      .key_channels = keys, .key_types = key_types,
                                      .aggregate_count = 1, .aggregates = aggs,
                                      .group_id_key = -1};
    collector *c = run_agg(NULL, 0, &config);
    cr_assert_eq(c->rows, 0);
    collector_close(&c->base);
}

Test(hash_aggregation, global_over_rows)
{
    int64_t rows[] = {1, 2, TNULL, 4};
    page *p = tp_bigints(1, 4, rows);
    aggregate_spec aggs[] = {agg(&tp_count_star, -1), agg(&tp_sum, 0), agg(&tp_count, 0)};
    hash_aggregation_config config = {.step = AGGREGATION_SINGLE, .aggregate_count = 3,
                                      .aggregates = aggs, .group_id_key = -1};
    collector *c = run_agg(&p, 1, &config);
    int64_t expected[] = {4, 7, 3};
    tp_expect_rows(c, 3, expected, 1, false);
    collector_close(&c->base);
}

Test(hash_aggregation, partial_then_final)
{
    page *pages[4];
    for (int pg = 0; pg < 4; pg++) {
        int64_t rows[200 * 2];
        for (int i = 0; i < 200; i++) {
            rows[i * 2] = i % 7;
            rows[i * 2 + 1] = pg;
        }
        pages[pg] = tp_bigints(2, 200, rows);
    }
    int keys[] = {0};
    sql_type key_types[] = {T_BIGINT};
    aggregate_spec aggs[] = {agg(&tp_sum, 1), agg(&tp_count_star, -1)};
    hash_aggregation_config partial = {.step = AGGREGATION_PARTIAL, .key_count = 1,
                                       .key_channels = keys, .key_types = key_types,
                                       .aggregate_count = 2, .aggregates = aggs,
                                       .group_id_key = -1};
    /* two partial aggregations over half the input each */
    collector *first = run_agg(pages, 2, &partial);
    collector *second = run_agg(pages + 2, 2, &partial);
    cr_assert_eq(first->rows, 7);
    page *intermediate[2] = {page_ref(first->pages[0]), page_ref(second->pages[0])};
    aggregate_spec final_aggs[] = {agg(&tp_sum, 1), agg(&tp_count_star, 2)};
    hash_aggregation_config final = {.step = AGGREGATION_FINAL, .key_count = 1,
                                     .key_channels = keys, .key_types = key_types,
                                     .aggregate_count = 2, .aggregates = final_aggs,
                                     .group_id_key = -1};
    collector *c = run_agg(intermediate, 2, &final);
    int64_t expected[7 * 3];
    for (int k = 0; k < 7; k++) {
        int64_t n = 200 / 7 + (k < 200 % 7 ? 1 : 0);
        expected[k * 3] = k;
        expected[k * 3 + 1] = n * (0 + 1 + 2 + 3);
        expected[k * 3 + 2] = n * 4;
    }
    tp_expect_rows(c, 3, expected, 7, true);
    collector_close(&first->base);
    collector_close(&second->base);
    collector_close(&c->base);
}

Test(hash_aggregation, mask_channel_filters_rows)
{
    /* key, value, mask */
    sql_type types[] = {T_BIGINT, T_BIGINT, T_BOOLEAN};
    page *p = tp_new(3, types, 6);
    int64_t data[][3] = {{1, 5, 1}, {1, 5, 0}, {1, 6, 1}, {2, 7, TNULL}, {2, 8, 1}, {3, 9, 0}};
    for (uint32_t i = 0; i < 6; i++)
        for (int k = 0; k < 3; k++)
            tp_set_i64(p, k, i, data[i][k]);
    int keys[] = {0};
    aggregate_spec aggs[] = {agg(&tp_sum, 1), agg(&tp_count_star, -1)};
    aggs[0].mask_channel = 2;
    hash_aggregation_config config = {.step = AGGREGATION_SINGLE, .key_count = 1,
                                      .key_channels = keys, .key_types = types,
                                      .aggregate_count = 2, .aggregates = aggs,
                                      .group_id_key = -1};
    collector *c = run_agg(&p, 1, &config);
    int64_t expected[] = {1, 11, 3, 2, 8, 2, 3, TNULL, 1};
    tp_expect_rows(c, 3, expected, 3, true);
    collector_close(&c->base);
}

Test(hash_aggregation, grouping_set_global_rows_on_empty_input)
{
    /* keys: (a, group_id); grouping sets ((a), ()) with ids 0 and 1 */
    int keys[] = {0, 1};
    sql_type key_types[] = {T_BIGINT, T_BIGINT};
    aggregate_spec aggs[] = {agg(&tp_count_star, -1)};
    int64_t globals[] = {1};
    hash_aggregation_config config = {.step = AGGREGATION_FINAL, .key_count = 2,
                                      .key_channels = keys, .key_types = key_types,
                                      .aggregate_count = 1, .aggregates = aggs,
                                      .group_id_key = 1, .global_group_id_count = 1,
                                      .global_group_ids = globals};
    aggs[0].arg_count = 1;
    aggs[0].arg_channels[0] = 2;
    collector *c = run_agg(NULL, 0, &config);
    int64_t expected[] = {TNULL, 1, 0};
    tp_expect_rows(c, 3, expected, 1, false);
    collector_close(&c->base);

    /* with input the global group comes from the data, not a default row */
    int64_t rows[] = {5, 0, 2, TNULL, 1, 3};
    page *p = tp_bigints(3, 2, rows);
    c = run_agg(&p, 1, &config);
    int64_t expected2[] = {5, 0, 2, TNULL, 1, 3};
    tp_expect_rows(c, 3, expected2, 2, true);
    collector_close(&c->base);
}

Test(hash_aggregation, many_groups_grow_past_a_million)
{
    enum { GROUPS = 1200000, PAGES = (GROUPS * 2) / VECTOR_SIZE + 1 };
    int keys[] = {0};
    sql_type key_types[] = {T_BIGINT};
    aggregate_spec aggs[] = {agg(&tp_count_star, -1), agg(&tp_sum, 0)};
    hash_aggregation_config config = {.step = AGGREGATION_SINGLE, .key_count = 1,
                                      .key_channels = keys, .key_types = key_types,
                                      .aggregate_count = 2, .aggregates = aggs,
                                      .group_id_key = -1};
    page **pages = malloc(sizeof(page *) * PAGES);
    uint64_t row = 0;
    for (int pg = 0; pg < PAGES; pg++) {
        pages[pg] = tp_new(1, key_types, VECTOR_SIZE);
        int64_t *d = pages[pg]->columns[0].data;
        for (uint32_t i = 0; i < VECTOR_SIZE; i++, row++)
            d[i] = (int64_t)((row * 7919) % GROUPS) * 3 - 1000; /* every key twice or thrice */
    }
    collector *c = run_agg(pages, PAGES, &config);
    free(pages);
    cr_assert_eq(c->rows, GROUPS);
    uint64_t total = 0;
    for (int i = 0; i < c->page_count; i++) {
        const int64_t *counts = c->pages[i]->columns[1].data;
        const int64_t *keys_out = c->pages[i]->columns[0].data;
        const int64_t *sums = c->pages[i]->columns[2].data;
        for (uint32_t r = 0; r < c->pages[i]->row_count; r++) {
            total += (uint64_t)counts[r];
            cr_assert_eq(sums[r], keys_out[r] * counts[r]);
        }
    }
    cr_assert_eq(total, (uint64_t)PAGES * VECTOR_SIZE);
    collector_close(&c->base);
}

Test(hash_aggregation, double_keys_normalise_zero_and_nan)
{
    sql_type types[] = {T_DOUBLE};
    page *p = tp_new(1, types, 5);
    double *d = p->columns[0].data;
    d[0] = 0.0;
    d[1] = -0.0;
    d[2] = NAN;
    d[3] = -NAN;
    d[4] = 1.5;
    int keys[] = {0};
    aggregate_spec aggs[] = {agg(&tp_count_star, -1)};
    hash_aggregation_config config = {.step = AGGREGATION_SINGLE, .key_count = 1,
                                      .key_channels = keys, .key_types = types,
                                      .aggregate_count = 1, .aggregates = aggs,
                                      .group_id_key = -1};
    collector *c = run_agg(&p, 1, &config);
    cr_assert_eq(c->rows, 3);
    collector_close(&c->base);
}

Test(hash_aggregation, long_decimal_keys)
{
    sql_type types[] = {type_decimal(30, 2)};
    page *p = tp_new(1, types, 4);
    __int128 *d = p->columns[0].data;
    d[0] = (__int128)1 << 100;
    d[1] = 5;
    d[2] = (__int128)1 << 100;
    d[3] = -((__int128)1 << 100);
    int keys[] = {0};
    aggregate_spec aggs[] = {agg(&tp_count_star, -1)};
    hash_aggregation_config config = {.step = AGGREGATION_SINGLE, .key_count = 1,
                                      .key_channels = keys, .key_types = types,
                                      .aggregate_count = 1, .aggregates = aggs,
                                      .group_id_key = -1};
    collector *c = run_agg(&p, 1, &config);
    cr_assert_eq(c->rows, 3);
    cr_assert_eq(collector_i64(c, 0, 1), 2);
    collector_close(&c->base);
}

Test(hash_aggregation, nested_key_type_is_rejected)
{
    int keys[] = {0};
    sql_type key_types[] = {type_array(T_BIGINT)};
    aggregate_spec aggs[] = {agg(&tp_count_star, -1)};
    hash_aggregation_config config = {.step = AGGREGATION_SINGLE, .key_count = 1,
                                      .key_channels = keys, .key_types = key_types,
                                      .aggregate_count = 1, .aggregates = aggs,
                                      .group_id_key = -1};
    shoal_error error = {0};
    cr_assert_null(hash_aggregation_create(1, &config, &error));
    cr_assert_eq(error.code, ERR_NOT_SUPPORTED);
}

Test(hash_aggregation, memory_is_accounted)
{
    int64_t rows[] = {1, 2, 3};
    page *p = tp_bigints(1, 3, rows);
    int keys[] = {0};
    sql_type key_types[] = {T_BIGINT};
    aggregate_spec aggs[] = {agg(&tp_count_star, -1)};
    hash_aggregation_config config = {.step = AGGREGATION_SINGLE, .key_count = 1,
                                      .key_channels = keys, .key_types = key_types,
                                      .aggregate_count = 1, .aggregates = aggs,
                                      .group_id_key = -1};
    shoal_error error = {0};
    operator *a = hash_aggregation_create(1, &config, &error);
    cr_assert(a);
    cr_assert(a->ops->add_input(a, p, &error));
    cr_assert_gt(a->stats.peak_memory_bytes, 3 * 16);
    a->ops->close(a);
}
