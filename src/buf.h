/* buf.h - a growable byte buffer for untrusted data of any size.
 *
 * The buffer owns data; buf_free releases it. data is always NUL-terminated
 * once anything was reserved or appended, so it can be used as a C string
 * when the contents hold no NUL. Functions return 0, or -1 when memory runs out (the
 * buffer is then unchanged).
 */
#ifndef UNPLANET_BUF_H
#define UNPLANET_BUF_H

#include <stddef.h>

struct buf {
	char *data;
	size_t len;
	size_t cap;
};

int buf_reserve(struct buf *b, size_t extra);
int buf_add(struct buf *b, const void *p, size_t n);
int buf_adds(struct buf *b, const char *s);
int buf_addc(struct buf *b, char c);
/* Hands the contents to the caller (NUL-terminated, never NULL on success)
 * and leaves the buffer empty. Returns NULL when memory runs out. */
char *buf_take(struct buf *b);
void buf_free(struct buf *b);

/* The strings given, up to a NULL, joined into one malloc'd string; NULL
 * when memory runs out: buf_concat(dir, "/", name, ".xsl", NULL). */
char *buf_concat(const char *first, ...);

#endif
