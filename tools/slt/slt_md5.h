/*
 * slt_md5.h — MD5 (RFC 1321), only for sqllogictest result hashes: the
 * runner hashes rendered values the way the reference runner does.
 */
#ifndef SHOAL_SLT_MD5_H
#define SHOAL_SLT_MD5_H

#include <stddef.h>
#include <stdint.h>

typedef struct slt_md5 {
    uint32_t state[4];
    uint64_t length;            /* bytes hashed so far */
    uint8_t block[64];
} slt_md5;

void slt_md5_init(slt_md5 *m);
void slt_md5_update(slt_md5 *m, const void *data, size_t length);
/* Writes 32 lowercase hex digits and a NUL. */
void slt_md5_final_hex(slt_md5 *m, char hex[33]);

#endif
