#!/bin/sh
# install.sh - make install / uninstall with PREFIX and DESTDIR, the
# installed program finding its stylesheets, and the documentation agreeing
# with the program (man page lint-clean, same options as --help).
. "$(dirname "$0")/lib.sh"
mkdir -p "$T"
abs=$(cd "$T" && pwd)   # make runs in another folder below
root=$abs/root
# In a copy of the tree, so that this tree's program is not rebuilt for
# another PREFIX; built first for the default one, as `make` then `make
# install PREFIX=...` would.
tree=$abs/tree
rm -rf "$root" "$tree"
mkdir -p "$tree"
cp -R Makefile src xslt unplanet.1 "$tree/"
# Built and installed under root's strictest umask: what is installed must
# still be readable and runnable by the job's user.
if (umask 077 && cd "$tree" && make -s unplanet && make -s install PREFIX=/opt/unplanet DESTDIR="$root") >"$T/out" 2>&1; then
	ok "make install with PREFIX and DESTDIR"
else
	not_ok "make install: $(tail -c 300 "$T/out")"
fi
modes=$(cd "$root/opt/unplanet" && find . -printf '%m %p\n' | LC_ALL=C sort -k2 | tr '\n' ' ')
want="755 . 755 ./bin 755 ./bin/unplanet 755 ./share 755 ./share/man 755 ./share/man/man1 644 ./share/man/man1/unplanet.1 \
755 ./share/unplanet 755 ./share/unplanet/xslt 644 ./share/unplanet/xslt/README.md 644 ./share/unplanet/xslt/atom.xsl \
644 ./share/unplanet/xslt/index.xsl 644 ./share/unplanet/xslt/json.xsl 644 ./share/unplanet/xslt/opml.xsl \
644 ./share/unplanet/xslt/rss.xsl "
[ "$modes" = "$want" ] && ok "installed under umask 077: folders 755, program 755, the rest 644" ||
	not_ok "installed under umask 077: modes are $modes"
for f in bin/unplanet share/unplanet/xslt/atom.xsl share/unplanet/xslt/rss.xsl \
	share/unplanet/xslt/README.md share/man/man1/unplanet.1; do
	[ -f "$root/opt/unplanet/$f" ] && ok "installed $f" || not_ok "installed $f: missing"
done
man=$root/opt/unplanet/share/man/man1/unplanet.1
if grep -q /opt/unplanet/share/unplanet/xslt "$man" && grep -q '/opt/unplanet/bin/unplanet -q' "$man" &&
	! grep -q /usr/local "$man"; then
	ok "installed man page names the installed paths"
else
	not_ok "installed man page names the installed paths: $(grep -n /usr/local "$man" | head -3 | tr '\n' ' ')"
fi
expect_exit "installed program runs from DESTDIR" 0 \
	"$root/opt/unplanet/bin/unplanet" -o "$T/installed" samples/planetpython-2026-04-29.html
[ -f "$T/installed/authors/pypy.rss" ] && ok "installed program finds its stylesheets" ||
	not_ok "installed program finds its stylesheets"
# (Unless they are installed where the program was built to look.)
if [ ! -e /usr/local/share/unplanet/xslt/atom.xsl ]; then
	mkdir -p "$T/alone"
	cp "$UNPLANET" "$T/alone/unplanet"
	expect_exit "a program copied away from its stylesheets: exit 66" 66 \
		"$T/alone/unplanet" -o "$T/alone/out" samples/planetpython-2026-04-29.html
	expect_grep "...saying where they are looked for and what to do" "$T/err" \
		"atom.xsl: cannot read stylesheet: .*run make install, or give their folder with --xslt-dir"
fi
(cd "$tree" && make -s uninstall PREFIX=/opt/unplanet DESTDIR="$root") >"$T/out" 2>&1
left=$(find "$root" -type f)
[ -z "$left" ] && ok "make uninstall removes every installed file" || not_ok "make uninstall leaves: $left"
# Installed for a PREFIX other than the one it was first built for, the
# program is rebuilt for it: a copy moved away still finds its stylesheets.
# (A PREFIX with a space in it, as a folder may have.)
prefix="$abs/pre fix"
rm -rf "$prefix" "$T/away"
mkdir -p "$T/away"
(cd "$tree" && make -s install PREFIX="$prefix") >"$T/out" 2>&1 && cp "$prefix/bin/unplanet" "$T/away/unplanet"
expect_exit "make install PREFIX=... after make: a copy moved away finds the stylesheets of that PREFIX" 0 \
	"$T/away/unplanet" -o "$T/away/out" samples/planetpython-2026-04-29.html
(cd "$tree" && make -s uninstall PREFIX="$prefix") >"$T/out" 2>&1
# (There, and not in another folder that happens to hold them.)
expect_exit "...which, once uninstalled, it says it looked for" 66 \
	"$T/away/unplanet" -o "$T/away/out2" samples/planetpython-2026-04-29.html
expect_grep "...naming that PREFIX's folder" "$T/err" "$prefix/share/unplanet/xslt/atom.xsl: cannot read stylesheet"
[ -z "$(find "$prefix" -type f)" ] && ok "make uninstall with a space in PREFIX removes every installed file" ||
	not_ok "make uninstall with a space in PREFIX leaves: $(find "$prefix" -type f)"
# A PREFIX the shell or sed would read otherwise is refused before anything is made.
if (cd "$tree" && make -s install PREFIX="$abs/a|b") >"$T/out" 2>&1; then
	not_ok "make install PREFIX with a '|': refused"
else
	[ ! -e "$abs/a|b" ] && grep -q "cannot install to '$abs/a|b/bin'" "$T/out" &&
		ok "make install PREFIX with a '|': refused, saying why, nothing made" ||
		not_ok "make install PREFIX with a '|': $(tail -c 300 "$T/out")"
fi

# A '"' (which the check once read as the end of its own quoting) and a '$'
# given to make as '$$' (which the shell once read as a variable, installing
# elsewhere than the program was built to look) are refused the same way.
# Nor does a pair of "'" (which single quotes would have taken as quoting).
for bad in 'a"b' 'a$$b' "a'b'c"; do
	shown=$(printf '%s' "$bad" | sed 's/\$\$/$/')
	if (cd "$tree" && make -s install PREFIX="$abs/$bad") >"$T/out" 2>&1; then
		not_ok "make install PREFIX with '$shown': refused"
	else
		[ ! -e "$abs/$shown" ] && [ ! -e "$abs/a" ] && grep -qF "cannot install to '$abs/$shown/bin'" "$T/out" &&
			ok "make install PREFIX with '$shown': refused, saying why, nothing made" ||
			not_ok "make install PREFIX with '$shown': $(tail -c 300 "$T/out")"
	fi
done

if out=$(mandoc -T lint -W warning unplanet.1 2>&1); then
	ok "man page is mandoc -T lint clean"
else
	not_ok "man page lint: $out"
fi
# Style too (long lines, ...), but for the pages it refers to, which this
# machine need not have installed, and the state of its man database.
out=$(mandoc -T lint -W style unplanet.1 2>&1 | grep -v -e 'referenced manual not found' -e 'mandoc\.db')
[ -z "$out" ] && ok "man page is mandoc -T lint -W style clean" || not_ok "man page style lint: $out"
"$UNPLANET" --help >"$T/help"
wide=$(awk 'length > 79' "$T/help")
[ -z "$wide" ] && ok "--help fits 80 columns" || not_ok "--help lines over 79 columns: $wide"
help_opts=$(grep -o -- '--[a-z][a-z-]*' "$T/help" | sort -u)
man_opts=$(mandoc -T ascii unplanet.1 | col -b | grep -o -- '--[a-z][a-z-]*' | sort -u)
[ "$help_opts" = "$man_opts" ] && ok "--help and the man page list the same options" ||
	not_ok "--help and man page differ: $(echo "$help_opts" "$man_opts" | tr '\n' ' ')"
for code in 64 65 66 69 70 73 74 75 78; do
	if grep -q "$code" "$T/help" && mandoc -T ascii unplanet.1 | col -b | grep -q "^ *$code" &&
		grep -q "^| $code |" README.md; then
		ok "exit code $code documented in --help, man page and README"
	else
		not_ok "exit code $code not documented everywhere"
	fi
done

# The systemd samples must be units systemd accepts (the program path is
# swapped for this build's, which must exist for the check).
mkdir -p "$T/units"
sed "s|/usr/local/bin/unplanet|$UNPLANET|" samples/unplanet.service >"$T/units/unplanet.service"
cp samples/unplanet.timer "$T/units/unplanet.timer"
if out=$(SYSTEMD_LOG_LEVEL=warning systemd-analyze verify --man=no "$T/units/unplanet.service" "$T/units/unplanet.timer" 2>&1); then
	ok "samples/unplanet.service and .timer pass systemd-analyze verify"
else
	not_ok "systemd-analyze verify: $out"
fi
# PCRE2's JIT needs memory it makes executable: a unit that forbids it
# would match patterns by the interpreter, minutes where milliseconds do.
if grep -qi '^MemoryDenyWriteExecute *= *\(yes\|true\|on\|1\)' samples/unplanet.service; then
	not_ok "samples/unplanet.service forbids what PCRE2's JIT needs (MemoryDenyWriteExecute=)"
else
	ok "samples/unplanet.service lets PCRE2's JIT compile patterns (no MemoryDenyWriteExecute=)"
fi
# The crontab line names the program by its full path (cron's PATH is
# /usr/bin:/bin, make install's is /usr/local/bin), and its options are
# ones unplanet accepts.
line=$(grep -v '^#' samples/crontab | grep unplanet)
case $line in
*' /usr/local/bin/unplanet '*) ok "samples/crontab names the installed program by its full path" ;;
*) not_ok "samples/crontab names the installed program by its full path: $line" ;;
esac
line=$(echo "$line" | sed 's/^.*bin\/unplanet //')
opts=$(echo "$line" | sed 's| https://planetpython.org/$||; s|/var/www/planetpython|'"$T"'/cron|')
# shellcheck disable=SC2086
expect_exit "samples/crontab's command line runs" 0 "$UNPLANET" $opts samples/planetpython-2026-04-29.html

# The samples describe one installation: the folder the crontab, the
# systemd unit, the configuration file and the documentation write is the
# one nginx serves, at the address --base-url gives the feeds (else every
# self link and OPML address points nowhere).
folder=$(sed -n 's/^output *= *//p' samples/unplanet.ini)
base=$(sed -n 's/^base-url *= *//p' samples/unplanet.ini)
host=$(echo "$base" | sed -n 's|^https\{0,1\}://\([^/]*\)/$|\1|p')
bad=
for f in samples/crontab samples/unplanet.service README.md unplanet.1; do
	for o in $(grep -o -- '-o /var/www/[^ ]*' "$f" | sed 's/^-o //'); do
		[ "$o" = "$folder" ] || bad="$bad $f:-o=$o"
	done
	for b in $(grep -o -- '--base-url https[^ ]*' "$f" | sed 's/^--base-url //'); do
		[ "$b" = "$base" ] || bad="$bad $f:--base-url=$b"
	done
done
grep -q "^ReadWritePaths=$folder\$" samples/unplanet.service || bad="$bad unplanet.service:ReadWritePaths"
grep -q "^ *root $folder;" samples/nginx.conf || bad="$bad nginx.conf:root"
[ -n "$host" ] && grep -q "^ *server_name $host;" samples/nginx.conf || bad="$bad nginx.conf:server_name/base-url-path"
[ -n "$folder" ] && [ -z "$bad" ] &&
	ok "samples: one folder ($folder), served by nginx.conf at --base-url ($base)" ||
	not_ok "samples disagree on the folder or its address:$bad"

# The README's "Content sanitizing" names every element removed with its
# content and every URL scheme kept: the lists in src/html.c.
list() {
	sed -n "/^static const char \*const $1\[\] = {/,/^};/p" src/html.c | sed '1d;$d' | tr -d '",\t' | tr ' ' '\n'
}
sanitizing=$(sed -n '/Content sanitizing, by allowlist/,/The lists live/p' README.md)
missing=
for e in $(list dropped_elements); do
	echo "$sanitizing" | grep -q "\`$e\`" || missing="$missing $e"
done
schemes=$(echo "$sanitizing" | tr '\n' ' ' | sed -n 's/.*must use \(.*\), read as a.*/\1/p' | sed 's/,* or /, /; s/, */ /g')
for s in $(list kept_schemes); do
	echo " $schemes " | grep -q " $s " || missing="$missing $s:"
done
[ "$(echo $schemes | wc -w)" = "$(list kept_schemes | wc -w)" ] || missing="$missing (schemes: $schemes)"
[ -n "$(list dropped_elements)" ] && [ -n "$(list kept_schemes)" ] && [ -z "$missing" ] &&
	ok "README names every element the sanitizer drops and every scheme it keeps" ||
	not_ok "README's Content sanitizing leaves out:$missing"

# The README's configuration example and xslt/README.md's own-format example
# work as written (on the sample page, into a scratch folder).
awk '/^```ini$/ {on = 1; next} /^```$/ {on = 0} on' README.md |
	sed "s|^source = .*|source = samples/planetpython-2026-04-29.html|; s|^output = .*|output = $T/readme-ini|" >"$T/readme.ini"
expect_exit "README's configuration example runs" 0 "$UNPLANET" -c "$T/readme.ini"
[ -f "$T/readme-ini/authors/talk-python.atom" ] && ! grep -q '<title[^>]*>Quiz:' "$T/readme-ini/authors/"*.atom &&
	ok "README's configuration example merges Talk Python and drops quizzes" ||
	not_ok "README's configuration example: no authors/talk-python.atom, or a quiz left"
awk '/^## Writing your own format/ {sec = 1} sec && /^```xml$/ {on = 1; next} on && /^```$/ {exit} on' \
	xslt/README.md >"$T/tsv.xsl"
expect_exit "xslt/README.md's tsv.xsl runs with --stylesheet" 0 \
	"$UNPLANET" -o "$T/readme-tsv" -s "$T/tsv.xsl" samples/planetpython-2026-04-29.html
if [ "$(cut -f3 "$T/readme-tsv/authors/pypy.tsv")" = "$(xsltproc "$T/tsv.xsl" "$T/readme-tsv/.unplanet/archive/pypy.xml" | cut -f3)" ] &&
	grep -q '^2026-.*	.*	https://' "$T/readme-tsv/authors/pypy.tsv"; then
	ok "xslt/README.md's tsv.xsl: authors/SLUG.tsv, and the same by xsltproc on the archive"
else
	not_ok "xslt/README.md's tsv.xsl: $(head -c 300 "$T/readme-tsv/authors/pypy.tsv" 2>&1)"
fi
