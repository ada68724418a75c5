/*
 * time_zone.h — the zone table behind timestamp(p) with time zone's zone
 * key (types.h timestamp_tz.zone_key): names, fixed offsets and the UTC
 * offset of a zone at an instant, from the system's tz database
 * (/usr/share/zoneinfo, TZif files parsed here; no libc TZ state, so it is
 * thread-safe).
 *
 * Keys are stable across processes that share a tzdata package:
 *   0                     UTC (also "Z", "UT", "GMT", "Etc/UTC", "+00:00")
 *   1 .. 1681             fixed offsets -14:00 .. +14:00 by the minute
 *                         (key = 841 + offset minutes)
 *   2000 + i              the i-th name of the sorted zone list of
 *                         /usr/share/zoneinfo/tzdata.zi (zones and links)
 * Instants after a zone file's last transition (2037 in "fat" files) use
 * its last offset.
 */
#ifndef SHOAL_SPI_TIME_ZONE_H
#define SHOAL_SPI_TIME_ZONE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { TIME_ZONE_UTC = 0, TIME_ZONE_NAME_MAX = 64 };

/* Finds the key of a zone name ("America/New_York", case-insensitive) or
 * offset ("+05:30", "-08", "UTC+1"). False when unknown. */
bool time_zone_lookup(const char *name, size_t length, int16_t *key);
/* Writes the zone's display name ("UTC", "+05:30", "America/New_York");
 * returns its length (0 for an unknown key). */
int time_zone_name(int16_t key, char *out, size_t size);
/* The zone's offset from UTC, in seconds, at the UTC instant. */
int32_t time_zone_offset_at(int16_t key, int64_t utc_seconds);
/* The UTC instant of a local wall-clock time in the zone (Java's rules: a
 * time in a gap moves forward by the gap; in an overlap the earlier offset). */
int64_t time_zone_local_to_utc(int16_t key, int64_t local_seconds);

#endif
