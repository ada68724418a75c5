/*
 * optimizer_reorder.c — rule 3: join reordering.
 *
 * A maximal tree of inner/cross joins is flattened into a multi-join: its
 * relations (the non-join subtrees, in original order, whose outputs laid
 * side by side are the tree's output channels — the "global" channels),
 * the equality edges between relations (the join keys) and the other
 * conjuncts (join filters). It is then rebuilt left-deep:
 *
 *  - AUTOMATIC with statistics on every relation (cost-based), at most
 *    DP_MAX_RELATIONS relations and a connected join graph: dynamic
 *    programming over connected subsets (DPsub), bushy trees allowed, each
 *    join splitting its set into two connected parts linked by an
 *    equality; cost = sum of the estimated rows of every join's inputs and
 *    output (so a small join such as supplier ⋈ one nation is built first
 *    and joined as a unit, TPC-H Q7/Q21). Ties keep the first split found.
 *  - AUTOMATIC otherwise (greedy): start from the relation with the most
 *    estimated rows (the probe side of the deepest join), then repeatedly
 *    join the connected relation (one that shares an equality with the
 *    joined set) whose join gives the fewest estimated rows, ties going to
 *    the smaller relation; it becomes the build (right) side. Only when no
 *    relation is connected is a cross join made, with the smallest
 *    remaining relation.
 *  - ELIMINATE_CROSS_JOINS, or AUTOMATIC without statistics: only trees
 *    holding a cross join are rebuilt; the original order is kept except
 *    that the next relation is always the first one connected to the set.
 *  - NONE: nothing changes.
 *
 * Every edge becomes a key of the join that first holds both its relations;
 * a conjunct becomes the filter of the first join where all its relations
 * are present (or a FILTER on its only relation). A PROJECT on top restores
 * the original channel order when it changed.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "optimizer_internal.h"

enum { MAX_RELATIONS = 64, DP_MAX_RELATIONS = 10 };

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

/* ---- join trees ------------------------------------------------------------- */

/* A join tree: leaves are relations, inner nodes join their two subtrees
 * (left = probe, right = build; join choice may still swap them). */
typedef struct tree_node {
    int relation;             /* leaf: the relation; -1 for a join */
    int left, right;          /* join: subtree indexes */
} tree_node;

typedef struct join_tree {
    tree_node nodes[2 * MAX_RELATIONS];
    int count;
    int root;
} join_tree;

static int tree_leaf(join_tree *t, int relation)
{
    t->nodes[t->count] = (tree_node){relation, -1, -1};
    return t->count++;
}

static int tree_join(join_tree *t, int left, int right)
{
    t->nodes[t->count] = (tree_node){-1, left, right};
    return t->count++;
}

/* The left-deep tree joining relations in `order`. */
static void tree_from_order(join_tree *t, const int *order, int count)
{
    t->count = 0;
    int current = tree_leaf(t, order[0]);
    for (int step = 1; step < count; step++)
        current = tree_join(t, current, tree_leaf(t, order[step]));
    t->root = current;
}

/* ---- dynamic programming over connected subsets ------------------------------ */

typedef struct dp_edge {
    int ra, rb;               /* relations */
    double ndv_a, ndv_b;      /* NDV of each end in its relation (NAN: unknown) */
} dp_edge;

typedef struct dp_entry {
    bool valid;
    double rows;
    double cost;
    uint64_t left;            /* the split: left part (the rest is the right part) */
} dp_entry;

/* Estimated rows of s1 ⋈ s2 over the edges between them; false when none links them. */
static bool dp_join_rows(const dp_edge *edges, int edge_count, uint64_t s1, double rows1,
                         uint64_t s2, double rows2, double *rows)
{
    double ndv1 = 1, ndv2 = 1;
    bool linked = false;
    for (int i = 0; i < edge_count; i++) {
        const dp_edge *e = &edges[i];
        double na, nb;
        if ((s1 >> e->ra & 1) && (s2 >> e->rb & 1)) {
            na = e->ndv_a;
            nb = e->ndv_b;
        } else if ((s1 >> e->rb & 1) && (s2 >> e->ra & 1)) {
            na = e->ndv_b;
            nb = e->ndv_a;
        } else {
            continue;
        }
        linked = true;
        ndv1 *= isnan(na) ? rows1 : fmin(na, rows1);
        ndv2 *= isnan(nb) ? rows2 : fmin(nb, rows2);
    }
    if (!linked)
        return false;
    ndv1 = fmin(fmax(ndv1, 1), fmax(rows1, 1));
    ndv2 = fmin(fmax(ndv2, 1), fmax(rows2, 1));
    *rows = rows1 * rows2 / fmax(ndv1, ndv2);
    return true;
}

/* Fills the tree from the DP table's splits of `set`. */
static int dp_tree(join_tree *t, const dp_entry *dp, uint64_t set)
{
    if ((set & (set - 1)) == 0)
        return tree_leaf(t, __builtin_ctzll(set));
    uint64_t left = dp[set].left;
    int l = dp_tree(t, dp, left);
    int r = dp_tree(t, dp, set & ~left);
    return tree_join(t, l, r);
}

/* The cheapest bushy tree without cross joins; false when the relations
 * are not all connected (or memory ran out). */
static bool dp_order(const multi_join *m, join_tree *t)
{
    int n = m->rel_count;
    uint64_t full = ((uint64_t)1 << n) - 1;
    dp_entry *dp = calloc((size_t)full + 1, sizeof *dp);
    dp_edge *edges = malloc(sizeof *edges * (size_t)(m->edge_count > 0 ? m->edge_count : 1));
    if (!dp || !edges) {
        free(dp);
        free(edges);
        return false;
    }
    for (int i = 0; i < m->edge_count; i++) {
        int a = m->edges[i].a, b = m->edges[i].b;
        const relation *ra = &m->rels[relation_of(m, a)], *rb = &m->rels[relation_of(m, b)];
        edges[i] = (dp_edge){relation_of(m, a), relation_of(m, b),
                             optimizer_column_ndv(ra->node, a - ra->offset),
                             optimizer_column_ndv(rb->node, b - rb->offset)};
    }
    for (int i = 0; i < n; i++)
        dp[(uint64_t)1 << i] = (dp_entry){true, m->rels[i].rows, 0, 0};
    for (uint64_t set = 1; set <= full; set++) {
        if ((set & (set - 1)) == 0)
            continue;
        uint64_t lowest = set & -set;
        /* splits (left, right) with the lowest relation on the left, both orders costed alike */
        for (uint64_t left = (set - 1) & set; left > 0; left = (left - 1) & set) {
            if (!(left & lowest))
                continue;
            uint64_t right = set & ~left;
            if (!dp[left].valid || !dp[right].valid)
                continue;
            double rows;
            if (!dp_join_rows(edges, m->edge_count, left, dp[left].rows, right, dp[right].rows, &rows))
                continue;
            if (dp[set].valid)
                rows = dp[set].rows; /* one estimate per set, whatever the split */
            double cost = dp[left].cost + dp[right].cost + dp[left].rows + dp[right].rows + rows;
            if (!dp[set].valid || cost < dp[set].cost) {
                /* the bigger part on the left (probe), the smaller on the right (build) */
                uint64_t probe = dp[left].rows >= dp[right].rows ? left : right;
                dp[set] = (dp_entry){true, rows, cost, probe};
            }
        }
    }
    bool ok = dp[full].valid;
    if (ok) {
        t->count = 0;
        t->root = dp_tree(t, dp, full);
    }
    free(dp);
    free(edges);
    return ok;
}

/* ---- rebuilding the plan ------------------------------------------------------ */

typedef struct rebuild_state {
    multi_join *m;
    int *pos;                 /* global channel -> channel of the subtree built so far */
    bool *applied;            /* filters placed */
} rebuild_state;

static uint64_t tree_set(const join_tree *t, int node)
{
    const tree_node *n = &t->nodes[node];
    if (n->relation >= 0)
        return (uint64_t)1 << n->relation;
    return tree_set(t, n->left) | tree_set(t, n->right);
}

/* Builds subtree `node`; on return pos[] maps the channels of its relations
 * to its output. NULL on out-of-memory. */
static plan_node *build_tree(rebuild_state *b, const join_tree *t, int node)
{
    multi_join *m = b->m;
    const tree_node *tn = &t->nodes[node];
    if (tn->relation >= 0) {
        relation *rel = &m->rels[tn->relation];
        plan_node *leaf = rel->node;
        rel->node = NULL;
        for (int c = 0; c < rel->width; c++)
            b->pos[rel->offset + c] = c;
        return leaf;
    }
    plan_node *left = build_tree(b, t, tn->left);
    if (!left)
        return NULL;
    plan_node *right = build_tree(b, t, tn->right);
    if (!right) {
        plan_free(left);
        return NULL;
    }
    uint64_t lset = tree_set(t, tn->left), rset = tree_set(t, tn->right), set = lset | rset;
    int lwidth = left->column_count;
    plan_node *join = join_new(left, right);
    if (!join)
        return NULL;
    for (int i = 0; i < m->edge_count; i++) {
        int a = m->edges[i].a, b2 = m->edges[i].b;
        int ra = relation_of(m, a), rb = relation_of(m, b2);
        if ((rset >> ra & 1) && (lset >> rb & 1)) {
            int tmp = a;
            a = b2;
            b2 = tmp;
        } else if (!((lset >> ra & 1) && (rset >> rb & 1))) {
            continue;
        }
        bool duplicate = false;
        for (int k = 0; k < join->u.join.key_count; k++)
            duplicate = duplicate || (join->u.join.left_keys[k] == b->pos[a] &&
                                      join->u.join.right_keys[k] == b->pos[b2]);
        if (duplicate)
            continue;
        if (!append_int(&join->u.join.left_keys, join->u.join.key_count, b->pos[a]) ||
            !append_int(&join->u.join.right_keys, join->u.join.key_count, b->pos[b2])) {
            plan_free(join);
            return NULL;
        }
        join->u.join.key_count++;
    }
    /* the right part's channels follow the left part's */
    for (int r = 0; r < m->rel_count; r++)
        if (rset >> r & 1)
            for (int c = 0; c < m->rels[r].width; c++)
                b->pos[m->rels[r].offset + c] += lwidth;
    for (int f = 0; f < m->filters.count; f++) {
        uint64_t mask = relations_of(m, m->filters.items[f]);
        if (b->applied[f] || mask == 0 || (mask & ~set) != 0)
            continue;
        if (!add_join_filter(join, m->filters.items[f], b->pos, m->width)) {
            plan_free(join);
            return NULL;
        }
        b->applied[f] = true;
    }
    if (join->u.join.key_count > 0 || join->u.join.filter)
        join->u.join.type = JOIN_INNER;
    return join;
}

static plan_node *rebuild(reorder *r, multi_join *m, const join_tree *t)
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

    rebuild_state b = {m, pos, applied};
    current = build_tree(&b, t, t->root);
    if (!current)
        goto fail;

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
        join_tree *tree = malloc(sizeof *tree);
        if (!tree) {
            r->failed = true;
        } else {
            if (!cost_based || m->rel_count > DP_MAX_RELATIONS || !dp_order(m, tree)) {
                int order[MAX_RELATIONS];
                choose_order(m, cost_based, order);
                tree_from_order(tree, order, m->rel_count);
            }
            result = rebuild(r, m, tree);
            free(tree);
        }
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
