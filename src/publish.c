/* publish.c - stage files as temporaries, then rename them all (see
 * publish.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "err.h"
#include "publish.h"

struct staged {
	char *tmp;      /* relative to the folder */
	char *target;
};

struct publish {
	char *dir;
	int dirfd;
	mode_t mode;           /* for new files: 0666 less the umask */
	char **created;        /* folders this publication made, relative */
	size_t n_created;
	struct staged *staged;
	size_t n_staged;
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
	int created = 0;

	*out = NULL;
	if (mkdir(dir, 0777) == 0)
		created = 1;
	else if (errno != EEXIST)
		return err_set(err, UP_ECANTCREAT, "%s: cannot create output folder: %s", dir, strerror(errno));
	p = calloc(1, sizeof *p);
	if (p == NULL || (p->dir = strdup(dir)) == NULL) {
		free(p);
		if (created)
			rmdir(dir);
		return err_nomem(err);
	}
	p->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (p->dirfd < 0 || fstat(p->dirfd, &st) != 0 || !S_ISDIR(st.st_mode) ||
	    faccessat(p->dirfd, ".", W_OK | X_OK, AT_EACCESS) != 0) {
		int e = errno;

		if (created)
			rmdir(dir);
		if (p->dirfd >= 0)
			close(p->dirfd);
		free(p->dir);
		free(p);
		return err_set(err, UP_ECANTCREAT, "%s: cannot write to output folder: %s", dir,
		    e == ENOTDIR ? "not a folder" : strerror(e));
	}
	if (created) {
		/* "" stands for the folder itself in the list of folders made. */
		char *self = strdup("");

		if (self == NULL || remember(&p->created, &p->n_created, self) != 0) {
			free(self);
			publish_abort(p);
			return err_nomem(err);
		}
	}
	mask = umask(0);
	umask(mask);
	p->mode = 0666 & ~mask;
	*out = p;
	return UP_OK;
}

/* Creates the folders leading to relpath, remembering those it made. */
static int
make_parents(struct publish *p, const char *relpath, char **err)
{
	const char *slash;

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
			int e = errno;

			err_set(err, UP_ECANTCREAT, "%s/%s: cannot create folder: %s", p->dir, sub, strerror(e));
			free(sub);
			return UP_ECANTCREAT;
		}
		free(sub);
	}
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

/* "authors/x.atom" -> "authors/.x.atom.unplanet-XXXXXX" */
static char *
temp_name(const char *relpath)
{
	const char *base = strrchr(relpath, '/');
	struct buf b = { 0 };

	base = base != NULL ? base + 1 : relpath;
	if (buf_add(&b, relpath, (size_t)(base - relpath)) != 0 || buf_addc(&b, '.') != 0 ||
	    buf_adds(&b, base) != 0 || buf_adds(&b, ".unplanet-XXXXXX") != 0) {
		buf_free(&b);
		return NULL;
	}
	return buf_take(&b);
}

int
publish_stage(struct publish *p, const char *relpath, const char *data, size_t len,
    char **err)
{
	struct staged *s;
	struct buf full = { 0 };
	char *tmp = NULL, *target = NULL;
	int fd = -1, made = 0, rc;

	if (same_bytes(p->dirfd, relpath, data, len)) {
		p->unchanged++;
		return UP_OK;
	}
	rc = make_parents(p, relpath, err);
	if (rc != UP_OK)
		return rc;
	tmp = temp_name(relpath);
	target = strdup(relpath);
	if (tmp == NULL || target == NULL || buf_adds(&full, p->dir) != 0 || buf_addc(&full, '/') != 0 ||
	    buf_adds(&full, tmp) != 0) {
		rc = err_nomem(err);
		goto fail;
	}
	/* mkstemp creates the file exclusively; it needs the whole path. */
	fd = mkstemp(full.data);
	if (fd < 0) {
		rc = err_set(err, UP_ECANTCREAT, "%s: cannot create: %s", full.data, strerror(errno));
		goto fail;
	}
	made = 1;
	memcpy(tmp, full.data + strlen(p->dir) + 1, strlen(tmp));
	if (fchmod(fd, p->mode) != 0 || write_all(fd, data, len) != 0) {
		rc = err_set(err, UP_EIO, "%s: cannot write: %s", full.data, strerror(errno));
		goto fail;
	}
	if (close(fd) != 0) {
		fd = -1;
		rc = err_set(err, UP_EIO, "%s: cannot write: %s", full.data, strerror(errno));
		goto fail;
	}
	fd = -1;
	s = realloc(p->staged, (p->n_staged + 1) * sizeof *s);
	if (s == NULL) {
		rc = err_nomem(err);
		goto fail;
	}
	p->staged = s;
	p->staged[p->n_staged].tmp = tmp;
	p->staged[p->n_staged].target = target;
	p->n_staged++;
	buf_free(&full);
	return UP_OK;
fail:
	if (fd >= 0)
		close(fd);
	if (made)
		unlink(full.data);
	buf_free(&full);
	free(tmp);
	free(target);
	return rc;
}

int
publish_commit(struct publish *p, struct publish_stats *stats, char **err)
{
	size_t i;
	int rc = UP_OK;

	stats->written = 0;
	stats->unchanged = p->unchanged;
	if (p->n_staged == 0)
		return UP_OK;
	/* One flush for every staged file, so a power cut after a rename can
	 * never leave an empty or partial feed behind. */
	if (syncfs(p->dirfd) != 0)
		return err_set(err, UP_EIO, "%s: cannot flush to disk: %s", p->dir, strerror(errno));
	for (i = 0; i < p->n_staged; i++) {
		struct staged *s = &p->staged[i];

		if (renameat(p->dirfd, s->tmp, p->dirfd, s->target) != 0) {
			rc = err_set(err, UP_EIO, "%s/%s: cannot replace: %s", p->dir, s->target,
			    strerror(errno));
			break;
		}
		free(s->tmp);
		s->tmp = NULL;
		stats->written++;
	}
	/* Remove what could not be renamed; keep the files already in place. */
	for (; i < p->n_staged; i++) {
		if (p->staged[i].tmp != NULL)
			unlinkat(p->dirfd, p->staged[i].tmp, 0);
	}
	(void)fsync(p->dirfd);
	for (i = 0; i < p->n_created; i++) {
		free(p->created[i]);
	}
	p->n_created = 0;
	return rc;
}

static void
release(struct publish *p)
{
	size_t i;

	for (i = 0; i < p->n_staged; i++) {
		free(p->staged[i].tmp);
		free(p->staged[i].target);
	}
	for (i = 0; i < p->n_created; i++)
		free(p->created[i]);
	free(p->staged);
	free(p->created);
	if (p->dirfd >= 0)
		close(p->dirfd);
	free(p->dir);
	free(p);
}

void
publish_abort(struct publish *p)
{
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; i < p->n_staged; i++)
		if (p->staged[i].tmp != NULL)
			unlinkat(p->dirfd, p->staged[i].tmp, 0);
	/* Newest first, so inner folders go before the ones holding them. */
	for (i = p->n_created; i > 0; i--) {
		const char *sub = p->created[i - 1];

		if (sub[0] == '\0')
			rmdir(p->dir);
		else
			unlinkat(p->dirfd, sub, AT_REMOVEDIR);
	}
	release(p);
}

void
publish_free(struct publish *p)
{
	if (p != NULL)
		release(p);
}
