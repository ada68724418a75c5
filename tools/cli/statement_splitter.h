/*
 * statement_splitter.h — cuts SQL text into statements at ';' the way the
 * Trino CLI does: a ';' inside a '...' string, a "..." identifier, a
 * -- line comment or a block comment does not end a statement.
 * Used for --execute, --file and the interactive buffer (whose unfinished
 * last statement is the remainder, shown with the continuation prompt).
 */
#ifndef SHOAL_CLI_STATEMENT_SPLITTER_H
#define SHOAL_CLI_STATEMENT_SPLITTER_H

#include <stdbool.h>
#include <stddef.h>

typedef struct statement_list {
    char **items;        /* complete statements, trimmed, without the ';' */
    size_t count;
    char *remainder;     /* text after the last ';' (trimmed; "" when none) */
} statement_list;

/* false only when memory ran out. Empty statements (";;") are dropped. */
bool statement_split(const char *text, statement_list *out);
void statement_list_free(statement_list *list);

/* true when `text` holds nothing but spaces and comments. */
bool statement_is_blank(const char *text);

#endif
