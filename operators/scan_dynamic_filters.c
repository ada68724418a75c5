/*
 * scan_dynamic_filters.c — applying local join dynamic filters in a table
 * scan (see scan_dynamic_filters.h).
 */
#include "scan_dynamic_filters.h"

#include <stdlib.h>
#include <string.h>

enum { ADAPT_AFTER_ROWS = 1 << 15 };

/* The keys of one bridge that this scan produces. */
typedef struct filter_group {
    join_bridge *bridge;
    int channels[DYNAMIC_FILTER_MAX_KEYS];      /* -1: not produced here */
    int table_columns[DYNAMIC_FILTER_MAX_KEYS];
    bool off;                                   /* keeps nearly every row */
    uint64_t rows_in, rows_dropped;
} filter_group;

struct scan_dynamic_filters {
    filter_group *groups;
    int group_count;
    column_range *ranges;
    scan_request request;
    uint64_t hashes[VECTOR_SIZE];
    uint32_t selection[VECTOR_SIZE];
};

static filter_group *group_of(scan_dynamic_filters *f, join_bridge *bridge)
{
    for (int g = 0; g < f->group_count; g++)
        if (f->groups[g].bridge == bridge)
            return &f->groups[g];
    filter_group *g = &f->groups[f->group_count++];
    g->bridge = join_bridge_ref(bridge);
    for (int k = 0; k < DYNAMIC_FILTER_MAX_KEYS; k++)
        g->channels[k] = g->table_columns[k] = -1;
    return g;
}

scan_dynamic_filters *scan_dynamic_filters_create(const scan_filter_binding *bindings, int count)
{
    scan_dynamic_filters *f = calloc(1, sizeof *f);
    if (!f || !(f->groups = calloc((size_t)(count > 0 ? count : 1), sizeof *f->groups))) {
        free(f);
        return NULL;
    }
    for (int i = 0; i < count; i++) {
        const scan_filter_binding *b = &bindings[i];
        if (b->key < 0 || b->key >= DYNAMIC_FILTER_MAX_KEYS || b->key >= b->bridge->key_count)
            continue;
        filter_group *g = group_of(f, b->bridge);
        g->channels[b->key] = b->channel;
        g->table_columns[b->key] = b->table_column;
    }
    return f;
}

void scan_dynamic_filters_free(scan_dynamic_filters *f)
{
    if (!f)
        return;
    for (int g = 0; g < f->group_count; g++)
        join_bridge_unref(f->groups[g].bridge);
    free(f->groups);
    free(f->ranges);
    free(f);
}

const scan_request *scan_dynamic_filters_request(scan_dynamic_filters *f, const scan_request *base)
{
    int extra = f->group_count * DYNAMIC_FILTER_MAX_KEYS;
    column_range *ranges = realloc(f->ranges, sizeof *ranges * (size_t)(base->range_count + extra + 1));
    if (!ranges)
        return base;
    f->ranges = ranges;
    int n = base->range_count;
    if (n > 0)
        memcpy(ranges, base->ranges, sizeof *ranges * (size_t)n);
    for (int g = 0; g < f->group_count; g++) {
        const dynamic_filter *filter = join_bridge_dynamic_filter(f->groups[g].bridge);
        for (int k = 0; filter && k < filter->key_count; k++)
            if (f->groups[g].table_columns[k] >= 0 &&
                dynamic_filter_range(filter, k, f->groups[g].table_columns[k], &ranges[n]))
                n++;
    }
    if (n == base->range_count)
        return base;
    f->request = *base;
    f->request.ranges = ranges;
    f->request.range_count = n;
    return &f->request;
}

/* The rows of p passing one group's filter, or p when it cannot filter. */
static page *apply_group(scan_dynamic_filters *f, filter_group *g, page *p, shoal_error *error)
{
    const dynamic_filter *filter = join_bridge_dynamic_filter(g->bridge);
    if (!filter || g->off)
        return p;
    const vector *keys[DYNAMIC_FILTER_MAX_KEYS] = {0};
    bool any = false;
    for (int k = 0; k < filter->key_count; k++) {
        int c = g->channels[k];
        if (c < 0 || c >= p->column_count ||
            type_physical(p->columns[c].type) != type_physical(filter->keys[k].type))
            continue;
        keys[k] = &p->columns[c];
        any = true;
    }
    if (!any)
        return p;
    uint32_t n = dynamic_filter_apply(filter, keys, p->row_count, f->hashes, f->selection);
    g->rows_in += p->row_count;
    g->rows_dropped += p->row_count - n;
    if (g->rows_in >= ADAPT_AFTER_ROWS && g->rows_dropped < g->rows_in / 10)
        g->off = true;
    if (n == p->row_count)
        return p;
    page *out = n ? page_select(p, f->selection, n) : NULL;
    page_unref(p);
    if (n && !out)
        error_set(error, ERR_EXCEEDED_LOCAL_MEMORY_LIMIT, "Out of memory in a dynamic filter");
    return out;
}

page *scan_dynamic_filters_apply(scan_dynamic_filters *f, page *p, shoal_error *error)
{
    for (int g = 0; p && g < f->group_count; g++)
        p = apply_group(f, &f->groups[g], p, error);
    return p;
}

uint64_t scan_dynamic_filters_rows_in(const scan_dynamic_filters *f)
{
    uint64_t rows = 0;
    for (int g = 0; g < f->group_count; g++)
        rows += f->groups[g].rows_in;
    return rows;
}

uint64_t scan_dynamic_filters_rows_dropped(const scan_dynamic_filters *f)
{
    uint64_t rows = 0;
    for (int g = 0; g < f->group_count; g++)
        rows += f->groups[g].rows_dropped;
    return rows;
}
