/*
 * slt_report.h — what a sqllogictest run found: per-file counts (records
 * run, passed, failed, dialect, skipped by guards), failures grouped by
 * cause (the engine's error name and its message with the literal parts
 * masked, or the kind of wrong result), dialect records by rule; printed as
 * text or as a JSON summary.
 *
 * Rates: pass rate = passed / run; the non-dialect pass rate is
 * passed / (run - dialect); the dialect share is dialect / run.
 */
#ifndef SHOAL_SLT_REPORT_H
#define SHOAL_SLT_REPORT_H

#include <stdbool.h>
#include <stdio.h>

typedef struct slt_counts {
    long run;                   /* records executed (guards let them through) */
    long passed;
    long failed;
    long dialect;
    long skipped;               /* skipif/onlyif */
} slt_counts;

typedef struct slt_file_stats {
    char *path;
    char *group;                /* e.g. "random/expr", "evidence", "." */
    slt_counts counts;
    double seconds;
    bool timed_out;             /* the per-file time limit stopped it */
    bool unreadable;
} slt_file_stats;

typedef struct slt_tally {
    char *key;
    long count;
    char *example_sql;          /* the first record seen with this key */
    char *example_where;        /* "file:line" */
} slt_tally;

typedef struct slt_tally_table {
    slt_tally *items;
    int count;
    int capacity;
    int *index;                 /* open addressing over items, -1 = empty */
    int index_size;
} slt_tally_table;

typedef struct slt_report {
    slt_file_stats *files;
    int file_count;
    int file_capacity;
    slt_tally_table causes;
    slt_tally_table rules;
} slt_report;

void slt_report_init(slt_report *r);
void slt_report_free(slt_report *r);
/* Adds a file's row; the pointer stays valid until the next call. */
slt_file_stats *slt_report_add_file(slt_report *r, const char *path, const char *group);
void slt_report_count_failure(slt_report *r, const char *cause, const char *sql, const char *path, int line);
void slt_report_count_dialect(slt_report *r, const char *rule, const char *sql, const char *path, int line);

slt_counts slt_report_totals(const slt_report *r);
double slt_rate(long part, long whole);          /* percent; 0 when whole is 0 */

/* The cause key of an engine error: "ERROR_NAME: message" with numbers
 * as N and quoted text as '?' (malloc'd). */
char *slt_error_cause(const char *error_name, const char *message);

void slt_report_print(const slt_report *r, FILE *out, int top_causes, bool per_file);
void slt_report_print_json(const slt_report *r, FILE *out, int top_causes);

#endif
