/*
 * operator.h — the one protocol every operator follows (Trino's Operator).
 *
 * Operators are data in, data out: they never send messages and never block.
 * A driver (driver.h) moves pages between adjacent operators of a pipeline:
 *
 *   while the upstream operator is not finished and the downstream one
 *   needs input: page = upstream.get_output(); downstream.add_input(page);
 *   when the upstream is finished: downstream.finish()
 *
 * add_input takes the caller's page reference. get_output returns true with
 * *out set to a page (or NULL when it has nothing right now). An operator that
 * is waiting for something outside the pipeline (a hash build in another
 * pipeline, a connector socket, memory) says so through is_blocked, filling
 * an operator_wait; the pipeline actor then parks until the wait is over.
 *
 * Verbs are uniform across operators: <name>_create(...) makes one (its
 * "init"), and the ops table holds process steps, finish and close.
 */
#ifndef SHOAL_OPERATORS_OPERATOR_H
#define SHOAL_OPERATORS_OPERATOR_H

#include <stdbool.h>
#include <stdint.h>

#include "connectors/spi/connector.h"
#include "connectors/spi/error.h"
#include "connectors/spi/page.h"
#include "operators/operator_event.h"

typedef struct operator operator;
typedef struct op_memory_hook op_memory_hook; /* op_memory.h */
typedef struct spill_context spill_context;   /* spiller.h */

/* What a blocked operator waits for: a connector's fd/timer, or an event
 * that another pipeline completes (e.g. a join build). */
typedef struct operator_wait {
    source_wait source;
    operator_event *event;
} operator_wait;

typedef struct operator_stats {
    uint64_t input_rows;
    uint64_t input_bytes;
    uint64_t output_rows;
    uint64_t output_bytes;
    uint64_t cpu_ns;              /* thread CPU time in the operator's calls */
    uint64_t wall_ns;             /* wall time in the operator's calls */
    uint64_t blocked_ns;
    uint64_t peak_memory_bytes;
} operator_stats;

typedef struct operator_ops {
    const char *name;                                   /* "HashAggregation", ... */
    bool (*needs_input)(operator *op);
    bool (*add_input)(operator *op, page *p, shoal_error *error);
    bool (*get_output)(operator *op, page **out, shoal_error *error);
    void (*finish)(operator *op);                       /* no more input will come */
    bool (*is_finished)(operator *op);
    bool (*is_blocked)(operator *op, operator_wait *wait); /* NULL: never blocks */
    void (*close)(operator *op);                        /* releases everything, frees op */
    /* NULL: none. A pipeline's last operator's own work after its input
     * ended (its share of a hash build): the driver calls it while the
     * operator is neither finished nor blocked; *progressed says it did
     * something. */
    bool (*work)(operator *op, bool *progressed, shoal_error *error);
} operator_ops;

/* Every operator struct starts with this header. */
struct operator {
    const operator_ops *ops;
    operator_stats stats;
    int plan_node_id;                                   /* for EXPLAIN ANALYZE */
    op_memory_hook *memory_hook;                        /* set by the pipeline; NULL: untracked */
    const spill_context *spill;                         /* set by the pipeline when spill is on; else NULL */
};

void operator_init_header(operator *op, const operator_ops *ops, int plan_node_id);

#endif
