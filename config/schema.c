/*
 * schema.c — applying a declared key schema to a properties file.
 */
#include "schema.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "config/units.h"

const char *config_type_name(config_type type)
{
    switch (type) {
    case CONFIG_TYPE_STRING: return "string";
    case CONFIG_TYPE_INT: return "integer";
    case CONFIG_TYPE_BOOL: return "boolean";
    case CONFIG_TYPE_DATA_SIZE: return "data size";
    case CONFIG_TYPE_DURATION: return "duration";
    case CONFIG_TYPE_DOUBLE: return "double";
    case CONFIG_TYPE_PERCENT: return "percent";
    case CONFIG_TYPE_ENUM: return "enum";
    }
    return "?";
}

const config_key *config_schema_find(const config_schema *schema, const char *name)
{
    for (size_t i = 0; i < schema->key_count; i++)
        if (strcmp(schema->keys[i].name, name) == 0)
            return &schema->keys[i];
    return NULL;
}

static bool enum_equal(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        char x = (char)tolower((unsigned char)*a);
        char y = (char)tolower((unsigned char)*b);
        if (x == '-')
            x = '_';
        if (y == '-')
            y = '_';
        if (x != y)
            return false;
    }
    return *a == *b;
}

static bool parse_enum(const config_key *key, const char *text, int *out, char *why, size_t why_size)
{
    for (int i = 0; key->enum_values && key->enum_values[i]; i++) {
        if (enum_equal(text, key->enum_values[i])) {
            *out = i;
            return true;
        }
    }
    size_t n = (size_t)snprintf(why, why_size, "Invalid value '%s' (expected one of:", text);
    for (int i = 0; key->enum_values && key->enum_values[i] && n < why_size; i++)
        n += (size_t)snprintf(why + n, why_size - n, "%s %s", i ? "," : "", key->enum_values[i]);
    if (n < why_size)
        snprintf(why + n, why_size - n, ")");
    return false;
}

bool config_value_parse(const config_key *key, const char *text, void *target, char *why, size_t why_size)
{
    void *field = (char *)target + key->offset;
    bool ok = false;
    switch (key->type) {
    case CONFIG_TYPE_STRING: {
        char *copy = strdup(text);
        if (!copy) {
            snprintf(why, why_size, "out of memory");
            return false;
        }
        free(*(char **)field);
        *(char **)field = copy;
        ok = true;
        break;
    }
    case CONFIG_TYPE_INT: {
        int64_t v;
        ok = config_parse_int(text, &v, why, why_size);
        if (ok && key->min < key->max && (v < key->min || v > key->max)) {
            snprintf(why, why_size, "%" PRId64 " is out of range [%" PRId64 ", %" PRId64 "]", v, key->min,
                     key->max);
            ok = false;
        }
        if (ok)
            *(int64_t *)field = v;
        break;
    }
    case CONFIG_TYPE_BOOL:
        ok = config_parse_bool(text, (bool *)field, why, why_size);
        break;
    case CONFIG_TYPE_DATA_SIZE:
        ok = config_parse_data_size(text, (uint64_t *)field, why, why_size);
        break;
    case CONFIG_TYPE_DURATION:
        ok = config_parse_duration(text, (int64_t *)field, why, why_size);
        break;
    case CONFIG_TYPE_DOUBLE:
        ok = config_parse_double(text, (double *)field, why, why_size);
        break;
    case CONFIG_TYPE_PERCENT:
        ok = config_parse_percent(text, (double *)field, why, why_size);
        break;
    case CONFIG_TYPE_ENUM:
        ok = parse_enum(key, text, (int *)field, why, why_size);
        break;
    }
    if (ok && key->check)
        ok = key->check(field, why, why_size);
    return ok;
}

static void zero_field(const config_key *key, void *target)
{
    void *field = (char *)target + key->offset;
    switch (key->type) {
    case CONFIG_TYPE_STRING:
        *(char **)field = NULL;
        break;
    case CONFIG_TYPE_INT:
    case CONFIG_TYPE_DURATION:
        *(int64_t *)field = 0;
        break;
    case CONFIG_TYPE_BOOL:
        *(bool *)field = false;
        break;
    case CONFIG_TYPE_DATA_SIZE:
        *(uint64_t *)field = 0;
        break;
    case CONFIG_TYPE_DOUBLE:
    case CONFIG_TYPE_PERCENT:
        *(double *)field = 0.0;
        break;
    case CONFIG_TYPE_ENUM:
        *(int *)field = 0;
        break;
    }
}

bool config_schema_set_defaults(const config_schema *schema, void *target, config_error *error)
{
    for (size_t i = 0; i < schema->key_count; i++)
        zero_field(&schema->keys[i], target);
    for (size_t i = 0; i < schema->key_count; i++) {
        const config_key *key = &schema->keys[i];
        if (!key->default_value)
            continue;
        char why[CONFIG_ERROR_MAX / 2];
        if (!config_value_parse(key, key->default_value, target, why, sizeof why)) {
            config_schema_free(schema, target);
            return config_error_set(error, schema->name, 0, key->name, "bad built-in default: %s", why);
        }
    }
    return true;
}

bool config_schema_apply(const config_schema *schema, const config_properties *props, void *target,
                         config_error *error)
{
    if (!config_schema_set_defaults(schema, target, error))
        return false;
    const char *file = props->file && *props->file ? props->file : schema->name;
    for (size_t i = 0; i < props->count; i++) {
        const config_property *p = &props->items[i];
        const config_key *key = config_schema_find(schema, p->key);
        if (!key) {
            config_schema_free(schema, target);
            return config_error_set(error, file, p->line, p->key,
                                    "Configuration property '%s' was not used (unknown key)", p->key);
        }
        char why[CONFIG_ERROR_MAX / 2];
        if (!config_value_parse(key, p->value, target, why, sizeof why)) {
            config_schema_free(schema, target);
            return config_error_set(error, file, p->line, p->key, "%s", why);
        }
    }
    for (size_t i = 0; i < schema->key_count; i++) {
        const config_key *key = &schema->keys[i];
        if (key->required && !config_properties_find(props, key->name)) {
            config_schema_free(schema, target);
            return config_error_set(error, file, 0, key->name,
                                    "Invalid configuration property %s: must not be null", key->name);
        }
    }
    return true;
}

bool config_schema_load(const config_schema *schema, const char *path, void *target, config_error *error)
{
    config_properties props;
    if (!config_properties_load(path, &props, error))
        return false;
    bool ok = config_properties_resolve_env(&props, error) && config_schema_apply(schema, &props, target, error);
    config_properties_free(&props);
    return ok;
}

bool config_schema_parse(const config_schema *schema, const char *text, const char *file, void *target,
                         config_error *error)
{
    config_properties props;
    if (!config_properties_parse(text, strlen(text), file, &props, error))
        return false;
    bool ok = config_properties_resolve_env(&props, error) && config_schema_apply(schema, &props, target, error);
    config_properties_free(&props);
    return ok;
}

void config_schema_free(const config_schema *schema, void *target)
{
    for (size_t i = 0; i < schema->key_count; i++) {
        const config_key *key = &schema->keys[i];
        if (key->type == CONFIG_TYPE_STRING) {
            char **field = (char **)((char *)target + key->offset);
            free(*field);
            *field = NULL;
        }
    }
}

void config_schema_print_markdown(const config_schema *schema, FILE *out)
{
    fprintf(out, "| key | type | default | description |\n|---|---|---|---|\n");
    for (size_t i = 0; i < schema->key_count; i++) {
        const config_key *key = &schema->keys[i];
        fprintf(out, "| `%s` | %s", key->name, config_type_name(key->type));
        if (key->type == CONFIG_TYPE_ENUM) {
            fprintf(out, " (");
            for (int j = 0; key->enum_values[j]; j++)
                fprintf(out, "%s`%s`", j ? ", " : "", key->enum_values[j]);
            fprintf(out, ")");
        }
        if (key->type == CONFIG_TYPE_INT && key->min < key->max)
            fprintf(out, " %" PRId64 "..%" PRId64, key->min, key->max);
        fprintf(out, " | %s | %s |\n",
                key->required ? "**required**" : key->default_value ? key->default_value : "none",
                key->description ? key->description : "");
    }
}
