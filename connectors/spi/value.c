/*
 * value.c — single SQL values: constructors, and moving a value into or out
 * of a vector row.
 */
#include "value.h"

#include <string.h>

#include "connectors/spi/vector.h"

value value_null(sql_type type)
{
    value v;
    memset(&v, 0, sizeof v);
    v.type = type;
    v.is_null = true;
    return v;
}

static value value_of(sql_type type)
{
    value v;
    memset(&v, 0, sizeof v);
    v.type = type;
    return v;
}

value value_boolean(bool b)
{
    value v = value_of(type_make(TYPE_BOOLEAN));
    v.u.boolean = b;
    return v;
}

value value_bigint(int64_t x)
{
    value v = value_of(type_make(TYPE_BIGINT));
    v.u.i64 = x;
    return v;
}

value value_integer(int32_t x)
{
    value v = value_of(type_make(TYPE_INTEGER));
    v.u.i64 = x;
    return v;
}

value value_double(double x)
{
    value v = value_of(type_make(TYPE_DOUBLE));
    v.u.f64 = x;
    return v;
}

value value_decimal(int precision, int scale, __int128 unscaled)
{
    value v = value_of(type_decimal(precision, scale));
    if (precision <= DECIMAL_MAX_SHORT_PRECISION)
        v.u.i64 = (int64_t)unscaled;
    else
        v.u.i128 = unscaled;
    return v;
}

value value_varchar(const char *data, uint32_t length)
{
    value v = value_of(type_varchar(VARCHAR_UNBOUNDED));
    v.u.string = string_view_make(data, length);
    return v;
}

value value_date(int32_t days)
{
    value v = value_of(type_make(TYPE_DATE));
    v.u.i64 = days;
    return v;
}

bool value_store(const value *v, vector *target, uint32_t row)
{
    if (v->is_null)
        return vector_set_null(target, row);
    vector_set_valid(target, row);
    void *slot = (unsigned char *)target->data + type_value_size(target->type) * row;
    switch (type_physical(target->type)) {
    case PHYSICAL_BOOL: *(uint8_t *)slot = v->u.boolean; return true;
    case PHYSICAL_INT8: *(int8_t *)slot = (int8_t)v->u.i64; return true;
    case PHYSICAL_INT16: *(int16_t *)slot = (int16_t)v->u.i64; return true;
    case PHYSICAL_INT32: *(int32_t *)slot = (int32_t)v->u.i64; return true;
    case PHYSICAL_INT64: *(int64_t *)slot = v->u.i64; return true;
    case PHYSICAL_INT128: memcpy(slot, &v->u.i128, 16); return true;
    case PHYSICAL_FLOAT: *(float *)slot = v->u.f32; return true;
    case PHYSICAL_DOUBLE: *(double *)slot = v->u.f64; return true;
    case PHYSICAL_STRING:
        return vector_add_string(target, string_view_data(&v->u.string), v->u.string.length, slot);
    case PHYSICAL_TIMESTAMP_TZ: memcpy(slot, &v->u.tstz, sizeof v->u.tstz); return true;
    case PHYSICAL_LIST:
    case PHYSICAL_STRUCT: return false;
    }
    return false;
}

value value_load(const vector *source, uint32_t row)
{
    vector_view view = vector_view_of(source);
    uint32_t index = vector_view_index(&view, row);
    if (!vector_view_valid(&view, index))
        return value_null(source->type);
    value v = value_of(source->type);
    const void *slot = (const unsigned char *)view.data + type_value_size(source->type) * index;
    switch (type_physical(source->type)) {
    case PHYSICAL_BOOL: v.u.boolean = *(const uint8_t *)slot != 0; break;
    case PHYSICAL_INT8: v.u.i64 = *(const int8_t *)slot; break;
    case PHYSICAL_INT16: v.u.i64 = *(const int16_t *)slot; break;
    case PHYSICAL_INT32: v.u.i64 = *(const int32_t *)slot; break;
    case PHYSICAL_INT64: v.u.i64 = *(const int64_t *)slot; break;
    case PHYSICAL_INT128: memcpy(&v.u.i128, slot, 16); break;
    case PHYSICAL_FLOAT: v.u.f32 = *(const float *)slot; break;
    case PHYSICAL_DOUBLE: v.u.f64 = *(const double *)slot; break;
    case PHYSICAL_STRING: v.u.string = *(const string_view *)slot; break;
    case PHYSICAL_TIMESTAMP_TZ: memcpy(&v.u.tstz, slot, sizeof v.u.tstz); break;
    case PHYSICAL_LIST:
    case PHYSICAL_STRUCT: break;
    }
    return v;
}
