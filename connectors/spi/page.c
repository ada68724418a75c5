/*
 * page.c — making, sharing and measuring pages.
 */
#include "page.h"

#include <stdlib.h>

page *page_new_empty(int column_count)
{
    page *p = calloc(1, sizeof(page) + sizeof(vector) * (size_t)column_count);
    if (!p)
        return NULL;
    atomic_init(&p->refcount, 1);
    p->column_count = column_count;
    return p;
}

page *page_new(int column_count, const sql_type *types, uint32_t capacity)
{
    page *p = page_new_empty(column_count);
    if (!p)
        return NULL;
    for (int i = 0; i < column_count; i++) {
        if (!vector_init_flat(&p->columns[i], types[i], capacity)) {
            p->column_count = i;
            page_unref(p);
            return NULL;
        }
    }
    return p;
}

page *page_ref(page *p)
{
    if (p)
        atomic_fetch_add_explicit(&p->refcount, 1, memory_order_relaxed);
    return p;
}

void page_unref(page *p)
{
    if (!p || atomic_fetch_sub_explicit(&p->refcount, 1, memory_order_acq_rel) != 1)
        return;
    for (int i = 0; i < p->column_count; i++)
        vector_destroy(&p->columns[i]);
    free(p);
}

static size_t vector_retained_bytes(const vector *v)
{
    size_t total = 0;
    if (v->data_buffer)
        total += v->data_buffer->capacity;
    if (v->validity_buffer)
        total += v->validity_buffer->capacity;
    if (v->selection_buffer)
        total += v->selection_buffer->capacity;
    for (int i = 0; i < v->kept_count; i++)
        total += v->kept[i]->capacity;
    if (v->dictionary)
        total += vector_retained_bytes(v->dictionary);
    for (int i = 0; i < v->child_count; i++)
        total += vector_retained_bytes(v->children[i]);
    return total;
}

size_t page_retained_bytes(const page *p)
{
    size_t total = sizeof(page) + sizeof(vector) * (size_t)p->column_count;
    for (int i = 0; i < p->column_count; i++)
        total += vector_retained_bytes(&p->columns[i]);
    return total;
}
