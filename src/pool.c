/* pool.c - independent jobs done on several threads (see pool.h). */
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>

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

unsigned
pool_threads(void)
{
	cpu_set_t set;
	int n = 1;

	if (sched_getaffinity(0, sizeof set, &set) == 0)
		n = CPU_COUNT(&set);
	return n < 1 ? 1 : n > 8 ? 8 : (unsigned)n;
}
