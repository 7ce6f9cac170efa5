#!/bin/sh
# bench-startup.sh BIN DB [PORT]: start `BIN serve` on DB with the tile cache off, report the seconds until /health
# answers and the RSS then, the median and p99 time of cold tiles by zoom (z0 twenty times; at z6, z8, z10 and z12
# up to 60 tiles of a 3°×3° box around Kursk), then the peak and current RSS from /proc (VmHWM, VmRSS), and stop
# the server. Used for BENCHMARKS.md (issue 15); needs curl and awk. Times are curl's time_total, in ms. With
# STARTUP_ONLY=1 it stops after /health answers, printing the server's CPU seconds (user + sys) until then.
set -eu
bin=$1 db=$2 port=${3:-18915}
base="http://127.0.0.1:$port"
start=$(date +%s.%N)
"$bin" serve --db "$db" --addr "127.0.0.1:$port" --seed=false --cache-mb 0 --log text >/dev/null 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
until curl -fs -o /dev/null "$base/health"; do
  kill -0 $pid 2>/dev/null || { echo "server exited"; exit 1; }
  sleep 0.02
done
up=$(date +%s.%N)
rss_up=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
echo "startup_s=$(echo "$up - $start" | bc) rss_at_start_mb=$((rss_up / 1024))"
if [ "${STARTUP_ONLY:-}" = 1 ]; then # the start-up alone, with the server's CPU (user + sys) until then
  echo "cpu_s=$(awk '{print ($14 + $15) / 100}' /proc/$pid/stat)"
  exit 0
fi
# tiles Z: the tiles of zoom Z over 34.69–37.69°E, 50.23–53.23°N (Kursk ± 1.5°), at most 60, spread evenly.
tiles() {
  awk -v z="$1" 'function tx(lon) { return int((lon + 180) / 360 * 2^z) }
    function ty(lat,  r) { r = lat * 3.141592653589793 / 180; return int((1 - log((sin(r) + 1) / cos(r)) / 3.141592653589793) / 2 * 2^z) }
    BEGIN { x0 = tx(34.69); x1 = tx(37.69); y0 = ty(53.23); y1 = ty(50.23); n = (x1 - x0 + 1) * (y1 - y0 + 1)
      step = n > 60 ? n / 60 : 1; k = 0
      for (x = x0; x <= x1; x++) for (y = y0; y <= y1; y++) { if (k >= next_k) { print z "/" x "/" y; next_k += step } k++ } }'
}
for z in 0 6 8 10 12; do
  if [ "$z" = 0 ]; then list=$(yes 0/0/0 | head -n 20); else list=$(tiles $z); fi
  for t in $list; do
    curl -fs -o /dev/null -w '%{time_total}\n' "$base/tiles/$t.mvt?as_of=2025-03-30"
  done | sort -n | awk -v z="$z" '{ v[NR] = $1 * 1000 } END { printf "z%s n=%d p50_ms=%.1f p99_ms=%.1f\n", z, NR, v[int((NR + 1) / 2)], v[int(NR * 0.99 + 0.999)] }'
done
hwm=$(awk '/VmHWM/ {print $2}' /proc/$pid/status)
rss=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
echo "peak_rss_mb=$((hwm / 1024)) rss_mb=$((rss / 1024))"
