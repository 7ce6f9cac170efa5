#!/bin/sh
# fuzz.sh runs every fuzz target of the module, one after another, each for FUZZTIME (default 10m).
#
#   FUZZTIME=30s sh scripts/fuzz.sh            # a short run
#   FUZZ=FuzzReadClaims sh scripts/fuzz.sh     # only the targets whose name matches (grep -E)
#   FUZZPARALLEL=1 sh scripts/fuzz.sh          # one fuzzing worker per target (default: one per CPU)
#
# A crash stops that target only; its input is written to PKG/testdata/fuzz/TARGET/ by go test, where it stays as
# a regression case that the ordinary "go test" runs. The script exits 1 when any target failed. One line per target
# goes to stdout: "ok|FAIL PKG TARGET SECONDS".
set -u
cd "$(dirname "$0")/.."
FUZZTIME=${FUZZTIME:-10m}
FUZZ=${FUZZ:-.}
TAGS=${TAGS:-sqlite_omit_load_extension}
GO=${GO:-go}
par=""
if [ -n "${FUZZPARALLEL:-}" ]; then par="-parallel=$FUZZPARALLEL"; fi

targets=$(grep -rHo --include='*_test.go' '^func Fuzz[A-Za-z0-9_]*' . | sed 's|^\./||; s|/[^/]*_test.go:func | |' | sort -u |
	grep -E " .*($FUZZ)")
if [ -z "$targets" ]; then
	echo "fuzz.sh: no fuzz target matches $FUZZ" >&2
	exit 1
fi
failed=0
echo "$targets" | while read -r pkg target; do
	start=$(date +%s)
	if $GO test -tags "$TAGS" -run '^$' -fuzz "^$target\$" -fuzztime "$FUZZTIME" $par "./$pkg" >"/tmp/fuzz-$target.log" 2>&1; then
		status=ok
	else
		status=FAIL
	fi
	end=$(date +%s)
	echo "$status $pkg $target $((end - start))s"
	if [ "$status" = FAIL ]; then
		sed 's/^/    /' "/tmp/fuzz-$target.log" | tail -n 40
		touch /tmp/fuzz-failed.$$
	fi
done
if [ -e /tmp/fuzz-failed.$$ ]; then
	rm -f /tmp/fuzz-failed.$$
	exit 1
fi
exit 0
