/*
 * session.h — what a client's statements run with: user, source, the
 * current catalog and schema (USE), session properties (SET SESSION), and
 * prepared statements (PREPARE). One session per client connection in the
 * CLI, or per request's X-Trino-* headers over REST.
 */
#ifndef SHOAL_ACTORS_SESSION_H
#define SHOAL_ACTORS_SESSION_H

#include <stdbool.h>

#include "connectors/spi/connector.h"

typedef struct session_entry {
    char *name;
    char *value;
} session_entry;

typedef struct session {
    char *user;
    char *source;
    char *catalog;              /* NULL when not set */
    char *schema;
    char *time_zone;
    session_entry *properties;  /* SET SESSION name = value */
    int property_count;
    session_entry *prepared;    /* PREPARE name FROM sql */
    int prepared_count;
} session;

session *session_new(const char *user, const char *catalog, const char *schema);
void session_free(session *s);
bool session_set_catalog_schema(session *s, const char *catalog, const char *schema);
/* name -> value; NULL when not set */
const char *session_property(const session *s, const char *name);
bool session_set_property(session *s, const char *name, const char *value);
bool session_reset_property(session *s, const char *name);
const char *session_prepared(const session *s, const char *name);
bool session_set_prepared(session *s, const char *name, const char *sql);
bool session_remove_prepared(session *s, const char *name);

#endif
