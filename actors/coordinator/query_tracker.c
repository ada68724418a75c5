/*
 * query_tracker.c — the registry of client queries: a chained hash index by
 * id, a FIFO of done records (the history), ids and slugs, and the reaper
 * thread that abandons unpolled queries and expires old history.
 */
#include "query_tracker.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

enum { INDEX_BUCKETS_INITIAL = 256 };

struct query_tracker {
    query_tracker_config config;
    pthread_mutex_t lock;
    tracked_query **buckets;
    size_t bucket_count;
    size_t count;
    int active;                     /* records not done */
    tracked_query *history_head;    /* oldest */
    tracked_query *history_tail;
    int history_count;
    uint32_t counter;
    char tag[6];                    /* the coordinator's id suffix */
    pthread_t reaper;
    pthread_cond_t reaper_wake;
    bool stopping;
};

int64_t tracker_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int64_t wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void random_bytes(void *out, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = getrandom((char *)out + got, n - got, 0);
        if (r <= 0) {
            if (r < 0 && errno == EINTR)
                continue;
            /* no entropy source: still unique per process, not secret */
            for (; got < n; got++)
                ((unsigned char *)out)[got] = (unsigned char)(rand() & 0xFF);
            return;
        }
        got += (size_t)r;
    }
}

static uint64_t hash_id(const char *id)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *id; id++)
        h = (h ^ (unsigned char)*id) * 1099511628211ULL;
    return h;
}

/* ---- records -------------------------------------------------------------------- */

static void record_free(tracked_query *tq)
{
    if (tq->pending)
        page_unref(tq->pending);
    if (tq->q)
        query_free(tq->q);
    http_headers_free(&tq->set_headers);
    client_session_free(&tq->client);
    free(tq->cached_body);
    free(tq->sql);
    pthread_cond_destroy(&tq->idle);
    pthread_mutex_destroy(&tq->lock);
    free(tq);
}

void query_tracker_release(query_tracker *t, tracked_query *tq)
{
    (void)t;
    if (tq && atomic_fetch_sub(&tq->refs, 1) == 1)
        record_free(tq);
}

static void index_insert_locked(query_tracker *t, tracked_query *tq)
{
    if (t->count + 1 > t->bucket_count) {
        size_t n = t->bucket_count * 2;
        tracked_query **buckets = calloc(n, sizeof *buckets);
        if (buckets) {
            for (size_t i = 0; i < t->bucket_count; i++) {
                tracked_query *e = t->buckets[i];
                while (e) {
                    tracked_query *next = e->index_next;
                    size_t b = hash_id(e->id) & (n - 1);
                    e->index_next = buckets[b];
                    buckets[b] = e;
                    e = next;
                }
            }
            free(t->buckets);
            t->buckets = buckets;
            t->bucket_count = n;
        }
    }
    size_t b = hash_id(tq->id) & (t->bucket_count - 1);
    tq->index_next = t->buckets[b];
    t->buckets[b] = tq;
    t->count++;
}

static void index_remove_locked(query_tracker *t, tracked_query *tq)
{
    tracked_query **link = &t->buckets[hash_id(tq->id) & (t->bucket_count - 1)];
    while (*link && *link != tq)
        link = &(*link)->index_next;
    if (*link) {
        *link = tq->index_next;
        t->count--;
    }
}

static void history_remove_locked(query_tracker *t, tracked_query *tq)
{
    if (tq->history_prev)
        tq->history_prev->history_next = tq->history_next;
    else
        t->history_head = tq->history_next;
    if (tq->history_next)
        tq->history_next->history_prev = tq->history_prev;
    else
        t->history_tail = tq->history_prev;
    tq->history_prev = tq->history_next = NULL;
    tq->in_history = false;
    t->history_count--;
}

tracked_query *query_tracker_register(query_tracker *t, char *sql, client_session *client)
{
    tracked_query *tq = calloc(1, sizeof *tq);
    if (!tq) {
        free(sql);
        client_session_free(client);
        return NULL;
    }
    tq->sql = sql;
    tq->client = *client;
    memset(client, 0, sizeof *client);
    pthread_mutex_init(&tq->lock, NULL);
    pthread_cond_init(&tq->idle, NULL);
    http_headers_init(&tq->set_headers);
    tq->phase = TRACKED_QUEUED;
    tq->exec_token = -1;
    error_clear(&tq->error);
    tq->created_ns = tracker_now_ns();
    tq->created_wall_ms = wall_ms();
    atomic_store(&tq->last_access_ns, tq->created_ns);
    atomic_store(&tq->refs, 2); /* the index's and the caller's */

    unsigned char slug_bytes[16];
    random_bytes(slug_bytes, sizeof slug_bytes);
    char *s = tq->slug;
    *s++ = 'y';
    for (size_t i = 0; i < sizeof slug_bytes; i++)
        s += sprintf(s, "%02x", slug_bytes[i]);

    time_t now = (time_t)(tq->created_wall_ms / 1000);
    struct tm utc;
    gmtime_r(&now, &utc);
    pthread_mutex_lock(&t->lock);
    uint32_t n = t->counter++ % 100000;
    snprintf(tq->id, sizeof tq->id, "%04d%02d%02d_%02d%02d%02d_%05u_%.5s", (utc.tm_year + 1900) % 10000,
             (utc.tm_mon + 1) % 100, utc.tm_mday % 100, utc.tm_hour % 100, utc.tm_min % 100, utc.tm_sec % 100, n,
             t->tag);
    index_insert_locked(t, tq);
    t->active++;
    pthread_mutex_unlock(&t->lock);
    return tq;
}

tracked_query *query_tracker_get(query_tracker *t, const char *id)
{
    pthread_mutex_lock(&t->lock);
    tracked_query *tq = t->buckets[hash_id(id) & (t->bucket_count - 1)];
    while (tq && strcmp(tq->id, id) != 0)
        tq = tq->index_next;
    if (tq)
        atomic_fetch_add(&tq->refs, 1);
    pthread_mutex_unlock(&t->lock);
    return tq;
}

int query_tracker_list(query_tracker *t, tracked_query ***out)
{
    pthread_mutex_lock(&t->lock);
    tracked_query **list = calloc(t->count + 1, sizeof *list);
    int n = 0;
    for (size_t b = 0; list && b < t->bucket_count; b++)
        for (tracked_query *tq = t->buckets[b]; tq; tq = tq->index_next) {
            atomic_fetch_add(&tq->refs, 1);
            list[n++] = tq;
        }
    pthread_mutex_unlock(&t->lock);
    *out = list;
    return n;
}

int query_tracker_active_count(query_tracker *t)
{
    pthread_mutex_lock(&t->lock);
    int n = t->active;
    pthread_mutex_unlock(&t->lock);
    return n;
}

void tracked_query_touch(tracked_query *tq)
{
    atomic_store(&tq->last_access_ns, tracker_now_ns());
}

const char *tracked_query_state(const tracked_query *tq)
{
    if (tq->final_state)
        return tq->final_state;
    if (tq->failed)
        return "FAILED";
    return tq->phase == TRACKED_QUEUED ? "QUEUED" : "RUNNING";
}

/* ---- cancellation ---------------------------------------------------------------- */

static void cancel_message(const tracked_query *tq, error_code code, char *out, size_t size)
{
    switch (code) {
    case ERR_ABANDONED_QUERY:
        snprintf(out, size,
                 "Query %s was abandoned by the client, as it may have exited or stopped checking for query "
                 "results",
                 tq->id);
        break;
    case ERR_SERVER_SHUTTING_DOWN:
        snprintf(out, size, "Server is shutting down. Query %s has been cancelled", tq->id);
        break;
    default:
        snprintf(out, size, "Query was canceled");
        break;
    }
}

int64_t tracked_query_cpu_ns(const tracked_query *tq)
{
    return tq->q ? (int64_t)query_cpu_ns(tq->q) : tq->final_cpu_ns;
}

int64_t tracked_query_peak_memory(const tracked_query *tq)
{
    return tq->q ? query_peak_memory_bytes(tq->q) : tq->final_peak_memory;
}

void tracked_query_progress(const tracked_query *tq, query_progress *out)
{
    if (tq->q)
        query_progress_get(tq->q, out);
    else
        *out = tq->final_progress;
}

void tracked_query_end_ticket_locked(tracked_query *tq)
{
    if (!tq->ticket)
        return;
    resource_ticket *ticket = tq->ticket;
    tq->ticket = NULL;
    /* the CPU its operators used counts against the group's CPU quota */
    resource_manager_query_finished(tq->rm, ticket, tracked_query_cpu_ns(tq), tracked_query_peak_memory(tq));
    /* no callback runs any more: drop their reference (never the last one,
     * every caller holds its own) */
    atomic_fetch_sub(&tq->refs, 1);
}

void tracked_query_apply_cancel_locked(tracked_query *tq)
{
    if (tq->phase == TRACKED_DONE)
        return;
    /* a canceled query leaves its resource group at once (Trino: FAILED frees the slot) */
    tracked_query_end_ticket_locked(tq);
    if (tq->q && !tq->busy && !tq->engine_canceled) {
        tq->engine_canceled = true;
        if (query_get_state(tq->q) != QUERY_FAILED && query_get_state(tq->q) != QUERY_FINISHED)
            query_cancel(tq->q);
    }
    if (tq->failed)
        return;
    error_code code = (error_code)atomic_load(&tq->cancel_code);
    char message[256];
    if (tq->cancel_reason[0])
        snprintf(message, sizeof message, "%s", tq->cancel_reason);
    else
        cancel_message(tq, code, message, sizeof message);
    error_clear(&tq->error);
    error_set(&tq->error, code, "%s", message);
    tq->failed = true;
    if (tq->pending && !tq->busy) {
        page_unref(tq->pending);
        tq->pending = NULL;
    }
}

void tracked_query_acquire_locked(tracked_query *tq)
{
    while (tq->busy)
        pthread_cond_wait(&tq->idle, &tq->lock);
    tq->busy = true;
}

void tracked_query_release_locked(tracked_query *tq)
{
    tq->busy = false;
    pthread_cond_broadcast(&tq->idle);
}

void tracked_query_cancel(tracked_query *tq, error_code code, const char *message)
{
    int expected = ERR_NONE;
    bool first = atomic_compare_exchange_strong(&tq->cancel_code, &expected, (int)code);
    atomic_store(&tq->cancel_requested, true);
    pthread_mutex_lock(&tq->lock);
    if (first && message && code == ERR_ADMINISTRATIVELY_KILLED)
        snprintf(tq->cancel_reason, sizeof tq->cancel_reason, "%s", message);
    tracked_query_apply_cancel_locked(tq);
    pthread_mutex_unlock(&tq->lock);
}

void query_tracker_cancel_all(query_tracker *t, error_code code, const char *message)
{
    tracked_query **list = NULL;
    int n = query_tracker_list(t, &list);
    for (int i = 0; i < n; i++) {
        tracked_query_cancel(list[i], code, message);
        query_tracker_release(t, list[i]);
    }
    free(list);
}

/* ---- done and history -------------------------------------------------------------- */

static void expire_history_locked(query_tracker *t, int64_t now, tracked_query **dropped, int *dropped_count,
                                  int capacity)
{
    int64_t max_age_ns = t->config.min_expire_age_ms * 1000000;
    while (t->history_head && *dropped_count < capacity) {
        tracked_query *oldest = t->history_head;
        bool too_many = t->history_count > t->config.max_history;
        bool too_old = now - oldest->ended_ns > max_age_ns;
        if (!too_many && !too_old)
            break;
        history_remove_locked(t, oldest);
        index_remove_locked(t, oldest);
        dropped[(*dropped_count)++] = oldest;
    }
}

void tracked_query_finish_locked(query_tracker *t, tracked_query *tq, bool failed)
{
    if (tq->phase == TRACKED_DONE)
        return;
    tq->phase = TRACKED_DONE;
    tq->final_state = failed ? "FAILED" : "FINISHED";
    tracked_query_end_ticket_locked(tq);   /* resource groups: the query ended */
    tq->ended_ns = tracker_now_ns();
    if (tq->pending) {
        page_unref(tq->pending);
        tq->pending = NULL;
    }
    if (tq->q) {
        tq->final_cpu_ns = (int64_t)query_cpu_ns(tq->q);
        tq->final_peak_memory = query_peak_memory_bytes(tq->q);
        query_progress_get(tq->q, &tq->final_progress);
        query_free(tq->q);
        tq->q = NULL;
    }
    tracked_query *dropped[8];
    int dropped_count = 0;
    pthread_mutex_lock(&t->lock);
    t->active--;
    tq->in_history = true;
    tq->history_prev = t->history_tail;
    tq->history_next = NULL;
    if (t->history_tail)
        t->history_tail->history_next = tq;
    else
        t->history_head = tq;
    t->history_tail = tq;
    t->history_count++;
    expire_history_locked(t, tq->ended_ns, dropped, &dropped_count, 8);
    pthread_mutex_unlock(&t->lock);
    /* `tq` itself stays referenced by the caller, so a dropped record other
     * than tq is freed here without touching tq's lock. */
    for (int i = 0; i < dropped_count; i++)
        query_tracker_release(t, dropped[i]);
}

/* ---- resource-group usage ---------------------------------------------------------------- */

void query_tracker_update_usage(query_tracker *t)
{
    tracked_query **list = NULL;
    int n = query_tracker_list(t, &list);
    for (int i = 0; i < n; i++) {
        tracked_query *tq = list[i];
        /* a record whose lock is held (a GET starting or finishing it) is
         * reported next time; the ticket and the engine query only change
         * under the lock */
        if (pthread_mutex_trylock(&tq->lock) == 0) {
            if (tq->ticket && tq->q && tq->phase == TRACKED_STARTED)
                resource_manager_update_usage(tq->rm, tq->ticket, (int64_t)query_cpu_ns(tq->q),
                                              query_memory_bytes(tq->q));
            pthread_mutex_unlock(&tq->lock);
        }
        query_tracker_release(t, tq);
    }
    free(list);
}

/* ---- the reaper ----------------------------------------------------------------------- */

static void reap_once(query_tracker *t)
{
    int64_t now = tracker_now_ns();
    int64_t timeout_ns = t->config.client_timeout_ms * 1000000;
    tracked_query **list = NULL;
    int n = query_tracker_list(t, &list);
    for (int i = 0; i < n; i++) {
        tracked_query *tq = list[i];
        if (now - atomic_load(&tq->last_access_ns) > timeout_ns && pthread_mutex_trylock(&tq->lock) == 0) {
            if (tq->phase != TRACKED_DONE && !tq->busy) {
                int expected = ERR_NONE;
                atomic_compare_exchange_strong(&tq->cancel_code, &expected, ERR_ABANDONED_QUERY);
                atomic_store(&tq->cancel_requested, true);
                tracked_query_apply_cancel_locked(tq);
                tracked_query_finish_locked(t, tq, true);
            }
            pthread_mutex_unlock(&tq->lock);
        }
        query_tracker_release(t, tq);
    }
    free(list);
    tracked_query *dropped[64];
    int dropped_count;
    do {
        dropped_count = 0;
        pthread_mutex_lock(&t->lock);
        expire_history_locked(t, now, dropped, &dropped_count, 64);
        pthread_mutex_unlock(&t->lock);
        for (int i = 0; i < dropped_count; i++)
            query_tracker_release(t, dropped[i]);
    } while (dropped_count == 64);
}

static void *reaper_thread(void *arg)
{
    query_tracker *t = arg;
    pthread_mutex_lock(&t->lock);
    while (!t->stopping) {
        struct timespec deadline;
        clock_gettime(CLOCK_MONOTONIC, &deadline);
        int64_t ns = deadline.tv_nsec + (t->config.reaper_interval_ms % 1000) * 1000000;
        deadline.tv_sec += t->config.reaper_interval_ms / 1000 + ns / 1000000000;
        deadline.tv_nsec = ns % 1000000000;
        pthread_cond_timedwait(&t->reaper_wake, &t->lock, &deadline);
        if (t->stopping)
            break;
        pthread_mutex_unlock(&t->lock);
        reap_once(t);
        query_tracker_update_usage(t);
        pthread_mutex_lock(&t->lock);
    }
    pthread_mutex_unlock(&t->lock);
    return NULL;
}

query_tracker *query_tracker_create(const query_tracker_config *config)
{
    query_tracker *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->config = *config;
    if (t->config.client_timeout_ms <= 0)
        t->config.client_timeout_ms = 5 * 60 * 1000;
    if (t->config.max_history < 0)
        t->config.max_history = 100;
    if (t->config.min_expire_age_ms <= 0)
        t->config.min_expire_age_ms = 15 * 60 * 1000;
    if (t->config.reaper_interval_ms <= 0)
        t->config.reaper_interval_ms = 1000;
    t->bucket_count = INDEX_BUCKETS_INITIAL;
    t->buckets = calloc(t->bucket_count, sizeof *t->buckets);
    unsigned char tag[5];
    random_bytes(tag, sizeof tag);
    for (int i = 0; i < 5; i++)
        t->tag[i] = (char)('a' + tag[i] % 26);
    t->tag[5] = '\0';
    pthread_mutex_init(&t->lock, NULL);
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&t->reaper_wake, &attr);
    pthread_condattr_destroy(&attr);
    if (!t->buckets || pthread_create(&t->reaper, NULL, reaper_thread, t) != 0) {
        pthread_cond_destroy(&t->reaper_wake);
        pthread_mutex_destroy(&t->lock);
        free(t->buckets);
        free(t);
        return NULL;
    }
    return t;
}

void query_tracker_destroy(query_tracker *t)
{
    if (!t)
        return;
    pthread_mutex_lock(&t->lock);
    t->stopping = true;
    pthread_cond_broadcast(&t->reaper_wake);
    pthread_mutex_unlock(&t->lock);
    pthread_join(t->reaper, NULL);
    for (size_t b = 0; b < t->bucket_count; b++) {
        tracked_query *tq = t->buckets[b];
        while (tq) {
            tracked_query *next = tq->index_next;
            query_tracker_release(t, tq);
            tq = next;
        }
    }
    free(t->buckets);
    pthread_cond_destroy(&t->reaper_wake);
    pthread_mutex_destroy(&t->lock);
    free(t);
}
