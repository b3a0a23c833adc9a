/* publish.c - collect changed files, then write them all atomically (see
 * publish.h). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "err.h"
#include "pool.h"
#include "publish.h"

struct pending {
	char *target;   /* relative to the folder */
	char *data;
	size_t len;
	char *tmp;      /* the temporary file's name in folder, once written */
	int folder;     /* the target's folder, once opened (see folder_fd): borrowed */
	int first;      /* renamed before every other file (publish_add_first) */
	int remove;     /* removed with the outputs instead (publish_remove) */
};

struct publish {
	char *dir;
	int dirfd;             /* open and locked */
	int made_dir;          /* publish_begin created dir */
	int committed;
	char **created;        /* folders made by commit, relative */
	size_t n_created;
	char **folders;        /* every folder a file was added to, relative */
	size_t n_folders;
	char **present;        /* folders known to exist, relative */
	size_t n_present;
	char **opened;         /* folders opened by folder_fd, relative... */
	int *opened_fd;        /* ...and their descriptors */
	size_t n_opened;
	struct pending *pending;
	size_t n_pending, cap_pending;   /* grown by half: thousands of files */
	size_t n_first;        /* of them added with publish_add_first */
	size_t unchanged;
};

/* How often --wait asks for the lock again: soon after the other run
 * ends, at no cost worth counting while it runs. */
#define LOCK_RETRY_MS 50

/* Why a folder under dir that is a link is refused. */
#define LINK_REFUSED "a symbolic link, which unplanet does not follow, so as never to write outside the folder"

/* The status for a file or folder that could not be made: a full disk or
 * quota is an I/O error, as when writing fails, not a folder we may not
 * write in; nor is running out of memory or file descriptors. */
static int
create_status(int e)
{
	return e == ENOSPC || e == EDQUOT ? UP_EIO : err_status(e, UP_ECANTCREAT);
}

/* Where list[0..n) holds the string s[0..len), or n. */
static size_t
find(char *const *list, size_t n, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < n && !(strlen(list[i]) == len && strncmp(list[i], s, len) == 0); i++)
		;
	return i;
}

/* Whether list[0..n) holds the string s[0..len). */
static int
holds(char *const *list, size_t n, const char *s, size_t len)
{
	return find(list, n, s, len) < n;
}

/* The length of relpath's folder part ("authors" of "authors/x.atom"), 0
 * for a file in dir itself. */
static size_t
folder_len(const char *relpath)
{
	const char *slash = strrchr(relpath, '/');

	return slash != NULL ? (size_t)(slash - relpath) : 0;
}

static const char *
base_name(const char *relpath)
{
	const char *slash = strrchr(relpath, '/');

	return slash != NULL ? slash + 1 : relpath;
}

static int
remember(char ***list, size_t *n, char *s)
{
	char **p = realloc(*list, (*n + 1) * sizeof *p);
	int rc = -1;

	if (p != NULL) {
		p[(*n)++] = s;
		*list = p;
		rc = 0;
	}
	return rc;
}

int
publish_begin(const char *dir, int wait, struct publish **out, char **err)
{
	struct publish *p;
	struct stat st, now;
	int rc = UP_OK, gone = 0;

	*out = NULL;
	p = calloc(1, sizeof *p);
	if (p != NULL)
		p->dirfd = -1;   /* before anything can fail: publish_free closes it */
	if (p == NULL || (p->dir = strdup(dir)) == NULL) {
		rc = err_nomem(err);
		goto done;
	}
	for (;;) {
		/* The folder must exist to be locked; one made here goes away
		 * again if the run fails. */
		p->made_dir = mkdir(dir, 0777) == 0;
		if (!p->made_dir && errno != EEXIST) {
			int e = errno;

			rc = err_set(err, create_status(e), "%s: cannot create output folder: %s", dir, strerror(e));
			goto done;
		}
		p->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		/* A run that made the folder and failed removed it between
		 * this mkdir and open: make it again (a bounded number of
		 * times, and not for a link to nowhere, which stays so). */
		if (p->dirfd < 0 && errno == ENOENT && !p->made_dir && ++gone < 100) {
			if (lstat(dir, &st) != 0 && errno == ENOENT)
				continue;
			errno = ENOENT;   /* for the message below */
		}
		if (p->dirfd < 0 || fstat(p->dirfd, &st) != 0 ||
		    faccessat(p->dirfd, ".", W_OK | X_OK, AT_EACCESS) != 0) {
			int e = errno;

			/* Opening it reads it: a folder one may write but not
			 * read (mode 0333) is no folder one cannot write. */
			rc = err_set(err, err_status(e, UP_ECANTCREAT), "%s: cannot %s output folder: %s%s", dir,
			    p->dirfd < 0 && e == EACCES ? "open" : "write to",
			    e == ENOTDIR ? "not a folder" : e == ENOENT && lstat(dir, &st) == 0 &&
			    S_ISLNK(st.st_mode) ? "a symbolic link to a folder that does not exist" : strerror(e),
			    p->dirfd < 0 && e == EACCES ? " (it must be readable, as well as writable)" : "");
			goto done;
		}
		/* --wait asks for the lock again every LOCK_RETRY_MS, napping
		 * between (err_nap): a stop asked for just before a blocking
		 * flock began would go unseen until the other run ended. */
		while (err_stop != 0 || flock(p->dirfd, LOCK_EX | LOCK_NB) != 0) {
			int e = err_stop != 0 ? EINTR : errno;

			if (e == EINTR && err_stop == 0)
				continue;
			if (e == EWOULDBLOCK && wait)
				e = err_nap(LOCK_RETRY_MS) == 0 ? 0 : errno;   /* EINTR: a stop */
			if (e == 0)
				continue;
			if (e == EINTR) {
				/* Unlocked, the folder may be another run's by now (which
				 * may hold it, still empty, while it fetches): only
				 * locked is one made here ours to remove. */
				if (p->made_dir && flock(p->dirfd, LOCK_EX | LOCK_NB) != 0)
					p->made_dir = 0;
				rc = err_stopped(err);
			} else if (e == EWOULDBLOCK) {
				/* Made here or not, the folder is the other run's now. */
				p->made_dir = 0;
				rc = err_set(err, UP_ETEMPFAIL,
				    "%s: another unplanet run is writing this folder; try again later (or use --wait)",
				    dir);
			} else if (e == EBADF || e == ENOLCK || e == EOPNOTSUPP)
				/* Linux's NFS client takes flock() for a write lock,
				 * which a folder, open for reading only, cannot have. */
				rc = err_set(err, UP_ECANTCREAT, "%s: cannot lock output folder: %s (a folder on NFS "
				    "cannot be locked: write to a local folder, then copy it over, e.g. rsync -a "
				    "--delay-updates)", dir, strerror(e));
			else
				rc = err_set(err, UP_ECANTCREAT, "%s: cannot lock output folder: %s", dir, strerror(e));
			goto done;
		}
		/* The run we waited for may have made the folder, failed and
		 * removed it; or the folder was renamed, or a link to it turned
		 * to another (a deploy), while this run waited: start again
		 * with the folder dir names now (a bounded number of times: a
		 * FUSE filesystem may give every folder 0 links). */
		if ((fstat(p->dirfd, &st) == 0 && st.st_nlink > 0 && stat(dir, &now) == 0 &&
		    now.st_dev == st.st_dev && now.st_ino == st.st_ino) || ++gone >= 100)
			break;
		close(p->dirfd);
		p->dirfd = -1;
	}
done:
	/* On failure: unlocks, and removes the folder if made here. */
	if (rc != UP_OK)
		publish_free(p);
	else
		*out = p;
	return rc;
}

int
publish_dirfd(const struct publish *p)
{
	return p->dirfd;
}

/* Nonzero when dir/relpath already holds exactly data[0..len). Opened
 * without blocking: a FIFO planted there must not hang the run (it is no
 * regular file, so not the same, and the rename replaces it). */
static int
same_bytes(int dirfd, const char *relpath, const char *data, size_t len)
{
	char chunk[65536];
	struct stat st;
	size_t at = 0;
	int fd, same = 0;

	fd = openat(dirfd, relpath, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0)
		goto done;
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
	if (fd >= 0)
		close(fd);
	return same;
}

/* Remembers relpath[0..n), a folder where a killed run may have left
 * temporary files. */
static int
note_folder_name(struct publish *p, const char *relpath, size_t n)
{
	char *folder;
	int rc = 0;

	if (!holds(p->folders, p->n_folders, relpath, n)) {
		folder = strndup(relpath, n);
		if (folder == NULL || remember(&p->folders, &p->n_folders, folder) != 0) {
			free(folder);
			rc = -1;
		}
	}
	return rc;
}

/* Remembers the folder of relpath. */
static int
note_folder(struct publish *p, const char *relpath)
{
	return note_folder_name(p, relpath, folder_len(relpath));
}

/* Why files cannot be written in the folder sub of p's folder, or NULL;
 * *missing tells when it is not there (it is made when needed). */
static const char *
folder_problem(const struct publish *p, const char *sub, int *missing)
{
	struct stat st;
	const char *why = NULL;

	*missing = fstatat(p->dirfd, sub, &st, AT_SYMLINK_NOFOLLOW) != 0;
	if (*missing)
		why = NULL;
	else if (S_ISLNK(st.st_mode))
		why = LINK_REFUSED " (make it a folder)";
	else if (!S_ISDIR(st.st_mode))
		why = "not a folder";
	else if (faccessat(p->dirfd, sub, W_OK | X_OK, AT_EACCESS) != 0)
		why = strerror(errno);
	return why;
}

int
publish_sweep(struct publish *p, const char *folder, char **err)
{
	int missing, rc = UP_OK;
	const char *why = *folder != '\0' ? folder_problem(p, folder, &missing) : NULL;

	if (why != NULL)
		rc = err_set(err, UP_ECANTCREAT, "%s/%s: cannot write there: %s", p->dir, folder, why);
	else if (note_folder_name(p, folder, strlen(folder)) != 0)
		rc = err_nomem(err);
	return rc;
}

/* Whether relpath was added with publish_add_first: the bytes it has now
 * are not those it will have, so the same bytes still need writing. */
static int
replaced_first(const struct publish *p, const char *relpath)
{
	size_t i;
	int found = 0;

	for (i = 0; !found && p->n_first > 0 && i < p->n_pending; i++)
		found = p->pending[i].first && strcmp(p->pending[i].target, relpath) == 0;
	return found;
}

static int
add(struct publish *p, const char *relpath, char *data, size_t len, int first, int *unchanged, char **err)
{
	struct pending *q;
	char *target = NULL;
	int rc = UP_OK;

	if (unchanged != NULL)
		*unchanged = 0;
	if (note_folder(p, relpath) != 0) {
		rc = err_nomem(err);
		goto done;
	}
	if (!first && data != NULL && !replaced_first(p, relpath) && same_bytes(p->dirfd, relpath, data, len)) {
		p->unchanged++;
		if (unchanged != NULL)
			*unchanged = 1;
		goto done;   /* the data is not needed: freed below */
	}
	q = p->pending;
	if (p->n_pending == p->cap_pending) {
		size_t cap = p->cap_pending + p->cap_pending / 2 + 16;

		if ((q = realloc(p->pending, cap * sizeof *q)) != NULL) {
			p->pending = q;
			p->cap_pending = cap;
		}
	}
	target = strdup(relpath);
	if (q == NULL || target == NULL) {
		rc = err_nomem(err);
		goto done;
	}
	q = &p->pending[p->n_pending++];
	q->target = target;
	q->data = data;
	q->len = len;
	q->tmp = NULL;
	q->folder = -1;
	q->first = first;
	q->remove = data == NULL;
	p->n_first += first != 0;
	target = data = NULL;   /* q owns them now */
done:
	free(target);
	free(data);
	return rc;
}

int
publish_add(struct publish *p, const char *relpath, char *data, size_t len, int *unchanged,
    char **err)
{
	return add(p, relpath, data, len, 0, unchanged, err);
}

int
publish_add_first(struct publish *p, const char *relpath, char *data, size_t len, char **err)
{
	return add(p, relpath, data, len, 1, NULL, err);
}

int
publish_has(const struct publish *p, const char *relpath, int empty_ok)
{
	struct stat st;

	return fstatat(p->dirfd, relpath, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode) &&
	    (st.st_size != 0 || empty_ok);
}

int
publish_keep(struct publish *p, const char *relpath)
{
	int kept = 0;

	/* No format unplanet writes is ever empty: an empty file was cut short
	 * or emptied by hand, and is made again (a user's format that writes
	 * nothing is only transformed again). */
	if (publish_has(p, relpath, 0) && note_folder(p, relpath) == 0) {
		p->unchanged++;
		kept = 1;
	}
	return kept;
}

int
publish_remove(struct publish *p, const char *relpath, char **err)
{
	struct stat st;
	int rc = UP_OK;

	/* In a folder without .unplanet/, the file is someone else's. */
	if (fstatat(p->dirfd, ".unplanet", &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    fstatat(p->dirfd, relpath, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode))
		rc = add(p, relpath, NULL, 0, 0, NULL, err);
	return rc;
}

/* The folder relpath ("" for dir itself) opened through no symbolic link,
 * or -1: a link may lead out of dir, where nothing is to be removed. */
static int
open_inside(int dirfd, const char *relpath)
{
	const char *p = relpath;
	int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	while (fd >= 0 && *p != '\0') {
		size_t n = strcspn(p, "/");
		char *name = strndup(p, n);
		int next = name != NULL ? openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) : -1,
		    e = name != NULL ? errno : ENOMEM;

		free(name);
		close(fd);
		fd = next;
		errno = e;
		p += n;
		p += *p == '/';
	}
	return fd;
}

/* The folder relpath[0..n) (dir itself when n is 0), opened once through
 * no symbolic link and kept until publish_free: every file is made,
 * renamed and removed through it, so a folder swapped for a link after
 * check_folders looked at it cannot lead a write outside dir. -1 with
 * errno if it cannot be opened. */
static int
folder_fd(struct publish *p, const char *relpath, size_t n)
{
	char *name = NULL;
	int *fds, fd = -1, e;
	size_t i;

	if (n == 0) {
		fd = p->dirfd;
		goto done;
	}
	if ((i = find(p->opened, p->n_opened, relpath, n)) < p->n_opened) {
		fd = p->opened_fd[i];
		goto done;
	}
	fds = realloc(p->opened_fd, (p->n_opened + 1) * sizeof *fds);
	if (fds != NULL)
		p->opened_fd = fds;
	if (fds == NULL || (name = strndup(relpath, n)) == NULL) {
		errno = ENOMEM;
		goto done;
	}
	fd = open_inside(p->dirfd, name);
	if (fd >= 0 && remember(&p->opened, &p->n_opened, name) != 0) {
		close(fd);
		fd = -1;
		errno = ENOMEM;
	} else if (fd >= 0) {
		p->opened_fd[p->n_opened - 1] = fd;
		name = NULL;   /* p->opened owns it */
	}
done:
	e = errno;
	free(name);
	errno = e;
	return fd;
}

/* Flushes to disk every filesystem files were written on: dir's, and
 * that of any folder under it that is another's mount point (an
 * authors/ on its own volume), once each. 0, or -1 with errno. */
static int
flush_all(const struct publish *p)
{
	struct stat dir, st, other;
	size_t i, j;
	int rc = -1;

	if (fstat(p->dirfd, &dir) != 0 || syncfs(p->dirfd) != 0)
		goto done;
	for (i = 0; i < p->n_opened; i++) {
		if (fstat(p->opened_fd[i], &st) != 0)
			goto done;
		for (j = 0; st.st_dev != dir.st_dev && j < i; j++)
			if (fstat(p->opened_fd[j], &other) == 0 && other.st_dev == st.st_dev)
				break;
		if (st.st_dev != dir.st_dev && j == i && syncfs(p->opened_fd[i]) != 0)
			goto done;
	}
	rc = 0;
done:
	return rc;
}

/* The error for the folder of relpath[0..n) that folder_fd could not open
 * (errno e). */
static int
folder_fd_error(const struct publish *p, const char *relpath, size_t n, int e, char **err)
{
	return err_set(err, create_status(e), "%s/%.*s: cannot %s: %s%s", p->dir, (int)n, relpath,
	    e == EACCES ? "open that folder" : "write there",
	    e == ELOOP || e == ENOTDIR ? LINK_REFUSED ", or not a folder" : strerror(e),
	    e == EACCES ? " (it must be readable, as well as writable)" : "");
}

/* Creates the folders leading to relpath, remembering those it made so a
 * failure can remove them, and those that exist so it asks only once. */
static int
make_folders(struct publish *p, const char *relpath, char **err)
{
	const char *slash;
	int rc = UP_OK;

	for (slash = strchr(relpath, '/'); rc == UP_OK && slash != NULL; slash = strchr(slash + 1, '/')) {
		size_t n = (size_t)(slash - relpath);
		char *sub, *made = NULL;
		int e, parent = -1;

		if (holds(p->present, p->n_present, relpath, n))
			continue;
		/* Made in its parent's descriptor, as files are (see folder_fd). */
		if ((sub = strndup(relpath, n)) == NULL) {
			rc = err_nomem(err);
		} else if ((parent = folder_fd(p, sub, folder_len(sub))) < 0) {
			rc = folder_fd_error(p, sub, folder_len(sub), errno, err);
		} else if (mkdirat(parent, base_name(sub), 0777) == 0) {
			if ((made = strdup(sub)) == NULL || remember(&p->created, &p->n_created, made) != 0) {
				unlinkat(parent, base_name(sub), AT_REMOVEDIR);
				free(made);
				rc = err_nomem(err);
			}
		} else if ((e = errno) != EEXIST) {
			rc = err_set(err, create_status(e), "%s/%s: cannot create folder: %s", p->dir, sub,
			    strerror(e));
		}
		if (rc == UP_OK && remember(&p->present, &p->n_present, sub) != 0)
			rc = err_nomem(err);
		if (rc != UP_OK)
			free(sub);   /* else p->present owns it */
	}
	return rc;
}

/* Checks, before anything is created, that every folder the pending files
 * need is a writable folder or can be made, and that no folder stands
 * where a file goes: a failure found here leaves the folder untouched,
 * even its mtime. */
static int
check_folders(struct publish *p, char **err)
{
	size_t i;
	int rc = UP_OK;

	for (i = 0; i < p->n_pending; i++) {
		const char *relpath = p->pending[i].target, *slash;
		struct stat target;

		if (fstatat(p->dirfd, relpath, &target, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(target.st_mode)) {
			rc = err_set(err, UP_ECANTCREAT, "%s/%s: cannot replace: it is a folder", p->dir, relpath);
			goto done;
		}

		for (slash = strchr(relpath, '/'); slash != NULL; slash = strchr(slash + 1, '/')) {
			char *sub = strndup(relpath, (size_t)(slash - relpath));
			const char *why;
			int missing;

			if (sub == NULL) {
				rc = err_nomem(err);
				goto done;
			}
			if ((why = folder_problem(p, sub, &missing)) != NULL)
				rc = err_set(err, UP_ECANTCREAT, "%s/%s: cannot write there: %s", p->dir, sub, why);
			free(sub);
			if (rc != UP_OK)
				goto done;
			if (missing)
				break;   /* made at commit, as are those below it */
		}
	}
done:
	return rc;
}

/* Nonzero for ".NAME.unplanet-XXXXXX", the temporary files of write_temp. */
static int
is_temp_name(const char *name)
{
	const char *mark = strstr(name, ".unplanet-");

	return name[0] == '.' && mark != NULL && mark > name && strlen(mark) == strlen(".unplanet-XXXXXX");
}

/* Removes temporary files a killed run left in the folders files were
 * added to. We hold the lock, so no other run is writing them. */
static void
sweep(struct publish *p)
{
	size_t i;

	for (i = 0; i < p->n_folders; i++) {
		/* The folder the files will be written through, listed through
		 * a descriptor of its own (readdir moves its offset). */
		int folder = folder_fd(p, p->folders[i], strlen(p->folders[i]));
		int fd = folder >= 0 ? openat(folder, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
		DIR *d;
		struct dirent *de;

		if (fd < 0 || (d = fdopendir(fd)) == NULL) {
			if (fd >= 0)
				close(fd);
			continue;
		}
		while ((de = readdir(d)) != NULL)
			if (is_temp_name(de->d_name))
				unlinkat(dirfd(d), de->d_name, 0);
		closedir(d);
	}
}

static int
write_all(int fd, const char *data, size_t len)
{
	int rc = 0;

	while (len > 0) {
		ssize_t n = write(fd, data, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n == 0)
			errno = EIO;   /* write(2) made no progress and said nothing */
		if (n <= 0) {
			rc = -1;   /* errno says why */
			break;
		}
		data += n;
		len -= (size_t)n;
	}
	return rc;
}

/* Opens a new ".NAME.unplanet-XXXXXX" beside relpath's target, through its
 * folder's descriptor, folder (so a folder renamed or swapped mid-run gets
 * no stray files, and a link put in its place leads nowhere), exclusively,
 * with the umask's permissions; its name in that folder in *tmp
 * (malloc'd). Returns the descriptor, or -1 with errno. */
static int
open_temp(int folder, const char *relpath, char **tmp)
{
	static const char letters[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
	struct buf path = { 0 };
	unsigned char noise[6];
	int fd = -1, tries, e = ENOMEM;
	size_t i, stem;

	*tmp = NULL;
	if (buf_addc(&path, '.') != 0 || buf_adds(&path, base_name(relpath)) != 0 ||
	    buf_adds(&path, ".unplanet-XXXXXX") != 0)
		goto done;
	stem = path.len - 6;
	for (tries = 0; tries < 100; tries++) {
		if (getentropy(noise, sizeof noise) != 0) {
			e = errno;
			goto done;
		}
		for (i = 0; i < sizeof noise; i++)
			path.data[stem + i] = letters[noise[i] % (sizeof letters - 1)];
		fd = openat(folder, path.data, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0666);
		if (fd >= 0 || errno != EEXIST)
			break;
	}
	e = fd >= 0 ? 0 : errno;
	if (fd >= 0)
		*tmp = buf_take(&path);
done:
	buf_free(&path);
	errno = e;
	return fd;
}

/* Writes q to ".NAME.unplanet-XXXXXX" in its folder, q->folder (open),
 * and frees its bytes. Touches nothing of p but q, so that files are
 * written on several threads at once. */
static int
write_temp(const struct publish *p, struct pending *q, char **err)
{
	char *tmp = NULL;
	int fd, rc = UP_OK;

	fd = open_temp(q->folder, q->target, &tmp);
	if (fd < 0) {
		rc = err_set(err, create_status(errno), "%s/%s: cannot create a file "
		    "beside it: %s", p->dir, q->target, strerror(errno));
		goto done;   /* no file was made: tmp is NULL */
	}
	/* The message names the target: the temporary file is gone at once. */
	if (write_all(fd, q->data, q->len) != 0)
		rc = err_set(err, UP_EIO, "%s/%s: cannot write: %s", p->dir, q->target, strerror(errno));
	if (close(fd) != 0 && rc == UP_OK)
		rc = err_set(err, UP_EIO, "%s/%s: cannot write: %s", p->dir, q->target, strerror(errno));
	if (rc == UP_OK) {
		q->tmp = tmp;
		tmp = NULL;   /* q owns it now */
	}
done:
	if (tmp != NULL) {
		unlinkat(q->folder, tmp, 0);
		free(tmp);
	}
	free(q->data);
	q->data = NULL;
	return rc;
}

/* The files to write, for pool_run: one job each, with an outcome of
 * its own. */
struct written {
	int rc;
	char *err;
};

struct writing {
	struct publish *p;
	struct written *out;
};

static int
write_job(void *ctx, void *state, size_t i)
{
	struct writing *w = ctx;
	struct pending *q = &w->p->pending[i];

	(void)state;
	if (!q->remove)
		w->out[i].rc = write_temp(w->p, q, &w->out[i].err);
	return w->out[i].rc;
}

/* Writes every pending file to its temporary file, on up to threads
 * threads: the kernel copies one file's bytes while another thread makes
 * the next file. Their folders are made and opened first, in order, as
 * those of one thread would be. */
static int
write_all_temp(struct publish *p, unsigned threads, char **err)
{
	struct writing w = { p, NULL };
	size_t i;
	int rc = UP_OK;

	for (i = 0; rc == UP_OK && i < p->n_pending; i++) {
		struct pending *q = &p->pending[i];

		if (q->remove)
			continue;
		rc = make_folders(p, q->target, err);
		if (rc == UP_OK && (q->folder = folder_fd(p, q->target, folder_len(q->target))) < 0)
			rc = folder_fd_error(p, q->target, folder_len(q->target), errno, err);
	}
	if (rc != UP_OK || p->n_pending == 0)
		goto done;
	if ((w.out = calloc(p->n_pending, sizeof *w.out)) == NULL) {
		rc = err_nomem(err);
		goto done;
	}
	/* Of the files that failed, the first in order is named: every job
	 * before a failed one was run (pool.h), so it is the same whatever
	 * the threads did when. */
	if (pool_run(&(struct pool_jobs){ p->n_pending, &w, NULL, NULL, write_job }, threads) != 0) {
		for (i = 0; i < p->n_pending && w.out[i].rc == UP_OK; i++)
			continue;
		if (i == p->n_pending) {
			rc = err_nomem(err);   /* (pool_run fails no other way) */
		} else if ((rc = w.out[i].rc) != UP_OK && err != NULL) {
			free(*err);
			*err = w.out[i].err;
			w.out[i].err = NULL;
		}
	}
done:
	for (i = 0; w.out != NULL && i < p->n_pending; i++)
		free(w.out[i].err);
	free(w.out);
	return rc;
}

/* Removes temporary files, and the folders this commit made but those
 * files already renamed into must stay in (not empty: rmdir fails), and
 * .unplanet/ when placed says files were. */
static void
undo(struct publish *p, int placed)
{
	size_t i;

	for (i = 0; i < p->n_pending; i++) {
		if (p->pending[i].tmp != NULL) {
			unlinkat(p->pending[i].folder, p->pending[i].tmp, 0);
			free(p->pending[i].tmp);
			p->pending[i].tmp = NULL;
		}
	}
	/* Newest first, so inner folders go before the ones holding them. */
	for (i = p->n_created; i > 0; i--) {
		const char *made = p->created[i - 1];
		int parent = folder_fd(p, made, folder_len(made));   /* opened when made */

		if (placed && strncmp(made, ".unplanet", 9) == 0 && made[9] == '\0')
			continue;
		if (parent >= 0)
			unlinkat(parent, base_name(made), AT_REMOVEDIR);
	}
}

/* Files under .unplanet/ record what earlier runs did. */
static int
is_record(const char *relpath)
{
	return strncmp(relpath, ".unplanet/", 10) == 0;
}

int
publish_changes_under(const struct publish *p, const char *folder)
{
	size_t i, n = strlen(folder);
	int changes = 0;

	for (i = 0; !changes && i < p->n_pending; i++)
		changes = !p->pending[i].first && strncmp(p->pending[i].target, folder, n) == 0 &&
		    p->pending[i].target[n] == '/';
	return changes;
}

int
publish_changes_outputs(const struct publish *p)
{
	size_t i;
	int changes = 0;

	for (i = 0; !changes && i < p->n_pending; i++)
		changes = !p->pending[i].first && !is_record(p->pending[i].target);
	return changes;
}

int
publish_refuse_strangers(struct publish *p, const char *record, char **err)
{
	struct stat st;
	size_t i, n = 0, first = 0;
	int rc = UP_OK;

	if (fstatat(p->dirfd, record, &st, AT_SYMLINK_NOFOLLOW) == 0 || errno != ENOENT)
		goto done;
	for (i = 0; i < p->n_pending; i++)
		if (fstatat(p->dirfd, p->pending[i].target, &st, AT_SYMLINK_NOFOLLOW) == 0 && n++ == 0)
			first = i;
	if (n == 1)
		rc = err_set(err, UP_ECANTCREAT, "%s: has no %s/, so %s/%s is not unplanet's to replace: remove it, "
		    "use another folder, or, if unplanet wrote it, make %s/%s/ to let it go on", p->dir, record, p->dir,
		    p->pending[first].target, p->dir, record);
	else if (n > 1)
		rc = err_set(err, UP_ECANTCREAT, "%s: has no %s/, so %s/%s and %zu other file%s are not unplanet's to "
		    "replace: remove them, use another folder, or, if unplanet wrote them, make %s/%s/ to let it go on",
		    p->dir, record, p->dir, p->pending[first].target, n - 1, n == 2 ? "" : "s", p->dir, record);
done:
	return rc;
}

int
publish_commit(struct publish *p, unsigned threads, struct publish_stats *stats, char **err)
{
	size_t i;
	static const int stops[] = ERR_STOP_SIGNALS;
	int rc = UP_OK, phase, blocked = 0, held, placed = 0;
	sigset_t stop, before;

	stats->written = 0;
	stats->unchanged = p->unchanged;
	rc = err_if_stopped(UP_OK, err);
	if (rc == UP_OK)
		rc = check_folders(p, err);
	if (rc != UP_OK)
		goto done;   /* nothing made yet: nothing to undo */
	sweep(p);
	rc = write_all_temp(p, threads, err);
	/* One flush for all of them, so that after a power cut a renamed feed
	 * is never empty or partial. Since Linux 5.8 (Debian 12 has 6.1),
	 * syncfs also reports a write that failed since the folder was
	 * opened (a full thin volume, an I/O error): one fsync per file would
	 * add nothing but a journal commit each. */
	if (rc == UP_OK && p->n_pending > 0 && flush_all(p) != 0)
		rc = err_set(err, UP_EIO, "%s: cannot flush to disk: %s", p->dir, strerror(errno));
	/* A stop asked for is taken now, or after the renames: a folder
	 * part old, part new (each file whole) is only for SIGKILL. */
	for (i = 0, held = sigemptyset(&stop) == 0; held && i < sizeof stops / sizeof *stops; i++)
		held = sigaddset(&stop, stops[i]) == 0;
	if (!held || sigprocmask(SIG_BLOCK, &stop, &before) != 0)
		rc = rc != UP_OK ? rc : err_set(err, UP_ESOFTWARE, "cannot hold signals: %s", strerror(errno));
	else
		blocked = 1;
	rc = err_if_stopped(rc, err);
	if (rc != UP_OK) {
		undo(p, 0);
		goto done;
	}
	/* The files added first, then the outputs, then the records under
	 * .unplanet/ (archive, cache, state) in the order added: a record must
	 * never claim work whose files a killed run did not put in place. Each
	 * phase's renames reach the disk before the next phase, and before
	 * success is reported, so a power cut cannot keep a record while
	 * losing what it describes. */
	for (phase = 0; rc == UP_OK && phase < 3; phase++) {
		size_t renamed = 0;

		for (i = 0; i < p->n_pending; i++) {
			struct pending *q = &p->pending[i];

			if (q->remove && phase == 1) {
				int folder = folder_fd(p, q->target, folder_len(q->target));

				/* A folder gone since is a file gone with it. */
				if (folder < 0 && errno != ENOENT) {
					rc = folder_fd_error(p, q->target, folder_len(q->target), errno, err);
					break;
				}
				if (folder >= 0 && unlinkat(folder, base_name(q->target), 0) != 0 && errno != ENOENT) {
					rc = err_set(err, UP_EIO, "%s/%s: cannot remove: %s", p->dir, q->target,
					    strerror(errno));
					break;
				}
				stats->written++;
				renamed++;
				placed = 1;
				continue;
			}
			if (q->tmp == NULL || (q->first ? 0 : is_record(q->target) ? 2 : 1) != phase)
				continue;
			if (renameat(q->folder, q->tmp, q->folder, base_name(q->target)) != 0) {
				rc = err_set(err, UP_EIO, "%s/%s: cannot replace: %s", p->dir, q->target,
				    strerror(errno));
				break;
			}
			free(q->tmp);
			q->tmp = NULL;
			stats->written += !q->first;   /* replaced again later */
			renamed++;
			placed = 1;
		}
		if (rc == UP_OK && renamed > 0 && flush_all(p) != 0)
			rc = err_set(err, UP_EIO, "%s: cannot flush to disk: %s", p->dir, strerror(errno));
	}
	/* Files already renamed are complete and stay, with the folders they
	 * are in (which removing finds not empty); the rest go, and the
	 * other folders made, but .unplanet/ once anything was put in place:
	 * without it, the next run would take the files this one placed for
	 * someone else's (publish_refuse_strangers) and refuse to go on. */
	if (rc != UP_OK)
		undo(p, placed);
	else
		p->committed = 1;
done:
	if (blocked)
		sigprocmask(SIG_SETMASK, &before, NULL);
	return rc;
}

void
publish_free(struct publish *p)
{
	struct stat mine, now;
	size_t i;

	if (p != NULL) {
		for (i = 0; i < p->n_pending; i++) {
			free(p->pending[i].target);
			free(p->pending[i].data);
			free(p->pending[i].tmp);
		}
		for (i = 0; i < p->n_created; i++)
			free(p->created[i]);
		for (i = 0; i < p->n_folders; i++)
			free(p->folders[i]);
		for (i = 0; i < p->n_present; i++)
			free(p->present[i]);
		for (i = 0; i < p->n_opened; i++) {
			free(p->opened[i]);
			close(p->opened_fd[i]);
		}
		free(p->opened);
		free(p->opened_fd);
		free(p->present);
		free(p->pending);
		free(p->created);
		free(p->folders);
		/* A folder made for this run and left empty by its failure goes,
		 * if the path still names it. */
		if (p->made_dir && !p->committed && (p->dirfd < 0 || (fstat(p->dirfd, &mine) == 0 &&
		    lstat(p->dir, &now) == 0 && mine.st_dev == now.st_dev && mine.st_ino == now.st_ino)))
			rmdir(p->dir);
		if (p->dirfd >= 0)
			close(p->dirfd);   /* releases the lock */
		free(p->dir);
		free(p);
	}
}
