/*
 * query_tracker.h — the coordinator's registry of client queries by id:
 * each record holds the statement text, the client's session, the random
 * slug that protects its nextUri, the protocol state (tokens, the last page
 * kept for retries), timestamps and the engine query once started.
 *
 * Life of a record: registered by the POST (queued) → started by the first
 * GET of its queued URI → done once its final document was produced (or it
 * was abandoned: no poll for query.client.timeout; a registered query never
 * polled is purged the same way). Done records stay as history for
 * /v1/query and retried final GETs: at most `max_history` of them, none
 * longer than `min_expire_age_ms`.
 *
 * Locking: the tracker's lock guards the index; each record has its own
 * lock for everything mutable. A GET that drives the engine query marks the
 * record `busy` (one driver at a time: query_fetch is not thread-safe) and
 * releases the lock while query_fetch waits, so /v1/query and DELETE never
 * wait for a long poll. Records are reference counted; every record a
 * function returns holds a reference for the caller.
 */
#ifndef SHOAL_COORDINATOR_QUERY_TRACKER_H
#define SHOAL_COORDINATOR_QUERY_TRACKER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "actors/coordinator/http_server.h"
#include "actors/coordinator/session_headers.h"
#include "actors/engine/query.h"
#include "actors/resource/resource_manager.h"
#include "connectors/spi/error.h"
#include "connectors/spi/page.h"

typedef enum tracked_phase {
    TRACKED_QUEUED,     /* registered; the engine has not seen it */
    TRACKED_STARTED,    /* query_submit ran */
    TRACKED_DONE        /* final document produced; engine query freed */
} tracked_phase;

/* Resource-group admission of a record (statement_resource.c). The default
 * (calloc'd 0) is "admitted": without a resource manager nothing waits. */
typedef enum tracked_admission {
    TRACKED_ADMITTED = 0,
    TRACKED_ADMISSION_PENDING,
    TRACKED_ADMISSION_REJECTED
} tracked_admission;

typedef struct tracked_query {
    /* fixed once registered */
    char id[64];
    char slug[40];
    char *sql;
    client_session client;
    int64_t created_ns;             /* monotonic */
    int64_t created_wall_ms;        /* epoch */

    pthread_mutex_t lock;           /* guards everything below */
    pthread_cond_t idle;            /* signalled when `busy` drops */
    bool busy;                      /* a GET is driving the engine query (it may
                                       wait in query_fetch with `lock` released) */
    bool engine_canceled;           /* query_cancel was called */
    tracked_phase phase;
    query *q;                       /* from start until done */
    http_headers set_headers;       /* X-Trino-Set-* lines for executing pages */
    int64_t queued_token;           /* last queued token asked for */
    int64_t exec_token;             /* token of the cached executing page; -1 none */
    char *cached_body;              /* the page `exec_token` answered (for retries) */
    size_t cached_length;
    bool cached_final;
    page *pending;                  /* fetched page not yet fully sent */
    uint32_t pending_row;
    bool columns_sent;
    bool fetch_done;                /* query_fetch said DONE */
    bool failed;
    shoal_error error;
    const char *final_state;        /* "FINISHED" / "FAILED" once done */
    char cancel_reason[256];        /* the canceller's own message (kill_query), or "" */
    int64_t started_ns;
    int64_t ended_ns;
    int64_t rows_sent;
    int64_t bytes_sent;
    query_progress final_progress;  /* splits and raw input, kept when the query is freed */
    int64_t final_cpu_ns;           /* CPU time and peak memory of the engine */
    int64_t final_peak_memory;      /* query, kept when it is freed */

    _Atomic int64_t last_access_ns;
    _Atomic bool cancel_requested;
    _Atomic int cancel_code;        /* error_code */
    _Atomic int refs;
    /* resource groups: the ticket (under `lock`; NULL when none or ended,
     * the ticket's callbacks hold one reference until it ends). The
     * callbacks run with the manager's lock held and so never take `lock`:
     * they write admission_error, then publish `admission`. */
    resource_manager *rm;
    resource_ticket *ticket;
    _Atomic int admission;          /* tracked_admission */
    shoal_error admission_error;    /* the reject's error */
    /* owned by the tracker (its lock) */
    struct tracked_query *index_next;
    struct tracked_query *history_prev;
    struct tracked_query *history_next;
    bool in_history;
} tracked_query;

typedef struct query_tracker query_tracker;

typedef struct query_tracker_config {
    int64_t client_timeout_ms;      /* query.client.timeout (5 m) */
    int max_history;                /* query.max-history (100) */
    int64_t min_expire_age_ms;      /* query.min-expire-age (15 m) */
    int64_t reaper_interval_ms;     /* how often to look (1 s); also how often
                                       running queries' CPU time and memory
                                       are reported to their resource groups */
} query_tracker_config;

int64_t tracker_now_ns(void);

query_tracker *query_tracker_create(const query_tracker_config *config);
/* Stops the reaper, frees every record (engine queries included). */
void query_tracker_destroy(query_tracker *t);

/* Takes over `sql` and `client`. Returns a referenced record (NULL: OOM). */
tracked_query *query_tracker_register(query_tracker *t, char *sql, client_session *client);
/* A referenced record, or NULL when unknown or expired. */
tracked_query *query_tracker_get(query_tracker *t, const char *id);
void query_tracker_release(query_tracker *t, tracked_query *tq);
/* Referenced records (caller releases each and frees the array). */
int query_tracker_list(query_tracker *t, tracked_query ***out);
int query_tracker_active_count(query_tracker *t);

/* Marks a poll (for the abandoned-query reaper). */
void tracked_query_touch(tracked_query *tq);

/* Asks for cancellation (USER_CANCELED, ABANDONED_QUERY, SERVER_SHUTTING_DOWN):
 * sets the flag a polling thread checks, then applies it under the lock. */
void tracked_query_cancel(tracked_query *tq, error_code code, const char *message);
/* The same with the record's lock held (polling threads use this when they
 * see cancel_requested). The engine query is cancelled here unless another
 * thread is inside query_fetch (busy); that thread does it when it returns. */
void tracked_query_apply_cancel_locked(tracked_query *tq);
/* Waits until no GET drives the record, then marks it busy (lock held). */
void tracked_query_acquire_locked(tracked_query *tq);
void tracked_query_release_locked(tracked_query *tq);

/* With tq->lock held: the final document was produced. Frees the engine
 * query; the record moves to the history. */
void tracked_query_finish_locked(query_tracker *t, tracked_query *tq, bool failed);

/* With tq->lock held: ends the record's resource-group ticket, if any
 * (resource_manager_query_finished, exactly once) and drops the callbacks'
 * reference. Called on every end: finished, failed, canceled, abandoned. */
void tracked_query_end_ticket_locked(tracked_query *tq);

/* With tq->lock held: the query's CPU time and peak memory so far (the
 * final figures once it is done). */
int64_t tracked_query_cpu_ns(const tracked_query *tq);
int64_t tracked_query_peak_memory(const tracked_query *tq);
/* Splits and raw input (query.h), live or as the query ended; under tq->lock. */
void tracked_query_progress(const tracked_query *tq, query_progress *out);

/* Reports every running query's CPU time and current memory to its
 * resource group (the reaper does it every reaper_interval_ms). */
void query_tracker_update_usage(query_tracker *t);

/* Cancels every query that is not done (shutdown). */
void query_tracker_cancel_all(query_tracker *t, error_code code, const char *message);

/* The state a client sees: "QUEUED", "RUNNING", "FINISHED", "FAILED". */
const char *tracked_query_state(const tracked_query *tq);

#endif
