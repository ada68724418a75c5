/*
 * type_of.c — typeof(x): the name of the argument's type as Trino writes
 * it ("varchar(3)", "decimal(1,1)", "array(integer)", "unknown" for a bare
 * NULL). The argument's value is never read (NULL included); the text is
 * made when the call is bound.
 */
#include <stdlib.h>
#include <string.h>

#include "operators/expr_internal.h"

static bool type_of_kernel(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    const char *name = n->data;
    uint32_t length = (uint32_t)strlen(name);
    /* long names go into the output's string memory once per batch */
    char *p = length <= STRING_INLINE_MAX ? NULL : node_string_reserve(n, length, ctx->error);
    if (length > STRING_INLINE_MAX && !p)
        return false;
    if (p)
        memcpy(p, name, length);
    string_view text = string_view_make(p ? p : name, length);
    ROW_LOOP(sel, count, r, ((string_view *)n->out.data)[r] = text;);
    return true;
}

static bool bind_type_of(expr_node *n, const sql_type *args, int arg_count, sql_type ret, shoal_error *error)
{
    (void)arg_count, (void)ret;
    char name[256];
    type_format(args[0], false, name, sizeof name);
    n->data = strdup(name); /* freed with the node */
    if (!n->data)
        return error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
    n->kernel = type_of_kernel;
    n->null_on_null = false;
    return true;
}

const scalar_impl type_of_impls[] = {{"typeof", bind_type_of}};
const int type_of_impl_count = 1;
