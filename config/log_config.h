/*
 * log_config.h — etc/log.properties: `logger.name=LEVEL` lines, levels
 * DEBUG, INFO, WARN, ERROR, OFF (case-insensitive), hierarchical by dotted
 * name; a logger without a setting of its own or of a parent is at INFO.
 */
#ifndef SHOAL_CONFIG_LOG_CONFIG_H
#define SHOAL_CONFIG_LOG_CONFIG_H

#include <stddef.h>

#include "config/config_error.h"
#include "config/properties.h"

typedef enum log_level { LOG_LEVEL_DEBUG, LOG_LEVEL_INFO, LOG_LEVEL_WARN, LOG_LEVEL_ERROR, LOG_LEVEL_OFF } log_level;

typedef struct log_setting {
    char *logger;          /* dotted name ("io.trino", "shoal.runtime") */
    log_level level;
} log_setting;

typedef struct log_config {
    log_setting *settings; /* in file order */
    size_t count;
} log_config;

const char *log_level_name(log_level level);

bool log_config_from_properties(const config_properties *props, log_config *out, config_error *error);
bool log_config_load(const char *path, log_config *out, config_error *error);
bool log_config_parse(const char *text, const char *file, log_config *out, config_error *error);
void log_config_free(log_config *config);

/* The level for `logger`: the setting of the longest configured name equal to
 * it or a dotted prefix of it ("a.b" covers "a.b.c", not "a.bc"); else INFO. */
log_level log_config_level_for(const log_config *config, const char *logger);

#endif
