/*
 * statement_splitter.c — a small lexer that only knows quotes and comments,
 * enough to find the ';' that end statements.
 */
#include "statement_splitter.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* Skips one token that may hide a ';' (string, quoted identifier, comment);
 * returns the position after it, or `p` itself when none starts here. An
 * unterminated one runs to the end of the text. */
static const char *skip_protected(const char *p)
{
    if (*p == '\'' || *p == '"') {
        char quote = *p++;
        while (*p) {
            if (*p == quote && p[1] == quote)
                p += 2;
            else if (*p++ == quote)
                return p;
        }
        return p;
    }
    if (p[0] == '-' && p[1] == '-') {
        const char *end = strchr(p, '\n');
        return end ? end + 1 : p + strlen(p);
    }
    if (p[0] == '/' && p[1] == '*') {
        const char *end = strstr(p + 2, "*/");
        return end ? end + 2 : p + strlen(p);
    }
    return p;
}

static char *trimmed_copy(const char *start, const char *end)
{
    while (start < end && isspace((unsigned char)*start))
        start++;
    while (end > start && isspace((unsigned char)end[-1]))
        end--;
    return strndup(start, (size_t)(end - start));
}

static bool push(statement_list *list, char *statement)
{
    if (!statement)
        return false;
    if (!*statement) {
        free(statement);
        return true;
    }
    char **grown = realloc(list->items, (list->count + 1) * sizeof *grown);
    if (!grown) {
        free(statement);
        return false;
    }
    list->items = grown;
    list->items[list->count++] = statement;
    return true;
}

bool statement_split(const char *text, statement_list *out)
{
    memset(out, 0, sizeof *out);
    const char *start = text, *p = text;
    while (*p) {
        const char *after = skip_protected(p);
        if (after != p) {
            p = after;
            continue;
        }
        if (*p == ';') {
            if (!push(out, trimmed_copy(start, p))) {
                statement_list_free(out);
                return false;
            }
            start = p + 1;
        }
        p++;
    }
    out->remainder = trimmed_copy(start, p);
    if (!out->remainder) {
        statement_list_free(out);
        return false;
    }
    return true;
}

void statement_list_free(statement_list *list)
{
    for (size_t i = 0; i < list->count; i++)
        free(list->items[i]);
    free(list->items);
    free(list->remainder);
    memset(list, 0, sizeof *list);
}

bool statement_is_blank(const char *text)
{
    const char *p = text;
    while (*p) {
        if (isspace((unsigned char)*p)) {
            p++;
            continue;
        }
        if ((p[0] == '-' && p[1] == '-') || (p[0] == '/' && p[1] == '*')) {
            p = skip_protected(p);
            continue;
        }
        return false;
    }
    return true;
}
