/*
 * log.c - the logging back end: configuration table, level resolution and
 * line output (see log.h).
 *
 * The configuration is a small table of (subsystem, level) pairs plus a
 * default, guarded by a mutex; it is consulted only when a subsystem's cached
 * generation is stale, never on the fast path.
 */
#include "runtime/log.h"

#include "runtime/errors.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define LOG_MAX_RULES 32
#define LOG_NAME_MAX 32
#define LOG_LINE_MAX 1024

typedef struct log_rule {
    char name[LOG_NAME_MAX];
    int level;
} log_rule;

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static log_rule log_rules[LOG_MAX_RULES];
static int log_rule_count;
static int log_default_level = LOG_LEVEL_WARN;
static bool log_env_read;
static int log_fd = 2;

_Atomic unsigned log_generation = 1;

static const char *const log_level_names[] = {"off", "error", "warn", "info", "debug", "trace"};

int log_level_parse(const char *name)
{
    for (int i = 0; i <= LOG_LEVEL_TRACE; i++)
        if (strcasecmp(name, log_level_names[i]) == 0)
            return i;
    if (strcasecmp(name, "warning") == 0)
        return LOG_LEVEL_WARN;
    return -1;
}

static void log_bump_generation(void)
{
    atomic_fetch_add_explicit(&log_generation, 1, memory_order_relaxed);
}

/* Caller holds log_lock. */
static int log_set_rule_locked(const char *name, int level)
{
    if (name == NULL) {
        log_default_level = level;
        return 0;
    }
    for (int i = 0; i < log_rule_count; i++) {
        if (strcmp(log_rules[i].name, name) == 0) {
            log_rules[i].level = level;
            return 0;
        }
    }
    if (log_rule_count == LOG_MAX_RULES || strlen(name) >= LOG_NAME_MAX)
        return SHOAL_EINVAL;
    snprintf(log_rules[log_rule_count].name, LOG_NAME_MAX, "%s", name);
    log_rules[log_rule_count++].level = level;
    return 0;
}

/* Parses one "name=level" or "level" item. Caller holds log_lock. */
static int log_apply_item_locked(char *item)
{
    char *eq = strchr(item, '=');
    if (eq == NULL) {
        int level = log_level_parse(item);
        return level < 0 ? SHOAL_EINVAL : log_set_rule_locked(NULL, level);
    }
    *eq = '\0';
    int level = log_level_parse(eq + 1);
    return level < 0 ? SHOAL_EINVAL : log_set_rule_locked(item, level);
}

static int log_configure_locked(const char *spec)
{
    char buf[512];
    if (strlen(spec) >= sizeof buf)
        return SHOAL_EINVAL;
    snprintf(buf, sizeof buf, "%s", spec);
    int rc = 0;
    char *save = NULL;
    for (char *item = strtok_r(buf, ", ", &save); item; item = strtok_r(NULL, ", ", &save))
        if (log_apply_item_locked(item) != 0)
            rc = SHOAL_EINVAL;
    return rc;
}

static void log_read_env_locked(void)
{
    if (log_env_read)
        return;
    log_env_read = true;
    const char *env = getenv("SHOAL_LOG");
    if (env != NULL && *env != '\0')
        log_configure_locked(env);
}

int log_configure(const char *spec)
{
    pthread_mutex_lock(&log_lock);
    log_env_read = true; /* an explicit configuration wins over the environment */
    int rc = log_configure_locked(spec);
    pthread_mutex_unlock(&log_lock);
    log_bump_generation();
    return rc;
}

int log_set_level(const char *subsystem, log_level level)
{
    pthread_mutex_lock(&log_lock);
    log_read_env_locked();
    int rc = log_set_rule_locked(subsystem, (int)level);
    pthread_mutex_unlock(&log_lock);
    log_bump_generation();
    return rc;
}

void log_subsystem_refresh(log_subsystem *sub)
{
    pthread_mutex_lock(&log_lock);
    log_read_env_locked();
    /* Read the generation first: a change after this point bumps it again. */
    unsigned gen = atomic_load_explicit(&log_generation, memory_order_relaxed);
    int level = log_default_level;
    for (int i = 0; i < log_rule_count; i++)
        if (strcmp(log_rules[i].name, sub->name) == 0)
            level = log_rules[i].level;
    atomic_store_explicit(&sub->level, level, memory_order_relaxed);
    atomic_store_explicit(&sub->generation, gen, memory_order_relaxed);
    pthread_mutex_unlock(&log_lock);
}

int log_set_file(const char *path)
{
    int fd = 2;
    if (path != NULL) {
        fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        if (fd < 0)
            return SHOAL_ESYSTEM;
    }
    pthread_mutex_lock(&log_lock);
    int old = log_fd;
    log_fd = fd;
    pthread_mutex_unlock(&log_lock);
    if (old != 2)
        close(old);
    return 0;
}

void log_reset(void)
{
    log_set_file(NULL);
    pthread_mutex_lock(&log_lock);
    log_rule_count = 0;
    log_default_level = LOG_LEVEL_WARN;
    log_env_read = false;
    pthread_mutex_unlock(&log_lock);
    log_bump_generation();
}

void log_write(log_subsystem *sub, log_level level, const char *fmt, ...)
{
    char line[LOG_LINE_MAX];
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    int n = snprintf(line, sizeof line, "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ %-5s [%s] ",
                     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                     tm.tm_sec, ts.tv_nsec / 1000, log_level_names[level], sub->name);
    va_list ap;
    va_start(ap, fmt);
    int m = vsnprintf(line + n, sizeof line - (size_t)n - 1, fmt, ap);
    va_end(ap);
    size_t len = (size_t)n + (m < 0 ? 0 : (size_t)m);
    if (len > sizeof line - 2)
        len = sizeof line - 2;
    line[len++] = '\n';
    int saved_errno = errno;
    pthread_mutex_lock(&log_lock);
    ssize_t w = write(log_fd, line, len);
    pthread_mutex_unlock(&log_lock);
    (void)w;
    errno = saved_errno;
}
