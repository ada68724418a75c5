/*
 * json_text.c — JSON writing helpers over text_builder.
 */
#include "json_text.h"

#include <inttypes.h>
#include <string.h>

#include "connectors/spi/value_format.h"

void json_string(text_builder *b, const char *s)
{
    value_format_json_string(s, strlen(s), b);
}

void json_begin_object(json_out *o, text_builder *b)
{
    o->b = b;
    o->first = true;
    text_builder_putc(b, '{');
}

void json_end_object(json_out *o)
{
    text_builder_putc(o->b, '}');
}

void json_key(json_out *o, const char *key)
{
    if (!o->first)
        text_builder_putc(o->b, ',');
    o->first = false;
    json_string(o->b, key);
    text_builder_putc(o->b, ':');
}

void json_member_string(json_out *o, const char *key, const char *value)
{
    if (!value)
        return;
    json_key(o, key);
    json_string(o->b, value);
}

void json_member_int(json_out *o, const char *key, int64_t value)
{
    json_key(o, key);
    text_builder_printf(o->b, "%" PRId64, value);
}

void json_member_bool(json_out *o, const char *key, bool value)
{
    json_key(o, key);
    text_builder_append_cstr(o->b, value ? "true" : "false");
}

void json_member_double(json_out *o, const char *key, double value)
{
    json_key(o, key);
    value_format_double(value, o->b);
}

void json_member_raw(json_out *o, const char *key, const char *raw)
{
    json_key(o, key);
    text_builder_append_cstr(o->b, raw);
}
