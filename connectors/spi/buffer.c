/*
 * buffer.c — allocation and reference counting of shared memory blocks.
 */
#include "buffer.h"

#include <stdlib.h>
#include <string.h>

buffer *buffer_new(size_t capacity)
{
    buffer *b = malloc(sizeof(buffer) + capacity);
    if (!b)
        return NULL;
    atomic_init(&b->refcount, 1);
    b->capacity = capacity;
    b->used = 0;
    return b;
}

buffer *buffer_new_zeroed(size_t capacity)
{
    buffer *b = buffer_new(capacity);
    if (b)
        memset(b->data, 0, capacity);
    return b;
}

buffer *buffer_ref(buffer *b)
{
    if (b)
        atomic_fetch_add_explicit(&b->refcount, 1, memory_order_relaxed);
    return b;
}

void buffer_unref(buffer *b)
{
    if (b && atomic_fetch_sub_explicit(&b->refcount, 1, memory_order_acq_rel) == 1)
        free(b);
}
