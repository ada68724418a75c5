/*
 * result_builder.c — collecting rows into pages.
 */
#include "result_builder.h"

#include <stdlib.h>
#include <string.h>

void result_builder_init(result_builder *b, int column_count, const sql_type *types)
{
    memset(b, 0, sizeof *b);
    b->column_count = column_count;
    memcpy(b->types, types, sizeof(sql_type) * (size_t)column_count);
}

static page *current_page(result_builder *b)
{
    if (b->page_count > 0 && b->pages[b->page_count - 1]->row_count < VECTOR_SIZE)
        return b->pages[b->page_count - 1];
    if (b->page_count == b->page_capacity) {
        int capacity = b->page_capacity ? b->page_capacity * 2 : 4;
        page **grown = realloc(b->pages, sizeof *grown * (size_t)capacity);
        if (!grown)
            return NULL;
        b->pages = grown;
        b->page_capacity = capacity;
    }
    page *p = page_new(b->column_count, b->types, VECTOR_SIZE);
    if (p)
        b->pages[b->page_count++] = p;
    return p;
}

bool result_builder_add_row(result_builder *b, const value *row)
{
    page *p = current_page(b);
    if (!p)
        return false;
    for (int c = 0; c < b->column_count; c++)
        if (!value_store(&row[c], &p->columns[c], p->row_count))
            return false;
    p->row_count++;
    return true;
}

bool result_builder_add_strings(result_builder *b, const char *const *row)
{
    value values[16];
    for (int c = 0; c < b->column_count; c++) {
        values[c] = row[c] ? value_varchar(row[c], (uint32_t)strlen(row[c]))
                           : value_null(b->types[c]);
        values[c].type = b->types[c];
    }
    return result_builder_add_row(b, values);
}

page **result_builder_take(result_builder *b, int *count)
{
    page **pages = b->pages;
    *count = b->page_count;
    b->pages = NULL;
    b->page_count = b->page_capacity = 0;
    return pages;
}

void result_builder_free(result_builder *b)
{
    for (int i = 0; i < b->page_count; i++)
        page_unref(b->pages[i]);
    free(b->pages);
    memset(b, 0, sizeof *b);
}

bool show_like_matches(const char *pattern, const char *text)
{
    if (!pattern)
        return true;
    if (*pattern == '\0')
        return *text == '\0';
    if (*pattern == '%') {
        for (const char *t = text;; t++) {
            if (show_like_matches(pattern + 1, t))
                return true;
            if (*t == '\0')
                return false;
        }
    }
    if (*text == '\0')
        return false;
    if (*pattern == '_' || *pattern == *text)
        return show_like_matches(pattern + 1, text + 1);
    return false;
}
