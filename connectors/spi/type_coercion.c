/*
 * type_coercion.c — Trino's implicit coercions (TypeCoercion): which type may
 * silently become which, and the common super type of two types.
 *
 *   unknown -> anything; tinyint -> smallint -> integer -> bigint -> real ->
 *   double; integers -> decimal(3|5|10|19, 0); decimal -> real, double;
 *   decimal widening; varchar(n) -> varchar(m >= n) / varchar; char(n) ->
 *   varchar(n) and wider chars; date -> timestamp(0) and with time zone;
 *   timestamp/time precision widening; array/map/row element-wise.
 */
#include <string.h>

#include "connectors/spi/function.h"
#include "connectors/spi/function_internal.h"

/* Trino's coerceTypeBase: `from` turned into the base kind `to_kind`. */
bool type_coerce_base(sql_type from, type_kind to_kind, sql_type *out)
{
    if (from.kind == to_kind) {
        *out = from;
        return true;
    }
    switch (from.kind) {
    case TYPE_UNKNOWN:
        switch (to_kind) {
        case TYPE_VARCHAR: *out = type_varchar(0); return true;
        case TYPE_CHAR: *out = type_char(0); return true;
        case TYPE_DECIMAL: *out = type_decimal(1, 0); return true;
        case TYPE_TIME: *out = type_time(0); return true;
        case TYPE_TIMESTAMP: *out = type_timestamp(0); return true;
        case TYPE_TIMESTAMP_TZ: *out = type_timestamp_tz(0); return true;
        case TYPE_ARRAY:
        case TYPE_MAP:
        case TYPE_ROW: return false;
        default: *out = type_make(to_kind); return true;
        }
    case TYPE_TINYINT:
    case TYPE_SMALLINT:
    case TYPE_INTEGER:
    case TYPE_BIGINT: {
        static const int digits[] = {[TYPE_TINYINT] = 3, [TYPE_SMALLINT] = 5,
                                     [TYPE_INTEGER] = 10, [TYPE_BIGINT] = 19};
        if (to_kind == TYPE_DECIMAL) {
            *out = type_decimal(digits[from.kind], 0);
            return true;
        }
        if ((to_kind >= TYPE_TINYINT && to_kind <= TYPE_BIGINT && to_kind > from.kind) ||
            to_kind == TYPE_REAL || to_kind == TYPE_DOUBLE) {
            *out = type_make(to_kind);
            return true;
        }
        return false;
    }
    case TYPE_DECIMAL:
        if (to_kind == TYPE_REAL || to_kind == TYPE_DOUBLE) {
            *out = type_make(to_kind);
            return true;
        }
        return false;
    case TYPE_REAL:
        if (to_kind == TYPE_DOUBLE) {
            *out = type_make(TYPE_DOUBLE);
            return true;
        }
        return false;
    case TYPE_DATE:
        if (to_kind == TYPE_TIMESTAMP) {
            *out = type_timestamp(0);
            return true;
        }
        if (to_kind == TYPE_TIMESTAMP_TZ) {
            *out = type_timestamp_tz(0);
            return true;
        }
        return false;
    case TYPE_TIMESTAMP:
        if (to_kind == TYPE_TIMESTAMP_TZ) {
            *out = type_timestamp_tz(from.precision);
            return true;
        }
        return false;
    case TYPE_CHAR:
        if (to_kind == TYPE_VARCHAR) {
            *out = type_varchar(from.length);
            return true;
        }
        return false;
    default:
        return false;
    }
}

typedef struct compatibility {
    bool compatible;
    bool coercible;      /* from can be coerced to to */
    sql_type super_type;
} compatibility;

static compatibility compatible(sql_type super_type, bool coercible)
{
    return (compatibility){true, coercible, super_type};
}

static compatibility incompatible(void)
{
    return (compatibility){0};
}

static compatibility type_compatibility(sql_type from, sql_type to);

static compatibility same_base_compatibility(sql_type from, sql_type to)
{
    switch (from.kind) {
    case TYPE_DECIMAL: {
        int scale = from.scale > to.scale ? from.scale : to.scale;
        int whole_from = from.precision - from.scale, whole_to = to.precision - to.scale;
        int precision = (whole_from > whole_to ? whole_from : whole_to) + scale;
        if (precision > DECIMAL_MAX_PRECISION)
            precision = DECIMAL_MAX_PRECISION;
        sql_type s = type_decimal(precision, scale);
        return compatible(s, type_equal(s, to));
    }
    case TYPE_VARCHAR:
    case TYPE_CHAR: {
        int32_t length;
        if (from.length == VARCHAR_UNBOUNDED || to.length == VARCHAR_UNBOUNDED)
            length = VARCHAR_UNBOUNDED;
        else
            length = from.length > to.length ? from.length : to.length;
        sql_type s = from.kind == TYPE_VARCHAR ? type_varchar(length) : type_char(length);
        return compatible(s, type_equal(s, to));
    }
    case TYPE_TIME:
    case TYPE_TIMESTAMP:
    case TYPE_TIMESTAMP_TZ: {
        sql_type s = from;
        s.precision = from.precision > to.precision ? from.precision : to.precision;
        return compatible(s, type_equal(s, to));
    }
    case TYPE_ARRAY:
    case TYPE_MAP:
    case TYPE_ROW: {
        const composite_type *a = from.composite, *b = to.composite;
        if (a->field_count != b->field_count)
            return incompatible();
        sql_type fields[64];
        const char *names[64];
        if (a->field_count > 64)
            return incompatible();
        bool coercible = true;
        for (int i = 0; i < a->field_count; i++) {
            compatibility c = type_compatibility(a->field_types[i], b->field_types[i]);
            if (!c.compatible)
                return incompatible();
            coercible &= c.coercible;
            fields[i] = c.super_type;
            const char *na = a->field_names ? a->field_names[i] : NULL;
            const char *nb = b->field_names ? b->field_names[i] : NULL;
            names[i] = na && nb && strcmp(na, nb) == 0 ? na : NULL;
        }
        sql_type s;
        if (from.kind == TYPE_ARRAY)
            s = type_array(fields[0]);
        else if (from.kind == TYPE_MAP)
            s = type_map(fields[0], fields[1]);
        else
            s = type_row(a->field_count, fields, names);
        return compatible(s, coercible);
    }
    default:
        return compatible(from, true);
    }
}

static compatibility type_compatibility(sql_type from, sql_type to)
{
    if (type_equal(from, to))
        return compatible(to, true);
    if (to.kind == TYPE_UNKNOWN)
        return compatible(from, false);
    if (from.kind == TYPE_UNKNOWN)
        return compatible(to, true);
    if (from.kind == to.kind)
        return same_base_compatibility(from, to);
    sql_type coerced;
    if (type_coerce_base(from, to.kind, &coerced))
        return type_compatibility(coerced, to);
    if (type_coerce_base(to, from.kind, &coerced)) {
        compatibility c = type_compatibility(from, coerced);
        if (!c.compatible)
            return incompatible();
        return compatible(c.super_type, false);
    }
    return incompatible();
}

bool type_can_coerce(sql_type from, sql_type to)
{
    return type_compatibility(from, to).coercible;
}

bool type_common_super_type(sql_type a, sql_type b, sql_type *out)
{
    compatibility c = type_compatibility(a, b);
    if (!c.compatible)
        return false;
    *out = c.super_type;
    return true;
}
