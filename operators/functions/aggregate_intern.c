/*
 * aggregate_intern.c — the interning table behind aggregate_intern
 * (aggregate_families.h): a mutex-guarded list of implementation objects,
 * one per distinct (name, return type, intermediate type, data bytes).
 * Lookups happen when a plan is compiled, never per row.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "operators/functions/aggregate_families.h"

typedef struct interned {
    aggregate_function function;
    size_t data_size;
    struct interned *next;
    _Alignas(16) unsigned char data[];
} interned;

static pthread_mutex_t intern_lock = PTHREAD_MUTEX_INITIALIZER;
static interned *intern_list;

static bool same(const interned *x, const aggregate_function *f, const void *data, size_t data_size)
{
    return x->data_size == data_size && strcmp(x->function.name, f->name) == 0 &&
           type_equal(x->function.return_type, f->return_type) &&
           type_equal(x->function.intermediate_type, f->intermediate_type) &&
           memcmp(x->data, data, data_size) == 0;
}

const aggregate_function *aggregate_intern(const aggregate_function *function, const void *data,
                                           size_t data_size, shoal_error *error)
{
    pthread_mutex_lock(&intern_lock);
    interned *x;
    for (x = intern_list; x; x = x->next)
        if (same(x, function, data, data_size))
            break;
    if (!x && (x = calloc(1, sizeof *x + data_size))) {
        x->function = *function;
        x->function.state_size = (function->state_size + 15) & ~(size_t)15;
        x->data_size = data_size;
        memcpy(x->data, data, data_size);
        x->function.data = x->data;
        x->next = intern_list;
        intern_list = x;
    }
    pthread_mutex_unlock(&intern_lock);
    if (!x)
        aggregate_out_of_memory(error);
    return x ? &x->function : NULL;
}
