"""testlib.py - what the Python tests share: recording checks and printing
them as "ok - NAME" / "not ok - NAME: why" lines for tests/run.sh, and
snapshots of a folder for "left exactly as it was" checks."""
import hashlib
import os

results = []


def check(name, cond, why=""):
    """Records one check; why says what was seen when it fails."""
    results.append((name, bool(cond), why))


def report():
    for name, ok, why in results:
        print(f"ok - {name}" if ok else f"not ok - {name}: {why}")


def snapshot(d, skip=None):
    """Every path under d (but the folder skip) with its mtime, mode, size
    and content hash: equal snapshots mean d is byte for byte the same."""
    out = []
    for root, dirs, files in os.walk(d):
        if skip is not None:
            dirs[:] = [x for x in dirs if os.path.join(root, x) != skip]
        for name in sorted(dirs + files):
            p = os.path.join(root, name)
            st = os.lstat(p)
            digest = hashlib.md5(open(p, "rb").read()).hexdigest() if os.path.isfile(p) else "dir"
            out.append((os.path.relpath(p, d), st.st_mtime_ns, st.st_mode, st.st_size, digest))
    return sorted(out)
