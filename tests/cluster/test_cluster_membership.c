/*
 * test_cluster_membership.c — announce, heartbeat and failure detection
 * over real nng sockets on 127.0.0.1: workers become active, a worker that
 * stops heartbeating is GONE within the failure timeout, a worker with the
 * wrong environment is refused, and a gone worker that comes back is active
 * again.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "actors/cluster/announcer.h"
#include "actors/cluster/node_manager.h"
#include "runtime/runtime.h"

#include <nng/nng.h>
#include <nng/protocol/reqrep0/req.h>

static runtime *rt;

static void setup(void)
{
    runtime_config config = runtime_config_default();
    config.threads = 2;
    int error = 0;
    rt = runtime_create(&config, &error);
    cr_assert_not_null(rt);
    cr_assert_eq(runtime_start(rt), 0);
}

static void teardown(void)
{
    runtime_shutdown(rt, RUNTIME_CANCEL, 5000);
    runtime_destroy(rt);
}

/* A port the kernel just gave out on 127.0.0.1 (free right now). */
static int free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    cr_assert_eq(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    socklen_t n = sizeof a;
    getsockname(fd, (struct sockaddr *)&a, &n);
    close(fd);
    return ntohs(a.sin_port);
}

static uint64_t now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000 + (uint64_t)t.tv_nsec / 1000000;
}

/* Waits up to `ms` for the active count to reach `want`; returns the elapsed ms or -1. */
static int wait_active(node_manager *m, int want, int ms)
{
    uint64_t start = now_ms();
    while (now_ms() - start < (uint64_t)ms) {
        if (node_manager_active_count(m) == want)
            return (int)(now_ms() - start);
        usleep(10000);
    }
    return -1;
}

static announcer *start_worker(const char *url, const char *id, const char *environment)
{
    announcer_config c = {.coordinator_url = url, .heartbeat_interval_ms = 100};
    PROTO_SET(c.self.node_id, id);
    PROTO_SET(c.self.environment, environment);
    PROTO_SET(c.self.version, "test-1");
    PROTO_SET(c.self.control_endpoint, "tcp://127.0.0.1:1");
    PROTO_SET(c.self.exchange_endpoint, "tcp://127.0.0.1:2");
    shoal_error error;
    error_clear(&error);
    announcer *a = announcer_start(rt, &c, &error);
    cr_assert_not_null(a, "%s", error.message);
    return a;
}

TestSuite(cluster_membership, .init = setup, .fini = teardown, .timeout = 60);

Test(cluster_membership, announce_heartbeat_gone_and_back)
{
    char url[64];
    snprintf(url, sizeof url, "tcp://127.0.0.1:%d", free_port());
    node_manager_config config = {.control_url = url, .environment = "test", .version = "test-1",
                                  .failure_timeout_ms = 600, .check_interval_ms = 50};
    shoal_error error;
    error_clear(&error);
    node_manager *m = node_manager_start(rt, &config, &error);
    cr_assert_not_null(m, "%s", error.message);

    announcer *w1 = start_worker(url, "worker-1", "test");
    announcer *w2 = start_worker(url, "worker-2", "test");
    cr_assert_geq(wait_active(m, 2, 5000), 0, "workers did not become active");
    cr_assert(node_manager_is_active(m, "worker-1"));
    cr_assert(announcer_is_announced(w1));

    /* heartbeats keep them active well past the failure timeout */
    usleep(1000 * 1000);
    cr_assert_eq(node_manager_active_count(m), 2);
    cluster_node nodes[4];
    cr_assert_eq(node_manager_nodes(m, nodes, 4), 2);
    cr_assert_gt(nodes[0].heartbeats, 3);
    cr_assert_str_eq(nodes[0].exchange_endpoint, "tcp://127.0.0.1:2");

    /* worker-2 dies: gone within the failure timeout (+ a check interval) */
    announcer_stop(w2);
    int gone_after = wait_active(m, 1, 3000);
    cr_assert_geq(gone_after, 0, "worker-2 was never declared gone");
    cr_assert_leq(gone_after, 1500, "gone after %d ms", gone_after);
    cr_assert_not(node_manager_is_active(m, "worker-2"));
    cr_assert(node_manager_is_active(m, "worker-1"));

    /* a worker of another environment is refused and never active */
    announcer *stranger = start_worker(url, "stranger", "prod");
    usleep(500 * 1000);
    cr_assert_not(node_manager_is_active(m, "stranger"));
    cr_assert_geq(node_manager_refused_count(m), 1);
    char why[PROTO_MESSAGE_MAX];
    announcer_last_error(stranger, why, sizeof why);
    cr_assert(strstr(why, "environment"), "%s", why);
    announcer_stop(stranger);

    /* worker-2 comes back */
    w2 = start_worker(url, "worker-2", "test");
    cr_assert_geq(wait_active(m, 2, 5000), 0, "worker-2 did not come back");

    announcer_stop(w1);
    announcer_stop(w2);
    node_manager_stop(m);
}

Test(cluster_membership, garbage_on_the_control_socket_is_answered_not_fatal)
{
    char url[64];
    snprintf(url, sizeof url, "tcp://127.0.0.1:%d", free_port());
    node_manager_config config = {.control_url = url, .environment = "test", .version = "test-1"};
    shoal_error error;
    error_clear(&error);
    node_manager *m = node_manager_start(rt, &config, &error);
    cr_assert_not_null(m, "%s", error.message);
    nng_socket s;
    cr_assert_eq(nng_req0_open(&s), 0);
    nng_socket_set_ms(s, NNG_OPT_RECVTIMEO, 3000);
    cr_assert_eq(nng_dial(s, url, NULL, 0), 0);
    for (int i = 0; i < 20; i++) {
        unsigned char junk[64];
        for (size_t k = 0; k < sizeof junk; k++)
            junk[k] = (unsigned char)(k * 31 + (size_t)i * 7);
        cr_assert_eq(nng_send(s, junk, sizeof junk, 0), 0);
        char *reply = NULL;
        size_t n = 0;
        cr_assert_eq(nng_recv(s, &reply, &n, NNG_FLAG_ALLOC), 0);
        proto_message ack;
        cr_assert(proto_decode(reply, n, &ack, &error));
        cr_assert_eq(ack.type, PROTO_ACK);
        cr_assert_eq(ack.u.ack.error_code, ERR_SERIALIZATION_ERROR);
        nng_free(reply, n);
    }
    nng_close(s);
    /* still serving */
    announcer *w = start_worker(url, "worker-1", "test");
    cr_assert_geq(wait_active(m, 1, 5000), 0);
    announcer_stop(w);
    node_manager_stop(m);
}
