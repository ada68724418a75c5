/*
 * explain.c — renders plans and fragments as EXPLAIN text, JSON or
 * GRAPHVIZ (see explain.h). Each plan node (or fused group: scan + filter
 * + project) is first described once (name, descriptor entries, details,
 * children); the three formats render that description.
 */
#include "explain.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "connectors/spi/date_util.h"
#include "connectors/spi/function.h"

/* ---- a growing string ---------------------------------------------------------- */

typedef struct sbuf {
    char *data;
    size_t length, capacity;
    bool failed;
} sbuf;

static void sb_printf(sbuf *b, const char *format, ...) __attribute__((format(printf, 2, 3)));

static void sb_printf(sbuf *b, const char *format, ...)
{
    if (b->failed)
        return;
    for (;;) {
        va_list args;
        va_start(args, format);
        size_t room = b->capacity - b->length;
        int n = vsnprintf(b->data ? b->data + b->length : NULL, room, format, args);
        va_end(args);
        if (n < 0) {
            b->failed = true;
            return;
        }
        if ((size_t)n < room) {
            b->length += (size_t)n;
            return;
        }
        size_t capacity = b->capacity ? b->capacity * 2 : 256;
        while (capacity - b->length <= (size_t)n)
            capacity *= 2;
        char *data = realloc(b->data, capacity);
        if (!data) {
            b->failed = true;
            return;
        }
        b->data = data;
        b->capacity = capacity;
    }
}

static char *sb_take(sbuf *b)
{
    if (b->failed) {
        free(b->data);
        return NULL;
    }
    if (!b->data)
        sb_printf(b, "%s", "");
    return b->data;
}

/* ---- sizes and numbers ------------------------------------------------------------- */

void explain_format_bytes(double bytes, char *out, int size)
{
    static const char *const units[] = {"B", "kB", "MB", "GB", "TB", "PB"};
    if (isnan(bytes)) {
        snprintf(out, (size_t)size, "?");
        return;
    }
    int unit = 0;
    while (bytes >= 1024 && unit < 5) {
        bytes /= 1024;
        unit++;
    }
    if (unit == 0 || bytes == floor(bytes))
        snprintf(out, (size_t)size, "%.0f%s", bytes, units[unit]);
    else
        snprintf(out, (size_t)size, "%.2f%s", bytes, units[unit]);
}

static void format_count(double v, char *out, int size)
{
    if (isnan(v))
        snprintf(out, (size_t)size, "?");
    else
        snprintf(out, (size_t)size, "%.0f", v);
}

static void format_duration(double nanos, char *out, int size)
{
    if (isnan(nanos))
        snprintf(out, (size_t)size, "?");
    else if (nanos < 1e3)
        snprintf(out, (size_t)size, "%.2fns", nanos);
    else if (nanos < 1e6)
        snprintf(out, (size_t)size, "%.2fus", nanos / 1e3);
    else if (nanos < 1e9)
        snprintf(out, (size_t)size, "%.2fms", nanos / 1e6);
    else
        snprintf(out, (size_t)size, "%.2fs", nanos / 1e9);
}

/* ---- expressions with column names ----------------------------------------------------- */

typedef struct names {
    const plan_column *left;
    int left_count;
    const plan_column *right;   /* joins: channels after the left ones */
    int right_count;
} names;

static names names_of(const plan_node *input)
{
    names n = {0};
    if (input) {
        n.left = input->columns;
        n.left_count = input->column_count;
    }
    return n;
}

static names names_of_join(const plan_node *join)
{
    names n = names_of(join->inputs[0]);
    n.right = join->inputs[1]->columns;
    n.right_count = join->inputs[1]->column_count;
    return n;
}

static const char *column_name(const names *n, int channel)
{
    if (channel >= 0 && channel < n->left_count)
        return n->left[channel].name;
    if (channel >= n->left_count && channel < n->left_count + n->right_count)
        return n->right[channel - n->left_count].name;
    return "?";
}

static const char *operator_symbol(const char *name)
{
    static const char *const table[][2] = {
        {"$add", "+"},        {"$subtract", "-"},         {"$multiply", "*"},
        {"$divide", "/"},     {"$modulus", "%"},          {"$equal", "="},
        {"$not_equal", "<>"}, {"$less_than", "<"},        {"$less_than_or_equal", "<="},
        {"$greater_than", ">"}, {"$greater_than_or_equal", ">="},
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (strcmp(table[i][0], name) == 0)
            return table[i][1];
    return NULL;
}

static void emit_expr(sbuf *b, const expr *e, const names *n);

static void emit_args(sbuf *b, const expr *e, int from, const char *separator, const names *n)
{
    for (int i = from; i < e->arg_count; i++) {
        if (i > from)
            sb_printf(b, "%s", separator);
        emit_expr(b, e->args[i], n);
    }
}

static void emit_expr(sbuf *b, const expr *e, const names *n)
{
    if (!e) {
        sb_printf(b, "?");
        return;
    }
    switch (e->kind) {
    case EXPR_COLUMN:
        sb_printf(b, "%s", column_name(n, e->column));
        return;
    case EXPR_CALL: {
        const char *name = e->function && e->function->name ? e->function->name : "?";
        const char *symbol = operator_symbol(name);
        if (symbol && e->arg_count == 2) {
            sb_printf(b, "(");
            emit_expr(b, e->args[0], n);
            sb_printf(b, " %s ", symbol);
            emit_expr(b, e->args[1], n);
            sb_printf(b, ")");
        } else if (strcmp(name, "$negate") == 0 && e->arg_count == 1) {
            sb_printf(b, "(-");
            emit_expr(b, e->args[0], n);
            sb_printf(b, ")");
        } else {
            sb_printf(b, "%s(", name);
            emit_args(b, e, 0, ", ", n);
            sb_printf(b, ")");
        }
        return;
    }
    case EXPR_AND:
    case EXPR_OR:
        sb_printf(b, "(");
        emit_args(b, e, 0, e->kind == EXPR_AND ? " AND " : " OR ", n);
        sb_printf(b, ")");
        return;
    case EXPR_NOT:
        sb_printf(b, "(NOT ");
        emit_args(b, e, 0, "", n);
        sb_printf(b, ")");
        return;
    case EXPR_IS_NULL:
        sb_printf(b, "(");
        emit_args(b, e, 0, "", n);
        sb_printf(b, " IS NULL)");
        return;
    case EXPR_BETWEEN:
        if (e->arg_count == 3) {
            sb_printf(b, "(");
            emit_expr(b, e->args[0], n);
            sb_printf(b, " BETWEEN ");
            emit_expr(b, e->args[1], n);
            sb_printf(b, " AND ");
            emit_expr(b, e->args[2], n);
            sb_printf(b, ")");
            return;
        }
        break;
    case EXPR_IN:
        if (e->arg_count > 0) {
            sb_printf(b, "(");
            emit_expr(b, e->args[0], n);
            sb_printf(b, " IN (");
            emit_args(b, e, 1, ", ", n);
            sb_printf(b, "))");
            return;
        }
        break;
    case EXPR_LIKE:
        if (e->arg_count >= 2) {
            sb_printf(b, "(");
            emit_expr(b, e->args[0], n);
            sb_printf(b, " LIKE ");
            emit_expr(b, e->args[1], n);
            if (e->arg_count > 2) {
                sb_printf(b, " ESCAPE ");
                emit_expr(b, e->args[2], n);
            }
            sb_printf(b, ")");
            return;
        }
        break;
    case EXPR_CAST:
    case EXPR_TRY_CAST: {
        char type[TYPE_NAME_MAX];
        type_format(e->type, false, type, sizeof type);
        sb_printf(b, "%s(", e->kind == EXPR_CAST ? "CAST" : "TRY_CAST");
        emit_args(b, e, 0, "", n);
        sb_printf(b, " AS %s)", type);
        return;
    }
    case EXPR_COALESCE:
    case EXPR_NULLIF:
    case EXPR_IF:
    case EXPR_TRY:
    case EXPR_ROW: {
        static const char *const fname[] = {[EXPR_COALESCE] = "COALESCE", [EXPR_NULLIF] = "NULLIF",
                                            [EXPR_IF] = "IF", [EXPR_TRY] = "TRY", [EXPR_ROW] = "ROW"};
        sb_printf(b, "%s(", fname[e->kind]);
        emit_args(b, e, 0, ", ", n);
        sb_printf(b, ")");
        return;
    }
    case EXPR_CASE:
        sb_printf(b, "CASE");
        for (int i = 0; i + 1 < e->arg_count; i += 2) {
            sb_printf(b, " WHEN ");
            emit_expr(b, e->args[i], n);
            sb_printf(b, " THEN ");
            emit_expr(b, e->args[i + 1], n);
        }
        if (e->arg_count % 2 == 1) {
            sb_printf(b, " ELSE ");
            emit_expr(b, e->args[e->arg_count - 1], n);
        }
        sb_printf(b, " END");
        return;
    case EXPR_IS_DISTINCT_FROM:
        sb_printf(b, "(");
        emit_args(b, e, 0, " IS DISTINCT FROM ", n);
        sb_printf(b, ")");
        return;
    default:
        break;
    }
    /* constants, lambdas, arrays...: the IR's own printer (columns as #n) */
    char text[1024];
    expr_format(e, text, sizeof text);
    sb_printf(b, "%s", text);
}

static char *expr_text(const expr *e, const names *n)
{
    sbuf b = {0};
    emit_expr(&b, e, n);
    return sb_take(&b);
}

/* ---- node descriptions ------------------------------------------------------------------ */

enum { MAX_DESCRIPTORS = 8, MAX_CHILDREN = 64 };

typedef struct description {
    char name[48];
    int descriptor_count;
    char *keys[MAX_DESCRIPTORS];
    char *values[MAX_DESCRIPTORS];
    int detail_count;
    char **details;
    const plan_node *top;       /* layout, estimates, id */
    const plan_node *bottom;    /* input rows for ANALYZE */
    const plan_node *children[MAX_CHILDREN];
    int child_count;
    bool failed;
} description;

static void add_descriptor(description *d, const char *key, char *value)
{
    if (!value) {
        d->failed = true;
        return;
    }
    if (d->descriptor_count == MAX_DESCRIPTORS) {
        free(value);
        return;
    }
    d->keys[d->descriptor_count] = strdup(key);
    d->values[d->descriptor_count++] = value;
}

static void add_detail(description *d, char *line)
{
    if (!line) {
        d->failed = true;
        return;
    }
    char **details = realloc(d->details, sizeof *details * (size_t)(d->detail_count + 1));
    if (!details) {
        free(line);
        d->failed = true;
        return;
    }
    d->details = details;
    d->details[d->detail_count++] = line;
}

static void description_free(description *d)
{
    for (int i = 0; i < d->descriptor_count; i++) {
        free(d->keys[i]);
        free(d->values[i]);
    }
    for (int i = 0; i < d->detail_count; i++)
        free(d->details[i]);
    free(d->details);
}

static char *name_list(const plan_node *node, const int *channels, int count)
{
    sbuf b = {0};
    sb_printf(&b, "[");
    for (int i = 0; i < count; i++)
        sb_printf(&b, "%s%s", i ? ", " : "", node->columns[channels[i]].name);
    sb_printf(&b, "]");
    return sb_take(&b);
}

static char *all_names(const plan_node *node)
{
    sbuf b = {0};
    sb_printf(&b, "[");
    for (int i = 0; i < node->column_count; i++)
        sb_printf(&b, "%s%s", i ? ", " : "", node->columns[i].name);
    sb_printf(&b, "]");
    return sb_take(&b);
}

static char *order_by(const plan_node *node)
{
    const plan_node *in = node->inputs[0];
    sbuf b = {0};
    sb_printf(&b, "[");
    for (int i = 0; i < node->u.sort.key_count; i++) {
        const sort_key *k = &node->u.sort.keys[i];
        sb_printf(&b, "%s%s %s NULLS %s", i ? ", " : "", in->columns[k->channel].name,
                  k->descending ? "DESC" : "ASC", k->nulls_first ? "FIRST" : "LAST");
    }
    sb_printf(&b, "]");
    return sb_take(&b);
}

static char *format_value(const value *v)
{
    expr e;
    memset(&e, 0, sizeof e);
    e.kind = EXPR_CONSTANT;
    e.type = v->type;
    e.constant = *v;
    char text[256];
    expr_format(&e, text, sizeof text);
    return strdup(text);
}

static char *ranges_text(const plan_node *scan)
{
    const table_metadata *t = scan->u.scan.table;
    sbuf b = {0};
    sb_printf(&b, "[");
    for (int i = 0; i < scan->u.scan.range_count; i++) {
        const column_range *r = &scan->u.scan.ranges[i];
        const char *column = t && r->column < t->column_count ? t->columns[r->column].name : "?";
        sb_printf(&b, "%s", i ? ", " : "");
        char *low = r->has_low ? format_value(&r->low) : NULL;
        char *high = r->has_high ? format_value(&r->high) : NULL;
        if (low && high && r->low_inclusive && r->high_inclusive && strcmp(low, high) == 0)
            sb_printf(&b, "%s = %s", column, low);
        else {
            if (low)
                sb_printf(&b, "%s %s ", low, r->low_inclusive ? "<=" : "<");
            sb_printf(&b, "%s", column);
            if (high)
                sb_printf(&b, " %s %s", r->high_inclusive ? "<=" : "<", high);
        }
        free(low);
        free(high);
    }
    sb_printf(&b, "]");
    return sb_take(&b);
}

/* "name := expression" for each non-identity projection. */
static void add_assignments(description *d, const plan_node *project)
{
    names n = names_of(project->inputs[0]);
    for (int i = 0; i < project->column_count; i++) {
        const expr *e = project->u.project.exprs[i];
        if (e->kind == EXPR_COLUMN && strcmp(column_name(&n, e->column), project->columns[i].name) == 0)
            continue;
        char *text = expr_text(e, &n);
        sbuf b = {0};
        sb_printf(&b, "%s := %s", project->columns[i].name, text ? text : "?");
        free(text);
        add_detail(d, sb_take(&b));
    }
}

static char *key_pairs(const plan_node *node, const int *lk, const int *rk, int count)
{
    const plan_node *l = node->inputs[0], *r = node->inputs[1];
    sbuf b = {0};
    for (int i = 0; i < count; i++)
        sb_printf(&b, "%s(%s = %s)", i ? " AND " : "", l->columns[lk[i]].name, r->columns[rk[i]].name);
    return sb_take(&b);
}

static const char *join_name(join_type type)
{
    switch (type) {
    case JOIN_INNER: return "InnerJoin";
    case JOIN_LEFT: return "LeftJoin";
    case JOIN_RIGHT: return "RightJoin";
    case JOIN_FULL: return "FullJoin";
    case JOIN_CROSS: return "CrossJoin";
    }
    return "Join";
}

static void describe_scan(description *d, const plan_node *scan, const plan_node *filter, const plan_node *project,
                          const explain_options *options)
{
    snprintf(d->name, sizeof d->name, "%s%s%s", filter || project ? "Scan" : "TableScan", filter ? "Filter" : "",
             project ? "Project" : "");
    const table_metadata *t = scan->u.scan.table;
    sbuf b = {0};
    sb_printf(&b, "%s:%s:%s", scan->u.scan.catalog ? scan->u.scan.catalog : "?",
              t && t->schema ? t->schema : "?", t && t->name ? t->name : "?");
    add_descriptor(d, "table", sb_take(&b));
    if (filter) {
        names n = names_of(scan);
        add_descriptor(d, "filterPredicate", expr_text(filter->u.filter.predicate, &n));
    }
    if (scan->u.scan.range_count > 0)
        add_descriptor(d, "constraints", ranges_text(scan));
    if (options && options->dynamic_filtering && scan->u.scan.dynamic_filter_count > 0) {
        sbuf f = {0};
        sb_printf(&f, "{");
        for (int i = 0; i < scan->u.scan.dynamic_filter_count; i++) {
            const plan_dynamic_filter *df = &scan->u.scan.dynamic_filters[i];
            sb_printf(&f, "%s%s = #df_%d", i ? ", " : "", scan->columns[df->column].name, df->id);
        }
        sb_printf(&f, "}");
        add_descriptor(d, "dynamicFilters", sb_take(&f));
    }
    if (scan->u.scan.limit >= 0) {
        sbuf l = {0};
        sb_printf(&l, "%lld", (long long)scan->u.scan.limit);
        add_descriptor(d, "limit", sb_take(&l));
    }
    if (project)
        add_assignments(d, project);
    /* column := table column, as Trino lists them */
    for (int i = 0; i < scan->column_count; i++) {
        int c = scan->u.scan.columns ? scan->u.scan.columns[i] : i;
        if (!t || c < 0 || c >= t->column_count)
            continue;
        sbuf l = {0};
        sb_printf(&l, "%s := %s:%s", scan->columns[i].name, scan->u.scan.catalog ? scan->u.scan.catalog : "?",
                  t->columns[c].name);
        char *line = sb_take(&l);
        add_detail(d, line);
    }
}

static void describe_aggregate(description *d, const plan_node *node)
{
    snprintf(d->name, sizeof d->name, "Aggregate");
    if (node->u.aggregate.step != AGGREGATION_SINGLE)
        add_descriptor(d, "type", strdup(node->u.aggregate.step == AGGREGATION_PARTIAL ? "PARTIAL" : "FINAL"));
    add_descriptor(d, "keys", name_list(node->inputs[0], node->u.aggregate.keys, node->u.aggregate.key_count));
    const plan_node *in = node->inputs[0];
    int keys = node->u.aggregate.key_count;
    for (int a = 0; a < node->u.aggregate.aggregate_count; a++) {
        const plan_aggregate *agg = &node->u.aggregate.aggregates[a];
        const char *fname = agg->function.function && agg->function.function->name ? agg->function.function->name : "?";
        sbuf b = {0};
        sb_printf(&b, "%s := %s(%s", node->columns[keys + a].name, fname, agg->distinct ? "DISTINCT " : "");
        if (agg->arg_count == 0 && node->u.aggregate.step != AGGREGATION_FINAL)
            sb_printf(&b, "*");
        for (int i = 0; i < agg->arg_count; i++)
            sb_printf(&b, "%s%s", i ? ", " : "", in->columns[agg->args[i]].name);
        sb_printf(&b, ")");
        if (agg->filter_channel >= 0)
            sb_printf(&b, " FILTER (WHERE %s)", in->columns[agg->filter_channel].name);
        add_detail(d, sb_take(&b));
    }
}

/* dynamicFilterAssignments = {build key -> #df_N, ...} of the keys that filter a scan. */
static void describe_dynamic_filters(description *d, const plan_node *node, int key_count,
                                     const int *build_keys, const int *ids)
{
    if (!ids)
        return;
    sbuf b = {0};
    int shown = 0;
    sb_printf(&b, "{");
    for (int i = 0; i < key_count; i++)
        if (ids[i] >= 0)
            sb_printf(&b, "%s%s -> #df_%d", shown++ ? ", " : "", node->inputs[1]->columns[build_keys[i]].name,
                      ids[i]);
    sb_printf(&b, "}");
    char *text = sb_take(&b);
    if (shown)
        add_descriptor(d, "dynamicFilterAssignments", text);
    else
        free(text);
}

static void describe_join(description *d, const plan_node *node, const explain_options *options)
{
    snprintf(d->name, sizeof d->name, "%s", join_name(node->u.join.type));
    if (node->u.join.key_count > 0)
        add_descriptor(d, "criteria",
                       key_pairs(node, node->u.join.left_keys, node->u.join.right_keys, node->u.join.key_count));
    if (node->u.join.filter) {
        names n = names_of_join(node);
        add_descriptor(d, "filter", expr_text(node->u.join.filter, &n));
    }
    const char *distribution = node->u.join.distribution == JOIN_DISTRIBUTION_BROADCAST     ? "REPLICATED"
                               : node->u.join.distribution == JOIN_DISTRIBUTION_PARTITIONED ? "PARTITIONED"
                                                                                            : NULL;
    if (distribution)
        add_descriptor(d, "distribution", strdup(distribution));
    if (options && options->dynamic_filtering)
        describe_dynamic_filters(d, node, node->u.join.key_count, node->u.join.right_keys,
                                 node->u.join.dynamic_filter_ids);
}

static void describe(description *d, const plan_node *node, const explain_options *options,
                     const plan_fragment *fragment)
{
    memset(d, 0, sizeof *d);
    d->top = node;
    d->bottom = node;
    const plan_node *child_of = node;

    /* fused scans: [Project] [Filter] TableScan */
    const plan_node *project = node->kind == PLAN_PROJECT ? node : NULL;
    const plan_node *filter = project ? (node->inputs[0]->kind == PLAN_FILTER ? node->inputs[0] : NULL)
                                      : node->kind == PLAN_FILTER ? node : NULL;
    const plan_node *below = filter ? filter->inputs[0] : project ? project->inputs[0] : NULL;
    if (below && below->kind == PLAN_TABLE_SCAN) {
        describe_scan(d, below, filter, project, options);
        d->bottom = below;
        return;
    }
    switch (node->kind) {
    case PLAN_TABLE_SCAN:
        describe_scan(d, node, NULL, NULL, options);
        return;
    case PLAN_OUTPUT:
        snprintf(d->name, sizeof d->name, "Output");
        add_descriptor(d, "columnNames", all_names(node));
        for (int i = 0; i < node->column_count && i < node->inputs[0]->column_count; i++)
            if (strcmp(node->columns[i].name, node->inputs[0]->columns[i].name) != 0) {
                sbuf b = {0};
                sb_printf(&b, "%s := %s", node->columns[i].name, node->inputs[0]->columns[i].name);
                add_detail(d, sb_take(&b));
            }
        break;
    case PLAN_FILTER:
    case PLAN_PROJECT:
        if (filter) {
            names n = names_of(filter->inputs[0]);
            snprintf(d->name, sizeof d->name, project ? "FilterProject" : "Filter");
            add_descriptor(d, "filterPredicate", expr_text(filter->u.filter.predicate, &n));
            child_of = filter;
        } else {
            snprintf(d->name, sizeof d->name, "Project");
        }
        if (project)
            add_assignments(d, project);
        break;
    case PLAN_AGGREGATE:
        describe_aggregate(d, node);
        break;
    case PLAN_JOIN:
        describe_join(d, node, options);
        break;
    case PLAN_SEMI_JOIN: {
        snprintf(d->name, sizeof d->name, "SemiJoin");
        add_descriptor(d, "criteria",
                       key_pairs(node, node->u.semi.source_keys, node->u.semi.filtering_keys, node->u.semi.key_count));
        if (node->u.semi.filter) {
            names n = names_of_join(node);
            add_descriptor(d, "filter", expr_text(node->u.semi.filter, &n));
        }
        add_descriptor(d, "semiJoinOutput", strdup(node->columns[node->column_count - 1].name));
        if (node->u.semi.null_aware)
            add_descriptor(d, "nullAware", strdup("true"));
        if (options && options->dynamic_filtering)
            describe_dynamic_filters(d, node, node->u.semi.key_count, node->u.semi.filtering_keys,
                                     node->u.semi.dynamic_filter_ids);
        break;
    }
    case PLAN_SORT:
        snprintf(d->name, sizeof d->name, "Sort");
        add_descriptor(d, "orderBy", order_by(node));
        break;
    case PLAN_TOP_N: {
        snprintf(d->name, sizeof d->name, "TopN");
        sbuf b = {0};
        sb_printf(&b, "%lld", (long long)node->u.sort.count);
        add_descriptor(d, "count", sb_take(&b));
        add_descriptor(d, "orderBy", order_by(node));
        break;
    }
    case PLAN_LIMIT:
    case PLAN_DISTINCT_LIMIT: {
        snprintf(d->name, sizeof d->name, node->kind == PLAN_LIMIT ? "Limit" : "DistinctLimit");
        sbuf b = {0};
        sb_printf(&b, "%lld", (long long)node->u.limit.count);
        add_descriptor(d, "count", sb_take(&b));
        if (node->u.limit.offset > 0) {
            sbuf o = {0};
            sb_printf(&o, "%lld", (long long)node->u.limit.offset);
            add_descriptor(d, "offset", sb_take(&o));
        }
        break;
    }
    case PLAN_VALUES: {
        snprintf(d->name, sizeof d->name, "Values");
        sbuf b = {0};
        sb_printf(&b, "%d", node->u.values.row_count);
        add_descriptor(d, "rows", sb_take(&b));
        break;
    }
    case PLAN_EXCHANGE: {
        bool remote = node->u.exchange.scope == EXCHANGE_REMOTE;
        if (remote && !node->inputs[0]) {
            snprintf(d->name, sizeof d->name, "RemoteSource");
            sbuf b = {0};
            sb_printf(&b, "[%d]", fragment ? fragment_source_of(fragment, node->id) : -1);
            add_descriptor(d, "sourceFragmentIds", sb_take(&b));
            break;
        }
        snprintf(d->name, sizeof d->name, remote ? "RemoteExchange" : "LocalExchange");
        add_descriptor(d, remote ? "type" : "partitioning", strdup(exchange_kind_name(node->u.exchange.kind)));
        if (node->u.exchange.key_count > 0)
            add_descriptor(d, "keys", name_list(node, node->u.exchange.keys, node->u.exchange.key_count));
        break;
    }
    case PLAN_UNION:
    case PLAN_INTERSECT:
    case PLAN_EXCEPT:
        snprintf(d->name, sizeof d->name, "%s", plan_kind_name(node->kind));
        if (node->u.set.distinct && node->kind != PLAN_UNION)
            add_descriptor(d, "distinct", strdup("true"));
        break;
    default:
        snprintf(d->name, sizeof d->name, "%s", plan_kind_name(node->kind));
        break;
    }
    for (int i = 0; i < 2; i++)
        if (child_of->inputs[i] && d->child_count < MAX_CHILDREN)
            d->children[d->child_count++] = child_of->inputs[i];
    for (int i = 0; i < child_of->source_count && d->child_count < MAX_CHILDREN; i++)
        d->children[d->child_count++] = child_of->sources[i];
}

/* ---- estimates ------------------------------------------------------------------------ */

typedef struct costs {
    double rows, bytes, cpu, memory, network;
} costs;

static costs costs_of(const description *d)
{
    const plan_node *n = d->top;
    costs c = {n->estimate.rows, n->estimate.bytes, 0, 0, 0};
    double input = 0;
    for (int i = 0; i < d->child_count; i++)
        input += d->children[i]->estimate.bytes;
    if (d->bottom->kind == PLAN_TABLE_SCAN)
        input = d->bottom->estimate.bytes;
    c.cpu = input + (isnan(c.bytes) ? 0 : c.bytes);
    if (n->kind == PLAN_JOIN || n->kind == PLAN_SEMI_JOIN)
        c.memory = n->inputs[1]->estimate.bytes;
    else if (n->kind == PLAN_AGGREGATE || n->kind == PLAN_SORT || n->kind == PLAN_TOP_N)
        c.memory = c.bytes;
    if (n->kind == PLAN_EXCHANGE && n->u.exchange.scope == EXCHANGE_REMOTE)
        c.network = c.bytes;
    return c;
}

static const explain_node_stats *stats_of(const explain_options *o, const plan_node *node)
{
    if (!o || !o->stats || node->id < 0 || node->id >= o->stats_count || !o->stats[node->id].present)
        return NULL;
    return &o->stats[node->id];
}

/* ---- TEXT ------------------------------------------------------------------------------ */

typedef struct renderer {
    sbuf out;
    const explain_options *options;
    const plan_fragment *fragment;
    double total_cpu;
    bool failed;
} renderer;

static void sum_cpu(renderer *r, const plan_node *node)
{
    if (!node)
        return;
    const explain_node_stats *s = stats_of(r->options, node);
    if (s && !isnan(s->cpu_nanos))
        r->total_cpu += s->cpu_nanos;
    sum_cpu(r, node->inputs[0]);
    sum_cpu(r, node->inputs[1]);
    for (int i = 0; i < node->source_count; i++)
        sum_cpu(r, node->sources[i]);
}

static void text_layout(sbuf *b, const plan_node *node)
{
    sb_printf(b, "Layout: [");
    for (int i = 0; i < node->column_count; i++) {
        char type[TYPE_NAME_MAX];
        type_format(node->columns[i].type, false, type, sizeof type);
        sb_printf(b, "%s%s:%s", i ? ", " : "", node->columns[i].name, type);
    }
    sb_printf(b, "]");
}

static void text_analyze(renderer *r, const description *d, const char *pad)
{
    const explain_node_stats *s = stats_of(r->options, d->top);
    if (!s)
        return;
    char cpu[32], wall[32], in_rows[32], in_bytes[32], out_rows[32], out_bytes[32];
    format_duration(s->cpu_nanos, cpu, sizeof cpu);
    format_duration(s->wall_nanos, wall, sizeof wall);
    double share = r->total_cpu > 0 && !isnan(s->cpu_nanos) ? 100.0 * s->cpu_nanos / r->total_cpu : 0;
    sb_printf(&r->out, "%sCPU: %s (%.2f%%), Wall: %s, Output: ", pad, cpu, share, wall);
    format_count(s->output_rows, out_rows, sizeof out_rows);
    explain_format_bytes(s->output_bytes, out_bytes, sizeof out_bytes);
    sb_printf(&r->out, "%s rows (%s)\n", out_rows, out_bytes);
    const explain_node_stats *in = stats_of(r->options, d->bottom);
    if (in && !isnan(in->input_rows)) {
        format_count(in->input_rows, in_rows, sizeof in_rows);
        explain_format_bytes(in->input_bytes, in_bytes, sizeof in_bytes);
        double filtered = in->input_rows > 0 && !isnan(s->output_rows)
                              ? 100.0 * (1 - s->output_rows / in->input_rows)
                              : 0;
        sb_printf(&r->out, "%sInput: %s rows (%s), Filtered: %.2f%%\n", pad, in_rows, in_bytes,
                  filtered < 0 ? 0 : filtered);
    }
}

static void text_node(renderer *r, const plan_node *node, int indent)
{
    description d;
    describe(&d, node, r->options, r->fragment);
    if (d.failed)
        r->failed = true;
    sbuf *b = &r->out;
    sb_printf(b, "%*s- %s", indent, "", d.name);
    if (d.descriptor_count > 0) {
        sb_printf(b, "[");
        for (int i = 0; i < d.descriptor_count; i++)
            sb_printf(b, "%s%s = %s", i ? ", " : "", d.keys[i], d.values[i]);
        sb_printf(b, "]");
    }
    sb_printf(b, "\n");
    char pad[256];
    snprintf(pad, sizeof pad, "%*s", indent + 8, "");
    sb_printf(b, "%s", pad);
    text_layout(b, d.top);
    sb_printf(b, "\n");
    costs c = costs_of(&d);
    char rows[32], bytes[32], cpu[32], memory[32], network[32];
    format_count(c.rows, rows, sizeof rows);
    explain_format_bytes(c.bytes, bytes, sizeof bytes);
    explain_format_bytes(c.cpu, cpu, sizeof cpu);
    explain_format_bytes(c.memory, memory, sizeof memory);
    explain_format_bytes(c.network, network, sizeof network);
    sb_printf(b, "%sEstimates: {rows: %s (%s), cpu: %s, memory: %s, network: %s}\n", pad, rows, bytes, cpu,
              memory, network);
    text_analyze(r, &d, pad);
    for (int i = 0; i < d.detail_count; i++)
        sb_printf(b, "%s%s\n", pad, d.details[i]);
    for (int i = 0; i < d.child_count; i++)
        text_node(r, d.children[i], indent + 4);
    description_free(&d);
}

static void output_partitioning(sbuf *b, const plan_fragment *f)
{
    switch (f->output_kind) {
    case EXCHANGE_REPARTITION:
        sb_printf(b, "HASH [");
        for (int i = 0; i < f->output_key_count; i++)
            sb_printf(b, "%s%s", i ? ", " : "", f->root->columns[f->output_keys[i]].name);
        sb_printf(b, "]");
        break;
    case EXCHANGE_BROADCAST:
        sb_printf(b, "BROADCAST []");
        break;
    case EXCHANGE_ROUND_ROBIN:
        sb_printf(b, "ROUND_ROBIN []");
        break;
    default:
        sb_printf(b, "SINGLE []");
        break;
    }
}

/* ---- JSON ------------------------------------------------------------------------------- */

static void json_string(sbuf *b, const char *s)
{
    sb_printf(b, "\"");
    for (; s && *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\')
            sb_printf(b, "\\%c", ch);
        else if (ch == '\n')
            sb_printf(b, "\\n");
        else if (ch < 0x20)
            sb_printf(b, "\\u%04x", ch);
        else
            sb_printf(b, "%c", ch);
    }
    sb_printf(b, "\"");
}

static void json_number(sbuf *b, double v)
{
    if (isnan(v) || isinf(v))
        sb_printf(b, "null");
    else
        sb_printf(b, "%.1f", v);
}

static void json_node(renderer *r, const plan_node *node, int indent)
{
    description d;
    describe(&d, node, r->options, r->fragment);
    if (d.failed)
        r->failed = true;
    sbuf *b = &r->out;
    int in = indent + 2;
    sb_printf(b, "{\n%*s\"id\" : \"%d\",\n%*s\"name\" : ", in, "", d.top->id, in, "");
    json_string(b, d.name);
    sb_printf(b, ",\n%*s\"descriptor\" : {", in, "");
    for (int i = 0; i < d.descriptor_count; i++) {
        sb_printf(b, "%s\n%*s", i ? "," : "", in + 2, "");
        json_string(b, d.keys[i]);
        sb_printf(b, " : ");
        json_string(b, d.values[i]);
    }
    if (d.descriptor_count)
        sb_printf(b, "\n%*s", in, "");
    sb_printf(b, "},\n%*s\"outputs\" : [", in, "");
    for (int i = 0; i < d.top->column_count; i++) {
        char type[TYPE_NAME_MAX];
        type_format(d.top->columns[i].type, false, type, sizeof type);
        sb_printf(b, "%s{ \"symbol\" : ", i ? ", " : " ");
        json_string(b, d.top->columns[i].name);
        sb_printf(b, ", \"type\" : ");
        json_string(b, type);
        sb_printf(b, " }");
    }
    sb_printf(b, " ],\n%*s\"details\" : [", in, "");
    for (int i = 0; i < d.detail_count; i++) {
        sb_printf(b, "%s", i ? ", " : " ");
        json_string(b, d.details[i]);
    }
    costs c = costs_of(&d);
    sb_printf(b, " ],\n%*s\"estimates\" : [ { \"outputRowCount\" : ", in, "");
    json_number(b, c.rows);
    sb_printf(b, ", \"outputSizeInBytes\" : ");
    json_number(b, c.bytes);
    sb_printf(b, ", \"cpuCost\" : ");
    json_number(b, c.cpu);
    sb_printf(b, ", \"memoryCost\" : ");
    json_number(b, c.memory);
    sb_printf(b, ", \"networkCost\" : ");
    json_number(b, c.network);
    sb_printf(b, " } ],\n");
    const explain_node_stats *s = stats_of(r->options, d.top);
    if (s) {
        sb_printf(b, "%*s\"analyze\" : { \"cpuNanos\" : ", in, "");
        json_number(b, s->cpu_nanos);
        sb_printf(b, ", \"wallNanos\" : ");
        json_number(b, s->wall_nanos);
        sb_printf(b, ", \"inputRows\" : ");
        json_number(b, s->input_rows);
        sb_printf(b, ", \"outputRows\" : ");
        json_number(b, s->output_rows);
        sb_printf(b, ", \"outputBytes\" : ");
        json_number(b, s->output_bytes);
        sb_printf(b, " },\n");
    }
    sb_printf(b, "%*s\"children\" : [", in, "");
    for (int i = 0; i < d.child_count; i++) {
        sb_printf(b, "%s", i ? ", " : " ");
        json_node(r, d.children[i], in);
    }
    sb_printf(b, " ]\n%*s}", indent, "");
    description_free(&d);
}

/* ---- GRAPHVIZ ------------------------------------------------------------------------------ */

static void dot_escaped(sbuf *b, const char *s)
{
    for (; s && *s; s++) {
        if (strchr("{}|<>\"\\", *s))
            sb_printf(b, "\\%c", *s);
        else if (*s == '\n')
            sb_printf(b, "\\n");
        else
            sb_printf(b, "%c", *s);
    }
}

static void dot_node(renderer *r, const plan_node *node, sbuf *edges)
{
    description d;
    describe(&d, node, r->options, r->fragment);
    if (d.failed)
        r->failed = true;
    sbuf *b = &r->out;
    sb_printf(b, "plannode_%d[label=\"{", d.top->id);
    dot_escaped(b, d.name);
    for (int i = 0; i < d.descriptor_count; i++) {
        sb_printf(b, "|");
        dot_escaped(b, d.keys[i]);
        sb_printf(b, " = ");
        dot_escaped(b, d.values[i]);
    }
    costs c = costs_of(&d);
    char rows[32], bytes[32];
    format_count(c.rows, rows, sizeof rows);
    explain_format_bytes(c.bytes, bytes, sizeof bytes);
    sb_printf(b, "|rows: %s (%s)}\", style=\"rounded, filled\", shape=record, fillcolor=%s];\n", rows, bytes,
              d.top->kind == PLAN_EXCHANGE ? "gold" : d.bottom->kind == PLAN_TABLE_SCAN ? "deepskyblue" : "white");
    for (int i = 0; i < d.child_count; i++) {
        sb_printf(edges, "plannode_%d -> plannode_%d;\n", d.top->id, d.children[i]->id);
        dot_node(r, d.children[i], edges);
    }
    if (r->fragment && node->kind == PLAN_EXCHANGE && !node->inputs[0])
        sb_printf(edges, "plannode_%d -> fragment_%d;\n", node->id, fragment_source_of(r->fragment, node->id));
    description_free(&d);
}

/* ---- entry points ----------------------------------------------------------------------------- */

static char *finish(renderer *r, shoal_error *error)
{
    if (r->failed || r->out.failed) {
        free(r->out.data);
        error_set(error, ERR_GENERIC_INTERNAL_ERROR, "out of memory while explaining the plan");
        return NULL;
    }
    return sb_take(&r->out);
}

char *explain_plan(const plan_node *root, const explain_options *options, shoal_error *error)
{
    if (!root) {
        error_set(error, ERR_INVALID_PLAN, "no plan to explain");
        return NULL;
    }
    renderer r = {.options = options};
    sum_cpu(&r, root);
    explain_format format = options ? options->format : EXPLAIN_FORMAT_TEXT;
    if (format == EXPLAIN_FORMAT_JSON) {
        json_node(&r, root, 0);
        sb_printf(&r.out, "\n");
    } else if (format == EXPLAIN_FORMAT_GRAPHVIZ) {
        sbuf edges = {0};
        sb_printf(&r.out, "digraph logical_plan {\n");
        dot_node(&r, root, &edges);
        char *e = sb_take(&edges);
        sb_printf(&r.out, "%s}\n", e ? e : "");
        free(e);
    } else {
        text_node(&r, root, 0);
    }
    return finish(&r, error);
}

char *explain_fragments(const fragmented_plan *plan, const explain_options *options, shoal_error *error)
{
    if (!plan || plan->fragment_count == 0) {
        error_set(error, ERR_INVALID_PLAN, "no plan to explain");
        return NULL;
    }
    renderer r = {.options = options};
    for (int i = 0; i < plan->fragment_count; i++)
        sum_cpu(&r, plan->fragments[i].root);
    explain_format format = options ? options->format : EXPLAIN_FORMAT_TEXT;
    sbuf edges = {0};
    if (format == EXPLAIN_FORMAT_JSON)
        sb_printf(&r.out, "{\n");
    else if (format == EXPLAIN_FORMAT_GRAPHVIZ)
        sb_printf(&r.out, "digraph distributed_plan {\n");
    for (int i = 0; i < plan->fragment_count; i++) {
        const plan_fragment *f = &plan->fragments[i];
        r.fragment = f;
        if (format == EXPLAIN_FORMAT_JSON) {
            sb_printf(&r.out, "%s  \"%d\" : ", i ? ",\n" : "", f->id);
            json_node(&r, f->root, 2);
        } else if (format == EXPLAIN_FORMAT_GRAPHVIZ) {
            sb_printf(&r.out, "subgraph cluster_%d {\nlabel = \"%s\"\n", f->id,
                      fragment_partitioning_name(f->partitioning));
            sb_printf(&r.out, "fragment_%d[shape=point, style=invis];\n", f->id);
            sb_printf(&edges, "fragment_%d -> plannode_%d [style=invis];\n", f->id, f->root->id);
            dot_node(&r, f->root, &edges);
            sb_printf(&r.out, "}\n");
        } else {
            sb_printf(&r.out, "%sFragment %d [%s]\n", i ? "\n" : "", f->id,
                      fragment_partitioning_name(f->partitioning));
            char *layout = all_names(f->root);
            sb_printf(&r.out, "    Output layout: %s\n    Output partitioning: ", layout ? layout : "?");
            free(layout);
            output_partitioning(&r.out, f);
            sb_printf(&r.out, "\n");
            text_node(&r, f->root, 4);
        }
    }
    if (format == EXPLAIN_FORMAT_JSON) {
        sb_printf(&r.out, "\n}\n");
    } else if (format == EXPLAIN_FORMAT_GRAPHVIZ) {
        char *e = sb_take(&edges);
        sb_printf(&r.out, "%s}\n", e ? e : "");
        free(e);
        edges.data = NULL;
    }
    free(edges.data);
    return finish(&r, error);
}
