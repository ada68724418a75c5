/*
 * test_basic.c — the small operators: values, limit/offset,
 * enforce_single_row, table_scan over a fake page source.
 */
#include "op_test_util.h"

#include "operators/op_enforce_single_row.h"
#include "operators/op_limit.h"
#include "operators/op_table_scan.h"

static page *seq_page(int64_t start, uint32_t n)
{
    page *p = tp_new(1, (sql_type[]){T_BIGINT}, n);
    for (uint32_t i = 0; i < n; i++)
        ((int64_t *)p->columns[0].data)[i] = start + i;
    return p;
}

static collector *run_one(page **pages, int count, operator *op, driver_status expect,
                          shoal_error *error)
{
    collector *c = collector_new();
    operator *ops[] = {tp_values(pages, count), op, &c->base};
    cr_assert_eq(tp_run(ops, 3, error), expect, "%s", error->message);
    return c;
}

Test(basic, values_emits_pages)
{
    page *pages[] = {seq_page(0, 3), seq_page(3, 2)};
    collector *c = collector_new();
    operator *ops[] = {tp_values(pages, 2), &c->base};
    shoal_error error = {0};
    cr_assert_eq(tp_run(ops, 2, &error), DRIVER_FINISHED);
    int64_t expected[] = {0, 1, 2, 3, 4};
    tp_expect_rows(c, 1, expected, 5, false);
    collector_close(&c->base);
}

Test(basic, limit_and_offset_across_pages)
{
    page *pages[] = {seq_page(0, 5), seq_page(5, 5), seq_page(10, 5)};
    shoal_error error = {0};
    collector *c = run_one(pages, 3, limit_create(1, 6, 3), DRIVER_FINISHED, &error);
    int64_t expected[] = {3, 4, 5, 6, 7, 8};
    tp_expect_rows(c, 1, expected, 6, false);
    collector_close(&c->base);

    page *more[] = {seq_page(0, 5), seq_page(5, 5)};
    c = run_one(more, 2, limit_create(1, -1, 7), DRIVER_FINISHED, &error);
    int64_t tail[] = {7, 8, 9};
    tp_expect_rows(c, 1, tail, 3, false);
    collector_close(&c->base);

    page *zero[] = {seq_page(0, 5)};
    c = run_one(zero, 1, limit_create(1, 0, 0), DRIVER_FINISHED, &error);
    cr_assert_eq(c->rows, 0);
    collector_close(&c->base);
}

Test(basic, enforce_single_row)
{
    shoal_error error = {0};
    sql_type types[] = {T_BIGINT};
    page *one[] = {seq_page(42, 1)};
    collector *c = run_one(one, 1, enforce_single_row_create(1, 1, types), DRIVER_FINISHED, &error);
    int64_t expected[] = {42};
    tp_expect_rows(c, 1, expected, 1, false);
    collector_close(&c->base);

    c = run_one(NULL, 0, enforce_single_row_create(1, 1, types), DRIVER_FINISHED, &error);
    int64_t null_row[] = {TNULL};
    tp_expect_rows(c, 1, null_row, 1, false);
    collector_close(&c->base);

    page *two[] = {seq_page(1, 1), seq_page(2, 1)};
    c = run_one(two, 2, enforce_single_row_create(1, 1, types), DRIVER_FAILED, &error);
    cr_assert_eq(error.code, ERR_SUBQUERY_MULTIPLE_ROWS);
    cr_assert_str_eq(error.message, "Scalar sub-query has returned multiple rows");
    collector_close(&c->base);
}

/* a page source that is blocked every other call, then gives pages */
typedef struct fake_source {
    page_source base;
    int calls;
    int pages_left;
    bool closed;
} fake_source;

static source_status fake_next(page_source *s, page **out, source_wait *wait, shoal_error *error)
{
    (void)error;
    fake_source *f = (fake_source *)s;
    if (f->calls++ % 2 == 0) {
        wait->kind = SOURCE_WAIT_FD_READABLE;
        wait->fd = 7;
        return SOURCE_BLOCKED;
    }
    if (f->pages_left == 0)
        return SOURCE_FINISHED;
    f->pages_left--;
    *out = seq_page(f->pages_left * 10, 10);
    return SOURCE_PAGE;
}
static uint64_t fake_bytes(page_source *s)
{
    return (uint64_t)((fake_source *)s)->calls * 100;
}
static void fake_close(page_source *s)
{
    ((fake_source *)s)->closed = true;
}
static const page_source_ops fake_ops = {fake_next, fake_bytes, fake_close};

Test(basic, table_scan_blocks_and_counts)
{
    fake_source source = {.base = {&fake_ops}, .pages_left = 3};
    operator *scan = table_scan_create(1, &source.base);
    collector *c = collector_new();
    operator *ops[] = {scan, &c->base};
    driver *d = driver_create(ops, 2);
    operator_wait wait;
    shoal_error error = {0};
    int blocked = 0;
    driver_status status;
    while ((status = driver_process(d, 0, NULL, &wait, &error)) != DRIVER_FINISHED) {
        cr_assert_neq(status, DRIVER_FAILED);
        if (status == DRIVER_BLOCKED) {
            cr_assert_eq(wait.source.kind, SOURCE_WAIT_FD_READABLE);
            cr_assert_eq(wait.source.fd, 7);
            blocked++;
        }
    }
    cr_assert_geq(blocked, 3);
    cr_assert_eq(c->rows, 30);
    cr_assert_eq(scan->stats.input_rows, 30);
    cr_assert_gt(scan->stats.input_bytes, 0);
    d->operators[1] = NULL;
    driver_close(d);
    cr_assert(source.closed);
    collector_close(&c->base);
}
