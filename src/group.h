/* group.h - stage 3: entries become feeds, one per source.
 *
 * A source is a (name, site link) pair: two sources with the same name but
 * different sites stay apart. Each feed lists its entries newest first, a
 * permalink at most once, and has a slug for its file names. A feed turns
 * into the intermediate XML document every stylesheet reads
 * (xslt/README.md describes it).
 *
 * Ownership: a feed_set borrows the entries of the page it was made from;
 * free the feed_set before the page. Documents from feed_document belong to
 * the caller (xmlFreeDoc).
 */
#ifndef UNPLANET_GROUP_H
#define UNPLANET_GROUP_H

#include <stddef.h>

#include <libxml/tree.h>

#include "read.h"

/* Longest slug, in bytes. */
#define SLUG_MAX 64

struct feed {
	const char *kind;        /* "author" */
	char *slug;              /* [a-z0-9-]+, unique within kind */
	char *title;             /* what readers show as the feed's name */
	char *description;
	char *link;              /* the site the feed stands for */
	char *subtitle;          /* the source's own feed title, may be "" */
	const struct entry **entries;  /* newest first, borrowed from the page */
	size_t n_entries;
};

struct feed_set {
	struct feed *feeds;      /* ordered by kind, then slug */
	size_t n_feeds;
	const struct page *page;
};

struct group_options {
	const char *base_url;    /* where the output folder is served, or NULL */
};

int group_page(const struct page *page, const struct group_options *opt,
    struct feed_set **out, char **err);

/* The intermediate document of feed i; NULL when memory runs out. */
xmlDocPtr feed_document(const struct feed_set *set, size_t i, const struct group_options *opt);

/* All feeds in one document (<unplanet> around each <feed>), for --dump. */
xmlDocPtr feed_set_document(const struct feed_set *set, const struct group_options *opt);

void feed_set_free(struct feed_set *set);

#endif
