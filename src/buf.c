/* buf.c - growable byte buffer (see buf.h). */
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

int
buf_reserve(struct buf *b, size_t extra)
{
	size_t need, cap;
	char *p;
	int rc = -1;

	if (extra > SIZE_MAX - b->len - 1)
		goto done;
	need = b->len + extra + 1;
	if (need <= b->cap) {
		rc = 0;
		goto done;
	}
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	p = realloc(b->data, cap);
	if (p == NULL)
		goto done;
	b->data = p;
	b->data[b->len] = '\0';   /* a reserved, empty buffer is "" too */
	b->cap = cap;
	rc = 0;
done:
	return rc;
}

int
buf_add(struct buf *b, const void *p, size_t n)
{
	int rc = -1;

	if (buf_reserve(b, n) == 0) {
		if (n > 0)
			memcpy(b->data + b->len, p, n);
		b->len += n;
		b->data[b->len] = '\0';
		rc = 0;
	}
	return rc;
}

int
buf_adds(struct buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

int
buf_addc(struct buf *b, char c)
{
	return buf_add(b, &c, 1);
}

char *
buf_take(struct buf *b)
{
	char *s = NULL;

	if (b->data != NULL || buf_reserve(b, 0) == 0) {
		b->data[b->len] = '\0';
		s = b->data;
		b->data = NULL;
		b->len = b->cap = 0;
	}
	return s;
}

void
buf_free(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

char *
buf_concat(const char *first, ...)
{
	struct buf b = { 0 };
	const char *s;
	char *joined = NULL;
	va_list ap;
	int failed = buf_reserve(&b, 0) != 0;

	va_start(ap, first);
	for (s = first; s != NULL && !failed; s = va_arg(ap, const char *))
		failed = buf_adds(&b, s) != 0;
	va_end(ap);
	if (failed)
		buf_free(&b);
	else
		joined = buf_take(&b);
	return joined;
}
