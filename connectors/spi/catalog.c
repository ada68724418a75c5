/*
 * catalog.c — the catalog registry (a sorted array of reference-counted
 * catalogs behind a mutex) and the process-wide connector factory table.
 */
#include "catalog.h"

#include <ctype.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct catalog {
    atomic_uint refcount;
    atomic_bool dropped;
    char *name;
    char *connector_name;
    connector_property *property_items;
    connector_properties properties;
    connector *instance;
};

struct catalog_registry {
    pthread_mutex_t lock;
    catalog **items;          /* sorted by name */
    int count;
    int capacity;
};

/* ---- factories ---------------------------------------------------------- */

static pthread_mutex_t factory_lock = PTHREAD_MUTEX_INITIALIZER;
static const connector_factory **factories;
static int factory_count;
static int factory_capacity;

static const connector_factory *find_factory_locked(const char *name)
{
    for (int i = 0; i < factory_count; i++)
        if (strcmp(factories[i]->name, name) == 0)
            return factories[i];
    return NULL;
}

bool catalog_register_factory(const connector_factory *factory, shoal_error *error)
{
    if (!factory || !factory->name || !factory->create)
        return error_set(error, ERR_GENERIC_INTERNAL_ERROR, "Invalid connector factory");
    pthread_mutex_lock(&factory_lock);
    const connector_factory *existing = find_factory_locked(factory->name);
    if (existing) {
        pthread_mutex_unlock(&factory_lock);
        if (existing == factory)
            return true;
        return error_set(error, ERR_ALREADY_EXISTS, "Connector '%s' is already registered",
                         factory->name);
    }
    if (factory_count == factory_capacity) {
        int capacity = factory_capacity ? factory_capacity * 2 : 8;
        const connector_factory **grown = realloc(factories, sizeof *grown * (size_t)capacity);
        if (!grown) {
            pthread_mutex_unlock(&factory_lock);
            return error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
        }
        factories = grown;
        factory_capacity = capacity;
    }
    factories[factory_count++] = factory;
    pthread_mutex_unlock(&factory_lock);
    return true;
}

const connector_factory *catalog_find_factory(const char *name)
{
    if (!name)
        return NULL;
    pthread_mutex_lock(&factory_lock);
    const connector_factory *f = find_factory_locked(name);
    pthread_mutex_unlock(&factory_lock);
    return f;
}

bool catalog_list_factories(string_list *out, shoal_error *error)
{
    pthread_mutex_lock(&factory_lock);
    for (int i = 0; i < factory_count; i++) {
        if (!string_list_add(out, factories[i]->name)) {
            pthread_mutex_unlock(&factory_lock);
            return error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
        }
    }
    pthread_mutex_unlock(&factory_lock);
    string_list_sort(out);
    return true;
}

/* "No factory for connector 'x'. Available factories: [a, b]" */
static bool unknown_connector(const char *connector_name, shoal_error *error)
{
    string_list names = {0};
    char list[512] = "";
    size_t used = 0;
    if (catalog_list_factories(&names, NULL)) {
        for (int i = 0; i < names.count && used < sizeof list; i++)
            used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "",
                                     names.items[i]);
    }
    string_list_free(&names);
    return error_set(error, ERR_NOT_FOUND, "No factory for connector '%s'. Available factories: [%s]",
                     connector_name, list);
}

/* ---- catalogs ----------------------------------------------------------- */

static char *lowercase_copy(const char *s)
{
    char *copy = strdup(s);
    for (char *p = copy; p && *p; p++)
        *p = (char)tolower((unsigned char)*p);
    return copy;
}

static void catalog_free(catalog *c)
{
    if (!c)
        return;
    if (c->instance && c->instance->ops && c->instance->ops->destroy)
        c->instance->ops->destroy(c->instance);
    for (int i = 0; i < c->properties.count; i++) {
        free((char *)c->property_items[i].key);
        free((char *)c->property_items[i].value);
    }
    free(c->property_items);
    free(c->name);
    free(c->connector_name);
    free(c);
}

/* Copies the properties other than connector.name. */
static bool copy_properties(catalog *c, const connector_properties *props)
{
    int n = props ? props->count : 0;
    c->property_items = calloc((size_t)(n > 0 ? n : 1), sizeof *c->property_items);
    if (!c->property_items)
        return false;
    c->properties.items = c->property_items;
    for (int i = 0; i < n; i++) {
        const connector_property *p = &props->items[i];
        if (strcmp(p->key, CATALOG_CONNECTOR_NAME_PROPERTY) == 0)
            continue;
        connector_property *dst = &c->property_items[c->properties.count];
        dst->key = strdup(p->key);
        dst->value = strdup(p->value ? p->value : "");
        if (!dst->key || !dst->value) {
            free((char *)dst->key);
            free((char *)dst->value);
            return false;
        }
        c->properties.count++;
    }
    return true;
}

catalog *catalog_ref(catalog *c)
{
    if (c)
        atomic_fetch_add_explicit(&c->refcount, 1, memory_order_relaxed);
    return c;
}

void catalog_release(catalog *c)
{
    if (c && atomic_fetch_sub_explicit(&c->refcount, 1, memory_order_acq_rel) == 1)
        catalog_free(c);
}

const char *catalog_name(const catalog *c) { return c->name; }
const char *catalog_connector_name(const catalog *c) { return c->connector_name; }
const connector_properties *catalog_properties(const catalog *c) { return &c->properties; }
connector *catalog_connector(const catalog *c) { return c->instance; }
bool catalog_is_dropped(const catalog *c) { return atomic_load(&c->dropped); }

/* ---- the registry ------------------------------------------------------- */

catalog_registry *catalog_registry_new(void)
{
    catalog_registry *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    pthread_mutex_init(&r->lock, NULL);
    return r;
}

void catalog_registry_free(catalog_registry *r)
{
    if (!r)
        return;
    for (int i = 0; i < r->count; i++) {
        atomic_store(&r->items[i]->dropped, true);
        catalog_release(r->items[i]);
    }
    free(r->items);
    pthread_mutex_destroy(&r->lock);
    free(r);
}

/* Index of `name`, or -(insertion point) - 1. Caller holds the lock. */
static int find_locked(const catalog_registry *r, const char *name)
{
    int low = 0, high = r->count - 1;
    while (low <= high) {
        int mid = low + (high - low) / 2;
        int c = strcmp(r->items[mid]->name, name);
        if (c == 0)
            return mid;
        if (c < 0)
            low = mid + 1;
        else
            high = mid - 1;
    }
    return -low - 1;
}

static bool insert_locked(catalog_registry *r, int at, catalog *c)
{
    if (r->count == r->capacity) {
        int capacity = r->capacity ? r->capacity * 2 : 8;
        catalog **grown = realloc(r->items, sizeof *grown * (size_t)capacity);
        if (!grown)
            return false;
        r->items = grown;
        r->capacity = capacity;
    }
    memmove(&r->items[at + 1], &r->items[at], sizeof *r->items * (size_t)(r->count - at));
    r->items[at] = c;
    r->count++;
    return true;
}

bool catalog_exists(catalog_registry *r, const char *name)
{
    char *key = lowercase_copy(name);
    if (!key)
        return false;
    pthread_mutex_lock(&r->lock);
    bool found = find_locked(r, key) >= 0;
    pthread_mutex_unlock(&r->lock);
    free(key);
    return found;
}

static bool resolve_connector_name(const char *connector_name, const connector_properties *props,
                                   const char **out, shoal_error *error)
{
    const char *from_props = connector_properties_get(props, CATALOG_CONNECTOR_NAME_PROPERTY);
    if (connector_name && from_props && strcmp(connector_name, from_props) != 0)
        return error_set(error, ERR_INVALID_CATALOG_PROPERTY,
                         "Catalog property '%s' is '%s' but the catalog uses connector '%s'",
                         CATALOG_CONNECTOR_NAME_PROPERTY, from_props, connector_name);
    *out = connector_name ? connector_name : from_props;
    if (!*out || !**out)
        return error_set(error, ERR_INVALID_CATALOG_PROPERTY,
                         "Catalog configuration does not contain '%s'", CATALOG_CONNECTOR_NAME_PROPERTY);
    return true;
}

bool catalog_add(catalog_registry *r, const char *name, const char *connector_name,
                 const connector_properties *properties, bool if_not_exists, shoal_error *error)
{
    if (!name || !*name)
        return error_set(error, ERR_MISSING_CATALOG_NAME, "Catalog name is empty");
    const char *resolved = NULL;
    if (!resolve_connector_name(connector_name, properties, &resolved, error))
        return false;
    const connector_factory *factory = catalog_find_factory(resolved);
    if (!factory)
        return unknown_connector(resolved, error);

    catalog *c = calloc(1, sizeof *c);
    if (!c)
        return error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
    atomic_init(&c->refcount, 1);
    atomic_init(&c->dropped, false);
    c->name = lowercase_copy(name);
    c->connector_name = strdup(resolved);
    if (!c->name || !c->connector_name || !copy_properties(c, properties)) {
        catalog_free(c);
        return error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
    }

    /* cheap early answer before the (maybe slow) factory runs */
    if (catalog_exists(r, c->name)) {
        bool ok = if_not_exists || error_set(error, ERR_ALREADY_EXISTS, "Catalog '%s' already exists", c->name);
        catalog_free(c);
        return ok;
    }

    shoal_error local;
    error_clear(&local);
    c->instance = factory->create(c->name, &c->properties, &local);
    if (!c->instance) {
        if (!error_is_set(&local))
            error_set(&local, ERR_GENERIC_INTERNAL_ERROR, "Connector '%s' failed to create catalog '%s'",
                      resolved, c->name);
        if (error)
            *error = local;
        catalog_free(c);
        return false;
    }

    pthread_mutex_lock(&r->lock);
    int at = find_locked(r, c->name);
    if (at >= 0) {
        pthread_mutex_unlock(&r->lock);
        bool ok = if_not_exists || error_set(error, ERR_ALREADY_EXISTS, "Catalog '%s' already exists", c->name);
        catalog_free(c);
        return ok;
    }
    if (!insert_locked(r, -at - 1, c)) {
        pthread_mutex_unlock(&r->lock);
        catalog_free(c);
        return error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
    }
    pthread_mutex_unlock(&r->lock);
    return true;
}

bool catalog_drop(catalog_registry *r, const char *name, bool if_exists, shoal_error *error)
{
    char *key = lowercase_copy(name ? name : "");
    if (!key)
        return error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
    pthread_mutex_lock(&r->lock);
    int at = find_locked(r, key);
    if (at < 0) {
        pthread_mutex_unlock(&r->lock);
        bool ok = if_exists || error_set(error, ERR_CATALOG_NOT_FOUND, "Catalog '%s' not found", key);
        free(key);
        return ok;
    }
    catalog *c = r->items[at];
    memmove(&r->items[at], &r->items[at + 1], sizeof *r->items * (size_t)(r->count - at - 1));
    r->count--;
    pthread_mutex_unlock(&r->lock);
    free(key);
    atomic_store(&c->dropped, true);
    catalog_release(c); /* the registry's reference; holders keep theirs */
    return true;
}

bool catalog_list(catalog_registry *r, string_list *out, shoal_error *error)
{
    pthread_mutex_lock(&r->lock);
    for (int i = 0; i < r->count; i++) {
        if (!string_list_add(out, r->items[i]->name)) {
            pthread_mutex_unlock(&r->lock);
            return error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
        }
    }
    pthread_mutex_unlock(&r->lock);
    return true;
}

catalog *catalog_acquire(catalog_registry *r, const char *name, shoal_error *error)
{
    char *key = lowercase_copy(name ? name : "");
    if (!key) {
        error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
        return NULL;
    }
    pthread_mutex_lock(&r->lock);
    int at = find_locked(r, key);
    catalog *c = at >= 0 ? catalog_ref(r->items[at]) : NULL;
    pthread_mutex_unlock(&r->lock);
    if (!c)
        error_set(error, ERR_CATALOG_NOT_FOUND, "Catalog '%s' not found", key);
    free(key);
    return c;
}
