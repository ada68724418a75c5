/*
 * text_builder.c — the growable string behind the value formatters.
 */
#include "text_builder.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void text_builder_init(text_builder *b)
{
    memset(b, 0, sizeof *b);
}

void text_builder_free(text_builder *b)
{
    free(b->data);
    memset(b, 0, sizeof *b);
}

void text_builder_clear(text_builder *b)
{
    b->length = 0;
    if (b->data)
        b->data[0] = '\0';
}

bool text_builder_reserve(text_builder *b, size_t extra)
{
    if (b->failed)
        return false;
    if (extra > SIZE_MAX / 2 - b->length) {
        b->failed = true;
        return false;
    }
    size_t need = b->length + extra + 1;
    if (need <= b->capacity)
        return true;
    size_t cap = b->capacity ? b->capacity : 64;
    while (cap < need)
        cap *= 2;
    char *p = realloc(b->data, cap);
    if (!p) {
        b->failed = true;
        return false;
    }
    b->data = p;
    b->capacity = cap;
    b->data[b->length] = '\0'; /* the text stays a valid string */
    return true;
}

bool text_builder_append(text_builder *b, const char *data, size_t length)
{
    if (!text_builder_reserve(b, length))
        return false;
    if (length)
        memcpy(b->data + b->length, data, length);
    b->length += length;
    b->data[b->length] = '\0';
    return true;
}

bool text_builder_append_cstr(text_builder *b, const char *s)
{
    return text_builder_append(b, s, strlen(s));
}

bool text_builder_putc(text_builder *b, char c)
{
    if (!text_builder_reserve(b, 1))
        return false;
    b->data[b->length++] = c;
    b->data[b->length] = '\0';
    return true;
}

bool text_builder_printf(text_builder *b, const char *format, ...)
{
    char small[128];
    va_list args;
    va_start(args, format);
    int n = vsnprintf(small, sizeof small, format, args);
    va_end(args);
    if (n < 0) {
        b->failed = true;
        return false;
    }
    if ((size_t)n < sizeof small)
        return text_builder_append(b, small, (size_t)n);
    if (!text_builder_reserve(b, (size_t)n))
        return false;
    va_start(args, format);
    vsnprintf(b->data + b->length, (size_t)n + 1, format, args);
    va_end(args);
    b->length += (size_t)n;
    return true;
}

void text_builder_truncate(text_builder *b, size_t length)
{
    if (length < b->length) {
        b->length = length;
        b->data[length] = '\0';
    }
}

bool text_builder_ok(const text_builder *b)
{
    return !b->failed;
}

const char *text_builder_cstr(const text_builder *b)
{
    return b->data ? b->data : "";
}

char *text_builder_take(text_builder *b)
{
    if (b->failed || !text_builder_reserve(b, 0)) {
        text_builder_free(b);
        return NULL;
    }
    char *s = b->data;
    memset(b, 0, sizeof *b);
    return s;
}
