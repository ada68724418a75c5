/*
 * json_text.h — small helpers for writing JSON response bodies into a
 * text_builder: escaped strings (invalid UTF-8 becomes U+FFFD, as Jackson
 * writes it) and "key": value members with comma handling. Parsing JSON is
 * jansson's job; writing our own bodies by hand keeps field order and the
 * value tokens exactly as Trino sends them.
 */
#ifndef SHOAL_COORDINATOR_JSON_TEXT_H
#define SHOAL_COORDINATOR_JSON_TEXT_H

#include <stdbool.h>
#include <stdint.h>

#include "connectors/spi/text_builder.h"

/* A JSON object or array being written: tracks whether a comma is due. */
typedef struct json_out {
    text_builder *b;
    bool first;
} json_out;

void json_string(text_builder *b, const char *s);
void json_begin_object(json_out *o, text_builder *b);
void json_end_object(json_out *o);
/* Writes the separator and `"key":`; the caller writes the value. */
void json_key(json_out *o, const char *key);
void json_member_string(json_out *o, const char *key, const char *value);   /* NULL value: skipped */
void json_member_int(json_out *o, const char *key, int64_t value);
void json_member_bool(json_out *o, const char *key, bool value);
void json_member_double(json_out *o, const char *key, double value);
void json_member_raw(json_out *o, const char *key, const char *raw);          /* raw JSON text */

#endif
