/*
 * bench_function_library.c — throughput of the newer library functions on
 * 10M rows (2048-row pages from a pool): regexp_like as a filter (PCRE2 JIT,
 * constant pattern), date_trunc('month'/'hour', timestamp), and
 * approx_distinct's update step (hash + HyperLogLog register) on bigint and
 * varchar, the update steps of approx_percentile (T-Digest; one group and
 * 1024 groups), min_by and corr, approx_percentile's final step (partial
 * digests merged into one group through their intermediates), and the
 * md5/xxhash64 kernels. Prints rows/s and ns/row; `--rows N` changes the
 * count.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "connectors/spi/expression.h"
#include "connectors/spi/function.h"
#include "connectors/spi/page.h"
#include "operators/aggregate_function.h"
#include "operators/expression_program.h"

enum { POOL = 16 };

static uint64_t seed = 7;
static uint64_t rnd(void)
{
    seed ^= seed << 13;
    seed ^= seed >> 7;
    seed ^= seed << 17;
    return seed;
}

static sql_type ty(const char *name)
{
    sql_type t;
    type_parse(name, &t);
    return t;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static page *make_page(void)
{
    static const char *words[] = {"special", "requests", "furiously", "quickly", "deposits", "packages",
                                  "ironic", "blithely", "final", "regular", "pending", "slyly"};
    sql_type types[4] = {ty("bigint"), ty("timestamp(3)"), ty("varchar"), ty("double")};
    page *p = page_new(4, types, VECTOR_SIZE);
    for (uint32_t r = 0; r < VECTOR_SIZE; r++) {
        ((int64_t *)p->columns[0].data)[r] = (int64_t)(rnd() % 5000000);
        ((double *)p->columns[3].data)[r] = (double)(rnd() >> 11) / 9007199254740992.0 * 1000;
        ((int64_t *)p->columns[1].data)[r] = (int64_t)(rnd() % (50LL * 365 * 86400000000LL));
        char text[64];
        int n = snprintf(text, sizeof text, "%s %s %s %s", words[rnd() % 12], words[rnd() % 12], words[rnd() % 12],
                         words[rnd() % 12]);
        vector_add_string(&p->columns[2], text, (uint32_t)n, (string_view *)p->columns[2].data + r);
    }
    p->row_count = VECTOR_SIZE;
    return p;
}

static expr *call(const char *name, int n, expr **args)
{
    sql_type types[4];
    for (int i = 0; i < n; i++)
        types[i] = args[i]->type;
    resolved_function r;
    shoal_error e;
    if (!function_resolve(name, n, types, &r, &e)) {
        fprintf(stderr, "%s\n", e.message);
        exit(1);
    }
    return expr_call(r.function, r.return_type, n, args);
}

static expr *str(const char *s)
{
    return expr_constant(value_varchar(s, (uint32_t)strlen(s)));
}

static void report(const char *name, long rows, double elapsed)
{
    printf("| %-44s | %12.0f | %7.2f |\n", name, rows / elapsed, elapsed * 1e9 / rows);
}

static void run_expr(const char *name, expr *e, bool filter, page **pool, long rows)
{
    shoal_error error;
    expr_program *p = expr_program_compile(e, &error);
    if (!p) {
        fprintf(stderr, "%s: %s\n", name, error.message);
        exit(1);
    }
    static uint32_t selection[VECTOR_SIZE];
    long done = 0;
    double start = now();
    for (long i = 0; done < rows; i++) {
        page *in = pool[i % POOL];
        bool ok;
        if (filter) {
            uint32_t n;
            ok = expr_program_filter(p, in, NULL, VECTOR_SIZE, selection, &n, &error);
        } else {
            vector out;
            ok = expr_program_evaluate(p, in, NULL, VECTOR_SIZE, &out, &error);
            if (ok)
                vector_destroy(&out);
        }
        if (!ok) {
            fprintf(stderr, "%s: %s\n", name, error.message);
            exit(1);
        }
        done += VECTOR_SIZE;
    }
    report(name, done, now() - start);
    expr_program_free(p);
    expr_free(e);
}

static void run_approx_distinct(const char *name, int column, page **pool, long rows)
{
    sql_type t = pool[0]->columns[column].type;
    resolved_function r;
    shoal_error error;
    if (!function_resolve("approx_distinct", 1, &t, &r, &error)) {
        fprintf(stderr, "%s\n", error.message);
        exit(1);
    }
    const aggregate_function *f = aggregate_function_for(&r, &error);
    if (!f) {
        fprintf(stderr, "%s\n", error.message);
        exit(1);
    }
    void *state = aligned_alloc(16, f->state_size);
    f->init(f, state);
    static void *states[VECTOR_SIZE];
    for (int i = 0; i < VECTOR_SIZE; i++)
        states[i] = state;
    long done = 0;
    double start = now();
    for (long i = 0; done < rows; i++) {
        const vector *args[1] = {&pool[i % POOL]->columns[column]};
        f->update(f, states, VECTOR_SIZE, args, &error);
        done += VECTOR_SIZE;
    }
    double elapsed = now() - start;
    sql_type bigint = ty("bigint");
    vector out;
    vector_init_flat(&out, bigint, 1);
    f->finalize(f, state, &out, 0, &error);
    char label[96];
    snprintf(label, sizeof label, "%s (estimate %lld)", name, (long long)((int64_t *)out.data)[0]);
    report(label, done, elapsed);
    vector_destroy(&out);
    free(state);
}

/* The update step of aggregate `name` over pool columns `columns` (-1: the
 * constant `constant` as a double), into one state or `groups` states
 * picked by the bigint column (as a hash aggregation would). */
static void run_aggregate(const char *label, const char *name, int arg_count, const int *columns, double constant,
                          int groups, page **pool, long rows)
{
    sql_type types[4];
    vector constants[4];
    for (int k = 0; k < arg_count; k++) {
        types[k] = columns[k] >= 0 ? pool[0]->columns[columns[k]].type : ty("double");
        if (columns[k] < 0)
            vector_init_constant(&constants[k], types[k], &constant);
    }
    resolved_function r;
    shoal_error error;
    const aggregate_function *f = function_resolve(name, arg_count, types, &r, &error)
                                      ? aggregate_function_for(&r, &error) : NULL;
    if (!f) {
        fprintf(stderr, "%s: %s\n", name, error.message);
        exit(1);
    }
    unsigned char *block = aligned_alloc(16, f->state_size * (size_t)groups);
    for (int g = 0; g < groups; g++)
        f->init(f, block + f->state_size * (size_t)g);
    static void *states[VECTOR_SIZE];
    long done = 0;
    double start = now();
    for (long i = 0; done < rows; i++) {
        const page *p = pool[i % POOL];
        const int64_t *keys = p->columns[0].data;
        for (int k = 0; k < VECTOR_SIZE; k++)
            states[k] = block + f->state_size * (size_t)(groups == 1 ? 0 : (uint64_t)keys[k] % (uint64_t)groups);
        const vector *args[4];
        for (int k = 0; k < arg_count; k++)
            args[k] = columns[k] >= 0 ? &p->columns[columns[k]] : &constants[k];
        if (!f->update(f, states, VECTOR_SIZE, args, &error)) {
            fprintf(stderr, "%s: %s\n", name, error.message);
            exit(1);
        }
        done += VECTOR_SIZE;
    }
    report(label, done, now() - start);
    for (int g = 0; g < groups; g++)
        if (f->destroy)
            f->destroy(f, block + f->state_size * (size_t)g);
    for (int k = 0; k < arg_count; k++)
        if (columns[k] < 0)
            vector_destroy(&constants[k]);
    free(block);
}

/* approx_percentile's final step: 1024 partial digests (one page of the
 * double column each) written as intermediates, then merged into one group
 * again and again; a "row" is one merged intermediate. */
static void run_percentile_merge(const char *label, page **pool, long rows)
{
    enum { PARTS = 1024 };
    sql_type types[2] = {ty("double"), ty("double")};
    double p = 0.5;
    vector percentile;
    vector_init_constant(&percentile, types[1], &p);
    resolved_function r;
    shoal_error error;
    const aggregate_function *f = function_resolve("approx_percentile", 2, types, &r, &error)
                                      ? aggregate_function_for(&r, &error) : NULL;
    if (!f) {
        fprintf(stderr, "approx_percentile: %s\n", error.message);
        exit(1);
    }
    unsigned char *block = aligned_alloc(16, f->state_size * 2);
    static void *states[VECTOR_SIZE];
    vector intermediate;
    vector_init_flat(&intermediate, f->intermediate_type, PARTS);
    for (int part = 0; part < PARTS; part++) {
        f->init(f, block);
        for (int k = 0; k < VECTOR_SIZE; k++)
            states[k] = block;
        const vector *args[2] = {&pool[part % POOL]->columns[3], &percentile};
        if (!f->update(f, states, VECTOR_SIZE, args, &error) || !f->write_intermediate(f, block, &intermediate, part)) {
            fprintf(stderr, "approx_percentile: %s\n", error.message);
            exit(1);
        }
        f->destroy(f, block);
    }
    void *final = block + f->state_size;
    static void *targets[PARTS];
    for (int k = 0; k < PARTS; k++)
        targets[k] = final;
    long done = 0;
    double start = now();
    while (done < rows) {
        f->init(f, final);
        if (!f->merge_intermediate(f, targets, PARTS, &intermediate, &error)) {
            fprintf(stderr, "approx_percentile: %s\n", error.message);
            exit(1);
        }
        f->destroy(f, final);
        done += PARTS;
    }
    report(label, done, now() - start);
    vector_destroy(&intermediate);
    vector_destroy(&percentile);
    free(block);
}

int main(int argc, char **argv)
{
    long rows = 10000000;
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--rows") == 0 && i + 1 < argc)
            rows = atol(argv[++i]);
    expr_functions_install();
    page *pool[POOL];
    for (int i = 0; i < POOL; i++)
        pool[i] = make_page();
    printf("| %-44s | %12s | %7s |\n", "case", "rows/s", "ns/row");
    printf("|%s|%s|%s|\n", "----------------------------------------------", "--------------", "---------");
    expr *a1[2] = {expr_column(2, ty("varchar")), str("fur.*ly")};
    run_expr("regexp_like(comment, 'fur.*ly') filter", call("regexp_like", 2, a1), true, pool, rows);
    expr *a2[2] = {expr_column(2, ty("varchar")), str("^(special|ironic) [a-z]+ final")};
    run_expr("regexp_like(comment, '^(special|ironic)...') filter", call("regexp_like", 2, a2), true, pool, rows);
    expr *a3[2] = {str("month"), expr_column(1, ty("timestamp(3)"))};
    run_expr("date_trunc('month', ts)", call("date_trunc", 2, a3), false, pool, rows);
    expr *a4[2] = {str("hour"), expr_column(1, ty("timestamp(3)"))};
    run_expr("date_trunc('hour', ts)", call("date_trunc", 2, a4), false, pool, rows);
    run_approx_distinct("approx_distinct(bigint) update", 0, pool, rows);
    run_approx_distinct("approx_distinct(varchar) update", 2, pool, rows);
    const int x_p[2] = {3, -1}, value_key[2] = {2, 0}, pair[2] = {3, 3};
    run_aggregate("approx_percentile(double, 0.5) update", "approx_percentile", 2, x_p, 0.5, 1, pool, rows);
    run_aggregate("approx_percentile(double, 0.5), 1024 groups", "approx_percentile", 2, x_p, 0.5, 1024, pool, rows);
    run_aggregate("min_by(varchar, bigint) update", "min_by", 2, value_key, 0, 1, pool, rows);
    run_aggregate("corr(double, double) update", "corr", 2, pair, 0, 1, pool, rows);
    run_percentile_merge("approx_percentile merge, 1024 partials", pool, rows / 1000);
    expr *a5[1] = {expr_column(2, ty("varchar"))};
    expr *b5[1] = {call("to_utf8", 1, a5)};
    run_expr("xxhash64(to_utf8(comment))", call("xxhash64", 1, b5), false, pool, rows);
    expr *a6[1] = {expr_column(2, ty("varchar"))};
    expr *b6[1] = {call("to_utf8", 1, a6)};
    run_expr("md5(to_utf8(comment))", call("md5", 1, b6), false, pool, rows);
    for (int i = 0; i < POOL; i++)
        page_unref(pool[i]);
    return 0;
}
