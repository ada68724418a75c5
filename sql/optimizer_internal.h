/*
 * optimizer_internal.h — helpers shared by the optimiser rules
 * (optimizer_util.c): conjunct lists, column references of expressions,
 * channel remapping and small plan-node constructors. Not for use outside
 * sql/optimizer*.c, sql/fragmenter.c and sql/explain.c.
 */
#ifndef SHOAL_SQL_OPTIMIZER_INTERNAL_H
#define SHOAL_SQL_OPTIMIZER_INTERNAL_H

#include <stdbool.h>

#include "connectors/spi/error.h"
#include "connectors/spi/expression.h"
#include "sql/optimizer.h"
#include "sql/plan.h"

/* An owned list of expressions (each item freed by expr_list_free). */
typedef struct expr_list {
    expr **items;
    int count;
    int capacity;
} expr_list;

/* Appends e (taking ownership; a NULL e is an out-of-memory failure). */
bool expr_list_add(expr_list *list, expr *e);
void expr_list_free(expr_list *list);
/* Removes item i and returns it (the caller owns it). */
expr *expr_list_take(expr_list *list, int index);

/* Copies the conjuncts of e (AND flattened) into out. */
bool optimizer_split_conjuncts(const expr *e, expr_list *out);
/* AND of the list's items, consuming them: NULL for an empty list, the item
 * itself for one. *failed is set on out-of-memory. */
expr *optimizer_combine_conjuncts(expr_list *list, bool *failed);

expr *optimizer_boolean(bool b);
bool optimizer_is_true(const expr *e);
/* FALSE or NULL (both reject every row in a filter). */
bool optimizer_is_false_or_null(const expr *e);

/* The operator/function name of an EXPR_CALL, or NULL. */
const char *optimizer_call_name(const expr *e);
bool optimizer_is_comparison(const char *name);
/* "$less_than" → "$greater_than" etc.: the comparison with sides swapped. */
const char *optimizer_flip_comparison(const char *name);
bool optimizer_is_deterministic(const expr *e);

/* Smallest and largest channel read by e (EXPR_COLUMN only); -1/-1 when none. */
void optimizer_column_span(const expr *e, int *min, int *max);
/* Marks used[c] for every column c < width read by e. */
void optimizer_mark_columns(const expr *e, bool *used, int width);
/* A copy of e with every column c replaced by map[c]; NULL (no error) when
 * some map[c] < 0 or c >= map_size, or on out-of-memory. */
expr *optimizer_remap(const expr *e, const int *map, int map_size);
/* A copy of e with every column c shifted by delta. */
expr *optimizer_shift(const expr *e, int delta);
/* A copy of e with every column c replaced by a copy of defs[c]. */
expr *optimizer_inline(const expr *e, expr *const *defs, int def_count);
/* True when every column read by e maps (map[c] >= 0). */
bool optimizer_mappable(const expr *e, const int *map, int map_size);

/* ---- plan nodes ------------------------------------------------------------ */

bool optimizer_oom(shoal_error *error);

/* FILTER(input, predicate), taking ownership of both. */
plan_node *optimizer_filter_new(plan_node *input, expr *predicate);
/* PROJECT selecting input channels (output i = input channel channels[i]),
 * taking ownership of input; column names and types come from the input. */
plan_node *optimizer_select_new(plan_node *input, const int *channels, int count);
/* True when node is a PROJECT whose outputs are exactly its input's channels in order. */
bool optimizer_is_identity_project(const plan_node *node);
/* An empty VALUES with the same columns as `like`. */
plan_node *optimizer_empty_values(const plan_node *like);
/* A deep copy of a subtree (optimizer_copy.c), or NULL when it holds a kind
 * that is not copied (see there) or memory ran out. */
plan_node *optimizer_copy_plan(const plan_node *node);
/* Whether optimizer_copy_plan copies this node itself (its kind and shape;
 * its inputs are asked separately). */
bool optimizer_copy_supports(const plan_node *node);
/* A copy of the columns of `from` into `to` starting at `at`. */
bool optimizer_copy_columns_at(plan_node *to, int at, const plan_node *from);

/* Swaps the sides of a JOIN in place: inputs, keys, filter and type
 * (LEFT ↔ RIGHT). The join's channels become right ++ left; returns a
 * PROJECT above the join restoring the original order (or NULL on OOM,
 * having freed the join). */
plan_node *optimizer_swap_join(plan_node *join);

/* NDV of a node's output channel traced to the connector's statistics
 * (capped by the node's estimated rows), or NAN. Needs node->estimate set. */
double optimizer_column_ndv(const plan_node *node, int channel);
/* Estimated rows of an equi-join of two estimated nodes (before any residual filter). */
double optimizer_join_rows(const plan_node *left, const plan_node *right, const int *left_keys,
                           const int *right_keys, int key_count);

/* Per-column average width in bytes used by the estimates. */
double optimizer_column_width(const plan_node *node, int channel);

#endif
