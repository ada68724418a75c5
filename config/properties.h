/*
 * properties.h — Java .properties files as Trino reads them, into an ordered
 * list of (key, value, line).
 *
 * The syntax is java.util.Properties.load: `key=value`, `key: value` or
 * `key value`; `#` and `!` start comment lines; a line ending in an odd
 * number of backslashes continues on the next line (whose leading blanks are
 * dropped); escapes `\t \n \r \f \uXXXX` (UTF-16 surrogate pairs joined, the
 * result stored as UTF-8) and `\x` for any other x (so `\=`, `\:`, `\ `, `\\`).
 * Blanks around keys and values are dropped (an escaped blank `\ ` stays).
 *
 * Unlike java.util.Properties, a key given twice is an error (as airlift's
 * loader does): a silent override hides mistakes.
 */
#ifndef SHOAL_CONFIG_PROPERTIES_H
#define SHOAL_CONFIG_PROPERTIES_H

#include <stdbool.h>
#include <stddef.h>

#include "config/config_error.h"

typedef struct config_property {
    char *key;
    char *value;
    int line;            /* 1-based line where the entry starts */
} config_property;

typedef struct config_properties {
    char *file;          /* the name used in messages ("etc/config.properties") */
    config_property *items;
    size_t count;
    size_t capacity;
} config_properties;

/* Parses `length` bytes of text. `file` names the source in messages (may be
 * NULL). On failure `out` is left empty (nothing to free) and error is set. */
bool config_properties_parse(const char *text, size_t length, const char *file,
                             config_properties *out, config_error *error);

/* Reads and parses the file at `path`; messages name it by `path`. */
bool config_properties_load(const char *path, config_properties *out, config_error *error);

/* Replaces `${ENV:NAME}` in every value with the environment variable NAME,
 * as Trino does for secrets. A variable that is not set is an error. */
bool config_properties_resolve_env(config_properties *props, config_error *error);

/* The entry for `key`, or NULL. */
const config_property *config_properties_find(const config_properties *props, const char *key);
/* The value for `key`, or NULL. */
const char *config_properties_get(const config_properties *props, const char *key);

/* Appends an entry (copies key and value). Returns false when out of memory
 * or when the key is already present (error says which). */
bool config_properties_add(config_properties *props, const char *key, const char *value, int line,
                           config_error *error);

void config_properties_free(config_properties *props);

#endif
