/*
 * fragmenter.c — adds remote exchanges to an optimised plan and cuts it
 * into fragments at them (see fragmenter.h for the rules).
 */
#include "fragmenter.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Where a subtree's rows are. */
typedef enum placement {
    PLACED_SINGLE,      /* in one task */
    PLACED_DISTRIBUTED  /* spread over tasks (source splits or hash partitions) */
} placement;

typedef struct adder {
    const fragmenter_options *options;
    bool failed;
} adder;

static placement add(adder *a, plan_node **slot);

static plan_node *exchange_new(plan_node *input, exchange_kind kind, const int *keys, int key_count)
{
    plan_node *e = plan_node_new(PLAN_EXCHANGE, input->column_count);
    if (!e || !plan_copy_columns(e, input)) {
        plan_free(e);
        return NULL;
    }
    e->inputs[0] = input;
    e->u.exchange.kind = kind;
    e->u.exchange.scope = EXCHANGE_REMOTE;
    e->u.exchange.key_count = key_count;
    if (key_count > 0) {
        e->u.exchange.keys = malloc(sizeof(int) * (size_t)key_count);
        if (!e->u.exchange.keys) {
            e->inputs[0] = NULL;
            plan_free(e);
            return NULL;
        }
        memcpy(e->u.exchange.keys, keys, sizeof(int) * (size_t)key_count);
    }
    e->estimate = input->estimate;
    return e;
}

/* Puts an exchange above *slot. */
static void insert(adder *a, plan_node **slot, exchange_kind kind, const int *keys, int key_count)
{
    plan_node *e = exchange_new(*slot, kind, keys, key_count);
    if (!e) {
        a->failed = true;
        return;
    }
    *slot = e;
}

static void gather(adder *a, plan_node **slot, placement p)
{
    if (p != PLACED_SINGLE)
        insert(a, slot, EXCHANGE_GATHER, NULL, 0);
}

/* A copy of a TOP_N / LIMIT / DISTINCT_LIMIT node as its partial step over `input`. */
static plan_node *partial_copy(const plan_node *node, plan_node *input)
{
    plan_node *p = plan_node_new(node->kind, node->column_count);
    if (!p || !plan_copy_columns(p, node)) {
        plan_free(p);
        return NULL;
    }
    p->inputs[0] = input;
    p->estimate = node->estimate;
    if (node->kind == PLAN_TOP_N) {
        p->u.sort = node->u.sort;
        p->u.sort.keys = malloc(sizeof(sort_key) * (size_t)(node->u.sort.key_count ? node->u.sort.key_count : 1));
        if (!p->u.sort.keys) {
            p->inputs[0] = NULL;
            plan_free(p);
            return NULL;
        }
        memcpy(p->u.sort.keys, node->u.sort.keys, sizeof(sort_key) * (size_t)node->u.sort.key_count);
    } else {
        p->u.limit = node->u.limit;
        if (p->u.limit.count >= 0 && p->u.limit.offset > 0)
            p->u.limit.count += p->u.limit.offset;
        p->u.limit.offset = 0;
    }
    return p;
}

/* Partial step below a gather, final step above (TOP_N, LIMIT, DISTINCT_LIMIT). */
static placement add_two_step(adder *a, plan_node *node)
{
    placement p = add(a, &node->inputs[0]);
    if (p == PLACED_SINGLE || a->failed)
        return PLACED_SINGLE;
    plan_node *partial = partial_copy(node, node->inputs[0]);
    if (!partial) {
        a->failed = true;
        return PLACED_SINGLE;
    }
    node->inputs[0] = partial;
    insert(a, &node->inputs[0], EXCHANGE_GATHER, NULL, 0);
    return PLACED_SINGLE;
}

static placement add_aggregate(adder *a, plan_node *node)
{
    placement p = add(a, &node->inputs[0]);
    if (node->u.aggregate.step == AGGREGATION_PARTIAL)
        return p;
    if (p == PLACED_SINGLE)
        return PLACED_SINGLE;
    int keys = node->u.aggregate.key_count;
    if (keys == 0 || node->u.aggregate.grouping_set_count > 0) {
        insert(a, &node->inputs[0], EXCHANGE_GATHER, NULL, 0);
        return PLACED_SINGLE;
    }
    insert(a, &node->inputs[0], EXCHANGE_REPARTITION, node->u.aggregate.keys, keys);
    return PLACED_DISTRIBUTED;
}

static placement add_join(adder *a, plan_node *node)
{
    bool semi = node->kind == PLAN_SEMI_JOIN;
    placement left = add(a, &node->inputs[0]);
    placement right = add(a, &node->inputs[1]);
    if (left == PLACED_SINGLE && right == PLACED_SINGLE)
        return PLACED_SINGLE;
    int key_count = semi ? node->u.semi.key_count : node->u.join.key_count;
    const int *lk = semi ? node->u.semi.source_keys : node->u.join.left_keys;
    const int *rk = semi ? node->u.semi.filtering_keys : node->u.join.right_keys;
    bool partitioned;
    if (semi) {
        double threshold = a->options && a->options->broadcast_threshold > 0 ? a->options->broadcast_threshold
                                                                              : 100.0 * 1024 * 1024;
        double build = node->inputs[1]->estimate.bytes;
        partitioned = key_count > 0 && !node->u.semi.null_aware && (isnan(build) || build > threshold);
    } else {
        join_distribution d = node->u.join.distribution;
        join_type type = node->u.join.type;
        partitioned = key_count > 0 &&
                      (d == JOIN_DISTRIBUTION_PARTITIONED || type == JOIN_RIGHT || type == JOIN_FULL);
    }
    if (partitioned) {
        insert(a, &node->inputs[0], EXCHANGE_REPARTITION, lk, key_count);
        insert(a, &node->inputs[1], EXCHANGE_REPARTITION, rk, key_count);
        return PLACED_DISTRIBUTED;
    }
    if (left == PLACED_SINGLE) { /* the probe is in one task: bring the build there */
        gather(a, &node->inputs[1], right);
        return PLACED_SINGLE;
    }
    insert(a, &node->inputs[1], EXCHANGE_BROADCAST, NULL, 0);
    return left;
}

static placement add(adder *a, plan_node **slot)
{
    plan_node *node = *slot;
    if (!node || a->failed)
        return PLACED_SINGLE;
    switch (node->kind) {
    case PLAN_TABLE_SCAN:
        return PLACED_DISTRIBUTED;
    case PLAN_VALUES:
        return PLACED_SINGLE;
    case PLAN_EXCHANGE:
        add(a, &node->inputs[0]);
        if (node->u.exchange.scope == EXCHANGE_REMOTE)
            return node->u.exchange.kind == EXCHANGE_GATHER ? PLACED_SINGLE : PLACED_DISTRIBUTED;
        return PLACED_DISTRIBUTED;
    case PLAN_FILTER:
    case PLAN_PROJECT:
        return add(a, &node->inputs[0]);
    case PLAN_AGGREGATE:
        return add_aggregate(a, node);
    case PLAN_JOIN:
    case PLAN_SEMI_JOIN:
        return add_join(a, node);
    case PLAN_TOP_N:
    case PLAN_LIMIT:
    case PLAN_DISTINCT_LIMIT:
        return add_two_step(a, node);
    case PLAN_UNION:
    case PLAN_INTERSECT:
    case PLAN_EXCEPT:
        for (int i = 0; i < node->source_count; i++)
            gather(a, &node->sources[i], add(a, &node->sources[i]));
        return PLACED_SINGLE;
    default: /* OUTPUT, SORT, ENFORCE_SINGLE_ROW, WINDOW: in one task */
        for (int i = 0; i < 2; i++)
            if (node->inputs[i])
                gather(a, &node->inputs[i], add(a, &node->inputs[i]));
        return PLACED_SINGLE;
    }
}

plan_node *fragmenter_add_exchanges(plan_node *root, const fragmenter_options *options, shoal_error *error)
{
    if (!root)
        return NULL;
    adder a = {.options = options};
    add(&a, &root);
    if (a.failed) {
        plan_free(root);
        error_set(error, ERR_GENERIC_INTERNAL_ERROR, "out of memory while fragmenting the plan");
        return NULL;
    }
    plan_number(root);
    return root;
}

/* ---- cutting ------------------------------------------------------------------------ */

typedef struct cutter {
    fragmented_plan *plan;
    int capacity;
    bool failed;
} cutter;

static int new_fragment(cutter *c)
{
    fragmented_plan *plan = c->plan;
    if (plan->fragment_count == c->capacity) {
        int capacity = c->capacity ? c->capacity * 2 : 4;
        plan_fragment *f = realloc(plan->fragments, sizeof *f * (size_t)capacity);
        if (!f) {
            c->failed = true;
            return -1;
        }
        plan->fragments = f;
        c->capacity = capacity;
    }
    int id = plan->fragment_count++;
    memset(&plan->fragments[id], 0, sizeof plan->fragments[id]);
    plan->fragments[id].id = id;
    plan->fragments[id].consumer_fragment_id = -1;
    return id;
}

static int cut(cutter *c, plan_node *root, int consumer, const plan_node *exchange);

typedef struct content {
    bool scan, system_scan, hash_source;
} content;

static void walk(cutter *c, int fragment, plan_node *node, content *what)
{
    if (!node || c->failed)
        return;
    if (node->kind == PLAN_TABLE_SCAN) {
        what->scan = true;
        if (node->u.scan.catalog && strcmp(node->u.scan.catalog, "system") == 0)
            what->system_scan = true;
    }
    if (node->kind == PLAN_EXCHANGE && node->u.exchange.scope == EXCHANGE_REMOTE && node->inputs[0]) {
        plan_node *child = node->inputs[0];
        node->inputs[0] = NULL;
        if (node->u.exchange.kind == EXCHANGE_REPARTITION)
            what->hash_source = true;
        int child_id = cut(c, child, fragment, node);
        if (child_id < 0)
            return;
        plan_fragment *f = &c->plan->fragments[fragment];
        fragment_remote_source *sources =
            realloc(f->remote_sources, sizeof *sources * (size_t)(f->remote_source_count + 1));
        if (!sources) {
            c->failed = true;
            return;
        }
        f->remote_sources = sources;
        sources[f->remote_source_count++] = (fragment_remote_source){node->id, child_id, node->u.exchange.kind};
        return;
    }
    walk(c, fragment, node->inputs[0], what);
    walk(c, fragment, node->inputs[1], what);
    for (int i = 0; i < node->source_count; i++)
        walk(c, fragment, node->sources[i], what);
}

/* Makes a fragment of the tree at root (fed to `consumer` through `exchange`). */
static int cut(cutter *c, plan_node *root, int consumer, const plan_node *exchange)
{
    int id = new_fragment(c);
    if (id < 0) {
        plan_free(root);
        return -1;
    }
    plan_fragment *f = &c->plan->fragments[id];
    f->root = root;
    f->consumer_fragment_id = consumer;
    f->output_kind = exchange ? exchange->u.exchange.kind : EXCHANGE_GATHER;
    if (exchange && exchange->u.exchange.key_count > 0) {
        f->output_keys = malloc(sizeof(int) * (size_t)exchange->u.exchange.key_count);
        if (!f->output_keys) {
            c->failed = true;
            return -1;
        }
        memcpy(f->output_keys, exchange->u.exchange.keys, sizeof(int) * (size_t)exchange->u.exchange.key_count);
        f->output_key_count = exchange->u.exchange.key_count;
    }
    content what = {0};
    walk(c, id, root, &what);
    f = &c->plan->fragments[id]; /* the array may have moved */
    if (what.system_scan)
        f->partitioning = FRAGMENT_COORDINATOR_ONLY;
    else if (what.scan && consumer >= 0)
        f->partitioning = FRAGMENT_SOURCE;
    else if (what.hash_source && consumer >= 0)
        f->partitioning = FRAGMENT_FIXED_HASH;
    else
        f->partitioning = FRAGMENT_SINGLE;
    return id;
}

fragmented_plan *fragmenter_run(plan_node *root, const fragmenter_options *options, shoal_error *error)
{
    root = fragmenter_add_exchanges(root, options, error);
    if (!root)
        return NULL;
    fragmented_plan *plan = calloc(1, sizeof *plan);
    if (!plan) {
        plan_free(root);
        error_set(error, ERR_GENERIC_INTERNAL_ERROR, "out of memory while fragmenting the plan");
        return NULL;
    }
    cutter c = {.plan = plan};
    cut(&c, root, -1, NULL);
    if (c.failed) {
        fragmented_plan_free(plan);
        error_set(error, ERR_GENERIC_INTERNAL_ERROR, "out of memory while fragmenting the plan");
        return NULL;
    }
    return plan;
}

void fragmented_plan_free(fragmented_plan *plan)
{
    if (!plan)
        return;
    for (int i = 0; i < plan->fragment_count; i++) {
        plan_free(plan->fragments[i].root);
        free(plan->fragments[i].output_keys);
        free(plan->fragments[i].remote_sources);
    }
    free(plan->fragments);
    free(plan);
}

const char *fragment_partitioning_name(fragment_partitioning partitioning)
{
    switch (partitioning) {
    case FRAGMENT_SINGLE: return "SINGLE";
    case FRAGMENT_COORDINATOR_ONLY: return "COORDINATOR_ONLY";
    case FRAGMENT_FIXED_HASH: return "HASH";
    case FRAGMENT_SOURCE: return "SOURCE";
    }
    return "UNKNOWN";
}

const char *exchange_kind_name(exchange_kind kind)
{
    switch (kind) {
    case EXCHANGE_GATHER: return "GATHER";
    case EXCHANGE_REPARTITION: return "REPARTITION";
    case EXCHANGE_BROADCAST: return "REPLICATE";
    case EXCHANGE_ROUND_ROBIN: return "ROUND_ROBIN";
    }
    return "UNKNOWN";
}

int fragment_source_of(const plan_fragment *f, int node_id)
{
    for (int i = 0; i < f->remote_source_count; i++)
        if (f->remote_sources[i].node_id == node_id)
            return f->remote_sources[i].fragment_id;
    return -1;
}
