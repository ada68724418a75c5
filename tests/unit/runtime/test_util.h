/*
 * test_util.h - helpers shared by the runtime's Criterion tests: making a
 * started runtime, waiting for a condition with a deadline, scaling message
 * counts down under sanitizers.
 */
#ifndef SHOAL_TEST_RUNTIME_UTIL_H
#define SHOAL_TEST_RUNTIME_UTIL_H

#include "runtime/actor.h"
#include "runtime/clock.h"
#include "runtime/runtime.h"

#include <criterion/criterion.h>
#include <stdatomic.h>
#include <time.h>

#ifndef SHOAL_TEST_SANITIZED
#define SHOAL_TEST_SANITIZED 0
#endif
/* Message counts: full size normally, 1/20 under ASan/UBSan. */
#define TEST_SCALE(n) (SHOAL_TEST_SANITIZED ? (n) / 20 : (n))

static inline runtime *test_runtime_with(runtime_config cfg)
{
    int err = 0;
    runtime *rt = runtime_create(&cfg, &err);
    cr_assert_not_null(rt, "runtime_create: %d", err);
    cr_assert_eq(runtime_start(rt), 0);
    return rt;
}

static inline runtime *test_runtime(int threads)
{
    runtime_config cfg = runtime_config_default();
    cfg.threads = threads;
    return test_runtime_with(cfg);
}

static inline void test_sleep_ms(unsigned ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Polls until *v >= want or timeout; returns the last value seen. */
static inline long test_wait_at_least(_Atomic long *v, long want, unsigned timeout_ms)
{
    uint64_t deadline = clock_deadline_after_ms(timeout_ms);
    long seen;
    while ((seen = atomic_load(v)) < want && clock_now_ns() < deadline)
        test_sleep_ms(1);
    return seen;
}

#endif
