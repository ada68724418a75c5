/*
 * task_manager.c — the worker's control endpoint actor, its task table
 * (read by the exchange server under a mutex) and the reaper thread.
 */
#include "task_manager.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actors/cluster/cluster_socket.h"
#include "actors/worker/exchange_server.h"
#include "actors/worker/worker_task.h"
#include "runtime/actor.h"
#include "runtime/log.h"
#include "runtime/nng_bridge.h"

static log_subsystem task_log = LOG_SUBSYSTEM_INIT("task");

enum {
    MSG_TM_RX = MESSAGE_TYPE_USER + CLUSTER_MSG_BASE + 0x40,
    MSG_TM_TX,
    MAX_TASKS = 4096
};

typedef struct reaped {
    struct reaped *next;
    worker_task *task;
} reaped;

struct task_manager {
    engine *engine;
    worker_task_options options;
    pthread_mutex_t lock;      /* the table and the reaper queue */
    worker_task *tasks[MAX_TASKS];
    int task_count;
    nng_socket socket;
    actor *actor;
    stop_latch stopped;
    exchange_server *exchange;
    pthread_t reaper;
    pthread_cond_t reap;
    reaped *to_reap;
    bool stopping;
};

typedef struct task_manager_state {
    task_manager *m;
    cluster_rep rep;
} task_manager_state;

static bool same_task(const proto_ids *a, const proto_ids *b)
{
    return a->fragment_id == b->fragment_id && a->task_index == b->task_index &&
           strcmp(a->query_id, b->query_id) == 0;
}

/* Called with the lock held. */
static int find_task(task_manager *m, const proto_ids *ids)
{
    for (int i = 0; i < m->task_count; i++)
        if (same_task(worker_task_ids(m->tasks[i]), ids))
            return i;
    return -1;
}

static task_output_buffer *lookup_output(void *context, const proto_ids *ids)
{
    task_manager *m = context;
    pthread_mutex_lock(&m->lock);
    int i = find_task(m, ids);
    task_output_buffer *b = i >= 0 ? worker_task_output(m->tasks[i]) : NULL;
    pthread_mutex_unlock(&m->lock);
    return b;
}

/* ---- the reaper -------------------------------------------------------------------- */

static void *reaper_main(void *arg)
{
    task_manager *m = arg;
    pthread_mutex_lock(&m->lock);
    for (;;) {
        while (m->to_reap) {
            reaped *r = m->to_reap;
            m->to_reap = r->next;
            pthread_mutex_unlock(&m->lock);
            char name[PROTO_NAME_MAX + 32];
            snprintf(name, sizeof name, "%s.%d.%d", worker_task_ids(r->task)->query_id, worker_task_ids(r->task)->fragment_id,
                     worker_task_ids(r->task)->task_index);
            worker_task_free(r->task);
            log_info(&task_log, "task %s freed", name);
            free(r);
            pthread_mutex_lock(&m->lock);
        }
        if (m->stopping)
            break;
        pthread_cond_wait(&m->reap, &m->lock);
    }
    pthread_mutex_unlock(&m->lock);
    return NULL;
}

/* Removes task i from the table (lock held) and queues it for the reaper. */
static void retire_task(task_manager *m, int i, error_code code, const char *message)
{
    worker_task *t = m->tasks[i];
    m->tasks[i] = m->tasks[--m->task_count];
    worker_task_cancel(t, code, message);
    reaped *r = malloc(sizeof *r);
    if (!r) {
        pthread_mutex_unlock(&m->lock);
        worker_task_free(t); /* out of memory: free it here, blocking */
        pthread_mutex_lock(&m->lock);
        return;
    }
    r->task = t;
    r->next = m->to_reap;
    m->to_reap = r;
    pthread_cond_signal(&m->reap);
}

/* ---- requests ------------------------------------------------------------------------ */

static nng_msg *status_reply(const proto_ids *ids, const proto_task_status *status)
{
    proto_message m;
    proto_message_init(&m, PROTO_TASK_STATUS);
    m.ids = *ids;
    m.u.task_status = *status;
    return cluster_msg_encode(&m);
}

static nng_msg *handle_create(task_manager *m, const proto_message *req)
{
    pthread_mutex_lock(&m->lock);
    bool exists = find_task(m, &req->ids) >= 0;
    bool full = m->task_count >= MAX_TASKS;
    pthread_mutex_unlock(&m->lock);
    if (exists)
        return cluster_ack(ERR_NONE, ""); /* a repeated create_task */
    if (full)
        return cluster_ack(ERR_GENERIC_INSUFFICIENT_RESOURCES, "Too many tasks on this node");
    shoal_error error;
    error_clear(&error);
    worker_task *t = worker_task_create(m->engine, &req->ids, &req->u.create_task, &m->options, &error);
    if (!t) {
        log_warn(&task_log, "cannot create task %s.%d.%d: %s", req->ids.query_id, req->ids.fragment_id,
                 req->ids.task_index, error.message);
        return cluster_ack(error.code, error.message);
    }
    pthread_mutex_lock(&m->lock);
    m->tasks[m->task_count++] = t;
    pthread_mutex_unlock(&m->lock);
    log_info(&task_log, "task %s.%d.%d created", req->ids.query_id, req->ids.fragment_id, req->ids.task_index);
    return cluster_ack(ERR_NONE, "");
}

static nng_msg *handle_task_request(task_manager *m, const proto_message *req)
{
    shoal_error error;
    error_clear(&error);
    pthread_mutex_lock(&m->lock);
    int i = find_task(m, &req->ids);
    if (i < 0) {
        pthread_mutex_unlock(&m->lock);
        if (req->type == PROTO_CANCEL_TASK)
            return cluster_ack(ERR_NONE, ""); /* already gone */
        char text[PROTO_MESSAGE_MAX];
        snprintf(text, sizeof text, "No task %s.%d.%d on this node", req->ids.query_id, req->ids.fragment_id,
                 req->ids.task_index);
        return cluster_ack(ERR_NOT_FOUND, text);
    }
    worker_task *t = m->tasks[i];
    nng_msg *reply = NULL;
    bool ok = true;
    proto_task_status status;
    switch (req->type) {
    case PROTO_ADD_SPLITS: ok = worker_task_add_splits(t, &req->u.add_splits, &error); break;
    case PROTO_NO_MORE_SPLITS: ok = worker_task_no_more_splits(t, req->u.no_more_splits.plan_node_id, &error); break;
    case PROTO_CANCEL_TASK:
        retire_task(m, i, (error_code)req->u.cancel_task.error_code, req->u.cancel_task.message);
        break;
    case PROTO_GET_TASK_STATUS:
        worker_task_get_status(t, &status);
        reply = status_reply(&req->ids, &status);
        break;
    default: break;
    }
    pthread_mutex_unlock(&m->lock);
    if (reply)
        return reply;
    return ok ? cluster_ack(ERR_NONE, "") : cluster_ack(error.code, error.message);
}

static nng_msg *handle_request(void *context, nng_msg *in)
{
    task_manager *m = context;
    proto_message req;
    shoal_error error;
    error_clear(&error);
    if (!cluster_msg_decode(in, &req, &error)) {
        const unsigned char *b = nng_msg_body(in);
        size_t n = nng_msg_len(in);
        char hex[97] = "";
        for (size_t i = 0; i < n && i < 48; i++)
            snprintf(hex + 2 * i, 3, "%02x", b[i]);
        log_warn(&task_log, "bad control message (%zu bytes %s): %s", n, hex, error.message);
        return cluster_ack(ERR_SERIALIZATION_ERROR, error.message);
    }
    nng_msg *reply;
    switch (req.type) {
    case PROTO_CREATE_TASK: reply = handle_create(m, &req); break;
    case PROTO_ADD_SPLITS:
    case PROTO_NO_MORE_SPLITS:
    case PROTO_CANCEL_TASK:
    case PROTO_GET_TASK_STATUS: reply = handle_task_request(m, &req); break;
    default: reply = cluster_ack(ERR_NOT_SUPPORTED, "Not a worker control message"); break;
    }
    proto_message_free(&req);
    return reply;
}

/* ---- the actor ------------------------------------------------------------------------- */

static int tm_start(actor *self)
{
    task_manager_state *st = actor_state(self);
    return cluster_rep_start(&st->rep, self, st->m->socket, MSG_TM_RX, MSG_TM_TX, handle_request, st->m);
}

static int tm_receive(actor *self, message *msg)
{
    task_manager_state *st = actor_state(self);
    cluster_rep_receive(&st->rep, msg);
    return 0;
}

static void tm_stop(actor *self)
{
    task_manager_state *st = actor_state(self);
    cluster_rep_stop(&st->rep);
    stop_latch_release(&st->m->stopped);
}

static const actor_behaviour task_manager_behaviour = {
    .name = "task_manager", .on_start = tm_start, .receive = tm_receive, .on_stop = tm_stop,
};

static void destroy(task_manager *m)
{
    stop_latch_destroy(&m->stopped);
    pthread_cond_destroy(&m->reap);
    pthread_mutex_destroy(&m->lock);
    free(m);
}

task_manager *task_manager_start(engine *e, const task_manager_config *config, shoal_error *error)
{
    task_manager *m = calloc(1, sizeof *m);
    if (!m) {
        error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
        return NULL;
    }
    m->engine = e;
    m->options.never_compress = config->never_compress;
    pthread_mutex_init(&m->lock, NULL);
    pthread_cond_init(&m->reap, NULL);
    stop_latch_init(&m->stopped);
    int rv = nng_rep0_open(&m->socket);
    if (rv == 0) {
        nng_socket_set_size(m->socket, NNG_OPT_RECVMAXSZ, CLUSTER_MAX_MESSAGE_BYTES);
        rv = nng_listen(m->socket, config->control_url, NULL, 0);
        if (rv != 0)
            nng_close(m->socket);
    }
    if (rv != 0) {
        error_set(error, ERR_CONFIGURATION_INVALID, "Cannot listen for tasks on %s: %s", config->control_url,
                  nng_strerror(rv));
        destroy(m);
        return NULL;
    }
    exchange_server_config xc = {.url = config->exchange_url, .lookup = lookup_output, .context = m};
    m->exchange = exchange_server_start(engine_runtime(e), &xc, error);
    if (!m->exchange) {
        nng_close(m->socket);
        destroy(m);
        return NULL;
    }
    if (pthread_create(&m->reaper, NULL, reaper_main, m) != 0) {
        exchange_server_stop(m->exchange);
        nng_close(m->socket);
        destroy(m);
        error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Cannot start the task reaper");
        return NULL;
    }
    task_manager_state init = {.m = m};
    m->actor = actor_spawn(engine_runtime(e), &task_manager_behaviour,
                           &(actor_options){.name = "task_manager", .state_size = sizeof init, .init_state = &init});
    if (!m->actor) {
        nng_close(m->socket);
        task_manager_stop(m);
        error_set(error, ERR_GENERIC_INTERNAL_ERROR, "Cannot start the task manager");
        return NULL;
    }
    return m;
}

void task_manager_stop(task_manager *m)
{
    if (!m)
        return;
    if (m->actor) {
        actor_stop(m->actor, 0);
        stop_latch_wait(&m->stopped);
        actor_unref(m->actor);
    }
    exchange_server_stop(m->exchange);
    pthread_mutex_lock(&m->lock);
    while (m->task_count > 0)
        retire_task(m, m->task_count - 1, ERR_SERVER_SHUTTING_DOWN, "The node is shutting down");
    m->stopping = true;
    pthread_cond_signal(&m->reap);
    pthread_mutex_unlock(&m->lock);
    pthread_join(m->reaper, NULL);
    destroy(m);
}

int task_manager_task_count(task_manager *m)
{
    pthread_mutex_lock(&m->lock);
    int n = m->task_count;
    pthread_mutex_unlock(&m->lock);
    return n;
}
