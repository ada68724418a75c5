/*
 * properties.c — the Java .properties reader: logical lines, key/value split,
 * escapes, and ${ENV:NAME} substitution.
 */
#include "properties.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/strbuf.h"

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\f';
}

static bool is_newline(char c)
{
    return c == '\n' || c == '\r';
}

/* ---- entries ---------------------------------------------------------- */

const config_property *config_properties_find(const config_properties *props, const char *key)
{
    for (size_t i = 0; i < props->count; i++)
        if (strcmp(props->items[i].key, key) == 0)
            return &props->items[i];
    return NULL;
}

const char *config_properties_get(const config_properties *props, const char *key)
{
    const config_property *p = config_properties_find(props, key);
    return p ? p->value : NULL;
}

static bool add_owned(config_properties *props, char *key, char *value, int line, config_error *error)
{
    const config_property *previous = config_properties_find(props, key);
    if (previous) {
        config_error_set(error, props->file, line, key,
                         "Duplicate configuration property '%s' (first given on line %d)", key,
                         previous->line);
        free(key);
        free(value);
        return false;
    }
    if (props->count == props->capacity) {
        size_t cap = props->capacity ? props->capacity * 2 : 16;
        config_property *items = realloc(props->items, cap * sizeof *items);
        if (!items) {
            free(key);
            free(value);
            return config_error_set(error, props->file, line, NULL, "out of memory");
        }
        props->items = items;
        props->capacity = cap;
    }
    props->items[props->count++] = (config_property){.key = key, .value = value, .line = line};
    return true;
}

bool config_properties_add(config_properties *props, const char *key, const char *value, int line,
                           config_error *error)
{
    char *k = strdup(key);
    char *v = strdup(value);
    if (!k || !v) {
        free(k);
        free(v);
        return config_error_set(error, props->file, line, NULL, "out of memory");
    }
    return add_owned(props, k, v, line, error);
}

void config_properties_free(config_properties *props)
{
    for (size_t i = 0; i < props->count; i++) {
        free(props->items[i].key);
        free(props->items[i].value);
    }
    free(props->items);
    free(props->file);
    memset(props, 0, sizeof *props);
}

/* ---- escapes ---------------------------------------------------------- */

static void put_utf8(strbuf *b, uint32_t cp)
{
    char out[4];
    size_t n;
    if (cp < 0x80) {
        out[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        out[0] = (char)(0xF0 | (cp >> 18));
        out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    strbuf_append(b, out, n);
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Reads 4 hex digits at s[i..i+3]; -1 when malformed. */
static long read_hex4(const char *s, size_t i, size_t end)
{
    if (i + 4 > end)
        return -1;
    long v = 0;
    for (size_t k = 0; k < 4; k++) {
        int h = hex_value(s[i + k]);
        if (h < 0)
            return -1;
        v = v * 16 + h;
    }
    return v;
}

/* Decodes the escapes of s[start, end) into a new string; NULL + error on a
 * malformed \u escape or out of memory. */
static char *unescape(const char *s, size_t start, size_t end, const char *file, int line,
                      const char *what, config_error *error)
{
    strbuf b = {0};
    for (size_t i = start; i < end;) {
        char c = s[i++];
        if (c != '\\') {
            strbuf_putc(&b, c);
            continue;
        }
        if (i >= end) /* a lone trailing backslash is dropped, as Java does */
            break;
        c = s[i++];
        switch (c) {
        case 't': strbuf_putc(&b, '\t'); break;
        case 'n': strbuf_putc(&b, '\n'); break;
        case 'r': strbuf_putc(&b, '\r'); break;
        case 'f': strbuf_putc(&b, '\f'); break;
        case 'u': {
            long unit = read_hex4(s, i, end);
            if (unit < 0)
                goto malformed;
            i += 4;
            uint32_t cp = (uint32_t)unit;
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                long low = -1;
                if (i + 6 <= end && s[i] == '\\' && s[i + 1] == 'u')
                    low = read_hex4(s, i + 2, end);
                if (low < 0xDC00 || low > 0xDFFF)
                    goto malformed;
                i += 6;
                cp = 0x10000 + ((cp - 0xD800) << 10) + ((uint32_t)low - 0xDC00);
            } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                goto malformed;
            }
            if (cp == 0)
                goto nul;
            put_utf8(&b, cp);
            break;
        }
        default:
            strbuf_putc(&b, c);
            break;
        }
    }
    char *out = strbuf_take(&b);
    if (!out)
        config_error_set(error, file, line, NULL, "out of memory");
    return out;
malformed:
    strbuf_free(&b);
    config_error_set(error, file, line, NULL, "Malformed \\uxxxx encoding in %s", what);
    return NULL;
nul:
    strbuf_free(&b);
    config_error_set(error, file, line, NULL, "\\u0000 is not allowed in %s", what);
    return NULL;
}

/* ---- logical lines ---------------------------------------------------- */

/* Splits one logical line (escapes still in place, continuations removed)
 * into key and value and adds them. */
static bool parse_logical_line(config_properties *props, const char *line, size_t length, int line_no,
                               config_error *error)
{
    size_t key_end = 0;
    size_t value_start = length;
    bool has_separator = false;
    bool backslash = false;
    for (size_t i = 0; i < length; i++) {
        char c = line[i];
        if ((c == '=' || c == ':') && !backslash) {
            key_end = i;
            value_start = i + 1;
            has_separator = true;
            break;
        }
        if (is_blank(c) && !backslash) {
            key_end = i;
            value_start = i + 1;
            break;
        }
        backslash = c == '\\' ? !backslash : false;
        key_end = i + 1;
    }
    while (value_start < length) {
        char c = line[value_start];
        if (!is_blank(c)) {
            if (!has_separator && (c == '=' || c == ':'))
                has_separator = true;
            else
                break;
        }
        value_start++;
    }
    /* drop trailing blanks that are not escaped */
    size_t value_end = length;
    while (value_end > value_start && is_blank(line[value_end - 1])) {
        size_t backslashes = 0;
        for (size_t k = value_end - 1; k > value_start && line[k - 1] == '\\'; k--)
            backslashes++;
        if (backslashes % 2 == 1)
            break;
        value_end--;
    }

    char *key = unescape(line, 0, key_end, props->file, line_no, "a key", error);
    if (!key)
        return false;
    if (key[0] == '\0') {
        free(key);
        return config_error_set(error, props->file, line_no, NULL, "empty property name");
    }
    char *value = unescape(line, value_start, value_end, props->file, line_no, "a value", error);
    if (!value) {
        snprintf(error->key, sizeof error->key, "%s", key);
        free(key);
        return false;
    }
    return add_owned(props, key, value, line_no, error);
}

bool config_properties_parse(const char *text, size_t length, const char *file,
                             config_properties *out, config_error *error)
{
    memset(out, 0, sizeof *out);
    out->file = strdup(file ? file : "");
    if (!out->file)
        return config_error_set(error, file, 0, NULL, "out of memory");

    size_t i = 0;
    if (length >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        i = 3; /* a UTF-8 byte order mark */
    int line_no = 1;
    strbuf logical = {0};
    while (i < length) {
        /* start of a natural line that starts a logical line */
        while (i < length && is_blank(text[i]))
            i++;
        if (i >= length)
            break;
        if (is_newline(text[i])) {
            if (text[i] == '\r' && i + 1 < length && text[i + 1] == '\n')
                i++;
            i++;
            line_no++;
            continue;
        }
        if (text[i] == '#' || text[i] == '!') {
            while (i < length && !is_newline(text[i]))
                i++;
            continue; /* the newline is counted above */
        }
        int start_line = line_no;
        logical.length = 0;
        for (;;) {
            size_t begin = i;
            while (i < length && !is_newline(text[i])) {
                if (text[i] == '\0') {
                    strbuf_free(&logical);
                    config_properties_free(out);
                    return config_error_set(error, file, line_no, NULL, "NUL byte in properties file");
                }
                i++;
            }
            size_t end = i;
            size_t backslashes = 0;
            while (end - backslashes > begin && text[end - backslashes - 1] == '\\')
                backslashes++;
            bool continues = backslashes % 2 == 1;
            strbuf_append(&logical, text + begin, end - begin - (continues ? 1 : 0));
            if (i < length) {
                if (text[i] == '\r' && i + 1 < length && text[i + 1] == '\n')
                    i++;
                i++;
                line_no++;
            }
            if (!continues || i >= length)
                break;
            while (i < length && is_blank(text[i]))
                i++;
        }
        if (logical.failed) {
            strbuf_free(&logical);
            config_properties_free(out);
            return config_error_set(error, file, start_line, NULL, "out of memory");
        }
        if (!parse_logical_line(out, logical.data ? logical.data : "", logical.length, start_line, error)) {
            strbuf_free(&logical);
            config_properties_free(out);
            return false;
        }
    }
    strbuf_free(&logical);
    return true;
}

bool config_properties_load(const char *path, config_properties *out, config_error *error)
{
    memset(out, 0, sizeof *out);
    FILE *f = fopen(path, "rb");
    if (!f)
        return config_error_set(error, path, 0, NULL, "cannot open: %s", strerror(errno));
    strbuf b = {0};
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        strbuf_append(&b, chunk, n);
    bool read_error = ferror(f);
    fclose(f);
    if (read_error || b.failed) {
        strbuf_free(&b);
        return config_error_set(error, path, 0, NULL, read_error ? "read error" : "out of memory");
    }
    bool ok = config_properties_parse(b.data ? b.data : "", b.length, path, out, error);
    strbuf_free(&b);
    return ok;
}

/* ---- ${ENV:NAME} ------------------------------------------------------ */

static char *resolve_env_value(const char *value, const char *file, const config_property *p,
                               config_error *error)
{
    strbuf b = {0};
    const char *s = value;
    for (;;) {
        const char *open = strstr(s, "${ENV:");
        if (!open) {
            strbuf_append(&b, s, strlen(s));
            break;
        }
        const char *close = strchr(open + 6, '}');
        if (!close) {
            strbuf_free(&b);
            config_error_set(error, file, p->line, p->key, "unterminated ${ENV:...} in value");
            return NULL;
        }
        strbuf_append(&b, s, (size_t)(open - s));
        size_t name_length = (size_t)(close - (open + 6));
        char name[256];
        if (name_length == 0 || name_length >= sizeof name) {
            strbuf_free(&b);
            config_error_set(error, file, p->line, p->key, "bad environment variable name in value");
            return NULL;
        }
        memcpy(name, open + 6, name_length);
        name[name_length] = '\0';
        const char *env = getenv(name);
        if (!env) {
            strbuf_free(&b);
            config_error_set(error, file, p->line, p->key, "Environment variable is not set: %s", name);
            return NULL;
        }
        strbuf_append(&b, env, strlen(env));
        s = close + 1;
    }
    char *out = strbuf_take(&b);
    if (!out)
        config_error_set(error, file, p->line, p->key, "out of memory");
    return out;
}

bool config_properties_resolve_env(config_properties *props, config_error *error)
{
    for (size_t i = 0; i < props->count; i++) {
        config_property *p = &props->items[i];
        if (!strstr(p->value, "${ENV:"))
            continue;
        char *resolved = resolve_env_value(p->value, props->file, p, error);
        if (!resolved)
            return false;
        free(p->value);
        p->value = resolved;
    }
    return true;
}
