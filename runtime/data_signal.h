/*
 * data_signal.h - the "data available" wait handle.
 *
 * A producer (an exchange buffer, a local queue) bumps a sequence number each
 * time it adds data and wakes the waiters. A consumer reads the sequence,
 * checks for data, and if there is none waits for the sequence to move:
 *
 *     uint64_t seen = data_signal_seq(&buf->signal);
 *     if (buffer_empty(buf))
 *         CO_AWAIT(t, rc, data_signal_wait(&buf->signal, seen, t));   // BLOCKED(data)
 *
 * Because the wait compares against the sequence read *before* the check, a
 * notify between the check and the wait is never lost.
 */
#ifndef SHOAL_RUNTIME_DATA_SIGNAL_H
#define SHOAL_RUNTIME_DATA_SIGNAL_H

#include "runtime/wait_list.h"

#include <stdint.h>

typedef struct data_signal {
    _Atomic uint64_t seq;
    wait_list waiters;
} data_signal;

void data_signal_init(data_signal *s);
void data_signal_fini(data_signal *s);
uint64_t data_signal_seq(data_signal *s);
/* 0 if the sequence already moved past `seen`; else registers the running
 * actor and returns SHOAL_EAGAIN. */
int data_signal_wait(data_signal *s, uint64_t seen, task *t);
/* Producer: data was added. Any thread. */
void data_signal_notify(data_signal *s);

#endif
