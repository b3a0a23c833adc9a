#!/usr/bin/python3
"""hostile.py UNPLANET WORKDIR - posts with hostile content are neither split,
merged nor lost.

Builds Planet pages the way Planet 2.0's template frames posts, around
bodies full of what breaks naive readers: headings, <hr>, fake channel
headers and footers, unbalanced and stray tags, unclosed comments and
scripts, control characters, invalid UTF-8, deep nesting. Each body starts
and ends with unique markers. unplanet --dump must give back every post
exactly once, with its own title, link, source and date, its markers, and
no other post's markers; a full run must give feeds that parse.
"""
from html import unescape
import itertools
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from testlib import check, report  # noqa: E402
from visible import visible_text  # noqa: E402

HEAD = b"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en" lang="en">
<head>
  <meta http-equiv="content-type" content="text/html; charset=utf-8" />
  <title>Planet Hostile</title>
</head>
<body>
  <div id="content-body">
    <div id="body-main">

<h1 class="pageheading">Planet Hostile</h1>

<p>Last update: April 29, 2026 07:43 AM UTC

"""
TAIL = b"""
    </div>
  </div>

  <div id="left-hand-navigation">
    <div id="menu"><ul class="level-one"><li><a href="https://example.org/">Example</a></li></ul></div>
  </div>
</body>
</html>
"""


def esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


class Post:
    def __init__(self, n, source, body, title=True, visible_end=True, creator=None, day=28, hour=10):
        self.n = n
        self.source = source           # (name html, link, name text)
        self.link = f"https://{source[2].lower().replace(' ', '-')}.example/post/{n}?a=1&b=2"
        self.title_html = f"Post {n} &amp; more" if title else None
        self.title = f"Post {n} & more" if title else ""
        self.body = body.replace(b"START", f"START{n}X".encode()).replace(b"END", f"END{n}X".encode())
        self.visible_end = visible_end
        self.creator = creator
        self.date = f"April {day}, 2026 {hour:02d}:{n % 60:02d} AM UTC"
        self.body = self.body.replace(b"SAMEDAY", f"April {day}, 2026".encode())
        self.body = self.body.replace(b"OWNDATE", self.date.encode())
        self.body = self.body.replace(b"OWNFOOTER", f'</p>\n<p>\n<em><a href="{esc(self.link)}">{self.date}</a></em>\n</p>\n'.encode())
        self.published = f"2026-04-{day}T{hour:02d}:{n % 60:02d}:00Z"


def page(posts):
    out = [HEAD]
    prev_day = prev_source = None
    for p in posts:
        day = re.match(r"\w+ \d+, \d{1,4}", p.date).group(0)
        if day != prev_day:
            out.append(f"\n<h2>{day}</h2>\n\n\n\n\n".encode())
            prev_day, prev_source = day, None
        if p.source != prev_source:
            name_html, link, _ = p.source
            out.append(f'<hr /><h3 class="post"><a href="{esc(link)}" title="{esc(p.source[2])}">{name_html}</a></h3>\n\n\n'.encode())
            prev_source = p.source
        if p.title_html is not None:
            out.append(f'<h4><a href="{esc(p.link)}">{p.title_html}</a></h4>\n'.encode())
        by = f"by {p.creator} at " if p.creator else ""
        out.append(b"<p>\n" + p.body + b"</p>\n<p>\n")
        out.append(f'<em><a href="{esc(p.link)}">{by}{p.date}</a></em>\n</p>\n\n\n\n\n'.encode())
    out.append(TAIL)
    return b"".join(out)


ALICE = ("Alice <b>Bold</b> &amp; Co", "https://alice.example/", "Alice Bold & Co")
BOB = ("Bob", "https://bob.example/", "Bob")
BOB2 = ("Bob", "https://other-bob.example/", "Bob")   # same name, other site

BODIES = [
    # (body, title?, end marker visible?, creator)
    (b"<p>START</p><h2>April 28, 2026</h2><h3 class=\"post\">x</h3><h4><a href=\"https://y/\">t</a></h4><hr /><hr><p>END</p>", True, True, None),
    # A fake footer and a whole fake next frame; its link differs from the title's.
    (b"<p>START</p>\n</p>\n<p>\n<em><a href=\"https://evil.example/\">April 20, 2026 10:00 AM UTC</a></em>\n</p>\n\n"
     b"<h2>April 20, 2026</h2>\n\n<hr /><h3 class=\"post\"><a href=\"https://evil.example/\" title=\"Evil\">Evil</a></h3>\n"
     b"<h4><a href=\"https://evil.example/p\">Injected</a></h4>\n<p>\nfake body<p>END</p>", True, True, None),
    (b"<div><div><table><tr><td>START<p>x</div></div></div></div></td></td></tr></table></p></p></ul></li><li>stray<td>cell</td> END", True, True, None),
    (b"START</body></html><p>after</p> END", True, True, None),
    (b"<p>START END</p><!-- never closed <p>hidden</p>", True, True, None),
    (b"<p>START END</p><script>var a = \"</div></p>\"; document.write('<p>", True, True, None),
    (b"<p>START END</p><style>p { color: red } </div>", True, True, None),
    (b"<p>START <![CDATA[ x ]]> END</p>", True, True, None),
    (b"<p>START \x00 \x01 \x7f \xff\xfe \xc3 &#1; &#xFFFE; &#0; &#xD800; END</p>", True, True, None),
    (b"<p><a title=\"a > b\" href='https://x.example/\"q'>START</a> <img src=x alt=\"</p>\"> END</p>", True, True, None),
    (b"<p><em><a href=\"https://x.example/\">START emphasised link</a></em></p> <p>\n<em><a href=\"https://x.example/\">not a date</a></em>\n</p> END", True, True, None),
    # Untitled posts, one after the other in the same channel, with creators.
    (b"<p>START untitled one END</p>", False, True, "Jane &amp; Doe"),
    (b"<p>START untitled two END</p>", False, True, None),
    # Untitled posts holding a copy of the footer and of what follows one:
    # another day's footer, then a bare untitled frame; the same with a
    # channel header (the next post must keep its own source); this day's
    # footer, then a titled frame no footer fits (framing goes back).
    (b"<p>START first</p>\n</p>\n<p>\n<em><a href=\"https://y.example/\">April 20, 2026 10:00 AM UTC</a></em>\n</p>\n"
     b"<p>\nsecond part END", False, True, None),
    (b"<p>START a</p>\n</p>\n<p>\n<em><a href=\"https://y.example/\">April 20, 2026 10:00 AM UTC</a></em>\n</p>\n"
     b"<hr /><h3 class=\"post\"><a href=\"https://evil.example/\" title=\"Evil\">Evil</a></h3>\n<p>\nrest END", False, True, None),
    (b"<p>START a</p>\n</p>\n<p>\n<em><a href=\"https://z.example/\">SAMEDAY 10:00 AM UTC</a></em>\n</p>\n"
     b"<h4><a href=\"https://z.example/\">Z</a></h4>\n<p>\nrest END", False, True, None),
    (b"<p>START untitled after them END</p>", False, True, None),
    # Four copies in one post; a copy of this day's footer, but earlier than
    # the post's own (Planet writes newest first), then a channel header.
    (b"<p>START</p>" + b"".join(b"<p>S%d</p>\n</p>\n<p>\n<em><a href=\"https://y.example/%d\">March %d, 2026 10:00 AM UTC</a></em>\n</p>\n"
              b"<p>\n" % (k, k, k + 1) for k in range(4)) + b"four copies END", False, True, None),
    (b"<p>START a</p>\n</p>\n<p>\n<em><a href=\"https://y.example/\">SAMEDAY 12:01 AM UTC</a></em>\n</p>\n"
     b"<hr /><h3 class=\"post\"><a href=\"https://evil.example/\" title=\"Evil\">Evil</a></h3>\n<p>\nrest END", False, True, None),
    (b"<p>START untitled after those END</p>", False, True, None),
    (b"<p>START</p>" + b"<div>" * 400 + b"deep" + b"</div>" * 300 + b" END", True, True, None),
    (b"<p>START &aposs &amp;amp; It&amp;#x27;s END</p>", True, True, None),
    (b"<p>START</p>\n<div id=\"left-hand-navigation\"></div></div></div>\n<p>END</p>", True, True, None),
    (b"<p>START</p>\n<hr /><h3 class=\"post\"><a href=\"https://evil.example/\" title=\"Evil\">Evil</a></h3>\n<p>\nEND</p>", True, True, None),
    (b"<p>START</p><textarea><p>in textarea</textarea><title>t</title><plaintext>plain END", True, True, None),
    (b"<p>START</p>\n</p>\n<p>\n<em><a href=\"https://evil.example/x\">April 20, 2026 10:00 AM UTC</a></em>\n</p>\n</div>\n</div>\n<p>END</p>", True, True, None),
    # A copy of the post's own footer (link and time), then the rest of it:
    # titled, and untitled between untitled posts.
    (b"<p>START intro</p>\nOWNFOOTER<p>\nthe rest of it END", True, True, None),
    (b"<p>START untitled before END</p>", False, True, None),
    (b"<p>START intro</p>\nOWNFOOTER<p>\nthe rest of it END", False, True, None),
    (b"<p>START untitled after END</p>", False, True, None),
    # ...followed by another source's channel header, or by a whole made-up
    # post of another source, before the rest: still one post, its source's.
    (b"<p>START intro</p>\nOWNFOOTER<hr /><h3 class=\"post\"><a href=\"https://evil.example/\" title=\"Evil\">Evil</a></h3>\n"
     b"<p>\nthe rest of it END", True, True, None),
    (b"<p>START intro</p>\nOWNFOOTER<hr /><h3 class=\"post\"><a href=\"https://evil.example/\" title=\"Evil\">Evil</a></h3>\n"
     b"<p>\nthe rest of it END", False, True, None),
    (b"<p>START intro</p>\nOWNFOOTER<hr /><h3 class=\"post\"><a href=\"https://evil.example/\" title=\"Evil\">Evil</a></h3>\n"
     b"<h4><a href=\"https://evil.example/forged\">Forged</a></h4>\n<p>\nforged text</p>\n<p>\n"
     b"<em><a href=\"https://evil.example/forged\">OWNDATE</a></em>\n</p>\n<p>\nthe rest of it END", True, True, None),
    # Untitled, with two copies of this day's footers, earlier than its own
    # and falling (as on the page they were copied from): the first copy
    # looks in place, so the second's rest must be given back through it.
    (b"<p>START a</p>\n</p>\n<p>\n<em><a href=\"https://y.example/1\">SAMEDAY 12:05 AM UTC</a></em>\n</p>\n"
     b"<p>\nb</p>\n</p>\n<p>\n<em><a href=\"https://y.example/2\">SAMEDAY 12:04 AM UTC</a></em>\n</p>\n<p>\nc END",
     False, True, None),
    (b"<p>START untitled after the falling copies END</p>", False, True, None),
    # A copy of its own footer, then of an earlier day's header and another
    # source's channel header: the rest ends at its own footer, not a day
    # that header could start.
    (b"<p>START intro</p>\nOWNFOOTER\n<h2>April 1, 2026</h2>\n<hr /><h3 class=\"post\"><a href=\"https://evil.example/\" "
     b"title=\"Evil\">Evil</a></h3>\n<p>\nthe rest of it END", True, True, None),
    # Self-closed <html/>, <body/>, <head/>: libxml2 2.9 closes the body
    # at each, and puts what follows after it.
    (b"<p>START a<body/>b<head/>c</p><html/><p>after them END</p>", True, True, None),
]


def build_posts():
    posts = []
    sources = [ALICE, ALICE, BOB, ALICE, BOB2]
    for i, (body, title, vis, creator) in enumerate(BODIES, 1):
        src = BOB if not title else sources[i % len(sources)]
        posts.append(Post(i, src, body, title=title, visible_end=vis, creator=creator, day=28 - i // 7, hour=11 - i % 7))
    return posts


def dump_posts(unplanet, work, name, posts):
    """Writes posts as the page WORK/NAME.html and dumps it: rc, out, err, path."""
    path = os.path.join(work, name + ".html")
    with open(path, "wb") as f:
        f.write(page(posts))
    return (*dump(unplanet, path), path)


def dump(unplanet, path):
    r = subprocess.run([unplanet, "--dump", path], capture_output=True, timeout=120)
    return r.returncode, r.stdout, r.stderr.decode("utf-8", "replace")


def to_uri(iri):
    """An IRI as a URI, by RFC 3987 3.1 and Python's own codecs: the host
    by IDNA (2003 here: the same as 2008 for these hosts), the rest's
    UTF-8 percent-encoded."""
    import urllib.parse
    s = urllib.parse.urlsplit(iri)
    userinfo, at, hostport = s.netloc.rpartition("@")
    host, colon, port = hostport.partition(":")
    q = lambda t: urllib.parse.quote(t, safe="/?#[]@!$&'()*+,;=:%~")
    # (lower case first: IDNA 2003 keeps an ASCII label's case, IDNA 2008 does not)
    netloc = userinfo + at + host.lower().encode("idna").decode("ascii") + colon + port
    return urllib.parse.urlunsplit((s.scheme, netloc, q(s.path), q(s.query), q(s.fragment)))


def iri_uri(unplanet, work):
    """Permalinks and sites in Unicode are IRIs, which Atom takes as they
    are; RSS, JSON Feed and OPML take URLs: there they are URIs."""
    import feedparser
    import json
    site = "https://B\u00fccher.Example:8443/blog/caf\u00e9/"
    link = "https://u:p@b\u00fccher.example/caf\u00e9/\u00fcn\u00ef?q=\u00e9&r=%C3%A9#frag-\u00fc"
    post = Post(1, ("Uni", site, "Uni"), b"<p>START x END</p>")
    post.link = link
    path = os.path.join(work, "iri-uri.html")
    with open(path, "wb") as f:
        f.write(page([post]))
    out = os.path.join(work, "iri-uri")
    r = subprocess.run([unplanet, "-o", out, "--base-url", "https://feeds.example.org/", path], capture_output=True,
                       timeout=120)
    got = {}
    if r.returncode == 0:
        rss = ET.parse(os.path.join(out, "authors", "uni.rss")).getroot().find("channel")
        item = rss.find("item")
        feed = json.load(open(os.path.join(out, "authors", "uni.json"), encoding="utf-8"))
        outline = ET.parse(os.path.join(out, "feeds.opml")).getroot().find(".//outline[@xmlUrl]")
        atom = ET.parse(os.path.join(out, "authors", "uni.atom")).getroot()
        a = "{http://www.w3.org/2005/Atom}"
        got = {"rss channel link": rss.findtext("link"), "rss link": item.findtext("link"),
               "rss guid": item.findtext("guid"), "json home_page_url": feed.get("home_page_url"),
               "json author url": feed["authors"][0].get("url"), "json url": feed["items"][0].get("url"),
               "json item author url": feed["items"][0]["authors"][0].get("url"), "opml htmlUrl": outline.get("htmlUrl"),
               "atom link": atom.find(a + "entry/" + a + "link").get("href"), "atom id": atom.findtext(a + "entry/" + a + "id"),
               "atom site": atom.find(a + "link[@rel='alternate']").get("href"),
               "feedparser bozo": feedparser.parse(os.path.join(out, "authors", "uni.rss")).bozo}
        index = open(os.path.join(out, "index.html"), encoding="utf-8").read()
        got["index site link"] = [unescape(h) for h in re.findall(r'<h3[^>]*><a href="([^"]*)"', index)]
        got["index newest link"] = [unescape(h) for h in re.findall(r'<bdi><a href="([^"]*)"', index)]
    want = {"rss channel link": to_uri(site), "rss link": to_uri(link), "rss guid": to_uri(link),
            "json home_page_url": to_uri(site), "json author url": to_uri(site), "json url": to_uri(link),
            "json item author url": to_uri(site), "opml htmlUrl": to_uri(site), "atom link": link, "atom id": link,
            "atom site": site, "feedparser bozo": 0, "index site link": [to_uri(site)], "index newest link": [to_uri(link)]}
    check("hostile: permalinks and sites in Unicode: URIs in RSS, JSON Feed, OPML and index.html (host by IDNA, the rest "
          "percent-encoded), IRIs in Atom",
          got == want and to_uri(link).isascii() and "xn--bcher-kva.example" in to_uri(link),
          f"exit {r.returncode} {r.stderr.decode()[:200]}: " + "; ".join(f"{k}: {got.get(k)} != {v}"
                                                                         for k, v in want.items() if got.get(k) != v))


def iri_uri_twins(unplanet, work):
    """Permalinks that are one URI written two ways (an IRI and its URI, a
    host in other cases or scripts) are one permalink in RSS's guid and
    JSON Feed's id: two posts that have them get ids of their own there
    too, within a source and across two (a topic feed), the same ids on
    the next run."""
    import json
    twins = [("https://x.example/caf\u00e9", "https://x.example/caf%C3%A9"),
             ("https://B\u00fccher.example/p", "https://b\u00fccher.example/p"),
             ("https://x.example/s\u00df", "https://x.example/s%C3%9F"),
             ("https://\uff58.example/q", "https://x.example/q")]
    carol = ("Carol", "https://carol.example/", "Carol")
    posts = []
    for i, pair in enumerate(twins):
        for k, link in enumerate(pair):
            p = Post(len(posts) + 1, ALICE if i < 3 or k == 0 else carol, b"<p>START x END</p>", hour=11 - len(posts))
            p.link, p.title_html = link, f"Twin {i}{'ab'[k]}"
            posts.append(p)
    path = os.path.join(work, "iri-twins.html")
    with open(path, "wb") as f:
        f.write(page(posts))
    out = os.path.join(work, "iri-twins")
    runs = []
    for _ in range(2):
        r = subprocess.run([unplanet, "-o", out, "-t", "All=.", path], capture_output=True, timeout=120)
        if r.returncode != 0:
            runs.append(f"exit {r.returncode}: {r.stderr.decode()[:300]}")
            continue
        got = {}
        for feed in ("authors/alice-bold-co", "topics/all"):
            rss = ET.parse(os.path.join(out, feed + ".rss")).getroot()
            js = json.load(open(os.path.join(out, feed + ".json"), encoding="utf-8"))
            atom = ET.parse(os.path.join(out, feed + ".atom")).getroot()
            a = "{http://www.w3.org/2005/Atom}"
            got[feed] = ([g.text for g in rss.iter("guid")], [it["id"] for it in js["items"]],
                         [e.text for e in atom.iter(a + "id")][1:])
        runs.append(got)
    ok = len(runs) == 2 and runs[0] == runs[1] and isinstance(runs[0], dict) and all(
        len(ids) == n and len(set(ids)) == n
        for feed, n in (("authors/alice-bold-co", 7), ("topics/all", 8)) for ids in runs[0][feed])
    check("hostile: permalinks that are one URI written two ways give two posts ids of their own in RSS and JSON Feed "
          "too (within a source and in a topic), the same on the next run", ok, f"{runs}")


def text_elements(unplanet, work):
    """What a <textarea>, <xmp> or <plaintext> holds is text, tags
    included, as a browser shows it: no element comes of it."""
    cases = [(b"<p>START <textarea rows=2>a<b>c</b> &amp; d</textarea> after END</p>", "a<b>c</b> & d after"),
             (b"<p>START <XMP>for x in <list>: print(\"<b>\")</XMP > after END</p>", 'for x in <list>: print("<b>") after'),
             (b"<p>START <textarea><script>alert(1)</script> END</p>", "<script>alert(1)</script> END"),
             (b"<p>START <plaintext><b>x</b></plaintext> END</p>", "<b>x</b></plaintext> END")]
    posts = [Post(i + 1, ALICE, body) for i, (body, _) in enumerate(cases)]
    rc, out, err, _ = dump_posts(unplanet, work, "text-elements", posts)
    got = {}
    if rc == 0:
        for e in ET.fromstring(out).iter("entry"):
            got[e.findtext("summary").split()[0]] = (e.findtext("summary"), e.findtext("content"))
    bad = []
    for i, (_, shown) in enumerate(cases):
        summary, content = got.get(f"START{i + 1}X", ("", ""))
        if shown not in summary or any(f"<{tag}" in content for tag in ("b>", "list", "script", "textarea", "xmp", "plaintext")):
            bad.append(f"{i}: {summary!r} {content!r}")
    check("hostile: what a textarea, xmp or plaintext holds is text, tags included, as browsers show it",
          rc == 0 and not bad, f"exit {rc} {err[:200]} {bad}")


def bidi_closed(unplanet, work):
    """A right-to-left override a name or title leaves open is closed at
    its end: readers show a feed's description as "NAME on Planet...",
    which an open override would show backwards. Closed as the text is
    shown, on one line: a line break in it ends nothing."""
    rlo, pdf, rli, pdi = "\u202e", "\u202c", "\u2067", "\u2069"
    posts = [Post(1, ("&#x202E;Evil &#x2067;Ltd", "https://evil.example/", "Evil Ltd"),
                  b"<p>START &#x202E;text END</p>", creator="&#x202E;Eve"),
             # A header that shows nothing: the name is its title attribute's,
             # whose line break becomes a space.
             Post(2, ("", "https://guis.example/", f"{rlo}Py\n{rlo}GUIs"), b"<p>START text END</p>"),
             # An untitled post whose text fits a stand-in title as it is.
             Post(3, ("Bob", "https://bob.example/", "Bob"), ("<p>&#x202E;" + "ab " * 25 + "a</p>").encode(), title=False)]
    posts[0].title_html = "Title &amp;#x202E;twice &#x2067;x"   # the override escaped twice upstream
    posts[1].link = "https://guis.example/post/2"
    posts[1].title_html = "&amp;#x202E;a&amp;#10;&amp;#x202E;b &#x2067;c&amp;#x2069;"
    rc, out, err, _ = dump_posts(unplanet, work, "bidi", posts)
    got = {}
    if rc == 0:
        for feed in ET.fromstring(out).findall("feed"):
            for e in feed.findall("entry"):
                n = re.search(r"/post/(\d+)", e.findtext("link")).group(1)
                got.update({f"name{n}": e.find("source").findtext("name"), f"title{n}": e.findtext("title"),
                            f"author{n}": e.findtext("author"), f"description{n}": feed.findtext("description"),
                            f"summary{n}": e.findtext("summary")})
    want = {"name1": f"{rlo}Evil {rli}Ltd{pdi}{pdf}", "title1": f"Title {rlo}twice {rli}x{pdi}{pdf}",
            "author1": f"{rlo}Eve{pdf}", "description1": f"{rlo}Evil {rli}Ltd{pdi}{pdf} on Planet Hostile",
            "summary1": f"START1X {rlo}text END1X{pdf}",
            "description2": f"{rlo}Py {rlo}GUIs{pdf}{pdf} on Planet Hostile",
            "title2": f"{rlo}a {rlo}b {rli}c{pdi}{pdf}{pdf}",
            "title3": rlo + "ab " * 25 + "a" + pdf}
    bad = {k: got.get(k) for k, v in want.items() if got.get(k) != v}
    check("hostile: bidi overrides and isolates a name or title leaves open are closed at its end, "
          "once, whatever line breaks it holds",
          rc == 0 and not bad, f"exit {rc} {err[:200]} {bad!r}")


def sloppy_nesting(unplanet, work):
    """Paragraphs, list items and definitions each left with an open
    <span>, <a>, <font>...: a tag that closes the paragraph (item,
    definition) closes them too, as in HTML5, so that hundreds of them
    nest no deeper than a few (libxml2 nests each inside the last, and
    the post was cut at 512 levels, with a warning)."""
    n = 700
    cases = [("<p><span>", lambda k: f"<p><span class=s1>Para {k}.\n"),
             ("<p><font>", lambda k: f"<p><font face=x>Para {k}.\n"),
             ("<p><a><code>", lambda k: f"<p><a href=/x{k}>Para <code>{k}.\n"),
             ("<li><a>", lambda k: ("<ul>" if k == 1 else "") + f"<li><a href=/x{k}>Para {k}\n"),
             ("<li><p><span>", lambda k: ("<ol>" if k == 1 else "") + f"<li><p><span>Para {k}\n"),
             ("<dt><span><dd><span>", lambda k: ("<dl>" if k == 1 else "") + f"<dt><span>Para</span> <dd><span>{k}\n"),
             ("<p><label> then <h3>", lambda k: f"<p><label>Para {k}.\n" if k % 2 else f"<h3><sup>Para {k}</h3>\n"),
             ("<p><span> then <li>", lambda k: f"<p><span>Para {k}\n<li>x\n")]
    posts = [Post(i + 1, BOB, b"<p>START " + "".join(make(k) for k in range(1, n + 1)).encode() + b" END</p>", hour=11 - i)
             for i, (_, make) in enumerate(cases)]
    rc, out, err, _ = dump_posts(unplanet, work, "sloppy-nesting", posts)
    got = {e.findtext("link"): e.findtext("content") for e in ET.fromstring(out).iter("entry")} if rc == 0 else {}
    for p, (what, _) in zip(posts, cases):
        text = visible_text(got.get(p.link, ""))
        numbers = [int(m) for m in re.findall(r"Para (\d+)", text)]
        check(f"hostile: {n} {what} left open: every one's text, in order, nothing cut",
              rc == 0 and "warning" not in err and numbers == list(range(1, n + 1)) and text.endswith(f"END{p.n}X"),
              f"exit {rc} {err[:200]} {len(numbers)} found, last {numbers[-1:]} {text[-60:]!r}")
    # ...and a paragraph an element other than phrasing stands in is left
    # to libxml2, as before: the <div> keeps the text after it.
    p = Post(1, BOB, b"<p>START a<span><div>b<p>c</div>d END</p>")
    rc, out, err, _ = dump_posts(unplanet, work, "sloppy-nesting-div", [p])
    text = visible_text(ET.fromstring(out).find(".//entry").findtext("content")) if rc == 0 else err[:200]
    check("hostile: a paragraph closed inside a <div> inside a <span> keeps its text, in order",
          text == "START1X a b c d END1X", f"{text!r}")
    # A list item closes a paragraph it finds no list item above, as HTML5
    # does, with what is left open in it: the item is not in the <span>.
    p = Post(1, BOB, b"<p>START a<span>b<li>c</li>d END</p>")
    rc, out, err, _ = dump_posts(unplanet, work, "sloppy-nesting-li", [p])
    html = ET.fromstring(out).find(".//entry").findtext("content") if rc == 0 else err[:200]
    check("hostile: a list item closes the paragraph, and the <span> open in it, that it stands in",
          html == "<p>START1X a<span>b</span></p><li>c</li>d END1X", f"{html!r}")


def later_day_copy(unplanet, work):
    """An untitled post quoting a footer of a later day than its day
    header's (which Planet never prints there) is cut at that copy and
    joined again; the untitled post above it, whose footer is older than
    the copy's, stays a post of its own."""
    above = Post(1, ALICE, b"<p>START above END</p>", title=False, hour=11)
    quoting = Post(2, ALICE, b"<p>START a</p>\n</p>\n<p>\n<em><a href=\"https://q.example/x\">April 29, 2026 05:00 AM UTC"
                   b"</a></em>\n</p>\n<p>\nb END", title=False, hour=10)
    rc, out, err, _ = dump_posts(unplanet, work, "later-day-copy", [above, quoting])
    got = sorted((e.findtext("link"), e.findtext("summary")) for e in ET.fromstring(out).iter("entry")) if rc == 0 else err[:200]
    want = [(above.link, "START1X above END1X"), (quoting.link, "START2X a April 29, 2026 05:00 AM UTC b END2X")]
    check("hostile: an untitled post quoting a later day's footer is one post, the untitled one above it another",
          got == want, f"{got}")


def hidden_copies(unplanet, work):
    """A copy of a footer a post hides from a browser (in a comment, a
    quoted attribute, a script, a textarea...) ends no post, even with a
    copied frame after it; a comment a post leaves open, closed by a "-->"
    in the next post's text, takes in no post."""
    def foot(link, date):
        return f'</p>\n<p>\n<em><a href="{esc(link)}">{date}</a></em>\n</p>\n'.encode()

    def misread(name, posts):
        """None when the page of posts reads as those posts (by link and
        date), else what it read (or the error)."""
        rc, out, err, _ = dump_posts(unplanet, work, name, posts)
        got = sorted((e.findtext("link"), e.findtext("published")) for e in ET.fromstring(out).iter("entry")) \
            if rc == 0 else err[:200]
        return None if got == sorted((p.link, p.published) for p in posts) else got
    copy = foot("https://y.example/x", "April 28, 2026 10:00 AM UTC")
    cases = [("a comment", False, b"<p>START shown</p>\n<!--" + copy + b"<p>\n-->\n<p>rest END</p>"),
             ("a comment holding a channel header too", False, b"<p>START shown<!--" + copy +
              b'<hr /><h3 class="post"><a href="https://evil.example/" title="Evil">Evil</a></h3>\n<p>\n--> rest END</p>'),
             ("a comment, its own link at another time", True, b"<p>START shown<!--OWNCOPY<p>\n--> rest END</p>"),
             ("a quoted attribute", False, b"<p>START shown <img src=x.png title='" + copy + b"<p>\n'> rest END</p>")]
    cases += [(f"a {tag}", False, f"<p>START shown <{tag}>".encode() + copy + f"<p>\n</{tag.upper()} > rest END</p>".encode())
              for tag in ("script", "style", "textarea", "title", "xmp", "iframe", "noscript")]
    # An HTML tag ends an <svg>: what follows is HTML again.
    cases += [(f"a {tag} after <svg>{inner}", False, f"<p>START shown <svg width=10>{inner}<{tag}>".encode() + copy +
               f"<p>\n</{tag}> rest END</p>".encode())
              for tag in ("script", "textarea") for inner in ("<p>x</p>", "<b>x</b>", "</p>")]
    bad = []
    for k, (what, titled, body) in enumerate(cases):
        posts = [Post(1, ALICE, b"<p>START one END</p>", hour=11), Post(2, ALICE, body, hour=9, title=titled),
                 Post(3, BOB, b"<p>START three END</p>", hour=8, title=False)]
        posts[1].body = posts[1].body.replace(b"OWNCOPY", foot(posts[1].link, "April 28, 2026 10:00 AM UTC"))
        rc, out, err, _ = dump_posts(unplanet, work, f"hidden-{k}", posts)
        got = sorted((e.findtext("link"), e.findtext("published"), e.findtext("source/link"))
                     for e in ET.fromstring(out).iter("entry")) if rc == 0 else err[:200]
        want = sorted((p.link, p.published, p.source[1]) for p in posts)
        text = [visible_text(e.findtext("content") or "") for e in ET.fromstring(out).iter("entry")] if rc == 0 else []
        if got != want or not any(t.startswith("START2X shown") and t.endswith("END2X") for t in text):
            bad.append(f"{what}: {got} {text}")
    check("hostile: a footer copy a post hides (comment, attribute, script, textarea...) splits no post", not bad, f"{bad}")
    bad = []
    for t1 in (True, False):
        for t2 in (True, False):
            for src2 in (ALICE, BOB):
                for close in (b"<p>START two --> more END</p>", b"<p>--> START two END</p>", b"--> START two END",
                              b" --> START two END"):
                    posts = [Post(1, ALICE, b"<p>START one <!-- never closed END</p>", hour=11, title=t1),
                             Post(2, src2, close, hour=9, title=t2), Post(3, BOB, b"<p>START three END</p>", hour=8)]
                    if (got := misread("left-open", posts)) is not None:
                        bad.append(f"{t1} {t2} {src2[2]} {close}: {got}")
    check("hostile: a comment a post leaves open, closed by '-->' in the next post (at its very start too), "
          "merges no posts and fails no page", not bad, f"{bad}")
    # A titled post whose last markup opens a construct, empty up to its
    # footer, that the next post's first text closes: the footer is the
    # only one linking to its title, so it is the post's end, not a copy.
    bad = []
    openers = [(b"<!--", b"-->"), (b"<img src=x.png title='", b"'>")] + \
        [(f"<{t}>".encode(), f"</{t}>".encode()) for t in ("style", "title", "textarea", "xmp", "noscript", "iframe")]
    for opener, closer in openers:
        for t2 in (True, False):
            for src2 in (ALICE, BOB):
                posts = [Post(1, ALICE, b"<p>START one END</p>" + opener, hour=11),
                         Post(2, src2, b"\n" + closer + b" START two END", hour=9, title=t2),
                         Post(3, BOB, b"<p>START three END</p>", hour=8)]
                if (got := misread("open-at-end", posts)) is not None:
                    bad.append(f"{opener} {t2} {src2[2]}: {got}")
    check("hostile: a titled post ending in an empty open comment, style, textarea... closed by the next post's "
          "first text keeps its footer: no page fails, no post is lost", not bad, f"{bad}")
    # ...while a titled frame copied into a post, its footer copy hidden,
    # is still no post: the post holding it stays whole.
    bad = []
    quoted = "https://quoted.example/q"
    for opener, closer in ((b"<!--", b"-->"), (b"<script>", b"</script>")):
        body = (b"<p>START one" + foot("https://z.example/", "April 28, 2026 10:00 AM UTC") +
                f'<h4><a href="{esc(quoted)}">Quoted</a></h4>\n<p>\nquoted text '.encode() + opener +
                foot(quoted, "April 28, 2026 09:30 AM UTC") + b"<p>\n" + closer + b" more END</p>")
        posts = [Post(1, ALICE, body, hour=11, title=False), Post(2, BOB, b"<p>START two END</p>", hour=9)]
        if (got := misread("hidden-frame", posts)) is not None:
            bad.append(f"{opener}: {got}")
    check("hostile: a titled frame copied into a post, its footer copy hidden in a comment or script, is no post",
          not bad, f"{bad}")


def main():
    unplanet, work = sys.argv[1], sys.argv[2]
    os.makedirs(work, exist_ok=True)
    posts = build_posts()
    rc, out, err, path = dump_posts(unplanet, work, "hostile", posts)
    check("hostile: --dump succeeds", rc == 0, f"exit {rc}: {err[:300]}")
    if rc == 0:
        root = ET.fromstring(out)
        entries = [(feed, e) for feed in root.findall("feed") for e in feed.findall("entry")]
        check("hostile: as many entries as posts", len(entries) == len(posts), f"{len(entries)} vs {len(posts)}")
        markers = [f"START{p.n}X" for p in posts] + [f"END{p.n}X" for p in posts]
        for p in posts:
            tag = f"hostile post {p.n}"
            found = [(feed, e) for feed, e in entries if e.findtext("link") == p.link]
            check(f"{tag}: exactly one entry", len(found) == 1, f"{len(found)} entries")
            if len(found) != 1:
                continue
            feed, e = found[0]
            text = visible_text(e.findtext("content") or "")
            check(f"{tag}: source", e.find("source").findtext("name") == p.source[2]
                  and e.find("source").findtext("link") == p.source[1],
                  f"{e.find('source').findtext('name')!r}")
            want_title = p.title if p.title else None
            got_title = e.findtext("title")
            if want_title:
                check(f"{tag}: title", got_title == want_title, f"{got_title!r}")
            else:
                check(f"{tag}: untitled, shown by its first words",
                      e.find("title").get("untitled") == "yes" and got_title.startswith(f"START{p.n}X"), f"{got_title!r}")
            check(f"{tag}: published", e.findtext("published") == p.published, e.findtext("published"))
            if p.creator:
                check(f"{tag}: creator", e.findtext("creator") == "Jane & Doe", f"{e.findtext('creator')!r}")
            check(f"{tag}: starts with its own marker", text.startswith(f"START{p.n}X"), text[:80])
            if p.visible_end:
                check(f"{tag}: keeps its end marker", f"END{p.n}X" in text, text[-80:])
            foreign = [m for m in markers if m in text and not m.endswith(f"{p.n}X")]
            check(f"{tag}: holds no other post's text", not foreign, f"{foreign}")
        bobs = {f.findtext("title"): f.findtext("link") for f in root.findall("feed") if f.findtext("title").startswith("Bob")}
        check("hostile: same name, two sites, two feeds, their titles told apart by the site's host",
              bobs == {"Bob (bob.example)": BOB[1], "Bob (other-bob.example)": BOB2[1]}, f"{bobs}")
        descs = sorted(f.findtext("description") for f in root.findall("feed") if f.findtext("title").startswith("Bob"))
        # Sharing a host, they are told apart by their paths; a third
        # source of another name keeps its own.
        same_host = os.path.join(work, "same-host.html")
        with open(same_host, "wb") as f:
            f.write(page([Post(1, ("Ann", "https://WWW.Blogs.example/ann/", "Ann"), b"<p>START one END</p>", hour=11),
                          Post(2, ("Ann", "https://blogs.example/ann-b", "Ann"), b"<p>START two END</p>", hour=10),
                          Post(4, ("Ann", "https://blogs.example/%FFx/?q#f", "Ann"), b"<p>START four END</p>", hour=10),
                          Post(3, BOB, b"<p>START three END</p>", hour=9)]))
        r = subprocess.run([unplanet, "--dump", same_host], capture_output=True, timeout=60)
        titles = sorted(f.findtext("title") for f in ET.fromstring(r.stdout).findall("feed")) if r.returncode == 0 else r.stderr
        check("hostile: two sources of one name on one host: titles told apart by host and path",
              titles == ["Ann (blogs.example/%FFx)", "Ann (blogs.example/ann)", "Ann (blogs.example/ann-b)", "Bob"], f"{titles}")
        # Sites that differ only in "www.", a port or the query: those
        # tell them apart.
        for what, sites, want in (
                ("www.", ("https://www.bob.example/", "https://bob.example/"), ["Bob (bob.example)", "Bob (www.bob.example)"]),
                ("a port", ("https://bob.example/", "https://BOB.example:8443/"), ["Bob (bob.example)", "Bob (bob.example:8443)"]),
                ("the query", ("https://blog.example/?author=1", "https://blog.example/?author=2#x"),
                 ["Bob (blog.example/?author=1)", "Bob (blog.example/?author=2)"]),
                ("the query's case", ("https://BLOG.example?author=Ann", "https://blog.example?author=ann"),
                 ["Bob (blog.example?author=Ann)", "Bob (blog.example?author=ann)"])):
            alike = os.path.join(work, "alike.html")
            with open(alike, "wb") as f:
                f.write(page([Post(i + 1, ("Bob", site, "Bob"), b"<p>START x END</p>", hour=11 - i) for i, site in enumerate(sites)]))
            r = subprocess.run([unplanet, "--dump", alike], capture_output=True, timeout=60)
            titles = sorted(f.findtext("title") for f in ET.fromstring(r.stdout).findall("feed")) if r.returncode == 0 else r.stderr
            check(f"hostile: two sources of one name whose sites differ only in {what}: titles told apart by it",
                  titles == want, f"{titles}")
        # index.html (written by libxml2's HTML writer, which escapes
        # brackets in an href) links an IPv6 host as URL parsers take it.
        v6 = os.path.join(work, "ipv6.html")
        with open(v6, "wb") as f:
            f.write(page([Post(1, ("Six", "https://[2001:db8::1]:8080/blog/", "Six"), b"<p>START one END</p>", hour=11)]))
        r = subprocess.run([unplanet, "-o", os.path.join(work, "ipv6"), v6], capture_output=True, timeout=60)
        index = open(os.path.join(work, "ipv6", "index.html"), encoding="utf-8").read() if r.returncode == 0 else ""
        check("hostile: index.html links a site on an IPv6 host with its brackets, not %5B...%5D",
              'href="https://[2001:db8::1]:8080/blog/"' in index and "%5B" not in index, r.stderr.decode()[:300])
        # The writer also escapes '$', which would make "?$top=2" another
        # URL (RFC 3986, 6.2.2.2): in index.html's links and in content.
        dollar = os.path.join(work, "dollar.html")
        post = Post(1, ("Cash", "https://c.example/~$me/", "Cash"),
                    b'<p>START <a href="https://c.example/api?$top=2&amp;x=%24">l</a> '
                    b'<img src="/p$q.png" alt="i"> END</p>', hour=11)
        post.link = "https://c.example/odata?$filter=x"
        with open(dollar, "wb") as f:
            f.write(page([post]))
        r = subprocess.run([unplanet, "-o", os.path.join(work, "dollar"), dollar], capture_output=True, timeout=60)
        index = open(os.path.join(work, "dollar", "index.html"), encoding="utf-8").read() if r.returncode == 0 else ""
        check("hostile: index.html links a site and a post whose URLs hold '$' with it, not %24",
              'href="https://c.example/~$me/"' in index and 'href="https://c.example/odata?$filter=x"' in index
              and "%24" not in index, r.stderr.decode()[:300])
        atom = ET.parse(os.path.join(work, "dollar", "authors", "cash.atom")) if r.returncode == 0 else None
        content = atom.findtext(".//{http://www.w3.org/2005/Atom}content") or "" if atom else ""
        check("hostile: a '$' in a post's link and image URLs stays '$' (and its '%24' stays '%24')",
              'href="https://c.example/api?$top=2&amp;x=%24"' in content and 'src="https://c.example/p$q.png"' in content,
              content[:300])
        check("hostile: ...and their descriptions", descs == ["Bob (bob.example) on Planet Hostile",
                                                           "Bob (other-bob.example) on Planet Hostile"], f"{descs}")
        # --only leaving one of them unwritten: the other is told apart
        # from nothing readers see.
        only = os.path.join(work, "only-one-bob")
        r = subprocess.run([unplanet, "--only", "other-bob", "-o", only, path], capture_output=True, timeout=60)
        title = ET.parse(os.path.join(only, "authors", "bob-other-bob.atom")).getroot().findtext(
            "{http://www.w3.org/2005/Atom}title") if r.returncode == 0 else r.stderr
        check("hostile: ...but not when --only writes one of them alone", title == "Bob", f"{title!r}")
    # A full run over the same page must give well-formed feeds.
    out_dir = os.path.join(work, "feeds")
    r = subprocess.run([unplanet, "-o", out_dir, path], capture_output=True, timeout=120)
    check("hostile: full run succeeds", r.returncode == 0, r.stderr.decode("utf-8", "replace")[:300])
    # Text a browser shows, exactly (compared with visible.py): character
    # references by HTML5's rules, including legacy names written without
    # their ';' and numbers no character has; bogus comments; stray end
    # tags; Word's prefixed tags; what forms, controls and other elements
    # that are unwrapped leave; words kept apart by the elements around them.
    exact = [
        b"<p>START &copy 2026 &amp;copy I &lt3 x&nbspy &notit &aposs &#169 &eacute;t&eacute "
        b"<a href=\"https://x.example/?a=1&copy=2&amp;b\">q</a> END &para",
        b"<p>START a<![CDATA[ x ]]>b <![if !IE]>c<![endif]> d<!x>e <3 END",
        b"<p>START a&#0;b&#xD800;c&#x110000;d&#1;e&#abc;f&#;g&#169h&#150; END",
        # A reference dropped (XML cannot hold U+0001) joins nothing into
        # markup: these are bogus comments, ended by their '>'.
        b"<p>START before<!-&#1;->after <b>shown</b> x<!&#1;-->y END",
        b"<p>START a</p>b</br>c</div>d</span>e<o:p>f</o:p>g<p>h<o:p>&nbsp;</o:p></p>i j</body>k</html>l END",
        b"<p>START <form action=\"https://evil.example/\">in a form<button>Go</button><select><option>o1<option>o2"
        b"</select><textarea>ta</textarea><input value=\"v\"></form>after END",
        b"<p>START a<fieldset><legend>L</legend>f</fieldset>b<dir><li>d</dir>c<dialog>g</dialog>h<canvas>c</canvas>i END",
        b"<p>START &check; &NotEqualTilde; &lang;a&rang; &COPY; &notit; &foo; &Tab;b &amp;check; "
        b"<a href=\"https://x.example/?q=&check;\">c</a> END",
        b"<p>START I </3 Mondays, see <b>this</b> and a</>b c</ d> e a&#12;b word<template><div>x</div></template>word END",
        b"<p>START a <? y> c <?> d <?php echo 1; ?> e <?xml version=\"1.0\"?> f END",
        # A '<' written as a reference, right before "<!": text, not the
        # start of a bogus comment (which "<!x>" after it is).
        b"<p>START Templates use &lt;<!--more--> to split, &#60;<!-- x --> b, &#x3C;<![CDATA[ x ]]> c, "
        b"&lt;<!x> d, &LT;<!> e, &lt;&lt;<!-- y -->f END</p>",
    ]
    posts3 = [Post(i + 1, BOB, body) for i, body in enumerate(exact)]
    posts3[-1].title_html = "Use a &lt;<!-- x -->b comparison"
    posts3[0].title_html = "Caf&eacute &copy 2026 &amp;copy &lt3 &check; &NotEqualTilde; &notit; &foo;"
    posts3[1].title_html = "Line&amp;#x0A;break&amp;#9; tab &amp;#x27;s"
    posts3[2].title_html = "It\u0092s \u0093quoted\u0094"   # raw C1 controls, no markup: Windows-1252 read as Latin-1
    posts3[3].title_html = "Don&amp;rsquo;t &amp;mdash; &amp;eacute;t&amp;Eacute; &amp;NoSuch; &amp;copy 2026 &amp;lt;&amp;amp;&amp;gt;"
    rc, out, err, _ = dump_posts(unplanet, work, "exact", posts3)
    got = {e.findtext("link"): e for e in ET.fromstring(out).iter("entry")} if rc == 0 else {}
    for p in posts3:
        e = got.get(p.link)
        text = visible_text(e.findtext("content")) if e is not None else err[:200]
        check(f"hostile: exact text {p.n}: as a browser shows it", text == visible_text(p.body.decode()), f"{text!r}")
    e = got.get(posts3[0].link)
    check("hostile: exact text: title references as a browser decodes them", e is not None and
          e.findtext("title") == visible_text(posts3[0].title_html), f"{e.findtext('title') if e is not None else ''!r}")
    e2 = got.get(posts3[1].link)
    check("hostile: exact text: white space a title escaped twice gives is collapsed", e2 is not None and
          e2.findtext("title") == "Line break tab 's", f"{e2.findtext('title') if e2 is not None else ''!r}")
    # What <xmp> and <plaintext> hold is shown as written, references
    # too (HTML5's RAWTEXT and PLAINTEXT states); a <textarea>'s
    # references are decoded. Written out by hand: visible.py, like
    # Python's parser, knows none of them.
    literal = Post(1, BOB, b"<p>START <xmp>Write &amp; for &, &lt; a <b>x</b> &copy</xmp> and "
                   b"<textarea>t &amp; u <i></textarea> then <plaintext>Type &amp;copy; to get &copy; <i>")
    rc, out, err, _ = dump_posts(unplanet, work, "literal", [literal])
    text = visible_text(ET.fromstring(out).find(".//entry").findtext("content")) if rc == 0 else err[:200]
    check("hostile: what <xmp> and <plaintext> hold is text as written, references too; a <textarea>'s are decoded",
          text == "START1X Write &amp; for &, &lt; a <b>x</b> &copy and t & u <i> then "
          "Type &amp;copy; to get &copy; <i>", f"{text!r}")
    e4 = got.get(posts3[3].link)
    check("hostile: exact text: named references a title escaped twice leaves: XML's five, complete, are decoded "
          "once more, HTML's others stay (samples/README.md)",
          e4 is not None and e4.findtext("title") == "Don&rsquo;t &mdash; &eacute;t&Eacute; &NoSuch; &copy 2026 <&>",
          f"{e4.findtext('title') if e4 is not None else ''!r}")
    # Script data as HTML5 reads it: within "<!--" ... "-->" a "<script"
    # starts a part that a "</script" only ends (old embed snippets write
    # one with document.write); libxml2 ends at the first "</script" and
    # shows the rest. The expected texts are a browser's (Chromium's).
    scripts = [
        (b'<p>START a<script><!--\ndocument.write("<script src=x></script>");\n//--></script> b END</p>', "a b"),
        (b'<p>START a<script><!--\ndocument.write("<SCRIPT src=x></SCRIPT >");\n//--></script> b '
         b'<script>x</script> c END</p>', "a b c"),
        (b'<p>START a<script>if (a</scripts) x;</script> b END</p>', "a b"),
        (b'<p>START a<script><!--> </script> b END</p>', "a b"),
        (b'<p>START a<script>var s = "<!-- <script>"; </script> b </script> c --> </script> d END</p>', "a c --> d"),
        # ...and so are what an iframe, noscript, noembed or noframes
        # holds, to their end tag: text, which libxml2 reads as markup.
        (b'<p>START a<noscript><!-- </noscript> visible END</p>', "a visible"),
        (b'<p>START a<iframe><textarea></iframe> visible END</p>', "a visible"),
        (b'<p>START a<noscript><xmp></noscript> visible END</p>', "a visible"),
        (b'<p>START a<noembed><script></noembed> b <noframes></noframesx></noframes> c END</p>', "a b c"),
        (b'<p>START a<NOSCRIPT><p>x</p></NoScript > b END</p>', "a b"),
        # A "</" that starts a script or style: libxml2 reads an end tag
        # there first, and the element runs on.
        (b'<p>START a<script></scr</script> b c END</p>', "a b c"),
        (b'<p>START a<style></sty</style> b c END</p>', "a b c"),
        (b'<p>START a<style>p{}</stylex> x</style> b END</p>', "a b"),
        # <title> is RCDATA in HTML: its end tag ends it, whatever it holds.
        (b'<p>START a<title><noscript></title> b </noscript> c END</p>', "a b c"),
        (b'<p>START a<title><script><!--<script></script></title> b --></script> c END</p>', "a b --> c"),
        # In SVG and MathML these are elements like any other.
        (b'<p>START a<math><iframe><p>x</p> y</math> c END</p>', "a x y c"),
        (b'<p>START a<svg><noscript><b>visible</b></noscript></svg> c END</p>', "avisible c"),
        # A bogus comment ("</3", "<?") ends at the first '>': that of an
        # end tag, comment or processing instruction libxml2 reads, too;
        # and one starts at "</" before a reference ("</&lt;").
        (b'<p>START x </3 y </b> z | x </3 y <b>w</b> z | x <? y <!-- c --> z | x <![CDATA[ y ]]> z | '
         b'x </3 <?php echo 1; ?> z | x </3 y </p> z | q </&lt;3 r> s | a </&lt;<!x> b | g </3 h &lt;<!-- c --> i END</p>',
         "x z | x w z | x z | x z | x z | x z | q s | a b | g i"),
        # ...whatever markup it holds: a script, style, textarea, xmp or
        # noscript tag in it starts nothing (a post that shows PHP).
        (b'<p>START x <?php echo "<script>"; ?> y <b>z</b> | <?= "<style>" ?> w | I </3 <noscript> u | '
         b'a <![CDATA[ x <iframe> ]]> b | <?php echo "<textarea>"; ?> c | </3 <xmp> d<b>e</b> | '
         b'f <!DOCTYPE <title>> g</p><p>h END</p>',
         'x "; ?> y z | " ?> w | I u | a ]]> b | "; ?> c | de | f > g h'),
        # ...in SVG and MathML too, once an HTML end tag has left them,
        # inside an HTML element in them, and after a <style> or <script>
        # there that "</svg>" ends (libxml2 reads that end tag first).
        (b'<p>START <div><math></div>a <![CDATA[ x ]]> b END</p>', "a b"),
        (b'<p>START <svg><foreignObject><a><![CDATA[ > </a></foreignObject></svg> c ]]> END</p>', "c ]]>"),
        (b'<p>START <svg><style></svg><!x> d <svg><script></svg><!x> e END</p>', "d e"),
        (b'<p>START <svg><style></svg>f <![CDATA[ x ]]> g END</p>', "f g"),
        # A comment ends at "--!>" too; "</textareax" ends no textarea;
        # in SVG and MathML a <textarea>, <xmp> or <plaintext> holds
        # markup, which "</svg>" leaves.
        (b'<p>START a<!--4--!>5<!--->6 | a<!--x--!>b<textarea><i>c</i></textarea> | <!----!><!-->7 | '
         b'a<textarea>x</textareaa>y</textarea>z | <svg><plaintext></svg>9 | <math><textarea></math>3 | '
         b'<math><xmp></math>3 | q<!-- a --!> b -->r | s<!-- --!x> t -->u END</p>',
         "a56 | ab<i>c</i> | 7 | ax</textareaa>yz | 9 | 3 | 3 | q b -->r | su"),
        # ...but once they are closed, HTML stands again.
        (b'<p>START a<svg><path/></svg><textarea><b>x</b></textarea>c | d<svg/><xmp><i>y</i></xmp>e | '
         b'f<math><mi>1</mi></math><script>//<!--<script></script>--></script>g END</p>',
         "a<b>x</b>c | d <i>y</i> e | fg"),   # (an <xmp> becomes a <pre>: README, Content sanitizing)
        # An end tag </p> or </br> in SVG or MathML ends them too, even
        # where it closes no paragraph (a post is read on its own: what
        # starts it stands in none), or one a table cell stands before.
        (b'START a <svg width="16"><path d="M0 0h16v16H0z"/>\n</p>\nb <a href="/x">c</a> <p>d</p> END', "a b c d"),
        (b'START a <math><mi>x</mi><mo>=</mo></br>b <b>c</b> END', "a b c"),
        (b'<p>START a<table><tr><td><svg><g></p>b <i>c</i></td></tr></table> END</p>', "a b c"),
        (b'<p>START a<svg><foreignObject><p>x</p></foreignObject><g></p>b</svg> c END</p>', "a b c"),
    ]
    sposts = [Post(i + 1, BOB, body) for i, (body, _) in enumerate(scripts)]
    php = next(p for p, (body, _) in zip(sposts, scripts) if body.startswith(b"<p>START x <?php"))
    php.title_html = "Why I </3 <style> sheets <?php echo '<script>'; ?>!"
    rc, out, err, _ = dump_posts(unplanet, work, "script-data", sposts)
    sgot = {e.findtext("link"): e for e in ET.fromstring(out).iter("entry")} if rc == 0 else {}
    for p, (_, want) in zip(sposts, scripts):
        se = sgot.get(p.link)
        text = visible_text(se.findtext("content")) if se is not None else err[:200]
        check(f"hostile: script data or raw text {p.n} ends where HTML5 ends it", text == f"START{p.n}X {want} END{p.n}X",
              f"{text!r}")
    se = sgot.get(php.link)
    check("hostile: a bogus comment in a title hides only itself, whatever markup it holds",
          se is not None and se.findtext("title") == "Why I sheets '; ?>!", f"{se.findtext('title') if se is not None else ''!r}")
    e5 = got.get(posts3[-1].link)
    check("hostile: exact text: a '<' written as a reference right before a comment, in a title",
          e5 is not None and e5.findtext("title") == "Use a <b comparison",
          f"{e5.findtext('title') if e5 is not None else ''!r}")
    e3 = got.get(posts3[2].link)
    check("hostile: exact text: raw C1 controls in a title show as the Windows-1252 characters",
          e3 is not None and e3.findtext("title") == "It\u2019s \u201cquoted\u201d", f"{e3.findtext('title') if e3 is not None else ''!r}")
    # ...also in a source named by its channel link's title attribute only.
    c1 = ("", "https://c1.example/", "It\u0092s \u0093Feed\u0094")
    rc, out, err, _ = dump_posts(unplanet, work, "c1-source", [Post(1, c1, b"<p>START x END</p>")])
    names = [f.findtext("title") for f in ET.fromstring(out).iter("feed")] if rc == 0 else [err[:200]]
    check("hostile: exact text: raw C1 controls in a source's title attribute show as Windows-1252 too",
          names == ["It\u2019s \u201cFeed\u201d"], f"{names!r}")
    # ...and its line breaks and runs of spaces are layout, as in a name.
    sp = ("", "https://sp.example/", " Spaced \n  Name\t")
    rc, out, err, _ = dump_posts(unplanet, work, "spaced-source", [Post(1, sp, b"<p>START x END</p>")])
    names = [(f.findtext("title"), f.findtext("subtitle"), f.findtext("entry/source/name"), f.findtext("entry/source/title"))
             for f in ET.fromstring(out).iter("feed")] if rc == 0 else [err[:200]]
    check("hostile: a source named by a title attribute with line breaks and runs of spaces: collapsed, as names are",
          names == [("Spaced Name",) * 4], f"{names!r}")
    # Noncharacters written as references, in a title, a source's name and
    # a post's text: U+FFFD in every file, as when the page's bytes hold
    # them (HTML calls them parse errors; index.html must stay valid).
    odd = ("Odd &#xFDEF; Name", "https://odd.example/", "Odd")
    odd_post = Post(1, odd, b"<p>START a&#xFDD0;b &#x10FFFF; END</p>")
    odd_post.title_html = "Odd &#xFDD0; &amp;#x1FFFE; &#xFFFF; &#xFDCF;"
    odd_dir = os.path.join(work, "nonchar-out")
    with open(os.path.join(work, "nonchar.html"), "wb") as f:
        f.write(page([odd_post]))
    r = subprocess.run([unplanet, "-o", odd_dir, os.path.join(work, "nonchar.html")], capture_output=True, timeout=120)
    nonchar = re.compile("[\ufdd0-\ufdef\ufffe\uffff\U0001fffe\U0001ffff\U0010fffe\U0010ffff]")
    found = []
    for top, _, files in os.walk(odd_dir):
        for name in files:
            text = open(os.path.join(top, name), "rb").read().decode("utf-8", "replace")
            # Written as references too: &#xFDD0; and &#64976; in XML, \ufdd0 in JSON.
            text = re.sub(r"&#x([0-9a-fA-F]+);", lambda m: chr(int(m.group(1), 16)), text)
            text = re.sub(r"&#([0-9]+);", lambda m: chr(int(m.group(1))), text)
            text = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), text)
            if nonchar.search(text):
                found.append(os.path.relpath(os.path.join(top, name), odd_dir))
    atom = os.path.join(odd_dir, "authors", "odd-name.atom")
    title = ET.parse(atom).getroot().findtext("{http://www.w3.org/2005/Atom}entry/{http://www.w3.org/2005/Atom}title") \
        if os.path.exists(atom) else None
    check("hostile: noncharacters from references become U+FFFD in every file, their neighbours stay",
          r.returncode == 0 and not found and title == "Odd \ufffd \ufffd \ufffd \ufdcf",
          f"exit {r.returncode}: {r.stderr[:200]!r} {found} {title!r}")
    # A note the Planet's owner put below the posts' column is no post and
    # stops none: the page reads as without it (titled and untitled last
    # posts). Text right after the last date line may be a post whose own
    # is lost, and one holding a date line a post cut short: note_refused.
    for titled in (True, False):
        note_posts = [Post(2, BOB, b"<p>START two END</p>", title=titled), Post(1, BOB, b"<p>START one END</p>", title=titled)]
        note_plain = page(note_posts)
        note_pages = {"after it": note_plain.replace(b"  <div id=\"left-hand-navigation\">",
                                           b'<div class="note"><p>Planet rules</p></div>\n  <div id="left-hand-navigation">'),
                 "between its closing tags": note_plain.replace(TAIL, TAIL.replace(b"</div>", b'</div>\n<p class="note">Run by '
                                                                              b'<a href="/team">volunteers</a>.</p>', 1))}
        note_want = dump_posts(unplanet, work, "no-note", note_posts)[1]
        note_got = {}
        for where, data in note_pages.items():
            path = os.path.join(work, "note.html")
            with open(path, "wb") as f:
                f.write(data)
            rc, out, err = dump(unplanet, path)
            note_got[where] = (rc, out == note_want, err[:200])
        check(f"hostile: a note below the posts' column ({'titled' if titled else 'untitled'} last post), after it or "
              "between its closing tags, reads as the page without it",
              note_got == {k: (0, True, "") for k in note_pages} and note_want.count(b"<entry>") == 2, f"{note_got}")
    note_refused = {}
    for what, extra in (("text", b"<p>half a post</p>"),
                        ("a date line", b'</div><p>\n<em><a href="https://bob.example/x">April 1, 2026 10:00 AM UTC</a></em>\n'
                                        b"</p>\n<p>half a post")):
        path = os.path.join(work, "note.html")
        with open(path, "wb") as f:
            f.write(note_plain.replace(TAIL, b"\n" + extra + TAIL))
        rc, out, err = dump(unplanet, path)
        note_refused[what] = (rc, "a date line or header below the last post" in err)
    # A page with no sidebar ends the list at its last </body> or </html>:
    # one in the last post, after a copy of a footer and a </div>, is no
    # end of the column, and what follows it is no owner's note.
    copy = [Post(2, ALICE, b"<p>START first END</p>", hour=11),
            Post(1, ALICE, b'<p>START</p>\n</p>\n<p>\n<em><a href="https://y.example/">March 2, 2026 10:00 AM UTC</a>'
                           b'</em>\n</p>\n</div><p>a pasted page ends</body></html>here END</p>', title=False, hour=10)]
    path = os.path.join(work, "note.html")
    with open(path, "wb") as f:
        f.write(page(copy).replace(TAIL, b"\n</div></div></html>\n"))
    rc, out, err = dump(unplanet, path)
    note_refused["a copy of a footer, </div> and </body> in the last post"] = (rc, "a date line or header below" in err)
    check("hostile: text right after the last post's date line, a date line below the column, or a post's copy of "
          "a footer, </div> and </body> on a page with no sidebar: refused, saying a date line or header below the "
          "last post may be why",
          note_refused == {"text": (65, True), "a date line": (65, True),
                           "a copy of a footer, </div> and </body> in the last post": (65, True)}, f"{note_refused}")
    # A page over 1 MB is checked for bytes that are no UTF-8 in parts, on
    # the threads: a bad byte in any part, or a character cut between two
    # (multibyte text throughout), is still found and replaced.
    wide = ("Wide", "https://wide.example/", "Wide")
    filler = ("\u00e9t\u00e9 \u2014 \U0001f40d " * 30000).encode()
    for at in ("first", "last"):
        wide_posts = [Post(k, wide, b"<p>START " + filler + b" END</p>") for k in (1, 2, 3)]
        wide_bad = wide_posts[0] if at == "first" else wide_posts[-1]
        wide_bad.title_html = "Bad BADBYTE byte"
        with open(os.path.join(work, "wide.html"), "wb") as f:
            f.write(page(wide_posts).replace(b"BADBYTE", b"\xff"))
        wide_titles = {}
        for jobs in ("1", "4"):
            r = subprocess.run([unplanet, "-j", jobs, "--dump", os.path.join(work, "wide.html")], capture_output=True,
                               timeout=120)
            try:
                wide_titles[jobs] = sorted(e.findtext("title") for e in ET.fromstring(r.stdout).iter("entry")) \
                    if r.returncode == 0 else [r.stderr[:200]]
            except ET.ParseError as e:
                wide_titles[jobs] = [f"not XML: {e}"]
        check(f"hostile: a byte that is no UTF-8 in the {at} post of a page over 1 MB of multibyte text is replaced, "
              "on one thread or four",
              wide_titles["1"] == wide_titles["4"] == sorted(p.title if p is not wide_bad else "Bad \ufffd byte" for p in wide_posts) and
              os.path.getsize(os.path.join(work, "wide.html")) > 1 << 20, f"{wide_titles!r}")
    # A permalink browsers take but libxml2 cannot parse (an empty port):
    # the post's links resolve against its source's site instead, and are
    # not left relative (to resolve against wherever the feed is served).
    tee = Post(1, ("Tee", "https://t4.example/blog/", "Tee"),
               b'<p>START <a href="rel">r</a> <img srcset="a.png, b.png 2x"> END</p>')
    tee.link = "https://t4.example:/p/1"
    rc, out, err, _ = dump_posts(unplanet, work, "empty-port", [tee])
    content = next(ET.fromstring(out).iter("entry")).findtext("content") if rc == 0 else err
    check("hostile: a permalink libxml2 cannot parse: links resolve against the source's site",
          'href="https://t4.example/blog/rel"' in content and
          'srcset="https://t4.example/blog/a.png, https://t4.example/blog/b.png 2x"' in content, content[:300])
    check("hostile: exact text: a query's &copy= is not a reference", e is not None and
          'href="https://x.example/?a=1&amp;copy=2&amp;b"' in e.findtext("content"), "")
    e = got.get(next(p for p in posts3 if b"&check;" in p.body).link)
    check("hostile: exact text: HTML5 names are decoded in attributes too", e is not None and
          'href="https://x.example/?q=%E2%9C%93"' in e.findtext("content"), e.findtext("content") if e is not None else "")
    e = got.get(next(p for p in posts3 if b"<form" in p.body).link)
    check("hostile: exact text: no form, control or action is left", e is not None and
          not any(x in e.findtext("content") for x in ("<form", "<button", "<select", "<option", "<textarea", "<input",
                                                         "action=", "evil")), e.findtext("content") if e is not None else "")
    # The same permalink twice becomes one entry.
    twice = [posts[0], posts[0]]
    twice[1] = Post(1, posts[0].source, b"<p>START again END</p>", day=20)
    rc, out, err, _ = dump_posts(unplanet, work, "twice", twice)
    n = len(ET.fromstring(out).findall("feed/entry")) if rc == 0 else -1
    check("hostile: same permalink twice is one entry", n == 1, f"{n} entries, {err[:200]}")
    kept = ET.fromstring(out).find("feed/entry") if rc == 0 else None
    check("hostile: ...the first (newest) copy on the page", kept is not None and
          kept.findtext("published") == twice[0].published and "again" not in visible_text(kept.findtext("content")),
          f"{kept.findtext('published') if kept is not None else err[:200]}")
    # An untitled post holding a copy of a footer and a bare frame, in the
    # same minute as the post above it: the copy is part of it (a post
    # ends no later than the one above it started), and the next post, of
    # another source, stays its own.
    minute = [Post(1, ALICE, b"<p>START a END</p>", day=28, hour=10),
              Post(2, BOB, b"<p>START quoted</p></p>\n<p>\n<em><a href=\"https://old.example/x\">May 01, 2026 09:00 AM "
                   b"UTC</a></em>\n</p>\n<p>\n<p>rest END</p>", title=False, day=28, hour=10),
              Post(3, ALICE, b"<p>START c END</p>", day=28, hour=8)]
    minute[1].date, minute[1].published = minute[0].date, minute[0].published
    rc, out, err, _ = dump_posts(unplanet, work, "same-minute", minute)
    got = {e.findtext("link"): visible_text(e.findtext("content") or "") for e in ET.fromstring(out).iter("entry")} \
        if rc == 0 else {}
    check("hostile: an untitled post quoting a footer, in the same minute as the post above, swallows no other post",
          len(got) == 3 and all(got.get(p.link, "").startswith(f"START{p.n}X") and got[p.link].endswith(f"END{p.n}X")
                                for p in minute), f"exit {rc}: {got!r} {err[:200]}")
    # A source whose name gives no slug is named after its site's host,
    # less "www.".
    nameless = ("日本語", "https://www.nihongo.example/", "日本語")
    rc, out, err, _ = dump_posts(unplanet, work, "nameless", [Post(1, nameless, b"<p>START x END</p>")])
    slugs = [f.get("slug") for f in ET.fromstring(out).iter("feed")] if rc == 0 else [err[:200]]
    check("hostile: a name with no letters to transliterate: its site's host, less www., is its slug",
          slugs == ["nihongo-example"], f"{slugs!r}")
    # A host in Unicode, or in IDNA's ASCII form, reads as a browser shows
    # it, transliterated; so does the host that tells namesakes apart.
    idn = [("中文", "https://bücher.example/", "中文"), ("日本語", "https://www.xn--mnchen-3ya.example/", "日本語"),
           ("Ada", "https://münchen.example/", "Ada"), ("Ada", "https://zürich.example/", "Ada"),
           ("한국어", "https://XN--ZRICH-KVA.example/", "한국어")]
    rc, out, err, _ = dump_posts(unplanet, work, "nameless-idn",
                                 [Post(i + 1, s, b"<p>START x END</p>", hour=10 - i) for i, s in enumerate(idn)])
    slugs = sorted(f.get("slug") for f in ET.fromstring(out).iter("feed")) if rc == 0 else [err[:200]]
    check("hostile: a site's host in Unicode or in IDNA's ASCII form gives its slug transliterated",
          slugs == ["ada", "ada-zurich-example", "bucher-example", "munchen-example", "zurich-example"], f"{slugs!r}")
    # Namesakes of that fallback: a second source on the same host is
    # numbered (not "nihongo-example-nihongo-example"), and sources with
    # neither letters nor a site are "source", "source-2".
    namesakes = [nameless, ("中文", "https://nihongo.example/zh/", "中文"), ("한국어", "", "한국어"), ("ελληνικά", "", "")]
    rc, out, err, _ = dump_posts(unplanet, work, "nameless-namesakes",
                                 [Post(i + 1, s, b"<p>START x END</p>", hour=10 - i) for i, s in enumerate(namesakes)])
    slugs = sorted(f.get("slug") for f in ET.fromstring(out).iter("feed")) if rc == 0 else [err[:200]]
    check("hostile: sources with no slug in their names: the host's, numbered, else 'source', numbered",
          slugs == ["nihongo-example", "nihongo-example-2", "source", "source-2"], f"{slugs!r}")
    # Copies whose readings multiply: titled posts that could each end at
    # any later footer, then one no footer ends. No reading exists; the
    # answer must be a clear error, not a search through 2^N of them.
    for n in (40, 2000):
        many = [HEAD, b'\n<h2>April 28, 2026</h2>\n<hr /><h3 class="post"><a href="https://a.example/" title="A">A</a></h3>\n']
        many += [b'<h4><a href="https://a.example/p">t</a></h4>\n<p>\naaaa</p>\n<p>\n'
                 b'<em><a href="https://a.example/p">April 28, 2026 10:00 AM UTC</a></em>\n</p>\n'] * n
        many += [b'<h4><a href="https://a.example/z">z</a></h4>\n<p>\nx\n', TAIL]
        path5 = os.path.join(work, "multiply.html")
        with open(path5, "wb") as f:
            f.write(b"".join(many))
        try:
            rc, out, err = dump(unplanet, path5)
        except subprocess.TimeoutExpired:
            rc, err = None, "still searching after 120 s"
        check(f"hostile: {n} copies whose readings multiply give a clear error",
              rc == 65 and "multiply.html:" in err, f"exit {rc}: {err[:200]}")
    # Many copies, in one post, of its own footer followed by a titled
    # frame whose link no footer after it can close: each copy is tried
    # and fails, which must cost one search for them all, not one search
    # of the rest of the page each (that gave up on the whole page).
    for title, k in ((True, 300), (False, 300)):
        pair = (b"OWNFOOTER<h4><a href=\"https://x.example/L\">F</a></h4>\n<p>\nx ")
        tail = b"</p>\n<p>\n<em><a href=\"https://x.example/L\">April 28, 2026 05:00 AM UTC</a></em>\n</p>\nEND"
        copies = [Post(1, ALICE, b"<p>START intro</p>\n" + pair * k + tail, title=title, day=28, hour=9)]
        copies += [Post(i, BOB, b"<p>START filler END</p>", day=28, hour=8) for i in range(2, 6)]
        rc, out, err, _ = dump_posts(unplanet, work, "copies", copies)
        texts = [visible_text(e.findtext("content") or "") for e in ET.fromstring(out).iter("entry")] if rc == 0 else [err[:200]]
        check(f"hostile: {k} copies of a {'titled' if title else 'untitled'} post's own footer, each before a titled "
              "frame no footer closes, leave every post whole",
              len(texts) == 5 and texts[0].startswith("START1X intro") and texts[0].endswith("END1X") and
              sorted(texts[1:]) == [f"START{i}X filler END{i}X" for i in range(2, 6)], f"exit {rc}: {[t[:60] for t in texts]}")
    # Two repairs on one page: an untitled post holding an older footer's
    # copy, and a titled post holding two copies of its own footer (joined
    # one copy per pass). Neither may undo the other.
    both = [Post(1, ALICE, b"<p>START alice</p>\n</p>\n<p>\n<em><a href=\"http://x.example/old\">April 20, 2026 "
                 b"06:00 AM UTC</a></em>\n</p>\n<p>\nalice END", title=False, day=28, hour=9),
            Post(2, BOB, b"<p>START bob</p>\nOWNFOOTER<p>\nbob middle\nOWNFOOTER<p>\nbob END", day=28, hour=8),
            Post(3, BOB2, b"<p>START last END</p>", day=28, hour=7)]
    rc, out, err, _ = dump_posts(unplanet, work, "both", both)
    texts = sorted(visible_text(e.findtext("content") or "") for e in ET.fromstring(out).iter("entry")) if rc == 0 else [err[:200]]
    check("hostile: an older footer's copy in one post and two of its own footer in another: both posts whole",
          len(texts) == 3 and texts[0].startswith("START1X alice") and texts[0].endswith("END1X") and
          texts[1].startswith("START2X bob") and "bob middle" in texts[1] and texts[1].endswith("END2X") and
          texts[2] == "START3X last END3X", f"exit {rc}: {texts}")
    # A copy of a footer, then a title linking to a later post's permalink
    # (after another post in between, a day header, a channel header): the
    # copied title is no post of its own that would run to that post's
    # footer and take in every post between.
    copies = {
        "an older footer's copy in an untitled post":
            (False, b"</p>\n<p>\n<em><a href=\"https://x.example/\">April 20, 2026 07:00 AM UTC</a></em>\n</p>\n"),
        "a copy of a titled post's own footer": (True, b"OWNFOOTER"),
        "a copy of this day's footer and a channel header":
            (False, b"</p>\n<p>\n<em><a href=\"https://x.example/\">SAMEDAY 09:30 AM UTC</a></em>\n</p>\n"
                    b"<hr /><h3 class=\"post\"><a href=\"https://evil.example/\" title=\"Evil\">Evil</a></h3>\n"),
    }
    for what, (title, copy) in copies.items():
        later = [Post(1, ALICE, b"<p>START a</p>\n" + copy + b"<h4><a href=\"LATER\">Copied</a></h4>\n<p>\nrest END",
                      title=title, day=28, hour=9),
                 Post(2, BOB, b"<p>START two END</p>", day=28, hour=8),
                 Post(3, BOB2, b"<p>START three END</p>", day=27, hour=8),
                 Post(4, ALICE, b"<p>START four END</p>", day=27, hour=7)]
        later[0].body = later[0].body.replace(b"LATER", esc(later[3].link).encode())
        rc, out, err, _ = dump_posts(unplanet, work, "later-title", later)
        got = {e.findtext("link"): (visible_text(e.findtext("content") or ""), e.findtext("published"))
               for e in ET.fromstring(out).iter("entry")} if rc == 0 else {}
        check(f"hostile: {what}, then a title linking to a later post's permalink: every post whole, at its own date",
              len(got) == 4 and all(got.get(p.link, ("", ""))[0].startswith(f"START{p.n}X") and
                                    got[p.link][0].endswith(f"END{p.n}X") and got[p.link][1] == p.published
                                    for p in later), f"exit {rc}: {got!r} {err[:200]}")
    # ...but a post quoting its own title right after a copied footer is
    # still the post: every post around it stays whole (above it titled
    # or untitled).
    def whole_posts(posts, name):
        rc, out, err, _ = dump_posts(unplanet, work, name, posts)
        got = {e.findtext("link"): (visible_text(e.findtext("content") or ""), e.findtext("published"),
                                    e.findtext("source/link")) for e in ET.fromstring(out).iter("entry")} if rc == 0 else {}
        return rc, err, got, [p for p in posts if not (got.get(p.link, ("",))[0].startswith(f"START{p.n}X") and
                                                       got[p.link][0].endswith(f"END{p.n}X") and
                                                       got[p.link][1:] == (p.published, p.source[1]))]
    DAVE, EVE = ("Dave", "https://dave.example/", "Dave"), ("Eve", "https://eve.example/", "Eve")
    for above_titled in (True, False):
        quoting = [Post(1, DAVE, b"<p>START one END</p>", hour=11), Post(2, ALICE, b"<p>START two END</p>", title=above_titled, hour=10),
                   Post(3, BOB, b"<p>START quoting</p>\n</p>\n<p>\n<em><a href=\"https://x.example/\">April 20, 2026 09:00 AM "
                        b"UTC</a></em>\n</p>\n<h4><a href=\"OWNLINK\">Post 3 &amp; more</a></h4>\n<p>\nrest END", hour=9),
                   Post(4, EVE, b"<p>START four END</p>", hour=8)]
        quoting[2].body = quoting[2].body.replace(b"OWNLINK", esc(quoting[2].link).encode())
        rc, err, got, broken = whole_posts(quoting, "own-title")
        check(f"hostile: a post quoting its own title after a copied footer, below {'a titled' if above_titled else 'an untitled'} "
              "post: every post whole", rc == 0 and not broken, f"exit {rc}: {[p.n for p in broken]} {err[:200]}")
    # ...also after a copied post of another title: the rule that takes a
    # title ahead for the real one leaves no reading, and framing is tried
    # again without it.
    quoting[2].body = (b"<p>START3X q</p>\n</p>\n<p>\n<em><a href=\"https://x.example/\">April 20, 2026 09:00 AM UTC</a></em>\n"
                       b"</p>\n<h4><a href=\"https://y.example/p\">Y</a></h4>\n<p>\ny\n</p>\n<p>\n<em><a href=\"https://y.example/p\">"
                       b"April 20, 2026 08:00 AM UTC</a></em>\n</p>\n<h4><a href=\"" + esc(quoting[2].link).encode() +
                       b"\">Post 3 &amp; more</a></h4>\n<p>\nrest END3X")
    quoting[1].title_html = "Post 2 &amp; more"
    rc, err, got, broken = whole_posts(quoting, "own-title-after-copy")
    check("hostile: a post quoting another post, then its own title, after copied footers: every post whole",
          rc == 0 and not broken, f"exit {rc}: {[p.n for p in broken]} {err[:200]}")
    # A copy of its own title after a footer copy no Planet could print
    # there (an older day's, in an untitled post) or after a copy of its
    # own footer (in a titled post): the rest is the post's, not a post of
    # its own (which would fail the dates, or be dropped as the same
    # permalink twice, its text lost).
    older = b"</p>\n<p>\n<em><a href=\"https://x.example/0\">April 20, 2026 06:00 AM UTC</a></em>\n</p>\n"
    alice_header = (f'<hr /><h3 class="post"><a href="{esc(ALICE[1])}" title="{esc(ALICE[2])}">{ALICE[0]}</a>'
                    f'</h3>\n\n\n').encode()
    for what, title, copy in (("an untitled post holding an older day's footer copy", False, older),
                              ("an untitled post holding an older day's footer copy, then of its channel header",
                               False, older + alice_header),
                              ("a titled post holding a copy of its own footer", True, b"OWNFOOTER")):
        own = [Post(1, DAVE, b"<p>START one END</p>", hour=11),
               Post(2, ALICE, b"<p>START a</p>\n" + copy + b"<h4><a href=\"OWNLINK\">Post 2 &amp; more</a></h4>\n"
                    b"<p>\nrest END", title=title, hour=10),
               Post(3, ALICE, b"<p>START three END</p>", title=False, hour=9),
               Post(4, EVE, b"<p>START four END</p>", hour=8)]
        own[1].body = own[1].body.replace(b"OWNLINK", esc(own[1].link).encode())
        rc, err, got, broken = whole_posts(own, "own-title-copy")
        check(f"hostile: {what}, then of its own title: every post whole",
              rc == 0 and not broken and len(got) == 4, f"exit {rc}: {[p.n for p in broken]} {got} {err[:200]}")
    # An untitled post holding a copy of its own footer, then a title
    # linking to a later post of another source, after another untitled
    # post of its own: that title is a copy (its real one is nearer its
    # footer), and no post moves to another feed. And a titled post
    # holding copies of footers and titles (the post above's, then its
    # own): the rule that takes a title ahead for the real one gives a
    # reading whose dates fail, so the page is framed again without it.
    def foot(link, date):
        return f'</p>\n<p>\n<em><a href="{esc(link)}">{date}</a></em>\n</p>\n'.encode()
    CAROL = ("Carol", "https://carol.example/", "Carol")
    swallow = [Post(1, ALICE, b"<p>START a</p>\nOWNFOOTER<h4><a href=\"LATER\">Quoted</a></h4>\n<p>\nrest END",
                    title=False, hour=10),
               Post(2, ALICE, b"<p>START two END</p>", title=False, hour=9),
               Post(3, CAROL, b"<p>START three END</p>", hour=8)]
    swallow[0].body = swallow[0].body.replace(b"LATER", esc(swallow[2].link).encode())
    quoted = [Post(1, ALICE, b"<p>START one END</p>", hour=11), Post(2, BOB, b"", hour=10),
              Post(3, EVE, b"<p>START three END</p>", hour=8)]
    quoted[1].body = (b"<p>START2X b1</p>\n" + foot("https://zed.example/1", "April 28, 2026 09:00 AM UTC") +
                      b"<h4><a href=\"" + esc(quoted[0].link).encode() + b"\">Heading1</a></h4>\n<p>\nb2</p>\n" +
                      foot(quoted[0].link, "April 28, 2026 09:00 AM UTC") +
                      b"<h4><a href=\"" + esc(quoted[1].link).encode() + b"\">Heading2</a></h4>\n<p>\nrest END2X")
    # An untitled post holding a footer copy of this day, a channel
    # header's copy, then an older day's footer copy: what takes in the
    # title after such a footer does not take in the titled posts below.
    S3 = ("S3", "https://s3.example/", "S3")
    older_copy = [Post(1, DAVE, b"<p>START one END</p>", hour=11),
                  Post(2, ALICE, b"<p>START w" + foot("https://x.example/z", "April 28, 2026 06:06 AM UTC") +
                       b"<p>\nx0 <hr /><h3 class=\"post\"><a href=\"https://s3.example/\" title=\"S3\">S3</a></h3>\n<p>\nx1" +
                       foot("https://x.example/z", "April 20, 2026 09:00 AM UTC") + b"<p>\nx2 END", title=False, hour=10),
                  Post(3, BOB, b"<p>START three END</p>", hour=9), Post(4, S3, b"<p>START four END</p>", hour=8),
                  Post(5, EVE, b"<p>START five END</p>", hour=7), Post(6, S3, b"<p>START six END</p>", title=False, hour=6)]
    older_copy[5].date = older_copy[1].date.replace("10:02", "06:06")
    older_copy[5].published = "2026-04-28T06:06:00Z"
    for what, posts in (("an untitled post holding a footer copy, a channel header's and an older day's footer copy",
                         older_copy),
                        ("an untitled post holding its own footer's copy, then a later post's title", swallow),
                        ("a titled post quoting the title above after a footer copy, then its own after that one's footer",
                         quoted)):
        rc, err, got, broken = whole_posts(posts, "copied-title")
        check(f"hostile: {what}: every post whole, in its own feed",
              rc == 0 and not broken and len(got) == len(posts), f"exit {rc}: {[p.n for p in broken]} {got} {err[:200]}")
    # A copy of a footer, then a title linking to a later untitled post of
    # another source, after another source's post (and a day header): read
    # as a post, that title would run across their channel headers to the
    # later post's footer, taking both in under the first post's source;
    # it is the first post's text, which ends at its own footer. Titled,
    # with one or two copies of its own footer; untitled, with a copy of
    # its own footer, of an earlier one of this day, or of an older day's.
    def h4(link, title):
        return f'<h4><a href="{esc(link)}">{title}</a></h4>\n<p>\n'.encode()
    wrong = []
    for what, title, copy in (("titled, its own footer", True, b"OWNFOOTER"),
                              ("titled, its own footer twice", True, b"OWNFOOTEROWNFOOTER"),
                              ("untitled, its own footer", False, b"OWNFOOTER"),
                              ("untitled, this day's", False, foot("https://x.example/1", "April 28, 2026 09:30 AM UTC")),
                              ("untitled, an older day's", False, foot("https://x.example/1", "April 27, 2026 12:53 AM UTC"))):
        for below in (28, 27):
            crossing = [Post(1, BOB, b"<p>START a</p>\nCOPYLATERrest END", title=title, hour=10),
                        Post(2, ALICE, b"<p>START two END</p>", hour=9),
                        Post(3, CAROL, b"<p>START three END</p>", title=False, day=below, hour=8)]
            crossing[0].body = crossing[0].body.replace(b"COPY", copy.replace(b"OWNFOOTER", foot(crossing[0].link, crossing[0].date)))
            crossing[0].body = crossing[0].body.replace(b"LATER", h4(crossing[2].link, "Quoted"))
            rc, err, got, broken = whole_posts(crossing, "crossing-title")
            if rc != 0 or broken or len(got) != 3:
                wrong.append(f"{what}, later post on day {below}: exit {rc} {[q.n for q in broken]} {err[:100]}")
    check("hostile: a footer copy, then a title linking to a later untitled post of another source: every post whole, "
          "in its own feed", not wrong, "; ".join(wrong))
    # A post quoting, after a made-up footer and title, the footer of a
    # post above (of another source, with a post between or none), then
    # its own title: the post above ends at its own footer, not at that
    # copy (which would take in the posts between, and file the rest of
    # the quoting post under its source).
    wrong = []
    for between in (True, False):
        quoting = [Post(1, ALICE, b"<p>START one END</p>", hour=10)]
        quoting += [Post(2, BOB, b"<p>START two END</p>", hour=9)] if between else []
        quoting += [Post(3, CAROL, b"", hour=8), Post(4, DAVE, b"<p>START four END</p>", hour=7)]
        quoting[-2].body = (b"<p>START3X c</p>\n" + foot("https://x.example/x", "April 20, 2026 01:00 PM UTC") +
                            h4("https://eve.example/y", "EY") + foot(quoting[0].link, quoting[0].date) +
                            h4(quoting[-2].link, "Post 3 &amp; more") + b"rest END3X")
        rc, err, got, broken = whole_posts(quoting, "quoting-above-footer")
        if rc != 0 or broken or len(got) != len(quoting):
            wrong.append(f"{'a post' if between else 'no post'} between: exit {rc} {[q.n for q in broken]} {err[:100]}")
    check("hostile: a post quoting a footer of a post above, then its own title: every post whole", not wrong,
          "; ".join(wrong))
    # An untitled post under the next day's header quoting a footer at a
    # time later than the post above (that post's link, or another), then
    # its rest: bare, after a copy of its own title, or after copies of
    # the quoted day's header and its own channel header. No Planet prints
    # that footer there, so the post is whole; the post above (titled, at
    # the quoted link) must not take it in up to the copy, leaving its rest
    # under a day header its footer does not match. Below a titled or an
    # untitled post, of its source or another, last on the page or not.
    wrong = []
    for above_titled, same, quoted, rest, last in itertools.product((True, False), (True, False), ("above", "elsewhere"),
                                                                    ("bare", "own title", "copied headers"), (True, False)):
        above = Post(1, DAVE, b"<p>START one END</p>", title=above_titled, day=28, hour=1)
        src = DAVE if same else ALICE
        later = Post(2, src, b"", title=False, day=27, hour=9)
        after = {"bare": b"<p>\n", "own title": h4(later.link, "Quoted"),
                 "copied headers": f'\n<h2>April 28, 2026</h2>\n\n<hr /><h3 class="post"><a href="{esc(src[1])}" '
                                   f'title="{esc(src[2])}">{src[0]}</a></h3>\n\n\n<p>\n'.encode()}[rest]
        later.body = (b"<p>START2X b</p>\n" + foot(above.link if quoted == "above" else "https://x.example/q",
                                                     "April 28, 2026 06:00 AM UTC") + after + b"rest END2X")
        posts = [above, later] + ([] if last else [Post(3, EVE, b"<p>START three END</p>", day=27, hour=8)])
        rc, err, got, broken = whole_posts(posts, "quoting-later-footer")
        if rc != 0 or broken or len(got) != len(posts):
            wrong.append(f"above {'titled' if above_titled else 'untitled'}, {'its' if same else 'another'} source, "
                         f"quoting {quoted}, rest {rest}, {'last' if last else 'not last'}: exit {rc} "
                         f"{[q.n for q in broken]} {err[:100]}")
    check("hostile: an untitled post quoting a later footer under the next day's header: every post whole "
          "(48 pages)", not wrong, "; ".join(wrong))
    # An untitled post, below an untitled post of its own source, holding
    # a copy of a footer dated after the page's "Last update" (no Planet
    # printed it), then a bare frame's copy: the post above does not take
    # it in (the dates would allow it); it holds the copy.
    wrong = []
    for what, copy in (("another link", foot("https://evil.example/0", "April 30, 2026 09:51 AM UTC")),
                       ("its source's link", foot("https://bob.example/9", "April 30, 2026 09:51 AM UTC")),
                       ("then an older one", foot("https://evil.example/0", "April 30, 2026 09:51 AM UTC") + b"<p>\n" +
                        foot("https://x.example/5", "April 26, 2026 11:45 AM UTC"))):
        future = [Post(1, ALICE, b"<p>START one END</p>", day=27, hour=11),
                  Post(2, BOB, b"<p>START two END</p>", title=False, day=27, hour=9),
                  Post(3, BOB, b"<p>START three</p>\n" + copy + b"<p>\nrest END", title=False, day=27, hour=8),
                  Post(4, CAROL, b"<p>START four END</p>", day=27, hour=7)]
        rc, err, got, broken = whole_posts(future, "future-copy")
        if rc != 0 or broken or len(got) != 4:
            wrong.append(f"{what}: exit {rc} {[q.n for q in broken]} {err[:100]}")
    check("hostile: an untitled post holding a copy of a footer dated after the page was made, below another of its "
          "source: both whole", not wrong, "; ".join(wrong))
    # Joining a post cut at a newer footer copy keeps to its own day, and
    # to its own rest: no other source's posts are taken in.
    days = [Post(1, ALICE, b"<p>START one END</p>", day=28, hour=10),
            Post(2, BOB, b"<p>START a</p>\n</p>\n<p>\n<em><a href=\"https://x.example/\">April 28, 2026 11:00 AM UTC</a></em>\n"
                 b"</p>\n<p>\nrest END", title=False, day=27, hour=10),
            Post(3, BOB2, b"<p>START a</p>\n</p>\n<p>\n<em><a href=\"https://x.example/\">April 28, 2026 09:30 AM UTC</a></em>\n"
                 b"</p>\n<hr /><h3 class=\"post\"><a href=\"https://evil.example/\" title=\"Evil\">Evil</a></h3>\n<p>\nrest END",
                 title=False, day=27, hour=9)]
    rc, err, got, broken = whole_posts(days, "newer-copy-days")
    check("hostile: posts cut at newer footer copies on an older day: every post whole", rc == 0 and not broken,
          f"exit {rc}: {[p.n for p in broken]} {err[:200]}")
    others = [Post(1, ALICE, b"<p>START a</p>\n</p>\n<p>\n<em><a href=\"https://x.example/\">April 28, 2026 11:30 AM UTC</a></em>\n"
                   b"</p>\n<h4><a href=\"https://z.example/\">Z</a></h4>\n<p>\nb\n</p>\n<p>\n<em><a href=\"https://z.example/\">"
                   b"April 28, 2026 11:29 AM UTC</a></em>\n</p>\n<h4><a href=\"EVELINK\">Copied</a></h4>\n<p>\nc\n</p>\n<p>\n"
                   b"<em><a href=\"EVELINK\">April 28, 2026 11:30 AM UTC</a></em>\n</p>\n<p>\nd END", title=False, hour=11),
              Post(2, DAVE, b"<p>START two END</p>", hour=10), Post(3, EVE, b"<p>START three END</p>", hour=9)]
    others[0].body = others[0].body.replace(b"EVELINK", esc(others[2].link).encode())
    rc, err, got, broken = whole_posts(others, "newer-copy-others")
    check("hostile: a post holding copies of newer footers and of a later post's title takes in no other source's post",
          rc == 0 and not [p for p in broken if p.n != 1], f"exit {rc}: {[p.n for p in broken]} {err[:200]}")
    # An untitled post, then an untitled post of another channel holding a
    # copy of a newer footer (of today, or past the page's time): the
    # first, which no link ties to its footer, does not take in the second;
    # the second holds the copy. Also first on the page, with no post
    # above to bound its dates.
    wrong = []
    for copydate in (b"April 28, 2026 11:30 AM UTC", b"April 30, 2026 04:50 PM UTC"):
        for above in ([], [Post(4, DAVE, b"<p>START four END</p>", hour=11)]):
            posts = above + [Post(1, BOB, b"<p>START one END</p>", title=False, hour=9),
                             Post(2, ALICE, b"<p>START a</p>\n</p>\n<p>\n<em><a href=\"https://x.example/other\">" + copydate +
                                  b"</a></em>\n</p>\n<p>\nrest END", title=False, hour=8),
                             Post(3, BOB2, b"<p>START three END</p>", hour=7)]
            rc, err, got, broken = whole_posts(posts, "untitled-above-newer-copy")
            if rc != 0 or broken or len(got) != len(posts):
                wrong.append(f"{copydate[:12]!r} {len(above)} above: exit {rc} {[q.n for q in broken]} {err[:100]}")
    check("hostile: an untitled post above another channel's untitled post holding a newer footer copy: every post "
          "whole, in its own source", not wrong, "; ".join(wrong))
    # Date lines a blog writes itself (a comment's, a changelog entry's),
    # shaped like a footer but not as the template writes every footer:
    # no line breaks inside the <p>, no zone name. Later than the post,
    # between it and the post above; three on its day, newest first; and
    # more than the joins can take back: every post stays whole.
    CAROL = ("Carol", "https://carol.example/", "Carol")

    def stamp(date, link, text):
        return (b'<p><em><a href="' + link + b'">' + date + b'</a></em></p>\n<p>\n' + text + b'\n</p>\n')
    later = b"<p>START reply:</p>\n" + stamp(b"April 28, 2026 10:30 AM", b"https://forum.example/c/3", b"the reply") + \
        b"<p>Thanks! END</p>"
    sameday = b"<p>START comments:</p>\n" + b"".join(stamp(b"April 28, 2026 %s AM" % t, b"https://forum.example/c/%d" % k,
                                                            b"comment %d" % k) for k, t in ((3, b"01:30"), (2, b"12:37"), (1, b"12:05"))) + \
        b"<p>END</p>"
    changelog = b"<p>START changelog:</p>\n" + b"".join(stamp(b"March %02d, 2026 05:30 PM" % (27 - k), b"https://log.example/%d" % k,
                                                              b"release %d" % k) for k in range(20)) + b"<p>END</p>"
    for name, body, title in (("stamp-later", later, False), ("stamp-later-titled", later, True),
                              ("stamp-sameday", sameday, False), ("stamp-changelog", changelog, False)):
        stamped = [Post(1, ALICE, b"<p>START one END</p>", hour=11), Post(2, CAROL, body, title=title, hour=10),
                   Post(3, BOB, b"<p>START three END</p>", hour=9)]
        if title:
            stamped[1].body = stamped[1].body.replace(b"https://forum.example/c/3", esc(stamped[1].link).encode())
        rc, err, got, broken = whole_posts(stamped, name)
        check(f"hostile: date lines a blog wrote in a post ({name}) split no post", rc == 0 and not broken and len(got) == 3,
              f"exit {rc}: {len(got)} entries, broken {[p.n for p in broken]} {err[:200]}")
    # A page whose footers are not all written alike (the last one
    # minified, or the first) is read as before footers had a shape.
    for which in ("last", "first"):
        odd = [Post(1, ALICE, b"<p>START one END</p>", hour=11), Post(2, CAROL, b"<p>START two END</p>", hour=10),
               Post(3, BOB, b"<p>START three END</p>", hour=9)]
        data = page(odd)
        target = odd[2] if which == "last" else odd[0]
        footer = f'</p>\n<p>\n<em><a href="{esc(target.link)}">{target.date}</a></em>\n</p>'.encode()
        assert data.count(footer) == 1
        path = os.path.join(work, f"odd-{which}-footer.html")
        with open(path, "wb") as f:
            f.write(data.replace(footer, footer.replace(b"\n", b"")))
        rc, out, err = dump(unplanet, path)
        got = {e.findtext("link"): visible_text(e.findtext("content") or "") for e in ET.fromstring(out).iter("entry")} \
            if rc == 0 else {}
        check(f"hostile: a page whose {which} footer alone is written without line breaks: every post whole",
              got == {p.link: f"START{p.n}X {['one', 'two', 'three'][p.n - 1]} END{p.n}X" for p in odd}, f"exit {rc}: {got} {err[:200]}")
    # HTML5 void elements libxml2 2.9 does not know end where they start:
    # a long list of unclosed items holding <wbr> is not cut at the depth
    # limit, which counts real nesting only.
    wbr = b"<p>START packages:</p><ul>\n" + b"".join(b"<li>django<wbr>-rest<wbr>-framework-%d<source><track>\n" % k
                                                    for k in range(600)) + b"</ul><p>END</p>"
    rc, err, got, broken = whole_posts([Post(1, ALICE, b"<p>START one END</p>", hour=11), Post(2, CAROL, wbr, hour=10),
                                  Post(3, BOB, b"<p>START three END</p>", hour=9)], "wbr-list")
    text = got.get(Post(2, CAROL, b"").link, ("",))[0]
    check("hostile: 600 unclosed list items holding <wbr>, <source> and <track> are read whole, with no warning",
          rc == 0 and not broken and "django-rest-framework-599" in text and err == "", f"exit {rc}: {err[:200]} {text[-80:]!r}")
    # A copy of a footer newer than the post above (another link for an
    # untitled post, its own for a titled one), then the rest of the post:
    # the post above is whole; the one cut is the one below, and is joined.
    for title, link in ((False, b"https://x.example/other"), (True, b"OWNLINK")):
        newer = [Post(1, BOB, b"<p>START one END</p>", hour=9),
                 Post(2, ALICE, b"<p>START a</p>\n</p>\n<p>\n<em><a href=\"" + link +
                      b"\">SAMEDAY 11:30 AM UTC</a></em>\n</p>\n<p>\nrest END", title=title, hour=8),
                 Post(3, BOB2, b"<p>START three END</p>", hour=7)]
        newer[1].body = newer[1].body.replace(b"OWNLINK", esc(newer[1].link).encode())
        rc, out, err, _ = dump_posts(unplanet, work, "newer-copy", newer)
        got = {e.findtext("link"): (visible_text(e.findtext("content") or ""), e.findtext("published"))
               for e in ET.fromstring(out).iter("entry")} if rc == 0 else {}
        check(f"hostile: {'a titled' if title else 'an untitled'} post holding a copy of a footer newer than the post "
              "above it: every post whole, at its own date",
              len(got) == 3 and all(got.get(p.link, ("", ""))[0].startswith(f"START{p.n}X") and
                                    got[p.link][0].endswith(f"END{p.n}X") and got[p.link][1] == p.published
                                    for p in newer), f"exit {rc}: {got!r} {err[:200]}")
    # An untitled post that shows no text (an image, a video): its title is
    # its date as the page prints it, the text of its only link there.
    imageonly = [Post(1, BOB, b'<p><img src="https://x.example/a.png" alt="A picture"></p>', title=False, hour=10),
                 Post(2, BOB, '<p>\u00a0<video src="https://x.example/v.mp4"></video></p>'.encode(), title=False, hour=9)]
    rc, out, err, _ = dump_posts(unplanet, work, "image-only", imageonly)
    titles = [(e.findtext("title"), e.find("title").get("untitled")) for e in ET.fromstring(out).iter("entry")] \
        if rc == 0 else err[:200]
    check("hostile: an untitled post showing no text is titled by its date, as the page prints it",
          titles == [(p.date, "yes") for p in imageonly], f"{titles}")
    # An untitled post's title, the start of its text, is cut between
    # characters as readers see them: not between a letter and its accent,
    # nor inside an emoji sequence or a flag.
    family, flag = "\U0001F468\u200D\U0001F469\u200D\U0001F467", "\U0001F1EB\U0001F1F7"
    runs = ["e\u0301" * 400, family * 100, "x" + flag * 100]
    long_runs = [Post(i + 1, BOB, f"<p>{run}</p>".encode(), title=False, hour=10 - i) for i, run in enumerate(runs)]
    rc, out, err, _ = dump_posts(unplanet, work, "clusters", long_runs)
    got = [e.findtext("title") for e in ET.fromstring(out).iter("entry")] if rc == 0 else [err[:200]] * 3
    check("hostile: an untitled post's title is cut between whole characters",
          len(got) == 3 and all(t.endswith("\u2026") and run.startswith(t[:-1]) and (len(t) - 1) % unit == 0
                                for t, run, unit in zip(got, runs, (2, len(family), 1))) and
          (len(got[2]) - 2) % 2 == 0, f"{[(t[-6:], len(t)) for t in got]}")
    # A title past the 64 KiB a frame may hold is no title: further down,
    # its post is read with the one above it (or the page is an error);
    # the first post has none above it, and is not dropped without a word,
    # nor is the only one of a page.
    for where in ("first", "second", "only"):
        huge = [Post(1, ALICE, b"<p>START one END</p>", hour=10), Post(2, BOB, b"<p>START two END</p>", hour=9)]
        huge = huge[:1] if where == "only" else huge
        huge[0 if where != "second" else 1].title_html = "T" * 70000
        rc, out, err, path = dump_posts(unplanet, work, "huge-title", huge)
        line = page(huge).decode().split('<h3 class="post">')[0].count("\n") + 1
        check(f"hostile: a 70 000-byte title on the {where} post: exit 65 naming "
              f"{'the file' if where == 'second' else 'its channel header'}",
              rc == 65 and "huge-title.html:" in err if where == "second" else
              rc == 65 and f"huge-title.html:{line}:" in err and "over 64 KiB" in err, f"exit {rc}: {err[:300]}")
    # Relative permalinks, read from a file (no page URL): against the source's site.
    # A ':' after the first '/', '?' or '#' starts no scheme.
    rel = [Post(1, ALICE, b"<p>START one END</p>"), Post(2, ALICE, b"<p>START two END</p>"),
           Post(3, ALICE, b"<p>START three END</p>")]
    rel[0].link, rel[1].link, rel[2].link = "/blog/p1/", "//cdn.example/p2", "/blog/p3?at=10:30#a:b"
    rc, out, err, _ = dump_posts(unplanet, work, "relative", rel)
    links = sorted(e.findtext("link") for e in ET.fromstring(out).iter("entry")) if rc == 0 else err[:200]
    check("hostile: relative permalinks resolved against the source's site",
          links == ["https://alice.example/blog/p1/", "https://alice.example/blog/p3?at=10:30#a:b",
                    "https://cdn.example/p2"], f"{links}")
    # A <base href> in the page's head is what relative links are relative
    # to, as in a browser (the first one; one commented out, in <noscript>
    # or <template>, or in a post, is none); then a post's own links resolve against its permalink.
    site = ("Alice", "/alice/", "Alice")
    based = [Post(1, site, b'<p>START <a href="img/x.png">x</a> <base href="https://evil.example/"> END</p>'),
             Post(2, site, b"<p>START two END</p>")]
    based[0].link, based[1].link = "posts/1.html", "/posts/2.html"
    path = os.path.join(work, "base.html")
    with open(path, "wb") as f:
        f.write(page(based).replace(b"<title>", b'<!-- <base href="https://comment.example/"> -->\n'
                                    b'  <noscript><base href="https://noscript.example/"></noscript>\n'
                                    b'  <template><base href="https://template.example/"></template>\n'
                                    b'  <BASE target="_top" HREF="https://planet.example/sub/index.html" />\n'
                                    b'  <base href="https://second.example/" />\n  <title>', 1))
    rc, out, err = dump(unplanet, path)
    got = sorted((e.findtext("link"), e.findtext("source/link"), e.findtext("content"))
                 for e in ET.fromstring(out).iter("entry")) if rc == 0 else err[:200]
    check("hostile: relative links resolved against the head's <base href>, not a post's",
          got == [("https://planet.example/posts/2.html", "https://planet.example/alice/", "<p>START2X two END2X</p>"),
                  ("https://planet.example/sub/posts/1.html", "https://planet.example/alice/",
                   '<p>START1X <a href="https://planet.example/sub/posts/img/x.png">x</a>  END1X</p>')], f"{got}")
    # A post with no permalink whose source has no site: its relative links
    # resolve against the page (its <base href>), as in a browser showing
    # it. And "https:x" forms read as HTML reads them: relative to a base of
    # the same scheme, else as "scheme://x" (RFC 3986 would see no host).
    bare = ("Bare", "", "Bare")
    odd = [Post(1, bare, b'<p>START <a href="/about.html">a</a> <img src="img.png" alt=""> END</p>'),
           Post(2, ALICE, b'<p>START <a href="https:/about">1</a> <img src="https:img.png" alt=""> '
                          b'<a href="http:other.example/x">2</a> <a href="https:///third.example/y">3</a> END</p>'),
           Post(3, ALICE, b"<p>START three END</p>")]
    odd[0].link, odd[1].link, odd[2].link = "", "https://alice.example/blog/post.html", "https:/blog/p3"
    path = os.path.join(work, "special-urls.html")
    with open(path, "wb") as f:
        f.write(page(odd).replace(b"<title>", b'<base href="https://planet.example/sub/index.html">\n  <title>', 1))
    rc, out, err = dump(unplanet, path)
    got = {e.findtext("content").split("X", 1)[0]: (e.findtext("link"), e.findtext("content"))
           for e in ET.fromstring(out).iter("entry")} if rc == 0 else {}
    content = got.get("<p>START1", ("", err[:200]))[1]
    check("hostile: a post with no permalink nor site: its relative links resolve against the page",
          'href="https://planet.example/about.html"' in content and 'src="https://planet.example/sub/img.png"' in content,
          content)
    content = got.get("<p>START2", ("", err[:200]))[1]
    check("hostile: \"https:/a\" and \"https:a\" in a post resolve against its https permalink, as in a browser",
          'href="https://alice.example/about"' in content and 'src="https://alice.example/blog/img.png"' in content,
          content)
    check("hostile: ...\"http:host/x\" and \"https:///host/y\" name that host",
          'href="http://other.example/x"' in content and 'href="https://third.example/y"' in content, content)
    link = got.get("<p>START3", (err[:200], ""))[0]
    check("hostile: a permalink \"https:/blog/p3\" is relative to an https page", link == "https://planet.example/blog/p3",
          link)
    # What readers show: a channel description holding "<" and "&" (RSS
    # readers take it for HTML), and a post without a permalink (feedparser
    # would take an Atom entry's urn: id for its link, sfeed in a topic feed
    # its atom:source's link): its source's site, else its feed's card.
    import feedparser
    import html as htmllib
    odd_site, no_site = ("Weird &lt;Src&gt; &amp; Co", "https://w.example/", "Weird <Src> & Co"), ("Bare", "", "Bare")
    nolink = [Post(1, odd_site, b"<p>START one END</p>"), Post(2, no_site, b"<p>START two END</p>")]
    nolink[0].link, nolink[1].link = "javascript:x", ""
    path = os.path.join(work, "nolink.html")
    with open(path, "wb") as f:
        f.write(page(nolink))
    out_dir = os.path.join(work, "nolink")
    shutil.rmtree(out_dir, ignore_errors=True)
    r = subprocess.run([unplanet, "-o", out_dir, "-t", "All=START", path], capture_output=True, timeout=120)
    got = {}
    if r.returncode == 0:
        rss = feedparser.parse(os.path.join(out_dir, "authors", "weird-src-co.rss"))
        got["rss description"] = htmllib.unescape(rss.feed.get("subtitle", "")) if rss.feed.get(
            "subtitle_detail", {}).get("type") == "text/html" else rss.feed.get("subtitle")
        for rel in ("authors/weird-src-co.atom", "authors/bare.atom", "topics/all.atom"):
            got[rel] = sorted(e.get("link") for e in feedparser.parse(os.path.join(out_dir, rel)).entries)
            sf = subprocess.run(["sfeed"], stdin=open(os.path.join(out_dir, rel), "rb"), capture_output=True)
            got[rel + " sfeed"] = sorted(l.split("\t")[2] for l in sf.stdout.decode().splitlines())
    want = {"rss description": "Weird <Src> & Co on Planet Hostile",
            "authors/weird-src-co.atom": ["https://w.example/"], "authors/weird-src-co.atom sfeed": ["https://w.example/"],
            "authors/bare.atom": ["../index.html#author-bare"], "authors/bare.atom sfeed": ["../index.html#author-bare"],
            "topics/all.atom": ["../index.html#topic-all", "https://w.example/"],
            "topics/all.atom sfeed": ["../index.html#topic-all", "https://w.example/"]}
    check("hostile: readers show a channel description with '<' and '&' as written, and link a post without a "
          "permalink to its source's site, else its feed's card", got == want, f"{got} {r.stderr.decode()[:200]}")
    # Escaping them costs no recursion per character (libxslt stops at a
    # depth of 3000): a name of thousands of them is written like any.
    many = ("Bob " + "&amp;&lt;" * 4000, "https://m.example/", "Bob " + "&<" * 4000)
    path = os.path.join(work, "many-amps.html")
    with open(path, "wb") as f:
        f.write(page([Post(1, many, b"<p>START one END</p>")]))
    r = subprocess.run([unplanet, "-o", os.path.join(work, "many-amps"), path], capture_output=True, timeout=120)
    rss = feedparser.parse(os.path.join(work, "many-amps", "authors", "bob.rss")) if r.returncode == 0 else None
    check("hostile: a source name of 8000 '&' and '<' makes feeds, its RSS description read back whole",
          rss is not None and htmllib.unescape(rss.feed.get("subtitle", "")) == many[2] + " on Planet Hostile",
          f"exit {r.returncode}: {r.stderr.decode()[:300]}")
    # Permalinks become feed ids, which must be IRIs: surrounding spaces go
    # (as a browser drops them) and what an IRI may not hold is
    # percent-encoded; non-ASCII, which an IRI may hold, is kept.
    odd = {"  https://x.example/lead-trail  ": "https://x.example/lead-trail",
           "https://x.example/a b": "https://x.example/a%20b",
           "https://x.example/q?a=<b>&c={d}|e^f`g\\h%zz": "https://x.example/q?a=%3Cb%3E&c=%7Bd%7D%7Ce%5Ef%60g%5Ch%25zz",
           "https://x.example/caf\u00e9%C3%A9": "https://x.example/caf\u00e9%C3%A9",
           "https:\\\\bs.example\\post\\1?q=a\\b": "https://bs.example/post/1?q=a%5Cb",
           # Brackets are an IPv6 host's alone; a fragment holds no '#'.
           "https://x.example/search?tags[]=python": "https://x.example/search?tags%5B%5D=python",
           "http://[2001:db8::7]/a[1]": "http://[2001:db8::7]/a%5B1%5D",
           "https://x.example/app#!/post#comments": "https://x.example/app#!/post%23comments"}
    iri = [Post(i + 1, ALICE, b"<p>START x END</p>") for i in range(len(odd))]
    for p, link in zip(iri, odd):
        p.link = link
    rc, out, err, _ = dump_posts(unplanet, work, "iri", iri)
    got = sorted((e.findtext("id"), e.findtext("link")) for e in ET.fromstring(out).iter("entry")) if rc == 0 else err[:200]
    check("hostile: permalinks made valid IRIs for ids and links", got == sorted((v, v) for v in odd.values()), f"{got}")
    # A permalink no browser takes for a URL (a port in full-width digits,
    # an IPvFuture host) is dropped: the post gets an id of its own.
    bad = [Post(i + 1, ALICE, b"<p>START x END</p>") for i in range(2)]
    bad[0].link, bad[1].link = "https://x.example:\uff18\uff10/p", "https://[v1.x]/p"
    rc, out, err, _ = dump_posts(unplanet, work, "bad-authority", bad)
    got = [(e.findtext("id")[:19], e.findtext("link")) for e in ET.fromstring(out).iter("entry")] if rc == 0 else err[:200]
    check("hostile: a permalink whose port or host no browser takes is dropped",
          got == [("urn:unplanet:entry:", "")] * 2, f"{got}")
    iri_uri(unplanet, work)
    iri_uri_twins(unplanet, work)
    text_elements(unplanet, work)
    bidi_closed(unplanet, work)
    later_day_copy(unplanet, work)
    sloppy_nesting(unplanet, work)
    hidden_copies(unplanet, work)
    # Planet prints UTC times followed by its server's zone name, or by
    # nothing (its default format): the time is UTC either way. A post
    # dated before 1970 is a post like any other, not a broken page. (One
    # page's footers share one format: the zone-less one has a page of its
    # own below.)
    dated = {"April 28, 2026 11:00 AM EST": "2026-04-28T11:00:00Z",
             "April 28, 2026 09:00 AM AEST": "2026-04-28T09:00:00Z", "April 28, 2026 08:00 AM +03": "2026-04-28T08:00:00Z",
             "April 28, 2026 07:00 AM W. Europe Standard Time": "2026-04-28T07:00:00Z",
             "April 28, 2026 06:00 AM Paris, Madrid": "2026-04-28T06:00:00Z",
             "April 28, 2026 05:00 AM Mitteleurop\u00e4ische Zeit": "2026-04-28T05:00:00Z",
             "December 31, 1969 11:00 PM UTC": "1969-12-31T23:00:00Z", "December 31, 999 11:00 PM UTC": "0999-12-31T23:00:00Z",
             "January 01, 0001 12:00 AM UTC": "0001-01-01T00:00:00Z"}
    def published(name, dates):
        """Dumps a page of one post per footer date: the times read, sorted (or the error), and the page."""
        posts = [Post(i + 1, BOB, b"<p>START x END</p>") for i in range(len(dates))]
        for p, date in zip(posts, dates):
            p.date = date
        rc, out, err, path = dump_posts(unplanet, work, name, posts)
        return (sorted(e.findtext("published") for e in ET.fromstring(out).iter("entry")) if rc == 0 else err[:200]), path
    got, path = published("zones", dated)
    check("hostile: footer times are UTC whatever zone name follows (Windows names too); years before 1970 "
          "are read, padded or not (Python's %Y on glibc prints 'December 31, 999')",
          got == sorted(dated.values()), f"{got}")
    r = subprocess.run([unplanet, "-o", os.path.join(work, "zones"), path], capture_output=True, timeout=120)
    check("hostile: a post dated year 1 or 1969 still makes a full run", r.returncode == 0, r.stderr.decode()[:200])
    plain = {"April 28, 2026 10:00 AM": "2026-04-28T10:00:00Z", "April 28, 2026 12:59 AM": "2026-04-28T00:59:00Z",
             "April 27, 2026 12:00 PM": "2026-04-27T12:00:00Z"}
    got, _ = published("zoneless", plain)
    check("hostile: footer times with no zone name (Planet's default format) are UTC", got == sorted(plain.values()),
          f"{got}")
    # An edit moves a post's updated time on by a second at least (when
    # the clock has not passed it), but not past 9999, which neither RFC
    # 3339 nor the archive holds: edited again there, the archive still reads.
    last = [Post(1, BOB, b"")]
    last[0].date = "December 31, 9999 11:59 PM UTC"
    y9999, y9999_page = os.path.join(work, "y9999"), os.path.join(work, "y9999.html")

    def edited(version):
        last[0].body = b"<p>START1X version %d END1X</p>" % version
        with open(y9999_page, "wb") as f:
            f.write(page(last))
        return subprocess.run([unplanet, "-o", y9999, y9999_page], capture_output=True, timeout=120)
    runs = [edited(1)]
    archive = os.path.join(y9999, ".unplanet", "archive", "bob.xml")
    if os.path.exists(archive):
        with open(archive, encoding="utf-8") as f:
            text = f.read()
        with open(archive, "w", encoding="utf-8") as f:
            f.write(re.sub(r"<updated( [^>]*)?>[^<]*</updated>",
                           '<updated rfc822="Fri, 31 Dec 9999 23:59:59 GMT">9999-12-31T23:59:59Z</updated>', text))
    runs += [edited(2), edited(3)]
    feed = open(os.path.join(y9999, "authors", "bob.atom"), encoding="utf-8").read() if runs[-1].returncode == 0 else ""
    check("hostile: a post of 9999 edited at its last second keeps updated there, and its archive reads back",
          [r.returncode for r in runs] == [0, 0, 0] and "version 3" in feed and
          re.findall(r"<updated>([^<]*)</updated>", feed)[-1] == "9999-12-31T23:59:59Z",
          f"{[(r.returncode, r.stderr.decode()[:200]) for r in runs]}")
    # Permalinks that are no web links (mailto:, javascript:, empty), of a
    # source with a site and of one without: every RSS item and Atom entry
    # still has a link readers can open (its source's site, else its
    # feed's card); run.sh validates the folder with real consumers.
    # A scheme in capitals is written as browsers write it, in lower case
    # (some consumers take nothing else for a web address); the rest stays.
    upper = Post(1, ("Upper", "HTTPS://UPPER.EXAMPLE/Site", "Upper"), b"<p>START x END</p>")
    upper.link = "HtTp://X.EXAMPLE/P/1"
    rc, out, err, _ = dump_posts(unplanet, work, "upper", [upper])
    links = sorted({e.text for e in ET.fromstring(out).iter("link")} - {None}) if rc == 0 else []
    check("hostile: a scheme in capitals is written in lower case, the rest as written",
          links == ["http://X.EXAMPLE/P/1", "https://UPPER.EXAMPLE/Site"], f"exit {rc}: {links} {err[:200]}")
    nolink = ("No links", "mailto:owner@nolink.example", "No links")
    linked = [Post(i + 1, src, b"<p>START x END</p>", title=i % 2 == 0)
              for i, src in enumerate([BOB, BOB, BOB, nolink, nolink, nolink])]
    for p, link in zip(linked, ["mailto:bob@example.org", "javascript:alert(1)", "", "mailto:x@nolink.example",
                                "javascript:void(0)", ""]):
        p.link = link
    _, _, _, path = dump_posts(unplanet, work, "nolinks", linked)
    out_dir = os.path.join(work, "links")
    r = subprocess.run([unplanet, "-o", out_dir, "-b", "https://feeds.example.org/x/", path], capture_output=True,
                       timeout=120)
    got = {}
    if r.returncode == 0:
        for name in sorted(os.listdir(os.path.join(out_dir, "authors"))):
            if name.endswith(".rss"):
                items = ET.parse(os.path.join(out_dir, "authors", name)).getroot().iter("item")
                got[name] = sorted({i.findtext("link") for i in items})
    check("hostile: posts whose permalinks are no web links: each RSS item links to its source's site, else its "
          "feed's card",
          got == {"bob.rss": ["https://bob.example/"],
                  "no-links.rss": ["https://feeds.example.org/x/index.html#author-no-links"]},
          f"exit {r.returncode}: {got} {r.stderr.decode()[:200]}")
    # A channel header that shows no name: the source is named by its feed
    # title, else its site's host, else "Unnamed source", everywhere.
    # A name or title that shows nothing (no-break and zero-width spaces,
    # a Hangul filler) is none; a host is named as its link writes it, not
    # percent-decoded into bytes that are not text.
    nameless = {("  ", "https://blank.example/", "Alice blog"): "Alice blog",
                ("  ", "https://www.host.example/x", ""): "www.host.example",
                (" ", "", ""): "Unnamed source",
                ("&nbsp;&#x200B;", "https://zw.example/", "Zed blog"): "Zed blog",
                ("&#x3164;", "https://a%f4.example/", "\u200b\u00a0"): "a%f4.example",
                ("", "https://a%01b.example/", ""): "a%01b.example"}
    posts_n = [Post(i + 1, src, b"<p>START x END</p>") for i, src in enumerate(nameless)]
    for i, p in enumerate(posts_n):
        p.link = f"https://n{i}.example/post"
    rc, out, err, _ = dump_posts(unplanet, work, "nameless", posts_n)
    try:
        got = sorted((e.findtext("title"), e.findtext("entry/author"), e.findtext("entry/source/name"))
                     for e in ET.fromstring(out).iter("feed") if e.get("kind") == "author") if rc == 0 else err[:200]
    except ET.ParseError as x:
        got = f"--dump is not XML: {x}"
    check("hostile: a source without a name is named by its feed title, host, or 'Unnamed source'",
          got == sorted((n, n, n) for n in nameless.values()), f"{got}")
    blank = Post(1, BOB, b"<p>START blank title END</p>", creator="&nbsp;&#x200B;")
    blank.title_html = "&nbsp;&#xFEFF; "
    rc, out, err, _ = dump_posts(unplanet, work, "blank", [blank])
    e = ET.fromstring(out).find("feed/entry") if rc == 0 else None
    got = (e.find("title").get("untitled"), e.findtext("title"), e.findtext("author"), e.find("creator")) if e is not None else err[:200]
    check("hostile: a title and a 'by ... at' creator that show nothing: untitled, and by the source",
          got == ("yes", "START1X blank title END1X", "Bob", None), f"{got}")
    out_dir = os.path.join(work, "blank-out")
    shutil.rmtree(out_dir, ignore_errors=True)
    r = subprocess.run([unplanet, "-o", out_dir, os.path.join(work, "blank.html")], capture_output=True)
    newest = ET.parse(os.path.join(out_dir, ".unplanet", "cache", "directory.xml")).getroot().findtext(
        "feed/newest/title") if r.returncode == 0 else r.stderr.decode()[:200]
    check("hostile: ...and index.html's newest post shows the same words", newest == "START1X blank title END1X",
          f"{newest!r}")
    # An archive an older unplanet wrote may hold a source name or creator
    # that shows nothing: read back, it is named as the page's is now, and
    # stays one feed with the page's posts.
    nb = ("&nbsp;", "https://nb.example/", "")
    first = Post(1, nb, b"<p>START first END</p>")
    first.link = "https://nb.example/1"
    out_dir = os.path.join(work, "blank-archive")
    shutil.rmtree(out_dir, ignore_errors=True)
    rc1, _, err1, path = dump_posts(unplanet, work, "nb1", [first])
    r1 = subprocess.run([unplanet, "-o", out_dir, path], capture_output=True)
    arch = os.path.join(out_dir, ".unplanet", "archive", "nb-example.xml")
    if r1.returncode == 0:
        text = open(arch, encoding="utf-8").read()
        text = text.replace("<name>nb.example</name>", "<name>\u00a0</name>")
        text = text.replace("</source>", "</source><creator>\u00a0</creator>", 1)
        open(arch, "w", encoding="utf-8").write(text)
    second = Post(2, nb, b"<p>START second END</p>", day=29)
    second.link = "https://nb.example/2"
    _, _, _, path = dump_posts(unplanet, work, "nb2", [second, first])
    r2 = subprocess.run([unplanet, "-o", out_dir, path], capture_output=True)
    feeds = sorted(f for f in os.listdir(os.path.join(out_dir, "authors")) if f.endswith(".atom")) if r2.returncode == 0 else []
    ids = [e.findtext("{http://www.w3.org/2005/Atom}id") for e in
           ET.parse(os.path.join(out_dir, "authors", "nb-example.atom")).getroot().iter("{http://www.w3.org/2005/Atom}entry")] \
        if feeds == ["nb-example.atom"] else []
    check("hostile: a blank source name archived by an older unplanet: still one feed",
          r1.returncode == 0 and feeds == ["nb-example.atom"] and ids == ["https://nb.example/2", "https://nb.example/1"],
          f"{feeds} {ids} {r2.stderr.decode()[:200]}")
    # Two untitled posts of one source and one minute that share a link
    # that is no web address are two posts, not one cut at a copy of its
    # own footer.
    twins = [Post(1, BOB, b"<p>START one END</p>", title=False), Post(2, BOB, b"<p>START two END</p>", title=False)]
    for p in twins:
        p.link, p.date = "mailto:bob@example.org", "April 28, 2026 10:01 AM UTC"
    rc, out, err, _ = dump_posts(unplanet, work, "twins", twins)
    texts = sorted(visible_text(e.findtext("content") or "") for e in ET.fromstring(out).iter("entry")) if rc == 0 else []
    check("hostile: two untitled posts sharing a mailto: link and a minute stay two",
          texts == ["START1X one END1X", "START2X two END2X"], f"exit {rc}: {texts} {err[:200]}")
    # Another source's post between two untitled posts of one source, one
    # minute and one web link is a post of its own, in its own feed; and an
    # untitled post holding its own footer and a whole made-up post is one.
    home = [Post(5, ALICE, b"<p>START one END</p>", title=False), Post(6, BOB, b"<p>START bob END</p>"),
            Post(7, ALICE, b"<p>START two END</p>", title=False)]
    for p in home:
        p.date = "April 28, 2026 10:05 AM UTC"
    home[0].link = home[2].link = "https://alice.example/"
    rc, out, err, _ = dump_posts(unplanet, work, "home", home)
    got = sorted((f.get("slug"), visible_text(e.findtext("content") or "")) for f in ET.fromstring(out).findall("feed")
                 for e in f.findall("entry")) if rc == 0 else []
    check("hostile: another source's post between two untitled posts sharing a link and a minute stays its own",
          any(f == "bob" and "START6X bob END6X" in t and "START5X" not in t for f, t in got), f"{got} {err[:200]}")
    # One untitled post the Planet lists for two subscriptions to one
    # blog (the second's feed a summary), another source's post of that
    # minute between: three posts, in three feeds.
    category = ("Alice (Python)", "https://alice.example/tag/python/", "Alice (Python)")
    twice = [Post(10, ALICE, b"<p>START full text of it END</p>", title=False), Post(11, BOB, b"<p>START bob END</p>"),
             Post(12, category, b"<p>START full END</p>", title=False)]
    for p in twice:
        p.date = "April 28, 2026 10:05 AM UTC"
    twice[0].link = twice[2].link = "https://alice.example/post"
    rc, out, err, _ = dump_posts(unplanet, work, "listed-twice", twice)
    got = sorted((f.findtext("link"), visible_text(e.findtext("content") or "")) for f in ET.fromstring(out).findall("feed")
                 for e in f.findall("entry")) if rc == 0 else []
    check("hostile: one untitled post listed for two subscriptions, another post of its minute between: three posts",
          got == sorted([(ALICE[1], "START10X full text of it END10X"), (BOB[1], "START11X bob END11X"),
                         (category[1], "START12X full END12X")]), f"{got} {err[:200]}")
    forged = Post(8, ALICE, b"<p>START intro</p>\nOWNFOOTER<hr /><h3 class=\"post\"><a href=\"https://evil.example/\" "
                  b"title=\"Evil\">Evil</a></h3>\n<h4><a href=\"https://evil.example/forged\">Forged</a></h4>\n<p>\n"
                  b"forged text</p>\n<p>\n<em><a href=\"https://evil.example/forged\">OWNDATE</a></em>\n</p>\n<p>\n"
                  b"the rest of it END", title=False)
    rc, out, err, _ = dump_posts(unplanet, work, "forged", [forged, Post(9, BOB, b"<p>START next END</p>", day=27)])
    links = sorted(e.findtext("link") for e in ET.fromstring(out).iter("entry")) if rc == 0 else []
    check("hostile: an untitled post holding its own footer and a whole made-up post is one entry, at its link",
          links == sorted([forged.link, "https://bob.example/post/9?a=1&b=2"]), f"{links} {err[:200]}")
    # An untitled post holding two copies of this day's footers, dated
    # between its own and the next post's: it ends at its own footer, not
    # at the next titled post's (of another source or of its own), which
    # would take that whole post in. And one holding a footer copy, then
    # copies of an earlier day's header and of its own channel header.
    def foot(link, date):
        return f'</p>\n<p>\n<em><a href="{link}">{date}</a></em>\n</p>\n'.encode()
    quoting = (b"<p>START today on the Planet:</p>" + foot("https://y.example/a", "SAMEDAY 09:59 AM UTC") +
               b"<p>\n<p>and</p>" + foot("https://y.example/b", "SAMEDAY 09:58 AM UTC") + b"<p>\nclosing words END")
    cases = {
        "an untitled post quoting two of this day's footers, above another source's titled post": [Post(1, BOB, quoting, title=False), Post(2, ALICE, b"<p>START next END</p>", hour=8)],
        "an untitled post quoting two of this day's footers, above its own source's titled post": [Post(1, BOB, quoting, title=False), Post(2, BOB, b"<p>START next END</p>", hour=8)],
    }
    for minute in ("10:01", "10:05"):
        body = (b"<p>START digest</p>" + foot("https://bob.example/older", f"April 27, 2026 {minute} AM UTC") +
                b"\n<h2>April 26, 2026</h2>\n<hr /><h3 class=\"post\"><a href=\"https://bob.example/\" title=\"Bob\">Bob</a>"
                b"</h3>\n<p>\nclosing words END")
        cases[f"an untitled post holding a copy of a footer at {minute}, of an earlier day's header and of its own channel "
              "header, above another source's post"] = \
            [Post(1, BOB, body, title=False, day=27), Post(2, ALICE, b"<p>START next END</p>", day=26, hour=9)]
    for k, (what, posts) in enumerate(cases.items()):
        rc, out, err, _ = dump_posts(unplanet, work, f"quoting{k}", posts)
        got = sorted((f.get("slug"), visible_text(e.findtext("content") or "")) for f in ET.fromstring(out).findall("feed")
                     for e in f.findall("entry")) if rc == 0 else []
        whole = [(slug, n) for slug, t in got for n in (1, 2) if t.startswith(f"START{n}X") and t.endswith(f"END{n}X")]
        want = sorted([("bob", 1), ("bob" if posts[1].source == BOB else "alice-bold-co", 2)])
        check(f"hostile: {what}: both posts whole, in their own feeds",
              len(got) == 2 and sorted(whole) == want, f"exit {rc}: {got} {err[:200]}")
    # Planet prints titles, channel names and creators unescaped, and
    # feedparser keeps a title's stray end tags ("Closing </a></h4> tags"
    # in an RSS title is taken for HTML): such a header ends at the marker
    # the template's next markup follows, so neither the page is lost nor
    # the posts after it move to the source above. A creator may hold
    # " at " and a date: the date is what follows the last " at ".
    marked = [Post(1, ALICE, b"<p>START one END</p>", day=28, hour=9),
              Post(2, ALICE, b"<p>START two END</p>", title=False, day=28, hour=9),
              Post(3, BOB, b"<p>START three END</p>", day=28, hour=9, creator="x</a></em>y"),
              Post(4, BOB, b"<p>START four END</p>", day=28, hour=9, creator="Meet at May 1, 2020 10:00 AM"),
              Post(5, ("x</a></h3>y", "https://xy.example/", "x y"), b"<p>START five END</p>", day=28, hour=9)]
    marked[2].title_html = "Closing </a></h4> tags"
    for p in marked[3:]:
        p.date = p.date.replace("UTC", "W. Europe Standard Time")
    rc, out, err, _ = dump_posts(unplanet, work, "marked", marked)
    got = sorted((e.findtext("link"), e.find("source").findtext("name"), e.findtext("title"), e.findtext("creator"),
                  e.findtext("published"), visible_text(e.findtext("content") or ""))
                 for e in ET.fromstring(out).iter("entry")) if rc == 0 else err[:200]
    want = sorted((p.link, p.source[2], {1: "Post 1 & more", 2: "START2X two END2X", 3: "Closing tags"}.get(p.n, p.title),
                   {3: "xy", 4: "Meet at May 1, 2020 10:00 AM"}.get(p.n), p.published, f"START{p.n}X {['one', 'two', 'three', 'four', 'five'][p.n - 1]} END{p.n}X")
                  for p in marked)
    check("hostile: '</a></h4>' in a title, '</a></em>' or ' at ' and a date in a creator, '</a></h3>' in a channel "
          "name: every post whole, in its own source", got == want, f"exit {rc}: {got}")

    # A copy of a footer, then of a channel header or a title whose close
    # is not followed by what follows the real one's: a name or title
    # never runs past a footer or a header to a later close, which would
    # take in the next post's header (its post handed to a made-up
    # source, or its title to another).
    CAROL = ("Carol", "https://carol.example/", "Carol")
    wrong = []
    for titled in (True, False):
        for footer_link in ("OWN", "https://x.example/other"):
            for tail in (b'<hr /><h3 class="post"><a href="https://evil.example/" title="Evil">Evil</a></h3>\nthe rest END',
                         b'<h4><a href="NEXT">Quoted</a></h4>\nthe rest END',
                         b'<h4><a href="https://nowhere.example/">Quoted</a></h4>\nthe rest END'):
                posts = [Post(1, ALICE, b"<p>START one END</p>", hour=11), Post(2, BOB, b"", title=titled, hour=10),
                         Post(3, CAROL, b"<p>START three END</p>", hour=9)]
                p = posts[1]
                link = p.link if footer_link == "OWN" else footer_link
                p.body = (b"<p>START2X intro</p>\n</p>\n<p>\n<em><a href=\"" + esc(link).encode() + b"\">" +
                          p.date.encode() + b"</a></em>\n</p>\n" +
                          tail.replace(b"NEXT", esc(posts[2].link).encode())).replace(b"END", b"END2X")
                rc, err, got, broken = whole_posts(posts, "header-copy-unclosed")
                titles = sorted(t for t in (e.findtext("title") for e in ET.fromstring(dump_posts(
                    unplanet, work, "header-copy-unclosed", posts)[1]).iter("entry"))) if rc == 0 else []
                if rc != 0 or broken or len(got) != 3 or "Post 3 & more" not in titles:
                    wrong.append(f"{titled} {footer_link} {tail[:12]!r}: exit {rc} {[q.n for q in broken]} {err[:100]}")
    check("hostile: a copied footer, then a channel header or title copy not followed by <h4> or <p>: every post "
          "whole, in its own source, under its own title", not wrong, "; ".join(wrong))

    # A title escaped twice upstream is decoded once more, and what that
    # gives is fixed as the first decoding fixes it: C1 references as
    # Windows-1252 ("&amp;#x96;" the dash "&#x96;" is), its five unassigned
    # bytes and DEL dropped (readers show them as junk).
    twice = [Post(1, BOB, b"<p>START x END</p>"), Post(2, BOB, b"<p>START y END</p>")]
    twice[0].title_html = "Twice &amp;#x81;&amp;#x7F;&amp;#x9D; &amp;#x96; &amp;#150; end"
    twice[1].title_html = "Once &#x81;&#x7F;&#x9D; &#x96; &#150; end"
    rc, out, err, _ = dump_posts(unplanet, work, "c1-twice", twice)
    got = sorted(e.findtext("title") for e in ET.fromstring(out).iter("entry")) if rc == 0 else err[:200]
    check("hostile: C1 and DEL in a title escaped twice are fixed as in one escaped once",
          got == ["Once \u2013 \u2013 end", "Twice \u2013 \u2013 end"], f"exit {rc}: {got!r}")

    # A relative permalink on a page read from a file resolves against its
    # source's site, also one with a non-ASCII host or path (which libxml2
    # parses only percent-encoded): the host stays as the page writes it.
    for site, want in (("https://b\u00fccher.example/", "https://b\u00fccher.example/post.html"),
                       ("https://ex.example/caf\u00e9/", "https://ex.example/caf%C3%A9/post.html")):
        idn = Post(1, ("B\u00fccher", site, "B\u00fccher"), b"<p>START x END</p>")
        idn.link = "post.html"
        rc, out, err, _ = dump_posts(unplanet, work, "relative-permalink", [idn, Post(2, BOB, b"<p>START y END</p>")])
        got = [(e.findtext("id"), e.findtext("link")) for e in ET.fromstring(out).iter("entry")
               if e.find("source").findtext("name") == "B\u00fccher"] if rc == 0 else err[:200]
        check(f"hostile: a relative permalink against a site {site!r} is resolved, as the link and the id",
              got == [(want, want)], f"exit {rc}: {got}")

    # What <noembed> and <noframes> hold is no text a browser shows (it
    # reads them as raw text for browsers without embeds or frames): not in
    # a title either.
    hid = Post(1, BOB, b"<p>START x END</p>")
    hid.title_html = "Shown <noembed>EMBEDTEXT</noembed><noframes>FRAMESTEXT</noframes>title"
    rc, out, err, _ = dump_posts(unplanet, work, "noembed-title", [hid, Post(2, BOB, b"<p>START y END</p>")])
    got = sorted(e.findtext("title") for e in ET.fromstring(out).iter("entry")) if rc == 0 else err[:200]
    check("hostile: a title's <noembed> and <noframes> text is hidden, as in a browser",
          got == ["Post 2 & more", "Shown title"], f"exit {rc}: {got!r}")

    # At most 256 attributes on one element (README's limits): 256 are
    # kept whole, 257 cut the post before that element, with the warning.
    for n, whole in ((256, True), (257, False)):
        tag = ("<img " + " ".join(f"a{i}" for i in range(n - 1)) + ' alt="x">').encode()
        many = [Post(1, ALICE, b"<p>START kept</p>" + tag + b"<p>tail END</p>"), Post(2, BOB, b"<p>START y END</p>")]
        rc, out, err, _ = dump_posts(unplanet, work, f"attributes-{n}", many)
        got = {e.findtext("link"): visible_text(e.findtext("content")) for e in ET.fromstring(out).iter("entry")} \
            if rc == 0 else {}
        text = got.get(many[0].link, "")
        check(f"hostile: an element with {n} attributes: the post is {'whole' if whole else 'cut before it, with a warning'}",
              rc == 0 and got.get(many[1].link) == "START2X y END2X" and
              (text == "START1X kept tail END1X" and "warning" not in err if whole else
               text == "START1X kept" and "256 attributes on an element" in err), f"exit {rc}: {text!r} {err[:200]}")

    # A srcset candidate "http:" (another scheme than the permalink's, no
    # host: nothing to resolve) stays as written: left out, its descriptor
    # " 2x" would be read as the URL "2x".
    src = Post(1, ALICE, b'<p>START <img src="a.png" srcset="http: 2x, b.png 1x" alt=""> END</p>')
    rc, out, err, _ = dump_posts(unplanet, work, "srcset-no-host", [src, Post(2, BOB, b"<p>START y END</p>")])
    got = re.findall(r'srcset="([^"]*)"', next((e.findtext("content") for e in ET.fromstring(out).iter("entry")
                                               if e.findtext("link") == src.link), "")) if rc == 0 else err[:200]
    want = "http: 2x, " + esc(src.link.rsplit("/", 1)[0]) + "/b.png 1x"
    check("hostile: a srcset candidate with no host keeps its URL as written, the others resolve",
          got == [want], f"exit {rc}: {got!r}, want {want!r}")

    # At most 64 "&{" in one attribute value (README's limits): 64 are
    # kept, each escaped; with 65 the attribute is dropped, the tag kept.
    for n in (64, 65):
        mac = Post(1, ALICE, b'<p>START <img src="a.png" alt="' + b"&amp;{x}" * n + b'" title="t"> END</p>')
        rc, out, err, _ = dump_posts(unplanet, work, f"macros-{n}", [mac, Post(2, BOB, b"<p>START y END</p>")])
        content = next((e.findtext("content") for e in ET.fromstring(out).iter("entry")
                        if e.findtext("link") == mac.link), "") if rc == 0 else ""
        alt = re.findall(r' alt="([^"]*)"', content)
        check(f"hostile: {n} '&{{' in an attribute value: " + ("kept, each escaped" if n == 64 else "the attribute is dropped"),
              rc == 0 and 'title="t"' in content and alt == (["&amp;{x}" * n] if n == 64 else []),
              f"exit {rc}: {content[:200]!r} {err[:200]}")
    report()


if __name__ == "__main__":
    main()
