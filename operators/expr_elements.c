/*
 * expr_elements.c — running a compiled expression over the elements of
 * nested values: the casts between array/map/row types (one cast program per
 * element or field type) and lambda bodies (transform, filter, reduce, ...).
 *
 * An element program is compiled once, with the node. It reads a page whose
 * first columns are the element inputs (lambda parameters, or the element
 * being cast) and whose other columns are the enclosing page's columns the
 * body captures, each repeated for the elements of its row. Evaluation goes
 * over all elements of the selected rows in chunks of VECTOR_SIZE: each chunk
 * is one page of dictionary vectors and one program evaluation.
 */
#include <stdlib.h>
#include <string.h>

#include "connectors/spi/value_format.h"
#include "operators/expr_internal.h"

struct element_program {
    expr_program *program;
    int input_count;
    int outer_count;              /* enclosing columns 0..outer_count-1 are captured */
    bool *outer_used;
};

void element_program_free(element_program *p)
{
    if (!p)
        return;
    expr_program_free(p->program);
    free(p->outer_used);
    free(p);
}

static void max_column(const expr *e, int *max)
{
    if (e->kind == EXPR_COLUMN && e->column > *max)
        *max = e->column;
    for (int i = 0; i < e->arg_count; i++)
        max_column(e->args[i], max);
}

/* Lambda parameter i becomes column i; enclosing column c becomes
 * input_count + c. */
static void renumber(expr *e, int input_count, bool *outer_used)
{
    if (e->kind == EXPR_LAMBDA_VARIABLE) {
        e->kind = EXPR_COLUMN;
    } else if (e->kind == EXPR_COLUMN) {
        outer_used[e->column] = true;
        e->column += input_count;
    }
    for (int i = 0; i < e->arg_count; i++)
        renumber(e->args[i], input_count, outer_used);
}

element_program *element_program_compile(const expr *body, int input_count, shoal_error *error)
{
    element_program *p = calloc(1, sizeof *p);
    expr *copy = p ? expr_copy(body) : NULL;
    int max = -1;
    if (copy)
        max_column(copy, &max);
    if (p)
        p->outer_used = calloc((size_t)(max + 2), sizeof(bool));
    if (!copy || !p->outer_used) {
        expr_free(copy);
        element_program_free(p);
        error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
        return NULL;
    }
    p->input_count = input_count;
    p->outer_count = max + 1;
    renumber(copy, input_count, p->outer_used);
    p->program = expr_program_compile(copy, error);
    expr_free(copy);
    if (!p->program) {
        element_program_free(p);
        return NULL;
    }
    return p;
}

element_program *element_cast_compile(sql_type from, sql_type to, bool try_mode, shoal_error *error)
{
    expr *column = expr_special(EXPR_LAMBDA_VARIABLE, from, 0, NULL);
    if (column)
        column->column = 0;
    expr *args[1] = {column};
    expr *cast = column ? expr_special(try_mode ? EXPR_TRY_CAST : EXPR_CAST, to, 1, args) : NULL;
    if (!cast) {
        expr_free(column);
        error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
        return NULL;
    }
    element_program *p = element_program_compile(cast, 1, error);
    expr_free(cast);
    return p;
}

sql_type element_program_type(const element_program *p)
{
    return expr_program_type(p->program);
}

/* dst views rows[0..count) of src (a constant stays constant). */
static bool select_rows(vector *dst, const vector *src, const uint32_t *rows, uint32_t count)
{
    if (src->kind == VECTOR_CONSTANT)
        return vector_init_reference(dst, src);
    return vector_init_dictionary(dst, src, rows, count);
}

bool element_program_evaluate(element_program *p, const page *outer, const vector *const *inputs,
                              const uint32_t *const *input_rows, const uint32_t *parent_rows, uint32_t count,
                              vector *dst, uint32_t dst_start, shoal_error *error)
{
    int columns = p->input_count + p->outer_count;
    if (p->outer_count > 0 && (!outer || outer->column_count < p->outer_count))
        return error_set(error, ERR_GENERIC_INTERNAL_ERROR, "Lambda captures a column the page does not have");
    for (uint32_t start = 0; start < count; start += VECTOR_SIZE) {
        uint32_t m = count - start < VECTOR_SIZE ? count - start : VECTOR_SIZE;
        page *chunk = page_new_empty(columns);
        if (!chunk)
            return error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
        chunk->row_count = m;
        bool ok = true;
        int made = 0;
        for (int j = 0; ok && j < p->input_count; j++, made++)
            ok = select_rows(&chunk->columns[j], inputs[j], input_rows[j] + start, m);
        for (int c = 0; ok && c < p->outer_count; c++, made++) {
            vector *v = &chunk->columns[p->input_count + c];
            if (p->outer_used[c])
                ok = select_rows(v, &outer->columns[c], parent_rows + start, m);
            else
                ok = vector_init_constant_null(v, outer->columns[c].type);
        }
        if (!ok) {
            chunk->column_count = made;
            page_unref(chunk);
            return error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
        }
        vector result;
        ok = expr_program_evaluate(p->program, chunk, NULL, m, &result, error);
        if (ok) {
            if (!vector_copy_values(dst, NULL, dst_start + start, &result, NULL, 0, m))
                ok = error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
            vector_destroy(&result);
        }
        page_unref(chunk);
        if (!ok)
            return false;
    }
    return true;
}

/* ---- casts between nested types ---- */

typedef struct nested_cast {
    sql_type parts_type;          /* CAST from json: the split value's type */
    int count;
    element_program *fields[];    /* array: element; map: key, value; row: each field */
} nested_cast;

static void nested_cast_free(void *data)
{
    nested_cast *c = data;
    if (!c)
        return;
    for (int i = 0; i < c->count; i++)
        element_program_free(c->fields[i]);
    free(c);
}

/* Gathers the element indexes of the selected rows' lists. */
static uint32_t *gather_elements(const vector_view *v, const uint32_t *sel, uint32_t count, uint32_t *total_out)
{
    const list_entry *entries = v->data;
    uint64_t total = 0;
    ROW_LOOP(sel, count, r, if (view_valid_at(v, r)) total += entries[v->selection ? v->selection[r] : r].length;);
    if (total > UINT32_MAX / 2)
        return NULL;
    uint32_t *items = malloc(sizeof(uint32_t) * (total ? total : 1));
    if (!items)
        return NULL;
    uint32_t at = 0;
    ROW_LOOP(sel, count, r, {
        if (view_valid_at(v, r)) {
            list_entry e = entries[v->selection ? v->selection[r] : r];
            for (uint32_t i = 0; i < e.length; i++)
                items[at++] = e.offset + i;
        }
    });
    *total_out = at;
    return items;
}

static bool cast_lists_from(expr_node *n, eval_context *ctx, const vector *in, const uint32_t *sel, uint32_t count)
{
    nested_cast *c = n->data;
    vector_view v = vector_view_of(in);
    const vector *base = vector_base(in);
    uint32_t total = 0;
    uint32_t *elements = gather_elements(&v, sel, count, &total);
    if (!elements || !vector_list_reserve(&n->out, total)) {
        free(elements);
        return node_error(n, ctx, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
    }
    list_entry *out = n->out.data;
    const list_entry *entries = v.data;
    uint32_t at = n->out.child_size;
    ROW_LOOP(sel, count, r, {
        uint32_t length = view_valid_at(&v, r) ? entries[v.selection ? v.selection[r] : r].length : 0;
        out[r] = (list_entry){at, length};
        at += length;
    });
    bool ok = true;
    for (int f = 0; ok && f < c->count; f++) {
        const vector *inputs[1] = {base->children[f]};
        const uint32_t *rows[1] = {elements};
        ok = element_program_evaluate(c->fields[f], NULL, inputs, rows, NULL, total, n->out.children[f],
                                      n->out.child_size, ctx->error);
    }
    free(elements);
    if (ok)
        n->out.child_size += total;
    return ok;
}

static bool cast_rows_from(expr_node *n, eval_context *ctx, const vector *in, const uint32_t *sel, uint32_t count)
{
    nested_cast *c = n->data;
    vector_view v = vector_view_of(in);
    const vector *base = vector_base(in);
    uint32_t *indexes = n->sel_b, *targets = n->sel_c;
    for (uint32_t k = 0; k < count; k++) {
        uint32_t r = sel ? sel[k] : k;
        indexes[k] = v.selection ? v.selection[r] : r;
    }
    /* field results land at positions k, then move to the rows' positions */
    for (int f = 0; f < c->count; f++) {
        vector tmp;
        if (!vector_init_flat(&tmp, n->type.composite->field_types[f], count ? count : 1))
            return node_error(n, ctx, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
        const vector *inputs[1] = {base->children[f]};
        const uint32_t *rows[1] = {indexes};
        bool ok = element_program_evaluate(c->fields[f], NULL, inputs, rows, NULL, count, &tmp, 0, ctx->error);
        for (uint32_t k = 0; ok && k < count; k++)
            targets[k] = sel ? sel[k] : k;
        if (ok && !vector_copy_values(n->out.children[f], targets, 0, &tmp, NULL, 0, count))
            ok = node_error(n, ctx, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
        vector_destroy(&tmp);
        if (!ok)
            return false;
    }
    return true;
}

static bool cast_lists(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    return cast_lists_from(n, ctx, n->children[0]->result, sel, count);
}

static bool cast_rows(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    return cast_rows_from(n, ctx, n->children[0]->result, sel, count);
}

/* CAST(json AS nested): the JSON is split into a nested value of json parts
 * (map keys as varchar), which the element casts then convert. */
static bool cast_from_json(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    nested_cast *c = n->data;
    vector parts;
    if (!vector_init_flat(&parts, c->parts_type, VECTOR_SIZE))
        return node_error(n, ctx, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
    bool ok = json_split_nested(n->type, n->children[0]->result, sel, count, n->try_mode, &parts, &n->out, ctx->error);
    if (ok)
        ok = n->type.kind == TYPE_ROW ? cast_rows_from(n, ctx, &parts, sel, count)
                                      : cast_lists_from(n, ctx, &parts, sel, count);
    vector_destroy(&parts);
    return ok;
}

static sql_type json_parts_type(sql_type to)
{
    sql_type json = type_make(TYPE_JSON);
    if (to.kind == TYPE_ARRAY)
        return type_array(json);
    if (to.kind == TYPE_MAP)
        return type_map(type_varchar(VARCHAR_UNBOUNDED), json);
    sql_type fields[256];
    int count = to.composite->field_count < 256 ? to.composite->field_count : 256;
    for (int i = 0; i < count; i++)
        fields[i] = json;
    return type_row(count, fields, NULL);
}

bool cast_nested_bind(expr_node *n, sql_type from, sql_type to, shoal_error *error)
{
    if (from.kind == TYPE_JSON && (to.kind == TYPE_ARRAY || to.kind == TYPE_MAP || to.kind == TYPE_ROW)) {
        if (to.composite->field_count > 256)
            return error_set(error, ERR_NOT_SUPPORTED, "Too many fields to cast from JSON");
        sql_type parts = json_parts_type(to);
        if (!cast_nested_bind(n, parts, to, error))
            return false;
        ((nested_cast *)n->data)->parts_type = parts;
        n->kernel = cast_from_json;
        return true;
    }
    if (from.kind != to.kind || from.composite->field_count != to.composite->field_count) {
        char a[256], b[256];
        type_format(from, false, a, sizeof a);
        type_format(to, false, b, sizeof b);
        return error_set(error, ERR_TYPE_MISMATCH, "Cannot cast %s to %s", a, b);
    }
    int count = from.composite->field_count;
    nested_cast *c = calloc(1, sizeof *c + sizeof(element_program *) * (size_t)count);
    if (!c)
        return error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
    n->data = c;
    n->free_data = nested_cast_free;
    for (int i = 0; i < count; i++) {
        c->fields[i] = element_cast_compile(from.composite->field_types[i], to.composite->field_types[i],
                                            n->try_mode, error);
        if (!c->fields[i])
            return false;
        c->count = i + 1;
    }
    n->kernel = from.kind == TYPE_ROW ? cast_rows : cast_lists;
    return true;
}

/* ---- CAST(nested AS json) ---- */

static bool cast_to_json(expr_node *n, eval_context *ctx, const uint32_t *sel, uint32_t count)
{
    const vector *in = n->children[0]->result;
    text_builder b;
    text_builder_init(&b);
    for (uint32_t k = 0; k < count; k++) {
        uint32_t r = sel ? sel[k] : k;
        b.length = 0;
        if (!value_format_json(in, r, &b) || !text_builder_ok(&b)) {
            text_builder_free(&b);
            return node_error(n, ctx, ERR_INVALID_CAST_ARGUMENT, "Cannot cast value to JSON");
        }
        char *p = node_string_reserve(n, (uint32_t)b.length, ctx->error);
        if (!p) {
            text_builder_free(&b);
            return false;
        }
        memcpy(p, text_builder_cstr(&b), b.length);
        ((string_view *)n->out.data)[r] = string_view_make(p, (uint32_t)b.length);
    }
    text_builder_free(&b);
    return true;
}

scalar_kernel_fn cast_nested_to_json_kernel(sql_type from, sql_type to)
{
    bool nested = from.kind == TYPE_ARRAY || from.kind == TYPE_MAP || from.kind == TYPE_ROW;
    return nested && to.kind == TYPE_JSON ? cast_to_json : NULL;
}
