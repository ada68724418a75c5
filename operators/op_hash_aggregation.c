/*
 * op_hash_aggregation.c — grouping into the shared hash table (hash_table.h)
 * with the aggregate states stored in each group's row, right after its
 * keys. Per input vector: hash + find-or-insert all rows, initialise the
 * states of new groups, then one update (or merge) call per aggregate over
 * a vector of state pointers. Output walks the rows in insertion order.
 */
#include "op_hash_aggregation.h"

#include <stdlib.h>
#include <string.h>

#include "operators/hash_table.h"
#include "operators/op_memory.h"

typedef struct hash_aggregation_operator {
    operator base;
    aggregation_step step;
    int key_count;
    int *key_channels;
    sql_type *key_types;
    int aggregate_count;
    aggregate_spec *aggregates;
    uint32_t *state_offsets;           /* within the payload */
    uint32_t payload_size;
    int group_id_key;
    int global_group_id_count;
    int64_t *global_group_ids;

    int output_count;
    sql_type *output_types;

    hash_table *table;                 /* grouped */
    unsigned char *global_state;       /* global */
    bool saw_input;

    bool finishing;
    bool finished;
    uint64_t output_cursor;            /* next row to emit */
    op_memory memory;

    unsigned char *rows[VECTOR_SIZE];
    void *states[VECTOR_SIZE];
    uint32_t fresh[VECTOR_SIZE];
    uint32_t selection[VECTOR_SIZE];
} hash_aggregation_operator;

static bool oom(shoal_error *error)
{
    return error_set(error, ERR_EXCEEDED_LOCAL_MEMORY_LIMIT,
                     "Query exceeded memory in HashAggregation");
}

static void account(hash_aggregation_operator *a)
{
    uint64_t bytes = a->table ? hash_table_bytes(a->table) : a->payload_size;
    op_memory_set(&a->base, &a->memory, bytes);
}

static void init_states(hash_aggregation_operator *a, unsigned char *payload)
{
    for (int j = 0; j < a->aggregate_count; j++) {
        const aggregate_function *f = a->aggregates[j].function;
        f->init(f, payload + a->state_offsets[j]);
    }
}

/* Runs aggregate j over the page's rows whose states are in `payloads`
 * (payloads[i] for row i; all the same for a global aggregation). */
static bool aggregate_page(hash_aggregation_operator *a, int j, const page *p,
                           unsigned char *const *payloads, bool same_payload, shoal_error *error)
{
    const aggregate_spec *spec = &a->aggregates[j];
    const aggregate_function *f = spec->function;
    uint32_t offset = a->state_offsets[j];
    uint32_t count = p->row_count;
    const uint32_t *selection = NULL;
    if (spec->mask_channel >= 0) {
        vector_view mask = vector_view_of(&p->columns[spec->mask_channel]);
        const uint8_t *m = mask.data;
        uint32_t n = 0;
        for (uint32_t i = 0; i < count; i++) {
            uint32_t x = mask.selection ? mask.selection[i] : i;
            a->selection[n] = i;
            n += vector_view_valid(&mask, x) && m[x];
        }
        if (n == 0)
            return true;
        if (n < count)
            selection = a->selection;
        count = n;
    }
    if (same_payload) {
        for (uint32_t i = 0; i < count; i++)
            a->states[i] = payloads[0] + offset;
    } else if (selection) {
        for (uint32_t i = 0; i < count; i++)
            a->states[i] = payloads[selection[i]] + offset;
    } else {
        for (uint32_t i = 0; i < count; i++)
            a->states[i] = payloads[i] + offset;
    }
    int arg_count = a->step == AGGREGATION_FINAL ? 1 : spec->arg_count;
    vector sliced[AGGREGATE_MAX_ARGS];
    const vector *args[AGGREGATE_MAX_ARGS];
    int made = 0;
    bool ok = true;
    for (int k = 0; k < arg_count; k++) {
        const vector *column = &p->columns[spec->arg_channels[k]];
        if (selection) {
            if (!vector_init_dictionary(&sliced[k], column, selection, count)) {
                ok = oom(error);
                break;
            }
            made++;
            args[k] = &sliced[k];
        } else {
            args[k] = column;
        }
    }
    if (ok) {
        if (a->step == AGGREGATION_FINAL)
            ok = f->merge_intermediate(f, a->states, count, args[0], error);
        else
            ok = f->update(f, a->states, count, args, error);
    }
    for (int k = 0; k < made; k++)
        vector_destroy(&sliced[k]);
    return ok;
}

static bool insert_groups(hash_aggregation_operator *a, const vector *const *keys,
                          uint32_t count, shoal_error *error)
{
    uint32_t fresh_count = 0;
    if (!hash_table_find_or_insert(a->table, keys, NULL, count, a->rows, a->fresh, &fresh_count,
                                   error))
        return false;
    for (uint32_t i = 0; i < count; i++)
        a->rows[i] += a->table->payload_offset;
    for (uint32_t k = 0; k < fresh_count; k++)
        init_states(a, a->rows[a->fresh[k]]);
    return true;
}

static bool hagg_add_input(operator *op, page *p, shoal_error *error)
{
    hash_aggregation_operator *a = (hash_aggregation_operator *)op;
    bool ok = true;
    a->saw_input = true;
    op->stats.input_bytes += page_retained_bytes(p);
    if (a->key_count == 0) {
        unsigned char *payload = a->global_state;
        for (int j = 0; j < a->aggregate_count && ok; j++)
            ok = aggregate_page(a, j, p, &payload, true, error);
    } else {
        const vector *keys[64];
        for (int k = 0; k < a->key_count; k++)
            keys[k] = &p->columns[a->key_channels[k]];
        ok = insert_groups(a, keys, p->row_count, error);
        for (int j = 0; j < a->aggregate_count && ok; j++)
            ok = aggregate_page(a, j, p, a->rows, false, error);
        account(a);
    }
    page_unref(p);
    return ok;
}

static bool hagg_needs_input(operator *op)
{
    return !((hash_aggregation_operator *)op)->finishing;
}

/* Grouping sets whose set is empty produce their row on empty input. */
static bool add_global_groups(hash_aggregation_operator *a, shoal_error *error)
{
    for (int g = 0; g < a->global_group_id_count; g++) {
        vector keys[64];
        const vector *key_pointers[64];
        bool ok = true;
        int made = 0;
        for (int k = 0; k < a->key_count && ok; k++) {
            if (k == a->group_id_key) {
                int64_t id = a->global_group_ids[g];
                unsigned char bytes[16] = {0};
                size_t width = type_value_size(a->key_types[k]);
                /* the group id column is an integral type; store it at its width */
                switch (width) {
                case 1: { int8_t v = (int8_t)id; memcpy(bytes, &v, 1); break; }
                case 2: { int16_t v = (int16_t)id; memcpy(bytes, &v, 2); break; }
                case 4: { int32_t v = (int32_t)id; memcpy(bytes, &v, 4); break; }
                default: memcpy(bytes, &id, 8); break;
                }
                ok = vector_init_constant(&keys[k], a->key_types[k], bytes);
            } else {
                ok = vector_init_constant_null(&keys[k], a->key_types[k]);
            }
            if (ok)
                made++;
            key_pointers[k] = &keys[k];
        }
        if (ok)
            ok = insert_groups(a, key_pointers, 1, error);
        else
            oom(error);
        for (int k = 0; k < made; k++)
            vector_destroy(&keys[k]);
        if (!ok)
            return false;
    }
    return true;
}

static void hagg_finish(operator *op)
{
    hash_aggregation_operator *a = (hash_aggregation_operator *)op;
    a->finishing = true;
}

static bool write_aggregates(hash_aggregation_operator *a, page *out, uint32_t count,
                             shoal_error *error)
{
    for (int j = 0; j < a->aggregate_count; j++) {
        const aggregate_function *f = a->aggregates[j].function;
        vector *column = &out->columns[a->key_count + j];
        uint32_t offset = a->state_offsets[j];
        for (uint32_t i = 0; i < count; i++) {
            const void *state = a->rows[i] + offset;
            bool ok = a->step == AGGREGATION_PARTIAL ? f->write_intermediate(f, state, column, i)
                                                     : f->finalize(f, state, column, i, error);
            if (!ok) {
                if (!error_is_set(error))
                    oom(error);
                return false;
            }
        }
    }
    return true;
}

static bool hagg_get_output(operator *op, page **out, shoal_error *error)
{
    hash_aggregation_operator *a = (hash_aggregation_operator *)op;
    *out = NULL;
    if (!a->finishing || a->finished)
        return true;
    if (a->key_count == 0) {
        page *p = page_new(a->output_count, a->output_types, 1);
        if (!p)
            return oom(error);
        a->rows[0] = a->global_state;
        if (!write_aggregates(a, p, 1, error)) {
            page_unref(p);
            return false;
        }
        p->row_count = 1;
        a->finished = true;
        *out = p;
        return true;
    }
    if (a->output_cursor == 0 && a->table->row_count == 0 && a->step != AGGREGATION_PARTIAL &&
        a->global_group_id_count > 0 && !add_global_groups(a, error))
        return false;
    uint64_t total = a->table->row_count;
    if (a->output_cursor >= total) {
        a->finished = true;
        return true;
    }
    uint32_t count = total - a->output_cursor > VECTOR_SIZE ? VECTOR_SIZE
                                                           : (uint32_t)(total - a->output_cursor);
    page *p = page_new(a->output_count, a->output_types, count);
    if (!p)
        return oom(error);
    unsigned char *key_rows[VECTOR_SIZE];
    for (uint32_t i = 0; i < count; i++) {
        key_rows[i] = hash_table_row(a->table, a->output_cursor + i);
        a->rows[i] = key_rows[i] + a->table->payload_offset;
    }
    for (int k = 0; k < a->key_count; k++) {
        if (!hash_table_gather_key(a->table, k, key_rows, count, &p->columns[k], 0)) {
            page_unref(p);
            return oom(error);
        }
    }
    if (!write_aggregates(a, p, count, error)) {
        page_unref(p);
        return false;
    }
    p->row_count = count;
    a->output_cursor += count;
    op->stats.output_bytes += page_retained_bytes(p);
    *out = p;
    return true;
}

static bool hagg_is_finished(operator *op)
{
    return ((hash_aggregation_operator *)op)->finished;
}

static void destroy_states(hash_aggregation_operator *a, unsigned char *payload)
{
    for (int j = 0; j < a->aggregate_count; j++) {
        const aggregate_function *f = a->aggregates[j].function;
        if (f->destroy)
            f->destroy(f, payload + a->state_offsets[j]);
    }
}

static void hagg_close(operator *op)
{
    hash_aggregation_operator *a = (hash_aggregation_operator *)op;
    bool any_destroy = false;
    for (int j = 0; j < a->aggregate_count; j++)
        any_destroy |= a->aggregates[j].function->destroy != NULL;
    if (a->table) {
        if (any_destroy)
            for (uint64_t i = 0; i < a->table->row_count; i++)
                destroy_states(a, hash_table_row(a->table, i) + a->table->payload_offset);
        hash_table_free(a->table);
    }
    if (a->global_state) {
        destroy_states(a, a->global_state);
        free(a->global_state);
    }
    free(a->key_channels);
    free(a->key_types);
    free(a->aggregates);
    free(a->state_offsets);
    free(a->global_group_ids);
    free(a->output_types);
    free(a);
}

static const operator_ops hagg_ops = {
    .name = "HashAggregation",
    .needs_input = hagg_needs_input,
    .add_input = hagg_add_input,
    .get_output = hagg_get_output,
    .finish = hagg_finish,
    .is_finished = hagg_is_finished,
    .close = hagg_close,
};

operator *hash_aggregation_create(int plan_node_id, const hash_aggregation_config *config,
                                  shoal_error *error)
{
    if (config->key_count > 64 || config->key_count < 0) {
        error_set(error, ERR_NOT_SUPPORTED, "Too many grouping keys (%d)", config->key_count);
        return NULL;
    }
    hash_aggregation_operator *a = calloc(1, sizeof *a);
    if (!a) {
        oom(error);
        return NULL;
    }
    operator_init_header(&a->base, &hagg_ops, plan_node_id);
    a->step = config->step;
    a->key_count = config->key_count;
    a->aggregate_count = config->aggregate_count;
    a->group_id_key = config->group_id_key;
    a->global_group_id_count = config->global_group_id_count;
    size_t keys = (size_t)(a->key_count ? a->key_count : 1);
    size_t aggs = (size_t)(a->aggregate_count ? a->aggregate_count : 1);
    size_t globals = (size_t)(a->global_group_id_count ? a->global_group_id_count : 1);
    a->key_channels = malloc(sizeof(int) * keys);
    a->key_types = malloc(sizeof(sql_type) * keys);
    a->aggregates = malloc(sizeof(aggregate_spec) * aggs);
    a->state_offsets = malloc(sizeof(uint32_t) * aggs);
    a->global_group_ids = malloc(sizeof(int64_t) * globals);
    a->output_count = a->key_count + a->aggregate_count;
    a->output_types = malloc(sizeof(sql_type) * (keys + aggs));
    if (!a->key_channels || !a->key_types || !a->aggregates || !a->state_offsets ||
        !a->global_group_ids || !a->output_types) {
        a->aggregate_count = 0;
        oom(error);
        hagg_close(&a->base);
        return NULL;
    }
    if (a->key_count > 0) {
        memcpy(a->key_channels, config->key_channels, sizeof(int) * (size_t)a->key_count);
        memcpy(a->key_types, config->key_types, sizeof(sql_type) * (size_t)a->key_count);
    }
    if (a->aggregate_count > 0)
        memcpy(a->aggregates, config->aggregates, sizeof(aggregate_spec) * (size_t)a->aggregate_count);
    if (a->global_group_id_count)
        memcpy(a->global_group_ids, config->global_group_ids,
               sizeof(int64_t) * (size_t)a->global_group_id_count);
    uint32_t offset = 0;
    for (int j = 0; j < a->aggregate_count; j++) {
        const aggregate_spec *spec = &a->aggregates[j];
        if (!spec->function || spec->arg_count > AGGREGATE_MAX_ARGS ||
            (a->step == AGGREGATION_FINAL && spec->arg_count < 1)) {
            error_set(error, ERR_GENERIC_INTERNAL_ERROR, "Bad aggregate %d in HashAggregation", j);
            a->aggregate_count = 0;
            hagg_close(&a->base);
            return NULL;
        }
        a->state_offsets[j] = offset;
        offset += (uint32_t)((spec->function->state_size + 15) & ~(size_t)15);
        a->output_types[a->key_count + j] = a->step == AGGREGATION_PARTIAL
                                                ? spec->function->intermediate_type
                                                : spec->function->return_type;
    }
    a->payload_size = offset ? offset : 16;
    for (int k = 0; k < a->key_count; k++)
        a->output_types[k] = a->key_types[k];
    if (a->key_count == 0) {
        a->global_state = aligned_alloc(16, a->payload_size);
        if (!a->global_state) {
            oom(error);
            hagg_close(&a->base);
            return NULL;
        }
        memset(a->global_state, 0, a->payload_size);
        init_states(a, a->global_state);
    } else {
        a->table = hash_table_create(a->key_count, a->key_types, a->payload_size,
                                     config->expected_groups, error);
        if (!a->table) {
            hagg_close(&a->base);
            return NULL;
        }
    }
    account(a);
    return &a->base;
}
