/*
 * resource_group_resource.c — GET /v1/resourceGroupState/{id}: one resource
 * group's live state as Trino's ResourceGroupInfo JSON. The id comes in
 * Trino's path form, one segment per level (/v1/resourceGroupState/admin/adhoc
 * is the group `admin.adhoc`). 404 for an unknown group or without resource
 * groups. Field names as Trino: id (array of segments), state (CAN_RUN /
 * CAN_QUEUE / FULL), schedulingPolicy (FAIR, WEIGHTED, WEIGHTED_FAIR,
 * QUERY_PRIORITY), schedulingWeight, softMemoryLimit / memoryUsage (airlift
 * DataSize text "NB"), softConcurrencyLimit, hardConcurrencyLimit,
 * maxQueuedQueries, numQueuedQueries, numRunningQueries, subGroups.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actors/coordinator/coordinator_state.h"
#include "actors/coordinator/json_text.h"

static const char prefix[] = "/v1/resourceGroupState/";

/* "/v1/resourceGroupState/admin/adhoc" → "admin.adhoc"; false when malformed. */
static bool group_id_from_path(const char *path, char *out, size_t size)
{
    if (strncmp(path, prefix, sizeof prefix - 1) != 0)
        return false;
    const char *p = path + sizeof prefix - 1;
    size_t n = 0;
    bool segment_start = true;
    for (; *p; p++) {
        if (*p == '/') {
            if (segment_start)
                return false;   /* empty segment */
            segment_start = true;
            if (p[1] == '\0')
                break;          /* a trailing slash */
            if (n + 1 >= size)
                return false;
            out[n++] = '.';
            continue;
        }
        if (n + 1 >= size)
            return false;
        out[n++] = *p;
        segment_start = false;
    }
    out[n] = '\0';
    return n > 0;
}

static void write_upper(text_builder *b, const char *s)
{
    text_builder_putc(b, '"');
    for (; *s; s++)
        text_builder_putc(b, (char)toupper((unsigned char)*s));
    text_builder_putc(b, '"');
}

static void write_group(const resource_group_state *g, text_builder *b)
{
    json_out o;
    json_begin_object(&o, b);
    json_key(&o, "id");
    text_builder_putc(b, '[');
    const char *segment = g->id;
    for (bool first = true; segment; first = false) {
        const char *dot = strchr(segment, '.');
        size_t length = dot ? (size_t)(dot - segment) : strlen(segment);
        char *name = strndup(segment, length);
        if (!first)
            text_builder_putc(b, ',');
        json_string(b, name ? name : "");
        free(name);
        segment = dot ? dot + 1 : NULL;
    }
    text_builder_putc(b, ']');
    bool can_queue = g->queued_queries < g->max_queued_queries;
    json_member_string(&o, "state", g->can_run_more ? "CAN_RUN" : can_queue ? "CAN_QUEUE" : "FULL");
    json_key(&o, "schedulingPolicy");
    write_upper(b, g->scheduling_policy ? g->scheduling_policy : "fair");
    json_member_int(&o, "schedulingWeight", g->scheduling_weight);
    char size[32];
    snprintf(size, sizeof size, "%" PRId64 "B", g->soft_memory_limit_bytes);
    json_member_string(&o, "softMemoryLimit", size);
    json_member_int(&o, "softConcurrencyLimit", g->soft_concurrency_limit);
    json_member_int(&o, "hardConcurrencyLimit", g->hard_concurrency_limit);
    json_member_int(&o, "maxQueuedQueries", g->max_queued_queries);
    snprintf(size, sizeof size, "%" PRId64 "B", g->memory_usage_bytes);
    json_member_string(&o, "memoryUsage", size);
    json_member_int(&o, "numQueuedQueries", g->queued_queries);
    json_member_int(&o, "numRunningQueries", g->running_queries);
    int64_t eligible = 0;
    for (size_t i = 0; i < g->sub_group_count; i++)
        eligible += g->sub_groups[i].queued_queries > 0;
    json_member_int(&o, "numEligibleSubGroups", eligible);
    json_key(&o, "subGroups");
    text_builder_putc(b, '[');
    for (size_t i = 0; i < g->sub_group_count; i++) {
        if (i)
            text_builder_putc(b, ',');
        write_group(&g->sub_groups[i], b);
    }
    text_builder_putc(b, ']');
    json_end_object(&o);
}

void resource_group_resource_handle(void *context, http_request *r)
{
    coordinator *c = context;
    if (strcmp(http_request_method(r), "GET") != 0) {
        http_request_respond_text(r, 405, "Method not allowed");
        return;
    }
    char id[512];
    if (!c->config.resource_manager || !group_id_from_path(http_request_path(r), id, sizeof id)) {
        http_request_respond_text(r, 404, "Resource group not found");
        return;
    }
    resource_manager_state state;
    if (!resource_manager_state_get(c->config.resource_manager, &state)) {
        http_request_respond_text(r, 500, "Out of memory");
        return;
    }
    const resource_group_state *g = resource_manager_state_find(&state, id);
    if (!g) {
        resource_manager_state_free(&state);
        http_request_respond_text(r, 404, "Resource group not found");
        return;
    }
    text_builder out;
    text_builder_init(&out);
    write_group(g, &out);
    resource_manager_state_free(&state);
    if (text_builder_ok(&out))
        http_request_respond(r, 200, "application/json", text_builder_cstr(&out), out.length, NULL);
    else
        http_request_respond_text(r, 500, "Out of memory");
    text_builder_free(&out);
}
