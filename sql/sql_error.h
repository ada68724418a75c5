/*
 * sql_error.h — the error a parse (and later analysis) reports: Trino's error
 * name and code, a message without position, and a 1-based line and column.
 * sql_error_format renders it the way Trino's ParsingException does:
 *   line 1:8: mismatched input 'FORM'. Expecting: ...
 */
#ifndef SHOAL_SQL_ERROR_H
#define SHOAL_SQL_ERROR_H

#include <stddef.h>

typedef enum sql_error_code {
  SQL_OK = 0,
  SQL_ERROR_SYNTAX,          /* SYNTAX_ERROR (Trino code 1) */
  SQL_ERROR_OUT_OF_MEMORY,   /* GENERIC_INSUFFICIENT_RESOURCES */
  SQL_ERROR_NOT_SUPPORTED,   /* NOT_SUPPORTED (Trino code 13) */
} sql_error_code;

enum { SQL_ERROR_MESSAGE_MAX = 2048 };

typedef struct sql_error {
  sql_error_code code;
  const char *name;   /* "SYNTAX_ERROR", ...; static storage */
  int trino_code;     /* Trino's StandardErrorCode number, e.g. 1 */
  int line;           /* 1-based; 0 when the error has no position */
  int column;         /* 1-based, in characters */
  char message[SQL_ERROR_MESSAGE_MAX]; /* without the "line l:c: " prefix */
} sql_error;

void sql_error_clear(sql_error *error);
/* Sets code, name, position and a printf-style message. */
void sql_error_set(sql_error *error, sql_error_code code, int line, int column,
                   const char *format, ...) __attribute__((format(printf, 5, 6)));
/* "line L:C: message" (or just the message without position) into buffer;
 * returns the length it needed, like snprintf. */
int sql_error_format(const sql_error *error, char *buffer, size_t size);

#endif
