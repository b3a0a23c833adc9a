#!/bin/sh
# jobs.sh - a run is the same on any number of threads (--jobs): the same
# files, byte for byte, the same messages, and the same failure, named as
# a run on one thread names it (UNPLANET, T from run.sh).
. "$(dirname "$0")/lib.sh"
cd "$(dirname "$0")/.." || exit 2
PY=/usr/bin/python3
SAMPLE=samples/planetpython-2026-04-29.html
d=$T/jobs
rm -rf "$d" && mkdir -p "$d"

# A page of many posts full of hostile HTML, and the sample page; topics,
# and a stylesheet that says something for every feed it makes (only the
# first file's is shown: it must be the same file).
$PY tests/planetgen.py --rough --size 4e5 --seed 5 >"$d/rough.html" || not_ok "planetgen failed"
cat >"$d/says.xsl" <<'XSL'
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:output method="text"/>
  <xsl:template match="/feed"><xsl:message>made <xsl:value-of select="@slug"/></xsl:message>
    <xsl:value-of select="count(entry)"/> entries</xsl:template>
</xsl:stylesheet>
XSL
for page in "$SAMPLE" "$d/rough.html"; do
	name=$(basename "$page" .html)
	for j in 1 2 3 8; do
		"$UNPLANET" -j $j -t 'Django=django' -t 'Web=\bweb' -s "$d/says.xsl" -o "$d/$name-$j" "$page" \
			>"$d/$name-$j.out" 2>"$d/$name-$j.err"
		echo "exit $?" >>"$d/$name-$j.err"
		snapshot "$d/$name-$j" | sed "s|$d/$name-$j||" >"$d/$name-$j.snap"
	done
	expect_grep "$name: one thread: exit 0, the first file's message" "$d/$name-1.err" \
		'^unplanet: warning: .*says\.xsl: making authors/[a-z0-9-]+\.says: made '
	n=$(find "$d/$name-1/authors" -name '*.atom' | wc -l)
	if [ "$n" -gt 8 ]; then ok "$name: $n author feeds, more than threads"; else not_ok "$name: only $n author feeds"; fi
	for j in 2 3 8; do
		# Only the files' bytes and modes: their mtimes differ.
		if diff -r "$d/$name-1" "$d/$name-$j" >/dev/null; then
			ok "$name: -j $j writes the same files as -j 1"
		else
			not_ok "$name: -j $j writes other files than -j 1: $(diff -r "$d/$name-1" "$d/$name-$j" | head -c 300 | tr '\n' ' ')"
		fi
		if [ "$(cut -d' ' -f1,2,3,5 <"$d/$name-1.snap" | sort)" = "$(cut -d' ' -f1,2,3,5 <"$d/$name-$j.snap" | sort)" ]; then
			ok "$name: -j $j: the same names, kinds, sizes and modes"
		else
			not_ok "$name: -j $j: other names, kinds, sizes or modes"
		fi
		expect_same "$name: -j $j says the same as -j 1" "$d/$name-1.err" "$d/$name-$j.err"
	done
	# An unchanged run on many threads into the one-thread folder
	# rewrites nothing.
	snapshot "$d/$name-1" >"$d/before.snap"
	expect_exit "$name: an unchanged run on 8 threads: exit 0" 0 "$UNPLANET" -q -j 8 -t 'Django=django' \
		-t 'Web=\bweb' -s "$d/says.xsl" -o "$d/$name-1" "$page"
	snapshot "$d/$name-1" >"$d/after.snap"
	expect_same "$name: ...leaves every file as it was" "$d/before.snap" "$d/after.snap"
done

# A stylesheet that fails on many feeds: the run names the first of them
# in the order a run on one thread makes them, on any number of threads,
# and the folder stays as it was (here: not made).
cat >"$d/fails.xsl" <<'XSL'
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:output method="text"/>
  <xsl:template match="/feed">
    <xsl:if test="count(entry) &gt; 1"><xsl:message terminate="yes">too many in <xsl:value-of select="@slug"/></xsl:message></xsl:if>
    <xsl:value-of select="title"/></xsl:template>
</xsl:stylesheet>
XSL
for j in 1 2 8; do
	rm -rf "$d/fails-$j"
	"$UNPLANET" -j $j -s "$d/fails.xsl" -o "$d/fails-$j" "$d/rough.html" >/dev/null 2>"$d/fails-$j.err"
	echo "exit $?" >>"$d/fails-$j.err"
done
expect_grep "a stylesheet failing on many feeds: exit 70, naming one" "$d/fails-1.err" \
	'^unplanet: .*fails\.xsl: stylesheet failed on authors/[a-z0-9-]+\.fails: .*too many in'
expect_grep "...exit 70" "$d/fails-1.err" '^exit 70$'
for j in 2 8; do
	expect_same "...-j $j names the same feed" "$d/fails-1.err" "$d/fails-$j.err"
	if [ -e "$d/fails-$j" ]; then not_ok "...-j $j: the folder was made"; else ok "...-j $j: no folder made"; fi
done

# Bad values.
for bad in 0 65 x -1 '' 2x; do
	expect_exit "-j '$bad': usage error" 64 "$UNPLANET" -j "$bad" -o "$d/bad" "$SAMPLE"
	expect_grep "...saying what -j takes" "$T/err" "^unplanet: --jobs needs a number of threads \\(1 to 64\\): '$bad'"
done
expect_exit "--jobs=64: exit 0" 0 "$UNPLANET" --jobs=64 -q -o "$d/many" "$SAMPLE"
printf '[unplanet]\njobs = 100\n' >"$d/bad.ini"
expect_exit "jobs = 100 in a configuration file: exit 78" 78 "$UNPLANET" -c "$d/bad.ini" -o "$d/bad" "$SAMPLE"
expect_grep "...naming the file and line" "$T/err" "^unplanet: $d/bad.ini:2: jobs needs a number of threads \\(1 to 64\\): '100'"
printf '[unplanet]\njobs = 1\n' >"$d/one.ini"
rm -rf "$d/one"
expect_exit "jobs = 1 in a configuration file: exit 0" 0 "$UNPLANET" -q -c "$d/one.ini" -o "$d/one" "$SAMPLE"
if [ ! -e "$d/bad" ]; then ok "no folder made by a usage error"; else not_ok "a usage error made a folder"; fi

# EXSLT's crypto functions on several threads: libexslt sets libgcrypt up
# on the first call, which two threads at once found half done ("called
# in non-operational state" on stderr, under -q too, 1 run in 8).
cat >"$d/md5.xsl" <<'XSL'
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform" xmlns:crypto="http://exslt.org/crypto">
  <xsl:output method="text"/>
  <xsl:template match="/"><xsl:for-each select="//entry"><xsl:value-of select="crypto:md5(string(id))"/>
</xsl:for-each></xsl:template>
</xsl:stylesheet>
XSL
: >"$d/md5.err"
for k in $(seq 1 24); do
	rm -rf "$d/md5"
	"$UNPLANET" -q -j 2 -s "$d/md5.xsl" -o "$d/md5" "$SAMPLE" 2>>"$d/md5.err" || echo "exit $?" >>"$d/md5.err"
done
expect_empty "crypto:md5 on 2 threads, 24 runs: silent under -q, exit 0" "$d/md5.err"
# (The first entry's id, as the Atom feed gives it, hashed here.)
want=$($PY -c 'import hashlib, sys, xml.etree.ElementTree as E
e = E.parse(sys.argv[1]).getroot().find("{http://www.w3.org/2005/Atom}entry")
print(hashlib.md5(e.findtext("{http://www.w3.org/2005/Atom}id").encode()).hexdigest())' "$d/md5/authors/pypy.atom")
if [ -n "$want" ] && [ "$(head -1 "$d/md5/authors/pypy.md5")" = "$want" ]; then
	ok "...and the hashes are the ids' MD5"
else
	not_ok "...the hashes are not the ids' MD5 ($want): $(head -2 "$d/md5/authors/pypy.md5" | tr '\n' ' ')"
fi
# Setting libgcrypt up uses no digest a system in FIPS mode refuses (MD5
# there aborts the process): a run that asks for none is unharmed.
expect_exit "libgcrypt in FIPS mode: a run exits 0" 0 env LIBGCRYPT_FORCE_FIPS_MODE=1 "$UNPLANET" -q -o "$d/fips" "$SAMPLE"

# The further threads' copies of a stylesheet are parsed when the page has
# been read (after a fetch that may take a minute): what it imports is
# taken as the run first read it, not from the file edited meanwhile, or
# one run would mix two versions, then keep the files of the second under
# the fingerprint of the first.
mkdir -p "$d/imports"
printf '<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
<xsl:import href="part.xsl"/><xsl:output method="text"/></xsl:stylesheet>\n' >"$d/imports/main.xsl"
for v in A B; do
	printf '<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
<xsl:template match="/">%s</xsl:template></xsl:stylesheet>\n' "$v" >"$d/imports/part-$v.xsl"
done
cp "$d/imports/part-A.xsl" "$d/imports/part.xsl"
rm -rf "$d/imported"
(sleep 1; cp "$d/imports/part-B.xsl" "$d/imports/part.xsl"; sleep 1; cat "$SAMPLE") |
	"$UNPLANET" -j 4 -o "$d/imported" -s "$d/imports/main.xsl" - 2>"$d/imported.err"
made=$(cat "$d/imported"/authors/*.main | tr -d '\n')
case $made in
*B*) not_ok "an import edited while the page is read: every thread uses it as first read: $made" ;;
A*) ok "an import edited while the page is read: every thread uses it as first read" ;;
*) not_ok "an import edited while the page is read: no files made: $(cat "$d/imported.err")" ;;
esac
