/*
 * proto.h — every message nodes send each other, in one place (README.md in
 * this folder lists them). A message is one msgpack value:
 *
 *   array(5) [ str "shoal-msg", uint PROTO_VERSION, uint type,
 *              ids = [str query_id, int fragment_id, int task_index],
 *              body (per type, an array) ]
 *
 * Encoding makes a malloc'd byte string (proto_encode). Decoding
 * (proto_decode) treats the bytes as hostile: lengths checked, counts bounded
 * by the bytes left, strings bounded and NUL-free, unknown versions and types
 * refused (ERR_SERIALIZATION_ERROR). Byte strings in a decoded message
 * (fragment, split and page bytes) point into the input buffer, which must
 * outlive it; lists are malloc'd and freed by proto_message_free.
 */
#ifndef SHOAL_ACTORS_PROTO_H
#define SHOAL_ACTORS_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "connectors/spi/error.h"

enum {
    PROTO_VERSION = 1,
    PROTO_NAME_MAX = 128,         /* node ids, environments, versions, query ids */
    PROTO_ENDPOINT_MAX = 256,     /* "tcp://127.0.0.1:8081" */
    PROTO_MESSAGE_MAX = 1024      /* error messages */
};

typedef enum proto_type {
    PROTO_ANNOUNCE = 1,           /* worker → coordinator (control) */
    PROTO_HEARTBEAT,              /* worker → coordinator (control) */
    PROTO_ACK,                    /* any reply: ok, or an error */
    PROTO_CREATE_TASK,            /* coordinator → worker (control) */
    PROTO_ADD_SPLITS,             /* coordinator → worker (control) */
    PROTO_NO_MORE_SPLITS,         /* coordinator → worker (control) */
    PROTO_CANCEL_TASK,            /* coordinator → worker (control) */
    PROTO_GET_TASK_STATUS,        /* coordinator → worker (control) */
    PROTO_TASK_STATUS,            /* worker → coordinator (reply) */
    PROTO_EXCHANGE_REQUEST,       /* consumer → producer (data) */
    PROTO_EXCHANGE_RESPONSE,      /* producer → consumer (data) */
    PROTO_TYPE_LAST = PROTO_EXCHANGE_RESPONSE
} proto_type;

typedef struct proto_ids {
    char query_id[PROTO_NAME_MAX];
    int32_t fragment_id;          /* -1 when not about a task */
    int32_t task_index;
} proto_ids;

typedef struct proto_bytes {
    const unsigned char *data;    /* into the decoded buffer (or the caller's, to encode) */
    uint32_t size;
} proto_bytes;

typedef struct proto_announce {
    char node_id[PROTO_NAME_MAX];
    char environment[PROTO_NAME_MAX];
    char version[PROTO_NAME_MAX];
    char control_endpoint[PROTO_ENDPOINT_MAX];
    char exchange_endpoint[PROTO_ENDPOINT_MAX];
    bool coordinator;
} proto_announce;

typedef struct proto_heartbeat {
    char node_id[PROTO_NAME_MAX];
    uint64_t sequence;
    uint32_t running_tasks;
} proto_heartbeat;

typedef struct proto_ack {
    int32_t error_code;           /* error_code (ERR_NONE = ok) */
    char message[PROTO_MESSAGE_MAX];
} proto_ack;

/* Where a remote source reads: one upstream task's output buffer. */
typedef struct proto_location {
    char exchange_endpoint[PROTO_ENDPOINT_MAX];
    char node_id[PROTO_NAME_MAX];
    int32_t fragment_id;
    int32_t task_index;
    int32_t buffer_id;            /* the consumer's partition in that task's output */
} proto_location;

/* The upstream tasks feeding one remote source (PLAN_EXCHANGE node). */
typedef struct proto_remote_source {
    int32_t plan_node_id;
    uint32_t location_count;
    proto_location *locations;
} proto_remote_source;

typedef struct proto_create_task {
    proto_bytes fragment;         /* plan_fragment_serialize bytes */
    int32_t task_count;           /* tasks of this fragment */
    int32_t output_partitions;    /* consumer buffers (1 for gather, consumers for repartition) */
    bool output_broadcast;        /* every buffer gets every page */
    uint32_t source_count;
    proto_remote_source *sources;
    char session_catalog[PROTO_NAME_MAX];
    char session_schema[PROTO_NAME_MAX];
} proto_create_task;

typedef struct proto_split {
    proto_bytes bytes;
    proto_bytes description;
} proto_split;

typedef struct proto_add_splits {
    int32_t plan_node_id;
    uint32_t split_count;
    proto_split *splits;
    bool no_more;
} proto_add_splits;

typedef struct proto_no_more_splits {
    int32_t plan_node_id;
} proto_no_more_splits;

typedef struct proto_cancel_task {
    int32_t error_code;
    char message[PROTO_MESSAGE_MAX];
} proto_cancel_task;

typedef enum proto_task_state {
    PROTO_TASK_PLANNED,
    PROTO_TASK_RUNNING,
    PROTO_TASK_FLUSHING,          /* drivers done, output not all taken */
    PROTO_TASK_FINISHED,
    PROTO_TASK_CANCELED,
    PROTO_TASK_FAILED,
    PROTO_TASK_STATE_LAST = PROTO_TASK_FAILED
} proto_task_state;

typedef struct proto_task_status {
    proto_task_state state;
    uint64_t input_rows, output_rows, output_bytes, output_pages;
    int32_t error_code;
    char message[PROTO_MESSAGE_MAX];
} proto_task_status;

typedef struct proto_exchange_request {
    int32_t buffer_id;
    uint64_t token;               /* pages before it are acknowledged */
    uint32_t max_bytes;
} proto_exchange_request;

typedef struct proto_exchange_response {
    uint64_t token;               /* the first page's sequence number */
    uint64_t next_token;
    bool complete;                /* no page will ever follow next_token */
    int32_t error_code;           /* the producer failed (ERR_NONE otherwise) */
    char message[PROTO_MESSAGE_MAX];
    uint32_t page_count;
    proto_bytes *pages;           /* page_serialize bytes */
} proto_exchange_response;

typedef struct proto_message {
    proto_type type;
    proto_ids ids;
    union {
        proto_announce announce;
        proto_heartbeat heartbeat;
        proto_ack ack;
        proto_create_task create_task;
        proto_add_splits add_splits;
        proto_no_more_splits no_more_splits;
        proto_cancel_task cancel_task;
        proto_task_status task_status;
        proto_exchange_request exchange_request;
        proto_exchange_response exchange_response;
    } u;
} proto_message;

/* Sets type and clears the rest (ids.fragment_id = -1). */
void proto_message_init(proto_message *m, proto_type type);
/* Encodes; *out is malloc'd. False only for a bad message or out of memory. */
bool proto_encode(const proto_message *m, unsigned char **out, size_t *out_size, shoal_error *error);
/* Decodes `data` (which must outlive *out) or fails with ERR_SERIALIZATION_ERROR. */
bool proto_decode(const void *data, size_t size, proto_message *out, shoal_error *error);
/* Frees the lists a decoded message holds (not the input bytes). */
void proto_message_free(proto_message *m);

const char *proto_type_name(proto_type type);
const char *proto_task_state_name(proto_task_state state);

/* Copies a C string into a bounded field (truncating). */
void proto_copy(char *field, size_t field_size, const char *text);
#define PROTO_SET(field, text) proto_copy((field), sizeof(field), (text))

#endif
