/*
 * output_buffer.h — where a query's root pipeline leaves its result pages
 * until the client takes them. Bounded by bytes: when full, the producing
 * drivers block (through an operator_event) until the client reads. The
 * producers are output_sink operators, one per root driver; the buffer is
 * finished when every producer has finished.
 */
#ifndef SHOAL_ACTORS_OUTPUT_BUFFER_H
#define SHOAL_ACTORS_OUTPUT_BUFFER_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include "connectors/spi/page.h"
#include "operators/operator.h"

typedef struct output_buffer output_buffer;

typedef enum output_poll_status {
    OUTPUT_PAGE,
    OUTPUT_EMPTY,             /* nothing within the timeout */
    OUTPUT_FINISHED,
    OUTPUT_ABORTED
} output_poll_status;

output_buffer *output_buffer_create(size_t max_bytes, int producer_count);
void output_buffer_free(output_buffer *b);
/* The consumer side. */
output_poll_status output_buffer_poll(output_buffer *b, page **out, int timeout_ms);
/* Wakes pollers and makes producers' adds no-ops (cancel/failure). */
void output_buffer_abort(output_buffer *b);
uint64_t output_buffer_rows(output_buffer *b);

/* The producer side: an operator that adds its input pages. */
operator *output_sink_create(int plan_node_id, output_buffer *b);

#endif
