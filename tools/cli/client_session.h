/*
 * client_session.h — what the CLI remembers between statements and sends
 * with every POST: user, source, catalog, schema, session properties,
 * prepared statements, transaction id. The server's X-Trino-Set-* and
 * -Clear-* response headers update it (so USE and SET SESSION stick), as
 * the Trino client does.
 */
#ifndef SHOAL_CLI_CLIENT_SESSION_H
#define SHOAL_CLI_CLIENT_SESSION_H

#include <stdbool.h>
#include <stddef.h>

/* name=value pairs in insertion order; values held decoded. */
typedef struct string_map {
    char **names;
    char **values;
    size_t count;
} string_map;

bool string_map_set(string_map *m, const char *name, const char *value);
void string_map_remove(string_map *m, const char *name);
const char *string_map_get(const string_map *m, const char *name);
void string_map_free(string_map *m);

typedef struct client_session {
    char *server;          /* "http://host:port", no trailing '/' */
    char *user;
    char *source;
    char *catalog;         /* NULL: none */
    char *schema;
    char *time_zone;       /* NULL: the server's */
    char *transaction_id;  /* NULL: NONE */
    string_map properties; /* session properties (`name` or `catalog.name`) */
    string_map prepared;   /* prepared statements: name -> SQL */
} client_session;

/* `server` may omit the scheme ("localhost:8080"). */
bool client_session_init(client_session *s, const char *server, const char *user, const char *source);
void client_session_free(client_session *s);
void client_session_set(char **field, const char *value);

/* "k=v" from --session; false (with a message in `error`) when malformed. */
bool client_session_add_property(client_session *s, const char *assignment, char *error, size_t size);

/* The request header lines ("Name: value") for a POST, NULL-terminated;
 * free with client_session_free_headers. */
char **client_session_headers(const client_session *s);
void client_session_free_headers(char **headers);

/* Applies one response header (name case-insensitive); returns true when
 * it was a session header. Repeated lines joined with ", " are handled. */
bool client_session_apply_header(client_session *s, const char *name, const char *value);

/* Percent-encoding as Java's URLEncoder (space as '+') and its inverse. */
char *url_encode(const char *text);
char *url_decode(const char *text);

#endif
