/*
 * plan_serde_reader.c — the bounds-checked msgpack reader (see the header).
 */
#include "plan_serde_reader.h"

#include <stdlib.h>
#include <string.h>

void mp_reader_init(mp_reader *r, const void *data, size_t size)
{
    r->p = data;
    r->end = r->p + size;
    r->failed = false;
}

size_t mp_reader_left(const mp_reader *r)
{
    return (size_t)(r->end - r->p);
}

static bool fail(mp_reader *r)
{
    r->failed = true;
    r->p = r->end;
    return false;
}

static bool take(mp_reader *r, size_t n, const unsigned char **out)
{
    if (r->failed || (size_t)(r->end - r->p) < n)
        return fail(r);
    *out = r->p;
    r->p += n;
    return true;
}

static bool big_endian(mp_reader *r, int bytes, uint64_t *out)
{
    const unsigned char *b;
    if (!take(r, (size_t)bytes, &b))
        return false;
    uint64_t v = 0;
    for (int i = 0; i < bytes; i++)
        v = (v << 8) | b[i];
    *out = v;
    return true;
}

static bool peek(const mp_reader *r, unsigned char *tag)
{
    if (r->failed || r->p >= r->end)
        return false;
    *tag = *r->p;
    return true;
}

bool mp_peek_nil(const mp_reader *r)
{
    unsigned char tag;
    return peek(r, &tag) && tag == 0xc0;
}

bool mp_read_nil(mp_reader *r)
{
    const unsigned char *tag;
    if (!take(r, 1, &tag))
        return false;
    return *tag == 0xc0 ? true : fail(r);
}

bool mp_read_bool(mp_reader *r, bool *out)
{
    const unsigned char *tag;
    if (!take(r, 1, &tag))
        return false;
    if (*tag != 0xc2 && *tag != 0xc3)
        return fail(r);
    *out = *tag == 0xc3;
    return true;
}

bool mp_read_int(mp_reader *r, int64_t *out)
{
    const unsigned char *tag;
    uint64_t v;
    if (!take(r, 1, &tag))
        return false;
    unsigned char t = *tag;
    if (t <= 0x7f) {
        *out = t;
        return true;
    }
    if (t >= 0xe0) {
        *out = (int8_t)t;
        return true;
    }
    switch (t) {
    case 0xcc: if (!big_endian(r, 1, &v)) return false; *out = (int64_t)v; return true;
    case 0xcd: if (!big_endian(r, 2, &v)) return false; *out = (int64_t)v; return true;
    case 0xce: if (!big_endian(r, 4, &v)) return false; *out = (int64_t)v; return true;
    case 0xcf:
        if (!big_endian(r, 8, &v))
            return false;
        if (v > (uint64_t)INT64_MAX)
            return fail(r);
        *out = (int64_t)v;
        return true;
    case 0xd0: if (!big_endian(r, 1, &v)) return false; *out = (int8_t)v; return true;
    case 0xd1: if (!big_endian(r, 2, &v)) return false; *out = (int16_t)v; return true;
    case 0xd2: if (!big_endian(r, 4, &v)) return false; *out = (int32_t)v; return true;
    case 0xd3: if (!big_endian(r, 8, &v)) return false; *out = (int64_t)v; return true;
    default: return fail(r);
    }
}

bool mp_read_uint(mp_reader *r, uint64_t *out)
{
    unsigned char t;
    if (peek(r, &t) && t == 0xcf) {
        r->p++;
        return big_endian(r, 8, out);
    }
    int64_t v;
    if (!mp_read_int(r, &v))
        return false;
    if (v < 0)
        return fail(r);
    *out = (uint64_t)v;
    return true;
}

bool mp_read_int_range(mp_reader *r, int64_t min, int64_t max, int64_t *out)
{
    if (!mp_read_int(r, out))
        return false;
    return *out >= min && *out <= max ? true : fail(r);
}

bool mp_read_double(mp_reader *r, double *out)
{
    const unsigned char *tag;
    uint64_t bits;
    if (!take(r, 1, &tag))
        return false;
    if (*tag == 0xcb) {
        if (!big_endian(r, 8, &bits))
            return false;
        memcpy(out, &bits, sizeof *out);
        return true;
    }
    if (*tag == 0xca) {
        if (!big_endian(r, 4, &bits))
            return false;
        uint32_t b32 = (uint32_t)bits;
        float f;
        memcpy(&f, &b32, sizeof f);
        *out = f;
        return true;
    }
    return fail(r);
}

static bool container(mp_reader *r, unsigned char fix_mask, unsigned char t16, unsigned char t32,
                      uint32_t per_element, uint32_t *count)
{
    const unsigned char *tag;
    uint64_t n;
    if (!take(r, 1, &tag))
        return false;
    if ((*tag & 0xf0) == fix_mask)
        n = *tag & 0x0f;
    else if (*tag == t16) {
        if (!big_endian(r, 2, &n))
            return false;
    } else if (*tag == t32) {
        if (!big_endian(r, 4, &n))
            return false;
    } else
        return fail(r);
    if (n * per_element > (uint64_t)(r->end - r->p))
        return fail(r);
    *count = (uint32_t)n;
    return true;
}

bool mp_read_array(mp_reader *r, uint32_t *count)
{
    return container(r, 0x90, 0xdc, 0xdd, 1, count);
}

bool mp_expect_array(mp_reader *r, uint32_t count)
{
    uint32_t n;
    if (!mp_read_array(r, &n))
        return false;
    return n == count ? true : fail(r);
}

bool mp_read_map(mp_reader *r, uint32_t *count)
{
    return container(r, 0x80, 0xde, 0xdf, 2, count);
}

static bool sized(mp_reader *r, bool string, const unsigned char **data, uint32_t *size)
{
    const unsigned char *tag;
    uint64_t n;
    if (!take(r, 1, &tag))
        return false;
    unsigned char t = *tag;
    if (string && (t & 0xe0) == 0xa0)
        n = t & 0x1f;
    else if (string && t == 0xd9) {
        if (!big_endian(r, 1, &n)) return false;
    } else if (string && t == 0xda) {
        if (!big_endian(r, 2, &n)) return false;
    } else if (string && t == 0xdb) {
        if (!big_endian(r, 4, &n)) return false;
    } else if (!string && t == 0xc4) {
        if (!big_endian(r, 1, &n)) return false;
    } else if (!string && t == 0xc5) {
        if (!big_endian(r, 2, &n)) return false;
    } else if (!string && t == 0xc6) {
        if (!big_endian(r, 4, &n)) return false;
    } else
        return fail(r);
    if (!take(r, (size_t)n, data))
        return false;
    *size = (uint32_t)n;
    return true;
}

bool mp_read_str(mp_reader *r, const unsigned char **data, uint32_t *size)
{
    return sized(r, true, data, size);
}

bool mp_read_bin(mp_reader *r, const unsigned char **data, uint32_t *size)
{
    return sized(r, false, data, size);
}

bool mp_read_cstr(mp_reader *r, char **out)
{
    const unsigned char *data;
    uint32_t size;
    *out = NULL;
    if (!mp_read_str(r, &data, &size))
        return false;
    if (memchr(data, 0, size))
        return fail(r);
    char *s = malloc((size_t)size + 1);
    if (!s)
        return fail(r);
    memcpy(s, data, size);
    s[size] = '\0';
    *out = s;
    return true;
}

bool mp_read_cstr_or_nil(mp_reader *r, char **out)
{
    *out = NULL;
    if (mp_peek_nil(r))
        return mp_read_nil(r);
    return mp_read_cstr(r, out);
}

static bool skip_depth(mp_reader *r, int depth)
{
    unsigned char t;
    const unsigned char *data;
    uint32_t size, count;
    uint64_t v;
    if (depth > 64 || !peek(r, &t))
        return fail(r);
    if (t <= 0x7f || t >= 0xe0 || t == 0xc0 || t == 0xc2 || t == 0xc3) {
        r->p++;
        return true;
    }
    if ((t & 0xe0) == 0xa0 || t == 0xd9 || t == 0xda || t == 0xdb)
        return mp_read_str(r, &data, &size);
    if (t == 0xc4 || t == 0xc5 || t == 0xc6)
        return mp_read_bin(r, &data, &size);
    if ((t & 0xf0) == 0x90 || t == 0xdc || t == 0xdd) {
        if (!mp_read_array(r, &count))
            return false;
        for (uint32_t i = 0; i < count; i++)
            if (!skip_depth(r, depth + 1))
                return false;
        return true;
    }
    if ((t & 0xf0) == 0x80 || t == 0xde || t == 0xdf) {
        if (!mp_read_map(r, &count))
            return false;
        for (uint32_t i = 0; i < 2 * count; i++)
            if (!skip_depth(r, depth + 1))
                return false;
        return true;
    }
    r->p++;
    switch (t) {
    case 0xcc: case 0xd0: return big_endian(r, 1, &v);
    case 0xcd: case 0xd1: return big_endian(r, 2, &v);
    case 0xce: case 0xd2: case 0xca: return big_endian(r, 4, &v);
    case 0xcf: case 0xd3: case 0xcb: return big_endian(r, 8, &v);
    default: return fail(r);   /* ext types are not used */
    }
}

bool mp_skip(mp_reader *r)
{
    return skip_depth(r, 0);
}
