/*
 * time_zone.c — the zone table (time_zone.h): zone names from tzdata.zi,
 * TZif (v2, 64-bit) files parsed on first use and kept for the process.
 */
#include "connectors/spi/time_zone.h"

#include <ctype.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#ifndef SHOAL_ZONEINFO_DIR
#define SHOAL_ZONEINFO_DIR "/usr/share/zoneinfo"
#endif

enum { FIXED_BASE = 841, FIXED_MAX = 1681, NAMED_BASE = 2000, NAMED_MAX = 4000 };

typedef struct zone_rules {
    int count;               /* transitions */
    int64_t *at;             /* UTC seconds of each transition */
    int32_t *offset_after;   /* offset in force from at[i] */
    int32_t initial;         /* offset before the first transition */
} zone_rules;

static pthread_once_t names_once = PTHREAD_ONCE_INIT;
static char **names;
static int name_count;
static pthread_mutex_t rules_lock = PTHREAD_MUTEX_INITIALIZER;
static _Atomic(zone_rules *) rules[NAMED_MAX];

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void load_names(void)
{
    FILE *f = fopen(SHOAL_ZONEINFO_DIR "/tzdata.zi", "r");
    if (!f)
        return;
    char line[512];
    int capacity = 0;
    while (fgets(line, sizeof line, f)) {
        char a[128], b[128];
        const char *name = NULL;
        if (line[0] == 'Z' && sscanf(line, "Z %127s", a) == 1)
            name = a;
        else if (line[0] == 'L' && sscanf(line, "L %127s %127s", a, b) == 2)
            name = b;
        if (!name)
            continue;
        if (name_count == capacity) {
            capacity = capacity ? capacity * 2 : 1024;
            char **grown = realloc(names, sizeof(char *) * (size_t)capacity);
            if (!grown)
                break;
            names = grown;
        }
        names[name_count] = strdup(name);
        if (names[name_count])
            name_count++;
    }
    fclose(f);
    qsort(names, (size_t)name_count, sizeof(char *), compare_names);
    if (name_count > NAMED_MAX)
        name_count = NAMED_MAX;
}

static bool parse_offset(const char *s, size_t n, int *minutes)
{
    /* [+-]H[H][[:]MM] */
    if (n < 2 || (s[0] != '+' && s[0] != '-'))
        return false;
    int sign = s[0] == '-' ? -1 : 1;
    size_t i = 1;
    int h = 0, m = 0, digits = 0;
    while (i < n && isdigit((unsigned char)s[i]) && digits < 2) {
        h = h * 10 + (s[i++] - '0');
        digits++;
    }
    if (digits == 0)
        return false;
    if (i < n && s[i] == ':')
        i++;
    if (i < n) {
        if (n - i != 2 || !isdigit((unsigned char)s[i]) || !isdigit((unsigned char)s[i + 1]))
            return false;
        m = (s[i] - '0') * 10 + (s[i + 1] - '0');
    }
    if (h > 14 || m > 59 || h * 60 + m > 14 * 60)
        return false;
    *minutes = sign * (h * 60 + m);
    return true;
}

bool time_zone_lookup(const char *name, size_t length, int16_t *key)
{
    while (length > 0 && isspace((unsigned char)*name)) {
        name++;
        length--;
    }
    while (length > 0 && isspace((unsigned char)name[length - 1]))
        length--;
    static const char *const utc_names[] = {"UTC", "Z", "UT", "GMT", "Etc/UTC", "Etc/GMT", "Etc/UCT", "UCT",
                                            "Etc/Universal", "Universal", "Etc/Zulu", "Zulu", "GMT0", "Etc/GMT0"};
    for (size_t i = 0; i < sizeof utc_names / sizeof utc_names[0]; i++) {
        if (strlen(utc_names[i]) == length && strncasecmp(utc_names[i], name, length) == 0) {
            *key = TIME_ZONE_UTC;
            return true;
        }
    }
    int minutes;
    const char *offset = name;
    size_t offset_length = length;
    if (length > 3 && (strncasecmp(name, "UTC", 3) == 0 || strncasecmp(name, "GMT", 3) == 0)) {
        offset += 3;
        offset_length -= 3;
    }
    if (parse_offset(offset, offset_length, &minutes)) {
        *key = (int16_t)(minutes == 0 ? TIME_ZONE_UTC : FIXED_BASE + minutes);
        return true;
    }
    pthread_once(&names_once, load_names);
    int lo = 0, hi = name_count - 1;
    char wanted[TIME_ZONE_NAME_MAX];
    if (length >= sizeof wanted)
        return false;
    memcpy(wanted, name, length);
    wanted[length] = '\0';
    while (lo <= hi) { /* exact spelling first */
        int mid = (lo + hi) / 2;
        int c = strcmp(names[mid], wanted);
        if (c == 0) {
            *key = (int16_t)(NAMED_BASE + mid);
            return true;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    for (int i = 0; i < name_count; i++) {
        if (strcasecmp(names[i], wanted) == 0) {
            *key = (int16_t)(NAMED_BASE + i);
            return true;
        }
    }
    return false;
}

int time_zone_name(int16_t key, char *out, size_t size)
{
    if (key == TIME_ZONE_UTC)
        return snprintf(out, size, "UTC");
    if (key >= 1 && key <= FIXED_MAX) {
        int minutes = key - FIXED_BASE;
        int a = minutes < 0 ? -minutes : minutes;
        return snprintf(out, size, "%c%02d:%02d", minutes < 0 ? '-' : '+', a / 60, a % 60);
    }
    pthread_once(&names_once, load_names);
    if (key >= NAMED_BASE && key - NAMED_BASE < name_count)
        return snprintf(out, size, "%s", names[key - NAMED_BASE]);
    if (size)
        out[0] = '\0';
    return 0;
}

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const unsigned char *p)
{
    return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

/* Parses a TZif file's 64-bit section. */
static zone_rules *parse_tzif(const unsigned char *d, size_t n)
{
    if (n < 44 || memcmp(d, "TZif", 4) != 0)
        return NULL;
    uint32_t c[6];
    for (int i = 0; i < 6; i++)
        c[i] = be32(d + 20 + 4 * i);
    /* isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt */
    size_t v1 = (size_t)c[3] * 5 + (size_t)c[4] * 6 + c[5] + (size_t)c[2] * 8 + c[1] + c[0];
    const unsigned char *h = d + 44 + v1;
    bool wide = d[4] >= '2' && (size_t)(h - d) + 44 <= n && memcmp(h, "TZif", 4) == 0;
    int time_size = wide ? 8 : 4;
    if (wide) {
        for (int i = 0; i < 6; i++)
            c[i] = be32(h + 20 + 4 * i);
    } else {
        h = d;
    }
    const unsigned char *p = h + 44;
    size_t need = (size_t)c[3] * (size_t)(time_size + 1) + (size_t)c[4] * 6;
    if ((size_t)(p - d) + need > n || c[4] == 0)
        return NULL;
    zone_rules *z = calloc(1, sizeof *z);
    if (!z)
        return NULL;
    z->count = (int)c[3];
    z->at = malloc(sizeof(int64_t) * (c[3] ? c[3] : 1));
    z->offset_after = malloc(sizeof(int32_t) * (c[3] ? c[3] : 1));
    if (!z->at || !z->offset_after) {
        free(z->at);
        free(z->offset_after);
        free(z);
        return NULL;
    }
    const unsigned char *times = p, *indexes = p + (size_t)c[3] * (size_t)time_size, *types = indexes + c[3];
    for (uint32_t i = 0; i < c[3]; i++) {
        z->at[i] = wide ? be64(times + 8 * i) : (int64_t)(int32_t)be32(times + 4 * i);
        uint32_t t = indexes[i] < c[4] ? indexes[i] : 0;
        z->offset_after[i] = (int32_t)be32(types + 6 * t);
    }
    /* the initial offset: the first non-DST type (RFC 8536 3.2) */
    z->initial = (int32_t)be32(types);
    for (uint32_t t = 0; t < c[4]; t++) {
        if (!types[6 * t + 4]) {
            z->initial = (int32_t)be32(types + 6 * t);
            break;
        }
    }
    return z;
}

static zone_rules *rules_of(int16_t key)
{
    int index = key - NAMED_BASE;
    if (index < 0 || index >= NAMED_MAX)
        return NULL;
    zone_rules *z = atomic_load_explicit(&rules[index], memory_order_acquire);
    if (z)
        return z;
    pthread_once(&names_once, load_names);
    if (index >= name_count)
        return NULL;
    pthread_mutex_lock(&rules_lock);
    z = atomic_load(&rules[index]);
    if (!z) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s", SHOAL_ZONEINFO_DIR, names[index]);
        FILE *f = fopen(path, "rb");
        if (f) {
            unsigned char *data = malloc(1 << 20);
            size_t n = data ? fread(data, 1, 1 << 20, f) : 0;
            fclose(f);
            z = data ? parse_tzif(data, n) : NULL;
            free(data);
        }
        if (!z)
            z = calloc(1, sizeof *z); /* unreadable: UTC */
        atomic_store_explicit(&rules[index], z, memory_order_release);
    }
    pthread_mutex_unlock(&rules_lock);
    return z;
}

int32_t time_zone_offset_at(int16_t key, int64_t utc_seconds)
{
    if (key == TIME_ZONE_UTC)
        return 0;
    if (key >= 1 && key <= FIXED_MAX)
        return (key - FIXED_BASE) * 60;
    zone_rules *z = rules_of(key);
    if (!z || z->count == 0)
        return z ? z->initial : 0;
    if (utc_seconds < z->at[0])
        return z->initial;
    int lo = 0, hi = z->count - 1;
    while (lo < hi) { /* last transition <= utc_seconds */
        int mid = (lo + hi + 1) / 2;
        if (z->at[mid] <= utc_seconds)
            lo = mid;
        else
            hi = mid - 1;
    }
    return z->offset_after[lo];
}

int64_t time_zone_local_to_utc(int16_t key, int64_t local_seconds)
{
    /* try the offsets in force around the local time */
    int32_t before = time_zone_offset_at(key, local_seconds - 86400);
    int32_t after = time_zone_offset_at(key, local_seconds + 86400);
    int64_t earlier = local_seconds - before;   /* with the earlier offset */
    if (time_zone_offset_at(key, earlier) == before)
        return earlier;
    int64_t later = local_seconds - after;
    if (time_zone_offset_at(key, later) == after)
        return later;
    /* a gap: move forward by the gap (Java's ZonedDateTime.ofLocal) */
    return local_seconds - before;
}
