/*
 * resource_manager.c — resource groups as actors (resource_manager.h).
 *
 * Every group instance is an actor. A submission is a SUBMIT message to the
 * leaf group's actor; its mailbox admission policy decides, under the tree
 * lock, run / queue / reject for the group and all its ancestors (Trino's
 * InternalResourceGroup.run). A rejected message is bounced by the runtime
 * back to the group actor, which calls the reject callback. Queued tickets
 * live in the group's own priority queue (not the runtime's FIFO held queue:
 * Trino orders them by query_priority and picks among sibling groups at
 * every ancestor level); whoever frees capacity picks the next ones with
 * rg_start_next and sends each an ADMIT message to its leaf actor.
 *
 * The tree lock is one mutex per manager (Trino: one per root group). It is
 * held while callbacks run, so that once query_finished returns no callback
 * for that ticket can start; callbacks therefore must not call back in.
 */
#include "actors/resource/resource_manager.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <string.h>

#include "actors/resource/resource_internal.h"
#include "runtime/admission.h"
#include "runtime/clock.h"
#include "runtime/task.h"
#include "runtime/timer.h"

enum {
    MSG_RG_SUBMIT = MESSAGE_TYPE_USER + 0x5200,
    MSG_RG_ADMIT,
};

typedef enum submit_decision { DECIDE_NONE, DECIDE_RUN, DECIDE_QUEUE, DECIDE_REJECT, DECIDE_DROP } submit_decision;

typedef struct rg_message {
    message header;
    resource_ticket *ticket;
    submit_decision decision;    /* written by the admission policy */
} rg_message;

/* ticket bookkeeping beyond resource_internal.h */
typedef struct ticket_extra {
    bool message_pending;        /* a SUBMIT or ADMIT message carries it */
    bool abandoned;              /* the owner ended it while a message was in flight */
} ticket_extra;

typedef struct owned_ticket {
    resource_ticket t;
    ticket_extra x;
} owned_ticket;

struct resource_manager {
    runtime *rt;
    pthread_mutex_t lock;
    rg_config *config;
    rg_group **roots;
    size_t root_count, root_cap;
    uint64_t cluster_memory;
    uint64_t seq;
    resource_ticket *tickets;    /* every live ticket */
    uint64_t submitted, admitted, queued, rejected;
    int64_t max_running, max_queued;   /* legacy group, kept for reloads to NULL */
    int64_t last_refresh_ns;

    pthread_cond_t actors_stopped;
    int live_actors;
    actor *ticker;
    int64_t refresh_interval_ms;
    bool destroying;
};

static ticket_extra *extra(resource_ticket *t)
{
    return &((owned_ticket *)t)->x;
}

/* ---- tickets -------------------------------------------------------------- */

static void ticket_unlink_free(resource_manager *rm, resource_ticket *t)
{
    if (t->all_prev)
        t->all_prev->all_next = t->all_next;
    else
        rm->tickets = t->all_next;
    if (t->all_next)
        t->all_next->all_prev = t->all_prev;
    free(t);
}

static int64_t millis(int64_t nanos)
{
    return nanos < 0 ? 0 : nanos / 1000000;
}

/* Admits whatever the freed capacity allows, in every root. Under the lock. */
static void process_queues(resource_manager *rm)
{
    for (size_t i = 0; i < rm->root_count; i++) {
        resource_ticket *t;
        while ((t = rg_start_next(rm->roots[i], rm->cluster_memory)) != NULL) {
            rm->admitted++;
            t->admitted_ns = (int64_t)clock_now_ns();
            rg_message *m = MESSAGE_NEW(rg_message, MSG_RG_ADMIT);
            if (!m || (m->ticket = t, actor_send(t->group->actor, &m->header)) != 0) {
                /* cannot reach the group actor (stopping): the owner hears nothing */
                if (m)
                    message_free(&m->header);
                continue;
            }
            extra(t)->message_pending = true;
        }
    }
}

/* ---- group actors --------------------------------------------------------- */

typedef struct group_actor_state {
    resource_manager *rm;
    rg_group *group;
} group_actor_state;

/* The mailbox admission policy: Trino's InternalResourceGroup.run. */
static admission_decision group_offer(void *state, const message *m, admission_offer *ctx)
{
    group_actor_state *s = state;
    if (m->type != MSG_RG_SUBMIT)
        return ADMISSION_ACCEPT;
    rg_message *sm = (rg_message *)m;
    resource_ticket *t = sm->ticket;
    resource_manager *rm = s->rm;
    pthread_mutex_lock(&rm->lock);
    admission_decision d = ADMISSION_ACCEPT;
    if (extra(t)->abandoned) {
        sm->decision = DECIDE_DROP;
    } else {
        bool can_queue = true, can_run = true;
        for (rg_group *g = t->group; g; g = g->parent) {
            can_queue = can_queue && rg_can_queue_more(g);
            can_run = can_run && rg_can_run_more(g, rm->cluster_memory);
        }
        if (can_run) {
            rg_start(t, rm->cluster_memory);
            t->admitted_ns = (int64_t)clock_now_ns();
            rm->admitted++;
            sm->decision = DECIDE_RUN;
        } else if (can_queue && rg_enqueue(t, rm->cluster_memory)) {
            rm->queued++;
            sm->decision = DECIDE_QUEUE;
        } else {
            t->state = TICKET_REJECTED;
            rm->rejected++;
            error_set(&t->error, ERR_QUERY_QUEUE_FULL, "Too many queued queries for \"%s\"", t->group->id);
            sm->decision = DECIDE_REJECT;
            ctx->reject_code = SHOAL_EBUSY;
            d = ADMISSION_REJECT; /* bounced back to this actor: see group_receive */
        }
    }
    pthread_mutex_unlock(&rm->lock);
    return d;
}

static const admission_ops group_admission_ops = {.offer = group_offer, .destroy = NULL};

static int group_on_start(actor *self)
{
    group_actor_state *s = actor_state(self);
    return actor_set_admission(self, &(admission_policy){&group_admission_ops, s});
}

static int group_receive(actor *self, message *m)
{
    group_actor_state *s = actor_state(self);
    if (m->type != MSG_RG_SUBMIT && m->type != MSG_RG_ADMIT)
        return 0;
    rg_message *rm_msg = (rg_message *)m;
    resource_ticket *t = rm_msg->ticket;
    resource_manager *rm = s->rm;
    pthread_mutex_lock(&rm->lock);
    extra(t)->message_pending = false;
    if (extra(t)->abandoned) {
        ticket_unlink_free(rm, t);
    } else if (m->type == MSG_RG_ADMIT || rm_msg->decision == DECIDE_RUN) {
        t->admit(t, t->context);
    } else if (message_is_bounced(m) || rm_msg->decision == DECIDE_REJECT) {
        if (t->reject)
            t->reject(t, &t->error, t->context);
    }
    pthread_mutex_unlock(&rm->lock);
    return 0;
}

static void group_on_stop(actor *self)
{
    group_actor_state *s = actor_state(self);
    resource_manager *rm = s->rm;
    pthread_mutex_lock(&rm->lock);
    rm->live_actors--;
    pthread_cond_broadcast(&rm->actors_stopped);
    pthread_mutex_unlock(&rm->lock);
}

static const actor_behaviour group_behaviour = {
    .name = "resource_group",
    .on_start = group_on_start,
    .receive = group_receive,
    .on_stop = group_on_stop,
};

/* ---- the ticker: CPU quota regeneration ------------------------------------ */

typedef struct ticker_state {
    task task;                   /* first: the runtime resumes &state->task */
    resource_manager *rm;
    timer timer;
    uint64_t next_ns;
} ticker_state;

static task_status ticker_run(task *t)
{
    ticker_state *s = (ticker_state *)t;
    for (;;) {
        if (timer_wait(&s->timer, s->next_ns, t) == SHOAL_EAGAIN)
            return TASK_BLOCKED;
        resource_manager_refresh(s->rm, (int64_t)clock_now_ns());
        s->next_ns = clock_now_ns() + (uint64_t)s->rm->refresh_interval_ms * CLOCK_NS_PER_MS;
    }
}

static int ticker_on_start(actor *self)
{
    ticker_state *s = actor_state(self);
    task_init(&s->task, ticker_run);
    timer_init(&s->timer);
    s->next_ns = clock_now_ns() + (uint64_t)s->rm->refresh_interval_ms * CLOCK_NS_PER_MS;
    return actor_attach_task(self, &s->task);
}

static void ticker_on_stop(actor *self)
{
    ticker_state *s = actor_state(self);
    timer_cancel(&s->timer);
    resource_manager *rm = s->rm;
    pthread_mutex_lock(&rm->lock);
    rm->live_actors--;
    pthread_cond_broadcast(&rm->actors_stopped);
    pthread_mutex_unlock(&rm->lock);
}

static const actor_behaviour ticker_behaviour = {
    .name = "resource_ticker",
    .on_start = ticker_on_start,
    .on_stop = ticker_on_stop,
};

/* ---- group instances -------------------------------------------------------- */

/* A group's CPU weight among all running queries: the product of the
 * schedulingWeights from its root down (siblings share by their weights,
 * root groups by theirs; exact for one level, proportional below). */
static uint32_t rg_sched_weight(const rg_group *g)
{
    uint64_t weight = 1;
    for (; g; g = g->parent) {
        weight *= (uint64_t)(g->limits.weight > 0 ? g->limits.weight : 1);
        if (weight > UINT32_MAX)
            return UINT32_MAX;
    }
    return (uint32_t)weight;
}

static void update_sched_weights(rg_group *g)
{
    if (g->sched)
        sched_group_set_weight(g->sched, rg_sched_weight(g));
    for (size_t i = 0; i < g->child_count; i++)
        update_sched_weights(g->children[i]);
}

static void group_free(rg_group *g)
{
    for (size_t i = 0; i < g->child_count; i++)
        group_free(g->children[i]);
    free(g->children);
    free(g->queue);
    free(g->name);
    free(g->template_name);
    free(g->id);
    if (g->actor)
        actor_unref(g->actor);
    sched_group_unref(g->sched);
    free(g);
}

static rg_group *group_create(resource_manager *rm, rg_group *parent, const char *name, const rg_template *tmpl)
{
    rg_group *g = calloc(1, sizeof *g);
    if (!g)
        return NULL;
    g->parent = parent;
    g->rm = rm;
    g->name = strdup(name);
    g->template_name = strdup(tmpl->name);
    size_t id_len = (parent ? strlen(parent->id) + 1 : 0) + strlen(name) + 1;
    g->id = malloc(id_len);
    if (!g->name || !g->template_name || !g->id) {
        group_free(g);
        return NULL;
    }
    if (parent)
        snprintf(g->id, id_len, "%s.%s", parent->id, name);
    else
        snprintf(g->id, id_len, "%s", name);
    g->limits = tmpl->limits;
    g->leaf = tmpl->child_count == 0;
    g->configured = true;
    g->sched = sched_group_create(g->id, rg_sched_weight(g));
    if (!g->sched) {
        group_free(g);
        return NULL;
    }
    group_actor_state init = {.rm = rm, .group = g};
    actor_options options = {.name = "resource_group", .state_size = sizeof init, .init_state = &init};
    g->actor = actor_spawn(rm->rt, &group_behaviour, &options);
    if (!g->actor) {
        group_free(g);
        return NULL;
    }
    rm->live_actors++;
    return g;
}

static bool add_child(rg_group ***list, size_t *count, size_t *cap, rg_group *g)
{
    if (*count == *cap) {
        size_t n = *cap ? *cap * 2 : 4;
        rg_group **grown = realloc(*list, n * sizeof *grown);
        if (!grown)
            return false;
        *list = grown;
        *cap = n;
    }
    (*list)[(*count)++] = g;
    return true;
}

/* The instance for an expanded path, created on demand. Under the lock. */
static rg_group *group_lookup(resource_manager *rm, char **segments, const rg_template **templates, size_t count)
{
    rg_group *parent = NULL;
    for (size_t i = 0; i < count; i++) {
        rg_group **list = parent ? parent->children : rm->roots;
        size_t n = parent ? parent->child_count : rm->root_count;
        rg_group *found = NULL;
        for (size_t k = 0; k < n && !found; k++)
            if (strcmp(list[k]->name, segments[i]) == 0)
                found = list[k];
        if (!found) {
            found = group_create(rm, parent, segments[i], templates[i]);
            if (!found)
                return NULL;
            bool ok = parent ? add_child(&parent->children, &parent->child_count, &parent->child_cap, found)
                             : add_child(&rm->roots, &rm->root_count, &rm->root_cap, found);
            if (!ok) {
                actor_stop(found->actor, 0);
                group_free(found);
                return NULL;
            }
        }
        parent = found;
    }
    return parent;
}

/* ---- create / destroy -------------------------------------------------------- */

resource_manager *resource_manager_create(runtime *rt, const resource_manager_options *options, shoal_error *error)
{
    resource_manager *rm = calloc(1, sizeof *rm);
    if (!rm) {
        error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
        return NULL;
    }
    rm->rt = rt;
    rm->max_running = options->max_concurrent_queries;
    rm->max_queued = options->max_queued_queries;
    rm->cluster_memory = options->cluster_memory_bytes;
    rm->refresh_interval_ms = options->refresh_interval_ms > 0 ? options->refresh_interval_ms : 1000;
    pthread_mutex_init(&rm->lock, NULL);
    pthread_cond_init(&rm->actors_stopped, NULL);
    rm->config = rg_config_build(options->spec, rm->max_running, rm->max_queued, error);
    if (!rm->config) {
        resource_manager_destroy(rm);
        return NULL;
    }
    if (!options->manual_refresh) {
        ticker_state init = {.rm = rm};
        actor_options ao = {.name = "resource_ticker", .state_size = sizeof init, .init_state = &init};
        pthread_mutex_lock(&rm->lock);
        rm->ticker = actor_spawn(rt, &ticker_behaviour, &ao);
        if (rm->ticker)
            rm->live_actors++;
        pthread_mutex_unlock(&rm->lock);
        if (!rm->ticker) {
            error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Cannot start the resource group ticker");
            resource_manager_destroy(rm);
            return NULL;
        }
    }
    return rm;
}

static void stop_group_actors(rg_group *g)
{
    actor_stop(g->actor, 0);
    for (size_t i = 0; i < g->child_count; i++)
        stop_group_actors(g->children[i]);
}

void resource_manager_destroy(resource_manager *rm)
{
    if (!rm)
        return;
    pthread_mutex_lock(&rm->lock);
    rm->destroying = true;
    if (rm->ticker)
        actor_stop(rm->ticker, 0);
    for (size_t i = 0; i < rm->root_count; i++)
        stop_group_actors(rm->roots[i]);
    /* on_stop of each actor counts down; bounded in case the runtime is gone */
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += 5;
    while (rm->live_actors > 0)
        if (pthread_cond_timedwait(&rm->actors_stopped, &rm->lock, &deadline) != 0)
            break;
    pthread_mutex_unlock(&rm->lock);
    if (rm->ticker)
        actor_unref(rm->ticker);
    while (rm->tickets)
        ticket_unlink_free(rm, rm->tickets);
    for (size_t i = 0; i < rm->root_count; i++)
        group_free(rm->roots[i]);
    free(rm->roots);
    rg_config_free(rm->config);
    pthread_cond_destroy(&rm->actors_stopped);
    pthread_mutex_destroy(&rm->lock);
    free(rm);
}

/* ---- submit / finish ---------------------------------------------------------- */

resource_ticket *resource_manager_submit(resource_manager *rm, const query_identity *who, resource_admit_fn admit,
                                         resource_reject_fn reject, void *context, shoal_error *error)
{
    if (!who || !admit) {
        error_set(error, ERR_GENERIC_INTERNAL_ERROR, "resource_manager_submit: no identity or admit callback");
        return NULL;
    }
    owned_ticket *ot = calloc(1, sizeof *ot);
    if (!ot) {
        error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
        return NULL;
    }
    resource_ticket *t = &ot->t;
    t->priority = who->query_priority != 0 ? who->query_priority : 1;
    t->admit = admit;
    t->reject = reject;
    t->context = context;
    t->submitted_ns = (int64_t)clock_now_ns();
    error_clear(&t->error);

    pthread_mutex_lock(&rm->lock);
    char **segments = NULL;
    const rg_template **templates = NULL;
    size_t count = 0;
    rg_group *leaf = NULL;
    if (rm->destroying) {
        error_set(error, ERR_SERVER_SHUTTING_DOWN, "Server is shutting down");
    } else if (!rg_select(rm->config, who, &segments, &templates, &count)) {
        error_set(error, ERR_QUERY_REJECTED, "Query did not match any selection rule");
    } else {
        leaf = group_lookup(rm, segments, templates, count);
        if (!leaf)
            error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Cannot create a resource group");
        else if (!leaf->leaf) {
            error_set(error, ERR_INVALID_RESOURCE_GROUP, "Cannot add queries to '%s'. It is not a leaf group.", leaf->id);
            leaf = NULL;
        }
        for (size_t i = 0; i < count; i++)
            free(segments[i]);
        free(segments);
    }
    if (!leaf) {
        pthread_mutex_unlock(&rm->lock);
        free(ot);
        return NULL;
    }
    t->group = leaf;
    t->state = TICKET_SUBMITTED;
    t->seq = rm->seq++;
    t->all_next = rm->tickets;
    if (rm->tickets)
        rm->tickets->all_prev = t;
    rm->tickets = t;
    rm->submitted++;
    rg_message *m = MESSAGE_NEW(rg_message, MSG_RG_SUBMIT);
    int rc = m ? (m->ticket = t, actor_request(leaf->actor, &m->header, leaf->actor)) : SHOAL_ENOMEM;
    if (rc != 0) {
        if (m)
            message_free(&m->header);
        ticket_unlink_free(rm, t);
        pthread_mutex_unlock(&rm->lock);
        error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Cannot reach resource group");
        return NULL;
    }
    extra(t)->message_pending = true;
    pthread_mutex_unlock(&rm->lock);
    return t;
}

void resource_manager_query_finished(resource_manager *rm, resource_ticket *t, int64_t cpu_ns, int64_t peak_memory_bytes)
{
    (void)peak_memory_bytes;
    if (!t)
        return;
    pthread_mutex_lock(&rm->lock);
    switch (t->state) {
    case TICKET_QUEUED:
        rg_dequeue(t, rm->cluster_memory);
        break;
    case TICKET_RUNNING: {
        rg_group *leaf = t->group;
        int64_t cpu = millis(cpu_ns);
        rg_charge_usage(leaf, cpu > t->cpu_ms ? cpu - t->cpu_ms : 0, -t->memory_bytes);
        t->memory_bytes = 0;
        leaf->running_own--;
        for (rg_group *g = leaf; g; g = g->parent)
            g->running--;
        rg_update_eligibility(leaf, rm->cluster_memory);
        break;
    }
    case TICKET_SUBMITTED:
    case TICKET_REJECTED:
        break;
    }
    if (extra(t)->message_pending)
        extra(t)->abandoned = true; /* the receiving group actor frees it */
    else
        ticket_unlink_free(rm, t);
    process_queues(rm);
    pthread_mutex_unlock(&rm->lock);
}

void resource_manager_update_usage(resource_manager *rm, resource_ticket *t, int64_t cpu_ns, int64_t memory_bytes)
{
    pthread_mutex_lock(&rm->lock);
    if (t->state == TICKET_RUNNING) {
        int64_t cpu = millis(cpu_ns);
        int64_t cpu_delta = cpu > t->cpu_ms ? cpu - t->cpu_ms : 0;
        rg_charge_usage(t->group, cpu_delta, memory_bytes - t->memory_bytes);
        t->cpu_ms += cpu_delta;
        t->memory_bytes = memory_bytes;
        rg_update_eligibility(t->group, rm->cluster_memory);
        process_queues(rm);
    }
    pthread_mutex_unlock(&rm->lock);
}

void resource_manager_refresh(resource_manager *rm, int64_t now_ns)
{
    pthread_mutex_lock(&rm->lock);
    if (rm->last_refresh_ns == 0)
        rm->last_refresh_ns = now_ns;
    int64_t elapsed = (now_ns - rm->last_refresh_ns) / 1000000000;
    if (elapsed > 0) {
        rm->last_refresh_ns += elapsed * 1000000000;
        for (size_t i = 0; i < rm->root_count; i++)
            rg_generate_quota(rm->roots[i], elapsed);
    }
    for (size_t i = 0; i < rm->root_count; i++)
        rg_recompute_eligibility(rm->roots[i], rm->cluster_memory);
    process_queues(rm);
    pthread_mutex_unlock(&rm->lock);
}

void resource_manager_set_cluster_memory(resource_manager *rm, uint64_t bytes)
{
    pthread_mutex_lock(&rm->lock);
    rm->cluster_memory = bytes;
    for (size_t i = 0; i < rm->root_count; i++)
        rg_recompute_eligibility(rm->roots[i], rm->cluster_memory);
    process_queues(rm);
    pthread_mutex_unlock(&rm->lock);
}

/* ---- reload ----------------------------------------------------------------------- */

static void reconfigure(rg_group *g, const rg_template *tmpl)
{
    g->configured = tmpl != NULL;
    if (tmpl) {
        resource_group_policy old = g->limits.policy;
        g->limits = tmpl->limits;
        g->leaf = tmpl->child_count == 0;
        g->limits.policy = old;
        if (tmpl->limits.policy != old)
            rg_set_policy(g, tmpl->limits.policy);
    }
    for (size_t i = 0; i < g->child_count; i++) {
        const rg_template *child = NULL;
        for (size_t k = 0; tmpl && k < tmpl->child_count && !child; k++)
            if (strcmp(tmpl->children[k].name, g->children[i]->template_name) == 0)
                child = &tmpl->children[k];
        reconfigure(g->children[i], child);
    }
}

bool resource_manager_reload(resource_manager *rm, const resource_groups_spec *spec, shoal_error *error)
{
    rg_config *config = rg_config_build(spec, rm->max_running, rm->max_queued, error);
    if (!config)
        return false;
    pthread_mutex_lock(&rm->lock);
    rg_config *old = rm->config;
    rm->config = config;
    for (size_t i = 0; i < rm->root_count; i++) {
        const rg_template *tmpl = NULL;
        for (size_t k = 0; k < config->root_count && !tmpl; k++)
            if (strcmp(config->roots[k].name, rm->roots[i]->template_name) == 0)
                tmpl = &config->roots[k];
        reconfigure(rm->roots[i], tmpl);
        update_sched_weights(rm->roots[i]);
    }
    for (size_t i = 0; i < rm->root_count; i++)
        rg_recompute_eligibility(rm->roots[i], rm->cluster_memory);
    process_queues(rm);
    pthread_mutex_unlock(&rm->lock);
    rg_config_free(old);
    return true;
}

/* ---- tickets and state --------------------------------------------------------------- */

const char *resource_ticket_group(const resource_ticket *t) { return t->group->id; }
sched_group *resource_ticket_sched_group(const resource_ticket *t) { return t->group->sched; }
int64_t resource_ticket_priority(const resource_ticket *t) { return t->priority; }
int64_t resource_ticket_queued_ns(const resource_ticket *t)
{
    return t->admitted_ns ? t->admitted_ns - t->submitted_ns : 0;
}

static bool state_fill(const resource_manager *rm, const rg_group *g, resource_group_state *out)
{
    memset(out, 0, sizeof *out);
    out->id = strdup(g->id);
    out->name = strdup(g->name);
    out->scheduling_policy = resource_group_policy_name(g->limits.policy);
    out->scheduling_weight = g->limits.weight;
    out->running_queries = g->running;
    out->queued_queries = g->queued;
    out->hard_concurrency_limit = g->limits.hard_concurrency;
    out->soft_concurrency_limit = g->limits.soft_concurrency;
    out->max_queued_queries = g->limits.max_queued;
    out->soft_memory_limit_bytes = rg_soft_memory_limit(g, rm->cluster_memory);
    out->memory_usage_bytes = g->memory_bytes;
    out->cpu_usage_ms = g->cpu_ms;
    out->soft_cpu_limit_ms = g->limits.soft_cpu_ms;
    out->hard_cpu_limit_ms = g->limits.hard_cpu_ms;
    out->can_run_more = rg_can_run_more(g, rm->cluster_memory);
    out->configured = g->configured;
    if (!out->id || !out->name)
        return false;
    if (g->child_count) {
        out->sub_groups = calloc(g->child_count, sizeof *out->sub_groups);
        if (!out->sub_groups)
            return false;
        for (size_t i = 0; i < g->child_count; i++) {
            out->sub_group_count++;
            if (!state_fill(rm, g->children[i], &out->sub_groups[i]))
                return false;
        }
    }
    return true;
}

static void state_group_free(resource_group_state *s)
{
    for (size_t i = 0; i < s->sub_group_count; i++)
        state_group_free(&s->sub_groups[i]);
    free(s->sub_groups);
    free(s->id);
    free(s->name);
}

bool resource_manager_state_get(resource_manager *rm, resource_manager_state *out)
{
    memset(out, 0, sizeof *out);
    pthread_mutex_lock(&rm->lock);
    bool ok = true;
    out->root_groups = calloc(rm->root_count + 1, sizeof *out->root_groups);
    ok = out->root_groups != NULL;
    for (size_t i = 0; ok && i < rm->root_count; i++) {
        out->root_group_count++;
        ok = state_fill(rm, rm->roots[i], &out->root_groups[i]);
    }
    out->submitted = rm->submitted;
    out->admitted = rm->admitted;
    out->queued = rm->queued;
    out->rejected = rm->rejected;
    pthread_mutex_unlock(&rm->lock);
    if (!ok)
        resource_manager_state_free(out);
    return ok;
}

void resource_manager_state_free(resource_manager_state *state)
{
    for (size_t i = 0; i < state->root_group_count; i++)
        state_group_free(&state->root_groups[i]);
    free(state->root_groups);
    memset(state, 0, sizeof *state);
}

static const resource_group_state *find_in(const resource_group_state *list, size_t n, const char *id)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(list[i].id, id) == 0)
            return &list[i];
        const resource_group_state *hit = find_in(list[i].sub_groups, list[i].sub_group_count, id);
        if (hit)
            return hit;
    }
    return NULL;
}

const resource_group_state *resource_manager_state_find(const resource_manager_state *state, const char *id)
{
    return find_in(state->root_groups, state->root_group_count, id);
}
