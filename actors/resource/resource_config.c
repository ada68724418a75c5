/*
 * resource_config.c — the configuration the resource manager runs with:
 * group templates with their limits (from config/resource_groups.h, or the
 * legacy single `global` group) and the selectors compiled with PCRE2.
 *
 * Selector regexes are Java regexes matched against the whole string
 * (Matcher.matches()): compiled with PCRE2_ANCHORED | PCRE2_ENDANCHORED.
 * Named groups of the user, originalUser, authenticatedUser and source
 * regexes become template variables; ${USER} and ${SOURCE} default to the
 * session user and source ("" without one) unless a named group overrides
 * them (Trino's StaticSelector).
 */
#include "actors/resource/resource_internal.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum { MAX_VARIABLES = 32, LEGACY_MAX_RUNNING = 1000, LEGACY_MAX_QUEUED = 5000 };

/* ---- templates ----------------------------------------------------------- */

static int64_t cpu_ms(bool present, int64_t nanos)
{
    return present ? nanos / 1000000 : INT64_MAX;
}

/* Trino's AbstractResourceConfigurationManager.configureGroup. */
static void limits_from_spec(const resource_group_spec *s, int64_t quota_period_ns, rg_limits *out)
{
    memset(out, 0, sizeof *out);
    out->hard_concurrency = s->hard_concurrency_limit;
    out->soft_concurrency = s->has_soft_concurrency_limit ? s->soft_concurrency_limit : s->hard_concurrency_limit;
    out->max_queued = s->max_queued;
    out->memory_is_fraction = s->soft_memory_limit_is_fraction;
    out->memory_fraction = s->soft_memory_limit_fraction;
    out->memory_bytes = s->soft_memory_limit_is_fraction ? INT64_MAX
                        : s->soft_memory_limit_bytes > (uint64_t)INT64_MAX ? INT64_MAX
                                                                           : (int64_t)s->soft_memory_limit_bytes;
    out->soft_cpu_ms = cpu_ms(s->has_soft_cpu_limit, s->soft_cpu_limit);
    out->hard_cpu_ms = cpu_ms(s->has_hard_cpu_limit, s->hard_cpu_limit);
    out->cpu_regen_ms_per_s = INT64_MAX;
    if ((s->has_soft_cpu_limit || s->has_hard_cpu_limit) && quota_period_ns > 0) {
        int64_t limit_ms = s->has_hard_cpu_limit ? out->hard_cpu_ms : out->soft_cpu_ms;
        double rate = 1000.0 * (double)limit_ms / (double)(quota_period_ns / 1000000 ? quota_period_ns / 1000000 : 1);
        int64_t r = rate >= (double)INT64_MAX ? INT64_MAX : (int64_t)rate;
        out->cpu_regen_ms_per_s = r < 1 ? 1 : r;
    }
    out->policy = s->scheduling_policy;
    out->weight = s->has_scheduling_weight ? s->scheduling_weight : 1;
}

static void template_free(rg_template *t)
{
    for (size_t i = 0; i < t->child_count; i++)
        template_free(&t->children[i]);
    free(t->children);
    free(t->name);
}

static bool template_build(const resource_group_spec *s, int64_t period, bool parent_query_priority,
                           rg_template *out)
{
    memset(out, 0, sizeof *out);
    out->name = strdup(s->name);
    limits_from_spec(s, period, &out->limits);
    /* a query_priority parent forces the policy onto its descendants */
    if (parent_query_priority)
        out->limits.policy = RESOURCE_GROUP_POLICY_QUERY_PRIORITY;
    bool qp = out->limits.policy == RESOURCE_GROUP_POLICY_QUERY_PRIORITY;
    if (!out->name)
        return false;
    if (s->sub_group_count) {
        out->children = calloc(s->sub_group_count, sizeof *out->children);
        if (!out->children)
            return false;
        out->child_count = s->sub_group_count;
        for (size_t i = 0; i < s->sub_group_count; i++)
            if (!template_build(&s->sub_groups[i], period, qp, &out->children[i]))
                return false;
    }
    return true;
}

/* ---- regexes ------------------------------------------------------------- */

static bool regex_compile(const char *pattern, const char *what, size_t index, rg_regex *out,
                          shoal_error *error)
{
    memset(out, 0, sizeof *out);
    if (!pattern)
        return true;
    int code = 0;
    PCRE2_SIZE offset = 0;
    out->code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
                              PCRE2_ANCHORED | PCRE2_ENDANCHORED | PCRE2_UTF | PCRE2_MATCH_INVALID_UTF,
                              &code, &offset, NULL);
    if (!out->code) {
        PCRE2_UCHAR why[256];
        pcre2_get_error_message(code, why, sizeof why);
        return error_set(error, ERR_CONFIGURATION_INVALID, "selector %zu: invalid %s regex '%s' at %zu: %s",
                         index, what, pattern, (size_t)offset, (const char *)why);
    }
    pcre2_jit_compile(out->code, PCRE2_JIT_COMPLETE); /* optional: interpreted when JIT is unavailable */
    pcre2_pattern_info(out->code, PCRE2_INFO_NAMECOUNT, &out->name_count);
    return true;
}

static void regex_free(rg_regex *r)
{
    if (r->code)
        pcre2_code_free(r->code);
    r->code = NULL;
}

typedef struct variables {
    char names[MAX_VARIABLES][64];
    char *values[MAX_VARIABLES];
    size_t count;
} variables;

static void variables_put(variables *v, const char *name, const char *value, size_t len, bool overwrite)
{
    for (size_t i = 0; i < v->count; i++) {
        if (strcmp(v->names[i], name) == 0) {
            if (overwrite) {
                free(v->values[i]);
                v->values[i] = strndup(value, len);
            }
            return;
        }
    }
    if (v->count == MAX_VARIABLES || strlen(name) >= 64)
        return;
    snprintf(v->names[v->count], 64, "%s", name);
    v->values[v->count++] = strndup(value, len);
}

static const char *variables_get(const variables *v, const char *name, size_t len)
{
    for (size_t i = 0; i < v->count; i++)
        if (strlen(v->names[i]) == len && memcmp(v->names[i], name, len) == 0)
            return v->values[i] ? v->values[i] : "";
    return "";
}

static void variables_free(variables *v)
{
    for (size_t i = 0; i < v->count; i++)
        free(v->values[i]);
    v->count = 0;
}

/* Whole-string match; named groups that took part go into `vars`. */
static bool regex_matches(const rg_regex *r, const char *subject, variables *vars)
{
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(r->code, NULL);
    if (!md)
        return false;
    int rc = pcre2_match(r->code, (PCRE2_SPTR)subject, strlen(subject), 0, 0, md, NULL);
    bool ok = rc > 0;
    if (ok && vars && r->name_count > 0) {
        PCRE2_SPTR table;
        uint32_t entry_size;
        pcre2_pattern_info(r->code, PCRE2_INFO_NAMETABLE, &table);
        pcre2_pattern_info(r->code, PCRE2_INFO_NAMEENTRYSIZE, &entry_size);
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
        for (uint32_t i = 0; i < r->name_count; i++) {
            PCRE2_SPTR entry = table + (size_t)i * entry_size;
            int n = (entry[0] << 8) | entry[1];
            if (n < rc && ov[2 * n] != PCRE2_UNSET)
                variables_put(vars, (const char *)entry + 2, subject + ov[2 * n], ov[2 * n + 1] - ov[2 * n], true);
        }
    }
    pcre2_match_data_free(md);
    return ok;
}

/* ---- selectors ----------------------------------------------------------- */

static void selector_free(rg_selector *s)
{
    regex_free(&s->user);
    regex_free(&s->user_group);
    regex_free(&s->original_user);
    regex_free(&s->authenticated_user);
    regex_free(&s->source);
    free(s->query_type);
    for (size_t i = 0; i < s->client_tag_count; i++)
        free(s->client_tags[i]);
    free(s->client_tags);
    for (size_t i = 0; i < s->segment_count; i++)
        free(s->segments[i]);
    free(s->segments);
    free(s->templates);
}

/* The configured group at each level: template text equality (the config
 * loader has already checked that they exist). */
static bool selector_resolve(rg_config *config, rg_selector *s, size_t index, shoal_error *error)
{
    const rg_template *level = config->roots;
    size_t level_count = config->root_count;
    for (size_t i = 0; i < s->segment_count; i++) {
        const rg_template *found = NULL;
        for (size_t k = 0; k < level_count && !found; k++)
            if (strcmp(level[k].name, s->segments[i]) == 0)
                found = &level[k];
        if (!found)
            return error_set(error, ERR_CONFIGURATION_INVALID, "selector %zu: Selector refers to nonexistent group", index);
        s->templates[i] = found;
        level = found->children;
        level_count = found->child_count;
    }
    return true;
}

static char *upper_dup(const char *s)
{
    char *out = strdup(s);
    for (char *p = out; p && *p; p++)
        *p = (char)toupper((unsigned char)*p);
    return out;
}

static bool selector_build(rg_config *config, const resource_group_selector *in, size_t index, rg_selector *out,
                           shoal_error *error)
{
    memset(out, 0, sizeof *out);
    if (!regex_compile(in->user, "user", index, &out->user, error) ||
        !regex_compile(in->user_group, "userGroup", index, &out->user_group, error) ||
        !regex_compile(in->original_user, "originalUser", index, &out->original_user, error) ||
        !regex_compile(in->authenticated_user, "authenticatedUser", index, &out->authenticated_user, error) ||
        !regex_compile(in->source, "source", index, &out->source, error))
        return false;
    if (in->query_type)
        out->query_type = upper_dup(in->query_type);
    if (in->has_client_tags && in->client_tag_count) {
        out->client_tags = calloc(in->client_tag_count, sizeof *out->client_tags);
        if (!out->client_tags)
            return error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
        out->client_tag_count = in->client_tag_count;
        for (size_t i = 0; i < in->client_tag_count; i++)
            out->client_tags[i] = strdup(in->client_tags[i]);
    }
    out->execution_time = in->execution_time;
    out->cpu_time = in->cpu_time;
    out->peak_memory = in->peak_memory;
    out->segments = calloc(in->group_segment_count + 1, sizeof *out->segments);
    out->templates = calloc(in->group_segment_count + 1, sizeof *out->templates);
    if (!out->segments || !out->templates)
        return error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
    out->segment_count = in->group_segment_count;
    for (size_t i = 0; i < in->group_segment_count; i++)
        out->segments[i] = strdup(in->group_segments[i]);
    return selector_resolve(config, out, index, error);
}

void rg_config_free(rg_config *config)
{
    if (!config)
        return;
    for (size_t i = 0; i < config->selector_count; i++)
        selector_free(&config->selectors[i]);
    free(config->selectors);
    for (size_t i = 0; i < config->root_count; i++)
        template_free(&config->roots[i]);
    free(config->roots);
    free(config);
}

static rg_config *legacy_config(int64_t max_running, int64_t max_queued, shoal_error *error)
{
    rg_config *c = calloc(1, sizeof *c);
    if (!c)
        goto oom;
    c->roots = calloc(1, sizeof *c->roots);
    c->selectors = calloc(1, sizeof *c->selectors);
    if (!c->roots || !c->selectors)
        goto oom;
    c->root_count = 1;
    rg_template *g = &c->roots[0];
    g->name = strdup("global");
    g->limits = (rg_limits){
        .hard_concurrency = max_running > 0 ? max_running : LEGACY_MAX_RUNNING,
        .max_queued = max_queued > 0 ? max_queued : LEGACY_MAX_QUEUED,
        .memory_bytes = INT64_MAX,
        .soft_cpu_ms = INT64_MAX,
        .hard_cpu_ms = INT64_MAX,
        .cpu_regen_ms_per_s = INT64_MAX,
        .policy = RESOURCE_GROUP_POLICY_FAIR,
        .weight = 1,
    };
    g->limits.soft_concurrency = g->limits.hard_concurrency;
    c->selector_count = 1;
    rg_selector *s = &c->selectors[0];
    s->segments = calloc(1, sizeof *s->segments);
    s->templates = calloc(1, sizeof *s->templates);
    if (!g->name || !s->segments || !s->templates)
        goto oom;
    s->segments[0] = strdup("global");
    s->templates[0] = g;
    s->segment_count = 1;
    return c;
oom:
    rg_config_free(c);
    error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
    return NULL;
}

rg_config *rg_config_build(const resource_groups_spec *spec, int64_t max_running, int64_t max_queued,
                           shoal_error *error)
{
    if (!spec)
        return legacy_config(max_running, max_queued, error);
    rg_config *c = calloc(1, sizeof *c);
    if (!c) {
        error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
        return NULL;
    }
    int64_t period = spec->has_cpu_quota_period ? spec->cpu_quota_period : 0;
    c->roots = calloc(spec->root_group_count + 1, sizeof *c->roots);
    c->selectors = calloc(spec->selector_count + 1, sizeof *c->selectors);
    bool ok = c->roots && c->selectors;
    for (size_t i = 0; ok && i < spec->root_group_count; i++) {
        c->root_count++;
        ok = template_build(&spec->root_groups[i], period, false, &c->roots[i]);
    }
    if (!ok)
        error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
    for (size_t i = 0; ok && i < spec->selector_count; i++) {
        c->selector_count++;
        ok = selector_build(c, &spec->selectors[i], i, &c->selectors[i], error);
    }
    if (!ok) {
        rg_config_free(c);
        return NULL;
    }
    return c;
}

/* ---- matching ------------------------------------------------------------ */

static bool in_range(const resource_estimate_range *r, bool has, int64_t value)
{
    if (!r->present)
        return true;
    if (!has)
        return false;
    return (!r->has_min || r->min <= value) && (!r->has_max || value <= r->max);
}

static bool has_tag(const query_identity *who, const char *tag)
{
    for (size_t i = 0; i < who->client_tag_count; i++)
        if (who->client_tags[i] && strcmp(who->client_tags[i], tag) == 0)
            return true;
    return false;
}

/* Trino's StaticSelector.match. */
static bool selector_matches(const rg_selector *s, const query_identity *who, variables *vars)
{
    const char *user = who->user ? who->user : "";
    if (s->user.code && !regex_matches(&s->user, user, vars))
        return false;
    if (s->user_group.code) {
        bool any = false;
        for (size_t i = 0; i < who->user_group_count && !any; i++)
            any = who->user_groups[i] && regex_matches(&s->user_group, who->user_groups[i], NULL);
        if (!any)
            return false;
    }
    if (s->original_user.code &&
        !regex_matches(&s->original_user, who->original_user ? who->original_user : user, vars))
        return false;
    if (s->authenticated_user.code &&
        (!who->authenticated_user || !regex_matches(&s->authenticated_user, who->authenticated_user, vars)))
        return false;
    if (s->source.code && (!who->source || !regex_matches(&s->source, who->source, vars)))
        return false;
    if (s->client_tag_count) {
        for (size_t i = 0; i < s->client_tag_count; i++)
            if (!has_tag(who, s->client_tags[i]))
                return false;
    }
    if (!in_range(&s->execution_time, who->has_execution_time, who->execution_time_ns) ||
        !in_range(&s->cpu_time, who->has_cpu_time, who->cpu_time_ns) ||
        !in_range(&s->peak_memory, who->has_peak_memory, who->peak_memory_bytes))
        return false;
    if (s->query_type && (!who->query_type || strcasecmp(s->query_type, who->query_type) != 0))
        return false;
    return true;
}

/* Expands ${NAME} references of one segment template. */
static char *expand(const char *template, const variables *vars)
{
    size_t cap = strlen(template) + 64, len = 0;
    char *out = malloc(cap);
    if (!out)
        return NULL;
    for (const char *p = template; *p;) {
        const char *value = NULL;
        size_t vlen = 0, skip = 1;
        if (p[0] == '$' && p[1] == '{') {
            const char *end = strchr(p + 2, '}');
            if (end) {
                value = variables_get(vars, p + 2, (size_t)(end - (p + 2)));
                vlen = strlen(value);
                skip = (size_t)(end - p) + 1;
            }
        }
        if (!value) {
            value = p;
            vlen = 1;
        }
        if (len + vlen + 1 > cap) {
            cap = (len + vlen + 1) * 2;
            char *grown = realloc(out, cap);
            if (!grown) {
                free(out);
                return NULL;
            }
            out = grown;
        }
        memcpy(out + len, value, vlen);
        len += vlen;
        p += skip;
    }
    out[len] = '\0';
    return out;
}

bool rg_select(const rg_config *config, const query_identity *who, char ***segments, const rg_template ***templates,
               size_t *count)
{
    for (size_t i = 0; i < config->selector_count; i++) {
        const rg_selector *s = &config->selectors[i];
        variables vars = {.count = 0};
        if (!selector_matches(s, who, &vars)) {
            variables_free(&vars);
            continue;
        }
        const char *user = who->user ? who->user : "";
        const char *source = who->source ? who->source : "";
        variables_put(&vars, "USER", user, strlen(user), false);
        variables_put(&vars, "SOURCE", source, strlen(source), false);
        char **out = calloc(s->segment_count + 1, sizeof *out);
        bool ok = out != NULL;
        for (size_t k = 0; ok && k < s->segment_count; k++)
            ok = (out[k] = expand(s->segments[k], &vars)) != NULL;
        variables_free(&vars);
        if (!ok) {
            for (size_t k = 0; out && k < s->segment_count; k++)
                free(out[k]);
            free(out);
            return false;
        }
        *segments = out;
        *templates = s->templates;
        *count = s->segment_count;
        return true;
    }
    return false;
}
