/*
 * op_hash_build.c — collects build pages per driver (no locking per page)
 * and hands them over to the bridge at finish.
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
    bool finished;
    bool failed;
    op_memory memory;
} hash_build_operator;

static bool build_needs_input(operator *op)
{
    return !((hash_build_operator *)op)->finished;
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
    hash_build_operator *h = (hash_build_operator *)op;
    *out = NULL;
    if (h->finished && h->bridge->failed && join_bridge_is_built(h->bridge)) {
        *error = h->bridge->error;
        return false;
    }
    return true;
}

static void build_finish(operator *op)
{
    hash_build_operator *h = (hash_build_operator *)op;
    if (h->finished)
        return;
    h->finished = true;
    bool built = join_bridge_builder_done(h->bridge, h->pages, h->page_count);
    h->page_count = 0;
    /* the bridge owns the pages now; the building driver reports its size */
    op_memory_set(op, &h->memory, built ? h->bridge->memory_bytes : 0);
}

static bool build_is_finished(operator *op)
{
    return ((hash_build_operator *)op)->finished;
}

static void build_close(operator *op)
{
    hash_build_operator *h = (hash_build_operator *)op;
    if (!h->finished) {
        /* abandoned (query failed): still count this driver out so probes wake */
        h->finished = true;
        join_bridge_builder_done(h->bridge, h->pages, h->page_count);
    }
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
    .close = build_close,
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
