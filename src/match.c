/* match.c - PCRE2 patterns for topics and filters (see match.h). */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <ctype.h>
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

/* The character at s, a code point that shows nothing (Unicode's default
 * ignorables: a zero-width joiner, an emoji's variation selector, a soft
 * hyphen), which text is matched without (text_match_form): its length, or
 * 0 when it is another. */
static size_t
invisible_at(const char *s)
{
	ucs4_t cp;
	int len;

	if ((unsigned char)*s < 0x80 || (len = u8_mbtouc(&cp, (const uint8_t *)s, strnlen(s, 4))) <= 0 ||
	    !uc_is_property_default_ignorable_code_point(cp))
		return 0;
	return (size_t)len;
}

/* Whether the character before s[i] (a letter, a space) is escaped: it
 * follows an odd number of '\'. */
static int
escaped_at(const char *s, size_t i)
{
	size_t n = 0;

	while (i > n && s[i - n - 1] == '\\')
		n++;
	return n % 2 == 1;
}

/* Whether the character at s[i] may stand beside a dropped one: a letter or
 * a space (not escaped: "\x", "\ "), any other character not ASCII, or an
 * end; a space not before a quantifier, which (?x) would take for the
 * dropped one's. */
static int
plain_at(const char *s, size_t i, int after)
{
	unsigned char c = (unsigned char)s[i];

	if (after && c == '\0')
		return 1;
	if (c >= 0x80)
		return 1;
	if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == ' ') || escaped_at(s, i))
		return 0;
	if (c == ' ' && after) {
		while (s[i] == ' ')
			i++;
		return s[i] == '\0' || strchr("*+?{", s[i]) == NULL;
	}
	return 1;
}

/* Whether s[0..i) ends in "\x" and a hex digit: one more would join it
 * ("\xa" and "b" are "\xab"). */
static int
ends_hex_escape(const char *s, size_t i)
{
	return i >= 3 && isxdigit((unsigned char)s[i - 1]) && s[i - 2] == 'x' && escaped_at(s, i - 2);
}

/* Whether s may set extended mode ("(?x)", "(?xx:", "(?^x)"), where white
 * space and comments between two tokens are not text and a space may stand
 * between a dropped character and its quantifier, or holds a verb
 * ("(*MARK:name)"), whose name is no text either: a character that shows
 * nothing is dropped from neither (may say so wrongly, of an escaped
 * "(?x", say: the pattern is refused then, never misread). */
static int
reads_other_than_text(const char *s)
{
	const char *p;

	if (strstr(s, "(*") != NULL)
		return 1;
	for (p = strstr(s, "(?"); p != NULL; p = strstr(p, "(?"))
		for (p += 2; isalpha((unsigned char)*p) || *p == '^' || *p == '-'; p++)
			if (*p == 'x')
				return 1;
	return 0;
}

/* The pattern s without the characters that show nothing (a heart typed
 * with its variation selector is the heart; a word with a zero-width
 * non-joiner, as Persian is written, the word without it): the text has
 * none to meet. Reading a pattern's syntax is PCRE2's, so one is dropped
 * only where what stands on each side is a letter, a space or another
 * character not ASCII, which nothing in the syntax joins to something new
 * (a digit would, "\x4" and "1", and so would a hex letter after "\xa";
 * a '-' in a class, a '{', a '^' and a ']' would), in a pattern with no
 * (?x) and no verb (reads_other_than_text); elsewhere the pattern is
 * refused. Returns 0 with *out malloc'd (NULL: nothing dropped), 1
 * with *why malloc'd (or NULL, memory out) when refused, -1 when memory
 * runs out. */
static int
drop_invisible(const char *s, char **out, char **why)
{
	struct buf b = { 0 };
	size_t i = 0, n = strlen(s), len, run, start;
	int dropped = 0, rc = -1, other = reads_other_than_text(s);

	*out = *why = NULL;
	if (buf_reserve(&b, n) != 0)
		goto done;
	while (i < n) {
		if ((len = invisible_at(s + i)) == 0) {
			if (buf_addc(&b, s[i++]) != 0)
				goto done;
			continue;
		}
		/* A run of them (an emoji's selector and joiner) is one. */
		for (start = i, run = len; (len = invisible_at(s + start + run)) > 0; run += len)
			;
		if (other || (start > 0 && !plain_at(s, start - 1, 0)) || !plain_at(s, start + run, 1) ||
		    (start > 0 && ends_hex_escape(s, start) && isxdigit((unsigned char)s[start + run]))) {
			ucs4_t cp;
			size_t m = 256;

			u8_mbtouc(&cp, (const uint8_t *)s + start, strnlen(s + start, 4));
			if ((*why = malloc(m)) != NULL)
				snprintf(*why, m, "U+%04X at offset %zu shows nothing, and text is matched without such "
				    "characters; a pattern is read without them only between letters or spaces, and never "
				    "with (?x) or a (*verb): remove it",
				    (unsigned)cp, start);
			rc = 1;
			goto done;
		}
		dropped = 1;
		i = start + run;
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
	char *form = NULL, *visible;
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
	if ((code = drop_invisible(form != NULL ? form : text, &visible, why)) != 0)
		goto done;   /* refused (*why set), or memory out */
	if (visible != NULL) {
		free(form);
		form = visible;
		dropped = 1;
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
	if (says_no_jit(form != NULL ? form : text)) {
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
