/* date.c - parse Planet dates, format RFC 3339 and RFC 822 (see date.h). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "date.h"

static const char *const month_names[12] = {
	"January", "February", "March", "April", "May", "June", "July",
	"August", "September", "October", "November", "December"
};
static const char *const day_abbr[7] = {
	"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"   /* 1970-01-01 was a Thursday */
};

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
 * days_from_civil), so no time zone or locale can get in the way. */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void
civil_from_days(int64_t z, int *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

static int
days_in_month(int y, int m)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : days[m - 1];
}

/* A small cursor over s[0..n) so each field is one call. */
struct cursor {
	const char *p;
	const char *end;
};

static int
take_digits(struct cursor *c, int min, int max, int *out)
{
	int n = 0, v = 0, rc = -1;

	while (c->p < c->end && n < max && *c->p >= '0' && *c->p <= '9') {
		v = v * 10 + (*c->p - '0');
		c->p++;
		n++;
	}
	if (n >= min) {
		*out = v;
		rc = 0;
	}
	return rc;
}

static int
take_char(struct cursor *c, char ch)
{
	int rc = -1;

	if (c->p < c->end && *c->p == ch) {
		c->p++;
		rc = 0;
	}
	return rc;
}

static int
take_spaces(struct cursor *c)
{
	const char *start = c->p;

	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t'))
		c->p++;
	return c->p > start ? 0 : -1;
}

static int
take_word(struct cursor *c, const char **w, size_t *wn)
{
	*w = c->p;
	while (c->p < c->end && ((*c->p >= 'A' && *c->p <= 'Z') || (*c->p >= 'a' && *c->p <= 'z')))
		c->p++;
	*wn = (size_t)(c->p - *w);
	return *wn > 0 ? 0 : -1;
}

static int
take_month(struct cursor *c, int *month)
{
	const char *w;
	size_t wn;
	int i, rc = -1;

	if (take_word(c, &w, &wn) == 0) {
		for (i = 0; i < 12; i++) {
			if (strlen(month_names[i]) == wn && strncasecmp(w, month_names[i], wn) == 0) {
				*month = i + 1;
				rc = 0;
				break;
			}
		}
	}
	return rc;
}

/* "April 28, 2026": the part both Planet formats share. Python's %Y
 * does not pad years before 1000 on glibc ("January 01, 1"). */
static int
take_day(struct cursor *c, int *y, int *m, int *d)
{
	int rc = 0;

	if (take_month(c, m) != 0 || take_spaces(c) != 0 || take_digits(c, 1, 2, d) != 0 ||
	    take_char(c, ',') != 0 || take_spaces(c) != 0 || take_digits(c, 1, 4, y) != 0)
		rc = -1;
	else if (*y < 1 || *d < 1 || *d > days_in_month(*y, *m))
		rc = -1;
	return rc;
}

/* A numeric zone, +hh:mm or +hhmm, as minutes east of UTC. */
static int
take_offset(struct cursor *c, int *minutes)
{
	int sign, hh, mm, rc = -1;

	if (c->p >= c->end || (*c->p != '+' && *c->p != '-'))
		goto done;
	sign = *c->p == '-' ? -1 : 1;
	c->p++;
	if (take_digits(c, 2, 2, &hh) != 0)
		goto done;
	(void)take_char(c, ':');
	if (take_digits(c, 2, 2, &mm) != 0 || hh > 23 || mm > 59)
		goto done;
	*minutes = sign * (hh * 60 + mm);
	rc = 0;
done:
	return rc;
}

/* What Planet prints after the time: its server's zone name ("UTC",
 * "CET", "+03", "Pacific Standard Time"; on Windows "W. Europe Standard
 * Time", or a localized name with commas or non-ASCII letters, "Paris,
 * Madrid"), or nothing. Anything but markup, at most 64 bytes. */
static int
take_zone_name(struct cursor *c)
{
	const char *start = c->p;

	while (c->p < c->end && c->p - start < 64 && *c->p != '<' && *c->p != '>')
		c->p++;
	return c->p == c->end ? 0 : -1;
}

/* Where time_t is 32 bits (some Debian ports), a date it cannot hold is
 * no date, not a wrapped one. */
static int
to_time(int64_t secs, time_t *t)
{
	int rc = -1;

	if ((int64_t)(time_t)secs == secs) {
		*t = (time_t)secs;
		rc = 0;
	}
	return rc;
}

int
date_parse_day(const char *s, size_t n, long *day)
{
	struct cursor c = { s, s + n };
	int y, m, d, rc = 0;

	if (take_day(&c, &y, &m, &d) != 0 || c.p != c.end)
		rc = -1;
	else if (day != NULL)
		*day = (long)days_from_civil(y, m, d);
	return rc;
}

int
date_parse_planet(const char *s, size_t n, time_t *t, long *day)
{
	struct cursor c = { s, s + n };
	const char *w;
	size_t wn;
	int y, m, d, hh, mm, pm, rc = -1;

	if (take_day(&c, &y, &m, &d) != 0 || take_spaces(&c) != 0 ||
	    take_digits(&c, 1, 2, &hh) != 0 || take_char(&c, ':') != 0 ||
	    take_digits(&c, 2, 2, &mm) != 0 || take_spaces(&c) != 0 ||
	    take_word(&c, &w, &wn) != 0 || wn != 2)
		goto done;
	if (strncasecmp(w, "AM", 2) == 0)
		pm = 0;
	else if (strncasecmp(w, "PM", 2) == 0)
		pm = 1;
	else
		goto done;
	if (hh < 1 || hh > 12 || mm > 59)
		goto done;
	if (c.p < c.end && (take_spaces(&c) != 0 || take_zone_name(&c) != 0))
		goto done;
	hh = hh % 12 + (pm ? 12 : 0);
	if (to_time(days_from_civil(y, m, d) * 86400 + hh * 3600 + mm * 60, t) != 0)
		goto done;
	if (day != NULL)
		*day = (long)days_from_civil(y, m, d);
	rc = 0;
done:
	return rc;
}

int
date_parse_rfc3339(const char *s, time_t *t)
{
	struct cursor c = { s, s + strlen(s) };
	int y, mo, d, hh, mi, ss, zone = 0, rc = -1;
	int64_t utc;

	if (take_digits(&c, 4, 4, &y) != 0 || take_char(&c, '-') != 0 ||
	    take_digits(&c, 2, 2, &mo) != 0 || take_char(&c, '-') != 0 ||
	    take_digits(&c, 2, 2, &d) != 0)
		goto done;
	if (c.p >= c.end || (*c.p != 'T' && *c.p != 't' && *c.p != ' '))
		goto done;
	c.p++;
	if (take_digits(&c, 2, 2, &hh) != 0 || take_char(&c, ':') != 0 ||
	    take_digits(&c, 2, 2, &mi) != 0 || take_char(&c, ':') != 0 ||
	    take_digits(&c, 2, 2, &ss) != 0)
		goto done;
	if (c.p < c.end && *c.p == '.') {
		int frac;

		c.p++;
		if (take_digits(&c, 1, 9, &frac) != 0)
			goto done;
		while (c.p < c.end && *c.p >= '0' && *c.p <= '9')
			c.p++;
	}
	if (c.p < c.end && (*c.p == 'Z' || *c.p == 'z'))
		c.p++;
	else if (take_offset(&c, &zone) != 0)
		goto done;
	if (c.p != c.end || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) ||
	    hh > 23 || mi > 59 || ss > 60)
		goto done;
	utc = days_from_civil(y, mo, d) * 86400 + hh * 3600 + mi * 60 + ss - (int64_t)zone * 60;
	/* Only years 1 to 9999 in UTC, which is how it is written again:
	 * 0000-01-01T00:00:00+00:01 would be year -1, which nothing reads. */
	if (utc < days_from_civil(1, 1, 1) * 86400 || utc >= days_from_civil(10000, 1, 1) * 86400)
		goto done;
	if (to_time(utc, t) != 0)
		goto done;
	rc = 0;
done:
	return rc;
}

static void
split(time_t t, int *y, int *m, int *d, int *hh, int *mm, int *ss, int *wday)
{
	int64_t days = (int64_t)t / 86400, secs = (int64_t)t % 86400;

	if (secs < 0) {
		secs += 86400;
		days--;
	}
	civil_from_days(days, y, m, d);
	*hh = (int)(secs / 3600);
	*mm = (int)(secs / 60 % 60);
	*ss = (int)(secs % 60);
	*wday = (int)(((days % 7) + 7) % 7);
}

void
date_rfc3339(time_t t, char out[DATE_MAX])
{
	int y, m, d, hh, mm, ss, wd;

	split(t, &y, &m, &d, &hh, &mm, &ss, &wd);
	snprintf(out, DATE_MAX, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, m, d, hh, mm, ss);
}

void
date_rfc822(time_t t, char out[DATE_MAX])
{
	int y, m, d, hh, mm, ss, wd;

	split(t, &y, &m, &d, &hh, &mm, &ss, &wd);
	snprintf(out, DATE_MAX, "%s, %02d %.3s %04d %02d:%02d:%02d GMT",
	    day_abbr[wd], d, month_names[m - 1], y, hh, mm, ss);
}

void
date_planet(time_t t, char out[DATE_MAX])
{
	int y, m, d, hh, mm, ss, wd;

	split(t, &y, &m, &d, &hh, &mm, &ss, &wd);
	snprintf(out, DATE_MAX, "%s %02d, %04d %02d:%02d %s UTC", month_names[m - 1], d, y,
	    hh % 12 == 0 ? 12 : hh % 12, mm, hh < 12 ? "AM" : "PM");
}
