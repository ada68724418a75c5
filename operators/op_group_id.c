/*
 * op_group_id.c — one output page per grouping set for each input page.
 */
#include "op_group_id.h"

#include <stdlib.h>
#include <string.h>

typedef struct group_id_operator {
    operator base;
    int column_count;
    int key_count;
    int *key_channels;
    int set_count;
    uint64_t *set_masks;
    page *input;              /* the page being replicated */
    int next_set;
    bool finishing;
} group_id_operator;

static bool gid_needs_input(operator *op)
{
    group_id_operator *g = (group_id_operator *)op;
    return !g->input && !g->finishing;
}

static bool gid_add_input(operator *op, page *p, shoal_error *error)
{
    (void)error;
    group_id_operator *g = (group_id_operator *)op;
    g->input = p;
    g->next_set = 0;
    return true;
}

/* The key index of `channel`, or -1 when it is not a key. */
static int key_index(const group_id_operator *g, int channel)
{
    for (int k = 0; k < g->key_count; k++)
        if (g->key_channels[k] == channel)
            return k;
    return -1;
}

static bool gid_get_output(operator *op, page **out, shoal_error *error)
{
    group_id_operator *g = (group_id_operator *)op;
    *out = NULL;
    if (!g->input)
        return true;
    int set = g->next_set++;
    page *p = page_new_empty(g->column_count + 1);
    bool ok = p != NULL;
    for (int c = 0; ok && c < g->column_count; c++) {
        int k = key_index(g, c);
        if (k >= 0 && !(g->set_masks[set] >> k & 1))
            ok = vector_init_constant_null(&p->columns[c], g->input->columns[c].type);
        else
            ok = vector_init_reference(&p->columns[c], &g->input->columns[c]);
        if (!ok)
            p->column_count = c;
    }
    int64_t id = set;
    if (ok && !vector_init_constant(&p->columns[g->column_count], type_make(TYPE_BIGINT), &id)) {
        p->column_count = g->column_count;
        ok = false;
    }
    if (!ok) {
        page_unref(p);
        return error_set(error, ERR_GENERIC_INSUFFICIENT_RESOURCES, "Out of memory");
    }
    p->row_count = g->input->row_count;
    if (g->next_set == g->set_count) {
        page_unref(g->input);
        g->input = NULL;
    }
    *out = p;
    return true;
}

static void gid_finish(operator *op)
{
    ((group_id_operator *)op)->finishing = true;
}

static bool gid_is_finished(operator *op)
{
    group_id_operator *g = (group_id_operator *)op;
    return g->finishing && !g->input;
}

static void gid_close(operator *op)
{
    group_id_operator *g = (group_id_operator *)op;
    page_unref(g->input);
    free(g->key_channels);
    free(g->set_masks);
    free(g);
}

static const operator_ops group_id_ops = {
    .name = "GroupId",
    .needs_input = gid_needs_input,
    .add_input = gid_add_input,
    .get_output = gid_get_output,
    .finish = gid_finish,
    .is_finished = gid_is_finished,
    .close = gid_close,
};

operator *group_id_create(int plan_node_id, int column_count, int key_count, const int *key_channels,
                          int set_count, const uint64_t *set_masks, shoal_error *error)
{
    group_id_operator *g = calloc(1, sizeof *g);
    if (g) {
        g->key_channels = malloc(sizeof(int) * (size_t)(key_count + 1));
        g->set_masks = malloc(sizeof(uint64_t) * (size_t)(set_count + 1));
    }
    if (!g || !g->key_channels || !g->set_masks || key_count > 64 || set_count < 1) {
        if (g) {
            free(g->key_channels);
            free(g->set_masks);
            free(g);
        }
        error_set(error, key_count > 64 ? ERR_TOO_MANY_GROUPING_SETS : ERR_GENERIC_INSUFFICIENT_RESOURCES,
                  key_count > 64 ? "Too many grouping columns" : "Out of memory");
        return NULL;
    }
    operator_init_header(&g->base, &group_id_ops, plan_node_id);
    g->column_count = column_count;
    g->key_count = key_count;
    memcpy(g->key_channels, key_channels, sizeof(int) * (size_t)key_count);
    g->set_count = set_count;
    memcpy(g->set_masks, set_masks, sizeof(uint64_t) * (size_t)set_count);
    return &g->base;
}
