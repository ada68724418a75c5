/*
 * authentication.h — who sent a request, as Trino's AuthenticationFilter
 * decides it (reference/protocol.md §1.2):
 *
 * - Over HTTPS with the PASSWORD authenticator: `Authorization: Basic`
 *   checked against the password file; missing or wrong → 401 with
 *   `WWW-Authenticate: Basic realm="Trino"` ("Unauthorized", "Access Denied:
 *   Invalid credentials", "Malformed credentials: user is empty", …).
 * - Over plain HTTP, or with no authenticator configured: Trino's insecure
 *   authenticator — the Basic user name (a password is refused with 401
 *   "Password not allowed for insecure authentication") or X-Trino-User;
 *   neither → 401 "Basic authentication or X-Trino-User must be sent". When
 *   authenticators are configured and
 *   http-server.authentication.allow-insecure-over-http=false, plain HTTP
 *   gets 403 "Authentication over HTTP is not enabled".
 *
 * The principal then is the session user unless X-Trino-User names another
 * one: that is impersonation, which Trino's default access control denies
 * (the query fails with PERMISSION_DENIED, statement_resource.c).
 */
#ifndef SHOAL_COORDINATOR_AUTHENTICATION_H
#define SHOAL_COORDINATOR_AUTHENTICATION_H

#include <stdbool.h>

#include "actors/coordinator/http_server.h"
#include "actors/coordinator/password_file.h"

typedef struct authentication_config {
    password_file *passwords;          /* PASSWORD authenticator; NULL: insecure only */
    bool allow_insecure_over_http;     /* with `passwords`: plain HTTP takes a user name (else 403) */
    const char *alternate_header_name; /* "Presto": X-Presto-User also names the user; NULL: none */
} authentication_config;

typedef enum authentication_outcome {
    AUTHENTICATED,
    AUTHENTICATION_REFUSED,            /* status and message say why */
    AUTHENTICATION_NEEDS_WORKER,       /* a password must be hashed: call again where blocking is fine */
} authentication_outcome;

typedef struct authentication_result {
    char principal[256];               /* the authenticated user ("" when refused) */
    int status;                        /* 401 or 403 when refused */
    char message[256];
} authentication_result;

authentication_outcome authentication_check(const authentication_config *a, const http_request *r,
                                            bool may_block, authentication_result *out);

/* Answers a refused request (401 with WWW-Authenticate, or 403). */
void authentication_respond_refused(http_request *r, const authentication_result *result);

#endif
