/*
 * slt_parser.c — reads sqllogictest records from a file held in memory.
 * Mirrors the reference runner's reader: records are separated by blank
 * lines, guards (skipif/onlyif) come first, and the first remaining line's
 * words say what the record is.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/slt/slt_record.h"

typedef struct line_view {
    const char *start;
    size_t length;
} line_view;

void slt_parser_init(slt_parser *p, const char *text, size_t length)
{
    p->text = text;
    p->length = length;
    p->offset = 0;
    p->line = 0;
}

/* The next line without its '\n' and a trailing '\r'; false at the end. */
static bool next_line(slt_parser *p, line_view *out)
{
    if (p->offset >= p->length)
        return false;
    const char *start = p->text + p->offset;
    const char *nl = memchr(start, '\n', p->length - p->offset);
    size_t length = nl ? (size_t)(nl - start) : p->length - p->offset;
    p->offset += length + (nl ? 1 : 0);
    p->line++;
    if (length > 0 && start[length - 1] == '\r')
        length--;
    out->start = start;
    out->length = length;
    return true;
}

/* Looks at the next line without consuming it. */
static bool peek_line(const slt_parser *p, line_view *out)
{
    slt_parser copy = *p;
    return next_line(&copy, out);
}

static bool is_blank(line_view l)
{
    for (size_t i = 0; i < l.length; i++)
        if (!isspace((unsigned char)l.start[i]))
            return false;
    return true;
}

/* Splits a line into up to `max` whitespace-separated words (copied into
 * `storage`, NUL-terminated). Returns the word count. */
static int split_words(line_view l, char words[][SLT_NAME_MAX * 4], int max)
{
    int n = 0;
    size_t i = 0;
    while (i < l.length && n < max) {
        while (i < l.length && isspace((unsigned char)l.start[i]))
            i++;
        if (i >= l.length)
            break;
        size_t begin = i;
        while (i < l.length && !isspace((unsigned char)l.start[i]))
            i++;
        size_t len = i - begin;
        if (len >= SLT_NAME_MAX * 4)
            len = SLT_NAME_MAX * 4 - 1;
        memcpy(words[n], l.start + begin, len);
        words[n][len] = '\0';
        n++;
    }
    return n;
}

/* A growable text that lines are appended to, separated by '\n'. */
typedef struct joined {
    char *data;
    size_t length;
    size_t capacity;
    bool failed;
} joined;

static void joined_add(joined *j, line_view l)
{
    size_t need = j->length + l.length + 2;
    if (need > j->capacity) {
        size_t capacity = j->capacity ? j->capacity * 2 : 256;
        while (capacity < need)
            capacity *= 2;
        char *data = realloc(j->data, capacity);
        if (!data) {
            j->failed = true;
            return;
        }
        j->data = data;
        j->capacity = capacity;
    }
    if (j->length > 0)
        j->data[j->length++] = '\n';
    memcpy(j->data + j->length, l.start, l.length);
    j->length += l.length;
    j->data[j->length] = '\0';
}

static char *copy_line(line_view l)
{
    char *s = malloc(l.length + 1);
    if (s) {
        memcpy(s, l.start, l.length);
        s[l.length] = '\0';
    }
    return s;
}

static bool add_expected(slt_record *r, line_view l, int *capacity)
{
    if (r->expected_count == *capacity) {
        int grown = *capacity ? *capacity * 2 : 16;
        char **lines = realloc(r->expected, sizeof *lines * (size_t)grown);
        if (!lines)
            return false;
        r->expected = lines;
        *capacity = grown;
    }
    char *s = copy_line(l);
    if (!s)
        return false;
    r->expected[r->expected_count++] = s;
    return true;
}

/* Consumes lines up to the blank line that ends the record. */
static void skip_record_rest(slt_parser *p)
{
    line_view l;
    while (next_line(p, &l) && !is_blank(l)) {
    }
}

static int read_statement(slt_parser *p, slt_record *r, const char *mode)
{
    r->kind = SLT_RECORD_STATEMENT;
    r->expect_error = strcmp(mode, "error") == 0;
    joined sql = {0};
    line_view l;
    while (next_line(p, &l) && !is_blank(l))
        joined_add(&sql, l);
    if (sql.failed) {
        free(sql.data);
        return -1;
    }
    r->sql = sql.data ? sql.data : strdup("");
    return r->sql ? 1 : -1;
}

static slt_sort parse_sort(const char *word, bool *is_sort)
{
    *is_sort = true;
    if (strcmp(word, "rowsort") == 0)
        return SLT_SORT_ROWS;
    if (strcmp(word, "valuesort") == 0)
        return SLT_SORT_VALUES;
    if (strcmp(word, "nosort") != 0)
        *is_sort = false;
    return SLT_SORT_NONE;
}

static int read_query(slt_parser *p, slt_record *r, char words[][SLT_NAME_MAX * 4], int word_count)
{
    r->kind = SLT_RECORD_QUERY;
    r->types = strdup(word_count > 1 ? words[1] : "");
    if (!r->types)
        return -1;
    int next = 2;
    if (word_count > next) {
        bool is_sort;
        r->sort = parse_sort(words[next], &is_sort);
        if (is_sort)
            next++;
    }
    if (word_count > next) {
        r->label = strdup(words[next]);
        if (!r->label)
            return -1;
    }
    joined sql = {0};
    line_view l;
    bool more = false;
    while ((more = next_line(p, &l)) && !is_blank(l)) {
        if (l.length == 4 && memcmp(l.start, "----", 4) == 0) {
            r->has_separator = true;
            break;
        }
        joined_add(&sql, l);
    }
    if (sql.failed) {
        free(sql.data);
        return -1;
    }
    r->sql = sql.data ? sql.data : strdup("");
    if (!r->sql)
        return -1;
    if (r->has_separator) {
        int capacity = 0;
        while (next_line(p, &l) && !is_blank(l))
            if (!add_expected(r, l, &capacity))
                return -1;
    }
    return 1;
}

int slt_parser_next(slt_parser *p, slt_record *r)
{
    memset(r, 0, sizeof *r);
    char words[4][SLT_NAME_MAX * 4];
    line_view l;
    for (;;) {
        /* skip blank lines and comments between records */
        if (!peek_line(p, &l))
            return 0;
        if (is_blank(l) || l.start[0] == '#') {
            next_line(p, &l);
            continue;
        }
        next_line(p, &l);
        int n = split_words(l, words, 4);
        bool skipif = strcmp(words[0], "skipif") == 0;
        if (skipif || strcmp(words[0], "onlyif") == 0) {
            if (r->guard_count < SLT_MAX_GUARDS && n > 1) {
                slt_guard *g = &r->guards[r->guard_count++];
                g->only = !skipif;
                snprintf(g->engine, sizeof g->engine, "%.*s", SLT_NAME_MAX - 1, words[1]);
            }
            /* a guard followed by a blank line guards nothing */
            if (!peek_line(p, &l) || is_blank(l))
                r->guard_count = 0;
            continue;
        }
        r->line = p->line;
        if (strcmp(words[0], "statement") == 0)
            return read_statement(p, r, n > 1 ? words[1] : "ok");
        if (strcmp(words[0], "query") == 0)
            return read_query(p, r, words, n);
        if (strcmp(words[0], "hash-threshold") == 0) {
            r->kind = SLT_RECORD_HASH_THRESHOLD;
            r->hash_threshold = n > 1 ? atoi(words[1]) : 0;
            skip_record_rest(p);
            return 1;
        }
        if (strcmp(words[0], "halt") == 0) {
            r->kind = SLT_RECORD_HALT;
            skip_record_rest(p);
            return 1;
        }
        r->kind = SLT_RECORD_UNKNOWN;
        r->unknown_line = copy_line(l);
        skip_record_rest(p);
        return r->unknown_line ? 1 : -1;
    }
}

void slt_record_free(slt_record *r)
{
    free(r->sql);
    free(r->types);
    free(r->label);
    for (int i = 0; i < r->expected_count; i++)
        free(r->expected[i]);
    free(r->expected);
    free(r->unknown_line);
    memset(r, 0, sizeof *r);
}

bool slt_record_applies(const slt_record *r, const char *engine)
{
    for (int i = 0; i < r->guard_count; i++) {
        bool same = strcmp(r->guards[i].engine, engine) == 0;
        if (r->guards[i].only ? !same : same)
            return false;
    }
    return true;
}

bool slt_parse_hash_line(const char *line, long *count, char hash[33])
{
    char *end;
    long n = strtol(line, &end, 10);
    if (end == line || n < 0)
        return false;
    static const char middle[] = " values hashing to ";
    if (strncmp(end, middle, sizeof middle - 1) != 0)
        return false;
    const char *h = end + sizeof middle - 1;
    for (int i = 0; i < 32; i++)
        if (!isxdigit((unsigned char)h[i]))
            return false;
    if (h[32] != '\0')
        return false;
    memcpy(hash, h, 32);
    hash[32] = '\0';
    *count = n;
    return true;
}
