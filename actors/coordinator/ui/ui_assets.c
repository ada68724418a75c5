/*
 * ui_assets.c — looks a request path up in the embedded table that the
 * build generates (coordinator_ui_assets.c in the build tree). Only exact
 * names match, so no path can reach anything but these files.
 */
#include "actors/coordinator/ui/ui_assets.h"

#include <string.h>

extern const ui_asset ui_asset_table[];
extern const size_t ui_asset_table_count;

const ui_asset *ui_asset_find(const char *path)
{
    if (strcmp(path, "/ui") == 0 || strcmp(path, "/ui/") == 0)
        path = "/ui/index.html";
    for (size_t i = 0; i < ui_asset_table_count; i++)
        if (strcmp(ui_asset_table[i].path, path) == 0)
            return &ui_asset_table[i];
    return NULL;
}
