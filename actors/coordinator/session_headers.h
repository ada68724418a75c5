/*
 * session_headers.h — the X-Trino-* protocol headers: a POST's request
 * headers become a fresh session (clients resend their whole session state
 * with every statement), and the changes a statement made to its session
 * become the response headers clients fold into later statements
 * (X-Trino-Set-Catalog, -Set-Schema, -Set-Session, -Clear-Session,
 * -Added-Prepare, -Deallocated-Prepare, -Started-Transaction-Id,
 * -Clear-Transaction-Id).
 *
 * With protocol.v1.alternate-header-name=Presto a request that uses any
 * X-Presto-* header is read with those names and answered with them; both
 * families at once is 400 "Both Trino and Presto headers detected".
 * Validation and messages follow Trino's HttpRequestSessionContextFactory.
 */
#ifndef SHOAL_COORDINATOR_SESSION_HEADERS_H
#define SHOAL_COORDINATOR_SESSION_HEADERS_H

#include <stdbool.h>
#include <stddef.h>

#include "actors/coordinator/http_server.h"
#include "actors/engine/session.h"

typedef struct header_family {
    char prefix[40];             /* "X-Trino-" or "X-Presto-" */
} header_family;

/* What a statement's POST said about its client. */
typedef struct client_session {
    session *session;            /* user, source, catalog, schema, time zone, properties, prepared */
    header_family family;
    char *client_info;
    char *client_tags;
    char *trace_token;
    char *transaction_id;
    bool parametric_datetime;    /* X-Trino-Client-Capabilities has PARAMETRIC_DATETIME */
    bool impersonating;          /* X-Trino-User names someone other than the authenticated principal */
    char principal[256];         /* that principal, when impersonating */
} client_session;

typedef struct session_header_error {
    int status;                  /* 400 */
    char message[512];
} session_header_error;

/* Reads the headers of a POST /v1/statement; `principal` is the
 * authenticated user (authentication.h), the user when X-Trino-User is
 * absent. False with *error (status and Trino's message) when the request
 * must be refused. Repeated header lines: list headers (Session,
 * Prepared-Statement, Client-Tags, …) take every line; User, Catalog,
 * Schema, Time-Zone and Transaction-Id take the first. */
bool session_headers_parse(const http_request *request, const char *alternate_name, const char *principal,
                           client_session *out, session_header_error *error);
void client_session_free(client_session *c);

/* A copy of the parts of a session a statement can change. */
session *session_headers_snapshot(const session *s);

/* Appends the response headers for what changed from `before` to `after`
 * (and for transaction statements, by update type). */
bool session_headers_changes(const session *before, const session *after, const char *update_type,
                             const header_family *family, http_headers *out);

/* application/x-www-form-urlencoded escaping and unescaping, as Java's
 * URLEncoder/URLDecoder (space is '+'). Results are malloc'd. */
char *session_headers_url_encode(const char *s);
char *session_headers_url_decode(const char *s);

#endif
