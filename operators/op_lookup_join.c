/*
 * op_lookup_join.c — hash join probe (and, over a key-less bridge, the
 * nested-loop join: every build row is in every probe row's "chain").
 *
 * Per probe page: find each row's chain head (vectorised hash + probe),
 * then walk chains into (probe row, build row) pair lists of up to
 * VECTOR_SIZE; the residual filter runs once per pair list; output pages
 * take probe columns as dictionaries over the probe page and build columns
 * gathered from the bridge's column buffers. Per-row flags record which
 * probe rows matched (outer/semi/anti tails) and, for RIGHT/FULL, which
 * build rows matched.
 */
#include "op_lookup_join.h"

#include <stdlib.h>
#include <string.h>

#include "operators/expression_program.h"
#include "operators/op_memory.h"

typedef enum join_phase {
    PHASE_IDLE,
    PHASE_PAIRS,
    PHASE_TAIL,
    PHASE_UNMATCHED_BUILD,
    PHASE_DONE
} join_phase;

typedef struct lookup_join_operator {
    operator base;
    /* probes of the shared table use this operator's own working memory */
    hash_table_scratch scratch;
    join_bridge *bridge;
    op_join_type type;
    bool nested_loop;
    bool emit_match_flag;
    bool null_aware;
    int probe_column_count;
    sql_type *probe_types;
    int key_count;
    int *probe_key_channels;
    int probe_output_count;
    int *probe_output_channels;
    int build_output_count;
    int *build_output_channels;
    expr_program *filter;
    op_memory memory;

    join_phase phase;
    bool finishing;
    page *probe;
    uint32_t probe_pos;
    uint64_t build_cursor;

    uint32_t cursor[VECTOR_SIZE];
    uint32_t chain_left[VECTOR_SIZE];          /* rows left in the chain at cursor */
    uint8_t probe_matched[VECTOR_SIZE];
    uint8_t probe_null_key[VECTOR_SIZE];
    uint32_t pair_probe[VECTOR_SIZE];
    uint32_t pair_build[VECTOR_SIZE];
    uint32_t selection[VECTOR_SIZE];
    uint32_t list[VECTOR_SIZE];
    uint8_t flags[VECTOR_SIZE];
    uint8_t flag_nulls[VECTOR_SIZE];
    uint32_t found_head[VECTOR_SIZE];
    uint32_t found_count[VECTOR_SIZE];
} lookup_join_operator;

static bool oom(shoal_error *error)
{
    return error_set(error, ERR_EXCEEDED_LOCAL_MEMORY_LIMIT, "Query exceeded memory in a join");
}

static bool outputs_build(const lookup_join_operator *j)
{
    return j->type != OP_JOIN_SEMI && j->type != OP_JOIN_ANTI;
}

static int output_count(const lookup_join_operator *j)
{
    return j->probe_output_count + (outputs_build(j) ? j->build_output_count : 0) +
           (j->type == OP_JOIN_SEMI && j->emit_match_flag ? 1 : 0);
}

/* The next build row of probe row i's chain after b (the chain length
 * spares the next[] read for the last, often only, row). */
static inline uint32_t chain_next(lookup_join_operator *j, uint32_t i, uint32_t b)
{
    if (--j->chain_left[i] == 0)
        return JOIN_NO_ROW;
    if (j->nested_loop)
        return b + 1;
    return j->bridge->next[b];
}

/* ---- page assembly -------------------------------------------------------- */

static bool gather_build_column(const lookup_join_operator *j, int column, const uint32_t *rows,
                                uint32_t n, vector *out)
{
    if (!rows)
        return vector_init_constant_null(out, j->bridge->types[column]);
    if (!vector_init_flat(out, j->bridge->types[column], n ? n : 1))
        return false;
    return column_buffer_gather(&j->bridge->columns[column], rows, n, out, 0);
}

/* probe_rows NULL: probe columns NULL; build_rows NULL: build columns NULL. */
static page *make_output(lookup_join_operator *j, const uint32_t *probe_rows,
                         const uint32_t *build_rows, uint32_t n, const uint8_t *flags,
                         const uint8_t *flag_nulls)
{
    page *out = page_new_empty(output_count(j));
    if (!out)
        return NULL;
    out->row_count = n;
    int c = 0;
    bool ok = true;
    for (int k = 0; ok && k < j->probe_output_count; k++, c++) {
        int channel = j->probe_output_channels[k];
        ok = probe_rows ? vector_init_dictionary(&out->columns[c], &j->probe->columns[channel],
                                                 probe_rows, n)
                        : vector_init_constant_null(&out->columns[c], j->probe_types[channel]);
    }
    if (outputs_build(j))
        for (int k = 0; ok && k < j->build_output_count; k++, c++)
            ok = gather_build_column(j, j->build_output_channels[k], build_rows, n,
                                     &out->columns[c]);
    if (ok && flags) {
        ok = vector_init_flat(&out->columns[c], type_make(TYPE_BOOLEAN), n ? n : 1);
        c++;
        if (ok) {
            memcpy(out->columns[c - 1].data, flags, n);
            for (uint32_t i = 0; ok && i < n; i++)
                if (flag_nulls[i])
                    ok = vector_set_null(&out->columns[c - 1], i);
        }
    }
    if (!ok) {
        out->column_count = c;
        page_unref(out);
        return NULL;
    }
    return out;
}

/* All probe columns then all build columns, for the residual filter. */
static page *make_candidates(lookup_join_operator *j, uint32_t n)
{
    int columns = j->probe_column_count + j->bridge->column_count;
    page *out = page_new_empty(columns);
    if (!out)
        return NULL;
    out->row_count = n;
    bool ok = true;
    int c = 0;
    for (; ok && c < j->probe_column_count; c++)
        ok = vector_init_dictionary(&out->columns[c], &j->probe->columns[c], j->pair_probe, n);
    for (int b = 0; ok && b < j->bridge->column_count; b++, c++)
        ok = gather_build_column(j, b, j->pair_build, n, &out->columns[c]);
    if (!ok) {
        out->column_count = c;
        page_unref(out);
        return NULL;
    }
    return out;
}

/* Output of the passing pairs `selection` (NULL: all) of a candidate page. */
static page *project_candidates(lookup_join_operator *j, const page *candidates,
                                const uint32_t *selection, uint32_t n)
{
    page *out = page_new_empty(output_count(j));
    if (!out)
        return NULL;
    out->row_count = n;
    int c = 0;
    bool ok = true;
    for (int k = 0; ok && k < j->probe_output_count; k++, c++)
        ok = vector_init_dictionary(&out->columns[c],
                                    &candidates->columns[j->probe_output_channels[k]], selection,
                                    n);
    for (int k = 0; ok && k < j->build_output_count; k++, c++)
        ok = vector_init_dictionary(
            &out->columns[c],
            &candidates->columns[j->probe_column_count + j->build_output_channels[k]], selection,
            n);
    if (!ok) {
        out->column_count = c;
        page_unref(out);
        return NULL;
    }
    return out;
}

/* ---- probing ---------------------------------------------------------------- */

static bool lj_needs_input(operator *op)
{
    lookup_join_operator *j = (lookup_join_operator *)op;
    return j->phase == PHASE_IDLE && !j->finishing && join_bridge_is_built(j->bridge);
}

static bool lj_is_blocked(operator *op, operator_wait *wait)
{
    lookup_join_operator *j = (lookup_join_operator *)op;
    if (join_bridge_is_built(j->bridge))
        return false;
    wait->event = &j->bridge->built;
    return true;
}

static void find_chains(lookup_join_operator *j, const page *p)
{
    uint32_t n = p->row_count;
    memset(j->probe_null_key, 0, n);
    memset(j->probe_matched, 0, n);
    if (j->nested_loop) {
        uint32_t head = j->bridge->row_count > 0 ? 0 : JOIN_NO_ROW;
        for (uint32_t i = 0; i < n; i++) {
            j->cursor[i] = head;
            j->chain_left[i] = (uint32_t)j->bridge->row_count;
        }
        return;
    }
    const vector *keys[64];
    uint32_t count = n;
    for (uint32_t i = 0; i < n; i++)
        j->list[i] = i;
    for (int k = 0; k < j->key_count; k++) {
        keys[k] = &p->columns[j->probe_key_channels[k]];
        vector_view view = vector_view_of(keys[k]);
        if (!view.validity)
            continue;
        for (uint32_t i = 0; i < n; i++)
            j->probe_null_key[i] |= !vector_view_valid(&view, vector_view_index(&view, i));
    }
    bool any_null = false;
    for (uint32_t i = 0; i < n; i++)
        any_null |= j->probe_null_key[i];
    if (any_null) {
        count = 0;
        for (uint32_t i = 0; i < n; i++) {
            j->list[count] = i;
            count += !j->probe_null_key[i];
        }
    }
    for (uint32_t i = 0; i < n; i++)
        j->cursor[i] = JOIN_NO_ROW;
    join_hash_table_find(&j->bridge->table, &j->scratch, keys, any_null ? j->list : NULL, count,
                         j->found_head, j->found_count);
    const column_buffer *first_output =
        j->build_output_count > 0 && outputs_build(j) ? &j->bridge->columns[j->build_output_channels[0]] : NULL;
    for (uint32_t k = 0; k < count; k++) {
        uint32_t row = any_null ? j->list[k] : k;
        uint32_t head = j->found_head[k];
        j->cursor[row] = head;
        j->chain_left[row] = j->found_count[k];
        if (first_output && head != JOIN_NO_ROW)
            __builtin_prefetch(first_output->values + (size_t)head * first_output->width);
    }
}

static bool lj_add_input(operator *op, page *p, shoal_error *error)
{
    lookup_join_operator *j = (lookup_join_operator *)op;
    if (j->bridge->failed) {
        page_unref(p);
        *error = j->bridge->error;
        return false;
    }
    j->probe = p;
    j->probe_pos = 0;
    find_chains(j, p);
    bool semi_or_anti = !outputs_build(j);
    if (semi_or_anti && !j->filter) {
        for (uint32_t i = 0; i < p->row_count; i++)
            j->probe_matched[i] = j->cursor[i] != JOIN_NO_ROW;
        j->phase = PHASE_TAIL;
    } else {
        j->phase = PHASE_PAIRS;
    }
    return true;
}

/* Fills the pair lists; returns how many. */
static uint32_t next_pairs(lookup_join_operator *j)
{
    uint32_t n = 0;
    uint32_t rows = j->probe->row_count;
    bool stop_at_first = !outputs_build(j);
    while (j->probe_pos < rows && n < VECTOR_SIZE) {
        uint32_t i = j->probe_pos;
        uint32_t b = j->cursor[i];
        if (stop_at_first && j->probe_matched[i])
            b = JOIN_NO_ROW;
        while (b != JOIN_NO_ROW && n < VECTOR_SIZE) {
            j->pair_probe[n] = i;
            j->pair_build[n] = b;
            n++;
            b = chain_next(j, i, b);
        }
        j->cursor[i] = b;
        if (b == JOIN_NO_ROW)
            j->probe_pos++;
    }
    return n;
}

static bool pairs_step(lookup_join_operator *j, page **out, shoal_error *error)
{
    uint32_t n = next_pairs(j);
    if (n == 0) {
        j->phase = PHASE_TAIL;
        return true;
    }
    page *candidates = NULL;
    const uint32_t *passing = NULL;
    uint32_t m = n;
    if (j->filter) {
        candidates = make_candidates(j, n);
        if (!candidates)
            return oom(error);
        if (!expr_program_filter(j->filter, candidates, NULL, n, j->selection, &m, error)) {
            page_unref(candidates);
            return false;
        }
        passing = j->selection;
    }
    for (uint32_t k = 0; k < m; k++)
        j->probe_matched[j->pair_probe[passing ? passing[k] : k]] = 1;
    if (j->bridge->matched)
        for (uint32_t k = 0; k < m; k++)
            __atomic_store_n(&j->bridge->matched[j->pair_build[passing ? passing[k] : k]], 1,
                             __ATOMIC_RELAXED);
    if (outputs_build(j) && m > 0) {
        *out = candidates ? project_candidates(j, candidates, passing, m)
                          : make_output(j, j->pair_probe, j->pair_build, n, NULL, NULL);
        if (!*out) {
            page_unref(candidates);
            return oom(error);
        }
    }
    page_unref(candidates);
    return true;
}

static bool tail_step(lookup_join_operator *j, page **out, shoal_error *error)
{
    uint32_t rows = j->probe->row_count;
    uint32_t n = 0;
    const join_bridge *b = j->bridge;
    bool build_empty = b->row_count == 0;
    switch (j->type) {
    case OP_JOIN_LEFT:
    case OP_JOIN_FULL:
        for (uint32_t i = 0; i < rows; i++) {
            j->list[n] = i;
            n += !j->probe_matched[i];
        }
        if (n)
            *out = make_output(j, j->list, NULL, n, NULL, NULL);
        break;
    case OP_JOIN_SEMI:
        if (j->emit_match_flag) {
            uint8_t *flags = j->flags, *nulls = j->flag_nulls;
            for (uint32_t i = 0; i < rows; i++) {
                j->list[i] = i;
                flags[i] = j->probe_matched[i];
                nulls[i] = !flags[i] && !build_empty && (j->probe_null_key[i] || b->has_null_key);
            }
            n = rows;
            *out = make_output(j, j->list, NULL, n, flags, nulls);
        } else {
            for (uint32_t i = 0; i < rows; i++) {
                j->list[n] = i;
                n += j->probe_matched[i];
            }
            if (n)
                *out = make_output(j, j->list, NULL, n, NULL, NULL);
        }
        break;
    case OP_JOIN_ANTI:
        if (j->null_aware && b->has_null_key)
            break; /* x NOT IN (..., NULL, ...) is never TRUE */
        for (uint32_t i = 0; i < rows; i++) {
            bool keep = !j->probe_matched[i];
            if (j->null_aware && j->probe_null_key[i] && !build_empty)
                keep = false;
            j->list[n] = i;
            n += keep;
        }
        if (n)
            *out = make_output(j, j->list, NULL, n, NULL, NULL);
        break;
    default:
        break;
    }
    if (n && !*out)
        return oom(error);
    page_unref(j->probe);
    j->probe = NULL;
    j->phase = PHASE_IDLE;
    return true;
}

static bool unmatched_build_step(lookup_join_operator *j, page **out, shoal_error *error)
{
    const join_bridge *b = j->bridge;
    uint32_t n = 0;
    while (j->build_cursor < b->row_count && n < VECTOR_SIZE) {
        j->list[n] = (uint32_t)j->build_cursor;
        n += !b->matched[j->build_cursor];
        j->build_cursor++;
    }
    if (j->build_cursor >= b->row_count)
        j->phase = PHASE_DONE;
    if (n == 0)
        return true;
    /* make_output reads probe columns from j->probe only when probe_rows is given */
    *out = make_output(j, NULL, j->list, n, NULL, NULL);
    return *out ? true : oom(error);
}

static bool lj_get_output(operator *op, page **out, shoal_error *error)
{
    lookup_join_operator *j = (lookup_join_operator *)op;
    *out = NULL;
    if (!join_bridge_is_built(j->bridge))
        return true;
    if (j->bridge->failed) {
        *error = j->bridge->error;
        return false;
    }
    while (!*out) {
        switch (j->phase) {
        case PHASE_PAIRS:
            if (!pairs_step(j, out, error))
                return false;
            break;
        case PHASE_TAIL:
            if (!tail_step(j, out, error))
                return false;
            break;
        case PHASE_IDLE:
            if (!j->finishing)
                return true;
            if (join_bridge_probe_done(j->bridge) && j->bridge->matched &&
                (j->type == OP_JOIN_RIGHT || j->type == OP_JOIN_FULL))
                j->phase = PHASE_UNMATCHED_BUILD;
            else
                j->phase = PHASE_DONE;
            break;
        case PHASE_UNMATCHED_BUILD:
            if (!unmatched_build_step(j, out, error))
                return false;
            break;
        case PHASE_DONE:
            return true;
        }
    }
    op->stats.output_bytes += page_retained_bytes(*out);
    return true;
}

static void lj_finish(operator *op)
{
    ((lookup_join_operator *)op)->finishing = true;
}

static bool lj_is_finished(operator *op)
{
    return ((lookup_join_operator *)op)->phase == PHASE_DONE;
}

static void lj_close(operator *op)
{
    lookup_join_operator *j = (lookup_join_operator *)op;
    page_unref(j->probe);
    if (j->filter)
        expr_program_free(j->filter);
    if (j->bridge)
        join_bridge_unref(j->bridge);
    free(j->probe_types);
    free(j->probe_key_channels);
    free(j->probe_output_channels);
    free(j->build_output_channels);
    free(j);
}

static const operator_ops lookup_join_ops = {
    .name = "LookupJoin",
    .needs_input = lj_needs_input,
    .add_input = lj_add_input,
    .get_output = lj_get_output,
    .finish = lj_finish,
    .is_finished = lj_is_finished,
    .is_blocked = lj_is_blocked,
    .close = lj_close,
};

static const operator_ops nested_loop_join_ops = {
    .name = "NestedLoopJoin",
    .needs_input = lj_needs_input,
    .add_input = lj_add_input,
    .get_output = lj_get_output,
    .finish = lj_finish,
    .is_finished = lj_is_finished,
    .is_blocked = lj_is_blocked,
    .close = lj_close,
};

static int *copy_ints(const int *src, int n)
{
    int *dst = malloc(sizeof(int) * (size_t)(n > 0 ? n : 1));
    if (dst && n > 0)
        memcpy(dst, src, sizeof(int) * (size_t)n);
    return dst;
}

static operator *join_create(int plan_node_id, join_bridge *bridge,
                             const lookup_join_config *config, bool nested_loop,
                             shoal_error *error)
{
    if (!nested_loop && config->key_count != bridge->key_count) {
        error_set(error, ERR_GENERIC_INTERNAL_ERROR, "Join key count mismatch");
        return NULL;
    }
    if ((config->type == OP_JOIN_RIGHT || config->type == OP_JOIN_FULL) && !bridge->track_matches) {
        error_set(error, ERR_GENERIC_INTERNAL_ERROR, "RIGHT/FULL join needs a bridge that tracks matches");
        return NULL;
    }
    lookup_join_operator *j = calloc(1, sizeof *j);
    if (!j) {
        oom(error);
        return NULL;
    }
    operator_init_header(&j->base, &lookup_join_ops, plan_node_id);
    j->bridge = join_bridge_ref(bridge);
    j->type = config->type;
    j->nested_loop = nested_loop;
    j->emit_match_flag = config->emit_match_flag;
    j->null_aware = config->null_aware;
    j->probe_column_count = config->probe_column_count;
    j->key_count = nested_loop ? 0 : config->key_count;
    j->probe_output_count = config->probe_output_count;
    j->build_output_count = config->build_output_count;
    j->probe_types = malloc(sizeof(sql_type) * (size_t)(j->probe_column_count + 1));
    j->probe_key_channels = copy_ints(config->probe_key_channels, j->key_count);
    j->probe_output_channels = copy_ints(config->probe_output_channels, j->probe_output_count);
    j->build_output_channels = copy_ints(config->build_output_channels, j->build_output_count);
    if (!j->probe_types || !j->probe_key_channels || !j->probe_output_channels ||
        !j->build_output_channels) {
        oom(error);
        lj_close(&j->base);
        return NULL;
    }
    if (j->probe_column_count > 0)
        memcpy(j->probe_types, config->probe_types, sizeof(sql_type) * (size_t)j->probe_column_count);
    if (config->residual_filter) {
        j->filter = expr_program_compile(config->residual_filter, error);
        if (!j->filter) {
            lj_close(&j->base);
            return NULL;
        }
    }
    j->phase = PHASE_IDLE;
    return &j->base;
}

operator *lookup_join_create(int plan_node_id, join_bridge *bridge,
                             const lookup_join_config *config, shoal_error *error)
{
    return join_create(plan_node_id, bridge, config, false, error);
}

operator *lookup_join_create_nested_loop(int plan_node_id, join_bridge *bridge,
                                         const lookup_join_config *config, shoal_error *error)
{
    if (bridge->key_count != 0) {
        error_set(error, ERR_GENERIC_INTERNAL_ERROR, "Nested loop join needs a key-less bridge");
        return NULL;
    }
    operator *op = join_create(plan_node_id, bridge, config, true, error);
    if (op)
        op->ops = &nested_loop_join_ops;
    return op;
}
