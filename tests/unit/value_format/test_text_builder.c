/*
 * test_text_builder.c — the growable string: appends, growth, printf, take.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "connectors/spi/text_builder.h"

Test(text_builder, appends_and_grows)
{
    text_builder b;
    text_builder_init(&b);
    cr_assert_str_eq(text_builder_cstr(&b), "");
    for (int i = 0; i < 1000; i++)
        cr_assert(text_builder_append_cstr(&b, "abc"));
    cr_assert_eq(b.length, 3000);
    cr_assert_eq(strlen(text_builder_cstr(&b)), 3000);
    text_builder_clear(&b);
    cr_assert_str_eq(text_builder_cstr(&b), "");
    text_builder_putc(&b, 'x');
    text_builder_printf(&b, "-%d-%s", 42, "y");
    cr_assert_str_eq(text_builder_cstr(&b), "x-42-y");
    char big[300];
    memset(big, 'z', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    text_builder_printf(&b, "%s!", big);
    cr_assert_eq(b.length, 6 + 299 + 1);
    cr_assert_eq(text_builder_cstr(&b)[b.length - 1], '!');
    text_builder_truncate(&b, 2);
    cr_assert_str_eq(text_builder_cstr(&b), "x-");
    cr_assert(text_builder_ok(&b));
    char *s = text_builder_take(&b);
    cr_assert_str_eq(s, "x-");
    free(s);
    cr_assert_null(b.data);
    text_builder_free(&b);
}

Test(text_builder, take_of_empty_is_empty_string)
{
    text_builder b;
    text_builder_init(&b);
    char *s = text_builder_take(&b);
    cr_assert_str_eq(s, "");
    free(s);
}

Test(text_builder, absurd_reserve_fails_and_sticks)
{
    text_builder b;
    text_builder_init(&b);
    cr_assert(!text_builder_reserve(&b, SIZE_MAX - 4));
    cr_assert(!text_builder_ok(&b));
    cr_assert(!text_builder_append_cstr(&b, "a"));
    cr_assert_null(text_builder_take(&b));
    text_builder_free(&b);
}
