#!/bin/sh
# bench-scale-stores.sh: the "Both stores at 1M (issue 14)" measurements of BENCHMARKS.md.
#
#   bench-scale-stores.sh import BIN DB PLACES CLAIMS   new store (a file path or an empty postgres:// database):
#                                                       timed place import, data/sources.csv, timed claims import,
#                                                       then the rows of each and the store's size
#   bench-scale-stores.sh serve BIN DB NAMES [PORT]     `BIN serve` on DB with the tile cache off: seconds until
#                                                       /health answers and the RSS then, cold tiles at z6, z8, z10,
#                                                       z12 (median, p99), the median of /api/geocode over the names
#                                                       in file NAMES (one a line), the RSS after, and stop
#
# Times are curl's time_total in ms; rates are rows per wall-clock second of the whole command. Sizes: the file
# (with its -wal) for SQLite, pg_database_size for PostgreSQL (needs psql). Needs curl, awk, bc, /usr/bin/time.
set -eu
mode=$1 bin=$2 db=$3
case $mode in
import)
  places=$4 claims=$5
  t() { # t LABEL ROWS CMD...: run CMD, print its wall time and ROWS per wall second
    label=$1 rows=$2; shift 2
    /usr/bin/time -f "%e %U %S %M" -o /tmp/bench-scale-time.$$ "$@" >/dev/null
    read -r wall user sys kb </tmp/bench-scale-time.$$
    rm -f /tmp/bench-scale-time.$$
    echo "$label rows=$rows wall_s=$wall cpu_s=$(echo "$user + $sys" | bc) peak_rss_mb=$((kb / 1024)) rows_per_s=$(echo "$rows / $wall" | bc)"
  }
  t places "$(wc -l <"$places")" "$bin" import --db "$db" "$places"
  "$bin" sources import --db "$db" data/sources.csv >/dev/null
  t claims "$(($(wc -l <"$claims") - 1))" "$bin" claims import --db "$db" "$claims"
  case $db in
  postgres://* | postgresql://*)
    echo "size_mb=$(psql -At "$db" -c 'SELECT pg_database_size(current_database()) / 1048576')" ;;
  *)
    echo "size_mb=$(($(cat "$db" "$db-wal" 2>/dev/null | wc -c) / 1048576))" ;;
  esac
  ;;
serve)
  names=$4 port=${5:-18916}
  base="http://127.0.0.1:$port"
  start=$(date +%s.%N)
  "$bin" serve --db "$db" --addr "127.0.0.1:$port" --seed=false --first-token=false --cache-mb 0 --log text >/dev/null 2>&1 &
  pid=$!
  trap 'kill $pid 2>/dev/null || true' EXIT
  until curl -fs -o /dev/null "$base/health"; do
    kill -0 $pid 2>/dev/null || { echo "server exited"; exit 1; }
    sleep 0.05
  done
  up=$(date +%s.%N)
  rss_up=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
  echo "startup_s=$(echo "$up - $start" | bc) rss_at_start_mb=$((rss_up / 1024))"
  # tiles Z: the tiles of zoom Z over 34.69–37.69°E, 50.23–53.23°N (Kursk ± 1.5°), at most 60, spread evenly
  # (the list of scripts/bench-startup.sh).
  tiles() {
    awk -v z="$1" 'function tx(lon) { return int((lon + 180) / 360 * 2^z) }
      function ty(lat,  r) { r = lat * 3.141592653589793 / 180; return int((1 - log((sin(r) + 1) / cos(r)) / 3.141592653589793) / 2 * 2^z) }
      BEGIN { x0 = tx(34.69); x1 = tx(37.69); y0 = ty(53.23); y1 = ty(50.23); n = (x1 - x0 + 1) * (y1 - y0 + 1)
        step = n > 60 ? n / 60 : 1; k = 0
        for (x = x0; x <= x1; x++) for (y = y0; y <= y1; y++) { if (k >= next_k) { print z "/" x "/" y; next_k += step } k++ } }'
  }
  stats() { sort -n | awk -v l="$1" '{ v[NR] = $1 * 1000 } END { printf "%s n=%d p50_ms=%.1f p99_ms=%.1f\n", l, NR, v[int((NR + 1) / 2)], v[int(NR * 0.99 + 0.999)] }'; }
  for z in 6 8 10 12; do
    for tile in $(tiles $z); do
      curl -fs -o /dev/null -w '%{time_total}\n' "$base/tiles/$tile.mvt?as_of=2025-03-30"
    done | stats "z$z"
  done
  while IFS= read -r name; do
    curl -fsG -o /dev/null -w '%{time_total}\n' --data-urlencode "q=$name" "$base/api/geocode"
  done <"$names" | stats geocode
  hwm=$(awk '/VmHWM/ {print $2}' /proc/$pid/status)
  rss=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
  echo "peak_rss_mb=$((hwm / 1024)) rss_after_mb=$((rss / 1024))"
  ;;
*)
  echo "usage: $0 import BIN DB PLACES CLAIMS | serve BIN DB NAMES [PORT]" >&2
  exit 2
  ;;
esac
