/*
 * types.h — Shoal's SQL types, as Trino defines them.
 *
 * A sql_type is a small value (copy it freely). Parametric scalar types carry
 * their parameters inline (decimal precision/scale, varchar length, time
 * precision); composite types (array, map, row) point at an interned,
 * immutable description, so two equal composite types have equal pointers.
 *
 * Each type has a physical representation used by vectors (physical_type):
 *   boolean                      uint8_t (0/1)
 *   tinyint/smallint/integer     int8_t/int16_t/int32_t
 *   bigint                       int64_t
 *   real/double                  float/double
 *   decimal(p,s), p <= 18        int64_t  (unscaled value)
 *   decimal(p,s), p > 18         __int128 (unscaled value)
 *   varchar/char/varbinary/json  string_view (16 bytes, see string_view.h)
 *   date                         int32_t days since 1970-01-01
 *   time(p)                      int64_t picoseconds since midnight
 *   timestamp(p)                 int64_t microseconds since epoch (p <= 6)
 *   timestamp(p) with time zone  timestamp_tz {micros UTC, zone key}
 *   interval day to second       int64_t milliseconds
 *   interval year to month       int32_t months
 *   uuid                         __int128 (big-endian bytes as two halves)
 *   array(T), map(K,V)           list_entry {offset, length} into child vectors
 *   row(...)                     no data of its own; one child vector per field
 *   unknown                      uint8_t (always NULL)
 */
#ifndef SHOAL_SPI_TYPES_H
#define SHOAL_SPI_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum type_kind {
    TYPE_UNKNOWN = 0,
    TYPE_BOOLEAN,
    TYPE_TINYINT,
    TYPE_SMALLINT,
    TYPE_INTEGER,
    TYPE_BIGINT,
    TYPE_REAL,
    TYPE_DOUBLE,
    TYPE_DECIMAL,
    TYPE_VARCHAR,
    TYPE_CHAR,
    TYPE_VARBINARY,
    TYPE_JSON,
    TYPE_DATE,
    TYPE_TIME,
    TYPE_TIMESTAMP,
    TYPE_TIMESTAMP_TZ,
    TYPE_INTERVAL_DAY_TIME,
    TYPE_INTERVAL_YEAR_MONTH,
    TYPE_UUID,
    TYPE_ARRAY,
    TYPE_MAP,
    TYPE_ROW,
    TYPE_KIND_COUNT
} type_kind;

typedef enum physical_type {
    PHYSICAL_BOOL,
    PHYSICAL_INT8,
    PHYSICAL_INT16,
    PHYSICAL_INT32,
    PHYSICAL_INT64,
    PHYSICAL_INT128,
    PHYSICAL_FLOAT,
    PHYSICAL_DOUBLE,
    PHYSICAL_STRING,
    PHYSICAL_TIMESTAMP_TZ,
    PHYSICAL_LIST,
    PHYSICAL_STRUCT
} physical_type;

enum {
    VARCHAR_UNBOUNDED = -1,
    DECIMAL_MAX_PRECISION = 38,
    DECIMAL_MAX_SHORT_PRECISION = 18,
    TIMESTAMP_DEFAULT_PRECISION = 3,
    TYPE_NAME_MAX = 1024
};

typedef struct composite_type composite_type;

typedef struct sql_type {
    type_kind kind;
    uint8_t precision;        /* decimal precision; time/timestamp precision */
    uint8_t scale;            /* decimal scale */
    int32_t length;           /* varchar(n)/char(n); VARCHAR_UNBOUNDED */
    const composite_type *composite; /* array/map/row only */
} sql_type;

/* The interned description of an array, map or row type. */
struct composite_type {
    int field_count;          /* array 1, map 2, row n */
    sql_type *field_types;
    char **field_names;       /* row only; an entry is NULL for an anonymous field */
};

typedef struct timestamp_tz {
    int64_t micros_utc;
    int16_t zone_key;         /* index in the zone table; 0 = UTC */
} timestamp_tz;

typedef struct list_entry {
    uint32_t offset;
    uint32_t length;
} list_entry;

/* Constructors for the scalar types. */
sql_type type_make(type_kind kind);
sql_type type_decimal(int precision, int scale);
sql_type type_varchar(int32_t length);
sql_type type_char(int32_t length);
sql_type type_time(int precision);
sql_type type_timestamp(int precision);
sql_type type_timestamp_tz(int precision);

/* Interned composite types; safe to call from any thread. */
sql_type type_array(sql_type element);
sql_type type_map(sql_type key, sql_type value);
sql_type type_row(int field_count, const sql_type *field_types, const char *const *field_names);

bool type_equal(sql_type a, sql_type b);
physical_type type_physical(sql_type type);
size_t type_value_size(sql_type type);        /* bytes per value in a flat vector */
bool type_is_numeric(sql_type type);
bool type_is_integral(sql_type type);
bool type_is_string(sql_type type);            /* varchar, char */
bool type_is_orderable(sql_type type);
bool type_is_comparable(sql_type type);

/* Trino's spelling, e.g. "decimal(12,2)" when compact, "decimal(12, 2)" for
 * the client protocol. Writes at most size bytes; returns the full length. */
size_t type_format(sql_type type, bool protocol_spelling, char *out, size_t size);

/* Parses a type name as Trino prints it ("bigint", "varchar(25)",
 * "decimal(12,2)", "array(row(a bigint, b varchar))", "timestamp(3) with time
 * zone", "double precision", "int"). Returns false on a bad name. */
bool type_parse(const char *text, sql_type *out);

#endif
