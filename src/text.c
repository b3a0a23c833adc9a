/* text.c - UTF-8 cleaning, white space, references, slugs (see text.h). */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <errno.h>
#include <iconv.h>
#include <locale.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <pcre2.h>
#include <unicase.h>
#include <unictype.h>
#include <uninorm.h>

#include "text.h"

static int nonchar(unsigned cp);

/* Nonzero when XML 1.0 allows code point cp in a document and it is no
 * noncharacter. */
static int
xml_char(unsigned cp)
{
	int ok;

	if (cp < 0x20)
		ok = cp == 0x9 || cp == 0xA || cp == 0xD;
	else if (cp >= 0xD800 && cp <= 0xDFFF)
		ok = 0;
	else if (nonchar(cp))
		ok = 0;
	else
		ok = cp <= 0x10FFFF;
	return ok;
}

/* Nonzero for Unicode's noncharacters, U+FDD0..U+FDEF and the last two
 * code points of every plane: XML 1.0 lets them through, but HTML calls
 * them parse errors and a validator refuses index.html for them. */
static int
nonchar(unsigned cp)
{
	return (cp >= 0xFDD0 && cp <= 0xFDEF) || ((cp & 0xFFFE) == 0xFFFE && cp <= 0x10FFFF);
}

int
text_put_utf8(struct buf *out, unsigned cp)
{
	char u[4];
	size_t n;

	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xC0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xE0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[2] = (char)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		u[0] = (char)(0xF0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[3] = (char)(0x80 | (cp & 0x3F));
		n = 4;
	}
	return buf_add(out, u, n);
}

/* Decodes one UTF-8 sequence at s[0..n). Returns its length and sets *cp,
 * or returns 0 for an invalid sequence (overlong, surrogate, too large,
 * truncated). */
static size_t
utf8_decode(const unsigned char *s, size_t n, unsigned *cp)
{
	unsigned c = s[0], v;
	size_t len, i, used = 0;

	if (c < 0x80) {
		*cp = c;
		used = 1;
		goto done;
	}
	if (c >= 0xC2 && c <= 0xDF) {
		len = 2;
		v = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		len = 3;
		v = c & 0x0F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4;
		v = c & 0x07;
	} else {
		goto done;
	}
	if (n < len)
		goto done;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			goto done;
		v = (v << 6) | (s[i] & 0x3F);
	}
	if ((len == 3 && v < 0x800) || (len == 4 && (v < 0x10000 || v > 0x10FFFF)) ||
	    (v >= 0xD800 && v <= 0xDFFF))
		goto done;
	*cp = v;
	used = len;
done:
	return used;
}

/* How many bytes at s[0..n), which do not start a valid sequence, a
 * browser replaces with one U+FFFD: the lead byte and the continuation
 * bytes that could still have made a valid sequence with it (the "maximal
 * subpart" of the Encoding Standard's UTF-8 decoder). */
static size_t
utf8_bad_len(const unsigned char *s, size_t n)
{
	unsigned c = s[0], lo = 0x80, hi = 0xBF;
	size_t need, i;

	if (c >= 0xC2 && c <= 0xDF)
		need = 2;
	else if (c >= 0xE0 && c <= 0xEF)
		need = 3;
	else if (c >= 0xF0 && c <= 0xF4)
		need = 4;
	else
		need = 1;   /* no lead byte: it is replaced alone */
	if (c == 0xE0)
		lo = 0xA0;
	else if (c == 0xED)
		hi = 0x9F;
	else if (c == 0xF0)
		lo = 0x90;
	else if (c == 0xF4)
		hi = 0x8F;
	for (i = 1; i < need && i < n && s[i] >= lo && s[i] <= hi; i++)
		lo = 0x80, hi = 0xBF;
	return i;
}

int
text_is_clean(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, len, k;
	unsigned cp;
	int clean = 1;

	if (n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF)
		clean = 0;
	while (clean && i < n) {
		/* Eight bytes at a time while all are ASCII (most of any page):
		 * a byte b < 0x20 is one where b - 0x20 borrows and sets the top
		 * bit that b itself does not have; such a word (a line break,
		 * or a borrow carried on) is looked at byte by byte. */
		while (n - i >= 8) {
			uint64_t v;

			memcpy(&v, p + i, 8);
			if ((v & 0x8080808080808080ULL) != 0)
				break;
			if (((v - 0x2020202020202020ULL) & ~v & 0x8080808080808080ULL) != 0) {
				for (k = 0; k < 8; k++)
					if (p[i + k] < 0x20 && p[i + k] != '\t' && p[i + k] != '\n' && p[i + k] != '\r')
						break;
				if (k < 8)
					break;
			}
			i += 8;
		}
		if (i >= n)
			break;
		if (p[i] >= 0x20 && p[i] < 0x80) {
			i++;
			continue;
		}
		/* Two bytes (U+0080..U+07FF) are all characters XML allows, and
		 * so are three led by E1..EC or EE (U+1000..U+CFFF,
		 * U+E000..U+EFFF: no surrogate or noncharacter): most of a
		 * page's others, at once. */
		if (p[i] >= 0xC2 && p[i] <= 0xDF && n - i >= 2 && (p[i + 1] & 0xC0) == 0x80) {
			i += 2;
			continue;
		}
		if (p[i] >= 0xE1 && p[i] <= 0xEE && p[i] != 0xED && n - i >= 3 && (p[i + 1] & 0xC0) == 0x80 &&
		    (p[i + 2] & 0xC0) == 0x80) {
			i += 3;
			continue;
		}
		len = utf8_decode(p + i, n - i, &cp);
		if (len == 0 || !xml_char(cp))
			clean = 0;
		else
			i += len;
	}
	return clean;
}

int
text_is_name(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), i = 0, len = 1;
	unsigned cp = 0;

	while (len != 0 && i < n) {
		len = utf8_decode(p + i, n - i, &cp);
		if (len != 0 && ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || cp == 0xFEFF))
			len = 0;
		i += len;
	}
	return i == n;
}

int
text_clean(const char *s, size_t n, struct buf *out)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, run, len;
	unsigned cp;
	int rc = -1;

	if (buf_reserve(out, n) != 0)
		goto done;
	if (n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF)
		i = 3;
	while (i < n) {
		/* Copy runs of plain ASCII at once: most pages are mostly that. */
		for (run = i; run < n && p[run] >= 0x20 && p[run] < 0x80; run++)
			;
		if (run > i && buf_add(out, p + i, run - i) != 0)
			goto done;
		i = run;
		if (i >= n)
			break;
		len = utf8_decode(p + i, n - i, &cp);
		if (len == 0) {
			cp = 0xFFFD;
			len = utf8_bad_len(p + i, n - i);
		} else if (cp == 0xC) {
			cp = ' ';
		} else if (nonchar(cp)) {
			cp = 0xFFFD;
		} else if (!xml_char(cp)) {
			i += len;
			continue;
		}
		if (cp < 0x80 ? buf_addc(out, (char)cp) != 0 : text_put_utf8(out, cp) != 0)
			goto done;
		i += len;
	}
	rc = 0;
done:
	return rc;
}

/* Writes out what the decoder holds back: Windows-1258 and -1255 keep a
 * letter until they see whether a combining mark follows. Returns 0 or -1
 * when memory runs out. */
static int
flush_decoder(iconv_t cd, struct buf *out)
{
	char *o;
	size_t oleft;
	int rc = -1;

	if (buf_reserve(out, 64) == 0) {
		o = out->data + out->len;
		oleft = out->cap - out->len - 1;
		if (iconv(cd, NULL, NULL, &o, &oleft) != (size_t)-1) {
			out->len = (size_t)(o - out->data);
			rc = 0;
		}
	}
	return rc;
}

/* How a charset's bytes stand: in code units of two (UTF-16); in
 * characters of one or two bytes (the East Asian ones browsers know);
 * in bytes of one character each (Windows-1252 and its kin); or
 * otherwise (UTF-8, ISO-2022-JP, one unknown). */
enum charset_shape { SHAPE_UTF16, SHAPE_SJIS, SHAPE_EUC_JP, SHAPE_DOUBLE, SHAPE_SINGLE, SHAPE_OTHER };

static enum charset_shape
charset_shape(const char *charset)
{
	static const struct {
		const char *prefix;
		enum charset_shape shape;
	} shapes[] = {
		{ "UTF-16", SHAPE_UTF16 }, { "WINDOWS-31J", SHAPE_SJIS }, { "SHIFT", SHAPE_SJIS },
		{ "SJIS", SHAPE_SJIS }, { "EUC-JP", SHAPE_EUC_JP }, { "EUC-", SHAPE_DOUBLE },
		{ "BIG5", SHAPE_DOUBLE }, { "CP949", SHAPE_DOUBLE }, { "CP950", SHAPE_DOUBLE },
		{ "GB18030", SHAPE_DOUBLE }, { "GBK", SHAPE_DOUBLE }, { "WINDOWS-", SHAPE_SINGLE },
		{ "ISO-8859-", SHAPE_SINGLE }, { "KOI8", SHAPE_SINGLE }, { "MAC", SHAPE_SINGLE },
		{ "IBM866", SHAPE_SINGLE },
	};
	size_t i;

	for (i = 0; i < sizeof shapes / sizeof *shapes; i++)
		if (strncasecmp(charset, shapes[i].prefix, strlen(shapes[i].prefix)) == 0)
			return shapes[i].shape;
	return SHAPE_OTHER;
}

/* Whether byte b may start a two-byte character in a charset of that
 * shape (by the Encoding Standard's decoders). */
static int
starts_pair(enum charset_shape shape, unsigned char b)
{
	switch (shape) {
	case SHAPE_SJIS:
		return (b >= 0x81 && b <= 0x9F) || (b >= 0xE0 && b <= 0xFC);
	case SHAPE_EUC_JP:
		return b == 0x8E || b == 0x8F || (b >= 0xA1 && b <= 0xFE);
	case SHAPE_DOUBLE:
		return b >= 0x81 && b <= 0xFE;
	default:
		return 0;
	}
}

int
text_to_utf8(const char *s, size_t n, const char *charset, struct buf *out)
{
	iconv_t cd;
	char *in = (char *)s;
	enum charset_shape shape = charset_shape(charset);
	size_t inleft = n, skip;
	unsigned replacement;
	int rc = 0;

	cd = iconv_open("UTF-8", charset);
	if (cd == (iconv_t)-1) {
		rc = -2;
		goto done;
	}
	while (inleft > 0) {
		char *o;
		size_t oleft;

		if (buf_reserve(out, inleft * 2 + 16) != 0) {
			rc = -1;
			break;
		}
		o = out->data + out->len;
		oleft = out->cap - out->len - 1;
		if (iconv(cd, &in, &inleft, &o, &oleft) == (size_t)-1) {
			out->len = (size_t)(o - out->data);
			if (errno == E2BIG)
				continue;
			/* EILSEQ or a sequence cut short at the end: one U+FFFD, as
			 * the Encoding Standard's decoders give, for a UTF-16 code
			 * unit (so the rest stays aligned), for a byte that starts a
			 * pair and the byte after it unless that is ASCII (so the
			 * rest is not read out of step), else for a byte; a single-byte
			 * charset's byte from 0x80 to 0x9F it has no character for
			 * (Windows-1252's 0x81, Windows-1253's 0x8A) is nothing: a
			 * browser decodes the C1 control of that number, which shows
			 * nothing (left in, text_clean would take it for a stray
			 * Windows-1252 byte). After the letter the decoder held
			 * back, if any. */
			replacement = 0xFFFD;
			skip = 1;
			if (shape == SHAPE_UTF16)
				skip = 2;
			else if (starts_pair(shape, (unsigned char)in[0]) && inleft >= 2 && (unsigned char)in[1] >= 0x80)
				skip = shape == SHAPE_EUC_JP && (unsigned char)in[0] == 0x8F && inleft >= 3 &&
				    (unsigned char)in[2] >= 0x80 ? 3 : 2;   /* JIS X 0212's three */
			else if (shape == SHAPE_SINGLE && (unsigned char)in[0] >= 0x80 && (unsigned char)in[0] <= 0x9F)
				replacement = 0;
			if (skip > inleft)
				skip = inleft;
			in += skip;
			inleft -= skip;
			if (flush_decoder(cd, out) != 0 || (replacement != 0 && text_put_utf8(out, replacement) != 0)) {
				rc = -1;
				break;
			}
			continue;
		}
		out->len = (size_t)(o - out->data);
	}
	if (rc == 0 && flush_decoder(cd, out) != 0)
		rc = -1;
	if (out->data != NULL)
		out->data[out->len] = '\0';
done:
	if (cd != (iconv_t)-1)
		iconv_close(cd);
	return rc;
}

int
text_is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

const char *
text_prolog_end(const char *p, const char *end, int *doctype)
{
	const char *close, *past;

	*doctype = 0;
	while (p != NULL && p < end) {
		if (end - p >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0) {
			past = p + 3;
		} else if (text_is_space(*p)) {
			past = p + 1;
		} else if (end - p >= 4 && memcmp(p, "<!--", 4) == 0) {
			close = memmem(p + 4, (size_t)(end - p - 4), "-->", 3);
			past = close != NULL ? close + 3 : NULL;
		} else if (end - p >= 2 && memcmp(p, "<?", 2) == 0) {
			close = memmem(p + 2, (size_t)(end - p - 2), "?>", 2);
			past = close != NULL ? close + 2 : NULL;
		} else if (end - p >= 2 && memcmp(p, "<!", 2) == 0) {
			*doctype = 1;
			/* Its internal subset holds '>'s. */
			for (close = p + 2; close < end && *close != '[' && *close != '>'; close++)
				;
			if (close < end && *close == '[')
				close = memchr(close, ']', (size_t)(end - close));
			if (close != NULL && close < end)
				close = memchr(close, '>', (size_t)(end - close));
			else
				close = NULL;
			past = close != NULL ? close + 1 : NULL;
		} else {
			break;   /* the first element, or text */
		}
		p = past;
	}
	return p;
}

/* Unicode 15's White_Space and Default_Ignorable_Code_Point, merged; the
 * unit test checks the table against PCRE2's tables of both. */
static const struct {
	unsigned lo, hi;
} blank_ranges[] = {
	{ 0x9, 0xD }, { 0x20, 0x20 }, { 0x85, 0x85 }, { 0xA0, 0xA0 }, { 0xAD, 0xAD },
	{ 0x34F, 0x34F }, { 0x61C, 0x61C }, { 0x115F, 0x1160 }, { 0x1680, 0x1680 },
	{ 0x17B4, 0x17B5 }, { 0x180B, 0x180F }, { 0x2000, 0x200F }, { 0x2028, 0x202F },
	{ 0x205F, 0x206F }, { 0x3000, 0x3000 }, { 0x3164, 0x3164 }, { 0xFE00, 0xFE0F },
	{ 0xFEFF, 0xFEFF }, { 0xFFA0, 0xFFA0 }, { 0xFFF0, 0xFFF8 }, { 0x1BCA0, 0x1BCA3 },
	{ 0x1D173, 0x1D17A }, { 0xE0000, 0xE0FFF },
};

int
text_ascii_compatible(const char *charset)
{
	char probe[98], out[sizeof probe * 4], *in = probe, *o = out;
	size_t inleft = sizeof probe, oleft = sizeof out, i;
	iconv_t cd = iconv_open("UTF-8", charset);
	int same = -2;   /* iconv does not know it */

	if (cd != (iconv_t)-1) {
		probe[0] = '\t';
		probe[1] = '\n';
		probe[2] = '\r';
		for (i = 3; i < sizeof probe; i++)
			probe[i] = (char)(' ' + i - 3);   /* " " to "~" */
		same = iconv(cd, &in, &inleft, &o, &oleft) != (size_t)-1 && inleft == 0 &&
		    iconv(cd, NULL, NULL, &o, &oleft) != (size_t)-1 &&
		    (size_t)(o - out) == sizeof probe && memcmp(out, probe, sizeof probe) == 0;
		iconv_close(cd);
	}
	return same;
}

int
text_is_blank(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), i = 0, len, k;
	unsigned cp;
	int blank = 1;

	while (i < n) {
		if ((len = utf8_decode(p + i, n - i, &cp)) == 0) {
			blank = 0;
			break;
		}
		for (k = 0; k < sizeof blank_ranges / sizeof blank_ranges[0] &&
		    !(cp >= blank_ranges[k].lo && cp <= blank_ranges[k].hi); k++)
			;
		if (k == sizeof blank_ranges / sizeof blank_ranges[0]) {
			blank = 0;
			break;
		}
		i += len;
	}
	return blank;
}

char *
text_name_key(const char *name)
{
	const unsigned char *p;
	uint8_t *folded = NULL;
	struct buf key = { 0 };
	size_t n = 0, i, len;
	unsigned cp;
	char *out = NULL;

	/* (u8_casefold allocates what it returns, unterminated; NULL only when
	 * memory runs out, but for "" perhaps.) */
	if (name[0] != '\0' &&
	    (folded = u8_casefold((const uint8_t *)name, strlen(name), NULL, UNINORM_NFKC, NULL, &n)) == NULL)
		goto done;
	p = folded;
	for (i = 0; i < n; i += len) {
		if ((len = utf8_decode(p + i, n - i, &cp)) == 0) {
			len = 1;   /* not from the reader, which makes text valid */
			continue;
		}
		if (uc_is_general_category(cp, UC_CATEGORY_L) || uc_is_general_category(cp, UC_CATEGORY_M) ||
		    uc_is_general_category(cp, UC_CATEGORY_N)) {
			if (buf_add(&key, (const char *)p + i, len) != 0)
				goto done;
		}
	}
	if (buf_addc(&key, '\0') == 0)
		out = buf_take(&key);
done:
	free(folded);
	buf_free(&key);
	return out;
}

int
text_match_form(const char *s, int text, char **out)
{
	const unsigned char *p = (const unsigned char *)s;
	uint8_t *composed = NULL;
	size_t written = strlen(s), n = written, i, len;
	struct buf form = { 0 };
	unsigned cp;
	int rc = -1;

	*out = NULL;
	for (i = 0; i < n && p[i] < 0x80; i++)
		;
	if (i == n) {
		rc = 0;   /* ASCII: as it is */
		goto done;
	}
	/* (u8_normalize allocates what it returns, unterminated.) */
	if ((composed = u8_normalize(UNINORM_NFC, p, n, NULL, &len)) == NULL)
		goto done;
	p = composed;
	n = len;
	if (!text) {
		if (len == written && memcmp(composed, s, len) == 0)
			rc = 0;   /* as it is */
		else if (buf_add(&form, composed, len) == 0 && buf_addc(&form, '\0') == 0) {
			*out = buf_take(&form);
			rc = 0;
		}
		goto done;
	}
	if (buf_reserve(&form, n + 1) != 0)
		goto done;
	for (i = 0; i < n; i += len) {
		/* ASCII as it is, at once (the mark of most text). */
		for (len = 0; i + len < n && p[i + len] < 0x80; len++)
			;
		if (len > 0) {
			if (buf_add(&form, (const char *)p + i, len) != 0)
				goto done;
			continue;
		}
		if ((len = utf8_decode(p + i, n - i, &cp)) == 0) {
			cp = 0xFFFD;   /* not from the reader, which makes text valid */
			len = 1;
		}
		if (uc_is_property_white_space(cp)) {
			if (buf_addc(&form, ' ') != 0)
				goto done;
		} else if (!uc_is_property_default_ignorable_code_point(cp)) {
			if (buf_add(&form, (const char *)p + i, len) != 0)
				goto done;
		}
	}
	if (buf_addc(&form, '\0') != 0)
		goto done;
	text_collapse_space(form.data);
	if (strcmp(form.data, s) != 0)
		*out = buf_take(&form);
	rc = 0;
done:
	free(composed);
	buf_free(&form);
	return rc;
}

size_t
text_newlines(char *s, size_t n)
{
	char *r = memchr(s, '\r', n), *w = r, *end = s + n;

	if (r == NULL)
		w = end;
	while (r != NULL && r < end) {
		if (*r != '\r') {
			*w++ = *r++;
			continue;
		}
		*w++ = '\n';
		if (++r < end && *r == '\n')
			r++;
	}
	return (size_t)(w - s);
}

void
text_collapse_space(char *s)
{
	const char *r = s;
	char *w = s;

	while (*r != '\0') {
		const char *run = r;
		size_t n;

		/* What stays as it is, moved at once: bytes above the space,
		 * and single spaces between two of them. */
		while ((unsigned char)*r > ' ' || (*r == ' ' && r > run && (unsigned char)r[1] > ' '))
			r++;
		n = (size_t)(r - run);
		if (w != run)
			memmove(w, run, n);
		w += n;
		if (*r != '\0' && !text_is_space(*r)) {
			*w++ = *r++;   /* a control character, no space */
			continue;
		}
		while (text_is_space(*r))
			r++;
		if (*r != '\0' && w > s)
			*w++ = ' ';
	}
	*w = '\0';
}

/* HTML maps the references &#128;..&#159; to Windows-1252 characters
 * (&#150; is an en dash); returns the code point a browser shows. */
static unsigned
cp1252(unsigned cp)
{
	static const unsigned short map[32] = {
		0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
		0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D, 0x017D, 0x8F,
		0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
		0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D, 0x017E, 0x0178
	};

	return cp >= 0x80 && cp <= 0x9F ? map[cp - 0x80] : cp;
}

/* The length of the UTF-8 noncharacter p (valid UTF-8) starts with, or 0:
 * U+FDD0..U+FDEF are EF B7 90..AF; U+nFFFE and U+nFFFF end in BF BE/BF
 * after EF BF, or after a four-byte lead whose plane's low bits are all
 * set. */
static size_t
nonchar_len(const unsigned char *p)
{
	size_t len = 0;

	if (p[0] == 0xEF && p[1] == 0xB7 && p[2] >= 0x90 && p[2] <= 0xAF)
		len = 3;
	else if (p[0] == 0xEF && p[1] == 0xBF && (p[2] == 0xBE || p[2] == 0xBF))
		len = 3;
	else if (p[0] >= 0xF0 && p[0] <= 0xF4 && (p[1] & 0x0F) == 0x0F && p[2] == 0xBF &&
	    (p[3] == 0xBE || p[3] == 0xBF))
		len = 4;
	return len;
}

int
text_has_stray(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	/* Plain ASCII short of DEL, most of any text, at a glance. */
	for (; *p != '\0'; p++) {
		if (*p < 0x7F)
			continue;
		if (*p == 0x7F || (p[0] == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F) || nonchar_len(p) != 0)
			break;
	}
	return *p != '\0';
}

char *
text_fix_stray(char *s)
{
	struct buf out = { 0 };
	const unsigned char *p = (const unsigned char *)s;
	char *fixed = s;
	int rc = 0;

	if (s == NULL || !text_has_stray(s))
		goto done;
	for (; rc == 0 && *p != '\0'; p++) {
		unsigned cp;
		size_t len;

		if (p[0] == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F) {
			/* The five bytes Windows-1252 leaves unassigned stay
			 * controls: gone, as DEL. */
			if ((cp = cp1252(*++p)) >= 0xA0)
				rc = text_put_utf8(&out, cp);
		} else if ((len = nonchar_len(p)) != 0) {
			rc = text_put_utf8(&out, 0xFFFD);
			p += len - 1;
		} else if (*p != 0x7F) {
			rc = buf_addc(&out, (char)*p);
		}
	}
	fixed = rc == 0 ? buf_take(&out) : NULL;
	free(s);
done:
	buf_free(&out);
	return fixed;
}

char *
text_close_bidi(char *s)
{
	struct buf open = { 0 }, out = { 0 };   /* open: 'e' an embedding or override, 'i' an isolate */
	const unsigned char *p = (const unsigned char *)s;
	size_t isolates = 0;
	char *closed = NULL;
	int rc = 0;

	for (; s != NULL && rc == 0 && *p != '\0'; p++) {
		unsigned c = p[0] == 0xE2 && (p[1] == 0x80 || p[1] == 0x81) ? (unsigned)p[1] << 8 | p[2] : 0;

		if (c >= 0x80AA && c <= 0x80AE && c != 0x80AC) {   /* LRE, RLE, LRO, RLO */
			rc = buf_addc(&open, 'e');
		} else if (c == 0x80AC) {   /* PDF: the innermost, unless that is an isolate */
			if (open.len > 0 && open.data[open.len - 1] == 'e')
				open.len--;
		} else if (c >= 0x81A6 && c <= 0x81A8) {   /* LRI, RLI, FSI */
			rc = buf_addc(&open, 'i');
			isolates++;
		} else if (c == 0x81A9 && isolates > 0) {   /* PDI: the innermost isolate and what it holds */
			while (open.data[--open.len] != 'i')
				;
			isolates--;
		}
	}
	if (s != NULL && rc == 0 && open.len == 0) {
		closed = s;   /* nothing left open: most text */
		s = NULL;
	} else if (s != NULL && rc == 0) {
		for (rc = buf_adds(&out, s); rc == 0 && open.len > 0; open.len--)
			rc = buf_adds(&out, open.data[open.len - 1] == 'e' ? "\xe2\x80\xac" : "\xe2\x81\xa9");
		if (rc == 0)
			closed = buf_take(&out);
	}
	free(s);
	buf_free(&open);
	buf_free(&out);
	return closed;
}

size_t
text_numeric_ref(const char *s, size_t n, unsigned *cp, int *complete)
{
	size_t i = 0, used = 0;
	unsigned long v = 0;
	int hex = 0;

	if (n > 0 && (s[0] == 'x' || s[0] == 'X')) {
		hex = 1;
		i++;
	}
	for (; i < n; i++) {
		int d;

		if (s[i] >= '0' && s[i] <= '9')
			d = s[i] - '0';
		else if (hex && s[i] >= 'a' && s[i] <= 'f')
			d = s[i] - 'a' + 10;
		else if (hex && s[i] >= 'A' && s[i] <= 'F')
			d = s[i] - 'A' + 10;
		else
			break;
		if (v <= 0x10FFFF)
			v = v * (hex ? 16 : 10) + (unsigned long)d;
	}
	if (i != (size_t)hex) {
		*complete = i < n && s[i] == ';';
		if (v == 0 || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
			*cp = 0xFFFD;
		else if (v == 0xC)
			*cp = ' ';   /* form feed, white space to HTML, which XML forbids */
		else if (nonchar((unsigned)v))
			*cp = 0xFFFD;   /* as text_clean makes them */
		else
			*cp = cp1252((unsigned)v);
		if (!xml_char(*cp))
			*cp = 0;
		used = i + (size_t)*complete;
	}
	return used;
}

#include "entities.inc"

/* What bsearch looks for among the entities: a name that is no string. */
struct entity_key {
	const char *s;
	size_t n;
};

static int
compare_entity(const void *key, const void *member)
{
	const struct entity_key *k = key;
	const char *name = ((const struct entity *)member)->name;
	size_t len = strlen(name);
	int c = memcmp(k->s, name, k->n < len ? k->n : len);

	return c != 0 ? c : (k->n > len) - (k->n < len);
}

int
text_entity(const char *s, size_t n, unsigned cp[2], int *legacy)
{
	struct entity_key key = { s, n };
	const struct entity *e = bsearch(&key, entities, sizeof entities / sizeof entities[0],
	    sizeof entities[0], compare_entity);
	int found = 0;

	if (e != NULL) {
		cp[0] = e->cp[0];
		cp[1] = e->cp[1];
		*legacy = e->legacy;
		found = 1;
	}
	return found;
}

size_t
text_named_ref(const char *s, size_t n, unsigned cp[2])
{
	size_t run, len = 0;
	int legacy;

	for (run = 0; run < n && run <= 32 && ((s[run] >= 'a' && s[run] <= 'z') || (s[run] >= 'A' && s[run] <= 'Z') ||
	    (s[run] >= '0' && s[run] <= '9')); run++)
		;
	if (run > 0 && run < n && s[run] == ';' && text_entity(s, run, cp, &legacy))
		len = run + 1;
	return len;
}

char *
text_decode_refs(const char *s)
{
	/* Only XML's own: what escaping for XML makes of a text, which is
	 * what a title escaped twice went through (from a feed to the page).
	 * "&amp;nbsp;" on the page is as likely "&nbsp;" written in a post
	 * about HTML: HTML's other names stay as they are. */
	static const struct { const char *name; char c; } xml_names[] = {
		{ "amp;", '&' }, { "lt;", '<' }, { "gt;", '>' }, { "quot;", '"' }, { "apos;", '\'' },
	};
	struct buf out = { 0 };
	const char *end = s + strlen(s);
	char *decoded = NULL;
	size_t n, i;
	unsigned cp;
	int complete;

	if (buf_reserve(&out, (size_t)(end - s)) != 0)
		goto done;
	while (*s != '\0') {
		const char *amp = strchr(s, '&');

		if (amp == NULL) {
			if (buf_adds(&out, s) != 0)
				goto done;
			break;
		}
		if (buf_add(&out, s, (size_t)(amp - s)) != 0)
			goto done;
		s = amp + 1;
		if (*s == '#' && (n = text_numeric_ref(s + 1, (size_t)(end - s - 1), &cp, &complete)) > 0 && complete) {
			if (cp != 0 && text_put_utf8(&out, cp) != 0)
				goto done;
			s += 1 + n;
			continue;
		}
		for (i = 0; i < sizeof xml_names / sizeof xml_names[0]; i++)
			if (strncmp(s, xml_names[i].name, strlen(xml_names[i].name)) == 0)
				break;
		if (i < sizeof xml_names / sizeof xml_names[0]) {
			if (buf_addc(&out, xml_names[i].c) != 0)
				goto done;
			s += strlen(xml_names[i].name);
		} else if (buf_addc(&out, '&') != 0) {
			goto done;
		}
	}
	decoded = buf_take(&out);
done:
	buf_free(&out);
	return decoded;
}

/* Transliterates UTF-8 to ASCII with glibc's tables ("ã" -> "a", "ß" ->
 * "ss"); characters it cannot map come out as '?'. Uses a C.UTF-8 locale for
 * this thread only, so the program's own locale does not matter. Debian's
 * libc-bin always ships C.UTF-8; a system without it transliterates every
 * non-ASCII letter to '?', so its new slugs differ (archived ones stay). */
static char *
transliterate(const char *name)
{
	struct buf out = { 0 };
	locale_t loc = (locale_t)0, old = (locale_t)0;
	iconv_t cd = (iconv_t)-1;
	char *in = (char *)name, *result = NULL, *shown = NULL;
	size_t inleft = strlen(name), i;

	/* Most names are ASCII already, and a locale and a converter cost
	 * far more than the copy (a twentieth of a whole run once). */
	for (i = 0; i < inleft && (unsigned char)name[i] < 0x80; i++)
		;
	if (i == inleft) {
		result = strdup(name);
		goto done;
	}
	/* As patterns see it (text_match_form): characters drawn as nothing
	 * give nothing, where iconv writes a soft hyphen ("Ma&shy;ria") as
	 * "-", which would split a word. */
	if (text_match_form(name, 1, &shown) != 0)
		goto done;
	if (shown != NULL) {
		in = shown;
		inleft = strlen(shown);
	}
	loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
	if (loc != (locale_t)0)
		old = uselocale(loc);
	cd = iconv_open("ASCII//TRANSLIT", "UTF-8");
	if (cd == (iconv_t)-1) {
		/* No converter (glibc's gconv modules missing): every non-ASCII
		 * character is one it cannot map. */
		for (i = 0; i < inleft; i++) {
			unsigned char c = (unsigned char)in[i];

			if ((c < 0x80 || c >= 0xc0) && buf_addc(&out, c < 0x80 ? (char)c : '?') != 0)
				goto done;
		}
		inleft = 0;
	}
	while (inleft > 0) {
		char *o;
		size_t oleft;

		if (buf_reserve(&out, inleft * 4 + 8) != 0)
			goto done;
		o = out.data + out.len;
		oleft = out.cap - out.len - 1;
		if (iconv(cd, &in, &inleft, &o, &oleft) == (size_t)-1) {
			out.len = (size_t)(o - out.data);
			if (errno == E2BIG)
				continue;
			/* An invalid or unmappable sequence: mark it and move on. */
			in++;
			inleft--;
			if (buf_addc(&out, '?') != 0)
				goto done;
			continue;
		}
		out.len = (size_t)(o - out.data);
	}
	result = buf_take(&out);
done:
	buf_free(&out);
	free(shown);
	if (cd != (iconv_t)-1)
		iconv_close(cd);
	if (loc != (locale_t)0) {
		uselocale(old);
		freelocale(loc);
	}
	return result;
}

static int
is_ascii_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

char *
text_slug(const char *name, size_t max_len)
{
	char *ascii, *r, *w, *cut;
	size_t kept = 0, lost = 0, own = 0;   /* own: the name's own '?' */

	ascii = transliterate(name);
	if (ascii == NULL)
		goto done;
	for (r = strchr(name, '?'); r != NULL; r = strchr(r + 1, '?'))
		own++;
	/* A word most of whose characters have no ASCII form gives none (as
	 * a name, below), when the name has no '?' of its own to tell apart
	 * from those iconv wrote: "Ωμέγα Python Weekly" is "python-weekly",
	 * not "u-python-weekly". Its letters count as lost, its punctuation
	 * as before ("Blog Иван!" is "blog"). */
	for (r = ascii; own == 0 && *r != '\0'; r = w) {
		size_t word_kept = 0, word_lost = 0;

		for (w = r; *w != '\0' && *w != ' '; w++) {
			word_kept += is_ascii_alnum(*w);
			word_lost += *w == '?';
		}
		for (cut = r; word_lost > word_kept && cut < w; cut++)
			if (is_ascii_alnum(*cut))
				*cut = '?';
		if (*w == ' ')
			w++;
	}
	w = ascii;
	for (r = ascii; *r != '\0'; r++) {
		char c = *r;

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
			*w++ = c;
			kept++;
		} else if (c == '\'' || c == '`') {
			continue;
		} else if (w > ascii && w[-1] != '-') {
			*w++ = '-';
		}
		lost += c == '?';   /* what iconv could not write, or the name's own */
	}
	/* A name most of whose characters have no ASCII form gives none
	 * either: iconv writes Greek's "μ" as "u" (as the micro sign),
	 * and "Ωμέγα" would be "u". */
	if (lost > kept + own)
		w = ascii;
	while (w > ascii && w[-1] == '-')
		w--;
	*w = '\0';
	if ((size_t)(w - ascii) > max_len) {
		ascii[max_len] = '\0';
		cut = strrchr(ascii, '-');
		if (cut != NULL && cut > ascii + max_len / 2)
			*cut = '\0';
		for (w = ascii + strlen(ascii); w > ascii && w[-1] == '-'; w--)
			w[-1] = '\0';
	}
done:
	return ascii;
}

unsigned long long
text_hash(unsigned long long h, const void *p, size_t n)
{
	const unsigned char *b = p;

	while (n-- > 0) {
		h ^= *b++;
		h *= 0x100000001b3ULL;
	}
	return h;
}

unsigned long long
text_hash_wide(unsigned long long h, const void *p, size_t n)
{
	const unsigned char *b = p;
	uint64_t word;

	/* Each step a bijection of h (xor, odd multiplier, xorshift): one
	 * word that differs changes the result. */
	for (; n >= 8; b += 8, n -= 8) {
		memcpy(&word, b, 8);
		h = (h ^ word) * 0x100000001b3ULL;
		h ^= h >> 32;
	}
	return text_hash(h, b, n);
}

int
text_valid_slug(const char *s)
{
	size_t n = strlen(s), i;
	int valid = 1;

	if (n == 0 || n > 64 || s[0] == '-' || s[n - 1] == '-')
		valid = 0;
	for (i = 0; valid && i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			valid = 0;
	return valid;
}

size_t
text_char_start(const char *s, size_t at)
{
	while (at > 0 && ((unsigned char)s[at] & 0xC0) == 0x80)
		at--;
	return at;
}

/* The code point at s[at], decoded (s is valid UTF-8), and its length in
 * *len (unless NULL); 0 at the end. */
static unsigned
cp_at(const char *s, size_t at, size_t *len)
{
	unsigned cp = 0;
	size_t n, got = 0;

	for (n = 0; n < 4 && s[at + n] != '\0'; n++)
		;
	if (n > 0 && (got = utf8_decode((const unsigned char *)s + at, n, &cp)) == 0) {
		cp = 0xFFFD;
		got = 1;
	}
	if (len != NULL)
		*len = got;
	return cp;
}

static int
regional_indicator(unsigned cp)
{
	return cp >= 0x1F1E6 && cp <= 0x1F1FF;
}

size_t
text_cluster_cut(const char *s, size_t cut)
{
	pcre2_code *re;
	pcre2_match_data *md = NULL;
	PCRE2_SIZE erroff;
	size_t at, pairs, len;
	int errcode, moved = 1;
	unsigned cp;

	/* What extends the character before it: marks (accents, variation
	 * selectors), ZWJ, emoji modifiers, tags. PCRE2 knows which code
	 * points are marks; its \X is not used, as 10.42's joins emoji
	 * sequences that follow one another into one. */
	re = pcre2_compile((PCRE2_SPTR)"\\p{M}|\\x{200D}|[\\x{1F3FB}-\\x{1F3FF}]|[\\x{E0020}-\\x{E007F}]",
	    PCRE2_ZERO_TERMINATED, PCRE2_UTF, &errcode, &erroff, NULL);
	if (re != NULL)
		md = pcre2_match_data_create_from_pattern(re, NULL);
	while (md != NULL && moved && cut > 0 && s[cut] != '\0') {
		/* The subject ends past the code point at cut: no strlen of
		 * the whole text each time. */
		cp = cp_at(s, cut, &len);
		if (pcre2_match(re, (PCRE2_SPTR)s, cut + len, cut, PCRE2_ANCHORED | PCRE2_NO_UTF_CHECK, md, NULL) > 0 ||
		    cp_at(s, text_char_start(s, cut - 1), NULL) == 0x200D) {
			cut = text_char_start(s, cut - 1);   /* a mark, or what follows a ZWJ */
		} else if (regional_indicator(cp)) {
			/* Flags are pairs: between the two of one, step back one. */
			for (at = cut, pairs = 0; at > 0 && regional_indicator(cp_at(s, text_char_start(s, at - 1), NULL)); pairs++)
				at = text_char_start(s, at - 1);
			moved = pairs % 2 == 1;
			if (moved)
				cut = text_char_start(s, cut - 1);
		} else {
			moved = 0;
		}
	}
	pcre2_match_data_free(md);
	pcre2_code_free(re);
	return cut;
}
