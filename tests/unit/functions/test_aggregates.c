/*
 * test_aggregates.c — approx_distinct within its standard error (0.023;
 * checked at 4 sigma) over 100K and 1M distinct values, partial/final
 * merge, geometric_mean, checksum order independence, bitwise_*_agg, NULLs;
 * every varbinary intermediate refuses bytes it did not write (a NULL
 * intermediate row is skipped).
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "agg_test_util.h"

/* Feeds bigint values first..first+count-1 into `state`. */
static void feed(const aggregate_function *f, void *state, int64_t first, int64_t count)
{
    static void *states[VECTOR_SIZE];
    for (int i = 0; i < VECTOR_SIZE; i++)
        states[i] = state;
    vector v;
    for (int64_t at = 0; at < count; at += VECTOR_SIZE) {
        uint32_t n = (uint32_t)(count - at < VECTOR_SIZE ? count - at : VECTOR_SIZE);
        vector_init_flat(&v, ty("bigint"), VECTOR_SIZE);
        for (uint32_t r = 0; r < n; r++)
            ((int64_t *)v.data)[r] = first + at + r;
        const vector *args[1] = {&v};
        shoal_error e;
        cr_assert(f->update(f, states, n, args, &e));
        vector_destroy(&v);
    }
}

static int64_t result_int(const aggregate_function *f, void *state)
{
    vector out;
    vector_init_flat(&out, f->return_type, 1);
    shoal_error e;
    cr_assert(f->finalize(f, state, &out, 0, &e));
    int64_t v = ((int64_t *)out.data)[0];
    vector_destroy(&out);
    return v;
}

Test(aggregates, approx_distinct_error)
{
    const aggregate_function *f = agg("approx_distinct", "bigint");
    int64_t sizes[] = {10, 1000, 100000, 1000000};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        void *s = new_state(f);
        feed(f, s, 12345, sizes[i]);
        feed(f, s, 12345, sizes[i]); /* duplicates do not count */
        double estimate = (double)result_int(f, s);
        double error = fabs(estimate - (double)sizes[i]) / (double)sizes[i];
        cr_expect(error < 4 * 0.023, "n=%lld estimate=%.0f error=%.4f", (long long)sizes[i], estimate, error);
        free(s);
    }
}

Test(aggregates, approx_distinct_merges_partials)
{
    const aggregate_function *f = agg("approx_distinct", "bigint");
    void *a = new_state(f), *b = new_state(f), *all = new_state(f), *final = new_state(f);
    feed(f, a, 0, 50000);
    feed(f, b, 50000, 50000);
    feed(f, all, 0, 100000);
    vector inter;
    vector_init_flat(&inter, f->intermediate_type, 2);
    cr_assert(f->write_intermediate(f, a, &inter, 0));
    cr_assert(f->write_intermediate(f, b, &inter, 1));
    void *states[2] = {final, final};
    shoal_error e;
    cr_assert(f->merge_intermediate(f, states, 2, &inter, &e), "%s", e.message);
    cr_expect_eq(result_int(f, final), result_int(f, all));
    vector_destroy(&inter);
    free(a), free(b), free(all), free(final);
}

Test(aggregates, empty_inputs_and_small_functions)
{
    const aggregate_function *f = agg("approx_distinct", "varchar");
    void *s = new_state(f);
    cr_expect_eq(result_int(f, s), 0);
    free(s);
    const aggregate_function *g = agg("bitwise_or_agg", "bigint");
    s = new_state(g);
    feed(g, s, 1, 4); /* 1|2|3|4 */
    cr_expect_eq(result_int(g, s), 7);
    free(s);
    const aggregate_function *h = agg("bitwise_and_agg", "bigint");
    s = new_state(h);
    feed(h, s, 4, 2); /* 4 & 5 */
    cr_expect_eq(result_int(h, s), 4);
    free(s);
    const aggregate_function *c = agg("checksum", "bigint");
    void *x = new_state(c), *y = new_state(c);
    feed(c, x, 0, 100);
    feed(c, y, 50, 50);
    feed(c, y, 0, 50);
    vector ox, oy;
    vector_init_flat(&ox, c->return_type, 1);
    vector_init_flat(&oy, c->return_type, 1);
    shoal_error e;
    c->finalize(c, x, &ox, 0, &e);
    c->finalize(c, y, &oy, 0, &e);
    value vx = value_load(&ox, 0), vy = value_load(&oy, 0);
    cr_expect(string_view_equal(&vx.u.string, &vy.u.string));
    vector_destroy(&ox), vector_destroy(&oy);
    free(x), free(y);
    const aggregate_function *gm = agg("geometric_mean", "double");
    s = new_state(gm);
    vector v;
    vector_init_flat(&v, ty("double"), 2);
    ((double *)v.data)[0] = 2;
    ((double *)v.data)[1] = 8;
    void *states[2] = {s, s};
    const vector *args[1] = {&v};
    cr_assert(gm->update(gm, states, 2, args, &e));
    vector out;
    vector_init_flat(&out, gm->return_type, 1);
    gm->finalize(gm, s, &out, 0, &e);
    cr_expect_float_eq(((double *)out.data)[0], 4.0, 1e-12);
    vector_destroy(&v), vector_destroy(&out);
    free(s);
}

Test(aggregates, corrupt_intermediates_fail_and_null_ones_are_skipped)
{
    static const char *const one_bigint[] = {"bigint"}, *const two_doubles[] = {"double", "double"},
                              *const by[] = {"varchar", "bigint"},
                              *const listagg[] = {"varchar", "varchar", "boolean", "varchar", "boolean"};
    static const struct {
        const char *name;
        int arg_count;
        const char *const *types;
    } cases[] = {
        {"approx_distinct", 1, one_bigint}, {"corr", 2, two_doubles},  {"approx_percentile", 2, two_doubles},
        {"min_by", 2, by},                  {"listagg", 5, listagg},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        const aggregate_function *f = agg_n(cases[k].name, cases[k].arg_count, cases[k].types);
        cr_assert_eq(f->intermediate_type.kind, TYPE_VARBINARY, "%s", cases[k].name);
        void *s = new_state(f);
        vector inter;
        vector_init_flat(&inter, f->intermediate_type, 2);
        cr_assert(vector_set_null(&inter, 0));
        vector_set_valid(&inter, 1);
        cr_assert(vector_add_string(&inter, "abc", 3, (string_view *)inter.data + 1));
        void *states[2] = {s, s};
        shoal_error e;
        error_clear(&e);
        cr_assert(f->merge_intermediate(f, states, 1, &inter, &e), "%s: %s", cases[k].name, e.message);
        cr_expect_not(f->merge_intermediate(f, states, 2, &inter, &e), "%s", cases[k].name);
        cr_expect_eq(e.code, ERR_GENERIC_INTERNAL_ERROR, "%s", cases[k].name);
        char want[128];
        snprintf(want, sizeof want, "Corrupt intermediate state for %s", cases[k].name);
        cr_expect_str_eq(e.message, want);
        vector_destroy(&inter);
        drop_state(f, s);
    }
}

/* listagg(v, ',') WITHIN GROUP (ORDER BY k): keys double, ascending. */
static const char *listagg_by_double(const char *const *values, const double *keys, int n)
{
    static const char *const types[5] = {"varchar", "varchar", "boolean", "varchar", "boolean"};
    sql_type t[5];
    for (int i = 0; i < 5; i++)
        t[i] = ty(types[i]);
    resolved_function r;
    shoal_error e;
    cr_assert(function_resolve("listagg", 5, t, &r, &e), "%s", e.message);
    r.arg_types[5] = ty("double");
    r.arg_count = 6;
    r.order_count = 1;
    const aggregate_function *f = aggregate_function_for(&r, &e);
    cr_assert_not_null(f, "%s", e.message);
    void *s = new_state(f);
    vector v, key, sep, flag, filler;
    vector_init_flat(&v, t[0], (uint32_t)n);
    vector_init_flat(&key, r.arg_types[5], (uint32_t)n);
    for (int i = 0; i < n; i++) {
        cr_assert(vector_add_string(&v, values[i], (uint32_t)strlen(values[i]), (string_view *)v.data + i));
        ((double *)key.data)[i] = keys[i];
    }
    string_view comma = string_view_make(",", 1), empty = string_view_make("", 0);
    bool no = false;
    vector_init_constant(&sep, t[1], &comma);
    vector_init_constant(&flag, t[2], &no);
    vector_init_constant(&filler, t[3], &empty);
    const vector *args[6] = {&v, &sep, &flag, &filler, &flag, &key};
    void *states[8];
    for (int i = 0; i < n; i++)
        states[i] = s;
    cr_assert(f->update(f, states, (uint32_t)n, args, &e), "%s", e.message);
    vector out;
    vector_init_flat(&out, f->return_type, 1);
    cr_assert(f->finalize(f, s, &out, 0, &e), "%s", e.message);
    static char text[64];
    value x = value_load(&out, 0);
    snprintf(text, sizeof text, "%.*s", (int)x.u.string.length, string_view_data(&x.u.string));
    vector_destroy(&out), vector_destroy(&v), vector_destroy(&key);
    vector_destroy(&sep), vector_destroy(&flag), vector_destroy(&filler);
    drop_state(f, s);
    return text;
}

Test(aggregates, listagg_orders_nan_last_whatever_its_sign)
{
    static const char *const values[4] = {"nan", "-nan", "-inf", "zero"};
    double keys[4] = {NAN, -NAN, -INFINITY, -0.0};
    cr_assert(signbit(keys[1]));
    cr_expect_str_eq(listagg_by_double(values, keys, 4), "-inf,zero,nan,-nan");
}

Test(aggregates, array_agg_orders_nan_last_whatever_its_sign)
{
    sql_type t = ty("varchar");
    resolved_function r;
    shoal_error e;
    cr_assert(function_resolve("array_agg", 1, &t, &r, &e), "%s", e.message);
    r.arg_types[1] = ty("double");
    r.arg_count = 2;
    r.order_count = 1;
    const aggregate_function *f = aggregate_function_for(&r, &e);
    cr_assert_not_null(f, "%s", e.message);
    static const char *const values[4] = {"nan", "-nan", "-inf", "zero"};
    double keys[4] = {NAN, -NAN, -INFINITY, -0.0};
    void *s = new_state(f);
    vector v, key;
    vector_init_flat(&v, t, 4);
    vector_init_flat(&key, r.arg_types[1], 4);
    for (int i = 0; i < 4; i++) {
        cr_assert(vector_add_string(&v, values[i], (uint32_t)strlen(values[i]), (string_view *)v.data + i));
        ((double *)key.data)[i] = keys[i];
    }
    const vector *args[2] = {&v, &key};
    void *states[4] = {s, s, s, s};
    cr_assert(f->update(f, states, 4, args, &e), "%s", e.message);
    vector out;
    vector_init_flat(&out, f->return_type, 1);
    cr_assert(f->finalize(f, s, &out, 0, &e), "%s", e.message);
    list_entry l = ((const list_entry *)out.data)[0];
    cr_assert_eq(l.length, 4);
    static const char *const want[4] = {"-inf", "zero", "nan", "-nan"};
    for (uint32_t i = 0; i < 4; i++) {
        value x = value_load(out.children[0], l.offset + i);
        cr_expect(x.u.string.length == strlen(want[i]) &&
                      memcmp(string_view_data(&x.u.string), want[i], x.u.string.length) == 0,
                  "element %u: %.*s, want %s", i, (int)x.u.string.length, string_view_data(&x.u.string), want[i]);
    }
    vector_destroy(&out), vector_destroy(&v), vector_destroy(&key);
    drop_state(f, s);
}
