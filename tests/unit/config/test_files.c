/*
 * test_files.c — the ready schemas: config.properties, node.properties,
 * log.properties, catalog files and resource-groups.properties.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/catalog_config.h"
#include "config/log_config.h"
#include "config/node_config.h"
#include "config/resource_groups_config.h"
#include "config/server_config.h"

/* ---- config.properties ---------------------------------------------------- */

Test(server_config, trino_docs_coordinator)
{
    const char *text = "coordinator=true\n"
                       "node-scheduler.include-coordinator=false\n"
                       "http-server.http.port=8080\n"
                       "discovery.uri=http://example.net:8080\n";
    server_config c;
    config_error e;
    cr_assert(server_config_parse(text, "etc/config.properties", &c, &e), "%s", e.message);
    cr_assert(c.coordinator);
    cr_assert(!c.include_coordinator);
    cr_assert_eq(c.http_port, 8080);
    cr_assert_str_eq(c.discovery_uri, "http://example.net:8080");
    /* defaults */
    cr_assert(c.exchange_compression_enabled);
    cr_assert_eq(c.query_max_memory, 20ull << 30);
    cr_assert_eq(c.query_max_total_memory, 40ull << 30);
    cr_assert_eq(c.query_max_memory_per_node, 0);
    cr_assert_eq(c.query_max_concurrent_queries, 1000);
    cr_assert_eq(c.query_max_queued_queries, 5000);
    cr_assert_eq(c.query_client_timeout, 300000000000LL);
    cr_assert_eq(c.query_max_execution_time, 100LL * 86400 * 1000000000LL);
    cr_assert_eq(c.query_max_run_time, 100LL * 86400 * 1000000000LL);
    cr_assert_eq(c.query_max_planning_time, 600000000000LL);
    cr_assert(!c.spill_enabled);
    cr_assert_eq(c.spill_compression_codec, COMPRESSION_NONE);
    cr_assert_eq(c.max_spill_per_node, 100ull << 30);
    cr_assert_eq(c.query_max_spill_per_node, 100ull << 30);
    cr_assert_eq(c.catalog_management, CATALOG_MANAGEMENT_STATIC);
    cr_assert_eq(c.catalog_store, CATALOG_STORE_FILE);
    cr_assert_eq(c.low_memory_killer_policy, LOW_MEMORY_KILLER_TOTAL_RESERVATION_ON_BLOCKED_NODES);
    cr_assert_eq(c.retry_policy, RETRY_POLICY_NONE);
    cr_assert_null(c.alternate_header_name);
    cr_assert_eq(c.control_port, 8081);
    cr_assert_eq(c.exchange_port, 8082);
    cr_assert_eq(c.worker_threads, 0);
    server_config_free(&c);
}

Test(server_config, exchange_compression_can_be_turned_off)
{
    server_config c;
    config_error e;
    cr_assert(server_config_parse("exchange.compression-enabled=false\n", "etc/config.properties", &c, &e), "%s",
              e.message);
    cr_assert(!c.exchange_compression_enabled);
    server_config_free(&c);
    cr_assert(!server_config_parse("exchange.compression-enabled=maybe\n", "etc/config.properties", &c, &e));
}

Test(server_config, every_listed_key)
{
    const char *text = "coordinator=false\n"
                       "node-scheduler.include-coordinator=true\n"
                       "http-server.http.port=9090\n"
                       "discovery.uri=http://coord:8080\n"
                       "query.max-memory=50GB\n"
                       "query.max-memory-per-node=1GB\n"
                       "query.max-total-memory=60GB\n"
                       "query.max-concurrent-queries=10\n"
                       "query.max-queued-queries=20\n"
                       "query.client.timeout=30s\n"
                       "query.max-execution-time=1h\n"
                       "query.max-run-time=2h\n"
                       "query.max-planning-time=5m\n"
                       "spill-enabled=true\n"
                       "spiller-spill-path=/mnt/spill1,/mnt/spill2\n"
                       "spill-compression-codec=zstd\n"
                       "max-spill-per-node=10GB\n"
                       "query-max-spill-per-node=5GB\n"
                       "catalog.management=dynamic\n"
                       "catalog.store=memory\n"
                       "protocol.v1.alternate-header-name=Presto\n"
                       "query.low-memory-killer.policy=total-reservation\n"
                       "retry-policy=TASK\n"
                       "shoal.control.port=7001\n"
                       "shoal.exchange.port=7002\n"
                       "shoal.worker-threads=8\n";
    server_config c;
    config_error e;
    cr_assert(server_config_parse(text, "etc/config.properties", &c, &e), "%s", e.message);
    cr_assert(!c.coordinator);
    cr_assert_eq(c.http_port, 9090);
    cr_assert_eq(c.query_max_memory, 50ull << 30);
    cr_assert_eq(c.query_max_memory_per_node, 1ull << 30);
    cr_assert_eq(c.query_max_total_memory, 60ull << 30);
    cr_assert_eq(c.query_max_concurrent_queries, 10);
    cr_assert_eq(c.query_max_queued_queries, 20);
    cr_assert_eq(c.query_client_timeout, 30000000000LL);
    cr_assert_eq(c.query_max_execution_time, 3600000000000LL);
    cr_assert_eq(c.query_max_run_time, 7200000000000LL);
    cr_assert_eq(c.query_max_planning_time, 300000000000LL);
    cr_assert(c.spill_enabled);
    cr_assert_str_eq(c.spiller_spill_path, "/mnt/spill1,/mnt/spill2");
    cr_assert_eq(c.spill_compression_codec, COMPRESSION_ZSTD);
    cr_assert_eq(c.max_spill_per_node, 10ull << 30);
    cr_assert_eq(c.query_max_spill_per_node, 5ull << 30);
    cr_assert_eq(c.catalog_management, CATALOG_MANAGEMENT_DYNAMIC);
    cr_assert_eq(c.catalog_store, CATALOG_STORE_MEMORY);
    cr_assert_str_eq(c.alternate_header_name, "Presto");
    cr_assert_eq(c.low_memory_killer_policy, LOW_MEMORY_KILLER_TOTAL_RESERVATION);
    cr_assert_eq(c.retry_policy, RETRY_POLICY_TASK);
    cr_assert_eq(c.control_port, 7001);
    cr_assert_eq(c.exchange_port, 7002);
    cr_assert_eq(c.worker_threads, 8);
    server_config_free(&c);
}

static config_error server_fail(const char *text)
{
    server_config c;
    config_error e;
    config_error_clear(&e);
    cr_assert(!server_config_parse(text, "etc/config.properties", &c, &e), "accepted: %s", text);
    return e;
}

Test(server_config, bad_input)
{
    config_error e = server_fail("coordinator=true\nquery.max-memory=20XB\n");
    cr_assert_str_eq(e.message, "etc/config.properties:2: query.max-memory: Unknown unit: XB");

    e = server_fail("http-server.http.port=99999\n");
    cr_assert_eq(e.line, 1);
    cr_assert_str_eq(e.key, "http-server.http.port");

    e = server_fail("query.max-memry=1GB\n");
    cr_assert_str_eq(e.key, "query.max-memry");

    e = server_fail("retry-policy=SOMETIMES\n");
    cr_assert_str_eq(e.key, "retry-policy");

    e = server_fail("spill-enabled=true\n");
    cr_assert_str_eq(e.key, "spiller-spill-path");
    cr_assert(strstr(e.message, "spiller-spill-path must be configured when spill-enabled is set to true"));

    e = server_fail("query.max-memory=10GB\nquery.max-total-memory=5GB\n");
    cr_assert_eq(e.line, 2);

    e = server_fail("coordinator=false\n");
    cr_assert_str_eq(e.key, "discovery.uri");

    e = server_fail("shoal.control.port=8080\n");
    cr_assert_str_eq(e.key, "shoal.control.port");

    e = server_fail("query.client.timeout=5\n");
    cr_assert_str_eq(e.key, "query.client.timeout");
}

Test(server_config, load_from_file)
{
    char path[] = "/tmp/shoal-config-XXXXXX";
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    const char *text = "coordinator=true\nquery.max-memory=1GB\n";
    cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    server_config c;
    config_error e;
    cr_assert(server_config_load(path, &c, &e), "%s", e.message);
    cr_assert_eq(c.query_max_memory, 1ull << 30);
    server_config_free(&c);
    unlink(path);
}

/* ---- node.properties ------------------------------------------------------ */

Test(node_config, trino_docs_example)
{
    node_config n;
    config_error e;
    const char *text = "node.environment=production\n"
                       "node.id=ffffffff-ffff-ffff-ffff-ffffffffffff\n"
                       "node.data-dir=/var/trino/data\n";
    cr_assert(node_config_parse(text, "etc/node.properties", &n, &e), "%s", e.message);
    cr_assert_str_eq(n.environment, "production");
    cr_assert_str_eq(n.id, "ffffffff-ffff-ffff-ffff-ffffffffffff");
    cr_assert_str_eq(n.data_dir, "/var/trino/data");
    cr_assert_null(n.internal_address);
    node_config_free(&n);

    cr_assert(node_config_parse("node.environment=test_1\n", "n", &n, &e), "%s", e.message);
    cr_assert_null(n.id);
    node_config_free(&n);
}

Test(node_config, environment_rules)
{
    const char *bad[] = {"Production", "_test", "my-env", "", "prod env", "caf\xC3\xA9"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char text[128];
        snprintf(text, sizeof text, "node.environment=%s\n", bad[i]);
        node_config n;
        config_error e;
        cr_assert(!node_config_parse(text, "etc/node.properties", &n, &e), "accepted '%s'", bad[i]);
        cr_assert_str_eq(e.key, "node.environment");
        cr_assert_eq(e.line, 1);
        cr_assert(strstr(e.message, "is malformed"), "%s", e.message);
    }
    node_config n;
    config_error e;
    cr_assert(node_config_parse("node.environment=9lives\n", "n", &n, &e));
    node_config_free(&n);
}

Test(node_config, required_and_id_rules)
{
    node_config n;
    config_error e;
    cr_assert(!node_config_parse("node.id=abc\n", "etc/node.properties", &n, &e));
    cr_assert_str_eq(e.message,
                     "etc/node.properties: node.environment: Invalid configuration property node.environment: must not be null");
    cr_assert(!node_config_parse("node.environment=x\nnode.id=-abc\n", "etc/node.properties", &n, &e));
    cr_assert_str_eq(e.key, "node.id");
    cr_assert(!node_config_parse("node.environment=x\nnode.id=a b\n", "etc/node.properties", &n, &e));
    cr_assert(!node_config_parse("node.environment=x\nnode.colour=red\n", "etc/node.properties", &n, &e));
    cr_assert_str_eq(e.key, "node.colour");
}

/* ---- log.properties ------------------------------------------------------- */

Test(log_config, levels_and_lookup)
{
    log_config l;
    config_error e;
    const char *text = "io.trino=INFO\nio.trino.plugin.postgresql=debug\nshoal.runtime=WARN\nshoal=ERROR\n";
    cr_assert(log_config_parse(text, "etc/log.properties", &l, &e), "%s", e.message);
    cr_assert_eq(l.count, 4);
    cr_assert_str_eq(l.settings[1].logger, "io.trino.plugin.postgresql");
    cr_assert_eq(l.settings[1].level, LOG_LEVEL_DEBUG);
    cr_assert_eq(log_config_level_for(&l, "io.trino.plugin.postgresql.Client"), LOG_LEVEL_DEBUG);
    cr_assert_eq(log_config_level_for(&l, "io.trino.plugin.hive"), LOG_LEVEL_INFO);
    cr_assert_eq(log_config_level_for(&l, "shoal.runtime.actor"), LOG_LEVEL_WARN);
    cr_assert_eq(log_config_level_for(&l, "shoal.runtimex"), LOG_LEVEL_ERROR);
    cr_assert_eq(log_config_level_for(&l, "shoal"), LOG_LEVEL_ERROR);
    cr_assert_eq(log_config_level_for(&l, "other"), LOG_LEVEL_INFO);
    cr_assert_str_eq(log_level_name(LOG_LEVEL_WARN), "WARN");
    log_config_free(&l);
}

Test(log_config, bad_level)
{
    log_config l;
    config_error e;
    cr_assert(!log_config_parse("a=INFO\nb=VERBOSE\n", "etc/log.properties", &l, &e));
    cr_assert_eq(e.line, 2);
    cr_assert_str_eq(e.key, "b");
    cr_assert(strstr(e.message, "etc/log.properties:2: b: Invalid log level 'VERBOSE'"), "%s", e.message);
}

/* ---- catalogs ------------------------------------------------------------- */

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "%s", path);
    fputs(text, f);
    fclose(f);
}

Test(catalog_config, directory_of_catalogs)
{
    char dir[] = "/tmp/shoal-catalogs-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char a[512], b[512], ignored[512];
    snprintf(a, sizeof a, "%s/tpch.properties", dir);
    snprintf(b, sizeof b, "%s/pg.properties", dir);
    snprintf(ignored, sizeof ignored, "%s/README.txt", dir);
    write_file(a, "connector.name=tpch\ntpch.splits-per-node=4\n");
    write_file(b, "# postgres\nconnection-url=jdbc:postgresql://h:5432/db\nconnector.name=postgresql\nconnection-user=u\n");
    write_file(ignored, "not a catalog");

    catalog_config_list list;
    config_error e;
    cr_assert(catalog_config_load_dir(dir, &list, &e), "%s", e.message);
    cr_assert_eq(list.count, 2);
    cr_assert_str_eq(list.catalogs[0].name, "pg");
    cr_assert_str_eq(list.catalogs[0].connector_name, "postgresql");
    cr_assert_eq(list.catalogs[0].properties.count, 2);
    cr_assert_str_eq(list.catalogs[0].properties.items[0].key, "connection-url");
    cr_assert_eq(list.catalogs[0].properties.items[0].line, 2);
    cr_assert_str_eq(list.catalogs[0].properties.items[1].key, "connection-user");
    cr_assert_eq(list.catalogs[0].properties.items[1].line, 4);
    cr_assert_str_eq(list.catalogs[0].properties.file, b);
    cr_assert_str_eq(list.catalogs[1].name, "tpch");
    cr_assert_str_eq(config_properties_get(&list.catalogs[1].properties, "tpch.splits-per-node"), "4");
    catalog_config_list_free(&list);

    /* a catalog without connector.name fails the whole directory, naming the file */
    write_file(a, "tpch.splits-per-node=4\n");
    cr_assert(!catalog_config_load_dir(dir, &list, &e));
    cr_assert_str_eq(e.file, a);
    cr_assert_str_eq(e.key, "connector.name");
    cr_assert(strstr(e.message, "does not contain connector.name"), "%s", e.message);

    unlink(a);
    unlink(b);
    unlink(ignored);
    rmdir(dir);
    cr_assert(!catalog_config_load_dir(dir, &list, &e));
}

Test(catalog_config, connector_validates_rest_with_its_schema)
{
    config_properties props;
    config_error e;
    const char *text = "connector.name=tpch\ntpch.splits-per-node=4\ntpch.bogus=1\n";
    cr_assert(config_properties_parse(text, strlen(text), "etc/catalog/tpch.properties", &props, &e));
    catalog_config c;
    cr_assert(catalog_config_from_properties("tpch", &props, &c, &e), "%s", e.message);
    config_properties_free(&props);

    typedef struct tpch_cfg { int64_t splits; } tpch_cfg;
    static const config_key keys[] = {
        {.name = "tpch.splits-per-node", .type = CONFIG_TYPE_INT, .offset = offsetof(tpch_cfg, splits),
         .default_value = "1", .min = 1, .max = 1024},
    };
    static const config_schema schema = CONFIG_SCHEMA("tpch catalog", keys);
    tpch_cfg t;
    cr_assert(!config_schema_apply(&schema, &c.properties, &t, &e));
    cr_assert_str_eq(e.message,
                     "etc/catalog/tpch.properties:3: tpch.bogus: Configuration property 'tpch.bogus' was not used (unknown key)");
    catalog_config_free(&c);
}

/* ---- resource-groups.properties ------------------------------------------- */

Test(resource_groups_config, file_manager)
{
    resource_groups_config r;
    config_error e;
    const char *text = "resource-groups.configuration-manager=file\n"
                       "resource-groups.config-file=etc/resource-groups.json\n";
    cr_assert(resource_groups_config_parse(text, "etc/resource-groups.properties", &r, &e), "%s", e.message);
    cr_assert_eq(r.manager, RESOURCE_GROUPS_MANAGER_FILE);
    cr_assert_str_eq(r.config_file, "etc/resource-groups.json");
    cr_assert_eq(r.refresh_interval, 1000000000LL);
    resource_groups_config_free(&r);

    cr_assert(!resource_groups_config_parse("resource-groups.configuration-manager=file\n", "etc/rg.properties", &r, &e));
    cr_assert_str_eq(e.key, "resource-groups.config-file");
    cr_assert(!resource_groups_config_parse("resource-groups.configuration-manager=ldap\n", "etc/rg.properties", &r, &e));
    cr_assert_eq(e.line, 1);
    cr_assert(!resource_groups_config_parse("resource-groups.config-file=x.json\n", "etc/rg.properties", &r, &e));
    cr_assert_str_eq(e.key, "resource-groups.configuration-manager");
}
