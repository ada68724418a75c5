/*
 * analyzer_view.c — a view used in FROM, expanded as Trino's
 * StatementAnalyzer.analyzeView does: the stored SQL is parsed and planned
 * with the view's own catalog and schema (not the session's), without the
 * outer query's WITH names or parameters. Errors inside it become
 * INVALID_VIEW ("Failed analyzing stored view ..."); a view that reaches
 * itself is VIEW_IS_RECURSIVE; a query whose columns no longer match the
 * stored ones by count, name or coercible type is VIEW_IS_STALE. Columns
 * whose type changed to a coercible one are cast to the stored types.
 */
#include "analyzer_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <string.h>

#include "sql/parser.h"

typedef struct view_frame {
    const char *name;             /* catalog.schema.view */
    const struct view_frame *outer;
} view_frame;

static bool is_expanding(const analyzer *a, const char *name)
{
    for (const view_frame *f = a->views; f; f = f->outer)
        if (strcmp(f->name, name) == 0)
            return true;
    return false;
}

/* Why the planned columns do not fit the stored ones, or "" when they do. */
static void staleness(const view_definition *v, const plan_node *plan, char *why, size_t size)
{
    why[0] = '\0';
    if (plan->column_count != v->column_count) {
        snprintf(why, size, "stored view column count (%d) does not match column count in view definition (%d)",
                 v->column_count, plan->column_count);
        return;
    }
    for (int i = 0; i < v->column_count; i++) {
        const plan_column *c = &plan->columns[i];
        char got[128], want[128];
        type_format(c->type, false, got, sizeof got);
        type_format(v->column_types[i], false, want, sizeof want);
        if (strcasecmp(c->name, v->column_names[i]) != 0) {
            snprintf(why, size, "column [%s] of type %s projected from query view at position %d has a different "
                     "name from column [%s] of type %s stored in view definition",
                     c->name, got, i, v->column_names[i], want);
            return;
        }
        if (!type_equal(c->type, v->column_types[i]) && !type_can_coerce(c->type, v->column_types[i]) &&
            c->type.kind != TYPE_UNKNOWN) {
            snprintf(why, size, "column [%s] of type %s projected from query view at position %d cannot be coerced "
                     "to column [%s] of type %s stored in view definition",
                     c->name, got, i, v->column_names[i], want);
            return;
        }
    }
}

/* Casts columns whose type changed (coercibly) to the stored types. */
static bool cast_to_stored_types(analyzer *a, const ast_node *where, const view_definition *v, relation *r)
{
    bool same = true;
    for (int i = 0; i < v->column_count; i++)
        same = same && type_equal(r->plan->columns[i].type, v->column_types[i]);
    if (same)
        return true;
    plan_node *project = plan_node_new(PLAN_PROJECT, v->column_count);
    if (!project)
        return analyzer_fail(a, where, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
    project->u.project.exprs = calloc((size_t)v->column_count + 1, sizeof(expr *));
    project->inputs[0] = r->plan;
    project->estimate = r->plan->estimate;
    r->plan = project;
    for (int i = 0; i < v->column_count; i++) {
        expr *e = expr_column(i, project->inputs[0]->columns[i].type);
        if (!type_equal(e->type, v->column_types[i])) {
            expr *args[1] = {e};
            e = expr_special(EXPR_CAST, v->column_types[i], 1, args);
        }
        project->u.project.exprs[i] = e;
        plan_set_column(project, i, v->column_names[i], v->column_types[i]);
    }
    return true;
}

/* The relation's names: the view's qualifier and its stored column names. */
static bool name_columns(analyzer *a, const ast_node *where, const char *catalog, const char *schema,
                         const char *name, const view_definition *v, relation *r)
{
    scope_free(&r->scope);
    memset(&r->scope, 0, sizeof r->scope);
    for (int i = 0; i < v->column_count; i++)
        if (!scope_add(&r->scope, catalog, schema, name, v->column_names[i], v->column_types[i], false))
            return analyzer_fail(a, where, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
    return true;
}

/* Plans the stored query in the view's context; false with a->error set. */
static bool plan_stored_query(analyzer *a, const view_definition *v, const char *full_name, relation *out)
{
    sql_arena *arena = sql_arena_create();
    if (!arena)
        return analyzer_fail(a, NULL, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
    const ast_node *query = NULL;
    sql_error parse_error;
    sql_error_clear(&parse_error);
    bool ok;
    if (sql_parse_statement(arena, v->sql, strlen(v->sql), &query, &parse_error) != 0) {
        ok = error_set_at(a->error, ERR_SYNTAX_ERROR, parse_error.line, parse_error.column, "%s", parse_error.message);
    } else if (query->kind != AST_QUERY) {
        ok = analyzer_fail(a, query, ERR_INVALID_VIEW, "View definition is not a query");
    } else {
        analyzer_context context = *a->context;
        context.catalog = v->catalog_context;
        context.schema = v->schema_context;
        context.parameters = NULL;
        context.parameter_count = 0;
        if (!v->run_as_invoker && v->owner)
            context.user = v->owner;
        const analyzer_context *saved_context = a->context;
        named_query *saved_with = a->with_queries;
        view_frame frame = {full_name, a->views};
        a->context = &context;
        a->with_queries = NULL;
        a->views = &frame;
        ok = plan_query(a, query, NULL, out);
        a->context = saved_context;
        a->with_queries = saved_with;
        a->views = frame.outer;
    }
    sql_arena_destroy(arena);
    return ok;
}

bool plan_view(analyzer *a, const ast_node *where, const char *catalog, const char *schema, const char *name,
               const view_definition *v, relation *out)
{
    char full_name[512];
    snprintf(full_name, sizeof full_name, "%s.%s.%s", catalog, schema, name);
    if (is_expanding(a, full_name))
        return analyzer_fail(a, where, ERR_VIEW_IS_RECURSIVE, "View is recursive");
    memset(out, 0, sizeof *out);
    if (!plan_stored_query(a, v, full_name, out)) {
        if (a->error->code == ERR_VIEW_IS_RECURSIVE || a->error->code == ERR_INVALID_VIEW ||
            a->error->code == ERR_VIEW_IS_STALE) {
            /* already about a (nested) view: keep it, at this reference */
            a->error->line = (int)where->pos.line;
            a->error->column = (int)where->pos.column;
            return false;
        }
        char inner[sizeof a->error->message + 64];
        if (a->error->line > 0)
            snprintf(inner, sizeof inner, "line %d:%d: %s", a->error->line, a->error->column, a->error->message);
        else
            snprintf(inner, sizeof inner, "%s", a->error->message);
        error_clear(a->error);
        return analyzer_fail(a, where, ERR_INVALID_VIEW, "Failed analyzing stored view '%s': %.900s", full_name,
                             inner);
    }
    char why[600];
    staleness(v, out->plan, why, sizeof why);
    bool ok = why[0] == '\0' ||
              analyzer_fail(a, where, ERR_VIEW_IS_STALE, "View '%s' is stale or in invalid state: %s", full_name, why);
    ok = ok && cast_to_stored_types(a, where, v, out) && name_columns(a, where, catalog, schema, name, v, out);
    if (!ok)
        relation_free(out);
    return ok;
}
