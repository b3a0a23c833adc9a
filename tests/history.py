#!/usr/bin/python3
"""history.py UNPLANET WORKDIR - feeds keep their history across runs.

Run on page A (the sample), then on page B where the older posts have
dropped off and one post changed: the feeds hold the union (up to --keep),
the changed post is updated (Atom updated moves, published does not), and
running B again writes nothing. Also: --keep, vanished sources, slugs that
stay put, and a corrupt archive that is reported, never replaced.
"""
import calendar
import email.utils
import fcntl
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from testlib import check, report, snapshot  # noqa: E402
from visible import visible_text  # noqa: E402

A = "{http://www.w3.org/2005/Atom}"
HERE = os.path.dirname(os.path.abspath(__file__))
# Debian's faketime package puts it under the architecture's lib folder.
FAKETIME_LIB = (sorted(glob.glob("/usr/lib/*/faketime/libfaketime.so.1")) or ["libfaketime.so.1"])[0]
ROOT = os.path.dirname(HERE)
SAMPLE = os.path.join(HERE, "..", "samples", "planetpython-2026-04-29.html")
TRUTH = os.path.join(HERE, "..", "samples", "planetpython-2026-04-29.truth.json")



def run(unplanet, *args, input=None):
    return run_within(120, unplanet, *args, input=input)


def run_within(seconds, unplanet, *args, input=None):
    r = subprocess.run([unplanet, *args], capture_output=True, timeout=seconds, input=input)
    return r.returncode, r.stderr.decode("utf-8", "replace")



def epoch(rfc3339):
    """Seconds since 1970 of an RFC 3339 UTC time ("2026-04-28T10:00:00Z")."""
    return calendar.timegm(time.strptime(rfc3339, "%Y-%m-%dT%H:%M:%SZ"))


def sub_file(path, pattern, repl):
    """Rewrites the text file at path with re.sub(pattern, repl, ...)."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    with open(path, "w", encoding="utf-8") as f:
        f.write(re.sub(pattern, repl, text))


def entries(d):
    """link -> (feed file, entry element) for every Atom author feed."""
    found = {}
    for f in sorted(glob.glob(os.path.join(d, "authors", "*.atom"))):
        for e in ET.parse(f).getroot().findall(A + "entry"):
            found.setdefault(e.findtext(A + "id"), []).append((os.path.basename(f), e))
    return found


def main():
    unplanet, work = sys.argv[1], sys.argv[2]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    page_a = open(SAMPLE, encoding="utf-8").read()
    truth = json.load(open(TRUTH, encoding="utf-8"))
    # Page B: everything from April 26 on has dropped off, one post changed.
    cut = page_a.index("<h2>April 26, 2026</h2>")
    end = page_a.index("\n    </div>\n  </div>\n\n  <div id=\"left-hand-navigation\">")
    page_b = page_a[:cut] + page_a[end:]
    changed = "https://www.djangoproject.com/weblog/2026/apr/28/renew-your-pycharm-license-and-support-django/"
    assert "Only a few days remain" in page_b
    page_b = page_b.replace("Only a few days remain", "Only two days remain")
    a, b = os.path.join(work, "a.html"), os.path.join(work, "b.html")
    open(a, "w", encoding="utf-8").write(page_a)
    open(b, "w", encoding="utf-8").write(page_b)
    d = os.path.join(work, "feeds")

    rc, err = run(unplanet, "-o", d, a)
    check("history: run on page A", rc == 0, err)
    first = entries(d)
    slugs_a = sorted(os.listdir(os.path.join(d, "authors")))
    before_b = time.time()
    time.sleep(1.1)   # so "updated" can move by whole seconds
    rc, err = run(unplanet, "-o", d, b)
    check("history: run on page B", rc == 0, err)
    after = entries(d)
    missing = [t["link"] for t in truth if len(after.get(t["link"], [])) != 1]
    check("history: feeds hold the union of A and B, each entry once", not missing, f"missing {missing}")
    check("history: feeds of sources gone from B are kept", sorted(os.listdir(os.path.join(d, "authors"))) == slugs_a,
          "file list changed")
    gone = "https://www.paulox.net/2026/04/26/my-djangocon-europe-2026/"
    check("history: a post that left the page keeps its content",
          gone in after and "DjangoCon Europe" in (after[gone][0][1].findtext(A + "content") or ""), "")
    if changed in after and changed in first:
        e_old, e_new = first[changed][0][1], after[changed][0][1]
        pub_old, pub_new = e_old.findtext(A + "published"), e_new.findtext(A + "published")
        upd_new = e_new.findtext(A + "updated")
        check("history: changed post keeps its published time", pub_old == pub_new, f"{pub_old} -> {pub_new}")
        upd = epoch(upd_new)
        check("history: changed post's updated time moves to the run", upd >= int(before_b), f"updated {upd_new}")
        check("history: changed post has the new content", "Only two days remain" in e_new.findtext(A + "content"), "")
        newest = max(t["published"] for t in truth)
        shown = re.findall(r'Newest post: <time datetime="([^"]+)"', open(os.path.join(d, "index.html"), encoding="utf-8").read())
        check("history: index.html's newest post is the newest published, not the edit's time",
              shown == [newest], f"{shown}, newest published {newest}")
        item = [i for i in json.load(open(os.path.join(d, "authors", "django-weblog.json"), encoding="utf-8"))["items"]
                if i["url"] == changed]
        rss = [i for i in ET.parse(os.path.join(d, "authors", "django-weblog.rss")).getroot().iter("item")
               if i.findtext("link") == changed]
        check("history: the JSON and RSS feeds say the same (date_published, pubDate kept; date_modified moved)",
              len(item) == 1 and item[0]["date_published"] == pub_old and item[0]["date_modified"] == upd_new and
              len(rss) == 1 and email.utils.parsedate_to_datetime(rss[0].findtext("pubDate")).strftime(
                  "%Y-%m-%dT%H:%M:%SZ") == pub_old, f"{item} {[r.findtext('pubDate') for r in rss]}")
        feed = ET.parse(os.path.join(d, "authors", "django-weblog.atom")).getroot()
        check("history: feed updated follows the entry", feed.findtext(A + "updated") == upd_new,
              feed.findtext(A + "updated"))
    else:
        check("history: changed post present", False, "not found")
    unchanged = [l for l in after if l != changed and l in first and
                 ET.tostring(after[l][0][1]) != ET.tostring(first[l][0][1])]
    check("history: other posts are untouched", not unchanged, f"{unchanged[:3]}")

    snap = snapshot(d)
    time.sleep(1.1)
    rc, err = run(unplanet, "-v", "-o", d, b)
    check("history: running B again succeeds", rc == 0, err)
    check("history: running B again writes nothing", snapshot(d) == snap and " 0 files written" in err, err)
    rc, err = run(unplanet, "-v", "-o", d, a)
    # Its author's three feeds and archive, the two OPML lists (their
    # dateModified), the directory document and the state (cleared while
    # the others change, then put back); not index.html, which shows
    # posting dates only.
    check("history: running A again rewrites only what the changed post touches",
          rc == 0 and " 8 files written" in err, err)
    # A feed file emptied by hand is made again by the next run that reads
    # a changed page, though that feed itself did not change.
    emptied = os.path.join(d, "authors", "pypy.rss")
    whole = open(emptied, "rb").read()
    open(emptied, "wb").close()
    rc, err = run(unplanet, "-o", d, b)
    check("history: an emptied feed file is made again", rc == 0 and open(emptied, "rb").read() == whole, err)

    # A copy of the page older than one already read (a stale cache or
    # mirror: its "Last update:" is earlier) is passed over, rather than
    # undo the newer page's edits, which the page after it would make again.
    assert "Last update: April 29, 2026 07:43 AM UTC" in page_b
    page_c = page_b.replace("Last update: April 29, 2026 07:43 AM UTC", "Last update: April 29, 2026 08:13 AM UTC")
    page_c = page_c.replace("Only two days remain", "Only one day remains")
    c = os.path.join(work, "c.html")
    open(c, "w", encoding="utf-8").write(page_c)
    rc, err = run(unplanet, "-o", d, c)
    snap = snapshot(d)
    time.sleep(1.1)
    rc, err = run(unplanet, "-v", "-o", d, b)
    check("history: an older copy of the page (earlier Last update) writes nothing, exit 0",
          rc == 0 and snapshot(d) == snap and "an older copy of the page" in err and "08:13 AM" in err, err)
    rc, err = run(unplanet, "-o", d, b)
    check("history: ...and says so without -v, one line naming both times and --force",
          rc == 0 and snapshot(d) == snap and err.count("\n") == 1 and err.startswith("unplanet: warning: ") and
          "08:13 AM" in err and "07:43 AM" in err and "--force" in err, err)
    rc, err = run(unplanet, "-q", "-o", d, b)
    check("history: ...and nothing under -q", rc == 0 and err == "" and snapshot(d) == snap, err)
    # A file deleted since comes back all the same (a stale mirror may
    # serve that copy for days), as the archive has it: no edit undone.
    gone = {f: open(os.path.join(d, f), "rb").read() for f in ("authors/pypy.atom", "index.html")}
    for f in gone:
        os.remove(os.path.join(d, f))
    rc, err = run(unplanet, "-q", "-o", d, b)
    back = {f: open(os.path.join(d, f), "rb").read() if os.path.exists(os.path.join(d, f)) else None for f in gone}
    os.remove(os.path.join(d, "index.html"))
    rc_v, err_v = run(unplanet, "-v", "-o", d, b)
    others = {x[0]: x for x in snapshot(d, skip=os.path.join(d, ".unplanet"))}
    check("history: ...but a file deleted since comes back, the same bytes, the other files untouched",
          rc == 0 and err == "" and back == gone and all(others.get(x[0]) == x for x in snap if x[0] not in gone and
                                                         x[4] != "dir" and not x[0].startswith(".unplanet")),
          f"{err} {[f for f in gone if back[f] != gone[f]]}")
    check("history: ...which -v says", rc_v == 0 and "an older copy of the page, read all the same: " in err_v and
          "index.html is missing" in err_v and os.path.exists(os.path.join(d, "index.html")), err_v)
    snap = snapshot(d)
    def shown(d):
        return {i: [(f, e.findtext(A + "updated"), e.findtext(A + "content")) for f, e in got]
                for i, got in entries(d).items()}
    before = shown(d)
    rc, err = run(unplanet, "-o", d, "-t", "Django=django", b)
    check("history: ...but not under changed settings: they are not left waiting (the new topic is written)",
          rc == 0 and os.path.exists(os.path.join(d, "topics", "django.atom")), err)
    after = shown(d)
    undone = [i for i in before if after.get(i) != before[i]]
    edited = entries(d).get(changed, [])
    check("history: ...and the older copy undoes no edit: every entry as the newer page left it (text, updated)",
          rc == 0 and not undone and len(edited) == 1 and
          "Only one day remains" in edited[0][1].findtext(A + "content"), f"changed: {undone[:3]}")
    snap = snapshot(d)
    rc, err = run(unplanet, "-o", d, "-t", "Django=django", b)
    check("history: ...and that run keeps the newer page's time: the same older copy again is passed over",
          rc == 0 and snapshot(d) == snap and "an older copy of the page" in err and "08:13 AM" in err, err)
    rc, err = run(unplanet, "--force", "-o", d, b)
    kept = entries(d).get(changed, [])
    check("history: --force reads it all the same",
          rc == 0 and len(kept) == 1 and "Only two days remain" in kept[0][1].findtext(A + "content"), err)
    # A time kept from a Planet whose clock was far ahead is no guide.
    state = os.path.join(d, ".unplanet", "state.xml")
    text = open(state, encoding="utf-8").read()
    open(state, "w", encoding="utf-8").write(re.sub(r'updated="[^"]*"', 'updated="2100-01-01T00:00:00Z"', text))
    rc, err = run(unplanet, "-o", d, c)
    kept = entries(d).get(changed, [])
    check("history: a kept Last update ahead of the clock does not hold back the page",
          rc == 0 and len(kept) == 1 and "Only one day remains" in kept[0][1].findtext(A + "content") and
          'updated="2026-04-29T08:13:00Z"' in open(state, encoding="utf-8").read(), err)

    # A source the Planet renames (same site, new name, the old one gone
    # from the page) starts a new feed: the run that makes it says so, once,
    # and how to stay in the old feed.
    assert page_a.count('title="PyPy (Posts about pypy)">PyPy</a></h3>') == 1
    renamed = os.path.join(work, "renamed.html")
    open(renamed, "w", encoding="utf-8").write(page_a.replace(">PyPy</a></h3>", ">PyPy Blog</a></h3>"))
    rn = os.path.join(work, "rename")
    run(unplanet, "-o", rn, a)
    rc, err = run(unplanet, "-o", rn, renamed)
    check("history: a renamed source: a warning naming both names, the old feed and the way to keep it",
          rc == 0 and "warning: source 'PyPy Blog' is new on the page with the site of 'PyPy'" in err and
          "authors/pypy.*" in err and "[source PyPy] with link = https://www.pypy.org/ and slug = pypy, and "
          "[source PyPy Blog] with link = https://www.pypy.org/ and slug = pypy" in err, err)
    rc, err = run(unplanet, "--force", "-o", rn, renamed)
    check("history: ...once: the next run says nothing", rc == 0 and err == "", err)
    # ...also in a run --only leaves both feeds out of (the old one keeps
    # its subscribers; the new one is archived, so the next run finds it
    # known): the warning is said then, with the --only hint.
    rn2 = os.path.join(work, "rename-only")
    run(unplanet, "-o", rn2, a)
    rc, err = run(unplanet, "-o", rn2, "--only", "^Django", renamed)
    check("history: a renamed source in a run --only leaves both feeds out of: warned then, with the --only hint",
          rc == 0 and "warning: source 'PyPy Blog' is new on the page with the site of 'PyPy'" in err and
          "let --only match 'PyPy Blog' too" in err, err)
    # The OPML lists' date does not go back as --only lets fewer feeds in.
    def opml_date(d):
        root = ET.parse(os.path.join(d, "feeds.opml")).getroot()
        return email.utils.parsedate_to_datetime(root.find("head").findtext("dateModified"))
    wide = opml_date(rn2)
    rc, err = run(unplanet, "-q", "-o", rn2, "--only", "^Mariatta$", renamed)
    narrow = opml_date(rn2)
    check("history: feeds.opml's dateModified does not go back when --only narrows", rc == 0 and narrow >= wide,
          f"{wide} -> {narrow} {err}")
    # It moves when a feed is added whose posts are all older than the
    # list's date (a new source with an old post): to the page's Last
    # update (this page shows none: a second on). Not on a run that
    # changes nothing, nor on the first.
    from hostile import ALICE, BOB, Post, page as make_page
    lists = os.path.join(work, "opml-new-source")
    one, two = os.path.join(work, "opml-one.html"), os.path.join(work, "opml-two.html")
    with open(one, "wb") as f:
        f.write(make_page([Post(1, ALICE, b"<p>START one END</p>", hour=10)]))
    with open(two, "wb") as f:
        f.write(make_page([Post(1, ALICE, b"<p>START one END</p>", hour=10), Post(2, BOB, b"<p>START two END</p>", hour=9)]))
    dates = []
    for p in (one, one, two, two):
        rc, err = run(unplanet, "-o", lists, p)
        dates.append(opml_date(lists) if rc == 0 else err)
    check("history: feeds.opml's dateModified: the first list's is its newest feed's, kept while the list stays, "
          "and later when a source with older posts joins",
          dates[0] == dates[1] and dates[2] > dates[1] and dates[3] == dates[2], f"{dates}")
    rc, err = run(unplanet, "-q", "-o", os.path.join(work, "rename-q"), a)
    rc, err = run(unplanet, "-q", "-o", os.path.join(work, "rename-q"), renamed)
    check("history: ...and nothing under -q", rc == 0 and err == "", err)
    # ...the page reaching back exactly to the old name's last post (here
    # its only one, the page's oldest once April 24 is off it) is enough.
    edge = page_a[:page_a.index("<h2>April 24, 2026</h2>")] + page_a[end:]
    assert edge.count(">death and gravity</a></h3>") == 1
    edge_html = os.path.join(work, "renamed-edge.html")
    open(edge_html, "w", encoding="utf-8").write(edge.replace(">death and gravity</a></h3>", ">Gravity and Death</a></h3>"))
    run(unplanet, "-o", os.path.join(work, "rename-edge"), a)
    rc, err = run(unplanet, "-o", os.path.join(work, "rename-edge"), edge_html)
    check("history: a renamed source whose old name's last post is the page's oldest: warned",
          rc == 0 and "warning: source 'Gravity and Death' is new on the page with the site of 'death and gravity'" in err,
          err)
    # A source whose posts the page no longer reaches back to is quiet, not
    # renamed: a new source with its site is no rename.
    cut27 = page_a.index("<h2>April 27, 2026</h2>")
    quiet = page_a[:cut27] + page_a[end:]
    header = re.search(r'<h3 class="post"><a href="https://mariatta.ca/tags/python/" title="[^"]*">Mariatta</a></h3>',
                       quiet).group(0)
    quiet = quiet.replace(header, '<h3 class="post"><a href="https://www.caktusgroup.com/blog/" title="Caktus">'
                                  'Caktus Blog</a></h3>')
    qp = os.path.join(work, "quiet.html")
    open(qp, "w", encoding="utf-8").write(quiet)
    rn = os.path.join(work, "rename-quiet")
    run(unplanet, "-o", rn, a)
    rc, err = run(unplanet, "-o", rn, qp)
    check("history: ...nor for a new source with the site of one whose last post is older than the page",
          rc == 0 and err == "" and os.path.exists(os.path.join(rn, "authors", "caktus-blog.atom")), err)

    def kept_by_sections(name, other, page):
        """Page A, then page under two [source] sections that give PyPy
        at its site and other (a name, a site) the same slug: the folder,
        and the second run's exit and messages."""
        ini = os.path.join(work, name + ".ini")
        open(ini, "w", encoding="utf-8").write("[source PyPy]\nlink = https://www.pypy.org/\nslug = pypy\n"
                                               f"[source {other[0]}]\nlink = {other[1]}\nslug = pypy\n")
        d = os.path.join(work, name + "-merged")
        run(unplanet, "-o", d, a)
        return (d, *run(unplanet, "-c", ini, "-o", d, page))
    rn, rc, err = kept_by_sections("rename", ("PyPy Blog", "https://www.pypy.org/"), renamed)
    check("history: ...nor when the sections keep it in its feed", rc == 0 and err == "" and
          not os.path.exists(os.path.join(rn, "authors", "pypy-blog.atom")), err)

    # A source the Planet moves (same name, another site, the old one gone
    # from the page) starts a new feed too: the same warning, and the same
    # two sections (of one name) keep it in its feed.
    moved = os.path.join(work, "moved.html")
    open(moved, "w", encoding="utf-8").write(page_a.replace(
        '<h3 class="post"><a href="https://www.pypy.org/" title="PyPy (Posts about pypy)">PyPy</a></h3>',
        '<h3 class="post"><a href="https://pypy.example.org/" title="PyPy (Posts about pypy)">PyPy</a></h3>'))
    mv = os.path.join(work, "move")
    run(unplanet, "-o", mv, a)
    rc, err = run(unplanet, "-o", mv, moved)
    check("history: a moved source: a warning naming both sites, the old feed and the way to keep it",
          rc == 0 and "warning: source 'PyPy' is new on the page at https://pypy.example.org/, and the one of that "
          "name at https://www.pypy.org/ is no longer on it: if it moved, its subscribers stay on authors/pypy.*; "
          "to go on in that feed, give both the same slug: [source PyPy] with link = https://www.pypy.org/ and "
          "slug = pypy, and [source PyPy] with link = https://pypy.example.org/ and slug = pypy\n" in err and
          os.path.exists(os.path.join(mv, "authors", "pypy-pypy-example-org.atom")), err)
    rc, err = run(unplanet, "--force", "-o", mv, moved)
    check("history: ...said once: the run after it says nothing", rc == 0 and err == "", err)
    mv, rc, err = kept_by_sections("move", ("PyPy", "https://pypy.example.org/"), moved)
    links = [x.find(A + "link").get("href") for x in ET.parse(os.path.join(mv, "authors", "pypy.atom")).getroot()
             .findall(A + "entry")] if rc == 0 else []
    check("history: ...nor when the sections keep it in its feed, which goes on",
          rc == 0 and err == "" and not os.path.exists(os.path.join(mv, "authors", "pypy-pypy-example-org.atom")) and
          len(links) > 0, f"exit {rc}: {err}")
    # Two sources of one name at two sites, both on the page, are no move.
    both = os.path.join(work, "both.html")
    open(both, "w", encoding="utf-8").write(page_a.replace(
        '<h3 class="post"><a href="https://www.pypy.org/" title="PyPy (Posts about pypy)">PyPy</a></h3>',
        '<h3 class="post"><a href="https://pypy.example.org/" title="PyPy (Posts about pypy)">PyPy</a></h3>', 1)
        .replace("<h2>April 29, 2026</h2>", '<h2>April 29, 2026</h2>\n<hr /><h3 class="post"><a href='
                 '"https://www.pypy.org/" title="PyPy">PyPy</a></h3>\n<h4><a href="https://www.pypy.org/p/1">New</a></h4>'
                 '\n<p>\nNew post\n</p>\n<p>\n<em><a href="https://www.pypy.org/p/1">April 29, 2026 11:50 PM UTC</a>'
                 '</em>\n</p>\n', 1))
    mv = os.path.join(work, "move-both")
    run(unplanet, "-o", mv, a)
    rc, err = run(unplanet, "-o", mv, both)
    check("history: ...nor two of one name at two sites, both on the page", rc == 0 and err == "" and
          os.path.exists(os.path.join(mv, "authors", "pypy-pypy-example-org.atom")), f"exit {rc}: {err}")

    k = os.path.join(work, "keep")
    run(unplanet, "-o", k, a)
    rc, err = run(unplanet, "--keep", "2", "-o", k, b)
    rp = ET.parse(os.path.join(k, "authors", "real-python.atom")).getroot().findall(A + "entry")
    check("history: --keep 2 keeps the 2 newest entries", rc == 0 and len(rp) == 2 and
          rp[0].findtext(A + "published") == "2026-04-28T14:00:00Z", f"{len(rp)} entries")
    # --keep at one less than the union: exactly one entry, the oldest, goes.
    union = ET.parse(os.path.join(d, "authors", "real-python.atom")).getroot().findall(A + "entry")
    k1 = os.path.join(work, "keep-1")
    run(unplanet, "-o", k1, a)
    rc, err = run(unplanet, "--keep", str(len(union) - 1), "-o", k1, b)
    rp = ET.parse(os.path.join(k1, "authors", "real-python.atom")).getroot().findall(A + "entry")
    check(f"history: --keep {len(union) - 1} of {len(union)} entries drops just the oldest",
          rc == 0 and [e.findtext(A + "id") for e in rp] == [e.findtext(A + "id") for e in union[:-1]],
          f"{len(rp)} entries")

    # The page re-dates a post, then names its creator: published stays the
    # first one seen; a new creator is a change, so updated moves.
    pypy = "https://pypy.org/posts/2026/04/pypy-v7322-release.html"
    footer = f'<a href="{pypy}">April 28, 2026 10:00 AM UTC</a>'
    assert page_a.count(footer) == 1
    redated = page_a.replace(footer, f'<a href="{pypy}">April 28, 2026 11:30 AM UTC</a>')
    credited = page_a.replace(footer, f'<a href="{pypy}">by Matti Picus at April 28, 2026 11:30 AM UTC</a>')
    r = os.path.join(work, "redated")
    run(unplanet, "-t", "All=.", "-o", r, a)
    for name, page in (("redated", redated), ("credited", credited)):
        open(os.path.join(work, name + ".html"), "w", encoding="utf-8").write(page)
        time.sleep(1.1)
        start = int(time.time())
        rc, err = run(unplanet, "-t", "All=.", "-o", r, os.path.join(work, name + ".html"))
        e = ET.parse(os.path.join(r, "authors", "pypy.atom")).getroot().find(A + "entry")
        upd = epoch(e.findtext(A + "updated"))
        check(f"history: a post {name} on the page keeps its first published time",
              rc == 0 and e.findtext(A + "published") == "2026-04-28T10:00:00Z", e.findtext(A + "published"))
        if name == "redated":
            check("history: ...and, unchanged otherwise, its updated time",
                  e.findtext(A + "updated") == "2026-04-28T10:00:00Z", e.findtext(A + "updated"))
        else:
            check("history: a post whose creator the page now names is updated, with the creator",
                  upd >= start and e.findtext(A + "author/" + A + "name") == "Matti Picus",
                  f"{e.findtext(A + 'updated')} {e.findtext(A + 'author/' + A + 'name')}")
            every = [x.findtext(A + "published") for x in
                     ET.parse(os.path.join(r, "topics", "all.atom")).getroot().findall(A + "entry")]
            check("history: an updated post keeps its place: feeds are newest published first",
                  len(every) == len(truth) and every == sorted(every, reverse=True), f"{every[:3]}")

    # A DOCTYPE in an archive is refused by name before libxml2 sees it.
    dt = os.path.join(work, "doctype")
    run(unplanet, "-o", dt, a)
    arch = os.path.join(dt, ".unplanet", "archive", "pypy.xml")
    t = open(arch, encoding="utf-8").read()
    open(arch, "w", encoding="utf-8").write(t.replace("<feed", '<!DOCTYPE feed SYSTEM "file:///etc/passwd">\n<feed', 1))
    snap = snapshot(dt)
    rc, err = run(unplanet, "-o", dt, a)
    check("history: a DOCTYPE in an archive: exit 65 naming the file and why, nothing changed",
          rc == 65 and "pypy.xml: has a DOCTYPE" in err and snapshot(dt) == snap, err)
    # In UTF-16 the DOCTYPE's bytes differ, and the file is no archive:
    # unplanet writes UTF-8 and reads nothing else, so stops at its start.
    open(arch, "wb").write(t.replace('encoding="UTF-8"', 'encoding="UTF-16"', 1).replace(
        "<feed", '<!DOCTYPE feed [<!ENTITY e "x">]>\n<feed', 1).encode("utf-16"))
    snap = snapshot(dt)
    rc, err = run(unplanet, "-o", dt, a)
    check("history: an archive in UTF-16 with a DOCTYPE: exit 65 at its first line, nothing changed",
          rc == 65 and "pypy.xml:1: corrupt" in err and snapshot(dt) == snap, err)

    # A FIFO or a folder where the state or an archive should be is refused
    # by name: reading a FIFO would block this run, and every later one
    # behind its lock, for ever. A symbolic link is not followed, even to a
    # good copy of the file: the folder's records are read from the folder.
    for what, rel in (("state", os.path.join(".unplanet", "state.xml")),
                      ("archive", os.path.join(".unplanet", "archive", "pypy.xml"))):
        outside = os.path.abspath(os.path.join(work, f"outside-{what}.xml"))
        for kind, make in (("FIFO", os.mkfifo), ("folder", os.mkdir),
                           ("symlink loop", lambda p: os.symlink(os.path.basename(p), p)),
                           ("symlink to nothing", lambda p: os.symlink(os.path.join(work, "nothing-here.xml"), p)),
                           ("symlink to a good copy outside", lambda p: os.symlink(outside, p))):
            d = os.path.join(work, f"special-{what}-{kind.replace(' ', '-')}")
            run(unplanet, "-o", d, a)
            shutil.copyfile(os.path.join(d, rel), outside)
            os.remove(os.path.join(d, rel))
            make(os.path.join(d, rel))
            snap = snapshot(d)
            try:
                rc, err = run_within(20, unplanet, "-o", d, a)
            except subprocess.TimeoutExpired:
                rc, err = None, "still running after 20 s"
            check(f"history: a {kind} as the {what} file: exit 65 naming it, nothing changed",
                  rc == 65 and (f"{rel}: cannot read: not a regular file" in err or
                                f"{rel}: cannot read: Too many levels of symbolic links" in err or
                                f"{rel}: cannot read: a symbolic link, which unplanet does not follow" in err) and
                  snapshot(d) == snap,
                  f"exit {rc}: {err}")

    # Well-formed files that are not what unplanet writes there, and files
    # over the documented 256 MiB (sparse: they cost no disk), are refused
    # by name, at the line of what is wrong.
    d = os.path.join(work, "strangers")
    run(unplanet, "-t", "Django=django", "-o", d, a)
    state_rel, archive_rel = os.path.join(".unplanet", "state.xml"), os.path.join(".unplanet", "archive", "pypy.xml")
    state_text = open(os.path.join(d, state_rel), encoding="utf-8").read()
    for rel, text, where, says in (
            (archive_rel, '<?xml version="1.0"?>\n<rss version="2.0"/>\n', ":2: corrupt", "not a <feed> document"),
            (archive_rel, '<feed kind="author" slug="pypy"/>\n', ":1: corrupt", '<feed> needs version="1", kind and slug'),
            (archive_rel, '<feed version="2" kind="author" slug="pypy"/>\n', ":1: corrupt",
             '<feed> needs version="1", kind and slug'),
            (state_rel, '<?xml version="1.0"?>\n<feed version="1"/>\n', ":2: corrupt", "not a <state> document"),
            (state_rel, state_text.replace('<state version="1"', '<state version="9"', 1), ":2: corrupt",
             '<state> needs version="1" (written by another unplanet?)'),
            (state_rel, re.sub(r'(<topic\b[^>]*slug=")[^"]*"', r'\1Not A Slug"', state_text, count=1), ":5: corrupt",
             "<topic> needs a name, a slug of a-z, 0-9 and '-', and an updated time in RFC 3339 if any"),
            (state_rel, re.sub(r'(<topic\b[^>]*updated=")[^"]*"', r'\1yesterday"', state_text, count=1), ":5: corrupt",
             "<topic> needs a name, a slug of a-z, 0-9 and '-', and an updated time in RFC 3339 if any"),
            (state_rel, state_text.replace('<author slug="', '<author slug="../', 1),
             f":{state_text[:state_text.index('<author')].count(chr(10)) + 1}: corrupt",
             "<author> needs a slug of a-z, 0-9 and '-'"),
            (state_rel, re.sub(r'<author slug="[^"]*"', "<author", state_text, count=1),
             f":{state_text[:state_text.index('<author')].count(chr(10)) + 1}: corrupt",
             "<author> needs a slug of a-z, 0-9 and '-'"),
            (archive_rel, None, ":", "larger than the 256 MiB a state or archive file may be; not read"),
            (state_rel, None, ":", "larger than the 256 MiB a state or archive file may be; not read")):
        keep = open(os.path.join(d, rel), "rb").read()
        with open(os.path.join(d, rel), "wb") as f:
            if text is None:
                f.truncate((256 << 20) + 1)
            else:
                f.write(text.encode())
        snap = snapshot(d)
        rc, err = run(unplanet, "-t", "Django=django", "-o", d, b)
        check(f"history: {rel}: '{says}': exit 65 naming it, at its line, nothing changed",
              rc == 65 and f"{rel}{where}" in err and says in err and snapshot(d) == snap, f"exit {rc}: {err[:300]}")
        with open(os.path.join(d, rel), "wb") as f:
            f.write(keep)
    rc, err = run(unplanet, "-t", "Django=django", "-o", d, b)
    check("history: ...and with the files put back, the next run goes on", rc == 0, f"exit {rc}: {err[:300]}")

    # A corrupt archive file is an error naming it, and is not replaced.
    c = os.path.join(work, "corrupt")
    run(unplanet, "-o", c, a)
    victim = os.path.join(c, ".unplanet", "archive", "pypy.xml")
    good = open(victim, encoding="utf-8").read()
    with open(victim, "r+b") as f:
        f.truncate(os.path.getsize(victim) // 2)
    snap = snapshot(c)
    rc, err = run(unplanet, "-o", c, b)
    check("history: corrupt archive exits 65", rc == 65, f"exit {rc}")
    check("history: corrupt archive message names the file and line",
          ".unplanet/archive/pypy.xml:" in err and "corrupt" in err and "move it away" in err, err)
    check("history: corrupt archive is left as it was", snapshot(c) == snap, "")
    # ...at the right line, past 65535 too.
    head, tail = good.rsplit("</feed>", 1)
    bad = head + "\n" * 70000 + "<entry><title>no source</title></entry>\n</feed>" + tail
    line = bad[:bad.index("<entry><title>no source")].count("\n") + 1
    with open(victim, "w", encoding="utf-8") as f:
        f.write(bad)
    rc, err = run(unplanet, "-o", c, b)
    check("history: a corrupt archive's message gives the line past 65535",
          rc == 65 and f"pypy.xml:{line}:" in err, f"exit {rc}, line {line}: {err}")
    # An entry kept slim (past --keep) whose digest is not one.
    first_content = re.search(r"<content>.*?</content>\s*<summary>.*?</summary>", good, re.S)
    for digest in ("12345", "0123456789ABCDEF", ""):
        with open(victim, "w", encoding="utf-8") as f:
            f.write(good[:first_content.start()] + f"<digest>{digest}</digest>" + good[first_content.end():])
        rc, err = run(unplanet, "-o", c, b)
        check(f"history: a slim archived entry with digest '{digest}' is corrupt, at its line",
              rc == 65 and "digest" in err and re.search(r"pypy\.xml:\d+:", err) is not None, f"exit {rc}: {err}")
    # An entry's page date (<shown>, when the Planet re-dated it) that is no date.
    first_updated = re.search(r"</updated>", good[good.index("<entry>"):])
    at = good.index("<entry>") + first_updated.end()
    with open(victim, "w", encoding="utf-8") as f:
        f.write(good[:at] + "<shown>yesterday</shown>" + good[at:])
    rc, err = run(unplanet, "-o", c, b)
    check("history: an archived entry whose <shown> is no date is corrupt, at its line",
          rc == 65 and "<shown>" in err and re.search(r"pypy\.xml:\d+:", err) is not None, f"exit {rc}: {err}")
    # An entry whose <id> is there but empty: unplanet never writes one, so
    # the file is not what it wrote.
    first_id = re.search(r"<id>[^<]+</id>", good[good.index("<entry>"):])
    at = good.index("<entry>") + first_id.start()
    line = good[:good.index("<entry>")].count("\n") + 1
    with open(victim, "w", encoding="utf-8") as f:
        f.write(good[:at] + "<id></id>" + good[at + len(first_id.group()):])
    snap = snapshot(c)
    rc, err = run(unplanet, "-o", c, b)
    check("history: an archived entry with an empty <id> is corrupt, at its line, nothing changed",
          rc == 65 and f"pypy.xml:{line}: corrupt" in err and "lacks one of id" in err and snapshot(c) == snap,
          f"exit {rc}, line {line}: {err}")
    with open(victim, "w") as f:
        f.write('<?xml version="1.0"?>\n<!DOCTYPE feed [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
                '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">'
                '<!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">'
                '<!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;"><!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;">'
                '<!ENTITY i "&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;">]>\n<feed version="1" kind="author" slug="pypy">&i;</feed>\n')
    t0 = time.time()
    rc, err = run(unplanet, "-o", c, b)
    check("history: billion-laughs archive is refused quickly", rc == 65 and time.time() - t0 < 10 and "pypy.xml" in err,
          f"exit {rc} after {time.time() - t0:.1f}s: {err}")

    # An archive whose slug would lead outside the folder is refused, and
    # nothing is written anywhere.
    x = os.path.join(work, "escape")
    run(unplanet, "-o", x, a)
    arch = os.path.join(x, ".unplanet", "archive", "pypy.xml")
    text = open(arch, encoding="utf-8").read().replace('slug="pypy"', 'slug="../../../escaped"', 1)
    open(arch, "w", encoding="utf-8").write(text)
    rc, err = run(unplanet, "-o", x, a)
    check("history: an archive slug leading outside the folder is refused (65)",
          rc == 65 and "pypy.xml" in err and "slug" in err, f"exit {rc}: {err}")
    check("history: ...and nothing is written outside it",
          not glob.glob(os.path.join(work, "escaped*")) and not glob.glob(os.path.join(os.path.dirname(work), "escaped*")), "")
    # A backup copy kept beside an archive is read as one, and its slug is
    # not its name: the message says what it most likely is.
    y = os.path.join(work, "backup")
    run(unplanet, "-o", y, a)
    shutil.copy(os.path.join(y, ".unplanet", "archive", "pypy.xml"), os.path.join(y, ".unplanet", "archive", "pypy-old.xml"))
    snap = snapshot(y)
    rc, err = run(unplanet, "-o", y, b)
    check("history: a copy of an archive beside it: exit 65 naming the copy, as one, nothing changed",
          rc == 65 and "pypy-old.xml:" in err and "a copy of pypy.xml?" in err and snapshot(y) == snap, f"exit {rc}: {err}")

    # A post without a permalink keeps one entry, run after run.
    e = os.path.join(work, "nolink")
    sys.path.insert(0, HERE)
    from hostile import ALICE, BOB, Post, page
    p = Post(1, ALICE, b"<p>START no permalink END</p>")
    p.link = ""
    open(os.path.join(work, "nolink.html"), "wb").write(page([p]))
    for _ in range(3):
        rc, err = run(unplanet, "-o", e, os.path.join(work, "nolink.html"))
    ids = [x.findtext(A + "id") for f in glob.glob(os.path.join(e, "authors", "*.atom"))
           for x in ET.parse(f).getroot().findall(A + "entry")]
    check("history: a post without a permalink stays one entry over three runs",
          rc == 0 and len(ids) == 1 and ids[0].startswith("urn:unplanet:entry:"), f"{ids} {err}")
    # ...also when it is retitled, re-dated by an edit (Planet 2.0 shows a
    # post's last update), its source's site moves to https and the source
    # is renamed with a [source] rule keeping its feed: its made-up id was
    # made of all these, and each change would add a copy in readers.
    mu = os.path.join(work, "made-up-edits")
    ini = os.path.join(work, "made-up-edits.ini")
    open(ini, "w").write("[source Alice]\nslug = alice\n[source Alice Smith]\nslug = alice\n")
    alice = ("Alice", "http://alice.example/", "Alice")
    steps = (("first seen", {}), ("retitled", {"title_html": "Fixed title"}),
             ("re-dated by an edit", {"hour": 11, "body": b"<p>START edited END</p>"}),
             ("its site moved to https", {"source": ("Alice", "https://alice.example/", "Alice")}),
             ("its source renamed, kept by a rule", {"source": ("Alice Smith", "https://alice.example/", "Alice Smith")}))
    seen, state = [], {"title_html": "First title", "hour": 10, "body": b"<p>START first END</p>", "source": alice}
    for k, (label, change) in enumerate(steps):
        state.update(change)
        p = Post(1, state["source"], state["body"], hour=state["hour"])
        p.link, p.title_html = "", state["title_html"]
        older = Post(2, BOB, b"<p>START older END</p>", hour=8)
        src = os.path.join(work, f"made-up-edits{k}.html")
        open(src, "wb").write(page([p, older]))
        rc, err = run(unplanet, "-c", ini, "-o", mu, src)
        got = [(x.findtext(A + "id"), x.findtext(A + "title"), x.findtext(A + "published"))
               for x in ET.parse(os.path.join(mu, "authors", "alice.atom")).getroot().findall(A + "entry")]
        seen.append((label, rc, got))
    first = seen[0][2]
    check("history: a post without a permalink retitled, re-dated, moved to https and renamed stays one entry, "
          "its id and published time kept",
          len(first) == 1 and first[0][0].startswith("urn:unplanet:entry:") and
          all(rc == 0 and len(got) == 1 and got[0][0] == first[0][0] and got[0][2] == "2026-04-28T10:01:00Z"
              for _, rc, got in seen) and seen[-1][2][0][1] == "Fixed title", f"{seen} {err}")
    # But a new post with the title of one that aged off the page is a post
    # of its own; and two untitled posts of one minute moving to https keep
    # their own ids, each with its content.
    nw = os.path.join(work, "made-up-new")
    for k in range(2):
        site = ("Alice", ("http" if k == 0 else "https") + "://alice.example/", "Alice")
        posts = [Post(1, site, b"<p>START weekly END</p>", hour=9 if k == 0 else 11)]
        posts += [Post(n, site, f"<p>START status {n} END</p>".encode(), title=False, hour=10) for n in (3, 4)]
        for q in posts:
            q.link = ""
            q.date = q.date.replace(":03 ", ":00 ").replace(":04 ", ":00 ")
        posts[0].title_html = "Weekly notes"
        posts.append(Post(2, BOB, b"<p>START older END</p>", hour=8 if k == 0 else 9))
        posts.sort(key=lambda q: q.published, reverse=True)   # newest first, as Planet
        src = os.path.join(work, f"made-up-new{k}.html")
        open(src, "wb").write(page(posts))
        rc, err = run(unplanet, "-o", nw, src)
        got = {x.findtext(A + "id"): (x.findtext(A + "title"), visible_text(x.findtext(A + "content")))
               for x in ET.parse(os.path.join(nw, "authors", "alice.atom")).getroot().findall(A + "entry")}
        if k == 0:
            before = got
    weekly = [i for i, (t, _) in got.items() if t == "Weekly notes"]
    status = {i: c for i, (t, c) in before.items() if t != "Weekly notes"}
    check("history: a new post without a permalink titled as one that aged off the page is an entry of its own",
          rc == 0 and len(weekly) == 2 and len(got) == 4, f"{got} {err}")
    check("history: ...and two untitled posts of one minute moving to https keep their ids, each its content",
          len(status) == 2 and len([t for t, _ in got.values() if t != "Weekly notes"]) == 2 and
          all(got.get(i, ("", ""))[1] == c for i, c in status.items()), f"{before} {got}")
    # A post without a permalink that left the page is taken for an edited
    # one (another date, the same title; untitled, the same content) only
    # when it left newer than the page's oldest post: one of the oldest
    # minute aged off the page, and a new post with its title is a post of
    # its own. Nor is an untitled post with other content and another date
    # one that left: it has nothing to be known by.
    site = ("Alice", "https://alice.example/", "Alice")
    got = {}
    # (Bob's post is the page's oldest: 08:01, then 09:01, the minute of
    # the first page's post, or 08:01 again.)
    for name, title, older_hours in (("made-up-oldest-minute", "Weekly notes", (8, 9)),
                                     ("made-up-untitled-other", None, (8, 8))):
        for k in range(2):
            p = Post(1 + k, site, f"<p>START weekly {k} END</p>".encode(), title=title is not None, hour=9 + 2 * k)
            p.link, p.title_html = "", title
            older = Post(1, BOB, b"<p>START older END</p>", hour=older_hours[k])
            src = os.path.join(work, f"{name}{k}.html")
            open(src, "wb").write(page([p, older]))
            rc, err = run(unplanet, "-o", os.path.join(work, name), src)
        got[name] = [(x.findtext(A + "published"), visible_text(x.findtext(A + "content")))
                     for x in ET.parse(os.path.join(work, name, "authors", "alice.atom")).getroot().findall(A + "entry")] \
            if rc == 0 else err
    both = [("2026-04-28T11:02:00Z", "START2X weekly 1 END2X"), ("2026-04-28T09:01:00Z", "START1X weekly 0 END1X")]
    check("history: a new post without a permalink titled as one that left the page in its oldest minute is an entry "
          "of its own", got["made-up-oldest-minute"] == both, f"{got['made-up-oldest-minute']}")
    check("history: an untitled post without a permalink, other content and date, is no edit of one that left the page",
          got["made-up-untitled-other"] == both, f"{got['made-up-untitled-other']}")
    # A blog that moves to https: its posts come back with https
    # permalinks. Each stays one entry, with its id (a reader would show it
    # twice otherwise), its link now https, its dates as they were.
    mv = os.path.join(work, "https")
    for k, scheme in enumerate(("http", "https")):
        posts = [Post(n, BOB, b"<p>START moved END</p>", title=n != 3, hour=9 + n) for n in (1, 2, 3)]
        for q in posts:
            # (one in Unicode: its guid is the URI RSS writes for it)
            q.link = q.link.replace("https://", scheme + "://", 1).replace("/post/1?", "/caf\u00e9/1?")
        open(os.path.join(work, f"https{k}.html"), "wb").write(page(posts))
        rc, err = run(unplanet, "-o", mv, os.path.join(work, f"https{k}.html"))
        got = [(x.findtext(A + "id"), x.find(A + "link").get("href"), x.findtext(A + "updated"))
               for x in ET.parse(os.path.join(mv, "authors", "bob.atom")).getroot().findall(A + "entry")]
        guids = [(x.find("guid").text, x.find("guid").get("isPermaLink"), x.findtext("link"))
                 for x in ET.parse(os.path.join(mv, "authors", "bob.rss")).getroot().iter("item")]
        if k == 0:
            before, guids_before = got, guids
    check("history: posts whose permalinks move to https stay one entry each, with their ids and dates",
          rc == 0 and len(got) == 3 and [g[0] for g in got] == [b[0] for b in before] and
          [g[2] for g in got] == [b[2] for b in before] and all(b[1].startswith("http://") for b in before) and
          all(g[1] == b[1].replace("http://", "https://", 1) for g, b in zip(got, before)), f"{before} {got} {err}")
    # Their RSS guids stay too, but are no longer their permalinks: a
    # reader that opens a permalink guid would go to the old address.
    check("history: ...their RSS guids kept, a permalink (isPermaLink true) before the move only",
          [g[0] for g in guids] == [g[0] for g in guids_before] and
          all(p == "true" and g == link for g, p, link in guids_before) and
          all(p == "false" and link.startswith("https://") for g, p, link in guids) and
          any("caf%C3%A9" in g for g, p, link in guids), f"{guids_before} {guids}")
    # A script or comment that comes and goes at a post's end, the white
    # space beside it left, is no edit: no feed is written, updated stays;
    # the archive takes the post's new page digest, and nothing else.
    ws = os.path.join(work, "dropped-edge")
    tails = (b"", b"\n<script async src=\"https://x.example/a.js\"></script>\n", b"", b"\n<!-- cached -->\n",
             b"\n<style>p { }</style> \n")
    bob_archive = os.path.join(ws, ".unplanet", "archive", "bob.xml")

    def archived_but_digests():
        with open(bob_archive, encoding="utf-8") as f:
            return re.sub(r"<page-digest>[0-9a-f]{16}</page-digest>", "", f.read())

    for k, tail in enumerate(tails):
        p = Post(1, BOB, b"<p>START sanitized ends END</p>" + tail)
        src = os.path.join(work, f"dropped-edge{k}.html")
        open(src, "wb").write(page([p]))
        snap, was = (snapshot(ws, skip=os.path.join(ws, ".unplanet")), archived_but_digests()) if k else (None, None)
        rc, err = run(unplanet, "-v", "-o", ws, src)
        if k and (rc != 0 or snapshot(ws, skip=os.path.join(ws, ".unplanet")) != snap or
                  archived_but_digests() != was or " 1 file written" not in err):
            break
    check("history: a script, style or comment at a post's end coming and going is no edit: only its page digest written",
          rc == 0 and k == len(tails) - 1 and snapshot(ws, skip=os.path.join(ws, ".unplanet")) == snap and
          archived_but_digests() == was and " 1 file written" in err, f"run {k}: {err}")
    # An untitled post the Planet re-dates keeps its id and its one entry,
    # also once the page's oldest post is newer than its first date (the
    # archive keeps that date; the post has no title to be known by).
    un = os.path.join(work, "untitled-redated")
    for k, hour in enumerate((9, 10)):
        p = Post(1, BOB, b"<p>START untitled, re-dated END</p>", title=False, hour=hour)
        older = Post(30, ALICE, b"<p>START older END</p>", hour=8 + k)
        src = os.path.join(work, f"untitled-redated{k}.html")
        open(src, "wb").write(page([p, older]))
        rc, err = run(unplanet, "-o", un, src)
    got = [(x.findtext(A + "id"), x.findtext(A + "published"))
           for x in ET.parse(os.path.join(un, "authors", "bob.atom")).getroot().findall(A + "entry")]
    check("history: an untitled post re-dated past the page's oldest date keeps its id and one entry",
          rc == 0 and got == [(p.link, "2026-04-28T09:01:00Z")], f"{got} {err}")
    # Two posts sharing a permalink whose titles show nothing (&nbsp;) are
    # two posts, run after run, as two untitled ones are.
    bl = os.path.join(work, "blank-titles")
    posts = [Post(n, BOB, b"<p>START blank title %d END</p>" % n, hour=10) for n in (2, 1)]
    for p in posts:
        p.link, p.title_html, p.title = "https://bob.example/", "&nbsp;", "\u00a0"
    open(os.path.join(work, "blank-titles.html"), "wb").write(page(posts))
    got = []
    for k in range(2):
        time.sleep(1.1 if k else 0)   # so that updated could move
        rc, err = run(unplanet, "-v", "-o", bl, os.path.join(work, "blank-titles.html"))
        got.append(sorted((x.findtext(A + "id"), x.findtext(A + "published"), x.findtext(A + "updated"))
                          for x in ET.parse(os.path.join(bl, "authors", "bob.atom")).getroot().findall(A + "entry")))
    check("history: two posts with blank titles sharing a permalink stay two entries, with the same ids next run",
          rc == 0 and len(got[0]) == 2 and got[0] == got[1] and len({e[0] for e in got[0]}) == 2, f"{got} {err}")
    check("history: ...and that run, the page unchanged, takes neither for an edit and writes nothing",
          rc == 0 and " 0 files written" in err, err)

    # Episodes that all link to the podcast's home page are different posts
    # (other title, other date), each with an id of its own that stays put
    # as episodes come, leave the page and get edited.
    from hostile import ALICE, BOB, Post, page
    def episode(n, title=None):
        p = Post(n, BOB, b"<p>START episode END</p>", day=25 + n)
        p.link = "https://bob.example/"
        p.title = title or f"Episode {n}"
        p.title_html = p.title
        return p

    def episodes(d):
        got = {}
        for x in ET.parse(os.path.join(d, "authors", "bob.atom")).getroot().findall(A + "entry"):
            got[x.findtext(A + "title")] = (x.findtext(A + "id"), x.findtext(A + "published"),
                                            x.findtext(A + "updated"))
        return got
    ep = os.path.join(work, "episodes")
    runs = []
    for k, posts in enumerate(([episode(1)], [episode(2), episode(1)], [episode(3), episode(2)],
                               [episode(3, "Episode 3, fixed"), episode(2)])):
        src = os.path.join(work, f"episodes{k}.html")
        open(src, "wb").write(page(posts))
        time.sleep(1.1 if k == 3 else 0)
        rc, err = run(unplanet, "-o", ep, src)
        runs.append(episodes(ep) if rc == 0 else err)
    ids = [{t: v[0] for t, v in r.items()} if isinstance(r, dict) else r for r in runs]
    check("history: posts sharing a permalink with other titles and dates are entries of their own",
          isinstance(runs[1], dict) and sorted(runs[1]) == ["Episode 1", "Episode 2"] and
          len(set(ids[1].values())) == 2 and ids[1]["Episode 1"] == "https://bob.example/" and
          [runs[1][t][1] for t in ("Episode 1", "Episode 2")] == ["2026-04-26T10:01:00Z", "2026-04-27T10:02:00Z"],
          f"{runs}")
    check("history: ...their ids stay put as episodes come and leave the page",
          ids[0] == {"Episode 1": "https://bob.example/"} and isinstance(runs[2], dict) and
          sorted(runs[2]) == ["Episode 1", "Episode 2", "Episode 3"] and len(set(ids[2].values())) == 3 and
          all(ids[2][t] == ids[1][t] for t in ids[1]), f"{ids}")
    check("history: ...and an episode retitled is the same entry, updated, published kept",
          isinstance(runs[3], dict) and sorted(runs[3]) == ["Episode 1", "Episode 2", "Episode 3, fixed"] and
          ids[3]["Episode 3, fixed"] == ids[2]["Episode 3"] and
          runs[3]["Episode 3, fixed"][1] == runs[2]["Episode 3"][1] and
          runs[3]["Episode 3, fixed"][2] > runs[2]["Episode 3"][2], f"{runs}")
    snap = snapshot(ep)
    rc, err = run(unplanet, "-v", "-o", ep, src)
    check("history: ...and running that page again writes nothing",
          rc == 0 and snapshot(ep) == snap and " 0 files written" in err, err)
    # Episodes of one minute (a feed whose items share a link, fetched
    # once): one page shows a post once, so other titles are other posts,
    # whatever the date. The reader keeps them apart (no copy of a title
    # quoted in a post), and their ids stay put as another comes.
    def minute(n, title):
        p = episode(n, title)
        p.date, p.published = "April 28, 2026 10:05 AM UTC", "2026-04-28T10:05:00Z"
        return p
    same = os.path.join(work, "episodes-same-minute")
    runs = []
    for k, posts in enumerate(([minute(2, "Episode B"), minute(1, "Episode A")],
                               [minute(2, "Episode B"), minute(1, "Episode A")],
                               [minute(3, "Episode C"), minute(2, "Episode B"), minute(1, "Episode A")])):
        src = os.path.join(work, f"episodes-same-minute{k}.html")
        open(src, "wb").write(page(posts))
        snap = snapshot(same)
        rc, err = run(unplanet, "-v", "-o", same, src)
        runs.append((episodes(same), err, snapshot(same) == snap) if rc == 0 else ({}, err, False))
    texts = {}
    if runs[2][0]:
        for x in ET.parse(os.path.join(same, "authors", "bob.atom")).getroot().findall(A + "entry"):
            texts[x.findtext(A + "title")] = visible_text(x.findtext(A + "content") or "")
    check("history: posts sharing a permalink and a minute, under other titles, are entries of their own, "
          "each with its own text",
          sorted(runs[0][0]) == ["Episode A", "Episode B"] and len({v[0] for v in runs[0][0].values()}) == 2 and
          sorted(texts) == ["Episode A", "Episode B", "Episode C"] and
          all(texts[t] == f"START{n}X episode END{n}X" for n, t in ((1, "Episode A"), (2, "Episode B"), (3, "Episode C"))),
          f"{runs} {texts}")
    check("history: ...the page again writes nothing, and a third one keeps the first two's ids",
          runs[1][2] and " 0 files written" in runs[1][1] and
          all(runs[2][0].get(t, (None,))[0] == runs[0][0][t][0] for t in runs[0][0]) and
          len({v[0] for v in runs[2][0].values()}) == 3, f"{runs}")
    # Planet 2.0 shows an entry's updated time: an edit moves the date, a
    # retitle moves both. A post alone with its permalink stays one entry
    # (also untitled, and after two edits of one each); a podcast's
    # episode that took a made-up id never hands the permalink id on to a
    # later one when --keep drops the episode that had it.
    def edited(k, steps, title=True):
        d = os.path.join(work, f"edited{k}")
        for n, (t, hour) in enumerate(steps):
            p = Post(1, BOB, b"<p>START edit %d END</p>" % n, title=title, day=26, hour=hour)
            if title:
                p.title = p.title_html = t
            src = os.path.join(work, f"edited{k}-{n}.html")
            open(src, "wb").write(page([p, Post(2, ALICE, b"<p>START other END</p>", day=20)]))
            rc, err = run(unplanet, "-o", d, src)
        return [x.findtext(A + "id") for x in
                ET.parse(os.path.join(d, "authors", "bob.atom")).getroot().findall(A + "entry")] if rc == 0 else err
    for k, (steps, title) in enumerate((([("Post", 10), ("Post, fixed", 11)], True),
                                        ([("", 10), ("", 11)], False),
                                        ([("Post", 10), ("Post", 11), ("Post, fixed", 11)], True))):
        got = edited(k, steps, title)
        check(f"history: a post edited {len(steps) - 1} times (title {title}) stays one entry, with its permalink",
              got == ["https://bob.example/post/1?a=1&b=2"], f"{got}")
    # A post the Planet re-dated with an edit is known by the date the page
    # gave it, not its first one: retitled once the page's oldest post is
    # newer than its first date, it is the same entry.
    rr = os.path.join(work, "redated-retitled")
    for k, (t, hour, words) in enumerate((("Post", 9, b"one"), ("Post", 11, b"one, edited"),
                                          ("Post, fixed", 11, b"one, edited"))):
        p = Post(1, BOB, b"<p>START %s END</p>" % words, day=26, hour=hour)
        p.title = p.title_html = t
        src = os.path.join(work, f"redated-retitled{k}.html")
        open(src, "wb").write(page([p, Post(30 + k, ALICE, b"<p>START older END</p>", day=26, hour=8 + k)]))
        rc, err = run(unplanet, "-o", rr, src)
    got = [(x.findtext(A + "id"), x.findtext(A + "title"), x.findtext(A + "published"))
           for x in ET.parse(os.path.join(rr, "authors", "bob.atom")).getroot().findall(A + "entry")]
    check("history: a post re-dated by an edit, then retitled past the page's oldest date, stays one entry with its id",
          rc == 0 and got == [(p.link, "Post, fixed", "2026-04-26T09:01:00Z")], f"{got} {err}")
    # A post retitled and re-dated (a Planet 2.0 retitle) in the run its
    # source is renamed, the two names merged by [source] rules, is the
    # same entry: the archived copy has the old name, but the same site.
    rn = os.path.join(work, "renamed-retitled")
    ini = os.path.join(work, "renamed-retitled.ini")
    open(ini, "w").write("[source Bob]\nslug = bob\n\n[source Bobby]\nslug = bob\n")
    for k, (src, t, hour, words) in enumerate(((BOB, "Post", 10, b"one"),
                                               (("Bobby", BOB[1], BOB[2]), "Post, fixed", 11, b"one, edited"))):
        p = Post(1, src, b"<p>START %s END</p>" % words, day=26, hour=hour)
        p.title = p.title_html = t
        src = os.path.join(work, f"renamed-retitled{k}.html")
        open(src, "wb").write(page([p, Post(30, ALICE, b"<p>START older END</p>", day=20)]))
        rc, err = run(unplanet, "-q", "-c", ini, "-o", rn, src)
    got = [(x.findtext(A + "id"), x.findtext(A + "title"), x.findtext(A + "published"))
           for x in ET.parse(os.path.join(rn, "authors", "bob.atom")).getroot().findall(A + "entry")]
    check("history: a post retitled and re-dated as its source is renamed (merged by rules) stays one entry with its id",
          rc == 0 and got == [(p.link, "Post, fixed", "2026-04-26T10:01:00Z")], f"{got} {err}")
    kp, kept = os.path.join(work, "episodes-keep"), []
    for k, posts in enumerate(([episode(2), episode(1)], [episode(3), episode(2)], [episode(4), episode(3)])):
        src = os.path.join(work, f"episodes-keep{k}.html")
        open(src, "wb").write(page(posts))
        rc, err = run(unplanet, "--keep", "2", "-o", kp, src)
        kept.append(episodes(kp) if rc == 0 else err)
    pairs = {(t, v[0]) for r in kept if isinstance(r, dict) for t, v in r.items()}
    check("history: ...an id --keep dropped with its episode is not given to a later one",
          all(isinstance(r, dict) for r in kept) and len(pairs) == len({i for _, i in pairs}) == 4, f"{kept}")

    # An episode that drops off the page in the same minute as the page's
    # oldest other post dropped off; it was not edited into the next one,
    # which is a new entry with an id and date of its own.
    tie, got = os.path.join(work, "episodes-tie"), []
    for k, posts in enumerate(([episode(2), episode(1), Post(61, ALICE, b"<p>START other END</p>", day=26)],
                               [episode(3), episode(2), Post(61, ALICE, b"<p>START other END</p>", day=26)])):
        src = os.path.join(work, f"episodes-tie{k}.html")
        open(src, "wb").write(page(posts))
        rc, err = run(unplanet, "-o", tie, src)
        got.append(episodes(tie) if rc == 0 else err)
    check("history: an episode gone from the page in its oldest minute does not hand its id to the next one",
          all(isinstance(g, dict) for g in got) and sorted(got[1]) == ["Episode 1", "Episode 2", "Episode 3"] and
          len({v[0] for v in got[1].values()}) == 3 and got[1]["Episode 1"] == got[0]["Episode 1"] and
          got[1]["Episode 3"][1] == "2026-04-28T10:03:00Z", f"{got}")
    # An episode the Planet re-dates leaves its minute to a new episode:
    # the new one, known to the archive by date alone, takes nothing from
    # the old one, known by its title; both are shown, each with its id.
    def episode_at(n, minute):
        p = Post(minute, BOB, b"<p>START episode %d END</p>" % n, hour=10)
        p.link, p.title, p.title_html = "https://bob.example/", f"Episode {n}", f"Episode {n}"
        return p
    swap, got = os.path.join(work, "episodes-minute"), []
    for k, posts in enumerate(([episode_at(1, 5)], [episode_at(1, 10), episode_at(2, 5)])):
        src = os.path.join(work, f"episodes-minute{k}.html")
        open(src, "wb").write(page(posts + [Post(30, ALICE, b"<p>START older END</p>", hour=8)]))
        rc, err = run(unplanet, "-o", swap, src)
        got.append(episodes(swap) if rc == 0 else err)
    check("history: a new episode on the minute a re-dated one left is a post of its own; the old keeps its id",
          all(isinstance(g, dict) for g in got) and sorted(got[1]) == ["Episode 1", "Episode 2"] and
          got[1]["Episode 1"][0] == got[0]["Episode 1"][0] and got[1]["Episode 2"][0] != got[1]["Episode 1"][0],
          f"{got}")
    # An episode re-dated off the page (its date now older than the page's
    # oldest) as a new one came hands the new one nothing: title, date and
    # content all differ, and the permalink is not its own. An episode
    # retitled and re-dated that kept its content is the same entry.
    def ep(n, title, hour, minute):
        p = Post(n, BOB, b"<p>START episode END</p>", hour=hour)
        p.link, p.title, p.title_html = "https://bob.example/", title, title
        p.date = f"April 28, 2026 {hour:02d}:{minute:02d} AM UTC"
        return p
    older = [Post(5, ALICE, b"<p>START older END</p>", hour=10), Post(6, ALICE, b"<p>START old END</p>", hour=10)]
    first = [ep(2, "Episode 2", 10, 20), ep(1, "Episode 1", 10, 10), older[0]]
    got = {}
    for name, second in (("episodes-redated", [ep(3, "Episode 3", 11, 30), ep(2, "Episode 2", 10, 20), older[1]]),
                         ("episodes-retitled", [ep(1, "Episode 1, fixed", 11, 40), ep(2, "Episode 2", 10, 20),
                                                older[0]])):
        runs = []
        for k, posts in enumerate((first, second)):
            src = os.path.join(work, f"{name}{k}.html")
            open(src, "wb").write(page(posts))
            rc, err = run(unplanet, "-o", os.path.join(work, name), src)
            runs.append({t: v[0] for t, v in episodes(os.path.join(work, name)).items()} if rc == 0 else err)
        got[name] = runs
    r = got["episodes-redated"]
    check("history: an episode re-dated off the page as a new one comes keeps its id; the new one gets its own",
          all(isinstance(x, dict) for x in r) and sorted(r[1]) == ["Episode 1", "Episode 2", "Episode 3"] and
          len(set(r[1].values())) == 3 and all(r[1][t] == r[0][t] for t in r[0]), f"{r}")
    r = got["episodes-retitled"]
    check("history: ...and one retitled and re-dated with its content kept is the same entry",
          all(isinstance(x, dict) for x in r) and sorted(r[1]) == ["Episode 1, fixed", "Episode 2"] and
          r[1]["Episode 1, fixed"] == r[0]["Episode 1"] and r[1]["Episode 2"] == r[0]["Episode 2"], f"{r}")
    # --keep drops an entry from the feed, not its history while the page
    # still shows it: a post the Planet re-dates after an edit (Planet 2.0
    # shows the updated time) keeps its first published time and stays out
    # of its feed; a topic showing it keeps its dates; running the page
    # again writes nothing. An entry --keep drops once off the page leaves
    # the topic in the same run, not one run later.
    def bob(n, hour, words):
        return Post(n, BOB, b"<p>START %s END</p>" % words, day=26, hour=hour)
    alice = Post(9, ALICE, b"<p>START other END</p>", day=20)
    kd, got = os.path.join(work, "keep-page"), []
    for k, posts in enumerate(([bob(1, 9, b"zebra"), alice],
                               [bob(1, 11, b"zebra, edited"), bob(3, 10, b"three"), bob(2, 10, b"two"), alice],
                               None)):
        src = os.path.join(work, f"keep-page{k}.html")
        if posts is not None:
            open(src, "wb").write(page(posts))
        else:
            src = os.path.join(work, "keep-page1.html")
        time.sleep(1.1 if k >= 1 else 0)   # so that updated can move
        rc, err = run(unplanet, "-v", "--keep", "2", "-t", "Zebra=zebra", "-o", kd, src)
        got.append((rc, err, snapshot(kd),
                    [x.findtext(A + "id") for x in ET.parse(os.path.join(kd, "authors", "bob.atom")).getroot().findall(A + "entry")],
                    [(x.findtext(A + "id"), x.findtext(A + "published"), x.findtext(A + "updated"))
                     for x in ET.parse(os.path.join(kd, "topics", "zebra.atom")).getroot().findall(A + "entry")]))
    p1, p2, p3 = (f"https://bob.example/post/{n}?a=1&b=2" for n in (1, 2, 3))
    check("history: --keep 2 and a post re-dated by its edit: the feed keeps the two newest by first publication",
          all(g[0] == 0 for g in got) and got[1][3] == got[2][3] == [p3, p2], f"{[g[3] for g in got]} {got[-1][1]}")
    check("history: ...the topic keeps its first published time and shows the edit",
          len(got[2][4]) == 1 and got[2][4][0][0] == p1 and got[2][4][0][1] == "2026-04-26T09:01:00Z" and
          got[2][4][0][2] > got[2][4][0][1], f"{[g[4] for g in got]}")
    check("history: ...and running the page again writes nothing",
          got[2][2] == got[1][2] and " 0 files written" in got[2][1], got[2][1])
    kd, got = os.path.join(work, "keep-topic"), []
    for k, posts in enumerate(([bob(2, 10, b"two"), bob(1, 9, b"zebra"), alice],
                               [bob(3, 11, b"three"), bob(2, 10, b"two"), alice], None)):
        src = os.path.join(work, f"keep-topic{min(k, 1)}.html")
        if posts is not None:
            open(src, "wb").write(page(posts))
        rc, err = run(unplanet, "-v", "--keep", "2", "-t", "Zebra=zebra", "-o", kd, src)
        got.append((rc, err, snapshot(kd), len(ET.parse(os.path.join(kd, "topics", "zebra.atom")).getroot().findall(A + "entry"))))
    check("history: an entry --keep drops from its author feed once off the page stays in its topic (a topic keeps "
          "its own newest --keep); the rerun writes nothing",
          all(g[0] == 0 for g in got) and [g[3] for g in got] == [1, 1, 1] and got[2][2] == got[1][2] and
          " 0 files written" in got[2][1], f"{[g[3] for g in got]} {got[2][1]}")
    # A topic keeps its own newest --keep, whatever its sources keep: a
    # source that posts often pushes its older matching posts out of its
    # own feed, not out of the topic, and an older post of another source
    # the topic had dropped does not come back then.
    zd, got = os.path.join(work, "keep-own-topic"), []
    def zebra(ns):
        return sorted((Post(n, BOB if n == 0 else ALICE, b"<p>START zebra END</p>" if n <= 2 else
                            b"<p>START horse END</p>", day=26, hour=6 + n) for n in ns),
                      key=lambda p: p.published, reverse=True)
    for k, ns in enumerate(([0, 1, 2], [0, 1, 2, 3, 4], [3, 4], [3, 4])):
        src = os.path.join(work, f"keep-own-topic{k}.html")
        open(src, "wb").write(page(zebra(ns)))
        rc, err = run(unplanet, "-v", "--keep", "2", "-t", "Zebra=zebra", "-o", zd, src)
        got.append((rc, err, snapshot(zd), [x.findtext(A + "id").split("/")[-1] for x in
                                            ET.parse(os.path.join(zd, "topics", "zebra.atom")).getroot().findall(A + "entry")]))
    check("history: a topic keeps its newest --keep after their source's newer posts push them out of its feed; "
          "one it dropped does not come back",
          all(g[0] == 0 for g in got) and all(g[3] == ["2?a=1&b=2", "1?a=1&b=2"] for g in got), f"{[g[3] for g in got]}")
    check("history: ...and the page again writes nothing", got[3][2] == got[2][2] and " 0 files written" in got[3][1],
          got[3][1])
    # Off the page, the archive keeps the newest --keep of the entries the
    # feed no longer shows, no more: here the one shown and one of those.
    ad = os.path.join(work, "keep-archive")
    first_page = os.path.join(work, "keep-archive0.html")
    open(first_page, "wb").write(page([bob(n, 5 + n, b"post %d" % n) for n in range(5, 0, -1)] + [alice]))
    later_page = os.path.join(work, "keep-archive1.html")
    open(later_page, "wb").write(page([bob(6, 11, b"post 6"), alice]))
    ran = [run(unplanet, "--keep", "1", "-o", ad, src) for src in (first_page, later_page)]
    archived = sorted(x.findtext("link") for x in
                      ET.parse(os.path.join(ad, ".unplanet", "archive", "bob.xml")).getroot().findall("entry"))
    check("history: --keep 1, five posts gone from the page: the archive keeps the one shown and the newest gone",
          all(r[0] == 0 for r in ran) and archived == [f"https://bob.example/post/{n}?a=1&b=2" for n in (5, 6)],
          f"{archived} {ran}")
    # Past --keep, the archive keeps a post still on the page slim: its
    # dates and a digest of its content, not the content the page has;
    # whole, though, while a topic shows it. An edit to it is still seen; a
    # rerun writes nothing; and once it left the page, a raised --keep
    # brings back no entry without content.
    sd, got = os.path.join(work, "keep-slim"), []
    bodies = ([b"four", b"three", b"zebra two", b"zebra one", b"zero"],
              [b"four", b"three", b"zebra two, edited", b"zebra one", b"zero"])
    pages = [[bob(4, 11, w[0]), bob(3, 10, w[1]), bob(2, 9, w[2]), bob(1, 8, w[3]), bob(0, 7, w[4]), alice]
             for w in bodies]
    pages.append([bob(5, 11, b"five")] + pages[1][:3] + [alice])
    for k, (posts, keep) in enumerate(((pages[0], "2"), (pages[1], "2"), (pages[1], "2"), (pages[2], "10"))):
        src = os.path.join(work, f"keep-slim{k}.html")
        open(src, "wb").write(page(posts))
        time.sleep(1.1 if k == 1 else 0)   # so that updated can move
        rc, err = run(unplanet, "-v", "--keep", keep, "-t", "Zebra=zebra", "-o", sd, src)
        archived = ET.parse(os.path.join(sd, ".unplanet", "archive", "bob.xml")).getroot().findall("entry")
        got.append((rc, err, snapshot(sd),
                     [(x.findtext("link").split("/")[-1], x.find("content") is not None, x.find("summary") is not None,
                       re.fullmatch(r"[0-9a-f]{16}", x.findtext("digest") or "") is not None) for x in archived],
                     {x.findtext(A + "id").split("/")[-1]: (x.findtext(A + "published"), x.findtext(A + "updated"))
                      for x in ET.parse(os.path.join(sd, "topics", "zebra.atom")).getroot().findall(A + "entry")},
                     [(x.findtext(A + "id").split("/")[-1], len(x.findtext(A + "content") or ""))
                      for x in ET.parse(os.path.join(sd, "authors", "bob.atom")).getroot().findall(A + "entry")]))
    whole, slim = (True, True, False), (False, False, True)
    check("history: past --keep, an entry still on the page is archived with a digest instead of its content, "
          "but whole while a topic shows it",
          all(g[0] == 0 for g in got) and
          got[0][3] == [("4?a=1&b=2",) + whole, ("3?a=1&b=2",) + whole, ("2?a=1&b=2",) + whole, ("1?a=1&b=2",) + whole,
                        ("0?a=1&b=2",) + slim],
          f"{got[0][3]} {got[-1][1]}")
    check("history: ...an edit to it moves its updated time, and only its own",
          sorted(got[1][4]) == ["1?a=1&b=2", "2?a=1&b=2"] and got[1][4]["2?a=1&b=2"][1] > got[1][4]["2?a=1&b=2"][0] and
          got[1][4]["1?a=1&b=2"] == got[0][4]["1?a=1&b=2"] and got[0][4]["2?a=1&b=2"][0] == got[1][4]["2?a=1&b=2"][0],
          f"{got[0][4]} {got[1][4]}")
    check("history: ...running the page again writes nothing",
          got[2][2] == got[1][2] and " 0 files written" in got[2][1], got[2][1])
    check("history: ...and once it left the page, a raised --keep shows no entry without content (one a topic "
          "kept whole, it does)",
          [x[0] for x in got[3][5]] == ["5?a=1&b=2", "4?a=1&b=2", "3?a=1&b=2", "2?a=1&b=2", "1?a=1&b=2"] and
          all(x[1] > 20 for x in got[3][5]), f"{got[3][5]}")
    # A post the Planet re-dated with an edit, cut by --keep once off the
    # page, comes back to the page (a source removed from the Planet lets
    # older posts back in): it keeps its first published time, so it stays
    # past --keep, and its feed does not change.
    rd, got = os.path.join(work, "keep-return"), []
    steps = ([bob(1, 8, b"one"), alice],
             [bob(1, 10, b"one, edited"), alice],
             [bob(4, 11, b"four"), bob(3, 9, b"three"), alice],
             [bob(4, 11, b"four"), bob(1, 10, b"one, edited"), bob(3, 9, b"three"), alice],
             None)
    for k, posts in enumerate(steps):
        src = os.path.join(work, f"keep-return{min(k, 3)}.html")
        if posts is not None:
            open(src, "wb").write(page(posts))
        time.sleep(1.1 if k == 1 else 0)   # so that updated can move
        rc, err = run(unplanet, "-v", "--keep", "2", "-o", rd, src)
        arch = {x.findtext("link"): x.findtext("published")
                for x in ET.parse(os.path.join(rd, ".unplanet", "archive", "bob.xml")).getroot().findall("entry")}
        got.append((rc, err, snapshot(rd), open(os.path.join(rd, "authors", "bob.atom"), "rb").read(), arch))
    p1, p3, p4 = (f"https://bob.example/post/{n}?a=1&b=2" for n in (1, 3, 4))
    check("history: a re-dated post cut by --keep that comes back to the page keeps its first published time",
          all(g[0] == 0 for g in got) and got[3][4].get(p1) == "2026-04-26T08:01:00Z", f"{got[3][4]} {got[3][1]}")
    check("history: ...stays past --keep, its feed unchanged",
          all(g[0] == 0 for g in got) and got[3][3] == got[2][3] and
          [x.findtext(A + "id") for x in ET.fromstring(got[3][3]).findall(A + "entry")] == [p4, p3],
          f"{[x.findtext(A + 'id') for x in ET.fromstring(got[3][3]).findall(A + 'entry')]}")
    check("history: ...and running the page again writes nothing",
          got[4][2] == got[3][2] and " 0 files written" in got[4][1], got[4][1])
    # A source renamed on the Planet with no [source] rule gets a feed of
    # its own; a post of it the Planet had re-dated keeps the dates its old
    # feed gave it (the same id, so topics and readers see one post).
    rd, got = os.path.join(work, "rename-redated"), []
    renamed_bob = ("Bob Smith", "https://bob.example/", "Bob Smith")
    steps = ((BOB, 9, b"one"), (BOB, 11, b"one, edited"), (renamed_bob, 11, b"one, edited"), (renamed_bob, 11, b"one, edited"))
    for k, (source, hour, words) in enumerate(steps):
        p = Post(1, source, b"<p>START %s END</p>" % words, day=26, hour=hour)
        p.link = "https://bob.example/post/1"
        src = os.path.join(work, f"rename-redated{k}.html")
        open(src, "wb").write(page([p, alice]))
        time.sleep(1.1 if k in (1, 2) else 0)   # so that updated can move
        rc, err = run(unplanet, "-v", "-o", rd, src)
        if k == 1:
            shutil.rmtree(rd + "-1", ignore_errors=True)
            shutil.copytree(rd, rd + "-1")
        got.append((rc, err, snapshot(rd), {os.path.basename(f)[:-5]: [
            (x.findtext(A + "published"), x.findtext(A + "updated"))
            for x in ET.parse(f).getroot().findall(A + "entry") if x.findtext(A + "id") == p.link]
            for f in glob.glob(os.path.join(rd, "authors", "bob*.atom"))}))
    check("history: a renamed source's re-dated post keeps the dates its old feed gave it",
          all(g[0] == 0 for g in got) and sorted(got[2][3]) == ["bob", "bob-smith"] and
          got[2][3]["bob-smith"] == got[1][3]["bob"] and got[1][3]["bob"][0][0] == "2026-04-26T09:01:00Z",
          f"{[g[3] for g in got]} {got[2][1]}")
    check("history: ...and running the page again writes nothing",
          got[3][2] == got[2][2] and " 0 files written" in got[3][1], got[3][1])
    # ...and one edited in the run its source is renamed: the new feed
    # shows the edit (updated moves), published as the old feed has it.
    old_feed = got[1][3]["bob"][0]
    p = Post(1, renamed_bob, b"<p>START one, edited twice END</p>", day=26, hour=11)
    p.link = "https://bob.example/post/1"
    src = os.path.join(work, "rename-redated-edit.html")
    open(src, "wb").write(page([p, alice]))
    rd = os.path.join(work, "rename-redated-edit")
    shutil.rmtree(rd, ignore_errors=True)
    shutil.copytree(os.path.join(work, "rename-redated-1"), rd)
    before = time.time()
    rc, err = run(unplanet, "-o", rd, src)
    new_feed = [(x.findtext(A + "published"), x.findtext(A + "updated"))
                for x in ET.parse(os.path.join(rd, "authors", "bob-smith.atom")).getroot().findall(A + "entry")
                if x.findtext(A + "id") == p.link] if rc == 0 else err
    check("history: ...edited as its source is renamed: the new feed shows the edit, first published time kept",
          rc == 0 and len(new_feed) == 1 and new_feed[0][0] == old_feed[0] and epoch(new_feed[0][1]) >= int(before),
          f"{new_feed} vs {old_feed}")
    # A topic shows a post's newest record. A source renamed with no rule:
    # its old feed keeps the post as it was, the new feed shows its edit,
    # and so does the topic. Once --keep cuts the post from the new feed,
    # the old feed's stale copy (older updated, older content) must not
    # take its place in the topic, neither then nor once newer posts, cut
    # in turn, would push the cut post's record out of the archive.
    td, got = os.path.join(work, "rename-topic"), []
    shutil.rmtree(td, ignore_errors=True)
    newer = [Post(n, renamed_bob, b"<p>START later %d END</p>" % n, day=27, hour=n) for n in (5, 4, 3, 2)]
    for k, (source, words, later) in enumerate(((BOB, b"zebra one", []), (renamed_bob, b"zebra one, edited", []),
                                                (renamed_bob, None, newer[2:]), (renamed_bob, None, newer[:2]),
                                                (renamed_bob, None, newer[:2]))):
        p = Post(1, source, b"<p>START %s END</p>" % (words or b""), day=26, hour=9)
        p.link = "https://bob.example/post/1"
        src = os.path.join(work, f"rename-topic{k}.html")
        open(src, "wb").write(page(later + ([p] if words else []) + [alice]))
        time.sleep(1.1 if k == 1 else 0)   # so that updated can move
        rc, err = run(unplanet, "-v", "--keep", "2", "-t", "Zebra=zebra", "-o", td, src)
        topic = ET.parse(os.path.join(td, "topics", "zebra.atom")).getroot() if rc == 0 else None
        got.append((rc, err, snapshot(td), [x.findtext(A + "updated") for x in topic.findall(A + "entry")
                                            if x.findtext(A + "id") == p.link] if topic is not None else None))
    check("history: a topic shows the edit a renamed source's feed shows",
          all(g[0] == 0 for g in got) and got[0][3] != got[1][3] and len(got[1][3]) == 1 and got[1][3] > got[0][3],
          f"{[g[3] for g in got]} {got[-1][1]}")
    check("history: ...and, once --keep cuts it there, not the old feed's stale copy (its updated went back)",
          all(g[3] in ([], got[1][3]) for g in got[2:]), f"{[g[3] for g in got]}")
    check("history: ...and the rerun writes nothing", got[4][2] == got[3][2] and " 0 files written" in got[4][1],
          got[4][1])
    # Two sources merged by [source] rules: the merged-away feed's archive
    # stays on disk, unwritten, and sorts first; its stale copy of an entry
    # must not win over the merged feed's (an edit seen on every run).
    md = os.path.join(work, "merge-edit")
    ini = os.path.join(work, "merge-edit.ini")
    open(ini, "w", encoding="utf-8").write("[source Alice Bold & Co]\nslug = bob\n\n[source Bob]\nslug = bob\n")
    runs = []
    for k, (words, conf) in enumerate(((b"first", []), (b"first", ["-c", ini]), (b"edited", ["-c", ini]),
                                        (b"edited", ["-c", ini]))):
        src = os.path.join(work, f"merge-edit{k}.html")
        open(src, "wb").write(page([bob(2, 10, b"two"), Post(5, ALICE, b"<p>START %s END</p>" % words, day=25)]))
        time.sleep(1.1 if k >= 2 else 0)   # an edit seen again would move updated
        rc, err = run(unplanet, "-v", *conf, "-o", md, src)
        runs.append((rc, err, snapshot(md)))
    check("history: merged by [source] rules, then a post is edited: one edit, and the rerun writes nothing",
          all(r[0] == 0 for r in runs) and runs[3][2] == runs[2][2] and " 0 files written" in runs[3][1],
          f"{[r[0] for r in runs]} {runs[3][1]}")
    # A source renamed in the run its post was edited: the new name's feed
    # starts with the edit, the old name's keeps the post as it was. When
    # [source] rules then merge the two into the old feed, that feed shows
    # the edit as one: its updated time moves (and only once), whichever
    # archive is read first, with the post on the page or off it.
    rd = os.path.join(work, "rename-edit")
    ini = os.path.join(work, "rename-edit.ini")
    open(ini, "w", encoding="utf-8").write("[source Bob]\nslug = bob\n\n[source Ann Bob]\nslug = bob\n")
    bobby = ("Ann Bob", "https://bob.example/", "Ann Bob")   # its slug sorts first
    for where in ("on the page", "off the page"):
        got = []
        shutil.rmtree(rd, ignore_errors=True)
        for k, (source, words, conf) in enumerate(((BOB, b"first", []), (bobby, b"edited", []),
                                                   (bobby, b"edited", ["-c", ini]), (bobby, b"edited", ["-c", ini]))):
            src = os.path.join(work, f"rename-edit{k}.html")
            p = Post(4, source, b"<p>START %s END</p>" % words, day=25)
            p.link = "https://bob.example/post/4"
            open(src, "wb").write(page([p, alice] if k < 2 or where == "on the page" else [alice]))
            time.sleep(1.1 if k >= 2 else 0)   # so that updated can move
            rc, err = run(unplanet, "-v", *conf, "-o", rd, src)
            e = ET.parse(os.path.join(rd, "authors", "bob.atom")).getroot().find(A + "entry")
            got.append((rc, err, snapshot(rd), e.findtext(A + "published"), e.findtext(A + "updated"),
                        "edited" in (e.findtext(A + "content") or "")))
        check(f"history: a post edited as its source is renamed, merged back by [source] rules {where}, "
              "shows the edit as one", all(g[0] == 0 for g in got) and not got[1][5] and got[2][5] and
              got[2][4] > got[2][3] and got[1][4] == got[1][3], f"{[g[3:] for g in got]} {got[2][1]}")
        check(f"history: ...and the rerun writes nothing ({where})",
              got[3][2] == got[2][2] and " 0 files written" in got[3][1], got[3][1])

    # A source renamed twice, its post edited at the first rename only: at
    # the second, the post's dates come from its newest archived copy (the
    # edited one), so nothing moves.
    rd, got = os.path.join(work, "renamed-twice"), []
    other = Post(30, ALICE, b"<p>START older END</p>", day=20)
    for k, (name, words) in enumerate((("Bob", b"v1"), ("Bobby", b"v2"), ("Robert", b"v2"))):
        p = Post(7, (name, BOB[1], name), b"<p>START %s END</p>" % words, day=26)
        p.link = "https://bob.example/post/7"
        src = os.path.join(work, f"renamed-twice{k}.html")
        open(src, "wb").write(page([p, other]))
        time.sleep(1.1 if k else 0)   # so that an updated time could move
        rc, err = run(unplanet, "-o", rd, src)
        e = ET.parse(os.path.join(rd, "authors", name.lower() + ".atom")).getroot().find(A + "entry") if rc == 0 else None
        got.append((rc, err) if e is None else (e.findtext(A + "published"), e.findtext(A + "updated")))
    check("history: a source renamed twice, its post edited at the first rename: the second moves no date",
          len(got) == 3 and all(len(g) == 2 and g[0][:2] == "20" for g in got) and got[1][1] > got[1][0] and
          got[2] == got[1], f"{got}")
    # Two posts of one minute: the one edited last comes first (and is the
    # one --keep keeps), whatever their ids.
    rd, got = os.path.join(work, "same-minute"), []
    for k, words in enumerate((b"y", b"y, edited")):
        x = Post(1, BOB, b"<p>START x END</p>", day=26, hour=10)
        y = Post(2, BOB, b"<p>START %s END</p>" % words, day=26, hour=10)
        y.date, y.published = x.date, x.published
        src = os.path.join(work, f"same-minute{k}.html")
        open(src, "wb").write(page([x, y, other]))
        time.sleep(1.1 if k else 0)
        rc, err = run(unplanet, "-o", rd, src)
        got.append([e.findtext(A + "id") for e in ET.parse(os.path.join(rd, "authors", "bob.atom")).getroot()
                    .findall(A + "entry")] if rc == 0 else err)
    check("history: of two posts published in one minute, the one edited last comes first",
          got == [[x.link, y.link], [y.link, x.link]], f"{got}")

    # A post edited in a feed that [source] rules merged, then cut by
    # --keep (off the page at once, or after a run past --keep on it): the
    # merged-away source's archive, no longer written, still has the post
    # as it was; a raised --keep must not bring that copy back (its older
    # updated time and content would undo the edit).
    gd = os.path.join(work, "merged-keep")
    ini = os.path.join(work, "merged-keep.ini")
    open(ini, "w", encoding="utf-8").write("[source Alice Bold & Co]\nslug = bob\n\n[source Bob]\nslug = bob\n")
    cut = "https://alice-bold-&-co.example/post/5?a=1&b=2"
    later = [bob(4, 11, b"four"), bob(3, 10, b"three"), bob(2, 9, b"two")]
    for where in ("at once", "after a run past --keep on the page"):
        shutil.rmtree(gd, ignore_errors=True)
        steps = [([bob(2, 9, b"two"), Post(5, ALICE, b"<p>START first END</p>", day=25)], [], "10"),
                 ([bob(2, 9, b"two"), Post(5, ALICE, b"<p>START first END</p>", day=25)], ["-c", ini], "10"),
                 ([bob(2, 9, b"two"), Post(5, ALICE, b"<p>START edited END</p>", day=25)], ["-c", ini], "10")]
        if where != "at once":
            steps.append((later + [Post(5, ALICE, b"<p>START edited END</p>", day=25)], ["-c", ini], "2"))
        steps += [(later, ["-c", ini], "2"), (later, ["-c", ini], "10"), (later, ["-c", ini], "10")]
        got = []
        for k, (posts, conf, keep) in enumerate(steps):
            src = os.path.join(work, f"merged-keep{k}.html")
            open(src, "wb").write(page(posts))
            time.sleep(1.1 if k == 2 else 0)   # so that updated can move
            rc, err = run(unplanet, "-v", "--keep", keep, *conf, "-o", gd, src)
            got.append((rc, err, snapshot(gd), [
                (x.findtext(A + "updated"), "edited" in (x.findtext(A + "content") or "")) for x in
                ET.parse(os.path.join(gd, "authors", "bob.atom")).getroot().findall(A + "entry")
                if x.findtext(A + "id") == cut]))
        edit = got[2][3]
        check(f"history: a post edited in a merged feed, cut by --keep ({where}): a raised --keep brings "
              "back no older copy of it from the merged-away source's archive",
              all(g[0] == 0 for g in got) and len(edit) == 1 and edit[0][1] and
              all(g[3] in ([], edit) for g in got[3:]), f"{[g[3] for g in got]} {got[-1][1]}")
        check(f"history: ...and the rerun writes nothing ({where})",
              got[-1][2] == got[-2][2] and " 0 files written" in got[-1][1], got[-1][1])

    # Slugs stay put: a second source named like an existing one arrives,
    # and sorts first, but the existing one keeps its slug.
    s = os.path.join(work, "slugs")
    run(unplanet, "-o", s, a)
    intruder = page_a.replace('<a href="https://realpython.com/" title="Real Python">Real Python</a>',
                              '<a href="https://aaa.example/" title="Real Python">Real Python</a>', 1)
    p = os.path.join(work, "intruder.html")
    open(p, "w", encoding="utf-8").write(intruder)
    rc, err = run(unplanet, "-o", s, p)
    rp = ET.parse(os.path.join(s, "authors", "real-python.atom")).getroot()
    alt = [l.get("href") for l in rp.findall(A + "link") if l.get("rel") == "alternate"]
    check("history: a known source keeps its slug when a namesake appears",
          rc == 0 and alt == ["https://realpython.com/"] and os.path.exists(os.path.join(s, "authors", "real-python-aaa-example.atom")),
          f"{alt} {sorted(os.listdir(os.path.join(s, 'authors')))[:40]}")

    # An unchanged run from a file transforms nothing: a stylesheet that
    # prints the time (EXSLT's date:date-time()) keeps its old output. A
    # changed setting (--keep) makes every file again.
    st = os.path.join(work, "stamp")
    xsl = os.path.join(work, "stamp.xsl")
    with open(xsl, "w") as f:
        f.write('<?xml version="1.0"?>\n<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform" '
                'xmlns:date="http://exslt.org/dates-and-times" extension-element-prefixes="date">'
                '<xsl:output method="text"/><xsl:template match="/"><xsl:value-of select="date:date-time()"/>'
                '</xsl:template></xsl:stylesheet>\n')
    stamp = os.path.join(st, "authors", "pypy.stamp")
    stamps = []
    for args in ((), (), ("--keep", "49")):
        rc, err = run(unplanet, "-o", st, "-s", xsl, *args, a)
        stamps.append(open(stamp).read() if rc == 0 else err)
        time.sleep(1.1)
    check("history: an unchanged run from a file transforms nothing (a time-stamping stylesheet keeps its output)",
          stamps[0] == stamps[1] and stamps[0].startswith("20"), f"{stamps}")
    check("history: a changed setting makes the files again (so a feed --only left out gets them)", stamps[2] != stamps[1] and stamps[2].startswith("20"),
          f"{stamps}")

    # A source whose site moves from http to https is the same source: its
    # feed keeps its file and its history.
    m = os.path.join(work, "moved")
    moved = os.path.join(work, "moved.html")
    old_link = '<a href="https://realpython.com/" title="Real Python">Real Python</a>'
    assert old_link in page_b
    open(moved, "w", encoding="utf-8").write(page_b.replace(old_link, old_link.replace("https:", "http:")))
    codes = [run(unplanet, "-o", m, a)[0], run(unplanet, "-o", m, moved)[0]]
    files = sorted(f for f in os.listdir(os.path.join(m, "authors")) if f.startswith("real-python"))
    rp = ET.parse(os.path.join(m, "authors", "real-python.atom")).getroot()
    alt = [l.get("href") for l in rp.findall(A + "link") if l.get("rel") == "alternate"]
    n_a = len([t for t in truth if t["source_name"] == "Real Python"])
    check("history: a site that moves between http and https keeps its feed, its file and its history",
          codes == [0, 0] and files == ["real-python.atom", "real-python.json", "real-python.rss"] and
          alt == ["http://realpython.com/"] and len(rp.findall(A + "entry")) == n_a, f"{codes} {files} {alt}")
    # ...and so is one whose site link the Planet starts to write another
    # way (host case, default port, no "/", a fragment, a folder's last
    # "/"): no second feed.
    for k, (first, way) in enumerate((("https://realpython.com/", "https://RealPython.com"),
                                      ("https://realpython.com/", "https://realpython.com:443/#top"),
                                      ("https://realpython.com/blog", "https://realpython.com/blog/"))):
        m = os.path.join(work, f"rewritten-{k}")
        before, rewritten = os.path.join(work, "before.html"), os.path.join(work, "rewritten.html")
        open(before, "w", encoding="utf-8").write(page_a.replace(old_link, old_link.replace("https://realpython.com/", first)))
        open(rewritten, "w", encoding="utf-8").write(page_b.replace(old_link, old_link.replace("https://realpython.com/", way)))
        codes = [run(unplanet, "-o", m, before)[0], run(unplanet, "-o", m, rewritten)[0]]
        files = sorted(f for f in os.listdir(os.path.join(m, "authors")) if "real" in f)
        rp = ET.parse(os.path.join(m, "authors", "real-python.atom")).getroot()
        check(f"history: a site link written another way ({first} then {way}) keeps its feed and its history",
              codes == [0, 0] and files == ["real-python.atom", "real-python.json", "real-python.rss"] and
              len(rp.findall(A + "entry")) == n_a and open(os.path.join(m, "index.html")).read().count(">Real Python<") == 1,
              f"{codes} {files}")

    # A post first shown with a date past the page's own time (a year
    # typed wrong), then corrected: the corrected date is taken, so the
    # post does not stay on top of its feed, nor the feed's updated time
    # in that year, for good; a date still in the future stays as read.
    fut = os.path.join(work, "future")
    wrong = page_a.replace("April 29, 2026 06:00 AM UTC", "April 29, 2099 06:00 AM UTC", 1)
    assert wrong != page_a and "Last update: April 29, 2026 07:43 AM UTC" in page_a
    open(os.path.join(work, "future.html"), "w", encoding="utf-8").write(wrong)
    codes = [run(unplanet, "-o", fut, os.path.join(work, "future.html"))[0]]
    was = {k: v for k, v in entries(fut).items() if "2099" in v[0][1].findtext(A + "published")}
    codes.append(run(unplanet, "-o", fut, a)[0])
    now = entries(fut)
    fixed = {k: (now[k][0][1].findtext(A + "published"), now[k][0][1].findtext(A + "updated")) for k in was if k in now}
    truth_dates = {t["link"]: t["published"] for t in truth}
    feed_updated = ET.parse(os.path.join(fut, "authors", was and next(iter(was.values()))[0][0] or "x")).getroot() \
        .findtext(A + "updated") if len(was) == 1 else None
    check("history: a post first dated past the page's time, then corrected, takes the corrected date (published "
          "and updated), and so does its feed",
          codes == [0, 0] and len(was) == 1 and
          all(v == (truth_dates[k], truth_dates[k]) for k, v in fixed.items()) and len(fixed) == 1 and
          feed_updated is not None and feed_updated.startswith("2026"), f"{codes} {was} {fixed} {feed_updated}")
    snap = snapshot(fut)
    rc, err = run(unplanet, "-v", "-o", fut, a)
    check("history: ...and the page again writes nothing", rc == 0 and snapshot(fut) == snap and " 0 files written" in err,
          err)

    # An archive an earlier version wrote, with a nameless source's name
    # left empty and a permalink kept as the page gave it (with a space),
    # still matches the page: no second feed, no second entry.
    from hostile import BOB
    old = os.path.join(work, "old-archive")
    nameless = Post(1, ("  ", "https://blank.example/", "Blank blog"), b"<p>START x END</p>")
    nameless.link = "https://blank.example/a b"
    other = Post(2, BOB, b"<p>START y END</p>")
    open(os.path.join(work, "old.html"), "wb").write(page([nameless, other]))
    codes = [run(unplanet, "-o", old, os.path.join(work, "old.html"))[0]]
    arch = os.path.join(old, ".unplanet", "archive", "blank-blog.xml")
    text = open(arch, encoding="utf-8").read() if codes[0] == 0 else ""
    open(arch, "w", encoding="utf-8").write(text.replace("<name>Blank blog</name>", "<name></name>")
                                            .replace("a%20b", "a b"))
    codes.append(run(unplanet, "-o", old, os.path.join(work, "old.html"))[0])
    files = sorted(os.listdir(os.path.join(old, "authors")))
    ids = [e.findtext(A + "id") for e in ET.parse(os.path.join(old, "authors", "blank-blog.atom")).getroot().findall(A + "entry")]
    check("history: an earlier version's archive (empty source name, raw permalink) matches the page again",
          codes == [0, 0] and text.count("<name></name>") == 0 and
          files == ["blank-blog.atom", "blank-blog.json", "blank-blog.rss", "bob.atom", "bob.json", "bob.rss"] and
          ids == ["https://blank.example/a%20b"], f"{codes} {files} {ids}")

    # ...also when a [source] rule names the site by its old link.
    m2 = os.path.join(work, "moved-rule")
    ini = os.path.join(work, "moved.ini")
    open(ini, "w").write("[source Real Python]\nlink = https://realpython.com/\nslug = rp\n")
    codes = [run(unplanet, "-o", m2, "-c", ini, a)[0], run(unplanet, "-o", m2, "-c", ini, moved)[0]]
    files = sorted(f for f in os.listdir(os.path.join(m2, "authors")) if "real" in f or f.startswith("rp."))
    check("history: a [source] rule's link matches its site under http and https alike",
          codes == [0, 0] and files == ["rp.atom", "rp.json", "rp.rss"], f"{codes} {files}")

    # A source renamed on the Planet, kept in its feed by [source] sections
    # giving both names one slug: the feed takes the new name and site.
    rn = os.path.join(work, "renamed")
    old_header = '<a href="https://www.pypy.org/" title="PyPy (Posts about pypy)">PyPy</a>'
    assert old_header in page_a
    renamed = os.path.join(work, "renamed.html")
    open(renamed, "w", encoding="utf-8").write(page_a.replace(
        old_header, '<a href="https://pypy.org/blog/" title="PyPy (Posts about pypy)">PyPy Blog</a>'))
    ini = os.path.join(work, "renamed.ini")
    open(ini, "w").write("[source PyPy]\nslug = pypy\n\n[source PyPy Blog]\nslug = pypy\n")
    codes = [run(unplanet, "-q", "-o", rn, "-c", ini, a)[0], run(unplanet, "-o", rn, "-c", ini, renamed)[0]]
    root = ET.parse(os.path.join(rn, "authors", "pypy.atom")).getroot()
    alt = [l.get("href") for l in root.findall(A + "link") if l.get("rel") == "alternate"]
    check("history: a renamed source merged by slug: its feed takes the new name and site",
          codes == [0, 0] and root.findtext(A + "title") == "PyPy Blog" and alt == ["https://pypy.org/blog/"],
          f"{codes} {root.findtext(A + 'title')} {alt}")

    # A feed whose slug a [source] rule moved (beta, then alpha, or the
    # other way, or back again: it holds both files) keeps, once the rule
    # is gone, the slug it had last run, whichever sorts first and whatever
    # file changed last (moved back, a feed's unchanged archive is not
    # rewritten): else its subscribers would stop getting posts.
    src = os.path.join(work, "slug-moved-back.html")
    open(src, "wb").write(page([Post(1, BOB, b"<p>START moved slug END</p>")]))
    for slugs in (("beta", "alpha"), ("alpha", "beta"), ("alpha", "beta", "alpha")):
        mv = os.path.join(work, "slug-moved-" + "-".join(slugs))
        codes = []
        for k, rule in enumerate([f"[source Bob]\nslug = {slug}\n" for slug in slugs] + ["[unplanet]\n"]):
            ini = os.path.join(work, f"slug-moved-back{k}.ini")
            open(ini, "w").write(rule)
            codes.append(run(unplanet, "-o", mv, "-c", ini, src)[0])
        listed = [f.get("slug") for f in ET.parse(os.path.join(mv, ".unplanet", "cache", "directory.xml")).getroot()
                  .findall("feed")] if codes[-1] == 0 else []
        check(f"history: a feed whose slug rule is gone keeps the slug it had last run ({', then '.join(slugs)}), "
              "not another it holds", codes == [0] * (len(slugs) + 1) and listed == [slugs[-1]], f"{codes} {listed}")

    # --exclude hides entries from the feeds, not from their history: a
    # pattern given by mistake for one run loses nothing that left the
    # page meanwhile.
    x = os.path.join(work, "exclude")
    codes = [run(unplanet, "-o", x, a)[0], run(unplanet, "-o", x, "-x", ".", b)[0]]
    hidden = entries(x)
    unnamed = [f for f in glob.glob(os.path.join(x, ".unplanet", "archive", "*.xml"))
               if any(s.get("slug") != os.path.basename(f)[:-4] for s in ET.parse(f).getroot().iter("source"))]
    check("history: hidden entries are archived under their feed's slug", not unnamed, f"{unnamed[:3]}")
    codes.append(run(unplanet, "-o", x, b)[0])
    back = entries(x)
    missing = [t["link"] for t in truth if len(back.get(t["link"], [])) != 1]
    check("history: entries --exclude hid for a run are back once it is gone, also those that left the page",
          codes == [0, 0, 0] and not hidden and not missing, f"{codes} {len(hidden)} hidden, missing {missing[:3]}")

    # Without --base-url a feed's id is a URN naming the Planet: a Planet
    # that retitles its page keeps its feeds' ids (RFC 4287: permanent).
    t = os.path.join(work, "retitled")
    retitled = os.path.join(work, "retitled.html")
    open(retitled, "w", encoding="utf-8").write(page_a.replace("<title>Planet Python</title>", "<title>Python Planet, renamed</title>", 1))
    ids = []
    for src in (a, retitled):
        rc, err = run(unplanet, "-o", t, src)
        ids.append(ET.parse(os.path.join(t, "authors", "pypy.atom")).getroot().findtext(A + "id") if rc == 0 else err)
    check("history: a retitled Planet keeps its feeds' ids", ids[0] == ids[1] == "urn:unplanet:planet-python:author:pypy", f"{ids}")
    # ...also once state.xml is moved away (the way on from a corrupt one):
    # the archive's feed ids give the name.
    moved = os.path.join(work, "moved-state")
    shutil.copytree(t, moved)
    os.remove(os.path.join(moved, ".unplanet", "state.xml"))
    rc, err = run(unplanet, "-o", moved, retitled)
    got = [ET.parse(f).getroot().findtext(A + "id") for f in (os.path.join(moved, "authors", "pypy.atom"),
                                                                os.path.join(moved, "authors", "real-python.atom"))] \
        if rc == 0 else err
    check("history: without state.xml, a retitled Planet still keeps its feeds' ids",
          got == ["urn:unplanet:planet-python:author:pypy", "urn:unplanet:planet-python:author:real-python"], f"{got}")
    # A state.xml with no <author> records (as versions before them wrote)
    # is read: the feeds stay, under the sanitizers too.
    older = os.path.join(work, "no-author-records")
    shutil.copytree(t, older)
    older_state = os.path.join(older, ".unplanet", "state.xml")
    sub_file(older_state, r'\s*<author slug="[^"]*"/>', "")
    rc, err = run(unplanet, "-o", older, retitled)
    check("history: a state.xml without <author> records runs as before, its feeds kept",
          rc == 0 and err == "" and '<author slug="pypy"/>' in open(older_state, encoding="utf-8").read() and
          os.path.exists(os.path.join(older, "authors", "pypy.atom")), f"exit {rc}: {err}")
    # Titles with nothing to transliterate still give two Planets two ids.
    cjk = []
    for k, title in enumerate(("\u661f\u7403", "\u60d1\u661f")):
        src, out = os.path.join(work, f"cjk{k}.html"), os.path.join(work, f"cjk{k}")
        open(src, "w", encoding="utf-8").write(page_a.replace("<title>Planet Python</title>", f"<title>{title}</title>", 1))
        rc, err = run(unplanet, "-o", out, src)
        cjk.append(ET.parse(os.path.join(out, "authors", "pypy.atom")).getroot().findtext(A + "id") if rc == 0 else err)
    check("history: Planets titled only in CJK get feed ids of their own",
          cjk[0] != cjk[1] and all(re.fullmatch(r"urn:unplanet:planet-[0-9a-f]{8}:author:pypy", i) for i in cjk), f"{cjk}")
    state = os.path.join(t, ".unplanet", "state.xml")
    with open(state, encoding="utf-8") as f:
        text = f.read()
    with open(state, "w", encoding="utf-8") as f:
        f.write(text.replace('<planet name="planet-python"', '<planet name="../x"'))
    snap = snapshot(t)
    rc, err = run(unplanet, "-o", t, a)
    check("history: a state whose Planet name is no slug is an error naming the file (65), nothing changed",
          rc == 65 and "state.xml" in err and snapshot(t) == snap, f"exit {rc}: {err}")
    with open(state, "w", encoding="utf-8") as f:
        f.write(re.sub(r'(<planet [^>]*)updated="[^"]*"', r'\1updated="soon"', text))
    snap = snapshot(t)
    rc, err = run(unplanet, "-o", t, a)
    check("history: a state whose page time is no RFC 3339 time: the same (65), nothing changed",
          rc == 65 and "state.xml:" in err and "corrupt" in err and "updated time" in err and snapshot(t) == snap, f"exit {rc}: {err}")
    # An edit seen while the clock is behind the post's last updated time
    # (a run with the clock far ahead, then set right) still moves it
    # forward, a second at a time: readers look for a later time.
    ck = os.path.join(work, "clock")
    rc, err = run(unplanet, "-o", ck, a)
    archive = os.path.join(ck, ".unplanet", "archive", "django-weblog.xml")
    with open(archive, encoding="utf-8") as f:
        text = f.read()
    at = text.index(f"<id>{changed}</id>")
    upd = text.index("<updated", at)
    upd_end = text.index("</updated>", upd)
    with open(archive, "w", encoding="utf-8") as f:
        f.write(text[:upd] + '<updated rfc822="Fri, 01 Jan 2100 00:00:00 GMT">2100-01-01T00:00:00Z' + text[upd_end:])
    seen = []
    for k, words in enumerate(("Only two days remain", "Only one day remains")):
        src = os.path.join(work, f"clock{k}.html")
        open(src, "w", encoding="utf-8").write(page_a.replace("Only a few days remain", words))
        rc, err = run(unplanet, "-o", ck, src)
        seen.append([e.findtext(A + "updated") for e in ET.parse(os.path.join(ck, "authors", "django-weblog.atom"))
                     .getroot().findall(A + "entry") if e.findtext(A + "id") == changed] if rc == 0 else err)
    check("history: an edit with the clock behind the post's updated time moves it on by a second, each time",
          seen == [["2100-01-01T00:00:01Z"], ["2100-01-01T00:00:02Z"]], f"{seen}")
    swapped_mid_run(unplanet, work, page_a, page_b)
    updated_never_back(unplanet, work)
    edits_in_one_second(unplanet, work)
    moved_permalinks(unplanet, work)
    renamed_in_case(unplanet, work)
    renamed_or_moved(unplanet, work)
    read_once(unplanet, work, page_a, changed)
    report()


def contents(d, since=None):
    """Every file under d, by its path there, with its bytes; with since
    (seconds since 1970), each time (RFC 3339 or RFC 822, in UTC) from
    then on read as b"NOW": an edit's updated time is the second of the
    run that saw it, which two runs need not share."""
    def now(m):
        t = m.group(0).decode()
        at = epoch(t) if t.endswith("Z") else email.utils.mktime_tz(email.utils.parsedate_tz(t))
        return b"NOW" if at >= since else m.group(0)

    out = {}
    for root, _, files in os.walk(d):
        for name in files:
            with open(os.path.join(root, name), "rb") as f:
                data = f.read()
            if since is not None:
                data = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ|[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} "
                              rb"\d\d:\d\d:\d\d GMT", now, data)
            out[os.path.relpath(os.path.join(root, name), d)] = data
    return out


def read_once(unplanet, work, page_a, changed):
    """A post whose HTML and base URL are what the archive's page digest
    says takes its content from the archive instead of being read again:
    seen by changing that content by hand. Anything else reads it again:
    another post, a post edited, another base URL, an archive without page
    digests (an earlier version's), --force, and a topic or an exclusion,
    whose patterns read the text reading gives. Through edits, the files
    are those that reading everything again (--force) gives."""
    d, full = os.path.join(work, "once"), os.path.join(work, "once-force")
    since = int(time.time())
    steps = [page_a, page_a.replace("Only a few days remain", "Only two days remain"),
             page_a.replace("Only a few days remain", "Only one day remains").replace("you're not alone", "you are not alone"),
             page_a]
    same = []
    for k, text in enumerate(steps):
        src = os.path.join(work, f"once-{k}.html")
        with open(src, "w", encoding="utf-8") as f:
            f.write(text)
        codes = (run(unplanet, "-o", d, src)[0], run(unplanet, "--force", "-o", full, src)[0])
        same.append(codes == (0, 0) and contents(d, since) == contents(full, since))
    check("history: posts taken from the archive give the files reading every post gives, through edits",
          same == [True] * len(steps), f"{same}")
    # Past --keep, the archive keeps a post slim, and a run takes from it
    # only the digest of the post's content; when a feed comes to show
    # such a post (--keep grew), the page is read again.
    d2, full2 = os.path.join(work, "once-keep"), os.path.join(work, "once-keep-force")
    src = os.path.join(work, "once-keep.html")
    with open(src, "w", encoding="utf-8") as f:
        f.write(page_a)
    run(unplanet, "--keep", "2", "-o", d2, src)
    slim_archive = os.path.join(d2, ".unplanet", "archive", "real-python.xml")
    with open(slim_archive, encoding="utf-8") as f:
        text = f.read()
    slim = re.findall(r"<id>([^<]*)</id>(?:(?!</entry>).)*<digest>", text, re.S)
    at = page_a.index(f'<em><a href="{slim[0]}">')
    end = page_a.rindex("</p>", 0, at)
    page_slim_edit = page_a[:end] + "<p>One more paragraph.</p>" + page_a[end:]
    same = []
    shutil.rmtree(d2)
    for k, (text, keep) in enumerate(((page_a, 2), (page_slim_edit, 2), (page_slim_edit, 3), (page_a, 1),
                                      (page_a, 2), (page_a, 50))):
        with open(src, "w", encoding="utf-8") as f:
            f.write(text)
        codes = (run(unplanet, "--keep", str(keep), "-o", d2, src)[0],
                 run(unplanet, "--keep", str(keep), "--force", "-o", full2, src)[0])
        same.append(codes == (0, 0) and contents(d2, since) == contents(full2, since))
    check("history: posts taken slim from the archive give the files reading every post gives, as --keep changes",
          len(slim) >= 2 and same == [True] * 6, f"{len(slim)} slim, {same}")
    # Seen by a digest changed by hand: a run that takes it keeps it.
    run(unplanet, "--keep", "2", "-o", d2, src)
    with open(slim_archive, encoding="utf-8") as f:
        text = f.read()
    at = text.index(f"<id>{slim[0]}</id>")
    digest = text.index("<digest>", at) + len("<digest>")
    with open(slim_archive, "w", encoding="utf-8") as f:
        f.write(text[:digest] + "0123456789abcdef" + text[digest + 16:])
    rc, err = run(unplanet, "--keep", "2", "-o", d2, src)
    with open(slim_archive, encoding="utf-8") as f:
        kept_digest = "<digest>0123456789abcdef</digest>" in f.read()
    check("history: a post past --keep unchanged on the page takes its content's digest from the archive",
          rc == 0 and err == "" and kept_digest, f"exit {rc}: {err}")
    src = os.path.join(work, f"once-{len(steps) - 1}.html")
    archive = os.path.join(d, ".unplanet", "archive", "django-weblog.xml")
    with open(archive, encoding="utf-8") as f:
        kept = f.read()
    digests = re.findall(r"<page-digest>([0-9a-f]{16})</page-digest>", kept)
    check("history: an archive keeps a page digest for each post it holds whole",
          len(digests) == kept.count("<content>") > 0, f"{len(digests)} of {kept.count('<content>')}")
    # The same words, with a mark in the archive's copy of one post.
    at = kept.index(f"<id>{changed}</id>")
    marked = kept[:at] + kept[at:].replace("Only a few days remain", "ARCHIVED COPY", 1)

    def archived_after(*args):
        """The archive's copy of the post after a run on page_a."""
        with open(archive, "w", encoding="utf-8") as f:
            f.write(marked)
        rc, err = run(unplanet, "-o", d, *args, src)
        with open(archive, encoding="utf-8") as f:
            text = f.read()
        at = text.index(f"<id>{changed}</id>")
        return rc, err, text[at:text.index("</entry>", at)]

    # Taken from the archive, the post is what the archive holds: nothing
    # changed, nothing written.
    rc, err, copy = archived_after()
    check("history: a post unchanged on the page is taken from the archive, not read again",
          rc == 0 and err == "" and "ARCHIVED COPY" in copy, f"exit {rc}: {err}")
    for label, args in (("--force", ("--force",)), ("a topic", ("-t", "Django=django")),
                        ("an exclusion", ("-x", "no such words"))):
        rc, err, copy = archived_after(*args)
        check(f"history: with {label}, every post is read again",
              rc == 0 and "ARCHIVED COPY" not in copy and "Only a few days remain" in copy, f"exit {rc}: {err}")
    with open(archive, "w", encoding="utf-8") as f:
        f.write(marked.replace("<page-digest>", "<page-digest>0"))
    snap = snapshot(d)
    rc, err = run(unplanet, "-o", d, src)
    check("history: a page digest that is not 16 hexadecimal digits is an error naming the file (65), nothing changed",
          rc == 65 and "django-weblog.xml:" in err and "page-digest" in err and snapshot(d) == snap, f"exit {rc}: {err}")
    # An earlier version's archive, without page digests: every post is
    # read again, the feeds stay as they were, and the archive gets them.
    with open(archive, "w", encoding="utf-8") as f:
        f.write(kept)
    run(unplanet, "-o", d, src)
    before = contents(d)
    for name in glob.glob(os.path.join(d, ".unplanet", "archive", "*.xml")):
        sub_file(name, r"\n *<page-digest>[0-9a-f]*</page-digest>", "")
    rc, err = run(unplanet, "-o", d, src)
    check("history: an archive without page digests: the same files, the digests written back",
          rc == 0 and err == "" and contents(d) == before, f"exit {rc}: {err}")
    # A post whose HTML changed but not what reading gives (a script the
    # sanitizer drops): no edit, and the archive takes its new page digest,
    # so that the next run takes the post from it again.
    scripted = os.path.join(work, "once-script.html")
    with open(src, encoding="utf-8") as f:
        text = f.read()
    with open(scripted, "w", encoding="utf-8") as f:
        f.write(text.replace("Only a few days remain", "<script>track()</script>Only a few days remain", 1))
    feeds = {k: v for k, v in contents(d).items() if not k.startswith(".unplanet")}
    rc, err = run(unplanet, "-o", d, scripted)
    same_feeds = {k: v for k, v in contents(d).items() if not k.startswith(".unplanet")} == feeds
    with open(archive, encoding="utf-8") as f:
        kept = f.read()
    at = kept.index(f"<id>{changed}</id>")
    with open(archive, "w", encoding="utf-8") as f:
        f.write(kept[:at] + kept[at:].replace("Only a few days remain", "ARCHIVED COPY", 1))
    rc2, err2 = run(unplanet, "-o", d, scripted)
    with open(archive, encoding="utf-8") as f:
        text = f.read()
    at = text.index(f"<id>{changed}</id>")
    check("history: a post whose HTML changed but not what it gives is no edit, and is taken from the archive next time",
          (rc, err, rc2, err2) == (0, "", 0, "") and same_feeds and "ARCHIVED COPY" in text[at:text.index("</entry>", at)],
          f"exit {rc}, {rc2}: {err}{err2}")
    with open(archive, "w", encoding="utf-8") as f:
        f.write(kept)
    run(unplanet, "-o", d, src)
    # The page digest is no cryptographic hash: a copy of the post in
    # another source's archive, its link and page digest the same (one
    # source made its post's HTML hash as another's), is not taken.
    with open(archive, encoding="utf-8") as f:
        kept = f.read()
    at = kept.index(f"<id>{changed}</id>")
    start, end = kept.rindex("<entry>", 0, at), kept.index("</entry>", at) + len("</entry>")
    other = sorted(n for n in glob.glob(os.path.join(d, ".unplanet", "archive", "*.xml")) if n != archive)[0]
    with open(other, encoding="utf-8") as f:
        theirs = f.read()
    their_source = re.search(r"<source slug.*?</source>", theirs, re.S).group(0)
    forged = re.sub(r"<source slug.*?</source>", lambda m: their_source, kept[start:end], flags=re.S)
    forged = forged.replace("Only a few days remain", "FORGED COPY", 1)
    with open(other, "w", encoding="utf-8") as f:
        f.write(theirs.replace("  <entry>", "  " + forged + "\n  <entry>", 1))
    sub_file(archive, r"(<id>" + re.escape(changed) + r"</id>(?:(?!</entry>).)*<page-digest>)[0-9a-f]{16}",
             r"\g<1>0123456789abcdef")
    rc, err = run(unplanet, "-o", d, src)
    with open(archive, encoding="utf-8") as f:
        text = f.read()
    at = text.index(f"<id>{changed}</id>")
    copy = text[at:text.index("</entry>", at)]
    check("history: a copy of a post in another source's archive is not taken for it, whatever its page digest",
          rc == 0 and err == "" and "FORGED COPY" not in copy and "Only a few days remain" in copy and
          "FORGED COPY" not in open(os.path.join(d, "authors", "django-weblog.atom"), encoding="utf-8").read(),
          f"exit {rc}: {err}")
    with open(other, "w", encoding="utf-8") as f:
        f.write(theirs)
    with open(archive, "w", encoding="utf-8") as f:
        f.write(kept)
    # A program built from other sources (a sanitizer that reads some
    # post otherwise, its version unchanged) reads every post again.
    rebuilt = os.path.join(work, "rebuilt")
    os.makedirs(rebuilt)
    for part in ("Makefile", "src", "xslt"):
        (shutil.copytree if os.path.isdir(os.path.join(ROOT, part)) else shutil.copy)(
            os.path.join(ROOT, part), os.path.join(rebuilt, part))
    with open(os.path.join(rebuilt, "src", "html.c"), "a", encoding="utf-8") as f:
        f.write("/* another program */\n")
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    made = subprocess.run(["make", "-s", "-C", rebuilt, "unplanet", "CFLAGS=-O0"], capture_output=True, text=True,
                          env=env)
    rc, err, copy = archived_after()   # this program takes it from the archive
    rc2, err2, copy2 = made.returncode, made.stderr, ""
    if made.returncode == 0:
        with open(archive, "w", encoding="utf-8") as f:
            f.write(marked)
        rc2, err2 = run(os.path.join(rebuilt, "unplanet"), "-o", d, src)
        with open(archive, encoding="utf-8") as f:
            text = f.read()
        at = text.index(f"<id>{changed}</id>")
        copy2 = text[at:text.index("</entry>", at)]
    check("history: a program built from other sources reads a post again that its archived copy would give",
          (rc, err, rc2, err2) == (0, "", 0, "") and "ARCHIVED COPY" in copy and
          "ARCHIVED COPY" not in copy2 and "Only a few days remain" in copy2, f"exit {rc}, {rc2}: {err}{err2}")
    # A feed whose document did not change is not made again by the same
    # program and stylesheets (seen by a file edited by hand), but is by a
    # program built from other sources: it may make other bytes of it.
    json_feed = os.path.join(d, "authors", "django-weblog.json")
    with open(archive, "w", encoding="utf-8") as f:
        f.write(kept)
    codes = [run(unplanet, "-o", d, src)[0] for _ in range(2)]
    with open(json_feed, "rb") as f:
        made = f.read()
    with open(json_feed, "ab") as f:
        f.write(b" ")
    codes.append(run(unplanet, "-o", d, src)[0])
    with open(json_feed, "rb") as f:
        kept_edit = f.read() == made + b" "
    codes.append(run(os.path.join(rebuilt, "unplanet"), "-o", d, src)[0] if os.path.exists(os.path.join(rebuilt, "unplanet")) else -1)
    with open(json_feed, "rb") as f:
        made_again = f.read() == made
    check("history: a feed whose document did not change is made again by a program built from other sources",
          codes == [0, 0, 0, 0] and kept_edit and made_again, f"exit {codes}, edit kept {kept_edit}, made again {made_again}")
    # A post with no permalink and no site: its links are made absolute
    # against the page's <base href>, which the page digest holds.
    from hostile import Post, esc, page
    post = Post(1, ("Nobody", "", "Nobody"), b'<p>START <a href="pics/a.png">a picture</a> END</p>', title=False)
    b, seen = os.path.join(work, "once-base"), []
    for host in ("one", "two"):
        src = os.path.join(work, f"once-base-{host}.html")
        with open(src, "wb") as f:
            f.write(page([post]).replace(esc(post.link).encode(), b"")
                    .replace(b"</title>", f'</title>\n  <base href="https://{host}.example/dir/" />'.encode()))
        rc, err = run(unplanet, "-o", b, src)
        seen.append(re.findall(r"https://\w+\.example/dir/pics/a\.png",
                               open(os.path.join(b, "authors", "nobody.atom"), encoding="utf-8").read()) if rc == 0 else err)
    check("history: the same post under another base URL is read again: its links made absolute against it",
          seen == [["https://one.example/dir/pics/a.png"], ["https://two.example/dir/pics/a.png"]], f"{seen}")


def renamed_or_moved(unplanet, work):
    """Which new feed is warned of as a renamed or moved source, built from
    small pages: a source with no site never is (renamed with no site,
    given a site or losing its own, no site ties the two feeds); a rename
    is told before a move."""
    from hostile import ALICE, Post, page
    bare_old, bare_new = ("Old Name", "", "Old Name"), ("New Name", "", "New Name")
    bare_bob, bob = ("Bob", "", "Bob"), ("Bob", "https://bob.example/", "Bob")
    for label, was, now in (("renamed with no site", bare_old, bare_new), ("given a site", bare_bob, bob),
                            ("losing its site", bob, bare_bob)):
        d = os.path.join(work, "no-site-" + label.replace(" ", "-"))
        codes, errs = [], []
        for k, source in enumerate((was, now)):
            src = os.path.join(work, f"no-site-{k}.html")
            with open(src, "wb") as f:
                f.write(page([Post(n, source, b"<p>START s END</p>") for n in (3 + k * 10, 2 + k * 10)] +
                             [Post(1, ALICE, b"<p>START a END</p>", day=27)]))
            rc, err = run(unplanet, "-o", d, src)
            codes.append(rc)
            errs.append(err)
        check(f"history: a source with no site is no rename nor move: {label}, no warning",
              codes == [0, 0] and errs == ["", ""], f"exit {codes}: {errs}")
    # A source both renamed and moved (a name new to the page at the site
    # of a source gone from it; its name's old site gone too): the rename
    # is warned of, as the site tells most.
    d = os.path.join(work, "renamed-and-moved")
    bob, robert, bob_moved = (("Bob", "https://bob.example/", "Bob"), ("Robert", "https://new.example/", "Robert"),
                              ("Bob", "https://new.example/", "Bob"))
    errs = []
    for k, sources in enumerate(((bob, robert), (bob_moved,))):
        src = os.path.join(work, f"renamed-and-moved-{k}.html")
        with open(src, "wb") as f:
            f.write(page([Post(n + 10 * k + 3 * i, s, b"<p>START s END</p>") for i, s in enumerate(sources)
                          for n in (2, 1)] + [Post(1, ALICE, b"<p>START a END</p>", day=27)]))
        errs.append(run(unplanet, "-o", d, src))
    check("history: a source renamed and moved at once: the rename is warned of, the site before the name",
          [rc for rc, _ in errs] == [0, 0] and errs[0][1] == "" and
          "warning: source 'Bob' is new on the page with the site of 'Robert' (https://new.example/)" in errs[1][1] and
          "authors/robert.*" in errs[1][1], f"{errs}")
    # A moved source whose old feed is the first of all (by slug) is found.
    d = os.path.join(work, "moved-first")
    errs = []
    for k, site in enumerate(("https://aaron.example/", "https://new.example/")):
        src = os.path.join(work, f"moved-first-{k}.html")
        with open(src, "wb") as f:
            f.write(page([Post(n + 10 * k, ("Aaron", site, "Aaron"), b"<p>START s END</p>") for n in (3, 2)] +
                         [Post(1, ALICE, b"<p>START a END</p>", day=27)]))
        errs.append(run(unplanet, "-o", d, src))
    check("history: a moved source whose old feed is the first of all: warned",
          [rc for rc, _ in errs] == [0, 0] and errs[0][1] == "" and "warning: source 'Aaron' is new on the page at "
          "https://new.example/, and the one of that name at https://aaron.example/ is no longer on it" in errs[1][1],
          f"{errs}")


def moved_permalinks(unplanet, work):
    """A post whose permalink the blog moved (a tracking query added, a
    new host, a last '/') with the same title, date and content is the
    same entry: its id stays, its link follows, its updated time does not
    move, and it is not shown twice; a post of another content at the same
    minute and title under a new permalink is another post."""
    from hostile import ALICE, BOB, Post, page
    d = os.path.join(work, "moved-permalinks")

    def posts(moved):
        out = [Post(n, ALICE, b"<p>START alice END</p>") for n in (3, 2, 1)] + \
              [Post(5, BOB, b"<p>START bob END</p>"), Post(4, BOB, b"<p>START same minute END</p>")]
        if moved:
            out.insert(0, Post(9, ALICE, b"<p>START new END</p>"))
            for p in out[1:4]:
                p.link += "&utm_source=planet"
            out[4].link = "https://www.bob.example/post/5/"
            out[5].link = "https://bob.example/elsewhere/4"
            out[5].body = out[5].body.replace(b"same minute", b"another post")
        return out

    snaps, codes = [], []
    for k, moved in enumerate((False, True, True)):
        src = os.path.join(work, f"moved-permalinks-{k}.html")
        with open(src, "wb") as f:
            f.write(page(posts(moved)))
        rc, err = run(unplanet, "-o", d, src)
        codes.append((rc, err))
        if k == 0:
            before = {f: {e.findtext(A + "id"): e.findtext(A + "updated") for e in
                          ET.parse(os.path.join(d, "authors", f)).getroot().findall(A + "entry")}
                      for f in ("alice-bold-co.atom", "bob.atom")}
        snaps.append(snapshot(d))
    after = {f: [(e.findtext(A + "id"), e.find(A + "link").get("href"), e.findtext(A + "updated")) for e in
                 ET.parse(os.path.join(d, "authors", f)).getroot().findall(A + "entry")]
             for f in ("alice-bold-co.atom", "bob.atom")}
    alice = [p for p in posts(True) if p.source == ALICE]
    bob = [p for p in posts(True) if p.source == BOB]
    old_alice = [p for p in posts(False) if p.source == ALICE]
    old_bob = [p for p in posts(False) if p.source == BOB]
    want_alice = [(alice[0].link, alice[0].link)] + [(o.link, n.link) for o, n in zip(old_alice, alice[1:])]
    want_bob = [(old_bob[0].link, bob[0].link), (bob[1].link, bob[1].link), (old_bob[1].link, old_bob[1].link)]
    check("history: a moved permalink (tracking query, new host, last '/') keeps the post's id, takes the new link",
          codes[:2] == [(0, ""), (0, "")] and [a[:2] for a in after["alice-bold-co.atom"]] == want_alice and
          [a[:2] for a in after["bob.atom"]] == want_bob, f"{codes} {after}")
    check("history: a moved permalink is no edit: updated stays",
          all(before[f].get(i, u) == u for f in after for i, _, u in after[f]), f"{before} {after}")
    check("history: a moved permalink, read again, writes nothing", codes[2] == (0, "") and snaps[1] == snaps[2],
          f"{codes[2]}")
    # Its old permalink stays taken: a new post there (an episode linking
    # to the podcast's home page, as the moved one did) gets an id of its
    # own, not the moved post's; the moved post moving back keeps its id.
    pod = ("Pod", "https://pod.example/", "Pod")
    home = "https://pod.example/"

    def ep(n, link, words="episode"):
        p = Post(n, pod, f"<p>START {words} END</p>".encode())
        p.link = link
        return p

    d = os.path.join(work, "moved-back")
    steps = [[ep(1, home)], [ep(1, home + "?utm_source=planet")],
             [ep(2, home, "another episode"), ep(1, home + "?utm_source=planet")],
             [ep(2, home, "another episode"), ep(1, home + "?utm_source=planet")],
             [ep(2, home, "another episode"), ep(1, home)]]
    seen = []
    for k, posts_k in enumerate(steps):
        src = os.path.join(work, f"moved-back-{k}.html")
        with open(src, "wb") as f:
            f.write(page(posts_k + [Post(1, ALICE, b"<p>START a END</p>", day=27)]))
        rc, err = run(unplanet, "-o", d, src)
        feed = [(e.findtext(A + "title"), e.findtext(A + "id"), e.find(A + "link").get("href"),
                 e.findtext(A + "updated")) for e in
                ET.parse(os.path.join(d, "authors", "pod.atom")).getroot().findall(A + "entry")]
        seen.append((rc, err, feed, snapshot(d)))
    ep1 = [f for f in seen[2][2] if f[0] == "Post 1 & more"]
    ep2 = [f for f in seen[2][2] if f[0] == "Post 2 & more"]
    check("history: a new post at a moved post's old permalink gets an id of its own; the moved one keeps its",
          all(s[:2] == (0, "") for s in seen) and len(seen[2][2]) == 2 and ep1 and ep2 and ep1[0][1] == home and
          ep2[0][1] not in (home, home + "?utm_source=planet") and ep1[0][3] == seen[0][2][0][3],
          f"{[s[:3] for s in seen]}")
    check("history: ...and read again, writes nothing", seen[3][3] == seen[2][3], f"{seen[3][2]}")
    check("history: a moved post moving back (the tracking query dropped) keeps its id, takes the link back",
          [(f[0], f[1], f[2]) for f in seen[4][2]] == [(f[0], f[1], f[2].replace("?utm_source=planet", ""))
                                                      for f in seen[2][2]] and
          [f[3] for f in seen[4][2]] == [f[3] for f in seen[2][2]], f"{seen[2][2]} -> {seen[4][2]}")
    # Untitled posts of one minute and words are not taken for one moved.
    d = os.path.join(work, "moved-untitled")
    ids = []
    for k, link in enumerate(("https://bob.example/notes/1", "https://bob.example/notes/2")):
        p = Post(5, BOB, b"<p>Thanks!</p>", title=False)
        p.link = link
        src = os.path.join(work, f"moved-untitled-{k}.html")
        with open(src, "wb") as f:
            f.write(page([p, Post(1, ALICE, b"<p>START a END</p>", day=27)]))
        run(unplanet, "-o", d, src)
        ids.append([e.findtext(A + "id") for e in
                    ET.parse(os.path.join(d, "authors", "bob.atom")).getroot().findall(A + "entry")])
    check("history: an untitled post at a new permalink with an old one's minute and words is another post",
          [sorted(i) for i in ids] == [["https://bob.example/notes/1"],
                                       ["https://bob.example/notes/1", "https://bob.example/notes/2"]],
          f"{ids}")


def named_page(path, name, site, k):
    """Writes at path a page of posts k + 2 and k + 1 of the source name at
    site, then one of Bob's; returns path."""
    from hostile import BOB, Post, page
    with open(path, "wb") as f:
        posts = [Post(n, (name, site, name), b"<p>START post END</p>") for n in (k + 2, k + 1)]
        for p in posts:
            p.link = f"{site}post/{p.n}"
        f.write(page(posts + [Post(1, BOB, b"<p>START bob END</p>", day=27)]))
    return path


def renamed_in_case(unplanet, work):
    """A source the Planet names in another case or with other punctuation
    ("Alice Smith", "alice smith", "ALICE SMITH!") at the same site keeps
    its feed, whose address that name's slug makes: subscribers are not
    left on a feed that looks the same and never changes. A real rename
    ("Alicia Smith") still starts a new feed, with a warning."""
    from hostile import BOB, Post, page
    d = os.path.join(work, "renamed-in-case")
    site = "https://alice.example/"
    names = ("Alice Smith", "alice smith", "ALICE SMITH!", "Alicia Smith")
    seen = []
    for k, name in enumerate(names):
        src = named_page(os.path.join(work, f"renamed-in-case-{k}.html"), name, site, k)
        rc, err = run(unplanet, "-o", d, src)
        feeds = sorted(f for f in os.listdir(os.path.join(d, "authors")) if f.endswith(".atom"))
        root = ET.parse(os.path.join(d, "authors", "alice-smith.atom")).getroot()
        seen.append((rc, err, feeds, root.findtext(A + "title"), len(root.findall(A + "entry"))))
    check("history: a source named in another case or punctuation at its site keeps its feed and takes the name",
          [s[:2] for s in seen[:3]] == [(0, "")] * 3 and
          all(s[2] == ["alice-smith.atom", "bob.atom"] for s in seen[:3]) and
          [(s[3], s[4]) for s in seen[:3]] == [("Alice Smith", 2), ("alice smith", 3), ("ALICE SMITH!", 4)],
          f"{seen}")
    # So does one whose name nothing of transliterates, its slug its
    # site's ("Иван Петров", "ИВАН ПЕТРОВ!"), and one whose name loses
    # more than it keeps ("Ωμέγα Blog", "ΩΜΈΓΑ Blog"): by their letters.
    for label, spellings, slug in (("cyrillic", ("Иван Петров", "ИВАН ПЕТРОВ!"), "ivan-example"),
                                   ("greek", ("Ωμέγα Blog", "ΩΜΈΓΑ BLOG"), "omega-example")):
        d = os.path.join(work, "renamed-in-case-" + label)
        site = f"https://{slug.split('-')[0]}.example/"
        kept = []
        for k, name in enumerate(spellings):
            src = named_page(os.path.join(work, f"renamed-in-case-{label}-{k}.html"), name, site, k)
            rc, err = run(unplanet, "-o", d, src)
            feeds = sorted(f for f in os.listdir(os.path.join(d, "authors")) if f.endswith(".atom"))
            root = ET.parse(os.path.join(d, "authors", slug + ".atom")).getroot() \
                if os.path.exists(os.path.join(d, "authors", slug + ".atom")) else None
            kept.append((rc, err, feeds, root is not None and root.findtext(A + "title"),
                         root is not None and len(root.findall(A + "entry"))))
        check(f"history: a source whose name gives no slug ({spellings[0]}), named in another case or punctuation, "
              "keeps its feed",
              kept == [(0, "", sorted(["bob.atom", slug + ".atom"]), spellings[0], 2),
                       (0, "", sorted(["bob.atom", slug + ".atom"]), spellings[1], 3)], f"{kept}")
    # So does one whose [source] section, for the name as first written,
    # gives it a slug: the section fits the source, not the spelling.
    d = os.path.join(work, "renamed-in-case-slug")
    ini = os.path.join(work, "renamed-in-case.ini")
    with open(ini, "w") as f:
        f.write("[source Alice Smith]\nslug = smith\n")
    kept = []
    for k in range(3):
        rc, err = run(unplanet, "-q", "-c", ini, "-o", d, os.path.join(work, f"renamed-in-case-{k}.html"))
        feeds = sorted(f for f in os.listdir(os.path.join(d, "authors")) if f.endswith(".atom"))
        root = ET.parse(os.path.join(d, "authors", "smith.atom")).getroot()
        kept.append((rc, err, feeds, len(root.findall(A + "entry"))))
    check("history: a source named in another case keeps the feed its [source] section's slug gave it",
          kept == [(0, "", ["bob.atom", "smith.atom"], n) for n in (2, 3, 4)], f"{kept}")
    # Two sources of one site whose names share a slug, shown on one page
    # together, are two sources; and stay two when one is shown alone
    # (their feeds, kept apart, tell so), whichever comes back first.
    d = os.path.join(work, "one-slug-two-sources")
    team = "https://team.example/"
    cpp, c = ("C++ Weekly", team, "C++ Weekly"), ("C Weekly", team, "C Weekly")
    runs = []
    for k, shown in enumerate(((cpp, c), (cpp,), (c,), (cpp, c))):
        src = os.path.join(work, f"one-slug-{k}.html")
        with open(src, "wb") as f:
            f.write(page([Post(10 * k + 5 - i, source, b"<p>START weekly END</p>") for i, source in enumerate(shown)] +
                         [Post(1, BOB, b"<p>START bob END</p>", day=27)]))
        rc, err = run(unplanet, "-o", d, src)
        feeds = {}
        for f in sorted(glob.glob(os.path.join(d, "authors", "c-weekly*.atom"))):
            root = ET.parse(f).getroot()
            feeds[root.findtext(A + "title")] = (os.path.basename(f), len(root.findall(A + "entry")))
        runs.append((rc, err, feeds))
    slugs = {title: f for title, (f, _) in runs[0][2].items()}
    check("history: two sources of one site whose names share a slug stay two feeds, together on the page or not",
          all(r[:2] == (0, "") for r in runs) and sorted(slugs.values()) == ["c-weekly-team-example.atom", "c-weekly.atom"]
          and [{t: n for t, (f, n) in r[2].items() if slugs.get(t) == f} for r in runs] ==
          [{"C++ Weekly": 1, "C Weekly": 1}, {"C++ Weekly": 2, "C Weekly": 1}, {"C++ Weekly": 2, "C Weekly": 2},
           {"C++ Weekly": 3, "C Weekly": 3}], f"{runs}")
    check("history: a source renamed for real at its site starts a new feed, with a warning",
          seen[3][0] == 0 and "warning: source 'Alicia Smith' is new on the page" in seen[3][1] and
          seen[3][2] == ["alice-smith.atom", "alicia-smith.atom", "bob.atom"] and seen[3][3:] == ("ALICE SMITH!", 4),
          f"{seen[3]}")


def updated_never_back(unplanet, work):
    """A feed's updated time never goes back: an older post edited (its
    entry's updated the run's time), then --keep dropping it for a new
    post, leaves the feed as new as the edit, not as its newest post's
    date. A reader that checks the feed's date would miss the new post."""
    from hostile import ALICE, Post, page
    d = os.path.join(work, "never-back")
    posts = [Post(1, ALICE, b"<p>START one END</p>", day=27, hour=10),
             Post(2, ALICE, b"<p>START two END</p>", day=27, hour=9)]
    src = os.path.join(work, "never-back.html")
    seen = []
    for step in range(3):
        if step == 1:
            posts[1] = Post(2, ALICE, b"<p>START two, edited END</p>", day=27, hour=9)
        if step == 2:
            posts.insert(0, Post(3, ALICE, b"<p>START three END</p>", day=28, hour=10))
        open(src, "wb").write(page(posts))
        time.sleep(1.1 if step == 1 else 0)
        rc, err = run(unplanet, "--keep", "2", "-o", d, src)
        atom = ET.parse(os.path.join(d, "authors", "alice-bold-co.atom")).getroot() if rc == 0 else None
        rss = ET.parse(os.path.join(d, "authors", "alice-bold-co.rss")).getroot() if rc == 0 else None
        seen.append((atom.findtext(A + "updated"), [e.findtext(A + "title") for e in atom.findall(A + "entry")],
                     email.utils.parsedate_to_datetime(rss.find("channel").findtext("lastBuildDate"))
                     .strftime("%Y-%m-%dT%H:%M:%SZ")) if rc == 0 else err)
    ok = all(not isinstance(x, str) for x in seen)
    check("history: a feed's updated never goes back (an edited entry --keep then drops for a new one), in "
          "Atom and RSS",
          ok and seen[1][0] > "2026-04-28" and seen[2][0] == seen[1][0] and seen[2][2] == seen[2][0] and
          seen[2][1] == ["Post 3 & more", "Post 1 & more"], f"{seen}")


def edits_in_one_second(unplanet, work):
    """Two edits of a post in one second move its updated time one second
    past the clock (readers look for a later time); the next run, still
    in that second, must not take that for a future date corrected since,
    and drop the feed's updated time back to its newest post's date when
    --keep drops the edited post. Runs under libfaketime, the clock
    stopped (FAKETIME without '@': with it the clock ticks on from the
    time given, and a slow machine crosses a second)."""
    from hostile import ALICE, Post, page
    d = os.path.join(work, "one-second")
    src = os.path.join(work, "one-second.html")
    seen = []
    for step, words in enumerate(("one", "one, edited", "one, edited again", None)):
        posts = [Post(1, ALICE, f"<p>START {words or 'one, edited again'} END</p>".encode(), day=27)]
        if words is None:
            posts.insert(0, Post(2, ALICE, b"<p>START two END</p>", day=28))
        open(src, "wb").write(page(posts))
        # libfaketime preloaded as the faketime wrapper does, less the
        # semaphore the wrapper names after its process id, which one
        # left behind by a killed run makes fail ("sem_open: File exists").
        r = subprocess.run([unplanet, "--keep", "1", "-o", d, src], capture_output=True, timeout=120,
                           env={**os.environ, "TZ": "UTC",   # libfaketime reads the time given as local
                                "LD_PRELOAD": FAKETIME_LIB, "FAKETIME": "2026-06-01 12:00:00",
                                "ASAN_OPTIONS": os.environ.get("ASAN_OPTIONS", "") +
                                ":verify_asan_link_order=0"})
        seen.append(ET.parse(os.path.join(d, "authors", "alice-bold-co.atom")).getroot().findtext(A + "updated")
                    if r.returncode == 0 else r.stderr.decode("utf-8", "replace"))
    check("history: two edits in one second put updated a second past the clock, and the feed's updated "
          "does not go back from it in that second",
          seen == ["2026-04-27T10:01:00Z", "2026-06-01T12:00:00Z", "2026-06-01T12:00:01Z", "2026-06-01T12:00:01Z"],
          f"{seen}")


def swapped_mid_run(unplanet, work, page_a, page_b):
    """The output folder renamed, and another put in its place, while a run
    waits for its lock: the run writes the folder the path names once it
    has the lock (a deploy that turned a link, a folder rotated), with that
    folder's own state and history, as a run started then would; the
    folder it first opened is left as it was."""
    def ids(d):
        return {f: sorted(e.findtext(A + "id") for e in ET.parse(os.path.join(d, kind, f)).getroot()
                          .findall(A + "entry"))
                for kind in ("authors", "topics") for f in os.listdir(os.path.join(d, kind)) if f.endswith(".atom")}
    fresh, moved = os.path.join(work, "fresh-b"), os.path.join(work, "moved")
    topic = ("-t", "Django=django")
    setup = [run(unplanet, "-o", moved, *topic, "-", input=page_a.encode())[0],
             run(unplanet, "-o", fresh, *topic, "-", input=page_b.encode())[0]]
    snap = snapshot(moved)
    fd = os.open(moved, os.O_RDONLY | os.O_DIRECTORY)
    fcntl.flock(fd, fcntl.LOCK_EX)   # the run waits behind it
    proc = subprocess.Popen([unplanet, "--wait", "-o", moved, *topic, "-"], stdin=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    deadline = time.time() + 60
    waiting = False
    while not waiting and time.time() < deadline and proc.poll() is None:
        # Asking for the lock again between naps (it sleeps in ppoll,
        # which nothing before the lock calls), or blocked in flock.
        with open("/proc/locks") as f:
            waiting = any(" -> " in line and f" {proc.pid} " in line for line in f)
        with open(f"/proc/{proc.pid}/wchan") as f:
            waiting = waiting or "poll" in f.read()
        time.sleep(0.01)
    os.rename(moved, moved + ".old")
    os.mkdir(moved)
    fcntl.flock(fd, fcntl.LOCK_UN)
    os.close(fd)
    _, err = proc.communicate(page_b.encode(), timeout=120)
    got = ids(moved) if proc.returncode == 0 and os.path.isdir(os.path.join(moved, "authors")) else None
    check("history: a folder swapped while a run waits for its lock: the run writes the one the path names then, "
          "from its own state (none), the first one untouched",
          setup == [0, 0] and waiting and proc.returncode == 0 and got == ids(fresh) and
          snapshot(moved + ".old") == snap, f"setup {setup}, waiting {waiting}, exit {proc.returncode}: "
          f"{err.decode()}; {os.listdir(moved)}")


if __name__ == "__main__":
    main()
