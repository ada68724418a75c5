/*
 * plan_serde.c — plan nodes, expressions and fragments as msgpack (see
 * plan_serde.h for the format). Encoding walks the tree with a msgpack
 * packer; decoding uses the bounds-checked reader and validates as it goes.
 */
#include "plan_serde.h"

#include <math.h>
#include <msgpack.h>
#include <stdlib.h>
#include <string.h>

#include "sql/plan_serde_reader.h"

static const char PLAN_MAGIC[] = "shoal-plan";

/* ---- encoding ------------------------------------------------------------------ */

typedef struct encoder {
    msgpack_packer pk;
    msgpack_sbuffer buf;
    shoal_error *error;
    bool failed;
} encoder;

static bool enc_fail(encoder *e, error_code code, const char *what)
{
    if (!e->failed)
        error_set(e->error, code, "Cannot serialize plan: %s", what);
    e->failed = true;
    return false;
}

static void enc_str(encoder *e, const char *s)
{
    if (!s) {
        msgpack_pack_nil(&e->pk);
        return;
    }
    size_t n = strlen(s);
    msgpack_pack_str(&e->pk, n);
    msgpack_pack_str_body(&e->pk, s, n);
}

static void enc_type(encoder *e, sql_type t)
{
    char name[TYPE_NAME_MAX];
    size_t n = type_format(t, false, name, sizeof name);
    if (n >= sizeof name) {
        enc_fail(e, ERR_NOT_SUPPORTED, "type name too long");
        n = 0;
    }
    msgpack_pack_str(&e->pk, n);
    msgpack_pack_str_body(&e->pk, name, n);
}

static void enc_ints(encoder *e, const int *v, int count)
{
    msgpack_pack_array(&e->pk, (size_t)(count > 0 ? count : 0));
    for (int i = 0; i < count; i++)
        msgpack_pack_int(&e->pk, v[i]);
}

static void enc_value(encoder *e, const value *v)
{
    msgpack_pack_array(&e->pk, 3);
    enc_type(e, v->type);
    if (v->is_null) {
        msgpack_pack_true(&e->pk);
        msgpack_pack_nil(&e->pk);
        return;
    }
    msgpack_pack_false(&e->pk);
    switch (type_physical(v->type)) {
    case PHYSICAL_BOOL:
        if (v->u.boolean)
            msgpack_pack_true(&e->pk);
        else
            msgpack_pack_false(&e->pk);
        break;
    case PHYSICAL_INT8:
    case PHYSICAL_INT16:
    case PHYSICAL_INT32:
    case PHYSICAL_INT64:
        msgpack_pack_int64(&e->pk, v->u.i64);
        break;
    case PHYSICAL_INT128: {
        unsigned char bytes[16];
        unsigned __int128 u = (unsigned __int128)v->u.i128;
        for (int i = 0; i < 16; i++)
            bytes[i] = (unsigned char)(u >> (8 * i));
        msgpack_pack_bin(&e->pk, 16);
        msgpack_pack_bin_body(&e->pk, bytes, 16);
        break;
    }
    case PHYSICAL_FLOAT:
        msgpack_pack_double(&e->pk, v->u.f32);
        break;
    case PHYSICAL_DOUBLE:
        msgpack_pack_double(&e->pk, v->u.f64);
        break;
    case PHYSICAL_STRING:
        msgpack_pack_bin(&e->pk, v->u.string.length);
        msgpack_pack_bin_body(&e->pk, string_view_data(&v->u.string), v->u.string.length);
        break;
    case PHYSICAL_TIMESTAMP_TZ:
        msgpack_pack_array(&e->pk, 2);
        msgpack_pack_int64(&e->pk, v->u.tstz.micros_utc);
        msgpack_pack_int(&e->pk, v->u.tstz.zone_key);
        break;
    default:
        msgpack_pack_nil(&e->pk);
        enc_fail(e, ERR_NOT_SUPPORTED, "constants of nested types");
        break;
    }
}

static void enc_function(encoder *e, const function_entry *f)
{
    if (!f) {
        msgpack_pack_nil(&e->pk);
        return;
    }
    msgpack_pack_array(&e->pk, 3);
    enc_str(e, f->name);
    enc_str(e, f->signature);
    msgpack_pack_int(&e->pk, (int)f->kind);
}

static void enc_expr(encoder *e, const expr *x)
{
    if (!x) {
        msgpack_pack_nil(&e->pk);
        return;
    }
    msgpack_pack_array(&e->pk, 10);
    msgpack_pack_int(&e->pk, (int)x->kind);
    enc_type(e, x->type);
    msgpack_pack_int(&e->pk, x->column);
    msgpack_pack_int(&e->pk, x->field_index);
    msgpack_pack_int(&e->pk, x->lambda_parameter_count);
    msgpack_pack_int(&e->pk, x->line);
    msgpack_pack_int(&e->pk, x->position);
    if (x->kind == EXPR_CONSTANT)
        enc_value(e, &x->constant);
    else
        msgpack_pack_nil(&e->pk);
    enc_function(e, x->kind == EXPR_CALL ? x->function : NULL);
    msgpack_pack_array(&e->pk, (size_t)x->arg_count);
    for (int i = 0; i < x->arg_count; i++)
        enc_expr(e, x->args[i]);
}

static void enc_exprs(encoder *e, expr *const *v, int count)
{
    msgpack_pack_array(&e->pk, (size_t)count);
    for (int i = 0; i < count; i++)
        enc_expr(e, v[i]);
}

static void enc_node(encoder *e, const plan_node *n);

static void enc_scan(encoder *e, const plan_node *n)
{
    const table_metadata *t = n->u.scan.table;
    msgpack_pack_array(&e->pk, 8);
    enc_str(e, n->u.scan.catalog);
    enc_str(e, t ? t->schema : "");
    enc_str(e, t ? t->name : "");
    int columns = t ? t->column_count : 0;
    msgpack_pack_array(&e->pk, (size_t)columns);
    for (int i = 0; i < columns; i++) {
        msgpack_pack_array(&e->pk, 3);
        enc_str(e, t->columns[i].name);
        enc_type(e, t->columns[i].type);
        if (t->columns[i].nullable)
            msgpack_pack_true(&e->pk);
        else
            msgpack_pack_false(&e->pk);
    }
    msgpack_pack_double(&e->pk, t ? t->row_count : NAN);
    enc_ints(e, n->u.scan.columns, n->column_count);
    msgpack_pack_array(&e->pk, (size_t)n->u.scan.range_count);
    for (int i = 0; i < n->u.scan.range_count; i++) {
        const column_range *r = &n->u.scan.ranges[i];
        msgpack_pack_array(&e->pk, 7);
        msgpack_pack_int(&e->pk, r->column);
        msgpack_pack_int(&e->pk, (r->has_low ? 1 : 0) | (r->low_inclusive ? 2 : 0) |
                                     (r->has_high ? 4 : 0) | (r->high_inclusive ? 8 : 0));
        enc_value(e, &r->low);
        enc_value(e, &r->high);
        msgpack_pack_nil(&e->pk);
        msgpack_pack_nil(&e->pk);
        msgpack_pack_nil(&e->pk);
    }
    msgpack_pack_int64(&e->pk, n->u.scan.limit);
}

static void enc_payload(encoder *e, const plan_node *n)
{
    msgpack_packer *pk = &e->pk;
    switch (n->kind) {
    case PLAN_TABLE_SCAN:
        enc_scan(e, n);
        break;
    case PLAN_VALUES:
        msgpack_pack_array(pk, 2);
        msgpack_pack_int(pk, n->u.values.row_count);
        enc_exprs(e, n->u.values.cells, n->u.values.row_count * n->column_count);
        break;
    case PLAN_FILTER:
        msgpack_pack_array(pk, 1);
        enc_expr(e, n->u.filter.predicate);
        break;
    case PLAN_PROJECT:
        msgpack_pack_array(pk, 1);
        enc_exprs(e, n->u.project.exprs, n->column_count);
        break;
    case PLAN_AGGREGATE:
        msgpack_pack_array(pk, 5);
        msgpack_pack_int(pk, (int)n->u.aggregate.step);
        enc_ints(e, n->u.aggregate.keys, n->u.aggregate.key_count);
        msgpack_pack_array(pk, (size_t)n->u.aggregate.aggregate_count);
        for (int i = 0; i < n->u.aggregate.aggregate_count; i++) {
            const plan_aggregate *a = &n->u.aggregate.aggregates[i];
            msgpack_pack_array(pk, 8);
            enc_function(e, a->function.function);
            msgpack_pack_array(pk, (size_t)a->function.arg_count);
            for (int k = 0; k < a->function.arg_count && k < 16; k++)
                enc_type(e, a->function.arg_types[k]);
            enc_type(e, a->function.return_type);
            enc_type(e, a->function.intermediate_type);
            enc_ints(e, a->args, a->arg_count);
            if (a->distinct)
                msgpack_pack_true(pk);
            else
                msgpack_pack_false(pk);
            msgpack_pack_int(pk, a->filter_channel);
            int order[3] = {a->function.order_count, a->function.order_descending, a->function.order_nulls_first};
            enc_ints(e, order, 3);
        }
        msgpack_pack_int(pk, n->u.aggregate.grouping_set_count);
        msgpack_pack_int(pk, n->u.aggregate.group_id_channel);
        break;
    case PLAN_JOIN:
        msgpack_pack_array(pk, 6);
        msgpack_pack_int(pk, (int)n->u.join.type);
        enc_ints(e, n->u.join.left_keys, n->u.join.key_count);
        enc_ints(e, n->u.join.right_keys, n->u.join.key_count);
        enc_expr(e, n->u.join.filter);
        msgpack_pack_int(pk, (int)n->u.join.distribution);
        if (n->u.join.null_aware)
            msgpack_pack_true(pk);
        else
            msgpack_pack_false(pk);
        break;
    case PLAN_SEMI_JOIN:
        msgpack_pack_array(pk, 4);
        enc_ints(e, n->u.semi.source_keys, n->u.semi.key_count);
        enc_ints(e, n->u.semi.filtering_keys, n->u.semi.key_count);
        enc_expr(e, n->u.semi.filter);
        if (n->u.semi.null_aware)
            msgpack_pack_true(pk);
        else
            msgpack_pack_false(pk);
        break;
    case PLAN_SORT:
    case PLAN_TOP_N:
        msgpack_pack_array(pk, 2);
        msgpack_pack_array(pk, (size_t)n->u.sort.key_count);
        for (int i = 0; i < n->u.sort.key_count; i++) {
            msgpack_pack_array(pk, 3);
            msgpack_pack_int(pk, n->u.sort.keys[i].channel);
            if (n->u.sort.keys[i].descending) msgpack_pack_true(pk); else msgpack_pack_false(pk);
            if (n->u.sort.keys[i].nulls_first) msgpack_pack_true(pk); else msgpack_pack_false(pk);
        }
        msgpack_pack_int64(pk, n->u.sort.count);
        break;
    case PLAN_LIMIT:
    case PLAN_DISTINCT_LIMIT:
        msgpack_pack_array(pk, 2);
        msgpack_pack_int64(pk, n->u.limit.count);
        msgpack_pack_int64(pk, n->u.limit.offset);
        break;
    case PLAN_UNION:
    case PLAN_INTERSECT:
    case PLAN_EXCEPT:
        msgpack_pack_array(pk, 1);
        if (n->u.set.distinct) msgpack_pack_true(pk); else msgpack_pack_false(pk);
        break;
    case PLAN_UNNEST:
        msgpack_pack_array(pk, 4);
        msgpack_pack_int(pk, n->u.unnest.replicate_count);
        msgpack_pack_int(pk, n->u.unnest.unnest_count);
        if (n->u.unnest.ordinality) msgpack_pack_true(pk); else msgpack_pack_false(pk);
        if (n->u.unnest.outer) msgpack_pack_true(pk); else msgpack_pack_false(pk);
        break;
    case PLAN_EXCHANGE:
        msgpack_pack_array(pk, 3);
        msgpack_pack_int(pk, (int)n->u.exchange.kind);
        msgpack_pack_int(pk, (int)n->u.exchange.scope);
        enc_ints(e, n->u.exchange.keys, n->u.exchange.key_count);
        break;
    case PLAN_WINDOW:
    case PLAN_GROUP_ID:
        enc_fail(e, ERR_NOT_SUPPORTED, "Window and GroupId nodes cannot be shipped between nodes yet");
        msgpack_pack_array(pk, 0);
        break;
    default:
        msgpack_pack_array(pk, 0);
        break;
    }
}

static void enc_node(encoder *e, const plan_node *n)
{
    if (!n) {
        msgpack_pack_nil(&e->pk);
        return;
    }
    msgpack_pack_array(&e->pk, 9);
    msgpack_pack_int(&e->pk, (int)n->kind);
    msgpack_pack_int(&e->pk, n->id);
    msgpack_pack_array(&e->pk, (size_t)n->column_count);
    for (int i = 0; i < n->column_count; i++) {
        msgpack_pack_array(&e->pk, 2);
        enc_str(e, n->columns[i].name ? n->columns[i].name : "");
        enc_type(e, n->columns[i].type);
    }
    msgpack_pack_double(&e->pk, n->estimate.rows);
    msgpack_pack_double(&e->pk, n->estimate.bytes);
    enc_node(e, n->inputs[0]);
    enc_node(e, n->inputs[1]);
    msgpack_pack_array(&e->pk, (size_t)n->source_count);
    for (int i = 0; i < n->source_count; i++)
        enc_node(e, n->sources[i]);
    enc_payload(e, n);
}

static void enc_begin(encoder *e, shoal_error *error)
{
    msgpack_sbuffer_init(&e->buf);
    msgpack_packer_init(&e->pk, &e->buf, msgpack_sbuffer_write);
    e->error = error;
    e->failed = false;
    msgpack_pack_array(&e->pk, 3);
    enc_str(e, PLAN_MAGIC);
    msgpack_pack_unsigned_int(&e->pk, PLAN_SERDE_VERSION);
}

static bool enc_end(encoder *e, unsigned char **out, size_t *out_size)
{
    if (e->failed) {
        msgpack_sbuffer_destroy(&e->buf);
        return false;
    }
    *out_size = e->buf.size;
    *out = (unsigned char *)msgpack_sbuffer_release(&e->buf);
    if (!*out) {
        *out = malloc(1);  /* never empty in practice */
        if (!*out)
            return error_set(e->error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
    }
    return true;
}

bool plan_serialize(const plan_node *root, unsigned char **out, size_t *out_size, shoal_error *error)
{
    encoder e;
    enc_begin(&e, error);
    enc_node(&e, root);
    return enc_end(&e, out, out_size);
}

bool plan_fragment_serialize(const plan_fragment *f, unsigned char **out, size_t *out_size,
                             shoal_error *error)
{
    encoder e;
    enc_begin(&e, error);
    msgpack_pack_array(&e.pk, 7);
    msgpack_pack_int(&e.pk, f->id);
    msgpack_pack_int(&e.pk, (int)f->partitioning);
    msgpack_pack_int(&e.pk, (int)f->output_kind);
    enc_ints(&e, f->output_keys, f->output_key_count);
    msgpack_pack_int(&e.pk, f->consumer_fragment_id);
    msgpack_pack_array(&e.pk, (size_t)f->remote_source_count);
    for (int i = 0; i < f->remote_source_count; i++) {
        msgpack_pack_array(&e.pk, 3);
        msgpack_pack_int(&e.pk, f->remote_sources[i].node_id);
        msgpack_pack_int(&e.pk, f->remote_sources[i].fragment_id);
        msgpack_pack_int(&e.pk, (int)f->remote_sources[i].kind);
    }
    enc_node(&e, f->root);
    return enc_end(&e, out, out_size);
}

/* ---- decoding ------------------------------------------------------------------ */

typedef struct decoder {
    mp_reader r;
    const plan_serde_options *options;
    shoal_error *error;
    bool failed;
} decoder;

static bool dec_fail(decoder *d, const char *what)
{
    if (!d->failed && !error_is_set(d->error))
        error_set(d->error, ERR_SERIALIZATION_ERROR, "Corrupt plan: %s", what);
    d->failed = true;
    d->r.failed = true;
    d->r.p = d->r.end;
    return false;
}

static bool dec_check(decoder *d, bool ok, const char *what)
{
    return ok && !d->r.failed ? true : dec_fail(d, what);
}

static bool dec_int(decoder *d, int64_t min, int64_t max, int *out, const char *what)
{
    int64_t v = 0;
    if (!dec_check(d, mp_read_int_range(&d->r, min, max, &v), what))
        return false;
    *out = (int)v;
    return true;
}

static bool dec_bool(decoder *d, bool *out, const char *what)
{
    return dec_check(d, mp_read_bool(&d->r, out), what);
}

static bool dec_type(decoder *d, sql_type *out)
{
    const unsigned char *data;
    uint32_t size;
    char name[TYPE_NAME_MAX];
    if (!dec_check(d, mp_read_str(&d->r, &data, &size), "type") || size >= sizeof name)
        return dec_fail(d, "type");
    memcpy(name, data, size);
    name[size] = '\0';
    if (memchr(name, 0, size) || !type_parse(name, out))
        return dec_fail(d, "unknown type");
    return true;
}

/* An int array (malloc'd, at least one slot) whose values lie in [0, limit). */
static bool dec_ints(decoder *d, int limit, int **out, int *count, const char *what)
{
    uint32_t n;
    *out = NULL;
    *count = 0;
    if (!dec_check(d, mp_read_array(&d->r, &n), what))
        return false;
    int *v = calloc((size_t)n + 1, sizeof *v);
    if (!v)
        return dec_fail(d, "out of memory");
    for (uint32_t i = 0; i < n; i++)
        if (!dec_int(d, 0, limit - 1, &v[i], what)) {
            free(v);
            return false;
        }
    *out = v;
    *count = (int)n;
    return true;
}

/* A value; strings point into the input bytes (the caller copies them). */
static bool dec_value(decoder *d, value *out)
{
    bool is_null;
    memset(out, 0, sizeof *out);
    if (!dec_check(d, mp_expect_array(&d->r, 3), "value") || !dec_type(d, &out->type) ||
        !dec_bool(d, &is_null, "value"))
        return false;
    out->is_null = is_null;
    if (is_null)
        return dec_check(d, mp_read_nil(&d->r), "value");
    const unsigned char *data;
    uint32_t size;
    int64_t i;
    double f;
    switch (type_physical(out->type)) {
    case PHYSICAL_BOOL:
        return dec_bool(d, &out->u.boolean, "boolean value");
    case PHYSICAL_INT8:
    case PHYSICAL_INT16:
    case PHYSICAL_INT32:
    case PHYSICAL_INT64:
        if (!dec_check(d, mp_read_int(&d->r, &i), "integer value"))
            return false;
        out->u.i64 = i;
        return true;
    case PHYSICAL_INT128: {
        if (!dec_check(d, mp_read_bin(&d->r, &data, &size) && size == 16, "int128 value"))
            return false;
        unsigned __int128 u = 0;
        for (int k = 15; k >= 0; k--)
            u = (u << 8) | data[k];
        out->u.i128 = (__int128)u;
        return true;
    }
    case PHYSICAL_FLOAT:
        if (!dec_check(d, mp_read_double(&d->r, &f), "real value"))
            return false;
        out->u.f32 = (float)f;
        return true;
    case PHYSICAL_DOUBLE:
        return dec_check(d, mp_read_double(&d->r, &out->u.f64), "double value");
    case PHYSICAL_STRING:
        if (!dec_check(d, mp_read_bin(&d->r, &data, &size), "string value"))
            return false;
        out->u.string = string_view_make((const char *)data, size);
        return true;
    case PHYSICAL_TIMESTAMP_TZ: {
        int zone;
        if (!dec_check(d, mp_expect_array(&d->r, 2) && mp_read_int(&d->r, &i), "timestamp value") ||
            !dec_int(d, INT16_MIN, INT16_MAX, &zone, "time zone"))
            return false;
        out->u.tstz.micros_utc = i;
        out->u.tstz.zone_key = (int16_t)zone;
        return true;
    }
    default:
        return dec_fail(d, "constant of a nested type");
    }
}

static const function_entry *find_function(const char *name, const char *signature, int kind)
{
    int count = function_count();
    for (int i = 0; i < count; i++) {
        const function_entry *f = function_at(i);
        if (f && (int)f->kind == kind && f->name && strcmp(f->name, name) == 0 &&
            ((!f->signature && !*signature) || (f->signature && strcmp(f->signature, signature) == 0)))
            return f;
    }
    return NULL;
}

static bool dec_function(decoder *d, const function_entry **out)
{
    *out = NULL;
    if (mp_peek_nil(&d->r))
        return dec_check(d, mp_read_nil(&d->r), "function");
    char *name = NULL, *signature = NULL;
    int kind = 0;
    bool ok = dec_check(d, mp_expect_array(&d->r, 3), "function") &&
              dec_check(d, mp_read_cstr(&d->r, &name), "function name") &&
              dec_check(d, mp_read_cstr_or_nil(&d->r, &signature), "function signature") &&
              dec_int(d, FUNCTION_SCALAR, FUNCTION_WINDOW, &kind, "function kind");
    if (ok) {
        *out = find_function(name, signature ? signature : "", kind);
        if (!*out) {
            error_set(d->error, ERR_FUNCTION_NOT_FOUND, "Function '%s' (%s) is not registered on this node",
                      name, signature ? signature : "");
            ok = dec_fail(d, "function");
        }
    }
    free(name);
    free(signature);
    return ok;
}

static expr *dec_expr(decoder *d, int depth)
{
    if (depth > PLAN_SERDE_MAX_DEPTH) {
        dec_fail(d, "expression too deep");
        return NULL;
    }
    if (mp_peek_nil(&d->r)) {
        dec_check(d, mp_read_nil(&d->r), "expression");
        return NULL;
    }
    int kind, column, field_index, lambdas, line, position;
    sql_type type;
    if (!dec_check(d, mp_expect_array(&d->r, 10), "expression") ||
        !dec_int(d, EXPR_COLUMN, EXPR_LAMBDA_VARIABLE, &kind, "expression kind") || !dec_type(d, &type) ||
        !dec_int(d, -1, INT32_MAX, &column, "column") || !dec_int(d, -1, INT32_MAX, &field_index, "field") ||
        !dec_int(d, 0, 1024, &lambdas, "lambda") || !dec_int(d, INT32_MIN, INT32_MAX, &line, "line") ||
        !dec_int(d, INT32_MIN, INT32_MAX, &position, "position"))
        return NULL;
    value constant = value_null(type);
    if (mp_peek_nil(&d->r)) {
        if (!dec_check(d, mp_read_nil(&d->r), "constant"))
            return NULL;
    } else if (!dec_value(d, &constant)) {
        return NULL;
    }
    if (kind == EXPR_CONSTANT && !type_equal(constant.type, type)) {
        dec_fail(d, "constant type");
        return NULL;
    }
    const function_entry *function;
    if (!dec_function(d, &function))
        return NULL;
    if ((kind == EXPR_CALL) != (function != NULL)) {
        dec_fail(d, "call without a function");
        return NULL;
    }
    uint32_t arg_count;
    if (!dec_check(d, mp_read_array(&d->r, &arg_count), "arguments"))
        return NULL;
    expr **args = calloc((size_t)arg_count + 1, sizeof *args);
    if (!args) {
        dec_fail(d, "out of memory");
        return NULL;
    }
    bool ok = true;
    for (uint32_t i = 0; ok && i < arg_count; i++) {
        args[i] = dec_expr(d, depth + 1);
        ok = args[i] != NULL;
    }
    expr *e = NULL;
    if (ok) {
        if (kind == EXPR_CONSTANT && arg_count == 0)
            e = expr_constant(constant);
        else if (kind == EXPR_CALL)
            e = expr_call(function, type, (int)arg_count, args);
        else if (kind != EXPR_CONSTANT)
            e = expr_special((expr_kind)kind, type, (int)arg_count, args);
        if (!e)
            dec_fail(d, kind == EXPR_CONSTANT ? "constant with arguments" : "out of memory");
    }
    if (!e) {
        for (uint32_t i = 0; i < arg_count; i++)
            expr_free(args[i]);
        free(args);
        return NULL;
    }
    free(args);   /* the constructors copied the pointer array */
    e->column = column;
    e->field_index = field_index;
    e->lambda_parameter_count = lambdas;
    e->line = line;
    e->position = position;
    return e;
}

/* Columns an expression reads must exist in its input. */
static bool expr_channels_ok(const expr *e, int width)
{
    if (!e)
        return true;
    if (e->kind == EXPR_COLUMN && (e->column < 0 || e->column >= width))
        return false;
    for (int i = 0; i < e->arg_count; i++)
        if (!expr_channels_ok(e->args[i], width))
            return false;
    return true;
}

static bool dec_exprs(decoder *d, uint32_t expected, int width, expr ***out)
{
    uint32_t n;
    *out = NULL;
    if (!dec_check(d, mp_read_array(&d->r, &n) && n == expected, "expression list"))
        return false;
    expr **v = calloc((size_t)n + 1, sizeof *v);
    if (!v)
        return dec_fail(d, "out of memory");
    *out = v;   /* the node owns it now, even half-filled (plan_free copes with NULL entries) */
    for (uint32_t i = 0; i < n; i++) {
        v[i] = dec_expr(d, 1);
        if (!v[i] || !expr_channels_ok(v[i], width))
            return dec_fail(d, v[i] ? "expression reads a missing column" : "expression");
    }
    return true;
}

static table_metadata *dec_table(decoder *d, const char *catalog)
{
    char *schema = NULL, *name = NULL;
    uint32_t columns;
    table_metadata *t = NULL;
    if (!dec_check(d, mp_read_cstr(&d->r, &schema) && mp_read_cstr(&d->r, &name), "table name") ||
        !dec_check(d, mp_read_array(&d->r, &columns), "table columns"))
        goto done;
    t = table_metadata_new(schema, name, (int)columns);
    if (!t) {
        dec_fail(d, "out of memory");
        goto done;
    }
    for (uint32_t i = 0; i < columns; i++) {
        char *column = NULL;
        sql_type type;
        bool nullable;
        bool ok = dec_check(d, mp_expect_array(&d->r, 3) && mp_read_cstr(&d->r, &column), "table column") &&
                  dec_type(d, &type) && dec_bool(d, &nullable, "nullable");
        if (ok) {
            table_metadata_set_column(t, (int)i, column, type);
            t->columns[i].nullable = nullable;
        }
        free(column);
        if (!ok)
            goto done;
    }
    if (!dec_check(d, mp_read_double(&d->r, &t->row_count), "row count"))
        goto done;
    if (d->options && d->options->resolve_table) {
        table_metadata *resolved = d->options->resolve_table(d->options->context, catalog, schema, name, d->error);
        if (!resolved) {
            dec_fail(d, "table not found");
            goto done;
        }
        if (resolved->column_count != t->column_count) {
            table_metadata_free(resolved);
            dec_fail(d, "table columns differ on this node");
            goto done;
        }
        table_metadata_free(t);
        t = resolved;
    }
done:
    free(schema);
    free(name);
    if (d->failed) {
        table_metadata_free(t);
        return NULL;
    }
    return t;
}

static bool dec_scan(decoder *d, plan_node *n)
{
    if (!dec_check(d, mp_expect_array(&d->r, 8), "table scan") ||
        !dec_check(d, mp_read_cstr(&d->r, &n->u.scan.catalog), "catalog"))
        return false;
    n->u.scan.table = dec_table(d, n->u.scan.catalog);
    if (!n->u.scan.table)
        return false;
    int table_columns = n->u.scan.table->column_count, count;
    if (!dec_ints(d, table_columns, &n->u.scan.columns, &count, "scan columns"))
        return false;
    if (count != n->column_count)
        return dec_fail(d, "scan column count");
    uint32_t ranges;
    if (!dec_check(d, mp_read_array(&d->r, &ranges), "ranges"))
        return false;
    column_range *tmp = calloc((size_t)ranges + 1, sizeof *tmp);
    if (!tmp)
        return dec_fail(d, "out of memory");
    size_t string_bytes = 0;
    for (uint32_t i = 0; i < ranges && !d->failed; i++) {
        int flags;
        if (!dec_check(d, mp_expect_array(&d->r, 7), "range") ||
            !dec_int(d, 0, table_columns - 1, &tmp[i].column, "range column") ||
            !dec_int(d, 0, 15, &flags, "range flags") || !dec_value(d, &tmp[i].low) ||
            !dec_value(d, &tmp[i].high))
            break;
        for (int k = 0; k < 3; k++)
            mp_skip(&d->r);
        dec_check(d, true, "range");
        tmp[i].has_low = flags & 1;
        tmp[i].low_inclusive = flags & 2;
        tmp[i].has_high = flags & 4;
        tmp[i].high_inclusive = flags & 8;
        value *vs[2] = {&tmp[i].low, &tmp[i].high};
        for (int k = 0; k < 2; k++)
            if (!vs[k]->is_null && type_physical(vs[k]->type) == PHYSICAL_STRING)
                string_bytes += vs[k]->u.string.length;
    }
    if (d->failed) {
        free(tmp);
        return false;
    }
    /* One block: the ranges, then the bytes of their long strings (plan_free frees it). */
    size_t head = sizeof *tmp * ((size_t)ranges + 1);
    column_range *block = malloc(head + string_bytes + 1);
    if (!block) {
        free(tmp);
        return dec_fail(d, "out of memory");
    }
    memcpy(block, tmp, sizeof *tmp * ranges);
    char *bytes = (char *)block + head;
    for (uint32_t i = 0; i < ranges; i++) {
        value *vs[2] = {&block[i].low, &block[i].high};
        for (int k = 0; k < 2; k++)
            if (!vs[k]->is_null && type_physical(vs[k]->type) == PHYSICAL_STRING) {
                uint32_t len = vs[k]->u.string.length;
                memcpy(bytes, string_view_data(&vs[k]->u.string), len);
                vs[k]->u.string = string_view_make(bytes, len);
                bytes += len;
            }
    }
    free(tmp);
    n->u.scan.ranges = block;
    n->u.scan.range_count = (int)ranges;
    int64_t limit;
    return dec_check(d, mp_read_int_range(&d->r, -1, INT64_MAX, &limit), "scan limit") &&
           ((n->u.scan.limit = limit), true);
}

static int width_of(const plan_node *n)
{
    return n ? n->column_count : 0;
}

static bool dec_aggregate(decoder *d, plan_node *n)
{
    int step, width = width_of(n->inputs[0]);
    uint32_t count;
    if (!dec_check(d, mp_expect_array(&d->r, 5), "aggregate") ||
        !dec_int(d, AGGREGATION_SINGLE, AGGREGATION_FINAL, &step, "aggregation step") ||
        !dec_ints(d, width, &n->u.aggregate.keys, &n->u.aggregate.key_count, "group keys") ||
        !dec_check(d, mp_read_array(&d->r, &count), "aggregates"))
        return false;
    n->u.aggregate.step = (aggregation_step)step;
    n->u.aggregate.aggregates = calloc((size_t)count + 1, sizeof *n->u.aggregate.aggregates);
    if (!n->u.aggregate.aggregates)
        return dec_fail(d, "out of memory");
    n->u.aggregate.aggregate_count = (int)count;
    for (uint32_t i = 0; i < count; i++) {
        plan_aggregate *a = &n->u.aggregate.aggregates[i];
        uint32_t types;
        int *args = NULL, arg_count;
        if (!dec_check(d, mp_expect_array(&d->r, 8), "aggregate") || !dec_function(d, &a->function.function) ||
            !dec_check(d, a->function.function != NULL, "aggregate function") ||
            !dec_check(d, mp_read_array(&d->r, &types) && types <= 16, "aggregate argument types"))
            return false;
        a->function.arg_count = (int)types;
        for (uint32_t k = 0; k < types; k++)
            if (!dec_type(d, &a->function.arg_types[k]))
                return false;
        if (!dec_type(d, &a->function.return_type) || !dec_type(d, &a->function.intermediate_type) ||
            !dec_ints(d, width, &args, &arg_count, "aggregate arguments"))
            return false;
        bool ok = arg_count <= 8;
        if (ok)
            memcpy(a->args, args, sizeof(int) * (size_t)arg_count);
        free(args);
        if (!dec_check(d, ok, "aggregate argument count"))
            return false;
        a->arg_count = arg_count;
        if (!dec_bool(d, &a->distinct, "distinct") || !dec_int(d, -1, width - 1, &a->filter_channel, "mask"))
            return false;
        int *order = NULL, order_length = 0;
        if (!dec_ints(d, 1 << 8, &order, &order_length, "aggregate order"))
            return false;
        ok = order_length == 3 && order[0] >= 0 && order[0] <= 8 && order[0] <= a->function.arg_count;
        if (ok) {
            a->function.order_count = order[0];
            a->function.order_descending = (uint8_t)order[1];
            a->function.order_nulls_first = (uint8_t)order[2];
        }
        free(order);
        if (!dec_check(d, ok, "aggregate order"))
            return false;
    }
    return dec_int(d, 0, 1 << 16, &n->u.aggregate.grouping_set_count, "grouping sets") &&
           dec_int(d, -1, n->column_count - 1, &n->u.aggregate.group_id_channel, "group id");
}

static bool dec_payload(decoder *d, plan_node *n)
{
    int w0 = width_of(n->inputs[0]), w1 = width_of(n->inputs[1]), v, count;
    uint32_t keys;
    switch (n->kind) {
    case PLAN_TABLE_SCAN:
        return dec_scan(d, n);
    case PLAN_VALUES:
        if (!dec_check(d, mp_expect_array(&d->r, 2), "values") ||
            !dec_int(d, 0, (int)mp_reader_left(&d->r), &n->u.values.row_count, "values rows"))
            return false;
        if ((int64_t)n->u.values.row_count * n->column_count > (int64_t)mp_reader_left(&d->r))
            return dec_fail(d, "values cells");
        return dec_exprs(d, (uint32_t)(n->u.values.row_count * n->column_count), 0, &n->u.values.cells);
    case PLAN_FILTER:
        if (!dec_check(d, mp_expect_array(&d->r, 1), "filter"))
            return false;
        n->u.filter.predicate = dec_expr(d, 1);
        return dec_check(d, n->u.filter.predicate && expr_channels_ok(n->u.filter.predicate, w0), "filter");
    case PLAN_PROJECT:
        return dec_check(d, mp_expect_array(&d->r, 1), "project") &&
               dec_exprs(d, (uint32_t)n->column_count, w0, &n->u.project.exprs);
    case PLAN_AGGREGATE:
        return dec_aggregate(d, n);
    case PLAN_JOIN:
        if (!dec_check(d, mp_expect_array(&d->r, 6), "join") ||
            !dec_int(d, JOIN_INNER, JOIN_CROSS, &v, "join type"))
            return false;
        n->u.join.type = (join_type)v;
        if (!dec_ints(d, w0, &n->u.join.left_keys, &n->u.join.key_count, "join keys") ||
            !dec_ints(d, w1, &n->u.join.right_keys, &count, "join keys") ||
            !dec_check(d, count == n->u.join.key_count, "join key count"))
            return false;
        n->u.join.filter = dec_expr(d, 1);
        if (d->failed || !dec_check(d, expr_channels_ok(n->u.join.filter, w0 + w1), "join filter") ||
            !dec_int(d, JOIN_DISTRIBUTION_AUTOMATIC, JOIN_DISTRIBUTION_PARTITIONED, &v, "distribution"))
            return false;
        n->u.join.distribution = (join_distribution)v;
        return dec_bool(d, &n->u.join.null_aware, "null aware");
    case PLAN_SEMI_JOIN:
        if (!dec_check(d, mp_expect_array(&d->r, 4), "semi join") ||
            !dec_ints(d, w0, &n->u.semi.source_keys, &n->u.semi.key_count, "semi join keys") ||
            !dec_ints(d, w1, &n->u.semi.filtering_keys, &count, "semi join keys") ||
            !dec_check(d, count == n->u.semi.key_count, "semi join key count"))
            return false;
        n->u.semi.filter = dec_expr(d, 1);
        if (d->failed || !dec_check(d, expr_channels_ok(n->u.semi.filter, w0 + w1), "semi join filter"))
            return false;
        return dec_bool(d, &n->u.semi.null_aware, "null aware");
    case PLAN_SORT:
    case PLAN_TOP_N: {
        int64_t limit;
        if (!dec_check(d, mp_expect_array(&d->r, 2) && mp_read_array(&d->r, &keys), "sort"))
            return false;
        n->u.sort.keys = calloc((size_t)keys + 1, sizeof *n->u.sort.keys);
        if (!n->u.sort.keys)
            return dec_fail(d, "out of memory");
        n->u.sort.key_count = (int)keys;
        for (uint32_t i = 0; i < keys; i++)
            if (!dec_check(d, mp_expect_array(&d->r, 3), "sort key") ||
                !dec_int(d, 0, w0 - 1, &n->u.sort.keys[i].channel, "sort key") ||
                !dec_bool(d, &n->u.sort.keys[i].descending, "sort key") ||
                !dec_bool(d, &n->u.sort.keys[i].nulls_first, "sort key"))
                return false;
        if (!dec_check(d, mp_read_int(&d->r, &limit), "sort count"))
            return false;
        n->u.sort.count = limit;
        return true;
    }
    case PLAN_LIMIT:
    case PLAN_DISTINCT_LIMIT:
        return dec_check(d, mp_expect_array(&d->r, 2) && mp_read_int_range(&d->r, -1, INT64_MAX, &n->u.limit.count) &&
                                mp_read_int_range(&d->r, 0, INT64_MAX, &n->u.limit.offset),
                         "limit");
    case PLAN_UNION:
    case PLAN_INTERSECT:
    case PLAN_EXCEPT:
        return dec_check(d, mp_expect_array(&d->r, 1), "set operation") &&
               dec_bool(d, &n->u.set.distinct, "distinct");
    case PLAN_UNNEST:
        return dec_check(d, mp_expect_array(&d->r, 4), "unnest") &&
               dec_int(d, 0, n->column_count, &n->u.unnest.replicate_count, "unnest replicated columns") &&
               dec_int(d, 1, n->column_count, &n->u.unnest.unnest_count, "unnest columns") &&
               dec_bool(d, &n->u.unnest.ordinality, "unnest ordinality") &&
               dec_bool(d, &n->u.unnest.outer, "unnest outer");
    case PLAN_GROUP_ID: /* not shipped between nodes yet */
        return dec_fail(d, "GroupId nodes cannot be decoded");
    case PLAN_EXCHANGE:
        if (!dec_check(d, mp_expect_array(&d->r, 3), "exchange") ||
            !dec_int(d, EXCHANGE_GATHER, EXCHANGE_ROUND_ROBIN, &v, "exchange kind"))
            return false;
        n->u.exchange.kind = (exchange_kind)v;
        if (!dec_int(d, EXCHANGE_LOCAL, EXCHANGE_REMOTE, &v, "exchange scope"))
            return false;
        n->u.exchange.scope = (exchange_scope)v;
        return dec_ints(d, n->column_count, &n->u.exchange.keys, &n->u.exchange.key_count, "exchange keys");
    default:
        return dec_check(d, mp_expect_array(&d->r, 0), "payload");
    }
}

static plan_node *dec_node(decoder *d, int depth)
{
    if (depth > PLAN_SERDE_MAX_DEPTH) {
        dec_fail(d, "plan too deep");
        return NULL;
    }
    if (mp_peek_nil(&d->r)) {
        dec_check(d, mp_read_nil(&d->r), "plan node");
        return NULL;
    }
    int kind, id;
    uint32_t columns;
    if (!dec_check(d, mp_expect_array(&d->r, 9), "plan node") ||
        !dec_int(d, PLAN_TABLE_SCAN, PLAN_UNNEST, &kind, "plan node kind") ||
        !dec_int(d, 0, INT32_MAX, &id, "plan node id") ||
        !dec_check(d, mp_read_array(&d->r, &columns), "plan columns"))
        return NULL;
    plan_node *n = plan_node_new((plan_kind)kind, (int)columns);
    if (!n) {
        dec_fail(d, "out of memory");
        return NULL;
    }
    n->id = id;
    if (kind == PLAN_AGGREGATE)
        n->u.aggregate.group_id_channel = -1;
    for (uint32_t i = 0; i < columns; i++) {
        char *name = NULL;
        sql_type type;
        bool ok = dec_check(d, mp_expect_array(&d->r, 2) && mp_read_cstr(&d->r, &name), "plan column") &&
                  dec_type(d, &type);
        if (ok)
            plan_set_column(n, (int)i, name, type);
        free(name);
        if (!ok)
            goto fail;
    }
    if (!dec_check(d, mp_read_double(&d->r, &n->estimate.rows) && mp_read_double(&d->r, &n->estimate.bytes),
                   "estimate"))
        goto fail;
    for (int i = 0; i < 2; i++) {
        n->inputs[i] = dec_node(d, depth + 1);
        if (d->failed)
            goto fail;
    }
    uint32_t sources;
    if (!dec_check(d, mp_read_array(&d->r, &sources), "plan sources"))
        goto fail;
    if (sources > 0) {
        n->sources = calloc(sources, sizeof *n->sources);
        if (!n->sources) {
            dec_fail(d, "out of memory");
            goto fail;
        }
        for (uint32_t i = 0; i < sources; i++) {
            n->sources[i] = dec_node(d, depth + 1);
            n->source_count = (int)i + 1;
            if (!n->sources[i]) {
                dec_fail(d, "missing source");
                goto fail;
            }
        }
    }
    if (!dec_payload(d, n))
        goto fail;
    return n;
fail:
    plan_free(n);
    return NULL;
}

static bool dec_header(decoder *d, const void *data, size_t size, const plan_serde_options *options,
                       shoal_error *error)
{
    d->options = options;
    d->error = error;
    d->failed = false;
    mp_reader_init(&d->r, data, size);
    const unsigned char *magic;
    uint32_t magic_size;
    uint64_t version;
    if (!dec_check(d, mp_expect_array(&d->r, 3) && mp_read_str(&d->r, &magic, &magic_size) &&
                          magic_size == sizeof PLAN_MAGIC - 1 && memcmp(magic, PLAN_MAGIC, magic_size) == 0,
                   "not a plan"))
        return false;
    if (!dec_check(d, mp_read_uint(&d->r, &version), "version"))
        return false;
    if (version != PLAN_SERDE_VERSION) {
        error_set(error, ERR_SERIALIZATION_ERROR, "Unsupported plan version %llu (this node speaks %d)",
                  (unsigned long long)version, PLAN_SERDE_VERSION);
        return dec_fail(d, "version");
    }
    return true;
}

plan_node *plan_deserialize(const void *data, size_t size, const plan_serde_options *options,
                            shoal_error *error)
{
    decoder d;
    if (!dec_header(&d, data, size, options, error))
        return NULL;
    plan_node *root = dec_node(&d, 0);
    if (root && !dec_check(&d, mp_reader_left(&d.r) == 0, "trailing bytes")) {
        plan_free(root);
        return NULL;
    }
    if (!root)
        dec_fail(&d, "empty plan");
    return root;
}

void plan_fragment_clear(plan_fragment *f)
{
    plan_free(f->root);
    free(f->output_keys);
    free(f->remote_sources);
    memset(f, 0, sizeof *f);
}

bool plan_fragment_deserialize(const void *data, size_t size, const plan_serde_options *options,
                               plan_fragment *out, shoal_error *error)
{
    decoder d;
    memset(out, 0, sizeof *out);
    if (!dec_header(&d, data, size, options, error))
        return false;
    int v;
    uint32_t sources;
    if (!dec_check(&d, mp_expect_array(&d.r, 7), "fragment") || !dec_int(&d, 0, INT32_MAX, &out->id, "fragment id") ||
        !dec_int(&d, FRAGMENT_SINGLE, FRAGMENT_SOURCE, &v, "partitioning"))
        goto fail;
    out->partitioning = (fragment_partitioning)v;
    if (!dec_int(&d, EXCHANGE_GATHER, EXCHANGE_ROUND_ROBIN, &v, "output kind"))
        goto fail;
    out->output_kind = (exchange_kind)v;
    if (!dec_ints(&d, 1 << 16, &out->output_keys, &out->output_key_count, "output keys") ||
        !dec_int(&d, -1, INT32_MAX, &out->consumer_fragment_id, "consumer") ||
        !dec_check(&d, mp_read_array(&d.r, &sources), "remote sources"))
        goto fail;
    out->remote_sources = calloc((size_t)sources + 1, sizeof *out->remote_sources);
    if (!out->remote_sources) {
        dec_fail(&d, "out of memory");
        goto fail;
    }
    out->remote_source_count = (int)sources;
    for (uint32_t i = 0; i < sources; i++) {
        fragment_remote_source *s = &out->remote_sources[i];
        if (!dec_check(&d, mp_expect_array(&d.r, 3), "remote source") ||
            !dec_int(&d, 0, INT32_MAX, &s->node_id, "remote source") ||
            !dec_int(&d, 0, INT32_MAX, &s->fragment_id, "remote source") ||
            !dec_int(&d, EXCHANGE_GATHER, EXCHANGE_ROUND_ROBIN, &v, "remote source kind"))
            goto fail;
        s->kind = (exchange_kind)v;
    }
    out->root = dec_node(&d, 0);
    if (!out->root) {
        dec_fail(&d, "empty fragment");
        goto fail;
    }
    for (int i = 0; i < out->output_key_count; i++)
        if (!dec_check(&d, out->output_keys[i] < out->root->column_count, "output key"))
            goto fail;
    if (!dec_check(&d, mp_reader_left(&d.r) == 0, "trailing bytes"))
        goto fail;
    return true;
fail:
    plan_fragment_clear(out);
    return false;
}
