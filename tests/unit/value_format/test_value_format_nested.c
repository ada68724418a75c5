/*
 * test_value_format_nested.c — rows of vectors: flat, constant and
 * dictionary vectors, NULLs, and arrays, maps and rows in the CLI's text
 * form and the protocol's JSON form.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "connectors/spi/value_format.h"

static char out_text[4096];

static const char *text_at(const vector *v, uint32_t row)
{
    text_builder b;
    text_builder_init(&b);
    cr_assert(value_format_text(v, row, &b), "format failed");
    snprintf(out_text, sizeof out_text, "%s", text_builder_cstr(&b));
    text_builder_free(&b);
    return out_text;
}

static char out_json[4096];

static const char *json_at(const vector *v, uint32_t row)
{
    text_builder b;
    text_builder_init(&b);
    cr_assert(value_format_json(v, row, &b), "format failed");
    snprintf(out_json, sizeof out_json, "%s", text_builder_cstr(&b));
    text_builder_free(&b);
    return out_json;
}

static void set_string(vector *v, uint32_t row, const char *s)
{
    cr_assert(vector_add_string(v, s, (uint32_t)strlen(s), (string_view *)v->data + row));
}

Test(vectors, flat_with_nulls_constant_and_dictionary)
{
    vector v;
    cr_assert(vector_init_flat(&v, type_make(TYPE_BIGINT), 4));
    int64_t *d = v.data;
    d[0] = 1;
    d[1] = INT64_MIN;
    d[3] = 42;
    vector_set_null(&v, 2);
    cr_assert_str_eq(text_at(&v, 0), "1");
    cr_assert_str_eq(text_at(&v, 1), "-9223372036854775808");
    cr_assert_str_eq(text_at(&v, 2), "NULL");
    cr_assert_str_eq(json_at(&v, 2), "null");
    cr_assert_str_eq(json_at(&v, 3), "42");

    uint32_t selection[3] = {3, 2, 0};
    vector dict;
    cr_assert(vector_init_dictionary(&dict, &v, selection, 3));
    cr_assert_str_eq(text_at(&dict, 0), "42");
    cr_assert_str_eq(text_at(&dict, 1), "NULL");
    cr_assert_str_eq(text_at(&dict, 2), "1");
    vector_destroy(&dict);
    vector_destroy(&v);

    vector c;
    double x = 0.1;
    cr_assert(vector_init_constant(&c, type_make(TYPE_DOUBLE), &x));
    cr_assert_str_eq(text_at(&c, 0), "0.1");
    cr_assert_str_eq(text_at(&c, 1000), "0.1");
    vector_destroy(&c);
    cr_assert(vector_init_constant_null(&c, type_varchar(VARCHAR_UNBOUNDED)));
    cr_assert_str_eq(text_at(&c, 5), "NULL");
    cr_assert_str_eq(json_at(&c, 5), "null");
    vector_destroy(&c);
}

Test(vectors, long_strings_and_decimals)
{
    vector v;
    cr_assert(vector_init_flat(&v, type_varchar(VARCHAR_UNBOUNDED), 2));
    set_string(&v, 0, "a string longer than twelve bytes");
    set_string(&v, 1, "short");
    cr_assert_str_eq(text_at(&v, 0), "a string longer than twelve bytes");
    cr_assert_str_eq(json_at(&v, 1), "\"short\"");
    vector_destroy(&v);

    cr_assert(vector_init_flat(&v, type_decimal(38, 2), 1));
    __int128 x = -5;
    memcpy(v.data, &x, sizeof x);
    cr_assert_str_eq(text_at(&v, 0), "-0.05");
    cr_assert_str_eq(json_at(&v, 0), "\"-0.05\"");
    vector_destroy(&v);

    cr_assert(vector_init_flat(&v, type_decimal(10, 3), 1));
    *(int64_t *)v.data = 1234567;
    cr_assert_str_eq(text_at(&v, 0), "1234.567");
    vector_destroy(&v);
}

Test(vectors, arrays)
{
    vector v;
    cr_assert(vector_init_flat(&v, type_array(type_make(TYPE_INTEGER)), 4));
    vector *e = v.children[0];
    int32_t *values = e->data;
    values[0] = 1;
    values[1] = 2;
    values[2] = 3;
    vector_set_null(e, 3);
    values[4] = 5;
    list_entry *lists = v.data;
    lists[0] = (list_entry){0, 2};
    lists[1] = (list_entry){2, 3};
    lists[2] = (list_entry){0, 0};
    vector_set_null(&v, 3);
    cr_assert_str_eq(text_at(&v, 0), "[1, 2]");
    cr_assert_str_eq(json_at(&v, 0), "[1,2]");
    cr_assert_str_eq(text_at(&v, 1), "[3, NULL, 5]");
    cr_assert_str_eq(json_at(&v, 1), "[3,null,5]");
    cr_assert_str_eq(text_at(&v, 2), "[]");
    cr_assert_str_eq(json_at(&v, 2), "[]");
    cr_assert_str_eq(text_at(&v, 3), "NULL");
    cr_assert_str_eq(json_at(&v, 3), "null");

    /* a dictionary over an array vector reads the same lists */
    uint32_t selection[2] = {1, 0};
    vector dict;
    cr_assert(vector_init_dictionary(&dict, &v, selection, 2));
    cr_assert_str_eq(text_at(&dict, 0), "[3, NULL, 5]");
    cr_assert_str_eq(json_at(&dict, 1), "[1,2]");
    vector_destroy(&dict);
    vector_destroy(&v);
}

Test(vectors, arrays_of_strings_and_doubles)
{
    vector v;
    cr_assert(vector_init_flat(&v, type_array(type_varchar(VARCHAR_UNBOUNDED)), 1));
    set_string(v.children[0], 0, "a");
    set_string(v.children[0], 1, "b \"q\"");
    ((list_entry *)v.data)[0] = (list_entry){0, 2};
    cr_assert_str_eq(text_at(&v, 0), "[a, b \"q\"]");
    cr_assert_str_eq(json_at(&v, 0), "[\"a\",\"b \\\"q\\\"\"]");
    vector_destroy(&v);

    cr_assert(vector_init_flat(&v, type_array(type_make(TYPE_DOUBLE)), 1));
    double *d = v.children[0]->data;
    d[0] = 1.0;
    d[1] = 1e7;
    d[2] = __builtin_nan("");
    ((list_entry *)v.data)[0] = (list_entry){0, 3};
    cr_assert_str_eq(text_at(&v, 0), "[1.0, 1.0E7, NaN]");
    cr_assert_str_eq(json_at(&v, 0), "[1.0,1.0E7,\"NaN\"]");
    vector_destroy(&v);
}

Test(vectors, maps)
{
    vector v;
    cr_assert(vector_init_flat(&v, type_map(type_make(TYPE_INTEGER), type_varchar(VARCHAR_UNBOUNDED)), 3));
    int32_t *keys = v.children[0]->data;
    keys[0] = 1;
    keys[1] = 2;
    keys[2] = 3;
    set_string(v.children[1], 0, "a");
    set_string(v.children[1], 1, "b");
    vector_set_null(v.children[1], 2);
    list_entry *lists = v.data;
    lists[0] = (list_entry){0, 2};
    lists[1] = (list_entry){2, 1};
    lists[2] = (list_entry){0, 0};
    cr_assert_str_eq(text_at(&v, 0), "{1=a, 2=b}");
    cr_assert_str_eq(json_at(&v, 0), "{\"1\":\"a\",\"2\":\"b\"}");
    cr_assert_str_eq(text_at(&v, 1), "{3=NULL}");
    cr_assert_str_eq(json_at(&v, 1), "{\"3\":null}");
    cr_assert_str_eq(text_at(&v, 2), "{}");
    cr_assert_str_eq(json_at(&v, 2), "{}");
    vector_destroy(&v);

    /* keys that need escaping in JSON */
    cr_assert(vector_init_flat(&v, type_map(type_varchar(VARCHAR_UNBOUNDED), type_make(TYPE_DOUBLE)), 1));
    set_string(v.children[0], 0, "k\"1");
    ((double *)v.children[1]->data)[0] = 0.5;
    ((list_entry *)v.data)[0] = (list_entry){0, 1};
    cr_assert_str_eq(text_at(&v, 0), "{k\"1=0.5}");
    cr_assert_str_eq(json_at(&v, 0), "{\"k\\\"1\":0.5}");
    vector_destroy(&v);
}

Test(vectors, rows)
{
    sql_type fields[2] = {type_make(TYPE_BIGINT), type_varchar(VARCHAR_UNBOUNDED)};
    const char *names[2] = {"x", "y"};
    vector v;
    cr_assert(vector_init_flat(&v, type_row(2, fields, names), 3));
    int64_t *x = v.children[0]->data;
    x[0] = 1;
    x[1] = 2;
    set_string(v.children[1], 0, "abc");
    vector_set_null(v.children[1], 1);
    vector_set_null(&v, 2);
    cr_assert_str_eq(text_at(&v, 0), "{x=1, y=abc}");
    cr_assert_str_eq(json_at(&v, 0), "[1,\"abc\"]");
    cr_assert_str_eq(text_at(&v, 1), "{x=2, y=NULL}");
    cr_assert_str_eq(json_at(&v, 1), "[2,null]");
    cr_assert_str_eq(text_at(&v, 2), "NULL");
    cr_assert_str_eq(json_at(&v, 2), "null");

    uint32_t selection[1] = {1};
    vector dict;
    cr_assert(vector_init_dictionary(&dict, &v, selection, 1));
    cr_assert_str_eq(text_at(&dict, 0), "{x=2, y=NULL}");
    vector_destroy(&dict);
    vector_destroy(&v);

    const char *anonymous[2] = {NULL, NULL};
    cr_assert(vector_init_flat(&v, type_row(2, fields, anonymous), 1));
    ((int64_t *)v.children[0]->data)[0] = 7;
    set_string(v.children[1], 0, "z");
    cr_assert_str_eq(text_at(&v, 0), "{7, z}");
    cr_assert_str_eq(json_at(&v, 0), "[7,\"z\"]");
    vector_destroy(&v);
}

Test(vectors, protocol_sample_array_of_rows)
{
    /* protocol.md: array(row(score double, "Word Start" decimal(10, 2), word varchar)) -> [[0.95,"8.60","Bonsoir"]] */
    sql_type fields[3] = {type_make(TYPE_DOUBLE), type_decimal(10, 2), type_varchar(VARCHAR_UNBOUNDED)};
    const char *names[3] = {"score", "Word Start", "word"};
    vector v;
    cr_assert(vector_init_flat(&v, type_array(type_row(3, fields, names)), 1));
    vector *row = v.children[0];
    ((double *)row->children[0]->data)[0] = 0.95;
    ((int64_t *)row->children[1]->data)[0] = 860;
    set_string(row->children[2], 0, "Bonsoir");
    ((list_entry *)v.data)[0] = (list_entry){0, 1};
    cr_assert_str_eq(json_at(&v, 0), "[[0.95,\"8.60\",\"Bonsoir\"]]");
    cr_assert_str_eq(text_at(&v, 0), "[{score=0.95, Word Start=8.60, word=Bonsoir}]");
    vector_destroy(&v);
}

Test(vectors, map_of_arrays_nested)
{
    vector v;
    cr_assert(vector_init_flat(&v, type_map(type_varchar(VARCHAR_UNBOUNDED), type_array(type_make(TYPE_BOOLEAN))), 1));
    set_string(v.children[0], 0, "k");
    vector *arrays = v.children[1];
    uint8_t *bools = arrays->children[0]->data;
    bools[0] = 1;
    bools[1] = 0;
    ((list_entry *)arrays->data)[0] = (list_entry){0, 2};
    ((list_entry *)v.data)[0] = (list_entry){0, 1};
    cr_assert_str_eq(text_at(&v, 0), "{k=[true, false]}");
    cr_assert_str_eq(json_at(&v, 0), "{\"k\":[true,false]}");
    vector_destroy(&v);
}

Test(vectors, varbinary_and_dates_in_vectors)
{
    vector v;
    cr_assert(vector_init_flat(&v, type_make(TYPE_VARBINARY), 1));
    cr_assert(vector_add_string(&v, "\x01\x02\x03", 3, (string_view *)v.data));
    cr_assert_str_eq(text_at(&v, 0), "01 02 03");
    cr_assert_str_eq(json_at(&v, 0), "\"AQID\"");
    vector_destroy(&v);

    cr_assert(vector_init_flat(&v, type_array(type_make(TYPE_DATE)), 1));
    ((int32_t *)v.children[0]->data)[0] = 19737;
    ((list_entry *)v.data)[0] = (list_entry){0, 1};
    cr_assert_str_eq(text_at(&v, 0), "[2024-01-15]");
    cr_assert_str_eq(json_at(&v, 0), "[\"2024-01-15\"]");
    vector_destroy(&v);
}
