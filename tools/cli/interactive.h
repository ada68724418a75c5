/*
 * interactive.h — the CLI's console: a libedit prompt with line editing and
 * history (~/.shoal_history, or SHOAL_HISTORY_FILE, or --history-file),
 * statements ending in ';' over several lines ("shoal> " then "     -> "),
 * `quit`/`exit`, Ctrl-C clearing the line at the prompt and cancelling a
 * running query, Ctrl-D ending the session.
 */
#ifndef SHOAL_CLI_INTERACTIVE_H
#define SHOAL_CLI_INTERACTIVE_H

#include "query_runner.h"

/* Returns the process exit code (0). */
int interactive_run(rest_client *client, client_session *session, const query_runner_options *o,
                    const char *history_file);

#endif
