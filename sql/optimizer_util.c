/*
 * optimizer_util.c — helpers shared by the optimiser rules: conjunct lists,
 * the columns an expression reads, channel remapping and small plan-node
 * constructors (see optimizer_internal.h).
 */
#include "optimizer_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "connectors/spi/function.h"

/* ---- expression lists ------------------------------------------------------ */

bool expr_list_add(expr_list *list, expr *e)
{
    if (!e)
        return false;
    if (list->count == list->capacity) {
        int capacity = list->capacity ? list->capacity * 2 : 8;
        expr **items = realloc(list->items, sizeof *items * (size_t)capacity);
        if (!items) {
            expr_free(e);
            return false;
        }
        list->items = items;
        list->capacity = capacity;
    }
    list->items[list->count++] = e;
    return true;
}

void expr_list_free(expr_list *list)
{
    for (int i = 0; i < list->count; i++)
        expr_free(list->items[i]);
    free(list->items);
    memset(list, 0, sizeof *list);
}

expr *expr_list_take(expr_list *list, int index)
{
    expr *e = list->items[index];
    memmove(list->items + index, list->items + index + 1,
            sizeof *list->items * (size_t)(list->count - index - 1));
    list->count--;
    return e;
}

bool optimizer_split_conjuncts(const expr *e, expr_list *out)
{
    if (!e)
        return true;
    if (e->kind == EXPR_AND) {
        for (int i = 0; i < e->arg_count; i++)
            if (!optimizer_split_conjuncts(e->args[i], out))
                return false;
        return true;
    }
    return expr_list_add(out, expr_copy(e));
}

expr *optimizer_combine_conjuncts(expr_list *list, bool *failed)
{
    if (list->count == 0) {
        expr_list_free(list);
        return NULL;
    }
    if (list->count == 1) {
        expr *e = list->items[0];
        free(list->items);
        memset(list, 0, sizeof *list);
        return e;
    }
    expr *e = expr_special(EXPR_AND, type_make(TYPE_BOOLEAN), list->count, list->items);
    if (!e) {
        *failed = true;
        expr_list_free(list);
        return NULL;
    }
    free(list->items); /* expr_special copied the pointer array */
    memset(list, 0, sizeof *list);
    return e;
}

expr *optimizer_boolean(bool b)
{
    return expr_constant(value_boolean(b));
}

bool optimizer_is_true(const expr *e)
{
    return e && e->kind == EXPR_CONSTANT && !e->constant.is_null &&
           e->constant.type.kind == TYPE_BOOLEAN && e->constant.u.boolean;
}

bool optimizer_is_false_or_null(const expr *e)
{
    return e && e->kind == EXPR_CONSTANT &&
           (e->constant.is_null || (e->constant.type.kind == TYPE_BOOLEAN && !e->constant.u.boolean));
}

const char *optimizer_call_name(const expr *e)
{
    if (!e || e->kind != EXPR_CALL || !e->function || !e->function->name)
        return NULL;
    return e->function->name;
}

static const char *const comparison_flips[][2] = {
    {"$equal", "$equal"},
    {"$not_equal", "$not_equal"},
    {"$less_than", "$greater_than"},
    {"$less_than_or_equal", "$greater_than_or_equal"},
    {"$greater_than", "$less_than"},
    {"$greater_than_or_equal", "$less_than_or_equal"},
};

bool optimizer_is_comparison(const char *name)
{
    return optimizer_flip_comparison(name) != NULL;
}

const char *optimizer_flip_comparison(const char *name)
{
    if (!name)
        return NULL;
    for (size_t i = 0; i < sizeof comparison_flips / sizeof comparison_flips[0]; i++)
        if (strcmp(comparison_flips[i][0], name) == 0)
            return comparison_flips[i][1];
    return NULL;
}

bool optimizer_is_deterministic(const expr *e)
{
    if (!e)
        return true;
    if (e->kind == EXPR_CALL && (!e->function || !e->function->deterministic))
        return false;
    for (int i = 0; i < e->arg_count; i++)
        if (!optimizer_is_deterministic(e->args[i]))
            return false;
    return true;
}

/* ---- columns ---------------------------------------------------------------- */

void optimizer_column_span(const expr *e, int *min, int *max)
{
    *min = -1;
    *max = -1;
    if (!e)
        return;
    if (e->kind == EXPR_COLUMN) {
        *min = *max = e->column;
        return;
    }
    for (int i = 0; i < e->arg_count; i++) {
        int lo, hi;
        optimizer_column_span(e->args[i], &lo, &hi);
        if (lo >= 0 && (*min < 0 || lo < *min))
            *min = lo;
        if (hi > *max)
            *max = hi;
    }
}

void optimizer_mark_columns(const expr *e, bool *used, int width)
{
    if (!e)
        return;
    if (e->kind == EXPR_COLUMN) {
        if (e->column >= 0 && e->column < width)
            used[e->column] = true;
        return;
    }
    for (int i = 0; i < e->arg_count; i++)
        optimizer_mark_columns(e->args[i], used, width);
}

bool optimizer_mappable(const expr *e, const int *map, int map_size)
{
    if (!e)
        return true;
    if (e->kind == EXPR_COLUMN)
        return e->column >= 0 && e->column < map_size && map[e->column] >= 0;
    for (int i = 0; i < e->arg_count; i++)
        if (!optimizer_mappable(e->args[i], map, map_size))
            return false;
    return true;
}

typedef struct rewrite {
    const int *map;
    int map_size;
    int delta;
    expr *const *defs;
    int def_count;
} rewrite;

static expr *rewrite_columns(const expr *e, const rewrite *r)
{
    if (e->kind == EXPR_COLUMN) {
        if (r->defs) {
            if (e->column < 0 || e->column >= r->def_count || !r->defs[e->column])
                return NULL;
            return expr_copy(r->defs[e->column]);
        }
        if (r->map) {
            if (e->column < 0 || e->column >= r->map_size || r->map[e->column] < 0)
                return NULL;
            return expr_column(r->map[e->column], e->type);
        }
        return expr_column(e->column + r->delta, e->type);
    }
    expr *copy = expr_copy(e);
    if (!copy)
        return NULL;
    for (int i = 0; i < copy->arg_count; i++) {
        expr *arg = rewrite_columns(e->args[i], r);
        if (!arg) {
            expr_free(copy);
            return NULL;
        }
        expr_free(copy->args[i]);
        copy->args[i] = arg;
    }
    return copy;
}

expr *optimizer_remap(const expr *e, const int *map, int map_size)
{
    rewrite r = {.map = map, .map_size = map_size};
    return e ? rewrite_columns(e, &r) : NULL;
}

expr *optimizer_shift(const expr *e, int delta)
{
    rewrite r = {.delta = delta};
    return e ? rewrite_columns(e, &r) : NULL;
}

expr *optimizer_inline(const expr *e, expr *const *defs, int def_count)
{
    rewrite r = {.defs = defs, .def_count = def_count};
    return e ? rewrite_columns(e, &r) : NULL;
}

/* ---- plan nodes -------------------------------------------------------------- */

bool optimizer_oom(shoal_error *error)
{
    return error_set(error, ERR_GENERIC_INTERNAL_ERROR, "out of memory while optimizing the plan");
}

plan_node *optimizer_filter_new(plan_node *input, expr *predicate)
{
    if (!input || !predicate) {
        plan_free(input);
        expr_free(predicate);
        return NULL;
    }
    plan_node *node = plan_node_new(PLAN_FILTER, input->column_count);
    if (!node || !plan_copy_columns(node, input)) {
        plan_free(node);
        plan_free(input);
        expr_free(predicate);
        return NULL;
    }
    node->inputs[0] = input;
    node->u.filter.predicate = predicate;
    return node;
}

plan_node *optimizer_select_new(plan_node *input, const int *channels, int count)
{
    if (!input)
        return NULL;
    plan_node *node = plan_node_new(PLAN_PROJECT, count);
    if (!node)
        goto fail;
    node->inputs[0] = input;
    node->u.project.exprs = calloc((size_t)(count > 0 ? count : 1), sizeof(expr *));
    if (!node->u.project.exprs)
        goto fail;
    for (int i = 0; i < count; i++) {
        const plan_column *c = &input->columns[channels[i]];
        plan_set_column(node, i, c->name, c->type);
        node->u.project.exprs[i] = expr_column(channels[i], c->type);
        if (!node->u.project.exprs[i] || !node->columns[i].name)
            goto fail;
    }
    return node;
fail:
    if (node)
        plan_free(node); /* frees input too once attached */
    else
        plan_free(input);
    return NULL;
}

bool optimizer_is_identity_project(const plan_node *node)
{
    if (node->kind != PLAN_PROJECT || node->column_count != node->inputs[0]->column_count)
        return false;
    for (int i = 0; i < node->column_count; i++) {
        const expr *e = node->u.project.exprs[i];
        if (e->kind != EXPR_COLUMN || e->column != i)
            return false;
    }
    return true;
}

plan_node *optimizer_empty_values(const plan_node *like)
{
    plan_node *node = plan_node_new(PLAN_VALUES, like->column_count);
    if (!node || !plan_copy_columns(node, like)) {
        plan_free(node);
        return NULL;
    }
    node->u.values.row_count = 0;
    node->u.values.cells = NULL;
    return node;
}

bool optimizer_copy_columns_at(plan_node *to, int at, const plan_node *from)
{
    for (int i = 0; i < from->column_count; i++) {
        plan_set_column(to, at + i, from->columns[i].name, from->columns[i].type);
        if (!to->columns[at + i].name)
            return false;
    }
    return true;
}

plan_node *optimizer_swap_join(plan_node *join)
{
    plan_node *left = join->inputs[0], *right = join->inputs[1];
    int nl = left->column_count, nr = right->column_count;
    int *map = malloc(sizeof *map * (size_t)(nl + nr > 0 ? nl + nr : 1));
    if (!map) {
        plan_free(join);
        return NULL;
    }
    for (int i = 0; i < nl; i++)
        map[i] = nr + i;
    for (int i = 0; i < nr; i++)
        map[nl + i] = i;
    if (join->u.join.filter) {
        expr *f = optimizer_remap(join->u.join.filter, map, nl + nr);
        if (!f) {
            free(map);
            plan_free(join);
            return NULL;
        }
        expr_free(join->u.join.filter);
        join->u.join.filter = f;
    }
    join->inputs[0] = right;
    join->inputs[1] = left;
    int *keys = join->u.join.left_keys;
    join->u.join.left_keys = join->u.join.right_keys;
    join->u.join.right_keys = keys;
    if (join->u.join.type == JOIN_LEFT)
        join->u.join.type = JOIN_RIGHT;
    else if (join->u.join.type == JOIN_RIGHT)
        join->u.join.type = JOIN_LEFT;
    /* columns: right ++ left */
    plan_column *old = join->columns;
    plan_column *columns = calloc((size_t)(nl + nr > 0 ? nl + nr : 1), sizeof *columns);
    if (!columns) {
        free(map);
        plan_free(join);
        return NULL;
    }
    for (int i = 0; i < nl + nr; i++)
        columns[map[i]] = old[i];
    free(old);
    join->columns = columns;
    plan_node *project = optimizer_select_new(join, map, nl + nr);
    free(map);
    return project;
}

double optimizer_column_width(const plan_node *node, int channel)
{
    sql_type type = node->columns[channel].type;
    switch (type_physical(type)) {
    case PHYSICAL_STRING:
        if (type.length > 0)
            return type.length < 50 ? type.length * 0.75 + 1 : 40;
        return 20;
    case PHYSICAL_LIST:
    case PHYSICAL_STRUCT:
        return 32;
    default:
        return (double)type_value_size(type);
    }
}
