/*
 * test_sort.c — ORDER BY and TOP-N: multiple keys, ASC/DESC with NULLS
 * FIRST/LAST, strings that agree on a long prefix, doubles with NaN and
 * -0.0, stability, empty input, a large random sort checked against qsort,
 * TOP-N against ORDER BY + LIMIT.
 */
#include "op_test_util.h"

#include <math.h>

#include "operators/op_limit.h"
#include "operators/op_order_by.h"
#include "operators/op_top_n.h"

static collector *sort_pages(page **pages, int count, int columns, const sql_type *types,
                             int key_count, const sort_key *keys, int64_t top_n)
{
    int outputs[16];
    for (int i = 0; i < columns; i++)
        outputs[i] = i;
    shoal_error error = {0};
    operator *op = top_n >= 0
                       ? top_n_create(1, columns, types, key_count, keys, (uint64_t)top_n, columns,
                                      outputs, &error)
                       : order_by_create(1, columns, types, key_count, keys, columns, outputs,
                                         &error);
    cr_assert(op, "%s", error.message);
    collector *c = collector_new();
    operator *ops[] = {tp_values(pages, count), op, &c->base};
    cr_assert_eq(tp_run(ops, 3, &error), DRIVER_FINISHED, "%s", error.message);
    return c;
}

static const int64_t rows_ab[] = {2, 1,  TNULL, 5,  1, 7,  2, TNULL,  1, 3,  TNULL, TNULL,  3, 0};
static const sql_type two_bigints[] = {{TYPE_BIGINT, 0, 0, 0, NULL}, {TYPE_BIGINT, 0, 0, 0, NULL}};

Test(sort, two_keys_asc_nulls_last_default)
{
    page *p = tp_bigints(2, 7, rows_ab);
    sort_key keys[] = {{0, false, false}, {1, false, false}};
    collector *c = sort_pages(&p, 1, 2, two_bigints, 2, keys, -1);
    int64_t expected[] = {1, 3,  1, 7,  2, 1,  2, TNULL,  3, 0,  TNULL, 5,  TNULL, TNULL};
    tp_expect_rows(c, 2, expected, 7, false);
    collector_close(&c->base);
}

Test(sort, desc_nulls_last_and_asc_nulls_first)
{
    page *p = tp_bigints(2, 7, rows_ab);
    sort_key keys[] = {{0, true, false}, {1, false, true}};
    collector *c = sort_pages(&p, 1, 2, two_bigints, 2, keys, -1);
    int64_t expected[] = {3, 0,  2, TNULL,  2, 1,  1, 3,  1, 7,  TNULL, TNULL,  TNULL, 5};
    tp_expect_rows(c, 2, expected, 7, false);
    collector_close(&c->base);

    p = tp_bigints(2, 7, rows_ab);
    sort_key keys2[] = {{0, true, true}, {1, true, false}};
    c = sort_pages(&p, 1, 2, two_bigints, 2, keys2, -1);
    int64_t expected2[] = {TNULL, 5,  TNULL, TNULL,  3, 0,  2, 1,  2, TNULL,  1, 7,  1, 3};
    tp_expect_rows(c, 2, expected2, 7, false);
    collector_close(&c->base);
}

Test(sort, stable_for_equal_keys)
{
    int64_t rows[] = {1, 0, 0, 1, 1, 2, 0, 3, 1, 4, 0, 5};
    page *p = tp_bigints(2, 6, rows);
    sort_key keys[] = {{0, false, false}};
    collector *c = sort_pages(&p, 1, 2, two_bigints, 1, keys, -1);
    int64_t expected[] = {0, 1, 0, 3, 0, 5, 1, 0, 1, 2, 1, 4};
    tp_expect_rows(c, 2, expected, 6, false);
    collector_close(&c->base);
}

static const char *strings[] = {
    "the same long prefix, then b", "short", NULL, "the same long prefix, then a",
    "the same long prefix", "", "the same long prefix, then a!", "shorT", "a\0"};

Test(sort, strings_with_long_common_prefixes)
{
    sql_type types[] = {T_VARCHAR, T_BIGINT};
    page *p = tp_new(2, types, 8);
    for (uint32_t i = 0; i < 8; i++) {
        tp_set_str(p, 0, i, strings[i]);
        tp_set_i64(p, 1, i, i);
    }
    sort_key keys[] = {{0, false, false}};
    collector *c = sort_pages(&p, 1, 2, types, 1, keys, -1);
    int64_t order[] = {5, 7, 1, 4, 3, 6, 0, 2};
    for (int i = 0; i < 8; i++)
        cr_assert_eq(collector_i64(c, (uint64_t)i, 1), order[i], "position %d: %lld", i,
                     (long long)collector_i64(c, (uint64_t)i, 1));
    collector_close(&c->base);

    p = tp_new(2, types, 8);
    for (uint32_t i = 0; i < 8; i++) {
        tp_set_str(p, 0, i, strings[i]);
        tp_set_i64(p, 1, i, i);
    }
    sort_key desc[] = {{0, true, false}};
    c = sort_pages(&p, 1, 2, types, 1, desc, -1);
    int64_t reversed[] = {0, 6, 3, 4, 1, 7, 5, 2};
    for (int i = 0; i < 8; i++)
        cr_assert_eq(collector_i64(c, (uint64_t)i, 1), reversed[i], "desc position %d", i);
    collector_close(&c->base);
}

Test(sort, doubles_with_nan_and_negative_zero)
{
    sql_type types[] = {T_DOUBLE, T_BIGINT};
    double values[] = {1.5, NAN, -0.0, -2.0, 0.0, INFINITY, -INFINITY};
    page *p = tp_new(2, types, 7);
    for (uint32_t i = 0; i < 7; i++) {
        ((double *)p->columns[0].data)[i] = values[i];
        tp_set_i64(p, 1, i, i);
    }
    sort_key keys[] = {{0, false, false}};
    collector *c = sort_pages(&p, 1, 2, types, 1, keys, -1);
    int64_t order[] = {6, 3, 2, 4, 0, 5, 1}; /* -0.0 and 0.0 tie: arrival order */
    for (int i = 0; i < 7; i++)
        cr_assert_eq(collector_i64(c, (uint64_t)i, 1), order[i], "position %d", i);
    collector_close(&c->base);
}

Test(sort, empty_input)
{
    sort_key keys[] = {{0, false, false}};
    collector *c = sort_pages(NULL, 0, 2, two_bigints, 1, keys, -1);
    cr_assert_eq(c->rows, 0);
    collector_close(&c->base);
    c = sort_pages(NULL, 0, 2, two_bigints, 1, keys, 10);
    cr_assert_eq(c->rows, 0);
    collector_close(&c->base);
}

static int compare_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

static page **random_pages(int count, uint64_t seed, int64_t **all)
{
    page **pages = malloc(sizeof(page *) * (size_t)count);
    *all = malloc(sizeof(int64_t) * (size_t)count * VECTOR_SIZE);
    uint64_t x = seed;
    for (int pg = 0; pg < count; pg++) {
        pages[pg] = tp_new(2, two_bigints, VECTOR_SIZE);
        for (uint32_t i = 0; i < VECTOR_SIZE; i++) {
            x = x * 6364136223846793005ull + 1442695040888963407ull;
            int64_t v = (int64_t)(x >> 1) - (INT64_MAX / 2);
            if (pg % 3 == 1)
                v %= 1000; /* many duplicates and small negatives */
            ((int64_t *)pages[pg]->columns[0].data)[i] = v;
            ((int64_t *)pages[pg]->columns[1].data)[i] = pg * VECTOR_SIZE + (int64_t)i;
            (*all)[pg * VECTOR_SIZE + (int)i] = v;
        }
    }
    return pages;
}

Test(sort, large_random_matches_qsort_and_is_stable)
{
    enum { PAGES = 300 };
    int64_t *all;
    page **pages = random_pages(PAGES, 42, &all);
    sort_key keys[] = {{0, false, false}};
    collector *c = sort_pages(pages, PAGES, 2, two_bigints, 1, keys, -1);
    qsort(all, (size_t)PAGES * VECTOR_SIZE, sizeof *all, compare_i64);
    cr_assert_eq(c->rows, (uint64_t)PAGES * VECTOR_SIZE);
    uint64_t r = 0;
    int64_t last_key = INT64_MIN, last_id = -1;
    for (int i = 0; i < c->page_count; i++) {
        const int64_t *k = c->pages[i]->columns[0].data, *id = c->pages[i]->columns[1].data;
        for (uint32_t j = 0; j < c->pages[i]->row_count; j++, r++) {
            cr_assert_eq(k[j], all[r]);
            if (k[j] == last_key)
                cr_assert_gt(id[j], last_id, "not stable");
            last_key = k[j];
            last_id = id[j];
        }
    }
    collector_close(&c->base);
    free(pages);
    free(all);
}

Test(sort, top_n_matches_order_by_limit)
{
    enum { PAGES = 20 };
    int64_t *all;
    page **pages = random_pages(PAGES, 7, &all);
    for (int desc = 0; desc < 2; desc++) {
        sort_key keys[] = {{0, desc != 0, false}};
        for (int pg = 0; pg < PAGES; pg++)
            page_ref(pages[pg]);
        collector *top = sort_pages(pages, PAGES, 2, two_bigints, 1, keys, 100);
        for (int pg = 0; pg < PAGES; pg++)
            page_ref(pages[pg]);
        shoal_error error = {0};
        int outputs[] = {0, 1};
        collector *ref = collector_new();
        operator *ops[] = {tp_values(pages, PAGES),
                           order_by_create(1, 2, two_bigints, 1, keys, 2, outputs, &error),
                           limit_create(2, 100, 0), &ref->base};
        cr_assert_eq(tp_run(ops, 4, &error), DRIVER_FINISHED);
        cr_assert_eq(top->rows, 100);
        cr_assert_eq(ref->rows, 100);
        for (uint64_t r = 0; r < 100; r++) {
            cr_assert_eq(collector_i64(top, r, 0), collector_i64(ref, r, 0));
            cr_assert_eq(collector_i64(top, r, 1), collector_i64(ref, r, 1), "tie order at %llu",
                         (unsigned long long)r);
        }
        collector_close(&top->base);
        collector_close(&ref->base);
    }
    for (int pg = 0; pg < PAGES; pg++)
        page_unref(pages[pg]);
    free(pages);
    free(all);
}

Test(sort, top_n_with_nulls_strings_and_small_n)
{
    sql_type types[] = {T_VARCHAR, T_BIGINT};
    page *p = tp_new(2, types, 8);
    for (uint32_t i = 0; i < 8; i++) {
        tp_set_str(p, 0, i, strings[i]);
        tp_set_i64(p, 1, i, i);
    }
    sort_key keys[] = {{0, true, true}};
    collector *c = sort_pages(&p, 1, 2, types, 1, keys, 3);
    int64_t order[] = {2, 0, 6};
    cr_assert_eq(c->rows, 3);
    for (int i = 0; i < 3; i++)
        cr_assert_eq(collector_i64(c, (uint64_t)i, 1), order[i], "position %d", i);
    collector_close(&c->base);

    int64_t rows[] = {5, 0, 1, 1};
    p = tp_bigints(2, 2, rows);
    sort_key k0[] = {{0, false, false}};
    c = sort_pages(&p, 1, 2, two_bigints, 1, k0, 0);
    cr_assert_eq(c->rows, 0);
    collector_close(&c->base);
    p = tp_bigints(2, 2, rows);
    c = sort_pages(&p, 1, 2, two_bigints, 1, k0, 10);
    int64_t expected[] = {1, 1, 5, 0};
    tp_expect_rows(c, 2, expected, 2, false);
    collector_close(&c->base);
}

Test(sort, nested_sort_key_is_rejected)
{
    sql_type types[] = {type_array(T_BIGINT)};
    sort_key keys[] = {{0, false, false}};
    int outputs[] = {0};
    shoal_error error = {0};
    cr_assert_null(order_by_create(1, 1, types, 1, keys, 1, outputs, &error));
    cr_assert_eq(error.code, ERR_NOT_SUPPORTED);
}

Test(sort, cut_off_string_key_decides_before_later_keys)
{
    /* (s, x): s agree on the first 15+ bytes, differ after; x says the opposite */
    sql_type types[] = {T_VARCHAR, T_BIGINT};
    const char *s[] = {"a long common prefix ZZZ", "a long common prefix AAA", "a long common prefix MMM"};
    int64_t x[] = {1, 3, 2};
    sort_key keys[] = {{0, false, false}, {1, false, false}};
    for (int top = 0; top < 2; top++) {
        page *p = tp_new(2, types, 3);
        for (uint32_t i = 0; i < 3; i++) {
            tp_set_str(p, 0, i, s[i]);
            tp_set_i64(p, 1, i, x[i]);
        }
        collector *c = sort_pages(&p, 1, 2, types, 2, keys, top ? 2 : -1);
        int64_t expected[] = {3, 2, 1};
        cr_assert_eq(c->rows, top ? 2u : 3u);
        for (uint64_t r = 0; r < c->rows; r++)
            cr_assert_eq(collector_i64(c, r, 1), expected[r], "top=%d row %llu", top, (unsigned long long)r);
        collector_close(&c->base);
    }
}
