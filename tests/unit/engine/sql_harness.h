/*
 * sql_harness.h — the fixture most SQL tests share: one in-process engine
 * with the `tpch` and `memory` catalogs, one session, and the usual checks
 * on a statement (it succeeds; it fails with a given error).
 */
#ifndef SHOAL_TESTS_SQL_HARNESS_H
#define SHOAL_TESTS_SQL_HARNESS_H

#include "engine_test_support.h"

/* Criterion suite fixtures: .init starts the engine with a session on
 * tpch.tiny or on memory.default; .fini stops it. */
void sql_harness_start_tpch_tiny(void);
void sql_harness_start_memory_default(void);
void sql_harness_stop(void);

engine *sql_harness_engine(void);
session *sql_harness_session(void);

/* Runs one statement on the harness session. */
test_result sql_harness_run(const char *sql);

/* Runs one statement that must succeed; the caller frees the result. */
test_result sql_harness_run_ok(const char *sql);

/* Runs one statement that must fail with `code` and a message holding
 * `message_part`; `line` > 0 also checks the error position. */
void sql_harness_expect_error(const char *sql, error_code code, int line, int column, const char *message_part);

#endif
