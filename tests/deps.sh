#!/bin/sh
# deps.sh PACKAGE... - install the Debian packages that are missing.
# As root it runs apt-get; otherwise it prints the exact command to run.
missing=
for p in "$@"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
cmd="apt-get install -y --no-install-recommends$missing"
if [ "$(id -u)" = 0 ]; then
	echo "deps: installing$missing"
	{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive $cmd; } >/dev/null ||
		{ echo "deps: failed: $cmd" >&2; exit 1; }
else
	echo "deps: missing packages; run as root:" >&2
	echo "  apt-get update && $cmd" >&2
	exit 1
fi
