/*
 * test_registry.c — function resolution, implicit coercions, result types
 * (decimal arithmetic, aggregates) and resolution error messages.
 */
#include <criterion/criterion.h>

#include "connectors/spi/expression.h"
#include "connectors/spi/function.h"

static sql_type T(const char *name)
{
    sql_type t;
    cr_assert(type_parse(name, &t), "type %s", name);
    return t;
}

static char *name_of(sql_type t)
{
    static char buf[8][128];
    static int next;
    char *b = buf[next++ % 8];
    type_format(t, false, b, 128);
    return b;
}

static resolved_function resolve(const char *name, int n, const char *a, const char *b,
                                 const char *c)
{
    sql_type args[3] = {0};
    const char *names[3] = {a, b, c};
    for (int i = 0; i < n; i++)
        args[i] = T(names[i]);
    resolved_function r;
    shoal_error e;
    error_clear(&e);
    cr_assert(function_resolve(name, n, args, &r, &e), "%s: %s", name, e.message);
    return r;
}

static void expect_return(const char *name, int n, const char *a, const char *b, const char *ret)
{
    resolved_function r = resolve(name, n, a, b, NULL);
    cr_assert_str_eq(name_of(r.return_type), ret, "%s(%s, %s)", name, a, b ? b : "");
}

Test(registry, coercions_follow_trino)
{
    struct {
        const char *from, *to;
        bool ok;
    } cases[] = {
        {"tinyint", "smallint", true},   {"smallint", "integer", true},
        {"integer", "bigint", true},     {"bigint", "integer", false},
        {"bigint", "real", true},        {"bigint", "double", true},
        {"real", "double", true},        {"double", "real", false},
        {"integer", "decimal(10,0)", true}, {"integer", "decimal(9,0)", false},
        {"integer", "decimal(12,2)", true}, {"bigint", "decimal(19,0)", true},
        {"bigint", "decimal(18,0)", false}, {"decimal(12,2)", "decimal(15,4)", true},
        {"decimal(12,2)", "decimal(12,3)", false}, {"decimal(12,2)", "double", true},
        {"decimal(12,2)", "bigint", false}, {"varchar(3)", "varchar(10)", true},
        {"varchar(10)", "varchar(3)", false}, {"varchar(3)", "varchar", true},
        {"varchar", "varchar(3)", false}, {"char(3)", "varchar(3)", true},
        {"char(3)", "varchar", true},    {"varchar(3)", "char(3)", false},
        {"date", "timestamp(3)", true},  {"timestamp(3)", "date", false},
        {"unknown", "bigint", true},     {"unknown", "varchar(5)", true},
        {"boolean", "bigint", false},    {"varchar", "date", false},
        {"array(integer)", "array(bigint)", true}, {"array(bigint)", "array(integer)", false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        cr_expect_eq(type_can_coerce(T(cases[i].from), T(cases[i].to)), cases[i].ok, "%s -> %s",
                     cases[i].from, cases[i].to);
}

Test(registry, common_super_types)
{
    struct {
        const char *a, *b, *super;
    } cases[] = {
        {"integer", "bigint", "bigint"},         {"tinyint", "smallint", "smallint"},
        {"integer", "decimal(12,2)", "decimal(12,2)"}, {"bigint", "decimal(5,2)", "decimal(21,2)"},
        {"decimal(12,2)", "decimal(3,2)", "decimal(12,2)"}, {"decimal(10,5)", "decimal(20,1)", "decimal(24,5)"},
        {"decimal(38,0)", "decimal(38,10)", "decimal(38,10)"}, {"decimal(5,2)", "double", "double"},
        {"bigint", "real", "real"},             {"real", "double", "double"},
        {"varchar(3)", "varchar(10)", "varchar(10)"}, {"varchar(3)", "varchar", "varchar"},
        {"char(3)", "varchar(5)", "varchar(5)"}, {"date", "timestamp(3)", "timestamp(3)"},
        {"unknown", "date", "date"},            {"timestamp(0)", "timestamp(6)", "timestamp(6)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sql_type s;
        cr_assert(type_common_super_type(T(cases[i].a), T(cases[i].b), &s), "%s, %s", cases[i].a, cases[i].b);
        cr_expect_str_eq(name_of(s), cases[i].super, "%s, %s", cases[i].a, cases[i].b);
        cr_assert(type_common_super_type(T(cases[i].b), T(cases[i].a), &s));
        cr_expect_str_eq(name_of(s), cases[i].super, "%s, %s (swapped)", cases[i].b, cases[i].a);
    }
    sql_type s;
    cr_expect_not(type_common_super_type(T("varchar"), T("bigint"), &s));
    cr_expect_not(type_common_super_type(T("boolean"), T("date"), &s));
}

Test(registry, arithmetic_result_types)
{
    expect_return("$add", 2, "bigint", "bigint", "bigint");
    expect_return("$add", 2, "integer", "bigint", "bigint");
    expect_return("$add", 2, "integer", "integer", "integer");
    expect_return("$add", 2, "tinyint", "smallint", "smallint");
    expect_return("$add", 2, "integer", "double", "double");
    expect_return("$add", 2, "bigint", "real", "real");
    expect_return("$add", 2, "decimal(12,2)", "double", "double");
    expect_return("$add", 2, "decimal(12,2)", "decimal(12,2)", "decimal(13,2)");
    expect_return("$subtract", 2, "integer", "decimal(12,2)", "decimal(13,2)");
    expect_return("$multiply", 2, "decimal(12,2)", "decimal(13,2)", "decimal(25,4)");
    expect_return("$multiply", 2, "decimal(25,4)", "decimal(13,2)", "decimal(38,6)");
    expect_return("$divide", 2, "decimal(10,2)", "decimal(5,3)", "decimal(14,3)");
    expect_return("$divide", 2, "decimal(38,0)", "decimal(38,10)", "decimal(38,10)");
    expect_return("$modulus", 2, "decimal(10,2)", "decimal(5,3)", "decimal(5,3)");
    expect_return("$add", 2, "decimal(38,2)", "decimal(38,2)", "decimal(38,2)");
    expect_return("$add", 2, "date", "interval day to second", "date");
    expect_return("$subtract", 2, "date", "interval year to month", "date");
    expect_return("$negate", 1, "decimal(7,3)", NULL, "decimal(7,3)");
    expect_return("$less_than", 2, "integer", "decimal(12,2)", "boolean");
    expect_return("$equal", 2, "varchar(1)", "varchar(3)", "boolean");
    expect_return("$less_than", 2, "date", "date", "boolean");
}

Test(registry, comparison_binds_common_super_type)
{
    resolved_function r = resolve("$less_than", 2, "decimal(12,2)", "decimal(3,2)", NULL);
    cr_expect_str_eq(name_of(r.arg_types[0]), "decimal(12,2)");
    cr_expect_str_eq(name_of(r.arg_types[1]), "decimal(12,2)");
    r = resolve("$equal", 2, "integer", "bigint", NULL);
    cr_expect_str_eq(name_of(r.arg_types[0]), "bigint");
    r = resolve("$add", 2, "integer", "decimal(12,2)", NULL);
    cr_expect_str_eq(name_of(r.arg_types[0]), "decimal(10,0)");
    cr_expect_str_eq(name_of(r.arg_types[1]), "decimal(12,2)");
}

Test(registry, function_result_types)
{
    expect_return("length", 1, "varchar(25)", NULL, "bigint");
    expect_return("length", 1, "char(3)", NULL, "bigint");
    expect_return("substr", 2, "varchar(25)", "integer", "varchar(25)");
    expect_return("upper", 1, "varchar", NULL, "varchar");
    expect_return("concat", 2, "varchar(3)", "varchar(4)", "varchar(7)");
    expect_return("concat", 2, "varchar(3)", "varchar", "varchar");
    expect_return("year", 1, "date", NULL, "bigint");
    expect_return("abs", 1, "decimal(12,2)", NULL, "decimal(12,2)");
    expect_return("abs", 1, "integer", NULL, "integer");
    expect_return("round", 1, "decimal(12,2)", NULL, "decimal(11,0)");
    expect_return("round", 2, "decimal(12,2)", "integer", "decimal(13,2)");
    expect_return("floor", 1, "decimal(5,0)", NULL, "decimal(5,0)");
    expect_return("round", 1, "double", NULL, "double");
    expect_return("sqrt", 1, "integer", NULL, "double");
    expect_return("greatest", 2, "integer", "bigint", "bigint");
}

Test(registry, aggregate_types)
{
    resolved_function r = resolve("sum", 1, "decimal(12,2)", NULL, NULL);
    cr_expect_str_eq(name_of(r.return_type), "decimal(38,2)");
    r = resolve("sum", 1, "integer", NULL, NULL);
    cr_expect_str_eq(name_of(r.return_type), "bigint");
    cr_expect_str_eq(name_of(r.intermediate_type), "bigint");
    r = resolve("avg", 1, "integer", NULL, NULL);
    cr_expect_str_eq(name_of(r.return_type), "double");
    r = resolve("avg", 1, "decimal(12,2)", NULL, NULL);
    cr_expect_str_eq(name_of(r.return_type), "decimal(12,2)");
    r = resolve("count", 0, NULL, NULL, NULL);
    cr_expect_str_eq(name_of(r.return_type), "bigint");
    r = resolve("count", 1, "varchar(3)", NULL, NULL);
    cr_expect_str_eq(name_of(r.return_type), "bigint");
    r = resolve("max", 1, "varchar(3)", NULL, NULL);
    cr_expect_str_eq(name_of(r.return_type), "varchar(3)");
    cr_expect_str_eq(name_of(r.intermediate_type), "varchar(3)");
    r = resolve("stddev", 1, "bigint", NULL, NULL);
    cr_expect_str_eq(name_of(r.return_type), "double");
    cr_expect_eq(r.function->kind, FUNCTION_AGGREGATE);
    cr_expect_not(r.function->null_on_null);
}

Test(registry, errors_are_worded_like_trino)
{
    resolved_function r;
    shoal_error e;
    sql_type bigint = T("bigint");
    cr_assert_not(function_resolve("foo", 1, &bigint, &r, &e));
    cr_expect_eq(e.code, ERR_FUNCTION_NOT_FOUND);
    cr_expect_str_eq(e.message, "Function 'foo' not registered");
    cr_assert_not(function_resolve("length", 1, &bigint, &r, &e));
    cr_expect_eq(e.code, ERR_FUNCTION_NOT_FOUND);
    cr_expect_str_eq(e.message,
                     "Unexpected parameters (bigint) for function length. Expected: length(varchar(x)), length(char(x)), length(varbinary)");
    sql_type args[2] = {T("integer"), T("varchar(1)")};
    cr_assert_not(function_resolve("$add", 2, args, &r, &e));
    cr_expect_eq(e.code, ERR_OPERATOR_NOT_FOUND);
    cr_expect_str_eq(e.message, "Cannot apply operator: integer + varchar(1)");
    sql_type map = type_map(T("bigint"), T("bigint"));
    sql_type maps[2] = {map, map};
    cr_expect_not(function_resolve("$less_than", 2, maps, &r, &e));
}

Test(registry, listing_and_binding)
{
    cr_assert_gt(function_count(), 100);
    const function_entry *f = function_find("substr", FUNCTION_SCALAR);
    cr_assert_not_null(f);
    cr_expect_str_eq(f->signature, "substr(varchar(x), bigint) -> varchar(x)");
    cr_expect(f->deterministic);
    cr_expect(f->null_on_null);
    cr_expect_eq(function_at(f->id), f);
    sql_type args[2] = {T("varchar(5)"), T("integer")};
    resolved_function r;
    shoal_error e;
    cr_assert(function_bind(f, 2, args, &r, &e), "%s", e.message);
    cr_expect_str_eq(name_of(r.arg_types[1]), "bigint");
    cr_expect_not(function_bind(f, 1, args, &r, &e));
}
