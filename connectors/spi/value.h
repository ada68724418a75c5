/*
 * value.h — one SQL value with its type: literals in plans, constants folded
 * by the optimiser, statistics (min/max), session properties. Strings point
 * at memory owned by whoever made the value (a plan arena, a connector).
 */
#ifndef SHOAL_SPI_VALUE_H
#define SHOAL_SPI_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "connectors/spi/string_view.h"
#include "connectors/spi/types.h"
#include "connectors/spi/vector.h"

typedef struct value {
    sql_type type;
    bool is_null;
    union {
        bool boolean;
        int64_t i64;          /* tinyint..bigint, short decimal, date, time, timestamp, intervals */
        __int128 i128;        /* long decimal, uuid */
        float f32;
        double f64;
        string_view string;   /* varchar, char, varbinary, json */
        timestamp_tz tstz;
    } u;
} value;

value value_null(sql_type type);
value value_boolean(bool b);
value value_bigint(int64_t v);
value value_integer(int32_t v);
value value_double(double v);
value value_decimal(int precision, int scale, __int128 unscaled);
value value_varchar(const char *data, uint32_t length);
value value_date(int32_t days);

/* Stores the value into row `row` of a flat vector of the same type. */
bool value_store(const value *v, vector *target, uint32_t row);
/* Reads row `row` of any vector into a value (strings are not copied). */
value value_load(const vector *source, uint32_t row);

#endif
