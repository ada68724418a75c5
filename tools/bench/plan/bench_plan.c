/*
 * bench_plan.c — how long a query takes before it runs: parse, analyse
 * (names, types, functions against the tpch catalog's metadata) and
 * optimise, for each of the 22 TPC-H queries. Target: under 1 ms each
 * (Trino takes tens of ms). Prints a table; --json prints one JSON object.
 *
 *   bench_plan [--json] [--reps N]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "actors/engine/engine.h"
#include "connectors/spi/catalog.h"
#include "sql/analyzer.h"
#include "sql/optimizer.h"
#include "sql/parser.h"

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static char *read_query(int number)
{
    char path[512];
    snprintf(path, sizeof path, "%s/testdata/tpch/queries/q%02d.sql", SHOAL_SHARED_DIR, number);
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    char *text = calloc(1, 16384);
    size_t n = fread(text, 1, 16383, f);
    fclose(f);
    while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == ';' || text[n - 1] == ' '))
        text[--n] = '\0';
    return text;
}

typedef struct lookup {
    catalog_registry *catalogs;
    catalog *held[16];
    int count;
} lookup;

static connector *find_catalog(void *context, const char *name)
{
    lookup *l = context;
    catalog *c = l->count < 16 ? catalog_acquire(l->catalogs, name, NULL) : NULL;
    if (!c)
        return NULL;
    l->held[l->count++] = c;
    return catalog_connector(c);
}

/* One parse + analyse + optimise; false on an error (printed). */
static bool plan_once(catalog_registry *catalogs, const char *sql)
{
    sql_arena *arena = sql_arena_create();
    const ast_node *statement;
    sql_error parse_error;
    bool ok = sql_parse_statement(arena, sql, strlen(sql), &statement, &parse_error) == 0;
    lookup l = {.catalogs = catalogs};
    if (ok) {
        analyzer_context context = {.catalog = "tpch", .schema = "sf1", .user = "bench",
                                    .find_catalog = find_catalog, .lookup_context = &l};
        shoal_error error;
        plan_node *plan = analyze_query(statement, &context, &error);
        optimizer_context optimizer;
        optimizer_context_init(&optimizer);
        plan = plan ? optimizer_run(plan, &optimizer, &error) : NULL;
        if (!plan)
            fprintf(stderr, "bench_plan: %s\n", error.message);
        ok = plan != NULL;
        plan_free(plan);
    }
    for (int i = 0; i < l.count; i++)
        catalog_release(l.held[i]);
    sql_arena_destroy(arena);
    return ok;
}

int main(int argc, char **argv)
{
    bool json = false;
    int reps = 200;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0)
            json = true;
        else if (strcmp(argv[i], "--reps") == 0 && i + 1 < argc)
            reps = atoi(argv[++i]);
    }
    /* a tpch catalog with the standard names and decimals the queries use */
    char etc[] = "/tmp/bench-plan-XXXXXX", dir[512], file[600];
    if (!mkdtemp(etc))
        return 1;
    snprintf(dir, sizeof dir, "%s/catalog", etc);
    snprintf(file, sizeof file, "%s/tpch.properties", dir);
    FILE *f = mkdir(dir, 0700) == 0 ? fopen(file, "w") : NULL;
    if (!f)
        return 1;
    fputs("connector.name=tpch\ntpch.column-naming=STANDARD\ntpch.double-type-mapping=DECIMAL\n", f);
    fclose(f);
    shoal_error error;
    engine_config config = {.threads = 1, .etc_dir = etc};
    engine *e = engine_create(&config, &error);
    unlink(file);
    rmdir(dir);
    rmdir(etc);
    if (!e) {
        fprintf(stderr, "bench_plan: cannot start the engine: %s\n", error.message);
        return 1;
    }
    double micros[23] = {0}, worst = 0;
    for (int q = 1; q <= 22; q++) {
        char *sql = read_query(q);
        if (!sql || !plan_once(engine_catalogs(e), sql)) {
            fprintf(stderr, "bench_plan: q%02d does not plan\n", q);
            return 1;
        }
        double start = now_us();
        for (int r = 0; r < reps; r++)
            plan_once(engine_catalogs(e), sql);
        micros[q] = (now_us() - start) / reps;
        worst = micros[q] > worst ? micros[q] : worst;
        free(sql);
    }
    if (json) {
        printf("{\"target_us\": 1000, \"worst_us\": %.1f", worst);
        for (int q = 1; q <= 22; q++)
            printf(", \"q%02d_us\": %.1f", q, micros[q]);
        printf("}\n");
    } else {
        printf("%-6s %14s %10s\n", "query", "plan (us)", "target");
        for (int q = 1; q <= 22; q++)
            printf("q%02d    %14.1f %10s\n", q, micros[q], micros[q] <= 1000 ? "<= 1000 ok" : "<= 1000 MISS");
        printf("worst  %14.1f\n", worst);
    }
    engine_destroy(e);
    return 0;
}
