/*
 * op_memory.h — memory accounting for operators. Every operator keeps the
 * bytes it retains (hash tables, buffered pages, sort runs) in an
 * op_memory and reports each change through op_memory_set: that is the one
 * place where the runtime's memory-context reservation (DESIGN.md, Memory)
 * will hook in later; today it tracks the current figure and the operator's
 * stats.peak_memory_bytes.
 */
#ifndef SHOAL_OPERATORS_OP_MEMORY_H
#define SHOAL_OPERATORS_OP_MEMORY_H

#include <stddef.h>
#include <stdint.h>

#include "operators/operator.h"

typedef struct op_memory {
    uint64_t bytes;          /* retained now */
} op_memory;

/* Records that `op` now retains `bytes`. The future runtime hook (reserve
 * from the operator's memory context, possibly BLOCKED(memory)) goes here. */
static inline void op_memory_set(operator *op, op_memory *m, uint64_t bytes)
{
    m->bytes = bytes;
    if (bytes > op->stats.peak_memory_bytes)
        op->stats.peak_memory_bytes = bytes;
}

#endif
