/*
 * string.c — varchar/char functions: length, lower, upper, substr/substring,
 * concat (also ||), trim/ltrim/rtrim, reverse, replace, strpos, starts_with,
 * lpad, rpad. Positions and lengths count code points (UTF-8) as Trino does;
 * substr and the trims return views into the input's bytes (no copy).
 */
#define _GNU_SOURCE /* memmem */
#include <string.h>

#include "operators/expr_internal.h"

static inline bool is_continuation(unsigned char c)
{
    return (c & 0xC0) == 0x80;
}

static int64_t code_points(const char *s, uint32_t n)
{
    int64_t count = 0;
    for (uint32_t i = 0; i < n; i++)
        count += !is_continuation((unsigned char)s[i]);
    return count;
}

/* byte offset of code point `k` (0-based), or n when past the end */
static uint32_t offset_of(const char *s, uint32_t n, int64_t k)
{
    uint32_t i = 0;
    while (i < n && k > 0) {
        i++;
        while (i < n && is_continuation((unsigned char)s[i]))
            i++;
        k--;
    }
    return i;
}

static inline char *out_begin(expr_node *n, uint32_t length, char *small, shoal_error *error)
{
    return length <= STRING_INLINE_MAX ? small : node_string_reserve(n, length, error);
}

static inline void out_set(expr_node *n, uint32_t r, const char *p, uint32_t length)
{
    ((string_view *)n->out.data)[r] = string_view_make(p, length);
}

#define STRING_ARG(i) vector_view v##i = node_arg(n, i)
#define STR_AT(i, r) VIEW_AT(string_view, v##i, r)

static bool length_kernel(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    (void)ctx;
    STRING_ARG(0);
    int64_t *out = n->out.data;
    ROW_LOOP(sel, count, r, {
        string_view s = STR_AT(0, r);
        out[r] = code_points(string_view_data(&s), s.length);
    });
    return true;
}

static bool change_case(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count,
                        bool upper)
{
    STRING_ARG(0);
    ROW_LOOP(sel, count, r, {
        string_view s = STR_AT(0, r);
        char small[STRING_INLINE_MAX];
        char *p = out_begin(n, s.length, small, ctx->error);
        if (!p)
            return false;
        const char *in = string_view_data(&s);
        for (uint32_t i = 0; i < s.length; i++) {
            char c = in[i];
            if (upper && c >= 'a' && c <= 'z')
                c = (char)(c - 32);
            else if (!upper && c >= 'A' && c <= 'Z')
                c = (char)(c + 32);
            p[i] = c;
        }
        out_set(n, r, p, s.length);
    });
    return true;
}

static bool lower_kernel(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    return change_case(n, ctx, sel, count, false);
}

static bool upper_kernel(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    return change_case(n, ctx, sel, count, true);
}

static string_view substring_of(string_view s, int64_t start, int64_t length)
{
    const char *data = string_view_data(&s);
    if (start == 0 || length <= 0)
        return string_view_make(data, 0);
    int64_t total = -1;
    if (start < 0) {
        total = code_points(data, s.length);
        start = total + start + 1;
        if (start < 1)
            return string_view_make(data, 0);
    }
    uint32_t from = offset_of(data, s.length, start - 1);
    if (from >= s.length)
        return string_view_make(data, 0);
    uint32_t to = length >= (int64_t)s.length ? s.length : from + offset_of(data + from, s.length - from, length);
    return string_view_make(data + from, to - from);
}

static bool substr_kernel(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    STRING_ARG(0);
    vector_view vstart = node_arg(n, 1);
    string_view *out = n->out.data;
    if (!node_keep_child_strings(n, 0, ctx->error))
        return false;
    if (n->child_count == 2) {
        ROW_LOOP(sel, count, r, out[r] = substring_of(STR_AT(0, r), VIEW_AT(int64_t, vstart, r), INT64_MAX););
    } else {
        vector_view vlength = node_arg(n, 2);
        ROW_LOOP(sel, count, r, out[r] = substring_of(STR_AT(0, r), VIEW_AT(int64_t, vstart, r),
                                                      VIEW_AT(int64_t, vlength, r)););
    }
    return true;
}

static bool concat_kernel(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    vector_view views[16];
    int k = n->child_count;
    for (int i = 0; i < k; i++)
        views[i] = node_arg(n, i);
    ROW_LOOP(sel, count, r, {
        uint64_t total = 0;
        for (int i = 0; i < k; i++)
            total += VIEW_AT(string_view, views[i], r).length;
        if (total > UINT32_MAX / 2)
            return node_error(n, ctx, ERR_INVALID_FUNCTION_ARGUMENT, "Concatenated string is too large");
        char small[STRING_INLINE_MAX];
        char *p = out_begin(n, (uint32_t)total, small, ctx->error);
        if (!p)
            return false;
        uint32_t at = 0;
        for (int i = 0; i < k; i++) {
            string_view s = VIEW_AT(string_view, views[i], r);
            memcpy(p + at, string_view_data(&s), s.length);
            at += s.length;
        }
        out_set(n, r, p, at);
    });
    return true;
}

static inline bool is_white(unsigned char c)
{
    return c == ' ' || (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x1F);
}

static bool trim_any(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count,
                     bool left, bool right)
{
    STRING_ARG(0);
    string_view *out = n->out.data;
    if (!node_keep_child_strings(n, 0, ctx->error))
        return false;
    ROW_LOOP(sel, count, r, {
        string_view s = STR_AT(0, r);
        const char *d = string_view_data(&s);
        uint32_t from = 0, to = s.length;
        while (left && from < to && is_white((unsigned char)d[from]))
            from++;
        while (right && to > from && is_white((unsigned char)d[to - 1]))
            to--;
        out[r] = string_view_make(d + from, to - from);
    });
    return true;
}

static bool trim_kernel(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    return trim_any(n, ctx, sel, count, true, true);
}
static bool ltrim_kernel(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    return trim_any(n, ctx, sel, count, true, false);
}
static bool rtrim_kernel(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    return trim_any(n, ctx, sel, count, false, true);
}

static bool reverse_kernel(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    STRING_ARG(0);
    ROW_LOOP(sel, count, r, {
        string_view s = STR_AT(0, r);
        const char *d = string_view_data(&s);
        char small[STRING_INLINE_MAX];
        char *p = out_begin(n, s.length, small, ctx->error);
        if (!p)
            return false;
        uint32_t i = 0;
        while (i < s.length) {
            uint32_t j = i + 1;
            while (j < s.length && is_continuation((unsigned char)d[j]))
                j++;
            memcpy(p + s.length - j, d + i, j - i);
            i = j;
        }
        out_set(n, r, p, s.length);
    });
    return true;
}

static bool replace_kernel(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    STRING_ARG(0);
    STRING_ARG(1);
    vector_view v2 = n->child_count > 2 ? node_arg(n, 2) : v0;
    bool has_replacement = n->child_count > 2;
    ROW_LOOP(sel, count, r, {
        string_view s = STR_AT(0, r), search = STR_AT(1, r);
        string_view with = has_replacement ? VIEW_AT(string_view, v2, r) : string_view_make("", 0);
        const char *d = string_view_data(&s), *f = string_view_data(&search), *w = string_view_data(&with);
        /* count matches to size the output */
        uint64_t total = 0;
        if (search.length == 0) {
            total = s.length + (uint64_t)with.length * (uint64_t)(code_points(d, s.length) + 1);
        } else {
            uint64_t matches = 0;
            for (const char *p = d; (p = memmem(p, (size_t)(d + s.length - p), f, search.length)); p += search.length)
                matches++;
            total = s.length + matches * with.length - matches * search.length;
        }
        if (total > UINT32_MAX / 2)
            return node_error(n, ctx, ERR_INVALID_FUNCTION_ARGUMENT, "Result of replace is too large");
        char small[STRING_INLINE_MAX];
        char *out = out_begin(n, (uint32_t)total, small, ctx->error);
        if (!out)
            return false;
        uint32_t at = 0;
        if (search.length == 0) {
            uint32_t i = 0;
            memcpy(out + at, w, with.length);
            at += with.length;
            while (i < s.length) {
                uint32_t j = i + 1;
                while (j < s.length && is_continuation((unsigned char)d[j]))
                    j++;
                memcpy(out + at, d + i, j - i);
                at += j - i;
                memcpy(out + at, w, with.length);
                at += with.length;
                i = j;
            }
        } else {
            const char *p = d, *end = d + s.length;
            const char *hit;
            while ((hit = memmem(p, (size_t)(end - p), f, search.length))) {
                memcpy(out + at, p, (size_t)(hit - p));
                at += (uint32_t)(hit - p);
                memcpy(out + at, w, with.length);
                at += with.length;
                p = hit + search.length;
            }
            memcpy(out + at, p, (size_t)(end - p));
            at += (uint32_t)(end - p);
        }
        out_set(n, r, out, at);
    });
    return true;
}

static bool strpos_kernel(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    (void)ctx;
    STRING_ARG(0);
    STRING_ARG(1);
    int64_t *out = n->out.data;
    ROW_LOOP(sel, count, r, {
        string_view s = STR_AT(0, r), f = STR_AT(1, r);
        const char *d = string_view_data(&s);
        if (f.length == 0) {
            out[r] = 1;
            continue;
        }
        const char *hit = memmem(d, s.length, string_view_data(&f), f.length);
        out[r] = hit ? code_points(d, (uint32_t)(hit - d)) + 1 : 0;
    });
    return true;
}

static bool starts_with_kernel(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    (void)ctx;
    STRING_ARG(0);
    STRING_ARG(1);
    uint8_t *out = n->out.data;
    ROW_LOOP(sel, count, r, {
        string_view s = STR_AT(0, r), p = STR_AT(1, r);
        out[r] = p.length <= s.length && memcmp(string_view_data(&s), string_view_data(&p), p.length) == 0;
    });
    return true;
}

static bool pad(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count, bool left)
{
    STRING_ARG(0);
    STRING_ARG(2);
    vector_view vsize = node_arg(n, 1);
    ROW_LOOP(sel, count, r, {
        string_view s = STR_AT(0, r), fill = STR_AT(2, r);
        int64_t size = VIEW_AT(int64_t, vsize, r);
        if (size < 0 || size > 1048576)
            return node_error(n, ctx, ERR_INVALID_FUNCTION_ARGUMENT,
                              "Target length must be in the range [0..1048576]");
        if (fill.length == 0)
            return node_error(n, ctx, ERR_INVALID_FUNCTION_ARGUMENT, "Padding string must not be empty");
        const char *d = string_view_data(&s), *f = string_view_data(&fill);
        int64_t have = code_points(d, s.length);
        if (have >= size) {
            uint32_t cut = offset_of(d, s.length, size);
            char small[STRING_INLINE_MAX];
            char *p = out_begin(n, cut, small, ctx->error);
            if (!p)
                return false;
            memcpy(p, d, cut);
            out_set(n, r, p, cut);
            continue;
        }
        /* fill code points, cycling through the padding */
        int64_t need = size - have;
        int64_t fill_points = code_points(f, fill.length);
        uint64_t bytes = (uint64_t)(need / fill_points) * fill.length +
                         offset_of(f, fill.length, need % fill_points);
        uint32_t total = (uint32_t)(bytes + s.length);
        char small[STRING_INLINE_MAX];
        char *p = out_begin(n, total, small, ctx->error);
        if (!p)
            return false;
        char *padding = left ? p : p + s.length;
        memcpy(left ? p + bytes : p, d, s.length);
        for (uint64_t i = 0; i < bytes; i++)
            padding[i] = f[i % fill.length];
        out_set(n, r, p, total);
    });
    return true;
}

static bool lpad_kernel(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    return pad(n, ctx, sel, count, true);
}
static bool rpad_kernel(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    return pad(n, ctx, sel, count, false);
}

static const struct {
    const char *name;
    scalar_kernel_fn kernel;
} kernels[] = {
    {"length", length_kernel}, {"lower", lower_kernel},   {"upper", upper_kernel},
    {"substr", substr_kernel}, {"substring", substr_kernel}, {"concat", concat_kernel},
    {"trim", trim_kernel},     {"ltrim", ltrim_kernel},   {"rtrim", rtrim_kernel},
    {"reverse", reverse_kernel}, {"replace", replace_kernel}, {"strpos", strpos_kernel},
    {"starts_with", starts_with_kernel}, {"lpad", lpad_kernel}, {"rpad", rpad_kernel},
};

static bool bind_string(expr_node *n, const sql_type *args, int arg_count, sql_type ret,
                        shoal_error *error)
{
    (void)args;
    (void)ret;
    if (arg_count > 16)
        return error_set(error, ERR_TOO_MANY_ARGUMENTS, "Too many arguments");
    for (size_t i = 0; i < sizeof kernels / sizeof kernels[0]; i++) {
        if (strcmp(kernels[i].name, n->function_name) == 0) {
            n->kernel = kernels[i].kernel;
            return true;
        }
    }
    return error_set(error, ERR_FUNCTION_IMPLEMENTATION_MISSING, "No kernel for %s", n->function_name);
}

const scalar_impl string_functions_impls[] = {
    {"length", bind_string}, {"lower", bind_string},   {"upper", bind_string},
    {"substr", bind_string}, {"substring", bind_string}, {"concat", bind_string},
    {"trim", bind_string},   {"ltrim", bind_string},   {"rtrim", bind_string},
    {"reverse", bind_string}, {"replace", bind_string}, {"strpos", bind_string},
    {"starts_with", bind_string}, {"lpad", bind_string}, {"rpad", bind_string},
};
const int string_functions_impl_count = sizeof string_functions_impls / sizeof string_functions_impls[0];
