/* group.c - sources, slugs and the intermediate document (see group.h). */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <idn2.h>
#include <libxml/hash.h>
#include <libxml/uri.h>

#include "buf.h"
#include "date.h"
#include "err.h"
#include "group.h"
#include "html.h"
#include "table.h"
#include "text.h"
#include "version.h"

/* A summary is the start of the post's text, this long at most. */
#define SUMMARY_MAX 300
/* An untitled post is shown under the start of its text, this long. */
#define UNTITLED_MAX 80
/* How far ahead of the clock a feed's last updated time may be and still
 * be a floor for the next: an hour, far more than the seconds edits
 * within one second put it ahead, far less than a post dated in the
 * future by a wrong time zone or year. */
#define UPDATED_AHEAD_MAX 3600

static char *excerpt(const char *text, size_t max);

/* An entry competing for a place in a feed: from the page or the archive. */
struct candidate {
	struct entry *e;
	const struct source_rule *rule;  /* the [source] rule for it, or NULL */
	const struct archived_feed *archived;  /* the archive file it is from, or NULL */
	int from_page;
	size_t order;                    /* position on the page or in the archive */
};

/* A link without its http: or https: scheme: the posts of a site that
 * moves to https stay the same posts, with their ids. */
static const char *
without_scheme(const char *link)
{
	const char *rest = link;

	if (strncasecmp(link, "https://", 8) == 0)
		rest = link + 8;
	else if (strncasecmp(link, "http://", 7) == 0)
		rest = link + 7;
	return rest;
}

/* Whether rule r applies to the source whose name has this form
 * (text_match_form) at link (NULL: any): same name, and same site when
 * the rule names one. */
static int
rule_fits(const struct source_rule *r, const char *form, const char *link)
{
	return strcmp(r->name_form, form) == 0 && (r->link == NULL || (link != NULL && html_same_site(r->link, link)));
}

/* Frees name_forms' forms of n candidates. */
static void
free_forms(char **forms, size_t n)
{
	size_t i;

	for (i = 0; forms != NULL && i < n; i++)
		free(forms[i]);
	free(forms);
}

/* The source name of all[i] as rules see it: forms[i] (name_forms), or
 * the name itself. */
#define FORM(forms, all, i) ((forms)[i] != NULL ? (forms)[i] : (all)[i].e->source_name)

/* Each of all[0..n)'s source names as rules see it (text_match_form):
 * NULL where that is the name itself. NULL when memory runs out. */
static char **
name_forms(const struct candidate *all, size_t n)
{
	char **forms = calloc(n + 1, sizeof *forms);
	size_t i;

	for (i = 0; forms != NULL && i < n; i++)
		if (text_match_form(all[i].e->source_name, 1, &forms[i]) != 0) {
			free_forms(forms, i);
			forms = NULL;
		}
	return forms;
}

/* What the unmatched rules u[0..n_u) may have meant, among the n
 * candidates: for a rule with a link, a source of its name at another
 * link; for one without, the earlier rule that took every source of its
 * name (its shadow); else a source whose name has the rule's slug. Each
 * name's slug is made once. 0, or -1 when memory runs out. */
static int
near_sources(const struct candidate *all, char *const *forms, size_t n, struct unmatched_rule *u, size_t n_u)
{
	char **want = NULL, *slug = NULL;
	const char *last = NULL;
	const struct candidate *c;
	/* A name's first candidate, and its first with a site link. */
	xmlHashTablePtr first = NULL, first_linked = NULL, wanted = NULL;
	size_t i, k, left = 0, *next_want = NULL;
	int rc = -1;

	if (n_u == 0) {
		rc = 0;
		goto done;
	}
	if ((first = xmlHashCreate(64)) == NULL || (first_linked = xmlHashCreate(64)) == NULL)
		goto done;
	for (i = 0; i < n; i++) {
		const xmlChar *name = (const xmlChar *)FORM(forms, all, i);

		if ((xmlHashLookup(first, name) == NULL && xmlHashAddEntry(first, name, (void *)&all[i]) != 0) ||
		    (all[i].e->source_link[0] != '\0' && xmlHashLookup(first_linked, name) == NULL &&
		    xmlHashAddEntry(first_linked, name, (void *)&all[i]) != 0))
			goto done;
	}
	for (k = 0; k < n_u; k++) {
		if (u[k].shadow != NULL)
			continue;
		if (u[k].rule->link == NULL && (c = xmlHashLookup(first, (const xmlChar *)u[k].rule->name_form)) != NULL)
			u[k].shadow = c->rule;   /* it fits them all: an earlier rule took them */
		else if (u[k].rule->link != NULL &&
		    (c = xmlHashLookup(first_linked, (const xmlChar *)u[k].rule->name_form)) != NULL)
			u[k].link_seen = c->e->source_link;
	}
	if ((want = calloc(n_u, sizeof *want)) == NULL || (next_want = calloc(n_u, sizeof *next_want)) == NULL ||
	    (wanted = xmlHashCreate(64)) == NULL)
		goto done;
	for (k = 0; k < n_u; k++) {
		if (u[k].shadow != NULL || u[k].link_seen != NULL)
			continue;
		if ((want[k] = text_slug(u[k].rule->name, SIZE_MAX)) == NULL)
			goto done;
		if (want[k][0] == '\0')
			continue;
		/* wanted: each slug's last rule, next_want: the one before */
		next_want[k] = (size_t)(uintptr_t)xmlHashLookup(wanted, (const xmlChar *)want[k]);
		if (table_put(wanted, want[k], NULL, NULL, (void *)(uintptr_t)(k + 1)) != 0)
			goto done;
		left++;
	}
	for (i = 0; i < n && left > 0; i++) {
		const char *name = all[i].e->source_name;

		if (last != NULL && strcmp(name, last) == 0)
			continue;   /* a source's entries are mostly side by side */
		last = name;
		free(slug);
		if ((slug = text_slug(name, SIZE_MAX)) == NULL)
			goto done;
		/* The rules that want it, each given the first such name. */
		for (k = (size_t)(uintptr_t)xmlHashLookup(wanted, (const xmlChar *)slug); k > 0; k = next_want[k - 1]) {
			u[k - 1].name_seen = name;
			left--;
		}
		if (xmlHashLookup(wanted, (const xmlChar *)slug) != NULL &&
		    xmlHashRemoveEntry(wanted, (const xmlChar *)slug, NULL) != 0)
			goto done;
	}
	rc = 0;
done:
	for (k = 0; want != NULL && k < n_u; k++)
		free(want[k]);
	free(want);
	free(slug);
	xmlHashFree(first, NULL);
	xmlHashFree(first_linked, NULL);
	xmlHashFree(wanted, NULL);
	free(next_want);
	return rc;
}

/* The [source] rules sorted by name, then in their order: those that
 * may fit a source are a run of them, not all (a config may have a
 * section for each of a Planet's hundreds of sources). */
static int
by_rule_name(const void *a, const void *b)
{
	const struct source_rule *x = *(const struct source_rule *const *)a, *y = *(const struct source_rule *const *)b;
	int c = strcmp(x->name_form, y->name_form);

	return c != 0 ? c : x < y ? -1 : x > y;
}

/* The rules of s in *sorted (malloc'd, by_rule_name); 0, or -1 when
 * memory runs out. */
static int
sort_rules(const struct settings *s, const struct source_rule ***sorted)
{
	size_t i, n = s != NULL ? s->n_sources : 0;

	if ((*sorted = calloc(n + 1, sizeof **sorted)) != NULL) {
		for (i = 0; i < n; i++)
			(*sorted)[i] = &s->sources[i];
		qsort(*sorted, n, sizeof **sorted, by_rule_name);
	}
	return *sorted != NULL ? 0 : -1;
}

/* The first rule of sorted[0..n) (by_rule_name) for a source whose
 * name has this form (text_match_form) and link, before the rule before
 * (any when NULL); NULL when none. */
static const struct source_rule *
rule_for(const struct source_rule *const *sorted, size_t n, const char *form, const char *link,
    const struct source_rule *before)
{
	const struct source_rule *r = NULL;
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(sorted[mid]->name_form, form) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; r == NULL && lo < n && strcmp(sorted[lo]->name_form, form) == 0 &&
	    (before == NULL || sorted[lo] < before); lo++)
		if (rule_fits(sorted[lo], form, link))
			r = sorted[lo];
	return r;
}

/* A source's name as sources are told apart by it: its source_key, the
 * name's slug or the name itself (fill_name_keys). */
static const char *
name_key(const struct entry *e)
{
	return e->source_key != NULL && e->source_key[0] != '\0' ? e->source_key : e->source_name;
}

/* By source: name_key, then site. */
static int
by_source(const void *a, const void *b)
{
	const struct candidate *x = *(const struct candidate *const *)a, *y = *(const struct candidate *const *)b;
	int c = strcmp(name_key(x->e), name_key(y->e));

	return c != 0 ? c : html_site_cmp(x->e->source_link, y->e->source_link);
}

/* A rule fits a source by its name as written, but the Planet may come to
 * write that name in another case or punctuation ("ALICE" for "Alice"):
 * the source is the same (fill_name_keys), and so is its rule, which its
 * posts in the archive show. The candidates of a source without a rule
 * of their own take the one rule its others have (when they have several,
 * from sections for each spelling, none is the one). 0, or -1 when memory
 * runs out. */
static int
spread_rules(struct candidate *all, size_t n)
{
	struct candidate **sorted = calloc(n + 1, sizeof *sorted);
	const struct source_rule *rule;
	size_t i, j, k;
	int one;

	if (sorted == NULL)
		return -1;
	for (i = 0; i < n; i++)
		sorted[i] = &all[i];
	qsort(sorted, n, sizeof *sorted, by_source);
	for (i = 0; i < n; i = j) {
		for (rule = NULL, one = 1, j = i; j < n && (j == i || by_source(&sorted[j], &sorted[i]) == 0); j++) {
			if (sorted[j]->rule != NULL && rule != NULL && sorted[j]->rule != rule)
				one = 0;
			if (sorted[j]->rule != NULL)
				rule = sorted[j]->rule;
		}
		for (k = i; one && rule != NULL && k < j; k++)
			if (sorted[k]->rule == NULL)
				sorted[k]->rule = rule;
	}
	free(sorted);
	return 0;
}

static void
free_slug(void *slug, const xmlChar *name)
{
	(void)name;
	free(slug);
}

/* An entry of the page or the archive, for fill_name_keys. */
struct named {
	struct entry *e;
	const char *slug;        /* its name's, owned by fill_name_keys' table */
	size_t file;             /* its archive file, or n_feeds for the page */
};

/* By slug, site, name, then file: the names of one slug at one site
 * side by side. */
static int
by_slug_site_name(const void *a, const void *b)
{
	const struct named *x = a, *y = b;
	int c = strcmp(x->slug, y->slug);

	if (c == 0 && (c = html_site_cmp(x->e->source_link, y->e->source_link)) == 0 &&
	    (c = strcmp(x->e->source_name, y->e->source_name)) == 0)
		c = x->file < y->file ? -1 : x->file > y->file;
	return c;
}

/* What fill_name_keys tells a name by: its slug, or for a name nothing of
 * which transliterates, "\x01" (in no slug) and text_name_key's form of
 * it, or "" when that is empty too. Malloc'd; NULL when memory runs out. */
static char *
name_slug_key(const char *name)
{
	char *slug = text_slug(name, SIZE_MAX), *folded = NULL, *key = NULL;

	if (slug == NULL || slug[0] != '\0') {
		key = slug;
		slug = NULL;
		goto done;
	}
	if ((folded = text_name_key(name)) != NULL)
		key = buf_concat(folded[0] != '\0' ? "\x01" : "", folded, NULL);
done:
	free(slug);
	free(folded);
	return key;
}

/* Gives each entry of the page and the archive its source_key: the slug of
 * its name, so that a name the Planet comes to write in another case or
 * with other punctuation ("Alice Smith", "alice smith", "ALICE SMITH!") at
 * the same site stays the same source, and its feed, whose address is
 * made from that slug, goes on (for a name nothing of which
 * transliterates, "Иван Петров", its letters and digits case folded:
 * name_slug_key); but its name itself ("") when it has none, or when the
 * names of that slug at that site are sources of their own: two of them
 * on today's page (a Planet shows a source under one name), or their
 * archived posts in more than one archive file (feeds kept apart before:
 * "C++ Weekly" and "C Weekly", or a source an earlier version of unplanet
 * gave a new feed when renamed so). Each name's key is made once. 0, or -1 when memory runs out. */
static int
fill_name_keys(struct page *page, struct state *archive)
{
	xmlHashTablePtr slugs = xmlHashCreate(64);   /* name -> slug */
	struct named *all = NULL;
	char *slug = NULL;
	size_t i, j, n = page->n_entries, n_feeds = archive != NULL ? archive->n_feeds : 0, at, end;
	int rc = -1;

	for (i = 0; i < n_feeds; i++)
		n += archive->feeds[i].n_entries;
	if (slugs == NULL || (all = calloc(n + 1, sizeof *all)) == NULL)
		goto done;
	for (i = 0, n = 0; i <= n_feeds; i++) {
		struct entry *entries = i < n_feeds ? archive->feeds[i].entries : page->entries;
		size_t count = i < n_feeds ? archive->feeds[i].n_entries : page->n_entries;

		for (j = 0; j < count; j++) {
			struct entry *e = &entries[j];
			const char *known;

			if ((known = xmlHashLookup(slugs, (const xmlChar *)e->source_name)) == NULL) {
				if ((slug = name_slug_key(e->source_name)) == NULL ||
				    xmlHashAddEntry(slugs, (const xmlChar *)e->source_name, slug) != 0)
					goto done;
				known = slug;
				slug = NULL;
			}
			all[n].e = e;
			all[n].slug = known;
			all[n++].file = i;
		}
	}
	qsort(all, n, sizeof *all, by_slug_site_name);
	for (at = 0; at < n; at = end) {
		size_t names = 0, on_page = 0, file = SIZE_MAX;
		int split = 0, name_on_page = 0;
		const char *name = NULL;

		for (end = at; end < n && strcmp(all[end].slug, all[at].slug) == 0 &&
		    html_site_cmp(all[end].e->source_link, all[at].e->source_link) == 0; end++) {
			const struct named *r = &all[end];

			if (name == NULL || strcmp(name, r->e->source_name) != 0) {
				name = r->e->source_name;
				names++;
				name_on_page = 0;
			}
			if (r->file == n_feeds) {
				on_page += !name_on_page;
				name_on_page = 1;
			} else if (file == SIZE_MAX) {
				file = r->file;
			} else {
				split |= r->file != file;
			}
		}
		for (i = at; i < end; i++) {
			const char *key = names > 1 && (on_page > 1 || split) ? "" : all[i].slug;

			/* Made again when the page is read again (main.c). */
			free(all[i].e->source_key);
			if ((all[i].e->source_key = strdup(key)) == NULL)
				goto done;
		}
	}
	rc = 0;
done:
	free(slug);
	free(all);
	xmlHashFree(slugs, free_slug);
	return rc;
}

/* Whether two entries come from one source: same name (name_key) and
 * site (as a [source] link matches it: a site link written another way,
 * as a blog's software may start to, "https://Ex.org" for
 * "http://ex.org/", keeps its feed). */
static int
same_source(const struct entry *a, const struct entry *b)
{
	return strcmp(name_key(a), name_key(b)) == 0 && html_same_site(a->source_link, b->source_link);
}

/* Whether two entries may come from one source that the Planet renamed
 * (same site) or moved (same name) between them. */
static int
renamed_or_same_source(const struct entry *a, const struct entry *b)
{
	return strcmp(name_key(a), name_key(b)) == 0 ||
	    (a->source_link[0] != '\0' && html_same_site(a->source_link, b->source_link));
}

/* The tie-break of both sorts: page before archive, then their own order. */
static int
page_then_order(const struct candidate *x, const struct candidate *y)
{
	int c = y->from_page - x->from_page;

	return c != 0 ? c : x->order < y->order ? -1 : x->order > y->order;
}

/* Candidates of one feed sort together: by configured slug (sources a
 * rule merges), else by source (its name and site); then page before
 * archive, then order. */
static int
by_feed(const void *a, const void *b)
{
	const struct candidate *x = a, *y = b;
	const char *sx = x->rule != NULL ? x->rule->slug : NULL, *sy = y->rule != NULL ? y->rule->slug : NULL;
	int c;

	if (sx != NULL || sy != NULL)
		c = sx == NULL ? 1 : sy == NULL ? -1 : strcmp(sx, sy);
	else if ((c = strcmp(name_key(x->e), name_key(y->e))) == 0)
		c = html_site_cmp(x->e->source_link, y->e->source_link);
	return c != 0 ? c : page_then_order(x, y);
}

static int
same_feed(const struct candidate *x, const struct candidate *y)
{
	const char *sx = x->rule != NULL ? x->rule->slug : NULL, *sy = y->rule != NULL ? y->rule->slug : NULL;

	/* Sources a rule gives a slug are the feed of that slug. */
	return sx != NULL || sy != NULL ? sx != NULL && sy != NULL && strcmp(sx, sy) == 0 : same_source(x->e, y->e);
}


/* By id, then page before archive, then their own order. */
static int
by_id(const void *a, const void *b)
{
	const struct candidate *x = a, *y = b;
	int c = strcmp(x->e->id, y->e->id);

	return c != 0 ? c : page_then_order(x, y);
}

/* Newest first; then by id, so the order never depends on input order. */
static int
by_date(const void *a, const void *b)
{
	const struct member *x = a, *y = b;
	int c;

	if (x->published != y->published)
		c = x->published > y->published ? -1 : 1;
	else if (x->updated != y->updated)
		c = x->updated > y->updated ? -1 : 1;
	else
		c = strcmp(x->entry->id, y->entry->id);
	return c;
}


static int
same_text(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* What tells an entry's content from another's: a hash of it, which an
 * archived entry kept without its content has instead. */
static unsigned long long
content_hash(const struct entry *e)
{
	return e->content != NULL ? text_hash(TEXT_HASH_INIT, e->content, strlen(e->content)) : e->digest;
}

/* An entry's title as posts are known by it: "" for one that shows
 * nothing, as the archive reads such a title back (untitled="yes"). */
static const char *
known_title(const struct entry *e)
{
	return text_is_blank(e->title) ? "" : e->title;
}

/* content_hash as the archive's <digest> holds it, and the tables of
 * known posts key it: 16 lowercase hexadecimal digits. */
static void
content_digest(const struct entry *e, char digest[17])
{
	snprintf(digest, 17, "%016llx", content_hash(e));
}

/* Whether the page's copy of an entry changed from the archive's. */
static int
changed(const struct entry *now, const struct entry *before)
{
	return strcmp(known_title(now), known_title(before)) != 0 || !same_text(now->creator, before->creator) ||
	    (now->content != NULL && before->content != NULL ? strcmp(now->content, before->content) != 0 :
	    content_hash(now) != content_hash(before));
}

/* Every archived author entry, by id, and of one id the one changed
 * last first: where a post the page shows in a feed that has no copy of
 * it (the feed of a source the Planet renamed) finds its dates. */
struct archived_ids {
	const struct entry **entries;
	size_t n;
};

static int
by_id_then_updated(const void *a, const void *b)
{
	const struct entry *x = *(const struct entry *const *)a, *y = *(const struct entry *const *)b;
	int c = strcmp(x->id, y->id);

	if (c == 0 && x->updated != y->updated)
		c = x->updated > y->updated ? -1 : 1;
	else if (c == 0 && x->published != y->published)
		c = x->published > y->published ? -1 : 1;
	/* On to a total order, so that no choice among copies depends on how
	 * qsort orders equal ones: only copies alike in all a choice reads tie. */
	if (c == 0 && (c = strcmp(x->source_name, y->source_name)) == 0 &&
	    (c = strcmp(x->source_link, y->source_link)) == 0 && (c = strcmp(x->title, y->title)) == 0 &&
	    (c = strcmp(x->link, y->link)) == 0 &&
	    (c = strcmp(x->creator != NULL ? x->creator : "", y->creator != NULL ? y->creator : "")) == 0 &&
	    (c = (x->creator != NULL) - (y->creator != NULL)) == 0) {
		if (x->content != NULL && y->content != NULL)
			c = strcmp(x->content, y->content);
		else if (x->content != NULL || y->content != NULL)
			c = (y->content == NULL) - (x->content == NULL);
		else if (x->digest != y->digest)
			c = x->digest < y->digest ? -1 : 1;
	}
	return c;
}

/* What a post is known by in the archive: its permalink, either scheme,
 * as a URI (fill_link_keys). */
static const char *
entry_link(const struct entry *e)
{
	return without_scheme(e->link_key != NULL ? e->link_key : e->link);
}

/* s as a URI, malloc'd in *uri (html_iri_to_uri), or *uri NULL when s is
 * one already: ASCII that html_iri_to_uri keeps ('#' once), and no '%'
 * (whose escapes it may write another way), as most permalinks are. -1:
 * no memory. */
static int
as_uri(const char *s, char **uri)
{
	const char *hash = strchr(s, '#');

	*uri = NULL;
	return (s[strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	    "-_.!~*'();/?:@&=+$,#")] != '\0' || (hash != NULL && strchr(hash + 1, '#') != NULL)) &&
	    (*uri = html_iri_to_uri(s)) == NULL ? -1 : 0;
}

/* Gives each post of the page and the archive with a permalink its
 * link_key. Permalinks are IRIs, which RSS and JSON Feed write as URIs:
 * two that are one URI written two ways ("café" and "caf%C3%A9",
 * hosts in other cases or scripts) would give two posts one guid, which
 * readers take for one item. Known by their URI, they share a permalink,
 * and distinguish_shared_permalinks tells them apart. */
static int
fill_link_keys(struct page *page, struct state *archive)
{
	size_t i, j, n_feeds = archive != NULL ? archive->n_feeds : 0;
	int rc = 0;

	for (i = 0; rc == 0 && i <= n_feeds; i++) {
		struct entry *entries = i < n_feeds ? archive->feeds[i].entries : page->entries;
		size_t count = i < n_feeds ? archive->feeds[i].n_entries : page->n_entries;

		for (j = 0; rc == 0 && j < count; j++) {
			struct entry *e = &entries[j];

			free(e->link_key);
			rc = as_uri(e->link, &e->link_key);
		}
	}
	return rc;
}

/* The run [*lo, *hi) of sorted[0..n) (sorted by cmp) that cmp puts
 * level with e. */
static void
run_with(const struct entry *const *sorted, size_t n, int (*cmp)(const struct entry *, const struct entry *),
    const struct entry *e, size_t *lo, size_t *hi)
{
	size_t l = 0, h = n;

	while (l < h) {
		size_t mid = l + (h - l) / 2;

		if (cmp(sorted[mid], e) < 0)
			l = mid + 1;
		else
			h = mid;
	}
	*lo = l;
	h = n;
	while (l < h) {
		size_t mid = l + (h - l) / 2;

		if (cmp(sorted[mid], e) <= 0)
			l = mid + 1;
		else
			h = mid;
	}
	*hi = l;
}

/* Orders for run_with: by permalink alone, by id alone. */
static int
by_link_only(const struct entry *x, const struct entry *y)
{
	return strcmp(entry_link(x), entry_link(y));
}

static int
by_id_only(const struct entry *x, const struct entry *y)
{
	return strcmp(x->id, y->id);
}

/* Whether c is from an archive file written last run. */
static int
last_run_file(const struct candidate *c)
{
	return c->archived != NULL && c->archived->last_run;
}

/* Whether the archived copy a stands before b (NULL: none) as the post's
 * record: changed later, or as late and of the file written last run. */
static int
newer_copy(const struct candidate *a, const struct candidate *b)
{
	return b == NULL || a->e->updated > b->e->updated ||
	    (a->e->updated == b->e->updated && last_run_file(a) && !last_run_file(b));
}

/* Merges one feed's candidates (sorted by id) into members: the page's
 * version of an entry wins, keeping the archive's published time, and its
 * updated time moves to now (or a second past its last) when the post
 * changed. Of several archived
 * copies (the feed of a source a [source] rule merged into another keeps
 * its archive file, no longer written, beside the merged feed's), the one
 * changed last is the entry's record: an older copy would undo edits, and
 * take every run for an edit. A post new to the feed that another feed
 * has (an id stands for one post) takes that feed's record: a source the
 * Planet renames gets a feed of its own, and a post the Planet re-dated
 * would otherwise be published anew. A copy kept without its content
 * (past --keep) stands for the post while the page shows it; off the
 * page, it is gone: never shown again, archived slim so that the post,
 * should it come back to the page, is known (see make_feed); and an
 * older copy with content is not the post any more, nor one as new that
 * a file not written last run keeps (a merged source's old archive). latest is the page's
 * time (else now): no post of the page can be published after it. */
static size_t
merge(struct candidate *c, size_t n, struct member *out, time_t now, time_t latest, int page_older,
    const struct archived_ids *ids)
{
	size_t i, j, k, m = 0, at, end;

	qsort(c, n, sizeof *c, by_id);
	for (i = 0; i < n; i = j) {
		const struct candidate *page = NULL, *old = NULL, *whole = NULL;
		const struct entry *record;

		/* The post's copies in every archive, ids->entries[at..end),
		 * the one changed last first. */
		run_with(ids->entries, ids->n, by_id_only, c[i].e, &at, &end);

		for (j = i; j < n && strcmp(c[j].e->id, c[i].e->id) == 0; j++) {
			if (c[j].from_page && page == NULL)
				page = &c[j];
			else if (!c[j].from_page && newer_copy(&c[j], old))
				old = &c[j];
			if (!c[j].from_page && c[j].e->content != NULL && newer_copy(&c[j], whole))
				whole = &c[j];
		}
		memset(&out[m], 0, sizeof out[m]);
		/* Of copies as new (the one of the file written last run
		 * first), the one kept whole, but for one that that file kept
		 * slim (gone) where another, not written since, keeps it whole
		 * (a merged source's old archive). */
		if (page == NULL && whole != NULL && !newer_copy(old, whole))
			old = whole;
		out[m].gone = page == NULL && old != whole;
		out[m].on_page = page != NULL;
		/* An older copy of the page would undo the edits the archive
		 * holds, and the next page would make them again. */
		out[m].entry = page != NULL && !(page_older && whole != NULL && whole == old) ? page->e : old->e;
		record = old != NULL ? old->e : at < end ? ids->entries[at] : NULL;
		/* A date later than the page the post was on (a year typed
		 * wrong, a clock far ahead) is no record once the page shows an
		 * earlier one: else the post would stay on top of its feed, and
		 * hold back the feed's updated time, for good. */
		if (record != NULL && page != NULL && record->published > latest &&
		    page->e->published <= latest && page->e->published < record->published) {
			out[m].published = page->e->published;
			out[m].updated = changed(page->e, record) ? now : page->e->published;
		} else if (record != NULL) {
			int edit = old == NULL && changed(page->e, record);

			/* Copies as new as the record may differ (a post edited in
			 * the run its source was renamed, then in two feeds that a
			 * rule merges): what is shown differing from any is an
			 * edit, which the next run's record then tells. */
			for (k = i; old != NULL && k < j && !edit; k++)
				edit = !c[k].from_page && c[k].e->updated == old->e->updated &&
				    (page != NULL || c[k].e->content != NULL) && changed(out[m].entry, c[k].e);
			out[m].published = record->published;
			/* An edit always moves updated forward, as readers look
			 * for a later time: by a second when the clock has not
			 * passed the last one (an edit within the same second, a
			 * clock set back or, before, far ahead), but not past the
			 * last second of 9999, which RFC 3339 and the archive cannot
			 * hold (a post dated then, edited again and again). */
			out[m].updated = !edit ? record->updated : now > record->updated ? now :
			    record->updated < DATE_LAST ? record->updated + 1 : DATE_LAST;
		} else {
			out[m].published = out[m].updated = page->e->published;
		}
		/* In any archive: a renamed source's old feed keeps its copy,
		 * which a topic must not show in place of this one. */
		for (k = at; k < end && !out[m].older_copy; k++)
			out[m].older_copy = ids->entries[k]->content != NULL && (ids->entries[k]->updated < out[m].updated ||
			    (out[m].gone && ids->entries[k]->updated == out[m].updated));
		m++;
	}
	return m;
}

/* An entry's visible text. An archived entry keeps only its content's
 * HTML; its text is computed the first time a pattern needs it. */
static const char *
entry_text(struct entry *e)
{
	if (e->text == NULL)
		e->text = html_fragment_text(e->content, strlen(e->content));
	return e->text != NULL ? e->text : "";
}

/* 1 if any pattern matches any of the n_subjects strings. A match that
 * gives up counts in set->match_failures, and that pattern tries no
 * further string; one that ran out of memory sets set->out_of_memory. */
static int
any_match(struct pattern *const *patterns, size_t n, const char *const *subjects, size_t n_subjects,
    struct feed_set *set)
{
	size_t i, k;
	int found = 0;

	/* Once a stop is asked for, nothing more is matched: the run ends
	 * after grouping (main.c), and a slow pattern on many posts could
	 * take minutes. */
	for (i = 0; !found && i < n && err_stop == 0; i++) {
		for (k = 0; k < n_subjects && err_stop == 0; k++) {
			int r = pattern_match(patterns[i], subjects[k], strlen(subjects[k]));

			if (r == 1) {
				found = 1;
				break;
			}
			if (r == -2)
				set->out_of_memory = 1;
			if (r < 0) {
				set->match_failures += r == -1;
				if (r == -1 && set->gave_up == NULL)
					set->gave_up = patterns[i];
				break;
			}
		}
	}
	return found;
}

/* s as patterns see it (text_match_form): s itself, or *form, which the
 * caller frees. */
static const char *
formed(const char *s, char **form, struct feed_set *set)
{
	if (text_match_form(s, 1, form) != 0)
		set->out_of_memory = 1;
	return *form != NULL ? *form : s;
}

/* any_match on names and links (at most 2) as patterns see them. */
static int
any_match_formed(struct pattern *const *patterns, size_t n, const char *const *subjects, size_t n_subjects,
    struct feed_set *set)
{
	const char *subject[2];
	char *forms[2] = { NULL, NULL };
	size_t k;
	int found;

	for (k = 0; k < n_subjects && k < 2; k++)
		subject[k] = formed(subjects[k], &forms[k], set);
	found = any_match(patterns, n, subject, k, set);
	for (k = 0; k < 2; k++)
		free(forms[k]);
	return found;
}

/* 1 if any pattern matches the entry's title, source name or text, each
 * as patterns see it (text_match_form). */
static int
matches(struct pattern *const *patterns, size_t n, struct entry *e, struct feed_set *set)
{
	const char *subjects[3];
	char *title = NULL, *name = NULL;
	int found = 0;

	if (n > 0) {   /* the text is made only for a pattern */
		subjects[2] = entry_text(e);
		if (e->text == NULL)
			set->out_of_memory = 1;
		/* The text's form is made once: every topic matches it. */
		if (!e->match_text_made && e->text != NULL) {
			if (text_match_form(e->text, 1, &e->match_text) != 0)
				set->out_of_memory = 1;
			else
				e->match_text_made = 1;
		}
		if (e->match_text != NULL)
			subjects[2] = e->match_text;
		subjects[0] = formed(e->title, &title, set);
		subjects[1] = formed(e->source_name, &name, set);
		found = any_match(patterns, n, subjects, 3, set);
	}
	free(title);
	free(name);
	return found;
}

/* The first keep of n members (all when keep is 0). */
static size_t
shown(size_t n, size_t keep)
{
	return keep > 0 && n > keep ? keep : n;
}

/* How much of a site its label shows. */
enum label_detail {
	LABEL_HOST,   /* its host, without "www." */
	LABEL_PATH,   /* ...and its path */
	LABEL_ALL     /* its host with any "www.", its port, path and query */
};

/* A source's site as people read it, for telling same-named sources
 * apart: its host, in Unicode when written in IDNA's ASCII form
 * ("xn--mnchen-3ya.example", in any case), without "www."; with
 * LABEL_PATH, its path too, without a last '/' ("medium.com/@bob"); with
 * LABEL_ALL, with "www.", a port and the query too
 * ("blog.example:8080/?author=2"). "" when it has no host. Malloc'd;
 * NULL when memory runs out. */
static char *
site_label(const char *link, enum label_detail detail)
{
	xmlURIPtr uri = xmlParseURI(link);
	const char *host, *path = "";
	char *escaped = NULL, *unicode = NULL, *label = NULL, port[16] = "";
	size_t n, len;

	/* libxml2 parses a host such as "bücher.example" only escaped; it
	 * gives it back decoded. */
	if (uri == NULL) {
		if ((escaped = html_escape_url(link)) == NULL)
			goto done;
		uri = xmlParseURI(escaped);
	}
	host = uri != NULL && uri->server != NULL ? uri->server : "";
	if (strcasestr(host, "xn--") != NULL) {
		int rc = idn2_to_unicode_8z8z(host, &unicode, 0);

		if (rc == IDN2_MALLOC)
			goto done;
		if (rc == IDN2_OK)
			host = unicode;
	}
	if (detail < LABEL_ALL && strncasecmp(host, "www.", 4) == 0)
		host += 4;
	if (detail == LABEL_ALL && host[0] != '\0' && uri->port > 0)
		snprintf(port, sizeof port, ":%d", uri->port);
	/* The path as the link writes it (libxml2's is decoded, and may so
	 * be no UTF-8): after "//" and the authority, to a query or fragment. */
	if (detail > LABEL_HOST && host[0] != '\0' && (path = strstr(link, "//")) != NULL)
		path += 2 + strcspn(path + 2, "/?#");
	else
		path = "";
	n = strcspn(path, detail == LABEL_ALL ? "#" : "?#");
	if (n > 0 && path[n - 1] == '/')
		n--;
	len = strlen(host) + strlen(port);
	if ((label = malloc(len + n + 1)) != NULL) {
		strcpy(label, host);
		strcat(label, port);
		memcpy(label + len, path, n);
		label[len + n] = '\0';
		for (n = 0; n < len; n++)   /* the host (a query may follow it) */
			if (label[n] >= 'A' && label[n] <= 'Z')
				label[n] = (char)(label[n] - 'A' + 'a');
	}
done:
	free(escaped);
	idn2_free(unicode);
	xmlFreeURI(uri);
	return label;
}

/* The slug of a source's site host ("www.djangoproject.com" ->
 * "djangoproject-com"), for telling same-named sources apart. */
static char *
host_slug(const char *link)
{
	char *host = site_label(link, LABEL_HOST), *slug = NULL;

	if (host != NULL)
		slug = text_slug(host, SLUG_MAX / 4);
	free(host);
	return slug;
}

static int
by_kind_slug(const void *a, const void *b)
{
	const struct feed *x = a, *y = b;
	int c = strcmp(x->kind, y->kind);

	if (c == 0)
		c = strcmp(x->slug, y->slug);
	return c != 0 ? c : strcmp(x->link, y->link);
}

/* A slug a feed already has in DIR: an archive file's (owner: the feed its
 * entries joined, whatever slug that feed has now) or a topic's in
 * state.xml (owner: the topic of that name; when it is no longer
 * configured, the one new topic that asks for the slug, else none, n).
 * Its files are there, with subscribers, until someone deletes them, so
 * no other feed may take the slug. */
struct held {
	const char *slug;
	size_t owner;
	const char *name;   /* the topic's, when there is no owner */
	int last_run;       /* an author's: the slug it had last run (state.h) */
};

/* Whether held[0..n) has slug held by owner (other = 0), or by anyone but
 * owner (other = 1). */
static int
holds_slug(const struct held *held, size_t n, size_t owner, int other, const char *slug)
{
	size_t i;

	for (i = 0; i < n && ((held[i].owner == owner) == other || strcmp(held[i].slug, slug) != 0); i++)
		;
	return i < n;
}

/* Whether owner holds any slug in held[0..n). */
static int
owns_any(const struct held *held, size_t n, size_t owner)
{
	size_t i;

	for (i = 0; i < n && held[i].owner != owner; i++)
		;
	return i < n;
}

/* The slugs assign_slugs works with, by slug, each to the one feed (or
 * holder) that has it, plus one, or SLUGS_MANY when several have it: kept
 * in tables, as thousands of sources may ask for one name's slug (one
 * post can make them), and a search through all feeds for each number
 * tried would take hours. */
#define SLUGS_MANY UINTPTR_MAX

struct slugs {
	xmlHashTablePtr taken;   /* the feeds' slugs so far */
	xmlHashTablePtr held;    /* held[]'s, by owner */
	xmlHashTablePtr fixed;   /* those a rule fixed, to the first feed */
	xmlHashTablePtr next;    /* the next number to try after each stem */
	const struct held *all_held;
	size_t n_held;
};

static int
slugs_add(xmlHashTablePtr t, const char *slug, size_t who)
{
	uintptr_t v = (uintptr_t)xmlHashLookup(t, (const xmlChar *)slug);

	return v == who + 1 ? 0 : table_put(t, slug, NULL, NULL,
	    (void *)(v == 0 ? (uintptr_t)who + 1 : SLUGS_MANY));
}

/* Whether a feed other than self has slug. */
static int
slug_taken(const struct slugs *sl, size_t self, const char *slug)
{
	uintptr_t v = (uintptr_t)xmlHashLookup(sl->taken, (const xmlChar *)slug);

	return v != 0 && v != self + 1;
}

/* Gives feed k its slug (which it then owns), noting it taken. */
static int
give_slug(struct slugs *sl, struct feed *feeds, size_t k, char *slug)
{
	feeds[k].slug = slug;
	return slugs_add(sl->taken, slug, k);
}

/* holds_slug through the table: whether slug is held by owner (other =
 * 0), or by anyone but owner (other = 1). */
static int
slug_held(const struct slugs *sl, size_t owner, int other, const char *slug)
{
	uintptr_t v = (uintptr_t)xmlHashLookup(sl->held, (const xmlChar *)slug);

	if (v == SLUGS_MANY)   /* several hold it: which is rare */
		return holds_slug(sl->all_held, sl->n_held, owner, other, slug);
	return other ? v != 0 && v != owner + 1 : v == owner + 1;
}

/* The slug a new feed asks for: its name's (a topic's own name, not its
 * "Planet — NAME" title), else its site's host's, else "topic" or
 * "source"; *fallback is 1 when not its name's. */
static char *
wanted_slug(const struct feed *f, int *fallback)
{
	char *s = text_slug(strcmp(f->kind, "topic") == 0 ? f->subtitle : f->title, SLUG_MAX - 24);

	*fallback = s != NULL && s[0] == '\0';
	if (s != NULL && s[0] == '\0') {
		free(s);
		s = host_slug(f->link);
	}
	if (s != NULL && s[0] == '\0') {
		free(s);
		s = strdup(f->kind[0] == 't' ? "topic" : "source");
	}
	return s;
}

/* Whether a new topic named name asks for the slug a topic no longer
 * configured, was, holds: name's slug is that slug, or, for a name that
 * gives none ("数据"), was is that name in another case or punctuation
 * (text_name_key). Not the slug any such name falls back to ("topic"):
 * "社区" is no "数据" renamed. -1 when memory runs out. */
static int
heir_by_name(const char *name, const char *was, const char *slug)
{
	char *want = text_slug(name, SLUG_MAX - 24), *key = NULL, *was_key = NULL;
	int fits = -1;

	if (want == NULL)
		goto done;
	if (want[0] != '\0') {
		fits = strcmp(want, slug) == 0;
		goto done;
	}
	if ((key = text_name_key(name)) == NULL || (was_key = text_name_key(was)) == NULL)
		goto done;
	fits = strcmp(name, was) == 0 || (key[0] != '\0' && strcmp(key, was_key) == 0);
done:
	free(want);
	free(key);
	free(was_key);
	return fits;
}

/* Nonzero if another feed than feeds[self] has slug, or holds it in DIR:
 * feeds[self] must not take it. */
static int
slug_used(const struct slugs *sl, size_t self, const char *slug)
{
	return slug_held(sl, self, 1, slug) || slug_taken(sl, self, slug);
}

/* The feed among feeds[0..n) whose slug a rule fixed to slug, or n. */
static size_t
fixed_holder(const struct slugs *sl, size_t n, const char *slug)
{
	uintptr_t v = (uintptr_t)xmlHashLookup(sl->fixed, (const xmlChar *)slug);

	return v == 0 ? n : (size_t)(v - 1);
}

/* Feeds in (wanted slug, link) order: the new ones by the slug they ask
 * for, those with one already first; of those asking for one slug, a
 * name's own before a fallback (a topic named "Topic" before "数据"). */
struct asking {
	const char *wanted;
	int fallback;
	const char *link;
	size_t k;
};

static int
by_wanted_link(const void *a, const void *b)
{
	const struct asking *x = a, *y = b;
	int c = x->wanted == NULL ? (y->wanted == NULL ? 0 : -1) : y->wanted == NULL ? 1 : strcmp(x->wanted, y->wanted);

	if (c == 0)
		c = x->fallback - y->fallback;
	if (c == 0)
		c = strcmp(x->link, y->link);
	return c != 0 ? c : (x->k > y->k) - (x->k < y->k);
}

/* Pointers into held, by owner, and of one owner's slugs the one it had
 * last run first: a feed whose slug a rule moved, then lost its rule,
 * stays where its subscribers last were, not at the first slug it had. */
static int
by_owner_then_last_run(const void *a, const void *b)
{
	const struct held *x = *(const struct held *const *)a, *y = *(const struct held *const *)b;

	if (x->owner != y->owner)
		return x->owner < y->owner ? -1 : 1;
	if (x->last_run != y->last_run)
		return x->last_run ? -1 : 1;
	return (x > y) - (x < y);
}

/* Gives every feed of one kind a unique slug: first the slug a rule sets,
 * then one the feed holds in DIR (its name's if it holds that, else of
 * those no other feed has taken the one it had last run, else the
 * first), then a new one: a name's
 * slug goes to the first feed that asks for it, in (slug, link) order so
 * the result does not depend on the page's order; the others add their
 * host, then a number; none takes a slug another feed holds. A rule may
 * not take a slug another feed holds and its own feed does not (that
 * feed's subscribers would be handed a different feed): that returns 1
 * with *clash the held slug's index and *holder the rule's feed. A slug
 * of reserved[0..n_reserved) (those rules give, also rules for sources not
 * seen yet) that no feed holds no new feed takes: else the first run that
 * sees the rule's source would find its slug another's, and stop. -1 when
 * memory runs out. */
static int
assign_slugs(struct feed *feeds, size_t n, const char *const *fixed, const char *const *reserved,
    size_t n_reserved, const struct held *held, size_t n_held, size_t *clash, size_t *holder)
{
	struct slugs sl = { NULL, NULL, NULL, NULL, held, n_held };
	struct asking *order = NULL;
	const struct held **by_owner = NULL;
	char **wanted;
	size_t i, j;
	int rc = -1;

	wanted = calloc(n ? n : 1, sizeof *wanted);
	order = calloc(n ? n : 1, sizeof *order);
	by_owner = calloc(n_held ? n_held : 1, sizeof *by_owner);
	/* Sized for all: libxml2 2.9's tables stop growing at 16384 buckets. */
	if (wanted == NULL || order == NULL || by_owner == NULL ||
	    (sl.taken = xmlHashCreate((int)(n < 1000000 ? n : 1000000) + 16)) == NULL ||
	    (sl.held = xmlHashCreate((int)(n_held < 1000000 ? n_held : 1000000) + 16)) == NULL ||
	    (sl.fixed = xmlHashCreate(16)) == NULL || (sl.next = xmlHashCreate(16)) == NULL)
		goto done;
	for (i = 0; i < n_held; i++)
		if (slugs_add(sl.held, held[i].slug, held[i].owner) != 0)
			goto done;
	/* Held by no feed (owner n), so by another than every feed. */
	for (i = 0; i < n_reserved; i++)
		if (xmlHashLookup(sl.held, (const xmlChar *)reserved[i]) == NULL &&
		    slugs_add(sl.held, reserved[i], n) != 0)
			goto done;
	for (i = 0; i < n; i++) {
		char *copy;

		if (fixed[i] == NULL)
			continue;
		if ((xmlHashLookup(sl.fixed, (const xmlChar *)fixed[i]) == NULL &&
		    xmlHashAddEntry(sl.fixed, (const xmlChar *)fixed[i], (void *)((uintptr_t)i + 1)) != 0) ||
		    (copy = strdup(fixed[i])) == NULL || give_slug(&sl, feeds, i, copy) != 0)
			goto done;
	}
	for (i = 0; i < n_held; i++) {
		size_t k = fixed_holder(&sl, n, held[i].slug);

		if (k < n && k != held[i].owner && !slug_held(&sl, k, 0, held[i].slug)) {
			*clash = i;
			*holder = k;
			rc = 1;
			goto done;
		}
	}
	/* Feeds that hold their name's slug keep it first: after a merge is
	 * undone, each takes back its own rather than the merged one. */
	for (i = 0; i < n; i++) {
		if (fixed[i] != NULL)
			continue;
		if ((wanted[i] = wanted_slug(&feeds[i], &order[i].fallback)) == NULL)
			goto done;
		if (slug_held(&sl, i, 0, wanted[i]) && !slug_taken(&sl, i, wanted[i])) {
			if (give_slug(&sl, feeds, i, wanted[i]) != 0) {
				wanted[i] = NULL;
				goto done;
			}
			wanted[i] = NULL;
		}
	}
	/* Then the slug each holds that no feed has taken, the one it had
	 * last run first. */
	for (i = 0; i < n_held; i++)
		by_owner[i] = &held[i];
	qsort(by_owner, n_held, sizeof *by_owner, by_owner_then_last_run);
	for (i = 0, j = 0; i < n; i++) {
		for (; j < n_held && by_owner[j]->owner < i; j++)
			;
		for (; j < n_held && by_owner[j]->owner == i; j++) {
			const char *slug = by_owner[j]->slug;
			char *copy;

			if (feeds[i].slug != NULL || slug_taken(&sl, i, slug))
				continue;
			if ((copy = strdup(slug)) == NULL || give_slug(&sl, feeds, i, copy) != 0)
				goto done;
		}
		if (feeds[i].slug != NULL) {
			free(wanted[i]);
			wanted[i] = NULL;
		}
	}
	/* New feeds in (wanted slug, link) order. */
	for (i = 0; i < n; i++) {
		order[i].wanted = wanted[i];   /* (fallback set with it) */
		order[i].link = feeds[i].link;
		order[i].k = i;
	}
	qsort(order, n, sizeof *order, by_wanted_link);
	for (i = 0; i < n; i++) {
		size_t k = order[i].k, stem;
		struct buf b = { 0 };
		uintptr_t number;
		char *host;

		if (wanted[k] == NULL)
			continue;
		if (!slug_used(&sl, k, wanted[k])) {
			if (give_slug(&sl, feeds, k, wanted[k]) != 0) {
				wanted[k] = NULL;
				goto done;
			}
			wanted[k] = NULL;
			continue;
		}
		host = feeds[k].link[0] != '\0' ? host_slug(feeds[k].link) : strdup("");
		/* A slug that already is the host's goes straight to a number. */
		if (host == NULL || buf_adds(&b, wanted[k]) != 0 ||
		    (host[0] != '\0' && strcmp(host, wanted[k]) != 0 &&
		    (buf_addc(&b, '-') != 0 || buf_adds(&b, host) != 0))) {
			free(host);
			buf_free(&b);
			goto done;
		}
		free(host);
		/* Numbers from 2, or past the last this stem was given: those
		 * below were all taken, and slugs are only ever added. */
		stem = b.len;
		number = slug_used(&sl, k, b.data) ? (uintptr_t)xmlHashLookup(sl.next, (const xmlChar *)b.data) : 0;
		for (number = number > 2 ? number : 2; slug_used(&sl, k, b.data); number++) {
			char suffix[32];

			b.len = stem;
			b.data[stem] = '\0';
			snprintf(suffix, sizeof suffix, "-%ju", (uintmax_t)number);
			if (buf_adds(&b, suffix) != 0) {
				buf_free(&b);
				goto done;
			}
			if (!slug_used(&sl, k, b.data))
				break;
		}
		if (b.len > stem) {
			char *stem_copy = strndup(b.data, stem);
			int failed = stem_copy == NULL ||
			    table_put(sl.next, stem_copy, NULL, NULL, (void *)(number + 1)) != 0;

			free(stem_copy);
			if (failed) {
				buf_free(&b);
				goto done;
			}
		}
		if ((host = buf_take(&b)) == NULL || give_slug(&sl, feeds, k, host) != 0)
			goto done;
	}
	rc = 0;
done:
	for (i = 0; wanted != NULL && i < n; i++)
		free(wanted[i]);
	free(wanted);
	free(order);
	free(by_owner);
	xmlHashFree(sl.taken, NULL);
	xmlHashFree(sl.held, NULL);
	xmlHashFree(sl.fixed, NULL);
	xmlHashFree(sl.next, NULL);
	return rc;
}

static const char *
planet_name(const struct page *page)
{
	return page->title[0] != '\0' ? page->title : "the Planet";
}

/* The newest `updated` of the entries f shows, in *t; 0 (and *t as it
 * was) when it shows none. */
static int
newest_updated(const struct feed *f, time_t *t)
{
	size_t k;

	for (k = 0; k < f->n_shown; k++)
		if (k == 0 || f->members[k].updated > *t)
			*t = f->members[k].updated;
	return f->n_shown > 0;
}

time_t
feed_updated(const struct feed *f)
{
	time_t t = f->empty_updated;

	newest_updated(f, &t);
	return f->last_updated != -1 && f->last_updated > t ? f->last_updated : t;
}

/* The author feed of slug among the n sorted by by_kind_slug, or NULL. */
static struct feed *
author_of_slug(struct feed *feeds, size_t n, const char *slug)
{
	struct feed *found = NULL;
	size_t lo = 0, hi = n, mid;
	int c;

	while (found == NULL && lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((c = strcmp(slug, feeds[mid].slug)) == 0)
			found = &feeds[mid];
		else if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return found;
}

/* Whether candidate a stands for its feed before b (see make_feed): one
 * whose rule names the feed, the rule first in the file; else one on
 * today's page, by its rule's place in the file (with a rule before
 * without); else the earlier candidate. */
static int
stands_before(const struct candidate *a, const struct candidate *b)
{
	int na = a->rule != NULL && a->rule->title != NULL, nb = b->rule != NULL && b->rule->title != NULL;
	int before;

	if (na != nb)
		before = na;
	else if (!na && (a->from_page != b->from_page || !a->from_page))
		before = a->from_page && !b->from_page;
	else
		before = a->rule != NULL && (b->rule == NULL || a->rule < b->rule);
	return before;
}

/* Whether member m is held for a topic. */
static int
held_for_topic(const struct member *m)
{
	return m->entry->topic_held && m->entry->content != NULL;
}

/* Takes out of f->gone what a topic holds (archived whole), and keeps
 * of the rest the newest keep (0: all), and all that stand before an
 * older copy with content. */
static void
trim_gone(struct feed *f, size_t keep)
{
	size_t i, w;

	for (i = w = 0; i < f->n_gone; i++)
		if (!held_for_topic(&f->gone[i]) && (f->gone[i].older_copy || keep == 0 || w < keep))
			f->gone[w++] = f->gone[i];
	f->n_gone = w;
}

/* Makes one author feed from its candidates c[0..n). */
static int
make_feed(struct feed *f, const struct page *page, struct candidate *c, size_t n,
    const struct group_options *opt, const struct archived_ids *ids, struct feed_set *set)
{
	const struct settings *s = opt->settings;
	const struct candidate *pick;
	const struct entry *first;
	const char *title = NULL, *description = NULL;
	size_t i, k, kept, gone, plain, excluded = 0;
	int rc = -1;

	f->kind = "author";
	f->n_held_whole = SIZE_MAX;
	f->members = calloc(n, sizeof *f->members);
	if (f->members == NULL)
		goto done;
	/* A feed stands for one of its sources (a feed that merges several
	 * must not change with whichever posted last): the one whose rule
	 * names the feed, first in the file; else one on today's page, first
	 * by its rule's place in the file. Its names come from the page when
	 * it has the source, as they may have been corrected there. */
	for (pick = &c[0], i = 1; i < n; i++)
		if (stands_before(&c[i], pick))
			pick = &c[i];
	first = pick->e;
	for (k = 0; k < n; k++) {
		if (c[k].from_page && c[k].rule == pick->rule && same_source(c[k].e, first)) {
			first = c[k].e;
			break;
		}
	}
	if (pick->rule != NULL) {
		title = pick->rule->title;
		description = pick->rule->description;
	}
	if (description == NULL) {
		const struct source_rule *with = NULL;

		for (i = 0; i < n; i++)
			if (c[i].rule != NULL && c[i].rule->description != NULL && (with == NULL || c[i].rule < with))
				with = c[i].rule;
		description = with != NULL ? with->description : NULL;
	}
	f->n_members = merge(c, n, f->members, opt->now, page->updated != -1 ? page->updated : opt->now,
	    opt->page_older, ids);
	for (i = 0; i < f->n_members; i++)
		set->page_entries += f->members[i].on_page;
	qsort(f->members, f->n_members, sizeof *f->members, by_date);
	if (s != NULL && s->n_exclude > 0 && (f->excluded = calloc(f->n_members, sizeof *f->excluded)) == NULL)
		goto done;
	if ((f->gone = calloc(f->n_members ? f->n_members : 1, sizeof *f->gone)) == NULL)
		goto done;
	for (i = kept = 0; i < f->n_members; i++) {
		if (f->members[i].gone)
			f->gone[f->n_gone++] = f->members[i];
		else if (s == NULL || !matches(s->exclude, s->n_exclude, f->members[i].entry, set))
			f->members[kept++] = f->members[i];
		else
			f->excluded[excluded++] = f->members[i];
	}
	f->n_members = kept;
	f->n_shown = shown(f->n_members, opt->keep);
	f->page_tail = 1;
	f->n_excluded = shown(excluded, opt->keep);
	f->n_excluded_all = excluded;
	/* What --keep cuts here off the page is gone too: should the post come
	 * back to the page (older posts come back when the Planet drops a
	 * source), it is known, its first published time with it; and an
	 * older copy with content in the archive must not come back as it. */
	for (i = f->n_shown; i < f->n_members; i++)
		if (!f->members[i].on_page)
			f->gone[f->n_gone++] = f->members[i];
	for (i = f->n_excluded; i < excluded; i++)
		if (!f->excluded[i].on_page)
			f->gone[f->n_gone++] = f->excluded[i];
	for (i = 0; i < f->n_gone; i++)
		f->gone[i].gone = 1;
	qsort(f->gone, f->n_gone, sizeof *f->gone, by_date);
	/* Those with content may be held for a topic (trim_gone, once the
	 * topics are made); of the others, the archive keeps the newest --keep
	 * and all that stand before an older copy with content. */
	for (i = gone = plain = 0; i < f->n_gone; i++) {
		if (f->gone[i].entry->content != NULL || f->gone[i].older_copy || opt->keep == 0 || plain < opt->keep) {
			plain += f->gone[i].entry->content == NULL;
			f->gone[gone++] = f->gone[i];
		}
	}
	f->n_gone = gone;
	f->named = title != NULL;
	f->described = description != NULL;
	if (title == NULL)
		title = first->source_name[0] != '\0' ? first->source_name :
		    first->source_title[0] != '\0' ? first->source_title : first->source_link;
	/* A [source] name or description is closed as a page's names are. */
	f->title = text_close_bidi(strdup(title));
	f->link = strdup(first->source_link);
	f->subtitle = strdup(first->source_title);
	f->description = description != NULL ? text_close_bidi(strdup(description)) :
	    buf_concat(f->title != NULL ? f->title : "", " on ", planet_name(page), NULL);
	if (f->title != NULL && f->link != NULL && f->subtitle != NULL && f->description != NULL)
		rc = 0;
done:
	return rc;
}


/* By title, then site label (tell_apart). */
struct titled {
	struct feed *f;
	char *label;
};

static int
by_title_label(const void *a, const void *b)
{
	const struct titled *x = a, *y = b;
	int c = strcmp(x->f->title, y->f->title);

	return c != 0 ? c : strcmp(x->label, y->label);
}

/* Whether the n feeds of one title at t have labels of their own, at
 * the given detail (sorting them by label). 0 or 1, or -1 when memory
 * runs out. */
static int
labels_apart(struct titled *t, size_t n, enum label_detail detail)
{
	size_t k;
	int apart = 1;

	for (k = 0; k < n; k++) {
		free(t[k].label);
		if ((t[k].label = site_label(t[k].f->link, detail)) == NULL)
			return -1;
	}
	qsort(t, n, sizeof *t, by_title_label);
	for (k = 1; k < n && apart; k++)
		apart = strcmp(t[k].label, t[k - 1].label) != 0;
	return apart;
}

/* Author feeds of one title (two sources of one name, told apart by
 * their sites; --only may leave all but one unwritten, which need
 * nothing) are told apart where readers show them, in their titles:
 * "Bob (bob.example)" and "Bob (other-bob.example)", with the path too
 * when they share a host ("Bob (medium.com/@bob)"), and "www.", the port
 * and the query when those are what differs ("Bob (blog.example/?a=2)").
 * Not a title or description a [source] rule gave, nor one with no site
 * to name. Slugs are given by then, so a second source of a name
 * changes no file name. 0, or -1 when memory runs out. */
static int
tell_apart(struct feed *feeds, size_t n, const struct page *page)
{
	struct titled *t = calloc(n + 1, sizeof *t);
	size_t i, j, k, n_shown = 0;
	enum label_detail detail;
	char *title, *description;
	int apart, rc = -1;

	if (t == NULL)
		goto done;
	/* Only those with files: --only shows readers no other. */
	for (i = 0, n_shown = 0; i < n; i++) {
		if (feeds[i].hidden)
			continue;
		t[n_shown].f = &feeds[i];
		if ((t[n_shown++].label = site_label(feeds[i].link, LABEL_HOST)) == NULL)
			goto done;
	}
	n = n_shown;
	qsort(t, n, sizeof *t, by_title_label);
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && strcmp(t[j].f->title, t[i].f->title) == 0; j++)
			;
		if (j - i < 2)
			continue;
		/* Hosts alike: the paths tell them apart, else all the rest
		 * (the same site but for its scheme or case stays alike). */
		for (detail = LABEL_HOST, apart = 0; detail <= LABEL_ALL && apart == 0; detail++)
			if ((apart = labels_apart(t + i, j - i, detail)) < 0)
				goto done;
		for (k = i; k < j; k++) {
			if (t[k].f->named || t[k].label[0] == '\0')
				continue;
			if ((title = buf_concat(t[k].f->title, " (", t[k].label, ")", NULL)) == NULL)
				goto done;
			description = t[k].f->described ? NULL : buf_concat(title, " on ", planet_name(page), NULL);
			if (!t[k].f->described && description == NULL) {
				free(title);
				goto done;
			}
			if (!t[k].f->described) {
				free(t[k].f->description);
				t[k].f->description = description;
			}
			free(t[k].f->title);   /* (the group's end is found: no longer compared) */
			t[k].f->title = title;
		}
	}
	rc = 0;
done:
	for (i = 0; t != NULL && i < n_shown; i++)
		free(t[i].label);
	free(t);
	return rc;
}

/* A copy of a post a topic may show: one of an author feed's members, or
 * a record its archive keeps of one it no longer shows. */
struct topic_copy {
	struct member m;
	int shown;               /* its author feed's archive keeps it whole */
};

/* By id; of one post's copies, its newest record first (the one changed
 * last, shown before not shown), then by date and feed, so that the
 * order never depends on input order. */
static int
by_copy_id(const void *a, const void *b)
{
	const struct topic_copy *x = a, *y = b;
	int c = strcmp(x->m.entry->id, y->m.entry->id);

	if (c == 0 && x->m.updated != y->m.updated)
		c = x->m.updated > y->m.updated ? -1 : 1;
	if (c == 0 && x->shown != y->shown)
		c = x->shown ? -1 : 1;
	if (c == 0)
		c = by_date(&x->m, &y->m);
	return c != 0 ? c : strcmp(x->m.source_slug, y->m.source_slug);
}

/* Whether an author feed's member k goes to its archive: shown, on
 * today's page, or shown by a topic (held whole, so that the topic keeps
 * it past --keep of its source). */
static int
archived(const struct feed *f, size_t k)
{
	return k < f->n_shown || (f->page_tail && f->members[k].on_page) || held_for_topic(&f->members[k]);
}

/* Whether an author feed's member k may be in a topic: archived, or cut
 * by --keep this run, or held for a topic the last one, with its content
 * (a topic keeps its own newest --keep, whatever its sources keep: a post
 * on a rare subject from a source that posts often stays, and one it
 * dropped does not come back when another source's newer ones leave). */
static int
topic_candidate(const struct feed *f, size_t k)
{
	return archived(f, k) || (!f->members[k].on_page && f->members[k].entry->content != NULL);
}

/* Makes a topic feed from the members of every author feed that their
 * archives keep: what the next run reads again, so that an unchanged page
 * makes the same topic, and a topic entry keeps its history. A post two
 * feeds have (a source the Planet renamed: its old feed keeps the post as
 * it was; a post the Planet shows under two sources) is shown once, as
 * its newest record, when that record matches, or a copy its feed shows
 * with the same title and content does (the one under "Alice on Django"
 * for a topic on Django; not one an edit since left behind), and the
 * record is not excluded; with the first date of them all: which copy is
 * newest changes with their edits, and its published time must not.
 * When that record is not shown (--keep cut it from its feed), neither
 * is the post: an older copy would take its updated time and content
 * back. */
static int
make_topic(struct feed *t, const struct topic *topic, struct feed_set *set, size_t n_authors,
    const struct group_options *opt)
{
	struct topic_copy *copies = NULL;
	size_t i, j, k, n = 0, n_copies = 0;
	int rc = -1;

	t->kind = "topic";
	for (i = 0; i < n_authors; i++)
		n += set->feeds[i].n_members + set->feeds[i].n_gone;
	t->members = calloc(n ? n : 1, sizeof *t->members);
	copies = calloc(n ? n : 1, sizeof *copies);
	if (t->members == NULL || copies == NULL)
		goto done;
	for (i = 0; i < n_authors; i++) {
		const struct feed *f = &set->feeds[i];

		for (k = 0; k < f->n_members; k++)
			copies[n_copies++] = (struct topic_copy){ f->members[k], topic_candidate(f, k) };
		for (k = 0; k < f->n_gone; k++)
			copies[n_copies++] = (struct topic_copy){ f->gone[k], 0 };
	}
	qsort(copies, n_copies, sizeof *copies, by_copy_id);
	for (i = 0; i < n_copies; i = j) {
		struct entry *newest = copies[i].m.entry;
		time_t first = copies[i].m.published;
		int hit = 0;

		/* copies[i..j): one post's, its newest record first */
		for (j = i; j < n_copies && strcmp(copies[j].m.entry->id, newest->id) == 0; j++) {
			struct entry *e = copies[j].m.entry;

			first = copies[j].m.published < first ? copies[j].m.published : first;
			hit = hit || (copies[i].shown && copies[j].shown && (j == i ||
			    (strcmp(known_title(e), known_title(newest)) == 0 && content_hash(e) == content_hash(newest))) &&
			    matches(topic->match, topic->n_match, e, set));
		}
		if (hit && !matches(topic->exclude, topic->n_exclude, newest, set)) {
			t->members[t->n_members] = copies[i].m;
			t->members[t->n_members++].published = first;
		}
	}
	qsort(t->members, t->n_members, sizeof *t->members, by_date);
	t->n_shown = shown(t->n_members, opt->keep);
	/* The user's names are closed as a page's are: "NAME posts on ..." */
	if ((t->subtitle = text_close_bidi(strdup(topic->name))) == NULL)
		goto done;
	t->title = topic->title != NULL ? text_close_bidi(strdup(topic->title)) :
	    buf_concat(planet_name(set->page), " \xe2\x80\x94 ", t->subtitle, NULL);
	t->description = topic->description != NULL ? text_close_bidi(strdup(topic->description)) :
	    buf_concat(t->subtitle, " posts on ", planet_name(set->page), NULL);
	t->link = strdup(set->page->link != NULL ? set->page->link : "");
	if (t->title != NULL && t->description != NULL && t->link != NULL)
		rc = 0;
done:
	free(copies);
	return rc;
}

/* Whether --only lets a feed have author files: its name or site link
 * matches. */
static int
listed(const struct feed *f, const struct settings *s, struct feed_set *set)
{
	const char *subjects[2] = { f->title, f->link };
	const struct entry *seen = NULL;
	size_t i;
	int yes = s == NULL || s->n_only == 0 || any_match_formed(s->only, s->n_only, subjects, 2, set);

	/* Also by the page's names of its sources, as topics and [source]
	 * sections know them, when a rule renamed the feed, and by the site
	 * links of every source a rule merged into it. */
	for (i = 0; !yes && i < f->n_members; i++) {
		const struct entry *e = f->members[i].entry;
		const char *name = e->source_name, *link = e->source_link;

		if (seen != NULL && strcmp(name, seen->source_name) == 0 && strcmp(link, seen->source_link) == 0)
			continue;
		seen = e;
		yes = (strcmp(name, f->title) != 0 && any_match_formed(s->only, s->n_only, &name, 1, set)) ||
		    (link[0] != '\0' && strcmp(link, f->link) != 0 && any_match_formed(s->only, s->n_only, &link, 1, set));
	}
	/* ...and by the names and links of the [source] sections that give
	 * it its slug: a source merged into it whose posts --keep has cut
	 * from it still feeds it, so that the next run picks the same feeds. */
	for (i = 0; !yes && i < s->n_sources; i++) {
		const struct source_rule *r = &s->sources[i];
		const char *ruled[2] = { r->name, r->link };

		if (r->slug != NULL && strcmp(r->slug, f->slug) == 0)
			yes = any_match_formed(s->only, s->n_only, ruled, r->link != NULL ? 2 : 1, set);
	}
	return yes;
}

static int
is_made_up(const char *id)
{
	return strncmp(id, ENTRY_MADE_UP_ID, sizeof ENTRY_MADE_UP_ID - 1) == 0 && strlen(id) < 64;
}

/* Replaces e's id with a copy of id. */
static int
set_id(struct entry *e, const char *id)
{
	char *copy = strdup(id);

	if (copy != NULL) {
		free(e->id);
		e->id = copy;
	}
	return copy != NULL ? 0 : -1;
}

/* Orders of the archive's posts without a permalink, for
 * made_up_edit_of: by site and title, by site and date (run_with), and
 * each then by date and id (qsort), so that of equals the first by id
 * comes first. */
static int
site_title_cmp(const struct entry *x, const struct entry *y)
{
	int c = html_site_cmp(x->source_link, y->source_link);

	return c != 0 ? c : strcmp(known_title(x), known_title(y));
}

static int
site_date_cmp(const struct entry *x, const struct entry *y)
{
	int c = html_site_cmp(x->source_link, y->source_link);

	return c != 0 ? c : (x->shown > y->shown) - (x->shown < y->shown);
}

static int
by_site_title(const void *a, const void *b)
{
	const struct entry *x = *(const struct entry *const *)a, *y = *(const struct entry *const *)b;
	int c = site_title_cmp(x, y);

	if (c == 0)
		c = (x->shown > y->shown) - (x->shown < y->shown);
	return c != 0 ? c : strcmp(x->id, y->id);
}

static int
by_site_date(const void *a, const void *b)
{
	const struct entry *x = *(const struct entry *const *)a, *y = *(const struct entry *const *)b;
	int c = site_date_cmp(x, y);

	return c != 0 ? c : strcmp(x->id, y->id);
}

/* The first of sorted[lo..hi) (one title's run, by date) shown at t or
 * later (after: later than t). */
static size_t
first_shown(const struct entry *const *sorted, size_t lo, size_t hi, time_t t, int after)
{
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (after ? sorted[mid]->shown <= t : sorted[mid]->shown < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* An archived post and its place in by_title, to sort by_site_date. */
struct dated {
	const struct entry *e;
	size_t at;
};

static int
by_site_date_dated(const void *a, const void *b)
{
	return by_site_date(&((const struct dated *)a)->e, &((const struct dated *)b)->e);
}

/* The archive's posts without a permalink, for made_up_edit_of: sorted
 * by_site_title, and by_site_date (date_at[j]: by_date[j]'s place in
 * by_title); for each place in by_title, the content_hash, whether its id
 * is taken, and the next place with the same id (n: none). */
struct made_up_posts {
	const struct entry **by_title, **by_date;
	size_t *date_at, *same_id, n;
	unsigned long long *hash;
	char *taken;
};

/* The archived post without a permalink that e (its made-up id unknown to
 * the archive) was, of the n archived posts without one (in by_title,
 * sorted by_site_title, and by_date, sorted by_site_date; only those of
 * e's site with its title or its date can be it, so that a site with
 * many such posts costs no walk over all of them for each): of
 * e's source (renamed_or_same_source), with no id in taken, and, best
 * first, the same title, date and content, the same title and date (a
 * site moved to https, a source renamed: the id was made of both), else,
 * when the page last showed it newer than its oldest post (it left the
 * page as it changed, not as it aged; see edited_post) and unless
 * strict, the same title (re-dated by an edit: Planet 2.0 shows a post's
 * updated time), the same date (retitled), or, untitled, the same
 * content; NULL when none. Of equals, the newest, then the first by id.
 * Each rank walks only what could be better than the best yet, and tells
 * taken posts by a flag: a site with thousands of posts without a
 * permalink, untitled or of one title, costs little more for each than
 * a search. */
static const struct entry *
made_up_edit_of(const struct entry *e, unsigned long long hash, const struct made_up_posts *m, time_t oldest,
    int strict)
{
	const struct entry *const *by_title = m->by_title;
	const struct entry *best = NULL;
	const char *title = known_title(e);
	size_t lo, hi, same_lo, same_hi, newer, i, j;
	int best_rank = 5, rank;
	time_t at = 0;

	run_with(by_title, m->n, site_title_cmp, e, &lo, &hi);
	/* Ranks 0 and 1: the title and date, by id. */
	same_lo = first_shown(by_title, lo, hi, e->shown, 0);
	same_hi = first_shown(by_title, same_lo, hi, e->shown, 1);
	for (i = same_lo; i < same_hi && best_rank > 0; i++) {
		rank = m->hash[i] == hash ? 0 : 1;
		if (rank < best_rank && !m->taken[i] && renamed_or_same_source(by_title[i], e)) {
			best = by_title[i];
			best_rank = rank;
		}
	}
	/* Ranks 2 and 4: the title, shown later than the page's oldest
	 * post, the newest first, then by id (the last of its date here). */
	newer = strict ? hi : first_shown(by_title, lo, hi, oldest, 1);
	for (i = hi; i-- > newer && best_rank > (title[0] != '\0' ? 2 : 4);) {
		if (best != NULL && by_title[i]->shown < at)
			break;   /* older than the one found */
		if (by_title[i]->shown == e->shown || (title[0] == '\0' && m->hash[i] != hash) || m->taken[i] ||
		    !renamed_or_same_source(by_title[i], e))
			continue;
		best = by_title[i];
		at = best->shown;
	}
	if (best != NULL && best_rank > 1)
		best_rank = title[0] != '\0' ? 2 : 4;
	/* Rank 3: the date, another title, by id. */
	if (!strict && e->shown > oldest && best_rank > 3) {
		run_with(m->by_date, m->n, site_date_cmp, e, &lo, &hi);
		for (j = lo; j < hi; j++) {
			const struct entry *a = m->by_date[j];

			if (!m->taken[m->date_at[j]] && strcmp(known_title(a), title) != 0 && renamed_or_same_source(a, e)) {
				best = a;
				best_rank = 3;
				break;
			}
		}
	}
	return best_rank < 5 ? best : NULL;
}

/* Posts without a usable permalink that share source, title and minute
 * (untitled status posts, say) share a made-up id, and would be taken for
 * one post. A post keeps the id the archive has for its content: the
 * plain one, or the plain one with "-" and a hash of its content. Other
 * posts take the plain id when no post of the archive has it (the first
 * of several on the page), or when they are the only one on the page (an
 * edit keeps its id, as a titled post's does); the rest get the hash. So
 * ids do not move to another post as posts come, go or change places. */
static int
distinguish_made_up_ids(struct page *page, const struct state *archive)
{
	xmlHashTablePtr known = NULL, variants = NULL, count = NULL, kept = NULL, taken = NULL;
	unsigned long long *hash = NULL;   /* of each made-up entry's content */
	struct made_up_posts m = { NULL, NULL, NULL, NULL, 0, NULL, NULL };   /* made_up_edit_of's, when needed */
	struct dated *dated = NULL;
	xmlHashTablePtr id_at = NULL;
	char *done = NULL, id[96];
	size_t i, k, unknown = 0;
	time_t oldest = 0;
	int pass, rc = -1;

	if ((known = xmlHashCreate(64)) == NULL || (variants = xmlHashCreate(64)) == NULL ||
	    (count = xmlHashCreate(64)) == NULL || (kept = xmlHashCreate(64)) == NULL ||
	    (taken = xmlHashCreate(64)) == NULL ||
	    (hash = calloc(page->n_entries + 1, sizeof *hash)) == NULL ||
	    (done = calloc(page->n_entries + 1, 1)) == NULL)
		goto done;
	/* The content the archive has under each made-up id. */
	for (i = 0; archive != NULL && i < archive->n_feeds; i++)
		for (k = 0; k < archive->feeds[i].n_entries; k++) {
			const struct entry *e = &archive->feeds[i].entries[k];

			if (is_made_up(e->id) && table_put(known, e->id, NULL, NULL, (void *)e) != 0)
				goto done;
		}
	/* How many different contents share each id on the page. */
	for (i = 0; i < page->n_entries; i++) {
		const struct entry *e = &page->entries[i];

		if (!is_made_up(e->id)) {
			done[i] = 1;
			continue;
		}
		hash[i] = content_hash(e);
		snprintf(id, sizeof id, "%s %016llx", e->id, hash[i]);
		if (xmlHashLookup(variants, (const xmlChar *)id) == NULL) {
			uintptr_t n = (uintptr_t)xmlHashLookup(count, (const xmlChar *)e->id) + 1;

			if (xmlHashAddEntry(variants, (const xmlChar *)id, (void *)1) != 0 ||
			    table_put(count, e->id, NULL, NULL, (void *)n) != 0)
				goto done;
		}
	}
	/* Posts the archive knows keep their ids. */
	for (i = 0; i < page->n_entries; i++) {
		struct entry *e = &page->entries[i];
		const struct entry *old;

		if (done[i])
			continue;
		snprintf(id, sizeof id, "%s-%08llx", e->id, hash[i] & 0xffffffffULL);
		if (xmlHashLookup(known, (const xmlChar *)id) != NULL) {
			if (set_id(e, id) != 0)
				goto done;
			done[i] = 1;
		} else if ((old = xmlHashLookup(known, (const xmlChar *)e->id)) != NULL && content_hash(old) == hash[i]) {
			if (table_put(kept, e->id, NULL, NULL, (void *)(uintptr_t)(i + 1)) != 0)
				goto done;
			done[i] = 1;
		}
	}
	/* Posts whose id the archive does not know but that it had under
	 * another (made_up_edit_of), oldest first, first by title and date. */
	for (i = 0; i < page->n_entries; i++) {
		const struct entry *e = &page->entries[i];

		if (i == 0 || e->published < oldest)
			oldest = e->published;
		if (is_made_up(e->id) && table_put(taken, e->id, NULL, NULL, (void *)1) != 0)
			goto done;
		unknown += !done[i] && xmlHashLookup(known, (const xmlChar *)e->id) == NULL;
	}
	/* Only archived posts without a permalink can be what such a post
	 * was: those alone are sorted, two ways. The archive holds some, as
	 * known does. */
	if (unknown > 0 && xmlHashSize(known) > 0) {
		size_t n_all = 0;

		for (i = 0; i < archive->n_feeds; i++)
			n_all += archive->feeds[i].n_entries;
		if ((m.by_title = calloc(n_all + 1, sizeof *m.by_title)) == NULL ||
		    (m.by_date = calloc(n_all + 1, sizeof *m.by_date)) == NULL ||
		    (m.date_at = calloc(n_all + 1, sizeof *m.date_at)) == NULL ||
		    (m.same_id = calloc(n_all + 1, sizeof *m.same_id)) == NULL ||
		    (m.hash = calloc(n_all + 1, sizeof *m.hash)) == NULL ||
		    (m.taken = calloc(n_all + 1, 1)) == NULL || (dated = calloc(n_all + 1, sizeof *dated)) == NULL ||
		    (id_at = xmlHashCreate(64)) == NULL)
			goto done;
		for (i = 0; i < archive->n_feeds; i++)
			for (k = 0; k < archive->feeds[i].n_entries; k++)
				if (is_made_up(archive->feeds[i].entries[k].id) && archive->feeds[i].entries[k].link[0] == '\0')
					m.by_title[m.n++] = &archive->feeds[i].entries[k];
		qsort(m.by_title, m.n, sizeof *m.by_title, by_site_title);
		for (i = 0; i < m.n; i++)
			dated[i] = (struct dated){ m.by_title[i], i };
		qsort(dated, m.n, sizeof *dated, by_site_date_dated);
		/* Each id's places in by_title, chained from the last, and
		 * whether it is taken. */
		for (i = m.n; i-- > 0;) {
			const struct entry *a = m.by_title[i];
			uintptr_t next = (uintptr_t)xmlHashLookup(id_at, (const xmlChar *)a->id);

			m.by_date[i] = dated[i].e;
			m.date_at[i] = dated[i].at;
			m.hash[i] = content_hash(a);
			m.taken[i] = xmlHashLookup(taken, (const xmlChar *)a->id) != NULL;
			m.same_id[i] = next != 0 ? next - 1 : m.n;
			if (table_put(id_at, a->id, NULL, NULL, (void *)(uintptr_t)(i + 1)) != 0)
				goto done;
		}
	}
	for (pass = 0; m.by_title != NULL && pass < 2; pass++)
		for (i = page->n_entries; i-- > 0;) {
			struct entry *e = &page->entries[i];
			const struct entry *was;
			uintptr_t at;

			if (done[i] || xmlHashLookup(known, (const xmlChar *)e->id) != NULL ||
			    (was = made_up_edit_of(e, hash[i], &m, oldest, pass == 0)) == NULL)
				continue;
			if (xmlHashAddEntry(taken, (const xmlChar *)was->id, (void *)1) != 0 || set_id(e, was->id) != 0)
				goto done;
			for (at = (uintptr_t)xmlHashLookup(id_at, (const xmlChar *)was->id); at != 0 && at - 1 < m.n;
			    at = m.same_id[at - 1] + 1)
				m.taken[at - 1] = 1;
			done[i] = 1;
		}
	/* The others. */
	for (i = 0; i < page->n_entries; i++) {
		struct entry *e = &page->entries[i];
		uintptr_t keeper;

		if (done[i])
			continue;
		keeper = (uintptr_t)xmlHashLookup(kept, (const xmlChar *)e->id);
		if (keeper == 0 && ((uintptr_t)xmlHashLookup(count, (const xmlChar *)e->id) < 2 ||
		    xmlHashLookup(known, (const xmlChar *)e->id) == NULL)) {
			if (xmlHashAddEntry(kept, (const xmlChar *)e->id, (void *)(uintptr_t)(i + 1)) != 0)
				goto done;
			continue;
		}
		if (keeper != 0 && hash[keeper - 1] == hash[i])
			continue;   /* a copy of the post that has the id */
		snprintf(id, sizeof id, "%s-%08llx", e->id, hash[i] & 0xffffffffULL);
		if (set_id(e, id) != 0)
			goto done;
	}
	rc = 0;
done:
	xmlHashFree(known, NULL);
	xmlHashFree(variants, NULL);
	xmlHashFree(count, NULL);
	xmlHashFree(kept, NULL);
	xmlHashFree(taken, NULL);
	xmlHashFree(id_at, NULL);
	free(m.by_title);
	free(m.by_date);
	free(m.date_at);
	free(m.same_id);
	free(m.hash);
	free(m.taken);
	free(dated);
	free(hash);
	free(done);
	return rc;
}

/* Known posts by permalink: one table by permalink, title and date, one
 * by permalink and title, one by permalink and date, one by permalink and
 * content for untitled posts (the first post recorded under each key),
 * the permalinks in use (as links, or as ids kept when one moved), and
 * the archived posts the page shows (by id, to the page's post that is
 * it). A date is the one the page last gave the post (shown), not its
 * first: a post the Planet re-dated is known by its new date once its
 * title changes too. Then, for posts whose permalink moved (moved_post),
 * the archived posts by title, date and source, and the permalinks of
 * the page's posts. */
struct known_posts {
	xmlHashTablePtr exact, by_title, by_date, by_content, claimed, links;
	xmlHashTablePtr by_post, on_page;
};

/* An archived post and the content_hash of it. */
struct hashed_post {
	unsigned long long hash;
	const struct entry *e;
};

/* The archive's n posts sorted three ways, for edited_post, and a fourth,
 * by_content, made the first time a permalink is shared. */
struct archived_links {
	const struct entry **by_link, **by_name, **by_site;
	struct hashed_post *by_content;
	size_t n;
};

static int
record_post(struct known_posts *k, struct entry *e)
{
	const char *title = known_title(e), *link = entry_link(e), *id = link;
	/* A post that kept its id when its permalink moved (moved_post) has
	 * that permalink too: no other post may take it as its id. */
	char date[32], digest[17], *id_uri = NULL;
	int rc = -1;

	if (!is_made_up(e->id) && strcmp(e->id, e->link) != 0) {
		if (as_uri(e->id, &id_uri) != 0)
			goto done;
		id = without_scheme(id_uri != NULL ? id_uri : e->id);
	}
	snprintf(date, sizeof date, "%lld", (long long)e->shown);
	if (title[0] == '\0')
		content_digest(e, digest);
	rc = (xmlHashLookup(k->links, (const xmlChar *)link) == NULL &&
	    xmlHashAddEntry(k->links, (const xmlChar *)link, e) != 0) ||
	    (xmlHashLookup(k->links, (const xmlChar *)id) == NULL &&
	    xmlHashAddEntry(k->links, (const xmlChar *)id, e) != 0) ||
	    (xmlHashLookup3(k->exact, (const xmlChar *)link, (const xmlChar *)title, (const xmlChar *)date) == NULL &&
	    xmlHashAddEntry3(k->exact, (const xmlChar *)link, (const xmlChar *)title, (const xmlChar *)date, e) != 0) ||
	    (title[0] != '\0' && xmlHashLookup2(k->by_title, (const xmlChar *)link, (const xmlChar *)title) == NULL &&
	    xmlHashAddEntry2(k->by_title, (const xmlChar *)link, (const xmlChar *)title, e) != 0) ||
	    (xmlHashLookup2(k->by_date, (const xmlChar *)link, (const xmlChar *)date) == NULL &&
	    xmlHashAddEntry2(k->by_date, (const xmlChar *)link, (const xmlChar *)date, e) != 0) ||
	    (title[0] == '\0' && xmlHashLookup2(k->by_content, (const xmlChar *)link, (const xmlChar *)digest) == NULL &&
	    xmlHashAddEntry2(k->by_content, (const xmlChar *)link, (const xmlChar *)digest, e) != 0) ? -1 : 0;
done:
	free(id_uri);
	return rc;
}

/* The known post e is, by permalink and the same title and date, else
 * the same title (not none), else (unless strong) the same date (an edit
 * changes one, seldom both), else, untitled, the same content (re-dated:
 * the archive keeps the date it was first seen with, and an untitled post
 * has nothing else to be known by); NULL when none. */
static const struct entry *
known_post(const struct known_posts *k, const struct entry *e, int strong)
{
	const struct entry *p;
	const char *title = known_title(e), *link = entry_link(e);
	char date[32], digest[17];

	snprintf(date, sizeof date, "%lld", (long long)e->shown);
	if ((p = xmlHashLookup3(k->exact, (const xmlChar *)link, (const xmlChar *)title, (const xmlChar *)date)) == NULL &&
	    (title[0] == '\0' ||
	    (p = xmlHashLookup2(k->by_title, (const xmlChar *)link, (const xmlChar *)title)) == NULL) && !strong)
		p = xmlHashLookup2(k->by_date, (const xmlChar *)link, (const xmlChar *)date);
	if (p == NULL && title[0] == '\0' && !strong) {
		content_digest(e, digest);
		p = xmlHashLookup2(k->by_content, (const xmlChar *)link, (const xmlChar *)digest);
	}
	return p;
}

/* Records archived post e by title, date and source name (name_key), for
 * moved_post. */
static int
record_archived_post(struct known_posts *k, const struct entry *e)
{
	const xmlChar *title = (const xmlChar *)known_title(e), *name = (const xmlChar *)name_key(e);
	char date[32];

	if (title[0] == '\0')
		return 0;
	snprintf(date, sizeof date, "%lld", (long long)e->shown);
	return xmlHashLookup3(k->by_post, title, (const xmlChar *)date, name) == NULL &&
	    xmlHashAddEntry3(k->by_post, title, (const xmlChar *)date, name, (void *)e) != 0 ? -1 : 0;
}

/* The archived post that e, whose permalink no post has (but maybe as its
 * id), is under its old permalink: of its source (same name and site),
 * with its title (not none: untitled notes of one minute and words may
 * be two), date and content, and whose own permalink no post on the page
 * has. The blog moved it (a new host, a tracking query added, a last
 * '/'); the same words at the same minute are the same post, and must
 * not come to its readers twice, as a post whose site moved to https does
 * not. NULL when none. */
static const struct entry *
moved_post(const struct known_posts *k, const struct entry *e)
{
	const struct entry *p;
	char date[32];

	if (known_title(e)[0] == '\0')
		return NULL;
	snprintf(date, sizeof date, "%lld", (long long)e->shown);
	p = xmlHashLookup3(k->by_post, (const xmlChar *)known_title(e), (const xmlChar *)date,
	    (const xmlChar *)name_key(e));
	return p != NULL && same_source(p, e) && xmlHashLookup(k->on_page, (const xmlChar *)entry_link(p)) == NULL &&
	    xmlHashLookup(k->claimed, (const xmlChar *)p->id) == NULL && content_hash(p) == content_hash(e) ? p : NULL;
}

static int
by_link(const void *a, const void *b)
{
	int c = strcmp(entry_link(*(const struct entry *const *)a), entry_link(*(const struct entry *const *)b));

	return c != 0 ? c : by_id_then_updated(a, b);
}

/* Orders of posts by permalink, then by source name or by source site:
 * the archived posts edited_post may pick for a post are two runs of
 * these, not every post with its permalink (a Planet's podcasts, or one
 * post faking thousands of sources, can give thousands one permalink). */
static int
link_then_name(const struct entry *x, const struct entry *y)
{
	int c = strcmp(entry_link(x), entry_link(y));

	return c != 0 ? c : strcmp(x->source_name, y->source_name);
}

static int
link_then_site(const struct entry *x, const struct entry *y)
{
	int c = strcmp(entry_link(x), entry_link(y));

	return c != 0 ? c : html_site_cmp(x->source_link, y->source_link);
}

static int
by_link_then_name(const void *a, const void *b)
{
	return link_then_name(*(const struct entry *const *)a, *(const struct entry *const *)b);
}

static int
by_link_then_site(const void *a, const void *b)
{
	return link_then_site(*(const struct entry *const *)a, *(const struct entry *const *)b);
}

/* The archive's posts in *sorted (malloc'd), in cmp's order. */
static int
sort_archive(const struct state *archive, int (*cmp)(const void *, const void *), const struct entry ***sorted,
    size_t *n)
{
	size_t i, k;

	*n = 0;
	for (i = 0; archive != NULL && i < archive->n_feeds; i++)
		*n += archive->feeds[i].n_entries;
	if ((*sorted = calloc(*n + 1, sizeof **sorted)) != NULL) {
		*n = 0;
		for (i = 0; archive != NULL && i < archive->n_feeds; i++)
			for (k = 0; k < archive->feeds[i].n_entries; k++)
				(*sorted)[(*n)++] = &archive->feeds[i].entries[k];
		qsort(*sorted, *n, sizeof **sorted, cmp);
	}
	return *sorted != NULL ? 0 : -1;
}


static int
by_link_content(const void *a, const void *b)
{
	const struct hashed_post *x = a, *y = b;
	int c = strcmp(entry_link(x->e), entry_link(y->e));

	return c != 0 ? c : (x->hash > y->hash) - (x->hash < y->hash);
}

/* by_link_content's order of x against a post of e's permalink and
 * content hash. */
static int
link_content_cmp(const struct hashed_post *x, const struct entry *e, unsigned long long hash)
{
	int c = strcmp(entry_link(x->e), entry_link(e));

	return c != 0 ? c : (x->hash > hash) - (x->hash < hash);
}

/* Whether archived post p, of e's permalink (and content, when it is
 * shared), is a better edited_post for e than best (NULL: none yet): of
 * e's source, shown newer than oldest, not claimed, and newer than best,
 * or as new and first by id, so that the order posts are looked at in
 * does not matter. The cheap tests first. */
static int
better_edit(const struct known_posts *k, const struct entry *p, const struct entry *e, time_t oldest,
    const struct entry *best)
{
	return p->shown > oldest && (best == NULL || p->shown > best->shown ||
	    (p->shown == best->shown && by_id_then_updated(&p, &best) < 0)) &&
	    renamed_or_same_source(p, e) && xmlHashLookup(k->claimed, (const xmlChar *)p->id) == NULL;
}

/* The archived post that e, matching none by title or date, is an edit
 * of: one of its source (its name or its site: a source the Planet renames
 * keeps its site) with its permalink, that no post on the page is,
 * and that the page last showed newer than its other posts (so did not
 * just drop off the page: it left because it changed; Planet 2.0 shows an
 * entry's updated time, so an edit moves the date, and a retitle moves
 * both; its first date may be older than the page's posts). Not
 * one of the oldest minute: the Planet's cut may fall between posts of one
 * minute, and a new episode taking the id of one that just dropped off
 * would be shown as an old post edited, or not at all; an edit taken for
 * a new post is only shown twice. For the same reason, when the archive
 * has other posts with the permalink (episodes that all link to a home
 * page), it is no post's own: only a post that kept its content is an
 * edit of one of them (an episode retitled); one that changed title, date
 * and content cannot be told from a new episode that came as one left
 * the page re-dated.
 * The archive's posts are in a->by_link, a->by_name and a->by_site, and,
 * once a permalink is shared, a->by_content (made here). In *out, or NULL;
 * returns 0, or -1 when memory runs out. */
static int
edited_post(const struct known_posts *k, struct archived_links *a, const struct entry *e, time_t oldest,
    const struct entry **out)
{
	const struct entry *best = NULL, *const *runs[2] = { a->by_name, a->by_site };
	unsigned long long hash = 0;
	size_t lo, hi, mid, r;
	int shared, rc = -1;

	*out = NULL;
	/* Copies of one post (in the archives of sources a rule merges)
	 * share its id: other ids are other posts. by_link sorts a
	 * permalink's posts by id. */
	run_with(a->by_link, a->n, by_link_only, e, &lo, &hi);
	shared = lo < hi && strcmp(a->by_link[lo]->id, a->by_link[hi - 1]->id) != 0;
	if (shared) {
		/* Only a post with e's content can be it: those, by permalink
		 * and content, not every post with the permalink (a podcast's
		 * thousand episodes linking to its home page). */
		hash = content_hash(e);
		if (a->by_content == NULL) {
			if ((a->by_content = calloc(a->n + 1, sizeof *a->by_content)) == NULL)
				goto done;
			for (r = 0; r < a->n; r++) {
				a->by_content[r].e = a->by_link[r];
				a->by_content[r].hash = content_hash(a->by_link[r]);
			}
			qsort(a->by_content, a->n, sizeof *a->by_content, by_link_content);
		}
		for (lo = 0, hi = a->n; lo < hi;) {
			mid = lo + (hi - lo) / 2;
			if (link_content_cmp(&a->by_content[mid], e, hash) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (; lo < a->n && link_content_cmp(&a->by_content[lo], e, hash) == 0; lo++) {
			const struct entry *p = a->by_content[lo].e;

			if (better_edit(k, p, e, oldest, best))
				best = p;
		}
	} else {
		for (r = 0; r < 2; r++) {
			run_with(runs[r], a->n, r == 0 ? link_then_name : link_then_site, e, &lo, &hi);
			for (; lo < hi; lo++)
				if (better_edit(k, runs[r][lo], e, oldest, best))
					best = runs[r][lo];
		}
	}
	*out = best;
	rc = 0;
done:
	return rc;
}

/* Posts that share a permalink (a podcast whose episodes all link to its
 * home page) but neither title nor date are different posts: the Planet
 * shows them apart, as it tells items apart by their feeds' ids. The
 * archive's posts keep their ids; a post from the page, oldest first,
 * takes the id of the post it is (known_post) or was before an edit
 * (edited_post), else the permalink when no post has that permalink, else
 * ENTRY_MADE_UP_ID and a hash of the permalink, title and date. So ids
 * never move to another post as posts come, go or change. On one page,
 * another title is another post, whatever the date. */
static int
distinguish_shared_permalinks(struct page *page, const struct state *archive)
{
	struct known_posts k = { NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL };
	struct archived_links archived = { NULL, NULL, NULL, NULL, 0 };   /* made when first needed */
	time_t oldest = 0, second = 0;   /* the page's two oldest dates */
	size_t i, j, at = 0;
	int pass, rc = -1;

	if ((k.exact = xmlHashCreate(64)) == NULL || (k.by_title = xmlHashCreate(64)) == NULL ||
	    (k.by_date = xmlHashCreate(64)) == NULL || (k.by_content = xmlHashCreate(64)) == NULL ||
	    (k.claimed = xmlHashCreate(64)) == NULL || (k.links = xmlHashCreate(64)) == NULL ||
	    (k.by_post = xmlHashCreate(64)) == NULL || (k.on_page = xmlHashCreate(64)) == NULL)
		goto done;
	for (i = 0; archive != NULL && i < archive->n_feeds; i++)
		for (j = 0; j < archive->feeds[i].n_entries; j++)
			if (archive->feeds[i].entries[j].link[0] != '\0' &&
			    (record_post(&k, &archive->feeds[i].entries[j]) != 0 ||
			    record_archived_post(&k, &archive->feeds[i].entries[j]) != 0))
				goto done;
	for (i = 0; i < page->n_entries; i++) {
		const struct entry *e = &page->entries[i];

		if (e->link[0] != '\0' && xmlHashLookup(k.on_page, (const xmlChar *)entry_link(e)) == NULL &&
		    xmlHashAddEntry(k.on_page, (const xmlChar *)entry_link(e), (void *)e) != 0)
			goto done;
		if (i == 0 || e->published < oldest) {
			second = i == 0 ? e->published : oldest;
			oldest = e->published;
			at = i;
		} else if (i == 1 || e->published < second) {
			second = e->published;
		}
	}
	/* The archived posts the page shows: first those known by title (and
	 * date), then by date or content, so that a new episode on the minute
	 * an episode left for another takes nothing from it. */
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < page->n_entries; i++) {
			const struct entry *e = &page->entries[i], *known;

			if (e->link[0] != '\0' && strcmp(e->id, e->link) == 0 &&
			    (known = known_post(&k, e, pass == 0)) != NULL &&
			    xmlHashLookup(k.claimed, (const xmlChar *)known->id) == NULL &&
			    xmlHashAddEntry(k.claimed, (const xmlChar *)known->id, (void *)e) != 0)
				goto done;
		}
	}
	for (i = page->n_entries; i-- > 0;) {
		struct entry *e = &page->entries[i];
		const struct entry *known, *claimant;
		const char *id = e->link;
		char made_up[64];

		if (e->link[0] == '\0' || strcmp(e->id, e->link) != 0)
			continue;
		known = known_post(&k, e, 0);
		/* One page shows a post once: another post of the page with
		 * another title, or an archived post that one is, is not this
		 * one (a feed whose items share a link and a minute). */
		if (known != NULL && known >= page->entries && known < page->entries + page->n_entries &&
		    strcmp(known_title(known), known_title(e)) != 0)
			known = NULL;
		else if (known != NULL && (claimant = xmlHashLookup(k.claimed, (const xmlChar *)known->id)) != NULL &&
		    claimant != e && (known < page->entries || known >= page->entries + page->n_entries) &&
		    strcmp(known_title(claimant), known_title(e)) != 0)
			known = NULL;
		if (known == NULL && xmlHashLookup(k.links, (const xmlChar *)entry_link(e)) != NULL) {
			if (archived.by_link == NULL &&
			    (sort_archive(archive, by_link, &archived.by_link, &archived.n) != 0 ||
			    sort_archive(archive, by_link_then_name, &archived.by_name, &archived.n) != 0 ||
			    sort_archive(archive, by_link_then_site, &archived.by_site, &archived.n) != 0))
				goto done;
			if (edited_post(&k, &archived, e, page->n_entries < 2 ? (time_t)LLONG_MIN : i == at ? second : oldest,
			    &known) != 0)
				goto done;
			/* Else maybe a post that kept its id, this permalink,
			 * when it moved, moved back (a tracking query dropped). */
			if (known == NULL)
				known = moved_post(&k, e);
			if (known != NULL && xmlHashAddEntry(k.claimed, (const xmlChar *)known->id, (void *)e) != 0)
				goto done;
			if (known == NULL) {
				/* Also when the post that had the permalink as
				 * its id left the archive (--keep): an id is
				 * never given to another post. */
				unsigned long long h = TEXT_HASH_INIT;

				h = text_hash(h, e->link, strlen(e->link) + 1);
				h = text_hash(h, e->title, strlen(e->title) + 1);
				h = text_hash(h, &e->published, sizeof e->published);
				snprintf(made_up, sizeof made_up, ENTRY_MADE_UP_ID "%016llx", h);
				id = made_up;
			}
		} else if (known == NULL && (known = moved_post(&k, e)) != NULL &&
		    xmlHashAddEntry(k.claimed, (const xmlChar *)known->id, (void *)e) != 0) {
			goto done;
		}
		if (known != NULL)
			id = known->id;
		if ((strcmp(id, e->id) != 0 && set_id(e, id) != 0) || record_post(&k, e) != 0)
			goto done;
	}
	rc = 0;
done:
	xmlHashFree(k.exact, NULL);
	xmlHashFree(k.by_title, NULL);
	xmlHashFree(k.by_date, NULL);
	xmlHashFree(k.by_content, NULL);
	xmlHashFree(k.claimed, NULL);
	xmlHashFree(k.links, NULL);
	xmlHashFree(k.by_post, NULL);
	xmlHashFree(k.on_page, NULL);
	free(archived.by_link);
	free(archived.by_name);
	free(archived.by_site);
	free(archived.by_content);
	return rc;
}

int
group_page(struct page *page, struct state *archive,
    const struct group_options *opt, struct feed_set **out, char **err)
{
	const struct settings *s = opt->settings;
	struct feed_set *set = NULL;
	struct candidate *all = NULL;
	const char **fixed = NULL, **fixed_at = NULL, **reserved = NULL;
	struct held *held = NULL;
	struct archived_ids ids = { NULL, 0 };
	size_t clash = 0, holder = 0, n_held = 0, n_reserved = 0, n_remembered = archive != NULL ? archive->n_topics : 0;
	const struct source_rule **rules = NULL;   /* by_rule_name */
	size_t n_rules = s != NULL ? s->n_sources : 0;
	char *used = NULL;   /* whether each rule of s fits a source */
	char **forms = NULL;   /* name_forms(all), when there are rules */
	int c, any;
	time_t newest;
	size_t i, j, k, n = page->n_entries, n_topics = s != NULL ? s->n_topics : 0, n_authors, start;
	int rc = UP_OK;

	*out = NULL;
	if (fill_name_keys(page, archive) != 0 || fill_link_keys(page, archive) != 0 ||
	    distinguish_made_up_ids(page, archive) != 0 ||
	    distinguish_shared_permalinks(page, archive) != 0)
		goto nomem;
	for (i = 0; archive != NULL && i < archive->n_feeds; i++)
		n += archive->feeds[i].n_entries;
	set = calloc(1, sizeof *set);
	all = calloc(n ? n : 1, sizeof *all);
	fixed = calloc(n + n_topics + 1, sizeof *fixed);
	fixed_at = calloc(n + n_topics + 1, sizeof *fixed_at);
	held = calloc(n + n_remembered + 1, sizeof *held);
	reserved = calloc(n_rules + 1, sizeof *reserved);
	if (set == NULL || all == NULL || fixed == NULL || fixed_at == NULL || held == NULL || reserved == NULL ||
	    sort_archive(archive, by_id_then_updated, &ids.entries, &ids.n) != 0)
		goto nomem;
	set->page = page;
	if (archive != NULL && archive->planet != NULL)
		set->id_name = strdup(archive->planet);
	else if ((set->id_name = text_slug(page->title, SLUG_MAX)) != NULL && set->id_name[0] == '\0') {
		/* A title with nothing to transliterate ("星球"): its hash keeps
		 * two such Planets' feed ids apart. */
		char name[32];

		snprintf(name, sizeof name, "planet-%08llx",
		    text_hash(TEXT_HASH_INIT, page->title, strlen(page->title)) & 0xffffffffULL);
		free(set->id_name);
		set->id_name = strdup(name);
	}
	if (set->id_name == NULL)
		goto nomem;
	n = 0;
	for (i = 0; i < page->n_entries; i++, n++) {
		all[n].e = &page->entries[i];
		all[n].from_page = 1;
		all[n].order = i;
	}
	for (i = 0; archive != NULL && i < archive->n_feeds; i++) {
		if (strcmp(archive->feeds[i].kind, "author") != 0)
			continue;
		for (k = 0; k < archive->feeds[i].n_entries; k++, n++) {
			all[n].e = &archive->feeds[i].entries[k];
			all[n].archived = &archive->feeds[i];
			all[n].order = n;
		}
	}
	if (sort_rules(s, &rules) != 0 || (used = calloc(n_rules + 1, 1)) == NULL ||
	    (n_rules > 0 && (forms = name_forms(all, n)) == NULL))
		goto nomem;
	for (i = 0; i < n && n_rules > 0; i++)
		if ((all[i].rule = rule_for(rules, n_rules, FORM(forms, all, i), all[i].e->source_link, NULL)) != NULL)
			used[all[i].rule - s->sources] = 1;
	if (n_rules > 0 && (spread_rules(all, n) != 0 ||
	    (set->unmatched = calloc(n_rules, sizeof *set->unmatched)) == NULL))
		goto nomem;
	for (k = 0; k < n_rules; k++) {
		struct unmatched_rule *u = &set->unmatched[set->n_unmatched];

		if (used[k])
			continue;
		u->rule = &s->sources[k];
		u->shadow = rule_for(rules, n_rules, u->rule->name_form, u->rule->link, u->rule);
		set->n_unmatched++;
	}
	if (near_sources(all, forms, n, set->unmatched, set->n_unmatched) != 0)
		goto nomem;
	free_forms(forms, n);   /* (by the place in all, which sorting moves) */
	forms = NULL;
	qsort(all, n, sizeof *all, by_feed);
	set->feeds = calloc(n + n_topics + 1, sizeof *set->feeds);
	if (set->feeds == NULL)
		goto nomem;
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && same_feed(&all[j], &all[i]); j++)
			;
		for (k = i; k < j && all[k].archived == NULL; k++)
			;
		for (start = n_held; k < j; k++)
			if (all[k].archived != NULL &&
			    !holds_slug(held + start, n_held - start, set->n_feeds, 0, all[k].archived->slug))
				held[n_held++] = (struct held){ all[k].archived->slug, set->n_feeds, NULL, all[k].archived->last_run };
		fixed[set->n_feeds] = all[i].rule != NULL ? all[i].rule->slug : NULL;
		fixed_at[set->n_feeds] = all[i].rule != NULL ? all[i].rule->slug_at : NULL;
		if (make_feed(&set->feeds[set->n_feeds++], page, all + i, j - i, opt, &ids, set) != 0)
			goto nomem;
	}
	n_authors = set->n_feeds;
	for (k = 0; k < n_rules; k++)
		if (s->sources[k].slug != NULL)
			reserved[n_reserved++] = s->sources[k].slug;
	c = assign_slugs(set->feeds, n_authors, fixed, reserved, n_reserved, held, n_held, &clash, &holder);
	if (c > 0) {
		size_t owner = held[clash].owner;
		const struct feed *f = &set->feeds[owner];
		int moved = fixed[owner] != NULL && strcmp(fixed[owner], held[clash].slug) != 0;

		rc = err_set(err, UP_ECONFIG, "%s: slug '%s' belongs to the feed of %s (%s)%s: choose another slug, "
		    "%s%s%s", fixed_at[holder] != NULL ? fixed_at[holder] : "[source]", fixed[holder], f->title,
		    f->link,
		    moved ? ", whose files from when it had that slug are still there" : "",
		    moved ? "or delete " ARCHIVE_DIR "/" : "or give that source the same slug to merge the two",
		    moved ? held[clash].slug : "", moved ? ".xml to free it" : "");
		goto done;
	}
	if (c < 0)
		goto nomem;
	qsort(set->feeds, n_authors, sizeof *set->feeds, by_kind_slug);
	for (i = 0; i < n_authors; i++) {
		struct feed *f = &set->feeds[i];

		for (k = 0; k < f->n_members; k++)
			f->members[k].source_slug = f->slug;
		for (k = 0; k < f->n_excluded; k++)
			f->excluded[k].source_slug = f->slug;
		for (k = 0; k < f->n_gone; k++)
			f->gone[k].source_slug = f->slug;
		f->hidden = !listed(f, s, set);
	}
	if (tell_apart(set->feeds, n_authors, page) != 0)
		goto nomem;
	for (i = 0; i < n_topics; i++) {
		fixed[n_authors + i] = s->topics[i].slug;
		fixed_at[n_authors + i] = s->topics[i].slug_at;
		if (make_topic(&set->feeds[set->n_feeds++], &s->topics[i], set, n_authors, opt) != 0)
			goto nomem;
	}
	/* What topics show stays in its author feed's archive, whole; it is
	 * no post gone past --keep (archived slim) then. */
	for (i = n_authors; i < set->n_feeds; i++)
		for (k = 0; k < set->feeds[i].n_shown; k++)
			set->feeds[i].members[k].entry->topic_held = 1;
	for (i = 0; i < n_authors; i++)
		trim_gone(&set->feeds[i], opt->keep);
	n_held = 0;
	for (i = 0; i < n_remembered; i++) {
		const struct state_topic *t = &archive->topics[i];

		for (k = 0; k < n_topics && strcmp(s->topics[k].name, t->name) != 0; k++)
			;
		held[n_held++] = (struct held){ t->slug, k, t->name, 0 };
	}
	/* A topic renamed ("Data science" to "Data Science", or to another
	 * name with the old slug on a slug line) keeps its files, and its
	 * subscribers: a slug that a topic no longer configured holds goes
	 * to the one new topic that asks for it, by its name or its slug. */
	for (i = 0; i < n_held; i++) {
		size_t heir = n_topics;

		for (k = 0; held[i].owner == n_topics && k < n_topics; k++) {
			int fits;

			if (owns_any(held, n_held, k))
				continue;
			if (fixed[n_authors + k] == NULL && (fits = heir_by_name(set->feeds[n_authors + k].subtitle,
			    held[i].name, held[i].slug)) < 0)
				goto nomem;
			if (fixed[n_authors + k] != NULL)
				fits = strcmp(fixed[n_authors + k], held[i].slug) == 0;
			if (fits)
				heir = heir == n_topics ? k : n_topics + 1;
		}
		if (heir < n_topics)
			held[i].owner = heir;
	}
	c = assign_slugs(set->feeds + n_authors, n_topics, fixed + n_authors, NULL, 0, held, n_held, &clash, &holder);
	if (c > 0) {
		size_t owner = held[clash].owner;
		int gone = owner >= n_topics || (fixed[n_authors + owner] != NULL &&
		    strcmp(fixed[n_authors + owner], held[clash].slug) != 0);

		rc = err_set(err, UP_ECONFIG, "%s: slug '%s' belongs to topic %s%s: choose another slug%s%s%s",
		    fixed_at[n_authors + holder] != NULL ? fixed_at[n_authors + holder] : "[topic]",
		    fixed[n_authors + holder], owner < n_topics ? set->feeds[n_authors + owner].subtitle :
		    held[clash].name, owner < n_topics ? "" : ", which is no longer configured",
		    gone ? ", or delete " CACHE_DIR "/topics/" : "", gone ? held[clash].slug : "",
		    gone ? ".xml to free it" : "");
		goto done;
	}
	if (c < 0)
		goto nomem;
	qsort(set->feeds + n_authors, n_topics, sizeof *set->feeds, by_kind_slug);
	if (set->out_of_memory)
		goto nomem;
	for (i = 0, any = 0; i < set->n_feeds; i++)
		if (newest_updated(&set->feeds[i], &newest) && (!any || newest > set->newest)) {
			set->newest = newest;
			any = 1;
		}
	/* No feed shows an entry (all excluded, say): the page's newest post
	 * dates the empty feeds, rather than 1970. */
	for (i = 0; !any && i < page->n_entries; i++)
		if (i == 0 || page->entries[i].updated > set->newest)
			set->newest = page->entries[i].updated;
	/* An empty feed's date moves only when it changes: not with every
	 * post the Planet gets, which would rewrite it, and have readers
	 * fetch it, for nothing. */
	for (i = 0; i < set->n_feeds; i++) {
		struct feed *f = &set->feeds[i];

		f->empty_updated = set->newest;
		for (k = 0; k < f->n_excluded; k++)
			if (k == 0 || f->excluded[k].updated > f->empty_updated)
				f->empty_updated = f->excluded[k].updated;
		f->last_updated = -1;
		for (k = 0; archive != NULL && strcmp(f->kind, "topic") == 0 && k < archive->n_topics; k++)
			if (strcmp(archive->topics[k].slug, f->slug) == 0 && archive->topics[k].updated != -1)
				f->empty_updated = f->last_updated = archive->topics[k].updated;
	}
	for (i = 0; archive != NULL && i < archive->n_feeds; i++) {
		struct feed *f = author_of_slug(set->feeds, n_authors, archive->feeds[i].slug);

		if (f != NULL) {
			f->last_updated = archive->feeds[i].updated;
			f->archived = 1;
		}
	}
	/* A time far ahead of the clock is no floor: it was a post's future
	 * date, corrected since. Not one a little ahead: edits within one
	 * second move an entry's updated time a second past the clock each
	 * (merge), and the next run, in that second still, must not let the
	 * feed's time go back from it. */
	for (i = 0; i < set->n_feeds; i++)
		if (set->feeds[i].last_updated > opt->now &&
		    set->feeds[i].last_updated - opt->now > UPDATED_AHEAD_MAX)
			set->feeds[i].last_updated = -1;
	/* Patterns are done with the full text: documents only need its start
	 * (the summary, and an untitled post's title), so keep that alone. */
	for (i = 0; i < page->n_entries; i++) {
		struct entry *e = &page->entries[i];

		free(e->match_text);
		e->match_text = NULL;
		e->match_text_made = 0;

		if (e->text != NULL && e->summary == NULL) {
			if ((e->summary = excerpt(e->text, SUMMARY_MAX)) == NULL)
				goto nomem;
			if (!e->long_text) {   /* which the archive keeps */
				free(e->text);
				e->text = NULL;
			}
		}
	}
	goto done;
nomem:
	rc = err_nomem(err);
done:
	free_forms(forms, n);
	free(all);
	free(rules);
	free(used);
	free(ids.entries);
	free(fixed);
	free(fixed_at);
	free(reserved);
	free(held);
	if (rc != UP_OK)
		feed_set_free(set);
	else
		*out = set;
	return rc;
}


/* What goes between base_url and a path under it: "/" unless it ends
 * with one (or is empty or NULL: no base URL). */
static const char *
base_separator(const char *base_url)
{
	return base_url != NULL && base_url[0] != '\0' && base_url[strlen(base_url) - 1] != '/' ? "/" : "";
}

/* Where a feed's files are, without extension: under base_url when one is
 * given ("https://x/authors/pypy"), else relative to the output folder
 * ("authors/pypy"). */
static char *
feed_path(const struct feed *f, const char *base_url)
{
	return buf_concat(base_url != NULL ? base_url : "", base_separator(base_url), f->kind, "s/", f->slug, NULL);
}

/* The feed's address without its extension, as its own files give it:
 * absolute under base_url, or the bare slug, relative to the feed file
 * itself. */
static char *
feed_url(const struct feed *f, const char *base_url)
{
	return base_url != NULL && base_url[0] != '\0' ? feed_path(f, base_url) : strdup(f->slug);
}

/* The feed's card in index.html, the web page of a feed that has no site
 * of its own: absolute under base_url, else relative to the feed file. */
static char *
feed_card(const struct feed *f, const char *base_url)
{
	int base = base_url != NULL && base_url[0] != '\0';

	return buf_concat(base ? base_url : "..", base ? base_separator(base_url) : "/", "index.html#", f->kind,
	    "-", f->slug, NULL);
}

/* A feed id that stays the same wherever the folder is served: its URL when
 * a base URL is known, else a URN naming the Planet, kind and slug. The
 * Planet's name is the one the folder's state keeps (its title's slug
 * when the folder was first written), so a Planet that retitles its page
 * does not change every feed's id. */
static char *
feed_id(const struct feed *f, const char *id_name, const char *url, const char *base_url)
{
	return base_url != NULL && base_url[0] != '\0' ? strdup(url) :
	    buf_concat("urn:unplanet:", id_name, ":", f->kind, ":", f->slug, NULL);
}

/* The first max bytes of text, cut after a whole word where possible and
 * never inside a UTF-8 sequence, with "…" when something was cut, and
 * the bidi embeddings it leaves open closed. */
static char *
excerpt(const char *text, size_t max)
{
	size_t n = strlen(text), cut = max;
	struct buf out = { 0 };
	char *s = NULL;

	/* Closing marks at its end (a summary's, which an untitled post's
	 * title is cut from) show nothing: the text fits without them. */
	while (n >= 3 && (memcmp(text + n - 3, "\xe2\x80\xac", 3) == 0 || memcmp(text + n - 3, "\xe2\x81\xa9", 3) == 0))
		n -= 3;
	if (n <= max) {
		s = strdup(text);
	} else {
		size_t space = 0, cluster;

		cut = text_char_start(text, cut);
		for (size_t i = cut; space == 0 && i > max / 2; i--)
			if (text[i] == ' ')
				space = i;
		/* Else not inside a character (a letter and its accents, an
		 * emoji sequence), unless the text is one. */
		if (space > 0)
			cut = space;
		else if ((cluster = text_cluster_cut(text, cut)) > 0)
			cut = cluster;
		if (buf_add(&out, text, cut) == 0 && buf_adds(&out, "\xe2\x80\xa6") == 0)
			s = buf_take(&out);
		buf_free(&out);
	}
	/* The cut may leave open what the text closed further on. */
	return text_close_bidi(s);
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
	return n != NULL && xmlNewProp(n, (const xmlChar *)"rfc822", (const xmlChar *)rfc822) != NULL ? n : NULL;
}


/* What stands for a title that shows nothing ("", " ", U+200B): the
 * start of the post's text; for a post that shows no text either (an
 * image, a video), its date as the Planet prints it, the text of its only
 * link there (malloc'd; NULL when memory runs out). */
static char *
untitled_excerpt(const struct member *m)
{
	const struct entry *e = m->entry;
	/* An archived entry keeps only its summary; it gives the same words. */
	const char *text = e->text != NULL ? e->text : e->summary;
	char date[DATE_MAX];

	if (text_is_blank(text)) {
		date_planet(m->published, date);
		text = date;
	}
	return excerpt(text, UNTITLED_MAX);
}

/* Adds m's entry to feed; for an archive, with the date the page gave
 * it when that is not its published one; slim, with a digest of its
 * content instead of the content and its summary (an archive's entry past
 * --keep). */
static int
add_entry(xmlNodePtr feed, const struct member *m, int archive, int slim)
{
	const struct entry *e = m->entry;
	/* An archived entry keeps only its summary; it gives the same words. */
	const char *text = e->text != NULL ? e->text : e->summary;
	xmlNodePtr n, src;
	char *summary = NULL, *untitled = NULL;
	int ok;

	n = xmlNewChild(feed, NULL, (const xmlChar *)"entry", NULL);
	if (!slim)   /* a slim entry keeps no summary */
		summary = e->summary != NULL ? strdup(e->summary) : excerpt(text, SUMMARY_MAX);
	/* A gone entry is never shown, and may be a slim copy, which has no
	 * text: its title is "" whatever copy it was made from, so that its
	 * archive stays the same from run to run. */
	if (text_is_blank(e->title))
		untitled = m->gone ? strdup("") : untitled_excerpt(m);
	ok = n != NULL && (slim || summary != NULL) && (untitled != NULL || !text_is_blank(e->title)) &&
	    add_text(n, "id", e->id) != NULL;
	if (ok && untitled != NULL) {
		xmlNodePtr t = add_text(n, "title", untitled);

		ok = t != NULL && xmlNewProp(t, (const xmlChar *)"untitled", (const xmlChar *)"yes") != NULL;
	} else if (ok) {
		ok = add_text(n, "title", e->title) != NULL;
	}
	ok = ok && add_text(n, "link", e->link) != NULL &&
	    add_date(n, "published", m->published) != NULL &&
	    add_date(n, "updated", m->updated) != NULL &&
	    (!archive || e->shown == m->published || add_date(n, "shown", e->shown) != NULL) &&
	    add_text(n, "author", e->creator != NULL ? e->creator : e->source_name) != NULL &&
	    (e->creator == NULL || add_text(n, "creator", e->creator) != NULL);
	if (ok) {
		src = xmlNewChild(n, NULL, (const xmlChar *)"source", NULL);
		ok = src != NULL &&
		    xmlNewProp(src, (const xmlChar *)"slug", (const xmlChar *)m->source_slug) != NULL &&
		    add_text(src, "name", e->source_name) != NULL &&
		    add_text(src, "link", e->source_link) != NULL &&
		    add_text(src, "title", e->source_title) != NULL;
	}
	if (slim) {
		char digest[17];

		content_digest(e, digest);
		ok = ok && add_text(n, "digest", digest) != NULL;
	} else {
		ok = ok && add_text(n, "content", e->content) != NULL &&
		    add_text(n, "summary", summary) != NULL &&
		    (!archive || !e->long_text || add_text(n, "text", e->text) != NULL);
	}
	/* A slim entry is archived only. */
	if (ok && archive && e->page_digest != 0 && !e->long_text) {
		char digest[17];

		snprintf(digest, sizeof digest, "%016llx", e->page_digest);
		ok = add_text(n, "page-digest", digest) != NULL;
	}
	free(summary);
	free(untitled);
	return ok ? 0 : -1;
}

/* Whether feed i's archive holds more than its document (so
 * archive_document must be made). */
static int
archive_differs(const struct feed_set *set, size_t i)
{
	const struct feed *f = &set->feeds[i];
	size_t k, shown;

	for (k = f->n_shown; k < f->n_members && !archived(f, k); k++)
		;
	/* Also a date the page gives a shown entry that is not its first. */
	for (shown = 0; shown < f->n_shown && f->members[shown].entry->shown == f->members[shown].published &&
	    !f->members[shown].entry->long_text; shown++)
		;
	return f->n_excluded > 0 || k < f->n_members || shown < f->n_shown || (f->page_tail && f->n_gone > 0);
}


/* Builds <feed> for set->feeds[i] under parent (or as the root of doc). */
static xmlNodePtr
build_feed(xmlDocPtr doc, xmlNodePtr parent, const struct feed_set *set, size_t i,
    const struct group_options *opt, int archive)
{
	const struct feed *f = &set->feeds[i];
	const char *base_url = opt != NULL ? opt->base_url : NULL;
	xmlNodePtr root, planet, gen;
	char *url = NULL, *id = NULL, *card = NULL;
	time_t updated = 0;
	size_t k;
	int ok;

	root = xmlNewDocNode(doc, NULL, (const xmlChar *)"feed", NULL);
	if (root != NULL && parent != NULL)
		xmlAddChild(parent, root);
	else if (root != NULL)
		xmlDocSetRootElement(doc, root);
	updated = feed_updated(f);
	url = feed_url(f, base_url);
	id = url != NULL ? feed_id(f, set->id_name, url, base_url) : NULL;
	card = feed_card(f, base_url);
	ok = root != NULL && id != NULL && card != NULL &&
	    xmlNewProp(root, (const xmlChar *)"version", (const xmlChar *)"1") != NULL &&
	    xmlNewProp(root, (const xmlChar *)"kind", (const xmlChar *)f->kind) != NULL &&
	    xmlNewProp(root, (const xmlChar *)"slug", (const xmlChar *)f->slug) != NULL &&
	    add_text(root, "id", id) != NULL &&
	    add_text(root, "title", f->title) != NULL &&
	    add_text(root, "subtitle", f->subtitle) != NULL &&
	    add_text(root, "description", f->description) != NULL &&
	    add_text(root, "link", f->link) != NULL &&
	    add_text(root, "url", url) != NULL &&
	    add_text(root, "card", card) != NULL &&
	    add_date(root, "updated", updated) != NULL;
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
	if (archive) {
		size_t x = 0, g = 0, n_gone = f->page_tail ? f->n_gone : 0, held = 0;
		size_t n_excluded = f->page_tail ? f->n_excluded_all : f->n_excluded;

		/* The three lists are newest first: merge them. */
		for (k = 0; ok; ) {
			const struct member *next = NULL;
			size_t *at = NULL;
			int slim = 0;

			while (k < f->n_members && !archived(f, k))
				k++;
			if (k < f->n_members) {
				next = &f->members[k];
				at = &k;
				slim = k >= f->n_shown && (!held_for_topic(next) || held >= f->n_held_whole);
			}
			while (x < n_excluded && x >= f->n_excluded && !f->excluded[x].on_page)
				x++;   /* in gone */
			if (x < n_excluded && (next == NULL || by_date(&f->excluded[x], next) < 0)) {
				next = &f->excluded[x];
				at = &x;
				slim = x >= f->n_excluded;
			}
			if (g < n_gone && (next == NULL || by_date(&f->gone[g], next) < 0)) {
				next = &f->gone[g];
				at = &g;
				slim = 1;
			}
			if (next == NULL)
				break;
			ok = add_entry(root, next, 1, slim) == 0;
			/* Counted as written: a newer excluded or gone entry may
			 * have gone first, this member still next. */
			if (at == &k && k >= f->n_shown && held_for_topic(next))
				held++;
			(*at)++;
		}
	} else {
		for (k = 0; ok && k < f->n_shown; k++)
			ok = add_entry(root, &f->members[k], 0, 0) == 0;
	}
	free(url);
	free(id);
	free(card);
	return ok ? root : NULL;
}

static xmlDocPtr
document(const struct feed_set *set, size_t i, const struct group_options *opt, int archive)
{
	xmlDocPtr doc = xmlNewDoc((const xmlChar *)"1.0");

	if (doc != NULL && build_feed(doc, NULL, set, i, opt, archive) == NULL) {
		xmlFreeDoc(doc);
		doc = NULL;
	}
	return doc;
}

xmlDocPtr
feed_document(const struct feed_set *set, size_t i, const struct group_options *opt)
{
	return document(set, i, opt, 0);
}

/* What an author feed's archive holds: its document with the entries
 * --exclude hides put back, and its entries past --keep that are still on
 * the page (page_tail), slim, and the date the page gives an entry when
 * it is not its published one (so a re-dated post is known by it); NULL
 * when memory runs out. */
static xmlDocPtr
archive_document(const struct feed_set *set, size_t i, const struct group_options *opt)
{
	return document(set, i, opt, 1);
}

/* Whether an entry feed f shows has a page digest, which its archive
 * keeps. */
static int
has_page_digests(const struct feed *f)
{
	size_t k;

	for (k = 0; k < f->n_shown; k++)
		if (f->members[k].entry->page_digest != 0 && !f->members[k].entry->long_text)
			return 1;
	return 0;
}

/* Takes the archive's <page-digest> elements out of doc: what is left is
 * the feed's document, when archive_differs said the archive held
 * nothing else. */
static void
strip_page_digests(xmlDocPtr doc)
{
	xmlNodePtr root = xmlDocGetRootElement(doc), e, c, next;

	for (e = root != NULL ? root->children : NULL; e != NULL; e = e->next) {
		for (c = e->type == XML_ELEMENT_NODE ? e->children : NULL; c != NULL; c = next) {
			next = c->next;
			if (c->type == XML_ELEMENT_NODE && xmlStrEqual(c->name, (const xmlChar *)"page-digest")) {
				xmlUnlinkNode(c);
				xmlFreeNode(c);
			}
		}
	}
}

/* A vanished feed, by the site or the name of its source. */
struct vanished {
	const char *site;
	const char *name;
	size_t k;
};

static int
by_vanished_site(const void *a, const void *b)
{
	const struct vanished *x = a, *y = b;
	int c = html_site_cmp(x->site, y->site);

	return c != 0 ? c : (x->k > y->k) - (x->k < y->k);
}

static int
by_vanished_name(const void *a, const void *b)
{
	const struct vanished *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	return c != 0 ? c : (x->k > y->k) - (x->k < y->k);
}

/* The first of gone[0..n), sorted by cmp, not before key. */
static size_t
vanished_from(const struct vanished *gone, size_t n, const struct vanished *key,
    int (*cmp)(const void *, const void *))
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cmp(&gone[mid], key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int
feeds_renamed_from(const struct feed_set *set, size_t **from)
{
	const struct page *page = set->page;
	struct vanished *gone = NULL, *named = NULL, key;
	size_t i, k, m, n_gone = 0, at;
	time_t oldest = 0, last;
	int rc = -1;

	if ((*from = calloc(set->n_feeds + 1, sizeof **from)) == NULL ||
	    (gone = calloc(set->n_feeds + 1, sizeof *gone)) == NULL ||
	    (named = calloc(set->n_feeds + 1, sizeof *named)) == NULL)
		goto done;
	/* How far back the page reaches. */
	for (i = 0; i < page->n_entries; i++)
		if (i == 0 || page->entries[i].shown < oldest)
			oldest = page->entries[i].shown;
	/* The archived author feeds none of whose posts is on the page, the
	 * page reaching back to their last (one --only leaves out still has
	 * its files and subscribers). */
	for (k = 0; k < set->n_feeds; k++) {
		const struct feed *g = &set->feeds[k];

		if (strcmp(g->kind, "author") != 0 || g->n_members == 0 || !g->archived)
			continue;
		for (m = 0, last = 0; m < g->n_members && !g->members[m].on_page; m++)
			if (g->members[m].entry->shown > last)
				last = g->members[m].entry->shown;
		if (m == g->n_members && last >= oldest) {
			gone[n_gone].site = g->members[0].entry->source_link;
			gone[n_gone].name = g->members[0].entry->source_name;
			gone[n_gone++].k = k;
		}
	}
	memcpy(named, gone, n_gone * sizeof *gone);
	qsort(gone, n_gone, sizeof *gone, by_vanished_site);
	qsort(named, n_gone, sizeof *named, by_vanished_name);
	for (i = 0; i < set->n_feeds; i++) {
		const struct feed *f = &set->feeds[i];
		const struct entry *now;

		(*from)[i] = set->n_feeds;
		if (strcmp(f->kind, "author") != 0 || f->n_members == 0 || !f->members[0].on_page ||
		    f->archived)
			continue;
		now = f->members[0].entry;
		key.site = now->source_link;
		key.name = now->source_name;
		key.k = 0;
		/* The first of the site, in the set's order, under another name;
		 * else the first of the name at another site. */
		for (at = vanished_from(gone, n_gone, &key, by_vanished_site); f->link[0] != '\0' && at < n_gone &&
		    html_same_site(gone[at].site, now->source_link); at++)
			if (strcmp(gone[at].name, now->source_name) != 0) {
				(*from)[i] = gone[at].k;
				break;
			}
		for (at = vanished_from(named, n_gone, &key, by_vanished_name); (*from)[i] == set->n_feeds &&
		    at < n_gone && strcmp(named[at].name, now->source_name) == 0; at++)
			if (named[at].site[0] != '\0' && f->link[0] != '\0' &&
			    !html_same_site(named[at].site, now->source_link))
				(*from)[i] = named[at].k;
	}
	rc = 0;
done:
	free(gone);
	free(named);
	if (rc != 0) {
		free(*from);
		*from = NULL;
	}
	return rc;
}

char *
group_document_bytes(xmlDocPtr doc, size_t *len)
{
	xmlChar *bytes = NULL;
	int n = 0;

	xmlDocDumpFormatMemoryEnc(doc, &bytes, &n, "UTF-8", 1);
	*len = bytes != NULL ? (size_t)n : 0;
	return (char *)bytes;
}

/* Feed i's document, in *doc, and the bytes of its record, as they are. */
static char *
record(const struct feed_set *set, size_t i, const struct group_options *opt, xmlDocPtr *doc, size_t *len)
{
	int author = strcmp(set->feeds[i].kind, "author") == 0;
	int differs = author && archive_differs(set, i);
	xmlDocPtr archive = differs ? archive_document(set, i, opt) : NULL;
	char *bytes = NULL;

	if (author && !differs && has_page_digests(&set->feeds[i])) {
		/* The archive is the document and its page digests: one
		 * document made, and those taken out of it once written. */
		*doc = archive_document(set, i, opt);
		if (*doc != NULL && (bytes = group_document_bytes(*doc, len)) != NULL)
			strip_page_digests(*doc);
	} else {
		*doc = feed_document(set, i, opt);
		if (*doc != NULL && (archive != NULL || !differs))
			bytes = group_document_bytes(archive != NULL ? archive : *doc, len);
	}
	xmlFreeDoc(archive);
	return bytes;
}

int
feed_set_lacks_content(const struct feed_set *set)
{
	size_t i, k;

	for (i = 0; i < set->n_feeds; i++) {
		const struct feed *f = &set->feeds[i];

		for (k = 0; k < f->n_shown; k++)
			if (f->members[k].entry->content == NULL)
				return 1;
		for (k = 0; k < f->n_excluded; k++)
			if (f->excluded[k].entry->content == NULL && f->excluded[k].on_page)
				return 1;
		for (k = f->n_shown; k < f->n_members; k++)
			if (f->members[k].entry->topic_held && f->members[k].entry->content == NULL &&
			    f->members[k].on_page)
				return 1;
	}
	return 0;
}

size_t
feed_held_whole(const struct feed *f)
{
	size_t k, n = 0;

	for (k = f->n_shown; k < f->n_members; k++)
		n += held_for_topic(&f->members[k]);
	return n < f->n_held_whole ? n : f->n_held_whole;
}

char *
feed_record(struct feed_set *set, size_t i, const struct group_options *opt, size_t max, xmlDocPtr *doc,
    size_t *len, int *shrunk)
{
	struct feed *f = &set->feeds[i];
	char *bytes = record(set, i, opt, doc, len);
	size_t held = 0;

	*shrunk = 0;
	while (bytes != NULL && strcmp(f->kind, "author") == 0 && *len > max &&
	    (f->page_tail || (held = feed_held_whole(f)) > 0 || f->n_shown > 1 || f->n_excluded > 0)) {
		if (f->page_tail) {
			f->page_tail = 0;   /* first the entries past --keep */
		} else if (held > 0) {
			f->n_held_whole = held / 2;   /* then what only topics show */
		} else {
			f->n_held_whole = 0;   /* none cut from the feed itself either */
			if (f->n_shown > 1)
				f->n_shown /= 2;
			f->n_excluded /= 2;
		}
		*shrunk = 1;
		xmlFree(bytes);
		xmlFreeDoc(*doc);
		bytes = record(set, i, opt, doc, len);
	}
	return bytes;
}

/* Whether the feeds set lists (those not hidden) are other than the n
 * paths of listed, in any order: -1 when memory runs out. */
static int
list_changed(const struct feed_set *set, char *const *listed, size_t n)
{
	xmlHashTablePtr was = xmlHashCreate((int)(n < 1000000 ? n : 1000000) + 16);
	size_t i, count = 0;
	char *path;
	int changed = -1;

	for (i = 0; was != NULL && i < n; i++)
		if (xmlHashAddEntry(was, (const xmlChar *)listed[i], (void *)listed[i]) != 0 &&
		    xmlHashLookup(was, (const xmlChar *)listed[i]) == NULL)
			goto done;
	if (was == NULL)
		goto done;
	for (i = 0, changed = 0; !changed && i < set->n_feeds; i++) {
		if (set->feeds[i].hidden)
			continue;
		count++;
		if ((path = feed_path(&set->feeds[i], NULL)) == NULL) {
			changed = -1;
			goto done;
		}
		changed = xmlHashLookup(was, (const xmlChar *)path) == NULL;
		free(path);
	}
	if (!changed)
		changed = count != n;
done:
	xmlHashFree(was, NULL);
	return changed;
}

xmlDocPtr
directory_document(const struct feed_set *set, const struct group_options *opt,
    const struct format_info *formats, size_t n_formats, const struct state *last)
{
	const char *base_url = opt != NULL ? opt->base_url : NULL;
	xmlDocPtr doc = xmlNewDoc((const xmlChar *)"1.0");
	xmlNodePtr root = doc != NULL ? xmlNewDocNode(doc, NULL, (const xmlChar *)"directory", NULL) : NULL, n;
	time_t updated = set->newest, t;   /* when no feed listed has entries */
	char *base;
	size_t i;
	int ok = 0, any, changed;

	if (root == NULL)
		goto done;
	xmlDocSetRootElement(doc, root);
	/* Also of the feeds --only leaves out, which are still archived: the
	 * lists' date must not go back when --only lets fewer in. */
	for (i = 0, any = 0; i < set->n_feeds; i++)
		if (set->feeds[i].n_shown > 0 &&
		    ((t = feed_updated(&set->feeds[i])) > updated || !any)) {
			updated = t;
			any = 1;
		}
	/* The OPML lists' dateModified: a feed added or gone (a new source
	 * with older posts only, say) is a change too, and moves it to the
	 * page's "Last update", else a second past the last list's (not the
	 * clock: the same page and folder make the same bytes); else the
	 * list stays as new as it was (unless that is ahead of the clock,
	 * which was set back since). The first list has its newest feed's. */
	if (last != NULL && last->listed_updated != -1 && opt != NULL &&
	    last->listed_updated - opt->now <= UPDATED_AHEAD_MAX) {
		if ((changed = list_changed(set, last->listed, last->n_listed)) < 0)
			goto done;
		if (last->listed_updated + changed > updated)
			updated = last->listed_updated + changed;
		if (changed && set->page->updated > updated && set->page->updated - opt->now <= UPDATED_AHEAD_MAX)
			updated = set->page->updated;
	}
	/* Ending in '/', as given or not, so concat(base-url, path) works. */
	base = buf_concat(base_url != NULL ? base_url : "", base_separator(base_url), NULL);
	ok = base != NULL && xmlNewProp(root, (const xmlChar *)"version", (const xmlChar *)"1") != NULL &&
	    add_text(root, "title", set->page->title) != NULL &&
	    add_text(root, "link", set->page->link != NULL ? set->page->link : "") != NULL &&
	    add_text(root, "base-url", base) != NULL &&
	    add_date(root, "updated", updated) != NULL;
	free(base);
	if (ok) {
		n = add_text(root, "generator", "unplanet");
		ok = n != NULL && xmlNewProp(n, (const xmlChar *)"version", (const xmlChar *)VERSION) != NULL;
	}
	for (i = 0; ok && i < n_formats; i++) {
		n = xmlNewChild(root, NULL, (const xmlChar *)"format", NULL);
		ok = n != NULL && xmlNewProp(n, (const xmlChar *)"name", (const xmlChar *)formats[i].name) != NULL &&
		    xmlNewProp(n, (const xmlChar *)"type",
			(const xmlChar *)(formats[i].media_type != NULL ? formats[i].media_type : "")) != NULL;
	}
	for (i = 0; ok && i < set->n_feeds; i++) {
		const struct feed *f = &set->feeds[i];
		char *path, *url;
		char count[32];
		time_t newest = 0;

		if (f->hidden)
			continue;
		newest = feed_updated(f);
		path = feed_path(f, NULL);
		url = feed_path(f, base_url);
		snprintf(count, sizeof count, "%zu", f->n_shown);
		n = xmlNewChild(root, NULL, (const xmlChar *)"feed", NULL);
		ok = path != NULL && url != NULL && n != NULL &&
		    xmlNewProp(n, (const xmlChar *)"kind", (const xmlChar *)f->kind) != NULL &&
		    xmlNewProp(n, (const xmlChar *)"slug", (const xmlChar *)f->slug) != NULL &&
		    add_text(n, "title", f->title) != NULL &&
		    add_text(n, "subtitle", f->subtitle) != NULL &&
		    add_text(n, "description", f->description) != NULL &&
		    add_text(n, "link", f->link) != NULL &&
		    add_text(n, "path", path) != NULL &&
		    add_text(n, "url", url) != NULL &&
		    add_text(n, "entries", count) != NULL &&
		    add_date(n, "updated", newest) != NULL;
		if (ok && f->n_shown > 0) {
			const struct member *m = &f->members[0];
			xmlNodePtr latest = xmlNewChild(n, NULL, (const xmlChar *)"newest", NULL);
			int blank = text_is_blank(m->entry->title);
			char *untitled = blank ? untitled_excerpt(m) : NULL;

			ok = latest != NULL && (!blank || untitled != NULL) &&
			    add_text(latest, "title", blank ? untitled : m->entry->title) != NULL &&
			    add_text(latest, "link", m->entry->link) != NULL &&
			    add_date(latest, "published", m->published) != NULL;
			free(untitled);
		}
		free(path);
		free(url);
	}
done:
	if (!ok) {
		xmlFreeDoc(doc);
		doc = NULL;
	}
	return doc;
}


xmlDocPtr
feed_set_document(const struct feed_set *set, const struct group_options *opt)
{
	xmlDocPtr doc = xmlNewDoc((const xmlChar *)"1.0");
	xmlNodePtr root = doc != NULL ? xmlNewDocNode(doc, NULL, (const xmlChar *)"unplanet", NULL) : NULL;
	size_t i;
	int ok = root != NULL;

	if (ok) {
		xmlDocSetRootElement(doc, root);
		ok = xmlNewProp(root, (const xmlChar *)"version", (const xmlChar *)"1") != NULL;
	}
	for (i = 0; ok && i < set->n_feeds; i++)
		if (!set->feeds[i].hidden)   /* what the stylesheets would read */
			ok = build_feed(doc, root, set, i, opt, 0) != NULL;
	if (!ok) {
		xmlFreeDoc(doc);
		doc = NULL;
	}
	return doc;
}

void
feed_set_free(struct feed_set *set)
{
	size_t i;

	for (i = 0; set != NULL && i < set->n_feeds; i++) {
		struct feed *f = &set->feeds[i];

		free(f->slug);
		free(f->title);
		free(f->description);
		free(f->link);
		free(f->subtitle);
		free(f->members);
		free(f->excluded);
		free(f->gone);
	}
	if (set != NULL) {
		free(set->feeds);
		free(set->unmatched);
		free(set->id_name);
		free(set);
	}
}

