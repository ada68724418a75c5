/*
 * poller.c - the per-scheduler epoll instance, its eventfd wake-up, and fd
 * watches (poller.h).
 *
 * Watches use EPOLLONESHOT: an fd is registered disarmed, armed by
 * fd_watch_arm, and disarmed by the kernel once it reports. The event carries
 * the watch pointer; watches are only opened, armed, closed and dispatched on
 * the scheduler thread that owns the epoll (the actor is pinned there), so the
 * pointer can not go stale between epoll_wait and dispatch.
 */
#include "runtime/poller.h"

#include "runtime/actor.h"
#include "runtime/errors.h"
#include "runtime/internal.h"
#include "runtime/log.h"

#include <errno.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#define POLLER_BATCH 64

static log_subsystem poller_log = LOG_SUBSYSTEM_INIT("poller");

void actor_unpin(actor *self);

int poller_init(poller *p)
{
    p->watch_count = 0;
    p->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
    if (p->epoll_fd < 0)
        return SHOAL_ESYSTEM;
    p->event_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (p->event_fd < 0) {
        close(p->epoll_fd);
        return SHOAL_ESYSTEM;
    }
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL};
    if (epoll_ctl(p->epoll_fd, EPOLL_CTL_ADD, p->event_fd, &ev) != 0) {
        close(p->event_fd);
        close(p->epoll_fd);
        return SHOAL_ESYSTEM;
    }
    return 0;
}

void poller_fini(poller *p)
{
    close(p->event_fd);
    close(p->epoll_fd);
}

void poller_wake(poller *p)
{
    uint64_t one = 1;
    ssize_t n = write(p->event_fd, &one, sizeof one);
    (void)n; /* EAGAIN means the counter is already non-zero: awake anyway */
}

static uint32_t poller_map_events(uint32_t ev)
{
    uint32_t out = 0;
    if (ev & (EPOLLIN | EPOLLRDHUP))
        out |= FD_READABLE;
    if (ev & EPOLLOUT)
        out |= FD_WRITABLE;
    if (ev & (EPOLLERR | EPOLLHUP))
        out |= FD_ERROR | FD_READABLE | FD_WRITABLE;
    return out;
}

static void poller_dispatch(poller *p, struct epoll_event *ev)
{
    if (ev->data.ptr == NULL) {
        uint64_t v;
        ssize_t n = read(p->event_fd, &v, sizeof v);
        (void)n;
        return;
    }
    fd_watch *w = ev->data.ptr;
    uint32_t got = poller_map_events(ev->events);
    w->ready |= got & (w->armed | FD_ERROR);
    w->armed = 0;
    if (w->ready && w->actor)
        actor_wake(w->actor);
}

int poller_wait(poller *p, int timeout_ms)
{
    struct epoll_event evs[POLLER_BATCH];
    int n = epoll_wait(p->epoll_fd, evs, POLLER_BATCH, timeout_ms);
    if (n < 0) {
        if (errno != EINTR)
            log_error(&poller_log, "epoll_wait: %s", strerror(errno));
        return 0;
    }
    for (int i = 0; i < n; i++)
        poller_dispatch(p, &evs[i]);
    return n;
}

int fd_watch_open(fd_watch *w, int fd)
{
    actor *self = actor_self();
    scheduler *s = scheduler_current();
    if (self == NULL || s == NULL || fd < 0)
        return SHOAL_ESTATE;
    memset(w, 0, sizeof *w);
    w->fd = fd;
    w->actor = self;
    w->sched = s;
    struct epoll_event ev = {.events = EPOLLONESHOT, .data.ptr = w};
    if (epoll_ctl(s->poller.epoll_fd, EPOLL_CTL_ADD, fd, &ev) != 0) {
        log_warn(&poller_log, "epoll_ctl add fd %d: %s", fd, strerror(errno));
        return SHOAL_ESYSTEM;
    }
    w->open = true;
    s->poller.watch_count++;
    actor_pin_here(self);
    return 0;
}

int fd_watch_arm(fd_watch *w, uint32_t events)
{
    if (!w->open)
        return SHOAL_ESTATE;
    uint32_t ep = EPOLLONESHOT | EPOLLRDHUP;
    if (events & FD_READABLE)
        ep |= EPOLLIN;
    if (events & FD_WRITABLE)
        ep |= EPOLLOUT;
    struct epoll_event ev = {.events = ep, .data.ptr = w};
    if (epoll_ctl(w->sched->poller.epoll_fd, EPOLL_CTL_MOD, w->fd, &ev) != 0)
        return SHOAL_ESYSTEM;
    w->armed = events;
    return 0;
}

uint32_t fd_watch_take_ready(fd_watch *w)
{
    uint32_t r = w->ready;
    w->ready = 0;
    return r;
}

int fd_wait(fd_watch *w, uint32_t events, task *t)
{
    if (w->ready & (events | FD_ERROR)) {
        w->ready &= ~(events | FD_ERROR);
        return 0;
    }
    if ((w->armed & events) != events) {
        int rc = fd_watch_arm(w, events);
        if (rc != 0)
            return rc;
    }
    t->waiting_on = WAIT_FD;
    t->wait_object = w;
    return SHOAL_EAGAIN;
}

void fd_watch_close(fd_watch *w)
{
    if (!w->open)
        return;
    epoll_ctl(w->sched->poller.epoll_fd, EPOLL_CTL_DEL, w->fd, NULL);
    w->sched->poller.watch_count--;
    w->open = false;
    w->armed = 0;
    if (w->actor)
        actor_unpin(w->actor);
    w->actor = NULL;
}
