/*
 * test_local_exchange.c — GATHER, REPARTITION, BROADCAST and ROUND_ROBIN
 * between producer and consumer drivers, blocking on empty and on full
 * (byte bound), and a threaded run with several producers and consumers.
 */
#include "op_test_util.h"

#include <pthread.h>
#include <sched.h>

#include "operators/local_exchange.h"

static page *keyed_page(int64_t start, uint32_t n)
{
    page *p = tp_new(2, (sql_type[]){T_BIGINT, T_BIGINT}, n);
    for (uint32_t i = 0; i < n; i++) {
        tp_set_i64(p, 0, i, (start + i) % 97);
        tp_set_i64(p, 1, i, start + i);
    }
    return p;
}

static local_exchange *make(local_exchange_mode mode, int producers, int consumers,
                            uint64_t max_bytes)
{
    int keys[] = {0};
    local_exchange_config config = {.mode = mode, .producer_count = producers,
                                    .consumer_count = consumers, .key_count = 1,
                                    .key_channels = keys, .max_buffered_bytes = max_bytes};
    shoal_error error = {0};
    local_exchange *x = local_exchange_create(&config, &error);
    cr_assert(x, "%s", error.message);
    return x;
}

static void produce(local_exchange *x, int64_t start, int pages)
{
    page *ps[64];
    for (int i = 0; i < pages; i++)
        ps[i] = keyed_page(start + i * 100, 100);
    operator *ops[] = {tp_values(ps, pages), local_exchange_sink_create(1, x)};
    driver *d = driver_create(ops, 2);
    operator_wait wait;
    shoal_error error = {0};
    driver_status s;
    while ((s = driver_process(d, 0, NULL, &wait, &error)) == DRIVER_YIELD) {
    }
    cr_assert_eq(s, DRIVER_FINISHED);
    driver_close(d);
}

static collector *consume(local_exchange *x, int consumer)
{
    collector *c = collector_new();
    operator *ops[] = {local_exchange_source_create(2, x, consumer), &c->base};
    shoal_error error = {0};
    cr_assert_eq(tp_run(ops, 2, &error), DRIVER_FINISHED);
    return c;
}

Test(local_exchange, gather_collects_every_producer)
{
    local_exchange *x = make(LOCAL_EXCHANGE_GATHER, 2, 1, 0);
    produce(x, 0, 3);
    produce(x, 1000, 2);
    collector *c = consume(x, 0);
    cr_assert_eq(c->rows, 500);
    cr_assert_eq(local_exchange_buffered_bytes(x), 0);
    collector_close(&c->base);
    local_exchange_unref(x);
}

Test(local_exchange, repartition_sends_each_key_to_one_consumer)
{
    local_exchange *x = make(LOCAL_EXCHANGE_REPARTITION, 2, 3, 0);
    produce(x, 0, 5);
    produce(x, 5000, 5);
    int owner[97];
    for (int k = 0; k < 97; k++)
        owner[k] = -1;
    uint64_t total = 0;
    for (int c = 0; c < 3; c++) {
        collector *col = consume(x, c);
        cr_assert_gt(col->rows, 0, "consumer %d got nothing", c);
        for (uint64_t r = 0; r < col->rows; r++) {
            int64_t key = collector_i64(col, r, 0);
            cr_assert(owner[key] == -1 || owner[key] == c, "key %lld split", (long long)key);
            owner[key] = c;
            cr_assert_eq(collector_i64(col, r, 1) % 97, key);
        }
        total += col->rows;
        collector_close(&col->base);
    }
    cr_assert_eq(total, 1000);
    local_exchange_unref(x);
}

Test(local_exchange, broadcast_and_round_robin)
{
    local_exchange *x = make(LOCAL_EXCHANGE_BROADCAST, 1, 2, 0);
    produce(x, 0, 4);
    for (int c = 0; c < 2; c++) {
        collector *col = consume(x, c);
        cr_assert_eq(col->rows, 400);
        collector_close(&col->base);
    }
    local_exchange_unref(x);

    x = make(LOCAL_EXCHANGE_ROUND_ROBIN, 1, 2, 0);
    produce(x, 0, 5);
    collector *a = consume(x, 0), *b = consume(x, 1);
    cr_assert_eq(a->rows, 300);
    cr_assert_eq(b->rows, 200);
    collector_close(&a->base);
    collector_close(&b->base);
    local_exchange_unref(x);
}

static void note_wake(void *context)
{
    *(bool *)context = true;
}

Test(local_exchange, blocks_when_empty_and_when_full)
{
    local_exchange *x = make(LOCAL_EXCHANGE_GATHER, 1, 1, 1); /* one byte: full after one page */
    collector *c = collector_new();
    operator *source_ops[] = {local_exchange_source_create(2, x, 0), &c->base};
    driver *consumer = driver_create(source_ops, 2);
    operator_wait wait;
    shoal_error error = {0};
    cr_assert_eq(driver_process(consumer, 0, NULL, &wait, &error), DRIVER_BLOCKED);
    cr_assert(wait.event);
    bool consumer_woken = false;
    cr_assert(operator_event_subscribe(wait.event, note_wake, &consumer_woken));

    page *pages[] = {keyed_page(0, 10), keyed_page(10, 10), keyed_page(20, 10)};
    operator *sink_ops[] = {tp_values(pages, 3), local_exchange_sink_create(1, x)};
    driver *producer = driver_create(sink_ops, 2);
    cr_assert_eq(driver_process(producer, 0, NULL, &wait, &error), DRIVER_BLOCKED);
    cr_assert(consumer_woken);
    bool producer_woken = false;
    cr_assert(operator_event_subscribe(wait.event, note_wake, &producer_woken));
    cr_assert_gt(local_exchange_buffered_bytes(x), 0);

    driver_status s = driver_process(consumer, 0, NULL, &wait, &error);
    cr_assert_neq(s, DRIVER_FINISHED);
    cr_assert(producer_woken);
    for (int i = 0; i < 100 && (s = driver_process(producer, 0, NULL, &wait, &error)) != DRIVER_FINISHED; i++)
        driver_process(consumer, 0, NULL, &wait, &error);
    cr_assert_eq(s, DRIVER_FINISHED);
    while ((s = driver_process(consumer, 0, NULL, &wait, &error)) != DRIVER_FINISHED)
        cr_assert_neq(s, DRIVER_FAILED);
    cr_assert_eq(c->rows, 30);
    driver_close(producer);
    consumer->operators[1] = NULL;
    driver_close(consumer);
    collector_close(&c->base);
    local_exchange_unref(x);
}

typedef struct thread_job {
    driver *d;
} thread_job;

static void *run_driver_thread(void *arg)
{
    thread_job *job = arg;
    operator_wait wait;
    shoal_error error = {0};
    driver_status s;
    while ((s = driver_process(job->d, 0, NULL, &wait, &error)) != DRIVER_FINISHED) {
        if (s == DRIVER_FAILED)
            return (void *)1;
        if (s == DRIVER_BLOCKED)
            sched_yield(); /* a pipeline actor would park on wait.event */
    }
    return NULL;
}

Test(local_exchange, threaded_producers_and_consumers)
{
    enum { PRODUCERS = 3, CONSUMERS = 2, PAGES = 60 };
    local_exchange *x = make(LOCAL_EXCHANGE_REPARTITION, PRODUCERS, CONSUMERS, 64 * 1024);
    thread_job jobs[PRODUCERS + CONSUMERS];
    collector *collectors[CONSUMERS];
    for (int p = 0; p < PRODUCERS; p++) {
        page *pages[PAGES];
        for (int i = 0; i < PAGES; i++)
            pages[i] = keyed_page((int64_t)(p * PAGES + i) * 100, 100);
        operator *ops[] = {tp_values(pages, PAGES), local_exchange_sink_create(1, x)};
        jobs[p].d = driver_create(ops, 2);
    }
    for (int c = 0; c < CONSUMERS; c++) {
        collectors[c] = collector_new();
        operator *ops[] = {local_exchange_source_create(2, x, c), &collectors[c]->base};
        jobs[PRODUCERS + c].d = driver_create(ops, 2);
    }
    pthread_t threads[PRODUCERS + CONSUMERS];
    for (int i = 0; i < PRODUCERS + CONSUMERS; i++)
        pthread_create(&threads[i], NULL, run_driver_thread, &jobs[i]);
    for (int i = 0; i < PRODUCERS + CONSUMERS; i++) {
        void *result;
        pthread_join(threads[i], &result);
        cr_assert_null(result);
    }
    int64_t sum = 0;
    uint64_t rows = 0;
    for (int c = 0; c < CONSUMERS; c++) {
        rows += collectors[c]->rows;
        for (uint64_t r = 0; r < collectors[c]->rows; r++)
            sum += collector_i64(collectors[c], r, 1);
    }
    int64_t n = PRODUCERS * PAGES * 100;
    cr_assert_eq(rows, (uint64_t)n);
    cr_assert_eq(sum, n * (n - 1) / 2);
    for (int i = 0; i < PRODUCERS + CONSUMERS; i++) {
        if (i >= PRODUCERS)
            jobs[i].d->operators[1] = NULL;
        driver_close(jobs[i].d);
    }
    for (int c = 0; c < CONSUMERS; c++)
        collector_close(&collectors[c]->base);
    local_exchange_unref(x);
}

Test(local_exchange, bad_configuration)
{
    local_exchange_config config = {.mode = LOCAL_EXCHANGE_GATHER, .producer_count = 1,
                                    .consumer_count = 2};
    shoal_error error = {0};
    cr_assert_null(local_exchange_create(&config, &error));
    cr_assert_eq(error.code, ERR_GENERIC_INTERNAL_ERROR);
}
