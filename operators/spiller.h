/*
 * spiller.h — spill files of one query on this node: pages written with
 * page_serde (zstd when spill-compression-codec=ZSTD) and read back in
 * order, for operators that do not fit in memory (ORDER BY's sorted runs).
 *
 * A file is created in the spill directory (spiller-spill-path; the first
 * of a comma list) and unlinked at once, so it disappears when its
 * descriptor closes — when the operator closes, the query ends however it
 * ends, or the process dies. Bytes written count against
 * query-max-spill-per-node (this spiller) and max-spill-per-node (every
 * spiller of the process): over either, EXCEEDED_SPILL_LIMIT.
 *
 *     spiller *s = spiller_create(&(spiller_config){.path = "/tmp/spill", .compress = true});
 *     spill_file *f = spill_file_open(s, &error);
 *     spill_file_write(f, page, &error); ...
 *     spill_file_rewind(f);
 *     while ((p = spill_file_read(f, &error)) != NULL) ...   // NULL + no error: the end
 *     spill_file_close(f);
 *     spiller_free(s);     // after every file is closed
 */
#ifndef SHOAL_OPERATORS_SPILLER_H
#define SHOAL_OPERATORS_SPILLER_H

#include <stdbool.h>
#include <stdint.h>

#include "connectors/spi/error.h"
#include "connectors/spi/page.h"

typedef struct spiller_config {
    const char *path;              /* spill directories, comma separated (the first is used) */
    bool compress;                 /* spill-compression-codec=ZSTD */
    uint64_t max_query_bytes;      /* query-max-spill-per-node; 0: none */
    uint64_t max_node_bytes;       /* max-spill-per-node; 0: none */
} spiller_config;

typedef struct spiller spiller;
typedef struct spill_file spill_file;

/* What an operator that can spill is given (operator.spill): where to
 * spill, and how many bytes it may keep before it must. */
typedef struct spill_context {
    spiller *spiller;
    uint64_t revoke_bytes;
} spill_context;

spiller *spiller_create(const spiller_config *config);
void spiller_free(spiller *s);
/* Bytes written by this spiller so far (its files' sizes, closed ones too). */
uint64_t spiller_spilled_bytes(const spiller *s);
/* Bytes in spill files open now in the whole process. */
uint64_t spiller_node_bytes(void);

spill_file *spill_file_open(spiller *s, shoal_error *error);
bool spill_file_write(spill_file *f, const page *p, shoal_error *error);
/* Back to the first page (after writing). */
bool spill_file_rewind(spill_file *f, shoal_error *error);
/* The next page (refcount 1), or NULL: the end when no error was set. */
page *spill_file_read(spill_file *f, shoal_error *error);
void spill_file_close(spill_file *f);

#endif
