/*
 * progress.c — the status line and the final summary.
 */
#include "progress.h"

#include <stdint.h>
#include <string.h>
#include <time.h>

double progress_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* three significant digits with a unit suffix */
static void shorten(double value, const char *const *units, int unit_count, double step, char *out, size_t size)
{
    int unit = 0;
    while (value >= step && unit + 1 < unit_count) {
        value /= step;
        unit++;
    }
    if (unit == 0)
        snprintf(out, size, "%.0f%s", value, units[0]);
    else
        snprintf(out, size, value < 10 ? "%.2f%s" : value < 100 ? "%.1f%s" : "%.0f%s", value, units[unit]);
}

void progress_format_count(double count, char *out, size_t size)
{
    static const char *const units[] = {"", "K", "M", "B", "T", "Q"};
    shorten(count, units, 6, 1000, out, size);
}

void progress_format_bytes(double bytes, char *out, size_t size)
{
    static const char *const units[] = {"B", "kB", "MB", "GB", "TB", "PB"};
    shorten(bytes, units, 6, 1024, out, size);
}

static int64_t stat_int(const json_t *stats, const char *name)
{
    return (int64_t)json_number_value(json_object_get(stats, name));
}

static void format_clock(double seconds, char *out, size_t size)
{
    int64_t s = (int64_t)seconds;
    if (s >= 3600)
        snprintf(out, size, "%lld:%02lld:%02lld", (long long)(s / 3600), (long long)(s / 60 % 60), (long long)(s % 60));
    else
        snprintf(out, size, "%lld:%02lld", (long long)(s / 60), (long long)(s % 60));
}

void progress_begin(progress_line *p, FILE *out, bool enabled)
{
    memset(p, 0, sizeof *p);
    p->out = out;
    p->enabled = enabled;
    p->started = progress_now();
}

void progress_update(progress_line *p, const char *query_id, const json_t *stats)
{
    double now = progress_now();
    if (!p->enabled || !stats || now - p->started < 0.25 || now - p->last_drawn < 0.25)
        return;
    p->last_drawn = now;
    double elapsed = now - p->started;
    const char *state = json_string_value(json_object_get(stats, "state"));
    double rows = (double)stat_int(stats, "processedRows"), bytes = (double)stat_int(stats, "processedBytes");
    int64_t total = stat_int(stats, "totalSplits"), done = stat_int(stats, "completedSplits");
    char clock[32], row_text[32], byte_text[32], row_rate[32], byte_rate[32];
    format_clock(elapsed, clock, sizeof clock);
    progress_format_count(rows, row_text, sizeof row_text);
    progress_format_bytes(bytes, byte_text, sizeof byte_text);
    progress_format_count(rows / elapsed, row_rate, sizeof row_rate);
    progress_format_bytes(bytes / elapsed, byte_rate, sizeof byte_rate);
    int percent = total > 0 ? (int)(done * 100 / total) : 0;
    if (percent > 99 && state && strcmp(state, "FINISHED") != 0)
        percent = 99; /* as Trino: 100% only when it is over */
    fprintf(p->out, "\r\033[K%s [Query %s %s] [%s rows, %s] [%s rows/s, %s/s] [splits %lld/%lld, %d%%]", clock,
            query_id ? query_id : "?", state ? state : "?", row_text, byte_text, row_rate, byte_rate,
            (long long)done, (long long)total, percent);
    fflush(p->out);
    p->shown = true;
}

void progress_clear(progress_line *p)
{
    if (!p->shown)
        return;
    fputs("\r\033[K", p->out);
    fflush(p->out);
    p->shown = false;
}

void progress_print_summary(FILE *out, const char *query_id, const json_t *stats)
{
    int64_t nodes = stat_int(stats, "nodes"), total = stat_int(stats, "totalSplits");
    if (nodes == 0 || total == 0)
        return;
    double seconds = (double)stat_int(stats, "elapsedTimeMillis") / 1000.0;
    double rows = (double)stat_int(stats, "processedRows"), bytes = (double)stat_int(stats, "processedBytes");
    int64_t done = stat_int(stats, "completedSplits");
    const json_t *percent = json_object_get(stats, "progressPercentage");
    char time_text[32], row_text[32], byte_text[32], row_rate[32], byte_rate[32];
    if (seconds < 60)
        snprintf(time_text, sizeof time_text, "%.2f", seconds);
    else
        format_clock(seconds, time_text, sizeof time_text);
    double rate_base = seconds > 0 ? seconds : 1;
    progress_format_count(rows, row_text, sizeof row_text);
    progress_format_bytes(bytes, byte_text, sizeof byte_text);
    progress_format_count(rows / rate_base, row_rate, sizeof row_rate);
    progress_format_bytes(bytes / rate_base, byte_rate, sizeof byte_rate);
    fprintf(out, "\nQuery %s, %s, %lld node%s\n", query_id ? query_id : "?",
            json_string_value(json_object_get(stats, "state")) ?: "?", (long long)nodes, nodes == 1 ? "" : "s");
    fprintf(out, "Splits: %lld total, %lld done (%.2f%%)\n", (long long)total, (long long)done,
            percent ? json_number_value(percent) : 0.0);
    fprintf(out, "%s [%s rows, %s] [%s rows/s, %s/s]\n\n", time_text, row_text, byte_text, row_rate, byte_rate);
    fflush(out);
}
