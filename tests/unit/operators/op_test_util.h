/*
 * op_test_util.h — helpers for the operator tests: build small pages by
 * hand, run a chain of operators through the real driver into a collecting
 * sink, read the result back as rows, and test-double aggregates (sum,
 * count) made directly as aggregate_function structs (no interface symbols
 * are defined here).
 */
#ifndef SHOAL_TESTS_OP_TEST_UTIL_H
#define SHOAL_TESTS_OP_TEST_UTIL_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "connectors/spi/page.h"
#include "connectors/spi/value.h"
#include "operators/aggregate_function.h"
#include "operators/driver.h"
#include "operators/op_values.h"

#define T_BIGINT type_make(TYPE_BIGINT)
#define T_INTEGER type_make(TYPE_INTEGER)
#define T_DOUBLE type_make(TYPE_DOUBLE)
#define T_BOOLEAN type_make(TYPE_BOOLEAN)
#define T_VARCHAR type_varchar(VARCHAR_UNBOUNDED)

#define TNULL INT64_MIN   /* marks NULL in int64 test arrays */

static inline page *tp_new(int columns, const sql_type *types, uint32_t rows)
{
    page *p = page_new(columns, types, rows ? rows : 1);
    cr_assert(p);
    p->row_count = rows;
    return p;
}

static inline void tp_set_i64(page *p, int col, uint32_t row, int64_t v)
{
    vector *c = &p->columns[col];
    if (v == TNULL) {
        cr_assert(vector_set_null(c, row));
        return;
    }
    switch (type_physical(c->type)) {
    case PHYSICAL_INT64: ((int64_t *)c->data)[row] = v; break;
    case PHYSICAL_INT32: ((int32_t *)c->data)[row] = (int32_t)v; break;
    case PHYSICAL_INT16: ((int16_t *)c->data)[row] = (int16_t)v; break;
    case PHYSICAL_BOOL:
    case PHYSICAL_INT8: ((int8_t *)c->data)[row] = (int8_t)v; break;
    case PHYSICAL_DOUBLE: ((double *)c->data)[row] = (double)v; break;
    case PHYSICAL_INT128: ((__int128 *)c->data)[row] = v; break;
    default: cr_assert_fail("tp_set_i64 on a non-integer column");
    }
}

static inline void tp_set_str(page *p, int col, uint32_t row, const char *s)
{
    vector *c = &p->columns[col];
    if (!s) {
        cr_assert(vector_set_null(c, row));
        return;
    }
    cr_assert(vector_add_string(c, s, (uint32_t)strlen(s), (string_view *)c->data + row));
}

/* A page of bigint columns from a row-major array (TNULL = NULL). */
static inline page *tp_bigints(int columns, uint32_t rows, const int64_t *values)
{
    sql_type types[16];
    for (int c = 0; c < columns; c++)
        types[c] = T_BIGINT;
    page *p = tp_new(columns, types, rows);
    for (uint32_t r = 0; r < rows; r++)
        for (int c = 0; c < columns; c++)
            tp_set_i64(p, c, r, values[r * (uint32_t)columns + (uint32_t)c]);
    return p;
}

/* ---- the collecting sink ----------------------------------------------- */

typedef struct collector {
    operator base;
    page **pages;
    int page_count;
    int capacity;
    bool finished;
    uint64_t rows;
} collector;

static bool collector_needs_input(operator *op)
{
    return !((collector *)op)->finished;
}
static bool collector_add_input(operator *op, page *p, shoal_error *error)
{
    (void)error;
    collector *c = (collector *)op;
    if (c->page_count == c->capacity) {
        c->capacity = c->capacity ? c->capacity * 2 : 16;
        c->pages = realloc(c->pages, sizeof *c->pages * (size_t)c->capacity);
    }
    cr_assert_leq(p->row_count, VECTOR_SIZE);
    c->pages[c->page_count++] = p;
    c->rows += p->row_count;
    return true;
}
static bool collector_get_output(operator *op, page **out, shoal_error *error)
{
    (void)op, (void)error;
    *out = NULL;
    return true;
}
static void collector_finish(operator *op)
{
    ((collector *)op)->finished = true;
}
static bool collector_is_finished(operator *op)
{
    return ((collector *)op)->finished;
}
static void collector_close(operator *op)
{
    collector *c = (collector *)op;
    for (int i = 0; i < c->page_count; i++)
        page_unref(c->pages[i]);
    free(c->pages);
    free(c);
}
static const operator_ops collector_ops = {
    .name = "TestCollector",
    .needs_input = collector_needs_input,
    .add_input = collector_add_input,
    .get_output = collector_get_output,
    .finish = collector_finish,
    .is_finished = collector_is_finished,
    .close = collector_close,
};
static inline collector *collector_new(void)
{
    collector *c = calloc(1, sizeof *c);
    operator_init_header(&c->base, &collector_ops, 0);
    return c;
}

/* Value at global row `row`, column `col` of what the collector holds. */
static inline value collector_value(const collector *c, uint64_t row, int col)
{
    for (int i = 0; i < c->page_count; i++) {
        if (row < c->pages[i]->row_count)
            return value_load(&c->pages[i]->columns[col], (uint32_t)row);
        row -= c->pages[i]->row_count;
    }
    cr_assert_fail("row out of range");
    return value_null(T_BIGINT);
}

static inline int64_t collector_i64(const collector *c, uint64_t row, int col)
{
    value v = collector_value(c, row, col);
    if (v.is_null)
        return TNULL;
    switch (type_physical(v.type)) {
    case PHYSICAL_BOOL: return v.u.boolean;
    case PHYSICAL_DOUBLE: return (int64_t)v.u.f64;
    case PHYSICAL_INT128: return (int64_t)v.u.i128;
    default: return v.u.i64;
    }
}

/* Copies all rows (bigint-ish columns) into a row-major array, sorted
 * lexicographically when `sort` (for order-free results). */
static int tp_cols_for_sort;
static inline int tp_row_compare(const void *a, const void *b)
{
    const int64_t *x = a, *y = b;
    for (int i = 0; i < tp_cols_for_sort; i++)
        if (x[i] != y[i])
            return x[i] < y[i] ? -1 : 1;
    return 0;
}
static inline int64_t *collector_rows_i64(const collector *c, int columns, bool sort)
{
    int64_t *rows = calloc(c->rows * (uint64_t)columns + 1, sizeof *rows);
    for (uint64_t r = 0; r < c->rows; r++)
        for (int k = 0; k < columns; k++)
            rows[r * (uint64_t)columns + (uint64_t)k] = collector_i64(c, r, k);
    if (sort) {
        tp_cols_for_sort = columns;
        qsort(rows, c->rows, sizeof(int64_t) * (size_t)columns, tp_row_compare);
    }
    return rows;
}

static inline void tp_expect_rows(const collector *c, int columns, const int64_t *expected,
                                  uint64_t expected_rows, bool sort)
{
    cr_assert_eq(c->rows, expected_rows, "rows: got %llu, expected %llu",
                 (unsigned long long)c->rows, (unsigned long long)expected_rows);
    int64_t *got = collector_rows_i64(c, columns, sort);
    int64_t *want = malloc(sizeof(int64_t) * (expected_rows * (uint64_t)columns + 1));
    memcpy(want, expected, sizeof(int64_t) * expected_rows * (uint64_t)columns);
    if (sort) {
        tp_cols_for_sort = columns;
        qsort(want, expected_rows, sizeof(int64_t) * (size_t)columns, tp_row_compare);
    }
    for (uint64_t i = 0; i < expected_rows * (uint64_t)columns; i++)
        cr_assert_eq(got[i], want[i], "row %llu col %llu: got %lld, expected %lld",
                     (unsigned long long)(i / (uint64_t)columns),
                     (unsigned long long)(i % (uint64_t)columns), (long long)got[i],
                     (long long)want[i]);
    free(got);
    free(want);
}

/* ---- running pipelines --------------------------------------------------- */

/* Runs operators (the last one is usually a collector) to completion;
 * returns the final status (FINISHED or FAILED). A BLOCKED driver that can
 * never be woken here fails the test. */
static inline driver_status tp_run(operator **ops, int n, shoal_error *error)
{
    driver *d = driver_create(ops, n);
    cr_assert(d);
    operator_wait wait;
    driver_status status;
    int spins = 0;
    do {
        status = driver_process(d, 0, NULL, &wait, error);
        cr_assert_neq(status, DRIVER_BLOCKED, "pipeline blocked with nothing to wake it");
        cr_assert_lt(++spins, 100000000);
    } while (status == DRIVER_YIELD);
    /* keep the collector alive: detach it before closing */
    d->operators[n - 1] = NULL;
    driver_close(d);
    return status;
}

/* Source of the given pages (consumes the caller's references). */
static inline operator *tp_values(page **pages, int count)
{
    operator *v = values_create(0, pages, count);
    cr_assert(v);
    for (int i = 0; i < count; i++)
        page_unref(pages[i]);
    return v;
}

/* ---- test-double aggregates ----------------------------------------------- */

typedef struct tp_sum_state {
    int64_t sum;
    int64_t has;
} tp_sum_state;

static void tp_sum_init(const aggregate_function *f, void *state)
{
    (void)f;
    memset(state, 0, sizeof(tp_sum_state));
}
static bool tp_sum_update(const aggregate_function *f, void *const *states, uint32_t count,
                          const vector *const *args, shoal_error *error)
{
    (void)f, (void)error;
    vector_view v = vector_view_of(args[0]);
    const int64_t *d = v.data;
    for (uint32_t i = 0; i < count; i++) {
        uint32_t x = vector_view_index(&v, i);
        if (!vector_view_valid(&v, x))
            continue;
        tp_sum_state *s = states[i];
        s->sum += d[x];
        s->has = 1;
    }
    return true;
}
static bool tp_sum_combine(const aggregate_function *f, void *target, const void *source,
                           shoal_error *error)
{
    (void)f, (void)error;
    tp_sum_state *t = target;
    const tp_sum_state *s = source;
    t->sum += s->sum;
    t->has |= s->has;
    return true;
}
static bool tp_sum_write(const aggregate_function *f, const void *state, vector *out, uint32_t row)
{
    (void)f;
    const tp_sum_state *s = state;
    if (!s->has)
        return vector_set_null(out, row);
    ((int64_t *)out->data)[row] = s->sum;
    vector_set_valid(out, row);
    return true;
}
static bool tp_sum_finalize(const aggregate_function *f, const void *state, vector *out,
                            uint32_t row, shoal_error *error)
{
    (void)error;
    return tp_sum_write(f, state, out, row);
}


static bool tp_count_update(const aggregate_function *f, void *const *states, uint32_t count,
                            const vector *const *args, shoal_error *error)
{
    (void)error;
    if (f->data == NULL) { /* count(*) */
        for (uint32_t i = 0; i < count; i++)
            ((tp_sum_state *)states[i])->sum++;
        return true;
    }
    vector_view v = vector_view_of(args[0]);
    for (uint32_t i = 0; i < count; i++)
        ((tp_sum_state *)states[i])->sum += vector_view_valid(&v, vector_view_index(&v, i));
    return true;
}
static bool tp_count_merge(const aggregate_function *f, void *const *states, uint32_t count,
                           const vector *intermediate, shoal_error *error)
{
    (void)f, (void)error;
    vector_view v = vector_view_of(intermediate);
    const int64_t *d = v.data;
    for (uint32_t i = 0; i < count; i++) {
        uint32_t x = vector_view_index(&v, i);
        if (vector_view_valid(&v, x))
            ((tp_sum_state *)states[i])->sum += d[x];
    }
    return true;
}
static bool tp_count_write(const aggregate_function *f, const void *state, vector *out,
                           uint32_t row)
{
    (void)f;
    ((int64_t *)out->data)[row] = ((const tp_sum_state *)state)->sum;
    vector_set_valid(out, row);
    return true;
}
static bool tp_count_finalize(const aggregate_function *f, const void *state, vector *out,
                              uint32_t row, shoal_error *error)
{
    (void)error;
    return tp_count_write(f, state, out, row);
}
static bool tp_sum_merge(const aggregate_function *f, void *const *states, uint32_t count,
                         const vector *intermediate, shoal_error *error)
{
    const vector *args[1] = {intermediate};
    return tp_sum_update(f, states, count, args, error);
}

static const aggregate_function tp_sum = {
    .name = "sum",
    .state_size = sizeof(tp_sum_state),
    .return_type = {TYPE_BIGINT, 0, 0, 0, NULL},
    .intermediate_type = {TYPE_BIGINT, 0, 0, 0, NULL},
    .init = tp_sum_init,
    .update = tp_sum_update,
    .combine = tp_sum_combine,
    .write_intermediate = tp_sum_write,
    .merge_intermediate = tp_sum_merge,
    .finalize = tp_sum_finalize,
};
static const aggregate_function tp_count_star = {
    .name = "count",
    .state_size = sizeof(tp_sum_state),
    .return_type = {TYPE_BIGINT, 0, 0, 0, NULL},
    .intermediate_type = {TYPE_BIGINT, 0, 0, 0, NULL},
    .init = tp_sum_init,
    .update = tp_count_update,
    .combine = tp_sum_combine,
    .write_intermediate = tp_count_write,
    .merge_intermediate = tp_count_merge,
    .finalize = tp_count_finalize,
    .data = NULL,
};
static const aggregate_function tp_count = {
    .name = "count",
    .state_size = sizeof(tp_sum_state),
    .return_type = {TYPE_BIGINT, 0, 0, 0, NULL},
    .intermediate_type = {TYPE_BIGINT, 0, 0, 0, NULL},
    .init = tp_sum_init,
    .update = tp_count_update,
    .combine = tp_sum_combine,
    .write_intermediate = tp_count_write,
    .merge_intermediate = tp_count_merge,
    .finalize = tp_count_finalize,
    .data = "x",
};

#endif
