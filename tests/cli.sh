#!/bin/sh
# cli.sh - the command line: options, exit codes, messages, and what the
# output folder looks like after success and after every kind of failure.
. "$(dirname "$0")/lib.sh"
SAMPLE=samples/planetpython-2026-04-29.html
PLANET_RSS=samples/planetpython-2026-04-29.rss20.xml
mkdir -p "$T"

# --- options ---------------------------------------------------------------
expect_exit "--help exits 0" 0 "$UNPLANET" --help
expect_grep "--help documents the exit codes" "$T/out" "73  the output folder cannot be created or written"
expect_exit "--version exits 0" 0 "$UNPLANET" --version
expect_grep "--version names the program" "$T/out" "^unplanet [0-9]+\.[0-9]+\.[0-9]+$"
expect_exit "no SOURCE is a usage error" 64 "$UNPLANET"
expect_grep "no SOURCE says so" "$T/err" "missing SOURCE"
expect_exit "unknown option is a usage error" 64 "$UNPLANET" --frobnicate x
expect_grep "unknown option is named" "$T/err" "frobnicate"
# A message over 4 KiB has its middle left out, also when what it quotes is
# no UTF-8 (a file name of 6 000 bytes 0x80: no character boundary to cut at).
long=$(printf '%6000s' '' | tr ' ' '\200')
expect_exit "a config path of 6 000 bytes that are no UTF-8 cannot be opened" 78 "$UNPLANET" -c "$T/$long" x
[ "$(wc -c <"$T/err")" -lt 4300 ] && grep -aq "bytes left out" "$T/err" &&
	ok "...in a message line cut to 4 KiB" || not_ok "...in a message line cut to 4 KiB: $(wc -c <"$T/err") bytes"
expect_exit "unknown short option in a group is a usage error" 64 "$UNPLANET" --force -Zq x
expect_grep "unknown short option in a group is named, not the group or its neighbour" "$T/err" "option -- 'Z'"
expect_exit "a value given to a flag is a usage error" 64 "$UNPLANET" --force=yes x
expect_grep "a value given to a flag is named as such" "$T/err" "'--force' doesn't allow an argument"
expect_exit "two SOURCEs is a usage error" 64 "$UNPLANET" a b
expect_exit "bad --timeout is a usage error" 64 "$UNPLANET" --timeout soon "$SAMPLE"
expect_exit "bad --max-size is a usage error" 64 "$UNPLANET" --max-size 12Q "$SAMPLE"
expect_exit "--max-size suffixes in either case" 0 "$UNPLANET" --dump --max-size 1m "$SAMPLE"
for n in ' 5' '+5' '5 '; do
	expect_exit "--keep '$n' is no number (a number is digits)" 64 "$UNPLANET" --dump --keep "$n" "$SAMPLE"
done
expect_exit "--max-size ' -1' is no size (strtoull would wrap it)" 64 "$UNPLANET" --dump --max-size ' -18446744073709551615' "$SAMPLE"
expect_exit "an empty --exclude pattern (it would drop every entry) is a usage error" 64 "$UNPLANET" --dump -x "" "$SAMPLE"
expect_exit "an empty --only pattern is a usage error" 64 "$UNPLANET" --dump --only "" "$SAMPLE"
expect_exit "--base-url must be http(s)" 64 "$UNPLANET" --base-url ftp://x/ "$SAMPLE"
expect_exit "option value missing" 64 "$UNPLANET" "$SAMPLE" -o
expect_grep "option value missing names the option" "$T/err" "requires an argument -- 'o'"

# --- success ---------------------------------------------------------------
D=$T/feeds
expect_exit "sample page converts" 0 "$UNPLANET" -o "$D" "$SAMPLE"
expect_empty "nothing printed on success (stdout)" "$T/out"
expect_empty "nothing printed on success (stderr)" "$T/err"
n=$(ls "$D/authors" | grep -c '\.atom$')
[ "$n" = 19 ] && ok "one Atom feed per source (19)" || not_ok "one Atom feed per source: $n"
n=$(ls "$D/authors" | grep -c '\.rss$')
[ "$n" = 19 ] && ok "one RSS feed per source (19)" || not_ok "one RSS feed per source: $n"
[ -f "$D/authors/rodrigo-girao-serrao.atom" ] && ok "slug transliterated (rodrigo-girao-serrao)" ||
	not_ok "slug transliterated: $(ls "$D/authors" | tr '\n' ' ')"
if [ -n "$(find "$D" -name '.*.unplanet-*')" ]; then not_ok "no temporary files left"; else ok "no temporary files left"; fi
bad=$(ls "$D/authors" | grep -v '^[a-z0-9-]*\.\(atom\|rss\|json\)$')
[ -z "$bad" ] && ok "file names are [a-z0-9-] slugs" || not_ok "file names: $bad"

# Same bytes, no rewrite: mtimes stay so web caches stay valid.
snapshot "$D" >"$T/before"
sleep 1
expect_exit "second run succeeds" 0 "$UNPLANET" -v -o "$D" "$SAMPLE"
snapshot "$D" >"$T/after"
expect_same "second run rewrites nothing (mtimes, bytes)" "$T/before" "$T/after"
expect_grep "-v prints one summary line" "$T/err" "25 entries, 19 sources, 0 topics, 0 files written, 81 unchanged"

# A post the page shows twice is one entry, in its feed and in -v's count.
cat >"$T/twice.html" <<'EOF'
<html><head><meta charset="utf-8"><title>Planet Twice</title></head><body><div id="body-main">
<h2>May 01, 2026</h2>
<hr /><h3 class="post"><a href="https://alice.example/" title="Alice">Alice</a></h3>
<h4><a href="https://alice.example/2">A2</a></h4><p>alice two</p><p><em><a href="https://alice.example/2">May 01, 2026 08:00 AM UTC</a></em></p>
<h4><a href="https://alice.example/2">A2</a></h4><p>alice two</p><p><em><a href="https://alice.example/2">May 01, 2026 08:00 AM UTC</a></em></p>
<h4><a href="https://alice.example/1">A1</a></h4><p>alice one</p><p><em><a href="https://alice.example/1">May 01, 2026 07:00 AM UTC</a></em></p>
</div></body></html>
EOF
expect_exit "a page showing a post twice converts" 0 "$UNPLANET" -v -o "$T/twice" "$T/twice.html"
[ "$(grep -c '<entry>' "$T/twice/authors/alice.atom")" = 2 ] && ok "...its feed holds the post once" ||
	not_ok "...its feed holds the post once: $(grep -c '<entry>' "$T/twice/authors/alice.atom") entries"
expect_grep "...and -v counts it once" "$T/err" ": [0-9]+ bytes, 2 entries, 1 source, "

# A damaged cache file is no error: it is only compared, then written again.
C=$T/cache
rm -rf "$C" && "$UNPLANET" -o "$C" -t Django=django "$SAMPLE" && cp -R "$C" "$T/cache-good"
echo garbage >"$C/.unplanet/cache/directory.xml"
echo garbage >"$C/.unplanet/cache/topics/django.xml"
expect_exit "a damaged cache file is no error" 0 "$UNPLANET" -o "$C" -t Django=django "$SAMPLE"
if diff -r "$T/cache-good" "$C" >/dev/null; then ok "...it is written again"; else not_ok "...it is written again: $(diff -r "$T/cache-good" "$C" | head -c 300)"; fi

# A FIFO where a feed goes neither hangs the run nor stays.
F=$T/fifo
rm -rf "$F" && cp -R "$D" "$F" && rm "$F/authors/pypy.atom" && mkfifo "$F/authors/pypy.atom"
expect_exit "a FIFO in place of a feed: the run neither hangs nor fails" 0 timeout 60 "$UNPLANET" -o "$F" "$SAMPLE"
[ -f "$F/authors/pypy.atom" ] && [ ! -p "$F/authors/pypy.atom" ] && ok "a FIFO in place of a feed is replaced by the feed" ||
	not_ok "a FIFO in place of a feed is replaced by the feed"

# One post changes: only its author's two files are rewritten.
sed 's/Before GitHub/Before GitHub (updated)/' "$SAMPLE" >"$T/changed.html"
expect_exit "changed page converts" 0 "$UNPLANET" -v -o "$D" "$T/changed.html"
# Its author's Atom, RSS and JSON feeds and archive, index.html (newest
# title), the two OPML lists (their date), the directory document and the
# state (cleared while the others change, then put back) change; nothing
# else.
expect_grep "only the changed author's files (and archive) are written" "$T/err" "9 files written, 72 unchanged"
expect_grep "the changed title is in the feed" "$D/authors/armin-ronacher.atom" "Before GitHub \(updated\)"

# Standard input gives the same feeds as the file.
expect_exit "- reads standard input" 0 sh -c "'$UNPLANET' -o '$T/stdin' - < '$SAMPLE'"
if diff -r "$T/stdin" "$T/stdin" >/dev/null && "$UNPLANET" -o "$T/file" "$SAMPLE" && diff -r "$T/stdin" "$T/file" >/dev/null; then
	ok "stdin and file give identical feeds"
else
	not_ok "stdin and file give identical feeds"
fi

# Permissions come from the umask.
(umask 077 && "$UNPLANET" -o "$T/private" "$SAMPLE")
m=$(stat -c %a "$T/private/authors/pypy.atom")
[ "$m" = 600 ] && ok "umask 077 gives 600 files" || not_ok "umask 077 gives $m"
(umask 022 && "$UNPLANET" -o "$T/public" "$SAMPLE")
m=$(stat -c %a "$T/public/authors/pypy.atom")
[ "$m" = 644 ] && ok "umask 022 gives 644 files" || not_ok "umask 022 gives $m"

# --base-url makes self links and ids absolute.
expect_exit "--base-url run" 0 "$UNPLANET" -o "$T/based" --base-url https://feeds.example.org/planet "$SAMPLE"
expect_grep "Atom self link under --base-url" "$T/based/authors/pypy.atom" \
	'rel="self" type="application/atom\+xml" href="https://feeds.example.org/planet/authors/pypy.atom"'
expect_grep "Atom id under --base-url" "$T/based/authors/pypy.atom" \
	'<id>https://feeds.example.org/planet/authors/pypy</id>'
expect_grep "the directory document's base-url ends in '/', given without" "$T/based/.unplanet/cache/directory.xml" \
	"<base-url>https://feeds.example.org/planet/</base-url>"
expect_grep "RSS self link under --base-url" "$T/based/authors/pypy.rss" \
	'href="https://feeds.example.org/planet/authors/pypy.rss"'

# --stylesheet adds a format, named after the file.
cat >"$T/titles.xsl" <<'XSL'
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:output method="text" encoding="UTF-8"/>
  <xsl:template match="/feed"><xsl:for-each select="entry"><xsl:value-of select="title"/><xsl:text>&#10;</xsl:text></xsl:for-each></xsl:template>
</xsl:stylesheet>
XSL
expect_exit "--stylesheet run" 0 "$UNPLANET" -o "$T/user" -s "$T/titles.xsl" "$SAMPLE"
expect_grep "user format written as SLUG.titles" "$T/user/authors/django-weblog.titles" "^It's time to redesign djangoproject.com$"
[ -f "$T/user/authors/django-weblog.atom" ] && ok "built-in formats still written" || not_ok "built-in formats still written"

# A changed stylesheet remakes its files, though no document changed.
sed 's|<xsl:text>&#10;</xsl:text>|<xsl:text> (v2)\&#10;</xsl:text>|' "$T/titles.xsl" >"$T/titles2.xsl" && mv "$T/titles2.xsl" "$T/titles.xsl"
expect_exit "run after the stylesheet changed" 0 "$UNPLANET" -o "$T/user" -s "$T/titles.xsl" "$SAMPLE"
expect_grep "a changed stylesheet's files are remade" "$T/user/authors/django-weblog.titles" "djangoproject.com \(v2\)$"
# So do one it imports and one it includes, also in a folder whose name
# libxml2 escapes in the URIs it gives them ("my%20xslt").
mkdir -p "$T/my xslt"
# parts_sheet NAME IMPORT INCLUDE: "my xslt/NAME.xsl", calling a template
# of the stylesheet it imports from IMPORT and of the one it includes.
parts_sheet() {
	cat >"$T/my xslt/$1.xsl" <<XSL
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:import href="$2"/>
  <xsl:include href="$3"/>
  <xsl:output method="text" encoding="UTF-8"/>
  <xsl:template match="/"><xsl:call-template name="imported"/><xsl:text> </xsl:text><xsl:call-template name="included"/></xsl:template>
</xsl:stylesheet>
XSL
}
# edits_remake NAME FROM TO: editing each part from FROM to TO in turn
# remakes the files of NAME.xsl.
edits_remake() {
	for part in imported included; do
		sed "s/$2/$3/" "$T/my xslt/$part.xsl" >"$T/my xslt/new.xsl" && mv "$T/my xslt/new.xsl" "$T/my xslt/$part.xsl"
		expect_exit "$1: run after the $part stylesheet changed" 0 "$UNPLANET" -o "$T/$1" -s "$T/my xslt/$1.xsl" "$SAMPLE"
		expect_grep "$1: a changed $part stylesheet's files are remade" "$T/$1/authors/pypy.$1" "^imported $3 included ($2|$3)$"
	done
	expect_grep "$1: ...both changes" "$T/$1/authors/pypy.$1" "^imported $3 included $3$"
}
parts_sheet marks imported.xsl included.xsl
for part in imported included; do
	printf '<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
<xsl:template name="%s">%s v1</xsl:template></xsl:stylesheet>\n' $part $part >"$T/my xslt/$part.xsl"
done
expect_exit "a stylesheet importing and including others, in a folder with a space" 0 \
	"$UNPLANET" -o "$T/marks" -s "$T/my xslt/marks.xsl" "$SAMPLE"
expect_grep "...is applied" "$T/marks/authors/pypy.marks" "^imported v1 included v1$"
edits_remake marks v1 v2
# ...also when named by file: URIs, as some write them.
abs=$(cd "$T/my xslt" && pwd | sed 's/ /%20/g')
parts_sheet uris "file://$abs/imported.xsl" "file://localhost$abs/included.xsl"
expect_exit "a stylesheet importing file:///... and including file://localhost/..." 0 \
	"$UNPLANET" -o "$T/uris" -s "$T/my xslt/uris.xsl" "$SAMPLE"
expect_grep "...is applied" "$T/uris/authors/pypy.uris" "^imported v2 included v2$"
edits_remake uris v2 v3
# A deleted output comes back, though nothing else changed.
rm "$T/user/authors/pypy.rss"
expect_exit "run after an output was deleted" 0 "$UNPLANET" -v -o "$T/user" -s "$T/titles.xsl" "$SAMPLE"
[ -s "$T/user/authors/pypy.rss" ] && ok "a deleted output is made again" || not_ok "a deleted output is made again"
expect_grep "...and only it" "$T/err" " 1 file written"

# --dump prints the intermediate vocabulary and writes nothing.
expect_exit "--dump" 0 "$UNPLANET" --dump -o "$T/never" "$SAMPLE"
expect_grep "--dump prints <unplanet>" "$T/out" '^<unplanet version="1">'
[ -e "$T/never" ] && not_ok "--dump writes nothing" || ok "--dump writes nothing"

# --- failures leave the folder exactly as it was ---------------------------
snapshot "$D" >"$T/before"

expect_exit "missing input file: exit 66" 66 "$UNPLANET" -o "$D" "$T/no-such.html"
expect_grep "missing input is named" "$T/err" "no-such.html: cannot open"
expect_exit "an empty --config: exit 78" 78 "$UNPLANET" -c '' -o "$D" "$SAMPLE"
expect_grep "...saying it needs a file name" "$T/err" "^unplanet: --config needs a file name$"
# Two files, one read over the other, would drop the first's topics
# without a word.
printf '[unplanet]\nkeep = 2\n' >"$T/keep2.ini"
expect_exit "--config given twice: exit 64" 64 "$UNPLANET" -c "$T/keep2.ini" -c "$T/keep2.ini" -o "$D" "$SAMPLE"
expect_grep "...saying so" "$T/err" "^unplanet: --config given twice: one configuration file per run$"
# A mistake on the command line names the option typed, not the
# configuration key settings_set checks it as.
expect_exit "--keep -1: exit 64" 64 "$UNPLANET" --keep -1 -o "$D" "$SAMPLE"
expect_grep "...naming --keep" "$T/err" "^unplanet: --keep needs a number of entries .*: '-1'$"
expect_exit "an empty -o: exit 64" 64 "$UNPLANET" -o '' "$SAMPLE"
expect_grep "...naming --output and saying it is empty" "$T/err" "^unplanet: --output must not be empty$"
snapshot "$D" >"$T/after"
expect_same "missing input leaves DIR unchanged" "$T/before" "$T/after"

printf '<html><body><h1>Hello</h1><p>Not a Planet.</p></body></html>\n' >"$T/plain.html"
expect_exit "page without posts: exit 65" 65 "$UNPLANET" -o "$D" "$T/plain.html"
expect_grep "page without posts is named" "$T/err" "plain.html: no Planet posts found"
snapshot "$D" >"$T/after"
expect_same "page without posts leaves DIR unchanged" "$T/before" "$T/after"
expect_exit "page without posts, new DIR: exit 65" 65 "$UNPLANET" -o "$T/fresh" "$T/plain.html"
[ -e "$T/fresh" ] && not_ok "failed run creates no DIR" || ok "failed run creates no DIR"
# The Planet's own feeds, or a saved page still gzipped, given in place of
# its page: the message says what was given.
expect_exit "the Planet's RSS feed instead of its page: exit 65" 65 "$UNPLANET" -o "$D" "$PLANET_RSS"
expect_grep "...saying it is an RSS feed" "$T/err" "rss20.xml: no Planet posts found: this is an RSS feed; give the Planet's HTML page"
printf '\357\273\277<?xml version="1.0"?>\n<!-- c -->\n<!DOCTYPE feed [<!ENTITY gt2 "a > b">]>\n<feed xmlns="http://www.w3.org/2005/Atom"><title>x</title></feed>\n' >"$T/atom.xml"
expect_exit "an Atom feed instead of the page: exit 65" 65 "$UNPLANET" -o "$D" "$T/atom.xml"
expect_grep "...saying it is an Atom feed" "$T/err" "atom.xml: no Planet posts found: this is an Atom feed"
gzip -c "$SAMPLE" >"$T/page.html.gz"
expect_exit "a gzipped page: exit 65" 65 "$UNPLANET" -o "$D" "$T/page.html.gz"
expect_grep "...saying it is gzip-compressed" "$T/err" "page.html.gz: is gzip-compressed, not a page: decompress it first"
snapshot "$D" >"$T/after"
expect_same "feeds and gzip given as pages leave DIR unchanged" "$T/before" "$T/after"

head -c 100000 "$SAMPLE" >"$T/cut.html"
expect_exit "page cut short: exit 65" 65 "$UNPLANET" -o "$D" "$T/cut.html"
expect_grep "page cut short names the line" "$T/err" "cut.html:[0-9]+: post has no date line"
# ...of the post left unfinished, not of the first post.
got=$(sed -n 's/.*cut\.html:\([0-9]*\):.*/\1/p' "$T/err")
last=$(grep -n '</a></h4>' "$T/cut.html" | tail -1 | cut -d: -f1)
[ -n "$got" ] && [ "$got" -ge "$last" ] && ok "page cut short names the unfinished post's line" ||
	not_ok "page cut short names the unfinished post's line: $got, the last post starts on $last"
snapshot "$D" >"$T/after"
expect_same "page cut short leaves DIR unchanged" "$T/before" "$T/after"
# ...right after a post's date line: whole posts, but no sidebar or
# </body> after them (a download that stopped there).
line=$(grep -n '</a></em>' "$SAMPLE" | sed -n 3p | cut -d: -f1)
head -n "$((line + 1))" "$SAMPLE" >"$T/cut-after-date.html"
expect_exit "page cut short after a date line: exit 65" 65 "$UNPLANET" -o "$D" "$T/cut-after-date.html"
expect_grep "...naming that line as where it was cut" "$T/err" "cut-after-date.html:$line: page cut short after this date line"
snapshot "$D" >"$T/after"
expect_same "...and leaves DIR unchanged" "$T/before" "$T/after"
# ...but one that ends there with </html>, its optional </body> left out,
# is whole.
printf '</div>\n</html>\n' >>"$T/cut-after-date.html"
expect_exit "a page with </html> but no </body> after its posts: exit 0" 0 "$UNPLANET" --dump "$T/cut-after-date.html"
# A title over the 64 KiB a header or title may take, below the first
# post: the message names the limit, as it cannot tell which it was.
long=$(head -c 70000 /dev/zero | tr '\0' T)
awk -v long="$long" '/<h4><a href=/ && ++n == 3 { sub(/">[^<]*<\/a><\/h4>/, "\">" long "</a></h4>") } { print }' \
	"$SAMPLE" >"$T/long-title.html"
expect_exit "a title over 64 KiB below the first post: exit 65" 65 "$UNPLANET" -o "$D" "$T/long-title.html"
expect_grep "...a message that names the limit" "$T/err" "long-title.html:[0-9]+: .* over 64 KiB"

# Too few file descriptors (ulimit -n) is no fault of the folder or of
# its files: 70, not 73 ("cannot write there") or 65 ("corrupt"), and
# nothing changed. Where the run runs out depends on the limit: each that
# fails must say so. (Descriptors the caller left open are closed first:
# the limits count from 3.)
fds_bad="" fds_failed=0
few_fds="exec 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&-; ulimit -n"
for n in 4 5 6 7; do
	rm -rf "$T/fds"
	sh -c "$few_fds $n; exec '$UNPLANET' -o '$T/fds' '$SAMPLE'" >/dev/null 2>"$T/err"
	st=$?
	sh -c "$few_fds $n; exec '$UNPLANET' --force -o '$D' '$SAMPLE'" >/dev/null 2>"$T/err2"
	st2=$?
	snapshot "$D" >"$T/after"
	[ "$st" = 70 ] && fds_failed=$((fds_failed + 1))
	{ [ "$st" = 0 ] || { [ "$st" = 70 ] && grep -q 'Too many open files' "$T/err" && [ ! -e "$T/fds" ]; }; } &&
		{ [ "$st2" = 0 ] || { [ "$st2" = 70 ] && grep -q 'Too many open files' "$T/err2"; }; } &&
		cmp -s "$T/before" "$T/after" || fds_bad="$fds_bad -n $n: exit $st/$st2 $(head -c 200 "$T/err" "$T/err2" | tr '\n' ' ');"
done
[ -z "$fds_bad" ] && [ "$fds_failed" -gt 0 ] && ok "too few file descriptors: exit 70 saying so, no folder made, DIR unchanged" ||
	not_ok "too few file descriptors: exit 70 saying so, no folder made, DIR unchanged: $fds_failed failed;$fds_bad"

: >"$T/empty.html"
expect_exit "empty input: exit 65" 65 "$UNPLANET" -o "$D" "$T/empty.html"

# A full disk part way through writing (a file size limit stands in for
# it: writes past 10 KiB fail with EFBIG): exit 74 naming the file, and the
# new folder is gone again.
rm -rf "$T/full"
expect_exit "a write that fails part way: exit 74" 74 \
	sh -c "trap '' XFSZ; ulimit -f 20; exec '$UNPLANET' -o '$T/full' '$SAMPLE'"
expect_grep "a write that fails part way is named" "$T/err" "$T/full/.*: cannot write: File too large"
snapshot "$T/full" >"$T/after"
echo absent >"$T/before-full"
expect_same "a write that fails part way leaves no folder behind" "$T/before-full" "$T/after"
# Files are written on the threads at once: the one named is the first in
# order that failed, as on one thread.
for j in 1 4; do
	rm -rf "$T/full"
	sh -c "trap '' XFSZ; ulimit -f 20; exec '$UNPLANET' -j $j -o '$T/full' '$SAMPLE'" 2>"$T/err-j$j"
	echo "exit $?" >>"$T/err-j$j"
done
expect_same "a write that fails part way: the same file named on one thread and on four" "$T/err-j1" "$T/err-j4"

# A closed standard input is not taken for the first file opened (the
# output folder): reading '-' fails as it should.
rm -rf "$T/closed"
expect_exit "'-' with standard input closed: exit 66" 66 sh -c "exec '$UNPLANET' -o '$T/closed' - <&-"
expect_grep "'-' with standard input closed is named" "$T/err" "<stdin>: cannot read: Bad file descriptor"

expect_exit "DIR is a file: exit 73" 73 "$UNPLANET" -o "$SAMPLE" "$SAMPLE"
expect_grep "DIR is a file is named" "$T/err" "planetpython-2026-04-29.html: cannot write to output folder"
expect_exit "DIR's parent missing: exit 73" 73 "$UNPLANET" -o "$T/no/such/dir" "$SAMPLE"
expect_grep "DIR's parent missing is named" "$T/err" "no/such/dir: cannot create output folder"

# authors/ exists but is a file: nothing may be written anywhere.
mkdir -p "$T/blocked" && : >"$T/blocked/authors" && echo keep >"$T/blocked/index.txt"
snapshot "$T/blocked" >"$T/before"
expect_exit "authors/ is a file: exit 73" 73 "$UNPLANET" -o "$T/blocked" "$SAMPLE"
snapshot "$T/blocked" >"$T/after"
expect_same "authors/ is a file leaves DIR unchanged" "$T/before" "$T/after"

# A stylesheet that fails half way through the feeds.
cat >"$T/fails.xsl" <<'XSL'
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:template match="/feed">
    <xsl:if test="@slug = 'real-python'"><xsl:message terminate="yes">no Real Python here</xsl:message></xsl:if>
    <x/>
  </xsl:template>
</xsl:stylesheet>
XSL
snapshot "$D" >"$T/before"
expect_exit "stylesheet failing at run time: exit 70" 70 "$UNPLANET" -o "$D" -s "$T/fails.xsl" "$T/changed.html"
expect_grep "failing stylesheet is named" "$T/err" "fails.xsl: stylesheet failed on authors/real-python.fails"
expect_grep "...with the line of the xsl:message that stopped it" "$T/err" "no Real Python here \\(line 3, xsl:message\\)\$"
snapshot "$D" >"$T/after"
expect_same "failing stylesheet leaves DIR unchanged" "$T/before" "$T/after"

# ...and after saying much on the way (its start and end are quoted).
sed 's|<xsl:if test="@slug = .real-python.">|<xsl:message>progress: <xsl:value-of select="str:padding(5000, \x27.\x27)"/></xsl:message>&|; s|<xsl:stylesheet |<xsl:stylesheet xmlns:str="http://exslt.org/strings" |' "$T/fails.xsl" >"$T/talks.xsl"
expect_exit "stylesheet failing after 5 KB of messages: exit 70" 70 "$UNPLANET" -o "$D" -s "$T/talks.xsl" "$T/changed.html"
expect_grep "...its reason quoted, after the start of what it said" "$T/err" "talks.xsl: stylesheet failed on authors/[a-z-]+\.talks: progress: \.\.\..*….*no Real Python here"

# ...and one that stops with nothing to say still says why.
sed 's|no Real Python here||' "$T/fails.xsl" >"$T/mute.xsl"
expect_exit "stylesheet stopping with an empty message: exit 70" 70 "$UNPLANET" -o "$D" -s "$T/mute.xsl" "$T/changed.html"
expect_grep "...and the message says there was no reason" "$T/err" "mute.xsl: stylesheet failed on authors/[a-z-]+\.mute: no reason given \\(line 3, xsl:message\\)\$"

# ...its line too when what it says is made, over several lines.
cat >"$T/says-slug.xsl" <<'XSL'
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:template match="/feed">
    <xsl:message terminate="yes">no feed
      <xsl:value-of select="@slug"/> here
    </xsl:message>
  </xsl:template>
</xsl:stylesheet>
XSL
expect_exit "stylesheet stopping with a message it makes: exit 70" 70 "$UNPLANET" -o "$D" -s "$T/says-slug.xsl" "$T/changed.html"
expect_grep "...said with the line of its xsl:message" "$T/err" \
	"says-slug.xsl: stylesheet failed on authors/[a-z-]+\\.says-slug: no feed.* [a-z-]+ here \\(line 3, xsl:message\\)\$"

# ...in an imported file, that file's line; a message that only talks,
# in which libxslt finds an error, none (libxslt's error says where).
cat >"$T/part.xsl" <<'XSL'
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:template match="/">
    <xsl:message terminate="yes">stopped in part</xsl:message>
  </xsl:template>
</xsl:stylesheet>
XSL
printf '<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
<xsl:import href="part.xsl"/></xsl:stylesheet>\n' >"$T/whole.xsl"
expect_exit "stylesheet stopping in a file it imports: exit 70" 70 "$UNPLANET" -o "$D" -s "$T/whole.xsl" "$T/changed.html"
expect_grep "...said with that file's name and line" "$T/err" \
	"whole.xsl: stylesheet failed on authors/[a-z-]+\\.whole: stopped in part \\(.*part.xsl line 3, xsl:message\\)\$"
cat >"$T/talks-wrong.xsl" <<'XSL'
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:template match="/">
    <xsl:message>count: <xsl:value-of select="count(feed/entry, 1)"/></xsl:message>
  </xsl:template>
</xsl:stylesheet>
XSL
expect_exit "stylesheet failing in a message that only talks: exit 70" 70 "$UNPLANET" -o "$D" -s "$T/talks-wrong.xsl" "$T/changed.html"
expect_grep "...said as libxslt says it, where included, and no line of ours" "$T/err" \
	"talks-wrong.xsl: stylesheet failed on authors/[a-z-]+\\.talks-wrong: .*file .*talks-wrong.xsl line 3 element value-of: .*count:\$"

# A template that calls itself for ever: libxslt's depth limit, said
# without its advice to use xsltproc's --maxdepth, an option unplanet has not.
cat >"$T/loops.xsl" <<'XSL'
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:template name="r"><xsl:call-template name="r"/></xsl:template>
  <xsl:template match="/"><xsl:call-template name="r"/></xsl:template>
</xsl:stylesheet>
XSL
expect_exit "stylesheet recursing without end: exit 70" 70 "$UNPLANET" -o "$D" -s "$T/loops.xsl" "$T/changed.html"
expect_grep "...said with its file and line" "$T/err" \
	"loops.xsl: stylesheet failed on authors/[a-z-]+\\.loops: runtime error: file .*loops.xsl line 2 element call-template: .*infinite template recursion was detected\\.\$"
expect_no_grep "...and no advice to use an option of xsltproc's" "$T/err" "maxdepth"

# A format's files do not depend on the others: xsl:strip-space in one
# strips its own copy of the document, not the one the next format reads.
# (tests/data/strips.xsl counts the text nodes it sees.)
cp tests/data/strips.xsl "$T/strips.xsl"
sed '/strip-space/d' "$T/strips.xsl" >"$T/texts.xsl"
rm -rf "$T/alone" "$T/beside"
"$UNPLANET" -o "$T/alone" -s "$T/texts.xsl" "$SAMPLE" &&
	"$UNPLANET" -o "$T/beside" -s "$T/strips.xsl" -s "$T/texts.xsl" "$SAMPLE" &&
	"$UNPLANET" -o "$T/beside" -s "$T/strips.xsl" -s "$T/texts.xsl" "$SAMPLE" --force
expect_same "a format's files are the same beside a format with xsl:strip-space" \
	"$T/alone/authors/pypy.texts" "$T/beside/authors/pypy.texts"
cmp -s "$T/beside/authors/pypy.strips" "$T/beside/authors/pypy.texts" &&
	not_ok "...which strips its own copy: its counts differ" || ok "...which strips its own copy: its counts differ"

# libxslt compiles a misspelt instruction to nothing, with a warning
# only: the user sees it, as with xsltproc; cron (-q) does not.
cat >"$T/typo.xsl" <<'XSL'
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:output method="text"/>
  <xsl:template match="/feed"><xsl:vlaue-of select="title"/></xsl:template>
</xsl:stylesheet>
XSL
rm -rf "$T/typo"
expect_exit "stylesheet with a misspelt instruction: exit 0" 0 "$UNPLANET" -o "$T/typo" -s "$T/typo.xsl" "$SAMPLE"
expect_grep "...with a warning naming the file, line and instruction" "$T/err" \
	"^unplanet: warning: $T/typo.xsl: compilation error: file .*typo.xsl line 3 element vlaue-of: .*unknown xsl:vlaue-of\$"
# libxslt says where before each thing it says, on a line of its own: one
# line, each where said once, then what.
cat >"$T/writes.xsl" <<'XSL'
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:exsl="http://exslt.org/common" extension-element-prefixes="exsl">
  <xsl:template match="/"><exsl:document href="written.txt" method="text">x</exsl:document></xsl:template>
</xsl:stylesheet>
XSL
expect_exit "stylesheet writing a file: exit 70" 70 "$UNPLANET" -o "$T/typo" -s "$T/writes.xsl" "$SAMPLE"
expect_grep "...with libxslt's reasons on one line, where it stopped said once" "$T/err" \
	"^unplanet: $T/writes.xsl: stylesheet failed on authors/[a-z-]+\\.writes: runtime error: file .*writes.xsl line 3 element document: File write for [^;]*written.txt refused; xsltDocumentElem: write rights for [^;]*written.txt denied\$"
printf '<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
<xsl:import href="typo.xsl"/></xsl:stylesheet>\n' >"$T/imports-typo.xsl"
expect_exit "stylesheet importing one with a misspelt instruction: exit 0" 0 \
	"$UNPLANET" -o "$T/typo" -s "$T/imports-typo.xsl" "$SAMPLE"
expect_grep "...with the warning, under the name of the one given" "$T/err" \
	"^unplanet: warning: $T/imports-typo.xsl: compilation error: file .*typo.xsl line 3 element vlaue-of"
# libxslt counts no warning for this one, but says it.
cat >"$T/attrset.xsl" <<'XSL'
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:attribute-set name="a"><xsl:atribute name="x">1</xsl:atribute></xsl:attribute-set>
  <xsl:template match="/feed"><r xsl:use-attribute-sets="a"/></xsl:template>
</xsl:stylesheet>
XSL
expect_exit "stylesheet with a misspelt instruction in an attribute set: exit 0" 0 \
	"$UNPLANET" -o "$T/typo" -s "$T/attrset.xsl" "$SAMPLE"
expect_grep "...with the warning" "$T/err" "^unplanet: warning: $T/attrset.xsl: .*unexpected child xsl:atribute"
expect_exit "...run again with -q: exit 0" 0 "$UNPLANET" -q -o "$T/typo" -s "$T/typo.xsl" "$SAMPLE"
expect_empty "...and -q prints nothing" "$T/err"
expect_exit "the built-in stylesheets: exit 0" 0 "$UNPLANET" -o "$T/typo" "$SAMPLE"
expect_empty "...and libxslt warns of nothing in them" "$T/err"

# What a stylesheet says while making files (xsl:message, a document()
# that does not load) is shown once, for the first file: a misspelt path
# would otherwise just make empty files.
cat >"$T/says.xsl" <<'XSL'
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform" xmlns:str="http://exslt.org/strings">
  <xsl:output method="text"/>
  <xsl:template match="/feed"><xsl:message>making <xsl:value-of select="title"/>
    <xsl:value-of select="str:decode-uri('%1B[31mred')"/></xsl:message>
    <xsl:value-of select="document('no-such-lookup.xml')"/>.</xsl:template>
</xsl:stylesheet>
XSL
rm -rf "$T/says"
expect_exit "stylesheet saying something while making files: exit 0" 0 "$UNPLANET" -o "$T/says" -s "$T/says.xsl" "$SAMPLE"
expect_grep "...shown, naming the stylesheet, the file and the document not loaded" "$T/err" \
	"^unplanet: warning: $T/says.xsl: making authors/[a-z0-9-]+\.says: making .*no-such-lookup\.xml"
if [ "$(wc -l <"$T/err")" -eq 1 ]; then ok "...once, not for every file"; else not_ok "...once, not for every file"; fi
expect_grep "...with a control character it quotes as '?'" "$T/err" "\\?\\[31mred"
expect_no_grep "...and no ESC reaches the terminal" "$T/err" "$(printf '\033')"
rm -rf "$T/says"
expect_exit "...run again with -q: exit 0" 0 "$UNPLANET" -q -o "$T/says" -s "$T/says.xsl" "$SAMPLE"
expect_empty "...and -q prints nothing" "$T/err"

printf '<not-xslt/>\n' >"$T/bogus.xsl"
expect_exit "not a stylesheet: exit 64" 64 "$UNPLANET" -o "$D" -s "$T/bogus.xsl" "$SAMPLE"
expect_grep "not a stylesheet is named" "$T/err" "bogus.xsl: not a usable XSLT stylesheet"
printf '<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
<xsl:template match="/"><p></xsl:template>
</xsl:stylesheet>\n' >"$T/malformed.xsl"
expect_exit "malformed stylesheet: exit 64" 64 "$UNPLANET" -o "$D" -s "$T/malformed.xsl" "$SAMPLE"
expect_grep "...saying FILE:LINE: what, with no source line and caret" "$T/err" \
	"^unplanet: $T/malformed.xsl: not an XML stylesheet: $T/malformed.xsl:2: Opening and ending tag mismatch: p line 2 and xsl:template; $T/malformed.xsl:3: [^^]*\$"
: >"$T/empty.xsl"
expect_exit "an empty stylesheet: exit 64" 64 "$UNPLANET" -o "$D" -s "$T/empty.xsl" "$SAMPLE"
expect_grep "...saying so" "$T/err" "^unplanet: $T/empty.xsl: not an XML stylesheet: the file is empty\$"
gzip -c xslt/atom.xsl >"$T/packed.xsl"
expect_exit "a gzip-compressed stylesheet: exit 64" 64 "$UNPLANET" -o "$D" -s "$T/packed.xsl" "$SAMPLE"
expect_grep "...saying so" "$T/err" "^unplanet: $T/packed.xsl: not an XML stylesheet: compressed with gzip \(decompress it first\)\$"
expect_exit "a config file given as SOURCE (-c forgotten): exit 65" 65 "$UNPLANET" -o "$T/host" samples/unplanet.ini
expect_grep "...saying so" "$T/err" "^unplanet: samples/unplanet.ini: no Planet posts found: this is an unplanet config file; give it with -c"
expect_exit "a host name given as SOURCE: exit 66" 66 "$UNPLANET" -o "$T/host" planetpython.org
expect_grep "...suggesting its URL" "$T/err" "planetpython.org: no such file \(for the web page, give its URL: https://planetpython.org/\)"
expect_exit "a host name and path given as SOURCE: exit 66" 66 "$UNPLANET" -o "$T/host" www.planetpython.org/
expect_grep "...suggesting its URL" "$T/err" "www.planetpython.org/: no such file \(for the web page, give its URL: https://www.planetpython.org/\)"
expect_exit "a host, port and path given as SOURCE: exit 66" 66 "$UNPLANET" -o "$T/host" 127.0.0.1:8080/planet
expect_grep "...suggesting its URL, http for a local server" "$T/err" "127.0.0.1:8080/planet: no such file \(for the web page, give its URL: http://127.0.0.1:8080/planet\)"
expect_exit "localhost, a port and an HTML file given as SOURCE: exit 66" 66 "$UNPLANET" -o "$T/host" localhost:8000/planet.html
expect_grep "...suggesting its URL" "$T/err" "localhost:8000/planet.html: no such file \(for the web page, give its URL: http://localhost:8000/planet.html\)"
expect_exit "a missing HTML file in a folder named like a host: exit 66" 66 "$UNPLANET" -o "$T/host" site.old/index.html
expect_grep "...no URL suggested" "$T/err" "site.old/index.html: cannot open: No such file or directory\$"
expect_exit "localhost and a port given as SOURCE: exit 66" 66 "$UNPLANET" -o "$T/host" LocalHost:8080
expect_grep "...suggesting its URL" "$T/err" "LocalHost:8080: no such file \(for the web page, give its URL: http://LocalHost:8080/\)"
expect_exit "a missing file named like a time: exit 66" 66 "$UNPLANET" -o "$T/host" notes:12
expect_grep "...no URL suggested (a port after no host)" "$T/err" "notes:12: cannot open: No such file or directory\$"
expect_exit "a missing file named with a line number: exit 66" 66 "$UNPLANET" -o "$T/host" notes.md:3
expect_grep "...no URL suggested (a port has two digits or more)" "$T/err" "notes.md:3: cannot open: No such file or directory\$"
# A top-level domain has two letters or more: "notes.c" is a file name.
expect_exit "a missing file named like notes.c: exit 66" 66 "$UNPLANET" -o "$T/host" notes.c
expect_grep "...no URL suggested (one letter after the dot is no host's)" "$T/err" "notes.c: cannot open: No such file or directory\$"
expect_exit "a missing file in a folder: exit 66" 66 "$UNPLANET" -o "$T/host" samples.d/gone.html
expect_grep "...saying no more than that" "$T/err" "samples.d/gone.html: cannot open: No such file or directory\$"
expect_exit "a URL missing a slash, taken for a file: exit 66" 66 "$UNPLANET" -o "$T/host" http:/planetpython.org/
expect_grep "...saying what a URL starts with" "$T/err" "http:/planetpython.org/: no such file \(a URL starts with http:// or https://\)"
expect_exit "an empty page: exit 65" 65 sh -c '"$1" -o "$2" - </dev/null' sh "$UNPLANET" "$T/empty"
expect_grep "...saying it is empty" "$T/err" "<stdin>: is empty, not a page"
expect_exit "stylesheet missing: exit 66" 66 "$UNPLANET" -o "$D" -s "$T/none.xsl" "$SAMPLE"
printf '<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
<xsl:import href="gone.xsl"/></xsl:stylesheet>\n' >"$T/imports.xsl"
expect_exit "stylesheet importing a missing one: exit 66" 66 "$UNPLANET" -o "$D" -s "$T/imports.xsl" "$SAMPLE"
expect_grep "...naming both" "$T/err" "imports.xsl: cannot read a stylesheet it imports or includes: .*gone.xsl"
printf '<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
<xsl:import href="broken.xsl"/></xsl:stylesheet>\n' >"$T/imports-broken.xsl"
printf '<xsl:stylesheet version="1.0"\n' >"$T/broken.xsl"
expect_exit "stylesheet importing one that is there but broken: exit 64, as that one given itself" 64 \
	"$UNPLANET" -o "$D" -s "$T/imports-broken.xsl" "$SAMPLE"
cp "$T/imports-broken.xsl" "$T/broken.xsl" "$T/my xslt/"
expect_exit "...also in a folder with a space (libxml2 escapes it in the import's URI)" 64 \
	"$UNPLANET" -o "$D" -s "$T/my xslt/imports-broken.xsl" "$SAMPLE"
expect_grep "...saying it is not usable" "$T/err" "imports-broken.xsl: not a usable XSLT stylesheet: "
mkdir -p "$T/folder.xsl"
expect_exit "stylesheet that is a folder: exit 66" 66 "$UNPLANET" -o "$D" -s "$T/folder.xsl" "$SAMPLE"
expect_grep "...in one message" "$T/err" "^unplanet: $T/folder.xsl: is not a file, so not a stylesheet\$"
rm -f "$T/fifo.xsl" && mkfifo "$T/fifo.xsl"
expect_exit "stylesheet that is a FIFO: exit 66, without waiting for a writer" 66 \
	timeout 60 "$UNPLANET" -o "$D" -s "$T/fifo.xsl" "$SAMPLE"
expect_grep "...in one message" "$T/err" "^unplanet: $T/fifo.xsl: is not a file, so not a stylesheet\$"
cp "$T/titles.xsl" "$T/Bad.Name.xsl"
expect_exit "stylesheet name unfit for an extension: exit 64" 64 "$UNPLANET" -o "$D" -s "$T/Bad.Name.xsl" "$SAMPLE"
long=abcdefghijklmnopqrstuvwxyz0123456
cp "$T/titles.xsl" "$T/$long.xsl"
expect_exit "stylesheet name over 32 characters (file names must stay short): exit 64" 64 \
	"$UNPLANET" -o "$D" -s "$T/$long.xsl" "$SAMPLE"
expect_grep "stylesheet name over 32 characters is named" "$T/err" "$long.xsl: .*at most 32"
cp "$T/titles.xsl" "$T/atom.xsl"
expect_exit "stylesheet clashing with a built-in format: exit 64" 64 "$UNPLANET" -o "$D" -s "$T/atom.xsl" "$SAMPLE"
expect_grep "...named, with the built-in it clashes with" "$T/err" "atom.xsl: a format named \"atom\" is already written by the built-in atom.xsl"
# --dump loads no stylesheet, but refuses the names a run would refuse.
expect_exit "--dump: a stylesheet clashing with a built-in format: exit 64" 64 "$UNPLANET" --dump -s "$T/atom.xsl" "$SAMPLE"
expect_exit "--dump: two stylesheets of one name: exit 64" 64 "$UNPLANET" --dump -s a/tsv.xsl -s b/tsv.xsl "$SAMPLE"
expect_grep "...the second named, with the first" "$T/err" "^unplanet: b/tsv.xsl: a format named \"tsv\" is already written by a/tsv.xsl\$"
expect_exit "--dump: one stylesheet given twice: exit 64" 64 "$UNPLANET" --dump -s a/tsv.xsl -s a/tsv.xsl "$SAMPLE"
expect_grep "...saying so, not that it clashes with itself" "$T/err" "^unplanet: a/tsv.xsl: stylesheet given twice\$"
printf '[unplanet]\nstylesheet = ../xs/json.xsl\n' >"$T/clash.ini"
expect_exit "--dump: a file's stylesheet clashing with a built-in format: exit 78" 78 "$UNPLANET" --dump -c "$T/clash.ini" "$SAMPLE"
expect_grep "...with its FILE:LINE" "$T/err" "^unplanet: $T/clash.ini:2: ../xs/json.xsl: a format named"
snapshot "$D" >"$T/after"
expect_same "stylesheet errors leave DIR unchanged" "$T/before" "$T/after"

# A folder where a feed file goes: found before any file is replaced.
rm -rf "$T/infolder" && cp -r "$D" "$T/infolder"
rm "$T/infolder/authors/real-python.atom" && mkdir "$T/infolder/authors/real-python.atom"
snapshot "$T/infolder" >"$T/before"
expect_exit "a folder where a feed goes: exit 73" 73 "$UNPLANET" -o "$T/infolder" "$T/changed.html"
expect_grep "a folder where a feed goes is named" "$T/err" "authors/real-python.atom: cannot replace: it is a folder"
snapshot "$T/infolder" >"$T/after"
expect_same "a folder where a feed goes: no other file replaced" "$T/before" "$T/after"

# --base-url must be a URL that "/authors/SLUG.atom" can follow.
for bad in 'http://' 'https://example.org/f?x=1' 'https://example.org/feeds#top' \
    'https://example.org/a b/' 'https://example.org:65536/' 'https://example.org:4294967376/' \
    'https://example.org:0/' 'https://example.org:00/' 'https://example.org:/' 'https://example.org/café/' \
    'https://user:secret@example.org/'; do
	expect_exit "--base-url '$bad' is a usage error" 64 "$UNPLANET" --dump -b "$bad" "$SAMPLE"
done
expect_no_grep "--base-url with a password: the message does not show it" "$T/err" secret
expect_grep "...and says why" "$T/err" 'not quoted here, as it may hold a password: it holds a user:password'
# Each names what is wrong with it, not only every rule.
why_bad=
while IFS='|' read -r bad why; do
	"$UNPLANET" --dump -b "$bad" "$SAMPLE" >/dev/null 2>"$T/err"
	grep -qF "'$bad': $why" "$T/err" || why_bad="$why_bad $bad: $(head -c 300 "$T/err");"
done <<'EOF'
https://bücher.example/|it holds a character a URL may not hold
https://example.org/./x/|it holds a '.' or '..' folder
https://example.org/?|it holds a query ('?')
https://example.org/#top|it holds a fragment ('#')
feeds.example.org|it does not start with http:// or https://
http:/feeds.example.org/|it names no host after a "//"
https://example.org:0/|its port is not from 1 to 65535
https://example.org:/|its port is not from 1 to 65535
https://example.org:99999999999999999999/|its port is not from 1 to 65535
https://example.org:abc/|its port is not from 1 to 65535
https://example.org/a b/|it holds white space
EOF
[ -z "$why_bad" ] && ok "--base-url: the message names what is wrong with it" ||
	not_ok "--base-url: the message names what is wrong with it:$why_bad"
expect_exit "--base-url scheme in capitals" 0 "$UNPLANET" --dump -b HTTPS://FEEDS.EXAMPLE.ORG/x "$SAMPLE"
# Ids are made from it: one address spelt two ways gives the same ids.
expect_exit "--base-url spelt otherwise" 0 "$UNPLANET" --dump -b HTTPS://Feeds.Example.ORG:443/Planet/ "$SAMPLE"
expect_grep "--base-url: scheme and host in lower case, the default port dropped, the path kept" "$T/out" \
    '<url>https://feeds.example.org/Planet/authors/pypy</url>'
expect_exit "--base-url with http's default port" 0 "$UNPLANET" --dump -b http://f.example:80 "$SAMPLE"
expect_grep "--base-url: :80 dropped for http" "$T/out" '<url>http://f.example/authors/pypy</url>'
expect_exit "--base-url with another port" 0 "$UNPLANET" --dump -b https://f.example:80/ "$SAMPLE"
expect_grep "--base-url: another port kept" "$T/out" '<url>https://f.example:80/authors/pypy</url>'
expect_exit "--base-url with a port in leading zeros" 0 "$UNPLANET" --dump -b https://f.example:00443/ "$SAMPLE"
expect_grep "--base-url: leading zeros, then the default port dropped" "$T/out" '<url>https://f.example/authors/pypy</url>'
expect_exit "--base-url with another port in leading zeros" 0 "$UNPLANET" --dump -b http://f.example:08080 "$SAMPLE"
expect_grep "--base-url: leading zeros dropped, the port kept" "$T/out" '<url>http://f.example:8080/authors/pypy</url>'
expect_exit "--base-url with a port in more than 5 digits, leading zeros" 0 "$UNPLANET" --dump -b http://f.example:0000008080/ "$SAMPLE"
expect_grep "--base-url: those zeros dropped too" "$T/out" '<url>http://f.example:8080/authors/pypy</url>'
expect_exit "--base-url with 65535 after a leading zero" 0 "$UNPLANET" --dump -b https://f.example:065535/ "$SAMPLE"
expect_exit "--base-url with a port of zeros only" 64 "$UNPLANET" --dump -b https://f.example:000000/ "$SAMPLE"
expect_exit "--base-url with 65536 after leading zeros" 64 "$UNPLANET" --dump -b https://f.example:0065536/ "$SAMPLE"
expect_exit "--base-url with an IPv6 host" 0 "$UNPLANET" --dump -b 'http://[::1]:8080/f/' "$SAMPLE"
expect_exit "--base-url with the highest port" 0 "$UNPLANET" --dump -b 'https://f.example:65535/' "$SAMPLE"
# A browser reads the page's title as text: its markup is no tag.
sed 's|<title>Planet Python</title>|<title>Planet <Dev> \&amp; "Co"</title>|' "$SAMPLE" > "$T/title.html"
expect_exit "a page title holding markup" 0 "$UNPLANET" --dump "$T/title.html"
expect_grep "...keeps it as text" "$T/out" '<title>Planet &lt;Dev&gt; &amp; "Co"</title>'
# An id holds no dot-segment (RFC 4287 4.2.6.1), "%2E" being a dot.
expect_exit "--base-url with a '..' folder" 64 "$UNPLANET" --dump -b 'https://f.example/a/x/../' "$SAMPLE"
expect_grep "...is refused, saying so" "$T/err" "no query, fragment, user:password, '\.' or '\.\.' folder"
expect_exit "--base-url with a '.' folder" 64 "$UNPLANET" --dump -b 'https://f.example/./a' "$SAMPLE"
expect_exit "--base-url with a '%2E%2e' folder" 64 "$UNPLANET" --dump -b 'https://f.example/a/%2E%2e' "$SAMPLE"
expect_exit "--base-url with dots inside folder names" 0 "$UNPLANET" --dump -b 'https://f.example/.a/b../.../' "$SAMPLE"

# File and folder names are bytes, not text: only feeds need UTF-8.
latin=$(printf 'caf\351')
cp "$SAMPLE" "$T/$latin.html"
expect_exit "a file name that is not UTF-8" 0 "$UNPLANET" -o "$T/out-$latin" "$T/$latin.html"
[ -f "$T/out-$latin/index.html" ] && ok "a folder name that is not UTF-8" || not_ok "a folder name that is not UTF-8"
expect_exit "a URL that is not UTF-8 is a usage error" 64 "$UNPLANET" --dump "http://127.0.0.1:1/$latin"
# Text that reaches feeds holds no control character, DEL or C1 (readers
# show them as junk), and the message says which, not "not UTF-8".
expect_exit "a topic name with DEL is a usage error" 64 "$UNPLANET" --dump -t "$(printf 'A\177B=python')" "$SAMPLE"
expect_grep "...naming the character" "$T/err" "--topic: the value holds a control character \(U\+007F\)"
expect_exit "a topic name with a C1 control is a usage error" 64 "$UNPLANET" --dump -t "$(printf 'A\302\205B=python')" "$SAMPLE"
expect_grep "...naming the character" "$T/err" "--topic: the value holds a control character \(U\+0085\)"
expect_exit "a topic name that is not UTF-8 is a usage error" 64 "$UNPLANET" --dump -t "A${latin}B=python" "$SAMPLE"
expect_grep "...saying so" "$T/err" "--topic: the value is not valid UTF-8 text$"
expect_exit "a topic name with a noncharacter is a usage error" 64 "$UNPLANET" --dump -t "$(printf 'A\357\267\220B=python')" "$SAMPLE"
expect_grep "...naming it a noncharacter, not bad UTF-8" "$T/err" "--topic: the value holds a noncharacter"
printf '[unplanet]\noutput = %s/out\357\267\220\n' "$T" >"$T/nonchar-path.ini"
expect_exit "a folder name with a noncharacter in a configuration file is taken (file names may be any text)" 0 \
	"$UNPLANET" -c "$T/nonchar-path.ini" --dump "$SAMPLE"
expect_exit "a topic name of a zero-width space is a usage error" 64 "$UNPLANET" --dump -t "$(printf '\342\200\213=python')" "$SAMPLE"
expect_grep "...saying it shows nothing" "$T/err" "a topic's name must show"

# Small Planet pages, as the template writes them: one day, one source
# (Bob), then posts. post LINK TITLE BODY FOOTER-LINK TIME (no title when
# LINK is empty).
page_open() {
	printf '<html><body><div id="body-main">\n<h2>April 28, 2026</h2>\n'
	printf '<hr /><h3 class="post"><a href="https://bob.example/" title="Bob">Bob</a></h3>\n'
}
page_close() {
	printf '</div>\n<div id="left-hand-navigation"></div>\n</body></html>\n'
}
post() {
	[ -n "$1" ] && printf '<h4><a href="%s">%s</a></h4>\n' "$1" "$2"
	printf '<p>\n%s\n</p>\n<p>\n<em><a href="%s">April 28, 2026 %s UTC</a></em>\n</p>\n' "$3" "$4" "$5"
}

# The Planet's name comes from the page's <title>, also on a template with
# no body-main div, and never from a <title> inside a post (an SVG's).
# bare_page HEAD BODY: one post of Bob's, with no body-main div.
bare_page() {
	printf '<html>%s<body>\n<h2>April 28, 2026</h2>\n' "$1"
	printf '<hr /><h3 class="post"><a href="https://bob.example/" title="Bob">Bob</a></h3>\n'
	post https://bob.example/1 One "$2" https://bob.example/1 '11:00 AM'
	printf '</body></html>\n'
}
bare_page '<head><title>Planet Test</title></head>' 'First.' >"$T/nobodymain.html"
expect_exit "a page with no body-main div converts" 0 "$UNPLANET" --dump "$T/nobodymain.html"
expect_grep "a page with no body-main div: the Planet is named by its <title>" "$T/out" '<id>urn:unplanet:planet-test:author:bob</id>'
bare_page '' '<svg><title>Chart</title></svg> First.' >"$T/svgtitle.html"
expect_exit "a page with no <title> converts" 0 "$UNPLANET" --dump "$T/svgtitle.html"
expect_grep "a page with no <title> is not named by an SVG's <title> in a post" "$T/out" '<id>urn:unplanet:planet:author:bob</id>'

# Relative links in a post: against a permalink libxml2 cannot parse as
# it is (a space), and against the source's site when the post has no
# usable permalink; nothing is left relative.
{
	page_open
	post "https://bob.example/a b/post.html" "Spaced" '<a href="../up.html">up</a> <img src="my pic.png">' \
	    "https://bob.example/a b/post.html" "09:00 AM"
	post "" "" 'No permalink: <a href="/root.html">r</a>' "javascript:alert(1)" "08:00 AM"
	page_close
} >"$T/relative.html"
expect_exit "relative links: page converts" 0 "$UNPLANET" --dump "$T/relative.html"
expect_grep "relative links: against a permalink with a space" "$T/out" 'href="https://bob.example/up.html"'
expect_grep "relative links: a space in the link is encoded" "$T/out" 'src="https://bob.example/a%20b/my%20pic.png"'
expect_grep "relative links: no permalink, against the source's site" "$T/out" 'href="https://bob.example/root.html"'
{
	page_open
	post "https://bob.example/p" "Escapes" '<a id="x" href="/job/team%2Fapp/">job</a> <a name="x" href="r%00.pdf">r</a>' \
	    "https://bob.example/p" "09:00 AM"
	page_close
} >"$T/escapes.html"
expect_exit "relative links with escapes: page converts" 0 "$UNPLANET" --dump "$T/escapes.html"
expect_grep "relative links: an escaped slash stays escaped" "$T/out" 'href="https://bob.example/job/team%2Fapp/"'
expect_grep "relative links: an escaped NUL cuts nothing short" "$T/out" 'href="https://bob.example/r%00.pdf"'
expect_empty "a post's duplicate ids: libxml2 prints no validity error" "$T/err"

# "by CREATOR at DATE": the creator is all before the " at " that starts a
# date, so a name holding " at " stays whole.
{
	page_open
	printf '<h4><a href="https://bob.example/1">One</a></h4>\n<p>\nx\n</p>\n'
	printf '<p>\n<em><a href="https://bob.example/1">by Ann at Home at April 28, 2026 09:00 AM UTC</a></em>\n</p>\n'
	printf '<h4><a href="https://bob.example/2">Two</a></h4>\n<p>\ny\n</p>\n'
	printf '<p>\n<em><a href="https://bob.example/2">by Bo at April 28, 2026 08:00 AM UTC</a></em>\n</p>\n'
	page_close
} >"$T/creators.html"
expect_exit "creators: page converts" 0 "$UNPLANET" --dump "$T/creators.html"
expect_grep "creators: a name holding ' at ' stays whole" "$T/out" '<creator>Ann at Home</creator>'
expect_grep "creators: ...and its date is read" "$T/out" '<published rfc822="Tue, 28 Apr 2026 09:00:00 GMT">'
expect_grep "creators: a plain one" "$T/out" '<creator>Bo</creator>'

# A title escaped twice upstream is decoded once more, not twice: the page
# shows "&amp;lt;b&amp;gt;", the title is the text "&lt;b&gt;".
{
	page_open
	post "https://bob.example/t" "Renew &amp;amp;lt;b&amp;amp;gt; now" "x" "https://bob.example/t" "09:00 AM"
	page_close
} >"$T/twice.html"
expect_exit "twice-escaped title: page converts" 0 "$UNPLANET" --dump "$T/twice.html"
expect_grep "twice-escaped title: decoded once more, not twice" "$T/out" '<title>Renew &amp;lt;b&amp;gt; now</title>'

# One post two sources carry (a cross-posted permalink): one entry in each
# author feed, and one in a topic that matches it.
{
	page_open
	post "https://shared.example/post" "Shared news" "Cross-posted." "https://shared.example/post" "09:00 AM"
	printf '<hr /><h3 class="post"><a href="https://cat.example/" title="Cat">Cat</a></h3>\n'
	post "https://shared.example/post" "Shared news" "Cross-posted." "https://shared.example/post" "09:00 AM"
	page_close
} >"$T/shared.html"
expect_exit "shared post: page converts" 0 "$UNPLANET" -t 'News=shared news' -o "$T/shared" "$T/shared.html"
n=$(grep -c '<entry>' "$T/shared/topics/news.atom")
[ "$n" = 1 ] && ok "shared post: once in the topic feed" || not_ok "shared post: once in the topic feed: $n entries"
n=$(cat "$T/shared/authors/bob.atom" "$T/shared/authors/cat.atom" | grep -c '<entry>')
[ "$n" = 2 ] && ok "shared post: once in each author feed" || not_ok "shared post: once in each author feed: $n entries"

# Untitled posts without a permalink, one source, one minute: different
# posts stay apart, a copy of one is one entry.
{
	page_open
	post "" "" "First status." "" "10:00 AM"
	post "" "" "Second, different status." "" "10:00 AM"
	post "" "" "First status." "" "10:00 AM"
	page_close
} >"$T/same-minute.html"
expect_exit "same-minute untitled posts: page converts" 0 "$UNPLANET" --dump "$T/same-minute.html"
n=$(grep -c '<entry' "$T/out")
[ "$n" = 2 ] && ok "same-minute untitled posts: two different posts, two entries" ||
	not_ok "same-minute untitled posts: two different posts, two entries: $n"
expect_grep "same-minute untitled posts: the second is told apart" "$T/out" '<id>urn:unplanet:entry:[0-9a-f]{16}-[0-9a-f]{8}</id>'
# Ids stay with their posts when a new post of the same minute comes above.
{ page_open; post "" "" "Second, different status." "" "10:00 AM"; page_close; } >"$T/one-status.html"
rm -rf "$T/statuses"
expect_exit "same-minute untitled posts: first run, one post" 0 "$UNPLANET" -o "$T/statuses" "$T/one-status.html"
first=$(grep -o 'urn:unplanet:entry:[0-9a-f-]*' "$T/statuses/authors/bob.atom" | sort -u)
expect_exit "same-minute untitled posts: second run, a new post above it" 0 "$UNPLANET" -o "$T/statuses" "$T/same-minute.html"
grep -A12 "<id>$first</id>" "$T/statuses/authors/bob.atom" | grep -q 'Second, different status' &&
	ok "same-minute untitled posts: the first post keeps its id" ||
	not_ok "same-minute untitled posts: the first post keeps its id ($first): $(grep -c '<entry' "$T/statuses/authors/bob.atom") entries"
# ...and when that first post leaves the page, the other does not take it.
{ page_open; post "" "" "First status." "" "10:00 AM"; page_close; } >"$T/other-status.html"
expect_exit "same-minute untitled posts: third run, the first post gone" 0 "$UNPLANET" -o "$T/statuses" "$T/other-status.html"
n=$(grep -c '<entry' "$T/statuses/authors/bob.atom")
grep -A12 "<id>$first</id>" "$T/statuses/authors/bob.atom" | grep -q 'Second, different status' && [ "$n" = 2 ] &&
	ok "same-minute untitled posts: an id stays with its post when the other leaves" ||
	not_ok "same-minute untitled posts: an id stays with its post when the other leaves: $n entries"

# A page whose line breaks a minifier took out: untitled posts still part.
cat >"$T/minified.html" <<'EOF'
<html><body><div id="body-main"> <h2>April 28, 2026</h2> <hr /><h3 class="post"><a href="https://bob.example/" title="Bob">Bob</a></h3> <p> First. </p> <p> <em><a href="https://bob.example/1">April 28, 2026 11:00 AM UTC</a></em> </p> <p>	Second. </p> <p> <em><a href="https://bob.example/2">April 28, 2026 10:00 AM UTC</a></em> </p> </div> <div id="left-hand-navigation"></div></body></html>
EOF
expect_exit "minified page: converts" 0 "$UNPLANET" --dump "$T/minified.html"
n=$(grep -c '<entry' "$T/out")
[ "$n" = 2 ] && ok "minified page: two untitled posts, two entries" ||
	not_ok "minified page: two untitled posts, two entries: $n"

# --help and --version report a failed write.
expect_exit "--help to a full disk: exit 74" 74 sh -c "'$UNPLANET' --help >/dev/full"
expect_exit "--version to a full disk: exit 74" 74 sh -c "'$UNPLANET' --version >/dev/full"

expect_exit "a folder as input: exit 66" 66 "$UNPLANET" -o "$D" "$T"
expect_exit "input over --max-size: exit 65" 65 "$UNPLANET" -o "$D" --max-size 1k "$SAMPLE"
expect_grep "--max-size is named" "$T/err" "limit \(see --max-size\)"
# --max-size holds to the byte, for a file and for stdin alike (fetch.py
# checks it for http): a page of exactly the limit is read, one over is not.
N=$(wc -c <"$SAMPLE" | tr -d ' ')
expect_exit "a file of exactly --max-size bytes is read" 0 "$UNPLANET" --dump --max-size "$N" "$SAMPLE"
expect_exit "a file one byte over --max-size: exit 65" 65 "$UNPLANET" --dump --max-size $((N - 1)) "$SAMPLE"
expect_grep "...the file's message names the limit" "$T/err" "planetpython-2026-04-29.html: larger than the $((N - 1))-byte limit \(see --max-size\)"
expect_exit "stdin of exactly --max-size bytes is read" 0 sh -c "'$UNPLANET' --dump --max-size $N - <'$SAMPLE'"
expect_exit "stdin one byte over --max-size: exit 65" 65 sh -c "'$UNPLANET' --dump --max-size $((N - 1)) - <'$SAMPLE'"
expect_grep "...the stdin message names the limit" "$T/err" "<stdin>: larger than the $((N - 1))-byte limit \(see --max-size\)"

# unplanet never writes through a symbolic link inside DIR (it could lead
# out of DIR): one where authors/, topics/ or .unplanet/ belongs fails the
# run at once, naming it, also when no feed would change (a cron job must
# not look healthy until the first new post), and nothing is touched,
# inside DIR or where the link leads; a plain file there, the same.
L=$T/linked
rm -rf "$L" "$T/elsewhere" && mkdir -p "$T/elsewhere" && "$UNPLANET" -o "$L" "$SAMPLE" && mv "$L/authors" "$T/elsewhere/authors" &&
	ln -s "$(cd "$T/elsewhere" && pwd)/authors" "$L/authors" && : >"$T/elsewhere/authors/.kept.unplanet-backup" &&
	: >"$L/.left.unplanet-Ab12Cd"
snapshot "$L" >"$T/before"; snapshot "$T/elsewhere" >"$T/before2"
expect_exit "authors/ a link to a folder elsewhere, no feed changed: exit 73" 73 "$UNPLANET" -o "$L" "$SAMPLE"
expect_grep "...saying it is a link, not followed" "$T/err" "linked/authors: cannot write there: a symbolic link, which unplanet does not follow"
snapshot "$L" >"$T/after"; snapshot "$T/elsewhere" >"$T/after2"
expect_same "...DIR left as it was" "$T/before" "$T/after"
expect_same "...and the folder it links to too" "$T/before2" "$T/after2"
rm "$L/authors" && mv "$T/elsewhere/authors" "$L/authors" && mv "$L/.unplanet" "$T/elsewhere/state" &&
	ln -s "$(cd "$T/elsewhere" && pwd)/state" "$L/.unplanet"
expect_exit ".unplanet/ a link to a folder elsewhere: exit 73" 73 "$UNPLANET" -o "$L" "$SAMPLE"
expect_grep "...saying it is a link, not followed" "$T/err" "linked/.unplanet: cannot write there: a symbolic link"
rm "$L/.unplanet" && mv "$T/elsewhere/state" "$L/.unplanet" && rm "$L/index.html"
expect_exit "...made a folder again: the run succeeds" 0 "$UNPLANET" -o "$L" "$SAMPLE"
[ ! -e "$L/.left.unplanet-Ab12Cd" ] && [ -e "$L/index.html" ] && ok "...removes a killed run's leftovers and writes what is missing" ||
	not_ok "...removes a killed run's leftovers and writes what is missing"
mv "$L/.unplanet" "$T/elsewhere/state" && echo x >"$L/.unplanet"
expect_exit "a plain file where .unplanet/ belongs: exit 73" 73 "$UNPLANET" -o "$L" "$SAMPLE"
expect_grep "...saying it is not a folder" "$T/err" "linked/.unplanet: cannot write there: not a folder"
ln -s "$T/nowhere" "$T/dangling"
expect_exit "-o a symbolic link to nothing: exit 73" 73 "$UNPLANET" -o "$T/dangling" "$SAMPLE"
expect_grep "...saying so" "$T/err" "dangling: cannot write to output folder: a symbolic link to a folder that does not exist"
# A folder its user may write but not read (mode 0333) cannot be opened,
# which is what the message says: checking its write permission would
# find nothing wrong. Root reads anything, so this runs as nobody, from
# a copy of the program in a folder nobody may enter.
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null && id nobody >/dev/null 2>&1; then
	N=$(mktemp -d /tmp/unplanet-nobody.XXXXXX) && chmod 755 "$N" &&
		cp "$UNPLANET" "$N/unplanet" && cp -R "$(dirname "$UNPLANET")/xslt" "$N/xslt" && cp "$SAMPLE" "$N/page.html" &&
		mkdir "$N/out" "$N/out2" && "$UNPLANET" -o "$N/out2" "$SAMPLE" && chown -R nobody "$N/out" "$N/out2" &&
		chmod 333 "$N/out" "$N/out2/authors"
	expect_exit "an output folder nobody may write but not read: exit 73" 73 \
		setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups "$N/unplanet" -o "$N/out" "$N/page.html"
	expect_grep "...saying it cannot be opened, and must be readable" "$T/err" \
		"out: cannot open output folder: Permission denied \(it must be readable, as well as writable\)$"
	expect_exit "authors/ that nobody may write but not read: exit 73" 73 \
		setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups "$N/unplanet" --keep 3 -o "$N/out2" "$N/page.html"
	expect_grep "...saying that folder cannot be opened" "$T/err" \
		"out2/authors: cannot open that folder: Permission denied \(it must be readable, as well as writable\)$"
	rm -rf "$N"
fi

# A folder unplanet never wrote (no .unplanet/) may be someone's web site:
# a file there that a run would replace is left alone, and the run fails.
W=$T/website
rm -rf "$W" && mkdir -p "$W" && echo '<h1>my site</h1>' >"$W/index.html" && echo keep >"$W/other.txt"
snapshot "$W" >"$T/before"
expect_exit "a web site's folder holding index.html: exit 73" 73 "$UNPLANET" -o "$W" "$SAMPLE"
expect_grep "...naming the file it will not replace" "$T/err" "has no .unplanet/, so .*website/index.html is not unplanet's to replace"
snapshot "$W" >"$T/after"
expect_same "...and the folder is left as it was" "$T/before" "$T/after"
echo '<opml/>' >"$W/feeds.opml"
expect_exit "...and one more file: exit 73" 73 "$UNPLANET" -o "$W" "$SAMPLE"
expect_grep "...counting it as one" "$T/err" \
	"has no .unplanet/, so .*website/(index.html|feeds.opml) and 1 other file are not unplanet's to replace"
mkdir -p "$W/authors" && echo '<feed/>' >"$W/authors/pypy.atom"
snapshot "$W" >"$T/before"
expect_exit "...and more files: exit 73" 73 "$UNPLANET" -o "$W" "$SAMPLE"
expect_grep "...naming the first and counting the others" "$T/err" \
	"has no .unplanet/, so .*website/(index.html|feeds.opml|authors/pypy.atom) and 2 other files are not unplanet's to replace"
snapshot "$W" >"$T/after"
expect_same "...and the folder is left as it was" "$T/before" "$T/after"
mkdir "$W/.unplanet"
expect_exit "...unless .unplanet/ is made, to let unplanet take it over" 0 "$UNPLANET" -o "$W" "$SAMPLE"
rm -rf "$W/index.html" "$W/.unplanet" "$W/authors" "$W/feeds.opml" "$W/authors.opml"
expect_exit "a folder holding only other files: the run writes beside them" 0 "$UNPLANET" -o "$W" "$SAMPLE"
[ "$(cat "$W/other.txt")" = keep ] && ok "...and leaves them" || not_ok "...and leaves them"
# A copy of unplanet's files without .unplanet/ (restored from a backup
# that left hidden folders out): none would change, so none is refused.
W3=$T/website3
rm -rf "$W3" && cp -R "$W" "$W3" && rm -rf "$W3/.unplanet"
snapshot "$W3" | grep -v -e "\.unplanet" -e "^ d " >"$T/before"
expect_exit "a folder holding the very files a run would write, without .unplanet/: exit 0" 0 "$UNPLANET" -o "$W3" "$SAMPLE"
snapshot "$W3" | grep -v -e "\.unplanet" -e "^ d " >"$T/after"
expect_same "...and leaves each of them as it was" "$T/before" "$T/after"
# An OPML list there that this run has nothing for is not its to remove.
W2=$T/website2
rm -rf "$W2" && mkdir -p "$W2" && echo '<opml version="2.0"/>' >"$W2/topics.opml"
expect_exit "a folder holding someone's topics.opml, no topics: the run succeeds" 0 "$UNPLANET" -o "$W2" "$SAMPLE"
grep -q '^<opml version="2.0"/>$' "$W2/topics.opml" && ok "...and leaves it alone" || not_ok "...and leaves it alone"
