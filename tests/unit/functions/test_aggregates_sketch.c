/*
 * test_aggregates_sketch.c — approx_percentile's T-Digest against exact
 * ranks: uniform, skewed (exponential) and sorted inputs of 1M values,
 * checked against the documented bound (rank error below
 * 1.6 * sqrt(q (1 - q)) / compression; observed at most 0.09 % of N at the
 * default compression 100), on one digest and after eight partial digests
 * cross an intermediate (varbinary) column into a final state; accuracy
 * raises the compression; 101 values land within one value. Also
 * min_by/max_by keep their own copy of long strings after the input
 * vector is gone.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "agg_test_util.h"

/* Feeds values[from..to) with percentile q (and accuracy when given). */
static void feed_doubles(const aggregate_function *f, void *state, const double *values, size_t from, size_t to,
                         double q, double accuracy)
{
    static void *states[VECTOR_SIZE];
    for (int i = 0; i < VECTOR_SIZE; i++)
        states[i] = state;
    for (size_t at = from; at < to; at += VECTOR_SIZE) {
        uint32_t n = (uint32_t)(to - at < VECTOR_SIZE ? to - at : VECTOR_SIZE);
        vector x, w, p, a;
        vector_init_flat(&x, ty("double"), VECTOR_SIZE);
        memcpy(x.data, values + at, sizeof(double) * n);
        double one = 1;
        vector_init_constant(&w, ty("double"), &one);
        vector_init_constant(&p, ty("double"), &q);
        vector_init_constant(&a, ty("double"), &accuracy);
        const vector *two[2] = {&x, &p}, *four[4] = {&x, &w, &p, &a};
        shoal_error e;
        cr_assert(f->update(f, states, n, accuracy > 0 ? four : two, &e), "%s", e.message);
        vector_destroy(&x), vector_destroy(&w), vector_destroy(&p), vector_destroy(&a);
    }
}

static double result_double(const aggregate_function *f, void *state)
{
    vector out;
    vector_init_flat(&out, f->return_type, 1);
    shoal_error e;
    cr_assert(f->finalize(f, state, &out, 0, &e), "%s", e.message);
    double v = ((double *)out.data)[0];
    vector_destroy(&out);
    return v;
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The fraction of sorted values below v (its rank as a quantile). */
static double rank_of(const double *sorted, size_t n, double v)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (sorted[mid] < v)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t below = lo, upto = lo;
    while (upto < n && sorted[upto] == v)
        upto++;
    double want = (double)(below + upto) / 2 / (double)n; /* the middle of v's run */
    return want;
}

static void check_distribution(double *values, size_t n, const char *label, double compression, double accuracy)
{
    static const char *const types[4] = {"double", "double", "double", "double"};
    const aggregate_function *f = agg_n("approx_percentile", accuracy > 0 ? 4 : 2, types);
    double *sorted = malloc(sizeof(double) * n);
    memcpy(sorted, values, sizeof(double) * n);
    qsort(sorted, n, sizeof(double), compare_doubles);
    static const double qs[] = {0.001, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 0.999};
    for (size_t k = 0; k < sizeof qs / sizeof qs[0]; k++) {
        double q = qs[k], bound = 1.6 * sqrt(q * (1 - q)) / compression + 1e-5;
        /* one digest */
        void *s = new_state(f);
        feed_doubles(f, s, values, 0, n, q, accuracy);
        double got = result_double(f, s);
        double error = fabs(rank_of(sorted, n, got) - q);
        cr_expect(error <= bound, "%s q=%g: value %g at rank error %g > %g", label, q, got, error, bound);
        drop_state(f, s);
        /* eight partial digests merged through intermediates */
        vector inter;
        vector_init_flat(&inter, f->intermediate_type, 8);
        for (int part = 0; part < 8; part++) {
            void *p = new_state(f);
            feed_doubles(f, p, values, n * (size_t)part / 8, n * (size_t)(part + 1) / 8, q, accuracy);
            cr_assert(f->write_intermediate(f, p, &inter, (uint32_t)part));
            drop_state(f, p);
        }
        void *final = new_state(f);
        void *states[8] = {final, final, final, final, final, final, final, final};
        shoal_error e;
        cr_assert(f->merge_intermediate(f, states, 8, &inter, &e), "%s", e.message);
        got = result_double(f, final);
        error = fabs(rank_of(sorted, n, got) - q);
        cr_expect(error <= bound, "%s merged q=%g: value %g at rank error %g > %g", label, q, got, error, bound);
        drop_state(f, final);
        vector_destroy(&inter);
    }
    free(sorted);
}

Test(aggregates_sketch, approx_percentile_rank_error)
{
    size_t n = 1000000;
    double *values = malloc(sizeof(double) * n);
    uint64_t seed = 42;
    for (size_t i = 0; i < n; i++) {
        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        values[i] = (double)(seed >> 11) / 9007199254740992.0;
    }
    check_distribution(values, n, "uniform", 100, 0);
    for (size_t i = 0; i < n; i++)
        values[i] = -log(1 - values[i]); /* exponential: a long right tail */
    check_distribution(values, n, "exponential", 100, 0);
    check_distribution(values, n, "exponential accuracy 0.001", 1000, 0.001);
    for (size_t i = 0; i < n; i++)
        values[i] = (double)i; /* sorted input */
    check_distribution(values, n, "sorted", 100, 0);
    free(values);
}

Test(aggregates_sketch, approx_percentile_small_inputs)
{
    static const char *const types[2] = {"double", "double"};
    const aggregate_function *f = agg_n("approx_percentile", 2, types);
    double values[101];
    for (int i = 0; i <= 100; i++)
        values[i] = 100 - i;
    for (int k = 0; k <= 100; k += 5) {
        void *s = new_state(f);
        feed_doubles(f, s, values, 0, 101, k / 100.0, 0);
        double got = result_double(f, s); /* position k * 1.01 of 101 values */
        cr_expect(fabs(got - k) <= 1, "q=%d got %g", k, got);
        drop_state(f, s);
    }
}

Test(aggregates_sketch, min_by_keeps_its_strings)
{
    static const char *const types[2] = {"varchar", "varchar"};
    const aggregate_function *f = agg_n("max_by", 2, types);
    void *s = new_state(f);
    const char *rows[][2] = {{"value number one, long enough to be stored out of line", "key b"},
                             {"value number two, long enough to be stored out of line", "key c, also long enough"},
                             {"short", "key a"}};
    for (int i = 0; i < 3; i++) {
        vector x, y;
        vector_init_flat(&x, ty("varchar"), 1);
        vector_init_flat(&y, ty("varchar"), 1);
        vector_add_string(&x, rows[i][0], (uint32_t)strlen(rows[i][0]), (string_view *)x.data);
        vector_add_string(&y, rows[i][1], (uint32_t)strlen(rows[i][1]), (string_view *)y.data);
        const vector *args[2] = {&x, &y};
        void *states[1] = {s};
        shoal_error e;
        cr_assert(f->update(f, states, 1, args, &e));
        vector_destroy(&x), vector_destroy(&y);
    }
    vector out;
    vector_init_flat(&out, f->return_type, 1);
    shoal_error e;
    cr_assert(f->finalize(f, s, &out, 0, &e));
    value v = value_load(&out, 0);
    cr_expect_eq(v.u.string.length, strlen(rows[1][0]));
    cr_expect(memcmp(string_view_data(&v.u.string), rows[1][0], v.u.string.length) == 0);
    vector_destroy(&out);
    drop_state(f, s);
}
