#!/usr/bin/python3
"""hosting.py UNPLANET WORKDIR - the output folder served for real.

Starts nginx (Debian's) on 127.0.0.1 with samples/nginx.conf, serving a
folder unplanet generated; fetches index.html, a feed of each format and
the OPML lists over HTTP and checks status and Content-Type; has newsboat
and feedparser read every Atom and RSS feed through the server; imports the
OPML into newsboat; checks every JSON Feed; and renders index.html in
headless Chromium, which must log nothing to its console.
"""
import datetime
import glob
import html
import hashlib
import json
import os
import re
import shutil
import socket
import sqlite3
import struct
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from testlib import check, report  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..")
SAMPLE = os.path.join(ROOT, "samples", "planetpython-2026-04-29.html")
A = "{http://www.w3.org/2005/Atom}"



def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def get(url, headers=None):
    req = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def start_nginx(work, site, port):
    conf = open(os.path.join(ROOT, "samples", "nginx.conf"), encoding="utf-8").read()
    conf = re.sub(r"^\s*listen \[::\]:80;\n", "", conf, flags=re.M)
    conf = re.sub(r"^(\s*)listen 80;", rf"\1listen 127.0.0.1:{port};", conf, flags=re.M)
    conf = re.sub(r"^(\s*)root [^;]+;", rf"\1root {site};", conf, flags=re.M)
    with open(os.path.join(work, "site.conf"), "w") as f:
        f.write(conf)
    tmp = os.path.join(work, "nginx-tmp")
    os.makedirs(tmp, exist_ok=True)
    user = "user root;\n" if os.geteuid() == 0 else ""
    main = f"""{user}worker_processes 1;
daemon off;
pid {work}/nginx.pid;
error_log {work}/nginx-error.log;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    include {work}/site.conf;
}}
"""
    path = os.path.join(work, "nginx.conf")
    with open(path, "w") as f:
        f.write(main)
    t = subprocess.run(["nginx", "-t", "-c", path, "-p", work, "-e", os.path.join(work, "nginx-error.log")],
                       capture_output=True, text=True)
    check("nginx: samples/nginx.conf passes nginx -t with no warning",
          t.returncode == 0 and "[warn]" not in t.stderr and "[emerg]" not in t.stderr, t.stderr)
    proc = subprocess.Popen(["nginx", "-c", path, "-p", work, "-e", os.path.join(work, "nginx-error.log")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError("nginx did not start: " + proc.stderr.read().decode())
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError("nginx did not listen")


def newsboat(work, name, urls):
    home = tempfile.mkdtemp(dir=work, prefix=f"newsboat-{name}-")
    with open(os.path.join(home, "urls"), "w") as f:
        f.write("\n".join(urls) + "\n")
    open(os.path.join(home, "config"), "w").close()
    r = subprocess.run(["newsboat", "-u", os.path.join(home, "urls"), "-c", os.path.join(home, "cache.db"),
                        "-C", os.path.join(home, "config"), "-x", "reload", "print-unread"],
                       env={**os.environ, "HOME": home}, capture_output=True, timeout=120)
    db = sqlite3.connect(os.path.join(home, "cache.db"))
    counts = dict(db.execute("select feedurl, count(*) from rss_item group by feedurl"))
    titles = dict(db.execute("select rssurl, title from rss_feed"))
    db.close()
    return r, counts, titles


def rfc3339(s):
    return isinstance(s, str) and re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$", s)


def check_json_feed(path, base):
    """JSON Feed 1.1's required members and types (https://jsonfeed.org/version/1.1)."""
    name = os.path.relpath(path, base)
    r = subprocess.run(["/usr/bin/python3", "-m", "json.tool", path], capture_output=True)
    check(f"json: {name} parses with python3 -m json.tool", r.returncode == 0, r.stderr.decode()[:200])
    if r.returncode != 0:
        return
    feed = json.load(open(path, encoding="utf-8"))
    problems = []
    if feed.get("version") != "https://jsonfeed.org/version/1.1":
        problems.append("version")
    if not isinstance(feed.get("title"), str) or not feed["title"]:
        problems.append("title")
    if not isinstance(feed.get("items"), list):
        problems.append("items")
    for k in ("home_page_url", "feed_url", "description"):
        if k in feed and not isinstance(feed[k], str):
            problems.append(k)
    # JSON has no base URI: a relative URL there names nothing.
    for k in ("home_page_url", "feed_url"):
        if k in feed and not feed[k].startswith(("http://", "https://")):
            problems.append(f"{k} {feed[k]!r} is not absolute")
    for a in feed.get("authors", []):
        if not isinstance(a, dict) or not isinstance(a.get("name"), str):
            problems.append("authors")
    ids = set()
    for it in feed.get("items", []):
        if not isinstance(it.get("id"), str) or not it["id"] or it["id"] in ids:
            problems.append("item id")
        ids.add(it.get("id"))
        if not isinstance(it.get("content_html"), str) and not isinstance(it.get("content_text"), str):
            problems.append("item content")
        for k in ("date_published", "date_modified"):
            if k in it and not rfc3339(it[k]):
                problems.append(k)
        if "url" in it and not it["url"].startswith(("http://", "https://")):
            problems.append("item url")
    n = len(ET.parse(path[:-5] + ".atom").getroot().findall(A + "entry"))
    if len(feed.get("items", [])) != n:
        problems.append(f"{len(feed.get('items', []))} items, Atom has {n}")
    check(f"json: {name} has JSON Feed 1.1's members", not problems, ", ".join(problems))


def check_index(unplanet, work):
    """index.html against the feeds: each feed's entry count and newest title
    as its Atom file has them; an empty topic says "0 entries"."""
    d = os.path.join(work, "index-check")
    r = subprocess.run([unplanet, "-o", d, "-t", "Nothing=zzzzqqqq", SAMPLE], capture_output=True)
    page = open(os.path.join(d, "index.html"), encoding="utf-8").read() if r.returncode == 0 else ""

    def item(kind, slug):
        m = re.search(r'<li class="feed" id="%s-%s".*?</li>' % (kind, slug), page, re.S)
        return m.group(0) if m else ""
    li = item("topic", "nothing")
    check("index: an empty topic says '0 entries'", re.search(r'<p class="meta">\s*0 entries\s*</p>', li), li[-200:])
    bad = []
    for f in sorted(glob.glob(os.path.join(d, "authors", "*.atom"))):
        entries = ET.parse(f).getroot().findall(A + "entry")
        li = item("author", os.path.basename(f)[:-5])
        m = re.search(r'<p class="latest">(.*?)</p>', li, re.S)
        latest = html.unescape(re.sub(r"<[^>]+>", "", m.group(1))).strip() if m else ""
        if not entries or not latest.startswith(entries[0].findtext(A + "title").strip()):
            bad.append(f"{os.path.basename(f)}: latest {latest[:40]!r}")
        if not re.search(r'<p class="meta">\s*%d entr' % len(entries), li):
            bad.append(f"{os.path.basename(f)}: count")
        # A right-to-left title must not reorder the date after it.
        if m and not re.match(r'\s*<bdi>.*</bdi>\s*<time ', m.group(1), re.S):
            bad.append(f"{os.path.basename(f)}: newest title not isolated from its date")
    check("index: each author's newest post and entry count are its feed's", page and not bad, str(bad[:3]))
    # Autodiscovery: every feed file is offered by a <link rel="alternate">
    # of its format's media type, and nothing else is.
    types = {"atom": "application/atom+xml", "rss": "application/rss+xml", "json": "application/feed+json"}
    offered = sorted((m.group(2), m.group(1)) for m in
                     re.finditer(r'<link rel="alternate" type="([^"]+)" title="[^"]*" href="([^"]+)">', page))
    files = sorted((os.path.relpath(f, d), types[f.rsplit(".", 1)[1]])
                   for kind in ("authors", "topics") for f in glob.glob(os.path.join(d, kind, "*.*")))
    check("index: every feed file is offered for autodiscovery with its media type, and only they",
          page and offered == files and len(files) > 3 * 19, f"{len(offered)} offered, {len(files)} files; "
          f"{sorted(set(offered) ^ set(files))[:3]}")
    # Without --base-url the OPML lists hold relative xmlUrls, which no
    # reader importing them can resolve: the page does not offer them.
    check("index: no OPML offered without --base-url", page and ".opml" not in page and "x-opml" not in page,
          re.findall(r".{60}opml.{20}", page, re.I | re.S)[:2])
    for f in sorted(glob.glob(os.path.join(d, "*", "*.json"))):
        check_json_feed(f, d)


# A page that loads src in a frame width px wide, runs prepare
# (JavaScript: w is the frame's window, d its document) once it has
# loaded, and a second later writes what measure (statements setting
# out) finds into <pre id="r">.
FRAME_PROBE = """<!DOCTYPE html><html lang="en"><head><title>probe</title></head><body>
<iframe id="f" src="SRC" width="WIDTH" height="600" title="index"></iframe>
<pre id="r">pending</pre>
<script>
var f = document.getElementById("f");
f.addEventListener("load", function () {
  var w = f.contentWindow, d = w.document, out = "";
  PREPARE
  setTimeout(function () {
    MEASURE
    document.getElementById("r").textContent = out;
  }, 1000);
});
</script></body></html>
"""

# What a reader following a link to index.html#CARD sees.
CARD_SEEN = """var h = d.getElementById("CARD").querySelector("h3");
    var r = h.getBoundingClientRect(), hit = d.elementFromPoint(r.left + 5, r.top + r.height / 2);
    out = "hash=" + w.location.hash + " scrolled=" + (w.scrollY > 0) +
      " top=" + Math.round(r.top) + " visible=" + (h.contains(hit) || hit === h);"""

# index.html at 320 px with text at 200% (WCAG's reflow and resize text):
# nothing may stick out sideways (the filter box's input did).
ZOOMED = 'd.documentElement.style.fontSize = "200%";'
SIDEWAYS = 'out = "scroll=" + d.documentElement.scrollWidth + " client=" + d.documentElement.clientWidth;'


def frame_probe(profile, site, base, src, width, measure, prepare=""):
    """What FRAME_PROBE's measure writes, seen by headless Chromium from a
    page on the same server as src (or the end of its stderr)."""
    page = (FRAME_PROBE.replace("SRC", src).replace("WIDTH", str(width)).replace("PREPARE", prepare)
            .replace("MEASURE", measure))
    # A name of its own, as the profile's cache would serve an earlier probe.
    name = "probe-" + hashlib.sha1(page.encode()).hexdigest()[:12] + ".html"
    path = os.path.join(site, name)
    with open(path, "w", encoding="utf-8") as f:
        f.write(page)
    r = chromium(profile, base + name, "--virtual-time-budget=10000")
    os.remove(path)
    m = re.search(r'<pre id="r">([^<]*)</pre>', r.stdout.decode("utf-8", "replace"))
    return m.group(1) if m else r.stderr.decode("utf-8", "replace")[-300:]


def chromium(profile, url, *extra):
    """Headless Chromium's DOM of url once loaded, in a 1280x900 window."""
    return subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                           "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
                           f"--user-data-dir={profile}", *extra, "--window-size=1280,900", "--dump-dom", url],
                          capture_output=True, timeout=120)


def check_opml(site, base):
    """Each outline of feeds.opml names the feed's own pages, as the Atom
    file does: xmlUrl its served address, htmlUrl its rel=alternate link
    (a source's site, or a topic's card in index.html)."""
    bad, count = [], 0
    for o in ET.parse(os.path.join(site, "feeds.opml")).getroot().iter("outline"):
        if not o.get("xmlUrl"):
            continue
        count += 1
        path = o.get("xmlUrl")[len(base):] if o.get("xmlUrl").startswith(base) else None
        if path is None or not os.path.exists(os.path.join(site, path)):
            bad.append(f"{o.get('text')}: xmlUrl {o.get('xmlUrl')}")
            continue
        alt = [link.get("href") for link in ET.parse(os.path.join(site, path)).getroot().findall(A + "link")
               if link.get("rel") == "alternate"]
        if o.get("htmlUrl") is None or alt != [o.get("htmlUrl")]:
            bad.append(f"{path}: htmlUrl {o.get('htmlUrl')} but the feed's alternate is {alt}")
    check("opml: every feed's htmlUrl is its Atom file's alternate link, topics' too", count > 19 and not bad,
          f"{count} outlines; {bad[:3]}")


def acl_entries(blob):
    """(tag, perm, id) of each entry of a POSIX ACL extended attribute."""
    return [struct.unpack_from("<HHI", blob, at) for at in range(4, len(blob), 8)]


def check_default_acl(unplanet, work):
    """A folder whose default ACL lets the web server's user (www-data, 33)
    read, written under umask 077 as many cron jobs are: the files are
    readable by that user as any tool's would be (the umask does not cut
    the ACL's mask), and by no one else."""
    site = os.path.join(work, "acl")
    os.makedirs(site)
    undefined = 0xFFFFFFFF   # USER_OBJ, USER, GROUP_OBJ, MASK, OTHER
    entries = [(0x01, 7, undefined), (0x02, 5, 33), (0x04, 0, undefined), (0x10, 7, undefined), (0x20, 0, undefined)]
    try:
        os.setxattr(site, "system.posix_acl_default", struct.pack("<I", 2) + b"".join(
            struct.pack("<HHI", *e) for e in entries))
    except OSError as e:
        check(f"hosting: files follow a default ACL (not tried: {e.strerror} here)", True)
        return
    r = subprocess.run([unplanet, "-o", site, SAMPLE], capture_output=True, preexec_fn=lambda: os.umask(0o077))
    wrong = []
    for f in ("index.html", "feeds.opml", "authors/pypy.atom", "authors/pypy.json"):
        acl = dict((tag, perm) for tag, perm, _ in acl_entries(os.getxattr(os.path.join(site, f),
                                                                        "system.posix_acl_access")))
        if not (acl.get(0x02) == 5 and acl.get(0x10, 0) & 4 and acl.get(0x20) == 0):
            wrong.append(f"{f}: {acl}")
    check("hosting: under umask 077, files in a folder with a default ACL are readable by the user it names",
          r.returncode == 0 and not wrong, r.stderr.decode() + "; ".join(wrong))


def main():
    unplanet, work = sys.argv[1], os.path.abspath(sys.argv[2])
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    site = os.path.join(work, "site")
    r = subprocess.run([unplanet, "-o", site, "--base-url", base, "-t", "Django=django",
                        "-t", r"Packaging=\bpip\b|packag", SAMPLE], capture_output=True)
    check("hosting: unplanet writes the site", r.returncode == 0, r.stderr.decode())
    for f in sorted(glob.glob(os.path.join(site, "*", "*.json"))):
        check_json_feed(f, site)
    check_opml(site, base)
    check_index(unplanet, work)
    check_default_acl(unplanet, work)

    nginx = start_nginx(work, site, port)
    try:
        want = {
            "": "text/html", "index.html": "text/html",
            "authors/pypy.atom": "application/atom+xml", "authors/pypy.rss": "application/rss+xml",
            "authors/pypy.json": "application/feed+json", "topics/django.atom": "application/atom+xml",
            "topics/django.rss": "application/rss+xml", "topics/django.json": "application/feed+json",
            "feeds.opml": "text/x-opml", "authors.opml": "text/x-opml", "topics.opml": "text/x-opml",
        }
        for path, ctype in want.items():
            status, headers, body = get(base + path)
            got = headers.get("Content-Type", "")
            check(f"nginx: /{path} is 200 {ctype}", status == 200 and got.split(";")[0] == ctype, f"{status} {got}")
            if ctype != "text/html" or path:
                check(f"nginx: /{path} says charset=utf-8", "charset=utf-8" in got.lower(), got)
        status, _, body = get(base + "index.html")
        check("nginx: index.html offers the OPML list under --base-url", b'href="feeds.opml"' in body, "")
        status, headers, _ = get(base + "authors/pypy.atom")
        check("nginx: feeds carry Cache-Control and an ETag",
              "max-age" in headers.get("Cache-Control", "") and headers.get("ETag"), str(headers))
        status, _, _ = get(base + "authors/pypy.atom", {"If-None-Match": headers.get("ETag", "")})
        check("nginx: a reader polling with If-None-Match gets 304", status == 304, f"{status}")
        # A feed missing now may be written by the next run: its 404 is
        # not to be cached. Compressed for a proxy or CDN (Via:) too.
        status, headers, _ = get(base + "authors/not-yet.atom")
        check("nginx: a 404 carries no Cache-Control", status == 404 and "Cache-Control" not in headers, str(headers))
        status, headers, _ = get(base + "authors/pypy.atom", {"Accept-Encoding": "gzip", "Via": "1.1 varnish"})
        check("nginx: a feed asked for through a proxy (Via:) comes gzip-compressed",
              status == 200 and headers.get("Content-Encoding") == "gzip", str(headers))
        for secret in (".unplanet/archive/pypy.xml", ".unplanet/state.xml", ".unplanet/"):
            status, _, _ = get(base + secret)
            check(f"nginx: /{secret} is not served", status == 404, f"{status}")

        # Readers, through the server.
        feeds = sorted(os.path.relpath(p, site) for p in glob.glob(os.path.join(site, "*", "*.atom")) +
                       glob.glob(os.path.join(site, "*", "*.rss")))
        sys.path.insert(0, HERE)
        import feedparser
        for rel in feeds:
            d = feedparser.parse(base + rel)
            entries = len(ET.parse(os.path.join(site, rel)).getroot().findall(".//" + (A + "entry" if rel.endswith(".atom") else "item")))
            check(f"feedparser over HTTP: {rel}", not d.bozo and d.version in ("atom10", "rss20") and len(d.entries) == entries,
                  f"bozo={d.bozo} {d.get('bozo_exception')} version={d.version} {len(d.entries)}/{entries}")
            # The feed's web page is its site, else its card in index.html,
            # never the feed file itself; every entry names its author.
            link = d.feed.get("link", "")
            if link.startswith(base):
                status, _, body = get(link.split("#")[0])
                card = 'id="%s"' % link.split("#")[-1]
                link_ok = status == 200 and card.encode() in body
            else:
                link_ok = link.startswith(("http://", "https://"))
            bad = [e.get("link") for e in d.entries if not e.get("author")]
            check(f"feedparser over HTTP: {rel}: its web page is {link!r}, and every entry has an author",
                  link_ok and not bad, f"no author: {bad[:2]}")
        # newsboat merges entries that share an id across feeds, so each
        # group of feeds with distinct ids gets its own cache.
        groups = {"authors-atom": [f for f in feeds if f.startswith("authors/") and f.endswith(".atom")],
                  "authors-rss": [f for f in feeds if f.startswith("authors/") and f.endswith(".rss")],
                  "django-atom": ["topics/django.atom"], "packaging-rss": ["topics/packaging.rss"]}
        for name, group in groups.items():
            r, counts, titles = newsboat(work, name, [base + f for f in group])
            bad = []
            for f in group:
                entries = len(ET.parse(os.path.join(site, f)).getroot().findall(".//" + (A + "entry" if f.endswith(".atom") else "item")))
                if counts.get(base + f) != entries or not titles.get(base + f):
                    bad.append(f"{f}: {counts.get(base + f)}/{entries}")
            check(f"newsboat reads every {name} feed through nginx ({len(group)} feeds)", r.returncode == 0 and not bad,
                  f"{bad[:3]} {r.stderr.decode()[:200]}")
        # OPML import.
        status, _, opml = get(base + "feeds.opml")
        home = tempfile.mkdtemp(dir=work, prefix="opml-")
        with open(os.path.join(home, "feeds.opml"), "wb") as f:
            f.write(opml)
        open(os.path.join(home, "urls"), "w").close()
        r = subprocess.run(["newsboat", "-u", os.path.join(home, "urls"), "-C", os.path.join(home, "config"),
                            "-c", os.path.join(home, "cache.db"), "-i", os.path.join(home, "feeds.opml")],
                           env={**os.environ, "HOME": home}, capture_output=True, timeout=60)
        imported = [l.split()[0] for l in open(os.path.join(home, "urls")) if l.strip() and not l.startswith("#")]
        expected = [base + f for f in feeds if f.endswith(".atom")]
        check("newsboat imports feeds.opml: every feed, by its served URL",
              r.returncode == 0 and sorted(imported) == sorted(expected), f"{len(imported)} vs {len(expected)} {r.stderr.decode()[:200]}")
        # The page in a real browser.
        profile = tempfile.mkdtemp(dir=work, prefix="chromium-")
        # "#q=100%" is no valid percent-encoding: the filter must still work.
        # "mathspp" is only in a card's own feed title, shown as its description.
        for fragment, count in (("", "21 feeds"), ("#q=girao", "1 of 21 feeds"), ("#q=mathspp", "1 of 21 feeds"),
                                ("#q=django", None), ("#q=100%", "")):
            r = chromium(profile, base + "index.html" + fragment, "--enable-logging=stderr", "--v=0")
            dom = r.stdout.decode("utf-8", "replace")
            console = [l for l in r.stderr.decode("utf-8", "replace").splitlines() if ":CONSOLE" in l]
            check(f"chromium: index.html{fragment} loads with no console messages", r.returncode == 0 and not console and "</html>" in dom,
                  "; ".join(console[:3]))
            m = re.search(r'<output id="count"[^>]*>([^<]*)</output>', dom)
            if count == "":
                box = re.search(r'<div class="search"[^>]*>', dom)
                check(f"chromium: index.html{fragment} still shows the filter box",
                      box is not None and "hidden" not in box.group(0), box.group(0) if box else "no box")
            elif count is not None:
                check(f"chromium: index.html{fragment} shows '{count}' (counted from the layout)", m and m.group(1) == count,
                      m.group(1) if m else "no count")
            else:
                shown = re.match(r"^(\d+) of 21 feeds$", m.group(1)) if m else None
                check("chromium: #q=django shows some feeds and hides the others",
                      shown and 0 < int(shown.group(1)) < 21, m.group(1) if m else "no count")
            if fragment in ("", "#q=girao"):
                heading = re.search(r'<h2 id="authors">Authors <small>([^<]*)</small>', dom)
                want = "(19)" if fragment == "" else "(1 of 19)"
                check(f"chromium: index.html{fragment}: the Authors heading counts what it shows, '{want}'",
                      heading is not None and heading.group(1) == want, heading.group(0) if heading else "no heading")
        # One feed, and none: "1 feed"; nothing typed, so nothing reads
        # "No feed matches" and no section is hidden.
        for name, only, count in (("one", "^PyPy$", "1 feed"), ("none", "zzzzqqqq", "0 feeds")):
            r = subprocess.run([unplanet, "-q", "-o", os.path.join(site, name), "--only", only, SAMPLE], capture_output=True)
            r = chromium(profile, base + name + "/index.html")
            dom = r.stdout.decode("utf-8", "replace")
            m = re.search(r'<output id="count"[^>]*>([^<]*)</output>', dom)
            none = re.search(r'<p id="none"[^>]*>', dom)
            hidden = re.findall(r'<section[^>]*hidden[^>]*>', dom)
            box = re.search(r'<div class="search"[^>]*>', dom)
            check(f"chromium: index.html with {count}: says '{count}', no 'No feed matches' and no section hidden; "
                  "a filter box only with a feed to filter",
                  m is not None and m.group(1) == count and none is not None and "hidden" in none.group(0) and not hidden and
                  (name != "none" or "No author feeds yet." in dom) and
                  box is not None and ("hidden" in box.group(0)) == (name == "none"),
                  f"{m.group(1) if m else 'no count'} {none.group(0) if none else 'no #none'} {hidden}")
            shutil.rmtree(os.path.join(site, name))
        # A link to a feed's card (a feed without a site of its own links
        # there) must land on it: the filter must not drop the fragment,
        # and the sticky filter box must not cover the card. A page on the
        # same server looks into index.html in a frame, at two widths.
        cards = re.findall(r'<li class="feed" id="([a-z0-9-]+)"', open(os.path.join(site, "index.html"), encoding="utf-8").read())
        card = cards[len(cards) // 2] if cards else "none"
        for width in (1000, 420):
            got = frame_probe(profile, site, base, "index.html#" + card, width, CARD_SEEN.replace("CARD", card))
            check(f"chromium: index.html#{card} at {width} px keeps its fragment and shows the card below the filter box",
                  got.startswith(f"hash=#{card} ") and " scrolled=true " in got and got.endswith(" visible=true"), got)
        got = frame_probe(profile, site, base, "index.html", 320, SIDEWAYS, prepare=ZOOMED)
        m = re.fullmatch(r"scroll=(\d+) client=(\d+)", got)
        check("chromium: index.html at 320 px with text at 200% has nothing sticking out sideways",
              m is not None and int(m.group(1)) <= int(m.group(2)), got)
    finally:
        nginx.terminate()
        try:
            nginx.wait(timeout=10)
        except subprocess.TimeoutExpired:
            nginx.kill()
    report()


if __name__ == "__main__":
    main()
