/*
 * test_resource_groups.c — resource-groups.json: Trino's documented example,
 * and each validation rule with the message it gives.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "config/resource_groups.h"

#define FIXTURE SHOAL_SOURCE_DIR "/tests/unit/config/fixtures/resource-groups-example.json"

static const resource_group_spec *child(const resource_group_spec *g, const char *name)
{
    for (size_t i = 0; i < g->sub_group_count; i++)
        if (strcmp(g->sub_groups[i].name, name) == 0)
            return &g->sub_groups[i];
    cr_assert_fail("no sub group %s under %s", name, g->name);
    return NULL;
}

Test(resource_groups, trino_documented_example)
{
    resource_groups_spec s;
    config_error e;
    cr_assert(resource_groups_load(FIXTURE, &s, &e), "%s", e.message);

    cr_assert(s.has_cpu_quota_period);
    cr_assert_eq(s.cpu_quota_period, 3600LL * 1000000000LL);
    cr_assert(s.has_physical_data_scan_quota_period);
    cr_assert_eq(s.root_group_count, 2);

    const resource_group_spec *global = &s.root_groups[0];
    cr_assert_str_eq(global->name, "global");
    cr_assert(global->soft_memory_limit_is_fraction);
    cr_assert_float_eq(global->soft_memory_limit_fraction, 0.8, 1e-12);
    cr_assert(global->has_hard_physical_data_scan_limit);
    cr_assert_eq(global->hard_physical_data_scan_limit, 50ull << 40);
    cr_assert_eq(global->hard_concurrency_limit, 100);
    cr_assert_eq(global->soft_concurrency_limit, 100);
    cr_assert(!global->has_soft_concurrency_limit);
    cr_assert_eq(global->max_queued, 1000);
    cr_assert(global->has_scheduling_policy);
    cr_assert_eq(global->scheduling_policy, RESOURCE_GROUP_POLICY_WEIGHTED);
    cr_assert(global->jmx_export);
    cr_assert_eq(global->sub_group_count, 3);

    const resource_group_spec *dd = child(global, "data_definition");
    cr_assert_eq(dd->hard_concurrency_limit, 5);
    cr_assert_eq(dd->max_queued, 100);
    cr_assert(dd->has_scheduling_weight);
    cr_assert_eq(dd->scheduling_weight, 1);
    cr_assert(!dd->has_scheduling_policy);
    cr_assert_eq(dd->scheduling_policy, RESOURCE_GROUP_POLICY_FAIR);
    cr_assert(!dd->jmx_export);

    const resource_group_spec *adhoc = child(global, "adhoc");
    cr_assert_eq(adhoc->scheduling_weight, 10);
    const resource_group_spec *other = child(adhoc, "other");
    cr_assert_eq(other->scheduling_policy, RESOURCE_GROUP_POLICY_WEIGHTED_FAIR);
    const resource_group_spec *user = child(other, "${USER}");
    cr_assert_eq(user->hard_concurrency_limit, 1);
    cr_assert_eq(user->hard_physical_data_scan_limit, 10ull << 30);
    cr_assert_eq(user->scheduling_weight, 1); /* default */
    const resource_group_spec *bi = child(adhoc, "bi-${toolname}");
    cr_assert_eq(child(bi, "${USER}")->max_queued, 10);
    const resource_group_spec *pipeline = child(global, "pipeline");
    cr_assert_float_eq(child(pipeline, "pipeline_${USER}")->soft_memory_limit_fraction, 0.5, 1e-12);

    const resource_group_spec *admin = &s.root_groups[1];
    cr_assert_str_eq(admin->name, "admin");
    cr_assert_float_eq(admin->soft_memory_limit_fraction, 1.0, 1e-12);
    cr_assert_eq(admin->scheduling_policy, RESOURCE_GROUP_POLICY_QUERY_PRIORITY);
    cr_assert_str_eq(resource_group_policy_name(admin->scheduling_policy), "query_priority");

    cr_assert_eq(s.selector_count, 8);
    cr_assert_str_eq(s.selectors[0].user, "bob");
    cr_assert_str_eq(s.selectors[0].group, "admin");
    cr_assert_str_eq(s.selectors[1].original_user, "bob");
    cr_assert_str_eq(s.selectors[2].authenticated_user, "bob");
    cr_assert_str_eq(s.selectors[3].user_group, "admin");
    cr_assert_str_eq(s.selectors[4].source, ".*pipeline.*");
    cr_assert_str_eq(s.selectors[4].query_type, "DATA_DEFINITION");
    cr_assert_eq(s.selectors[4].group_segment_count, 2);
    cr_assert_str_eq(s.selectors[4].group_segments[1], "data_definition");
    const resource_group_selector *jdbc = &s.selectors[6];
    cr_assert_str_eq(jdbc->source, "jdbc#(?<toolname>.*)");
    cr_assert(jdbc->has_client_tags);
    cr_assert_eq(jdbc->client_tag_count, 1);
    cr_assert_str_eq(jdbc->client_tags[0], "hipri");
    cr_assert_eq(jdbc->group_segment_count, 4);
    cr_assert_str_eq(jdbc->group_segments[2], "bi-${toolname}");
    cr_assert_str_eq(jdbc->group_segments[3], "${USER}");
    cr_assert_null(s.selectors[7].user);
    cr_assert(!s.selectors[7].has_client_tags);
    cr_assert_str_eq(s.selectors[7].group, "global.adhoc.other.${USER}");
    resource_groups_free(&s);
}

Test(resource_groups, minimal_example_and_aliases)
{
    const char *json =
        "{\"rootGroups\": [{\"name\": \"global\", \"softMemoryLimit\": \"1.5GB\", \"maxRunning\": 7,"
        " \"softConcurrencyLimit\": \"3\", \"maxQueued\": \"0\", \"softCpuLimit\": \"30m\", \"hardCpuLimit\": \"1h\","
        " \"schedulingPolicy\": \"WEIGHTED_FAIR\", \"subGroups\": ["
        "   {\"name\": \"adhoc_${name}\", \"softMemoryLimit\": \"150%\", \"hardConcurrencyLimit\": 3, \"maxQueued\": 10},"
        "   {\"name\": \"etl\", \"softMemoryLimit\": \"50.5%\", \"hardConcurrencyLimit\": 20, \"maxQueued\": 100}]}],"
        " \"selectors\": [{\"source\": \".*etl.*\", \"group\": \"global.etl\", \"queryType\": \"insert\","
        "  \"selectorResourceEstimate\": {\"executionTime\": {\"min\": \"1m\"}, \"peakMemory\": {\"max\": \"1GB\"}}},"
        "  {\"user\": \"(?<name>[a-z]+)_.*\", \"group\": \"global.adhoc_${name}\"}],"
        " \"cpuQuotaPeriod\": \"1h\"}";
    resource_groups_spec s;
    config_error e;
    cr_assert(resource_groups_parse(json, "rg.json", &s, &e), "%s", e.message);
    const resource_group_spec *g = &s.root_groups[0];
    cr_assert(!g->soft_memory_limit_is_fraction);
    cr_assert_eq(g->soft_memory_limit_bytes, 1610612736ull);
    cr_assert_eq(g->hard_concurrency_limit, 7);
    cr_assert_eq(g->soft_concurrency_limit, 3);
    cr_assert_eq(g->max_queued, 0);
    cr_assert_eq(g->soft_cpu_limit, 1800LL * 1000000000LL);
    cr_assert_eq(g->hard_cpu_limit, 3600LL * 1000000000LL);
    cr_assert_float_eq(g->sub_groups[0].soft_memory_limit_fraction, 1.5, 1e-12);
    cr_assert_float_eq(g->sub_groups[1].soft_memory_limit_fraction, 0.505, 1e-12);
    cr_assert_str_eq(s.selectors[0].query_type, "INSERT");
    cr_assert(s.selectors[0].execution_time.present);
    cr_assert(s.selectors[0].execution_time.has_min);
    cr_assert(!s.selectors[0].execution_time.has_max);
    cr_assert_eq(s.selectors[0].execution_time.min, 60LL * 1000000000LL);
    cr_assert(!s.selectors[0].cpu_time.present);
    cr_assert_eq(s.selectors[0].peak_memory.max, 1LL << 30);
    resource_groups_free(&s);
}

static config_error reject(const char *json)
{
    resource_groups_spec s;
    config_error e;
    config_error_clear(&e);
    cr_assert(!resource_groups_parse(json, "etc/resource-groups.json", &s, &e), "accepted: %s", json);
    cr_assert_null(s.root_groups);
    return e;
}

#define ROOT(body) "{\"rootGroups\": [" body "], \"selectors\": []}"
#define GROUP(name, extra) "{\"name\": \"" name "\", \"softMemoryLimit\": \"10%\", \"hardConcurrencyLimit\": 5, \"maxQueued\": 5" extra "}"

static void expect(const char *json, const char *message)
{
    config_error e = reject(json);
    cr_assert(strstr(e.message, message), "expected '%s' in '%s'", message, e.message);
    cr_assert_str_eq(e.file, "etc/resource-groups.json");
}

Test(resource_groups, group_rules_with_trino_wording)
{
    expect(ROOT("{\"name\": \"g\", \"softMemoryLimit\": \"10%\", \"hardConcurrencyLimit\": 5}"),
           "resource group 'g': Missing required property: maxQueued");
    expect(ROOT("{\"name\": \"g\", \"softMemoryLimit\": \"10%\", \"maxQueued\": 5}"),
           "resource group 'g': Missing required property: hardConcurrencyLimit");
    expect(ROOT("{\"name\": \"g\", \"hardConcurrencyLimit\": 5, \"maxQueued\": 5}"),
           "resource group 'g': Missing required property: softMemoryLimit");
    expect(ROOT("{\"softMemoryLimit\": \"10%\", \"hardConcurrencyLimit\": 5, \"maxQueued\": 5}"),
           "resource group rootGroups[0]: Missing required property: name");
    expect(ROOT(GROUP("g", ", \"maxQueued\": -1")), "");
    expect(ROOT("{\"name\": \"g\", \"softMemoryLimit\": \"10%\", \"hardConcurrencyLimit\": 5, \"maxQueued\": -1}"),
           "maxQueued is negative");
    expect(ROOT("{\"name\": \"g\", \"softMemoryLimit\": \"10%\", \"hardConcurrencyLimit\": -5, \"maxQueued\": 1}"),
           "hardConcurrencyLimit is negative");
    expect(ROOT(GROUP("g", ", \"softConcurrencyLimit\": 6")),
           "hardConcurrencyLimit must be greater than or equal to softConcurrencyLimit");
    expect(ROOT(GROUP("g", ", \"softConcurrencyLimit\": -1")), "softConcurrencyLimit is negative");
    expect(ROOT("{\"name\": \"g\", \"softMemoryLimit\": \"lots\", \"hardConcurrencyLimit\": 5, \"maxQueued\": 1}"),
           "softMemoryLimit: size is not a valid data size string: lots");
    expect(ROOT("{\"name\": \"g\", \"softMemoryLimit\": \"1000%\", \"hardConcurrencyLimit\": 5, \"maxQueued\": 1}"),
           "softMemoryLimit");
    expect(ROOT(GROUP("g", ", \"schedulingPolicy\": \"round_robin\"")), "Invalid schedulingPolicy 'round_robin'");
    expect(ROOT(GROUP("a.b", "")), "Invalid resource group name. 'a.b' contains a '.'");
    expect(ROOT(GROUP("", "")), "Resource group name is empty");
    expect(ROOT(GROUP("x_${USER", "")), "Invalid resource group name. 'x_${USER' contains extraneous '$', '{', or '}'");
    expect(ROOT(GROUP("g", ", \"maxQueud\": 5")), "resource group 'g': Unknown property 'maxQueud'");
    expect(ROOT(GROUP("g", ", \"jmxExport\": \"sometimes\"")), "jmxExport must be true or false");
    expect(ROOT(GROUP("g", ", \"hardCpuLimit\": \"10\"")), "hardCpuLimit: duration is not a valid data duration string: 10");
    expect(ROOT("{\"name\": \"g\", \"softMemoryLimit\": \"10%\", \"hardConcurrencyLimit\": 5, \"maxQueued\": 3000000000}"),
           "out of range of int");
    expect(ROOT(GROUP("g", ", \"subGroups\": [" GROUP("x", "") ", " GROUP("x", "") "]")), "Duplicated sub group: x");
    expect(ROOT(GROUP("g", "") ", " GROUP("g", "")), "Duplicated root group: g");
}

Test(resource_groups, error_names_the_nested_group)
{
    config_error e = reject(ROOT(GROUP("global", ", \"subGroups\": [" GROUP("adhoc", ", \"subGroups\": [{\"name\": \"${USER}\", \"softMemoryLimit\": \"1%\", \"hardConcurrencyLimit\": 1}]") "]")));
    cr_assert_str_eq(e.message,
                     "etc/resource-groups.json: resource group 'global.adhoc.${USER}': Missing required property: maxQueued");
    cr_assert_str_eq(e.key, "maxQueued");
}

Test(resource_groups, tree_rules)
{
    expect(ROOT(GROUP("g", ", \"hardCpuLimit\": \"1h\"")), "cpuQuotaPeriod must be specified to use CPU limits on group: g");
    expect("{\"rootGroups\": [" GROUP("g", ", \"softCpuLimit\": \"1h\"") "], \"selectors\": [], \"cpuQuotaPeriod\": \"1h\"}",
           "Must specify hard CPU limit in addition to soft limit");
    expect("{\"rootGroups\": [" GROUP("g", ", \"softCpuLimit\": \"2h\", \"hardCpuLimit\": \"1h\"") "], \"selectors\": [], \"cpuQuotaPeriod\": \"1h\"}",
           "Soft CPU limit cannot be greater than hard CPU limit");
    expect(ROOT(GROUP("g", ", \"schedulingPolicy\": \"weighted\", \"subGroups\": [" GROUP("a", ", \"schedulingWeight\": 2") ", " GROUP("b", "") "]")),
           "Must specify scheduling weight for all sub-groups of 'g' or none of them");
    expect(ROOT(GROUP("g", ", \"schedulingPolicy\": \"fair\", \"subGroups\": [" GROUP("a", ", \"schedulingWeight\": 2") "]")),
           "Must use 'weighted' or 'weighted_fair' scheduling policy if specifying scheduling weight for 'g'");
    expect(ROOT(GROUP("g", ", \"schedulingPolicy\": \"query_priority\", \"subGroups\": [" GROUP("a", ", \"schedulingWeight\": 2") "]")),
           "Must use 'weighted' or 'weighted_fair' scheduling policy");
    expect(ROOT(GROUP("g", ", \"schedulingWeight\": 0")), "schedulingWeight must be positive");
}

#define WITH_SELECTORS(sel) "{\"rootGroups\": [" GROUP("global", ", \"subGroups\": [" GROUP("adhoc_${USER}", "") "]") "], \"selectors\": [" sel "]}"

Test(resource_groups, selector_rules)
{
    expect(WITH_SELECTORS("{\"group\": \"global.etl\"}"), "selectors[0] (group 'global.etl'): Selector refers to nonexistent group: global.etl");
    expect(WITH_SELECTORS("{\"group\": \"missing.x\"}"), "Selector refers to nonexistent group: missing");
    expect(WITH_SELECTORS("{\"group\": \"global.adhoc_${USER}\"}, {\"user\": \"x\"}"), "selectors[1]: Missing required property: group");
    expect(WITH_SELECTORS("{\"group\": \"global\", \"queryType\": \"SELECTS\"}"), "Selector specifies an invalid query type: SELECTS");
    expect(WITH_SELECTORS("{\"group\": \"global.adhoc_${who}\"}"), "unresolved variables [who] in resource group ID 'global.adhoc_${who}', available: [USER, SOURCE]");
    expect(WITH_SELECTORS("{\"user\": \"(?<a>.*)\", \"source\": \"(?<a>.*)\", \"group\": \"global\"}"), "Multiple definitions found for variable ${a}");
    /* USER and SOURCE are predefined: a named group of that name is a second definition (StaticSelector) */
    expect(WITH_SELECTORS("{\"user\": \"(?<USER>.*)\", \"group\": \"global\"}"), "Multiple definitions found for variable ${USER}");
    expect(WITH_SELECTORS("{\"group\": \"global\", \"usr\": \"bob\"}"), "selectors[0]: Unknown property 'usr'");
    expect(WITH_SELECTORS("{\"group\": \"global\", \"clientTags\": \"hipri\"}"), "clientTags must be an array of strings");
    expect(WITH_SELECTORS("{\"group\": \"global\", \"clientTags\": [1]}"), "clientTags must be a string");
    expect(WITH_SELECTORS("{\"group\": \"\"}"), "Resource group id is empty");
    expect(WITH_SELECTORS("{\"group\": \"global..x\"}"), "Resource group name is empty");
    expect(WITH_SELECTORS("{\"group\": \"global\", \"selectorResourceEstimate\": {\"cpuTime\": {\"least\": \"1s\"}}}"),
           "Unknown property 'least' in cpuTime");

    /* a named group in userGroup does not define a variable (as in Trino) */
    expect(WITH_SELECTORS("{\"userGroup\": \"(?<team>.*)\", \"group\": \"global.adhoc_${team}\"}"), "unresolved variables [team]");
    /* but in user, originalUser, authenticatedUser and source it does */
    resource_groups_spec s;
    config_error e;
    cr_assert(resource_groups_parse(WITH_SELECTORS("{\"authenticatedUser\": \"(?<who>.*)@corp\", \"group\": \"global.adhoc_${USER}\"}"), "f", &s, &e), "%s", e.message);
    resource_groups_free(&s);
}

Test(resource_groups, file_level_errors)
{
    config_error e = reject("{\"rootGroups\": [],\n \"selectors\": [,]}");
    cr_assert_eq(e.line, 2);
    cr_assert(strstr(e.message, "etc/resource-groups.json:2: invalid JSON"), "%s", e.message);
    expect("{\"selectors\": []}", "rootGroups is null");
    expect("{\"rootGroups\": []}", "selectors is null");
    expect("{\"rootGroups\": {}, \"selectors\": []}", "rootGroups must be an array");
    expect("{\"rootGroups\": [], \"selectors\": [], \"cpuQuotaPeriod\": \"soon\"}", "cpuQuotaPeriod");
    expect("{\"rootGroups\": [], \"selectors\": [], \"extra\": 1}", "Unknown top-level property 'extra'");
    expect("[]", "the top level must be a JSON object");
    expect("{\"rootGroups\": [], \"selectors\": [], \"selectors\": []}", "invalid JSON");
    expect(ROOT("42"), "a resource group must be a JSON object");

    resource_groups_spec s;
    cr_assert(!resource_groups_load("/nonexistent/rg.json", &s, &e));
    cr_assert_str_eq(e.file, "/nonexistent/rg.json");
}

Test(resource_groups, template_variables)
{
    char names[4][64];
    cr_assert_eq(resource_group_template_variables("bi-${toolname}_${USER}", names, 4), 2);
    cr_assert_str_eq(names[0], "toolname");
    cr_assert_str_eq(names[1], "USER");
    cr_assert_eq(resource_group_template_variables("plain", names, 4), 0);
}
