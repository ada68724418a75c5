/*
 * expr_functions.c — attaches the scalar kernels (functions/) to the
 * registry's entries by function name, once per process.
 */
#include <pthread.h>
#include <string.h>

#include "operators/expr_internal.h"

static pthread_once_t install_once = PTHREAD_ONCE_INIT;

static void install(void)
{
    const struct {
        const scalar_impl *impls;
        int count;
    } families[] = {
        {arithmetic_impls, arithmetic_impl_count},
        {math_impls, math_impl_count},
        {comparison_impls, comparison_impl_count},
        {string_functions_impls, string_functions_impl_count},
        {datetime_impls, datetime_impl_count},
        {decimal_ops_impls, decimal_ops_impl_count},
    };
    int total = function_count();
    for (int id = 0; id < total; id++) {
        const function_entry *f = function_at(id);
        if (f->kind != FUNCTION_SCALAR)
            continue;
        for (size_t i = 0; i < sizeof families / sizeof families[0]; i++)
            for (int j = 0; j < families[i].count; j++)
                if (strcmp(families[i].impls[j].name, f->name) == 0 && !f->implementation)
                    function_set_implementation(id, &families[i].impls[j]);
    }
}

void expr_functions_install(void)
{
    pthread_once(&install_once, install);
}
