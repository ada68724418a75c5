/*
 * query_runner.h — runs one statement over the REST protocol as Trino's CLI
 * does: POST /v1/statement, follow nextUri to the end, print rows as they
 * arrive (output_format), apply the session headers, show progress, and on
 * failure print
 *     Query <id> failed: <message>
 *     LINE 1: <the SQL line>
 *                    ^
 * to stderr. A SIGINT while it runs cancels the query (DELETE nextUri) and
 * prints "Query aborted by user".
 */
#ifndef SHOAL_CLI_QUERY_RUNNER_H
#define SHOAL_CLI_QUERY_RUNNER_H

#include <jansson.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>

#include "client_session.h"
#include "rest_client.h"
#include "tools/common/output_format.h"

typedef struct query_runner_options {
    output_format format;
    FILE *out;                 /* rows */
    FILE *err;                 /* errors, update types, progress */
    bool progress;             /* live status line on `err` */
    bool summary;              /* final stats after each query (interactive) */
    volatile sig_atomic_t *interrupted; /* set by SIGINT; cleared when it was used */
} query_runner_options;

/* true when the statement succeeded. */
bool query_run(rest_client *client, client_session *session, const char *sql, const query_runner_options *o);

/* The failure text (without the trailing blank line) for a QueryError object. */
void query_render_failure(FILE *err, const char *query_id, const char *sql, const json_t *error);

#endif
