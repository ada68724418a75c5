/*
 * poller.h - waiting for file descriptor readiness from actors and tasks.
 *
 * Each scheduler has an epoll instance (and an eventfd used to wake it when
 * it is parked). An actor that watches an fd is pinned to the scheduler whose
 * epoll holds it, so registration, events and close all happen on one thread.
 * Watches are one-shot: arm for readable and/or writable, get woken once when
 * it is, re-arm when you want more.
 *
 *     fd_watch_open(&st->watch, sock);                         // in a turn; pins the actor
 *     CO_AWAIT(t, rc, fd_wait(&st->watch, FD_READABLE, t));    // BLOCKED(fd)
 *     n = read(sock, ...);                                      // non-blocking fd
 *     ...
 *     fd_watch_close(&st->watch);                               // does not close the fd
 */
#ifndef SHOAL_RUNTIME_POLLER_H
#define SHOAL_RUNTIME_POLLER_H

#include "runtime/task.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct scheduler scheduler;

enum {
    FD_READABLE = 1u << 0,
    FD_WRITABLE = 1u << 1,
    FD_ERROR = 1u << 2, /* hang-up or error; reported with the armed events */
};

typedef struct fd_watch {
    int fd;
    uint32_t armed;    /* events asked for and not yet seen */
    uint32_t ready;    /* events seen and not yet taken */
    bool open;
    actor *actor;
    scheduler *sched;
} fd_watch;

/* In a turn: registers `fd` (non-blocking, owned by the caller) with the
 * current scheduler's epoll and pins the actor there. */
int fd_watch_open(fd_watch *w, int fd);
/* Asks for a wake-up when any of `events` is ready. */
int fd_watch_arm(fd_watch *w, uint32_t events);
/* Returns and clears the ready events. */
uint32_t fd_watch_take_ready(fd_watch *w);
/* 0 if one of `events` is already ready (taken); else arms and returns
 * SHOAL_EAGAIN (BLOCKED(fd)). */
int fd_wait(fd_watch *w, uint32_t events, task *t);
/* Unregisters the fd (does not close it) and unpins. */
void fd_watch_close(fd_watch *w);

#endif
