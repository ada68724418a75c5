/*
 * arena.c — chunked bump allocator used for everything one parse produces.
 */
#include "sql/arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { ARENA_BLOCK_SIZE = 64 * 1024 };

typedef struct arena_block {
  struct arena_block *next;
  size_t size;   /* usable bytes in data */
  size_t used;
  max_align_t data[];
} arena_block;

struct sql_arena {
  arena_block *head;   /* current block; older blocks follow via next */
  size_t total_used;
};

static arena_block *arena_block_new(size_t size) {
  arena_block *block = malloc(sizeof(arena_block) + size);
  if (!block) return NULL;
  block->next = NULL;
  block->size = size;
  block->used = 0;
  return block;
}

sql_arena *sql_arena_create(void) {
  sql_arena *arena = calloc(1, sizeof(sql_arena));
  if (!arena) return NULL;
  arena->head = arena_block_new(ARENA_BLOCK_SIZE);
  if (!arena->head) {
    free(arena);
    return NULL;
  }
  return arena;
}

void sql_arena_destroy(sql_arena *arena) {
  if (!arena) return;
  arena_block *block = arena->head;
  while (block) {
    arena_block *next = block->next;
    free(block);
    block = next;
  }
  free(arena);
}

void sql_arena_reset(sql_arena *arena) {
  arena_block *block = arena->head;
  /* keep the oldest block (the last in the chain) */
  while (block->next) {
    arena_block *next = block->next;
    free(block);
    block = next;
  }
  block->used = 0;
  arena->head = block;
  arena->total_used = 0;
}

void *sql_arena_alloc(sql_arena *arena, size_t size) {
  size = (size + 7) & ~(size_t)7;
  if (size == 0) size = 8;
  arena_block *block = arena->head;
  if (block->size - block->used < size) {
    size_t want = size > ARENA_BLOCK_SIZE / 4 ? size : ARENA_BLOCK_SIZE;
    arena_block *fresh = arena_block_new(want);
    if (!fresh) return NULL;
    if (want == size) {
      /* a large allocation gets its own block behind the current one */
      fresh->next = block->next;
      block->next = fresh;
      block = fresh;
    } else {
      fresh->next = block;
      arena->head = fresh;
      block = fresh;
    }
  }
  void *out = (char *)block->data + block->used;
  block->used += size;
  arena->total_used += size;
  memset(out, 0, size);
  return out;
}

char *sql_arena_strndup(sql_arena *arena, const char *text, size_t length) {
  char *out = sql_arena_alloc(arena, length + 1);
  if (!out) return NULL;
  if (length) memcpy(out, text, length);
  out[length] = '\0';
  return out;
}

size_t sql_arena_used(const sql_arena *arena) { return arena->total_used; }
