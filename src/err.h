/* err.h - how unplanet reports failures.
 *
 * Every stage function that can fail returns an exit status from the table
 * below (0 on success) and, on failure, stores a malloc'd message in *err.
 * The caller owns that message and frees it. Messages name the input (a URL,
 * a file and line, a path) and say what is wrong; main.c prefixes them with
 * "unplanet: " and exits with the status. Nothing below main.c exits.
 */
#ifndef UNPLANET_ERR_H
#define UNPLANET_ERR_H

#include <signal.h>
#include <stdatomic.h>
#include <sys/types.h>

/* sysexits(3) values, so cron wrappers can tell failures apart. */
enum {
	UP_OK = 0,
	UP_EUSAGE = 64,     /* bad command line */
	UP_EDATA = 65,      /* the page (or archive) is not what we can read */
	UP_ENOINPUT = 66,   /* input file missing or unreadable */
	UP_EUNAVAIL = 69,   /* fetching the URL failed */
	UP_ESOFTWARE = 70,  /* internal error, out of memory */
	UP_ECANTCREAT = 73, /* output folder cannot be written */
	UP_EIO = 74,        /* write failed part way */
	UP_ETEMPFAIL = 75,  /* another run holds the lock; try later */
	UP_ECONFIG = 78     /* configuration file error */
};

/* Sets *err to a formatted message (if err is not NULL), on one line (line
 * breaks and tabs as spaces, other control characters as '?'), and returns
 * status.
 * Use as: rc = err_set(err, UP_EDATA, "%s: no posts found", name); When
 * memory for the message runs out, *err stays NULL (main.c then says "out
 * of memory") and it returns UP_ESOFTWARE instead, as err_nomem does. */
int err_set(char **err, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Makes s one line, as err_set makes its messages: line breaks and tabs
 * become spaces, other control characters '?'. */
void err_one_line(char *s);

/* When status is a failure other than UP_ESOFTWARE and at is not NULL,
 * puts "AT: " before *err (a config file's "FILE:LINE" that gave what
 * failed); returns status, or UP_ESOFTWARE when memory runs out. */
int err_at(const char *at, int status, char **err);

/* The status for a system call that failed with errno e, where the
 * call's own failure means otherwise: running out of memory or of file
 * descriptors says nothing of the file, and is UP_ESOFTWARE. */
int err_status(int e, int otherwise);

/* The message for an allocation failure, shared so callers stay short. */
int err_nomem(char **err);

/* The signal (SIGINT, SIGTERM or SIGHUP) that asked the run to stop, set
 * by main.c's handler, or 0. What waits (a fetch, the lock) checks it and
 * fails, as does a transformation, on whatever thread it runs (write.c);
 * publish_commit checks it before its first rename and holds
 * those signals until its renames are done, so a run so stopped leaves
 * the folder as it was (main.c then ends by that signal), or wholly new
 * (the run is done: it exits 0). Atomic, not only volatile: threads read
 * it, and a lock-free atomic is as safe as sig_atomic_t in a handler. */
extern atomic_int err_stop;

/* The signals that ask a run to stop, as main.c catches them and
 * publish_commit holds them. */
#define ERR_STOP_SIGNALS { SIGINT, SIGTERM, SIGHUP }

/* Sets *err to say the run was stopped, notes it in err_stop_taken, and
 * returns UP_ESOFTWARE. */
int err_stopped(char **err);

/* Waits until fd is ready for events (poll's POLLIN or POLLOUT), or a
 * stop is asked for: 0, or -1 with errno set, EINTR for a stop. The stops
 * are held but in the wait (ppoll), so one that comes just before it is
 * seen too; a read or write of what is ready then does not block (a
 * write of PIPE_BUF bytes at most, to a pipe). */
int err_wait(int fd, short events);

/* read(2) of at most n bytes once fd has input (err_wait), again while it
 * would block or a signal other than a stop cuts it short: what read
 * gives, or -1 with errno set, EINTR for a stop. Input that does not come
 * (a pipe whose writer paused, a named pipe with none yet) is waited for
 * as long as no stop is asked for, also one asked for just before. */
ssize_t err_read(int fd, void *buf, size_t n);

/* Waits ms milliseconds, or until a stop is asked for (seen as err_wait
 * sees one): 0, or -1 with errno EINTR for a stop. For what has no fd to
 * wait on: a lock asked for again and again. */
int err_nap(long ms);

/* rc; or, when rc is UP_OK but a stop was asked for, err_stopped(err):
 * for the end of a step that takes a while. */
int err_if_stopped(int rc, char **err);

/* Whether a failure came from err_stopped (on any thread): main.c then
 * ends by the signal, silently; another failure keeps its message and
 * status. */
extern atomic_int err_stop_taken;

#endif
