/*
 * slt_engine.h — the runner's view of an in-process Shoal engine: one
 * engine with the default `memory` catalog, a fresh schema per test file
 * (memory.slt_<n>, made current with the session), and statements run to
 * completion with a deadline, their values rendered per sqllogictest rules.
 */
#ifndef SHOAL_SLT_ENGINE_H
#define SHOAL_SLT_ENGINE_H

#include <stdbool.h>
#include <stddef.h>

typedef struct slt_engine slt_engine;

typedef struct slt_result {
    bool ok;
    bool timed_out;             /* the deadline passed; the query was cancelled */
    char error_name[64];
    char *error_message;        /* malloc'd; NULL when ok */
    int column_count;
    long value_count;           /* rows * columns when rendered */
    char **values;              /* rendered, row by row; NULL for statements */
} slt_result;

slt_engine *slt_engine_open(int threads, char *error, size_t error_size);
void slt_engine_close(slt_engine *e);

/* Makes a new schema and a session using it; drops the previous one. */
bool slt_engine_begin_file(slt_engine *e, char *error, size_t error_size);

/* Runs `sql`. With `types` (a query's letters), renders every value with
 * its column's letter when the column count matches. `deadline` is a
 * CLOCK_MONOTONIC time in seconds (0: none). */
void slt_engine_run(slt_engine *e, const char *sql, const char *types, double deadline, slt_result *out);
void slt_result_free(slt_result *r);

double slt_now(void);

#endif
