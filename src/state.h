/* state.h - what a run leaves in DIR/.unplanet/ for the next one.
 *
 *   .unplanet/state.xml         the page's URL and its HTTP validators
 *                               (ETag, Last-Modified), for conditional GETs,
 *                               the Planet's name in feed ids (kept from
 *                               the first run), the newest "Last update:"
 *                               time read on its page, and each topic's slug
 *                               (and its feed's updated time), which it keeps, also
 *                               after the topic is gone, for as long as its
 *                               cache/topics/SLUG.xml is there
 *   .unplanet/archive/SLUG.xml  one feed document per source, in the
 *                               intermediate vocabulary (xslt/README.md):
 *                               its entries, kept after they leave the page,
 *                               with the page digest (read.h) of each held
 *                               whole, so that a post unchanged on the
 *                               page is not read again
 *   .unplanet/cache/...         the last topic and directory documents, so
 *                               an unchanged one needs no transforming (and
 *                               the directory's says which files the last
 *                               run wrote for readers)
 *
 * State and archive are parsed with no network, no DTD and no entity
 * expansion (a DOCTYPE is refused before parsing); a file that does not
 * parse, or is not what unplanet wrote, is an error naming it (UP_EDATA)
 * and is never silently replaced. Limits: STATE_FILE_MAX bytes per file;
 * libxml2's own 256 levels of nesting and 10 MB per text node (read.h
 * keeps a post's content under that). The files themselves are written
 * through the publication (publish.h), so they change atomically.
 *
 * Ownership: a state owns everything it points to; state_free releases it.
 */
#ifndef UNPLANET_STATE_H
#define UNPLANET_STATE_H

#include <stddef.h>
#include <time.h>

#include <libxml/hash.h>

#include "read.h"

#define STATE_DIR ".unplanet"
#define STATE_FILE ".unplanet/state.xml"
#define ARCHIVE_DIR ".unplanet/archive"
#define CACHE_DIR ".unplanet/cache"
#define DIRECTORY_FILE ".unplanet/cache/directory.xml"

/* Largest state or archive file read, in bytes. The tests also build
 * with a 1 MiB one (tests/unplanet-small) to reach it with small pages. */
#ifndef STATE_FILE_MAX
#define STATE_FILE_MAX (256u << 20)
#endif

/* One source's archived feed. Its entries carry their own source name and
 * link (the source's identity) and their published/updated times. */
struct archived_feed {
	char *path;              /* for messages */
	char *kind;              /* "author" */
	char *slug;
	struct entry *entries;
	size_t n_entries;
	char *planet;            /* the Planet's name in its feed id, or NULL
	                            (for a state.xml moved away) */
	time_t updated;          /* the feed's updated time, or -1 */
	int last_run;            /* state.xml says an author feed was written
	                            under this slug last run */
};

/* A topic's slug, kept from run to run as an author feed's is (by its
 * archive file's name). */
struct state_topic {
	char *name;
	char *slug;
	time_t updated;          /* its feed's updated time, or -1: what an
	                            empty one keeps, so that it changes only
	                            when it does */
};

struct state {
	char *url;               /* the page the validators belong to */
	char *etag;
	char *last_modified;
	char *fingerprint;       /* the fingerprint of the settings (and
	                            stylesheets) the outputs were made
	                            under, or NULL */
	char *settings;          /* the fingerprint of the settings the
	                            validators were stored under, or NULL */
	char *planet;            /* the Planet's name in feed ids (a slug),
	                            kept from the first run, or NULL */
	time_t page_updated;     /* the newest page's "Last update:" time
	                            read so far, or -1 */
	struct archived_feed *feeds;
	size_t n_feeds;
	struct state_topic *topics;
	size_t n_topics;
	char **authors;          /* the author feeds' slugs of the last run,
	                            sorted (strcmp) */
	size_t n_authors;
	xmlHashTablePtr bodies;  /* see state_find_body; NULL if none */
	char **listed;           /* the path of each feed the last directory
	                            document lists ("authors/pypy"), in its
	                            order (state_load_listed) */
	size_t n_listed;
	time_t listed_updated;   /* that document's updated time, or -1 */
};

/* Reads the state.xml and topic records of the folder open as dirfd (the
 * locked one: publish_dirfd), not its archive (state_load_archive); a
 * folder without them gives an empty state. dir names the folder in
 * messages. */
int state_load(int dirfd, const char *dir, struct state **out, char **err);

/* Reads DIR/.unplanet/archive/ into state (its feeds, and the Planet's
 * name when state.xml gave none), DIR being open as dirfd and named dir.
 * Separate from state_load so that a run answered 304 Not Modified parses
 * no archive. */
int state_load_archive(int dirfd, const char *dir, struct state *state, char **err);

/* Reads into state the feeds DIR/.unplanet/cache/directory.xml lists:
 * with the site pages, theirs are the files the last run left for
 * readers, so that a run about to ask for the page conditionally can
 * tell whether one went missing since (a 304 would keep it missing). A
 * document that is not there, or not as unplanet writes it, is an error
 * naming it (UP_EDATA). Called again, it reads the list again. Its
 * updated time goes to listed_updated (-1 without one). */
int state_load_listed(int dirfd, const char *dir, struct state *state, char **err);

/* An archived entry whose content and summary were made from a post with
 * post's link and source (name and site) and this page digest (read.h),
 * on a page read before: what reading the post again would give; or,
 * when none is whole, one kept slim (no content nor summary, past
 * --keep), whose digest is that of the content reading gives. NULL when
 * there is none (or no archive was read). Borrowed from the state. */
const struct entry *state_find_body(const struct state *state, const struct entry *post,
    unsigned long long page_digest);

/* state.xml's bytes for the given validators, the fingerprint of the
 * settings they were fetched under, that of the settings the outputs were
 * made under (each may be NULL), the Planet's name in feed ids, its
 * page's "Last update:" time (-1: none), the topics' slugs and the author
 * feeds' slugs; *data is to free() (libxml2's, malloc'd: see main.c). */
int state_serialize(const char *url, const char *etag, const char *last_modified,
    const char *settings, const char *fingerprint, const char *planet, time_t page_updated,
    const struct state_topic *topics, size_t n_topics, const char *const *authors, size_t n_authors,
    char **data, size_t *len, char **err);

void state_free(struct state *state);

#endif
