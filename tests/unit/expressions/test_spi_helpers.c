/*
 * test_spi_helpers.c — decimal (parse, format, rescale HALF_UP, multiply and
 * divide overflow), civil dates, and the expression IR (copy, equal, format).
 */
#include <criterion/criterion.h>
#include <string.h>

#include "connectors/spi/date_util.h"
#include "connectors/spi/decimal.h"
#include "connectors/spi/expression.h"
#include "connectors/spi/function.h"

static __int128 parse128(const char *s)
{
    __int128 v = 0;
    bool negative = *s == '-';
    if (negative)
        s++;
    for (; *s; s++)
        v = v * 10 + (*s - '0');
    return negative ? -v : v;
}

Test(decimal, parse_and_format)
{
    __int128 v;
    bool bad;
    cr_assert(decimal_parse("12.345", 6, 10, 2, &v, &bad));
    cr_expect(v == 1235); /* HALF_UP */
    cr_assert(decimal_parse("-12.345", 7, 10, 2, &v, &bad));
    cr_expect(v == -1235);
    cr_assert(decimal_parse(" 7 ", 3, 3, 1, &v, &bad));
    cr_expect(v == 70);
    cr_expect_not(decimal_parse("1234", 4, 5, 2, &v, &bad));
    cr_expect_not(bad);
    cr_expect_not(decimal_parse("12a", 3, 5, 2, &v, &bad));
    cr_expect(bad);
    char out[64];
    decimal_format(-5, 2, out, sizeof out);
    cr_expect_str_eq(out, "-0.05");
    decimal_format(12345, 0, out, sizeof out);
    cr_expect_str_eq(out, "12345");
    __int128 big = parse128("99999999999999999999999999999999999999");
    decimal_format(big, 10, out, sizeof out);
    cr_expect_str_eq(out, "9999999999999999999999999999.9999999999");
    int p, s;
    cr_assert(decimal_parse_literal("12.50", 5, &v, &p, &s));
    cr_expect(p == 4 && s == 2 && v == 1250);
    cr_assert(decimal_parse_literal(".5", 2, &v, &p, &s));
    cr_expect(p == 1 && s == 1 && v == 5);
}

Test(decimal, rescale_multiply_divide)
{
    __int128 v;
    cr_assert(decimal_rescale(125, 2, 1, &v));
    cr_expect(v == 13);
    cr_assert(decimal_rescale(-125, 2, 1, &v));
    cr_expect(v == -13);
    cr_assert(decimal_rescale(124, 2, 1, &v));
    cr_expect(v == 12);
    cr_assert(decimal_rescale(5, 0, 3, &v));
    cr_expect(v == 5000);
    cr_expect_not(decimal_rescale(parse128("10000000000000000000000000000000000000"), 0, 1, &v));
    cr_expect_not(decimal_multiply(decimal_pow10(20), decimal_pow10(18), &v));
    cr_assert(decimal_multiply(decimal_pow10(20), decimal_pow10(17), &v));
    cr_assert(decimal_divide(1, 0, 3, &v));
    cr_expect(v == 0);
    cr_assert(decimal_divide(2, 0, 3, &v));
    cr_expect(v == 1);
    cr_assert(decimal_divide(-2, 0, 3, &v));
    cr_expect(v == -1);
    cr_assert(decimal_divide(10, 2, 3, &v)); /* 10/3 at scale 2 */
    cr_expect(v == 333);
    /* a 256-bit intermediate: 10^37 * 10^5 / 10^5 */
    cr_assert(decimal_divide(decimal_pow10(37), 5, decimal_pow10(5), &v));
    cr_expect(v == decimal_pow10(37));
    cr_expect_not(decimal_divide(decimal_pow10(37), 5, 3, &v));
    cr_assert(decimal_from_double(2.675, 10, 2, &v));
    cr_expect(v == 268);
    cr_expect_not(decimal_from_double(1e10, 5, 2, &v));
}

Test(dates, civil_round_trip_and_parse)
{
    int32_t d;
    cr_assert(date_parse("1970-01-01", 10, &d));
    cr_expect_eq(d, 0);
    cr_assert(date_parse("1998-12-01", 10, &d));
    cr_expect_eq(d, 10561);
    cr_assert(date_parse("2000-02-29", 10, &d));
    cr_expect_not(date_parse("1999-02-29", 10, &d));
    cr_expect_not(date_parse("1999-13-01", 10, &d));
    cr_expect_not(date_parse("abc", 3, &d));
    char out[32];
    date_format(10561, out, sizeof out);
    cr_expect_str_eq(out, "1998-12-01");
    date_format(-1, out, sizeof out);
    cr_expect_str_eq(out, "1969-12-31");
    for (int64_t day = -800000; day < 800000; day += 997) {
        int64_t y;
        int m, dd;
        date_to_civil(day, &y, &m, &dd);
        cr_assert_eq(date_from_civil(y, m, dd), day);
    }
    int64_t r;
    cr_assert(date_parse("2000-01-31", 10, &d));
    cr_assert(date_add_months(d, 1, &r));
    date_format((int32_t)r, out, sizeof out);
    cr_expect_str_eq(out, "2000-02-29");
    cr_assert(date_add_months(d, -13, &r));
    date_format((int32_t)r, out, sizeof out);
    cr_expect_str_eq(out, "1998-12-31");
    cr_expect_eq(date_day_of_week(0), 4);
    cr_assert(date_parse("2021-01-03", 10, &d));
    cr_expect_eq(date_week_of_year(d), 53);
    cr_expect_eq(date_year_of_week(d), 2020);
    cr_expect_eq(date_day_of_year(d), 3);
}

Test(expression_ir, copy_equal_format)
{
    sql_type bigint = type_make(TYPE_BIGINT);
    sql_type args[2] = {bigint, bigint};
    resolved_function r;
    shoal_error e;
    cr_assert(function_resolve("$add", 2, args, &r, &e));
    expr *a[2] = {expr_column(2, bigint), expr_constant(value_bigint(1))};
    expr *sum = expr_call(r.function, bigint, 2, a);
    char text[128];
    expr_format(sum, text, sizeof text);
    cr_expect_str_eq(text, "(#2 + 1)");
    const char *long_text = "a long string constant that is not inline";
    expr *s = expr_constant(value_varchar(long_text, (uint32_t)strlen(long_text)));
    expr *both[2] = {sum, s};
    expr *c = expr_special(EXPR_COALESCE, bigint, 2, both);
    expr *copy = expr_copy(c);
    cr_expect(expr_equal(c, copy));
    cr_expect(copy->args[1]->constant.u.string.u.pointer != s->constant.u.string.u.pointer);
    cr_expect_not(expr_is_constant(copy));
    cr_expect(expr_is_constant(copy->args[1]));
    expr_format(copy, text, sizeof text);
    cr_expect_str_eq(text, "COALESCE((#2 + 1), 'a long string constant that is not inline')");
    expr *other = expr_constant(value_bigint(2));
    cr_expect_not(expr_equal(copy->args[0]->args[1], other));
    expr_free(other);
    expr_free(copy);
    expr_free(c);
}
