/*
 * like.c — SQL LIKE with optional ESCAPE. A constant pattern is compiled
 * once: no wildcard -> equality, 'abc%' -> prefix, '%abc' -> suffix,
 * '%abc%' -> memmem, '%a%b%' (only %) -> a chain of memmem; patterns with
 * '_' use a backtracking matcher on code points. Patterns that are not
 * constant are compiled per row (slow path).
 */
#define _GNU_SOURCE /* memmem */
#include <stdlib.h>
#include <string.h>

#include "operators/expr_internal.h"

typedef enum like_kind { LIKE_EXACT, LIKE_PREFIX, LIKE_SUFFIX, LIKE_CONTAINS, LIKE_SEGMENTS, LIKE_GENERAL } like_kind;

enum { TOKEN_ONE = 256, TOKEN_MANY = 257 };

typedef struct like_pattern {
    like_kind kind;
    bool leading_many, trailing_many;
    int segment_count;
    uint32_t *segment_offset, *segment_length; /* into literal */
    char *literal;
    uint32_t literal_length;
    int *tokens;           /* LIKE_GENERAL: bytes or TOKEN_ONE/TOKEN_MANY */
    int token_count;
} like_pattern;

static void pattern_free(like_pattern *p)
{
    if (!p)
        return;
    free(p->segment_offset);
    free(p->segment_length);
    free(p->literal);
    free(p->tokens);
    free(p);
}

static bool pattern_compile(const char *text, uint32_t length, const char *escape,
                            uint32_t escape_length, like_pattern **out, shoal_error *error)
{
    if (escape && escape_length != 1)
        return error_set(error, ERR_INVALID_FUNCTION_ARGUMENT, "Escape string must be a single character");
    like_pattern *p = calloc(1, sizeof *p);
    if (!p)
        return error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
    p->tokens = malloc(sizeof(int) * (length + 1));
    p->literal = malloc(length + 1);
    p->segment_offset = malloc(sizeof(uint32_t) * (length + 2));
    p->segment_length = malloc(sizeof(uint32_t) * (length + 2));
    if (!p->tokens || !p->literal || !p->segment_offset || !p->segment_length) {
        pattern_free(p);
        return error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
    }
    bool has_one = false;
    for (uint32_t i = 0; i < length; i++) {
        char c = text[i];
        if (escape && c == escape[0]) {
            if (i + 1 >= length || (text[i + 1] != '%' && text[i + 1] != '_' && text[i + 1] != escape[0])) {
                pattern_free(p);
                return error_set(error, ERR_INVALID_FUNCTION_ARGUMENT,
                                 "Escape character must be followed by '%%', '_' or the escape character itself");
            }
            p->tokens[p->token_count++] = (unsigned char)text[++i];
        } else if (c == '%') {
            if (p->token_count == 0 || p->tokens[p->token_count - 1] != TOKEN_MANY)
                p->tokens[p->token_count++] = TOKEN_MANY;
        } else if (c == '_') {
            p->tokens[p->token_count++] = TOKEN_ONE;
            has_one = true;
        } else {
            p->tokens[p->token_count++] = (unsigned char)c;
        }
    }
    *out = p;
    if (has_one) {
        p->kind = LIKE_GENERAL;
        return true;
    }
    /* split into literal segments between % */
    int i = 0;
    p->leading_many = p->token_count > 0 && p->tokens[0] == TOKEN_MANY;
    p->trailing_many = p->token_count > 0 && p->tokens[p->token_count - 1] == TOKEN_MANY;
    while (i < p->token_count) {
        if (p->tokens[i] == TOKEN_MANY) {
            i++;
            continue;
        }
        p->segment_offset[p->segment_count] = p->literal_length;
        while (i < p->token_count && p->tokens[i] != TOKEN_MANY)
            p->literal[p->literal_length++] = (char)p->tokens[i++];
        p->segment_length[p->segment_count] = p->literal_length - p->segment_offset[p->segment_count];
        p->segment_count++;
    }
    if (p->segment_count == 0)
        p->kind = p->leading_many ? LIKE_CONTAINS : LIKE_EXACT; /* '%' matches all, '' only '' */
    else if (p->segment_count == 1 && !p->leading_many && !p->trailing_many)
        p->kind = LIKE_EXACT;
    else if (p->segment_count == 1 && !p->leading_many)
        p->kind = LIKE_PREFIX;
    else if (p->segment_count == 1 && !p->trailing_many)
        p->kind = LIKE_SUFFIX;
    else if (p->segment_count == 1)
        p->kind = LIKE_CONTAINS;
    else
        p->kind = LIKE_SEGMENTS;
    return true;
}

static uint32_t next_point(const char *s, uint32_t n, uint32_t i)
{
    i++;
    while (i < n && ((unsigned char)s[i] & 0xC0) == 0x80)
        i++;
    return i;
}

static bool match_general(const like_pattern *p, const char *s, uint32_t n)
{
    uint32_t i = 0;
    int j = 0, star_j = -1;
    uint32_t star_i = 0;
    while (i < n) {
        if (j < p->token_count && p->tokens[j] == TOKEN_ONE) {
            i = next_point(s, n, i);
            j++;
        } else if (j < p->token_count && p->tokens[j] < 256 && (unsigned char)s[i] == p->tokens[j]) {
            i++;
            j++;
        } else if (j < p->token_count && p->tokens[j] == TOKEN_MANY) {
            star_j = j++;
            star_i = i;
        } else if (star_j >= 0) {
            j = star_j + 1;
            star_i = next_point(s, n, star_i);
            i = star_i;
        } else {
            return false;
        }
    }
    while (j < p->token_count && p->tokens[j] == TOKEN_MANY)
        j++;
    return j == p->token_count;
}

/* memchr on the first byte, then memcmp: faster than memmem for the short
 * needles and haystacks LIKE sees */
static inline const char *find(const char *s, uint32_t n, const char *needle, uint32_t m)
{
    if (m == 0)
        return s;
    if (m > n)
        return NULL;
    const char *p = s, *last = s + n - m;
    char first = needle[0];
    while (p <= last) {
        p = memchr(p, first, (size_t)(last - p) + 1);
        if (!p)
            return NULL;
        if (memcmp(p + 1, needle + 1, m - 1) == 0)
            return p;
        p++;
    }
    return NULL;
}

static inline bool like_match(const like_pattern *p, const char *s, uint32_t n)
{
    const char *lit = p->literal;
    uint32_t len0 = p->segment_count ? p->segment_length[0] : 0;
    switch (p->kind) {
    case LIKE_EXACT: return n == len0 && memcmp(s, lit, n) == 0;
    case LIKE_PREFIX: return n >= len0 && memcmp(s, lit, len0) == 0;
    case LIKE_SUFFIX: return n >= len0 && memcmp(s + n - len0, lit, len0) == 0;
    case LIKE_CONTAINS: return len0 == 0 || find(s, n, lit, len0) != NULL;
    case LIKE_SEGMENTS: {
        uint32_t at = 0, end = n;
        int first = 0, last = p->segment_count - 1;
        if (!p->leading_many) {
            if (n < len0 || memcmp(s, lit, len0) != 0)
                return false;
            at = len0;
            first = 1;
        }
        if (!p->trailing_many) {
            uint32_t l = p->segment_length[last];
            if (end - at < l || memcmp(s + end - l, lit + p->segment_offset[last], l) != 0)
                return false;
            end -= l;
            last--;
        }
        for (int k = first; k <= last; k++) {
            uint32_t l = p->segment_length[k];
            const char *hit = find(s + at, end - at, lit + p->segment_offset[k], l);
            if (!hit)
                return false;
            at = (uint32_t)(hit - s) + l;
        }
        return true;
    }
    case LIKE_GENERAL: return match_general(p, s, n);
    }
    return false;
}

static bool like_constant_eval(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    (void)ctx;
    const like_pattern *p = n->data;
    vector_view v = node_arg(n, 0);
    uint8_t *out = n->out.data;
    UNARY_LOOP(string_view, v, sel, count, r, s, out[r] = like_match(p, string_view_data(&s), s.length););
    return true;
}

static uint32_t like_constant_select(expr_node *n, const uint32_t *sel, uint32_t count, uint32_t *out)
{
    const like_pattern *p = n->data;
    vector_view v = node_arg(n, 0);
    uint32_t m = 0;
    UNARY_LOOP(string_view, v, sel, count, r, s, {
        out[m] = r;
        m += like_match(p, string_view_data(&s), s.length);
    });
    return m;
}

static bool like_dynamic_eval(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    vector_view v = node_arg(n, 0), vp = node_arg(n, 1);
    vector_view ve = n->child_count > 2 ? node_arg(n, 2) : v;
    uint8_t *out = n->out.data;
    ROW_LOOP(sel, count, r, {
        string_view s = VIEW_AT(string_view, v, r), pt = VIEW_AT(string_view, vp, r);
        string_view esc = n->child_count > 2 ? VIEW_AT(string_view, ve, r) : string_view_make("", 0);
        like_pattern *p;
        if (!pattern_compile(string_view_data(&pt), pt.length, n->child_count > 2 ? string_view_data(&esc) : NULL,
                             esc.length, &p, ctx->error))
            return false;
        out[r] = like_match(p, string_view_data(&s), s.length);
        pattern_free(p);
    });
    return true;
}

static void like_data_free(void *data)
{
    pattern_free(data);
}

bool like_bind(expr_node *n, shoal_error *error)
{
    expr_node *pattern = n->children[1];
    expr_node *escape = n->child_count > 2 ? n->children[2] : NULL;
    n->kernel = like_dynamic_eval;
    if (pattern->kind != EXPR_CONSTANT || (escape && escape->kind != EXPR_CONSTANT))
        return true;
    if (vector_is_null(&pattern->constant, 0) || (escape && vector_is_null(&escape->constant, 0)))
        return true; /* every row is NULL */
    string_view pt = *(const string_view *)pattern->constant.data;
    const string_view *esc = escape ? (const string_view *)escape->constant.data : NULL;
    like_pattern *p;
    if (!pattern_compile(string_view_data(&pt), pt.length, esc ? string_view_data(esc) : NULL,
                         esc ? esc->length : 0, &p, error))
        return false;
    n->data = p;
    n->kernel = like_constant_eval;
    n->free_data = like_data_free;
    n->select_kernel = like_constant_select;
    return true;
}
