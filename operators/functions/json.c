/*
 * json.c — Trino's JSON functions on jansson: json_parse (canonical text:
 * compact, object keys sorted, as Trino's sorted mapper), json_format,
 * json_extract, json_extract_scalar, json_array_length, json_array_contains,
 * json_array_get, json_size, is_json_scalar, and CAST between json and
 * varchar/boolean/bigint/integer/double.
 *
 * JSONPath is Trino's subset: $, .key, ["key"], [index]. A constant path is
 * parsed once per program. Each row's document is parsed by jansson (which
 * allocates per value — the one place the library allocates per row).
 * Doubles are printed with 16 significant digits (Trino prints the shortest
 * text that round-trips; the two agree except in the 17th digit).
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "operators/expr_internal.h"

enum { PATH_MAX_STEPS = 32, DUMP_FLAGS = JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY | JSON_REAL_PRECISION(16) };

typedef struct path_step {
    bool is_index;
    int64_t index;
    char *key;
} path_step;

typedef struct json_path {
    int count;
    path_step steps[PATH_MAX_STEPS];
} json_path;

typedef struct json_data {
    bool constant_path;
    json_path path;
} json_data;

static void path_clear(json_path *p)
{
    for (int i = 0; i < p->count; i++)
        free(p->steps[i].key);
    p->count = 0;
}

static void json_data_free(void *v)
{
    json_data *d = v;
    if (d)
        path_clear(&d->path);
    free(d);
}

static bool add_key(json_path *p, const char *s, size_t n)
{
    if (p->count == PATH_MAX_STEPS)
        return false;
    char *k = malloc(n + 1);
    if (!k)
        return false;
    memcpy(k, s, n);
    k[n] = '\0';
    p->steps[p->count].is_index = false;
    p->steps[p->count++].key = k;
    return true;
}

static bool path_parse(const char *s, uint32_t n, json_path *p)
{
    path_clear(p);
    uint32_t i = 0;
    while (i < n && s[i] == ' ')
        i++;
    if (i >= n || s[i] != '$')
        return false;
    i++;
    while (i < n) {
        if (s[i] == '.') {
            uint32_t start = ++i;
            while (i < n && s[i] != '.' && s[i] != '[')
                i++;
            if (i == start || !add_key(p, s + start, i - start))
                return false;
        } else if (s[i] == '[') {
            i++;
            if (i < n && (s[i] == '"' || s[i] == '\'')) {
                char quote = s[i++];
                uint32_t start = i;
                while (i < n && s[i] != quote)
                    i++;
                if (i >= n || !add_key(p, s + start, i - start))
                    return false;
                i++;
            } else {
                int64_t v = 0;
                uint32_t start = i;
                while (i < n && s[i] >= '0' && s[i] <= '9' && v < (INT64_C(1) << 40))
                    v = v * 10 + (s[i++] - '0');
                if (i == start || p->count == PATH_MAX_STEPS)
                    return false;
                p->steps[p->count].is_index = true;
                p->steps[p->count].key = NULL;
                p->steps[p->count++].index = v;
            }
            if (i >= n || s[i] != ']')
                return false;
            i++;
        } else if (s[i] == ' ') {
            i++;
        } else {
            return false;
        }
    }
    return true;
}

static json_t *path_apply(json_t *root, const json_path *p)
{
    json_t *v = root;
    for (int i = 0; v && i < p->count; i++) {
        const path_step *s = &p->steps[i];
        if (s->is_index)
            v = json_is_array(v) ? json_array_get(v, (size_t)s->index) : NULL;
        else if (json_is_object(v))
            v = json_object_get(v, s->key);
        else if (json_is_array(v)) {
            /* Trino accepts $.0 style indexes on arrays */
            char *end;
            long long idx = strtoll(s->key, &end, 10);
            v = *end == '\0' && idx >= 0 ? json_array_get(v, (size_t)idx) : NULL;
        } else
            v = NULL;
    }
    return v;
}

static json_t *load(string_view s)
{
    return json_loadb(string_view_data(&s), s.length, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
}

static bool set_null(expr_node *n, eval_context *ctx, uint32_t r)
{
    if (!node_ensure_validity(n, ctx->error))
        return false;
    node_set_null(n, r);
    return true;
}

static bool put(expr_node *n, eval_context *ctx, uint32_t r, const char *p, size_t length)
{
    if (length > UINT32_MAX / 2)
        return node_error(n, ctx, ERR_INVALID_FUNCTION_ARGUMENT, "JSON value is too large");
    return node_put_string(n, r, p, (uint32_t)length, ctx->error);
}

static bool put_json(expr_node *n, eval_context *ctx, uint32_t r, const json_t *v)
{
    char *text = json_dumps(v, DUMP_FLAGS);
    if (!text)
        return node_error(n, ctx, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
    bool ok = put(n, ctx, r, text, strlen(text));
    free(text);
    return ok;
}

/* The text of a scalar (strings unquoted); false for arrays, objects and null. */
static bool scalar_text(const json_t *v, char *buf, size_t size, const char **text, size_t *length)
{
    switch (json_typeof(v)) {
    case JSON_STRING: *text = json_string_value(v); *length = json_string_length(v); return true;
    case JSON_INTEGER: *length = (size_t)snprintf(buf, size, "%" JSON_INTEGER_FORMAT, json_integer_value(v)); break;
    case JSON_REAL: *length = (size_t)snprintf(buf, size, "%.16g", json_real_value(v)); break;
    case JSON_TRUE: *length = (size_t)snprintf(buf, size, "true"); break;
    case JSON_FALSE: *length = (size_t)snprintf(buf, size, "false"); break;
    default: return false;
    }
    *text = buf;
    return true;
}

static const json_path *path_for_row(expr_node *n, eval_context *ctx, int child, uint32_t r, json_path *scratch)
{
    json_data *d = n->data;
    if (d->constant_path)
        return &d->path;
    vector_view vp = node_arg(n, child);
    string_view ps = VIEW_AT(string_view, vp, r);
    if (!path_parse(string_view_data(&ps), ps.length, scratch)) {
        node_error(n, ctx, ERR_INVALID_FUNCTION_ARGUMENT, "Invalid JSON path: '%.*s'", (int)ps.length,
                   string_view_data(&ps));
        return NULL;
    }
    return scratch;
}

/* ---- kernels ---- */

static bool parse_kernel(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    vector_view vs = node_arg(n, 0);
    ROW_LOOP(sel, count, r, {
        string_view s = VIEW_AT(string_view, vs, r);
        json_t *v = load(s);
        if (!v)
            return node_error(n, ctx, ERR_INVALID_FUNCTION_ARGUMENT, "Cannot convert value to JSON: '%.*s'",
                              (int)s.length, string_view_data(&s));
        bool ok = put_json(n, ctx, r, v);
        json_decref(v);
        if (!ok)
            return false;
    });
    return true;
}

static bool format_kernel(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    vector_view vs = node_arg(n, 0);
    string_view *out = n->out.data;
    ROW_LOOP(sel, count, r, out[r] = VIEW_AT(string_view, vs, r););
    return node_keep_child_strings(n, 0, ctx->error);
}

typedef enum json_op { J_EXTRACT, J_EXTRACT_SCALAR, J_SIZE, J_ARRAY_LENGTH, J_IS_SCALAR, J_ARRAY_GET, J_CONTAINS } json_op;

static bool json_kernel(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    json_op op = (json_op)n->k[0];
    vector_view vs = node_arg(n, 0);
    vector_view v1 = n->child_count > 1 ? node_arg(n, 1) : vs;
    sql_type arg1 = n->child_count > 1 ? n->children[1]->type : type_make(TYPE_UNKNOWN);
    json_path scratch = {0};
    bool ok = true;
    ROW_LOOP(sel, count, r, {
        if (!ok)
            break;
        string_view s = VIEW_AT(string_view, vs, r);
        json_t *doc = load(s);
        if (!doc) {
            if (op == J_IS_SCALAR) {
                ok = node_error(n, ctx, ERR_INVALID_FUNCTION_ARGUMENT, "Invalid JSON value: %.*s", (int)s.length,
                                string_view_data(&s));
                break;
            }
            ok = set_null(n, ctx, r);
            continue;
        }
        json_t *v = doc;
        if (op == J_EXTRACT || op == J_EXTRACT_SCALAR || op == J_SIZE) {
            const json_path *p = path_for_row(n, ctx, 1, r, &scratch);
            if (!p) {
                json_decref(doc);
                ok = false;
                break;
            }
            v = path_apply(doc, p);
        }
        switch (op) {
        case J_EXTRACT:
            ok = v ? put_json(n, ctx, r, v) : set_null(n, ctx, r);
            break;
        case J_EXTRACT_SCALAR: {
            char buf[64];
            const char *text;
            size_t length;
            ok = v && scalar_text(v, buf, sizeof buf, &text, &length) ? put(n, ctx, r, text, length) : set_null(n, ctx, r);
            break;
        }
        case J_SIZE:
            if (!v)
                ok = set_null(n, ctx, r);
            else
                ((int64_t *)n->out.data)[r] = json_is_array(v) ? (int64_t)json_array_size(v)
                                              : json_is_object(v) ? (int64_t)json_object_size(v) : 0;
            break;
        case J_ARRAY_LENGTH:
            if (json_is_array(v))
                ((int64_t *)n->out.data)[r] = (int64_t)json_array_size(v);
            else
                ok = set_null(n, ctx, r);
            break;
        case J_IS_SCALAR:
            ((uint8_t *)n->out.data)[r] = !json_is_array(v) && !json_is_object(v);
            break;
        case J_ARRAY_GET: {
            int64_t index = VIEW_AT(int64_t, v1, r);
            json_t *e = NULL;
            if (json_is_array(v)) {
                int64_t size = (int64_t)json_array_size(v);
                if (index < 0)
                    index += size;
                e = index >= 0 && index < size ? json_array_get(v, (size_t)index) : NULL;
            }
            ok = e ? put_json(n, ctx, r, e) : set_null(n, ctx, r);
            break;
        }
        case J_CONTAINS: {
            if (!json_is_array(v)) {
                ok = set_null(n, ctx, r);
                break;
            }
            bool found = false;
            size_t i;
            json_t *e;
            json_array_foreach(v, i, e) {
                if (found)
                    break;
                switch (arg1.kind) {
                case TYPE_BIGINT: found = json_is_integer(e) && json_integer_value(e) == VIEW_AT(int64_t, v1, r); break;
                case TYPE_DOUBLE: found = json_is_number(e) && json_number_value(e) == VIEW_AT(double, v1, r); break;
                case TYPE_BOOLEAN: found = json_is_boolean(e) && json_is_true(e) == (VIEW_AT(uint8_t, v1, r) != 0); break;
                default: {
                    string_view want = VIEW_AT(string_view, v1, r);
                    found = json_is_string(e) && json_string_length(e) == want.length &&
                            memcmp(json_string_value(e), string_view_data(&want), want.length) == 0;
                }
                }
            }
            ((uint8_t *)n->out.data)[r] = found;
            break;
        }
        }
        json_decref(doc);
    });
    path_clear(&scratch);
    return ok;
}

/* ---- casts ---- */

/* a block, not do/while(0): its `continue` must reach the row loop */
#define CAST_FAIL(...) \
    { \
        json_decref(doc); \
        if (!n->try_mode) \
            return node_error(n, ctx, ERR_INVALID_CAST_ARGUMENT, __VA_ARGS__); \
        if (!set_null(n, ctx, r)) \
            return false; \
        continue; \
    }

static bool json_to_scalar(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    vector_view vs = node_arg(n, 0);
    type_kind to = n->type.kind;
    char target[64];
    type_upper_name(n->type, target, sizeof target);
    ROW_LOOP(sel, count, r, {
        string_view s = VIEW_AT(string_view, vs, r);
        json_t *doc = load(s);
        if (!doc)
            CAST_FAIL("Cannot cast to %s. %.*s", target, (int)s.length, string_view_data(&s));
        if (json_is_null(doc)) {
            json_decref(doc);
            if (!set_null(n, ctx, r))
                return false;
            continue;
        }
        if (json_is_array(doc) || json_is_object(doc))
            CAST_FAIL("Cannot cast to %s. Expected a json scalar: %.*s", target, (int)s.length, string_view_data(&s));
        switch (to) {
        case TYPE_VARCHAR: {
            char buf[64];
            const char *text;
            size_t length;
            scalar_text(doc, buf, sizeof buf, &text, &length);
            bool ok = put(n, ctx, r, text, length);
            json_decref(doc);
            if (!ok)
                return false;
            continue;
        }
        case TYPE_BOOLEAN:
            if (json_is_boolean(doc))
                ((uint8_t *)n->out.data)[r] = json_is_true(doc);
            else if (json_is_number(doc))
                ((uint8_t *)n->out.data)[r] = json_number_value(doc) != 0;
            else
                CAST_FAIL("Cannot cast to %s. %.*s", target, (int)s.length, string_view_data(&s));
            break;
        case TYPE_DOUBLE:
            if (json_is_number(doc))
                ((double *)n->out.data)[r] = json_number_value(doc);
            else if (json_is_boolean(doc))
                ((double *)n->out.data)[r] = json_is_true(doc);
            else {
                char *end;
                double d = strtod(json_string_value(doc), &end);
                if (*end || end == json_string_value(doc))
                    CAST_FAIL("Cannot cast to %s. %.*s", target, (int)s.length, string_view_data(&s));
                ((double *)n->out.data)[r] = d;
            }
            break;
        default: { /* bigint, integer */
            int64_t v;
            if (json_is_integer(doc))
                v = json_integer_value(doc);
            else if (json_is_real(doc) && fabs(json_real_value(doc)) < 9.2e18)
                v = (int64_t)llround(json_real_value(doc));
            else if (json_is_boolean(doc))
                v = json_is_true(doc);
            else {
                char *end;
                v = strtoll(json_string_value(doc), &end, 10);
                if (*end || end == json_string_value(doc))
                    CAST_FAIL("Cannot cast to %s. %.*s", target, (int)s.length, string_view_data(&s));
            }
            if (to == TYPE_INTEGER) {
                if (v < INT32_MIN || v > INT32_MAX)
                    CAST_FAIL("Cannot cast to %s. Out of range for integer: %lld", target, (long long)v);
                ((int32_t *)n->out.data)[r] = (int32_t)v;
            } else {
                ((int64_t *)n->out.data)[r] = v;
            }
        }
        }
        json_decref(doc);
    });
    return true;
}

static bool scalar_to_json(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    vector_view vs = node_arg(n, 0);
    type_kind from = n->children[0]->type.kind;
    ROW_LOOP(sel, count, r, {
        json_t *v;
        switch (from) {
        case TYPE_BOOLEAN: v = json_boolean(VIEW_AT(uint8_t, vs, r)); break;
        case TYPE_INTEGER: v = json_integer(VIEW_AT(int32_t, vs, r)); break;
        case TYPE_BIGINT: v = json_integer(VIEW_AT(int64_t, vs, r)); break;
        case TYPE_DOUBLE: v = json_real(VIEW_AT(double, vs, r)); break;
        default: {
            string_view s = VIEW_AT(string_view, vs, r);
            v = json_stringn_nocheck(string_view_data(&s), s.length);
        }
        }
        if (!v)
            return node_error(n, ctx, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
        bool ok = put_json(n, ctx, r, v);
        json_decref(v);
        if (!ok)
            return false;
    });
    return true;
}

scalar_kernel_fn json_cast_kernel(sql_type from, sql_type to)
{
    if (from.kind == TYPE_JSON && (to.kind == TYPE_VARCHAR || to.kind == TYPE_BOOLEAN || to.kind == TYPE_BIGINT ||
                                   to.kind == TYPE_INTEGER || to.kind == TYPE_DOUBLE))
        return json_to_scalar;
    if (to.kind == TYPE_JSON && (from.kind == TYPE_VARCHAR || from.kind == TYPE_BOOLEAN || from.kind == TYPE_BIGINT ||
                                 from.kind == TYPE_INTEGER || from.kind == TYPE_DOUBLE))
        return scalar_to_json;
    return NULL;
}

/* ---- binding ---- */

static bool bind_json(expr_node *n, const sql_type *args, int arg_count, sql_type ret, shoal_error *error)
{
    (void)args;
    (void)ret;
    const char *name = n->function_name;
    static const struct {
        const char *name;
        json_op op;
        bool has_path;
    } ops[] = {
        {"json_extract", J_EXTRACT, true},       {"json_extract_scalar", J_EXTRACT_SCALAR, true},
        {"json_size", J_SIZE, true},             {"json_array_length", J_ARRAY_LENGTH, false},
        {"is_json_scalar", J_IS_SCALAR, false},  {"json_array_get", J_ARRAY_GET, false},
        {"json_array_contains", J_CONTAINS, false},
    };
    if (strcmp(name, "json_parse") == 0) {
        n->kernel = parse_kernel;
        return true;
    }
    if (strcmp(name, "json_format") == 0) {
        n->kernel = format_kernel;
        return true;
    }
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        if (strcmp(ops[i].name, name) != 0)
            continue;
        json_data *d = calloc(1, sizeof *d);
        if (!d)
            return error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
        n->data = d;
        n->free_data = json_data_free;
        n->k[0] = ops[i].op;
        n->kernel = json_kernel;
        if (ops[i].has_path && arg_count > 1 && n->children[1]->kind == EXPR_CONSTANT) {
            vector_view v = vector_view_of(&n->children[1]->constant);
            if (!v.validity || vector_view_valid(&v, 0)) {
                string_view p = ((const string_view *)v.data)[0];
                if (!path_parse(string_view_data(&p), p.length, &d->path))
                    return error_set(error, ERR_INVALID_FUNCTION_ARGUMENT, "Invalid JSON path: '%.*s'",
                                     (int)p.length, string_view_data(&p));
                d->constant_path = true;
            }
        }
        return true;
    }
    return error_set(error, ERR_FUNCTION_IMPLEMENTATION_MISSING, "No kernel for %s", name);
}

const scalar_impl json_impls[] = {
    {"json_parse", bind_json},          {"json_format", bind_json},   {"json_extract", bind_json},
    {"json_extract_scalar", bind_json}, {"json_size", bind_json},     {"json_array_length", bind_json},
    {"is_json_scalar", bind_json},      {"json_array_get", bind_json}, {"json_array_contains", bind_json},
};
const int json_impl_count = sizeof json_impls / sizeof json_impls[0];
