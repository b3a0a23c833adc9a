/* write.h - stage 4: intermediate documents become files, by XSLT.
 *
 * A writer holds the output formats of a run: each is an XSLT stylesheet,
 * parsed once (and once more for each further thread that applies it,
 * writer_styles_new), applied to one intermediate document at a time. A
 * format's name is its stylesheet's file name without ".xsl", and is the
 * extension of the files it writes (atom.xsl writes SLUG.atom). Every
 * transformation runs under libxslt security preferences that forbid
 * writing files, creating folders and any network access.
 *
 * Besides the formats written for every feed, the writer holds the site
 * pages, written once per run from the directory document: index.html
 * (index.xsl) and the OPML lists feeds.opml, authors.opml and topics.opml
 * (opml.xsl, with the parameter kind set to '', 'author' or 'topic').
 *
 * Stylesheets may call up:json-string(s), namespace up="urn:unplanet:xslt",
 * which returns s as a quoted JSON string with every character escaped
 * that JSON requires (json.xsl writes JSON Feed 1.1 with it).
 *
 * Ownership: the writer owns its stylesheets, and every string its
 * functions return as const (names, media types, file names, warnings),
 * valid until writer_free; writer_task_run and writer_apply_site hand the
 * caller a byte string to free() (libxml2 allocates it, with malloc:
 * main.c sets xmlMemSetup).
 */
#ifndef UNPLANET_WRITE_H
#define UNPLANET_WRITE_H

#include <stddef.h>

#include <libxml/tree.h>

struct writer;

#define UNPLANET_XSLT_NS "urn:unplanet:xslt"

/* Loads xslt_dir/atom.xsl, rss.xsl and json.xsl, then each of the n user
 * stylesheets in extra (paths), then the site pages' stylesheets. A
 * stylesheet that does not parse, or two formats with the same name, is an
 * error naming the file; extra_at (NULL, or n entries, each NULL or a
 * config file's "FILE:LINE" that named that stylesheet) goes before it,
 * and makes two formats of one name a configuration error (UP_ECONFIG);
 * xslt_dir_at (NULL, or the "FILE:LINE" that set xslt_dir) goes before an
 * error in a built-in one. */
int writer_new(const char *xslt_dir, const char *xslt_dir_at, const char *const *extra,
    const char *const *extra_at, size_t n, struct writer **out, char **err);

/* The format name of a stylesheet path ("x/json.xsl" -> "json", malloc'd),
 * or NULL if the name does not follow WRITER_NAME_RULE (or memory runs
 * out): it becomes a file extension. At most WRITER_NAME_MAX long, so
 * that with a slug and the temporary files' affixes a file name stays
 * well under NAME_MAX. */
#define WRITER_NAME_MAX 32
#define WRITER_QUOTE_(n) #n
#define WRITER_QUOTE(n) WRITER_QUOTE_(n)
#define WRITER_NAME_RULE "a stylesheet's name, less its .xsl or .xslt (in lower case), becomes a file extension: " \
	"at most " WRITER_QUOTE(WRITER_NAME_MAX) " of a-z, 0-9, '-' and '_'"
/* NULL with errno EINVAL when it breaks the rule, ENOMEM when memory runs out. */
char *writer_format_name(const char *path);

/* Checks the names writer_new would give the stylesheets in extra (as
 * there, with extra_at): each must follow WRITER_NAME_RULE and be no
 * built-in format's nor an earlier one's. For --dump, which loads none. */
int writer_check_names(const char *const *extra, const char *const *extra_at, size_t n, char **err);

size_t writer_count(const struct writer *w);
const char *writer_name(const struct writer *w, size_t format);
/* The media type the format's xsl:output declares, or NULL. */
const char *writer_media_type(const struct writer *w, size_t format);

/* Applying a format to a document, on several threads. A compiled
 * stylesheet is never run on two threads at once (libxml2 2.9 writes to
 * its XPath expressions as they run): each further thread has its own
 * parse of the formats' stylesheets, from the bytes writer_new read
 * (writer_styles_new, on the calling thread; NULL when memory runs out or
 * one no longer parses: what it imports changed meanwhile). And libxslt
 * readies a transformation with writes to libxml2's globals (2.9's
 * xmlXPathInit): writer_task_new, on the calling thread only, readies the
 * format for doc with own's stylesheets (NULL: the writer's), and
 * writer_task_run, on any one thread, applies it: on success *data (free()
 * it) and *len hold the file's bytes, and *said what the stylesheet said
 * while making it (an xsl:message, a document() not loaded), malloc'd, or
 * NULL; doc_name names the document in messages. A task shares nothing
 * with another but what both only read; a document is transformed by one
 * thread at a time. The task borrows doc, and keeps pointers into it
 * (libxslt's xsl:key tables) until writer_task_free: free the task
 * first. It never changes doc: a stylesheet with xsl:strip-space, which
 * would, transforms a copy of its own. */
struct writer_styles;
struct writer_styles *writer_styles_new(const struct writer *w);
void writer_styles_free(struct writer_styles *own);

struct writer_task;
int writer_task_new(struct writer *w, const struct writer_styles *own, size_t format, xmlDocPtr doc,
    struct writer_task **out, char **err);
int writer_task_run(struct writer_task *t, const char *doc_name, char **data, size_t *len, char **said,
    char **err);
void writer_task_free(struct writer_task *t);

/* Keeps what writer_task_run said (NULL: nothing) while format made
 * doc_name, for writer_said, if it is the first it said: called in the
 * order of the files, on one thread, so that the same run says the same.
 * 0, or -1 when memory runs out. */
int writer_tell(struct writer *w, size_t format, const char *doc_name, const char *said);

/* The site pages: how many, the file each writes ("index.html"), and the
 * bytes of page i for the directory document doc. */
size_t writer_site_count(const struct writer *w);
const char *writer_site_file(const struct writer *w, size_t page);
/* The kind of feeds a page lists: "author", "topic", "" for all, or NULL
 * for a page (index.html) that is written even with none. An OPML body
 * must hold an outline, so a list with nothing to list is not written
 * (and one written before is removed). */
const char *writer_site_lists(const struct writer *w, size_t page);
int writer_apply_site(struct writer *w, size_t page, xmlDocPtr doc, char **data, size_t *len,
    char **err);

/* A fingerprint of everything besides a document that decides what the
 * formats make of it: unplanet's version and sources, libxml2's and
 * libxslt's versions, and each stylesheet's name and bytes. Equal fingerprints and equal documents give equal files. Hex,
 * owned by the writer. */
const char *writer_fingerprint(const struct writer *w);

/* What libxslt warned of while compiling the stylesheets, one line per
 * stylesheet ("PATH: what it said\n"), or NULL. Owned by the writer. */
const char *writer_warnings(const struct writer *w);

/* What the stylesheets said while making files (xsl:message, a document()
 * not loaded), for the first file each said something about (writer_tell;
 * writer_apply_site keeps its own): "PATH:
 * making FILE: what it said\n", or NULL. Owned by the writer. */
const char *writer_said(const struct writer *w);

void writer_free(struct writer *w);

#endif
