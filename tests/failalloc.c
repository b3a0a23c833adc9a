/* failalloc.c - makes one allocation of unplanet's own code fail, for
 * tests/oom.py. Linked with -Wl,--wrap=malloc (and calloc, realloc, strdup,
 * strndup, and xmlMemSetup): only calls from unplanet's objects come here.
 * libxml2 and libxslt keep their own allocator: unplanet's xmlMemSetup
 * hooks, which end the run with exit 70 when one of theirs fails, are
 * left out, so the count is unplanet's own code alone.
 *
 * FAIL_AT=N makes the Nth call fail with ENOMEM; FAIL_COUNT=FILE writes
 * how many calls the run made to FILE when it exits. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlmemory.h>

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);
char *__wrap_strdup(const char *s);
char *__wrap_strndup(const char *s, size_t n);

int __wrap_xmlMemSetup(xmlFreeFunc free_fn, xmlMallocFunc malloc_fn, xmlReallocFunc realloc_fn,
    xmlStrdupFunc strdup_fn);

/* Counted atomically: posts are parsed on several threads (pool.h), so
 * which allocation is the Nth may change from run to run, but each run
 * fails exactly one. */
static _Atomic long calls;
static long fail_at = -1;

int
__wrap_xmlMemSetup(xmlFreeFunc free_fn, xmlMallocFunc malloc_fn, xmlReallocFunc realloc_fn,
    xmlStrdupFunc strdup_fn)
{
	(void)free_fn;
	(void)malloc_fn;
	(void)realloc_fn;
	(void)strdup_fn;
	return 0;
}

__attribute__((constructor)) static void
start(void)
{
	const char *s = getenv("FAIL_AT");

	if (s != NULL)
		fail_at = strtol(s, NULL, 10);
}

__attribute__((destructor)) static void
finish(void)
{
	const char *path = getenv("FAIL_COUNT");
	FILE *f;

	if (path != NULL && (f = fopen(path, "w")) != NULL) {
		fprintf(f, "%ld\n", (long)calls);
		fclose(f);
	}
}

static int
failing(void)
{
	if (++calls != fail_at)
		return 0;
	errno = ENOMEM;
	return 1;
}

void *__wrap_malloc(size_t n) { return failing() ? NULL : __real_malloc(n); }
void *__wrap_calloc(size_t n, size_t size) { return failing() ? NULL : __real_calloc(n, size); }
void *__wrap_realloc(void *p, size_t n) { return failing() ? NULL : __real_realloc(p, n); }
char *__wrap_strdup(const char *s) { return failing() ? NULL : __real_strdup(s); }
char *__wrap_strndup(const char *s, size_t n) { return failing() ? NULL : __real_strndup(s, n); }
