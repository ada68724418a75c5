/*
 * test_query_limits.c — per-query limits through the real engine: a query
 * over a tiny query.max-memory-per-node fails with
 * EXCEEDED_LOCAL_MEMORY_LIMIT and gives every byte back; a long cross join
 * fails with EXCEEDED_TIME_LIMIT at query.max-run-time; when the node pool
 * runs out, the low-memory killer fails the largest query with
 * CLUSTER_OUT_OF_MEMORY and the others go on (policy none: the asking
 * query fails instead).
 */
#include <criterion/criterion.h>
#include <string.h>

#include "actors/engine/engine.h"
#include "actors/engine/query.h"
#include "actors/engine/query_limits.h"
#include "actors/engine/session.h"
#include "operators/spiller.h"
#include "runtime/clock.h"

#include <stdio.h>
#include <unistd.h>

static engine *limited_engine(const query_limits_config *limits)
{
    shoal_error e;
    error_clear(&e);
    engine *eng = engine_create(&(engine_config){.threads = 4, .limits = limits}, &e);
    cr_assert(eng, "%s", e.message);
    return eng;
}

/* Runs to the end; returns the fetch status and fills *error on failure. */
static query_fetch_status run_all(engine *eng, const char *sql, shoal_error *error)
{
    session *s = session_new("test", "tpch", "tiny");
    query *q = query_submit(eng, s, sql);
    cr_assert(q);
    query_fetch_status st;
    for (;;) {
        page *p = NULL;
        st = query_fetch(q, &p, 100, error);
        if (p)
            page_unref(p);
        if (st == QUERY_FETCH_DONE || st == QUERY_FETCH_FAILED)
            break;
    }
    query_free(q);
    session_free(s);
    return st;
}

Test(query_limits, per_node_memory_limit_fails_the_query_and_frees_everything, .timeout = 120)
{
    query_limits_config limits = {.max_memory_per_node = 1 << 20};
    engine *eng = limited_engine(&limits);
    shoal_error e;
    error_clear(&e);
    query_fetch_status st = run_all(eng, "SELECT * FROM lineitem ORDER BY comment", &e);
    cr_assert_eq(st, QUERY_FETCH_FAILED);
    cr_assert_eq(e.code, ERR_EXCEEDED_LOCAL_MEMORY_LIMIT, "%s", e.message);
    cr_assert(strncmp(e.message, "Query exceeded per-node memory limit of 1MB [Allocated: ", 56) == 0, "%s", e.message);
    cr_assert(strstr(e.message, ", Delta: ") && strstr(e.message, ", Top Consumers: {"), "%s", e.message);
    cr_assert_eq(memory_context_reserved(query_limits_node_pool()), 0);
    /* a small query still runs on the same engine */
    error_clear(&e);
    cr_assert_eq(run_all(eng, "SELECT count(*) FROM nation", &e), QUERY_FETCH_DONE, "%s", e.message);
    cr_assert_eq(memory_context_reserved(query_limits_node_pool()), 0);
    engine_destroy(eng);
}

Test(query_limits, distributed_memory_limit_is_global, .timeout = 120)
{
    query_limits_config limits = {.max_memory = 1 << 20, .max_total_memory = 2 << 20};
    engine *eng = limited_engine(&limits);
    shoal_error e;
    error_clear(&e);
    cr_assert_eq(run_all(eng, "SELECT * FROM lineitem ORDER BY comment", &e), QUERY_FETCH_FAILED);
    cr_assert_eq(e.code, ERR_EXCEEDED_GLOBAL_MEMORY_LIMIT, "%s", e.message);
    cr_assert_str_eq(e.message, "Query exceeded distributed user memory limit of 1MB");
    cr_assert_eq(memory_context_reserved(query_limits_node_pool()), 0);
    engine_destroy(eng);
}

Test(query_limits, run_time_limit_fails_a_long_query, .timeout = 120)
{
    query_limits_config limits = {.max_run_time_ns = 1000000000LL};
    engine *eng = limited_engine(&limits);
    shoal_error e;
    error_clear(&e);
    uint64_t start = clock_now_ns();
    query_fetch_status st = run_all(eng, "SELECT count(*) FROM lineitem a CROSS JOIN lineitem b", &e);
    uint64_t took_ms = (clock_now_ns() - start) / 1000000;
    cr_assert_eq(st, QUERY_FETCH_FAILED);
    cr_assert_eq(e.code, ERR_EXCEEDED_TIME_LIMIT, "%s", e.message);
    cr_assert_str_eq(e.message, "Query exceeded maximum time limit of 1.00s");
    cr_assert_geq(took_ms, 900);
    cr_assert_lt(took_ms, 30000);
    engine_destroy(eng);
}

Test(query_limits, execution_time_limit_names_itself, .timeout = 120)
{
    query_limits_config limits = {.max_execution_time_ns = 500000000LL, .max_run_time_ns = 60000000000LL};
    engine *eng = limited_engine(&limits);
    shoal_error e;
    error_clear(&e);
    cr_assert_eq(run_all(eng, "SELECT count(*) FROM lineitem a CROSS JOIN lineitem b", &e), QUERY_FETCH_FAILED);
    cr_assert_eq(e.code, ERR_EXCEEDED_TIME_LIMIT, "%s", e.message);
    cr_assert_str_eq(e.message, "Query exceeded the maximum execution time limit of 500.00ms");
    engine_destroy(eng);
}

Test(query_limits, planning_time_is_checked)
{
    query_limits_config limits = {.max_planning_time_ns = 1};
    shoal_error e;
    error_clear(&e);
    uint64_t long_ago = clock_now_ns() - 1000000000ULL;
    cr_assert_not(query_limits_check_planning(&limits, long_ago, &e));
    cr_assert_eq(e.code, ERR_EXCEEDED_TIME_LIMIT);
    cr_assert(strstr(e.message, "Query exceeded the maximum planning time limit of "), "%s", e.message);
    cr_assert(query_limits_check_planning(NULL, long_ago, &e));
}

/* Holds its cross-join build side (five columns of tiny lineitem, several
 * MB) while its output waits for a fetch that never comes. */
static const char holding_query[] =
    "SELECT b.comment, b.shipinstruct, b.shipmode, b.extendedprice, b.partkey, a.orderkey"
    " FROM tpch.sf100.lineitem a CROSS JOIN tpch.tiny.lineitem b";
static const char sorting_query[] = "SELECT comment FROM customer ORDER BY comment";

/* Submits the holding query and waits until its memory stops growing. */
static query *hold_memory(engine *eng, session *s, int64_t *held)
{
    query *q = query_submit(eng, s, holding_query);
    cr_assert(q);
    int64_t last = -1;
    for (int i = 0; i < 300; i++) {
        struct timespec pause = {0, 100 * 1000000};
        nanosleep(&pause, NULL);
        int64_t now = query_memory_bytes(q);
        if (now > 0 && now == last)
            break;
        last = now;
    }
    *held = query_memory_bytes(q);
    cr_assert_gt(*held, 0, "the holding query holds nothing");
    return q;
}

/* Runs the sorting query to the end; returns its status, rows and peak. */
static query_fetch_status run_sort(engine *eng, session *s, int64_t *rows, int64_t *peak, shoal_error *error)
{
    query *q = query_submit(eng, s, sorting_query);
    cr_assert(q);
    query_fetch_status st;
    *rows = 0;
    for (;;) {
        page *p = NULL;
        st = query_fetch(q, &p, 100, error);
        if (p) {
            *rows += p->row_count;
            page_unref(p);
        }
        if (st == QUERY_FETCH_DONE || st == QUERY_FETCH_FAILED)
            break;
    }
    *peak = query_peak_memory_bytes(q);
    query_free(q);
    return st;
}

/* The sorting query's peak alone (no pool limit). */
static int64_t sort_peak(engine *eng, session *s)
{
    shoal_error e;
    error_clear(&e);
    int64_t rows = 0, peak = 0;
    cr_assert_eq(run_sort(eng, s, &rows, &peak, &e), QUERY_FETCH_DONE, "%s", e.message);
    cr_assert_eq(rows, 1500);
    return peak;
}

Test(query_limits, low_memory_killer_kills_the_largest_query, .timeout = 120)
{
    query_limits_config limits = {.low_memory_killer = LOW_MEMORY_KILLER_TOTAL_RESERVATION};
    engine *eng = limited_engine(&limits);
    session *s = session_new("test", "tpch", "tiny");
    int64_t small = sort_peak(eng, s);
    int64_t held = 0;
    query *big = hold_memory(eng, s, &held);
    cr_assert_gt(held, small, "the test needs the holding query to be the largest (%ld vs %ld)", (long)held,
                 (long)small);
    /* the node pool cannot hold both */
    query_limits_set_node_pool_limit(held + small / 4);
    uint64_t killed_before = query_limits_killed_count();

    shoal_error e;
    error_clear(&e);
    int64_t rows = 0, peak = 0;
    cr_assert_eq(run_sort(eng, s, &rows, &peak, &e), QUERY_FETCH_DONE, "%s", e.message);
    cr_assert_eq(rows, 1500, "the smaller query returns every row");
    cr_assert_eq(query_limits_killed_count(), killed_before + 1);

    /* the largest was killed with Trino's error */
    page *p = NULL;
    query_fetch_status st;
    error_clear(&e);
    do {
        st = query_fetch(big, &p, 100, &e);
        if (p)
            page_unref(p);
    } while (st == QUERY_FETCH_PAGE || st == QUERY_FETCH_WAITING);
    cr_assert_eq(st, QUERY_FETCH_FAILED);
    cr_assert_eq(e.code, ERR_CLUSTER_OUT_OF_MEMORY, "%s", e.message);
    cr_assert_str_eq(e.message,
                     "Query killed because the cluster is out of memory. Please try again in a few minutes.");
    query_free(big);
    cr_assert_eq(memory_context_reserved(query_limits_node_pool()), 0);
    query_limits_set_node_pool_limit(0);
    session_free(s);
    engine_destroy(eng);
}

Test(query_limits, without_the_killer_the_asking_query_fails, .timeout = 120)
{
    query_limits_config limits = {.low_memory_killer = LOW_MEMORY_KILLER_NONE};
    engine *eng = limited_engine(&limits);
    session *s = session_new("test", "tpch", "tiny");
    int64_t small = sort_peak(eng, s);
    int64_t held = 0;
    query *big = hold_memory(eng, s, &held);
    query_limits_set_node_pool_limit(held + small / 4);
    uint64_t killed_before = query_limits_killed_count();

    shoal_error e;
    error_clear(&e);
    int64_t rows = 0, peak = 0;
    cr_assert_eq(run_sort(eng, s, &rows, &peak, &e), QUERY_FETCH_FAILED, "held %ld, sort %ld, now %ld", (long)held,
                 (long)small, (long)peak);
    cr_assert_eq(e.code, ERR_EXCEEDED_LOCAL_MEMORY_LIMIT, "%s", e.message);
    cr_assert(strncmp(e.message, "Query exceeded the node's memory pool of ", 41) == 0, "%s", e.message);
    cr_assert_eq(query_limits_killed_count(), killed_before);
    cr_assert_eq(query_get_state(big), QUERY_RUNNING, "the holding query goes on");
    cr_assert_eq(query_memory_bytes(big), held);
    query_free(big);
    cr_assert_eq(memory_context_reserved(query_limits_node_pool()), 0);
    query_limits_set_node_pool_limit(0);
    session_free(s);
    engine_destroy(eng);
}

/* ---- spill ----------------------------------------------------------------------- */

static const char ordered_query[] =
    "SELECT orderkey, linenumber, comment, extendedprice FROM lineitem ORDER BY comment, orderkey, linenumber";

/* Runs the ordered query; *digest folds every row in order (FNV-1a). */
static int64_t last_peak;   /* the last ordered run's peak memory */

static query_fetch_status run_ordered(engine *eng, const char *spill, uint64_t *digest, int64_t *rows,
                                      uint64_t *spilled, shoal_error *error)
{
    session *s = session_new("test", "tpch", "tiny");
    if (spill)
        session_set_property(s, "spill_enabled", spill);
    query *q = query_submit(eng, s, ordered_query);
    cr_assert(q);
    uint64_t h = 1469598103934665603ULL;
    *rows = 0;
    query_fetch_status st;
    for (;;) {
        page *p = NULL;
        st = query_fetch(q, &p, 100, error);
        for (uint32_t r = 0; p && r < p->row_count; r++) {
            value key = value_load(&p->columns[0], r), line = value_load(&p->columns[1], r);
            value comment = value_load(&p->columns[2], r), price = value_load(&p->columns[3], r);
            const unsigned char *text = (const unsigned char *)string_view_data(&comment.u.string);
            for (uint32_t i = 0; i < comment.u.string.length; i++)
                h = (h ^ text[i]) * 1099511628211ULL;
            h = (h ^ (uint64_t)key.u.i64) * 1099511628211ULL;
            h = (h ^ (uint64_t)line.u.i64) * 1099511628211ULL;
            h = (h ^ (uint64_t)(price.u.f64 * 100)) * 1099511628211ULL;
            (*rows)++;
        }
        if (p)
            page_unref(p);
        if (st == QUERY_FETCH_DONE || st == QUERY_FETCH_FAILED)
            break;
    }
    *spilled = query_spilled_bytes(q);
    last_peak = query_peak_memory_bytes(q);
    query_free(q);
    session_free(s);
    *digest = h;
    return st;
}

static int spill_files_in(const char *dir)
{
    char command[512];
    snprintf(command, sizeof command, "ls %s | grep -c shoal-spill", dir);
    FILE *f = popen(command, "r");
    int n = -1;
    cr_assert(f && fscanf(f, "%d", &n) == 1);
    pclose(f);
    return n;
}

/* Over query.max-memory-per-node the sort fails; with spill on it returns
 * the same rows in the same order as an unspilled run with room, through
 * sorted runs on disk, and leaves no spill file behind. */
static void spill_round_trip(bool compress)
{
    char dir[] = "/tmp/shoal-spill-test-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    shoal_error e;
    error_clear(&e);
    uint64_t reference = 0, digest = 0, spilled = 0;
    int64_t reference_rows = 0, rows = 0;
    engine *roomy = limited_engine(NULL);
    cr_assert_eq(run_ordered(roomy, NULL, &reference, &reference_rows, &spilled, &e), QUERY_FETCH_DONE, "%s",
                 e.message);
    cr_assert_eq(reference_rows, 60175);
    engine_destroy(roomy);
    int64_t peak = last_peak;

    /* half of what the sort needs in memory */
    query_limits_config limits = {.max_memory_per_node = (uint64_t)peak / 2};
    spiller_config spill = {.path = dir, .compress = compress};
    shoal_error ee;
    error_clear(&ee);
    engine *eng = engine_create(&(engine_config){.threads = 4, .limits = &limits, .spill = &spill}, &ee);
    cr_assert(eng, "%s", ee.message);
    /* spill-enabled is off by default: the query fails */
    cr_assert_eq(run_ordered(eng, NULL, &digest, &rows, &spilled, &e), QUERY_FETCH_FAILED);
    cr_assert_eq(e.code, ERR_EXCEEDED_LOCAL_MEMORY_LIMIT, "%s", e.message);
    cr_assert_eq(spilled, 0);
    /* session spill_enabled=true: the same answer within half the memory */
    error_clear(&e);
    cr_assert_eq(run_ordered(eng, "true", &digest, &rows, &spilled, &e), QUERY_FETCH_DONE, "%s", e.message);
    cr_assert_eq(rows, reference_rows);
    cr_assert_eq(digest, reference, "spilled ORDER BY differs from the in-memory one");
    cr_assert_gt(spilled, 0, "nothing was spilled");
    cr_assert_leq(last_peak, peak / 2);
    cr_assert_eq(spill_files_in(dir), 0);
    cr_assert_eq(spiller_node_bytes(), 0);
    cr_assert_eq(memory_context_reserved(query_limits_node_pool()), 0);
    engine_destroy(eng);
    rmdir(dir);
}

Test(query_limits, order_by_spills_and_returns_the_exact_answer, .timeout = 300)
{
    spill_round_trip(false);
}

Test(query_limits, order_by_spills_with_zstd, .timeout = 300)
{
    spill_round_trip(true);
}
