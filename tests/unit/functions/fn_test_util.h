/*
 * fn_test_util.h — table-driven checks for the function library. A case is
 * a call whose arguments are constants; CHECK evaluates it twice — folded
 * as a constant, and with every argument turned into a column of a 3-row
 * page (row 1 is the case; rows 0 and 2 are NULL/other rows that must not
 * disturb it) — and compares both to the expected text ("NULL", or
 * "ERROR <NAME>: <message>").
 */
#ifndef SHOAL_TESTS_FN_TEST_UTIL_H
#define SHOAL_TESTS_FN_TEST_UTIL_H

#include <criterion/criterion.h>
#include <stdio.h>

#include "../expressions/expr_test_util.h"

static void fn_cell_text(const vector *v, uint32_t r, char *out, size_t size)
{
    value x = value_load(v, r);
    if (!x.is_null && (v->type.kind == TYPE_VARBINARY || v->type.kind == TYPE_JSON)) {
        if (v->type.kind == TYPE_JSON) {
            snprintf(out, size, "%.*s", (int)x.u.string.length, string_view_data(&x.u.string));
            return;
        }
        size_t at = 0;
        const unsigned char *d = (const unsigned char *)string_view_data(&x.u.string);
        out[0] = '\0';
        for (uint32_t i = 0; i < x.u.string.length && at + 3 < size; i++)
            at += (size_t)snprintf(out + at, size - at, "%02x", d[i]);
        return;
    }
    if (!x.is_null && (v->type.kind == TYPE_TIMESTAMP_TZ)) {
        snprintf(out, size, "%lld@%d", (long long)x.u.tstz.micros_utc, x.u.tstz.zone_key);
        return;
    }
    cell_text(v, r, out, size);
}

static const char *fn_error_text(const shoal_error *e)
{
    static char text[ERROR_MESSAGE_MAX + 64];
    snprintf(text, sizeof text, "ERROR %s: %s", error_name(e->code), e->message);
    return text;
}

/* Evaluates `e` over `p` and returns row `row` as text. */
static const char *fn_run(const expr *e, page *p, uint32_t row)
{
    static char text[ERROR_MESSAGE_MAX + 64];
    shoal_error error;
    error_clear(&error);
    expr_program *prog = expr_program_compile(e, &error);
    if (!prog)
        return fn_error_text(&error);
    vector out;
    if (!expr_program_evaluate(prog, p, NULL, p->row_count, &out, &error)) {
        expr_program_free(prog);
        return fn_error_text(&error);
    }
    fn_cell_text(&out, row, text, sizeof text);
    vector_destroy(&out);
    expr_program_free(prog);
    return text;
}

/* The same call with its constant arguments replaced by columns. */
static expr *fn_columnar(const expr *e, page **out_page)
{
    page *p = page_new_empty(e->arg_count);
    p->row_count = 3;
    expr *args[16];
    for (int i = 0; i < e->arg_count; i++) {
        const expr *a = e->args[i];
        vector *v = &p->columns[i];
        vector_init_flat(v, a->type, 3);
        value c = a->constant;
        c.type = a->type;
        if (a->kind != EXPR_CONSTANT || a->type.kind == TYPE_UNKNOWN) {
            args[i] = expr_copy(a);
            continue;
        }
        value_store(&c, v, 1);
        value_store(&c, v, 2);
        value_store(&c, v, 0);
        vector_set_null(v, 0);
        args[i] = expr_column(i, a->type);
    }
    *out_page = p;
    if (e->kind == EXPR_CALL)
        return expr_call(e->function, e->type, e->arg_count, args);
    return expr_special(e->kind, e->type, e->arg_count, args);
}

static void fn_check(expr *e, const char *want, int line)
{
    cr_assert_not_null(e, "line %d: the call did not resolve", line);
    page *one = page_new_empty(0);
    one->row_count = 1;
    char folded[ERROR_MESSAGE_MAX + 64];
    snprintf(folded, sizeof folded, "%s", fn_run(e, one, 0));
    page_unref(one);
    cr_expect_str_eq(folded, want, "line %d (constant): got [%s] want [%s]", line, folded, want);
    bool has_args = e->arg_count > 0;
    for (int i = 0; i < e->arg_count; i++)
        has_args &= e->args[i]->kind == EXPR_CONSTANT;
    if (has_args) {
        page *p;
        expr *c = fn_columnar(e, &p);
        const char *got = fn_run(c, p, 1);
        cr_expect_str_eq(got, want, "line %d (columns): got [%s] want [%s]", line, got, want);
        expr_free(c);
        page_unref(p);
    }
    expr_free(e);
}

#define CHECK(e, want) fn_check((e), (want), __LINE__)

/* A call that must not resolve: the registry's error. */
static inline const char *resolve_error(const char *name, int n, const char *const *types)
{
    static char text[ERROR_MESSAGE_MAX + 64];
    sql_type t[8];
    for (int i = 0; i < n; i++)
        t[i] = ty(types[i]);
    resolved_function r;
    shoal_error e;
    error_clear(&e);
    if (function_resolve(name, n, t, &r, &e))
        return "resolved";
    snprintf(text, sizeof text, "ERROR %s: %s", error_name(e.code), e.message);
    return text;
}

#endif
