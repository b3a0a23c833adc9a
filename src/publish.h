/* publish.h - stage 5: files land in the output folder, all or nothing.
 *
 * A publication stages every file first: a file whose bytes would not
 * change is left alone (its mtime stays, so web caches stay valid); any
 * other is written to a temporary file created exclusively in its target
 * folder (".NAME.unplanet-XXXXXX", permissions from the umask). Only when
 * all are staged does publish_commit flush them to disk and rename each
 * over its target, so readers only ever see complete files. publish_abort
 * (or a failure during staging) removes the temporary files and the folders
 * this publication created, leaving the folder as it was.
 *
 * Paths given to publish_stage are relative to the folder, made only of
 * names the program built ("authors/SLUG.atom"); they never hold "..".
 */
#ifndef UNPLANET_PUBLISH_H
#define UNPLANET_PUBLISH_H

#include <stddef.h>

struct publish;

struct publish_stats {
	size_t written;     /* files created or replaced */
	size_t unchanged;   /* files whose bytes were already right */
};

/* Starts a publication into dir, which is created if missing (its parent
 * must exist). An unwritable dir is UP_ECANTCREAT. */
int publish_begin(const char *dir, struct publish **out, char **err);

/* Stages data[0..len) for dir/relpath. */
int publish_stage(struct publish *p, const char *relpath, const char *data, size_t len,
    char **err);

/* Makes every staged file visible. */
int publish_commit(struct publish *p, struct publish_stats *stats, char **err);

/* Undoes everything staged; then frees p. Safe on NULL. */
void publish_abort(struct publish *p);

/* Frees a committed publication. Safe on NULL. */
void publish_free(struct publish *p);

#endif
