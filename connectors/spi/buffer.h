/*
 * buffer.h — reference-counted memory blocks that vectors and pages share.
 *
 * Pages move between actors on different cores and a projection may pass a
 * column through untouched, so the memory behind a vector is counted rather
 * than owned. buffer_ref/buffer_unref are atomic; the last unref frees.
 */
#ifndef SHOAL_SPI_BUFFER_H
#define SHOAL_SPI_BUFFER_H

#include <stdatomic.h>
#include <stddef.h>

typedef struct buffer {
    atomic_uint refcount;
    size_t capacity;
    size_t used;                     /* for append-only use (string bytes) */
    _Alignas(16) unsigned char data[];
} buffer;

/* A zeroed-on-request buffer of at least `capacity` bytes, refcount 1.
 * Returns NULL when memory is exhausted. */
buffer *buffer_new(size_t capacity);
buffer *buffer_new_zeroed(size_t capacity);
buffer *buffer_ref(buffer *b);
void buffer_unref(buffer *b);

#endif
