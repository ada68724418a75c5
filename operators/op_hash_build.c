/*
 * op_hash_build.c — collects build pages per driver (no locking per page),
 * hands them over to the bridge when its input ends, then works on the
 * shared build (join_bridge_build_step) until the table is built, so every
 * build driver takes part.
 */
#include "op_hash_build.h"

#include <stdlib.h>

#include "operators/op_memory.h"

typedef struct hash_build_operator {
    operator base;
    join_bridge *bridge;
    page **pages;
    int page_count;
    int page_capacity;
    bool handed_over;
    bool done;
    operator_event *wait;      /* the build phase this driver waits for */
    op_memory memory;
} hash_build_operator;

static bool build_needs_input(operator *op)
{
    return !((hash_build_operator *)op)->handed_over;
}

static bool build_add_input(operator *op, page *p, shoal_error *error)
{
    hash_build_operator *h = (hash_build_operator *)op;
    if (h->page_count == h->page_capacity) {
        int capacity = h->page_capacity ? h->page_capacity * 2 : 16;
        page **pages = realloc(h->pages, sizeof *pages * (size_t)capacity);
        if (!pages) {
            page_unref(p);
            return error_set(error, ERR_EXCEEDED_LOCAL_MEMORY_LIMIT,
                             "Query exceeded memory in HashBuilder");
        }
        h->pages = pages;
        h->page_capacity = capacity;
    }
    h->pages[h->page_count++] = p;
    uint64_t bytes = page_retained_bytes(p);
    op->stats.input_bytes += bytes;
    op_memory_set(op, &h->memory, h->memory.bytes + bytes);
    return true;
}

static bool build_get_output(operator *op, page **out, shoal_error *error)
{
    (void)op;
    (void)error;
    *out = NULL;
    return true;
}

static void hand_over(hash_build_operator *h)
{
    h->handed_over = true;
    join_bridge_builder_done(h->bridge, h->pages, h->page_count);
    h->page_count = 0;
}

static void build_finish(operator *op)
{
    hash_build_operator *h = (hash_build_operator *)op;
    if (!h->handed_over)
        hand_over(h);
}

static bool build_work(operator *op, bool *progressed, shoal_error *error)
{
    hash_build_operator *h = (hash_build_operator *)op;
    *progressed = false;
    if (!h->handed_over || h->done)
        return true;
    operator_event *wait = NULL;
    switch (join_bridge_build_step(h->bridge, &wait)) {
    case JOIN_BUILD_WORKED:
        *progressed = true;
        break;
    case JOIN_BUILD_WAIT:
        h->wait = wait;
        break;
    case JOIN_BUILD_DONE:
        if (h->bridge->failed) {
            *error = h->bridge->error;
            return false;
        }
        /* the bridge owns the pages now; one build operator reports its size */
        bool reported = atomic_exchange(&h->bridge->memory_reported, true);
        op_memory_set(op, &h->memory, reported ? 0 : h->bridge->memory_bytes);
        h->done = true;
        *progressed = true;
        break;
    }
    return true;
}

static bool build_is_finished(operator *op)
{
    return ((hash_build_operator *)op)->done;
}

static bool build_is_blocked(operator *op, operator_wait *wait)
{
    hash_build_operator *h = (hash_build_operator *)op;
    if (!h->wait)
        return false;
    if (operator_event_is_set(h->wait)) {
        h->wait = NULL;
        return false;
    }
    wait->event = h->wait;
    return true;
}

static void build_close(operator *op)
{
    hash_build_operator *h = (hash_build_operator *)op;
    if (!h->handed_over)
        hand_over(h); /* abandoned (query failed): still count this driver out */
    free(h->pages);
    join_bridge_unref(h->bridge);
    free(h);
}

static const operator_ops build_ops = {
    .name = "HashBuilder",
    .needs_input = build_needs_input,
    .add_input = build_add_input,
    .get_output = build_get_output,
    .finish = build_finish,
    .is_finished = build_is_finished,
    .is_blocked = build_is_blocked,
    .close = build_close,
    .work = build_work,
};

operator *hash_build_create(int plan_node_id, join_bridge *bridge)
{
    hash_build_operator *h = calloc(1, sizeof *h);
    if (!h)
        return NULL;
    operator_init_header(&h->base, &build_ops, plan_node_id);
    h->bridge = join_bridge_ref(bridge);
    return &h->base;
}
