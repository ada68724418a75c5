/*
 * password_file.c — the `file` password authenticator (see password_file.h).
 */
#include "password_file.h"

#include <crypt.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <mbedtls/md.h>
#include <mbedtls/pkcs5.h>
#include <mbedtls/sha256.h>

enum { BCRYPT_MIN_COST = 8, PBKDF2_MIN_ITERATIONS = 1000, DIGEST_BYTES = 32, PBKDF2_MAX_BYTES = 512 };

typedef struct password_entry {
    char *user;
    char *hash;
    bool verified;                         /* `verified_digest` holds a password that matched */
    unsigned char verified_digest[DIGEST_BYTES];
} password_entry;

struct password_file {
    char *path;
    int64_t refresh_period_ns;
    bool remember_verified;
    pthread_mutex_t lock;
    password_entry *entries;
    int entry_count;
    int64_t loaded_ns;                     /* when the file was last read */
    struct timespec mtime;
    off_t size;
};

static int64_t monotonic_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

/* ---- hashes --------------------------------------------------------------------- */

static bool is_bcrypt(const char *hash)
{
    return hash[0] == '$' && hash[1] == '2' && strchr("abxy", hash[2]) && hash[2] != '\0' && hash[3] == '$';
}

static int hex_nibble(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* Lower-case hex into bytes; -1 when malformed or too long. */
static int hex_decode(const char *s, size_t length, unsigned char *out, size_t capacity)
{
    if (length % 2 != 0 || length / 2 > capacity)
        return -1;
    for (size_t i = 0; i < length; i += 2) {
        int hi = hex_nibble(s[i]), lo = hex_nibble(s[i + 1]);
        if (hi < 0 || lo < 0)
            return -1;
        out[i / 2] = (unsigned char)(hi * 16 + lo);
    }
    return (int)(length / 2);
}

typedef struct pbkdf2_hash {
    long iterations;
    unsigned char salt[PBKDF2_MAX_BYTES];
    int salt_length;
    unsigned char hash[PBKDF2_MAX_BYTES];
    int hash_length;
} pbkdf2_hash;

static bool pbkdf2_parse(const char *text, pbkdf2_hash *out)
{
    const char *c1 = strchr(text, ':');
    const char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
    if (!c1 || !c2 || strchr(c2 + 1, ':'))
        return false;
    char *end = NULL;
    errno = 0;
    out->iterations = strtol(text, &end, 10);
    if (end != c1 || end == text || errno != 0 || out->iterations <= 0 || out->iterations > 100000000)
        return false;
    out->salt_length = hex_decode(c1 + 1, (size_t)(c2 - c1 - 1), out->salt, sizeof out->salt);
    out->hash_length = hex_decode(c2 + 1, strlen(c2 + 1), out->hash, sizeof out->hash);
    return out->salt_length >= 0 && out->hash_length > 0;
}

static bool constant_time_equal(const unsigned char *a, const unsigned char *b, size_t n)
{
    unsigned char diff = 0;
    for (size_t i = 0; i < n; i++)
        diff |= (unsigned char)(a[i] ^ b[i]);
    return diff == 0;
}

static bool pbkdf2_matches(const char *hash, const char *password)
{
    pbkdf2_hash h;
    if (!pbkdf2_parse(hash, &h))
        return false;
    unsigned char derived[PBKDF2_MAX_BYTES];
    mbedtls_md_context_t md;
    mbedtls_md_init(&md);
    bool ok = mbedtls_md_setup(&md, mbedtls_md_info_from_type(MBEDTLS_MD_SHA1), 1) == 0 &&
              mbedtls_pkcs5_pbkdf2_hmac(&md, (const unsigned char *)password, strlen(password), h.salt,
                                        (size_t)h.salt_length, (unsigned int)h.iterations,
                                        (uint32_t)h.hash_length, derived) == 0;
    mbedtls_md_free(&md);
    return ok && constant_time_equal(derived, h.hash, (size_t)h.hash_length);
}

static bool bcrypt_matches(const char *hash, const char *password)
{
    struct crypt_data *data = calloc(1, sizeof *data);
    if (!data)
        return false;
    const char *result = crypt_rn(password, hash, data, (int)sizeof *data);
    size_t n = strlen(hash);
    bool ok = result && result[0] != '*' && strlen(result) == n &&
              constant_time_equal((const unsigned char *)result, (const unsigned char *)hash, n);
    free(data);
    return ok;
}

bool password_hash_matches(const char *hash, const char *password)
{
    return is_bcrypt(hash) ? bcrypt_matches(hash, password) : pbkdf2_matches(hash, password);
}

bool password_hash_validate(const char *hash, char *error, size_t error_size)
{
    if (is_bcrypt(hash)) {
        /* $2y$NN$ + 22 salt + 31 hash characters */
        int cost = 0;
        if (strlen(hash) != 60 || hash[4] < '0' || hash[4] > '9' || hash[5] < '0' || hash[5] > '9' || hash[6] != '$') {
            snprintf(error, error_size, "Invalid BCrypt password");
            return false;
        }
        cost = (hash[4] - '0') * 10 + (hash[5] - '0');
        if (cost < BCRYPT_MIN_COST) {
            snprintf(error, error_size, "Minimum cost of BCrypt password must be %d", BCRYPT_MIN_COST);
            return false;
        }
        return true;
    }
    if (strchr(hash, ':')) {
        pbkdf2_hash h;
        if (!pbkdf2_parse(hash, &h)) {
            snprintf(error, error_size, "Invalid PBKDF2 password");
            return false;
        }
        if (h.iterations < PBKDF2_MIN_ITERATIONS) {
            snprintf(error, error_size, "Minimum iterations of PBKDF2 password must be %d", PBKDF2_MIN_ITERATIONS);
            return false;
        }
        return true;
    }
    snprintf(error, error_size, "Password hashing algorithm cannot be determined");
    return false;
}

/* ---- the file ---------------------------------------------------------------------- */

static void entries_free(password_entry *entries, int count)
{
    for (int i = 0; i < count; i++) {
        free(entries[i].user);
        free(entries[i].hash);
    }
    free(entries);
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t' || *s == '\r')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
        s[--n] = '\0';
    return s;
}

static bool add_entry(password_entry **entries, int *count, int *capacity, const char *user, const char *hash)
{
    if (*count == *capacity) {
        int grown = *capacity ? *capacity * 2 : 16;
        password_entry *p = realloc(*entries, (size_t)grown * sizeof *p);
        if (!p)
            return false;
        *entries = p;
        *capacity = grown;
    }
    password_entry *e = &(*entries)[*count];
    memset(e, 0, sizeof *e);
    e->user = strdup(user);
    e->hash = strdup(hash);
    if (!e->user || !e->hash) {
        free(e->user);
        free(e->hash);
        return false;
    }
    (*count)++;
    return true;
}

/* Parses the whole file; false with Trino's message. */
static bool read_entries(FILE *in, password_entry **out, int *out_count, char *error, size_t error_size)
{
    password_entry *entries = NULL;
    int count = 0, capacity = 0, line_number = 0;
    char *line = NULL;
    size_t line_capacity = 0;
    bool ok = true;
    while (ok && getline(&line, &line_capacity, in) >= 0) {
        line_number++;
        char *text = trim(line);
        if (!*text)
            continue;
        char *colon = strchr(text, ':');
        char message[160] = "";
        if (!colon) {
            snprintf(message, sizeof message, "Expected two parts for user and password");
        } else {
            *colon = '\0';
            for (int i = 0; i < count && !message[0]; i++)
                if (strcmp(entries[i].user, text) == 0)
                    snprintf(message, sizeof message, "Duplicate user: %.100s", text);
            if (!message[0])
                password_hash_validate(colon + 1, message, sizeof message);
        }
        if (!message[0] && !add_entry(&entries, &count, &capacity, text, colon + 1))
            snprintf(message, sizeof message, "out of memory");
        if (message[0]) {
            snprintf(error, error_size, "Error in password file line %d: %s", line_number, message);
            ok = false;
        }
    }
    free(line);
    if (!ok) {
        entries_free(entries, count);
        return false;
    }
    *out = entries;
    *out_count = count;
    return true;
}

static bool load(password_file *f, char *error, size_t error_size)
{
    FILE *in = fopen(f->path, "r");
    struct stat st;
    if (!in || fstat(fileno(in), &st) != 0) {
        snprintf(error, error_size, "Failed to read password file: %s (%s)", f->path, strerror(errno));
        if (in)
            fclose(in);
        return false;
    }
    password_entry *entries = NULL;
    int count = 0;
    bool ok = read_entries(in, &entries, &count, error, error_size);
    fclose(in);
    if (!ok)
        return false;
    entries_free(f->entries, f->entry_count);
    f->entries = entries;
    f->entry_count = count;
    f->mtime = st.st_mtim;
    f->size = st.st_size;
    return true;
}

/* Under the lock: re-reads the file when the refresh period has passed and
 * it changed. */
static void refresh_locked(password_file *f)
{
    int64_t now = monotonic_ns();
    if (now - f->loaded_ns < f->refresh_period_ns)
        return;
    f->loaded_ns = now;
    struct stat st;
    if (stat(f->path, &st) == 0 && st.st_mtim.tv_sec == f->mtime.tv_sec && st.st_mtim.tv_nsec == f->mtime.tv_nsec &&
        st.st_size == f->size)
        return;
    char error[256];
    if (!load(f, error, sizeof error))
        fprintf(stderr, "shoal: %s; the previous contents stay in use\n", error);
}

password_file *password_file_open(const char *path, int64_t refresh_period_ns, bool remember_verified,
                                  char *error, size_t error_size)
{
    password_file *f = calloc(1, sizeof *f);
    if (!f || !(f->path = strdup(path))) {
        free(f);
        snprintf(error, error_size, "out of memory");
        return NULL;
    }
    f->refresh_period_ns = refresh_period_ns;
    f->remember_verified = remember_verified;
    pthread_mutex_init(&f->lock, NULL);
    if (!load(f, error, error_size)) {
        password_file_close(f);
        return NULL;
    }
    f->loaded_ns = monotonic_ns();
    return f;
}

void password_file_close(password_file *f)
{
    if (!f)
        return;
    entries_free(f->entries, f->entry_count);
    pthread_mutex_destroy(&f->lock);
    free(f->path);
    free(f);
}

static password_entry *find_locked(password_file *f, const char *user)
{
    for (int i = 0; i < f->entry_count; i++)
        if (strcmp(f->entries[i].user, user) == 0)
            return &f->entries[i];
    return NULL;
}

static void digest(const char *password, unsigned char out[DIGEST_BYTES])
{
    mbedtls_sha256_ret((const unsigned char *)password, strlen(password), out, 0);
}

password_check password_file_check(password_file *f, const char *user, const char *password, bool may_block)
{
    unsigned char given[DIGEST_BYTES];
    digest(password, given);
    pthread_mutex_lock(&f->lock);
    refresh_locked(f);
    password_entry *e = find_locked(f, user);
    if (!e) {
        pthread_mutex_unlock(&f->lock);
        return PASSWORD_INVALID;
    }
    if (e->verified && constant_time_equal(e->verified_digest, given, DIGEST_BYTES)) {
        pthread_mutex_unlock(&f->lock);
        return PASSWORD_VALID;
    }
    if (!may_block) {
        pthread_mutex_unlock(&f->lock);
        return PASSWORD_NEEDS_HASHING;
    }
    char *hash = strdup(e->hash);
    pthread_mutex_unlock(&f->lock);
    if (!hash)
        return PASSWORD_INVALID;
    bool valid = password_hash_matches(hash, password); /* slow: outside the lock */
    if (valid && f->remember_verified) {
        pthread_mutex_lock(&f->lock);
        password_entry *now = find_locked(f, user); /* the file may have been re-read meanwhile */
        if (now && strcmp(now->hash, hash) == 0) {
            memcpy(now->verified_digest, given, DIGEST_BYTES);
            now->verified = true;
        }
        pthread_mutex_unlock(&f->lock);
    }
    free(hash);
    return valid ? PASSWORD_VALID : PASSWORD_INVALID;
}
