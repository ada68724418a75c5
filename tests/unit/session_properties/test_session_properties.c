/*
 * test_session_properties.c — SET/RESET/SHOW SESSION through the engine:
 * typed values and Trino's messages, catalog session properties declared by
 * a connector, header-style values validated at statement start, and the
 * optimiser following join_distribution_type (EXPLAIN shows it).
 */
#include <criterion/criterion.h>
#include <string.h>

#include "../engine/engine_test_support.h"
#include "actors/engine/session_properties.h"

static engine *e;

static void setup(void)
{
    const char *catalogs[] = {"tpch", "connector.name=tpch\n", "memory", "connector.name=memory\n", NULL};
    e = test_engine_create(catalogs);
    cr_assert_not_null(e);
}

static void teardown(void)
{
    test_engine_destroy(e);
}

TestSuite(session_properties, .init = setup, .fini = teardown, .timeout = 120);

static void ok(session *s, const char *sql)
{
    test_result r = test_run(e, s, sql);
    cr_assert(r.ok, "%s: %s", sql, r.error.message);
    test_result_free(&r);
}

static void fails(session *s, const char *sql, const char *message)
{
    test_result r = test_run(e, s, sql);
    cr_assert_not(r.ok, "%s should fail", sql);
    cr_assert_eq(r.error.code, ERR_INVALID_SESSION_PROPERTY, "%s: %s (%s)", sql, r.error.message,
                 error_name(r.error.code));
    cr_assert_str_eq(r.error.message, message, "%s", sql);
    test_result_free(&r);
}

/* The SHOW SESSION row of `name`: Value, Default, Type into the out params. */
static bool show_row(session *s, const char *name, char *value, char *def, char *type)
{
    test_result r = test_run(e, s, "SHOW SESSION");
    cr_assert(r.ok, "%s", r.error.message);
    cr_assert_eq(r.column_count, 5);
    cr_assert_str_eq(r.column_names[0], "Name");
    cr_assert_str_eq(r.column_names[1], "Value");
    cr_assert_str_eq(r.column_names[2], "Default");
    cr_assert_str_eq(r.column_names[3], "Type");
    cr_assert_str_eq(r.column_names[4], "Description");
    bool found = false;
    for (int i = 0; i < r.row_count; i++)
        if (strcmp(r.rows[i][0], name) == 0) {
            strcpy(value, r.rows[i][1]);
            strcpy(def, r.rows[i][2]);
            strcpy(type, r.rows[i][3]);
            found = true;
        }
    test_result_free(&r);
    return found;
}

Test(session_properties, show_lists_system_properties_with_defaults)
{
    session *s = session_new("test", NULL, NULL);
    char value[256], def[256], type[64];
    cr_assert(show_row(s, "join_distribution_type", value, def, type));
    cr_assert_str_eq(value, "AUTOMATIC");
    cr_assert_str_eq(def, "AUTOMATIC");
    cr_assert_str_eq(type, "varchar");
    cr_assert(show_row(s, "spill_enabled", value, def, type));
    cr_assert_str_eq(type, "boolean");
    cr_assert_str_eq(value, "false");
    cr_assert(show_row(s, "hash_partition_count", value, def, type));
    cr_assert_str_eq(type, "integer");
    cr_assert_str_eq(def, "100");
    cr_assert(show_row(s, "query_max_memory", value, def, type));
    cr_assert_str_eq(def, "20GB");
    test_result r = test_run(e, s, "SHOW SESSION LIKE 'query_max%'");
    cr_assert(r.ok);
    cr_assert_geq(r.row_count, 5);
    for (int i = 0; i < r.row_count; i++)
        cr_assert_eq(strncmp(r.rows[i][0], "query_max", 9), 0, "%s", r.rows[i][0]);
    test_result_free(&r);
    session_free(s);
}

Test(session_properties, set_typed_values_and_reset)
{
    session *s = session_new("test", NULL, NULL);
    char value[256], def[256], type[64];
    ok(s, "SET SESSION join_distribution_type = 'broadcast'");
    cr_assert_str_eq(session_property(s, "join_distribution_type"), "BROADCAST");
    ok(s, "SET SESSION spill_enabled = true");
    ok(s, "SET SESSION hash_partition_count = 8");
    ok(s, "SET SESSION query_max_memory = '1GB'");
    ok(s, "SET SESSION query_max_execution_time = '90m'");
    ok(s, "SET SESSION task_concurrency = 4");
    cr_assert(show_row(s, "join_distribution_type", value, def, type));
    cr_assert_str_eq(value, "BROADCAST");
    cr_assert_str_eq(def, "AUTOMATIC");
    cr_assert(show_row(s, "spill_enabled", value, def, type));
    cr_assert_str_eq(value, "true");
    cr_assert(show_row(s, "hash_partition_count", value, def, type));
    cr_assert_str_eq(value, "8");
    ok(s, "RESET SESSION join_distribution_type");
    cr_assert_null(session_property(s, "join_distribution_type"));
    cr_assert(show_row(s, "join_distribution_type", value, def, type));
    cr_assert_str_eq(value, "AUTOMATIC");
    test_result r = test_run(e, s, "SET SESSION query_priority = 5");
    cr_assert(r.ok);
    cr_assert_str_eq(r.update_type, "SET SESSION");
    test_result_free(&r);
    r = test_run(e, s, "RESET SESSION query_priority");
    cr_assert(r.ok);
    cr_assert_str_eq(r.update_type, "RESET SESSION");
    test_result_free(&r);
    session_free(s);
}

Test(session_properties, trino_messages_for_bad_input)
{
    session *s = session_new("test", NULL, NULL);
    fails(s, "SET SESSION foo = 'x'", "Session property 'foo' does not exist");
    fails(s, "RESET SESSION foo", "Session property 'foo' does not exist");
    fails(s, "SET SESSION join_distribution_type = 'X'",
          "Unable to set session property 'join_distribution_type' to 'X': "
          "Invalid value [X]. Valid values: [AUTOMATIC, BROADCAST, PARTITIONED]");
    fails(s, "SET SESSION spill_enabled = 'yes'",
          "Unable to set session property 'spill_enabled' to ''yes'': Cannot cast type varchar(3) to boolean");
    fails(s, "SET SESSION hash_partition_count = 'ten'",
          "Unable to set session property 'hash_partition_count' to ''ten'': Cannot cast type varchar(3) to integer");
    fails(s, "SET SESSION hash_partition_count = 0",
          "Unable to set session property 'hash_partition_count' to '0': hash_partition_count must be equal or greater than 1");
    fails(s, "SET SESSION task_concurrency = 3",
          "Unable to set session property 'task_concurrency' to '3': task_concurrency must be a power of 2: 3");
    fails(s, "SET SESSION query_max_memory = 'lots'",
          "Unable to set session property 'query_max_memory' to 'lots': size is not a valid data size string: lots");
    fails(s, "SET SESSION query_max_run_time = '1 fortnight'",
          "Unable to set session property 'query_max_run_time' to '1 fortnight': "
          "duration is not a valid data duration string: 1 fortnight");
    fails(s, "SET SESSION query_max_memory = 1",
          "Unable to set session property 'query_max_memory' to '1': Cannot cast type integer to varchar");
    fails(s, "SET SESSION a.b.c = 1", "Invalid session property 'a.b.c'");
    fails(s, "SET SESSION tpch.nothing = 1", "Session property 'tpch.nothing' does not exist");
    test_result r = test_run(e, s, "SET SESSION nocatalog.x = 1");
    cr_assert_not(r.ok);
    cr_assert_eq(r.error.code, ERR_CATALOG_NOT_FOUND, "%s", r.error.message);
    test_result_free(&r);
    /* nothing was stored by the failures */
    cr_assert_eq(s->property_count, 0);
    session_free(s);
}

static const session_property_definition test_connector_properties[] = {
    {.name = "max_split_size", .description = "Split size", .type = SESSION_PROPERTY_DATA_SIZE,
     .default_value = "64MB"},
    {.name = "use_cache", .description = "Cache pages", .type = SESSION_PROPERTY_BOOLEAN, .default_value = "false"},
};

Test(session_properties, catalog_session_properties_declared_by_a_connector)
{
    shoal_error error;
    error_clear(&error);
    cr_assert(session_properties_register_connector("memory", test_connector_properties, 2, &error));
    session *s = session_new("test", NULL, NULL);
    char value[256], def[256], type[64];
    cr_assert(show_row(s, "memory.use_cache", value, def, type));
    cr_assert_str_eq(value, "false");
    cr_assert_str_eq(type, "boolean");
    cr_assert_not(show_row(s, "tpch.use_cache", value, def, type));
    ok(s, "SET SESSION memory.use_cache = true");
    ok(s, "SET SESSION memory.max_split_size = '32MB'");
    cr_assert(show_row(s, "memory.use_cache", value, def, type));
    cr_assert_str_eq(value, "true");
    fails(s, "SET SESSION memory.use_cache = 1",
          "Unable to set session property 'memory.use_cache' to '1': Cannot cast type integer to boolean");
    ok(s, "RESET SESSION memory.use_cache");
    cr_assert_null(session_property(s, "memory.use_cache"));
    session_properties_register_connector("memory", NULL, 0, &error);
    session_free(s);
}

Test(session_properties, header_values_are_validated_at_statement_start)
{
    session *s = session_new("test", NULL, NULL);
    session_set_property(s, "join_distribution_type", "PARTITIONED");
    ok(s, "SELECT 1");
    session_set_property(s, "bogus", "1");
    test_result r = test_run(e, s, "SELECT 1");
    cr_assert_not(r.ok);
    cr_assert_eq(r.error.code, ERR_INVALID_SESSION_PROPERTY);
    cr_assert_str_eq(r.error.message, "Unknown session property bogus");
    test_result_free(&r);
    session_reset_property(s, "bogus");
    session_set_property(s, "spill_enabled", "maybe");
    r = test_run(e, s, "SELECT 1");
    cr_assert_not(r.ok);
    cr_assert_str_eq(r.error.message, "spill_enabled is invalid: maybe");
    test_result_free(&r);
    session_free(s);
}

static bool explain_contains(session *s, const char *sql, const char *needle)
{
    test_result r = test_run(e, s, sql);
    cr_assert(r.ok, "%s", r.error.message);
    bool found = false;
    for (int i = 0; i < r.row_count; i++)
        if (r.rows[i][0] && strstr(r.rows[i][0], needle))
            found = true;
    test_result_free(&r);
    return found;
}

Test(session_properties, optimizer_follows_the_session)
{
    session *s = session_new("test", "tpch", "tiny");
    const char *q = "EXPLAIN SELECT count(*) FROM orders o JOIN customer c ON o.custkey = c.custkey";
    ok(s, "SET SESSION join_distribution_type = 'PARTITIONED'");
    cr_assert(explain_contains(s, q, "PARTITIONED"), "partitioned join expected");
    ok(s, "SET SESSION join_distribution_type = 'BROADCAST'");
    cr_assert(explain_contains(s, q, "REPLICATED"), "broadcast (REPLICATED) join expected");
    ok(s, "SET SESSION enable_dynamic_filtering = false");
    ok(s, "SET SESSION join_reordering_strategy = 'NONE'");
    session_free(s);
}

Test(session_properties, optimizer_context_from_session)
{
    session *s = session_new("test", NULL, NULL);
    optimizer_context o;
    optimizer_context_init(&o);
    session_properties_apply_optimizer(s, &o);
    cr_assert_eq(o.join_distribution_type, JOIN_DISTRIBUTION_TYPE_AUTOMATIC);
    cr_assert(o.enable_dynamic_filtering);
    session_set_property(s, "join_distribution_type", "BROADCAST");
    session_set_property(s, "join_reordering_strategy", "ELIMINATE_CROSS_JOINS");
    session_set_property(s, "enable_dynamic_filtering", "false");
    session_set_property(s, "join_max_broadcast_table_size", "1MB");
    session_properties_apply_optimizer(s, &o);
    cr_assert_eq(o.join_distribution_type, JOIN_DISTRIBUTION_TYPE_BROADCAST);
    cr_assert_eq(o.join_reordering_strategy, JOIN_REORDERING_ELIMINATE_CROSS_JOINS);
    cr_assert_not(o.enable_dynamic_filtering);
    cr_assert_float_eq(o.join_max_broadcast_table_size, 1048576.0, 0.5);
    session_free(s);
}
