/*
 * interactive.c — the read-eval-print loop over libedit's native API
 * (el_gets tells an interrupted read from end of input, which the readline
 * compatibility layer does not).
 */
#include "interactive.h"

#include <ctype.h>
#include <errno.h>
#include <histedit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "statement_splitter.h"

static char prompt_text[256];

static char *current_prompt(EditLine *el)
{
    (void)el;
    return prompt_text;
}

/* "shoal> " / "shoal:tiny> ", and the continuation "     -> " of equal width. */
static void set_prompt(const client_session *s, bool continuation)
{
    char base[200];
    snprintf(base, sizeof base, "shoal%s%s", s->schema ? ":" : "", s->schema ? s->schema : "");
    if (continuation)
        snprintf(prompt_text, sizeof prompt_text, "%*s-> ", (int)strlen(base) - 1, "");
    else
        snprintf(prompt_text, sizeof prompt_text, "%s> ", base);
}

static bool is_quit(const char *text)
{
    char word[16];
    size_t n = 0;
    while (isspace((unsigned char)*text))
        text++;
    while (*text && !isspace((unsigned char)*text) && *text != ';' && n + 1 < sizeof word)
        word[n++] = *text++;
    word[n] = '\0';
    while (isspace((unsigned char)*text) || *text == ';')
        text++;
    return *text == '\0' && (strcasecmp(word, "quit") == 0 || strcasecmp(word, "exit") == 0);
}

static char *history_path(const char *configured)
{
    if (configured && *configured)
        return strdup(configured);
    const char *env = getenv("SHOAL_HISTORY_FILE");
    if (env && *env)
        return strdup(env);
    const char *home = getenv("HOME");
    if (!home || !*home)
        return NULL;
    size_t n = strlen(home) + sizeof "/.shoal_history";
    char *path = malloc(n);
    if (path)
        snprintf(path, n, "%s/.shoal_history", home);
    return path;
}

/* One history entry per statement, on one line. */
static void remember(History *hist, const char *path, const char *statement)
{
    char *line = malloc(strlen(statement) + 2);
    if (!line)
        return;
    char *o = line;
    for (const char *p = statement; *p; p++)
        *o++ = *p == '\n' || *p == '\r' ? ' ' : *p;
    *o++ = ';';
    *o = '\0';
    HistEvent event;
    history(hist, &event, H_ENTER, line);
    if (path)
        history(hist, &event, H_SAVE, path);
    free(line);
}

/* Appends `text` to the buffer. */
static bool append(char **buffer, const char *text)
{
    size_t old = *buffer ? strlen(*buffer) : 0, n = strlen(text);
    char *grown = realloc(*buffer, old + n + 1);
    if (!grown)
        return false;
    memcpy(grown + old, text, n + 1);
    *buffer = grown;
    return true;
}

/* Runs the complete statements in the buffer; keeps the unfinished rest. */
static void run_complete(char **buffer, rest_client *client, client_session *session, const query_runner_options *o,
                         History *hist, const char *path)
{
    statement_list list;
    if (!statement_split(*buffer, &list)) {
        fprintf(o->err, "Error running command: out of memory\n");
        return;
    }
    for (size_t i = 0; i < list.count; i++) {
        remember(hist, path, list.items[i]);
        query_run(client, session, list.items[i], o);
    }
    if (list.count) {
        free(*buffer);
        *buffer = statement_is_blank(list.remainder) ? NULL : strdup(list.remainder);
        if (*buffer && !append(buffer, "\n")) {
            free(*buffer);
            *buffer = NULL;
        }
    }
    statement_list_free(&list);
}

int interactive_run(rest_client *client, client_session *session, const query_runner_options *o,
                    const char *history_file)
{
    char *path = history_path(history_file);
    History *hist = history_init();
    HistEvent event;
    history(hist, &event, H_SETSIZE, 1000);
    history(hist, &event, H_SETUNIQUE, 1);
    if (path)
        history(hist, &event, H_LOAD, path);
    EditLine *el = el_init("shoal", stdin, stdout, stderr);
    el_set(el, EL_EDITOR, "emacs");
    el_set(el, EL_PROMPT, current_prompt);
    el_set(el, EL_HIST, history, hist);
    el_set(el, EL_SIGNAL, 1);
    el_source(el, NULL);

    char *buffer = NULL;
    for (;;) {
        set_prompt(session, buffer != NULL);
        *o->interrupted = 0;
        int count = 0;
        errno = 0;
        const char *line = el_gets(el, &count);
        if (!line || count <= 0) {
            if (*o->interrupted || errno == EINTR) {
                /* Ctrl-C at the prompt: drop what was typed, new prompt */
                fputc('\n', stdout);
                free(buffer);
                buffer = NULL;
                el_reset(el);
                continue;
            }
            break; /* Ctrl-D / end of input */
        }
        if (!buffer && is_quit(line))
            break;
        if (!append(&buffer, line))
            break;
        if (statement_is_blank(buffer)) {
            free(buffer);
            buffer = NULL;
            continue;
        }
        run_complete(&buffer, client, session, o, hist, path);
    }
    if (!buffer || !*buffer)
        fputc('\n', stdout); /* after ^D, leave the shell's prompt on a line of its own */
    free(buffer);
    el_end(el);
    history_end(hist);
    free(path);
    return 0;
}
