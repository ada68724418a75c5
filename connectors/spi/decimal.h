/*
 * decimal.h — helpers for SQL decimals held as unscaled integers (int64 for
 * precision <= 18, __int128 up to 38 digits): powers of ten, rescaling with
 * Trino's HALF_UP rounding, overflow-checked multiply, rounded divide (with a
 * 256-bit path when the rescaled dividend does not fit), parsing and text.
 */
#ifndef SHOAL_SPI_DECIMAL_H
#define SHOAL_SPI_DECIMAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* 10^n for n in [0, 38]. */
__int128 decimal_pow10(int n);
/* |v| < 10^precision */
bool decimal_fits(__int128 v, int precision);
/* Number of decimal digits of |v| (0 has 1). */
int decimal_digit_count(__int128 v);

/* Changes the scale; reducing it rounds HALF_UP (away from zero on .5).
 * False when the result does not fit in 38 digits. */
bool decimal_rescale(__int128 v, int from_scale, int to_scale, __int128 *out);
/* v / 10^n rounded HALF_UP (n in [0, 38]). */
__int128 decimal_div_pow10_round(__int128 v, int n);

/* a * b; false on overflow of 38 digits. */
bool decimal_multiply(__int128 a, __int128 b, __int128 *out);
/* (a * 10^shift) / b rounded HALF_UP; b != 0. False when the quotient does
 * not fit in 38 digits. */
bool decimal_divide(__int128 a, int shift, __int128 b, __int128 *out);

/* Parses "[-+]digits[.digits]" (surrounding blanks allowed) into the given
 * scale, rounding HALF_UP. *bad_syntax says whether the text is malformed;
 * false is returned for bad syntax or when the value needs more than
 * `precision` digits. */
bool decimal_parse(const char *text, size_t length, int precision, int scale, __int128 *out,
                   bool *bad_syntax);
/* Parses a decimal literal and infers its type as Trino does:
 * "12.50" -> decimal(4,2), ".5" -> decimal(1,1), "007" -> decimal(3,0). */
bool decimal_parse_literal(const char *text, size_t length, __int128 *out, int *precision,
                           int *scale);

/* Writes "-123.45" (unscaled -12345, scale 2) with a terminating NUL;
 * returns the length. `size` should be at least 42. */
int decimal_format(__int128 unscaled, int scale, char *out, size_t size);

/* The shortest digits that read back as d >= 0 (no trailing zeros), with
 * d = digits[0].digits[1..] x 10^exponent. Returns the digit count (<= 17);
 * `digits` needs 32 bytes. */
int decimal_shortest_digits(double d, char *digits, int *exponent);

double decimal_to_double(__int128 unscaled, int scale);
/* Rounds HALF_UP to the scale; false when NaN/infinite or out of precision. */
bool decimal_from_double(double d, int precision, int scale, __int128 *out);

#endif
