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

/* Where retained-byte changes go: the pipeline that runs the operator sets
 * op->memory_hook (actors/engine/query_limits.c charges the query's memory
 * context and fails the query over its limit), so operators depend on
 * nothing above them. `changed` must be cheap and never block. */
struct op_memory_hook {
    void (*changed)(op_memory_hook *hook, const operator *op, int64_t delta_bytes);
};

/* Records that `op` now retains `bytes` and tells the hook the change. */
static inline void op_memory_set(operator *op, op_memory *m, uint64_t bytes)
{
    if (op->memory_hook && bytes != m->bytes)
        op->memory_hook->changed(op->memory_hook, op, (int64_t)bytes - (int64_t)m->bytes);
    m->bytes = bytes;
    if (bytes > op->stats.peak_memory_bytes)
        op->stats.peak_memory_bytes = bytes;
}

#endif
