/*
 * test_programs.c — compiled expression programs: values and NULLs per
 * family, Trino's error names and messages, TRY/TRY_CAST, short circuit,
 * three-valued logic, LIKE, casts, filters and constant folding.
 */
#include <criterion/criterion.h>
#include <stdio.h>

#include "connectors/spi/date_util.h"
#include "expr_test_util.h"

/* Evaluates a constant expression (one row) and returns its text. */
static const char *eval_text(expr *e, shoal_error *error)
{
    static char text[ERROR_MESSAGE_MAX + 64];
    cr_assert_not_null(e, "expression did not resolve");
    page *p = page_new_empty(0);
    p->row_count = 1;
    shoal_error local;
    error_clear(&local);
    expr_program *prog = expr_program_compile(e, &local);
    expr_free(e);
    if (!prog) {
        page_unref(p);
        if (error)
            *error = local;
        snprintf(text, sizeof text, "ERROR %s: %s", error_name(local.code), local.message);
        return text;
    }
    vector out;
    if (!expr_program_evaluate(prog, p, NULL, 1, &out, &local)) {
        snprintf(text, sizeof text, "ERROR %s: %s", error_name(local.code), local.message);
    } else {
        cell_text(&out, 0, text, sizeof text);
        vector_destroy(&out);
    }
    if (error)
        *error = local;
    expr_program_free(prog);
    page_unref(p);
    return text;
}

#define EXPECT(e, want) \
    do { \
        const char *got_ = eval_text((e), NULL); \
        cr_expect_str_eq(got_, (want), "line %d: got [%s] want [%s]", __LINE__, got_, (want)); \
    } while (0)

Test(programs, integer_arithmetic)
{
    EXPECT(call("$add", 2, big(2), big(3)), "5");
    EXPECT(call("$add", 2, num(2), big(3)), "5");
    EXPECT(call("$subtract", 2, big(2), big(3)), "-1");
    EXPECT(call("$multiply", 2, num(-4), num(3)), "-12");
    EXPECT(call("$divide", 2, big(7), big(2)), "3");
    EXPECT(call("$divide", 2, big(-7), big(2)), "-3");
    EXPECT(call("$modulus", 2, big(-7), big(2)), "-1");
    EXPECT(call("$negate", 1, big(5)), "-5");
    EXPECT(call("$add", 2, big(1), null_of("bigint")), "NULL");
    EXPECT(call("$add", 2, big(INT64_MAX), big(1)),
           "ERROR NUMERIC_VALUE_OUT_OF_RANGE: bigint addition overflow: 9223372036854775807 + 1");
    EXPECT(call("$add", 2, num(INT32_MAX), num(1)),
           "ERROR NUMERIC_VALUE_OUT_OF_RANGE: integer addition overflow: 2147483647 + 1");
    EXPECT(call("$multiply", 2, big(INT64_MAX), big(2)),
           "ERROR NUMERIC_VALUE_OUT_OF_RANGE: bigint multiplication overflow: 9223372036854775807 * 2");
    EXPECT(call("$subtract", 2, big(INT64_MIN), big(1)),
           "ERROR NUMERIC_VALUE_OUT_OF_RANGE: bigint subtraction overflow: -9223372036854775808 - 1");
    EXPECT(call("$divide", 2, big(1), big(0)), "ERROR DIVISION_BY_ZERO: Division by zero");
    EXPECT(call("$modulus", 2, num(1), num(0)), "ERROR DIVISION_BY_ZERO: Division by zero");
    EXPECT(call("$divide", 2, dbl(1), dbl(0)), "inf");
    EXPECT(call("$add", 2, num(1), dbl(0.5)), "1.5");
    EXPECT(call("abs", 1, big(-3)), "3");
    EXPECT(call("round", 1, dbl(2.5)), "3");
    EXPECT(call("round", 1, dbl(-2.5)), "-3");
    EXPECT(call("round", 2, dbl(3.14159), num(2)), "3.1400000000000001");
    EXPECT(call("floor", 1, dbl(-1.5)), "-2");
    EXPECT(call("ceil", 1, dbl(1.2)), "2");
    EXPECT(call("sqrt", 1, big(16)), "4");
    EXPECT(call("mod", 2, big(10), big(3)), "1");
    EXPECT(call("greatest", 3, big(1), big(7), big(3)), "7");
    EXPECT(call("least", 2, str("b"), str("a")), "a");
}

Test(programs, decimal_arithmetic)
{
    EXPECT(call("$add", 2, dec("1.25"), dec("2.5")), "3.75");
    EXPECT(call("$subtract", 2, num(1), dec("0.05")), "0.95");
    EXPECT(call("$multiply", 2, dec("12.50"), dec("0.95")), "11.8750");
    EXPECT(call("$divide", 2, dec("1.00"), dec("3")), "0.33");
    EXPECT(call("$divide", 2, dec("2.00"), dec("3")), "0.67");
    EXPECT(call("$divide", 2, dec("-2.00"), dec("3")), "-0.67");
    EXPECT(call("$modulus", 2, dec("10.5"), dec("3")), "1.5");
    EXPECT(call("$divide", 2, dec("1.0"), dec("0")), "ERROR DIVISION_BY_ZERO: Division by zero");
    EXPECT(call("$negate", 1, dec("1.5")), "-1.5");
    EXPECT(call("abs", 1, dec("-1.5")), "1.5");
    EXPECT(call("round", 1, dec("2.5")), "3");
    EXPECT(call("round", 1, dec("-2.5")), "-3");
    EXPECT(call("floor", 1, dec("-2.5")), "-3");
    EXPECT(call("ceil", 1, dec("2.1")), "3");
    EXPECT(call("round", 2, dec("123.456"), num(1)), "123.500");
    /* long decimals, 38 digits */
    EXPECT(call("$add", 2, dec("99999999999999999999999999999999999998"), dec("1")),
           "99999999999999999999999999999999999999");
    EXPECT(call("$add", 2, dec("99999999999999999999999999999999999999"), dec("1")),
           "ERROR NUMERIC_VALUE_OUT_OF_RANGE: Decimal overflow");
    EXPECT(call("$multiply", 2, dec("12345678901234567890.12"), dec("1000.001")),
           "12345691246913469124687.89012");
    EXPECT(call("$multiply", 2, dec("9999999999999999999999999999"), dec("99999999999")),
           "ERROR NUMERIC_VALUE_OUT_OF_RANGE: Decimal overflow");
    EXPECT(call("$divide", 2, dec("10000000000000000000000000000000000000"), dec("0.5")),
           "ERROR NUMERIC_VALUE_OUT_OF_RANGE: Decimal overflow");
    EXPECT(call("$divide", 2, dec("1000000000000000000000000000000.0"), dec("0.3")),
           "3333333333333333333333333333333.3");
    EXPECT(call("$less_than", 2, dec("0.05"), dec("0.060")), "true");
    EXPECT(call("$equal", 2, num(1), dec("1.00")), "true");
}

Test(programs, comparisons_and_logic)
{
    EXPECT(call("$less_than", 2, big(1), big(2)), "true");
    EXPECT(call("$greater_than_or_equal", 2, str("abc"), str("abd")), "false");
    EXPECT(call("$equal", 2, str("a long string value"), str("a long string value")), "true");
    EXPECT(call("$not_equal", 2, big(1), null_of("bigint")), "NULL");
    sql_type b = ty("boolean");
    EXPECT(special(EXPR_AND, b, 2, boolean(false), null_of("boolean")), "false");
    EXPECT(special(EXPR_AND, b, 2, boolean(true), null_of("boolean")), "NULL");
    EXPECT(special(EXPR_OR, b, 2, null_of("boolean"), boolean(true)), "true");
    EXPECT(special(EXPR_OR, b, 2, null_of("boolean"), boolean(false)), "NULL");
    EXPECT(special(EXPR_NOT, b, 1, null_of("boolean")), "NULL");
    EXPECT(special(EXPR_IS_NULL, b, 1, null_of("bigint")), "true");
    EXPECT(special(EXPR_BETWEEN, b, 3, big(5), num(1), big(5)), "true");
    EXPECT(special(EXPR_IN, b, 4, big(3), big(1), big(2), big(3)), "true");
    EXPECT(special(EXPR_IN, b, 3, big(3), big(1), null_of("bigint")), "NULL");
    EXPECT(special(EXPR_IN, b, 3, str("x"), str("y"), str("x")), "true");
    EXPECT(special(EXPR_IS_DISTINCT_FROM, b, 2, big(1), null_of("bigint")), "true");
    EXPECT(special(EXPR_IS_DISTINCT_FROM, b, 2, null_of("bigint"), null_of("bigint")), "false");
}

Test(programs, short_circuit_and_special_forms)
{
    sql_type bigint = ty("bigint"), b = ty("boolean");
    /* CASE WHEN false THEN 1/0 ELSE 7 END must not fail */
    EXPECT(special(EXPR_CASE, bigint, 3, boolean(false), call("$divide", 2, big(1), big(0)), big(7)), "7");
    EXPECT(special(EXPR_IF, bigint, 3, boolean(true), big(1), call("$divide", 2, big(1), big(0))), "1");
    EXPECT(special(EXPR_CASE, bigint, 2, boolean(false), big(1)), "NULL");
    EXPECT(special(EXPR_AND, b, 2, boolean(false), call("$equal", 2, call("$divide", 2, big(1), big(0)), big(1))), "false");
    EXPECT(special(EXPR_COALESCE, bigint, 3, null_of("bigint"), big(2), call("$divide", 2, big(1), big(0))), "2");
    EXPECT(special(EXPR_NULLIF, bigint, 2, big(2), big(2)), "NULL");
    EXPECT(special(EXPR_NULLIF, bigint, 2, big(2), big(3)), "2");
    EXPECT(special(EXPR_TRY, bigint, 1, call("$divide", 2, big(1), big(0))), "NULL");
    EXPECT(special(EXPR_TRY, bigint, 1, call("$add", 2, big(INT64_MAX), big(1))), "NULL");
    EXPECT(special(EXPR_TRY_CAST, ty("integer"), 1, str("abc")), "NULL");
    EXPECT(cast_to(str("abc"), "integer"), "ERROR INVALID_CAST_ARGUMENT: Cannot cast 'abc' to INT");
}

Test(programs, casts)
{
    EXPECT(cast_to(str("42"), "bigint"), "42");
    EXPECT(cast_to(str(" 42 "), "integer"), "42");
    EXPECT(cast_to(str("x"), "bigint"), "ERROR INVALID_CAST_ARGUMENT: Cannot cast 'x' to BIGINT");
    EXPECT(cast_to(big(3000000000LL), "integer"), "ERROR NUMERIC_VALUE_OUT_OF_RANGE: Out of range for integer: 3000000000");
    EXPECT(cast_to(dbl(2.5), "bigint"), "3");
    EXPECT(cast_to(dbl(1.0), "varchar"), "1.0E0");
    EXPECT(cast_to(dbl(123.456), "varchar"), "1.23456E2");
    EXPECT(cast_to(dec("12.345"), "decimal(4,1)"), "12.3");
    EXPECT(cast_to(dec("12.35"), "decimal(4,1)"), "12.4");
    EXPECT(cast_to(dec("123.45"), "decimal(3,1)"),
           "ERROR INVALID_CAST_ARGUMENT: Cannot cast DECIMAL(5, 2) '123.45' to DECIMAL(3, 1)");
    EXPECT(cast_to(str("1.005"), "decimal(5,2)"), "1.01");
    EXPECT(cast_to(str("abc"), "decimal(5,2)"),
           "ERROR INVALID_CAST_ARGUMENT: Cannot cast VARCHAR 'abc' to DECIMAL(5, 2). Value is not a number.");
    EXPECT(cast_to(dec("-0.05"), "varchar"), "-0.05");
    EXPECT(cast_to(dec("2.5"), "integer"), "3");
    EXPECT(cast_to(big(5), "decimal(3,1)"), "5.0");
    EXPECT(cast_to(big(500), "decimal(3,1)"), "ERROR INVALID_CAST_ARGUMENT: Cannot cast BIGINT '500' to DECIMAL(3, 1)");
    EXPECT(cast_to(dbl(0.1), "decimal(10,5)"), "0.10000");
    EXPECT(cast_to(str("1998-12-01"), "date"), "10561");
    EXPECT(cast_to(str("1998-13-01"), "date"), "ERROR INVALID_CAST_ARGUMENT: Value cannot be cast to date: 1998-13-01");
    EXPECT(cast_to(expr_constant(value_date(10561)), "varchar"), "1998-12-01");
    EXPECT(cast_to(str("TRUE"), "boolean"), "true");
    EXPECT(cast_to(boolean(true), "varchar"), "true");
    EXPECT(cast_to(str("abcdef"), "varchar(3)"), "abc");
    EXPECT(cast_to(big(12345), "varchar(3)"),
           "ERROR INVALID_CAST_ARGUMENT: Value 12345 cannot be represented as varchar(3)");
    EXPECT(cast_to(null_of("unknown"), "bigint"), "NULL");
    EXPECT(cast_to(str("2001-08-22 03:04:05.321"), "timestamp(3)"), "998449445321000");
}

Test(programs, strings)
{
    EXPECT(call("length", 1, str("héllo")), "5");
    EXPECT(call("upper", 1, str("abc")), "ABC");
    EXPECT(call("lower", 1, str("A long MIXED string value")), "a long mixed string value");
    EXPECT(call("substr", 3, str("13-555-1234"), big(1), big(2)), "13");
    EXPECT(call("substring", 2, str("hello world, long enough"), num(7)), "world, long enough");
    EXPECT(call("substr", 2, str("hello"), big(-3)), "llo");
    EXPECT(call("substr", 2, str("hello"), big(0)), "");
    EXPECT(call("substr", 3, str("héllo"), big(2), big(2)), "él");
    EXPECT(call("concat", 3, str("ab"), str("cd"), str("efghijklmnop")), "abcdefghijklmnop");
    EXPECT(call("trim", 1, str("  x y  ")), "x y");
    EXPECT(call("ltrim", 1, str("  x ")), "x ");
    EXPECT(call("rtrim", 1, str("  x ")), "  x");
    EXPECT(call("reverse", 1, str("héllo")), "olléh");
    EXPECT(call("replace", 3, str("aXbXc"), str("X"), str("--")), "a--b--c");
    EXPECT(call("replace", 2, str("aXbXc"), str("X")), "abc");
    EXPECT(call("strpos", 2, str("héllo"), str("llo")), "3");
    EXPECT(call("starts_with", 2, str("hello"), str("he")), "true");
    EXPECT(call("lpad", 3, str("7"), big(3), str("0")), "007");
    EXPECT(call("rpad", 3, str("abcdef"), big(3), str("0")), "abc");
    EXPECT(call("lpad", 3, str("7"), big(3), str("")),
           "ERROR INVALID_FUNCTION_ARGUMENT: Padding string must not be empty");
}

static const char *like(const char *text, const char *pattern, const char *escape)
{
    sql_type b = ty("boolean");
    if (escape)
        return eval_text(special(EXPR_LIKE, b, 3, str(text), str(pattern), str(escape)), NULL);
    return eval_text(special(EXPR_LIKE, b, 2, str(text), str(pattern)), NULL);
}

Test(programs, like_patterns)
{
    struct {
        const char *text, *pattern, *escape, *want;
    } cases[] = {
        {"PROMO BURNISHED", "PROMO%", NULL, "true"},
        {"STANDARD", "PROMO%", NULL, "false"},
        {"forest green", "%green", NULL, "true"},
        {"special requests here", "%special%requests%", NULL, "true"},
        {"requests special", "%special%requests%", NULL, "false"},
        {"abc", "abc", NULL, "true"},
        {"abcd", "abc", NULL, "false"},
        {"abc", "a_c", NULL, "true"},
        {"abbc", "a_c", NULL, "false"},
        {"ahéc", "ah_c", NULL, "true"},
        {"a%c", "a!%c", "!", "true"},
        {"abc", "a!%c", "!", "false"},
        {"a_c", "%!_%", "!", "true"},
        {"abc", "%!_%", "!", "false"},
        {"", "%", NULL, "true"},
        {"", "", NULL, "true"},
        {"x", "", NULL, "false"},
        {"aaa", "a%a%a", NULL, "true"},
        {"aa", "a%a%a", NULL, "false"},
        {"xaby", "%a_y", NULL, "true"},
        {"mississippi", "%iss%ppi", NULL, "true"},
        {"abc", "a!c", "!", "ERROR INVALID_FUNCTION_ARGUMENT: Escape character must be followed by '%', '_' or the escape character itself"},
        {"abc", "abc", "!!", "ERROR INVALID_FUNCTION_ARGUMENT: Escape string must be a single character"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        cr_expect_str_eq(like(cases[i].text, cases[i].pattern, cases[i].escape), cases[i].want, "'%s' LIKE '%s'",
                         cases[i].text, cases[i].pattern);
    EXPECT(special(EXPR_LIKE, ty("boolean"), 2, str("abc"), null_of("varchar")), "NULL");
}

Test(programs, dates)
{
    int32_t d;
    date_parse("1998-12-01", 10, &d);
    expr *date = expr_constant(value_date(d));
    value ds = value_null(ty("interval day to second"));
    ds.is_null = false;
    ds.u.i64 = 90LL * 86400000;
    value ym = value_null(ty("interval year to month"));
    ym.is_null = false;
    ym.u.i64 = 3;
    EXPECT(cast_to(call("$subtract", 2, date, expr_constant(ds)), "varchar"), "1998-09-02");
    date = expr_constant(value_date(d));
    EXPECT(cast_to(call("$add", 2, date, expr_constant(ym)), "varchar"), "1999-03-01");
    date_parse("2000-01-31", 10, &d);
    ym.u.i64 = 1;
    EXPECT(cast_to(call("$add", 2, expr_constant(value_date(d)), expr_constant(ym)), "varchar"), "2000-02-29");
    EXPECT(call("year", 1, expr_constant(value_date(d))), "2000");
    EXPECT(call("month", 1, expr_constant(value_date(d))), "1");
    EXPECT(call("day", 1, expr_constant(value_date(d))), "31");
    EXPECT(call("quarter", 1, expr_constant(value_date(d))), "1");
    EXPECT(call("day_of_week", 1, expr_constant(value_date(d))), "1");
    EXPECT(cast_to(call("date_trunc", 2, str("month"), expr_constant(value_date(d))), "varchar"), "2000-01-01");
    EXPECT(call("date_diff", 3, str("day"), expr_constant(value_date(0)), expr_constant(value_date(d))), "10987");
    ds.u.i64 = 3600000;
    EXPECT(call("$add", 2, expr_constant(value_date(d)), expr_constant(ds)),
           "ERROR INVALID_FUNCTION_ARGUMENT: Cannot add hour, minute or second to a date");
    EXPECT(call("$less_than", 2, expr_constant(value_date(d)), expr_constant(value_date(d + 1))), "true");
}

Test(programs, errors_at_compile_time)
{
    shoal_error e;
    eval_text(cast_to(str("x"), "array(bigint)"), &e);
    cr_expect_eq(e.code, ERR_TYPE_MISMATCH);
    eval_text(special(EXPR_LAMBDA, ty("bigint"), 1, big(1)), &e);
    cr_expect_eq(e.code, ERR_NOT_SUPPORTED);
}

/* ---- over pages ---- */

static page *make_page(uint32_t rows)
{
    sql_type types[4] = {ty("bigint"), ty("decimal(12,2)"), ty("varchar"), ty("date")};
    page *p = page_new(4, types, rows);
    p->row_count = rows;
    for (uint32_t r = 0; r < rows; r++) {
        ((int64_t *)p->columns[0].data)[r] = r;
        ((int64_t *)p->columns[1].data)[r] = (int64_t)r * 125; /* r * 1.25 */
        char text[64];
        int n = snprintf(text, sizeof text, r % 3 == 0 ? "PROMO item number %u" : "plain %u", r);
        vector_add_string(&p->columns[2], text, (uint32_t)n, (string_view *)p->columns[2].data + r);
        ((int32_t *)p->columns[3].data)[r] = 10000 + (int32_t)r;
        if (r % 7 == 6)
            vector_set_null(&p->columns[0], r);
    }
    return p;
}

Test(programs, vectors_filters_and_selections)
{
    page *p = make_page(1000);
    shoal_error e;
    /* #0 * 2 + 1 over a selection */
    expr *e1 = call("$add", 2, call("$multiply", 2, col(0, "bigint"), big(2)), big(1));
    expr_program *prog = expr_program_compile(e1, &e);
    cr_assert_not_null(prog, "%s", e.message);
    uint32_t sel[3] = {1, 6, 500};
    vector out;
    cr_assert(expr_program_evaluate(prog, p, sel, 3, &out, &e), "%s", e.message);
    char t[64];
    cell_text(&out, 0, t, sizeof t);
    cr_expect_str_eq(t, "3");
    cell_text(&out, 1, t, sizeof t);
    cr_expect_str_eq(t, "NULL");
    cell_text(&out, 2, t, sizeof t);
    cr_expect_str_eq(t, "1001");
    /* evaluating again while the first result is still held */
    vector again;
    cr_assert(expr_program_evaluate(prog, p, NULL, 1000, &again, &e));
    cell_text(&out, 2, t, sizeof t);
    cr_expect_str_eq(t, "1001");
    cell_text(&again, 999, t, sizeof t);
    cr_expect_str_eq(t, "1999");
    vector_destroy(&out);
    vector_destroy(&again);
    expr_program *copy = expr_program_clone(prog, &e);
    cr_assert_not_null(copy);
    expr_program_free(copy);
    expr_program_free(prog);
    expr_free(e1);

    /* filter: #2 LIKE 'PROMO%' AND #1 < 100.00 AND #0 IS NOT NULL (NOT IS NULL) */
    sql_type b = ty("boolean");
    expr *f = special(EXPR_AND, b, 3, special(EXPR_LIKE, b, 2, col(2, "varchar"), str("PROMO%")),
                      call("$less_than", 2, col(1, "decimal(12,2)"), dec("100.00")),
                      special(EXPR_NOT, b, 1, special(EXPR_IS_NULL, b, 1, col(0, "bigint"))));
    prog = expr_program_compile(f, &e);
    cr_assert_not_null(prog, "%s", e.message);
    uint32_t rows[1000], n;
    cr_assert(expr_program_filter(prog, p, NULL, 1000, rows, &n, &e), "%s", e.message);
    uint32_t expected = 0;
    for (uint32_t r = 0; r < 80; r++)
        expected += r % 3 == 0 && r % 7 != 6;
    cr_expect_eq(n, expected);
    for (uint32_t i = 0; i < n; i++)
        cr_expect(rows[i] % 3 == 0 && rows[i] < 80 && rows[i] % 7 != 6);
    /* the same filter over a selection of odd rows */
    uint32_t odd[500];
    for (uint32_t i = 0; i < 500; i++)
        odd[i] = 2 * i + 1;
    cr_assert(expr_program_filter(prog, p, odd, 500, rows, &n, &e));
    for (uint32_t i = 0; i < n; i++)
        cr_expect(rows[i] % 2 == 1 && rows[i] % 3 == 0 && rows[i] < 80);
    expr_program_free(prog);
    expr_free(f);

    /* CASE over columns: division by zero only on rows not taken */
    expr *c = special(EXPR_CASE, ty("bigint"), 3, call("$greater_than", 2, col(0, "bigint"), big(0)),
                      call("$divide", 2, big(100), col(0, "bigint")), big(-1));
    prog = expr_program_compile(c, &e);
    cr_assert_not_null(prog, "%s", e.message);
    cr_assert(expr_program_evaluate(prog, p, NULL, 10, &out, &e), "%s", e.message);
    cell_text(&out, 0, t, sizeof t);
    cr_expect_str_eq(t, "-1");
    cell_text(&out, 4, t, sizeof t);
    cr_expect_str_eq(t, "25");
    cell_text(&out, 6, t, sizeof t);
    cr_expect_str_eq(t, "-1");
    vector_destroy(&out);
    expr_program_free(prog);
    expr_free(c);

    /* substr over a column keeps the input strings alive */
    expr *s = call("substr", 3, col(2, "varchar"), big(1), big(14));
    prog = expr_program_compile(s, &e);
    cr_assert(expr_program_evaluate(prog, p, NULL, 4, &out, &e));
    page_unref(p);
    cell_text(&out, 0, t, sizeof t);
    cr_expect_str_eq(t, "PROMO item num");
    cell_text(&out, 1, t, sizeof t);
    cr_expect_str_eq(t, "plain 1");
    vector_destroy(&out);
    expr_program_free(prog);
    expr_free(s);
}

Test(programs, constant_folding)
{
    shoal_error e;
    expr *x = call("$add", 2, col(0, "bigint"), call("$multiply", 2, big(2), big(3)));
    expr_program *prog = expr_program_compile(x, &e);
    cr_assert_not_null(prog);
    page *p = make_page(4);
    vector out;
    cr_assert(expr_program_evaluate(prog, p, NULL, 4, &out, &e));
    char t[32];
    cell_text(&out, 3, t, sizeof t);
    cr_expect_str_eq(t, "9");
    vector_destroy(&out);
    expr_program_free(prog);
    expr_free(x);
    /* a failing constant is kept: no error unless a row reaches it */
    x = special(EXPR_CASE, ty("bigint"), 3, call("$less_than", 2, col(0, "bigint"), big(0)),
                call("$divide", 2, big(1), big(0)), big(5));
    prog = expr_program_compile(x, &e);
    cr_assert_not_null(prog, "%s", e.message);
    cr_assert(expr_program_evaluate(prog, p, NULL, 4, &out, &e), "%s", e.message);
    vector_destroy(&out);
    expr_program_free(prog);
    expr_free(x);
    page_unref(p);
}
