#!/bin/sh
# fuzz.sh runs every fuzz target of the module, one after another, each for FUZZTIME (default 10m).
#
#   FUZZTIME=30s sh scripts/fuzz.sh            # a short run
#   FUZZ='FuzzReadClaims|FuzzQuery' sh scripts/fuzz.sh   # only these targets (whole names, grep -E alternatives)
#   FUZZPARALLEL=1 sh scripts/fuzz.sh          # one fuzzing worker per target (default: one per CPU)
#
# A crash stops that target only; its input is written to PKG/testdata/fuzz/TARGET/ by go test, where it stays as
# a regression case that the ordinary "go test" runs. The script exits 1 when any target failed. One line per target
# goes to stdout: "ok|FAIL PKG TARGET SECONDS".
set -u
cd "$(dirname "$0")/.."
FUZZTIME=${FUZZTIME:-10m}
FUZZ=${FUZZ:-Fuzz.*}
TAGS=${TAGS:-sqlite_omit_load_extension}
GO=${GO:-go}
par=""
if [ -n "${FUZZPARALLEL:-}" ]; then par="-parallel=$FUZZPARALLEL"; fi

targets=$(grep -rHo --include='*_test.go' '^func Fuzz[A-Za-z0-9_]*' . | sed 's|^\./||; s|/[^/]*_test.go:func | |' | sort -u |
	grep -E " ($FUZZ)\$")
if [ -z "$targets" ]; then
	echo "fuzz.sh: no fuzz target matches $FUZZ" >&2
	exit 1
fi
failmark=${TMPDIR:-/tmp}/fuzz-failed.$$
echo "$targets" | while read -r pkg target; do
	start=$(date +%s)
	if $GO test -tags "$TAGS" -run '^$' -fuzz "^$target\$" -fuzztime "$FUZZTIME" $par "./$pkg" >"${TMPDIR:-/tmp}/fuzz-$target.log" 2>&1; then
		status=ok
	else
		status=FAIL
	fi
	end=$(date +%s)
	echo "$status $pkg $target $((end - start))s"
	if [ "$status" = FAIL ]; then
		sed 's/^/    /' "${TMPDIR:-/tmp}/fuzz-$target.log" | tail -n 40
		touch "$failmark"
	fi
done
if [ -e "$failmark" ]; then
	rm -f "$failmark"
	exit 1
fi
exit 0
