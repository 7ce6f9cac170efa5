#!/bin/sh
# Builds the load test's PostGIS peers into $PEERS (default loadtest/out/peers), pinned: Tegola v0.21.2 from its Go
# module (the module proxy refuses "go install …@latest" for it; its own go.mod needs -mod=mod), and pg_tileserv
# v1.0.9 from its repository ($PGTS_SRC, a checkout, or a shallow clone of the tag). A peer that does not build is
# skipped with a message; loadtest/peers.sh then measures the others. Their code is never committed here.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PEERS=${PEERS:-$ROOT/loadtest/out/peers}
mkdir -p "$PEERS/src"
PEERS=$(cd "$PEERS" && pwd)

if [ -x "$PEERS/tegola" ]; then
	echo "peers: tegola already built"
else
	dir=$(go mod download -json github.com/go-spatial/tegola@v0.21.2 | awk -F'"' '$2 == "Dir" { print $4 }')
	if [ -n "$dir" ] && rm -rf "$PEERS/src/tegola" && cp -r "$dir" "$PEERS/src/tegola" && chmod -R u+w "$PEERS/src/tegola" &&
		(cd "$PEERS/src/tegola" && go build -mod=mod -o "$PEERS/tegola" ./cmd/tegola); then
		echo "peers: built tegola v0.21.2"
	else
		echo "peers: could not build tegola v0.21.2: it will be skipped" >&2
	fi
fi

if [ -x "$PEERS/pg_tileserv" ]; then
	echo "peers: pg_tileserv already built"
else
	src=${PGTS_SRC:-$PEERS/src/pg_tileserv}
	if [ ! -d "$src" ]; then
		git clone -q --depth 1 --branch v1.0.9 https://github.com/CrunchyData/pg_tileserv "$src" 2>/dev/null || true
	fi
	if [ -d "$src" ] && (cd "$src" && go build -o "$PEERS/pg_tileserv" .); then
		echo "peers: built pg_tileserv ($(cd "$src" && git describe --tags 2>/dev/null || echo 'local checkout'))"
	else
		echo "peers: could not get or build pg_tileserv v1.0.9 (set PGTS_SRC to a checkout): it will be skipped" >&2
	fi
fi
