/* state.c - read DIR/.unplanet/: validators and the archive (see state.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "buf.h"
#include "date.h"
#include "err.h"
#include "state.h"
#include "table.h"
#include "text.h"

/* What a message about a corrupt file says, and the way on. */
#define CORRUPT "corrupt, not replaced (repair it, or move it away)"

/* No network, no DTD, no entity expansion, no messages on stderr: these
 * files are data, and a hostile one must not reach out or blow up. Line
 * numbers past 65535 are kept, for messages about a big archive. */
#define STATE_PARSE_OPTIONS (XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | \
	XML_PARSE_NOCDATA | XML_PARSE_BIG_LINES)

static void
no_messages(void *ctx, xmlErrorPtr error)
{
	(void)ctx;
	(void)error;
}

/* Reads rel, in the folder dirfd, whole, refusing files over
 * STATE_FILE_MAX and anything but a regular file (a FIFO would block the
 * run, and every later one behind its lock, for ever). Messages name it
 * path. Every file is read relative to the locked folder's descriptor: a
 * folder renamed or swapped for another while the run fetches is not read
 * in place of the one the run writes. */
static int
slurp(int dirfd, const char *path, const char *rel, struct buf *out, char **err)
{
	int fd = openat(dirfd, rel, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW);
	FILE *f = NULL;
	struct stat st;
	size_t n;
	int rc = UP_OK;

	if (fd < 0) {
		rc = err_set(err, err_status(errno, UP_EDATA), "%s: cannot read: %s", path, errno == ELOOP ?
		    "a symbolic link, which unplanet does not follow" : strerror(errno));
		goto done;
	}
	if (fstat(fd, &st) != 0)
		rc = err_set(err, err_status(errno, UP_EDATA), "%s: cannot read: %s", path, strerror(errno));
	else if (!S_ISREG(st.st_mode))
		rc = err_set(err, UP_EDATA, "%s: cannot read: not a regular file", path);
	else if (fcntl(fd, F_SETFL, 0) != 0 || (f = fdopen(fd, "rb")) == NULL)
		rc = err_set(err, err_status(errno, UP_EDATA), "%s: cannot read: %s", path, strerror(errno));
	if (rc != UP_OK)
		goto done;
	do {
		if (buf_reserve(out, 65536) != 0) {
			rc = err_nomem(err);
			break;
		}
		n = fread(out->data + out->len, 1, out->cap - out->len - 1, f);
		out->len += n;
		out->data[out->len] = '\0';
		if (out->len > STATE_FILE_MAX) {
			rc = err_set(err, UP_EDATA, "%s: larger than the %u MiB a state or archive file may be; not read",
			    path, STATE_FILE_MAX >> 20);
			break;
		}
	} while (n > 0);
	if (rc == UP_OK && ferror(f))
		rc = err_set(err, err_status(errno, UP_EDATA), "%s: cannot read: %s", path, strerror(errno));
done:
	if (f != NULL)
		fclose(f);   /* closes fd too */
	else if (fd >= 0)
		close(fd);
	return rc;
}

/* Parses rel in dirfd (named path in messages); on failure sets *err to
 * "PATH:LINE: what libxml2 said" and *status to the exit status (UP_EDATA,
 * or UP_ESOFTWARE when memory runs out).
 * unplanet never writes a DOCTYPE, so one in the prolog is refused before
 * any parsing: no DTD, no entity of any kind is ever processed. */
static xmlDocPtr
parse_file(int dirfd, const char *path, const char *rel, int *status, char **err)
{
	struct buf bytes = { 0 };
	xmlParserCtxtPtr ctxt = NULL;
	xmlDocPtr doc = NULL;
	xmlErrorPtr e;
	int doctype = 0;

	if ((*status = slurp(dirfd, path, rel, &bytes, err)) != UP_OK)
		goto done;
	*status = UP_EDATA;
	if (bytes.data != NULL)
		(void)text_prolog_end(bytes.data, bytes.data + bytes.len, &doctype);
	if (doctype) {
		*status = err_set(err, UP_EDATA, "%s: has a DOCTYPE, which unplanet never writes; not read", path);
		goto done;
	}
	ctxt = xmlNewParserCtxt();
	if (ctxt == NULL) {
		*status = err_nomem(err);
		goto done;
	}
	xmlSetStructuredErrorFunc(NULL, no_messages);
	/* UTF-8, as unplanet writes it: a file in another encoding is no
	 * archive, and is not read far enough to reach a DOCTYPE. */
	doc = xmlCtxtReadMemory(ctxt, bytes.data != NULL ? bytes.data : "", (int)bytes.len, path, "UTF-8",
	    STATE_PARSE_OPTIONS);
	xmlSetStructuredErrorFunc(NULL, NULL);
	if (doc == NULL || !ctxt->wellFormed || doc->intSubset != NULL) {
		e = xmlCtxtGetLastError(ctxt);
		/* Memory running out is no damage to the file. */
		if (e != NULL && e->code == XML_ERR_NO_MEMORY) {
			*status = err_nomem(err);
		} else if (e != NULL && e->message != NULL) {
			size_t n = strlen(e->message);

			while (n > 0 && e->message[n - 1] == '\n')
				n--;
			*status = err_set(err, UP_EDATA, "%s:%d: " CORRUPT ": %.*s", path, e->line, (int)n,
			    e->message);
		} else {
			*status = err_set(err, UP_EDATA, "%s: " CORRUPT, path);
		}
		xmlFreeDoc(doc);
		doc = NULL;
	}
done:
	if (doc != NULL)
		*status = UP_OK;
	if (ctxt != NULL)
		xmlFreeParserCtxt(ctxt);
	buf_free(&bytes);
	return doc;
}

/* Whether n is an element called name. */
static int
is_element(xmlNodePtr n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && xmlStrcmp(n->name, (const xmlChar *)name) == 0;
}

/* How many of parent's children are elements called name. */
static size_t
count_children(xmlNodePtr parent, const char *name)
{
	xmlNodePtr n;
	size_t count = 0;

	for (n = parent->children; n != NULL; n = n->next)
		count += is_element(n, name);
	return count;
}

static xmlNodePtr
child(xmlNodePtr n, const char *name)
{
	xmlNodePtr found = NULL;

	for (n = n != NULL ? n->children : NULL; found == NULL && n != NULL; n = n->next)
		if (is_element(n, name))
			found = n;
	return found;
}

/* The text of element name under n, malloc'd; NULL if it is missing, or
 * when memory runs out, which sets *nomem: a file is not corrupt for it. */
static char *
child_text(xmlNodePtr n, const char *name, int *nomem)
{
	xmlNodePtr c = child(n, name);
	xmlChar *s;
	char *copy = NULL;

	if (c != NULL) {
		s = xmlNodeGetContent(c);
		copy = strdup(s != NULL ? (const char *)s : "");
		xmlFree(s);
		if (copy == NULL)
			*nomem = 1;
	}
	return copy;
}

static int
child_date(xmlNodePtr n, const char *name, time_t *t, int *nomem)
{
	char *s = child_text(n, name, nomem);
	int rc = s != NULL ? date_parse_rfc3339(s, t) : -1;

	free(s);
	return rc;
}

static int
corrupt(char **err, const char *path, xmlNodePtr at, const char *what)
{
	return err_set(err, UP_EDATA, "%s:%ld: " CORRUPT ": %s", path,
	    at != NULL ? xmlGetLineNo(at) : 0L, what);
}

/* A content digest as add_entry writes it: 16 lowercase hex digits. */
static int
parse_digest(const char *s, unsigned long long *digest)
{
	int ok = strlen(s) == 16 && strspn(s, "0123456789abcdef") == 16;

	if (ok)
		*digest = strtoull(s, NULL, 16);
	return ok ? 0 : -1;
}

static int
read_entry(xmlNodePtr n, const char *path, struct entry *e, char **err)
{
	xmlNodePtr src = child(n, "source"), title = child(n, "title");
	xmlChar *untitled;
	char *digest;
	int nomem = 0, slim, bad_page_digest, rc = UP_OK;

	/* What was read stays in *e on failure too, for entry_free. */
	memset(e, 0, sizeof *e);
	if (src == NULL) {
		rc = corrupt(err, path, n, "entry without <source>");
		goto done;
	}
	e->source_name = child_text(src, "name", &nomem);
	e->source_link = child_text(src, "link", &nomem);
	e->source_title = child_text(src, "title", &nomem);
	e->link = child_text(n, "link", &nomem);
	e->id = child_text(n, "id", &nomem);
	e->title = child_text(n, "title", &nomem);
	e->content = child_text(n, "content", &nomem);
	e->creator = child_text(n, "creator", &nomem);   /* optional */
	e->summary = child_text(n, "summary", &nomem);
	/* A post too long to copy keeps its text (optional). */
	e->text = child_text(n, "text", &nomem);
	e->long_text = e->text != NULL;
	/* An entry kept for its dates alone has a digest of its content
	 * instead of the content and its summary (group.h). */
	digest = child_text(n, "digest", &nomem);
	slim = e->content == NULL && e->summary == NULL && digest != NULL;
	if (slim && parse_digest(digest, &e->digest) != 0)
		slim = -1;
	free(digest);
	/* What the page gave its content from (optional): read.h. */
	digest = child_text(n, "page-digest", &nomem);
	bad_page_digest = digest != NULL && (parse_digest(digest, &e->page_digest) != 0 || e->page_digest == 0);
	free(digest);
	if (nomem) {
		rc = err_nomem(err);
		goto done;
	}
	if (e->source_name == NULL || e->source_link == NULL || e->link == NULL || e->id == NULL ||
	    e->id[0] == '\0' || e->title == NULL || (!slim && (e->content == NULL || e->summary == NULL))) {
		rc = corrupt(err, path, n, "entry lacks one of id, source/name, source/link, link, title, content, summary");
		goto done;
	}
	if (slim < 0) {
		rc = corrupt(err, path, n, "<digest> is not 16 hexadecimal digits");
		goto done;
	}
	if (bad_page_digest) {
		rc = corrupt(err, path, n, "<page-digest> is not 16 hexadecimal digits, not all zero");
		goto done;
	}
	if (e->source_title == NULL && (e->source_title = strdup("")) == NULL) {
		rc = err_nomem(err);
		goto done;
	}
	if (child_date(n, "published", &e->published, &nomem) != 0 ||
	    child_date(n, "updated", &e->updated, &nomem) != 0) {
		rc = nomem ? err_nomem(err) : corrupt(err, path, n, "entry without RFC 3339 <published> and <updated>");
		goto done;
	}
	/* The page's date for it, when not its published one (optional). */
	e->shown = e->published;
	if (child(n, "shown") != NULL && child_date(n, "shown", &e->shown, &nomem) != 0) {
		rc = nomem ? err_nomem(err) : corrupt(err, path, n, "<shown> is not an RFC 3339 date");
		goto done;
	}
	/* A generated title is not the post's own: read it back as untitled. */
	untitled = xmlGetProp(title, (const xmlChar *)"untitled");
	if (untitled != NULL && xmlStrcmp(untitled, (const xmlChar *)"yes") == 0)
		e->title[0] = '\0';
	xmlFree(untitled);
	if (entry_settle(e) != 0)
		rc = err_nomem(err);
done:
	return rc;
}

/* f->planet from the feed's id, "urn:unplanet:NAME:author:SLUG", when it
 * is one: UP_OK, or UP_ESOFTWARE when memory runs out. */
static int
id_planet(xmlNodePtr root, struct archived_feed *f)
{
	static const char prefix[] = "urn:unplanet:";
	char *colon, *tail = NULL, *id;
	int rc = UP_OK, nomem = 0;

	if ((id = child_text(root, "id", &nomem)) == NULL && nomem) {
		rc = UP_ESOFTWARE;
	} else if (id != NULL && strncmp(id, prefix, sizeof prefix - 1) == 0 &&
	    (colon = strchr(id + sizeof prefix - 1, ':')) != NULL) {
		if ((tail = buf_concat(":author:", f->slug, NULL)) == NULL) {
			rc = UP_ESOFTWARE;
		} else if (strcmp(colon, tail) == 0) {
			*colon = '\0';
			if (text_valid_slug(id + sizeof prefix - 1) &&
			    (f->planet = strdup(id + sizeof prefix - 1)) == NULL)
				rc = UP_ESOFTWARE;
		}
	}
	free(tail);
	free(id);
	return rc;
}

static int
read_feed(int dirfd, const char *path, const char *rel, struct archived_feed *f, char **err)
{
	xmlDocPtr doc = NULL;
	xmlNodePtr root, n;
	xmlChar *kind = NULL, *slug = NULL, *version = NULL;
	size_t count = 0;
	int rc = UP_OK;

	memset(f, 0, sizeof *f);
	if ((f->path = strdup(path)) == NULL) {
		rc = err_nomem(err);
		goto done;
	}
	doc = parse_file(dirfd, path, rel, &rc, err);
	if (doc == NULL)
		goto done;   /* rc and *err say why */
	root = xmlDocGetRootElement(doc);
	if (root == NULL || xmlStrcmp(root->name, (const xmlChar *)"feed") != 0) {
		rc = corrupt(err, path, root, "not a <feed> document");
		goto done;
	}
	version = xmlGetProp(root, (const xmlChar *)"version");
	kind = xmlGetProp(root, (const xmlChar *)"kind");
	slug = xmlGetProp(root, (const xmlChar *)"slug");
	if (version == NULL || xmlStrcmp(version, (const xmlChar *)"1") != 0 || kind == NULL || slug == NULL) {
		rc = corrupt(err, path, root, "<feed> needs version=\"1\", kind and slug");
		goto done;
	}
	/* The slug becomes file names: it must be one unplanet makes, and the
	 * one this file is named after. */
	{
		const char *base = strrchr(path, '/') != NULL ? strrchr(path, '/') + 1 : path;
		size_t len = strlen((const char *)slug);

		if (!text_valid_slug((const char *)slug) || xmlStrcmp(kind, (const xmlChar *)"author") != 0) {
			rc = corrupt(err, path, root, "<feed> slug must be of a-z, 0-9 and '-', and kind \"author\"");
			goto done;
		}
		if (strncmp(base, (const char *)slug, len) != 0 || strcmp(base + len, ".xml") != 0) {
			/* Most likely a copy someone kept beside the original. */
			rc = err_set(err, UP_EDATA, "%s:%ld: " CORRUPT ": <feed> slug \"%s\" is not the file's name "
			    "(a copy of %s.xml? every .xml file there is read as an archive)", path,
			    xmlGetLineNo(root), (const char *)slug, (const char *)slug);
			goto done;
		}
	}
	f->updated = -1;
	if (child(root, "updated") != NULL) {
		int nomem = 0;

		if (child_date(root, "updated", &f->updated, &nomem) != 0) {
			rc = nomem ? err_nomem(err) : corrupt(err, path, root, "<feed> <updated> is no RFC 3339 time");
			goto done;
		}
	}
	f->kind = strdup((const char *)kind);
	f->slug = strdup((const char *)slug);
	if (f->kind != NULL && f->slug != NULL && (rc = id_planet(root, f)) != UP_OK) {
		rc = err_nomem(err);
		goto done;
	}
	count = count_children(root, "entry");
	f->entries = calloc(count ? count : 1, sizeof *f->entries);
	if (f->kind == NULL || f->slug == NULL || f->entries == NULL) {
		rc = err_nomem(err);
		goto done;
	}
	for (n = root->children; n != NULL && rc == UP_OK; n = n->next) {
		if (!is_element(n, "entry"))
			continue;
		rc = read_entry(n, path, &f->entries[f->n_entries], err);
		f->n_entries++;
	}
done:
	xmlFree(version);
	xmlFree(kind);
	xmlFree(slug);
	xmlFreeDoc(doc);
	return rc;
}

/* Reads node's attribute name, an RFC 3339 time, into *t when it is
 * there (*t stays as it was when not). 0, or -1 when it is no such time. */
static int
read_time(xmlNodePtr node, const char *name, time_t *t)
{
	xmlChar *value = xmlGetProp(node, (const xmlChar *)name);
	int rc = value != NULL && date_parse_rfc3339((const char *)value, t) != 0 ? -1 : 0;

	xmlFree(value);
	return rc;
}

/* Strings in strcmp order: the archive's file names, the author slugs. */
static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* state.xml's <author slug="..."/> records, sorted into s->authors: which
 * of the slugs a feed holds in the archive it was written under last. */
static int
read_authors(xmlNodePtr root, const char *path, struct state *s, char **err)
{
	xmlNodePtr node;
	size_t n = 0;
	int rc = UP_OK;

	n = count_children(root, "author");
	if (n > 0 && (s->authors = calloc(n, sizeof *s->authors)) == NULL) {
		rc = err_nomem(err);
		goto done;
	}
	for (node = root->children; node != NULL; node = node->next) {
		char *slug;

		if (!is_element(node, "author"))
			continue;
		slug = (char *)xmlGetProp(node, (const xmlChar *)"slug");
		if (slug == NULL || !text_valid_slug(slug)) {
			xmlFree(slug);
			rc = corrupt(err, path, node, "<author> needs a slug of a-z, 0-9 and '-'");
			goto done;
		}
		s->authors[s->n_authors++] = slug;
	}
	if (s->n_authors > 1)   /* none: s->authors is NULL, which qsort may not take */
		qsort(s->authors, s->n_authors, sizeof *s->authors, by_name);
done:
	return rc;
}

static int
read_validators(int dirfd, const char *path, const char *rel, struct state *s, char **err)
{
	xmlDocPtr doc;
	xmlNodePtr root, outputs, planet, fetch, node;
	int rc = UP_OK;

	doc = parse_file(dirfd, path, rel, &rc, err);
	if (doc == NULL)
		goto done;   /* rc and *err say why */
	root = xmlDocGetRootElement(doc);
	if (root == NULL || xmlStrcmp(root->name, (const xmlChar *)"state") != 0) {
		rc = corrupt(err, path, root, "not a <state> document");
		goto done;
	}
	{
		xmlChar *version = xmlGetProp(root, (const xmlChar *)"version");
		int known = version != NULL && xmlStrcmp(version, (const xmlChar *)"1") == 0;

		xmlFree(version);
		if (!known) {
			rc = corrupt(err, path, root, "<state> needs version=\"1\" (written by another unplanet?)");
			goto done;
		}
	}
	outputs = child(root, "outputs");
	if (outputs != NULL)
		s->fingerprint = (char *)xmlGetProp(outputs, (const xmlChar *)"fingerprint");
	if ((planet = child(root, "planet")) != NULL) {
		int bad = read_time(planet, "updated", &s->page_updated) != 0;

		s->planet = (char *)xmlGetProp(planet, (const xmlChar *)"name");
		if (s->planet == NULL || !text_valid_slug(s->planet) || bad) {
			rc = corrupt(err, path, planet, "<planet> needs a name of a-z, 0-9 and '-', and an updated "
			    "time in RFC 3339 if any");
			goto done;
		}
	}
	for (node = root->children; node != NULL; node = node->next) {
		struct state_topic *t;

		if (!is_element(node, "topic"))
			continue;
		if ((t = realloc(s->topics, (s->n_topics + 1) * sizeof *t)) == NULL) {
			rc = err_nomem(err);
			goto done;
		}
		s->topics = t;
		t = &s->topics[s->n_topics++];
		t->name = (char *)xmlGetProp(node, (const xmlChar *)"name");
		t->slug = (char *)xmlGetProp(node, (const xmlChar *)"slug");
		t->updated = -1;
		if (t->name == NULL || t->slug == NULL || !text_valid_slug(t->slug) ||
		    read_time(node, "updated", &t->updated) != 0) {
			rc = corrupt(err, path, node, "<topic> needs a name, a slug of a-z, 0-9 and '-', and an "
			    "updated time in RFC 3339 if any");
			goto done;
		}
	}
	if ((rc = read_authors(root, path, s, err)) != UP_OK)
		goto done;
	fetch = child(root, "fetch");
	if (fetch != NULL) {
		s->url = (char *)xmlGetProp(fetch, (const xmlChar *)"url");
		s->etag = (char *)xmlGetProp(fetch, (const xmlChar *)"etag");
		s->last_modified = (char *)xmlGetProp(fetch, (const xmlChar *)"last-modified");
		s->settings = (char *)xmlGetProp(fetch, (const xmlChar *)"settings");
	}
done:
	xmlFreeDoc(doc);
	return rc;
}

/* Forgets the topics whose document someone deleted from the cache: the
 * way to free a topic's slug for another (state.h). */
static int
forget_deleted_topics(int dirfd, struct state *s, char **err)
{
	size_t i, kept = 0;
	int rc = UP_OK;

	for (i = 0; i < s->n_topics; i++) {
		struct state_topic *t = &s->topics[i];
		char *doc = rc == UP_OK ? buf_concat(CACHE_DIR "/topics/", t->slug, ".xml", NULL) : NULL;
		struct stat st;

		if (rc == UP_OK && doc == NULL)
			rc = err_nomem(err);
		/* A link there, even to nothing, is something: only no file at
		 * all means the topic's files were deleted. */
		if (rc == UP_OK && fstatat(dirfd, doc, &st, AT_SYMLINK_NOFOLLOW) != 0 && errno == ENOENT) {
			xmlFree(t->name);
			xmlFree(t->slug);
		} else {
			s->topics[kept++] = *t;
		}
		free(doc);
	}
	s->n_topics = kept;
	return rc;
}

/* The archive's file names, sorted so runs read them in one order. A
 * readdir(3) that fails part way is an error, not the end of the folder:
 * an archive left unlisted would be rewritten from the page alone, losing
 * the entries that left it. */
static int
archive_names(int dirfd, const char *dir, char ***names, size_t *n, char **err)
{
	int fd = openat(dirfd, ARCHIVE_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *de;
	size_t cap = 0;
	int rc = UP_OK;

	*names = NULL;
	*n = 0;
	if (d == NULL) {
		if (errno != ENOENT)   /* no archive yet is none */
			rc = err_set(err, err_status(errno, UP_EDATA), "%s: cannot read: %s", dir, strerror(errno));
		if (fd >= 0)
			close(fd);
		goto done;
	}
	for (;;) {
		size_t len;

		errno = 0;
		if ((de = readdir(d)) == NULL) {
			if (errno != 0)
				rc = err_set(err, err_status(errno, UP_EDATA), "%s: cannot read: %s", dir, strerror(errno));
			break;
		}
		len = strlen(de->d_name);
		if (de->d_name[0] == '.' || len < 5 || strcmp(de->d_name + len - 4, ".xml") != 0)
			continue;
		if (*n == cap) {
			size_t more = cap ? cap * 2 : 64;
			char **p = realloc(*names, more * sizeof *p);

			if (p == NULL) {
				rc = err_nomem(err);
				break;
			}
			*names = p;
			cap = more;
		}
		if (((*names)[*n] = strdup(de->d_name)) == NULL) {
			rc = err_nomem(err);
			break;
		}
		(*n)++;
	}
done:
	if (d != NULL)
		closedir(d);
	if (rc == UP_OK && *n > 1)
		qsort(*names, *n, sizeof **names, by_name);
	return rc;
}

int
state_load(int dirfd, const char *dir, struct state **out, char **err)
{
	struct state *s;
	struct stat st;
	char *path = NULL;
	int rc = UP_OK;

	*out = NULL;
	s = calloc(1, sizeof *s);
	if (s == NULL || (path = buf_concat(dir, "/" STATE_FILE, NULL)) == NULL) {
		rc = err_nomem(err);
		goto done;
	}
	s->page_updated = -1;
	s->listed_updated = -1;
	/* Not following a link: one to nothing is not "no state", and is
	 * refused by name when read, as any link there. */
	if (fstatat(dirfd, STATE_FILE, &st, AT_SYMLINK_NOFOLLOW) == 0)
		rc = read_validators(dirfd, path, STATE_FILE, s, err);
	else if (errno != ENOENT)   /* not "no state": its validators must not be lost */
		rc = err_set(err, err_status(errno, UP_EDATA), "%s: cannot read: %s", path, strerror(errno));
	if (rc == UP_OK)
		rc = forget_deleted_topics(dirfd, s, err);
done:
	free(path);
	if (rc != UP_OK)
		state_free(s);
	else
		*out = s;
	return rc;
}

/* A page digest as s->bodies keys it: as the archive writes it. */
static void
body_key(unsigned long long page_digest, char key[17])
{
	snprintf(key, 17, "%016llx", page_digest);
}

/* s->bodies: each archived entry with a page digest, whole (with the
 * content and summary it was made with) or slim (with the digest of that
 * content), by its link, page digest and source name; a whole one rather
 * than a slim one. Any one of those that share all three will do: the
 * content is made from the same bytes the same way. The source is in the
 * key because the digest is no cryptographic hash: a source that gave one
 * of its posts another's permalink and HTML made to hash the same must
 * not put its content in the other's feed. */
static int
index_bodies(struct state *s, char **err)
{
	size_t i, k;
	int rc = UP_OK;

	for (i = 0; rc == UP_OK && i < s->n_feeds; i++) {
		const struct archived_feed *f = &s->feeds[i];

		for (k = 0; rc == UP_OK && k < f->n_entries; k++) {
			struct entry *e = &f->entries[k];
			const struct entry *had;
			char key[17];

			if (e->page_digest == 0 || e->long_text || (e->content == NULL) != (e->summary == NULL))
				continue;
			body_key(e->page_digest, key);
			if (s->bodies == NULL && (s->bodies = xmlHashCreate(256)) == NULL) {
				rc = err_nomem(err);
				break;
			}
			had = xmlHashLookup3(s->bodies, (const xmlChar *)e->link, (const xmlChar *)key,
			    (const xmlChar *)e->source_name);
			if ((had == NULL || (had->content == NULL && e->content != NULL)) &&
			    table_put(s->bodies, e->link, key, e->source_name, e) != 0)
				rc = err_nomem(err);
		}
	}
	return rc;
}

int
state_load_archive(int dirfd, const char *dir, struct state *s, char **err)
{
	char *archive = NULL, **names = NULL;
	size_t n = 0, i;
	int rc = UP_OK;

	if ((archive = buf_concat(dir, "/" ARCHIVE_DIR, NULL)) == NULL)
		rc = err_nomem(err);
	else
		rc = archive_names(dirfd, archive, &names, &n, err);
	if (rc == UP_OK && n > 0 && (s->feeds = calloc(n, sizeof *s->feeds)) == NULL)
		rc = err_nomem(err);
	for (i = 0; rc == UP_OK && i < n; i++) {
		/* "DIR/.unplanet/archive/NAME" in messages, the part after
		 * "DIR/" to open. */
		char *file = buf_concat(archive, "/", names[i], NULL);

		if (file == NULL) {
			rc = err_nomem(err);
			break;
		}
		rc = read_feed(dirfd, file, file + strlen(dir) + 1, &s->feeds[s->n_feeds++], err);
		free(file);
	}
	for (i = 0; rc == UP_OK && i < s->n_feeds; i++)
		s->feeds[i].last_run = s->n_authors > 0 &&
		    bsearch(&s->feeds[i].slug, s->authors, s->n_authors, sizeof *s->authors, by_name) != NULL;
	/* A state.xml moved away must not change every feed's id: the
	 * archive's ids give the name a retitled Planet had. */
	for (i = 0; rc == UP_OK && s->planet == NULL && i < s->n_feeds; i++)
		if (s->feeds[i].planet != NULL && (s->planet = (char *)xmlStrdup((const xmlChar *)s->feeds[i].planet)) == NULL)
			rc = err_nomem(err);
	if (rc == UP_OK)
		rc = index_bodies(s, err);
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(archive);
	return rc;
}

/* A feed's path as the directory document gives it: its kind's folder
 * and its slug, nothing that could lead out of the folder. */
static int
feed_path_ok(const char *kind, const char *path)
{
	size_t n = strlen(kind);

	return (strcmp(kind, "author") == 0 || strcmp(kind, "topic") == 0) && strncmp(path, kind, n) == 0 &&
	    strncmp(path + n, "s/", 2) == 0 && text_valid_slug(path + n + 2);
}

int
state_load_listed(int dirfd, const char *dir, struct state *s, char **err)
{
	char *path = buf_concat(dir, "/" DIRECTORY_FILE, NULL);
	xmlDocPtr doc = NULL;
	xmlNodePtr root, node;
	xmlChar *version = NULL;
	size_t n = 0;
	int rc = UP_OK;

	/* What an earlier call read goes: the list is read again. */
	while (s->n_listed > 0)
		free(s->listed[--s->n_listed]);
	free(s->listed);
	s->listed = NULL;
	s->listed_updated = -1;
	if (path == NULL) {
		rc = err_nomem(err);
		goto done;
	}
	if ((doc = parse_file(dirfd, path, DIRECTORY_FILE, &rc, err)) == NULL)
		goto done;   /* rc and *err say why */
	root = xmlDocGetRootElement(doc);
	if (root != NULL)
		version = xmlGetProp(root, (const xmlChar *)"version");
	if (root == NULL || xmlStrcmp(root->name, (const xmlChar *)"directory") != 0 ||
	    xmlStrcmp(version, (const xmlChar *)"1") != 0) {
		rc = corrupt(err, path, root, "not a <directory version=\"1\"> document");
		goto done;
	}
	if (child(root, "updated") != NULL) {
		int nomem = 0;

		if (child_date(root, "updated", &s->listed_updated, &nomem) != 0) {
			s->listed_updated = -1;
			rc = nomem ? err_nomem(err) : corrupt(err, path, root, "<updated> is no RFC 3339 time");
			goto done;
		}
	}
	n = count_children(root, "feed");
	if (n > 0 && (s->listed = calloc(n, sizeof *s->listed)) == NULL) {
		rc = err_nomem(err);
		goto done;
	}
	for (node = root->children; node != NULL; node = node->next) {
		xmlChar *kind;
		char *feed;
		int nomem = 0, ok;

		if (!is_element(node, "feed"))
			continue;
		kind = xmlGetProp(node, (const xmlChar *)"kind");
		feed = child_text(node, "path", &nomem);
		ok = kind != NULL && feed != NULL && feed_path_ok((const char *)kind, feed);
		xmlFree(kind);
		if (!ok) {
			free(feed);
			rc = nomem ? err_nomem(err) : corrupt(err, path, node, "<feed> needs a kind, author or topic, "
			    "and a path of its folder and a slug of a-z, 0-9 and '-'");
			goto done;
		}
		s->listed[s->n_listed++] = feed;
	}
done:
	xmlFree(version);
	xmlFreeDoc(doc);
	free(path);
	return rc;
}

const struct entry *
state_find_body(const struct state *s, const struct entry *post, unsigned long long page_digest)
{
	const struct entry *known;
	char key[17];

	if (s == NULL || s->bodies == NULL || page_digest == 0)
		return NULL;
	body_key(page_digest, key);
	known = xmlHashLookup3(s->bodies, (const xmlChar *)post->link, (const xmlChar *)key,
	    (const xmlChar *)post->source_name);
	return known != NULL && strcmp(known->source_link, post->source_link) == 0 ? known : NULL;
}

int
state_serialize(const char *url, const char *etag, const char *last_modified,
    const char *settings, const char *fingerprint, const char *planet, time_t page_updated,
    const struct state_topic *topics, size_t n_topics, const char *const *authors, size_t n_authors,
    char **data, size_t *len, char **err)
{
	char updated[DATE_MAX];

	xmlDocPtr doc = xmlNewDoc((const xmlChar *)"1.0");
	xmlNodePtr root, node;
	xmlChar *bytes = NULL;
	int n = 0, rc = UP_OK;
	size_t i;

	*data = NULL;
	if (doc == NULL) {
		rc = err_nomem(err);
		goto done;
	}
	root = xmlNewDocNode(doc, NULL, (const xmlChar *)"state", NULL);
	xmlDocSetRootElement(doc, root);
	if (root == NULL || xmlNewProp(root, (const xmlChar *)"version", (const xmlChar *)"1") == NULL) {
		rc = err_nomem(err);
		goto done;
	}
	if (fingerprint != NULL) {
		node = xmlNewChild(root, NULL, (const xmlChar *)"outputs", NULL);
		if (node == NULL ||
		    xmlNewProp(node, (const xmlChar *)"fingerprint", (const xmlChar *)fingerprint) == NULL) {
			rc = err_nomem(err);
			goto done;
		}
	}
	if (planet != NULL) {
		node = xmlNewChild(root, NULL, (const xmlChar *)"planet", NULL);
		if (page_updated != -1)
			date_rfc3339(page_updated, updated);
		if (node == NULL || xmlNewProp(node, (const xmlChar *)"name", (const xmlChar *)planet) == NULL ||
		    (page_updated != -1 && xmlNewProp(node, (const xmlChar *)"updated", (const xmlChar *)updated) == NULL)) {
			rc = err_nomem(err);
			goto done;
		}
	}
	if (url != NULL) {
		node = xmlNewChild(root, NULL, (const xmlChar *)"fetch", NULL);
		if (node == NULL || xmlNewProp(node, (const xmlChar *)"url", (const xmlChar *)url) == NULL ||
		    (etag != NULL && xmlNewProp(node, (const xmlChar *)"etag", (const xmlChar *)etag) == NULL) ||
		    (last_modified != NULL &&
			xmlNewProp(node, (const xmlChar *)"last-modified", (const xmlChar *)last_modified) == NULL) ||
		    (settings != NULL && xmlNewProp(node, (const xmlChar *)"settings", (const xmlChar *)settings) == NULL)) {
			rc = err_nomem(err);
			goto done;
		}
	}
	for (i = 0; i < n_topics; i++) {
		node = xmlNewChild(root, NULL, (const xmlChar *)"topic", NULL);
		if (topics[i].updated != -1)
			date_rfc3339(topics[i].updated, updated);
		if (node == NULL || xmlNewProp(node, (const xmlChar *)"name", (const xmlChar *)topics[i].name) == NULL ||
		    xmlNewProp(node, (const xmlChar *)"slug", (const xmlChar *)topics[i].slug) == NULL ||
		    (topics[i].updated != -1 &&
			xmlNewProp(node, (const xmlChar *)"updated", (const xmlChar *)updated) == NULL)) {
			rc = err_nomem(err);
			goto done;
		}
	}
	for (i = 0; i < n_authors; i++) {
		node = xmlNewChild(root, NULL, (const xmlChar *)"author", NULL);
		if (node == NULL || xmlNewProp(node, (const xmlChar *)"slug", (const xmlChar *)authors[i]) == NULL) {
			rc = err_nomem(err);
			goto done;
		}
	}
	xmlDocDumpFormatMemoryEnc(doc, &bytes, &n, "UTF-8", 1);
	if (bytes == NULL) {
		rc = err_nomem(err);
		goto done;
	}
	*data = (char *)bytes;
	*len = (size_t)n;
done:
	xmlFreeDoc(doc);
	return rc;
}

void
state_free(struct state *s)
{
	size_t i, k;

	if (s != NULL) {
		for (i = 0; i < s->n_feeds; i++) {
			struct archived_feed *f = &s->feeds[i];

			for (k = 0; k < f->n_entries; k++)
				entry_free(&f->entries[k]);
			free(f->entries);
			free(f->path);
			free(f->kind);
			free(f->slug);
			free(f->planet);
		}
		free(s->feeds);
		xmlHashFree(s->bodies, NULL);
		for (i = 0; i < s->n_topics; i++) {
			xmlFree(s->topics[i].name);
			xmlFree(s->topics[i].slug);
		}
		free(s->topics);
		for (i = 0; i < s->n_authors; i++)
			xmlFree(s->authors[i]);
		free(s->authors);
		for (i = 0; i < s->n_listed; i++)
			free(s->listed[i]);
		free(s->listed);
		xmlFree(s->url);
		xmlFree(s->etag);
		xmlFree(s->last_modified);
		xmlFree(s->fingerprint);
		xmlFree(s->settings);
		xmlFree(s->planet);
		free(s);
	}
}
