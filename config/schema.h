/*
 * schema.h — the typed layer over properties files. A consumer declares its
 * known keys (name, type, where the value goes in its own struct, default,
 * description) and applies the schema to a file: every key must be known and
 * every value well-formed, else the error names the file, line and key. There
 * are no silent defaults: a default applies only to a key that is absent.
 *
 * Declaring a schema:
 *
 *     typedef struct my_config { int64_t threads; uint64_t buffer; char *dir; } my_config;
 *     static const config_key my_keys[] = {
 *         {.name = "my.threads", .type = CONFIG_TYPE_INT, .offset = offsetof(my_config, threads),
 *          .default_value = "4", .min = 1, .max = 1024, .description = "Worker threads."},
 *         {.name = "my.buffer", .type = CONFIG_TYPE_DATA_SIZE, .offset = offsetof(my_config, buffer),
 *          .default_value = "32MB", .description = "Buffer per task."},
 *         {.name = "my.dir", .type = CONFIG_TYPE_STRING, .offset = offsetof(my_config, dir),
 *          .required = true, .description = "Data directory."},
 *     };
 *     static const config_schema my_schema = CONFIG_SCHEMA("my.properties", my_keys);
 *
 *     my_config c;
 *     config_error err;
 *     if (!config_schema_load(&my_schema, "etc/my.properties", &c, &err)) puts(err.message);
 *     ...
 *     config_schema_free(&my_schema, &c);
 *
 * Field types by key type:
 *   STRING    char *   (owned by the struct; NULL when absent with no default)
 *   INT       int64_t  (range [min, max] checked when min < max)
 *   BOOL      bool     (true/false, case-insensitive)
 *   DATA_SIZE uint64_t bytes  ("2GB", "512MB", "1.5kB")
 *   DURATION  int64_t nanoseconds ("10s", "5m", "1.5h"; saturates at INT64_MAX)
 *   DOUBLE    double
 *   PERCENT   double fraction ("80%" -> 0.8)
 *   ENUM      int: index into enum_values (matched ignoring case, '-' == '_')
 */
#ifndef SHOAL_CONFIG_SCHEMA_H
#define SHOAL_CONFIG_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "config/config_error.h"
#include "config/properties.h"

typedef enum config_type {
    CONFIG_TYPE_STRING,
    CONFIG_TYPE_INT,
    CONFIG_TYPE_BOOL,
    CONFIG_TYPE_DATA_SIZE,
    CONFIG_TYPE_DURATION,
    CONFIG_TYPE_DOUBLE,
    CONFIG_TYPE_PERCENT,
    CONFIG_TYPE_ENUM
} config_type;

/* An extra rule for one value (after it parsed). Returns false and writes the
 * reason into `why`. `field` points at the struct field. */
typedef bool (*config_check_fn)(const void *field, char *why, size_t why_size);

typedef struct config_key {
    const char *name;
    config_type type;
    size_t offset;                  /* offsetof(struct, field) */
    const char *default_value;      /* text form; NULL: none (field stays 0/NULL) */
    const char *description;
    const char *const *enum_values; /* ENUM: NULL-terminated spellings */
    bool required;                  /* absent -> "must not be null" */
    int64_t min, max;               /* INT: inclusive range when min < max */
    config_check_fn check;          /* optional */
} config_key;

typedef struct config_schema {
    const char *name;               /* the file kind, e.g. "config.properties" */
    const config_key *keys;
    size_t key_count;
} config_schema;

#define CONFIG_SCHEMA(file_kind, key_array) \
    {.name = (file_kind), .keys = (key_array), .key_count = sizeof(key_array) / sizeof((key_array)[0])}

const char *config_type_name(config_type type);   /* "data size", "duration", ... */
const config_key *config_schema_find(const config_schema *schema, const char *name);

/* Parses one value of `key` into its field in `target`. */
bool config_value_parse(const config_key *key, const char *text, void *target, char *why, size_t why_size);

/* Zeroes every field of `target` the schema knows and applies the defaults. */
bool config_schema_set_defaults(const config_schema *schema, void *target, config_error *error);

/* Defaults, then every entry of `props`: an unknown key, a malformed value or
 * a missing required key is an error naming file, line and key. On failure
 * the target's strings are freed (call nothing else). */
bool config_schema_apply(const config_schema *schema, const config_properties *props, void *target,
                         config_error *error);

/* Loads the file (properties syntax, ${ENV:NAME} resolved) and applies. */
bool config_schema_load(const config_schema *schema, const char *path, void *target, config_error *error);

/* Parses text as if it were a file named `file` and applies (for tests and
 * for files held in memory). */
bool config_schema_parse(const config_schema *schema, const char *text, const char *file, void *target,
                         config_error *error);

/* Frees the strings the schema put into `target`. */
void config_schema_free(const config_schema *schema, void *target);

/* Writes a Markdown table of the keys (name, type, default, description). */
void config_schema_print_markdown(const config_schema *schema, FILE *out);

#endif
