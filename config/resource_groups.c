/*
 * resource_groups.c — reading resource-groups.json with jansson and checking
 * it as Trino's file resource group manager does.
 */
#include "resource_groups.h"

#include <ctype.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config/units.h"

typedef struct ctx {
    const char *file;
    config_error *error;
} ctx;

/* An error about `what` (a group path or a selector), naming JSON key `key`. */
static bool fail(ctx *c, const char *what, const char *key, const char *format, ...)
    __attribute__((format(printf, 4, 5)));
static bool fail(ctx *c, const char *what, const char *key, const char *format, ...)
{
    char reason[CONFIG_ERROR_MAX / 2];
    va_list args;
    va_start(args, format);
    vsnprintf(reason, sizeof reason, format, args);
    va_end(args);
    if (what && *what)
        config_error_set(c->error, c->file, 0, NULL, "%s: %s", what, reason);
    else
        config_error_set(c->error, c->file, 0, NULL, "%s", reason);
    if (c->error && key)
        snprintf(c->error->key, sizeof c->error->key, "%s", key);
    return false;
}

const char *resource_group_policy_name(resource_group_policy policy)
{
    switch (policy) {
    case RESOURCE_GROUP_POLICY_FAIR: return "fair";
    case RESOURCE_GROUP_POLICY_WEIGHTED: return "weighted";
    case RESOURCE_GROUP_POLICY_WEIGHTED_FAIR: return "weighted_fair";
    case RESOURCE_GROUP_POLICY_QUERY_PRIORITY: return "query_priority";
    }
    return "?";
}

/* ---- freeing -------------------------------------------------------------- */

static void free_group(resource_group_spec *g)
{
    free(g->name);
    for (size_t i = 0; i < g->sub_group_count; i++)
        free_group(&g->sub_groups[i]);
    free(g->sub_groups);
}

static void free_strings(char **list, size_t count)
{
    for (size_t i = 0; i < count; i++)
        free(list[i]);
    free(list);
}

static void free_selector(resource_group_selector *s)
{
    free(s->user);
    free(s->user_group);
    free(s->original_user);
    free(s->authenticated_user);
    free(s->source);
    free(s->query_type);
    free_strings(s->client_tags, s->client_tag_count);
    free(s->group);
    free_strings(s->group_segments, s->group_segment_count);
}

void resource_groups_free(resource_groups_spec *spec)
{
    for (size_t i = 0; i < spec->root_group_count; i++)
        free_group(&spec->root_groups[i]);
    free(spec->root_groups);
    for (size_t i = 0; i < spec->selector_count; i++)
        free_selector(&spec->selectors[i]);
    free(spec->selectors);
    memset(spec, 0, sizeof *spec);
}

/* ---- JSON value helpers ----------------------------------------------------- */

/* An int as Jackson reads one: a JSON integer, or a string of digits. */
static bool get_int(ctx *c, const char *what, const char *key, json_t *v, int64_t *out)
{
    if (json_is_integer(v)) {
        json_int_t x = json_integer_value(v);
        if (x < INT32_MIN || x > INT32_MAX)
            return fail(c, what, key, "%s: Numeric value (%lld) out of range of int", key, (long long)x);
        *out = x;
        return true;
    }
    if (json_is_string(v)) {
        int64_t x;
        char why[128];
        if (config_parse_int(json_string_value(v), &x, why, sizeof why) && x >= INT32_MIN && x <= INT32_MAX) {
            *out = x;
            return true;
        }
    }
    return fail(c, what, key, "%s must be an integer", key);
}

static bool get_bool(ctx *c, const char *what, const char *key, json_t *v, bool *out)
{
    if (json_is_boolean(v)) {
        *out = json_is_true(v);
        return true;
    }
    char why[128];
    if (json_is_string(v) && config_parse_bool(json_string_value(v), out, why, sizeof why))
        return true;
    return fail(c, what, key, "%s must be true or false", key);
}

static bool get_string(ctx *c, const char *what, const char *key, json_t *v, const char **out)
{
    if (!json_is_string(v))
        return fail(c, what, key, "%s must be a string", key);
    *out = json_string_value(v);
    return true;
}

static bool dup_string(ctx *c, const char *what, const char *key, json_t *v, char **out)
{
    const char *s = NULL;
    if (!get_string(c, what, key, v, &s))
        return false;
    free(*out);
    *out = strdup(s);
    if (!*out)
        return fail(c, what, key, "out of memory");
    return true;
}

static bool get_duration(ctx *c, const char *what, const char *key, json_t *v, int64_t *out)
{
    const char *s = NULL;
    char why[256];
    if (!get_string(c, what, key, v, &s))
        return false;
    if (!config_parse_duration(s, out, why, sizeof why))
        return fail(c, what, key, "%s: %s", key, why);
    return true;
}

static bool get_data_size(ctx *c, const char *what, const char *key, json_t *v, uint64_t *out)
{
    const char *s = NULL;
    char why[256];
    if (!get_string(c, what, key, v, &s))
        return false;
    if (!config_parse_data_size(s, out, why, sizeof why))
        return fail(c, what, key, "%s: %s", key, why);
    return true;
}

/* ---- name templates -------------------------------------------------------- */

/* Trino's ResourceGroupNameTemplate rules. */
static bool check_name_template(ctx *c, const char *what, const char *key, const char *name)
{
    if (!*name)
        return fail(c, what, key, "Resource group name is empty");
    if (strchr(name, '.'))
        return fail(c, what, key, "Invalid resource group name. '%s' contains a '.'", name);
    for (const char *p = name; *p;) {
        if (p[0] == '$' && p[1] == '{' && isalpha((unsigned char)p[2])) {
            const char *q = p + 3;
            while (isalnum((unsigned char)*q))
                q++;
            if (*q == '}') {
                p = q + 1;
                continue;
            }
        }
        if (*p == '$' || *p == '{' || *p == '}')
            return fail(c, what, key, "Invalid resource group name. '%s' contains extraneous '$', '{', or '}'", name);
        p++;
    }
    return true;
}

size_t resource_group_template_variables(const char *name, char names[][64], size_t max)
{
    size_t count = 0;
    for (const char *p = name; *p; p++) {
        if (p[0] != '$' || p[1] != '{' || !isalpha((unsigned char)p[2]))
            continue;
        const char *q = p + 2;
        while (isalnum((unsigned char)*q))
            q++;
        if (*q != '}')
            continue;
        size_t n = (size_t)(q - (p + 2));
        if (count < max && n < 64) {
            memcpy(names[count], p + 2, n);
            names[count][n] = '\0';
        }
        count++;
        p = q;
    }
    return count;
}

/* ---- groups ------------------------------------------------------------------ */

static const char *const policy_names[] = {"fair", "weighted", "weighted_fair", "query_priority"};

static bool parse_soft_memory_limit(ctx *c, const char *what, json_t *v, resource_group_spec *g)
{
    const char *s = NULL;
    if (!get_string(c, what, "softMemoryLimit", v, &s))
        return false;
    /* Trino's PERCENT_PATTERN: 1-3 digits, optional fraction, '%' */
    size_t digits = strspn(s, "0123456789");
    const char *p = s + digits;
    if (digits >= 1 && digits <= 3) {
        if (*p == '.' && isdigit((unsigned char)p[1])) {
            p++;
            p += strspn(p, "0123456789");
        }
        if (p[0] == '%' && p[1] == '\0') {
            g->soft_memory_limit_is_fraction = true;
            g->soft_memory_limit_fraction = strtod(s, NULL) / 100.0;
            return true;
        }
    }
    char why[256];
    if (!config_parse_data_size(s, &g->soft_memory_limit_bytes, why, sizeof why))
        return fail(c, what, "softMemoryLimit", "softMemoryLimit: %s", why);
    return true;
}

static bool parse_group(ctx *c, json_t *obj, const char *parent_path, size_t index, resource_group_spec *g);

static bool parse_sub_groups(ctx *c, const char *path, json_t *v, resource_group_spec *g)
{
    if (!json_is_array(v))
        return fail(c, path, "subGroups", "subGroups must be an array");
    size_t n = json_array_size(v);
    if (n == 0)
        return true;
    g->sub_groups = calloc(n, sizeof *g->sub_groups);
    if (!g->sub_groups)
        return fail(c, path, "subGroups", "out of memory");
    for (size_t i = 0; i < n; i++) {
        bool ok = parse_group(c, json_array_get(v, i), path, i, &g->sub_groups[i]);
        g->sub_group_count++; /* counted even when it failed, so it is freed */
        if (!ok)
            return false;
        for (size_t j = 0; j < i; j++)
            if (strcmp(g->sub_groups[j].name, g->sub_groups[i].name) == 0)
                return fail(c, path, "subGroups", "Duplicated sub group: %s", g->sub_groups[i].name);
    }
    return true;
}

static bool parse_group(ctx *c, json_t *obj, const char *parent_path, size_t index, resource_group_spec *g)
{
    memset(g, 0, sizeof *g);
    g->scheduling_weight = 1;
    char path[512];
    if (parent_path)
        snprintf(path, sizeof path, "%s.<subGroups[%zu]>", parent_path, index);
    else
        snprintf(path, sizeof path, "rootGroups[%zu]", index);
    char what[600];
    snprintf(what, sizeof what, "resource group %s", path);
    if (!json_is_object(obj))
        return fail(c, what, NULL, "a resource group must be a JSON object");

    json_t *name = json_object_get(obj, "name");
    if (!name)
        return fail(c, what, "name", "Missing required property: name");
    if (!dup_string(c, what, "name", name, &g->name) || !check_name_template(c, what, "name", g->name))
        return false;
    if (parent_path)
        snprintf(path, sizeof path, "%s.%s", parent_path, g->name);
    else
        snprintf(path, sizeof path, "%s", g->name);
    snprintf(what, sizeof what, "resource group '%s'", path);

    bool has_max_queued = false, has_hard = false, has_max_running = false, has_soft_memory = false;
    int64_t max_running = 0;
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v) {
        bool ok = true;
        if (strcmp(key, "name") == 0) {
            continue;
        } else if (strcmp(key, "maxQueued") == 0) {
            ok = get_int(c, what, key, v, &g->max_queued);
            has_max_queued = true;
        } else if (strcmp(key, "hardConcurrencyLimit") == 0) {
            ok = get_int(c, what, key, v, &g->hard_concurrency_limit);
            has_hard = true;
        } else if (strcmp(key, "maxRunning") == 0) {
            ok = get_int(c, what, key, v, &max_running);
            has_max_running = true;
        } else if (strcmp(key, "softConcurrencyLimit") == 0) {
            ok = get_int(c, what, key, v, &g->soft_concurrency_limit);
            g->has_soft_concurrency_limit = true;
        } else if (strcmp(key, "softMemoryLimit") == 0) {
            ok = parse_soft_memory_limit(c, what, v, g);
            has_soft_memory = true;
        } else if (strcmp(key, "softCpuLimit") == 0) {
            ok = get_duration(c, what, key, v, &g->soft_cpu_limit);
            g->has_soft_cpu_limit = true;
        } else if (strcmp(key, "hardCpuLimit") == 0) {
            ok = get_duration(c, what, key, v, &g->hard_cpu_limit);
            g->has_hard_cpu_limit = true;
        } else if (strcmp(key, "schedulingPolicy") == 0) {
            const char *s = NULL;
            ok = get_string(c, what, key, v, &s);
            int found = -1;
            for (int i = 0; ok && i < 4; i++)
                if (strcasecmp(s, policy_names[i]) == 0)
                    found = i;
            if (ok && found < 0)
                ok = fail(c, what, key, "Invalid schedulingPolicy '%s' (expected fair, weighted, weighted_fair or query_priority)", s);
            g->scheduling_policy = (resource_group_policy)(found < 0 ? 0 : found);
            g->has_scheduling_policy = true;
        } else if (strcmp(key, "schedulingWeight") == 0) {
            ok = get_int(c, what, key, v, &g->scheduling_weight);
            g->has_scheduling_weight = true;
            if (ok && g->scheduling_weight <= 0)
                ok = fail(c, what, key, "schedulingWeight must be positive");
        } else if (strcmp(key, "jmxExport") == 0) {
            ok = get_bool(c, what, key, v, &g->jmx_export);
            g->has_jmx_export = true;
        } else if (strcmp(key, "softPhysicalDataScanLimit") == 0) {
            ok = get_data_size(c, what, key, v, &g->soft_physical_data_scan_limit);
            g->has_soft_physical_data_scan_limit = true;
        } else if (strcmp(key, "hardPhysicalDataScanLimit") == 0) {
            ok = get_data_size(c, what, key, v, &g->hard_physical_data_scan_limit);
            g->has_hard_physical_data_scan_limit = true;
        } else if (strcmp(key, "subGroups") == 0) {
            ok = parse_sub_groups(c, path, v, g);
        } else {
            ok = fail(c, what, key, "Unknown property '%s'", key);
        }
        if (!ok)
            return false;
    }

    if (!has_max_queued)
        return fail(c, what, "maxQueued", "Missing required property: maxQueued");
    if (g->max_queued < 0)
        return fail(c, what, "maxQueued", "maxQueued is negative");
    if (!has_hard && !has_max_running)
        return fail(c, what, "hardConcurrencyLimit", "Missing required property: hardConcurrencyLimit");
    if (!has_hard)
        g->hard_concurrency_limit = max_running;
    if (g->hard_concurrency_limit < 0)
        return fail(c, what, "hardConcurrencyLimit", "hardConcurrencyLimit is negative");
    if (g->has_soft_concurrency_limit) {
        if (g->soft_concurrency_limit < 0)
            return fail(c, what, "softConcurrencyLimit", "softConcurrencyLimit is negative");
        if (g->hard_concurrency_limit < g->soft_concurrency_limit)
            return fail(c, what, "softConcurrencyLimit",
                        "hardConcurrencyLimit must be greater than or equal to softConcurrencyLimit");
    } else {
        g->soft_concurrency_limit = g->hard_concurrency_limit;
    }
    if (!has_soft_memory)
        return fail(c, what, "softMemoryLimit", "Missing required property: softMemoryLimit");
    return true;
}

/* AbstractResourceConfigurationManager.validateRootGroups, for one group and
 * then its sub-groups. */
static bool validate_group_tree(ctx *c, const resource_groups_spec *spec, const resource_group_spec *g,
                                const char *parent_path)
{
    char path[512];
    if (parent_path)
        snprintf(path, sizeof path, "%s.%s", parent_path, g->name);
    else
        snprintf(path, sizeof path, "%s", g->name);
    char what[600];
    snprintf(what, sizeof what, "resource group '%s'", path);

    if ((g->has_soft_cpu_limit || g->has_hard_cpu_limit) && !spec->has_cpu_quota_period)
        return fail(c, what, "cpuQuotaPeriod", "cpuQuotaPeriod must be specified to use CPU limits on group: %s", g->name);
    if (g->has_soft_cpu_limit) {
        if (!g->has_hard_cpu_limit)
            return fail(c, what, "hardCpuLimit", "Must specify hard CPU limit in addition to soft limit");
        if (g->soft_cpu_limit > g->hard_cpu_limit)
            return fail(c, what, "softCpuLimit", "Soft CPU limit cannot be greater than hard CPU limit");
    }
    if (g->has_scheduling_policy) {
        size_t weighted = 0;
        for (size_t i = 0; i < g->sub_group_count; i++)
            weighted += g->sub_groups[i].has_scheduling_weight;
        switch (g->scheduling_policy) {
        case RESOURCE_GROUP_POLICY_WEIGHTED:
        case RESOURCE_GROUP_POLICY_WEIGHTED_FAIR:
            if (weighted != 0 && weighted != g->sub_group_count)
                return fail(c, what, "schedulingWeight",
                            "Must specify scheduling weight for all sub-groups of '%s' or none of them", g->name);
            break;
        case RESOURCE_GROUP_POLICY_FAIR:
        case RESOURCE_GROUP_POLICY_QUERY_PRIORITY:
            if (weighted != 0)
                return fail(c, what, "schedulingWeight",
                            "Must use 'weighted' or 'weighted_fair' scheduling policy if specifying scheduling weight for '%s'",
                            g->name);
            break;
        }
    }
    for (size_t i = 0; i < g->sub_group_count; i++)
        if (!validate_group_tree(c, spec, &g->sub_groups[i], path))
            return false;
    return true;
}

/* ---- selectors ---------------------------------------------------------------- */

static const char *const query_types[] = {"SELECT", "EXPLAIN", "DESCRIBE", "INSERT", "UPDATE", "MERGE",
                                          "DELETE", "ANALYZE", "DATA_DEFINITION", "ALTER_TABLE_EXECUTE", NULL};

static bool parse_range(ctx *c, const char *what, const char *key, json_t *v, bool is_size,
                        resource_estimate_range *r)
{
    if (!json_is_object(v))
        return fail(c, what, key, "%s must be an object with min and/or max", key);
    r->present = true;
    const char *k;
    json_t *x;
    json_object_foreach(v, k, x) {
        bool is_min = strcmp(k, "min") == 0;
        if (!is_min && strcmp(k, "max") != 0)
            return fail(c, what, key, "Unknown property '%s' in %s", k, key);
        int64_t value;
        if (is_size) {
            uint64_t bytes;
            if (!get_data_size(c, what, key, x, &bytes))
                return false;
            value = bytes > INT64_MAX ? INT64_MAX : (int64_t)bytes;
        } else if (!get_duration(c, what, key, x, &value)) {
            return false;
        }
        if (is_min) {
            r->has_min = true;
            r->min = value;
        } else {
            r->has_max = true;
            r->max = value;
        }
    }
    return true;
}

static bool parse_estimate(ctx *c, const char *what, json_t *v, resource_group_selector *s)
{
    if (!json_is_object(v))
        return fail(c, what, "selectorResourceEstimate", "selectorResourceEstimate must be an object");
    const char *k;
    json_t *x;
    json_object_foreach(v, k, x) {
        bool ok;
        if (strcmp(k, "executionTime") == 0)
            ok = parse_range(c, what, k, x, false, &s->execution_time);
        else if (strcmp(k, "cpuTime") == 0)
            ok = parse_range(c, what, k, x, false, &s->cpu_time);
        else if (strcmp(k, "peakMemory") == 0)
            ok = parse_range(c, what, k, x, true, &s->peak_memory);
        else
            ok = fail(c, what, k, "Unknown property '%s' in selectorResourceEstimate", k);
        if (!ok)
            return false;
    }
    return true;
}

static bool parse_client_tags(ctx *c, const char *what, json_t *v, resource_group_selector *s)
{
    if (!json_is_array(v))
        return fail(c, what, "clientTags", "clientTags must be an array of strings");
    s->has_client_tags = true;
    size_t n = json_array_size(v);
    s->client_tags = calloc(n ? n : 1, sizeof *s->client_tags);
    if (!s->client_tags)
        return fail(c, what, "clientTags", "out of memory");
    for (size_t i = 0; i < n; i++) {
        if (!dup_string(c, what, "clientTags", json_array_get(v, i), &s->client_tags[i]))
            return false;
        s->client_tag_count++;
    }
    return true;
}

static bool split_group(ctx *c, const char *what, resource_group_selector *s)
{
    size_t n = 1;
    for (const char *p = s->group; *p; p++)
        n += *p == '.';
    s->group_segments = calloc(n, sizeof *s->group_segments);
    if (!s->group_segments)
        return fail(c, what, "group", "out of memory");
    const char *start = s->group;
    for (size_t i = 0; i < n; i++) {
        const char *end = strchr(start, '.');
        size_t len = end ? (size_t)(end - start) : strlen(start);
        s->group_segments[i] = strndup(start, len);
        if (!s->group_segments[i])
            return fail(c, what, "group", "out of memory");
        s->group_segment_count++;
        if (!check_name_template(c, what, "group", s->group_segments[i]))
            return false;
        start = end ? end + 1 : start + len;
    }
    return true;
}

/* Named groups "(?<name>" in a regex, as StaticSelector finds them. */
static bool add_named_groups(ctx *c, const char *what, const char *key, const char *regex, char vars[][64],
                             size_t *count, size_t max)
{
    for (const char *p = regex; (p = strstr(p, "(?<")) != NULL; p++) {
        const char *q = p + 3;
        if (!isalpha((unsigned char)*q))
            continue;
        const char *start = q;
        while (isalnum((unsigned char)*q))
            q++;
        if (*q != '>')
            continue;
        size_t n = (size_t)(q - start);
        if (n >= 64)
            return fail(c, what, key, "variable name too long in %s", key);
        char name[64];
        memcpy(name, start, n);
        name[n] = '\0';
        for (size_t i = 0; i < *count; i++)
            if (strcmp(vars[i], name) == 0)
                return fail(c, what, key, "Multiple definitions found for variable ${%s}", name);
        if (*count >= max)
            return fail(c, what, key, "too many variables");
        snprintf(vars[(*count)++], 64, "%s", name);
    }
    return true;
}

static bool check_selector_variables(ctx *c, const char *what, const resource_group_selector *s)
{
    enum { MAX_VARS = 64 };
    char vars[MAX_VARS][64] = {"USER", "SOURCE"};
    size_t count = 2;
    const char *regexes[4] = {s->user, s->original_user, s->authenticated_user, s->source};
    const char *keys[4] = {"user", "originalUser", "authenticatedUser", "source"};
    for (int i = 0; i < 4; i++)
        if (regexes[i] && !add_named_groups(c, what, keys[i], regexes[i], vars, &count, MAX_VARS))
            return false;
    char used[MAX_VARS][64];
    size_t n = resource_group_template_variables(s->group, used, MAX_VARS);
    if (n > MAX_VARS)
        n = MAX_VARS;
    for (size_t i = 0; i < n; i++) {
        bool known = false;
        for (size_t j = 0; j < count && !known; j++)
            known = strcmp(used[i], vars[j]) == 0;
        if (!known) {
            char available[1024];
            size_t len = 0;
            for (size_t j = 0; j < count && len < sizeof available; j++)
                len += (size_t)snprintf(available + len, sizeof available - len, "%s%s", j ? ", " : "", vars[j]);
            return fail(c, what, "group", "unresolved variables [%s] in resource group ID '%s', available: [%s]",
                        used[i], s->group, available);
        }
    }
    return true;
}

/* AbstractResourceConfigurationManager.validateSelectors: each segment must
 * name a configured group (template text equality) at its level. */
static bool check_selector_group(ctx *c, const char *what, const resource_groups_spec *spec,
                                 const resource_group_selector *s)
{
    const resource_group_spec *groups = spec->root_groups;
    size_t count = spec->root_group_count;
    char qualified[1024] = "";
    size_t len = 0;
    for (size_t i = 0; i < s->group_segment_count; i++) {
        len += (size_t)snprintf(qualified + len, sizeof qualified - len, "%s", s->group_segments[i]);
        if (len >= sizeof qualified)
            len = sizeof qualified - 1;
        const resource_group_spec *match = NULL;
        for (size_t j = 0; j < count && !match; j++)
            if (strcmp(groups[j].name, s->group_segments[i]) == 0)
                match = &groups[j];
        if (!match)
            return fail(c, what, "group", "Selector refers to nonexistent group: %s", qualified);
        len += (size_t)snprintf(qualified + len, sizeof qualified - len, ".");
        if (len >= sizeof qualified)
            len = sizeof qualified - 1;
        groups = match->sub_groups;
        count = match->sub_group_count;
    }
    return true;
}

static bool parse_selector(ctx *c, json_t *obj, size_t index, resource_group_selector *s)
{
    memset(s, 0, sizeof *s);
    char what[128];
    snprintf(what, sizeof what, "selectors[%zu]", index);
    if (!json_is_object(obj))
        return fail(c, what, NULL, "a selector must be a JSON object");
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v) {
        bool ok;
        if (strcmp(key, "user") == 0)
            ok = dup_string(c, what, key, v, &s->user);
        else if (strcmp(key, "userGroup") == 0)
            ok = dup_string(c, what, key, v, &s->user_group);
        else if (strcmp(key, "originalUser") == 0)
            ok = dup_string(c, what, key, v, &s->original_user);
        else if (strcmp(key, "authenticatedUser") == 0)
            ok = dup_string(c, what, key, v, &s->authenticated_user);
        else if (strcmp(key, "source") == 0)
            ok = dup_string(c, what, key, v, &s->source);
        else if (strcmp(key, "queryType") == 0)
            ok = dup_string(c, what, key, v, &s->query_type);
        else if (strcmp(key, "clientTags") == 0)
            ok = parse_client_tags(c, what, v, s);
        else if (strcmp(key, "selectorResourceEstimate") == 0)
            ok = parse_estimate(c, what, v, s);
        else if (strcmp(key, "group") == 0)
            ok = dup_string(c, what, key, v, &s->group);
        else
            ok = fail(c, what, key, "Unknown property '%s'", key);
        if (!ok)
            return false;
    }
    if (!s->group)
        return fail(c, what, "group", "Missing required property: group");
    snprintf(what, sizeof what, "selectors[%zu] (group '%.30s')", index, s->group);
    if (!*s->group)
        return fail(c, what, "group", "Resource group id is empty");
    if (!split_group(c, what, s))
        return false;
    if (s->query_type) {
        bool valid = false;
        for (int i = 0; query_types[i] && !valid; i++)
            valid = strcasecmp(s->query_type, query_types[i]) == 0;
        if (!valid)
            return fail(c, what, "queryType", "Selector specifies an invalid query type: %s", s->query_type);
        for (char *p = s->query_type; *p; p++)
            *p = (char)toupper((unsigned char)*p);
    }
    return check_selector_variables(c, what, s);
}

/* ---- the file ------------------------------------------------------------------ */

static bool parse_manager(ctx *c, json_t *root, resource_groups_spec *spec)
{
    if (!json_is_object(root))
        return fail(c, NULL, NULL, "the top level must be a JSON object");
    json_t *roots = NULL, *selectors = NULL;
    const char *key;
    json_t *v;
    json_object_foreach(root, key, v) {
        if (strcmp(key, "rootGroups") == 0)
            roots = v;
        else if (strcmp(key, "selectors") == 0)
            selectors = v;
        else if (strcmp(key, "cpuQuotaPeriod") == 0) {
            if (!get_duration(c, NULL, key, v, &spec->cpu_quota_period))
                return false;
            spec->has_cpu_quota_period = true;
        } else if (strcmp(key, "physicalDataScanQuotaPeriod") == 0) {
            if (!get_duration(c, NULL, key, v, &spec->physical_data_scan_quota_period))
                return false;
            spec->has_physical_data_scan_quota_period = true;
        } else
            return fail(c, NULL, key, "Unknown top-level property '%s'", key);
    }
    if (!roots)
        return fail(c, NULL, "rootGroups", "rootGroups is null");
    if (!json_is_array(roots))
        return fail(c, NULL, "rootGroups", "rootGroups must be an array");
    if (!selectors)
        return fail(c, NULL, "selectors", "selectors is null");
    if (!json_is_array(selectors))
        return fail(c, NULL, "selectors", "selectors must be an array");

    size_t n = json_array_size(roots);
    spec->root_groups = calloc(n ? n : 1, sizeof *spec->root_groups);
    if (!spec->root_groups)
        return fail(c, NULL, NULL, "out of memory");
    for (size_t i = 0; i < n; i++) {
        bool ok = parse_group(c, json_array_get(roots, i), NULL, i, &spec->root_groups[i]);
        spec->root_group_count++;
        if (!ok)
            return false;
        for (size_t j = 0; j < i; j++)
            if (strcmp(spec->root_groups[j].name, spec->root_groups[i].name) == 0)
                return fail(c, NULL, "rootGroups", "Duplicated root group: %s", spec->root_groups[i].name);
    }
    for (size_t i = 0; i < spec->root_group_count; i++)
        if (!validate_group_tree(c, spec, &spec->root_groups[i], NULL))
            return false;

    n = json_array_size(selectors);
    spec->selectors = calloc(n ? n : 1, sizeof *spec->selectors);
    if (!spec->selectors)
        return fail(c, NULL, NULL, "out of memory");
    for (size_t i = 0; i < n; i++) {
        bool ok = parse_selector(c, json_array_get(selectors, i), i, &spec->selectors[i]);
        spec->selector_count++;
        if (!ok)
            return false;
        char what[128];
        snprintf(what, sizeof what, "selectors[%zu] (group '%.30s')", i, spec->selectors[i].group);
        if (!check_selector_group(c, what, spec, &spec->selectors[i]))
            return false;
    }
    return true;
}

bool resource_groups_parse(const char *json_text, const char *file, resource_groups_spec *out,
                           config_error *error)
{
    memset(out, 0, sizeof *out);
    ctx c = {.file = file ? file : "resource-groups.json", .error = error};
    json_error_t jerr;
    json_t *root = json_loads(json_text, JSON_REJECT_DUPLICATES, &jerr);
    if (!root)
        return config_error_set(error, c.file, jerr.line > 0 ? jerr.line : 0, NULL,
                                "invalid JSON at column %d: %s", jerr.column, jerr.text);
    bool ok = parse_manager(&c, root, out);
    json_decref(root);
    if (!ok)
        resource_groups_free(out);
    return ok;
}

bool resource_groups_load(const char *path, resource_groups_spec *out, config_error *error)
{
    memset(out, 0, sizeof *out);
    FILE *f = fopen(path, "rb");
    if (!f)
        return config_error_set(error, path, 0, NULL, "cannot open resource groups file");
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    if (size < 0 || size > 64L * 1024 * 1024) {
        fclose(f);
        return config_error_set(error, path, 0, NULL, "cannot read resource groups file (size)");
    }
    char *text = malloc((size_t)size + 1);
    if (!text) {
        fclose(f);
        return config_error_set(error, path, 0, NULL, "out of memory");
    }
    size_t got = fread(text, 1, (size_t)size, f);
    fclose(f);
    text[got] = '\0';
    if (got != (size_t)size || strlen(text) != got) {
        free(text);
        return config_error_set(error, path, 0, NULL, "cannot read resource groups file (short read or NUL byte)");
    }
    bool ok = resource_groups_parse(text, path, out, error);
    free(text);
    return ok;
}
