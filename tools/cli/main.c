/*
 * main.c — `shoal`, the command-line client of a Shoal (or Trino)
 * coordinator over the REST client protocol, with the Trino CLI's options:
 *
 *   shoal [--server URL] [--user U] [--catalog C] [--schema S]
 *         [--session k=v ...] [--source NAME] [--timezone ZONE]
 *         [--execute SQL | --file FILE] [--output-format FMT]
 *         [--output-format-interactive FMT] [--ignore-errors]
 *         [--no-progress] [--history-file PATH]
 *         [--password] [--insecure] [--truststore-path PEM]
 *
 * With --execute or --file (or SQL piped on stdin) it runs the statements in
 * order and exits 1 after the first failure (all of them with
 * --ignore-errors, still exiting 1), 0 when all succeeded; bad options exit 2.
 * Otherwise it opens the interactive console (interactive.c).
 * Batch output defaults to CSV, interactive output to ALIGNED, as Trino's.
 * --password sends Basic credentials, the password from TRINO_PASSWORD or
 * asked on the terminal, and as Trino's CLI only to an https:// server.
 */
#include <getopt.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <termios.h>
#include <unistd.h>

#include "client_session.h"
#include "interactive.h"
#include "query_runner.h"
#include "statement_splitter.h"

static volatile sig_atomic_t interrupted;

static void on_interrupt(int signal_number)
{
    (void)signal_number;
    interrupted = 1;
}

typedef struct cli_options {
    const char *server;
    const char *user;
    const char *catalog;
    const char *schema;
    const char *source;
    const char *time_zone;
    const char *execute;
    const char *file;
    const char *history_file;
    output_format batch_format;
    output_format interactive_format;
    bool ignore_errors;
    bool no_progress;
    bool password;
    bool insecure;
    const char *truststore_path;
    const char **sessions;
    int session_count;
} cli_options;

static void usage(FILE *out)
{
    fprintf(out,
            "usage: shoal [options]\n"
            "  --server URL                      coordinator (default: localhost:8080)\n"
            "  --user NAME                       session user (default: $USER)\n"
            "  --catalog NAME                    default catalog\n"
            "  --schema NAME                     default schema\n"
            "  --session NAME=VALUE              session property (repeatable)\n"
            "  --source NAME                     client source (default: shoal-cli)\n"
            "  --timezone ZONE                   session time zone\n"
            "  --execute SQL                     run these statements, then exit\n"
            "  -f, --file FILE                   run the statements in FILE, then exit\n"
            "  --output-format FMT               batch output: ALIGNED, VERTICAL, CSV (default),\n"
            "                                    CSV_HEADER, TSV, TSV_HEADER, JSON, MARKDOWN\n"
            "  --output-format-interactive FMT   console output (default: ALIGNED)\n"
            "  --ignore-errors                   keep going after a failed statement (batch)\n"
            "  --no-progress                     no status line on stderr while a query runs\n"
            "  --history-file PATH               console history (default: ~/.shoal_history)\n"
            "  --password                        ask for a password (or take $TRINO_PASSWORD); HTTPS only\n"
            "  --truststore-path PEM             trusted certificates for HTTPS\n"
            "  --insecure                        skip HTTPS certificate validation\n");
}

static bool parse_format(const char *text, output_format *out)
{
    if (output_format_parse(text, out))
        return true;
    fprintf(stderr, "shoal: unknown output format '%s'\n", text);
    return false;
}

static const char *default_user(void)
{
    const char *user = getenv("USER");
    if (user && *user)
        return user;
    struct passwd *pw = getpwuid(getuid());
    return pw && pw->pw_name ? pw->pw_name : "shoal";
}

/* 0 ok, 2 usage error, -1 --help shown */
static int parse_options(int argc, char **argv, cli_options *o)
{
    enum { OPT_SERVER = 256, OPT_USER, OPT_CATALOG, OPT_SCHEMA, OPT_SESSION, OPT_SOURCE, OPT_TZ, OPT_EXECUTE,
           OPT_FORMAT, OPT_FORMAT_INTERACTIVE, OPT_IGNORE, OPT_NO_PROGRESS, OPT_HISTORY, OPT_HELP, OPT_PASSWORD,
           OPT_INSECURE, OPT_TRUSTSTORE };
    static const struct option long_options[] = {
        {"server", required_argument, NULL, OPT_SERVER}, {"user", required_argument, NULL, OPT_USER},
        {"catalog", required_argument, NULL, OPT_CATALOG}, {"schema", required_argument, NULL, OPT_SCHEMA},
        {"session", required_argument, NULL, OPT_SESSION}, {"source", required_argument, NULL, OPT_SOURCE},
        {"timezone", required_argument, NULL, OPT_TZ}, {"execute", required_argument, NULL, OPT_EXECUTE},
        {"file", required_argument, NULL, 'f'}, {"output-format", required_argument, NULL, OPT_FORMAT},
        {"output-format-interactive", required_argument, NULL, OPT_FORMAT_INTERACTIVE},
        {"ignore-errors", no_argument, NULL, OPT_IGNORE}, {"no-progress", no_argument, NULL, OPT_NO_PROGRESS},
        {"history-file", required_argument, NULL, OPT_HISTORY}, {"help", no_argument, NULL, OPT_HELP},
        {"password", no_argument, NULL, OPT_PASSWORD}, {"insecure", no_argument, NULL, OPT_INSECURE},
        {"truststore-path", required_argument, NULL, OPT_TRUSTSTORE},
        {NULL, 0, NULL, 0},
    };
    memset(o, 0, sizeof *o);
    o->server = "localhost:8080";
    o->user = default_user();
    o->source = "shoal-cli";
    o->batch_format = OUTPUT_CSV;
    o->interactive_format = OUTPUT_ALIGNED;
    o->sessions = calloc((size_t)argc + 1, sizeof *o->sessions);
    if (!o->sessions)
        return 2;
    int c;
    while ((c = getopt_long(argc, argv, "f:h", long_options, NULL)) != -1) {
        switch (c) {
        case OPT_SERVER: o->server = optarg; break;
        case OPT_USER: o->user = optarg; break;
        case OPT_CATALOG: o->catalog = optarg; break;
        case OPT_SCHEMA: o->schema = optarg; break;
        case OPT_SESSION: o->sessions[o->session_count++] = optarg; break;
        case OPT_SOURCE: o->source = optarg; break;
        case OPT_TZ: o->time_zone = optarg; break;
        case OPT_EXECUTE: o->execute = optarg; break;
        case 'f': o->file = optarg; break;
        case OPT_FORMAT:
            if (!parse_format(optarg, &o->batch_format))
                return 2;
            break;
        case OPT_FORMAT_INTERACTIVE:
            if (!parse_format(optarg, &o->interactive_format))
                return 2;
            break;
        case OPT_IGNORE: o->ignore_errors = true; break;
        case OPT_NO_PROGRESS: o->no_progress = true; break;
        case OPT_HISTORY: o->history_file = optarg; break;
        case OPT_PASSWORD: o->password = true; break;
        case OPT_INSECURE: o->insecure = true; break;
        case OPT_TRUSTSTORE: o->truststore_path = optarg; break;
        case 'h':
        case OPT_HELP: usage(stdout); return -1;
        default: usage(stderr); return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "shoal: unexpected argument '%s'\n", argv[optind]);
        return 2;
    }
    if (o->execute && o->file) {
        fprintf(stderr, "shoal: only one of --execute and --file may be specified\n");
        return 2;
    }
    if (o->password && strncasecmp(o->server, "https://", 8) != 0) {
        fprintf(stderr, "shoal: Authentication using username/password requires HTTPS to be enabled\n");
        return 2;
    }
    if (o->schema && !o->catalog) {
        fprintf(stderr, "shoal: --schema needs --catalog\n");
        return 2;
    }
    return 0;
}

/* TRINO_PASSWORD, else asked on the terminal; NULL when neither works. */
static char *read_password(const char *user)
{
    const char *env = getenv("TRINO_PASSWORD");
    if (env)
        return strdup(env);
    FILE *tty = fopen("/dev/tty", "r+");
    if (!tty)
        return NULL;
    struct termios saved, quiet;
    bool echo_off = tcgetattr(fileno(tty), &saved) == 0;
    if (echo_off) {
        quiet = saved;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        tcsetattr(fileno(tty), TCSAFLUSH, &quiet);
    }
    fprintf(tty, "Password for %s: ", user);
    fflush(tty);
    char line[1024];
    char *password = fgets(line, sizeof line, tty) ? strndup(line, strcspn(line, "\r\n")) : NULL;
    if (echo_off)
        tcsetattr(fileno(tty), TCSAFLUSH, &saved);
    fputc('\n', tty);
    fclose(tty);
    return password;
}

static char *read_stream(FILE *f)
{
    size_t length = 0, capacity = 4096;
    char *text = malloc(capacity);
    while (text) {
        size_t n = fread(text + length, 1, capacity - length - 1, f);
        length += n;
        if (n == 0)
            break;
        if (capacity - length < 2) {
            char *grown = realloc(text, capacity * 2);
            if (!grown) {
                free(text);
                return NULL;
            }
            text = grown;
            capacity *= 2;
        }
    }
    if (text)
        text[length] = '\0';
    return text;
}

/* Runs every statement of `text`; true when all succeeded. */
static bool run_batch(rest_client *client, client_session *session, const char *text, const cli_options *o,
                      const query_runner_options *ro)
{
    statement_list list;
    if (!statement_split(text, &list)) {
        fprintf(stderr, "Error running command: out of memory\n");
        return false;
    }
    bool all_ok = true;
    size_t total = list.count + (statement_is_blank(list.remainder) ? 0 : 1);
    for (size_t i = 0; i < total; i++) {
        const char *sql = i < list.count ? list.items[i] : list.remainder;
        bool ok = query_run(client, session, sql, ro);
        all_ok = all_ok && ok;
        if (!ok && !o->ignore_errors)
            break;
    }
    statement_list_free(&list);
    return all_ok;
}

int main(int argc, char **argv)
{
    cli_options o;
    int status = parse_options(argc, argv, &o);
    if (status != 0) {
        free(o.sessions);
        return status < 0 ? 0 : status;
    }
    client_session session;
    if (!client_session_init(&session, o.server, o.user, o.source)) {
        fprintf(stderr, "shoal: out of memory\n");
        return 1;
    }
    client_session_set(&session.catalog, o.catalog);
    client_session_set(&session.schema, o.schema);
    client_session_set(&session.time_zone, o.time_zone);
    for (int i = 0; i < o.session_count; i++) {
        char message[512];
        if (!client_session_add_property(&session, o.sessions[i], message, sizeof message)) {
            fprintf(stderr, "shoal: %s\n", message);
            client_session_free(&session);
            free(o.sessions);
            return 2;
        }
    }
    struct sigaction action = {.sa_handler = on_interrupt};
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, NULL); /* no SA_RESTART: a read at the prompt returns */

    rest_client *client = rest_client_new(&interrupted);
    char *password = o.password ? read_password(o.user) : NULL;
    if (o.password && !password) {
        fprintf(stderr, "shoal: no password: set TRINO_PASSWORD or run on a terminal\n");
        rest_client_free(client);
        client_session_free(&session);
        free(o.sessions);
        return 2;
    }
    rest_client_security security = {
        .user = o.user, .password = password, .truststore_path = o.truststore_path, .insecure = o.insecure};
    if (client && !rest_client_set_security(client, &security)) {
        rest_client_free(client);
        client = NULL;
    }
    if (password) {
        memset(password, 0, strlen(password));
        free(password);
    }
    bool batch = o.execute || o.file || !isatty(STDIN_FILENO);
    query_runner_options ro = {
        .format = batch ? o.batch_format : o.interactive_format,
        .out = stdout,
        .err = stderr,
        .progress = !o.no_progress && isatty(STDERR_FILENO),
        .summary = !batch && !o.no_progress && isatty(STDERR_FILENO),
        .interrupted = &interrupted,
    };
    int exit_code = 0;
    if (!client) {
        fprintf(stderr, "shoal: cannot initialise libcurl\n");
        exit_code = 1;
    } else if (batch) {
        char *text = NULL;
        if (o.execute) {
            text = strdup(o.execute);
        } else if (o.file) {
            FILE *f = fopen(o.file, "rb");
            text = f ? read_stream(f) : NULL;
            if (f)
                fclose(f);
            if (!f)
                fprintf(stderr, "Error reading from file %s: ", o.file), perror(NULL);
        } else {
            text = read_stream(stdin);
        }
        exit_code = text && run_batch(client, &session, text, &o, &ro) ? 0 : 1;
        free(text);
    } else {
        exit_code = interactive_run(client, &session, &ro, o.history_file);
    }
    rest_client_free(client);
    client_session_free(&session);
    free(o.sessions);
    return exit_code;
}
