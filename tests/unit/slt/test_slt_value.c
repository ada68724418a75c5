/*
 * test_slt_value.c — sqllogictest value rules: rendering per type letter,
 * rowsort/valuesort on rendered strings, MD5 hashing as the reference runner
 * does it (checked against hashes from the corpus), and result comparison.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "tools/slt/slt_md5.h"
#include "tools/slt/slt_value.h"

static void check(slt_cell cell, char letter, const char *expected)
{
    char *s = slt_render(&cell, letter);
    cr_assert_str_eq(s, expected, "letter %c: expected '%s', got '%s'", letter, expected, s);
    free(s);
}

static slt_cell int_cell(int64_t v) { return (slt_cell){.kind = SLT_CELL_INT, .i = v}; }
static slt_cell float_cell(double v) { return (slt_cell){.kind = SLT_CELL_FLOAT, .d = v}; }
static slt_cell text_cell(const char *s) { return (slt_cell){.kind = SLT_CELL_TEXT, .text = s, .length = strlen(s)}; }
static slt_cell decimal_cell(__int128 unscaled, int scale)
{
    return (slt_cell){.kind = SLT_CELL_DECIMAL, .unscaled = unscaled, .scale = scale};
}

Test(slt_value, null_is_NULL_for_every_letter)
{
    slt_cell null = {.kind = SLT_CELL_NULL};
    check(null, 'I', "NULL");
    check(null, 'R', "NULL");
    check(null, 'T', "NULL");
}

Test(slt_value, integers)
{
    check(int_cell(-42), 'I', "-42");
    check(int_cell(INT64_MIN), 'I', "-9223372036854775808");
    check(float_cell(2.9), 'I', "2");
    check(float_cell(-2.9), 'I', "-2");           /* truncated toward zero, as a C cast */
    check(decimal_cell(-2950, 3), 'I', "-2");
    check(decimal_cell(12345, 0), 'I', "12345");
    check((slt_cell){.kind = SLT_CELL_BOOL, .i = 1}, 'I', "1");
    check(text_cell(" 12abc"), 'I', "12");       /* SQLite's leading-integer reading */
    check(text_cell("abc"), 'I', "0");
    check(text_cell(""), 'I', "0");
}

Test(slt_value, reals_have_three_decimals)
{
    check(float_cell(2.5), 'R', "2.500");
    check(float_cell(-1.0 / 3.0), 'R', "-0.333");
    check(int_cell(7), 'R', "7.000");
    check(decimal_cell(-5, 2), 'R', "-0.050");
    check(text_cell("1.25e1x"), 'R', "12.500");
}

Test(slt_value, text_rules)
{
    check(text_cell(""), 'T', "(empty)");
    check(text_cell("a b~"), 'T', "a b~");
    check(text_cell("tab\there\xc3\xa9"), 'T', "tab@here@@");
    check(int_cell(10), 'T', "10");
    check(float_cell(2.5), 'T', "2.5");
    check(float_cell(3.0), 'T', "3.0");
    check(decimal_cell(-5, 2), 'T', "-0.05");
    check(decimal_cell(123, 0), 'T', "123");
}

Test(slt_value, md5_known_answers)
{
    /* RFC 1321 appendix A.5 test suite */
    static const char *const cases[][2] = {
        {"", "d41d8cd98f00b204e9800998ecf8427e"},
        {"a", "0cc175b9c0f1b6a831c399e269772661"},
        {"abc", "900150983cd24fb0d6963f7d28e17f72"},
        {"message digest", "f96b697d7cb7938d525a2f31aaf161d0"},
        {"12345678901234567890123456789012345678901234567890123456789012345678901234567890",
         "57edf4a22be3c955ac49da2e2107b67a"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        slt_md5 m;
        slt_md5_init(&m);
        /* feed in two pieces to cover the partial-block path */
        size_t n = strlen(cases[i][0]);
        slt_md5_update(&m, cases[i][0], n / 3);
        slt_md5_update(&m, cases[i][0] + n / 3, n - n / 3);
        char hex[33];
        slt_md5_final_hex(&m, hex);
        cr_assert_str_eq(hex, cases[i][1]);
    }
}

Test(slt_value, rowsort_compares_strings_and_hash_matches_corpus)
{
    /* random/select/slt_good_0.test: SELECT * FROM tab0 AS cor0, query III rowsort
     * over rows (89,91,82), (35,97,1), (24,86,33) hashes to 38a1673e... */
    char *values[] = {"89", "91", "82", "35", "97", "1", "24", "86", "33"};
    slt_sort_values(values, 9, 3, SLT_SORT_ROWS);
    cr_assert_str_eq(values[0], "24");
    cr_assert_str_eq(values[3], "35");
    cr_assert_str_eq(values[6], "89");
    cr_assert_str_eq(values[8], "82");
    char hex[33];
    slt_hash_values(values, 9, hex);
    cr_assert_str_eq(hex, "38a1673e2e09d694c8cec45c797034a7");
}

Test(slt_value, sorts_are_by_bytes_not_numbers)
{
    char *rows[] = {"9", "a", "10", "b", "10", "a"};
    slt_sort_values(rows, 6, 2, SLT_SORT_ROWS);
    cr_assert_str_eq(rows[0], "10");
    cr_assert_str_eq(rows[1], "a");
    cr_assert_str_eq(rows[2], "10");
    cr_assert_str_eq(rows[3], "b");
    cr_assert_str_eq(rows[4], "9");

    char *values[] = {"9", "-1", "10", "NULL"};
    slt_sort_values(values, 4, 2, SLT_SORT_VALUES);
    cr_assert_str_eq(values[0], "-1");
    cr_assert_str_eq(values[1], "10");
    cr_assert_str_eq(values[2], "9");
    cr_assert_str_eq(values[3], "NULL");

    char *kept[] = {"9", "10"};
    slt_sort_values(kept, 2, 1, SLT_SORT_NONE);
    cr_assert_str_eq(kept[0], "9");
}

static slt_record query_expecting(char **lines, int n)
{
    slt_record r;
    memset(&r, 0, sizeof r);
    r.kind = SLT_RECORD_QUERY;
    r.has_separator = true;
    r.expected = lines;
    r.expected_count = n;
    return r;
}

Test(slt_value, compares_values_and_hashes)
{
    char why[256];
    char *expected[] = {"1", "x"};
    slt_record r = query_expecting(expected, 2);
    char *same[] = {"1", "x"};
    cr_assert(slt_values_match(same, 2, &r, why, sizeof why));
    char *other[] = {"1", "y"};
    cr_assert_not(slt_values_match(other, 2, &r, why, sizeof why));
    cr_assert(strstr(why, "expected 'x', got 'y'"), "%s", why);
    cr_assert_not(slt_values_match(same, 1, &r, why, sizeof why));
    cr_assert(strstr(why, "expected 2 values, got 1"), "%s", why);

    char *hash_line[] = {"9 values hashing to 38a1673e2e09d694c8cec45c797034a7"};
    slt_record h = query_expecting(hash_line, 1);
    char *values[] = {"24", "86", "33", "35", "97", "1", "89", "91", "82"};
    cr_assert(slt_values_match(values, 9, &h, why, sizeof why));
    cr_assert_not(slt_values_match(values, 8, &h, why, sizeof why));
    values[0] = "25";
    cr_assert_not(slt_values_match(values, 9, &h, why, sizeof why));

    char hex[33];
    cr_assert(slt_expected_hash(&h, hex));
    cr_assert_str_eq(hex, "38a1673e2e09d694c8cec45c797034a7");
    char *listed[] = {"24", "86", "33", "35", "97", "1", "89", "91", "82"};
    slt_record l = query_expecting(listed, 9);
    cr_assert(slt_expected_hash(&l, hex));
    cr_assert_str_eq(hex, "38a1673e2e09d694c8cec45c797034a7");
}

Test(slt_value, empty_result)
{
    char why[256];
    slt_record r = query_expecting(NULL, 0);
    cr_assert(slt_values_match(NULL, 0, &r, why, sizeof why));
    char *one[] = {"1"};
    cr_assert_not(slt_values_match(one, 1, &r, why, sizeof why));
}
