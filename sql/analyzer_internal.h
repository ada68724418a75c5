/*
 * analyzer_internal.h — what the analyser's files share: scopes (the named
 * columns a relation exposes), the analyser state, and the expression
 * translation context.
 */
#ifndef SHOAL_SQL_ANALYZER_INTERNAL_H
#define SHOAL_SQL_ANALYZER_INTERNAL_H

#include <stdbool.h>

#include "connectors/spi/expression.h"
#include "connectors/spi/function.h"
#include "sql/analyzer.h"

/* One column a relation exposes; field i is channel i of the relation's plan. */
typedef struct scope_field {
    char *catalog;            /* qualifier parts, lower case; any may be NULL */
    char *schema;
    char *table;
    char *name;               /* NULL for an anonymous column */
    sql_type type;
    bool hidden;              /* helper columns (subquery results): not in `*` */
} scope_field;

typedef struct scope {
    int count;
    int capacity;
    scope_field *fields;
} scope;

/* A planned relation: its plan and the names of its channels. */
typedef struct relation {
    plan_node *plan;
    scope scope;
} relation;

/* A WITH query visible by name. */
typedef struct named_query {
    const char *name;
    const ast_node *query;    /* WITH_QUERY */
    struct named_query *next;
} named_query;

struct view_frame;

typedef struct analyzer {
    const analyzer_context *context;
    shoal_error *error;
    named_query *with_queries;
    const struct view_frame *views;   /* views being expanded (analyzer_view.c) */
    int depth;
    int anonymous_counter;
} analyzer;

/* A subquery already planned into the current relation: its value is channel `channel`. */
typedef struct subquery_result {
    const ast_node *node;
    int channel;
} subquery_result;

typedef struct aggregation_binding aggregation_binding;

/* What an expression is translated against. */
enum { MAX_LAMBDA_PARAMETERS = 4 };

/* The parameters of the lambda being analysed (analyzer_nested.c). */
typedef struct lambda_scope {
    int count;
    const char *names[MAX_LAMBDA_PARAMETERS];
    sql_type types[MAX_LAMBDA_PARAMETERS];
} lambda_scope;

typedef struct expr_scope {
    analyzer *a;
    const scope *fields;              /* channels of the input */
    /* Correlated translation: names not found in `fields` are looked up in
     * `outer_fields`, whose channels come first (outer ++ inner). */
    const scope *outer_fields;
    const subquery_result *subqueries;
    int subquery_count;
    const aggregation_binding *aggregation; /* non-NULL after GROUP BY/aggregates */
    const lambda_scope *lambda;       /* inside a lambda body: its parameters */
} expr_scope;

/* ---- scopes (analyzer_scope.c) ---- */
bool scope_add(scope *s, const char *catalog, const char *schema, const char *table,
               const char *name, sql_type type, bool hidden);
bool scope_append(scope *s, const scope *other);
bool scope_copy(scope *dst, const scope *src);
void scope_free(scope *s);
/* Finds the field named by a QUALIFIED_NAME's parts; -1 when none, -2 when
 * ambiguous. */
int scope_resolve(const scope *s, const char *const *parts, int part_count);
void relation_free(relation *r);

/* ---- expressions (analyzer_expression.c) ---- */
expr *translate_expression(const expr_scope *es, const ast_node *node);
/* One node's own translation (children go through translate_expression). */
expr *translate_node(const expr_scope *es, const ast_node *node);
bool is_subquery_node(const ast_node *node);
expr *coerce_expression(analyzer *a, expr *e, sql_type target, const ast_node *where);
expr *translate_boolean(const expr_scope *es, const ast_node *node, const char *clause);
/* Resolves and builds a call, coercing the arguments; frees args on error. */
expr *make_call(analyzer *a, const char *name, int arg_count, expr **args, const ast_node *where);
bool ast_is_aggregate_call(const ast_node *node);
bool ast_contains_aggregate(const ast_node *node);
/* The dotted parts of an IDENTIFIER / QUALIFIED_NAME / DEREFERENCE chain. */
int ast_name_parts(const ast_node *node, const char **parts, int max_parts);
char *ast_name_text(const ast_node *node);
bool analyzer_fail(analyzer *a, const ast_node *where, error_code code, const char *format, ...)
    __attribute__((format(printf, 4, 5)));

/* ---- nested types and lambdas (analyzer_nested.c) ---- */
expr *analyzer_translate_subscript(const expr_scope *es, const ast_node *node);
/* base.field where base is an expression of a row type (names that are not columns) */
expr *analyzer_translate_field(const expr_scope *es, const ast_node *node);
/* A lambda parameter named by `node`, or NULL (no error) when it is none. */
expr *analyzer_translate_lambda_variable(const expr_scope *es, const ast_node *node);
bool analyzer_call_has_lambda(const ast_node *call);
expr *analyzer_translate_lambda_call(const expr_scope *es, const ast_node *node, const char *name);

/* ---- UNNEST in FROM (analyzer_unnest.c) ---- */
/* The UNNEST node of a relation (bare or aliased), or NULL; *alias gets the
 * ALIASED_RELATION around it. */
const ast_node *analyzer_unnest_of(const ast_node *relation, const ast_node **alias);
/* Plans `left` (NULL: one row) joined with UNNEST; takes left->plan (the
 * caller frees left->scope). */
bool analyzer_plan_unnest(analyzer *a, relation *left, const ast_node *unnest, const ast_node *alias, bool outer,
                          relation *out);

/* ---- aggregation (analyzer_aggregation.c) ---- */
struct aggregation_binding {
    const expr_scope *source;         /* the pre-aggregation scope */
    int key_count;
    expr **keys;                      /* group key expressions over the source */
    int aggregate_count;
    const ast_node **aggregate_nodes; /* the FUNCTION_CALL nodes */
    int first_aggregate_channel;      /* after the keys (and the group id) */
    int group_id_channel;             /* GROUPING SETS: the group id's channel, else -1 */
    int set_count;
    uint64_t *sets;                   /* bit k: the set groups by key k */
};
expr *translate_aggregated(const expr_scope *es, const ast_node *node);

/* ---- relations and queries (analyzer.c, analyzer_relation.c) ---- */

/* How a query specification is planned when it is a correlated subquery:
 * WHERE conjuncts that reference `outer` are not applied but returned in
 * `correlated`; in SCALAR mode the inner side of each correlated equality
 * becomes an extra GROUP BY key, output after the select items; in EXISTS
 * mode the select list is ignored and the FROM+WHERE relation is returned. */
typedef enum subquery_mode {
    SUBQUERY_NONE,
    SUBQUERY_SCALAR,
    SUBQUERY_EXISTS
} subquery_mode;

enum { MAX_CORRELATED = 32 };

typedef struct correlation {
    subquery_mode mode;
    const scope *outer;
    int count;
    const ast_node *conjuncts[MAX_CORRELATED];
    /* SCALAR: for conjunct i that is an equality, the inner-side AST
     * (extra key) and the outer-side AST; NULL when not an equality */
    const ast_node *inner_side[MAX_CORRELATED];
    const ast_node *outer_side[MAX_CORRELATED];
    int extra_key_count;      /* trailing output channels holding the inner keys */
    bool needs_grouping;      /* SCALAR: a correlated predicate is no equality */
} correlation;

bool plan_query(analyzer *a, const ast_node *query, correlation *correlated, relation *out);
/* Which scopes an expression's column names resolve in. */
void ast_references(const ast_node *node, const scope *inner, const scope *outer,
                    bool *uses_inner, bool *uses_outer);
bool plan_relation(analyzer *a, const ast_node *node, relation *out);
/* Appends `e` as a new channel (identity project + e); returns the channel. */
int append_projection(analyzer *a, relation *r, expr *e, const char *name, bool hidden);
/* Adds a filter on top of the relation (takes the predicate). */
bool add_filter(relation *r, expr *predicate);

/* Decorrelation support (analyzer.c): aggregates `value` over r grouped by
 * r's first key_channels channels; r becomes those channels + the value. */
bool plan_grouped_value(analyzer *a, relation *r, int key_channels, const expr_scope *source,
                        const ast_node *value, int count_star_channel);

/* Joins two plans: output = left channels ++ right channels (analyzer_relation.c). */
plan_node *make_join(plan_node *left, plan_node *right, join_type type);

/* ---- LATERAL (analyzer_lateral.c) ---- */
bool is_lateral_relation(const ast_node *node);
/* `join`'s right side is a LATERAL subquery correlated with `left` (whose
 * plan is taken over on success). */
bool plan_lateral_join(analyzer *a, const ast_node *join, relation *left, relation *out);

/* ---- FETCH FIRST n ROWS WITH TIES (analyzer_with_ties.c) ---- */
bool plan_fetch_with_ties(analyzer *a, const ast_node *limit, int64_t offset, int64_t count, relation *r);

/* ---- views (analyzer_view.c) ---- */
/* Plans view catalog.schema.name (found by the connector) as the relation
 * `where` names. */
bool plan_view(analyzer *a, const ast_node *where, const char *catalog, const char *schema, const char *name,
               const view_definition *view, relation *out);

/* ---- window functions (analyzer_window.c) ---- */
/* Plans every window call of the select list and ORDER BY into r (after
 * aggregation), appending (call, channel) pairs to *results. */
bool plan_window_functions(analyzer *a, const ast_node *spec, const ast_list *order_by, relation *r,
                           const expr_scope *es, subquery_result **results, int *result_count);

/* ---- subqueries (analyzer_subquery.c) ---- */
/* Plans every subquery inside `node` (not nested ones) into `r`, recording
 * where each result lands. */
bool plan_subqueries(analyzer *a, relation *r, const ast_node *node,
                     subquery_result **results, int *result_count);
/* `x op ANY|SOME|ALL (q)` planned into `r` (analyzer_quantified.c). */
bool plan_quantified_comparison(analyzer *a, relation *r, const ast_node *node, int *channel);

#endif
