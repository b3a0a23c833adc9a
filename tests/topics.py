#!/usr/bin/python3
"""topics.py UNPLANET WORKDIR - topics, filters and the configuration file.

Which entries a topic or an exclusion takes is computed here, from the
truth file and Python's re (case-insensitive, Unicode), never from
unplanet's output: a topic's feed must hold exactly the entries whose
title, source name or visible text matches.
"""
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

A = "{http://www.w3.org/2005/Atom}"
HERE = os.path.dirname(os.path.abspath(__file__))
SAMPLE = os.path.join(HERE, "..", "samples", "planetpython-2026-04-29.html")
TRUTH = json.load(open(os.path.join(HERE, "..", "samples", "planetpython-2026-04-29.truth.json"), encoding="utf-8"))



def run(unplanet, *args):
    r = subprocess.run([unplanet, *args], capture_output=True, timeout=120)
    return r.returncode, r.stderr.decode("utf-8", "replace")


def run_out(unplanet, *args):
    r = subprocess.run([unplanet, *args], capture_output=True, timeout=120)
    return r.returncode, r.stdout.decode("utf-8", "replace"), r.stderr.decode("utf-8", "replace")


def matching(pattern):
    rx = re.compile(pattern, re.IGNORECASE)
    return {t["link"] for t in TRUTH if rx.search(t["title"]) or rx.search(t["source_name"]) or rx.search(t["content_text"])}


def ids(path):
    return [e.findtext(A + "id") for e in ET.parse(path).getroot().findall(A + "entry")]


def author_ids(d):
    out = {}
    for f in glob.glob(os.path.join(d, "authors", "*.atom")):
        for i in ids(f):
            out.setdefault(i, []).append(os.path.basename(f))
    return out


def opml_feeds(path):
    """The xmlUrl of every outline in an OPML file, None if it is not there."""
    if not os.path.exists(path):
        return None
    return [o.get("xmlUrl") for o in ET.parse(path).getroot().iter("outline") if o.get("xmlUrl")]


def main():
    unplanet, work = sys.argv[1], sys.argv[2]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    topics = {
        "django": ("Django", "django"),
        "packaging": ("Packaging", r"\bpip\b|packag"),
        "hungarian-names": ("Hungarian names", "gÁbor|bernÁt"),   # upper case in the post, mixed here
        "serrao": ("Serrão", "SERRÃO"),
        "nothing": ("Nothing", "zzzzqqqq"),
    }
    d = os.path.join(work, "feeds")
    args = ["-o", d]
    for slug, (name, pattern) in topics.items():
        # White space around NAME and PATTERN goes, as in the file (where
        # 'django ' would hold 2 of the 5).
        args += ["--topic", f" {name} = {pattern} " if slug == "django" else f"{name}={pattern}"]
    rc, err = run(unplanet, *args, SAMPLE)
    check("topics: run with five --topic", rc == 0, err)
    for slug, (name, pattern) in topics.items():
        path = os.path.join(d, "topics", slug + ".atom")
        if not os.path.exists(path):
            check(f"topics: {name} written as topics/{slug}.atom", False, str(os.listdir(os.path.join(d, "topics"))))
            continue
        want = matching(pattern)
        got = ids(path)
        check(f"topics: '{pattern}' holds exactly the {len(want)} matching entries", set(got) == want and len(got) == len(want),
              f"extra {set(got) - want}, missing {want - set(got)}")
        pubs = [e.findtext(A + "published") for e in ET.parse(path).getroot().findall(A + "entry")]
        check(f"topics: {name} newest first", pubs == sorted(pubs, reverse=True), "")
        title = ET.parse(path).getroot().findtext(A + "title")
        check(f"topics: {name} feed reads 'Planet Python — {name}'", title == f"Planet Python — {name}", title)
        check(f"topics: {name} has an RSS twin", os.path.exists(path[:-5] + ".rss"), "")
        # The W3C validator wants a feed author where no entry names one.
        author = ET.parse(path).getroot().findtext(A + "author/" + A + "name")
        check(f"topics: {name} names the Planet as the feed's author", author == "Planet Python", f"{author!r}")
    check("topics: the non-ASCII pattern matched something", matching("gÁbor|bernÁt") and matching("SERRÃO"), "")

    # --exclude drops matching entries from every feed.
    d = os.path.join(work, "exclude")
    rc, err = run(unplanet, "-o", d, "--exclude", "^Quiz:", "--topic", "Python=python", SAMPLE)
    excluded = matching("^Quiz:")
    got = author_ids(d)
    want = {t["link"] for t in TRUTH} - excluded
    check("exclude: run", rc == 0, err)
    check(f"exclude: '^Quiz:' removes exactly its {len(excluded)} entries from author feeds",
          set(got) == want and excluded and not (set(got) & excluded), f"extra {set(got) - want}, missing {want - set(got)}")
    check("exclude: ...and from topic feeds", not (set(ids(os.path.join(d, "topics", "python.atom"))) & excluded), "")
    check("exclude: ...and the topic keeps the rest", set(ids(os.path.join(d, "topics", "python.atom"))) == matching("python") - excluded, "")

    # Everything excluded: every feed is empty, and is dated by its own
    # newest post, hidden as it is (a topic, which has none, and the
    # directory by the page's newest post), not by 1970.
    d = os.path.join(work, "exclude-all")
    rc, err = run(unplanet, "-o", d, "--exclude", ".", "--topic", "Python=python", SAMPLE)
    newest = max(t["published"] for t in TRUTH)
    dates = {os.path.relpath(f, d): ET.parse(f).getroot().findtext(A + "updated")
             for f in glob.glob(os.path.join(d, "*", "*.atom"))}
    directory = ET.parse(os.path.join(d, ".unplanet", "cache", "directory.xml")).getroot().findtext("updated")
    check("exclude: everything excluded, the run writes empty feeds", rc == 0 and dates and not author_ids(d), err)
    own = {}
    for f in glob.glob(os.path.join(d, "authors", "*.atom")):
        title = ET.parse(f).getroot().findtext(A + "title")
        own[os.path.relpath(f, d)] = max((t["published"] for t in TRUTH if t["source_name"] == title), default=None)
    check(f"exclude: ...each author feed dated by its own newest post, the topic and the directory by the page's "
          f"({newest})", len(own) > 1 and all(dates[k] == v for k, v in own.items()) and
          dates.get("topics/python.atom") == newest and directory == newest, f"{dates} {own} {directory}")
    # An empty feed is not rewritten when other feeds change: its date
    # moves only when it does (a topic that matches nothing yet, an author
    # all of whose posts are excluded).
    d = os.path.join(work, "empty-kept")
    changed = os.path.join(work, "changed.html")
    page = open(SAMPLE, encoding="utf-8").read()
    assert "Introducing the new Talk Python web player" in page
    with open(changed, "w", encoding="utf-8") as f:
        f.write(page.replace("Introducing the new Talk Python web player", "Introducing the new Talk Python player"))
    args = ["-o", d, "-t", "Nothing=zzzzqqqq", "-x", "^Real Python$"]
    rc1, err1 = run(unplanet, *args, SAMPLE)
    empty = [os.path.join(d, "topics", "nothing." + x) for x in ("atom", "rss", "json")] + \
        [os.path.join(d, "authors", "real-python." + x) for x in ("atom", "rss", "json")]
    before = {f: (os.stat(f).st_mtime_ns, open(f, "rb").read()) for f in empty if os.path.exists(f)}
    time.sleep(1.1)
    rc2, err2 = run(unplanet, *args, changed)
    after = {f: (os.stat(f).st_mtime_ns, open(f, "rb").read()) for f in empty if os.path.exists(f)}
    check("exclude: empty feeds (a topic that matches nothing, an author all excluded) are left alone when "
          "another feed changes", rc1 == rc2 == 0 and len(before) == 6 and before == after and
          author_ids(d) and "<entry>" not in open(empty[0]).read(), f"{err1} {err2} {sorted(before)}")

    # --only limits author files, not topics.
    d = os.path.join(work, "only")
    rc, err = run(unplanet, "-o", d, "--only", "^Real Python$", "--only", "djangoproject", "--topic", "All=.", SAMPLE)
    files = sorted(os.listdir(os.path.join(d, "authors")))
    check("only: author files only for matching sources",
          rc == 0 and files == ["django-weblog.atom", "django-weblog.json", "django-weblog.rss",
                                "real-python.atom", "real-python.json", "real-python.rss"], f"{files} {err}")
    check("only: topics still see every source", len(ids(os.path.join(d, "topics", "all.atom"))) == len(TRUTH), "")
    check("only: matching some sources, no warning", err == "", err)
    r = subprocess.run([unplanet, "--dump", "--only", "^Real Python$", "--only", "djangoproject", "--topic", "All=.",
                        SAMPLE], capture_output=True, timeout=120)
    dumped = sorted((f.get("kind"), f.get("slug")) for f in ET.fromstring(r.stdout).findall("feed")) \
        if r.returncode == 0 else r.stderr
    check("only: --dump shows the feeds that get files, as the stylesheets would read them",
          dumped == [("author", "django-weblog"), ("author", "real-python"), ("topic", "all")], f"{dumped}")
    sources = len({t["source_name"] for t in TRUTH})
    rc, err = run(unplanet, "-o", os.path.join(work, "only-none"), "--only", "^Real Pyhton$", SAMPLE)
    check("only: matching no source, a warning saying so (a typo, most likely)",
          rc == 0 and f"warning: --only matches no source ({sources} on the page" in err, f"exit {rc}: {err}")

    # The configuration file: rename, fix a slug, merge two sources.
    conf = os.path.join(work, "unplanet.ini")
    d = os.path.join(work, "config")
    with open(conf, "w", encoding="utf-8") as f:
        f.write(f"""; a comment
[unplanet]
source = {SAMPLE}
output = {d}
keep = 40
exclude = ^Quiz:

[topic Django]
match = django
match = wagtail
exclude = ^Renew
title = Django on Planet Python
slug = dj

[source Real Python]
name = RP: Real Python
slug = rp

[source Django Weblog]
slug = django-and-caktus
name = Django and Caktus

[source Caktus Consulting Group]
slug = django-and-caktus
""")
    rc, err = run(unplanet, "-c", conf)
    check("config: run from the file alone", rc == 0, err)
    files = sorted(os.listdir(os.path.join(d, "authors"))) if rc == 0 else []
    check("config: renamed source written under its fixed slug", "rp.atom" in files and "real-python.atom" not in files, f"{files}")
    if "rp.atom" in files:
        rp = ET.parse(os.path.join(d, "authors", "rp.atom")).getroot()
        check("config: renamed source's feed title", rp.findtext(A + "title") == "RP: Real Python", rp.findtext(A + "title"))
        check("config: exclude from the file applies", not (set(ids(os.path.join(d, "authors", "rp.atom"))) & excluded), "")
    merged = os.path.join(d, "authors", "django-and-caktus.atom")
    want = {t["link"] for t in TRUTH if t["source_name"] in ("Django Weblog", "Caktus Consulting Group")}
    check("config: two sources merged into one feed", os.path.exists(merged) and set(ids(merged)) == want,
          f"{sorted(files)}")
    check("config: merged sources leave no feeds of their own",
          not any(f.startswith(("django-weblog", "caktus")) for f in files), f"{files}")
    dj = os.path.join(d, "topics", "dj.atom")
    check("config: [topic] with two matches, an exclude, title and slug",
          os.path.exists(dj) and set(ids(dj)) == (matching("django|wagtail") - matching("^Renew") - excluded)
          and ET.parse(dj).getroot().findtext(A + "title") == "Django on Planet Python", "")
    # The command line wins over the file.
    d2 = os.path.join(work, "override")
    rc, err = run(unplanet, "-c", conf, "-o", d2, "--topic", "Django=pypy")
    check("config: -o on the command line wins over output =", rc == 0 and os.path.isdir(d2) and
          os.path.exists(os.path.join(d2, "topics", "dj.atom")) is False, err)
    if rc == 0:
        check("config: --topic on the command line replaces the file's topic of that name",
              set(ids(os.path.join(d2, "topics", "django.atom"))) == matching("pypy") - excluded, "")
    # quiet and verbose both yes in the file is an error (see the table
    # above); -v and -q each win over the file's other one.
    qv = os.path.join(work, "quiet-verbose.ini")
    for text, args, says in (("[unplanet]\nverbose = no\nquiet = yes\n", (), False),
                             ("[unplanet]\nquiet = no\nverbose = yes\n", (), True),
                             ("[unplanet]\nquiet = yes\n", ("-v",), True),
                             ("[unplanet]\nverbose = yes\n", ("-q",), False),
                             ("[unplanet]\nverbose = yes\n", (), True)):
        with open(qv, "w") as f:
            f.write(text)
        rc, err = run(unplanet, "-c", qv, *args, "-o", os.path.join(work, "qv"), SAMPLE)
        check(f"config: {' and '.join(text.split(chr(10))[1:-1])} {' '.join(args)}: "
              f"{'a summary line' if says else 'nothing'} on stderr",
              rc == 0 and (re.fullmatch(r"unplanet: \S+: \d+ bytes, .* ms\n", err) is not None if says else err == ""),
              f"exit {rc}: {err}")

    # Slugs are kept from run to run: a topic added later whose name asks
    # for the same slug does not take an existing topic's files, and a
    # [source] slug may not take another source's feed.
    d3 = os.path.join(work, "stable")
    c1, c2 = os.path.join(work, "c1.ini"), os.path.join(work, "c2.ini")
    with open(c1, "w") as f:
        f.write("[topic C]\nmatch = \\bc\\b\n")
    with open(c2, "w") as f:
        f.write("[topic C++]\nmatch = \\bc\\+\\+\n\n[topic C]\nmatch = \\bc\\b\n")
    rc1, err1 = run(unplanet, "-o", d3, "-c", c1, SAMPLE)
    rc2, err2 = run(unplanet, "-o", d3, "-c", c2, SAMPLE)
    title = (ET.parse(os.path.join(d3, "topics", "c.atom")).getroot().findtext(A + "title")
             if rc1 == 0 and rc2 == 0 else None)
    check("slugs: a topic keeps its slug when a later topic's name asks for it",
          title is not None and title.endswith("\u2014 C"), f"{title} {err1} {err2}")
    check("slugs: ...and the later topic gets another",
          rc2 == 0 and len([f for f in os.listdir(os.path.join(d3, "topics")) if f.endswith(".atom")]) == 2,
          str(os.listdir(os.path.join(d3, "topics"))))
    clash = os.path.join(work, "clash.ini")
    with open(clash, "w") as f:
        f.write("[source Mariatta]\nslug = real-python\n")
    before = snapshot(d3)
    rc, err = run(unplanet, "-o", d3, "-c", clash, SAMPLE)
    check("slugs: a [source] slug that is another source's feed: exit 78 with FILE:LINE",
          rc == 78 and f"{clash}:2: slug 'real-python' belongs to the feed of Real Python" in err, f"exit {rc}: {err}")
    check("slugs: ...and nothing is written", snapshot(d3) == before, "")
    rc1, err1 = run(unplanet, "-o", d3, "-t", "Django=django", SAMPLE)
    with open(clash, "w") as f:
        f.write("[topic Web]\nmatch = web\nslug = django\n\n[topic Django]\nmatch = django\n")
    before = snapshot(d3)
    rc, err = run(unplanet, "-o", d3, "-c", clash, SAMPLE)
    check("slugs: a [topic] slug that another topic's feed has: exit 78 with FILE:LINE",
          rc1 == 0 and rc == 78 and f"{clash}:3: slug 'django' belongs to topic Django" in err, f"exit {rc}: {err1} {err}")
    check("slugs: ...and nothing is written", snapshot(d3) == before, "")

    # A topic dropped from the configuration keeps its files, so its slug,
    # from other topics; a topic renamed takes them back: the one new topic
    # that asks for the slug, by its name ("Zed" to "Zed!") or by a slug
    # line, gets its files, and their subscribers.
    d4 = os.path.join(work, "dropped")
    rc1, err1 = run(unplanet, "-o", d4, "-t", "Zed=python", SAMPLE)
    had = opml_feeds(os.path.join(d4, "topics.opml"))
    rc2, err2 = run(unplanet, "-o", d4, SAMPLE)
    now = opml_feeds(os.path.join(d4, "topics.opml"))
    check("topics.opml: removed, not left listing, when the last topic is dropped (an OPML body needs an outline)",
          rc2 == 0 and had == ["topics/zed.atom"] and now is None, f"{had} then {now}: {err2}")
    rc3, err3 = run(unplanet, "-o", d4, "-t", "Other=django", SAMPLE)
    zed = os.path.join(d4, "topics", "zed.atom")
    title = ET.parse(zed).getroot().findtext(A + "title") if os.path.exists(zed) else None
    check("slugs: a dropped topic's feed is not taken by a new topic of another slug",
          rc3 == 0 and title is not None and title.endswith("\u2014 Zed") and
          os.path.exists(os.path.join(d4, "topics", "other.atom")), f"{title} {err3}")
    rc4, err4 = run(unplanet, "-o", d4, "-t", "Zed!=django", "-t", "Other=django", SAMPLE)
    title = ET.parse(zed).getroot().findtext(A + "title") if os.path.exists(zed) else None
    check("slugs: ...but by the topic renamed, whose new name gives its slug ('Zed' to 'Zed!')",
          rc1 == rc2 == rc4 == 0 and title is not None and title.endswith("\u2014 Zed!") and
          not os.path.exists(os.path.join(d4, "topics", "zed-2.atom")), f"{title} {err1} {err2} {err4}")
    # A topic whose name gives no slug takes a removed one's files only
    # when it is that name in another case or punctuation: not because
    # both fall back to one slug.
    d5 = os.path.join(work, "dropped-untransliterated")
    runs = []
    for ts in (["数据=python"], ["社区=django"], ["数据!=python", "社区=django"]):
        rc, err = run(unplanet, "-o", d5, *(a for t in ts for a in ("-t", t)), SAMPLE)
        state = ET.parse(os.path.join(d5, ".unplanet", "state.xml")).getroot()
        titles = {os.path.basename(f): ET.parse(f).getroot().findtext(A + "title").split(" \u2014 ")[-1]
                  for f in sorted(glob.glob(os.path.join(d5, "topics", "*.atom")))}
        runs.append((rc, err, sorted((t.get("name"), t.get("slug")) for t in state.iter("topic")), titles))
    first = runs[0][2][0][1] if runs[0][2] else None
    check("slugs: a new topic whose name gives no slug takes no dropped topic's feed, but the dropped one renamed "
          "in punctuation does ('数据' to '数据!')",
          [r[:2] for r in runs] == [(0, "")] * 3 and first is not None and
          runs[1][3].get(first + ".atom") == "数据" and runs[1][3].get(first + "-2.atom") == "社区" and
          runs[2][3] == {first + ".atom": "数据!", first + "-2.atom": "社区"}, f"{runs}")
    # A topic whose name spells the slug the others fall back to keeps it.
    d6 = os.path.join(work, "named-topic")
    rc, err = run(unplanet, "-o", d6, "-t", "日本=x", "-t", "数据=x", "-t", "Topic=x", SAMPLE)
    titles = {os.path.basename(f): ET.parse(f).getroot().findtext(A + "title").split(" \u2014 ")[-1]
              for f in glob.glob(os.path.join(d6, "topics", "*.atom"))} if rc == 0 else {}
    check("slugs: a topic named 'Topic' keeps 'topic' from names that give no slug and fall back to it",
          titles.get("topic.atom") == "Topic" and sorted(titles) == ["topic-2.atom", "topic-3.atom", "topic.atom"],
          f"{titles} {err}")
    with open(clash, "w") as f:
        f.write("[topic Renamed]\nmatch = django\nslug = zed\n")
    rc, err = run(unplanet, "-o", d4, "-c", clash, SAMPLE)
    title = ET.parse(zed).getroot().findtext(A + "title") if rc == 0 else None
    check("slugs: ...or by a slug line", title is not None and title.endswith("\u2014 Renamed"), f"exit {rc}: {err}")
    with open(clash, "w") as f:
        f.write("[topic Zed]\nmatch = django\n\n[topic Two]\nmatch = django\nslug = zed\n")
    before = snapshot(d4)
    rc, err = run(unplanet, "-o", d4, "-c", clash, SAMPLE)
    check("slugs: two new topics asking for a dropped topic's slug: exit 78, naming it",
          rc == 78 and f"{clash}:6: slug 'zed' belongs to topic Renamed, which is no longer configured" in err,
          f"exit {rc}: {err}")
    check("slugs: ...and nothing is written", snapshot(d4) == before, "")
    # A link in place of the record, even to nothing, is not the record
    # deleted: the slug stays the dropped topic's.
    d6 = os.path.join(work, "dropped-link")
    rc1, err1 = run(unplanet, "-o", d6, "-t", "Zed=python", SAMPLE)
    rc2, err2 = run(unplanet, "-o", d6, SAMPLE)
    record = os.path.join(d6, ".unplanet", "cache", "topics", "zed.xml")
    os.remove(record)
    os.symlink(os.path.join(work, "nothing-here.xml"), record)
    rc, err = run(unplanet, "-o", d6, SAMPLE)
    with open(os.path.join(d6, ".unplanet", "state.xml"), encoding="utf-8") as f:
        state = f.read()
    check("slugs: a dropped topic's record replaced by a link to nothing: the slug stays the topic's",
          rc1 == rc2 == rc == 0 and 'slug="zed"' in state, f"exit {rc}: {err1} {err2} {err}")

    # A [source] slug that moves a feed leaves its old files, and their
    # slug, to it: another source may not take them.
    d5 = os.path.join(work, "moved")
    for n, text in ((1, "[source Talk Python to Me]\nslug = tp\n"), (2, "[source Talk Python to Me]\nslug = tp2\n"),
                    (3, "[source Talk Python to Me]\nslug = tp2\n\n[source PyPy]\nslug = tp\n")):
        with open(clash, "w") as f:
            f.write(text)
        if n == 3:
            before = snapshot(d5)
        rc, err = run(unplanet, "-o", d5, "-c", clash, SAMPLE)
        if n < 3:
            check(f"slugs: [source] slug, run {n}", rc == 0, err)
    check("slugs: a [source] slug that a moved feed's old files have: exit 78",
          rc == 78 and f"{clash}:5: slug 'tp' belongs to the feed of Talk Python to Me" in err, f"exit {rc}: {err}")
    check("slugs: ...and nothing is written", snapshot(d5) == before, "")
    with open(SAMPLE, encoding="utf-8") as f:
        page = f.read()
    marker = '<a href="https://www.pypy.org/" title="PyPy (Posts about pypy)">PyPy</a>'
    newcomer = os.path.join(work, "tp.html")
    with open(newcomer, "w", encoding="utf-8") as f:
        f.write(page.replace(marker, '<a href="https://tp.example/" title="TP">TP</a>', 1))
    with open(clash, "w") as f:
        f.write("[source Talk Python to Me]\nslug = tp2\n")
    rc, err = run(unplanet, "-o", d5, "-c", clash, newcomer)
    tp = os.path.join(d5, "authors", "tp.atom")
    check("slugs: a new source named like a moved feed's old slug gets another",
          rc == 0 and marker in page and ET.parse(tp).getroot().findtext(A + "title") == "Talk Python to Me" and
          os.path.exists(os.path.join(d5, "authors", "tp-tp-example.atom")), f"exit {rc}: {err}")

    # Undoing a merge gives each source its own feed back; so does dropping
    # one of the two rules (the other keeps the merged slug).
    def title_of(d, slug):
        path = os.path.join(d, "authors", slug + ".atom")
        return ET.parse(path).getroot().findtext(A + "title") if os.path.exists(path) else None

    tpm, tpb = "[source Talk Python to Me]\n", "[source Talk Python Blog]\n"
    for label, merged, after in (("undone", "talk-python-blog", ""), ("half undone", "talk-python", tpb + "slug = talk-python\n")):
        d7 = os.path.join(work, "unmerge-" + merged)
        codes = []
        for text in ("", f"{tpm}slug = {merged}\n\n{tpb}slug = {merged}\n", after):
            with open(clash, "w") as f:
                f.write(text)
            codes.append(run(unplanet, "-o", d7, "-c", clash, SAMPLE))
        new = sorted(f for f in os.listdir(os.path.join(d7, "authors")) if f.startswith("talk-python-to-me-"))
        check(f"slugs: a merge {label}: each source gets its own feed back, no new files",
              [c for c, _ in codes] == [0, 0, 0] and title_of(d7, "talk-python-to-me") == "Talk Python to Me" and
              title_of(d7, merged) == "Talk Python Blog" and not new, f"{codes} {new}")

    # A [source] slug is kept for its source before the page shows it: no
    # new source takes it meanwhile (the run that first sees the source
    # would find its slug another feed's, and stop, as every run after).
    d8 = os.path.join(work, "reserved")
    with open(clash, "w") as f:
        f.write("[source TP]\nslug = pypy\n")
    rc1, err1 = run(unplanet, "-q", "-o", d8, "-c", clash, SAMPLE)
    rc2, err2 = run(unplanet, "-q", "-o", d8, "-c", clash, newcomer)
    check("slugs: a [source] slug for a source not seen yet is kept for it: it gets it when it shows",
          rc1 == rc2 == 0 and title_of(d8, "pypy") == "TP" and title_of(d8, "pypy-pypy-org") == "PyPy",
          f"exit {rc1} {rc2}: {err1} {err2} {sorted(os.listdir(os.path.join(d8, 'authors')))}")
    # ...also from the first source of a page (the only one here), and
    # only from author feeds: a topic of that name takes it.
    from hostile import BOB, Post, page as make_page
    only_bob = os.path.join(work, "only-bob.html")
    with open(only_bob, "wb") as f:
        f.write(make_page([Post(n, BOB, b"<p>START llamas END</p>") for n in (3, 2, 1)]))

    def reserved(name, config, kind):
        """A run on only_bob under config in a new folder: its exit, and
        the files in its folder kind (or the error)."""
        with open(clash, "w") as f:
            f.write(config)
        d = os.path.join(work, name)
        rc, err = run(unplanet, "-q", "-o", d, "-c", clash, only_bob)
        return d, rc, sorted(os.listdir(os.path.join(d, kind))) if rc == 0 else err
    d9, rc, got = reserved("reserved-first", "[source Someone Else]\nslug = bob\n", "authors")
    check("slugs: a [source] slug for a source not seen yet is kept from the page's first source too",
          rc == 0 and "bob.atom" not in got and title_of(d9, "bob-bob-example") == "Bob", f"exit {rc}: {got}")
    _, rc, got = reserved("reserved-topic", "[source Someone Else]\nslug = llamas\n\n[topic Llamas]\nmatch = llamas\n",
                          "topics")
    check("slugs: a [source] slug kept for a source not seen yet is no topic's: a topic of that name takes it",
          rc == 0 and "llamas.atom" in got, f"exit {rc}: {got}")

    # A source --only leaves out is still archived; once it is let in again
    # its feeds are made from that archive, with what changed meanwhile.
    d6 = os.path.join(work, "only")
    title = "Testing Your Code With Python's unittest"
    edited = os.path.join(work, "edited.html")
    with open(edited, "w", encoding="utf-8") as f:
        f.write(page.replace(title, "Edited while left out", 1))
    rc1, err1 = run(unplanet, "-o", d6, SAMPLE)
    rc2, err2 = run(unplanet, "-o", d6, "--only", "^PyPy$", edited)
    rc3, err3 = run(unplanet, "-o", d6, edited)
    rp = os.path.join(d6, "authors", "real-python.")
    got = [open(rp + ext, encoding="utf-8").read().count("Edited while left out") for ext in ("atom", "rss", "json")]
    check("--only: a source let in again gets feeds with what changed while it was left out",
          rc1 == rc2 == rc3 == 0 and title in page and got == [1, 1, 1], f"{got} {err1} {err2} {err3}")

    # Keys in any case, as Python's configparser reads Planet's own file;
    # section names as written.
    cased = os.path.join(work, "cased.ini")
    with open(cased, "w", encoding="utf-8") as f:
        f.write("[unplanet]\nKEEP = 3\nOutput = %s\nSource: %s\n[topic Django]\nMatch = django\n" %
                (os.path.join(work, "cased"), SAMPLE))
    rc, err = run(unplanet, "-c", cased)
    django = os.path.join(work, "cased", "topics", "django.atom")
    kept = open(django, encoding="utf-8").read().count("<entry>") if os.path.exists(django) else None
    check("config: keys in any case (KEEP, Output, Source, Match)", rc == 0 and kept == 3, f"exit {rc}: {kept} {err}")

    # Quotes are refused only when they wrap a path's value whole: a lone
    # quote, or quotes that do not pair, are a file's name like any (here
    # one the command line's SOURCE stands in for).
    for label, value in (("a lone quote", '"'), ("quotes that do not pair", "\"x'")):
        ini = os.path.join(work, "quote.ini")
        with open(ini, "w", encoding="utf-8") as f:
            f.write("[unplanet]\nsource = %s\n" % value)
        rc, err = run(unplanet, "-c", ini, "--dump", SAMPLE)
        check(f"config: {label} in a file's name is no quoted value", rc == 0, f"exit {rc}: {err}")

    # Every error names the file and the line, exits 78, and comes before
    # anything is fetched or written.
    bad = [
        ("unknown key", "[unplanet]\nfrobnicate = 1\n", 2, "unknown key 'frobnicate'"),
        ("'~' in output (no shell expands it)", "[unplanet]\noutput = ~/feeds\n", 2,
         "output = ~/feeds: '~' is not expanded in a configuration file"),
        ("'~' as the source file", "[unplanet]\nkeep = 5\nsource = ~\n", 3, "source = ~: '~' is not expanded"),
        ("a quoted output folder (the quotes would be part of its name)", "[unplanet]\nkeep = 5\noutput = \"feeds\"\n", 3,
         "output = \"feeds\": quotes are part of a value"),
        ("a quoted base-url", "[unplanet]\nbase-url = 'https://x.example/'\n", 2, "quotes are part of a value"),
        # A URL's password is in no message (cron mails them).
        ("a quoted source with a password, not quoted back", "[unplanet]\nsource = \"https://u:secret@x.example/\"\n", 2,
         "source: quotes are part of a value in a configuration file; write it without them (not quoted here"),
        ("a quoted base-url with a password, not quoted back", "[unplanet]\nbase-url = 'https://u:secret@x.example/'\n",
         2, "base-url: quotes are part of a value"),
        ("a quoted [source] link (the section would match nothing)", "[source PyPy]\nlink = \"https://www.pypy.org/\"\n",
         2, "link: quotes are part of a value"),
        ("[source] link of another scheme", "[source Real Python]\nlink = ftp://realpython.com/\n", 2,
         "link must be the source's site link"),
        ("unknown section, at its header", "[unplanet]\n\n[feeds]\n; x\n\nx = 1\n", 3, "unknown section [feeds]"),
        ("invalid pattern", "[topic Broken]\nmatch = (unclosed\n", 2, "invalid pattern '(unclosed'"),
        ("invalid exclude", "[unplanet]\nexclude = a{2,1}\n", 2, "invalid pattern"),
        ("topic without match", "[unplanet]\n\n[topic Empty]\ntitle = x\n", 3, "needs at least one 'match"),
        ("empty topic section", "[topic Empty]\n", 1, "needs at least one 'match"),
        ("key given twice", "[unplanet]\nkeep = 1\nkeep = 2\n", 3, "given twice"),
        ("key given twice, in another case (named as the line writes it)", "[unplanet]\nkeep = 1\nKeep = 2\n", 3,
         "'Keep' given twice in [unplanet]"),
        ("indented line under a one-line key", "[topic P]\nmatch = p\ndescription = a,\n    b\n", 4,
         "'description' takes one line"),
        ("indented line under a one-line [unplanet] key", "[unplanet]\nbase-url = https://a.example/\n  x\n", 3,
         "'base-url' takes one line"),
        ("bad number", "[unplanet]\nkeep = many\n", 2, "keep needs a number"),
        ("indented line under a header, meant as a value", "[unplanet]\n  ^Quiz:\n", 2,
         "unknown key '^Quiz' in [unplanet] (source, output, base-url, topic, exclude, only, stylesheet, xslt-dir, "
         "keep, force, wait, dump, timeout, max-size, jobs, quiet, verbose); this indented line is read as a key"),
        ("bad boolean", "[unplanet]\nforce = perhaps\n", 2, "force needs yes or no"),
        ("quiet and verbose both yes (a file has no last one to win)", "[unplanet]\nverbose = yes\nkeep = 3\nquiet = yes\n",
         4, "quiet and verbose cannot both be yes"),
        ("bad slug", "[source Real Python]\nslug = Real Python!\n", 2, "slug 'Real Python!'"),
        ("line without =", "[unplanet]\njust some words\n", 2, "expected 'key = value'"),
        ("key before any section", "keep = 1\n", 1, "outside a section"),
        ("unknown topic key", "[topic T]\nmatch = x\ncolour = red\n", 3, "unknown key 'colour'"),
        ("bad base-url", "[unplanet]\nbase-url = feeds.example.org\n", 2, "base-url must be an http(s) URL"),
        ("ftp source", "[unplanet]\nkeep = 3\nsource = ftp://u:secret@x.example/\n", 3,
         "ftp://x.example/: only http and https URLs can be fetched"),
        ("stylesheet name unfit for an extension", "[unplanet]\nstylesheet = ../xs/TSV.xsl\n", 2,
         "../xs/TSV.xsl: a stylesheet's name"),
        ("stylesheet named as a built-in format", "[unplanet]\nkeep = 5\nstylesheet = ../xs/atom.xsl\n", 3,
         "../xs/atom.xsl: a format named \"atom\" is already written by"),
        ("two stylesheets of one name (the first one there)",
         f"[unplanet]\nstylesheet = {HERE}/../xslt/index.xsl\n    ../b/index.xslt\n", 3,
         f"../b/index.xslt: a format named \"index\" is already written by {HERE}/../xslt/index.xsl"),
        ("two topics, one slug (the line of the second's slug)",
         "[topic A]\nmatch = a\nslug = same\n\n[topic B]\nmatch = b\ntitle = b\nslug = same\n", 8, "already uses"),
        ("not UTF-8", "[source Real Python]\nname = Caf\udce9\n", 2, "not valid UTF-8"),
        ("DEL in a topic's name (readers show it as junk)", "[topic A\x7fB]\nmatch = x\n", 1,
         "a control character (U+007F)"),
        ("a C1 control in a title", "[topic A]\nmatch = x\ntitle = a\x85b\n", 3, "a control character (U+0085)"),
        ("a noncharacter in a title (HTML refuses it; it is valid UTF-8)", "[topic A]\nmatch = x\ntitle = a\ufdd0b\n", 3,
         "a noncharacter"),
        ("a folder name with DEL (allowed there) and a byte that is no UTF-8: the byte is named",
         "[unplanet]\nkeep = 5\noutput = /tmp/a\x7fb\udcffc\n", 3, "not valid UTF-8 text"),
        ("unknown section without keys", "[unplanet]\nkeep = 5\n[feeds]\n", 3, "unknown section [feeds]"),
        ("an empty section name, keys below it (not 'outside a section')", "[unplanet]\nkeep = 5\n[ ]\nsource = x\n", 3,
         "unknown section []"),
        ("a CR alone in a section header past inih's first read of it",
         "[unplanet]\nkeep = 5\n[topic " + "a" * 300 + "\rb]\nmatch = x\n", 3, "carriage return alone"),
        ("[topic] without a name", "[unplanet]\n[topic]\n", 2, "unknown section [topic]"),
        ("section header without ']'", "[unplanet]\nkeep = 5\n[topic X\nmatch = x\n", 3, "needs its ']'"),
        ("indented section header", "[topic A]\nmatch = a\n  [topic B]\nmatch = b\n", 3, "must start its line"),
        ("tab-indented section header", "[topic A]\nmatch = a\n\t[topic\tB]\nmatch = b\n", 3, "must start its line"),
        ("indented unknown section, no value above", "[unplanet]\n  [bogus]\n", 2, "must start its line"),
        ("indented [#0], no value above", "[topic A]\nmatch = django\n[unplanet]\n  [#0]\nmatch = flask\n", 4,
         "must start its line"),
        ("indented header as the first line", "  [unplanet]\nkeep = 5\n", 1, "must start its line"),
        ("indented header under a header (no value above for it to continue)", "[unplanet]\n  [topic A]\nmatch = a\n", 2,
         "an indented line here continues no value"),
        ("empty topic after a byte-order mark", "\ufeff[topic Empty]\n", 1, "needs at least one 'match"),
        ("empty exclude (it would drop every entry)", "[unplanet]\nkeep = 5\nexclude =\n", 3, "empty pattern"),
        ("empty match", "[topic T]\nmatch = \n", 2, "empty pattern"),
        ("empty topic", "[unplanet]\ntopic =\nkeep = 5\n", 2, "topic needs NAME=PATTERN: ''"),
        # Names and titles a reader would show as nothing.
        ("a source's name of a no-break space", "[source PyPy]\nname = \u00a0\n", 2, "'name' shows nothing"),
        ("a topic's title of a zero-width space", "[topic T]\nmatch = x\ntitle = \u200b\n", 3, "'title' shows nothing"),
        ("a topic named by a zero-width space", "[unplanet]\nkeep = 5\n[topic \u200b]\nmatch = x\n", 3,
         "a topic's name must show"),
        ("a topic named by a zero-width space, with no keys", "[unplanet]\nkeep = 5\n[topic \u200b]\n", 3,
         "a topic's name must show"),
        ("a topic named by a zero-width space, an unknown key below (the first error, at the header, is said)",
         "[topic \u200b]\nmatch = x\ncolour = red\n", 1, "a topic's name must show"),
        ("a topic = line named by a no-break space", "[unplanet]\ntopic = \u00a0 = x\n", 2, "a topic's name must show"),
        ("empty stylesheet, nothing indented below", "[unplanet]\nstylesheet =\n", 2, "stylesheet needs a file name"),
        ("a stylesheet given as \"\"", "[unplanet]\nstylesheet = \"\"\n", 2, "stylesheet = \"\": quotes are part of a value"),
        ("a NUL byte (it would cut the value short)", "[unplanet]\nkeep = 5\nexclude = a\0b\n", 3, "NUL byte"),
        ("a line over 1 MiB (inih would read its rest as a line of its own)",
         "[topic T]\nmatch = x\ndescription = " + "d" * (1 << 20) + "keep=1\n", 3, "1 MiB or longer"),
        ("the line after one that fills inih's buffer to its '\\n' (that '\\n' is no line of its own)",
         "[unplanet]\n#" + "c" * ((1 << 20) - 2) + "\nbad\n", 3, "expected 'key = value'"),
        ("a header after a form feed (inih skips it, as it does indentation)",
         "[topic A]\nmatch = a\nslug = x\n\f[topic B]\nmatch = b\nslug = x\n", 4, "must start its line"),
        ("two byte-order marks (inih strips the second)", "\ufeff\ufeff[topic A]\ntitle = x\n", 1, "two byte-order marks"),
        ("a key after a section header, on its line", "[unplanet] keep = banana\n", 1, "text after a section header's ']'"),
        ("a number with a sign", "[unplanet]\nkeep = +5\n", 2, "keep needs a number"),
        ("old Mac line ends (CR alone)", "[unplanet]\rbogus = 5\r[topic X]\rmatch = (\r", 1, "carriage return alone"),
        ("a CR alone where inih's read of a long line stops (its next part starts with no '\\n')",
         "[topic X]\nmatch = python\ntitle = " + "y" * 190 + "\rzz\n", 3, "carriage return alone"),
        ("not UTF-8 in a section header", "[unplanet]\nkeep = 5\n\n; c\n[topic \udcff]\nmatch = x\n", 5,
         "not valid UTF-8"),
        # Valid UTF-8 that no feed can hold: said as what it is, not as
        # a file to save again as UTF-8.
        ("a byte-order mark past the start", "[unplanet]\n\ufeffkeep = 5\n", 2, "a byte-order mark (U+FEFF) past the start"),
        ("a byte-order mark inside a value", "[topic A]\nmatch = x\ntitle = x\ufeffy\n", 3,
         "a byte-order mark (U+FEFF) past the start"),
        ("a [source] link with a port past 65535", "[source PyPy]\nlink = www.pypy.org:99999\n", 2,
         "a port up to 65535"),
        ("a control character", "[topic T]\nmatch = a\x01b\n", 2, "a control character (U+0001)"),
        ("a file saved as UTF-16", "\ufeff[unplanet]\nkeep = 5\n".encode("utf-16-le").decode("utf-8", "surrogateescape"), 1,
         "One saved as UTF-16 has them: save it as UTF-8"),
    ]
    for label, text, line, words in bad:
        path = os.path.join(work, "bad.ini")
        out = os.path.join(work, "never")
        with open(path, "w", encoding="utf-8", errors="surrogateescape") as f:
            f.write(text)
        rc, err = run(unplanet, "-c", path, "-o", out, "http://127.0.0.1:1/")
        check(f"config error, {label}: exit 78 with FILE:{line}: and the reason",
              rc == 78 and f"{path}:{line}: " in err and words in err and "secret" not in err, f"exit {rc}: {err}")
        check(f"config error, {label}: nothing written", not os.path.exists(out), "")
    # An invalid pattern is quoted in its error; a long one by its start
    # only, cut between characters, so that a cron mail stays readable.
    with open(path, "w", encoding="utf-8") as f:
        f.write("[topic T]\nmatch = " + "\u00e9" * 5000 + "(\n")
    rc, err = run(unplanet, "-c", path, "-o", os.path.join(work, "never"), SAMPLE)
    check("config error: a 10 000-byte invalid pattern is quoted by its start, its size and the reason given",
          rc == 78 and f"{path}:2: match: invalid pattern '{chr(0xe9) * 100}'... (10001 bytes in all): missing closing "
          "parenthesis at offset 10001" in err and len(err) < 500, f"exit {rc}: {err[:600]}")
    # ...also when its 200th byte is inside a character: the quote stops
    # before that character ("a" and 99 of the 100 two-byte "é" fit).
    with open(path, "w", encoding="utf-8") as f:
        f.write("[topic T]\nmatch = a" + "\u00e9" * 5000 + "(\n")
    rc, err = run(unplanet, "-c", path, "-o", os.path.join(work, "never"), SAMPLE)
    check("config error: a long invalid pattern whose 200th byte is inside a character is quoted up to that character",
          rc == 78 and f"match: invalid pattern 'a{chr(0xe9) * 99}'... (10002 bytes in all)" in err and "\ufffd" not in err,
          f"exit {rc}: {err[:600]}")
    # A NUL byte is found wherever the file comes from: /dev/zero (which
    # reads without end), a pipe (whose position tells nothing).
    out = os.path.join(work, "never")
    for label, source, line in (("/dev/zero", "/dev/zero", 1),
                                ("a pipe", b"[unplanet]\nexclude = ^Quiz\0:|.\n", 2)):
        stdin = None if isinstance(source, str) else source
        try:
            r = subprocess.run([unplanet, "-c", source if stdin is None else "/dev/stdin", "-o", out, SAMPLE],
                               input=stdin, capture_output=True, timeout=30)
            rc, err = r.returncode, r.stderr.decode("utf-8", "replace")
        except subprocess.TimeoutExpired:
            rc, err = None, "still running after 30 s"
        named = source if stdin is None else "/dev/stdin"
        check(f"config error, a NUL byte from {label}: exit 78 with FILE:{line}:, nothing written",
              rc == 78 and f"{named}:{line}: a NUL byte" in err and not os.path.exists(out), f"exit {rc}: {err}")
    # A line of CRLF that fills inih's buffer to its '\r': its '\n' ends it.
    with open(path, "w", newline="") as f:
        f.write("[unplanet]\r\n;" + "c" * ((1 << 20) - 3) + "\r\nkeep = 5\r\n")
    rc, out_xml, err = run_out(unplanet, "-c", path, "--dump", SAMPLE)
    check("config: a CRLF line that fills inih's buffer up to its '\\r' is one line, the next key read",
          rc == 0 and out_xml.count("<entry") > 0 and err == "", f"exit {rc}: {err[:300]}")
    # A CRLF section header of any length reads whole: one whose '\r' ends
    # what inih reads of it at once (its buffer's size, less 2) too.
    wrong = []
    for n in range(150, 450):
        with open(path, "w", newline="") as f:
            f.write("[unplanet]\r\nkeep = 5\r\n[source " + "x" * n + "]\r\nlink = https://x.example/\r\n")
        rc, err = run(unplanet, "-c", path, "-o", out, "http://127.0.0.1:1/")
        if rc != 69:
            wrong.append(f"{n}: exit {rc}: {err[:120]}")
    check("config: a CRLF section header of any length (150 to 450 bytes) is read whole, the line after it too",
          not wrong, "; ".join(wrong[:3]))
    # An indented '#' line among a list's lines is a comment (as in
    # Python's configparser, the README says so), and '\#' is the pattern.
    counts = []
    for second in ("#|python", "\\#|python"):
        with open(path, "w") as f:
            f.write("[unplanet]\nexclude =\n  ^Quiz\n  " + second + "\n")
        rc, out_xml, err = run_out(unplanet, "-c", path, "--dump", SAMPLE)
        counts.append(out_xml.count("<entry>") if rc == 0 else -1)
    with open(path, "w") as f:
        f.write("[unplanet]\nexclude = ^Quiz\n")
    rc, out_xml, err = run_out(unplanet, "-c", path, "--dump", SAMPLE)
    check("config: an indented '#' line among a list's lines is a comment, an indented '\\#' one a pattern",
          rc == 0 and counts[0] == out_xml.count("<entry>") > counts[1] > 0, f"{counts} {out_xml.count('<entry>')}")
    # A byte-order mark changes nothing of how lines are read: a first line
    # of any length after it is one line (a comment holding "[source ...]"
    # at the point inih's first read of it ended stays a comment), and the
    # lines after it are counted right.
    wrong = []
    for n in range(150, 450):
        with open(path, "w") as f:
            f.write("\ufeff; " + "c" * n + "[source Talk Python to Me]\nslug = pypy\n[unplanet]\njunk\n")
        rc, err = run(unplanet, "-c", path, "-o", out, "http://127.0.0.1:1/")
        if rc != 78 or f"{path}:2: 'slug' outside a section" not in err:
            wrong.append(f"{n}: exit {rc}: {err[:120]}")
        with open(path, "w") as f:
            f.write("\ufeff; " + "c" * n + "\n[unplanet]\njunk\n")
        rc, err = run(unplanet, "-c", path, "-o", out, "http://127.0.0.1:1/")
        if rc != 78 or f"{path}:3: expected 'key = value'" not in err:
            wrong.append(f"{n}: exit {rc}: {err[:120]}")
    check("config: after a byte-order mark, a first line of any length (150 to 450 bytes) is one line, "
          "the lines after it counted right", not wrong, "; ".join(wrong[:3]))
    # A value quoted whole in a message is cut in its middle, as every
    # message line over 4 KiB is, so a cron mail stays readable and the
    # message's end stays.
    with open(path, "w") as f:
        f.write("[unplanet]\nkeep = " + "7" * 900000 + "\n")
    rc, err = run(unplanet, "-c", path, "-o", out, SAMPLE)
    check("config error: a 900 000-byte value is quoted by its start and end, its middle left out",
          rc == 78 and f"{path}:2: keep needs a number" in err and len(err.encode()) < 4300 and
          "bytes left out" in err and err.rstrip().endswith("777'"), f"exit {rc}: {len(err)} bytes: {err[:200]}")
    # ...but not the file's name, however long: the line and reason stay.
    deep = os.path.join(work, *(c * 200 for c in "abcde"))
    os.makedirs(deep, exist_ok=True)
    with open(os.path.join(deep, "x.ini"), "w") as f:
        f.write("[unplanet]\nkeep = " + "7" * 3000 + "\n")
    rc, err = run(unplanet, "-c", os.path.join(deep, "x.ini"), "-o", out, SAMPLE)
    check("config error: a 1 000-byte file name keeps its line and the reason in a cut message",
          rc == 78 and f"x.ini:2: keep needs a number" in err, f"exit {rc}: {err[:100]}...{err[-100:]}")
    # An unknown key's message lists the keys [unplanet] takes: every long
    # option of --help but --config, --help and --version, and source.
    with open(path, "w") as f:
        f.write("[unplanet]\nbaseurl = https://x.example/\n")
    rc, err = run(unplanet, "-c", path, SAMPLE)
    listed = re.search(r"unknown key 'baseurl' in \[unplanet\] \(([a-z, -]+)\)", err)
    helped = subprocess.run([unplanet, "--help"], capture_output=True, text=True).stdout
    options = set(re.findall(r"--([a-z][a-z-]+)", helped)) - {"config", "help", "version"} | {"source"}
    check("config: an unknown key's message lists every key of [unplanet], as --help gives the options",
          rc == 78 and listed is not None and set(listed.group(1).split(", ")) == options,
          f"{listed.group(1) if listed else err} vs {sorted(options)}")
    # A stylesheet the file names that is missing or broken shows only when
    # it is loaded; the message still says which line named it, and the
    # exit code is the stylesheet's own (as on the command line).
    broken = os.path.join(work, "broken.xsl")
    with open(broken, "w") as f:
        f.write("<not-a-stylesheet/>\n")
    for label, sheet, code, words in (("missing", os.path.join(work, "no-such.xsl"), 66, "cannot read stylesheet"),
                                      ("not XSLT", broken, 64, "not a usable XSLT stylesheet")):
        path = os.path.join(work, "bad.ini")
        out = os.path.join(work, "never")
        with open(path, "w") as f:
            f.write(f"[unplanet]\nkeep = 5\n\nstylesheet = {sheet}\n")
        rc, err = run(unplanet, "-c", path, "-o", out, SAMPLE)
        check(f"config: a {label} stylesheet named in the file: exit {code}, FILE:LINE: and the stylesheet named",
              rc == code and f"{path}:4: {sheet}: {words}" in err and not os.path.exists(out), f"exit {rc}: {err}")
        rc, err = run(unplanet, "-s", sheet, "-o", out, SAMPLE)
        check(f"config: ...the same stylesheet on the command line names no file line",
              rc == code and err.startswith(f"unplanet: {sheet}: {words}"), f"exit {rc}: {err}")
    # So does a built-in stylesheet an xslt-dir in the file points to.
    path = os.path.join(work, "bad.ini")
    missing = os.path.join(work, "no-such-folder")
    with open(path, "w") as f:
        f.write(f"[unplanet]\nkeep = 5\nxslt-dir = {missing}\n")
    rc, err = run(unplanet, "-c", path, "-o", os.path.join(work, "never"), SAMPLE)
    check("config: an xslt-dir without the stylesheets: exit 66, FILE:LINE: and the stylesheet named",
          rc == 66 and f"{path}:3: {missing}/atom.xsl: cannot read stylesheet" in err and
          not os.path.exists(os.path.join(work, "never")), f"exit {rc}: {err}")
    # A source or output folder from the file is named with its line: a
    # relative path is read from the current folder, which cron's is not.
    with open(path, "w") as f:
        f.write("[unplanet]\nsource = no-such-page.html\n\noutput = no-such-folder/feeds\n")
    rc, err = run(unplanet, "-c", path)
    check("config: an output folder from the file that cannot be made: exit 73, FILE:LINE: first",
          rc == 73 and err.startswith(f"unplanet: {path}:4: no-such-folder/feeds: cannot create"), f"exit {rc}: {err}")
    rc, err = run(unplanet, "-c", path, "-o", os.path.join(work, "never"))
    check("config: a source from the file that cannot be opened: exit 66, FILE:LINE: first",
          rc == 66 and err.startswith(f"unplanet: {path}:2: no-such-page.html: cannot open") and
          not os.path.exists(os.path.join(work, "never")), f"exit {rc}: {err}")
    rc, err = run(unplanet, "-c", path, "-o", os.path.join(work, "never"), "no-such-page.html")
    check("config: ...the same source on the command line names no file line",
          rc == 66 and err.startswith("unplanet: no-such-page.html: cannot open"), f"exit {rc}: {err}")
    # A topic's name is trimmed and its white space collapsed, from either place.
    for args in (["-t", " Web \t dev =python"], ["-c", os.path.join(work, "spaced.ini")]):
        with open(os.path.join(work, "spaced.ini"), "w") as f:
            f.write("[topic   Web  dev ]\nmatch = python\n")
        dump = subprocess.run([unplanet, "--dump", *args, SAMPLE], capture_output=True, text=True).stdout
        check(f"topics: name trimmed and collapsed ({args[0]})",
              'kind="topic" slug="web-dev"' in dump and "<title>Planet Python \u2014 Web dev</title>" in dump, dump[:200])

    # A [source] section no source matches (a typo) is named in a warning,
    # by its header's line; one that matches, or -q, prints nothing.
    path = os.path.join(work, "typo.ini")
    got = []
    for text, args in (("[source talk python to me]\n; a comment\n\nslug = tp\n", ()), ("[source Talk Python to Me]\nslug = tp\n", ()),
                       ("[source talk python to me]\nslug = tp\n", ("-q",))):
        with open(path, "w") as f:
            f.write(text)
        got.append(run(unplanet, "-c", path, "--dump", *args, SAMPLE))
    # A name typed in decomposed form (as some editors save it) looks like
    # the page's, and fits it; so does one typed with plain spaces where
    # the page writes &nbsp; and a zero-width space (names are compared as
    # patterns see them).
    with open(os.path.join(work, "nfd.ini"), "w", encoding="utf-8") as f:
        f.write("[source Rodrigo Gira\u0303o Serra\u0303o]\nslug = rgs\n")
    out = os.path.join(work, "nfd-out")
    rc, err = run(unplanet, "-c", os.path.join(work, "nfd.ini"), "-o", out, SAMPLE)
    check("config: a [source] name with combining marks for the page's accented letters fits that source",
          rc == 0 and err == "" and os.path.exists(os.path.join(out, "authors", "rgs.atom"))
          and not os.path.exists(os.path.join(out, "authors", "rodrigo-girao-serrao.atom")), err)
    nbsp_page = os.path.join(work, "nbsp-page.html")
    with open(SAMPLE, encoding="utf-8") as f, open(nbsp_page, "w", encoding="utf-8") as g:
        g.write(f.read().replace(">Talk Python Blog<", ">Talk&nbsp;Python &#x200b;Blog<"))
    with open(os.path.join(work, "nbsp.ini"), "w", encoding="utf-8") as f:
        f.write("[source Talk Python Blog]\nslug = tpb\n")
    out = os.path.join(work, "nbsp-out")
    rc, err = run(unplanet, "-c", os.path.join(work, "nbsp.ini"), "-o", out, nbsp_page)
    check("config: a [source] name typed with spaces fits the page's name written with &nbsp; and a zero-width space",
          rc == 0 and err == "" and os.path.exists(os.path.join(out, "authors", "tpb.atom")), err)
    # Both decomposed, differing in case alone: no word of the accents.
    nfd_page = os.path.join(work, "nfd-page.html")
    with open(SAMPLE, encoding="utf-8") as f, open(nfd_page, "w", encoding="utf-8") as g:
        g.write(f.read().replace("Rodrigo Gir\u00e3o Serr\u00e3o", "Rodrigo Gira\u0303o Serra\u0303o"))
    with open(os.path.join(work, "nfd-case.ini"), "w", encoding="utf-8") as f:
        f.write("[source rodrigo gira\u0303o serra\u0303o]\nslug = rgs\n")
    rc, err = run(unplanet, "-c", os.path.join(work, "nfd-case.ini"), "--dump", nfd_page)
    check("config: a [source] name decomposed as the page's, in another case: did you mean, with no word of accents",
          rc == 0 and "did you mean [source Rodrigo Gira\u0303o Serra\u0303o]?" in err and "combining mark" not in err, err)
    check("config: a [source] section that matches no source is named in a warning, FILE:LINE first",
          got[0][0] == 0 and f"warning: {path}:1: [source talk python to me] matches no source" in got[0][1], got[0][1])
    check("config: ...a matching one, or -q, prints nothing", got[1] == (0, "") and got[2] == (0, ""), f"{got[1:]}")
    with open(path, "w") as f:
        f.write("[source Real Python]\n\nslug = a\n\n[source Real Python]\n# b\nlink = https://realpython.com/\nslug = b\n")
    rc, err = run(unplanet, "-c", path, "--dump", SAMPLE)
    check("config: a section an earlier one shadows is named with the one that takes its sources",
          rc == 0 and f"{path}:5: [source Real Python] applies to no source: the section at {path}:1 takes them first" in err, err)

    # Every section that matches nothing is named, not only the first.
    with open(path, "w") as f:
        f.write("[source Carol]\n\nslug = c\n\n[source PyPy]\nslug = p\n\n[source Dave]\n; d\nslug = d\n")
    rc, err = run(unplanet, "-c", path, "--dump", SAMPLE)
    check("config: every [source] section that matches no source is warned about, each by its line",
          rc == 0 and f"{path}:1: [source Carol] matches no source" in err
          and f"{path}:8: [source Dave] matches no source" in err and "PyPy" not in err, err)

    # A [source] link is the page's site link however it is spelt (scheme,
    # host case, default port, "/" for no path); only a real difference
    # keeps the section from applying, and the warning says what the page has.
    real = [(e["source_name"], e["source_link"]) for e in TRUTH if e["source_name"] == "Real Python"][0]
    assert real[1] == "https://realpython.com/", real
    for link in ("https://realpython.com/", "http://realpython.com/", "https://RealPython.com", "HTTPS://realpython.com:443/",
                 "http://realpython.com:80", "https://realpython.com:0443#top", "realpython.com", "realpython.com/",
                 "//realpython.com"):
        with open(path, "w") as f:
            f.write(f"[source Real Python]\nlink = {link}\nslug = rp\n")
        rc, out, err = run_out(unplanet, "-c", path, "--dump", SAMPLE)
        check(f"config: [source] link {link} fits the page's {real[1]}",
              rc == 0 and err == "" and 'kind="author" slug="rp"' in out, f"exit {rc}: {err}")
    # ...and a folder with its last "/" or without.
    with open(path, "w", encoding="utf-8") as f:
        f.write("[source Rodrigo Girão Serrão]\nlink = https://mathspp.com/blog/tags/python/\nslug = rp\n")
    rc, out, err = run_out(unplanet, "-c", path, "--dump", SAMPLE)
    check("config: [source] link https://mathspp.com/blog/tags/python/ fits the page's "
          "https://mathspp.com/blog/tags/python", rc == 0 and err == "" and 'kind="author" slug="rp"' in out,
          f"exit {rc}: {err}")
    for link, seen in (("https://www.realpython.com/", "https://realpython.com/"), ("https://realpython.com:8080/", "https://realpython.com/"),
                       ("https://realpython.com/blog/", "https://realpython.com/"),
                       ("https://mathspp.com/blog/tags/", "https://mathspp.com/blog/tags/python")):
        name = "Real Python" if "realpython" in link else "Rodrigo Girão Serrão"
        with open(path, "w", encoding="utf-8") as f:
            f.write(f"[source {name}]\nlink = {link}\nslug = rp\n")
        rc, out, err = run_out(unplanet, "-c", path, "--dump", SAMPLE)
        check(f"config: [source] link {link} fits no source; the warning gives the page's link",
              rc == 0 and 'slug="rp"' not in out and
              f"{path}:1: [source {name}] matches no source on the page (--dump reads no archive): its link is {link}, "
              f"the source of that name links to {seen}\n" in err, f"exit {rc}: {err}")
    # ...the link of a source of that name that has one, though the page
    # shows the name first without a link.
    unlinked = os.path.join(work, "unlinked.html")
    header = '<h3 class="post"><a href="https://realpython.com/" title="Real Python">Real Python</a></h3>'
    with open(unlinked, "w", encoding="utf-8") as f:
        f.write(open(SAMPLE, encoding="utf-8").read().replace(header, '<h3 class="post"><a title="Real Python">Real Python</a></h3>', 1))
    with open(path, "w", encoding="utf-8") as f:
        f.write("[source Real Python]\nlink = https://other.example/\nslug = rp\n")
    rc, out, err = run_out(unplanet, "-c", path, "--dump", unlinked)
    check("config: [source] link that fits no source, the name's first source without a link: the warning gives "
          "the link another of that name has", rc == 0 and "its link is https://other.example/, the source of that "
          "name links to https://realpython.com/\n" in err, f"exit {rc}: {err}")
    # A section named at length (3 MB) is named by its start and end: the
    # warning, printed every run, keeps where and what to do.
    with open(path, "w") as f:
        f.write("[source " + "A" * 3000000 + "]\nslug = rp\n")
    rc, err = run(unplanet, "-c", path, "--dump", SAMPLE)
    check("config: a [source] section of a 3 MB name that matches no source: a warning of 4 KiB or so, "
          "its start and its end", rc == 0 and len(err.encode()) < 4300 and
          err.startswith(f"unplanet: warning: {path}:1: [source AAA") and "bytes left out" in err and
          err.endswith("AAA] matches no source on the page (--dump reads no archive): a typo (names match exactly, "
                       "case included), or a name no longer in use, whose section can go\n"), f"exit {rc}: {err[:300]}")
    for link in ("https://", "https:///x", "https://:443/", "ftp://realpython.com/", "https://realpython.com/ x",
                 "https://realpython.com:https/", "mailto:team@realpython.com", "https://me:s3cret@realpython.com/"):
        with open(path, "w") as f:
            f.write(f"[source Real Python]\nslug = rp\nlink = {link}\n")
        rc, err = run(unplanet, "-c", path, "--dump", SAMPLE)
        check(f"config: [source] link '{link}' is no site link: exit 78 at its line, the value not repeated",
              rc == 78 and err.startswith(f"unplanet: {path}:3: link must be the source's site link") and "s3cret" not in err,
              f"exit {rc}: {err}")
    # A section without a link after one with it, for the same name: the
    # first takes every source of that name, and the warning says so.
    with open(path, "w") as f:
        f.write("[source Real Python]\nlink = https://realpython.com/\nslug = a\n\n[source Real Python]\nslug = b\n")
    rc, err = run(unplanet, "-c", path, "--dump", SAMPLE)
    check("config: a section without link after one with it is named with the one that takes its sources",
          rc == 0 and err == f"unplanet: warning: {path}:5: [source Real Python] applies to no source: the section at "
          f"{path}:1 takes them first\n", err)
    # A name that differs in case or punctuation only: the warning names
    # the page's (the sample's has a typographic apostrophe).
    for written, meant in (("PyCoder's Weekly", "PyCoder\u2019s Weekly"), ("real python", "Real Python"),
                           ("Rodrigo Girao Serrao", "Rodrigo Girão Serrão")):
        assert any(e["source_name"] == meant for e in TRUTH), meant
        with open(path, "w", encoding="utf-8") as f:
            f.write(f"[source {written}]\nslug = x\n")
        rc, err = run(unplanet, "-c", path, "--dump", SAMPLE)
        check(f"config: [source {written}] matches no source; the warning asks whether it meant [source {meant}]",
              rc == 0 and err.endswith(f"did you mean [source {meant}]?\n"), f"exit {rc}: {err}")

    # A pattern that backtracks catastrophically: the run completes, and a
    # warning names the pattern (it is retired after a few give-ups).
    rc, err = run(unplanet, "--dump", "-t", r"Slow=(\w+\s?)+$", SAMPLE)
    check("topics: a catastrophic pattern: the run completes, a warning names it",
          rc == 0 and "pattern matches gave up" in err and r"'(\w+\s?)+$', for too much backtracking" in err,
          f"exit {rc}: {err}")
    # One that fails otherwise (a recursion that loops) is said as PCRE2 says it.
    rc, err = run(unplanet, "--dump", "-t", r"Loop=(a|(?R))", SAMPLE)
    check("topics: a pattern whose matches fail (a recursion that loops): the warning says why",
          rc == 0 and "'(a|(?R))', for nested recursion at the same subject position" in err, f"exit {rc}: {err}")

    # "NAME = PATTERN" reads as "NAME=PATTERN", as the file's "key = value".
    d8 = os.path.join(work, "spaced-eq")
    rc, err = run(unplanet, "-o", d8, "-t", "Renew = ^Renew", SAMPLE)
    got = set(ids(os.path.join(d8, "topics", "renew.atom"))) if rc == 0 else err
    check("topics: spaces around '=' in --topic are not part of the pattern", got == matching("^Renew") and got, f"{got}")

    # configparser's list layout: a key with no value on its line, then
    # indented lines, one pattern each, reads as the key given per line
    # (also a pattern that starts with '[', not a section header).
    def dumps_of(*texts):
        """(exit, dump, stderr) of --dump with each text as the config file."""
        got = []
        for text in texts:
            path = os.path.join(work, "list.ini")
            with open(path, "w") as f:
                f.write(text)
            r = subprocess.run([unplanet, "-c", path, "--dump", SAMPLE], capture_output=True)
            got.append((r.returncode, r.stdout, r.stderr))
        return got
    dumps = dumps_of("[unplanet]\nexclude =\n    ^Quiz:\n    ^Renew\n\n[topic Django]\nmatch =\n  [Dd]jango\n  wagtail\n",
                     "[unplanet]\nexclude = ^Quiz:\nexclude = ^Renew\n\n[topic Django]\nmatch = [Dd]jango\nmatch = wagtail\n")
    check("config: 'exclude =' then indented patterns is the same as one 'exclude =' per pattern",
          dumps[0] == dumps[1] and dumps[0][0] == 0 and dumps[0][1].count(b"<entry>") < 25 + len(matching("django|wagtail")),
          f"{dumps[0][0]} {dumps[0][2]} {dumps[1][2]}")

    # ...for every list key: topic (compared the same way) and stylesheet.
    dumps = dumps_of("[unplanet]\ntopic =\n    Django=[Dd]jango\n    Renew = ^Renew\n",
                     "[unplanet]\ntopic = Django=[Dd]jango\ntopic = Renew = ^Renew\n")
    check("config: 'topic =' then indented NAME=PATTERN lines is the same as one 'topic =' per topic",
          dumps[0] == dumps[1] and dumps[0][0] == 0 and dumps[0][1].count(b'kind="topic"') == 2,
          f"{dumps[0][0]} {dumps[0][2]} {dumps[1][2]}")
    for name in ("one", "two"):
        with open(os.path.join(work, name + ".xsl"), "w") as f:
            f.write('<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">'
                    '<xsl:output method="text"/><xsl:template match="/">' + name + '</xsl:template>'
                    '</xsl:stylesheet>\n')
    path = os.path.join(work, "sheets.ini")
    with open(path, "w") as f:
        f.write(f"[unplanet]\nstylesheet =\n    {work}/one.xsl\n    {work}/two.xsl\n")
    d9 = os.path.join(work, "sheet-list")
    rc, err = run(unplanet, "-c", path, "-o", d9, SAMPLE)
    got = [open(os.path.join(d9, "authors", "real-python." + n), encoding="utf-8").read() if rc == 0 else err
           for n in ("one", "two")]
    check("config: 'stylesheet =' then indented file names adds each stylesheet", got == ["one", "two"], f"{got}")

    # Two sources of one name, told apart by link, each with a section.
    from hostile import BOB, BOB2, Post, page
    path = os.path.join(work, "two-bobs.ini")
    with open(path, "w") as f:
        f.write("[source Bob]\nlink = https://bob.example/\nslug = bob-one\n\n"
                "[source Bob]\nlink = https://other-bob.example/\nslug = bob-two\n")
    open(os.path.join(work, "bobs.html"), "wb").write(page([Post(1, BOB, b"<p>START a END</p>"), Post(2, BOB2, b"<p>START b END</p>")]))
    r = subprocess.run([unplanet, "-c", path, "--dump", os.path.join(work, "bobs.html")], capture_output=True, text=True)
    slugs = sorted(re.findall(r'kind="author" slug="([^"]+)"', r.stdout))
    check("config: two sources of one name, told apart by link, each get their own [source] section",
          r.returncode == 0 and slugs == ["bob-one", "bob-two"] and r.stderr == "", f"{slugs} {r.stderr}")

    # Patterns see the visible text, not the markup: a word only in a link's
    # address, or an entity's spelling, matches nothing; the character an
    # entity stands for does.
    open(os.path.join(work, "markup.html"), "wb").write(page([Post(1, BOB, b'<p>START See <a href="https://pypi.org/'
                                                                  b'project/foo/">the package</a>, R&amp;D. END</p>')]))
    counts = []
    for pattern in ("PyPI=pypi", "RD=R&D", "Amp=&amp;", "Href=href"):
        r = subprocess.run([unplanet, "-t", pattern, "--dump", os.path.join(work, "markup.html")], capture_output=True,
                           text=True)
        feed = [f for f in ET.fromstring(r.stdout).findall("feed") if f.get("kind") == "topic"] if r.returncode == 0 else []
        counts.append(len(feed[0].findall("entry")) if feed else r.stderr)
    check("topics: patterns match the visible text, not links, tags or entity spellings", counts == [0, 1, 0, 0],
          f"PyPI, R&D, &amp;, href: {counts}")

    # A feed merging two sources keeps its title and link whichever posted
    # last; --only also knows a renamed source by the page's name.
    alpha, zeta = ("Alpha", "https://alpha.example/", "Alpha"), ("Zeta", "https://zeta.example/", "Zeta")

    def merged_feed(ini):
        """The merged feed's (title, link) when Alpha posted last, then when Zeta did."""
        path = os.path.join(work, "merge.ini")
        with open(path, "w") as f:
            f.write(ini)
        seen = []
        for order in ((alpha, zeta), (zeta, alpha)):
            page_path = os.path.join(work, "merge.html")
            open(page_path, "wb").write(page([Post(i + 1, src, b"<p>START x END</p>", hour=10 - i)
                                              for i, src in enumerate(order)]))
            r = subprocess.run([unplanet, "-c", path, "--dump", page_path], capture_output=True, text=True)
            feed = ET.fromstring(r.stdout).find("feed") if r.returncode == 0 else None
            seen.append((feed.findtext("title"), feed.findtext("link")) if feed is not None else r.stderr)
        return seen
    seen = merged_feed("[source Alpha]\nslug = az\n\n[source Zeta]\nslug = az\n")
    check("config: a merged feed's title and link do not change with which source posted last",
          seen == [("Alpha", "https://alpha.example/")] * 2, f"{seen}")
    seen = merged_feed("[source Alpha]\nname = A feed\nslug = az\n\n[source Zeta]\nname = Z feed\nslug = az\n")
    check("config: ...nor when two of its sections name it: the first in the file does",
          seen == [("A feed", "https://alpha.example/")] * 2, f"{seen}")
    path = os.path.join(work, "only-renamed.ini")
    with open(path, "w") as f:
        f.write("[unplanet]\nonly = ^Real Python$\n\n[source Real Python]\nname = RP Tutorials\n")
    r = subprocess.run([unplanet, "-c", path, "-o", os.path.join(work, "only-renamed"), SAMPLE], capture_output=True, text=True)
    authors = os.path.join(work, "only-renamed", "authors")
    files = sorted(os.listdir(authors)) if r.returncode == 0 and os.path.isdir(authors) else r.stderr
    check("config: --only matches a renamed source by the page's name", files == ["rp-tutorials.atom", "rp-tutorials.json",
          "rp-tutorials.rss"], f"{files}")

    # A value just under the line limit is read whole.
    path = os.path.join(work, "near-limit.ini")
    with open(path, "w", encoding="utf-8") as f:
        f.write("[topic T]\nmatch = x\ndescription = " + "d" * ((1 << 20) - 100) + "END\n\n[unplanet]\nkeep = 5\n")
    rc, err = run(unplanet, "-c", path, "--dump", SAMPLE)
    check("config: a line just under 1 MiB is read whole", rc == 0, f"exit {rc}: {err[:300]}")

    # A comment may follow a header's ']', ']' and all; a name may hold ']'.
    path = os.path.join(work, "header-comments.ini")
    with open(path, "w", encoding="utf-8") as f:
        f.write("[unplanet] ; main settings [see README]\nkeep = 5\n\n[topic Dj] ; a [note]\nmatch = django\n\n"
                "[topic Odd [x]] # kept\nmatch = python\n")
    rc, err = run(unplanet, "-c", path, "-o", os.path.join(work, "header-comments"), SAMPLE)
    topics = sorted(os.listdir(os.path.join(work, "header-comments", "topics"))) if rc == 0 else err
    check("config: a comment after a section header's ']', ']' and all; a topic named with ']'",
          topics == ["dj.atom", "dj.json", "dj.rss", "odd-x.atom", "odd-x.json", "odd-x.rss"], f"{topics}")
    # Section names longer than inih's 49 bytes are read whole.
    long_name = "Python packaging, wheels, and the many ways to install them"
    path = os.path.join(work, "long.ini")
    with open(path, "w", encoding="utf-8") as f:
        f.write(f"[unplanet]  ; {'a comment longer than inih reads at once ' * 8}\nkeep = 40\n\n"
                f"[topic {long_name}]\nmatch = python\n")
    out = os.path.join(work, "long")
    rc, err = run(unplanet, "-c", path, "-o", out, SAMPLE)
    files = os.listdir(os.path.join(out, "topics")) if rc == 0 else []
    atom = [f for f in files if f.endswith(".atom")]
    check("config: a section name over 49 bytes is read whole",
          rc == 0 and len(atom) == 1 and long_name in open(os.path.join(out, "topics", atom[0]), encoding="utf-8").read(),
          f"exit {rc}: {err} {files}")
    rc, err = run(unplanet, "-c", work, SAMPLE)
    check("config error: a folder given as the file exits 78 saying so", rc == 78 and "is a folder" in err, err)
    rc, err = run(unplanet, "-c", os.path.join(work, "missing.ini"), SAMPLE)
    check("config error: missing file exits 78 naming it", rc == 78 and "missing.ini" in err, err)
    rc, err = run(unplanet, "--topic", "Broken=(", SAMPLE)
    check("invalid --topic pattern: exit 64 with the reason, naming the topic",
          rc == 64 and "topic Broken: invalid pattern '('" in err, err)
    # Said of the pattern as written, though matched composed (NFC).
    rc, err = run(unplanet, "--topic", "Accent=e\u0301(", SAMPLE)
    check("invalid --topic pattern with a decomposed accent: its offset in the pattern as written",
          rc == 64 and "missing closing parenthesis at offset 4" in err, err)
    rc, err = run(unplanet, "--topic", "no-equals-sign", SAMPLE)
    check("--topic without NAME=: exit 64", rc == 64 and "NAME=PATTERN" in err, err)
    rc, err = run(unplanet, "--topic", "Django=", SAMPLE)
    check("--topic with an empty pattern: exit 64, refused as every empty pattern is",
          rc == 64 and "topic Django: empty pattern (it would match everything" in err, err)
    rc, err = run(unplanet, "--exclude", "[z-a]", SAMPLE)
    check("invalid --exclude pattern: exit 64, naming the setting", rc == 64 and "exclude: invalid pattern" in err, err)
    rc, err = run(unplanet, "--only", "(", SAMPLE)
    check("invalid --only pattern: exit 64, naming the setting", rc == 64 and "only: invalid pattern '('" in err, err)
    # \C matches one byte, which may stop inside a character of the UTF-8
    # text patterns see: refused, as PCRE2 lets an application do.
    rc, err = run(unplanet, "--exclude", "caf\\C", SAMPLE)
    check("a pattern with \\C (one byte, inside a character) is refused: exit 64", rc == 64 and "\\C is disabled" in err, err)
    # An --exclude that hides every entry is most likely a pattern that
    # matches an empty text: said (not under -q), and the run goes on.
    rc, err = run(unplanet, "--dump", "-x", "^Quiz:|", SAMPLE)
    rc2, err2 = run(unplanet, "--dump", "-x", "^Quiz:", SAMPLE)
    rc3, err3 = run(unplanet, "-q", "--dump", "-x", "x*", SAMPLE)
    rc4, err4 = run(unplanet, "--dump", "-x", ".", SAMPLE)
    check("--exclude hiding every entry with a pattern that matches an empty text: a warning saying so (exit 0); "
          "none for one that hides some, or all but matches no empty text, none under -q",
          rc == 0 and f"--exclude hides every entry ({len(TRUTH)}): a pattern matches an empty text" in err and
          rc2 == 0 and err2 == "" and rc3 == 0 and err3 == "" and rc4 == 0 and err4 == "",
          f"{err} | {err2} | {err3} | {err4}")
    # PCRE2's limit counts again at each place a match is tried; what keeps
    # a pattern from trying every place of a long post, with a deal of
    # work at each, is its optimizations: the verbs that switch them off
    # are refused, on the command line and in a file.
    bad = []
    for verb in ("(*NO_START_OPT)", "(*NO_DOTSTAR_ANCHOR)", "(*NO_AUTO_POSSESS)", "(*NO_JIT)", "(*UTF)(*NO_JIT)"):
        rc, err = run(unplanet, "--dump", "-t", f"Slow={verb}.*.*y\\d", SAMPLE)
        if not (rc == 64 and f"topic Slow: invalid pattern '{verb}.*.*y\\d'" in err and "are refused" in err):
            bad.append(f"{verb}: exit {rc}: {err}")
    conf = os.path.join(work, "verb.ini")
    open(conf, "w").write("[topic Slow]\nmatch = django\nmatch = (*NO_START_OPT)python\n")
    rc, err = run(unplanet, "--dump", "-c", conf, SAMPLE)
    if not (rc == 78 and f"{conf}:3:" in err and "are refused" in err):
        bad.append(f"in a file: exit {rc}: {err}")
    rc, err = run(unplanet, "--dump", "-t", "Fine=(*LIMIT_MATCH=1000)(*UTF)django", SAMPLE)
    if rc != 0:
        bad.append(f"(*LIMIT_MATCH=1000)(*UTF): exit {rc}: {err}")
    check("patterns: the verbs that switch PCRE2's optimizations off are refused (exit 64, 78 in a file, "
          "FILE:LINE), others taken", not bad, "; ".join(bad))

    # The sample configuration is valid and documents every [unplanet] key.
    sample = os.path.join(HERE, "..", "samples", "unplanet.ini")
    d = os.path.join(work, "sample-ini")
    rc, err = run(unplanet, "-c", sample, "-o", d, SAMPLE)
    check("samples/unplanet.ini is a valid configuration", rc == 0, err)
    text = open(sample, encoding="utf-8").read()
    help_text = subprocess.run([unplanet, "--help"], capture_output=True, text=True).stdout
    options = set(re.findall(r"--([a-z][a-z-]+)", help_text)) - {"help", "version", "config"}
    missing = [o for o in sorted(options) if not re.search(rf"^;?\s*{o}\s*=", text, re.M)]
    check("samples/unplanet.ini shows every option as a key", not missing, f"missing {missing}")

    # Booleans take off/OFF; a list on the command line replaces the file's.
    conf = os.path.join(work, "booleans.ini")
    open(conf, "w").write("[unplanet]\nquiet = off\nforce = OFF\n")
    rc, err = run(unplanet, "-c", conf, "-o", os.path.join(work, "booleans"), SAMPLE)
    check("config: booleans take off and OFF", rc == 0, err)
    conf = os.path.join(work, "exclude-list.ini")
    open(conf, "w").write("[unplanet]\nexclude = ^Quiz:\n")
    d = os.path.join(work, "exclude-list")
    rc, err = run(unplanet, "-c", conf, "-o", d, "--exclude", "^Renew", SAMPLE)
    got = set(author_ids(d)) if rc == 0 else set()
    quiz, renew = matching("^Quiz:"), matching("^Renew")
    check("config: --exclude replaces the file's exclude list (quizzes back, ^Renew out)",
          rc == 0 and quiz and renew and quiz <= got and not (renew & got), f"{err} {len(quiz - got)} quizzes missing")
    too_long_post(unplanet, work)
    stopped_while_matching(unplanet, work)
    matched_as_shown(unplanet, work)
    cross_posted(unplanet, work)
    renamed_and_edited(unplanet, work)
    only_merged(unplanet, work)
    held_past_keep(unplanet, work)
    merged_past_keep(unplanet, work)
    excluded_past_keep(unplanet, work)
    names_closed(unplanet, work)
    report()


def cross_posted(unplanet, work):
    """A post the Planet shows under two sources (a blog's own feed and its
    Django category's, one permalink): a topic that only one copy matches
    (by its source's name) has the post, once; when an edit to that copy
    makes it the newest, the topic's entry keeps its published time (the
    first date of the two), and shows the edit."""
    from hostile import Post, page
    alice = ("Alice", "https://alice.example/", "Alice")
    django = ("Alice on Django", "https://alice.example/django/", "Alice on Django")
    d = os.path.join(work, "cross-posted")
    got = []
    for k, later in enumerate((b"<p>START notes END</p>", b"<p>START notes, corrected END</p>")):
        posts = [Post(2, alice, b"<p>START notes END</p>"), Post(0, django, later)]   # 10:02, 10:00
        for p in posts:
            p.link, p.title_html = "https://alice.example/release", "Release notes"
        if k == 0:
            posts[1].body = posts[0].body   # the same post, word for word
        src = os.path.join(work, f"cross-posted{k}.html")
        with open(src, "wb") as f:
            f.write(page(posts))
        rc, err = run(unplanet, "-o", d, "-t", "Django=django", src)
        path = os.path.join(d, "topics", "django.atom")
        entries = ET.parse(path).getroot().findall(A + "entry") if rc == 0 else []
        got.append([(e.findtext(A + "id"), e.findtext(A + "published"), e.findtext(A + "updated"),
                     "corrected" in e.findtext(A + "content")) for e in entries])
    first = posts[1].published
    check("topics: a post under two sources, one matching by its name: in the topic once, at the first date; "
          "an edit to that copy shown, the date kept",
          len(got[0]) == 1 and got[0][0][:2] == ("https://alice.example/release", first) and not got[0][0][3] and
          len(got[1]) == 1 and got[1][0][:2] == got[0][0][:2] and got[1][0][3] and got[1][0][2] > got[0][0][2],
          f"{got} {err}")


def only_merged(unplanet, work):
    """--only matches a feed [source] rules merged by any of its sources'
    names or site links, whichever section comes first."""
    from hostile import Post, page
    alice, bob = ("Alice", "https://alice.example/", "Alice"), ("Bob", "https://bob.example/", "Bob")
    src, ini = os.path.join(work, "only-merged.html"), os.path.join(work, "only-merged.ini")
    with open(src, "wb") as f:
        f.write(page([Post(1, alice, b"<p>START a END</p>"), Post(2, bob, b"<p>START b END</p>", hour=9)]))
    with open(ini, "w", encoding="utf-8") as f:
        f.write("[source Alice]\nslug = both\n\n[source Bob]\nslug = both\n")
    got = {}
    for only in ("^Bob$", r"bob\.example", r"alice\.example", "^Alice$"):
        d = os.path.join(work, "only-merged-" + re.sub(r"\W", "", only))
        rc, err = run(unplanet, "-c", ini, "--only", only, "-o", d, src)
        got[only] = rc == 0 and os.path.exists(os.path.join(d, "authors", "both.atom"))
    check("topics: --only lets in a merged feed by any of its sources' names or site links", all(got.values()), f"{got}")
    rc, err = run(unplanet, "-c", ini, "--only", "^Carol$", "-o", os.path.join(work, "only-merged-none"), src)
    check("topics: --only matching the one feed of the page not: said so, in the singular",
          rc == 0 and "warning: --only matches no source (1 on the page and in the archive)" in err, err)
    # A source merged in whose posts --keep cut from the merged feed still
    # feeds it: the rerun picks the same feed, and writes nothing.
    d, old, new = os.path.join(work, "only-merged-keep"), os.path.join(work, "only-merged-old.html"), src
    with open(old, "wb") as f:
        f.write(page([Post(1, alice, b"<p>START a END</p>", hour=5), Post(2, bob, b"<p>START b END</p>", hour=9)]))
    with open(new, "wb") as f:
        f.write(page([Post(2, bob, b"<p>START b END</p>", hour=9), Post(3, bob, b"<p>START c END</p>", hour=8)]))
    runs = [run(unplanet, "-o", d, old)]
    before = None
    for k in range(2):
        runs.append(run(unplanet, "-c", ini, "--keep", "1", "--only", "^Alice$", "-o", d, new))
        if k == 0:
            before = snapshot(d)
    check("topics: --only matching a merged source whose posts --keep cut picks the same feed again, "
          "and the rerun writes nothing",
          [rc for rc, _ in runs] == [0, 0, 0] and all(not err for _, err in runs) and
          os.path.exists(os.path.join(d, "authors", "both.atom")) and snapshot(d) == before, f"{runs}")


def renamed_and_edited(unplanet, work):
    """A source renamed as its post is edited: the old feed keeps the post
    as it was. A topic judges the post by what it shows now, the edit:
    neither the old copy's match nor its escape from the topic's exclude
    counts."""
    from hostile import Post, page
    got = {}
    for label, words in (("excluded now", b"django, sponsored"), ("no longer matching", b"flask")):
        d = os.path.join(work, "renamed-edited-" + label.replace(" ", "-"))
        ini = os.path.join(work, "renamed-edited.ini")
        with open(ini, "w", encoding="utf-8") as f:
            f.write("[topic Django]\nmatch = django\nexclude = sponsored\n")
        for k, (source, body) in enumerate(((("Alice", "https://alice.example/", "Alice"), b"django"),
                                            (("Alice Smith", "https://alice.example/", "Alice Smith"), words))):
            p = Post(1, source, b"<p>START " + body + b" END</p>")
            p.link = "https://alice.example/post/1"
            src = os.path.join(work, f"renamed-edited{k}.html")
            with open(src, "wb") as f:
                f.write(page([p]))
            rc, err = run(unplanet, "-c", ini, "-o", d, src)
        got[label] = ids(os.path.join(d, "topics", "django.atom")) if rc == 0 else err
    check("topics: a post edited as its source is renamed is judged by its edit (excluded now, or no longer "
          "matching), not by its old copy", got == {"excluded now": [], "no longer matching": []}, f"{got}")


def names_closed(unplanet, work):
    """A topic's name, title or description, or a source's new name or
    description, that leaves a right-to-left override or isolate open has
    it closed at its end, as a page's names are: "NAME posts on Planet
    Python" must not show backwards. Its file name is as without it."""
    rlo, pdf, rli, pdi = "\u202e", "\u202c", "\u2067", "\u2069"
    ini = os.path.join(work, "names-closed.ini")
    with open(ini, "w", encoding="utf-8") as f:
        f.write(f"[topic Packaging]\nmatch = packag\ntitle = {rli}Pack\ndescription = {rlo}About packaging\n"
                f"[source PyPy]\nname = {rlo}PyPy\ndescription = {rli}Fast\n"
                f"[source Real Python]\nname = {rlo}Real\n")
    d = os.path.join(work, "names-closed")
    rc, err = run(unplanet, "-c", ini, "-t", f"{rlo}Django=django", "-o", d, SAMPLE)
    got = {}
    if rc == 0:
        for slug in ("topics/django", "topics/packaging", "authors/pypy", "authors/real"):
            j = json.load(open(os.path.join(d, slug + ".json"), encoding="utf-8"))
            got[slug] = (j["title"], j.get("description"))
    want = {"topics/django": (f"Planet Python \u2014 {rlo}Django{pdf}", f"{rlo}Django{pdf} posts on Planet Python"),
            "topics/packaging": (f"{rli}Pack{pdi}", f"{rlo}About packaging{pdf}"),
            "authors/pypy": (f"{rlo}PyPy{pdf}", f"{rli}Fast{pdi}"),
            "authors/real": (f"{rlo}Real{pdf}", f"{rlo}Real{pdf} on Planet Python")}
    check("config: a topic's or source's name, title or description leaving a bidi override or isolate open "
          "has it closed at its end, its file name as without it", got == want, f"{err[:300]} {got!r}")


def too_long_post(unplanet, work):
    """A post too long to copy (its content a note linking to it) is
    matched on its text, off the page as on it: it stays in a topic and
    out of a feed --exclude keeps it from, once it has left the page."""
    from hostile import ALICE, BOB, Post, page
    big = Post(1, ALICE, b"<p>START alphaword " + b"filler text " * 300000 + b"END</p>", day=28, hour=10)
    small = Post(2, BOB, b"<p>START small END</p>", day=28, hour=9)
    later = Post(3, ALICE, b"<p>START next END</p>", day=29, hour=10)
    on, off = os.path.join(work, "long-on.html"), os.path.join(work, "long-off.html")
    open(on, "wb").write(page([big, small]))
    open(off, "wb").write(page([later, small]))
    seen = {}
    for name, args in (("topic", ("-t", "Alpha=alphaword")), ("exclude", ("-x", "alphaword"))):
        d = os.path.join(work, f"long-{name}")
        for k, src in enumerate((on, off)):
            rc, err = run(unplanet, "-q", "-o", d, *args, src)
            feed = os.path.join(d, "topics", "alpha.atom") if name == "topic" else \
                os.path.join(d, "authors", "alice-bold-co.atom")
            seen[name, k] = [e.findtext(A + "title") for e in ET.parse(feed).getroot().findall(A + "entry")] \
                if rc == 0 else err
    check("topics: a post too long to copy stays in the topic its text matched once off the page",
          seen["topic", 0] == seen["topic", 1] == ["Post 1 & more"], f"{seen}")
    check("topics: ...and out of its feed under --exclude",
          seen["exclude", 0] == [] and seen["exclude", 1] == ["Post 3 & more"], f"{seen}")


def stopped_while_matching(unplanet, work):
    """A pattern slow on every post (one that stays under PCRE2's limit at
    each place it tries, and tries them all) does not hold a run past a
    SIGTERM: matching stops after the post under way. The time of one
    post's match is the measure, taken in the same run."""
    from hostile import BOB, Post, page
    text = b"<p>" + b"word " * 500 + b"y</p>"
    one, ten = os.path.join(work, "slow-1.html"), os.path.join(work, "slow-10.html")
    open(one, "wb").write(page([Post(1, BOB, text, day=28, hour=10)]))
    open(ten, "wb").write(page([Post(k, BOB, text, day=28, hour=10 - k % 10) for k in range(10)]))
    slow = "Slow=(?=\\w).*.*y\\d"
    t0 = time.monotonic()
    rc, err = run(unplanet, "--dump", "-t", slow, one)
    each = time.monotonic() - t0
    proc = subprocess.Popen([unplanet, "--dump", "-t", slow, ten], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    time.sleep(each / 2)
    t0 = time.monotonic()
    proc.send_signal(15)
    err2 = proc.communicate()[1].decode("utf-8", "replace")
    took = time.monotonic() - t0
    check("topics: SIGTERM stops a run matching a slow pattern after the post under way: exit 143",
          rc == 0 and proc.returncode in (143, -15) and took < 4 * each + 1,
          f"one post {each:.2f} s, stopped after {took:.2f} s, exit {proc.returncode}: {err} {err2}")


def matched_as_shown(unplanet, work):
    """Text is matched as it shows: an accent composed or written as a
    letter and a combining mark (NFC or NFD, in the text or the pattern)
    is one; a no-break space is a space; a soft hyphen or zero-width space
    inside a word is nothing."""
    from hostile import ALICE, BOB, Post, page
    posts = [Post(1, ALICE, b"<p>A caf\xc3\xa9 in town</p>", day=28, hour=10),          # NFC
             Post(2, BOB, b"<p>A cafe\xcc\x81 in the square</p>", day=28, hour=9),     # NFD
             Post(3, ALICE, b"<p>Python&nbsp;3.13 and dja&shy;ngo&#8203;!</p>", day=28, hour=8),
             Post(4, BOB, b"<p>Nothing to see</p>", day=28, hour=7),
             Post(5, BOB, "<p>I \u2764\ufe0f Python: \u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645</p>".encode(), day=28, hour=6)]
    path = os.path.join(work, "shown.html")
    open(path, "wb").write(page(posts))
    # A pattern is matched without what shows nothing too: an emoji typed
    # with its variation selector, a word written with a zero-width
    # non-joiner (as Persian is), a soft hyphen, a run of them.
    want = {"nfc=caf\u00e9": [1, 2], "nfd=cafe\u0301": [1, 2], "space=python 3\\.13": [3],
            "pattern-s=python\\s3": [3], "pattern-nbsp=python\u00a03": [], "hyphen=django!": [3], "whole=\\bdjango\\b": [3],
            "heart=\u2764\ufe0f python": [5], "fa=\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645": [5],
            "shy=dja\u00adngo": [3], "run=i \u2764\ufe0f\u200d\u200b python": [5]}
    got = {}
    for topic, expect in want.items():
        d = os.path.join(work, "shown-" + topic.split("=")[0])
        rc, err = run(unplanet, "-q", "-o", d, "-t", topic, path)
        feed = os.path.join(d, "topics", topic.split("=")[0] + ".atom")
        got[topic] = sorted(int(e.findtext(A + "id").split("/post/")[1].split("?")[0])
                            for e in ET.parse(feed).getroot().findall(A + "entry")) if rc == 0 else err
    check("topics: text matched as shown (NFC and NFD accents alike, NBSP a space, soft hyphen and ZWSP "
          "nothing), in the text and the pattern", got == want, f"got {got}")
    # Elsewhere than between letters or spaces dropping one could change
    # what the rest means: the pattern is refused, and says which.
    for what, pattern in (("before a quantifier", "a\u200d+"), ("first in a class, before '^'", "[\u200d^a]"),
                          ("between '\\x4' and '1'", "\\x4\u200d1"), ("in (*NO_JIT)", "\u200d(*NO_JIT)a"),
                          ("after a backslash", "a\\\u200db"), ("between '\\xa' and 'b'", "\\xa\u200db"),
                          ("in a pattern of extended mode", "(?x)ba\u200d \t*c"),
                          ("in a verb's name", "a(*MARK:b\u200dc)(*SKIP:bc)(*F)|a")):
        rc, err = run(unplanet, "-q", "-o", os.path.join(work, "shown-refused"), "-t", "T=" + pattern, path)
        check(f"topics: a pattern with a character that shows nothing {what} is refused, naming it",
              rc == 64 and "U+200D at offset" in err and "remove it" in err, f"exit {rc}: {err}")
    # --only too, on a source's name written with a combining accent.
    cafe = ("Cafe\u0301 Bar", "https://cafe.example/", "Cafe\u0301 Bar")
    path = os.path.join(work, "shown-only.html")
    open(path, "wb").write(page([Post(1, cafe, b"<p>x</p>", day=28, hour=10), Post(2, BOB, b"<p>y</p>", day=28, hour=9)]))
    d = os.path.join(work, "shown-only")
    rc, err = run(unplanet, "-q", "-o", d, "--only", "^caf\u00e9", path)
    authors = os.path.join(d, "authors")
    listed = (sorted(os.listdir(authors)) if os.path.isdir(authors) else []) if rc == 0 else err
    check("topics: --only matches a name as shown (an NFD accent against an NFC pattern)",
          listed == ["cafe-bar.atom", "cafe-bar.json", "cafe-bar.rss"], f"{listed}")


def merged_past_keep(unplanet, work):
    """Posts of a source merged into another's feed that leave it past
    --keep are gone for good, as its own are: the merged source's old
    archive, which still holds them whole, does not bring them back when
    --keep grows, whichever file sorts first, and after more than --keep
    of them left. A feed whose slug moved as --keep grew keeps what it
    showed."""
    from hostile import Post, page

    def runs(name, steps, want, target="Alpha"):
        d, ini = os.path.join(work, "merged-past-keep-" + name), os.path.join(work, f"merged-past-keep-{name}.ini")
        src = os.path.join(work, f"merged-past-keep-{name}.html")
        for k, (posts, keep, config) in enumerate(steps):
            with open(src, "wb") as f:
                f.write(page(posts))
            with open(ini, "w", encoding="utf-8") as f:
                f.write(config)
            rc, err = run(unplanet, "-q", "--keep", str(keep), "-c", ini, "-o", d, src)
        slug = target.lower()
        got = [int(i.split("/post/")[1].split("?")[0]) for i in ids(os.path.join(d, "authors", slug + ".atom"))] \
            if rc == 0 else err
        check(f"topics: {name}: gone past --keep stays gone, shown stays shown, when --keep grows", got == want, f"{got}")

    for target in ("Alpha", "Zed"):
        first, beta = (target, f"https://{target.lower()}.example/", target), ("Beta", "https://beta.example/", "Beta")
        merged = f"[source {target}]\nslug = {target.lower()}\n\n[source Beta]\nslug = {target.lower()}\n"
        runs(f"a merged source's posts ({target.lower()}.xml the feed's)",
             [([Post(1, first, b"<p>a</p>", hour=1), Post(2, beta, b"<p>b</p>", hour=2), Post(3, beta, b"<p>c</p>", hour=3)], 2, ""),
              ([Post(4, first, b"<p>d</p>", hour=5)], 2, merged),
              ([Post(5, first, b"<p>e</p>", hour=7)], 2, merged),
              ([Post(6, first, b"<p>f</p>", hour=9)], 10, merged)], [6, 5, 4], target)
    first, beta = ("Alpha", "https://alpha.example/", "Alpha"), ("Beta", "https://beta.example/", "Beta")
    merged = "[source Alpha]\nslug = alpha\n\n[source Beta]\nslug = alpha\n"
    runs("a merged source's posts, more than --keep of them gone",
         [([Post(1, first, b"<p>a</p>", hour=1), Post(2, beta, b"<p>b</p>", hour=2), Post(3, beta, b"<p>c</p>", hour=3)], 2, "")]
         + [([Post(n, first, b"<p>x</p>", hour=n)], 2, merged) for n in range(4, 9)]
         + [([Post(9, first, b"<p>y</p>", hour=9)], 10, merged)], [9, 8, 7])
    bob = ("Bob", "https://bob.example/", "Bob")
    runs("a slug moved as --keep grew",
         [([Post(2, bob, b"<p>b</p>", hour=2), Post(1, bob, b"<p>a</p>", hour=1)], 1, ""),
          ([Post(2, bob, b"<p>b</p>", hour=2), Post(1, bob, b"<p>a</p>", hour=1)], 5, "[source Bob]\nslug = robert\n"),
          ([Post(3, bob, b"<p>c</p>", hour=3)], 5, "[source Bob]\nslug = robert\n")], [3, 2, 1], "Robert")


def held_past_keep(unplanet, work):
    """A post a topic shows is archived whole past --keep: it is no post
    gone past --keep too (which the archive keeps slim, the newest --keep
    of them), so it is archived once, and takes no place from the post
    that left with it, which keeps its dates when the page shows it again."""
    from hostile import BOB, Post, page
    d = os.path.join(work, "held-past-keep")
    p1, p1_edited = (Post(1, BOB, b"<p>START about llamas too END</p>"),
                     Post(1, BOB, b"<p>START about llamas too, edited END</p>"))
    p2, p3 = Post(2, BOB, b"<p>START about llamas END</p>"), Post(3, BOB, b"<p>START about cats END</p>")
    pages = ((1, [p2, p1]), (1, [p2, p1_edited]), (1, [p3]), (3, [p3, p2, p1_edited]))
    arch = os.path.join(d, ".unplanet", "archive", "bob.xml")
    for k, (keep, posts) in enumerate(pages):
        src = os.path.join(work, f"held-past-keep{k}.html")
        open(src, "wb").write(page(posts))
        if k == 1:
            before = int(time.time())
        rc, err = run(unplanet, "-q", "--keep", str(keep), "-t", "Llamas=llama", "-o", d, src)
        if k == 1:
            after = int(time.time())
        if k == 2:   # P2 (the topic's) whole, P1 slim (the newest --keep that left), P3 shown
            got = [(e.findtext("id"), e.find("content") is not None, e.find("digest") is not None)
                   for e in ET.parse(arch).getroot().findall("entry")] if rc == 0 else err
    check("topics: a post a topic holds past --keep is archived once, whole; the post that left with it stays, slim",
          got == [(p3.link, True, False), (p2.link, True, False), (p1.link, False, True)], f"{got}")
    upd = [e.findtext(A + "updated") for e in ET.parse(os.path.join(d, "authors", "bob.atom")).getroot().findall(A + "entry")
           if e.findtext(A + "id") == p1.link] if rc == 0 else err
    stamp = [time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t)) for t in range(before, after + 1)]
    check("topics: ...and, shown again, it keeps the updated time of its edit",
          len(upd) == 1 and upd[0] in stamp, f"{upd}, edited between {stamp[0]} and {stamp[-1]}")



def excluded_past_keep(unplanet, work):
    """Posts --exclude hides past --keep that are still on the page keep
    their dates in the archive, slim, as the others past --keep do: with
    the pattern gone, an edited one shows its edit's updated time, not its
    published one."""
    from hostile import ALICE, BOB, Post, page

    def posts(edit):
        q = [Post(n, BOB, (b"<p>START about llamas END</p>" + edit) if n == 10 else b"<p>START b END</p>")
             for n in (30, 20, 10)]
        for p, title in zip(q, ("Quiz one", "Quiz two", "Quiz three")):
            p.title = p.title_html = title
        return q + [Post(5, ALICE, b"<p>START a END</p>")]
    d = os.path.join(work, "excluded-past-keep")
    stamps, codes = [], []
    for k, (edit, extra) in enumerate(((b"", ()), (b"<p>edited</p>", ()), (b"<p>edited</p>", ("-x", "^Quiz")),
                                       (b"<p>edited</p>", ()))):
        src = os.path.join(work, f"excluded-past-keep{k}.html")
        open(src, "wb").write(page(posts(edit)))
        if k == 1:
            time.sleep(1.1)   # the edit is seen a second after the post
        rc, err = run(unplanet, "-q", "--keep", "1", "-t", "Llamas=llama", *extra, "-o", d, src)
        codes.append(rc)
        got = [e.findtext(A + "updated") for e in ET.parse(os.path.join(d, "topics", "llamas.atom")).getroot()
               .findall(A + "entry")] if rc == 0 else [err]
        stamps.append(got)
        if k == 2:
            archived = {e.findtext("link"): e.find("content") is not None for e in
                        ET.parse(os.path.join(d, ".unplanet", "archive", "bob.xml")).getroot().findall("entry")} \
                if rc == 0 else {}
    check("topics: an edited post --exclude hid past --keep, still on the page, keeps its edit's updated time",
          codes == [0, 0, 0, 0] and len(stamps[1]) == 1 and stamps[1][0] > stamps[0][0] and stamps[3] == stamps[1],
          f"{codes} {stamps}")
    check("topics: ...archived slim (no content) while --exclude hides it past --keep, as the others past --keep are",
          archived == {p.link: p.n == 30 for p in posts(b"") if p.source is BOB}, f"{archived}")


if __name__ == "__main__":
    main()
