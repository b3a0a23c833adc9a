/* read.c - frame a Planet 2.0 page into posts, parse each post (see read.h).
 *
 * Framing works on the page's bytes, after they were made valid UTF-8: the
 * template's markup is fixed text, while a post body is opaque until it is
 * parsed on its own. Every search is bounded or moves forward, so the cost
 * grows with the page, never with its square.
 */
#include <ctype.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/hash.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/uri.h>

#include "buf.h"
#include "date.h"
#include "err.h"
#include "fetch.h"
#include "html.h"
#include "pool.h"
#include "read.h"
#include "state.h"
#include "table.h"
#include "text.h"
#include "version.h"

/* Longest header, title or footer text the template can reasonably hold;
 * bounds each look-ahead so a hostile page cannot make framing quadratic. */
#define FRAME_LIMIT 65536

struct span {
	const char *s;
	size_t n;
};

/* The part of a post before its body. */
struct frame {
	int has_source;
	struct span source_href, source_title, source_name;
	int has_title;
	struct span title_href, title;
	int has_day;           /* it starts with a day header... */
	long day;              /* ...for this day (see date_parse_day) */
	const char *body;      /* first byte of the body */
};

struct footer {
	const char *em;        /* its "<em><a href=" */
	const char *start;     /* the "</p>" that closes the body */
	const char *end;       /* just past the footer's own "</p>" */
	struct span href, creator;
	int has_creator;
	time_t published;
	long day;              /* the day it prints, as a day header would */
	struct span before, open, close;  /* its white space (see scanner) */
	int zone;              /* whether its date names a zone */
};

/* The next occurrence of lit at or after `from`, remembered: candidates are
 * tried in page order, so each closing marker is searched for across the
 * page once, however many candidates a hostile page holds. */
struct finder {
	const char *lit;
	const char *from;      /* searched from here... */
	const char *found;     /* ...and found here (NULL: not before the end) */
	size_t *work;          /* what searching costs is added here */
};

/* The occurrences of a closing marker after the first, for a title, name
 * or footer text that holds the marker itself (Planet prints them
 * unescaped, and feedparser keeps a title's stray "</a></h4>"): each
 * frame takes the first one the template's next markup follows. Every
 * occurrence in [lo, scan) was looked at, and valid is the first of them
 * so followed (NULL: none yet), so frames asking in page order look at
 * each occurrence once. */
struct closer {
	const char *lo, *scan, *valid;
};

struct scanner {
	const char *page;      /* the whole page, UTF-8 */
	const char *end;       /* end of the post list */
	int open_end;          /* 1 when that is the end of the data: the page
	                          has neither the Planet's sidebar nor </body>
	                          nor </html> */
	const char *tail;      /* the last date line or header before end (or
	                          NULL): past it and the column's end, only
	                          what the Planet's owner added (at_list_end) */
	const char *name;      /* for messages */
	const char *line_at;   /* line counting resumes here... */
	size_t line;           /* ...on this line */
	unsigned threads;      /* that parse the post bodies */
	const struct state *known;  /* read_page's... */
	int known_slim;        /* ...and slim */
	unsigned long long digest_seed;  /* what starts every page digest */
	struct finder h2_close, h3_close, h4_close, em_close, quote;
	struct closer h3_next, h4_next, em_next;
	/* Each footer link to the "<em><a href=" of its last footer (see
	 * link_index); NULL until framing first goes back. */
	xmlHashTablePtr links;
	/* Offsets of the bodies of frames from which the rest of the page
	 * cannot be framed (see add_dead). */
	xmlHashTablePtr dead;
	/* Each title link to the search that found no footer for it (see
	 * note_miss). */
	xmlHashTablePtr misses;
	/* Bytes framing has searched, and how many it may: going back after
	 * a post finds no footer can search the page again and again. */
	size_t work, work_limit;
	/* Whether a titled frame whose real title lies ahead fails (see
	 * find_footer); framing that fails so is tried again without. */
	int copied_titles;
	/* Whether one did fail so. */
	int copy_found;
	/* Whether a titled frame under no channel header fails when a
	 * channel header lies before its footer (see find_footer). */
	int cross_titles;
	/* The white space the template writes in every footer, learned from
	 * the last post's (see learn_shape): after the body's "</p>", after
	 * the footer's "<p>", after "</em>"; and whether its date names a
	 * zone. Unless shape_known is 0, a footer must have them all. */
	struct span shape_before, shape_open, shape_close;
	int shape_zone, shape_known;
	/* Whether a titled post's last footer linking to its title ends it
	 * even in a construct that would hide a copy (see footer_hidden):
	 * framing that fails without is tried again with. */
	int own_footers;
	/* Whether memory ran out where no error could be returned
	 * (footer_hidden): framing then fails with that. */
	int nomem;
	/* Where the body starting at hidden_body has been read to as a
	 * browser reads it (footer_hidden). */
	const char *hidden_body;
	struct html_scan hidden;
};

static const char *
skip_space(const char *p, const char *end)
{
	while (p < end && text_is_space(*p))
		p++;
	return p;
}

static const char *
skip_space_back(const char *floor, const char *p)
{
	while (p > floor && text_is_space(p[-1]))
		p--;
	return p;
}

/* s without the white space at its ends, in place. */
static void
trim_space(char *s)
{
	char *end = s + strlen(s);
	const char *b = skip_space(s, end), *be = skip_space_back(b, end);

	memmove(s, b, (size_t)(be - b));
	s[be - b] = '\0';
}

/* What a footer's link starts with. */
#define FOOTER_START "<em><a href=\""

static int
starts(const char *p, const char *end, const char *lit)
{
	size_t n = strlen(lit);

	return (size_t)(end - p) >= n && memcmp(p, lit, n) == 0;
}

/* The first lit in p[0..end). It looks in growing windows, so a search
 * costs what it covers even where memmem checks its whole haystack first
 * (as AddressSanitizer's memmem does). Adds the bytes it looked at to
 * *work unless work is NULL. */
static const char *
find(const char *p, const char *end, const char *lit, size_t *work)
{
	size_t n = strlen(lit), window = 4096;
	const char *hit = NULL;

	while (p < end) {
		size_t len = (size_t)(end - p) < window ? (size_t)(end - p) : window;

		hit = memmem(p, len, lit, n);
		if (work != NULL)
			*work += hit != NULL ? (size_t)(hit - p) + n : len;
		if (hit != NULL || len == (size_t)(end - p))
			break;
		p += len - (n - 1);   /* overlap: a match may straddle windows */
		if (window < ((size_t)1 << 20))
			window *= 2;
	}
	return hit;
}

/* The last lit in floor[0..p), searched from p back: the page's own markup
 * that this looks for is at its end. */
static const char *
find_last(const char *floor, const char *p, const char *lit)
{
	size_t n = strlen(lit);
	const char *hit = NULL, *lt;

	while (hit == NULL && (size_t)(p - floor) >= n &&
	    (lt = memrchr(floor, lit[0], (size_t)(p - floor) - n + 1)) != NULL) {
		if (memcmp(lt, lit, n) == 0)
			hit = lt;
		else
			p = lt + n - 1;
	}
	return hit;
}

static const char *
limit(const char *p, const char *end)
{
	return (size_t)(end - p) > FRAME_LIMIT ? p + FRAME_LIMIT : end;
}

/* The first f->lit at or after p, if it is within FRAME_LIMIT of p. */
static const char *
find_near(struct finder *f, const char *p, const char *end)
{
	if (f->from == NULL || p < f->from || (f->found != NULL && p > f->found)) {
		f->from = p;
		f->found = find(p, end, f->lit, f->work);
	}
	return f->found != NULL && (size_t)(f->found - p) <= FRAME_LIMIT ? f->found : NULL;
}

/* What the template writes after each closing marker: a channel header
 * is followed by a title or a post's "<p>", a title by "<p>", a footer's
 * link by the footer's "</p>". */
static int
after_h3(const char *p, const char *end)
{
	p = skip_space(p, end);
	return starts(p, end, "<h4>") || starts(p, end, "<p>");
}

static int
after_h4(const char *p, const char *end)
{
	return starts(skip_space(p, end), end, "<p>");
}

static int
after_em(const char *p, const char *end)
{
	return starts(skip_space(p, end), end, "</p>");
}

/* What a source name or a title never runs past: a footer, a channel
 * header, a title. A copy of a header in a post, not followed by what
 * follows the real one, would else take in the post's footer and the
 * next post's header, up to the next real close, and hand that post to
 * a made-up source, or its title to another. */
static const char *const not_in_names[] = { FOOTER_START, "<h3 class=\"post\">", "<h4>", NULL };

/* The closing marker f->lit that ends the text starting at p: the first
 * one within FRAME_LIMIT of p that ok() accepts what follows, else the
 * first one (as a page off the template had it before); NULL when none.
 * The first one nearly always is; the others are looked for only when it
 * is not, through c, and not past any of stops (NULL-terminated, or
 * NULL for none) after the first. */
static const char *
find_close(struct finder *f, struct closer *c, const char *p, const char *end,
    int (*ok)(const char *, const char *), const char *const *stops, size_t *work)
{
	const char *first = find_near(f, p, end), *bound = limit(p, end), *close = first, *stop;
	size_t n = strlen(f->lit), i;

	if (first == NULL || ok(first + n, end))
		goto done;
	for (i = 0; stops != NULL && stops[i] != NULL; i++)
		if ((stop = find(first + n, bound, stops[i], work)) != NULL)
			bound = stop;
	if (c->lo == NULL || first + 1 < c->lo || first + 1 > c->scan) {
		c->lo = c->scan = first + 1;
		c->valid = NULL;
	}
	while (c->valid == NULL && c->scan < bound) {
		const char *h = find(c->scan, bound, f->lit, f->work);

		if (h == NULL) {
			if ((size_t)(bound - c->scan) >= n)
				c->scan = bound - (n - 1);
			break;
		}
		if (ok(h + n, end))
			c->valid = h;
		c->scan = h + 1;
	}
	if (c->valid != NULL && c->valid + n <= bound)
		close = c->valid;
done:
	return close;
}

/* Line number of p, counting forward from the last call (p only grows
 * while framing; an earlier p restarts from the top). */
static size_t
line_of(struct scanner *sc, const char *p)
{
	if (p < sc->line_at) {
		sc->line_at = sc->page;
		sc->line = 1;
	}
	while (sc->line_at < p) {
		const char *nl = memchr(sc->line_at, '\n', (size_t)(p - sc->line_at));

		if (nl == NULL) {
			sc->line_at = p;
			break;
		}
		sc->line++;
		sc->line_at = nl + 1;
	}
	return sc->line;
}

/* Parses the attributes of an <a ...> start tag at p: sets href and title
 * (empty when absent) and returns the byte after '>', or NULL. */
static const char *
parse_a_tag(const char *p, const char *end, struct span *href, struct span *title)
{
	const char *after = NULL;

	end = limit(p, end);
	if (!starts(p, end, "<a") || p + 2 >= end || !text_is_space(p[2]))
		goto done;
	href->s = title->s = p;
	href->n = title->n = 0;
	p += 2;
	for (;;) {
		const char *name, *value;
		size_t name_n, value_n;

		p = skip_space(p, end);
		if (p >= end)
			break;
		if (*p == '>') {
			after = p + 1;
			break;
		}
		name = p;
		while (p < end && !text_is_space(*p) && *p != '=' && *p != '>')
			p++;
		name_n = (size_t)(p - name);
		p = skip_space(p, end);
		value = p;
		value_n = 0;
		if (p < end && *p == '=') {
			p = skip_space(p + 1, end);
			if (p < end && (*p == '"' || *p == '\'')) {
				const char *q = memchr(p + 1, *p, (size_t)(end - p - 1));

				if (q == NULL)
					goto done;
				value = p + 1;
				value_n = (size_t)(q - value);
				p = q + 1;
			} else {
				value = p;
				while (p < end && !text_is_space(*p) && *p != '>')
					p++;
				value_n = (size_t)(p - value);
			}
		}
		if (name_n == 4 && strncasecmp(name, "href", 4) == 0) {
			href->s = value;
			href->n = value_n;
		} else if (name_n == 5 && strncasecmp(name, "title", 5) == 0) {
			title->s = value;
			title->n = value_n;
		}
	}
done:
	return after;
}

/* Matches a post frame at p. bare=1 also accepts a frame that is only
 * "<p>" and white space (an untitled post continuing the same source):
 * the template writes a line break there (LF, CRLF or CR), a page that
 * went through a minifier a space. */
static int
match_frame(struct scanner *sc, const char *p, int bare, struct frame *f)
{
	const char *end = sc->end;
	const char *q = skip_space(p, end), *close;
	int need_source = 0, rc = -1;
	struct span unused;

	memset(f, 0, sizeof *f);
	if (starts(q, end, "<h2>")) {
		const char *text = skip_space(q + 4, end);

		close = find_near(&sc->h2_close, text, end);
		if (close == NULL ||
		    date_parse_day(text, (size_t)(skip_space_back(text, close) - text), &f->day) != 0)
			goto done;
		f->has_day = 1;
		q = skip_space(close + 5, end);
		need_source = 1;
	}
	if (starts(q, end, "<hr")) {
		q = skip_space(q + 3, end);
		if (q < end && *q == '/')
			q++;
		if (!starts(q, end, ">"))
			goto done;
		q = skip_space(q + 1, end);
		need_source = 1;
	}
	if (starts(q, end, "<h3 class=\"post\">")) {
		q = parse_a_tag(q + 17, end, &f->source_href, &f->source_title);
		if (q == NULL || (close = find_close(&sc->h3_close, &sc->h3_next, q, end, after_h3, not_in_names,
		    &sc->work)) == NULL)
			goto done;
		f->source_name.s = q;
		f->source_name.n = (size_t)(close - q);
		f->has_source = 1;
		q = skip_space(close + 9, end);
	} else if (need_source) {
		goto done;
	}
	if (starts(q, end, "<h4>")) {
		q = parse_a_tag(q + 4, end, &f->title_href, &unused);
		if (q == NULL || (close = find_close(&sc->h4_close, &sc->h4_next, q, end, after_h4, not_in_names,
		    &sc->work)) == NULL)
			goto done;
		f->title.s = q;
		f->title.n = (size_t)(close - q);
		f->has_title = 1;
		q = skip_space(close + 9, end);
	}
	if (!starts(q, end, "<p>"))
		goto done;
	if (!f->has_source && !f->has_title &&
	    !(bare && q + 3 < end && text_is_space(q[3])))
		goto done;
	f->body = q + 3;
	rc = 0;
done:
	return rc;
}

static int
same_span(struct span a, struct span b)
{
	return a.n == b.n && memcmp(a.s, b.s, a.n) == 0;
}

/* Whether a footer's text ends its date at "AM" or "PM": names no zone. */
static int
ends_with_meridiem(struct span text)
{
	const char *t = text.s + text.n - 2;

	return text.n >= 2 && (strncasecmp(t, "AM", 2) == 0 || strncasecmp(t, "PM", 2) == 0);
}

/* The footer's link text: "[by CREATOR at ]DATE". */
static int
parse_footer_text(const char *s, size_t n, struct footer *ft, size_t *work)
{
	const char *at, *end = s + n;
	int rc = -1;

	ft->has_creator = 0;
	if (date_parse_planet(s, n, &ft->published, &ft->day) == 0) {
		rc = 0;
	} else if (n >= 7 && strncmp(s, "by ", 3) == 0) {
		/* The last " at " the date follows: a creator may hold " at "
		 * and even a date, the date never " at ". */
		*work += n;
		for (at = end - 4; at >= s + 3; at--) {
			if (memcmp(at, " at ", 4) == 0 &&
			    date_parse_planet(at + 4, (size_t)(end - at - 4), &ft->published, &ft->day) == 0) {
				ft->creator.s = s + 3;
				ft->creator.n = (size_t)(at - s - 3);
				ft->has_creator = 1;
				rc = 0;
				break;
			}
		}
	}
	return rc;
}

/* Matches a footer whose "<em><a href=" starts at em, the body having begun
 * at body: </p> <p> <em><a href="LINK">TEXT</a></em> </p>. */
static int
match_footer(struct scanner *sc, const char *body, const char *em, struct footer *ft)
{
	const char *end = sc->end, *q = skip_space_back(body, em), *close, *quote, *p_tag;
	int rc = -1;

	if (q - body < 3 || memcmp(q - 3, "<p>", 3) != 0)
		goto done;
	p_tag = q - 3;
	q = skip_space_back(body, p_tag);
	if (q - body < 4 || memcmp(q - 4, "</p>", 4) != 0)
		goto done;
	ft->start = q - 4;
	q = em + strlen(FOOTER_START);
	quote = find_near(&sc->quote, q, end);
	if (quote == NULL || !starts(quote, end, "\">"))
		goto done;
	ft->href.s = q;
	ft->href.n = (size_t)(quote - q);
	q = quote + 2;
	close = find_close(&sc->em_close, &sc->em_next, q, end, after_em, NULL, &sc->work);
	if (close == NULL || parse_footer_text(q, (size_t)(close - q), ft, &sc->work) != 0)
		goto done;
	ft->zone = !ends_with_meridiem((struct span){ q, (size_t)(close - q) });
	q = skip_space(close + 9, end);
	if (!starts(q, end, "</p>"))
		goto done;
	ft->end = q + 4;
	ft->before.s = ft->start + 4;
	ft->before.n = (size_t)(p_tag - ft->before.s);
	ft->open.s = p_tag + 3;
	ft->open.n = (size_t)(em - ft->open.s);
	ft->close.s = close + 9;
	ft->close.n = (size_t)(q - ft->close.s);
	if (sc->shape_known && (!same_span(ft->before, sc->shape_before) || !same_span(ft->open, sc->shape_open) ||
	    !same_span(ft->close, sc->shape_close) || ft->zone != sc->shape_zone))
		goto done;
	rc = 0;
done:
	return rc;
}

/* Nonzero when p (a footer's end) ends the list: only white space and
 * closing </div> tags remain, or after one such tag (the posts' column
 * closed), markup with no date line or header in it: a note the Planet's
 * owner put below the column. Not text right after the footer, which
 * may be the next post's, its date line lost. */
static int
at_list_end(const struct scanner *sc, const char *p)
{
	int at_end = 0, closed = 0;

	for (;;) {
		p = skip_space(p, sc->end);
		if (p >= sc->end) {
			at_end = 1;
			break;
		}
		if (!starts(p, sc->end, "</div>"))
			break;
		p += 6;
		closed = 1;
	}
	return at_end || (closed && !sc->open_end && (sc->tail == NULL || p > sc->tail));
}

/* The last date line or header of the page before end: where the tail
 * at_list_end takes for the template's starts. */
static const char *
last_marker(const char *from, const char *end)
{
	static const char *const markers[] = { FOOTER_START, "<h2>", "<h3 class=\"post\">", "<h4>" };
	const char *last = NULL, *at;
	size_t i;

	for (i = 0; i < sizeof markers / sizeof *markers; i++)
		if ((at = find_last(last != NULL ? last : from, end, markers[i])) != NULL)
			last = at;
	return last;
}

/* Learns the footer's shape from the last footer of the list, which is the
 * last post's own: a post's text is above its footer. Every footer
 * of the page comes from that one line of the template, white space and
 * all, and every date from one strftime format, while a date line in a
 * post (a comment's, a changelog's) is written by hand or by a blog:
 * "<p><em><a href=...>April 28, 2026 10:30 AM</a></em></p>" would
 * otherwise end the post there. A page whose last footer cannot be found
 * so learns nothing, and is framed as before. */
static void
learn_shape(struct scanner *sc)
{
	const char *em = find_last(sc->page, sc->end, FOOTER_START);
	struct footer ft;

	if (em != NULL && match_footer(sc, sc->page, em, &ft) == 0 && at_list_end(sc, ft.end)) {
		sc->shape_before = ft.before;
		sc->shape_open = ft.open;
		sc->shape_close = ft.close;
		sc->shape_zone = ft.zone;
		sc->shape_known = 1;
	}
}

/* Indexes every footer of the page by its link, once: a titled post no
 * footer can end (a copy of a frame in a post) would otherwise search to
 * the end of the page each time framing goes back. Returns 0 or -1. */
static int
link_index(struct scanner *sc)
{
	const char *p = sc->page, *em;
	struct footer ft;
	int rc = -1;

	if ((sc->links = xmlHashCreate(256)) == NULL)
		goto done;
	while ((em = find(p, sc->end, FOOTER_START, &sc->work)) != NULL) {
		xmlChar *href;
		int failed;

		p = em + 1;
		if (match_footer(sc, sc->page, em, &ft) != 0)
			continue;
		if ((href = xmlStrndup((const xmlChar *)ft.href.s, (int)ft.href.n)) == NULL)
			goto done;
		failed = table_put(sc->links, (const char *)href, NULL, NULL, (void *)(uintptr_t)em) != 0;
		xmlFree(href);
		if (failed)
			goto done;
	}
	rc = 0;
done:
	return rc;
}

/* Where the search for a footer linking to href may stop: just after the
 * last such footer, by the index; NULL when none is at or after from; the
 * page's end without an index. A titled frame copied into a post, with no
 * footer of its own near it, then costs the search only up to its link's
 * last footer, not to the end of the page, each time framing goes back. */
static const char *
footer_search_end(const struct scanner *sc, struct span href, const char *from)
{
	xmlChar *key;
	const char *last, *stop = sc->end;

	if (sc->links != NULL && (key = xmlStrndup((const xmlChar *)href.s, (int)href.n)) != NULL) {
		last = xmlHashLookup(sc->links, key);
		xmlFree(key);
		stop = last == NULL || last < from ? NULL : last + strlen(FOOTER_START);
	}
	return stop;
}

/* The key of a frame's body in sc->dead: its offset in the page. */
static void
dead_key(const struct scanner *sc, const char *body, char key[32])
{
	snprintf(key, 32, "%zu", (size_t)(body - sc->page));
}

/* Whether the frame whose body starts at body is known to lead nowhere. */
static int
is_dead(const struct scanner *sc, const char *body)
{
	char key[32];
	int dead = 0;

	if (sc->dead != NULL) {
		dead_key(sc, body, key);
		dead = xmlHashLookup(sc->dead, (const xmlChar *)key) != NULL;
	}
	return dead;
}

/* Remembers that framing from the frame whose body starts at body fails:
 * that depends on the page from there on only, so no footer need lead
 * there again. Returns 0 or -1. */
static int
add_dead(struct scanner *sc, const char *body)
{
	char key[32];
	int rc = -1;

	if (sc->dead != NULL || (sc->dead = xmlHashCreate(64)) != NULL) {
		dead_key(sc, body, key);
		rc = table_put(sc->dead, key, NULL, NULL, (void *)(uintptr_t)body) == 0 ? 0 : -1;
	}
	return rc;
}

/* A search for a footer linking to a title's link that found none: from
 * where, for a frame whose body began where. */
struct miss {
	const char *from;
	const char *body;
};

/* Whether a search for a footer linking to href, from from for a frame
 * whose body begins at body, is known to find none: one found none from
 * no later for a body no later. Nothing it passed over can have become a
 * footer that ends a post since: frames only ever become dead, and a later
 * body only rules out more footers. So copies of titled frames in one post
 * cost one search, not one each. */
static int
known_miss(const struct scanner *sc, struct span href, const char *from, const char *body)
{
	xmlChar *key;
	const struct miss *m;
	int known = 0;

	if (sc->misses != NULL && (key = xmlStrndup((const xmlChar *)href.s, (int)href.n)) != NULL) {
		m = xmlHashLookup(sc->misses, key);
		xmlFree(key);
		known = m != NULL && from >= m->from && body >= m->body;
	}
	return known;
}

/* Notes such a search. Only a cache: running out of memory loses nothing. */
static void
note_miss(struct scanner *sc, struct span href, const char *from, const char *body)
{
	xmlChar *key;
	struct miss *m;

	if ((sc->misses != NULL || (sc->misses = xmlHashCreate(64)) != NULL) &&
	    (key = xmlStrndup((const xmlChar *)href.s, (int)href.n)) != NULL) {
		if ((m = xmlHashLookup(sc->misses, key)) != NULL) {
			if (from <= m->from && body <= m->body) {
				m->from = from;
				m->body = body;
			}
		} else if ((m = xmlMalloc(sizeof *m)) != NULL) {
			m->from = from;
			m->body = body;
			if (xmlHashAddEntry(sc->misses, key, m) != 0)
				xmlFree(m);
		}
		xmlFree(key);
	}
}

/* Whether the footer ft, found in the post framed by f and followed by
 * the frame next, is a copy the post hides: a browser reads it inside a
 * comment, a quoted attribute value or a raw-text element's text (a
 * <script>, <textarea>...) that the post opened right before it, and
 * that ends past the footer, right after what looks like a frame (the
 * bare "<p>" of a post going on, or a copied channel header), before the
 * next footer on the page. Such a footer is no post's end. Not when
 * next is a titled post whose footer, the next one, links where its
 * title does: then the construct is the post's own, left open, that a
 * stray "-->" at the start of the next post closes. Nor, when no reading
 * holds otherwise (sc->own_footers), when the post is titled and no later
 * footer links where its title does. (A construct a post
 * leaves open is read as ending at its footer, as libxml2 ends it there:
 * one that holds text before the footer, or after the frame, is taken
 * for that, never for a hidden copy, whose post would swallow the next.) */
static int
footer_hidden(struct scanner *sc, const struct frame *f, const struct footer *ft, const struct frame *next)
{
	const char *close, *after;
	struct footer real;
	int hidden = 0;

	if (sc->hidden_body != f->body || sc->hidden.p > ft->start) {
		html_scan_start(&sc->hidden, f->body);
		sc->hidden_body = f->body;
	}
	switch (html_scan_to(&sc->hidden, ft->start, sc->end, &sc->work)) {
	case HTML_IN_COMMENT:
	case HTML_IN_VALUE:
	case HTML_IN_RAW:
		break;
	default:
		goto done;
	}
	/* A copy is what the construct holds: it opens right before it. A
	 * construct the post left open holds the post's text too. */
	if (skip_space(sc->hidden.open, ft->start) != ft->start)
		goto done;
	after = find(ft->end, sc->end, FOOTER_START, &sc->work);
	close = html_scan_close(&sc->hidden, ft->start, after != NULL ? after : sc->end, &sc->work);
	if (close == NULL || close < ft->end)
		goto done;   /* open to the end of the post, or shown: '"' of its link ends a quote */
	/* A copy hides what looks like a frame, and no more. A post that
	 * follows, its text before the close, would be merged into this one
	 * by a construct this one left open. */
	if (skip_space(next->body, close) != close)
		goto done;
	if (next->has_title && after != NULL && match_footer(sc, next->body, after, &real) == 0 &&
	    same_span(real.href, next->title_href))
		goto done;
	/* Nor, with sc->own_footers, when the post is titled and no later
	 * footer links where its title does: then this one is its end, or
	 * the post has none. (Only when no reading takes it for a copy: so
	 * does a titled frame copied into a post with its footer hidden.) */
	if (f->has_title && sc->own_footers) {
		if (sc->links == NULL && link_index(sc) != 0) {
			xmlHashFree(sc->links, NULL);
			sc->links = NULL;
			sc->nomem = 1;
			goto done;
		}
		if (footer_search_end(sc, f->title_href, ft->em + 1) == NULL)
			goto done;
	}
	hidden = 1;
done:
	return hidden;
}

/* Finds the footer that really ends the post framed by f, trying those
 * whose "<em><a href=" is at or after from: the first one followed by the
 * next frame or the end of the list, linking where the post's title links.
 * Sets *next unless it is the last. With sc->copied_titles, a titled
 * frame finds none when, past footers (linking elsewhere) followed by
 * another post's frame (an untitled one's too), a footer is followed by
 * a frame whose title links where its own does: that later frame is the
 * post's real one, nearer its footer, and f a copy of it inside an
 * earlier post, which would otherwise take in every post between the
 * two. (Right after the first such footer, the frame is more likely the
 * post quoting its own title.) With sc->cross_titles, a titled frame
 * under no channel header (a title right after a footer) finds none when
 * a footer linking elsewhere is followed by a frame with a channel header
 * before its own: read as a post, that title would run across another
 * channel's post to a footer further down (an untitled post's, which no
 * title of its own ties to its link), where read as a copy it is
 * text of the post it sits in, which then ends at a later footer. */
static int
find_footer(struct scanner *sc, const struct frame *f, const char *from, struct footer *ft,
    struct frame *next, int *last)
{
	const char *p = from, *em, *end = sc->end, *limit = end;
	struct frame restart;
	int rc = -1, copy = 0, passed = 0;

	if (f->has_title && ((limit = footer_search_end(sc, f->title_href, from)) == NULL ||
	    known_miss(sc, f->title_href, from, f->body)))
		goto done;   /* known to find none: nothing new to note */
	while ((em = find(p, limit, FOOTER_START, &sc->work)) != NULL) {
		p = em + 1;
		if (match_footer(sc, f->body, em, ft) != 0)
			continue;
		if (f->has_title && !same_span(ft->href, f->title_href)) {
			if ((sc->copied_titles || (sc->cross_titles && !f->has_source)) &&
			    match_frame(sc, ft->end, 1, &restart) == 0) {
				if (sc->cross_titles && !f->has_source && restart.has_source) {
					copy = 1;
					break;
				}
				if (!sc->copied_titles)
					continue;
				if (passed && restart.has_title && same_span(restart.title_href, f->title_href)) {
					copy = sc->copy_found = 1;
					break;
				}
				passed = 1;
			}
			continue;
		}
		ft->em = em;
		if (at_list_end(sc, ft->end)) {
			*last = 1;
			rc = 0;
			break;
		}
		if (match_frame(sc, ft->end, 1, next) == 0 && !is_dead(sc, next->body) &&
		    !footer_hidden(sc, f, ft, next)) {
			*last = 0;
			rc = 0;
			break;
		}
	}
	/* Not after a copy: the real frame, further on, finds its footer. */
	if (rc != 0 && f->has_title && !copy)
		note_miss(sc, f->title_href, from, f->body);
done:
	return rc;
}

/* A name's text (one line), with the bidi embeddings it leaves open
 * closed, as it will sit beside other text. */
static char *
span_text(struct span s)
{
	return text_close_bidi(html_fragment_text(s.s, s.n));
}

static char *
span_attr(struct span s)
{
	return html_decode_attr(s.s, s.n);
}

void
entry_free(struct entry *e)
{
	free(e->source_name);
	free(e->source_link);
	free(e->source_title);
	free(e->title);
	free(e->link);
	free(e->id);
	free(e->creator);
	free(e->content);
	free(e->text);
	free(e->match_text);
	free(e->summary);
	free(e->source_key);
	free(e->link_key);
}

/* A link fit for a feed and a web page: an http(s) URL, as a browser reads
 * it (surrounding spaces and controls gone, tabs and new lines dropped),
 * with backslashes read as slashes (html_url_slashes) and what an IRI may
 * not hold (a space, a quote...) percent-encoded, as
 * feed ids must be IRIs; a relative one resolved against base (the page's
 * URL; for a permalink on a page read from a file, its source's site) when
 * there is one; anything else (javascript:, data:...) becomes "". Takes
 * raw (malloc'd). */
static char *
web_link(char *raw, const char *base)
{
	char *r, *w, *out = NULL, *abs, *special;

	if (raw == NULL)
		goto done;
	for (r = raw; *r != '\0' && (unsigned char)*r <= 0x20; r++)
		;
	for (w = raw; *r != '\0'; r++)
		if (*r != '\t' && *r != '\n' && *r != '\r')
			*w++ = *r;
	while (w > raw && (unsigned char)w[-1] <= 0x20)
		w--;
	*w = '\0';
	html_url_slashes(raw);
	if ((special = html_url_special(raw, base)) == NULL)
		goto done;
	free(raw);
	raw = special;
	if (fetch_is_http(raw)) {
		if (html_authority_ok(raw)) {
			out = html_escape_iri(raw);   /* NULL when memory runs out */
			goto done;
		}
	} else if (raw[0] != '\0' && base != NULL && html_scheme_len(raw) == 0) {
		if (html_resolve(raw, base, &abs) != 0)
			goto done;
		if (abs != NULL && fetch_is_http(abs) && html_authority_ok(abs))
			out = abs;
		else
			free(abs);
	}
	if (out == NULL)
		out = strdup("");
done:
	/* "HTTPS:" is "https:" (RFC 3986 3.1), as a browser writes it; some
	 * consumers take only the lower-case form for a web address. */
	for (w = out; w != NULL && *w != ':' && *w != '\0'; w++)
		*w = (char)tolower((unsigned char)*w);
	free(raw);
	return out;
}

static int name_source(struct entry *e);

/* Replaces *link with its cleaned form (web_link), when that differs. */
static int
settle_link(char **link)
{
	char *copy = strdup(*link), *clean;
	int rc = -1;

	if (copy == NULL || (clean = web_link(copy, NULL)) == NULL)
		goto done;
	if (clean[0] == '\0' || strcmp(clean, *link) == 0) {
		free(clean);
	} else {
		free(*link);
		*link = clean;
	}
	rc = 0;
done:
	return rc;
}

/* A source name that shows nothing replaced (name_source), a creator
 * that shows nothing ("by  at") dropped. 0, or -1 when memory runs out. */
static int
settle_names(struct entry *e)
{
	int rc = 0;

	if (text_is_blank(e->source_name) && name_source(e) != 0) {
		rc = -1;
	} else if (e->creator != NULL && text_is_blank(e->creator)) {
		free(e->creator);
		e->creator = NULL;
	}
	return rc;
}

int
entry_settle(struct entry *e)
{
	int by_link = strcmp(e->id, e->link) == 0;
	int rc = -1;

	if (settle_names(e) != 0)
		goto done;
	if (settle_link(&e->source_link) != 0 || settle_link(&e->link) != 0)
		goto done;
	if (by_link && strcmp(e->id, e->link) != 0) {
		char *id = strdup(e->link);

		if (id == NULL)
			goto done;
		free(e->id);
		e->id = id;
	}
	rc = 0;
done:
	return rc;
}

/* An id for a post without a usable permalink, stable from run to run. */
static char *
made_up_id(const struct entry *e)
{
	unsigned long long h = TEXT_HASH_INIT;
	char id[64];

	h = text_hash(h, e->source_name, strlen(e->source_name) + 1);
	h = text_hash(h, e->source_link, strlen(e->source_link) + 1);
	h = text_hash(h, e->title, strlen(e->title) + 1);
	h = text_hash(h, &e->published, sizeof e->published);
	snprintf(id, sizeof id, ENTRY_MADE_UP_ID "%016llx", h);
	return strdup(id);
}

/* link as a base URL, in *abs (malloc'd): made absolute against the page
 * when needed; NULL when it is no absolute URL libxml2 can resolve
 * against. -1 when memory runs out. */
static int
absolute_base(const char *link, const char *page_url, char **abs)
{
	xmlURIPtr uri;
	int rc = 0;

	*abs = NULL;
	if (link[0] == '\0')
		goto done;
	if (page_url != NULL ? html_resolve(link, page_url, abs) != 0 : (*abs = strdup(link)) == NULL) {
		rc = -1;
		goto done;
	}
	if (*abs == NULL)
		goto done;
	/* A permalink with a space or non-ASCII in it is a fine base for a
	 * browser; libxml2 parses it percent-encoded (as html_resolve
	 * gives it, and then writes a non-ASCII host back as text). */
	if ((uri = xmlParseURI(*abs)) == NULL) {
		char *escaped = html_escape_url(*abs);

		if (escaped == NULL) {
			free(*abs);
			*abs = NULL;
			rc = -1;
			goto done;
		}
		uri = xmlParseURI(escaped);
		free(escaped);
	}
	if (uri == NULL || uri->scheme == NULL) {
		free(*abs);
		*abs = NULL;
	}
	xmlFreeURI(uri);
done:
	return rc;
}

/* The URL to resolve a post's relative links against, in *base: its
 * permalink, else its source's site (a better guess than the Planet's
 * page), else the page's URL (as a browser showing the page resolves
 * them), the first that is an absolute URL, made absolute against the
 * page when needed (a permalink libxml2 cannot parse, "https://h:/p",
 * must not leave the post's links unresolved); NULL when none is. -1 when
 * memory runs out. */
static int
content_base(const struct entry *e, const char *page_url, char **base)
{
	const char *links[3] = { e->link, e->source_link, page_url != NULL ? page_url : "" };
	size_t i;
	int rc = 0;

	*base = NULL;
	for (i = 0; rc == 0 && *base == NULL && i < sizeof links / sizeof links[0]; i++)
		rc = absolute_base(links[i], page_url, base);
	return rc;
}

/* link parsed, when it has a host, else NULL. The host stays as the link
 * writes it: xmlParseURI would decode "%F4" or "%01" into bytes that are
 * not text. */
static xmlURIPtr
link_host(const char *link)
{
	xmlURIPtr uri = link != NULL && link[0] != '\0' ? xmlParseURIRaw(link, 1) : NULL;

	if (uri != NULL && (uri->server == NULL || uri->server[0] == '\0')) {
		xmlFreeURI(uri);
		uri = NULL;
	}
	return uri;
}

/* A name for a source whose channel header shows none, as every feed and
 * entry needs one: its feed's title, else its site's host, else
 * "Unnamed source". Returns 0, or -1 when memory runs out. */
static int
name_source(struct entry *e)
{
	xmlURIPtr uri = NULL;
	const char *name = "Unnamed source";
	char *copy;
	int rc = -1;

	if (!text_is_blank(e->source_title))
		name = e->source_title;
	else if ((uri = link_host(e->source_link)) != NULL)
		name = uri->server;
	copy = strdup(name);
	xmlFreeURI(uri);
	if (copy != NULL) {
		free(e->source_name);
		e->source_name = copy;
		rc = 0;
	}
	return rc;
}

/* Marks e, whose content is now the note, as keeping its text: cut to
 * CONTENT_MAX bytes, as the archive keeps it (an XML text node over 10 MB
 * libxml2 would not read back), so that a pattern matches it alike on
 * the page and off it. */
static void
keep_long_text(struct entry *e)
{
	if (strlen(e->text) > CONTENT_MAX)
		e->text[text_char_start(e->text, CONTENT_MAX)] = '\0';
	e->long_text = 1;
}

/* The note that stands for a post too long to copy. The link is an http(s)
 * URL (web_link made it so); its characters are escaped for an attribute. */
static char *
too_long(const struct entry *e, size_t len)
{
	struct buf out = { 0 };
	char size[32], *note = NULL;
	const char *p;
	int failed;

	snprintf(size, sizeof size, "%zu", len);
	failed = buf_adds(&out, "<p>This post is too long to copy here (") != 0 || buf_adds(&out, size) != 0 ||
	    buf_adds(&out, " bytes of HTML)") != 0;
	if (!failed && e->link[0] != '\0') {
		failed = buf_adds(&out, "; read it on <a href=\"") != 0;
		for (p = e->link; *p != '\0' && !failed; p++)
			failed = buf_adds(&out, *p == '&' ? "&amp;" : *p == '"' ? "&quot;" : *p == '<' ? "&lt;" :
			    *p == '>' ? "&gt;" : (char[2]){ *p, '\0' }) != 0;
		failed = failed || buf_adds(&out, "\">its own site</a>") != 0;
	}
	if (failed || buf_adds(&out, ".</p>") != 0)
		buf_free(&out);
	else
		note = buf_take(&out);
	return note;
}

/* The page digest (read.h) of a post's HTML b[0..n), its links made
 * absolute against base (NULL: left as they are). Never 0, which stands
 * for none. */
static unsigned long long
page_digest(unsigned long long seed, const char *base, const char *b, size_t n)
{
	/* A base ends with its '\0', so that no base and body run together
	 * as another base and body would. */
	unsigned long long h = text_hash(seed, base != NULL ? base : "", base != NULL ? strlen(base) + 1 : 1);

	h = text_hash_wide(h, b, n);
	return h != 0 ? h : 1;
}

/* What starts every page digest: what makes a post's content other than
 * its bytes and base, the program (its version, and its sources: the
 * version does not change with every change to the sanitizer) and the
 * HTML parser's version. A new one of any reads every post again. */
static unsigned long long
page_digest_seed(void)
{
	static const char what[] = "unplanet page digest 1";
	unsigned long long h = text_hash(TEXT_HASH_INIT, what, sizeof what);

	h = text_hash(h, VERSION, sizeof VERSION);
	h = text_hash(h, SOURCE_DIGEST, sizeof SOURCE_DIGEST);
	return text_hash(h, xmlParserVersion, strlen(xmlParserVersion) + 1);
}

/* Takes the content and summary of an archived copy of the post e whose
 * page digest is digest, when there is one, or with known_slim the digest
 * of its content from a slim copy; 1 if it did, 0 if not, -1 when memory
 * runs out. */
static int
take_known(const struct scanner *sc, struct entry *e, unsigned long long digest)
{
	const struct entry *known = state_find_body(sc->known, e, digest);

	if (known == NULL)
		return 0;
	if (known->content == NULL) {
		/* An untitled post is shown under its first words, which a
		 * slim copy lacks, also when archived slim. */
		if (!sc->known_slim || text_is_blank(e->title))
			return 0;
		e->digest = known->digest;
	} else if ((e->content = strdup(known->content)) == NULL || (e->summary = strdup(known->summary)) == NULL) {
		return -1;
	}
	e->page_digest = digest;
	return 1;
}

/* A post body to parse, left by make_entry for parse_body: the same for
 * any thread, and written to by one only. */
struct body {
	size_t entry;          /* the page's entry it fills */
	const char *b;         /* its HTML, b[0..n) */
	size_t n;
	char *base;            /* what its links are resolved against, or NULL */
	unsigned long long digest;  /* its page digest */
	int pending;           /* 1 while it is to be parsed */
	int cut;               /* whether its content had to be cut */
};

/* Fills e from a framed post; source fields come from src (the frame that
 * last named a source). Its content comes from an archived copy, or the
 * note for one too long to parse, or is left to parse_body: then job says
 * what to parse (and owns job->base). job->cut tells whether its content
 * had to be cut. */
static int
make_entry(struct entry *e, const struct frame *src, const struct frame *f,
    const struct footer *ft, const char *page_url, const struct scanner *sc, struct body *job)
{
	unsigned long long digest;
	const char *b = f->body, *be = ft->start;
	char *title = NULL, *base = NULL;
	int known, rc = -1;

	memset(e, 0, sizeof *e);
	e->published = e->updated = e->shown = ft->published;
	if ((e->source_name = span_text(src->source_name)) == NULL ||
	    (e->source_link = web_link(span_attr(src->source_href), page_url)) == NULL ||
	    (e->source_title = text_fix_stray(span_attr(src->source_title))) == NULL ||
	    (e->link = web_link(span_attr(ft->href), page_url != NULL ? page_url :
	    e->source_link[0] != '\0' ? e->source_link : NULL)) == NULL)
		goto done;
	/* A title attribute's line breaks and runs of spaces are the page's
	 * layout, and the title names the source when its header shows
	 * nothing: as a [source] section's name is read. */
	text_collapse_space(e->source_title);
	if ((e->source_title = text_close_bidi(e->source_title)) == NULL)
		goto done;
	if (f->has_title) {
		/* Decoded again, C1 controls and DEL are fixed again: "&amp;#x96;"
		 * is the dash "&#x96;" is. */
		if ((title = html_fragment_text(f->title.s, f->title.n)) == NULL ||
		    (e->title = text_fix_stray(text_decode_refs(title))) == NULL)
			goto done;
		/* References escaped twice may give white space again; and
		 * bidi controls, closed once the title is one line. */
		text_collapse_space(e->title);
		if ((e->title = text_close_bidi(e->title)) == NULL)
			goto done;
	} else if ((e->title = strdup("")) == NULL) {
		goto done;
	}
	if ((ft->has_creator && (e->creator = span_text(ft->creator)) == NULL) || settle_names(e) != 0)
		goto done;
	if ((e->id = e->link[0] != '\0' ? strdup(e->link) : made_up_id(e)) == NULL)
		goto done;
	b = skip_space(b, be);
	be = skip_space_back(b, be);
	/* Far too long to be kept whatever it holds: not parsed at all, which
	 * libxml2 could not do past 2 GiB anyway. Its text, for topics, its
	 * summary and an untitled post's title, is its start's. */
	if ((size_t)(be - b) > CONTENT_PARSE_MAX) {
		size_t start = text_char_start(b, CONTENT_MAX);   /* not in the middle of a character */
		if ((e->text = html_fragment_text(b, start)) == NULL ||
		    (e->content = too_long(e, (size_t)(be - b))) == NULL)
			goto done;
		keep_long_text(e);
		job->cut = 1;
		rc = 0;
		goto done;
	}
	if (content_base(e, page_url, &base) != 0)
		goto done;
	/* Unchanged since an earlier run read it: not parsed again. */
	digest = page_digest(sc->digest_seed, base, b, (size_t)(be - b));
	if ((known = take_known(sc, e, digest)) != 0) {
		rc = known > 0 ? 0 : -1;
		goto done;
	}
	job->b = b;
	job->n = (size_t)(be - b);
	job->base = base;
	base = NULL;
	job->digest = digest;
	job->pending = 1;
	rc = 0;
done:
	free(title);
	free(base);
	return rc;
}

/* Parses the body job says into the entry e, with the parser html. */
static int
parse_body(htmlParserCtxtPtr html, struct body *job, struct entry *e)
{
	htmlDocPtr doc;
	xmlNodePtr root;
	size_t len;
	int rc = -1;

	if ((doc = html_parse_fragment_with(html, job->b, job->n, &job->cut)) == NULL ||
	    (root = html_fragment_root(doc)) == NULL)
		goto done;
	if ((e->text = html_prepare(root, job->base)) == NULL || (e->content = html_serialize(doc, root)) == NULL)
		goto done;
	/* The white space beside what the sanitizer dropped at an end (a
	 * script after the last paragraph) is none of the post's: kept, a
	 * script coming or going would count as an edit. */
	trim_space(e->content);
	if ((len = strlen(e->content)) > CONTENT_MAX) {
		char *note = too_long(e, len);

		if (note == NULL)
			goto done;
		free(e->content);
		e->content = note;
		keep_long_text(e);
		job->cut = 1;
	}
	if (!job->cut)
		e->page_digest = job->digest;
	rc = 0;
done:
	if (doc != NULL)
		xmlFreeDoc(doc);
	return rc;
}

/* The bodies make_entry left, for pool_run: each thread parses with a
 * parser of its own. */
struct parsing {
	struct body *jobs;
	struct entry *entries;
};

static void *
parser_start(void *ctx, unsigned thread)
{
	(void)ctx;
	(void)thread;
	return html_parser_new();
}

static void
parser_finish(void *ctx, void *state)
{
	(void)ctx;
	htmlFreeParserCtxt(state);
}

static int
parse_job(void *ctx, void *state, size_t i)
{
	struct parsing *p = ctx;
	struct body *job = &p->jobs[i];

	return job->pending ? parse_body(state, job, &p->entries[job->entry]) : 0;
}

/* Finds the first post: the first channel header that starts a frame.
 * *skipped is the first channel header before it that starts none (its
 * name or title too long, say), else NULL. */
static const char *
first_frame(struct scanner *sc, const char *p, struct frame *f, const char **skipped)
{
	const char *h3, *start, *first = NULL;

	*skipped = NULL;

	while ((h3 = find(p, sc->end, "<h3 class=\"post\">", NULL)) != NULL) {
		const char *before, *h2;

		start = skip_space_back(p, h3);
		if (start - p >= 6 && memcmp(start - 6, "<hr />", 6) == 0)
			start -= 6;
		/* The day header above it, so that the first posts' days are known. */
		before = skip_space_back(p, start);
		if (before - p >= 5 && memcmp(before - 5, "</h2>", 5) == 0 &&
		    (h2 = find_last(before - p > 256 ? before - 256 : p, before, "<h2>")) != NULL &&
		    match_frame(sc, h2, 0, f) == 0) {
			first = h2;
			break;
		}
		if (match_frame(sc, start, 0, f) == 0) {
			first = start;
			break;
		}
		if (*skipped == NULL)
			*skipped = h3;
		p = h3 + 1;
	}
	return first;
}

static int
add_entry(struct page *page, size_t *cap, struct entry *e)
{
	int rc = -1;

	if (page->n_entries == *cap) {
		size_t n = *cap ? *cap * 2 : 64;
		struct entry *p = realloc(page->entries, n * sizeof *p);

		if (p == NULL)
			goto done;
		page->entries = p;
		*cap = n;
	}
	page->entries[page->n_entries++] = *e;
	rc = 0;
done:
	return rc;
}

struct post {
	struct frame f;
	struct footer ft;
};

struct framing {
	struct post *posts;
	size_t n, cap;
};

/* Frames every post from the first frame on, into fr. When a post finds
 * no footer, the post before it may have stopped at a footer copied into
 * its body, the rest of which looked like a post: it is given its next
 * footer instead, and the failed frame is remembered (add_dead) so that
 * no footer leads to it again. Each step back may still search the rest
 * of the page again, so framing gives up once it has searched
 * sc->work_limit bytes. */
static int
frame_all(struct scanner *sc, const struct frame *first, struct framing *fr, char **err)
{
	struct frame f = *first, next;
	struct footer ft;
	const char *from = f.body, *stuck = NULL;
	int last = 0, found, rc = UP_OK;

	while (!last) {
		struct post *p;

		found = find_footer(sc, &f, from, &ft, &next, &last) == 0;
		if (sc->nomem) {
			rc = err_nomem(err);
			goto done;
		}
		if (sc->work > sc->work_limit) {
			rc = err_set(err, UP_EDATA,
			    "%s:%zu: too many copies of the page's own date lines and headers inside posts "
			    "to tell the posts apart (gave up after searching %zu MB)",
			    sc->name, line_of(sc, f.body), sc->work >> 20);
			goto done;
		}
		if (!found) {
			if ((sc->links == NULL && link_index(sc) != 0) || add_dead(sc, f.body) != 0) {
				rc = err_nomem(err);
				goto done;
			}
			/* Backtracking ends at the first post: name the furthest one
			 * that could not be closed, where the page goes wrong. */
			if (stuck == NULL || f.body > stuck)
				stuck = f.body;
			if (fr->n == 0) {
				rc = err_set(err, UP_EDATA,
				    "%s:%zu: post has no date line followed by another post or the end of the list "
				    "(page cut short, a header or title below it over %d KiB, a date line or header "
				    "below the last post, or not a Planet 2.0 page)",
				    sc->name, line_of(sc, stuck), FRAME_LIMIT >> 10);
				goto done;
			}
			p = &fr->posts[--fr->n];
			f = p->f;
			from = p->ft.em + 1;
			continue;
		}
		if (fr->n == fr->cap) {
			size_t cap = fr->cap ? fr->cap * 2 : 64;

			if ((p = realloc(fr->posts, cap * sizeof *p)) == NULL) {
				rc = err_nomem(err);
				goto done;
			}
			fr->posts = p;
			fr->cap = cap;
		}
		p = &fr->posts[fr->n++];
		p->f = f;
		p->ft = ft;
		f = next;
		from = f.body;
	}
done:
	return rc;
}

/* Whether a footer links to a web address. Posts sharing another kind of
 * link (mailto:, javascript:, none) are kept apart by their contents. */
static int
web_href(struct span href)
{
	const char *p = href.s, *end = href.s + href.n;

	while (p < end && (unsigned char)*p <= 0x20)
		p++;
	return ((size_t)(end - p) > 7 && strncasecmp(p, "http://", 7) == 0) ||
	    ((size_t)(end - p) > 8 && strncasecmp(p, "https://", 8) == 0);
}

/* No day header yet (days before 1970 are negative). */
#define NO_DAY LONG_MIN

/* Whether the post p (under day header day, NO_DAY when none) looks cut short
 * at a copy of a footer in its body, next being what follows: Planet's
 * footers print their day header's day, newest first, and a day header
 * only for an earlier day. A post cut at a copy of its own footer leaves
 * a frame with neither source nor title whose footer has the same web
 * link and time: its rest, which would otherwise be dropped as the same
 * permalink twice. */
static int
looks_cut(const struct post *p, long day, const struct post *next)
{
	/* A next footer newer than p's is a copy in p's body, unless it is
	 * of another day than the header above it: a copy in next's body,
	 * cut there, and p is whole. */
	return (day != NO_DAY && p->ft.day != day) ||
	    (p->ft.published < next->ft.published && (day == NO_DAY || next->f.has_day || next->ft.day == day)) ||
	    (next->f.has_day && next->f.day >= p->ft.day) ||
	    (!next->f.has_source && !next->f.has_title && web_href(p->ft.href) &&
	    same_span(next->ft.href, p->ft.href) && next->ft.published == p->ft.published);
}

/* The post whose channel header posts[k] is under: the nearest at or
 * before it that has one (posts[0] when none has). */
static const struct post *
channel_of(const struct post *posts, size_t k)
{
	while (k > 0 && !posts[k].f.has_source)
		k--;
	return &posts[k];
}

/* Longest run of posts one cut-short post may take back. */
#define SPLIT_MAX 16

/* The later post (within SPLIT_MAX) that is the rest of posts[i], cut at a
 * copy of its own footer followed by a channel header, or by a whole
 * made-up post, that would hand the rest of its body to another source,
 * or by a copy of its own title, link and text (the rest would be dropped
 * as the same permalink twice; another title is a post of its own, the
 * feed's items sharing a link and a minute); 0 when none. The rest is untitled (but for that
 * copy, right after it, with no channel header), starts no day (but for
 * a copied day header: its footer is of another day), and ends at a
 * footer with the same web link and time, is no copy of the same post (a
 * blog the Planet lists twice shows the same body), and follows at once,
 * or has no channel header of its own: a later untitled post under a
 * channel header, after other sources' posts of the same minute, is a
 * post of its own (of the same source, or of another subscription to the
 * same blog, whose feed gives the post another body: a summary), also
 * where it could be the rest after a whole made-up post and a copied
 * channel header: the page shows the two alike, and what a Planet prints
 * comes before what a post could forge. */
static size_t
holds_own_footer(const struct post *posts, size_t n, size_t i)
{
	const struct post *p = &posts[i];
	size_t len = (size_t)(p->ft.start - p->f.body), j, rest = 0;

	if (!web_href(p->ft.href))
		goto done;
	for (j = i + 1; j < n && j - i <= SPLIT_MAX; j++) {
		const struct post *q = &posts[j];

		if ((q->f.has_title && !(j == i + 1 && !q->f.has_source && p->f.has_title &&
		    same_span(q->f.title_href, p->f.title_href) && same_span(q->f.title, p->f.title))) ||
		    (q->f.has_day && q->f.day == q->ft.day) || q->ft.published != p->ft.published ||
		    !same_span(q->ft.href, p->ft.href) ||
		    ((size_t)(q->ft.start - q->f.body) == len && memcmp(q->f.body, p->f.body, len) == 0))
			continue;
		if (j == i + 1 || !q->f.has_source) {
			rest = j;
			break;
		}
	}
done:
	return rest;
}

/* Whether q's footer can end the post p (under day), after prev. */
static int
can_end(const struct post *p, long day, const struct post *q, const struct post *prev)
{
	return (!p->f.has_title || same_span(q->ft.href, p->f.title_href)) &&
	    (day == NO_DAY || q->ft.day == day) && (prev == NULL || q->ft.published <= prev->ft.published);
}

/* The first of posts (i, i + SPLIT_MAX] whose footer can end p (under
 * day) after prev; 0 when none. An untitled post, which no link ties to
 * its footer, ends before the next titled frame: taking that in would
 * read a whole post, with its title and footer, as a copy inside it. */
static size_t
ending(const struct post *posts, size_t n, size_t i, const struct post *p, long day, const struct post *prev)
{
	size_t j, found = 0;

	for (j = i + 1; found == 0 && j < n && j - i <= SPLIT_MAX && (p->f.has_title || !posts[j].f.has_title); j++)
		if (can_end(p, day, &posts[j], prev))
			found = j;
	return found;
}

/* How many of the n posts look cut short: the last one too, when its
 * footer is of another day than its day header's (the rest of a post cut
 * at a copy, the post above it having taken that header in). */
static size_t
count_cut(const struct post *posts, size_t n)
{
	size_t i, cut = 0;
	long day = NO_DAY;

	for (i = 0; i < n; i++) {
		if (posts[i].f.has_day)
			day = posts[i].f.day;
		if (i + 1 < n)
			cut += looks_cut(&posts[i], day, &posts[i + 1]) || holds_own_footer(posts, n, i) != 0;
		else
			cut += day != NO_DAY && posts[i].ft.day != day;
	}
	return cut;
}

/* Whether p, an untitled post starting a day (under day header `above`
 * before it), is the rest of joined[w - 1], cut at a copy of a footer
 * followed by copies of a day header and of its own source's channel
 * header: Planet never prints a footer of another day than its day
 * header's, and p's footer is of the day above, at a time that can end
 * the post before it. (A day header always comes with a channel header.) */
static int
rest_under_copied_day(const struct post *joined, size_t w, const struct post *p, long above)
{
	const struct post *src;
	int rest = 0;

	if (w > 0 && !p->f.has_title && p->f.has_day && p->f.has_source && p->ft.day != p->f.day &&
	    p->ft.day == above) {
		src = channel_of(joined, w - 1);
		rest = src->f.has_source && same_span(p->f.source_href, src->f.source_href) &&
		    can_end(&joined[w - 1], above, p, w > 1 ? &joined[w - 2] : NULL);
	}
	return rest;
}

/* Whether posts[from..to] are all bare frames: neither source nor title. */
static int
bare_run(const struct post *posts, size_t from, size_t to)
{
	size_t k;

	for (k = from; k <= to && !posts[k].f.has_source && !posts[k].f.has_title; k++)
		;
	return k > to;
}

/* Whether q's channel header names p's source again, with no day header:
 * Planet prints one only for a new day or another channel (which only a
 * blog subscribed twice shares a name and site with). joined[0..w) is
 * what was read before p. */
static int
own_channel_again(const struct post *joined, size_t w, const struct post *p, const struct post *q)
{
	const struct post *ch = p->f.has_source ? p : w > 0 ? channel_of(joined, w - 1) : NULL;

	return q->f.has_source && !q->f.has_day && ch != NULL && ch->f.has_source &&
	    same_span(q->f.source_href, ch->f.source_href) && same_span(q->f.source_name, ch->f.source_name);
}

/* Whether q, right after the untitled post p (under day) whose footer is
 * of another day than its day header's, a copy no Planet prints there,
 * is a copy too: of its own title (quoted), under no channel header or
 * a copy of its own (see own_channel_again), with a footer that can end
 * p after prev, its own. joined[0..w) is what was read before p. */
static int
title_copy_after(const struct post *joined, size_t w, const struct post *p, long day, const struct post *q,
    const struct post *prev)
{
	return !p->f.has_title && day != NO_DAY && p->ft.day != day && q->f.has_title &&
	    (!q->f.has_source || own_channel_again(joined, w, p, q)) && can_end(p, day, q, prev);
}

/* Where posts[i + 1], newer than p (posts[i], under day), ends when it
 * reads whole as cut at a copy of a later footer: at the first footer
 * that can end it, its rest bare frames; with newer_first, also at the
 * next frame when that is a copy of its own title (title_copy_after) or,
 * its footer of another day than its day header's, its rest under copies
 * of a day header and its own channel header (rest_under_copied_day).
 * 0 when it does not. */
static size_t
newer_rest(const struct post *posts, size_t n, size_t i, const struct post *p, long day, int newer_first)
{
	const struct post *q = &posts[i + 1], *r = i + 2 < n ? &posts[i + 2] : NULL;
	long qday = q->f.has_day ? q->f.day : day;
	size_t j = 0;

	if (q->ft.published <= p->ft.published)
		goto done;
	if ((j = ending(posts, n, i + 1, q, qday, p)) != 0 && bare_run(posts, i + 2, j))
		goto done;
	j = 0;
	/* posts[i], and then q, are what was read before q, and then r. */
	if (newer_first && r != NULL && (title_copy_after(posts + i, 1, q, qday, r, p) ||
	    (!q->f.has_title && qday != NO_DAY && q->ft.day != qday && rest_under_copied_day(posts + i, 2, r, qday))))
		j = i + 2;
done:
	return j;
}

/* One pass of join_splits over posts[0..n): each post that looks cut short
 * takes back the posts after it up to the first whose footer can end it;
 * a bare frame (neither source nor title) that looks cut short and that no
 * footer can end, because its post was cut at an earlier copy too (one
 * that did not look out of place), is given back to the post before it
 * with the posts after it, when a footer can end that; and when no footer
 * can end a post that looks cut because the one after it is newer, or
 * when that one's footer is dated after the page was made (updated; -1
 * when unknown), that newer one takes back the posts after it instead,
 * through bare frames only, up to the first footer that can end it below
 * the first (titled, at its own link). An untitled post whose day header disagrees with its
 * footer is first tried as the rest of the post before it
 * (rest_under_copied_day). With newer_first, a post the newer one after
 * it reads whole beside never takes that one in (see join_splits).
 * Writes the result to joined and returns its length. */
static size_t
join_pass(const struct post *posts, size_t n, struct post *joined, time_t updated, int newer_first)
{
	size_t i, j, w = 0;
	long day = NO_DAY;

	for (i = 0; i < n; i++) {
		struct post p = posts[i];
		long above = day;

		if (p.f.has_day)
			day = p.f.day;
		if (rest_under_copied_day(joined, w, &p, above)) {
			joined[w - 1].ft = p.ft;
			day = above;
			continue;
		}
		if (i + 1 < n && looks_cut(&p, day, &posts[i + 1])) {
			const struct post *q = &posts[i + 1];
			/* Whether the post after p, newer, reads whole as cut at
			 * a copy of a later footer (its rest at j2). */
			size_t j2 = newer_rest(posts, n, i, &p, day, newer_first);
			int newer_cut = j2 != 0;
			/* An untitled p, which no link ties to its footer, could
			 * end at any: it does not take in a post of a channel of
			 * its own that reads whole so (that post holds the copy).
			 * Of two readings, the one with fewer copies: taking it
			 * in would make that channel header a copy too. Nor does
			 * any p take in the post after it when that post's footer
			 * is dated after the page was made (updated, -1 when
			 * unknown): no Planet printed it, so that post holds the
			 * copy, and the dates do not tie p to it. */
			int keep_next = newer_cut && (newer_first || (!p.f.has_title && q->f.has_source && !q->f.has_title) ||
			    (updated != -1 && q->ft.published > updated));

			if (!keep_next && (j = ending(posts, n, i, &p, day, w > 0 ? &joined[w - 1] : NULL)) != 0) {
				p.ft = posts[j].ft;
				i = j;
			} else if (!keep_next && w > 0 && !p.f.has_source && !p.f.has_title &&
			    (j = ending(posts, n, i, &joined[w - 1], day, w > 1 ? &joined[w - 2] : NULL)) != 0) {
				joined[w - 1].ft = posts[j].ft;
				i = j;
				continue;
			} else if (newer_cut) {
				j = j2;
				/* p is whole, and the post after it newer: that one
				 * was cut at a copy of a later footer, its rest bare
				 * frames (no other post's channel header or title). */
				joined[w++] = p;
				p = *q;
				p.ft = posts[j].ft;
				if (q->f.has_day)
					day = q->f.day;
				i = j;
			} else if (title_copy_after(joined, w, &p, day, q, w > 0 ? &joined[w - 1] : NULL)) {
				p.ft = q->ft;
				i++;
			}
		} else if (i + 1 < n && (j = holds_own_footer(posts, n, i)) != 0) {
			/* Through its rest: what lies between is the copy's. */
			p.ft = posts[j].ft;
			i = j;
		}
		joined[w++] = p;
	}
	return w;
}

/* Most passes join_splits makes: a post holding several copies of its own
 * footer is joined one copy per pass. */
#define JOIN_PASSES 16

/* Undoes splits at footers copied into posts (the copies' frames and text
 * become their post's body again), pass after pass while posts still look
 * cut short and a pass joins something. The result is kept only if no post
 * looks cut short any more: a page whose dates disagree with its day
 * headers for another reason is left as framed. When the passes leave
 * posts cut short, they are made again from the page as framed with the
 * other reading of a post followed by a newer one that reads whole: that
 * the newer one holds the copy, rather than the post before taking it in
 * (a titled post above an untitled one that quotes its footer, at another
 * time: taken in, the day and channel headers between would be copies
 * too, and the rest of the quoting post, its footer of another day than
 * the day header now above it, could end nothing). Returns 0, or -1 when
 * memory runs out. */
static int
join_splits(struct framing *fr, time_t updated)
{
	struct post *cur = NULL, *next = NULL;
	size_t n, w, pass;
	int rc = 0, newer_first;

	if (count_cut(fr->posts, fr->n) == 0)
		goto done;
	if ((cur = malloc(fr->n * sizeof *cur)) == NULL || (next = malloc(fr->n * sizeof *next)) == NULL) {
		rc = -1;
		goto done;
	}
	for (newer_first = 0; newer_first < 2 && cur != NULL; newer_first++) {
		memcpy(cur, fr->posts, fr->n * sizeof *cur);
		n = fr->n;
		for (pass = 0; pass < JOIN_PASSES; pass++) {
			struct post *t;

			w = join_pass(cur, n, next, updated, newer_first);
			if (w == n)
				break;   /* nothing joined: no further pass can help */
			t = cur;
			cur = next;
			next = t;
			n = w;
			if (count_cut(cur, n) == 0) {
				free(fr->posts);
				fr->posts = cur;
				fr->cap = fr->n;
				fr->n = n;
				cur = NULL;
				break;
			}
		}
	}
done:
	free(cur);
	free(next);
	return rc;
}

/* What a page with no posts is instead, when its first element says: a
 * feed ("rss", "feed", "rdf:RDF"), perhaps the Planet's own, given in
 * place of its HTML page. NULL when it looks like HTML. */
static const char *
feed_kind(const char *p, const char *end)
{
	static const struct { const char *tag, *kind; } feeds[] = {
		{ "<rss", "an RSS feed" }, { "<feed", "an Atom feed" }, { "<rdf:RDF", "an RSS 1.0 feed" }
	};
	const char *kind = NULL;
	size_t i, n;
	int doctype;

	p = text_prolog_end(p, end, &doctype);
	for (i = 0; p != NULL && kind == NULL && i < sizeof feeds / sizeof *feeds; i++) {
		n = strlen(feeds[i].tag);
		if ((size_t)(end - p) > n && memcmp(p, feeds[i].tag, n) == 0 &&
		    (text_is_space(p[n]) || p[n] == '>' || p[n] == '/'))
			kind = feeds[i].kind;
	}
	return kind;
}

/* Whether a page with no posts is an unplanet config file given in place
 * of the page (-c forgotten): its first line that is neither blank nor a
 * comment opens one of its sections. */
static int
is_config(const char *p, const char *end)
{
	static const char *const sections[] = { "[unplanet]", "[topic ", "[source " };
	size_t i;

	if (end - p >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	while (p < end && (text_is_space(*p) || *p == ';' || *p == '#')) {
		if (*p == ';' || *p == '#')
			while (p < end && *p != '\n')
				p++;
		else
			p++;
	}
	for (i = 0; i < sizeof sections / sizeof *sections; i++)
		if ((size_t)(end - p) >= strlen(sections[i]) && memcmp(p, sections[i], strlen(sections[i])) == 0)
			return 1;
	return 0;
}

/* Forgets what framing learned under one set of rules (see frame_posts). */
static void
forget_framing(struct scanner *sc)
{
	xmlHashFree(sc->dead, NULL);
	xmlHashFree(sc->misses, xmlHashDefaultDeallocator);
	sc->dead = sc->misses = NULL;
	sc->work = 0;
	sc->copy_found = 0;
}

/* Whether a post opened by a title under no channel header holds one:
 * read so, it runs across another post's header to its footer. */
static int
title_crosses(const struct framing *fr)
{
	size_t i;
	int crosses = 0;

	for (i = 0; !crosses && i < fr->n; i++) {
		const struct post *p = &fr->posts[i];

		crosses = p->f.has_title && !p->f.has_source &&
		    find(p->f.body, p->ft.start, "<h3 class=\"post\">", NULL) != NULL;
	}
	return crosses;
}

/* Whether [from, to) holds a footer with ft's link and time followed by
 * a frame with a channel header: a twin of that footer where the
 * template prints one, before another channel's post. */
static int
twin_ahead(struct scanner *sc, const char *from, const char *to, const struct footer *ft)
{
	const char *p = from, *em;
	struct footer twin;
	struct frame next;
	int found = 0;

	while (!found && (em = find(p, to, FOOTER_START, &sc->work)) != NULL) {
		p = em + 1;
		found = match_footer(sc, from, em, &twin) == 0 && twin.end <= to &&
		    same_span(twin.href, ft->href) && twin.published == ft->published &&
		    match_frame(sc, twin.end, 0, &next) == 0 && next.has_source;
	}
	return found;
}

/* How many posts of a reading end at a footer one of whose twins (same
 * link and time) is in the text, followed by another channel's header:
 * in its own body (it ran past its footer, across that header, to a copy
 * of it), or in the body of the post after it, under no channel header
 * of its own (it stopped at a copy short of its footer). Either way the
 * twin followed by the header is the footer the template printed. */
static size_t
count_misplaced(struct scanner *sc, const struct framing *fr)
{
	size_t i, misplaced = 0;

	for (i = 0; i < fr->n; i++) {
		const struct post *p = &fr->posts[i], *q = i + 1 < fr->n ? &fr->posts[i + 1] : NULL;

		misplaced += twin_ahead(sc, p->f.body, p->ft.start, &p->ft) ||
		    (q != NULL && !q->f.has_source && twin_ahead(sc, q->f.body, q->ft.start, &p->ft));
	}
	return misplaced;
}

/* Frames the page again from first under the rules sc now has, joins
 * splits (see join_splits), and keeps that reading in *fr, setting
 * *taken, when it is the better one: fewer posts look cut short, or as
 * many and it has more posts (a reading that takes fewer footers for
 * copies inside posts, as each footer the template printed ends a post),
 * or as many and fewer end at a footer whose twin is misplaced (see
 * count_misplaced).
 * Sets *crosses (unless NULL) to whether, before joining, a reading
 * taken had a title cross a channel header (see title_crosses). No
 * reading under those rules leaves *fr as it was. Returns UP_OK, or
 * an error (out of memory, too much searching) in *err. */
static int
reframe(struct scanner *sc, const struct frame *first, time_t updated, struct framing *fr, int *taken,
    int *crosses, char **err)
{
	struct framing alt = { 0 };
	char *alt_err = NULL;
	size_t cut, alt_cut;
	int rc, alt_crosses = 0;

	*taken = 0;
	forget_framing(sc);
	rc = frame_all(sc, first, &alt, &alt_err);
	if (rc == UP_OK)
		alt_crosses = title_crosses(&alt);
	if (rc == UP_OK && join_splits(&alt, updated) != 0)
		rc = err_nomem(&alt_err);
	if (rc == UP_OK) {
		cut = count_cut(fr->posts, fr->n);
		alt_cut = count_cut(alt.posts, alt.n);
		if (alt_cut < cut || (alt_cut == cut && (alt.n > fr->n ||
		    (alt.n == fr->n && count_misplaced(sc, &alt) < count_misplaced(sc, fr))))) {
			struct framing t = *fr;

			*fr = alt;
			alt = t;
			*taken = 1;
			if (crosses != NULL)
				*crosses = alt_crosses;
		}
	}
	if (rc == UP_EDATA)   /* no reading under those rules: the first stands */
		rc = UP_OK;
	free(alt.posts);
	if (rc != UP_OK) {
		*err = alt_err;
		alt_err = NULL;
	}
	free(alt_err);
	return rc;
}

static int
frame_posts(struct scanner *sc, const char *start, struct page *page, const char *page_url,
    char **err)
{
	struct framing fr = { 0 };
	struct body *jobs = NULL;
	struct parsing parsing;
	struct frame first;
	const struct frame *source = NULL;
	const char *skipped;
	size_t i, cap = 0;
	int rc, attempt, last, copied, taken, crosses;

	if (first_frame(sc, start, &first, &skipped) == NULL) {
		const char *kind = feed_kind(sc->page, sc->end);

		if (kind != NULL)
			rc = err_set(err, UP_EDATA, "%s: no Planet posts found: this is %s; give the Planet's HTML "
			    "page (such as https://planetpython.org/)", sc->name, kind);
		else if (is_config(sc->page, sc->end))
			rc = err_set(err, UP_EDATA, "%s: no Planet posts found: this is an unplanet config file; give it "
			    "with -c, and the Planet's page or URL as SOURCE", sc->name);
		else if (skipped != NULL)   /* a one-post page whose only post is that one */
			rc = err_set(err, UP_EDATA, "%s:%zu: no Planet posts found: the channel header here starts no "
			    "post (its day header, channel header or title is not as Planet 2.0 writes them, or over %d KiB)",
			    sc->name, line_of(sc, skipped), FRAME_LIMIT >> 10);
		else
			rc = err_set(err, UP_EDATA,
			    "%s: no Planet posts found (expected Planet 2.0's <h3 class=\"post\"> channel headers)",
			    sc->name);
		goto done;
	}
	/* There is no post before it to be read with, as one further down
	 * would be: lost without a word, but for this. */
	if (skipped != NULL) {
		rc = err_set(err, UP_EDATA, "%s:%zu: the first post cannot be read: its day header, channel header "
		    "or title is not as Planet 2.0 writes them (or over %d KiB)", sc->name, line_of(sc, skipped),
		    FRAME_LIMIT >> 10);
		goto done;
	}
	/* Framed under the strictest rules first, then without each rule that
	 * may leave no reading, from scratch (what failed, and why, depends on
	 * the rules): a post quoting its own title among copies of other
	 * posts' (copied_titles), and a page whose footers are not all
	 * written alike (a minifier that keeps the white space of a <pre> left
	 * open across posts, say), which is then read as before shapes; and
	 * all that again with a titled post's only footer ending it though
	 * it stands where a copy would be hidden (own_footers): a comment or
	 * <style> the post leaves open, empty, that the next post closes. */
	learn_shape(sc);
	last = sc->shape_known ? 3 : 1;
	for (attempt = 0;; attempt++) {
		int step = attempt % (last + 1);

		sc->own_footers = attempt > last;
		sc->copied_titles = step % 2 == 0;
		if (step == 2 || (step == 0 && attempt > 0)) {
			sc->shape_known = 0;
			if (step == 0)
				learn_shape(sc);
			xmlHashFree(sc->links, NULL);   /* it indexed footers by shape */
			sc->links = NULL;
		}
		if ((rc = frame_all(sc, &first, &fr, err)) != UP_EDATA || attempt == 2 * last + 1)
			break;
		forget_framing(sc);
		fr.n = 0;
		free(*err);
		*err = NULL;
	}
	if (rc != UP_OK)
		goto done;
	crosses = title_crosses(&fr);   /* before a join hides it */
	if (join_splits(&fr, page->updated) != 0) {
		rc = err_nomem(err);
		goto done;
	}
	/* A reading after the rule for copied titles took a frame for a
	 * copy: that frame may be the real post, which quotes its own title
	 * after copies of footers (and the copy it took for the real one
	 * then made a post above it end at a copy of its footer, further
	 * down, taking in every post between). The page is framed again
	 * without the rule, and the better reading kept (see reframe). */
	copied = sc->copied_titles;
	if (sc->copied_titles && sc->copy_found) {
		sc->copied_titles = 0;
		if ((rc = reframe(sc, &first, page->updated, &fr, &taken, &crosses, err)) != UP_OK)
			goto done;
		if (!taken)
			sc->copied_titles = copied;
	}
	/* A title under no channel header whose post ran across a channel
	 * header to its footer (as framed, before joins, which may have
	 * taken it back whole into the post above): framed again with the
	 * rule that reads such a title as a copy (see find_footer), and the
	 * better reading kept. */
	if (crosses) {
		sc->cross_titles = 1;
		rc = reframe(sc, &first, page->updated, &fr, &taken, NULL, err);
		sc->cross_titles = 0;
		if (rc != UP_OK)
			goto done;
	}
	/* A page that stops right after a post's date line frames as if
	 * whole; Planet 2.0 writes its sidebar and </body> after the posts. */
	if (sc->open_end) {
		rc = err_set(err, UP_EDATA, "%s:%zu: page cut short after this date line: no Planet sidebar, "
		    "</body> or </html> follows the posts", sc->name, line_of(sc, fr.posts[fr.n - 1].ft.em));
		goto done;
	}
	if ((jobs = calloc(fr.n + 1, sizeof *jobs)) == NULL) {
		rc = err_nomem(err);
		goto done;
	}
	for (i = 0; i < fr.n; i++) {
		const struct post *p = &fr.posts[i];
		struct entry e;

		if (p->f.has_source)
			source = &p->f;
		jobs[i].entry = page->n_entries;
		if (make_entry(&e, source, &p->f, &p->ft, page_url, sc, &jobs[i]) != 0) {
			entry_free(&e);
			rc = err_nomem(err);
			goto done;
		}
		e.line = line_of(sc, p->ft.em);
		if (add_entry(page, &cap, &e) != 0) {
			entry_free(&e);
			rc = err_nomem(err);
			goto done;
		}
	}
	/* Every body parsed at once, now that the entries stay where they
	 * are: on several threads, each on its own post. */
	parsing.jobs = jobs;
	parsing.entries = page->entries;
	if (pool_run(&(struct pool_jobs){ fr.n, &parsing, parser_start, parser_finish, parse_job },
	    sc->threads) != 0) {
		rc = err_nomem(err);
		goto done;
	}
	for (i = 0; i < fr.n; i++)
		if (jobs[i].cut && page->n_cut++ == 0)
			page->first_cut_line = page->entries[jobs[i].entry].line;
done:
	for (i = 0; jobs != NULL && i < fr.n; i++)
		free(jobs[i].base);
	free(jobs);
	free(fr.posts);
	return rc;
}

/* The encoding an XML declaration at the very start declares (a page
 * served as XHTML may say it there only), malloc'd: "" when there is
 * none, NULL when memory runs out. */
static char *
xml_charset(const char *p, const char *end)
{
	const char *close, *v = end;
	size_t len = 0;
	char quote = '\0';

	if ((size_t)(end - p) >= 6 && memcmp(p, "<?xml", 5) == 0 && text_is_space(p[5]) &&
	    (close = find(p, end, "?>", NULL)) != NULL) {
		for (v = p + 5; v + 8 < close && memcmp(v, "encoding", 8) != 0; v++)
			;
		v = v + 8 < close ? skip_space(v + 8, close) : close;
		if (v < close && *v == '=')
			v = skip_space(v + 1, close);
		if (v < close && (*v == '"' || *v == '\''))
			quote = *v++;
		while (quote != '\0' && v + len < close && v[len] != quote)
			len++;
	}
	return strndup(v, len);
}

/* The Encoding Standard's labels (https://encoding.spec.whatwg.org/,
 * "Names and labels"), sorted, each with the iconv charset that reads
 * as a browser does: Latin-1 as Windows-1252, Shift_JIS as Windows-31J
 * (iconv's reads "\\" as U+00A5), EUC-JP with its NEC and IBM rows, and
 * so on. "UTF-8" for UTF-8; "" for the replacement encoding (a label of
 * ISO-2022-KR and the like, which no browser decodes): passed over. */
static const struct charset_label {
	const char *label, *charset;
} charset_labels[] = {
	{ "866", "IBM866" }, { "ansi_x3.4-1968", "WINDOWS-1252" }, { "arabic", "ISO-8859-6" },
	{ "ascii", "WINDOWS-1252" }, { "asmo-708", "ISO-8859-6" }, { "big5", "BIG5-HKSCS" },
	{ "big5-hkscs", "BIG5-HKSCS" }, { "chinese", "GB18030" }, { "cn-big5", "BIG5-HKSCS" },
	{ "cp1250", "WINDOWS-1250" }, { "cp1251", "WINDOWS-1251" }, { "cp1252", "WINDOWS-1252" },
	{ "cp1253", "WINDOWS-1253" }, { "cp1254", "WINDOWS-1254" }, { "cp1255", "WINDOWS-1255" },
	{ "cp1256", "WINDOWS-1256" }, { "cp1257", "WINDOWS-1257" }, { "cp1258", "WINDOWS-1258" },
	{ "cp819", "WINDOWS-1252" }, { "cp866", "IBM866" }, { "csbig5", "BIG5-HKSCS" },
	{ "cseuckr", "CP949" }, { "cseucpkdfmtjapanese", "EUC-JP-MS" }, { "csgb2312", "GB18030" },
	{ "csibm866", "IBM866" }, { "csiso2022jp", "ISO-2022-JP" }, { "csiso2022kr", "" },
	{ "csiso58gb231280", "GB18030" }, { "csiso88596e", "ISO-8859-6" }, { "csiso88596i", "ISO-8859-6" },
	{ "csiso88598e", "ISO-8859-8" }, { "csiso88598i", "ISO-8859-8" }, { "csisolatin1", "WINDOWS-1252" },
	{ "csisolatin2", "ISO-8859-2" }, { "csisolatin3", "ISO-8859-3" }, { "csisolatin4", "ISO-8859-4" },
	{ "csisolatin5", "WINDOWS-1254" }, { "csisolatin6", "ISO-8859-10" }, { "csisolatin9", "ISO-8859-15" },
	{ "csisolatinarabic", "ISO-8859-6" }, { "csisolatincyrillic", "ISO-8859-5" },
	{ "csisolatingreek", "ISO-8859-7" }, { "csisolatinhebrew", "ISO-8859-8" }, { "cskoi8r", "KOI8-R" },
	{ "csksc56011987", "CP949" }, { "csmacintosh", "MACINTOSH" }, { "csshiftjis", "WINDOWS-31J" },
	{ "csunicode", "UTF-16LE" }, { "cyrillic", "ISO-8859-5" }, { "dos-874", "WINDOWS-874" },
	{ "ecma-114", "ISO-8859-6" }, { "ecma-118", "ISO-8859-7" }, { "elot_928", "ISO-8859-7" },
	{ "euc-jp", "EUC-JP-MS" }, { "euc-kr", "CP949" }, { "gb18030", "GB18030" }, { "gb2312", "GB18030" },
	{ "gb_2312", "GB18030" }, { "gb_2312-80", "GB18030" }, { "gbk", "GB18030" }, { "greek", "ISO-8859-7" },
	{ "greek8", "ISO-8859-7" }, { "hebrew", "ISO-8859-8" }, { "hz-gb-2312", "" }, { "ibm819", "WINDOWS-1252" },
	{ "ibm866", "IBM866" }, { "iso-10646-ucs-2", "UTF-16LE" }, { "iso-2022-cn", "" }, { "iso-2022-cn-ext", "" },
	{ "iso-2022-jp", "ISO-2022-JP" }, { "iso-2022-kr", "" }, { "iso-8859-1", "WINDOWS-1252" },
	{ "iso-8859-10", "ISO-8859-10" }, { "iso-8859-11", "WINDOWS-874" }, { "iso-8859-13", "ISO-8859-13" },
	{ "iso-8859-14", "ISO-8859-14" }, { "iso-8859-15", "ISO-8859-15" }, { "iso-8859-16", "ISO-8859-16" },
	{ "iso-8859-2", "ISO-8859-2" }, { "iso-8859-3", "ISO-8859-3" }, { "iso-8859-4", "ISO-8859-4" },
	{ "iso-8859-5", "ISO-8859-5" }, { "iso-8859-6", "ISO-8859-6" }, { "iso-8859-6-e", "ISO-8859-6" },
	{ "iso-8859-6-i", "ISO-8859-6" }, { "iso-8859-7", "ISO-8859-7" }, { "iso-8859-8", "ISO-8859-8" },
	{ "iso-8859-8-e", "ISO-8859-8" }, { "iso-8859-8-i", "ISO-8859-8" }, { "iso-8859-9", "WINDOWS-1254" },
	{ "iso-ir-100", "WINDOWS-1252" }, { "iso-ir-101", "ISO-8859-2" }, { "iso-ir-109", "ISO-8859-3" },
	{ "iso-ir-110", "ISO-8859-4" }, { "iso-ir-126", "ISO-8859-7" }, { "iso-ir-127", "ISO-8859-6" },
	{ "iso-ir-138", "ISO-8859-8" }, { "iso-ir-144", "ISO-8859-5" }, { "iso-ir-148", "WINDOWS-1254" },
	{ "iso-ir-149", "CP949" }, { "iso-ir-157", "ISO-8859-10" }, { "iso-ir-58", "GB18030" },
	{ "iso8859-1", "WINDOWS-1252" }, { "iso8859-10", "ISO-8859-10" }, { "iso8859-11", "WINDOWS-874" },
	{ "iso8859-13", "ISO-8859-13" }, { "iso8859-14", "ISO-8859-14" }, { "iso8859-15", "ISO-8859-15" },
	{ "iso8859-2", "ISO-8859-2" }, { "iso8859-3", "ISO-8859-3" }, { "iso8859-4", "ISO-8859-4" },
	{ "iso8859-5", "ISO-8859-5" }, { "iso8859-6", "ISO-8859-6" }, { "iso8859-7", "ISO-8859-7" },
	{ "iso8859-8", "ISO-8859-8" }, { "iso8859-9", "WINDOWS-1254" }, { "iso88591", "WINDOWS-1252" },
	{ "iso885910", "ISO-8859-10" }, { "iso885911", "WINDOWS-874" }, { "iso885913", "ISO-8859-13" },
	{ "iso885914", "ISO-8859-14" }, { "iso885915", "ISO-8859-15" }, { "iso88592", "ISO-8859-2" },
	{ "iso88593", "ISO-8859-3" }, { "iso88594", "ISO-8859-4" }, { "iso88595", "ISO-8859-5" },
	{ "iso88596", "ISO-8859-6" }, { "iso88597", "ISO-8859-7" }, { "iso88598", "ISO-8859-8" },
	{ "iso88599", "WINDOWS-1254" }, { "iso_8859-1", "WINDOWS-1252" }, { "iso_8859-15", "ISO-8859-15" },
	{ "iso_8859-1:1987", "WINDOWS-1252" }, { "iso_8859-2", "ISO-8859-2" }, { "iso_8859-2:1987", "ISO-8859-2" },
	{ "iso_8859-3", "ISO-8859-3" }, { "iso_8859-3:1988", "ISO-8859-3" }, { "iso_8859-4", "ISO-8859-4" },
	{ "iso_8859-4:1988", "ISO-8859-4" }, { "iso_8859-5", "ISO-8859-5" }, { "iso_8859-5:1988", "ISO-8859-5" },
	{ "iso_8859-6", "ISO-8859-6" }, { "iso_8859-6:1987", "ISO-8859-6" }, { "iso_8859-7", "ISO-8859-7" },
	{ "iso_8859-7:1987", "ISO-8859-7" }, { "iso_8859-8", "ISO-8859-8" }, { "iso_8859-8:1988", "ISO-8859-8" },
	{ "iso_8859-9", "WINDOWS-1254" }, { "iso_8859-9:1989", "WINDOWS-1254" }, { "koi", "KOI8-R" },
	{ "koi8", "KOI8-R" }, { "koi8-r", "KOI8-R" }, { "koi8-ru", "KOI8-U" }, { "koi8-u", "KOI8-U" },
	{ "koi8_r", "KOI8-R" }, { "korean", "CP949" }, { "ks_c_5601-1987", "CP949" }, { "ks_c_5601-1989", "CP949" },
	{ "ksc5601", "CP949" }, { "ksc_5601", "CP949" }, { "l1", "WINDOWS-1252" }, { "l2", "ISO-8859-2" },
	{ "l3", "ISO-8859-3" }, { "l4", "ISO-8859-4" }, { "l5", "WINDOWS-1254" }, { "l6", "ISO-8859-10" },
	{ "l9", "ISO-8859-15" }, { "latin1", "WINDOWS-1252" }, { "latin2", "ISO-8859-2" }, { "latin3", "ISO-8859-3" },
	{ "latin4", "ISO-8859-4" }, { "latin5", "WINDOWS-1254" }, { "latin6", "ISO-8859-10" },
	{ "logical", "ISO-8859-8" }, { "mac", "MACINTOSH" }, { "macintosh", "MACINTOSH" },
	{ "ms932", "WINDOWS-31J" }, { "ms_kanji", "WINDOWS-31J" }, { "replacement", "" },
	{ "shift-jis", "WINDOWS-31J" }, { "shift_jis", "WINDOWS-31J" }, { "sjis", "WINDOWS-31J" },
	{ "sun_eu_greek", "ISO-8859-7" }, { "tis-620", "WINDOWS-874" }, { "ucs-2", "UTF-16LE" },
	{ "unicode", "UTF-16LE" }, { "unicode-1-1-utf-8", "UTF-8" }, { "unicode11utf8", "UTF-8" },
	{ "unicode20utf8", "UTF-8" }, { "unicodefeff", "UTF-16LE" }, { "unicodefffe", "UTF-16BE" },
	{ "us-ascii", "WINDOWS-1252" }, { "utf-16", "UTF-16LE" }, { "utf-16be", "UTF-16BE" },
	{ "utf-16le", "UTF-16LE" }, { "utf-8", "UTF-8" }, { "utf8", "UTF-8" }, { "visual", "ISO-8859-8" },
	{ "windows-1250", "WINDOWS-1250" }, { "windows-1251", "WINDOWS-1251" }, { "windows-1252", "WINDOWS-1252" },
	{ "windows-1253", "WINDOWS-1253" }, { "windows-1254", "WINDOWS-1254" }, { "windows-1255", "WINDOWS-1255" },
	{ "windows-1256", "WINDOWS-1256" }, { "windows-1257", "WINDOWS-1257" }, { "windows-1258", "WINDOWS-1258" },
	{ "windows-31j", "WINDOWS-31J" }, { "windows-874", "WINDOWS-874" }, { "windows-949", "CP949" },
	{ "x-cp1250", "WINDOWS-1250" }, { "x-cp1251", "WINDOWS-1251" }, { "x-cp1252", "WINDOWS-1252" },
	{ "x-cp1253", "WINDOWS-1253" }, { "x-cp1254", "WINDOWS-1254" }, { "x-cp1255", "WINDOWS-1255" },
	{ "x-cp1256", "WINDOWS-1256" }, { "x-cp1257", "WINDOWS-1257" }, { "x-cp1258", "WINDOWS-1258" },
	{ "x-euc-jp", "EUC-JP-MS" }, { "x-gbk", "GB18030" }, { "x-mac-cyrillic", "MAC-CYRILLIC" },
	{ "x-mac-roman", "MACINTOSH" }, { "x-mac-ukrainian", "MAC-CYRILLIC" }, { "x-sjis", "WINDOWS-31J" },
	{ "x-unicode20utf8", "UTF-8" }, { "x-user-defined", "x-user-defined" }, { "x-x-big5", "BIG5-HKSCS" },
};

/* A label in any case against the table's (lower case, so that its
 * order is strcasecmp's too). */
static int
by_label(const void *key, const void *item)
{
	return strcasecmp(key, ((const struct charset_label *)item)->label);
}

/* The iconv name for a declared charset label (spaces around it
 * ignored); NULL for UTF-8 (or none), "" for a label browsers do not
 * take (passed over like an unknown one). Past the Encoding Standard's
 * labels, one iconv knows that reads ASCII as ASCII, as a guess better
 * than none; not one for a charset that does not ("utf16", "ucs-4",
 * "utf-7", "ibm037"), since a page that declared it in ASCII, or whose
 * bytes it is, is not in it. http: whether the label is HTTP's, which
 * may say UTF-16 (a <meta> saying so is read as UTF-8) or
 * x-user-defined (which <meta> reads as Windows-1252; no real page is
 * in the private-use encoding HTTP would mean: Windows-1252 too). */
static const char *
iconv_name(const char *label, int http)
{
	const struct charset_label *known;
	const char *name = NULL;

	if (label[0] == '\0')
		goto done;
	known = bsearch(label, charset_labels, sizeof charset_labels / sizeof *charset_labels,
	    sizeof *charset_labels, by_label);
	if (known == NULL)   /* (iconv takes "utf-8;", or ";" for the locale's) */
		name = label[strspn(label, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._:()+-")] == '\0' &&
		    text_ascii_compatible(label) == 1 ? label : "";
	else if (strcmp(known->charset, "x-user-defined") == 0)
		name = "WINDOWS-1252";
	else if (strncmp(known->charset, "UTF-16", 6) == 0)
		name = http ? known->charset : NULL;
	else if (strcmp(known->charset, "UTF-8") != 0)
		name = known->charset;
done:
	return name;
}

/* What a tag's attribute at p (in [p, end)) is, by the Encoding
 * Standard's "get an attribute" (HTML's prescan): its name, lower case,
 * in name[0..*name_len) (cut to fit), its value in *value, *value_len.
 * Returns where the scan goes on, or NULL when the tag has no more
 * attributes (at its '>' or the end). */
static const char *
prescan_attribute(const char *p, const char *end, char *name, size_t name_size, size_t *name_len,
    const char **value, size_t *value_len)
{
	*name_len = 0;
	*value = NULL;
	*value_len = 0;
	while (p < end && (text_is_space(*p) || *p == '/'))
		p++;
	if (p >= end || *p == '>')
		return NULL;
	do {
		if (*name_len < name_size - 1)
			name[(*name_len)++] = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
		p++;
	} while (p < end && *p != '=' && *p != '/' && *p != '>' && !text_is_space(*p));
	name[*name_len] = '\0';
	p = skip_space(p, end);
	if (p >= end || *p != '=')
		return p;   /* no value */
	p = skip_space(p + 1, end);
	if (p < end && (*p == '"' || *p == '\'')) {
		const char *close = memchr(p + 1, *p, (size_t)(end - p - 1));

		if (close == NULL)
			return NULL;
		*value = p + 1;
		*value_len = (size_t)(close - p - 1);
		return close + 1;
	}
	*value = p;
	while (p < end && *p != '>' && !text_is_space(*p))
		p++;
	*value_len = (size_t)(p - *value);
	return p;
}

/* The label a <meta content="...; charset=X"> gives (HTML's "extracting
 * a character encoding from a meta element"), in *label, *len; 0 when
 * it gives none. */
static int
content_charset(const char *s, size_t n, const char **label, size_t *len)
{
	const char *end = s + n, *p = s;

	while (p + 7 <= end) {
		if (strncasecmp(p, "charset", 7) != 0) {
			p++;
			continue;
		}
		p = skip_space(p + 7, end);
		if (p >= end || *p != '=')
			continue;
		p = skip_space(p + 1, end);
		if (p < end && (*p == '"' || *p == '\'')) {
			const char *close = memchr(p + 1, *p, (size_t)(end - p - 1));

			if (close == NULL)
				return 0;
			*label = p + 1;
			*len = (size_t)(close - p - 1);
			return 1;
		}
		*label = p;
		while (p < end && !text_is_space(*p) && *p != ';')
			p++;
		*len = (size_t)(p - *label);
		return *len > 0;
	}
	return 0;
}

/* The charset label a <meta> in the page's first 4 KB declares, read as
 * HTML's prescan reads it (comments skipped, an empty label or one
 * iconv_name passes over ("") taken for none, content's charset only with
 * http-equiv="content-type"), spaces around it stripped; else its XML
 * declaration's. Malloc'd: "" when there is none, NULL when memory runs
 * out. */
static char *
meta_charset(const char *p, size_t n)
{
	const char *end = p + (n < 4096 ? n : 4096), *m = p, *next;
	char *charset = NULL;

	while (charset == NULL && (m = memchr(m, '<', (size_t)(end - m))) != NULL) {
		const char *value, *label = NULL, *close;
		size_t left = (size_t)(end - m), name_len, value_len, label_len = 0;
		char name[16];
		int pragma = 0, need_pragma = -1, seen_charset = 0, seen_content = 0, seen_equiv = 0;

		if (left >= 4 && memcmp(m, "<!--", 4) == 0) {
			close = find(m + 2, end, "-->", NULL);   /* "<!-->" is a whole one */
			m = close != NULL ? close + 3 : end;
			continue;
		}
		if (left >= 6 && strncasecmp(m, "<meta", 5) == 0 && (text_is_space(m[5]) || m[5] == '/')) {
			for (next = m + 5; (next = prescan_attribute(next, end, name, sizeof name, &name_len,
			    &value, &value_len)) != NULL;) {
				if (strcmp(name, "http-equiv") == 0 && !seen_equiv) {
					seen_equiv = 1;
					pragma = value_len == 12 && strncasecmp(value, "content-type", 12) == 0;
				} else if (strcmp(name, "content") == 0 && !seen_content) {
					seen_content = 1;
					if (label == NULL && value != NULL &&
					    content_charset(value, value_len, &label, &label_len))
						need_pragma = 1;
				} else if (strcmp(name, "charset") == 0 && !seen_charset) {
					seen_charset = 1;
					label = value != NULL ? value : "";
					label_len = value_len;
					need_pragma = 0;
				}
				m = next;
			}
			if (label != NULL && need_pragma != -1 && (need_pragma == 0 || pragma)) {
				const char *from = skip_space(label, label + label_len), *to = label + label_len;
				const char *known;

				while (to > from && text_is_space(to[-1]))
					to--;
				if ((charset = strndup(from, (size_t)(to - from))) == NULL)
					goto done;
				/* None, or one iconv_name passes over: on to the next <meta>. */
				if (charset[0] == '\0' || ((known = iconv_name(charset, 0)) != NULL && known[0] == '\0')) {
					free(charset);
					charset = NULL;
				}
			}
			if (m < end)   /* (its last attribute may run to the end) */
				m++;
			continue;
		}
		if (left >= 3 && (m[1] == '/' ? isalpha((unsigned char)m[2]) : isalpha((unsigned char)m[1]))) {
			/* Another tag: its attributes, which may hold a "<meta". */
			m += 2;
			while (m < end && !text_is_space(*m) && *m != '>')
				m++;
			for (next = m; (next = prescan_attribute(next, end, name, sizeof name, &name_len,
			    &value, &value_len)) != NULL;)
				m = next;
			continue;
		}
		if (left >= 2 && (m[1] == '!' || m[1] == '/' || m[1] == '?')) {
			close = memchr(m, '>', left);
			m = close != NULL ? close + 1 : end;
			continue;
		}
		m++;
	}
	if (charset == NULL)
		charset = xml_charset(p, end);
done:
	return charset;
}

/* A page's parts, checked by text_is_clean on the threads at once: a
 * large page's check is a tenth of its parse, on one thread. */
struct checking {
	const char *data;
	size_t cut[POOL_MAX_THREADS + 1];   /* part i is data[cut[i]..cut[i + 1]) */
};

static int
check_job(void *ctx, void *state, size_t i)
{
	const struct checking *c = ctx;

	(void)state;
	return text_is_clean(c->data + c->cut[i], c->cut[i + 1] - c->cut[i]) ? 0 : 1;
}

/* text_is_clean(data, len), on up to threads threads: each part starts at
 * an ASCII byte, so no character (nor a byte-order mark, which only the
 * first part may start with) is cut in two. */
static int
page_is_clean(const char *data, size_t len, unsigned threads)
{
	struct checking c;
	size_t i, n;

	c.data = data;
	n = len < ((size_t)1 << 20) || threads < 2 ? 1 : threads < POOL_MAX_THREADS ? threads : POOL_MAX_THREADS;
	c.cut[0] = 0;
	for (i = 1; i < n; i++) {
		size_t at = len / n * i;

		while (at < len && (unsigned char)data[at] >= 0x80)
			at++;
		c.cut[i] = at > c.cut[i - 1] ? at : c.cut[i - 1];
	}
	c.cut[n] = len;
	return pool_run(&(struct pool_jobs){ n, &c, NULL, NULL, check_job }, (unsigned)n) == 0;
}

/* Makes data valid UTF-8 fit for XML: decodes what a byte-order mark, the
 * HTTP charset or a <meta> declares, as a browser does: a label
 * iconv_name passes over, or whose charset this iconv lacks, is passed
 * over for the next (HTTP, then <meta>, then UTF-8),
 * and line ends become LF. *page points at data itself when it needed
 * nothing, else at clean's contents. */
static int
decode_page(const char *data, size_t len, const char *name, const char *charset, unsigned threads,
    struct buf *clean, const char **page, size_t *page_len, char **err)
{
	const unsigned char *u = (const unsigned char *)data;
	const char *bom = NULL, *from = NULL;
	char *meta = NULL;
	struct buf utf8 = { 0 };
	int rc = 0, i;

	if (len >= 2 && u[0] == 0xFE && u[1] == 0xFF)
		bom = "UTF-16BE";
	else if (len >= 2 && u[0] == 0xFF && u[1] == 0xFE)
		bom = "UTF-16LE";
	if (bom != NULL) {
		data += 2;
		len -= 2;
		rc = text_to_utf8(data, len, bom, &utf8);
		if (rc == -2) {   /* glibc has UTF-16 built in; another libc may not */
			rc = err_set(err, UP_ESOFTWARE, "%s: the page is %s (it starts with a byte-order mark), "
			    "and iconv here cannot convert from it", name, bom);
			goto done;
		}
		if (rc != 0)
			goto nomem;
		from = bom;
	} else if (!(len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF)) {
		if ((meta = meta_charset(data, len)) == NULL)
			goto nomem;
		for (i = 0; i < 2 && from == NULL; i++) {
			const char *label = i == 0 ? (charset != NULL ? charset : "") : meta, *known;

			if (label[0] == '\0')
				continue;
			if ((known = iconv_name(label, i == 0)) == NULL)
				break;   /* UTF-8 */
			if (known[0] == '\0')
				continue;
			rc = text_to_utf8(data, len, known, &utf8);
			if (rc == 0)
				from = known;
			else if (rc != -2)
				goto nomem;
			rc = 0;
		}
	}
	if (from != NULL) {
		data = utf8.data ? utf8.data : "";
		len = utf8.len;
	}
	if (from == NULL && page_is_clean(data, len, threads) && memchr(data, '\r', len) == NULL) {
		*page = data;
		*page_len = len;
		goto done;
	}
	if (text_clean(data, len, clean) != 0)
		goto nomem;
	/* As a browser does before it parses: a page saved with CRLF (or CR)
	 * line ends would else carry each CR into the feeds, as &#13;. */
	if (clean->data != NULL) {
		clean->len = text_newlines(clean->data, clean->len);
		clean->data[clean->len] = '\0';
	}
	*page = clean->data ? clean->data : "";
	*page_len = clean->len;
	goto done;
nomem:
	rc = err_nomem(err);
done:
	buf_free(&utf8);
	free(meta);
	return rc;
}

/* Where the page's head ends: at "</head>", "<body" or the first day's
 * "<h2>", whichever comes first; else at end. What the head says is
 * looked for there only, never in a post: an SVG's <title> is no name, a
 * <base> in a blog's HTML no base for the page. */
static const char *
head_end(const char *p, const char *end)
{
	const char *stops[] = { "</head>", "<body", "<h2>" }, *hit;
	size_t i;

	for (i = 0; i < sizeof stops / sizeof stops[0]; i++)
		if ((hit = find(p, end, stops[i], NULL)) != NULL)
			end = hit;
	return end;
}

/* The time Planet 2.0 says it made the page ("<p>Last update: April 29,
 * 2026 07:43 AM UTC", above the first day's <h2>), or -1. */
static time_t
page_updated(const char *p, const char *end)
{
	static const char lit[] = "Last update:";
	const char *day = find(p, end, "<h2>", NULL), *at, *stop;
	time_t t = -1;

	if (day == NULL || (at = find(p, day, lit, NULL)) == NULL)
		goto done;
	for (at += sizeof lit - 1; at < day && text_is_space(*at); at++)
		;
	for (stop = at; stop < day && *stop != '<' && *stop != '\n'; stop++)
		;
	while (stop > at && text_is_space(stop[-1]))
		stop--;
	if (date_parse_planet(at, (size_t)(stop - at), &t, NULL) != 0)
		t = -1;
done:
	return t;
}

/* The page's <title>; when it has none, the host of its URL, else
 * "Planet": feeds, OPML and the directory page all need a name for it. */
static char *
page_title(const char *p, const char *end, const char *url)
{
	const char *t, *close, *q;
	char *title = NULL;
	struct buf text = { 0 };
	xmlURIPtr uri;

	t = find(p, end, "<title>", NULL);
	if (t != NULL && (close = find(t + 7, limit(t + 7, end), "</title>", NULL)) != NULL) {
		/* A browser reads a title's markup as text ("Planet <Dev>"):
		 * only its character references mean something. */
		for (q = t + 7; q < close; q++)
			if ((*q == '<' ? buf_adds(&text, "&lt;") : buf_addc(&text, *q)) != 0)
				goto done;   /* title NULL: out of memory */
		title = text_close_bidi(html_fragment_text(text.data != NULL ? text.data : "", text.len));
		if (title == NULL || !text_is_blank(title))
			goto done;
		free(title);
	}
	uri = link_host(url);
	title = strdup(uri != NULL ? (const char *)uri->server : "Planet");
	xmlFreeURI(uri);
done:
	buf_free(&text);
	return title;
}

/* The URL the page's links are relative to, in *base: its head's <base
 * href>, resolved against url (HTML's document base URL), when that is an
 * http(s) URL; else NULL, for url. 0, or -1 when memory runs out. */
static int
page_base(const char *p, const char *head, const char *url, char **base)
{
	const char *tag;
	char *href = NULL, *link = NULL;
	int rc = -1;

	*base = NULL;
	/* A head of megabytes is no page's: its first ones are looked at,
	 * which also keeps it within what libxml2 parses (under 2 GiB). */
	if ((size_t)(head - p) > CONTENT_PARSE_MAX)
		head = p + CONTENT_PARSE_MAX;
	for (tag = p; (tag = memchr(tag, '<', (size_t)(head - tag))) != NULL; tag++)
		if ((size_t)(head - tag) > 5 && strncasecmp(tag + 1, "base", 4) == 0)
			break;
	if (tag == NULL) {   /* the usual page: no need to parse its head */
		rc = 0;
		goto done;
	}
	if ((href = html_base_href(p, (size_t)(head - p))) == NULL)
		goto done;
	if (href[0] != '\0') {
		link = web_link(href, url);
		href = NULL;
		if (link == NULL)
			goto done;
		/* web_link gives an IRI; libxml2 resolves against URIs only. */
		if (link[0] != '\0' && (*base = html_escape_url(link)) == NULL)
			goto done;
	}
	rc = 0;
done:
	free(href);
	free(link);
	return rc;
}

int
read_page(const char *data, size_t len, const char *name, const char *url,
    const char *charset, const struct state *known, int slim, unsigned threads, struct page **out, char **err)
{
	struct buf clean = { 0 };
	struct page *page = NULL;
	struct scanner sc = { 0 };
	const char *p = NULL, *start, *end, *head;
	char *base = NULL;
	size_t n = 0;
	int rc;

	*out = NULL;
	if (len == 0) {
		rc = err_set(err, UP_EDATA, "%s: is empty, not a page", name);
		goto done;
	}
	/* A saved page still compressed (curl decompresses what it fetches). */
	if (len >= 2 && (unsigned char)data[0] == 0x1f && (unsigned char)data[1] == 0x8b) {
		rc = err_set(err, UP_EDATA, "%s: is gzip-compressed, not a page: decompress it first (gzip -d)", name);
		goto done;
	}
	page = calloc(1, sizeof *page);
	if (page == NULL) {
		rc = err_nomem(err);
		goto done;
	}
	page->updated = -1;
	rc = decode_page(data, len, name, charset, threads, &clean, &p, &n, err);
	if (rc != 0)
		goto done;
	start = find(p, p + n, "<div id=\"body-main\">", NULL);
	start = start != NULL ? start + 20 : p;
	end = find_last(start, p + n, "<div id=\"left-hand-navigation\"");
	if (end == NULL)
		end = find_last(start, p + n, "</body");
	if (end == NULL)   /* </body> may be left out (a minifier's option) */
		end = find_last(start, p + n, "</html");
	if (end == NULL) {
		end = p + n;
		sc.open_end = 1;
	}
	sc.page = sc.line_at = p;
	sc.end = end;
	/* A date line past end (a post's copy of the sidebar, or of </body>,
	 * ended the list early): end is inside a post, and no note follows. */
	sc.tail = find_last(end, p + n, FOOTER_START) != NULL ? end : last_marker(start, end);
	sc.name = name;
	sc.line = 1;
	/* A page is searched a few times over when framed (once for each
	 * kind of marker); sixteen times leaves room for copies of the
	 * template in posts, not for searches that multiply. */
	sc.work_limit = (size_t)(end - p) < (SIZE_MAX - ((size_t)1 << 20)) / 16 ?
	    16 * (size_t)(end - p) + ((size_t)1 << 20) : SIZE_MAX;
	sc.h2_close.work = sc.h3_close.work = sc.h4_close.work = sc.em_close.work = sc.quote.work = &sc.work;
	sc.h2_close.lit = "</h2>";
	sc.h3_close.lit = "</a></h3>";
	sc.h4_close.lit = "</a></h4>";
	sc.em_close.lit = "</a></em>";
	sc.quote.lit = "\"";
	sc.known = known;
	sc.known_slim = slim;
	sc.digest_seed = page_digest_seed();
	sc.threads = threads;
	head = head_end(p, p + n);
	page->updated = page_updated(p, p + n);
	if ((page->title = page_title(p, head, url)) == NULL ||
	    (url != NULL && (page->link = html_escape_iri(url)) == NULL) || page_base(p, head, url, &base) != 0) {
		rc = err_nomem(err);
		goto done;
	}
	/* Spelt as typed (curl sends "planète/" as UTF-8), the page's URL
	 * is no URI libxml2 resolves against. */
	if (base == NULL && url != NULL && (base = html_escape_url(url)) == NULL) {
		rc = err_nomem(err);
		goto done;
	}
	rc = frame_posts(&sc, start, page, base, err);
done:
	free(base);
	buf_free(&clean);
	xmlHashFree(sc.links, NULL);
	xmlHashFree(sc.dead, NULL);
	xmlHashFree(sc.misses, xmlHashDefaultDeallocator);
	if (rc != 0)
		page_free(page);
	else
		*out = page;
	return rc;
}

void
page_free(struct page *page)
{
	size_t i;

	if (page != NULL) {
		for (i = 0; i < page->n_entries; i++)
			entry_free(&page->entries[i]);
		free(page->entries);
		free(page->title);
		free(page->link);
		free(page);
	}
}
