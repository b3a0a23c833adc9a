/* group.c - sources, slugs and the intermediate document (see group.h). */
#include <stdlib.h>
#include <string.h>

#include <libxml/uri.h>

#include "buf.h"
#include "date.h"
#include "err.h"
#include "group.h"
#include "text.h"

#ifndef VERSION
#define VERSION "0"
#endif

/* A summary is the start of the post's text, this long at most. */
#define SUMMARY_MAX 300
/* An untitled post is shown under the start of its text, this long. */
#define UNTITLED_MAX 80

static int
by_source(const void *a, const void *b)
{
	const struct entry *x = *(const struct entry *const *)a, *y = *(const struct entry *const *)b;
	int c = strcmp(x->source_name, y->source_name);

	if (c == 0)
		c = strcmp(x->source_link, y->source_link);
	if (c == 0)
		c = x < y ? -1 : x > y;
	return c;
}

static int
by_link(const void *a, const void *b)
{
	const struct entry *x = *(const struct entry *const *)a, *y = *(const struct entry *const *)b;
	int c = strcmp(x->link, y->link);

	return c != 0 ? c : (x < y ? -1 : x > y);
}

/* Newest first; the page's order among equal times. */
static int
by_date(const void *a, const void *b)
{
	const struct entry *x = *(const struct entry *const *)a, *y = *(const struct entry *const *)b;

	if (x->published != y->published)
		return x->published > y->published ? -1 : 1;
	return x < y ? -1 : x > y;
}

/* Sorts a feed's entries newest first, keeping the first (newest on the
 * page) of entries that share a permalink. */
static void
order_entries(const struct entry **e, size_t *n)
{
	size_t i, kept = 0;

	qsort(e, *n, sizeof *e, by_link);
	for (i = 0; i < *n; i++)
		if (kept == 0 || e[i]->link[0] == '\0' || strcmp(e[kept - 1]->link, e[i]->link) != 0)
			e[kept++] = e[i];
	*n = kept;
	qsort(e, *n, sizeof *e, by_date);
}

/* The slug of a source's site host ("www.djangoproject.com" ->
 * "djangoproject-com"), for telling same-named sources apart. */
static char *
host_slug(const char *link)
{
	xmlURIPtr uri = xmlParseURI(link);
	const char *host = uri != NULL && uri->server != NULL ? uri->server : "";
	char *slug;

	if (strncmp(host, "www.", 4) == 0)
		host += 4;
	slug = text_slug(host, SLUG_MAX / 4);
	xmlFreeURI(uri);
	return slug;
}

static int
by_slug(const void *a, const void *b)
{
	const struct feed *x = a, *y = b;
	int c = strcmp(x->slug, y->slug);

	return c != 0 ? c : strcmp(x->link, y->link);
}

static int
slug_taken(const struct feed *feeds, size_t n, size_t self, const char *slug)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (i != self && strcmp(feeds[i].slug, slug) == 0)
			return 1;
	return 0;
}

/* Gives every feed a unique slug. The name's slug wins when it is free;
 * among sources sharing a name, the one whose link sorts first keeps it and
 * the others add their host, then a number. The result depends only on the
 * set of sources, not on their order on the page. */
static int
assign_slugs(struct feed *feeds, size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		char *s = text_slug(feeds[i].title, SLUG_MAX - 24);

		if (s != NULL && s[0] == '\0') {
			free(s);
			s = host_slug(feeds[i].link);
		}
		if (s != NULL && s[0] == '\0') {
			free(s);
			s = strdup("source");
		}
		if (s == NULL)
			return -1;
		feeds[i].slug = s;
	}
	qsort(feeds, n, sizeof *feeds, by_slug);
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && strcmp(feeds[j].slug, feeds[i].slug) == 0; j++)
			;
		for (size_t k = i + 1; k < j; k++) {
			struct buf b = { 0 };
			char *host = host_slug(feeds[k].link);
			unsigned number;

			if (host == NULL || buf_adds(&b, feeds[k].slug) != 0 ||
			    (host[0] != '\0' && (buf_addc(&b, '-') != 0 || buf_adds(&b, host) != 0))) {
				free(host);
				buf_free(&b);
				return -1;
			}
			free(host);
			for (number = 2; slug_taken(feeds, n, k, b.data); number++) {
				char suffix[24];
				size_t stem = b.len;

				snprintf(suffix, sizeof suffix, "-%u", number);
				if (buf_adds(&b, suffix) != 0) {
					buf_free(&b);
					return -1;
				}
				if (!slug_taken(feeds, n, k, b.data))
					break;
				b.len = stem;
				b.data[stem] = '\0';
			}
			free(feeds[k].slug);
			feeds[k].slug = buf_take(&b);
			if (feeds[k].slug == NULL)
				return -1;
		}
	}
	qsort(feeds, n, sizeof *feeds, by_slug);
	return 0;
}

static char *
join3(const char *a, const char *b, const char *c)
{
	struct buf out = { 0 };

	if (buf_adds(&out, a) != 0 || buf_adds(&out, b) != 0 || buf_adds(&out, c) != 0) {
		buf_free(&out);
		return NULL;
	}
	return buf_take(&out);
}

static int
make_feed(struct feed *f, const struct page *page, const struct entry **entries, size_t n)
{
	const struct entry *first = entries[0];
	const char *planet = page->title[0] != '\0' ? page->title : "the Planet";

	f->kind = "author";
	f->entries = entries;
	f->n_entries = n;
	order_entries(f->entries, &f->n_entries);
	f->title = strdup(first->source_name[0] != '\0' ? first->source_name :
	    first->source_title[0] != '\0' ? first->source_title : first->source_link);
	f->link = strdup(first->source_link);
	f->subtitle = strdup(first->source_title);
	f->description = join3(f->title != NULL ? f->title : "", " on ", planet);
	return f->title != NULL && f->link != NULL && f->subtitle != NULL &&
	    f->description != NULL ? 0 : -1;
}

int
group_page(const struct page *page, const struct group_options *opt,
    struct feed_set **out, char **err)
{
	struct feed_set *set;
	const struct entry **all = NULL;
	size_t i, j, n = page->n_entries;
	int rc = UP_OK;

	(void)opt;
	*out = NULL;
	set = calloc(1, sizeof *set);
	all = calloc(n ? n : 1, sizeof *all);
	if (set == NULL || all == NULL)
		goto nomem;
	set->page = page;
	for (i = 0; i < n; i++)
		all[i] = &page->entries[i];
	qsort(all, n, sizeof *all, by_source);
	set->feeds = calloc(n ? n : 1, sizeof *set->feeds);
	if (set->feeds == NULL)
		goto nomem;
	for (i = 0; i < n; i = j) {
		const struct entry **mine;

		for (j = i + 1; j < n && strcmp(all[j]->source_name, all[i]->source_name) == 0 &&
		    strcmp(all[j]->source_link, all[i]->source_link) == 0; j++)
			;
		mine = malloc((j - i) * sizeof *mine);
		if (mine == NULL)
			goto nomem;
		memcpy(mine, all + i, (j - i) * sizeof *mine);
		if (make_feed(&set->feeds[set->n_feeds++], page, mine, j - i) != 0)
			goto nomem;
	}
	if (assign_slugs(set->feeds, set->n_feeds) != 0)
		goto nomem;
	goto done;
nomem:
	rc = err_nomem(err);
done:
	free(all);
	if (rc != UP_OK) {
		feed_set_free(set);
		return rc;
	}
	*out = set;
	return rc;
}

/* The feed's address without its extension: absolute under base_url, or
 * relative to the feed file itself. */
static char *
feed_url(const struct feed *f, const char *base_url)
{
	struct buf out = { 0 };

	if (base_url != NULL && base_url[0] != '\0') {
		if (buf_adds(&out, base_url) != 0 ||
		    (base_url[strlen(base_url) - 1] != '/' && buf_addc(&out, '/') != 0) ||
		    buf_adds(&out, f->kind) != 0 || buf_adds(&out, "s/") != 0)
			goto fail;
	}
	if (buf_adds(&out, f->slug) != 0)
		goto fail;
	return buf_take(&out);
fail:
	buf_free(&out);
	return NULL;
}

/* A feed id that stays the same wherever the folder is served: its URL when
 * a base URL is known, else a URN naming the Planet, kind and slug. */
static char *
feed_id(const struct feed *f, const struct page *page, const char *url, const char *base_url)
{
	struct buf out = { 0 };
	char *planet;

	if (base_url != NULL && base_url[0] != '\0')
		return strdup(url);
	planet = text_slug(page->title, SLUG_MAX);
	if (planet == NULL)
		return NULL;
	if (buf_adds(&out, "urn:unplanet:") != 0 || buf_adds(&out, planet[0] ? planet : "planet") != 0 ||
	    buf_addc(&out, ':') != 0 || buf_adds(&out, f->kind) != 0 || buf_addc(&out, ':') != 0 ||
	    buf_adds(&out, f->slug) != 0) {
		buf_free(&out);
		free(planet);
		return NULL;
	}
	free(planet);
	return buf_take(&out);
}

/* The first max bytes of text, cut after a whole word where possible and
 * never inside a UTF-8 sequence, with "…" when something was cut. */
static char *
excerpt(const char *text, size_t max)
{
	size_t n = strlen(text), cut;
	struct buf out = { 0 };

	if (n <= max)
		return strdup(text);
	cut = max;
	while (cut > 0 && ((unsigned char)text[cut] & 0xC0) == 0x80)
		cut--;
	for (size_t i = cut; i > max / 2; i--) {
		if (text[i] == ' ') {
			cut = i;
			break;
		}
	}
	if (buf_add(&out, text, cut) != 0 || buf_adds(&out, "\xe2\x80\xa6") != 0) {
		buf_free(&out);
		return NULL;
	}
	return buf_take(&out);
}

static xmlNodePtr
add_text(xmlNodePtr parent, const char *name, const char *value)
{
	return xmlNewTextChild(parent, NULL, (const xmlChar *)name, (const xmlChar *)value);
}

static xmlNodePtr
add_date(xmlNodePtr parent, const char *name, time_t t)
{
	char rfc3339[DATE_MAX], rfc822[DATE_MAX];
	xmlNodePtr n;

	date_rfc3339(t, rfc3339);
	date_rfc822(t, rfc822);
	n = add_text(parent, name, rfc3339);
	if (n != NULL && xmlNewProp(n, (const xmlChar *)"rfc822", (const xmlChar *)rfc822) == NULL)
		return NULL;
	return n;
}

static int
add_entry(xmlNodePtr feed, const struct entry *e, const char *source_slug)
{
	xmlNodePtr n, src;
	char *summary = NULL, *untitled = NULL;
	int ok;

	n = xmlNewChild(feed, NULL, (const xmlChar *)"entry", NULL);
	if (n == NULL)
		return -1;
	summary = excerpt(e->text, SUMMARY_MAX);
	if (e->title[0] == '\0')
		untitled = excerpt(e->text, UNTITLED_MAX);
	ok = summary != NULL && (e->title[0] != '\0' || untitled != NULL) &&
	    add_text(n, "id", e->link) != NULL;
	if (ok && e->title[0] == '\0') {
		xmlNodePtr t = add_text(n, "title", untitled);

		ok = t != NULL && xmlNewProp(t, (const xmlChar *)"untitled", (const xmlChar *)"yes") != NULL;
	} else if (ok) {
		ok = add_text(n, "title", e->title) != NULL;
	}
	ok = ok && add_text(n, "link", e->link) != NULL &&
	    add_date(n, "published", e->published) != NULL &&
	    add_date(n, "updated", e->published) != NULL &&
	    add_text(n, "author", e->creator != NULL ? e->creator : e->source_name) != NULL &&
	    (e->creator == NULL || add_text(n, "creator", e->creator) != NULL);
	if (ok) {
		src = xmlNewChild(n, NULL, (const xmlChar *)"source", NULL);
		ok = src != NULL &&
		    xmlNewProp(src, (const xmlChar *)"slug", (const xmlChar *)source_slug) != NULL &&
		    add_text(src, "name", e->source_name) != NULL &&
		    add_text(src, "link", e->source_link) != NULL &&
		    add_text(src, "title", e->source_title) != NULL;
	}
	ok = ok && add_text(n, "content", e->content) != NULL &&
	    add_text(n, "summary", summary) != NULL;
	free(summary);
	free(untitled);
	return ok ? 0 : -1;
}

/* Builds <feed> for set->feeds[i] under parent (or as the root of doc). */
static xmlNodePtr
build_feed(xmlDocPtr doc, xmlNodePtr parent, const struct feed_set *set, size_t i,
    const struct group_options *opt)
{
	const struct feed *f = &set->feeds[i];
	const char *base_url = opt != NULL ? opt->base_url : NULL;
	xmlNodePtr root, planet, gen;
	char *url = NULL, *id = NULL;
	size_t k;
	int ok;

	root = xmlNewDocNode(doc, NULL, (const xmlChar *)"feed", NULL);
	if (root == NULL)
		return NULL;
	if (parent != NULL)
		xmlAddChild(parent, root);
	else
		xmlDocSetRootElement(doc, root);
	url = feed_url(f, base_url);
	id = url != NULL ? feed_id(f, set->page, url, base_url) : NULL;
	ok = id != NULL &&
	    xmlNewProp(root, (const xmlChar *)"version", (const xmlChar *)"1") != NULL &&
	    xmlNewProp(root, (const xmlChar *)"kind", (const xmlChar *)f->kind) != NULL &&
	    xmlNewProp(root, (const xmlChar *)"slug", (const xmlChar *)f->slug) != NULL &&
	    add_text(root, "id", id) != NULL &&
	    add_text(root, "title", f->title) != NULL &&
	    add_text(root, "subtitle", f->subtitle) != NULL &&
	    add_text(root, "description", f->description) != NULL &&
	    add_text(root, "link", f->link) != NULL &&
	    add_text(root, "url", url) != NULL &&
	    add_date(root, "updated", f->n_entries > 0 ? f->entries[0]->published : 0) != NULL;
	if (ok) {
		planet = xmlNewChild(root, NULL, (const xmlChar *)"planet", NULL);
		ok = planet != NULL && add_text(planet, "title", set->page->title) != NULL &&
		    add_text(planet, "link", set->page->link != NULL ? set->page->link : "") != NULL;
	}
	if (ok) {
		gen = add_text(root, "generator", "unplanet");
		ok = gen != NULL &&
		    xmlNewProp(gen, (const xmlChar *)"version", (const xmlChar *)VERSION) != NULL;
	}
	for (k = 0; ok && k < f->n_entries; k++)
		ok = add_entry(root, f->entries[k], f->slug) == 0;
	free(url);
	free(id);
	return ok ? root : NULL;
}

xmlDocPtr
feed_document(const struct feed_set *set, size_t i, const struct group_options *opt)
{
	xmlDocPtr doc = xmlNewDoc((const xmlChar *)"1.0");

	if (doc == NULL)
		return NULL;
	if (build_feed(doc, NULL, set, i, opt) == NULL) {
		xmlFreeDoc(doc);
		return NULL;
	}
	return doc;
}

xmlDocPtr
feed_set_document(const struct feed_set *set, const struct group_options *opt)
{
	xmlDocPtr doc = xmlNewDoc((const xmlChar *)"1.0");
	xmlNodePtr root;
	size_t i;

	if (doc == NULL)
		return NULL;
	root = xmlNewDocNode(doc, NULL, (const xmlChar *)"unplanet", NULL);
	if (root == NULL) {
		xmlFreeDoc(doc);
		return NULL;
	}
	xmlDocSetRootElement(doc, root);
	xmlNewProp(root, (const xmlChar *)"version", (const xmlChar *)"1");
	for (i = 0; i < set->n_feeds; i++) {
		if (build_feed(doc, root, set, i, opt) == NULL) {
			xmlFreeDoc(doc);
			return NULL;
		}
	}
	return doc;
}

void
feed_set_free(struct feed_set *set)
{
	size_t i;

	if (set == NULL)
		return;
	for (i = 0; i < set->n_feeds; i++) {
		struct feed *f = &set->feeds[i];

		free(f->slug);
		free(f->title);
		free(f->description);
		free(f->link);
		free(f->subtitle);
		free((void *)f->entries);
	}
	free(set->feeds);
	free(set);
}
