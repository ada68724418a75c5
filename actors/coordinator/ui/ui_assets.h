/*
 * ui_assets.h — the web UI's static files (this folder's .html, .css, .js),
 * embedded into the binary at build time by embed_ui.cmake so shoal-server
 * is self-contained. http_server.c answers GET /ui/... from this table.
 */
#ifndef SHOAL_COORDINATOR_UI_ASSETS_H
#define SHOAL_COORDINATOR_UI_ASSETS_H

#include <stddef.h>

typedef struct ui_asset {
    const char *path;            /* "/ui/index.html" */
    const char *content_type;    /* "text/html; charset=utf-8" */
    const unsigned char *data;
    size_t size;
} ui_asset;

/* The file served at `path` (a request path without the query string;
 * "/ui" and "/ui/" mean "/ui/index.html"); NULL when there is none. */
const ui_asset *ui_asset_find(const char *path);

#endif
