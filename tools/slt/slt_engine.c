/*
 * slt_engine.c — running sqllogictest statements on an in-process engine
 * and turning result pages into rendered sqllogictest values.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "actors/engine/engine.h"
#include "actors/engine/query.h"
#include "actors/engine/session.h"
#include "connectors/spi/text_builder.h"
#include "connectors/spi/value.h"
#include "connectors/spi/value_format.h"
#include "tools/slt/slt_engine.h"
#include "tools/slt/slt_value.h"

struct slt_engine {
    engine *engine;
    session *session;
    int schema_number;
    char schema[64];
};

double slt_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

slt_engine *slt_engine_open(int threads, char *error, size_t error_size)
{
    slt_engine *e = calloc(1, sizeof *e);
    if (!e) {
        snprintf(error, error_size, "out of memory");
        return NULL;
    }
    shoal_error err;
    error_clear(&err);
    engine_config config = {.threads = threads, .etc_dir = NULL};
    e->engine = engine_create(&config, &err);
    if (!e->engine) {
        snprintf(error, error_size, "engine_create: %s (%s)", err.message, error_name(err.code));
        free(e);
        return NULL;
    }
    return e;
}

/* Runs a statement whose result does not matter; true when it succeeded. */
static bool run_quietly(slt_engine *e, session *s, const char *sql, char *error, size_t error_size)
{
    slt_result r;
    session *saved = e->session;
    e->session = s;
    slt_engine_run(e, sql, NULL, slt_now() + 60, &r);
    e->session = saved;
    bool ok = r.ok;
    if (!ok)
        snprintf(error, error_size, "%s: %s (%s)", sql, r.error_message ? r.error_message : "?", r.error_name);
    slt_result_free(&r);
    return ok;
}

static void drop_current_schema(slt_engine *e)
{
    if (!e->session)
        return;
    char sql[160], ignored[512];
    snprintf(sql, sizeof sql, "DROP SCHEMA IF EXISTS memory.%s CASCADE", e->schema);
    if (!run_quietly(e, e->session, sql, ignored, sizeof ignored)) {
        /* no CASCADE yet: the tables stay until the process ends */
    }
    session_free(e->session);
    e->session = NULL;
}

void slt_engine_close(slt_engine *e)
{
    if (!e)
        return;
    drop_current_schema(e);
    engine_destroy(e->engine);
    free(e);
}

bool slt_engine_begin_file(slt_engine *e, char *error, size_t error_size)
{
    drop_current_schema(e);
    e->schema_number++;
    snprintf(e->schema, sizeof e->schema, "slt_%d", e->schema_number);
    session *s = session_new("slt", "memory", NULL);
    if (!s) {
        snprintf(error, error_size, "out of memory");
        return false;
    }
    char sql[160];
    snprintf(sql, sizeof sql, "CREATE SCHEMA memory.%s", e->schema);
    if (!run_quietly(e, s, sql, error, error_size)) {
        session_free(s);
        return false;
    }
    snprintf(sql, sizeof sql, "USE memory.%s", e->schema);
    if (!run_quietly(e, s, sql, error, error_size)) {
        session_free(s);
        return false;
    }
    e->session = s;
    return true;
}

/* One engine value as a cell; `scratch` holds text the cell points at. */
static slt_cell cell_of(const vector *v, uint32_t row, text_builder *scratch, value *holder)
{
    slt_cell c;
    memset(&c, 0, sizeof c);
    if (vector_is_null(v, row))
        return c;
    switch (v->type.kind) {
    case TYPE_BOOLEAN:
    case TYPE_TINYINT:
    case TYPE_SMALLINT:
    case TYPE_INTEGER:
    case TYPE_BIGINT:
    case TYPE_REAL:
    case TYPE_DOUBLE:
    case TYPE_DECIMAL:
    case TYPE_VARCHAR:
    case TYPE_CHAR:
        *holder = value_load(v, row);
        break;
    default:
        text_builder_clear(scratch);
        value_format_text(v, row, scratch);
        c.kind = SLT_CELL_TEXT;
        c.text = text_builder_cstr(scratch);
        c.length = scratch->length;
        return c;
    }
    const value *val = holder;
    if (val->is_null)
        return c;
    switch (v->type.kind) {
    case TYPE_BOOLEAN: c.kind = SLT_CELL_BOOL; c.i = val->u.boolean ? 1 : 0; break;
    case TYPE_TINYINT:
    case TYPE_SMALLINT:
    case TYPE_INTEGER:
    case TYPE_BIGINT: c.kind = SLT_CELL_INT; c.i = val->u.i64; break;
    case TYPE_REAL: c.kind = SLT_CELL_FLOAT; c.d = val->u.f32; break;
    case TYPE_DOUBLE: c.kind = SLT_CELL_FLOAT; c.d = val->u.f64; break;
    case TYPE_DECIMAL:
        c.kind = SLT_CELL_DECIMAL;
        c.scale = v->type.scale;
        c.unscaled = v->type.precision > DECIMAL_MAX_SHORT_PRECISION ? val->u.i128 : (__int128)val->u.i64;
        break;
    default:
        c.kind = SLT_CELL_TEXT;
        c.text = string_view_data(&holder->u.string);
        c.length = holder->u.string.length;
        break;
    }
    return c;
}

static bool append_page(slt_result *out, const page *p, const char *types, long *capacity)
{
    long need = out->value_count + (long)p->row_count * p->column_count;
    if (need > *capacity) {
        long grown = *capacity ? *capacity : 64;
        while (grown < need)
            grown *= 2;
        char **values = realloc(out->values, sizeof *values * (size_t)grown);
        if (!values)
            return false;
        out->values = values;
        *capacity = grown;
    }
    text_builder scratch;
    text_builder_init(&scratch);
    bool ok = true;
    for (uint32_t row = 0; row < p->row_count && ok; row++) {
        for (int c = 0; c < p->column_count; c++) {
            value holder;
            slt_cell cell = cell_of(&p->columns[c], row, &scratch, &holder);
            char *s = slt_render(&cell, types[c]);
            if (!s) {
                ok = false;
                break;
            }
            out->values[out->value_count++] = s;
        }
    }
    text_builder_free(&scratch);
    return ok;
}

static void set_error(slt_result *out, const char *name, const char *message)
{
    out->ok = false;
    snprintf(out->error_name, sizeof out->error_name, "%s", name);
    free(out->error_message);
    out->error_message = strdup(message ? message : "");
}

void slt_engine_run(slt_engine *e, const char *sql, const char *types, double deadline, slt_result *out)
{
    memset(out, 0, sizeof *out);
    query *q = query_submit(e->engine, e->session, sql);
    if (!q) {
        set_error(out, "EXCEEDED_LOCAL_MEMORY_LIMIT", "out of memory");
        return;
    }
    bool render = false;
    long capacity = 0;
    for (;;) {
        page *p = NULL;
        shoal_error error;
        error_clear(&error);
        query_fetch_status status = query_fetch(q, &p, 200, &error);
        if (status == QUERY_FETCH_WAITING) {
            if (deadline > 0 && slt_now() > deadline) {
                query_cancel(q);
                out->timed_out = true;
                set_error(out, "TIME_LIMIT", "the per-file time limit passed");
                break;
            }
            continue;
        }
        if (status == QUERY_FETCH_FAILED) {
            set_error(out, error_name(error.code), error.message);
            break;
        }
        if (!render && out->column_count == 0) {
            out->column_count = query_update_type(q) ? 0 : query_column_count(q);
            render = types && out->column_count == (int)strlen(types);
        }
        if (status == QUERY_FETCH_DONE) {
            out->ok = true;
            break;
        }
        if (render && !append_page(out, p, types, &capacity)) {
            page_unref(p);
            set_error(out, "EXCEEDED_LOCAL_MEMORY_LIMIT", "out of memory rendering values");
            break;
        }
        page_unref(p);
    }
    if (out->ok && types && !render) {
        /* wrong column count: nothing rendered; the runner reports it */
    }
    query_free(q);
}

void slt_result_free(slt_result *r)
{
    for (long i = 0; i < r->value_count; i++)
        free(r->values[i]);
    free(r->values);
    free(r->error_message);
    memset(r, 0, sizeof *r);
}
