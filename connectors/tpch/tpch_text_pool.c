/*
 * tpch_text_pool.c — builds dbgen's 300 MiB text pool, from which every
 * comment column is a random slice.
 *
 * The pool is a run of pseudo-English sentences separated by single spaces,
 * drawn from stream 5 with dbgen's grammar (dists.dss: grammar, np, vp and the
 * word lists). A sentence form is a list of tokens: N = noun phrase, V = verb
 * phrase, P = preposition + " the " + noun phrase, T = terminator, which
 * replaces the space after the previous word. A phrase form's tokens pick a
 * word (A article, J adjective, D adverb, N noun, V verb, X auxiliary); a
 * token's second character (",") follows the word. Every word is followed by
 * a space. The last sentence is cut to fill the pool exactly.
 */
#include "connectors/tpch/tpch_internal.h"

#include <stdlib.h>
#include <string.h>

const char *tpch_text_pool;

enum { MAX_FORM_TOKENS = 8, MAX_SENTENCE = 512 };

typedef struct form_token {
  char kind;    /* part of speech letter */
  char punct;   /* 0 or the character that follows the word */
} form_token;

typedef struct form {
  int n;
  form_token t[MAX_FORM_TOKENS];
} form;

typedef struct grammar {
  form np[16], vp[16], sentence[16];
} grammar;

static int parse_forms(const tpch_dist *d, form *out) {
  if (d->count > 16) return TPCH_ERR_DISTS;
  for (int i = 0; i < d->count; i++) {
    const char *s = d->text[i];
    form *f = &out[i];
    f->n = 0;
    while (*s) {
      while (*s == ' ') s++;
      if (!*s) break;
      if (f->n == MAX_FORM_TOKENS) return TPCH_ERR_DISTS;
      form_token *t = &f->t[f->n++];
      t->kind = *s++;
      t->punct = 0;
      if (*s && *s != ' ') t->punct = *s++;
      if (*s && *s != ' ') return TPCH_ERR_DISTS;
    }
  }
  return TPCH_OK;
}

static const tpch_dist *word_list(char kind, bool verb_phrase) {
  switch (kind) {
  case 'A': return verb_phrase ? NULL : &tpch_dists[TPCH_D_ARTICLES];
  case 'J': return verb_phrase ? NULL : &tpch_dists[TPCH_D_ADJECTIVES];
  case 'D': return &tpch_dists[TPCH_D_ADVERBS];
  case 'N': return verb_phrase ? NULL : &tpch_dists[TPCH_D_NOUNS];
  case 'V': return verb_phrase ? &tpch_dists[TPCH_D_VERBS] : NULL;
  case 'X': return verb_phrase ? &tpch_dists[TPCH_D_AUXILLARIES] : NULL;
  default: return NULL;
  }
}

/* Checks every token names a word list this generator knows, so generation
 * itself needs no error paths. dbgen's verb phrases and sentences mishandle
 * punctuation; the 2.14 grammar has none there, and we refuse any. */
static int check_forms(const grammar *g) {
  for (int i = 0; i < tpch_dists[TPCH_D_NP].count; i++)
    for (int k = 0; k < g->np[i].n; k++)
      if (!word_list(g->np[i].t[k].kind, false)) return TPCH_ERR_DISTS;
  for (int i = 0; i < tpch_dists[TPCH_D_VP].count; i++)
    for (int k = 0; k < g->vp[i].n; k++)
      if (!word_list(g->vp[i].t[k].kind, true) || g->vp[i].t[k].punct) return TPCH_ERR_DISTS;
  for (int i = 0; i < tpch_dists[TPCH_D_GRAMMAR].count; i++) {
    const form *f = &g->sentence[i];
    if (f->n == 0 || f->t[f->n - 1].kind != 'T') return TPCH_ERR_DISTS;
    for (int k = 0; k < f->n; k++) {
      char c = f->t[k].kind;
      if ((c != 'N' && c != 'V' && c != 'P' && c != 'T') || f->t[k].punct) return TPCH_ERR_DISTS;
      if (c == 'T' && k == 0) return TPCH_ERR_DISTS;
    }
  }
  return TPCH_OK;
}

static inline char *put_word(char *dst, const tpch_dist *d, int64_t *seed) {
  int i = tpch_pick(d, seed);
  memcpy(dst, d->text[i], (size_t)d->len[i]);
  return dst + d->len[i];
}

static char *phrase(char *dst, const form *forms, const tpch_dist *which, bool verb,
                    int64_t *seed) {
  const form *f = &forms[tpch_pick(which, seed)];
  for (int k = 0; k < f->n; k++) {
    dst = put_word(dst, word_list(f->t[k].kind, verb), seed);
    if (f->t[k].punct) *dst++ = f->t[k].punct;
    *dst++ = ' ';
  }
  return dst;
}

/* Writes one sentence (no trailing space); returns its length. */
static size_t sentence(char *start, const grammar *g, int64_t *seed) {
  char *dst = start;
  const form *f = &g->sentence[tpch_pick(&tpch_dists[TPCH_D_GRAMMAR], seed)];
  for (int k = 0; k < f->n; k++) {
    switch (f->t[k].kind) {
    case 'N':
      dst = phrase(dst, g->np, &tpch_dists[TPCH_D_NP], false, seed);
      break;
    case 'V':
      dst = phrase(dst, g->vp, &tpch_dists[TPCH_D_VP], true, seed);
      break;
    case 'P':
      dst = put_word(dst, &tpch_dists[TPCH_D_PREPOSITIONS], seed);
      memcpy(dst, " the ", 5);
      dst += 5;
      dst = phrase(dst, g->np, &tpch_dists[TPCH_D_NP], false, seed);
      break;
    case 'T':
      dst = put_word(dst - 1, &tpch_dists[TPCH_D_TERMINATORS], seed);
      break;
    }
  }
  return (size_t)(dst - start);
}

int tpch_text_pool_build(void) {
  static grammar g;
  int rc;
  if ((rc = parse_forms(&tpch_dists[TPCH_D_NP], g.np)) != TPCH_OK) return rc;
  if ((rc = parse_forms(&tpch_dists[TPCH_D_VP], g.vp)) != TPCH_OK) return rc;
  if ((rc = parse_forms(&tpch_dists[TPCH_D_GRAMMAR], g.sentence)) != TPCH_OK) return rc;
  if ((rc = check_forms(&g)) != TPCH_OK) return rc;

  char *pool = malloc((size_t)TPCH_TEXT_POOL_SIZE + MAX_SENTENCE);
  if (!pool) return TPCH_ERR_NOMEM;
  int64_t seed = tpch_stream_defs[TPCH_S_TEXT_POOL].seed;
  size_t used = 0;
  /* Sentences are written in place; the one that would cross the end is cut
   * (the slack after the pool absorbs its tail). */
  while (used < (size_t)TPCH_TEXT_POOL_SIZE) {
    size_t n = sentence(pool + used, &g, &seed);
    size_t room = (size_t)TPCH_TEXT_POOL_SIZE - used;
    if (room >= n + 1) {
      pool[used + n] = ' ';
      used += n + 1;
    } else {
      used += room;
    }
  }
  pool[TPCH_TEXT_POOL_SIZE] = '\0';
  tpch_text_pool = pool;
  return TPCH_OK;
}
