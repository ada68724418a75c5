/*
 * progress.h — the live status line the CLI redraws on stderr (when it is a
 * terminal) while a query runs, and the summary after it, from the
 * QueryResults `stats` object:
 *   0:07 [Query 20260101_120000_00003_abcde RUNNING] [1.23M rows, 45.6MB] [176K rows/s, 6.51MB/s] [splits 12/48, 25%]
 * Counts and sizes are shortened as Trino's CLI does (K/M/B, kB/MB/GB).
 */
#ifndef SHOAL_CLI_PROGRESS_H
#define SHOAL_CLI_PROGRESS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

typedef struct progress_line {
    FILE *out;
    bool enabled;
    bool shown;           /* a line is on the screen now */
    double started;       /* monotonic seconds */
    double last_drawn;
} progress_line;

void progress_begin(progress_line *p, FILE *out, bool enabled);
/* Redraws (at most every 0.25 s, and not in the first 0.25 s). */
void progress_update(progress_line *p, const char *query_id, const json_t *stats);
/* Erases the line (before results or errors are printed). */
void progress_clear(progress_line *p);
/* Trino's final info: blank line, "Query id, STATE, n node(s)", splits, time/rows/bytes. */
void progress_print_summary(FILE *out, const char *query_id, const json_t *stats);

/* Shared formatting (exposed for tests of the CLI). */
void progress_format_count(double count, char *out, size_t size);   /* 1.23K, 45.6M */
void progress_format_bytes(double bytes, char *out, size_t size);   /* 512B, 1.5kB, 45.6MB */
double progress_now(void);

#endif
