/*
 * tpch_dists.c — reads the distributions (word lists and weights) from the
 * copy of dbgen's dists.dss embedded at build time, as dbgen's read_dist does:
 * '#' starts a comment, "BEGIN name" .. "END" delimits a distribution,
 * "count|n" gives its size, "token|weight" adds a member whose stored weight
 * is the running sum. Each distribution also gets a table for O(1) picks.
 */
#include "connectors/tpch/tpch_internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

extern const unsigned char tpch_dists_dss[];
extern const size_t tpch_dists_dss_size;

tpch_dist tpch_dists[TPCH_D_COUNT];

static const char *const dist_names[TPCH_D_COUNT] = {
  [TPCH_D_P_CNTR] = "p_cntr",         [TPCH_D_COLORS] = "colors",
  [TPCH_D_P_TYPES] = "p_types",       [TPCH_D_NATIONS] = "nations",
  [TPCH_D_REGIONS] = "regions",       [TPCH_D_O_OPRIO] = "o_oprio",
  [TPCH_D_INSTRUCT] = "instruct",     [TPCH_D_SMODE] = "smode",
  [TPCH_D_RFLAG] = "rflag",           [TPCH_D_MSEGMNT] = "msegmnt",
  [TPCH_D_NOUNS] = "nouns",           [TPCH_D_VERBS] = "verbs",
  [TPCH_D_ADJECTIVES] = "adjectives", [TPCH_D_ADVERBS] = "adverbs",
  [TPCH_D_AUXILLARIES] = "auxillaries", [TPCH_D_TERMINATORS] = "terminators",
  [TPCH_D_ARTICLES] = "articles",     [TPCH_D_PREPOSITIONS] = "prepositions",
  [TPCH_D_GRAMMAR] = "grammar",       [TPCH_D_NP] = "np",
  [TPCH_D_VP] = "vp",
};

/* One line of the file, with comment and line end cut off. */
typedef struct line_view {
  const char *p;
  size_t n;
} line_view;

static bool next_line(size_t *pos, line_view *out) {
  const char *text = (const char *)tpch_dists_dss;
  size_t size = tpch_dists_dss_size;
  if (*pos >= size) return false;
  size_t start = *pos, end = start;
  while (end < size && text[end] != '\n') end++;
  *pos = end < size ? end + 1 : end;
  size_t n = end - start;
  const char *hash = memchr(text + start, '#', n);
  if (hash) n = (size_t)(hash - (text + start));
  if (n > 0 && text[start + n - 1] == '\r') n--;
  out->p = text + start;
  out->n = n;
  return true;
}

static bool word_equals_nocase(const char *p, size_t n, const char *word) {
  size_t w = strlen(word);
  if (n != w) return false;
  for (size_t i = 0; i < n; i++)
    if (tolower((unsigned char)p[i]) != tolower((unsigned char)word[i])) return false;
  return true;
}

/* Splits "BEGIN name" into its two whitespace-separated words. */
static bool is_begin_of(line_view l, const char *name) {
  size_t i = 0, a, b;
  while (i < l.n && isspace((unsigned char)l.p[i])) i++;
  a = i;
  while (i < l.n && !isspace((unsigned char)l.p[i])) i++;
  if (!word_equals_nocase(l.p + a, i - a, "begin")) return false;
  while (i < l.n && isspace((unsigned char)l.p[i])) i++;
  b = i;
  while (i < l.n && !isspace((unsigned char)l.p[i])) i++;
  return word_equals_nocase(l.p + b, i - b, name);
}

static int parse_weight(const char *p, size_t n, long *out) {
  char buf[32];
  if (n == 0 || n >= sizeof buf) return -1;
  memcpy(buf, p, n);
  buf[n] = '\0';
  char *end;
  long v = strtol(buf, &end, 10);
  if (end == buf) return -1;
  *out = v;
  return 0;
}

static int load_one(tpch_dist *d, const char *name) {
  size_t pos = 0;
  line_view l;
  bool inside = false;
  int32_t count = 0, running = 0;
  memset(d, 0, sizeof *d);
  while (next_line(&pos, &l)) {
    if (l.n == 0) continue;
    if (!inside) {
      inside = is_begin_of(l, name);
      continue;
    }
    if (l.n >= 3 && word_equals_nocase(l.p, 3, "end")) break;
    const char *bar = memchr(l.p, '|', l.n);
    if (!bar || bar == l.p) continue;
    size_t tok_n = (size_t)(bar - l.p);
    long weight;
    if (parse_weight(bar + 1, l.n - tok_n - 1, &weight) != 0) continue;
    if (word_equals_nocase(l.p, tok_n, "count")) {
      if (weight <= 0 || weight > 1000 || d->text) return TPCH_ERR_DISTS;
      d->count = (int32_t)weight;
      d->text = calloc((size_t)weight, sizeof *d->text);
      d->len = calloc((size_t)weight, sizeof *d->len);
      d->weight = calloc((size_t)weight, sizeof *d->weight);
      if (!d->text || !d->len || !d->weight) return TPCH_ERR_NOMEM;
      continue;
    }
    if (!d->text || count >= d->count) return TPCH_ERR_DISTS;
    char *s = malloc(tok_n + 1);
    if (!s) return TPCH_ERR_NOMEM;
    memcpy(s, l.p, tok_n);
    s[tok_n] = '\0';
    running += (int32_t)weight;
    d->text[count] = s;
    d->len[count] = (int32_t)tok_n;
    d->weight[count] = running;
    count++;
  }
  if (!inside || count != d->count || count == 0) return TPCH_ERR_DISTS;
  d->max = d->weight[count - 1];
  if (d->max > 0) {
    if (d->max > 1000000) return TPCH_ERR_DISTS;
    d->pick = malloc(sizeof *d->pick * (size_t)d->max);
    if (!d->pick) return TPCH_ERR_NOMEM;
    int i = 0;
    for (int32_t j = 1; j <= d->max; j++) {
      while (d->weight[i] < j) i++;
      d->pick[j - 1] = (uint16_t)i;
    }
  }
  return TPCH_OK;
}

int tpch_dists_load(void) {
  for (int i = 0; i < TPCH_D_COUNT; i++) {
    int rc = load_one(&tpch_dists[i], dist_names[i]);
    if (rc != TPCH_OK) return rc;
  }
  return TPCH_OK;
}
