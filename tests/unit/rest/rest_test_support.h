/*
 * rest_test_support.h — helpers for the REST protocol tests: an in-process
 * engine + coordinator on 127.0.0.1 (port chosen by the kernel), HTTP calls
 * through libcurl with status, headers and a parsed JSON body, a client loop
 * that follows nextUri to the end, and raw-socket requests for input no
 * well-behaved client would send.
 */
#ifndef SHOAL_TESTS_REST_TEST_SUPPORT_H
#define SHOAL_TESTS_REST_TEST_SUPPORT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "actors/coordinator/coordinator.h"

typedef struct rest_server {
    engine *engine;
    coordinator *coordinator;
    char base[64];          /* "http://127.0.0.1:PORT" */
    int port;
} rest_server;

/* Starts a server with `config` (NULL: defaults) overriding bind/port. */
void rest_server_start(rest_server *s, const coordinator_config *config);
void rest_server_stop(rest_server *s);

typedef struct rest_response {
    long status;
    char *body;
    size_t length;
    char *headers;          /* raw header block of the final response */
    json_t *json;           /* parsed body, NULL when not JSON */
} rest_response;

/* method, absolute URL, body (NULL: none), NULL-terminated "Name: value" list. */
bool rest_call(const char *method, const char *url, const char *body, size_t body_length,
               const char *const *headers, rest_response *out);
void rest_response_free(rest_response *r);
/* The value of a response header (case-insensitive name), malloc'd; NULL if absent. */
char *rest_header(const rest_response *r, const char *name);

/* POSTs sql with X-Trino-User: test plus `headers`. */
bool rest_post(const rest_server *s, const char *sql, const char *const *headers, rest_response *out);

/* A whole statement as a client runs it: POST, follow nextUri to the end. */
typedef struct rest_result {
    json_t *columns;        /* from the last page that had them (borrowed from `pages`) */
    json_t *rows;           /* every data row, in order (owned) */
    json_t *last;           /* the final document */
    json_t *pages;          /* every document, POST first */
    json_t *error;          /* last->error or NULL */
    char *set_headers;      /* every X-Trino-Set-/Clear-/Added- header line seen, joined by '\n' */
    int page_count;
} rest_result;

bool rest_run(const rest_server *s, const char *sql, const char *const *headers, rest_result *out);
void rest_result_free(rest_result *r);
const char *rest_state(const json_t *doc);
const char *rest_next_uri(const json_t *doc);

/* Raw TCP: sends `request` bytes, reads until close or timeout_ms; returns the bytes read (malloc'd). */
char *rest_raw(int port, const char *request, size_t length, int timeout_ms);
/* Opens a socket and sends `partial` without finishing the request. */
int rest_raw_open(int port, const char *partial);

#endif
