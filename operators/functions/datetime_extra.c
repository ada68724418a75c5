/* datetime_extra.c — placeholder, filled in below */
#include "operators/expr_internal.h"
const scalar_impl datetime_extra_impls[] = {{"$none_datetime_extra", NULL}};
const int datetime_extra_impl_count = 0;
