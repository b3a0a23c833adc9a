/* group.h - stage 3: entries become feeds, one per source.
 *
 * A source is a (name, site link) pair, the name as its slug has it (case
 * and punctuation aside, unless names of one slug and site are sources of
 * their own: group.c's fill_name_keys): two sources with the same name but
 * different sites stay apart. The entries of a run are the page's merged
 * with the archive's (state.h): an entry still on the page keeps the time
 * it was first published (also in a feed new to it, when another feed
 * has it: a renamed source), and its updated time moves to the run's
 * time when its title or content changed; an entry that left the page
 * stays.
 * Each feed lists its newest `keep` entries, newest first, a permalink at
 * most once, and has a slug for its file names; a source seen before keeps
 * its slug. A feed turns into the intermediate XML document every
 * stylesheet reads (xslt/README.md describes it).
 *
 * Settings shape the feeds: [source] rules rename a source, fix its slug,
 * or merge sources given the same slug into one feed; --exclude drops
 * matching entries from every feed; --only limits which sources get author
 * files (all are still archived, and all feed the topics). A topic feed
 * holds the newest `keep` entries of every source that match one of its
 * patterns (title, source name or content text) and none of its
 * exclusions; their authors' archives keep them (whole) for as long as it
 * shows them, past their own `keep`.
 *
 * Ownership: a feed_set borrows the entries of the page and the state it
 * was made from; free it before them. group_page changes those entries
 * in place: it fills in archived entries' text, gives page entries
 * sharing a permalink or lacking one ids of their own, and replaces a
 * page entry's text by its summary, and marks the entries topics show
 * (topic_held). Every document the functions below
 * return belongs to the caller (xmlFreeDoc); NULL when memory runs out.
 */
#ifndef UNPLANET_GROUP_H
#define UNPLANET_GROUP_H

#include <stddef.h>
#include <time.h>

#include <libxml/tree.h>

#include "config.h"
#include "read.h"
#include "state.h"

/* Longest slug, in bytes. */
#define SLUG_MAX 64

/* An entry as one feed shows it, with the times the merge gave it. */
struct member {
	struct entry *entry;     /* borrowed from the page or the archive */
	const char *source_slug; /* the slug of the author feed it belongs to */
	time_t published;
	time_t updated;
	int on_page;             /* the post is on today's page */
	int older_copy;          /* an archive (its feed's, or a renamed
	                            source's old feed's) has an older copy
	                            of the post with its content (or, of a
	                            post gone, one as new) */
	int gone;                /* in feed.gone (merge: its newest archived
	                            copy is slim, and it is off the page) */
};

struct feed {
	const char *kind;        /* "author" or "topic" */
	char *slug;              /* [a-z0-9-]+, unique within kind */
	char *title;             /* what readers show as the feed's name */
	char *description;
	int named;               /* a [source] rule gave title (and... */
	int described;           /* ...description): not to be qualified */
	char *link;              /* the site (or Planet) the feed stands for */
	char *subtitle;          /* the source's own feed title, may be "" */
	struct member *members;  /* newest first: all that merged... */
	size_t n_members;
	size_t n_shown;          /* ...and the first n_shown make the feed */
	struct member *excluded; /* an author feed's entries --exclude hides,
	                            newest first, up to --keep: archived all
	                            the same, so a pattern given by mistake
	                            loses no history */
	size_t n_excluded;
	size_t n_excluded_all;   /* with those past --keep: the archive keeps
	                            those still on the page slim (page_tail),
	                            as it does the members past n_shown */
	struct member *gone;     /* posts past --keep, off the page: archived
	                            slim, never shown, newest first (with
	                            page_tail only); not those a topic shows,
	                            which the archive keeps whole. The newest --keep of them,
	                            so that a post the page shows again (older
	                            posts come back when a Planet drops a
	                            source) keeps its dates; and all that an
	                            older copy with content elsewhere in the
	                            archive (the file of a source a rule
	                            merged away, no longer written) would
	                            bring back, old content and date, when
	                            --keep grows */
	size_t n_gone;
	int page_tail;           /* the archive also keeps the members past
	                            n_shown that are on today's page: while a
	                            post is on the page its published and
	                            updated times must not be lost (topics
	                            show it, and a post the Planet re-dates
	                            must not come back as new). It keeps
	                            them slim: a digest of the content
	                            instead of it, which the page has */
	size_t n_held_whole;     /* of the members past n_shown that topics
	                            show (held for a topic), the archive keeps
	                            the newest n_held_whole whole, the others
	                            slim: all of them (SIZE_MAX) unless the
	                            archive would pass its limit (feed_record) */
	int hidden;              /* archived, but --only writes no files for it */
	int archived;            /* an author feed the archive holds */
	time_t empty_updated;    /* its updated time when it shows no entry:
	                            an author feed's newest hidden entry's, a
	                            topic's last (state.xml), else the set's
	                            newest; so that it moves only when the
	                            feed changes */
	time_t last_updated;     /* the updated time its files were last
	                            written with (its archive's, a topic's in
	                            state.xml), or -1, or when that is ahead of
	                            the clock: its updated never goes back
	                            before it (an edited entry past --keep
	                            gone, its feed still changed) */
};

struct feed_set {
	struct feed *feeds;      /* authors then topics, each by slug */
	size_t n_feeds;
	const struct page *page;
	size_t page_entries;     /* the entries of the page the author feeds
	                            hold: a post the page shows twice in one
	                            feed is one */
	size_t match_failures;   /* pattern matches that gave up... */
	const struct pattern *gave_up;  /* ...the first pattern that did */
	struct unmatched_rule {
		const struct source_rule *rule;  /* a [source] rule no source
		                            on the page or in the archive matches
		                            (a typo, most likely)... */
		const struct source_rule *shadow;  /* ...and an earlier rule
		                            that takes the sources it would, or
		                            NULL; else what it may have meant: */
		const char *link_seen;   /* the site link of a source of its
		                            name, when only the link differs */
		const char *name_seen;   /* a source name with the same slug
		                            ("PyCoder’s Weekly" for "pycoder's
		                            weekly"), when no name is the same */
	} *unmatched;            /* in the order of the file; its strings
	                            are the entries' */
	size_t n_unmatched;
	int out_of_memory;       /* a pattern match ran out of memory */
	time_t newest;           /* the newest updated time of any entry a
	                            feed shows, else of any on the page: the
	                            date of a feed that has no entries */
	char *id_name;           /* the Planet's name in feed ids without a
	                            base URL: the state's, else its title's
	                            slug (see feed_id) */
};

struct group_options {
	const char *base_url;    /* where the output folder is served, or NULL */
	size_t keep;             /* entries per feed; 0 keeps all */
	time_t now;              /* the run's time, for updated entries */
	const struct settings *settings;  /* topics, filters, rules; may be NULL */
	int page_older;          /* the page is older than one read before
	                            (a stale copy read under new settings):
	                            what the archive holds whole of a post is
	                            newer than what the page shows of it */
};

/* archive may be NULL (no history). */
int group_page(struct page *page, struct state *archive,
    const struct group_options *opt, struct feed_set **out, char **err);

/* The intermediate document of feed i; NULL when memory runs out. */
xmlDocPtr feed_document(const struct feed_set *set, size_t i, const struct group_options *opt);

/* For each feed i of set, in (*from)[i] (malloc'd, the caller frees it),
 * the archived author feed (an index into set->feeds) that it, an author
 * feed new to the archive, most likely continues, else set->n_feeds: one
 * of the same site whose source left the page under another name although
 * the page still reaches back to its last post; else one of the same name
 * that left it at another site. The Planet renamed (or moved) the source,
 * most likely, and shows its posts under the new name (or site); its
 * subscribers are left on the old feed. Returns 0, or -1 when memory runs
 * out. */
int feeds_renamed_from(const struct feed_set *set, size_t **from);

/* A document's XML as the archive and cache files hold it (UTF-8,
 * indented), to free(); NULL when memory runs out. */
char *group_document_bytes(xmlDocPtr doc, size_t *len);

/* Feed i's document, in *doc (to free with xmlFreeDoc), and the bytes of
 * its record, to free(): an author feed's archive (its document with the
 * entries --exclude hides put back, and its entries past --keep that are
 * still on the page, slim, with the date the page gives an entry when it
 * is not its published one, so a re-dated post is known by it) or a
 * topic's cached document.
 * An archive over max bytes, which the next run could not read back,
 * keeps fewer entries until it fits (first none past --keep, then half of
 * those past it that topics show, again and again, then half of those it
 * shows and of those --exclude hides; the feed's n_shown and
 * feed_held_whole say how many are left): then *shrunk is nonzero. NULL
 * (and *doc NULL or to be freed) when memory runs out. */
char *feed_record(struct feed_set *set, size_t i, const struct group_options *opt, size_t max, xmlDocPtr *doc,
    size_t *len, int *shrunk);
/* Whether a feed shows (or an archive would keep whole) a post read_page
 * took slim from the archive, with no content: the page must then be read
 * again without taking those (main.c). */
int feed_set_lacks_content(const struct feed_set *set);

/* How many of author feed f's members past n_shown its archive keeps whole
 * because a topic shows them. */
size_t feed_held_whole(const struct feed *f);

/* The updated time of feed f's document: its newest entry's, else its
 * empty_updated, but never before its last_updated. */
time_t feed_updated(const struct feed *f);

/* An output format, as the directory page lists it. */
struct format_info {
	const char *name;        /* "atom": the files' extension */
	const char *media_type;  /* "application/atom+xml", or NULL */
};

/* The directory document: every feed with files, for index.html and the
 * OPML lists (xslt/README.md). last holds the last run's list
 * (state_load_listed), or is NULL: its updated time moves on when the
 * feeds listed change. */
xmlDocPtr directory_document(const struct feed_set *set, const struct group_options *opt,
    const struct format_info *formats, size_t n_formats, const struct state *last);

/* All feeds with files in one document (<unplanet> around each <feed>),
 * for --dump: those --only leaves out are not in it. */
xmlDocPtr feed_set_document(const struct feed_set *set, const struct group_options *opt);

void feed_set_free(struct feed_set *set);

#endif
