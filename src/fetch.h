/* fetch.h - stage 1: the page's bytes, from a URL, a file or stdin.
 *
 * URLs are fetched with libcurl: http and https only, at most 5 redirects,
 * every compression curl supports, a size cap enforced while downloading,
 * connect and total timeouts, and conditional requests when validators
 * from an earlier run are given (a 400, 412 or 431 in answer to those is
 * tried once more without them). A status of 400 or more, a body cut
 * short, or a content type that is not HTML or XML is an error naming the
 * URL (and where redirects led) and the cause.
 */
#ifndef UNPLANET_FETCH_H
#define UNPLANET_FETCH_H

#include <stddef.h>

struct fetch_options {
	long timeout;               /* seconds for the whole transfer */
	size_t max_size;            /* largest page accepted, in bytes */
	const char *etag;           /* If-None-Match, or NULL */
	const char *last_modified;  /* If-Modified-Since, or NULL */
};

/* What was fetched; the caller frees it with fetched_free. Strings are
 * NULL when unknown. */
struct fetched {
	char *data;                 /* the body, NUL-terminated */
	size_t len;
	char *url;                  /* final URL after redirects (URLs only) */
	char *shown;                /* how messages name it: the URL given, and
	                               where redirects led (URLs only) */
	char *charset;              /* from the Content-Type header */
	char *etag;                 /* validators to store for the next run */
	char *last_modified;
	int not_modified;           /* 304: no body, nothing changed */
};

/* Reads source: "-" for stdin, an http(s) URL, or a file path. */
int fetch_source(const char *source, const struct fetch_options *opt, struct fetched **out,
    char **err);

/* url without its user:password, if any (malloc'd; NULL when memory runs
 * out): what messages, links and the state show of a URL. */
char *fetch_public_url(const char *url);

/* Nonzero when source names a URL rather than a file. */
int fetch_is_url(const char *source);

/* The schemes a redirect from url may lead to, as CURLOPT_REDIR_PROTOCOLS_STR
 * takes them: from https only "https" (a page asked for over TLS is not
 * followed into the clear), else "http,https". Exposed for tests/unit.c. */
const char *fetch_redirect_protocols(const char *url);

/* Nonzero when a redirect from the https URL from to location (a
 * Location header's value, as libcurl reads it: any white space first)
 * leads to plain http, which is refused. Exposed for tests/unit.c. */
int fetch_is_downgrade(const char *from, const char *location);

/* Nonzero when url is an http or https URL (scheme in any case). */
int fetch_is_http(const char *url);

void fetched_free(struct fetched *f);

/* Global set-up and tear-down of libcurl, called once from main. */
int fetch_init(void);
void fetch_cleanup(void);

#endif
