#!/bin/sh
# tiled's load test (issue 6): tiled with a warm cache, tiled cold (cache off), nginx serving the exported directory
# and TileServer GL light serving the exported MBTiles, measured in the same run against the same tile bytes with
# wrk on loopback. Run it through "make loadtest", which builds bin/tiled and installs nginx, wrk and
# tileserver-gl-light first.
#
# Every cell (dataset, gzip, connections) is measured RUNS times (default 3), the servers' order rotating from run
# to run, and reported as medians with the runs' min–max. A port already answering before its server starts, or a
# server that exits, stops the run: another process must never be measured in its place. Every server logs its
# requests to a file in the run directory (tiled its JSON request log, nginx its access log, TileServer GL its own).
#
# Environment: DURATION (per wrk run, default 5s), CONNS (default "1 16 64"), DATASETS (default "seed large"),
# RUNS (default 3), BIN (default bin/tiled), OUT (default loadtest/out). Results: $OUT/results.tsv,
# $OUT/table.md (also printed).
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
BIN=${BIN:-bin/tiled}
OUT=${OUT:-loadtest/out}
DURATION=${DURATION:-5s}
CONNS=${CONNS:-1 16 64}
DATASETS=${DATASETS:-seed large}
RUNS=${RUNS:-3}
ASOF=${ASOF:-2025-04-10}
CITIES=testdata/bench/cities1000.txt
TSGL=loadtest/node_modules/.bin/tileserver-gl
LUA=loadtest/tiles.lua
# The large export covers the border region (where the claims are) at z0–z12; the seed export every seed place.
LARGE_BBOX=${LARGE_BBOX:-30,45,45,56}
LARGE_MAXZOOM=${LARGE_MAXZOOM:-12}
PORT_WARM=18181 PORT_COLD=18182 PORT_NGINX=18183 PORT_TSGL=18184

for tool in wrk nginx curl "$BIN" "$TSGL"; do
	command -v "$tool" >/dev/null 2>&1 || [ -x "$tool" ] || { echo "loadtest: $tool not found (run make loadtest-deps build)" >&2; exit 1; }
done
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
RUN="$OUT/run"
rm -rf "$RUN" && mkdir -p "$RUN"
RESULTS="$OUT/results.tsv"
printf 'dataset\tserver\tgzip\tconns\trequests\tseconds\trps\tp50_ms\tp99_ms\terrors\tnon2xx\tbytes\trun\n' >"$RESULTS"
PIDS=""

cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

# port_free PORT: stop when something already answers on PORT (the server about to start could not bind it, and
# the run would measure the other process).
port_free() {
	if curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$1/"; then
		echo "loadtest: port $1 is already taken by another process: stopping" >&2
		exit 1
	fi
}

# wait_http URL [PID]: poll until the URL answers 200 (60 s at most), stopping if the server PID exits.
wait_http() {
	i=0
	until curl -sf -o /dev/null "$1"; do
		if [ -n "${2:-}" ] && ! kill -0 "$2" 2>/dev/null; then
			echo "loadtest: the server for $1 exited (could it bind its port?): stopping" >&2
			exit 1
		fi
		i=$((i + 1))
		[ $i -lt 600 ] || { echo "loadtest: $1 did not come up" >&2; exit 1; }
		sleep 0.1
	done
}

# store NAME: the store file, built once and kept in $OUT between runs.
store() {
	db="$OUT/$1.db"
	if [ ! -s "$db" ]; then
		rm -f "$db" "$db"-*
		"$BIN" seed --db "$db" >/dev/null
		if [ "$1" = large ]; then
			[ -s "$CITIES" ] || { echo "loadtest: $CITIES missing (make bench-data)" >&2; exit 1; }
			"$BIN" import --db "$db" "$CITIES" >/dev/null
		fi
	fi
	echo "$db"
}

# bench DATASET SERVER GZIP CONNS URL PREFIX SUFFIX PATHS [RUN]: one bounded wrk run, appended to $RESULTS.
bench() {
	threads=$(($4 < 2 ? $4 : 2))
	res=$(wrk -t"$threads" -c"$4" -d"$DURATION" --timeout 5s -s "$LUA" "$5" -- "$8" "$6" "$7" "$3" | grep '^RESULT') || {
		echo "loadtest: wrk failed for $2 $3 c=$4" >&2
		exit 1
	}
	echo "$res" | awk -v ds="$1" -v srv="$2" -v gz="$3" -v c="$4" -v run="${9:-1}" '{
		for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		s = v["duration_us"] / 1e6
		printf "%s\t%s\t%s\t%s\t%d\t%.2f\t%.0f\t%.3f\t%.3f\t%d\t%d\t%d\t%d\n", ds, srv, gz, c, v["requests"], s,
			v["requests"] / s, v["p50_us"] / 1000, v["p99_us"] / 1000, v["errors"], v["non2xx"], v["bytes"], run
	}' | tee -a "$RESULTS" | awk -F'\t' '{ printf "  %-6s %-12s %-8s c=%-3s run %s %8s req/s  p50 %s ms  p99 %s ms  errors %s/%s\n", $1, $2, $3, $4, $13, $7, $8, $9, $10, $11 }'
	# Every request of the list is a tile the server has: an error or an answer other than 2xx means the run
	# measured something else (a 404 is cheaper than a tile), so the figures would mislead.
	bad=$(tail -n1 "$RESULTS" | awk -F'\t' '{ print $10 + $11 }')
	if [ "$bad" -gt 0 ]; then
		echo "loadtest: $2 answered $bad requests with an error or a status other than 2xx (see its log in $RUN): stopping" >&2
		exit 1
	fi
}

# hwm PID: the process's peak resident set (VmHWM) in MB.
hwm() { awk '/^VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status"; }

echo "loadtest: load average before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores; wrk $DURATION per run"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
: >"$OUT/memory.tsv"

for ds in $DATASETS; do
	db=$(store "$ds")
	bbox="" maxzoom=14
	if [ "$ds" = large ]; then bbox="--bbox $LARGE_BBOX" maxzoom=$LARGE_MAXZOOM; fi
	dir="$RUN/$ds" mb="$RUN/$ds.mbtiles"
	# shellcheck disable=SC2086 # $bbox is two words or none
	"$BIN" export tiles --db "$db" --format dir --maxzoom "$maxzoom" --as-of "$ASOF" $bbox "$dir" | tee "$RUN/$ds.export.txt"
	# shellcheck disable=SC2086
	"$BIN" export tiles --db "$db" --format mbtiles --maxzoom "$maxzoom" --as-of "$ASOF" $bbox "$mb" >/dev/null
	# The request list: every exported tile, shuffled with a fixed seed; and the z8–z12 ones for the cold target.
	(cd "$dir" && find . -name '*.mvt' | sed 's|^\./||; s|\.mvt$||') | sort |
		awk 'BEGIN { srand(6) } { printf "%.9f\t%s\n", rand(), $0 }' | sort -n | cut -f2 >"$RUN/$ds.paths"
	awk -F/ '$1 >= 8 && $1 <= 12' "$RUN/$ds.paths" >"$RUN/$ds.z8-12.paths"
	ntiles=$(wc -l <"$RUN/$ds.paths")

	# Servers, each logging its requests to a file: tiled its JSON request log, nginx its access log (buffered),
	# TileServer GL its own request log.
	for p in $PORT_WARM $PORT_COLD $PORT_NGINX $PORT_TSGL; do port_free "$p"; done
	"$BIN" serve --db "$db" --addr 127.0.0.1:$PORT_WARM --seed=false >"$RUN/$ds.tiled-warm.log" 2>&1 &
	warm=$!
	"$BIN" serve --db "$db" --addr 127.0.0.1:$PORT_COLD --seed=false --cache-mb 0 >"$RUN/$ds.tiled-cold.log" 2>&1 &
	cold=$!
	sed -e "s|@RUN@|$RUN|g; s|@ROOT@|$dir|g; s|@PORT@|$PORT_NGINX|g; s|@NAME@|$ds|g" loadtest/nginx.conf >"$RUN/$ds.nginx.conf"
	nginx -p "$RUN" -c "$RUN/$ds.nginx.conf" -e "$RUN/$ds.nginx.error.log" &
	ngx=$!
	cat >"$RUN/$ds.tsgl.json" <<-EOF
		{"options": {"paths": {"root": "$ROOT/loadtest/node_modules/tileserver-gl-styles", "fonts": "fonts",
		  "styles": "styles", "mbtiles": "$RUN"}}, "styles": {}, "data": {"$ds": {"mbtiles": "$ds.mbtiles"}}}
	EOF
	"$TSGL" -c "$RUN/$ds.tsgl.json" -b 127.0.0.1 -p $PORT_TSGL >"$RUN/$ds.tsgl.log" 2>&1 &
	tsgl=$!
	PIDS="$warm $cold $ngx $tsgl"
	first=$(head -n1 "$RUN/$ds.paths")
	wait_http "http://127.0.0.1:$PORT_WARM/tiles/$first.mvt?as_of=$ASOF" $warm
	wait_http "http://127.0.0.1:$PORT_COLD/tiles/$first.mvt?as_of=$ASOF" $cold
	wait_http "http://127.0.0.1:$PORT_NGINX/$first.mvt" $ngx
	wait_http "http://127.0.0.1:$PORT_TSGL/data/$ds/$first.pbf" $tsgl
	for u in "127.0.0.1:$PORT_WARM/tiles/$first.mvt?as_of=$ASOF" "127.0.0.1:$PORT_NGINX/$first.mvt" "127.0.0.1:$PORT_TSGL/data/$ds/$first.pbf"; do
		echo "== GET $u (Accept-Encoding: gzip)"
		curl -s -D - -o /dev/null -H 'Accept-Encoding: gzip' "http://$u"
	done >"$RUN/$ds.headers.txt"
	# The same bytes: each server's answer for a sample of tiles, decompressed, must equal the exported file.
	for p in $(head -n 20 "$RUN/$ds.paths"); do
		for u in "$PORT_WARM/tiles/$p.mvt?as_of=$ASOF" "$PORT_NGINX/$p.mvt" "$PORT_TSGL/data/$ds/$p.pbf"; do
			curl -s --compressed "http://127.0.0.1:$u" | cmp -s - "$dir/$p.mvt" || { echo "loadtest: 127.0.0.1:$u differs from $dir/$p.mvt" >&2; exit 1; }
		done
	done
	echo "loadtest: $ds: $ntiles tiles; the servers' bytes equal the export; warming tiled's cache"
	# One pass over every tile on one keep-alive connection (curl reuses it across the URLs of one config).
	awk -v u="http://127.0.0.1:$PORT_WARM/tiles/" -v q=".mvt?as_of=$ASOF" '{ printf "url = \"%s%s%s\"\noutput = \"/dev/null\"\n", u, $0, q }' \
		"$RUN/$ds.paths" >"$RUN/$ds.warm.curl"
	curl -s -H 'Accept-Encoding: gzip' -K "$RUN/$ds.warm.curl"

	server() { # NAME GZIP CONNS RUN
		case $1 in
		tiled-warm) bench "$ds" tiled-warm "$2" "$3" "http://127.0.0.1:$PORT_WARM" /tiles/ ".mvt?as_of=$ASOF" "$RUN/$ds.paths" "$4" ;;
		tiled-cold) bench "$ds" tiled-cold "$2" "$3" "http://127.0.0.1:$PORT_COLD" /tiles/ ".mvt?as_of=$ASOF" "$RUN/$ds.paths" "$4" ;;
		nginx) bench "$ds" nginx "$2" "$3" "http://127.0.0.1:$PORT_NGINX" / .mvt "$RUN/$ds.paths" "$4" ;;
		tileserver-gl) bench "$ds" tileserver-gl "$2" "$3" "http://127.0.0.1:$PORT_TSGL" "/data/$ds/" .pbf "$RUN/$ds.paths" "$4" ;;
		esac
		for p in $warm $cold $ngx $tsgl; do
			kill -0 "$p" 2>/dev/null || { echo "loadtest: a server exited during the run: stopping" >&2; exit 1; }
		done
	}
	for gz in gzip identity; do
		for c in $CONNS; do
			for run in $(seq 1 "$RUNS"); do
				# Rotate the servers' order from run to run: none always runs first (or after the hottest one).
				set -- tiled-warm tiled-cold nginx tileserver-gl
				i=1
				while [ $i -lt "$run" ]; do first_s=$1; shift; set -- "$@" "$first_s"; i=$((i + 1)); done
				for s in "$@"; do server "$s" $gz "$c" "$run"; done
			done
		done
	done
	for run in $(seq 1 "$RUNS"); do
		bench "$ds" tiled-cold-z8-12 gzip 1 "http://127.0.0.1:$PORT_COLD" /tiles/ ".mvt?as_of=$ASOF" "$RUN/$ds.z8-12.paths" "$run"
	done
	printf '%s\ttiled-warm\t%s\n%s\ttiled-cold\t%s\n' "$ds" "$(hwm $warm)" "$ds" "$(hwm $cold)" >>"$OUT/memory.tsv"
	cleanup
	PIDS=""
done

LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
sh loadtest/report.sh "$RESULTS" "$OUT/memory.tsv" "$LOAD_BEFORE" "$LOAD_AFTER" "$DURATION" | tee "$OUT/table.md"
