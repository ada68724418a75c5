/*
 * split_scan.h — the source operator of a table-scan pipeline: its drivers
 * share one queue of the table's splits; each driver takes the next split,
 * opens the connector's page source for it, and reads it to the end before
 * taking another. So every core reads a slice of the table until none is left.
 * On a worker the queue is open: the coordinator adds splits as it assigns them.
 */
#ifndef SHOAL_ACTORS_SPLIT_SCAN_H
#define SHOAL_ACTORS_SPLIT_SCAN_H

#include "connectors/spi/connector.h"
#include "operators/operator.h"
#include "operators/scan_dynamic_filters.h"

typedef struct split_queue split_queue;

/* Takes over `splits`; keeps pointers to `c`, `table` and `request`, which
 * must outlive the queue. */
split_queue *split_queue_create(connector *c, const table_metadata *table,
                                const scan_request *request, split_list *splits);
/* An open queue: splits arrive later (split_queue_add) until
 * split_queue_no_more; drivers finding it empty wait. */
split_queue *split_queue_create_open(connector *c, const table_metadata *table, const scan_request *request);
/* False when out of memory or after no_more. */
bool split_queue_add(split_queue *q, const void *bytes, size_t size, const char *description);
void split_queue_no_more(split_queue *q);
/* Splits not taken yet. */
int split_queue_pending(split_queue *q);
void split_queue_free(split_queue *q);

/* `filters` (owned, may be NULL): the join dynamic filters this scan
 * applies once their builds are done: splits opened after that get the
 * filters' key ranges, and rows that cannot join are dropped. */
operator *split_scan_create(int plan_node_id, split_queue *q, scan_dynamic_filters *filters);
/* Whether `op` is a split scan (its driver's splits are the queue's). */
bool split_scan_is(const operator *op);

/* A queue's splits so far (read live by the REST API's progress): queued
 * (not taken), running (taken, not read to the end), completed; and the
 * rows and bytes its completed splits read. */
typedef struct split_progress {
    int64_t total;
    int64_t queued;
    int64_t running;
    int64_t completed;
    int64_t rows;
    int64_t bytes;
} split_progress;

/* Adds this queue's counts to *out. */
void split_queue_add_progress(split_queue *q, split_progress *out);

#endif
