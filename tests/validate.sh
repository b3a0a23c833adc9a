#!/bin/sh
# validate.sh DIR - check every feed under DIR with real consumers:
# xmllint with RFC 4287's grammar and the Schematron rules (tests/reference),
# python3-feedparser (bozo 0, right version), and sfeed (same entry count).
# Prints "ok - ..." / "not ok - ..." lines.
dir=$1
ref=$(dirname "$0")/reference
py=/usr/bin/python3

entries() {   # number of entries (Atom) or items (RSS) in a feed
	xmllint --xpath "count(//*[local-name()='entry' or local-name()='item'])" "$1" 2>/dev/null
}

for f in $(find "$dir" -name '*.atom' -o -name '*.rss' | sort); do
	name=${f#"$dir"/}
	case $f in
	*.atom)
		if out=$(xmllint --noout --relaxng "$ref/atom.rng" "$f" 2>&1); then
			echo "ok - $name: valid against RFC 4287's grammar"
		else
			echo "not ok - $name: RFC 4287 grammar: $(echo "$out" | head -3 | tr '\n' ' ')"
		fi
		sch=atom-extra.sch ;;
	*.rss)
		sch=rss-extra.sch ;;
	esac
	# xmllint --schematron exits 0 even on failed asserts in some versions:
	# look for its "fails to validate" line as well.
	out=$(xmllint --noout --schematron "$ref/$sch" "$f" 2>&1)
	if [ $? -eq 0 ] && ! echo "$out" | grep -q 'fails to validate'; then
		echo "ok - $name: passes $sch"
	else
		echo "not ok - $name: $sch: $(echo "$out" | head -3 | tr '\n' ' ')"
	fi
	want=$(entries "$f")
	got=$(sfeed < "$f" | wc -l)
	if [ "$got" = "$want" ]; then
		echo "ok - $name: sfeed reads all $want entries"
	else
		echo "not ok - $name: sfeed read $got entries, the feed has $want"
	fi
done
# JSON Feeds: valid JSON (readers of JSON Feed are checked in hosting.py).
for f in $(find "$dir" -name '*.json' | sort); do
	if out=$($py -m json.tool "$f" 2>&1 >/dev/null); then
		echo "ok - ${f#"$dir"/}: valid JSON"
	else
		echo "not ok - ${f#"$dir"/}: $out"
	fi
done
# feedparser: one interpreter start for all feeds.
$py - "$dir" <<'PY'
import glob, os, sys
import feedparser
d = sys.argv[1]
files = sorted(glob.glob(os.path.join(d, "**", "*.atom"), recursive=True) + glob.glob(os.path.join(d, "**", "*.rss"), recursive=True))
for f in files:
    name = os.path.relpath(f, d)
    r = feedparser.parse(f)
    want = "atom10" if f.endswith(".atom") else "rss20"
    if r.bozo or r.version != want:
        print(f"not ok - {name}: feedparser bozo={r.bozo} version={r.version!r} {r.get('bozo_exception')}")
    elif not all(e.get("link") and e.get("published_parsed") for e in r.entries):
        print(f"not ok - {name}: feedparser finds entries without link or date")
    else:
        print(f"ok - {name}: feedparser reads {want} with {len(r.entries)} entries, bozo 0")
PY
