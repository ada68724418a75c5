/*
 * config_error.h — the error every config parser reports: one message that
 * names the file, the line and the key ("etc/config.properties:12: query.max-memory:
 * size is not a valid data size string: 20XB"), plus the parts for callers
 * that want them separately.
 *
 * config/ is a leaf (it links no other Shoal library), so it has its own
 * error struct; a caller above maps it to CONFIGURATION_INVALID.
 */
#ifndef SHOAL_CONFIG_ERROR_H
#define SHOAL_CONFIG_ERROR_H

#include <stdbool.h>

enum {
    CONFIG_ERROR_MAX = 1024,
    CONFIG_FILE_MAX = 512,
    CONFIG_KEY_MAX = 256
};

typedef struct config_error {
    char message[CONFIG_ERROR_MAX]; /* the full text: "file:line: key: reason" */
    char file[CONFIG_FILE_MAX];     /* "" when not from a file */
    int line;                       /* 1-based; 0 when the error has no line */
    char key[CONFIG_KEY_MAX];       /* "" when the error is about no key */
} config_error;

void config_error_clear(config_error *error);
bool config_error_is_set(const config_error *error);

/* Fills the error and returns false so callers can `return config_error_set(...)`.
 * file and key may be NULL; line 0 means no line. A NULL error is ignored. */
bool config_error_set(config_error *error, const char *file, int line, const char *key,
                      const char *format, ...) __attribute__((format(printf, 5, 6)));

#endif
