/*
 * tpch_fixture.h — hand-built plans for the optimiser tests: TPC-H table
 * scans whose metadata carries SF1 row counts and column NDVs/ranges, and
 * small constructors for expressions and plan nodes.
 */
#ifndef SHOAL_TESTS_OPTIMIZER_TPCH_FIXTURE_H
#define SHOAL_TESTS_OPTIMIZER_TPCH_FIXTURE_H

#include "connectors/spi/expression.h"
#include "connectors/spi/function.h"
#include "sql/plan.h"

extern const function_entry FX_EQ, FX_NE, FX_LT, FX_LE, FX_GT, FX_GE, FX_ADD, FX_MUL, FX_SUB,
    FX_RANDOM;
extern const function_entry FX_SUM, FX_COUNT;

/* A scan of every column of a TPC-H table ("lineitem", "orders", ...). */
plan_node *fx_scan(const char *table);
/* Number of columns of a TPC-H table. */
int fx_width(const char *table);
/* Column index of a TPC-H column name in its table, e.g. fx_col("lineitem", "l_shipdate"). */
int fx_col(const char *table, const char *column);

expr *fx_column(const plan_node *node, int channel);
expr *fx_bigint(int64_t v);
expr *fx_date(const char *iso);   /* "1998-09-02" */
expr *fx_varchar(const char *s);
expr *fx_call(const function_entry *f, expr *a, expr *b);
expr *fx_and(int count, ...);
expr *fx_or(expr *a, expr *b);
expr *fx_between(expr *v, expr *low, expr *high);

plan_node *fx_filter(plan_node *input, expr *predicate);
plan_node *fx_join(join_type type, plan_node *left, plan_node *right, expr *filter);
plan_node *fx_equi_join(join_type type, plan_node *left, plan_node *right, int left_key, int right_key);
plan_node *fx_project(plan_node *input, int count, ...);          /* channels */
plan_node *fx_project_exprs(plan_node *input, int count, expr **exprs, const char **names);
plan_node *fx_aggregate(plan_node *input, int key_count, const int *keys, int agg_count,
                        const function_entry *const *functions, const int *args);
plan_node *fx_sort(plan_node *input, int channel, bool descending);
plan_node *fx_limit(plan_node *input, int64_t count);
plan_node *fx_output(plan_node *input);
plan_node *fx_semi_join(plan_node *source, plan_node *filtering, int source_key, int filtering_key);

/* Cross joins of TPC-H tables in FROM order (left-deep), as the analyser builds comma joins. */
plan_node *fx_comma_join(int count, const char *const *tables);
/* The global channel of table `index` column `column` in such a comma join. */
int fx_channel(int count, const char *const *tables, int index, const char *column);

/* Counting and finding nodes. */
int fx_count(const plan_node *root, plan_kind kind);
int fx_count_joins(const plan_node *root, join_type type);
const plan_node *fx_find(const plan_node *root, plan_kind kind);
const plan_node *fx_find_scan(const plan_node *root, const char *table);
/* The scan reached from a node by always following inputs[0]. */
const plan_node *fx_leftmost_scan(const plan_node *node);

#endif
