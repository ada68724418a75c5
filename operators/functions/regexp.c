/*
 * regexp.c — Trino's regular expression functions on PCRE2 (8-bit, UTF mode,
 * JIT): regexp_like, regexp_extract(s, p[, group]), regexp_replace(s, p[,
 * replacement]), regexp_count, regexp_position(s, p[, start[, occurrence]]).
 *
 * A constant pattern is compiled once when the program is bound; a pattern
 * that varies per row is compiled when it changes (the last one is cached).
 *
 * Dialect: Trino runs Java-syntax patterns (Joni); PCRE2 accepts the same
 * syntax for everything in common use (classes, quantifiers, lazy and
 * possessive forms, groups, named groups (?<n>...), lookaround, \Q...\E,
 * \p{L}). Not the same: Java-only classes such as \p{javaLowerCase}, and
 * Java's \v (vertical whitespace in both, but PCRE2 treats \h/\v/\R as
 * Unicode by default). Invalid UTF-8 input does not fail (MATCH_INVALID_UTF).
 *
 * The replacement string follows Java's Matcher.appendReplacement: $g or
 * ${name} insert a group, \ escapes the next character.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

#include "operators/expr_internal.h"

typedef struct regex_data {
    pcre2_code *code;
    pcre2_match_data *match;
    uint32_t groups;
    bool constant;           /* compiled from a constant pattern at bind time */
    char *last;              /* the pattern `code` was compiled from (varying patterns) */
    uint32_t last_length;
} regex_data;

static void regex_data_free(void *p)
{
    regex_data *d = p;
    if (!d)
        return;
    pcre2_match_data_free(d->match);
    pcre2_code_free(d->code);
    free(d->last);
    free(d);
}

static bool regex_compile(regex_data *d, const char *pattern, uint32_t length, shoal_error *error)
{
    int code;
    PCRE2_SIZE offset;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)pattern, length, PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &code,
                                   &offset, NULL);
    if (!re) {
        PCRE2_UCHAR message[256];
        pcre2_get_error_message(code, message, sizeof message);
        return error_set(error, ERR_INVALID_FUNCTION_ARGUMENT, "Invalid regular expression '%.*s': %s at offset %zu",
                         (int)(length > 200 ? 200 : length), pattern, (const char *)message, (size_t)offset);
    }
    pcre2_jit_compile(re, PCRE2_JIT_COMPLETE); /* falls back to the interpreter when JIT is unavailable */
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
    if (!md) {
        pcre2_code_free(re);
        return error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
    }
    pcre2_match_data_free(d->match);
    pcre2_code_free(d->code);
    d->code = re;
    d->match = md;
    uint32_t groups = 0;
    pcre2_pattern_info(re, PCRE2_INFO_CAPTURECOUNT, &groups);
    d->groups = groups;
    return true;
}

/* The compiled pattern for row r (recompiled when a varying pattern changes). */
static regex_data *regex_for_row(expr_node *n, eval_context *ctx, const vector_view *vp, uint32_t r)
{
    regex_data *d = n->data;
    if (d->constant)
        return d;
    string_view p = VIEW_AT(string_view, *vp, r);
    const char *text = string_view_data(&p);
    if (d->code && d->last_length == p.length && memcmp(d->last, text, p.length) == 0)
        return d;
    if (!regex_compile(d, text, p.length, ctx->error))
        return NULL;
    char *copy = malloc(p.length + 1);
    if (!copy) {
        node_error(n, ctx, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
        return NULL;
    }
    memcpy(copy, text, p.length);
    free(d->last);
    d->last = copy;
    d->last_length = p.length;
    return d;
}

static inline int regex_match(regex_data *d, const char *s, uint32_t length, uint32_t start)
{
    return pcre2_match(d->code, (PCRE2_SPTR)s, length, start, 0, d->match, NULL);
}

static bool match_failed(expr_node *n, eval_context *ctx, int rc)
{
    if (rc >= 0 || rc == PCRE2_ERROR_NOMATCH)
        return false;
    PCRE2_UCHAR message[256];
    pcre2_get_error_message(rc, message, sizeof message);
    node_error(n, ctx, ERR_GENERIC_INTERNAL_ERROR, "Regular expression match failed: %s", (const char *)message);
    return true;
}

static inline bool is_continuation(unsigned char c)
{
    return (c & 0xC0) == 0x80;
}

/* Where to search after a match [start, end): past an empty match by one code point. */
static uint32_t next_start(const char *s, uint32_t length, uint32_t start, uint32_t end)
{
    if (end > start)
        return end;
    uint32_t i = end + 1;
    while (i < length && is_continuation((unsigned char)s[i]))
        i++;
    return i;
}

static int64_t code_points(const char *s, uint32_t n)
{
    int64_t count = 0;
    for (uint32_t i = 0; i < n; i++)
        count += !is_continuation((unsigned char)s[i]);
    return count;
}

#define REGEX_ROW(d, vp, r) \
    regex_data *d = regex_for_row(n, ctx, &vp, r); \
    if (!d) \
        return false

/* ---- regexp_like ---- */

static bool like_kernel(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    vector_view vs = node_arg(n, 0), vp = node_arg(n, 1);
    uint8_t *out = n->out.data;
    ROW_LOOP(sel, count, r, {
        REGEX_ROW(d, vp, r);
        string_view s = VIEW_AT(string_view, vs, r);
        int rc = regex_match(d, string_view_data(&s), s.length, 0);
        if (match_failed(n, ctx, rc))
            return false;
        out[r] = rc >= 0;
    });
    return true;
}

static uint32_t like_select(expr_node *n, const uint32_t *sel, uint32_t count, uint32_t *out)
{
    regex_data *d = n->data; /* select form only with a constant pattern */
    vector_view vs = node_arg(n, 0);
    uint32_t m = 0;
    ROW_LOOP(sel, count, r, {
        string_view s = VIEW_AT(string_view, vs, r);
        out[m] = r;
        m += regex_match(d, string_view_data(&s), s.length, 0) >= 0;
    });
    return m;
}

/* ---- regexp_extract ---- */

static bool extract_kernel(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    vector_view vs = node_arg(n, 0), vp = node_arg(n, 1);
    vector_view vg = n->child_count > 2 ? node_arg(n, 2) : vs;
    bool has_group = n->child_count > 2;
    string_view *out = n->out.data;
    ROW_LOOP(sel, count, r, {
        REGEX_ROW(d, vp, r);
        int64_t group = has_group ? VIEW_AT(int64_t, vg, r) : 0;
        if (group < 0 || group > d->groups)
            return node_error(n, ctx, ERR_INVALID_FUNCTION_ARGUMENT, "Pattern has %u groups. Cannot access group %lld",
                              d->groups, (long long)group);
        string_view s = VIEW_AT(string_view, vs, r);
        const char *text = string_view_data(&s);
        int rc = regex_match(d, text, s.length, 0);
        if (match_failed(n, ctx, rc))
            return false;
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(d->match);
        if (rc < 0 || ov[2 * group] == PCRE2_UNSET) {
            if (!node_ensure_validity(n, ctx->error))
                return false;
            node_set_null(n, r);
            continue;
        }
        out[r] = string_view_make(text + ov[2 * group], (uint32_t)(ov[2 * group + 1] - ov[2 * group]));
    });
    return node_keep_child_strings(n, 0, ctx->error);
}

/* ---- regexp_count ---- */

static bool count_kernel(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    vector_view vs = node_arg(n, 0), vp = node_arg(n, 1);
    int64_t *out = n->out.data;
    ROW_LOOP(sel, count, r, {
        REGEX_ROW(d, vp, r);
        string_view s = VIEW_AT(string_view, vs, r);
        const char *text = string_view_data(&s);
        int64_t matches = 0;
        uint32_t start = 0;
        while (start <= s.length) {
            int rc = regex_match(d, text, s.length, start);
            if (match_failed(n, ctx, rc))
                return false;
            if (rc < 0)
                break;
            PCRE2_SIZE *ov = pcre2_get_ovector_pointer(d->match);
            matches++;
            start = next_start(text, s.length, (uint32_t)ov[0], (uint32_t)ov[1]);
        }
        out[r] = matches;
    });
    return true;
}

/* ---- regexp_position ---- */

static bool position_kernel(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    vector_view vs = node_arg(n, 0), vp = node_arg(n, 1);
    vector_view vstart = n->child_count > 2 ? node_arg(n, 2) : vs;
    vector_view vocc = n->child_count > 3 ? node_arg(n, 3) : vs;
    int32_t *out = n->out.data;
    ROW_LOOP(sel, count, r, {
        REGEX_ROW(d, vp, r);
        int64_t from = n->child_count > 2 ? VIEW_AT(int64_t, vstart, r) : 1;
        int64_t occurrence = n->child_count > 3 ? VIEW_AT(int64_t, vocc, r) : 1;
        if (from < 1)
            return node_error(n, ctx, ERR_INVALID_FUNCTION_ARGUMENT, "start position cannot be smaller than 1");
        if (occurrence < 1)
            return node_error(n, ctx, ERR_INVALID_FUNCTION_ARGUMENT, "occurrence cannot be smaller than 1");
        string_view s = VIEW_AT(string_view, vs, r);
        const char *text = string_view_data(&s);
        /* byte offset of code point from-1 */
        uint32_t start = 0;
        for (int64_t k = 1; k < from && start < s.length; k++) {
            start++;
            while (start < s.length && is_continuation((unsigned char)text[start]))
                start++;
        }
        int32_t result = -1;
        if (from - 1 <= code_points(text, s.length)) {
            while (start <= s.length) {
                int rc = regex_match(d, text, s.length, start);
                if (match_failed(n, ctx, rc))
                    return false;
                if (rc < 0)
                    break;
                PCRE2_SIZE *ov = pcre2_get_ovector_pointer(d->match);
                if (--occurrence == 0) {
                    result = (int32_t)code_points(text, (uint32_t)ov[0]) + 1;
                    break;
                }
                start = next_start(text, s.length, (uint32_t)ov[0], (uint32_t)ov[1]);
            }
        }
        out[r] = result;
    });
    return true;
}

/* ---- regexp_replace ---- */

typedef struct outbuf {
    char *data;
    size_t length, capacity;
} outbuf;

static bool outbuf_add(outbuf *b, const char *p, size_t length)
{
    if (length == 0)
        return true;
    if (b->length + length > b->capacity) {
        size_t c = b->capacity ? b->capacity * 2 : 256;
        while (c < b->length + length)
            c *= 2;
        char *d = realloc(b->data, c);
        if (!d)
            return false;
        b->data = d;
        b->capacity = c;
    }
    memcpy(b->data + b->length, p, length);
    b->length += length;
    return true;
}

/* Appends the replacement for the current match; false with an error set. */
static bool append_replacement(expr_node *n, eval_context *ctx, regex_data *d, const char *text,
                               const char *rep, uint32_t rep_length, outbuf *b)
{
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(d->match);
    for (uint32_t i = 0; i < rep_length;) {
        char c = rep[i];
        if (c == '\\') {
            if (i + 1 >= rep_length)
                return node_error(n, ctx, ERR_INVALID_FUNCTION_ARGUMENT, "Illegal replacement sequence: %.*s",
                                  (int)rep_length, rep);
            if (!outbuf_add(b, rep + i + 1, 1))
                return node_error(n, ctx, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
            i += 2;
            continue;
        }
        if (c != '$') {
            uint32_t j = i;
            while (j < rep_length && rep[j] != '$' && rep[j] != '\\')
                j++;
            if (!outbuf_add(b, rep + i, j - i))
                return node_error(n, ctx, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
            i = j;
            continue;
        }
        i++;
        if (i >= rep_length)
            return node_error(n, ctx, ERR_INVALID_FUNCTION_ARGUMENT, "Illegal replacement sequence: %.*s",
                              (int)rep_length, rep);
        int64_t group;
        if (rep[i] == '{') {
            uint32_t close = i + 1;
            while (close < rep_length && rep[close] != '}')
                close++;
            if (close >= rep_length || close == i + 1)
                return node_error(n, ctx, ERR_INVALID_FUNCTION_ARGUMENT, "Illegal replacement sequence: %.*s",
                                  (int)rep_length, rep);
            char name[128];
            uint32_t name_length = close - i - 1;
            if (name_length >= sizeof name)
                name_length = sizeof name - 1;
            memcpy(name, rep + i + 1, name_length);
            name[name_length] = '\0';
            int number = pcre2_substring_number_from_name(d->code, (PCRE2_SPTR)name);
            if (number < 0)
                return node_error(n, ctx, ERR_INVALID_FUNCTION_ARGUMENT, "No group with name {%s}", name);
            group = number;
            i = close + 1;
        } else {
            if (rep[i] < '0' || rep[i] > '9')
                return node_error(n, ctx, ERR_INVALID_FUNCTION_ARGUMENT, "Illegal group reference");
            group = rep[i++] - '0';
            if (group > d->groups)
                return node_error(n, ctx, ERR_INVALID_FUNCTION_ARGUMENT, "Illegal group reference: group %lld does not exist",
                                  (long long)group);
            /* more digits while the number stays a valid group (Java) */
            while (i < rep_length && rep[i] >= '0' && rep[i] <= '9' && group * 10 + (rep[i] - '0') <= d->groups)
                group = group * 10 + (rep[i++] - '0');
        }
        if (ov[2 * group] != PCRE2_UNSET &&
            !outbuf_add(b, text + ov[2 * group], ov[2 * group + 1] - ov[2 * group]))
            return node_error(n, ctx, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
    }
    return true;
}

static bool replace_kernel(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    vector_view vs = node_arg(n, 0), vp = node_arg(n, 1);
    vector_view vr = n->child_count > 2 ? node_arg(n, 2) : vs;
    bool has_replacement = n->child_count > 2;
    outbuf b = {0};
    ROW_LOOP(sel, count, r, {
        regex_data *d = regex_for_row(n, ctx, &vp, r);
        if (!d) {
            free(b.data);
            return false;
        }
        string_view s = VIEW_AT(string_view, vs, r);
        string_view rep = has_replacement ? VIEW_AT(string_view, vr, r) : string_view_make("", 0);
        const char *text = string_view_data(&s), *rtext = string_view_data(&rep);
        b.length = 0;
        uint32_t start = 0, copied = 0;
        bool ok = true;
        while (ok && start <= s.length) {
            int rc = regex_match(d, text, s.length, start);
            if (match_failed(n, ctx, rc)) {
                ok = false;
                break;
            }
            if (rc < 0)
                break;
            PCRE2_SIZE *ov = pcre2_get_ovector_pointer(d->match);
            uint32_t ms = (uint32_t)ov[0], me = (uint32_t)ov[1];
            ok = outbuf_add(&b, text + copied, ms - copied);
            if (!ok) {
                node_error(n, ctx, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
                break;
            }
            ok = append_replacement(n, ctx, d, text, rtext, rep.length, &b);
            copied = me;
            start = next_start(text, s.length, ms, me);
            if (me == ms && start <= s.length) {
                /* an empty match: the skipped code point stays */
                ok = ok && outbuf_add(&b, text + copied, start - copied);
                copied = start;
            }
        }
        if (ok && copied < s.length)
            ok = outbuf_add(&b, text + copied, s.length - copied);
        if (!ok) {
            free(b.data);
            if (!ctx->error || ctx->error->code == 0)
                node_error(n, ctx, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
            return false;
        }
        uint32_t length = (uint32_t)b.length;
        char small[STRING_INLINE_MAX];
        char *p = length <= STRING_INLINE_MAX ? small : node_string_reserve(n, length, ctx->error);
        if (!p) {
            free(b.data);
            return false;
        }
        if (length)
            memcpy(p, b.data, length);
        ((string_view *)n->out.data)[r] = string_view_make(p, length);
    });
    free(b.data);
    return true;
}

/* ---- binding ---- */

static bool bind_regexp(expr_node *n, const sql_type *args, int arg_count, sql_type ret,
                        shoal_error *error)
{
    (void)args;
    (void)ret;
    const char *name = n->function_name;
    regex_data *d = calloc(1, sizeof *d);
    if (!d)
        return error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
    n->data = d;
    n->free_data = regex_data_free;
    expr_node *pattern = n->children[1];
    if (pattern->kind == EXPR_CONSTANT) {
        vector_view v = vector_view_of(&pattern->constant);
        if (v.validity && !vector_view_valid(&v, 0)) {
            d->constant = false; /* a NULL pattern: every row is NULL */
        } else {
            string_view p = ((const string_view *)v.data)[0];
            if (!regex_compile(d, string_view_data(&p), p.length, error))
                return false;
            d->constant = true;
        }
    }
    if (strcmp(name, "regexp_like") == 0) {
        n->kernel = like_kernel;
        if (d->constant)
            n->select_kernel = like_select;
    } else if (strcmp(name, "regexp_extract") == 0) {
        n->kernel = extract_kernel;
    } else if (strcmp(name, "regexp_replace") == 0) {
        n->kernel = replace_kernel;
    } else if (strcmp(name, "regexp_count") == 0) {
        n->kernel = count_kernel;
    } else if (strcmp(name, "regexp_position") == 0) {
        n->kernel = position_kernel;
    } else {
        return error_set(error, ERR_FUNCTION_IMPLEMENTATION_MISSING, "No kernel for %s", name);
    }
    (void)arg_count;
    return true;
}

const scalar_impl regexp_impls[] = {
    {"regexp_like", bind_regexp},    {"regexp_extract", bind_regexp},  {"regexp_replace", bind_regexp},
    {"regexp_count", bind_regexp},   {"regexp_position", bind_regexp},
};
const int regexp_impl_count = sizeof regexp_impls / sizeof regexp_impls[0];
