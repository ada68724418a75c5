/*
 * error.c — the table of Trino's error codes and the helpers that fill a
 * shoal_error.
 */
#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

typedef struct error_info {
    const char *name;
    int number;
    error_type type;
} error_info;

static const error_info error_table[ERR_CODE_COUNT] = {
#define SHOAL_ERROR_INFO(e, name, number, type) [e] = {name, number, type},
    SHOAL_ERROR_CODES(SHOAL_ERROR_INFO)
#undef SHOAL_ERROR_INFO
};

static const error_info *error_info_of(error_code code)
{
    if ((int)code < 0 || code >= ERR_CODE_COUNT)
        return &error_table[ERR_GENERIC_INTERNAL_ERROR];
    return &error_table[code];
}

const char *error_name(error_code code) { return error_info_of(code)->name; }
int error_number(error_code code) { return error_info_of(code)->number; }
error_type error_type_of(error_code code) { return error_info_of(code)->type; }

const char *error_type_name(error_type type)
{
    switch (type) {
    case ERROR_TYPE_USER: return "USER_ERROR";
    case ERROR_TYPE_INTERNAL: return "INTERNAL_ERROR";
    case ERROR_TYPE_INSUFFICIENT_RESOURCES: return "INSUFFICIENT_RESOURCES";
    case ERROR_TYPE_EXTERNAL: return "EXTERNAL";
    }
    return "INTERNAL_ERROR";
}

bool error_code_from_name(const char *name, error_code *out)
{
    for (int i = 0; i < ERR_CODE_COUNT; i++) {
        if (strcmp(error_table[i].name, name) == 0) {
            *out = (error_code)i;
            return true;
        }
    }
    return false;
}

void error_clear(shoal_error *error)
{
    if (!error)
        return;
    error->code = ERR_NONE;
    error->line = 0;
    error->column = 0;
    error->message[0] = '\0';
}

bool error_is_set(const shoal_error *error)
{
    return error && error->code != ERR_NONE;
}

static void error_vset(shoal_error *error, error_code code, int line, int column,
                       const char *format, va_list args)
{
    error->code = code;
    error->line = line;
    error->column = column;
    vsnprintf(error->message, sizeof error->message, format, args);
}

bool error_set(shoal_error *error, error_code code, const char *format, ...)
{
    if (!error)
        return false;
    va_list args;
    va_start(args, format);
    error_vset(error, code, 0, 0, format, args);
    va_end(args);
    return false;
}

bool error_set_at(shoal_error *error, error_code code, int line, int column, const char *format, ...)
{
    if (!error)
        return false;
    va_list args;
    va_start(args, format);
    error_vset(error, code, line, column, format, args);
    va_end(args);
    return false;
}
