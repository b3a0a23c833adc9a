/* pool.c - independent jobs done on several threads (see pool.h). */
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pool.h"

struct pool {
	const struct pool_jobs *jobs;
	atomic_size_t next;    /* the next job to hand out */
	atomic_int rc;         /* the first failure, or 0 */
};

struct worker {
	struct pool *pool;
	unsigned thread;       /* 0: the calling thread */
};

static void
fail(struct pool *p, int rc)
{
	int none = 0;

	atomic_compare_exchange_strong(&p->rc, &none, rc);
}

/* What every thread does: jobs in turn until none is left or one failed. */
static void *
work(void *arg)
{
	struct worker *me = arg;
	struct pool *p = me->pool;
	const struct pool_jobs *jobs = p->jobs;
	void *state = NULL;
	size_t i;
	int rc;

	if (jobs->start != NULL && (state = jobs->start(jobs->ctx, me->thread)) == NULL) {
		if (me->thread == 0)
			fail(p, -1);
		goto done;
	}
	while (atomic_load(&p->rc) == 0 && (i = atomic_fetch_add(&p->next, 1)) < jobs->n)
		if ((rc = jobs->job(jobs->ctx, state, i)) != 0)
			fail(p, rc);
done:
	if (state != NULL && jobs->finish != NULL)
		jobs->finish(jobs->ctx, state);
	return NULL;
}

int
pool_run(const struct pool_jobs *jobs, unsigned threads)
{
	struct pool p = { .jobs = jobs };
	struct worker me[POOL_MAX_THREADS];
	pthread_t tid[POOL_MAX_THREADS];
	sigset_t all, old;
	unsigned started = 1, k;

	atomic_init(&p.next, 0);
	atomic_init(&p.rc, 0);
	if (threads > POOL_MAX_THREADS)
		threads = POOL_MAX_THREADS;
	/* No more threads than jobs: the calling thread takes one too. */
	if (threads > jobs->n)
		threads = jobs->n > 0 ? (unsigned)jobs->n : 1;
	for (k = 0; k < threads; k++)
		me[k] = (struct worker){ &p, k };
	if (threads > 1) {
		/* Started with every signal held (a thread inherits its
		 * mask), so that a stop reaches the calling thread. */
		sigfillset(&all);
		pthread_sigmask(SIG_BLOCK, &all, &old);
		while (started < threads && pthread_create(&tid[started], NULL, work, &me[started]) == 0)
			started++;
		pthread_sigmask(SIG_SETMASK, &old, NULL);
	}
	work(&me[0]);
	for (k = 1; k < started; k++)
		pthread_join(tid[k], NULL);
	return atomic_load(&p.rc);
}

/* The first line of path, malloc'd, or NULL. */
static char *
first_line(const char *path)
{
	FILE *f = fopen(path, "re");
	char *line = NULL;
	size_t cap = 0;

	if (f != NULL) {
		if (getline(&line, &cap, f) < 0) {
			free(line);
			line = NULL;
		}
		fclose(f);
	}
	return line;
}

/* The CPUs the quota in folder dir of a cgroup allows, rounded up, or 0
 * when it sets none (or says nothing readable): cgroup v2's cpu.max is
 * "QUOTA PERIOD" or "max PERIOD", v1's cpu.cfs_quota_us is -1 for none. */
static unsigned
quota_in(const char *dir, int v2)
{
	char *path = NULL, *line = NULL, *end;
	long long quota = -1, period = 0;
	unsigned cpus = 0;

	if (asprintf(&path, "%s/%s", dir, v2 ? "cpu.max" : "cpu.cfs_quota_us") < 0) {
		path = NULL;
		goto done;
	}
	if ((line = first_line(path)) == NULL)
		goto done;
	quota = strtoll(line, &end, 10);
	if (end == line)
		goto done;   /* "max", or nothing readable */
	if (v2) {
		period = strtoll(end, &end, 10);
	} else {
		free(path);
		free(line);
		line = NULL;
		if (asprintf(&path, "%s/cpu.cfs_period_us", dir) < 0) {
			path = NULL;
			goto done;
		}
		if ((line = first_line(path)) != NULL)
			period = strtoll(line, &end, 10);
	}
	if (quota > 0 && period > 0) {
		long long whole = quota / period + (quota % period != 0);

		cpus = whole > POOL_MAX_THREADS ? POOL_MAX_THREADS : (unsigned)whole;
	}
done:
	free(path);
	free(line);
	return cpus;
}

/* The least quota on the folder of the mount at mount (its cgroup root
 * root) that holds cgroup path, and on the folders above it up to the
 * mount; 0 when none sets one. A cgroup namespace shows the process's own
 * cgroup as "/" and mounts it as the root; a container's mount may show
 * the root another's path names: then the mount itself is its cgroup. */
static unsigned
quota_on(const char *mount, const char *root, const char *path, int v2)
{
	size_t n = strlen(root);
	char *dir = NULL, *slash;
	unsigned least = 0, q;

	if (strcmp(root, "/") == 0)
		n = 0;
	else if (strncmp(path, root, n) != 0 || (path[n] != '/' && path[n] != '\0'))
		path = "";   /* the mount's own cgroup */
	else
		path += n;
	if (asprintf(&dir, "%s%s", mount, path + (path[0] == '/' && path[1] == '\0')) < 0) {
		dir = NULL;
		goto done;
	}
	for (;;) {
		if ((q = quota_in(dir, v2)) != 0 && (least == 0 || q < least))
			least = q;
		if (strlen(dir) <= strlen(mount) || (slash = strrchr(dir, '/')) == NULL)
			break;
		*slash = '\0';
	}
done:
	free(dir);
	return least;
}

/* Whether the comma-separated list has word. */
static int
lists(const char *list, const char *word)
{
	size_t n = strlen(word);
	const char *p;
	int found = 0;

	for (p = list; !found && p != NULL; p = strchr(p, ','), p = p != NULL ? p + 1 : NULL)
		found = strncmp(p, word, n) == 0 && (p[n] == ',' || p[n] == '\0');
	return found;
}

/* proc's file name opened to read, or NULL. */
static FILE *
open_in(const char *proc, const char *name)
{
	char *path = NULL;
	FILE *f = NULL;

	if (asprintf(&path, "%s/%s", proc, name) >= 0) {
		f = fopen(path, "re");
		free(path);
	}
	return f;
}

unsigned
pool_quota(const char *proc)
{
	char *line = NULL, *v1 = NULL, *v2 = NULL;
	size_t cap = 0;
	FILE *f;
	unsigned least = 0, q;

	/* "HIERARCHY:CONTROLLERS:PATH": v2's is "0::PATH", v1's the one
	 * whose controllers have "cpu". */
	if ((f = open_in(proc, "cgroup")) == NULL)
		goto done;
	while (getline(&line, &cap, f) > 0) {
		char *controllers = strchr(line, ':'), *path;

		line[strcspn(line, "\n")] = '\0';
		if (controllers == NULL || (path = strchr(++controllers, ':')) == NULL)
			continue;
		*path++ = '\0';
		if (strncmp(line, "0:", 2) == 0 && *controllers == '\0' && v2 == NULL)
			v2 = strdup(path);
		else if (lists(controllers, "cpu") && v1 == NULL)
			v1 = strdup(path);
	}
	fclose(f);
	if ((f = open_in(proc, "mountinfo")) == NULL)
		goto done;
	/* "ID PARENT MAJ:MIN ROOT MOUNT OPTIONS [OPTIONAL...] - TYPE SOURCE
	 * SUPER-OPTIONS"; a mount point with a space (written \040) is passed
	 * over. */
	while (getline(&line, &cap, f) > 0) {
		char *field[5], *dash, *type, *super, *save = NULL;
		int k;

		line[strcspn(line, "\n")] = '\0';
		if ((dash = strstr(line, " - ")) == NULL)
			continue;
		*dash = '\0';
		for (k = 0; k < 5 && (field[k] = strtok_r(k == 0 ? line : NULL, " ", &save)) != NULL; k++)
			;
		save = NULL;
		if (k < 5 || (type = strtok_r(dash + 3, " ", &save)) == NULL ||
		    strtok_r(NULL, " ", &save) == NULL || (super = strtok_r(NULL, " ", &save)) == NULL ||
		    strchr(field[3], '\\') != NULL || strchr(field[4], '\\') != NULL)
			continue;
		q = 0;
		if (strcmp(type, "cgroup2") == 0 && v2 != NULL)
			q = quota_on(field[4], field[3], v2, 1);
		else if (strcmp(type, "cgroup") == 0 && v1 != NULL && lists(super, "cpu"))
			q = quota_on(field[4], field[3], v1, 0);
		if (q != 0 && (least == 0 || q < least))
			least = q;
	}
	fclose(f);
done:
	free(line);
	free(v1);
	free(v2);
	return least;
}

unsigned
pool_threads(void)
{
	cpu_set_t set;
	int n = 1;
	unsigned quota = pool_quota("/proc/self");

	if (sched_getaffinity(0, sizeof set, &set) == 0)
		n = CPU_COUNT(&set);
	if (quota != 0 && (unsigned)n > quota)
		n = (int)quota;
	return n < 1 ? 1 : n > 8 ? 8 : (unsigned)n;
}
