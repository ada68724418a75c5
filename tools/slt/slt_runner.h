/*
 * slt_runner.h — running .test files and judging each record.
 *
 * Each file runs in a child process with its own engine (forked before any
 * engine thread exists), so an engine crash costs one record, not the run:
 * the child reports every record's outcome over a pipe as it goes, and
 * when it dies the parent counts the record it was running as a CRASH and
 * starts a new child that replays the file's statements up to that record
 * and carries on after it. The parent enforces the per-file time limit.
 */
#ifndef SHOAL_SLT_RUNNER_H
#define SHOAL_SLT_RUNNER_H

#include <stdbool.h>

#include "tools/slt/slt_report.h"

typedef struct slt_options {
    const char *engine_name;    /* for skipif/onlyif */
    double file_time_limit;     /* seconds; 0: none */
    long max_records;           /* per file, counted records; 0: all */
    int jobs;                   /* files at once */
    int threads;                /* engine threads per file */
    bool verbose;               /* print failing records */
    bool fork_per_file;
} slt_options;

typedef struct slt_file {
    char *path;                 /* as opened */
    char *display;              /* shown in reports (relative to the corpus when possible) */
    char *group;
} slt_file;

/* Runs every file; fills one report row per file, in order. */
void slt_run_files(const slt_file *files, int count, const slt_options *o, slt_report *report);

#endif
