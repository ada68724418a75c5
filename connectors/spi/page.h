/*
 * page.h — a batch of rows: one vector per column, all of the same length
 * (at most VECTOR_SIZE rows). Pages are reference counted because exchange
 * buffers hand the same page to several consumers (broadcast).
 */
#ifndef SHOAL_SPI_PAGE_H
#define SHOAL_SPI_PAGE_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "connectors/spi/vector.h"

typedef struct page {
    atomic_uint refcount;
    uint32_t row_count;
    int column_count;
    vector columns[];
} page;

/* A page of flat, writable vectors of the given types with room for
 * `capacity` rows; row_count starts at 0. NULL on out of memory. */
page *page_new(int column_count, const sql_type *types, uint32_t capacity);
/* A page whose vectors are uninitialised; the caller initialises each one. */
page *page_new_empty(int column_count);
page *page_ref(page *p);
void page_unref(page *p);

/* Retained size in bytes (vectors, validity, strings), for memory accounting. */
size_t page_retained_bytes(const page *p);

#endif
