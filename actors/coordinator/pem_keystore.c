/*
 * pem_keystore.c — splits a PEM keystore into its certificates and its key
 * (see pem_keystore.h); what the blocks hold is mbedtls's business.
 */
#include "pem_keystore.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { KEYSTORE_MAX_BYTES = 1 << 20 };

static bool append(char **to, const char *block, size_t length)
{
    size_t have = *to ? strlen(*to) : 0;
    char *grown = realloc(*to, have + length + 2);
    if (!grown)
        return false;
    memcpy(grown + have, block, length);
    grown[have + length] = '\n';
    grown[have + length + 1] = '\0';
    *to = grown;
    return true;
}

static bool is_key_label(const char *label, size_t length)
{
    static const char suffix[] = "PRIVATE KEY";
    size_t n = sizeof suffix - 1;
    return length >= n && memcmp(label + length - n, suffix, n) == 0;
}

bool pem_keystore_parse(const char *text, const char *path, pem_keystore *out, char *error, size_t error_size)
{
    memset(out, 0, sizeof *out);
    int keys = 0;
    const char *p = text;
    while ((p = strstr(p, "-----BEGIN ")) != NULL) {
        const char *label = p + 11;
        const char *label_end = strstr(label, "-----");
        if (!label_end)
            break;
        size_t label_length = (size_t)(label_end - label);
        char end_marker[96];
        snprintf(end_marker, sizeof end_marker, "-----END %.*s-----", (int)(label_length < 64 ? label_length : 64),
                 label);
        const char *end = strstr(label_end, end_marker);
        if (!end) {
            snprintf(error, error_size, "%s: PEM block '%.*s' is not terminated", path, (int)label_length, label);
            pem_keystore_free(out);
            return false;
        }
        end += strlen(end_marker);
        size_t length = (size_t)(end - p);
        bool ok = true;
        if (label_length == 11 && memcmp(label, "CERTIFICATE", 11) == 0)
            ok = append(&out->certificates, p, length);
        else if (is_key_label(label, label_length) && keys++ == 0)
            ok = append(&out->private_key, p, length);
        if (!ok) {
            snprintf(error, error_size, "out of memory");
            pem_keystore_free(out);
            return false;
        }
        p = end;
    }
    const char *problem = !out->private_key ? "no private key"
                          : keys > 1        ? "more than one private key"
                          : !out->certificates ? "no certificate"
                                               : NULL;
    if (problem) {
        snprintf(error, error_size, "%s: the PEM keystore has %s", path, problem);
        pem_keystore_free(out);
        return false;
    }
    return true;
}

bool pem_keystore_load(const char *path, pem_keystore *out, char *error, size_t error_size)
{
    memset(out, 0, sizeof *out);
    FILE *in = fopen(path, "rb");
    if (!in) {
        snprintf(error, error_size, "%s: %s", path, strerror(errno));
        return false;
    }
    char *text = malloc(KEYSTORE_MAX_BYTES + 1);
    size_t n = text ? fread(text, 1, KEYSTORE_MAX_BYTES + 1, in) : 0;
    fclose(in);
    if (!text || n > KEYSTORE_MAX_BYTES) {
        snprintf(error, error_size, "%s: %s", path, text ? "larger than 1 MB" : "out of memory");
        free(text);
        return false;
    }
    text[n] = '\0';
    bool ok = pem_keystore_parse(text, path, out, error, error_size);
    free(text);
    return ok;
}

void pem_keystore_free(pem_keystore *k)
{
    free(k->certificates);
    free(k->private_key);
    k->certificates = NULL;
    k->private_key = NULL;
}
