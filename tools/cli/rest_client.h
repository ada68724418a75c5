/*
 * rest_client.h — HTTP for the CLI over one libcurl easy handle (so the
 * connection is kept alive between the POST and the nextUri polls).
 * A request can be made interruptible: it is abandoned as soon as the
 * caller's flag (set by the SIGINT handler) becomes non-zero.
 */
#ifndef SHOAL_CLI_REST_CLIENT_H
#define SHOAL_CLI_REST_CLIENT_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct rest_client rest_client;

typedef struct rest_reply {
    long status;
    char *body;              /* NUL-terminated */
    size_t length;
    char **header_names;     /* of the final response */
    char **header_values;
    size_t header_count;
} rest_reply;

typedef enum rest_outcome { REST_OK, REST_INTERRUPTED, REST_TRANSPORT_ERROR } rest_outcome;

/* `interrupt` may be NULL; it is only read. */
rest_client *rest_client_new(const volatile sig_atomic_t *interrupt);
void rest_client_free(rest_client *c);

/* TLS and Basic authentication of every later request (strings copied):
 * user/password as `Authorization: Basic` (password NULL: none),
 * truststore_path a PEM file of trusted certificates (NULL: the system's),
 * insecure: no certificate or host name check (Trino CLI's --insecure). */
typedef struct rest_client_security {
    const char *user;
    const char *password;
    const char *truststore_path;
    bool insecure;
} rest_client_security;

bool rest_client_set_security(rest_client *c, const rest_client_security *security);

/* method "POST"/"GET"/"DELETE"; body NULL for none; headers NULL-terminated
 * "Name: value" lines or NULL. On REST_TRANSPORT_ERROR `error` says why. */
rest_outcome rest_client_request(rest_client *c, const char *method, const char *url, const char *body,
                                 char *const *headers, bool interruptible, rest_reply *out, char *error,
                                 size_t error_size);
void rest_reply_free(rest_reply *r);

#endif
