/*
 * runtime.h - the runtime object: scheduler threads, their pollers and timer
 * heaps, the helper threads, and the lifecycle (create, start, shutdown).
 *
 *     runtime_config cfg = runtime_config_default();   // threads = SHOAL_THREADS or #cores
 *     runtime *rt = runtime_create(&cfg, &err);
 *     runtime_start(rt);
 *     actor *root = actor_spawn(rt, &root_behaviour, &(actor_options){ .name = "root" });
 *     ...
 *     runtime_shutdown(rt, RUNTIME_DRAIN, 5000);  // wait for quiet, then stop everyone
 *     runtime_destroy(rt);                        // frees everything
 *
 * Modes: the normal mode runs one thread per scheduler. Deterministic mode
 * (cfg.deterministic, seed) serialises all schedulers onto one thread and
 * picks which scheduler takes the next turn from a seeded PRNG, so an
 * interleaving replays from its seed (it also forces yields). Debug mode
 * (cfg.force_yield or SHOAL_FORCE_YIELD=1) makes need_preempt() always true.
 */
#ifndef SHOAL_RUNTIME_RUNTIME_H
#define SHOAL_RUNTIME_RUNTIME_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct runtime runtime;

typedef struct runtime_config {
    int threads;           /* schedulers; 0: SHOAL_THREADS env, else online CPUs */
    uint32_t batch;        /* messages per actor turn (default 64) */
    uint32_t quantum_us;   /* task quantum before need_preempt (default 1000) */
    uint32_t stall_ms;     /* stall detector threshold, 0 = off (default 50) */
    int helper_threads;    /* threads for blocking calls (default 1) */
    bool force_yield;      /* debug: need_preempt() always true */
    bool pin_threads;      /* set CPU affinity of scheduler i to CPU i */
    bool deterministic;    /* one thread, seeded choice of the next scheduler */
    uint64_t seed;         /* deterministic mode seed */
} runtime_config;

typedef enum runtime_shutdown_mode {
    RUNTIME_DRAIN,  /* wait (bounded) until no work is left, then stop every actor */
    RUNTIME_CANCEL, /* stop now: pending messages are dropped, every actor stopped */
} runtime_shutdown_mode;

/* Aggregate counters since start. */
typedef struct runtime_stats {
    uint64_t turns;
    uint64_t steals;
    uint64_t parks;
    int64_t live_actors;
} runtime_stats;

runtime_config runtime_config_default(void);

/* Returns NULL and sets *err on failure. Schedulers do not run until start. */
runtime *runtime_create(const runtime_config *cfg, int *err);
int runtime_start(runtime *rt);

/* DRAIN waits up to timeout_ms for quiescence (no runnable actor, no pending
 * message, no armed timer, no helper job), then behaves as CANCEL. Returns 0,
 * or SHOAL_ETIMEDOUT when the drain gave up (everything is still stopped). */
int runtime_shutdown(runtime *rt, runtime_shutdown_mode mode, uint32_t timeout_ms);

/* Waits until the runtime is quiescent, up to timeout_ms. 0 or SHOAL_ETIMEDOUT. */
int runtime_wait_idle(runtime *rt, uint32_t timeout_ms);

/* Shuts down (CANCEL) if still running and frees everything. */
void runtime_destroy(runtime *rt);

int runtime_thread_count(const runtime *rt);
/* Index of the scheduler running the calling thread, or -1. */
int runtime_current_scheduler(void);
void runtime_get_stats(runtime *rt, runtime_stats *out);

/* The per-core preemption flag, set once the current turn has used its quantum
 * (always set in debug and deterministic modes). Long loops check it. */
extern __thread _Atomic(bool) *runtime_preempt_flag;
static inline bool need_preempt(void)
{
    return atomic_load_explicit(runtime_preempt_flag, memory_order_relaxed);
}

#endif
