# lib.sh - helpers for the shell tests. Each check prints one line,
# "ok - NAME" or "not ok - NAME: why"; tests/run.sh counts them.
# Needs: UNPLANET (the binary under test), T (a scratch folder).

# Without T, "$T/root" would be /root, which install.sh empties first.
case $T in
/ | '' ) echo "not ok - T (a scratch folder) is not set" && exit 2 ;;
esac
[ -n "$UNPLANET" ] || { echo "not ok - UNPLANET (the binary under test) is not set" && exit 2; }

ok() { echo "ok - $*"; }
not_ok() { echo "not ok - $*"; }

# expect_exit NAME STATUS CMD... : runs CMD, output in $T/out and $T/err.
expect_exit() {
	_name=$1 _want=$2
	shift 2
	"$@" >"$T/out" 2>"$T/err"
	_got=$?
	if [ "$_got" = "$_want" ]; then
		ok "$_name"
	else
		not_ok "$_name: exit $_got, want $_want; stderr: $(head -c 300 "$T/err" | tr '\n' ' ')"
	fi
}

# expect_grep NAME FILE PATTERN : FILE matches the extended regex PATTERN.
expect_grep() {
	if grep -Eq -- "$3" "$2"; then
		ok "$1"
	else
		not_ok "$1: '$3' not in $(head -c 300 "$2" | tr '\n' ' ')"
	fi
}

# expect_no_grep NAME FILE PATTERN : FILE does not match PATTERN.
expect_no_grep() {
	if grep -Eq -- "$3" "$2"; then
		not_ok "$1: '$3' in $(head -c 300 "$2" | tr '\n' ' ')"
	else
		ok "$1"
	fi
}

expect_empty() {
	if [ ! -s "$2" ]; then
		ok "$1"
	else
		not_ok "$1: $(head -c 300 "$2" | tr '\n' ' ')"
	fi
}

# snapshot DIR : every path with its size, mtime, mode and content hash,
# so two snapshots are equal only if DIR is byte-for-byte the same.
snapshot() {
	if [ -e "$1" ]; then
		find "$1" -printf '%P %y %s %T@ %m\n' | sort
		find "$1" -type f -exec md5sum {} + | sort
	else
		echo "absent"
	fi
}

# expect_same NAME A B : two files (snapshots) are identical.
expect_same() {
	if cmp -s "$2" "$3"; then
		ok "$1"
	else
		not_ok "$1: $(diff "$2" "$3" | head -5 | tr '\n' ' ')"
	fi
}
