/*
 * sort_key.h — one ORDER BY key: a column (channel), direction and where
 * NULLs go. Shared by the planner, the sort operators, and connectors that
 * accept top-N pushdown (Trino's SortItem).
 */
#ifndef SHOAL_SPI_SORT_KEY_H
#define SHOAL_SPI_SORT_KEY_H

#include <stdbool.h>

typedef struct sort_key {
    int channel;
    bool descending;
    bool nulls_first;          /* Trino's default is NULLS LAST for ASC and DESC */
} sort_key;

#endif
