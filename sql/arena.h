/*
 * arena.h — bump allocator for one parse. Every token, AST node and string of
 * a parse lives in its arena and is freed at once with sql_arena_destroy (or
 * recycled with sql_arena_reset). Nothing allocated from it is freed alone.
 */
#ifndef SHOAL_SQL_ARENA_H
#define SHOAL_SQL_ARENA_H

#include <stddef.h>

typedef struct sql_arena sql_arena;

sql_arena *sql_arena_create(void);
void sql_arena_destroy(sql_arena *arena);
/* Forgets every allocation but keeps the first block for reuse. */
void sql_arena_reset(sql_arena *arena);
/* 8-byte aligned, zero-filled. Returns NULL only when the system is out of memory. */
void *sql_arena_alloc(sql_arena *arena, size_t size);
/* Copy of [text, text+length) with a terminating NUL. */
char *sql_arena_strndup(sql_arena *arena, const char *text, size_t length);
/* Bytes handed out since creation or the last reset. */
size_t sql_arena_used(const sql_arena *arena);

#endif
