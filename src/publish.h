/* publish.h - stage 5: files land in the output folder, each whole.
 *
 * A publication first collects every file of the run: a file whose bytes
 * would not change is dropped at once (its mtime stays, so web caches stay
 * valid); the others are kept in memory. Nothing touches the disk until
 * publish_commit, which writes each kept file to a temporary file created
 * exclusively in its target folder (".NAME.unplanet-XXXXXX", permissions
 * from the umask or the folder's default ACL), flushes them all to disk,
 * then renames each over its target, so readers only ever see complete
 * files. If writing fails, the temporary files and the folders the
 * publication made are removed and no file is replaced. A rename that
 * fails part way (rare: the files are written and flushed by then) keeps
 * those already renamed, and the folders they are in: publish_add_first's
 * files go first, the records under .unplanet/ last, so the next run does
 * the rest again. A stop asked for (err.h's err_stop) fails the commit
 * before its first rename; one asked during the renames waits for them.
 * Freeing a publication without committing leaves the
 * folder exactly as it was (but for a process ended at once, as main.c
 * does when libxml2 runs out of memory: then a folder publish_begin made
 * stays, empty, for the next run).
 *
 * Each folder a file goes in is opened once, through no symbolic link,
 * and every file is made, renamed and removed through that descriptor: a
 * folder swapped for a link after it was checked leads nowhere outside
 * dir.
 *
 * A publication also holds the folder's lock, an flock(2) on the folder
 * itself, from publish_begin to publish_free: two runs on one folder never
 * interleave. Temporary files left by a run that was killed are removed by
 * the next commit, in every folder it adds or keeps files in or is told to
 * sweep.
 *
 * Paths given to publish_add are relative to the folder, made only of
 * names the program built ("authors/SLUG.atom"); they never hold "..".
 */
#ifndef UNPLANET_PUBLISH_H
#define UNPLANET_PUBLISH_H

#include <stddef.h>

struct publish;

struct publish_stats {
	size_t written;     /* files created, replaced or removed */
	size_t unchanged;   /* files whose bytes were already right */
};

/* Starts a publication into dir and locks it. A missing dir is created
 * (its parent must exist) and removed again unless the publication is
 * committed; a dir that cannot be written is UP_ECANTCREAT. When another
 * run holds the lock: UP_ETEMPFAIL at once, or wait for it if wait is
 * nonzero. */
int publish_begin(const char *dir, int wait, struct publish **out, char **err);

/* The locked folder's descriptor, for reading what earlier runs left in
 * it: the folder the path named when the lock was taken, even if it has
 * been renamed since. Owned by p. */
int publish_dirfd(const struct publish *p);

/* Adds dir/relpath with contents data[0..len). Takes ownership of data (a
 * malloc'd buffer) whether it succeeds or not. If unchanged is not NULL,
 * it tells whether the file already held exactly these bytes. */
int publish_add(struct publish *p, const char *relpath, char *data, size_t len, int *unchanged,
    char **err);

/* Adds dir/relpath to be renamed into place before every other file, even
 * if its bytes are the same; it may be added again with publish_add, to
 * be replaced in its turn (even by the bytes it has now). For a record
 * that must stop claiming what the files about to change will no longer
 * match. Takes ownership of data, as publish_add. */
int publish_add_first(struct publish *p, const char *relpath, char *data, size_t len, char **err);

/* Counts dir/relpath as unchanged without its bytes, when the caller knows
 * they would be the same; returns 0 (and counts nothing) if the file is
 * not there, so the caller must make it. */
int publish_keep(struct publish *p, const char *relpath);

/* Whether dir/relpath is there as a file unplanet could have written: a
 * regular file (not a link), and not empty unless empty_ok. */
int publish_has(const struct publish *p, const char *relpath, int empty_ok);

/* Whether the commit would replace, make or remove any file outside
 * .unplanet/ (the records), or under folder (relative, no '/' at its end). */
int publish_changes_outputs(const struct publish *p);
int publish_changes_under(const struct publish *p, const char *folder);

/* Removes dir/relpath at commit, with the outputs, if it is a regular file
 * now and dir holds .unplanet/ (else it is not unplanet's): a list that
 * has nothing left to list. */
int publish_remove(struct publish *p, const char *relpath, char **err);

/* Also removes, at commit, the temporary files a killed run left in folder
 * (relative; "" for dir itself), although this run may add nothing there:
 * the folder of a feed that is no longer written, say. A folder that is
 * there but cannot be written in (a symbolic link, not a folder, no write
 * permission) is an error now (UP_ECANTCREAT), not at the first run that
 * has something to write there. */
int publish_sweep(struct publish *p, const char *folder, char **err);

/* For a folder that holds no record of earlier runs (record, relative, is
 * missing): UP_ECANTCREAT, naming the first and counting the others, if
 * files to be replaced are already there, as they are then someone else's
 * (a web site's index.html, say); else UP_OK. */
int publish_refuse_strangers(struct publish *p, const char *record, char **err);

/* Writes every added file that changed (on up to threads threads; a
 * failure names the first file in order that failed, as on one) and
 * renames them into place: those
 * added first, then the outputs, then the files under .unplanet/ (records
 * of what was done: archive, cache, state), each group in the order added,
 * so a record never describes files that are not there yet. Fills stats. */
int publish_commit(struct publish *p, unsigned threads, struct publish_stats *stats, char **err);

/* Frees p, after commit or instead of it. Safe on NULL. */
void publish_free(struct publish *p);

#endif
