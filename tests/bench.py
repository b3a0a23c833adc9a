#!/usr/bin/python3
"""bench.py WORKDIR [SIZE...] - how unplanet's cost compares with the HTML
parse it cannot avoid.

For synthetic Planet pages of about 1, 10 and 50 MB (tests/planetgen.py,
deterministic), measures in the same run: (a) the bare libxml2 HTML parse
of the page (tests/bench-parse, same compiler flags), (b) a full unplanet
run into a new, empty folder, (c) a second run into the same folder, where
nothing changed; each the median of several runs (after a sync, so each
pays for its own writes only), with peak RSS. Runs use the threads
unplanet takes by default (the processors it may use, --jobs); a full run
on one thread (-j 1) is measured too, for machines with one processor. Then, for pages of many
posts of one source without permalinks or sharing one, how the time of a
second run grows as their number doubles. Prints a table of figures
and ratios against the parse, and the scaling from 10 MB to 50 MB. Every
page's three are measured in the same rounds, one after the other, and
each ratio (the scaling too) is the median of the rounds' own ratios, so
that a machine whose speed drifts during the benchmark skews no ratio.
Prints figures; asserts nothing.
"""
import os
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..")
UNPLANET = os.path.join(ROOT, "unplanet")
PARSE = os.path.join(HERE, "bench-parse")


def measure(argv):
    """Wall time (s) and peak RSS (KiB) of one process."""
    t0 = time.perf_counter()
    pid = os.spawnv(os.P_NOWAIT, argv[0], argv)
    _, status, usage = os.wait4(pid, 0)
    elapsed = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{argv} failed with {status}")
    return elapsed, usage.ru_maxrss


def synced(argv):
    """measure(argv) after a sync: each run pays for its own writes only,
    not for the flush of the files the last one wrote."""
    os.sync()
    return measure(argv)


def shape_pages(shape, n, a_path, b_path):
    """Two pages of n posts of one source each, the second all new: posts
    without permalinks (shape "no-link"), or posts that all share one
    permalink (shape "one-link"), a podcast's episodes linking to its
    home page, or posts without permalinks that are all untitled
    ("untitled", status updates) or all of one title ("one-title"), each
    of its own text. What grouping does with posts the archive may know."""
    import datetime
    sys.path.insert(0, HERE)
    from hostile import Post, page
    base = datetime.datetime(2026, 4, 29, 7, 0)

    def post(i, minutes, title):
        body = f"<p>START post {i} of {title} END</p>" if shape in ("untitled", "one-title") else "<p>START a post END</p>"
        p = Post(i, ("S", "https://s.example/", "S"), body.encode())
        t = base - datetime.timedelta(minutes=minutes)
        p.date = f"{t:%B} {t.day}, {t.year} {t.hour % 12 or 12:02d}:{t.minute:02d} {'AM' if t.hour < 12 else 'PM'} UTC"
        p.link = "https://s.example/home" if shape == "one-link" else ""
        p.title_html = None if shape == "untitled" else "Notes" if shape == "one-title" else title
        return p

    with open(a_path, "wb") as f:
        f.write(page([post(i, n * 3 + i * 3, f"Old {i}") for i in range(n)]))
    with open(b_path, "wb") as f:
        f.write(page([post(i, i * 6 + 1, f"New {i}") for i in range(n)]))


def shapes(work):
    """How the second run's time grows with n for the shape_pages shapes:
    x2 when linear. Prints figures; asserts nothing."""
    print("shapes: second run, n posts of one source after n others, --keep 0 (median of 3)")
    for shape in ("no-link", "one-link", "untitled", "one-title"):
        times = {}
        for n in (2000, 4000):
            a, b = os.path.join(work, f"{shape}-{n}-a.html"), os.path.join(work, f"{shape}-{n}-b.html")
            shape_pages(shape, n, a, b)
            t = []
            for k in range(3):
                out = os.path.join(work, f"{shape}-{n}-{k}")
                shutil.rmtree(out, ignore_errors=True)
                measure([UNPLANET, "-q", "--keep", "0", "-o", out, a])
                t.append(synced([UNPLANET, "-q", "--keep", "0", "-o", out, b])[0])
                shutil.rmtree(out)
            times[n] = statistics.median(t)
        print(f"  {shape:8} n=2000 {times[2000] * 1e3:6.0f} ms, n=4000 {times[4000] * 1e3:6.0f} ms: "
              f"x{times[4000] / times[2000]:.2f} for x2 posts")


def main():
    work = sys.argv[1]
    sizes = [float(s) for s in sys.argv[2:]] or [1e6, 10e6, 50e6]
    os.makedirs(work, exist_ok=True)
    pages = []
    for size in sizes:
        page = os.path.join(work, f"planet-{int(size / 1e6)}M.html")
        if not os.path.exists(page):
            with open(page, "wb") as f:
                f.write(subprocess.run(["/usr/bin/python3", os.path.join(HERE, "planetgen.py"), "--size", str(size), "--seed", "42"],
                                       capture_output=True, check=True).stdout)
        pages.append(page)
    # Each full run writes into a folder of its own, never used before,
    # and the folders go at the end. Emptying one folder just before each
    # run would bill unplanet for the kernel's bookkeeping of the deletion:
    # ext4 with no journal (as on the machines this was measured on) skips
    # each inode freed in the last 30 s when it allocates one, a lookup per
    # skipped inode, so creating N files a moment after deleting M costs
    # N x M lookups: up to 15% of a 10 MB run. No real run follows the
    # deletion of a thousand files by a second. When the disk is short of
    # room for every folder, each is deleted after its round (and the
    # table says so).
    out_root = os.path.join(work, "out")
    shutil.rmtree(out_root, ignore_errors=True)
    os.makedirs(out_root)
    need = sum(8 * os.path.getsize(page) * 9 for page in pages)
    keep = shutil.disk_usage(out_root).free > 2 * need
    # Rounds of parse, full run and rerun of every page, one after the
    # other: the machine's speed drifts, and a ratio of two figures taken
    # minutes apart would measure the drift. This also holds for the
    # scaling from 10 to 50 MB, taken round by round like the others.
    rounds = {page: [] for page in pages}
    sources = {}
    for n in range(9):
        for page in pages:
            if os.path.getsize(page) > 20e6 and n >= 5:
                continue   # five rounds of the large page are enough
            out = os.path.join(out_root, f"{n}-{os.path.basename(page)}")
            run = [UNPLANET, "--max-size", "1G", "-o", out, page]
            parse_t, parse_rss = synced([PARSE, page])
            full_t, full_rss = synced(run)
            sources[page] = len(os.listdir(os.path.join(out, "authors"))) // 3
            again_t, again_rss = synced(run)
            one_t, one_rss = synced([UNPLANET, "-j", "1", "--max-size", "1G", "-o", out + "-j1", page])
            if not keep:
                shutil.rmtree(out)
                shutil.rmtree(out + "-j1")
            rounds[page].append((parse_t, full_t, again_t, parse_rss, max(full_rss, again_rss, one_rss), one_t))
    shutil.rmtree(out_root, ignore_errors=True)
    rows = []
    for page in pages:
        data = open(page, "rb").read()
        mb = len(data) / 1e6
        r = rounds[page]
        med = lambda k: statistics.median(x[k] for x in r)
        rows.append(dict(page=page, size=mb, sources=sources[page], entries=data.count(b"<em><a href="),
                         parse=med(0), full=med(1), again=med(2),
                         full_ratio=statistics.median(x[1] / x[0] for x in r),
                         one=med(5), one_ratio=statistics.median(x[5] / x[0] for x in r),
                         again_ratio=statistics.median(x[2] / x[0] for x in r),
                         rss=max(x[4] for x in r), parse_rss=max(x[3] for x in r)))
    # unplanet's default --jobs is this, or fewer under a cgroup CPU
    # quota (pool.h), which only the program itself reads.
    threads = min(len(os.sched_getaffinity(0)), 8)
    print(f"(runs with unplanet's default --jobs: {threads} thread{'s' if threads > 1 else ''} for the "
          "processors it may use here, fewer under a cgroup CPU quota; '-j1' columns: a full run on one)")
    print(f"{'size MB':>8} {'sources':>7} {'entries':>7} {'parse ms':>9} {'run ms':>8} {'run/parse':>9} "
          f"{'rerun ms':>8} {'rerun/parse':>11} {'-j1 ms':>7} {'-j1/parse':>9} {'MB/s':>6} {'RSS MB':>7} "
          f"{'RSS/input':>9} {'parse RSS MB':>12}")
    for r in rows:
        print(f"{r['size']:8.1f} {r['sources']:7d} {r['entries']:7d} {r['parse'] * 1e3:9.0f} {r['full'] * 1e3:8.0f} "
              f"{r['full_ratio']:9.2f} {r['again'] * 1e3:8.0f} {r['again_ratio']:11.2f} {r['one'] * 1e3:7.0f} "
              f"{r['one_ratio']:9.2f} {r['size'] / r['full']:6.1f} {r['rss'] / 1024:7.0f} "
              f"{r['rss'] / 1024 / r['size']:9.2f} {r['parse_rss'] / 1024:12.0f}")
    by = {round(r["size"] / 10) * 10 or round(r["size"]): r for r in rows}
    if 10 in by and 50 in by:
        # Round by round, over the rounds both pages ran in.
        small, large = rounds[by[10]["page"]], rounds[by[50]["page"]]
        pairs = list(zip(small, large))
        scale = lambda k: statistics.median(b[k] / a[k] for a, b in pairs)
        print(f"scaling 10 MB -> 50 MB: run x{scale(1):.2f}, rerun x{scale(2):.2f}, -j1 run x{scale(5):.2f}, "
              f"parse x{scale(0):.2f} (input x{by[50]['size'] / by[10]['size']:.2f})")
    if not keep:
        print(f"(less than {2 * need / 1e9:.1f} GB free on the disk: each full run followed the deletion of the "
              "last one's folder, and paid for it)")
    print("targets: run/parse <= 2.0 and rerun/parse <= 1.5 at 10 MB; 50 MB/10 MB run <= 5.5; "
          "RSS <= 6 x input + 20 MB")
    for r in rows:
        allowance = 6 * r["size"] + 20
        print(f"  {r['size']:.1f} MB: peak RSS {r['rss'] / 1024:.0f} MB of the {allowance:.0f} MB allowed "
              f"({'within' if r['rss'] / 1024 <= allowance else 'OVER'})")
    if not sys.argv[2:]:
        shapes(work)


if __name__ == "__main__":
    main()
