/* read.h - stage 2: a Planet page becomes a list of entries.
 *
 * The page is what Planet 2.0's index.html template writes (Planet Python,
 * Planet GNOME...): inside <div id="body-main"> a flat run of posts, each
 *   [<h2>DAY</h2>] [<hr /><h3 class="post"><a href title>SOURCE</a></h3>]
 *   [<h4><a href="LINK">TITLE</a></h4>] <p> BODY </p>
 *   <p> <em><a href="LINK">[by CREATOR at ]DATE</a></em> </p>
 * BODY is raw blog HTML and may hold any of those tags itself. The reader
 * frames posts on the page's bytes, trusting only the template's own
 * markup: a footer ends a post only when it is followed by the next post's
 * frame or by the end of the list (and, for a titled post, links where its
 * <h4> links). Each body is then parsed on its own by libxml2, so no markup
 * inside one post can split it, merge it with another, or swallow others.
 */
#ifndef UNPLANET_READ_H
#define UNPLANET_READ_H

#include <stddef.h>
#include <time.h>

/* One post. Every string is UTF-8 holding only characters XML allows. */
struct entry {
	char *source_name;   /* visible text of the channel header */
	char *source_link;   /* the header's href, references decoded; http(s)
	                        or "", as for link */
	char *source_title;  /* the header's title attribute (the feed's title) */
	char *title;         /* visible text, double escaping undone; "" if none */
	char *link;          /* permalink as on the page, references decoded; an
	                        http(s) URL or "" (another scheme is dropped, a
	                        relative one resolved against the page's URL or
	                        its head's <base href>, else the source's site) */
	char *id;            /* the permalink; for a post without one, a URN
	                        made from its source, title and date
	                        (ENTRY_MADE_UP_ID...; group.c tells apart
	                        different posts that share one) */
	char *creator;       /* X of "by X at DATE", or NULL */
	char *content;       /* the body as HTML, relative links made absolute;
	                        NULL for an archived entry kept without it
	                        (group.h: past --keep, on the page), and for
	                        a post read_page took from such an entry... */
	unsigned long long digest;  /* ...which keeps text_hash of it instead */
	unsigned long long page_digest;  /* a hash of the post's HTML as the
	                        page gave it, the URL its links were made
	                        absolute against, and the reader's version
	                        and sources: the same one gives the same
	                        content and summary (state_find_body); 0 when unknown or
	                        for a post cut short (or too long) */
	char *text;          /* visible text of the body; NULL for an entry read
	                        back from the archive, or taken from it
	                        (read_page's known), until group.c needs it */
	char *match_text;    /* text as patterns see it (text_match_form), when
	                        that is not text itself; made by group.c when
	                        a pattern first needs it (match_text_made) */
	int match_text_made;
	char *summary;       /* as archived; NULL for an entry from the page
	                        (group.c makes it from text, then drops text)
	                        but one taken from the archive */
	time_t published;    /* an archived entry's: when first seen */
	time_t updated;      /* when its title or content last changed */
	time_t shown;        /* the date the page gave it (an archived
	                        entry's: when last on the page), by which
	                        group.c knows it again */
	size_t line;         /* line of the post's date on the page, or 0 */
	int topic_held;      /* a topic feed shows it: its author feed's
	                        archive keeps it whole past --keep (group.c) */
	char *source_key;    /* what tells its source's name from others:
	                        group.c fills it in (name_key); NULL before */
	char *link_key;      /* what tells its permalink from others: the URI
	                        feeds write for it (html_iri_to_uri), as the
	                        formats that take URIs only (RSS's guid) show
	                        it; group.c fills it in (entry_link); NULL
	                        before, for a post without one, and when it is
	                        link itself */
	int long_text;       /* content is the note for a post too long to
	                        copy: text (at most CONTENT_MAX bytes of it)
	                        is kept, and archived, for patterns to match
	                        as they did on the page */
};

/* Largest post content kept, in bytes of HTML. A longer post keeps a note
 * pointing to its permalink instead: libxml2 will not read an XML text
 * node over 10 MB back from the archive, and escaped for XML the content
 * can grow fourfold. */
#define CONTENT_MAX (2u << 20)
/* A post's HTML over this is not even parsed: the same note stands for
 * it, and its text is its first CONTENT_MAX bytes' (no sanitizing brings
 * that much HTML down to CONTENT_MAX in practice). */
#define CONTENT_PARSE_MAX ((size_t)32 * CONTENT_MAX)

/* How the id of a post without a usable permalink starts. */
#define ENTRY_MADE_UP_ID "urn:unplanet:entry:"

/* A page read into entries; owns everything it points to. */
struct page {
	char *title;            /* the page's <title>, e.g. "Planet Python";
	                           if empty, its URL's host, else "Planet" */
	char *link;             /* the page's URL when known, else NULL */
	time_t updated;         /* its "Last update:" time, or -1 */
	struct entry *entries;  /* in page order, newest first */
	size_t n_entries;
	size_t n_cut;           /* posts cut by the limits of html.h or CONTENT_MAX... */
	size_t first_cut_line;  /* ...the first of them on this line */
};

struct state;

/* Reads page bytes data[0..len). name names the input in messages (a URL,
 * a path or "<stdin>"); url is the page's address for resolving relative
 * links (a <base href> in the page's head is resolved against it, and
 * wins, as in a browser), or NULL; charset is the HTTP Content-Type charset, or NULL. The
 * bytes may be in any encoding a byte-order mark, the charset or a <meta>
 * declares; they are read as UTF-8 otherwise, invalid bytes replaced.
 * known, when not NULL, is the archive of an earlier run (state.h): a post
 * whose HTML and base URL are what its archived copy's page digest says
 * takes that copy's content and summary (and no text: group.c makes it
 * from the content if a pattern needs it) instead of being parsed again;
 * with slim, also a titled one whose copy is slim (past --keep): it then
 * has no content, only the digest of it, and no feed may show it
 * (feed_set_lacks_content).
 * threads (1 or more) parse the posts' HTML, each post on one of them:
 * the page read is the same whatever their number (pool.h).
 * On success *out is a page the caller frees with page_free. A page with no
 * recognisable posts is an error (UP_EDATA). */
int read_page(const char *data, size_t len, const char *name, const char *url,
    const char *charset, const struct state *known, int slim, unsigned threads, struct page **out, char **err);

void page_free(struct page *page);

/* Frees what one entry points to (not the entry itself). */
void entry_free(struct entry *e);

/* Gives an entry read back from an archive what read_page gives a post
 * now, so an archive an earlier version wrote keeps matching the page: a
 * name for a source whose header shows none (or only blank characters),
 * no creator for a blank one, links cleaned as web links
 * are (trimmed, what an IRI may not hold percent-encoded), and the id of
 * an entry identified by its link following it. 0, or -1 when memory runs
 * out. */
int entry_settle(struct entry *e);

#endif
