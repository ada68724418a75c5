/*
 * client_session.c — the client-side session and the X-Trino-* headers in
 * both directions (reference/protocol.md §2).
 */
#include "client_session.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- string_map ----------------------------------------------------------------- */

static ssize_t string_map_find(const string_map *m, const char *name)
{
    for (size_t i = 0; i < m->count; i++)
        if (strcmp(m->names[i], name) == 0)
            return (ssize_t)i;
    return -1;
}

bool string_map_set(string_map *m, const char *name, const char *value)
{
    char *v = strdup(value);
    if (!v)
        return false;
    ssize_t i = string_map_find(m, name);
    if (i >= 0) {
        free(m->values[i]);
        m->values[i] = v;
        return true;
    }
    char *n = strdup(name);
    char **names = n ? realloc(m->names, (m->count + 1) * sizeof *names) : NULL;
    if (names)
        m->names = names;
    char **values = names ? realloc(m->values, (m->count + 1) * sizeof *values) : NULL;
    if (!values) {
        free(n);
        free(v);
        return false;
    }
    m->values = values;
    m->names[m->count] = n;
    m->values[m->count] = v;
    m->count++;
    return true;
}

void string_map_remove(string_map *m, const char *name)
{
    ssize_t i = string_map_find(m, name);
    if (i < 0)
        return;
    free(m->names[i]);
    free(m->values[i]);
    for (size_t j = (size_t)i + 1; j < m->count; j++) {
        m->names[j - 1] = m->names[j];
        m->values[j - 1] = m->values[j];
    }
    m->count--;
}

const char *string_map_get(const string_map *m, const char *name)
{
    ssize_t i = string_map_find(m, name);
    return i >= 0 ? m->values[i] : NULL;
}

void string_map_free(string_map *m)
{
    for (size_t i = 0; i < m->count; i++) {
        free(m->names[i]);
        free(m->values[i]);
    }
    free(m->names);
    free(m->values);
    memset(m, 0, sizeof *m);
}

/* ---- encoding --------------------------------------------------------------------- */

char *url_encode(const char *text)
{
    size_t n = strlen(text);
    char *out = malloc(n * 3 + 1), *o = out;
    if (!out)
        return NULL;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        if (isalnum(*p) || strchr(".-*_", *p))
            *o++ = (char)*p;
        else if (*p == ' ')
            *o++ = '+';
        else
            o += sprintf(o, "%%%02X", *p);
    }
    *o = '\0';
    return out;
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (char)tolower((unsigned char)c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

char *url_decode(const char *text)
{
    char *out = malloc(strlen(text) + 1), *o = out;
    if (!out)
        return NULL;
    for (const char *p = text; *p; p++) {
        if (*p == '%' && hex_digit(p[1]) >= 0 && hex_digit(p[2]) >= 0) {
            *o++ = (char)(hex_digit(p[1]) * 16 + hex_digit(p[2]));
            p += 2;
        } else {
            *o++ = *p == '+' ? ' ' : *p;
        }
    }
    *o = '\0';
    return out;
}

/* ---- session ------------------------------------------------------------------------ */

void client_session_set(char **field, const char *value)
{
    free(*field);
    *field = value && *value ? strdup(value) : NULL;
}

bool client_session_init(client_session *s, const char *server, const char *user, const char *source)
{
    memset(s, 0, sizeof *s);
    const char *scheme = strstr(server, "://") ? "" : "http://";
    size_t n = strlen(scheme) + strlen(server) + 1;
    s->server = malloc(n);
    if (!s->server)
        return false;
    snprintf(s->server, n, "%s%s", scheme, server);
    for (size_t len = strlen(s->server); len > 0 && s->server[len - 1] == '/'; len--)
        s->server[len - 1] = '\0';
    client_session_set(&s->user, user);
    client_session_set(&s->source, source);
    return s->user && s->source;
}

void client_session_free(client_session *s)
{
    free(s->server);
    free(s->user);
    free(s->source);
    free(s->catalog);
    free(s->schema);
    free(s->time_zone);
    free(s->transaction_id);
    string_map_free(&s->properties);
    string_map_free(&s->prepared);
    memset(s, 0, sizeof *s);
}

bool client_session_add_property(client_session *s, const char *assignment, char *error, size_t size)
{
    const char *eq = strchr(assignment, '=');
    if (!eq || eq == assignment) {
        snprintf(error, size, "Session property must be of the form 'name=value': %s", assignment);
        return false;
    }
    char *name = strndup(assignment, (size_t)(eq - assignment));
    bool ok = name && string_map_set(&s->properties, name, eq + 1);
    free(name);
    if (!ok)
        snprintf(error, size, "out of memory");
    return ok;
}

typedef struct header_list {
    char **lines;
    size_t count;
    bool failed;
} header_list;

static void header_add(header_list *h, const char *name, const char *value)
{
    if (h->failed)
        return;
    size_t n = strlen(name) + strlen(value) + 3;
    char *line = malloc(n);
    char **grown = line ? realloc(h->lines, (h->count + 2) * sizeof *grown) : NULL;
    if (!grown) {
        free(line);
        h->failed = true;
        return;
    }
    snprintf(line, n, "%s: %s", name, value);
    h->lines = grown;
    h->lines[h->count++] = line;
    h->lines[h->count] = NULL;
}

/* "k1=urlenc(v1),k2=urlenc(v2)" */
static char *join_encoded(const string_map *m, bool encode_names)
{
    size_t size = 1;
    char **names = calloc(m->count + 1, sizeof *names), **values = calloc(m->count + 1, sizeof *values);
    bool ok = names && values;
    for (size_t i = 0; ok && i < m->count; i++) {
        names[i] = encode_names ? url_encode(m->names[i]) : strdup(m->names[i]);
        values[i] = url_encode(m->values[i]);
        ok = names[i] && values[i];
        if (ok)
            size += strlen(names[i]) + strlen(values[i]) + 2;
    }
    char *out = ok ? malloc(size) : NULL;
    if (out) {
        char *o = out;
        for (size_t i = 0; i < m->count; i++)
            o += sprintf(o, "%s%s=%s", i ? "," : "", names[i], values[i]);
        *o = '\0';
    }
    for (size_t i = 0; names && values && i < m->count; i++) {
        free(names[i]);
        free(values[i]);
    }
    free(names);
    free(values);
    return out;
}

char **client_session_headers(const client_session *s)
{
    header_list h = {0};
    header_add(&h, "X-Trino-User", s->user);
    header_add(&h, "X-Trino-Source", s->source);
    if (s->catalog)
        header_add(&h, "X-Trino-Catalog", s->catalog);
    if (s->schema)
        header_add(&h, "X-Trino-Schema", s->schema);
    if (s->time_zone)
        header_add(&h, "X-Trino-Time-Zone", s->time_zone);
    header_add(&h, "X-Trino-Client-Capabilities", "PATH,PARAMETRIC_DATETIME");
    header_add(&h, "X-Trino-Transaction-Id", s->transaction_id ? s->transaction_id : "NONE");
    if (s->properties.count) {
        char *joined = join_encoded(&s->properties, false);
        if (joined)
            header_add(&h, "X-Trino-Session", joined);
        h.failed |= !joined;
        free(joined);
    }
    if (s->prepared.count) {
        char *joined = join_encoded(&s->prepared, true);
        if (joined)
            header_add(&h, "X-Trino-Prepared-Statement", joined);
        h.failed |= !joined;
        free(joined);
    }
    if (h.failed) {
        client_session_free_headers(h.lines);
        return NULL;
    }
    return h.lines;
}

void client_session_free_headers(char **headers)
{
    for (char **p = headers; p && *p; p++)
        free(*p);
    free(headers);
}

/* Calls fn on each ", "-separated part of a joined header value, trimmed. */
static void for_each_part(const char *value, void (*fn)(client_session *, const char *), client_session *s)
{
    char *copy = strdup(value);
    if (!copy)
        return;
    char *save = NULL;
    for (char *part = strtok_r(copy, ",", &save); part; part = strtok_r(NULL, ",", &save)) {
        while (isspace((unsigned char)*part))
            part++;
        size_t n = strlen(part);
        while (n > 0 && isspace((unsigned char)part[n - 1]))
            part[--n] = '\0';
        if (*part)
            fn(s, part);
    }
    free(copy);
}

/* name=urlenc(value) into a map; `decode_name` for prepared statement names. */
static void set_encoded(string_map *m, const char *part, bool decode_name)
{
    const char *eq = strchr(part, '=');
    if (!eq)
        return;
    char *raw = strndup(part, (size_t)(eq - part));
    char *name = raw && decode_name ? url_decode(raw) : raw ? strdup(raw) : NULL;
    char *value = url_decode(eq + 1);
    if (name && value)
        string_map_set(m, name, value);
    free(raw);
    free(name);
    free(value);
}

static void set_session(client_session *s, const char *part) { set_encoded(&s->properties, part, false); }
static void clear_session(client_session *s, const char *part) { string_map_remove(&s->properties, part); }
static void added_prepare(client_session *s, const char *part) { set_encoded(&s->prepared, part, true); }

static void deallocated_prepare(client_session *s, const char *part)
{
    char *name = url_decode(part);
    if (name)
        string_map_remove(&s->prepared, name);
    free(name);
}

bool client_session_apply_header(client_session *s, const char *name, const char *value)
{
    /* both families: the server answers in the one the request used */
    if (strncasecmp(name, "X-Trino-", 8) == 0)
        name += 8;
    else if (strncasecmp(name, "X-Presto-", 9) == 0)
        name += 9;
    else
        return false;
    if (strcasecmp(name, "Set-Catalog") == 0)
        client_session_set(&s->catalog, value);
    else if (strcasecmp(name, "Set-Schema") == 0)
        client_session_set(&s->schema, value);
    else if (strcasecmp(name, "Set-Session") == 0)
        for_each_part(value, set_session, s);
    else if (strcasecmp(name, "Clear-Session") == 0)
        for_each_part(value, clear_session, s);
    else if (strcasecmp(name, "Added-Prepare") == 0)
        for_each_part(value, added_prepare, s);
    else if (strcasecmp(name, "Deallocated-Prepare") == 0)
        for_each_part(value, deallocated_prepare, s);
    else if (strcasecmp(name, "Started-Transaction-Id") == 0)
        client_session_set(&s->transaction_id, value);
    else if (strcasecmp(name, "Clear-Transaction-Id") == 0)
        client_session_set(&s->transaction_id, NULL);
    else
        return false;
    return true;
}
