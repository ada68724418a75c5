/*
 * bench_sql_parse.c — times the SQL parser on every TPC-H query: lexing +
 * parsing into an arena AST (arena reset between runs), and formatting the
 * tree back to text. Prints a table, or one JSON object with --json.
 *
 *   bench_sql_parse [--dir DIR] [--min-time SECONDS] [--json]
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sql/formatter.h"
#include "sql/lexer.h"
#include "sql/parser.h"

typedef struct result {
  char name[64];
  size_t bytes;
  uint32_t tokens;
  size_t nodes;
  double parse_us;   /* per statement text (all statements of the file) */
  double format_us;
} result;

static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static char *read_file(const char *path, size_t *length) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long size = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *data = malloc((size_t)size + 1);
  size_t n = fread(data, 1, (size_t)size, f);
  fclose(f);
  data[n] = '\0';
  *length = n;
  return data;
}

static int compare_names(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static int bench_file(const char *path, const char *name, double min_time, result *r) {
  size_t len;
  char *sql = read_file(path, &len);
  if (!sql) return -1;
  sql_arena *arena = sql_arena_create();
  ast_list list;
  sql_error error;
  if (sql_parse_statements(arena, sql, len, &list, &error) != 0) {
    char buf[SQL_ERROR_MESSAGE_MAX + 64];
    sql_error_format(&error, buf, sizeof buf);
    fprintf(stderr, "%s: %s\n", path, buf);
    return -1;
  }
  snprintf(r->name, sizeof r->name, "%s", name);
  r->bytes = len;
  r->nodes = 0;
  for (uint32_t i = 0; i < list.count; i++) r->nodes += ast_count_nodes(list.items[i]);
  sql_token_list tokens;
  sql_lex(arena, sql, len, &tokens, &error);
  r->tokens = tokens.count;

  /* parse: repeat until min_time has passed */
  long iterations = 0;
  double start = now_seconds(), elapsed;
  do {
    for (int k = 0; k < 100; k++) {
      sql_arena_reset(arena);
      sql_parse_statements(arena, sql, len, &list, &error);
    }
    iterations += 100;
    elapsed = now_seconds() - start;
  } while (elapsed < min_time);
  r->parse_us = elapsed * 1e6 / (double)iterations;

  /* format the (last) parsed trees */
  iterations = 0;
  start = now_seconds();
  do {
    for (int k = 0; k < 100; k++) {
      for (uint32_t i = 0; i < list.count; i++) free(sql_format(list.items[i], NULL));
    }
    iterations += 100;
    elapsed = now_seconds() - start;
  } while (elapsed < min_time);
  r->format_us = elapsed * 1e6 / (double)iterations;
  sql_arena_destroy(arena);
  free(sql);
  return 0;
}

int main(int argc, char **argv) {
  const char *dir = SHOAL_SHARED_DIR "/testdata/tpch/queries-trino";
  double min_time = 0.05;
  int json = 0;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--json") == 0) json = 1;
    else if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc) dir = argv[++i];
    else if (strcmp(argv[i], "--min-time") == 0 && i + 1 < argc) min_time = atof(argv[++i]);
    else {
      fprintf(stderr, "usage: %s [--dir DIR] [--min-time SECONDS] [--json]\n", argv[0]);
      return 2;
    }
  }
  DIR *d = opendir(dir);
  if (!d) {
    fprintf(stderr, "cannot open %s\n", dir);
    return 1;
  }
  char *names[256];
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)) && n < 256) {
    size_t l = strlen(e->d_name);
    if (l > 4 && strcmp(e->d_name + l - 4, ".sql") == 0) names[n++] = strdup(e->d_name);
  }
  closedir(d);
  qsort(names, (size_t)n, sizeof names[0], compare_names);

  result *results = calloc((size_t)n, sizeof(result));
  double total_parse = 0, total_format = 0;
  size_t total_bytes = 0;
  for (int i = 0; i < n; i++) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, names[i]);
    if (bench_file(path, names[i], min_time, &results[i]) != 0) return 1;
    total_parse += results[i].parse_us;
    total_format += results[i].format_us;
    total_bytes += results[i].bytes;
  }
  double mb_per_s = total_parse > 0 ? (double)total_bytes / total_parse : 0; /* bytes/us = MB/s */
  if (json) {
    printf("{\"dir\": \"%s\", \"queries\": [", dir);
    for (int i = 0; i < n; i++)
      printf("%s{\"name\": \"%s\", \"bytes\": %zu, \"tokens\": %u, \"nodes\": %zu, \"parse_us\": %.2f, \"format_us\": %.2f}",
             i ? ", " : "", results[i].name, results[i].bytes, results[i].tokens, results[i].nodes,
             results[i].parse_us, results[i].format_us);
    printf("], \"total_parse_us\": %.2f, \"total_format_us\": %.2f, \"parse_mb_per_s\": %.1f}\n",
           total_parse, total_format, mb_per_s);
  } else {
    printf("%-10s %7s %7s %7s %10s %10s\n", "query", "bytes", "tokens", "nodes", "parse us", "format us");
    for (int i = 0; i < n; i++)
      printf("%-10s %7zu %7u %7zu %10.2f %10.2f\n", results[i].name, results[i].bytes, results[i].tokens,
             results[i].nodes, results[i].parse_us, results[i].format_us);
    printf("%-10s %7zu %7s %7s %10.2f %10.2f\n", "total", total_bytes, "", "", total_parse, total_format);
    printf("parse throughput: %.1f MB/s\n", mb_per_s);
  }
  for (int i = 0; i < n; i++) free(names[i]);
  free(results);
  return 0;
}
