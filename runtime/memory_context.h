/*
 * memory_context.h - hierarchical accounting of retained bytes with limits
 * (node -> query -> task -> operator, as Trino's memory contexts).
 *
 * Code reserves bytes before it retains a large structure (hash table, sort
 * buffer, page buffer) and releases them when it frees it. A reservation is
 * charged to the context and every ancestor; if any limit would be exceeded
 * nothing is charged and SHOAL_EMEMLIMIT comes back (a clean query failure or
 * a spill), or - with memory_context_reserve_or_wait - the task is registered
 * on the refusing context and returns BLOCKED(memory) until bytes are
 * released there. All counters are atomics: tasks on different cores share a
 * query context.
 *
 *     memory_context *query = memory_context_create(node, "query 42", 1 << 30);
 *     memory_context *op = memory_context_create(query, "hash build", 0);   // 0: no own limit
 *     if (memory_context_reserve(op, bytes) != 0) return fail_query(...);
 *     ...
 *     memory_context_release(op, bytes);
 *     memory_context_destroy(op);   // gives back whatever it still holds
 */
#ifndef SHOAL_RUNTIME_MEMORY_CONTEXT_H
#define SHOAL_RUNTIME_MEMORY_CONTEXT_H

#include "runtime/task.h"

#include <stdint.h>

typedef struct memory_context memory_context;

/* limit_bytes 0 = unlimited. Returns NULL on allocation failure. */
memory_context *memory_context_create(memory_context *parent, const char *name,
                                      int64_t limit_bytes);
/* Releases its remaining reservation from the ancestors and frees it.
 * SHOAL_EBUSY (nothing done) while it has children. */
int memory_context_destroy(memory_context *c);

/* 0, SHOAL_EMEMLIMIT, or SHOAL_EINVAL for a negative size. */
int memory_context_reserve(memory_context *c, int64_t bytes);
/* 0 when granted; SHOAL_EAGAIN after registering the running actor on the
 * refusing context (return TASK_BLOCKED); SHOAL_EMEMLIMIT when the request is
 * larger than a limit and can never be granted. */
int memory_context_reserve_or_wait(memory_context *c, int64_t bytes, task *t);
void memory_context_release(memory_context *c, int64_t bytes);
/* Charges `bytes` to c and its ancestors whatever their limits (an
 * over-commit the caller knows will be short: memory is being freed
 * elsewhere, e.g. a query was just killed to make room). */
void memory_context_force_reserve(memory_context *c, int64_t bytes);

int64_t memory_context_reserved(const memory_context *c);
int64_t memory_context_peak(const memory_context *c);
int64_t memory_context_limit(const memory_context *c);
/* Changes the limit (it may be below the current reservation: later
 * reservations fail until enough is released). */
void memory_context_set_limit(memory_context *c, int64_t limit_bytes);
const char *memory_context_name(const memory_context *c);
/* The context that refused the last failed reservation on this thread. */
const memory_context *memory_context_last_refusal(void);

/* Used by task_cancel_wait. */
void memory_context_cancel_wait(memory_context *c, task *t);

#endif
