/*
 * test_system_connector.c — the `system` catalog through SQL on a real
 * engine: metadata.catalogs over the live registry, schemas and tables,
 * runtime tables filled by registered providers (live, not copies), the
 * default node row, kill_query through a registered callback with Trino's
 * errors, and the errors for what does not exist.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "../engine/sql_harness.h"
#include "connectors/system/system_connector.h"

TestSuite(system_connector, .init = sql_harness_start_tpch_tiny, .fini = sql_harness_stop, .timeout = 60);

static void expect_error(const char *sql, error_code code, const char *message_part)
{
    sql_harness_expect_error(sql, code, 0, 0, message_part);
}

/* Rows joined with ';', cells with ',' (NULL as "NULL"). */
static void expect_rows(const char *sql, const char *expected)
{
    test_result r = sql_harness_run_ok(sql);
    char text[8192] = "";
    for (int i = 0; i < r.row_count; i++) {
        for (int c = 0; c < r.column_count; c++) {
            if (i || c)
                strncat(text, c ? "," : ";", sizeof text - strlen(text) - 1);
            strncat(text, r.rows[i][c] ? r.rows[i][c] : "NULL", sizeof text - strlen(text) - 1);
        }
    }
    cr_assert_str_eq(text, expected, "%s", sql);
    test_result_free(&r);
}

static catalog_registry *registry(void)
{
    return engine_catalogs(sql_harness_engine());
}

/* ---- metadata ------------------------------------------------------------------- */

Test(system_connector, catalogs)
{
    test_result r = sql_harness_run_ok("SELECT * FROM system.metadata.catalogs ORDER BY 1");
    cr_assert_eq(r.column_count, 3);
    cr_assert_str_eq(r.column_names[0], "catalog_name");
    cr_assert_str_eq(r.column_names[1], "connector_id");
    cr_assert_str_eq(r.column_names[2], "connector_name");
    test_result_free(&r);
    expect_rows("SELECT * FROM system.metadata.catalogs ORDER BY 1",
                "memory,memory,memory;system,system,system;tpch,tpch,tpch");
    r = sql_harness_run_ok("CREATE CATALOG extra USING memory");
    test_result_free(&r);
    expect_rows("SELECT catalog_name, connector_name FROM system.metadata.catalogs WHERE catalog_name = 'extra'",
                "extra,memory");
    r = sql_harness_run_ok("DROP CATALOG extra");
    test_result_free(&r);
    expect_rows("SELECT count(*) FROM system.metadata.catalogs", "3");
}

Test(system_connector, schemas_and_tables)
{
    expect_rows("SHOW SCHEMAS FROM system", "information_schema;metadata;runtime");
    expect_rows("SHOW TABLES FROM system.runtime", "nodes;queries;tasks");
    expect_rows("SELECT table_name FROM system.information_schema.tables WHERE table_schema = 'metadata' ORDER BY 1",
                "catalogs;column_properties;schema_properties;table_comments;table_properties");
    expect_rows("SELECT column_name || ' ' || data_type FROM system.information_schema.columns "
                "WHERE table_schema = 'runtime' AND table_name = 'queries' ORDER BY ordinal_position",
                "query_id varchar;state varchar;user varchar;source varchar;query varchar;"
                "resource_group_id array(varchar);queued_time_ms bigint;analysis_time_ms bigint;"
                "planning_time_ms bigint;created timestamp(3) with time zone;started timestamp(3) with time zone;"
                "last_heartbeat timestamp(3) with time zone;end timestamp(3) with time zone;"
                "error_type varchar;error_code varchar");
    expect_rows("SELECT count(*) FROM system.information_schema.columns WHERE table_name = 'tasks'", "24");
    expect_rows("SELECT column_name FROM system.information_schema.columns WHERE table_name = 'nodes' "
                "ORDER BY ordinal_position", "node_id;http_uri;node_version;coordinator;state");
}

Test(system_connector, property_tables_exist)
{
    const char *tables[] = {"schema_properties", "table_properties", "column_properties"};
    for (int i = 0; i < 3; i++) {
        char sql[256];
        snprintf(sql, sizeof sql, "SELECT catalog_name, property_name, default_value, type, description "
                                  "FROM system.metadata.%s", tables[i]);
        test_result r = sql_harness_run_ok(sql);
        cr_assert_eq(r.row_count, 0);
        test_result_free(&r);
    }
}

Test(system_connector, table_comments)
{
    expect_rows("SELECT * FROM system.metadata.table_comments WHERE catalog_name = 'tpch' AND schema_name = 'tiny' "
                "AND table_name = 'nation'", "tpch,tiny,nation,NULL");
    expect_rows("SELECT count(*) FROM system.metadata.table_comments WHERE catalog_name = 'tpch' "
                "AND schema_name = 'tiny'", "8");
    test_result r = sql_harness_run_ok("CREATE TABLE memory.default.notes (x bigint)");
    test_result_free(&r);
    expect_rows("SELECT catalog_name, schema_name, table_name FROM system.metadata.table_comments "
                "WHERE catalog_name = 'memory'", "memory,default,notes");
}

/* ---- runtime ---------------------------------------------------------------------- */

Test(system_connector, nodes_default_and_local_row)
{
    test_result r = sql_harness_run_ok("SELECT node_id, http_uri, node_version, coordinator, state FROM system.runtime.nodes");
    cr_assert_eq(r.row_count, 1);
    cr_assert_not_null(r.rows[0][0]);
    cr_assert_null(r.rows[0][1]);
    cr_assert_str_eq(r.rows[0][3], "true");
    cr_assert_str_eq(r.rows[0][4], "active");
    test_result_free(&r);
    shoal_error error;
    error_clear(&error);
    system_node_row self = {"node-a", "http://127.0.0.1:8080", "shoal-1", true, "active"};
    cr_assert(system_catalog_set_local_node(registry(), &self, &error), "%s", error.message);
    expect_rows("SELECT * FROM system.runtime.nodes", "node-a,http://127.0.0.1:8080,shoal-1,true,active");
}

static int node_generation;

static bool cluster_nodes(void *context, system_row_sink *sink, shoal_error *error)
{
    (void)error;
    int *generation = context;
    system_node_row coordinator = {"coordinator", "http://c:8080", "v1", true, "active"};
    if (!system_add_node(sink, &coordinator))
        return true;
    for (int i = 0; i < *generation; i++) {
        char id[32];
        snprintf(id, sizeof id, "worker-%d", i);
        system_node_row worker = {id, NULL, "v1", false, i == 0 ? "shutting_down" : "active"};
        if (!system_add_node(sink, &worker))
            return true;
    }
    return true;
}

Test(system_connector, nodes_from_a_provider_are_live)
{
    shoal_error error;
    error_clear(&error);
    node_generation = 1;
    cr_assert(system_catalog_set_provider(registry(), SYSTEM_PROVIDER_NODES, cluster_nodes, &node_generation, &error));
    expect_rows("SELECT node_id, coordinator, state FROM system.runtime.nodes ORDER BY 1",
                "coordinator,true,active;worker-0,false,shutting_down");
    node_generation = 3;
    expect_rows("SELECT count(*) FROM system.runtime.nodes WHERE NOT coordinator", "3");
    expect_rows("SELECT node_id FROM system.runtime.nodes LIMIT 1", "coordinator");
    cr_assert(system_catalog_set_provider(registry(), SYSTEM_PROVIDER_NODES, NULL, NULL, &error));
    expect_rows("SELECT count(*) FROM system.runtime.nodes", "1");
}

static bool tracked_queries(void *context, system_row_sink *sink, shoal_error *error)
{
    (void)context;
    (void)error;
    const char *group[2] = {"global", "adhoc"};
    system_query_row running = {
        .query_id = "20240101_000000_00001_abcde", .state = "RUNNING", .user = "alice", .source = "cli",
        .query = "SELECT 1", .resource_group_id = group, .resource_group_id_length = 2,
        .queued_time_ms = 5, .analysis_time_ms = 7, .planning_time_ms = 11,
        .created = 1704067200000, .started = 1704067200012, .last_heartbeat = 1704067201000,
        .end = SYSTEM_NO_TIME,
    };
    system_query_row failed = {
        .query_id = "20240101_000000_00002_abcde", .state = "FAILED", .user = "bob", .query = "SELECT x",
        .queued_time_ms = SYSTEM_NO_TIME, .analysis_time_ms = SYSTEM_NO_TIME, .planning_time_ms = SYSTEM_NO_TIME,
        .created = 1704067200000, .started = SYSTEM_NO_TIME, .last_heartbeat = SYSTEM_NO_TIME,
        .end = 1704067260000, .error_type = "USER_ERROR", .error_code = "COLUMN_NOT_FOUND",
    };
    return system_add_query(sink, &running) && system_add_query(sink, &failed);
}

Test(system_connector, queries_empty_then_from_a_provider)
{
    expect_rows("SELECT count(*) FROM system.runtime.queries", "0");
    expect_rows("SELECT count(*) FROM system.runtime.tasks", "0");
    shoal_error error;
    error_clear(&error);
    cr_assert(system_catalog_set_provider(registry(), SYSTEM_PROVIDER_QUERIES, tracked_queries, NULL, &error));
    expect_rows("SELECT query_id, state, \"user\", source, query, queued_time_ms, analysis_time_ms, planning_time_ms, "
                "error_type, error_code FROM system.runtime.queries ORDER BY 1",
                "20240101_000000_00001_abcde,RUNNING,alice,cli,SELECT 1,5,7,11,NULL,NULL;"
                "20240101_000000_00002_abcde,FAILED,bob,NULL,SELECT x,NULL,NULL,NULL,USER_ERROR,COLUMN_NOT_FOUND");
    expect_rows("SELECT resource_group_id FROM system.runtime.queries WHERE state = 'RUNNING'", "[global, adhoc]");
    expect_rows("SELECT resource_group_id IS NULL, started IS NULL, \"end\" IS NULL FROM system.runtime.queries "
                "ORDER BY query_id", "false,false,true;true,true,false");
    expect_rows("SELECT created, started FROM system.runtime.queries WHERE \"user\" = 'alice'",
                "2024-01-01 00:00:00.000 UTC,2024-01-01 00:00:00.012 UTC");
}

static bool worker_tasks(void *context, system_row_sink *sink, shoal_error *error)
{
    (void)context;
    (void)error;
    system_task_row t = {
        .node_id = "node-a", .task_id = "q1.0.0.0", .stage_id = "q1.0", .query_id = "q1", .state = "RUNNING",
        .splits = 8, .queued_splits = 2, .running_splits = 3, .completed_splits = 3,
        .split_scheduled_time_ms = 10, .split_cpu_time_ms = 9, .split_blocked_time_ms = 1,
        .raw_input_bytes = 1000, .raw_input_rows = 100, .processed_input_bytes = 900,
        .processed_input_rows = 90, .output_bytes = 50, .output_rows = 5,
        .physical_input_bytes = 1000, .physical_written_bytes = 0,
        .created = 1704067200000, .start = 1704067200001, .last_heartbeat = SYSTEM_NO_TIME,
        .end = SYSTEM_NO_TIME,
    };
    return system_add_task(sink, &t);
}

Test(system_connector, tasks_from_a_provider)
{
    shoal_error error;
    error_clear(&error);
    cr_assert(system_catalog_set_provider(registry(), SYSTEM_PROVIDER_TASKS, worker_tasks, NULL, &error));
    expect_rows("SELECT node_id, task_id, stage_id, query_id, state, splits, completed_splits, output_rows, "
                "physical_written_bytes, last_heartbeat IS NULL FROM system.runtime.tasks",
                "node-a,q1.0.0.0,q1.0,q1,RUNNING,8,3,5,0,true");
}

static bool failing_provider(void *context, system_row_sink *sink, shoal_error *error)
{
    (void)context;
    (void)sink;
    return error_set(error, ERR_REMOTE_HOST_GONE, "worker went away");
}

Test(system_connector, provider_failure_fails_the_query)
{
    shoal_error error;
    error_clear(&error);
    cr_assert(system_catalog_set_provider(registry(), SYSTEM_PROVIDER_TASKS, failing_provider, NULL, &error));
    expect_error("SELECT * FROM system.runtime.tasks", ERR_REMOTE_HOST_GONE, "worker went away");
}

/* ---- kill_query ---------------------------------------------------------------------- */

typedef struct kill_log {
    int calls;
    char query_id[64];
    shoal_error reason;
} kill_log;

static system_kill_result record_kill(void *context, const char *query_id, const shoal_error *reason)
{
    kill_log *log = context;
    log->calls++;
    snprintf(log->query_id, sizeof log->query_id, "%s", query_id);
    log->reason = *reason;
    if (strcmp(query_id, "finished_query") == 0)
        return SYSTEM_KILL_NOT_RUNNING;
    if (strncmp(query_id, "2024", 4) != 0)
        return SYSTEM_KILL_NOT_FOUND;
    return SYSTEM_KILL_DONE;
}

Test(system_connector, kill_query_calls_the_registered_killer)
{
    kill_log log = {0};
    shoal_error error;
    error_clear(&error);
    expect_error("CALL system.runtime.kill_query('20240101_000000_00001_abcde', 'x')", ERR_NOT_FOUND,
                 "Target query not found: 20240101_000000_00001_abcde");
    cr_assert(system_catalog_set_query_killer(registry(), record_kill, &log, &error));
    test_result r = sql_harness_run_ok("CALL system.runtime.kill_query(query_id => '20240101_000000_00001_abcde', "
                           "message => 'Using too many resources')");
    cr_assert_str_eq(r.update_type, "CALL");
    test_result_free(&r);
    cr_assert_eq(log.calls, 1);
    cr_assert_str_eq(log.query_id, "20240101_000000_00001_abcde");
    cr_assert_eq(log.reason.code, ERR_ADMINISTRATIVELY_KILLED);
    cr_assert_str_eq(log.reason.message, "Query killed. Message: Using too many resources");

    r = sql_harness_run_ok("CALL system.runtime.kill_query('20240101_000000_00002_abcde')");
    test_result_free(&r);
    cr_assert_str_eq(log.reason.message, "Query killed. No message provided.");
    r = sql_harness_run_ok("CALL system.runtime.kill_query(message => '', query_id => '20240101_000000_00003_abcde')");
    test_result_free(&r);
    cr_assert_str_eq(log.query_id, "20240101_000000_00003_abcde");
    cr_assert_str_eq(log.reason.message, "Query killed. No message provided.");

    expect_error("CALL system.runtime.kill_query('nosuch_query', 'x')", ERR_NOT_FOUND,
                 "Target query not found: nosuch_query");
    expect_error("CALL system.runtime.kill_query('finished_query', 'x')", ERR_NOT_SUPPORTED,
                 "Target query is not running: finished_query");
    cr_assert_eq(log.calls, 5);

    /* the session catalog and schema fill in a short name */
    r = sql_harness_run_ok("USE system.runtime");
    test_result_free(&r);
    r = sql_harness_run_ok("CALL kill_query('20240101_000000_00004_abcde', 'short name')");
    test_result_free(&r);
    cr_assert_str_eq(log.query_id, "20240101_000000_00004_abcde");
    cr_assert(system_catalog_set_query_killer(registry(), NULL, NULL, &error));
}

Test(system_connector, kill_query_argument_errors)
{
    kill_log log = {0};
    shoal_error error;
    error_clear(&error);
    cr_assert(system_catalog_set_query_killer(registry(), record_kill, &log, &error));
    expect_error("CALL system.runtime.kill_query()", ERR_INVALID_PROCEDURE_ARGUMENT,
                 "Required procedure argument 'query_id' is missing");
    expect_error("CALL system.runtime.kill_query(message => 'm')", ERR_INVALID_PROCEDURE_ARGUMENT,
                 "Required procedure argument 'query_id' is missing");
    expect_error("CALL system.runtime.kill_query('a', 'b', 'c')", ERR_INVALID_PROCEDURE_ARGUMENT,
                 "Too many arguments");
    expect_error("CALL system.runtime.kill_query(query_id => 'a', 'b')", ERR_INVALID_PROCEDURE_ARGUMENT,
                 "cannot be mixed");
    expect_error("CALL system.runtime.kill_query(query => 'a')", ERR_INVALID_PROCEDURE_ARGUMENT,
                 "Unknown argument name: query");
    expect_error("CALL system.runtime.kill_query(query_id => 'a', query_id => 'b')", ERR_INVALID_PROCEDURE_ARGUMENT,
                 "Duplicate procedure argument");
    expect_error("CALL system.runtime.kill_query(NULL)", ERR_INVALID_PROCEDURE_ARGUMENT, "cannot be null");
    expect_error("CALL system.runtime.kill_query('Not A Query Id!')", ERR_INVALID_PROCEDURE_ARGUMENT,
                 "Invalid query id");
    expect_error("CALL system.runtime.kill_query(1 + 1)", ERR_INVALID_PROCEDURE_ARGUMENT, "string literal");
    cr_assert_eq(log.calls, 0);
    expect_error("CALL system.runtime.nosuch('a')", ERR_PROCEDURE_NOT_FOUND,
                 "Procedure not registered: system.runtime.nosuch");
    expect_error("CALL tpch.runtime.kill_query('a')", ERR_PROCEDURE_NOT_FOUND,
                 "Procedure not registered: tpch.runtime.kill_query");
    expect_error("CALL nosuch.runtime.kill_query('a')", ERR_CATALOG_NOT_FOUND, "nosuch");
}

/* ---- errors ----------------------------------------------------------------------------- */

Test(system_connector, unknown_tables)
{
    expect_error("SELECT * FROM system.runtime.nosuch", ERR_TABLE_NOT_FOUND,
                 "Table 'system.runtime.nosuch' does not exist");
    expect_error("SELECT * FROM system.nosuch.catalogs", ERR_SCHEMA_NOT_FOUND, "Schema 'nosuch' does not exist");
    expect_error("SELECT * FROM system.metadata.nodes", ERR_TABLE_NOT_FOUND, "does not exist");
    expect_error("CREATE TABLE system.runtime.mine (x bigint)", ERR_NOT_SUPPORTED, "does not support creating tables");
    expect_error("INSERT INTO system.runtime.nodes VALUES ('a', 'b', 'c', true, 'd')", ERR_NOT_SUPPORTED, "inserts");
}

Test(system_connector, api_misuse_is_an_error)
{
    shoal_error error;
    error_clear(&error);
    catalog *c = catalog_acquire(registry(), "tpch", &error);
    cr_assert_not_null(c);
    cr_assert_not(system_connector_set_provider(catalog_connector(c), SYSTEM_PROVIDER_NODES, cluster_nodes, NULL, &error));
    catalog_release(c);
    error_clear(&error);
    c = catalog_acquire(registry(), "system", &error);
    cr_assert_not(system_connector_set_provider(catalog_connector(c), SYSTEM_PROVIDER_COUNT, cluster_nodes, NULL, &error));
    catalog_release(c);
    catalog_registry *empty = catalog_registry_new();
    cr_assert_not(system_catalog_set_query_killer(empty, record_kill, NULL, &error));
    cr_assert_eq(error.code, ERR_CATALOG_NOT_FOUND);
    cr_assert(system_catalog_add(empty, &error), "%s", error.message);
    cr_assert_not(system_catalog_add(empty, &error), "only one system catalog");
    cr_assert_eq(error.code, ERR_ALREADY_EXISTS);
    catalog_registry_free(empty);
}
