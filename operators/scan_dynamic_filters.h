/*
 * scan_dynamic_filters.h — the join dynamic filters one table scan applies
 * (see dynamic_filter.h and sql/optimizer_dynamic_filters.c): which of the
 * scan's channels hold which key of which local join bridge.
 *
 * A scan does not wait for its filters (that would serialise the build
 * and everything before the join on the probe side; a probe pipeline that
 * reaches its join stops at the join anyway): once a bridge is built, each
 * split opened after that gets the filter's key ranges in its scan request
 * (split and row pruning in the connector) and the rows of each page that
 * cannot join are dropped. A filter that keeps nearly every row is switched
 * off after a few pages so it costs nothing where it does not help.
 */
#ifndef SHOAL_OPERATORS_SCAN_DYNAMIC_FILTERS_H
#define SHOAL_OPERATORS_SCAN_DYNAMIC_FILTERS_H

#include "operators/op_join_bridge.h"
#include "operators/operator.h"

typedef struct scan_filter_binding {
    join_bridge *bridge;       /* the join whose build publishes the filter */
    int key;                   /* its key index */
    int channel;               /* the scan's output channel holding that key */
    int table_column;          /* the table column behind the channel */
} scan_filter_binding;

typedef struct scan_dynamic_filters scan_dynamic_filters;

/* NULL on out of memory. Takes references to the bridges. */
scan_dynamic_filters *scan_dynamic_filters_create(const scan_filter_binding *bindings, int count);
void scan_dynamic_filters_free(scan_dynamic_filters *f);

/* `base` narrowed by the filters' ranges; valid until the next call or
 * free. Returns base itself when no filter has a range. */
const scan_request *scan_dynamic_filters_request(scan_dynamic_filters *f, const scan_request *base);

/* The rows of p that may join (takes p's reference): p itself, a selected
 * page, or NULL when no row passes. *error on out of memory. */
page *scan_dynamic_filters_apply(scan_dynamic_filters *f, page *p, shoal_error *error);

/* Rows seen and rows dropped so far (EXPLAIN ANALYZE and tests). */
uint64_t scan_dynamic_filters_rows_in(const scan_dynamic_filters *f);
uint64_t scan_dynamic_filters_rows_dropped(const scan_dynamic_filters *f);

#endif
