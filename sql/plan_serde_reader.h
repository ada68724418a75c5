/*
 * plan_serde_reader.h — a small bounds-checked msgpack reader for decoding
 * bytes that came from the network (plan fragments, inter-node messages).
 *
 * msgpack-c's own unpacker allocates an array's elements before reading
 * them, so a 5-byte header can ask for gigabytes; this reader never
 * allocates and checks every length against what is left. Each call returns
 * false on a type mismatch or truncation and leaves the reader unusable
 * (r->failed), so a decoder can chain calls and test once.
 */
#ifndef SHOAL_SQL_PLAN_SERDE_READER_H
#define SHOAL_SQL_PLAN_SERDE_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct mp_reader {
    const unsigned char *p;
    const unsigned char *end;
    bool failed;
} mp_reader;

void mp_reader_init(mp_reader *r, const void *data, size_t size);
size_t mp_reader_left(const mp_reader *r);

bool mp_read_nil(mp_reader *r);             /* consumes a nil */
bool mp_peek_nil(const mp_reader *r);        /* next value is nil (not consumed) */
bool mp_read_bool(mp_reader *r, bool *out);
bool mp_read_uint(mp_reader *r, uint64_t *out);
bool mp_read_int(mp_reader *r, int64_t *out);     /* positive or negative ints */
/* An int within [min, max]. */
bool mp_read_int_range(mp_reader *r, int64_t min, int64_t max, int64_t *out);
bool mp_read_double(mp_reader *r, double *out);   /* float64 or float32 */
/* Array header; count is bounded by the bytes left (every element takes one). */
bool mp_read_array(mp_reader *r, uint32_t *count);
/* An array header with exactly `count` elements. */
bool mp_expect_array(mp_reader *r, uint32_t count);
bool mp_read_map(mp_reader *r, uint32_t *count);
/* str or bin: points into the input. */
bool mp_read_str(mp_reader *r, const unsigned char **data, uint32_t *size);
bool mp_read_bin(mp_reader *r, const unsigned char **data, uint32_t *size);
/* A str copied into a malloc'd NUL-terminated string (NUL bytes refused). */
bool mp_read_cstr(mp_reader *r, char **out);
/* nil → NULL, or a str as mp_read_cstr. */
bool mp_read_cstr_or_nil(mp_reader *r, char **out);
/* Skips one value of any type (depth-limited). */
bool mp_skip(mp_reader *r);

#endif
