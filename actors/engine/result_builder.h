/*
 * result_builder.h — rows of a statement that answers without running a
 * query plan (SHOW CATALOGS, DESCRIBE, ...), collected into pages.
 */
#ifndef SHOAL_ACTORS_RESULT_BUILDER_H
#define SHOAL_ACTORS_RESULT_BUILDER_H

#include <stdbool.h>

#include "connectors/spi/page.h"
#include "connectors/spi/value.h"

typedef struct result_builder {
    int column_count;
    sql_type types[16];
    page **pages;
    int page_count;
    int page_capacity;
} result_builder;

void result_builder_init(result_builder *b, int column_count, const sql_type *types);
/* Appends one row of values (strings are copied). */
bool result_builder_add_row(result_builder *b, const value *row);
/* Convenience: a row of C strings for an all-varchar result (NULL = SQL NULL). */
bool result_builder_add_strings(result_builder *b, const char *const *row);
/* Hands the pages over (the builder is empty afterwards). */
page **result_builder_take(result_builder *b, int *count);
void result_builder_free(result_builder *b);

/* SHOW ... LIKE 'pattern': % and _ wildcards; a NULL pattern matches all. */
bool show_like_matches(const char *pattern, const char *text);

#endif
