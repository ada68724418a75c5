/*
 * slt_runner.c — runs .test files: a child process per file executes the
 * records and streams one event line per record to the parent, which
 * counts them, restarts a child after a crash, and enforces time limits.
 *
 * Event lines (fields after the first separated by tabs, SQL escaped):
 *   R <line>                  about to run the record at <line>
 *   P <line>                  passed
 *   S <line>                  skipped by skipif/onlyif
 *   F <line>\t<cause>\t<sql>  failed
 *   D <line>\t<rule>\t<sql>   failed in a way a dialect rule explains
 *   A <message>               the file could not start (engine or schema)
 *   E                         end of file
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tools/slt/dialect.h"
#include "tools/slt/slt_engine.h"
#include "tools/slt/slt_record.h"
#include "tools/slt/slt_runner.h"
#include "tools/slt/slt_value.h"

enum { MAX_RESTARTS = 25, VERBOSE_VALUES = 24 };

static char *read_whole_file(const char *path, size_t *length)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *text = size >= 0 ? malloc((size_t)size + 1) : NULL;
    if (text && fread(text, 1, (size_t)size, f) != (size_t)size) {
        free(text);
        text = NULL;
    }
    fclose(f);
    if (text) {
        text[size] = '\0';
        *length = (size_t)size;
    }
    return text;
}

/* ---- events ---- */

typedef struct event_sink {
    void (*emit)(void *context, const char *line);
    void *context;
} event_sink;

/* Writes `s` at `out` with '\\', '\t', '\n', '\r' escaped; returns the end.
 * `out` has room for twice the length. */
static char *put_escaped(char *out, const char *s)
{
    for (; s && *s; s++) {
        char ch = *s;
        if (ch == '\\' || ch == '\t' || ch == '\n' || ch == '\r') {
            *out++ = '\\';
            ch = ch == '\t' ? 't' : ch == '\n' ? 'n' : ch == '\r' ? 'r' : '\\';
        }
        *out++ = ch;
    }
    return out;
}

static void unescape(char *s)
{
    char *w = s;
    for (char *p = s; *p; p++) {
        if (*p == '\\' && p[1]) {
            p++;
            *w++ = *p == 't' ? '\t' : *p == 'n' ? '\n' : *p == 'r' ? '\r' : *p;
        } else {
            *w++ = *p;
        }
    }
    *w = '\0';
}

static void emit_simple(event_sink *sink, char kind, int line)
{
    char text[32];
    snprintf(text, sizeof text, "%c %d\n", kind, line);
    sink->emit(sink->context, text);
}

static void emit_outcome(event_sink *sink, char kind, int line, const char *key, const char *sql)
{
    size_t size = 40 + 2 * strlen(key ? key : "") + 2 * strlen(sql ? sql : "");
    char *buffer = malloc(size);
    if (!buffer)
        return;
    char *p = buffer + sprintf(buffer, "%c %d\t", kind, line);
    p = put_escaped(p, key);
    *p++ = '\t';
    p = put_escaped(p, sql);
    *p++ = '\n';
    *p = '\0';
    sink->emit(sink->context, buffer);
    free(buffer);
}

/* ---- labels: label -> expected hash, per file ---- */

typedef struct label_entry {
    char *label;
    char hash[33];
} label_entry;

typedef struct label_map {
    label_entry *slots;
    int size;
    int used;
} label_map;

static uint64_t label_hash(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static label_entry *label_find(label_map *m, const char *label, bool create)
{
    if (m->size == 0 || (create && m->used * 2 >= m->size)) {
        int size = m->size ? m->size * 2 : 256;
        label_entry *slots = calloc((size_t)size, sizeof *slots);
        if (!slots)
            return NULL;
        for (int i = 0; i < m->size; i++) {
            if (!m->slots[i].label)
                continue;
            size_t j = label_hash(m->slots[i].label) & (size_t)(size - 1);
            while (slots[j].label)
                j = (j + 1) & (size_t)(size - 1);
            slots[j] = m->slots[i];
        }
        free(m->slots);
        m->slots = slots;
        m->size = size;
    }
    size_t j = label_hash(label) & (size_t)(m->size - 1);
    while (m->slots[j].label) {
        if (strcmp(m->slots[j].label, label) == 0)
            return &m->slots[j];
        j = (j + 1) & (size_t)(m->size - 1);
    }
    if (!create)
        return NULL;
    m->slots[j].label = strdup(label);
    m->slots[j].hash[0] = '\0';
    m->used++;
    return &m->slots[j];
}

static void label_map_free(label_map *m)
{
    for (int i = 0; i < m->size; i++)
        free(m->slots[i].label);
    free(m->slots);
}

/* Remembers the first expected hash of a label. */
static void label_note_expected(label_map *m, const slt_record *r)
{
    if (!r->label)
        return;
    label_entry *e = label_find(m, r->label, true);
    if (e && !e->hash[0] && !slt_expected_hash(r, e->hash))
        e->hash[0] = '\0';
}

/* ---- judging one record ---- */

enum { MAX_REPLACED_TABLES = 32 };

typedef struct replaced_tables {
    char *names[MAX_REPLACED_TABLES];
    int count;
} replaced_tables;

typedef struct verdict {
    char kind;                  /* 'P', 'F', 'D' */
    char *key;                  /* cause or rule (malloc'd) */
    const struct replaced_tables *replaced;   /* the file's tables SQLite's REPLACE changed */
    char why[512];              /* detail for --verbose */
} verdict;

static void verdict_set(verdict *v, char kind, const char *key)
{
    v->kind = kind;
    free(v->key);
    v->key = key ? strdup(key) : NULL;
}

/* A failure, or a dialect record when a rule explains it. */
static void verdict_fail(verdict *v, const slt_record *r, const slt_result *res, bool wrong_result, const char *cause)
{
    dialect_case c = {
        .sql = r->sql,
        .is_query = r->kind == SLT_RECORD_QUERY,
        .expect_error = r->expect_error,
        .error_name = res && !res->ok ? res->error_name : NULL,
        .error_message = res && !res->ok ? res->error_message : NULL,
        .wrong_result = wrong_result,
        .replaced_tables = v->replaced ? (const char *const *)v->replaced->names : NULL,
        .replaced_table_count = v->replaced ? v->replaced->count : 0,
    };
    const char *rule = dialect_classify(&c);
    if (rule)
        verdict_set(v, 'D', rule);
    else
        verdict_set(v, 'F', cause);
}

static void judge_statement(const slt_record *r, const slt_result *res, verdict *v)
{
    if (r->expect_error) {
        if (!res->ok)
            verdict_set(v, 'P', NULL);
        else
            verdict_fail(v, r, res, false, "statement error: the engine succeeded");
        return;
    }
    if (res->ok) {
        verdict_set(v, 'P', NULL);
        return;
    }
    char *cause = slt_error_cause(res->error_name, res->error_message);
    snprintf(v->why, sizeof v->why, "%s: %s", res->error_name, res->error_message ? res->error_message : "");
    verdict_fail(v, r, res, false, cause);
    free(cause);
}

static void judge_query(const slt_record *r, slt_result *res, label_map *labels, verdict *v)
{
    if (!res->ok) {
        char *cause = slt_error_cause(res->error_name, res->error_message);
        snprintf(v->why, sizeof v->why, "%s: %s", res->error_name, res->error_message ? res->error_message : "");
        verdict_fail(v, r, res, false, cause);
        free(cause);
        return;
    }
    int columns = (int)strlen(r->types);
    if (res->column_count != columns) {
        snprintf(v->why, sizeof v->why, "expected %d columns, got %d", columns, res->column_count);
        verdict_fail(v, r, res, true, "wrong result: column count");
        return;
    }
    slt_sort_values(res->values, res->value_count, columns, r->sort);
    if (!slt_values_match(res->values, res->value_count, r, v->why, sizeof v->why)) {
        long expected_count = r->expected_count;
        char ignored[33];
        if (r->expected_count == 1)
            slt_parse_hash_line(r->expected[0], &expected_count, ignored);
        const char *cause = expected_count != res->value_count ? "wrong result: row count"
                            : strchr(r->types, 'R')            ? "wrong result: values (R column)"
                                                               : "wrong result: values";
        verdict_fail(v, r, res, true, cause);
        return;
    }
    if (r->label) {
        label_entry *e = label_find(labels, r->label, true);
        char hex[33];
        slt_hash_values(res->values, res->value_count, hex);
        if (e && e->hash[0] && strcmp(e->hash, hex) != 0) {
            snprintf(v->why, sizeof v->why, "%s: hash %s, the label's first query gave %s", r->label, hex, e->hash);
            verdict_fail(v, r, res, true, "wrong result: label mismatch");
            return;
        }
        if (e && !e->hash[0])
            memcpy(e->hash, hex, sizeof hex);
    }
    verdict_set(v, 'P', NULL);
}

/* After a statement Shoal refused, keep the file's state as SQLite's:
 * tables created in Trino's terms, an UPDATE's last assignment applied, and
 * tables a REPLACE changed remembered (queries of them become dialect).
 * `rule` is the dialect rule that judged it, or NULL when replaying after a
 * crash (records are not judged then, so every repair is tried). */
static void keep_sqlite_state(slt_engine *engine, const slt_record *r, const char *rule, replaced_tables *replaced,
                              double deadline)
{
    bool any = rule == NULL;
    char *portable = NULL;
    if (any || strcmp(rule, "table_constraint") == 0 || strcmp(rule, "sqlite_type_name") == 0)
        portable = dialect_portable_create_table(r->sql);
    if (!portable && (any || strcmp(rule, "update_assigns_twice") == 0))
        portable = dialect_portable_update(r->sql);
    if (!portable && (any || strcmp(rule, "sqlite_only_statement") == 0) && replaced->count < MAX_REPLACED_TABLES) {
        char *table = dialect_sqlite_write_target(r->sql);
        if (table)
            replaced->names[replaced->count++] = table;
    }
    if (portable) {
        slt_result again;
        slt_engine_run(engine, portable, NULL, deadline, &again);
        slt_result_free(&again);
        free(portable);
    }
}

static void print_verbose(const char *display, const slt_record *r, const slt_result *res, const verdict *v)
{
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);
    if (!out)
        return;
    fprintf(out, "%s %s:%d [%s]\n%s\n", v->kind == 'D' ? "DIALECT" : "FAIL", display, r->line, v->key, r->sql);
    if (v->why[0])
        fprintf(out, "  why: %s\n", v->why);
    if (r->kind == SLT_RECORD_QUERY && res && res->ok) {
        fprintf(out, "  expected (%d lines):", r->expected_count);
        for (int i = 0; i < r->expected_count && i < VERBOSE_VALUES; i++)
            fprintf(out, " %s", r->expected[i]);
        fprintf(out, "%s\n  actual (%ld values):", r->expected_count > VERBOSE_VALUES ? " ..." : "", res->value_count);
        for (long i = 0; i < res->value_count && i < VERBOSE_VALUES; i++)
            fprintf(out, " %s", res->values[i]);
        fprintf(out, "%s\n", res->value_count > VERBOSE_VALUES ? " ..." : "");
    }
    fputc('\n', out);
    fclose(out);
    /* one write per record, so parallel children do not interleave inside it */
    ssize_t ignored = write(STDOUT_FILENO, text, size);
    (void)ignored;
    free(text);
}

/* ---- the child: run one file ---- */

static void run_file_records(const slt_file *file, int start_line, double deadline, const slt_options *o,
                             event_sink *sink)
{
    char message[1024];
    size_t length = 0;
    char *text = read_whole_file(file->path, &length);
    if (!text) {
        snprintf(message, sizeof message, "A cannot read %s\n", file->path);
        sink->emit(sink->context, message);
        return;
    }
    slt_engine *engine = slt_engine_open(o->threads, message + 2, sizeof message - 4);
    if (!engine || !slt_engine_begin_file(engine, message + 2, sizeof message - 4)) {
        message[0] = 'A';
        message[1] = ' ';
        for (char *p = message; *p; p++)
            if (*p == '\n' || *p == '\t')
                *p = ' ';
        strcat(message, "\n");
        sink->emit(sink->context, message);
        slt_engine_close(engine);
        free(text);
        return;
    }
    slt_parser parser;
    slt_parser_init(&parser, text, length);
    label_map labels = {0};
    replaced_tables replaced = {0};
    slt_record r;
    long counted = 0;
    bool out_of_time = false;
    while (slt_parser_next(&parser, &r) == 1) {
        bool applies = slt_record_applies(&r, o->engine_name);
        bool runnable = r.kind == SLT_RECORD_STATEMENT || r.kind == SLT_RECORD_QUERY;
        if (r.kind == SLT_RECORD_HALT && applies) {
            slt_record_free(&r);
            break;
        }
        if (!runnable) {
            slt_record_free(&r);
            continue;
        }
        if (!applies) {
            label_note_expected(&labels, &r);
            if (r.line > start_line)
                emit_simple(sink, 'S', r.line);
            slt_record_free(&r);
            continue;
        }
        if (o->max_records && counted >= o->max_records) {
            slt_record_free(&r);
            break;
        }
        counted++;
        if (r.line <= start_line) {
            /* replaying after a crash: statements rebuild the tables */
            if (r.kind == SLT_RECORD_STATEMENT && r.line < start_line) {
                slt_result res;
                slt_engine_run(engine, r.sql, NULL, deadline, &res);
                if (!res.ok)
                    keep_sqlite_state(engine, &r, NULL, &replaced, deadline);
                slt_result_free(&res);
            }
            label_note_expected(&labels, &r);
            slt_record_free(&r);
            continue;
        }
        if (out_of_time || (deadline > 0 && slt_now() > deadline)) {
            out_of_time = true;
            emit_outcome(sink, 'F', r.line, "TIME_LIMIT", r.sql);
            slt_record_free(&r);
            continue;
        }
        emit_simple(sink, 'R', r.line);
        slt_result res;
        slt_engine_run(engine, r.sql, r.kind == SLT_RECORD_QUERY ? r.types : NULL, deadline, &res);
        verdict v = {.replaced = &replaced};
        if (res.timed_out) {
            out_of_time = true;
            verdict_set(&v, 'F', "TIME_LIMIT");
        } else if (r.kind == SLT_RECORD_STATEMENT) {
            judge_statement(&r, &res, &v);
        } else {
            label_note_expected(&labels, &r);
            judge_query(&r, &res, &labels, &v);
        }
        if (v.kind == 'D')
            keep_sqlite_state(engine, &r, v.key, &replaced, deadline);
        if (v.kind == 'P')
            emit_simple(sink, 'P', r.line);
        else
            emit_outcome(sink, v.kind, r.line, v.key, r.sql);
        if (o->verbose && v.kind != 'P')
            print_verbose(file->display, &r, &res, &v);
        free(v.key);
        slt_result_free(&res);
        slt_record_free(&r);
    }
    sink->emit(sink->context, "E\n");
    for (int i = 0; i < replaced.count; i++)
        free(replaced.names[i]);
    label_map_free(&labels);
    slt_engine_close(engine);
    free(text);
}

/* ---- the parent: one slot per running file ---- */

typedef struct file_run {
    const slt_file *file;
    int index;
    pid_t pid;
    int fd;
    char *buffer;
    size_t length;
    size_t capacity;
    int running_line;           /* last R */
    int done_line;              /* last outcome */
    bool ended;
    bool aborted;
    char abort_message[512];
    int restarts;
    double started;
    double deadline;
    bool killed_for_time;
} file_run;

static void handle_event(file_run *run, slt_report *report, char *line)
{
    slt_file_stats *stats = &report->files[run->index];
    char kind = line[0];
    if (kind == 'E') {
        run->ended = true;
        return;
    }
    if (kind == 'A') {
        run->aborted = true;
        snprintf(run->abort_message, sizeof run->abort_message, "%s", line + 2);
        return;
    }
    int at = atoi(line + 2);
    if (kind == 'R') {
        run->running_line = at;
        return;
    }
    run->done_line = at;
    if (kind == 'S') {
        stats->counts.skipped++;
        return;
    }
    stats->counts.run++;
    if (kind == 'P') {
        stats->counts.passed++;
        return;
    }
    char *key = strchr(line, '\t');
    char *sql = key ? strchr(key + 1, '\t') : NULL;
    if (key)
        *key++ = '\0';
    if (sql)
        *sql++ = '\0';
    if (key)
        unescape(key);
    if (sql)
        unescape(sql);
    if (kind == 'D') {
        stats->counts.dialect++;
        slt_report_count_dialect(report, key ? key : "?", sql, run->file->display, at);
    } else {
        stats->counts.failed++;
        if (key && strcmp(key, "TIME_LIMIT") == 0)
            stats->timed_out = true;
        slt_report_count_failure(report, key ? key : "?", sql, run->file->display, at);
    }
}

/* Counts every record after `after_line` that would have run as a failure
 * with `cause` (the file stopped: time limit, setup failure, crashes). */
static void fail_remaining(file_run *run, slt_report *report, int after_line, const char *cause, const slt_options *o)
{
    size_t length;
    char *text = read_whole_file(run->file->path, &length);
    if (!text)
        return;
    slt_file_stats *stats = &report->files[run->index];
    slt_parser parser;
    slt_parser_init(&parser, text, length);
    slt_record r;
    long counted = 0;
    while (slt_parser_next(&parser, &r) == 1) {
        bool applies = slt_record_applies(&r, o->engine_name);
        bool runnable = r.kind == SLT_RECORD_STATEMENT || r.kind == SLT_RECORD_QUERY;
        bool stop = (r.kind == SLT_RECORD_HALT && applies) || (runnable && applies && o->max_records &&
                                                                  counted >= o->max_records);
        if (stop) {
            slt_record_free(&r);
            break;
        }
        if (runnable && applies) {
            counted++;
            if (r.line > after_line) {
                stats->counts.run++;
                stats->counts.failed++;
                slt_report_count_failure(report, cause, r.sql, run->file->display, r.line);
            }
        } else if (runnable && r.line > after_line) {
            stats->counts.skipped++;
        }
        slt_record_free(&r);
    }
    free(text);
}

static void write_to_fd(void *context, const char *line)
{
    int fd = *(int *)context;
    size_t n = strlen(line);
    while (n > 0) {
        ssize_t w = write(fd, line, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return;
        }
        line += w;
        n -= (size_t)w;
    }
}

static bool start_child(file_run *run, const slt_options *o, int start_line)
{
    int fds[2];
    if (pipe(fds) != 0)
        return false;
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return false;
    }
    if (pid == 0) {
        close(fds[0]);
        int fd = fds[1];
        event_sink sink = {write_to_fd, &fd};
        run_file_records(run->file, start_line, run->deadline, o, &sink);
        close(fd);
        _exit(0);
    }
    close(fds[1]);
    run->pid = pid;
    run->fd = fds[0];
    run->length = 0;
    run->ended = false;
    run->aborted = false;
    return true;
}

static void take_lines(file_run *run, slt_report *report)
{
    size_t start = 0;
    for (size_t i = 0; i < run->length; i++) {
        if (run->buffer[i] == '\n') {
            run->buffer[i] = '\0';
            handle_event(run, report, run->buffer + start);
            start = i + 1;
        }
    }
    memmove(run->buffer, run->buffer + start, run->length - start);
    run->length -= start;
}

/* Reads what the child wrote; false at end of input. */
static bool read_child(file_run *run, slt_report *report)
{
    if (run->capacity - run->length < 65536) {
        size_t grown = run->capacity ? run->capacity * 2 : 131072;
        char *b = realloc(run->buffer, grown);
        if (!b)
            return false;
        run->buffer = b;
        run->capacity = grown;
    }
    ssize_t n = read(run->fd, run->buffer + run->length, run->capacity - run->length - 1);
    if (n < 0 && errno == EINTR)
        return true;
    if (n <= 0)
        return false;
    run->length += (size_t)n;
    take_lines(run, report);
    return true;
}

/* The child's pipe closed: decide whether the file is done or restarts. */
static bool finish_child(file_run *run, slt_report *report, const slt_options *o)
{
    close(run->fd);
    run->fd = -1;
    int status = 0;
    waitpid(run->pid, &status, 0);
    run->pid = 0;
    slt_file_stats *stats = &report->files[run->index];
    if (run->ended)
        return true;
    if (run->aborted) {
        stats->unreadable = strncmp(run->abort_message, "cannot read", 11) == 0;
        char cause[600];
        snprintf(cause, sizeof cause, "SETUP: %s", run->abort_message);
        fail_remaining(run, report, run->done_line, cause, o);
        return true;
    }
    if (run->killed_for_time) {
        stats->timed_out = true;
        fail_remaining(run, report, run->done_line, "TIME_LIMIT", o);
        return true;
    }
    char cause[64];
    if (WIFSIGNALED(status))
        snprintf(cause, sizeof cause, "CRASH: signal %d (%s)", WTERMSIG(status), strsignal(WTERMSIG(status)));
    else
        snprintf(cause, sizeof cause, "CRASH: exit status %d", WEXITSTATUS(status));
    if (run->running_line > run->done_line) {
        /* the record being run when the child died */
        size_t length;
        char *text = read_whole_file(run->file->path, &length);
        slt_parser parser;
        slt_parser_init(&parser, text ? text : "", text ? length : 0);
        slt_record r;
        while (text && slt_parser_next(&parser, &r) == 1) {
            bool hit = r.line == run->running_line;
            if (hit) {
                stats->counts.run++;
                stats->counts.failed++;
                slt_report_count_failure(report, cause, r.sql, run->file->display, r.line);
                if (o->verbose)
                    printf("FAIL %s:%d [%s]\n%s\n\n", run->file->display, r.line, cause, r.sql);
            }
            slt_record_free(&r);
            if (hit)
                break;
        }
        free(text);
        run->done_line = run->running_line;
    }
    if (++run->restarts > MAX_RESTARTS) {
        fail_remaining(run, report, run->done_line, "CRASH: too many crashes in one file", o);
        return true;
    }
    return !start_child(run, o, run->done_line);
}

static void start_file(file_run *run, const slt_file *file, int index, const slt_options *o)
{
    memset(run, 0, sizeof *run);
    run->file = file;
    run->index = index;
    run->fd = -1;
    run->started = slt_now();
    run->deadline = o->file_time_limit > 0 ? run->started + o->file_time_limit : 0;
    start_child(run, o, 0);
}

typedef struct direct_context {
    file_run *run;
    slt_report *report;
} direct_context;

static void handle_directly(void *context, const char *line)
{
    direct_context *d = context;
    char *copy = strdup(line);
    if (!copy)
        return;
    size_t n = strlen(copy);
    if (n > 0 && copy[n - 1] == '\n')
        copy[n - 1] = '\0';
    handle_event(d->run, d->report, copy);
    free(copy);
}

/* --no-fork: the file runs in this process (for debuggers). */
static void run_in_process(const slt_file *file, int index, const slt_options *o, slt_report *report)
{
    file_run run;
    memset(&run, 0, sizeof run);
    run.file = file;
    run.index = index;
    run.started = slt_now();
    run.deadline = o->file_time_limit > 0 ? run.started + o->file_time_limit : 0;
    direct_context context = {&run, report};
    event_sink sink = {handle_directly, &context};
    run_file_records(file, 0, run.deadline, o, &sink);
    if (run.aborted) {
        char cause[600];
        snprintf(cause, sizeof cause, "SETUP: %s", run.abort_message);
        report->files[index].unreadable = strncmp(run.abort_message, "cannot read", 11) == 0;
        fail_remaining(&run, report, run.done_line, cause, o);
    }
    report->files[index].seconds = slt_now() - run.started;
}

void slt_run_files(const slt_file *files, int count, const slt_options *o, slt_report *report)
{
    for (int i = 0; i < count; i++)
        slt_report_add_file(report, files[i].display, files[i].group);
    if (!o->fork_per_file) {
        for (int i = 0; i < count; i++)
            run_in_process(&files[i], i, o, report);
        return;
    }
    int jobs = o->jobs > 0 ? o->jobs : 1;
    file_run *runs = calloc((size_t)jobs, sizeof *runs);
    struct pollfd *fds = calloc((size_t)jobs, sizeof *fds);
    if (!runs || !fds) {
        free(runs);
        free(fds);
        return;
    }
    int next = 0, active = 0;
    for (;;) {
        for (int j = 0; j < jobs && next < count; j++) {
            if (runs[j].file == NULL) {
                start_file(&runs[j], &files[next], next, o);
                next++;
                active++;
            }
        }
        if (active == 0)
            break;
        for (int j = 0; j < jobs; j++) {
            fds[j].fd = runs[j].file ? runs[j].fd : -1;
            fds[j].events = POLLIN;
            fds[j].revents = 0;
        }
        int ready = poll(fds, (nfds_t)jobs, 250);
        if (ready < 0 && errno != EINTR)
            break;
        double now = slt_now();
        for (int j = 0; j < jobs; j++) {
            file_run *run = &runs[j];
            if (!run->file)
                continue;
            bool closed = false;
            if (fds[j].revents & (POLLIN | POLLHUP | POLLERR))
                closed = !read_child(run, report);
            if (!closed && run->deadline > 0 && now > run->deadline + 10 && run->pid > 0 && !run->killed_for_time) {
                /* the child's own deadline did not stop it: a stuck query */
                run->killed_for_time = true;
                kill(run->pid, SIGKILL);
            }
            if (closed && finish_child(run, report, o)) {
                report->files[run->index].seconds = slt_now() - run->started;
                if (run->killed_for_time)
                    report->files[run->index].timed_out = true;
                free(run->buffer);
                memset(run, 0, sizeof *run);
                run->fd = -1;
                active--;
            }
        }
    }
    free(runs);
    free(fds);
}
