/*
 * memory_views.c — views in the memory connector, as Trino's MemoryMetadata
 * keeps them: definitions held in coordinator memory beside the tables, in
 * the same name space (a view cannot take a table's name and back).
 */
#include <stdlib.h>
#include <string.h>

#include "memory_internal.h"

static bool oom(shoal_error *error)
{
    return error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
}

int memory_find_view_locked(memory_connector *m, const char *schema, const char *name)
{
    for (int i = 0; i < m->view_count; i++)
        if (strcmp(m->views[i]->schema, schema) == 0 && strcmp(m->views[i]->name, name) == 0)
            return i;
    return -1;
}

view_definition *memory_remove_view_locked(memory_connector *m, int index)
{
    view_definition *v = m->views[index];
    m->views[index] = m->views[--m->view_count];
    return v;
}

bool memory_list_views(connector *c, const char *schema, string_list *out, shoal_error *error)
{
    memory_connector *m = (memory_connector *)c;
    pthread_mutex_lock(&m->lock);
    bool ok = true;
    for (int i = 0; ok && i < m->view_count; i++)
        if (!schema || strcmp(m->views[i]->schema, schema) == 0)
            ok = string_list_add(out, m->views[i]->name);
    pthread_mutex_unlock(&m->lock);
    if (!ok)
        return oom(error);
    string_list_sort(out);
    return true;
}

view_definition *memory_get_view(connector *c, const char *schema, const char *name, shoal_error *error)
{
    memory_connector *m = (memory_connector *)c;
    pthread_mutex_lock(&m->lock);
    int index = memory_find_view_locked(m, schema, name);
    view_definition *copy = index >= 0 ? view_definition_copy(m->views[index]) : NULL;
    pthread_mutex_unlock(&m->lock);
    if (index >= 0 && !copy)
        oom(error);
    return copy;
}

static bool add_view_locked(memory_connector *m, view_definition *v)
{
    if (m->view_count == m->view_capacity) {
        int capacity = m->view_capacity ? m->view_capacity * 2 : 8;
        view_definition **grown = realloc(m->views, sizeof *grown * (size_t)capacity);
        if (!grown)
            return false;
        m->views = grown;
        m->view_capacity = capacity;
    }
    m->views[m->view_count++] = v;
    return true;
}

bool memory_create_view(connector *c, const view_definition *view, bool replace, shoal_error *error)
{
    memory_connector *m = (memory_connector *)c;
    view_definition *copy = view_definition_copy(view), *replaced = NULL;
    if (!copy)
        return oom(error);
    pthread_mutex_lock(&m->lock);
    int index = memory_find_view_locked(m, view->schema, view->name);
    bool ok = false;
    if (memory_find_schema_locked(m, view->schema) < 0)
        error_set(error, ERR_SCHEMA_NOT_FOUND, "Schema '%s' does not exist", view->schema);
    else if (memory_find_table_locked(m, view->schema, view->name))
        error_set(error, ERR_TABLE_ALREADY_EXISTS, "Table already exists: '%s.%s.%s'", m->catalog_name,
                  view->schema, view->name);
    else if (index >= 0 && !replace)
        error_set(error, ERR_ALREADY_EXISTS, "View already exists: '%s.%s.%s'", m->catalog_name,
                  view->schema, view->name);
    else if (index >= 0) {
        replaced = m->views[index];
        m->views[index] = copy;
        ok = true;
    } else {
        ok = add_view_locked(m, copy) || oom(error);
    }
    pthread_mutex_unlock(&m->lock);
    view_definition_free(replaced);
    if (!ok)
        view_definition_free(copy);
    return ok;
}

bool memory_drop_view(connector *c, const char *schema, const char *name, shoal_error *error)
{
    memory_connector *m = (memory_connector *)c;
    pthread_mutex_lock(&m->lock);
    int index = memory_find_view_locked(m, schema, name);
    view_definition *dropped = index >= 0 ? memory_remove_view_locked(m, index) : NULL;
    pthread_mutex_unlock(&m->lock);
    if (!dropped)
        return error_set(error, ERR_TABLE_NOT_FOUND, "View '%s.%s.%s' does not exist", m->catalog_name, schema,
                         name);
    view_definition_free(dropped);
    return true;
}
