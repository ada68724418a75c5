/*
 * test_properties.c — the Java .properties reader: separators, comments,
 * continuations, escapes, blanks, duplicates, ${ENV:...}, and bad input.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "config/properties.h"

static config_properties parse_ok(const char *text)
{
    config_properties p;
    config_error e;
    config_error_clear(&e);
    bool ok = config_properties_parse(text, strlen(text), "t.properties", &p, &e);
    cr_assert(ok, "parse failed: %s", e.message);
    return p;
}

static config_error parse_fail(const char *text)
{
    config_properties p;
    config_error e;
    config_error_clear(&e);
    bool ok = config_properties_parse(text, strlen(text), "t.properties", &p, &e);
    cr_assert(!ok, "parse should fail: %s", text);
    cr_assert(config_error_is_set(&e));
    return e;
}

Test(properties, separators_and_order)
{
    config_properties p = parse_ok("a=1\nb: 2\nc 3\nd\t=\t4\ne = = 5\nf::6\n");
    cr_assert_eq(p.count, 6);
    cr_assert_str_eq(p.items[0].key, "a");
    cr_assert_str_eq(p.items[0].value, "1");
    cr_assert_str_eq(p.items[1].value, "2");
    cr_assert_str_eq(p.items[2].key, "c");
    cr_assert_str_eq(p.items[2].value, "3");
    cr_assert_str_eq(p.items[3].value, "4");
    cr_assert_str_eq(p.items[4].value, "= 5");
    cr_assert_str_eq(p.items[5].value, ":6");
    cr_assert_eq(p.items[3].line, 4);
    config_properties_free(&p);
}

Test(properties, comments_and_blank_lines)
{
    config_properties p = parse_ok("# comment\n! also comment\n\n   \n  # indented comment \\\nx=1\n");
    cr_assert_eq(p.count, 1);
    cr_assert_str_eq(p.items[0].key, "x");
    cr_assert_eq(p.items[0].line, 6);
    config_properties_free(&p);
}

Test(properties, hash_inside_value_is_text)
{
    config_properties p = parse_ok("url=http://h:8080/#frag\n");
    cr_assert_str_eq(p.items[0].value, "http://h:8080/#frag");
    config_properties_free(&p);
}

Test(properties, continuation_lines)
{
    config_properties p = parse_ok("list=a,\\\n    b,\\\n\tc\nnext=1\n");
    cr_assert_eq(p.count, 2);
    cr_assert_str_eq(p.items[0].value, "a,b,c");
    cr_assert_eq(p.items[0].line, 1);
    cr_assert_eq(p.items[1].line, 4);
    config_properties_free(&p);
}

Test(properties, even_backslashes_do_not_continue)
{
    config_properties p = parse_ok("path=c:\\\\\nnext=1\n");
    cr_assert_eq(p.count, 2);
    cr_assert_str_eq(p.items[0].value, "c:\\");
    config_properties_free(&p);
}

Test(properties, crlf_and_cr_line_ends)
{
    config_properties p = parse_ok("a=1\r\nb=2\rc=3");
    cr_assert_eq(p.count, 3);
    cr_assert_str_eq(p.items[0].value, "1");
    cr_assert_str_eq(p.items[1].value, "2");
    cr_assert_str_eq(p.items[2].value, "3");
    cr_assert_eq(p.items[2].line, 3);
    config_properties_free(&p);
}

Test(properties, escapes)
{
    config_properties p = parse_ok("k\\=ey\\ x = tab\\there\\nnl \\u00e9\\u20AC \\\\ \\q\n");
    cr_assert_str_eq(p.items[0].key, "k=ey x");
    cr_assert_str_eq(p.items[0].value, "tab\there\nnl \xC3\xA9\xE2\x82\xAC \\ q");
    config_properties_free(&p);
}

Test(properties, surrogate_pair)
{
    config_properties p = parse_ok("emoji=\\uD83D\\uDE00\n");
    cr_assert_str_eq(p.items[0].value, "\xF0\x9F\x98\x80");
    config_properties_free(&p);
}

Test(properties, surrounding_whitespace)
{
    config_properties p = parse_ok("   key   =   value with  inner   \t \nk2=\\ padded\\ \n");
    cr_assert_str_eq(p.items[0].key, "key");
    cr_assert_str_eq(p.items[0].value, "value with  inner");
    cr_assert_str_eq(p.items[1].value, " padded ");
    config_properties_free(&p);
}

Test(properties, empty_value_and_key_only)
{
    config_properties p = parse_ok("empty=\nbare\n");
    cr_assert_str_eq(p.items[0].value, "");
    cr_assert_str_eq(p.items[1].key, "bare");
    cr_assert_str_eq(p.items[1].value, "");
    config_properties_free(&p);
}

Test(properties, utf8_passthrough_and_bom)
{
    config_properties p = parse_ok("\xEF\xBB\xBFname=caf\xC3\xA9\n");
    cr_assert_str_eq(p.items[0].key, "name");
    cr_assert_str_eq(p.items[0].value, "caf\xC3\xA9");
    config_properties_free(&p);
}

Test(properties, find_and_get)
{
    config_properties p = parse_ok("a=1\nb=2\n");
    cr_assert_str_eq(config_properties_get(&p, "b"), "2");
    cr_assert_null(config_properties_get(&p, "c"));
    cr_assert_eq(config_properties_find(&p, "a")->line, 1);
    config_properties_free(&p);
}

Test(properties, duplicate_key_is_an_error)
{
    config_error e = parse_fail("a=1\nb=2\na=3\n");
    cr_assert_eq(e.line, 3);
    cr_assert_str_eq(e.key, "a");
    cr_assert(strstr(e.message, "t.properties:3: a: Duplicate configuration property 'a' (first given on line 1)"),
              "%s", e.message);
}

Test(properties, malformed_unicode_escape)
{
    config_error e = parse_fail("x=1\nbad=\\u12G4\n");
    cr_assert_eq(e.line, 2);
    cr_assert_str_eq(e.key, "bad");
    cr_assert(strstr(e.message, "Malformed \\uxxxx encoding"), "%s", e.message);
    parse_fail("short=\\u12\n");
    parse_fail("lone=\\uDC00\n");
    parse_fail("nul=\\u0000\n");
}

Test(properties, nul_byte_is_an_error)
{
    config_properties p;
    config_error e;
    bool ok = config_properties_parse("a=1\nb=x\0y\n", 10, "t", &p, &e);
    cr_assert(!ok);
    cr_assert_eq(e.line, 2);
}

Test(properties, empty_key_is_an_error)
{
    config_error e = parse_fail("=value\n");
    cr_assert_eq(e.line, 1);
}

Test(properties, env_substitution)
{
    setenv("SHOAL_TEST_SECRET", "s3cr3t", 1);
    config_properties p = parse_ok("password=${ENV:SHOAL_TEST_SECRET}\nmixed=a-${ENV:SHOAL_TEST_SECRET}-b\n");
    config_error e;
    cr_assert(config_properties_resolve_env(&p, &e), "%s", e.message);
    cr_assert_str_eq(p.items[0].value, "s3cr3t");
    cr_assert_str_eq(p.items[1].value, "a-s3cr3t-b");
    config_properties_free(&p);

    unsetenv("SHOAL_TEST_UNSET_VAR");
    p = parse_ok("a=1\npassword=${ENV:SHOAL_TEST_UNSET_VAR}\n");
    cr_assert(!config_properties_resolve_env(&p, &e));
    cr_assert_eq(e.line, 2);
    cr_assert_str_eq(e.key, "password");
    cr_assert(strstr(e.message, "Environment variable is not set: SHOAL_TEST_UNSET_VAR"), "%s", e.message);
    config_properties_free(&p);
}

Test(properties, load_missing_file)
{
    config_properties p;
    config_error e;
    cr_assert(!config_properties_load("/nonexistent/dir/x.properties", &p, &e));
    cr_assert_str_eq(e.file, "/nonexistent/dir/x.properties");
}
