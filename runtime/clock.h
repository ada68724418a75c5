/*
 * clock.h - monotonic time in nanoseconds, the one clock of the runtime.
 *
 * Timers, deadlines, quanta and the stall detector all use clock_now_ns().
 */
#ifndef SHOAL_RUNTIME_CLOCK_H
#define SHOAL_RUNTIME_CLOCK_H

#include <stdint.h>
#include <time.h>

#define CLOCK_NS_PER_US 1000ull
#define CLOCK_NS_PER_MS 1000000ull
#define CLOCK_NS_PER_SEC 1000000000ull

static inline uint64_t clock_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * CLOCK_NS_PER_SEC + (uint64_t)ts.tv_nsec;
}

/* A deadline `ms` milliseconds from now. */
static inline uint64_t clock_deadline_after_ms(uint64_t ms)
{
    return clock_now_ns() + ms * CLOCK_NS_PER_MS;
}

#endif
