#!/bin/sh
# valgrind.sh - the normal build under valgrind --leak-check=full: a first
# run on the sample page, an unchanged second run, --dump, and a failing
# run. Any memory error or leak fails.
. "$(dirname "$0")/lib.sh"
mkdir -p "$T"
# (The suppressions are for PCRE2's JIT code alone: see the file.)
vg="valgrind --leak-check=full --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=99 -q --suppressions=tests/valgrind.supp"
SAMPLE=samples/planetpython-2026-04-29.html
rm -rf "$T/vg"
# shellcheck disable=SC2086
expect_exit "valgrind: first run on the sample is clean" 0 $vg "$UNPLANET" -o "$T/vg" -t 'Django=django' "$SAMPLE"
# shellcheck disable=SC2086
expect_exit "valgrind: unchanged second run is clean" 0 $vg "$UNPLANET" -o "$T/vg" -t 'Django=django' "$SAMPLE"
# shellcheck disable=SC2086
expect_exit "valgrind: --dump is clean" 0 $vg "$UNPLANET" --dump "$SAMPLE"
printf '<html><body>no posts</body></html>\n' >"$T/none.html"
# shellcheck disable=SC2086
expect_exit "valgrind: a failing run is clean" 65 $vg "$UNPLANET" -o "$T/vg" "$T/none.html"
