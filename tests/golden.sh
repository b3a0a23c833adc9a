#!/bin/sh
# golden.sh [--regen] - golden tests, in the manner of libxslt's tests/:
#   read/NAME.html --(unplanet --dump)--------------------> read/NAME.xml
#   xslt/NAME.xml  --(xsltproc xslt/FORMAT.xsl)-----------> xslt/NAME.FORMAT
#                  (a <feed>: atom, rss; a <directory>: index.html, opml;
#                  json.xsl needs unplanet's extension function, so JSON is
#                  covered by the run/ tests)
#   run/NAME.html  --(unplanet -o DIR $(cat run/NAME.args))-> run/NAME.out/
#                  (archived page digests and the outputs' fingerprint as
#                  "(16 hexadecimal digits)")
# With --regen the expected outputs are rewritten from the current program;
# review the diff before committing them.
. "$(dirname "$0")/lib.sh"
G=tests/golden
regen=0
[ "$1" = "--regen" ] && regen=1
mkdir -p "$T"

# compare NAME EXPECTED GOT
compare() {
	if [ $regen = 1 ]; then
		rm -rf "$2" && cp -R "$3" "$2" && ok "$1 (regenerated)"
	elif diff -r "$2" "$3" >"$T/diff" 2>&1; then
		ok "$1"
	else
		not_ok "$1: $(head -c 400 "$T/diff" | tr '\n' ' ')"
	fi
}

for html in "$G"/read/*.html; do
	name=$(basename "$html" .html)
	"$UNPLANET" --dump "$html" >"$T/$name.xml" 2>"$T/err" || not_ok "golden read/$name: unplanet failed: $(cat "$T/err")"
	compare "golden read/$name" "$G/read/$name.xml" "$T/$name.xml"
done

for xml in "$G"/xslt/*.xml; do
	name=$(basename "$xml" .xml)
	if grep -q '^<directory' "$xml"; then
		formats="index:html opml:opml opml:authors.opml"
	else
		formats="atom:atom rss:rss"
	fi
	for pair in $formats; do
		xsl=xslt/${pair%%:*}.xsl out=$name.${pair#*:}
		params=
		[ "$out" = "$name.authors.opml" ] && params="--stringparam kind author"
		# shellcheck disable=SC2086
		xsltproc --nonet $params "$xsl" "$xml" >"$T/$out" 2>"$T/err" ||
			not_ok "golden xslt/$out: xsltproc failed: $(cat "$T/err")"
		compare "golden xslt/$out" "$G/xslt/$out" "$T/$out"
	done
done

for html in "$G"/run/*.html; do
	name=$(basename "$html" .html)
	rm -rf "$T/$name.out"
	# shellcheck disable=SC2046
	"$UNPLANET" -o "$T/$name.out" $(cat "$G/run/$name.args" 2>/dev/null) "$html" 2>"$T/err" ||
		not_ok "golden run/$name: unplanet failed: $(cat "$T/err")"
	# Page digests and the outputs' fingerprint hash the program's
	# sources too (Makefile): any change to them changes those, and only
	# their form is compared.
	find "$T/$name.out" -path '*/.unplanet/*.xml' -exec sed -i \
		-e 's|<page-digest>[0-9a-f]\{16\}</page-digest>|<page-digest>(16 hexadecimal digits)</page-digest>|' \
		-e 's|<outputs fingerprint="[0-9a-f]\{16\}"/>|<outputs fingerprint="(16 hexadecimal digits)"/>|' {} +
	compare "golden run/$name" "$G/run/$name.out" "$T/$name.out"
done
