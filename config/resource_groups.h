/*
 * resource_groups.h — resource-groups.json (Trino's file resource group
 * manager) parsed and validated into plain structs: the group trees with
 * their limits and the ordered selectors. Validation follows Trino's
 * ResourceGroupSpec / ManagerSpec / AbstractResourceConfigurationManager /
 * StaticSelector, with their wording, and each message names the group (its
 * dotted template path) or the selector (its index).
 *
 * Selector regexes and name templates are kept as strings: matching them
 * (whole-string, Java syntax) and expanding ${USER}, ${SOURCE} and named
 * groups is the resource-group engine's job. JSON gives no line numbers
 * after parsing, so semantic errors name the file and the group instead.
 *
 * Unlike Trino, which lets Jackson default a missing `maxQueued` to 0, a
 * missing maxQueued or softMemoryLimit is an error, and unknown properties
 * are errors (a typo never falls back to a default).
 */
#ifndef SHOAL_CONFIG_RESOURCE_GROUPS_H
#define SHOAL_CONFIG_RESOURCE_GROUPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/config_error.h"

typedef enum resource_group_policy {
    RESOURCE_GROUP_POLICY_FAIR,           /* the default when absent */
    RESOURCE_GROUP_POLICY_WEIGHTED,
    RESOURCE_GROUP_POLICY_WEIGHTED_FAIR,
    RESOURCE_GROUP_POLICY_QUERY_PRIORITY
} resource_group_policy;

typedef struct resource_group_spec {
    char *name;                         /* a name template: "adhoc", "pipeline_${USER}" */
    int64_t max_queued;
    int64_t hard_concurrency_limit;     /* hardConcurrencyLimit, or its alias maxRunning */
    int64_t soft_concurrency_limit;     /* = hard when absent */
    bool has_soft_concurrency_limit;

    bool soft_memory_limit_is_fraction; /* "80%" */
    double soft_memory_limit_fraction;  /* of the cluster's general pool: 0.8 */
    uint64_t soft_memory_limit_bytes;   /* "10GB" */

    bool has_soft_cpu_limit, has_hard_cpu_limit;
    int64_t soft_cpu_limit;             /* nanoseconds */
    int64_t hard_cpu_limit;             /* nanoseconds */

    bool has_scheduling_policy;
    resource_group_policy scheduling_policy; /* FAIR when absent */
    bool has_scheduling_weight;
    int64_t scheduling_weight;          /* 1 when absent */
    bool has_jmx_export;
    bool jmx_export;

    bool has_soft_physical_data_scan_limit, has_hard_physical_data_scan_limit;
    uint64_t soft_physical_data_scan_limit; /* bytes (newer Trino) */
    uint64_t hard_physical_data_scan_limit;

    struct resource_group_spec *sub_groups;
    size_t sub_group_count;
} resource_group_spec;

/* A [min, max] range of a selector's resource estimate (nanoseconds or bytes). */
typedef struct resource_estimate_range {
    bool present;
    bool has_min, has_max;
    int64_t min, max;
} resource_estimate_range;

typedef struct resource_group_selector {
    /* Java regexes (whole-string match), NULL when absent */
    char *user;
    char *user_group;
    char *original_user;
    char *authenticated_user;
    char *source;
    char *query_type;                   /* upper case: SELECT, DATA_DEFINITION, ...; NULL when absent */
    bool has_client_tags;
    char **client_tags;                 /* every tag must be among the query's tags */
    size_t client_tag_count;
    resource_estimate_range execution_time; /* selectorResourceEstimate */
    resource_estimate_range cpu_time;
    resource_estimate_range peak_memory;
    char *group;                        /* "global.adhoc.other.${USER}" */
    char **group_segments;              /* split on '.' */
    size_t group_segment_count;
} resource_group_selector;

typedef struct resource_groups_spec {
    resource_group_spec *root_groups;
    size_t root_group_count;
    resource_group_selector *selectors;  /* in file order; first match wins */
    size_t selector_count;
    bool has_cpu_quota_period;
    int64_t cpu_quota_period;            /* nanoseconds */
    bool has_physical_data_scan_quota_period;
    int64_t physical_data_scan_quota_period;
} resource_groups_spec;

/* Parses JSON text; `file` names it in messages. On failure nothing needs freeing. */
bool resource_groups_parse(const char *json_text, const char *file, resource_groups_spec *out,
                           config_error *error);
bool resource_groups_load(const char *path, resource_groups_spec *out, config_error *error);
void resource_groups_free(resource_groups_spec *spec);

const char *resource_group_policy_name(resource_group_policy policy); /* "weighted_fair" */

/* The variable names used in a name template ("bi-${toolname}" -> toolname),
 * written into `names` (up to `max`); returns how many there are. */
size_t resource_group_template_variables(const char *name_template, char names[][64], size_t max);

#endif
