/*
 * main.c — shoal-slt, the sqllogictest runner:
 *
 *   shoal-slt [options] PATH...
 *
 * PATH is a .test file or a directory (searched recursively for *.test).
 * Each file runs against a fresh schema of the `memory` catalog of an
 * in-process engine; the report gives per-file, per-group and total pass
 * rates, dialect records by rule, and failures grouped by cause.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tools/slt/dialect.h"
#include "tools/slt/slt_report.h"
#include "tools/slt/slt_runner.h"

/* Trino is closest to PostgreSQL among the corpus's engine names; see
 * tools/slt/README.md ("Engine name"). */
#define DEFAULT_ENGINE_NAME "postgresql"
enum { FAST_MAX_RECORDS = 1000, FAST_TIME_LIMIT = 30, DEFAULT_TIME_LIMIT = 900 };

typedef struct cli {
    slt_options run;
    const char *json_path;
    int top;
    bool per_file;
    bool quiet;
    double min_pass_rate;       /* -1: not checked */
    double min_non_dialect_rate;
    long min_passed;
    bool fast;
    bool time_limit_set;
    bool max_records_set;
    bool jobs_set;
} cli;

static void usage(FILE *out)
{
    fprintf(out,
            "usage: shoal-slt [options] PATH...    (a .test file or a directory of them)\n"
            "  --engine NAME          name for skipif/onlyif (default " DEFAULT_ENGINE_NAME ")\n"
            "  --fast                 the test-command mode: at most %d records per file,\n"
            "                         %d s per file, 2 files at once\n"
            "  --max-records N        run at most N records of each file (0: all)\n"
            "  --time-limit SECONDS   per file (default %d; 0: none)\n"
            "  --jobs N               files run at once, each in its own process (default 1)\n"
            "  --threads N            engine threads per file (default 2)\n"
            "  --verbose              print each failing record, expected vs actual\n"
            "  --json FILE            write a JSON summary to FILE ('-': stdout)\n"
            "  --top N                failure causes to list (default 40)\n"
            "  --no-per-file          only group and total rows\n"
            "  --quiet                no text report (with --json)\n"
            "  --min-pass-rate P      exit 1 when passed/run is below P percent\n"
            "  --min-non-dialect-rate P  exit 1 when passed/(run-dialect) is below P percent\n"
            "  --min-passed N         exit 1 when fewer than N records passed\n"
            "  --no-fork              run files in this process (debugging; a crash ends the run)\n"
            "  --list-rules           print the dialect rules and exit\n",
            FAST_MAX_RECORDS, FAST_TIME_LIMIT, DEFAULT_TIME_LIMIT);
}

static bool parse_cli(int argc, char **argv, cli *c)
{
    static const struct option options[] = {
        {"engine", required_argument, NULL, 'e'},     {"fast", no_argument, NULL, 'f'},
        {"max-records", required_argument, NULL, 'm'}, {"time-limit", required_argument, NULL, 't'},
        {"jobs", required_argument, NULL, 'j'},        {"threads", required_argument, NULL, 'T'},
        {"verbose", no_argument, NULL, 'v'},           {"json", required_argument, NULL, 'J'},
        {"top", required_argument, NULL, 'n'},         {"no-per-file", no_argument, NULL, 'P'},
        {"quiet", no_argument, NULL, 'q'},             {"min-pass-rate", required_argument, NULL, 'r'},
        {"min-non-dialect-rate", required_argument, NULL, 'R'}, {"min-passed", required_argument, NULL, 'p'},
        {"no-fork", no_argument, NULL, 'F'},           {"list-rules", no_argument, NULL, 'L'},
        {"help", no_argument, NULL, 'h'},              {NULL, 0, NULL, 0},
    };
    memset(c, 0, sizeof *c);
    c->run.engine_name = DEFAULT_ENGINE_NAME;
    c->run.file_time_limit = DEFAULT_TIME_LIMIT;
    c->run.jobs = 1;
    c->run.threads = 2;
    c->run.fork_per_file = true;
    c->top = 40;
    c->per_file = true;
    c->min_pass_rate = -1;
    c->min_non_dialect_rate = -1;
    c->min_passed = -1;
    int opt;
    while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
        switch (opt) {
        case 'e': c->run.engine_name = optarg; break;
        case 'f': c->fast = true; break;
        case 'm': c->run.max_records = atol(optarg); c->max_records_set = true; break;
        case 't': c->run.file_time_limit = atof(optarg); c->time_limit_set = true; break;
        case 'j': c->run.jobs = atoi(optarg); c->jobs_set = true; break;
        case 'T': c->run.threads = atoi(optarg); break;
        case 'v': c->run.verbose = true; break;
        case 'J': c->json_path = optarg; break;
        case 'n': c->top = atoi(optarg); break;
        case 'P': c->per_file = false; break;
        case 'q': c->quiet = true; break;
        case 'r': c->min_pass_rate = atof(optarg); break;
        case 'R': c->min_non_dialect_rate = atof(optarg); break;
        case 'p': c->min_passed = atol(optarg); break;
        case 'F': c->run.fork_per_file = false; break;
        case 'L': {
            int n;
            const dialect_rule *rules = dialect_rules(&n);
            for (int i = 0; i < n; i++)
                printf("%-28s %s\n", rules[i].name, rules[i].summary);
            exit(0);
        }
        case 'h': usage(stdout); exit(0);
        default: usage(stderr); return false;
        }
    }
    if (c->fast) {
        if (!c->max_records_set)
            c->run.max_records = FAST_MAX_RECORDS;
        if (!c->time_limit_set)
            c->run.file_time_limit = FAST_TIME_LIMIT;
        if (!c->jobs_set)
            c->run.jobs = 2;
    }
    if (optind >= argc) {
        usage(stderr);
        return false;
    }
    return true;
}

typedef struct file_list {
    slt_file *items;
    int count;
    int capacity;
} file_list;

static int compare_paths(const void *a, const void *b)
{
    return strverscmp(((const slt_file *)a)->path, ((const slt_file *)b)->path);
}

/* The path shown in reports: from the corpus's test/ folder when inside it. */
static void add_file(file_list *list, const char *path)
{
    if (list->count == list->capacity) {
        list->capacity = list->capacity ? list->capacity * 2 : 64;
        list->items = realloc(list->items, sizeof *list->items * (size_t)list->capacity);
    }
    slt_file *f = &list->items[list->count++];
    f->path = strdup(path);
    const char *marker = strstr(path, "/slt/test/");
    const char *display = marker ? marker + strlen("/slt/test/") : path;
    f->display = strdup(display);
    char *slash = strrchr(f->display, '/');
    f->group = slash ? strndup(f->display, (size_t)(slash - f->display)) : strdup(".");
}

static void add_directory(file_list *list, const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *entry;
    while ((entry = readdir(d)) != NULL) {
        if (entry->d_name[0] == '.')
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, entry->d_name);
        struct stat st;
        if (stat(path, &st) != 0)
            continue;
        size_t n = strlen(entry->d_name);
        if (S_ISDIR(st.st_mode))
            add_directory(list, path);
        else if (n > 5 && strcmp(entry->d_name + n - 5, ".test") == 0)
            add_file(list, path);
    }
    closedir(d);
}

int main(int argc, char **argv)
{
    cli c;
    if (!parse_cli(argc, argv, &c))
        return 2;
    file_list files = {0};
    for (int i = optind; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0) {
            fprintf(stderr, "shoal-slt: %s: no such file or directory\n", argv[i]);
            return 2;
        }
        if (S_ISDIR(st.st_mode)) {
            int first = files.count;
            char *dir = strdup(argv[i]);
            size_t n = strlen(dir);
            while (n > 1 && dir[n - 1] == '/')
                dir[--n] = '\0';
            add_directory(&files, dir);
            free(dir);
            qsort(files.items + first, (size_t)(files.count - first), sizeof *files.items, compare_paths);
        } else {
            add_file(&files, argv[i]);
        }
    }
    if (files.count == 0) {
        fprintf(stderr, "shoal-slt: no .test files\n");
        return 2;
    }
    slt_report report;
    slt_report_init(&report);
    slt_run_files(files.items, files.count, &c.run, &report);
    if (!c.quiet)
        slt_report_print(&report, stdout, c.top, c.per_file);
    if (c.json_path) {
        FILE *out = strcmp(c.json_path, "-") == 0 ? stdout : fopen(c.json_path, "w");
        if (!out) {
            fprintf(stderr, "shoal-slt: cannot write %s\n", c.json_path);
        } else {
            slt_report_print_json(&report, out, c.top);
            if (out != stdout)
                fclose(out);
        }
    }
    slt_counts t = slt_report_totals(&report);
    int status = 0;
    double rate = slt_rate(t.passed, t.run);
    double nd_rate = slt_rate(t.passed, t.run - t.dialect);
    if (c.min_pass_rate >= 0 && rate < c.min_pass_rate) {
        fprintf(stderr, "shoal-slt: pass rate %.2f%% is below the floor %.2f%%\n", rate, c.min_pass_rate);
        status = 1;
    }
    if (c.min_non_dialect_rate >= 0 && nd_rate < c.min_non_dialect_rate) {
        fprintf(stderr, "shoal-slt: non-dialect pass rate %.2f%% is below the floor %.2f%%\n", nd_rate,
                c.min_non_dialect_rate);
        status = 1;
    }
    if (c.min_passed >= 0 && t.passed < c.min_passed) {
        fprintf(stderr, "shoal-slt: %ld records passed, fewer than the floor %ld\n", t.passed, c.min_passed);
        status = 1;
    }
    slt_report_free(&report);
    for (int i = 0; i < files.count; i++) {
        free(files.items[i].path);
        free(files.items[i].display);
        free(files.items[i].group);
    }
    free(files.items);
    return status;
}
