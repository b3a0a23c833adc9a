#!/bin/sh
# golden.sh [--regen] - golden tests, in the manner of libxslt's tests/:
#   read/NAME.html --(unplanet --dump)--------------------> read/NAME.xml
#   xslt/NAME.xml  --(xsltproc xslt/FORMAT.xsl)-----------> xslt/NAME.FORMAT
#   run/NAME.html  --(unplanet -o DIR $(cat run/NAME.args))-> run/NAME.out/
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
	for xsl in xslt/*.xsl; do
		format=$(basename "$xsl" .xsl)
		xsltproc --nonet "$xsl" "$xml" >"$T/$name.$format" 2>"$T/err" ||
			not_ok "golden xslt/$name.$format: xsltproc failed: $(cat "$T/err")"
		compare "golden xslt/$name.$format" "$G/xslt/$name.$format" "$T/$name.$format"
	done
done

for html in "$G"/run/*.html; do
	name=$(basename "$html" .html)
	rm -rf "$T/$name.out"
	# shellcheck disable=SC2046
	"$UNPLANET" -o "$T/$name.out" $(cat "$G/run/$name.args" 2>/dev/null) "$html" 2>"$T/err" ||
		not_ok "golden run/$name: unplanet failed: $(cat "$T/err")"
	compare "golden run/$name" "$G/run/$name.out" "$T/$name.out"
done
