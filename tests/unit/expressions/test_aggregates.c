/*
 * test_aggregates.c — aggregate functions through init/update/combine/
 * write_intermediate/merge_intermediate/finalize, with NULLs, empty groups
 * and overflow errors.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>

#include "connectors/spi/decimal.h"
#include "connectors/spi/value.h"
#include "operators/aggregate_function.h"
#include <string.h>

static const aggregate_function *agg(const char *name, int n, const char *type)
{
    sql_type t;
    type_parse(type ? type : "bigint", &t);
    resolved_function r;
    shoal_error e;
    cr_assert(function_resolve(name, n, &t, &r, &e), "%s", e.message);
    const aggregate_function *f = aggregate_function_for(&r, &e);
    cr_assert_not_null(f, "%s", e.message);
    return f;
}

/* Runs rows [0,count) of `input` split in two partial states, merged through
 * the intermediate form, and finalizes into row 0 of a fresh vector. */
static vector run(const aggregate_function *f, const vector *input, uint32_t count, shoal_error *error,
                  bool *ok)
{
    void *a = aligned_alloc(16, f->state_size), *b = aligned_alloc(16, f->state_size);
    void *final_state = aligned_alloc(16, f->state_size);
    f->init(f, a);
    f->init(f, b);
    f->init(f, final_state);
    uint32_t half = count / 2;
    void **states = malloc(sizeof(void *) * (count ? count : 1));
    for (uint32_t i = 0; i < count; i++)
        states[i] = i < half ? a : b;
    const vector *args[1] = {input};
    *ok = f->update(f, states, count, args, error);
    vector inter, out;
    vector_init_flat(&inter, f->intermediate_type, 2);
    vector_init_flat(&out, f->return_type, 1);
    if (*ok) {
        f->write_intermediate(f, a, &inter, 0);
        f->write_intermediate(f, b, &inter, 1);
        void *both[2] = {final_state, final_state};
        *ok = f->merge_intermediate(f, both, 2, &inter, error) && f->finalize(f, final_state, &out, 0, error);
    }
    /* combine path gives the same answer */
    if (*ok) {
        void *c = aligned_alloc(16, f->state_size);
        f->init(f, c);
        cr_assert(f->combine(f, c, a, error));
        cr_assert(f->combine(f, c, b, error));
        vector check;
        vector_init_flat(&check, f->return_type, 1);
        cr_assert(f->finalize(f, c, &check, 0, error));
        value x = value_load(&check, 0), y = value_load(&out, 0);
        cr_expect_eq(x.is_null, y.is_null);
        if (f->destroy)
            f->destroy(f, c);
        free(c);
        vector_destroy(&check);
    }
    if (f->destroy) {
        f->destroy(f, a);
        f->destroy(f, b);
        f->destroy(f, final_state);
    }
    free(a);
    free(b);
    free(final_state);
    free(states);
    vector_destroy(&inter);
    return out;
}

static vector bigints(const int64_t *values, uint32_t n, int null_every)
{
    vector v;
    vector_init_flat(&v, type_make(TYPE_BIGINT), n ? n : 1);
    for (uint32_t i = 0; i < n; i++) {
        ((int64_t *)v.data)[i] = values[i];
        if (null_every && i % null_every == 0)
            vector_set_null(&v, i);
    }
    return v;
}

Test(aggregates, count_sum_avg_min_max)
{
    int64_t values[10] = {5, 1, 9, 3, 7, 2, 8, 4, 6, 10};
    vector v = bigints(values, 10, 3); /* rows 0,3,6,9 NULL -> 1,9,7,2,4,6 */
    shoal_error e;
    bool ok;
    vector out = run(agg("count", 1, "bigint"), &v, 10, &e, &ok);
    cr_assert(ok);
    cr_expect_eq(value_load(&out, 0).u.i64, 6);
    vector_destroy(&out);
    out = run(agg("count", 0, NULL), &v, 10, &e, &ok);
    cr_expect_eq(value_load(&out, 0).u.i64, 10);
    vector_destroy(&out);
    out = run(agg("sum", 1, "bigint"), &v, 10, &e, &ok);
    cr_expect_eq(value_load(&out, 0).u.i64, 29);
    vector_destroy(&out);
    out = run(agg("avg", 1, "bigint"), &v, 10, &e, &ok);
    cr_expect_float_eq(value_load(&out, 0).u.f64, 29.0 / 6, 1e-12);
    vector_destroy(&out);
    out = run(agg("min", 1, "bigint"), &v, 10, &e, &ok);
    cr_expect_eq(value_load(&out, 0).u.i64, 1);
    vector_destroy(&out);
    out = run(agg("max", 1, "bigint"), &v, 10, &e, &ok);
    cr_expect_eq(value_load(&out, 0).u.i64, 9);
    vector_destroy(&out);
    out = run(agg("var_samp", 1, "bigint"), &v, 10, &e, &ok);
    cr_assert(ok, "%s", e.message);
    double mean = 29.0 / 6, ss = 0;
    int64_t seen[6] = {1, 9, 7, 2, 4, 6};
    for (int i = 0; i < 6; i++)
        ss += (seen[i] - mean) * (seen[i] - mean);
    cr_expect_float_eq(value_load(&out, 0).u.f64, ss / 5, 1e-9);
    vector_destroy(&out);
    out = run(agg("stddev_pop", 1, "bigint"), &v, 10, &e, &ok);
    cr_expect_float_eq(value_load(&out, 0).u.f64, sqrt(ss / 6), 1e-9);
    vector_destroy(&out);
    /* empty input: sum/avg/min NULL, count 0 */
    out = run(agg("sum", 1, "bigint"), &v, 0, &e, &ok);
    cr_expect(value_load(&out, 0).is_null);
    vector_destroy(&out);
    out = run(agg("count", 1, "bigint"), &v, 0, &e, &ok);
    cr_expect_eq(value_load(&out, 0).u.i64, 0);
    vector_destroy(&out);
    out = run(agg("max", 1, "bigint"), &v, 0, &e, &ok);
    cr_expect(value_load(&out, 0).is_null);
    vector_destroy(&out);
    vector_destroy(&v);
}

Test(aggregates, sum_overflow_like_trino)
{
    int64_t values[2] = {INT64_MAX, 1};
    vector v = bigints(values, 2, 0);
    const aggregate_function *f = agg("sum", 1, "bigint");
    void *s = aligned_alloc(16, f->state_size);
    f->init(f, s);
    void *states[2] = {s, s};
    const vector *args[1] = {&v};
    shoal_error e;
    cr_assert_not(f->update(f, states, 2, args, &e));
    cr_expect_eq(e.code, ERR_NUMERIC_VALUE_OUT_OF_RANGE);
    cr_expect_str_eq(e.message, "bigint addition overflow: 9223372036854775807 + 1");
    free(s);
    vector_destroy(&v);
}

Test(aggregates, decimals)
{
    sql_type t = type_decimal(12, 2);
    vector v;
    vector_init_flat(&v, t, 4);
    int64_t raw[4] = {125, 250, 1, 0};
    for (int i = 0; i < 4; i++)
        ((int64_t *)v.data)[i] = raw[i];
    vector_set_null(&v, 3);
    shoal_error e;
    bool ok;
    const aggregate_function *sum = agg("sum", 1, "decimal(12,2)");
    cr_expect_eq(sum->return_type.precision, 38);
    vector out = run(sum, &v, 4, &e, &ok);
    cr_assert(ok, "%s", e.message);
    cr_expect(value_load(&out, 0).u.i128 == 376);
    vector_destroy(&out);
    const aggregate_function *avg = agg("avg", 1, "decimal(12,2)");
    out = run(avg, &v, 4, &e, &ok);
    cr_assert(ok);
    cr_expect_eq(value_load(&out, 0).u.i64, 125); /* 3.76 / 3 = 1.2533 -> 1.25 */
    vector_destroy(&out);
    /* decimal sum beyond 38 digits */
    sql_type long_type = type_decimal(38, 0);
    vector big;
    vector_init_flat(&big, long_type, 2);
    ((__int128 *)big.data)[0] = decimal_pow10(38) - 1;
    ((__int128 *)big.data)[1] = 1;
    const aggregate_function *f = agg("sum", 1, "decimal(38,0)");
    void *s = aligned_alloc(16, f->state_size);
    f->init(f, s);
    void *states[2] = {s, s};
    const vector *args[1] = {&big};
    cr_assert_not(f->update(f, states, 2, args, &e));
    cr_expect_str_eq(e.message, "Decimal overflow");
    free(s);
    vector_destroy(&big);
    vector_destroy(&v);
}

Test(aggregates, strings_booleans_count_if)
{
    vector v;
    vector_init_flat(&v, type_varchar(VARCHAR_UNBOUNDED), 4);
    const char *words[4] = {"pear", "an apple that is long", "zebra crossing far away", "fig"};
    for (int i = 0; i < 4; i++)
        vector_add_string(&v, words[i], (uint32_t)strlen(words[i]), (string_view *)v.data + i);
    shoal_error e;
    bool ok;
    vector out = run(agg("max", 1, "varchar"), &v, 4, &e, &ok);
    cr_assert(ok);
    value x = value_load(&out, 0);
    cr_expect_eq(x.u.string.length, strlen(words[2]), "got %.*s", (int)x.u.string.length, string_view_data(&x.u.string));
    cr_expect(memcmp(string_view_data(&x.u.string), words[2], x.u.string.length) == 0);
    vector_destroy(&out);
    out = run(agg("min", 1, "varchar"), &v, 4, &e, &ok);
    x = value_load(&out, 0);
    cr_expect(memcmp(string_view_data(&x.u.string), words[1], x.u.string.length) == 0);
    vector_destroy(&out);
    vector_destroy(&v);

    vector b;
    vector_init_flat(&b, type_make(TYPE_BOOLEAN), 4);
    uint8_t flags[4] = {1, 0, 1, 1};
    memcpy(b.data, flags, 4);
    vector_set_null(&b, 3);
    out = run(agg("count_if", 1, "boolean"), &b, 4, &e, &ok);
    cr_expect_eq(value_load(&out, 0).u.i64, 2);
    vector_destroy(&out);
    out = run(agg("bool_and", 1, "boolean"), &b, 4, &e, &ok);
    cr_expect_not(value_load(&out, 0).u.boolean);
    vector_destroy(&out);
    out = run(agg("bool_or", 1, "boolean"), &b, 4, &e, &ok);
    cr_expect(value_load(&out, 0).u.boolean);
    vector_destroy(&out);
    out = run(agg("arbitrary", 1, "boolean"), &b, 4, &e, &ok);
    cr_expect_not(value_load(&out, 0).is_null);
    vector_destroy(&out);
    vector_destroy(&b);
}
