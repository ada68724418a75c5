/*
 * session_properties.h — the session property registry, as Trino's
 * SessionPropertyManager: the system properties Shoal has (typed, with
 * defaults and descriptions), catalog session properties declared by
 * connectors (set as `catalog.name`), and the statements over them:
 *
 *   SET SESSION name = literal     typed and validated with Trino's messages
 *   RESET SESSION name             back to the default
 *   SHOW SESSION [LIKE p]          Name, Value, Default, Type, Description
 *
 * Values live in the session as text (session.h), exactly what SET SESSION
 * stores and X-Trino-Session carries; session_properties_validate() checks
 * values that arrived by header before a statement runs. The optimiser reads
 * its properties through session_properties_apply_optimizer().
 *
 * Errors: INVALID_SESSION_PROPERTY "Session property 'x' does not exist",
 * "Unable to set session property 'x' to 'v': <why>"; header values:
 * "Unknown session property x", "x is invalid: v" (Trino's wording).
 */
#ifndef SHOAL_ACTORS_ENGINE_SESSION_PROPERTIES_H
#define SHOAL_ACTORS_ENGINE_SESSION_PROPERTIES_H

#include <stdbool.h>
#include <stdint.h>

#include "actors/engine/result_builder.h"
#include "actors/engine/session.h"
#include "connectors/spi/catalog.h"
#include "connectors/spi/error.h"
#include "sql/ast.h"
#include "sql/optimizer.h"

typedef enum session_property_type {
    SESSION_PROPERTY_BOOLEAN,
    SESSION_PROPERTY_INTEGER,
    SESSION_PROPERTY_BIGINT,
    SESSION_PROPERTY_DOUBLE,
    SESSION_PROPERTY_VARCHAR,
    SESSION_PROPERTY_DATA_SIZE,   /* varchar holding "10GB" */
    SESSION_PROPERTY_DURATION,    /* varchar holding "1.5h" */
    SESSION_PROPERTY_ENUM         /* varchar, one of `values` (case-insensitive, stored upper case) */
} session_property_type;

typedef struct session_property_definition {
    const char *name;
    const char *description;
    session_property_type type;
    const char *default_value;      /* text; NULL: no default (shown empty) */
    const char *const *values;      /* ENUM: NULL-terminated, upper case */
    int64_t min;                    /* INTEGER/BIGINT: lowest allowed when has_min */
    bool has_min;
    bool power_of_two;              /* INTEGER: must be a power of 2 (task_concurrency) */
} session_property_definition;

/* The system properties, sorted by name. */
const session_property_definition *session_properties_system(int *count);
const session_property_definition *session_properties_find_system(const char *name);

/* Declares catalog session properties for every catalog of a connector
 * (process-wide; `definitions` must outlive the process, e.g. static). */
bool session_properties_register_connector(const char *connector_name,
                                           const session_property_definition *definitions, int count,
                                           shoal_error *error);

/* SET SESSION name = value (name: QUALIFIED_NAME of 1 or 2 parts). */
bool session_properties_set(catalog_registry *catalogs, session *s, const ast_node *name,
                            const ast_node *value, shoal_error *error);
/* RESET SESSION name. */
bool session_properties_reset(catalog_registry *catalogs, session *s, const ast_node *name, shoal_error *error);
/* Every property in the session is known and its value valid (for values
 * that came by X-Trino-Session). */
bool session_properties_validate(catalog_registry *catalogs, const session *s, shoal_error *error);
/* The text of a value as one of the property's type (used by SET and by validate). */
bool session_properties_check_value(const session_property_definition *p, const char *value,
                                    char *normalized, size_t size, char *why, size_t why_size);

/* SHOW SESSION [LIKE pattern]: fills `b` (5 varchar columns) and names. */
void session_properties_show(catalog_registry *catalogs, const session *s, const char *like, result_builder *b,
                             const char *column_names[5]);

/* The session's value or the default ("" when neither). */
const char *session_properties_get(const session *s, const char *name);
/* join_distribution_type, join_reordering_strategy, enable_dynamic_filtering,
 * join_max_broadcast_table_size into the optimiser's context. */
void session_properties_apply_optimizer(const session *s, optimizer_context *context);

#endif
