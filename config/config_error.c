/*
 * config_error.c — building config error messages with file, line and key.
 */
#include "config_error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void config_error_clear(config_error *error)
{
    if (error)
        memset(error, 0, sizeof *error);
}

bool config_error_is_set(const config_error *error)
{
    return error && error->message[0] != '\0';
}

bool config_error_set(config_error *error, const char *file, int line, const char *key,
                      const char *format, ...)
{
    if (!error)
        return false;
    char reason[CONFIG_ERROR_MAX];
    va_list args;
    va_start(args, format);
    vsnprintf(reason, sizeof reason, format, args);
    va_end(args);

    snprintf(error->file, sizeof error->file, "%s", file ? file : "");
    snprintf(error->key, sizeof error->key, "%s", key ? key : "");
    error->line = line;

    size_t n = 0;
    size_t cap = sizeof error->message;
    error->message[0] = '\0';
    if (file && *file) {
        n += (size_t)snprintf(error->message + n, cap - n, "%s", file);
        if (line > 0 && n < cap)
            n += (size_t)snprintf(error->message + n, cap - n, ":%d", line);
        if (n < cap)
            n += (size_t)snprintf(error->message + n, cap - n, ": ");
    } else if (line > 0) {
        n += (size_t)snprintf(error->message + n, cap - n, "line %d: ", line);
    }
    if (key && *key && n < cap)
        n += (size_t)snprintf(error->message + n, cap - n, "%s: ", key);
    if (n < cap)
        snprintf(error->message + n, cap - n, "%s", reason);
    return false;
}
