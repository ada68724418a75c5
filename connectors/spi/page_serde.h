/*
 * page_serde.h — a page to bytes and back, for exchanges between nodes and
 * for spill files.
 *
 * Format (version 1), one msgpack value:
 *
 *   array(5) [
 *     str  "shoal-page"                 magic
 *     uint version                      PAGE_SERDE_VERSION; others are refused
 *     uint row_count
 *     array(column_count) of column
 *     uint checksum                     XXH64 (seed 0) of every byte before
 *                                       it (magic, version, rows, columns)
 *   ]
 *   column = array(5 or 6) [
 *     str  type                         Trino's spelling, e.g. "decimal(12,2)"
 *     uint encoding                     0 flat (row_count values),
 *                                       1 constant (one value for all rows)
 *     uint flags                        bit 0: a validity bitmap is present
 *                                       bit 1: the payload is zstd-compressed
 *     uint raw_size                     payload bytes before compression
 *     bin  payload
 *     array children                    nested types only: array/map: the
 *                                       element (key, value) columns with
 *                                       sum(lengths) rows; row: one column
 *                                       per field with the row count
 *   ]
 *
 * Payload (after decompression), for n = row_count (flat) or 1 (constant):
 *   validity   ceil(n/64) little-endian uint64 words, bit i set = row i is
 *              not NULL (only when flags bit 0)
 *   values     fixed-width types: n values little-endian, type_value_size
 *              bytes each (boolean 1 byte 0/1), except timestamp with time
 *              zone: 10 bytes (int64 micros UTC, int16 zone key);
 *              strings (varchar, char, varbinary, json): n uint32 lengths
 *              (0 for NULL rows) then all the bytes in one blob;
 *              array/map: n uint32 lengths (elements in row order in the
 *              children); row: nothing (the fields are the children).
 *
 * Encodings: dictionary vectors are flattened (their rows are written as a
 * flat column, so the size is bounded by the row count); constant vectors are
 * kept as constants. A payload is compressed with zstd only when that saves
 * at least an eighth of it. Nested values are written in canonical form
 * (elements packed in row order, whatever the vector's layout); children
 * are always flat.
 *
 * Decoding treats the bytes as hostile: every length is checked against what
 * is left, sizes must match the type and row count exactly, the checksum is
 * verified before anything is decompressed, and decoded sizes are bounded
 * (PAGE_SERDE_MAX_*). Any failure is ERR_CORRUPT_PAGE with a reason; nothing
 * reads past the input or crashes.
 */
#ifndef SHOAL_SPI_PAGE_SERDE_H
#define SHOAL_SPI_PAGE_SERDE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "connectors/spi/error.h"
#include "connectors/spi/page.h"

enum {
    PAGE_SERDE_VERSION = 1,
    PAGE_SERDE_MAX_ROWS = 1 << 24,
    PAGE_SERDE_MAX_COLUMNS = 1 << 16
};

#define PAGE_SERDE_MAX_DECODED_BYTES ((uint64_t)1 << 30) /* per page, all columns */

typedef struct page_serde_options {
    int zstd_level;             /* 0: default (1, fast) */
    size_t compress_min_bytes;  /* payloads below this are never compressed; 0: default 256 */
    bool never_compress;
} page_serde_options;

/* Decoding flags. */
enum {
    PAGE_SERDE_SKIP_CHECKSUM = 1   /* fuzzing and tests only: reach the deeper checks */
};

/* Encodes `p`. On success *out is a malloc'd buffer of *out_size bytes the
 * caller frees with free(). `options` may be NULL. */
bool page_serialize(const page *p, const page_serde_options *options, unsigned char **out,
                    size_t *out_size, shoal_error *error);

/* Decodes one page (refcount 1) or returns NULL with ERR_CORRUPT_PAGE. */
page *page_deserialize(const void *data, size_t size, shoal_error *error);
page *page_deserialize_flags(const void *data, size_t size, unsigned flags, shoal_error *error);

/* XXH64 of `size` bytes (the checksum the format uses). */
uint64_t page_serde_xxh64(const void *data, size_t size, uint64_t seed);

#endif
