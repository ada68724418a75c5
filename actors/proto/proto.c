/*
 * proto.c — encoding and hostile-input-safe decoding of the inter-node
 * messages (see proto.h and README.md).
 */
#include "proto.h"

#include <msgpack.h>
#include <stdlib.h>
#include <string.h>

#include "sql/plan_serde_reader.h"

static const char PROTO_MAGIC[] = "shoal-msg";

void proto_copy(char *field, size_t field_size, const char *text)
{
    if (!field_size)
        return;
    size_t n = text ? strlen(text) : 0;
    if (n >= field_size)
        n = field_size - 1;
    if (n)
        memcpy(field, text, n);
    field[n] = '\0';
}

void proto_message_init(proto_message *m, proto_type type)
{
    memset(m, 0, sizeof *m);
    m->type = type;
    m->ids.fragment_id = -1;
}

const char *proto_type_name(proto_type type)
{
    static const char *const names[] = {
        [PROTO_ANNOUNCE] = "announce",           [PROTO_HEARTBEAT] = "heartbeat",
        [PROTO_ACK] = "ack",                     [PROTO_CREATE_TASK] = "create_task",
        [PROTO_ADD_SPLITS] = "add_splits",       [PROTO_NO_MORE_SPLITS] = "no_more_splits",
        [PROTO_CANCEL_TASK] = "cancel_task",     [PROTO_GET_TASK_STATUS] = "get_task_status",
        [PROTO_TASK_STATUS] = "task_status",     [PROTO_EXCHANGE_REQUEST] = "exchange_request",
        [PROTO_EXCHANGE_RESPONSE] = "exchange_response",
    };
    return type >= PROTO_ANNOUNCE && type <= PROTO_TYPE_LAST ? names[type] : "unknown";
}

const char *proto_task_state_name(proto_task_state state)
{
    static const char *const names[] = {"PLANNED", "RUNNING", "FLUSHING", "FINISHED", "CANCELED", "FAILED"};
    return state <= PROTO_TASK_STATE_LAST ? names[state] : "UNKNOWN";
}

/* ---- encoding ------------------------------------------------------------------ */

static void put_str(msgpack_packer *pk, const char *s)
{
    size_t n = strlen(s);
    msgpack_pack_str(pk, n);
    msgpack_pack_str_body(pk, s, n);
}

static void put_bin(msgpack_packer *pk, proto_bytes b)
{
    msgpack_pack_bin(pk, b.size);
    if (b.size)
        msgpack_pack_bin_body(pk, b.data, b.size);
}

static void put_bool(msgpack_packer *pk, bool b)
{
    if (b)
        msgpack_pack_true(pk);
    else
        msgpack_pack_false(pk);
}

static void put_location(msgpack_packer *pk, const proto_location *l)
{
    msgpack_pack_array(pk, 5);
    put_str(pk, l->exchange_endpoint);
    put_str(pk, l->node_id);
    msgpack_pack_int32(pk, l->fragment_id);
    msgpack_pack_int32(pk, l->task_index);
    msgpack_pack_int32(pk, l->buffer_id);
}

static void put_body(msgpack_packer *pk, const proto_message *m)
{
    switch (m->type) {
    case PROTO_ANNOUNCE: {
        const proto_announce *a = &m->u.announce;
        msgpack_pack_array(pk, 6);
        put_str(pk, a->node_id);
        put_str(pk, a->environment);
        put_str(pk, a->version);
        put_str(pk, a->control_endpoint);
        put_str(pk, a->exchange_endpoint);
        put_bool(pk, a->coordinator);
        break;
    }
    case PROTO_HEARTBEAT:
        msgpack_pack_array(pk, 3);
        put_str(pk, m->u.heartbeat.node_id);
        msgpack_pack_uint64(pk, m->u.heartbeat.sequence);
        msgpack_pack_uint32(pk, m->u.heartbeat.running_tasks);
        break;
    case PROTO_ACK:
        msgpack_pack_array(pk, 2);
        msgpack_pack_int32(pk, m->u.ack.error_code);
        put_str(pk, m->u.ack.message);
        break;
    case PROTO_CREATE_TASK: {
        const proto_create_task *c = &m->u.create_task;
        msgpack_pack_array(pk, 7);
        put_bin(pk, c->fragment);
        msgpack_pack_int32(pk, c->task_count);
        msgpack_pack_int32(pk, c->output_partitions);
        put_bool(pk, c->output_broadcast);
        msgpack_pack_array(pk, c->source_count);
        for (uint32_t i = 0; i < c->source_count; i++) {
            msgpack_pack_array(pk, 2);
            msgpack_pack_int32(pk, c->sources[i].plan_node_id);
            msgpack_pack_array(pk, c->sources[i].location_count);
            for (uint32_t k = 0; k < c->sources[i].location_count; k++)
                put_location(pk, &c->sources[i].locations[k]);
        }
        put_str(pk, c->session_catalog);
        put_str(pk, c->session_schema);
        break;
    }
    case PROTO_ADD_SPLITS: {
        const proto_add_splits *s = &m->u.add_splits;
        msgpack_pack_array(pk, 3);
        msgpack_pack_int32(pk, s->plan_node_id);
        msgpack_pack_array(pk, s->split_count);
        for (uint32_t i = 0; i < s->split_count; i++) {
            msgpack_pack_array(pk, 2);
            put_bin(pk, s->splits[i].bytes);
            put_bin(pk, s->splits[i].description);
        }
        put_bool(pk, s->no_more);
        break;
    }
    case PROTO_NO_MORE_SPLITS:
        msgpack_pack_array(pk, 1);
        msgpack_pack_int32(pk, m->u.no_more_splits.plan_node_id);
        break;
    case PROTO_CANCEL_TASK:
        msgpack_pack_array(pk, 2);
        msgpack_pack_int32(pk, m->u.cancel_task.error_code);
        put_str(pk, m->u.cancel_task.message);
        break;
    case PROTO_GET_TASK_STATUS:
        msgpack_pack_array(pk, 0);
        break;
    case PROTO_TASK_STATUS: {
        const proto_task_status *s = &m->u.task_status;
        msgpack_pack_array(pk, 7);
        msgpack_pack_uint32(pk, (uint32_t)s->state);
        msgpack_pack_uint64(pk, s->input_rows);
        msgpack_pack_uint64(pk, s->output_rows);
        msgpack_pack_uint64(pk, s->output_bytes);
        msgpack_pack_uint64(pk, s->output_pages);
        msgpack_pack_int32(pk, s->error_code);
        put_str(pk, s->message);
        break;
    }
    case PROTO_EXCHANGE_REQUEST:
        msgpack_pack_array(pk, 3);
        msgpack_pack_int32(pk, m->u.exchange_request.buffer_id);
        msgpack_pack_uint64(pk, m->u.exchange_request.token);
        msgpack_pack_uint32(pk, m->u.exchange_request.max_bytes);
        break;
    case PROTO_EXCHANGE_RESPONSE: {
        const proto_exchange_response *r = &m->u.exchange_response;
        msgpack_pack_array(pk, 6);
        msgpack_pack_uint64(pk, r->token);
        msgpack_pack_uint64(pk, r->next_token);
        put_bool(pk, r->complete);
        msgpack_pack_int32(pk, r->error_code);
        put_str(pk, r->message);
        msgpack_pack_array(pk, r->page_count);
        for (uint32_t i = 0; i < r->page_count; i++)
            put_bin(pk, r->pages[i]);
        break;
    }
    }
}

bool proto_encode(const proto_message *m, unsigned char **out, size_t *out_size, shoal_error *error)
{
    if (m->type < PROTO_ANNOUNCE || m->type > PROTO_TYPE_LAST)
        return error_set(error, ERR_SERIALIZATION_ERROR, "Unknown message type %d", (int)m->type);
    msgpack_sbuffer buf;
    msgpack_sbuffer_init(&buf);
    msgpack_packer pk;
    msgpack_packer_init(&pk, &buf, msgpack_sbuffer_write);
    msgpack_pack_array(&pk, 5);
    put_str(&pk, PROTO_MAGIC);
    msgpack_pack_unsigned_int(&pk, PROTO_VERSION);
    msgpack_pack_unsigned_int(&pk, (unsigned)m->type);
    msgpack_pack_array(&pk, 3);
    put_str(&pk, m->ids.query_id);
    msgpack_pack_int32(&pk, m->ids.fragment_id);
    msgpack_pack_int32(&pk, m->ids.task_index);
    put_body(&pk, m);
    if (!buf.data) {
        msgpack_sbuffer_destroy(&buf);
        return error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
    }
    *out_size = buf.size;
    *out = (unsigned char *)msgpack_sbuffer_release(&buf);
    return true;
}

/* ---- decoding ------------------------------------------------------------------ */

static bool get_str(mp_reader *r, char *field, size_t field_size)
{
    const unsigned char *data;
    uint32_t size;
    if (!mp_read_str(r, &data, &size) || size >= field_size || memchr(data, 0, size)) {
        r->failed = true;
        return false;
    }
    memcpy(field, data, size);
    field[size] = '\0';
    return true;
}

static bool get_bin(mp_reader *r, proto_bytes *b)
{
    return mp_read_bin(r, &b->data, &b->size);
}

static bool get_i32(mp_reader *r, int32_t *out)
{
    int64_t v;
    if (!mp_read_int_range(r, INT32_MIN, INT32_MAX, &v))
        return false;
    *out = (int32_t)v;
    return true;
}

static bool get_u32(mp_reader *r, uint32_t *out)
{
    int64_t v;
    if (!mp_read_int_range(r, 0, UINT32_MAX, &v))
        return false;
    *out = (uint32_t)v;
    return true;
}

static bool get_location(mp_reader *r, proto_location *l)
{
    return mp_expect_array(r, 5) && get_str(r, l->exchange_endpoint, sizeof l->exchange_endpoint) &&
           get_str(r, l->node_id, sizeof l->node_id) && get_i32(r, &l->fragment_id) &&
           get_i32(r, &l->task_index) && get_i32(r, &l->buffer_id);
}

static bool get_create_task(mp_reader *r, proto_create_task *c)
{
    if (!mp_expect_array(r, 7) || !get_bin(r, &c->fragment) || !get_i32(r, &c->task_count) ||
        !get_i32(r, &c->output_partitions) || !mp_read_bool(r, &c->output_broadcast) ||
        !mp_read_array(r, &c->source_count))
        return false;
    if (c->task_count < 1 || c->output_partitions < 1 || c->output_partitions > 4096)
        return !(r->failed = true);
    c->sources = calloc((size_t)c->source_count + 1, sizeof *c->sources);
    if (!c->sources)
        return !(r->failed = true);
    for (uint32_t i = 0; i < c->source_count; i++) {
        proto_remote_source *s = &c->sources[i];
        uint32_t n;
        if (!mp_expect_array(r, 2) || !get_i32(r, &s->plan_node_id) || !mp_read_array(r, &n))
            return false;
        s->locations = calloc((size_t)n + 1, sizeof *s->locations);
        if (!s->locations)
            return !(r->failed = true);
        s->location_count = n;
        for (uint32_t k = 0; k < n; k++)
            if (!get_location(r, &s->locations[k]))
                return false;
    }
    return get_str(r, c->session_catalog, sizeof c->session_catalog) &&
           get_str(r, c->session_schema, sizeof c->session_schema);
}

static bool get_add_splits(mp_reader *r, proto_add_splits *s)
{
    uint32_t n;
    if (!mp_expect_array(r, 3) || !get_i32(r, &s->plan_node_id) || !mp_read_array(r, &n))
        return false;
    s->splits = calloc((size_t)n + 1, sizeof *s->splits);
    if (!s->splits)
        return !(r->failed = true);
    s->split_count = n;
    for (uint32_t i = 0; i < n; i++)
        if (!mp_expect_array(r, 2) || !get_bin(r, &s->splits[i].bytes) || !get_bin(r, &s->splits[i].description))
            return false;
    return mp_read_bool(r, &s->no_more);
}

static bool get_exchange_response(mp_reader *r, proto_exchange_response *x)
{
    uint32_t n;
    if (!mp_expect_array(r, 6) || !mp_read_uint(r, &x->token) || !mp_read_uint(r, &x->next_token) ||
        !mp_read_bool(r, &x->complete) || !get_i32(r, &x->error_code) ||
        !get_str(r, x->message, sizeof x->message) || !mp_read_array(r, &n))
        return false;
    if (x->next_token < x->token || x->next_token - x->token != n)
        return !(r->failed = true);
    x->pages = calloc((size_t)n + 1, sizeof *x->pages);
    if (!x->pages)
        return !(r->failed = true);
    x->page_count = n;
    for (uint32_t i = 0; i < n; i++)
        if (!get_bin(r, &x->pages[i]))
            return false;
    return true;
}

static bool get_body(mp_reader *r, proto_message *m)
{
    switch (m->type) {
    case PROTO_ANNOUNCE: {
        proto_announce *a = &m->u.announce;
        return mp_expect_array(r, 6) && get_str(r, a->node_id, sizeof a->node_id) &&
               get_str(r, a->environment, sizeof a->environment) && get_str(r, a->version, sizeof a->version) &&
               get_str(r, a->control_endpoint, sizeof a->control_endpoint) &&
               get_str(r, a->exchange_endpoint, sizeof a->exchange_endpoint) && mp_read_bool(r, &a->coordinator);
    }
    case PROTO_HEARTBEAT:
        return mp_expect_array(r, 3) && get_str(r, m->u.heartbeat.node_id, sizeof m->u.heartbeat.node_id) &&
               mp_read_uint(r, &m->u.heartbeat.sequence) && get_u32(r, &m->u.heartbeat.running_tasks);
    case PROTO_ACK:
        return mp_expect_array(r, 2) && get_i32(r, &m->u.ack.error_code) &&
               get_str(r, m->u.ack.message, sizeof m->u.ack.message);
    case PROTO_CREATE_TASK:
        return get_create_task(r, &m->u.create_task);
    case PROTO_ADD_SPLITS:
        return get_add_splits(r, &m->u.add_splits);
    case PROTO_NO_MORE_SPLITS:
        return mp_expect_array(r, 1) && get_i32(r, &m->u.no_more_splits.plan_node_id);
    case PROTO_CANCEL_TASK:
        return mp_expect_array(r, 2) && get_i32(r, &m->u.cancel_task.error_code) &&
               get_str(r, m->u.cancel_task.message, sizeof m->u.cancel_task.message);
    case PROTO_GET_TASK_STATUS:
        return mp_expect_array(r, 0);
    case PROTO_TASK_STATUS: {
        proto_task_status *s = &m->u.task_status;
        uint32_t state;
        if (!mp_expect_array(r, 7) || !get_u32(r, &state) || state > PROTO_TASK_STATE_LAST)
            return !(r->failed = true);
        s->state = (proto_task_state)state;
        return mp_read_uint(r, &s->input_rows) && mp_read_uint(r, &s->output_rows) &&
               mp_read_uint(r, &s->output_bytes) && mp_read_uint(r, &s->output_pages) &&
               get_i32(r, &s->error_code) && get_str(r, s->message, sizeof s->message);
    }
    case PROTO_EXCHANGE_REQUEST:
        return mp_expect_array(r, 3) && get_i32(r, &m->u.exchange_request.buffer_id) &&
               mp_read_uint(r, &m->u.exchange_request.token) && get_u32(r, &m->u.exchange_request.max_bytes);
    case PROTO_EXCHANGE_RESPONSE:
        return get_exchange_response(r, &m->u.exchange_response);
    }
    return false;
}

bool proto_decode(const void *data, size_t size, proto_message *out, shoal_error *error)
{
    proto_message_init(out, PROTO_ACK);
    out->type = 0;
    mp_reader r;
    mp_reader_init(&r, data, size);
    const unsigned char *magic;
    uint32_t magic_size;
    uint64_t version, type;
    if (!mp_expect_array(&r, 5) || !mp_read_str(&r, &magic, &magic_size) || magic_size != sizeof PROTO_MAGIC - 1 ||
        memcmp(magic, PROTO_MAGIC, magic_size) != 0)
        return error_set(error, ERR_SERIALIZATION_ERROR, "Not a Shoal message");
    if (!mp_read_uint(&r, &version))
        return error_set(error, ERR_SERIALIZATION_ERROR, "Corrupt message: version");
    if (version != PROTO_VERSION)
        return error_set(error, ERR_SERIALIZATION_ERROR, "Unsupported message version %llu (this node speaks %d)",
                         (unsigned long long)version, PROTO_VERSION);
    if (!mp_read_uint(&r, &type) || type < PROTO_ANNOUNCE || type > PROTO_TYPE_LAST)
        return error_set(error, ERR_SERIALIZATION_ERROR, "Unknown message type");
    out->type = (proto_type)type;
    bool ok = mp_expect_array(&r, 3) && get_str(&r, out->ids.query_id, sizeof out->ids.query_id) &&
              get_i32(&r, &out->ids.fragment_id) && get_i32(&r, &out->ids.task_index) && get_body(&r, out) &&
              !r.failed && mp_reader_left(&r) == 0;
    if (!ok) {
        proto_message_free(out);
        return error_set(error, ERR_SERIALIZATION_ERROR, "Corrupt %s message", proto_type_name((proto_type)type));
    }
    return true;
}

void proto_message_free(proto_message *m)
{
    switch (m->type) {
    case PROTO_CREATE_TASK:
        for (uint32_t i = 0; m->u.create_task.sources && i < m->u.create_task.source_count; i++)
            free(m->u.create_task.sources[i].locations);
        free(m->u.create_task.sources);
        m->u.create_task.sources = NULL;
        m->u.create_task.source_count = 0;
        break;
    case PROTO_ADD_SPLITS:
        free(m->u.add_splits.splits);
        m->u.add_splits.splits = NULL;
        m->u.add_splits.split_count = 0;
        break;
    case PROTO_EXCHANGE_RESPONSE:
        free(m->u.exchange_response.pages);
        m->u.exchange_response.pages = NULL;
        m->u.exchange_response.page_count = 0;
        break;
    default:
        break;
    }
}
