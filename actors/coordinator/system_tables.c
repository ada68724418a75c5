/*
 * system_tables.c — the coordinator's live state behind Trino's system
 * tables: system.runtime.queries lists the tracked queries, and
 * CALL system.runtime.kill_query fails one of them with
 * ADMINISTRATIVELY_KILLED. Both are callbacks the system connector calls
 * at scan / CALL time, so nothing goes stale.
 */
#include "coordinator_state.h"

#include <stdio.h>
#include <stdlib.h>

#include "connectors/system/system_connector.h"

/* An epoch-ms time of an event recorded on the monotonic clock. */
static int64_t wall_ms(const tracked_query *tq, int64_t event_ns)
{
    if (event_ns <= 0)
        return SYSTEM_NO_TIME;
    return tq->created_wall_ms + (event_ns - tq->created_ns) / 1000000;
}

static bool add_query_row(system_row_sink *sink, tracked_query *tq)
{
    pthread_mutex_lock(&tq->lock);
    const session *s = tq->client.session;
    system_query_row row = {
        .query_id = tq->id,
        .state = tracked_query_state(tq),
        .user = s ? s->user : NULL,
        .source = s ? s->source : NULL,
        .query = tq->sql,
        .queued_time_ms = tq->started_ns > 0 ? (tq->started_ns - tq->created_ns) / 1000000 : SYSTEM_NO_TIME,
        .analysis_time_ms = SYSTEM_NO_TIME,
        .planning_time_ms = SYSTEM_NO_TIME,
        .created = tq->created_wall_ms,
        .started = wall_ms(tq, tq->started_ns),
        .last_heartbeat = wall_ms(tq, atomic_load(&tq->last_access_ns)),
        .end = wall_ms(tq, tq->ended_ns),
        .error_type = tq->failed ? error_type_name(error_type_of(tq->error.code)) : NULL,
        .error_code = tq->failed ? error_name(tq->error.code) : NULL,
    };
    bool more = system_add_query(sink, &row);
    pthread_mutex_unlock(&tq->lock);
    return more;
}

static bool queries_provider(void *context, system_row_sink *sink, shoal_error *error)
{
    (void)error;
    coordinator *c = context;
    tracked_query **queries = NULL;
    int count = query_tracker_list(c->tracker, &queries);
    bool more = true;
    for (int i = 0; i < count; i++) {
        if (more)
            more = add_query_row(sink, queries[i]);
        query_tracker_release(c->tracker, queries[i]);
    }
    free(queries);
    return true;
}

static system_kill_result kill_query(void *context, const char *query_id, const shoal_error *reason)
{
    coordinator *c = context;
    tracked_query *tq = query_tracker_get(c->tracker, query_id);
    if (!tq)
        return SYSTEM_KILL_NOT_FOUND;
    pthread_mutex_lock(&tq->lock);
    bool done = tq->final_state != NULL;
    pthread_mutex_unlock(&tq->lock);
    if (!done)
        tracked_query_cancel(tq, reason->code, reason->message);
    query_tracker_release(c->tracker, tq);
    return done ? SYSTEM_KILL_NOT_RUNNING : SYSTEM_KILL_DONE;
}

bool coordinator_system_tables_attach(coordinator *c, shoal_error *error)
{
    catalog_registry *catalogs = engine_catalogs(c->engine);
    if (!catalog_exists(catalogs, SYSTEM_CATALOG_NAME))
        return true; /* no system catalog, nothing to feed */
    char uri[256];
    snprintf(uri, sizeof uri, "http://127.0.0.1:%d", coordinator_port(c));
    system_node_row node = {c->node_id, uri, c->version, true, "active"};
    return system_catalog_set_provider(catalogs, SYSTEM_PROVIDER_QUERIES, queries_provider, c, error) &&
           system_catalog_set_query_killer(catalogs, kill_query, c, error) &&
           system_catalog_set_local_node(catalogs, &node, error);
}

void coordinator_system_tables_detach(coordinator *c)
{
    catalog_registry *catalogs = engine_catalogs(c->engine);
    if (!catalog_exists(catalogs, SYSTEM_CATALOG_NAME))
        return;
    system_catalog_set_provider(catalogs, SYSTEM_PROVIDER_QUERIES, NULL, NULL, NULL);
    system_catalog_set_query_killer(catalogs, NULL, NULL, NULL);
}
