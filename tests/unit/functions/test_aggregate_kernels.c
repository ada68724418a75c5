/*
 * test_aggregate_kernels.c — the flat fast paths of sum/avg/count
 * (operators/functions/aggregates.c) agree with the general path: the same
 * values fed without a NULL bitmap, with an all-valid bitmap and with one
 * NULL (general path) give the sums SQL says; overflow still fails with
 * Trino's errors; partial states merge through the flat merge.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agg_test_util.h"

typedef __int128 i128;

enum { ROWS = 3000, GROUPS = 7 };

/* States for GROUPS groups, rows assigned round-robin. */
typedef struct groups {
    unsigned char *memory;
    void *per_row[VECTOR_SIZE];
    const aggregate_function *f;
} groups;

static void groups_init(groups *g, const aggregate_function *f)
{
    size_t size = (f->state_size + 15) & ~(size_t)15;
    g->f = f;
    g->memory = aligned_alloc(16, size * GROUPS);
    for (int k = 0; k < GROUPS; k++)
        f->init(f, g->memory + size * (size_t)k);
    for (int i = 0; i < VECTOR_SIZE; i++)
        g->per_row[i] = g->memory + size * (size_t)(i % GROUPS);
}

/* Feeds decimal(12,2) values 1.00 .. ROWS.00 (unscaled 100 * (row + 1)) in
 * vectors; `bitmap`: with an all-valid NULL bitmap; `null_row` >= 0: that
 * row is NULL. */
static void feed(groups *g, bool bitmap, int null_row)
{
    for (int at = 0; at < ROWS; at += VECTOR_SIZE) {
        uint32_t n = ROWS - at < VECTOR_SIZE ? (uint32_t)(ROWS - at) : VECTOR_SIZE;
        vector v;
        cr_assert(vector_init_flat(&v, ty("decimal(12,2)"), VECTOR_SIZE));
        for (uint32_t r = 0; r < n; r++)
            ((int64_t *)v.data)[r] = 100 * (int64_t)(at + r + 1);
        if (bitmap || (null_row >= at && null_row < at + (int)n)) {
            vector_set_null(&v, 0); /* creates the bitmap */
            vector_set_valid(&v, 0);
        }
        if (null_row >= at && null_row < at + (int)n)
            vector_set_null(&v, (uint32_t)(null_row - at));
        const vector *args[1] = {&v};
        shoal_error e;
        /* rows keep their group across vectors: row i -> group i % GROUPS */
        void *states[VECTOR_SIZE];
        for (uint32_t r = 0; r < n; r++)
            states[r] = g->per_row[(at + r) % GROUPS];
        cr_assert(g->f->update(g->f, states, n, args, &e), "%s", e.message);
        vector_destroy(&v);
    }
}

static i128 expected_sum(int group, int null_row)
{
    i128 sum = 0;
    for (int row = group; row < ROWS; row += GROUPS)
        if (row != null_row)
            sum += 100 * (i128)(row + 1);
    return sum;
}

static i128 sum_of(groups *g, int group)
{
    vector out;
    cr_assert(vector_init_flat(&out, g->f->return_type, 1));
    shoal_error e;
    cr_assert(g->f->finalize(g->f, g->per_row[group], &out, 0, &e), "%s", e.message);
    i128 v = ((i128 *)out.data)[0];
    vector_destroy(&out);
    return v;
}

Test(aggregate_kernels, decimal_sum_with_and_without_bitmap_and_with_a_null)
{
    for (int mode = 0; mode < 3; mode++) {
        groups g;
        groups_init(&g, agg("sum", "decimal(12,2)"));
        int null_row = mode == 2 ? 2500 : -1;
        feed(&g, mode == 1, null_row);
        for (int k = 0; k < GROUPS; k++)
            cr_assert(sum_of(&g, k) == expected_sum(k, null_row), "mode %d group %d", mode, k);
        free(g.memory);
    }
}

Test(aggregate_kernels, decimal_avg_flat_equals_general)
{
    groups flat, general;
    groups_init(&flat, agg("avg", "decimal(12,2)"));
    groups_init(&general, agg("avg", "decimal(12,2)"));
    feed(&flat, false, -1);
    feed(&general, true, ROWS + 1); /* bitmap present, no NULL: the flat path too */
    for (int k = 0; k < GROUPS; k++) {
        vector a, b;
        shoal_error e;
        cr_assert(vector_init_flat(&a, flat.f->return_type, 1));
        cr_assert(vector_init_flat(&b, flat.f->return_type, 1));
        cr_assert(flat.f->finalize(flat.f, flat.per_row[k], &a, 0, &e));
        cr_assert(general.f->finalize(general.f, general.per_row[k], &b, 0, &e));
        cr_assert_eq(((int64_t *)a.data)[0], ((int64_t *)b.data)[0]);
        /* group k holds rows k, k+7, ...: the mean of 100*(row+1) */
        int64_t n = 0;
        i128 sum = 0;
        for (int row = k; row < ROWS; row += GROUPS, n++)
            sum += 100 * (row + 1);
        cr_assert_eq(((int64_t *)a.data)[0], (int64_t)((sum + n / 2) / n));
        vector_destroy(&a);
        vector_destroy(&b);
    }
    free(flat.memory);
    free(general.memory);
}

Test(aggregate_kernels, long_decimal_sum_overflows_with_trinos_error)
{
    const aggregate_function *f = agg("sum", "decimal(38,0)");
    void *state = aligned_alloc(16, (f->state_size + 15) & ~(size_t)15);
    f->init(f, state);
    vector v;
    cr_assert(vector_init_flat(&v, ty("decimal(38,0)"), 2));
    i128 big = 1;
    for (int i = 0; i < 37; i++)
        big *= 10;
    ((i128 *)v.data)[0] = 9 * big; /* 9e37 twice: 1.8e38 has 39 digits */
    ((i128 *)v.data)[1] = 9 * big;
    void *states[2] = {state, state};
    const vector *args[1] = {&v};
    shoal_error e;
    error_clear(&e);
    cr_assert_not(f->update(f, states, 2, args, &e));
    cr_assert_str_eq(e.message, "Decimal overflow");
    vector_destroy(&v);
    free(state);
}

Test(aggregate_kernels, bigint_sum_overflows_with_trinos_error)
{
    const aggregate_function *f = agg("sum", "bigint");
    void *state = aligned_alloc(16, (f->state_size + 15) & ~(size_t)15);
    f->init(f, state);
    vector v;
    cr_assert(vector_init_flat(&v, ty("bigint"), 2));
    ((int64_t *)v.data)[0] = INT64_MAX;
    ((int64_t *)v.data)[1] = 1;
    void *states[2] = {state, state};
    const vector *args[1] = {&v};
    shoal_error e;
    error_clear(&e);
    cr_assert_not(f->update(f, states, 2, args, &e));
    cr_assert(strstr(e.message, "bigint addition overflow") != NULL, "%s", e.message);
    vector_destroy(&v);
    free(state);
}

Test(aggregate_kernels, partial_states_merge_through_the_flat_merge)
{
    /* two partial aggregations of the same rows, merged: twice the sums / same averages */
    const char *names[2] = {"sum", "avg"};
    for (int n = 0; n < 2; n++) {
        groups partial, final;
        groups_init(&partial, agg(names[n], "decimal(12,2)"));
        groups_init(&final, partial.f);
        feed(&partial, false, -1);
        vector states;
        cr_assert(vector_init_flat(&states, partial.f->intermediate_type, GROUPS * 2));
        for (int r = 0; r < GROUPS * 2; r++)
            cr_assert(partial.f->write_intermediate(partial.f, partial.per_row[r % GROUPS], &states, (uint32_t)r));
        shoal_error e;
        cr_assert(final.f->merge_intermediate(final.f, final.per_row, GROUPS * 2, &states, &e), "%s", e.message);
        for (int k = 0; k < GROUPS; k++) {
            vector a;
            cr_assert(vector_init_flat(&a, final.f->return_type, 1));
            cr_assert(final.f->finalize(final.f, final.per_row[k], &a, 0, &e));
            if (n == 0) {
                cr_assert(((i128 *)a.data)[0] == 2 * expected_sum(k, -1));
            } else {
                int64_t count = 0;
                for (int row = k; row < ROWS; row += GROUPS)
                    count++;
                i128 sum = expected_sum(k, -1);
                cr_assert_eq(((int64_t *)a.data)[0], (int64_t)((sum + count / 2) / count));
            }
            vector_destroy(&a);
        }
        vector_destroy(&states);
        free(partial.memory);
        free(final.memory);
    }
}
