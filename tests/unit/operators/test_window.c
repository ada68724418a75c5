/*
 * test_window.c — window functions over partitions with ties and NULLs:
 * ranking, ntile, percent_rank/cume_dist, lag/lead with defaults,
 * first/last/nth_value, aggregates over RANGE (peers) and ROWS frames,
 * bad frames and arguments.
 */
#include "op_test_util.h"

#include "operators/op_window.h"

static const sql_type three_bigints[] = {{TYPE_BIGINT, 0, 0, 0, NULL}, {TYPE_BIGINT, 0, 0, 0, NULL},
                                         {TYPE_BIGINT, 0, 0, 0, NULL}};

static window_function_spec fn(window_function_kind kind, int arg, int64_t offset)
{
    window_function_spec f = {.kind = kind, .argument_channel = arg, .offset = offset,
                              .default_channel = -1};
    return f;
}

static window_function_spec rows_frame(window_function_spec f, window_bound start, int64_t so,
                                       window_bound end, int64_t eo)
{
    f.has_frame = true;
    f.frame = (window_frame){WINDOW_FRAME_ROWS, start, so, end, eo};
    return f;
}

Test(window, functions_over_partitions_with_ties_and_nulls)
{
    /* (partition, value, id) */
    int64_t rows[] = {1, 20, 0,  2, TNULL, 1,  1, 10, 2,  1, 30, 3,  2, 5, 4,  1, 20, 5};
    page *p = tp_bigints(3, 6, rows);
    int partition[] = {0};
    sort_key order[] = {{1, false, false}};
    window_function_spec functions[14];
    int n = 0;
    functions[n++] = fn(WINDOW_ROW_NUMBER, -1, 0);
    functions[n++] = fn(WINDOW_RANK, -1, 0);
    functions[n++] = fn(WINDOW_DENSE_RANK, -1, 0);
    functions[n++] = fn(WINDOW_NTILE, -1, 2);
    functions[n++] = fn(WINDOW_LAG, 1, 1);
    functions[n] = fn(WINDOW_LEAD, 1, 1);
    functions[n++].default_channel = 2;
    functions[n++] = fn(WINDOW_FIRST_VALUE, 1, 0);
    functions[n++] = fn(WINDOW_LAST_VALUE, 1, 0);
    functions[n++] = rows_frame(fn(WINDOW_NTH_VALUE, 1, 2), WINDOW_UNBOUNDED_PRECEDING, 0,
                                WINDOW_UNBOUNDED_FOLLOWING, 0);
    functions[n] = fn(WINDOW_AGGREGATE, 1, 0);
    functions[n++].aggregate = &tp_sum;
    functions[n] = rows_frame(fn(WINDOW_AGGREGATE, 1, 0), WINDOW_PRECEDING, 1, WINDOW_FOLLOWING, 1);
    functions[n++].aggregate = &tp_sum;
    functions[n] = rows_frame(fn(WINDOW_AGGREGATE, -1, 0), WINDOW_UNBOUNDED_PRECEDING, 0,
                              WINDOW_UNBOUNDED_FOLLOWING, 0);
    functions[n++].aggregate = &tp_count_star;
    functions[n++] = fn(WINDOW_PERCENT_RANK, -1, 0);
    functions[n++] = fn(WINDOW_CUME_DIST, -1, 0);
    shoal_error error = {0};
    operator *w = window_create(1, 3, three_bigints, 1, partition, 1, order, n, functions, &error);
    cr_assert(w, "%s", error.message);
    collector *c = collector_new();
    operator *ops[] = {tp_values(&p, 1), w, &c->base};
    cr_assert_eq(tp_run(ops, 3, &error), DRIVER_FINISHED, "%s", error.message);
    /* p, v, id, row_number, rank, dense_rank, ntile, lag, lead, first, last, nth, sum_run, sum_rows, count */
    int64_t expected[] = {
        1, 10, 2,      1, 1, 1, 1,  TNULL, 20,  10, 10, 20,  10, 30, 4,
        1, 20, 0,      2, 2, 2, 1,  10, 20,     10, 20, 20,  50, 50, 4,
        1, 20, 5,      3, 2, 2, 2,  20, 30,     10, 20, 20,  50, 70, 4,
        1, 30, 3,      4, 4, 3, 2,  20, 3,      10, 30, 20,  80, 50, 4,
        2, 5, 4,       1, 1, 1, 1,  TNULL, TNULL, 5, 5, TNULL, 5, 5, 2,
        2, TNULL, 1,   2, 2, 2, 2,  5, 1,       5, TNULL, TNULL, 5, 5, 2,
    };
    tp_expect_rows(c, 15, expected, 6, false);
    double percent[] = {0, 1.0 / 3, 1.0 / 3, 1, 0, 1};
    double cume[] = {0.25, 0.75, 0.75, 1, 0.5, 1};
    for (uint64_t r = 0; r < 6; r++) {
        value pr = collector_value(c, r, 15), cd = collector_value(c, r, 16);
        cr_assert_float_eq(pr.u.f64, percent[r], 1e-12, "percent_rank row %llu", (unsigned long long)r);
        cr_assert_float_eq(cd.u.f64, cume[r], 1e-12, "cume_dist row %llu", (unsigned long long)r);
    }
    collector_close(&c->base);
}

Test(window, no_partition_no_order_and_empty_input)
{
    int64_t rows[] = {3, 0, 0, 1, 0, 0, 2, 0, 0};
    page *p = tp_bigints(3, 3, rows);
    window_function_spec functions[] = {fn(WINDOW_ROW_NUMBER, -1, 0), fn(WINDOW_RANK, -1, 0)};
    shoal_error error = {0};
    operator *w = window_create(1, 3, three_bigints, 0, NULL, 0, NULL, 2, functions, &error);
    collector *c = collector_new();
    operator *ops[] = {tp_values(&p, 1), w, &c->base};
    cr_assert_eq(tp_run(ops, 3, &error), DRIVER_FINISHED);
    int64_t expected[] = {3, 0, 0, 1, 1,  1, 0, 0, 2, 1,  2, 0, 0, 3, 1};
    tp_expect_rows(c, 5, expected, 3, false);
    collector_close(&c->base);

    w = window_create(1, 3, three_bigints, 0, NULL, 0, NULL, 2, functions, &error);
    c = collector_new();
    operator *ops2[] = {tp_values(NULL, 0), w, &c->base};
    cr_assert_eq(tp_run(ops2, 3, &error), DRIVER_FINISHED);
    cr_assert_eq(c->rows, 0);
    collector_close(&c->base);
}

Test(window, large_partition_running_sum)
{
    enum { PAGES = 5 };
    page *pages[PAGES];
    for (int pg = 0; pg < PAGES; pg++) {
        pages[pg] = tp_new(3, three_bigints, VECTOR_SIZE);
        for (uint32_t i = 0; i < VECTOR_SIZE; i++) {
            int64_t id = pg * VECTOR_SIZE + (int64_t)i;
            tp_set_i64(pages[pg], 0, i, id % 2);
            tp_set_i64(pages[pg], 1, i, id);
            tp_set_i64(pages[pg], 2, i, 1);
        }
    }
    int partition[] = {0};
    sort_key order[] = {{1, true, false}};
    window_function_spec f = rows_frame(fn(WINDOW_AGGREGATE, 2, 0), WINDOW_UNBOUNDED_PRECEDING, 0,
                                        WINDOW_CURRENT_ROW, 0);
    f.aggregate = &tp_sum;
    shoal_error error = {0};
    operator *w = window_create(1, 3, three_bigints, 1, partition, 1, order, 1, &f, &error);
    collector *c = collector_new();
    operator *ops[] = {tp_values(pages, PAGES), w, &c->base};
    cr_assert_eq(tp_run(ops, 3, &error), DRIVER_FINISHED);
    cr_assert_eq(c->rows, PAGES * VECTOR_SIZE);
    int64_t expect_running = 0, last_partition = -1;
    for (uint64_t r = 0; r < c->rows; r++) {
        int64_t part = collector_i64(c, r, 0);
        if (part != last_partition)
            expect_running = 0;
        last_partition = part;
        cr_assert_eq(collector_i64(c, r, 3), ++expect_running);
    }
    collector_close(&c->base);
}

Test(window, bad_arguments_are_errors)
{
    shoal_error error = {0};
    window_function_spec ntile = fn(WINDOW_NTILE, -1, 0);
    cr_assert_null(window_create(1, 3, three_bigints, 0, NULL, 0, NULL, 1, &ntile, &error));
    cr_assert_eq(error.code, ERR_INVALID_FUNCTION_ARGUMENT);
    window_function_spec range = fn(WINDOW_AGGREGATE, 1, 0);
    range.aggregate = &tp_sum;
    range.has_frame = true;
    range.frame = (window_frame){WINDOW_FRAME_RANGE, WINDOW_PRECEDING, 5, WINDOW_CURRENT_ROW, 0};
    cr_assert_null(window_create(1, 3, three_bigints, 0, NULL, 0, NULL, 1, &range, &error));
    cr_assert_eq(error.code, ERR_NOT_SUPPORTED);
    window_function_spec lag = fn(WINDOW_LAG, -1, 1);
    cr_assert_null(window_create(1, 3, three_bigints, 0, NULL, 0, NULL, 1, &lag, &error));
}
