/* err.c - error messages travelling with exit statuses (see err.h). */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "err.h"

/* A handler may only touch a lock-free atomic (or a sig_atomic_t). */
_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "atomic_int must be lock-free for the signal handler");
atomic_int err_stop = 0;
atomic_int err_stop_taken = 0;

int
err_stopped(char **err)
{
	err_stop_taken = 1;
	return err_set(err, UP_ESOFTWARE, "stopped by signal %d", (int)err_stop);
}

int
err_if_stopped(int rc, char **err)
{
	return rc == UP_OK && err_stop != 0 ? err_stopped(err) : rc;
}

/* err_wait, and err_nap with fd -1 (which poll passes over), for at most
 * timeout (none when NULL). */
static int
wait_for(int fd, short events, const struct timespec *timeout)
{
	static const int stops[] = ERR_STOP_SIGNALS;
	struct pollfd ready = { fd, events, 0 };
	sigset_t held, was;
	size_t i;
	int rc, e;

	sigemptyset(&held);
	for (i = 0; i < sizeof stops / sizeof *stops; i++)
		sigaddset(&held, stops[i]);
	do {
		sigprocmask(SIG_BLOCK, &held, &was);
		rc = err_stop == 0 ? ppoll(&ready, 1, timeout, &was) : 0;
		e = errno;
		sigprocmask(SIG_SETMASK, &was, NULL);   /* a stop held runs here */
	} while (rc < 0 && e == EINTR && err_stop == 0);
	errno = err_stop != 0 ? EINTR : e;
	return err_stop != 0 || rc < 0 ? -1 : 0;
}

int
err_wait(int fd, short events)
{
	return wait_for(fd, events, NULL);
}

ssize_t
err_read(int fd, void *buf, size_t n)
{
	ssize_t got;

	do
		got = err_wait(fd, POLLIN) == 0 ? read(fd, buf, n) : -1;
	while (got < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) && err_stop == 0);
	return got;
}

int
err_nap(long ms)
{
	struct timespec t = { ms / 1000, ms % 1000 * 1000000 };

	return wait_for(-1, 0, &t);
}

int
err_set(char **err, int status, const char *fmt, ...)
{
	va_list ap;
	int n;
	char *msg;

	if (err == NULL)
		goto done;
	free(*err);
	*err = NULL;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		status = UP_ESOFTWARE;   /* no message, as when memory runs out */
		goto done;
	}
	msg = malloc((size_t)n + 1);
	if (msg == NULL) {
		status = UP_ESOFTWARE;   /* no message: what happened is out of memory */
		goto done;
	}
	va_start(ap, fmt);
	vsnprintf(msg, (size_t)n + 1, fmt, ap);
	va_end(ap);
	err_one_line(msg);
	*err = msg;
done:
	return status;
}

/* Messages quote what others wrote (a server's Content-Type, a file name,
 * a stylesheet's xsl:message): no control character of theirs reaches a
 * terminal or a cron mail, where ESC would start an escape sequence. */
void
err_one_line(char *s)
{
	for (; *s != '\0'; s++)
		if (*s == '\n' || *s == '\r' || *s == '\t')
			*s = ' ';
		else if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}

int
err_at(const char *at, int status, char **err)
{
	char *why;

	if (status != UP_OK && status != UP_ESOFTWARE && at != NULL && err != NULL && *err != NULL) {
		why = *err;
		*err = NULL;
		status = err_set(err, status, "%s: %s", at, why);
		free(why);
	}
	return status;
}

int
err_nomem(char **err)
{
	return err_set(err, UP_ESOFTWARE, "out of memory");
}

int
err_status(int e, int otherwise)
{
	return e == ENOMEM || e == EMFILE || e == ENFILE ? UP_ESOFTWARE : otherwise;
}
