/*
 * task_output_buffer.h — where a task's fragment root leaves its rows for
 * the consumer tasks (Trino's OutputBuffer): one numbered page sequence per
 * consumer partition, served to exchange_request by the exchange server.
 *
 * The sink operators (one per root driver) serialise each page once
 * (page_serde: zstd when it pays, checksummed) and append it to
 *  - partition hash(output keys) for REPARTITION (rows split per partition),
 *  - every partition for BROADCAST (the same bytes, shared),
 *  - partition 0 for GATHER.
 * A consumer asks for pages from token t on: the pages before t are
 * acknowledged and freed. The buffer is bounded by bytes: when full, the
 * sinks block (operator_event) until consumers acknowledge — the credit
 * that gives backpressure to the producing pipelines.
 *
 * Thread-safe; reference counted (the task, each sink, each response being
 * encoded).
 */
#ifndef SHOAL_ACTORS_WORKER_TASK_OUTPUT_BUFFER_H
#define SHOAL_ACTORS_WORKER_TASK_OUTPUT_BUFFER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "connectors/spi/error.h"
#include "connectors/spi/page_serde.h"
#include "operators/operator.h"

typedef struct task_output_buffer task_output_buffer;

typedef enum task_output_mode {
    TASK_OUTPUT_GATHER,
    TASK_OUTPUT_REPARTITION,
    TASK_OUTPUT_BROADCAST
} task_output_mode;

typedef struct task_output_config {
    task_output_mode mode;
    int partitions;            /* consumer tasks (1 for gather) */
    int key_count;             /* REPARTITION: hash of these channels */
    const int *keys;
    size_t max_bytes;          /* 0: 32 MB */
    page_serde_options serde;  /* never_compress: no zstd */
} task_output_config;

/* A serialised page shared by the partitions that hold it. */
typedef struct serialized_page serialized_page;
const unsigned char *serialized_page_data(const serialized_page *p);
size_t serialized_page_size(const serialized_page *p);
void serialized_page_unref(serialized_page *p);

task_output_buffer *task_output_buffer_create(const task_output_config *config, shoal_error *error);
void task_output_buffer_ref(task_output_buffer *b);
void task_output_buffer_unref(task_output_buffer *b);

/* The producer side: a sink operator per root driver. */
operator *task_output_sink_create(int plan_node_id, task_output_buffer *b, shoal_error *error);
/* Every sink has been made: once they all finish, the output is complete. */
void task_output_buffer_seal(task_output_buffer *b);
/* The task failed or was cancelled: pages are dropped, sinks stop blocking,
 * consumers get the error. */
void task_output_buffer_fail(task_output_buffer *b, const shoal_error *error);

/* The consumer side. Acknowledges the pages of `partition` before `token`,
 * then hands out references to the pages from `token` on, up to `max_bytes`
 * (at least one page when there is one). *next_token follows the last page
 * given; *complete when no page will ever follow it. False with *error when
 * the buffer failed or the request is bad. `out` has room for `max_pages`. */
bool task_output_buffer_get(task_output_buffer *b, int partition, uint64_t token, uint32_t max_bytes,
                            serialized_page **out, uint32_t max_pages, uint32_t *page_count,
                            uint64_t *next_token, bool *complete, shoal_error *error);

/* Figures for task_status. */
typedef struct task_output_stats {
    uint64_t rows, pages, bytes;   /* produced (bytes serialised) */
    uint64_t buffered_bytes;
    bool finished;                 /* sealed, sinks done, every page acknowledged */
} task_output_stats;
void task_output_buffer_stats(task_output_buffer *b, task_output_stats *out);

#endif
