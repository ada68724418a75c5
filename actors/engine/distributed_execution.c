/*
 * distributed_execution.c — placement of fragments on nodes, task creation
 * and split assignment over the control endpoints, the root fragment run
 * locally with exchange clients, and the monitor.
 *
 * Control calls are blocking nng REQ calls, never made on a scheduler
 * thread: create_task and add_splits on the thread that submits the query
 * (the coordinator's HTTP work pool), get_task_status on the monitor
 * thread, cancel_task on the monitor or on the thread that frees the query
 * (the HTTP work pool or the query tracker's reaper).
 */
#include "distributed_execution.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "actors/cluster/cluster_socket.h"
#include "actors/cluster/node_manager.h"
#include "actors/engine/local_planner.h"
#include "actors/worker/exchange_client.h"
#include "runtime/clock.h"
#include "runtime/log.h"
#include "sql/fragmenter.h"
#include "sql/plan_serde.h"

static log_subsystem scheduler_log = LOG_SUBSYSTEM_INIT("scheduler");

enum {
    MAX_WORKERS = 256,
    CREATE_TIMEOUT_MS = 10000,
    POLL_TIMEOUT_MS = 500,
    CANCEL_TIMEOUT_MS = 2000,
    CANCEL_ATTEMPTS = 3,
    MONITOR_TICK_MS = 100,
    STATUS_EVERY_TICKS = 3
};

typedef struct remote_task {
    int node;                  /* index into nodes[] */
    bool created;
} remote_task;

typedef struct fragment_tasks {
    int count;
    remote_task *tasks;        /* empty for the root (it runs here) */
} fragment_tasks;

typedef struct root_source {
    int plan_node_id;
    exchange_client *client;
} root_source;

struct distributed_execution {
    engine *engine;
    char query_id[PROTO_NAME_MAX];
    fragmented_plan *plan;
    fragment_tasks *placement;     /* per fragment */
    int node_count;
    cluster_node nodes[MAX_WORKERS];
    nng_socket control[MAX_WORKERS];
    bool control_open[MAX_WORKERS];
    root_source *sources;
    int source_count;
    local_planner_task_hooks hooks;
    execution *root;
    pthread_t monitor;
    bool monitor_started;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    bool closing;
    bool cancel_requested;
    bool tasks_released;
};

/* ---- which plans run on the cluster ------------------------------------------------- */

static bool scans_distributable(engine *e, const plan_node *node)
{
    if (!node)
        return true;
    /* plan_serde does not ship these yet (a Window would arrive without its
     * functions): such plans run on the coordinator alone */
    if (node->kind == PLAN_WINDOW || node->kind == PLAN_GROUP_ID)
        return false;
    if (node->kind == PLAN_TABLE_SCAN) {
        const char *name = node->u.scan.catalog;
        if (!name || strcmp(name, "system") == 0 ||
            (node->u.scan.table->schema && strcmp(node->u.scan.table->schema, "information_schema") == 0))
            return false;
        shoal_error error;
        error_clear(&error);
        catalog *c = catalog_acquire(engine_catalogs(e), name, &error);
        if (!c)
            return false;
        bool local = strcmp(catalog_connector_name(c), "memory") == 0;
        catalog_release(c);
        if (local)
            return false;
    }
    if (!scans_distributable(e, node->inputs[0]) || !scans_distributable(e, node->inputs[1]))
        return false;
    for (int i = 0; i < node->source_count; i++)
        if (!scans_distributable(e, node->sources[i]))
            return false;
    return true;
}

static bool has_scan(const plan_node *node)
{
    if (!node)
        return false;
    if (node->kind == PLAN_TABLE_SCAN)
        return true;
    if (has_scan(node->inputs[0]) || has_scan(node->inputs[1]))
        return true;
    for (int i = 0; i < node->source_count; i++)
        if (has_scan(node->sources[i]))
            return true;
    return false;
}

static int active_workers(node_manager *m, cluster_node *out, int max)
{
    cluster_node all[MAX_WORKERS];
    int known = node_manager_nodes(m, all, MAX_WORKERS);
    int n = 0;
    for (int i = 0; i < known && i < MAX_WORKERS && n < max; i++)
        if (all[i].active && !all[i].coordinator)
            out[n++] = all[i];
    return n;
}

bool distributed_execution_applies(engine *e, const plan_node *plan)
{
    node_manager *m = engine_cluster(e);
    if (!m || node_manager_active_count(m) == 0)
        return false;
    return has_scan(plan) && scans_distributable(e, plan);
}

/* ---- control calls ------------------------------------------------------------------- */

/* Sends `m` to node i and waits for the answer: an ack (ok or its error) or
 * a task_status (into *status when given). */
static bool control_call(distributed_execution *d, int node, const proto_message *m, int timeout_ms,
                         proto_task_status *status, shoal_error *error)
{
    if (!d->control_open[node])
        return error_set(error, ERR_REMOTE_HOST_GONE, "No connection to node %s", d->nodes[node].node_id);
    nng_socket s = d->control[node];
    nng_socket_set_ms(s, NNG_OPT_SENDTIMEO, timeout_ms);
    nng_socket_set_ms(s, NNG_OPT_RECVTIMEO, timeout_ms);
    nng_msg *out = cluster_msg_encode(m);
    if (!out)
        return error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Cannot encode a %s", proto_type_name(m->type));
    int rv = nng_sendmsg(s, out, 0);
    if (rv != 0) {
        nng_msg_free(out);
        return error_set(error, ERR_REMOTE_TASK_ERROR, "Cannot reach node %s: %s", d->nodes[node].node_id,
                         nng_strerror(rv));
    }
    nng_msg *in = NULL;
    rv = nng_recvmsg(s, &in, 0);
    if (rv != 0)
        return error_set(error, ERR_REMOTE_TASK_ERROR, "No answer from node %s: %s", d->nodes[node].node_id,
                         nng_strerror(rv));
    proto_message reply;
    bool ok = cluster_msg_decode(in, &reply, error);
    if (ok && reply.type == PROTO_ACK && reply.u.ack.error_code != ERR_NONE)
        ok = error_set(error, (error_code)reply.u.ack.error_code, "%s", reply.u.ack.message);
    else if (ok && reply.type == PROTO_TASK_STATUS && status)
        *status = reply.u.task_status;
    else if (ok && reply.type != PROTO_ACK && reply.type != PROTO_TASK_STATUS)
        ok = error_set(error, ERR_REMOTE_TASK_ERROR, "Unexpected %s from node %s", proto_type_name(reply.type),
                       d->nodes[node].node_id);
    if (ok || error->code != ERR_SERIALIZATION_ERROR)
        proto_message_free(&reply);
    nng_msg_free(in);
    return ok;
}

static void task_message(distributed_execution *d, proto_message *m, proto_type type, int fragment, int index)
{
    proto_message_init(m, type);
    PROTO_SET(m->ids.query_id, d->query_id);
    m->ids.fragment_id = fragment;
    m->ids.task_index = index;
}

/* cancel_task to every created task (also how finished tasks are released). */
static void release_tasks(distributed_execution *d, error_code code, const char *message)
{
    if (d->tasks_released)
        return;
    d->tasks_released = true;
    for (int f = 1; d->plan && f < d->plan->fragment_count; f++) {
        fragment_tasks *ft = &d->placement[f];
        for (int i = 0; i < ft->count; i++) {
            if (!ft->tasks[i].created || !node_manager_is_active(engine_cluster(d->engine), d->nodes[ft->tasks[i].node].node_id))
                continue;
            proto_message m;
            task_message(d, &m, PROTO_CANCEL_TASK, f, i);
            m.u.cancel_task.error_code = code;
            PROTO_SET(m.u.cancel_task.message, message);
            shoal_error error;
            error_clear(&error);
            bool done = false;
            for (int attempt = 0; !done && attempt < CANCEL_ATTEMPTS; attempt++)
                done = control_call(d, ft->tasks[i].node, &m, CANCEL_TIMEOUT_MS, NULL, &error);
            if (!done)
                log_warn(&scheduler_log, "query %s: cancel of task %d.%d failed: %s", d->query_id, f, i,
                         error.message);
        }
    }
}

/* ---- placement and task creation --------------------------------------------------------- */

static bool place_fragments(distributed_execution *d, shoal_error *error)
{
    d->placement = calloc((size_t)d->plan->fragment_count, sizeof *d->placement);
    if (!d->placement)
        return error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
    for (int f = 1; f < d->plan->fragment_count; f++) {
        const plan_fragment *pf = &d->plan->fragments[f];
        fragment_tasks *ft = &d->placement[f];
        if (pf->partitioning == FRAGMENT_COORDINATOR_ONLY)
            return error_set(error, ERR_NOT_SUPPORTED, "Fragment %d must run on the coordinator", f);
        ft->count = pf->partitioning == FRAGMENT_SINGLE ? 1 : d->node_count;
        ft->tasks = calloc((size_t)ft->count, sizeof *ft->tasks);
        if (!ft->tasks)
            return error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
        for (int i = 0; i < ft->count; i++)
            ft->tasks[i].node = ft->count == 1 ? f % d->node_count : i;
    }
    return true;
}

/* The upstream locations of remote source `rs` for consumer task `index`. */
static bool locations_for(distributed_execution *d, const fragment_remote_source *rs, int index,
                          proto_remote_source *out, shoal_error *error)
{
    const fragment_tasks *child = &d->placement[rs->fragment_id];
    bool gather = d->plan->fragments[rs->fragment_id].output_kind == EXCHANGE_GATHER;
    out->plan_node_id = rs->node_id;
    out->location_count = (uint32_t)child->count;
    out->locations = calloc((size_t)child->count + 1, sizeof *out->locations);
    if (!out->locations)
        return error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
    for (int j = 0; j < child->count; j++) {
        proto_location *l = &out->locations[j];
        const cluster_node *n = &d->nodes[child->tasks[j].node];
        PROTO_SET(l->exchange_endpoint, n->exchange_endpoint);
        PROTO_SET(l->node_id, n->node_id);
        l->fragment_id = rs->fragment_id;
        l->task_index = j;
        l->buffer_id = gather ? 0 : index;
    }
    return true;
}

static void free_sources(proto_remote_source *sources, int count)
{
    for (int i = 0; i < count; i++)
        free(sources[i].locations);
    free(sources);
}

static bool create_task(distributed_execution *d, int f, int index, const unsigned char *bytes, size_t size,
                        shoal_error *error)
{
    const plan_fragment *pf = &d->plan->fragments[f];
    int consumers = pf->consumer_fragment_id == 0 ? 1 : d->placement[pf->consumer_fragment_id].count;
    if (pf->output_kind == EXCHANGE_GATHER && consumers != 1)
        return error_set(error, ERR_NOT_SUPPORTED, "Fragment %d gathers into %d tasks", f, consumers);
    if (pf->output_kind == EXCHANGE_ROUND_ROBIN)
        return error_set(error, ERR_NOT_SUPPORTED, "Round-robin remote exchanges are not supported yet");
    proto_message m;
    task_message(d, &m, PROTO_CREATE_TASK, f, index);
    proto_create_task *c = &m.u.create_task;
    c->fragment.data = bytes;
    c->fragment.size = (uint32_t)size;
    c->task_count = d->placement[f].count;
    c->output_partitions = pf->output_kind == EXCHANGE_GATHER ? 1 : consumers;
    c->output_broadcast = pf->output_kind == EXCHANGE_BROADCAST;
    c->sources = calloc((size_t)pf->remote_source_count + 1, sizeof *c->sources);
    if (!c->sources)
        return error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
    bool ok = true;
    for (int i = 0; ok && i < pf->remote_source_count; i++) {
        ok = locations_for(d, &pf->remote_sources[i], index, &c->sources[i], error);
        c->source_count += ok;
    }
    int node = d->placement[f].tasks[index].node;
    ok = ok && control_call(d, node, &m, CREATE_TIMEOUT_MS, NULL, error);
    free_sources(c->sources, (int)c->source_count);
    if (ok)
        d->placement[f].tasks[index].created = true;
    return ok;
}

static bool create_tasks(distributed_execution *d, shoal_error *error)
{
    for (int f = 1; f < d->plan->fragment_count; f++) {
        unsigned char *bytes = NULL;
        size_t size = 0;
        if (!plan_fragment_serialize(&d->plan->fragments[f], &bytes, &size, error))
            return false;
        bool ok = true;
        for (int i = 0; ok && i < d->placement[f].count; i++)
            ok = create_task(d, f, i, bytes, size, error);
        free(bytes);
        if (!ok)
            return false;
    }
    return true;
}

/* ---- splits ----------------------------------------------------------------------------- */

static bool send_splits(distributed_execution *d, int f, int index, int plan_node_id, const split_list *splits,
                        shoal_error *error)
{
    int tasks = d->placement[f].count;
    int mine = 0;
    for (int k = index; k < splits->count; k += tasks)
        mine++;
    proto_message m;
    task_message(d, &m, PROTO_ADD_SPLITS, f, index);
    proto_add_splits *a = &m.u.add_splits;
    a->plan_node_id = plan_node_id;
    a->no_more = true;
    a->splits = calloc((size_t)mine + 1, sizeof *a->splits);
    if (!a->splits)
        return error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
    for (int k = index; k < splits->count; k += tasks) {
        proto_split *s = &a->splits[a->split_count++];
        s->bytes.data = splits->items[k].bytes;
        s->bytes.size = (uint32_t)splits->items[k].size;
        const char *text = splits->items[k].description ? splits->items[k].description : "";
        s->description.data = (const unsigned char *)text;
        s->description.size = (uint32_t)strlen(text);
    }
    bool ok = control_call(d, d->placement[f].tasks[index].node, &m, CREATE_TIMEOUT_MS, NULL, error);
    free(a->splits);
    return ok;
}

/* Every scan of a fragment: its splits, round-robin over the fragment's tasks. */
static bool assign_scan(distributed_execution *d, int f, const plan_node *scan, shoal_error *error)
{
    catalog *c = catalog_acquire(engine_catalogs(d->engine), scan->u.scan.catalog, error);
    if (!c)
        return false;
    connector *conn = catalog_connector(c);
    scan_request request = {
        .columns = scan->u.scan.columns,
        .column_count = scan->column_count,
        .ranges = scan->u.scan.ranges,
        .range_count = scan->u.scan.range_count,
        .limit = scan->u.scan.limit,
    };
    split_list splits = {0};
    int desired = engine_threads(d->engine) * d->placement[f].count * 2;
    bool ok = conn->ops->get_splits(conn, scan->u.scan.table, &request, desired, &splits, error);
    for (int i = 0; ok && i < d->placement[f].count; i++)
        ok = send_splits(d, f, i, scan->id, &splits, error);
    split_list_free(&splits);
    catalog_release(c);
    return ok;
}

static bool assign_splits_under(distributed_execution *d, int f, const plan_node *node, shoal_error *error)
{
    if (!node)
        return true;
    if (node->kind == PLAN_TABLE_SCAN)
        return assign_scan(d, f, node, error);
    if (!assign_splits_under(d, f, node->inputs[0], error) || !assign_splits_under(d, f, node->inputs[1], error))
        return false;
    for (int i = 0; i < node->source_count; i++)
        if (!assign_splits_under(d, f, node->sources[i], error))
            return false;
    return true;
}

/* ---- the root fragment ------------------------------------------------------------------- */

static operator *root_remote_source(void *context, int plan_node_id, shoal_error *error)
{
    distributed_execution *d = context;
    for (int i = 0; i < d->source_count; i++)
        if (d->sources[i].plan_node_id == plan_node_id)
            return exchange_source_create(plan_node_id, d->sources[i].client, error);
    error_set(error, ERR_GENERIC_INTERNAL_ERROR, "No locations for remote source %d", plan_node_id);
    return NULL;
}

static bool start_root(distributed_execution *d, const execution_options *options, shoal_error *error)
{
    plan_fragment *root = &d->plan->fragments[0];
    d->sources = calloc((size_t)root->remote_source_count + 1, sizeof *d->sources);
    if (!d->sources)
        return error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
    for (int i = 0; i < root->remote_source_count; i++) {
        proto_remote_source where;
        if (!locations_for(d, &root->remote_sources[i], 0, &where, error))
            return false;
        exchange_client_config config = {.query_id = d->query_id, .source = &where};
        exchange_client *c = exchange_client_start(engine_runtime(d->engine), &config, error);
        free(where.locations);
        if (!c)
            return false;
        d->sources[d->source_count].plan_node_id = root->remote_sources[i].node_id;
        d->sources[d->source_count].client = c;
        d->source_count++;
    }
    d->hooks = (local_planner_task_hooks){.context = d, .create_remote_source = root_remote_source};
    execution_options run = *options;
    run.task = &d->hooks;
    plan_node *plan = root->root;
    root->root = NULL;
    d->root = execution_start(d->engine, plan, &run, error);
    return d->root != NULL;
}

/* ---- the monitor ---------------------------------------------------------------------------- */

static void fail_query(distributed_execution *d, error_code code, const char *message)
{
    log_warn(&scheduler_log, "query %s failed: %s", d->query_id, message);
    execution_cancel(d->root, code, message);
    release_tasks(d, code, message);
}

/* A node the query uses that is no longer active, or -1. */
static int gone_node(distributed_execution *d)
{
    node_manager *m = engine_cluster(d->engine);
    for (int n = 0; n < d->node_count; n++)
        if (!node_manager_is_active(m, d->nodes[n].node_id))
            return n;
    return -1;
}

/* True when a task failed (the query is failed with its error). Stops at
 * a gone node: the caller fails the query for it at once rather than wait
 * for calls to time out. */
static bool poll_tasks(distributed_execution *d)
{
    for (int f = 1; f < d->plan->fragment_count; f++) {
        fragment_tasks *ft = &d->placement[f];
        for (int i = 0; i < ft->count; i++) {
            if (gone_node(d) >= 0)
                return false;
            proto_message m;
            task_message(d, &m, PROTO_GET_TASK_STATUS, f, i);
            proto_task_status status;
            memset(&status, 0, sizeof status);
            shoal_error error;
            error_clear(&error);
            if (!control_call(d, ft->tasks[i].node, &m, POLL_TIMEOUT_MS, &status, &error))
                continue; /* unreachable: the node manager decides whether it is gone */
            if (status.state == PROTO_TASK_FAILED) {
                char text[PROTO_MESSAGE_MAX + 64];
                snprintf(text, sizeof text, "%s", status.message);
                fail_query(d, (error_code)status.error_code, text);
                return true;
            }
        }
    }
    return false;
}

static bool monitor_wait(distributed_execution *d, int ms)
{
    struct timespec deadline = clock_realtime_after_ms(ms);
    pthread_mutex_lock(&d->lock);
    if (!d->closing && !d->cancel_requested)
        pthread_cond_timedwait(&d->wake, &d->lock, &deadline);
    bool go_on = !d->closing;
    pthread_mutex_unlock(&d->lock);
    return go_on;
}

static void *monitor_main(void *arg)
{
    distributed_execution *d = arg;
    int tick = 0;
    while (monitor_wait(d, MONITOR_TICK_MS)) {
        pthread_mutex_lock(&d->lock);
        bool cancel = d->cancel_requested;
        pthread_mutex_unlock(&d->lock);
        if (cancel) {
            release_tasks(d, ERR_USER_CANCELED, "Query was canceled");
            break;
        }
        int gone = gone_node(d);
        if (gone >= 0) {
            char text[PROTO_MESSAGE_MAX];
            snprintf(text, sizeof text, "Node %s (%s) is gone: it stopped answering heartbeats while running tasks of this query",
                     d->nodes[gone].node_id, d->nodes[gone].control_endpoint);
            fail_query(d, ERR_REMOTE_HOST_GONE, text);
            break;
        }
        if (++tick % STATUS_EVERY_TICKS == 0 && poll_tasks(d))
            break;
    }
    return NULL;
}

/* ---- life -------------------------------------------------------------------------------------- */

static atomic_uint_fast64_t query_sequence;

execution *distributed_execution_start(engine *e, plan_node *plan, const execution_options *options,
                                       shoal_error *error)
{
    distributed_execution *d = calloc(1, sizeof *d);
    if (!d) {
        plan_free(plan);
        error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
        return NULL;
    }
    d->engine = e;
    pthread_mutex_init(&d->lock, NULL);
    pthread_cond_init(&d->wake, NULL);
    snprintf(d->query_id, sizeof d->query_id, "%ld_%llu_%llu", (long)getpid(),
             (unsigned long long)(clock_now_ns() / 1000000ull),
             (unsigned long long)atomic_fetch_add(&query_sequence, 1));
    d->node_count = active_workers(engine_cluster(e), d->nodes, MAX_WORKERS);
    fragmenter_options fragmenting = {0};
    d->plan = fragmenter_run(plan, &fragmenting, error); /* takes the plan */
    bool ok = d->plan && d->node_count > 0;
    if (d->plan && d->node_count == 0)
        error_set(error, ERR_NO_NODES_AVAILABLE, "No worker is active");
    for (int n = 0; ok && n < d->node_count; n++) {
        int rv = nng_req0_open(&d->control[n]);
        if (rv == 0) {
            d->control_open[n] = true;
            nng_socket_set_size(d->control[n], NNG_OPT_RECVMAXSZ, CLUSTER_MAX_MESSAGE_BYTES);
            rv = nng_dial(d->control[n], d->nodes[n].control_endpoint, NULL, NNG_FLAG_NONBLOCK);
        }
        if (rv != 0)
            ok = error_set(error, ERR_REMOTE_TASK_ERROR, "Cannot connect to node %s: %s", d->nodes[n].node_id,
                           nng_strerror(rv));
    }
    ok = ok && place_fragments(d, error) && create_tasks(d, error);
    for (int f = 1; ok && f < d->plan->fragment_count; f++)
        if (d->plan->fragments[f].partitioning == FRAGMENT_SOURCE || d->plan->fragments[f].partitioning == FRAGMENT_SINGLE)
            ok = assign_splits_under(d, f, d->plan->fragments[f].root, error);
    ok = ok && start_root(d, options, error);
    if (!ok) {
        distributed_execution_stop(d);
        distributed_execution_free(d);
        return NULL;
    }
    execution *root = d->root;
    execution_set_distributed(root, d);
    d->monitor_started = pthread_create(&d->monitor, NULL, monitor_main, d) == 0;
    if (!d->monitor_started) {
        error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Cannot start the query monitor");
        execution_free(root);
        return NULL;
    }
    log_info(&scheduler_log, "query %s: %d fragments on %d workers", d->query_id, d->plan->fragment_count,
             d->node_count);
    return root;
}

void distributed_execution_cancel(distributed_execution *d)
{
    pthread_mutex_lock(&d->lock);
    d->cancel_requested = true;
    pthread_cond_broadcast(&d->wake);
    pthread_mutex_unlock(&d->lock);
}

void distributed_execution_stop(distributed_execution *d)
{
    pthread_mutex_lock(&d->lock);
    d->closing = true;
    pthread_cond_broadcast(&d->wake);
    pthread_mutex_unlock(&d->lock);
    if (d->monitor_started)
        pthread_join(d->monitor, NULL);
    d->monitor_started = false;
    if (d->placement)
        release_tasks(d, ERR_USER_CANCELED, "Query finished");
}

void distributed_execution_free(distributed_execution *d)
{
    if (!d)
        return;
    for (int i = 0; i < d->source_count; i++)
        exchange_client_close(d->sources[i].client);
    free(d->sources);
    for (int n = 0; n < d->node_count; n++)
        if (d->control_open[n])
            nng_close(d->control[n]);
    for (int f = 0; d->placement && f < d->plan->fragment_count; f++)
        free(d->placement[f].tasks);
    free(d->placement);
    fragmented_plan_free(d->plan);
    pthread_cond_destroy(&d->wake);
    pthread_mutex_destroy(&d->lock);
    free(d);
}
