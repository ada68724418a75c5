/*
 * test_distinct.c — mark distinct (with NULL keys, across pages), distinct
 * limit, INTERSECT/EXCEPT [ALL|DISTINCT] by per-side counting.
 */
#include "op_test_util.h"

#include "operators/op_distinct_limit.h"
#include "operators/op_mark_distinct.h"
#include "operators/op_set_operation.h"

static collector *run(page **pages, int count, operator *op)
{
    shoal_error error = {0};
    cr_assert(op);
    collector *c = collector_new();
    operator *ops[] = {tp_values(pages, count), op, &c->base};
    cr_assert_eq(tp_run(ops, 3, &error), DRIVER_FINISHED, "%s", error.message);
    return c;
}

static const sql_type bigints[] = {{TYPE_BIGINT, 0, 0, 0, NULL}, {TYPE_BIGINT, 0, 0, 0, NULL},
                                   {TYPE_BIGINT, 0, 0, 0, NULL}};

Test(distinct, mark_distinct_marks_first_occurrence)
{
    int64_t a[] = {1, 10, 2, 20, 1, 11, TNULL, 30};
    int64_t b[] = {TNULL, 31, 2, 21, 3, 40};
    page *pages[] = {tp_bigints(2, 4, a), tp_bigints(2, 3, b)};
    int keys[] = {0};
    shoal_error error = {0};
    collector *c = run(pages, 2, mark_distinct_create(1, 1, keys, bigints, &error));
    int64_t expected[] = {1, 10, 1,  2, 20, 1,  1, 11, 0,  TNULL, 30, 1,
                          TNULL, 31, 0,  2, 21, 0,  3, 40, 1};
    tp_expect_rows(c, 3, expected, 7, false);
    collector_close(&c->base);
}

Test(distinct, distinct_limit_stops_after_n)
{
    int64_t a[] = {5, 5, 6, TNULL, 6, 7, 8};
    page *p = tp_bigints(1, 7, a);
    int keys[] = {0};
    shoal_error error = {0};
    collector *c = run(&p, 1, distinct_limit_create(1, 1, keys, bigints, 3, &error));
    int64_t expected[] = {5, 6, TNULL};
    tp_expect_rows(c, 1, expected, 3, true);
    collector_close(&c->base);

    p = tp_bigints(1, 7, a);
    c = run(&p, 1, distinct_limit_create(1, 1, keys, bigints, -1, &error));
    int64_t all[] = {5, 6, TNULL, 7, 8};
    tp_expect_rows(c, 1, all, 5, true);
    collector_close(&c->base);
}

/* left: 1,1,1,2,NULL,3   right: 1,2,2,NULL,4 */
static page *sides(void)
{
    int64_t rows[] = {1, 0, 1, 0, 1, 0, 2, 0, TNULL, 0, 3, 0,
                      1, 1, 2, 1, 2, 1, TNULL, 1, 4, 1};
    return tp_bigints(2, 11, rows);
}

static collector *set_op(set_operation_kind kind, bool all)
{
    page *p = sides();
    shoal_error error = {0};
    return run(&p, 1, set_operation_create(1, kind, all, 1, bigints, &error));
}

Test(distinct, intersect_and_except)
{
    collector *c = set_op(SET_OPERATION_INTERSECT, false);
    int64_t intersect[] = {1, 2, TNULL};
    tp_expect_rows(c, 1, intersect, 3, true);
    collector_close(&c->base);

    c = set_op(SET_OPERATION_INTERSECT, true);
    int64_t intersect_all[] = {1, 2, TNULL};
    tp_expect_rows(c, 1, intersect_all, 3, true);
    collector_close(&c->base);

    c = set_op(SET_OPERATION_EXCEPT, false);
    int64_t except[] = {3};
    tp_expect_rows(c, 1, except, 1, true);
    collector_close(&c->base);

    c = set_op(SET_OPERATION_EXCEPT, true);
    int64_t except_all[] = {1, 1, 3};
    tp_expect_rows(c, 1, except_all, 3, true);
    collector_close(&c->base);
}

Test(distinct, except_all_many_copies_span_pages)
{
    enum { N = 5000 }; /* 3 pages x 2000 rows of 42: 5000 left, 1000 right */
    page *pages[3];
    for (int pg = 0; pg < 3; pg++) {
        pages[pg] = tp_new(2, bigints, 2000);
        for (uint32_t i = 0; i < 2000; i++) {
            tp_set_i64(pages[pg], 0, i, 42);
            tp_set_i64(pages[pg], 1, i, pg == 2 && i >= 1000 ? 1 : 0);
        }
    }
    shoal_error error = {0};
    collector *c = run(pages, 3, set_operation_create(1, SET_OPERATION_EXCEPT, true, 1, bigints, &error));
    cr_assert_eq(c->rows, N - 1000); /* 5000 left copies - 1000 right */
    collector_close(&c->base);
}
