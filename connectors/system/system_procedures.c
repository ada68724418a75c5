/*
 * system_procedures.c — the system catalog's procedures (CALL):
 * runtime.kill_query(query_id, message), as Trino's KillQueryProcedure.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "system_internal.h"

enum { KILL_ARGUMENTS = 2 };

static const char *const kill_parameters[KILL_ARGUMENTS] = {"query_id", "message"};

/* Binds positional or named arguments to the parameters (Trino's rules). */
static bool bind_arguments(const system_call_argument *args, int count, const char **bound,
                           shoal_error *error)
{
    bool given[KILL_ARGUMENTS] = {false, false};
    bool named = count > 0 && args[0].name;
    if (count > KILL_ARGUMENTS)
        return error_set(error, ERR_INVALID_PROCEDURE_ARGUMENT, "Too many arguments for procedure");
    for (int i = 0; i < count; i++) {
        if ((args[i].name != NULL) != named)
            return error_set(error, ERR_INVALID_PROCEDURE_ARGUMENT,
                             "Named and positional arguments cannot be mixed");
        int slot = i;
        if (named) {
            slot = -1;
            for (int p = 0; p < KILL_ARGUMENTS; p++)
                if (strcasecmp(args[i].name, kill_parameters[p]) == 0)
                    slot = p;
            if (slot < 0)
                return error_set(error, ERR_INVALID_PROCEDURE_ARGUMENT, "Unknown argument name: %s",
                                 args[i].name);
            if (given[slot])
                return error_set(error, ERR_INVALID_PROCEDURE_ARGUMENT, "Duplicate procedure argument: %s",
                                 args[i].name);
        }
        given[slot] = true;
        bound[slot] = args[i].text;
    }
    if (!given[0])
        return error_set(error, ERR_INVALID_PROCEDURE_ARGUMENT, "Required procedure argument '%s' is missing",
                         kill_parameters[0]);
    return true;
}

/* Trino's QueryId: non-empty, [a-z0-9_] only. */
static bool valid_query_id(const char *id)
{
    if (!id || !*id)
        return false;
    for (const char *p = id; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
            return false;
    return true;
}

static bool kill_query(system_connector *s, const char *query_id, const char *message, shoal_error *error)
{
    if (!query_id)
        return error_set(error, ERR_INVALID_PROCEDURE_ARGUMENT, "Procedure argument cannot be null: query_id");
    if (!valid_query_id(query_id))
        return error_set(error, ERR_INVALID_PROCEDURE_ARGUMENT, "Invalid query id: %s", query_id);
    shoal_error reason;
    error_clear(&reason);
    if (message && *message)
        error_set(&reason, ERR_ADMINISTRATIVELY_KILLED, "Query killed. Message: %s", message);
    else
        error_set(&reason, ERR_ADMINISTRATIVELY_KILLED, "Query killed. No message provided.");
    pthread_rwlock_rdlock(&s->lock);
    system_kill_result result = s->killer ? s->killer(s->killer_context, query_id, &reason)
                                          : SYSTEM_KILL_NOT_FOUND;
    pthread_rwlock_unlock(&s->lock);
    switch (result) {
    case SYSTEM_KILL_DONE:
        return true;
    case SYSTEM_KILL_NOT_RUNNING:
        return error_set(error, ERR_NOT_SUPPORTED, "Target query is not running: %s", query_id);
    case SYSTEM_KILL_NOT_FOUND:
    default:
        return error_set(error, ERR_NOT_FOUND, "Target query not found: %s", query_id);
    }
}

bool system_connector_call(connector *c, const char *schema, const char *procedure,
                           const system_call_argument *args, int arg_count, shoal_error *error)
{
    if (!system_connector_is(c))
        return error_set(error, ERR_PROCEDURE_NOT_FOUND, "Procedure not registered: %s.%s",
                         schema ? schema : "?", procedure ? procedure : "?");
    system_connector *s = (system_connector *)c;
    if (!schema || !procedure || strcmp(schema, "runtime") != 0 || strcmp(procedure, "kill_query") != 0)
        return error_set(error, ERR_PROCEDURE_NOT_FOUND, "Procedure not registered: %s.%s.%s",
                         s->catalog_name, schema ? schema : "?", procedure ? procedure : "?");
    const char *bound[KILL_ARGUMENTS] = {NULL, NULL};
    return bind_arguments(args, arg_count, bound, error) && kill_query(s, bound[0], bound[1], error);
}
