#!/bin/sh
# run.sh - unplanet's whole test suite. Runs every suite against the normal
# build and against the AddressSanitizer + UndefinedBehaviorSanitizer build,
# prints each failure, and ends with one line: "N passed, N failed".
cd "$(dirname "$0")/.." || exit 2
OUT=tests/out
LOG=$OUT/results.log
PY=/usr/bin/python3
SAMPLE=samples/planetpython-2026-04-29.html
TRUTH=samples/planetpython-2026-04-29.truth.json
PLANET_RSS=samples/planetpython-2026-04-29.rss20.xml
rm -rf "$OUT" && mkdir -p "$OUT" && : >"$LOG"
# Leaks fail the run too (LeakSanitizer's exit code), and UBSan stops at once.
ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=86
UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export ASAN_OPTIONS UBSAN_OPTIONS
# Every server the tests run is on 127.0.0.1: a proxy from the caller's
# environment would take libcurl's and Python's requests to it elsewhere.
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY no_proxy NO_PROXY

# suite LABEL CMD... : runs CMD, keeps its ok/not ok lines (labelled); a
# suite that exits non-zero without reporting a failure, or reports
# nothing (a folder it was to check never made), is one failure.
# One progress line per suite, as the whole run takes minutes.
suite() {
	label=$1
	shift
	started=$(date +%s)
	"$@" >"$OUT/suite.out" 2>"$OUT/suite.err"
	status=$?
	sed -n "s/^ok - /ok - $label: /p; s/^not ok - /not ok - $label: /p" "$OUT/suite.out" >>"$LOG"
	if [ $status -ne 0 ] && ! grep -q '^not ok' "$OUT/suite.out"; then
		echo "not ok - $label: exited $status: $(tail -c 600 "$OUT/suite.err" | tr '\n' ' ')" >>"$LOG"
	elif ! grep -q '^ok' "$OUT/suite.out" && ! grep -q '^not ok' "$OUT/suite.out"; then
		echo "not ok - $label: reported no result: $(tail -c 600 "$OUT/suite.err" | tr '\n' ' ')" >>"$LOG"
	fi
	echo "# $label: $(grep -c '^ok' "$OUT/suite.out") ok, $(grep -c '^not ok' "$OUT/suite.out") not ok," \
		"$(($(date +%s) - started)) s"
}

suite unit tests/unit

for build in unplanet unplanet-san; do
	UNPLANET=$PWD/$build
	T=$OUT/$build
	export UNPLANET T
	mkdir -p "$T"
	suite "$build cli" sh tests/cli.sh
	suite "$build golden" sh tests/golden.sh
	[ $build = unplanet ] && suite "install and docs" sh tests/install.sh
	rm -rf "$T/truth"
	# Apart from suite.out, which suite() empties as it starts.
	if "$UNPLANET" -o "$T/truth" "$SAMPLE" 2>"$T/truth.err"; then
		echo "ok - sample page converts" >"$T/truth.result"
	else
		echo "not ok - sample page converts: $(cat "$T/truth.err")" >"$T/truth.result"
	fi
	suite "$build truth" sh -c "cat '$T/truth.result'; '$PY' tests/truth.py '$T/truth' '$TRUTH' '$PLANET_RSS'"
	suite "$build validate" sh tests/validate.sh "$T/truth"
	suite "$build generated" sh tests/generated.sh
	suite "$build hostile" "$PY" tests/hostile.py "$UNPLANET" "$T/hostile"
	suite "$build hostile validate" sh tests/validate.sh "$T/hostile/feeds"
	suite "$build dates before 1970 validate" sh tests/validate.sh "$T/hostile/zones"
	suite "$build no-link permalinks validate" sh tests/validate.sh "$T/hostile/links"
	suite "$build history" "$PY" tests/history.py "$UNPLANET" "$T/history"
	suite "$build topics" "$PY" tests/topics.py "$UNPLANET" "$T/topics"
	suite "$build topics validate" sh tests/validate.sh "$T/topics/config"
	suite "$build fetch" "$PY" tests/fetch.py "$UNPLANET" "$T/fetch"
	suite "$build crash" "$PY" tests/crash.py "$UNPLANET" "$T/crash"
	suite "$build hosting" "$PY" tests/hosting.py "$UNPLANET" "$T/hosting"
	suite "$build jobs" sh tests/jobs.sh
	if [ $build = unplanet-san ]; then
		suite "$build hardening" env UNPLANET_SANITIZED=1 "$PY" tests/hardening.py "$UNPLANET" "$T/hardening"
		suite "$build fuzz regressions" sh tests/replay.sh
		suite "out of memory" "$PY" tests/oom.py "$PWD/tests/unplanet-oom" "$T/oom"
		suite "archive limits" "$PY" tests/limits.py "$PWD/tests/unplanet-small" "$T/limits"
	else
		suite "$build hardening" "$PY" tests/hardening.py "$UNPLANET" "$T/hardening"
		suite "$build valgrind" sh tests/valgrind.sh
		suite "$build soak" env UNPLANET="$UNPLANET" "$PY" tests/soak.py --runs 80 --seed 3 --http --work "$T/soak"
	fi
done

grep '^not ok' "$LOG"
passed=$(grep -c '^ok' "$LOG")
failed=$(grep -c '^not ok' "$LOG")
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
