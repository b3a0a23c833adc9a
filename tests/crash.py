#!/usr/bin/python3
"""crash.py UNPLANET WORKDIR - runs killed with SIGKILL at many points never
leave a truncated or unparsable file, and the next run completes.

Two versions of a synthetic Planet page alternate, so every run has files
to change. Each run is killed after a delay spread over the time a whole
run takes; after each kill every file in the folder (temporary files
aside) must parse as XML. A last run must complete, leave no temporary
file, and give the same feeds as clean runs over the same pages.
"""
import fcntl
import glob
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from testlib import check, report, snapshot  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
KILLS = 60
# LeakSanitizer cannot run under strace (ptrace): runs traced go without it.
NO_LSAN = dict(os.environ, ASAN_OPTIONS=os.environ.get("ASAN_OPTIONS", "") + ":detect_leaks=0")


def files(d):
    for root, dirs, names in os.walk(d):
        for n in names:
            yield os.path.join(root, n)


def is_temp(path):
    return os.path.basename(path).startswith(".") and ".unplanet-" in os.path.basename(path)


def check_complete(path):
    """Raises if the file is empty, cut short or does not parse."""
    if os.path.getsize(path) == 0:
        raise ValueError("empty")
    if path.endswith(".json"):
        json.load(open(path, encoding="utf-8"))
    elif path.endswith(".html"):
        if not open(path, encoding="utf-8").read().rstrip().endswith("</html>"):
            raise ValueError("cut short")
    else:
        ET.parse(path)


def feeds_content(d):
    out = {}
    for f in sorted(glob.glob(os.path.join(d, "authors", "*.atom")) + glob.glob(os.path.join(d, "authors", "*.rss"))):
        root = ET.parse(f).getroot()
        ids = [e.text for e in root.iter() if e.tag in ("{http://www.w3.org/2005/Atom}id", "guid")]
        out[os.path.basename(f)] = ids
    return out


def main():
    unplanet, work = sys.argv[1], sys.argv[2]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    pages = []
    for variant in (0, 7):
        p = os.path.join(work, f"page{variant}.html")
        with open(p, "wb") as f:
            f.write(subprocess.run(["/usr/bin/python3", os.path.join(HERE, "planetgen.py"), "--size", "1.5e6",
                                    "--seed", "3", "--variant", str(variant)], capture_output=True, check=True).stdout)
        pages.append(p)

    # How long a run like those killed below takes (the other page over a
    # folder holding one): the fastest of a few, so that the kills, spread
    # over that time, land mid-way however the machine's load varies.
    ref = os.path.join(work, "ref")
    subprocess.run([unplanet, "-o", ref, pages[0]], check=True)
    whole = None
    for k in range(3):  # ending with pages[1], as the runs below do
        t0 = time.time()
        subprocess.run([unplanet, "-o", ref, pages[(k + 1) % 2]], check=True)
        whole = min(whole or 1e9, time.time() - t0)

    d = os.path.join(work, "feeds")
    subprocess.run([unplanet, "-o", d, pages[0]], check=True)
    broken = []
    killed = 0
    for k in range(KILLS):
        page = pages[(k + 1) % 2]
        t0 = time.time()
        proc = subprocess.Popen([unplanet, "-o", d, page], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(whole * 1.2 * k / KILLS)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            killed += 1
        else:
            # Done before the kill: the machine got faster since (its
            # load fell), and the kills must keep landing mid-way.
            whole = min(whole, time.time() - t0)
        proc.wait()
        for f in files(d):
            if is_temp(f):
                continue
            try:
                check_complete(f)
            except Exception as e:  # noqa: BLE001
                broken.append(f"after kill {k}: {os.path.relpath(f, d)}: {e}")
    check(f"crash: {killed} of {KILLS} runs killed mid-way", killed >= KILLS // 2, f"only {killed} killed")
    check("crash: no truncated or unparsable file after any kill", not broken, "; ".join(broken[:3]))
    # A killed run's leftovers go from every folder unplanet writes in, also
    # those the next run writes nothing in (topics/ of a dropped topic).
    for folder in ("topics", os.path.join(".unplanet", "cache", "topics"), ".unplanet", ""):
        os.makedirs(os.path.join(d, folder), exist_ok=True)
        open(os.path.join(d, folder, ".dropped.atom.unplanet-Ab12Cd"), "w").close()
    # A temporary file is ".NAME.unplanet-" and exactly 6 characters: a
    # user's files that only look alike are not the sweep's to remove.
    mine = {}
    for name in (".notes.unplanet-mine", ".x.unplanet-ABCDEFG", "keep.unplanet-Ab12Cd", ".unplanet-Ab12Cd"):
        mine[os.path.join(d, "authors", name)] = f"{name}: the user's own\n".encode()
    for path, data in mine.items():
        open(path, "wb").write(data)
    r = subprocess.run([unplanet, "-o", d, pages[1]], capture_output=True)
    check("crash: the next run completes", r.returncode == 0, r.stderr.decode())
    temps = [f for f in files(d) if is_temp(f) and f not in mine]
    check("crash: it removes the temporary files killed runs left", not temps, f"{temps[:3]}")
    gone = [os.path.basename(f) for f, data in mine.items()
            if not os.path.isfile(f) or open(f, "rb").read() != data]
    check("crash: ...but not a user's files named like them (other suffix length, no leading '.NAME')",
          r.returncode == 0 and not gone, f"removed or changed: {gone}")
    check("crash: it gives the same feeds as clean runs", feeds_content(d) == feeds_content(ref), "feeds differ")
    stopped_mid_commit(unplanet, work)
    terminated(unplanet, work, pages, whole)
    stopped_in_pipes(unplanet, work, os.path.join(HERE, "..", "samples", "planetpython-2026-04-29.html"))
    stopped_in_stylesheet(unplanet, work, os.path.join(HERE, "..", "samples", "planetpython-2026-04-29.html"))
    page_goes_back(unplanet, work, pages)
    older_copy_after_kill(unplanet, work)
    no_links(unplanet, work, pages)
    own_volume(unplanet, work, pages)
    report()


def own_volume(unplanet, work, pages):
    """A folder under DIR that is another filesystem's mount point (authors/
    on a volume of its own) is flushed to disk too before the renames, not
    DIR's filesystem alone. Mounting needs root (as in CI): without it the
    test says it did not run."""
    d = os.path.join(work, "own-volume")
    authors = os.path.join(d, "authors")
    subprocess.run([unplanet, "-o", d, pages[0]], capture_output=True)
    mount = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", authors], capture_output=True)
    if mount.returncode != 0:
        # Not root, or a container without the right to mount: said, not failed.
        print(f"# crash: own-volume flush not tested: cannot mount a tmpfs here: {mount.stderr.decode().strip()}")
        return
    try:
        log = os.path.join(work, "own-volume.strace")
        r = subprocess.run(["strace", "-f", "-y", "-o", log, "-e", "trace=syncfs", unplanet, "--force", "-o", d,
                            pages[0]], capture_output=True, env=NO_LSAN)
        synced = re.findall(r"syncfs\(\d+<([^>]*)>\)", open(log).read())
        check("crash: a folder under DIR on its own volume (authors/ a mount point) is flushed to disk too",
              r.returncode == 0 and os.path.realpath(authors) in synced and os.path.realpath(d) in synced,
              f"exit {r.returncode}: {r.stderr.decode()[:300]} synced {synced}")
    finally:
        subprocess.run(["umount", authors], capture_output=True)


def no_links(unplanet, work, pages):
    """A folder whose fstat gives no links (some FUSE filesystems; also one
    removed while a run waited for its lock) is taken again a bounded
    number of times, then written: the run ends, it does not spin."""
    shim = os.path.join(work, "nolinks.so")
    built = subprocess.run(["cc", "-shared", "-fPIC", "-o", shim, os.path.join(HERE, "nolinks.c"), "-ldl"],
                           capture_output=True)
    d = os.path.join(work, "no-links")
    try:
        r = subprocess.run([unplanet, "-o", d, pages[0]], capture_output=True, timeout=60,
                           env={**os.environ, "LD_PRELOAD": shim, "ASAN_OPTIONS": "verify_asan_link_order=0"})
        rc, err = r.returncode, r.stderr.decode("utf-8", "replace")
    except subprocess.TimeoutExpired:
        rc, err = None, "still running after 60 s"
    check("crash: a folder that fstat gives no links is written, the run does not spin",
          built.returncode == 0 and rc == 0 and err == "" and os.path.isfile(os.path.join(d, "index.html")),
          f"exit {rc}: {err} {built.stderr.decode()[:200]}")


def stopped_mid_commit(unplanet, work):
    """A run under a changed stylesheet stopped at each flush to disk
    (SIGKILL, or a flush that fails), then a run under the old stylesheet
    again: its files are the old stylesheet's, not left over from the
    stopped run as if they were. strace injects the faults."""
    sample = os.path.join(HERE, "..", "samples", "planetpython-2026-04-29.html")
    xsl = os.path.join(work, "ver.xsl")

    def version(v):
        with open(xsl, "w") as f:
            f.write('<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">'
                    f'<xsl:output method="text"/><xsl:template match="/">{v}</xsl:template></xsl:stylesheet>\n')
    version("V1")
    base = os.path.join(work, "v1")
    subprocess.run([unplanet, "-o", base, "-s", xsl, sample], check=True)
    stale = []
    for fault in ("signal=KILL", "error=EIO"):
        for when in range(1, 6):
            d = os.path.join(work, f"mid-{fault[:5]}-{when}")
            shutil.rmtree(d, ignore_errors=True)
            shutil.copytree(base, d)
            version("V2")
            subprocess.run(["strace", "-f", "-o", "/dev/null", "-e", f"inject=syncfs:{fault}:when={when}",
                            unplanet, "-q", "-o", d, "-s", xsl, sample], capture_output=True)
            version("V1")
            r = subprocess.run([unplanet, "-o", d, "-s", xsl, sample], capture_output=True)
            wrong = [os.path.basename(f) for f in glob.glob(os.path.join(d, "authors", "*.ver"))
                     if open(f).read() != "V1"]
            if r.returncode != 0 or wrong:
                stale.append(f"{fault} at flush {when}: exit {r.returncode}, {len(wrong)} files not V1")
    check("crash: a run stopped at any flush under a changed stylesheet leaves nothing stale for the next run",
          not stale, "; ".join(stale[:3]))

    # A full disk at each of the first writes: exit 74, a message naming
    # the file that could not be written (not the temporary file, gone at
    # once), and the folder as it was (but for folders' mtimes, which the
    # temporary files touched). On one thread: strace counts each thread's
    # writes, and would fail the message's own write on the calling one
    # (cli.sh fails writes on four threads by a file size limit).
    def contents(d):
        return [x for x in snapshot(d) if x[4] != "dir"]
    bad = []
    for when in (1, 2, 6):
        d = os.path.join(work, f"full-{when}")
        shutil.rmtree(d, ignore_errors=True)
        shutil.copytree(base, d)
        before = contents(d)
        r = subprocess.run(["strace", "-f", "-o", "/dev/null", "-e", f"inject=write:error=ENOSPC:when={when}",
                            unplanet, "-j", "1", "-o", d, "-s", xsl, "-t", "Django=django", sample], capture_output=True,
                           env=NO_LSAN)
        err = r.stderr.decode("utf-8", "replace")
        if not (r.returncode == 74 and f"{d}/" in err and "No space left on device" in err and
                ".unplanet-" not in err and contents(d) == before):
            bad.append(f"write {when}: exit {r.returncode}: {err.strip()}")
    check("crash: a full disk: exit 74 naming the file, folder untouched", not bad, "; ".join(bad))

    # A first run whose first rename fails has put nothing in place: the
    # folders it made go with its temporary files, and so does DIR itself.
    d = os.path.join(work, "first-rename")
    shutil.rmtree(d, ignore_errors=True)
    r = subprocess.run(["strace", "-f", "-o", "/dev/null", "-e", "inject=rename,renameat,renameat2:error=EIO:when=1",
                        unplanet, "-o", d, sample], capture_output=True, env=NO_LSAN)
    err = r.stderr.decode("utf-8", "replace")
    check("crash: a first run whose first rename fails: exit 74 naming the file, no folder left behind",
          r.returncode == 74 and f"{d}/" in err and "cannot replace: Input/output error" in err and
          not os.path.exists(d), f"exit {r.returncode}: {err.strip()}; left: "
          f"{sorted(os.listdir(d)) if os.path.isdir(d) else None}")

    # A first run whose renames fail part way has put some files in place:
    # .unplanet/ stays (with no record in it yet), so that the next run,
    # on a page changed since, takes them for its own, as they are, and
    # replaces them (without it, it would refuse them as someone else's).
    d = os.path.join(work, "first-part")
    shutil.rmtree(d, ignore_errors=True)
    changed = os.path.join(work, "changed.html")
    with open(sample, "rb") as f, open(changed, "wb") as g:
        g.write(f.read().replace(b"<title>Planet Python</title>", b"<title>Planet Python Mirror</title>", 1))
    r = subprocess.run(["strace", "-f", "-o", "/dev/null", "-e", "inject=rename,renameat,renameat2:error=EIO:when=10",
                        unplanet, "-o", d, sample], capture_output=True, env=NO_LSAN)
    placed = len(os.listdir(os.path.join(d, "authors"))) if os.path.isdir(os.path.join(d, "authors")) else 0
    again = subprocess.run([unplanet, "-o", d, changed], capture_output=True)
    check("crash: a first run whose renames fail part way: exit 74, files in place, and the next run on a changed "
          "page completes", r.returncode == 74 and placed > 0 and again.returncode == 0 and
          os.path.exists(os.path.join(d, ".unplanet", "state.xml")),
          f"exit {r.returncode}, {placed} placed; next exit {again.returncode}: {again.stderr.decode()[:300]}")

    # A rename that fails after the state's first copy is in place: the
    # folders made for files never renamed go all the same (a topic's).
    d = os.path.join(work, "later-rename")
    shutil.rmtree(d, ignore_errors=True)
    first = subprocess.run([unplanet, "-o", d, sample], capture_output=True)
    r = subprocess.run(["strace", "-f", "-o", "/dev/null", "-e", "inject=rename,renameat,renameat2:error=EIO:when=2",
                        unplanet, "-o", d, "-t", "Django=django", sample], capture_output=True, env=NO_LSAN)
    err = r.stderr.decode("utf-8", "replace")
    left = [p for p in ("topics", ".unplanet/cache/topics") if os.path.exists(os.path.join(d, p))]
    check("crash: a rename that fails after the first: exit 74, and no folder made for files never renamed is left",
          first.returncode == 0 and r.returncode == 74 and "cannot replace: Input/output error" in err and not left,
          f"exit {r.returncode}: {err.strip()}; left: {left}")

    # A folder Linux's NFS client cannot lock (its flock() wants a file
    # open for writing): 73, saying why, and the folder made for the run
    # goes again.
    d = os.path.join(work, "nfs")
    shutil.rmtree(d, ignore_errors=True)
    r = subprocess.run(["strace", "-f", "-o", "/dev/null", "-e", "inject=flock:error=EBADF",
                        unplanet, "-o", d, sample], capture_output=True, env=NO_LSAN)
    err = r.stderr.decode("utf-8", "replace")
    check("crash: a folder that cannot be locked (NFS): exit 73 saying so, no folder left behind",
          r.returncode == 73 and f"{d}: cannot lock output folder" in err and "NFS" in err and
          not os.path.exists(d), f"exit {r.returncode}: {err.strip()}")

    # A run that made the folder and failed removes it; another, whose mkdir
    # found it there just before, finds it gone at its open: it makes the
    # folder again and runs (strace's EEXIST for a folder that is not there
    # is that moment).
    d = os.path.join(work, "gone")
    shutil.rmtree(d, ignore_errors=True)
    r = subprocess.run(["strace", "-f", "-o", "/dev/null", "-e", "inject=mkdir:error=EEXIST:when=1",
                        unplanet, "--wait", "-o", d, sample], capture_output=True, env=NO_LSAN)
    err = r.stderr.decode("utf-8", "replace")
    check("crash: an output folder removed by a failed run between this run's mkdir and open is made again",
          r.returncode == 0 and os.path.isfile(os.path.join(d, "index.html")), f"exit {r.returncode}: {err.strip()}")

    # A run stopped (SIGTERM) just after it made the folder, before it
    # locked it: the folder goes, as after any failure (143); one that was
    # there before stays.
    d = os.path.join(work, "stopped-early")
    for there in (False, True):
        shutil.rmtree(d, ignore_errors=True)
        if there:
            os.mkdir(d)
        r = subprocess.run(["strace", "-f", "-o", "/dev/null", "-P", d, "-e", "trace=mkdir",
                            "-e", "inject=mkdir:signal=TERM:when=1", unplanet, "-o", d, sample],
                           capture_output=True, env=NO_LSAN)
        check(f"crash: stopped between making the output folder and locking it: "
              f"{'the folder that was there stays' if there else 'no folder left behind'}",
              r.returncode in (143, -15) and os.path.isdir(d) == there and (not there or os.listdir(d) == []),
              f"exit {r.returncode}: {r.stderr.decode('utf-8', 'replace').strip()} {os.path.exists(d)}")
    # ...but one another run locked meanwhile (here a lock taken while
    # strace holds the stopped run just after its mkdir) is that run's:
    # it stays.
    shutil.rmtree(d, ignore_errors=True)
    p = subprocess.Popen(["strace", "-f", "-o", "/dev/null", "-P", d, "-e", "trace=mkdir",
                          "-e", "inject=mkdir:signal=TERM:delay_exit=1500000:when=1", unplanet, "-o", d, sample],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=NO_LSAN)
    deadline, fd = time.time() + 10, None
    while fd is None and time.time() < deadline and p.poll() is None:
        try:
            fd = os.open(d, os.O_RDONLY | os.O_DIRECTORY)
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            if fd is not None:
                os.close(fd)
            fd = None
            time.sleep(0.01)
    _, stderr = p.communicate()
    check("crash: stopped between making the output folder and locking it, another run locking it meanwhile: "
          "the folder stays", fd is not None and p.returncode in (143, -15) and os.path.isdir(d),
          f"exit {p.returncode}: {stderr.decode('utf-8', 'replace').strip()} locked {fd is not None}")
    if fd is not None:
        os.close(fd)

    # The system's table of open files full (ENFILE) as the output folder,
    # a stylesheet or the configuration file is opened: status 70, as for
    # memory, not a folder, stylesheet or file at fault.
    ini = os.path.join(work, "fds.ini")
    open(ini, "w").write("[unplanet]\nkeep = 5\n")
    d = os.path.join(work, "enfile")
    for what, path, args in (("the output folder", d, []), ("a stylesheet", xsl, ["-s", xsl]),
                             ("the configuration file", ini, ["-c", ini])):
        shutil.rmtree(d, ignore_errors=True)
        r = subprocess.run(["strace", "-f", "-o", "/dev/null", "-P", path, "-e", "trace=openat,open",
                            "-e", "inject=openat,open:error=ENFILE", unplanet, *args, "-o", d, sample],
                           capture_output=True, env=NO_LSAN)
        err = r.stderr.decode("utf-8", "replace")
        check(f"crash: too many open files in the system as {what} is opened: exit 70 saying so",
              r.returncode == 70 and "Too many open files in system" in err and path in err, f"exit {r.returncode}: {err.strip()}")

    # A file size limit (ulimit -f) passed mid-write is a failed write as a
    # full disk is, not a run killed by SIGXFSZ that says nothing and
    # leaves its temporary files.
    d = os.path.join(work, "fsize")
    shutil.rmtree(d, ignore_errors=True)
    shutil.copytree(base, d)
    before = contents(d)
    r = subprocess.run([unplanet, "-o", d, "-s", xsl, "-t", "Django=django", sample], capture_output=True,
                       preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (8192, 8192)))
    err = r.stderr.decode("utf-8", "replace")
    check("crash: a file size limit: exit 74 naming the file, folder untouched, no temporary file",
          r.returncode == 74 and f"{d}/" in err and "File too large" in err and contents(d) == before and
          not [f for f in files(d) if is_temp(f)], f"exit {r.returncode}: {err.strip()}")

    # A stylesheet that cannot be read when it is fingerprinted, after
    # libxslt parsed it (its first two reads): exit 66 naming it, folder
    # untouched, not a fingerprint of part of its bytes.
    d = os.path.join(work, "unread")
    shutil.rmtree(d, ignore_errors=True)
    shutil.copytree(base, d)
    before = contents(d)
    r = subprocess.run(["strace", "-f", "-o", "/dev/null", "-P", xsl, "-e", "inject=read:error=EIO:when=3+",
                        unplanet, "-o", d, "-s", xsl, sample], capture_output=True, env=NO_LSAN)
    err = r.stderr.decode("utf-8", "replace")
    check("crash: a stylesheet that cannot be read for its fingerprint: exit 66 naming it, folder untouched",
          r.returncode == 66 and f"{xsl}: cannot read stylesheet: Input/output error" in err and contents(d) == before,
          f"exit {r.returncode}: {err.strip()}")


def page_goes_back(unplanet, work, pages):
    """A run on a changed page (same settings) killed at each flush, then
    a run on the page before: the files are those of the page before, as
    a clean run makes them, not the killed run's kept because the records
    did not change (files the killed run made for a new source stay, as
    a source's files do when it leaves)."""
    ref = os.path.join(work, "back-ref")
    shutil.rmtree(ref, ignore_errors=True)
    subprocess.run([unplanet, "-o", ref, pages[0]], check=True)
    wrong = []
    # Flushes: the temporary files, then the renames of the state's early
    # copy, of the outputs and of the records; stopped at the last, the
    # run had made all its changes.
    for when in range(1, 4):
        d = os.path.join(work, f"back-{when}")
        shutil.rmtree(d, ignore_errors=True)
        subprocess.run([unplanet, "-o", d, pages[0]], check=True)
        subprocess.run(["strace", "-f", "-o", "/dev/null", "-e", f"inject=syncfs:signal=KILL:when={when}",
                        unplanet, "-q", "-o", d, pages[1]], capture_output=True, env=NO_LSAN)
        r = subprocess.run([unplanet, "-o", d, pages[0]], capture_output=True)
        if r.returncode != 0:
            wrong.append(f"flush {when}: exit {r.returncode}")
            continue
        for f in files(ref):
            rel = os.path.relpath(f, ref)
            if rel.startswith(".unplanet"):
                continue
            if open(f, "rb").read() != open(os.path.join(d, rel), "rb").read():
                wrong.append(f"flush {when}: {rel} differs")
    check("crash: a run on a changed page stopped at any flush, then the page before: its files, not the stopped run's",
          not wrong, "; ".join(wrong[:4]))


def terminated(unplanet, work, pages, whole):
    """SIGTERM (cron's and systemd's timeouts, a shutdown) at any moment:
    the run ends by it with the folder exactly as it was, or, asked during
    its renames, finishes them first: never part old, part new. Then a
    SIGTERM at each of the first renames: the run completes (exit 0), and
    a rerun finds nothing to write."""
    d = os.path.join(work, "terminated")
    shutil.rmtree(d, ignore_errors=True)
    subprocess.run([unplanet, "-o", d, pages[0]], check=True)
    def contents(d):   # folders' mtimes aside, which temporary files touch
        return [x for x in snapshot(d) if x[4] != "dir"]
    wrong, stopped = [], 0
    for k in range(20):
        page = pages[(k + 1) % 2]
        before = contents(d)
        t0 = time.time()
        proc = subprocess.Popen([unplanet, "-o", d, page], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        time.sleep(whole * 1.2 * k / 20)
        if proc.poll() is not None:   # done before the signal: as above
            whole = min(whole, time.time() - t0)
        proc.send_signal(signal.SIGTERM)
        rc, err = proc.wait(timeout=60), proc.stderr.read().decode()
        temps = [f for f in files(d) if is_temp(f)]
        if rc == -signal.SIGTERM:
            stopped += 1
            if contents(d) != before or temps or err:
                wrong.append(f"term {k}: ended by it, but the folder changed or it said {err[:100]}")
        elif rc == 0:
            r = subprocess.run([unplanet, "-v", "-o", d, page], capture_output=True)
            if temps or b" 0 files written" not in r.stderr:
                wrong.append(f"term {k}: completed, but the folder was not wholly new: {r.stderr[-200:]}")
        else:
            wrong.append(f"term {k}: exit {rc}: {err[:200]}")
    check(f"crash: SIGTERM at any moment ({stopped} of 20 runs ended by it): the folder as it was, or wholly new",
          stopped >= 5 and not wrong, "; ".join(wrong[:3]) or f"only {stopped} ended by it")
    wrong = []
    for when in (1, 2, 5, 50):
        d = os.path.join(work, f"term-rename-{when}")
        shutil.rmtree(d, ignore_errors=True)
        subprocess.run([unplanet, "-o", d, pages[0]], check=True)
        r = subprocess.run(["strace", "-f", "-o", "/dev/null", "-e",
                            f"inject=rename,renameat,renameat2:signal=TERM:when={when}", unplanet, "-o", d, pages[1]],
                           capture_output=True, env=NO_LSAN)
        again = subprocess.run([unplanet, "-v", "-o", d, pages[1]], capture_output=True)
        if r.returncode != 0 or b" 0 files written" not in again.stderr:
            wrong.append(f"rename {when}: exit {r.returncode}, then {again.stderr[-150:]}")
    check("crash: SIGTERM during the renames: they are finished first (exit 0), a rerun writes nothing",
          not wrong, "; ".join(wrong[:3]))
    # Asked while the page is read (strace delivers it as the run reads
    # the file): no page is parsed, grouped and transformed for nothing,
    # and --dump prints nothing.
    d = os.path.join(work, "term-read")
    shutil.rmtree(d, ignore_errors=True)
    subprocess.run([unplanet, "-o", d, pages[0]], check=True)
    before = contents(d)
    for label, args in (("a run", ["-o", d]), ("--dump", ["--dump"])):
        # (-P with the absolute path: strace says so of a relative one.)
        r = subprocess.run(["strace", "-f", "-o", "/dev/null", "-P", os.path.abspath(pages[1]), "-e",
                            "inject=read:signal=TERM:when=1",
                            unplanet, *args, pages[1]], capture_output=True, env=NO_LSAN)
        check(f"crash: SIGTERM while the page is read, {label}: ends by it, silent, the folder as it was",
              r.returncode == -signal.SIGTERM and r.stdout == b"" and r.stderr == b"" and contents(d) == before,
              f"exit {r.returncode}, {len(r.stdout)} bytes out: {r.stderr[-200:]}")
    # ...or while it waits for a named pipe's writer, given as SOURCE or
    # as -c FILE (its wait ends with EINTR, which is no error to report).
    fifo, ini = os.path.join(work, "page.fifo"), os.path.join(work, "fifo.ini")
    for path in (fifo, ini + ".fifo"):
        if not os.path.exists(path):
            os.mkfifo(path)
    with open(ini, "w") as f:
        f.write(f"[unplanet]\nsource = {fifo}\noutput = {d}\n")
    # Sent while it waits (seen in /proc, not guessed by a sleep), and, by
    # gdb, just before the open: a stop noted then must not be lost in a
    # wait that no signal comes to end.
    for label, args, sig, opener in (("SOURCE", ["-o", d, fifo], signal.SIGTERM, "fetch_file"),
                                     ("SOURCE from -c", ["-c", ini], signal.SIGTERM, "fetch_file"),
                                     ("-c FILE", ["-c", ini + ".fifo"], signal.SIGHUP, "config_load")):
        proc = subprocess.Popen([unplanet, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=NO_LSAN,
                                preexec_fn=default_stops)
        seen = wait_for(proc, lambda: blocked_in(proc.pid, "poll"))
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=60)
        check(f"crash: {sig.name} while waiting for a named pipe as {label}: ends by it, silent, the folder as "
              "it was", seen and proc.returncode == -sig and out == b"" and err == b"" and contents(d) == before,
              f"seen waiting {seen}, exit {proc.returncode}: {err[-200:]}")
        try:
            r = subprocess.run(["gdb", "-q", "-nx", "-batch", "-ex", f"handle {sig.name} nostop noprint pass",
                                "-ex", f"break {opener}", "-ex", "run", "-ex", "delete",
                                "-ex", f"signal {sig.name}", "--args", unplanet, *args],
                               capture_output=True, timeout=30, env=NO_LSAN, preexec_fn=default_stops)
            said = r.stdout.decode("utf-8", "replace") + r.stderr.decode("utf-8", "replace")
        except subprocess.TimeoutExpired as e:
            said = f"{e.stdout!r} {e.stderr!r}: still waiting 30 s after the signal"
            for path in (fifo, ini + ".fifo"):
                release(path)
        check(f"crash: {sig.name} just before opening a named pipe as {label}: ends by it, the folder as it was",
              "Breakpoint 1," in said and f"Program terminated with signal {sig.name}" in said and
              contents(d) == before, said[-600:])


def stopped_in_pipes(unplanet, work, sample):
    """A stop while --dump writes to a reader that stopped reading (Ctrl-C
    at a pager), and while -c reads a pipe whose writer paused part way:
    the run ends by it, in silence. And --dump into a non-blocking pipe
    (a parent's, as Node hands over) waits for room, as its read does."""
    r_end, w_end = os.pipe()
    proc = subprocess.Popen([unplanet, "--dump", sample], stdout=w_end, stderr=subprocess.PIPE, env=NO_LSAN,
                            preexec_fn=default_stops)
    os.close(w_end)
    seen = wait_for(proc, lambda: blocked_in(proc.pid, "write") or blocked_in(proc.pid, "poll"))
    _, err = signal_then_close(proc, signal.SIGINT, r_end)   # (closed, the write fails: EPIPE)
    check("crash: SIGINT while --dump waits for a reader that stopped reading: ends by it, silent",
          seen and proc.returncode == -signal.SIGINT and err == b"",
          f"seen writing {seen}, exit {proc.returncode}: {err[-300:]}")

    d = os.path.join(work, "config-pipe")
    r_end, w_end = os.pipe()
    os.write(w_end, f"[unplanet]\noutput = {d}\n".encode())
    proc = subprocess.Popen([unplanet, "-c", f"/dev/fd/{r_end}", sample], pass_fds=(r_end,),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=NO_LSAN)
    os.close(r_end)
    seen = wait_for(proc, lambda: blocked_in(proc.pid, "read") or blocked_in(proc.pid, "poll"))
    out, err = signal_then_close(proc, signal.SIGTERM, w_end)   # (closed, the run reads on)
    check("crash: SIGTERM while -c reads a pipe whose writer paused part way: ends by it, silent, no folder made",
          seen and proc.returncode == -signal.SIGTERM and out == b"" and err == b"" and not os.path.exists(d),
          f"seen reading {seen}, exit {proc.returncode}: {err[-300:]}")

    want = subprocess.run([unplanet, "--dump", sample], capture_output=True).stdout
    r_end, w_end = os.pipe()
    os.set_blocking(w_end, False)
    proc = subprocess.Popen([unplanet, "--dump", sample], stdout=w_end, stderr=subprocess.PIPE, env=NO_LSAN)
    os.close(w_end)
    wait_for(proc, lambda: blocked_in(proc.pid, "write") or blocked_in(proc.pid, "poll"), limit=5)
    got = b""
    with os.fdopen(r_end, "rb") as f:
        while chunk := f.read(65536):
            got += chunk
    err = proc.communicate(timeout=60)[1]
    check("crash: --dump into a non-blocking pipe: waits for room, the whole dump, exit 0",
          proc.returncode == 0 and got == want and len(want) > 65536 and err == b"",
          f"exit {proc.returncode}, {len(got)} of {len(want)} bytes: {err[-300:]}")


# A template that calls itself twice, 40 deep: 2^40 calls, hours of work.
SLOW_XSL = """<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
<xsl:output method="text"/>
<xsl:template name="r"><xsl:param name="n"/><xsl:if test="$n &gt; 0">
<xsl:call-template name="r"><xsl:with-param name="n" select="$n - 1"/></xsl:call-template>
<xsl:call-template name="r"><xsl:with-param name="n" select="$n - 1"/></xsl:call-template>
</xsl:if></xsl:template>
<xsl:template match="/"><xsl:call-template name="r"><xsl:with-param name="n" select="40"/></xsl:call-template></xsl:template>
</xsl:stylesheet>
"""


def stopped_in_stylesheet(unplanet, work, sample):
    """A stylesheet that runs for hours (a user's, being tried; a built-in
    one edited under --xslt-dir) is stopped by SIGTERM or SIGINT as any
    other step is: the run ends by the signal within seconds, silent, the
    folder as it was and unlocked, on one thread or several."""
    slow = os.path.join(work, "slow.xsl")
    with open(slow, "w") as f:
        f.write(SLOW_XSL)
    xslt = os.path.join(work, "slow-xslt")
    shutil.rmtree(xslt, ignore_errors=True)
    shutil.copytree(os.path.join(HERE, "..", "xslt"), xslt)
    with open(os.path.join(xslt, "index.xsl"), "w") as f:   # a site page: made on the calling thread
        f.write(SLOW_XSL)
    d = os.path.join(work, "term-xslt")
    shutil.rmtree(d, ignore_errors=True)
    subprocess.run([unplanet, "-o", d, sample], check=True)
    before = [x for x in snapshot(d) if x[4] != "dir"]
    wrong = []
    for label, args, sig in (("a feed's, -j1", ["-j1", "-s", slow], signal.SIGTERM),
                             ("a feed's, -j2", ["-j2", "-s", slow], signal.SIGINT),
                             ("a site page's", ["--xslt-dir", xslt], signal.SIGTERM)):
        proc = subprocess.Popen([unplanet, "-o", d, *args, sample], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                preexec_fn=default_stops)
        time.sleep(3)   # well into the transformations, even under the sanitizers
        proc.send_signal(sig)
        t0 = time.time()
        try:
            out, err = proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
            wrong.append(f"{label}: still running 20 s after the signal")
            continue
        after = time.time() - t0
        try:
            again = subprocess.run([unplanet, "-o", d, sample], capture_output=True, timeout=60)
        except subprocess.TimeoutExpired:
            wrong.append(f"{label}: the next run took over 60 s")
            continue
        if proc.returncode != -sig or out or err or after > 5:
            wrong.append(f"{label}: exit {proc.returncode} after {after:.1f} s: {err[-200:]!r}")
        elif [x for x in snapshot(d) if x[4] != "dir"] != before:
            wrong.append(f"{label}: the folder changed")
        elif again.returncode != 0:
            wrong.append(f"{label}: the next run: exit {again.returncode}: {again.stderr[-200:]!r}")
    check("crash: SIGTERM or SIGINT while a stylesheet runs for hours: ends by it within seconds, silent, "
          "the folder as it was and unlocked", not wrong, "; ".join(wrong))


def signal_then_close(proc, sig, fd):
    """Sends sig to proc and returns its output and errors; fd, the other
    end of the pipe it waits on, is closed once it ended, or once 30 s
    passed (then noted in the errors), which ends its wait."""
    proc.send_signal(sig)
    try:
        out, err = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        os.close(fd)
        fd = None
        out, err = proc.communicate()
        err += b" (still waiting 30 s after the signal)"
    if fd is not None:
        os.close(fd)
    return out, err


def default_stops():
    """In a child about to run: SIGHUP, SIGINT and SIGTERM as the system
    has them, not ignored as under nohup (which unplanet would respect, as
    the signals sent to it here must not be)."""
    for sig in (signal.SIGHUP, signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, signal.SIG_DFL)


def wait_for(proc, ready, limit=60):
    """Whether ready() came true (polled at once, then every millisecond)
    while proc runs, within limit seconds."""
    deadline = time.time() + limit
    while proc.poll() is None and time.time() < deadline:
        try:
            if ready():
                return True
        except OSError:   # the process ending meanwhile
            pass
        time.sleep(0.001)
    return False


def release(fifo):
    """Ends a wait to read the named pipe fifo, if one waits: a writer come
    and gone (with none waiting, the open fails with ENXIO)."""
    try:
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
    except OSError:
        pass


SYSCALLS = {"x86_64": {"open": ("2", "257"), "read": ("0",), "write": ("1",), "poll": ("7", "271")},
            "aarch64": {"open": ("56",), "read": ("63",), "write": ("64",), "poll": ("73",)}}


def blocked_in(pid, call):
    """Whether process pid sleeps in call ("open", "read" or "write" on a
    pipe, or "poll"): the kernel's wait function for it (wait_for_partner,
    pipe_read or anon_pipe_read..., poll_schedule_timeout...), or, should
    those names change, /proc's syscall number."""
    with open(f"/proc/{pid}/wchan") as f:
        wchan = f.read()
    if (wchan == "wait_for_partner" if call == "open" else
            "poll" in wchan if call == "poll" else wchan.endswith("pipe_" + call)):
        return True
    with open(f"/proc/{pid}/syscall") as f:
        return f.read().split()[0] in SYSCALLS.get(os.uname().machine, {}).get(call, ())


def older_copy_after_kill(unplanet, work):
    """A run on a newer page (later "Last update:", one post edited)
    killed part way through its renames, then an older copy of the page (a
    stale cache): what the killed run published is not undone, since its
    state, renamed first, already holds the newer page's time; the newer
    page then completes the run."""
    sample = os.path.join(HERE, "..", "samples", "planetpython-2026-04-29.html")
    text = open(sample, encoding="utf-8").read()
    assert "Last update: April 29, 2026 07:43 AM UTC" in text and "Only a few days remain" in text
    newer = os.path.join(work, "newer.html")
    with open(newer, "w", encoding="utf-8") as f:
        f.write(text.replace("Last update: April 29, 2026 07:43 AM UTC", "Last update: April 29, 2026 08:13 AM UTC")
                .replace("Only a few days remain", "Only two days remain"))
    wrong = []
    for when in range(2, 6):
        d = os.path.join(work, f"older-after-kill-{when}")
        shutil.rmtree(d, ignore_errors=True)
        subprocess.run([unplanet, "-o", d, sample], check=True)
        subprocess.run(["strace", "-f", "-o", "/dev/null", "-e",
                        f"inject=rename,renameat,renameat2:signal=KILL:when={when}", unplanet, "-q", "-o", d, newer],
                       capture_output=True, env=NO_LSAN)
        published = {f: open(f, "rb").read() for f in files(d) if not is_temp(f) and "/.unplanet/" not in f}
        r = subprocess.run([unplanet, "-o", d, sample], capture_output=True)
        now = {f: open(f, "rb").read() for f in files(d) if not is_temp(f) and "/.unplanet/" not in f}
        if r.returncode != 0 or now != published:
            wrong.append(f"rename {when}: exit {r.returncode}, {sum(now.get(f) != b for f, b in published.items())} "
                         f"files changed by the older copy")
        r = subprocess.run([unplanet, "-o", d, newer], capture_output=True)
        if r.returncode != 0 or b"Only two days remain" not in open(os.path.join(d, "authors", "django-weblog.atom"),
                                                                     "rb").read():
            wrong.append(f"rename {when}: the newer page then: exit {r.returncode}")
    check("crash: a run on a newer page killed at any rename, then an older copy of it: nothing it published undone",
          not wrong, "; ".join(wrong[:4]))


if __name__ == "__main__":
    main()
