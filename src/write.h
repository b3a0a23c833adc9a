/* write.h - stage 4: intermediate documents become files, by XSLT.
 *
 * A writer holds the output formats of a run: each is an XSLT stylesheet,
 * parsed once, applied to one intermediate document at a time. A format's
 * name is its stylesheet's file name without ".xsl", and is the extension
 * of the files it writes (atom.xsl writes SLUG.atom). Every transformation
 * runs under libxslt security preferences that forbid writing files,
 * creating folders and any network access.
 *
 * Ownership: the writer owns its stylesheets; writer_apply hands the caller
 * a malloc'd byte string.
 */
#ifndef UNPLANET_WRITE_H
#define UNPLANET_WRITE_H

#include <stddef.h>

#include <libxml/tree.h>

struct writer;

/* Loads xslt_dir/atom.xsl and xslt_dir/rss.xsl, then each of the n user
 * stylesheets in extra (paths). A stylesheet that does not parse, or two
 * formats with the same name, is an error naming the file. */
int writer_new(const char *xslt_dir, const char *const *extra, size_t n,
    struct writer **out, char **err);

size_t writer_count(const struct writer *w);
const char *writer_name(const struct writer *w, size_t format);

/* Applies format to doc; on success *data (malloc'd) and *len hold the
 * file's bytes. doc_name names the document in messages. */
int writer_apply(struct writer *w, size_t format, xmlDocPtr doc, const char *doc_name,
    char **data, size_t *len, char **err);

void writer_free(struct writer *w);

#endif
