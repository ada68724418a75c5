/*
 * url.c — Trino's URL functions: url_extract_protocol, _host, _port, _path,
 * _query, _fragment, _parameter(url, name), url_encode and url_decode.
 *
 * A URL is split as RFC 3986 (and java.net.URI, which Trino uses) does:
 * scheme ":" ["//" [user "@"] host [":" port]] path ["?" query]
 * ["#" fragment]. A string java.net.URI would refuse (a space, a control
 * character, one of "<>\^`{|}, a bad %-escape, a non-numeric port) gives
 * NULL from every extractor, as does a missing part. Path, query and
 * fragment come back %-decoded; url_extract_parameter returns the raw
 * value of the first name=value pair of the query with that name ("" when
 * the pair has no "=").
 *
 * url_encode escapes all but [A-Za-z0-9.-*_], space as "+", other bytes of
 * the UTF-8 as %XX; url_decode reverses it and fails on a bad escape
 * (INVALID_FUNCTION_ARGUMENT, java.net.URLDecoder's messages).
 */
#include <stdlib.h>
#include <string.h>

#include "operators/expr_internal.h"

static inline bool isalnum_ascii(unsigned char c)
{
    return (c >= '0' && c <= '9') || ((c | 32) >= 'a' && (c | 32) <= 'z');
}

typedef struct span { const char *p; uint32_t n; bool present; } span;

typedef struct url_parts { span scheme, host, port, path, query, fragment; } url_parts;

static int hex_digit(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

static bool acceptable(const char *s, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c <= 0x20 || c == 0x7F || strchr("\"<>\\^`{|}", c))
            return false;
        if (c == '%' && (i + 2 >= n || hex_digit(s[i + 1]) < 0 || hex_digit(s[i + 2]) < 0))
            return false;
    }
    return true;
}

static bool split_url(const char *s, uint32_t n, url_parts *u)
{
    memset(u, 0, sizeof *u);
    if (!acceptable(s, n))
        return false;
    uint32_t i = 0;
    /* scheme: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":" */
    uint32_t k = 0;
    while (k < n && (((s[k] | 32) >= 'a' && (s[k] | 32) <= 'z') || (k > 0 && ((s[k] >= '0' && s[k] <= '9') ||
                                                                              s[k] == '+' || s[k] == '-' || s[k] == '.'))))
        k++;
    if (k > 0 && k < n && s[k] == ':') {
        u->scheme = (span){s, k, true};
        i = k + 1;
    }
    uint32_t end = n;
    const char *hash = memchr(s + i, '#', n - i);
    if (hash) {
        end = (uint32_t)(hash - s);
        u->fragment = (span){hash + 1, n - end - 1, true};
    }
    if (end - i >= 2 && s[i] == '/' && s[i + 1] == '/') {
        uint32_t a = i + 2, b = a;
        while (b < end && s[b] != '/' && s[b] != '?')
            b++;
        uint32_t host = a;
        for (uint32_t j = a; j < b; j++)
            if (s[j] == '@')
                host = j + 1;
        uint32_t host_end = b;
        if (host < b && s[host] == '[') {
            const char *close = memchr(s + host, ']', b - host);
            if (!close)
                return false;
            host_end = (uint32_t)(close - s) + 1;
            if (host_end < b && s[host_end] != ':')
                return false;
        } else {
            const char *colon = memchr(s + host, ':', b - host);
            if (colon)
                host_end = (uint32_t)(colon - s);
        }
        if (host_end < b) {
            for (uint32_t j = host_end + 1; j < b; j++)
                if (s[j] < '0' || s[j] > '9')
                    return false;
            if (b > host_end + 1)
                u->port = (span){s + host_end + 1, b - host_end - 1, true};
        }
        if (host_end > host)
            u->host = (span){s + host, host_end - host, true};
        i = b;
    }
    const char *question = memchr(s + i, '?', end - i);
    uint32_t path_end = question ? (uint32_t)(question - s) : end;
    if (question)
        u->query = (span){question + 1, end - path_end - 1, true};
    /* an opaque URI (scheme:rest without '/') has no path */
    if (!(u->scheme.present && !u->host.present && i < path_end && s[i] != '/'))
        u->path = (span){s + i, path_end - i, true};
    else
        u->query.present = false;
    return true;
}

static uint32_t percent_decode(const char *s, uint32_t n, char *out)
{
    uint32_t o = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (s[i] == '%' && i + 2 < n) { /* escapes were checked by acceptable() */
            out[o++] = (char)(hex_digit(s[i + 1]) << 4 | hex_digit(s[i + 2]));
            i += 2;
        } else {
            out[o++] = s[i];
        }
    }
    return o;
}

/* Row r := the span percent-decoded. Decoding only shrinks, so it decodes
 * straight into the output's arena (no allocation per row). */
static bool put_decoded(expr_node *n, uint32_t r, span x, shoal_error *error)
{
    char small[STRING_INLINE_MAX];
    char *p = x.n <= sizeof small ? small : node_string_reserve(n, x.n, error);
    if (!p)
        return false;
    ((string_view *)n->out.data)[r] = string_view_make(p, percent_decode(x.p, x.n, p));
    return true;
}

/* The value of the first query parameter called `name` (absent: not present). */
static span query_parameter(span query, string_view name)
{
    const char *q = query.p, *end = q + query.n;
    while (query.present && q <= end) {
        const char *amp = memchr(q, '&', (size_t)(end - q));
        const char *pair_end = amp ? amp : end;
        const char *eq = memchr(q, '=', (size_t)(pair_end - q));
        const char *name_end = eq ? eq : pair_end;
        if ((uint32_t)(name_end - q) == name.length && memcmp(q, string_view_data(&name), name.length) == 0)
            return eq ? (span){eq + 1, (uint32_t)(pair_end - eq - 1), true} : (span){q, 0, true};
        if (!amp)
            break;
        q = amp + 1;
    }
    return (span){0};
}

enum { PART_PROTOCOL, PART_HOST, PART_PORT, PART_PATH, PART_QUERY, PART_FRAGMENT, PART_PARAMETER };

static bool extract_kernel(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    vector_view v0 = node_arg(n, 0), v1 = n->k[0] == PART_PARAMETER ? node_arg(n, 1) : v0;
    int part = (int)n->k[0];
    ROW_LOOP(sel, count, r, {
        string_view s = VIEW_AT(string_view, v0, r);
        url_parts u;
        bool found = split_url(string_view_data(&s), s.length, &u);
        span x = {0};
        if (found) {
            switch (part) {
            case PART_PROTOCOL: x = u.scheme; break;
            case PART_HOST: x = u.host; break;
            case PART_PORT: x = u.port; break;
            case PART_PATH: x = u.path; break;
            case PART_QUERY: x = u.query; break;
            case PART_FRAGMENT: x = u.fragment; break;
            default: x = query_parameter(u.query, VIEW_AT(string_view, v1, r)); break;
            }
        }
        if (!x.present) {
            if (!node_ensure_validity(n, ctx->error))
                return false;
            node_set_null(n, r);
            continue;
        }
        if (part == PART_PORT) {
            int64_t port = 0;
            for (uint32_t i = 0; i < x.n && port < 100000000; i++)
                port = port * 10 + (x.p[i] - '0');
            ((int64_t *)n->out.data)[r] = port;
            continue;
        }
        bool decode = part == PART_PATH || part == PART_QUERY || part == PART_FRAGMENT;
        if (!(decode ? put_decoded(n, r, x, ctx->error) : node_put_string(n, r, x.p, x.n, ctx->error)))
            return false;
    });
    return true;
}

static bool url_encode_kernel(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    vector_view v0 = node_arg(n, 0);
    ROW_LOOP(sel, count, r, {
        string_view s = VIEW_AT(string_view, v0, r);
        const unsigned char *d = (const unsigned char *)string_view_data(&s);
        uint32_t length = 0;
        for (uint32_t i = 0; i < s.length; i++)
            length += isalnum_ascii(d[i]) || strchr(".-*_ ", d[i]) ? 1 : 3;
        char small[STRING_INLINE_MAX];
        char *p = length <= STRING_INLINE_MAX ? small : node_string_reserve(n, length, ctx->error);
        if (!p)
            return false;
        uint32_t o = 0;
        for (uint32_t i = 0; i < s.length; i++) {
            unsigned char c = d[i];
            if (c == ' ') {
                p[o++] = '+';
            } else if (isalnum_ascii(c) || (c && strchr(".-*_", c))) {
                p[o++] = (char)c;
            } else {
                p[o++] = '%';
                p[o++] = "0123456789ABCDEF"[c >> 4];
                p[o++] = "0123456789ABCDEF"[c & 15];
            }
        }
        ((string_view *)n->out.data)[r] = string_view_make(p, length);
    });
    return true;
}

static bool url_decode_kernel(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    vector_view v0 = node_arg(n, 0);
    ROW_LOOP(sel, count, r, {
        string_view s = VIEW_AT(string_view, v0, r);
        const char *d = string_view_data(&s);
        uint32_t length = 0;
        for (uint32_t i = 0; i < s.length; i++, length++) {
            if (d[i] != '%')
                continue;
            if (i + 2 >= s.length)
                return node_error(n, ctx, ERR_INVALID_FUNCTION_ARGUMENT,
                                  "URLDecoder: Incomplete trailing escape (%%) pattern");
            if (hex_digit(d[i + 1]) < 0 || hex_digit(d[i + 2]) < 0)
                return node_error(n, ctx, ERR_INVALID_FUNCTION_ARGUMENT,
                                  "URLDecoder: Illegal hex characters in escape (%%) pattern");
            i += 2;
        }
        char small[STRING_INLINE_MAX];
        char *p = length <= STRING_INLINE_MAX ? small : node_string_reserve(n, length, ctx->error);
        if (!p)
            return false;
        uint32_t o = 0;
        for (uint32_t i = 0; i < s.length; i++) {
            if (d[i] == '%') {
                p[o++] = (char)(hex_digit(d[i + 1]) << 4 | hex_digit(d[i + 2]));
                i += 2;
            } else {
                p[o++] = d[i] == '+' ? ' ' : d[i];
            }
        }
        ((string_view *)n->out.data)[r] = string_view_make(p, length);
    });
    return true;
}

static bool bind_url(expr_node *n, const sql_type *args, int arg_count, sql_type ret, shoal_error *error)
{
    (void)args, (void)arg_count, (void)ret, (void)error;
    static const char *const parts[] = {"url_extract_protocol", "url_extract_host",  "url_extract_port",
                                        "url_extract_path",     "url_extract_query", "url_extract_fragment",
                                        "url_extract_parameter"};
    const char *name = n->function_name;
    if (strcmp(name, "url_encode") == 0) {
        n->kernel = url_encode_kernel;
        return true;
    }
    if (strcmp(name, "url_decode") == 0) {
        n->kernel = url_decode_kernel;
        return true;
    }
    for (int i = 0; i < (int)(sizeof parts / sizeof parts[0]); i++)
        if (strcmp(parts[i], name) == 0)
            n->k[0] = i;
    n->kernel = extract_kernel;
    return true;
}

#define IMPL(name) {name, bind_url}
const scalar_impl url_impls[] = {
    IMPL("url_extract_protocol"), IMPL("url_extract_host"),     IMPL("url_extract_port"),
    IMPL("url_extract_path"),     IMPL("url_extract_query"),    IMPL("url_extract_fragment"),
    IMPL("url_extract_parameter"), IMPL("url_encode"),          IMPL("url_decode"),
};
const int url_impl_count = sizeof url_impls / sizeof url_impls[0];
