/* fetch.c - read the page from a URL (libcurl), a file or stdin (see
 * fetch.h). */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "buf.h"
#include "date.h"
#include "err.h"
#include "fetch.h"
#include "version.h"

#define USER_AGENT "unplanet/" VERSION
#define MAX_REDIRECTS 5L
#define CONNECT_TIMEOUT 20L

int
fetch_init(void)
{
	return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : -1;
}

void
fetch_cleanup(void)
{
	curl_global_cleanup();
}

int
fetch_is_http(const char *url)
{
	return strncasecmp(url, "http://", 7) == 0 || strncasecmp(url, "https://", 8) == 0;
}

int
fetch_is_url(const char *source)
{
	const char *p = source;
	int url = 0;

	/* A scheme starts with a letter. */
	if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')) {
		while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    *p == '+' || *p == '-' || *p == '.')
			p++;
		url = strncmp(p, "://", 3) == 0;
	}
	return url;
}

/* Whether curl takes url as a URL. */
static int
curl_parses(const char *url)
{
	CURLU *u = curl_url();
	int ok = u != NULL && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK;

	curl_url_cleanup(u);
	return ok;
}

char *
fetch_public_url(const char *url)
{
	const char *host = strstr(url, "://"), *at = NULL, *p;
	char *out;
	size_t n;

	/* As text, not through a URI parser: curl takes URLs libxml2 would
	 * refuse, and the rest of the URL must stay byte for byte. A URL
	 * curl cannot parse may hold a password with a '/' in it
	 * ("http://alice:pa/ss@host/", its host seemingly "alice" with the
	 * port "pa"): there, all up to its last '@' goes. */
	if (host != NULL) {
		const char *colon = NULL;

		host += 3;
		for (p = host; *p != '\0' && *p != '/' && *p != '?' && *p != '#'; p++)
			if (*p == '@')
				at = p;
			else if (*p == ':')
				colon = p;
		if (at == NULL && colon != NULL && (size_t)(p - colon - 1) != strspn(colon + 1, "0123456789") &&
		    strchr(p, '@') != NULL && !curl_parses(url))
			at = strrchr(p, '@');
	}
	if (at == NULL) {
		out = strdup(url);   /* no user:password to drop */
	} else {
		n = (size_t)(host - url);
		out = malloc(n + strlen(at + 1) + 1);
		if (out != NULL) {
			memcpy(out, url, n);
			strcpy(out + n, at + 1);
		}
	}
	return out;
}

void
fetched_free(struct fetched *f)
{
	if (f != NULL) {
		free(f->data);
		free(f->url);
		free(f->shown);
		free(f->charset);
		free(f->etag);
		free(f->last_modified);
		free(f);
	}
}

/* Reads all of fd, refusing more than max bytes. */
static int
read_fd(int fd, const char *name, size_t max, struct buf *out, char **err)
{
	int rc = UP_OK;

	for (;;) {
		ssize_t n;

		if (buf_reserve(out, 65536) != 0) {
			rc = err_nomem(err);
			break;
		}
		/* Input waited for first (err_read): a stop is seen whenever
		 * it comes, and a non-blocking pipe (a parent's: Node's
		 * child_process hands one over) is waited on too. */
		n = err_read(fd, out->data + out->len, out->cap - out->len - 1);
		if (n < 0 && errno == EINTR) {
			rc = err_stopped(err);
			break;
		}
		if (n < 0) {
			rc = err_set(err, UP_ENOINPUT, "%s: cannot read: %s", name, strerror(errno));
			break;
		}
		if (n == 0)
			break;
		out->len += (size_t)n;
		out->data[out->len] = '\0';
		if (out->len > max) {
			rc = err_set(err, UP_EDATA, "%s: larger than the %zu-byte limit (see --max-size)",
			    name, max);
			break;
		}
	}
	return rc;
}

/* Whether s[0..n) is a dotted IPv4 address ("127.0.0.1"). */
static int
is_ipv4(const char *s, size_t n)
{
	size_t i, dots = 0, digits = 0;
	int ok = n > 0;

	for (i = 0; ok && i < n; i++) {
		if (s[i] == '.') {
			ok = digits > 0;
			dots++;
			digits = 0;
		} else {
			ok = isdigit((unsigned char)s[i]) && ++digits <= 3;
		}
	}
	return ok && dots == 3 && digits > 0;
}

/* Whether a file name that is not there starts with what looks like a
 * host name: "planetpython.org", "www.planetpython.org/" (a dot, ending
 * in two letters or more), and names no HTML file (1: "index.html",
 * "site.old/index.html" are files); with a port, also a local server's:
 * an IPv4 address or localhost, "127.0.0.1:8080/planet",
 * "localhost:8000/index.html" (2). A port has 2 to 5 digits ("notes.md:3"
 * is a line of a file). */
static int
looks_like_host(const char *source)
{
	size_t n = strcspn(source, "/"), host = strcspn(source, ":/"), i = host;
	size_t port = host < n ? strspn(source + host + 1, "0123456789") : 0;
	int looks = 0;

	if ((host == n || (port >= 2 && port <= 5 && host + 1 + port == n)) &&
	    strspn(source, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-") >= host &&
	    source[0] != '.') {
		while (i > 0 && isalpha((unsigned char)source[i - 1]))
			i--;
		if (port > 0 && ((host == 9 && strncasecmp(source, "localhost", 9) == 0) || is_ipv4(source, host)))
			looks = 2;
		else if (host - i >= 2 && i > 1 && source[i - 1] == '.' && strstr(source, ".htm") == NULL)
			looks = 1;
	}
	return looks;
}

static int
fetch_file(const char *source, const struct fetch_options *opt, struct fetched *f, char **err)
{
	struct buf b = { 0 };
	const char *name = strcmp(source, "-") == 0 ? "<stdin>" : source;
	struct stat st;
	int fd, rc = UP_OK, host;

	if (strcmp(source, "-") == 0) {
		fd = STDIN_FILENO;
	} else {
		/* Not blocking: a named pipe is opened at once, and its writer
		 * waited for in read_fd's err_read, which a stop ends, also
		 * one asked for just before (a blocking open would miss it). */
		fd = open(source, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
		/* "planetpython.org" or "www.planetpython.org/" is more likely
		 * a URL without its scheme than a file name. */
		if (fd < 0 && errno == ENOENT && (host = looks_like_host(source)) != 0) {
			rc = err_set(err, UP_ENOINPUT, "%s: no such file (for the web page, give its URL: "
			    "%s%s%s)", name, host == 2 ? "http://" : "https://", source, strchr(source, '/') == NULL ? "/" : "");
			goto done;
		}
		/* "http:/x", "https:x.org": a URL mistyped, not a file. */
		if (fd < 0 && errno == ENOENT && (strncasecmp(source, "http:", 5) == 0 ||
		    strncasecmp(source, "https:", 6) == 0)) {
			rc = err_set(err, UP_ENOINPUT, "%s: no such file (a URL starts with http:// or https://)",
			    name);
			goto done;
		}
		if (fd < 0) {
			rc = err_set(err, err_status(errno, UP_ENOINPUT), "%s: cannot open: %s", name, strerror(errno));
			goto done;
		}
		if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
			rc = err_set(err, UP_ENOINPUT, "%s: is a folder, not a page", name);
			goto done;
		}
	}
	rc = read_fd(fd, name, opt->max_size, &b, err);
	if (rc != UP_OK)
		goto done;
	f->len = b.len;
	f->data = buf_take(&b);
	if (f->data == NULL)
		rc = err_nomem(err);
done:
	if (fd >= 0 && fd != STDIN_FILENO)
		close(fd);
	buf_free(&b);
	return rc;
}

static int acceptable_type(const char *type);

struct transfer {
	CURL *curl;
	struct buf body;
	size_t max;
	int too_big;
	struct fetched *f;
	int out_of_memory;
	long requests;           /* sent, each on a connection made */
	time_t date;             /* the last response's Date, or -1 */
	int headers_ended;       /* the last response's headers came whole */
	int stopped;             /* on_header stopped the transfer at the end
	                            of the headers: an HTTP error, or... */
	int bad_type;            /* ...a content type that is no page's, */
	int downgrade;           /* ...or an https page redirecting to http */
	char *location;          /* the last response's Location, or NULL */
	/* libcurl 7.88 keeps a redirect's Content-Type and Retry-After for a
	 * later response that has none: kept here, for the last one only. */
	char *type;              /* the last response's Content-Type, or NULL */
	int retry_after;         /* the last response has a Retry-After */
	time_t retry_at;         /* ...giving this date, or -1 (seconds) */
};

static size_t
on_body(char *p, size_t size, size_t n, void *ctx)
{
	struct transfer *t = ctx;
	size_t len = size * n, taken = len;
	long status = 0;

	/* An error page is not read: the status says all there is to say. */
	curl_easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, &status);
	if (status < 200 || status >= 300) {
		taken = 0;
	} else if (len > t->max - t->body.len) {
		t->too_big = 1;
		taken = 0;   /* makes curl stop with CURLE_WRITE_ERROR */
	} else if (buf_add(&t->body, p, len) != 0) {
		t->out_of_memory = 1;
		taken = 0;
	}
	return taken;
}

/* A header's value, trimmed, malloc'd, when line is "name: value";
 * NULL otherwise, and when memory runs out (then *nomem is set). */
static char *
header_value(const char *line, size_t len, const char *name, int *nomem)
{
	size_t n = strlen(name);
	const char *v, *end = line + len;
	char *value = NULL;

	if (len > n && strncasecmp(line, name, n) == 0 && line[n] == ':') {
		v = line + n + 1;
		while (v < end && (*v == ' ' || *v == '\t'))
			v++;
		while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' ' || end[-1] == '\t'))
			end--;
		value = strndup(v, (size_t)(end - v));
		if (value == NULL)
			*nomem = 1;
	}
	return value;
}

/* Nonzero when v is printable ASCII. A validator is sent back as it came,
 * and stored in state.xml, which must read back as XML: one with other
 * bytes (RFC 9110 allows obs-text) is not kept, which costs only the 304. */
static int
printable(const char *v)
{
	int ok = 1;

	for (; ok && *v != '\0'; v++)
		ok = (unsigned char)*v >= 0x20 && (unsigned char)*v <= 0x7e;
	return ok;
}

int
fetch_is_downgrade(const char *from, const char *location)
{
	/* libcurl skips any ASCII white space before the URL, \v and \f
	 * too, where a header's value starts after SP and HTAB. */
	const char *to = location + strspn(location, " \t\r\n\v\f");

	return strncasecmp(from, "https:", 6) == 0 && strncasecmp(to, "http:", 5) == 0;
}

/* libcurl's progress callback, called at least once a second, while
 * connecting too: a stop asked for (err_stop) ends the transfer. So does
 * a page whose bytes on the wire pass --max-size (or whose Content-Length
 * says they will): on_body holds the decoded bytes to it, but a
 * compressed stream can carry any number of bytes that decode to
 * nothing. */
static int
on_progress(void *ctx, curl_off_t down_total, curl_off_t down_now, curl_off_t up_total, curl_off_t up_now)
{
	struct transfer *t = ctx;
	long status = 0;

	(void)up_total;
	(void)up_now;
	if (down_now > (curl_off_t)t->max || down_total > (curl_off_t)t->max) {
		/* Not an error page's or a redirect's: those are not read. */
		curl_easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, &status);
		if (status >= 200 && status < 300)
			t->too_big = 1;
	}
	return err_stop != 0 || t->too_big;
}

/* At the end of a response's headers: whether it tells all there is
 * to know, so that its body is not waited for (and which, in t): an HTTP
 * error (its body may stall or be cut), a page that is no page (an image
 * up to --max-size), or an https page redirecting to http, which
 * CURLOPT_REDIR_PROTOCOLS_STR, set from the first URL alone, lets by
 * after a hop from http to https. */
static int
headers_say_all(struct transfer *t)
{
	long status = 0;
	char *url = NULL;
	int all;

	curl_easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, &status);
	if (status >= 300 && status < 400 && t->location != NULL) {
		curl_easy_getinfo(t->curl, CURLINFO_EFFECTIVE_URL, &url);
		t->downgrade = url != NULL && fetch_is_downgrade(url, t->location);
		all = t->downgrade;
	} else if (status >= 200 && status < 300) {
		t->bad_type = !acceptable_type(t->type);
		all = t->bad_type;
	} else {
		all = status >= 400;
	}
	return all;
}

/* Keeps the validators of the last response (after any redirect), and
 * stops the transfer where its headers say all (headers_say_all). */
static size_t
on_header(char *p, size_t size, size_t n, void *ctx)
{
	struct transfer *t = ctx;
	size_t len = size * n;
	char *v, **slot = &t->f->etag;

	if (len >= 5 && strncmp(p, "HTTP/", 5) == 0) {
		/* A new response starts: forget the one redirected from. */
		free(t->f->etag);
		free(t->f->last_modified);
		free(t->location);
		free(t->type);
		t->f->etag = t->f->last_modified = t->location = t->type = NULL;
		t->retry_after = 0;
		t->date = -1;
		t->headers_ended = 0;
		goto done;
	}
	/* Fields after the body (chunked trailers) are no headers of the
	 * response (RFC 9110 6.5): an ETag there is no validator. */
	if (t->headers_ended)
		goto done;
	if ((len == 2 && p[0] == '\r' && p[1] == '\n') || (len == 1 && p[0] == '\n')) {
		t->headers_ended = 1;
		t->stopped = headers_say_all(t);
		goto done;
	}
	if ((v = header_value(p, len, "Location", &t->out_of_memory)) != NULL) {
		free(t->location);   /* said in messages: without a user:password */
		if ((t->location = fetch_public_url(v)) == NULL)
			t->out_of_memory = 1;
		free(v);
		goto done;
	}
	if ((v = header_value(p, len, "Date", &t->out_of_memory)) != NULL) {
		t->date = curl_getdate(v, NULL);
		free(v);
		goto done;
	}
	if ((v = header_value(p, len, "Content-Type", &t->out_of_memory)) != NULL) {
		free(t->type);   /* the last one wins, as in libcurl; an empty one says
		                   * nothing of the body (libcurl would keep the one before) */
		t->type = v[0] != '\0' ? v : NULL;
		if (t->type == NULL)
			free(v);
		goto done;
	}
	if ((v = header_value(p, len, "Retry-After", &t->out_of_memory)) != NULL) {
		t->retry_after = 1;   /* libcurl reads its value (seconds or a date) */
		t->retry_at = strspn(v, "0123456789") == strlen(v) ? -1 : curl_getdate(v, NULL);
		free(v);
		goto done;
	}
	if ((v = header_value(p, len, "ETag", &t->out_of_memory)) == NULL) {
		slot = &t->f->last_modified;
		if ((v = header_value(p, len, "Last-Modified", &t->out_of_memory)) == NULL)
			goto done;   /* another header, or no memory */
	}
	/* The last such header wins; one that is empty or not printable is
	 * kept as none at all. */
	free(*slot);
	*slot = v[0] != '\0' && printable(v) ? v : NULL;
	if (*slot == NULL)
		free(v);
done:
	/* Every header is taken; running out of memory stops the transfer,
	 * rather than go on without a validator or a charset. */
	return t->out_of_memory || t->stopped ? 0 : len;
}

/* Pages are HTML; XHTML and XML are accepted for Planets that serve their
 * page that way. Anything else (an image, a PDF) is not a Planet page. */
static int
acceptable_type(const char *type)
{
	static const char *const ok[] = {
		"text/html", "application/xhtml+xml", "text/xml", "application/xml", NULL
	};
	size_t i, n;
	int accepted = type == NULL;   /* none given: try it */

	for (i = 0; !accepted && ok[i] != NULL; i++) {
		n = strlen(ok[i]);
		accepted = strncasecmp(type, ok[i], n) == 0 &&
		    (type[n] == '\0' || type[n] == ';' || type[n] == ' ' || type[n] == '\t');
	}
	return accepted;
}

/* The charset parameter of a Content-Type ("text/html; charset=utf-8"),
 * malloc'd; NULL when it has none, or when memory runs out (then *nomem
 * is set). Parameters are read one by one (RFC 9110 5.6.6), so
 * "xcharset=" or a quoted "charset=" in another parameter's value is
 * none. */
static char *
type_charset(const char *type, int *nomem)
{
	const char *c = type != NULL ? strchr(type, ';') : NULL;
	char *charset = NULL;
	size_t n;

	while (c != NULL && charset == NULL) {
		c += 1 + strspn(c + 1, " \t");
		n = strcspn(c, "=; \t");
		if (n == 7 && strncasecmp(c, "charset", 7) == 0 && c[n] == '=') {
			/* Spaces around the label mean nothing, as browsers read it. */
			c += n + 1 + strspn(c + n + 1, " \t");
			if (*c == '"')
				c += 1 + strspn(c + 1, " \t");
			n = strcspn(c, "\"; \t");
			if (n > 0 && (charset = strndup(c, n)) == NULL)
				*nomem = 1;
			break;
		}
		/* On to the next parameter, past a quoted value's ';'. */
		for (c += n; *c != '\0' && *c != ';'; c++) {
			if (*c != '"')
				continue;
			for (c++; *c != '\0' && *c != '"'; c++)
				if (*c == '\\' && c[1] != '\0')
					c++;
			if (*c == '\0')
				break;
		}
		if (*c == '\0')
			c = NULL;
	}
	return charset;
}

/* Whether value can be sent as a header's: not NULL, empty or other than
 * printable ASCII (a validator read back from a state file someone edited
 * must not add headers of its own). */
static int
sendable(const char *value)
{
	return value != NULL && *value != '\0' && printable(value);
}

/* Appends the header "name: value" to *list, or nothing when value is not
 * sendable; -1 when memory runs out (*list stays, to be freed). */
static int
add_header(struct curl_slist **list, const char *name, const char *value)
{
	struct buf h = { 0 };
	struct curl_slist *longer = NULL;
	int rc = 0;

	if (!sendable(value))
		goto done;
	if (buf_adds(&h, name) == 0 && buf_adds(&h, ": ") == 0 && buf_adds(&h, value) == 0)
		longer = curl_slist_append(*list, h.data);
	if (longer == NULL)
		rc = -1;
	else
		*list = longer;
done:
	buf_free(&h);
	return rc;
}

/* Called once a connection is made, before each request is sent (the
 * first, and one per redirect). */
static int
on_request(void *ctx, char *ip, char *local_ip, int remote_port, int local_port)
{
	struct transfer *t = ctx;

	(void)ip, (void)local_ip, (void)remote_port, (void)local_port;
	t->requests++;
	return CURL_PREREQFUNC_OK;
}

/* Whether the transfer got as far as a connection to the server, or to
 * the one the last redirect led to: curl's connect time adds up over the
 * redirects, so one request per redirect followed, and one more, tell. */
static int
connected(CURL *curl, const struct transfer *t)
{
	long redirects = 0;

	curl_easy_getinfo(curl, CURLINFO_REDIRECT_COUNT, &redirects);
	return t->requests > redirects;
}

/* Whether the last request's connect was cut short by --timeout rather
 * than given up after connect_timeout seconds: the redirects before it
 * took the time (curl adds up their times in the total). */
static int
connect_cut_short(CURL *curl, long connect_timeout)
{
	curl_off_t total = 0, redirecting = 0;

	curl_easy_getinfo(curl, CURLINFO_TOTAL_TIME_T, &total);
	curl_easy_getinfo(curl, CURLINFO_REDIRECT_TIME_T, &redirecting);
	/* A tenth of a second for curl's own timing. */
	return total - redirecting < (curl_off_t)connect_timeout * 1000000 - 100000;
}

const char *
fetch_redirect_protocols(const char *url)
{
	return strncasecmp(url, "https:", 6) == 0 ? "https" : "http,https";
}

/* The options curl copies a string for, which fail when memory runs out
 * (the URL is checked when the request is made, not here), or when a
 * scheme is one this libcurl was built without. */
static CURLcode
set_strings(CURL *curl, const char *url)
{
	CURLcode res = curl_easy_setopt(curl, CURLOPT_URL, url);

	if (res == CURLE_OK)
		res = curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
	if (res == CURLE_OK)
		res = curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, fetch_redirect_protocols(url));
	if (res == CURLE_OK)
		res = curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");   /* all curl supports */
	if (res == CURLE_OK)
		res = curl_easy_setopt(curl, CURLOPT_USERAGENT, USER_AGENT);
	return res;
}

/* The error for an answer with an HTTP error status, saying when the
 * server asks to be asked again if it does (Retry-After, with a 429 or a
 * 503): the first run from cron after then is the one to expect a page
 * from. */
static int
http_error(const struct transfer *t, const char *shown, long status, char **err)
{
	curl_off_t wait = 0;
	int rc;

	if (t->retry_after && curl_easy_getinfo(t->curl, CURLINFO_RETRY_AFTER, &wait) == CURLE_OK && wait > 0) {
		/* In the unit a reader of cron's mail counts in (a date there
		 * is a count of seconds once libcurl has read it), and when. */
		static const struct { curl_off_t seconds; const char *name; } units[] = {
			{ 86400, "days" }, { 3600, "h" }, { 60, "min" },
		};
		curl_off_t n = wait;
		const char *unit = "s";
		char when[DATE_MAX + 8] = "";
		size_t i;

		for (i = 0; i < sizeof units / sizeof units[0] && unit[0] == 's'; i++) {
			if (wait >= 2 * units[i].seconds) {
				n = wait / units[i].seconds;   /* "in 2 days" for 2 days and 1 s */
				unit = units[i].name;
			}
		}
		if (wait <= (curl_off_t)1000 * 366 * 86400) {   /* a date a calendar has */
			time_t now = time(NULL), at = now + (time_t)wait;

			/* The date the header gave, not one a second off, when
			 * libcurl read it as that date (not "21 Oct 2035" as 21 s). */
			if (t->retry_at != -1 && t->retry_at - at <= 2 && at - t->retry_at <= 2)
				at = t->retry_at;
			memcpy(when, ", after ", 8);
			date_rfc3339(at, when + 8);
		}
		rc = err_set(err, UP_EUNAVAIL, "%s: the server answered HTTP %ld, and asks to be asked again "
		    "in %" CURL_FORMAT_CURL_OFF_T " %s%s (Retry-After)", shown, status, n, unit, when);
	} else
		rc = err_set(err, UP_EUNAVAIL, "%s: the server answered HTTP %ld", shown, status);
	return rc;
}

/* Fetches url into f, within opt->timeout; messages name given as the
 * --timeout that ran out (a request asked again has what was left of it).
 * *refused tells whether the server answered a conditional request with
 * an error a validator can cause (400, 412, 431). */
static int
fetch_url(const char *url, const struct fetch_options *opt, long given, struct fetched *f, int *refused,
    char **err)
{
	struct transfer t = { NULL, { 0 }, opt->max_size, 0, f, 0, 0, -1, 0, 0, 0, 0, NULL, NULL, 0, -1 };
	struct curl_slist *headers = NULL;
	char errbuf[CURL_ERROR_SIZE] = "";
	long status = 0;
	/* Connecting gets part of --timeout: a host that never answers is
	 * given up sooner than a slow page. */
	long connect_timeout = opt->timeout < CONNECT_TIMEOUT ? opt->timeout : CONNECT_TIMEOUT;
	char *type = NULL, *effective = NULL, *shown;
	CURL *curl;
	CURLcode res;
	long redirects = 0;
	locale_t utf8, was;
	int rc = UP_OK;

	*refused = 0;
	/* Messages, links and the state never carry a user:password. */
	shown = fetch_public_url(url);
	t.curl = curl = curl_easy_init();
	if (curl == NULL || shown == NULL) {
		rc = err_nomem(err);
		goto done;
	}
	if ((res = set_strings(curl, url)) != CURLE_OK) {
		rc = res == CURLE_OUT_OF_MEMORY ? err_nomem(err)
		    : err_set(err, UP_ESOFTWARE, "%s: this libcurl cannot fetch http and https URLs: %s", shown,
		    curl_easy_strerror(res));
		goto done;
	}
	curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(curl, CURLOPT_MAXREDIRS, MAX_REDIRECTS);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, connect_timeout);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, opt->timeout);
	/* --max-size is held in on_body and on_progress, on the page's own
	 * body only: CURLOPT_MAXFILESIZE would also refuse a large error page
	 * (which must be told as the HTTP error it is) or a followed
	 * redirect's body, which curl skips. */
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
#if LIBCURL_VERSION_NUM >= 0x075700
	/* Without it, a timeout waits for a name lookup that hangs (a dead
	 * DNS server) to end, and --timeout bounds nothing. */
	curl_easy_setopt(curl, CURLOPT_QUICK_EXIT, 1L);
#endif
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, &t);
	curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(curl, CURLOPT_HEADERDATA, &t);
	curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &t);
	curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(curl, CURLOPT_PREREQFUNCTION, on_request);
	curl_easy_setopt(curl, CURLOPT_PREREQDATA, &t);
	if (add_header(&headers, "Accept", "text/html, application/xhtml+xml;q=0.9, */*;q=0.1") != 0 ||
	    add_header(&headers, "If-None-Match", opt->etag) != 0 ||
	    add_header(&headers, "If-Modified-Since", opt->last_modified) != 0) {
		rc = err_nomem(err);
		goto done;
	}
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
	/* libcurl turns a host such as "bücher.example" into its ASCII form
	 * (libidn2) reading it in the locale's character set, which under
	 * cron's C locale is ASCII: the URL is UTF-8, so it is read as such,
	 * in this thread alone. */
	utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
	was = utf8 != (locale_t)0 ? uselocale(utf8) : (locale_t)0;
	res = curl_easy_perform(curl);
	if (utf8 != (locale_t)0) {
		uselocale(was);
		freelocale(utf8);
	}
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
	type = t.type;
	/* Only the answers a validator itself can cause: a 404 or a 429 is
	 * not asked again. */
	*refused = (status == 400 || status == 412 || status == 431) &&
	    (sendable(opt->etag) || sendable(opt->last_modified)) && (res == CURLE_OK || t.stopped);
	/* A message names where the redirects led, too: a dead target, not
	 * the address given, is what needs fixing. */
	curl_easy_getinfo(curl, CURLINFO_REDIRECT_COUNT, &redirects);
	curl_easy_getinfo(curl, CURLINFO_EFFECTIVE_URL, &effective);
	if (redirects > 0 && effective != NULL && strcmp(effective, url) != 0) {
		char *to = fetch_public_url(effective), *both = to != NULL ?
		    buf_concat(shown, " (redirected to ", to, ")", NULL) : NULL;

		free(to);
		if (both == NULL) {
			rc = err_nomem(err);
			goto done;
		}
		free(shown);
		shown = both;
	}
	if (res != CURLE_OK) {
		if (t.out_of_memory)
			rc = err_nomem(err);
		else if (res == CURLE_ABORTED_BY_CALLBACK && err_stop != 0)
			rc = err_stopped(err);
		else if (t.downgrade)
			rc = err_set(err, UP_EUNAVAIL, "%s: an https page is not followed to http (redirected to %s)",
			    shown, t.location);
		else if (t.bad_type)
			rc = err_set(err, UP_EDATA, "%s: content type \"%s\" is not an HTML page", shown, type);
		else if (res == CURLE_WRITE_ERROR && (status < 200 || status >= 300))
			rc = http_error(&t, shown, status, err);
		else if (t.too_big)
			rc = err_set(err, UP_EDATA, "%s: page larger than the %zu-byte limit (see --max-size)",
			    shown, opt->max_size);
		else if (res == CURLE_WRITE_ERROR || res == CURLE_BAD_CONTENT_ENCODING)
			/* A write error not ours (on_body took it all) is
			 * libcurl's brotli decoder failing, which it says as
			 * "Failed writing received data to disk", as if DIR were
			 * full. */
			rc = err_set(err, UP_EUNAVAIL, "%s: the page's content could not be decoded as its "
			    "Content-Encoding says (cut short, or not so encoded)%s%s", shown,
			    res == CURLE_BAD_CONTENT_ENCODING && errbuf[0] ? ": " : "",
			    res == CURLE_BAD_CONTENT_ENCODING ? errbuf : "");
		else if (res == CURLE_URL_MALFORMAT && status == 0)   /* no response: the URL itself */
			rc = err_set(err, UP_EUSAGE, "%s: not a valid URL%s%s", shown, errbuf[0] ? ": " : "", errbuf);
		else if (res == CURLE_OPERATION_TIMEDOUT && !connected(curl, &t) && !connect_cut_short(curl, connect_timeout))
			rc = err_set(err, UP_EUNAVAIL, "%s: could not connect within %ld s", shown, connect_timeout);
		else if (res == CURLE_OPERATION_TIMEDOUT && !connected(curl, &t))
			rc = err_set(err, UP_EUNAVAIL, "%s: timed out after %ld s (see --timeout), before a connection "
			    "was made", shown, given);
		else if (res == CURLE_OPERATION_TIMEDOUT)
			rc = err_set(err, UP_EUNAVAIL, "%s: timed out after %ld s (see --timeout)", shown, given);
		else if (res == CURLE_UNSUPPORTED_PROTOCOL && !fetch_is_http(url))
			rc = err_set(err, UP_EUSAGE, "%s: only http and https URLs can be fetched", shown);
		else if (res == CURLE_UNSUPPORTED_PROTOCOL && t.location != NULL &&
		    (effective == NULL || strcmp(effective, url) == 0))
			/* A target curl does not take as a URL to go to
			 * (mailto:, data:) is not named by it: named here. */
			rc = err_set(err, UP_EUNAVAIL, "%s: redirected to %s, which is not http or https", shown,
			    t.location);
		else if (res == CURLE_UNSUPPORTED_PROTOCOL && redirects > 0 && effective != NULL &&
		    !fetch_is_http(effective))
			/* shown names the target: curl's "Protocol "ftp" not
			 * supported" would say it again. */
			rc = err_set(err, UP_EUNAVAIL, "%s: redirected to a URL that is not http or https", shown);
		else if (res == CURLE_UNSUPPORTED_PROTOCOL)
			/* An http URL, given or redirected to, whose answer
			 * curl does not read as HTTP (another service on the
			 * port). */
			rc = err_set(err, UP_EUNAVAIL, "%s: the server's answer is not HTTP%s%s", shown,
			    errbuf[0] ? ": " : "", errbuf);
		else if (res == CURLE_OUT_OF_MEMORY && errbuf[0] == '\0')
			/* What curl also says of a header past its size limit. */
			rc = err_set(err, UP_EUNAVAIL, "%s: the response's headers are too large (or memory ran out)",
			    shown);
		else
			rc = err_set(err, UP_EUNAVAIL, "%s: %s", shown, errbuf[0] ? errbuf : curl_easy_strerror(res));
		goto done;
	}
	/* A 304 to a request that was not conditional (a validator kept by
	 * an older version, that could not be sent) says nothing of the page. */
	if (status == 304 && (sendable(opt->etag) || sendable(opt->last_modified))) {
		f->not_modified = 1;
		goto done;
	}
	if (status < 200 || status >= 300) {
		rc = http_error(&t, shown, status, err);
		goto done;
	}
	/* curl takes a connection closed inside the headers for an answer. */
	if (!t.headers_ended) {
		rc = err_set(err, UP_EUNAVAIL, "%s: the response was cut short in its headers", shown);
		goto done;
	}
	/* A Last-Modified later than the response's Date (a server's clock,
	 * or its file's time, set ahead) would have every If-Modified-Since
	 * answered 304 until then, whatever changed: it is not kept. */
	if (f->last_modified != NULL) {
		time_t modified = curl_getdate(f->last_modified, NULL);

		if (modified != -1 && modified > (t.date != -1 ? t.date : time(NULL))) {
			free(f->last_modified);
			f->last_modified = NULL;
		}
	}
	f->url = fetch_public_url(effective != NULL ? effective : url);
	f->shown = shown;
	shown = NULL;
	f->charset = type_charset(type, &t.out_of_memory);
	f->len = t.body.len;
	f->data = buf_take(&t.body);
	if (f->url == NULL || f->shown == NULL || f->data == NULL || t.out_of_memory)
		rc = err_nomem(err);
done:
	buf_free(&t.body);
	free(t.location);
	free(t.type);
	curl_slist_free_all(headers);
	free(shown);
	curl_easy_cleanup(curl);
	return rc;
}

int
fetch_source(const char *source, const struct fetch_options *opt, struct fetched **out,
    char **err)
{
	struct fetched *f;
	struct timespec start, now;
	int rc, refused = 0;

	*out = NULL;
	clock_gettime(CLOCK_MONOTONIC, &start);
	f = calloc(1, sizeof *f);
	if (f == NULL)
		rc = err_nomem(err);
	else
		rc = fetch_is_url(source) ? fetch_url(source, opt, opt->timeout, f, &refused, err) :
		    fetch_file(source, opt, f, err);
	if (rc != UP_OK && refused && err_stop == 0) {
		/* A 400, 412 or 431 in answer to a conditional request (a
		 * validator the server gave but will not take back, one too
		 * long for it) would fail every later run alike: once more
		 * without. */
		struct fetch_options plain = *opt;
		long spent;

		/* --timeout is for the whole fetch: the second request has
		 * what the first left (a second at least). */
		clock_gettime(CLOCK_MONOTONIC, &now);
		spent = (long)(now.tv_sec - start.tv_sec) + (now.tv_nsec > start.tv_nsec);
		plain.timeout = opt->timeout - spent > 1 ? opt->timeout - spent : 1;
		plain.etag = plain.last_modified = NULL;
		fetched_free(f);
		if (err != NULL) {
			free(*err);
			*err = NULL;
		}
		f = calloc(1, sizeof *f);
		rc = f != NULL ? fetch_url(source, &plain, opt->timeout, f, &refused, err) : err_nomem(err);
	}
	if (rc != UP_OK)
		fetched_free(f);
	else
		*out = f;
	return rc;
}
