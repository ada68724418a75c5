/*
 * authentication.c — the request authenticators (see authentication.h).
 */
#include "authentication.h"

#include "connectors/spi/base64.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static authentication_outcome refuse(authentication_result *out, int status, const char *message)
{
    out->principal[0] = '\0';
    out->status = status;
    snprintf(out->message, sizeof out->message, "%s", message);
    return AUTHENTICATION_REFUSED;
}

/* Decodes the digits before any '=' into `out` (NUL-terminated); false when
 * malformed, too long or holding a NUL byte. */
static bool decode_credentials(const char *s, char *out, size_t capacity)
{
    size_t digits = strcspn(s, "=");
    if (digits * 3 / 4 >= capacity)
        return false;
    long length = base64_decode(s, digits, false, (uint8_t *)out, NULL);
    if (length < 0 || memchr(out, '\0', (size_t)length))
        return false;
    out[length] = '\0';
    return true;
}

typedef struct basic_credentials {
    bool present;
    char decoded[512];
    const char *user;
    const char *password;          /* "" when none was sent */
} basic_credentials;

/* `Authorization: Basic base64(user:password)`; false with the 401 message. */
static bool read_basic(const http_request *r, basic_credentials *c, authentication_result *out)
{
    memset(c, 0, sizeof *c);
    const char *header = http_request_header(r, "Authorization");
    if (!header || strncasecmp(header, "Basic ", 6) != 0)
        return true;
    c->present = true;
    const char *encoded = header + 6;
    while (*encoded == ' ')
        encoded++;
    if (!decode_credentials(encoded, c->decoded, sizeof c->decoded))
        return refuse(out, 401, "Invalid base64 encoded credentials"), false;
    char *colon = strchr(c->decoded, ':');
    if (!colon)
        return refuse(out, 401, "Malformed decoded credentials"), false;
    *colon = '\0';
    c->user = c->decoded;
    c->password = colon + 1;
    if (!*c->user)
        return refuse(out, 401, "Malformed credentials: user is empty"), false;
    return true;
}

static authentication_outcome accept_user(authentication_result *out, const char *user)
{
    if (strlen(user) >= sizeof out->principal)
        return refuse(out, 401, "Malformed credentials: user is too long");
    snprintf(out->principal, sizeof out->principal, "%s", user);
    out->status = 0;
    out->message[0] = '\0';
    return AUTHENTICATED;
}

static const char *user_header(const authentication_config *a, const http_request *r)
{
    const char *user = http_request_header(r, "X-Trino-User");
    if ((!user || !*user) && a->alternate_header_name && *a->alternate_header_name) {
        char name[64];
        snprintf(name, sizeof name, "X-%.24s-User", a->alternate_header_name);
        user = http_request_header(r, name);
    }
    return user && *user ? user : NULL;
}

/* Trino's InsecureAuthenticator: a user name, never a password. */
static authentication_outcome insecure(const authentication_config *a, const http_request *r,
                                       authentication_result *out)
{
    basic_credentials c;
    if (!read_basic(r, &c, out))
        return AUTHENTICATION_REFUSED;
    if (c.present) {
        if (*c.password)
            return refuse(out, 401, "Password not allowed for insecure authentication");
        return accept_user(out, c.user);
    }
    const char *user = user_header(a, r);
    if (!user)
        return refuse(out, 401, "Basic authentication or X-Trino-User must be sent");
    /* the first line when it was repeated (nng joins lines with ", ") */
    char trimmed[256];
    const char *p = user;
    while (*p == ' ')
        p++;
    snprintf(trimmed, sizeof trimmed, "%.*s", (int)strcspn(p, ","), p);
    size_t n = strlen(trimmed);
    while (n > 0 && trimmed[n - 1] == ' ')
        trimmed[--n] = '\0';
    if (!*trimmed)
        return refuse(out, 401, "Basic authentication or X-Trino-User must be sent");
    return accept_user(out, trimmed);
}

/* Trino's PasswordAuthenticator with the file password authenticator. */
static authentication_outcome password(const authentication_config *a, const http_request *r, bool may_block,
                                       authentication_result *out)
{
    basic_credentials c;
    if (!read_basic(r, &c, out))
        return AUTHENTICATION_REFUSED;
    if (!c.present)
        return refuse(out, 401, "Unauthorized");
    switch (password_file_check(a->passwords, c.user, c.password, may_block)) {
    case PASSWORD_VALID:
        return accept_user(out, c.user);
    case PASSWORD_NEEDS_HASHING:
        return AUTHENTICATION_NEEDS_WORKER;
    case PASSWORD_INVALID:
        break;
    }
    return refuse(out, 401, "Access Denied: Invalid credentials");
}

authentication_outcome authentication_check(const authentication_config *a, const http_request *r,
                                            bool may_block, authentication_result *out)
{
    if (!a->passwords)
        return insecure(a, r, out);
    if (http_request_is_secure(r))
        return password(a, r, may_block, out);
    if (a->allow_insecure_over_http)
        return insecure(a, r, out);
    return refuse(out, 403, "Authentication over HTTP is not enabled");
}

void authentication_respond_refused(http_request *r, const authentication_result *result)
{
    http_headers headers;
    http_headers_init(&headers);
    if (result->status == 401)
        http_headers_add(&headers, "WWW-Authenticate", "Basic realm=\"Trino\"");
    http_request_respond(r, result->status, "text/plain; charset=utf-8", result->message, strlen(result->message),
                         &headers);
    http_headers_free(&headers);
}
