/*
 * information_schema_internal.h — shared by the wrapper (information_schema.c)
 * and the row generators (information_schema_rows.c): the table
 * descriptors and the wrapper's state.
 */
#ifndef SHOAL_INFORMATION_SCHEMA_INTERNAL_H
#define SHOAL_INFORMATION_SCHEMA_INTERNAL_H

#include "connectors/information_schema/information_schema.h"
#include "connectors/information_schema/metadata_rows.h"

typedef struct info_wrapper {
    connector base;
    connector *inner;
    char *catalog_name;
} info_wrapper;

typedef bool (*info_generator)(info_wrapper *w, metadata_rows *rows, shoal_error *error);

typedef struct info_table {
    const char *name;
    int column_count;
    metadata_column columns[10];
    info_generator generate;
} info_table;

enum { INFO_TABLE_COUNT = 8 };

#define INFO_VARCHAR ((sql_type){.kind = TYPE_VARCHAR, .length = VARCHAR_UNBOUNDED})
#define INFO_BIGINT ((sql_type){.kind = TYPE_BIGINT, .length = VARCHAR_UNBOUNDED})

const info_table *info_tables(void);
const info_table *info_find_table(const char *name);

bool info_generate_schemata(info_wrapper *w, metadata_rows *rows, shoal_error *error);
bool info_generate_tables(info_wrapper *w, metadata_rows *rows, shoal_error *error);
bool info_generate_columns(info_wrapper *w, metadata_rows *rows, shoal_error *error);
bool info_generate_empty(info_wrapper *w, metadata_rows *rows, shoal_error *error);
bool info_generate_views(info_wrapper *w, metadata_rows *rows, shoal_error *error);

/* A table's metadata as a connector answers get_table: for information_schema's
 * own tables from the descriptors, else from the inner connector (NULL when
 * missing, error set only on a real failure). */
table_metadata *info_get_table(info_wrapper *w, const char *schema, const char *table, shoal_error *error);

#endif
