/*
 * test_vectors.c — vectors and pages: flat/constant/dictionary views, nulls,
 * strings kept alive across references, flattening.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "connectors/spi/page.h"
#include "connectors/spi/value.h"
#include "connectors/spi/vector.h"

Test(vectors, flat_values_and_nulls)
{
    vector v;
    cr_assert(vector_init_flat(&v, type_make(TYPE_BIGINT), VECTOR_SIZE));
    int64_t *data = v.data;
    for (int i = 0; i < 100; i++)
        data[i] = i * 3;
    cr_assert_not(vector_has_nulls(&v, 100));
    cr_assert(vector_set_null(&v, 7));
    cr_assert(vector_is_null(&v, 7));
    cr_assert_not(vector_is_null(&v, 8));
    cr_assert(vector_has_nulls(&v, 100));
    vector_set_valid(&v, 7);
    cr_assert_not(vector_is_null(&v, 7));
    vector_destroy(&v);
}

Test(vectors, constant_and_dictionary_views)
{
    int64_t forty_two = 42;
    vector c;
    cr_assert(vector_init_constant(&c, type_make(TYPE_BIGINT), &forty_two));
    vector_view view = vector_view_of(&c);
    for (uint32_t i = 0; i < 10; i++)
        cr_assert_eq(((const int64_t *)view.data)[vector_view_index(&view, i)], 42);

    vector flat;
    cr_assert(vector_init_flat(&flat, type_make(TYPE_INTEGER), 16));
    for (int i = 0; i < 16; i++)
        ((int32_t *)flat.data)[i] = i * 10;
    uint32_t selection[3] = {15, 2, 9};
    vector dict;
    cr_assert(vector_init_dictionary(&dict, &flat, selection, 3));
    vector_destroy(&flat); /* the dictionary keeps the memory alive */
    value v = value_load(&dict, 0);
    cr_assert_eq(v.u.i64, 150);
    uint32_t again[2] = {2, 0};
    vector nested;
    cr_assert(vector_init_dictionary(&nested, &dict, again, 2));
    cr_assert_null(nested.dictionary->dictionary, "dictionaries are composed, not nested");
    cr_assert_eq(value_load(&nested, 0).u.i64, 90);
    cr_assert_eq(value_load(&nested, 1).u.i64, 150);
    cr_assert(vector_flatten(&nested, 2));
    cr_assert_eq(nested.kind, VECTOR_FLAT);
    cr_assert_eq(((int32_t *)nested.data)[0], 90);
    vector_destroy(&nested);
    vector_destroy(&dict);
    vector_destroy(&c);
}

Test(vectors, strings_survive_the_source)
{
    const char *long_text = "a string that is longer than twelve bytes";
    vector *source = malloc(sizeof(vector));
    cr_assert(vector_init_flat(source, type_varchar(VARCHAR_UNBOUNDED), 4));
    string_view *s = source->data;
    cr_assert(vector_add_string(source, long_text, (uint32_t)strlen(long_text), &s[0]));
    cr_assert(vector_add_string(source, "short", 5, &s[1]));
    vector ref;
    cr_assert(vector_init_reference(&ref, source));
    vector_destroy(source);
    free(source);
    const string_view *r = ref.data;
    cr_assert_eq(r[0].length, strlen(long_text));
    cr_assert_eq(memcmp(string_view_data(&r[0]), long_text, r[0].length), 0);
    string_view expect = string_view_make("short", 5);
    cr_assert(string_view_equal(&r[1], &expect));
    cr_assert_lt(string_view_compare(&r[0], &r[1]), 0);
    vector_destroy(&ref);
}

Test(pages, refcount_and_retained_bytes)
{
    sql_type types[2] = {type_make(TYPE_BIGINT), type_varchar(10)};
    page *p = page_new(2, types, VECTOR_SIZE);
    cr_assert_not_null(p);
    cr_assert_geq(page_retained_bytes(p), (size_t)VECTOR_SIZE * (8 + 16));
    page_ref(p);
    page_unref(p);
    page_unref(p);
}
