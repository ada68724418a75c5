/*
 * bench_operators.c — single-thread throughput of the heavy operators, run
 * through the real driver with pre-generated in-memory pages (generation is
 * not timed):
 *   hash aggregation  10M rows, sum + count(*) by a bigint key with 10 /
 *                     100K / 10M groups
 *   hash join         build 1M rows, probe 10M rows (every probe row has one
 *                     match), output probe key + build payload
 *   sort              ORDER BY over 10M random bigints
 * Prints a table with targets (rows/s) or, with --json, one JSON object.
 * --scale F multiplies every row count (e.g. 0.1 for a quick run).
 *
 * Aggregates are local sum/count implementations (aggregate_function
 * structs), so the figure measures the operator, not a function library.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "connectors/spi/page.h"
#include "operators/driver.h"
#include "operators/op_hash_aggregation.h"
#include "operators/op_hash_build.h"
#include "operators/op_join_bridge.h"
#include "operators/op_lookup_join.h"
#include "operators/op_order_by.h"
#include "operators/op_values.h"

/* ---- a sink that only counts ------------------------------------------------ */

typedef struct counting_sink {
    operator base;
    uint64_t rows;
    bool finished;
} counting_sink;

static bool sink_needs_input(operator *op) { return !((counting_sink *)op)->finished; }
static bool sink_add_input(operator *op, page *p, shoal_error *error)
{
    (void)error;
    ((counting_sink *)op)->rows += p->row_count;
    page_unref(p);
    return true;
}
static bool sink_get_output(operator *op, page **out, shoal_error *error)
{
    (void)op, (void)error;
    *out = NULL;
    return true;
}
static void sink_finish(operator *op) { ((counting_sink *)op)->finished = true; }
static bool sink_is_finished(operator *op) { return ((counting_sink *)op)->finished; }
static void sink_close(operator *op) { free(op); }
static const operator_ops sink_ops = {"CountingSink", sink_needs_input, sink_add_input,
                                      sink_get_output, sink_finish, sink_is_finished, NULL,
                                      sink_close, NULL};

static counting_sink *sink_new(void)
{
    counting_sink *s = calloc(1, sizeof *s);
    operator_init_header(&s->base, &sink_ops, 0);
    return s;
}

/* ---- local aggregates -------------------------------------------------------- */

typedef struct sum_state {
    int64_t value;
    int64_t has;
} sum_state;

static void sum_init(const aggregate_function *f, void *s)
{
    (void)f;
    memset(s, 0, sizeof(sum_state));
}
static bool sum_update(const aggregate_function *f, void *const *states, uint32_t count,
                       const vector *const *args, shoal_error *error)
{
    (void)error;
    if (!f->data) {
        for (uint32_t i = 0; i < count; i++)
            ((sum_state *)states[i])->value++;
        return true;
    }
    vector_view v = vector_view_of(args[0]);
    const int64_t *d = v.data;
    for (uint32_t i = 0; i < count; i++) {
        uint32_t x = vector_view_index(&v, i);
        if (vector_view_valid(&v, x)) {
            sum_state *s = states[i];
            s->value += d[x];
            s->has = 1;
        }
    }
    return true;
}
static bool sum_write(const aggregate_function *f, const void *state, vector *out, uint32_t row)
{
    (void)f;
    ((int64_t *)out->data)[row] = ((const sum_state *)state)->value;
    return true;
}
static bool sum_finalize(const aggregate_function *f, const void *state, vector *out,
                         uint32_t row, shoal_error *error)
{
    (void)error;
    return sum_write(f, state, out, row);
}

static const aggregate_function bench_sum = {
    .name = "sum", .state_size = sizeof(sum_state),
    .return_type = {TYPE_BIGINT, 0, 0, 0, NULL}, .intermediate_type = {TYPE_BIGINT, 0, 0, 0, NULL},
    .init = sum_init, .update = sum_update, .write_intermediate = sum_write,
    .finalize = sum_finalize, .data = "sum"};
static const aggregate_function bench_count = {
    .name = "count", .state_size = sizeof(sum_state),
    .return_type = {TYPE_BIGINT, 0, 0, 0, NULL}, .intermediate_type = {TYPE_BIGINT, 0, 0, 0, NULL},
    .init = sum_init, .update = sum_update, .write_intermediate = sum_write,
    .finalize = sum_finalize, .data = NULL};

/* ---- helpers ----------------------------------------------------------------------- */

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t rng_state = 88172645463325252ull;
static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* pages of (key, value) bigints; key from `key_of(i)` */
typedef int64_t (*key_fn)(uint64_t i, uint64_t param);

static page **make_pages(uint64_t rows, key_fn key_of, uint64_t param, int *page_count)
{
    int n = (int)((rows + VECTOR_SIZE - 1) / VECTOR_SIZE);
    page **pages = malloc(sizeof(page *) * (size_t)n);
    sql_type types[] = {{TYPE_BIGINT, 0, 0, 0, NULL}, {TYPE_BIGINT, 0, 0, 0, NULL}};
    for (int p = 0; p < n; p++) {
        uint32_t count = (uint32_t)(rows - (uint64_t)p * VECTOR_SIZE < VECTOR_SIZE
                                        ? rows - (uint64_t)p * VECTOR_SIZE
                                        : VECTOR_SIZE);
        pages[p] = page_new(2, types, VECTOR_SIZE);
        int64_t *k = pages[p]->columns[0].data, *v = pages[p]->columns[1].data;
        for (uint32_t i = 0; i < count; i++) {
            uint64_t row = (uint64_t)p * VECTOR_SIZE + i;
            k[i] = key_of(row, param);
            v[i] = (int64_t)(row & 1023);
        }
        pages[p]->row_count = count;
    }
    *page_count = n;
    return pages;
}

static void free_pages(page **pages, int n)
{
    for (int i = 0; i < n; i++)
        page_unref(pages[i]);
    free(pages);
}

static uint64_t run(operator *source, operator *op, double *seconds)
{
    counting_sink *sink = sink_new();
    operator *ops[] = {source, op, &sink->base};
    driver *d = driver_create(ops, 3);
    operator_wait wait;
    shoal_error error = {0};
    double start = now_seconds();
    driver_status s;
    while ((s = driver_process(d, 0, NULL, &wait, &error)) == DRIVER_YIELD) {
    }
    *seconds = now_seconds() - start;
    if (s != DRIVER_FINISHED) {
        fprintf(stderr, "bench: pipeline failed: %s\n", error.message);
        exit(1);
    }
    uint64_t rows = sink->rows;
    driver_close(d);
    return rows;
}

static int64_t random_key(uint64_t i, uint64_t groups)
{
    (void)i;
    return (int64_t)(rng() % groups);
}

static int64_t dense_key(uint64_t i, uint64_t modulo)
{
    return (int64_t)(i % modulo);
}

/* ---- the benchmarks ------------------------------------------------------------------- */

typedef struct result {
    const char *name;
    uint64_t rows;
    double seconds;
    double target;   /* rows/s */
    uint64_t output_rows;
} result;

static result bench_aggregation(uint64_t rows, uint64_t groups, const char *name, double target)
{
    int n;
    rng_state = 88172645463325252ull;
    page **pages = make_pages(rows, random_key, groups, &n);
    int keys[] = {0};
    sql_type key_types[] = {{TYPE_BIGINT, 0, 0, 0, NULL}};
    aggregate_spec aggs[2] = {{.function = &bench_sum, .arg_count = 1, .arg_channels = {1}, .mask_channel = -1},
                              {.function = &bench_count, .arg_count = 0, .mask_channel = -1}};
    hash_aggregation_config config = {.step = AGGREGATION_SINGLE, .key_count = 1,
                                      .key_channels = keys, .key_types = key_types,
                                      .aggregate_count = 2, .aggregates = aggs, .group_id_key = -1};
    shoal_error error = {0};
    operator *agg = hash_aggregation_create(1, &config, &error);
    double seconds;
    uint64_t out = run(values_create(0, pages, n), agg, &seconds);
    free_pages(pages, n);
    return (result){name, rows, seconds, target, out};
}

static void bench_join(uint64_t build_rows, uint64_t probe_rows, result *build, result *probe)
{
    int bn, pn;
    page **build_pages = make_pages(build_rows, dense_key, build_rows, &bn);
    rng_state = 1234567;
    page **probe_pages = make_pages(probe_rows, random_key, build_rows, &pn);
    sql_type types[] = {{TYPE_BIGINT, 0, 0, 0, NULL}, {TYPE_BIGINT, 0, 0, 0, NULL}};
    int keys[] = {0};
    join_bridge_config bc = {.build_column_count = 2, .build_types = types, .key_count = 1,
                             .build_key_channels = keys, .build_driver_count = 1,
                             .probe_driver_count = 1};
    shoal_error error = {0};
    join_bridge *bridge = join_bridge_create(&bc, &error);

    operator *build_ops[] = {values_create(0, build_pages, bn), hash_build_create(1, bridge)};
    driver *d = driver_create(build_ops, 2);
    operator_wait wait;
    double start = now_seconds();
    while (driver_process(d, 0, NULL, &wait, &error) == DRIVER_YIELD) {
    }
    double build_seconds = now_seconds() - start;
    driver_close(d);

    int probe_out[] = {0}, build_out[] = {1};
    lookup_join_config lc = {.type = OP_JOIN_INNER, .probe_column_count = 2, .probe_types = types,
                             .key_count = 1, .probe_key_channels = keys, .probe_output_count = 1,
                             .probe_output_channels = probe_out, .build_output_count = 1,
                             .build_output_channels = build_out};
    operator *join = lookup_join_create(2, bridge, &lc, &error);
    double probe_seconds;
    uint64_t out = run(values_create(0, probe_pages, pn), join, &probe_seconds);
    join_bridge_unref(bridge);
    free_pages(build_pages, bn);
    free_pages(probe_pages, pn);
    *build = (result){"join build (1M rows)", build_rows, build_seconds, 40e6, 0};
    *probe = (result){"join probe (10M rows, 1M build)", probe_rows, probe_seconds, 60e6, out};
}

static result bench_sort(uint64_t rows)
{
    int n;
    rng_state = 99;
    page **pages = make_pages(rows, random_key, UINT64_MAX, &n);
    sql_type types[] = {{TYPE_BIGINT, 0, 0, 0, NULL}, {TYPE_BIGINT, 0, 0, 0, NULL}};
    sort_key keys[] = {{0, false, false}};
    int outputs[] = {0};
    shoal_error error = {0};
    operator *sort = order_by_create(1, 2, types, 1, keys, 1, outputs, &error);
    double seconds;
    uint64_t out = run(values_create(0, pages, n), sort, &seconds);
    free_pages(pages, n);
    return (result){"sort (10M bigint)", rows, seconds, 15e6, out};
}

int main(int argc, char **argv)
{
    bool json = false;
    double scale = 1.0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0)
            json = true;
        else if (strcmp(argv[i], "--scale") == 0 && i + 1 < argc)
            scale = atof(argv[++i]);
        else {
            fprintf(stderr, "usage: bench_operators [--json] [--scale F]\n");
            return 2;
        }
    }
    uint64_t ten_million = (uint64_t)(10e6 * scale), million = (uint64_t)(1e6 * scale);
    result results[6];
    int count = 0;
    results[count++] = bench_aggregation(ten_million, 10, "hash agg 10 groups (10M rows)", 150e6);
    results[count++] = bench_aggregation(ten_million, 100000, "hash agg 100K groups (10M rows)", 60e6);
    results[count++] = bench_aggregation(ten_million, ten_million, "hash agg 10M groups (10M rows)", 10e6);
    bench_join(million, ten_million, &results[count], &results[count + 1]);
    count += 2;
    results[count++] = bench_sort(ten_million);

    if (json) {
        printf("{\"benchmark\":\"operators\",\"scale\":%g,\"results\":[", scale);
        for (int i = 0; i < count; i++)
            printf("%s{\"name\":\"%s\",\"rows\":%llu,\"seconds\":%.4f,\"rows_per_second\":%.0f,"
                   "\"target_rows_per_second\":%.0f,\"output_rows\":%llu,\"meets_target\":%s}",
                   i ? "," : "", results[i].name, (unsigned long long)results[i].rows,
                   results[i].seconds, results[i].rows / results[i].seconds, results[i].target,
                   (unsigned long long)results[i].output_rows,
                   results[i].rows / results[i].seconds >= results[i].target ? "true" : "false");
        printf("]}\n");
        return 0;
    }
    printf("%-36s %12s %10s %14s %14s %s\n", "benchmark", "rows", "seconds", "rows/s",
           "target rows/s", "");
    for (int i = 0; i < count; i++)
        printf("%-36s %12llu %10.3f %14.0f %14.0f %s\n", results[i].name,
               (unsigned long long)results[i].rows, results[i].seconds,
               results[i].rows / results[i].seconds, results[i].target,
               results[i].rows / results[i].seconds >= results[i].target ? "ok" : "BELOW TARGET");
    return 0;
}
