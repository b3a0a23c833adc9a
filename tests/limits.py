#!/usr/bin/python3
"""limits.py UNPLANET-SMALL WORKDIR - an author's archive stays readable.

UNPLANET-SMALL is the build whose state and archive files may be 1 MiB
(Makefile: tests/unplanet-small) instead of 256 MiB, so pages of a few MB
reach the limit. An author whose archive would pass it keeps fewer, the
newest, entries, with one warning, and the next run reads what this one
wrote; an archive file over the limit is an error naming it that changes
nothing.
"""
import os
import subprocess
import sys
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hostile import ALICE, BOB, Post, page  # noqa: E402
from testlib import check, report, snapshot  # noqa: E402

A = "{http://www.w3.org/2005/Atom}"
LIMIT = 1 << 20
XSLT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "xslt")


def run(unplanet, *args):
    r = subprocess.run([unplanet, "--xslt-dir", XSLT, *args], capture_output=True, timeout=300)
    return r.returncode, r.stderr.decode("utf-8", "replace")


def atom_links(path):
    return [e.find(A + "link").get("href") for e in ET.parse(path).getroot().findall(A + "entry")]


def main():
    unplanet, work = sys.argv[1], sys.argv[2]
    os.makedirs(work, exist_ok=True)
    # Bob: 60 posts of about 40 KB of text each, newest first (minute 59
    # down to 0), about 2.4 MB in all; Alice: one small post.
    posts = []
    for n in range(59, -1, -1):
        words = " ".join(f"w{n}x{i}" for i in range(5000))
        posts.append(Post(n, BOB, f"<p>START {words} END</p>".encode(), hour=10))
    posts.append(Post(1, ALICE, b"<p>START small END</p>", day=27))
    src = os.path.join(work, "big.html")
    with open(src, "wb") as f:
        f.write(page(posts))
    newest = [p.link for p in posts if p.source is BOB]   # page order is newest first

    d = os.path.join(work, "out")
    rc, err = run(unplanet, "--keep", "100", "-o", d, src)
    archive = os.path.join(d, ".unplanet", "archive", "bob.xml")
    size = os.path.getsize(archive) if os.path.exists(archive) else None
    check("limits: an author whose archive would pass the limit: the run succeeds", rc == 0, f"exit {rc}: {err[:300]}")
    check("limits: ...its archive is written within the limit", size is not None and size <= LIMIT, f"{size} bytes")
    warnings = [line for line in err.splitlines() if "its archive would pass 1 MiB" in line]
    kept = int(warnings[0].rsplit("newest ", 1)[1].split()[0]) if len(warnings) == 1 else None
    check("limits: ...one warning names the feed and how many entries it keeps",
          len(warnings) == 1 and warnings[0].startswith("unplanet: warning: bob: ") and kept is not None, err[:500])
    links = atom_links(os.path.join(d, "authors", "bob.atom")) if rc == 0 else []
    check("limits: ...its feed holds the newest entries, as many as the warning says",
          kept is not None and 0 < kept < 60 and links == newest[:kept], f"{len(links)} entries, kept {kept}")
    check("limits: ...another author keeps every entry",
          rc == 0 and len(atom_links(os.path.join(d, "authors", "alice-bold-co.atom"))) == 1, "")

    # The next run reads that archive back, and makes the same files.
    snap = snapshot(d)
    rc, err = run(unplanet, "-q", "--keep", "100", "-o", d, src)
    check("limits: the next run reads the archive back and changes nothing", rc == 0 and snapshot(d) == snap,
          f"exit {rc}: {err[:300]}")
    check("limits: -q keeps the warning quiet", err == "", err[:300])

    # With a --keep that fits, nothing is dropped and nothing is said.
    d2 = os.path.join(work, "fits")
    rc, err = run(unplanet, "--keep", "10", "-o", d2, src)
    check("limits: under --keep 10 the archive fits: ten entries, no warning",
          rc == 0 and err == "" and atom_links(os.path.join(d2, "authors", "bob.atom")) == newest[:10],
          f"exit {rc}: {err[:300]}")

    # A topic showing all of an author's posts changes nothing there: those
    # the author feed cuts are cut (slim) from its archive too, the topic
    # keeping none of them whole (Bob's 40 newest: half of them fit).
    src40 = os.path.join(work, "big40.html")
    with open(src40, "wb") as f:
        f.write(page(posts[:40] + posts[-1:]))
    got = []
    for name, topic in (("no-topic", ()), ("all-in-topic", ("-t", "all=START"))):
        d_all = os.path.join(work, name)
        rc, err_all = run(unplanet, "--keep", "100", *topic, "-o", d_all, src40)
        got.append((rc, err_all, atom_links(os.path.join(d_all, "authors", "bob.atom")) if rc == 0 else []))
    check("limits: a topic showing all of an author's posts: the same entries kept, the same warning",
          got[0] == got[1] and got[0][0] == 0 and "keeping its newest 20 entries\n" in got[0][1], f"{got}")

    # Down to one entry, the warning says so.
    two = [Post(n, BOB, f"<p>START {' '.join(f'w{n}o{i}' for i in range(60000))} END</p>".encode(), hour=10)
           for n in (2, 1)]
    src_two = os.path.join(work, "two.html")
    with open(src_two, "wb") as f:
        f.write(page(two + posts[-1:]))
    rc, err = run(unplanet, "-o", os.path.join(work, "two"), src_two)
    check("limits: an archive down to one entry: the warning says 'keeping its newest 1 entry'",
          rc == 0 and err == "unplanet: warning: bob: its archive would pass 1 MiB; keeping its newest 1 entry\n",
          f"exit {rc}: {err[:300]}")

    # What a topic shows past --keep is archived whole, so it counts too:
    # Bob's 40 newest posts are small, his 20 older ones (about 60 KB
    # each, 1.2 MB) are all a topic shows. They are cut first, the
    # newest kept, and the author feed keeps all of its own; the next
    # runs read the archive back, also once those posts left the page.
    rare = []
    for n in range(59, -1, -1):
        body = (f"<p>START {' '.join(f'w{n}y{i}' for i in range(7500))} RARE END</p>" if n < 20
                else "<p>START chatter END</p>")
        rare.append(Post(n, BOB, body.encode(), hour=10))
    rare.append(Post(1, ALICE, b"<p>START small END</p>", day=27))
    src_rare, src_later = os.path.join(work, "rare.html"), os.path.join(work, "later.html")
    with open(src_rare, "wb") as f:
        f.write(page(rare))
    with open(src_later, "wb") as f:
        f.write(page([Post(5, BOB, b"<p>START chatter END</p>", day=29, hour=10), rare[-1]]))
    rare_links = [p.link for p in rare if p.source is BOB and p.n < 20]   # newest first
    d3 = os.path.join(work, "rare")
    args = ("--keep", "40", "-t", "rare=RARE", "-o", d3)
    rc, err = run(unplanet, *args, src_rare)
    archive3 = os.path.join(d3, ".unplanet", "archive", "bob.xml")
    size = os.path.getsize(archive3) if os.path.exists(archive3) else None
    check("limits: what only a topic keeps is cut first: the archive fits, the author feed keeps its 40",
          rc == 0 and size is not None and size <= LIMIT and
          len(atom_links(os.path.join(d3, "authors", "bob.atom"))) == 40, f"exit {rc}, {size} bytes: {err[:300]}")
    check("limits: ...with one warning saying how many the topics keep",
          err == "unplanet: warning: bob: its archive would pass 1 MiB; keeping its newest 40 entries "
          "and 10 more that topics show\n", err[:500])
    snap = snapshot(d3)
    rc, err = run(unplanet, "-q", *args, src_rare)
    check("limits: ...the next run reads that archive back and changes nothing",
          rc == 0 and err == "" and snapshot(d3) == snap, f"exit {rc}: {err[:300]}")
    rc, err = run(unplanet, "-q", *args, src_later)
    size = os.path.getsize(archive3) if os.path.exists(archive3) else None
    shown = atom_links(os.path.join(d3, "topics", "rare.atom")) if rc == 0 else []
    check("limits: ...once they left the page, the topic shows the 10 newest of them, the archive fits",
          rc == 0 and err == "" and shown == rare_links[:10] and size is not None and size <= LIMIT,
          f"exit {rc}, {size} bytes: {err[:300]} {len(shown)}")
    rc, err = run(unplanet, "-q", *args, src_later)
    check("limits: ...and the run after that too", rc == 0 and err == "", f"exit {rc}: {err[:300]}")

    # ...also with posts --exclude hides newer than those the topic shows
    # (archived too, merged in date order): the topic keeps as many whole
    # as the warning says.
    mixed = [Post(n, BOB, b"<p>START chatter END</p>", hour=10) for n in range(59, 55, -1)]
    mixed += [Post(n, BOB, b"<p>START SKIPME END</p>", hour=10) for n in (55, 54)]
    mixed += [Post(n, BOB, f"<p>START {' '.join(f'w{n}z{i}' for i in range(37000))} RARE END</p>".encode(), hour=10)
              for n in range(53, 47, -1)]
    mixed.append(Post(1, ALICE, b"<p>START small END</p>", day=27))
    src_mixed = os.path.join(work, "mixed.html")
    with open(src_mixed, "wb") as f:
        f.write(page(mixed))
    d4 = os.path.join(work, "mixed")
    args = ("--keep", "4", "-t", "rare=RARE", "-x", "SKIPME", "-o", d4)
    rc, err = run(unplanet, *args, src_mixed)
    whole = [e.findtext("link") for e in ET.parse(os.path.join(d4, ".unplanet", "archive", "bob.xml")).getroot()
             .findall("entry") if e.find("content") is not None and "RARE" in e.findtext("content")] if rc == 0 else []
    rc2, err2 = run(unplanet, "-q", *args, src_later)
    shown = atom_links(os.path.join(d4, "topics", "rare.atom")) if rc2 == 0 else []
    rare_links = [p.link for p in mixed if p.n < 54 and p.source is BOB]
    check("limits: ...with excluded posts newer than them, as many whole as the warning says, the newest",
          rc == rc2 == 0 and "keeping its newest 4 entries and 2 more that topics show" in err and
          whole == rare_links[:2] and shown == rare_links[:2], f"exit {rc} {rc2}: {err[:300]} {whole} {shown}")
    # ...and with a post the author feed shows that the topic shows too:
    # only those past --keep count (the topic's 4 newest: that one and 3
    # past --keep, of which half, 1, is kept whole).
    mixed[3] = Post(56, BOB, b"<p>START small RARE END</p>", hour=10)
    with open(src_mixed, "wb") as f:
        f.write(page(mixed))
    d5 = os.path.join(work, "mixed-shown")
    rc, err = run(unplanet, "--keep", "4", "-t", "rare=RARE", "-x", "SKIPME", "-o", d5, src_mixed)
    whole = [e.findtext("link") for e in ET.parse(os.path.join(d5, ".unplanet", "archive", "bob.xml")).getroot()
             .findall("entry") if e.findtext("link") in rare_links and e.find("content") is not None] if rc == 0 else []
    check("limits: ...with one the author feed shows that the topic shows too: only those past --keep count",
          rc == 0 and err == "unplanet: warning: bob: its archive would pass 1 MiB; keeping its newest 4 entries "
          "and 1 more that topics show\n" and whole == rare_links[:1], f"exit {rc}: {err[:300]} {whole}")

    # An archive file over the limit (not unplanet's: grown by hand) is an
    # error naming it, and nothing changes.
    if os.path.exists(archive):
        with open(archive, "ab") as f:
            f.write(b"<!--" + b" " * LIMIT + b"-->\n")
        snap = snapshot(d)
        rc, err = run(unplanet, "-o", d, src)
        check("limits: an archive file over the limit exits 65, names it, changes nothing",
              rc == 65 and ".unplanet/archive/bob.xml: larger than the 1 MiB a state or archive file may be" in err
              and snapshot(d) == snap, f"exit {rc}: {err[:300]}")
    report()


if __name__ == "__main__":
    main()
