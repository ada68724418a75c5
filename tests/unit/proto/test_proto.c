/*
 * test_proto.c — every message of actors/proto round-trips, and every
 * prefix, bit flip and foreign version of an encoded message is refused (or
 * decodes to something well-formed) without crashing.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "actors/proto/proto.h"

static proto_location locations[2];
static proto_remote_source sources[1];
static proto_split splits[2];
static proto_bytes pages[3];

static void sample(proto_type type, proto_message *m)
{
    proto_message_init(m, type);
    PROTO_SET(m->ids.query_id, "20240101_000000_00001_abcde");
    m->ids.fragment_id = 2;
    m->ids.task_index = 1;
    switch (type) {
    case PROTO_ANNOUNCE:
        PROTO_SET(m->u.announce.node_id, "worker-1");
        PROTO_SET(m->u.announce.environment, "test");
        PROTO_SET(m->u.announce.version, "0.1");
        PROTO_SET(m->u.announce.control_endpoint, "tcp://127.0.0.1:9001");
        PROTO_SET(m->u.announce.exchange_endpoint, "tcp://127.0.0.1:9002");
        break;
    case PROTO_HEARTBEAT:
        PROTO_SET(m->u.heartbeat.node_id, "worker-1");
        m->u.heartbeat.sequence = 1234567890123ull;
        m->u.heartbeat.running_tasks = 3;
        break;
    case PROTO_ACK:
        m->u.ack.error_code = ERR_REMOTE_HOST_GONE;
        PROTO_SET(m->u.ack.message, "gone");
        break;
    case PROTO_CREATE_TASK:
        m->u.create_task.fragment = (proto_bytes){(const unsigned char *)"fragment-bytes", 14};
        m->u.create_task.task_count = 2;
        m->u.create_task.output_partitions = 3;
        m->u.create_task.output_broadcast = true;
        for (int i = 0; i < 2; i++) {
            PROTO_SET(locations[i].exchange_endpoint, "tcp://127.0.0.1:9002");
            PROTO_SET(locations[i].node_id, i ? "worker-2" : "worker-1");
            locations[i].fragment_id = 3;
            locations[i].task_index = i;
            locations[i].buffer_id = 1;
        }
        sources[0] = (proto_remote_source){7, 2, locations};
        m->u.create_task.source_count = 1;
        m->u.create_task.sources = sources;
        PROTO_SET(m->u.create_task.session_catalog, "tpch");
        PROTO_SET(m->u.create_task.session_schema, "tiny");
        break;
    case PROTO_ADD_SPLITS:
        splits[0] = (proto_split){{(const unsigned char *)"\x01\x02", 2}, {(const unsigned char *)"a", 1}};
        splits[1] = (proto_split){{(const unsigned char *)"", 0}, {NULL, 0}};
        m->u.add_splits.plan_node_id = 4;
        m->u.add_splits.split_count = 2;
        m->u.add_splits.splits = splits;
        m->u.add_splits.no_more = true;
        break;
    case PROTO_NO_MORE_SPLITS:
        m->u.no_more_splits.plan_node_id = 4;
        break;
    case PROTO_CANCEL_TASK:
        m->u.cancel_task.error_code = ERR_USER_CANCELED;
        PROTO_SET(m->u.cancel_task.message, "Query was canceled");
        break;
    case PROTO_GET_TASK_STATUS:
        break;
    case PROTO_TASK_STATUS:
        m->u.task_status.state = PROTO_TASK_FAILED;
        m->u.task_status.input_rows = 10;
        m->u.task_status.output_rows = 5;
        m->u.task_status.output_bytes = 1000;
        m->u.task_status.output_pages = 2;
        m->u.task_status.error_code = ERR_DIVISION_BY_ZERO;
        PROTO_SET(m->u.task_status.message, "Division by zero");
        break;
    case PROTO_EXCHANGE_REQUEST:
        m->u.exchange_request.buffer_id = 2;
        m->u.exchange_request.token = 99;
        m->u.exchange_request.max_bytes = 1 << 20;
        break;
    case PROTO_EXCHANGE_RESPONSE:
        for (int i = 0; i < 3; i++)
            pages[i] = (proto_bytes){(const unsigned char *)"page-bytes", (uint32_t)(4 + i)};
        m->u.exchange_response.token = 99;
        m->u.exchange_response.next_token = 102;
        m->u.exchange_response.complete = true;
        m->u.exchange_response.page_count = 3;
        m->u.exchange_response.pages = pages;
        break;
    }
}

static unsigned char *encode(const proto_message *m, size_t *size)
{
    shoal_error error;
    error_clear(&error);
    unsigned char *bytes = NULL;
    cr_assert(proto_encode(m, &bytes, size, &error), "%s", error.message);
    return bytes;
}

Test(proto, every_message_round_trips)
{
    for (int t = PROTO_ANNOUNCE; t <= PROTO_TYPE_LAST; t++) {
        proto_message m, d;
        sample((proto_type)t, &m);
        size_t size, again_size;
        unsigned char *bytes = encode(&m, &size);
        shoal_error error;
        error_clear(&error);
        cr_assert(proto_decode(bytes, size, &d, &error), "%s: %s", proto_type_name((proto_type)t), error.message);
        cr_assert_eq(d.type, (proto_type)t);
        cr_assert_str_eq(d.ids.query_id, m.ids.query_id);
        cr_assert_eq(d.ids.fragment_id, 2);
        cr_assert_eq(d.ids.task_index, 1);
        unsigned char *again = encode(&d, &again_size);
        cr_assert_eq(again_size, size, "%s", proto_type_name((proto_type)t));
        cr_assert(memcmp(again, bytes, size) == 0, "%s", proto_type_name((proto_type)t));
        free(again);
        proto_message_free(&d);
        free(bytes);
    }
}

Test(proto, fields_survive)
{
    proto_message m, d;
    sample(PROTO_CREATE_TASK, &m);
    size_t size;
    unsigned char *bytes = encode(&m, &size);
    shoal_error error;
    cr_assert(proto_decode(bytes, size, &d, &error));
    cr_assert_eq(d.u.create_task.fragment.size, 14);
    cr_assert(memcmp(d.u.create_task.fragment.data, "fragment-bytes", 14) == 0);
    cr_assert_eq(d.u.create_task.source_count, 1);
    cr_assert_eq(d.u.create_task.sources[0].plan_node_id, 7);
    cr_assert_eq(d.u.create_task.sources[0].location_count, 2);
    cr_assert_str_eq(d.u.create_task.sources[0].locations[1].node_id, "worker-2");
    cr_assert(d.u.create_task.output_broadcast);
    proto_message_free(&d);
    free(bytes);
}

Test(proto, truncated_messages_are_refused)
{
    for (int t = PROTO_ANNOUNCE; t <= PROTO_TYPE_LAST; t++) {
        proto_message m, d;
        sample((proto_type)t, &m);
        size_t size;
        unsigned char *bytes = encode(&m, &size);
        for (size_t n = 0; n < size; n++) {
            unsigned char *copy = malloc(n + 1);   /* exactly n bytes visible to ASan */
            memcpy(copy, bytes, n);
            shoal_error error;
            error_clear(&error);
            cr_assert_not(proto_decode(copy, n, &d, &error), "%s prefix %zu", proto_type_name((proto_type)t), n);
            cr_assert_eq(error.code, ERR_SERIALIZATION_ERROR);
            free(copy);
        }
        free(bytes);
    }
}

Test(proto, bit_flips_and_garbage_never_crash)
{
    unsigned seed = 7;
    for (int t = PROTO_ANNOUNCE; t <= PROTO_TYPE_LAST; t++) {
        proto_message m, d;
        sample((proto_type)t, &m);
        size_t size;
        unsigned char *bytes = encode(&m, &size);
        unsigned char *copy = malloc(size);
        for (int round = 0; round < 3000; round++) {
            memcpy(copy, bytes, size);
            for (int k = 0; k <= round % 3; k++) {
                seed = seed * 1103515245u + 12345u;
                copy[(seed >> 8) % size] ^= (unsigned char)(1u << ((seed >> 4) & 7));
            }
            shoal_error error;
            if (proto_decode(copy, size, &d, &error))
                proto_message_free(&d);
        }
        for (int round = 0; round < 1000; round++) {
            for (size_t i = 0; i < size; i++) {
                seed = seed * 1103515245u + 12345u;
                copy[i] = (unsigned char)(seed >> 16);
            }
            shoal_error error;
            if (proto_decode(copy, size, &d, &error))
                proto_message_free(&d);
        }
        free(copy);
        free(bytes);
    }
}

Test(proto, foreign_version_and_type_are_refused)
{
    proto_message m, d;
    sample(PROTO_HEARTBEAT, &m);
    size_t size;
    unsigned char *bytes = encode(&m, &size);
    /* [ "shoal-msg" (10 bytes), version, type, ...]: the version follows the magic */
    cr_assert_eq(bytes[11], PROTO_VERSION);
    bytes[11] = PROTO_VERSION + 1;
    shoal_error error;
    error_clear(&error);
    cr_assert_not(proto_decode(bytes, size, &d, &error));
    cr_assert(strstr(error.message, "version"), "%s", error.message);
    bytes[11] = PROTO_VERSION;
    bytes[12] = 0x7f;
    error_clear(&error);
    cr_assert_not(proto_decode(bytes, size, &d, &error));
    cr_assert(strstr(error.message, "type"), "%s", error.message);
    free(bytes);
    /* an array header claiming 2^32-1 elements in a few bytes */
    static const unsigned char huge[] = {0x95, 0xa9, 's', 'h', 'o', 'a', 'l', '-', 'm', 's', 'g', 0x01, 0x0b,
                                         0x93, 0xa0, 0x00, 0x00, 0x96, 0x00, 0x00, 0xc2, 0x00, 0xa0,
                                         0xdd, 0xff, 0xff, 0xff, 0xff};
    error_clear(&error);
    cr_assert_not(proto_decode(huge, sizeof huge, &d, &error));
}
