/*
 * driver.h — runs one pipeline: a chain of operators from a source (table
 * scan, exchange, values) to a sink (output buffer, hash build, table
 * writer). driver_process moves pages until the quantum ends, nothing moves,
 * an operator is blocked, or the pipeline is finished. It is what a pipeline
 * actor calls each turn (actors/); here it knows nothing of actors.
 */
#ifndef SHOAL_OPERATORS_DRIVER_H
#define SHOAL_OPERATORS_DRIVER_H

#include <stdbool.h>
#include <stdint.h>

#include "operators/operator.h"

typedef enum driver_status {
    DRIVER_YIELD,         /* quantum spent; call again later */
    DRIVER_BLOCKED,       /* see the wait; call again when it is over */
    DRIVER_FINISHED,
    DRIVER_FAILED         /* error set */
} driver_status;

typedef struct driver {
    operator **operators;
    int operator_count;
    bool closed;
} driver;

/* The driver takes ownership of the operators (closes them in driver_close). */
driver *driver_create(operator **operators, int operator_count);
/* `deadline_ns` is a clock_now_ns() deadline for this turn (0: run until
 * blocked or finished); `should_yield`, if given, is polled between steps
 * (the scheduler's need_preempt flag). */
driver_status driver_process(driver *d, uint64_t deadline_ns, const volatile bool *should_yield,
                             operator_wait *wait, shoal_error *error);
void driver_close(driver *d);

#endif
