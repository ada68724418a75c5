/*
 * expr_functions.c — attaches the scalar kernels (functions/) to the
 * registry's entries by function name, once per process.
 */
#include <pthread.h>
#include <string.h>

#include "operators/expr_internal.h"

static pthread_once_t install_once = PTHREAD_ONCE_INIT;

typedef struct family {
    const scalar_impl *impls;
    const int *count;
} family;

/* Newer families first: they take the overloads they know and pass the
 * others on (expr_functions_bind_next). */
static const family families[] = {
    {lambda_impls, &lambda_impl_count},
    {array_impls, &array_impl_count},
    {math_extra_impls, &math_extra_impl_count},
    {string_extra_impls, &string_extra_impl_count},
    {binary_impls, &binary_impl_count},
    {units_impls, &units_impl_count},
    {url_impls, &url_impl_count},
    {type_of_impls, &type_of_impl_count},
    {regexp_impls, &regexp_impl_count},
    {datetime_extra_impls, &datetime_extra_impl_count},
    {json_impls, &json_impl_count},
    {arithmetic_impls, &arithmetic_impl_count},
    {math_impls, &math_impl_count},
    {comparison_impls, &comparison_impl_count},
    {string_functions_impls, &string_functions_impl_count},
    {datetime_impls, &datetime_impl_count},
    {decimal_ops_impls, &decimal_ops_impl_count},
};
enum { FAMILY_COUNT = sizeof families / sizeof families[0] };

const scalar_impl *expr_functions_next(const scalar_impl *impl)
{
    size_t start = FAMILY_COUNT;
    for (size_t i = 0; i < FAMILY_COUNT; i++)
        if (impl >= families[i].impls && impl < families[i].impls + *families[i].count)
            start = i + 1;
    for (size_t i = start; i < FAMILY_COUNT; i++)
        for (int j = 0; j < *families[i].count; j++)
            if (strcmp(families[i].impls[j].name, impl->name) == 0)
                return &families[i].impls[j];
    return NULL;
}

bool expr_functions_bind_next(const scalar_impl *impl, expr_node *n, const sql_type *args,
                              int arg_count, sql_type ret, shoal_error *error)
{
    const scalar_impl *next = expr_functions_next(impl);
    if (!next)
        return error_set(error, ERR_FUNCTION_IMPLEMENTATION_MISSING, "No kernel for %s", n->function_name);
    return next->bind(n, args, arg_count, ret, error);
}

static void install(void)
{
    int total = function_count();
    for (int id = 0; id < total; id++) {
        const function_entry *f = function_at(id);
        if (f->kind != FUNCTION_SCALAR)
            continue;
        for (size_t i = 0; i < FAMILY_COUNT; i++)
            for (int j = 0; j < *families[i].count; j++)
                if (strcmp(families[i].impls[j].name, f->name) == 0 && !function_at(id)->implementation)
                    function_set_implementation(id, &families[i].impls[j]);
    }
}

void expr_functions_install(void)
{
    pthread_once(&install_once, install);
}
