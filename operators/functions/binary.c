/*
 * binary.c — Trino's binary functions: the digests md5, sha1, sha256,
 * sha512 and hmac_md5/sha1/sha256/sha512(binary, key) (mbedtls, the crypto library nng's TLS already uses),
 * crc32 (-> bigint), xxhash64 (-> 8 bytes, big-endian, seed 0), and the
 * base64 codecs to_base64/from_base64, to_base64url/from_base64url.
 *
 * NULL in gives NULL out (null_on_null). Bad base64 fails with
 * INVALID_FUNCTION_ARGUMENT. Results are written into the node's string
 * arena; nothing is allocated per row.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <mbedtls/md.h>

#include "operators/expr_internal.h"
#include "connectors/spi/base64.h"

#define BYTES(i, r) VIEW_AT(string_view, v##i, r)

/* Writes `length` bytes as the result for row r (inline when short). */
static bool put_bytes(expr_node *n, eval_context *ctx, uint32_t r, const void *bytes, uint32_t length)
{
    char *p = length <= STRING_INLINE_MAX ? NULL : node_string_reserve(n, length, ctx->error);
    if (length > STRING_INLINE_MAX && !p)
        return false;
    if (p) {
        memcpy(p, bytes, length);
        ((string_view *)n->out.data)[r] = string_view_make(p, length);
    } else {
        ((string_view *)n->out.data)[r] = string_view_make(bytes, length);
    }
    return true;
}

/* ---- digests ---- */

/* 0 md5, 1 sha1, 2 sha256, 3 sha512 (kept in n->k[0]) */
static int64_t digest_index(const char *name)
{
    const char *algorithm = strncmp(name, "hmac_", 5) == 0 ? name + 5 : name;
    return strcmp(algorithm, "md5") == 0 ? 0 : strcmp(algorithm, "sha1") == 0 ? 1 : strcmp(algorithm, "sha256") == 0 ? 2 : 3;
}

/* mbedtls' one-shot md/hmac calls need no context and allocate nothing, so
 * the digest is looked up once per batch and each row is one call. */
static const mbedtls_md_info_t *digest_info(const expr_node *n)
{
    static const mbedtls_md_type_t types[] = {MBEDTLS_MD_MD5, MBEDTLS_MD_SHA1, MBEDTLS_MD_SHA256,
                                              MBEDTLS_MD_SHA512};
    return mbedtls_md_info_from_type(types[n->k[0]]);
}

static bool digest_kernel(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    vector_view v0 = node_arg(n, 0);
    const mbedtls_md_info_t *info = digest_info(n);
    bool ok = info != NULL;
    uint32_t length = info ? mbedtls_md_get_size(info) : 0;
    unsigned char out[MBEDTLS_MD_MAX_SIZE];
    ROW_LOOP(sel, count, r, {
        string_view s = BYTES(0, r);
        ok = ok && mbedtls_md(info, (const unsigned char *)string_view_data(&s), s.length, out) == 0 &&
             put_bytes(n, ctx, r, out, length);
    });
    return ok || error_is_set(ctx->error) || node_error(n, ctx, ERR_GENERIC_INTERNAL_ERROR, "digest failed");
}

static bool hmac_kernel(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    vector_view v0 = node_arg(n, 0), v1 = node_arg(n, 1);
    const mbedtls_md_info_t *info = digest_info(n);
    bool ok = info != NULL;
    uint32_t length = info ? mbedtls_md_get_size(info) : 0;
    unsigned char out[MBEDTLS_MD_MAX_SIZE];
    ROW_LOOP(sel, count, r, {
        string_view s = BYTES(0, r), key = BYTES(1, r);
        /* an empty key is a valid HMAC key; pass a non-NULL pointer for it */
        const unsigned char *key_bytes = key.length ? (const unsigned char *)string_view_data(&key)
                                                    : (const unsigned char *)"";
        ok = ok && mbedtls_md_hmac(info, key_bytes, key.length, (const unsigned char *)string_view_data(&s),
                                   s.length, out) == 0 &&
             put_bytes(n, ctx, r, out, length);
    });
    return ok || error_is_set(ctx->error) || node_error(n, ctx, ERR_GENERIC_INTERNAL_ERROR, "hmac failed");
}

/* ---- crc32 (IEEE 802.3, reflected polynomial 0xEDB88320, as java.util.zip.CRC32) ---- */

static uint32_t crc_table[256];
static pthread_once_t crc_once = PTHREAD_ONCE_INIT;

static void crc_init(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        crc_table[i] = c;
    }
}

static bool crc32_kernel(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    (void)ctx;
    vector_view v0 = node_arg(n, 0);
    int64_t *out = n->out.data;
    ROW_LOOP(sel, count, r, {
        string_view s = BYTES(0, r);
        const unsigned char *d = (const unsigned char *)string_view_data(&s);
        uint32_t c = 0xFFFFFFFFu;
        for (uint32_t i = 0; i < s.length; i++)
            c = crc_table[(c ^ d[i]) & 0xFF] ^ (c >> 8);
        out[r] = (int64_t)(c ^ 0xFFFFFFFFu);
    });
    return true;
}

/* ---- xxhash64 (XXH64 with seed 0, written from the published algorithm) ---- */

static const uint64_t P1 = 11400714785074694791ULL, P2 = 14029467366897019727ULL, P3 = 1609587929392839161ULL,
                      P4 = 9650029242287828579ULL, P5 = 2870177450012600261ULL;

static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
static inline uint64_t read64(const unsigned char *p) { uint64_t x; memcpy(&x, p, 8); return x; }
static inline uint32_t read32(const unsigned char *p) { uint32_t x; memcpy(&x, p, 4); return x; }
static inline uint64_t xx_round(uint64_t acc, uint64_t lane) { return rotl(acc + lane * P2, 31) * P1; }
static inline uint64_t xx_merge(uint64_t acc, uint64_t v) { return (acc ^ xx_round(0, v)) * P1 + P4; }

uint64_t xxhash64(const unsigned char *p, size_t length, uint64_t seed);
uint64_t xxhash64(const unsigned char *p, size_t length, uint64_t seed)
{
    const unsigned char *end = p + length;
    uint64_t h;
    if (length >= 32) {
        uint64_t a = seed + P1 + P2, b = seed + P2, c = seed, d = seed - P1;
        for (; p + 32 <= end; p += 32) {
            a = xx_round(a, read64(p));
            b = xx_round(b, read64(p + 8));
            c = xx_round(c, read64(p + 16));
            d = xx_round(d, read64(p + 24));
        }
        h = rotl(a, 1) + rotl(b, 7) + rotl(c, 12) + rotl(d, 18);
        h = xx_merge(xx_merge(xx_merge(xx_merge(h, a), b), c), d);
    } else {
        h = seed + P5;
    }
    h += length;
    for (; p + 8 <= end; p += 8)
        h = rotl(h ^ xx_round(0, read64(p)), 27) * P1 + P4;
    if (p + 4 <= end) {
        h = rotl(h ^ (uint64_t)read32(p) * P1, 23) * P2 + P3;
        p += 4;
    }
    for (; p < end; p++)
        h = rotl(h ^ (uint64_t)*p * P5, 11) * P1;
    h ^= h >> 33;
    h *= P2;
    h ^= h >> 29;
    h *= P3;
    h ^= h >> 32;
    return h;
}

static bool xxhash64_kernel(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    vector_view v0 = node_arg(n, 0);
    ROW_LOOP(sel, count, r, {
        string_view s = BYTES(0, r);
        uint64_t h = xxhash64((const unsigned char *)string_view_data(&s), s.length, 0);
        unsigned char out[8];
        for (int i = 0; i < 8; i++)
            out[i] = (unsigned char)(h >> (56 - 8 * i));
        if (!put_bytes(n, ctx, r, out, 8))
            return false;
    });
    return true;
}

/* ---- base64 (RFC 4648; the url alphabet uses - and _) ---- */

static const char standard_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char url_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static bool to_base64_kernel(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    vector_view v0 = node_arg(n, 0);
    const char *alphabet = n->k[0] ? url_alphabet : standard_alphabet;
    ROW_LOOP(sel, count, r, {
        string_view s = BYTES(0, r);
        const unsigned char *d = (const unsigned char *)string_view_data(&s);
        uint32_t length = (s.length + 2) / 3 * 4;
        char small[STRING_INLINE_MAX];
        char *p = length <= STRING_INLINE_MAX ? small : node_string_reserve(n, length, ctx->error);
        if (!p)
            return false;
        uint32_t o = 0;
        for (uint32_t i = 0; i < s.length; i += 3) {
            uint32_t chunk = (uint32_t)d[i] << 16 | (i + 1 < s.length ? (uint32_t)d[i + 1] << 8 : 0) |
                             (i + 2 < s.length ? d[i + 2] : 0);
            p[o++] = alphabet[chunk >> 18 & 63];
            p[o++] = alphabet[chunk >> 12 & 63];
            p[o++] = i + 1 < s.length ? alphabet[chunk >> 6 & 63] : '=';
            p[o++] = i + 2 < s.length ? alphabet[chunk & 63] : '=';
        }
        ((string_view *)n->out.data)[r] = string_view_make(p, length);
    });
    return true;
}

static bool from_base64_kernel(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    vector_view v0 = node_arg(n, 0);
    bool url = n->k[0] != 0;
    ROW_LOOP(sel, count, r, {
        string_view s = BYTES(0, r);
        const char *d = string_view_data(&s);
        uint32_t length = s.length;
        while (length > 0 && d[length - 1] == '=' && s.length - length < 2)
            length--;
        if (length % 4 == 1 || (s.length != length && s.length % 4 != 0))
            return node_error(n, ctx, ERR_INVALID_FUNCTION_ARGUMENT, "Input length is not a valid base64 length: %u",
                              s.length);
        uint32_t out_length = length / 4 * 3 + (length % 4 ? length % 4 - 1 : 0);
        char small[STRING_INLINE_MAX];
        char *p = out_length <= STRING_INLINE_MAX ? small : node_string_reserve(n, out_length, ctx->error);
        if (!p && out_length > 0)
            return false;
        size_t bad = 0;
        long o = base64_decode(d, length, url, (uint8_t *)(p ? p : small), &bad);
        if (o < 0)
            return node_error(n, ctx, ERR_INVALID_FUNCTION_ARGUMENT, "Illegal base64 character '%c' at %u", d[bad],
                              (unsigned)bad);
        ((string_view *)n->out.data)[r] = string_view_make(p ? p : small, (uint32_t)o);
    });
    return true;
}

/* ---- binding ---- */

static bool bind_binary(expr_node *n, const sql_type *args, int arg_count, sql_type ret, shoal_error *error)
{
    (void)args, (void)arg_count, (void)ret, (void)error;
    const char *name = n->function_name;
    if (strcmp(name, "crc32") == 0) {
        pthread_once(&crc_once, crc_init);
        n->kernel = crc32_kernel;
    } else if (strcmp(name, "xxhash64") == 0) {
        n->kernel = xxhash64_kernel;
    } else if (strncmp(name, "to_base64", 9) == 0) {
        n->kernel = to_base64_kernel;
        n->k[0] = name[9] != '\0';
    } else if (strncmp(name, "from_base64", 11) == 0) {
        n->kernel = from_base64_kernel;
        n->k[0] = name[11] != '\0';
    } else {
        n->kernel = strncmp(name, "hmac_", 5) == 0 ? hmac_kernel : digest_kernel;
        n->k[0] = digest_index(name);
    }
    return true;
}

#define IMPL(name) {name, bind_binary}
const scalar_impl binary_impls[] = {
    IMPL("md5"),         IMPL("sha1"),          IMPL("sha256"),      IMPL("sha512"),
    IMPL("hmac_md5"),    IMPL("hmac_sha1"),     IMPL("hmac_sha256"), IMPL("hmac_sha512"),
    IMPL("crc32"),       IMPL("xxhash64"),      IMPL("to_base64"),   IMPL("from_base64"),
    IMPL("to_base64url"), IMPL("from_base64url"),
};
const int binary_impl_count = sizeof binary_impls / sizeof binary_impls[0];
