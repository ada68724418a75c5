/*
 * json_values.c — REST JSON values → CLI text and JSON tokens
 * (reference/protocol.md §4 is the encoding being undone).
 */
#include "json_values.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "connectors/spi/value_format.h"
#include "connectors/spi/base64.h"

const char *json_signature_raw_type(const json_t *signature)
{
    const char *raw = json_string_value(json_object_get(signature, "rawType"));
    return raw ? raw : "";
}

bool json_signature_is_numeric(const json_t *signature)
{
    static const char *const numeric[] = {"tinyint", "smallint", "integer", "bigint", "real", "double", "decimal"};
    const char *raw = json_signature_raw_type(signature);
    for (size_t i = 0; i < sizeof numeric / sizeof *numeric; i++)
        if (strcmp(raw, numeric[i]) == 0)
            return true;
    return false;
}

/* The i-th argument's type signature (TYPE or NAMED_TYPE), and its field name. */
static const json_t *argument_type(const json_t *signature, size_t i, const char **field_name)
{
    const json_t *argument = json_array_get(json_object_get(signature, "arguments"), i);
    const json_t *value = json_object_get(argument, "value");
    const char *kind = json_string_value(json_object_get(argument, "kind"));
    if (field_name)
        *field_name = NULL;
    if (kind && (strcmp(kind, "NAMED_TYPE") == 0 || strcmp(kind, "NAMED_TYPE_SIGNATURE") == 0)) {
        if (field_name)
            *field_name = json_string_value(json_object_get(json_object_get(value, "fieldName"), "name"));
        return json_object_get(value, "typeSignature");
    }
    return json_is_object(value) ? value : NULL;
}

static bool base64_as_hex(const char *text, text_builder *out)
{
    size_t n = strlen(text);
    uint8_t *bytes = malloc(n / 4 * 3 + 3);
    if (!bytes)
        return false;
    size_t count = 0;
    uint32_t bits = 0;
    int held = 0;
    for (const char *p = text; *p && *p != '='; p++) {
        int d = base64_digit(*p, false);
        if (d < 0)
            continue;
        bits = (bits << 6) | (uint32_t)d;
        held += 6;
        if (held >= 8) {
            held -= 8;
            bytes[count++] = (uint8_t)(bits >> held);
        }
    }
    bool ok = value_format_varbinary_hex(bytes, count, out);
    free(bytes);
    return ok;
}

static bool number_text(const json_t *value, const char *raw, text_builder *out)
{
    if (json_is_integer(value) && strcmp(raw, "double") != 0 && strcmp(raw, "real") != 0)
        return text_builder_printf(out, "%lld", (long long)json_integer_value(value));
    double d = json_number_value(value);
    if (strcmp(raw, "real") == 0)
        return value_format_real((float)d, out);
    return value_format_double(d, out);
}

static bool text_of(const json_t *value, const json_t *signature, bool json, text_builder *out);

static bool array_text(const json_t *value, const json_t *signature, bool json, text_builder *out)
{
    const json_t *element = argument_type(signature, 0, NULL);
    text_builder_putc(out, '[');
    for (size_t i = 0; i < json_array_size(value); i++) {
        if (i)
            text_builder_append_cstr(out, json ? "," : ", ");
        text_of(json_array_get(value, i), element, json, out);
    }
    return text_builder_putc(out, ']');
}

/* A row: JSON array by position; text {name=value, ...} or {value, ...}. */
static bool row_text(const json_t *value, const json_t *signature, bool json, text_builder *out)
{
    text_builder_putc(out, json ? '[' : '{');
    for (size_t i = 0; i < json_array_size(value); i++) {
        const char *name = NULL;
        const json_t *field = argument_type(signature, i, &name);
        if (i)
            text_builder_append_cstr(out, json ? "," : ", ");
        if (!json && name)
            text_builder_printf(out, "%s=", name);
        text_of(json_array_get(value, i), field, json, out);
    }
    return text_builder_putc(out, json ? ']' : '}');
}

/* A map: JSON object keyed by the key's text form; text {k=v, ...}. */
static bool map_text(const json_t *value, const json_t *signature, bool json, text_builder *out)
{
    const json_t *value_type = argument_type(signature, 1, NULL);
    const char *key;
    json_t *item;
    bool first = true;
    text_builder_putc(out, '{');
    json_object_foreach((json_t *)value, key, item) {
        if (!first)
            text_builder_append_cstr(out, json ? "," : ", ");
        first = false;
        if (json) {
            value_format_json_string(key, strlen(key), out);
            text_builder_putc(out, ':');
        } else {
            text_builder_printf(out, "%s=", key);
        }
        text_of(item, value_type, json, out);
    }
    return text_builder_putc(out, '}');
}

static bool text_of(const json_t *value, const json_t *signature, bool json, text_builder *out)
{
    const char *raw = json_signature_raw_type(signature);
    switch (json_typeof(value)) {
    case JSON_NULL:
        return text_builder_append_cstr(out, json ? "null" : "NULL");
    case JSON_TRUE:
        return text_builder_append_cstr(out, "true");
    case JSON_FALSE:
        return text_builder_append_cstr(out, "false");
    case JSON_INTEGER:
    case JSON_REAL:
        return number_text(value, raw, out);
    case JSON_STRING: {
        const char *s = json_string_value(value);
        size_t n = json_string_length(value);
        if (json)
            return value_format_json_string(s, n, out);
        if (strcmp(raw, "varbinary") == 0)
            return base64_as_hex(s, out);
        return text_builder_append(out, s, n);
    }
    case JSON_ARRAY:
        return strcmp(raw, "row") == 0 ? row_text(value, signature, json, out)
                                       : array_text(value, signature, json, out);
    case JSON_OBJECT:
        return map_text(value, signature, json, out);
    }
    return false;
}

bool json_value_text(const json_t *value, const json_t *signature, text_builder *out)
{
    text_of(value, signature, false, out);
    return text_builder_ok(out);
}

bool json_value_token(const json_t *value, const json_t *signature, text_builder *out)
{
    text_of(value, signature, true, out);
    return text_builder_ok(out);
}
