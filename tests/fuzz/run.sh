#!/bin/sh
# run.sh SECONDS - run each fuzz target for SECONDS, seeded from samples/,
# the golden pages and a page of hostile posts; print each target's
# executions and executions per second. Inputs that crash, leak or time
# out are kept in tests/fuzz/regressions/ (make check replays them).
cd "$(dirname "$0")/../.." || exit 2
seconds=${1:-60}
out=tests/out/fuzz
mkdir -p "$out/seeds" tests/fuzz/regressions
cp samples/*.html tests/golden/read/*.html "$out/seeds/"
/usr/bin/python3 tests/hostile.py ./unplanet "$out/hostile" >/dev/null 2>&1 || true
cp "$out/hostile/hostile.html" "$out/seeds/" 2>/dev/null
dicts="-dict=tests/fuzz/planet.dict"
status=0
for target in read pipeline; do
	corpus=$out/corpus-$target
	mkdir -p "$corpus"
	# Regressions first: a fixed crash must stay fixed before new ones are sought.
	./tests/fuzz/fuzz-$target -runs=0 tests/fuzz/regressions/ >"$out/$target-replay.log" 2>&1 || {
		echo "fuzz-$target: a regression input fails again:"; tail -20 "$out/$target-replay.log"; status=1; }
	./tests/fuzz/fuzz-$target $dicts -max_total_time="$seconds" -max_len=131072 -timeout=10 \
		-rss_limit_mb=4096 -print_final_stats=1 -artifact_prefix=tests/fuzz/regressions/ \
		"$corpus" "$out/seeds" >"$out/$target.log" 2>&1 || status=1
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/$target.log")
	speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$out/$target.log")
	echo "fuzz-$target: $execs executions in ${seconds} s, $speed per second, corpus $(ls "$corpus" | wc -l) inputs"
	if grep -q 'ERROR: \|==ERROR\|SUMMARY: \|timeout' "$out/$target.log"; then
		echo "fuzz-$target found a problem:"; grep -m5 'ERROR\|SUMMARY\|artifact' "$out/$target.log"; status=1
	fi
done
exit $status
