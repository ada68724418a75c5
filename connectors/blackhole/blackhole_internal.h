/*
 * blackhole_internal.h — the blackhole connector's state shared by its
 * files: tables with their generation properties, and the scan entry points.
 */
#ifndef SHOAL_BLACKHOLE_INTERNAL_H
#define SHOAL_BLACKHOLE_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "connectors/spi/connector.h"

typedef struct blackhole_table {
    char *schema;
    char *name;
    int column_count;
    char **column_names;
    sql_type *column_types;
    int32_t split_count;
    int32_t pages_per_split;
    int32_t rows_per_page;
    int32_t field_length;
    uint64_t page_processing_delay_ns;
} blackhole_table;

typedef struct blackhole_connector {
    connector base;
    char *catalog_name;
    pthread_mutex_t lock;
    string_list schemas;
    blackhole_table **tables;
    int table_count;
    int table_capacity;
    _Atomic uint64_t rows_written;
} blackhole_connector;

/* Copies of the generation settings of schema.table; false when missing. */
bool blackhole_table_settings(blackhole_connector *b, const char *schema, const char *name,
                              blackhole_table *out);

bool blackhole_get_splits(connector *c, const table_metadata *table, const scan_request *request,
                          int desired_splits, split_list *out, shoal_error *error);
page_source *blackhole_open_page_source(connector *c, const table_metadata *table, const split *s,
                                        const scan_request *request, shoal_error *error);

#endif
