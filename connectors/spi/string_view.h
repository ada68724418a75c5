/*
 * string_view.h — the 16-byte string value used in vectors (as DuckDB's and
 * Umbra's "German strings"): the length, a 4-byte prefix, and either the rest
 * of a short string inline (up to 12 bytes in all) or a pointer to the bytes,
 * which live in a buffer the vector keeps alive.
 *
 * Comparing two strings starts with length and prefix, so most equality tests
 * and many orderings never leave the 16 bytes.
 */
#ifndef SHOAL_SPI_STRING_VIEW_H
#define SHOAL_SPI_STRING_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

enum { STRING_INLINE_MAX = 12 };

typedef struct string_view {
    uint32_t length;
    char prefix[4];            /* the first 4 bytes (zero padded) */
    union {
        char rest[8];          /* bytes 4..11 of a short string */
        const char *pointer;   /* all bytes of a long string */
    } u;
} string_view;

_Static_assert(sizeof(string_view) == 16, "string_view is 16 bytes");

static inline string_view string_view_make(const char *data, uint32_t length)
{
    string_view s;
    memset(&s, 0, sizeof s);
    s.length = length;
    if (length <= STRING_INLINE_MAX) {
        if (length > 0)
            memcpy((char *)&s + offsetof(string_view, prefix), data, length); /* prefix+rest */
    } else {
        memcpy(s.prefix, data, 4);
        s.u.pointer = data;
    }
    return s;
}

static inline const char *string_view_data(const string_view *s)
{
    return s->length <= STRING_INLINE_MAX ? (const char *)s + offsetof(string_view, prefix)
                                         : s->u.pointer;
}

static inline bool string_view_equal(const string_view *a, const string_view *b)
{
    /* length and prefix in one 8-byte compare */
    uint64_t head_a, head_b;
    memcpy(&head_a, a, 8);
    memcpy(&head_b, b, 8);
    if (head_a != head_b)
        return false;
    if (a->length <= STRING_INLINE_MAX)
        return memcmp(a->u.rest, b->u.rest, 8) == 0;
    return memcmp(a->u.pointer + 4, b->u.pointer + 4, a->length - 4) == 0;
}

/* Byte-wise (UTF-8 code point) order, as Trino orders varchar. */
static inline int string_view_compare(const string_view *a, const string_view *b)
{
    uint32_t n = a->length < b->length ? a->length : b->length;
    int c = memcmp(string_view_data(a), string_view_data(b), n);
    if (c != 0)
        return c;
    return a->length < b->length ? -1 : a->length > b->length;
}

#endif
