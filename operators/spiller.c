/*
 * spiller.c — spill files (spiller.h): [uint32 length][page_serde bytes]
 * records appended to an unlinked temporary file with pwrite, read back
 * record by record with pread (one read for the length, one for the page).
 */
#include "operators/spiller.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/units.h"
#include "connectors/spi/page_serde.h"

struct spiller {
    spiller_config config;
    char directory[1024];
    _Atomic uint64_t written;      /* total, for stats */
    _Atomic uint64_t open_bytes;   /* in files open now (query-max-spill-per-node) */
};

struct spill_file {
    spiller *owner;
    int fd;
    uint64_t size;
    uint64_t read_at;
};

static _Atomic uint64_t node_open_bytes;

spiller *spiller_create(const spiller_config *config)
{
    spiller *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->config = *config;
    const char *path = config->path && *config->path ? config->path : "/tmp";
    size_t n = strcspn(path, ",");
    snprintf(s->directory, sizeof s->directory, "%.*s", (int)n, path);
    s->config.path = s->directory;
    return s;
}

void spiller_free(spiller *s)
{
    free(s);
}

uint64_t spiller_spilled_bytes(const spiller *s)
{
    return atomic_load(&((spiller *)s)->written);
}

uint64_t spiller_node_bytes(void)
{
    return atomic_load(&node_open_bytes);
}

static bool io_error(shoal_error *error, const char *what)
{
    return error_set(error, ERR_OUT_OF_SPILL_SPACE, "Failed to %s spill file: %s", what, strerror(errno));
}

spill_file *spill_file_open(spiller *s, shoal_error *error)
{
    spill_file *f = calloc(1, sizeof *f);
    if (!f) {
        error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
        return NULL;
    }
    char name[1100];
    snprintf(name, sizeof name, "%s/shoal-spill-XXXXXX", s->directory);
    f->fd = mkstemp(name);
    if (f->fd < 0) {
        io_error(error, "create");
        free(f);
        return NULL;
    }
    unlink(name); /* gone when the descriptor closes, however the query ends */
    f->owner = s;
    return f;
}

/* Charges `bytes` to the query's and the node's spill space. */
static bool charge(spill_file *f, uint64_t bytes, shoal_error *error)
{
    spiller *s = f->owner;
    uint64_t query = atomic_fetch_add(&s->open_bytes, bytes) + bytes;
    uint64_t node = atomic_fetch_add(&node_open_bytes, bytes) + bytes;
    char limit[32];
    if (s->config.max_query_bytes && query > s->config.max_query_bytes) {
        config_format_data_size(s->config.max_query_bytes, limit, sizeof limit);
        error_set(error, ERR_EXCEEDED_SPILL_LIMIT, "Query exceeded per-query local spill limit of %s", limit);
    } else if (s->config.max_node_bytes && node > s->config.max_node_bytes) {
        config_format_data_size(s->config.max_node_bytes, limit, sizeof limit);
        error_set(error, ERR_EXCEEDED_SPILL_LIMIT, "Query exceeded local spill limit of %s", limit);
    } else {
        f->size += bytes;
        atomic_fetch_add(&s->written, bytes);
        return true;
    }
    atomic_fetch_sub(&s->open_bytes, bytes);
    atomic_fetch_sub(&node_open_bytes, bytes);
    return false;
}

/* Reads (writing false) or writes all `size` bytes at offset `at`, going
 * on after short transfers and EINTR. */
static bool transfer_all(int fd, void *data, size_t size, uint64_t at, bool writing)
{
    unsigned char *p = data;
    while (size > 0) {
        ssize_t n = writing ? pwrite(fd, p, size, (off_t)at) : pread(fd, p, size, (off_t)at);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        p += n;
        size -= (size_t)n;
        at += (uint64_t)n;
    }
    return true;
}

bool spill_file_write(spill_file *f, const page *p, shoal_error *error)
{
    page_serde_options options = {.never_compress = !f->owner->config.compress};
    unsigned char *bytes = NULL;
    size_t size = 0;
    if (!page_serialize(p, &options, &bytes, &size, error))
        return false;
    uint32_t length = (uint32_t)size;
    uint64_t at = f->size;
    bool ok = size <= UINT32_MAX && charge(f, sizeof length + size, error);
    if (ok && (!transfer_all(f->fd, &length, sizeof length, at, true) ||
              !transfer_all(f->fd, bytes, size, at + sizeof length, true)))
        ok = io_error(error, "write");
    free(bytes);
    return ok;
}

bool spill_file_rewind(spill_file *f, shoal_error *error)
{
    (void)error;
    f->read_at = 0;
    return true;
}

page *spill_file_read(spill_file *f, shoal_error *error)
{
    if (f->read_at >= f->size)
        return NULL;
    uint32_t length;
    if (!transfer_all(f->fd, &length, sizeof length, f->read_at, false) || f->read_at + sizeof length + length > f->size) {
        io_error(error, "read");
        return NULL;
    }
    unsigned char *bytes = malloc(length ? length : 1);
    if (!bytes) {
        error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
        return NULL;
    }
    page *p = NULL;
    if (!transfer_all(f->fd, bytes, length, f->read_at + sizeof length, false))
        io_error(error, "read");
    else
        p = page_deserialize(bytes, length, error);
    free(bytes);
    if (p)
        f->read_at += sizeof length + length;
    return p;
}

void spill_file_close(spill_file *f)
{
    if (!f)
        return;
    close(f->fd);
    atomic_fetch_sub(&f->owner->open_bytes, f->size);
    atomic_fetch_sub(&node_open_bytes, f->size);
    free(f);
}
