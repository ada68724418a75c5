/*
 * catalog_store.c — catalog.management / catalog.store policy over the
 * catalog registry: static refusal, atomic property files, loading at attach.
 */
#define _GNU_SOURCE
#include "catalog_store.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/catalog_config.h"
#include "connectors/spi/text_builder.h"

/* One attachment per engine (the engine has no slot for it). */
typedef struct store_entry {
    engine *engine;
    int management;
    int store;
    char *config_dir;
    pthread_mutex_t lock;      /* orders registry change + file change per engine */
    struct store_entry *next;
} store_entry;

static pthread_mutex_t stores_lock = PTHREAD_MUTEX_INITIALIZER;
static store_entry *stores;

catalog_store_options catalog_store_options_from_config(const server_config *config, const char *etc_dir,
                                                        char *dir_buffer, size_t dir_size)
{
    catalog_store_options o = {.management = config->catalog_management, .store = config->catalog_store};
    const char *dir = config->catalog_config_dir;
    /* Trino's default "etc/catalog" is relative to the installation; ours is --etc. */
    if (etc_dir && (!dir || strcmp(dir, "etc/catalog") == 0 || strcmp(dir, "etc/catalog/") == 0)) {
        snprintf(dir_buffer, dir_size, "%s/catalog", etc_dir);
        dir = dir_buffer;
    }
    o.config_dir = dir;
    return o;
}

/* Takes the entry's lock; the caller unlocks. NULL when none is attached. */
static store_entry *find_locked(engine *e)
{
    pthread_mutex_lock(&stores_lock);
    store_entry *s = stores;
    while (s && s->engine != e)
        s = s->next;
    if (s)
        pthread_mutex_lock(&s->lock);
    pthread_mutex_unlock(&stores_lock);
    return s;
}

static void entry_free(store_entry *s)
{
    pthread_mutex_destroy(&s->lock);
    free(s->config_dir);
    free(s);
}

void catalog_store_detach(engine *e)
{
    pthread_mutex_lock(&stores_lock);
    for (store_entry **p = &stores; *p; p = &(*p)->next) {
        if ((*p)->engine == e) {
            store_entry *s = *p;
            *p = s->next;
            pthread_mutex_lock(&s->lock);   /* wait for an operation in progress */
            pthread_mutex_unlock(&s->lock);
            entry_free(s);
            break;
        }
    }
    pthread_mutex_unlock(&stores_lock);
}

static bool load_files(engine *e, const char *dir, shoal_error *error)
{
    struct stat st;
    if (stat(dir, &st) != 0)
        return true;   /* nothing stored yet; created on the first CREATE CATALOG */
    catalog_config_list list;
    config_error config_error;
    config_error_clear(&config_error);
    if (!catalog_config_load_dir(dir, &list, &config_error))
        return error_set(error, ERR_CONFIGURATION_INVALID, "%s", config_error.message);
    bool ok = true;
    for (size_t i = 0; ok && i < list.count; i++) {
        catalog_config *c = &list.catalogs[i];
        if (catalog_exists(engine_catalogs(e), c->name))
            continue;
        connector_property *items = calloc(c->properties.count + 1, sizeof *items);
        if (!items) {
            ok = error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
            break;
        }
        for (size_t k = 0; k < c->properties.count; k++) {
            items[k].key = c->properties.items[k].key;
            items[k].value = c->properties.items[k].value;
        }
        connector_properties props = {items, (int)c->properties.count};
        ok = catalog_add(engine_catalogs(e), c->name, c->connector_name, &props, true, error);
        free(items);
    }
    catalog_config_list_free(&list);
    return ok;
}

bool catalog_store_attach(engine *e, const catalog_store_options *options, shoal_error *error)
{
    if (options->store == CATALOG_STORE_FILE && options->management == CATALOG_MANAGEMENT_DYNAMIC &&
        !options->config_dir)
        return error_set(error, ERR_CONFIGURATION_INVALID, "catalog.config-dir is required for catalog.store=file");
    store_entry *s = calloc(1, sizeof *s);
    if (!s || (options->config_dir && !(s->config_dir = strdup(options->config_dir)))) {
        free(s);
        return error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
    }
    s->engine = e;
    s->management = options->management;
    s->store = options->store;
    pthread_mutex_init(&s->lock, NULL);
    if (s->store == CATALOG_STORE_FILE && s->config_dir && !load_files(e, s->config_dir, error)) {
        entry_free(s);
        return false;
    }
    catalog_store_detach(e);
    pthread_mutex_lock(&stores_lock);
    s->next = stores;
    stores = s;
    pthread_mutex_unlock(&stores_lock);
    return true;
}

/* ---- names and files -------------------------------------------------------- */

/* A catalog name that is also a safe file name: [a-z0-9_][a-z0-9_-]* (any case). */
static bool valid_catalog_name(const char *name)
{
    if (!name || !*name || strlen(name) > 200 || name[0] == '-')
        return false;
    for (const char *p = name; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '_' && *p != '-')
            return false;
    return true;
}

static void lowercase_copy(char *out, size_t size, const char *name)
{
    size_t i = 0;
    for (; name[i] && i + 1 < size; i++)
        out[i] = (char)tolower((unsigned char)name[i]);
    out[i] = '\0';
}

/* Java properties escaping, as config/properties.c reads it back. */
static void put_escaped(text_builder *b, const char *s, bool is_key)
{
    for (const char *p = s; *p; p++) {
        unsigned char c = (unsigned char)*p;
        switch (c) {
        case '\\': text_builder_append(b, "\\\\", 2); break;
        case '\n': text_builder_append(b, "\\n", 2); break;
        case '\r': text_builder_append(b, "\\r", 2); break;
        case '\t': text_builder_append(b, "\\t", 2); break;
        case '\f': text_builder_append(b, "\\f", 2); break;
        case '=': case ':': case '#': case '!':
            if (is_key || p == s)
                text_builder_append(b, "\\", 1);
            text_builder_append(b, p, 1);
            break;
        case ' ':
            if (is_key || p == s)
                text_builder_append(b, "\\", 1);
            text_builder_append(b, p, 1);
            break;
        default:
            if (c < 0x20) {
                char u[8];
                snprintf(u, sizeof u, "\\u%04x", c);
                text_builder_append(b, u, strlen(u));
            } else {
                text_builder_append(b, p, 1);
            }
        }
    }
}

static bool write_all(int fd, const char *data, size_t length)
{
    while (length > 0) {
        ssize_t n = write(fd, data, length);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        data += n;
        length -= (size_t)n;
    }
    return true;
}

/* DIR/NAME.properties through a temporary file in DIR and rename(2). */
static bool write_catalog_file(const char *dir, const char *name, const char *connector_name,
                               const connector_properties *properties, shoal_error *error)
{
    if (mkdir(dir, 0755) != 0 && errno != EEXIST)
        return error_set(error, ERR_GENERIC_INTERNAL_ERROR, "Cannot create catalog directory %s: %s", dir,
                         strerror(errno));
    text_builder b;
    text_builder_init(&b);
    text_builder_append(&b, CATALOG_CONNECTOR_NAME_PROPERTY "=", strlen(CATALOG_CONNECTOR_NAME_PROPERTY) + 1);
    put_escaped(&b, connector_name, false);
    text_builder_append(&b, "\n", 1);
    for (int i = 0; properties && i < properties->count; i++) {
        if (strcmp(properties->items[i].key, CATALOG_CONNECTOR_NAME_PROPERTY) == 0)
            continue;
        put_escaped(&b, properties->items[i].key, true);
        text_builder_append(&b, "=", 1);
        put_escaped(&b, properties->items[i].value ? properties->items[i].value : "", false);
        text_builder_append(&b, "\n", 1);
    }
    char tmp[4096], path[4096];
    snprintf(path, sizeof path, "%s/%s.properties", dir, name);
    snprintf(tmp, sizeof tmp, "%s/.%s.properties.XXXXXX", dir, name);
    int fd = mkstemp(tmp);
    bool ok = fd >= 0;
    if (ok) {
        const char *text = text_builder_cstr(&b);
        ok = write_all(fd, text, strlen(text)) && fchmod(fd, 0600) == 0 && fsync(fd) == 0;
        ok = close(fd) == 0 && ok;
        ok = ok && rename(tmp, path) == 0;
        if (!ok)
            unlink(tmp);
    }
    text_builder_free(&b);
    if (!ok)
        return error_set(error, ERR_GENERIC_INTERNAL_ERROR, "Cannot write catalog file %s: %s", path, strerror(errno));
    /* the rename is durable once the directory is synced */
    int dfd = open(dir, O_RDONLY | O_DIRECTORY);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    return true;
}

static bool remove_catalog_file(const char *dir, const char *name, shoal_error *error)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.properties", dir, name);
    if (unlink(path) != 0 && errno != ENOENT)
        return error_set(error, ERR_GENERIC_INTERNAL_ERROR, "Cannot remove catalog file %s: %s", path, strerror(errno));
    return true;
}

/* ---- create and drop ---------------------------------------------------------- */

bool catalog_store_create(engine *e, const char *name, const char *connector_name,
                          const connector_properties *properties, bool if_not_exists, shoal_error *error)
{
    if (!name || !*name || strlen(name) > 200)
        return error_set(error, ERR_INVALID_CATALOG_PROPERTY, "Invalid catalog name '%s'", name ? name : "");
    if (!connector_name || !*connector_name)
        return error_set(error, ERR_INVALID_CATALOG_PROPERTY, "Connector name is missing");
    store_entry *s = find_locked(e);
    bool file = s && s->store == CATALOG_STORE_FILE && s->config_dir;
    const char *refusal = NULL;
    if (s && s->management == CATALOG_MANAGEMENT_STATIC)
        refusal = "CREATE CATALOG is not supported by the static catalog store";
    else if (file && !valid_catalog_name(name))   /* it becomes a file name */
        refusal = "Invalid catalog name for the file catalog store: letters, digits, '_' and '-' only";
    if (refusal) {
        pthread_mutex_unlock(&s->lock);
        return error_set(error, file && !(s->management == CATALOG_MANAGEMENT_STATIC) ? ERR_INVALID_CATALOG_PROPERTY
                                                                                       : ERR_NOT_SUPPORTED,
                         "%s", refusal);
    }
    char lower[256];
    lowercase_copy(lower, sizeof lower, name);
    bool existed = catalog_exists(engine_catalogs(e), lower);
    bool ok = catalog_add(engine_catalogs(e), lower, connector_name, properties, if_not_exists, error);
    if (ok && !existed && file &&
        !write_catalog_file(s->config_dir, lower, connector_name, properties, error)) {
        /* nothing half-made: the catalog goes again (no query can hold it yet
         * but one that raced in; it keeps its reference) */
        catalog_drop(engine_catalogs(e), lower, true, NULL);
        ok = false;
    }
    if (s)
        pthread_mutex_unlock(&s->lock);
    return ok;
}

bool catalog_store_drop(engine *e, const char *name, bool if_exists, shoal_error *error)
{
    char lower[256];
    lowercase_copy(lower, sizeof lower, name ? name : "");
    store_entry *s = find_locked(e);
    bool ok;
    if (s && s->management == CATALOG_MANAGEMENT_STATIC)
        ok = error_set(error, ERR_NOT_SUPPORTED, "DROP CATALOG is not supported by the static catalog store");
    else if (strcmp(lower, "system") == 0)
        ok = error_set(error, ERR_NOT_SUPPORTED, "Catalog 'system' cannot be dropped");
    else if (!catalog_exists(engine_catalogs(e), lower) && !if_exists)
        ok = error_set(error, ERR_CATALOG_NOT_FOUND, "Catalog '%s' not found", lower);
    else {
        bool existed = catalog_exists(engine_catalogs(e), lower);
        ok = catalog_drop(engine_catalogs(e), lower, true, error);
        if (ok && existed && s && s->store == CATALOG_STORE_FILE && s->config_dir && valid_catalog_name(lower))
            ok = remove_catalog_file(s->config_dir, lower, error);
    }
    if (s)
        pthread_mutex_unlock(&s->lock);
    return ok;
}

/* ---- secrets ------------------------------------------------------------------- */

bool catalog_store_is_secret(const char *key)
{
    static const char *const words[] = {"password", "secret", "token", "key"};
    for (size_t i = 0; key && i < sizeof words / sizeof *words; i++)
        if (strcasestr(key, words[i]))
            return true;
    return false;
}

const char *catalog_store_shown_value(const char *key, const char *value)
{
    return catalog_store_is_secret(key) ? "***" : value;
}
