/*
 * local_exchange.h — a thread-safe, byte-bounded buffer of pages between
 * pipelines on one node (Trino's LocalExchange): N producer drivers end in
 * a local_exchange_sink operator, M consumer drivers start with a
 * local_exchange_source operator.
 *
 * Modes:
 *   GATHER       every page to consumer 0 (M = 1)
 *   ROUND_ROBIN  whole pages to consumers in turn
 *   BROADCAST    every page (shared by reference) to every consumer
 *   REPARTITION  rows hashed on the key columns (hash_table.h's hashing),
 *                each consumer gets a dictionary slice of its rows
 *
 * Backpressure: when the buffered bytes reach the limit, sinks report
 * is_blocked with an operator_event that a consumer sets once it drains
 * below the limit; an empty consumer reports is_blocked with its own event,
 * set when a page arrives or the last producer finishes. Events are
 * one-shot, so each blocking episode gets a fresh one; spent events are
 * kept until the exchange is destroyed (a waiter may still hold one).
 *
 * Union ALL is just several producer pipelines feeding one exchange.
 */
#ifndef SHOAL_OPERATORS_LOCAL_EXCHANGE_H
#define SHOAL_OPERATORS_LOCAL_EXCHANGE_H

#include <stdbool.h>
#include <stdint.h>

#include "operators/operator.h"

typedef enum local_exchange_mode {
    LOCAL_EXCHANGE_GATHER,
    LOCAL_EXCHANGE_REPARTITION,
    LOCAL_EXCHANGE_BROADCAST,
    LOCAL_EXCHANGE_ROUND_ROBIN
} local_exchange_mode;

typedef struct local_exchange_config {
    local_exchange_mode mode;
    int producer_count;                /* sink operators that will feed it */
    int consumer_count;                /* source operators reading it */
    int key_count;                     /* REPARTITION */
    const int *key_channels;
    uint64_t max_buffered_bytes;       /* 0: 32 MiB */
} local_exchange_config;

typedef struct local_exchange local_exchange;

local_exchange *local_exchange_create(const local_exchange_config *config, shoal_error *error);
local_exchange *local_exchange_ref(local_exchange *x);
void local_exchange_unref(local_exchange *x);

/* Bytes buffered now (all consumers). */
uint64_t local_exchange_buffered_bytes(local_exchange *x);

/* Both take their own reference to the exchange. */
operator *local_exchange_sink_create(int plan_node_id, local_exchange *x);
operator *local_exchange_source_create(int plan_node_id, local_exchange *x, int consumer);

#endif
