/* publish.c - collect changed files, then write them all atomically (see
 * publish.h). */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "err.h"
#include "publish.h"

struct pending {
	char *target;   /* relative to the folder */
	char *data;
	size_t len;
	char *tmp;      /* the temporary file, once written */
};

struct publish {
	char *dir;
	int dirfd;             /* -1 while dir does not exist */
	mode_t mode;           /* for new files: 0666 less the umask */
	char **created;        /* folders made by commit, relative; "" is dir */
	size_t n_created;
	struct pending *pending;
	size_t n_pending;
	size_t unchanged;
};

static int
remember(char ***list, size_t *n, char *s)
{
	char **p = realloc(*list, (*n + 1) * sizeof *p);

	if (p == NULL)
		return -1;
	p[(*n)++] = s;
	*list = p;
	return 0;
}

int
publish_begin(const char *dir, struct publish **out, char **err)
{
	struct publish *p;
	struct stat st;
	mode_t mask;

	*out = NULL;
	p = calloc(1, sizeof *p);
	if (p == NULL || (p->dir = strdup(dir)) == NULL) {
		free(p);
		return err_nomem(err);
	}
	p->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (p->dirfd < 0 && errno == ENOENT) {
		/* Created at commit; its parent must be there to hold it. */
		char *copy = strdup(dir);
		const char *parent, *why = NULL;

		if (copy == NULL) {
			publish_free(p);
			return err_nomem(err);
		}
		parent = dirname(copy);
		if (stat(parent, &st) != 0)
			why = strerror(errno);
		else if (!S_ISDIR(st.st_mode))
			why = "its parent is not a folder";
		else if (access(parent, W_OK | X_OK) != 0)
			why = strerror(errno);
		if (why != NULL) {
			err_set(err, UP_ECANTCREAT, "%s: cannot create output folder: %s", dir, why);
			free(copy);
			publish_free(p);
			return UP_ECANTCREAT;
		}
		free(copy);
	} else if (p->dirfd < 0 || fstat(p->dirfd, &st) != 0 ||
	    faccessat(p->dirfd, ".", W_OK | X_OK, AT_EACCESS) != 0) {
		int e = errno;

		publish_free(p);
		return err_set(err, UP_ECANTCREAT, "%s: cannot write to output folder: %s", dir,
		    e == ENOTDIR ? "not a folder" : strerror(e));
	}
	mask = umask(0);
	umask(mask);
	p->mode = 0666 & ~mask;
	*out = p;
	return UP_OK;
}

/* Nonzero when dir/relpath already holds exactly data[0..len). */
static int
same_bytes(int dirfd, const char *relpath, const char *data, size_t len)
{
	char chunk[65536];
	struct stat st;
	size_t at = 0;
	int fd, same = 0;

	if (dirfd < 0)
		return 0;
	fd = openat(dirfd, relpath, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return 0;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || (size_t)st.st_size != len)
		goto done;
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof chunk);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || (size_t)n > len - at)
			goto done;
		if (n == 0)
			break;
		if (memcmp(chunk, data + at, (size_t)n) != 0)
			goto done;
		at += (size_t)n;
	}
	same = at == len;
done:
	close(fd);
	return same;
}

int
publish_add(struct publish *p, const char *relpath, char *data, size_t len, char **err)
{
	struct pending *q;
	char *target;

	if (same_bytes(p->dirfd, relpath, data, len)) {
		free(data);
		p->unchanged++;
		return UP_OK;
	}
	q = realloc(p->pending, (p->n_pending + 1) * sizeof *q);
	target = strdup(relpath);
	if (q != NULL)
		p->pending = q;
	if (q == NULL || target == NULL) {
		free(target);
		free(data);
		return err_nomem(err);
	}
	q = &p->pending[p->n_pending++];
	q->target = target;
	q->data = data;
	q->len = len;
	q->tmp = NULL;
	return UP_OK;
}

/* Creates dir itself and the folders leading to relpath, remembering
 * those it made so a failure can remove them. */
static int
make_folders(struct publish *p, const char *relpath, char **err)
{
	const char *slash;

	if (p->dirfd < 0) {
		char *self = strdup("");

		if (self == NULL)
			return err_nomem(err);
		if (mkdir(p->dir, 0777) != 0 && errno != EEXIST) {
			free(self);
			return err_set(err, UP_ECANTCREAT, "%s: cannot create output folder: %s", p->dir,
			    strerror(errno));
		}
		p->dirfd = open(p->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (p->dirfd < 0 || remember(&p->created, &p->n_created, self) != 0) {
			free(self);
			return err_set(err, UP_ECANTCREAT, "%s: cannot open output folder: %s", p->dir,
			    strerror(errno));
		}
	}
	for (slash = strchr(relpath, '/'); slash != NULL; slash = strchr(slash + 1, '/')) {
		char *sub = strndup(relpath, (size_t)(slash - relpath));

		if (sub == NULL)
			return err_nomem(err);
		if (mkdirat(p->dirfd, sub, 0777) == 0) {
			if (remember(&p->created, &p->n_created, sub) != 0) {
				unlinkat(p->dirfd, sub, AT_REMOVEDIR);
				free(sub);
				return err_nomem(err);
			}
			continue;
		}
		if (errno != EEXIST) {
			err_set(err, UP_ECANTCREAT, "%s/%s: cannot create folder: %s", p->dir, sub, strerror(errno));
			free(sub);
			return UP_ECANTCREAT;
		}
		free(sub);
	}
	return UP_OK;
}

static int
write_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, data, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Writes q to ".NAME.unplanet-XXXXXX" beside its target. */
static int
write_temp(struct publish *p, struct pending *q, char **err)
{
	const char *base = strrchr(q->target, '/');
	struct buf path = { 0 };
	size_t dirlen = strlen(p->dir) + 1;
	int fd, rc = UP_OK;

	base = base != NULL ? base + 1 : q->target;
	if (buf_adds(&path, p->dir) != 0 || buf_addc(&path, '/') != 0 ||
	    buf_add(&path, q->target, (size_t)(base - q->target)) != 0 || buf_addc(&path, '.') != 0 ||
	    buf_adds(&path, base) != 0 || buf_adds(&path, ".unplanet-XXXXXX") != 0) {
		buf_free(&path);
		return err_nomem(err);
	}
	/* mkstemp creates the file exclusively (O_EXCL) with mode 0600. */
	fd = mkstemp(path.data);
	if (fd < 0) {
		rc = err_set(err, UP_ECANTCREAT, "%s: cannot create: %s", path.data, strerror(errno));
		buf_free(&path);
		return rc;
	}
	if (fchmod(fd, p->mode) != 0 || write_all(fd, q->data, q->len) != 0)
		rc = err_set(err, UP_EIO, "%s: cannot write: %s", path.data, strerror(errno));
	if (close(fd) != 0 && rc == UP_OK)
		rc = err_set(err, UP_EIO, "%s: cannot write: %s", path.data, strerror(errno));
	if (rc != UP_OK) {
		unlink(path.data);
		buf_free(&path);
		return rc;
	}
	q->tmp = strdup(path.data + dirlen);
	if (q->tmp == NULL) {
		unlink(path.data);
		rc = err_nomem(err);
	}
	buf_free(&path);
	return rc;
}

/* Removes temporary files and the folders this commit made. */
static void
undo(struct publish *p)
{
	size_t i;

	for (i = 0; i < p->n_pending; i++) {
		if (p->pending[i].tmp != NULL) {
			unlinkat(p->dirfd, p->pending[i].tmp, 0);
			free(p->pending[i].tmp);
			p->pending[i].tmp = NULL;
		}
	}
	/* Newest first, so inner folders go before the ones holding them. */
	for (i = p->n_created; i > 0; i--) {
		const char *sub = p->created[i - 1];

		if (sub[0] == '\0')
			rmdir(p->dir);
		else
			unlinkat(p->dirfd, sub, AT_REMOVEDIR);
	}
}

int
publish_commit(struct publish *p, struct publish_stats *stats, char **err)
{
	size_t i;
	int rc = UP_OK;

	stats->written = 0;
	stats->unchanged = p->unchanged;
	for (i = 0; rc == UP_OK && i < p->n_pending; i++) {
		rc = make_folders(p, p->pending[i].target, err);
		if (rc == UP_OK)
			rc = write_temp(p, &p->pending[i], err);
		free(p->pending[i].data);
		p->pending[i].data = NULL;
	}
	/* One flush for all of them, so that after a power cut a renamed feed
	 * is never empty or partial. */
	if (rc == UP_OK && p->n_pending > 0 && syncfs(p->dirfd) != 0)
		rc = err_set(err, UP_EIO, "%s: cannot flush to disk: %s", p->dir, strerror(errno));
	if (rc != UP_OK) {
		undo(p);
		return rc;
	}
	for (i = 0; i < p->n_pending; i++) {
		struct pending *q = &p->pending[i];

		if (renameat(p->dirfd, q->tmp, p->dirfd, q->target) != 0) {
			rc = err_set(err, UP_EIO, "%s/%s: cannot replace: %s", p->dir, q->target, strerror(errno));
			break;
		}
		free(q->tmp);
		q->tmp = NULL;
		stats->written++;
	}
	if (rc != UP_OK) {
		/* Files already renamed are complete and stay; drop the rest. */
		p->n_created = 0;
		undo(p);
		return rc;
	}
	if (p->n_pending > 0)
		(void)fsync(p->dirfd);
	return UP_OK;
}

void
publish_free(struct publish *p)
{
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; i < p->n_pending; i++) {
		free(p->pending[i].target);
		free(p->pending[i].data);
		free(p->pending[i].tmp);
	}
	for (i = 0; i < p->n_created; i++)
		free(p->created[i]);
	free(p->pending);
	free(p->created);
	if (p->dirfd >= 0)
		close(p->dirfd);
	free(p->dir);
	free(p);
}
