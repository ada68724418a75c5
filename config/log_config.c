/*
 * log_config.c — reading etc/log.properties and looking levels up.
 */
#include "log_config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const level_names[] = {"DEBUG", "INFO", "WARN", "ERROR", "OFF"};

const char *log_level_name(log_level level)
{
    return (unsigned)level < 5 ? level_names[level] : "?";
}

bool log_config_from_properties(const config_properties *props, log_config *out, config_error *error)
{
    out->count = 0;
    out->settings = calloc(props->count ? props->count : 1, sizeof *out->settings);
    if (!out->settings)
        return config_error_set(error, props->file, 0, NULL, "out of memory");
    for (size_t i = 0; i < props->count; i++) {
        const config_property *p = &props->items[i];
        int level = -1;
        for (int l = 0; l < 5; l++)
            if (strcasecmp(p->value, level_names[l]) == 0)
                level = l;
        if (level < 0) {
            log_config_free(out);
            return config_error_set(error, props->file, p->line, p->key,
                                    "Invalid log level '%s' (expected DEBUG, INFO, WARN, ERROR or OFF)", p->value);
        }
        out->settings[out->count].logger = strdup(p->key);
        if (!out->settings[out->count].logger) {
            log_config_free(out);
            return config_error_set(error, props->file, p->line, p->key, "out of memory");
        }
        out->settings[out->count++].level = (log_level)level;
    }
    return true;
}

bool log_config_load(const char *path, log_config *out, config_error *error)
{
    config_properties props;
    if (!config_properties_load(path, &props, error))
        return false;
    bool ok = log_config_from_properties(&props, out, error);
    config_properties_free(&props);
    return ok;
}

bool log_config_parse(const char *text, const char *file, log_config *out, config_error *error)
{
    config_properties props;
    if (!config_properties_parse(text, strlen(text), file, &props, error))
        return false;
    bool ok = log_config_from_properties(&props, out, error);
    config_properties_free(&props);
    return ok;
}

void log_config_free(log_config *config)
{
    for (size_t i = 0; i < config->count; i++)
        free(config->settings[i].logger);
    free(config->settings);
    config->settings = NULL;
    config->count = 0;
}

log_level log_config_level_for(const log_config *config, const char *logger)
{
    log_level level = LOG_LEVEL_INFO;
    size_t best = 0;
    bool found = false;
    for (size_t i = 0; i < config->count; i++) {
        const char *name = config->settings[i].logger;
        size_t n = strlen(name);
        if (strncmp(logger, name, n) != 0 || (logger[n] != '\0' && logger[n] != '.'))
            continue;
        if (!found || n >= best) {
            best = n;
            level = config->settings[i].level;
            found = true;
        }
    }
    return level;
}
