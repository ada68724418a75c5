/*
 * slt_value.c — rendering, sorting, hashing and comparing sqllogictest
 * result values (see slt_value.h for the rules).
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tools/slt/slt_md5.h"
#include "tools/slt/slt_value.h"

/* SQLite's reading of text as an integer: leading spaces, a sign, digits;
 * anything else ends it (no digits: 0). Saturates instead of overflowing. */
static int64_t text_leading_integer(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && isspace((unsigned char)s[i]))
        i++;
    bool negative = false;
    if (i < n && (s[i] == '+' || s[i] == '-'))
        negative = s[i++] == '-';
    uint64_t v = 0;
    bool overflow = false;
    for (; i < n && isdigit((unsigned char)s[i]); i++) {
        if (v > (UINT64_MAX - 9) / 10)
            overflow = true;
        else
            v = v * 10 + (uint64_t)(s[i] - '0');
    }
    if (negative)
        return overflow || v > (uint64_t)INT64_MAX + 1 ? INT64_MIN : (int64_t)(0 - v);
    return overflow || v > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)v;
}

/* SQLite's reading of text as a real: the longest decimal-number prefix. */
static double text_leading_real(const char *s, size_t n)
{
    char buffer[128];
    size_t i = 0, w = 0;
    while (i < n && isspace((unsigned char)s[i]))
        i++;
    if (i < n && (s[i] == '+' || s[i] == '-') && w < sizeof buffer - 1)
        buffer[w++] = s[i++];
    while (i < n && (isdigit((unsigned char)s[i]) || s[i] == '.') && w < sizeof buffer - 1)
        buffer[w++] = s[i++];
    if (i < n && (s[i] == 'e' || s[i] == 'E') && w < sizeof buffer - 8) {
        size_t j = i + 1;
        if (j < n && (s[j] == '+' || s[j] == '-'))
            j++;
        if (j < n && isdigit((unsigned char)s[j])) {
            while (i < j)
                buffer[w++] = s[i++];
            while (i < n && isdigit((unsigned char)s[i]) && w < sizeof buffer - 1)
                buffer[w++] = s[i++];
        }
    }
    buffer[w] = '\0';
    return strtod(buffer, NULL);
}

static __int128 power_of_ten(int n)
{
    __int128 p = 1;
    while (n-- > 0)
        p *= 10;
    return p;
}

/* A C cast of a double to a 64-bit integer, saturating where C is undefined. */
static int64_t double_to_integer(double d)
{
    if (isnan(d))
        return 0;
    if (d >= 9223372036854775807.0)
        return INT64_MAX;
    if (d <= -9223372036854775808.0)
        return INT64_MIN;
    return (int64_t)d;
}

static int64_t cell_integer(const slt_cell *c)
{
    switch (c->kind) {
    case SLT_CELL_INT:
    case SLT_CELL_BOOL: return c->i;
    case SLT_CELL_FLOAT: return double_to_integer(c->d);
    case SLT_CELL_DECIMAL: {
        __int128 whole = c->unscaled / power_of_ten(c->scale);
        if (whole > INT64_MAX)
            return INT64_MAX;
        if (whole < INT64_MIN)
            return INT64_MIN;
        return (int64_t)whole;
    }
    case SLT_CELL_TEXT: return text_leading_integer(c->text, c->length);
    case SLT_CELL_NULL: break;
    }
    return 0;
}

static double cell_real(const slt_cell *c)
{
    switch (c->kind) {
    case SLT_CELL_INT:
    case SLT_CELL_BOOL: return (double)c->i;
    case SLT_CELL_FLOAT: return c->d;
    case SLT_CELL_DECIMAL: return (double)c->unscaled / (double)power_of_ten(c->scale);
    case SLT_CELL_TEXT: return text_leading_real(c->text, c->length);
    case SLT_CELL_NULL: break;
    }
    return 0;
}

/* The exact decimal text of unscaled / 10^scale. */
static void decimal_text(__int128 unscaled, int scale, char *out, size_t size)
{
    char digits[64];
    int n = 0;
    bool negative = unscaled < 0;
    unsigned __int128 v = negative ? (unsigned __int128)0 - (unsigned __int128)unscaled : (unsigned __int128)unscaled;
    do {
        digits[n++] = (char)('0' + (int)(v % 10));
        v /= 10;
    } while (v > 0 || n <= scale);
    size_t w = 0;
    if (negative && w < size - 1)
        out[w++] = '-';
    for (int i = n - 1; i >= 0 && w < size - 2; i--) {
        out[w++] = digits[i];
        if (i == scale && scale > 0)
            out[w++] = '.';
    }
    out[w] = '\0';
}

/* SQLite's text of a real ("%!.15g": always a point or an exponent). */
static void real_text(double d, char *out, size_t size)
{
    snprintf(out, size, "%.15g", d);
    if (!strpbrk(out, ".eEn") && strlen(out) + 2 < size)
        strcat(out, ".0");
}

static char *render_text(const char *text, size_t length)
{
    if (length == 0)
        return strdup("(empty)");
    char *s = malloc(length + 1);
    if (!s)
        return NULL;
    for (size_t i = 0; i < length; i++) {
        unsigned char ch = (unsigned char)text[i];
        s[i] = ch < ' ' || ch > '~' ? '@' : (char)ch;
    }
    s[length] = '\0';
    return s;
}

char *slt_render(const slt_cell *cell, char letter)
{
    char buffer[128] = "";
    if (cell->kind == SLT_CELL_NULL)
        return strdup("NULL");
    if (letter == 'I') {
        snprintf(buffer, sizeof buffer, "%lld", (long long)cell_integer(cell));
        return strdup(buffer);
    }
    if (letter == 'R') {
        snprintf(buffer, sizeof buffer, "%.3f", cell_real(cell));
        return strdup(buffer);
    }
    switch (cell->kind) {
    case SLT_CELL_TEXT: return render_text(cell->text, cell->length);
    case SLT_CELL_INT:
    case SLT_CELL_BOOL: snprintf(buffer, sizeof buffer, "%lld", (long long)cell->i); break;
    case SLT_CELL_FLOAT: real_text(cell->d, buffer, sizeof buffer); break;
    case SLT_CELL_DECIMAL: decimal_text(cell->unscaled, cell->scale, buffer, sizeof buffer); break;
    case SLT_CELL_NULL: break;
    }
    return render_text(buffer, strlen(buffer));
}

static int compare_rows(const void *a, const void *b, void *columns)
{
    char *const *x = a;
    char *const *y = b;
    int n = *(const int *)columns;
    for (int c = 0; c < n; c++) {
        int d = strcmp(x[c], y[c]);
        if (d)
            return d;
    }
    return 0;
}

static int compare_values(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void slt_sort_values(char **values, long count, int columns, slt_sort sort)
{
    if (count == 0)
        return; /* an empty result has no array to sort (qsort wants non-NULL) */
    if (sort == SLT_SORT_VALUES) {
        qsort(values, (size_t)count, sizeof *values, compare_values);
    } else if (sort == SLT_SORT_ROWS && columns > 0) {
        /* rows of `columns` pointers each */
        qsort_r(values, (size_t)(count / columns), sizeof *values * (size_t)columns, compare_rows, &columns);
    }
}

void slt_hash_values(char *const *values, long count, char hex[33])
{
    slt_md5 m;
    slt_md5_init(&m);
    for (long i = 0; i < count; i++) {
        slt_md5_update(&m, values[i], strlen(values[i]));
        slt_md5_update(&m, "\n", 1);
    }
    slt_md5_final_hex(&m, hex);
}

bool slt_values_match(char *const *values, long count, const slt_record *r, char *why, size_t why_size)
{
    long expected_count;
    char expected_hash[33];
    if (r->expected_count == 1 && slt_parse_hash_line(r->expected[0], &expected_count, expected_hash)) {
        char hex[33];
        slt_hash_values(values, count, hex);
        if (count == expected_count && strcasecmp(hex, expected_hash) == 0)
            return true;
        snprintf(why, why_size, "expected %ld values hashing to %s, got %ld values hashing to %s", expected_count,
                 expected_hash, count, hex);
        return false;
    }
    for (long i = 0; i < count && i < r->expected_count; i++) {
        if (strcmp(values[i], r->expected[i]) != 0) {
            snprintf(why, why_size, "value %ld: expected '%s', got '%s'", i + 1, r->expected[i], values[i]);
            return false;
        }
    }
    if (count != r->expected_count) {
        snprintf(why, why_size, "expected %d values, got %ld", r->expected_count, count);
        return false;
    }
    return true;
}

bool slt_expected_hash(const slt_record *r, char hex[33])
{
    long count;
    if (r->expected_count == 1 && slt_parse_hash_line(r->expected[0], &count, hex))
        return true;
    if (!r->has_separator)
        return false;
    slt_hash_values(r->expected, r->expected_count, hex);
    return true;
}
