/*
 * string_extra.c — more of Trino's string functions: concat_ws, split_part,
 * translate, strpos(s, sub, instance), ends_with, chr, codepoint,
 * levenshtein_distance, hamming_distance, to_utf8/from_utf8, normalize
 * (ICU), to_hex/from_hex, length(varbinary), luhn_check, and full-Unicode
 * upper/lower (ICU simple case mapping per code point, which is what
 * Java's Character.toUpperCase gives Trino; ASCII takes a fast path), and
 * lpad/rpad with Trino's edge cases (an empty pad string is an error only
 * when padding is needed). Positions count code points.
 */
#define _GNU_SOURCE /* memmem */
#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>

#include "operators/expr_internal.h"

#define STR(i, r) VIEW_AT(string_view, v##i, r)
#define ARGS1 vector_view v0 = node_arg(n, 0)
#define ARGS2 vector_view v0 = node_arg(n, 0), v1 = node_arg(n, 1)
#define ARGS3 vector_view v0 = node_arg(n, 0), v1 = node_arg(n, 1), v2 = node_arg(n, 2)

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

/* Decodes the code point at s[*i] (advancing *i); invalid bytes give -1. */
static int32_t next_code_point(const char *s, uint32_t n, uint32_t *i)
{
    const unsigned char *u = (const unsigned char *)s;
    uint32_t at = *i;
    unsigned c = u[at];
    if (c < 0x80) {
        *i = at + 1;
        return (int32_t)c;
    }
    int extra = c >= 0xF8 ? -1 : c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC2 ? 1 : -1;
    if (extra < 0 || at + (uint32_t)extra >= n) {
        *i = at + 1;
        return -1;
    }
    int32_t cp = (int32_t)(c & (0x3F >> extra));
    for (int k = 1; k <= extra; k++) {
        if (!is_continuation(u[at + (uint32_t)k])) {
            *i = at + (uint32_t)k;
            return -1;
        }
        cp = (cp << 6) | (u[at + (uint32_t)k] & 0x3F);
    }
    *i = at + (uint32_t)extra + 1;
    static const int32_t min_of[] = {0, 0x80, 0x800, 0x10000};
    if (cp < min_of[extra] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return -1;
    return cp;
}

static int encode_code_point(int32_t cp, char *out)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* byte offset of code point k (0-based), or n when past the end */
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

/* Stores bytes as row r's string (copied into the node's arena). */
static bool put(expr_node *n, eval_context *ctx, uint32_t r, const char *p, uint32_t length)
{
    if (length <= STRING_INLINE_MAX) {
        ((string_view *)n->out.data)[r] = string_view_make(p, length); /* inlined: copied */
        return true;
    }
    char *q = node_string_reserve(n, length, ctx->error);
    if (!q)
        return false;
    memcpy(q, p, length);
    ((string_view *)n->out.data)[r] = string_view_make(q, length);
    return true;
}

/* A growable scratch buffer for results of unknown size. */
typedef struct scratch {
    char *data;
    size_t length, capacity;
} scratch;

static bool scratch_reserve(scratch *s, size_t more)
{
    if (s->length + more <= s->capacity)
        return true;
    size_t c = s->capacity ? s->capacity : 256;
    while (c < s->length + more)
        c *= 2;
    char *d = realloc(s->data, c);
    if (!d)
        return false;
    s->data = d;
    s->capacity = c;
    return true;
}

static bool scratch_add(scratch *s, const char *p, size_t length)
{
    if (!scratch_reserve(s, length))
        return false;
    memcpy(s->data + s->length, p, length);
    s->length += length;
    return true;
}

#define OOM() node_error(n, ctx, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory")

/* ---- concat_ws (sees NULLs: skips NULL values, NULL separator gives NULL) ---- */

static bool concat_ws_kernel(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    vector_view views[16];
    bool unknown[16];
    for (int i = 0; i < n->child_count; i++) {
        views[i] = node_arg(n, i);
        unknown[i] = n->children[i]->type.kind == TYPE_UNKNOWN;
    }
    scratch buf = {0};
    bool ok = true;
    ROW_LOOP(sel, count, r, {
        if (!ok)
            break;
        if (unknown[0] || !view_valid_at(&views[0], r)) {
            if (!node_ensure_validity(n, ctx->error)) {
                ok = false;
                break;
            }
            node_set_null(n, r);
            continue;
        }
        if (n->out.validity)
            node_set_valid(n, r);
        string_view sep = VIEW_AT(string_view, views[0], r);
        buf.length = 0;
        bool first = true;
        for (int i = 1; i < n->child_count && ok; i++) {
            if (unknown[i] || !view_valid_at(&views[i], r))
                continue;
            string_view s = VIEW_AT(string_view, views[i], r);
            if (!first)
                ok = scratch_add(&buf, string_view_data(&sep), sep.length);
            ok = ok && scratch_add(&buf, string_view_data(&s), s.length);
            first = false;
        }
        if (!ok) {
            OOM();
            break;
        }
        ok = put(n, ctx, r, buf.data, (uint32_t)buf.length);
    });
    free(buf.data);
    return ok;
}

/* ---- split_part ---- */

static bool split_part_kernel(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    ARGS3;
    ROW_LOOP(sel, count, r, {
        string_view s = STR(0, r), d = STR(1, r);
        int64_t index = VIEW_AT(int64_t, v2, r);
        if (index <= 0)
            return node_error(n, ctx, ERR_INVALID_FUNCTION_ARGUMENT, "Index must be greater than zero");
        const char *sd = string_view_data(&s), *dd = string_view_data(&d);
        bool found = false;
        if (d.length == 0) {
            /* each code point is a field */
            if (index <= code_points(sd, s.length)) {
                uint32_t a = offset_of(sd, s.length, index - 1), b = offset_of(sd, s.length, index);
                ((string_view *)n->out.data)[r] = string_view_make(sd + a, b - a);
                found = true;
            }
        } else {
            const char *start = sd, *end = sd + s.length;
            int64_t field = 1;
            while (field < index) {
                const char *hit = memmem(start, (size_t)(end - start), dd, d.length);
                if (!hit)
                    break;
                start = hit + d.length;
                field++;
            }
            if (field == index) {
                const char *hit = memmem(start, (size_t)(end - start), dd, d.length);
                const char *stop = hit ? hit : end;
                ((string_view *)n->out.data)[r] = string_view_make(start, (uint32_t)(stop - start));
                found = true;
            }
        }
        if (!found) {
            if (!node_ensure_validity(n, ctx->error))
                return false;
            node_set_null(n, r);
        }
    });
    return node_keep_child_strings(n, 0, ctx->error);
}

/* ---- translate ---- */

static bool translate_kernel(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    ARGS3;
    scratch buf = {0};
    int32_t from_cp[256], to_cp[256];
    ROW_LOOP(sel, count, r, {
        string_view s = STR(0, r), f = STR(1, r), t = STR(2, r);
        const char *sd = string_view_data(&s), *fd = string_view_data(&f), *td = string_view_data(&t);
        int nf = 0, nt = 0;
        int32_t *fc = from_cp, *tc = to_cp;
        int64_t fpoints = code_points(fd, f.length), tpoints = code_points(td, t.length);
        if (fpoints > 256 || tpoints > 256) {
            fc = malloc(sizeof(int32_t) * (size_t)(fpoints + 1));
            tc = malloc(sizeof(int32_t) * (size_t)(tpoints + 1));
            if (!fc || !tc) {
                free(fc == from_cp ? NULL : fc);
                free(tc == to_cp ? NULL : tc);
                free(buf.data);
                return OOM();
            }
        }
        for (uint32_t i = 0; i < f.length;)
            fc[nf++] = next_code_point(fd, f.length, &i);
        for (uint32_t i = 0; i < t.length;)
            tc[nt++] = next_code_point(td, t.length, &i);
        buf.length = 0;
        bool ok = scratch_reserve(&buf, (size_t)s.length * 4 + 4);
        for (uint32_t i = 0; ok && i < s.length;) {
            uint32_t start = i;
            int32_t cp = next_code_point(sd, s.length, &i);
            int k = 0;
            while (k < nf && fc[k] != cp)
                k++;
            if (k == nf) {
                memcpy(buf.data + buf.length, sd + start, i - start);
                buf.length += i - start;
            } else if (k < nt && tc[k] >= 0) {
                buf.length += (size_t)encode_code_point(tc[k], buf.data + buf.length);
            }
        }
        if (fc != from_cp) {
            free(fc);
            free(tc);
        }
        if (!ok) {
            free(buf.data);
            return OOM();
        }
        if (!put(n, ctx, r, buf.data, (uint32_t)buf.length)) {
            free(buf.data);
            return false;
        }
    });
    free(buf.data);
    return true;
}

/* ---- strpos(s, sub, instance) ---- */

static bool strpos_instance_kernel(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    ARGS3;
    int64_t *out = n->out.data;
    ROW_LOOP(sel, count, r, {
        string_view s = STR(0, r), f = STR(1, r);
        int64_t instance = VIEW_AT(int64_t, v2, r);
        if (instance == 0)
            return node_error(n, ctx, ERR_INVALID_FUNCTION_ARGUMENT, "'instance' must be a positive or negative number.");
        const char *d = string_view_data(&s), *fd = string_view_data(&f);
        if (f.length == 0) {
            out[r] = 1;
            continue;
        }
        int64_t result = 0;
        if (instance > 0) {
            const char *p = d, *end = d + s.length;
            for (int64_t k = 0; k < instance; k++) {
                const char *hit = memmem(p, (size_t)(end - p), fd, f.length);
                if (!hit) {
                    p = NULL;
                    break;
                }
                if (k == instance - 1)
                    result = code_points(d, (uint32_t)(hit - d)) + 1;
                p = hit + 1;
                while (p < end && is_continuation((unsigned char)*p))
                    p++;
            }
        } else {
            int64_t want = -instance;
            for (int64_t at = (int64_t)s.length - f.length; at >= 0; at--) {
                if (is_continuation((unsigned char)d[at]) || memcmp(d + at, fd, f.length) != 0)
                    continue;
                if (--want == 0) {
                    result = code_points(d, (uint32_t)at) + 1;
                    break;
                }
            }
        }
        out[r] = result;
    });
    return true;
}

static bool ends_with_kernel(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    (void)ctx;
    ARGS2;
    uint8_t *out = n->out.data;
    ROW_LOOP(sel, count, r, {
        string_view s = STR(0, r), p = STR(1, r);
        out[r] = p.length <= s.length &&
                 memcmp(string_view_data(&s) + s.length - p.length, string_view_data(&p), p.length) == 0;
    });
    return true;
}

/* ---- chr / codepoint ---- */

static bool chr_kernel(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    vector_view va = node_arg(n, 0);
    UNARY_LOOP(int64_t, va, sel, count, r, a, {
        if (a < 0 || a > 0x10FFFF || (a >= 0xD800 && a <= 0xDFFF))
            return node_error(n, ctx, ERR_INVALID_FUNCTION_ARGUMENT, "Not a valid Unicode code point: %lld", (long long)a);
        char buf[4];
        int length = encode_code_point((int32_t)a, buf);
        ((string_view *)n->out.data)[r] = string_view_make(buf, (uint32_t)length);
    });
    return true;
}

static bool codepoint_kernel(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    ARGS1;
    int32_t *out = n->out.data;
    ROW_LOOP(sel, count, r, {
        string_view s = STR(0, r);
        const char *d = string_view_data(&s);
        if (code_points(d, s.length) != 1)
            return node_error(n, ctx, ERR_INVALID_FUNCTION_ARGUMENT, "Input string must be a single character string");
        uint32_t i = 0;
        out[r] = next_code_point(d, s.length, &i);
    });
    return true;
}

/* ---- distances ---- */

static int32_t *decode_all(const char *s, uint32_t n, int32_t *small, int small_size, int *count)
{
    int64_t points = code_points(s, n);
    int32_t *out = points <= small_size ? small : malloc(sizeof(int32_t) * (size_t)(points + 1));
    if (!out)
        return NULL;
    int k = 0;
    for (uint32_t i = 0; i < n;)
        out[k++] = next_code_point(s, n, &i);
    *count = k;
    return out;
}

static bool levenshtein_kernel(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    ARGS2;
    int64_t *out = n->out.data;
    int32_t sa[128], sb[128];
    ROW_LOOP(sel, count, r, {
        string_view a = STR(0, r), b = STR(1, r);
        int na, nb;
        int32_t *ca = decode_all(string_view_data(&a), a.length, sa, 128, &na);
        int32_t *cb = ca ? decode_all(string_view_data(&b), b.length, sb, 128, &nb) : NULL;
        if (!ca || !cb) {
            if (ca != sa)
                free(ca);
            return OOM();
        }
        bool too_large = (int64_t)na * nb > 1000000;
        int32_t *row = too_large ? NULL : malloc(sizeof(int32_t) * (size_t)(nb + 1));
        if (!too_large && row) {
            for (int j = 0; j <= nb; j++)
                row[j] = j;
            for (int i = 1; i <= na; i++) {
                int32_t diag = row[0];
                row[0] = i;
                for (int j = 1; j <= nb; j++) {
                    int32_t up = row[j];
                    int32_t best = diag + (ca[i - 1] != cb[j - 1]);
                    if (up + 1 < best)
                        best = up + 1;
                    if (row[j - 1] + 1 < best)
                        best = row[j - 1] + 1;
                    row[j] = best;
                    diag = up;
                }
            }
            out[r] = row[nb];
        }
        free(row);
        if (ca != sa)
            free(ca);
        if (cb != sb)
            free(cb);
        if (too_large)
            return node_error(n, ctx, ERR_INVALID_FUNCTION_ARGUMENT,
                              "The combined inputs for Levenshtein distance are too large");
        if (!row)
            return OOM();
    });
    return true;
}

static bool hamming_kernel(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    ARGS2;
    int64_t *out = n->out.data;
    ROW_LOOP(sel, count, r, {
        string_view a = STR(0, r), b = STR(1, r);
        const char *da = string_view_data(&a), *db = string_view_data(&b);
        uint32_t i = 0, j = 0;
        int64_t distance = 0;
        while (i < a.length && j < b.length)
            distance += next_code_point(da, a.length, &i) != next_code_point(db, b.length, &j);
        if (i < a.length || j < b.length)
            return node_error(n, ctx, ERR_INVALID_FUNCTION_ARGUMENT,
                              "The input strings to hamming_distance function must have the same length");
        out[r] = distance;
    });
    return true;
}

/* ---- varbinary ---- */

static bool same_bytes_kernel(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    ARGS1;
    string_view *out = n->out.data;
    ROW_LOOP(sel, count, r, out[r] = STR(0, r););
    return node_keep_child_strings(n, 0, ctx->error);
}

static bool from_utf8_kernel(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    ARGS1;
    vector_view v1 = n->child_count > 1 ? node_arg(n, 1) : v0;
    bool has_replacement = n->child_count > 1;
    bool replacement_is_code = has_replacement && n->children[1]->type.kind == TYPE_BIGINT;
    scratch buf = {0};
    ROW_LOOP(sel, count, r, {
        string_view s = STR(0, r);
        const char *d = string_view_data(&s);
        char rep[8] = "\xEF\xBF\xBD";
        const char *rp = rep;
        uint32_t rlen = 3;
        string_view rs; /* outlives the block: short strings live inside it */
        if (replacement_is_code) {
            int64_t cp = VIEW_AT(int64_t, v1, r);
            if (cp < 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
                free(buf.data);
                return node_error(n, ctx, ERR_INVALID_FUNCTION_ARGUMENT, "Invalid replacement character");
            }
            rlen = (uint32_t)encode_code_point((int32_t)cp, rep);
        } else if (has_replacement) {
            rs = VIEW_AT(string_view, v1, r);
            if (code_points(string_view_data(&rs), rs.length) > 1) {
                free(buf.data);
                return node_error(n, ctx, ERR_INVALID_FUNCTION_ARGUMENT, "Replacement character string must empty or a single character");
            }
            rp = string_view_data(&rs);
            rlen = rs.length;
        }
        buf.length = 0;
        bool ok = true;
        for (uint32_t i = 0; ok && i < s.length;) {
            uint32_t start = i;
            int32_t cp = next_code_point(d, s.length, &i);
            ok = cp >= 0 ? scratch_add(&buf, d + start, i - start) : scratch_add(&buf, rp, rlen);
        }
        if (!ok || !put(n, ctx, r, buf.data, (uint32_t)buf.length)) {
            free(buf.data);
            return ok ? false : OOM();
        }
    });
    free(buf.data);
    return true;
}

static bool to_hex_kernel(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    ARGS1;
    ROW_LOOP(sel, count, r, {
        string_view s = STR(0, r);
        const unsigned char *d = (const unsigned char *)string_view_data(&s);
        uint32_t length = s.length * 2;
        char small[STRING_INLINE_MAX];
        char *p = length <= STRING_INLINE_MAX ? small : node_string_reserve(n, length, ctx->error);
        if (!p)
            return false;
        for (uint32_t i = 0; i < s.length; i++) {
            p[2 * i] = "0123456789ABCDEF"[d[i] >> 4];
            p[2 * i + 1] = "0123456789ABCDEF"[d[i] & 15];
        }
        ((string_view *)n->out.data)[r] = string_view_make(p, length);
    });
    return true;
}

static int hex_value(int c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

static bool from_hex_kernel(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    ARGS1;
    ROW_LOOP(sel, count, r, {
        string_view s = STR(0, r);
        const char *d = string_view_data(&s);
        if (s.length % 2)
            return node_error(n, ctx, ERR_INVALID_FUNCTION_ARGUMENT, "invalid input length %u", s.length);
        uint32_t length = s.length / 2;
        char small[STRING_INLINE_MAX];
        char *p = length <= STRING_INLINE_MAX ? small : node_string_reserve(n, length, ctx->error);
        if (!p)
            return false;
        for (uint32_t i = 0; i < length; i++) {
            int hi = hex_value((unsigned char)d[2 * i]), lo = hex_value((unsigned char)d[2 * i + 1]);
            if (hi < 0 || lo < 0)
                return node_error(n, ctx, ERR_INVALID_FUNCTION_ARGUMENT, "invalid hex character: %c",
                                  hi < 0 ? d[2 * i] : d[2 * i + 1]);
            p[i] = (char)(hi << 4 | lo);
        }
        ((string_view *)n->out.data)[r] = string_view_make(p, length);
    });
    return true;
}

static bool byte_length_kernel(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    (void)ctx;
    ARGS1;
    int64_t *out = n->out.data;
    ROW_LOOP(sel, count, r, out[r] = STR(0, r).length;);
    return true;
}

static bool luhn_kernel(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    ARGS1;
    uint8_t *out = n->out.data;
    ROW_LOOP(sel, count, r, {
        string_view s = STR(0, r);
        const char *d = string_view_data(&s);
        int64_t sum = 0;
        bool second = false, valid = s.length > 0;
        for (int64_t i = (int64_t)s.length - 1; i >= 0 && valid; i--) {
            if (d[i] < '0' || d[i] > '9')
                return node_error(n, ctx, ERR_INVALID_FUNCTION_ARGUMENT, "Input contains non-digit characters");
            int digit = d[i] - '0';
            if (second) {
                digit *= 2;
                if (digit > 9)
                    digit -= 9;
            }
            sum += digit;
            second = !second;
        }
        out[r] = valid && sum % 10 == 0;
    });
    return true;
}

/* ---- upper / lower (full Unicode, simple case mapping) ---- */

static bool change_case(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count, bool upper)
{
    ARGS1;
    scratch buf = {0};
    ROW_LOOP(sel, count, r, {
        string_view s = STR(0, r);
        const char *d = string_view_data(&s);
        bool ascii = true;
        for (uint32_t i = 0; i < s.length && ascii; i++)
            ascii = (unsigned char)d[i] < 0x80;
        buf.length = 0;
        if (!scratch_reserve(&buf, (size_t)s.length * 2 + 4)) {
            free(buf.data);
            return OOM();
        }
        if (ascii) {
            for (uint32_t i = 0; i < s.length; i++) {
                char c = d[i];
                buf.data[i] = upper ? (c >= 'a' && c <= 'z' ? (char)(c - 32) : c) : (c >= 'A' && c <= 'Z' ? (char)(c + 32) : c);
            }
            buf.length = s.length;
        } else {
            for (uint32_t i = 0; i < s.length;) {
                uint32_t start = i;
                int32_t cp = next_code_point(d, s.length, &i);
                if (cp < 0) {
                    memcpy(buf.data + buf.length, d + start, i - start);
                    buf.length += i - start;
                    continue;
                }
                int32_t mapped = upper ? u_toupper(cp) : u_tolower(cp);
                if (!scratch_reserve(&buf, 4)) {
                    free(buf.data);
                    return OOM();
                }
                buf.length += (size_t)encode_code_point(mapped, buf.data + buf.length);
            }
        }
        if (!put(n, ctx, r, buf.data, (uint32_t)buf.length)) {
            free(buf.data);
            return false;
        }
    });
    free(buf.data);
    return true;
}

static bool upper_kernel(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    return change_case(n, ctx, sel, count, true);
}

static bool lower_kernel(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    return change_case(n, ctx, sel, count, false);
}

/* ---- normalize (ICU) ---- */

static bool normalize_kernel(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    ARGS1;
    vector_view v1 = n->child_count > 1 ? node_arg(n, 1) : v0;
    UChar *in16 = NULL, *out16 = NULL;
    char *out8 = NULL;
    int32_t cap16 = 0, cap8 = 0;
    bool ok = true;
    ROW_LOOP(sel, count, r, {
        if (!ok)
            break;
        const UNormalizer2 *norm = NULL;
        UErrorCode status = U_ZERO_ERROR;
        const char *form = "NFC";
        uint32_t form_length = 3;
        string_view f; /* outlives the block: short strings live inside it */
        if (n->child_count > 1) {
            f = STR(1, r);
            form = string_view_data(&f);
            form_length = f.length;
        }
        if (form_length == 3 && strncasecmp(form, "NFC", 3) == 0)
            norm = unorm2_getNFCInstance(&status);
        else if (form_length == 3 && strncasecmp(form, "NFD", 3) == 0)
            norm = unorm2_getNFDInstance(&status);
        else if (form_length == 4 && strncasecmp(form, "NFKC", 4) == 0)
            norm = unorm2_getNFKCInstance(&status);
        else if (form_length == 4 && strncasecmp(form, "NFKD", 4) == 0)
            norm = unorm2_getNFKDInstance(&status);
        if (!norm) {
            ok = node_error(n, ctx, ERR_INVALID_FUNCTION_ARGUMENT, "Normalization form must be one of [NFD, NFC, NFKD, NFKC]");
            break;
        }
        string_view s = STR(0, r);
        int32_t need16 = (int32_t)s.length * 4 + 16;
        if (need16 > cap16) {
            free(in16);
            free(out16);
            in16 = malloc(sizeof(UChar) * (size_t)need16);
            out16 = malloc(sizeof(UChar) * (size_t)need16);
            cap16 = need16;
            if (!in16 || !out16) {
                ok = OOM();
                break;
            }
        }
        int32_t len16 = 0;
        u_strFromUTF8WithSub(in16, cap16, &len16, string_view_data(&s), (int32_t)s.length, 0xFFFD, NULL, &status);
        int32_t outlen = unorm2_normalize(norm, in16, len16, out16, cap16, &status);
        int32_t need8 = outlen * 3 + 16;
        if (need8 > cap8) {
            free(out8);
            out8 = malloc((size_t)need8);
            cap8 = need8;
            if (!out8) {
                ok = OOM();
                break;
            }
        }
        int32_t len8 = 0;
        u_strToUTF8(out8, cap8, &len8, out16, outlen, &status);
        if (U_FAILURE(status)) {
            ok = node_error(n, ctx, ERR_INVALID_FUNCTION_ARGUMENT, "Cannot normalize string: %s", u_errorName(status));
            break;
        }
        ok = put(n, ctx, r, out8, (uint32_t)len8);
    });
    free(in16);
    free(out16);
    free(out8);
    return ok;
}

/* ---- lpad / rpad ---- */

static bool pad(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count, bool left)
{
    ARGS3;
    ROW_LOOP(sel, count, r, {
        string_view s = STR(0, r), fill = STR(2, r);
        int64_t size = VIEW_AT(int64_t, v1, r);
        if (size < 0 || size > INT32_MAX)
            return node_error(n, ctx, ERR_INVALID_FUNCTION_ARGUMENT, "Target length must be in the range [0..2147483647]");
        const char *d = string_view_data(&s), *f = string_view_data(&fill);
        int64_t have = code_points(d, s.length);
        if (have == size) {
            ((string_view *)n->out.data)[r] = s;
            continue;
        }
        if (have > size) {
            ((string_view *)n->out.data)[r] = string_view_make(d, offset_of(d, s.length, size));
            continue;
        }
        int64_t fill_points = code_points(f, fill.length);
        if (fill_points == 0)
            return node_error(n, ctx, ERR_INVALID_FUNCTION_ARGUMENT, "Padding string must not be empty");
        int64_t need = size - have;
        uint64_t bytes = (uint64_t)(need / fill_points) * fill.length + offset_of(f, fill.length, need % fill_points);
        if (bytes + s.length > (1u << 30))
            return node_error(n, ctx, ERR_INVALID_FUNCTION_ARGUMENT, "Result of %s is too large", left ? "lpad" : "rpad");
        uint32_t total = (uint32_t)(bytes + s.length);
        char small[STRING_INLINE_MAX];
        char *p = total <= STRING_INLINE_MAX ? small : node_string_reserve(n, total, ctx->error);
        if (!p)
            return false;
        char *padding = left ? p : p + s.length;
        memcpy(left ? p + bytes : p, d, s.length);
        for (uint64_t i = 0; i < bytes; i++)
            padding[i] = f[i % fill.length];
        ((string_view *)n->out.data)[r] = string_view_make(p, total);
    });
    return node_keep_child_strings(n, 0, ctx->error);
}

static bool lpad_kernel(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    return pad(n, ctx, sel, count, true);
}

static bool rpad_kernel(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    return pad(n, ctx, sel, count, false);
}

/* ---- binding ---- */

typedef struct string_kernel {
    const char *name;
    int arg_count;        /* -1: any */
    type_kind first;      /* TYPE_UNKNOWN: any */
    scalar_kernel_fn kernel;
} string_kernel;

static const string_kernel kernels[] = {
    {"concat_ws", -1, TYPE_UNKNOWN, concat_ws_kernel},
    {"split_part", 3, TYPE_UNKNOWN, split_part_kernel},
    {"translate", 3, TYPE_UNKNOWN, translate_kernel},
    {"strpos", 3, TYPE_UNKNOWN, strpos_instance_kernel},
    {"ends_with", 2, TYPE_UNKNOWN, ends_with_kernel},
    {"chr", 1, TYPE_UNKNOWN, chr_kernel},
    {"codepoint", 1, TYPE_UNKNOWN, codepoint_kernel},
    {"levenshtein_distance", 2, TYPE_UNKNOWN, levenshtein_kernel},
    {"hamming_distance", 2, TYPE_UNKNOWN, hamming_kernel},
    {"to_utf8", 1, TYPE_UNKNOWN, same_bytes_kernel},
    {"from_utf8", -1, TYPE_UNKNOWN, from_utf8_kernel},
    {"normalize", -1, TYPE_UNKNOWN, normalize_kernel},
    {"to_hex", 1, TYPE_UNKNOWN, to_hex_kernel},
    {"from_hex", 1, TYPE_UNKNOWN, from_hex_kernel},
    {"length", 1, TYPE_VARBINARY, byte_length_kernel},
    {"luhn_check", 1, TYPE_UNKNOWN, luhn_kernel},
    {"upper", 1, TYPE_VARCHAR, upper_kernel},
    {"lower", 1, TYPE_VARCHAR, lower_kernel},
    {"lpad", 3, TYPE_UNKNOWN, lpad_kernel},
    {"rpad", 3, TYPE_UNKNOWN, rpad_kernel},
};

static bool bind_string_extra(expr_node *n, const sql_type *args, int arg_count, sql_type ret,
                              shoal_error *error);

#define IMPL(name) {name, bind_string_extra}
const scalar_impl string_extra_impls[] = {
    IMPL("concat_ws"), IMPL("split_part"), IMPL("translate"), IMPL("strpos"), IMPL("ends_with"),
    IMPL("chr"), IMPL("codepoint"), IMPL("levenshtein_distance"), IMPL("hamming_distance"),
    IMPL("to_utf8"), IMPL("from_utf8"), IMPL("normalize"), IMPL("to_hex"), IMPL("from_hex"),
    IMPL("length"), IMPL("luhn_check"), IMPL("upper"), IMPL("lower"), IMPL("lpad"), IMPL("rpad"),
};
const int string_extra_impl_count = sizeof string_extra_impls / sizeof string_extra_impls[0];

static bool bind_string_extra(expr_node *n, const sql_type *args, int arg_count, sql_type ret,
                              shoal_error *error)
{
    const char *name = n->function_name;
    if (arg_count > 16)
        return error_set(error, ERR_TOO_MANY_ARGUMENTS, "Too many arguments");
    for (size_t i = 0; i < sizeof kernels / sizeof kernels[0]; i++) {
        const string_kernel *k = &kernels[i];
        if (strcmp(k->name, name) != 0 || (k->arg_count >= 0 && k->arg_count != arg_count) ||
            (k->first != TYPE_UNKNOWN && args[0].kind != k->first))
            continue;
        n->kernel = k->kernel;
        return true;
    }
    for (int i = 0; i < string_extra_impl_count; i++)
        if (strcmp(string_extra_impls[i].name, name) == 0)
            return expr_functions_bind_next(&string_extra_impls[i], n, args, arg_count, ret, error);
    return error_set(error, ERR_FUNCTION_IMPLEMENTATION_MISSING, "No kernel for %s", name);
}
