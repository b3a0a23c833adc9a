/* match.h - the patterns of topics and filters, with PCRE2.
 *
 * A pattern matches case-insensitively, by Unicode rules (UTF and UCP:
 * "ZÜRICH" matches "zürich", \w includes letters of every script), anywhere
 * in the subject unless anchored; composed (NFC) and without the characters
 * that show nothing where they stand between letters or spaces (else it is
 * refused), as subjects are matched. Each pattern is compiled once and a match
 * is bounded, so that a pattern that backtracks catastrophically gives up
 * instead of hanging a run; the bound is PCRE2's, at each place in the
 * subject a match is tried, so the verbs that switch off its optimizations
 * (and let a pattern try every place) are refused. Patterns are compiled
 * to machine code by PCRE2's JIT where it can (it needs memory made
 * executable, which a service with MemoryDenyWriteExecute=yes does not
 * get), else matched by its interpreter, alike but slower, much so on long
 * posts.
 *
 * Ownership: a pattern owns its text and compiled code, and the strings
 * pattern_text and pattern_failure return; pattern_free releases them.
 */
#ifndef UNPLANET_MATCH_H
#define UNPLANET_MATCH_H

#include <stddef.h>

struct pattern;

/* Compiles text. On failure returns NULL and sets *why to a malloc'd
 * description ("missing closing parenthesis at offset 4"), or to NULL when
 * memory runs out. */
struct pattern *pattern_compile(const char *text, char **why);

/* The text the pattern was compiled from. */
const char *pattern_text(const struct pattern *p);

/* 1 if p matches subject[0..len), 0 if not, -1 if the match gave up
 * (match or depth limit reached; after 3 such, p is retired and gives up
 * at once for the rest of the run), -2 if memory ran out. */
int pattern_match(struct pattern *p, const char *subject, size_t len);

/* Why p's first match that gave up did: "too much backtracking", or
 * PCRE2's message (a recursion that loops); p holds the text. */
const char *pattern_failure(const struct pattern *p);

void pattern_free(struct pattern *p);

#endif
