/* pool.h - independent jobs done on several threads.
 *
 * The costly part of reading a page is parsing each post's HTML, and of
 * writing the feeds applying the stylesheets: jobs that share nothing but
 * what they only read. pool_run hands them out, in order, to up to
 * `threads` threads, the calling one among them, and returns when all are
 * done. Each thread has its own state (a parser, say), made by start and
 * freed by finish; a job owns what it writes (an entry of its own), so the
 * result is the same whatever thread did which job.
 *
 * The threads it starts hold every signal: main.c's handler runs on the
 * calling thread, as it would without them. A thread that cannot be
 * started (a process limit) leaves its share to the others.
 */
#ifndef UNPLANET_POOL_H
#define UNPLANET_POOL_H

#include <stddef.h>

/* Most threads pool_run starts (--jobs takes 1 to this). */
#define POOL_MAX_THREADS 64
#define POOL_MAX_THREADS_TEXT "64"

struct pool_jobs {
	size_t n;                         /* jobs 0..n-1 */
	void *ctx;                        /* given to every call */
	/* Thread number thread's own state (0 is the calling thread), or
	 * NULL when it cannot be made: another thread then takes no job,
	 * and the calling one fails the pool (-1). start may be NULL (no
	 * state). */
	void *(*start)(void *ctx, unsigned thread);
	void (*finish)(void *ctx, void *state);
	/* Does job i: 0, or another value that stops the pool (no job is
	 * started after it) and is returned by pool_run. */
	int (*job)(void *ctx, void *state, size_t i);
};

/* Does every job of jobs, on up to threads threads (1: on the calling
 * thread alone). Jobs are started in order, so when one fails every job
 * before it was started, and is done when pool_run returns. Returns 0
 * when all succeeded, else the failure of the first job that failed (in
 * time), or -1 when the calling thread's state could not be made. */
int pool_run(const struct pool_jobs *jobs, unsigned threads);

/* The processors this process may run on (its CPU affinity), or fewer
 * when a cgroup CPU quota allows fewer, from 1 to 8: the default number
 * of threads. */
unsigned pool_threads(void);

/* The CPUs the cgroup CPU quotas of this process allow (v2's cpu.max, v1's
 * cpu.cfs_quota_us over cpu.cfs_period_us, on its cgroup and every one
 * above it, the least), rounded up; 0 when none is set or none can be
 * read. proc is "/proc/self", or a folder of the same files for tests:
 * cgroup and mountinfo. */
unsigned pool_quota(const char *proc);

#endif
