/*
 * test_page_serde.c — the page codec: round trips of every scalar type with
 * NULLs, long strings, decimals, constants and dictionaries, compression, and
 * hostile input (truncation, garbage, bit flips, unknown versions, absurd
 * counts) that must be refused without crashing.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "connectors/spi/page_serde.h"
#include "connectors/spi/value.h"
#include "connectors/spi/value_format.h"

static uint64_t rng_state = 0x1234567;

static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static const char *const type_names[] = {
    "boolean", "tinyint", "smallint", "integer", "bigint", "real", "double",
    "decimal(12,2)", "decimal(38,10)", "varchar", "varchar(25)", "char(10)", "varbinary", "json",
    "date", "time(3)", "timestamp(3)", "timestamp(6)", "timestamp(3) with time zone",
    "interval day to second", "interval year to month", "uuid", "unknown",
};
enum { TYPE_COUNT = sizeof type_names / sizeof type_names[0] };

static sql_type parse(const char *name)
{
    sql_type t;
    cr_assert(type_parse(name, &t), "type %s", name);
    return t;
}

/* Fills row r of flat vector v with a deterministic value (NULL on r % 5 == 1
 * unless no_nulls). Strings run from empty to over a kilobyte. */
static void fill_row(vector *v, uint32_t r, bool no_nulls)
{
    if (!no_nulls && r % 5 == 1) {
        cr_assert(vector_set_null(v, r));
        return;
    }
    if (v->type.kind == TYPE_UNKNOWN) {
        cr_assert(vector_set_null(v, r));
        return;
    }
    unsigned char *slot = (unsigned char *)v->data + type_value_size(v->type) * r;
    uint64_t x = rng();
    switch (type_physical(v->type)) {
    case PHYSICAL_BOOL: *slot = x & 1; break;
    case PHYSICAL_STRING: {
        uint32_t length = (uint32_t)(r % 7 == 0 ? 1000 + x % 2000 : x % 20);
        char *text = malloc(length + 1);
        for (uint32_t i = 0; i < length; i++)
            text[i] = (char)('a' + (x + i * 7) % 26);
        cr_assert(vector_add_string(v, text, length, (string_view *)slot));
        free(text);
        break;
    }
    case PHYSICAL_TIMESTAMP_TZ: {
        timestamp_tz t = {.micros_utc = (int64_t)x, .zone_key = (int16_t)(x % 500)};
        memcpy(slot, &t, sizeof t);
        break;
    }
    case PHYSICAL_INT128: {
        __int128 big = (__int128)(((unsigned __int128)x << 64) | rng());
        memcpy(slot, &big, 16);
        break;
    }
    default: memcpy(slot, &x, type_value_size(v->type)); break;
    }
}

/* Row r of a and b hold the same value (or both NULL). */
static void assert_same_row(const vector *a, uint32_t ra, const vector *b, uint32_t rb, const char *what)
{
    vector_view va = vector_view_of(a), vb = vector_view_of(b);
    uint32_t ia = vector_view_index(&va, ra), ib = vector_view_index(&vb, rb);
    bool valid = vector_view_valid(&va, ia);
    cr_assert_eq(valid, vector_view_valid(&vb, ib), "%s row %u validity", what, ra);
    if (!valid)
        return;
    size_t size = type_value_size(a->type);
    const unsigned char *x = (const unsigned char *)va.data + size * ia;
    const unsigned char *y = (const unsigned char *)vb.data + size * ib;
    switch (type_physical(a->type)) {
    case PHYSICAL_STRING: {
        const string_view *s = (const string_view *)x, *t = (const string_view *)y;
        cr_assert_eq(s->length, t->length, "%s row %u length", what, ra);
        cr_assert(memcmp(string_view_data(s), string_view_data(t), s->length) == 0, "%s row %u", what, ra);
        break;
    }
    case PHYSICAL_TIMESTAMP_TZ: {
        const timestamp_tz *s = (const timestamp_tz *)x, *t = (const timestamp_tz *)y;
        cr_assert_eq(s->micros_utc, t->micros_utc);
        cr_assert_eq(s->zone_key, t->zone_key);
        break;
    }
    default: cr_assert(memcmp(x, y, size) == 0, "%s row %u value", what, ra); break;
    }
}

static void assert_same_page(const page *a, const page *b)
{
    cr_assert_eq(a->row_count, b->row_count);
    cr_assert_eq(a->column_count, b->column_count);
    for (int c = 0; c < a->column_count; c++) {
        char name[128];
        type_format(a->columns[c].type, false, name, sizeof name);
        cr_assert(type_equal(a->columns[c].type, b->columns[c].type), "column %d type %s", c, name);
        for (uint32_t r = 0; r < a->row_count; r++)
            assert_same_row(&a->columns[c], r, &b->columns[c], r, name);
    }
}

static page *all_types_page(uint32_t rows, bool no_nulls)
{
    sql_type types[TYPE_COUNT];
    for (int i = 0; i < TYPE_COUNT; i++)
        types[i] = parse(type_names[i]);
    page *p = page_new(TYPE_COUNT, types, rows > 0 ? rows : 1);
    for (int c = 0; c < TYPE_COUNT; c++)
        for (uint32_t r = 0; r < rows; r++)
            fill_row(&p->columns[c], r, no_nulls);
    p->row_count = rows;
    return p;
}

static page *round_trip(const page *p, const page_serde_options *options, size_t *size_out)
{
    unsigned char *bytes = NULL;
    size_t size = 0;
    shoal_error e;
    error_clear(&e);
    cr_assert(page_serialize(p, options, &bytes, &size, &e), "%s", e.message);
    page *back = page_deserialize(bytes, size, &e);
    cr_assert_not_null(back, "%s", e.message);
    free(bytes);
    if (size_out)
        *size_out = size;
    return back;
}

Test(page_serde, xxh64_reference_values)
{
    cr_assert_eq(page_serde_xxh64("", 0, 0), UINT64_C(0xef46db3751d8e999));
    cr_assert_eq(page_serde_xxh64("abc", 3, 0), UINT64_C(0x44bc2cf5ad770999));
    unsigned char bytes[100];
    for (int i = 0; i < 100; i++)
        bytes[i] = (unsigned char)i;
    cr_assert_eq(page_serde_xxh64(bytes, 100, 0), UINT64_C(0x6ac1e58032166597));
}

Test(page_serde, every_scalar_type_with_nulls)
{
    for (uint32_t rows = 0; rows <= 130; rows += rows < 3 ? 1 : 61) {
        page *p = all_types_page(rows, false);
        page *back = round_trip(p, NULL, NULL);
        assert_same_page(p, back);
        page_unref(back);
        page *raw = round_trip(p, &(page_serde_options){.never_compress = true}, NULL);
        assert_same_page(p, raw);
        page_unref(raw);
        page_unref(p);
    }
}

Test(page_serde, full_vector_without_nulls_and_compression)
{
    page *p = all_types_page(VECTOR_SIZE, true);
    size_t compressed, plain;
    page *a = round_trip(p, NULL, &compressed);
    page *b = round_trip(p, &(page_serde_options){.never_compress = true}, &plain);
    assert_same_page(p, a);
    assert_same_page(p, b);
    cr_assert_lt(compressed, plain, "zstd pays on the long strings");
    for (int c = 0; c < a->column_count; c++)
        if (a->columns[c].type.kind != TYPE_UNKNOWN) /* always NULL */
            cr_assert_null(a->columns[c].validity, "no bitmap when there are no NULLs");
    page_unref(a);
    page_unref(b);
    page_unref(p);
}

Test(page_serde, decimals_and_long_strings_values)
{
    sql_type types[3] = {type_decimal(12, 2), type_decimal(38, 0), type_varchar(VARCHAR_UNBOUNDED)};
    page *p = page_new(3, types, 4);
    value v = value_decimal(12, 2, -123456789012);
    cr_assert(value_store(&v, &p->columns[0], 0));
    __int128 huge = (__int128)1;
    for (int i = 0; i < 37; i++)
        huge *= 10; /* 10^37 */
    v = value_decimal(38, 0, -huge);
    cr_assert(value_store(&v, &p->columns[1], 0));
    char *text = malloc(100000);
    memset(text, 'q', 100000);
    string_view sv;
    cr_assert(vector_add_string(&p->columns[2], text, 100000, &sv));
    ((string_view *)p->columns[2].data)[0] = sv;
    p->row_count = 1;
    page *back = round_trip(p, NULL, NULL);
    cr_assert_eq(value_load(&back->columns[0], 0).u.i64, -123456789012);
    cr_assert(value_load(&back->columns[1], 0).u.i128 == -huge);
    value s = value_load(&back->columns[2], 0);
    cr_assert_eq(s.u.string.length, 100000);
    cr_assert(memcmp(string_view_data(&s.u.string), text, 100000) == 0);
    free(text);
    page_unref(back);
    page_unref(p);
}

Test(page_serde, constants_kept_and_dictionaries_flattened)
{
    sql_type bigint = type_make(TYPE_BIGINT), varchar = type_varchar(VARCHAR_UNBOUNDED);
    page *p = page_new_empty(4);
    int64_t seven = 7;
    cr_assert(vector_init_constant(&p->columns[0], bigint, &seven));
    cr_assert(vector_init_constant_null(&p->columns[1], varchar));
    vector source;
    cr_assert(vector_init_flat(&source, varchar, 3));
    const char *words[3] = {"short", "a considerably longer string value", ""};
    for (int i = 0; i < 3; i++)
        cr_assert(vector_add_string(&source, words[i], (uint32_t)strlen(words[i]),
                                    (string_view *)source.data + i));
    cr_assert(vector_set_null(&source, 2));
    uint32_t selection[5] = {1, 0, 2, 1, 1};
    cr_assert(vector_init_dictionary(&p->columns[2], &source, selection, 5));
    string_view long_value = string_view_make(words[1], (uint32_t)strlen(words[1]));
    cr_assert(vector_init_constant(&p->columns[3], varchar, &long_value));
    vector_destroy(&source);
    p->row_count = 5;

    page *back = round_trip(p, NULL, NULL);
    assert_same_page(p, back);
    cr_assert_eq(back->columns[0].kind, VECTOR_CONSTANT);
    cr_assert_eq(back->columns[1].kind, VECTOR_CONSTANT);
    cr_assert(vector_is_null(&back->columns[1], 4));
    cr_assert_eq(back->columns[2].kind, VECTOR_FLAT, "dictionaries are flattened");
    cr_assert_eq(back->columns[3].kind, VECTOR_CONSTANT);
    page_unref(back);
    page_unref(p);
}

/* ---- nested types -------------------------------------------------------- */

/* Appends `count` bigints to list vector v's element child and returns the entry. */
static list_entry append_bigints(vector *v, int64_t first, uint32_t count)
{
    vector *child = v->children[0];
    cr_assert(vector_list_reserve(v, count));
    for (uint32_t i = 0; i < count; i++) {
        ((int64_t *)child->data)[v->child_size + i] = first + i;
        if ((first + i) % 7 == 3)
            cr_assert(vector_set_null(child, v->child_size + i));
    }
    list_entry e = {v->child_size, count};
    v->child_size += count;
    return e;
}

/* array(bigint) with NULL arrays, empty arrays and NULL elements;
 * map(varchar, array(bigint)); row(a bigint, b varchar) with NULL rows;
 * a constant NULL array; a dictionary over the first column. */
static page *nested_page(uint32_t rows)
{
    sql_type array = type_array(type_make(TYPE_BIGINT));
    sql_type map = type_map(type_varchar(VARCHAR_UNBOUNDED), array);
    const char *names[] = {"a", "b"};
    sql_type fields[] = {type_make(TYPE_BIGINT), type_varchar(VARCHAR_UNBOUNDED)};
    sql_type row = type_row(2, fields, names);
    page *p = page_new_empty(5);
    cr_assert(vector_init_flat(&p->columns[0], array, rows ? rows : 1));
    cr_assert(vector_init_flat(&p->columns[1], map, rows ? rows : 1));
    cr_assert(vector_init_flat(&p->columns[2], row, rows ? rows : 1));
    cr_assert(vector_init_constant_null(&p->columns[3], array));
    vector *a = &p->columns[0], *m = &p->columns[1], *r = &p->columns[2];
    for (uint32_t i = 0; i < rows; i++) {
        if (i % 5 == 1)
            cr_assert(vector_set_null(a, i));
        else
            ((list_entry *)a->data)[i] = append_bigints(a, i, i % 4);
        /* map: i % 3 entries "k<j>" -> [j, j+1] */
        uint32_t n = i % 3;
        cr_assert(vector_list_reserve(m, n));
        vector *keys = m->children[0], *values = m->children[1];
        for (uint32_t j = 0; j < n; j++) {
            char key[16];
            int length = snprintf(key, sizeof key, "k%u", j);
            cr_assert(vector_add_string(keys, key, (uint32_t)length, (string_view *)keys->data + m->child_size + j));
            ((list_entry *)values->data)[m->child_size + j] = append_bigints(values, j, 2);
        }
        ((list_entry *)m->data)[i] = (list_entry){m->child_size, n};
        m->child_size += n;
        ((int64_t *)r->children[0]->data)[i] = (int64_t)i * 10;
        char text[64];
        int length = snprintf(text, sizeof text, "value number %u of the row column", i);
        cr_assert(vector_add_string(r->children[1], text, (uint32_t)length, (string_view *)r->children[1]->data + i));
        if (i % 6 == 2)
            cr_assert(vector_set_null(r, i));
    }
    uint32_t *reversed = malloc(sizeof(uint32_t) * (rows ? rows : 1));
    for (uint32_t i = 0; i < rows; i++)
        reversed[i] = rows - 1 - i;
    cr_assert(vector_init_dictionary(&p->columns[4], a, reversed, rows));
    free(reversed);
    p->row_count = rows;
    return p;
}

static void assert_same_text(const page *a, const page *b)
{
    cr_assert_eq(a->row_count, b->row_count);
    cr_assert_eq(a->column_count, b->column_count);
    text_builder x, y;
    text_builder_init(&x);
    text_builder_init(&y);
    for (int c = 0; c < a->column_count; c++) {
        cr_assert(type_equal(a->columns[c].type, b->columns[c].type), "column %d type", c);
        for (uint32_t r = 0; r < a->row_count; r++) {
            x.length = y.length = 0;
            cr_assert(value_format_text(&a->columns[c], r, &x));
            cr_assert(value_format_text(&b->columns[c], r, &y));
            cr_assert_str_eq(text_builder_cstr(&y), text_builder_cstr(&x), "column %d row %u", c, r);
        }
    }
    text_builder_free(&x);
    text_builder_free(&y);
}

Test(page_serde, nested_types_round_trip)
{
    for (uint32_t rows = 0; rows <= VECTOR_SIZE; rows = rows ? rows * 4 : 1) {
        page *p = nested_page(rows);
        page *back = round_trip(p, NULL, NULL);
        assert_same_text(p, back);
        cr_assert_eq(back->columns[3].kind, VECTOR_CONSTANT);
        /* and once more from the decoded page */
        page *again = round_trip(back, NULL, NULL);
        assert_same_text(p, again);
        page_unref(again);
        page_unref(back);
        page_unref(p);
    }
}

/* ---- hostile input ------------------------------------------------------ */

/* Every scalar type and the nested columns, so the hostile-input tests
 * reach the nested decoder too. */
static unsigned char *encoded_sample(size_t *size)
{
    page *scalars = all_types_page(40, false), *nested = nested_page(40);
    page *p = page_new_empty(scalars->column_count + nested->column_count);
    for (int c = 0; c < scalars->column_count; c++)
        cr_assert(vector_init_reference(&p->columns[c], &scalars->columns[c]));
    for (int c = 0; c < nested->column_count; c++)
        cr_assert(vector_init_reference(&p->columns[scalars->column_count + c], &nested->columns[c]));
    p->row_count = 40;
    unsigned char *bytes;
    shoal_error e;
    cr_assert(page_serialize(p, NULL, &bytes, size, &e), "%s", e.message);
    page_unref(p);
    page_unref(scalars);
    page_unref(nested);
    return bytes;
}

static void assert_refused(const void *data, size_t size, unsigned flags, const char *what)
{
    shoal_error e;
    error_clear(&e);
    page *p = page_deserialize_flags(data, size, flags, &e);
    cr_assert_null(p, "%s accepted", what);
    cr_assert_eq(e.code, ERR_CORRUPT_PAGE, "%s: %s", what, e.message);
}

Test(page_serde, every_truncation_refused)
{
    size_t size;
    unsigned char *bytes = encoded_sample(&size);
    for (size_t n = 0; n < size; n++) {
        unsigned char *copy = malloc(n ? n : 1); /* exact size so ASan sees over-reads */
        memcpy(copy, bytes, n);
        assert_refused(copy, n, 0, "truncated");
        assert_refused(copy, n, PAGE_SERDE_SKIP_CHECKSUM, "truncated");
        free(copy);
    }
    free(bytes);
}

Test(page_serde, bit_flips_refused)
{
    size_t size;
    unsigned char *bytes = encoded_sample(&size);
    unsigned char *copy = malloc(size);
    for (int i = 0; i < 3000; i++) {
        memcpy(copy, bytes, size);
        size_t at = rng() % size;
        copy[at] ^= (unsigned char)(1u << (rng() % 8));
        assert_refused(copy, size, 0, "bit flip");
    }
    free(copy);
    free(bytes);
}

Test(page_serde, random_corruptions_never_crash)
{
    size_t size;
    unsigned char *bytes = encoded_sample(&size);
    unsigned char *copy = malloc(size);
    int accepted = 0;
    for (int i = 0; i < 5000; i++) {
        memcpy(copy, bytes, size);
        int edits = 1 + (int)(rng() % 8);
        for (int k = 0; k < edits; k++)
            copy[rng() % size] ^= (unsigned char)(1 + rng() % 255); /* always a change */
        size_t n = rng() % 4 == 0 ? rng() % size : size;
        assert_refused(copy, n, 0, "corruption");
        /* past the checksum the structural checks alone must hold */
        shoal_error e;
        page *p = page_deserialize_flags(copy, n, PAGE_SERDE_SKIP_CHECKSUM, &e);
        if (p) {
            accepted++;
            for (int c = 0; c < p->column_count; c++)
                cr_assert_leq(p->columns[c].kind, VECTOR_DICTIONARY);
            page_unref(p);
        }
    }
    (void)accepted;
    free(copy);
    free(bytes);
}

Test(page_serde, garbage_refused)
{
    unsigned char junk[512];
    for (int i = 0; i < 2000; i++) {
        size_t n = rng() % sizeof junk;
        for (size_t k = 0; k < n; k++)
            junk[k] = (unsigned char)rng();
        assert_refused(junk, n, 0, "garbage");
        shoal_error e;
        page *p = page_deserialize_flags(junk, n, PAGE_SERDE_SKIP_CHECKSUM, &e);
        page_unref(p);
    }
    assert_refused(NULL, 0, 0, "null");
}

Test(page_serde, unknown_version_refused)
{
    size_t size;
    unsigned char *bytes = encoded_sample(&size);
    /* array(5), str(10) "shoal-page", then the version as a positive fixint */
    cr_assert_eq(bytes[12], PAGE_SERDE_VERSION);
    bytes[12] = 2;
    shoal_error e;
    error_clear(&e);
    cr_assert_null(page_deserialize(bytes, size, &e));
    cr_assert_eq(e.code, ERR_CORRUPT_PAGE);
    cr_assert(strstr(e.message, "Unsupported page format version 2"), "%s", e.message);
    free(bytes);
}

Test(page_serde, absurd_counts_refused)
{
    /* a header that claims 2^32-1 columns in a handful of bytes */
    unsigned char claim_columns[] = {0x95, 0xaa, 's', 'h', 'o', 'a', 'l', '-', 'p', 'a', 'g', 'e',
                                     0x01, 0x05, 0xdd, 0xff, 0xff, 0xff, 0xff};
    assert_refused(claim_columns, sizeof claim_columns, PAGE_SERDE_SKIP_CHECKSUM, "columns");
    /* 2^32-1 rows */
    unsigned char claim_rows[] = {0x95, 0xaa, 's', 'h', 'o', 'a', 'l', '-', 'p', 'a', 'g', 'e',
                                  0x01, 0xce, 0xff, 0xff, 0xff, 0xff, 0x90, 0x00};
    assert_refused(claim_rows, sizeof claim_rows, PAGE_SERDE_SKIP_CHECKSUM, "rows");
    /* one bigint column claiming a 4 GiB payload */
    unsigned char claim_payload[] = {0x95, 0xaa, 's', 'h', 'o', 'a', 'l', '-', 'p', 'a', 'g', 'e',
                                     0x01, 0x01, 0x91, 0x95, 0xa6, 'b', 'i', 'g', 'i', 'n', 't',
                                     0x00, 0x00, 0xce, 0xff, 0xff, 0xff, 0xff, 0xc6, 0xff, 0xff,
                                     0xff, 0xff, 0x00};
    assert_refused(claim_payload, sizeof claim_payload, PAGE_SERDE_SKIP_CHECKSUM, "payload");
    /* one boolean row holding the value 7 */
    unsigned char bad_bool[] = {0x95, 0xaa, 's', 'h', 'o', 'a', 'l', '-', 'p', 'a', 'g', 'e',
                                0x01, 0x01, 0x91, 0x95, 0xa7, 'b', 'o', 'o', 'l', 'e', 'a', 'n',
                                0x00, 0x00, 0x01, 0xc4, 0x01, 0x07, 0x00};
    assert_refused(bad_bool, sizeof bad_bool, PAGE_SERDE_SKIP_CHECKSUM, "boolean");
    bad_bool[29] = 1;
    shoal_error e;
    page *ok = page_deserialize_flags(bad_bool, sizeof bad_bool, PAGE_SERDE_SKIP_CHECKSUM, &e);
    cr_assert_not_null(ok, "the hand-made page is valid once the value is: %s", e.message);
    cr_assert_eq(((uint8_t *)ok->columns[0].data)[0], 1);
    page_unref(ok);
}
