#!/bin/sh
# replay.sh - every fuzz regression input, through the program under test
# ($UNPLANET, the sanitizer build in make check): each must end in success
# or a clean "not a Planet page" (65), never a crash, leak or hang, and
# what it writes must parse.
. "$(dirname "$0")/lib.sh"
mkdir -p "$T"
for f in tests/fuzz/regressions/*; do
	case $f in *.md) continue ;; esac
	name=$(basename "$f")
	rm -rf "$T/replay"
	timeout 120 "$UNPLANET" -q -o "$T/replay" -t 'All=.' "$f" >"$T/out" 2>"$T/err"
	rc=$?
	if [ $rc = 0 ] || [ $rc = 65 ]; then
		ok "replay $name: exit $rc"
	else
		not_ok "replay $name: exit $rc: $(tail -c 400 "$T/err" | tr '\n' ' ')"
	fi
	if [ -d "$T/replay" ]; then
		bad=$(for x in $(find "$T/replay" -name '*.atom' -o -name '*.rss' -o -name '*.opml' -o -name '*.xml'); do
			xmllint --noout "$x" 2>/dev/null || echo "$x"; done)
		[ -z "$bad" ] && ok "replay $name: output parses" || not_ok "replay $name: does not parse: $bad"
	fi
done
