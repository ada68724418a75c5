/*
 * test_log.c - logging: per-subsystem levels, file output, and that a
 * disabled line does not evaluate its arguments.
 */
#include "runtime/errors.h"
#include "runtime/log.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static log_subsystem net_log = LOG_SUBSYSTEM_INIT("net");
static log_subsystem sql_log = LOG_SUBSYSTEM_INIT("sql");

static int evaluated;
static int side_effect(void)
{
    return ++evaluated;
}

Test(log, levels_per_subsystem_and_file_output)
{
    char path[] = "/tmp/shoal-log-XXXXXX";
    int fd = mkstemp(path);
    close(fd);
    cr_assert_eq(log_set_file(path), 0);
    cr_assert_eq(log_configure("warn,net=debug"), 0);
    cr_expect(log_enabled(&net_log, LOG_LEVEL_DEBUG));
    cr_expect_not(log_enabled(&sql_log, LOG_LEVEL_INFO));
    log_debug(&net_log, "connected to %s:%d", "worker-1", 8080);
    log_info(&sql_log, "not shown %d", side_effect());
    log_error(&sql_log, "shown");
    cr_expect_eq(evaluated, 0, "a disabled line evaluates nothing");
    log_set_level("sql", LOG_LEVEL_OFF);
    log_error(&sql_log, "hidden");
    cr_expect_eq(log_configure("bogus"), SHOAL_EINVAL);
    log_reset();
    char buf[2048] = {0};
    FILE *f = fopen(path, "r");
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    unlink(path);
    buf[n] = 0;
    cr_expect(strstr(buf, "debug [net] connected to worker-1:8080") != NULL, "%s", buf);
    cr_expect(strstr(buf, "error [sql] shown") != NULL, "%s", buf);
    cr_expect(strstr(buf, "not shown") == NULL);
    cr_expect(strstr(buf, "hidden") == NULL);
}
