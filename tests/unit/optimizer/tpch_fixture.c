/*
 * tpch_fixture.c — TPC-H SF1 table metadata with statistics and small plan
 * constructors for the optimiser tests (see tpch_fixture.h).
 */
#include "tpch_fixture.h"

#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "connectors/spi/connector.h"
#include "connectors/spi/date_util.h"

#define SCALAR(sym, fname) \
    const function_entry sym = {.name = fname, .kind = FUNCTION_SCALAR, .deterministic = true, .null_on_null = true}
SCALAR(FX_EQ, "$equal");
SCALAR(FX_NE, "$not_equal");
SCALAR(FX_LT, "$less_than");
SCALAR(FX_LE, "$less_than_or_equal");
SCALAR(FX_GT, "$greater_than");
SCALAR(FX_GE, "$greater_than_or_equal");
SCALAR(FX_ADD, "$add");
SCALAR(FX_MUL, "$multiply");
SCALAR(FX_SUB, "$subtract");
const function_entry FX_RANDOM = {.name = "random", .kind = FUNCTION_SCALAR, .deterministic = false};
const function_entry FX_SUM = {.name = "sum", .kind = FUNCTION_AGGREGATE, .deterministic = true};
const function_entry FX_COUNT = {.name = "count", .kind = FUNCTION_AGGREGATE, .deterministic = true};

typedef struct fx_column_def {
    const char *name;
    const char *type;
    double ndv;
    const char *min, *max;    /* dates, for ranges */
} fx_column_def;

typedef struct fx_table_def {
    const char *name;
    double rows;
    fx_column_def columns[16];
} fx_table_def;

static const fx_table_def tables[] = {
    {"region", 5, {{"r_regionkey", "bigint", 5}, {"r_name", "varchar(25)", 5}, {"r_comment", "varchar(152)", 5}}},
    {"nation", 25, {{"n_nationkey", "bigint", 25}, {"n_name", "varchar(25)", 25}, {"n_regionkey", "bigint", 5},
                    {"n_comment", "varchar(152)", 25}}},
    {"supplier", 10000, {{"s_suppkey", "bigint", 10000}, {"s_name", "varchar(25)", 10000},
                         {"s_address", "varchar(40)", 10000}, {"s_nationkey", "bigint", 25},
                         {"s_phone", "varchar(15)", 10000}, {"s_acctbal", "decimal(12,2)", 9955},
                         {"s_comment", "varchar(101)", 10000}}},
    {"customer", 150000, {{"c_custkey", "bigint", 150000}, {"c_name", "varchar(25)", 150000},
                          {"c_address", "varchar(40)", 150000}, {"c_nationkey", "bigint", 25},
                          {"c_phone", "varchar(15)", 150000}, {"c_acctbal", "decimal(12,2)", 140187},
                          {"c_mktsegment", "varchar(10)", 5}, {"c_comment", "varchar(117)", 149968}}},
    {"part", 200000, {{"p_partkey", "bigint", 200000}, {"p_name", "varchar(55)", 199997},
                      {"p_mfgr", "varchar(25)", 5}, {"p_brand", "varchar(10)", 25},
                      {"p_type", "varchar(25)", 150}, {"p_size", "integer", 50},
                      {"p_container", "varchar(10)", 40}, {"p_retailprice", "decimal(12,2)", 20899},
                      {"p_comment", "varchar(23)", 131753}}},
    {"partsupp", 800000, {{"ps_partkey", "bigint", 200000}, {"ps_suppkey", "bigint", 10000},
                          {"ps_availqty", "integer", 9999}, {"ps_supplycost", "decimal(12,2)", 99865},
                          {"ps_comment", "varchar(199)", 799124}}},
    {"orders", 1500000, {{"o_orderkey", "bigint", 1500000}, {"o_custkey", "bigint", 99996},
                         {"o_orderstatus", "varchar(1)", 3}, {"o_totalprice", "decimal(12,2)", 1464556},
                         {"o_orderdate", "date", 2406, "1992-01-01", "1998-08-02"},
                         {"o_orderpriority", "varchar(15)", 5}, {"o_clerk", "varchar(15)", 1000},
                         {"o_shippriority", "integer", 1}, {"o_comment", "varchar(79)", 1482071}}},
    {"lineitem", 6001215, {{"l_orderkey", "bigint", 1500000}, {"l_partkey", "bigint", 200000},
                           {"l_suppkey", "bigint", 10000}, {"l_linenumber", "integer", 7},
                           {"l_quantity", "decimal(12,2)", 50}, {"l_extendedprice", "decimal(12,2)", 933900},
                           {"l_discount", "decimal(12,2)", 11}, {"l_tax", "decimal(12,2)", 9},
                           {"l_returnflag", "varchar(1)", 3}, {"l_linestatus", "varchar(1)", 2},
                           {"l_shipdate", "date", 2526, "1992-01-02", "1998-12-01"},
                           {"l_commitdate", "date", 2466, "1992-01-31", "1998-10-31"},
                           {"l_receiptdate", "date", 2554, "1992-01-04", "1998-12-31"},
                           {"l_shipinstruct", "varchar(25)", 4}, {"l_shipmode", "varchar(10)", 7},
                           {"l_comment", "varchar(44)", 4580667}}},
};

static const fx_table_def *table_def(const char *name)
{
    for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++)
        if (strcmp(tables[i].name, name) == 0)
            return &tables[i];
    return NULL;
}

int fx_width(const char *table)
{
    const fx_table_def *t = table_def(table);
    int n = 0;
    while (n < 16 && t->columns[n].name)
        n++;
    return n;
}

int fx_col(const char *table, const char *column)
{
    const fx_table_def *t = table_def(table);
    for (int i = 0; i < fx_width(table); i++)
        if (strcmp(t->columns[i].name, column) == 0)
            return i;
    return -1;
}

static int32_t parse_date(const char *iso)
{
    int32_t days = 0;
    date_parse(iso, strlen(iso), &days);
    return days;
}

plan_node *fx_scan(const char *name)
{
    const fx_table_def *def = table_def(name);
    int n = fx_width(name);
    table_metadata *t = table_metadata_new("tiny", name, n);
    t->row_count = def->rows;
    plan_node *scan = plan_node_new(PLAN_TABLE_SCAN, n);
    scan->u.scan.catalog = strdup("tpch");
    scan->u.scan.table = t;
    scan->u.scan.columns = malloc(sizeof(int) * (size_t)n);
    for (int i = 0; i < n; i++) {
        sql_type type;
        type_parse(def->columns[i].type, &type);
        table_metadata_set_column(t, i, def->columns[i].name, type);
        t->columns[i].stats.distinct_count = def->columns[i].ndv;
        t->columns[i].stats.null_fraction = 0;
        if (def->columns[i].min) {
            t->columns[i].stats.has_range = true;
            t->columns[i].stats.min = value_date(parse_date(def->columns[i].min));
            t->columns[i].stats.max = value_date(parse_date(def->columns[i].max));
        }
        scan->u.scan.columns[i] = i;
        plan_set_column(scan, i, def->columns[i].name, type);
    }
    scan->estimate.rows = def->rows;
    return scan;
}

expr *fx_column(const plan_node *node, int channel)
{
    return expr_column(channel, node->columns[channel].type);
}

expr *fx_bigint(int64_t v)
{
    return expr_constant(value_bigint(v));
}

expr *fx_date(const char *iso)
{
    return expr_constant(value_date(parse_date(iso)));
}

expr *fx_varchar(const char *s)
{
    value v = value_varchar(s, (uint32_t)strlen(s));
    v.type = type_varchar((int32_t)strlen(s));
    return expr_constant(v);
}

expr *fx_call(const function_entry *f, expr *a, expr *b)
{
    expr *args[2] = {a, b};
    bool comparison = f->name[0] == '$' && strcmp(f->name, "$add") != 0 && strcmp(f->name, "$multiply") != 0 &&
                      strcmp(f->name, "$subtract") != 0;
    return expr_call(f, comparison ? type_make(TYPE_BOOLEAN) : a->type, b ? 2 : (a ? 1 : 0), args);
}

expr *fx_and(int count, ...)
{
    expr *args[32];
    va_list ap;
    va_start(ap, count);
    for (int i = 0; i < count; i++)
        args[i] = va_arg(ap, expr *);
    va_end(ap);
    return expr_special(EXPR_AND, type_make(TYPE_BOOLEAN), count, args);
}

expr *fx_or(expr *a, expr *b)
{
    expr *args[2] = {a, b};
    return expr_special(EXPR_OR, type_make(TYPE_BOOLEAN), 2, args);
}

expr *fx_between(expr *v, expr *low, expr *high)
{
    expr *args[3] = {v, low, high};
    return expr_special(EXPR_BETWEEN, type_make(TYPE_BOOLEAN), 3, args);
}

plan_node *fx_filter(plan_node *input, expr *predicate)
{
    plan_node *f = plan_node_new(PLAN_FILTER, input->column_count);
    plan_copy_columns(f, input);
    f->inputs[0] = input;
    f->u.filter.predicate = predicate;
    return f;
}

plan_node *fx_join(join_type type, plan_node *left, plan_node *right, expr *filter)
{
    plan_node *j = plan_node_new(PLAN_JOIN, left->column_count + right->column_count);
    for (int i = 0; i < left->column_count; i++)
        plan_set_column(j, i, left->columns[i].name, left->columns[i].type);
    for (int i = 0; i < right->column_count; i++)
        plan_set_column(j, left->column_count + i, right->columns[i].name, right->columns[i].type);
    j->inputs[0] = left;
    j->inputs[1] = right;
    j->u.join.type = type;
    j->u.join.filter = filter;
    return j;
}

plan_node *fx_equi_join(join_type type, plan_node *left, plan_node *right, int left_key, int right_key)
{
    plan_node *j = fx_join(type, left, right, NULL);
    j->u.join.key_count = 1;
    j->u.join.left_keys = malloc(sizeof(int));
    j->u.join.right_keys = malloc(sizeof(int));
    j->u.join.left_keys[0] = left_key;
    j->u.join.right_keys[0] = right_key;
    return j;
}

plan_node *fx_project_exprs(plan_node *input, int count, expr **exprs, const char **names)
{
    plan_node *p = plan_node_new(PLAN_PROJECT, count);
    p->inputs[0] = input;
    p->u.project.exprs = calloc((size_t)count, sizeof(expr *));
    for (int i = 0; i < count; i++) {
        p->u.project.exprs[i] = exprs[i];
        const char *name = names && names[i] ? names[i]
                           : exprs[i]->kind == EXPR_COLUMN ? input->columns[exprs[i]->column].name
                                                            : "expr";
        plan_set_column(p, i, name, exprs[i]->type);
    }
    return p;
}

plan_node *fx_project(plan_node *input, int count, ...)
{
    expr *exprs[64];
    va_list ap;
    va_start(ap, count);
    for (int i = 0; i < count; i++)
        exprs[i] = fx_column(input, va_arg(ap, int));
    va_end(ap);
    return fx_project_exprs(input, count, exprs, NULL);
}

plan_node *fx_aggregate(plan_node *input, int key_count, const int *keys, int agg_count,
                        const function_entry *const *functions, const int *args)
{
    plan_node *a = plan_node_new(PLAN_AGGREGATE, key_count + agg_count);
    a->inputs[0] = input;
    a->u.aggregate.step = AGGREGATION_SINGLE;
    a->u.aggregate.key_count = key_count;
    a->u.aggregate.keys = malloc(sizeof(int) * (size_t)(key_count ? key_count : 1));
    for (int k = 0; k < key_count; k++) {
        a->u.aggregate.keys[k] = keys[k];
        plan_set_column(a, k, input->columns[keys[k]].name, input->columns[keys[k]].type);
    }
    a->u.aggregate.aggregate_count = agg_count;
    a->u.aggregate.aggregates = calloc((size_t)(agg_count ? agg_count : 1), sizeof(plan_aggregate));
    for (int i = 0; i < agg_count; i++) {
        plan_aggregate *agg = &a->u.aggregate.aggregates[i];
        agg->function.function = functions[i];
        bool count = functions[i] == &FX_COUNT;
        sql_type result = count ? type_make(TYPE_BIGINT) : type_decimal(38, 2);
        agg->function.return_type = result;
        agg->function.intermediate_type = count ? type_make(TYPE_BIGINT) : type_make(TYPE_VARBINARY);
        agg->arg_count = args[i] >= 0 ? 1 : 0;
        agg->args[0] = args[i];
        agg->filter_channel = -1;
        plan_set_column(a, key_count + i, functions[i]->name, result);
    }
    return a;
}

plan_node *fx_sort(plan_node *input, int channel, bool descending)
{
    plan_node *s = plan_node_new(PLAN_SORT, input->column_count);
    plan_copy_columns(s, input);
    s->inputs[0] = input;
    s->u.sort.key_count = 1;
    s->u.sort.keys = malloc(sizeof(sort_key));
    s->u.sort.keys[0] = (sort_key){channel, descending, false};
    return s;
}

plan_node *fx_limit(plan_node *input, int64_t count)
{
    plan_node *l = plan_node_new(PLAN_LIMIT, input->column_count);
    plan_copy_columns(l, input);
    l->inputs[0] = input;
    l->u.limit.count = count;
    return l;
}

plan_node *fx_output(plan_node *input)
{
    plan_node *o = plan_node_new(PLAN_OUTPUT, input->column_count);
    plan_copy_columns(o, input);
    o->inputs[0] = input;
    return o;
}

plan_node *fx_semi_join(plan_node *source, plan_node *filtering, int source_key, int filtering_key)
{
    plan_node *s = plan_node_new(PLAN_SEMI_JOIN, source->column_count + 1);
    for (int i = 0; i < source->column_count; i++)
        plan_set_column(s, i, source->columns[i].name, source->columns[i].type);
    plan_set_column(s, source->column_count, "match", type_make(TYPE_BOOLEAN));
    s->inputs[0] = source;
    s->inputs[1] = filtering;
    s->u.semi.key_count = 1;
    s->u.semi.source_keys = malloc(sizeof(int));
    s->u.semi.filtering_keys = malloc(sizeof(int));
    s->u.semi.source_keys[0] = source_key;
    s->u.semi.filtering_keys[0] = filtering_key;
    return s;
}

plan_node *fx_comma_join(int count, const char *const *names)
{
    plan_node *current = fx_scan(names[0]);
    for (int i = 1; i < count; i++)
        current = fx_join(JOIN_CROSS, current, fx_scan(names[i]), NULL);
    return current;
}

int fx_channel(int count, const char *const *names, int index, const char *column)
{
    int offset = 0;
    for (int i = 0; i < index && i < count; i++)
        offset += fx_width(names[i]);
    return offset + fx_col(names[index], column);
}

static void count_kind(const plan_node *node, plan_kind kind, int *n)
{
    if (!node)
        return;
    if (node->kind == kind)
        (*n)++;
    count_kind(node->inputs[0], kind, n);
    count_kind(node->inputs[1], kind, n);
    for (int i = 0; i < node->source_count; i++)
        count_kind(node->sources[i], kind, n);
}

int fx_count(const plan_node *root, plan_kind kind)
{
    int n = 0;
    count_kind(root, kind, &n);
    return n;
}

static void count_join_type(const plan_node *node, join_type type, int *n)
{
    if (!node)
        return;
    if (node->kind == PLAN_JOIN && node->u.join.type == type)
        (*n)++;
    count_join_type(node->inputs[0], type, n);
    count_join_type(node->inputs[1], type, n);
    for (int i = 0; i < node->source_count; i++)
        count_join_type(node->sources[i], type, n);
}

int fx_count_joins(const plan_node *root, join_type type)
{
    int n = 0;
    count_join_type(root, type, &n);
    return n;
}

const plan_node *fx_find(const plan_node *node, plan_kind kind)
{
    if (!node)
        return NULL;
    if (node->kind == kind)
        return node;
    const plan_node *found = fx_find(node->inputs[0], kind);
    if (!found)
        found = fx_find(node->inputs[1], kind);
    for (int i = 0; !found && i < node->source_count; i++)
        found = fx_find(node->sources[i], kind);
    return found;
}

const plan_node *fx_find_scan(const plan_node *node, const char *table)
{
    if (!node)
        return NULL;
    if (node->kind == PLAN_TABLE_SCAN && strcmp(node->u.scan.table->name, table) == 0)
        return node;
    const plan_node *found = fx_find_scan(node->inputs[0], table);
    if (!found)
        found = fx_find_scan(node->inputs[1], table);
    for (int i = 0; !found && i < node->source_count; i++)
        found = fx_find_scan(node->sources[i], table);
    return found;
}

const plan_node *fx_leftmost_scan(const plan_node *node)
{
    while (node && node->kind != PLAN_TABLE_SCAN)
        node = node->inputs[0];
    return node;
}
