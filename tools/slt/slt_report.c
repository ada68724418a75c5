/*
 * slt_report.c — counting, grouping and printing sqllogictest outcomes.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tools/slt/dialect.h"
#include "tools/slt/slt_report.h"

static uint64_t hash_key(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static void table_free(slt_tally_table *t)
{
    for (int i = 0; i < t->count; i++) {
        free(t->items[i].key);
        free(t->items[i].example_sql);
        free(t->items[i].example_where);
    }
    free(t->items);
    free(t->index);
    memset(t, 0, sizeof *t);
}

static bool table_reindex(slt_tally_table *t, int size)
{
    int *index = malloc(sizeof *index * (size_t)size);
    if (!index)
        return false;
    for (int i = 0; i < size; i++)
        index[i] = -1;
    for (int i = 0; i < t->count; i++) {
        size_t slot = hash_key(t->items[i].key) & (size_t)(size - 1);
        while (index[slot] >= 0)
            slot = (slot + 1) & (size_t)(size - 1);
        index[slot] = i;
    }
    free(t->index);
    t->index = index;
    t->index_size = size;
    return true;
}

static void table_count(slt_tally_table *t, const char *key, const char *sql, const char *path, int line)
{
    if (t->index_size == 0 && !table_reindex(t, 64))
        return;
    size_t mask = (size_t)(t->index_size - 1);
    size_t slot = hash_key(key) & mask;
    while (t->index[slot] >= 0) {
        slt_tally *item = &t->items[t->index[slot]];
        if (strcmp(item->key, key) == 0) {
            item->count++;
            return;
        }
        slot = (slot + 1) & mask;
    }
    if (t->count == t->capacity) {
        int capacity = t->capacity ? t->capacity * 2 : 32;
        slt_tally *items = realloc(t->items, sizeof *items * (size_t)capacity);
        if (!items)
            return;
        t->items = items;
        t->capacity = capacity;
    }
    slt_tally *item = &t->items[t->count];
    memset(item, 0, sizeof *item);
    item->key = strdup(key);
    item->count = 1;
    item->example_sql = sql ? strdup(sql) : NULL;
    char where[1200];
    snprintf(where, sizeof where, "%s:%d", path ? path : "?", line);
    item->example_where = strdup(where);
    t->index[slot] = t->count++;
    if (t->count * 2 > t->index_size)
        table_reindex(t, t->index_size * 2);
}

void slt_report_init(slt_report *r)
{
    memset(r, 0, sizeof *r);
}

void slt_report_free(slt_report *r)
{
    for (int i = 0; i < r->file_count; i++) {
        free(r->files[i].path);
        free(r->files[i].group);
    }
    free(r->files);
    table_free(&r->causes);
    table_free(&r->rules);
    memset(r, 0, sizeof *r);
}

slt_file_stats *slt_report_add_file(slt_report *r, const char *path, const char *group)
{
    if (r->file_count == r->file_capacity) {
        int capacity = r->file_capacity ? r->file_capacity * 2 : 16;
        slt_file_stats *files = realloc(r->files, sizeof *files * (size_t)capacity);
        if (!files)
            return NULL;
        r->files = files;
        r->file_capacity = capacity;
    }
    slt_file_stats *f = &r->files[r->file_count++];
    memset(f, 0, sizeof *f);
    f->path = strdup(path);
    f->group = strdup(group);
    return f;
}

void slt_report_count_failure(slt_report *r, const char *cause, const char *sql, const char *path, int line)
{
    table_count(&r->causes, cause, sql, path, line);
}

void slt_report_count_dialect(slt_report *r, const char *rule, const char *sql, const char *path, int line)
{
    table_count(&r->rules, rule, sql, path, line);
}

slt_counts slt_report_totals(const slt_report *r)
{
    slt_counts t = {0};
    for (int i = 0; i < r->file_count; i++) {
        const slt_counts *c = &r->files[i].counts;
        t.run += c->run;
        t.passed += c->passed;
        t.failed += c->failed;
        t.dialect += c->dialect;
        t.skipped += c->skipped;
    }
    return t;
}

double slt_rate(long part, long whole)
{
    return whole > 0 ? 100.0 * (double)part / (double)whole : 0.0;
}

char *slt_error_cause(const char *error_name, const char *message)
{
    size_t n = strlen(message ? message : "");
    char *out = malloc(strlen(error_name ? error_name : "ERROR") + 2 * n + 16);
    if (!out)
        return NULL;
    size_t w = (size_t)sprintf(out, "%s: ", error_name ? error_name : "ERROR");
    const char *m = message ? message : "";
    size_t limit = w + 160;
    for (size_t i = 0; m[i] && w < limit;) {
        char ch = m[i];
        if (ch == '\'' || ch == '"') {
            const char *end = strchr(m + i + 1, ch);
            out[w++] = ch;
            out[w++] = '?';
            out[w++] = ch;
            i = end ? (size_t)(end - m) + 1 : n;
        } else if (isdigit((unsigned char)ch)) {
            out[w++] = 'N';
            while (isdigit((unsigned char)m[i]) || (m[i] == '.' && isdigit((unsigned char)m[i + 1])))
                i++;
        } else {
            out[w++] = ch;
            i++;
        }
    }
    out[w] = '\0';
    return out;
}

static int compare_tally(const void *a, const void *b)
{
    const slt_tally *x = a, *y = b;
    if (x->count != y->count)
        return x->count < y->count ? 1 : -1;
    return strcmp(x->key, y->key);
}

/* The tallies sorted by count, largest first (a malloc'd copy of pointers). */
static slt_tally *sorted_tallies(const slt_tally_table *t)
{
    slt_tally *copy = malloc(sizeof *copy * (size_t)(t->count ? t->count : 1));
    if (!copy)
        return NULL;
    memcpy(copy, t->items, sizeof *copy * (size_t)t->count);
    qsort(copy, (size_t)t->count, sizeof *copy, compare_tally);
    return copy;
}

static void print_counts_row(FILE *out, const char *name, const slt_counts *c, double seconds, const char *note)
{
    fprintf(out, "%-40s %8ld %8ld %7ld %7ld %7ld  %6.2f%% %6.2f%% %7.1fs%s\n", name, c->run, c->passed, c->failed,
            c->dialect, c->skipped, slt_rate(c->passed, c->run), slt_rate(c->passed, c->run - c->dialect), seconds,
            note);
}

static void add_counts(slt_counts *into, const slt_counts *c)
{
    into->run += c->run;
    into->passed += c->passed;
    into->failed += c->failed;
    into->dialect += c->dialect;
    into->skipped += c->skipped;
}

void slt_report_print(const slt_report *r, FILE *out, int top_causes, bool per_file)
{
    fprintf(out, "%-40s %8s %8s %7s %7s %7s  %7s %7s %8s\n", "file", "run", "pass", "fail", "dialect", "skip", "pass%",
            "nd-pass%", "time");
    double total_seconds = 0;
    for (int i = 0; i < r->file_count; i++) {
        const slt_file_stats *f = &r->files[i];
        total_seconds += f->seconds;
        if (per_file)
            print_counts_row(out, f->path, &f->counts, f->seconds,
                             f->unreadable ? "  (unreadable)" : f->timed_out ? "  (time limit)" : "");
    }
    /* groups, in order of first appearance */
    if (r->file_count > 1) {
        fprintf(out, "-- groups\n");
        for (int i = 0; i < r->file_count; i++) {
            bool seen = false;
            for (int j = 0; j < i && !seen; j++)
                seen = strcmp(r->files[j].group, r->files[i].group) == 0;
            if (seen)
                continue;
            slt_counts c = {0};
            double seconds = 0;
            for (int j = i; j < r->file_count; j++) {
                if (strcmp(r->files[j].group, r->files[i].group) == 0) {
                    add_counts(&c, &r->files[j].counts);
                    seconds += r->files[j].seconds;
                }
            }
            print_counts_row(out, r->files[i].group, &c, seconds, "");
        }
    }
    slt_counts t = slt_report_totals(r);
    print_counts_row(out, "TOTAL", &t, total_seconds, "");
    fprintf(out, "dialect share: %.2f%% of records run\n", slt_rate(t.dialect, t.run));

    if (r->rules.count) {
        fprintf(out, "\ndialect records by rule:\n");
        slt_tally *s = sorted_tallies(&r->rules);
        for (int i = 0; s && i < r->rules.count; i++)
            fprintf(out, "  %8ld  %s  (e.g. %s)\n", s[i].count, s[i].key, s[i].example_where);
        free(s);
    }
    if (r->causes.count) {
        fprintf(out, "\nfailures by cause (%d causes):\n", r->causes.count);
        slt_tally *s = sorted_tallies(&r->causes);
        for (int i = 0; s && i < r->causes.count && i < top_causes; i++) {
            fprintf(out, "  %8ld  %s\n", s[i].count, s[i].key);
            fprintf(out, "            e.g. %s: %.200s\n", s[i].example_where, s[i].example_sql ? s[i].example_sql : "");
        }
        free(s);
    }
}

static void json_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (; s && *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\')
            fprintf(out, "\\%c", ch);
        else if (ch == '\n')
            fputs("\\n", out);
        else if (ch < 0x20)
            fprintf(out, "\\u%04x", ch);
        else
            fputc(ch, out);
    }
    fputc('"', out);
}

static void json_counts(FILE *out, const slt_counts *c)
{
    fprintf(out,
            "\"run\": %ld, \"passed\": %ld, \"failed\": %ld, \"dialect\": %ld, \"skipped\": %ld, "
            "\"pass_rate\": %.4f, \"non_dialect_pass_rate\": %.4f, \"dialect_rate\": %.4f",
            c->run, c->passed, c->failed, c->dialect, c->skipped, slt_rate(c->passed, c->run),
            slt_rate(c->passed, c->run - c->dialect), slt_rate(c->dialect, c->run));
}

static void json_tallies(FILE *out, const slt_tally_table *t, int limit)
{
    slt_tally *s = sorted_tallies(t);
    fputc('[', out);
    for (int i = 0; s && i < t->count && i < limit; i++) {
        fprintf(out, "%s\n    {\"key\": ", i ? "," : "");
        json_string(out, s[i].key);
        fprintf(out, ", \"count\": %ld, \"example\": ", s[i].count);
        json_string(out, s[i].example_where);
        fputs(", \"sql\": ", out);
        json_string(out, s[i].example_sql);
        fputc('}', out);
    }
    fputs("]", out);
    free(s);
}

void slt_report_print_json(const slt_report *r, FILE *out, int top_causes)
{
    slt_counts t = slt_report_totals(r);
    fputs("{\n  \"total\": {", out);
    json_counts(out, &t);
    fputs("},\n  \"files\": [", out);
    for (int i = 0; i < r->file_count; i++) {
        const slt_file_stats *f = &r->files[i];
        fprintf(out, "%s\n    {\"path\": ", i ? "," : "");
        json_string(out, f->path);
        fputs(", \"group\": ", out);
        json_string(out, f->group);
        fputs(", ", out);
        json_counts(out, &f->counts);
        fprintf(out, ", \"seconds\": %.3f, \"timed_out\": %s, \"unreadable\": %s}", f->seconds,
                f->timed_out ? "true" : "false", f->unreadable ? "true" : "false");
    }
    fputs("],\n  \"dialect_rules\": ", out);
    json_tallies(out, &r->rules, 1 << 30);
    fputs(",\n  \"failure_causes\": ", out);
    json_tallies(out, &r->causes, top_causes);
    fputs("\n}\n", out);
}
