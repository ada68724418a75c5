/*
 * aggregates_statistics.c — Trino's statistical aggregates over pairs and
 * higher moments: corr, covar_samp, covar_pop, regr_slope, regr_intercept
 * (arguments are (y, x): dependent first) and skewness, kurtosis.
 *
 * States are running co-moments (Welford/Pébay updates; merged with the
 * pairwise formulas), so partial states from different nodes combine
 * exactly. Rows where any argument is NULL are skipped. Results follow
 * Trino: covar_samp needs 2 rows, covar_pop 1; corr and regr_* are NULL
 * when not finite (constant x); skewness needs 3 rows, kurtosis 4
 * (the unbiased excess kurtosis). The intermediate is the packed state
 * (varbinary). real arguments give real results.
 */
#include <math.h>
#include <string.h>

#include "operators/functions/aggregate_families.h"

typedef enum stat_kind {
    S_CORR, S_COVAR_SAMP, S_COVAR_POP, S_REGR_SLOPE, S_REGR_INTERCEPT, S_SKEWNESS, S_KURTOSIS
} stat_kind;

typedef struct stat_data {
    stat_kind kind;
    physical_type arg_physical; /* DOUBLE, FLOAT or INT64 */
} stat_data;

/* co-moments of (x, y): sums of products of deviations from the means */
typedef struct pair_state { double count, mean_x, mean_y, c2, m2_x, m2_y; } pair_state;
/* central moments of x */
typedef struct moment_state { double count, mean, m2, m3, m4; } moment_state;

static bool is_pair(stat_kind k) { return k <= S_REGR_INTERCEPT; }

static const stat_data *data_of(const aggregate_function *f) { return f->data; }

static inline double read_number(const vector_view *v, physical_type p, uint32_t i)
{
    if (p == PHYSICAL_FLOAT)
        return ((const float *)v->data)[i];
    if (p == PHYSICAL_INT64)
        return (double)((const int64_t *)v->data)[i];
    return ((const double *)v->data)[i];
}

static void pair_add(pair_state *s, double x, double y)
{
    double n = ++s->count;
    double dx = x - s->mean_x;
    s->mean_x += dx / n;
    double dy = y - s->mean_y;
    s->mean_y += dy / n;
    s->c2 += dx * (y - s->mean_y);
    s->m2_x += dx * (x - s->mean_x);
    s->m2_y += dy * (y - s->mean_y);
}

static void pair_merge(pair_state *t, const pair_state *s)
{
    if (s->count == 0)
        return;
    if (t->count == 0) {
        *t = *s;
        return;
    }
    double na = t->count, nb = s->count, n = na + nb;
    double dx = s->mean_x - t->mean_x, dy = s->mean_y - t->mean_y;
    t->c2 += s->c2 + dx * dy * na * nb / n;
    t->m2_x += s->m2_x + dx * dx * na * nb / n;
    t->m2_y += s->m2_y + dy * dy * na * nb / n;
    t->mean_x += dx * nb / n;
    t->mean_y += dy * nb / n;
    t->count = n;
}

static void moment_add(moment_state *s, double x)
{
    double n1 = s->count, n = ++s->count;
    double delta = x - s->mean, delta_n = delta / n, delta_n2 = delta_n * delta_n;
    double term1 = delta * delta_n * n1;
    s->mean += delta_n;
    s->m4 += term1 * delta_n2 * (n * n - 3 * n + 3) + 6 * delta_n2 * s->m2 - 4 * delta_n * s->m3;
    s->m3 += term1 * delta_n * (n - 2) - 3 * delta_n * s->m2;
    s->m2 += term1;
}

static void moment_merge(moment_state *t, const moment_state *s)
{
    if (s->count == 0)
        return;
    if (t->count == 0) {
        *t = *s;
        return;
    }
    double na = t->count, nb = s->count, n = na + nb;
    double d = s->mean - t->mean, d2 = d * d;
    double m2 = t->m2 + s->m2 + d2 * na * nb / n;
    double m3 = t->m3 + s->m3 + d2 * d * na * nb * (na - nb) / (n * n) + 3 * d * (na * s->m2 - nb * t->m2) / n;
    double m4 = t->m4 + s->m4 + d2 * d2 * na * nb * (na * na - na * nb + nb * nb) / (n * n * n) +
                6 * d2 * (na * na * s->m2 + nb * nb * t->m2) / (n * n) + 4 * d * (na * s->m3 - nb * t->m3) / n;
    t->mean += d * nb / n;
    t->m2 = m2;
    t->m3 = m3;
    t->m4 = m4;
    t->count = n;
}

static void stat_init(const aggregate_function *f, void *state)
{
    memset(state, 0, f->state_size);
}

static bool stat_update(const aggregate_function *f, void *const *states, uint32_t count,
                        const vector *const *args, shoal_error *error)
{
    (void)error;
    const stat_data *d = data_of(f);
    physical_type p = d->arg_physical;
    vector_view y = vector_view_of(args[0]);
    if (!is_pair(d->kind)) {
        for (uint32_t r = 0; r < count; r++) {
            uint32_t i = vector_view_index(&y, r);
            if (vector_view_valid(&y, i))
                moment_add(states[r], read_number(&y, p, i));
        }
        return true;
    }
    vector_view x = vector_view_of(args[1]);
    for (uint32_t r = 0; r < count; r++) {
        uint32_t i = vector_view_index(&y, r), j = vector_view_index(&x, r);
        if (vector_view_valid(&y, i) && vector_view_valid(&x, j))
            pair_add(states[r], read_number(&x, p, j), read_number(&y, p, i));
    }
    return true;
}

static bool stat_combine(const aggregate_function *f, void *target, const void *source, shoal_error *error)
{
    (void)error;
    if (is_pair(data_of(f)->kind))
        pair_merge(target, source);
    else
        moment_merge(target, source);
    return true;
}

static size_t packed_size(const aggregate_function *f)
{
    return is_pair(data_of(f)->kind) ? sizeof(pair_state) : sizeof(moment_state);
}

static bool stat_write_intermediate(const aggregate_function *f, const void *state, vector *out, uint32_t row)
{
    return aggregate_write_bytes(out, row, state, packed_size(f));
}

static bool stat_merge_intermediate(const aggregate_function *f, void *const *states, uint32_t count,
                                    const vector *intermediate, shoal_error *error)
{
    vector_view v = vector_view_of(intermediate);
    size_t size = packed_size(f);
    _Alignas(16) unsigned char buffer[sizeof(pair_state)];
    for (uint32_t r = 0; r < count; r++) {
        const string_view *s = aggregate_intermediate_at(&v, r);
        if (!s)
            continue;
        if (!aggregate_unpack_state(f, s, size, buffer, error))
            return false;
        stat_combine(f, states[r], buffer, error);
    }
    return true;
}

/* The result into *out; false for SQL NULL. */
static bool stat_result(stat_kind kind, const void *state, double *out)
{
    if (!is_pair(kind)) {
        const moment_state *s = state;
        double n = s->count;
        if (kind == S_SKEWNESS) {
            *out = sqrt(n) * s->m3 / pow(s->m2, 1.5);
            return n >= 3;
        }
        *out = ((n - 1) * n * (n + 1)) / ((n - 2) * (n - 3)) * s->m4 / (s->m2 * s->m2) -
               3 * ((n - 1) * (n - 1)) / ((n - 2) * (n - 3));
        return n >= 4;
    }
    const pair_state *s = state;
    switch (kind) {
    case S_COVAR_SAMP: *out = s->c2 / (s->count - 1); return s->count > 1;
    case S_COVAR_POP: *out = s->c2 / s->count; return s->count > 0;
    case S_CORR: *out = s->c2 / sqrt(s->m2_x * s->m2_y); break;
    case S_REGR_SLOPE: *out = s->c2 / s->m2_x; break;
    default: *out = s->mean_y - s->c2 / s->m2_x * s->mean_x; break;
    }
    return isfinite(*out);
}

static bool stat_finalize(const aggregate_function *f, const void *state, vector *out, uint32_t row,
                          shoal_error *error)
{
    (void)error;
    double result;
    if (!stat_result(data_of(f)->kind, state, &result))
        return vector_set_null(out, row);
    vector_set_valid(out, row);
    if (out->type.kind == TYPE_REAL)
        ((float *)out->data)[row] = (float)result;
    else
        ((double *)out->data)[row] = result;
    return true;
}

const aggregate_function *aggregate_statistics_family(const resolved_function *r, shoal_error *error)
{
    static const struct {
        const char *name;
        stat_kind kind;
    } names[] = {
        {"corr", S_CORR}, {"covar_samp", S_COVAR_SAMP}, {"covar_pop", S_COVAR_POP},
        {"regr_slope", S_REGR_SLOPE}, {"regr_intercept", S_REGR_INTERCEPT},
        {"skewness", S_SKEWNESS}, {"kurtosis", S_KURTOSIS},
    };
    stat_data d;
    memset(&d, 0, sizeof d);
    size_t i = 0, n = sizeof names / sizeof names[0];
    while (i < n && strcmp(names[i].name, r->function->name) != 0)
        i++;
    if (i == n)
        return NULL;
    d.kind = names[i].kind;
    d.arg_physical = type_physical(r->arg_types[0]);
    aggregate_function f = {
        .name = r->function->name,
        .state_size = is_pair(d.kind) ? sizeof(pair_state) : sizeof(moment_state),
        .return_type = r->return_type,
        .intermediate_type = r->intermediate_type,
        .init = stat_init,
        .update = stat_update,
        .combine = stat_combine,
        .write_intermediate = stat_write_intermediate,
        .merge_intermediate = stat_merge_intermediate,
        .finalize = stat_finalize,
    };
    return aggregate_intern(&f, &d, sizeof d, error);
}
