/*
 * session_properties.c — system and catalog session properties: the table,
 * SET/RESET/SHOW SESSION, header validation, and the optimiser's reading.
 */
#include "session_properties.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config/units.h"
#include "sql/formatter.h"

static const char *const join_distribution_values[] = {"AUTOMATIC", "BROADCAST", "PARTITIONED", NULL};
static const char *const join_reordering_values[] = {"NONE", "ELIMINATE_CROSS_JOINS", "AUTOMATIC", NULL};
static const char *const retry_policy_values[] = {"NONE", "QUERY", "TASK", NULL};
static const char *const compression_values[] = {"NONE", "LZ4", "ZSTD", NULL};

#define BOOLEAN(n, d, def) {.name = n, .description = d, .type = SESSION_PROPERTY_BOOLEAN, .default_value = def}
#define INTEGER(n, d, def, lo) \
    {.name = n, .description = d, .type = SESSION_PROPERTY_INTEGER, .default_value = def, .min = lo, .has_min = true}
#define SIZE(n, d, def) {.name = n, .description = d, .type = SESSION_PROPERTY_DATA_SIZE, .default_value = def}
#define DURATION(n, d, def) {.name = n, .description = d, .type = SESSION_PROPERTY_DURATION, .default_value = def}
#define ENUM(n, d, def, v) {.name = n, .description = d, .type = SESSION_PROPERTY_ENUM, .default_value = def, .values = v}

/* Sorted by name (SHOW SESSION order). Defaults are Trino's. */
static const session_property_definition system_properties[] = {
    BOOLEAN("distributed_sort", "Parallelize sort across multiple nodes", "true"),
    BOOLEAN("enable_dynamic_filtering", "Enable dynamic filtering", "true"),
    ENUM("exchange_compression_codec", "Compression codec used for data in exchanges", "NONE", compression_values),
    INTEGER("hash_partition_count", "Number of partitions for distributed joins and aggregations", "100", 1),
    ENUM("join_distribution_type", "Join distribution type", "AUTOMATIC", join_distribution_values),
    SIZE("join_max_broadcast_table_size",
         "Maximum estimated size of a table that can be broadcast when using automatic join type selection",
         "100MB"),
    ENUM("join_reordering_strategy", "Join reordering strategy", "AUTOMATIC", join_reordering_values),
    DURATION("query_max_cpu_time", "Maximum CPU time of a query", "1000000000.00d"),
    DURATION("query_max_execution_time", "Maximum execution time of a query", "100.00d"),
    SIZE("query_max_memory", "Maximum amount of distributed memory a query can use", "20GB"),
    SIZE("query_max_memory_per_node", "Maximum amount of memory a query can use on one node", "2GB"),
    DURATION("query_max_planning_time", "Maximum planning time of a query", "10.00m"),
    DURATION("query_max_run_time", "Maximum run time of a query (includes the queueing time)", "100.00d"),
    INTEGER("query_max_stage_count", "Temporary: Maximum number of stages a query can have", "150", 1),
    SIZE("query_max_total_memory", "Maximum amount of distributed total memory a query can use", "40GB"),
    INTEGER("query_priority", "The priority of queries. Larger numbers are higher priority", "1", 1),
    BOOLEAN("redistribute_writes", "Force parallel distributed writes", "true"),
    ENUM("retry_policy", "Retry policy", "NONE", retry_policy_values),
    BOOLEAN("spill_enabled", "Enable spilling", "false"),
    {.name = "task_concurrency", .description = "Default number of local parallel jobs per worker",
     .type = SESSION_PROPERTY_INTEGER, .default_value = "16", .min = 1, .has_min = true, .power_of_two = true},
};

const session_property_definition *session_properties_system(int *count)
{
    *count = (int)(sizeof system_properties / sizeof *system_properties);
    return system_properties;
}

const session_property_definition *session_properties_find_system(const char *name)
{
    int count;
    const session_property_definition *all = session_properties_system(&count);
    for (int i = 0; name && i < count; i++)
        if (strcmp(all[i].name, name) == 0)
            return &all[i];
    return NULL;
}

/* ---- catalog session properties (declared per connector) ------------------- */

typedef struct connector_declaration {
    const char *connector_name;
    const session_property_definition *definitions;
    int count;
} connector_declaration;

enum { DECLARATIONS_MAX = 64 };
static pthread_mutex_t declarations_lock = PTHREAD_MUTEX_INITIALIZER;
static connector_declaration declarations[DECLARATIONS_MAX];
static int declaration_count;

bool session_properties_register_connector(const char *connector_name,
                                           const session_property_definition *definitions, int count,
                                           shoal_error *error)
{
    bool ok = true;
    pthread_mutex_lock(&declarations_lock);
    int i = 0;
    while (i < declaration_count && strcmp(declarations[i].connector_name, connector_name) != 0)
        i++;
    if (i == DECLARATIONS_MAX)
        ok = error_set(error, ERR_GENERIC_INTERNAL_ERROR, "Too many connectors with session properties");
    else {
        declarations[i] = (connector_declaration){connector_name, definitions, count};
        if (i == declaration_count)
            declaration_count++;
    }
    pthread_mutex_unlock(&declarations_lock);
    return ok;
}

static const session_property_definition *connector_definitions(const char *connector_name, int *count)
{
    const session_property_definition *found = NULL;
    *count = 0;
    pthread_mutex_lock(&declarations_lock);
    for (int i = 0; i < declaration_count; i++)
        if (strcmp(declarations[i].connector_name, connector_name) == 0) {
            found = declarations[i].definitions;
            *count = declarations[i].count;
        }
    pthread_mutex_unlock(&declarations_lock);
    return found;
}

/* The definition behind "name" or "catalog.name"; NULL with the error set. */
static const session_property_definition *find_property(catalog_registry *catalogs, const char *full_name,
                                                        bool header_wording, shoal_error *error)
{
    const char *dot = strchr(full_name, '.');
    const session_property_definition *found = NULL;
    if (!dot) {
        found = session_properties_find_system(full_name);
    } else if (!strchr(dot + 1, '.') && dot != full_name && dot[1]) {
        char catalog_name[256];
        snprintf(catalog_name, sizeof catalog_name, "%.*s", (int)(dot - full_name), full_name);
        catalog *c = catalog_acquire(catalogs, catalog_name, header_wording ? NULL : error);
        if (!c && !header_wording)
            return NULL;   /* CATALOG_NOT_FOUND */
        if (c) {
            int count;
            const session_property_definition *defs = connector_definitions(catalog_connector_name(c), &count);
            for (int i = 0; i < count; i++)
                if (strcmp(defs[i].name, dot + 1) == 0)
                    found = &defs[i];
            catalog_release(c);
        }
    } else {
        error_set(error, ERR_INVALID_SESSION_PROPERTY, "Invalid session property '%s'", full_name);
        return NULL;
    }
    if (!found) {
        if (header_wording)
            error_set(error, ERR_INVALID_SESSION_PROPERTY, "Unknown session property %s", full_name);
        else
            error_set(error, ERR_INVALID_SESSION_PROPERTY, "Session property '%s' does not exist", full_name);
    }
    return found;
}

/* ---- values ------------------------------------------------------------------ */

static const char *type_name(session_property_type type)
{
    switch (type) {
    case SESSION_PROPERTY_BOOLEAN: return "boolean";
    case SESSION_PROPERTY_INTEGER: return "integer";
    case SESSION_PROPERTY_BIGINT: return "bigint";
    case SESSION_PROPERTY_DOUBLE: return "double";
    default: return "varchar";
    }
}

static void enum_list(const char *const *values, char *out, size_t size)
{
    size_t n = (size_t)snprintf(out, size, "[");
    for (int i = 0; values[i] && n < size; i++)
        n += (size_t)snprintf(out + n, size - n, "%s%s", i ? ", " : "", values[i]);
    if (n < size)
        snprintf(out + n, size - n, "]");
}

bool session_properties_check_value(const session_property_definition *p, const char *value,
                                    char *normalized, size_t size, char *why, size_t why_size)
{
    char reason[256] = "";
    switch (p->type) {
    case SESSION_PROPERTY_BOOLEAN: {
        bool b;
        if (!config_parse_bool(value, &b, reason, sizeof reason)) {
            snprintf(why, why_size, "Invalid boolean value: %s", value);
            return false;
        }
        snprintf(normalized, size, "%s", b ? "true" : "false");
        return true;
    }
    case SESSION_PROPERTY_INTEGER:
    case SESSION_PROPERTY_BIGINT: {
        int64_t v;
        if (!config_parse_int(value, &v, reason, sizeof reason) ||
            (p->type == SESSION_PROPERTY_INTEGER && (v < INT32_MIN || v > INT32_MAX))) {
            snprintf(why, why_size, "Invalid %s value: %s", type_name(p->type), value);
            return false;
        }
        if (p->has_min && v < p->min) {
            snprintf(why, why_size, "%s must be equal or greater than %lld", p->name, (long long)p->min);
            return false;
        }
        if (p->power_of_two && (v <= 0 || (v & (v - 1)) != 0)) {
            snprintf(why, why_size, "%s must be a power of 2: %lld", p->name, (long long)v);
            return false;
        }
        snprintf(normalized, size, "%lld", (long long)v);
        return true;
    }
    case SESSION_PROPERTY_DOUBLE: {
        double d;
        if (!config_parse_double(value, &d, reason, sizeof reason)) {
            snprintf(why, why_size, "Invalid double value: %s", value);
            return false;
        }
        snprintf(normalized, size, "%s", value);
        return true;
    }
    case SESSION_PROPERTY_DATA_SIZE: {
        uint64_t bytes;
        if (!config_parse_data_size(value, &bytes, reason, sizeof reason)) {
            snprintf(why, why_size, "size is not a valid data size string: %s", value);
            return false;
        }
        break;
    }
    case SESSION_PROPERTY_DURATION: {
        int64_t nanos;
        if (!config_parse_duration(value, &nanos, reason, sizeof reason)) {
            snprintf(why, why_size, "duration is not a valid data duration string: %s", value);
            return false;
        }
        break;
    }
    case SESSION_PROPERTY_ENUM:
        for (int i = 0; p->values[i]; i++)
            if (strcasecmp(p->values[i], value) == 0) {
                snprintf(normalized, size, "%s", p->values[i]);
                return true;
            }
        char list[512];
        enum_list(p->values, list, sizeof list);
        snprintf(why, why_size, "Invalid value [%s]. Valid values: %s", value, list);
        return false;
    case SESSION_PROPERTY_VARCHAR:
        break;
    }
    snprintf(normalized, size, "%s", value);
    return true;
}

/* The literal's text and SQL type name; false when it is no literal. */
static bool literal_of(const ast_node *v, char *text, size_t size, char *type, size_t type_size)
{
    bool negative = false;
    if (v->kind == AST_ARITHMETIC_UNARY && v->u.unary.operand) {
        negative = v->u.unary.op == AST_OP_MINUS;
        v = v->u.unary.operand;
        if (v->kind != AST_LONG_LITERAL && v->kind != AST_DOUBLE_LITERAL && v->kind != AST_DECIMAL_LITERAL)
            return false;
    }
    switch (v->kind) {
    case AST_STRING_LITERAL:
        snprintf(text, size, "%.*s", (int)v->u.literal.text.len, v->u.literal.text.ptr);
        snprintf(type, type_size, "varchar(%u)", (unsigned)v->u.literal.text.len);
        return true;
    case AST_BOOLEAN_LITERAL:
        snprintf(text, size, "%s", v->u.literal.flag ? "true" : "false");
        snprintf(type, type_size, "boolean");
        return true;
    case AST_LONG_LITERAL: {
        int64_t n = negative ? -v->u.literal.int_value : v->u.literal.int_value;
        snprintf(text, size, "%lld", (long long)n);
        snprintf(type, type_size, "%s", n >= INT32_MIN && n <= INT32_MAX ? "integer" : "bigint");
        return true;
    }
    case AST_DOUBLE_LITERAL:
    case AST_DECIMAL_LITERAL:
        snprintf(text, size, "%s%.*s", negative ? "-" : "", (int)v->u.literal.text.len, v->u.literal.text.ptr);
        snprintf(type, type_size, "%s", v->kind == AST_DOUBLE_LITERAL ? "double" : "decimal");
        return true;
    case AST_NULL_LITERAL:
        snprintf(type, type_size, "unknown");
        return false;
    default:
        return false;
    }
}

/* Trino's implicit coercions into the property's SQL type. */
static bool coercible(const char *from, session_property_type to)
{
    switch (to) {
    case SESSION_PROPERTY_BOOLEAN: return strcmp(from, "boolean") == 0;
    case SESSION_PROPERTY_INTEGER: return strcmp(from, "integer") == 0;
    case SESSION_PROPERTY_BIGINT: return strcmp(from, "integer") == 0 || strcmp(from, "bigint") == 0;
    case SESSION_PROPERTY_DOUBLE:
        return strcmp(from, "integer") == 0 || strcmp(from, "bigint") == 0 || strcmp(from, "double") == 0 ||
               strcmp(from, "decimal") == 0;
    default: return strncmp(from, "varchar", 7) == 0;
    }
}

static void qualified_name(const ast_node *name, char *out, size_t size)
{
    out[0] = '\0';
    if (name->kind == AST_IDENTIFIER) {
        snprintf(out, size, "%s", name->u.identifier.value.ptr);
        return;
    }
    for (uint32_t i = 0; i < name->u.list.items.count; i++) {
        if (i)
            strncat(out, ".", size - strlen(out) - 1);
        strncat(out, name->u.list.items.items[i]->u.identifier.value.ptr, size - strlen(out) - 1);
    }
}

bool session_properties_set(catalog_registry *catalogs, session *s, const ast_node *name_node,
                            const ast_node *value, shoal_error *error)
{
    char name[256];
    qualified_name(name_node, name, sizeof name);
    const session_property_definition *p = find_property(catalogs, name, false, error);
    if (!p) {
        error->line = (int)name_node->pos.line;
        error->column = (int)name_node->pos.column;
        return false;
    }
    char text[1024], type[64] = "", normalized[1024], why[700];
    if (!literal_of(value, text, sizeof text, type, sizeof type) || !coercible(type, p->type)) {
        char *sql = sql_format(value, NULL);
        if (type[0])
            snprintf(why, sizeof why, "Cannot cast type %s to %s", type, type_name(p->type));
        else
            snprintf(why, sizeof why, "Session property value must be a literal");
        error_set_at(error, ERR_INVALID_SESSION_PROPERTY, (int)value->pos.line, (int)value->pos.column,
                     "Unable to set session property '%s' to '%s': %s", name, sql ? sql : "?", why);
        free(sql);
        return false;
    }
    if (!session_properties_check_value(p, text, normalized, sizeof normalized, why, sizeof why))
        return error_set_at(error, ERR_INVALID_SESSION_PROPERTY, (int)value->pos.line, (int)value->pos.column,
                            "Unable to set session property '%s' to '%s': %s", name, text, why);
    if (!session_set_property(s, name, normalized))
        return error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
    return true;
}

bool session_properties_reset(catalog_registry *catalogs, session *s, const ast_node *name_node, shoal_error *error)
{
    char name[256];
    qualified_name(name_node, name, sizeof name);
    if (!find_property(catalogs, name, false, error)) {
        error->line = (int)name_node->pos.line;
        error->column = (int)name_node->pos.column;
        return false;
    }
    session_reset_property(s, name);
    return true;
}

bool session_properties_validate(catalog_registry *catalogs, const session *s, shoal_error *error)
{
    for (int i = 0; i < s->property_count; i++) {
        const session_entry *e = &s->properties[i];
        const session_property_definition *p = find_property(catalogs, e->name, true, error);
        char normalized[1024], why[512];
        if (!p)
            return false;
        if (!session_properties_check_value(p, e->value, normalized, sizeof normalized, why, sizeof why))
            return error_set(error, ERR_INVALID_SESSION_PROPERTY, "%s is invalid: %s", e->name, e->value);
    }
    return true;
}

/* ---- SHOW SESSION --------------------------------------------------------------- */


static void show_row(result_builder *b, const session *s, const char *full_name,
                     const session_property_definition *p, const char *like)
{
    if (!show_like_matches(like, full_name))
        return;
    const char *set = session_property(s, full_name);
    const char *def = p->default_value ? p->default_value : "";
    const char *row[5] = {full_name, set ? set : def, def, type_name(p->type), p->description};
    result_builder_add_strings(b, row);
}

void session_properties_show(catalog_registry *catalogs, const session *s, const char *like, result_builder *b,
                             const char *column_names[5])
{
    sql_type types[5];
    for (int i = 0; i < 5; i++)
        types[i] = type_varchar(VARCHAR_UNBOUNDED);
    result_builder_init(b, 5, types);
    static const char *const names[5] = {"Name", "Value", "Default", "Type", "Description"};
    for (int i = 0; i < 5; i++)
        column_names[i] = names[i];
    int count;
    const session_property_definition *system = session_properties_system(&count);
    for (int i = 0; i < count; i++)
        show_row(b, s, system[i].name, &system[i], like);
    string_list catalog_names = {0};
    if (!catalog_list(catalogs, &catalog_names, NULL))
        return;
    for (int c = 0; c < catalog_names.count; c++) {
        catalog *held = catalog_acquire(catalogs, catalog_names.items[c], NULL);
        if (!held)
            continue;
        const session_property_definition *defs = connector_definitions(catalog_connector_name(held), &count);
        for (int i = 0; i < count; i++) {
            char full[512];
            snprintf(full, sizeof full, "%s.%s", catalog_names.items[c], defs[i].name);
            show_row(b, s, full, &defs[i], like);
        }
        catalog_release(held);
    }
    string_list_free(&catalog_names);
}

/* ---- typed reading --------------------------------------------------------------- */

const char *session_properties_get(const session *s, const char *name)
{
    const char *set = session_property(s, name);
    if (set)
        return set;
    const session_property_definition *p = session_properties_find_system(name);
    return p && p->default_value ? p->default_value : "";
}

void session_properties_apply_optimizer(const session *s, optimizer_context *context)
{
    const char *join = session_properties_get(s, "join_distribution_type");
    context->join_distribution_type = strcasecmp(join, "BROADCAST") == 0     ? JOIN_DISTRIBUTION_TYPE_BROADCAST
                                      : strcasecmp(join, "PARTITIONED") == 0 ? JOIN_DISTRIBUTION_TYPE_PARTITIONED
                                                                             : JOIN_DISTRIBUTION_TYPE_AUTOMATIC;
    const char *reorder = session_properties_get(s, "join_reordering_strategy");
    context->join_reordering_strategy = strcasecmp(reorder, "NONE") == 0 ? JOIN_REORDERING_NONE
                                        : strcasecmp(reorder, "ELIMINATE_CROSS_JOINS") == 0
                                            ? JOIN_REORDERING_ELIMINATE_CROSS_JOINS
                                            : JOIN_REORDERING_AUTOMATIC;
    context->enable_dynamic_filtering = strcasecmp(session_properties_get(s, "enable_dynamic_filtering"), "false") != 0;
    uint64_t bytes;
    char why[128];
    if (config_parse_data_size(session_properties_get(s, "join_max_broadcast_table_size"), &bytes, why, sizeof why))
        context->join_max_broadcast_table_size = (double)bytes;
}
