/*
 * server_mode.h — shoal-server's server mode: `shoal-server --etc DIR`
 * (no --execute/--file) runs the coordinator's REST API until SIGTERM/SIGINT.
 */
#ifndef SHOAL_TOOLS_SERVER_MODE_H
#define SHOAL_TOOLS_SERVER_MODE_H

typedef struct server_mode_options {
    const char *etc;      /* DIR with config.properties, node.properties, catalog/ */
    int threads;          /* scheduler threads; 0: shoal.worker-threads, else one per core */
} server_mode_options;

/* Returns the process exit status. */
int run_server(const server_mode_options *options);

#endif
