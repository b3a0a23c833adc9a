/* write.c - apply output stylesheets to intermediate documents (see
 * write.h). */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/uri.h>
#include <libxml/xpathInternals.h>
#include <libxslt/documents.h>
#include <libxslt/extensions.h>
#include <libxslt/imports.h>
#include <libxslt/security.h>
#include <libxslt/transform.h>
#include <libxslt/xsltInternals.h>
#include <libxslt/xsltutils.h>
#include <libexslt/exslt.h>

#include "buf.h"
#include "err.h"
#include "html.h"
#include "text.h"
#include "version.h"
#include "write.h"

/* The formats every run writes; users add more with --stylesheet. */
static const char *const builtin_formats[] = { "atom", "rss", "json" };

/* The site pages: file written, stylesheet, value of its "kind" parameter
 * (an XPath expression) or NULL. */
static const struct {
	const char *file;
	const char *stylesheet;
	const char *kind;        /* the parameter, as XPath */
	const char *lists;       /* the feeds it lists: "author", "topic", "" (all) */
} site_pages[] = {
	{ "index.html", "index", NULL, NULL },
	{ "feeds.opml", "opml", "''", "" },
	{ "authors.opml", "opml", "'author'", "author" },
	{ "topics.opml", "opml", "'topic'", "topic" },
};
#define N_SITE_PAGES (sizeof site_pages / sizeof site_pages[0])

struct format {
	char *name;
	char *path;
	xsltStylesheetPtr style;
	struct buf text;           /* its bytes, as the fingerprint has them */
	int said;                  /* said something while making a file */
};

/* A thread's own parse of the formats' stylesheets (writer_styles_new):
 * libxml2 2.9 caches what each XPath function call resolves to in the
 * compiled expression as it first runs it, so two threads applying one
 * compiled stylesheet would write to it at once. */
struct writer_styles {
	xsltStylesheetPtr *style;  /* one per format */
	size_t n;
};

/* A file a stylesheet imports or includes, as the run first read it. */
struct imported {
	char *file;
	struct buf text;
};

struct writer {
	struct format *formats;
	size_t n;
	struct imported *imported;  /* for writer_styles_new's parses */
	size_t n_imported;
	struct format site[N_SITE_PAGES];   /* stylesheets shared where pages share one */
	xsltSecurityPrefsPtr security;
	struct buf messages;       /* what libxml2/libxslt said, for errors */
	struct buf warnings;       /* what libxslt warned of while compiling */
	struct buf said;           /* what stylesheets said while making files */
	char fingerprint[17];
	unsigned long long hash;   /* over what makes the fingerprint */
};

/* Adds a stylesheet file to the fingerprint: its name and its bytes,
 * kept in keep when not NULL. Failing to read it (it went away after it
 * was looked at, a disk error) is an error, not the end of its bytes: a
 * fingerprint of part of them could stay the same when the file changes,
 * and the outputs would not be remade. */
static int
hash_file(struct writer *w, const char *name, const char *path, struct buf *keep, char **err)
{
	char chunk[65536];
	FILE *f;
	size_t n;
	int rc = UP_OK;

	w->hash = text_hash(w->hash, name, strlen(name) + 1);
	f = fopen(path, "rb");
	if (f == NULL) {
		rc = err_set(err, err_status(errno, UP_ENOINPUT), "%s: cannot read stylesheet: %s", path, strerror(errno));
		goto done;
	}
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		w->hash = text_hash(w->hash, chunk, n);
		if (keep != NULL && buf_add(keep, chunk, n) != 0) {
			rc = err_nomem(err);
			goto done;
		}
	}
	if (ferror(f)) {   /* not the end of the file */
		rc = err_set(err, UP_ENOINPUT, "%s: cannot read stylesheet: %s", path, strerror(errno));
		goto done;
	}
	w->hash = text_hash(w->hash, "", 1);
done:
	if (f != NULL)
		fclose(f);
	return rc;
}

/* Held while collect adds to a buffer: libxslt's own generic handler is
 * one for the whole process, whatever thread a transformation runs on. */
static pthread_mutex_t collecting = PTHREAD_MUTEX_INITIALIZER;

/* What collect keeps of what was said: its start, where things went
 * wrong, and its end, what stopped the run (xsl:message terminate="yes"
 * says it last), the middle replaced by COLLECT_CUT. */
#define COLLECT_MAX 4096
#define COLLECT_HEAD 2048
#define COLLECT_CUT " \xe2\x80\xa6 "   /* " … " */

/* Cuts b to its first and last bytes, if over COLLECT_MAX, each part
 * whole UTF-8 characters. */
static void
keep_ends(struct buf *b)
{
	size_t cut = sizeof COLLECT_CUT - 1, head = COLLECT_HEAD, tail, from, k;

	if (b->len <= COLLECT_MAX)
		return;
	/* Cut before: the middle went at a character's start near HEAD. */
	for (k = 0; k <= 3 && memcmp(b->data + COLLECT_HEAD - k, COLLECT_CUT, cut) != 0; k++)
		;
	if (k <= 3)
		head = COLLECT_HEAD - k;
	else
		while (head > 0 && ((unsigned char)b->data[head] & 0xC0) == 0x80)
			head--;
	tail = COLLECT_MAX - head - cut;
	for (from = b->len - tail; from < b->len && ((unsigned char)b->data[from] & 0xC0) == 0x80; from++)
		;
	memmove(b->data + head + cut, b->data + from, b->len - from);
	memcpy(b->data + head, COLLECT_CUT, cut);
	b->len = head + cut + (b->len - from);
	b->data[b->len] = '\0';
}

/* libxml2 and libxslt report through callbacks; collect what they say so
 * it reaches the user inside one error message, and only on failure. */
static void
collect(void *ctx, const char *fmt, ...)
{
	struct buf *b = ctx;
	va_list ap;
	int n;

	pthread_mutex_lock(&collecting);
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n >= 0 && buf_reserve(b, (size_t)n + 1) == 0) {
		va_start(ap, fmt);
		vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
		va_end(ap);
		b->len += (size_t)n;
		keep_ends(b);
	}
	pthread_mutex_unlock(&collecting);
}

/* libxml2's own errors, as "FILE:LINE: what" (the line of source and the
 * caret its default report adds make no sense within one line). Set only
 * while write.c parses or transforms: the other stages have their own. */
static void
collect_error(void *ctx, xmlErrorPtr e)
{
	const char *what = e->message != NULL ? e->message : "error";
	int n = (int)strcspn(what, "\n");

	if (e->file != NULL && e->line > 0)
		collect(ctx, "%s:%d: %.*s\n", e->file, e->line, n, what);
	else
		collect(ctx, "%.*s\n", n, what);
}

static void
messages_reset(struct writer *w)
{
	w->messages.len = 0;
	if (w->messages.data != NULL)
		w->messages.data[0] = '\0';
}

/* Whether a line libxslt wrote says where, not what: "runtime error:
 * file x.xsl line 3 element document", or only "error". */
static int
is_where(const char *line, size_t n)
{
	static const char *const kinds[] = { "runtime error", "compilation error", "compilation warning",
	    "error", "warning" };
	size_t i, k;
	int where = 0;

	for (i = 0; !where && i < sizeof kinds / sizeof kinds[0]; i++) {
		k = strlen(kinds[i]);
		where = n >= k && memcmp(line, kinds[i], k) == 0 &&
		    (n == k || (n > k + 7 && memcmp(line + k, ": file ", 7) == 0));
	}
	return where;
}

/* libxslt says where on a line of its own before each thing it says, the
 * same where again for each: "WHERE: WHAT; WHAT", each where said once.
 * Returns 0, or -1 when memory runs out. */
static int
join_messages(struct buf *said)
{
	struct buf out = { 0 };
	const char *p = said->data, *end = said->data + said->len, *eol, *where = NULL, *sep = "";
	size_t n, where_len = 0;
	int rc = -1;

	for (; p < end; p = eol + (eol < end)) {
		eol = memchr(p, '\n', (size_t)(end - p));
		if (eol == NULL)
			eol = end;
		for (n = (size_t)(eol - p); n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\r'); n--)
			;
		/* libxslt's advice for xsltproc, whose options unplanet has not
		 * ("You can adjust xsltMaxDepth (--maxdepth) in order to..."). */
		if (n == 0 || (n > 15 && memcmp(p, "You can adjust ", 15) == 0 && memmem(p, n, "(--max", 6) != NULL))
			continue;
		if (is_where(p, n)) {
			if (where != NULL && n == where_len && memcmp(p, where, n) == 0)
				continue;
			where = p;
			where_len = n;
			if (buf_adds(&out, out.len > 0 ? "; " : "") != 0 || buf_add(&out, p, n) != 0)
				goto done;
			sep = ": ";
		} else {
			if (buf_adds(&out, out.len > 0 ? sep : "") != 0 || buf_add(&out, p, n) != 0)
				goto done;
			sep = "; ";
		}
	}
	if (buf_reserve(&out, 0) != 0)
		goto done;
	buf_free(said);
	*said = out;
	out.data = NULL;
	rc = 0;
done:
	buf_free(&out);
	return rc;
}

/* The messages collected in m, one line, for appending to an error or a
 * warning. */
static const char *
one_line(struct buf *m)
{
	const char *said = "no reason given";

	/* Failing that (no memory), the lines as they are, run together. */
	(void)join_messages(m);
	if (m->data != NULL) {
		err_one_line(m->data);
		while (m->len > 0 && m->data[m->len - 1] == ' ')
			m->data[--m->len] = '\0';
		if (m->len > 0)
			said = m->data;
	}
	return said;
}

static const char *
messages(struct writer *w)
{
	return one_line(&w->messages);
}

/* up:json-string(s): s as a JSON string, quotes included. Everything JSON
 * requires is escaped (quote, backslash, control characters), and U+2028
 * and U+2029 too, which JavaScript would take for line ends. */
static void
json_string(xmlXPathParserContextPtr ctxt, int nargs)
{
	static const char hex[] = "0123456789abcdef";
	struct buf out = { 0 };
	xmlChar *s = NULL;
	const unsigned char *p, *run;
	int failed;

	if (nargs != 1) {
		xmlXPathSetArityError(ctxt);
		goto done;
	}
	s = xmlXPathPopString(ctxt);
	if (s == NULL) {
		xmlXPathSetError(ctxt, XPATH_MEMORY_ERROR);
		goto done;
	}
	/* Most bytes need no escape: copy them in runs. */
	failed = buf_reserve(&out, (size_t)xmlStrlen(s) + (size_t)xmlStrlen(s) / 8 + 16) != 0 ||
	    buf_addc(&out, '"') != 0;
	for (p = run = s; !failed; p++) {
		char esc[7] = "\\u00";
		const char *rep = NULL;
		size_t n = 2;

		while (*p >= 0x20 && *p != '"' && *p != '\\' && *p != 0xE2)
			p++;
		if (*p == '\0')
			break;
		if (*p == 0xE2 && !(p[1] == 0x80 && (p[2] == 0xA8 || p[2] == 0xA9)))
			continue;
		failed = buf_add(&out, run, (size_t)(p - run)) != 0;
		switch (*p) {
		case '"': rep = "\\\""; break;
		case '\\': rep = "\\\\"; break;
		case '\n': rep = "\\n"; break;
		case '\r': rep = "\\r"; break;
		case '\t': rep = "\\t"; break;
		case 0xE2:
			rep = p[2] == 0xA8 ? "\\u2028" : "\\u2029";
			n = 6;
			p += 2;
			break;
		default:
			esc[4] = hex[*p >> 4];
			esc[5] = hex[*p & 15];
			rep = esc;
			n = 6;
		}
		failed = failed || buf_add(&out, rep, n) != 0;
		run = p + 1;
	}
	failed = failed || buf_add(&out, run, (size_t)(p - run)) != 0 || buf_addc(&out, '"') != 0;
	if (failed) {   /* braces: xmlXPathSetError is a block, not a statement */
		xmlXPathSetError(ctxt, XPATH_MEMORY_ERROR);
	} else {
		valuePush(ctxt, xmlXPathWrapString((xmlChar *)buf_take(&out)));
	}
done:
	xmlFree(s);
	buf_free(&out);   /* empty once taken */
}

/* up:uri(s): the IRI s as a URI (html_iri_to_uri), for the formats that
 * take URLs only: RSS, JSON Feed, OPML. */
static void
uri(xmlXPathParserContextPtr ctxt, int nargs)
{
	xmlChar *s = NULL;
	char *out = NULL;

	if (nargs != 1) {
		xmlXPathSetArityError(ctxt);
		goto done;
	}
	s = xmlXPathPopString(ctxt);
	if (s == NULL || (out = html_iri_to_uri((const char *)s)) == NULL) {
		xmlXPathSetError(ctxt, XPATH_MEMORY_ERROR);
		goto done;
	}
	valuePush(ctxt, xmlXPathWrapString((xmlChar *)out));   /* malloc'd, as json_string's */
	out = NULL;
done:
	xmlFree(s);
	free(out);
}

char *
writer_format_name(const char *path)
{
	const char *base = strrchr(path, '/');
	char *name = NULL;
	size_t n, i;
	int valid;

	base = base != NULL ? base + 1 : path;
	n = strlen(base);
	if (n > 4 && strcmp(base + n - 4, ".xsl") == 0)
		n -= 4;
	else if (n > 5 && strcmp(base + n - 5, ".xslt") == 0)
		n -= 5;
	errno = EINVAL;
	valid = n > 0 && n <= WRITER_NAME_MAX;
	for (i = 0; valid && i < n; i++) {
		char c = base[i];

		valid = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
	}
	if (valid) {
		errno = ENOMEM;   /* strndup's only failure */
		name = strndup(base, n);
	}
	return name;
}

/* The file of a stylesheet libxml2 loaded, from the URI it gave the
 * document, found as libxml2 finds it (xmlFileOpen): after any "file:"
 * prefix, the path as it is if there is such a file, else unescaped, as
 * libxml2 escapes what a URI may not hold ("my%20xslt/a.xsl" for a
 * space). Malloc'd; NULL when memory runs out. */
static char *
uri_file(const char *uri)
{
	const char *path = uri;
	char *file;

	if (strncasecmp(uri, "file://localhost/", 17) == 0)
		path = uri + 16;
	else if (strncasecmp(uri, "file:///", 8) == 0)
		path = uri + 7;
	else if (strncasecmp(uri, "file:/", 6) == 0)
		path = uri + 5;
	file = strdup(path);
	if (file != NULL && access(path, F_OK) != 0)
		xmlURIUnescapeString(path, 0, file);   /* never longer */
	return file;
}

/* The file w keeps of those its stylesheets import or include, or NULL. */
static const struct imported *
find_imported(const struct writer *w, const char *file)
{
	size_t i;

	for (i = 0; i < w->n_imported && strcmp(w->imported[i].file, file) != 0; i++)
		;
	return i < w->n_imported ? &w->imported[i] : NULL;
}

/* hash_file for a stylesheet known by the URI libxml2 gave it, which
 * it imports or includes: its bytes are kept, for writer_styles_new. */
static int
hash_uri(struct writer *w, const char *name, const char *uri, char **err)
{
	struct imported *more, im = { uri_file(uri), { 0 } };
	int rc, kept;

	if (im.file == NULL) {
		rc = err_nomem(err);
		goto done;
	}
	kept = find_imported(w, im.file) != NULL;
	rc = hash_file(w, name, im.file, kept ? NULL : &im.text, err);
	if (rc != UP_OK || kept)
		goto done;   /* (two stylesheets import it: kept once) */
	if ((more = realloc(w->imported, (w->n_imported + 1) * sizeof *more)) == NULL) {
		rc = err_nomem(err);
		goto done;
	}
	w->imported = more;
	w->imported[w->n_imported++] = im;
	im.file = NULL;
	im.text.data = NULL;   /* w->imported owns them now */
done:
	free(im.file);
	buf_free(&im.text);
	return rc;
}

/* Adds what a stylesheet imports and includes to the fingerprint: an
 * edited imported file must remake the outputs too. */
static int
hash_imports(struct writer *w, xsltStylesheetPtr style, char **err)
{
	xsltStylesheetPtr imp;
	xsltDocumentPtr inc;
	int rc = UP_OK;

	for (inc = style->docList; rc == UP_OK && inc != NULL; inc = inc->next)
		if (inc->doc != NULL && inc->doc->URL != NULL)
			rc = hash_uri(w, "include", (const char *)inc->doc->URL, err);
	for (imp = style->imports; rc == UP_OK && imp != NULL; imp = imp->next) {
		if (imp->doc != NULL && imp->doc->URL != NULL)
			rc = hash_uri(w, "import", (const char *)imp->doc->URL, err);
		if (rc == UP_OK)
			rc = hash_imports(w, imp, err);
	}
	return rc;
}

/* libxslt's own loader, and whether it failed to load a stylesheet that
 * one imports or includes while load_style ran. The loader has no user
 * data, hence a file-level flag; stylesheets are parsed one at a time, on
 * the calling thread (writer_styles_new's copies too). */
static xsltDocLoaderFunc builtin_loader;
static int import_missing;

/* The writer whose further parses (writer_styles_new) are under way: a
 * file they import or include is parsed from the bytes the writer read
 * (imported), not read again. The page is fetched in between: an import
 * edited meanwhile would mix two versions in one run, then keep the files
 * of the second under the fingerprint of the first. */
static const struct writer *reparsing;

/* file, as reparsing read it, parsed in dict (the importing stylesheet's,
 * as libxslt's loader does); NULL if it read no such file. */
static xmlDocPtr
imported_doc(const char *file, const char *uri, xmlDictPtr dict, int options)
{
	const struct imported *im = find_imported(reparsing, file);
	xmlParserCtxtPtr pc = NULL;
	xmlDocPtr doc = NULL;

	if (im == NULL || im->text.len == 0 || im->text.len > INT32_MAX || (pc = xmlNewParserCtxt()) == NULL)
		goto done;
	if (dict != NULL) {
		xmlDictFree(pc->dict);
		pc->dict = dict;
		xmlDictReference(dict);
	}
	doc = xmlCtxtReadMemory(pc, im->text.data, (int)im->text.len, uri, NULL, options | XML_PARSE_NONET);
done:
	if (pc != NULL)
		xmlFreeParserCtxt(pc);
	return doc;
}

/* A document() call loads on whatever thread runs the transformation,
 * and libxml2 2.9 looks a file that is not there (or a DTD it names) up
 * in its catalogs, whose setup and look-ups are not thread-safe: two
 * threads at once could leave the catalogs' mutex held, and the run hung
 * for ever when it ends. Loads take turns (loading: this thread holds the
 * turn already, should a load ever load through here again). */
static pthread_mutex_t load_turn = PTHREAD_MUTEX_INITIALIZER;
static _Thread_local int loading;

static xmlDocPtr
loader(const xmlChar *uri, xmlDictPtr dict, int options, void *ctxt, xsltLoadType type)
{
	xmlDocPtr doc = NULL;
	char *file = uri_file((const char *)uri);
	struct stat st;

	if (reparsing != NULL && type == XSLT_LOAD_STYLESHEET) {
		if (file == NULL || (doc = imported_doc(file, (const char *)uri, dict, options)) == NULL)
			import_missing = 1;   /* that parse fails: the writer's own is used */
		goto done;
	}
	/* A FIFO or a device would block the run, holding DIR's lock. */
	if (file != NULL && stat(file, &st) == 0 && !S_ISREG(st.st_mode)) {
		xsltTransformContextPtr t = type == XSLT_LOAD_DOCUMENT ? ctxt : NULL;

		/* A document() call's: to its own transformation's messages,
		 * which another thread's do not share (a warning: the call
		 * gives an empty node-set, as for a file that is not there). */
		if (t != NULL && t->error != NULL)
			t->error(t->errctx, "%s: not a file, not read\n", file);
		else
			xsltGenericError(xsltGenericErrorContext, "%s: not a file, not read\n", file);
		/* An import of one fails as one of a missing file. */
		if (type == XSLT_LOAD_STYLESHEET)
			import_missing = 1;
		goto done;
	}
	/* The security preferences vet only the URI given to document() or
	 * xsl:import, not what the file it names pulls in: its external
	 * entities and DTD are never fetched from the network, as for the
	 * stylesheet itself (xsltproc --nonet). Local ones are read, as a
	 * stylesheet may read local files: entity references left in the
	 * tree would make xsl:copy-of write "&name;" that nothing declares. */
	if (loading++ == 0)
		pthread_mutex_lock(&load_turn);
	doc = builtin_loader(uri, dict, options | XML_PARSE_NONET, ctxt, type);
	if (--loading == 0)
		pthread_mutex_unlock(&load_turn);
	/* What libxslt does for a document() load but while debugging, which
	 * on_instruction's contexts are taken for: without the order, sorting
	 * its nodes takes time that grows far faster than their number. */
	if (doc != NULL && type == XSLT_LOAD_DOCUMENT)
		xmlXPathOrderDocElems(doc);
	/* Not there, or not readable; one that is there but does not parse
	 * is a bad stylesheet, as it would be given directly. */
	if (doc == NULL && type == XSLT_LOAD_STYLESHEET && file != NULL && access(file, R_OK) != 0)
		import_missing = 1;
done:
	free(file);
	return doc;
}

/* libxml2's loader of external entities and DTDs. */
static xmlExternalEntityLoader builtin_entity_loader;

/* Loads every file libxml2 opens for a stylesheet or a file it reads or
 * imports, the DTDs and external entities they pull in (never from the
 * network: XML_PARSE_NONET) included, which loader() above never sees. A
 * FIFO or a device would block the run, holding DIR's lock: not read,
 * which the parser takes as a missing entity, with a warning. Out of
 * memory for the name, the file is left to libxml2: a best-effort check. */
static xmlParserInputPtr
entity_loader(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
	char *file = url != NULL ? uri_file(url) : NULL;
	xmlParserInputPtr in = NULL;
	struct stat st;

	if (file != NULL && stat(file, &st) == 0 && !S_ISREG(st.st_mode)) {
		xmlGenericError(xmlGenericErrorContext, "%s: not a file, not read\n", file);
		goto done;
	}
	in = builtin_entity_loader(url, id, ctxt);
done:
	free(file);
	return in;
}

/* Parses the stylesheet at f->path into f->style, from the bytes it
 * adds to the fingerprint under name (and keeps in f->text): read once,
 * so that a file edited meanwhile cannot make the files under the
 * fingerprint of another version, which would keep them from then on. */
static int
load_style(struct writer *w, const char *name, struct format *f, char **err)
{
	xmlDocPtr doc = NULL;
	struct stat st;
	int rc = UP_OK;

	messages_reset(w);
	if (stat(f->path, &st) != 0 || access(f->path, R_OK) != 0) {
		rc = err_set(err, UP_ENOINPUT, "%s: cannot read stylesheet: %s", f->path, strerror(errno));
		goto done;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = err_set(err, UP_ENOINPUT, "%s: is not a file, so not a stylesheet", f->path);
		goto done;
	}
	if ((rc = hash_file(w, name, f->path, &f->text, err)) != UP_OK)
		goto done;
	/* libxml2 would say nothing of the first two, and that the third
	 * holds no XML (it reads a file, not bytes, compressed so). */
	if (f->text.len == 0 || f->text.len > INT32_MAX ||
	    (f->text.len >= 2 && memcmp(f->text.data, "\x1f\x8b", 2) == 0)) {
		rc = err_set(err, UP_EUSAGE, "%s: not an XML stylesheet: %s", f->path,
		    f->text.len == 0 ? "the file is empty" : f->text.len > INT32_MAX ? "2 GiB or more" :
		    "compressed with gzip (decompress it first)");
		goto done;
	}
	xmlSetStructuredErrorFunc(&w->messages, collect_error);
	errno = 0;   /* libxml2 says it ran out of memory only in text */
	doc = xmlReadMemory(f->text.data != NULL ? f->text.data : "", (int)f->text.len, f->path, NULL,
	    XSLT_PARSE_OPTIONS | XML_PARSE_NONET);
	if (doc == NULL) {
		int e = errno;

		xmlSetStructuredErrorFunc(NULL, NULL);
		rc = err_status(e, UP_EUSAGE) != UP_EUSAGE ?
		    err_set(err, UP_ESOFTWARE, "%s: cannot read stylesheet: %s", f->path, strerror(e)) :
		    err_set(err, UP_EUSAGE, "%s: not an XML stylesheet: %s", f->path, messages(w));
		goto done;
	}
	import_missing = 0;
	f->style = xsltParseStylesheetDoc(doc);
	xmlSetStructuredErrorFunc(NULL, NULL);
	if (f->style == NULL) {
		rc = err_set(err, import_missing ? UP_ENOINPUT : UP_EUSAGE, "%s: %s: %s", f->path,
		    import_missing ? "cannot read a stylesheet it imports or includes" : "not a usable XSLT stylesheet",
		    messages(w));
		goto done;
	}
	doc = NULL;   /* f->style owns it now */
	/* libxslt takes some mistakes for warnings, and goes on without the
	 * instruction (a misspelt xsl:value-of makes nothing): say what it
	 * said, as xsltproc does, or the files would silently lack it. Not
	 * by its warning count, which some (in xsl:attribute-set) miss. */
	if (w->messages.len > 0) {
		const char *said = messages(w);

		if (buf_adds(&w->warnings, f->path) != 0 || buf_adds(&w->warnings, ": ") != 0 ||
		    buf_adds(&w->warnings, said) != 0 || buf_addc(&w->warnings, '\n') != 0)
			rc = err_nomem(err);
	}
done:
	xmlFreeDoc(doc);
	return rc;
}

/* Puts the "FILE:LINE" of a config file that named stylesheet i before
 * the error rc said in *err, if a file named it; returns rc. */
static int
named_at(const char *const *extra_at, size_t i, int rc, char **err)
{
	return err_at(extra_at != NULL ? extra_at[i] : NULL, rc, err);
}

int
writer_check_names(const char *const *extra, const char *const *extra_at, size_t n, char **err)
{
	char *name, *other;
	size_t i, k;
	int rc = UP_OK;

	for (i = 0; rc == UP_OK && i < n; i++) {
		/* A file named it: a configuration error, else a usage error. */
		int name_rc = extra_at != NULL && extra_at[i] != NULL ? UP_ECONFIG : UP_EUSAGE;

		if ((name = writer_format_name(extra[i])) == NULL)
			rc = errno == ENOMEM ? err_nomem(err) : err_set(err, name_rc, "%s: " WRITER_NAME_RULE, extra[i]);
		for (k = 0; name != NULL && k < sizeof builtin_formats / sizeof builtin_formats[0]; k++)
			if (strcmp(builtin_formats[k], name) == 0)
				rc = err_set(err, name_rc, "%s: a format named \"%s\" is already written by the built-in %s.xsl",
				    extra[i], name, name);
		for (k = 0; name != NULL && rc == UP_OK && k < i; k++) {
			if ((other = writer_format_name(extra[k])) == NULL) {
				rc = err_nomem(err);
			} else if (strcmp(other, name) == 0 && strcmp(extra[i], extra[k]) == 0) {
				rc = err_set(err, name_rc, "%s: stylesheet given twice%s%s", extra[i],
				    extra_at != NULL && extra_at[k] != NULL ? ", first at " : "",
				    extra_at != NULL && extra_at[k] != NULL ? extra_at[k] : "");
			} else if (strcmp(other, name) == 0) {
				rc = err_set(err, name_rc, "%s: a format named \"%s\" is already written by %s",
				    extra[i], name, extra[k]);
			}
			free(other);
		}
		rc = named_at(extra_at, i, rc, err);
		free(name);
	}
	return rc;
}

/* Adds the stylesheet at path, whose name writer_check_names passed, as a
 * format. */
static int
add_format(struct writer *w, const char *path, char **err)
{
	struct format *f;
	char *name;
	int rc = UP_OK;

	name = writer_format_name(path);
	if (name == NULL) {
		rc = errno == ENOMEM ? err_nomem(err) : err_set(err, UP_ESOFTWARE, "%s: " WRITER_NAME_RULE, path);
		goto done;
	}
	f = realloc(w->formats, (w->n + 1) * sizeof *f);
	if (f == NULL) {
		rc = err_nomem(err);
		goto done;
	}
	w->formats = f;
	f = &w->formats[w->n];
	memset(f, 0, sizeof *f);
	f->name = name;
	name = NULL;   /* w->formats owns it now, freed with w */
	f->path = strdup(path);
	w->n++;
	if (f->path == NULL) {
		rc = err_nomem(err);
		goto done;
	}
	rc = load_style(w, f->name, f, err);
	if (rc == UP_OK)
		rc = hash_imports(w, f->style, err);
done:
	free(name);
	return rc;
}

/* libexslt sets libgcrypt up on the first crypto: call, on whatever
 * thread makes it: two at once (-j) may find it half set up, and
 * libgcrypt then says so on stderr, under -q too. A first call made
 * here, on one thread, sets it up before any transformation: SHA-1,
 * which a system in FIPS mode allows (MD5 would abort the run). Best
 * effort: when memory runs out, nothing is made. */
static void
warm_crypto(void)
{
	static const char sheet[] = "<xsl:stylesheet version='1.0' xmlns:xsl='http://www.w3.org/1999/XSL/Transform' "
	    "xmlns:crypto='http://exslt.org/crypto'><xsl:template match='/'><x><xsl:value-of select=\"crypto:sha1('x')\"/>"
	    "</x></xsl:template></xsl:stylesheet>";
	xmlDocPtr doc = xmlReadMemory(sheet, (int)sizeof sheet - 1, "warm-crypto.xsl", NULL, XML_PARSE_NONET);
	xsltStylesheetPtr style = doc != NULL ? xsltParseStylesheetDoc(doc) : NULL;
	xmlDocPtr in = style != NULL ? xmlReadMemory("<x/>", 4, "warm-crypto.xml", NULL, 0) : NULL;

	if (style == NULL)
		xmlFreeDoc(doc);
	if (in != NULL)
		xmlFreeDoc(xsltApplyStylesheet(style, in, NULL));
	xmlFreeDoc(in);
	xsltFreeStylesheet(style);
}

/* libxslt's debugger hooks are the one way into a transformation as it
 * runs: before each instruction, a stop asked for (err.h's err_stop)
 * stops it, so that a stylesheet that would run for hours (a user's,
 * being tried) ends as every other step does. Set on our contexts only
 * (task_new); laid out as libxslt's own table of the three hooks. */
struct debugger_hooks {
	xsltHandleDebuggerCallback instruction;
	xsltAddCallCallback call;
	xsltDropCallCallback call_done;
};

static void
on_instruction(xmlNodePtr inst, xmlNodePtr node, xsltTemplatePtr templ, xsltTransformContextPtr ctxt)
{
	(void)node;
	(void)templ;
	if (ctxt->_private != NULL)
		*(xmlNodePtr *)ctxt->_private = inst;   /* the task's inst */
	if (err_stop != 0)
		ctxt->state = XSLT_STATE_STOPPED;
}

int
writer_new(const char *xslt_dir, const char *xslt_dir_at, const char *const *extra,
    const char *const *extra_at, size_t n, struct writer **out, char **err)
{
	struct writer *w;
	size_t i;
	int rc = UP_OK;

	*out = NULL;
	w = calloc(1, sizeof *w);
	if (w == NULL) {
		rc = err_nomem(err);
		goto done;
	}
	if ((rc = writer_check_names(extra, extra_at, n, err)) != UP_OK)
		goto done;
	/* The program and libraries that apply the stylesheets: a json-string
	 * or serializer fixed under the same version must still make files
	 * again (a feed whose document did not change is not transformed). */
	w->hash = text_hash(TEXT_HASH_INIT, VERSION, sizeof VERSION);
	w->hash = text_hash(w->hash, SOURCE_DIGEST, sizeof SOURCE_DIGEST);
	w->hash = text_hash(w->hash, xmlParserVersion, strlen(xmlParserVersion) + 1);
	w->hash = text_hash(w->hash, xsltEngineVersion, strlen(xsltEngineVersion) + 1);
	xmlSetGenericErrorFunc(&w->messages, collect);
	xsltSetGenericErrorFunc(&w->messages, collect);
	exsltRegisterAll();
	xsltRegisterExtModuleFunction((const xmlChar *)"json-string", (const xmlChar *)UNPLANET_XSLT_NS,
	    json_string);
	xsltRegisterExtModuleFunction((const xmlChar *)"uri", (const xmlChar *)UNPLANET_XSLT_NS, uri);
	warm_crypto();
	/* (A libxslt built without them refuses: a stop then waits for the
	 * batch of transformations under way, as it always did.) */
	(void)xsltSetDebuggerCallbacks(3, &(struct debugger_hooks){ on_instruction, NULL, NULL });
	messages_reset(w);
	w->security = xsltNewSecurityPrefs();
	if (w->security == NULL ||
	    xsltSetSecurityPrefs(w->security, XSLT_SECPREF_WRITE_FILE, xsltSecurityForbid) != 0 ||
	    xsltSetSecurityPrefs(w->security, XSLT_SECPREF_CREATE_DIRECTORY, xsltSecurityForbid) != 0 ||
	    xsltSetSecurityPrefs(w->security, XSLT_SECPREF_READ_NETWORK, xsltSecurityForbid) != 0 ||
	    xsltSetSecurityPrefs(w->security, XSLT_SECPREF_WRITE_NETWORK, xsltSecurityForbid) != 0) {
		rc = err_nomem(err);
		goto done;
	}
	/* Also covers document() loads made while parsing stylesheets. */
	xsltSetDefaultSecurityPrefs(w->security);
	if (builtin_loader == NULL)
		builtin_loader = xsltDocDefaultLoader;
	xsltSetLoaderFunc(loader);
	if (builtin_entity_loader == NULL)
		builtin_entity_loader = xmlGetExternalEntityLoader();
	xmlSetExternalEntityLoader(entity_loader);
	for (i = 0; rc == UP_OK && i < sizeof builtin_formats / sizeof builtin_formats[0]; i++) {
		char *path = buf_concat(xslt_dir, "/", builtin_formats[i], ".xsl", NULL);

		rc = path != NULL ? err_at(xslt_dir_at, add_format(w, path, err), err) : err_nomem(err);
		free(path);
	}
	for (i = 0; rc == UP_OK && i < n; i++)
		rc = named_at(extra_at, i, add_format(w, extra[i], err), err);
	for (i = 0; rc == UP_OK && i < N_SITE_PAGES; i++) {
		size_t k;

		/* Pages sharing a stylesheet share its parse. */
		for (k = 0; k < i && strcmp(site_pages[k].stylesheet, site_pages[i].stylesheet) != 0; k++)
			;
		if (k < i)
			continue;
		if ((w->site[i].path = buf_concat(xslt_dir, "/", site_pages[i].stylesheet, ".xsl", NULL)) == NULL) {
			rc = err_nomem(err);
		} else {
			rc = err_at(xslt_dir_at, load_style(w, site_pages[i].stylesheet, &w->site[i], err), err);
			if (rc == UP_OK)
				rc = hash_imports(w, w->site[i].style, err);
		}
	}
	snprintf(w->fingerprint, sizeof w->fingerprint, "%016llx", w->hash);
done:
	if (rc != UP_OK)
		writer_free(w);
	else
		*out = w;
	return rc;
}

size_t
writer_count(const struct writer *w)
{
	return w->n;
}

const char *
writer_name(const struct writer *w, size_t format)
{
	return w->formats[format].name;
}

const char *
writer_media_type(const struct writer *w, size_t format)
{
	return (const char *)w->formats[format].style->mediaType;
}

/* A transformation: libxslt's context for it, and what libxml2 and
 * libxslt say while it runs (its own, whatever thread runs it). */
struct writer_task {
	struct format *f;
	xsltStylesheetPtr style;
	xmlDocPtr doc;
	const char **params;
	xsltTransformContextPtr ctxt;
	xmlDocPtr copy;    /* doc's copy for a stylesheet that strips spaces, or NULL */
	xmlNodePtr inst;   /* the instruction running last (on_instruction) */
	struct buf m;
};

/* Readies f (compiled as style: the writer's, or a thread's copy) for doc,
 * with the given XSLT parameters (NULL-terminated name, value pairs, or
 * NULL, kept by reference). */
static int
task_new(struct writer *w, struct format *f, xsltStylesheetPtr style, const char **params, xmlDocPtr doc,
    struct writer_task **out, char **err)
{
	struct writer_task *t = calloc(1, sizeof *t);
	int rc = UP_OK;

	*out = NULL;
	if (t == NULL || (t->ctxt = xsltNewTransformContext(style, doc)) == NULL) {
		rc = err_nomem(err);
		goto done;
	}
	/* xsl:strip-space removes blank text nodes from the document as the
	 * transformation starts: from a copy of its own, as the feed's other
	 * formats read the same one (what they make must not depend on what
	 * ran before), and their transformations, not yet freed, may point
	 * into it (xsl:key tables, variables). */
	if (xsltNeedElemSpaceHandling(t->ctxt)) {
		xsltFreeTransformContext(t->ctxt);
		t->ctxt = NULL;
		if ((t->copy = xmlCopyDoc(doc, 1)) == NULL || (t->ctxt = xsltNewTransformContext(style, t->copy)) == NULL) {
			rc = err_nomem(err);
			goto done;
		}
		doc = t->copy;
	}
	t->f = f;
	t->style = style;
	t->doc = doc;
	t->params = params;
	xsltSetTransformErrorFunc(t->ctxt, &t->m, collect);
	t->ctxt->debugStatus = XSLT_DEBUG_RUN;   /* on_instruction watches it */
	t->ctxt->_private = &t->inst;
	if (xsltSetCtxtSecurityPrefs(w->security, t->ctxt) != 0) {
		rc = err_nomem(err);
		goto done;
	}
	*out = t;
	t = NULL;
done:
	writer_task_free(t);
	return rc;
}

int
writer_task_new(struct writer *w, const struct writer_styles *own, size_t format, xmlDocPtr doc,
    struct writer_task **out, char **err)
{
	struct format *f = &w->formats[format];

	return task_new(w, f, own != NULL ? own->style[format] : f->style, NULL, doc, out, err);
}

int
writer_task_run(struct writer_task *t, const char *doc_name, char **data, size_t *len, char **said, char **err)
{
	xmlDocPtr result = NULL;
	xmlChar *bytes = NULL;
	xmlGenericErrorFunc generic = xmlGenericError;
	void *generic_ctx = xmlGenericErrorContext;
	int n = 0, rc = UP_OK;

	*data = NULL;
	*len = 0;
	*said = NULL;
	/* libxml2's handlers are the thread's own. */
	xmlSetGenericErrorFunc(&t->m, collect);
	xmlSetStructuredErrorFunc(&t->m, collect_error);
	result = xsltApplyStylesheetUser(t->style, t->doc, t->params, NULL, NULL, t->ctxt);
	xmlSetStructuredErrorFunc(NULL, NULL);
	xmlSetGenericErrorFunc(generic_ctx, generic);
	if (t->ctxt->state == XSLT_STATE_STOPPED && err_stop != 0) {
		rc = err_stopped(err);   /* by on_instruction, or about to be */
		goto done;
	}
	if (result == NULL || t->ctxt->state != XSLT_STATE_OK) {
		const char *why = one_line(&t->m);
		xmlNodePtr at = t->inst;
		xmlChar *terminate = NULL;

		/* An xsl:message terminate="yes" says only its text, where
		 * libxslt's own errors say where: which message is told by the
		 * instruction that ran last, when it is in one (the message's
		 * text, a value-of); else (a template it called) nothing is
		 * surer than a wrong line. */
		while (at != NULL && !(at->type == XML_ELEMENT_NODE && at->ns != NULL &&
		    xmlStrEqual(at->ns->href, XSLT_NAMESPACE) && xmlStrEqual(at->name, (const xmlChar *)"message")))
			at = at->parent;
		if (at != NULL)
			terminate = xmlGetNoNsProp(at, (const xmlChar *)"terminate");
		if (t->ctxt->state == XSLT_STATE_STOPPED && terminate != NULL &&
		    xmlStrEqual(terminate, (const xmlChar *)"yes") && strstr(why, " line ") == NULL) {
			/* An imported file's message is named by its file. */
			const char *file = at->doc != t->style->doc && at->doc->URL != NULL ?
			    (const char *)at->doc->URL : NULL;

			rc = err_set(err, UP_ESOFTWARE, "%s: stylesheet failed on %s: %s (%s%sline %ld, xsl:message)",
			    t->f->path, doc_name, why, file != NULL ? file : "", file != NULL ? " " : "", xmlGetLineNo(at));
		} else {
			rc = err_set(err, UP_ESOFTWARE, "%s: stylesheet failed on %s: %s", t->f->path, doc_name, why);
		}
		xmlFree(terminate);
		goto done;
	}
	/* A stylesheet that worked may still have said something: an
	 * xsl:message, a document() it could not load (else a misspelt path
	 * just makes empty files). */
	if (t->m.len > 0 && (*said = strdup(one_line(&t->m))) == NULL) {
		rc = err_nomem(err);
		goto done;
	}
	/* Method html: libxml2's writer would leave "&{" in attributes raw,
	 * and write '$' in a URL as "%24". */
	if (result->type == XML_HTML_DOCUMENT_NODE && html_ready_for_writer((xmlNodePtr)result) != 0) {
		rc = err_nomem(err);
		goto done;
	}
	t->m.len = 0;
	if (t->m.data != NULL)
		t->m.data[0] = '\0';
	if (xsltSaveResultToString(&bytes, &n, result, t->style) != 0) {
		rc = err_set(err, UP_ESOFTWARE, "%s: cannot serialize the result for %s: %s", t->f->path,
		    doc_name, one_line(&t->m));
		goto done;
	}
	/* An empty result still makes a file, but it has to be a string. */
	*data = bytes != NULL ? (char *)bytes : strdup("");
	*len = bytes != NULL ? (size_t)n : 0;
	if (*data == NULL) {
		rc = err_nomem(err);
	} else if (result->type == XML_HTML_DOCUMENT_NODE && *len > 0) {
		/* The writer escapes an IPv6 host's brackets in an href
		 * ("https://%5B::1%5D/"), which URL parsers refuse. (HTML
		 * holds no NUL: its length is the string's.) */
		html_unescape_hosts(*data);
		*len = strlen(*data);
	}
done:
	if (rc != UP_OK) {
		free(*said);
		*said = NULL;
	}
	xmlFreeDoc(result);
	return rc;
}

void
writer_task_free(struct writer_task *t)
{
	if (t != NULL) {
		if (t->ctxt != NULL)
			xsltFreeTransformContext(t->ctxt);
		xmlFreeDoc(t->copy);   /* after the context, which points into it */
		buf_free(&t->m);
		free(t);
	}
}

/* Applies f to doc with params: a task made, run and freed. */
static int
apply(struct writer *w, struct format *f, const char **params, xmlDocPtr doc, const char *doc_name,
    char **data, size_t *len, char **said, char **err)
{
	struct writer_task *t = NULL;
	int rc;

	*data = NULL;
	*len = 0;
	*said = NULL;
	if ((rc = task_new(w, f, f->style, params, doc, &t, err)) == UP_OK)
		rc = writer_task_run(t, doc_name, data, len, said, err);
	writer_task_free(t);
	return rc;
}

struct writer_styles *
writer_styles_new(const struct writer *w)
{
	struct writer_styles *own = calloc(1, sizeof *own);
	struct buf ignored = { 0 };
	xmlGenericErrorFunc generic = xmlGenericError;
	void *generic_ctx = xmlGenericErrorContext;
	xmlDocPtr doc;

	if (own != NULL && (own->style = calloc(w->n + 1, sizeof *own->style)) != NULL) {
		/* What parsing them says was said when the writer parsed them. */
		xmlSetGenericErrorFunc(&ignored, collect);
		xmlSetStructuredErrorFunc(&ignored, collect_error);
		reparsing = w;
		for (own->n = 0; own->n < w->n; own->n++) {
			const struct format *f = &w->formats[own->n];

			if (f->text.len == 0 || f->text.len > INT32_MAX ||
			    (doc = xmlReadMemory(f->text.data, (int)f->text.len, f->path, NULL,
			    XSLT_PARSE_OPTIONS | XML_PARSE_NONET)) == NULL)
				break;
			if ((own->style[own->n] = xsltParseStylesheetDoc(doc)) == NULL) {
				xmlFreeDoc(doc);
				break;
			}
		}
		reparsing = NULL;
		xmlSetStructuredErrorFunc(NULL, NULL);
		xmlSetGenericErrorFunc(generic_ctx, generic);
	}
	if (own != NULL && (own->style == NULL || own->n < w->n)) {
		writer_styles_free(own);
		own = NULL;
	}
	buf_free(&ignored);
	return own;
}

void
writer_styles_free(struct writer_styles *own)
{
	size_t i;

	if (own != NULL) {
		for (i = 0; i < own->n; i++)
			xsltFreeStylesheet(own->style[i]);
		free(own->style);
		free(own);
	}
}

/* Keeps what f said while making doc_name (NULL: nothing) for
 * writer_said, the first time f says something. 0, or -1 when memory runs
 * out. */
static int
tell(struct writer *w, struct format *f, const char *doc_name, const char *said)
{
	int rc = 0;

	/* Once per stylesheet: the next files would mostly repeat it. */
	if (said != NULL && !f->said) {
		f->said = 1;
		rc = buf_adds(&w->said, f->path) != 0 || buf_adds(&w->said, ": making ") != 0 ||
		    buf_adds(&w->said, doc_name) != 0 || buf_adds(&w->said, ": ") != 0 ||
		    buf_adds(&w->said, said) != 0 || buf_addc(&w->said, '\n') != 0 ? -1 : 0;
	}
	return rc;
}

int
writer_tell(struct writer *w, size_t format, const char *doc_name, const char *said)
{
	return tell(w, &w->formats[format], doc_name, said);
}

size_t
writer_site_count(const struct writer *w)
{
	(void)w;
	return N_SITE_PAGES;
}

const char *
writer_site_file(const struct writer *w, size_t page)
{
	(void)w;
	return site_pages[page].file;
}

const char *
writer_site_lists(const struct writer *w, size_t page)
{
	(void)w;
	return site_pages[page].lists;
}

int
writer_apply_site(struct writer *w, size_t page, xmlDocPtr doc, char **data, size_t *len,
    char **err)
{
	const char *params[3] = { "kind", site_pages[page].kind, NULL };
	struct format *f;
	char *said = NULL;
	size_t k;
	int rc;

	for (k = 0; k < page && strcmp(site_pages[k].stylesheet, site_pages[page].stylesheet) != 0; k++)
		;
	f = &w->site[k];
	rc = apply(w, f, site_pages[page].kind != NULL ? params : NULL, doc, site_pages[page].file, data, len,
	    &said, err);
	if (rc == UP_OK && tell(w, f, site_pages[page].file, said) != 0) {
		free(*data);
		*data = NULL;
		rc = err_nomem(err);
	}
	free(said);
	return rc;
}

const char *
writer_fingerprint(const struct writer *w)
{
	return w->fingerprint;
}

const char *
writer_warnings(const struct writer *w)
{
	return w->warnings.len > 0 ? w->warnings.data : NULL;
}

const char *
writer_said(const struct writer *w)
{
	return w->said.len > 0 ? w->said.data : NULL;
}

void
writer_free(struct writer *w)
{
	size_t i;

	if (w != NULL) {
		for (i = 0; i < N_SITE_PAGES; i++) {
			free(w->site[i].path);
			buf_free(&w->site[i].text);
			if (w->site[i].style != NULL)
				xsltFreeStylesheet(w->site[i].style);
		}
		for (i = 0; i < w->n; i++) {
			free(w->formats[i].name);
			free(w->formats[i].path);
			buf_free(&w->formats[i].text);
			if (w->formats[i].style != NULL)
				xsltFreeStylesheet(w->formats[i].style);
		}
		free(w->formats);
		for (i = 0; i < w->n_imported; i++) {
			free(w->imported[i].file);
			buf_free(&w->imported[i].text);
		}
		free(w->imported);
		if (w->security != NULL) {
			xsltSetDefaultSecurityPrefs(NULL);
			xsltFreeSecurityPrefs(w->security);
		}
		xsltSetLoaderFunc(NULL);
		if (builtin_entity_loader != NULL)
			xmlSetExternalEntityLoader(builtin_entity_loader);
		xmlSetGenericErrorFunc(NULL, NULL);
		xsltSetGenericErrorFunc(NULL, NULL);
		buf_free(&w->messages);
		buf_free(&w->warnings);
		buf_free(&w->said);
		free(w);
	}
}
