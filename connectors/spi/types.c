/*
 * types.c — constructing, comparing, naming and parsing SQL types.
 */
#include "types.h"
#include "string_view.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

sql_type type_make(type_kind kind)
{
    sql_type t = {.kind = kind, .length = VARCHAR_UNBOUNDED};
    if (kind == TYPE_TIMESTAMP || kind == TYPE_TIMESTAMP_TZ || kind == TYPE_TIME)
        t.precision = TIMESTAMP_DEFAULT_PRECISION;
    if (kind == TYPE_DECIMAL)
        t.precision = DECIMAL_MAX_PRECISION;
    return t;
}

sql_type type_decimal(int precision, int scale)
{
    sql_type t = type_make(TYPE_DECIMAL);
    t.precision = (uint8_t)precision;
    t.scale = (uint8_t)scale;
    return t;
}

sql_type type_varchar(int32_t length)
{
    sql_type t = type_make(TYPE_VARCHAR);
    t.length = length;
    return t;
}

sql_type type_char(int32_t length)
{
    sql_type t = type_make(TYPE_CHAR);
    t.length = length;
    return t;
}

sql_type type_time(int precision)
{
    sql_type t = type_make(TYPE_TIME);
    t.precision = (uint8_t)precision;
    return t;
}

sql_type type_timestamp(int precision)
{
    sql_type t = type_make(TYPE_TIMESTAMP);
    t.precision = (uint8_t)precision;
    return t;
}

sql_type type_timestamp_tz(int precision)
{
    sql_type t = type_make(TYPE_TIMESTAMP_TZ);
    t.precision = (uint8_t)precision;
    return t;
}

/* ---- interned composite types ------------------------------------------ */

typedef struct interned_type {
    struct interned_type *next;
    type_kind kind;
    composite_type composite;
} interned_type;

static pthread_mutex_t intern_lock = PTHREAD_MUTEX_INITIALIZER;
static interned_type *intern_list;

static bool names_equal(const char *a, const char *b)
{
    if (!a || !b)
        return a == b;
    return strcmp(a, b) == 0;
}

static bool composite_matches(const interned_type *it, type_kind kind, int count,
                              const sql_type *types, const char *const *names)
{
    if (it->kind != kind || it->composite.field_count != count)
        return false;
    for (int i = 0; i < count; i++) {
        if (!type_equal(it->composite.field_types[i], types[i]))
            return false;
        const char *name = names ? names[i] : NULL;
        const char *existing = it->composite.field_names ? it->composite.field_names[i] : NULL;
        if (!names_equal(existing, name))
            return false;
    }
    return true;
}

static const composite_type *intern_composite(type_kind kind, int count, const sql_type *types,
                                              const char *const *names)
{
    pthread_mutex_lock(&intern_lock);
    for (interned_type *it = intern_list; it; it = it->next) {
        if (composite_matches(it, kind, count, types, names)) {
            pthread_mutex_unlock(&intern_lock);
            return &it->composite;
        }
    }
    /* Interned types live for the life of the process, like Trino's type registry. */
    interned_type *it = calloc(1, sizeof *it);
    it->kind = kind;
    it->composite.field_count = count;
    it->composite.field_types = calloc((size_t)count, sizeof(sql_type));
    memcpy(it->composite.field_types, types, sizeof(sql_type) * (size_t)count);
    if (kind == TYPE_ROW) {
        it->composite.field_names = calloc((size_t)count, sizeof(char *));
        for (int i = 0; i < count; i++)
            it->composite.field_names[i] = names && names[i] ? strdup(names[i]) : NULL;
    }
    it->next = intern_list;
    intern_list = it;
    pthread_mutex_unlock(&intern_lock);
    return &it->composite;
}

sql_type type_array(sql_type element)
{
    sql_type t = type_make(TYPE_ARRAY);
    t.composite = intern_composite(TYPE_ARRAY, 1, &element, NULL);
    return t;
}

sql_type type_map(sql_type key, sql_type value)
{
    sql_type fields[2] = {key, value};
    sql_type t = type_make(TYPE_MAP);
    t.composite = intern_composite(TYPE_MAP, 2, fields, NULL);
    return t;
}

sql_type type_row(int field_count, const sql_type *field_types, const char *const *field_names)
{
    sql_type t = type_make(TYPE_ROW);
    t.composite = intern_composite(TYPE_ROW, field_count, field_types, field_names);
    return t;
}

/* ---- properties ---------------------------------------------------------- */

bool type_equal(sql_type a, sql_type b)
{
    if (a.kind != b.kind)
        return false;
    switch (a.kind) {
    case TYPE_DECIMAL:
        return a.precision == b.precision && a.scale == b.scale;
    case TYPE_VARCHAR:
    case TYPE_CHAR:
        return a.length == b.length;
    case TYPE_TIME:
    case TYPE_TIMESTAMP:
    case TYPE_TIMESTAMP_TZ:
        return a.precision == b.precision;
    case TYPE_ARRAY:
    case TYPE_MAP:
    case TYPE_ROW:
        return a.composite == b.composite;
    default:
        return true;
    }
}

physical_type type_physical(sql_type type)
{
    switch (type.kind) {
    case TYPE_UNKNOWN:
    case TYPE_BOOLEAN: return PHYSICAL_BOOL;
    case TYPE_TINYINT: return PHYSICAL_INT8;
    case TYPE_SMALLINT: return PHYSICAL_INT16;
    case TYPE_INTEGER:
    case TYPE_DATE:
    case TYPE_INTERVAL_YEAR_MONTH: return PHYSICAL_INT32;
    case TYPE_BIGINT:
    case TYPE_TIME:
    case TYPE_TIMESTAMP:
    case TYPE_INTERVAL_DAY_TIME: return PHYSICAL_INT64;
    case TYPE_DECIMAL:
        return type.precision <= DECIMAL_MAX_SHORT_PRECISION ? PHYSICAL_INT64 : PHYSICAL_INT128;
    case TYPE_UUID: return PHYSICAL_INT128;
    case TYPE_REAL: return PHYSICAL_FLOAT;
    case TYPE_DOUBLE: return PHYSICAL_DOUBLE;
    case TYPE_VARCHAR:
    case TYPE_CHAR:
    case TYPE_VARBINARY:
    case TYPE_JSON: return PHYSICAL_STRING;
    case TYPE_TIMESTAMP_TZ: return PHYSICAL_TIMESTAMP_TZ;
    case TYPE_ARRAY:
    case TYPE_MAP: return PHYSICAL_LIST;
    case TYPE_ROW: return PHYSICAL_STRUCT;
    case TYPE_KIND_COUNT: break;
    }
    return PHYSICAL_BOOL;
}

size_t type_value_size(sql_type type)
{
    switch (type_physical(type)) {
    case PHYSICAL_BOOL:
    case PHYSICAL_INT8: return 1;
    case PHYSICAL_INT16: return 2;
    case PHYSICAL_INT32:
    case PHYSICAL_FLOAT: return 4;
    case PHYSICAL_INT64:
    case PHYSICAL_DOUBLE: return 8;
    case PHYSICAL_INT128: return 16;
    case PHYSICAL_STRING: return sizeof(string_view);
    case PHYSICAL_TIMESTAMP_TZ: return sizeof(timestamp_tz);
    case PHYSICAL_LIST: return sizeof(list_entry);
    case PHYSICAL_STRUCT: return 0;
    }
    return 0;
}

bool type_is_integral(sql_type t)
{
    return t.kind == TYPE_TINYINT || t.kind == TYPE_SMALLINT || t.kind == TYPE_INTEGER ||
           t.kind == TYPE_BIGINT;
}

bool type_is_numeric(sql_type t)
{
    return type_is_integral(t) || t.kind == TYPE_REAL || t.kind == TYPE_DOUBLE ||
           t.kind == TYPE_DECIMAL;
}

bool type_is_string(sql_type t)
{
    return t.kind == TYPE_VARCHAR || t.kind == TYPE_CHAR;
}

bool type_is_comparable(sql_type t)
{
    if (t.kind == TYPE_ARRAY || t.kind == TYPE_ROW) {
        for (int i = 0; i < t.composite->field_count; i++)
            if (!type_is_comparable(t.composite->field_types[i]))
                return false;
        return true;
    }
    if (t.kind == TYPE_MAP)
        return type_is_comparable(t.composite->field_types[1]);
    return true;
}

bool type_is_orderable(sql_type t)
{
    if (t.kind == TYPE_MAP || t.kind == TYPE_JSON)
        return false;
    if (t.kind == TYPE_ARRAY || t.kind == TYPE_ROW) {
        for (int i = 0; i < t.composite->field_count; i++)
            if (!type_is_orderable(t.composite->field_types[i]))
                return false;
    }
    return true;
}

/* ---- names ---------------------------------------------------------------- */

typedef struct text_out {
    char *out;
    size_t size;
    size_t length;
} text_out;

static void put(text_out *t, const char *s)
{
    size_t n = strlen(s);
    if (t->length < t->size) {
        size_t room = t->size - t->length - 1;
        memcpy(t->out + t->length, s, n < room ? n : room);
        t->out[t->length + (n < room ? n : room)] = '\0';
    }
    t->length += n;
}

static void put_int(text_out *t, long value)
{
    char digits[32];
    snprintf(digits, sizeof digits, "%ld", value);
    put(t, digits);
}

static bool identifier_needs_quotes(const char *name)
{
    if (!name[0] || !(islower((unsigned char)name[0]) || name[0] == '_'))
        return true;
    for (const char *p = name; *p; p++)
        if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '_'))
            return true;
    return false;
}

static void format_into(text_out *t, sql_type type, bool protocol);

static void format_fields(text_out *t, sql_type type, bool protocol)
{
    const composite_type *c = type.composite;
    for (int i = 0; i < c->field_count; i++) {
        if (i > 0)
            put(t, protocol ? ", " : ",");
        const char *name = c->field_names ? c->field_names[i] : NULL;
        if (name) {
            if (identifier_needs_quotes(name)) {
                put(t, "\"");
                for (const char *p = name; *p; p++)
                    put(t, *p == '"' ? "\"\"" : (char[2]){*p, 0});
                put(t, "\"");
            } else {
                put(t, name);
            }
            put(t, " ");
        }
        format_into(t, c->field_types[i], protocol);
    }
}

static void format_into(text_out *t, sql_type type, bool protocol)
{
    switch (type.kind) {
    case TYPE_UNKNOWN: put(t, "unknown"); return;
    case TYPE_BOOLEAN: put(t, "boolean"); return;
    case TYPE_TINYINT: put(t, "tinyint"); return;
    case TYPE_SMALLINT: put(t, "smallint"); return;
    case TYPE_INTEGER: put(t, "integer"); return;
    case TYPE_BIGINT: put(t, "bigint"); return;
    case TYPE_REAL: put(t, "real"); return;
    case TYPE_DOUBLE: put(t, "double"); return;
    case TYPE_DECIMAL:
        put(t, "decimal(");
        put_int(t, type.precision);
        put(t, protocol ? ", " : ",");
        put_int(t, type.scale);
        put(t, ")");
        return;
    case TYPE_VARCHAR:
    case TYPE_CHAR:
        put(t, type.kind == TYPE_VARCHAR ? "varchar" : "char");
        if (type.length != VARCHAR_UNBOUNDED) {
            put(t, "(");
            put_int(t, type.length);
            put(t, ")");
        }
        return;
    case TYPE_VARBINARY: put(t, "varbinary"); return;
    case TYPE_JSON: put(t, "json"); return;
    case TYPE_DATE: put(t, "date"); return;
    case TYPE_TIME:
    case TYPE_TIMESTAMP:
    case TYPE_TIMESTAMP_TZ:
        put(t, type.kind == TYPE_TIME ? "time(" : "timestamp(");
        put_int(t, type.precision);
        put(t, type.kind == TYPE_TIMESTAMP_TZ ? ") with time zone" : ")");
        return;
    case TYPE_INTERVAL_DAY_TIME: put(t, "interval day to second"); return;
    case TYPE_INTERVAL_YEAR_MONTH: put(t, "interval year to month"); return;
    case TYPE_UUID: put(t, "uuid"); return;
    case TYPE_ARRAY:
        put(t, "array(");
        format_into(t, type.composite->field_types[0], protocol);
        put(t, ")");
        return;
    case TYPE_MAP:
        put(t, "map(");
        format_fields(t, type, protocol);
        put(t, ")");
        return;
    case TYPE_ROW:
        put(t, "row(");
        format_fields(t, type, protocol);
        put(t, ")");
        return;
    case TYPE_KIND_COUNT: break;
    }
    put(t, "unknown");
}

size_t type_format(sql_type type, bool protocol_spelling, char *out, size_t size)
{
    text_out t = {out, size, 0};
    if (size > 0)
        out[0] = '\0';
    format_into(&t, type, protocol_spelling);
    return t.length;
}

/* ---- parsing ---------------------------------------------------------------- */

typedef struct type_lexer {
    const char *p;
    int depth;
} type_lexer;

static void skip_space(type_lexer *lx)
{
    while (isspace((unsigned char)*lx->p))
        lx->p++;
}

/* Reads a word (letters, digits, underscore), lower-cased into `word`. */
static bool read_word(type_lexer *lx, char *word, size_t size)
{
    skip_space(lx);
    size_t n = 0;
    while (isalnum((unsigned char)*lx->p) || *lx->p == '_') {
        if (n + 1 >= size)
            return false;
        word[n++] = (char)tolower((unsigned char)*lx->p++);
    }
    word[n] = '\0';
    return n > 0;
}

static bool accept_char(type_lexer *lx, char c)
{
    skip_space(lx);
    if (*lx->p != c)
        return false;
    lx->p++;
    return true;
}

static bool read_number(type_lexer *lx, long *value)
{
    skip_space(lx);
    if (!isdigit((unsigned char)*lx->p))
        return false;
    char *end;
    *value = strtol(lx->p, &end, 10);
    lx->p = end;
    return *value >= 0 && *value <= 2147483647L;
}

static bool accept_words(type_lexer *lx, const char *const *words)
{
    type_lexer saved = *lx;
    char word[64];
    for (; *words; words++) {
        if (!read_word(lx, word, sizeof word) || strcmp(word, *words) != 0) {
            *lx = saved;
            return false;
        }
    }
    return true;
}

static bool parse_type(type_lexer *lx, sql_type *out);

static bool parse_optional_precision(type_lexer *lx, long *precision, long max)
{
    if (!accept_char(lx, '('))
        return true;
    return read_number(lx, precision) && *precision <= max && accept_char(lx, ')');
}

static bool parse_datetime(type_lexer *lx, type_kind kind, sql_type *out)
{
    long precision = kind == TYPE_TIME ? 3 : TIMESTAMP_DEFAULT_PRECISION;
    if (!parse_optional_precision(lx, &precision, 12))
        return false;
    static const char *const with_tz[] = {"with", "time", "zone", NULL};
    static const char *const without_tz[] = {"without", "time", "zone", NULL};
    bool tz = accept_words(lx, with_tz);
    if (!tz)
        accept_words(lx, without_tz);
    if (kind == TYPE_TIMESTAMP)
        *out = tz ? type_timestamp_tz((int)precision) : type_timestamp((int)precision);
    else
        *out = type_time((int)precision); /* time with time zone: not yet a kind of its own */
    return !(kind == TYPE_TIME && tz);
}

static bool parse_fields(type_lexer *lx, type_kind kind, sql_type *out)
{
    enum { MAX_FIELDS = 256 };
    sql_type types[MAX_FIELDS];
    char *names[MAX_FIELDS];
    int count = 0;
    bool ok = accept_char(lx, '(');
    while (ok && count < MAX_FIELDS) {
        names[count] = NULL;
        if (kind == TYPE_ROW) {
            /* a field is "name type" or just "type"; try the name first */
            type_lexer saved = *lx;
            char word[256];
            skip_space(lx);
            if (*lx->p == '"') {
                const char *start = ++lx->p;
                while (*lx->p && *lx->p != '"')
                    lx->p++;
                if (*lx->p != '"') {
                    ok = false;
                    break;
                }
                names[count] = strndup(start, (size_t)(lx->p - start));
                lx->p++;
            } else if (read_word(lx, word, sizeof word)) {
                type_lexer after_name = *lx;
                sql_type probe;
                if (parse_type(lx, &probe)) {
                    *lx = after_name;
                    names[count] = strdup(word);
                } else {
                    *lx = saved;
                }
            }
        }
        if (!parse_type(lx, &types[count])) {
            free(names[count]);
            ok = false;
            break;
        }
        count++;
        if (accept_char(lx, ')'))
            break;
        ok = accept_char(lx, ',');
    }
    if (ok) {
        if (kind == TYPE_ARRAY)
            ok = count == 1, *out = type_array(types[0]);
        else if (kind == TYPE_MAP)
            ok = count == 2, *out = count == 2 ? type_map(types[0], types[1]) : *out;
        else
            *out = type_row(count, types, (const char *const *)names);
    }
    for (int i = 0; i < count; i++)
        free(names[i]);
    return ok;
}

static bool parse_type(type_lexer *lx, sql_type *out)
{
    if (++lx->depth > 64)
        return false;
    char word[64];
    if (!read_word(lx, word, sizeof word))
        return false;
    static const struct { const char *name; type_kind kind; } simple[] = {
        {"boolean", TYPE_BOOLEAN}, {"tinyint", TYPE_TINYINT}, {"smallint", TYPE_SMALLINT},
        {"integer", TYPE_INTEGER}, {"int", TYPE_INTEGER}, {"bigint", TYPE_BIGINT},
        {"real", TYPE_REAL}, {"varbinary", TYPE_VARBINARY}, {"json", TYPE_JSON},
        {"date", TYPE_DATE}, {"uuid", TYPE_UUID}, {"unknown", TYPE_UNKNOWN},
    };
    for (size_t i = 0; i < sizeof simple / sizeof simple[0]; i++) {
        if (strcmp(word, simple[i].name) == 0) {
            *out = type_make(simple[i].kind);
            lx->depth--;
            return true;
        }
    }
    bool ok = true;
    if (strcmp(word, "double") == 0) {
        static const char *const precision[] = {"precision", NULL};
        accept_words(lx, precision);
        *out = type_make(TYPE_DOUBLE);
    } else if (strcmp(word, "decimal") == 0 || strcmp(word, "numeric") == 0) {
        long p = DECIMAL_MAX_PRECISION, s = 0;
        if (accept_char(lx, '(')) {
            ok = read_number(lx, &p) && (!accept_char(lx, ',') || read_number(lx, &s)) &&
                 accept_char(lx, ')');
        }
        ok = ok && p >= 1 && p <= DECIMAL_MAX_PRECISION && s <= p;
        *out = type_decimal((int)p, (int)s);
    } else if (strcmp(word, "varchar") == 0 || strcmp(word, "char") == 0) {
        long n = strcmp(word, "char") == 0 ? 1 : VARCHAR_UNBOUNDED;
        ok = parse_optional_precision(lx, &n, 2147483647L);
        *out = word[0] == 'v' ? type_varchar((int32_t)n) : type_char((int32_t)n);
    } else if (strcmp(word, "time") == 0) {
        ok = parse_datetime(lx, TYPE_TIME, out);
    } else if (strcmp(word, "timestamp") == 0) {
        ok = parse_datetime(lx, TYPE_TIMESTAMP, out);
    } else if (strcmp(word, "interval") == 0) {
        static const char *const day_second[] = {"day", "to", "second", NULL};
        static const char *const year_month[] = {"year", "to", "month", NULL};
        if (accept_words(lx, day_second))
            *out = type_make(TYPE_INTERVAL_DAY_TIME);
        else if (accept_words(lx, year_month))
            *out = type_make(TYPE_INTERVAL_YEAR_MONTH);
        else
            ok = false;
    } else if (strcmp(word, "array") == 0) {
        ok = parse_fields(lx, TYPE_ARRAY, out);
    } else if (strcmp(word, "map") == 0) {
        ok = parse_fields(lx, TYPE_MAP, out);
    } else if (strcmp(word, "row") == 0) {
        ok = parse_fields(lx, TYPE_ROW, out);
    } else {
        ok = false;
    }
    lx->depth--;
    return ok;
}

bool type_parse(const char *text, sql_type *out)
{
    type_lexer lx = {text, 0};
    if (!parse_type(&lx, out))
        return false;
    skip_space(&lx);
    return *lx.p == '\0';
}
