#!/usr/bin/python3
"""fetch.py UNPLANET WORKDIR - fetching over HTTP, against a server on
127.0.0.1 that this test starts (port 0) and stops.

Covers conditional requests (ETag, Last-Modified: a 304 rewrites nothing),
gzip, a redirect, and failures: 500, 404, a hanging server, a body cut
short, a redirect loop, an oversize body, an image, a refused connection.
Every failure must give its exit code, a message naming the URL, and leave
the output folder byte-for-byte as it was.
"""
import email.utils
import fcntl
import glob
import gzip
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import zlib
import threading
import time
import xml.etree.ElementTree as ET
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from testlib import check, report, snapshot  # noqa: E402

A = "{http://www.w3.org/2005/Atom}"
HERE = os.path.dirname(os.path.abspath(__file__))
PAGE = open(os.path.join(HERE, "..", "samples", "planetpython-2026-04-29.html"), "rb").read()
LAST_MODIFIED = "Wed, 29 Apr 2026 07:43:00 GMT"
seen = []   # (path, headers) of every request


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send_page(self, body, ctype="text/html; charset=utf-8", extra=()):
        self.send_response(200)
        if ctype is not None:   # None: no Content-Type header at all
            self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def send_redirect(self, location, status=302, extra=()):
        self.send_response(status)
        self.send_header("Location", location)
        for k, v in extra:
            self.send_header(k, v)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def send_unsized(self, chunks):
        """A body with no Content-Length, ended by closing the connection:
        only the download itself can tell its size."""
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        try:
            for chunk in chunks:
                self.wfile.write(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def do_GET(self):
        seen.append((self.path, dict(self.headers)))
        p = self.path
        if p == "/etag":
            if self.headers.get("If-None-Match") == '"v1"':
                self.send_response(304)
                self.send_header("ETag", '"v1"')
                self.end_headers()
            else:
                self.send_page(PAGE, extra=[("ETag", '"v1"')])
        elif p == "/lastmod":
            if self.headers.get("If-Modified-Since") == LAST_MODIFIED:
                self.send_response(304)
                self.end_headers()
            else:
                self.send_page(PAGE, extra=[("Last-Modified", LAST_MODIFIED)])
        elif p == "/empty-etag":
            # An empty ETag, then (a cache gone wrong) 304 to anything.
            if any(q == p for q, _ in seen[:-1]):
                self.send_response(304)
                self.end_headers()
            else:
                self.send_page(PAGE, extra=[("ETag", "")])
        elif p == "/odd-validators":
            # RFC 9110 lets an ETag carry bytes over 0x7f; state.xml must
            # still read back on the next run.
            self.send_page(PAGE, extra=[("ETag", '"caf\xe9"'), ("Last-Modified", "\x01\xff garbage")])
        elif p == "/latin1-by-http":
            # The HTTP label names the encoding; the page's <meta> (utf-8) is wrong.
            self.send_page(PAGE.decode("utf-8").encode("latin-1", "replace"), ctype="text/html; charset=iso-8859-1")
        elif p == "/utf16-by-http":
            # UTF-16 with no byte-order mark, which only the HTTP label says.
            self.send_page(PAGE.decode("utf-8").encode("utf-16-be"), ctype="text/html; charset=UTF-16BE")
        elif p == "/utf16le-by-http":
            # The label "utf-16" with no byte-order mark: little-endian, as
            # the Encoding Standard reads it (iconv would take big-endian).
            self.send_page(PAGE.decode("utf-8").encode("utf-16-le"), ctype="text/html; charset=utf-16")
        elif p == "/bom-over-meta":
            # A UTF-8 byte-order mark wins over both <meta> and the HTTP label.
            self.send_page(b"\xef\xbb\xbf" + PAGE.replace(b"charset=utf-8", b"charset=iso-8859-1"),
                           ctype="text/html; charset=iso-8859-1")
        elif p == "/bogus-charset":
            # A label no one knows: browsers pass over it (here to UTF-8).
            self.send_page(PAGE, ctype="text/html; charset=x-bogus-42")
        elif p == "/redirect-ftp":
            self.send_redirect("ftp://127.0.0.1/x")
        elif p == "/gzip":
            if "gzip" in self.headers.get("Accept-Encoding", ""):
                self.send_page(gzip.compress(PAGE), extra=[("Content-Encoding", "gzip")])
            else:
                self.send_page(PAGE)
        elif p == "/redirect":
            self.send_redirect("/etag")
        elif p in ("/500", "/404"):
            body = b"<html><body>error</body></html>"
            self.send_response(int(p[1:]))
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        elif p in ("/mislabelled-br", "/mislabelled-zstd", "/mislabelled-gzip"):
            # A plain page said to be compressed.
            self.send_page(PAGE, extra=[("Content-Encoding", p.rsplit("-", 1)[1])])
        elif p in ("/busy-2-days-1-s", "/busy-no-weekday"):
            # Rounded down; a date libcurl reads as seconds ("21 ...").
            self.send_response(503)
            self.send_header("Retry-After", "172801" if p == "/busy-2-days-1-s" else "21 Oct 2035 07:28:00 GMT")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif p == "/busy-until-2035":
            # Busy until a date, not for a count of seconds.
            self.send_response(503)
            self.send_header("Retry-After", "Sun, 21 Oct 2035 07:28:00 GMT")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif p == "/503-stalls":
            # An error whose body never comes: the status says all.
            self.send_response(int(p[1:4]))
            self.send_header("Content-Type", "text/html")
            self.send_header("Retry-After", "120")
            self.send_header("Content-Length", "100000")
            self.end_headers()
            self.wfile.flush()
            time.sleep(8)
        elif p == "/big-image":
            # Known to be no page from its headers: its body is not waited for.
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(3 << 20))
            self.end_headers()
            self.wfile.write(b"\x89PNG" + b"\0" * 65536)
            self.wfile.flush()
            time.sleep(8)
        elif p == "/cut-in-headers":
            self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/ht")
            self.wfile.flush()
            self.close_connection = True
        elif p == "/not-http":   # another service on the port (an SSH banner)
            self.wfile.write(b"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n")
            self.wfile.flush()
            self.close_connection = True
        elif p == "/moved-to-not-http":
            self.send_redirect("/not-http")
        elif p == "/redirect-mailto":
            self.send_redirect("mailto:webmaster@example.org")
        elif p == "/latin1-spaced-label":
            # Spaces around the label mean nothing, as in <meta>.
            self.send_page(PAGE.decode("utf-8").encode("latin-1", "replace").replace(b"charset=utf-8", b""),
                           ctype='text/html; charset=" iso-8859-1"')
        elif p == "/hang":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(PAGE)))
            self.end_headers()
            self.wfile.write(PAGE[:1000])
            self.wfile.flush()
            time.sleep(8)
        elif p == "/short":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(PAGE)))
            self.end_headers()
            self.wfile.write(PAGE[: len(PAGE) // 2])
            self.wfile.flush()
            self.close_connection = True
        elif p == "/loop":
            self.send_redirect("/loop", status=301)
        elif p == "/big":
            # No Content-Length: the cap must hold while downloading.
            self.send_unsized(b"<p>" + b"x" * 65536 + b"</p>\n" for _ in range(64))
        elif p.startswith("/hops/"):
            # A chain of redirects: /hops/N takes N of them to reach the page.
            n = int(p[6:])
            if n == 0:
                self.send_page(PAGE)
            else:
                self.send_redirect(f"/hops/{n - 1}")
        elif p == "/redirect-with-etag":
            # The redirect's own validators are not the page's.
            self.send_redirect("/plain", extra=[("ETag", '"of-the-redirect"'), ("Last-Modified", LAST_MODIFIED)])
        elif p == "/plain":
            self.send_page(PAGE)
        elif p == "/trailer-etag":
            # Validators in chunked trailers, after the body: no headers.
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Transfer-Encoding", "chunked")
            self.send_header("Trailer", "ETag, Last-Modified")
            self.end_headers()
            self.wfile.write(b"%x\r\n%s\r\n0\r\nETag: \"from-trailer\"\r\nLast-Modified: %s\r\n\r\n"
                             % (len(PAGE), PAGE, LAST_MODIFIED.encode()))
            self.close_connection = True
        elif p in ("/padded", "/padded-sized"):
            # A gzip stream whose first 4 MB (empty stored blocks) decode
            # to nothing: --max-size holds the bytes on the wire too.
            co = zlib.compressobj(6, zlib.DEFLATED, 31)
            head = co.compress(b"") + co.flush(zlib.Z_SYNC_FLUSH)
            pad = b"\x00\x00\x00\xff\xff" * 200000
            tail = co.compress(PAGE) + co.flush()
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Encoding", "gzip")
            if p == "/padded-sized":
                self.send_header("Content-Length", str(len(head) + 4 * len(pad) + len(tail)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            try:
                for chunk in [head] + [pad] * 4 + [tail]:
                    self.wfile.write(chunk)
                    if p == "/padded-sized":
                        # Its headers said it all: the rest waits.
                        self.wfile.flush()
                        time.sleep(10)
            except (BrokenPipeError, ConnectionResetError):
                pass
        elif p == "/no-length":
            # The page itself with no Content-Length.
            self.send_unsized([PAGE])
        elif p == "/slow":
            time.sleep(2)
            self.send_page(PAGE)
        elif p == "/image":
            self.send_page(b"\x89PNG\r\n\x1a\n" + b"\0" * 100, ctype="image/png")
        elif p == "/xhtml-latin1":
            # Its encoding said only by the XML declaration, as XHTML may.
            body = PAGE.decode("utf-8").encode("latin-1", "replace").replace(b"charset=utf-8", b"")
            self.send_page(b'<?xml version="1.0" encoding="iso-8859-1"?>\n' + body, ctype="application/xhtml+xml")
        elif p == "/tab-type":
            self.send_page(PAGE, ctype="text/html\t;charset=utf-8")
        elif p == "/no-type":
            self.send_page(PAGE, ctype=None)
        elif p.startswith("/prefixed/"):
            # Types that only begin with an accepted one's name.
            self.send_page(PAGE, ctype={"xml-dtd": "application/xml-dtd", "htmlx": "text/htmlx"}[p[len("/prefixed/"):]])
        elif p.startswith("/type/"):
            # The page in UTF-8 (as its <meta> says), under a Content-Type
            # whose only charset parameter is the named one.
            types = {"xcharset": "text/html; xcharset=iso-8859-1",
                     "quoted": 'text/html; boundary="a;charset=iso-8859-1"; x=1',
                     "spaced": "text/html ; Charset=\"utf-8\"\t; q=1",
                     "escape": "image/png\x1b]0;pwned\x07\x1b[2J"}
            self.send_page(PAGE, ctype=types[p[len("/type/"):]])
        elif p in ("/lastmod-future", "/lastmod-ahead"):
            # A server clock or file time set ahead (by decades, or by an
            # hour): its Last-Modified is later than its Date, and it
            # answers 304 to any earlier time.
            if self.headers.get("If-Modified-Since"):
                self.send_response(304)
                self.end_headers()
            else:
                self.send_page(PAGE, extra=[("Last-Modified", "Fri, 01 Jan 2100 00:00:00 GMT" if p == "/lastmod-future"
                                             else email.utils.formatdate(time.time() + 3600, usegmt=True))])
        elif p in ("/404-big", "/redirect-big"):
            # A body over --max-size that is not the page: an error page,
            # a redirect's (curl ignores it).
            body = b"<html><body>" + b"x" * 300000 + b"</body></html>"
            self.send_response(404 if p == "/404-big" else 302)
            if p == "/redirect-big":
                self.send_header("Location", "/plain")
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        elif p == "/refuses-its-etag":
            # Gives an ETag, and a client error when it comes back (a
            # 412, or a 431 for one too long to take).
            if self.headers.get("If-None-Match"):
                self.send_response(412)
                self.send_header("Content-Length", "0")
                self.end_headers()
            else:
                self.send_page(PAGE, extra=[("ETag", '"r1"')])
        elif p == "/slow-refusal":
            # Refuses its ETag after 2.5 s; asked again without, sends a
            # little of the page and stalls.
            if self.headers.get("If-None-Match"):
                time.sleep(2.5)
                self.send_response(412)
                self.send_header("Content-Length", "0")
                self.end_headers()
            elif any(q == p for q, _ in seen[:-1]):
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(PAGE)))
                self.end_headers()
                self.wfile.write(PAGE[:100])
                self.wfile.flush()
                time.sleep(8)
            else:
                self.send_page(PAGE, extra=[("ETag", '"s1"')])
        elif p in ("/typed-redirect", "/image-redirect"):
            # A redirect's own Content-Type (Apache writes one), to a page
            # that gives none: the page's <meta> says what it is.
            self.send_redirect("/untyped", status=301, extra=[("Content-Type", "text/html; charset=iso-8859-1"
                                                              if p == "/typed-redirect" else "image/png")])
        elif p == "/untyped":
            self.send_page(PAGE, ctype=None)
        elif p == "/empty-type":
            self.send_page(PAGE, ctype="")
        elif p == "/patient-redirect":
            self.send_redirect("/500", extra=[("Retry-After", "3600")])
        elif p == "/busy-when-asked":
            # Rate-limits the next run (its ETag is fine).
            if self.headers.get("If-None-Match"):
                self.send_response(429)
                self.send_header("Retry-After", "3600")
                self.send_header("Content-Length", "0")
                self.end_headers()
            else:
                self.send_page(PAGE, extra=[("ETag", '"b1"')])
        elif p == "/cut-after-date":
            # The whole page, then (the Planet changed) a new one whose
            # download stops right after a post's date line, with the new
            # page's ETag; then that new page whole (304 to its ETag).
            n = sum(1 for q, _ in seen if q == p)
            if n == 1:
                self.send_page(PAGE, extra=[("ETag", '"c1"')])
            elif n > 2 and self.headers.get("If-None-Match") == '"c2"':
                self.send_response(304)
                self.end_headers()
            else:
                changed = PAGE.replace(b"Web Scraping, Altair Charts", b"Web Scraping, Vega Charts")
                cut = changed[:changed.index(b"</a></em>", changed.index(b"</a></em>") + 1) + 16]
                if n > 2:
                    self.send_page(changed, extra=[("ETag", '"c2"')])
                else:
                    self.send_response(200)
                    self.send_header("Content-Type", "text/html")
                    self.send_header("ETag", '"c2"')
                    self.send_header("Connection", "close")
                    self.end_headers()
                    self.close_connection = True
                    self.wfile.write(cut)
        elif p == "/moved-to-404":
            self.send_redirect("/404", status=301)
        elif p == "/moved-to-other":
            self.send_redirect("/not-a-planet", status=301)
        elif p == "/not-a-planet":
            self.send_page(b"<!DOCTYPE html><html><head><title>Moved</title></head><body><p>Elsewhere now</p></body></html>")
        elif p == "/huge-header":
            self.send_page(PAGE, extra=[("X-Padding", "a" * (1 << 20))])
        elif p.lower().startswith("/plan%c3%a8te/"):   # "/planète/", as curl escapes it
            self.send_page(RELATIVE_PAGE)
        elif p.startswith("/redirect-to/"):
            self.send_redirect(p[len("/redirect-to/"):])
        elif p.startswith("/slow-redirect-to/"):
            time.sleep(1.5)
            self.send_redirect(p[len("/slow-redirect-to/"):])
        else:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()



# A page whose links are relative to its own URL.
RELATIVE_PAGE = b"""<html><head><title>Relative</title></head><body><div id="body-main">
<h2>April 28, 2026</h2>
<hr /><h3 class="post"><a href="/site/" title="Rel">Rel</a></h3>
<h4><a href="/abs/p">T</a></h4>
<p>
<a href="x">rel</a> <img src="/i.png"></p>
<p>
<em><a href="/abs/p">April 28, 2026 09:00 AM UTC</a></em>
</p>
</div></body></html>
"""


class QuietServer(ThreadingHTTPServer):
    """Says nothing of a client that hung up (unplanet stops reading an
    error page, or a page over --max-size)."""
    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
            super().handle_error(request, client_address)


def main():
    unplanet, work = sys.argv[1], sys.argv[2]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    server = QuietServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    base = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()

    def run(*args, timeout=60):
        # A run that hangs fails its own checks (exit None), not the suite.
        t0 = time.time()
        try:
            r = subprocess.run([unplanet, *args], capture_output=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return None, f"still running after {timeout} s", time.time() - t0
        return r.returncode, r.stdout.decode() + r.stderr.decode("utf-8", "replace"), time.time() - t0

    try:
        d = os.path.join(work, "etag")
        rc, out, _ = run("-o", d, base + "/etag")
        check("http: 200 with ETag writes feeds", rc == 0 and len(os.listdir(os.path.join(d, "authors"))) == 19 * 3, out)
        ua = seen[-1][1].get("User-Agent", "")
        check("http: User-Agent names unplanet and its version", ua.startswith("unplanet/"), ua)
        snap = snapshot(d)
        time.sleep(1.1)
        rc, out, _ = run("-v", "-o", d, base + "/etag")
        check("http: second run sends If-None-Match", seen[-1][1].get("If-None-Match") == '"v1"', str(seen[-1][1]))
        check("http: 304 exits 0 and says not modified", rc == 0 and "not modified" in out, out)
        check("http: 304 rewrites nothing (mtimes and hashes)", snapshot(d) == snap, "")
        rc, out, _ = run("--force", "-v", "-o", d, base + "/etag")
        check("http: --force ignores the validators", "If-None-Match" not in seen[-1][1] and rc == 0, str(seen[-1][1]))
        check("http: --force on an unchanged page rewrites nothing", snapshot(d) == snap and " 0 files written" in out, out)

        # New settings on an unchanged page: no conditional request, so the
        # new topic is written at once rather than when the Planet changes.
        rc, out, _ = run("-v", "-o", d, "-t", "Django=django", base + "/etag")
        check("http: changed settings send no If-None-Match", "If-None-Match" not in seen[-1][1], str(seen[-1][1]))
        check("http: ...and the new topic is written at once",
              rc == 0 and os.path.exists(os.path.join(d, "topics", "django.atom")), out)
        rc, out, _ = run("-v", "-o", d, "-t", "Django=django", base + "/etag")
        check("http: the same settings again: 304, nothing written",
              rc == 0 and "not modified" in out and seen[-1][1].get("If-None-Match") == '"v1"', out)
        # A 304 parses no archive (it grows to sources x --keep entries):
        # a damaged archive file goes unnoticed until the page changes.
        archived = os.path.join(d, ".unplanet", "archive", "pypy.xml")
        kept = open(archived, "rb").read()
        open(archived, "ab").write(b"<oops")
        snap = snapshot(d)
        rc, out, _ = run("-v", "-o", d, "-t", "Django=django", base + "/etag")
        check("http: a 304 reads no archive (a damaged one goes unnoticed)",
              rc == 0 and "not modified" in out and snapshot(d) == snap, out)
        rc, out, _ = run("--force", "-o", d, "-t", "Django=django", base + "/etag")
        check("http: ...until a run reads the page (65, naming the file)",
              rc == 65 and "pypy.xml" in out and snapshot(d) == snap, out)
        open(archived, "wb").write(kept)

        # A file deleted or made a link would stay so for as long as the
        # server answers 304: a run that finds one asks for the page
        # without validators, and makes it again.
        topic = ["-t", "Django=django"]
        for label, rel, spoil in [
                ("an author feed deleted", "authors/pypy.rss", lambda f: os.remove(f)),
                ("a topic feed deleted", "topics/django.json", lambda f: os.remove(f)),
                ("index.html made a link", "index.html",
                 lambda f: (os.remove(f), os.symlink("feeds.opml", f))),
                ("topics.opml deleted", "topics.opml", lambda f: os.remove(f)),
                ("the directory document damaged", ".unplanet/cache/directory.xml",
                 lambda f: open(f, "ab").write(b"<oops"))]:
            target = os.path.join(d, rel)
            kept = open(target, "rb").read()
            spoil(target)
            rc, out, _ = run("-v", "-o", d, *topic, base + "/etag")
            # (The directory's own date, when its list last changed, is
            # lost with it: the date of its newest feed stands in.)
            same = (lambda b: re.sub(rb"\n  <updated [^\n]*", b"", b, count=1)) if rel.endswith("directory.xml") else (lambda b: b)
            check(f"http: {label}: no If-None-Match, made again",
                  rc == 0 and "If-None-Match" not in seen[-1][1] and not os.path.islink(target) and
                  same(open(target, "rb").read()) == same(kept), f"{seen[-1][1]} {out}")
            check(f"http: ...and -v says what was missing", f"{rel}" in out and "without a conditional request" in out, out)
            rc, out, _ = run("-v", "-o", d, *topic, base + "/etag")
            check(f"http: ...then 304 again", rc == 0 and "not modified" in out and
                  seen[-1][1].get("If-None-Match") == '"v1"', out)
        # Feeds --only leaves out never had files: none is missing.
        d = os.path.join(work, "only")
        rc, out, _ = run("-o", d, "--only", "PyPy", base + "/etag")
        rc, out, _ = run("-v", "-o", d, "--only", "PyPy", base + "/etag")
        check("http: --only: the feeds left out are not missing (304)",
              rc == 0 and "not modified" in out and
              sorted(os.listdir(os.path.join(d, "authors"))) == ["pypy.atom", "pypy.json", "pypy.rss"], out)

        # ...nor are the empty files a stylesheet may write (here for a
        # feed of one entry).
        d = os.path.join(work, "user-format")
        sheet = os.path.join(work, "many.xsl")
        with open(sheet, "w") as f:
            f.write('<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">'
                    '<xsl:output method="text"/><xsl:template match="/feed">'
                    '<xsl:if test="count(entry) &gt; 1">many</xsl:if></xsl:template></xsl:stylesheet>')
        rc, out, _ = run("-o", d, "-s", sheet, base + "/etag")
        empty = [n for n in os.listdir(os.path.join(d, "authors"))
                 if n.endswith(".many") and os.path.getsize(os.path.join(d, "authors", n)) == 0]
        rc, out, _ = run("-v", "-o", d, "-s", sheet, base + "/etag")
        check("http: a user's format that writes empty files: still 304",
              rc == 0 and empty and "not modified" in out, f"{empty} {out}")
        d = os.path.join(work, "empty-opml")
        xslt = os.path.join(work, "xslt-empty-opml")
        shutil.copytree(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "xslt"), xslt)
        with open(os.path.join(xslt, "opml.xsl"), "w") as f:
            f.write('<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">'
                    '<xsl:output method="text"/><xsl:template match="/"/></xsl:stylesheet>')
        rc, out, _ = run("-o", d, "--xslt-dir", xslt, base + "/etag")
        rc, out, _ = run("-v", "-o", d, "--xslt-dir", xslt, base + "/etag")
        check("http: a built-in stylesheet replaced by one that writes nothing (--xslt-dir): still 304",
              rc == 0 and os.path.getsize(os.path.join(d, "feeds.opml")) == 0 and "not modified" in out, out)

        d = os.path.join(work, "lastmod")
        rc, out, _ = run("-o", d, base + "/lastmod")
        check("http: 200 with Last-Modified writes feeds", rc == 0, out)
        snap = snapshot(d)
        rc, out, _ = run("-v", "-o", d, base + "/lastmod")
        check("http: second run sends If-Modified-Since", seen[-1][1].get("If-Modified-Since") == LAST_MODIFIED, str(seen[-1][1]))
        check("http: 304 after Last-Modified rewrites nothing", rc == 0 and "not modified" in out and snapshot(d) == snap, out)

        # Fields in chunked trailers are not the response's headers.
        d = os.path.join(work, "trailer")
        rc, out, _ = run("-o", d, base + "/trailer-etag")
        first = rc
        rc, out, _ = run("-o", d, base + "/trailer-etag")
        asked = seen[-1][1]
        check("http: an ETag and Last-Modified in chunked trailers are no validators: not kept, not sent",
              first == 0 and rc == 0 and "If-None-Match" not in asked and "If-Modified-Since" not in asked and
              "from-trailer" not in open(os.path.join(d, ".unplanet", "state.xml")).read(), f"{first} {rc} {out} {asked}")

        # A server that answers its own validator with a client error
        # would fail every later run: the run asks once more without.
        def second_run(path):
            """A run, then another: its exit, output, the If-None-Match of
            each request it made, and whether the folder stayed as it was."""
            d = os.path.join(work, path.strip("/"))
            run("-o", d, base + path)
            snap, before = snapshot(d), len(seen)
            rc, out, _ = run("-o", d, base + path)
            return rc, out, [h.get("If-None-Match") for _, h in seen[before:]], snapshot(d) == snap
        rc, out, asked, same = second_run("/refuses-its-etag")
        check("http: a conditional request answered 412: asked again without validators, exit 0, nothing rewritten",
              rc == 0 and out == "" and asked == ['"r1"', None] and same, f"exit {rc}: {out} {asked}")
        rc, out, asked, same = second_run("/busy-when-asked")
        check("http: ...but a 429 is not asked again at once (exit 69, folder as it was)",
              rc == 69 and "HTTP 429, and asks to be asked again in 60 min, after 20" in out and asked == ['"b1"'] and same, f"exit {rc}: {out} {asked}")

        d = os.path.join(work, "slow-refusal")
        run("-o", d, base + "/slow-refusal")
        snap, t0 = snapshot(d), time.time()
        rc, out, _ = run("--timeout", "4", "-o", d, base + "/slow-refusal")
        took = time.time() - t0
        check("http: --timeout bounds the whole fetch: the request asked again without validators has what was left",
              rc == 69 and "timed out after 4 s (see --timeout)" in out and took < 5.8 and snapshot(d) == snap,
              f"exit {rc} after {took:.1f} s: {out}")

        # Only the last response's headers are the page's: libcurl 7.88
        # keeps a redirect's Content-Type and Retry-After for an answer
        # that gives none.
        for path in ("/typed-redirect", "/image-redirect"):
            d = os.path.join(work, path.strip("/"))
            rc, out, _ = run("-o", d, base + path)
            check(f"http: a redirect's Content-Type is not the page's ({path}): the page read by its <meta>",
                  rc == 0 and os.path.exists(os.path.join(d, "authors", "rodrigo-girao-serrao.atom")), f"exit {rc}: {out}")
        rc, out, _ = run("-o", os.path.join(work, "empty-type"), base + "/empty-type")
        check("http: an empty Content-Type is none: the page read by its <meta>", rc == 0, f"exit {rc}: {out}")
        rc, out, _ = run("-o", os.path.join(work, "patient"), base + "/patient-redirect")
        check("http: a redirect's Retry-After is not quoted for the error after it",
              rc == 69 and out.rstrip().endswith("the server answered HTTP 500") and "Retry-After" not in out,
              f"exit {rc}: {out}")

        rc, out, asked, same = second_run("/cut-after-date")
        check("http: a page whose download stops right after a date line: exit 65 naming that line, "
              "folder as it was", rc == 65 and "page cut short after this date line" in out and
              asked == ['"c1"'] and same, f"exit {rc}: {out} {asked}")
        before = len(seen)
        rc, out, _ = run("-o", os.path.join(work, "cut-after-date"), base + "/cut-after-date")
        asked = [h.get("If-None-Match") for _, h in seen[before:]]
        check("http: ...its ETag is not kept: the next run asks with the last whole page's, and gets the change",
              rc == 0 and asked == ['"c1"'] and "Web Scraping, Vega Charts" in
              open(os.path.join(work, "cut-after-date", "authors", "pycoders-weekly.atom"), encoding="utf-8").read(),
              f"exit {rc}: {out} {asked}")

        d = os.path.join(work, "odd")
        rc, out, _ = run("-o", d, base + "/odd-validators")
        check("http: validators that are not printable ASCII: first run", rc == 0, out)
        rc, out, _ = run("-o", d, base + "/odd-validators")
        check("http: ...are not kept, so the next run still works", rc == 0 and out == "", out)
        check("http: ...and sends no conditional request",
              "If-None-Match" not in seen[-1][1] and "If-Modified-Since" not in seen[-1][1], str(seen[-1][1]))

        # A state.xml edited to hold a validator with a line break adds no
        # header of its own to the request.
        d = os.path.join(work, "etag")
        state = os.path.join(d, ".unplanet", "state.xml")
        text = open(state, encoding="utf-8").read()
        assert 'etag="&quot;v1&quot;"' in text, text
        open(state, "w", encoding="utf-8").write(text.replace('etag="&quot;v1&quot;"', 'etag="v1&#13;&#10;X-Injected: 1"'))
        rc, out, _ = run("-o", d, "-t", "Django=django", base + "/etag")
        check("http: a validator edited into state.xml with a line break sends no header of its own",
              rc == 0 and "X-Injected" not in seen[-1][1] and "If-None-Match" not in seen[-1][1], f"{seen[-1][1]} {out}")

        # A run from a URL under a changed stylesheet, killed at each flush
        # to disk, then the old stylesheet again: a 304 must not keep the
        # killed run's files as if the old stylesheet had made them.
        xsl = os.path.join(work, "ver.xsl")

        def version(v):
            with open(xsl, "w") as f:
                f.write('<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">'
                        f'<xsl:output method="text"/><xsl:template match="/">{v}</xsl:template></xsl:stylesheet>\n')
        env = dict(os.environ, ASAN_OPTIONS=os.environ.get("ASAN_OPTIONS", "") + ":detect_leaks=0")
        stale = []
        for when in range(1, 6):
            d = os.path.join(work, f"killed-{when}")
            version("V1")
            run("-o", d, "-s", xsl, base + "/etag")
            version("V2")
            subprocess.run(["strace", "-f", "-o", "/dev/null", "-e", f"inject=syncfs:signal=KILL:when={when}",
                            unplanet, "-q", "-o", d, "-s", xsl, base + "/etag"], capture_output=True, env=env)
            version("V1")
            rc, out, _ = run("-o", d, "-s", xsl, base + "/etag")
            wrong = [f for f in glob.glob(os.path.join(d, "authors", "*.ver")) if open(f).read() != "V1"]
            if rc != 0 or wrong:
                stale.append(f"killed at flush {when}: exit {rc}, {len(wrong)} files not V1 {out}")
        check("http: a run killed part way under a changed stylesheet, then the old one: no stale file kept by a 304",
              not stale, "; ".join(stale[:2]))

        # A run killed before its renames (SIGKILL: SIGINT and SIGTERM
        # are waited out, see below), then runs the server answers with
        # 304: they write nothing, but remove its leftovers.
        d = os.path.join(work, "interrupted")
        run("-o", d, base + "/etag")
        subprocess.run(["strace", "-f", "-o", "/dev/null", "-e", "inject=syncfs:signal=KILL:when=1",
                        unplanet, "-q", "-o", d, "-t", "D=django", base + "/etag"], capture_output=True, env=env)
        left = [f for r, _, fs in os.walk(d) for f in fs if ".unplanet-" in f]
        rc, out, _ = run("-v", "-o", d, base + "/etag")
        still = [f for r, _, fs in os.walk(d) for f in fs if ".unplanet-" in f]
        check("http: a 304 run removes the temporary files an interrupted run left",
              left and rc == 0 and "not modified" in out and not still, f"{len(left)} then {still[:3]}: {out}")

        # An empty validator is none: it is not kept, and a 304 to the
        # request that could not carry it is no "not modified".
        d = os.path.join(work, "empty-etag")
        rc, out, _ = run("-o", d, base + "/empty-etag")
        state = open(os.path.join(d, ".unplanet", "state.xml"), "rb").read() if rc == 0 else b""
        check("http: an empty ETag is not kept", rc == 0 and b"etag=" not in state, out + state.decode())
        state = state.replace(b"<fetch ", b'<fetch etag="" ', 1)   # as an older version kept it
        open(os.path.join(d, ".unplanet", "state.xml"), "wb").write(state)
        snap = snapshot(d)
        rc, out, _ = run("-o", d, base + "/empty-etag")
        check("http: a 304 to an unconditional request is an error (69), not \"not modified\"",
              "If-None-Match" not in seen[-1][1] and rc == 69 and "304" in out and snapshot(d) == snap, out)

        # A user:password in the URL is for the server alone.
        d = os.path.join(work, "userinfo")
        secret_url = base.replace("http://", "http://alice:s3cret@") + "/etag"
        rc, out, _ = run("-o", d, secret_url)
        leaked = [os.path.join(r, f) for r, _, fs in os.walk(d) for f in fs
                  if b"s3cret" in open(os.path.join(r, f), "rb").read()]
        check("http: a URL's password reaches no file (feeds, index, state)", rc == 0 and leaked == [], f"{out} {leaked}")
        check("http: ...and the page link keeps the rest of the URL",
              (base + "/etag").encode() in open(os.path.join(d, "index.html"), "rb").read(), "")
        rc, out, _ = run("-o", d, base.replace("http://", "http://alice:s3cret@") + "/404")
        check("http: ...nor any message", rc == 69 and "s3cret" not in out and base + "/404" in out, out)

        d = os.path.join(work, "bogus-charset")
        rc, out, _ = run("-o", d, base + "/bogus-charset")
        check("http: an unknown charset label is passed over, as browsers do", rc == 0 and
              sorted(os.listdir(os.path.join(d, "authors"))) == sorted(os.listdir(os.path.join(work, "etag", "authors"))), out)

        for label, path in (("the HTTP charset label wins over <meta charset>", "/latin1-by-http"),
                            ("an HTTP charset label with spaces before it", "/latin1-spaced-label"),
                            ("a UTF-8 byte-order mark wins over the HTTP label and <meta>", "/bom-over-meta"),
                            ("UTF-16 with no byte-order mark, as the HTTP label says", "/utf16-by-http"),
                            ("HTTP label utf-16 with no byte-order mark: little-endian", "/utf16le-by-http"),
                            ("XHTML whose encoding only its XML declaration says", "/xhtml-latin1")):
            d = os.path.join(work, path[1:])
            rc, out, _ = run("-o", d, base + path)
            names = [ET.parse(f).getroot().findtext(A + "title") for f in glob.glob(os.path.join(d, "authors", "*.atom"))]
            check(f"http: {label}", rc == 0 and "Rodrigo Girão Serrão" in names, out + str([n for n in names if "Rodrigo" in n]))

        d = os.path.join(work, "gzip")
        rc, out, _ = run("-o", d, base + "/gzip")
        check("http: asks for compression", "gzip" in seen[-1][1].get("Accept-Encoding", ""), str(seen[-1][1]))
        check("http: gzip body gives the same feeds", rc == 0 and
              sorted(os.listdir(os.path.join(d, "authors"))) == sorted(os.listdir(os.path.join(work, "etag", "authors"))), out)

        d = os.path.join(work, "redirect")
        rc, out, _ = run("-v", "-o", d, base + "/redirect")
        check("http: follows a redirect", rc == 0, out)
        check("http: -v names the URL given, as after a 304", out.startswith(f"unplanet: {base}/redirect: "), out)
        d = os.path.join(work, "redirect-etag")
        run("-o", d, base + "/redirect-with-etag")
        rc, out, _ = run("-o", d, base + "/redirect-with-etag")
        asked = [h for path, h in seen if path == "/redirect-with-etag"][-1]
        check("http: validators of a redirect are not kept as the page's",
              rc == 0 and "If-None-Match" not in asked and "If-Modified-Since" not in asked, str(asked))
        rc, out, _ = run("-o", os.path.join(work, "hops5"), base + "/hops/5")
        check("http: follows 5 redirects", rc == 0, out)
        rc, out, _ = run("-o", os.path.join(work, "hops6"), base + "/hops/6")
        check("http: a 6th redirect is one too many (exit 69, says so)",
              rc == 69 and "redirect" in out.lower() and not os.path.exists(os.path.join(work, "hops6")), out)

        # --max-size holds to the byte, also when no Content-Length warns.
        rc, out, _ = run("--max-size", str(len(PAGE)), "-o", os.path.join(work, "exact"), base + "/no-length")
        check("http: a page of exactly --max-size bytes is read", rc == 0, out)
        rc, out, _ = run("--max-size", str(len(PAGE) - 1), "-o", os.path.join(work, "over"), base + "/no-length")
        check("http: a page one byte over --max-size is refused (exit 65)",
              rc == 65 and "--max-size" in out and not os.path.exists(os.path.join(work, "over")), out)

        # Failures: a folder with feeds in it must come out untouched.
        d = os.path.join(work, "failures")
        rc, out, _ = run("-o", d, base + "/etag")
        snap = snapshot(d)
        cases = [
            ("500", "/500", 69, "HTTP 500", []),
            ("404", "/404", 69, "HTTP 404", []),
            ("hanging server", "/hang", 69, "timed out", ["--timeout", "2"]),
            ("body cut short", "/short", 69, "", []),
            ("redirect loop", "/loop", 69, "redirect", []),
            ("redirect to ftp", "/redirect-ftp", 69,
             "/redirect-ftp (redirected to ftp://127.0.0.1/x): redirected to a URL that is not http or https\n", []),
            ("redirect to a dead page", "/moved-to-404", 69,
             f"/moved-to-404 (redirected to {base}/404): the server answered HTTP 404", []),
            ("headers too large", "/huge-header", 69, "too large", []),
            # What is wrong with the page is said of where the redirects led.
            ("redirect to a page that is no Planet", "/moved-to-other", 65,
             f"/moved-to-other (redirected to {base}/not-a-planet): no Planet posts found", []),
            ("oversize body", "/big", 65, "--max-size", ["--max-size", "1M"]),
            ("a compressed body over --max-size on the wire, its padding decoding to nothing", "/padded", 65,
             "--max-size", ["--max-size", "1M"]),
            ("a Content-Length over --max-size (said at once)", "/padded-sized", 65, "--max-size", ["--max-size", "1M"]),
            ("image content type", "/image", 65, "image/png", []),
            # What the headers say is said at once, not after the body.
            ("an error whose body stalls (said at once)", "/503-stalls", 69,
             "the server answered HTTP 503, and asks to be asked again in 2 min, after 20",
             ["--timeout", "30"]),
            # libcurl says a decoder's failure as its own failure to write.
            ("a page said to be brotli that is not", "/mislabelled-br", 69,
             "/mislabelled-br: the page's content could not be decoded as its Content-Encoding says", []),
            ("a page said to be zstd that is not", "/mislabelled-zstd", 69,
             "/mislabelled-zstd: the page's content could not be decoded as its Content-Encoding says", []),
            ("a page said to be gzip that is not", "/mislabelled-gzip", 69,
             "/mislabelled-gzip: the page's content could not be decoded as its Content-Encoding says", []),
            ("busy for 2 days and a second", "/busy-2-days-1-s", 69, "asks to be asked again in 2 days, after ", []),
            ("busy for what libcurl reads as 21 s", "/busy-no-weekday", 69,
             "asks to be asked again in 21 s, after %d-" % time.gmtime(time.time() + 21).tm_year, []),
            # In days, and when (not "in 279974991 s").
            ("busy until a date (Retry-After: DATE)", "/busy-until-2035", 69,
             " days, after 2035-10-21T07:28:00Z (Retry-After)", []),
            ("an image larger than --max-size (its type, not its size)", "/big-image", 65,
             '"image/png" is not an HTML page', ["--max-size", "1M", "--timeout", "30"]),
            ("a connection closed inside the headers", "/cut-in-headers", 69, "cut short in its headers", []),
            # Not a redirect, though curl gives the same code.
            ("an answer that is not HTTP", "/not-http", 69, "/not-http: the server's answer is not HTTP", []),
            ("a redirect to an answer that is not HTTP", "/moved-to-not-http", 69,
             f"/moved-to-not-http (redirected to {base}/not-http): the server's answer is not HTTP", []),
            ("redirect to mailto:", "/redirect-mailto", 69,
             "redirected to mailto:webmaster@example.org, which is not http or https", []),
            # A type is matched whole, not by its first letters.
            ("content type application/xml-dtd (not application/xml)", "/prefixed/xml-dtd", 65,
             '"application/xml-dtd" is not an HTML page', []),
            ("content type text/htmlx (not text/html)", "/prefixed/htmlx", 65, '"text/htmlx" is not an HTML page', []),
        ]
        for label, path, code, words, extra in cases:
            rc, out, took = run(*extra, "--force", "-o", d, base + path)
            check(f"http: {label} exits {code}", rc == code and ("at once" not in label or took < 5),
                  f"exit {rc} after {took:.1f} s: {out}")
            check(f"http: {label} message names the URL and the cause",
                  (base + path) in out and words.lower() in out.lower(), out)
            check(f"http: {label} leaves the folder as it was", snapshot(d) == snap, "")
        # A host in Unicode (IDN), under cron's C locale too: libcurl reads
        # it in the locale's character set.
        rc, out, _ = run("--dump", base.replace("127.0.0.1", "b\u00fccher.localhost") + "/etag")
        check("http: a URL whose host is not ASCII is fetched (IDN)", rc == 0 and "<entry>" in out, out[-300:])
        # A URL given with non-ASCII, '|' or '[' in it, as a browser takes
        # it: the page's relative links still resolve against it.
        rc, out, _ = run("--dump", base + "/plan\u00e8te/?q=a|b[1]")
        want = [base + "/abs/p", f'<a href="{base}/abs/x">rel</a> <img src="{base}/i.png">']
        got = [(e.findtext("link"), (e.findtext("content") or "").strip())
               for e in ET.fromstring(out).iter("entry")] if rc == 0 else out
        check("http: a page URL with non-ASCII, '|' and '[': its relative links resolve", got == [tuple(want)], f"{got}")
        rc, out, _ = run("-o", os.path.join(work, "tab-type"), base + "/tab-type")
        check("http: a tab before the ';' of a Content-Type is taken (RFC 9110 allows it)", rc == 0, out)
        # A server that names no type at all: the page is tried, not refused.
        dd = os.path.join(work, "no-type")
        rc, out, _ = run("-o", dd, base + "/no-type")
        check("http: a response with no Content-Type is read as the page (exit 0, feeds written)",
              rc == 0 and os.path.isdir(os.path.join(dd, "authors")) and
              sorted(os.listdir(os.path.join(dd, "authors"))) == sorted(os.listdir(os.path.join(work, "etag", "authors"))),
              f"exit {rc}: {out}")
        # The charset is the Content-Type's charset parameter, not any text
        # that ends in "charset=": the others leave the page's <meta>.
        for kind in ("xcharset", "quoted", "spaced"):
            dd = os.path.join(work, "type-" + kind)
            rc, out, _ = run("-o", dd, base + "/type/" + kind)
            names = [ET.parse(f).getroot().findtext(A + "title") for f in glob.glob(os.path.join(dd, "authors", "*.atom"))]
            check(f"http: a Content-Type's charset parameter, read as one ({kind})",
                  rc == 0 and "Rodrigo Girão Serrão" in names, out + str([n for n in names if "Rodrigo" in n]))
        rc, out, _ = run("--force", "-o", d, base + "/type/escape")
        check("http: a server's control characters reach no message (ESC, BEL shown as '?')",
              rc == 65 and "\x1b" not in out and "\x07" not in out and 'image/png?]0;pwned??[2J' in out and snapshot(d) == snap, repr(out))
        dd = os.path.join(work, "lastmod-future")
        rc, out, _ = run("-o", dd, base + "/lastmod-future")
        state = open(os.path.join(dd, ".unplanet", "state.xml"), encoding="utf-8").read() if rc == 0 else ""
        rc2, out2, _ = run("-o", dd, base + "/lastmod-future")
        check("http: a Last-Modified later than the response's Date is not kept: the next request is unconditional",
              rc == 0 and "2100" not in state and rc2 == 0 and "If-Modified-Since" not in seen[-1][1], out + out2 + str(seen[-1][1]))
        dd = os.path.join(work, "lastmod-ahead")
        rc, out, _ = run("-o", dd, base + "/lastmod-ahead")
        state = open(os.path.join(dd, ".unplanet", "state.xml"), encoding="utf-8").read() if rc == 0 else ""
        rc2, out2, _ = run("-o", dd, base + "/lastmod-ahead")
        check("http: ...nor one an hour later than the Date",
              rc == 0 and "last-modified" not in state and rc2 == 0 and "If-Modified-Since" not in seen[-1][1],
              out + out2 + state + str(seen[-1][1]))
        rc, out, _ = run("--max-size", "200k", "--force", "-o", d, base + "/404-big")
        check("http: an error page over --max-size is told as the HTTP error it is (exit 69)",
              rc == 69 and "HTTP 404" in out and snapshot(d) == snap, out)
        rc, out, _ = run("--max-size", "200k", "--force", "-o", os.path.join(work, "redirect-big"), base + "/redirect-big")
        check("http: a redirect whose body is over --max-size is followed to a page within it", rc == 0, out)
        for bad in ("http://", "http://[::1", "http://127.0.0.1:99999/"):
            rc, out, _ = run("-o", d, bad)
            check(f"http: a malformed URL ({bad}) is a usage error (exit 64) naming it", rc == 64 and bad in out, out)
        rc, out, _ = run("-o", d, "http://alice:pa/ss@127.0.0.1:8765/page")
        check("http: a password with a '/' in it, which makes the URL malformed, reaches no message",
              rc == 64 and "pa/ss" not in out and "alice" not in out and "http://127.0.0.1:8765/page" in out, out)
        rc, out, took = run("--timeout", "2", "--force", "-o", d, base + "/hang")
        check("http: --timeout 2 stops a hanging server in under 5 s", took < 5, f"{took:.1f}s")
        # A name lookup that hangs (a dead DNS server): tests/slowdns.c
        # makes getaddrinfo of "slowdns..." sleep 30 s.
        shim = os.path.join(work, "slowdns.so")
        built = subprocess.run(["cc", "-shared", "-fPIC", "-o", shim, os.path.join(HERE, "slowdns.c"), "-ldl"],
                               capture_output=True)
        t0 = time.time()
        r = subprocess.run([unplanet, "--timeout", "2", "--force", "-o", d, "http://slowdns.example/planet"],
                           capture_output=True, timeout=60,
                           env={**os.environ, "LD_PRELOAD": shim, "ASAN_OPTIONS": "verify_asan_link_order=0"})
        took, out = time.time() - t0, r.stderr.decode("utf-8", "replace")
        check("http: --timeout 2 also bounds a name lookup that hangs: exit 69 in under 5 s, naming the URL",
              built.returncode == 0 and r.returncode == 69 and took < 5 and "http://slowdns.example/planet" in out and
              snapshot(d) == snap, f"exit {r.returncode} after {took:.1f}s: {out} {built.stderr.decode()[:200]}")
        # A host that never answers: a listening socket whose accept queue
        # is full drops every new SYN, so connecting hangs.
        silent = socket.socket()
        silent.bind(("127.0.0.1", 0))
        silent.listen(0)
        queued = []
        for _ in range(3):
            c = socket.socket()
            c.setblocking(False)
            c.connect_ex(silent.getsockname())
            queued.append(c)
        time.sleep(0.2)
        url = "http://127.0.0.1:%d/planet" % silent.getsockname()[1]
        rc, out, took = run("--timeout", "2", "-o", d, url)
        check("http: a host that never answers: exit 69, 'could not connect' naming the URL, within 5 s",
              rc == 69 and url in out and "could not connect within 2 s" in out and took < 5, f"exit {rc} {took:.1f}s: {out}")
        check("http: a host that never answers leaves the folder as it was", snapshot(d) == snap, "")
        rc, out, took = run("--timeout", "2", "-o", d, base + "/redirect-to/" + url)
        check("http: ...nor one a redirect leads to: 'could not connect', not a time-out",
              rc == 69 and "could not connect within 2 s" in out and took < 5, f"exit {rc} {took:.1f}s: {out}")
        # (1.5 s of 3: a slower machine still answers the redirect in time.)
        rc, out, took = run("--timeout", "3", "-o", d, base + "/slow-redirect-to/" + url)
        check("http: ...after a slow redirect took half of --timeout: the time-out it was, not 3 s to connect",
              rc == 69 and "timed out after 3 s (see --timeout), before a connection was made" in out and took < 6,
              f"exit {rc} {took:.1f}s: {out}")
        for c in queued + [silent]:
            c.close()
        rc, out, _ = run("-o", d, "http://127.0.0.1:1/planet")
        check("http: refused connection exits 69 naming the URL", rc == 69 and "http://127.0.0.1:1/planet" in out, out)
        check("http: refused connection leaves the folder as it was", snapshot(d) == snap, "")
        rc, out, _ = run("-o", d, "ftp://127.0.0.1/planet")
        check("http: only http and https", rc == 64 and "ftp://127.0.0.1/planet" in out, out)
        # Locking: a run holds its folder from before fetching until done.
        d = os.path.join(work, "lock")
        run("-o", d, base + "/etag")
        snap = snapshot(d)
        n = len(seen)
        slow = subprocess.Popen([unplanet, "--force", "-o", d, base + "/slow"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        while len(seen) == n and slow.poll() is None:
            time.sleep(0.02)
        rc, out, took = run("-o", d, os.path.join(HERE, "..", "samples", "planetpython-2026-04-29.html"))
        check("lock: a second run on a busy folder exits 75", rc == 75, f"exit {rc}: {out}")
        check("lock: ...at once", took < 1.5, f"{took:.1f}s")
        check("lock: ...saying why and naming the folder", "another unplanet run" in out and d in out, out)
        check("lock: ...and changes nothing", snapshot(d) == snap, "")
        check("lock: the first run succeeds", slow.wait(timeout=30) == 0, slow.stderr.read().decode())
        # The lock is exclusive: even a shared holder keeps a run out.
        fd = os.open(d, os.O_RDONLY | os.O_DIRECTORY)
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        snap = snapshot(d)
        rc, out, _ = run("-o", d, os.path.join(HERE, "..", "samples", "planetpython-2026-04-29.html"))
        os.close(fd)
        check("lock: a run waits for no one's shared lock on the folder: exits 75, changes nothing",
              rc == 75 and "another unplanet run" in out and snapshot(d) == snap, f"exit {rc}: {out}")
        # A run that made the folder but lost the race for its lock leaves
        # the folder to the winner (strace holds it back before its flock).
        race = os.path.join(work, "race")
        # (LeakSanitizer cannot run under a tracer.)
        env = dict(os.environ, ASAN_OPTIONS=os.environ.get("ASAN_OPTIONS", "") + ":detect_leaks=0")
        late = subprocess.Popen(["strace", "-f", "-o", "/dev/null", "-e", "inject=flock:delay_enter=1500000", unplanet,
                                 "-o", race, os.path.join(HERE, "..", "samples", "planetpython-2026-04-29.html")],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        t0 = time.time()
        while not os.path.isdir(race) and time.time() - t0 < 20:
            time.sleep(0.01)
        fd = os.open(race, os.O_RDONLY | os.O_DIRECTORY)
        fcntl.flock(fd, fcntl.LOCK_EX)
        rc = late.wait(timeout=60)
        kept = os.path.isdir(race)
        os.close(fd)
        check("lock: a run that made the folder but lost its lock exits 75 and leaves the folder to the winner",
              rc == 75 and kept, f"exit {rc}, folder {'kept' if kept else 'removed'}: {late.stderr.read().decode()[-300:]}")
        n = len(seen)
        slow = subprocess.Popen([unplanet, "--force", "-o", d, base + "/slow"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        while len(seen) == n and slow.poll() is None:
            time.sleep(0.02)
        rc, out, took = run("--wait", "-v", "-o", d, os.path.join(HERE, "..", "samples", "planetpython-2026-04-29.html"))
        first = slow.wait(timeout=30)
        check("lock: --wait waits for the other run, then succeeds", rc == 0 and first == 0 and took > 1, f"exit {rc} after {took:.1f}s: {out}")
        # SIGTERM (a timeout, a shutdown) while waiting on the server, or
        # on another run's lock: the run ends by it at once, saying
        # nothing, and the folder is as it was; one it made is gone.
        stopped = os.path.join(work, "stopped")
        n = len(seen)
        proc = subprocess.Popen([unplanet, "-o", stopped, base + "/slow"], stderr=subprocess.PIPE)
        while len(seen) == n and proc.poll() is None:
            time.sleep(0.02)
        t0 = time.time()
        proc.send_signal(signal.SIGTERM)
        rc, took, err = proc.wait(timeout=30), time.time() - t0, proc.stderr.read().decode()
        check("signal: SIGTERM while fetching: ends by it at once, silent, the folder it made gone",
              rc == -signal.SIGTERM and took < 1.5 and err == "" and not os.path.exists(stopped),
              f"exit {rc} after {took:.1f}s: {err}")
        fd = os.open(d, os.O_RDONLY | os.O_DIRECTORY)
        fcntl.flock(fd, fcntl.LOCK_EX)
        snap = snapshot(d)
        proc = subprocess.Popen([unplanet, "--wait", "-o", d, base + "/etag"], stderr=subprocess.PIPE)
        time.sleep(0.5)
        t0 = time.time()
        proc.send_signal(signal.SIGTERM)
        rc, took, err = proc.wait(timeout=30), time.time() - t0, proc.stderr.read().decode()
        os.close(fd)
        check("signal: SIGTERM while --wait waits for the lock: ends by it at once, the folder as it was",
              rc == -signal.SIGTERM and took < 1.5 and err == "" and snapshot(d) == snap,
              f"exit {rc} after {took:.1f}s: {err}")
        # ...also when it comes just as the run asks for the lock (gdb
        # delivers it at flock): not seen only once the other run ends.
        if shutil.which("gdb"):
            fcntl.flock(fd := os.open(d, os.O_RDONLY | os.O_DIRECTORY), fcntl.LOCK_EX)
            t0 = time.time()
            try:
                r = subprocess.run(["gdb", "-q", "-nx", "-batch", "-ex", "handle SIGTERM nostop noprint pass",
                                    "-ex", "break flock", "-ex", "run", "-ex", "delete", "-ex", "signal SIGTERM",
                                    "--args", unplanet, "--wait", "-o", d, base + "/etag"],
                                   capture_output=True, timeout=20, env=dict(os.environ, ASAN_OPTIONS="detect_leaks=0"))
                said = r.stdout.decode("utf-8", "replace") + r.stderr.decode("utf-8", "replace")
            except subprocess.TimeoutExpired:
                said = "still waiting 20 s after the signal"
            took = time.time() - t0
            os.close(fd)
            check("signal: SIGTERM just as --wait asks for the lock: ends by it, not when the other run ends",
                  "Breakpoint 1," in said and "Program terminated with signal SIGTERM" in said and
                  snapshot(d) == snap, f"after {took:.1f}s: {said[-500:]}")
        fresh = os.path.join(work, "fresh")
        rc, out, _ = run("-o", fresh, base + "/500")
        check("http: failed first run leaves no folder behind", rc == 69 and not os.path.exists(fresh), out)
        # Standard input a parent made non-blocking (Node's child_process
        # does), written a moment after the run starts: waited for.
        page = open(os.path.join(HERE, "..", "samples", "planetpython-2026-04-29.html"), "rb").read()
        r, w = os.pipe()
        os.set_blocking(r, False)
        d = os.path.join(work, "nonblocking")
        proc = subprocess.Popen([unplanet, "-o", d, "-"], stdin=r, stderr=subprocess.PIPE)
        os.close(r)
        time.sleep(0.3)
        try:
            with os.fdopen(w, "wb") as f:
                f.write(page)
        except BrokenPipeError:
            pass   # the run gave up
        rc, err = proc.wait(timeout=60), proc.stderr.read().decode()
        check("stdin: a non-blocking pipe written late is waited for, not 'cannot read'",
              rc == 0 and err == "" and os.path.exists(os.path.join(d, "authors", "pypy.atom")), f"exit {rc}: {err}")
    finally:
        server.shutdown()
        server.server_close()
    report()


if __name__ == "__main__":
    main()
