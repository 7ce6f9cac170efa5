#!/bin/sh
# bench-claims-import.sh: the claims import measurements of BENCHMARKS.md (issue 15, claims side; issue 14).
#
#   bench-claims-import.sh BASE CLAIMS BIN...   for each BIN in turn: a fresh copy of the store BASE (a file; or a
#                                               postgres:// URL of a database used as a template, copied with
#                                               CREATE DATABASE … TEMPLATE), then `BIN claims import` of CLAIMS into
#                                               it, timed; the copy is dropped after
#
# Prints one line a run: the binary, rows, wall seconds, CPU seconds (user+sys of BIN; for PostgreSQL the server's
# work is not in it), peak RSS, rows per wall second and per CPU second. Pass the same BIN twice, or two BINs in
# turn (A B A B), to alternate. Needs /usr/bin/time, bc; psql for PostgreSQL.
set -eu
base=$1 claims=$2
shift 2
rows=$(($(wc -l <"$claims") - 1))
for bin in "$@"; do
  case $base in
  postgres://* | postgresql://*)
    server=${base%/*} tmpl=${base##*/}
    tmpl=${tmpl%%\?*}
    db=bench_claims_$$
    psql -q "$server/postgres" -c "CREATE DATABASE $db TEMPLATE $tmpl"
    target="$server/$db?sslmode=disable"
    ;;
  *)
    target=$base.bench-$$.db
    cp "$base" "$target"
    sync "$target" # else the import's checkpoint fsync waits for the copy's gigabyte to reach the disk
    ;;
  esac
  /usr/bin/time -f "%e %U %S %M" -o /tmp/bench-claims-time.$$ "$bin" claims import --db "$target" "$claims" >/dev/null
  read -r wall user sys kb </tmp/bench-claims-time.$$
  rm -f /tmp/bench-claims-time.$$
  cpu=$(echo "$user + $sys" | bc)
  echo "$bin rows=$rows wall_s=$wall cpu_s=$cpu peak_rss_mb=$((kb / 1024)) rows_per_s=$(echo "$rows / $wall" | bc) rows_per_cpu_s=$(echo "$rows / $cpu" | bc)"
  case $base in
  postgres://* | postgresql://*) psql -q "$server/postgres" -c "DROP DATABASE $db" ;;
  *) rm -f "$target" "$target-wal" "$target-shm" ;;
  esac
done
