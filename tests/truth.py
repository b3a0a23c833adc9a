#!/usr/bin/python3
"""truth.py FEEDS_DIR TRUTH_JSON [PLANET_RSS] - compare generated author feeds
with the truth.

Every truth entry must appear in exactly one Atom, one RSS and one JSON
author feed, in the feed of its source, with the truth's title,
link, date and content text. The feeds are read with xml.etree, and content
text is computed by visible.py, not by unplanet.

PLANET_RSS, the Planet's own rss20.xml of the same page, carries each post's
body as it left its blog. The truth gives only its text; against the RSS the
markup is checked too: every entry's content has the same elements in the
same order, and the same links and images, relative ones resolved against the
permalink (Python's urljoin, not libxml2's).
"""
import calendar
import email.utils
import glob
import json
import os
import sys
import time
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from urllib.parse import urljoin

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from testlib import check, report  # noqa: E402
from visible import visible_text  # noqa: E402

A = "{http://www.w3.org/2005/Atom}"
DC = "{http://purl.org/dc/elements/1.1/}"



def atom_entries(path):
    feed = ET.parse(path).getroot()
    alt = [l.get("href") for l in feed.findall(A + "link") if l.get("rel") == "alternate"]
    for e in feed.findall(A + "entry"):
        links = [l.get("href") for l in e.findall(A + "link") if l.get("rel", "alternate") == "alternate"]
        yield {
            "file": os.path.basename(path),
            "feed_title": feed.findtext(A + "title"),
            "feed_link": alt[0] if alt else None,
            "title": e.findtext(A + "title"),
            "link": links[0] if links else None,
            "id": e.findtext(A + "id"),
            "published": e.findtext(A + "published"),
            "author": e.findtext(A + "author/" + A + "name"),
            "content": e.findtext(A + "content") or "",
        }


def rss_entries(path):
    channel = ET.parse(path).getroot().find("channel")
    for i in channel.findall("item"):
        yield {
            "file": os.path.basename(path),
            "feed_title": channel.findtext("title"),
            "feed_link": channel.findtext("link"),
            "title": i.findtext("title"),
            "link": i.findtext("link"),
            "id": i.findtext("guid"),
            "pubDate": i.findtext("pubDate"),
            "creator": i.findtext(DC + "creator"),
            "content": i.findtext("description") or "",
        }


def json_entries(path):
    feed = json.load(open(path, encoding="utf-8"))
    for i in feed.get("items", []):
        yield {
            "file": os.path.basename(path),
            "feed_title": feed.get("title"),
            "feed_link": feed.get("home_page_url"),
            "title": i.get("title"),
            "link": i.get("url"),
            "id": i.get("id"),
            "published": i.get("date_published"),
            "author": (i.get("authors") or [{}])[0].get("name"),
            "content": i.get("content_html") or "",
        }


def main():
    feeds, truth_path = sys.argv[1], sys.argv[2]
    truth = json.load(open(truth_path, encoding="utf-8"))
    atom = [e for f in sorted(glob.glob(os.path.join(feeds, "authors", "*.atom"))) for e in atom_entries(f)]
    rss = [e for f in sorted(glob.glob(os.path.join(feeds, "authors", "*.rss"))) for e in rss_entries(f)]
    check("truth: atom feeds hold as many entries as the truth", len(atom) == len(truth), f"{len(atom)} vs {len(truth)}")
    check("truth: rss feeds hold as many entries as the truth", len(rss) == len(truth), f"{len(rss)} vs {len(truth)}")
    jsn = [e for f in sorted(glob.glob(os.path.join(feeds, "authors", "*.json"))) for e in json_entries(f)]
    check("truth: json feeds hold as many entries as the truth", len(jsn) == len(truth), f"{len(jsn)} vs {len(truth)}")
    for n, t in enumerate(truth, 1):
        tag = f"truth #{n} ({t['title'][:40]})"
        a = [e for e in atom if e["link"] == t["link"]]
        check(f"{tag}: in exactly one atom feed", len(a) == 1, f"found in {[e['file'] for e in a]}")
        if len(a) == 1:
            e = a[0]
            check(f"{tag}: atom source name", e["feed_title"] == t["source_name"], f"{e['feed_title']!r}")
            check(f"{tag}: atom source link", e["feed_link"] == t["source_link"], f"{e['feed_link']!r}")
            text = visible_text(e["content"])
            title_ok(f"{tag}: atom", e["title"], t, text)
            check(f"{tag}: atom id is the permalink", e["id"] == t["link"], f"{e['id']!r}")
            check(f"{tag}: atom published", e["published"] == t["published"], f"{e['published']!r}")
            check(f"{tag}: atom author", e["author"] == (t["creator"] or t["source_name"]), f"{e['author']!r}")
            check(f"{tag}: atom content text", text == t["content_text"], diff(text, t["content_text"]))
        r = [e for e in rss if e["link"] == t["link"]]
        check(f"{tag}: in exactly one rss feed", len(r) == 1, f"found in {[e['file'] for e in r]}")
        if len(r) == 1:
            e = r[0]
            when = calendar.timegm(email.utils.parsedate_tz(e["pubDate"])[:9]) if e["pubDate"] else None
            want = calendar.timegm(time.strptime(t["published"], "%Y-%m-%dT%H:%M:%SZ"))
            check(f"{tag}: rss source name", e["feed_title"] == t["source_name"], f"{e['feed_title']!r}")
            text = visible_text(e["content"])
            title_ok(f"{tag}: rss", e["title"], t, text)
            check(f"{tag}: rss guid", e["id"] == t["link"], f"{e['id']!r}")
            check(f"{tag}: rss pubDate", when == want, f"{e['pubDate']!r}")
            check(f"{tag}: rss dc:creator", e["creator"] == (t["creator"] or t["source_name"]), f"{e['creator']!r}")
            check(f"{tag}: rss description text", text == t["content_text"], diff(text, t["content_text"]))
        j = [e for e in jsn if e["link"] == t["link"]]
        check(f"{tag}: in exactly one json feed", len(j) == 1, f"found in {[e['file'] for e in j]}")
        if len(j) == 1:
            e = j[0]
            check(f"{tag}: json source name and link", e["feed_title"] == t["source_name"] and
                  e["feed_link"] == t["source_link"], f"{e['feed_title']!r} {e['feed_link']!r}")
            text = visible_text(e["content"])
            title_ok(f"{tag}: json", e["title"], t, text)
            check(f"{tag}: json id is the permalink", e["id"] == t["link"], f"{e['id']!r}")
            check(f"{tag}: json date_published", e["published"] == t["published"], f"{e['published']!r}")
            check(f"{tag}: json author", e["author"] == (t["creator"] or t["source_name"]), f"{e['author']!r}")
            check(f"{tag}: json content text", text == t["content_text"], diff(text, t["content_text"]))
    if len(sys.argv) > 3:
        planet_rss(atom, sys.argv[3])
    report()


class Markup(HTMLParser):
    """The start tags of an HTML fragment, and its href and src values, resolved
    against base when there is one."""

    def __init__(self, html, base=None):
        super().__init__(convert_charrefs=True)
        self.base, self.tags, self.urls = base, [], []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        for k, v in attrs:
            if k in ("href", "src") and v is not None:
                self.urls.append((tag, k, urljoin(self.base, v.strip()) if self.base else v))


def planet_rss(atom, path):
    items = ET.parse(path).getroot().find("channel").findall("item")
    check("planet rss: has items", len(items) > 0, path)
    for n, i in enumerate(items, 1):
        link = i.findtext("link")
        tag = f"planet rss #{n} ({link})"
        a = [e for e in atom if e["link"] == link]
        check(f"{tag}: in exactly one atom feed", len(a) == 1, f"found in {[e['file'] for e in a]}")
        if len(a) != 1:
            continue
        want, got = Markup(i.findtext("description") or "", link), Markup(a[0]["content"])
        check(f"{tag}: content has the blog's elements, in order", got.tags == want.tags,
              diff(" ".join(got.tags), " ".join(want.tags)))
        check(f"{tag}: content has the blog's links and images, resolved", got.urls == want.urls,
              f"{len(got.urls)} vs {len(want.urls)}: " + next(
                  (f"{g} vs {w}" for g, w in zip(got.urls, want.urls) if g != w), "one list is longer"))


def title_ok(tag, got, t, text):
    """The truth's title; for an untitled post (title ""), the first words
    of its text, which feeds need."""
    if t["title"]:
        check(f"{tag} title", got == t["title"], f"{got!r}")
    else:
        words = (got or "").rstrip("\u2026").strip()
        check(f"{tag} title of an untitled post: its first words", words != "" and text.startswith(words), f"{got!r}")


def diff(a, b):
    if a == b:
        return ""
    i = next((i for i in range(min(len(a), len(b))) if a[i] != b[i]), min(len(a), len(b)))
    return f"differs at {i}: {a[max(0, i - 40):i + 40]!r} vs {b[max(0, i - 40):i + 40]!r}"


if __name__ == "__main__":
    main()
