/*
 * log.h - levelled, per-subsystem logging to stderr or a file.
 *
 * A subsystem is a static log_subsystem declared where it is used:
 *
 *     static log_subsystem sched_log = LOG_SUBSYSTEM_INIT("sched");
 *     log_debug(&sched_log, "stole %d actors", n);
 *
 * The macros check the level before evaluating or formatting their arguments,
 * so a disabled line costs two relaxed loads and a compare. Levels come from
 * log_configure("warn,sched=debug") or the SHOAL_LOG environment variable
 * (read on first use); the default level is warn. Each line is written with one
 * write(2) so lines from several threads do not interleave.
 */
#ifndef SHOAL_RUNTIME_LOG_H
#define SHOAL_RUNTIME_LOG_H

#include <stdatomic.h>
#include <stdbool.h>

typedef enum log_level {
    LOG_LEVEL_OFF = 0,
    LOG_LEVEL_ERROR = 1,
    LOG_LEVEL_WARN = 2,
    LOG_LEVEL_INFO = 3,
    LOG_LEVEL_DEBUG = 4,
    LOG_LEVEL_TRACE = 5,
} log_level;

typedef struct log_subsystem {
    const char *name;
    _Atomic int level;           /* effective level, valid when generation matches */
    _Atomic unsigned generation; /* configuration generation this level belongs to */
} log_subsystem;

#define LOG_SUBSYSTEM_INIT(name) { (name), 0, 0 }

/* Bumped by every configuration change; subsystems re-resolve lazily. */
extern _Atomic unsigned log_generation;

void log_subsystem_refresh(log_subsystem *sub);

static inline bool log_enabled(log_subsystem *sub, log_level level)
{
    if (atomic_load_explicit(&sub->generation, memory_order_relaxed) !=
        atomic_load_explicit(&log_generation, memory_order_relaxed))
        log_subsystem_refresh(sub);
    return (int)level <= atomic_load_explicit(&sub->level, memory_order_relaxed);
}

void log_write(log_subsystem *sub, log_level level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define log_at(sub, lvl, ...)                                                  \
    do {                                                                       \
        if (log_enabled((sub), (lvl)))                                         \
            log_write((sub), (lvl), __VA_ARGS__);                              \
    } while (0)
#define log_error(sub, ...) log_at(sub, LOG_LEVEL_ERROR, __VA_ARGS__)
#define log_warn(sub, ...) log_at(sub, LOG_LEVEL_WARN, __VA_ARGS__)
#define log_info(sub, ...) log_at(sub, LOG_LEVEL_INFO, __VA_ARGS__)
#define log_debug(sub, ...) log_at(sub, LOG_LEVEL_DEBUG, __VA_ARGS__)
#define log_trace(sub, ...) log_at(sub, LOG_LEVEL_TRACE, __VA_ARGS__)

/* "warn" or "info,sched=debug,mem=trace". Returns 0 or SHOAL_EINVAL. */
int log_configure(const char *spec);
/* Sets one subsystem's level (name NULL: the default level). */
int log_set_level(const char *subsystem, log_level level);
/* Sends lines to `path` (appending), or back to stderr when path is NULL. */
int log_set_file(const char *path);
/* Parses "error", "warn", ... ; returns -1 when unknown. */
int log_level_parse(const char *name);
/* Closes a log file and forgets the configuration (for tests and exit). */
void log_reset(void);

#endif
