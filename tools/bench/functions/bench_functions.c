/*
 * bench_functions.c — throughput of compiled expression programs: each case
 * evaluates (or filters) 10M rows in 2048-row pages drawn from a pool of
 * generated pages, and reports rows/s and ns/row. `--json` prints JSON,
 * `--rows N` changes the row count.
 *
 * Columns: #0 bigint, #1 decimal(12,2) price, #2 decimal(12,2) discount
 * (0.00..0.10), #3 decimal(12,2) tax, #4 date, #5 varchar comment (~40 B),
 * #6 varchar type ("PROMO ..."/"STANDARD ...").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "connectors/spi/decimal.h"
#include "connectors/spi/expression.h"
#include "connectors/spi/function.h"
#include "connectors/spi/page.h"
#include "operators/expression_program.h"

enum { POOL = 32 };

static sql_type ty(const char *name)
{
    sql_type t;
    type_parse(name, &t);
    return t;
}

static expr *call(const char *name, int n, expr *a, expr *b)
{
    expr *args[2] = {a, b};
    sql_type types[2] = {a->type, b ? b->type : a->type};
    resolved_function r;
    shoal_error e;
    if (!function_resolve(name, n, types, &r, &e)) {
        fprintf(stderr, "%s\n", e.message);
        exit(1);
    }
    return expr_call(r.function, r.return_type, n, args);
}

static expr *call3(const char *name, expr *a, expr *b, expr *c)
{
    expr *args[3] = {a, b, c};
    sql_type types[3] = {a->type, b->type, c->type};
    resolved_function r;
    shoal_error e;
    if (!function_resolve(name, 3, types, &r, &e)) {
        fprintf(stderr, "%s\n", e.message);
        exit(1);
    }
    return expr_call(r.function, r.return_type, 3, args);
}

static expr *col(int c, const char *t) { return expr_column(c, ty(t)); }
static expr *str(const char *s) { return expr_constant(value_varchar(s, (uint32_t)strlen(s))); }
static expr *dec(int p, int s, int64_t v) { return expr_constant(value_decimal(p, s, v)); }

static uint64_t seed = 42;
static uint64_t rnd(void)
{
    seed ^= seed << 13;
    seed ^= seed >> 7;
    seed ^= seed << 17;
    return seed;
}

static page *make_page(void)
{
    static const char *words[] = {"special", "requests", "furiously", "quickly", "deposits", "packages",
                                  "carefully", "final", "ironic", "pending", "regular", "express"};
    sql_type types[7] = {ty("bigint"), ty("decimal(12,2)"), ty("decimal(12,2)"), ty("decimal(12,2)"),
                         ty("date"), ty("varchar"), ty("varchar")};
    page *p = page_new(7, types, VECTOR_SIZE);
    p->row_count = VECTOR_SIZE;
    for (uint32_t r = 0; r < VECTOR_SIZE; r++) {
        ((int64_t *)p->columns[0].data)[r] = (int64_t)(rnd() % 1000000);
        ((int64_t *)p->columns[1].data)[r] = (int64_t)(rnd() % 10000000) + 100;
        ((int64_t *)p->columns[2].data)[r] = (int64_t)(rnd() % 11);
        ((int64_t *)p->columns[3].data)[r] = (int64_t)(rnd() % 9);
        ((int32_t *)p->columns[4].data)[r] = 8000 + (int32_t)(rnd() % 2500);
        char text[128];
        int n = 0;
        for (int w = 0; w < 5; w++)
            n += snprintf(text + n, sizeof text - (size_t)n, "%s%s", w ? " " : "", words[rnd() % 12]);
        vector_add_string(&p->columns[5], text, (uint32_t)n, (string_view *)p->columns[5].data + r);
        n = snprintf(text, sizeof text, "%s ANODIZED %s", rnd() % 5 == 0 ? "PROMO" : "STANDARD",
                     rnd() % 2 ? "TIN" : "STEEL");
        vector_add_string(&p->columns[6], text, (uint32_t)n, (string_view *)p->columns[6].data + r);
    }
    return p;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

typedef struct result {
    const char *name;
    double rows_per_second;
    double ns_per_row;
    double selectivity;
} result;

static result run(const char *name, expr *e, bool filter, page **pool, long rows)
{
    shoal_error error;
    expr_program *p = expr_program_compile(e, &error);
    if (!p) {
        fprintf(stderr, "%s: %s\n", name, error.message);
        exit(1);
    }
    static uint32_t selection[VECTOR_SIZE];
    long done = 0, selected = 0;
    double start = now();
    for (long i = 0; done < rows; i++) {
        page *in = pool[i % POOL];
        if (filter) {
            uint32_t n;
            if (!expr_program_filter(p, in, NULL, VECTOR_SIZE, selection, &n, &error)) {
                fprintf(stderr, "%s: %s\n", name, error.message);
                exit(1);
            }
            selected += n;
        } else {
            vector out;
            if (!expr_program_evaluate(p, in, NULL, VECTOR_SIZE, &out, &error)) {
                fprintf(stderr, "%s: %s\n", name, error.message);
                exit(1);
            }
            vector_destroy(&out);
        }
        done += VECTOR_SIZE;
    }
    double elapsed = now() - start;
    expr_program_free(p);
    expr_free(e);
    return (result){name, done / elapsed, elapsed * 1e9 / done, filter ? (double)selected / done : 1.0};
}

int main(int argc, char **argv)
{
    bool json = false;
    long rows = 10000000;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0)
            json = true;
        else if (strcmp(argv[i], "--rows") == 0 && i + 1 < argc)
            rows = atol(argv[++i]);
    }
    expr_functions_install();
    page *pool[POOL];
    for (int i = 0; i < POOL; i++)
        pool[i] = make_page();
    sql_type b = ty("boolean");
    result results[16];
    int n = 0;
    results[n++] = run("bigint add (col + col)", call("$add", 2, col(0, "bigint"), col(0, "bigint")), false, pool, rows);
    results[n++] = run("bigint multiply (col * 3)",
                       call("$multiply", 2, col(0, "bigint"), expr_constant(value_bigint(3))), false, pool, rows);
    results[n++] = run("filter bigint col < const",
                       call("$less_than", 2, col(0, "bigint"), expr_constant(value_bigint(500000))), true, pool, rows);
    expr *between_args[3] = {col(4, "date"), expr_constant(value_date(8500)), expr_constant(value_date(8865))};
    results[n++] = run("filter date BETWEEN", expr_special(EXPR_BETWEEN, b, 3, between_args), true, pool, rows);
    expr *q6[3] = {call("$greater_than_or_equal", 2, col(2, "decimal(12,2)"), dec(3, 2, 5)),
                   call("$less_than_or_equal", 2, col(2, "decimal(12,2)"), dec(3, 2, 7)),
                   call("$less_than", 2, col(0, "bigint"), expr_constant(value_bigint(240000)))};
    results[n++] = run("filter Q6-like AND (3 conjuncts)", expr_special(EXPR_AND, b, 3, q6), true, pool, rows);
    expr *like1[2] = {col(6, "varchar"), str("PROMO%")};
    results[n++] = run("filter LIKE 'PROMO%'", expr_special(EXPR_LIKE, b, 2, like1), true, pool, rows);
    expr *like2[2] = {col(5, "varchar"), str("%special%requests%")};
    results[n++] = run("filter LIKE '%special%requests%'", expr_special(EXPR_LIKE, b, 2, like2), true, pool, rows);
    expr *like3[2] = {col(5, "varchar"), str("%fin_l%")};
    results[n++] = run("filter LIKE '%fin_l%' (general)", expr_special(EXPR_LIKE, b, 2, like3), true, pool, rows);
    results[n++] = run("substr(varchar, 1, 2)",
                       call3("substr", col(5, "varchar"), expr_constant(value_bigint(1)), expr_constant(value_bigint(2))),
                       false, pool, rows);
    results[n++] = run("decimal multiply (short*short->long)",
                       call("$multiply", 2, col(1, "decimal(12,2)"), col(2, "decimal(12,2)")), false, pool, rows);
    expr *disc_price = call("$multiply", 2, col(1, "decimal(12,2)"),
                            call("$subtract", 2, dec(1, 0, 1), col(2, "decimal(12,2)")));
    results[n++] = run("decimal price*(1-disc)", expr_copy(disc_price), false, pool, rows);
    results[n++] = run("decimal price*(1-disc)*(1+tax)",
                       call("$multiply", 2, disc_price, call("$add", 2, dec(1, 0, 1), col(3, "decimal(12,2)"))),
                       false, pool, rows);
    expr *case_args[3] = {call("$less_than", 2, col(0, "bigint"), expr_constant(value_bigint(300000))),
                          call("$multiply", 2, col(1, "decimal(12,2)"), col(2, "decimal(12,2)")),
                          dec(25, 4, 0)};
    results[n++] = run("CASE WHEN x < c THEN dec*dec ELSE 0", expr_special(EXPR_CASE, ty("decimal(25,4)"), 3, case_args),
                       false, pool, rows);
    if (json) {
        printf("{\"rows\": %ld, \"results\": [", rows);
        for (int i = 0; i < n; i++)
            printf("%s{\"name\": \"%s\", \"rows_per_second\": %.0f, \"ns_per_row\": %.3f, \"selectivity\": %.4f}",
                   i ? ", " : "", results[i].name, results[i].rows_per_second, results[i].ns_per_row,
                   results[i].selectivity);
        printf("]}\n");
    } else {
        printf("| %-40s | %12s | %8s | %11s |\n", "case", "rows/s", "ns/row", "selectivity");
        printf("|------------------------------------------|--------------|----------|-------------|\n");
        for (int i = 0; i < n; i++)
            printf("| %-40s | %10.1f M | %8.2f | %11.3f |\n", results[i].name, results[i].rows_per_second / 1e6,
                   results[i].ns_per_row, results[i].selectivity);
    }
    for (int i = 0; i < POOL; i++)
        page_unref(pool[i]);
    return 0;
}
