#!/usr/bin/python3
"""soak.py [--runs N] [--seed S] [--work DIR] [--http] - years of cron use.

Runs unplanet many times in sequence on one output folder, on a Planet page
that evolves as a real one does (posts arrive and drop off, get edited,
retitled, re-dated; sources are renamed, vanish and come back, move between
http and https, their posts' permalinks with them; a podcast whose episodes
share a permalink), with the settings changing now and then (topics,
--exclude, --keep, a -c file whose [source] sections merge renamed
sources), some runs killed with SIGKILL, and
checks after every run, from the files alone, what must hold for ever:

  every feed parses (Atom, RSS, JSON, OPML; feedparser now and then); ids
  unique per feed; a post keeps its id; an id never goes to another post;
  published never moves; updated never goes back, moves when the entry
  changed and only then; no feed holds more than --keep; newest first;
  topic and author feeds agree on a post's id and dates; a rerun of an
  unchanged page writes nothing (bytes and mtimes of every file in DIR,
  .unplanet/ included); nothing outside DIR changes; no temporary files
  left; the lock is free after a killed run.

Prints one line per problem found (first few of each kind), the size of
.unplanet/ and the time per run over the soak.
"""
import argparse
import collections
import glob
import hashlib
import http.server
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import planetgen  # noqa: E402

A = "{http://www.w3.org/2005/Atom}"
UNPLANET = os.environ.get("UNPLANET", os.path.join(HERE, "..", "unplanet"))
MONTHS = planetgen.MONTHS
_sample = open(os.path.join(HERE, "..", "samples", "planetpython-2026-04-29.html"), encoding="utf-8").read()
HEAD = _sample[:_sample.index("<h2>")]
TAIL = _sample[_sample.index("\n    </div>\n  </div>\n\n  <div id=\"left-hand-navigation\">"):]

problems = collections.OrderedDict()   # kind -> [messages]
counts = collections.Counter()


def problem(kind, msg):
    counts[kind] += 1
    problems.setdefault(kind, [])
    if len(problems[kind]) < 6:
        problems[kind].append(msg)


def esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def fmt(t):
    tm = time.gmtime(t)
    day = f"{MONTHS[tm.tm_mon - 1]} {tm.tm_mday:02d}, {tm.tm_year}"
    hour = tm.tm_hour % 12 or 12
    return day, f"{day} {hour:02d}:{tm.tm_min:02d} {'AM' if tm.tm_hour < 12 else 'PM'} UTC"


# ---------------------------------------------------------------- the world

class World:
    """A Planet over time: sources, every post ever, and the page."""

    WINDOW = 70          # posts on the page
    rename_rate = 0.025

    def __init__(self, rng):
        self.rng = rng
        self.clock = 1704067200   # 2024-01-01 00:00 UTC
        srcs = planetgen.sources()[:40]
        self.sources = []
        for name, link in srcs:
            name = planetgen.html.unescape(name)
            self.sources.append({"name": name, "site": link, "title": name + " (blog)", "hidden_until": -1,
                                 "names": [name]})
        # A podcast: every episode links to its home page.
        self.sources.append({"name": "Podcast Hour", "site": "https://podcast.example/", "title": "Podcast Hour",
                             "hidden_until": -1, "names": ["Podcast Hour"], "podcast": True})
        self.posts = []   # every post ever
        self.next_pid = 0
        self.used_minutes = set()
        self.step = 0
        self.log = []
        # Posts edited and re-dated, untitled or retitled, from a date no
        # newer than the page's other posts: unplanet cannot tell such a
        # post from a new one with its permalink as one aged off the page
        # (README), so it gets a new id, its old entry staying.
        self.aged_edits = set()
        for _ in range(self.WINDOW):
            self.clock += rng.randint(10, 600) * 60
            self.new_post()

    def free_minute(self, t):
        t -= t % 60
        while t in self.used_minutes:
            t += 60
        self.used_minutes.add(t)
        return t

    def new_post(self):
        r = self.rng
        k = min(int(r.paretovariate(1.1) - 1) * 3 + r.randint(0, 2), len(self.sources) - 1)
        if r.random() < 0.04:
            k = len(self.sources) - 1
        src = self.sources[k]
        pid = self.next_pid
        self.next_pid += 1
        title = planetgen.sentence(r, r.randint(3, 8))[:-1]
        if r.random() < 0.15:
            title = "Zebra news: " + title
        if r.random() < 0.08:
            title = "Quiz: " + title
        link = f"{src['site']}posts/{pid}/"
        if src.get("podcast"):
            title = f"Episode {pid}"
            link = src["site"]
        untitled = r.random() < 0.04 and not src.get("podcast")
        body = f"<p>marker pid{pid}x</p>\n" + planetgen.body(r, int(r.lognormvariate(6.8, 0.6)))
        self.posts.append({"pid": pid, "src": k, "title": None if untitled else title, "link": link,
                           "body": body, "t": self.free_minute(self.clock), "creator": None,
                           "first_t": None})

    def page_posts(self):
        vis = [p for p in self.posts if self.sources[p["src"]]["hidden_until"] <= self.step]
        vis.sort(key=lambda p: -p["t"])
        return vis[:self.WINDOW]

    def advance(self):
        """The page some time later: new posts, and a few mutations."""
        r = self.rng
        self.step += 1
        dt = r.choice([30, 30, 60, 120, 360, 720, 1440, 2880]) * 60
        self.clock += dt
        n = sum(1 for _ in range(int(dt / 1800) + 1) if r.random() < 0.12)
        for _ in range(n):
            self.new_post()
        on = self.page_posts()
        if not on:
            return
        if r.random() < 0.25:
            for p in r.sample(on, min(len(on), r.randint(1, 2))):
                p["body"] += f"\n<p>Edited at step {self.step}.</p>"
                self.log.append((self.step, "edit", p["pid"]))
        retitled = set()
        if r.random() < 0.08:
            p = r.choice(on)
            if p["title"] is not None and not self.sources[p["src"]].get("podcast"):
                retitled.add(p["pid"])
                p["title"] = p["title"] + " (updated)" if "(updated)" not in p["title"] else p["title"].replace(" (updated)", "")
                self.log.append((self.step, "retitle", p["pid"]))
        if r.random() < 0.06:
            p = r.choice(on)
            self.used_minutes.discard(p["t"])
            p["t"] = self.free_minute(p["t"] + r.choice([-90, -7, -1, 1, 5, 60]) * 60)
            self.log.append((self.step, "redate", p["pid"]))
        if r.random() < 0.04:
            # Planet 2.0 shows an entry's updated time: an edit moves the date.
            p = r.choice(on)
            if (p["title"] is None or p["pid"] in retitled) and \
                    p["t"] <= min((q["t"] for q in on if q is not p), default=p["t"]):
                self.aged_edits.add(p["pid"])
            self.used_minutes.discard(p["t"])
            p["t"] = self.free_minute(self.clock - r.randint(0, 20) * 60)
            p["body"] += f"\n<p>Revised at step {self.step}.</p>"
            self.log.append((self.step, "edit+redate", p["pid"]))
        if r.random() < 0.03:
            p = r.choice(on)
            p["creator"] = r.choice(["Jane Doe", "Zoë Roe"]) if p["creator"] is None else None
            self.log.append((self.step, "creator", p["pid"]))
        if r.random() < 0.03:
            k = r.choice(sorted({p["src"] for p in on}))
            if not self.sources[k].get("podcast"):
                s = self.sources[k]
                s["hidden_until"] = self.step + r.randint(2, 15)
                self.log.append((self.step, "hide", s["name"], s["hidden_until"]))
        if r.random() < self.rename_rate:
            k = r.choice(sorted({p["src"] for p in on}))
            s = self.sources[k]
            if not s.get("podcast"):
                old = s["name"]
                s["name"] = re.sub(r" \(v\d+\)$", "", old) + f" (v{self.step})"
                s["names"].append(s["name"])
                self.log.append((self.step, "rename", old, s["name"]))
                return ("rename", old, s["name"], s["site"])
        if r.random() < 0.02:
            k = r.choice(sorted({p["src"] for p in on}))
            s = self.sources[k]
            def flip(url):
                return url.replace("https:", "http:", 1) if url.startswith("https:") else url.replace("http:", "https:", 1)
            # A blog that moves to https moves its posts' permalinks too.
            s["site"] = flip(s["site"])
            for p in self.posts:
                if p["src"] == k:
                    p["link"] = flip(p["link"])
            self.log.append((self.step, "scheme", s["name"], s["site"]))
        return None

    def render(self):
        out = [HEAD]
        prev_day = prev_src = None
        for p in self.page_posts():
            s = self.sources[p["src"]]
            day, date = fmt(p["t"])
            if day != prev_day:
                out.append(f"<h2>{day}</h2>\n\n\n\n\n")
                prev_day, prev_src = day, None
            if p["src"] != prev_src:
                out.append(f'<hr /><h3 class="post"><a href="{esc(s["site"])}" title="{esc(s["title"])}">'
                           f'{esc(s["name"])}</a></h3>\n\n\n')
                prev_src = p["src"]
            if p["title"] is not None:
                out.append(f'<h4><a href="{esc(p["link"])}">{esc(p["title"])}</a></h4>\n')
            by = f"by {esc(p['creator'])} at " if p["creator"] else ""
            out.append(f'<p>\n{p["body"]}</p>\n<p>\n<em><a href="{esc(p["link"])}">{by}{date}</a></em>\n</p>\n\n\n\n\n\n')
        out.append(TAIL)
        return "".join(out)


# ------------------------------------------------------------ the settings

class Config:
    TOPICS = {"All": ".", "Zebra": r"\bzebra\b", "Quizzes": "^Quiz:"}

    def __init__(self, work):
        self.work = work
        self.topics = ["Zebra"]
        self.exclude = []
        self.keep = 50
        self.use_ini = True
        self.rules = []     # [(name, slug)]
        self.version = 0

    def change(self, rng):
        what = rng.choice(["topic", "topic", "exclude", "keep", "keep", "ini"])
        if what == "topic":
            t = rng.choice(sorted(self.TOPICS))
            if t in self.topics:
                self.topics.remove(t)
            else:
                self.topics.append(t)
        elif what == "exclude":
            self.exclude = [] if self.exclude else ["^Quiz:"]
        elif what == "keep":
            self.keep = rng.choice([50, 50, 20, 35, 80])
        else:
            self.use_ini = not self.use_ini
        self.version += 1
        return what

    def args(self):
        a = ["--keep", str(self.keep)]
        for t in self.topics:
            a += ["-t", f"{t}={self.TOPICS[t]}"]
        for x in self.exclude:
            a += ["-x", x]
        if self.use_ini:
            ini = os.path.join(self.work, "unplanet.ini")
            with open(ini, "w", encoding="utf-8") as f:
                f.write("[unplanet]\nquiet = no\n\n")
                for name, slug in self.rules:
                    f.write(f"[source {name}]\nslug = {slug}\n\n")
            a += ["-c", ini]
        return a


# ---------------------------------------------------------------- the files

def snapshot(d):
    out = {}
    for root, dirs, files in os.walk(d):
        for name in dirs + files:
            p = os.path.join(root, name)
            st = os.lstat(p)
            dig = hashlib.md5(open(p, "rb").read()).hexdigest() if os.path.isfile(p) else "dir"
            out[os.path.relpath(p, d)] = (st.st_mtime_ns, st.st_size, dig)
    return out


def du(d):
    return sum(os.path.getsize(os.path.join(r, f)) for r, _, fs in os.walk(d) for f in fs)


def pid_of(content):
    m = re.search(r"marker pid(\d+)x", content or "")
    return int(m.group(1)) if m else None


def read_atom(path):
    root = ET.parse(path).getroot()
    out = []
    for e in root.findall(A + "entry"):
        content = e.findtext(A + "content") or ""
        out.append({"id": e.findtext(A + "id"), "title": e.findtext(A + "title"), "link":
                    (e.find(A + "link").get("href") if e.find(A + "link") is not None else ""),
                    "published": e.findtext(A + "published"), "updated": e.findtext(A + "updated"),
                    "author": e.findtext(A + "author/" + A + "name"), "content": content, "pid": pid_of(content)})
    return root, out


class Checker:
    def __init__(self, d):
        self.d = d
        self.pid_id = {}        # pid -> id (first feed seen)
        self.id_pid = {}        # id -> pid
        self.key_id = {}        # (link, title) -> id
        self.published = {}     # (feed, id) -> published
        self.published_any = {}  # id -> (published, feed) first seen
        self.last = {}          # (feed, id) -> (updated, title, content, author), runs started then
        self.feed_updated = {}  # feed -> its updated, as last checked
        self.starts = []        # when each run started, killed ones too ("...Z", whole seconds)
        self.run = 0

    def started(self):
        """Notes that a run starts now."""
        self.starts.append(time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(int(time.time()))))

    def check(self, keep, label, deep=False, world=None, excluded=()):
        d = self.d
        feeds = {}
        aged = world.aged_edits if world is not None else set()
        # The feeds this run made (a removed topic's or a merged-away
        # source's files stay as they were: not checked against today's
        # settings).
        try:
            current = {f.findtext("path") + ".atom" for f in
                       ET.parse(os.path.join(d, ".unplanet", "cache", "directory.xml")).getroot().findall("feed")}
        except (ET.ParseError, FileNotFoundError) as ex:
            problem("directory document broken", f"{label}: {ex}")
            current = set()
        for path in sorted(glob.glob(os.path.join(d, "authors", "*.atom")) + glob.glob(os.path.join(d, "topics", "*.atom"))):
            rel = os.path.relpath(path, d)
            if rel not in current:
                continue
            try:
                root, entries = read_atom(path)
            except ET.ParseError as ex:
                problem("feed does not parse", f"{label}: {rel}: {ex}")
                continue
            feeds[rel] = entries
            stem = path[:-5]
            try:
                rss = ET.parse(stem + ".rss").getroot()
                guids = [i.findtext("guid") for i in rss.iter("item")]
                if guids != [e["id"] for e in entries]:
                    problem("RSS disagrees with Atom", f"{label}: {rel}")
            except (ET.ParseError, FileNotFoundError) as ex:
                problem("feed does not parse", f"{label}: {stem}.rss: {ex}")
            try:
                js = json.load(open(stem + ".json", encoding="utf-8"))
                if [i["id"] for i in js["items"]] != [e["id"] for e in entries]:
                    problem("JSON disagrees with Atom", f"{label}: {rel}")
            except (ValueError, FileNotFoundError, KeyError) as ex:
                problem("feed does not parse", f"{label}: {stem}.json: {ex}")
            if deep:
                import feedparser
                fp = feedparser.parse(path)
                if fp.bozo or len(fp.entries) != len(entries):
                    problem("feedparser", f"{label}: {rel}: bozo={fp.bozo} {fp.get('bozo_exception')}")
            ids = [e["id"] for e in entries]
            if len(set(ids)) != len(ids):
                problem("duplicate id in a feed", f"{label}: {rel}: {[i for i in ids if ids.count(i) > 1][:3]}")
            if keep and len(entries) > keep:
                problem("more than --keep entries", f"{label}: {rel}: {len(entries)} > {keep}")
            pubs = [e["published"] for e in entries]
            if pubs != sorted(pubs, reverse=True):
                problem("entries not newest first", f"{label}: {rel}")
            # As new as its newest entry, and never going back (an edited
            # entry --keep then drops leaves the feed as new as the edit).
            fu = root.findtext(A + "updated")
            if entries and fu < max(e["updated"] for e in entries):
                problem("feed updated before its newest entry's", f"{label}: {rel}: {fu}")
            if fu < self.feed_updated.get(rel, fu):
                problem("feed updated went back", f"{label}: {rel}: {self.feed_updated[rel]} -> {fu}")
            self.feed_updated[rel] = fu
            for e in entries:
                if e["updated"] < e["published"]:
                    problem("updated before published", f"{label}: {rel}: {e['id']} {e['published']} > {e['updated']}")
                k = (rel, e["id"])
                now = (e["updated"], e["title"], e["content"], e["author"])
                if k in self.last:
                    old, runs_then = self.last[k]
                    # An entry changed in the same second as its last change
                    # cannot show it in a whole-second updated time: only a
                    # change made in a later second than the view last
                    # checked must move it. That view may be runs old (a
                    # removed topic's file stays as it was).
                    next_start = self.starts[runs_then] if runs_then < len(self.starts) else "9999"
                    if now[0] < old[0]:
                        problem("updated went backwards", f"{label}: {rel}: {e['id']} {old[0]} -> {now[0]}"
                                f"{' (content reverted)' if now[2] != old[2] else ''}")
                    elif now[1:] == old[1:] and now[0] != old[0]:
                        problem("updated moved, entry unchanged", f"{label}: {rel}: {e['id']} {old[0]} -> {now[0]}")
                    elif now[1:3] != old[1:3] and now[0] == old[0] and old[0] < next_start:
                        problem("entry changed, updated did not move", f"{label}: {rel}: pid {e['pid']} {e['id']} "
                                f"({'title %r -> %r' % (old[1], now[1]) if now[1] != old[1] else 'content' if now[2] != old[2] else 'author'}) {now[0]}")
                self.last[k] = (now, len(self.starts))
                if k in self.published and self.published[k] != e["published"]:
                    problem("published moved", f"{label}: {rel}: pid {e['pid']} {e['id']} {self.published[k]} -> {e['published']}")
                self.published.setdefault(k, e["published"])
                if e["id"] in self.published_any and self.published_any[e["id"]][0] != e["published"] and \
                        self.published_any[e["id"]][1] != rel:
                    problem("(info) one id, other published in another feed",
                            f"{label}: {rel} vs {self.published_any[e['id']][1]}: {e['id']}")
                self.published_any.setdefault(e["id"], (e["published"], rel))
                if e["pid"] is not None:
                    if e["id"] in self.id_pid and self.id_pid[e["id"]] != e["pid"]:
                        problem("an id went to another post", f"{label}: {rel}: {e['id']} pid {self.id_pid[e['id']]} -> {e['pid']}")
                    self.id_pid.setdefault(e["id"], e["pid"])
                    if e["pid"] in self.pid_id and self.pid_id[e["pid"]] != e["id"] and e["pid"] not in aged:
                        problem("a post changed id", f"{label}: {rel}: pid {e['pid']} {self.pid_id[e['pid']]} -> {e['id']}")
                    self.pid_id.setdefault(e["pid"], e["id"])
                key = (e["link"], e["title"])
                if key in self.key_id and self.key_id[key] != e["id"] and e["pid"] == self.id_pid.get(self.key_id[key]) \
                        and e["pid"] not in aged:
                    problem("same permalink+title, other id", f"{label}: {rel}: {key}")
                self.key_id.setdefault(key, e["id"])
        # Every post on the page shows as the page has it now.
        if world is not None:
            by_pid = {}
            for rel, entries in feeds.items():
                if rel.startswith("authors/"):
                    for e in entries:
                        by_pid.setdefault(e["pid"], []).append((rel, e))
            src_feeds = {}
            for rel, entries in feeds.items():
                if rel.startswith("authors/"):
                    for e in entries:
                        if e["pid"] is not None and e["pid"] < len(world.posts):
                            src_feeds.setdefault(world.posts[e["pid"]]["src"], set()).add(rel)
            for post in world.page_posts():
                if excluded and post["title"] is not None and any(re.search(x, post["title"], re.I) for x in excluded):
                    continue
                marks = re.findall(r"(?:Edited|Revised) at step \d+", post["body"])
                got = by_pid.get(post["pid"], [])
                if not got:
                    full = [rel for rel in src_feeds.get(post["src"], ()) if keep and len(feeds[rel]) >= keep]
                    if not full:
                        problem("post on the page missing from its author feed",
                                f"{label}: pid {post['pid']} {post['link']} {post['title']!r}")
                    continue
                if not any(re.findall(r"(?:Edited|Revised) at step \d+", e["content"]) == marks and
                           (post["title"] is None or e["title"] == post["title"]) for _, e in got):
                    rel, e = got[0]
                    problem("author feed shows an old version of a post on the page",
                            f"{label}: {rel}: pid {post['pid']} title {e['title']!r} vs {post['title']!r}, "
                            f"edits {len(re.findall('(?:Edited|Revised) at step', e['content']))} vs {len(marks)}")
        # Topic entries as their author feed (archive) has them.
        archived = {}
        for path in glob.glob(os.path.join(d, ".unplanet", "archive", "*.xml")):
            try:
                r = ET.parse(path).getroot()
            except ET.ParseError as ex:
                problem("archive does not parse", f"{label}: {path}: {ex}")
                continue
            for e in r.findall("entry"):
                archived.setdefault(e.findtext("id"), []).append(
                    (os.path.basename(path), e.findtext("published"), e.findtext("updated"), e.findtext("title")))
        author_by_id = {}
        for rel, entries in feeds.items():
            if rel.startswith("authors/"):
                for e in entries:
                    author_by_id.setdefault(e["id"], []).append((rel, e))
        for rel, entries in feeds.items():
            if not rel.startswith("topics/"):
                continue
            for e in entries:
                if e["id"] not in archived and e["id"] not in author_by_id:
                    problem("(info) topic entry in no author feed nor archive (beyond --keep)", f"{label}: {rel}: pid {e['pid']} {e['id']}")
                copies = author_by_id.get(e["id"], [])
                # A post of a renamed source is in two archives: the topic
                # shows the newer copy, which the new name's feed may hold
                # past --keep while the old, frozen feed still shows its own.
                renamed_copy = len(archived.get(e["id"], [])) > 1 and any(
                    (pub, upd) == (e["published"], e["updated"]) for _, pub, upd, _ in archived[e["id"]])
                if copies and not renamed_copy and not any(
                        (ae["published"], ae["updated"], ae["pid"]) == (e["published"], e["updated"], e["pid"])
                        for _, ae in copies):
                    arel, ae = copies[0]
                    problem("topic and author feed disagree", f"{label}: {rel} vs {arel}: {e['id']} "
                            f"{(e['published'], e['updated'])} vs {(ae['published'], ae['updated'])}")
        # Temporary files.
        tmp = [os.path.relpath(p, d) for p in glob.glob(os.path.join(d, "**", ".*.unplanet-*"), recursive=True)]
        tmp += [os.path.relpath(p, d) for p in glob.glob(os.path.join(d, ".unplanet", "**", ".*.unplanet-*"), recursive=True)]
        if tmp:
            problem("temporary files left", f"{label}: {sorted(set(tmp))[:3]}")
        for f in ("index.html", "feeds.opml", "authors.opml"):
            try:
                if f.endswith(".opml"):
                    ET.parse(os.path.join(d, f))
                elif not open(os.path.join(d, f), encoding="utf-8").read().rstrip().endswith("</html>"):
                    problem("index.html incomplete", label)
            except (ET.ParseError, FileNotFoundError) as ex:
                problem("site file broken", f"{label}: {f}: {ex}")
        return feeds


# ---------------------------------------------------------------- the runs

class Server:
    """The page over HTTP, Last-Modified from its file's mtime (the
    simulated clock), so unchanged pages get 304s."""

    def __init__(self, folder):
        handler = lambda *a, **k: http.server.SimpleHTTPRequestHandler(*a, directory=folder, **k)  # noqa: E731
        http.server.SimpleHTTPRequestHandler.log_message = lambda *a: None
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.httpd.server_port}/planet.html"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--work", default="tests/out/soak")
    ap.add_argument("--http", action="store_true")
    ap.add_argument("--kill", type=float, default=0.06, help="share of runs killed")
    ap.add_argument("--no-config", action="store_true", help="never change settings")
    ap.add_argument("--rename-rate", type=float, default=0.025)
    ap.add_argument("--keep", type=int, default=50, help="initial --keep")
    ap.add_argument("--kill-max", type=float, default=0.25, help="latest kill, seconds into a run")
    ap.add_argument("--stop-after", type=int, default=0, help="stop after this run (before its rerun)")
    ap.add_argument("--keep-pages", action="store_true", help="keep every run's page as pages/run-N.html")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    work = os.path.abspath(a.work)
    shutil.rmtree(work, ignore_errors=True)
    out, pages, cwd = (os.path.join(work, x) for x in ("out", "pages", "cwd"))
    for x in (pages, cwd, os.path.join(work, "history")):
        os.makedirs(x)
    World.rename_rate = a.rename_rate
    world, conf, chk = World(rng), Config(work), Checker(out)
    conf.keep = a.keep
    page_file = os.path.join(pages, "planet.html")
    source = Server(pages).url if a.http else page_file
    sizes, times, written, ms = [], [], [], []
    reruns = kills = failures = 0

    def write_page():
        text = world.render()
        old = open(page_file, encoding="utf-8").read() if os.path.exists(page_file) else None
        if text != old:
            with open(page_file, "w", encoding="utf-8") as f:
                f.write(text)
            os.utime(page_file, (world.clock, world.clock))

    def outside():
        s = snapshot(work)
        return {k: v for k, v in s.items() if not k.startswith("out") and k != "pages/planet.html"
                and k != "pages" and k != "unplanet.ini" and not k.startswith("history") and k != "runs.log"}

    def unplanet(extra=(), verbose=True):
        cmd = [UNPLANET, "-o", out, *conf.args(), *extra, source]
        if verbose:
            cmd.insert(1, "-v")
        t0 = time.monotonic()
        r = subprocess.run(cmd, capture_output=True, cwd=cwd, timeout=300)
        return r.returncode, r.stderr.decode("utf-8", "replace"), time.monotonic() - t0

    write_page()
    for run in range(1, a.runs + 1):
        label = f"run {run} (step {world.step})"
        event = None
        if run > 1:
            if rng.random() < 0.08:
                event = "same page"
            else:
                event = world.advance()
                write_page()
            if not a.no_config and rng.random() < 0.06:
                event = ("config", conf.change(rng))
        if isinstance(event, tuple) and event[0] == "rename" and rng.random() < 0.7:
            # Keep the renamed source in its feed: both names, the old slug.
            _, old, new, site = event
            slug = None
            for path in glob.glob(os.path.join(out, "authors", "*.atom")):
                root = ET.parse(path).getroot()
                if root.findtext(A + "title") == old:
                    slug = os.path.basename(path)[:-5]
            rule_slug = next((s for n, s in conf.rules if n == old), slug)
            if rule_slug is not None:
                if not any(n == old for n, _ in conf.rules):
                    conf.rules.append((old, rule_slug))
                conf.rules.append((new, rule_slug))
                event = ("rename+rule", old, new, rule_slug)
        before_outside = outside()
        if rng.random() < a.kill and run > 1:
            # A run killed at a random moment, then the same run again.
            kills += 1
            cmd = [UNPLANET, "-o", out, *conf.args(), source]
            chk.started()
            p = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(rng.uniform(0, a.kill_max))
            p.send_signal(signal.SIGKILL)
            p.wait()
            with open(os.path.join(work, "runs.log"), "a", encoding="utf-8") as f:
                f.write(f"{label}: killed, exit {p.returncode}\n")
            for path in glob.glob(os.path.join(out, "*", "*.atom")):
                try:
                    ET.parse(path)
                except ET.ParseError as ex:
                    problem("killed run left a broken feed", f"{label}: {path}: {ex}")
        chk.started()
        rc, err, secs = unplanet()
        with open(os.path.join(work, "runs.log"), "a", encoding="utf-8") as f:
            f.write(f"{label} {event} exit {rc}: {' '.join(conf.args())} | {err.strip()}\n")
        if a.keep_pages:
            shutil.copy(page_file, os.path.join(work, "history", f"page-{run}.html"))
            if conf.use_ini:
                shutil.copy(os.path.join(work, "unplanet.ini"), os.path.join(work, "history", f"ini-{run}.ini"))
        if rc != 0:
            failures += 1
            problem(f"run failed (exit {rc})", f"{label} {event}: {err.strip()[:300]}")
            continue
        m = re.search(r"(\d+) files? written, (\d+) unchanged, (\d+) ms", err)
        written.append(int(m.group(1)) if m else -1)
        ms.append(int(m.group(3)) if m else -1)
        times.append(secs)
        sizes.append((run, du(os.path.join(out, ".unplanet")), du(out),
                      len(glob.glob(os.path.join(out, ".unplanet", "archive", "*.xml")))))
        if outside() != before_outside:
            problem("something outside DIR changed", f"{label}")
        if os.listdir(cwd):
            problem("files in the working folder", f"{label}: {os.listdir(cwd)}")
        # A [source] section for a name the Planet no longer shows, once no
        # archived entry has it either, is rightly said to be one that can go;
        # so is one for the new name of a source hidden while it was renamed,
        # until a post under that name shows.
        shown = {world.sources[p["src"]]["name"] for p in world.page_posts()}
        former = {n for src in world.sources for n in src["names"] if n != src["name"] or n not in shown}
        # A renamed source that no rule keeps in its feed starts a new one,
        # and the run that makes it says so.
        renamed = [f"source '{src['name']}' is new on the page with the site of '{n}'" for src in world.sources
                   for n in src["names"] if n != src["name"] and
                   (not conf.use_ini or not any(r == src["name"] for r, _ in conf.rules))]
        warnings = [w for w in err.splitlines() if "warning" in w and not any(
            f"[source {n}] matches no source on the page or in the archive" in w for n in former) and
            not any(r in w for r in renamed)]
        if warnings:
            problem("warning", f"{label} {event}: {warnings[0][:200]}")
        chk.check(conf.keep, f"{label} {event}", deep=(run % 25 == 0), world=world, excluded=conf.exclude)
        if run == a.stop_after:
            break
        # An unchanged page, run again, writes nothing.
        if rng.random() < 0.25 or event == "same page":
            reruns += 1
            snap = snapshot(out)
            time.sleep(rng.choice([0, 1.05]))
            chk.started()
            rc, err, _ = unplanet()
            after = snapshot(out)
            if rc != 0 or after != snap:
                changed = sorted(k for k in set(snap) | set(after) if snap.get(k) != after.get(k))
                problem("unchanged rerun wrote files", f"{label} {event}: exit {rc}, {len(changed)} changed: "
                        f"{changed[:6]} {err.strip()[-120:]}")
            chk.check(conf.keep, f"{label} rerun", world=world, excluded=conf.exclude)
    # Report.
    with open(os.path.join(work, "world.log"), "w") as f:
        for e in world.log:
            f.write(repr(e) + "\n")
    print(f"runs: {a.runs} ({failures} failed), killed: {kills}, unchanged reruns: {reruns}, "
          f"posts made: {world.next_pid}, final step {world.step}, simulated days "
          f"{(world.clock - 1704067200) / 86400:.0f}")
    for r, u, total, n in sizes:
        if r in (1, 2) or r % 50 == 0 or r == sizes[-1][0]:
            print(f"  after run {r}: .unplanet {u} bytes, DIR {total} bytes, {n} archive files")
    if times:
        q = max(1, len(times) // 4)
        print("  seconds per run, by quarter: " + ", ".join(f"{sum(times[i:i + q]) / len(times[i:i + q]):.3f}"
                                                           for i in range(0, len(times), q)))
    if ms:
        q = max(1, len(ms) // 4)
        print("  unplanet's own ms per run (-v), by quarter: mean " + ", ".join(
            f"{sum(ms[i:i + q]) / len(ms[i:i + q]):.0f}" for i in range(0, len(ms), q)) +
            "; median " + ", ".join(f"{sorted(ms[i:i + q])[len(ms[i:i + q]) // 2]}" for i in range(0, len(ms), q)))
    events = collections.Counter(e[1] for e in world.log)
    print(f"  page events: {dict(events)}; config version {conf.version}, rules {len(conf.rules)}")
    for kind, msgs in problems.items():
        print(f"PROBLEM {kind}: {counts[kind]}x")
        for m in msgs:
            print(f"    {m}")
    # For tests/run.sh: one result line per kind of problem, or one ok.
    for kind, msgs in problems.items():
        print(f"not ok - soak, seed {a.seed}: {kind} ({counts[kind]}x): {msgs[0][:300]}")
    if not problems:
        print(f"ok - soak, seed {a.seed}: {a.runs} runs ({kills} killed, {reruns} unchanged reruns), every invariant held")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
