/*
 * optimizer_estimate.c — rule 8: cardinality estimates (plan_node.estimate)
 * from the connectors' statistics (table_metadata.row_count and
 * column_statistics), also used by join reordering (rule 3) and the build
 * side / distribution choice (rule 4), and shown by EXPLAIN.
 *
 * Model (simple, in the spirit of Trino's stats rules):
 *  - scan: the table's row count (capped by a pushed-down limit);
 *  - filter: product of conjunct selectivities: `col = const` 1/NDV,
 *    ranges by the fraction of [min, max] they cover (else 1/3), BETWEEN
 *    (else 1/4), IN n/NDV, LIKE 1/4, IS NULL the null fraction, col = col
 *    1/max NDV, OR/NOT by probability rules, anything else 1/2;
 *  - inner join: |L|·|R| / max(NDV_L, NDV_R) where a side's NDV of the key
 *    tuple is min(Π key NDVs, side rows); outer joins at least the
 *    preserved side; cross join |L|·|R|;
 *  - aggregate: min(input rows, Π key NDVs), 1 without keys;
 *  - limits cap, union adds, everything else passes rows through.
 * Bytes are rows × the sum of the columns' average widths (from
 * column_statistics.data_size when known, else from the type).
 */
#include <math.h>
#include <string.h>

#include "connectors/spi/function.h"
#include "optimizer_internal.h"

/* ---- column statistics traced through the plan ----------------------------------- */

static double value_as_double(const value *v, bool *ok)
{
    *ok = !v->is_null;
    if (v->is_null)
        return 0;
    switch (v->type.kind) {
    case TYPE_TINYINT:
    case TYPE_SMALLINT:
    case TYPE_INTEGER:
    case TYPE_BIGINT:
    case TYPE_DATE:
    case TYPE_TIME:
    case TYPE_TIMESTAMP:
    case TYPE_INTERVAL_DAY_TIME:
    case TYPE_INTERVAL_YEAR_MONTH:
        return (double)v->u.i64;
    case TYPE_REAL:
        return v->u.f32;
    case TYPE_DOUBLE:
        return v->u.f64;
    case TYPE_DECIMAL: {
        double unscaled = v->type.precision <= DECIMAL_MAX_SHORT_PRECISION ? (double)v->u.i64
                                                                          : (double)v->u.i128;
        return unscaled / pow(10, v->type.scale);
    }
    default:
        *ok = false;
        return 0;
    }
}

typedef struct column_estimate {
    double ndv;             /* NAN unknown */
    double null_fraction;   /* NAN unknown */
    double width;           /* NAN unknown */
    bool has_range;
    double min, max;
} column_estimate;

static bool trace(const plan_node *node, int channel, column_estimate *out)
{
    if (!node || channel < 0 || channel >= node->column_count)
        return false;
    switch (node->kind) {
    case PLAN_TABLE_SCAN: {
        const table_metadata *t = node->u.scan.table;
        int c = node->u.scan.columns ? node->u.scan.columns[channel] : channel;
        if (!t || c < 0 || c >= t->column_count)
            return false;
        const column_statistics *s = &t->columns[c].stats;
        out->ndv = s->distinct_count;
        out->null_fraction = s->null_fraction;
        out->width = (!isnan(s->data_size) && t->row_count > 0) ? s->data_size / t->row_count : NAN;
        out->has_range = false;
        if (s->has_range) {
            bool ok_min, ok_max;
            out->min = value_as_double(&s->min, &ok_min);
            out->max = value_as_double(&s->max, &ok_max);
            out->has_range = ok_min && ok_max && out->max >= out->min;
        }
        return true;
    }
    case PLAN_FILTER:
    case PLAN_SORT:
    case PLAN_TOP_N:
    case PLAN_LIMIT:
    case PLAN_DISTINCT_LIMIT:
    case PLAN_ENFORCE_SINGLE_ROW:
    case PLAN_EXCHANGE:
    case PLAN_OUTPUT:
    case PLAN_WINDOW:
    case PLAN_GROUP_ID:
        return node->inputs[0] && trace(node->inputs[0], channel, out);
    case PLAN_UNNEST:
        return channel < node->u.unnest.replicate_count && trace(node->inputs[0], channel, out);
    case PLAN_PROJECT: {
        const expr *e = node->u.project.exprs[channel];
        while (e && (e->kind == EXPR_CAST) && e->arg_count == 1)
            e = e->args[0];
        if (e && e->kind == EXPR_COLUMN)
            return trace(node->inputs[0], e->column, out);
        if (e && e->kind == EXPR_CONSTANT) {
            *out = (column_estimate){.ndv = 1, .null_fraction = e->constant.is_null ? 1 : 0, .width = NAN};
            bool ok;
            double v = value_as_double(&e->constant, &ok);
            out->has_range = ok;
            out->min = out->max = v;
            return true;
        }
        return false;
    }
    case PLAN_JOIN: {
        int nl = node->inputs[0]->column_count;
        return channel < nl ? trace(node->inputs[0], channel, out)
                            : trace(node->inputs[1], channel - nl, out);
    }
    case PLAN_SEMI_JOIN: {
        int nl = node->inputs[0]->column_count;
        if (channel < nl)
            return trace(node->inputs[0], channel, out);
        *out = (column_estimate){.ndv = 2, .null_fraction = NAN, .width = 1};
        return true;
    }
    case PLAN_AGGREGATE:
        if (channel < node->u.aggregate.key_count)
            return trace(node->inputs[0], node->u.aggregate.keys[channel], out);
        return false;
    case PLAN_UNION:
    case PLAN_INTERSECT:
    case PLAN_EXCEPT:
        return node->source_count > 0 && trace(node->sources[0], channel, out);
    case PLAN_VALUES:
        *out = (column_estimate){.ndv = node->u.values.row_count, .null_fraction = NAN, .width = NAN};
        return true;
    }
    return false;
}

double optimizer_column_ndv(const plan_node *node, int channel)
{
    column_estimate c;
    if (!trace(node, channel, &c) || isnan(c.ndv))
        return NAN;
    double rows = node->estimate.rows;
    if (!isnan(rows) && c.ndv > rows)
        return rows > 1 ? rows : 1;
    return c.ndv > 1 ? c.ndv : 1;
}

static double row_width(const plan_node *node)
{
    double width = 0;
    for (int i = 0; i < node->column_count; i++) {
        column_estimate c;
        if (trace(node, i, &c) && !isnan(c.width))
            width += c.width;
        else
            width += optimizer_column_width(node, i);
    }
    return width;
}

/* ---- selectivity ----------------------------------------------------------------- */

static const double DEFAULT_SELECTIVITY = 0.5;

static double and_selectivity(const plan_node *input, const expr *e);

static bool column_of(const plan_node *input, const expr *e, column_estimate *out)
{
    while (e->kind == EXPR_CAST && e->arg_count == 1)
        e = e->args[0];
    return e->kind == EXPR_COLUMN && trace(input, e->column, out);
}

static double ndv_of(const plan_node *input, const column_estimate *c)
{
    double ndv = c->ndv;
    if (!isnan(ndv) && !isnan(input->estimate.rows) && ndv > input->estimate.rows)
        ndv = input->estimate.rows;
    return isnan(ndv) || ndv < 1 ? NAN : ndv;
}

/* Fraction of [min, max] that lies below (or above) a constant. */
static double range_fraction(const column_estimate *c, const expr *constant, bool below, double fallback)
{
    bool ok;
    if (!c->has_range || constant->kind != EXPR_CONSTANT)
        return fallback;
    double v = value_as_double(&constant->constant, &ok);
    if (!ok)
        return fallback;
    if (c->max <= c->min)
        return (below ? v >= c->min : v <= c->max) ? 1 : 0;
    double f = (v - c->min) / (c->max - c->min);
    if (f < 0)
        f = 0;
    if (f > 1)
        f = 1;
    return below ? f : 1 - f;
}

static double comparison_selectivity(const plan_node *input, const expr *e, const char *name)
{
    const expr *a = e->args[0], *b = e->args[1];
    column_estimate ca, cb;
    bool has_a = column_of(input, a, &ca), has_b = column_of(input, b, &cb);
    if (has_a && has_b) {
        if (strcmp(name, "$equal") != 0)
            return 1.0 / 3;
        double na = ndv_of(input, &ca), nb = ndv_of(input, &cb);
        double n = isnan(na) ? nb : isnan(nb) ? na : fmax(na, nb);
        return isnan(n) ? 0.1 : 1.0 / n;
    }
    if (!has_a && has_b) { /* constant <op> column */
        const expr *t = a;
        a = b;
        b = t;
        ca = cb;
        has_a = true;
        name = optimizer_flip_comparison(name);
    }
    if (!has_a || b->kind != EXPR_CONSTANT)
        return strcmp(name, "$equal") == 0 ? 0.1 : 1.0 / 3;
    double ndv = ndv_of(input, &ca);
    if (strcmp(name, "$equal") == 0)
        return isnan(ndv) ? 0.1 : 1.0 / ndv;
    if (strcmp(name, "$not_equal") == 0)
        return isnan(ndv) ? 0.9 : 1.0 - 1.0 / ndv;
    bool below = strcmp(name, "$less_than") == 0 || strcmp(name, "$less_than_or_equal") == 0;
    return range_fraction(&ca, b, below, 1.0 / 3);
}

/* A range bound `col <op> constant` (either order) on a column with a known range. */
static bool range_bound(const plan_node *input, const expr *e, int *channel, bool *is_low, double *v,
                        column_estimate *c)
{
    const char *name = optimizer_call_name(e);
    if (!name || e->arg_count != 2 || !optimizer_is_comparison(name) || strcmp(name, "$equal") == 0 ||
        strcmp(name, "$not_equal") == 0)
        return false;
    const expr *col = e->args[0], *k = e->args[1];
    if (col->kind == EXPR_CONSTANT) {
        col = e->args[1];
        k = e->args[0];
        name = optimizer_flip_comparison(name);
    }
    while (col->kind == EXPR_CAST && col->arg_count == 1)
        col = col->args[0];
    bool ok;
    if (col->kind != EXPR_COLUMN || k->kind != EXPR_CONSTANT || !trace(input, col->column, c) || !c->has_range)
        return false;
    *v = value_as_double(&k->constant, &ok);
    *channel = col->column;
    *is_low = strcmp(name, "$greater_than") == 0 || strcmp(name, "$greater_than_or_equal") == 0;
    return ok && c->max > c->min;
}

/* Product of the conjuncts' selectivities, except that range bounds on the
 * same column are intersected first (a >= x AND a < y is one range). */
static double and_selectivity(const plan_node *input, const expr *e)
{
    enum { MAX_RANGES = 8 };
    struct {
        int channel;
        double lo, hi, min, max;
    } ranges[MAX_RANGES];
    int range_count = 0;
    double s = 1;
    for (int i = 0; i < e->arg_count; i++) {
        int channel;
        bool is_low;
        double v;
        column_estimate c;
        if (!range_bound(input, e->args[i], &channel, &is_low, &v, &c)) {
            s *= optimizer_selectivity(input, e->args[i]);
            continue;
        }
        int r = 0;
        while (r < range_count && ranges[r].channel != channel)
            r++;
        if (r == range_count) {
            if (range_count == MAX_RANGES) {
                s *= optimizer_selectivity(input, e->args[i]);
                continue;
            }
            ranges[r].channel = channel;
            ranges[r].lo = ranges[r].min = c.min;
            ranges[r].hi = ranges[r].max = c.max;
            range_count++;
        }
        if (is_low)
            ranges[r].lo = fmax(ranges[r].lo, v);
        else
            ranges[r].hi = fmin(ranges[r].hi, v);
    }
    for (int r = 0; r < range_count; r++)
        s *= fmax(0, ranges[r].hi - ranges[r].lo) / (ranges[r].max - ranges[r].min);
    return s;
}

double optimizer_selectivity(const plan_node *input, const expr *e)
{
    if (!e)
        return 1;
    switch (e->kind) {
    case EXPR_CONSTANT:
        return optimizer_is_true(e) ? 1 : 0;
    case EXPR_AND:
        return and_selectivity(input, e);
    case EXPR_OR: {
        double none = 1;
        for (int i = 0; i < e->arg_count; i++)
            none *= 1 - optimizer_selectivity(input, e->args[i]);
        return 1 - none;
    }
    case EXPR_NOT:
        return 1 - optimizer_selectivity(input, e->args[0]);
    case EXPR_IS_NULL: {
        column_estimate c;
        if (column_of(input, e->args[0], &c) && !isnan(c.null_fraction))
            return c.null_fraction;
        return 0.1;
    }
    case EXPR_BETWEEN: {
        column_estimate c;
        if (!column_of(input, e->args[0], &c) || !c.has_range)
            return 0.25;
        double above_low = range_fraction(&c, e->args[1], false, NAN);
        double below_high = range_fraction(&c, e->args[2], true, NAN);
        if (isnan(above_low) || isnan(below_high))
            return 0.25;
        double s = above_low + below_high - 1;
        return s < 0 ? 0 : s;
    }
    case EXPR_IN: {
        column_estimate c;
        double n = e->arg_count - 1;
        if (column_of(input, e->args[0], &c)) {
            double ndv = ndv_of(input, &c);
            if (!isnan(ndv))
                return fmin(1, n / ndv);
        }
        return fmin(1, 0.1 * n);
    }
    case EXPR_LIKE:
        return 0.25;
    case EXPR_CALL: {
        const char *name = optimizer_call_name(e);
        if (name && optimizer_is_comparison(name) && e->arg_count == 2)
            return comparison_selectivity(input, e, name);
        return DEFAULT_SELECTIVITY;
    }
    default:
        return DEFAULT_SELECTIVITY;
    }
}

/* ---- per node ---------------------------------------------------------------------- */

/* Rows of a join on the given keys, before its residual filter. */
double optimizer_join_rows(const plan_node *left, const plan_node *right, const int *left_keys,
                           const int *right_keys, int key_count)
{
    double l = left->estimate.rows, r = right->estimate.rows;
    if (isnan(l) || isnan(r))
        return NAN;
    if (key_count == 0)
        return l * r;
    double ndv_l = 1, ndv_r = 1;
    for (int i = 0; i < key_count; i++) {
        double a = optimizer_column_ndv(left, left_keys[i]);
        double b = optimizer_column_ndv(right, right_keys[i]);
        ndv_l *= isnan(a) ? l : a;
        ndv_r *= isnan(b) ? r : b;
    }
    ndv_l = fmin(fmax(ndv_l, 1), fmax(l, 1));
    ndv_r = fmin(fmax(ndv_r, 1), fmax(r, 1));
    return l * r / fmax(ndv_l, ndv_r);
}

static double estimate_rows(const plan_node *node)
{
    const plan_node *in = node->inputs[0];
    double in_rows = in ? in->estimate.rows : NAN;
    switch (node->kind) {
    case PLAN_TABLE_SCAN: {
        double rows = node->u.scan.table ? node->u.scan.table->row_count : NAN;
        if (node->u.scan.limit >= 0 && (isnan(rows) || rows > (double)node->u.scan.limit))
            rows = (double)node->u.scan.limit;
        return rows;
    }
    case PLAN_VALUES:
        return node->u.values.row_count;
    case PLAN_FILTER:
        return in_rows * optimizer_selectivity(in, node->u.filter.predicate);
    case PLAN_JOIN: {
        const plan_node *l = node->inputs[0], *r = node->inputs[1];
        double rows = optimizer_join_rows(l, r, node->u.join.left_keys, node->u.join.right_keys,
                                          node->u.join.key_count);
        if (node->u.join.filter)
            rows *= optimizer_selectivity(node, node->u.join.filter);
        switch (node->u.join.type) {
        case JOIN_LEFT:
            return fmax(rows, l->estimate.rows);
        case JOIN_RIGHT:
            return fmax(rows, r->estimate.rows);
        case JOIN_FULL:
            return fmax(rows, l->estimate.rows + r->estimate.rows);
        default:
            return rows;
        }
    }
    case PLAN_SEMI_JOIN:
        return in_rows;
    case PLAN_AGGREGATE: {
        if (node->u.aggregate.key_count == 0)
            return node->u.aggregate.step == AGGREGATION_PARTIAL ? fmin(in_rows, 1) : 1;
        double groups = 1;
        for (int i = 0; i < node->u.aggregate.key_count; i++) {
            double ndv = optimizer_column_ndv(in, node->u.aggregate.keys[i]);
            if (isnan(ndv))
                return in_rows;
            groups *= ndv;
        }
        return isnan(in_rows) ? groups : fmin(groups, in_rows);
    }
    case PLAN_TOP_N:
        return isnan(in_rows) ? (double)node->u.sort.count : fmin(in_rows, (double)node->u.sort.count);
    case PLAN_LIMIT:
    case PLAN_DISTINCT_LIMIT: {
        double rows = in_rows;
        if (!isnan(rows) && node->u.limit.offset > 0)
            rows = fmax(0, rows - (double)node->u.limit.offset);
        if (node->u.limit.count >= 0)
            rows = isnan(rows) ? (double)node->u.limit.count : fmin(rows, (double)node->u.limit.count);
        return rows;
    }
    case PLAN_ENFORCE_SINGLE_ROW:
        return 1;
    case PLAN_UNION: {
        double rows = 0;
        for (int i = 0; i < node->source_count; i++)
            rows += node->sources[i]->estimate.rows;
        return rows;
    }
    case PLAN_INTERSECT: {
        double rows = INFINITY;
        for (int i = 0; i < node->source_count; i++)
            rows = fmin(rows, node->sources[i]->estimate.rows);
        return node->source_count ? rows : NAN;
    }
    case PLAN_EXCEPT:
        return node->source_count ? node->sources[0]->estimate.rows : NAN;
    default:
        return in_rows;
    }
}

void optimizer_estimate(plan_node *node, const optimizer_context *context)
{
    if (!node)
        return;
    for (int i = 0; i < 2; i++)
        optimizer_estimate(node->inputs[i], context);
    for (int i = 0; i < node->source_count; i++)
        optimizer_estimate(node->sources[i], context);
    node->estimate.rows = estimate_rows(node);
    node->estimate.bytes = isnan(node->estimate.rows) ? NAN : node->estimate.rows * row_width(node);
}
