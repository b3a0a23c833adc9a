/* text.h - small pure functions on UTF-8 text.
 *
 * Strings in and out are UTF-8. Functions that allocate return a malloc'd
 * string the caller frees, or NULL when memory runs out.
 */
#ifndef UNPLANET_TEXT_H
#define UNPLANET_TEXT_H

#include <stddef.h>

#include "buf.h"

/* Nonzero when s[0..n) is valid UTF-8 holding only characters XML 1.0
 * allows, with no byte-order mark: such input needs no cleaning. */
int text_is_clean(const char *s, size_t n);

/* Nonzero when s is valid UTF-8 with no control character but tab, LF
 * and CR and no byte-order mark: text a file's name may be (a
 * noncharacter too, which text_is_clean refuses). */
int text_is_name(const char *s);

/* Appends s[0..n) to out as valid UTF-8 holding only characters XML 1.0
 * allows: a leading byte-order mark is dropped, each invalid byte and
 * each noncharacter (U+FDD0..U+FDEF, the last two code points of every
 * plane) becomes U+FFFD, form feed becomes a space (HTML treats it as
 * white space) and the other forbidden control characters are dropped.
 * Returns 0, or -1 when memory runs out. */
int text_clean(const char *s, size_t n, struct buf *out);

/* HTML's newline normalization, in place: each CRLF pair and each lone CR
 * in s[0..n) becomes one LF. Returns the new length (at most n). */
size_t text_newlines(char *s, size_t n);

/* Appends s[0..n), encoded in charset (an iconv name such as
 * "WINDOWS-1252" or "UTF-16LE"), to out as UTF-8, each undecodable byte
 * becoming U+FFFD (a UTF-16 code unit, or a byte that starts an East
 * Asian pair with the non-ASCII byte after it, as one), but a single-byte
 * charset's byte from 0x80 to 0x9F it has no character for, which
 * becomes nothing (a browser's invisible C1 control). Returns 0, -1 when
 * memory runs out, or -2 when iconv does not know charset. The result
 * still needs text_clean. */
int text_to_utf8(const char *s, size_t n, const char *charset, struct buf *out);

/* Nonzero for ASCII white space as HTML counts it: space, tab, LF, FF, CR. */
int text_is_space(char c);

/* Where the markup in p[0..end) begins: past a byte-order mark, white
 * space, comments, processing instructions and DOCTYPEs (an internal
 * subset included), the prolog of an XML or HTML document. *doctype says
 * whether a DOCTYPE (or another "<!" declaration) was passed. NULL when one
 * of them is not closed before end. */
const char *text_prolog_end(const char *p, const char *end, int *doctype);

/* 1 when charset reads ASCII text as ASCII (tab, new line, CR, and space
 * to tilde), as any charset a page can declare in ASCII must; 0 when it
 * does not (UTF-16, UTF-7, EBCDIC), -2 when iconv does not know it. */
int text_ascii_compatible(const char *charset);

/* Nonzero when the UTF-8 text s shows nothing: it holds only white space
 * (Unicode's White_Space, U+00A0 included) and characters that are not
 * drawn (Unicode's Default_Ignorable_Code_Point: U+200B, U+FEFF, the
 * Hangul fillers...). A title or name like that is no title or name. */
int text_is_blank(const char *s);

/* What tells a name from others when its slug is empty (nothing in it
 * transliterates: "Иван Петров"): its letters, marks and digits, case
 * folded in Unicode's compatibility form (NFKC), the rest dropped, so
 * that "ИВАН ПЕТРОВ!" is the same name, as "ALICE SMITH!" is "Alice
 * Smith" by its slug. Malloc'd ("" when it has none); NULL when memory
 * runs out. */
char *text_name_key(const char *name);

/* Text as patterns see it (group.c): in Unicode's composed form (NFC: an
 * accent written as a letter and a combining mark, as some editors save
 * text, is the one character it looks like), each white space character
 * (U+00A0...) a space, the characters drawn as nothing (soft hyphen,
 * zero-width space, joiners...) gone, and runs of spaces as one, none at
 * the ends (ASCII text, which the reader collapsed, is taken as it is).
 * Without text (for a pattern, whose characters may be syntax: "(?x)"
 * skips spaces, a backslash escapes what follows), NFC alone. *out is NULL
 * when that is s itself (most text), else malloc'd. 0, or -1 when memory
 * runs out. */
int text_match_form(const char *s, int text, char **out);

/* Collapses each run of ASCII white space (space, tab, LF, FF, CR) into one
 * space and strips both ends, in place. Other spaces (U+00A0) stay. */
void text_collapse_space(char *s);

/* Decodes, once, the complete character references left in already-decoded
 * text: a title escaped twice upstream ("It&#x27;s", "Q&amp;A") becomes
 * "It's", "Q&A". Numeric ones are read as text_numeric_ref reads them;
 * named ones are XML's five (amp, lt, gt, quot, apos), with their ';'. */
char *text_decode_refs(const char *s);

/* Reads the numeric character reference in s[0..n), the bytes after "&#",
 * as HTML5 does: decimal digits, or 'x' and hex digits, then an optional
 * ';' (*complete says whether it was there). Returns the bytes it takes,
 * 0 when there are no digits (then it is no reference). *cp is the
 * character a browser shows: U+FFFD for 0, a surrogate or a number past
 * U+10FFFF, the Windows-1252 character for 128..159, a space for form
 * feed (white space that XML cannot hold), and 0 for another XML cannot
 * hold (it is dropped). */
size_t text_numeric_ref(const char *s, size_t n, unsigned *cp, int *complete);

/* Looks up the HTML5 named character reference whose name is s[0..n)
 * (no '&', no ';'; case matters): returns 1 and its one or two code points
 * in cp[] (cp[1] is 0 for one), with *legacy nonzero when browsers also
 * read the name without its ';' ("&copy 2026"); 0 when there is none. */
int text_entity(const char *s, size_t n, unsigned cp[2], int *legacy);

/* The complete named reference ("check;") that starts s[0..n), the bytes
 * after '&', by HTML5's list: returns its length with the ';', its code
 * points in cp[] (cp[1] is 0 for one); 0 when there is none. */
size_t text_named_ref(const char *s, size_t n, unsigned cp[2]);

/* Nonzero when the valid UTF-8 text s holds a stray character: a C1
 * control (U+0080..U+009F), DEL or a noncharacter (as text_clean says). */
int text_has_stray(const char *s);

/* s with each C1 control character replaced by the Windows-1252
 * character of its byte: in a UTF-8 page they are nearly
 * always Windows-1252 text decoded as Latin-1 upstream, and a browser
 * shows them as nothing. The five that byte leaves unassigned (U+0081,
 * U+008D, U+008F, U+0090, U+009D) and DEL, which readers show as junk,
 * are dropped. Each noncharacter becomes U+FFFD, as text_clean makes
 * those of the page's bytes: these came from references. Takes s (malloc'd,
 * or NULL) and returns it, or a new string when it changed (s is freed);
 * NULL when s is NULL or memory runs out. */
char *text_fix_stray(char *s);

/* s with the explicit bidi embeddings, overrides and isolates it leaves
 * open (U+202A..U+202E, U+2066..U+2069, paired as Unicode's bidi
 * algorithm pairs them) closed at its end: a name or title ends where
 * a reader puts it beside other text ("NAME on Planet Python"), which an
 * open right-to-left override would show backwards. A line or paragraph
 * break ends none of them: a reader may show the text as one line, and
 * where it ends them the closing marks match nothing, which changes
 * nothing. Takes s (malloc'd, or NULL) and returns it, or a new string
 * when it changed (s is freed); NULL when s is NULL or memory runs out. */
char *text_close_bidi(char *s);

/* Where the character that byte at of the UTF-8 text s is part of
 * starts: at itself when it starts one. */
size_t text_char_start(const char *s, size_t at);

/* The last boundary between user-perceived characters at or before byte
 * cut of the valid UTF-8 text s, cut being on a code point boundary within
 * it: where a text can be shortened without parting a letter from its
 * accents, an emoji from its ZWJ sequence, modifier or tags, or the two
 * halves of a flag (Unicode's grapheme clusters, less Hangul jamo and
 * prepended marks). 0 when the text up to cut is one such character. */
size_t text_cluster_cut(const char *s, size_t cut);

/* Appends the UTF-8 encoding of cp. 0 or -1. */
int text_put_utf8(struct buf *out, unsigned cp);

/* A file-name slug for name: transliterated to ASCII ("Girão" -> "girao"),
 * lower case, only [a-z0-9-], no leading, trailing or doubled '-', at most
 * max_len bytes (cut at a '-' when possible). Apostrophes vanish
 * ("Michiel's" -> "michiels"). May be "" when nothing is left, or when
 * more of the name's characters have no ASCII form than letters and
 * digits are left ("Ωμέγα"); the caller picks a fallback. */
char *text_slug(const char *name, size_t max_len);

/* Nonzero when s is a slug unplanet could have made: 1 to 64 bytes of
 * [a-z0-9-], not starting or ending with '-'. Anything read back as a slug
 * (the configuration, the archive) must pass, as it becomes a file name. */
int text_valid_slug(const char *s);

/* FNV-1a, 64 bits: folds p[0..n) into h (start from TEXT_HASH_INIT). For
 * fingerprints that decide whether work can be skipped, not for security. */
#define TEXT_HASH_INIT 0xcbf29ce484222325ULL
unsigned long long text_hash(unsigned long long h, const void *p, size_t n);

/* As text_hash, continuing from h, but eight bytes a step (a post's HTML
 * is most of a page: the bytes one at a time took a hundredth of a run,
 * before the threads). Another hash, which depends on the machine's byte
 * order too: only for digests compared with ones this same program made
 * on this machine (read.c's page digest, whose seed names its sources). */
unsigned long long text_hash_wide(unsigned long long h, const void *p, size_t n);

#endif
