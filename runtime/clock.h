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

/* CPU time the calling thread has used (what a turn costs, without the
 * time the OS gave the core to someone else). A system call, unlike
 * clock_now_ns: ~0.5 us. */
static inline uint64_t clock_thread_cpu_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (uint64_t)ts.tv_sec * CLOCK_NS_PER_SEC + (uint64_t)ts.tv_nsec;
}

/* A deadline `ms` milliseconds from now. */
static inline uint64_t clock_deadline_after_ms(uint64_t ms)
{
    return clock_now_ns() + ms * CLOCK_NS_PER_MS;
}

/* An absolute CLOCK_REALTIME time `ms` from now, for pthread_cond_timedwait. */
static inline struct timespec clock_realtime_after_ms(int ms)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += ms / 1000;
    ts.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    return ts;
}

#endif
