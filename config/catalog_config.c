/*
 * catalog_config.c — reading catalog property files and directories.
 */
#include "catalog_config.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char SUFFIX[] = ".properties";

bool catalog_config_from_properties(const char *name, const config_properties *props, catalog_config *out,
                                    config_error *error)
{
    memset(out, 0, sizeof *out);
    const char *file = props->file && *props->file ? props->file : name;
    if (!name || !*name)
        return config_error_set(error, file, 0, NULL, "catalog name is empty");
    const char *connector = config_properties_get(props, "connector.name");
    if (!connector)
        return config_error_set(error, file, 0, "connector.name",
                                "Catalog configuration %s does not contain connector.name", file);
    if (!*connector)
        return config_error_set(error, file, config_properties_find(props, "connector.name")->line,
                                "connector.name", "connector.name is empty");
    out->name = strdup(name);
    out->connector_name = strdup(connector);
    out->properties.file = strdup(file);
    if (!out->name || !out->connector_name || !out->properties.file) {
        catalog_config_free(out);
        return config_error_set(error, file, 0, NULL, "out of memory");
    }
    for (size_t i = 0; i < props->count; i++) {
        const config_property *p = &props->items[i];
        if (strcmp(p->key, "connector.name") == 0)
            continue;
        if (!config_properties_add(&out->properties, p->key, p->value, p->line, error)) {
            catalog_config_free(out);
            return false;
        }
    }
    return true;
}

bool catalog_config_load(const char *path, catalog_config *out, config_error *error)
{
    memset(out, 0, sizeof *out);
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t n = strlen(base);
    size_t s = sizeof SUFFIX - 1;
    if (n <= s || strcmp(base + n - s, SUFFIX) != 0)
        return config_error_set(error, path, 0, NULL, "a catalog file name must end in .properties");
    char name[256];
    if (n - s >= sizeof name)
        return config_error_set(error, path, 0, NULL, "catalog file name is too long");
    memcpy(name, base, n - s);
    name[n - s] = '\0';

    config_properties props;
    if (!config_properties_load(path, &props, error))
        return false;
    bool ok = config_properties_resolve_env(&props, error) && catalog_config_from_properties(name, &props, out, error);
    config_properties_free(&props);
    return ok;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

bool catalog_config_load_dir(const char *dir, catalog_config_list *out, config_error *error)
{
    memset(out, 0, sizeof *out);
    DIR *d = opendir(dir);
    if (!d)
        return config_error_set(error, dir, 0, NULL, "cannot open catalog directory: %s", strerror(errno));
    char **names = NULL;
    size_t count = 0, capacity = 0;
    bool ok = true;
    struct dirent *entry;
    while ((entry = readdir(d)) != NULL) {
        size_t n = strlen(entry->d_name);
        size_t s = sizeof SUFFIX - 1;
        if (entry->d_name[0] == '.' || n <= s || strcmp(entry->d_name + n - s, SUFFIX) != 0)
            continue;
        if (count == capacity) {
            capacity = capacity ? capacity * 2 : 8;
            char **grown = realloc(names, capacity * sizeof *names);
            if (!grown) {
                ok = false;
                break;
            }
            names = grown;
        }
        if (!(names[count] = strdup(entry->d_name))) {
            ok = false;
            break;
        }
        count++;
    }
    closedir(d);
    if (!ok)
        config_error_set(error, dir, 0, NULL, "out of memory");
    if (ok && count > 0) {
        qsort(names, count, sizeof *names, compare_names);
        out->catalogs = calloc(count, sizeof *out->catalogs);
        if (!out->catalogs)
            ok = config_error_set(error, dir, 0, NULL, "out of memory");
    }
    for (size_t i = 0; ok && i < count; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        if (!catalog_config_load(path, &out->catalogs[out->count], error))
            ok = false;
        else
            out->count++;
    }
    for (size_t i = 0; i < count; i++)
        free(names[i]);
    free(names);
    if (!ok)
        catalog_config_list_free(out);
    return ok;
}

void catalog_config_free(catalog_config *catalog)
{
    free(catalog->name);
    free(catalog->connector_name);
    config_properties_free(&catalog->properties);
    catalog->name = catalog->connector_name = NULL;
}

void catalog_config_list_free(catalog_config_list *list)
{
    for (size_t i = 0; i < list->count; i++)
        catalog_config_free(&list->catalogs[i]);
    free(list->catalogs);
    list->catalogs = NULL;
    list->count = 0;
}
