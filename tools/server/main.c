/*
 * main.c — shoal-server. For now its embedded mode:
 *
 *   shoal-server --execute "SQL" [--catalog C] [--schema S]
 *                [--output-format ALIGNED|CSV|TSV|JSON|...] [--etc DIR] [--timing]
 *   shoal-server --file F ...      (statements separated by ';', run in order)
 *   shoal-server --etc DIR         server mode: the REST API (server_mode.c)
 *
 * runs a single-node engine in this process (catalogs from --etc DIR, else a
 * default `tpch` catalog and a `memory` catalog), prints each statement's
 * result, and exits non-zero after the first failing statement, whose error
 * goes to stderr in Trino's form.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "actors/engine/engine.h"
#include "actors/engine/query.h"
#include "actors/engine/session.h"
#include "tools/common/output_format.h"
#include "server_mode.h"
#include "sql/parser.h"

typedef struct options {
    const char *execute;
    const char *file;
    const char *catalog;
    const char *schema;
    const char *etc;
    const char *user;
    output_format format;
    bool timing;
    int threads;
} options;

static void usage(FILE *out)
{
    fprintf(out,
            "usage: shoal-server --execute SQL | --file FILE [options]\n"
            "  --catalog NAME         session catalog\n"
            "  --schema NAME          session schema\n"
            "  --output-format FMT    ALIGNED (default), VERTICAL, CSV, CSV_HEADER, TSV,\n"
            "                         TSV_HEADER, JSON, MARKDOWN\n"
            "  --etc DIR              read catalogs from DIR/catalog/*.properties\n"
            "  --user NAME            session user (default: shoal)\n"
            "  --threads N            scheduler threads (default: one per core)\n"
            "  --timing               print each statement's elapsed time to stderr\n");
}

static bool parse_options(int argc, char **argv, options *o)
{
    static const struct option long_options[] = {
        {"execute", required_argument, NULL, 'e'}, {"file", required_argument, NULL, 'f'},
        {"catalog", required_argument, NULL, 'c'}, {"schema", required_argument, NULL, 's'},
        {"output-format", required_argument, NULL, 'o'}, {"etc", required_argument, NULL, 'E'},
        {"user", required_argument, NULL, 'u'}, {"threads", required_argument, NULL, 't'},
        {"timing", no_argument, NULL, 'T'}, {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    memset(o, 0, sizeof *o);
    o->format = OUTPUT_ALIGNED;
    int c;
    while ((c = getopt_long(argc, argv, "", long_options, NULL)) != -1) {
        switch (c) {
        case 'e': o->execute = optarg; break;
        case 'f': o->file = optarg; break;
        case 'c': o->catalog = optarg; break;
        case 's': o->schema = optarg; break;
        case 'E': o->etc = optarg; break;
        case 'u': o->user = optarg; break;
        case 't': o->threads = atoi(optarg); break;
        case 'T': o->timing = true; break;
        case 'o':
            if (!output_format_parse(optarg, &o->format)) {
                fprintf(stderr, "shoal-server: unknown output format '%s'\n", optarg);
                return false;
            }
            break;
        case 'h': usage(stdout); exit(0);
        default: usage(stderr); return false;
        }
    }
    if (!o->execute && !o->file && !o->etc) { /* --etc alone: server mode */
        usage(stderr);
        return false;
    }
    return true;
}

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *text = malloc((size_t)size + 1);
    if (text && fread(text, 1, (size_t)size, f) != (size_t)size) {
        free(text);
        text = NULL;
    }
    if (text)
        text[size] = '\0';
    fclose(f);
    return text;
}

static void print_error(const shoal_error *e)
{
    if (e->line > 0)
        fprintf(stderr, "Query failed: line %d:%d: %s (%s)\n", e->line, e->column, e->message, error_name(e->code));
    else
        fprintf(stderr, "Query failed: %s (%s)\n", e->message, error_name(e->code));
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Runs one statement and prints its result; false when it failed. */
static bool run_statement(engine *e, session *s, const char *sql, const options *o)
{
    double start = now_seconds();
    query *q = query_submit(e, s, sql);
    if (!q) {
        fprintf(stderr, "Query failed: out of memory\n");
        return false;
    }
    result_printer *printer = NULL;
    bool ok = true;
    for (;;) {
        page *p = NULL;
        shoal_error error;
        error_clear(&error);
        query_fetch_status status = query_fetch(q, &p, 1000, &error);
        if (status == QUERY_FETCH_WAITING)
            continue;
        if (status == QUERY_FETCH_FAILED) {
            print_error(&error);
            ok = false;
            break;
        }
        if (!printer && !query_update_type(q))
            printer = result_printer_new(stdout, o->format, query_column_count(q), query_columns(q));
        if (status == QUERY_FETCH_DONE)
            break;
        if (printer)
            result_printer_add_page(printer, p);
        page_unref(p);
    }
    if (ok && printer)
        result_printer_finish(printer);
    else if (ok && query_has_update_count(q))
        fprintf(stderr, "%s: %lld row%s\n", query_update_type(q), (long long)query_update_count(q),
                query_update_count(q) == 1 ? "" : "s");
    else if (ok && query_update_type(q))
        fprintf(stderr, "%s\n", query_update_type(q));
    result_printer_free(printer);
    query_free(q);
    if (o->timing)
        fprintf(stderr, "elapsed: %.3f s\n", now_seconds() - start);
    return ok;
}

/* Splits a script into statements with the parser (which knows quotes and
 * comments) and runs them in order. */
static bool run_script(engine *e, session *s, const char *text, const options *o)
{
    sql_arena *arena = sql_arena_create();
    ast_list statements;
    sql_error error;
    sql_error_clear(&error);
    if (sql_parse_statements(arena, text, strlen(text), &statements, &error) != 0) {
        char message[4096];
        sql_error_format(&error, message, sizeof message);
        fprintf(stderr, "Query failed: %s (%s)\n", message, error.name ? error.name : "SYNTAX_ERROR");
        sql_arena_destroy(arena);
        return false;
    }
    bool ok = true;
    for (uint32_t i = 0; ok && i < statements.count; i++) {
        const ast_node *node = statements.items[i];
        uint32_t start = node->pos.offset;
        uint32_t end = i + 1 < statements.count ? statements.items[i + 1]->pos.offset : (uint32_t)strlen(text);
        char *sql = strndup(text + start, end - start);
        /* drop the trailing ';' and space before the next statement */
        size_t n = strlen(sql);
        while (n > 0 && (sql[n - 1] == ';' || sql[n - 1] == ' ' || sql[n - 1] == '\n' || sql[n - 1] == '\t' || sql[n - 1] == '\r'))
            sql[--n] = '\0';
        ok = run_statement(e, s, sql, o);
        free(sql);
    }
    sql_arena_destroy(arena);
    return ok;
}

int main(int argc, char **argv)
{
    options o;
    if (!parse_options(argc, argv, &o))
        return 2;
    if (!o.execute && !o.file) /* server mode (tools/server/server_mode.c) */
        return run_server(&(server_mode_options){.etc = o.etc, .threads = o.threads});
    shoal_error error;
    error_clear(&error);
    engine_config config = {.threads = o.threads, .etc_dir = o.etc};
    engine *e = engine_create(&config, &error);
    if (!e) {
        fprintf(stderr, "shoal-server: %s (%s)\n", error.message, error_name(error.code));
        return 1;
    }
    session *s = session_new(o.user, o.catalog, o.schema);
    bool ok;
    if (o.file) {
        char *text = read_file(o.file);
        if (!text) {
            fprintf(stderr, "shoal-server: cannot read %s\n", o.file);
            ok = false;
        } else {
            ok = run_script(e, s, text, &o);
            free(text);
        }
    } else {
        ok = run_script(e, s, o.execute, &o);
    }
    session_free(s);
    engine_destroy(e);
    return ok ? 0 : 1;
}
