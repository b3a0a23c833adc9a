#!/bin/sh
# valgrind.sh - the normal build under valgrind --leak-check=full: a first
# run on the sample page, an unchanged second run, --dump, and a failing
# run. Any memory error or leak fails. Then under helgrind, on 4 threads:
# any data race between them fails.
. "$(dirname "$0")/lib.sh"
mkdir -p "$T"
# (The suppressions are for PCRE2's JIT code alone: see the file.)
vg="valgrind --leak-check=full --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=99 -q --suppressions=tests/valgrind.supp"
SAMPLE=samples/planetpython-2026-04-29.html
rm -rf "$T/vg"
# shellcheck disable=SC2086
expect_exit "valgrind: first run on the sample is clean" 0 $vg "$UNPLANET" -o "$T/vg" -t 'Django=django' "$SAMPLE"
# shellcheck disable=SC2086
expect_exit "valgrind: unchanged second run is clean" 0 $vg "$UNPLANET" -o "$T/vg" -t 'Django=django' "$SAMPLE"
# shellcheck disable=SC2086
expect_exit "valgrind: --dump is clean" 0 $vg "$UNPLANET" --dump "$SAMPLE"
# A stylesheet of the user's that uses xsl:key: libxslt's key tables point
# into the feed's document, and are freed with the transformation, which
# must go first (before the document).
cat >"$T/keyed.xsl" <<'XSL'
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:output method="text"/>
  <xsl:key name="by-id" match="entry" use="id"/>
  <xsl:template match="/"><xsl:for-each select="//entry"><xsl:value-of select="count(key('by-id', id))"/></xsl:for-each></xsl:template>
</xsl:stylesheet>
XSL
rm -rf "$T/vg-keyed"
# shellcheck disable=SC2086
expect_exit "valgrind: a stylesheet using xsl:key is clean, on one thread and two" 0 sh -c \
	"$vg $UNPLANET -j1 -o $T/vg-keyed -s $T/keyed.xsl $SAMPLE && $vg $UNPLANET -j2 --force -o $T/vg-keyed -s $T/keyed.xsl $SAMPLE"
# ...and beside it one with xsl:strip-space, which removes the blank text
# nodes of the document it transforms: of a copy of its own, or the
# other's key table would point at freed nodes.
cat >"$T/keytext.xsl" <<'XSL'
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:output method="text"/>
  <xsl:key name="t" match="text()" use="name(..)"/>
  <xsl:template match="/"><xsl:value-of select="count(key('t', 'link'))"/></xsl:template>
</xsl:stylesheet>
XSL
rm -rf "$T/vg-strip"
# shellcheck disable=SC2086
expect_exit "valgrind: a stylesheet keyed on text nodes beside one with xsl:strip-space is clean" 0 \
	$vg "$UNPLANET" -j1 -o "$T/vg-strip" -s "$T/keytext.xsl" -s tests/data/strips.xsl "$SAMPLE"
printf '<html><body>no posts</body></html>\n' >"$T/none.html"
# shellcheck disable=SC2086
expect_exit "valgrind: a failing run is clean" 65 $vg "$UNPLANET" -o "$T/vg" "$T/none.html"

# Helgrind, its scheduler fair so that every thread takes jobs (else the
# first may do them all before the others run): a page of many posts and
# feeds, with topics, read and written on 4 threads, then read again.
hg="valgrind --tool=helgrind --fair-sched=yes --error-exitcode=99 -q --suppressions=tests/valgrind.supp"
if /usr/bin/python3 tests/planetgen.py --rough --size 3e5 --seed 3 >"$T/hg.html"; then
	rm -rf "$T/hg"
	# shellcheck disable=SC2086
	expect_exit "helgrind: a first run on 4 threads has no data race" 0 $hg "$UNPLANET" -j 4 -o "$T/hg" \
		-t 'Django=django' "$T/hg.html"
	# shellcheck disable=SC2086
	expect_exit "helgrind: a second run, --force, has none either" 0 $hg "$UNPLANET" -j 4 --force -o "$T/hg" \
		-t 'Django=django' "$T/hg.html"
else
	not_ok "helgrind: planetgen failed"
fi
# A stylesheet whose document() calls load on the transforming threads: a
# file that is not there, and one whose DTD is not, both looked up in
# libxml2's catalogs (not thread-safe in 2.9: unguarded, two threads at
# once could leave a run hung at its end).
printf '<!DOCTYPE lookup SYSTEM "no-such.dtd">\n<lookup>x</lookup>\n' >"$T/lookup.xml"
cat >"$T/loads.xsl" <<'XSL'
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:output method="text"/>
  <xsl:template match="/feed"><xsl:value-of select="document('no-such-lookup.xml')"/>
    <xsl:value-of select="document('lookup.xml')"/>.</xsl:template>
</xsl:stylesheet>
XSL
rm -rf "$T/hg-loads"
# shellcheck disable=SC2086
expect_exit "helgrind: document() loads on 4 threads have no data race" 0 $hg "$UNPLANET" -q -j 4 \
	-o "$T/hg-loads" -s "$T/loads.xsl" "$SAMPLE"
