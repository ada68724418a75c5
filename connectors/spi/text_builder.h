/*
 * text_builder.h — a small growable string that formatting code appends to
 * (value text forms, JSON tokens). Always NUL-terminated after a successful
 * append; an allocation failure makes every later append return false, so a
 * caller may append freely and check once at the end (text_builder_ok).
 */
#ifndef SHOAL_SPI_TEXT_BUILDER_H
#define SHOAL_SPI_TEXT_BUILDER_H

#include <stdbool.h>
#include <stddef.h>

typedef struct text_builder {
    char *data;          /* NULL until the first append */
    size_t length;
    size_t capacity;
    bool failed;
} text_builder;

void text_builder_init(text_builder *b);
void text_builder_free(text_builder *b);
/* Empties the text, keeping the memory. */
void text_builder_clear(text_builder *b);

bool text_builder_reserve(text_builder *b, size_t extra);
bool text_builder_append(text_builder *b, const char *data, size_t length);
bool text_builder_append_cstr(text_builder *b, const char *s);
bool text_builder_putc(text_builder *b, char c);
bool text_builder_printf(text_builder *b, const char *format, ...) __attribute__((format(printf, 2, 3)));
/* Cuts the text back to `length` bytes (length <= current length). */
void text_builder_truncate(text_builder *b, size_t length);

bool text_builder_ok(const text_builder *b);
/* The text so far ("" when empty). */
const char *text_builder_cstr(const text_builder *b);
/* Hands the malloc'd string to the caller and resets the builder; NULL after a failure. */
char *text_builder_take(text_builder *b);

#endif
