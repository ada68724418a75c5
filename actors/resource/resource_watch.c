/*
 * resource_watch.c — the resource-groups.json watcher (resource_watch.h):
 * a thread, a stat() per interval, a reload when the file's identity
 * changed.
 */
#include "actors/resource/resource_watch.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "config/resource_groups.h"

typedef struct file_identity {
    bool present;
    struct timespec mtime;
    off_t size;
    ino_t inode;
} file_identity;

struct resource_watch {
    resource_manager *rm;
    char *path;
    int64_t interval_ms;
    file_identity seen;
    uint64_t reloads, failures;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    bool stopping;
};

static file_identity identity_of(const char *path)
{
    file_identity id;
    memset(&id, 0, sizeof id);
    struct stat st;
    if (stat(path, &st) == 0) {
        id.present = true;
        id.mtime = st.st_mtim;
        id.size = st.st_size;
        id.inode = st.st_ino;
    }
    return id;
}

static bool identity_equal(const file_identity *a, const file_identity *b)
{
    return a->present == b->present && a->mtime.tv_sec == b->mtime.tv_sec && a->mtime.tv_nsec == b->mtime.tv_nsec &&
           a->size == b->size && a->inode == b->inode;
}

/* The file changed: parse, validate and apply it, or keep what runs. */
static void reload(resource_watch *w)
{
    resource_groups_spec spec;
    config_error ce;
    config_error_clear(&ce);
    if (!resource_groups_load(w->path, &spec, &ce)) {
        fprintf(stderr, "shoal-server: resource groups not reloaded: %s\n", ce.message);
        w->failures++;
        return;
    }
    shoal_error error;
    error_clear(&error);
    if (resource_manager_reload(w->rm, &spec, &error)) {
        w->reloads++;
        fprintf(stderr, "shoal-server: resource groups reloaded from %s\n", w->path);
    } else {
        w->failures++;
        fprintf(stderr, "shoal-server: resource groups not reloaded: %s\n", error.message);
    }
    resource_groups_free(&spec);
}

static void *watch_thread(void *arg)
{
    resource_watch *w = arg;
    pthread_mutex_lock(&w->lock);
    while (!w->stopping) {
        struct timespec deadline;
        clock_gettime(CLOCK_MONOTONIC, &deadline);
        int64_t ns = deadline.tv_nsec + (w->interval_ms % 1000) * 1000000;
        deadline.tv_sec += w->interval_ms / 1000 + ns / 1000000000;
        deadline.tv_nsec = ns % 1000000000;
        pthread_cond_timedwait(&w->wake, &w->lock, &deadline);
        if (w->stopping)
            break;
        file_identity now = identity_of(w->path);
        if (identity_equal(&now, &w->seen))
            continue;
        w->seen = now;
        if (now.present)
            reload(w); /* a vanished file keeps the configuration in force */
    }
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

resource_watch *resource_watch_start(resource_manager *rm, const char *path, int64_t interval_ms)
{
    resource_watch *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->rm = rm;
    w->path = strdup(path);
    w->interval_ms = interval_ms > 0 ? interval_ms : 1000;
    w->seen = identity_of(path); /* what the manager was created from */
    pthread_mutex_init(&w->lock, NULL);
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&w->wake, &attr);
    pthread_condattr_destroy(&attr);
    if (!w->path || pthread_create(&w->thread, NULL, watch_thread, w) != 0) {
        pthread_cond_destroy(&w->wake);
        pthread_mutex_destroy(&w->lock);
        free(w->path);
        free(w);
        return NULL;
    }
    return w;
}

void resource_watch_stop(resource_watch *w)
{
    if (!w)
        return;
    pthread_mutex_lock(&w->lock);
    w->stopping = true;
    pthread_cond_broadcast(&w->wake);
    pthread_mutex_unlock(&w->lock);
    pthread_join(w->thread, NULL);
    pthread_cond_destroy(&w->wake);
    pthread_mutex_destroy(&w->lock);
    free(w->path);
    free(w);
}

uint64_t resource_watch_reloads(resource_watch *w)
{
    pthread_mutex_lock(&w->lock);
    uint64_t n = w->reloads;
    pthread_mutex_unlock(&w->lock);
    return n;
}

uint64_t resource_watch_failures(resource_watch *w)
{
    pthread_mutex_lock(&w->lock);
    uint64_t n = w->failures;
    pthread_mutex_unlock(&w->lock);
    return n;
}
