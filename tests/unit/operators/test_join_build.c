/*
 * test_join_build.c — the parallel join build and the join hash table:
 * several build drivers on their own threads filling one partitioned
 * directory (bigint, string and two-column keys, duplicates, NULL keys),
 * the fallback when a partition's slot range fills up, and dynamic
 * filters (range + bloom pruning of probe rows, merging).
 */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>

#include "op_test_util.h"

#include "operators/dynamic_filter.h"
#include "operators/op_hash_build.h"
#include "operators/op_join_bridge.h"
#include "operators/op_lookup_join.h"
#include "operators/scan_dynamic_filters.h"

enum { BUILD_ROWS = 150000, DISTINCT = 50000, BUILDERS = 3 };

typedef struct builder {
    driver *driver;
    driver_status status;
    shoal_error error;
} builder;

static void *run_builder(void *arg)
{
    builder *b = arg;
    operator_wait wait;
    for (;;) {
        b->status = driver_process(b->driver, 0, NULL, &wait, &b->error);
        if (b->status == DRIVER_FINISHED || b->status == DRIVER_FAILED)
            return NULL;
        sched_yield(); /* blocked on another builder's phase: poll */
    }
}

/* Build pages of (key, payload): key i % DISTINCT as bigint, or as text in
 * a varchar column; every 1000th row has a NULL key. */
static page *build_page(int first, int rows, bool text)
{
    sql_type types[] = {text ? T_VARCHAR : T_BIGINT, T_BIGINT};
    page *p = tp_new(2, types, (uint32_t)rows);
    for (int r = 0; r < rows; r++) {
        int i = first + r;
        if (i % 1000 == 999) {
            tp_set_i64(p, 0, (uint32_t)r, TNULL);
        } else if (text) {
            char s[48];
            snprintf(s, sizeof s, "a somewhat long key number %d", i % DISTINCT);
            tp_set_str(p, 0, (uint32_t)r, s);
        } else {
            tp_set_i64(p, 0, (uint32_t)r, i % DISTINCT);
        }
        tp_set_i64(p, 1, (uint32_t)r, i);
    }
    return p;
}

/* BUILDERS drivers on BUILDERS threads, pages dealt round robin. */
static join_bridge *parallel_build(bool text, int key_count)
{
    sql_type types[] = {text ? T_VARCHAR : T_BIGINT, T_BIGINT};
    int keys[] = {0, 1};
    join_bridge_config config = {.build_column_count = 2, .build_types = types,
                                 .key_count = key_count, .build_key_channels = keys,
                                 .build_driver_count = BUILDERS, .probe_driver_count = 1};
    shoal_error error = {0};
    join_bridge *bridge = join_bridge_create(&config, &error);
    cr_assert(bridge, "%s", error.message);
    int page_count = (BUILD_ROWS + VECTOR_SIZE - 1) / VECTOR_SIZE;
    page **pages[BUILDERS];
    int counts[BUILDERS] = {0};
    for (int d = 0; d < BUILDERS; d++)
        pages[d] = malloc(sizeof(page *) * (size_t)page_count);
    for (int i = 0; i < page_count; i++) {
        int first = i * VECTOR_SIZE;
        int rows = BUILD_ROWS - first < VECTOR_SIZE ? BUILD_ROWS - first : VECTOR_SIZE;
        pages[i % BUILDERS][counts[i % BUILDERS]++] = build_page(first, rows, text);
    }
    builder builders[BUILDERS];
    pthread_t threads[BUILDERS];
    for (int d = 0; d < BUILDERS; d++) {
        operator *ops[] = {tp_values(pages[d], counts[d]), hash_build_create(2, bridge)};
        builders[d] = (builder){.driver = driver_create(ops, 2)};
        free(pages[d]);
        pthread_create(&threads[d], NULL, run_builder, &builders[d]);
    }
    for (int d = 0; d < BUILDERS; d++) {
        pthread_join(threads[d], NULL);
        cr_assert_eq(builders[d].status, DRIVER_FINISHED, "%s", builders[d].error.message);
        driver_close(builders[d].driver);
    }
    cr_assert(join_bridge_is_built(bridge));
    cr_assert_not(bridge->failed);
    cr_assert_eq(bridge->row_count, BUILD_ROWS);
    cr_assert(bridge->table.partition_count > 1, "a build this size is partitioned");
    cr_assert(bridge->has_null_key);
    return bridge;
}

/* Probes keys 0 .. 2*DISTINCT (the upper half misses) and checks that each
 * key finds exactly its build rows. */
static void check_probe(join_bridge *bridge, bool text, int key_count)
{
    sql_type types[] = {text ? T_VARCHAR : T_BIGINT, T_BIGINT};
    uint64_t matched = 0;
    hash_table_scratch *scratch = malloc(sizeof *scratch);
    uint32_t heads[VECTOR_SIZE], counts[VECTOR_SIZE];
    for (int first = 0; first < 2 * DISTINCT; first += VECTOR_SIZE) {
        int rows = 2 * DISTINCT - first < VECTOR_SIZE ? 2 * DISTINCT - first : VECTOR_SIZE;
        page *p = tp_new(2, types, (uint32_t)rows);
        for (int r = 0; r < rows; r++) {
            int key = first + r;
            if (text) {
                char s[48];
                snprintf(s, sizeof s, "a somewhat long key number %d", key);
                tp_set_str(p, 0, (uint32_t)r, s);
            } else {
                tp_set_i64(p, 0, (uint32_t)r, key);
            }
            /* two keys: the payload must equal a build row's payload */
            tp_set_i64(p, 1, (uint32_t)r, key + DISTINCT);
        }
        const vector *keys[] = {&p->columns[0], &p->columns[1]};
        join_hash_table_find(&bridge->table, scratch, keys, NULL, (uint32_t)rows, heads, counts);
        for (int r = 0; r < rows; r++) {
            int key = first + r;
            uint32_t expected = 0;
            if (key < DISTINCT) {
                /* rows key, key + D, key + 2D (one of them NULL when its index ends in 999) */
                for (int i = key; i < BUILD_ROWS; i += DISTINCT)
                    if (i % 1000 != 999 && (key_count == 1 || i == key + DISTINCT))
                        expected++;
            }
            cr_assert_eq(counts[r], expected, "key %d: %u rows, expected %u", key, counts[r], expected);
            uint32_t seen = 0;
            for (uint32_t b = heads[r]; b != JOIN_NO_ROW; b = bridge->next[b], seen++) {
                int64_t payload = *(const int64_t *)column_buffer_at(&bridge->columns[1], b);
                cr_assert_eq(payload % DISTINCT, key);
            }
            cr_assert_eq(seen, expected);
            matched += expected;
        }
        page_unref(p);
    }
    free(scratch);
    cr_assert(matched > 0);
}

Test(join_build, parallel_bigint_keys)
{
    join_bridge *bridge = parallel_build(false, 1);
    cr_assert(bridge->table.exact);
    cr_assert_eq(bridge->table.distinct_count, DISTINCT - DISTINCT / 1000); /* keys ending in 999 are NULL */
    check_probe(bridge, false, 1);
    join_bridge_unref(bridge);
}

Test(join_build, parallel_string_keys)
{
    join_bridge *bridge = parallel_build(true, 1);
    cr_assert_not(bridge->table.exact);
    cr_assert_eq(bridge->table.distinct_count, DISTINCT - DISTINCT / 1000); /* keys ending in 999 are NULL */
    check_probe(bridge, true, 1);
    join_bridge_unref(bridge);
}

Test(join_build, parallel_two_keys)
{
    join_bridge *bridge = parallel_build(false, 2);
    cr_assert_not(bridge->table.exact);
    check_probe(bridge, false, 2);
    join_bridge_unref(bridge);
}

/* Every row hashed into partition 0's slot range: the range fills up, the
 * insert reports it, and the single-partition rebuild finds every key. */
Test(join_build, full_partition_falls_back_to_one)
{
    enum { ROWS = 4 * VECTOR_SIZE };
    column_buffer keys;
    shoal_error error = {0};
    cr_assert(column_buffer_init(&keys, T_BIGINT, &error));
    page *p = tp_new(1, (sql_type[]){T_BIGINT}, VECTOR_SIZE);
    for (uint32_t r = 0; r < VECTOR_SIZE; r++)
        tp_set_i64(p, 0, r, r);
    for (int first = 0; first < ROWS; first += VECTOR_SIZE) {
        uint32_t n = ROWS - first < VECTOR_SIZE ? (uint32_t)(ROWS - first) : VECTOR_SIZE;
        cr_assert(column_buffer_append(&keys, &p->columns[0], NULL, n, NULL));
    }
    const column_buffer *key_columns[] = {&keys};
    join_hash_table t;
    cr_assert(join_hash_table_init(&t, 1, key_columns, &error));
    cr_assert(join_hash_table_prepare(&t, ROWS, 8));
    cr_assert_eq(t.partition_count, 8);
    for (int first = 0; first < ROWS; first += VECTOR_SIZE) {
        uint32_t n = ROWS - first < VECTOR_SIZE ? (uint32_t)(ROWS - first) : VECTOR_SIZE;
        const vector *k[] = {&p->columns[0]};
        cr_assert_eq(join_hash_table_hash_page(&t, k, n, (uint64_t)first), 0);
    }
    cr_assert(join_hash_table_size_directory(&t));
    cr_assert_geq(t.capacity, 2 * VECTOR_SIZE, "sized for the distinct keys");
    cr_assert_lt(t.capacity, 2 * ROWS, "not for every row: %llu", (unsigned long long)t.capacity);
    /* skew: move every key into partition 0 */
    for (uint64_t r = 0; r < ROWS; r++) {
        t.row_hashes[r] &= UINT64_MAX >> t.partition_bits;
        t.row_partitions[r] = 0;
    }
    uint32_t *next = malloc(sizeof(uint32_t) * ROWS);
    cr_assert_not(join_hash_table_insert_partition(&t, 0, next));
    cr_assert(join_hash_table_rebuild_single(&t, next));
    cr_assert_eq(t.partition_count, 1);
    cr_assert_geq(t.capacity, 2 * ROWS);
    cr_assert_eq(t.distinct_count, VECTOR_SIZE); /* keys r % VECTOR_SIZE */
    /* probing needs the same (skewed) hashes, so look rows up by their stored hash */
    for (uint64_t r = 0; r < ROWS; r++) {
        uint64_t slot = t.row_hashes[r] & t.mask;
        while (t.entries[slot].count && t.entries[slot].hash != t.row_hashes[r])
            slot = (slot + 1) & t.mask;
        cr_assert_eq(t.entries[slot].hash, t.row_hashes[r]);
        cr_assert_eq(t.entries[slot].count, ROWS / VECTOR_SIZE);
    }
    free(next);
    join_hash_table_free(&t);
    column_buffer_free(&keys);
    page_unref(p);
}

/* ---- dynamic filters ---------------------------------------------------- */

static page *keys_page(uint32_t rows, int64_t step, int64_t offset)
{
    page *p = tp_new(1, (sql_type[]){T_BIGINT}, rows);
    for (uint32_t r = 0; r < rows; r++)
        tp_set_i64(p, 0, r, (int64_t)r * step + offset);
    return p;
}

static void add_keys(dynamic_filter *f, const page *build)
{
    uint64_t hashes[VECTOR_SIZE];
    hash_vector(&build->columns[0], NULL, build->row_count, hashes, false);
    for (uint32_t i = 0; i < build->row_count; i++)
        dynamic_filter_add_hash(f, hashes[i]);
    dynamic_filter_add_range(&f->keys[0], &build->columns[0], build->row_count);
    f->match_nothing = false;
}

Test(dynamic_filter, prunes_probe_rows)
{
    /* build keys 100, 110, ..., 590 (50 keys); probe keys 0 .. 999 and a NULL */
    page *build = keys_page(50, 10, 100);
    dynamic_filter f;
    cr_assert(dynamic_filter_init(&f, 1, (sql_type[]){T_BIGINT}, 50));
    add_keys(&f, build);
    cr_assert(f.keys[0].has_range);
    cr_assert_eq(f.keys[0].min, 100);
    cr_assert_eq(f.keys[0].max, 590);
    page *probe = keys_page(1000, 1, 0);
    tp_set_i64(probe, 0, 999, TNULL);
    uint64_t hashes[VECTOR_SIZE];
    uint32_t selection[VECTOR_SIZE];
    const vector *keys[] = {&probe->columns[0]};
    uint32_t n = dynamic_filter_apply(&f, keys, 1000, hashes, selection);
    int found = 0;
    for (uint32_t j = 0; j < n; j++) {
        uint32_t key = selection[j];
        cr_assert(key >= 100 && key <= 590, "row %u is outside the build's range", key);
        found += key % 10 == 0;
    }
    cr_assert_eq(found, 50, "every build key passes");
    cr_assert_lt(n, 60u, "the bloom filter drops most of the range (%u passed)", n);
    /* no bloom (e.g. a large build): the range alone */
    uint64_t *bloom = f.bloom;
    f.bloom = NULL;
    cr_assert_eq(dynamic_filter_apply(&f, keys, 1000, hashes, selection), 491);
    f.bloom = bloom;
    /* a key the scan does not produce is not tested */
    const vector *none[] = {NULL};
    cr_assert_eq(dynamic_filter_apply(&f, none, 1000, hashes, selection), 1000);
    f.match_nothing = true;
    cr_assert_eq(dynamic_filter_apply(&f, keys, 1000, hashes, selection), 0);
    dynamic_filter_free(&f);
    page_unref(build);
    page_unref(probe);
}

Test(dynamic_filter, merge_of_two_nodes)
{
    page *a = keys_page(100, 3, 0);      /* 0, 3, ..., 297 */
    page *b = keys_page(2000, 7, 1000);  /* 1000, 1007, ... */
    dynamic_filter fa, fb;
    cr_assert(dynamic_filter_init(&fa, 1, (sql_type[]){T_BIGINT}, 100));
    cr_assert(dynamic_filter_init(&fb, 1, (sql_type[]){T_BIGINT}, 2000));
    cr_assert_lt(fa.bloom_mask, fb.bloom_mask);
    add_keys(&fa, a);
    add_keys(&fb, b);
    cr_assert(dynamic_filter_merge(&fb, &fa)); /* folds fb down to fa's size */
    cr_assert_eq(fb.bloom_mask, fa.bloom_mask);
    cr_assert_eq(fb.keys[0].min, 0);
    cr_assert_eq(fb.keys[0].max, 1000 + 1999 * 7);
    uint64_t hashes[VECTOR_SIZE];
    uint32_t selection[VECTOR_SIZE];
    const vector *ka[] = {&a->columns[0]};
    cr_assert_eq(dynamic_filter_apply(&fb, ka, 100, hashes, selection), 100);
    const vector *kb[] = {&b->columns[0]};
    cr_assert_eq(dynamic_filter_apply(&fb, kb, 1000, hashes, selection), 1000);
    dynamic_filter_free(&fa);
    dynamic_filter_free(&fb);
    page_unref(a);
    page_unref(b);
}

/* A scan bound to a join's key: passes everything until the build is
 * done, then narrows its request to the build's key range and drops rows
 * without a match. */
Test(dynamic_filter, scan_prunes_once_built)
{
    sql_type types[] = {T_BIGINT, T_BIGINT};
    int keys[] = {0};
    join_bridge_config config = {.build_column_count = 2, .build_types = types, .key_count = 1,
                                 .build_key_channels = keys, .build_driver_count = 1,
                                 .probe_driver_count = 1};
    shoal_error error = {0};
    join_bridge *bridge = join_bridge_create(&config, &error);
    cr_assert(bridge, "%s", error.message);
    scan_filter_binding binding = {.bridge = bridge, .key = 0, .channel = 1, .table_column = 4};
    scan_dynamic_filters *filters = scan_dynamic_filters_create(&binding, 1);
    cr_assert(filters);
    /* before the build: nothing to filter by */
    scan_request base = {.column_count = 2, .limit = -1};
    cr_assert_eq(scan_dynamic_filters_request(filters, &base), &base);
    page *early = tp_new(2, types, 10);
    for (uint32_t r = 0; r < 10; r++) {
        tp_set_i64(early, 0, r, r);
        tp_set_i64(early, 1, r, r);
    }
    early = scan_dynamic_filters_apply(filters, early, &error);
    cr_assert_eq(early->row_count, 10);
    page_unref(early);
    operator_wait wait = {0};

    int64_t build[] = {500, 0, 520, 1, 540, 2};
    page *b = tp_bigints(2, 3, build);
    operator *ops[] = {tp_values(&b, 1), hash_build_create(2, bridge)};
    driver *d = driver_create(ops, 2);
    driver_status s;
    while ((s = driver_process(d, 0, NULL, &wait, &error)) == DRIVER_YIELD) {
    }
    cr_assert_eq(s, DRIVER_FINISHED, "%s", error.message);
    driver_close(d);

    const scan_request *narrowed = scan_dynamic_filters_request(filters, &base);
    cr_assert_eq(narrowed->range_count, 1);
    cr_assert_eq(narrowed->ranges[0].column, 4);
    cr_assert_eq(narrowed->ranges[0].low.u.i64, 500);
    cr_assert_eq(narrowed->ranges[0].high.u.i64, 540);

    /* probe page: (payload, key) with keys 0 .. 999 */
    page *p = tp_new(2, types, 1000);
    for (uint32_t r = 0; r < 1000; r++) {
        tp_set_i64(p, 0, r, r);
        tp_set_i64(p, 1, r, r);
    }
    page *out = scan_dynamic_filters_apply(filters, p, &error);
    cr_assert(out);
    cr_assert_leq(out->row_count, 8u, "range and bloom leave ~3 of 1000 rows, got %u", out->row_count);
    int found = 0;
    for (uint32_t r = 0; r < out->row_count; r++) {
        int64_t key = value_load(&out->columns[1], r).u.i64;
        cr_assert(key >= 500 && key <= 540);
        found += key == 500 || key == 520 || key == 540;
    }
    cr_assert_eq(found, 3);
    cr_assert_eq(scan_dynamic_filters_rows_in(filters), 1000);
    cr_assert_eq(scan_dynamic_filters_rows_dropped(filters), 1000 - out->row_count);
    page_unref(out);
    scan_dynamic_filters_free(filters);
    join_bridge_unref(bridge);
}
