/*
 * session_headers.c — X-Trino-* request headers into a session, and session
 * changes into X-Trino-Set-* / -Clear-* response headers.
 */
#include "session_headers.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sql/parser.h"

/* Every request header suffix of the protocol (for family detection). */
static const char *const header_suffixes[] = {
    "User", "Original-User", "Source", "Catalog", "Schema", "Path", "Time-Zone", "Language",
    "Trace-Token", "Session", "Role", "Prepared-Statement", "Transaction-Id", "Client-Info",
    "Client-Tags", "Client-Capabilities", "Resource-Estimate", "Extra-Credential",
};

static const char *family_header(const http_request *r, const header_family *f, const char *suffix)
{
    char name[96];
    snprintf(name, sizeof name, "%s%s", f->prefix, suffix);
    return http_request_header(r, name);
}

static bool any_header(const http_request *r, const header_family *f)
{
    for (size_t i = 0; i < sizeof header_suffixes / sizeof *header_suffixes; i++)
        if (family_header(r, f, header_suffixes[i]))
            return true;
    return false;
}

static bool fail(session_header_error *error, int status, const char *format, const char *arg)
{
    error->status = status;
    snprintf(error->message, sizeof error->message, format, arg ? arg : "");
    return false;
}

/* Trimmed copy; NULL when absent or empty (Trino treats empty as absent). */
static char *trimmed(const char *value)
{
    if (!value)
        return NULL;
    while (isspace((unsigned char)*value))
        value++;
    size_t n = strlen(value);
    while (n > 0 && isspace((unsigned char)value[n - 1]))
        n--;
    return n ? strndup(value, n) : NULL;
}

/* A header Trino reads with getFirst(): nng 1.5.2 joins repeated request
 * header lines with ", " (it keeps no separate lines), so the first line is
 * the text before the first comma. Only for values that cannot hold a comma
 * (names, zone and transaction ids); list headers are split on commas
 * anyway, and free-text headers (Source, Client-Info, Trace-Token) keep the
 * joined text. */
static char *first_value(const char *value)
{
    if (!value)
        return NULL;
    const char *comma = strchr(value, ',');
    if (!comma)
        return trimmed(value);
    char *head = strndup(value, (size_t)(comma - value));
    char *out = head ? trimmed(head) : NULL;
    free(head);
    return out;
}

/* ---- URL encoding --------------------------------------------------------------- */

char *session_headers_url_encode(const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = strlen(s);
    char *out = malloc(n * 3 + 1);
    if (!out)
        return NULL;
    char *p = out;
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        if (isalnum(*c) || *c == '-' || *c == '_' || *c == '.' || *c == '*') {
            *p++ = (char)*c;
        } else if (*c == ' ') {
            *p++ = '+';
        } else {
            *p++ = '%';
            *p++ = hex[*c >> 4];
            *p++ = hex[*c & 15];
        }
    }
    *p = '\0';
    return out;
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (char)tolower((unsigned char)c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

char *session_headers_url_decode(const char *s)
{
    char *out = malloc(strlen(s) + 1);
    if (!out)
        return NULL;
    char *p = out;
    for (; *s; s++) {
        if (*s == '+') {
            *p++ = ' ';
        } else if (*s == '%') {
            int hi = s[1] ? hex_digit(s[1]) : -1;
            int lo = hi >= 0 && s[2] ? hex_digit(s[2]) : -1;
            if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
                free(out);
                return NULL; /* URLDecoder refuses a bad escape; NUL is refused here too */
            }
            *p++ = (char)(hi * 16 + lo);
            s += 2;
        } else {
            *p++ = *s;
        }
    }
    *p = '\0';
    return out;
}

/* ---- list headers --------------------------------------------------------------------- */

/* Calls fn(item) for each trimmed, non-empty comma-separated item. */
static bool for_each_item(const char *value, bool (*fn)(void *, char *), void *context)
{
    char *copy = strdup(value);
    if (!copy)
        return false;
    bool ok = true;
    char *save = NULL;
    for (char *item = strtok_r(copy, ",", &save); ok && item; item = strtok_r(NULL, ",", &save)) {
        char *t = trimmed(item);
        if (t)
            ok = fn(context, t);
        free(t);
    }
    free(copy);
    return ok;
}

typedef struct parse_context {
    session *s;
    session_header_error *error;
    const char *header;
} parse_context;

static bool add_session_property(void *arg, char *item)
{
    parse_context *c = arg;
    char *eq = strchr(item, '=');
    if (!eq)
        return fail(c->error, 400, "Invalid %s header", c->header);
    *eq = '\0';
    char *name = trimmed(item);
    char *raw_value = trimmed(eq + 1);
    bool ok = name != NULL;
    /* name or catalog.name: at most one dot and no empty part */
    if (ok) {
        char *dot = strchr(name, '.');
        if (dot && (dot == name || dot[1] == '\0' || strchr(dot + 1, '.')))
            ok = false;
    }
    char *value = ok ? session_headers_url_decode(raw_value ? raw_value : "") : NULL;
    if (!value)
        ok = false;
    if (ok)
        session_set_property(c->s, name, value);
    free(name);
    free(raw_value);
    free(value);
    return ok ? true : fail(c->error, 400, "Invalid %s header", c->header);
}

static bool add_prepared_statement(void *arg, char *item)
{
    parse_context *c = arg;
    char *eq = strchr(item, '=');
    if (!eq)
        return fail(c->error, 400, "Invalid %s header", c->header);
    *eq = '\0';
    char *name = session_headers_url_decode(item);
    char *sql = session_headers_url_decode(eq + 1);
    bool ok = name && sql && name[0];
    if (ok) {
        sql_arena *arena = sql_arena_create();
        const ast_node *statement = NULL;
        sql_error parse_error;
        sql_error_clear(&parse_error);
        ok = arena && sql_parse_statement(arena, sql, strlen(sql), &statement, &parse_error) == 0;
        sql_arena_destroy(arena);
    }
    if (ok)
        session_set_prepared(c->s, name, sql);
    free(name);
    free(sql);
    return ok ? true : fail(c->error, 400, "Invalid %s header", c->header);
}

static bool check_resource_estimate(void *arg, char *item)
{
    parse_context *c = arg;
    char *eq = strchr(item, '=');
    if (!eq)
        return fail(c->error, 400, "Invalid %s header", c->header);
    *eq = '\0';
    char *name = trimmed(item);
    bool ok = name && (strcasecmp(name, "EXECUTION_TIME") == 0 || strcasecmp(name, "CPU_TIME") == 0 ||
                       strcasecmp(name, "PEAK_MEMORY") == 0);
    if (!ok) {
        char message[200];
        snprintf(message, sizeof message, "Unsupported resource name %s", name ? name : "");
        free(name);
        return fail(c->error, 400, "%s", message);
    }
    free(name);
    return true;
}

static bool has_capability(const char *value, const char *capability)
{
    if (!value)
        return false;
    size_t n = strlen(capability);
    for (const char *p = strstr(value, capability); p; p = strstr(p + 1, capability)) {
        bool start = p == value || p[-1] == ',' || p[-1] == ' ';
        bool end = p[n] == '\0' || p[n] == ',' || p[n] == ' ';
        if (start && end)
            return true;
    }
    return false;
}

/* ---- the POST ------------------------------------------------------------------------------- */

static bool choose_family(const http_request *r, const char *alternate_name, header_family *out,
                          session_header_error *error)
{
    header_family trino;
    snprintf(trino.prefix, sizeof trino.prefix, "X-Trino-");
    *out = trino;
    if (!alternate_name || !*alternate_name)
        return true;
    header_family alternate;
    snprintf(alternate.prefix, sizeof alternate.prefix, "X-%.24s-", alternate_name);
    if (!any_header(r, &alternate))
        return true;
    if (any_header(r, &trino)) {
        error->status = 400;
        snprintf(error->message, sizeof error->message, "Both Trino and %s headers detected", alternate_name);
        return false;
    }
    *out = alternate;
    return true;
}

bool session_headers_parse(const http_request *r, const char *alternate_name, const char *principal,
                           client_session *out, session_header_error *error)
{
    memset(out, 0, sizeof *out);
    if (!choose_family(r, alternate_name, &out->family, error))
        return false;
    const header_family *f = &out->family;
    char *user = first_value(family_header(r, f, "User"));
    if (!user && principal && *principal)
        user = strdup(principal);
    if (!user)
        return fail(error, 400, "User must be set%s", NULL);
    out->impersonating = principal && *principal && strcmp(principal, user) != 0;
    if (out->impersonating)
        snprintf(out->principal, sizeof out->principal, "%s", principal);
    char *catalog = first_value(family_header(r, f, "Catalog"));
    char *schema = first_value(family_header(r, f, "Schema"));
    if (schema && !catalog) {
        free(user);
        free(schema);
        return fail(error, 400, "Schema is set but catalog is not%s", NULL);
    }
    out->session = session_new(user, catalog, schema);
    free(user);
    free(catalog);
    free(schema);
    if (!out->session)
        return fail(error, 400, "Out of memory%s", NULL);
    session *s = out->session;
    s->source = trimmed(family_header(r, f, "Source"));
    s->time_zone = first_value(family_header(r, f, "Time-Zone"));
    out->client_info = trimmed(family_header(r, f, "Client-Info"));
    out->client_tags = trimmed(family_header(r, f, "Client-Tags"));
    out->trace_token = trimmed(family_header(r, f, "Trace-Token"));
    out->transaction_id = first_value(family_header(r, f, "Transaction-Id"));
    out->parametric_datetime = has_capability(family_header(r, f, "Client-Capabilities"), "PARAMETRIC_DATETIME");

    char header[96];
    parse_context c = {.s = s, .error = error, .header = header};
    const char *value;
    snprintf(header, sizeof header, "%sSession", f->prefix);
    if ((value = family_header(r, f, "Session")) && !for_each_item(value, add_session_property, &c))
        goto refused;
    snprintf(header, sizeof header, "%sPrepared-Statement", f->prefix);
    if ((value = family_header(r, f, "Prepared-Statement")) && !for_each_item(value, add_prepared_statement, &c))
        goto refused;
    snprintf(header, sizeof header, "%sResource-Estimate", f->prefix);
    if ((value = family_header(r, f, "Resource-Estimate")) && !for_each_item(value, check_resource_estimate, &c))
        goto refused;
    return true;
refused:
    if (error->status == 0)
        fail(error, 400, "Invalid %s header", header);
    client_session_free(out);
    return false;
}

void client_session_free(client_session *c)
{
    session_free(c->session);
    free(c->client_info);
    free(c->client_tags);
    free(c->trace_token);
    free(c->transaction_id);
    memset(c, 0, sizeof *c);
}

/* ---- changes into response headers ---------------------------------------------------------- */

session *session_headers_snapshot(const session *s)
{
    session *copy = session_new(s->user, s->catalog, s->schema);
    if (!copy)
        return NULL;
    for (int i = 0; i < s->property_count; i++)
        session_set_property(copy, s->properties[i].name, s->properties[i].value);
    for (int i = 0; i < s->prepared_count; i++)
        session_set_prepared(copy, s->prepared[i].name, s->prepared[i].value);
    return copy;
}

static bool same(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static bool add_named(http_headers *out, const header_family *f, const char *suffix, const char *value)
{
    char name[96];
    snprintf(name, sizeof name, "%s%s", f->prefix, suffix);
    return http_headers_add(out, name, value);
}

static bool add_pair(http_headers *out, const header_family *f, const char *suffix, const char *name,
                     bool encode_name, const char *value)
{
    char *n = encode_name ? session_headers_url_encode(name) : strdup(name);
    char *v = session_headers_url_encode(value);
    bool ok = n && v;
    if (ok) {
        size_t size = strlen(n) + strlen(v) + 2;
        char *line = malloc(size);
        ok = line != NULL;
        if (ok) {
            snprintf(line, size, "%s=%s", n, v);
            ok = add_named(out, f, suffix, line);
            free(line);
        }
    }
    free(n);
    free(v);
    return ok;
}

static void new_transaction_id(char *out, size_t size)
{
    unsigned char bytes[16];
    FILE *f = fopen("/dev/urandom", "rb");
    size_t got = f ? fread(bytes, 1, sizeof bytes, f) : 0;
    if (f)
        fclose(f);
    for (size_t i = got; i < sizeof bytes; i++)
        bytes[i] = (unsigned char)(rand() & 0xFF);
    bytes[6] = (unsigned char)((bytes[6] & 0x0F) | 0x40);
    bytes[8] = (unsigned char)((bytes[8] & 0x3F) | 0x80);
    snprintf(out, size, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", bytes[0],
             bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7], bytes[8], bytes[9], bytes[10],
             bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]);
}

bool session_headers_changes(const session *before, const session *after, const char *update_type,
                             const header_family *f, http_headers *out)
{
    bool ok = true;
    if (!same(before->catalog, after->catalog) && after->catalog)
        ok = ok && add_named(out, f, "Set-Catalog", after->catalog);
    if (!same(before->schema, after->schema) && after->schema)
        ok = ok && add_named(out, f, "Set-Schema", after->schema);
    for (int i = 0; i < after->property_count; i++) {
        const session_entry *e = &after->properties[i];
        if (!same(session_property(before, e->name), e->value))
            ok = ok && add_pair(out, f, "Set-Session", e->name, false, e->value);
    }
    for (int i = 0; i < before->property_count; i++)
        if (!session_property(after, before->properties[i].name))
            ok = ok && add_named(out, f, "Clear-Session", before->properties[i].name);
    for (int i = 0; i < after->prepared_count; i++) {
        const session_entry *e = &after->prepared[i];
        if (!same(session_prepared(before, e->name), e->value))
            ok = ok && add_pair(out, f, "Added-Prepare", e->name, true, e->value);
    }
    for (int i = 0; i < before->prepared_count; i++) {
        if (!session_prepared(after, before->prepared[i].name)) {
            char *n = session_headers_url_encode(before->prepared[i].name);
            ok = ok && n && add_named(out, f, "Deallocated-Prepare", n);
            free(n);
        }
    }
    if (update_type && strcmp(update_type, "START TRANSACTION") == 0) {
        char id[40];
        new_transaction_id(id, sizeof id);
        ok = ok && add_named(out, f, "Started-Transaction-Id", id);
    } else if (update_type && (strcmp(update_type, "COMMIT") == 0 || strcmp(update_type, "ROLLBACK") == 0)) {
        ok = ok && add_named(out, f, "Clear-Transaction-Id", "true");
    }
    return ok;
}
