/*
 * optimizer_prune.c — rule 5: projection pruning.
 *
 * Walks the plan top-down with the set of output channels the parent
 * reads; each node keeps only what is read by its parent or by itself
 * (keys, predicates, aggregate arguments), down to TABLE_SCAN, which then
 * produces only the columns read. Unused projections and aggregates are
 * dropped, projections that became identities disappear.
 *
 * prune(node, needed) returns a node that still produces every needed
 * channel, plus map[old channel] = new channel (or -1 when dropped).
 * Nodes whose layout the parent depends on positionally (UNION sources,
 * OUTPUT's input) are narrowed exactly with a PROJECT. Nodes that read
 * every input column (DISTINCT_LIMIT, INTERSECT/EXCEPT, UNION DISTINCT,
 * WINDOW, grouping sets) keep their inputs whole.
 */
#include <stdlib.h>
#include <string.h>

#include "optimizer_internal.h"

typedef struct pruner {
    bool failed;
} pruner;

static plan_node *prune(pruner *p, plan_node *node, const bool *needed, int *map);

static bool *bools(int n)
{
    return calloc((size_t)(n > 0 ? n : 1), sizeof(bool));
}

static int *ints(int n)
{
    return malloc(sizeof(int) * (size_t)(n > 0 ? n : 1));
}

/* Narrows node to exactly channels[0..count) (in that order). */
static plan_node *select_channels(pruner *p, plan_node *node, const int *channels, int count)
{
    bool identity = count == node->column_count;
    for (int i = 0; i < count && identity; i++)
        identity = channels[i] == i;
    if (identity)
        return node;
    if (node->kind == PLAN_PROJECT) { /* narrow in place instead of stacking projections */
        expr **exprs = calloc((size_t)(count > 0 ? count : 1), sizeof *exprs);
        plan_column *columns = calloc((size_t)(count > 0 ? count : 1), sizeof *columns);
        if (!exprs || !columns) {
            free(exprs);
            free(columns);
            p->failed = true;
            return node;
        }
        for (int i = 0; i < count; i++) {
            exprs[i] = expr_copy(node->u.project.exprs[channels[i]]);
            columns[i].name = strdup(node->columns[channels[i]].name);
            columns[i].type = node->columns[channels[i]].type;
            if (!exprs[i] || !columns[i].name)
                p->failed = true;
        }
        for (int i = 0; i < node->column_count; i++) {
            expr_free(node->u.project.exprs[i]);
            free(node->columns[i].name);
        }
        free(node->u.project.exprs);
        free(node->columns);
        node->u.project.exprs = exprs;
        node->columns = columns;
        node->column_count = count;
        return node;
    }
    plan_node *project = optimizer_select_new(node, channels, count);
    if (!project)
        p->failed = true;
    return project;
}

/* Prunes a child whose every column is read, keeping its layout. */
static plan_node *prune_all(pruner *p, plan_node *node)
{
    if (!node)
        return NULL;
    int n = node->column_count;
    bool *needed = bools(n);
    int *map = ints(n);
    if (!needed || !map) {
        free(needed);
        free(map);
        p->failed = true;
        return node;
    }
    for (int i = 0; i < n; i++)
        needed[i] = true;
    node = prune(p, node, needed, map);
    if (node)
        node = select_channels(p, node, map, n);
    free(needed);
    free(map);
    return node;
}

static void identity_map(int *map, int n)
{
    for (int i = 0; i < n; i++)
        map[i] = i;
}

/* Replaces node's columns by those of its input (pass-through nodes). */
static bool take_input_columns(plan_node *node)
{
    const plan_node *in = node->inputs[0];
    plan_column *columns = calloc((size_t)(in->column_count > 0 ? in->column_count : 1), sizeof *columns);
    if (!columns)
        return false;
    for (int i = 0; i < node->column_count; i++)
        free(node->columns[i].name);
    free(node->columns);
    node->columns = columns;
    node->column_count = in->column_count;
    return plan_copy_columns(node, in);
}

/* Keeps the columns of node for which keep[c]; fills map. */
static bool keep_columns(plan_node *node, const bool *keep, int *map)
{
    int n = 0;
    for (int c = 0; c < node->column_count; c++) {
        if (keep[c]) {
            map[c] = n;
            if (n != c) {
                free(node->columns[n].name);
                node->columns[n] = node->columns[c];
                node->columns[c].name = NULL;
            }
            n++;
        } else {
            map[c] = -1;
            free(node->columns[c].name);
            node->columns[c].name = NULL;
        }
    }
    node->column_count = n;
    return true;
}

/* ---- per kind -------------------------------------------------------------------- */

static plan_node *prune_scan(plan_node *node, const bool *needed, int *map)
{
    int n = node->column_count;
    bool *keep = bools(n);
    if (!keep)
        return NULL;
    bool any = false;
    for (int c = 0; c < n; c++) {
        keep[c] = needed[c];
        any = any || keep[c];
    }
    if (!any && n > 0) { /* nothing read (count(*)): keep the narrowest column */
        int best = 0;
        for (int c = 1; c < n; c++)
            if (optimizer_column_width(node, c) < optimizer_column_width(node, best))
                best = c;
        keep[best] = true;
    }
    int out = 0;
    for (int c = 0; c < n; c++)
        if (keep[c])
            node->u.scan.columns[out++] = node->u.scan.columns[c];
    keep_columns(node, keep, map);
    free(keep);
    return node;
}

static plan_node *prune_values(plan_node *node, const bool *needed, int *map)
{
    int n = node->column_count, rows = node->u.values.row_count;
    bool *keep = bools(n);
    if (!keep)
        return NULL;
    bool any = false;
    for (int c = 0; c < n; c++) {
        keep[c] = needed[c];
        any = any || keep[c];
    }
    if (!any && n > 0)
        keep[0] = true;
    int kept = 0;
    for (int c = 0; c < n; c++)
        kept += keep[c];
    for (int r = 0; r < rows; r++) {
        int out = 0;
        for (int c = 0; c < n; c++) {
            expr *cell = node->u.values.cells[r * n + c];
            if (keep[c])
                node->u.values.cells[r * kept + out++] = cell;
            else
                expr_free(cell);
        }
    }
    keep_columns(node, keep, map);
    free(keep);
    return node;
}

static plan_node *prune_filter(pruner *p, plan_node *node, const bool *needed, int *map)
{
    plan_node *in = node->inputs[0];
    int n = in->column_count;
    bool *need = bools(n);
    int *imap = ints(n);
    if (!need || !imap)
        goto oom;
    memcpy(need, needed, sizeof(bool) * (size_t)n);
    optimizer_mark_columns(node->u.filter.predicate, need, n);
    node->inputs[0] = prune(p, in, need, imap);
    if (!node->inputs[0])
        goto oom;
    expr *predicate = optimizer_remap(node->u.filter.predicate, imap, n);
    if (!predicate)
        goto oom;
    expr_free(node->u.filter.predicate);
    node->u.filter.predicate = predicate;
    if (!take_input_columns(node))
        goto oom;
    memcpy(map, imap, sizeof(int) * (size_t)n);
    free(need);
    free(imap);
    return node;
oom:
    free(need);
    free(imap);
    p->failed = true;
    return node;
}

static plan_node *prune_project(pruner *p, plan_node *node, const bool *needed, int *map)
{
    int n = node->column_count;
    plan_node *in = node->inputs[0];
    int ni = in->column_count;
    int *kept = ints(n);
    bool *need = bools(ni);
    int *imap = ints(ni);
    if (!kept || !need || !imap)
        goto oom;
    int count = 0;
    for (int c = 0; c < n; c++)
        if (needed[c])
            kept[count++] = c;
    if (count == 0 && n > 0)
        kept[count++] = 0;
    for (int i = 0; i < count; i++)
        optimizer_mark_columns(node->u.project.exprs[kept[i]], need, ni);
    node->inputs[0] = prune(p, in, need, imap);
    if (!node->inputs[0])
        goto oom;
    for (int c = 0; c < n; c++)
        map[c] = -1;
    for (int i = 0; i < count; i++) {
        expr *e = optimizer_remap(node->u.project.exprs[kept[i]], imap, ni);
        if (!e)
            goto oom;
        expr_free(node->u.project.exprs[kept[i]]);
        node->u.project.exprs[kept[i]] = e;
        map[kept[i]] = i;
    }
    /* narrow to the kept expressions */
    int out = 0;
    for (int c = 0; c < n; c++) {
        if (map[c] >= 0) {
            node->u.project.exprs[out] = node->u.project.exprs[c];
            if (out != c) {
                free(node->columns[out].name);
                node->columns[out] = node->columns[c];
                node->columns[c].name = NULL;
            }
            out++;
        } else {
            expr_free(node->u.project.exprs[c]);
            free(node->columns[c].name);
            node->columns[c].name = NULL;
        }
    }
    node->column_count = out;
    free(kept);
    free(need);
    free(imap);
    if (optimizer_is_identity_project(node)) {
        plan_node *input = node->inputs[0];
        node->inputs[0] = NULL;
        plan_free(node);
        return input;
    }
    return node;
oom:
    free(kept);
    free(need);
    free(imap);
    p->failed = true;
    return node;
}

static plan_node *prune_aggregate(pruner *p, plan_node *node, const bool *needed, int *map)
{
    int keys = node->u.aggregate.key_count;
    int n = node->column_count;
    if (node->u.aggregate.grouping_set_count > 0) {
        node->inputs[0] = prune_all(p, node->inputs[0]);
        identity_map(map, n);
        return node;
    }
    plan_node *in = node->inputs[0];
    int ni = in->column_count;
    bool *need = bools(ni);
    int *imap = ints(ni);
    bool *keep = bools(n);
    if (!need || !imap || !keep)
        goto oom;
    int kept_aggregates = 0;
    for (int c = 0; c < n; c++) {
        keep[c] = c < keys || needed[c];
        kept_aggregates += c >= keys && keep[c];
    }
    if (kept_aggregates == 0 && keys == 0 && n > 0)
        keep[0] = true; /* a global aggregation still yields its one row */
    for (int k = 0; k < keys; k++)
        if (node->u.aggregate.keys[k] < ni)
            need[node->u.aggregate.keys[k]] = true;
    for (int a = 0; a < node->u.aggregate.aggregate_count; a++) {
        if (!keep[keys + a])
            continue;
        const plan_aggregate *agg = &node->u.aggregate.aggregates[a];
        for (int i = 0; i < agg->arg_count; i++)
            if (agg->args[i] >= 0 && agg->args[i] < ni)
                need[agg->args[i]] = true;
        if (agg->filter_channel >= 0 && agg->filter_channel < ni)
            need[agg->filter_channel] = true;
    }
    node->inputs[0] = prune(p, in, need, imap);
    if (!node->inputs[0])
        goto oom;
    for (int k = 0; k < keys; k++)
        node->u.aggregate.keys[k] = imap[node->u.aggregate.keys[k]];
    int out = 0;
    for (int a = 0; a < node->u.aggregate.aggregate_count; a++) {
        if (!keep[keys + a])
            continue;
        plan_aggregate agg = node->u.aggregate.aggregates[a];
        for (int i = 0; i < agg.arg_count; i++)
            agg.args[i] = imap[agg.args[i]];
        if (agg.filter_channel >= 0)
            agg.filter_channel = imap[agg.filter_channel];
        node->u.aggregate.aggregates[out++] = agg;
    }
    node->u.aggregate.aggregate_count = out;
    keep_columns(node, keep, map);
    free(need);
    free(imap);
    free(keep);
    return node;
oom:
    free(need);
    free(imap);
    free(keep);
    p->failed = true;
    return node;
}

static void remap_keys(int *keys, int count, const int *map)
{
    for (int i = 0; i < count; i++)
        keys[i] = map[keys[i]];
}

static plan_node *prune_join(pruner *p, plan_node *node, const bool *needed, int *map)
{
    bool semi = node->kind == PLAN_SEMI_JOIN;
    plan_node *l = node->inputs[0], *r = node->inputs[1];
    int nl = l->column_count, nr = r->column_count, n = nl + nr;
    bool *need = bools(n);
    int *cmap = ints(n);
    if (!need || !cmap)
        goto oom;
    for (int c = 0; c < nl; c++)
        need[c] = needed[c];
    if (!semi)
        for (int c = 0; c < nr; c++)
            need[nl + c] = needed[nl + c];
    int key_count = semi ? node->u.semi.key_count : node->u.join.key_count;
    int *lk = semi ? node->u.semi.source_keys : node->u.join.left_keys;
    int *rk = semi ? node->u.semi.filtering_keys : node->u.join.right_keys;
    expr **filter = semi ? &node->u.semi.filter : &node->u.join.filter;
    for (int i = 0; i < key_count; i++) {
        need[lk[i]] = true;
        need[nl + rk[i]] = true;
    }
    optimizer_mark_columns(*filter, need, n);
    node->inputs[0] = prune(p, l, need, cmap);
    node->inputs[1] = node->inputs[0] ? prune(p, r, need + nl, cmap + nl) : r;
    if (!node->inputs[0] || !node->inputs[1])
        goto oom;
    int new_nl = node->inputs[0]->column_count, new_nr = node->inputs[1]->column_count;
    for (int c = 0; c < nr; c++)
        if (cmap[nl + c] >= 0)
            cmap[nl + c] += new_nl;
    remap_keys(lk, key_count, cmap);
    for (int i = 0; i < key_count; i++)
        rk[i] = cmap[nl + rk[i]] - new_nl;
    if (*filter) {
        expr *f = optimizer_remap(*filter, cmap, n);
        if (!f)
            goto oom;
        expr_free(*filter);
        *filter = f;
    }
    /* rebuild the columns */
    int count = semi ? new_nl + 1 : new_nl + new_nr;
    plan_column *columns = calloc((size_t)count, sizeof *columns);
    if (!columns)
        goto oom;
    plan_column flag = semi ? node->columns[nl] : (plan_column){0};
    if (semi)
        node->columns[nl].name = NULL;
    for (int c = 0; c < node->column_count; c++)
        free(node->columns[c].name);
    free(node->columns);
    node->columns = columns;
    node->column_count = count;
    if (!optimizer_copy_columns_at(node, 0, node->inputs[0]))
        goto oom;
    if (semi) {
        node->columns[new_nl] = flag;
        for (int c = 0; c < nl; c++)
            map[c] = cmap[c];
        map[nl] = new_nl;
    } else {
        if (!optimizer_copy_columns_at(node, new_nl, node->inputs[1]))
            goto oom;
        memcpy(map, cmap, sizeof(int) * (size_t)n);
    }
    free(need);
    free(cmap);
    return node;
oom:
    free(need);
    free(cmap);
    p->failed = true;
    return node;
}

static plan_node *prune_sort(pruner *p, plan_node *node, const bool *needed, int *map)
{
    int n = node->inputs[0]->column_count;
    bool *need = bools(n);
    if (!need) {
        p->failed = true;
        return node;
    }
    memcpy(need, needed, sizeof(bool) * (size_t)n);
    if (node->kind == PLAN_SORT || node->kind == PLAN_TOP_N)
        for (int k = 0; k < node->u.sort.key_count; k++)
            need[node->u.sort.keys[k].channel] = true;
    if (node->kind == PLAN_EXCHANGE)
        for (int k = 0; k < node->u.exchange.key_count; k++)
            need[node->u.exchange.keys[k]] = true;
    node->inputs[0] = prune(p, node->inputs[0], need, map);
    free(need);
    if (!node->inputs[0]) {
        p->failed = true;
        return node;
    }
    if (node->kind == PLAN_SORT || node->kind == PLAN_TOP_N)
        for (int k = 0; k < node->u.sort.key_count; k++)
            node->u.sort.keys[k].channel = map[node->u.sort.keys[k].channel];
    if (node->kind == PLAN_EXCHANGE)
        remap_keys(node->u.exchange.keys, node->u.exchange.key_count, map);
    if (!take_input_columns(node))
        p->failed = true;
    return node;
}

static plan_node *prune_union(pruner *p, plan_node *node, const bool *needed, int *map)
{
    int n = node->column_count;
    int *channels = ints(n);
    int *smap = ints(n);
    bool *keep = bools(n);
    if (!channels || !smap || !keep)
        goto oom;
    int count = 0;
    for (int c = 0; c < n; c++)
        if ((keep[c] = needed[c]))
            channels[count++] = c;
    if (count == 0 && n > 0) {
        keep[0] = true;
        channels[count++] = 0;
    }
    for (int s = 0; s < node->source_count; s++) {
        plan_node *source = prune(p, node->sources[s], keep, smap);
        if (!source) {
            node->sources[s] = NULL;
            goto oom;
        }
        int *selected = ints(count);
        if (!selected)
            goto oom;
        for (int i = 0; i < count; i++)
            selected[i] = smap[channels[i]];
        node->sources[s] = select_channels(p, source, selected, count);
        free(selected);
    }
    keep_columns(node, keep, map);
    free(channels);
    free(smap);
    free(keep);
    return node;
oom:
    free(channels);
    free(smap);
    free(keep);
    p->failed = true;
    return node;
}

static plan_node *prune_output(pruner *p, plan_node *node, int *map)
{
    plan_node *in = node->inputs[0];
    int ni = in->column_count, n = node->column_count;
    bool *need = bools(ni);
    int *imap = ints(ni);
    if (!need || !imap) {
        free(need);
        free(imap);
        p->failed = true;
        return node;
    }
    for (int c = 0; c < n && c < ni; c++)
        need[c] = true;
    node->inputs[0] = prune(p, in, need, imap);
    if (node->inputs[0])
        node->inputs[0] = select_channels(p, node->inputs[0], imap, n < ni ? n : ni);
    identity_map(map, n);
    free(need);
    free(imap);
    return node;
}

static plan_node *prune(pruner *p, plan_node *node, const bool *needed, int *map)
{
    if (!node || p->failed) {
        if (node)
            identity_map(map, node->column_count);
        return node;
    }
    switch (node->kind) {
    case PLAN_TABLE_SCAN: {
        plan_node *result = prune_scan(node, needed, map);
        if (!result) {
            p->failed = true;
            identity_map(map, node->column_count);
            return node;
        }
        return result;
    }
    case PLAN_VALUES: {
        plan_node *result = prune_values(node, needed, map);
        if (!result) {
            p->failed = true;
            identity_map(map, node->column_count);
            return node;
        }
        return result;
    }
    case PLAN_FILTER:
        return prune_filter(p, node, needed, map);
    case PLAN_PROJECT:
        return prune_project(p, node, needed, map);
    case PLAN_AGGREGATE:
        return prune_aggregate(p, node, needed, map);
    case PLAN_JOIN:
    case PLAN_SEMI_JOIN:
        return prune_join(p, node, needed, map);
    case PLAN_SORT:
    case PLAN_TOP_N:
    case PLAN_LIMIT:
    case PLAN_ENFORCE_SINGLE_ROW:
    case PLAN_EXCHANGE:
        return prune_sort(p, node, needed, map);
    case PLAN_UNION:
        if (!node->u.set.distinct)
            return prune_union(p, node, needed, map);
        break;
    case PLAN_OUTPUT:
        return prune_output(p, node, map);
    default:
        break;
    }
    /* reads every input column: keep the layout */
    for (int i = 0; i < 2; i++)
        node->inputs[i] = prune_all(p, node->inputs[i]);
    for (int i = 0; i < node->source_count; i++)
        node->sources[i] = prune_all(p, node->sources[i]);
    identity_map(map, node->column_count);
    return node;
}

plan_node *optimizer_prune(plan_node *root, const optimizer_context *context, shoal_error *error)
{
    (void)context;
    if (!root)
        return NULL;
    pruner p = {0};
    root = prune_all(&p, root);
    if (p.failed) {
        plan_free(root);
        optimizer_oom(error);
        return NULL;
    }
    return root;
}
