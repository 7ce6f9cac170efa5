#!/bin/sh
# bench-startup.sh BIN DB [PORT]: start `BIN serve` on DB, report the seconds until /health answers, the first
# (cold) z0 tile's time, then the peak and current RSS from /proc (VmHWM, VmRSS), and stop the server.
# Used for BENCHMARKS.md (issue 15); needs curl.
set -eu
bin=$1 db=$2 port=${3:-18915}
start=$(date +%s.%N)
"$bin" serve --db "$db" --addr "127.0.0.1:$port" --seed=false --log text >/dev/null 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
until curl -fs -o /dev/null "http://127.0.0.1:$port/health"; do
  kill -0 $pid 2>/dev/null || { echo "server exited"; exit 1; }
  sleep 0.02
done
up=$(date +%s.%N)
rss_up=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
z0=$(curl -fs -o /dev/null -w '%{time_total}' "http://127.0.0.1:$port/tiles/0/0/0.mvt?as_of=2025-03-30")
z6=$(curl -fs -o /dev/null -w '%{time_total}' "http://127.0.0.1:$port/tiles/6/39/21.mvt?as_of=2025-03-30")
hwm=$(awk '/VmHWM/ {print $2}' /proc/$pid/status)
rss=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
echo "startup_s=$(echo "$up - $start" | bc) rss_at_start_mb=$((rss_up / 1024)) z0_cold_s=$z0 z6_cold_s=$z6 peak_rss_mb=$((hwm / 1024)) rss_mb=$((rss / 1024))"
