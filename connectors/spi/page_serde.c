/*
 * page_serde.c — the page codec described in page_serde.h.
 *
 * Encoding uses libmsgpack-c's packer. Decoding uses the small bounds-checked
 * reader below instead of msgpack-c's unpacker: the unpacker allocates
 * storage for an array's claimed element count before reading the elements,
 * so five hostile bytes could ask it for gigabytes. The reader here never
 * allocates from a count it has not checked against the bytes left.
 */
#include "page_serde.h"

#include <msgpack.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "page_serde writes values in host order and assumes a little-endian host"
#endif

static const char PAGE_MAGIC[] = "shoal-page";

enum {
    ENCODING_FLAT = 0,
    ENCODING_CONSTANT = 1,
    FLAG_VALIDITY = 1,
    FLAG_ZSTD = 2,
    TSTZ_WIRE_SIZE = 10,
    DEFAULT_COMPRESS_MIN = 256
};

/* ---- XXH64 ------------------------------------------------------------- */

static const uint64_t XXP1 = UINT64_C(0x9E3779B185EBCA87);
static const uint64_t XXP2 = UINT64_C(0xC2B2AE3D27D4EB4F);
static const uint64_t XXP3 = UINT64_C(0x165667B19E3779F9);
static const uint64_t XXP4 = UINT64_C(0x85EBCA77C2B2AE63);
static const uint64_t XXP5 = UINT64_C(0x27D4EB2F165667C5);

static inline uint64_t rotl64(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

static inline uint64_t read64(const unsigned char *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

static inline uint32_t read32(const unsigned char *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

static inline uint64_t xx_round(uint64_t acc, uint64_t input)
{
    acc += input * XXP2;
    acc = rotl64(acc, 31);
    return acc * XXP1;
}

static inline uint64_t xx_merge(uint64_t acc, uint64_t value)
{
    acc ^= xx_round(0, value);
    return acc * XXP1 + XXP4;
}

uint64_t page_serde_xxh64(const void *data, size_t size, uint64_t seed)
{
    const unsigned char *p = data;
    const unsigned char *end = p + size;
    uint64_t h;
    if (size >= 32) {
        uint64_t v1 = seed + XXP1 + XXP2, v2 = seed + XXP2, v3 = seed, v4 = seed - XXP1;
        const unsigned char *limit = end - 32;
        do {
            v1 = xx_round(v1, read64(p));
            v2 = xx_round(v2, read64(p + 8));
            v3 = xx_round(v3, read64(p + 16));
            v4 = xx_round(v4, read64(p + 24));
            p += 32;
        } while (p <= limit);
        h = rotl64(v1, 1) + rotl64(v2, 7) + rotl64(v3, 12) + rotl64(v4, 18);
        h = xx_merge(h, v1);
        h = xx_merge(h, v2);
        h = xx_merge(h, v3);
        h = xx_merge(h, v4);
    } else {
        h = seed + XXP5;
    }
    h += (uint64_t)size;
    for (; p + 8 <= end; p += 8) {
        h ^= xx_round(0, read64(p));
        h = rotl64(h, 27) * XXP1 + XXP4;
    }
    if (p + 4 <= end) {
        h ^= (uint64_t)read32(p) * XXP1;
        h = rotl64(h, 23) * XXP2 + XXP3;
        p += 4;
    }
    for (; p < end; p++) {
        h ^= (uint64_t)*p * XXP5;
        h = rotl64(h, 11) * XXP1;
    }
    h ^= h >> 33;
    h *= XXP2;
    h ^= h >> 29;
    h *= XXP3;
    h ^= h >> 32;
    return h;
}

/* ---- zstd contexts, one per thread ------------------------------------- */

static pthread_key_t cctx_key, dctx_key;
static pthread_once_t zstd_keys_once = PTHREAD_ONCE_INIT;

static void free_cctx(void *p) { ZSTD_freeCCtx(p); }
static void free_dctx(void *p) { ZSTD_freeDCtx(p); }

static void make_zstd_keys(void)
{
    pthread_key_create(&cctx_key, free_cctx);
    pthread_key_create(&dctx_key, free_dctx);
}

static ZSTD_CCtx *thread_cctx(void)
{
    pthread_once(&zstd_keys_once, make_zstd_keys);
    ZSTD_CCtx *c = pthread_getspecific(cctx_key);
    if (!c && (c = ZSTD_createCCtx()))
        pthread_setspecific(cctx_key, c);
    return c;
}

static ZSTD_DCtx *thread_dctx(void)
{
    pthread_once(&zstd_keys_once, make_zstd_keys);
    ZSTD_DCtx *d = pthread_getspecific(dctx_key);
    if (!d && (d = ZSTD_createDCtx()))
        pthread_setspecific(dctx_key, d);
    return d;
}

/* ---- shared helpers ---------------------------------------------------- */

enum { MAX_NESTING = 16 };

static bool type_is_nested(sql_type type)
{
    physical_type physical = type_physical(type);
    return physical == PHYSICAL_LIST || physical == PHYSICAL_STRUCT;
}

static size_t wire_value_size(sql_type type)
{
    return type_physical(type) == PHYSICAL_TIMESTAMP_TZ ? TSTZ_WIRE_SIZE : type_value_size(type);
}

static size_t validity_size(uint64_t rows)
{
    return (size_t)((rows + 63) / 64) * 8;
}

/* ---- encoding ---------------------------------------------------------- */

typedef struct byte_buffer {
    unsigned char *data;
    size_t size;
    size_t capacity;
} byte_buffer;

static bool reserve_bytes(byte_buffer *b, size_t more)
{
    if (b->data && b->capacity - b->size >= more) /* never NULL afterwards, even for 0 bytes */
        return true;
    size_t capacity = b->capacity ? b->capacity : 256;
    while (capacity - b->size < more)
        capacity *= 2;
    unsigned char *grown = realloc(b->data, capacity);
    if (!grown)
        return false;
    b->data = grown;
    b->capacity = capacity;
    return true;
}

static void put_bytes(byte_buffer *b, const void *data, size_t size)
{
    if (size)
        memcpy(b->data + b->size, data, size);
    b->size += size;
}

/* Writes the raw payload of rows [0, n) of `v` (through its view). */
static bool encode_payload(const vector *v, uint32_t n, bool *has_validity, byte_buffer *out)
{
    vector_view view = vector_view_of(v);
    bool any_null = false;
    if (view.validity)
        for (uint32_t i = 0; i < n && !any_null; i++)
            any_null = !vector_view_valid(&view, vector_view_index(&view, i));
    *has_validity = any_null;
    size_t vbytes = any_null ? validity_size(n) : 0;
    physical_type physical = type_physical(v->type);

    size_t values_size;
    if (physical == PHYSICAL_STRING) {
        values_size = (size_t)n * 4;
        const string_view *s = view.data;
        for (uint32_t i = 0; i < n; i++) {
            uint32_t index = vector_view_index(&view, i);
            if (vector_view_valid(&view, index))
                values_size += s[index].length;
        }
    } else {
        values_size = (size_t)n * wire_value_size(v->type);
    }
    if (!reserve_bytes(out, vbytes + values_size))
        return false;

    if (any_null) {
        uint64_t *words = (uint64_t *)(out->data + out->size);
        memset(words, 0, vbytes);
        for (uint32_t i = 0; i < n; i++)
            if (vector_view_valid(&view, vector_view_index(&view, i)))
                words[i >> 6] |= UINT64_C(1) << (i & 63);
        out->size += vbytes;
    }

    if (physical == PHYSICAL_STRING) {
        const string_view *s = view.data;
        uint32_t *lengths = (uint32_t *)(out->data + out->size);
        for (uint32_t i = 0; i < n; i++) {
            uint32_t index = vector_view_index(&view, i);
            lengths[i] = vector_view_valid(&view, index) ? s[index].length : 0;
        }
        out->size += (size_t)n * 4;
        for (uint32_t i = 0; i < n; i++)
            if (lengths[i])
                put_bytes(out, string_view_data(&s[vector_view_index(&view, i)]), lengths[i]);
        return true;
    }
    if (physical == PHYSICAL_TIMESTAMP_TZ) {
        const timestamp_tz *t = view.data;
        for (uint32_t i = 0; i < n; i++) {
            const timestamp_tz *x = &t[vector_view_index(&view, i)];
            put_bytes(out, &x->micros_utc, 8);
            put_bytes(out, &x->zone_key, 2);
        }
        return true;
    }
    size_t width = type_value_size(v->type);
    if (!view.selection) {
        put_bytes(out, view.data, (size_t)n * width);
    } else {
        const unsigned char *from = view.data;
        for (uint32_t i = 0; i < n; i++)
            put_bytes(out, from + (size_t)view.selection[i] * width, width);
    }
    if (physical == PHYSICAL_BOOL) { /* canonical 0/1 */
        unsigned char *b = out->data + out->size - n;
        for (uint32_t i = 0; i < n; i++)
            b[i] = b[i] != 0;
    }
    return true;
}

/* A nested value's own payload (validity, then for arrays/maps one uint32
 * length per row) over `flat`, a canonical copy: entries in row order,
 * elements packed from 0. */
static bool encode_nested_payload(const vector *flat, uint32_t n, bool *has_validity, byte_buffer *out)
{
    bool any_null = false;
    for (uint32_t i = 0; i < n && flat->validity && !any_null; i++)
        any_null = vector_is_null(flat, i);
    *has_validity = any_null;
    size_t vbytes = any_null ? validity_size(n) : 0;
    bool list = type_physical(flat->type) == PHYSICAL_LIST;
    if (!reserve_bytes(out, vbytes + (list ? (size_t)n * 4 : 0)))
        return false;
    if (any_null) {
        uint64_t *words = (uint64_t *)(out->data + out->size);
        memset(words, 0, vbytes);
        for (uint32_t i = 0; i < n; i++)
            if (!vector_is_null(flat, i))
                words[i >> 6] |= UINT64_C(1) << (i & 63);
        out->size += vbytes;
    }
    if (list) {
        const list_entry *entries = flat->data;
        for (uint32_t i = 0; i < n; i++)
            put_bytes(out, &entries[i].length, 4);
    }
    return true;
}

static bool pack_column_at(msgpack_packer *pk, const vector *v, uint32_t rows, const page_serde_options *options,
                           byte_buffer *raw, byte_buffer *packed, int depth, shoal_error *error);

static bool pack_column(msgpack_packer *pk, const vector *v, uint32_t rows,
                        const page_serde_options *options, byte_buffer *raw, byte_buffer *packed,
                        shoal_error *error)
{
    return pack_column_at(pk, v, rows, options, raw, packed, 0, error);
}

static bool pack_column_at(msgpack_packer *pk, const vector *v, uint32_t rows, const page_serde_options *options,
                           byte_buffer *raw, byte_buffer *packed, int depth, shoal_error *error)
{
    char type_name[TYPE_NAME_MAX];
    size_t name_length = type_format(v->type, false, type_name, sizeof type_name);
    if (name_length >= sizeof type_name || depth > MAX_NESTING)
        return error_set(error, ERR_NOT_SUPPORTED, "Page serde does not support type %s", type_name);

    bool constant = v->kind == VECTOR_CONSTANT;
    uint32_t n = constant ? 1 : rows;
    bool has_validity;
    bool nested = type_is_nested(v->type);
    vector flat;
    raw->size = 0;
    if (nested) {
        if (!vector_init_flat(&flat, v->type, n ? n : 1))
            return error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
        if (!vector_copy_values(&flat, NULL, 0, v, NULL, 0, n) || !encode_nested_payload(&flat, n, &has_validity, raw)) {
            vector_destroy(&flat);
            return error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
        }
    } else if (!encode_payload(v, n, &has_validity, raw)) {
        return error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
    }

    unsigned flags = has_validity ? FLAG_VALIDITY : 0;
    const unsigned char *payload = raw->data;
    size_t payload_size = raw->size;
    size_t min_size = options && options->compress_min_bytes ? options->compress_min_bytes
                                                             : DEFAULT_COMPRESS_MIN;
    if (!(options && options->never_compress) && raw->size >= min_size) {
        size_t bound = ZSTD_compressBound(raw->size);
        ZSTD_CCtx *cctx = thread_cctx();
        packed->size = 0;
        if (cctx && reserve_bytes(packed, bound)) {
            int level = options && options->zstd_level ? options->zstd_level : 1;
            size_t z = ZSTD_compressCCtx(cctx, packed->data, bound, raw->data, raw->size, level);
            if (!ZSTD_isError(z) && z <= raw->size - raw->size / 8) {
                flags |= FLAG_ZSTD;
                payload = packed->data;
                payload_size = z;
            }
        }
    }
    msgpack_pack_array(pk, nested ? 6 : 5);
    msgpack_pack_str(pk, name_length);
    msgpack_pack_str_body(pk, type_name, name_length);
    msgpack_pack_unsigned_int(pk, constant ? ENCODING_CONSTANT : ENCODING_FLAT);
    msgpack_pack_unsigned_int(pk, flags);
    msgpack_pack_uint64(pk, raw->size);
    msgpack_pack_bin(pk, payload_size);
    msgpack_pack_bin_body(pk, payload, payload_size);
    if (!nested)
        return true;
    /* the children: array/map elements (child_size rows), row fields (n rows) */
    uint32_t child_rows = type_physical(v->type) == PHYSICAL_LIST ? flat.child_size : n;
    bool ok = true;
    msgpack_pack_array(pk, (size_t)flat.child_count);
    for (int i = 0; ok && i < flat.child_count; i++)
        ok = pack_column_at(pk, flat.children[i], child_rows, options, raw, packed, depth + 1, error);
    vector_destroy(&flat);
    return ok;
}

bool page_serialize(const page *p, const page_serde_options *options, unsigned char **out,
                    size_t *out_size, shoal_error *error)
{
    msgpack_sbuffer sbuf;
    msgpack_sbuffer_init(&sbuf);
    msgpack_packer pk;
    msgpack_packer_init(&pk, &sbuf, msgpack_sbuffer_write);
    byte_buffer raw = {0}, packed = {0};
    bool ok = true;

    msgpack_pack_array(&pk, 5);
    msgpack_pack_str(&pk, sizeof PAGE_MAGIC - 1);
    msgpack_pack_str_body(&pk, PAGE_MAGIC, sizeof PAGE_MAGIC - 1);
    msgpack_pack_unsigned_int(&pk, PAGE_SERDE_VERSION);
    msgpack_pack_uint32(&pk, p->row_count);
    msgpack_pack_array(&pk, (size_t)p->column_count);
    for (int i = 0; ok && i < p->column_count; i++)
        ok = pack_column(&pk, &p->columns[i], p->row_count, options, &raw, &packed, error);
    if (ok && !sbuf.data) /* msgpack-c reports allocation failure only by losing data */
        ok = error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
    if (ok) {
        uint64_t checksum = page_serde_xxh64(sbuf.data, sbuf.size, 0);
        msgpack_pack_uint64(&pk, checksum);
        *out_size = sbuf.size;
        *out = (unsigned char *)msgpack_sbuffer_release(&sbuf);
    }
    msgpack_sbuffer_destroy(&sbuf);
    free(raw.data);
    free(packed.data);
    return ok;
}

/* ---- a bounds-checked msgpack reader ----------------------------------- */

typedef struct mp_reader {
    const unsigned char *p;
    const unsigned char *end;
} mp_reader;

static bool mp_take(mp_reader *r, size_t n, const unsigned char **out)
{
    if ((size_t)(r->end - r->p) < n)
        return false;
    *out = r->p;
    r->p += n;
    return true;
}

static bool mp_be(mp_reader *r, int bytes, uint64_t *out)
{
    const unsigned char *b;
    if (!mp_take(r, (size_t)bytes, &b))
        return false;
    uint64_t v = 0;
    for (int i = 0; i < bytes; i++)
        v = (v << 8) | b[i];
    *out = v;
    return true;
}

static bool mp_uint(mp_reader *r, uint64_t *out)
{
    const unsigned char *tag;
    if (!mp_take(r, 1, &tag))
        return false;
    if (*tag <= 0x7f) {
        *out = *tag;
        return true;
    }
    switch (*tag) {
    case 0xcc: return mp_be(r, 1, out);
    case 0xcd: return mp_be(r, 2, out);
    case 0xce: return mp_be(r, 4, out);
    case 0xcf: return mp_be(r, 8, out);
    default: return false;
    }
}

static bool mp_array(mp_reader *r, uint64_t *count)
{
    const unsigned char *tag;
    if (!mp_take(r, 1, &tag))
        return false;
    bool ok = true;
    if ((*tag & 0xf0) == 0x90)
        *count = *tag & 0x0f;
    else if (*tag == 0xdc)
        ok = mp_be(r, 2, count);
    else if (*tag == 0xdd)
        ok = mp_be(r, 4, count);
    else
        return false;
    /* every element takes at least one byte */
    return ok && *count <= (uint64_t)(r->end - r->p);
}

static bool mp_sized(mp_reader *r, uint64_t length, const unsigned char **data, uint32_t *size)
{
    if (!mp_take(r, (size_t)length, data))
        return false;
    *size = (uint32_t)length;
    return true;
}

static bool mp_str(mp_reader *r, const unsigned char **data, uint32_t *size)
{
    const unsigned char *tag;
    uint64_t length;
    if (!mp_take(r, 1, &tag))
        return false;
    if ((*tag & 0xe0) == 0xa0)
        length = *tag & 0x1f;
    else if (*tag == 0xd9 ? !mp_be(r, 1, &length)
             : *tag == 0xda ? !mp_be(r, 2, &length)
             : *tag == 0xdb ? !mp_be(r, 4, &length) : true)
        return false;
    return mp_sized(r, length, data, size);
}

static bool mp_bin(mp_reader *r, const unsigned char **data, uint32_t *size)
{
    const unsigned char *tag;
    uint64_t length;
    if (!mp_take(r, 1, &tag))
        return false;
    if (*tag == 0xc4 ? !mp_be(r, 1, &length)
        : *tag == 0xc5 ? !mp_be(r, 2, &length)
        : *tag == 0xc6 ? !mp_be(r, 4, &length) : true)
        return false;
    return mp_sized(r, length, data, size);
}

/* ---- decoding ---------------------------------------------------------- */

typedef struct column_wire {
    const unsigned char *type_name;
    uint32_t type_name_size;
    uint64_t encoding;
    uint64_t flags;
    uint64_t raw_size;
    const unsigned char *payload;
    uint32_t payload_size;
    const unsigned char *children;   /* nested types: the msgpack array of child columns */
    const unsigned char *end;        /* the end of this column's bytes */
} column_wire;

static bool corrupt(shoal_error *error, const char *reason)
{
    return error_set(error, ERR_CORRUPT_PAGE, "Corrupt page: %s", reason);
}

static bool read_column_at(mp_reader *r, column_wire *c, int depth, uint64_t *decoded, shoal_error *error);

static bool read_column(mp_reader *r, column_wire *c, uint64_t *decoded, shoal_error *error)
{
    return read_column_at(r, c, 0, decoded, error);
}

/* Reads (and checks the headers of) a column and, for nested types, its
 * children; *decoded accumulates the raw sizes of all of them. */
static bool read_column_at(mp_reader *r, column_wire *c, int depth, uint64_t *decoded, shoal_error *error)
{
    uint64_t fields;
    if (depth > MAX_NESTING)
        return corrupt(error, "nesting too deep");
    if (!mp_array(r, &fields) || (fields != 5 && fields != 6))
        return corrupt(error, "bad column header");
    if (!mp_str(r, &c->type_name, &c->type_name_size) || c->type_name_size == 0 ||
        c->type_name_size >= TYPE_NAME_MAX)
        return corrupt(error, "bad column type");
    if (!mp_uint(r, &c->encoding) || c->encoding > ENCODING_CONSTANT)
        return corrupt(error, "unknown column encoding");
    if (!mp_uint(r, &c->flags) || (c->flags & ~(uint64_t)(FLAG_VALIDITY | FLAG_ZSTD)))
        return corrupt(error, "unknown column flags");
    if (!mp_uint(r, &c->raw_size) || c->raw_size > PAGE_SERDE_MAX_DECODED_BYTES)
        return corrupt(error, "column too large");
    if (!mp_bin(r, &c->payload, &c->payload_size))
        return corrupt(error, "bad column payload");
    if (!(c->flags & FLAG_ZSTD) && c->payload_size != c->raw_size)
        return corrupt(error, "payload size mismatch");
    *decoded += c->raw_size;
    if (*decoded > PAGE_SERDE_MAX_DECODED_BYTES)
        return corrupt(error, "page too large");
    c->children = NULL;
    if (fields == 6) {
        uint64_t count;
        c->children = r->p;
        if (!mp_array(r, &count) || count == 0 || count > TYPE_NAME_MAX)
            return corrupt(error, "bad child columns");
        for (uint64_t i = 0; i < count; i++) {
            column_wire child;
            if (!read_column_at(r, &child, depth + 1, decoded, error))
                return false;
        }
    }
    c->end = r->p;
    return true;
}

/* The uncompressed payload: either the input bytes or a decompressed copy in *owned. */
static bool column_payload(const column_wire *c, buffer **owned, const unsigned char **data,
                           shoal_error *error)
{
    *owned = NULL;
    if (!(c->flags & FLAG_ZSTD)) {
        *data = c->payload;
        return true;
    }
    unsigned long long content = ZSTD_getFrameContentSize(c->payload, c->payload_size);
    if (content != c->raw_size)
        return corrupt(error, "compressed size mismatch");
    ZSTD_DCtx *dctx = thread_dctx();
    *owned = buffer_new(c->raw_size ? c->raw_size : 1);
    if (!dctx || !*owned)
        return error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
    size_t got = ZSTD_decompressDCtx(dctx, (*owned)->data, c->raw_size, c->payload, c->payload_size);
    if (ZSTD_isError(got) || got != c->raw_size) {
        buffer_unref(*owned);
        *owned = NULL;
        return corrupt(error, "bad compressed payload");
    }
    *data = (*owned)->data;
    return true;
}

static bool set_validity(vector *v, const unsigned char *bits, uint32_t n)
{
    size_t bytes = validity_size(v->capacity);
    v->validity_buffer = buffer_new(bytes);
    if (!v->validity_buffer)
        return false;
    memset(v->validity_buffer->data, 0xff, bytes);
    memcpy(v->validity_buffer->data, bits, validity_size(n));
    v->validity = (uint64_t *)v->validity_buffer->data;
    return true;
}

static bool decode_strings(vector *v, uint32_t n, const unsigned char *values, uint64_t size,
                           buffer *owned, shoal_error *error)
{
    if (size < (uint64_t)n * 4)
        return corrupt(error, "string lengths truncated");
    const unsigned char *blob = values + (size_t)n * 4;
    uint64_t blob_size = size - (uint64_t)n * 4, total = 0;
    for (uint32_t i = 0; i < n; i++)
        total += read32(values + (size_t)i * 4);
    if (total != blob_size)
        return corrupt(error, "string bytes do not match their lengths");
    buffer *keep = owned;
    if (!keep && blob_size > 0) { /* the input is not ours: copy the blob */
        keep = buffer_new(blob_size);
        if (!keep)
            return error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
        memcpy(keep->data, blob, blob_size);
        blob = keep->data;
    } else if (keep) {
        buffer_ref(keep);
    }
    bool kept = vector_keep_buffer(v, keep);
    buffer_unref(keep);
    if (!kept)
        return error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
    string_view *out = v->data;
    uint64_t offset = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t length = read32(values + (size_t)i * 4);
        out[i] = string_view_make((const char *)blob + offset, length);
        offset += length;
    }
    return true;
}

static bool decode_fixed(vector *v, uint32_t n, const unsigned char *values, uint64_t size,
                         shoal_error *error)
{
    size_t width = wire_value_size(v->type);
    if (size != (uint64_t)n * width)
        return corrupt(error, "value bytes do not match the row count");
    physical_type physical = type_physical(v->type);
    if (physical == PHYSICAL_TIMESTAMP_TZ) {
        timestamp_tz *out = v->data;
        for (uint32_t i = 0; i < n; i++) {
            memcpy(&out[i].micros_utc, values + (size_t)i * width, 8);
            memcpy(&out[i].zone_key, values + (size_t)i * width + 8, 2);
        }
        return true;
    }
    if (physical == PHYSICAL_BOOL)
        for (uint32_t i = 0; i < n; i++)
            if (values[i] > 1)
                return corrupt(error, "boolean value is neither 0 nor 1");
    memcpy(v->data, values, size);
    return true;
}

static bool decode_column(vector *v, const column_wire *c, uint32_t rows, shoal_error *error);

/* Decodes a nested column: its own validity and lengths, then the children
 * (decoded into the vector's child slots; each is checked against its own
 * bytes before anything of its size is trusted). */
static bool decode_nested(vector *v, sql_type type, const column_wire *c, uint32_t n, const unsigned char *values,
                          uint64_t size, shoal_error *error)
{
    bool list = type_physical(type) == PHYSICAL_LIST;
    if (size != (list ? (uint64_t)n * 4 : 0))
        return corrupt(error, "nested value bytes do not match the row count");
    if (!c->children)
        return corrupt(error, "nested column without children");
    uint64_t total = 0;
    if (list) {
        list_entry *entries = v->data;
        for (uint32_t i = 0; i < n; i++) {
            uint32_t length = read32(values + (size_t)i * 4);
            if (length && !vector_view_valid(&(vector_view){v->data, v->validity, NULL}, i))
                return corrupt(error, "NULL array with elements");
            entries[i] = (list_entry){(uint32_t)total, length};
            total += length;
            if (total > PAGE_SERDE_MAX_ROWS)
                return corrupt(error, "too many elements");
        }
    }
    mp_reader r = {c->children, c->end};
    uint64_t count;
    if (!mp_array(&r, &count) || count != (uint64_t)v->child_count)
        return corrupt(error, "child columns do not match the type");
    for (int i = 0; i < v->child_count; i++) {
        column_wire child;
        uint64_t ignored = 0;
        if (!read_column(&r, &child, &ignored, error))
            return false;
        if (child.encoding != ENCODING_FLAT)
            return corrupt(error, "constant child column");
        vector_destroy(v->children[i]); /* left destroyable when decoding fails */
        if (!decode_column(v->children[i], &child, list ? (uint32_t)total : n, error))
            return false;
        if (!type_equal(v->children[i]->type, type.composite->field_types[i]))
            return corrupt(error, "child column type does not match");
    }
    if (list)
        v->child_size = (uint32_t)total;
    return true;
}

static bool decode_column(vector *v, const column_wire *c, uint32_t rows, shoal_error *error)
{
    char name[TYPE_NAME_MAX];
    memcpy(name, c->type_name, c->type_name_size);
    name[c->type_name_size] = '\0';
    sql_type type;
    if (!type_parse(name, &type))
        return corrupt(error, "unknown column type");
    if (type_is_nested(type) != (c->children != NULL))
        return corrupt(error, "children do not match the column type");
    uint32_t n = c->encoding == ENCODING_CONSTANT ? 1 : rows;
    uint64_t vbytes = (c->flags & FLAG_VALIDITY) ? validity_size(n) : 0;
    if (c->raw_size < vbytes)
        return corrupt(error, "validity bitmap truncated");

    buffer *owned = NULL;
    const unsigned char *data = NULL;
    if (!column_payload(c, &owned, &data, error))
        return false;
    /* nested vectors start with one-row children: the children's sizes are
     * trusted only once their own bytes are checked */
    bool nested = type_is_nested(type);
    bool ok = vector_init_flat(v, type, nested ? 1 : n > 0 ? n : 1);
    if (ok && nested && n > 1) {
        if (type_physical(type) == PHYSICAL_LIST)
            ok = vector_reserve(v, n);   /* the entries; the children come later */
        else
            v->capacity = n;             /* a row has no data of its own */
    }
    if (!ok)
        error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
    if (ok && vbytes && !set_validity(v, data, n))
        ok = error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
    if (ok) {
        const unsigned char *values = data + vbytes;
        uint64_t size = c->raw_size - vbytes;
        if (nested)
            ok = decode_nested(v, type, c, n, values, size, error);
        else
            ok = type_physical(type) == PHYSICAL_STRING ? decode_strings(v, n, values, size, owned, error)
                                                        : decode_fixed(v, n, values, size, error);
    }
    buffer_unref(owned);
    if (ok && c->encoding == ENCODING_CONSTANT)
        v->kind = VECTOR_CONSTANT;
    return ok;
}

page *page_deserialize_flags(const void *data, size_t size, unsigned flags, shoal_error *error)
{
    mp_reader r = {data, (const unsigned char *)data + size};
    uint64_t fields, version, rows, column_count;
    const unsigned char *magic;
    uint32_t magic_size;
    if (!data || !mp_array(&r, &fields) || fields != 5 || !mp_str(&r, &magic, &magic_size) ||
        magic_size != sizeof PAGE_MAGIC - 1 || memcmp(magic, PAGE_MAGIC, magic_size) != 0) {
        corrupt(error, "not a page");
        return NULL;
    }
    if (!mp_uint(&r, &version)) {
        corrupt(error, "bad version");
        return NULL;
    }
    if (version != PAGE_SERDE_VERSION) {
        error_set(error, ERR_CORRUPT_PAGE, "Unsupported page format version %llu (this node reads %d)",
                  (unsigned long long)version, PAGE_SERDE_VERSION);
        return NULL;
    }
    if (!mp_uint(&r, &rows) || rows > PAGE_SERDE_MAX_ROWS) {
        corrupt(error, "bad row count");
        return NULL;
    }
    if (!mp_array(&r, &column_count) || column_count > PAGE_SERDE_MAX_COLUMNS) {
        corrupt(error, "bad column count");
        return NULL;
    }
    column_wire *columns = calloc(column_count ? column_count : 1, sizeof *columns);
    if (!columns) {
        error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
        return NULL;
    }
    page *p = NULL;
    uint64_t decoded = 0, checksum;
    for (uint64_t i = 0; i < column_count; i++)
        if (!read_column(&r, &columns[i], &decoded, error))
            goto done;
    if (decoded > PAGE_SERDE_MAX_DECODED_BYTES) {
        corrupt(error, "page too large");
        goto done;
    }
    const unsigned char *columns_end = r.p;
    if (!mp_uint(&r, &checksum) || r.p != r.end) {
        corrupt(error, "bad trailer");
        goto done;
    }
    if (!(flags & PAGE_SERDE_SKIP_CHECKSUM) &&
        checksum != page_serde_xxh64(data, (size_t)(columns_end - (const unsigned char *)data), 0)) {
        corrupt(error, "checksum mismatch");
        goto done;
    }
    p = page_new_empty((int)column_count);
    if (!p) {
        error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
        goto done;
    }
    p->column_count = 0;
    for (uint64_t i = 0; i < column_count; i++) {
        bool ok = decode_column(&p->columns[i], &columns[i], (uint32_t)rows, error);
        p->column_count = (int)i + 1; /* a failed vector is cleaned up by page_unref */
        if (!ok) {
            page_unref(p);
            p = NULL;
            goto done;
        }
    }
    p->row_count = (uint32_t)rows;
done:
    free(columns);
    return p;
}

page *page_deserialize(const void *data, size_t size, shoal_error *error)
{
    return page_deserialize_flags(data, size, 0, error);
}
