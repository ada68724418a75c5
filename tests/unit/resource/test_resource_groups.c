/*
 * test_resource_groups.c — resource groups through the real actors:
 * admission exactness under a concurrent burst, each scheduling policy's
 * order on scripted workloads (Trino's rules), selectors, soft memory and
 * CPU limits, reload, the legacy `global` group, bad input.
 */
#include "resource_test_support.h"

#include <stdlib.h>

/* ---- burst ---------------------------------------------------------------------- */

enum { BURST_THREADS = 4, BURST_PER_THREAD = 250 };

typedef struct burst_arg {
    resource_manager *rm;
    recorder *r;
    probe *probes;
    const char *user_prefix;
} burst_arg;

static void *burst_thread(void *arg)
{
    burst_arg *b = arg;
    for (int i = 0; i < BURST_PER_THREAD; i++) {
        char user[32];
        snprintf(user, sizeof user, "%s%d", b->user_prefix, i % 3);
        char tag[32];
        snprintf(tag, sizeof tag, "q%d", i);
        submit_as(b->rm, &b->probes[i], b->r, tag, user, NULL, 0);
    }
    return NULL;
}

static void burst(resource_manager *rm, recorder *r, probe *probes)
{
    pthread_t threads[BURST_THREADS];
    burst_arg args[BURST_THREADS];
    for (int i = 0; i < BURST_THREADS; i++) {
        args[i] = (burst_arg){rm, r, probes + i * BURST_PER_THREAD, i % 2 ? "u" : "v"};
        pthread_create(&threads[i], NULL, burst_thread, &args[i]);
    }
    for (int i = 0; i < BURST_THREADS; i++)
        pthread_join(threads[i], NULL);
}

Test(resource_groups, burst_of_1000_is_exact)
{
    runtime *rt = test_runtime();
    shoal_error e;
    error_clear(&e);
    resource_manager *rm = resource_manager_create(rt, &(resource_manager_options){
        .max_concurrent_queries = 10, .max_queued_queries = 100, .manual_refresh = true}, &e);
    cr_assert(rm);
    recorder r;
    recorder_init(&r);
    probe *probes = calloc(BURST_THREADS * BURST_PER_THREAD, sizeof *probes);
    burst(rm, &r, probes);
    cr_assert(recorder_wait(&r, 10, 890));
    cr_assert(wait_group(rm, "global", 10, 100));
    pthread_mutex_lock(&r.mu);
    cr_assert_eq(r.admits, 10);
    cr_assert_eq(r.rejects, 890);
    cr_assert_eq(r.last_error.code, ERR_QUERY_QUEUE_FULL);
    cr_assert_str_eq(r.last_error.message, "Too many queued queries for \"global\"");
    pthread_mutex_unlock(&r.mu);

    /* every end frees one slot: the queue drains exactly, 10 at a time */
    int total = BURST_THREADS * BURST_PER_THREAD;
    for (int round = 0; round < 10; round++) {
        /* the running set first: ending one admits another at once */
        int running[16], ended = 0;
        pthread_mutex_lock(&r.mu);
        for (int i = 0; i < total && ended < 16; i++)
            if (probes[i].admitted && probes[i].ticket)
                running[ended++] = i;
        pthread_mutex_unlock(&r.mu);
        for (int k = 0; k < ended; k++) {
            resource_manager_query_finished(rm, probes[running[k]].ticket, 0, 0);
            probes[running[k]].ticket = NULL;
        }
        cr_assert_eq(ended, 10, "round %d ended %d", round, ended);
        cr_assert(recorder_wait(&r, 10 * (round + 2), 890), "round %d", round);
        cr_assert(wait_group(rm, "global", round < 9 ? 10 : 10, 100 - 10 * (round + 1)));
    }
    for (int i = 0; i < total; i++)
        if (probes[i].ticket)
            resource_manager_query_finished(rm, probes[i].ticket, 0, 0);
    cr_assert(wait_group(rm, "global", 0, 0));
    resource_manager_state s;
    cr_assert(resource_manager_state_get(rm, &s));
    cr_assert_eq(s.submitted, 1000);
    cr_assert_eq(s.admitted, 110);
    cr_assert_eq(s.rejected, 890);
    resource_manager_state_free(&s);
    resource_manager_destroy(rm);
    free(probes);
    test_runtime_free(rt);
}

Test(resource_groups, burst_into_a_tree_respects_every_level)
{
    /* root: 6 running, 20 queued; each ${USER} leaf: 4 running, 8 queued */
    runtime *rt = test_runtime();
    resource_manager *rm = test_manager(rt,
        "{\"rootGroups\":[{\"name\":\"root\",\"softMemoryLimit\":\"100%\",\"hardConcurrencyLimit\":6,"
        "\"maxQueued\":20,\"subGroups\":[{\"name\":\"u_${USER}\",\"softMemoryLimit\":\"100%\","
        "\"hardConcurrencyLimit\":4,\"maxQueued\":8}]}],"
        "\"selectors\":[{\"group\":\"root.u_${USER}\"}]}", 0);
    recorder r;
    recorder_init(&r);
    probe *probes = calloc(BURST_THREADS * BURST_PER_THREAD, sizeof *probes);
    burst(rm, &r, probes);
    /* users v0 v1 v2 u0 u1 u2: at most 6 run, at most 20 queue (each leaf <= 8) */
    cr_assert(recorder_wait(&r, 6, 1000 - 26));
    cr_assert(wait_group(rm, "root", 6, 20));
    resource_manager_state s;
    cr_assert(resource_manager_state_get(rm, &s));
    const resource_group_state *root = resource_manager_state_find(&s, "root");
    for (size_t i = 0; i < root->sub_group_count; i++) {
        cr_assert_leq(root->sub_groups[i].running_queries, 4);
        cr_assert_leq(root->sub_groups[i].queued_queries, 8);
    }
    resource_manager_state_free(&s);
    for (int i = 0; i < 1000; i++)
        resource_manager_query_finished(rm, probes[i].ticket, 0, 0);
    resource_manager_destroy(rm);
    free(probes);
    test_runtime_free(rt);
}

/* ---- scheduling policies ---------------------------------------------------------- */

/* Ends the running query with this tag and waits for the next admission. */
static void finish_tag(resource_manager *rm, recorder *r, probe *probes, int n, const char *tag)
{
    for (int i = 0; i < n; i++) {
        if (probes[i].ticket && strcmp(probes[i].tag, tag) == 0) {
            pthread_mutex_lock(&r->mu);
            int before = r->admits;
            pthread_mutex_unlock(&r->mu);
            resource_manager_query_finished(rm, probes[i].ticket, 0, 0);
            probes[i].ticket = NULL;
            recorder_wait(r, before + 1, 0);
            return;
        }
    }
    cr_assert_fail("no running %s", tag);
}

static void expect_order(recorder *r, int from, const char *const *tags, int n)
{
    pthread_mutex_lock(&r->mu);
    for (int i = 0; i < n; i++) {
        cr_assert_lt(from + i, r->order_count, "only %d admitted", r->order_count);
        cr_assert_str_eq(r->order[from + i], tags[i], "admission %d", from + i);
    }
    pthread_mutex_unlock(&r->mu);
}

static void end_all(resource_manager *rm, probe *probes, int n)
{
    for (int i = 0; i < n; i++)
        if (probes[i].ticket)
            resource_manager_query_finished(rm, probes[i].ticket, 0, 0);
}

#define TWO_LEAVES(policy, extra_a, extra_b)                                                                  \
    "{\"rootGroups\":[{\"name\":\"root\",\"softMemoryLimit\":\"100%\",\"hardConcurrencyLimit\":1,"          \
    "\"maxQueued\":100,\"schedulingPolicy\":\"" policy "\",\"subGroups\":["                                  \
    "{\"name\":\"a\",\"softMemoryLimit\":\"100%\",\"hardConcurrencyLimit\":10,\"maxQueued\":100" extra_a "}," \
    "{\"name\":\"b\",\"softMemoryLimit\":\"100%\",\"hardConcurrencyLimit\":10,\"maxQueued\":100" extra_b "}]}]," \
    "\"selectors\":[{\"user\":\"a\",\"group\":\"root.a\"},{\"user\":\"b\",\"group\":\"root.b\"}]}"

Test(resource_groups, fair_round_robins_eligible_sub_groups)
{
    runtime *rt = test_runtime();
    resource_manager *rm = test_manager(rt, TWO_LEAVES("fair", "", ""), 0);
    recorder r;
    recorder_init(&r);
    probe p[8];
    submit_as(rm, &p[0], &r, "a0", "a", NULL, 0);
    cr_assert(wait_group(rm, "root", 1, 0));
    const char *script[][2] = {{"a1", "a"}, {"a2", "a"}, {"a3", "a"}, {"b1", "b"}, {"b2", "b"}};
    for (int i = 0; i < 5; i++) {
        submit_as(rm, &p[i + 1], &r, script[i][0], script[i][1], NULL, 0);
        cr_assert(wait_group(rm, "root", 1, i + 1));
    }
    const char *running = "a0";
    const char *expected[] = {"a1", "b1", "a2", "b2", "a3"};
    for (int i = 0; i < 5; i++) {
        finish_tag(rm, &r, p, 6, running);
        running = expected[i];
    }
    expect_order(&r, 1, expected, 5);
    end_all(rm, p, 6);
    resource_manager_destroy(rm);
    test_runtime_free(rt);
}

Test(resource_groups, weighted_fair_picks_lowest_running_per_share)
{
    /* root runs 3; a weight 1, b weight 2, c (weight 1) holds three blockers */
    runtime *rt = test_runtime();
    resource_manager *rm = test_manager(rt,
        "{\"rootGroups\":[{\"name\":\"root\",\"softMemoryLimit\":\"100%\",\"hardConcurrencyLimit\":3,"
        "\"maxQueued\":100,\"schedulingPolicy\":\"weighted_fair\",\"subGroups\":["
        "{\"name\":\"a\",\"softMemoryLimit\":\"100%\",\"hardConcurrencyLimit\":10,\"maxQueued\":100,\"schedulingWeight\":1},"
        "{\"name\":\"b\",\"softMemoryLimit\":\"100%\",\"hardConcurrencyLimit\":10,\"maxQueued\":100,\"schedulingWeight\":2},"
        "{\"name\":\"c\",\"softMemoryLimit\":\"100%\",\"hardConcurrencyLimit\":10,\"maxQueued\":100,\"schedulingWeight\":1}]}],"
        "\"selectors\":[{\"user\":\"a\",\"group\":\"root.a\"},{\"user\":\"b\",\"group\":\"root.b\"},"
        "{\"user\":\"c\",\"group\":\"root.c\"}]}", 0);
    recorder r;
    recorder_init(&r);
    probe p[9];
    const char *script[][2] = {{"c1", "c"}, {"c2", "c"}, {"c3", "c"}, {"a1", "a"}, {"a2", "a"}, {"a3", "a"},
                               {"b1", "b"}, {"b2", "b"}, {"b3", "b"}};
    for (int i = 0; i < 9; i++) {
        submit_as(rm, &p[i], &r, script[i][0], script[i][1], NULL, 0);
        cr_assert(wait_group(rm, "root", i < 3 ? i + 1 : 3, i < 3 ? 0 : i - 2));
    }
    /* worked out with WeightedFairQueue's rule: a1 (tie at 0, a eligible first),
     * b1 (a at 1.5), b2 (a 1.0 vs b 0.5), a2 (a 0 vs b 1.0), b3, a3 */
    finish_tag(rm, &r, p, 9, "c1");
    finish_tag(rm, &r, p, 9, "c2");
    finish_tag(rm, &r, p, 9, "c3");
    finish_tag(rm, &r, p, 9, "a1");
    finish_tag(rm, &r, p, 9, "b1");
    finish_tag(rm, &r, p, 9, "b2");
    const char *expected[] = {"c1", "c2", "c3", "a1", "b1", "b2", "a2", "b3", "a3"};
    expect_order(&r, 0, expected, 9);
    end_all(rm, p, 9);
    resource_manager_destroy(rm);
    test_runtime_free(rt);
}

Test(resource_groups, query_priority_orders_groups_and_queries)
{
    runtime *rt = test_runtime();
    resource_manager *rm = test_manager(rt, TWO_LEAVES("query_priority", "", ""), 0);
    recorder r;
    recorder_init(&r);
    probe p[8];
    submit_as(rm, &p[0], &r, "blocker", "a", NULL, 0);
    cr_assert(wait_group(rm, "root", 1, 0));
    struct { const char *tag, *user; int prio; } script[] = {
        {"a1", "a", 1}, {"a5", "a", 5}, {"b3", "b", 3}, {"b5", "b", 5}, {"a5bis", "a", 5}};
    for (int i = 0; i < 5; i++) {
        submit_as(rm, &p[i + 1], &r, script[i].tag, script[i].user, NULL, script[i].prio);
        cr_assert(wait_group(rm, "root", 1, i + 1));
    }
    /* a and b both peak at 5: a became eligible first; within a, FIFO among equal priorities */
    const char *expected[] = {"a5", "b5", "a5bis", "b3", "a1"};
    const char *running = "blocker";
    for (int i = 0; i < 5; i++) {
        finish_tag(rm, &r, p, 6, running);
        running = expected[i];
    }
    expect_order(&r, 1, expected, 5);
    end_all(rm, p, 6);
    resource_manager_destroy(rm);
    test_runtime_free(rt);
}

Test(resource_groups, weighted_shares_by_weight_and_prefers_under_soft_limit)
{
    runtime *rt = test_runtime();
    resource_manager *rm = test_manager(rt,
        TWO_LEAVES("weighted", ",\"schedulingWeight\":1", ",\"schedulingWeight\":3"), 0);
    recorder r;
    recorder_init(&r);
    probe p[17];
    submit_as(rm, &p[0], &r, "blocker", "a", NULL, 0);
    cr_assert(wait_group(rm, "root", 1, 0));
    for (int i = 0; i < 8; i++) {
        submit_as(rm, &p[1 + 2 * i], &r, "a", "a", NULL, 0);
        submit_as(rm, &p[2 + 2 * i], &r, "b", "b", NULL, 0);
    }
    cr_assert(wait_group(rm, "root", 1, 16));
    /* one at a time: after 8 admissions a has had 2, b 6 (smooth weighted round-robin) */
    for (int k = 0; k < 8; k++) {
        for (int i = 0; i < 17; i++) {
            if (p[i].ticket && p[i].admitted) {
                resource_manager_query_finished(rm, p[i].ticket, 0, 0);
                p[i].ticket = NULL;
                break;
            }
        }
        cr_assert(recorder_wait(&r, 2 + k, 0));
    }
    int a = 0, b = 0;
    pthread_mutex_lock(&r.mu);
    for (int i = 1; i < 9; i++)
        *(strcmp(r.order[i], "a") == 0 ? &a : &b) += 1;
    pthread_mutex_unlock(&r.mu);
    cr_assert_eq(a, 2);
    cr_assert_eq(b, 6);
    end_all(rm, p, 17);
    resource_manager_destroy(rm);

    /* a (weight 3) is always at its soft limit 0, b (weight 1) under it: b goes first */
    rm = test_manager(rt, TWO_LEAVES("weighted", ",\"schedulingWeight\":3,\"softConcurrencyLimit\":0",
                                     ",\"schedulingWeight\":1"), 0);
    recorder r2;
    recorder_init(&r2);
    submit_as(rm, &p[0], &r2, "blocker", "a", NULL, 0);
    cr_assert(wait_group(rm, "root", 1, 0));
    for (int i = 0; i < 3; i++) {
        submit_as(rm, &p[1 + 2 * i], &r2, "a", "a", NULL, 0);
        submit_as(rm, &p[2 + 2 * i], &r2, "b", "b", NULL, 0);
    }
    cr_assert(wait_group(rm, "root", 1, 6));
    for (int k = 0; k < 6; k++) {
        for (int i = 0; i < 7; i++) {
            if (p[i].ticket && p[i].admitted) {
                resource_manager_query_finished(rm, p[i].ticket, 0, 0);
                p[i].ticket = NULL;
                break;
            }
        }
        cr_assert(recorder_wait(&r2, 2 + k, 0));
    }
    const char *expected[] = {"b", "b", "b", "a", "a", "a"};
    expect_order(&r2, 1, expected, 6);
    end_all(rm, p, 7);
    resource_manager_destroy(rm);
    test_runtime_free(rt);
}

/* ---- selectors ----------------------------------------------------------------------- */

static const char *SELECTOR_SPEC =
    "{\"rootGroups\":[{\"name\":\"global\",\"softMemoryLimit\":\"100%\",\"hardConcurrencyLimit\":100,"
    "\"maxQueued\":100,\"subGroups\":["
    "{\"name\":\"etl\",\"softMemoryLimit\":\"100%\",\"hardConcurrencyLimit\":10,\"maxQueued\":10},"
    "{\"name\":\"ddl\",\"softMemoryLimit\":\"100%\",\"hardConcurrencyLimit\":10,\"maxQueued\":10},"
    "{\"name\":\"pipeline\",\"softMemoryLimit\":\"100%\",\"hardConcurrencyLimit\":10,\"maxQueued\":10},"
    "{\"name\":\"team_${team}\",\"softMemoryLimit\":\"100%\",\"hardConcurrencyLimit\":10,\"maxQueued\":10},"
    "{\"name\":\"bi-${toolname}-${USER}\",\"softMemoryLimit\":\"100%\",\"hardConcurrencyLimit\":10,\"maxQueued\":10}]}],"
    "\"selectors\":["
    "{\"clientTags\":[\"etl\",\"nightly\"],\"group\":\"global.etl\"},"
    "{\"queryType\":\"data_definition\",\"group\":\"global.ddl\"},"
    "{\"source\":\"pipeline\",\"group\":\"global.pipeline\"},"
    "{\"source\":\"(?<toolname>[a-z]+)-bi\",\"user\":\"[a-z]+\",\"group\":\"global.bi-${toolname}-${USER}\"},"
    "{\"user\":\"(?<team>[a-z]+)_[a-z]+\",\"group\":\"global.team_${team}\"}]}";

static const char *route(resource_manager *rm, const query_identity *who, shoal_error *e, resource_ticket **out)
{
    error_clear(e);
    static recorder r;
    static probe p;
    recorder_init(&r);
    memset(&p, 0, sizeof p);
    p.r = &r;
    *out = resource_manager_submit(rm, who, on_admit, on_reject, &p, e);
    return *out ? resource_ticket_group(*out) : NULL;
}

Test(resource_groups, selectors_route_by_regex_tags_type_and_named_groups)
{
    runtime *rt = test_runtime();
    resource_manager *rm = test_manager(rt, SELECTOR_SPEC, 0);
    shoal_error e;
    resource_ticket *t;
    const char *tags_ok[] = {"x", "nightly", "etl"};
    const char *tags_partial[] = {"etl"};

    query_identity who = {.user = "sales_bob", .client_tags = tags_ok, .client_tag_count = 3};
    cr_assert_str_eq(route(rm, &who, &e, &t), "global.etl");
    resource_manager_query_finished(rm, t, 0, 0);

    who = (query_identity){.user = "sales_bob", .client_tags = tags_partial, .client_tag_count = 1};
    cr_assert_str_eq(route(rm, &who, &e, &t), "global.team_sales");   /* all tags must be present */
    resource_manager_query_finished(rm, t, 0, 0);

    who = (query_identity){.user = "x_y", .query_type = "DATA_DEFINITION"};
    cr_assert_str_eq(route(rm, &who, &e, &t), "global.ddl");
    resource_manager_query_finished(rm, t, 0, 0);

    who = (query_identity){.user = "x_y", .source = "pipeline"};
    cr_assert_str_eq(route(rm, &who, &e, &t), "global.pipeline");
    resource_manager_query_finished(rm, t, 0, 0);

    /* whole-string match: "pipeline" does not match "my-pipeline" */
    who = (query_identity){.user = "ops_ann", .source = "my-pipeline"};
    cr_assert_str_eq(route(rm, &who, &e, &t), "global.team_ops");
    resource_manager_query_finished(rm, t, 0, 0);

    who = (query_identity){.user = "carol", .source = "tableau-bi"};
    cr_assert_str_eq(route(rm, &who, &e, &t), "global.bi-tableau-carol");
    resource_manager_query_finished(rm, t, 0, 0);

    /* no rule: QUERY_REJECTED; no callback */
    who = (query_identity){.user = "Carol"};
    cr_assert_null(route(rm, &who, &e, &t));
    cr_assert_eq(e.code, ERR_QUERY_REJECTED);
    cr_assert_str_eq(e.message, "Query did not match any selection rule");

    /* a source criterion never matches a query without a source */
    who = (query_identity){.user = "carol"};
    cr_assert_null(route(rm, &who, &e, &t));
    cr_assert_eq(e.code, ERR_QUERY_REJECTED);

    resource_manager_state s;
    cr_assert(resource_manager_state_get(rm, &s));
    cr_assert_not_null(resource_manager_state_find(&s, "global.team_sales"));
    cr_assert_not_null(resource_manager_state_find(&s, "global.bi-tableau-carol"));
    resource_manager_state_free(&s);
    resource_manager_destroy(rm);
    test_runtime_free(rt);
}

Test(resource_groups, selector_to_a_non_leaf_is_invalid)
{
    runtime *rt = test_runtime();
    resource_manager *rm = test_manager(rt,
        "{\"rootGroups\":[{\"name\":\"global\",\"softMemoryLimit\":\"100%\",\"hardConcurrencyLimit\":1,"
        "\"maxQueued\":1,\"subGroups\":[{\"name\":\"x\",\"softMemoryLimit\":\"100%\",\"hardConcurrencyLimit\":1,"
        "\"maxQueued\":1}]}],\"selectors\":[{\"group\":\"global\"}]}", 0);
    shoal_error e;
    resource_ticket *t;
    query_identity who = {.user = "u"};
    cr_assert_null(route(rm, &who, &e, &t));
    cr_assert_eq(e.code, ERR_INVALID_RESOURCE_GROUP);
    cr_assert_str_eq(e.message, "Cannot add queries to 'global'. It is not a leaf group.");
    resource_manager_destroy(rm);
    test_runtime_free(rt);
}

Test(resource_groups, invalid_regex_fails_create)
{
    runtime *rt = test_runtime();
    resource_groups_spec spec;
    config_error ce;
    config_error_clear(&ce);
    cr_assert(resource_groups_parse(
        "{\"rootGroups\":[{\"name\":\"g\",\"softMemoryLimit\":\"1GB\",\"hardConcurrencyLimit\":1,\"maxQueued\":1}],"
        "\"selectors\":[{\"user\":\"(unclosed\",\"group\":\"g\"}]}", "f.json", &spec, &ce), "%s", ce.message);
    shoal_error e;
    error_clear(&e);
    resource_manager *rm = resource_manager_create(rt, &(resource_manager_options){.spec = &spec, .manual_refresh = true}, &e);
    resource_groups_free(&spec);
    cr_assert_null(rm);
    cr_assert_eq(e.code, ERR_CONFIGURATION_INVALID);
    cr_assert(strstr(e.message, "(unclosed"), "%s", e.message);
    test_runtime_free(rt);
}

/* ---- memory and CPU ---------------------------------------------------------------- */

Test(resource_groups, soft_memory_limit_queues_new_queries_running_continue)
{
    runtime *rt = test_runtime();
    resource_manager *rm = test_manager(rt,
        "{\"rootGroups\":[{\"name\":\"g\",\"softMemoryLimit\":\"50%\",\"hardConcurrencyLimit\":10,\"maxQueued\":10}],"
        "\"selectors\":[{\"group\":\"g\"}]}", 2 << 20);
    recorder r;
    recorder_init(&r);
    probe p[3];
    submit_as(rm, &p[0], &r, "q1", "u", NULL, 0);
    cr_assert(recorder_wait(&r, 1, 0));
    resource_manager_update_usage(rm, p[0].ticket, 0, (1 << 20) + 1);   /* over 50% of 2MB */
    submit_as(rm, &p[1], &r, "q2", "u", NULL, 0);
    cr_assert(wait_group(rm, "g", 1, 1));                                /* q1 still runs, q2 waits */
    resource_manager_update_usage(rm, p[0].ticket, 0, 1 << 20);          /* at the limit: may run */
    cr_assert(recorder_wait(&r, 2, 0));
    cr_assert(wait_group(rm, "g", 2, 0));
    resource_manager_state s;
    cr_assert(resource_manager_state_get(rm, &s));
    cr_assert_eq(resource_manager_state_find(&s, "g")->memory_usage_bytes, 1 << 20);
    cr_assert_eq(resource_manager_state_find(&s, "g")->soft_memory_limit_bytes, 1 << 20);
    resource_manager_state_free(&s);
    /* the pool shrinks: 50% of 1MB is now exceeded */
    resource_manager_set_cluster_memory(rm, 1 << 20);
    submit_as(rm, &p[2], &r, "q3", "u", NULL, 0);
    cr_assert(wait_group(rm, "g", 2, 1));
    resource_manager_query_finished(rm, p[0].ticket, 0, 1 << 20);
    cr_assert(recorder_wait(&r, 3, 0));
    end_all(rm, p + 1, 2);
    resource_manager_destroy(rm);
    test_runtime_free(rt);
}

Test(resource_groups, cpu_limits_penalise_concurrency_and_regenerate)
{
    runtime *rt = test_runtime();
    resource_manager *rm = test_manager(rt,
        "{\"rootGroups\":[{\"name\":\"g\",\"softMemoryLimit\":\"100%\",\"hardConcurrencyLimit\":4,\"maxQueued\":10,"
        "\"softCpuLimit\":\"5s\",\"hardCpuLimit\":\"10s\"}],"
        "\"selectors\":[{\"group\":\"g\"}],\"cpuQuotaPeriod\":\"10s\"}", 0);
    recorder r;
    recorder_init(&r);
    probe p[6];
    const int64_t S = 1000000000LL;
    resource_manager_refresh(rm, 100 * S);
    for (int i = 0; i < 4; i++)
        submit_as(rm, &p[i], &r, "q", "u", NULL, 0);
    cr_assert(recorder_wait(&r, 4, 0));
    /* 7.5s used: penalty 0.5, concurrency floor(4 * 0.5) = 2 */
    resource_manager_query_finished(rm, p[0].ticket, 7500000000LL, 0);
    p[0].ticket = NULL;
    submit_as(rm, &p[4], &r, "q5", "u", NULL, 0);
    cr_assert(wait_group(rm, "g", 3, 1));
    resource_manager_query_finished(rm, p[1].ticket, 0, 0);
    p[1].ticket = NULL;
    cr_assert(wait_group(rm, "g", 2, 1));          /* 2 < 2 is false: still queued */
    resource_manager_query_finished(rm, p[2].ticket, 0, 0);
    p[2].ticket = NULL;
    cr_assert(recorder_wait(&r, 5, 0));            /* 1 running: q5 starts */
    cr_assert(wait_group(rm, "g", 2, 0));
    /* 3s more: 10.5s >= hard limit: nothing more runs */
    resource_manager_query_finished(rm, p[3].ticket, 3000000000LL, 0);
    p[3].ticket = NULL;
    submit_as(rm, &p[5], &r, "q6", "u", NULL, 0);
    cr_assert(wait_group(rm, "g", 1, 1));
    /* quota: 1000 * 10s / 10s = 1000 ms per second */
    resource_manager_refresh(rm, 101 * S);         /* 9.5s: penalty 0.9 → 1 allowed, 1 running */
    cr_assert(wait_group(rm, "g", 1, 1));
    resource_manager_state s;
    cr_assert(resource_manager_state_get(rm, &s));
    cr_assert_eq(resource_manager_state_find(&s, "g")->cpu_usage_ms, 9500);
    resource_manager_state_free(&s);
    resource_manager_refresh(rm, 106 * S + S / 2); /* 4.5s: under the soft limit */
    cr_assert(recorder_wait(&r, 6, 0));
    cr_assert(wait_group(rm, "g", 2, 0));
    end_all(rm, p, 6);
    resource_manager_destroy(rm);
    test_runtime_free(rt);
}

/* ---- reload and the legacy group ----------------------------------------------------- */

#define ONE_GROUP(hard, target) \
    "{\"rootGroups\":[{\"name\":\"g\",\"softMemoryLimit\":\"100%\",\"hardConcurrencyLimit\":" #hard \
    ",\"maxQueued\":10,\"subGroups\":[{\"name\":\"a\",\"softMemoryLimit\":\"100%\",\"hardConcurrencyLimit\":10,"   \
    "\"maxQueued\":10},{\"name\":\"b\",\"softMemoryLimit\":\"100%\",\"hardConcurrencyLimit\":10,\"maxQueued\":10}]}]," \
    "\"selectors\":[{\"group\":\"g." target "\"}]}"

Test(resource_groups, reload_changes_limits_and_routing_keeping_queries)
{
    runtime *rt = test_runtime();
    resource_manager *rm = test_manager(rt, ONE_GROUP(1, "a"), 0);
    recorder r;
    recorder_init(&r);
    probe p[5];
    for (int i = 0; i < 3; i++)
        submit_as(rm, &p[i], &r, "q", "u", NULL, 0);
    cr_assert(wait_group(rm, "g", 1, 2));

    resource_groups_spec spec;
    config_error ce;
    config_error_clear(&ce);
    cr_assert(resource_groups_parse(ONE_GROUP(3, "b"), "rg.json", &spec, &ce));
    shoal_error e;
    error_clear(&e);
    cr_assert(resource_manager_reload(rm, &spec, &e), "%s", e.message);
    resource_groups_free(&spec);
    cr_assert(recorder_wait(&r, 3, 0));             /* the queued ones run under the new limit */
    cr_assert(wait_group(rm, "g.a", 3, 0));
    cr_assert_str_eq(resource_ticket_group(p[0].ticket), "g.a");
    submit_as(rm, &p[3], &r, "new", "u", NULL, 0);  /* routed by the new selectors */
    cr_assert_str_eq(resource_ticket_group(p[3].ticket), "g.b");
    submit_as(rm, &p[4], &r, "new2", "u", NULL, 0);
    cr_assert(wait_group(rm, "g", 3, 2));

    /* a bad file changes nothing */
    cr_assert(resource_groups_parse(
        "{\"rootGroups\":[{\"name\":\"g\",\"softMemoryLimit\":\"1GB\",\"hardConcurrencyLimit\":1,\"maxQueued\":1}],"
        "\"selectors\":[{\"user\":\"[\",\"group\":\"g\"}]}", "f", &spec, &ce));
    cr_assert_not(resource_manager_reload(rm, &spec, &e));
    resource_groups_free(&spec);
    end_all(rm, p, 5);
    cr_assert(wait_group(rm, "g", 0, 0));
    resource_manager_destroy(rm);
    test_runtime_free(rt);
}

Test(resource_groups, without_a_file_one_global_group)
{
    runtime *rt = test_runtime();
    resource_manager *rm = test_manager(rt, NULL, 0);   /* max-concurrent 2, max-queued 1 */
    recorder r;
    recorder_init(&r);
    probe p[4];
    for (int i = 0; i < 4; i++)
        submit_as(rm, &p[i], &r, "q", i % 2 ? "alice" : "bob", i ? "cli" : NULL, 0);
    cr_assert(recorder_wait(&r, 2, 1));
    cr_assert(wait_group(rm, "global", 2, 1));
    cr_assert_eq(r.last_error.code, ERR_QUERY_QUEUE_FULL);
    cr_assert_str_eq(r.last_error.message, "Too many queued queries for \"global\"");
    resource_manager_state s;
    cr_assert(resource_manager_state_get(rm, &s));
    cr_assert_eq(s.root_group_count, 1);
    cr_assert_str_eq(s.root_groups[0].id, "global");
    cr_assert_eq(s.root_groups[0].hard_concurrency_limit, 2);
    cr_assert_eq(s.root_groups[0].max_queued_queries, 1);
    resource_manager_state_free(&s);
    end_all(rm, p, 4);   /* ends admitted, queued and rejected tickets alike */
    cr_assert(wait_group(rm, "global", 0, 0));
    resource_manager_destroy(rm);
    test_runtime_free(rt);
}

Test(resource_groups, withdrawing_a_queued_query_frees_its_place)
{
    runtime *rt = test_runtime();
    resource_manager *rm = test_manager(rt, NULL, 0);
    recorder r;
    recorder_init(&r);
    probe p[4];
    for (int i = 0; i < 3; i++)
        submit_as(rm, &p[i], &r, "q", "u", NULL, 0);
    cr_assert(wait_group(rm, "global", 2, 1));
    probe *queued = NULL;
    for (int i = 0; i < 3; i++)
        if (!p[i].admitted)
            queued = &p[i];
    cr_assert_not_null(queued);
    resource_manager_query_finished(rm, queued->ticket, 0, 0);
    queued->ticket = NULL;
    cr_assert(wait_group(rm, "global", 2, 0));
    submit_as(rm, &p[3], &r, "q", "u", NULL, 0);        /* the queue has room again */
    cr_assert(wait_group(rm, "global", 2, 1));
    cr_assert_eq(r.rejects, 0);
    end_all(rm, p, 4);
    resource_manager_destroy(rm);
    test_runtime_free(rt);
}

Test(resource_groups, bad_input)
{
    runtime *rt = test_runtime();
    resource_manager *rm = test_manager(rt, NULL, 0);
    shoal_error e;
    error_clear(&e);
    cr_assert_null(resource_manager_submit(rm, NULL, on_admit, on_reject, NULL, &e));
    query_identity who = {.user = "u"};
    cr_assert_null(resource_manager_submit(rm, &who, NULL, on_reject, NULL, &e));
    resource_manager_query_finished(rm, NULL, 0, 0);
    resource_manager_destroy(rm);
    resource_manager_destroy(NULL);
    test_runtime_free(rt);
}
