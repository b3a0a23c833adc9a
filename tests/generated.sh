#!/bin/sh
# generated.sh - the truth test on generated pages (UNPLANET, T from run.sh).
# tests/planetgen.py --rough writes Planet pages whose posts are full of the
# HTML that breaks naive readers, with their truth computed independently
# by visible.py; every post must come out of unplanet as that truth says,
# and the feeds must pass the validators.
cd "$(dirname "$0")/.." || exit 2
case $T in / | "") echo "not ok - T (a scratch folder) is not set" && exit 2 ;; esac
PY=/usr/bin/python3
status=0
for seed in 1 2; do
	d=$T/generated/$seed
	rm -rf "$d" && mkdir -p "$d"
	if ! $PY tests/planetgen.py --rough --size 3e5 --seed $seed --truth "$d/truth.json" >"$d/page.html"; then
		echo "not ok - seed $seed: planetgen failed"; status=1; continue
	fi
	if ! "$UNPLANET" -o "$d/feeds" "$d/page.html" 2>"$d/err"; then
		echo "not ok - seed $seed: the page converts: $(cat "$d/err")"; status=1; continue
	fi
	echo "ok - seed $seed: the page converts"
	{ $PY tests/truth.py "$d/feeds" "$d/truth.json"; sh tests/validate.sh "$d/feeds"; } |
		sed "s/^ok - /ok - seed $seed: /; s/^not ok - /not ok - seed $seed: /"
done
# The same page with old Mac line breaks (CR): frames and text alike.
d=$T/generated
rm -rf "$d/cr-feeds"
if [ -f "$d/1/page.html" ] && tr '\n' '\r' <"$d/1/page.html" >"$d/cr.html" &&
    "$UNPLANET" -o "$d/cr-feeds" "$d/cr.html" 2>"$d/cr.err"; then
	$PY tests/truth.py "$d/cr-feeds" "$d/1/truth.json" | sed "s/^ok - /ok - CR line breaks: /; s/^not ok - /not ok - CR line breaks: /"
else
	echo "not ok - CR line breaks: the page converts: $(cat "$d/cr.err" 2>/dev/null)"; status=1
fi
exit $status
