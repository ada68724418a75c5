/*
 * blackhole_source.c — splits and page sources of the blackhole connector.
 *
 * A split carries everything its source needs (pages, rows per page, field
 * length, delay), so it can be opened on any node. The source builds its
 * page once from constant vectors (zero, false, or field_length bytes of '*',
 * as Trino's BlackHolePageSourceProvider fills them) and hands out references
 * to it. With page_processing_delay it first answers SOURCE_BLOCKED with a
 * SOURCE_WAIT_UNTIL deadline for each page — the caller's scheduler waits,
 * the source never sleeps.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "blackhole_connector.h"
#include "blackhole_internal.h"

enum { BLACKHOLE_SPLIT_MAGIC = 0x424c4b31 }; /* "BLK1" */

typedef struct blackhole_split {
    uint32_t magic;
    int32_t pages_per_split;
    int32_t rows_per_page;
    int32_t field_length;
    uint64_t delay_ns;
} blackhole_split;

typedef struct blackhole_source {
    page_source base;
    page *full;                 /* min(rows_per_page, VECTOR_SIZE) rows */
    page *tail;                 /* rows_per_page % VECTOR_SIZE rows when a page is cut; else NULL */
    int64_t pages_left;         /* logical pages not yet started */
    int64_t rows_left_in_page;  /* of the logical page being delivered */
    int32_t rows_per_page;
    uint64_t delay_ns;
    uint64_t deadline_ns;       /* 0: no wait pending */
    uint64_t bytes;
} blackhole_source;

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

bool blackhole_get_splits(connector *c, const table_metadata *table, const scan_request *request,
                          int desired_splits, split_list *out, shoal_error *error)
{
    (void)request;
    (void)desired_splits; /* the table decides, as in Trino */
    blackhole_connector *b = (blackhole_connector *)c;
    blackhole_table t;
    if (!blackhole_table_settings(b, table->schema, table->name, &t))
        return error_set(error, ERR_TABLE_NOT_FOUND, "Table '%s.%s.%s' does not exist", b->catalog_name,
                         table->schema, table->name);
    blackhole_split s = {.magic = BLACKHOLE_SPLIT_MAGIC, .pages_per_split = t.pages_per_split,
                         .rows_per_page = t.rows_per_page, .field_length = t.field_length,
                         .delay_ns = t.page_processing_delay_ns};
    for (int32_t i = 0; i < t.split_count; i++) {
        char description[96];
        snprintf(description, sizeof description, "blackhole split %d of %d", i + 1, t.split_count);
        if (!split_list_add(out, &s, sizeof s, description))
            return error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
    }
    return true;
}

/* The types Trino's blackhole can generate. */
static bool generatable(sql_type type)
{
    switch (type.kind) {
    case TYPE_BOOLEAN: case TYPE_TINYINT: case TYPE_SMALLINT: case TYPE_INTEGER: case TYPE_BIGINT:
    case TYPE_REAL: case TYPE_DOUBLE: case TYPE_DECIMAL: case TYPE_DATE: case TYPE_TIMESTAMP:
    case TYPE_VARCHAR: case TYPE_VARBINARY:
        return true;
    default:
        return false;
    }
}

static bool generate_vector(vector *v, sql_type type, int32_t field_length, const char *filler)
{
    if (type_physical(type) == PHYSICAL_STRING) {
        int32_t length = field_length;
        if (type.kind == TYPE_VARCHAR && type.length != VARCHAR_UNBOUNDED && type.length < length)
            length = type.length;
        string_view s = string_view_make(filler, (uint32_t)length);
        return vector_init_constant(v, type, &s);
    }
    unsigned char zero[16] = {0};
    return vector_init_constant(v, type, zero);
}

static page *generate_page(const sql_type *types, int column_count, uint32_t rows, int32_t field_length,
                           const char *filler)
{
    page *p = page_new_empty(column_count);
    if (!p)
        return NULL;
    p->column_count = 0;
    for (int i = 0; i < column_count; i++) {
        if (!generate_vector(&p->columns[i], types[i], field_length, filler)) {
            page_unref(p);
            return NULL;
        }
        p->column_count = i + 1;
    }
    p->row_count = rows;
    return p;
}

static source_status source_next(page_source *base, page **out, source_wait *wait, shoal_error *error)
{
    (void)error;
    blackhole_source *s = (blackhole_source *)base;
    if (s->rows_left_in_page == 0) {
        if (s->pages_left == 0)
            return SOURCE_FINISHED;
        if (s->delay_ns > 0) {
            uint64_t now = now_ns();
            if (s->deadline_ns == 0)
                s->deadline_ns = now + s->delay_ns;
            if (now < s->deadline_ns) {
                wait->kind = SOURCE_WAIT_UNTIL;
                wait->fd = -1;
                wait->deadline_ns = s->deadline_ns;
                return SOURCE_BLOCKED;
            }
            s->deadline_ns = 0;
        }
        s->pages_left--;
        s->rows_left_in_page = s->rows_per_page;
    }
    page *p = s->rows_left_in_page >= (int64_t)s->full->row_count || !s->tail ? s->full : s->tail;
    s->rows_left_in_page -= p->row_count;
    s->bytes += page_retained_bytes(p);
    *out = page_ref(p);
    return SOURCE_PAGE;
}

static uint64_t source_completed_bytes(page_source *base)
{
    return ((blackhole_source *)base)->bytes;
}

static void source_close(page_source *base)
{
    blackhole_source *s = (blackhole_source *)base;
    page_unref(s->full);
    page_unref(s->tail);
    free(s);
}

static const page_source_ops blackhole_source_ops = {
    .next = source_next,
    .completed_bytes = source_completed_bytes,
    .close = source_close,
};

/* The output column types: the requested projection or every column. */
static sql_type *output_types(const table_metadata *table, const scan_request *request, int *count,
                              shoal_error *error)
{
    bool all = !request || !request->columns;
    int n = all ? table->column_count : request->column_count;
    sql_type *types = malloc(sizeof *types * (size_t)(n > 0 ? n : 1));
    if (!types) {
        error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
        return NULL;
    }
    for (int i = 0; i < n; i++) {
        int column = all ? i : request->columns[i];
        if (column < 0 || column >= table->column_count) {
            error_set(error, ERR_GENERIC_INTERNAL_ERROR, "Column index %d out of range", column);
            free(types);
            return NULL;
        }
        types[i] = table->columns[column].type;
    }
    *count = n;
    return types;
}

static bool build_pages(blackhole_source *s, const sql_type *types, int n, int32_t field_length,
                        shoal_error *error)
{
    for (int i = 0; i < n; i++) {
        if (!generatable(types[i])) {
            char name[128];
            type_format(types[i], false, name, sizeof name);
            return error_set(error, ERR_NOT_SUPPORTED, "Unsupported type [%s]", name);
        }
    }
    char *filler = malloc((size_t)field_length + 1);
    if (!filler)
        return error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
    memset(filler, 42, (size_t)field_length); /* '*', as Trino */
    uint32_t full_rows = s->rows_per_page < VECTOR_SIZE ? (uint32_t)s->rows_per_page : VECTOR_SIZE;
    uint32_t tail_rows = s->rows_per_page > VECTOR_SIZE ? (uint32_t)(s->rows_per_page % VECTOR_SIZE) : 0;
    s->full = generate_page(types, n, full_rows, field_length, filler);
    if (tail_rows)
        s->tail = generate_page(types, n, tail_rows, field_length, filler);
    free(filler);
    if (!s->full || (tail_rows && !s->tail))
        return error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
    return true;
}

page_source *blackhole_open_page_source(connector *c, const table_metadata *table, const split *sp,
                                        const scan_request *request, shoal_error *error)
{
    (void)c;
    blackhole_split split_data;
    if (!sp || sp->size != sizeof split_data) {
        error_set(error, ERR_GENERIC_INTERNAL_ERROR, "Invalid blackhole split");
        return NULL;
    }
    memcpy(&split_data, sp->bytes, sizeof split_data);
    if (split_data.magic != BLACKHOLE_SPLIT_MAGIC || split_data.pages_per_split < 0 ||
        split_data.rows_per_page < 0 || split_data.field_length < 0) {
        error_set(error, ERR_GENERIC_INTERNAL_ERROR, "Invalid blackhole split");
        return NULL;
    }
    blackhole_source *s = calloc(1, sizeof *s);
    if (!s) {
        error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
        return NULL;
    }
    s->base.ops = &blackhole_source_ops;
    s->rows_per_page = split_data.rows_per_page;
    s->delay_ns = split_data.delay_ns;
    if (split_data.rows_per_page == 0 || split_data.pages_per_split == 0)
        return &s->base; /* no rows: finished at once */
    s->pages_left = split_data.pages_per_split;
    int n = 0;
    sql_type *types = output_types(table, request, &n, error);
    bool ok = types && build_pages(s, types, n, split_data.field_length, error);
    free(types);
    if (!ok) {
        source_close(&s->base);
        return NULL;
    }
    return &s->base;
}
