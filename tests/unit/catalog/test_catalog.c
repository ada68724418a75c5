/*
 * test_catalog.c — the catalog registry: add/drop/lookup/list, reference
 * counting (a dropped catalog stays usable by its holder), the factory
 * table, bad properties and concurrent use.
 */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "connectors/spi/catalog.h"

/* A fake connector that counts live instances and accepts one property. */
static atomic_int live_instances;

typedef struct fake_connector {
    connector base;
    char *greeting;
} fake_connector;

static void fake_destroy(connector *c)
{
    fake_connector *f = (fake_connector *)c;
    free(f->greeting);
    free(f);
    atomic_fetch_sub(&live_instances, 1);
}

static bool fake_schema_exists(connector *c, const char *schema)
{
    (void)c;
    return strcmp(schema, "default") == 0;
}

static const connector_ops fake_ops = {
    .destroy = fake_destroy,
    .schema_exists = fake_schema_exists,
};

static connector *fake_create(const char *catalog_name, const connector_properties *props,
                              shoal_error *error)
{
    (void)catalog_name;
    for (int i = 0; i < props->count; i++) {
        if (strcmp(props->items[i].key, "fake.greeting") != 0) {
            error_set(error, ERR_INVALID_CATALOG_PROPERTY, "Configuration property '%s' was not used",
                      props->items[i].key);
            return NULL;
        }
    }
    fake_connector *f = calloc(1, sizeof *f);
    f->base.ops = &fake_ops;
    f->base.connector_name = "fake";
    const char *g = connector_properties_get(props, "fake.greeting");
    f->greeting = strdup(g ? g : "hello");
    atomic_fetch_add(&live_instances, 1);
    return &f->base;
}

static const connector_factory fake_factory = {.name = "fake", .create = fake_create};
static const connector_factory other_fake_factory = {.name = "fake", .create = fake_create};

static catalog_registry *registry;

static void setup(void)
{
    cr_assert(catalog_register_factory(&fake_factory, NULL));
    registry = catalog_registry_new();
    cr_assert_not_null(registry);
}

static void teardown(void)
{
    catalog_registry_free(registry);
    cr_assert_eq(atomic_load(&live_instances), 0, "every instance destroyed");
}

TestSuite(catalog, .init = setup, .fini = teardown);

static bool add(const char *name, const char *connector_name, const char *key, const char *value,
                shoal_error *error)
{
    connector_property p = {key, value};
    connector_properties props = {&p, key ? 1 : 0};
    return catalog_add(registry, name, connector_name, &props, false, error);
}

Test(catalog, add_lookup_list_drop)
{
    shoal_error e;
    error_clear(&e);
    cr_assert(add("zeta", "fake", NULL, NULL, &e));
    cr_assert(add("Alpha", "fake", "fake.greeting", "hi", &e), "%s", e.message);
    cr_assert(add("mid", "fake", NULL, NULL, &e));
    cr_assert(catalog_exists(registry, "alpha"));
    cr_assert(catalog_exists(registry, "ALPHA"), "names are case-insensitive");

    string_list names = {0};
    cr_assert(catalog_list(registry, &names, &e));
    cr_assert_eq(names.count, 3);
    cr_assert_str_eq(names.items[0], "alpha");
    cr_assert_str_eq(names.items[1], "mid");
    cr_assert_str_eq(names.items[2], "zeta");
    string_list_free(&names);

    catalog *c = catalog_acquire(registry, "alpha", &e);
    cr_assert_not_null(c);
    cr_assert_str_eq(catalog_name(c), "alpha");
    cr_assert_str_eq(catalog_connector_name(c), "fake");
    cr_assert_str_eq(connector_properties_get(catalog_properties(c), "fake.greeting"), "hi");
    fake_connector *f = (fake_connector *)catalog_connector(c);
    cr_assert_str_eq(f->greeting, "hi");
    catalog_release(c);

    cr_assert(catalog_drop(registry, "mid", false, &e));
    cr_assert_not(catalog_exists(registry, "mid"));
    cr_assert_eq(atomic_load(&live_instances), 2);
}

Test(catalog, not_found_and_already_exists)
{
    shoal_error e;
    error_clear(&e);
    cr_assert_null(catalog_acquire(registry, "nope", &e));
    cr_assert_eq(e.code, ERR_CATALOG_NOT_FOUND);
    cr_assert_str_eq(e.message, "Catalog 'nope' not found");

    error_clear(&e);
    cr_assert_not(catalog_drop(registry, "nope", false, &e));
    cr_assert_eq(e.code, ERR_CATALOG_NOT_FOUND);
    cr_assert(catalog_drop(registry, "nope", true, &e), "DROP CATALOG IF EXISTS");

    cr_assert(add("one", "fake", NULL, NULL, &e));
    error_clear(&e);
    cr_assert_not(add("ONE", "fake", NULL, NULL, &e));
    cr_assert_eq(e.code, ERR_ALREADY_EXISTS);
    cr_assert_str_eq(e.message, "Catalog 'one' already exists");
    connector_properties none = {0};
    cr_assert(catalog_add(registry, "one", "fake", &none, true, &e), "IF NOT EXISTS");
    cr_assert_eq(atomic_load(&live_instances), 1, "no half-made instance left behind");
}

Test(catalog, unknown_connector_and_bad_properties)
{
    shoal_error e;
    error_clear(&e);
    cr_assert_not(add("x", "nosuch", NULL, NULL, &e));
    cr_assert_eq(e.code, ERR_NOT_FOUND);
    cr_assert(strstr(e.message, "No factory for connector 'nosuch'. Available factories: [") == e.message,
              "%s", e.message);
    cr_assert(strstr(e.message, "fake"));
    cr_assert_not(catalog_exists(registry, "x"));

    error_clear(&e);
    cr_assert_not(add("x", "fake", "fake.colour", "red", &e));
    cr_assert_eq(e.code, ERR_INVALID_CATALOG_PROPERTY);
    cr_assert(strstr(e.message, "fake.colour"), "the key is named: %s", e.message);
    cr_assert_not(catalog_exists(registry, "x"), "nothing half-made");
    cr_assert_eq(atomic_load(&live_instances), 0);

    error_clear(&e);
    cr_assert_not(add("", "fake", NULL, NULL, &e));
    cr_assert_eq(e.code, ERR_MISSING_CATALOG_NAME);
}

Test(catalog, connector_name_from_properties_file)
{
    shoal_error e;
    error_clear(&e);
    connector_property items[] = {{"connector.name", "fake"}, {"fake.greeting", "yo"}};
    connector_properties props = {items, 2};
    cr_assert(catalog_add(registry, "file", NULL, &props, false, &e), "%s", e.message);
    catalog *c = catalog_acquire(registry, "file", &e);
    cr_assert_eq(catalog_properties(c)->count, 1, "connector.name is not a connector property");
    catalog_release(c);

    error_clear(&e);
    cr_assert_not(catalog_add(registry, "bad", "other", &props, false, &e));
    cr_assert_eq(e.code, ERR_INVALID_CATALOG_PROPERTY);
    connector_properties empty = {0};
    error_clear(&e);
    cr_assert_not(catalog_add(registry, "bad", NULL, &empty, false, &e));
    cr_assert_eq(e.code, ERR_INVALID_CATALOG_PROPERTY);
    cr_assert(strstr(e.message, "connector.name"));
}

Test(catalog, dropped_catalog_stays_usable_by_holder)
{
    shoal_error e;
    error_clear(&e);
    cr_assert(add("held", "fake", "fake.greeting", "still here", &e));
    catalog *c = catalog_acquire(registry, "held", &e);
    catalog *again = catalog_ref(c);
    cr_assert(catalog_drop(registry, "held", false, &e));
    cr_assert(catalog_is_dropped(c));
    cr_assert_null(catalog_acquire(registry, "held", &e), "new queries cannot see it");
    /* the running query still uses it */
    connector *instance = catalog_connector(c);
    cr_assert(instance->ops->schema_exists(instance, "default"));
    cr_assert_str_eq(((fake_connector *)instance)->greeting, "still here");
    cr_assert_eq(atomic_load(&live_instances), 1);

    /* a new catalog under the same name is a different instance */
    cr_assert(add("held", "fake", "fake.greeting", "new", &e));
    catalog *fresh = catalog_acquire(registry, "held", &e);
    cr_assert_neq(catalog_connector(fresh), instance);
    catalog_release(fresh);

    catalog_release(c);
    cr_assert_eq(atomic_load(&live_instances), 2);
    catalog_release(again);
    cr_assert_eq(atomic_load(&live_instances), 1, "last holder destroys the dropped instance");
}

Test(catalog, factory_table)
{
    shoal_error e;
    error_clear(&e);
    cr_assert(catalog_register_factory(&fake_factory, &e), "same factory twice is fine");
    cr_assert_not(catalog_register_factory(&other_fake_factory, &e));
    cr_assert_eq(e.code, ERR_ALREADY_EXISTS);
    cr_assert_eq(catalog_find_factory("fake"), &fake_factory);
    cr_assert_null(catalog_find_factory("nosuch"));
    string_list names = {0};
    cr_assert(catalog_list_factories(&names, &e));
    cr_assert_geq(names.count, 1);
    string_list_free(&names);
}

/* Threads add, acquire, release and drop catalogs concurrently. */
static void *churn(void *arg)
{
    int id = (int)(intptr_t)arg;
    char name[32];
    for (int i = 0; i < 300; i++) {
        snprintf(name, sizeof name, "c%d", (id + i) % 7);
        shoal_error e;
        error_clear(&e);
        switch (i % 3) {
        case 0: {
            connector_properties none = {0};
            catalog_add(registry, name, "fake", &none, true, &e);
            break;
        }
        case 1: {
            catalog *c = catalog_acquire(registry, name, &e);
            if (c) {
                connector *instance = catalog_connector(c);
                cr_assert(instance->ops->schema_exists(instance, "default"));
                catalog_release(c);
            }
            break;
        }
        default:
            catalog_drop(registry, name, true, &e);
            break;
        }
    }
    return NULL;
}

Test(catalog, concurrent_add_acquire_drop)
{
    pthread_t threads[4];
    for (int i = 0; i < 4; i++)
        pthread_create(&threads[i], NULL, churn, (void *)(intptr_t)i);
    for (int i = 0; i < 4; i++)
        pthread_join(threads[i], NULL);
    string_list names = {0};
    cr_assert(catalog_list(registry, &names, NULL));
    cr_assert_eq(atomic_load(&live_instances), names.count);
    string_list_free(&names);
}
