/*
 * connector.c — helpers every connector uses: properties lookup, table
 * metadata, string and split lists.
 */
#include "connector.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *connector_properties_get(const connector_properties *props, const char *key)
{
    for (int i = 0; props && i < props->count; i++)
        if (strcmp(props->items[i].key, key) == 0)
            return props->items[i].value;
    return NULL;
}

table_metadata *table_metadata_new(const char *schema, const char *name, int column_count)
{
    table_metadata *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->schema = strdup(schema);
    t->name = strdup(name);
    t->column_count = column_count;
    t->columns = calloc((size_t)(column_count > 0 ? column_count : 1), sizeof *t->columns);
    t->row_count = NAN;
    if (!t->schema || !t->name || !t->columns) {
        table_metadata_free(t);
        return NULL;
    }
    return t;
}

void table_metadata_set_column(table_metadata *t, int index, const char *name, sql_type type)
{
    column_metadata *c = &t->columns[index];
    free(c->name);
    c->name = strdup(name);
    c->type = type;
    c->nullable = true;
    c->stats.distinct_count = NAN;
    c->stats.null_fraction = NAN;
    c->stats.data_size = NAN;
}

void table_metadata_free(table_metadata *t)
{
    if (!t)
        return;
    for (int i = 0; i < t->column_count && t->columns; i++) {
        free(t->columns[i].name);
        free(t->columns[i].comment);
    }
    free(t->columns);
    free(t->schema);
    free(t->name);
    free(t->comment);
    free(t);
}

static char *copy_or_null(const char *text, bool *ok)
{
    if (!text)
        return NULL;
    char *copy = strdup(text);
    *ok = *ok && copy;
    return copy;
}

view_definition *view_definition_copy(const view_definition *v)
{
    view_definition *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    bool ok = true;
    c->schema = copy_or_null(v->schema, &ok);
    c->name = copy_or_null(v->name, &ok);
    c->sql = copy_or_null(v->sql, &ok);
    c->catalog_context = copy_or_null(v->catalog_context, &ok);
    c->schema_context = copy_or_null(v->schema_context, &ok);
    c->comment = copy_or_null(v->comment, &ok);
    c->owner = copy_or_null(v->owner, &ok);
    c->run_as_invoker = v->run_as_invoker;
    int n = v->column_count;
    c->column_names = calloc((size_t)(n > 0 ? n : 1), sizeof *c->column_names);
    c->column_types = calloc((size_t)(n > 0 ? n : 1), sizeof *c->column_types);
    ok = ok && c->column_names && c->column_types;
    if (ok)
        c->column_count = n;
    for (int i = 0; ok && i < n; i++) {
        c->column_names[i] = copy_or_null(v->column_names[i], &ok);
        c->column_types[i] = v->column_types[i];
    }
    if (!ok) {
        view_definition_free(c);
        return NULL;
    }
    return c;
}

void view_definition_free(view_definition *v)
{
    if (!v)
        return;
    for (int i = 0; i < v->column_count && v->column_names; i++)
        free(v->column_names[i]);
    free(v->column_names);
    free(v->column_types);
    free(v->schema);
    free(v->name);
    free(v->sql);
    free(v->catalog_context);
    free(v->schema_context);
    free(v->comment);
    free(v->owner);
    free(v);
}

int table_metadata_find_column(const table_metadata *t, const char *name)
{
    for (int i = 0; i < t->column_count; i++)
        if (strcmp(t->columns[i].name, name) == 0)
            return i;
    return -1;
}

bool string_list_add(string_list *list, const char *item)
{
    if (list->count == list->capacity) {
        int capacity = list->capacity ? list->capacity * 2 : 8;
        char **items = realloc(list->items, sizeof *items * (size_t)capacity);
        if (!items)
            return false;
        list->items = items;
        list->capacity = capacity;
    }
    char *copy = strdup(item);
    if (!copy)
        return false;
    list->items[list->count++] = copy;
    return true;
}

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void string_list_sort(string_list *list)
{
    if (list->count > 1) /* items is NULL while the list is empty */
        qsort(list->items, (size_t)list->count, sizeof *list->items, compare_strings);
}

void string_list_free(string_list *list)
{
    for (int i = 0; i < list->count; i++)
        free(list->items[i]);
    free(list->items);
    memset(list, 0, sizeof *list);
}

bool split_list_add(split_list *list, const void *bytes, size_t size, const char *description)
{
    if (list->count == list->capacity) {
        int capacity = list->capacity ? list->capacity * 2 : 8;
        split *items = realloc(list->items, sizeof *items * (size_t)capacity);
        if (!items)
            return false;
        list->items = items;
        list->capacity = capacity;
    }
    split *s = &list->items[list->count];
    s->bytes = malloc(size ? size : 1);
    s->description = description ? strdup(description) : NULL;
    if (!s->bytes) {
        free(s->description);
        return false;
    }
    memcpy(s->bytes, bytes, size);
    s->size = size;
    list->count++;
    return true;
}

void split_list_free(split_list *list)
{
    for (int i = 0; i < list->count; i++) {
        free(list->items[i].bytes);
        free(list->items[i].description);
    }
    free(list->items);
    memset(list, 0, sizeof *list);
}
