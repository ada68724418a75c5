/*
 * agg_test_util.h — what the aggregate tests share: the implementation of
 * an aggregate for argument types named as SQL types, and single states
 * made and dropped one at a time (16-byte aligned, as operators keep them).
 */
#ifndef SHOAL_TESTS_AGG_TEST_UTIL_H
#define SHOAL_TESTS_AGG_TEST_UTIL_H

#include <criterion/criterion.h>
#include <stdlib.h>

#include "../expressions/expr_test_util.h"
#include "operators/aggregate_function.h"

/* The implementation of `name` over n arguments of `types` (asserts it exists). */
static inline const aggregate_function *agg_n(const char *name, int n, const char *const *types)
{
    sql_type t[8];
    cr_assert(n <= 8);
    for (int i = 0; i < n; i++)
        t[i] = ty(types[i]);
    resolved_function r;
    shoal_error e;
    cr_assert(function_resolve(name, n, t, &r, &e), "%s", e.message);
    const aggregate_function *f = aggregate_function_for(&r, &e);
    cr_assert_not_null(f, "%s", e.message);
    return f;
}

/* The same for one argument. */
static inline const aggregate_function *agg(const char *name, const char *type)
{
    return agg_n(name, 1, &type);
}

static inline void *new_state(const aggregate_function *f)
{
    void *s = aligned_alloc(16, f->state_size);
    f->init(f, s);
    return s;
}

static inline void drop_state(const aggregate_function *f, void *s)
{
    if (f->destroy)
        f->destroy(f, s);
    free(s);
}

#endif
