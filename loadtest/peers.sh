#!/bin/sh
# Cold tiles from one PostGIS database (issue 14): tiled on PostgreSQL and tiled on SQLite (tile cache off) against
# pg_tileserv and Tegola, the same 140,000 places (seed + GeoNames cities1000) in one throw-away PostgreSQL 15 +
# PostGIS 3 cluster on 127.0.0.1 (tiled on SQLite: a GeoPackage file loaded with the same seed and file). Each zoom
# z5–z12 gets TILES tiles holding places of the border region, requested one at a time in RUNS runs, two ways in each
# run: on a new connection per request, every tile from every server in turn (the order rotating with each tile and
# run); and on one kept-alive connection per server, as a map client fetches them (the servers' order rotating with
# the run). Reported per way, server and zoom: the median over runs of each run's median, with the runs' min–max.
#
# Run it through "make loadtest-peers", which builds bin/tiled and the peers (pinned: Tegola v0.21.2 from its Go
# module, pg_tileserv v1.0.9 from its repository); a peer that did not build is skipped with a message.
# Environment: BIN (bin/tiled), PEERS (loadtest/out/peers: tegola and pg_tileserv binaries), OUT (loadtest/out),
# RUNS (3), TILES (20 per zoom). Results: $OUT/peers.tsv (every request), $OUT/peers.md (the table, also printed).
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
BIN=${BIN:-bin/tiled}
OUT=${OUT:-loadtest/out}
PEERS=${PEERS:-$OUT/peers}
RUNS=${RUNS:-3}
TILES=${TILES:-20}
ASOF=${ASOF:-2025-04-10}
CITIES=testdata/bench/cities1000.txt
BBOX="30 45 45 56" # lon/lat of the border region the tiles are drawn from
PORT_PG=18290 PORT_TILED=18291 PORT_PGTS=18292 PORT_TEGOLA=18293 PORT_SQLITE=18294

mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
PEERS=$(cd "$PEERS" 2>/dev/null && pwd || echo "$PEERS")
[ -s "$CITIES" ] || { echo "peers: $CITIES missing (make bench-data)" >&2; exit 1; }
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
[ -x "$PGBIN/initdb" ] || { echo "peers: PostgreSQL not installed (Debian: postgresql postgresql-15-postgis-3)" >&2; exit 1; }
RUN=$(mktemp -d /tmp/tiled-peers-XXXXXX)
chmod 755 "$RUN"
PIDS=""
cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$RUN"
}
trap cleanup EXIT INT TERM

# A port must be free before its server starts, and the server must be alive after: otherwise another process
# answers and the run would measure it.
port_free() {
	if curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$1/"; then
		echo "peers: port $1 is already taken by another process: stopping" >&2
		exit 1
	fi
}
alive() { kill -0 "$1" 2>/dev/null || { echo "peers: $2 exited (log: $RUN/$2.log):" >&2; tail -n 20 "$RUN/$2.log" >&2; exit 1; }; }
wait_http() { # URL NAME PID
	i=0
	until curl -sf -o /dev/null "$1"; do
		alive "$3" "$2"
		i=$((i + 1))
		[ $i -lt 600 ] || { echo "peers: $2 did not come up at $1" >&2; exit 1; }
		sleep 0.1
	done
}

# The cluster, as the postgres user when run as root (initdb refuses root).
AS=""
if [ "$(id -u)" -eq 0 ]; then chown postgres "$RUN"; AS="runuser -u postgres --"; fi
$AS "$PGBIN/initdb" -D "$RUN/pg" -U postgres -A trust -E UTF8 --locale=C --no-sync >/dev/null
port_free $PORT_PG
$AS "$PGBIN/postgres" -D "$RUN/pg" -p $PORT_PG -k "$RUN" -c listen_addresses=127.0.0.1 -c fsync=off \
	-c synchronous_commit=off -c shared_buffers=256MB -c max_connections=200 >"$RUN/postgres.log" 2>&1 &
PIDS="$!"
DSN="postgres://postgres@127.0.0.1:$PORT_PG/tiled?sslmode=disable"
i=0
until "$PGBIN/pg_isready" -q -h 127.0.0.1 -p $PORT_PG; do i=$((i + 1)); [ $i -lt 300 ] || exit 1; sleep 0.1; done
"$PGBIN/psql" -q -h 127.0.0.1 -p $PORT_PG -U postgres -c "CREATE DATABASE tiled" postgres
echo "peers: loading the seed data and $CITIES into PostgreSQL"
"$BIN" seed --db "$DSN" >/dev/null
t0=$(date +%s.%N)
"$BIN" import --db "$DSN" "$CITIES" >/dev/null
echo "peers: import of cities1000 into PostgreSQL took $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s"
psql_q() { "$PGBIN/psql" -qAt -h 127.0.0.1 -p $PORT_PG -U postgres -d tiled -c "$1"; }
psql_q "ANALYZE"
echo "peers: $(psql_q 'SELECT count(*) FROM settlements') places"

# The tiles: TILES per zoom among those holding a place of the border region, fixed by md5 order.
set -- $BBOX
psql_q "SELECT z || '/' || x || '/' || y FROM (
	SELECT DISTINCT z, floor((ST_X(geom) + 180) / 360 * 2 ^ z)::int AS x,
	       floor((1 - ln(tan(radians(ST_Y(geom))) + 1 / cos(radians(ST_Y(geom)))) / pi()) / 2 * 2 ^ z)::int AS y
	FROM settlements, generate_series(5, 12) AS z
	WHERE geom && ST_MakeEnvelope($1, $2, $3, $4, 4326)) t
	ORDER BY z, md5(z || '/' || x || '/' || y)" | awk -F/ -v n="$TILES" 'c[$1]++ < n' >"$RUN/tiles.txt"
echo "peers: $(wc -l <"$RUN/tiles.txt") tiles over z5–z12"

# Servers. Each logs its requests the way it does by default, to a file.
SERVERS=""
port_free $PORT_TILED
"$BIN" serve --db "$DSN" --addr 127.0.0.1:$PORT_TILED --seed=false --cache-mb 0 --write-rate off >"$RUN/tiled.log" 2>&1 &
p=$!
PIDS="$PIDS $p"
wait_http "http://127.0.0.1:$PORT_TILED/ready" tiled $p
SERVERS="tiled"
URL_tiled() { echo "http://127.0.0.1:$PORT_TILED/tiles/$1.mvt?as_of=$ASOF"; }

# The same data in the embedded store: tiled on SQLite.
"$BIN" seed --db "$RUN/tiled.gpkg" >/dev/null
"$BIN" import --db "$RUN/tiled.gpkg" "$CITIES" >/dev/null
port_free $PORT_SQLITE
"$BIN" serve --db "$RUN/tiled.gpkg" --addr 127.0.0.1:$PORT_SQLITE --seed=false --first-token=false --cache-mb 0 --write-rate off >"$RUN/tiled-sqlite.log" 2>&1 &
p=$!
PIDS="$PIDS $p"
wait_http "http://127.0.0.1:$PORT_SQLITE/ready" tiled-sqlite $p
SERVERS="$SERVERS tiled-sqlite"
URL_tiled_sqlite() { echo "http://127.0.0.1:$PORT_SQLITE/tiles/$1.mvt?as_of=$ASOF"; }

if [ -x "$PEERS/pg_tileserv" ]; then
	port_free $PORT_PGTS
	DATABASE_URL="$DSN" TS_HTTPPORT=$PORT_PGTS TS_HTTPHOST=127.0.0.1 "$PEERS/pg_tileserv" >"$RUN/pg_tileserv.log" 2>&1 &
	p=$!
	PIDS="$PIDS $p"
	wait_http "http://127.0.0.1:$PORT_PGTS/index.json" pg_tileserv $p
	SERVERS="$SERVERS pg_tileserv"
else
	echo "peers: skipping pg_tileserv: $PEERS/pg_tileserv was not built" >&2
fi
URL_pg_tileserv() { echo "http://127.0.0.1:$PORT_PGTS/public.settlements/$1.pbf?properties=id,name,population"; }

if [ -x "$PEERS/tegola" ]; then
	port_free $PORT_TEGOLA
	cat >"$RUN/tegola.toml" <<-EOF
		[webserver]
		port = "127.0.0.1:$PORT_TEGOLA"

		[[providers]]
		name = "pg"
		type = "postgis"
		uri = "$DSN"
		srid = 4326

		  [[providers.layers]]
		  name = "settlements"
		  geometry_fieldname = "geom"
		  geometry_type = "point"
		  id_fieldname = "fid"
		  srid = 4326
		  sql = "SELECT fid, id, name, population, ST_AsBinary(geom) AS geom FROM settlements WHERE geom && !BBOX!"

		[[maps]]
		name = "tiled"

		  [[maps.layers]]
		  provider_layer = "pg.settlements"
		  min_zoom = 0
		  max_zoom = 14
	EOF
	"$PEERS/tegola" serve --config "$RUN/tegola.toml" >"$RUN/tegola.log" 2>&1 &
	p=$!
	PIDS="$PIDS $p"
	wait_http "http://127.0.0.1:$PORT_TEGOLA/capabilities" tegola $p
	SERVERS="$SERVERS tegola"
else
	echo "peers: skipping Tegola: $PEERS/tegola was not built" >&2
fi
URL_tegola() { echo "http://127.0.0.1:$PORT_TEGOLA/maps/tiled/$1.pbf"; }

url() { f=$(echo "URL_$1" | tr - _); $f "$2"; } # url SERVER TILE

# Every server must answer a tile with features before anything is timed.
first=$(awk -F/ '$1 == 10' "$RUN/tiles.txt" | head -n1)
for s in $SERVERS; do
	n=$(curl -s --compressed "$(url "$s" "$first")" | wc -c)
	[ "$n" -gt 50 ] || { echo "peers: $s answered $first with $n bytes" >&2; exit 1; }
done

echo "peers: load average before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores; servers: $SERVERS"
TSV="$OUT/peers.tsv"
printf 'run\tserver\tz\ttile\tms\tstatus\tbytes\tconn\n' >"$TSV"
nserv=$(echo $SERVERS | wc -w)
ms() { awk -F'\t' -v OFS='\t' -v conn="$1" '{ $5 = sprintf("%.3f", $5 * 1000); print $0, conn }'; }
for run in $(seq 1 "$RUNS"); do
	# A new connection per request: each tile from every server in turn, the order rotating so that each server
	# goes first, second, … equally often.
	k=0
	while read -r tile; do
		k=$((k + 1))
		order=$(echo $SERVERS | tr ' ' '\n' | awk -v r=$(((k + run) % nserv)) '{ a[NR - 1] = $0 } END { for (i = 0; i < NR; i++) print a[(i + r) % NR] }')
		for s in $order; do
			curl -s -o /dev/null -H 'Accept-Encoding: gzip' -w "$run\t$s\t${tile%%/*}\t$tile\t%{time_total}\t%{http_code}\t%{size_download}\n" "$(url "$s" "$tile")"
		done
	done <"$RUN/tiles.txt" | ms new >>"$TSV"
	# One kept-alive connection per server, as a map client fetches tiles: every tile in one curl, the servers'
	# order rotating with the run. time_total of a reused connection is the request alone.
	order=$(echo $SERVERS | tr ' ' '\n' | awk -v r=$((run % nserv)) '{ a[NR - 1] = $0 } END { for (i = 0; i < NR; i++) print a[(i + r) % NR] }')
	for s in $order; do
		set --
		while read -r tile; do set -- "$@" -o /dev/null "$(url "$s" "$tile")"; done <"$RUN/tiles.txt"
		curl -s -H 'Accept-Encoding: gzip' -w "$run\t$s\t%{url}\t%{url}\t%{time_total}\t%{http_code}\t%{size_download}\n" "$@" |
			awk -F'\t' -v OFS='\t' '{ match($3, /[0-9]+\/[0-9]+\/[0-9]+/); t = substr($3, RSTART, RLENGTH); split(t, p, "/"); $3 = p[1]; $4 = t; print }'
	done | ms keep >>"$TSV"
	echo "peers: run $run of $RUNS done"
done
bad=$(awk -F'\t' 'NR > 1 && $6 != 200 && $6 != 204' "$TSV" | wc -l)
[ "$bad" -eq 0 ] || echo "peers: $bad requests did not answer 200/204 (see $TSV)" >&2

# The table: per server and zoom, the median of the runs' medians, [min–max of the runs' medians].
table() { # table CONN TITLE
awk -F'\t' -v servers="$SERVERS" -v runs="$RUNS" -v load="$(cut -d' ' -f1-3 /proc/loadavg)" -v conn="$1" -v title="$2" '
function median(arr, n,   i, j, t) {
	for (i = 2; i <= n; i++) { t = arr[i]; for (j = i - 1; j >= 1 && arr[j] > t; j--) arr[j + 1] = arr[j]; arr[j + 1] = t }
	return n % 2 ? arr[(n + 1) / 2] : (arr[n / 2] + arr[n / 2 + 1]) / 2
}
NR > 1 && $8 == conn { k = $1 SUBSEP $2 SUBSEP $3; c[k]++; v[k, c[k]] = $5; zs[$3] = 1 }
END {
	ns = split(servers, S, " ")
	printf "%s. Cold tiles, one request at a time, ms: median of %d runs'"'"' medians [min–max]; ratio = tiled (on PostgreSQL: tiled, on SQLite: tiled-sqlite) / peer.\n\n", title, runs
	printf "| zoom |"; for (i = 1; i <= ns; i++) printf " %s |", S[i]
	nr = 0
	for (i = 1; i <= ns; i++) if (S[i] ~ /^tiled/) for (j = 1; j <= ns; j++) if (S[j] !~ /^tiled/) { nr++; RA[nr] = i; RB[nr] = j; printf " %s/%s |", S[i], S[j] }
	printf "\n|---|"; for (i = 1; i <= ns + nr; i++) printf "---|"; printf "\n"
	for (z = 5; z <= 12; z++) {
		if (!(z in zs)) continue
		printf "| z%d |", z
		for (i = 1; i <= ns; i++) {
			n = 0; lo = 1e18; hi = 0
			for (r = 1; r <= runs; r++) {
				k = r SUBSEP S[i] SUBSEP z; m = c[k]
				for (j = 1; j <= m; j++) a[j] = v[k, j]
				rm = median(a, m); n++; meds[n] = rm; if (rm < lo) lo = rm; if (rm > hi) hi = rm
			}
			med[i] = median(meds, n)
			printf " %.2f [%.2f–%.2f] |", med[i], lo, hi
		}
		for (r = 1; r <= nr; r++) printf " %.2f |", med[RA[r]] / med[RB[r]]
		printf "\n"
	}
	printf "\nLoad average after: %s\n\n", load
}' "$TSV"
}
{
	table keep "A kept-alive connection per server (as a map client fetches tiles)"
	table new "A new connection per request"
} | tee "$OUT/peers.md"
