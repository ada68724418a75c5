/*
 * query_results_json.c — writes QueryResults documents (Trino's
 * client/QueryResults.java, StatementStats, QueryError, FailureInfo,
 * Column, ClientTypeSignature) by hand into a text_builder.
 */
#include "query_results_json.h"

#include <stdio.h>
#include <string.h>

#include "actors/coordinator/json_text.h"
#include "connectors/spi/value_format.h"

/* ---- types ------------------------------------------------------------------------ */

static bool is_datetime(type_kind kind)
{
    return kind == TYPE_TIME || kind == TYPE_TIMESTAMP || kind == TYPE_TIMESTAMP_TZ;
}

/* Without PARAMETRIC_DATETIME, "timestamp(3) with time zone" is
 * "timestamp with time zone", also inside array/map/row. */
static void strip_datetime_precision(char *text)
{
    char *out = text;
    for (char *p = text; *p;) {
        bool at_word = p == text || !(p[-1] == '_' || (p[-1] >= 'a' && p[-1] <= 'z'));
        size_t word = 0;
        if (at_word && strncmp(p, "timestamp(", 10) == 0)
            word = 9;
        else if (at_word && strncmp(p, "time(", 5) == 0)
            word = 4;
        if (word) {
            memmove(out, p, word);
            out += word;
            p += word + 1;
            while (*p >= '0' && *p <= '9')
                p++;
            if (*p == ')')
                p++;
            continue;
        }
        *out++ = *p++;
    }
    *out = '\0';
}

bool query_results_json_type_name(sql_type type, bool parametric_datetime, text_builder *out)
{
    char text[TYPE_NAME_MAX];
    size_t n = type_format(type, true, text, sizeof text);
    if (n >= sizeof text)
        return false;
    if (!parametric_datetime)
        strip_datetime_precision(text);
    json_string(out, text);
    return text_builder_ok(out);
}

static const char *raw_type(sql_type type)
{
    switch (type.kind) {
    case TYPE_VARCHAR: return "varchar";
    case TYPE_CHAR: return "char";
    case TYPE_DECIMAL: return "decimal";
    case TYPE_TIME: return "time";
    case TYPE_TIMESTAMP: return "timestamp";
    case TYPE_TIMESTAMP_TZ: return "timestamp with time zone";
    case TYPE_ARRAY: return "array";
    case TYPE_MAP: return "map";
    case TYPE_ROW: return "row";
    default: return NULL;
    }
}

static void long_argument(text_builder *out, bool *first, int64_t value)
{
    if (!*first)
        text_builder_putc(out, ',');
    *first = false;
    text_builder_printf(out, "{\"kind\":\"LONG\",\"value\":%lld}", (long long)value);
}

bool query_results_json_type_signature(sql_type type, bool parametric_datetime, text_builder *out)
{
    const char *raw = raw_type(type);
    char text[TYPE_NAME_MAX];
    if (!raw) {
        type_format(type, true, text, sizeof text);
        raw = text;
    }
    text_builder_append_cstr(out, "{\"rawType\":");
    json_string(out, raw);
    text_builder_append_cstr(out, ",\"arguments\":[");
    bool first = true;
    switch (type.kind) {
    case TYPE_VARCHAR:
        long_argument(out, &first, type.length == VARCHAR_UNBOUNDED ? 2147483647 : type.length);
        break;
    case TYPE_CHAR:
        long_argument(out, &first, type.length);
        break;
    case TYPE_DECIMAL:
        long_argument(out, &first, type.precision);
        long_argument(out, &first, type.scale);
        break;
    case TYPE_ARRAY:
    case TYPE_MAP:
        for (int i = 0; i < type.composite->field_count; i++) {
            if (i)
                text_builder_putc(out, ',');
            text_builder_append_cstr(out, "{\"kind\":\"TYPE\",\"value\":");
            query_results_json_type_signature(type.composite->field_types[i], parametric_datetime, out);
            text_builder_putc(out, '}');
        }
        break;
    case TYPE_ROW:
        for (int i = 0; i < type.composite->field_count; i++) {
            if (i)
                text_builder_putc(out, ',');
            text_builder_append_cstr(out, "{\"kind\":\"NAMED_TYPE\",\"value\":{");
            const char *name = type.composite->field_names ? type.composite->field_names[i] : NULL;
            if (name) {
                text_builder_append_cstr(out, "\"fieldName\":{\"name\":");
                json_string(out, name);
                text_builder_append_cstr(out, "},");
            }
            text_builder_append_cstr(out, "\"typeSignature\":");
            query_results_json_type_signature(type.composite->field_types[i], parametric_datetime, out);
            text_builder_append_cstr(out, "}}");
        }
        break;
    default:
        if (is_datetime(type.kind) && parametric_datetime)
            long_argument(out, &first, type.precision);
        break;
    }
    text_builder_append_cstr(out, "]}");
    return text_builder_ok(out);
}

/* ---- rows ---------------------------------------------------------------------------- */

bool query_results_json_rows(const page *p, uint32_t from, uint32_t to, bool first, text_builder *out)
{
    for (uint32_t row = from; row < to; row++) {
        if (!first)
            text_builder_putc(out, ',');
        first = false;
        text_builder_putc(out, '[');
        for (int c = 0; c < p->column_count; c++) {
            if (c)
                text_builder_putc(out, ',');
            if (!value_format_json(&p->columns[c], row, out)) {
                /* a value we cannot format (e.g. a zone without a table) */
                if (!text_builder_ok(out))
                    return false;
                text_builder_append_cstr(out, "null");
            }
        }
        text_builder_putc(out, ']');
    }
    return text_builder_ok(out);
}

/* ---- error ----------------------------------------------------------------------------- */

static void error_location(json_out *o, const shoal_error *e)
{
    char location[64];
    snprintf(location, sizeof location, "{\"lineNumber\":%d,\"columnNumber\":%d}", e->line,
             e->column > 0 ? e->column : 1);
    json_member_raw(o, "errorLocation", location);
}

bool query_results_json_error(const shoal_error *e, text_builder *out)
{
    char message[ERROR_MESSAGE_MAX + 64];
    const char *text = e->message[0] ? e->message : "Internal error";
    if (e->line > 0)
        snprintf(message, sizeof message, "line %d:%d: %s", e->line, e->column > 0 ? e->column : 1, text);
    else
        snprintf(message, sizeof message, "%s", text);
    json_out o;
    json_begin_object(&o, out);
    json_member_string(&o, "message", message);
    json_member_int(&o, "errorCode", error_number(e->code));
    json_member_string(&o, "errorName", error_name(e->code));
    json_member_string(&o, "errorType", error_type_name(error_type_of(e->code)));
    if (e->line > 0)
        error_location(&o, e);
    json_key(&o, "failureInfo");
    json_out f;
    json_begin_object(&f, out);
    json_member_string(&f, "type", e->code == ERR_SYNTAX_ERROR ? "io.trino.sql.parser.ParsingException"
                                                                 : "io.trino.spi.TrinoException");
    json_member_string(&f, "message", message);
    json_member_raw(&f, "suppressed", "[]");
    json_member_raw(&f, "stack", "[]");
    if (e->line > 0)
        error_location(&f, e);
    json_end_object(&f);
    json_end_object(&o);
    return text_builder_ok(out);
}

/* ---- the document ---------------------------------------------------------------------- */

static void write_stats(json_out *o, const statement_stats *s)
{
    json_key(o, "stats");
    json_out st;
    json_begin_object(&st, o->b);
    json_member_string(&st, "state", s->state);
    json_member_bool(&st, "queued", s->queued);
    json_member_bool(&st, "scheduled", s->scheduled);
    double percentage;
    stage_counters splits = {.total_splits = s->total_splits, .completed_splits = s->completed_splits};
    if (s->scheduled && query_stages_progress_percentage(&splits, &percentage))
        json_member_double(&st, "progressPercentage", percentage);
    json_member_int(&st, "nodes", s->nodes);
    json_member_int(&st, "totalSplits", s->total_splits);
    json_member_int(&st, "queuedSplits", s->queued_splits);
    json_member_int(&st, "runningSplits", s->running_splits);
    json_member_int(&st, "completedSplits", s->completed_splits);
    json_member_int(&st, "cpuTimeMillis", s->cpu_time_ms);
    json_member_int(&st, "wallTimeMillis", s->wall_time_ms);
    json_member_int(&st, "queuedTimeMillis", s->queued_time_ms);
    json_member_int(&st, "elapsedTimeMillis", s->elapsed_time_ms);
    json_member_int(&st, "processedRows", s->processed_rows);
    json_member_int(&st, "processedBytes", s->processed_bytes);
    json_member_int(&st, "physicalInputBytes", s->root_stage ? s->processed_bytes : 0);
    json_member_int(&st, "peakMemoryBytes", s->peak_memory_bytes);
    json_member_int(&st, "spilledBytes", 0);
    if (s->root_stage) {
        json_key(&st, "rootStage");
        query_stages_write_root_stage(s->root_stage, o->b);
    }
    json_end_object(&st);
}

static void write_columns(json_out *o, const query_results *r)
{
    json_key(o, "columns");
    text_builder *b = o->b;
    text_builder_putc(b, '[');
    for (int i = 0; i < r->column_count; i++) {
        if (i)
            text_builder_putc(b, ',');
        text_builder_append_cstr(b, "{\"name\":");
        json_string(b, r->columns[i].name ? r->columns[i].name : "");
        text_builder_append_cstr(b, ",\"type\":");
        query_results_json_type_name(r->columns[i].type, r->parametric_datetime, b);
        text_builder_append_cstr(b, ",\"typeSignature\":");
        query_results_json_type_signature(r->columns[i].type, r->parametric_datetime, b);
        text_builder_putc(b, '}');
    }
    text_builder_putc(b, ']');
}

bool query_results_json_write(const query_results *r, text_builder *out)
{
    json_out o;
    json_begin_object(&o, out);
    json_member_string(&o, "id", r->id);
    json_member_string(&o, "infoUri", r->info_uri);
    json_member_string(&o, "partialCancelUri", r->partial_cancel_uri);
    json_member_string(&o, "nextUri", r->next_uri);
    if (r->has_columns)
        write_columns(&o, r);
    if (r->rows_json && r->rows_json[0]) {
        json_key(&o, "data");
        text_builder_putc(out, '[');
        text_builder_append_cstr(out, r->rows_json);
        text_builder_putc(out, ']');
    }
    write_stats(&o, &r->stats);
    if (r->error) {
        json_key(&o, "error");
        query_results_json_error(r->error, out);
    }
    json_member_raw(&o, "warnings", "[]");
    json_member_string(&o, "updateType", r->update_type);
    if (r->has_update_count)
        json_member_int(&o, "updateCount", r->update_count);
    json_end_object(&o);
    return text_builder_ok(out);
}
