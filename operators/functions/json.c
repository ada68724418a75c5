/* json.c — placeholder */
#include "operators/expr_internal.h"
const scalar_impl json_impls[] = {{"$none_json", NULL}};
const int json_impl_count = 0;
