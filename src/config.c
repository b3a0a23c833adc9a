/* config.c - settings from the command line and INI files (see config.h).
 * The INI syntax is read by inih (Debian's libinih), set up like Python's
 * configparser, which Planet's own config.ini follows: ';' starts a comment
 * only at the start of a line (patterns may hold it), and indented lines
 * continue a value. Lines must be shorter than 1 MiB (section headers
 * may be any length). */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ini.h>
#include <libxml/hash.h>
#include <libxml/uri.h>

#include "buf.h"
#include "config.h"
#include "err.h"
#include "fetch.h"
#include "html.h"
#include "pool.h"
#include "text.h"
#include "write.h"

void
settings_init(struct settings *s)
{
	memset(s, 0, sizeof *s);
	s->timeout = -1;
	s->max_size = -1;
	s->keep = -1;
	s->jobs = -1;
	s->force = s->wait = s->dump = s->quiet = s->verbose = -1;
}

/* A message (malloc'd; NULL when memory runs out): fmt with a and b (NULL
 * as "") for its conversions, which are at most two, each a "%s" (no
 * format attribute can say so: fmt takes exactly two arguments). */
static char *
fail(const char *fmt, const char *a, const char *b)
{
	size_t n = strlen(fmt) + strlen(a) + (b != NULL ? strlen(b) : 0) + 1;
	char *s = malloc(n);

	if (s != NULL)
		snprintf(s, n, fmt, a, b != NULL ? b : "");
	return s;
}

/* Makes room for item n of the array *arrayp (of items of size bytes).
 * Arrays here grow through this alone, by doubling: an array of n items
 * has room for the power of two at or above n (a config of thousands of
 * sections would copy them all at each one). 0, or -1 when memory runs
 * out. */
static int
room_for(void *arrayp, size_t n, size_t size)
{
	void **array = arrayp, *p;
	size_t want = n == 0 ? 1 : 2 * n;
	int rc = 0;

	/* Between two powers of two, there is room. */
	if (n == 0 || (n & (n - 1)) == 0) {
		if (want <= SIZE_MAX / size && (p = realloc(*array, want * size)) != NULL)
			*array = p;
		else
			rc = -1;
	}
	return rc;
}

static int
append(void *listp, size_t *n, void *item)
{
	void ***list = listp;
	int rc = -1;

	if (room_for(list, *n, sizeof **list) == 0) {
		(*list)[(*n)++] = item;
		rc = 0;
	}
	return rc;
}

/* Why an empty pattern is refused, wherever it is given. */
#define EMPTY_PATTERN "empty pattern (it would match everything; for that, say so: ^)"

/* How much of an invalid pattern its error quotes. */
#define PATTERN_QUOTE_MAX 200

/* Compiles text and appends it to a pattern list. what names the
 * setting in messages ("exclude", "topic Django"), which on the command
 * line is all that tells one pattern from another. */
static int
add_pattern(struct pattern ***list, size_t *n, const char *what, const char *text, char **why)
{
	char *reason = NULL;
	struct pattern *p;
	int rc = -2;

	/* It would match everything: an exclusion would empty every feed. */
	if (text[0] == '\0') {
		*why = buf_concat(what, ": " EMPTY_PATTERN, NULL);
		goto done;
	}
	p = pattern_compile(text, &reason);
	if (p == NULL) {
		/* No reason: memory ran out (*why NULL says so). A long pattern
		 * is quoted by its start (cut between characters), so that a
		 * cron mail stays readable; the offset in the reason still
		 * says where it goes wrong. */
		size_t len = strlen(text), cut = len > PATTERN_QUOTE_MAX ? PATTERN_QUOTE_MAX : len;
		char *head, size[48] = "";

		while (cut < len && cut > 0 && ((unsigned char)text[cut] & 0xC0) == 0x80)
			cut--;
		if (cut < len)
			snprintf(size, sizeof size, "... (%zu bytes in all)", len);
		head = reason != NULL ? strndup(text, cut) : NULL;
		*why = head != NULL ? buf_concat(what, ": invalid pattern '", head, "'", size, ": ", reason, NULL) : NULL;
		free(head);
		goto done;
	}
	if (append(list, n, p) != 0) {
		pattern_free(p);
		*why = NULL;
		goto done;
	}
	rc = 0;
done:
	free(reason);   /* set only when pattern_compile failed */
	return rc;
}

static int
set_string(char **field, const char *value)
{
	char *copy = strdup(value);
	int rc = -1;

	if (copy != NULL) {
		free(*field);
		*field = copy;
		rc = 0;
	}
	return rc;
}

static int
parse_long(const char *value, long min, long max, long *out)
{
	char *end;
	long v;
	int rc = 0;

	errno = 0;
	v = strtol(value, &end, 10);
	/* strtol would also take " 5", "+5" and "-5": a number is digits. */
	if (!isdigit((unsigned char)value[0]) || *end != '\0' || errno != 0 || v < min || v > max)
		rc = -1;
	else
		*out = v;
	return rc;
}

static int
parse_size(const char *value, long long *out)
{
	char *end;
	unsigned long long v;
	unsigned shift = 0;
	int rc = -1;

	errno = 0;
	v = strtoull(value, &end, 10);
	/* strtoull would also take " -1" (as a huge number) and "+1". */
	if (!isdigit((unsigned char)value[0]) || errno != 0)
		goto done;
	if (*end == 'k' || *end == 'K')
		shift = 10;
	else if (*end == 'm' || *end == 'M')
		shift = 20;
	else if (*end == 'g' || *end == 'G')
		shift = 30;
	if (shift != 0)
		end++;
	if (*end != '\0' || v == 0 || v > (1ULL << 40) >> shift)
		goto done;
	*out = (long long)(v << shift);
	rc = 0;
done:
	return rc;
}

static int
parse_bool(const char *value, int *out)
{
	static const char *const yes[] = { "yes", "true", "on", "1" }, *const no[] = { "no", "false", "off", "0" };
	size_t i;
	int rc = -1;

	for (i = 0; i < 4; i++) {
		if (strcasecmp(value, yes[i]) == 0) {
			*out = 1;
			rc = 0;
			break;
		}
		if (strcasecmp(value, no[i]) == 0) {
			*out = 0;
			rc = 0;
			break;
		}
	}
	return rc;
}

/* A new topic named name at the end of s->topics; NULL when memory runs
 * out. */
static struct topic *
add_topic(struct settings *s, const char *name)
{
	struct topic *t, *found = NULL;

	if (room_for(&s->topics, s->n_topics, sizeof *s->topics) != 0)
		goto done;
	t = &s->topics[s->n_topics];
	memset(t, 0, sizeof *t);
	if ((t->name = strdup(name)) == NULL)
		goto done;
	s->n_topics++;
	found = t;
done:
	return found;
}

static struct topic *
find_topic(struct settings *s, const char *name, int create)
{
	struct topic *found = NULL;
	size_t i;

	for (i = 0; found == NULL && i < s->n_topics; i++)
		if (strcmp(s->topics[i].name, name) == 0)
			found = &s->topics[i];
	return found == NULL && create ? add_topic(s, name) : found;
}

/* A topic's name is its feed's title: one a reader shows as nothing is no name. */
#define TOPIC_NAME_BLANK "a topic's name must show: it is only spaces or invisible characters"

/* Why a value wrapped in quotes (quoted) is refused. */
#define QUOTES_KEPT "quotes are part of a value in a configuration file; write it without them"

/* Whether value is wrapped in a pair of the same quotes. */
static int
quoted(const char *value)
{
	size_t n = strlen(value);

	return n >= 2 && (value[0] == '"' || value[0] == '\'') && value[n - 1] == value[0];
}

static int fit_text(const char *s);
static char *unfit_text_as(const char *s, int path);
static char *unfit_text(const char *s);

/* Whether key's value names a file or folder. */
static int
is_path(const char *key, const char *value)
{
	return strcmp(key, "output") == 0 || strcmp(key, "xslt-dir") == 0 || strcmp(key, "stylesheet") == 0 ||
	    (strcmp(key, "source") == 0 && !fetch_is_url(value));
}

/* Whether the path segment s[0..n) is "." or "..", either dot perhaps
 * written "%2E" (RFC 3986, 6.2.2.2: the same segment). */
static int
dot_segment(const char *s, size_t n)
{
	size_t dots = 0;

	while (n > 0 && dots < 3) {
		if (s[0] == '.') {
			s++;
			n--;
		} else if (n >= 3 && s[0] == '%' && s[1] == '2' && (s[2] == 'e' || s[2] == 'E')) {
			s += 3;
			n -= 3;
		} else {
			break;
		}
		dots++;
	}
	return n == 0 && (dots == 1 || dots == 2);
}

/* Whether the authority starting at authority (up to its first '/', '?'
 * or '#', or the end) has no port or one of ASCII digits from 1 to
 * 65535, from its last ':' past any IPv6 literal's ']'. Leading zeros are no digits of
 * it (base_url_normal drops them); 0 is none a server listens on. */
static int
port_ok(const char *authority)
{
	const char *end = authority + strcspn(authority, "/?#"), *colon, *digits;
	long port;

	colon = memrchr(authority, ':', (size_t)(end - authority));
	if (colon == NULL || memchr(colon, ']', (size_t)(end - colon)) != NULL)
		return 1;
	digits = colon + 1 + strspn(colon + 1, "0");
	port = strtol(colon + 1, NULL, 10);
	return colon + 1 < end && (size_t)(end - (colon + 1)) == strspn(colon + 1, "0123456789") && end - digits <= 5 &&
	    port >= 1 && port <= 65535;
}

/* Feed addresses are base-url + "/authors/SLUG.atom": it must be a URL
 * that such a path can follow. libxml2 2.9 takes a port of any length
 * (its int may overflow): the port's digits are checked here, from the
 * authority's last ':' past any IPv6 literal's ']'. An empty port is
 * refused as the help says (libxml2 2.9 refuses it too; a later one
 * that takes it must not make it valid). Returns what is wrong with
 * value, for its error ("it holds a query"), or NULL when nothing is. */
static const char *
base_url_problem(const char *value)
{
	xmlURIPtr uri = xmlParseURI(value);
	const char *authority = strstr(value, "://"), *end, *colon, *problem = NULL;

	if (strpbrk(value, " \t\r\n") != NULL)
		problem = "it holds white space";
	else if (uri == NULL && authority != NULL && !port_ok(authority + 3))
		problem = "its port is not from 1 to 65535";   /* libxml2 2.9 parses none empty or too long */
	else if (uri == NULL)
		problem = "it holds a character a URL may not hold";
	else if (uri->scheme == NULL || (strcasecmp(uri->scheme, "http") != 0 && strcasecmp(uri->scheme, "https") != 0))
		problem = "it does not start with http:// or https://";
	else if (authority == NULL || uri->server == NULL || uri->server[0] == '\0')
		problem = "it names no host after a \"//\"";
	else if (uri->user != NULL)
		problem = "it holds a user:password";
	else if (uri->query != NULL || uri->query_raw != NULL)
		problem = "it holds a query ('?')";
	else if (uri->fragment != NULL)
		problem = "it holds a fragment ('#')";
	if (problem == NULL) {
		authority += 3;
		end = authority + strcspn(authority, "/");
		if (!port_ok(authority))
			problem = "its port is not from 1 to 65535";
		/* No "." or ".." segment: an id must not hold one (RFC 4287,
		 * 4.2.6.1), and a feed's address would not be the one a
		 * reader's request ends up at. */
		for (colon = end; problem == NULL && *colon == '/'; colon += 1 + strcspn(colon + 1, "/")) {
			size_t n = strcspn(colon + 1, "/");

			if (dot_segment(colon + 1, n))
				problem = "it holds a '.' or '..' folder";
		}
	}
	xmlFreeURI(uri);
	return problem;
}

/* A base URL (base_url_problem finds none) spelt one way, as feed ids
 * are made from it: scheme and host in lower case, a port without leading
 * zeros, and none when it is the scheme's default (RFC 3986, 6.2.3:
 * "HTTPS://Feeds.Example.org:00443/x/" is "https://feeds.example.org/x/").
 * Malloc'd, NULL when memory runs out. */
static char *
base_url_normal(const char *value)
{
	char *url = strdup(value), *p, *host_end, *port;
	size_t zeros;

	if (url == NULL)
		goto done;
	for (p = url; *p != '\0' && *p != '/' && *p != '?' && *p != '#'; p++)
		*p = (char)tolower((unsigned char)*p);
	host_end = p + strspn(p, "/");
	host_end += strcspn(host_end, "/?#");
	for (; p < host_end; p++)
		*p = (char)tolower((unsigned char)*p);
	port = host_end;
	while (port > url && isdigit((unsigned char)port[-1]))
		port--;
	if (port > url + 1 && port[-1] == ':' && port[-2] != '/') {
		zeros = strspn(port, "0");
		memmove(port, port + zeros, strlen(port + zeros) + 1);
		host_end -= zeros;
		if ((size_t)(host_end - port) == (url[4] == 's' ? 3u : 2u) &&
		    strncmp(port, url[4] == 's' ? "443" : "80", (size_t)(host_end - port)) == 0)
			memmove(port - 1, host_end, strlen(host_end) + 1);
	}
done:
	return url;
}

/* What --base-url must be, for its error. */
#define BASE_URL_RULE "base-url must be an http(s) URL with a host, a port from 1 to 65535 if any, and no " \
	"query, fragment, user:password, '.' or '..' folder, space, non-ASCII character or other character a URL " \
	"may not hold ('\\', '\"', '<'...; percent-encode it), " \
	"such as https://feeds.example.org/planet/"

int
settings_set(struct settings *s, const char *key, const char *value, char **why)
{
	long n;
	int b, rc = -2;

	*why = NULL;
	/* Values reach feeds and patterns: they must be text XML can carry.
	 * File and folder names reach only messages, and may be any bytes. */
	if (!is_path(key, value) && !fit_text(value)) {
		/* Said of a value, not of a file: the command line gives it too. */
		char *what = unfit_text(value);

		*why = what == NULL ? NULL : strncmp(what, "a control", 9) == 0 || strncmp(what, "a nonchar", 9) == 0 ?
		    fail("%s: the value holds %s", key, what) :
		    strncmp(what, "a byte-order", 12) == 0 ? fail("%s: the value holds a byte-order mark (U+FEFF)", key, NULL) :
		    fail("%s: the value is not valid UTF-8 text", key, NULL);
		free(what);
	} else if (strcmp(key, "source") == 0 || strcmp(key, "output") == 0 || strcmp(key, "xslt-dir") == 0) {
		char **field = key[0] == 's' ? &s->source : key[0] == 'o' ? &s->output : &s->xslt_dir;

		if (value[0] == '\0') {
			*why = fail("%s must not be empty", key, NULL);
			goto done;
		}
		/* Said here, so that a config file's mistake gets its FILE:LINE. */
		if (field == &s->source && fetch_is_url(value) && !fetch_is_http(value)) {
			char *shown = fetch_public_url(value);

			*why = shown != NULL ? fail("%s: only http and https URLs can be fetched", shown, NULL) : NULL;
			free(shown);
			goto done;
		}
		rc = set_string(field, value) == 0 ? 0 : (*why = NULL, -2);
	} else if (strcmp(key, "base-url") == 0) {
		const char *problem = base_url_problem(value);

		if (problem != NULL) {
			/* Not quoted when it may hold a password. */
			*why = strchr(value, '@') != NULL ? fail(BASE_URL_RULE " (not quoted here, as it may hold a password: "
			    "%s)", problem, NULL) : fail(BASE_URL_RULE ": '%s': %s", value, problem);
			goto done;
		}
		{
			char *normal = base_url_normal(value);

			rc = normal != NULL && set_string(&s->base_url, normal) == 0 ? 0 : (*why = NULL, -2);
			free(normal);
		}
	} else if (strcmp(key, "stylesheet") == 0) {
		char *copy = strdup(value), *name = writer_format_name(value);

		if (value[0] == '\0') {
			free(copy);
			free(name);
			*why = fail("%s needs a file name", key, NULL);
		} else if (copy != NULL && name == NULL && errno != ENOMEM) {   /* said here, for a config file's FILE:LINE */
			free(copy);
			*why = fail("%s: " WRITER_NAME_RULE, value, NULL);
		} else if (copy == NULL || name == NULL || append(&s->stylesheets, &s->n_stylesheets, copy) != 0) {
			free(name);
			free(copy);
			*why = NULL;
		} else {
			free(name);
			rc = 0;
		}
	} else if (strcmp(key, "timeout") == 0) {
		if (parse_long(value, 1, 86400, &s->timeout) != 0)
			*why = fail("timeout needs a number of seconds (1 to 86400): '%s'", value, NULL);
		else
			rc = 0;
	} else if (strcmp(key, "jobs") == 0) {
		if (parse_long(value, 1, POOL_MAX_THREADS, &s->jobs) != 0)
			*why = fail("jobs needs a number of threads (1 to " POOL_MAX_THREADS_TEXT "): '%s'", value, NULL);
		else
			rc = 0;
	} else if (strcmp(key, "keep") == 0) {
		if (parse_long(value, 0, 1000000, &n) != 0) {
			*why = fail("keep needs a number of entries (0 to 1000000): '%s'", value, NULL);
		} else {
			s->keep = n;
			rc = 0;
		}
	} else if (strcmp(key, "max-size") == 0) {
		if (parse_size(value, &s->max_size) != 0)
			*why = fail("max-size needs a size in bytes, 1 to 1024G, with an optional k, M or G "
			    "(default 32M): '%s'", value, NULL);
		else
			rc = 0;
	} else if (strcmp(key, "force") == 0 || strcmp(key, "wait") == 0 || strcmp(key, "dump") == 0 ||
	    strcmp(key, "quiet") == 0 || strcmp(key, "verbose") == 0) {
		int *field = key[0] == 'f' ? &s->force : key[0] == 'w' ? &s->wait : key[0] == 'd' ? &s->dump :
		    key[0] == 'q' ? &s->quiet : &s->verbose;

		if (parse_bool(value, &b) != 0) {
			*why = fail("%s needs yes or no: '%s'", key, value);
		} else {
			*field = b;
			rc = 0;
		}
	} else if (strcmp(key, "topic") == 0) {
		const char *eq = strchr(value, '='), *pattern = eq != NULL ? eq + 1 + strspn(eq + 1, " \t") : NULL;
		struct topic *t;
		char *name, *what, *trimmed;
		size_t len;

		/* "Django = django" reads as "Django=django", as in the file.
		 * "Django=" is an empty pattern, refused as any is. */
		if (eq == NULL || eq == value) {
			*why = fail("topic needs NAME=PATTERN: '%s'", value, NULL);
			goto done;
		}
		if ((name = strndup(value, (size_t)(eq - value))) != NULL)
			text_collapse_space(name);   /* " Web  dev " is "Web dev" */
		if (name != NULL && text_is_blank(name)) {
			*why = fail(name[0] == '\0' ? "topic needs NAME=PATTERN: '%s'" :
			    "topic '%s': " TOPIC_NAME_BLANK, value, NULL);
			free(name);
			goto done;
		}
		what = name != NULL ? buf_concat("topic ", name, NULL) : NULL;
		if (what == NULL || (t = find_topic(s, name, 1)) == NULL) {
			free(name);
			free(what);
			*why = NULL;
			goto done;
		}
		free(name);
		/* " X = food " is "X=food" too: the file's values end at their
		 * last character that is no white space. */
		for (len = strlen(pattern); len > 0 && (pattern[len - 1] == ' ' || pattern[len - 1] == '\t'); len--)
			;
		if ((trimmed = strndup(pattern, len)) == NULL) {
			free(what);
			*why = NULL;
			goto done;
		}
		rc = add_pattern(&t->match, &t->n_match, what, trimmed, why);
		free(trimmed);
		free(what);
	} else if (strcmp(key, "exclude") == 0 || strcmp(key, "only") == 0) {
		rc = key[0] == 'e' ? add_pattern(&s->exclude, &s->n_exclude, key, value, why) :
		    add_pattern(&s->only, &s->n_only, key, value, why);
	} else {
		rc = -1;
	}
done:
	return rc;
}

/* --- INI files ---------------------------------------------------------- */

/* What a line that a '\r' alone ends is told, wherever it is found. */
#define CR_ALONE "a carriage return alone ends no line (save the file with LF or CRLF line ends)"
/* The sections there are, for a header naming another. */
#define SECTIONS_KNOWN "use [unplanet], [topic NAME] or [source NAME]"

struct reading;
static int bad(struct reading *r, char *why);
static int empty_value(struct reading *r);

struct reading {
	struct settings *s;
	const char *path;
	const char *data;      /* the whole file, checked to hold no NUL... */
	size_t len, at;        /* ...its length, and how far inih has read */
	int line;              /* the line being read */
	int at_line_start;
	int cr_ended;          /* the last part read ended in '\r', whose '\n'
	                          must start this one */
	int indented;          /* it starts with white space: a continuation */
	size_t line_len;       /* bytes of it read so far */
	char *empty;           /* "section\1key" of a list key given no value
	                          on its line, which indented lines may follow
	                          (configparser's way to list them)... */
	int empty_line;        /* ...and its line */
	char *last;            /* "section\1key" of the key read before... */
	int continued;         /* ...and whether this line, indented, is more
	                          of it (inih calls on_key again for each) */
	char *why;             /* the first error, or NULL */
	int nomem;             /* ...or memory ran out, first */
	int why_line;
	xmlHashTablePtr seen;  /* (section, key) of single-valued keys given */
	xmlHashTablePtr rules; /* "#N" of each [source] section read: its
	                          rule's index in s->sources, plus one */
	xmlHashTablePtr topic_names;  /* a topic's name: its index in
	                          s->topics, plus one... */
	size_t n_named;        /* ...for s->topics[0..n_named) */
	char **sections;       /* each [NAME] header, in order... */
	int *section_lines;    /* ...and its line */
	size_t n_sections;
};

/* Whether line is "[unplanet]", "[topic ...]" or "[source ...]", spaces
 * and tabs allowed around the words. */
static int
looks_like_header(const char *line)
{
	const char *p = line + 1, *close = strchr(line, ']');
	int looks = 0;

	if (line[0] == '[' && close != NULL) {
		p += strspn(p, " \t");
		if (strncmp(p, "unplanet", 8) == 0)
			looks = p + 8 + strspn(p + 8, " \t") == close;
		else
			looks = (strncmp(p, "topic", 5) == 0 && text_is_space(p[5])) ||
			    (strncmp(p, "source", 6) == 0 && text_is_space(p[6]));
	}
	return looks;
}

/* Whether s is text a setting may hold: valid UTF-8, no control
 * character but tab, CR and LF (nor DEL, nor C1), no noncharacter, no
 * byte-order mark. */
static int
fit_text(const char *s)
{
	/* (text_is_clean refuses a byte-order mark only at the start of
	 * the text: one inside a value is as much a stray.) */
	return text_is_clean(s, strlen(s)) && !text_has_stray(s) && strstr(s, "\xEF\xBB\xBF") == NULL;
}

/* What is wrong with text fit_text refused (malloc'd; NULL when
 * memory runs out): a byte-order mark or a control character is valid
 * UTF-8, and the message should not send the user to re-save the file. */
static char *
unfit_text_as(const char *s, int path)
{
	const unsigned char *u = (const unsigned char *)s;
	char code[8];
	char *why;

	/* DEL and the C1 controls (U+0080..U+009F) too: XML allows them,
	 * but readers show them as junk (a file's name may hold them). */
	while (*u != '\0' && (*u >= 0x20 || *u == '\t' || *u == '\n' || *u == '\r') &&
	    (path || (*u != 0x7F && !(u[0] == 0xC2 && u[1] >= 0x80 && u[1] <= 0x9F))))
		u++;
	if (strstr(s, "\xEF\xBB\xBF") != NULL) {
		why = strdup("a byte-order mark (U+FEFF) past the start of the file, where only the start may "
		    "have one");
	} else if (*u != '\0') {
		snprintf(code, sizeof code, "%04X", *u == 0xC2 ? u[1] : *u);
		why = fail("a control character (U+%s)", code, NULL);
	} else if (!path && text_is_name(s) && text_has_stray(s)) {
		why = strdup("a noncharacter (U+FDD0..U+FDEF, or the last two code points of a plane, such as U+FFFE), "
		    "which HTML refuses");
	} else {
		why = strdup(path ? "not valid UTF-8 text (save the file as UTF-8; a path that is not UTF-8 "
		    "goes on the command line)" : "not valid UTF-8 text (save the file as UTF-8)");
	}
	return why;
}

static char *
unfit_text(const char *s)
{
	return unfit_text_as(s, 0);
}

/* fgets on the file read into memory: up to num - 1 bytes, to the end of
 * a line; NULL at the end. */
static char *
read_part(struct reading *r, char *str, int num)
{
	const char *end = r->at < r->len ? memchr(r->data + r->at, '\n', r->len - r->at) : NULL;
	size_t n = (end != NULL ? (size_t)(end + 1 - r->data) : r->len) - r->at;
	char *got = NULL;

	if (r->at < r->len && num > 1) {
		if (n > (size_t)num - 1)
			n = (size_t)num - 1;
		memcpy(str, r->data + r->at, n);
		str[n] = '\0';
		r->at += n;
		got = str;
	}
	return got;
}

/* getc on the file read into memory. */
static int
read_byte(struct reading *r)
{
	return r->at < r->len ? (unsigned char)r->data[r->at++] : EOF;
}

/* fgets for inih, counting lines and noting section headers. inih cuts
 * section names at 49 bytes (Debian builds it with INI_MAX_SECTION 50)
 * and reports no section that holds no keys, so each header that starts a
 * line is read whole here, noted with its line, and handed to inih as
 * "[#N]": on_key looks the whole name up. (An indented line is no header
 * here: it continues a value, or is refused where inih would take it for
 * one.) */
static char *
read_line(char *str, int num, void *stream)
{
	struct reading *r = stream;
	struct buf whole = { 0 };
	char *got, *close, *name = NULL, *line = NULL, after;
	int nomem = 0, bom = 0;
	size_t n;

	/* A UTF-8 byte-order mark is skipped in the file, not cut from the
	 * part read: a part shorter than inih asked for would end its line. */
	if (r->at == 0 && r->len >= 3 && memcmp(r->data, "\xef\xbb\xbf", 3) == 0) {
		r->at = 3;
		bom = 1;
	}
	got = read_part(r, str, num);
	if (got == NULL)
		goto done;
	/* Old Mac line ends: the whole file would read as its first line. */
	for (close = strchr(str, '\r'); close != NULL && (close[1] == '\n' || close[1] == '\0');
	    close = strchr(close + 1, '\r'))
		;
	/* A '\r' ending the part read (inih reads lines in parts) is one
	 * only if the next part starts with its '\n'. */
	if (close != NULL || (r->cr_ended && str[0] != '\n')) {
		if (r->at_line_start)
			r->line++;
		bad(r, strdup(CR_ALONE));
		goto done;
	}
	r->cr_ended = str[0] != '\0' && str[strlen(str) - 1] == '\r';
	if (bom && strncmp(str, "\xef\xbb\xbf", 3) == 0) {   /* which inih would strip too */
		r->line++;
		bad(r, strdup("two byte-order marks (save the file as UTF-8, with one at most)"));
		goto done;
	}
	n = strlen(str);
	if (r->at_line_start) {
		/* What inih skips before a line's text (isspace), form feeds
		 * too: so a header after one is not one it takes unseen. */
		const char *p = str + strspn(str, " \t\f\v");

		r->line++;
		r->indented = p > str;
		/* inih would take it for more of the value above: say so. */
		if (p > str && looks_like_header(p) && r->last != NULL) {
			bad(r, strdup("a section header must start its line (an indented line continues the value above)"));
			goto done;
		}
		/* With no value above, inih takes any "[...]" for a header,
		 * one this function never saw. */
		if (p > str && *p == '[' && r->last == NULL) {
			bad(r, strdup("a section header must start its line (an indented line here continues no value)"));
			goto done;
		}
	}
	if (!r->at_line_start || str[0] != '[') {
		r->line_len = r->at_line_start ? n : r->line_len + n;
		r->at_line_start = n > 0 && str[n - 1] == '\n';
		/* inih reads the rest of a line longer than its limit as a line
		 * of its own, which would be misread. */
		if (!r->at_line_start && r->line_len >= (size_t)ini_max_line - 1) {
			int next = read_byte(r);

			if (next != EOF && next != '\n') {
				bad(r, strdup("line of 1 MiB or longer"));
				goto done;
			}
			/* The line ends right there: its '\n', which the buffer
			 * has no room for, is taken here, or inih would count it
			 * as a line of its own. */
			if (next == '\n') {
				r->at_line_start = 1;
				r->line_len = 0;
				r->cr_ended = 0;   /* a '\r' that ended the part had it */
			}
		}
		line = got;
		goto done;
	}
	/* An empty list key waiting for indented lines gets none. */
	if (r->empty != NULL) {
		empty_value(r);
		goto done;
	}
	/* A header, however long; this function names it (inih sees only
	 * "[#N]"), so a name may hold ']'. */
	nomem = buf_adds(&whole, str) != 0;
	while (!nomem && whole.data[whole.len - 1] != '\n' && read_part(r, str, num) != NULL)
		nomem = buf_adds(&whole, str) != 0;
	if (nomem)
		goto done;
	r->at_line_start = 1;
	r->cr_ended = 0;   /* its '\n' was read here */
	/* Its parts past the first were not looked at for old Mac line ends
	 * (a '\r' ending the file is one, as after a key). */
	for (close = strchr(whole.data, '\r'); close != NULL && (close[1] == '\n' || (close[1] == '\0' &&
	    r->at >= r->len)); close = strchr(close + 1, '\r'))
		;
	if (close != NULL) {
		bad(r, strdup(CR_ALONE));
		goto done;
	}
	/* The header ends at the first ']' that nothing but a comment
	 * follows ("[source A [b]] ; old [c]" is "source A [b]"), as
	 * configparser takes a comment there; a key after it would be lost. */
	for (close = strchr(whole.data, ']'); close != NULL; close = strchr(close + 1, ']')) {
		after = close[1 + strspn(close + 1, " \t\r\n")];
		if (after == '\0' || after == ';' || after == '#')
			break;
	}
	if (close == NULL) {
		bad(r, strdup(strchr(whole.data, ']') == NULL ? "a section header needs its ']'" :
		    "text after a section header's ']' (a key goes on a line of its own)"));
		goto done;
	}
	/* "[topic  Web dev ]" names the topic "Web dev". */
	if ((name = strndup(whole.data + 1, (size_t)(close - whole.data - 1))) != NULL)
		text_collapse_space(name);
	if (name != NULL && !fit_text(name)) {
		bad(r, unfit_text(name));
		goto done;
	}
	/* inih would take the keys below it for keys outside any section. */
	if (name != NULL && name[0] == '\0') {
		bad(r, strdup("unknown section []: " SECTIONS_KNOWN));
		goto done;
	}
	if (name == NULL || room_for(&r->section_lines, r->n_sections, sizeof *r->section_lines) != 0 ||
	    append(&r->sections, &r->n_sections, name) != 0) {
		nomem = 1;
		goto done;
	}
	name = NULL;   /* r->sections holds it now */
	r->section_lines[r->n_sections - 1] = r->line;
	free(r->last);   /* inih continues no key across a header */
	r->last = NULL;
	snprintf(str, (size_t)num, "[#%zu]\n", r->n_sections - 1);
	line = got;
done:
	free(name);
	buf_free(&whole);
	if (nomem)
		bad(r, NULL);
	return line;
}

/* N of the section inih calls "#N" (read_line renames each header so),
 * or r->n_sections for a name that is not so. */
static size_t
section_index(const struct reading *r, const char *section)
{
	char *end;
	unsigned long i = r->n_sections;

	if (section[0] == '#') {
		i = strtoul(section + 1, &end, 10);
		if (*end != '\0' || i >= r->n_sections)
			i = r->n_sections;
	}
	return i;
}

/* The name of the section inih calls "#N". */
static const char *
section_name(const struct reading *r, const char *section)
{
	size_t i = section_index(r, section);

	return i < r->n_sections ? r->sections[i] : section;
}

/* The line of the header of the section inih calls "#N". */
static int
section_line(const struct reading *r, const char *section)
{
	size_t i = section_index(r, section);

	return i < r->n_sections ? r->section_lines[i] : r->line;
}

/* "FILE:LINE" of a line read (r->line: the line being read), malloc'd. */
static char *
where(const struct reading *r, int at)
{
	char line[24];

	snprintf(line, sizeof line, "%d", at);
	return fail("%s:%s", r->path, line);
}

/* Where s keeps the line that set key, for a key whose value is checked
 * only when used (a path, a URL): messages name the line then. */
static char **
where_slot(struct settings *s, const char *key)
{
	return strcmp(key, "source") == 0 ? &s->source_at : strcmp(key, "output") == 0 ? &s->output_at :
	    strcmp(key, "xslt-dir") == 0 ? &s->xslt_dir_at : NULL;
}

/* Notes the line that named the stylesheet just added: what is wrong with
 * the stylesheet itself shows only when it is loaded, and the message
 * should still say which line named it. -1 when memory ran out. */
static int
note_stylesheet(struct reading *r)
{
	struct settings *s = r->s;
	char **at = realloc(s->stylesheets_at, s->n_stylesheets * sizeof *at);
	int rc = -1;

	if (at != NULL) {
		s->stylesheets_at = at;
		at[s->n_stylesheets - 1] = where(r, r->line);
		rc = at[s->n_stylesheets - 1] != NULL ? 0 : -1;
	}
	if (rc != 0)   /* the two lists stay the same length */
		free(s->stylesheets[--s->n_stylesheets]);
	return rc;
}

/* Keeps the first thing wrong (why, malloc'd; NULL when memory ran out),
 * at line. */
static int
bad_at(struct reading *r, int line, char *why)
{
	if (r->why == NULL && !r->nomem) {
		r->why = why;
		r->nomem = why == NULL;   /* every message is malloc'd */
		r->why_line = line;
	} else {
		free(why);
	}
	return 0;   /* tells inih to stop */
}

static int
bad(struct reading *r, char *why)
{
	return bad_at(r, r->line, why);
}

/* Why a single-valued key got a second value: given twice, or an
 * indented line read as more of it, which configparser would join but
 * only list keys here take. */
static char *
twice(const struct reading *r, const char *key, const char *section)
{
	char *why;

	if (r->continued)
		why = fail("'%s' takes one line: an indented line continues the value above, and only match, "
		    "exclude, only, topic and stylesheet take one value per line (in [%s])", key, section);
	else
		why = fail("'%s' given twice in [%s]", key, section);
	return why;
}

/* Single-valued keys may be given once per section: 1 the first time,
 * 0 after, -1 out of memory. */
static int
first_time(struct reading *r, const char *section, const char *key)
{
	int rc = -1;

	if (r->seen == NULL && (r->seen = xmlHashCreate(64)) == NULL)
		goto done;
	if (xmlHashLookup2(r->seen, (const xmlChar *)section, (const xmlChar *)key) != NULL)
		rc = 0;
	else if (xmlHashAddEntry2(r->seen, (const xmlChar *)section, (const xmlChar *)key, r) == 0)
		rc = 1;
done:
	return rc;
}

/* The rule of the [source NAME] section inih calls raw ("#N"): each such
 * section is a rule of its own, so two sources of one name, told apart by
 * their link, can each have one. */
static struct source_rule *
source_rule(struct reading *r, const char *raw, const char *name)
{
	struct settings *s = r->s;
	struct source_rule *rule, *found = NULL;
	size_t at = (size_t)(uintptr_t)(r->rules != NULL ? xmlHashLookup(r->rules, (const xmlChar *)raw) : NULL);

	if (at > 0) {
		found = &s->sources[at - 1];
		goto done;
	}
	if (r->rules == NULL && (r->rules = xmlHashCreate(64)) == NULL)
		goto done;
	if (room_for(&s->sources, s->n_sources, sizeof *s->sources) != 0)
		goto done;
	rule = &s->sources[s->n_sources];
	memset(rule, 0, sizeof *rule);
	if ((rule->name = strdup(name)) == NULL || text_match_form(name, 1, &rule->name_form) != 0 ||
	    (rule->name_form == NULL && (rule->name_form = strdup(name)) == NULL) ||
	    xmlHashAddEntry(r->rules, (const xmlChar *)raw, (void *)(uintptr_t)(s->n_sources + 1)) != 0) {
		free(rule->name);
		free(rule->name_form);
		goto done;
	}
	s->n_sources++;
	found = rule;
done:
	return found;
}

/* The topic named name (made when create and there is none), found
 * through r->topic_names; NULL when memory runs out (or, unless create,
 * there is none). */
static struct topic *
reading_topic(struct reading *r, const char *name, int create)
{
	struct settings *s = r->s;
	struct topic *found = NULL;
	size_t at;

	if (r->topic_names == NULL && (r->topic_names = xmlHashCreate(64)) == NULL)
		goto nomem;
	/* Topics come from sections and from 'topic =' lines alike, each
	 * name once (find_topic). */
	for (; r->n_named < s->n_topics; r->n_named++)
		if (xmlHashAddEntry(r->topic_names, (const xmlChar *)s->topics[r->n_named].name,
		    (void *)(uintptr_t)(r->n_named + 1)) != 0)
			goto nomem;
	at = (size_t)(uintptr_t)xmlHashLookup(r->topic_names, (const xmlChar *)name);
	if (at > 0)
		found = &s->topics[at - 1];
	else if (create && (found = add_topic(s, name)) == NULL)   /* indexed at the next call */
		goto nomem;
	return found;
nomem:
	r->nomem = 1;
	return NULL;
}

/* The single-valued key `key` of a [topic] or [source] section. */
static int
set_field(struct reading *r, const char *section, const char *key, char **field, const char *value)
{
	int rc;

	/* Given twice in the section (or in two sections of one topic). */
	if (*field != NULL)
		rc = bad(r, twice(r, key, section));
	else if (strcmp(key, "slug") == 0 && !text_valid_slug(value))
		rc = bad(r, fail("slug '%s' must be 1 to 64 of a-z, 0-9 and '-', not starting or ending with '-'",
		    value, NULL));
	else if (value[0] == '\0')
		rc = bad(r, fail("'%s' needs a value", key, NULL));
	else if (text_is_blank(value))   /* a name or title a reader would show as nothing */
		rc = bad(r, fail("'%s' shows nothing: only spaces or invisible characters", key, NULL));
	else
		rc = set_string(field, value) == 0 ? 1 : bad(r, NULL);
	return rc;
}

/* A slug, and where it was given, for the messages of a clash found when
 * the page is known (group.c). */
static int
set_slug(struct reading *r, const char *section, char **slug, char **at, const char *value)
{
	int rc = set_field(r, section, "slug", slug, value);

	if (rc == 1 && (*at = where(r, r->line)) == NULL)   /* a slug is given once per section */
		rc = bad(r, NULL);
	return rc;
}

/* Keys whose every line adds a value: a pattern, a topic or a stylesheet. */
static int
is_list_key(const char *section, const char *key)
{
	int is;

	if (strcmp(section, "unplanet") == 0)
		is = strcmp(key, "exclude") == 0 || strcmp(key, "only") == 0 || strcmp(key, "topic") == 0 ||
		    strcmp(key, "stylesheet") == 0;
	else
		is = strncmp(section, "topic ", 6) == 0 && (strcmp(key, "match") == 0 || strcmp(key, "exclude") == 0);
	return is;
}

/* The error for a list key left empty on its own line with no indented
 * value below: what the key says of an empty value, at that line. */
static int
empty_value(struct reading *r)
{
	const char *key = strchr(r->empty, '\1') + 1;
	char *why = NULL;
	int line = r->line;

	if (strncmp(r->empty, "unplanet\1", 9) == 0)
		settings_set(r->s, key, "", &why);   /* refuses "", changing nothing */
	else
		why = strdup(EMPTY_PATTERN);
	r->line = r->empty_line;
	bad(r, why);
	r->line = line;
	return 0;
}

/* The error for a key no section of its kind has. An indented line just
 * below a header is read as a key (inih has no value above to continue):
 * one meant as more of a value gets a word on why it is a key. */
static char *
unknown_key(const struct reading *r, const char *key, const char *section, const char *known)
{
	return buf_concat("unknown key '", key, "' in [", section, "] (", known, ")",
	    r->indented && !r->continued ? "; this indented line is read as a key, as no key is above it in its "
	    "section for it to continue" : "", NULL);
}

static int
on_key(void *user, const char *section, const char *name, const char *value)
{
	struct reading *r = user;
	char *why = NULL, *key, *k;
	const char *raw_section = section;
	int rc;

	/* Keys in any case, as configparser reads Planet's own file. */
	if ((key = strdup(name)) == NULL) {
		rc = bad(r, NULL);
		goto done;
	}
	for (k = key; *k != '\0'; k++)
		if (*k >= 'A' && *k <= 'Z')
			*k = (char)(*k - 'A' + 'a');
	section = section_name(r, section);
	/* A file or folder's name may hold DEL or C1 (it reaches only
	 * messages); other values reach feeds and patterns. */
	if (!fit_text(section) || !fit_text(key) ||
	    (is_path(key, value) ? !text_is_name(value) : !fit_text(value))) {
		rc = bad(r, !fit_text(section) ? unfit_text(section) : !fit_text(key) ? unfit_text(key) :
		    unfit_text_as(value, is_path(key, value)));
		goto done;
	}
	{
		char *current = fail("%s\1%s", section, key);

		if (current == NULL) {
			rc = bad(r, NULL);
			goto done;
		}
		r->continued = r->indented && r->last != NULL && strcmp(r->last, current) == 0;
		free(r->last);
		r->last = current;
	}
	if (section[0] == '\0') {
		rc = bad(r, fail("'%s' outside a section: start with [unplanet]", key, NULL));
		goto done;
	}
	/* "exclude =" then indented lines, one pattern each: the empty value
	 * waits for them. */
	if (r->empty != NULL) {
		size_t n = strlen(section);
		int continued = r->indented && strncmp(r->empty, section, n) == 0 && r->empty[n] == '\1' &&
		    strcmp(r->empty + n + 1, key) == 0;

		if (!continued)
			rc = empty_value(r);
		free(r->empty);
		r->empty = NULL;
		if (!continued)
			goto done;
	}
	if (value[0] == '\0' && !r->indented && is_list_key(section, key)) {
		r->empty_line = r->line;
		rc = (r->empty = fail("%s\1%s", section, key)) != NULL ? 1 : bad(r, NULL);
		goto done;
	}
	if (strcmp(section, "unplanet") == 0) {
		int set, first = 1;
		char **at;

		if (strcmp(key, "stylesheet") != 0 && strcmp(key, "topic") != 0 && strcmp(key, "exclude") != 0 &&
		    strcmp(key, "only") != 0)
			first = first_time(r, section, key);
		if (first != 1)
			rc = bad(r, first == 0 ? twice(r, name, section) : NULL);
		/* No shell reads the file: "~/feeds" would be a folder named "~"
		 * in the current one. */
		else if (value[0] == '~' && is_path(key, value))
			rc = bad(r, fail("%s = %s: '~' is not expanded in a configuration file; give the whole path",
			    key, value));
		/* Nor are quotes taken off ("output = \"feeds\"" would be a
		 * folder named with its quotes). */
		else if (quoted(value) && (is_path(key, value) || strcmp(key, "base-url") == 0))
			/* Not quoted when it may hold a password. */
			rc = bad(r, strchr(value, '@') != NULL ? fail("%s: " QUOTES_KEPT "%s", key,
			    " (not quoted here: it may hold a password)") : fail("%s = %s: " QUOTES_KEPT, key, value));
		else if ((set = settings_set(r->s, key, value, &why)) == -1)
			rc = bad(r, unknown_key(r, name, section, "source, output, base-url, topic, exclude, only, "
			    "stylesheet, xslt-dir, keep, force, wait, dump, timeout, max-size, jobs, quiet, verbose"));
		/* The command line's last of -q and -v wins; a file has no
		 * order to go by. */
		else if (set == 0 && r->s->quiet == 1 && r->s->verbose == 1)
			rc = bad(r, fail("%s", "quiet and verbose cannot both be yes", NULL));
		else if (set == 0 && strcmp(key, "stylesheet") == 0)
			rc = note_stylesheet(r) == 0 ? 1 : bad(r, NULL);
		else if (set == 0 && (at = where_slot(r->s, key)) != NULL)   /* as for a stylesheet */
			rc = (*at = where(r, r->line)) != NULL ? 1 : bad(r, NULL);
		else
			rc = set == 0 ? 1 : bad(r, why);
	} else if (strncmp(section, "topic ", 6) == 0 && text_is_blank(section + 6)) {
		/* At its header: the name is what is wrong. */
		rc = bad_at(r, section_line(r, raw_section), fail("[%s]: " TOPIC_NAME_BLANK, section, NULL));
	} else if (strncmp(section, "topic ", 6) == 0) {
		struct topic *t = reading_topic(r, section + 6, 1);

		if (t == NULL)
			rc = bad(r, NULL);
		else if (strcmp(key, "match") == 0)
			rc = add_pattern(&t->match, &t->n_match, key, value, &why) == 0 ? 1 : bad(r, why);
		else if (strcmp(key, "exclude") == 0)
			rc = add_pattern(&t->exclude, &t->n_exclude, key, value, &why) == 0 ? 1 : bad(r, why);
		else if (strcmp(key, "title") == 0)
			rc = set_field(r, section, key, &t->title, value);
		else if (strcmp(key, "description") == 0)
			rc = set_field(r, section, key, &t->description, value);
		else if (strcmp(key, "slug") == 0)
			rc = set_slug(r, section, &t->slug, &t->slug_at, value);
		else
			rc = bad(r, unknown_key(r, name, section, "match, exclude, title, description, slug"));
	} else if (strncmp(section, "source ", 7) == 0 && section[7] != '\0') {
		struct source_rule *rule = source_rule(r, raw_section, section + 7);

		/* Its warnings name the section, at its header's line. */
		if (rule == NULL || (rule->at == NULL && (rule->at = where(r, section_line(r, raw_section))) == NULL))
			rc = bad(r, NULL);
		else if (strcmp(key, "link") == 0 && quoted(value))
			rc = bad(r, strdup("link: " QUOTES_KEPT));   /* not quoted: it may hold a password */
		else if (strcmp(key, "link") == 0 && !html_site_ok(value))   /* not quoted: it may hold a password */
			rc = bad(r, strdup("link must be the source's site link, as its channel header on the page links "
			    "to: an http or https URL, or one without its scheme, with a host, a port up to 65535 if any, "
			    "and no user:password or space, such as https://realpython.com/"));
		else if (strcmp(key, "link") == 0)
			rc = set_field(r, section, key, &rule->link, value);
		else if (strcmp(key, "name") == 0)
			rc = set_field(r, section, key, &rule->title, value);
		else if (strcmp(key, "slug") == 0)
			rc = set_slug(r, section, &rule->slug, &rule->slug_at, value);
		else if (strcmp(key, "description") == 0)
			rc = set_field(r, section, key, &rule->description, value);
		else
			rc = bad(r, unknown_key(r, name, section, "link, name, slug, description"));
	} else {
		/* At its header, as for a section with no keys. */
		rc = bad_at(r, section_line(r, raw_section),
		    fail("unknown section [%s]: " SECTIONS_KNOWN, section, NULL));
	}
done:
	free(key);
	return rc;
}

/* Past this, a "configuration file" is something else (/dev/urandom, a
 * log): it would take the run's memory and time. */
#define CONFIG_MAX ((size_t)64 << 20)

/* The whole file at path into out, so that a NUL byte is found wherever
 * the file comes from (a pipe, /dev/zero), before inih's fgets would take
 * it for the end of a line; UP_OK or a status with err set. */
static int
config_load(const char *path, struct buf *out, char **err)
{
	/* As fetch.c's open: not blocking, so that a named pipe's writer is
	 * waited for in err_read, which a stop ends, also one asked for just
	 * before. */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	struct stat st;
	const char *nul = NULL;
	ssize_t got = 1;
	int rc = UP_OK, e = 0;

	if (fd < 0) {
		rc = err_set(err, err_status(errno, UP_ECONFIG), "%s: cannot open: %s", path, strerror(errno));
		goto done;
	}
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		rc = err_set(err, UP_ECONFIG, "%s: is a folder, not a configuration file", path);
		goto done;
	}
	while (got != 0 && nul == NULL && out->len <= CONFIG_MAX && err_stop == 0) {
		if (buf_reserve(out, 65536) != 0) {
			rc = err_nomem(err);
			goto done;
		}
		got = err_read(fd, out->data + out->len, 65536);
		if (got < 0) {
			e = errno;   /* EINTR: a stop, said as such below */
			break;
		}
		nul = memchr(out->data + out->len, '\0', (size_t)got);
		out->len += (size_t)got;
		out->data[out->len] = '\0';
	}
	if (nul != NULL) {
		size_t line = 1;
		const char *p;

		for (p = out->data; p < nul; p++)
			line += *p == '\n';
		rc = err_set(err, UP_ECONFIG, "%s:%zu: a NUL byte (is this a text file? One saved as UTF-16 has "
		    "them: save it as UTF-8)", path, line);
	} else if (out->len > CONFIG_MAX) {
		rc = err_set(err, UP_ECONFIG, "%s: larger than 64 MiB: not a configuration file", path);
	} else if (err_stop != 0) {
		rc = err_stopped(err);   /* a pipe that had not written it all */
	} else if (e != 0) {
		rc = err_set(err, UP_ECONFIG, "%s: cannot read: %s", path, strerror(e));
	}
done:
	if (fd >= 0)
		close(fd);
	return rc;
}

int
config_read(const char *path, struct settings *s, char **err)
{
	struct reading r;
	struct buf file = { 0 };
	xmlHashTablePtr slugs = NULL;     /* a topic's slug: the first topic given it */
	size_t i;
	int line, rc = UP_OK;

	memset(&r, 0, sizeof r);
	r.s = s;
	r.path = path;
	r.at_line_start = 1;
	if (path[0] == '\0') {
		rc = err_set(err, UP_ECONFIG, "--config needs a file name");
		goto done;
	}
	if ((rc = config_load(path, &file, err)) != UP_OK)
		goto done;
	r.data = file.data != NULL ? file.data : "";
	r.len = file.len;
	/* configparser's rules, and no line length limit. */
	ini_allow_inline_comments = 0;
	ini_allow_multiline = 1;
	ini_use_stack = 0;
	ini_allow_realloc = 1;
	ini_max_line = 1 << 20;
	ini_stop_on_first_error = 1;
	line = ini_parse_stream(read_line, &r, on_key, &r);
	if (r.why == NULL && !r.nomem && line == 0 && r.empty != NULL)
		empty_value(&r);
	if (r.nomem || line == -2)
		rc = err_nomem(err);
	else if (r.why != NULL)
		rc = err_set(err, UP_ECONFIG, "%s:%d: %s", path, r.why_line, r.why);
	else if (line > 0)
		rc = err_set(err, UP_ECONFIG, "%s:%d: expected 'key = value' or '[section]'", path, line);
	else if (line < 0)
		rc = err_set(err, UP_ECONFIG, "%s: cannot read", path);
	for (i = 0; rc == UP_OK && i < r.n_sections; i++) {
		const char *name = r.sections[i];
		struct topic *t;
		const struct topic *other;

		if (strcmp(name, "unplanet") == 0 || (strncmp(name, "source ", 7) == 0 && name[7] != '\0'))
			continue;
		if (strncmp(name, "topic ", 6) != 0 || name[6] == '\0') {
			rc = err_set(err, UP_ECONFIG, "%s:%d: unknown section [%s]: " SECTIONS_KNOWN, path,
			    r.section_lines[i], name);
			break;
		}
		if (text_is_blank(name + 6)) {   /* as on_key says it of a section with keys */
			rc = err_set(err, UP_ECONFIG, "%s:%d: [%s]: " TOPIC_NAME_BLANK, path, r.section_lines[i], name);
			break;
		}
		t = reading_topic(&r, name + 6, 0);
		if (t == NULL && r.nomem) {
			rc = err_nomem(err);
			break;
		}
		if (t == NULL || t->n_match == 0) {
			rc = err_set(err, UP_ECONFIG, "%s:%d: [%s] needs at least one 'match = PATTERN'",
			    path, r.section_lines[i], name);
			break;
		}
		/* Two topics cannot write the same files: slugs holds the
		 * first topic of each slug. */
		if (t->slug == NULL)
			continue;
		if (slugs == NULL && (slugs = xmlHashCreate(64)) == NULL) {
			rc = err_nomem(err);
			break;
		}
		other = xmlHashLookup(slugs, (const xmlChar *)t->slug);
		if (other != NULL && other != t && t->slug_at != NULL)   /* named where it is given */
			rc = err_set(err, UP_ECONFIG, "%s: [%s] has slug '%s', which [topic %s] already uses",
			    t->slug_at, name, t->slug, other->name);
		else if (other != NULL && other != t)
			rc = err_set(err, UP_ECONFIG, "%s:%d: [%s] has slug '%s', which [topic %s] already uses",
			    path, r.section_lines[i], name, t->slug, other->name);
		else if (other == NULL && xmlHashAddEntry(slugs, (const xmlChar *)t->slug, t) != 0)
			rc = err_nomem(err);
	}
done:
	buf_free(&file);
	xmlHashFree(slugs, NULL);
	free(r.why);
	xmlHashFree(r.seen, NULL);
	xmlHashFree(r.rules, NULL);
	xmlHashFree(r.topic_names, NULL);
	free(r.empty);
	free(r.last);
	for (i = 0; i < r.n_sections; i++)
		free(r.sections[i]);
	free(r.sections);
	free(r.section_lines);
	return rc;
}

/* --- precedence and defaults -------------------------------------------- */

#define TAKE(field) do { if (cmd->field == NULL) { cmd->field = file->field; file->field = NULL; } } while (0)
/* The field, with the "FILE:LINE" that set it (field##_at). */
#define TAKE_AT(field) do { \
	if (cmd->field == NULL) { cmd->field##_at = file->field##_at; file->field##_at = NULL; } \
	TAKE(field); \
} while (0)
#define TAKE_NUM(field) do { if (cmd->field < 0) cmd->field = file->field; } while (0)
#define TAKE_LIST(list, n) do { \
	if (cmd->n == 0) { cmd->list = file->list; cmd->n = file->n; file->list = NULL; file->n = 0; } \
} while (0)

static void
free_topic(struct topic *t)
{
	size_t i;

	for (i = 0; i < t->n_match; i++)
		pattern_free(t->match[i]);
	for (i = 0; i < t->n_exclude; i++)
		pattern_free(t->exclude[i]);
	free(t->match);
	free(t->exclude);
	free(t->name);
	free(t->slug);
	free(t->slug_at);
	free(t->title);
	free(t->description);
}

int
settings_merge(struct settings *cmd, struct settings *file)
{
	size_t i, n_cmd = cmd->n_topics;
	int rc = 0;

	TAKE_AT(source);
	TAKE_AT(output);
	TAKE(base_url);
	TAKE_AT(xslt_dir);
	if (cmd->n_stylesheets == 0) {
		cmd->stylesheets_at = file->stylesheets_at;
		file->stylesheets_at = NULL;
	}
	TAKE_LIST(stylesheets, n_stylesheets);
	TAKE_NUM(timeout);
	TAKE_NUM(max_size);
	TAKE_NUM(keep);
	TAKE_NUM(jobs);
	TAKE_NUM(force);
	TAKE_NUM(wait);
	TAKE_NUM(dump);
	TAKE_NUM(quiet);
	TAKE_NUM(verbose);
	TAKE_LIST(exclude, n_exclude);
	TAKE_LIST(only, n_only);
	TAKE_LIST(sources, n_sources);
	/* Topics: the file's, unless the command line defines the same name
	 * (the file's names are each its own: only the command line's few
	 * are looked through). */
	for (i = 0; i < file->n_topics; i++) {
		size_t k;

		for (k = 0; k < n_cmd && strcmp(cmd->topics[k].name, file->topics[i].name) != 0; k++)
			;
		if (k < n_cmd)
			continue;
		if (room_for(&cmd->topics, cmd->n_topics, sizeof *cmd->topics) != 0) {
			rc = -1;
			break;
		}
		cmd->topics[cmd->n_topics++] = file->topics[i];
		memset(&file->topics[i], 0, sizeof file->topics[i]);
	}
	return rc;
}

int
settings_finish(struct settings *s)
{
	int rc = -1;

	if (s->output == NULL && (s->output = strdup("feeds")) == NULL)
		goto done;
	if (s->timeout < 0)
		s->timeout = 60;
	if (s->max_size < 0)
		s->max_size = 32LL << 20;
	if (s->keep < 0)
		s->keep = 50;
	if (s->jobs < 0)
		s->jobs = (long)pool_threads();
	if (s->force < 0)
		s->force = 0;
	if (s->wait < 0)
		s->wait = 0;
	if (s->dump < 0)
		s->dump = 0;
	if (s->quiet < 0)
		s->quiet = 0;
	if (s->verbose < 0)
		s->verbose = 0;
	/* The last of -q and -v given wins on the command line (which sets
	 * both), and the file refuses both: this is only a guard. */
	if (s->quiet && s->verbose)
		s->verbose = 0;
	rc = 0;
done:
	return rc;
}

void
settings_free(struct settings *s)
{
	size_t i;

	free(s->source);
	free(s->output);
	free(s->base_url);
	free(s->xslt_dir);
	free(s->xslt_dir_at);
	free(s->source_at);
	free(s->output_at);
	for (i = 0; i < s->n_stylesheets; i++) {
		free(s->stylesheets[i]);
		free(s->stylesheets_at != NULL ? s->stylesheets_at[i] : NULL);
	}
	free(s->stylesheets);
	free(s->stylesheets_at);
	for (i = 0; i < s->n_topics; i++)
		free_topic(&s->topics[i]);
	free(s->topics);
	for (i = 0; i < s->n_exclude; i++)
		pattern_free(s->exclude[i]);
	free(s->exclude);
	for (i = 0; i < s->n_only; i++)
		pattern_free(s->only[i]);
	free(s->only);
	for (i = 0; i < s->n_sources; i++) {
		free(s->sources[i].name);
		free(s->sources[i].name_form);
		free(s->sources[i].link);
		free(s->sources[i].title);
		free(s->sources[i].slug);
		free(s->sources[i].slug_at);
		free(s->sources[i].description);
		free(s->sources[i].at);
	}
	free(s->sources);
	settings_init(s);
}
