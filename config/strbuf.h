/*
 * strbuf.h — a tiny growable byte string used inside config/ (config is a
 * leaf and cannot use connectors/spi/text_builder.h). Internal to config/.
 */
#ifndef SHOAL_CONFIG_STRBUF_H
#define SHOAL_CONFIG_STRBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

typedef struct strbuf {
    char *data;
    size_t length;
    size_t capacity;
    bool failed;          /* set once an allocation failed */
} strbuf;

static inline bool strbuf_reserve(strbuf *b, size_t extra)
{
    if (b->failed)
        return false;
    if (b->length + extra + 1 <= b->capacity)
        return true;
    size_t cap = b->capacity ? b->capacity : 64;
    while (cap < b->length + extra + 1)
        cap *= 2;
    char *p = realloc(b->data, cap);
    if (!p) {
        b->failed = true;
        return false;
    }
    b->data = p;
    b->capacity = cap;
    return true;
}

static inline bool strbuf_append(strbuf *b, const char *s, size_t n)
{
    if (!strbuf_reserve(b, n))
        return false;
    memcpy(b->data + b->length, s, n);
    b->length += n;
    b->data[b->length] = '\0';
    return true;
}

static inline bool strbuf_putc(strbuf *b, char c)
{
    return strbuf_append(b, &c, 1);
}

/* Returns the NUL-terminated string (an empty string is allocated too) and
 * gives up ownership; NULL when an allocation failed. */
static inline char *strbuf_take(strbuf *b)
{
    if (!strbuf_reserve(b, 0)) {
        free(b->data);
        b->data = NULL;
        return NULL;
    }
    b->data[b->length] = '\0';
    char *s = b->data;
    b->data = NULL;
    b->length = b->capacity = 0;
    return s;
}

static inline void strbuf_free(strbuf *b)
{
    free(b->data);
    b->data = NULL;
    b->length = b->capacity = 0;
}

#endif
