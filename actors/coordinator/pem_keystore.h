/*
 * pem_keystore.h — http-server.https.keystore.path as Trino reads a PEM
 * keystore: one file holding the private key (PKCS#8, PKCS#1 RSA or SEC1
 * EC, possibly encrypted: http-server.https.keystore.key is its password)
 * and the certificate chain, server certificate first. Java keystores
 * (JKS, PKCS#12) are not read.
 */
#ifndef SHOAL_COORDINATOR_PEM_KEYSTORE_H
#define SHOAL_COORDINATOR_PEM_KEYSTORE_H

#include <stdbool.h>
#include <stddef.h>

typedef struct pem_keystore {
    char *certificates;    /* the CERTIFICATE blocks, in file order */
    char *private_key;     /* the one private key block */
} pem_keystore;

/* False with a message naming the file and what is missing. */
bool pem_keystore_load(const char *path, pem_keystore *out, char *error, size_t error_size);
/* The same over text already read (tests). */
bool pem_keystore_parse(const char *text, const char *path, pem_keystore *out, char *error, size_t error_size);
void pem_keystore_free(pem_keystore *k);

#endif
