/*
 * test_math.c — math functions: truncate(x, n), width_bucket, random,
 * constants, NaN/infinity tests, trigonometry, log(b, x), normal_cdf,
 * from_base/to_base, bitwise functions, greatest/least, mod on decimals,
 * round half away from zero; errors with Trino's names and messages.
 */
#include "fn_test_util.h"

Test(math, truncate_and_round)
{
    CHECK(call("truncate", 2, dec("12.345"), num(1)), "12.300");
    CHECK(call("truncate", 2, dec("-12.345"), num(2)), "-12.340");
    CHECK(call("truncate", 2, dec("123.45"), num(-1)), "120.00");
    CHECK(call("truncate", 2, dbl(-12.99), num(0)), "-12");
    CHECK(call("truncate", 2, dbl(1234.5), num(-2)), "1200");
    CHECK(call("truncate", 1, dbl(-1.9)), "-1");
    CHECK(call("truncate", 2, null_of("double"), num(1)), "NULL");
    CHECK(call("round", 1, dbl(2.5)), "3");
    CHECK(call("round", 1, dbl(-2.5)), "-3");
    CHECK(call("round", 1, dec("2.5")), "3");
    CHECK(call("round", 1, dec("-2.5")), "-3");
    CHECK(call("round", 2, dec("1.255"), num(2)), "1.260");
    CHECK(call("mod", 2, dec("10.5"), dec("3")), "1.5");
    CHECK(call("mod", 2, dec("-10.5"), dec("3")), "-1.5");
    CHECK(call("mod", 2, dec("1.0"), dec("0")), "ERROR DIVISION_BY_ZERO: Division by zero");
}

Test(math, width_bucket)
{
    CHECK(call("width_bucket", 4, dbl(5.3), dbl(0.2), dbl(10.6), big(5)), "3");
    CHECK(call("width_bucket", 4, dbl(-1), dbl(0), dbl(10), big(5)), "0");
    CHECK(call("width_bucket", 4, dbl(10), dbl(0), dbl(10), big(5)), "6");
    CHECK(call("width_bucket", 4, dbl(2), dbl(10), dbl(0), big(5)), "5");
    CHECK(call("width_bucket", 4, dbl(1), dbl(1), dbl(1), big(5)),
          "ERROR INVALID_FUNCTION_ARGUMENT: bounds cannot equal each other");
    CHECK(call("width_bucket", 4, dbl(1), dbl(0), dbl(2), big(0)),
          "ERROR INVALID_FUNCTION_ARGUMENT: bucketCount must be greater than 0");
    CHECK(call("width_bucket", 4, call("nan", 0), dbl(0), dbl(2), big(3)),
          "ERROR INVALID_FUNCTION_ARGUMENT: operand must not be NaN");
    CHECK(call("width_bucket", 4, dbl(1), call("infinity", 0), dbl(2), big(3)),
          "ERROR INVALID_FUNCTION_ARGUMENT: first bound must be finite");
}

Test(math, constants_and_classification)
{
    CHECK(call("pi", 0), "3.1415926535897931");
    CHECK(call("e", 0), "2.7182818284590451");
    CHECK(call("is_nan", 1, call("nan", 0)), "true");
    CHECK(call("is_nan", 1, dbl(1)), "false");
    CHECK(call("is_finite", 1, call("infinity", 0)), "false");
    CHECK(call("is_infinite", 1, call("$negate", 1, call("infinity", 0))), "true");
    CHECK(call("is_finite", 1, big(3)), "true");
    CHECK(call("is_nan", 1, null_of("double")), "NULL");
}

Test(math, trigonometry_and_logs)
{
    CHECK(call("degrees", 1, call("pi", 0)), "180");
    CHECK(call("radians", 1, dbl(180)), "3.1415926535897931");
    CHECK(call("sin", 1, dbl(0)), "0");
    CHECK(call("cos", 1, dbl(0)), "1");
    CHECK(call("atan2", 2, dbl(1), dbl(1)), "0.78539816339744828");
    CHECK(call("tanh", 1, dbl(0)), "0");
    CHECK(call("log", 2, dbl(2), dbl(8)), "3");
    CHECK(call("normal_cdf", 3, dbl(0), dbl(1), dbl(0)), "0.5");
    CHECK(call("normal_cdf", 3, dbl(0), dbl(0), dbl(0)),
          "ERROR INVALID_FUNCTION_ARGUMENT: standardDeviation must be > 0");
}

Test(math, random_is_nondeterministic_and_bounded)
{
    const function_entry *f = function_find("random", FUNCTION_SCALAR);
    cr_assert_not_null(f);
    cr_expect(!f->deterministic);
    /* 3 rows, values in range */
    page *p = page_new_empty(0);
    p->row_count = 3;
    expr *e = call("random", 1, big(10));
    cr_assert_not_null(e);
    shoal_error error;
    expr_program *prog = expr_program_compile(e, &error);
    cr_assert_not_null(prog, "%s", error.message);
    for (int round = 0; round < 50; round++) {
        vector out;
        cr_assert(expr_program_evaluate(prog, p, NULL, 3, &out, &error));
        for (uint32_t r = 0; r < 3; r++) {
            value v = value_load(&out, r);
            cr_expect(v.u.i64 >= 0 && v.u.i64 < 10);
        }
        vector_destroy(&out);
    }
    expr_program_free(prog);
    expr_free(e);
    page_unref(p);
    CHECK(call("random", 1, big(0)), "ERROR INVALID_FUNCTION_ARGUMENT: bound must be positive");
    CHECK(call("random", 2, big(5), big(5)),
          "ERROR INVALID_FUNCTION_ARGUMENT: start value must be less than stop value");
}

Test(math, bases_and_bits)
{
    CHECK(call("from_base", 2, str("ff"), big(16)), "255");
    CHECK(call("from_base", 2, str("-1010"), big(2)), "-10");
    CHECK(call("from_base", 2, str("zz"), big(16)),
          "ERROR INVALID_FUNCTION_ARGUMENT: Not a valid base-16 number: zz");
    CHECK(call("from_base", 2, str("1"), big(37)),
          "ERROR INVALID_FUNCTION_ARGUMENT: Radix must be between 2 and 36");
    CHECK(call("to_base", 2, big(-255), big(16)), "-ff");
    CHECK(call("to_base", 2, big(0), big(2)), "0");
    CHECK(call("to_base", 2, big(INT64_MIN), big(2)),
          "-1000000000000000000000000000000000000000000000000000000000000000");
    CHECK(call("bitwise_and", 2, big(12), big(10)), "8");
    CHECK(call("bitwise_or", 2, big(12), big(10)), "14");
    CHECK(call("bitwise_xor", 2, big(12), big(10)), "6");
    CHECK(call("bitwise_not", 1, big(0)), "-1");
    CHECK(call("bit_count", 2, big(-1), big(8)), "8");
    CHECK(call("bit_count", 2, big(300), big(8)),
          "ERROR INVALID_FUNCTION_ARGUMENT: Number must be representable with the bits specified. 300 can not be represented with 8 bits");
    CHECK(call("bitwise_left_shift", 2, big(1), big(3)), "8");
    CHECK(call("bitwise_right_shift", 2, big(-1), big(60)), "15");
    CHECK(call("bitwise_right_shift_arithmetic", 2, big(-8), big(1)), "-4");
}

Test(math, greatest_least_and_distinct)
{
    CHECK(call("greatest", 3, big(1), big(7), big(3)), "7");
    CHECK(call("greatest", 2, num(1), dbl(2.5)), "2.5");
    CHECK(call("least", 2, str("b"), str("a")), "a");
    CHECK(call("greatest", 2, big(1), null_of("bigint")), "NULL");
    CHECK(call("greatest", 2, dbl(1), call("nan", 0)), "ERROR INVALID_FUNCTION_ARGUMENT: Invalid argument to greatest(): NaN");
    CHECK(call("least", 2, expr_constant(value_date(10)), expr_constant(value_date(3))), "3");
    CHECK(special(EXPR_IS_DISTINCT_FROM, ty("boolean"), 2, big(1), null_of("bigint")), "true");
    CHECK(special(EXPR_IS_DISTINCT_FROM, ty("boolean"), 2, null_of("bigint"), null_of("bigint")), "false");
    CHECK(special(EXPR_IS_DISTINCT_FROM, ty("boolean"), 2, str("a"), str("a")), "false");
    CHECK(special(EXPR_IS_DISTINCT_FROM, ty("boolean"), 2, dec("1.50"), dec("1.5")), "false");
    CHECK(special(EXPR_NULLIF, ty("bigint"), 2, big(1), big(1)), "NULL");
    CHECK(special(EXPR_NULLIF, ty("bigint"), 2, big(1), null_of("bigint")), "1");
    CHECK(special(EXPR_COALESCE, ty("bigint"), 3, null_of("bigint"), null_of("bigint"), big(4)), "4");
}
