/*
 * analyzer_scope.c — scopes: the named columns a relation exposes, and
 * resolving a (possibly qualified) column name against them.
 */
#include "analyzer_internal.h"

#include <stdlib.h>
#include <string.h>

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

bool scope_add(scope *s, const char *catalog, const char *schema, const char *table,
               const char *name, sql_type type, bool hidden)
{
    if (s->count == s->capacity) {
        int capacity = s->capacity ? s->capacity * 2 : 16;
        scope_field *fields = realloc(s->fields, sizeof *fields * (size_t)capacity);
        if (!fields)
            return false;
        s->fields = fields;
        s->capacity = capacity;
    }
    scope_field *f = &s->fields[s->count++];
    f->catalog = dup_or_null(catalog);
    f->schema = dup_or_null(schema);
    f->table = dup_or_null(table);
    f->name = dup_or_null(name);
    f->type = type;
    f->hidden = hidden;
    return true;
}

bool scope_append(scope *s, const scope *other)
{
    for (int i = 0; i < other->count; i++) {
        const scope_field *f = &other->fields[i];
        if (!scope_add(s, f->catalog, f->schema, f->table, f->name, f->type, f->hidden))
            return false;
    }
    return true;
}

bool scope_copy(scope *dst, const scope *src)
{
    memset(dst, 0, sizeof *dst);
    return scope_append(dst, src);
}

void scope_free(scope *s)
{
    for (int i = 0; i < s->count; i++) {
        free(s->fields[i].catalog);
        free(s->fields[i].schema);
        free(s->fields[i].table);
        free(s->fields[i].name);
    }
    free(s->fields);
    memset(s, 0, sizeof *s);
}

void relation_free(relation *r)
{
    plan_free(r->plan);
    r->plan = NULL;
    scope_free(&r->scope);
}

static bool part_matches(const char *field_part, const char *wanted)
{
    return field_part && strcmp(field_part, wanted) == 0;
}

/* Does the qualifier (parts[0..n-1]) name this field's relation? */
static bool qualifier_matches(const scope_field *f, const char *const *parts, int n)
{
    if (n == 0)
        return true;
    if (!part_matches(f->table, parts[n - 1]))
        return false;
    if (n >= 2 && !part_matches(f->schema, parts[n - 2]))
        return false;
    if (n >= 3 && !part_matches(f->catalog, parts[n - 3]))
        return false;
    return n <= 3;
}

int scope_resolve(const scope *s, const char *const *parts, int part_count)
{
    if (part_count < 1)
        return -1;
    const char *column = parts[part_count - 1];
    int found = -1;
    for (int i = 0; i < s->count; i++) {
        const scope_field *f = &s->fields[i];
        if (!f->name || strcmp(f->name, column) != 0)
            continue;
        if (!qualifier_matches(f, parts, part_count - 1))
            continue;
        if (found >= 0)
            return -2;
        found = i;
    }
    return found;
}
