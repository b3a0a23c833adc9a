#!/usr/bin/python3
"""oom.py UNPLANET_OOM WORKDIR - running out of memory anywhere is exit 70.

UNPLANET_OOM is the sanitizer build linked with tests/failalloc.c: FAIL_AT=N
makes the Nth allocation of unplanet's own code fail. For every N of four
runs on a small page (a first run into a new folder, a second run into an
existing one with new settings and a new post, another with no settings,
which takes the posts it read before from the archive, one with a larger
--keep into a folder made with --keep 1, which takes a post past it from
the archive's slim copy and then reads the page again for it, --dump, and
one with a configuration error, and over HTTP: one answered 304, one
with a feed file gone, which asks for the page again), the run must either end with exit 70 and "out of
memory", its folder exactly as it was, or (when what failed was only a
best-effort step) end as a run where nothing fails: the same output, or
the same error. Never another exit code, a wrong
message ("corrupt", a bad option), links left unresolved, a leak or a
sanitizer report.
"""
import concurrent.futures
import http.server
import os
import shutil
import subprocess
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hostile import ALICE, BOB, Post, page  # noqa: E402
from testlib import check, report, snapshot  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
XSLT = os.path.join(HERE, "..", "xslt")
CONFIG = """[unplanet]
keep = 10
exclude = nothing matches this

[topic Django]
match = \\bdjango\\b
title = Django posts

[source Bob]
link = https://bob.example/
slug = bobby

[source alice bold & co]
name = matches no source, but what it may have meant
"""
BAD_CONFIG = "[unplanet]\nkeep = 3\nstylesheet =\n[topic T]\nmatch = x\n"


def posts(new):
    out = [
        Post(1, ALICE, b'<p>START django <a href="/rel">relative</a> <img srcset="a.png 1x, b.png 2x"> END</p>',
             creator="Ann"),
        Post(2, BOB, b"<p>START untitled END</p>", title=False),
        Post(3, BOB, b'<p>START <a href="../up">up</a> END</p>', day=27),
    ]
    if new:
        out.insert(0, Post(4, ALICE, b"<p>START a new post END</p>", day=29))
    return out


def contents(d):
    """Every file under d with a hash of its bytes (not its mtime)."""
    return {x[0]: x[4] for x in snapshot(d) if x[4] != "dir"}


def files(d):
    """snapshot(d) but the folders' mtimes."""
    return [x if x[4] != "dir" else (x[0], x[4]) for x in snapshot(d)]


class Handler(http.server.BaseHTTPRequestHandler):
    """Serves PAGE with an ETag, and 304 to a request that has it."""
    PAGE = b""

    def log_message(self, *args):
        pass

    def do_GET(self):
        if self.headers.get("If-None-Match") == '"v1"':
            self.send_response(304)
            self.send_header("ETag", '"v1"')
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(self.PAGE)))
        self.send_header("ETag", '"v1"')
        self.end_headers()
        self.wfile.write(self.PAGE)


def main():
    unplanet, work = sys.argv[1], sys.argv[2]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    ini, bad, page1, page2 = (os.path.join(work, n) for n in ("unplanet.ini", "bad.ini", "page1.html", "page2.html"))
    open(ini, "w").write(CONFIG)
    open(bad, "w").write(BAD_CONFIG)
    open(page1, "wb").write(page(posts(False)))
    open(page2, "wb").write(page(posts(True)))
    env = dict(os.environ, ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:exitcode=86",
               UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1")
    base, base_slim = os.path.join(work, "base"), os.path.join(work, "base-slim")
    base_http, base_gone = os.path.join(work, "base-http"), os.path.join(work, "base-gone")
    Handler.PAGE = page(posts(True))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/planet"

    def args(kind, out):
        # On three threads, whatever the machine: an allocation that
        # fails on one of them must end the run as on the calling one.
        common = [unplanet, "-j", "3", "-c", ini, "--xslt-dir", XSLT]
        if kind == "first":
            return common + ["-o", out, page1]
        if kind == "second":
            return common + ["-t", "New=new post", "-o", out, page2]
        if kind == "again":   # no topic nor exclusion: posts read before are taken from the archive
            return [unplanet, "-j", "3", "--xslt-dir", XSLT, "--keep", "10", "-o", out, page2]
        if kind in ("slim", "grown"):
            return [unplanet, "-j", "3", "--xslt-dir", XSLT, "--keep", "1" if kind == "slim" else "10", "-o", out, page1]
        if kind == "bad-config":
            return [unplanet, "-j", "3", "-c", bad, "--xslt-dir", XSLT, "-o", out, page1]
        if kind in ("http", "304", "gone"):
            return common + ["-o", out, url]
        return common + ["--dump", page1]

    def run(kind, n, out):
        e = dict(env)
        if n is not None:
            e["FAIL_AT"] = str(n)
        else:
            e["FAIL_COUNT"] = out + ".count"
        if kind in ("second", "again"):
            shutil.copytree(base, out, symlinks=True)
        if kind == "grown":
            shutil.copytree(base_slim, out, symlinks=True)
        if kind in ("304", "gone"):
            shutil.copytree(base_http if kind == "304" else base_gone, out, symlinks=True)
        try:
            r = subprocess.run(args(kind, out), capture_output=True, env=e, timeout=120)
        except subprocess.TimeoutExpired:
            return None, b"", "still running after 120 s"   # a failed check, not a traceback
        return r.returncode, r.stdout, r.stderr.decode("utf-8", "replace")

    rc, _, err = run("first", None, base)
    check("oom: a run where nothing fails succeeds", rc == 0, err)
    if rc != 0:
        report()
        return
    rc, _, err = run("slim", None, base_slim)
    check("oom: a run with --keep 1, where nothing fails, succeeds", rc == 0, err)
    rc, _, err = run("http", None, base_http)
    check("oom: a run over HTTP, where nothing fails, succeeds", rc == 0, err)
    shutil.copytree(base_http, base_gone, symlinks=True)
    os.remove(os.path.join(base_gone, "authors", "bobby.rss"))
    before = {"second": files(base), "again": files(base), "grown": files(base_slim), "304": files(base_http),
              "gone": files(base_gone)}
    reference, counts = {}, {}
    for kind in ("first", "second", "again", "grown", "dump", "304", "gone"):
        out = os.path.join(work, f"ref-{kind}")
        rc, stdout, err = run(kind, None, out)
        reference[kind] = stdout if kind == "dump" else contents(out)
        counts[kind] = int(open(out + ".count").read())
        check(f"oom: {kind}: the run where nothing fails succeeds ({counts[kind]} allocations)",
              rc == 0 and counts[kind] > 50, err)
    out = os.path.join(work, "ref-bad-config")
    rc, _, err = run("bad-config", None, out)
    reference["bad-config"] = err
    counts["bad-config"] = int(open(out + ".count").read())
    check(f"oom: bad-config: the run where nothing fails is a config error ({counts['bad-config']} allocations)",
          rc == 78 and "bad.ini:3: stylesheet needs a file name" in err and counts["bad-config"] > 5, err)
    check("oom: 304 leaves the folder as it was; gone makes the file again, all else the same",
          reference["304"] == contents(base_http) == reference["gone"] and counts["304"] < counts["gone"] // 2, "")
    check("oom: the reference dump resolves relative links",
          b'.example/rel"' in reference["dump"] and b'.example/up"' in reference["dump"], "")

    def one(job):
        kind, n = job
        out = os.path.join(work, f"{kind}-{n}")
        rc, stdout, err = run(kind, n, out)
        # (A stylesheet's own function says it as libxml2 does, a file
        # that could not be made as strerror does.)
        if rc == 70 and any(m in err for m in ("out of memory", "Memory allocation error", "Cannot allocate memory")):
            # The output folder as it was: absent or empty, or base (every
            # file's bytes, mode and mtime; a folder's own mtime moves when
            # a temporary file came and went).
            same = kind == "dump" or (files(out) == before[kind] if kind in before else
                                      not os.path.exists(out) or not contents(out))
            result = None if same else f"FAIL_AT={n}: exit 70, but the folder changed"
        elif kind == "bad-config":
            result = None if rc == 78 and err == reference[kind] and not os.path.exists(out) else \
                f"FAIL_AT={n}: exit {rc}: {err[:300]}"
        elif rc == 0:
            got = stdout if kind == "dump" else contents(out)
            result = None if got == reference[kind] else f"FAIL_AT={n}: exit 0 with other output"
        else:
            result = f"FAIL_AT={n}: exit {rc}: {err[:300]}"
        shutil.rmtree(out, ignore_errors=True)
        return kind, result

    jobs = [(kind, n) for kind in counts for n in range(1, counts[kind] + 1)]
    failures = {kind: [] for kind in counts}
    # (Those this process may use, four at most: a VM or container may show
    # many more CPUs than its share.)
    with concurrent.futures.ThreadPoolExecutor(max_workers=min(4, len(os.sched_getaffinity(0)))) as pool:
        for kind, result in pool.map(one, jobs):
            if result is not None:
                failures[kind].append(result)
    for kind in counts:
        check(f"oom: {kind}: each of its {counts[kind]} allocations failing gives exit 70 "
              "and the folder as it was, or the same output",
              not failures[kind], f"{len(failures[kind])} runs: {failures[kind][:5]}")
    report()


if __name__ == "__main__":
    main()
