/* match.c - PCRE2 patterns for topics and filters (see match.h). */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcre2.h>
#include <unictype.h>
#include <unistr.h>

#include "buf.h"
#include "match.h"
#include "text.h"

/* Enough for any sane pattern on a post; a catastrophic one stops here. */
#define MATCH_LIMIT 10000000
#define DEPTH_LIMIT 100000
/* Backtracking memory, in KiB: a pattern of many groups would otherwise
 * take gigabytes before the depth limit (PCRE2's own is 20 GB). */
#define HEAP_LIMIT 65536

/* The JIT's stack, at most: a match that needs more is done again by the
 * interpreter, under DEPTH_LIMIT and HEAP_LIMIT. */
#define JIT_STACK_MAX ((size_t)1 << 20)

struct pattern {
	char *text;
	pcre2_code *code;
	pcre2_match_context *context;
	pcre2_jit_stack *jit_stack;   /* NULL: matched by the interpreter */
	unsigned gave_up;      /* matches that reached a limit */
	char why[128];         /* why the first did (pattern_failure) */
};

/* Why a pattern that switches PCRE2's optimizations off is refused. */
#define OPTIMIZATIONS_OFF "(*NO_START_OPT), (*NO_DOTSTAR_ANCHOR), (*NO_AUTO_POSSESS) and (*NO_JIT) are refused: " \
	"they switch off what keeps a pattern from taking minutes on a long post"

/* Whether the pattern starts with (*NO_JIT) among its start-of-pattern
 * items ("(*UTF)(*NO_JIT)..."): PCRE2 keeps no option for it, and its JIT
 * compiles nothing then, as where the system refuses it executable
 * memory; refused wherever the pattern is read, so that a file valid on
 * one machine is valid on all. */
static int
says_no_jit(const char *text)
{
	while (strncmp(text, "(*", 2) == 0) {
		const char *end = strchr(text, ')');

		if (end == NULL)
			break;
		if (end - text == 8 && strncmp(text, "(*NO_JIT", 8) == 0)
			return 1;
		text = end + 1;
	}
	return 0;
}

static int
is_ascii(const char *s)
{
	while ((unsigned char)*s < 0x80 && *s != '\0')
		s++;
	return *s == '\0';
}

/* The character at s, a code point that shows nothing (Unicode's default
 * ignorables: a zero-width joiner, an emoji's variation selector, a soft
 * hyphen), which text is matched without (text_match_form): its length, or
 * 0 when it is another. */
static size_t
invisible_at(const char *s)
{
	ucs4_t cp;
	int len;

	if ((unsigned char)*s < 0x80 || (len = u8_mbtouc(&cp, (const uint8_t *)s, strlen(s))) <= 0 ||
	    !uc_is_property_default_ignorable_code_point(cp))
		return 0;
	return (size_t)len;
}

/* The pattern s without the characters that show nothing where they stand
 * for themselves, written or after a '\' ("\u2764\ufe0f" is "\u2764"):
 * the text has none to meet. Where dropping one would change what the
 * rest means (a quantifier after it, or a class it is all of) the pattern
 * is refused. Returns 0 with *out malloc'd (NULL: nothing dropped), 1 with
 * *why malloc'd (or NULL, memory out) when refused, -1 when memory runs
 * out. A '#' comment of (?x) is read as pattern: what it holds may be
 * refused. */
static int
drop_invisible(const char *s, char **out, char **why)
{
	struct buf b = { 0 };
	size_t i = 0, n = strlen(s), len, members = 0;
	int in_class = 0, in_quote = 0, dropped = 0, rc = -1;

	*out = *why = NULL;
	if (buf_reserve(&b, n) != 0)
		goto done;
	while (i < n) {
		const char *at = s + i, *after;
		int escaped = at[0] == '\\' && !in_quote;

		if ((len = invisible_at(at + escaped)) > 0) {
			ucs4_t cp;
			const char *problem = NULL;

			u8_mbtouc(&cp, (const uint8_t *)at + escaped, n - i - (size_t)escaped);
			after = at + escaped + len;
			if (in_quote && strncmp(after, "\\E", 2) == 0)
				after += 2;
			if (!in_class && *after != '\0' && strchr("*+?{", *after) != NULL)
				problem = "a quantifier after it would repeat what comes before it instead";
			else if (in_class && members == 0 && *after == ']')
				problem = "its class would have no other member";
			if (problem != NULL) {
				size_t m = strlen(problem) + 128;

				if ((*why = malloc(m)) != NULL)
					snprintf(*why, m, "U+%04X shows nothing, and text is matched without such characters, "
					    "but %s: remove it", (unsigned)cp, problem);
				rc = 1;
				goto done;
			}
			dropped = 1;
			i += (size_t)escaped + len;
			continue;
		}
		len = 1;
		if (in_quote) {
			if (strncmp(at, "\\E", 2) == 0) {
				in_quote = 0;
				len = 2;
			}
		} else if (escaped) {
			if (!in_class && at[1] == 'Q')
				in_quote = 1;
			len = at[1] != '\0' ? 2 : 1;   /* a byte: the rest of a character is copied as it is */
			members++;
		} else if (in_class) {
			const char *posix = at[0] == '[' && at[1] == ':' ? strstr(at + 2, ":]") : NULL;

			if (posix != NULL)
				len = (size_t)(posix + 2 - at);
			if (at[0] == ']' && posix == NULL)
				in_class = 0;
			else
				members++;
		} else if (at[0] == '[') {
			/* A ']' first in a class, or after its '^', is a member. */
			in_class = 1;
			members = 0;
			if (at[len] == '^')
				len++;
			if (at[len] == ']') {
				len++;
				members++;
			}
		}
		if (buf_add(&b, at, len) != 0)
			goto done;
		i += len;
	}
	if (dropped && (*out = buf_take(&b)) == NULL)
		goto done;
	rc = 0;
done:
	buf_free(&b);
	return rc;
}

/* Matches that may give up before a pattern is retired for the run: one
 * that backtracks catastrophically would otherwise cost its limit on
 * every entry (minutes on a long archive). */
#define PATTERN_GIVE_UPS 3

struct pattern *
pattern_compile(const char *text, char **why)
{
	struct pattern *p, *compiled = NULL;
	char *form = NULL;
	int code, jit, dropped = 0;
	PCRE2_SIZE offset;
	uint32_t options;

	*why = NULL;
	p = calloc(1, sizeof *p);
	if (p == NULL || (p->text = strdup(text)) == NULL)
		goto done;   /* *why stays NULL: memory ran out */
	/* Composed, as the subjects are (group.c): a pattern typed with a
	 * decomposed accent matches the text it shows; and without what
	 * shows nothing, which they are without. */
	if (text_match_form(text, 0, &form) != 0)
		goto done;
	if (form != NULL || !is_ascii(text)) {
		char *visible;

		if ((code = drop_invisible(form != NULL ? form : text, &visible, why)) != 0)
			goto done;   /* refused (*why set), or memory out */
		if (visible != NULL) {
			free(form);
			form = visible;
			dropped = 1;
		}
	}
	/* No \C: it may stop inside a character, and subjects are matched
	 * with PCRE2_NO_UTF_CHECK. */
	p->code = pcre2_compile((PCRE2_SPTR)(form != NULL ? form : text), PCRE2_ZERO_TERMINATED,
	    PCRE2_CASELESS | PCRE2_UTF | PCRE2_UCP | PCRE2_NEVER_BACKSLASH_C, &code, &offset, NULL);
	/* What is wrong is said of the pattern as written, and where. */
	if (p->code == NULL && form != NULL) {
		pcre2_code *written = pcre2_compile((PCRE2_SPTR)text, PCRE2_ZERO_TERMINATED,
		    PCRE2_CASELESS | PCRE2_UTF | PCRE2_UCP | PCRE2_NEVER_BACKSLASH_C, &code, &offset, NULL);

		if (written != NULL) {   /* only its form fails: an accent became syntax, or what an invisible ended */
			pcre2_code_free(written);
			*why = strdup(dropped ? "without the characters that show nothing, as the text is matched, "
			    "the pattern is invalid: remove them" : "an accent written as a letter and a combining mark, "
			    "composed as the text is, makes the pattern invalid: type the accented letter");
			goto done;
		}
	}
	if (p->code == NULL) {
		PCRE2_UCHAR message[256];
		size_t n;

		pcre2_get_error_message(code, message, sizeof message);
		n = strlen((const char *)message) + 48;
		*why = malloc(n);
		if (*why != NULL)
			snprintf(*why, n, "%s at offset %zu", (const char *)message, (size_t)offset);
		goto done;
	}
	/* PCRE2's match limit counts again at each place in the subject a
	 * match is tried: what keeps a pattern from trying a long post's
	 * every place with a deal of work at each ("(?=\w).*.*y\d" takes
	 * seconds on a 4 KB post, minutes with these) is its optimizations,
	 * which these verbs switch off. */
	if (pcre2_pattern_info(p->code, PCRE2_INFO_ALLOPTIONS, &options) != 0 ||
	    (options & (PCRE2_NO_START_OPTIMIZE | PCRE2_NO_DOTSTAR_ANCHOR | PCRE2_NO_AUTO_POSSESS)) != 0) {
		*why = strdup(OPTIMIZATIONS_OFF);
		goto done;
	}
	p->context = pcre2_match_context_create(NULL);
	if (p->context == NULL)
		goto done;   /* *why stays NULL: memory ran out */
	pcre2_set_match_limit(p->context, MATCH_LIMIT);
	pcre2_set_depth_limit(p->context, DEPTH_LIMIT);
	pcre2_set_heap_limit(p->context, HEAP_LIMIT);
	/* Compiled to machine code where PCRE2 can (else, memory short or
	 * executable memory refused, the interpreter matches): besides
	 * being faster, it does not take time that grows with the text's
	 * length squared for patterns such as "python.*release" on a long
	 * post, as the interpreter does (a 64 KB line: 3.3 s, JIT 1 ms). */
	if (says_no_jit(text)) {
		*why = strdup(OPTIMIZATIONS_OFF);
		goto done;
	}
	jit = pcre2_jit_compile(p->code, PCRE2_JIT_COMPLETE);
	if (jit == 0 && (p->jit_stack = pcre2_jit_stack_create(32 * 1024, JIT_STACK_MAX, NULL)) != NULL)
		pcre2_jit_stack_assign(p->context, NULL, p->jit_stack);
	compiled = p;
	p = NULL;
done:
	free(form);
	pattern_free(p);   /* what a failure left half made (NULL members are fine) */
	return compiled;
}

const char *
pattern_text(const struct pattern *p)
{
	return p->text;
}

/* Keeps in p->why what the PCRE2 error rc of a match that gave up means. */
static void
say_failure(struct pattern *p, int rc)
{
	if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT || rc == PCRE2_ERROR_HEAPLIMIT)
		snprintf(p->why, sizeof p->why, "too much backtracking");
	else if (pcre2_get_error_message(rc, (PCRE2_UCHAR *)p->why, sizeof p->why) < 0)
		snprintf(p->why, sizeof p->why, "PCRE2 error %d", rc);
}

int
pattern_match(struct pattern *p, const char *subject, size_t len)
{
	pcre2_match_data *md = NULL;
	int rc, result = -1;

	if (p->gave_up >= PATTERN_GIVE_UPS)
		goto done;
	if ((md = pcre2_match_data_create_from_pattern(p->code, NULL)) == NULL) {
		result = -2;
		goto done;
	}
	/* The subject is valid UTF-8 (the reader made it so): skip the check. */
	rc = pcre2_match(p->code, (PCRE2_SPTR)subject, len, 0, PCRE2_NO_UTF_CHECK | (p->jit_stack != NULL ? 0 : PCRE2_NO_JIT),
	    md, p->context);
	/* What the JIT's stack cannot hold, the interpreter may, or says
	 * why not (a recursion that loops). */
	if (rc == PCRE2_ERROR_JIT_STACKLIMIT)
		rc = pcre2_match(p->code, (PCRE2_SPTR)subject, len, 0, PCRE2_NO_UTF_CHECK | PCRE2_NO_JIT, md, p->context);
	if (rc >= 0)
		result = 1;
	else if (rc == PCRE2_ERROR_NOMATCH || rc == PCRE2_ERROR_NOMEMORY)
		result = rc == PCRE2_ERROR_NOMATCH ? 0 : -2;
	else if (p->gave_up++ == 0)
		say_failure(p, rc);
done:
	pcre2_match_data_free(md);   /* NULL is fine */
	return result;
}

const char *
pattern_failure(const struct pattern *p)
{
	return p->why;
}

void
pattern_free(struct pattern *p)
{
	if (p != NULL) {
		pcre2_code_free(p->code);
		pcre2_match_context_free(p->context);
		if (p->jit_stack != NULL)
			pcre2_jit_stack_free(p->jit_stack);
		free(p->text);
		free(p);
	}
}
