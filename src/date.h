/* date.h - the date formats unplanet reads and writes.
 *
 * Pure functions, no locale and no time zone database: Planet pages print
 * English month names in UTC, and feeds want RFC 3339 (Atom) and RFC 822
 * (RSS) in UTC. Times are seconds since the epoch (UTC).
 */
#ifndef UNPLANET_DATE_H
#define UNPLANET_DATE_H

#include <stddef.h>
#include <time.h>

/* The last time the formats below hold: 9999-12-31T23:59:59Z. */
#define DATE_LAST ((time_t)253402300799)

/* Room for any formatted date below, including the NUL. */
#define DATE_MAX 40

/* Planet 2.0's item date, strftime "%B %d, %Y %I:%M %p %Z" as Planet
 * Python sets it, "%B %d, %Y %I:%M %p" by default: "April 28, 2026 07:40
 * PM UTC". The time is UTC whatever zone name follows: Planet formats the
 * UTC times of its cache, and %Z prints its server's zone name, not the
 * zone of the time ("06:00 AM EST" is 06:00 UTC). The name may hold
 * anything but markup ('<', '>'), up to 64 bytes; the whole of s[0..n)
 * must match. Years 1 to 9999 (those time_t holds). Returns 0 and sets
 * *t, and *day (unless NULL) to the day as date_parse_day counts days; or
 * returns -1. */
int date_parse_planet(const char *s, size_t n, time_t *t, long *day);

/* Planet 2.0's day header, "%B %d, %Y": "April 28, 2026". Returns 0 and
 * sets *day (unless NULL) to the days since January 1, 1970 (negative
 * before it); or -1. */
int date_parse_day(const char *s, size_t n, long *day);

/* RFC 3339 with a zone ("2026-04-28T19:40:00Z", "...+02:00", optional
 * fraction), years 1 to 9999 in UTC (those time_t holds). Returns 0 and
 * sets *t, or -1. */
int date_parse_rfc3339(const char *s, time_t *t);

/* "2026-04-28T19:40:00Z" */
void date_rfc3339(time_t t, char out[DATE_MAX]);
/* "Tue, 28 Apr 2026 19:40:00 GMT" */
void date_rfc822(time_t t, char out[DATE_MAX]);
/* As Planet Python prints a post's date: "April 28, 2026 07:40 PM UTC" */
void date_planet(time_t t, char out[DATE_MAX]);

#endif
