/*
 * resource_group.c — one resource group's admission arithmetic and the
 * choice of the next queued query, after Trino's InternalResourceGroup:
 * canRunMore / canQueueMore, eligibility of sub-groups, internalStartNext
 * and CPU quota regeneration. Pure data under the manager's tree lock; the
 * actors and callbacks are in resource_manager.c.
 *
 * Policies (for a group's eligible sub-groups / its own queued queries):
 *   fair           FIFO by the time a sub-group became eligible; a chosen
 *                  sub-group goes to the back if still eligible / FIFO.
 *   weighted       Trino draws at random with probability ∝ weight, where a
 *                  sub-group under its softConcurrencyLimit has weight
 *                  schedulingWeight × (2^31-1). Deterministic here: sub-groups
 *                  under their soft limit go first (if any), and among the
 *                  candidates a smooth weighted round-robin by
 *                  schedulingWeight picks (over N picks each gets its share,
 *                  interleaved) / own queries by query_priority, FIFO ties.
 *   weighted_fair  the sub-group with the lowest (running / total running+1)
 *                  ÷ (weight / total weight), ties by eligibility age (exactly
 *                  WeightedFairQueue) / query_priority, FIFO ties.
 *   query_priority the sub-group whose own highest queued priority is highest
 *                  (0 for a group without own queued queries, as in Trino),
 *                  ties by eligibility age / query_priority, FIFO ties.
 */
#include "actors/resource/resource_internal.h"

#include <math.h>
#include <stdlib.h>

/* ---- limits ---------------------------------------------------------------- */

int64_t rg_soft_memory_limit(const rg_group *g, uint64_t cluster_memory)
{
    if (!g->limits.memory_is_fraction)
        return g->limits.memory_bytes;
    if (cluster_memory == 0)
        return INT64_MAX;
    double bytes = g->limits.memory_fraction * (double)cluster_memory;
    return bytes >= (double)INT64_MAX ? INT64_MAX : (int64_t)bytes;
}

bool rg_can_run_more(const rg_group *g, uint64_t cluster_memory)
{
    const rg_limits *l = &g->limits;
    if (g->cpu_ms >= l->hard_cpu_ms || g->memory_bytes > rg_soft_memory_limit(g, cluster_memory))
        return false;
    int64_t hard = l->hard_concurrency;
    if (g->cpu_ms >= l->soft_cpu_ms) {
        /* linear penalty between the soft and the hard CPU limit */
        double penalty = (double)(g->cpu_ms - l->soft_cpu_ms) / (double)(l->hard_cpu_ms - l->soft_cpu_ms);
        int64_t limited = (int64_t)floor((double)l->hard_concurrency * (1.0 - penalty));
        if (limited > l->hard_concurrency - 1)
            limited = l->hard_concurrency - 1; /* always penalise by at least one */
        hard = limited < 1 ? 1 : limited;       /* always allow one running query */
    }
    return g->running < hard;
}

bool rg_can_queue_more(const rg_group *g)
{
    return g->queued < g->limits.max_queued;
}

/* ---- own queue: a binary heap by (priority desc, seq asc) ------------------------ */

int64_t rg_queue_priority(const rg_group *g, const resource_ticket *t)
{
    return g->limits.policy == RESOURCE_GROUP_POLICY_FAIR ? 0 : t->priority;
}

static bool before(const rg_group *g, const resource_ticket *a, const resource_ticket *b)
{
    int64_t pa = rg_queue_priority(g, a), pb = rg_queue_priority(g, b);
    return pa != pb ? pa > pb : a->seq < b->seq;
}

static void heap_swap(rg_group *g, size_t i, size_t j)
{
    resource_ticket *t = g->queue[i];
    g->queue[i] = g->queue[j];
    g->queue[j] = t;
    g->queue[i]->heap_index = i;
    g->queue[j]->heap_index = j;
}

static void sift_up(rg_group *g, size_t i)
{
    while (i > 0 && before(g, g->queue[i], g->queue[(i - 1) / 2])) {
        heap_swap(g, i, (i - 1) / 2);
        i = (i - 1) / 2;
    }
}

static void sift_down(rg_group *g, size_t i)
{
    for (;;) {
        size_t best = i, l = 2 * i + 1, r = l + 1;
        if (l < g->queue_count && before(g, g->queue[l], g->queue[best]))
            best = l;
        if (r < g->queue_count && before(g, g->queue[r], g->queue[best]))
            best = r;
        if (best == i)
            return;
        heap_swap(g, i, best);
        i = best;
    }
}

static bool heap_push(rg_group *g, resource_ticket *t)
{
    if (g->queue_count == g->queue_cap) {
        size_t cap = g->queue_cap ? g->queue_cap * 2 : 16;
        resource_ticket **grown = realloc(g->queue, cap * sizeof *grown);
        if (!grown)
            return false;
        g->queue = grown;
        g->queue_cap = cap;
    }
    t->heap_index = g->queue_count;
    g->queue[g->queue_count++] = t;
    sift_up(g, t->heap_index);
    return true;
}

static void heap_remove(rg_group *g, size_t i)
{
    g->queue_count--;
    if (i != g->queue_count) {
        g->queue[i] = g->queue[g->queue_count];
        g->queue[i]->heap_index = i;
        sift_down(g, i);
        sift_up(g, i);
    }
}

void rg_set_policy(rg_group *g, resource_group_policy policy)
{
    g->limits.policy = policy;
    for (size_t i = g->queue_count / 2 + 1; i-- > 0;)
        if (i < g->queue_count)
            sift_down(g, i);
}

/* ---- eligibility ------------------------------------------------------------------ */

static void eligible_append(rg_group *parent, rg_group *g)
{
    g->eligible_prev = parent->eligible_tail;
    g->eligible_next = NULL;
    if (parent->eligible_tail)
        parent->eligible_tail->eligible_next = g;
    else
        parent->eligible_head = g;
    parent->eligible_tail = g;
    g->in_eligible = true;
}

static void eligible_remove(rg_group *parent, rg_group *g)
{
    if (g->eligible_prev)
        g->eligible_prev->eligible_next = g->eligible_next;
    else
        parent->eligible_head = g->eligible_next;
    if (g->eligible_next)
        g->eligible_next->eligible_prev = g->eligible_prev;
    else
        parent->eligible_tail = g->eligible_prev;
    g->eligible_prev = g->eligible_next = NULL;
    g->in_eligible = false;
    g->wrr_current = 0;
}

static bool eligible_to_start_next(const rg_group *g, uint64_t cluster_memory)
{
    return rg_can_run_more(g, cluster_memory) && (g->queue_count > 0 || g->eligible_head != NULL);
}

void rg_update_eligibility(rg_group *g, uint64_t cluster_memory)
{
    for (; g->parent; g = g->parent) {
        bool eligible = eligible_to_start_next(g, cluster_memory);
        if (eligible && !g->in_eligible)
            eligible_append(g->parent, g);
        else if (!eligible && g->in_eligible)
            eligible_remove(g->parent, g);
    }
}

void rg_recompute_eligibility(rg_group *g, uint64_t cluster_memory)
{
    for (size_t i = 0; i < g->child_count; i++)
        rg_recompute_eligibility(g->children[i], cluster_memory);
    if (!g->parent)
        return;
    bool eligible = eligible_to_start_next(g, cluster_memory);
    if (eligible && !g->in_eligible)
        eligible_append(g->parent, g);
    else if (!eligible && g->in_eligible)
        eligible_remove(g->parent, g);
}

/* ---- queue / start ------------------------------------------------------------------ */

bool rg_enqueue(resource_ticket *t, uint64_t cluster_memory)
{
    rg_group *leaf = t->group;
    if (!heap_push(leaf, t))
        return false;
    t->state = TICKET_QUEUED;
    for (rg_group *g = leaf; g; g = g->parent)
        g->queued++;
    rg_update_eligibility(leaf, cluster_memory);
    return true;
}

void rg_dequeue(resource_ticket *t, uint64_t cluster_memory)
{
    rg_group *leaf = t->group;
    heap_remove(leaf, t->heap_index);
    for (rg_group *g = leaf; g; g = g->parent)
        g->queued--;
    rg_update_eligibility(leaf, cluster_memory);
}

void rg_start(resource_ticket *t, uint64_t cluster_memory)
{
    rg_group *leaf = t->group;
    t->state = TICKET_RUNNING;
    leaf->running_own++;
    for (rg_group *g = leaf; g; g = g->parent)
        g->running++;
    rg_update_eligibility(leaf, cluster_memory);
}

static rg_group *choose_weighted_fair(rg_group *g)
{
    int64_t total_share = 0, total_utilization = 1;
    for (rg_group *c = g->eligible_head; c; c = c->eligible_next) {
        total_share += c->limits.weight;
        total_utilization += c->running;
    }
    rg_group *winner = NULL;
    double winner_delta = 1.0;
    for (rg_group *c = g->eligible_head; c; c = c->eligible_next) {
        double actual = (double)c->running / (double)total_utilization;
        double expected = (double)c->limits.weight / (double)total_share;
        double delta = actual / expected;
        if (delta < winner_delta || (delta == winner_delta && !winner)) {
            winner_delta = delta;
            winner = c;
        }
    }
    return winner;
}

static int64_t highest_queued_priority(const rg_group *g)
{
    return g->queue_count ? g->queue[0]->priority : 0;
}

static rg_group *choose_query_priority(rg_group *g)
{
    rg_group *best = NULL;
    for (rg_group *c = g->eligible_head; c; c = c->eligible_next)
        if (!best || highest_queued_priority(c) > highest_queued_priority(best))
            best = c;
    return best;
}

static rg_group *choose_weighted(rg_group *g)
{
    bool any_under_soft = false;
    for (rg_group *c = g->eligible_head; c && !any_under_soft; c = c->eligible_next)
        any_under_soft = c->running < c->limits.soft_concurrency;
    __int128 total = 0;
    rg_group *best = NULL;
    for (rg_group *c = g->eligible_head; c; c = c->eligible_next) {
        if (any_under_soft && c->running >= c->limits.soft_concurrency)
            continue;
        c->wrr_current += c->limits.weight;
        total += c->limits.weight;
        if (!best || c->wrr_current > best->wrr_current)
            best = c;
    }
    if (best)
        best->wrr_current -= total;
    return best;
}

static rg_group *choose_sub_group(rg_group *g)
{
    switch (g->limits.policy) {
    case RESOURCE_GROUP_POLICY_WEIGHTED: return choose_weighted(g);
    case RESOURCE_GROUP_POLICY_WEIGHTED_FAIR: return choose_weighted_fair(g);
    case RESOURCE_GROUP_POLICY_QUERY_PRIORITY: return choose_query_priority(g);
    case RESOURCE_GROUP_POLICY_FAIR: break;
    }
    return g->eligible_head;
}

resource_ticket *rg_start_next(rg_group *g, uint64_t cluster_memory)
{
    if (!rg_can_run_more(g, cluster_memory))
        return NULL;
    if (g->queue_count > 0) {
        resource_ticket *t = g->queue[0];
        rg_dequeue(t, cluster_memory);
        rg_start(t, cluster_memory);
        return t;
    }
    rg_group *sub = choose_sub_group(g);
    if (!sub)
        return NULL;
    /* removed even if it still has queued queries: it goes to the back */
    __int128 credit = sub->wrr_current;
    eligible_remove(g, sub);
    sub->wrr_current = credit;
    resource_ticket *t = rg_start_next(sub, cluster_memory);
    if (eligible_to_start_next(sub, cluster_memory) && !sub->in_eligible)
        eligible_append(g, sub);
    else if (!eligible_to_start_next(sub, cluster_memory) && sub->in_eligible)
        eligible_remove(g, sub);
    return t;
}

/* ---- usage ------------------------------------------------------------------------- */

void rg_charge_usage(rg_group *leaf, int64_t cpu_ms_delta, int64_t memory_delta)
{
    for (rg_group *g = leaf; g; g = g->parent) {
        g->cpu_ms += cpu_ms_delta;
        if (g->cpu_ms < 0)
            g->cpu_ms = 0;
        g->memory_bytes += memory_delta;
    }
}

void rg_generate_quota(rg_group *g, int64_t elapsed_seconds)
{
    int64_t rate = g->limits.cpu_regen_ms_per_s;
    __int128 regen = (__int128)elapsed_seconds * rate;
    __int128 left = (__int128)g->cpu_ms - regen;
    g->cpu_ms = left < 0 ? 0 : (int64_t)left;
    for (size_t i = 0; i < g->child_count; i++)
        rg_generate_quota(g->children[i], elapsed_seconds);
}
