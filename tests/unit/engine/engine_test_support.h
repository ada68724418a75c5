/*
 * engine_test_support.h — running statements through a real in-process
 * engine in tests, and comparing results with expected answer files.
 */
#ifndef SHOAL_TESTS_ENGINE_SUPPORT_H
#define SHOAL_TESTS_ENGINE_SUPPORT_H

#include <stdbool.h>

#include "actors/engine/engine.h"
#include "actors/engine/query.h"
#include "actors/engine/session.h"

/* An engine whose catalogs are written into a fresh etc/ directory:
 * `catalog_files` is a NULL-terminated list of "name", "properties text". */
engine *test_engine_create(const char *const *catalog_files);
void test_engine_destroy(engine *e);

/* The result of one statement as text: rows of cells (NULL cell = SQL NULL). */
typedef struct test_result {
    bool ok;
    shoal_error error;
    int column_count;
    char **column_names;
    int row_count;
    char ***rows;
    char *update_type;
    long long update_count;
} test_result;

test_result test_run(engine *e, session *s, const char *sql);
void test_result_free(test_result *r);

/* Compares with a DuckDB-style answer file (header line, '|' separated,
 * NULL as empty); numbers within `tolerance` absolute. Writes the first
 * difference into `why`. */
bool test_result_matches_file(const test_result *r, const char *path, double tolerance,
                              char *why, size_t why_size);

#endif
