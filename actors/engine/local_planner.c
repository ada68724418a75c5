/*
 * local_planner.c — plan nodes to pipelines. Each visit returns the
 * pipeline whose last factory produces the node's output; a node either
 * appends its operator to its input's pipeline (filter, project, partial
 * steps) or starts a new one (scans, values, join build sides).
 */
#include "local_planner.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "actors/engine/split_scan.h"
#include "connectors/information_schema/information_schema.h"
#include "operators/aggregate_function.h"
#include "operators/expression_program.h"
#include "operators/op_enforce_single_row.h"
#include "operators/op_filter_project.h"
#include "operators/op_group_id.h"
#include "operators/op_hash_aggregation.h"
#include "operators/op_hash_build.h"
#include "operators/op_limit.h"
#include "operators/op_lookup_join.h"
#include "operators/op_mark_distinct.h"
#include "operators/op_nested_loop_join.h"
#include "operators/op_order_by.h"
#include "operators/op_set_operation.h"
#include "operators/op_table_writer.h"
#include "operators/op_top_n.h"
#include "operators/op_unnest.h"
#include "operators/op_values.h"
#include "operators/op_window.h"
#include "operators/local_exchange.h"

typedef struct cleanup {
    void (*fn)(void *);
    void *arg;
} cleanup;

struct local_plan {
    pipeline_spec **pipelines;
    int pipeline_count;
    int pipeline_capacity;
    cleanup *cleanups;
    int cleanup_count;
    int cleanup_capacity;
    _Atomic uint64_t rows_written;
    output_buffer *output;     /* made here: its producers are the root drivers */
};

/* A join key's dynamic filter (plan id) and the bridge that publishes it. */
typedef struct planned_filter {
    int id;
    join_bridge *bridge;      /* the plan's cleanup holds a reference */
    int key;
} planned_filter;

typedef struct planner {
    const local_planner_context *context;
    local_plan *plan;
    shoal_error *error;
    planned_filter *filters;  /* joins visited so far (their probe sides follow) */
    int filter_count;
} planner;

/* ---- bookkeeping --------------------------------------------------------------- */

static bool add_cleanup(planner *p, void (*fn)(void *), void *arg)
{
    local_plan *lp = p->plan;
    if (lp->cleanup_count == lp->cleanup_capacity) {
        int capacity = lp->cleanup_capacity ? lp->cleanup_capacity * 2 : 16;
        cleanup *grown = realloc(lp->cleanups, sizeof *grown * (size_t)capacity);
        if (!grown) {
            fn(arg);
            return error_set(p->error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
        }
        lp->cleanups = grown;
        lp->cleanup_capacity = capacity;
    }
    lp->cleanups[lp->cleanup_count].fn = fn;
    lp->cleanups[lp->cleanup_count].arg = arg;
    lp->cleanup_count++;
    return true;
}

static pipeline_spec *new_pipeline(planner *p, int driver_count)
{
    local_plan *lp = p->plan;
    if (lp->pipeline_count == lp->pipeline_capacity) {
        int capacity = lp->pipeline_capacity ? lp->pipeline_capacity * 2 : 8;
        pipeline_spec **grown = realloc(lp->pipelines, sizeof *grown * (size_t)capacity);
        if (!grown)
            return NULL;
        lp->pipelines = grown;
        lp->pipeline_capacity = capacity;
    }
    pipeline_spec *spec = calloc(1, sizeof *spec);
    if (!spec)
        return NULL;
    spec->driver_count = driver_count;
    lp->pipelines[lp->pipeline_count++] = spec;
    return spec;
}

static bool append_factory(planner *p, pipeline_spec *spec, operator_factory *f)
{
    if (!f)
        return error_set(p->error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
    if (spec->factory_count == spec->factory_capacity) {
        int capacity = spec->factory_capacity ? spec->factory_capacity * 2 : 8;
        operator_factory **grown = realloc(spec->factories, sizeof *grown * (size_t)capacity);
        if (!grown) {
            f->destroy(f);
            return error_set(p->error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
        }
        spec->factories = grown;
        spec->factory_capacity = capacity;
    }
    spec->factories[spec->factory_count++] = f;
    return true;
}

static void free_factory(operator_factory *f)
{
    free(f);
}

/* ---- factories --------------------------------------------------------------------- */

typedef struct scan_factory {
    operator_factory base;
    split_queue *queue;
    scan_filter_binding *filters;  /* bridges borrowed from the plan's cleanups */
    int filter_count;
} scan_factory;

static operator *create_scan(operator_factory *f, shoal_error *error)
{
    scan_factory *sf = (scan_factory *)f;
    scan_dynamic_filters *filters = NULL;
    if (sf->filter_count > 0 && !(filters = scan_dynamic_filters_create(sf->filters, sf->filter_count))) {
        error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
        return NULL;
    }
    operator *op = split_scan_create(f->plan_node_id, sf->queue, filters);
    if (!op)
        error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
    return op;
}

static void destroy_scan_factory(operator_factory *f)
{
    free(((scan_factory *)f)->filters);
    free(f);
}

/* The dynamic filters of a scan whose joins are in this plan. */
static bool bind_scan_filters(planner *p, const plan_node *node, scan_factory *f)
{
    int count = node->u.scan.dynamic_filter_count;
    if (count == 0)
        return true;
    f->filters = calloc((size_t)count, sizeof *f->filters);
    if (!f->filters)
        return error_set(p->error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
    for (int i = 0; i < count; i++) {
        const plan_dynamic_filter *df = &node->u.scan.dynamic_filters[i];
        for (int j = 0; j < p->filter_count; j++) {
            if (p->filters[j].id != df->id)
                continue;
            f->filters[f->filter_count++] = (scan_filter_binding){
                .bridge = p->filters[j].bridge, .key = p->filters[j].key, .channel = df->column,
                .table_column = node->u.scan.columns ? node->u.scan.columns[df->column] : df->column};
            break;
        }
    }
    return true;
}

static void unref_bridge(void *bridge)
{
    join_bridge_unref(bridge);
}

/* Makes a join's dynamic filters findable by the scans of its probe side. */
static bool register_filters(planner *p, const plan_node *node, join_bridge *bridge)
{
    bool semi = node->kind == PLAN_SEMI_JOIN;
    const int *ids = semi ? node->u.semi.dynamic_filter_ids : node->u.join.dynamic_filter_ids;
    if (!ids)
        return true;
    if (!add_cleanup(p, unref_bridge, join_bridge_ref(bridge)))
        return false;
    int keys = semi ? node->u.semi.key_count : node->u.join.key_count;
    planned_filter *grown = realloc(p->filters, sizeof *grown * (size_t)(p->filter_count + keys));
    if (!grown)
        return error_set(p->error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
    p->filters = grown;
    for (int k = 0; k < keys; k++)
        if (ids[k] >= 0)
            p->filters[p->filter_count++] = (planned_filter){.id = ids[k], .bridge = bridge, .key = k};
    return true;
}

typedef struct filter_project_factory {
    operator_factory base;
    const expr *filter;
    const expr *const *projections;
    int projection_count;
    expr **identity;          /* owned: column references for a bare filter */
} filter_project_factory;

static operator *create_filter_project(operator_factory *f, shoal_error *error)
{
    filter_project_factory *fp = (filter_project_factory *)f;
    return filter_project_create(f->plan_node_id, fp->filter, fp->projection_count, fp->projections, error);
}

static void destroy_filter_project(operator_factory *f)
{
    filter_project_factory *fp = (filter_project_factory *)f;
    if (fp->identity) {
        for (int i = 0; i < fp->projection_count; i++)
            expr_free(fp->identity[i]);
        free(fp->identity);
    }
    free(fp);
}

typedef struct aggregation_factory {
    operator_factory base;
    hash_aggregation_config config;
    int *key_channels;
    sql_type *key_types;
    aggregate_spec *aggregates;
    int global_group_id_count;
    int64_t global_group_ids[64];
} aggregation_factory;

static operator *create_aggregation(operator_factory *f, shoal_error *error)
{
    return hash_aggregation_create(f->plan_node_id, &((aggregation_factory *)f)->config, error);
}

static void destroy_aggregation(operator_factory *f)
{
    aggregation_factory *a = (aggregation_factory *)f;
    free(a->key_channels);
    free(a->key_types);
    free(a->aggregates);
    free(a);
}

typedef struct mark_distinct_factory {
    operator_factory base;
    int key_count;
    int *key_channels;
    sql_type *key_types;
} mark_distinct_factory;

static operator *create_mark_distinct(operator_factory *f, shoal_error *error)
{
    mark_distinct_factory *m = (mark_distinct_factory *)f;
    return mark_distinct_create(f->plan_node_id, m->key_count, m->key_channels, m->key_types, error);
}

static void destroy_mark_distinct(operator_factory *f)
{
    mark_distinct_factory *m = (mark_distinct_factory *)f;
    free(m->key_channels);
    free(m->key_types);
    free(m);
}

/* DISTINCT aggregate: a column marking the first row of each (group keys,
 * arguments) combination, which becomes the aggregate's mask. Returns the
 * mark's channel. */
static int append_mark_distinct(planner *p, pipeline_spec *spec, const plan_node *node,
                                const plan_aggregate *a, int input_columns)
{
    const plan_node *input = node->inputs[0];
    mark_distinct_factory *m = calloc(1, sizeof *m);
    int keys = node->u.aggregate.key_count;
    m->base.plan_node_id = node->id;
    m->base.create = create_mark_distinct;
    m->base.destroy = destroy_mark_distinct;
    m->key_count = keys + a->arg_count;
    m->key_channels = malloc(sizeof(int) * (size_t)m->key_count);
    m->key_types = malloc(sizeof(sql_type) * (size_t)m->key_count);
    for (int i = 0; i < m->key_count; i++) {
        int channel = i < keys ? node->u.aggregate.keys[i] : a->args[i - keys];
        m->key_channels[i] = channel;
        m->key_types[i] = channel < input->column_count ? input->columns[channel].type : type_make(TYPE_BOOLEAN);
    }
    return append_factory(p, spec, &m->base) ? input_columns : -1;
}

typedef struct bridge_factory {
    operator_factory base;
    join_bridge *bridge;
    lookup_join_config lookup;
    nested_loop_join_config nested;
    bool nested_loop;
    bool build;               /* the build side's sink */
    sql_type *probe_types;
    int *probe_outputs;
    int *build_outputs;
} bridge_factory;

static operator *create_bridge_operator(operator_factory *f, shoal_error *error)
{
    bridge_factory *b = (bridge_factory *)f;
    if (b->build) {
        operator *op = hash_build_create(f->plan_node_id, b->bridge);
        if (!op)
            error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
        return op;
    }
    if (b->nested_loop)
        return nested_loop_join_create(f->plan_node_id, b->bridge, &b->nested, error);
    return lookup_join_create(f->plan_node_id, b->bridge, &b->lookup, error);
}

static void destroy_bridge_factory(operator_factory *f)
{
    bridge_factory *b = (bridge_factory *)f;
    join_bridge_unref(b->bridge);
    free(b->probe_types);
    free(b->probe_outputs);
    free(b->build_outputs);
    free(b);
}

typedef struct simple_factory {
    operator_factory base;
    int kind;
    int64_t count, offset;
    int column_count;
    sql_type *types;
    int key_count;
    sort_key *keys;
    int *outputs;
    page **pages;
    int page_count;
    output_buffer *output;
    page_sink *sink;
    _Atomic uint64_t *rows_written;
} simple_factory;

enum { SIMPLE_LIMIT, SIMPLE_SINGLE_ROW, SIMPLE_VALUES, SIMPLE_OUTPUT, SIMPLE_WRITER, SIMPLE_SORT, SIMPLE_TOP_N };

static operator *create_simple(operator_factory *f, shoal_error *error)
{
    simple_factory *s = (simple_factory *)f;
    operator *op = NULL;
    switch (s->kind) {
    case SIMPLE_LIMIT: op = limit_create(f->plan_node_id, s->count, s->offset); break;
    case SIMPLE_SINGLE_ROW: op = enforce_single_row_create(f->plan_node_id, s->column_count, s->types); break;
    case SIMPLE_VALUES: op = values_create(f->plan_node_id, s->pages, s->page_count); break;
    case SIMPLE_OUTPUT: op = output_sink_create(f->plan_node_id, s->output); break;
    case SIMPLE_WRITER: op = table_writer_create(f->plan_node_id, s->sink, s->rows_written); break;
    case SIMPLE_SORT:
        return order_by_create(f->plan_node_id, s->column_count, s->types, s->key_count, s->keys,
                               s->column_count, s->outputs, error);
    case SIMPLE_TOP_N:
        return top_n_create(f->plan_node_id, s->column_count, s->types, s->key_count, s->keys,
                            (uint64_t)s->count, s->column_count, s->outputs, error);
    }
    if (!op)
        error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
    return op;
}

static void destroy_simple(operator_factory *f)
{
    simple_factory *s = (simple_factory *)f;
    for (int i = 0; i < s->page_count; i++)
        page_unref(s->pages[i]);
    free(s->pages);
    free(s->types);
    free(s->keys);
    free(s->outputs);
    free(s);
}

static simple_factory *simple_new(int kind, int plan_node_id)
{
    simple_factory *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->base.plan_node_id = plan_node_id;
    s->base.create = create_simple;
    s->base.destroy = destroy_simple;
    s->kind = kind;
    return s;
}

static sql_type *column_types(const plan_node *node)
{
    sql_type *types = malloc(sizeof(sql_type) * (size_t)(node->column_count ? node->column_count : 1));
    for (int i = 0; types && i < node->column_count; i++)
        types[i] = node->columns[i].type;
    return types;
}

typedef struct exchange_factory {
    operator_factory base;
    local_exchange *exchange;
    bool sink;
    int next_consumer;        /* sources: each driver reads its own partition */
} exchange_factory;

static operator *create_exchange_operator(operator_factory *f, shoal_error *error)
{
    exchange_factory *x = (exchange_factory *)f;
    operator *op = x->sink ? local_exchange_sink_create(f->plan_node_id, x->exchange)
                           : local_exchange_source_create(f->plan_node_id, x->exchange, x->next_consumer++);
    if (!op)
        error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
    return op;
}

static void destroy_exchange_factory(operator_factory *f)
{
    exchange_factory *x = (exchange_factory *)f;
    local_exchange_unref(x->exchange);
    free(x);
}

static exchange_factory *exchange_factory_new(int plan_node_id, local_exchange *x, bool sink)
{
    exchange_factory *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->base.plan_node_id = plan_node_id;
    f->base.create = create_exchange_operator;
    f->base.destroy = destroy_exchange_factory;
    f->exchange = local_exchange_ref(x);
    f->sink = sink;
    return f;
}

/* Ends `inputs` in sinks of one local exchange and starts a pipeline of
 * `consumers` drivers reading it. REPARTITION sends each row to the driver
 * that owns its keys' hash. */
static pipeline_spec *exchange_into(planner *p, pipeline_spec *const *inputs, int input_count,
                                    int plan_node_id, local_exchange_mode mode, int key_count,
                                    const int *keys, int consumers)
{
    int producers = 0;
    for (int i = 0; i < input_count; i++)
        producers += inputs[i]->driver_count;
    local_exchange_config config = {
        .mode = mode,
        .producer_count = producers,
        .consumer_count = consumers,
        .key_count = key_count,
        .key_channels = keys,
        .max_buffered_bytes = p->context->exchange_buffer_bytes,
    };
    local_exchange *x = local_exchange_create(&config, p->error);
    if (!x)
        return NULL;
    bool ok = true;
    for (int i = 0; ok && i < input_count; i++)
        ok = append_factory(p, inputs[i], &exchange_factory_new(plan_node_id, x, true)->base);
    pipeline_spec *spec = ok ? new_pipeline(p, consumers) : NULL;
    ok = spec && append_factory(p, spec, &exchange_factory_new(plan_node_id, x, false)->base);
    local_exchange_unref(x);
    return ok ? spec : NULL;
}

/* The pipeline continues on one driver. */
static pipeline_spec *gather(planner *p, pipeline_spec *spec, int plan_node_id)
{
    if (spec->driver_count == 1)
        return spec;
    return exchange_into(p, &spec, 1, plan_node_id, LOCAL_EXCHANGE_GATHER, 0, NULL, 1);
}

/* ---- visiting the plan ----------------------------------------------------------------- */

static pipeline_spec *visit(planner *p, const plan_node *node);

static void release_catalog(void *c)
{
    catalog_release(c);
}

static void free_split_queue(void *q)
{
    split_queue_free(q);
}

static void free_scan_request(void *r)
{
    free(r);
}

static pipeline_spec *visit_scan(planner *p, const plan_node *node)
{
    catalog *c = catalog_acquire(p->context->catalogs, node->u.scan.catalog, p->error);
    if (!c || !add_cleanup(p, release_catalog, c))
        return NULL;
    /* every catalog has information_schema: the wrapper answers it and passes
     * the rest to the catalog's connector (connectors/information_schema) */
    connector *conn = information_schema_wrap(catalog_name(c), catalog_connector(c), p->error);
    if (!conn || !add_cleanup(p, information_schema_wrap_free, conn))
        return NULL;
    scan_request *request = calloc(1, sizeof *request);
    if (!request || !add_cleanup(p, free_scan_request, request))
        return NULL;
    request->columns = node->u.scan.columns;
    request->column_count = node->column_count;
    request->ranges = node->u.scan.ranges;
    request->range_count = node->u.scan.range_count;
    request->limit = node->u.scan.limit;
    const local_planner_task_hooks *task = p->context->task;
    split_queue *queue;
    int drivers = p->context->threads;
    if (task && task->scan_queue) {
        /* a worker's task: the coordinator sends the splits */
        queue = split_queue_create_open(conn, node->u.scan.table, request);
        if (!queue || !add_cleanup(p, free_split_queue, queue) ||
            !task->scan_queue(task->context, node->id, queue, p->error))
            return NULL;
    } else {
        split_list splits = {0};
        if (!conn->ops->get_splits(conn, node->u.scan.table, request, p->context->threads * 4, &splits, p->error)) {
            split_list_free(&splits);
            return NULL;
        }
        int split_count = splits.count;
        queue = split_queue_create(conn, node->u.scan.table, request, &splits);
        if (!queue || !add_cleanup(p, free_split_queue, queue))
            return NULL;
        drivers = split_count < drivers ? (split_count > 0 ? split_count : 1) : drivers;
    }
    pipeline_spec *spec = new_pipeline(p, drivers);
    scan_factory *f = calloc(1, sizeof *f);
    if (!spec || !f)
        return free(f), NULL;
    f->base.plan_node_id = node->id;
    f->base.create = create_scan;
    f->base.destroy = destroy_scan_factory;
    f->queue = queue;
    if (!bind_scan_filters(p, node, f)) {
        destroy_scan_factory(&f->base);
        return NULL;
    }
    return append_factory(p, spec, &f->base) ? spec : NULL;
}

/* VALUES: every cell is a constant expression; evaluate them once here. */
static pipeline_spec *visit_values(planner *p, const plan_node *node)
{
    sql_type *types = column_types(node);
    page *result = page_new(node->column_count, types, (uint32_t)(node->u.values.row_count ? node->u.values.row_count : 1));
    free(types);
    if (!result) {
        error_set(p->error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
        return NULL;
    }
    page *one_row = page_new_empty(0);
    one_row->row_count = 1;
    bool ok = true;
    for (int r = 0; ok && r < node->u.values.row_count; r++) {
        for (int c = 0; ok && c < node->column_count; c++) {
            const expr *cell = node->u.values.cells[r * node->column_count + c];
            expr_program *program = expr_program_compile(cell, p->error);
            vector out;
            ok = program && expr_program_evaluate(program, one_row, NULL, 1, &out, p->error);
            if (ok) {
                physical_type physical = type_physical(result->columns[c].type);
                if (physical == PHYSICAL_LIST || physical == PHYSICAL_STRUCT) {
                    ok = vector_copy_row(&result->columns[c], (uint32_t)r, &out, 0);
                } else {
                    value v = value_load(&out, 0);
                    ok = value_store(&v, &result->columns[c], (uint32_t)r);
                }
                if (!ok && !error_is_set(p->error))
                    error_set(p->error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
                vector_destroy(&out);
            }
            expr_program_free(program);
        }
    }
    page_unref(one_row);
    result->row_count = (uint32_t)node->u.values.row_count;
    simple_factory *f = simple_new(SIMPLE_VALUES, node->id);
    pipeline_spec *spec = ok ? new_pipeline(p, 1) : NULL;
    if (!ok || !f || !spec) {
        page_unref(result);
        if (f)
            destroy_simple(&f->base);
        return NULL;
    }
    f->pages = malloc(sizeof(page *));
    f->pages[0] = result;
    f->page_count = 1;
    return append_factory(p, spec, &f->base) ? spec : NULL;
}

/* projections NULL: keep every column of `input` (a bare filter). */
static bool append_filter_project(planner *p, pipeline_spec *spec, int id, const expr *filter,
                                  const expr *const *projections, int count, const plan_node *input)
{
    filter_project_factory *f = calloc(1, sizeof *f);
    if (!f)
        return error_set(p->error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
    f->base.plan_node_id = id;
    f->base.create = create_filter_project;
    f->base.destroy = destroy_filter_project;
    f->filter = filter;
    f->projections = projections;
    f->projection_count = count;
    if (!projections) {
        f->projection_count = input->column_count;
        f->identity = calloc((size_t)input->column_count + 1, sizeof(expr *));
        for (int i = 0; f->identity && i < input->column_count; i++)
            f->identity[i] = expr_column(i, input->columns[i].type);
        f->projections = (const expr *const *)f->identity;
    }
    return append_factory(p, spec, &f->base);
}

static pipeline_spec *visit_filter(planner *p, const plan_node *node)
{
    const plan_node *input = node->inputs[0];
    /* FILTER under a PROJECT is fused by visit_project; a bare filter keeps every column */
    pipeline_spec *spec = visit(p, input);
    if (!spec)
        return NULL;
    return append_filter_project(p, spec, node->id, node->u.filter.predicate, NULL, 0, input) ? spec : NULL;
}

static pipeline_spec *visit_project(planner *p, const plan_node *node)
{
    const plan_node *input = node->inputs[0];
    const expr *filter = NULL;
    if (input->kind == PLAN_FILTER) {
        filter = input->u.filter.predicate;
        input = input->inputs[0];
    }
    pipeline_spec *spec = visit(p, input);
    if (!spec)
        return NULL;
    return append_filter_project(p, spec, node->id, filter, (const expr *const *)node->u.project.exprs,
                                 node->column_count, input) ? spec : NULL;
}

/* Before a FINAL (or SINGLE) step running on several drivers, every row of
 * a group must reach the same driver: repartition on the group keys, or
 * gather a global aggregation. */
static pipeline_spec *route_groups(planner *p, pipeline_spec *spec, const plan_node *node)
{
    if (spec->driver_count == 1)
        return spec;
    if (node->u.aggregate.key_count == 0)
        return gather(p, spec, node->id);
    return exchange_into(p, &spec, 1, node->id, LOCAL_EXCHANGE_REPARTITION, node->u.aggregate.key_count,
                         node->u.aggregate.keys, p->context->threads);
}

static pipeline_spec *visit_aggregate(planner *p, const plan_node *node)
{
    pipeline_spec *spec = visit(p, node->inputs[0]);
    if (!spec)
        return NULL;
    if (node->u.aggregate.step != AGGREGATION_PARTIAL)
        spec = route_groups(p, spec, node);
    if (!spec)
        return NULL;
    const plan_node *input = node->inputs[0];
    aggregation_factory *f = calloc(1, sizeof *f);
    int keys = node->u.aggregate.key_count, aggregates = node->u.aggregate.aggregate_count;
    int input_columns = input->column_count;
    f->base.plan_node_id = node->id;
    f->base.create = create_aggregation;
    f->base.destroy = destroy_aggregation;
    f->key_channels = malloc(sizeof(int) * (size_t)(keys + 1));
    f->key_types = malloc(sizeof(sql_type) * (size_t)(keys + 1));
    f->aggregates = calloc((size_t)aggregates + 1, sizeof(aggregate_spec));
    for (int i = 0; i < keys; i++) {
        f->key_channels[i] = node->u.aggregate.keys[i];
        f->key_types[i] = input->columns[node->u.aggregate.keys[i]].type;
    }
    for (int i = 0; i < aggregates; i++) {
        const plan_aggregate *a = &node->u.aggregate.aggregates[i];
        f->aggregates[i].function = aggregate_function_for(&a->function, p->error);
        if (!f->aggregates[i].function) {
            destroy_aggregation(&f->base);
            return NULL;
        }
        f->aggregates[i].arg_count = a->arg_count;
        memcpy(f->aggregates[i].arg_channels, a->args, sizeof(int) * (size_t)a->arg_count);
        f->aggregates[i].mask_channel = a->filter_channel;
        if (a->distinct) {
            if (a->filter_channel >= 0 || node->u.aggregate.step != AGGREGATION_SINGLE) {
                destroy_aggregation(&f->base);
                error_set(p->error, ERR_NOT_SUPPORTED, "DISTINCT aggregates with FILTER are not supported yet");
                return NULL;
            }
            f->aggregates[i].mask_channel = append_mark_distinct(p, spec, node, a, input_columns++);
            if (f->aggregates[i].mask_channel < 0) {
                destroy_aggregation(&f->base);
                return NULL;
            }
        }
    }
    f->config.step = node->u.aggregate.step;
    f->config.key_count = keys;
    f->config.key_channels = f->key_channels;
    f->config.key_types = f->key_types;
    f->config.aggregate_count = aggregates;
    f->config.aggregates = f->aggregates;
    /* sized from the optimiser's estimate, so the table does not grow by
     * rehashing (capped: an overestimate must not reserve gigabytes) */
    double groups = node->estimate.rows;
    if (keys > 0 && groups == groups && groups > 0)
        f->config.expected_groups = groups < (double)(1 << 22) ? (uint64_t)groups : (uint64_t)1 << 22;
    f->config.group_id_key = node->u.aggregate.group_id_channel;
    if (node->u.aggregate.group_id_channel >= 0 && node->u.aggregate.step != AGGREGATION_PARTIAL) {
        /* global grouping sets (no columns) give their row even on empty input */
        const plan_node *below = node->inputs[0];
        while (below && below->kind != PLAN_GROUP_ID)
            below = below->inputs[0];
        for (int s = 0; below && s < below->u.group_id.set_count; s++)
            if (below->u.group_id.set_masks[s] == 0)
                f->global_group_ids[f->global_group_id_count++] = s;
        f->config.global_group_id_count = f->global_group_id_count;
        f->config.global_group_ids = f->global_group_ids;
    }
    return append_factory(p, spec, &f->base) ? spec : NULL;
}

static op_join_type op_join_type_of(join_type t)
{
    switch (t) {
    case JOIN_LEFT: return OP_JOIN_LEFT;
    case JOIN_RIGHT: return OP_JOIN_RIGHT;
    case JOIN_FULL: return OP_JOIN_FULL;
    default: return OP_JOIN_INNER;
    }
}

static int *identity_channels(int count)
{
    int *channels = malloc(sizeof(int) * (size_t)(count ? count : 1));
    for (int i = 0; channels && i < count; i++)
        channels[i] = i;
    return channels;
}

/* Both joins and semi joins: build the right input into a bridge; probe with the left. */
static pipeline_spec *visit_join(planner *p, const plan_node *node)
{
    const plan_node *probe = node->inputs[0], *build = node->inputs[1];
    bool semi = node->kind == PLAN_SEMI_JOIN;
    int key_count = semi ? node->u.semi.key_count : node->u.join.key_count;
    const int *probe_keys = semi ? node->u.semi.source_keys : node->u.join.left_keys;
    const int *build_keys = semi ? node->u.semi.filtering_keys : node->u.join.right_keys;
    const expr *filter = semi ? node->u.semi.filter : node->u.join.filter;
    bool nested_loop = key_count == 0;
    if (nested_loop && semi) {
        error_set(p->error, ERR_NOT_SUPPORTED, "Semi joins without equality keys are not supported yet");
        return NULL;
    }
    pipeline_spec *build_spec = visit(p, build);
    if (!build_spec)
        return NULL;
    sql_type *build_types = column_types(build);
    join_bridge_config config = {
        .build_column_count = build->column_count,
        .build_types = build_types,
        .key_count = key_count,
        .build_key_channels = build_keys,
        .build_driver_count = build_spec->driver_count,
        .probe_driver_count = 1, /* set once the probe side is planned */
        .track_matches = !semi && (node->u.join.type == JOIN_RIGHT || node->u.join.type == JOIN_FULL),
    };
    join_bridge *bridge = join_bridge_create(&config, p->error);
    free(build_types);
    if (!bridge)
        return NULL;
    pipeline_spec *probe_spec = NULL;
    if (!register_filters(p, node, bridge) || !(probe_spec = visit(p, probe))) {
        join_bridge_unref(bridge);
        return NULL;
    }
    join_bridge_set_probe_drivers(bridge, probe_spec->driver_count);
    bridge_factory *sink = calloc(1, sizeof *sink);
    bridge_factory *join = calloc(1, sizeof *join);
    sink->base.plan_node_id = join->base.plan_node_id = node->id;
    sink->base.create = join->base.create = create_bridge_operator;
    sink->base.destroy = join->base.destroy = destroy_bridge_factory;
    sink->build = true;
    sink->bridge = join_bridge_ref(bridge);
    join->bridge = bridge;
    join->nested_loop = nested_loop;
    join->probe_types = column_types(probe);
    join->probe_outputs = identity_channels(probe->column_count);
    join->build_outputs = identity_channels(build->column_count);
    if (nested_loop) {
        join->nested = (nested_loop_join_config){
            .type = op_join_type_of(node->u.join.type),
            .probe_column_count = probe->column_count,
            .probe_types = join->probe_types,
            .probe_output_count = probe->column_count,
            .probe_output_channels = join->probe_outputs,
            .build_output_count = build->column_count,
            .build_output_channels = join->build_outputs,
            .filter = filter,
        };
    } else {
        join->lookup = (lookup_join_config){
            .type = semi ? OP_JOIN_SEMI : op_join_type_of(node->u.join.type),
            .probe_column_count = probe->column_count,
            .probe_types = join->probe_types,
            .key_count = key_count,
            .probe_key_channels = probe_keys,
            .probe_output_count = probe->column_count,
            .probe_output_channels = join->probe_outputs,
            .build_output_count = semi ? 0 : build->column_count,
            .build_output_channels = join->build_outputs,
            .residual_filter = filter,
            .emit_match_flag = semi,
            .null_aware = semi && node->u.semi.null_aware,
        };
    }
    if (!append_factory(p, build_spec, &sink->base) || !append_factory(p, probe_spec, &join->base))
        return NULL;
    return probe_spec;
}

static simple_factory *sort_factory(const plan_node *node, int kind)
{
    simple_factory *f = simple_new(kind, node->id);
    if (!f)
        return NULL;
    f->column_count = node->column_count;
    f->types = column_types(node);
    f->key_count = node->u.sort.key_count;
    f->keys = malloc(sizeof(sort_key) * (size_t)(f->key_count ? f->key_count : 1));
    memcpy(f->keys, node->u.sort.keys, sizeof(sort_key) * (size_t)f->key_count);
    f->count = node->u.sort.count;
    f->outputs = identity_channels(node->column_count);
    return f;
}

/* ORDER BY gathers to one driver and sorts; TOP N keeps the best N on each
 * driver first, then once more after gathering. */
static pipeline_spec *visit_sort(planner *p, const plan_node *node, int kind)
{
    pipeline_spec *spec = visit(p, node->inputs[0]);
    if (!spec)
        return NULL;
    if (kind == SIMPLE_TOP_N && spec->driver_count > 1 &&
        !append_factory(p, spec, &sort_factory(node, kind)->base))
        return NULL;
    spec = gather(p, spec, node->id);
    if (!spec)
        return NULL;
    return append_factory(p, spec, &sort_factory(node, kind)->base) ? spec : NULL;
}

/* LIMIT: each driver stops after count+offset rows, then one driver applies
 * the limit and offset exactly. EnforceSingleRow sees every row on one driver. */
static pipeline_spec *visit_simple(planner *p, const plan_node *node, int kind)
{
    pipeline_spec *spec = visit(p, node->inputs[0]);
    if (!spec)
        return NULL;
    if (kind == SIMPLE_LIMIT && spec->driver_count > 1 && node->u.limit.count >= 0) {
        simple_factory *early = simple_new(kind, node->id);
        if (!early)
            return NULL;
        early->count = node->u.limit.count + node->u.limit.offset;
        if (!append_factory(p, spec, &early->base))
            return NULL;
    }
    spec = gather(p, spec, node->id);
    if (!spec)
        return NULL;
    simple_factory *f = simple_new(kind, node->id);
    if (kind == SIMPLE_LIMIT) {
        f->count = node->u.limit.count;
        f->offset = node->u.limit.offset;
    } else {
        f->column_count = node->column_count;
        f->types = column_types(node);
    }
    return append_factory(p, spec, &f->base) ? spec : NULL;
}

/* The root: rows go to the client's output buffer (one producer per root
 * driver; ordered results arrive on one driver already), or to the table
 * writer, which appends from one driver. */
static pipeline_spec *visit_output(planner *p, const plan_node *node)
{
    pipeline_spec *spec = visit(p, node->inputs[0]);
    if (spec && p->context->sink)
        spec = gather(p, spec, node->id);
    if (!spec)
        return NULL;
    simple_factory *f;
    if (p->context->sink) {
        f = simple_new(SIMPLE_WRITER, node->id);
        f->sink = p->context->sink;
        f->rows_written = &p->plan->rows_written;
    } else {
        p->plan->output = output_buffer_create(p->context->output_buffer_bytes, spec->driver_count);
        if (!p->plan->output) {
            error_set(p->error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
            return NULL;
        }
        f = simple_new(SIMPLE_OUTPUT, node->id);
        f->output = p->plan->output;
    }
    return append_factory(p, spec, &f->base) ? spec : NULL;
}

typedef struct set_operation_factory {
    operator_factory base;
    set_operation_kind kind;
    bool all;
    int column_count;
    sql_type *types;
} set_operation_factory;

static operator *create_set_operation(operator_factory *f, shoal_error *error)
{
    set_operation_factory *so = (set_operation_factory *)f;
    return set_operation_create(f->plan_node_id, so->kind, so->all, so->column_count, so->types, error);
}

static void destroy_set_operation(operator_factory *f)
{
    free(((set_operation_factory *)f)->types);
    free(f);
}

/* A projection keeping every column of `node` and adding the constant side
 * marker that INTERSECT/EXCEPT count by. */
static bool append_side_marker(planner *p, pipeline_spec *spec, const plan_node *node, int side)
{
    int n = node->column_count;
    filter_project_factory *f = calloc(1, sizeof *f);
    if (!f)
        return error_set(p->error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
    f->base.plan_node_id = node->id;
    f->base.create = create_filter_project;
    f->base.destroy = destroy_filter_project;
    f->projection_count = n + 1;
    f->identity = calloc((size_t)n + 1, sizeof(expr *));
    for (int i = 0; i < n; i++)
        f->identity[i] = expr_column(i, node->columns[i].type);
    f->identity[n] = expr_constant(value_integer(side));
    f->projections = (const expr *const *)f->identity;
    return append_factory(p, spec, &f->base);
}

/* INTERSECT / EXCEPT: both inputs, marked with their side, meet in one
 * driver that counts each distinct row per side. */
static pipeline_spec *visit_set_operation(planner *p, const plan_node *node)
{
    pipeline_spec *inputs[2];
    if (node->source_count != 2) {
        error_set(p->error, ERR_NOT_SUPPORTED, "%s needs two inputs", plan_kind_name(node->kind));
        return NULL;
    }
    for (int i = 0; i < 2; i++) {
        inputs[i] = visit(p, node->sources[i]);
        if (!inputs[i] || !append_side_marker(p, inputs[i], node->sources[i], i))
            return NULL;
    }
    pipeline_spec *spec = exchange_into(p, inputs, 2, node->id, LOCAL_EXCHANGE_GATHER, 0, NULL, 1);
    set_operation_factory *f = spec ? calloc(1, sizeof *f) : NULL;
    if (!f)
        return NULL;
    f->base.plan_node_id = node->id;
    f->base.create = create_set_operation;
    f->base.destroy = destroy_set_operation;
    f->kind = node->kind == PLAN_INTERSECT ? SET_OPERATION_INTERSECT : SET_OPERATION_EXCEPT;
    f->all = !node->u.set.distinct;
    f->column_count = node->column_count;
    f->types = column_types(node);
    return append_factory(p, spec, &f->base) ? spec : NULL;
}

typedef struct window_factory {
    operator_factory base;
    int column_count;
    sql_type *types;
    const plan_node *node;
    window_function_spec *functions;
} window_factory;

static operator *create_window(operator_factory *f, shoal_error *error)
{
    window_factory *w = (window_factory *)f;
    const plan_node *node = w->node;
    return window_create(f->plan_node_id, w->column_count, w->types, node->u.window.partition_count,
                         node->u.window.partition_channels, node->u.window.order_count,
                         node->u.window.order_keys, node->u.window.function_count, w->functions, error);
}

static void destroy_window(operator_factory *f)
{
    window_factory *w = (window_factory *)f;
    free(w->types);
    free(w->functions);
    free(w);
}

static window_bound window_bound_of(plan_frame_bound b)
{
    switch (b) {
    case PLAN_BOUND_UNBOUNDED_PRECEDING: return WINDOW_UNBOUNDED_PRECEDING;
    case PLAN_BOUND_PRECEDING: return WINDOW_PRECEDING;
    case PLAN_BOUND_CURRENT_ROW: return WINDOW_CURRENT_ROW;
    case PLAN_BOUND_FOLLOWING: return WINDOW_FOLLOWING;
    default: return WINDOW_UNBOUNDED_FOLLOWING;
    }
}

static bool window_spec_of(planner *p, const plan_window_function *in, window_function_spec *out)
{
    static const struct { const char *name; window_function_kind kind; } kinds[] = {
        {"row_number", WINDOW_ROW_NUMBER}, {"rank", WINDOW_RANK}, {"dense_rank", WINDOW_DENSE_RANK},
        {"ntile", WINDOW_NTILE}, {"percent_rank", WINDOW_PERCENT_RANK}, {"cume_dist", WINDOW_CUME_DIST},
        {"lag", WINDOW_LAG}, {"lead", WINDOW_LEAD}, {"first_value", WINDOW_FIRST_VALUE},
        {"last_value", WINDOW_LAST_VALUE}, {"nth_value", WINDOW_NTH_VALUE},
    };
    memset(out, 0, sizeof *out);
    const function_entry *f = in->function.function;
    if (f->kind == FUNCTION_AGGREGATE) {
        out->kind = WINDOW_AGGREGATE;
        out->aggregate = aggregate_function_for(&in->function, p->error);
        if (!out->aggregate)
            return false;
    } else {
        size_t i = 0;
        while (i < sizeof kinds / sizeof kinds[0] && strcmp(kinds[i].name, f->name) != 0)
            i++;
        if (i == sizeof kinds / sizeof kinds[0])
            return error_set(p->error, ERR_NOT_SUPPORTED, "Window function %s is not supported", f->name);
        out->kind = kinds[i].kind;
    }
    out->argument_channel = in->argument_channel;
    out->offset = in->offset;
    out->default_channel = in->default_channel;
    out->has_frame = in->has_frame;
    if (in->has_frame) {
        if (in->frame_unit == PLAN_FRAME_GROUPS)
            return error_set(p->error, ERR_NOT_SUPPORTED, "Window frames of type GROUPS are not supported yet");
        out->frame.unit = in->frame_unit == PLAN_FRAME_ROWS ? WINDOW_FRAME_ROWS : WINDOW_FRAME_RANGE;
        out->frame.start = window_bound_of(in->frame_start);
        out->frame.start_offset = in->frame_start_offset;
        out->frame.end = window_bound_of(in->frame_end);
        out->frame.end_offset = in->frame_end_offset;
    }
    return true;
}

/* WINDOW: every row of a partition must reach one driver: repartition on
 * the partition keys (or gather when there are none), then compute. */
static pipeline_spec *visit_window(planner *p, const plan_node *node)
{
    pipeline_spec *spec = visit(p, node->inputs[0]);
    if (!spec)
        return NULL;
    if (spec->driver_count > 1)
        spec = node->u.window.partition_count > 0
                   ? exchange_into(p, &spec, 1, node->id, LOCAL_EXCHANGE_REPARTITION, node->u.window.partition_count,
                                   node->u.window.partition_channels, p->context->threads)
                   : gather(p, spec, node->id);
    if (!spec)
        return NULL;
    window_factory *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->base.plan_node_id = node->id;
    f->base.create = create_window;
    f->base.destroy = destroy_window;
    f->node = node;
    f->column_count = node->inputs[0]->column_count;
    f->types = column_types(node->inputs[0]);
    f->functions = calloc((size_t)node->u.window.function_count + 1, sizeof *f->functions);
    for (int i = 0; i < node->u.window.function_count; i++) {
        if (!window_spec_of(p, &node->u.window.functions[i], &f->functions[i])) {
            destroy_window(&f->base);
            return NULL;
        }
    }
    return append_factory(p, spec, &f->base) ? spec : NULL;
}

/* A factory that needs only its plan node (GROUP_ID, UNNEST). */
typedef struct node_factory {
    operator_factory base;
    const plan_node *node;
} node_factory;

/* Appends a node_factory for `node` to its input's pipeline: the operator
 * runs on whatever drivers feed it. */
static pipeline_spec *visit_per_driver(planner *p, const plan_node *node,
                                       operator *(*create)(operator_factory *, shoal_error *))
{
    pipeline_spec *spec = visit(p, node->inputs[0]);
    if (!spec)
        return NULL;
    node_factory *f = calloc(1, sizeof *f);
    if (f) {
        f->base.plan_node_id = node->id;
        f->base.create = create;
        f->base.destroy = free_factory;
        f->node = node;
    }
    return append_factory(p, spec, f ? &f->base : NULL) ? spec : NULL;
}

/* GROUPING SETS: rows are replicated per set. */
static operator *create_group_id(operator_factory *f, shoal_error *error)
{
    const plan_node *node = ((node_factory *)f)->node;
    return group_id_create(f->plan_node_id, node->inputs[0]->column_count, node->u.group_id.key_count,
                           node->u.group_id.key_channels, node->u.group_id.set_count,
                           node->u.group_id.set_masks, error);
}

/* UNNEST: rows are repeated per element. */
static operator *create_unnest(operator_factory *f, shoal_error *error)
{
    const plan_node *node = ((node_factory *)f)->node;
    const plan_node *input = node->inputs[0];
    sql_type types[UNNEST_MAX_COLUMNS];
    int count = node->u.unnest.unnest_count;
    if (count < 1 || count > UNNEST_MAX_COLUMNS || node->u.unnest.replicate_count + count != input->column_count) {
        error_set(error, ERR_GENERIC_INTERNAL_ERROR, "Malformed UNNEST plan");
        return NULL;
    }
    for (int j = 0; j < count; j++)
        types[j] = input->columns[node->u.unnest.replicate_count + j].type;
    return unnest_create(f->plan_node_id, node->u.unnest.replicate_count, count, types, node->u.unnest.ordinality,
                         node->u.unnest.outer, error);
}

/* UNION ALL: every input pipeline feeds one exchange, read round-robin. */
static pipeline_spec *visit_union(planner *p, const plan_node *node)
{
    pipeline_spec *inputs[64];
    if (node->source_count > 64) {
        error_set(p->error, ERR_NOT_SUPPORTED, "Too many UNION inputs");
        return NULL;
    }
    for (int i = 0; i < node->source_count; i++) {
        inputs[i] = visit(p, node->sources[i]);
        if (!inputs[i])
            return NULL;
    }
    return exchange_into(p, inputs, node->source_count, node->id, LOCAL_EXCHANGE_ROUND_ROBIN, 0, NULL,
                         p->context->threads);
}

typedef struct task_hook_factory {
    operator_factory base;
    const local_planner_task_hooks *task;
    bool sink;
} task_hook_factory;

static operator *create_task_hook_operator(operator_factory *f, shoal_error *error)
{
    task_hook_factory *t = (task_hook_factory *)f;
    return t->sink ? t->task->create_output_sink(t->task->context, f->plan_node_id, error)
                   : t->task->create_remote_source(t->task->context, f->plan_node_id, error);
}

static task_hook_factory *task_hook_factory_new(planner *p, int plan_node_id, bool sink)
{
    task_hook_factory *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->base.plan_node_id = plan_node_id;
    f->base.create = create_task_hook_operator;
    f->base.destroy = free_factory;
    f->task = p->context->task;
    f->sink = sink;
    return f;
}

/* A remote source: the pages other tasks send, read by every driver of a
 * new pipeline. */
static pipeline_spec *visit_remote_source(planner *p, const plan_node *node)
{
    const local_planner_task_hooks *task = p->context->task;
    if (!task || !task->create_remote_source) {
        error_set(p->error, ERR_GENERIC_INTERNAL_ERROR, "A remote exchange needs a distributed task");
        return NULL;
    }
    pipeline_spec *spec = new_pipeline(p, p->context->threads);
    if (!spec)
        return NULL;
    return append_factory(p, spec, &task_hook_factory_new(p, node->id, false)->base) ? spec : NULL;
}

static pipeline_spec *visit(planner *p, const plan_node *node)
{
    switch (node->kind) {
    case PLAN_TABLE_SCAN: return visit_scan(p, node);
    case PLAN_VALUES: return visit_values(p, node);
    case PLAN_FILTER: return visit_filter(p, node);
    case PLAN_PROJECT: return visit_project(p, node);
    case PLAN_AGGREGATE: return visit_aggregate(p, node);
    case PLAN_JOIN:
    case PLAN_SEMI_JOIN: return visit_join(p, node);
    case PLAN_SORT: return visit_sort(p, node, SIMPLE_SORT);
    case PLAN_TOP_N: return visit_sort(p, node, SIMPLE_TOP_N);
    case PLAN_LIMIT: return visit_simple(p, node, SIMPLE_LIMIT);
    case PLAN_ENFORCE_SINGLE_ROW: return visit_simple(p, node, SIMPLE_SINGLE_ROW);
    case PLAN_OUTPUT: return visit_output(p, node);
    case PLAN_UNION: return visit_union(p, node);
    case PLAN_WINDOW: return visit_window(p, node);
    case PLAN_GROUP_ID: return visit_per_driver(p, node, create_group_id);
    case PLAN_UNNEST: return visit_per_driver(p, node, create_unnest);
    case PLAN_INTERSECT:
    case PLAN_EXCEPT: return visit_set_operation(p, node);
    case PLAN_EXCHANGE: return node->inputs[0] ? visit(p, node->inputs[0]) : visit_remote_source(p, node);
    default:
        error_set(p->error, ERR_NOT_SUPPORTED, "%s is not supported by the executor yet", plan_kind_name(node->kind));
        return NULL;
    }
}

local_plan *local_planner_plan(const plan_node *root, const local_planner_context *context,
                               shoal_error *error)
{
    local_plan *lp = calloc(1, sizeof *lp);
    if (!lp) {
        error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
        return NULL;
    }
    planner p = {context, lp, error, NULL, 0};
    pipeline_spec *last = visit(&p, root);
    /* a fragment run as a task sends its root's rows to the task's output buffer */
    if (last && context->task && context->task->create_output_sink && root->kind != PLAN_OUTPUT &&
        !append_factory(&p, last, &task_hook_factory_new(&p, root->id, true)->base))
        last = NULL;
    free(p.filters);
    if (!last) {
        if (!error_is_set(error))
            error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
        local_plan_free(lp);
        return NULL;
    }
    return lp;
}

int local_plan_pipeline_count(const local_plan *p) { return p->pipeline_count; }
pipeline_spec *local_plan_pipeline(local_plan *p, int index) { return p->pipelines[index]; }
uint64_t local_plan_rows_written(const local_plan *p) { return atomic_load(&((local_plan *)p)->rows_written); }
output_buffer *local_plan_output(local_plan *p) { return p->output; }

void local_plan_add_split_progress(const local_plan *p, split_progress *out)
{
    /* the plan's split queues are the cleanups that free one */
    for (int i = 0; i < p->cleanup_count; i++)
        if (p->cleanups[i].fn == free_split_queue)
            split_queue_add_progress(p->cleanups[i].arg, out);
}

void local_plan_free(local_plan *p)
{
    if (!p)
        return;
    for (int i = 0; i < p->pipeline_count; i++) {
        pipeline_spec *spec = p->pipelines[i];
        for (int j = 0; j < spec->factory_count; j++)
            spec->factories[j]->destroy(spec->factories[j]);
        free(spec->factories);
        free(spec);
    }
    free(p->pipelines);
    for (int i = p->cleanup_count - 1; i >= 0; i--)
        p->cleanups[i].fn(p->cleanups[i].arg);
    free(p->cleanups);
    output_buffer_free(p->output);
    free(p);
}
