/*
 * driver.c — the pipeline loop: move pages from each operator to the next
 * until the quantum is spent, something blocks, or the last operator is
 * finished (Trino's Driver.processInternal).
 */
#include "driver.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static uint64_t clock_ns(clockid_t clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* A call's start: wall (monotonic) and this thread's CPU time, as Trino's
 * OperatorStats keep both (EXPLAIN ANALYZE shows CPU and Wall per node). */
typedef struct call_clock {
    uint64_t wall, cpu;
} call_clock;

static call_clock call_start(void)
{
    return (call_clock){clock_ns(CLOCK_MONOTONIC), clock_ns(CLOCK_THREAD_CPUTIME_ID)};
}

static void call_charge(operator *op, call_clock start)
{
    op->stats.wall_ns += clock_ns(CLOCK_MONOTONIC) - start.wall;
    op->stats.cpu_ns += clock_ns(CLOCK_THREAD_CPUTIME_ID) - start.cpu;
}

driver *driver_create(operator **operators, int operator_count)
{
    driver *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    d->operators = malloc(sizeof *d->operators * (size_t)operator_count);
    if (!d->operators) {
        free(d);
        return NULL;
    }
    memcpy(d->operators, operators, sizeof *d->operators * (size_t)operator_count);
    d->operator_count = operator_count;
    return d;
}

static bool operator_blocked(operator *op, operator_wait *wait)
{
    if (!op->ops->is_blocked)
        return false;
    memset(wait, 0, sizeof *wait);
    return op->ops->is_blocked(op, wait);
}

/* One pass over the chain; returns true when a page moved or a finish
 * propagated. */
static bool driver_pass(driver *d, operator_wait *wait, bool *blocked, shoal_error *error,
                        bool *failed)
{
    bool moved = false;
    for (int i = 0; i + 1 < d->operator_count; i++) {
        operator *current = d->operators[i];
        operator *next = d->operators[i + 1];
        operator_wait w;
        if (operator_blocked(current, &w) || operator_blocked(next, &w)) {
            *wait = w;
            *blocked = true;
            continue;
        }
        if (!current->ops->is_finished(current) && next->ops->needs_input(next)) {
            page *p = NULL;
            call_clock start = call_start();
            bool ok = current->ops->get_output(current, &p, error);
            call_charge(current, start);
            if (!ok) {
                *failed = true;
                return moved;
            }
            if (p && p->row_count == 0) {
                page_unref(p);
                p = NULL;
            }
            if (p) {
                current->stats.output_rows += p->row_count;
                next->stats.input_rows += p->row_count;
                start = call_start();
                ok = next->ops->add_input(next, p, error);
                call_charge(next, start);
                if (!ok) {
                    *failed = true;
                    return true;
                }
                moved = true;
            }
        }
        if (current->ops->is_finished(current) && !next->ops->is_finished(next)) {
            call_clock start = call_start();
            next->ops->finish(next);
            call_charge(next, start);
            moved = true;
        }
    }
    /* A sink-only step: the last operator may have work of its own (its
     * share of a hash build) before it is finished. */
    operator *last = d->operators[d->operator_count - 1];
    if (last->ops->work && !last->ops->is_finished(last)) {
        operator_wait w;
        if (operator_blocked(last, &w)) {
            *wait = w;
            *blocked = true;
            return moved;
        }
        bool progressed = false;
        call_clock start = call_start();
        bool ok = last->ops->work(last, &progressed, error);
        call_charge(last, start);
        if (!ok)
            *failed = true;
        moved |= progressed;
    }
    return moved;
}

driver_status driver_process(driver *d, uint64_t deadline_ns, const volatile bool *should_yield,
                             operator_wait *wait, shoal_error *error)
{
    memset(wait, 0, sizeof *wait);
    operator *last = d->operators[d->operator_count - 1];
    if (d->operator_count == 1) {
        /* a lone source/sink: drain it */
        page *p = NULL;
        while (!last->ops->is_finished(last)) {
            if (!last->ops->get_output(last, &p, error))
                return DRIVER_FAILED;
            if (p)
                page_unref(p);
            else if (operator_blocked(last, wait))
                return DRIVER_BLOCKED;
        }
        return DRIVER_FINISHED;
    }
    for (;;) {
        bool blocked = false, failed = false;
        bool moved = driver_pass(d, wait, &blocked, error, &failed);
        if (failed)
            return DRIVER_FAILED;
        if (last->ops->is_finished(last))
            return DRIVER_FINISHED;
        if (!moved && blocked)
            return DRIVER_BLOCKED;
        if (should_yield && *should_yield)
            return DRIVER_YIELD;
        if (deadline_ns && clock_ns(CLOCK_MONOTONIC) >= deadline_ns)
            return DRIVER_YIELD;
        if (!moved && !blocked)
            return DRIVER_YIELD; /* nothing to do now; let others run */
    }
}

void driver_close(driver *d)
{
    if (!d)
        return;
    for (int i = 0; i < d->operator_count; i++)
        if (d->operators[i])
            d->operators[i]->ops->close(d->operators[i]);
    free(d->operators);
    free(d);
}

void operator_init_header(operator *op, const operator_ops *ops, int plan_node_id)
{
    op->ops = ops;
    memset(&op->stats, 0, sizeof op->stats);
    op->plan_node_id = plan_node_id;
    op->memory_hook = NULL;
}
