/* html.h - the libxml2 HTML pieces the reader needs.
 *
 * A fragment (a post body, a title) is parsed on its own into a document,
 * so nothing in one post can reach into another. All text is UTF-8 that
 * text_clean() has made valid. Walks over the tree are iterative: a post may
 * nest tags a hundred thousand deep.
 */
#ifndef UNPLANET_HTML_H
#define UNPLANET_HTML_H

#include <stddef.h>

#include <libxml/HTMLparser.h>

/* Deepest nesting of elements kept. libxml2 2.9 spends time in proportion
 * to the depth on every stray end tag, so a post nesting 100 000 tags and
 * closing the wrong ones would take minutes; browsers cap the depth too
 * (Chromium at 512, as here). The parse stops there, so the rest of the
 * post is dropped, and says so. */
#define HTML_MAX_DEPTH 512

/* Most elements kept from one fragment: a real post has a few thousand;
 * a hostile one of a million tiny elements would take a gigabyte of tree.
 * What follows is dropped, and the parse says so. */
#define HTML_MAX_ELEMENTS 100000

/* Most parse errors (stray end tags and the like) taken from one fragment:
 * libxml2 2.9 looks through all open elements for each stray end tag, so
 * millions of them would take seconds; real posts have dozens. */
#define HTML_MAX_ERRORS 100000

/* Most attributes on one element, and in one fragment: libxml2 2.9 checks
 * each against all before it on its element, so a tag with 150 000 would
 * take minutes; real ones have a few, an inline SVG's a few dozen, and a
 * long post a few thousand in all. The fragment is cut before the tag
 * that goes past either, and the parse says so. */
#define HTML_MAX_ATTRIBUTES 256
#define HTML_MAX_ALL_ATTRIBUTES 200000

/* Longest URL resolved (or a permalink or site link kept): libxml2 2.9
 * takes time that grows with a relative path's length squared to remove
 * its dot segments ("a/../" 300 000 times took minutes), and will not
 * escape one over 1 MB. Real ones have a few hundred bytes; browsers and
 * servers seldom take over 8 KiB. */
#define HTML_URL_MAX 16384

/* Parses s[0..n) as the content of a <body>, reading character
 * references as browsers do and libxml2 2.9 does not: HTML5's names
 * ("&check;"), and in text its legacy ones written without ';' ("&copy
 * 2026"). Returns a document the caller
 * frees with xmlFreeDoc, or NULL when memory runs out or s is too large
 * for libxml2 (read.h's CONTENT_PARSE_MAX keeps posts far below that).
 * html_fragment_root gives the element holding the fragment's nodes
 * (owned by the document). */
htmlDocPtr html_parse_fragment(const char *s, size_t n);
xmlNodePtr html_fragment_root(htmlDocPtr doc);

/* A parser context for many fragments (it keeps its name dictionary, which
 * is cheaper per post), with the depth limit in place. Free it with
 * htmlFreeParserCtxt. */
htmlParserCtxtPtr html_parser_new(void);

/* html_parse_fragment with a context from html_parser_new; *truncated
 * tells whether a limit above cut the fragment short. */
htmlDocPtr html_parse_fragment_with(htmlParserCtxtPtr ctxt, const char *s, size_t n, int *truncated);

/* Visible text under root, as a browser shows it: references decoded,
 * comments and script/style/iframe/svg/math/template/noscript/head/title/
 * object contents and image alt text left out, block element tags
 * separating words, ASCII white space collapsed and trimmed. Malloc'd.
 * Exposed for tests/unit.c; the stages call html_fragment_text. */
char *html_text(xmlNodePtr root);

/* Visible text of the fragment s[0..n), as html_text gives it (C1
 * controls and noncharacters mapped too); fast when it holds no markup.
 * Malloc'd; NULL when memory runs out. */
char *html_fragment_text(const char *s, size_t n);

/* Decodes the character references of an attribute value s[0..n): numeric
 * and HTML5 named ones with their ';', and HTML5's legacy names without
 * it when no letter, digit or '=' follows (as browsers do); malloc'd. */
char *html_decode_attr(const char *s, size_t n);

/* The href of the first <base> element that has one in the markup
 * s[0..n) (a page's head), references decoded, as written: malloc'd, ""
 * when there is none, NULL when memory runs out or n is too large for
 * libxml2 (2 GiB; read.c looks at a head's first 64 MiB only). */
char *html_base_href(const char *s, size_t n);

/* Gets a post's tree ready in one walk, and returns its visible text (as
 * html_text; malloc'd, NULL when memory runs out): sanitizes it by the
 * allowlist (see html.c: elements dropped or unwrapped, event handler and
 * style attributes and unsafe URLs removed), makes relative links
 * absolute against base, an absolute URL, or leaves them when base is NULL
 * (href, src, srcset, cite, action, formaction, poster, background,
 * longdesc, usemap, data), and maps C1 control characters in text to the
 * Windows-1252 characters they nearly always stand for (references like
 * &#150; were mapped so when parsed). */
char *html_prepare(xmlNodePtr root, const char *base);

/* url with what RFC 3986 forbids in it (spaces, non-ASCII, quotes,
 * <>[]{}|\^`, a '#' after the first) percent-encoded, the rest (an IPv6
 * host's brackets too) kept; malloc'd. */
char *html_escape_url(const char *url);

/* url with what RFC 3987 forbids in an IRI (controls, C1 ones too,
 * spaces, quotes, <>{}|\^`, a '%' that starts no escape, private use
 * characters, noncharacters, U+FFFD, bidi formatting characters, bytes
 * that are no UTF-8, an '@' before the last in the user information,
 * brackets but an IPv6 host's, a '#' after the first)
 * percent-encoded, the rest, other non-ASCII included, kept; malloc'd.
 * For permalinks, which become feed ids. */
char *html_escape_iri(const char *url);

/* iri (an absolute IRI, as html_escape_iri leaves a permalink) as a
 * URI, for the formats that take URLs only (RSS, JSON Feed, OPML): its
 * host, when not ASCII, in the ASCII form IDNA gives it
 * ("xn--bcher-kva.example", as browsers and libcurl send it; a host IDNA
 * refuses, or maps to more than letters, digits, '-' and '.', as
 * html_escape_url writes it), and the rest as html_escape_url
 * gives it (non-ASCII percent-encoded as UTF-8: RFC 3987 3.1). Malloc'd;
 * NULL when memory runs out. */
char *html_iri_to_uri(const char *iri);

/* The length of url's scheme ("https" in "https:..."): a letter, then
 * letters, digits, '+', '-' or '.' up to a ':'; 0 when it has none. A
 * relative reference may hold a ':' further on ("/wiki/Help:Contents",
 * "?at=10:30"). */
size_t html_scheme_len(const char *url);

/* Whether link is a site's address as a [source] link may give it: an
 * http or https URL, or one without its "scheme://" ("realpython.com/"),
 * with a host, a port of digits up to 65535 if any, and no user:password
 * or white space. */
int html_site_ok(const char *link);

/* Whether two links name the same site: alike but for http or https (or
 * none), the host's case, a default port (80, 443) or none, "/" or no
 * path, a path's last "/" or none ("/blog/" and "/blog"), and any
 * fragment ("https://RealPython.com#top" and "http://realpython.com:80/"
 * are one site). Needs no memory. */
int html_same_site(const char *a, const char *b);

/* Whether the http(s) URL url has an authority a browser takes: a host
 * (an IPv6 literal only of hex digits, ':' and '.' in its brackets) and a
 * port, if any, of ASCII digits below 65536 ("https://h.example:８０/",
 * "https://[v1.x]/" are no URLs to a browser). Needs no memory. */
int html_authority_ok(const char *url);

/* An order of links in which those html_same_site takes for one site
 * compare equal (0), for sorting by site. Needs no memory. */
int html_site_cmp(const char *a, const char *b);

/* Rewrites, in place, each '\\' before url's query or fragment as '/', as
 * browsers read the URLs of web schemes (http, https, ftp, ws, wss, file):
 * "https:\\\\host\\a" is "https://host/a". A url without a scheme is
 * taken to be relative to such a URL. Others ("mailto:") are left alone. */
void html_url_slashes(char *url);

/* url (its backslashes read by html_url_slashes) as HTML's URL parser reads
 * an http or https URL whose scheme is not followed by "//": relative to
 * base when base has the same scheme ("https:img.png" is "img.png",
 * "https:/a" is "/a", "https:File:x.png" is "./File:x.png"), else with its
 * slashes made two ("http:x.example" and "http:///x.example" are
 * "http://x.example"), and "" when that leaves no host ("http:",
 * "https:///"); RFC 3986 would read a URL with no host. A url with no
 * scheme and more than two leading slashes, relative to an http(s) base,
 * gets two too ("///x.example/y" is "//x.example/y"). Others as they
 * are. base may be NULL. Malloc'd; NULL when memory runs out. */
char *html_url_special(const char *url, const char *base);

/* ref resolved against base (an absolute URI) as a browser would, in
 * *resolved (malloc'd): with surrounding spaces and inner tabs and new
 * lines dropped, backslashes read as html_url_slashes reads them, and what
 * RFC 3986 forbids in it (spaces, non-ASCII...) percent-encoded when
 * libxml2 cannot take it as it is, but for a non-ASCII host, kept as text
 * (as html_escape_iri keeps what an IRI may hold). *resolved is NULL when ref is blank,
 * longer than HTML_URL_MAX, or does not resolve even so (the caller keeps ref), "" when ref is an
 * http(s) URL that names no host (html_url_special: no link at all).
 * Returns 0, or -1 when memory runs out. */
int html_resolve(const char *ref, const char *base, char **resolved);

/* The children of root serialized as HTML (UTF-8), malloc'd; NULL when
 * memory runs out. An IPv6 host in href or src keeps its brackets, which
 * libxml2's writer escapes. Their attribute values are readied for it first
 * (html_ready_for_writer). */
char *html_serialize(htmlDocPtr doc, xmlNodePtr root);

/* Where in raw HTML a position lies, as a browser's tokenizer reads
 * HTML from text (HTML5, not libxml2 2.9's HTML4 rules): in text or an
 * element's content (HTML_IN_TEXT), or inside a comment (or "<!...>",
 * "<?...>"), a quoted attribute value, a tag, or the text of a raw-text
 * element (script, style, textarea, title, xmp, iframe, noembed, noframes,
 * noscript), which a browser shows as no markup (not within <svg> or
 * <math>, by their tags, up to an HTML tag that ends them: there these
 * elements hold markup). For the reader, to tell
 * a copy of the template's markup that a post hides from one it shows.
 * Scanning moves forward only: html_scan_to a later position resumes. */
enum html_place { HTML_IN_TEXT, HTML_IN_COMMENT, HTML_IN_VALUE, HTML_IN_TAG, HTML_IN_RAW };

struct html_scan {
	const char *p;           /* scanned up to here */
	enum html_place place;   /* ...which is in this */
	int state;               /* within a tag: see html.c */
	char quote;              /* HTML_IN_VALUE's quote */
	char name[12];           /* the tag's name, lower case, as far as
	                            it fits... */
	size_t name_len;         /* ...and its whole length */
	const char *raw;         /* HTML_IN_RAW's element name */
	int end_tag;             /* the tag is an end tag */
	const char *open;        /* where the text of the comment, quoted
	                            value or raw text at hand began */
	size_t foreign;          /* <svg> and <math> open (by their tags):
	                            within, no element holds raw text (an SVG
	                            <title> or <style> holds markup) */
};

/* Starts a scan at from, which is in text. */
void html_scan_start(struct html_scan *s, const char *from);

/* Scans on to at (not before where the scan is; what starts before it
 * may be read on to end) and says where at lies; adds the bytes scanned
 * to *work. */
enum html_place html_scan_to(struct html_scan *s, const char *at, const char *end, size_t *work);

/* Where what at lies in (html_scan_to's answer) ends, searching [at,
 * end): the start of "-->" (or "--!>", or the '>' of "<!...>"), of the
 * closing quote, of a raw-text element's end tag; NULL when not before
 * end, or at lies in text or a tag. Adds the bytes searched to *work. */
const char *html_scan_close(const struct html_scan *s, const char *at, const char *end, size_t *work);

/* Puts back, in place, in HTML that libxml2's writer serialized (with
 * method html, say), the brackets of IPv6 hosts ("http://[::1]/") and the
 * text of non-ASCII hosts that it escapes in href and src values. */
void html_unescape_hosts(char *html);

/* Readies the attribute values of the elements under root (a document,
 * or an element: not root's own) for libxml2's HTML writer, which would
 * turn a '$' in href, src, action or <a name> into "%24", another URL:
 * those values are escaped here as it would but for '$', and given a
 * namespace with no prefix, so that it writes them as they are; and
 * which leaves "&{" in other values unescaped (HTML 4's script macros):
 * a reader would decode what follows once more. A value holding more
 * than 64 of them (no real one does; libxml2 would take minutes to write
 * it) is dropped. For a document written with method html, and then
 * freed or written no more (html_serialize puts back what it changed).
 * Returns 0, or -1 when memory runs out. */
int html_ready_for_writer(xmlNodePtr root);

#endif
