/*
 * task_output_buffer.c — per-partition sequences of serialised pages, byte
 * accounting with a "space" event for the sinks, and the sink operator.
 */
#include "task_output_buffer.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "operators/hash_table.h"
#include "operators/page_builder.h"

enum { DEFAULT_MAX_BYTES = 32 << 20 };

struct serialized_page {
    atomic_int refcount;
    size_t size;
    unsigned char *data;       /* page_serialize bytes (malloc'd) */
};

const unsigned char *serialized_page_data(const serialized_page *p) { return p->data; }
size_t serialized_page_size(const serialized_page *p) { return p->size; }

void serialized_page_unref(serialized_page *p)
{
    if (p && atomic_fetch_sub(&p->refcount, 1) == 1) {
        free(p->data);
        free(p);
    }
}

typedef struct partition_queue {
    serialized_page **pages;   /* pages[head..count) have tokens first..first+count-head */
    uint32_t head, count, capacity;
    uint64_t first;            /* token of pages[head] */
} partition_queue;

struct task_output_buffer {
    atomic_int refcount;
    pthread_mutex_t lock;
    task_output_mode mode;
    int partitions;
    int key_count;
    int keys[64];
    size_t max_bytes;
    page_serde_options serde;
    partition_queue *queues;
    size_t buffered_bytes;
    int sinks_open;
    bool sealed;
    bool failed;
    shoal_error error;
    uint64_t rows, pages, bytes;
    operator_event *space;     /* armed while a sink waits for room */
    operator_event_pool events;
};

task_output_buffer *task_output_buffer_create(const task_output_config *config, shoal_error *error)
{
    if (config->partitions < 1 || config->partitions > 4096 || config->key_count < 0 || config->key_count > 64 ||
        (config->mode == TASK_OUTPUT_REPARTITION && config->key_count < 1) ||
        (config->mode == TASK_OUTPUT_GATHER && config->partitions != 1)) {
        error_set(error, ERR_GENERIC_INTERNAL_ERROR, "Bad task output configuration");
        return NULL;
    }
    task_output_buffer *b = calloc(1, sizeof *b);
    if (b)
        b->queues = calloc((size_t)config->partitions, sizeof *b->queues);
    if (!b || !b->queues) {
        free(b);
        error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
        return NULL;
    }
    atomic_init(&b->refcount, 1);
    pthread_mutex_init(&b->lock, NULL);
    b->mode = config->mode;
    b->partitions = config->partitions;
    b->key_count = config->key_count;
    memcpy(b->keys, config->keys, sizeof(int) * (size_t)config->key_count);
    b->max_bytes = config->max_bytes ? config->max_bytes : DEFAULT_MAX_BYTES;
    b->serde = config->serde;
    error_clear(&b->error);
    return b;
}

void task_output_buffer_ref(task_output_buffer *b)
{
    atomic_fetch_add(&b->refcount, 1);
}

static void drop_queue(partition_queue *q)
{
    for (uint32_t i = q->head; i < q->count; i++)
        serialized_page_unref(q->pages[i]);
    q->first += q->count - q->head;
    q->head = q->count = 0;
}

void task_output_buffer_unref(task_output_buffer *b)
{
    if (!b || atomic_fetch_sub(&b->refcount, 1) != 1)
        return;
    for (int i = 0; i < b->partitions; i++) {
        drop_queue(&b->queues[i]);
        free(b->queues[i].pages);
    }
    free(b->queues);
    operator_event_pool_destroy(&b->events);
    pthread_mutex_destroy(&b->lock);
    free(b);
}

/* Called with the lock held. */
static operator_event *take_space(task_output_buffer *b)
{
    operator_event *e = b->space;
    b->space = NULL;
    return e;
}

static void set_event(operator_event *e)
{
    if (e)
        operator_event_set(e);
}

void task_output_buffer_seal(task_output_buffer *b)
{
    pthread_mutex_lock(&b->lock);
    b->sealed = true;
    pthread_mutex_unlock(&b->lock);
}

void task_output_buffer_fail(task_output_buffer *b, const shoal_error *error)
{
    pthread_mutex_lock(&b->lock);
    if (!b->failed) {
        b->failed = true;
        b->error = *error;
    }
    for (int i = 0; i < b->partitions; i++)
        drop_queue(&b->queues[i]);
    b->buffered_bytes = 0;
    operator_event *space = take_space(b);
    pthread_mutex_unlock(&b->lock);
    set_event(space);
}

/* Called with the lock held; takes the caller's reference to p. */
static bool append(task_output_buffer *b, int partition, serialized_page *p)
{
    partition_queue *q = &b->queues[partition];
    if (q->count == q->capacity) {
        if (q->head > 0) {
            memmove(q->pages, q->pages + q->head, sizeof *q->pages * (q->count - q->head));
            q->count -= q->head;
            q->head = 0;
        }
        if (q->count == q->capacity) {
            uint32_t capacity = q->capacity ? q->capacity * 2 : 16;
            serialized_page **grown = realloc(q->pages, sizeof *grown * capacity);
            if (!grown) {
                serialized_page_unref(p);
                return false;
            }
            q->pages = grown;
            q->capacity = capacity;
        }
    }
    q->pages[q->count++] = p;
    b->buffered_bytes += p->size;
    return true;
}

static serialized_page *serialize(task_output_buffer *b, const page *p, shoal_error *error)
{
    serialized_page *s = malloc(sizeof *s);
    if (!s) {
        error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
        return NULL;
    }
    if (!page_serialize(p, &b->serde, &s->data, &s->size, error)) {
        free(s);
        return NULL;
    }
    atomic_init(&s->refcount, 1);
    return s;
}

/* Adds one page to `partition` (or to every partition for broadcast). */
static bool add_serialized(task_output_buffer *b, int partition, const page *p, shoal_error *error)
{
    serialized_page *s = serialize(b, p, error);
    if (!s)
        return false;
    pthread_mutex_lock(&b->lock);
    bool ok = true;
    if (!b->failed) {
        b->rows += p->row_count;
        b->pages++;
        b->bytes += s->size;
        if (b->mode == TASK_OUTPUT_BROADCAST) {
            for (int i = 0; ok && i < b->partitions; i++) {
                atomic_fetch_add(&s->refcount, 1);
                ok = append(b, i, s);
            }
            serialized_page_unref(s);
        } else {
            ok = append(b, partition, s);
        }
    } else {
        serialized_page_unref(s);
    }
    pthread_mutex_unlock(&b->lock);
    if (!ok)
        error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
    return ok;
}

/* REPARTITION: rows go to the partition of their keys' hash. The low half
 * of the hash picks the task (the local exchange inside the consumer uses
 * the high half, so a task's rows still spread over its drivers). */
static bool add_partitioned(task_output_buffer *b, page *p, shoal_error *error)
{
    uint32_t n = p->row_count;
    uint64_t *hashes = malloc(sizeof *hashes * (n ? n : 1));
    uint32_t *partition = malloc(sizeof *partition * (n ? n : 1));
    uint32_t *rows = malloc(sizeof *rows * (n ? n : 1));
    uint32_t *counts = calloc((size_t)b->partitions + 1, sizeof *counts);
    bool ok = hashes && partition && rows && counts;
    if (ok) {
        for (int k = 0; k < b->key_count; k++)
            hash_vector(&p->columns[b->keys[k]], NULL, n, hashes, k > 0);
        for (uint32_t i = 0; i < n; i++) {
            partition[i] = (uint32_t)(((hashes[i] & 0xffffffffu) * (uint64_t)b->partitions) >> 32);
            counts[partition[i] + 1]++;
        }
        for (int c = 0; c < b->partitions; c++)
            counts[c + 1] += counts[c];
        uint32_t *next = malloc(sizeof *next * (size_t)b->partitions);
        ok = next != NULL;
        if (ok) {
            memcpy(next, counts, sizeof *next * (size_t)b->partitions);
            for (uint32_t i = 0; i < n; i++)
                rows[next[partition[i]]++] = i;
            free(next);
        }
    }
    if (!ok)
        error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
    for (int c = 0; ok && c < b->partitions; c++) {
        uint32_t count = counts[c + 1] - counts[c];
        if (count == 0)
            continue;
        if (count == n) {
            ok = add_serialized(b, c, p, error);
            continue;
        }
        page *part = page_select(p, rows + counts[c], count);
        if (!part) {
            ok = error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
            break;
        }
        ok = add_serialized(b, c, part, error);
        page_unref(part);
    }
    free(hashes);
    free(partition);
    free(rows);
    free(counts);
    return ok;
}

bool task_output_buffer_get(task_output_buffer *b, int partition, uint64_t token, uint32_t max_bytes,
                            serialized_page **out, uint32_t max_pages, uint32_t *page_count,
                            uint64_t *next_token, bool *complete, shoal_error *error)
{
    *page_count = 0;
    *complete = false;
    *next_token = token;
    if (partition < 0 || partition >= b->partitions)
        return error_set(error, ERR_GENERIC_INTERNAL_ERROR, "No output partition %d", partition);
    pthread_mutex_lock(&b->lock);
    if (b->failed) {
        *error = b->error;
        pthread_mutex_unlock(&b->lock);
        return false;
    }
    partition_queue *q = &b->queues[partition];
    uint64_t end = q->first + (q->count - q->head);
    if (token > end) {
        pthread_mutex_unlock(&b->lock);
        return error_set(error, ERR_GENERIC_INTERNAL_ERROR, "Token %llu is past the output (%llu)",
                         (unsigned long long)token, (unsigned long long)end);
    }
    /* acknowledge what came before the token */
    size_t freed = 0;
    while (q->first < token) {
        serialized_page *p = q->pages[q->head++];
        freed += p->size;
        serialized_page_unref(p);
        q->first++;
    }
    b->buffered_bytes -= freed;
    operator_event *space = freed && b->buffered_bytes < b->max_bytes ? take_space(b) : NULL;
    uint32_t bytes = 0;
    for (uint32_t i = q->head; i < q->count && *page_count < max_pages; i++) {
        serialized_page *p = q->pages[i];
        if (*page_count > 0 && bytes + p->size > max_bytes)
            break;
        atomic_fetch_add(&p->refcount, 1);
        out[(*page_count)++] = p;
        bytes += (uint32_t)p->size;
    }
    *next_token = token + *page_count;
    *complete = b->sealed && b->sinks_open == 0 && *next_token == end;
    pthread_mutex_unlock(&b->lock);
    set_event(space);
    return true;
}

void task_output_buffer_stats(task_output_buffer *b, task_output_stats *out)
{
    pthread_mutex_lock(&b->lock);
    out->rows = b->rows;
    out->pages = b->pages;
    out->bytes = b->bytes;
    out->buffered_bytes = b->buffered_bytes;
    bool empty = true;
    for (int i = 0; i < b->partitions; i++)
        empty = empty && b->queues[i].head == b->queues[i].count;
    out->finished = b->sealed && b->sinks_open == 0 && empty;
    pthread_mutex_unlock(&b->lock);
}

/* The event a sink waits on while the buffer is full; NULL when not full. */
static operator_event *full_event(task_output_buffer *b)
{
    pthread_mutex_lock(&b->lock);
    operator_event *e = NULL;
    if (!b->failed && b->buffered_bytes >= b->max_bytes)
        e = operator_event_pool_arm(&b->events, &b->space);
    pthread_mutex_unlock(&b->lock);
    return e;
}

/* ---- the sink operator ------------------------------------------------------- */

typedef struct task_output_sink {
    operator header;
    task_output_buffer *buffer;
    bool finished;
} task_output_sink;

static bool sink_needs_input(operator *op)
{
    return !((task_output_sink *)op)->finished;
}

static bool sink_add_input(operator *op, page *p, shoal_error *error)
{
    task_output_buffer *b = ((task_output_sink *)op)->buffer;
    bool ok = p->row_count == 0 ? true
              : b->mode == TASK_OUTPUT_REPARTITION ? add_partitioned(b, p, error)
                                                  : add_serialized(b, 0, p, error);
    op->stats.output_rows += p->row_count;
    page_unref(p);
    return ok;
}

static bool sink_get_output(operator *op, page **out, shoal_error *error)
{
    (void)op;
    (void)error;
    *out = NULL;
    return true;
}

static void sink_done(task_output_sink *s)
{
    if (s->finished)
        return;
    s->finished = true;
    pthread_mutex_lock(&s->buffer->lock);
    s->buffer->sinks_open--;
    pthread_mutex_unlock(&s->buffer->lock);
}

static void sink_finish(operator *op)
{
    sink_done((task_output_sink *)op);
}

static bool sink_is_finished(operator *op)
{
    return ((task_output_sink *)op)->finished;
}

static bool sink_is_blocked(operator *op, operator_wait *wait)
{
    task_output_sink *s = (task_output_sink *)op;
    if (s->finished)
        return false;
    wait->event = full_event(s->buffer);
    return wait->event != NULL;
}

static void sink_close(operator *op)
{
    task_output_sink *s = (task_output_sink *)op;
    sink_done(s);
    task_output_buffer_unref(s->buffer);
    free(s);
}

static const operator_ops task_output_sink_ops = {
    .name = "TaskOutput",
    .needs_input = sink_needs_input,
    .add_input = sink_add_input,
    .get_output = sink_get_output,
    .finish = sink_finish,
    .is_finished = sink_is_finished,
    .is_blocked = sink_is_blocked,
    .close = sink_close,
};

operator *task_output_sink_create(int plan_node_id, task_output_buffer *b, shoal_error *error)
{
    task_output_sink *s = calloc(1, sizeof *s);
    if (!s) {
        error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
        return NULL;
    }
    operator_init_header(&s->header, &task_output_sink_ops, plan_node_id);
    task_output_buffer_ref(b);
    s->buffer = b;
    pthread_mutex_lock(&b->lock);
    b->sinks_open++;
    pthread_mutex_unlock(&b->lock);
    return &s->header;
}
