/*
 * decimal.c — unscaled-integer decimal helpers (see decimal.h).
 */
#include "decimal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef unsigned __int128 u128;

__int128 decimal_pow10(int n)
{
    static __int128 table[39];
    static bool ready;
    if (!ready) {
        __int128 p = 1;
        for (int i = 0; i <= 38; i++) {
            table[i] = p;
            if (i < 38)
                p *= 10;
        }
        ready = true; /* benign race: every thread writes the same values */
    }
    if (n < 0)
        return 1;
    return table[n > 38 ? 38 : n];
}

static u128 uabs128(__int128 v)
{
    return v < 0 ? (u128)0 - (u128)v : (u128)v;
}

bool decimal_fits(__int128 v, int precision)
{
    if (precision >= 39)
        return true;
    return uabs128(v) < (u128)decimal_pow10(precision);
}

int decimal_digit_count(__int128 v)
{
    u128 a = uabs128(v);
    int n = 1;
    while (n < 39 && a >= (u128)decimal_pow10(n))
        n++;
    return n;
}

__int128 decimal_div_pow10_round(__int128 v, int n)
{
    if (n <= 0)
        return v;
    if (n > 38)
        return 0;
    __int128 p = decimal_pow10(n);
    __int128 q = v / p, r = v % p;
    if (r < 0)
        r = -r;
    if (r * 2 >= p)
        q += v < 0 ? -1 : 1;
    return q;
}

bool decimal_rescale(__int128 v, int from_scale, int to_scale, __int128 *out)
{
    if (to_scale == from_scale) {
        *out = v;
        return decimal_fits(v, 38);
    }
    if (to_scale < from_scale) {
        *out = decimal_div_pow10_round(v, from_scale - to_scale);
        return true;
    }
    int up = to_scale - from_scale;
    if (up > 38)
        return v == 0 ? (*out = 0, true) : false;
    __int128 r;
    if (__builtin_mul_overflow(v, decimal_pow10(up), &r) || !decimal_fits(r, 38))
        return false;
    *out = r;
    return true;
}

bool decimal_multiply(__int128 a, __int128 b, __int128 *out)
{
    __int128 r;
    if (__builtin_mul_overflow(a, b, &r) || !decimal_fits(r, 38))
        return false;
    *out = r;
    return true;
}

/* ---- 256-bit helpers for divisions whose rescaled dividend overflows ---- */

typedef struct u256 {
    u128 hi, lo;
} u256;

static u256 mul_u128(u128 a, u128 b)
{
    uint64_t a0 = (uint64_t)a, a1 = (uint64_t)(a >> 64);
    uint64_t b0 = (uint64_t)b, b1 = (uint64_t)(b >> 64);
    u128 p00 = (u128)a0 * b0, p01 = (u128)a0 * b1, p10 = (u128)a1 * b0, p11 = (u128)a1 * b1;
    u128 middle = (p00 >> 64) + (uint64_t)p01 + (uint64_t)p10;
    u256 r;
    r.lo = (middle << 64) | (uint64_t)p00;
    r.hi = p11 + (p01 >> 64) + (p10 >> 64) + (middle >> 64);
    return r;
}

/* n / d with remainder; false when the quotient needs more than 128 bits. */
static bool div_u256(u256 n, u128 d, u128 *quotient, u128 *remainder)
{
    if (n.hi >= d)
        return false;
    u128 r = n.hi, q = 0;
    for (int i = 127; i >= 0; i--) {
        bool carry = (r >> 127) != 0;
        r = (r << 1) | ((n.lo >> i) & 1);
        q <<= 1;
        if (carry || r >= d) {
            r -= d;
            q |= 1;
        }
    }
    *quotient = q;
    *remainder = r;
    return true;
}

bool decimal_divide(__int128 a, int shift, __int128 b, __int128 *out)
{
    bool negative = (a < 0) != (b < 0);
    u128 ua = uabs128(a), ub = uabs128(b);
    u128 q, r;
    __int128 scaled;
    if (shift <= 38 && !__builtin_mul_overflow(a, decimal_pow10(shift), &scaled)) {
        u128 us = uabs128(scaled);
        q = us / ub;
        r = us % ub;
    } else {
        if (shift > 38)
            return a == 0 ? (*out = 0, true) : false;
        if (!div_u256(mul_u128(ua, (u128)decimal_pow10(shift)), ub, &q, &r))
            return false;
    }
    /* HALF_UP: round away from zero when 2r >= b */
    if (r >= ub - r)
        q++;
    if (q >= (u128)decimal_pow10(38))
        return false;
    *out = negative ? -(__int128)q : (__int128)q;
    return true;
}

/* ---- text ---- */

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

typedef struct decimal_digits {
    bool negative;
    const char *integer;
    size_t integer_length;
    const char *fraction;
    size_t fraction_length;
} decimal_digits;

static bool split_decimal(const char *s, size_t n, decimal_digits *d)
{
    size_t i = 0;
    while (n > 0 && is_blank(s[n - 1]))
        n--;
    while (i < n && is_blank(s[i]))
        i++;
    memset(d, 0, sizeof *d);
    if (i < n && (s[i] == '-' || s[i] == '+'))
        d->negative = s[i++] == '-';
    d->integer = s + i;
    while (i < n && s[i] >= '0' && s[i] <= '9')
        i++;
    d->integer_length = (size_t)(s + i - d->integer);
    if (i < n && s[i] == '.') {
        i++;
        d->fraction = s + i;
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++;
        d->fraction_length = (size_t)(s + i - d->fraction);
    }
    return i == n && d->integer_length + d->fraction_length > 0;
}

bool decimal_parse(const char *text, size_t length, int precision, int scale, __int128 *out,
                   bool *bad_syntax)
{
    decimal_digits d;
    *bad_syntax = false;
    if (!split_decimal(text, length, &d)) {
        *bad_syntax = true;
        return false;
    }
    /* skip leading zeros so they do not count against the precision */
    while (d.integer_length > 0 && d.integer[0] == '0') {
        d.integer++;
        d.integer_length--;
    }
    if (d.integer_length > (size_t)(precision - scale))
        return false;
    __int128 v = 0;
    for (size_t i = 0; i < d.integer_length; i++)
        v = v * 10 + (d.integer[i] - '0');
    size_t kept = d.fraction_length < (size_t)scale ? d.fraction_length : (size_t)scale;
    for (size_t i = 0; i < kept; i++)
        v = v * 10 + (d.fraction[i] - '0');
    for (size_t i = kept; i < (size_t)scale; i++)
        v *= 10;
    if (d.fraction_length > kept && d.fraction[kept] >= '5')
        v += 1;
    if (!decimal_fits(v, precision))
        return false;
    *out = d.negative ? -v : v;
    return true;
}

bool decimal_parse_literal(const char *text, size_t length, __int128 *out, int *precision,
                           int *scale)
{
    decimal_digits d;
    if (!split_decimal(text, length, &d))
        return false;
    int s = (int)d.fraction_length;
    int p = (int)(d.integer_length + d.fraction_length);
    if (p > 38)
        return false;
    if (p == 0)
        p = 1;
    bool bad;
    if (!decimal_parse(text, length, p, s, out, &bad))
        return false;
    *precision = p;
    *scale = s;
    return true;
}

int decimal_format(__int128 unscaled, int scale, char *out, size_t size)
{
    char digits[48];
    int n = 0;
    u128 a = uabs128(unscaled);
    do {
        digits[n++] = (char)('0' + (int)(a % 10));
        a /= 10;
    } while (a > 0);
    while (n <= scale)
        digits[n++] = '0';
    char text[64];
    int length = 0;
    if (unscaled < 0)
        text[length++] = '-';
    for (int i = n - 1; i >= 0; i--) {
        text[length++] = digits[i];
        if (i == scale && scale > 0)
            text[length++] = '.';
    }
    text[length] = '\0';
    if (size > 0) {
        size_t copy = (size_t)length < size - 1 ? (size_t)length : size - 1;
        memcpy(out, text, copy);
        out[copy] = '\0';
    }
    return length;
}

double decimal_to_double(__int128 unscaled, int scale)
{
    if (unscaled >= -((__int128)1 << 53) && unscaled <= ((__int128)1 << 53) && scale <= 22) {
        static const double p10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                     1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                     1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
        return (double)unscaled / p10[scale];
    }
    char text[64];
    decimal_format(unscaled, scale, text, sizeof text);
    double d;
    sscanf(text, "%lf", &d);
    return d;
}

int decimal_shortest_digits(double d, char *digits, int *exponent)
{
    char text[64];
    for (int precision = 1; precision <= 17; precision++) {
        snprintf(text, sizeof text, "%.*e", precision - 1, d);
        if (strtod(text, NULL) == d)
            break;
    }
    /* text is "[-]d[.ddd]e[+-]xx" */
    const char *p = text;
    if (*p == '-')
        p++;
    int n = 0;
    for (; *p && *p != 'e'; p++)
        if (*p != '.')
            digits[n++] = *p;
    while (n > 1 && digits[n - 1] == '0')
        n--;
    digits[n] = '\0';
    *exponent = atoi(p + 1);
    return n;
}

bool decimal_from_double(double d, int precision, int scale, __int128 *out)
{
    if (isnan(d) || isinf(d))
        return false;
    /* Trino rounds the shortest decimal text of the double (BigDecimal.valueOf) */
    char digits[32];
    int exponent;
    int n = decimal_shortest_digits(fabs(d), digits, &exponent);
    char text[512];
    int length = 0;
    if (d < 0)
        text[length++] = '-';
    if (exponent >= 0) {
        if (exponent > 300)
            return false;
        for (int i = 0; i <= exponent; i++)
            text[length++] = i < n ? digits[i] : '0';
        if (n > exponent + 1) {
            text[length++] = '.';
            for (int i = exponent + 1; i < n; i++)
                text[length++] = digits[i];
        }
    } else {
        if (-exponent > 400)
            return *out = 0, true;
        text[length++] = '0';
        text[length++] = '.';
        for (int i = 1; i < -exponent && length < 480; i++)
            text[length++] = '0';
        for (int i = 0; i < n && length < 500; i++)
            text[length++] = digits[i];
    }
    bool bad;
    return decimal_parse(text, (size_t)length, precision, scale, out, &bad);
}
