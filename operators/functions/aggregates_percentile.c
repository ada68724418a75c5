/*
 * aggregates_percentile.c — approx_percentile(x, p), (x, w, p) and the
 * deprecated (x, w, p, accuracy) for bigint, double and real, on a merging
 * T-Digest (Dunning & Ertl), the sketch Trino uses.
 *
 * The digest keeps centroids (mean, weight). New values are appended; when
 * the array is full it is sorted and compacted in one pass that merges
 * neighbours while the cluster stays inside one unit of the arcsine scale
 * function k(q) = delta / (2 pi) * asin(2q - 1). With compression delta a
 * cluster at quantile q holds at most ~ pi * sqrt(q (1 - q)) * N / delta
 * values, so the rank error at q is below about 1.6 * sqrt(q (1 - q)) / delta:
 * for the default delta = 100 at most 0.8 % of N at the median and much
 * less in the tails (checked by tests/unit/functions/test_aggregates_sketch.c).
 * The accuracy form sets delta = clamp(1 / accuracy, 100, 10000). Singleton
 * clusters are exact, so small inputs give exact percentiles; min and max
 * are kept exactly.
 *
 * Memory: the state is a pointer to a digest made on the group's first
 * value (never per row), growing by doubling to 6 * (delta + 10) centroids.
 * The intermediate (varbinary) is the compacted digest plus the percentile;
 * final steps add its centroids as weighted points, so a merged digest
 * compacts as it fills, like one fed with values.
 *
 * Errors as Trino: "Percentile must be between 0 and 1", "weight must be
 * >= 1, was 0.5", "Percentile accuracy must be strictly between 0 and 1"
 * (INVALID_FUNCTION_ARGUMENT). Rows with a NULL argument are skipped.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "connectors/spi/text_builder.h"
#include "connectors/spi/value_format.h"
#include "operators/functions/aggregate_families.h"

enum { DEFAULT_COMPRESSION = 100, MAX_COMPRESSION = 10000 };

typedef struct centroid { double mean, weight; } centroid;

typedef struct tdigest {
    double compression, total, min, max;
    uint32_t count, capacity, limit;
    centroid *items;     /* [capacity] */
    centroid *scratch;   /* [capacity], for the merge */
} tdigest;

typedef struct percentile_state {
    tdigest *digest;
    double percentile;
} percentile_state;

typedef struct percentile_data {
    physical_type value_physical;  /* INT64, DOUBLE, FLOAT */
    int arg_count;                 /* 2, 3 or 4 */
} percentile_data;

static const percentile_data *data_of(const aggregate_function *f) { return f->data; }

/* ---- the digest ---- */

static tdigest *tdigest_new(double compression)
{
    tdigest *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    d->compression = compression;
    d->min = INFINITY;
    d->max = -INFINITY;
    d->limit = (uint32_t)(6 * (compression + 10));
    return d;
}

static void tdigest_free(tdigest *d)
{
    if (d) {
        free(d->items);
        free(d->scratch);
        free(d);
    }
}

static bool tdigest_reserve(tdigest *d, uint32_t capacity)
{
    if (capacity <= d->capacity)
        return true;
    centroid *items = realloc(d->items, sizeof *items * capacity);
    if (!items)
        return false;
    d->items = items;
    centroid *scratch = realloc(d->scratch, sizeof *scratch * capacity);
    if (!scratch)
        return false;
    d->scratch = scratch;
    d->capacity = capacity;
    return true;
}

/* In-place sort of items by mean: quicksort with insertion sort below 16. */
static void sort_centroids(centroid *a, int64_t lo, int64_t hi)
{
    while (hi - lo > 16) {
        double pivot = a[lo + (hi - lo) / 2].mean;
        int64_t i = lo, j = hi;
        while (i <= j) {
            while (a[i].mean < pivot)
                i++;
            while (a[j].mean > pivot)
                j--;
            if (i <= j) {
                centroid t = a[i];
                a[i++] = a[j];
                a[j--] = t;
            }
        }
        if (j - lo < hi - i) {
            sort_centroids(a, lo, j);
            lo = i;
        } else {
            sort_centroids(a, i, hi);
            hi = j;
        }
    }
    for (int64_t i = lo + 1; i <= hi; i++) {
        centroid x = a[i];
        int64_t j = i - 1;
        while (j >= lo && a[j].mean > x.mean) {
            a[j + 1] = a[j];
            j--;
        }
        a[j + 1] = x;
    }
}

/* The largest quantile a cluster starting at q may reach (k(q) + 1). */
static double quantile_limit(double q, double compression)
{
    double angle = asin(2 * q - 1) + 2 * M_PI / compression;
    return angle >= M_PI / 2 ? 1.0 : (sin(angle) + 1) / 2;
}

static void tdigest_compress(tdigest *d)
{
    if (d->count <= 1)
        return;
    sort_centroids(d->items, 0, (int64_t)d->count - 1);
    centroid *out = d->scratch;
    uint32_t n = 0;
    out[0] = d->items[0];
    double before = 0, limit = d->total * quantile_limit(0, d->compression);
    for (uint32_t i = 1; i < d->count; i++) {
        centroid x = d->items[i];
        double merged = out[n].weight + x.weight;
        if (before + merged <= limit) {
            out[n].mean += (x.mean - out[n].mean) * x.weight / merged;
            out[n].weight = merged;
        } else {
            before += out[n].weight;
            limit = d->total * quantile_limit(before / d->total, d->compression);
            out[++n] = x;
        }
    }
    d->scratch = d->items;
    d->items = out;
    d->count = n + 1;
}

static bool tdigest_add(tdigest *d, double mean, double weight)
{
    if (d->count == d->capacity) {
        if (d->capacity < d->limit) {
            uint32_t grown = d->capacity ? d->capacity * 2 : 8;
            if (!tdigest_reserve(d, grown < d->limit ? grown : d->limit))
                return false;
        } else {
            tdigest_compress(d);
            if (d->count == d->capacity && !tdigest_reserve(d, d->capacity * 2))
                return false;
        }
    }
    d->items[d->count++] = (centroid){mean, weight};
    d->total += weight;
    if (mean < d->min)
        d->min = mean;
    if (mean > d->max)
        d->max = mean;
    return true;
}

static double interpolate(double x, double x0, double y0, double x1, double y1)
{
    return y0 + (x - x0) / (x1 - x0) * (y1 - y0);
}

/* The value at quantile q of a compacted, non-empty digest. Centroid i
 * stands at cumulative weight (weight before it) + weight_i / 2; between
 * them values are interpolated, singletons are exact, and the ends run to
 * the exact min and max. */
static double tdigest_value_at(const tdigest *d, double q)
{
    const centroid *c = d->items;
    uint32_t n = d->count;
    if (n == 1)
        return c[0].mean;
    double target = q * d->total;
    if (target < 1)
        return d->min;
    if (target >= d->total - 1)
        return d->max;
    if (target < c[0].weight / 2)
        return interpolate(target, 1, d->min, c[0].weight / 2, c[0].mean);
    double at = c[0].weight / 2; /* position of centroid i */
    for (uint32_t i = 0; i + 1 < n; i++) {
        double next = at + (c[i].weight + c[i + 1].weight) / 2;
        if (target < next) {
            if (c[i].weight == 1 && target - at < 0.5)
                return c[i].mean;
            if (c[i + 1].weight == 1 && next - target <= 0.5)
                return c[i + 1].mean;
            double from = c[i].weight == 1 ? at + 0.5 : at, to = c[i + 1].weight == 1 ? next - 0.5 : next;
            return from >= to ? c[i].mean : interpolate(target, from, c[i].mean, to, c[i + 1].mean);
        }
        at = next;
    }
    double last = c[n - 1].weight;
    if (last / 2 > 1)
        return interpolate(d->total - target, 1, d->max, last / 2, c[n - 1].mean);
    return d->max;
}

/* ---- the aggregate ---- */

static bool invalid(shoal_error *error, const char *message, double x)
{
    text_builder b;
    text_builder_init(&b);
    value_format_double(x, &b);
    error_set(error, ERR_INVALID_FUNCTION_ARGUMENT, "%s%s", message, text_builder_ok(&b) ? text_builder_cstr(&b) : "");
    text_builder_free(&b);
    return false;
}

static double read_number(const vector_view *v, physical_type p, uint32_t i)
{
    if (p == PHYSICAL_INT64)
        return (double)((const int64_t *)v->data)[i];
    if (p == PHYSICAL_FLOAT)
        return ((const float *)v->data)[i];
    return ((const double *)v->data)[i];
}

static void pct_init(const aggregate_function *f, void *state)
{
    memset(state, 0, f->state_size);
}

static bool add_value(percentile_state *s, double compression, double x, double w, shoal_error *error)
{
    if (!isfinite(x))
        return error_set(error, ERR_INVALID_FUNCTION_ARGUMENT, "value must be finite");
    if (!s->digest && !(s->digest = tdigest_new(compression)))
        return aggregate_out_of_memory(error);
    return tdigest_add(s->digest, x, w) || aggregate_out_of_memory(error);
}

static bool pct_update(const aggregate_function *f, void *const *states, uint32_t count,
                       const vector *const *args, shoal_error *error)
{
    const percentile_data *d = data_of(f);
    vector_view x = vector_view_of(args[0]);
    vector_view w = vector_view_of(args[d->arg_count == 2 ? 0 : 1]);
    vector_view p = vector_view_of(args[d->arg_count == 2 ? 1 : 2]);
    vector_view a = vector_view_of(args[d->arg_count == 4 ? 3 : 0]);
    for (uint32_t r = 0; r < count; r++) {
        uint32_t xi = vector_view_index(&x, r), wi = vector_view_index(&w, r);
        uint32_t pi = vector_view_index(&p, r), ai = vector_view_index(&a, r);
        if (!vector_view_valid(&x, xi) || !vector_view_valid(&w, wi) || !vector_view_valid(&p, pi) ||
            !vector_view_valid(&a, ai))
            continue;
        double weight = 1, compression = DEFAULT_COMPRESSION;
        if (d->arg_count >= 3) {
            weight = ((const double *)w.data)[wi];
            if (!isfinite(weight))
                return invalid(error, "weight must be finite, was ", weight);
            if (weight < 1)
                return invalid(error, "weight must be >= 1, was ", weight);
        }
        if (d->arg_count == 4) {
            double accuracy = ((const double *)a.data)[ai];
            if (!(accuracy > 0 && accuracy < 1))
                return error_set(error, ERR_INVALID_FUNCTION_ARGUMENT,
                                 "Percentile accuracy must be strictly between 0 and 1");
            compression = fmin(fmax(1 / accuracy, DEFAULT_COMPRESSION), MAX_COMPRESSION);
        }
        percentile_state *s = states[r];
        s->percentile = ((const double *)p.data)[pi]; /* the last one seen, as Trino */
        if (!add_value(s, compression, read_number(&x, d->value_physical, xi), weight, error))
            return false;
    }
    return true;
}

/* Adds another digest's `n` centroids (packed, maybe unaligned) and its
 * exact min and max. They go in as weighted points, so the digest compacts
 * itself as it fills and stays bounded however many digests are merged. */
static bool merge_centroids(percentile_state *t, double compression, const void *centroids, uint32_t n,
                            double min, double max, double percentile, shoal_error *error)
{
    if (!t->digest && !(t->digest = tdigest_new(compression)))
        return aggregate_out_of_memory(error);
    for (uint32_t k = 0; k < n; k++) {
        centroid c;
        memcpy(&c, (const unsigned char *)centroids + (size_t)k * sizeof c, sizeof c);
        if (!tdigest_add(t->digest, c.mean, c.weight))
            return aggregate_out_of_memory(error);
    }
    t->digest->min = fmin(t->digest->min, min);
    t->digest->max = fmax(t->digest->max, max);
    t->percentile = percentile;
    return true;
}

static bool pct_combine(const aggregate_function *f, void *target, const void *source, shoal_error *error)
{
    (void)f;
    const percentile_state *s = source;
    if (!s->digest || s->digest->count == 0)
        return true;
    const tdigest *d = s->digest;
    return merge_centroids(target, d->compression, d->items, d->count, d->min, d->max, s->percentile, error);
}

/* intermediate: compression, total, min, max, percentile, then centroids */
enum { HEADER_DOUBLES = 5 };

static bool pct_write_intermediate(const aggregate_function *f, const void *state, vector *out, uint32_t row)
{
    (void)f;
    const percentile_state *s = state;
    tdigest *d = s->digest;
    if (!d || d->count == 0)
        return vector_set_null(out, row);
    tdigest_compress(d); /* same contents, fewer centroids */
    size_t length = sizeof(double) * HEADER_DOUBLES + sizeof(centroid) * d->count;
    unsigned char *bytes = malloc(length);
    if (!bytes)
        return false;
    double header[HEADER_DOUBLES] = {d->compression, d->total, d->min, d->max, s->percentile};
    memcpy(bytes, header, sizeof header);
    memcpy(bytes + sizeof header, d->items, sizeof(centroid) * d->count);
    bool ok = aggregate_write_bytes(out, row, bytes, length);
    free(bytes);
    return ok;
}

static bool pct_merge_intermediate(const aggregate_function *f, void *const *states, uint32_t count,
                                   const vector *intermediate, shoal_error *error)
{
    vector_view v = vector_view_of(intermediate);
    for (uint32_t r = 0; r < count; r++) {
        const string_view *sv = aggregate_intermediate_at(&v, r);
        if (!sv)
            continue;
        size_t head = sizeof(double) * HEADER_DOUBLES;
        if (sv->length < head || (sv->length - head) % sizeof(centroid) != 0)
            return aggregate_corrupt_state(f, error);
        const char *bytes = string_view_data(sv);
        double header[HEADER_DOUBLES];
        memcpy(header, bytes, head);
        uint32_t n = (uint32_t)((sv->length - head) / sizeof(centroid));
        if (!merge_centroids(states[r], header[0], bytes + head, n, header[2], header[3], header[4], error))
            return false;
    }
    return true;
}

static bool pct_finalize(const aggregate_function *f, const void *state, vector *out, uint32_t row,
                         shoal_error *error)
{
    const percentile_state *s = state;
    tdigest *d = s->digest;
    if (!d || d->count == 0)
        return vector_set_null(out, row);
    if (!(s->percentile >= 0 && s->percentile <= 1))
        return error_set(error, ERR_INVALID_FUNCTION_ARGUMENT, "Percentile must be between 0 and 1");
    tdigest_compress(d);
    double x = tdigest_value_at(d, s->percentile);
    vector_set_valid(out, row);
    switch (data_of(f)->value_physical) {
    case PHYSICAL_INT64: ((int64_t *)out->data)[row] = llround(x); break;
    case PHYSICAL_FLOAT: ((float *)out->data)[row] = (float)x; break;
    default: ((double *)out->data)[row] = x; break;
    }
    return true;
}

static void pct_destroy(const aggregate_function *f, void *state)
{
    (void)f;
    percentile_state *s = state;
    tdigest_free(s->digest);
    s->digest = NULL;
}

const aggregate_function *aggregate_percentile_family(const resolved_function *r, shoal_error *error)
{
    if (strcmp(r->function->name, "approx_percentile") != 0)
        return NULL;
    percentile_data d;
    memset(&d, 0, sizeof d);
    d.value_physical = type_physical(r->arg_types[0]);
    d.arg_count = r->arg_count;
    aggregate_function f = {
        .name = r->function->name,
        .state_size = sizeof(percentile_state),
        .return_type = r->return_type,
        .intermediate_type = r->intermediate_type,
        .init = pct_init,
        .update = pct_update,
        .combine = pct_combine,
        .write_intermediate = pct_write_intermediate,
        .merge_intermediate = pct_merge_intermediate,
        .finalize = pct_finalize,
        .destroy = pct_destroy,
    };
    return aggregate_intern(&f, &d, sizeof d, error);
}
