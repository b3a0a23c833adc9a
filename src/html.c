/* html.c - parse HTML fragments, take their text, fix their links (see
 * html.h). */
#include <ctype.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <pthread.h>

#include <libxml/HTMLtree.h>
#include <libxml/SAX2.h>
#include <libxml/parserInternals.h>
#include <libxml/uri.h>

#include <idn2.h>

#include "buf.h"
#include "html.h"
#include "text.h"

/* Not NOERROR: errors go to on_error, which counts them (and prints
 * nothing). RECOVER: blog HTML is rarely valid. IGNORE_ENC: the page was already
 * turned into UTF-8, a <meta charset> inside a post must not switch
 * decoding half way. NONET: never fetch anything while parsing. HUGE:
 * without it libxml2 stops at 256 nested elements and silently drops the
 * rest of the post; every walk here is iterative, so depth is harmless. */
#define FRAGMENT_OPTIONS (HTML_PARSE_RECOVER | HTML_PARSE_NOWARNING | \
	HTML_PARSE_NONET | HTML_PARSE_NODEFDTD | HTML_PARSE_IGNORE_ENC | HTML_PARSE_COMPACT | \
	XML_PARSE_HUGE)

static const char fragment_prefix[] = "<html><body>";

static int
is_named(xmlNodePtr n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && n->name != NULL &&
	    xmlStrcasecmp(n->name, (const xmlChar *)name) == 0;
}

static int
compare_name(const void *key, const void *item)
{
	return strcmp(key, *(const char *const *)item);
}

#define COUNT(a) (sizeof (a) / sizeof (a)[0])

/* Whether name is in table (sorted). */
static int
in_table(const char *name, const char *const *table, size_t count)
{
	return bsearch(name, table, count, sizeof *table, compare_name) != NULL;
}

/* The lists of element and attribute names a name is in (see "name
 * classes" below). */
enum {
	IS_HIDDEN = 1 << 0,        /* hidden_elements */
	IS_BLOCK = 1 << 1,         /* block_elements */
	IS_KEPT = 1 << 2,          /* kept_elements */
	IS_DROPPED = 1 << 3,       /* dropped_elements */
	IS_HTML5_VOID = 1 << 4,    /* html5_void */
	KEPT_ATTRIBUTE = 1 << 5,   /* kept_attributes */
	URL_ATTRIBUTE = 1 << 6     /* url_attributes */
};

static unsigned name_class(const char *name);

/* libxml2 puts whatever follows a stray </body></html> into a new <html>
 * after <body>; move every such node back into <body>, in order, so a post
 * never loses text to its own markup. */
static int
gather_into_body(xmlNodePtr body)
{
	xmlNodePtr *resume = NULL, cur = body->next, next;
	size_t depth = 0, cap = 0;
	int rc = 0;

	while (cur != NULL || depth > 0) {
		if (cur == NULL) {
			cur = resume[--depth];
			continue;
		}
		next = cur->next;
		if (is_named(cur, "html") || is_named(cur, "body") || is_named(cur, "head")) {
			if (depth == cap) {
				xmlNodePtr *p = realloc(resume, (cap ? cap * 2 : 8) * sizeof *p);

				if (p == NULL) {
					rc = -1;
					break;
				}
				resume = p;
				cap = cap ? cap * 2 : 8;
			}
			resume[depth++] = next;
			cur = cur->children;
			continue;
		}
		xmlUnlinkNode(cur);
		xmlAddChild(body, cur);   /* may merge text nodes and free cur */
		cur = next;
	}
	free(resume);
	return rc;
}

/* What one parse counts, through ctxt->_private. */
struct parse_limits {
	size_t elements;
	size_t errors;
	int *truncated;
	/* Where libxml2 stopped after a named reference with no ';' ("&copy
	 * 2026"), and whether its '&' is held back: see on_characters. */
	const xmlChar *ref_end;
	int ref_held;
	/* An <svg> or <math> was opened: only then can a tag leave one (see
	 * leave_foreign_content, which need not look otherwise). */
	int foreign_seen;
	/* What start_element noted of each open element, at its index in
	 * libxml2's stack (see note_level). */
	struct level *levels;
};

/* What HTML5's rules ask of an open element and those below it, noted as
 * it is opened, so that each question takes one look rather than a walk
 * down a stack up to HTML_MAX_DEPTH deep, for each of up to
 * HTML_MAX_ELEMENTS tags (or HTML_MAX_ERRORS end tags). Indexes are
 * those of libxml2's stack; -1 for none. */
struct level {
	signed char ns;          /* NS_HTML, NS_SVG or NS_MATH */
	signed char html_inside; /* HTML may nest in it: HTML, or an integration point */
	short html;              /* the deepest at or below it where HTML may nest */
	short block;             /* ...that is not a phrasing element (see phrasing) */
	short block_p;           /* ...that is neither phrasing nor a <p> */
	short p;                 /* the deepest <p> */
	short wall;              /* ...element that ends an end tag </p>'s reach */
};

static int
ascii_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
is_alnum(char c)
{
	return ascii_alpha(c) || (c >= '0' && c <= '9');
}

/* HTML5 decodes a few names even without their ';' (its "legacy"
 * references: HTML 4's Latin-1 names, the four XML ones, and six in
 * capitals), where libxml2 2.9 follows HTML 4 and shows "&copy 2026" as
 * it is. Returns the code point of the longest such name that starts s
 * (n bytes), its length in *len; 0 when there is none. */
static unsigned
legacy_ref(const char *s, size_t n, size_t *len)
{
	unsigned cp[2], found = 0;
	size_t k;
	int legacy;

	for (k = n < 6 ? n : 6; k >= 2; k--)
		if (text_entity(s, k, cp, &legacy) && legacy) {
			*len = k;
			found = cp[0];
			break;
		}
	return found;
}

static int separates_words(const char *name);
static int leave_foreign_content_at_end(htmlParserCtxtPtr ctxt, struct parse_limits *limits, const char *name,
    int dropped);

/* libxml2 reports each parse error here (its sax->error); blog HTML has
 * plenty, so they are counted, never printed. Two of them say where the
 * text needs what libxml2 leaves out: a named reference with no ';' (see
 * on_characters), and an end tag that closes nothing, which libxml2 drops
 * but which separates words when its element does ("a</p>b", "a</br>b"
 * read as two words, as in browsers): a space takes its place. */
static void
on_error(void *ctx, const char *msg, ...)
{
	htmlParserCtxtPtr ctxt = ctx;
	struct parse_limits *limits = ctxt != NULL ? ctxt->_private : NULL;

	(void)msg;
	if (limits != NULL) {
		if (ctxt->errNo == XML_ERR_ENTITYREF_SEMICOL_MISSING && ctxt->input != NULL) {
			limits->ref_end = ctxt->input->cur;
			limits->ref_held = 0;
		} else if (ctxt->errNo == XML_ERR_TAG_NAME_MISMATCH && ctxt->node != NULL &&
		    ctxt->lastError.message != NULL && ctxt->lastError.str1 != NULL) {
			int dropped = strncmp(ctxt->lastError.message, "Unexpected end tag", 18) == 0;

			if (limits->foreign_seen && leave_foreign_content_at_end(ctxt, limits, ctxt->lastError.str1, dropped))
				dropped = 1;
			if (dropped && separates_words(ctxt->lastError.str1))
				xmlSAX2Characters(ctxt, (const xmlChar *)" ", 1);
		}
		if (++limits->errors > HTML_MAX_ERRORS) {
			*limits->truncated = 1;
			xmlStopParser(ctxt);
		}
	}
}

/* characters of libxml2's SAX2 tree builder, decoding legacy references
 * in text (see legacy_ref). For "&name" with no ';', libxml2 reports the
 * missing ';' and then gives "&" and "name" as text, all without moving
 * on in the input: that position tells these two calls from any other
 * "&" (such as one from "&amp;copy", which must stay "&copy"). By HTML5's
 * rules for text, the longest legacy name that starts "name" is decoded
 * and the rest stays ("&notit" is "¬it"). A named reference inside an
 * attribute value is reported too, but gives no text: the position has
 * moved on by the next text. */
static void
on_characters(void *ctx, const xmlChar *ch, int len)
{
	htmlParserCtxtPtr ctxt = ctx;
	struct parse_limits *limits = ctxt->_private;
	xmlChar utf8[8];
	size_t k = 0;
	unsigned cp;
	int pending = 1;   /* ch[0..len) is still to be dealt with */

	if (limits == NULL) {
		/* Not our parse: the text goes to the tree as it is. */
		xmlSAX2Characters(ctx, ch, len);
		pending = 0;
	}
	if (pending) {
		/* "&notit;", a name HTML5 does not know with its ';'
		 * (add_fragment rewrote those it knows): libxml2 gives "&" and
		 * the name, stopped at the ';', and reports nothing. A legacy
		 * name that starts it is decoded as when the ';' is missing
		 * ("¬it;"). */
		if (len == 1 && ch[0] == '&' && ctxt->input != NULL && ctxt->input->cur[0] == ';' &&
		    ctxt->input->cur > ctxt->input->base && is_alnum((char)ctxt->input->cur[-1])) {
			limits->ref_end = ctxt->input->cur;
			limits->ref_held = 1;
		} else if (limits->ref_end == NULL || ctxt->input == NULL || ctxt->input->cur != limits->ref_end) {
			xmlSAX2Characters(ctx, ch, len);
		} else if (!limits->ref_held) {
			if (len == 1 && ch[0] == '&') {
				limits->ref_held = 1;
			} else {
				limits->ref_end = NULL;
				xmlSAX2Characters(ctx, ch, len);
			}
		} else {
			limits->ref_end = NULL;
			cp = legacy_ref((const char *)ch, (size_t)len, &k);
			if (cp == 0) {
				xmlSAX2Characters(ctx, (const xmlChar *)"&", 1);
			} else {
				xmlSAX2Characters(ctx, utf8, xmlCopyCharMultiByte(utf8, (int)cp));
			}
			if ((size_t)len > k)
				xmlSAX2Characters(ctx, ch + k, len - (int)k);
		}
	}
}

/* HTML5's tags that end SVG or MathML content they appear in (sorted);
 * <font> too when it has color, face or size. */
static const char *const foreign_breakers[] = {
	"b", "big", "blockquote", "body", "br", "center", "code", "dd", "div", "dl", "dt",
	"em", "embed", "h1", "h2", "h3", "h4", "h5", "h6", "head", "hr", "i", "img", "li",
	"listing", "menu", "meta", "nobr", "ol", "p", "pre", "ruby", "s", "small", "span",
	"strike", "strong", "sub", "sup", "table", "tt", "u", "ul", "var"
};

/* Whether a tag named name[0..len) (any case), an end tag when end_tag,
 * ends the SVG or MathML content it stands in, by HTML5's rule, for the
 * scans that only follow tags (not a <font>'s attributes). */
static int
breaks_foreign(const char *name, size_t len, int end_tag)
{
	char lower[16];
	size_t i;

	if (len == 0 || len >= sizeof lower)
		return 0;
	for (i = 0; i < len; i++)
		lower[i] = (char)(name[i] >= 'A' && name[i] <= 'Z' ? name[i] - 'A' + 'a' : name[i]);
	lower[len] = '\0';
	if (end_tag)
		return strcmp(lower, "p") == 0 || strcmp(lower, "br") == 0;
	return in_table(lower, foreign_breakers, COUNT(foreign_breakers));
}

/* Of those, the ones that end an open <p> (sorted). */
static const char *const closes_p[] = {
	"blockquote", "center", "dd", "div", "dl", "dt", "h1", "h2", "h3", "h4", "h5", "h6",
	"hr", "li", "listing", "menu", "ol", "p", "pre", "table", "ul"
};

/* Where HTML may nest inside MathML (text integration points; and
 * <annotation-xml> for HTML, see is_integration_point), and inside SVG
 * (sorted). */
static const char *const math_integration_points[] = { "mi", "mn", "mo", "ms", "mtext" };
static const char *const svg_integration_points[] = { "desc", "foreignobject", "title" };

enum { NS_HTML, NS_SVG, NS_MATH };

/* Whether an element named name, in namespace ns, with attributes atts
 * (libxml2's SAX list), is where HTML may nest (an <mi> in SVG is not).
 * An <annotation-xml> is when its encoding says it holds HTML. */
static int
is_integration_point(const char *name, int ns, const xmlChar **atts)
{
	size_t i;

	if (ns == NS_SVG)
		return in_table(name, svg_integration_points, COUNT(svg_integration_points));
	if (ns != NS_MATH)
		return 0;
	if (strcmp(name, "annotation-xml") != 0)
		return in_table(name, math_integration_points, COUNT(math_integration_points));
	for (i = 0; atts != NULL && atts[i] != NULL; i += 2)
		if (strcmp((const char *)atts[i], "encoding") == 0)   /* (libxml2 keeps the first of a name) */
			return atts[i + 1] != NULL && (strcasecmp((const char *)atts[i + 1], "text/html") == 0 ||
			    strcasecmp((const char *)atts[i + 1], "application/xhtml+xml") == 0);
	return 0;
}

/* Where the foreign content that the open elements [0, top) end in
 * starts: the index of its first element, or -1 when the top one is HTML,
 * or where HTML may nest. HTML5 pops the stack down to the last element
 * that is HTML or where HTML may nest. */
static int
foreign_root(const struct parse_limits *limits, int top)
{
	int last = top > 0 ? limits->levels[top - 1].html : -1;

	return last + 1 < top ? last + 1 : -1;
}

/* An end tag </p> or </br> inside <svg> or <math> ends them in HTML5 too
 * (and is then read as HTML). libxml2 2.9 reports one that closes nothing
 * it can reach (dropped: one that names nothing open) and drops it, so
 * an unclosed icon would swallow what follows, up to a tag that ends it,
 * and the sanitizer drop it all. Called for each such report: libxml2
 * also reports one while a </p> it reaches (no element it ranks above
 * <p>, its htmlEndPriority, stands between: a wall) closes elements in
 * between, and those are left to it. The foreign elements the end tag
 * stands in are closed here, and 1 returned, else 0. */
static int
leave_foreign_content_at_end(htmlParserCtxtPtr ctxt, struct parse_limits *limits, const char *name, int dropped)
{
	const struct level *top = ctxt->nameNr > 0 ? &limits->levels[ctxt->nameNr - 1] : NULL;
	int i, root = -1;

	if (top == NULL || ctxt->disableSAX)
		return 0;
	if (!dropped && strcmp(name, "p") == 0 && top->p >= 0 && top->wall < top->p)
		return 0;
	if (strcmp(name, "p") == 0 || strcmp(name, "br") == 0)
		root = foreign_root(limits, ctxt->nameNr);
	if (root > 0) {
		for (i = ctxt->nameNr - 1; i >= root; i--) {
			xmlSAX2EndElement(ctxt, ctxt->nameTab[i]);
			ctxt->nameTab[i] = NULL;
		}
		ctxt->nameNr = root;
		ctxt->name = ctxt->nameTab[root - 1];
	}
	return root > 0;
}

/* Closes the open elements [i, top) of ctxt's stack under the name just
 * pushed on its top (its node not made yet), which then stands at i. */
static void
close_under_top(htmlParserCtxtPtr ctxt, int i)
{
	int k, top = ctxt->nameNr - 1;

	for (k = top - 1; k >= i; k--)
		xmlSAX2EndElement(ctxt, ctxt->nameTab[k]);
	ctxt->nameTab[i] = ctxt->nameTab[top];
	ctxt->nameNr = i + 1;
	ctxt->name = ctxt->nameTab[i];
}

/* An HTML tag inside <svg> or <math> ends them in HTML5, so an unclosed
 * icon does not swallow the rest of a post; libxml2 2.9 knows neither and
 * nests all that follows inside. When name (just pushed on libxml2's
 * stack of open elements, its node not made yet) is such a tag, closes
 * the foreign elements it stands in. */
static void
leave_foreign_content(htmlParserCtxtPtr ctxt, const struct parse_limits *limits, const xmlChar *name,
    const xmlChar **atts)
{
	int i, root = -1, top = ctxt->nameNr - 1, breaks;

	breaks = in_table((const char *)name, foreign_breakers, sizeof foreign_breakers / sizeof *foreign_breakers);
	for (i = 0; !breaks && strcmp((const char *)name, "font") == 0 && atts != NULL && atts[i] != NULL; i += 2)
		breaks = strcmp((const char *)atts[i], "color") == 0 || strcmp((const char *)atts[i], "face") == 0 ||
		    strcmp((const char *)atts[i], "size") == 0;
	if (breaks)
		root = foreign_root(limits, top);
	if (root >= 0)
		close_under_top(ctxt, root);
	/* libxml2 chose not to close an open <p> (or <li>, <dd>, <dt>) for
	 * this tag while <svg> stood in between: close it now, as it would. */
	if (root > 0) {
		const char *parent = (const char *)ctxt->nameTab[root - 1], *tag = (const char *)name;

		if ((strcmp(parent, "p") == 0 && in_table(tag, closes_p, sizeof closes_p / sizeof *closes_p)) ||
		    (strcmp(parent, "li") == 0 && strcmp(tag, "li") == 0) ||
		    ((strcmp(parent, "dd") == 0 || strcmp(parent, "dt") == 0) &&
		    (strcmp(tag, "dd") == 0 || strcmp(tag, "dt") == 0)))
			close_under_top(ctxt, root - 1);
	}
}

/* Phrasing elements (sorted) that a tag closing the paragraph, list item
 * or definition they stand in closes with it, in HTML5 (its implied end
 * tags): libxml2 2.9 closes only some (b, i...), and only when innermost,
 * and nests the rest, so that paragraphs each left with an open <span>
 * (a common editor's slip) would nest one level deeper each and reach
 * HTML_MAX_DEPTH, which the page cuts there. (HTML5 opens the formatting
 * ones, <a> or <code>, again in the next paragraph: not done here, the
 * text stays.) */
static const char *const phrasing[] = {
	"a", "abbr", "acronym", "b", "bdi", "bdo", "big", "cite", "code", "data", "del", "dfn", "em",
	"font", "i", "ins", "kbd", "label", "mark", "nobr", "q", "s", "samp", "small", "span",
	"strike", "strong", "sub", "sup", "time", "tt", "u", "var"
};

/* The open element of ctxt's stack that the tag just pushed closes with
 * the phrasing elements inside it: a <p> (those only inside), else with
 * item a <li>, with def a <dd> or <dt> (paragraphs inside too); its
 * index, or -1 when there is none, or nothing in between (that is
 * libxml2's to decide). */
static int
implied_end(htmlParserCtxtPtr ctxt, const struct parse_limits *limits, int item, int def)
{
	const char *open;
	int top = ctxt->nameNr - 1, i;

	if (top < 2)
		return -1;
	i = item || def ? limits->levels[top - 1].block_p : limits->levels[top - 1].block;
	if (i <= 0 || i == top - 1)
		return -1;
	open = (const char *)ctxt->nameTab[i];
	if (item ? strcmp(open, "li") == 0 : def ? strcmp(open, "dd") == 0 || strcmp(open, "dt") == 0 :
	    strcmp(open, "p") == 0)
		return i;
	return -1;
}

/* When name (just pushed on ctxt's stack, its node not made yet) closes
 * an open <li> (<dd>, <dt>) that only phrasing elements and paragraphs
 * stand inside, or else a <p> that only phrasing elements stand inside,
 * closes them all, as HTML5 would: name takes the closed element's place. */
static void
close_implied(htmlParserCtxtPtr ctxt, const struct parse_limits *limits, const xmlChar *name)
{
	const char *tag = (const char *)name;
	int i = -1, item, def;

	item = strcmp(tag, "li") == 0;
	def = strcmp(tag, "dd") == 0 || strcmp(tag, "dt") == 0;
	if (item || def)
		i = implied_end(ctxt, limits, item, def);
	if (i < 0 && in_table(tag, closes_p, COUNT(closes_p)))
		i = implied_end(ctxt, limits, 0, 0);
	if (i > 0)
		close_under_top(ctxt, i);
}

/* Elements that end the reach of an end tag </p> in libxml2 2.9, which
 * ranks them above <p> (its htmlEndPriority; sorted). */
static const char *const p_walls[] = {
	"body", "div", "head", "html", "table", "tbody", "td", "tfoot", "th", "thead", "tr"
};

/* Notes the level of the element on top of ctxt's stack, with
 * attributes atts, once the stack holds it where it stays. */
static void
note_level(htmlParserCtxtPtr ctxt, struct parse_limits *limits, const xmlChar **atts)
{
	int k = ctxt->nameNr - 1, phrase;
	const char *name = k >= 0 ? (const char *)ctxt->nameTab[k] : NULL;
	const struct level *below = k > 0 ? &limits->levels[k - 1] : NULL;
	struct level *l;

	if (name == NULL || k >= HTML_MAX_DEPTH)
		return;
	l = &limits->levels[k];
	if (below == NULL || below->html_inside)
		l->ns = strcmp(name, "svg") == 0 ? NS_SVG : strcmp(name, "math") == 0 ? NS_MATH : NS_HTML;
	else if (below->ns == NS_MATH && strcmp(name, "svg") == 0 &&
	    strcmp((const char *)ctxt->nameTab[k - 1], "annotation-xml") == 0)
		l->ns = NS_SVG;
	else
		l->ns = below->ns;
	l->html_inside = l->ns == NS_HTML || is_integration_point(name, l->ns, atts);
	phrase = in_table(name, phrasing, COUNT(phrasing));
	l->html = (short)(l->html_inside ? k : below != NULL ? below->html : -1);
	l->block = (short)(!phrase ? k : below != NULL ? below->block : -1);
	l->block_p = (short)(!phrase && strcmp(name, "p") != 0 ? k : below != NULL ? below->block_p : -1);
	l->p = (short)(strcmp(name, "p") == 0 ? k : below != NULL ? below->p : -1);
	l->wall = (short)(in_table(name, p_walls, COUNT(p_walls)) ? k : below != NULL ? below->wall : -1);
}

/* Void elements of HTML5 that libxml2 2.9's HTML 4 tables do not know
 * (sorted): it makes whatever follows them their children, so an <embed>
 * would swallow the rest of a post. */
static const char *const html5_void[] = { "embed", "keygen", "source", "track", "wbr" };

/* startElement of libxml2's SAX2 tree builder, with the limits: the parser
 * pushed the new element's name just before calling us. */
static void
start_element(void *ctx, const xmlChar *name, const xmlChar **atts)
{
	htmlParserCtxtPtr ctxt = ctx;
	struct parse_limits *limits = ctxt->_private;

	if (ctxt->nameNr > HTML_MAX_DEPTH || (limits != NULL && ++limits->elements > HTML_MAX_ELEMENTS)) {
		if (limits != NULL)
			*limits->truncated = 1;
		xmlStopParser(ctxt);
	} else {
		/* (unplanet parses nothing without limits: a parse without
		 * them is libxml2's own) */
		if (limits != NULL && limits->foreign_seen)
			leave_foreign_content(ctxt, limits, name, atts);
		else if (limits != NULL && (strcmp((const char *)name, "svg") == 0 || strcmp((const char *)name, "math") == 0))
			limits->foreign_seen = 1;
		if (limits != NULL) {
			close_implied(ctxt, limits, name);
			note_level(ctxt, limits, atts);
		}
		/* Ids need no table here: a post's duplicate id would make
		 * libxml2 print a validity error on stderr (each read resets
		 * the flag, hence here). */
		ctxt->loadsubset |= XML_SKIP_IDS;
		xmlSAX2StartElement(ctx, name, atts);
		/* A post's stray "</body>" or "</html>" (a whole page pasted in)
		 * is ignored by browsers, but closes the body in libxml2 2.9,
		 * which then puts what follows in a new <p>: "a</body>b" would
		 * read as two words. libxml2 ignores those end tags while
		 * ctxt->depth, its count of <html>, <head> and <body> start tags
		 * it ignored, is above 0 (no other part of its HTML parser reads
		 * it): a count no page can use up makes it ignore them all, as
		 * browsers do. */
		if (ctxt->nameNr == 2 && strcmp((const char *)name, "body") == 0)
			ctxt->depth = INT_MAX / 2;
		/* An HTML5 void element ends here, as libxml2 ends an HTML 4 one:
		 * "<li>a<wbr>b" left open would nest what follows inside it, and
		 * a long list of such items would reach HTML_MAX_DEPTH. The
		 * parser reads the current name again after this call; written
		 * "<wbr/>", it ends the element itself. */
		else if ((name_class((const char *)name) & IS_HTML5_VOID) &&
		    !(ctxt->input->cur[0] == '/' && ctxt->input->cur[1] == '>') && ctxt->nameNr > 1) {
			xmlSAX2EndElement(ctxt, name);
			ctxt->nameTab[--ctxt->nameNr] = NULL;
			ctxt->name = ctxt->nameTab[ctxt->nameNr - 1];
		}
		/* libxml2's tree builder splits "o:p" (Word's markup) into a
		 * prefix and a <p>; in HTML it is one unknown name, an inline
		 * element. */
		if (strchr((const char *)name, ':') != NULL && ctxt->node != NULL &&
		    ctxt->node->type == XML_ELEMENT_NODE) {
			xmlNodeSetName(ctxt->node, name);
			ctxt->node->ns = NULL;
			if (ctxt->node->name == NULL) {   /* out of memory: libxml2 left none */
				xmlStopParser(ctxt);
				ctxt->errNo = XML_ERR_NO_MEMORY;
			}
		}
	}
}

htmlParserCtxtPtr
html_parser_new(void)
{
	htmlParserCtxtPtr ctxt = htmlNewParserCtxt();

	if (ctxt != NULL) {
		ctxt->sax->startElement = start_element;
		ctxt->sax->characters = on_characters;
		ctxt->sax->error = on_error;
		ctxt->sax->fatalError = on_error;
	}
	return ctxt;
}

htmlDocPtr
html_parse_fragment(const char *s, size_t n)
{
	htmlParserCtxtPtr ctxt = html_parser_new();
	htmlDocPtr doc = NULL;
	int truncated;

	if (ctxt != NULL) {
		doc = html_parse_fragment_with(ctxt, s, n, &truncated);
		htmlFreeParserCtxt(ctxt);
	}
	return doc;
}

/* Whether a character dropped between the end of in and next would
 * join them into markup. */
static int
joins_markup(const struct buf *in, char next)
{
	char last = in->len > 0 ? in->data[in->len - 1] : '\0';

	return last == '<' || last == '&' || (last == '/' && in->len > 1 && in->data[in->len - 2] == '<') ||
	    ((last == '!' || last == '-') && (next == '-' || next == '>'));
}

/* Appends the fragment s[0..n) to in, rewriting what libxml2 2.9 reads
 * otherwise than a browser:
 * - numeric references: "&#0;", a surrogate and a number past U+10FFFF
 *   are U+FFFD, one XML cannot hold ("&#1;") is dropped (U+FFFD where
 *   that would join what stands around it into markup: joins_markup),
 *   and "&#" with no
 *   digits is no reference but text; libxml2 drops the first ones (and in
 *   an attribute value writes a NUL that cuts it short) and swallows the
 *   "&#" of the last. Each is written as a browser reads it (see
 *   text_numeric_ref);
 * - named references: libxml2 knows HTML 4's 253 names, HTML5 has 2125
 *   ("&check;", "&NotEqualTilde;", two characters) and reads "&lang;" as
 *   another character; each is written as numbers;
 * - a legacy name ending the fragment ("... &copy"): libxml2 takes no
 *   name that runs into the end of its input, so on_characters, which
 *   decodes the others, never sees it; it is written as a number;
 * - a legacy name followed by no letter, digit, '=' or ';' ("&amp&b=2",
 *   "Tom &amp Jerry"): libxml2 keeps it as written in an attribute value,
 *   where HTML5 decodes it (as it does in text); it is written as a
 *   number. One followed by such a character is left to on_characters:
 *   HTML5 decodes it in text, never in a value ("?a=1&copy=2").
 * Returns 0, or -1 when memory runs out. */
static int
add_fragment(struct buf *in, const char *s, size_t n)
{
	const char *end = s + n, *amp, *last = NULL;
	char ref[32];
	size_t run, k;
	unsigned cp[2];
	int complete, rc = -1;

	for (run = 0; run < n && (is_alnum(s[n - 1 - run]) || (s[n - 1 - run] != '\0' &&
	    strchr("._:-", s[n - 1 - run]) != NULL)); run++)
		;
	if (run < n && s[n - 1 - run] == '&')
		last = s + n - 1 - run;
	while ((amp = memchr(s, '&', (size_t)(end - s))) != NULL) {
		if (buf_add(in, s, (size_t)(amp - s)) != 0)
			goto done;
		s = amp + 1;
		cp[1] = 0;
		if (s < end && *s == '#') {
			k = text_numeric_ref(s + 1, (size_t)(end - s - 1), &cp[0], &complete);
			if (k == 0) {
				if (buf_add(in, "&amp;", 5) != 0)
					goto done;
				continue;
			}
			s += 1 + k;
		} else if ((k = text_named_ref(s, (size_t)(end - s), cp)) > 0) {
			s += k;
		} else if ((cp[0] = legacy_ref(s, (size_t)(end - s), &k)) != 0 &&
		    (amp == last || (k < (size_t)(end - s) && !is_alnum(s[k]) && s[k] != '=' && s[k] != ';'))) {
			s += k;
		} else {
			if (buf_addc(in, '&') != 0)
				goto done;
			continue;
		}
		/* Dropped, it must not join what stands around it into markup
		 * ("<!-&#1;->" is a bogus comment, "<!--->" would run on): after
		 * '<', "</" or '&', or between one of "!-" and one of "->". */
		if (cp[0] == 0 && joins_markup(in, s < end ? *s : '\0'))
			cp[0] = 0xFFFD;
		if (cp[0] != 0) {
			snprintf(ref, sizeof ref, cp[1] != 0 ? "&#%u;&#%u;" : "&#%u;", cp[0], cp[1]);
			if (buf_add(in, ref, strlen(ref)) != 0)
				goto done;
		}
	}
	rc = buf_add(in, s, (size_t)(end - s));
done:
	return rc;
}

/* Whether p starts a start tag "<name" (slash 0) or an end tag "</name"
 * (slash 1) of the element name (lower case; the tag in any case):
 * followed by white space, '/' or '>', as HTML5 reads a tag. */
static int
is_tag(const char *p, const char *end, const char *name, int slash)
{
	size_t len = strlen(name), n = 1 + (size_t)slash + len;

	return (size_t)(end - p) > n && p[0] == '<' && (p[1] == '/') == slash &&
	    strncasecmp(p + 1 + slash, name, len) == 0 &&
	    (text_is_space(p[n]) || p[n] == '/' || p[n] == '>');
}

/* The first end tag of the element name in from[0..end), as HTML ends
 * raw text at "</name" whatever follows; NULL when there is none. */
static const char *
find_end_tag(const char *from, const char *end, const char *name)
{
	size_t n = strlen(name);
	const char *p;

	for (p = from; (p = memchr(p, '<', (size_t)(end - p))) != NULL; p++)
		if ((size_t)(end - p) > n + 2 && p[1] == '/' && strncasecmp(p + 2, name, n) == 0)
			break;
	return p;
}

/* Where the raw text of the element name, from content, ends in HTML5:
 * at its end tag, or at end. */
static const char *
raw_text_end(const char *content, const char *end, const char *name)
{
	const char *p = content;

	while ((p = memchr(p, '<', (size_t)(end - p))) != NULL && !is_tag(p, end, name, 1))
		p++;
	return p != NULL ? p : end;
}

/* Where a <script>'s content, from content, ends by HTML5's rules: at the
 * first "</script" but within "<!--" ... "-->", where a "<script" starts
 * a part that a "</script" only ends ("<!-- document.write('<script
 * src=x></script>') -->", as old embed snippets write), or at end.
 * libxml2 ends it at the first "</script", and shows the rest as text. */
static const char *
script_end(const char *content, const char *end)
{
	enum { DATA, ESCAPED, DOUBLE } state = DATA;
	const char *p;

	for (p = content; p < end; p++) {
		if (state == DATA && (size_t)(end - p) >= 4 && memcmp(p, "<!--", 4) == 0) {
			state = ESCAPED;
			p += 1;   /* its "--" may end it too: "<!-->" */
		} else if (state != DATA && (size_t)(end - p) >= 3 && memcmp(p, "-->", 3) == 0) {
			state = DATA;
			p += 2;
		} else if (state != DOUBLE && is_tag(p, end, "script", 1)) {
			break;
		} else if (state == ESCAPED && is_tag(p, end, "script", 0)) {
			state = DOUBLE;
			p += 6;
		} else if (state == DOUBLE && is_tag(p, end, "script", 1)) {
			state = ESCAPED;
			p += 7;
		}
	}
	return p;
}

/* Where the markup construct starting at p ('<') ends, for the scan of
 * scan_markup: past a tag's '>' (quoted values skipped), past a raw-text
 * element's end tag, past a comment's "-->"; p + 1 otherwise. A tag's
 * attributes are counted in *attributes, as a name after white space or
 * a quoted value (a few more, never fewer, than libxml2 makes). Where p
 * stands in HTML (html5: no SVG or MathML around it, where these are
 * elements like any other), a raw-text element's content ends where
 * HTML5 ends it, and starts at *content (else NULL). A bogus comment
 * (*bogus set) ends at its first '>', as in HTML5. */
static const char *
skip_markup(const char *p, const char *end, int html5, size_t *attributes, const char **content, int *bogus)
{
	/* libxml2's raw text, then HTML5's raw text (or RCDATA, <title>) in
	 * elements that go with what they hold (see dropped_elements), where
	 * libxml2 reads markup. */
	static const char *const raw[] = {
		"script", "style", "iframe", "noembed", "noframes", "noscript", "title"
	};
	size_t n_raw = html5 ? COUNT(raw) : 2;
	const char *q = p + 1, *close, *bang, *past;
	char quote = 0, closed = 0;
	size_t i;

	*attributes = 0;
	*content = NULL;
	*bogus = 0;
	if (q < end && (*q == '?' || (*q == '!' && !(end - q >= 3 && q[1] == '-' && q[2] == '-')) ||
	    (*q == '/' && end - q >= 2 && !ascii_alpha(q[1])))) {
		/* "<?", "<!" that opens no comment and "</" followed by no
		 * letter: a bogus comment, up to the first '>' (the markup it
		 * may hold, "<?php echo '<script>'; ?>", is none). */
		close = memchr(q, '>', (size_t)(end - q));
		past = close != NULL ? close + 1 : end;
		*bogus = 1;
		goto done;
	}
	if (q < end && *q == '!') {
		/* Ended by "-->", or "--!>" before it (HTML5, not libxml2). */
		close = memmem(q + 3, (size_t)(end - q - 3), "-->", 3);
		bang = memmem(q + 3, (size_t)((close != NULL ? close + 3 : end) - q - 3), "--!>", 4);
		past = bang != NULL ? bang + 4 : close != NULL ? close + 3 : end;
		goto done;
	}
	if (q < end && *q == '/')
		q++;
	if (q >= end || !ascii_alpha(*q)) {
		past = p + 1;
		goto done;
	}
	for (; q < end && (quote != 0 || *q != '>'); q++) {
		if (quote != 0 && *q == quote) {
			quote = 0;
			closed = 1;
			continue;
		}
		if (quote == 0 && (*q == '"' || *q == '\'') && (q[-1] == '=' || text_is_space(q[-1])))
			quote = *q;
		else if (quote == 0 && !text_is_space(*q) && *q != '/' && *q != '=' && (closed || text_is_space(q[-1])))
			++*attributes;
		closed = 0;
	}
	if (q >= end) {
		past = end;
		goto done;
	}
	past = q + 1;
	/* (Most tags start with another letter: not compared at all.) */
	for (i = 0; i < n_raw && strchr("sintSINT", p[1]) != NULL; i++)
		if (is_tag(p, end, raw[i], 0)) {
			/* In SVG or MathML, libxml2 reads an end tag right after
			 * the start tag before any raw text: "</svg>" ends them
			 * all, as in HTML5. */
			if (!html5 && (is_tag(past, end, "svg", 1) || is_tag(past, end, "math", 1)))
				break;
			if (html5)
				*content = past;
			close = !html5 ? find_end_tag(past, end, raw[i]) : i == 0 ? script_end(past, end) :
			    raw_text_end(past, end, raw[i]);
			past = close != NULL ? close : end;
			break;
		}
done:
	return past;
}

/* Where the content of the element whose start tag is tag (a '<')
 * ends, content being where the tag ended, when HTML5 reads that content
 * as text and libxml2 2.9 as markup: <textarea> (what it shows, tags
 * included, up to its end tag), and the obsolete <xmp> and <plaintext>
 * (which never ends). NULL for any other tag. *literal tells whether
 * HTML5 shows the text as written, its character references too (<xmp>,
 * <plaintext>), rather than decoding them (<textarea>). */
static const char *
text_content_end(const char *tag, const char *content, const char *end, int *literal)
{
	static const char *const text[] = { "plaintext", "textarea", "xmp" };
	const char *close = NULL;
	size_t i;

	for (i = 0; i < sizeof text / sizeof *text && strchr("ptxPTX", tag[1]) != NULL; i++)
		if (is_tag(tag, end, text[i], 0)) {
			/* <plaintext> never ends; the others at their end tag,
			 * by HTML5's rule ("</textareax" is text), or at end. */
			close = strcmp(text[i], "plaintext") == 0 ? end : raw_text_end(content, end, text[i]);
			*literal = strcmp(text[i], "textarea") != 0;
			break;
		}
	return close;
}

/* The next '<' in [p, end), or '&' too when literal; NULL when none. */
static const char *
next_text_mark(const char *p, const char *end, int literal)
{
	for (; p < end; p++)
		if (*p == '<' || (literal && *p == '&'))
			return p;
	return NULL;
}

/* Readies in[from..] for libxml2 2.9, where markup stands (not in a tag,
 * a comment or a script):
 * - the '<' in what a <textarea>, <xmp> or <plaintext> holds are text, as
 *   browsers show them (text_content_end): they become "&lt;", and in
 *   <xmp> and <plaintext> the '&' "&amp;" (but in SVG or MathML, see
 *   below);
 * - "<!-->" and "<!--->" are whole, empty comments in HTML5 (and
 *   browsers); libxml2 reads on to the next "-->", or the end of the post,
 *   and drops all that as a comment: they become "<!---->"; a comment
 *   that "--!>" ends (as in HTML5) ends with "-->";
 * - a bogus comment of HTML5 ("<?php echo '<script>'; ?>", "I </3 <b>",
 *   "<![CDATA[ x ]]>"), which runs to the first '>' whatever it holds,
 *   becomes "<!---->": libxml2 reads a tag, a doctype or text in it (a
 *   CDATA section in SVG or MathML, text up to its "]]>" in HTML5, too:
 *   the sanitizer drops those, and where they end is no sure thing);
 * - outside <svg> and <math>, a <script>, <style>, <iframe>, <noembed>,
 *   <noframes>, <noscript> or <title> loses what it holds (which the
 *   sanitizer drops), up to where HTML5 ends it (script_end,
 *   raw_text_end): libxml2 could end a script earlier, its rest then
 *   shown as text, and reads markup in the others' text, where a comment
 *   or a <textarea> could swallow the rest of the post;
 * - libxml2 checks each attribute of a tag against all before it, in time
 *   that grows with their number squared, and keeps each in a node of a
 *   hundred bytes or more: the fragment is cut before a tag with more than
 *   HTML_MAX_ATTRIBUTES, or that takes their number in the fragment past
 *   HTML_MAX_ALL_ATTRIBUTES, and *truncated set. */
static int
scan_markup(struct buf *in, size_t from, int *truncated)
{
	struct buf out = { 0 };
	const char *p = in->data + from, *q = p, *end = in->data + in->len, *c, *text_end, *lt, *content;
	size_t k, attributes, all = 0;
	size_t foreign = 0;   /* <svg> and <math> open: no HTML5 raw text within */
	int changed = 0, literal = 0, bogus, rc = -1;

	/* p: copied up to here; q: scanned up to here. */
	while ((c = memchr(q, '<', (size_t)(end - q))) != NULL) {
		k = end - c > 4 && memcmp(c, "<!-->", 5) == 0 ? 5 : end - c > 5 && memcmp(c, "<!--->", 6) == 0 ? 6 : 0;
		if (k == 0) {
			q = skip_markup(c, end, foreign == 0, &attributes, &content, &bogus);
			if (attributes > HTML_MAX_ATTRIBUTES || (all += attributes) > HTML_MAX_ALL_ATTRIBUTES) {
				*truncated = 1;
				end = c;
				break;
			}
			if (bogus) {
				/* A bogus comment: libxml2 would read a tag in it
				 * (or a processing instruction, a doctype), and this
				 * scan a script, a textarea: an empty comment is what
				 * HTML5 shows of it, nothing. */
				if (!changed && buf_add(&out, in->data, (size_t)(p - in->data)) != 0)
					goto done;
				changed = 1;
				if (buf_add(&out, p, (size_t)(c - p)) != 0 || buf_adds(&out, "<!---->") != 0)
					goto done;
				p = q;
				continue;
			}
			/* Within <svg> or <math> (by their tags, and the HTML
			 * tags that end them: close enough). */
			if (end - c > 1 && strchr("smSM", c[1]) != NULL &&
			    (is_tag(c, end, "svg", 0) || is_tag(c, end, "math", 0)) &&
			    q[-2] != '/')
				foreign++;
			else if (foreign > 0 && (is_tag(c, end, "svg", 1) || is_tag(c, end, "math", 1)))
				foreign--;
			else if (foreign > 0 && end - c > 2) {
				const char *name = c + 1 + (c[1] == '/');
				size_t len = 0;

				while (name + len < end && is_alnum(name[len]))
					len++;
				if (breaks_foreign(name, len, c[1] == '/'))
					foreign = 0;
			}
			if (q - c >= 8 && memcmp(c, "<!--", 4) == 0 && memcmp(q - 4, "--!>", 4) == 0) {
				/* libxml2 reads on to a "-->". */
				if (!changed && buf_add(&out, in->data, (size_t)(p - in->data)) != 0)
					goto done;
				changed = 1;
				if (buf_add(&out, p, (size_t)(q - 2 - p)) != 0 || buf_addc(&out, '>') != 0)
					goto done;
				p = q;
				continue;
			}
			if (content != NULL && q > content) {
				/* libxml2 could end a script or style elsewhere
				 * than HTML5 does (or take a "</" that starts it for
				 * an end tag), and reads markup in an iframe's text:
				 * what they hold goes, as the sanitizer drops it. */
				if (!changed && buf_add(&out, in->data, (size_t)(p - in->data)) != 0)
					goto done;
				changed = 1;
				if (buf_add(&out, p, (size_t)(content - p)) != 0)
					goto done;
				p = q;
				continue;
			}
			if (foreign > 0 || (text_end = text_content_end(c, q, end, &literal)) == NULL ||
			    next_text_mark(q, text_end, literal) == NULL)
				continue;
			if (!changed && buf_add(&out, in->data, (size_t)(p - in->data)) != 0)
				goto done;
			changed = 1;
			for (; (lt = next_text_mark(q, text_end, literal)) != NULL; p = q = lt + 1)
				if (buf_add(&out, p, (size_t)(lt - p)) != 0 ||
				    buf_adds(&out, *lt == '<' ? "&lt;" : "&amp;") != 0)
					goto done;
			q = text_end;
			continue;
		}
		if (!changed && buf_add(&out, in->data, (size_t)(p - in->data)) != 0)
			goto done;
		changed = 1;
		if (buf_add(&out, p, (size_t)(c - p)) != 0 || buf_adds(&out, "<!---->") != 0)
			goto done;
		p = q = c + k;
	}
	if (changed) {
		if (buf_add(&out, p, (size_t)(end - p)) != 0)
			goto done;
		buf_free(in);
		*in = out;   /* in owns the contents now */
	} else {
		in->len = (size_t)(end - in->data);
		in->data[in->len] = '\0';
	}
	rc = 0;
done:
	if (rc != 0)
		buf_free(&out);
	return rc;
}

htmlDocPtr
html_parse_fragment_with(htmlParserCtxtPtr ctxt, const char *s, size_t n, int *truncated)
{
	struct buf in = { 0 }, markup = { 0 };
	_Static_assert(HTML_MAX_DEPTH <= SHRT_MAX, "struct level holds indexes as short");
	struct level levels[HTML_MAX_DEPTH];   /* (bounded: start_element stops the parse deeper) */
	struct parse_limits limits = { 0, 0, truncated, NULL, 0, 0, levels };
	htmlDocPtr doc = NULL;
	xmlNodePtr body;

	*truncated = 0;
	if (n > (size_t)INT32_MAX - sizeof fragment_prefix)
		goto done;
	/* Markup first, as written: what an <xmp> holds keeps its "&amp;"
	 * as text, which add_fragment would have made a number already.
	 * add_fragment may write more than it reads ("&#0;" is "&#65533;"):
	 * what libxml2 reads must still fit its int. */
	if (buf_add(&markup, s, n) != 0 || scan_markup(&markup, 0, truncated) != 0 ||
	    buf_reserve(&in, sizeof fragment_prefix + markup.len + markup.len / 16) != 0 ||   /* room for most at once */
	    buf_add(&in, fragment_prefix, sizeof fragment_prefix - 1) != 0 ||
	    add_fragment(&in, markup.data, markup.len) != 0 || in.len > (size_t)INT32_MAX)
		goto done;
	ctxt->_private = &limits;
	doc = htmlCtxtReadMemory(ctxt, in.data, (int)in.len, NULL, "UTF-8", FRAGMENT_OPTIONS);
	ctxt->_private = NULL;
	if (doc == NULL)
		goto done;
	/* libxml2 stops quietly when memory runs out: a post cut there is an
	 * error, not a shorter post. */
	if (ctxt->errNo == XML_ERR_NO_MEMORY) {
		xmlFreeDoc(doc);
		doc = NULL;
		goto done;
	}
	body = html_fragment_root(doc);
	if (body == NULL || gather_into_body(body) != 0) {
		xmlFreeDoc(doc);
		doc = NULL;
	}
done:
	buf_free(&markup);
	buf_free(&in);
	return doc;
}

xmlNodePtr
html_fragment_root(htmlDocPtr doc)
{
	xmlNodePtr root = xmlDocGetRootElement(doc), n = NULL;

	if (root != NULL) {
		for (n = root->children; n != NULL; n = n->next)
			if (is_named(n, "body"))
				break;
	}
	return n;
}

/* Steps to the node after n in document order within root, calling leave()
 * for each element it climbs out of. descend=0 skips n's children. */
static xmlNodePtr
next_node(xmlNodePtr n, xmlNodePtr root, int descend,
    void (*leave)(xmlNodePtr, void *), void *ctx)
{
	xmlNodePtr next = NULL;

	if (descend && n->children != NULL && n->type == XML_ELEMENT_NODE) {
		next = n->children;
	} else {
		while (n != root) {
			if (leave != NULL && n->type == XML_ELEMENT_NODE)
				leave(n, ctx);
			if (n->next != NULL) {
				next = n->next;
				break;
			}
			n = n->parent;
			if (n == NULL || n == root)
				break;
		}
	}
	return next;
}

/* Elements whose content is not text a reader sees (sorted). */
static const char *const hidden_elements[] = {
	"head", "iframe", "math", "noembed", "noframes", "noscript", "object", "script",
	"style", "svg", "template", "title"
};

/* Elements whose tags separate words (sorted). */
static const char *const block_elements[] = {
	"address", "article", "aside", "audio", "blockquote", "br", "canvas", "caption",
	"center", "dd", "details", "dialog", "dir", "div", "dl", "dt", "embed",
	"fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4",
	"h5", "h6", "header", "hgroup", "hr", "iframe", "legend", "li", "listing", "main",
	"marquee", "menu", "nav", "object", "ol", "p", "plaintext", "pre", "section",
	"summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul", "video", "xmp"
};

static int
separates_words(const char *name)
{
	return (name_class(name) & IS_BLOCK) != 0;
}

/* --- sanitizing -----------------------------------------------------------
 * Post content goes to other people's readers and browsers: only what a
 * reader needs stays. Elements: those in kept_elements stay, with only the
 * attributes in kept_attributes; those in dropped_elements go with all
 * they hold (scripts, styles, frames, plugins, form inputs, metadata, SVG
 * and MathML, which can carry scripts); any other element is unwrapped,
 * its content kept, or becomes a <div> (<ul> for dir and menu) when it
 * separates words (a form, a fieldset), so that the words around it stay
 * apart. Comments and processing instructions go.
 * URLs must be http(s), ftp, mailto, tel or a few chat schemes; data: URLs
 * only as raster images in img/source. The lists are documented in
 * README.md ("Content sanitizing"). */

/* Sorted. */
static const char *const kept_elements[] = {
	"a", "abbr", "acronym", "address", "article", "aside", "audio", "b", "bdi", "bdo",
	"big", "blockquote", "br", "caption", "center", "cite", "code", "col", "colgroup",
	"data", "dd", "del", "details", "dfn", "div", "dl", "dt", "em", "figcaption",
	"figure", "font", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup",
	"hr", "i", "img", "ins", "kbd", "li", "main", "mark", "nav", "ol", "p", "picture",
	"pre", "q", "rp", "rt", "ruby", "s", "samp", "section", "small", "source", "span",
	"strike", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th",
	"thead", "time", "tr", "track", "tt", "u", "ul", "var", "video", "wbr"
};

/* Sorted. Removed with everything inside them: what runs, loads or
 * styles, and the elements whose content is not text a reader sees (see
 * hidden_elements). Forms and their controls are not here: they are
 * unwrapped like any other element, so what a reader sees of them (a
 * button's label, a textarea's text) stays while no form, control or
 * action does. */
static const char *const dropped_elements[] = {
	"base", "basefont", "embed", "frame", "head", "iframe", "input", "isindex", "keygen",
	"link", "math", "meta", "noembed", "noframes", "noscript", "object", "param", "script",
	"style", "svg", "template", "title"
};

/* Sorted. Attributes any kept element may keep (all others go, on* and
 * style among them); name only on <a> (an anchor), since on an image it
 * would shadow a property of the document a web reader puts the post in
 * (<img name="cookie">: document.cookie). */
static const char *const kept_attributes[] = {
	"abbr", "align", "alt", "border", "cite", "class", "colspan", "controls", "datetime",
	"decoding", "default", "dir", "headers", "height", "href", "hreflang", "id", "kind", "label",
	"lang", "loading", "loop", "media", "muted", "name", "open", "playsinline", "poster",
	"preload", "reversed", "role", "rowspan", "scope", "sizes", "span", "src", "srclang",
	"srcset", "start", "title", "type", "valign", "value", "width"
};

/* Attributes holding one URL (sorted; attribute names come lower case). */
static const char *const url_attributes[] = {
	"action", "background", "cite", "data", "formaction", "href", "longdesc",
	"poster", "src", "usemap"
};

/* --- name classes ---------------------------------------------------------
 * The walk asks several of the lists above about each element, and two
 * about each attribute: one look-up of the name in a table of every name
 * they hold, with the lists it is in, costs less than a search of each.
 * The table is made once, from the lists, by the first thread to need it. */

#define CLASS_SLOTS 512   /* a power of 2; open addressing, at most half full */

_Static_assert(COUNT(hidden_elements) + COUNT(block_elements) + COUNT(kept_elements) +
    COUNT(dropped_elements) + COUNT(html5_void) + COUNT(kept_attributes) + COUNT(url_attributes) <=
    CLASS_SLOTS / 2, "CLASS_SLOTS is too small for the lists");

struct name_class {
	const char *name;   /* NULL: a free slot */
	unsigned flags;
};

static struct name_class classes[CLASS_SLOTS];
static pthread_once_t classes_made = PTHREAD_ONCE_INIT;

static size_t
class_slot(const char *name)
{
	const unsigned char *p = (const unsigned char *)name;
	size_t h = 5381;

	for (; *p != '\0'; p++)
		h = h * 33 + *p;
	return h & (CLASS_SLOTS - 1);
}

static void
add_class(const char *const *names, size_t count, unsigned flag)
{
	size_t i, slot;

	for (i = 0; i < count; i++) {
		for (slot = class_slot(names[i]); classes[slot].name != NULL && strcmp(classes[slot].name, names[i]) != 0;
		    slot = (slot + 1) & (CLASS_SLOTS - 1))
			;
		classes[slot].name = names[i];
		classes[slot].flags |= flag;
	}
}

static void
make_classes(void)
{
	add_class(hidden_elements, COUNT(hidden_elements), IS_HIDDEN);
	add_class(block_elements, COUNT(block_elements), IS_BLOCK);
	add_class(kept_elements, COUNT(kept_elements), IS_KEPT);
	add_class(dropped_elements, COUNT(dropped_elements), IS_DROPPED);
	add_class(html5_void, COUNT(html5_void), IS_HTML5_VOID);
	add_class(kept_attributes, COUNT(kept_attributes), KEPT_ATTRIBUTE);
	add_class(url_attributes, COUNT(url_attributes), URL_ATTRIBUTE);
}

/* The lists name is in (exactly: libxml2's HTML parser gives element and
 * attribute names in lower case), as IS_* and *_ATTRIBUTE flags. */
static unsigned
name_class(const char *name)
{
	size_t slot;
	unsigned flags = 0;

	pthread_once(&classes_made, make_classes);
	for (slot = class_slot(name); classes[slot].name != NULL; slot = (slot + 1) & (CLASS_SLOTS - 1))
		if (strcmp(classes[slot].name, name) == 0) {
			flags = classes[slot].flags;
			break;
		}
	return flags;
}

/* The lists element n is in; 0 for any other node. */
static unsigned
element_class(xmlNodePtr n)
{
	return n->type == XML_ELEMENT_NODE && n->name != NULL ? name_class((const char *)n->name) : 0;
}

/* Schemes a link or source may use (sorted). */
static const char *const kept_schemes[] = {
	"ftp", "ftps", "http", "https", "irc", "ircs", "magnet", "mailto", "news", "nntp",
	"tel", "xmpp"
};

/* Whether url[0..n) may stay in attribute attr of element elem. Browsers
 * drop tabs and new lines anywhere in a URL and leading controls and
 * spaces, so "java\tscript:" is javascript: too: the scheme is read their
 * way. */
static int
safe_url(const char *url, size_t n, const char *elem, const char *attr)
{
	char scheme[16];
	size_t k = 0;
	const unsigned char *p = (const unsigned char *)url, *end = p + n;
	int safe = 0;

	while (p < end && *p <= 0x20)
		p++;
	for (; p < end; p++) {
		if (*p == '\t' || *p == '\n' || *p == '\r')
			continue;
		if (*p == ':' && k == 0) {
			safe = 1;   /* ":x" has no scheme: a relative reference */
			goto done;
		}
		if (*p == ':')
			break;
		/* Another control: the writer drops it, and "java\1script:"
		 * would come out as javascript:. (The page loses them before
		 * it is parsed; this is for any other way in.) */
		if (*p < 0x20 || *p == 0x7f)
			goto done;
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (k > 0 && ((*p >= '0' && *p <= '9') || *p == '+' || *p == '-' || *p == '.')))) {
			safe = 1;   /* no scheme (one starts with a letter): a relative reference */
			goto done;
		}
		if (k < sizeof scheme - 1)
			scheme[k] = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
		k++;
	}
	if (p >= end) {
		safe = 1;   /* no ':' at all: relative */
		goto done;
	}
	if (k >= sizeof scheme)
		goto done;   /* a scheme too long to be one we keep */
	scheme[k] = '\0';
	if (in_table(scheme, kept_schemes, COUNT(kept_schemes))) {
		safe = 1;
	} else if (strcmp(scheme, "data") == 0 && (strcmp(elem, "img") == 0 || strcmp(elem, "source") == 0) &&
	    (strcmp(attr, "src") == 0 || strcmp(attr, "srcset") == 0)) {
		static const char *const images[] = { "image/avif", "image/bmp", "image/gif", "image/jpeg",
			"image/png", "image/webp" };
		size_t i;

		for (p++; p < end && *p == ' '; p++)
			;
		for (i = 0; i < COUNT(images); i++) {
			size_t len = strlen(images[i]);

			if ((size_t)(end - p) > len && strncasecmp((const char *)p, images[i], len) == 0 &&
			    (p[len] == ';' || p[len] == ',')) {
				safe = 1;
				break;
			}
		}
	}
done:
	return safe;
}

/* Puts n's children where n is, then frees n; returns the first child, or
 * what followed n. Links are set by hand: xmlAddPrevSibling would merge
 * adjacent text nodes and free the node the walk stands on. */
static xmlNodePtr
unwrap(xmlNodePtr n)
{
	xmlNodePtr first = n->children, last = n->last, c, after = n->next, next;

	if (first == NULL) {
		xmlUnlinkNode(n);
		xmlFreeNode(n);
		next = after;
		goto done;
	}
	for (c = first; c != NULL; c = c->next)
		c->parent = n->parent;
	first->prev = n->prev;
	last->next = n->next;
	if (n->prev != NULL)
		n->prev->next = first;
	else if (n->parent != NULL)
		n->parent->children = first;
	if (n->next != NULL)
		n->next->prev = last;
	else if (n->parent != NULL)
		n->parent->last = last;
	n->children = n->last = NULL;
	n->prev = n->next = NULL;
	n->parent = NULL;
	xmlFreeNode(n);
	next = first;
done:
	return next;
}

/* Gives n's children back to its parent, right after n, in order. Links
 * are set by hand, as in unwrap. */
static void
hoist(xmlNodePtr n)
{
	xmlNodePtr first = n->children, last = n->last, c;

	for (c = first; c != NULL; c = c->next)
		c->parent = n->parent;
	last->next = n->next;
	if (n->next != NULL)
		n->next->prev = last;
	else if (n->parent != NULL)
		n->parent->last = last;
	first->prev = n;
	n->next = first;
	n->children = n->last = NULL;
}

struct text_walk {
	struct buf out;
	size_t hidden;      /* hidden elements the walk is inside */
	int failed;
};

static void
text_leave(xmlNodePtr n, void *ctx)
{
	struct text_walk *w = ctx;
	unsigned class = element_class(n);

	if (class & IS_HIDDEN)
		w->hidden--;
	else if (w->hidden == 0 && (class & IS_BLOCK) && buf_addc(&w->out, ' ') != 0)
		w->failed = 1;
}

/* Walks the tree under root once: makes URL attributes absolute against
 * base (when base is not NULL), sanitizes (when asked), maps stray
 * characters in text nodes (fix_stray), and collects the visible text into w. */
static int fix_stray(xmlNodePtr n);
static int fix_attributes(xmlNodePtr n, const char *base, int sanitize);

static int
walk(xmlNodePtr root, const char *base, int sanitize, struct text_walk *w)
{
	xmlNodePtr n;
	int rc = -1;

	for (n = root->children; n != NULL && !w->failed;) {
		unsigned class = element_class(n);
		int descend = 1;

		if ((class & IS_HTML5_VOID) && n->children != NULL)
			hoist(n);
		if (sanitize && (n->type == XML_COMMENT_NODE || n->type == XML_PI_NODE || (class & IS_DROPPED))) {
			/* A block element (a form, an iframe) separated the words
			 * around it: a space takes its place to keep them apart.
			 * (xmlReplaceNode does not merge text nodes, unlike
			 * xmlAddPrevSibling, so the space stays a node of its own.) */
			xmlNodePtr gone = n, next;

			if (class & IS_BLOCK) {
				xmlNodePtr space = xmlNewDocText(n->doc, (const xmlChar *)" ");

				if (space == NULL)
					goto done;
				xmlReplaceNode(gone, space);
				if (w->hidden == 0 && buf_addc(&w->out, ' ') != 0) {
					xmlFreeNode(gone);
					goto done;
				}
				next = next_node(space, root, 0, text_leave, w);
			} else {
				/* Not a text node: n has no leave() to skip. */
				next = gone->next;
				if (next == NULL && gone->parent != root)
					next = next_node(gone->parent, root, 0, text_leave, w);
				xmlUnlinkNode(gone);
			}
			xmlFreeNode(gone);
			n = next;
			continue;
		}
		if (sanitize && n->type == XML_ELEMENT_NODE && !(class & IS_KEPT)) {
			xmlNodePtr parent = n->parent;

			if (class & IS_BLOCK) {
				/* Kept as a block, so the words around stay apart;
				 * the obsolete preformatted ones as browsers show
				 * them, their line breaks kept. */
				xmlNodeSetName(n, (const xmlChar *)(is_named(n, "dir") || is_named(n, "menu") ? "ul" :
				    is_named(n, "listing") || is_named(n, "xmp") || is_named(n, "plaintext") ? "pre" : "div"));
				if (n->name == NULL) {   /* out of memory: libxml2 left none */
					w->failed = 1;
					continue;
				}
				class = element_class(n);
			} else {
				/* Carry on with what the element held, or what followed
				 * it; with neither, climb out of its parent. */
				n = unwrap(n);
				if (n == NULL && parent != root)
					n = next_node(parent, root, 0, text_leave, w);
				continue;
			}
		}
		if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
			if (n->content != NULL && w->hidden == 0) {
				if (n->type == XML_TEXT_NODE && fix_stray(n) != 0)
					goto done;
				if (buf_adds(&w->out, (const char *)n->content) != 0)
					w->failed = 1;
			}
		} else if (n->type != XML_ELEMENT_NODE) {
			descend = 0;
		} else {
			if (n->properties != NULL && (base != NULL || sanitize) &&
			    fix_attributes(n, base, sanitize) != 0)
				goto done;
			/* Inside a hidden element (left only when not sanitizing:
			 * all of them are dropped then) text is not collected. */
			if (class & IS_HIDDEN)
				w->hidden++;
			else if (w->hidden == 0 && (class & IS_BLOCK) && buf_addc(&w->out, ' ') != 0)
				w->failed = 1;
		}
		n = next_node(n, root, descend, text_leave, w);
	}
	rc = w->failed ? -1 : 0;
done:
	return rc;
}

static char *
finish_text(struct text_walk *w, int rc)
{
	char *s = NULL;

	if (rc != 0) {
		buf_free(&w->out);
	} else {
		s = buf_take(&w->out);
		if (s != NULL)
			text_collapse_space(s);
	}
	return s;
}

/* The one walk behind html_text (sanitize 0) and html_prepare (sanitize 1). */
static char *
walk_text(xmlNodePtr root, const char *base, int sanitize)
{
	struct text_walk w = { { 0 }, 0, 0 };
	char *text;

	if (root == NULL || root->children == NULL)
		text = strdup("");
	else
		text = finish_text(&w, walk(root, base, sanitize, &w));
	return text;
}

char *
html_text(xmlNodePtr root)
{
	return walk_text(root, NULL, 0);
}

char *
html_prepare(xmlNodePtr root, const char *base)
{
	return walk_text(root, base, 1);
}

char *
html_fragment_text(const char *s, size_t n)
{
	htmlDocPtr doc;
	char *text = NULL;

	if (memchr(s, '<', n) == NULL && memchr(s, '&', n) == NULL) {
		/* As walk shows a text node (fix_stray): stray characters mapped. */
		if ((text = text_fix_stray(strndup(s, n))) != NULL)
			text_collapse_space(text);
	} else if ((doc = html_parse_fragment(s, n)) != NULL) {
		text = html_text(html_fragment_root(doc));
		xmlFreeDoc(doc);
	}
	return text;
}

char *
html_decode_attr(const char *s, size_t n)
{
	struct buf out = { 0 };
	const char *end = s + n;
	char *decoded = NULL;

	if (buf_reserve(&out, n) != 0)
		goto done;
	while (s < end) {
		const char *amp = memchr(s, '&', (size_t)(end - s));
		size_t run, k = 0;
		unsigned legacy, cp[2];
		int complete;

		if (amp == NULL) {
			if (buf_add(&out, s, (size_t)(end - s)) != 0)
				goto done;
			break;
		}
		if (buf_add(&out, s, (size_t)(amp - s)) != 0)
			goto done;
		s = amp + 1;
		if (s < end && *s == '#' &&
		    (k = text_numeric_ref(s + 1, (size_t)(end - s - 1), &cp[0], &complete)) > 0) {
			if (cp[0] != 0 && text_put_utf8(&out, cp[0]) != 0)
				goto done;
			s += 1 + k;
			continue;
		}
		if ((k = text_named_ref(s, (size_t)(end - s), cp)) > 0) {
			if (text_put_utf8(&out, cp[0]) != 0 || (cp[1] != 0 && text_put_utf8(&out, cp[1]) != 0))
				goto done;
			s += k;
			continue;
		}
		/* A legacy name with no ';' (see legacy_ref), by HTML5's rule for
		 * attributes: only when no letter, digit or '=' follows, so that
		 * "?a=1&copy=2" stays a query. */
		for (run = 0; s + run < end && is_alnum(s[run]); run++)
			;
		if (run > 0 && (legacy = legacy_ref(s, run, &k)) != 0 && k == run &&
		    (s + run == end || s[run] != '=')) {
			if (text_put_utf8(&out, legacy) != 0)
				goto done;
			s += run + (s + run < end && s[run] == ';');
			continue;
		}
		if (buf_addc(&out, '&') != 0)
			goto done;
	}
	decoded = buf_take(&out);
done:
	buf_free(&out);
	return decoded;
}

/* The next candidate of a srcset value ("a.png 1x, b.png 2x") from *p, as
 * HTML's srcset parser splits them: its URL, up to white space, without
 * the commas that may end it, which end the candidate too ("a.png,b.png"
 * is one URL, "a.png, b.png" two), and its descriptor ("2x", up to the
 * next comma outside parentheses, trailing space dropped). Returns 0 at
 * the end. */
static int
srcset_next(const char **p, const char **url, size_t *url_n, const char **desc, size_t *desc_n)
{
	const char *q = *p, *end;
	int found = 0, parens, comma;

	while (text_is_space(*q) || *q == ',')
		q++;
	if (*q != '\0') {
		*url = q;
		while (*q != '\0' && !text_is_space(*q))
			q++;
		for (end = q; end > *url && end[-1] == ','; end--)
			;
		*url_n = (size_t)(end - *url);
		*desc = q;
		/* Read as a descriptor, "a.png, javascript:x" would hide a
		 * second URL from the checks that browsers take as one. */
		for (parens = 0, comma = end < q; !comma && *q != '\0' && (parens || *q != ','); q++)
			parens = *q == '(' ? 1 : *q == ')' ? 0 : parens;
		for (end = q; end > *desc && text_is_space(end[-1]); end--)
			;
		*desc_n = (size_t)(end - *desc);
		*p = q;
		found = 1;
	}
	return found;
}

/* The byte two hex digits at p stand for, or -1. */
static int
hex_byte(const char *p)
{
	int hi = tolower((unsigned char)p[0]), lo, byte = -1;

	if (isxdigit(hi) && isxdigit(lo = tolower((unsigned char)p[1])))   /* a NUL is none */
		byte = (isdigit(hi) ? hi - '0' : hi - 'a' + 10) << 4 | (isdigit(lo) ? lo - '0' : lo - 'a' + 10);
	return byte;
}

/* The byte the escape at p ("%2F") stands for, or -1 when p starts none. */
static int
escaped_byte(const char *p)
{
	return p[0] == '%' ? hex_byte(p + 1) : -1;
}

/* Whether the '%' at p starts no escape ("%zz"): it stands for itself. */
static int
stray_percent(const char *p)
{
	return p[0] == '%' && escaped_byte(p) < 0;
}

/* Whether the quoted attribute value starting at v, in serialized HTML
 * starting at s, is an href or src: those libxml2's writer escapes. */
static int
escaped_value(const char *s, const char *v)
{
	return v - s >= 2 && (v[-1] == '"' || v[-1] == '\'') &&
	    ((v - s >= 7 && strncmp(v - 7, " href=", 6) == 0) || (v - s >= 6 && strncmp(v - 6, " src=", 5) == 0));
}

static size_t iri_sequence(const unsigned char *p, int query);

/* Whether every escape in the host [host, end) is of a non-ASCII byte,
 * and each character's bytes are one an IRI keeps: such a host was text
 * before a writer escaped it. */
static int
host_escapes_text(const char *host, const char *end)
{
	const char *p;
	size_t len, want;
	unsigned char bytes[4];
	int b, text = 1;

	for (p = host; text && p < end; p++) {
		if (*p != '%')
			continue;
		if (end - p < 3 || (b = hex_byte(p + 1)) < 0xC2) {
			text = 0;
			break;
		}
		want = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2;
		for (len = 0; len < want && end - p >= (ptrdiff_t)(3 * len + 3) && p[3 * len] == '%' &&
		    (b = hex_byte(p + 3 * len + 1)) >= 0x80; len++)
			bytes[len] = (unsigned char)b;
		text = len == want && iri_sequence(bytes, 0) == len;
		p += 3 * len - 1;
	}
	return text;
}

/* Writes the host [host, end), its escapes decoded, at w (w <= host: in
 * place); returns how many bytes it wrote. */
static size_t
decode_host(char *w, const char *host, const char *end)
{
	char *start = w;

	while (host < end) {
		if (*host == '%') {
			*w++ = (char)hex_byte(host + 1);
			host += 3;
		} else {
			*w++ = *host++;
		}
	}
	return (size_t)(w - start);
}

/* Puts back, in place, the brackets of IPv6 hosts ("http://[::1]/") that
 * xmlURIEscapeStr, and so libxml2's HTML writer in href and src, escapes
 * as "%5B" and "%5D": in a URL (values 0), or in serialized HTML, where
 * only a URL that starts an href or src value is one (values 1). There,
 * too, a host such as "bücher.example", which the writer escapes ("b%C3%
 * BCcher.example": Python's urlsplit, for one, reads that as the host),
 * is put back as text (see host_text). */
static void
unescape_hosts(char *s, int values)
{
	char *r, *w, *scheme, *host, *next, *at;
	const char *end;
	size_t n, lead;

	/* What precedes r is s[0..w): look back there. */
	for (r = w = strstr(s, "://"); r != NULL && *r != '\0';) {
		if (strncmp(r, "://", 3) == 0) {
			for (scheme = w; scheme > s && (isalnum((unsigned char)scheme[-1]) ||
			    strchr("+-.", scheme[-1]) != NULL); scheme--)
				;
			host = r + 3;
			if (scheme == w || !(values ? escaped_value(s, scheme) : scheme == s))
				goto copy;
			/* The host follows any user:password ("u@[::1]"), and a
			 * bracket ends it: "[a]@host" is a user's name. */
			for (at = host + strcspn(host, "/?#\"'"); at > host && at[-1] != '@'; at--)
				;
			if (strncmp(at, "%5B", 3) == 0) {
				n = strspn(at + 3, "0123456789abcdefABCDEF:.");
				if (strncmp(at + 3 + n, "%5D", 3) == 0 && strchr(":/?#\"'", at[6 + n]) != NULL) {
					lead = (size_t)(at - r);   /* "://" and any user:password */
					memmove(w, r, lead);
					w[lead] = '[';
					memmove(w + lead + 1, at + 3, n);
					w[lead + 1 + n] = ']';
					w += lead + 2 + n;
					r = at + 6 + n;
					continue;
				}
			}
			if (values) {
				/* The host ends where the URL's authority does, or
				 * the attribute value; it follows a user:password. */
				n = strcspn(host, "/?#\"'");
				for (end = host + n; n > 0 && host[n - 1] != '@'; n--)
					;
				host += n;
				if (memchr(host, '%', (size_t)(end - host)) != NULL && host_escapes_text(host, end)) {
					memmove(w, r, (size_t)(host - r));
					w += host - r;
					w += decode_host(w, host, end);
					r = (char *)end;
					continue;
				}
				host = r + 3;
			}
		}
copy:
		/* On to the next "://", the text up to it as it is. */
		if ((next = strstr(r + 1, "://")) == NULL)
			next = r + strlen(r);
		if (w != r)
			memmove(w, r, (size_t)(next - r));
		w += next - r;
		r = next;
	}
	if (w != NULL)
		*w = '\0';
}

char *
html_escape_url(const char *url)
{
	struct buf b = { 0 };
	xmlChar *e = NULL;
	char *out = NULL;
	const char *p, *hash = strchr(url, '#');

	/* A '%' that starts no escape stands for itself: "%25"; so does a
	 * '#' in the fragment, which RFC 3986 does not allow there: "%23". */
	if (buf_reserve(&b, strlen(url)) != 0)
		goto done;
	for (p = url; *p != '\0'; p++)
		if (buf_adds(&b, stray_percent(p) ? "%25" : *p == '#' && p > hash ? "%23" :
		    (char[2]){ *p, '\0' }) != 0)
			goto done;
	e = xmlURIEscapeStr((const xmlChar *)b.data, (const xmlChar *)";/?:@&=+$,#%");
	if (e != NULL && (out = strdup((const char *)e)) != NULL)
		unescape_hosts(out, 0);
done:
	buf_free(&b);
	xmlFree(e);
	return out;
}

/* Whether the code point cp may stand as it is in an IRI: RFC 3987's
 * ucschar (no C1 control, private use character, noncharacter, nor
 * U+FFF0..U+FFFF, U+FFFD included), or in a query its iprivate too, and no
 * bidi formatting character, which its 4.1 forbids. */
static int
iri_char(unsigned cp, int query)
{
	/* Bidirectional marks and controls are not, whatever the ranges say. */
	return !(cp == 0x200E || cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069)) &&
	    ((cp >= 0xA0 && cp <= 0xD7FF) || (cp >= 0xF900 && cp <= 0xFDCF) || (cp >= 0xFDF0 && cp <= 0xFFEF) ||
	    (cp >= 0x10000 && cp <= 0xDFFFD && (cp & 0xFFFF) <= 0xFFFD) || (cp >= 0xE1000 && cp <= 0xEFFFD) ||
	    (query && ((cp >= 0xE000 && cp <= 0xF8FF) || (cp >= 0xF0000 && (cp & 0xFFFF) <= 0xFFFD))));
}

/* The length of the well-formed UTF-8 sequence at p whose code point
 * iri_char keeps; 0 for one it does not, or for a byte that starts no
 * well-formed sequence. */
static size_t
iri_sequence(const unsigned char *p, int query)
{
	size_t n = *p >= 0xF0 ? 4 : *p >= 0xE0 ? 3 : 2, i;
	unsigned cp = *p & (n == 4 ? 0x07 : n == 3 ? 0x0F : 0x1F);
	static const unsigned least[] = { 0, 0, 0x80, 0x800, 0x10000 };
	size_t len = 0;

	if (*p >= 0xC2 && *p <= 0xF4) {
		for (i = 1; i < n && (p[i] & 0xC0) == 0x80; i++)
			cp = cp << 6 | (p[i] & 0x3F);
		if (i == n && cp >= least[n] && cp <= 0x10FFFF && (cp < 0xD800 || cp > 0xDFFF) && iri_char(cp, query))
			len = n;
	}
	return len;
}

char *
html_escape_iri(const char *url)
{
	static const char digits[] = "0123456789ABCDEF";
	struct buf b = { 0 };
	const unsigned char *p, *authority = NULL, *at = NULL, *v6 = NULL, *v6_end = NULL;
	char *out = NULL;
	size_t keep = 0, scheme = html_scheme_len(url);
	int query = 0, fragment = 0;   /* past the query's '?' (and before any '#'), past the '#' */

	if (buf_reserve(&b, strlen(url)) != 0)
		goto done;
	/* In "user@name@host" the last '@' ends the user information; an
	 * earlier one is part of it, as a browser reads it: "%40". */
	if (scheme > 0 && strncmp(url + scheme, "://", 3) == 0) {
		authority = (const unsigned char *)url + scheme + 3;
		for (p = authority; *p != '\0' && strchr("/?#", *p) == NULL; p++)
			if (*p == '@')
				at = p;
		/* Brackets are an IPv6 host's only ("?tags[]=x" is "%5B%5D"),
		 * as html_escape_url keeps them: hex digits, ':' and '.'. */
		v6 = at != NULL ? at + 1 : authority;
		p = *v6 == '[' ? v6 + 1 + strspn((const char *)v6 + 1, "0123456789abcdefABCDEF:.") : v6;
		if (*v6 == '[' && *p == ']' && strchr(":/?#", p[1]) != NULL)
			v6_end = p;
	}
	for (p = (const unsigned char *)url; *p != '\0'; p++) {
		/* A second '#' is none that RFC 3987 allows: "%23". */
		int second_hash = *p == '#' && fragment;

		if (*p == '#')
			fragment = 1;
		query = (query || *p == '?') && !fragment;
		/* Bytes of a character kept go as they are. */
		if (keep == 0 && *p >= 0x80)
			keep = iri_sequence(p, query);
		int bad = keep == 0 && (*p <= 0x20 || *p >= 0x7f || strchr("<>\"{}|\\^`", *p) != NULL ||
		    stray_percent((const char *)p) || (*p == '@' && authority != NULL && p >= authority && p < at) ||
		    ((*p == '[' || *p == ']') && (v6_end == NULL || (p != v6 && p != v6_end))) || second_hash);
		int failed = bad ? buf_addc(&b, '%') != 0 || buf_addc(&b, digits[*p >> 4]) != 0 ||
		    buf_addc(&b, digits[*p & 15]) != 0 : buf_addc(&b, (char)*p) != 0;

		if (failed)
			goto done;
		if (keep > 0)
			keep--;
	}
	out = buf_take(&b);
done:
	buf_free(&b);
	return out;
}

size_t
html_scheme_len(const char *url)
{
	size_t n = strspn(url, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-.");

	return n > 0 && url[n] == ':' && isalpha((unsigned char)url[0]) ? n : 0;
}

/* A site link in parts, each pointing into it: the authority (past any
 * "scheme://" or "//"), the host in it (an IPv6 literal with its
 * brackets), the port's digits (past leading zeros; none for 80 and 443)
 * and the path with its query, up to any fragment. */
struct site {
	const char *authority, *host, *port, *path;
	size_t authority_len, host_len, port_len, path_len;
	int web_scheme;   /* no scheme, or http or https */
};

static void
site_parts(const char *link, struct site *s)
{
	size_t scheme = html_scheme_len(link);
	const char *p = link, *end, *at, *colon = NULL, *q;

	s->web_scheme = 1;
	if (scheme > 0 && strncmp(link + scheme, "://", 3) == 0) {
		s->web_scheme = (scheme == 4 && strncasecmp(link, "http", 4) == 0) ||
		    (scheme == 5 && strncasecmp(link, "https", 5) == 0);
		p = link + scheme + 3;
	} else if (strncmp(p, "//", 2) == 0) {
		p += 2;
	} else if (strncasecmp(p, "http:", 5) == 0 || strncasecmp(p, "https:", 6) == 0) {
		s->web_scheme = 0;   /* "https:/x": a slash short, not a host named "https" */
	}
	end = p + strcspn(p, "/?#");
	s->authority = p;
	s->authority_len = (size_t)(end - p);
	for (at = NULL, q = p; q < end; q++)
		if (*q == '@')
			at = q;
	if (at != NULL)
		p = at + 1;
	if (*p == '[') {   /* "[::1]:8080": the port's ':' is past the ']' */
		q = memchr(p, ']', (size_t)(end - p));
		colon = q != NULL && q + 1 < end && q[1] == ':' ? q + 1 : NULL;
	} else {
		for (q = p; q < end; q++)
			if (*q == ':')
				colon = q;
	}
	s->host = p;
	s->host_len = (size_t)((colon != NULL ? colon : end) - p);
	s->port = colon != NULL ? colon + 1 : end;
	while (s->port + 1 < end && *s->port == '0')
		s->port++;
	s->port_len = (size_t)(end - s->port);
	if ((s->port_len == 2 && strncmp(s->port, "80", 2) == 0) ||
	    (s->port_len == 3 && strncmp(s->port, "443", 3) == 0))
		s->port_len = 0;
	s->path = end;
	s->path_len = strcspn(end, "#");
}

/* Whether s has a host, an IPv6 literal holding only what one may, and
 * a port, if any, of ASCII digits below 65536. */
static int
authority_ok(const struct site *s)
{
	size_t n = s->host_len > 0 && s->host[0] == '[' ? strspn(s->host + 1, "0123456789abcdefABCDEF:.") : 0;

	return s->host_len > 0 && (s->host[0] != '[' ? 1 : n + 2 == s->host_len && s->host[1 + n] == ']' &&
	    memchr(s->host + 1, ':', n) != NULL) &&
	    strspn(s->port, "0123456789") >= s->port_len &&
	    (s->port_len < 5 || (s->port_len == 5 && strncmp(s->port, "65535", 5) <= 0));
}

int
html_site_ok(const char *link)
{
	struct site s;

	site_parts(link, &s);
	return s.web_scheme && authority_ok(&s) &&
	    memchr(s.authority, '@', s.authority_len) == NULL && strpbrk(link, " \t\r\n\f\v") == NULL;
}

/* Orders byte strings a[0..n) and b[0..m), ASCII letters folded to lower
 * case when fold is set. */
static int
compare_bytes(const char *a, size_t n, const char *b, size_t m, int fold)
{
	size_t i;
	int x = 0, y = 0;

	for (i = 0; x == y && i < n && i < m; i++) {
		x = (unsigned char)a[i];
		y = (unsigned char)b[i];
		if (fold && x >= 'A' && x <= 'Z')
			x += 'a' - 'A';
		if (fold && y >= 'A' && y <= 'Z')
			y += 'a' - 'A';
	}
	return x != y ? (x < y ? -1 : 1) : n < m ? -1 : n > m;
}

int
html_site_cmp(const char *a, const char *b)
{
	struct site x, y;
	int c, x_slash, y_slash;

	size_t xq, yq, x_end, y_end;

	site_parts(a, &x);
	site_parts(b, &y);
	/* An empty path is "/" (RFC 3986, 6.2.3), before a query too; and a
	 * blog's folder is one with its last "/" or without ("/blog/" and
	 * "/blog"), which its software may write either way. Path, then
	 * query: an order of pairs. */
	x_slash = x.path_len > 0 && x.path[0] == '/';
	y_slash = y.path_len > 0 && y.path[0] == '/';
	xq = (size_t)x_slash + strcspn(x.path + x_slash, "?");
	yq = (size_t)y_slash + strcspn(y.path + y_slash, "?");
	xq = xq < x.path_len ? xq : x.path_len;
	yq = yq < y.path_len ? yq : y.path_len;
	x_end = xq >= (size_t)x_slash + 2 && x.path[xq - 1] == '/' && x.path[xq - 2] != '/' ? xq - 1 : xq;
	y_end = yq >= (size_t)y_slash + 2 && y.path[yq - 1] == '/' && y.path[yq - 2] != '/' ? yq - 1 : yq;
	if ((c = compare_bytes(x.host, x.host_len, y.host, y.host_len, 1)) == 0 &&
	    (c = compare_bytes(x.port, x.port_len, y.port, y.port_len, 0)) == 0 &&
	    (c = compare_bytes(x.path + x_slash, x_end - (size_t)x_slash, y.path + y_slash, y_end - (size_t)y_slash,
	    0)) == 0)
		c = compare_bytes(x.path + xq, x.path_len - xq, y.path + yq, y.path_len - yq, 0);
	return c;
}

int
html_authority_ok(const char *url)
{
	struct site s;

	site_parts(url, &s);
	return authority_ok(&s);
}

int
html_same_site(const char *a, const char *b)
{
	return html_site_cmp(a, b) == 0;
}

void
html_url_slashes(char *url)
{
	static const char *const web[] = { "http", "https", "ftp", "ws", "wss", "file" };
	size_t n = html_scheme_len(url);
	size_t i;
	char *p;
	int special = 1;   /* relative, or a scheme in web[] */

	if (n > 0) {
		for (i = 0; i < sizeof web / sizeof web[0]; i++)
			if (strlen(web[i]) == n && strncasecmp(url, web[i], n) == 0)
				break;
		special = i < sizeof web / sizeof web[0];
	}
	if (special) {
		for (p = url; *p != '\0' && *p != '?' && *p != '#'; p++)
			if (*p == '\\')
				*p = '/';
	}
}

char *
html_url_special(const char *url, const char *base)
{
	size_t n = html_scheme_len(url), slashes, k = base != NULL ? html_scheme_len(base) : 0;
	const char *rest;
	char *out = NULL;

	if (n == 0 && (slashes = strspn(url, "/")) > 2 &&
	    ((k == 4 && strncasecmp(base, "http", 4) == 0) || (k == 5 && strncasecmp(base, "https", 5) == 0))) {
		/* "///host/x" on an http(s) page names the host as "//host/x". */
		out = url[slashes] == '\0' || strchr("?#", url[slashes]) != NULL ? strdup("") :
		    buf_concat("//", url + slashes, NULL);
		goto done;
	}
	if (!((n == 4 && strncasecmp(url, "http", 4) == 0) || (n == 5 && strncasecmp(url, "https", 5) == 0))) {
		out = strdup(url);
		goto done;
	}
	rest = url + n + 1;
	slashes = strspn(rest, "/");
	if (slashes == 2) {
		out = strdup(url);
	} else if (slashes < 2 && base != NULL && html_scheme_len(base) == n && strncasecmp(base, url, n) == 0) {
		/* "https:File:x.png" is the path "./File:x.png", no scheme. */
		out = html_scheme_len(rest) > 0 ? buf_concat("./", rest, NULL) : strdup(rest);
	} else if (rest[slashes] == '\0' || strchr("/?#", rest[slashes]) != NULL) {
		out = strdup("");   /* no host: no URL at all */
	} else if ((out = malloc(n + 4 + strlen(rest + slashes))) != NULL) {
		memcpy(out, url, n);
		strcpy(out + n, "://");
		strcat(out, rest + slashes);
	}
done:
	return out;
}

/* Puts back the colons libxml2 escaped in url's path: its xmlSaveUri
 * writes ':' in a path as "%3A" (so that a relative path cannot be read
 * as a scheme), which in an absolute URL only makes a link differ from
 * the one a browser follows ("/wiki/Special:Random"). */
static void
path_colons(char *url)
{
	size_t n = html_scheme_len(url);
	char *p = url + n, *out;

	if (n == 0 || strncmp(p, "://", 3) != 0)
		goto done;
	p += 3 + strcspn(p + 3, "/?#");   /* past the host */
	for (out = p; *p != '\0' && *p != '?' && *p != '#';) {
		if (p[0] == '%' && p[1] == '3' && (p[2] == 'A' || p[2] == 'a')) {
			*out++ = ':';
			p += 3;
		} else {
			*out++ = *p++;
		}
	}
	memmove(out, p, strlen(p) + 1);
done:
	return;
}

/* Whether an escape of c may be decoded without changing the URL (RFC
 * 3986 2.3: it is "unreserved"). */
static int
unreserved(int c)
{
	return c >= 0 && c < 0x80 && (isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~');
}

/* xmlBuildURI decodes the escapes in a relative reference's path and
 * fragment, and in its base's, then escapes again only what a path may
 * not hold: "a%2Fb" would come back "a/b", another page, and "a%00b"
 * cut short. So every '%' but those of escapes it may decode (an
 * unreserved character's: "%2E%2E" is "..", as in a browser) is hidden
 * from it as an escape of its own ("%252F", a lone '%' "%2525"), which
 * it decodes to the text "%2F" and writes back as "%252F";
 * reveal_escapes then turns each "%25XY" back into "%XY". Malloc'd. */
static char *
hide_escapes(const char *url)
{
	struct buf b = { 0 };
	char *out = NULL;
	int c;

	if (buf_reserve(&b, strlen(url)) != 0)
		goto done;
	for (; *url != '\0'; url++) {
		if (*url != '%' || unreserved(c = escaped_byte(url))) {
			if (buf_addc(&b, *url) != 0)
				goto done;
		} else if (buf_adds(&b, c < 0 ? "%2525" : "%25") != 0) {
			goto done;
		}
	}
	out = buf_take(&b);
done:
	buf_free(&b);
	return out;
}

static void
reveal_escapes(char *url)
{
	char *w = url;
	int c;

	while (*url != '\0') {
		if (escaped_byte(url) == '%' && (c = hex_byte(url + 3)) >= 0 && !unreserved(c)) {
			*w++ = '%';   /* "%25" + "XY" is "%XY" */
			url += 3;
		} else {
			*w++ = *url++;
		}
	}
	*w = '\0';
}

/* Whether libxml2 takes url as a URI reference. */
static int
parses(const char *url)
{
	xmlURIPtr uri = xmlParseURI(url);

	xmlFreeURI(uri);
	return uri != NULL;
}

/* Where url's host starts (site_parts), NULL when url has no authority
 * ("scheme://" or "//"): a relative reference names none. *end is set
 * past the host. */
static const char *
host_of(const char *url, const char **end)
{
	size_t n = html_scheme_len(url);
	struct site site;
	const char *host = NULL;

	if (n > 0 ? strncmp(url + n, "://", 3) == 0 : strncmp(url, "//", 2) == 0) {
		site_parts(url, &site);
		host = site.host;
		*end = site.host + site.host_len;
	}
	return host;
}

/* Whether url's host holds a byte that is no ASCII. */
static int
host_not_ascii(const char *url)
{
	const char *end, *host = host_of(url, &end);

	for (; host != NULL && host < end && (unsigned char)*host < 0x80; host++)
		;
	return host != NULL && host < end;
}

char *
html_iri_to_uri(const char *iri)
{
	struct buf b = { 0 };
	char *host = NULL, *ascii = NULL, *out = NULL;
	const char *he = NULL, *h = host_of(iri, &he);

	if (host_not_ascii(iri)) {
		int rc;

		if ((host = strndup(h, (size_t)(he - h))) == NULL)
			goto done;
		/* As libcurl reads a host (and browsers): IDNA 2008 with UTS #46
		 * mapping, nontransitional ("ß" stays itself), the input in NFC
		 * first; else transitional, as IDNA 2003 read it. */
		rc = idn2_to_ascii_8z(host, &ascii, IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL);
		if (rc != IDN2_OK && rc != IDN2_MALLOC)
			rc = idn2_to_ascii_8z(host, &ascii, IDN2_TRANSITIONAL);
		if (rc == IDN2_MALLOC)
			goto done;
		/* The mapping turns full-width '／', '＠', '：'... into ASCII ones:
		 * such a host would become another one ("a.example＠b.example" the
		 * user a.example at b.example), so it is refused as IDNA refuses
		 * a host. A host is letters, digits, '-' and '.'. */
		if (rc == IDN2_OK && ascii[strspn(ascii, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "0123456789-.")] == '\0' && (buf_add(&b, iri, (size_t)(h - iri)) != 0 || buf_adds(&b, ascii) != 0 ||
		    buf_adds(&b, he) != 0))
			goto done;
	}
	out = html_escape_url(b.data != NULL ? b.data : iri);
done:
	free(host);
	idn2_free(ascii);
	buf_free(&b);
	return out;
}

/* Decodes the escapes of non-ASCII bytes in url's host when they spell
 * characters an IRI keeps: libxml2 takes a host such as "bücher.example"
 * only percent-encoded, which Python's urlsplit, for one, reads as the
 * host "b%c3%bccher.example"; the page wrote it as text. Only for such a
 * host: one the page wrote percent-encoded stays so. libxml2 2.9 writes
 * the host it parsed decoded already (nothing is left to do here): this
 * is for a libxml2 that writes it as it was given. */
static void
host_text(char *url)
{
	const char *stop;
	char *host = (char *)host_of(url, &stop);

	if (host != NULL && host_escapes_text(host, stop))
		memmove(host + decode_host(host, host, stop), stop, strlen(stop) + 1);
}

int
html_resolve(const char *ref, const char *base, char **resolved)
{
	struct buf clean = { 0 };
	xmlChar *abs = NULL;
	const char *end;
	char *escaped = NULL, *hidden = NULL, *hidden_base = NULL, *special = NULL, *abs_iri;
	int rc = -1;

	/* As a browser reads a URL attribute: surrounding spaces and controls
	 * go, and so do tabs and new lines inside. */
	while (*ref != '\0' && (unsigned char)*ref <= 0x20)
		ref++;
	for (end = ref + strlen(ref); end > ref && (unsigned char)end[-1] <= 0x20; end--)
		;
	*resolved = NULL;
	if (buf_reserve(&clean, (size_t)(end - ref)) != 0)
		goto done;
	for (; ref < end; ref++)
		if (*ref != '\t' && *ref != '\n' && *ref != '\r' && buf_addc(&clean, *ref) != 0)
			goto done;
	rc = 0;
	if (clean.len == 0 || clean.len > HTML_URL_MAX)
		goto done;
	html_url_slashes(clean.data);
	if ((special = html_url_special(clean.data, base)) == NULL) {
		rc = -1;
		goto done;
	}
	if (special[0] == '\0') {   /* "http:" with no host: no link */
		*resolved = special;
		special = NULL;
		goto done;
	}
	/* A colon before any '/' in a reference with no scheme ("my
	 * photo:2.png", "1x:y"): RFC 3986 wants "./" before such a path,
	 * browsers do without. */
	if (html_scheme_len(special) == 0 && special[0] != '/' &&
	    strcspn(special, ":") < strcspn(special, "/?#")) {
		char *dotted = buf_concat("./", special, NULL);

		free(special);
		if ((special = dotted) == NULL) {
			rc = -1;
			goto done;
		}
	}
	if ((hidden = hide_escapes(special)) == NULL || (hidden_base = hide_escapes(base)) == NULL) {
		rc = -1;
		goto done;
	}
	/* A base libxml2 cannot parse (a site "https://bücher.example/"),
	 * percent-encoded as the reference below. */
	if (!parses(hidden_base)) {
		char *escaped_base = html_escape_url(hidden_base);

		free(hidden_base);
		if ((hidden_base = escaped_base) == NULL) {
			rc = -1;
			goto done;
		}
	}
	abs = xmlBuildURI((const xmlChar *)hidden, (const xmlChar *)hidden_base);
	/* libxml2 takes only strict RFC 3986 references; browsers also take
	 * spaces, non-ASCII and the like, and send them percent-encoded. */
	if (abs == NULL && (escaped = html_escape_url(hidden)) == NULL)
		rc = -1;
	else if (abs == NULL)
		abs = xmlBuildURI((const xmlChar *)escaped, (const xmlChar *)hidden_base);
	if (abs != NULL && (*resolved = strdup((const char *)abs)) == NULL)
		rc = -1;
	if (*resolved != NULL) {
		path_colons(*resolved);   /* before: "%253A" is no colon */
		/* The host the result has: the reference's, when it has one. */
		if (host_of(special, &end) != NULL ? host_not_ascii(special) : host_not_ascii(base))
			host_text(*resolved);
		reveal_escapes(*resolved);
		/* libxml2 writes a host as it decodes it: a byte that is no
		 * UTF-8 ("%FC") would be one in the feeds. */
		if ((abs_iri = html_escape_iri(*resolved)) == NULL) {
			free(*resolved);
			*resolved = NULL;
			rc = -1;
		} else {
			free(*resolved);
			*resolved = abs_iri;
		}
	}
done:
	buf_free(&clean);
	xmlFree(abs);
	free(escaped);
	free(hidden);
	free(hidden_base);
	free(special);
	return rc;
}

/* A srcset value with each candidate's URL resolved against base,
 * malloc'd; NULL when memory runs out. */
static char *
resolve_srcset(const char *value, const char *base)
{
	struct buf out = { 0 };
	const char *p = value, *url, *desc;
	char *resolved = NULL;
	size_t url_n, desc_n;

	if (buf_reserve(&out, 0) != 0)
		goto done;
	while (srcset_next(&p, &url, &url_n, &desc, &desc_n)) {
		char *one = strndup(url, url_n), *abs = NULL;
		int failed = one == NULL || html_resolve(one, base, &abs) != 0 ||
		    (out.len > 0 && buf_adds(&out, ", ") != 0) ||
		    buf_adds(&out, abs != NULL && abs[0] != '\0' ? abs : one) != 0 ||
		    (desc_n > 0 && buf_add(&out, desc, desc_n) != 0);

		free(one);
		free(abs);
		if (failed)
			goto done;
	}
	resolved = buf_take(&out);
done:
	buf_free(&out);
	return resolved;
}

/* Whether every candidate URL of a srcset value may stay. */
static int
safe_srcset(const char *value, const char *elem)
{
	const char *p = value, *url, *desc;
	size_t url_n, desc_n;
	int safe = 1;

	while (srcset_next(&p, &url, &url_n, &desc, &desc_n)) {
		if (!safe_url(url, url_n, elem, "srcset")) {
			safe = 0;
			break;
		}
	}
	return safe;
}

/* libxml2's HTML writer leaves "&{" in an attribute value unescaped up to
 * the next "}" (HTML 4's script macros), so a reader would decode what lies
 * between once more (alt="&amp;{&amp;lt;}" would come back as "&{<}"). It
 * escapes each text node of the value apart, and a '&' that ends one
 * normally: so each text node of a is cut after every '&' before a '{'.
 * The writer joins a value's nodes one by one, in time that grows with
 * their number times the value's length: a value with more than
 * SCRIPT_MACROS_MAX (no real one has) is not cut; 1 is returned, and the
 * caller drops it. 0, or -1 when memory runs out. */
#define SCRIPT_MACROS_MAX 64

/* The first "&{" in s, or NULL (by hand: a sanitizer's strstr measures
 * all of s at each call, and a value may hold thousands). */
static const char *
find_macro(const char *s)
{
	for (; *s != '\0'; s++)
		if (s[0] == '&' && s[1] == '{')
			return s;
	return NULL;
}

static int
split_script_macros(xmlAttrPtr a)
{
	xmlNodePtr t, next, first, last, piece;
	const char *s, *amp;
	char *head;
	size_t n = 0;
	int rc = 1;

	for (t = a->children; t != NULL; t = t->next)
		for (s = t->type == XML_TEXT_NODE ? (const char *)t->content : NULL;
		    s != NULL && (amp = find_macro(s)) != NULL; s = amp + 1)
			n++;
	if (n > SCRIPT_MACROS_MAX)
		goto done;
	rc = -1;
	for (t = a->children; t != NULL; t = next) {
		next = t->next;
		if (t->type != XML_TEXT_NODE || t->content == NULL ||
		    (amp = find_macro((const char *)t->content)) == NULL)
			continue;
		/* The pieces after the first, each up to its '&' before a '{',
		 * made from the value as it is, then linked by hand after t
		 * (xmlAddNextSibling would merge them again). */
		first = last = NULL;
		for (s = amp + 1; s != NULL; s = amp != NULL ? amp + 1 : NULL) {
			amp = find_macro(s);
			piece = xmlNewDocTextLen(t->doc, (const xmlChar *)s, amp != NULL ? (int)(amp + 1 - s) : (int)strlen(s));
			if (piece == NULL) {
				xmlFreeNodeList(first);
				goto done;
			}
			piece->parent = t->parent;
			piece->prev = last;
			if (last != NULL)
				last->next = piece;
			else
				first = piece;
			last = piece;
		}
		amp = find_macro((const char *)t->content);
		head = strndup((const char *)t->content, (size_t)(amp + 1 - (const char *)t->content));
		if (head != NULL)
			xmlNodeSetContent(t, (const xmlChar *)head);
		free(head);
		if (head == NULL || t->content == NULL) {   /* libxml2 ran out of memory */
			xmlFreeNodeList(first);
			goto done;
		}
		first->prev = t;
		last->next = next;
		if (next != NULL)
			next->prev = last;
		else
			a->last = last;
		t->next = first;
	}
	rc = 0;
done:
	return rc;
}

/* One pass over an element's attributes: URLs made absolute against base
 * (when not NULL); when sanitizing, attributes not kept removed, and URLs
 * that may not stay (a srcset: if any candidate may not). */
static int
fix_attributes(xmlNodePtr n, const char *base, int sanitize)
{
	xmlAttrPtr a, next;
	int rc = -1;

	for (a = n->properties; a != NULL; a = next) {
		const char *name = (const char *)a->name;
		unsigned class = name_class(name);
		int srcset = strcmp(name, "srcset") == 0, keep = 1;
		char *value, *resolved = NULL;
		const char *v;

		next = a->next;
		if (sanitize && !(a->ns == NULL && ((class & KEPT_ATTRIBUTE) ||
		    strncmp(name, "aria-", 5) == 0) && (strcmp(name, "name") != 0 || is_named(n, "a")))) {
			xmlRemoveProp(a);
			continue;
		}
		if (!srcset && !(class & URL_ATTRIBUTE))
			continue;
		if ((value = (char *)xmlNodeGetContent((xmlNodePtr)a)) == NULL)
			goto done;
		if (base != NULL) {
			/* href="" links to the page it is on: the post (base is
			 * its permalink, or without one its source's site). */
			int here = strcmp(name, "href") == 0 && value[strspn(value, " \t\n\f\r")] == '\0', failed;

			if (here)
				failed = (resolved = strndup(base, strcspn(base, "#"))) == NULL;
			else if (srcset)
				failed = (resolved = resolve_srcset(value, base)) == NULL;
			else
				failed = html_resolve(value, base, &resolved) != 0;
			if (failed) {
				xmlFree(value);
				goto done;
			}
		}
		v = resolved != NULL ? resolved : value;
		if (sanitize)
			keep = srcset ? safe_srcset(v, (const char *)n->name)
			    : safe_url(v, strlen(v), (const char *)n->name, name);
		if (resolved != NULL && resolved[0] == '\0' && !srcset)
			keep = 0;   /* an http(s) URL with no host */
		if (!keep)
			xmlRemoveProp(a);
		else if (resolved != NULL && strcmp(resolved, value) != 0 &&
		    xmlSetProp(n, a->name, (const xmlChar *)resolved) == NULL)
			keep = -1;
		free(resolved);
		xmlFree(value);
		if (keep < 0)
			goto done;
	}
	rc = 0;
done:
	return rc;
}

/* Rewrites U+0080..U+009F in a text node to the Windows-1252 characters
 * of those bytes: C1 controls written into a UTF-8 page are nearly always
 * Windows-1252 text decoded as Latin-1 upstream. (References &#128;..&#159;
 * never get here: add_fragment writes them as their Windows-1252
 * characters before parsing.) Noncharacters, which only references can
 * bring here, become U+FFFD (text_fix_stray). */
static int
fix_stray(xmlNodePtr n)
{
	char *fixed = NULL;
	int rc = 0;

	if (text_has_stray((const char *)n->content)) {
		rc = -1;
		if ((fixed = text_fix_stray(strdup((const char *)n->content))) == NULL)
			goto done;
		xmlNodeSetContent(n, (const xmlChar *)fixed);
		rc = n->content != NULL ? 0 : -1;   /* NULL: libxml2 ran out of memory */
	}
done:
	free(fixed);
	return rc;
}

char *
html_base_href(const char *s, size_t n)
{
	htmlDocPtr doc = html_parse_fragment(s, n);
	xmlNodePtr root, e;
	xmlChar *href = NULL;
	char *out = NULL;

	if (doc == NULL || (root = html_fragment_root(doc)) == NULL)
		goto done;
	/* Not inside <noscript> (text to a browser that runs scripts) or
	 * <template> (no part of the document). */
	for (e = root->children; e != NULL && href == NULL;
	    e = next_node(e, root, !is_named(e, "noscript") && !is_named(e, "template"), NULL, NULL))
		if (is_named(e, "base") && xmlHasProp(e, (const xmlChar *)"href") != NULL &&
		    (href = xmlGetProp(e, (const xmlChar *)"href")) == NULL)
			goto done;
	out = strdup(href != NULL ? (const char *)href : "");
done:
	xmlFree(href);
	xmlFreeDoc(doc);
	return out;
}

void
html_unescape_hosts(char *html)
{
	unescape_hosts(html, 1);
}

/* libxml2's HTML writer URI-escapes the values of href, src, action and
 * <a name> (when neither they nor their element have a namespace) with
 * xmlURIEscapeStr, which escapes '$' as well: "?$top=2" would be written
 * "?%24top=2", another URL (RFC 3986, 6.2.2.2). Such a value is escaped
 * here as the writer would, but for '$', and the attribute given this
 * namespace, which has no prefix: the writer then writes the value as it
 * is (entities escaped), under its bare name. */
static xmlNs as_escaped = { .type = XML_NAMESPACE_DECL, .href = (const xmlChar *)"" };

static int
writer_escapes(xmlNodePtr n, xmlAttrPtr a)
{
	const xmlChar *name = a->name;

	return a->ns == NULL && n->ns == NULL && a->children != NULL && !htmlIsBooleanAttr(name) &&
	    (xmlStrcasecmp(name, (const xmlChar *)"href") == 0 ||
	    xmlStrcasecmp(name, (const xmlChar *)"src") == 0 ||
	    xmlStrcasecmp(name, (const xmlChar *)"action") == 0 ||
	    (xmlStrcasecmp(name, (const xmlChar *)"name") == 0 && xmlStrcasecmp(n->name, (const xmlChar *)"a") == 0));
}

/* a's value escaped as libxml2's writer would (leading blanks dropped),
 * '$' kept. 0, or -1 when memory runs out. */
static int
escape_for_writer(xmlAttrPtr a)
{
	xmlChar *value = xmlNodeGetContent((xmlNodePtr)a), *escaped = NULL;
	const xmlChar *v = value;
	xmlNodePtr text = NULL;
	int rc = -1;

	if (value == NULL)
		goto done;
	while (IS_BLANK_CH(*v))
		v++;
	if ((escaped = xmlURIEscapeStr(v, (const xmlChar *)"@/:=?;#%&,+<>$")) == NULL ||
	    (text = xmlNewDocText(a->doc, escaped)) == NULL)
		goto done;
	xmlFreeNodeList(a->children);
	text->parent = (xmlNodePtr)a;
	a->children = a->last = text;
	a->ns = &as_escaped;
	rc = 0;
done:
	xmlFree(escaped);
	xmlFree(value);
	return rc;
}

int
html_ready_for_writer(xmlNodePtr root)
{
	xmlNodePtr n;
	xmlAttrPtr a, next;
	int rc = 0;

	for (n = root->children; rc == 0 && n != NULL; n = next_node(n, root, 1, NULL, NULL))
		if (n->type == XML_ELEMENT_NODE)
			for (a = n->properties; rc == 0 && a != NULL; a = next) {
				next = a->next;
				if (writer_escapes(n, a))
					rc = escape_for_writer(a);
				else if ((rc = split_script_macros(a)) == 1) {
					xmlRemoveProp(a);
					rc = 0;
				}
			}
	return rc;
}

char *
html_serialize(htmlDocPtr doc, xmlNodePtr root)
{
	xmlOutputBufferPtr out = NULL;
	xmlNodePtr n;
	xmlAttrPtr a;
	char *s = NULL;
	const xmlChar *content;
	int ready = html_ready_for_writer(root) == 0;

	if (!ready)
		goto done;
	out = xmlAllocOutputBuffer(NULL);
	if (out == NULL)
		goto done;
	for (n = root->children; n != NULL; n = n->next)
		htmlNodeDumpFormatOutput(out, doc, n, "UTF-8", 0);
	xmlOutputBufferFlush(out);
	content = xmlOutputBufferGetContent(out);
	if (out->error == 0 && content != NULL && (s = strdup((const char *)content)) != NULL)
		unescape_hosts(s, 1);
done:
	/* The tree as it was, but for the values: in no namespace. */
	for (n = root->children; n != NULL; n = next_node(n, root, 1, NULL, NULL))
		if (n->type == XML_ELEMENT_NODE)
			for (a = n->properties; a != NULL; a = a->next)
				if (a->ns == &as_escaped)
					a->ns = NULL;
	if (out != NULL)
		xmlOutputBufferClose(out);
	return s;
}

/* --- where a position lies, as a browser tokenizes ------------------------ */

/* Within a tag (struct html_scan's state). */
enum { TAG_NAME, TAG_ATTRS, TAG_AFTER_EQ, TAG_UNQUOTED, BOGUS };

/* Elements whose content a browser reads as text to their end tag. */
static const char *const raw_text[] = {
	"script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript", NULL
};

/* The first "-->" or "--!>" in p[0..end). */
static const char *
comment_end(const char *p, const char *end)
{
	const char *q;

	while (p < end && (q = memmem(p, (size_t)(end - p), "--", 2)) != NULL) {
		if ((q + 2 < end && q[2] == '>') || (q + 3 < end && q[2] == '!' && q[3] == '>'))
			return q;
		p = q + 1;
	}
	return NULL;
}

/* The first end tag of the raw-text element name in p[0..end)
 * (raw_text_end), or NULL. */
static const char *
raw_end(const char *p, const char *end, const char *name)
{
	const char *q = raw_text_end(p, end, name);

	return q != end ? q : NULL;
}

/* Whether the tag at hand is named name (lower case). */
static int
is_name(const struct html_scan *s, const char *name)
{
	return s->name_len == strlen(name) && memcmp(s->name, name, s->name_len) == 0;
}

/* The raw-text element the tag at hand opens (its raw_text entry), or
 * NULL. */
static const char *
raw_text_of(const struct html_scan *s)
{
	size_t i;

	for (i = 0; raw_text[i] != NULL; i++)
		if (is_name(s, raw_text[i]))
			return raw_text[i];
	return NULL;
}

void
html_scan_start(struct html_scan *s, const char *from)
{
	memset(s, 0, sizeof *s);
	s->p = from;
	s->place = HTML_IN_TEXT;
}

/* What follows the '<' at lt, in text: where the scan goes on. */
static void
scan_lt(struct html_scan *s, const char *lt, const char *end)
{
	size_t left = (size_t)(end - lt);

	s->name_len = 0;
	s->end_tag = 0;
	if (left >= 4 && memcmp(lt, "<!--", 4) == 0) {
		if (left >= 5 && lt[4] == '>') {
			s->p = lt + 5;   /* "<!-->": an empty comment */
		} else if (left >= 6 && lt[4] == '-' && lt[5] == '>') {
			s->p = lt + 6;   /* "<!--->" */
		} else {
			s->place = HTML_IN_COMMENT;
			s->state = TAG_NAME;   /* (not BOGUS) */
			s->p = s->open = lt + 4;
		}
	} else if (left >= 2 && (lt[1] == '!' || lt[1] == '?')) {
		s->place = HTML_IN_COMMENT;
		s->state = BOGUS;
		s->p = s->open = lt + 2;
	} else if (left >= 3 && lt[1] == '/' && ascii_alpha(lt[2])) {
		s->place = HTML_IN_TAG;
		s->state = TAG_NAME;
		s->end_tag = 1;
		s->p = lt + 2;
	} else if (left >= 3 && lt[1] == '/' && lt[2] == '>') {
		s->p = lt + 3;   /* "</>": nothing */
	} else if (left >= 3 && lt[1] == '/') {
		s->place = HTML_IN_COMMENT;
		s->state = BOGUS;
		s->p = s->open = lt + 2;
	} else if (left >= 2 && ascii_alpha(lt[1])) {
		s->place = HTML_IN_TAG;
		s->state = TAG_NAME;
		s->p = lt + 1;
	} else {
		s->p = lt + 1;   /* a '<' of text */
	}
}

/* Scans a tag on to at: each character moves its state. */
static void
scan_tag(struct html_scan *s, const char *at)
{
	const char *p = s->p;

	while (p < at && s->place == HTML_IN_TAG) {
		char c = *p++;

		if (c == '>') {
			if (is_name(s, "svg") || is_name(s, "math")) {
				if (!s->end_tag && p[-2] != '/')
					s->foreign++;
				else if (s->end_tag && s->foreign > 0)
					s->foreign--;
			} else if (s->foreign > 0 && s->name_len <= sizeof s->name &&
			    breaks_foreign(s->name, s->name_len, s->end_tag)) {
				s->foreign = 0;
			}
			s->raw = !s->end_tag && s->foreign == 0 ? raw_text_of(s) : NULL;
			s->place = s->raw != NULL ? HTML_IN_RAW : HTML_IN_TEXT;
			s->open = p;
			break;
		}
		switch (s->state) {
		case TAG_NAME:
			if (text_is_space(c) || c == '/') {
				s->state = TAG_ATTRS;
			} else {
				if (s->name_len < sizeof s->name)
					s->name[s->name_len] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
				s->name_len++;
			}
			break;
		case TAG_ATTRS:
			if (c == '=')
				s->state = TAG_AFTER_EQ;
			break;
		case TAG_AFTER_EQ:
			if (c == '"' || c == '\'') {
				s->place = HTML_IN_VALUE;
				s->quote = c;
				s->open = p;
			} else if (!text_is_space(c)) {
				s->state = TAG_UNQUOTED;
			}
			break;
		default:   /* TAG_UNQUOTED */
			if (text_is_space(c))
				s->state = TAG_ATTRS;
		}
	}
	s->p = p;
}

enum html_place
html_scan_to(struct html_scan *s, const char *at, const char *end, size_t *work)
{
	const char *start = s->p, *q, *from;

	while (s->p < at) {
		switch (s->place) {
		case HTML_IN_TEXT:
			if ((q = memchr(s->p, '<', (size_t)(at - s->p))) == NULL)
				s->p = at;
			else
				scan_lt(s, q, end);
			break;
		case HTML_IN_TAG:
			scan_tag(s, at);
			break;
		case HTML_IN_VALUE:
			if ((q = memchr(s->p, s->quote, (size_t)(at - s->p))) == NULL) {
				s->p = at;
			} else {
				s->place = HTML_IN_TAG;
				s->state = TAG_ATTRS;
				s->p = q + 1;
			}
			break;
		case HTML_IN_COMMENT:
			if (s->state == BOGUS) {
				q = memchr(s->p, '>', (size_t)(at - s->p));
			} else {
				/* A "-->" the last scan stopped inside. */
				from = s->p - s->open >= 3 ? s->p - 3 : s->open;
				q = comment_end(from, at);
			}
			if (q == NULL) {
				s->p = at;
			} else {
				s->place = HTML_IN_TEXT;
				s->p = q + (s->state == BOGUS ? 1 : q[2] == '>' ? 3 : 4);
			}
			break;
		default:   /* HTML_IN_RAW */
			/* An end tag the last scan stopped inside. */
			from = (size_t)(s->p - s->open) >= strlen(s->raw) + 2 ? s->p - (strlen(s->raw) + 2) : s->open;
			if ((q = raw_end(from, at, s->raw)) == NULL) {
				s->p = at;
			} else {
				s->place = HTML_IN_TAG;
				s->state = TAG_ATTRS;
				s->end_tag = 1;
				s->p = q + 2 + strlen(s->raw);
			}
		}
	}
	if (work != NULL)
		*work += (size_t)(s->p - start);
	return s->place;
}

const char *
html_scan_close(const struct html_scan *s, const char *at, const char *end, size_t *work)
{
	const char *close = NULL;

	switch (s->place) {
	case HTML_IN_COMMENT:
		close = s->state == BOGUS ? memchr(at, '>', (size_t)(end - at)) : comment_end(at, end);
		break;
	case HTML_IN_VALUE:
		close = memchr(at, s->quote, (size_t)(end - at));
		break;
	case HTML_IN_RAW:
		close = raw_end(at, end, s->raw);
		break;
	default:
		break;
	}
	if (work != NULL)
		*work += (size_t)((close != NULL ? close : end) - at);
	return close;
}
