/*
 * session.c — session state: catalog/schema, properties, prepared statements.
 */
#include "session.h"

#include <stdlib.h>
#include <string.h>

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

session *session_new(const char *user, const char *catalog, const char *schema)
{
    session *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->user = strdup(user ? user : "shoal");
    s->catalog = dup_or_null(catalog);
    s->schema = dup_or_null(schema);
    return s;
}

static void entries_free(session_entry *entries, int count)
{
    for (int i = 0; i < count; i++) {
        free(entries[i].name);
        free(entries[i].value);
    }
    free(entries);
}

void session_free(session *s)
{
    if (!s)
        return;
    free(s->user);
    free(s->source);
    free(s->catalog);
    free(s->schema);
    free(s->time_zone);
    entries_free(s->properties, s->property_count);
    entries_free(s->prepared, s->prepared_count);
    free(s);
}

bool session_set_catalog_schema(session *s, const char *catalog, const char *schema)
{
    char *c = dup_or_null(catalog), *sc = dup_or_null(schema);
    if ((catalog && !c) || (schema && !sc)) {
        free(c);
        free(sc);
        return false;
    }
    free(s->catalog);
    free(s->schema);
    s->catalog = c;
    s->schema = sc;
    return true;
}

static int entry_index(const session_entry *entries, int count, const char *name)
{
    for (int i = 0; i < count; i++)
        if (strcmp(entries[i].name, name) == 0)
            return i;
    return -1;
}

static bool entry_set(session_entry **entries, int *count, const char *name, const char *value)
{
    int i = entry_index(*entries, *count, name);
    char *copy = strdup(value);
    if (!copy)
        return false;
    if (i >= 0) {
        free((*entries)[i].value);
        (*entries)[i].value = copy;
        return true;
    }
    session_entry *grown = realloc(*entries, sizeof **entries * (size_t)(*count + 1));
    if (!grown) {
        free(copy);
        return false;
    }
    *entries = grown;
    grown[*count].name = strdup(name);
    grown[*count].value = copy;
    (*count)++;
    return true;
}

static bool entry_remove(session_entry *entries, int *count, const char *name)
{
    int i = entry_index(entries, *count, name);
    if (i < 0)
        return false;
    free(entries[i].name);
    free(entries[i].value);
    entries[i] = entries[--(*count)];
    return true;
}

const char *session_property(const session *s, const char *name)
{
    int i = entry_index(s->properties, s->property_count, name);
    return i >= 0 ? s->properties[i].value : NULL;
}

bool session_set_property(session *s, const char *name, const char *value)
{
    return entry_set(&s->properties, &s->property_count, name, value);
}

bool session_reset_property(session *s, const char *name)
{
    return entry_remove(s->properties, &s->property_count, name);
}

const char *session_prepared(const session *s, const char *name)
{
    int i = entry_index(s->prepared, s->prepared_count, name);
    return i >= 0 ? s->prepared[i].value : NULL;
}

bool session_set_prepared(session *s, const char *name, const char *sql)
{
    return entry_set(&s->prepared, &s->prepared_count, name, sql);
}

bool session_remove_prepared(session *s, const char *name)
{
    return entry_remove(s->prepared, &s->prepared_count, name);
}
