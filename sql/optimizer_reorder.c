/*
 * optimizer_reorder.c — rule 3: join reordering.
 *
 * A maximal tree of inner/cross joins is flattened into a multi-join: its
 * relations (the non-join subtrees, in original order, whose outputs laid
 * side by side are the tree's output channels — the "global" channels),
 * the equality edges between relations (the join keys) and the other
 * conjuncts (join filters). It is then rebuilt left-deep:
 *
 *  - AUTOMATIC with statistics on every relation (cost-based): start from
 *    the relation with the most estimated rows (the probe side of the
 *    deepest join), then repeatedly join the connected relation (one that
 *    shares an equality with the joined set) whose join gives the fewest
 *    estimated rows, ties going to the smaller relation; it becomes the
 *    build (right) side. Only when no relation is connected is a cross join
 *    made, with the smallest remaining relation.
 *  - ELIMINATE_CROSS_JOINS, or AUTOMATIC without statistics: only trees
 *    holding a cross join are rebuilt; the original order is kept except
 *    that the next relation is always the first one connected to the set.
 *  - NONE: nothing changes.
 *
 * Every edge becomes a key of the join that brings its second relation in;
 * a conjunct becomes the filter of the first join where all its relations
 * are present (or a FILTER on its only relation). A PROJECT on top restores
 * the original channel order when it changed.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "optimizer_internal.h"

enum { MAX_RELATIONS = 64 };

typedef struct relation {
    plan_node *node;
    int offset;               /* first global channel */
    int width;
    double rows;
} relation;

typedef struct edge {
    int a, b;                 /* global channels in different relations */
} edge;

typedef struct multi_join {
    relation rels[MAX_RELATIONS];
    int rel_count;
    edge *edges;
    int edge_count;
    expr_list filters;        /* over global channels */
    int width;
    bool failed;
    bool had_cross;
} multi_join;

typedef struct reorder {
    const optimizer_context *context;
    shoal_error *error;
    bool failed;
} reorder;

static plan_node *reorder_node(reorder *r, plan_node *node);

static bool is_reorderable_join(const plan_node *node)
{
    return node->kind == PLAN_JOIN && !node->u.join.null_aware &&
           (node->u.join.type == JOIN_INNER || node->u.join.type == JOIN_CROSS);
}

static int count_relations(const plan_node *node)
{
    if (!is_reorderable_join(node))
        return 1;
    return count_relations(node->inputs[0]) + count_relations(node->inputs[1]);
}

static bool has_cross_join(const plan_node *node)
{
    if (!is_reorderable_join(node))
        return false;
    if (node->u.join.type == JOIN_CROSS || node->u.join.key_count == 0)
        return true;
    return has_cross_join(node->inputs[0]) || has_cross_join(node->inputs[1]);
}

static void add_edge(multi_join *m, int a, int b)
{
    edge *edges = realloc(m->edges, sizeof *edges * (size_t)(m->edge_count + 1));
    if (!edges) {
        m->failed = true;
        return;
    }
    m->edges = edges;
    m->edges[m->edge_count++] = (edge){a, b};
}

/* Consumes the join tree rooted at node into m; base is its first global channel. */
static void flatten(reorder *r, multi_join *m, plan_node *node)
{
    if (!is_reorderable_join(node)) {
        relation *rel = &m->rels[m->rel_count++];
        rel->node = reorder_node(r, node);
        rel->offset = m->width;
        rel->width = node->column_count;
        m->width += node->column_count;
        return;
    }
    int base = m->width;
    int nl = node->inputs[0]->column_count;
    plan_node *left = node->inputs[0], *right = node->inputs[1];
    node->inputs[0] = node->inputs[1] = NULL;
    if (node->u.join.type == JOIN_CROSS || node->u.join.key_count == 0)
        m->had_cross = true;
    flatten(r, m, left);
    flatten(r, m, right);
    for (int i = 0; i < node->u.join.key_count; i++)
        add_edge(m, base + node->u.join.left_keys[i], base + nl + node->u.join.right_keys[i]);
    expr_list conjuncts = {0};
    if (!optimizer_split_conjuncts(node->u.join.filter, &conjuncts))
        m->failed = true;
    for (int i = 0; i < conjuncts.count; i++)
        if (!expr_list_add(&m->filters, optimizer_shift(conjuncts.items[i], base)))
            m->failed = true;
    expr_list_free(&conjuncts);
    plan_free(node);
}

static int relation_of(const multi_join *m, int channel)
{
    for (int i = 0; i < m->rel_count; i++)
        if (channel >= m->rels[i].offset && channel < m->rels[i].offset + m->rels[i].width)
            return i;
    return -1;
}

static uint64_t relations_of(const multi_join *m, const expr *e)
{
    if (e->kind == EXPR_COLUMN) {
        int rel = relation_of(m, e->column);
        return rel >= 0 ? (uint64_t)1 << rel : 0;
    }
    uint64_t mask = 0;
    for (int i = 0; i < e->arg_count; i++)
        mask |= relations_of(m, e->args[i]);
    return mask;
}

static bool connected(const multi_join *m, uint64_t set, int rel)
{
    for (int i = 0; i < m->edge_count; i++) {
        int ra = relation_of(m, m->edges[i].a), rb = relation_of(m, m->edges[i].b);
        if ((ra == rel && (set >> rb & 1)) || (rb == rel && (set >> ra & 1)))
            return true;
    }
    return false;
}

/* Estimated rows of (joined set, current_rows) ⋈ rel. */
static double join_estimate(const multi_join *m, uint64_t set, double current_rows, int rel)
{
    double rows = m->rels[rel].rows;
    double ndv_set = 1, ndv_rel = 1;
    int keys = 0;
    for (int i = 0; i < m->edge_count; i++) {
        int a = m->edges[i].a, b = m->edges[i].b;
        int ra = relation_of(m, a), rb = relation_of(m, b);
        if (rb == rel && (set >> ra & 1)) {
            /* oriented: a in set, b in rel */
        } else if (ra == rel && (set >> rb & 1)) {
            int t = a;
            a = b;
            b = t;
            ra = rb;
        } else {
            continue;
        }
        const relation *owner = &m->rels[ra];
        double ndv_a = optimizer_column_ndv(owner->node, a - owner->offset);
        double ndv_b = optimizer_column_ndv(m->rels[rel].node, b - m->rels[rel].offset);
        ndv_set *= isnan(ndv_a) ? current_rows : fmin(ndv_a, current_rows);
        ndv_rel *= isnan(ndv_b) ? rows : ndv_b;
        keys++;
    }
    if (keys == 0)
        return current_rows * rows;
    ndv_set = fmin(fmax(ndv_set, 1), fmax(current_rows, 1));
    ndv_rel = fmin(fmax(ndv_rel, 1), fmax(rows, 1));
    return current_rows * rows / fmax(ndv_set, ndv_rel);
}

/* The join order: cost-based or cross-join elimination. */
static void choose_order(const multi_join *m, bool cost_based, int *order)
{
    uint64_t set = 0;
    int first = 0;
    if (cost_based)
        for (int i = 1; i < m->rel_count; i++)
            if (m->rels[i].rows > m->rels[first].rows)
                first = i;
    order[0] = first;
    set |= (uint64_t)1 << first;
    double current = m->rels[first].rows;
    for (int step = 1; step < m->rel_count; step++) {
        int best = -1;
        double best_rows = 0;
        for (int i = 0; i < m->rel_count; i++) {
            if (set >> i & 1 || !connected(m, set, i))
                continue;
            if (!cost_based) {
                best = i;
                break;
            }
            double rows = join_estimate(m, set, current, i);
            if (best < 0 || rows < best_rows ||
                (rows == best_rows && m->rels[i].rows < m->rels[best].rows)) {
                best = i;
                best_rows = rows;
            }
        }
        if (best < 0) { /* nothing connected: a cross join is unavoidable */
            for (int i = 0; i < m->rel_count; i++) {
                if (set >> i & 1)
                    continue;
                if (best < 0 || (cost_based && m->rels[i].rows < m->rels[best].rows))
                    best = i;
                if (!cost_based)
                    break;
            }
            best_rows = current * m->rels[best].rows;
        }
        order[step] = best;
        set |= (uint64_t)1 << best;
        current = best_rows;
    }
}

static bool append_int(int **array, int count, int v)
{
    int *a = realloc(*array, sizeof *a * (size_t)(count + 1));
    if (!a)
        return false;
    a[count] = v;
    *array = a;
    return true;
}

static plan_node *join_new(plan_node *left, plan_node *right)
{
    plan_node *join = plan_node_new(PLAN_JOIN, left->column_count + right->column_count);
    if (!join) {
        plan_free(left);
        plan_free(right);
        return NULL;
    }
    join->inputs[0] = left;
    join->inputs[1] = right;
    join->u.join.type = JOIN_CROSS;
    join->u.join.distribution = JOIN_DISTRIBUTION_AUTOMATIC;
    if (!optimizer_copy_columns_at(join, 0, left) ||
        !optimizer_copy_columns_at(join, left->column_count, right)) {
        plan_free(join);
        return NULL;
    }
    return join;
}

/* Adds e (over global channels, remapped with pos) to the join's filter. */
static bool add_join_filter(plan_node *join, const expr *e, const int *pos, int width)
{
    expr *mapped = optimizer_remap(e, pos, width);
    if (!mapped)
        return false;
    if (!join->u.join.filter) {
        join->u.join.filter = mapped;
        return true;
    }
    expr *args[2] = {join->u.join.filter, mapped};
    expr *both = expr_special(EXPR_AND, type_make(TYPE_BOOLEAN), 2, args);
    if (!both) {
        expr_free(mapped);
        return false;
    }
    join->u.join.filter = both;
    return true;
}

static plan_node *rebuild(reorder *r, multi_join *m, const int *order)
{
    int n = m->width;
    int *pos = malloc(sizeof *pos * (size_t)(n > 0 ? n : 1));
    bool *applied = calloc((size_t)m->filters.count + 1, sizeof *applied);
    plan_node *current = NULL;
    if (!pos || !applied)
        goto fail;
    for (int i = 0; i < n; i++)
        pos[i] = -1;

    /* conjuncts on one relation become a FILTER on it */
    for (int f = 0; f < m->filters.count; f++) {
        uint64_t mask = relations_of(m, m->filters.items[f]);
        if (mask == 0 || (mask & (mask - 1)) != 0)
            continue;
        int rel = __builtin_ctzll(mask);
        relation *rr = &m->rels[rel];
        expr *local = optimizer_shift(m->filters.items[f], -rr->offset);
        rr->node = optimizer_filter_new(rr->node, local);
        if (!rr->node)
            goto fail;
        applied[f] = true;
    }

    uint64_t set = 0;
    int width = 0;
    for (int step = 0; step < m->rel_count; step++) {
        relation *rel = &m->rels[order[step]];
        plan_node *next = rel->node;
        rel->node = NULL;
        if (!current) {
            current = next;
        } else {
            plan_node *join = join_new(current, next);
            current = join;
            if (!join)
                goto fail;
            for (int i = 0; i < m->edge_count; i++) {
                int a = m->edges[i].a, b = m->edges[i].b;
                int ra = relation_of(m, a), rb = relation_of(m, b);
                if (ra == order[step] && (set >> rb & 1)) {
                    int t = a;
                    a = b;
                    b = t;
                } else if (!(rb == order[step] && (set >> ra & 1))) {
                    continue;
                }
                bool duplicate = false;
                for (int k = 0; k < join->u.join.key_count; k++)
                    duplicate = duplicate || (join->u.join.left_keys[k] == pos[a] &&
                                              join->u.join.right_keys[k] == b - rel->offset);
                if (duplicate)
                    continue;
                if (!append_int(&join->u.join.left_keys, join->u.join.key_count, pos[a]) ||
                    !append_int(&join->u.join.right_keys, join->u.join.key_count, b - rel->offset))
                    goto fail;
                join->u.join.key_count++;
            }
        }
        for (int c = 0; c < rel->width; c++)
            pos[rel->offset + c] = width + c;
        width += rel->width;
        set |= (uint64_t)1 << order[step];
        if (current->kind == PLAN_JOIN && step > 0) {
            for (int f = 0; f < m->filters.count; f++) {
                uint64_t mask = relations_of(m, m->filters.items[f]);
                if (applied[f] || mask == 0 || (mask & ~set) != 0)
                    continue;
                if (!add_join_filter(current, m->filters.items[f], pos, n))
                    goto fail;
                applied[f] = true;
            }
            if (current->u.join.key_count > 0 || current->u.join.filter)
                current->u.join.type = JOIN_INNER;
        }
    }

    /* conjuncts on no relation at all */
    for (int f = 0; f < m->filters.count; f++) {
        if (applied[f])
            continue;
        current = optimizer_filter_new(current, expr_copy(m->filters.items[f]));
        if (!current)
            goto fail;
    }

    bool identity = true;
    for (int i = 0; i < n; i++)
        identity = identity && pos[i] == i;
    if (!identity) {
        current = optimizer_select_new(current, pos, n);
        if (!current)
            goto fail;
    }
    free(pos);
    free(applied);
    return current;
fail:
    free(pos);
    free(applied);
    plan_free(current);
    r->failed = true;
    return NULL;
}

static void free_multi_join(multi_join *m)
{
    for (int i = 0; i < m->rel_count; i++)
        plan_free(m->rels[i].node);
    free(m->edges);
    expr_list_free(&m->filters);
}

static plan_node *reorder_join_tree(reorder *r, plan_node *node)
{
    join_reordering_strategy strategy = r->context ? r->context->join_reordering_strategy
                                                   : JOIN_REORDERING_AUTOMATIC;
    multi_join *m = calloc(1, sizeof *m);
    if (!m) {
        r->failed = true;
        plan_free(node);
        return NULL;
    }
    /* keep the original column names for the restoring projection */
    plan_node *names = plan_node_new(PLAN_VALUES, node->column_count);
    if (!names || !plan_copy_columns(names, node)) {
        plan_free(names);
        free(m);
        plan_free(node);
        r->failed = true;
        return NULL;
    }
    flatten(r, m, node);
    bool cost_based = strategy == JOIN_REORDERING_AUTOMATIC;
    for (int i = 0; i < m->rel_count; i++) {
        if (!m->rels[i].node) {
            m->failed = true;
            break;
        }
        optimizer_estimate(m->rels[i].node, r->context);
        m->rels[i].rows = m->rels[i].node->estimate.rows;
        if (isnan(m->rels[i].rows))
            cost_based = false;
    }
    plan_node *result = NULL;
    if (!m->failed) {
        int order[MAX_RELATIONS];
        choose_order(m, cost_based, order);
        result = rebuild(r, m, order);
    } else {
        r->failed = true;
    }
    free_multi_join(m);
    free(m);
    if (result && result->column_count == names->column_count) {
        if (!plan_copy_columns(result, names))
            r->failed = true;
    }
    plan_free(names);
    return result;
}

static plan_node *reorder_node(reorder *r, plan_node *node)
{
    if (!node)
        return NULL;
    if (is_reorderable_join(node) && count_relations(node) <= MAX_RELATIONS) {
        join_reordering_strategy strategy = r->context ? r->context->join_reordering_strategy
                                                       : JOIN_REORDERING_AUTOMATIC;
        bool rewrite = strategy == JOIN_REORDERING_AUTOMATIC ||
                       (strategy == JOIN_REORDERING_ELIMINATE_CROSS_JOINS && has_cross_join(node));
        if (rewrite)
            return reorder_join_tree(r, node);
    }
    for (int i = 0; i < 2; i++)
        if (node->inputs[i])
            node->inputs[i] = reorder_node(r, node->inputs[i]);
    for (int i = 0; i < node->source_count; i++)
        node->sources[i] = reorder_node(r, node->sources[i]);
    return node;
}

plan_node *optimizer_reorder_joins(plan_node *root, const optimizer_context *context, shoal_error *error)
{
    if (!root)
        return NULL;
    if (context && context->join_reordering_strategy == JOIN_REORDERING_NONE)
        return root;
    reorder r = {.context = context, .error = error};
    root = reorder_node(&r, root);
    if (r.failed) {
        plan_free(root);
        optimizer_oom(error);
        return NULL;
    }
    return root;
}
