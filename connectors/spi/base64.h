/*
 * base64.h - base64 digits and decoding (RFC 4648), standard and URL-safe
 * alphabets, for everyone who reads base64: from_base64() in SQL, HTTP
 * Basic credentials, VARBINARY values in the client protocol (the encoder
 * is value_format_varbinary_base64).
 */
#ifndef SHOAL_SPI_BASE64_H
#define SHOAL_SPI_BASE64_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The 6-bit value of digit `c`; -1 when `c` is not a digit. `url`: the
 * URL-safe alphabet ('-' and '_' for 62 and 63 instead of '+' and '/'). */
int base64_digit(char c, bool url);

/* Decodes the `length` digits of `text` (no '=' padding) into `out`, which
 * has room for length * 3 / 4 bytes. Returns the number of bytes written, or
 * -1 at a character that is not a digit, its index in `*bad` (may be NULL). */
long base64_decode(const char *text, size_t length, bool url, uint8_t *out, size_t *bad);

#endif
