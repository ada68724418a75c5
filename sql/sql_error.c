/*
 * sql_error.c — filling and rendering sql_error.
 */
#include "sql/sql_error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *error_name(sql_error_code code, int *trino_code) {
  switch (code) {
    case SQL_OK: *trino_code = 0; return "OK";
    case SQL_ERROR_SYNTAX: *trino_code = 1; return "SYNTAX_ERROR";
    case SQL_ERROR_OUT_OF_MEMORY: *trino_code = 131072; return "GENERIC_INSUFFICIENT_RESOURCES";
    case SQL_ERROR_NOT_SUPPORTED: *trino_code = 13; return "NOT_SUPPORTED";
  }
  *trino_code = 65536;
  return "GENERIC_INTERNAL_ERROR";
}

void sql_error_clear(sql_error *error) {
  memset(error, 0, offsetof(sql_error, message));
  error->name = "OK";
  error->message[0] = '\0';
}

void sql_error_set(sql_error *error, sql_error_code code, int line, int column,
                   const char *format, ...) {
  error->code = code;
  error->name = error_name(code, &error->trino_code);
  error->line = line;
  error->column = column;
  va_list args;
  va_start(args, format);
  vsnprintf(error->message, sizeof error->message, format, args);
  va_end(args);
}

int sql_error_format(const sql_error *error, char *buffer, size_t size) {
  if (error->line > 0)
    return snprintf(buffer, size, "line %d:%d: %s", error->line, error->column, error->message);
  return snprintf(buffer, size, "%s", error->message);
}
