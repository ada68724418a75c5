/*
 * base64.c - base64 digits and decoding (base64.h).
 */
#include "connectors/spi/base64.h"

int base64_digit(char c, bool url)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == (url ? '-' : '+'))
        return 62;
    if (c == (url ? '_' : '/'))
        return 63;
    return -1;
}

long base64_decode(const char *text, size_t length, bool url, uint8_t *out, size_t *bad)
{
    size_t written = 0;
    uint32_t bits = 0;
    int held = 0;
    for (size_t i = 0; i < length; i++) {
        int digit = base64_digit(text[i], url);
        if (digit < 0) {
            if (bad)
                *bad = i;
            return -1;
        }
        bits = bits << 6 | (uint32_t)digit;
        held += 6;
        if (held >= 8) {
            held -= 8;
            out[written++] = (uint8_t)(bits >> held);
        }
    }
    return (long)written;
}
