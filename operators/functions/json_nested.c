/*
 * json_nested.c — the first half of CAST(json AS array/map/row): each JSON
 * document is split into a nested value of JSON texts (the elements, the
 * map's keys as varchar and values, the row's fields), which the element
 * casts of expr_elements.c then turn into the target types with the scalar
 * JSON casts. Like Trino: a JSON null gives NULL; a row reads a JSON array
 * by position or an object by field name (missing fields are NULL); any
 * other shape is INVALID_CAST_ARGUMENT (NULL under TRY_CAST).
 *
 * Each document is parsed by jansson (which allocates per value, as the
 * other JSON functions do).
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "operators/expr_internal.h"

enum { DUMP_FLAGS = JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY | JSON_REAL_PRECISION(16) };

static bool oom(shoal_error *error)
{
    return error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
}

static bool cannot_cast(sql_type target, const string_view *text, const char *expected, shoal_error *error)
{
    char name[256];
    type_upper_name(target, name, sizeof name);
    return error_set(error, ERR_INVALID_CAST_ARGUMENT, "Cannot cast to %s. Expected a json %s, but got %.*s", name,
                     expected, (int)(text->length > 200 ? 200 : text->length), string_view_data(text));
}

/* Row `row` of `v` holds the JSON text of `value` (NULL for JSON null or a missing value). */
static bool put_json(vector *v, uint32_t row, const json_t *value)
{
    if (!value || json_is_null(value))
        return vector_set_null(v, row);
    char *text = json_dumps(value, DUMP_FLAGS);
    if (!text)
        return false;
    vector_set_valid(v, row);
    bool ok = vector_add_string(v, text, (uint32_t)strlen(text), (string_view *)v->data + row);
    free(text);
    return ok;
}

static bool split_array(vector *parts, uint32_t r, const json_t *doc)
{
    size_t n = json_array_size(doc);
    if (n > UINT32_MAX / 4 || !vector_list_reserve(parts, (uint32_t)n))
        return false;
    vector *elements = parts->children[0];
    for (size_t i = 0; i < n; i++)
        if (!put_json(elements, parts->child_size + (uint32_t)i, json_array_get(doc, i)))
            return false;
    ((list_entry *)parts->data)[r] = (list_entry){parts->child_size, (uint32_t)n};
    parts->child_size += (uint32_t)n;
    return true;
}

static bool split_map(vector *parts, uint32_t r, json_t *doc)
{
    size_t n = json_object_size(doc);
    if (n > UINT32_MAX / 4 || !vector_list_reserve(parts, (uint32_t)n))
        return false;
    vector *keys = parts->children[0], *values = parts->children[1];
    const char *key;
    json_t *value;
    uint32_t i = 0;
    json_object_foreach(doc, key, value) {
        uint32_t at = parts->child_size + i++;
        if (!vector_add_string(keys, key, (uint32_t)strlen(key), (string_view *)keys->data + at) ||
            !put_json(values, at, value))
            return false;
    }
    ((list_entry *)parts->data)[r] = (list_entry){parts->child_size, i};
    parts->child_size += i;
    return true;
}

static bool split_row(sql_type target, vector *parts, uint32_t r, json_t *doc, bool *shape_ok)
{
    const composite_type *c = target.composite;
    *shape_ok = true;
    if (json_is_array(doc)) {
        if (json_array_size(doc) != (size_t)c->field_count) {
            *shape_ok = false;
            return true;
        }
        for (int f = 0; f < c->field_count; f++)
            if (!put_json(parts->children[f], r, json_array_get(doc, (size_t)f)))
                return false;
        return true;
    }
    for (int f = 0; f < c->field_count; f++) {
        const json_t *value = NULL;
        const char *key;
        json_t *item;
        const char *name = c->field_names ? c->field_names[f] : NULL;
        json_object_foreach(doc, key, item) {
            if (name && strcasecmp(key, name) == 0) {
                value = item;
                break;
            }
        }
        if (!put_json(parts->children[f], r, value))
            return false;
    }
    return true;
}

bool json_split_nested(sql_type target, const vector *json, const uint32_t *sel, uint32_t count, bool try_mode,
                       vector *parts, vector *out, shoal_error *error)
{
    vector_view view = vector_view_of(json);
    for (uint32_t k = 0; k < count; k++) {
        uint32_t r = sel ? sel[k] : k;
        string_view text = VIEW_AT(string_view, view, r);
        json_error_t parse_error;
        json_t *doc = json_loadb(string_view_data(&text), text.length, JSON_DECODE_ANY, &parse_error);
        if (!doc) {
            if (try_mode && vector_set_null(out, r) && vector_set_null(parts, r))
                continue;
            return error_set(error, ERR_INVALID_CAST_ARGUMENT, "Cannot cast to json: malformed document");
        }
        bool ok = true, shape_ok = true;
        if (json_is_null(doc)) {
            ok = vector_set_null(out, r) && vector_set_null(parts, r);
        } else if (target.kind == TYPE_ARRAY) {
            shape_ok = json_is_array(doc);
            ok = !shape_ok || split_array(parts, r, doc);
        } else if (target.kind == TYPE_MAP) {
            shape_ok = json_is_object(doc);
            ok = !shape_ok || split_map(parts, r, doc);
        } else {
            shape_ok = json_is_array(doc) || json_is_object(doc);
            ok = !shape_ok || split_row(target, parts, r, doc, &shape_ok);
        }
        json_decref(doc);
        if (!ok)
            return oom(error);
        if (!shape_ok && try_mode) {
            if (!vector_set_null(out, r) || !vector_set_null(parts, r))
                return oom(error);
            if (target.kind != TYPE_ROW)
                ((list_entry *)parts->data)[r] = (list_entry){0, 0};
            continue;
        }
        if (!shape_ok)
            return cannot_cast(target, &text,
                               target.kind == TYPE_ARRAY ? "array" : target.kind == TYPE_MAP ? "object"
                                                                                             : "array or object",
                               error);
    }
    return true;
}
